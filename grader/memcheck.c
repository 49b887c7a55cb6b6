/* memcheck.c - the memory checks (see memcheck.h): whether they can run
 * (Valgrind found, drivers in the data dir), and their phase (phase.h),
 * which tg_grade's scheduler runs beside the tests, or tg_memcheck_run runs
 * alone (memcheck_int.h lists the files that do the work). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "memcheck_int.h"
#include "valgrind.h"

/* The Valgrind configure found ("" if none); $TTGRADE_VALGRIND overrides it. */
#ifndef TTGRADE_VALGRIND
#define TTGRADE_VALGRIND ""
#endif

static int set_skipped(struct tg_memcheck *mc, char *why)
{
    if (why == NULL)
        return -1;
    free(mc->skipped);
    mc->skipped = why;
    free(mc->valgrind);
    mc->valgrind = NULL;
    return 0;
}

int tg_memcheck_open(struct tg_memcheck *mc, const struct tg_rubric *rubric, const struct tg_result *res,
                     const char *datadir, int off)
{
    memset(mc, 0, sizeof *mc);
    for (int l = 0; l < tg_n_labs; l++)
        mc->lab_time[l] = -1;
    for (size_t i = 0; i < res->n_labs; i++)
        if (rubric->memory_checks[res->labs[i].lab] > 0)
            mc->wanted = 1;
    if (!mc->wanted)
        return 0;
    if (off)
        return set_skipped(mc, tg_strdup("turned off with --no-memcheck"));
    const char *env = getenv("TTGRADE_VALGRIND");
    const char *cand = env != NULL ? env : TTGRADE_VALGRIND;
    if (cand[0] == '\0')
        return set_skipped(mc, tg_strdup(env != NULL ? "valgrind was not found: $TTGRADE_VALGRIND is empty"
                                                     : "valgrind was not found when ttlab was configured; "
                                                       "install the Debian package valgrind and configure again"));
    errno = 0;
    mc->valgrind = tg_find_program(cand);
    if (mc->valgrind == NULL) {
        if (errno == ENOMEM)
            return -1;
        char *shown = tg_sanitize(cand, strlen(cand), 200);
        char *why = shown ? tg_asprintf("valgrind was not found: %s cannot be run (install the Debian package "
                                        "valgrind)", shown)
                          : NULL;
        free(shown);
        return set_skipped(mc, why);
    }
    char name[64];
    for (size_t i = 0; i < res->n_labs; i++) {
        snprintf(name, sizeof name, "memcheck/%s.o", tg_lab_names[res->labs[i].lab]);
        if (!tg_regular_file(datadir, name) || !tg_regular_file(datadir, "memcheck/libttmem.a"))
            return set_skipped(mc, tg_asprintf("the data directory has no memory driver %s", name));
    }
    if (!tg_regular_file(datadir, "memcheck/ttmemhost"))
        return set_skipped(mc, tg_strdup("the data directory has no memcheck/ttmemhost (the drivers' host)"));
    return 0;
}

void tg_memcheck_close(struct tg_memcheck *mc)
{
    free(mc->valgrind);
    free(mc->version);
    free(mc->skipped);
    memset(mc, 0, sizeof *mc);
    xmlCleanupParser();
}

int tg_memcheck_ungrade_tests(struct tg_memcheck *mc, struct tg_result *res, const char *why)
{
    mc->tests_skipped = why;
    return tg_result_ungrade(res, TG_ITEM_MEMORY, 1, why);
}

/* One submission's memory checks, round by round (the phase below). */
struct tg_mem_plan {
    struct tg_memcheck *mc;
    const struct tg_setup *s;
    struct tg_result *res;
    struct mem_job *jobs;     /* one per selected lab */
    size_t n;
    size_t *map, n_map;       /* the jobs of the link tasks handed out last */
    struct host_run *runs;    /* the host's runs (room for n + 1) */
    size_t n_host;            /* runs handed out so far */
    size_t round2;            /* the first run of the second round */
    char token[17], *token_var, **envp;
    double t0;
};

static void plan_free(struct tg_mem_plan *p)
{
    if (p == NULL)
        return;
    p->mc->t_total = tg_now() - p->t0;
    for (size_t i = 0; p->jobs != NULL && i < p->n; i++)
        mem_job_free(&p->jobs[i]);
    for (size_t r = 0; p->runs != NULL && r < p->n + 1; r++)
        mem_host_run_free(&p->runs[r]);
    free(p->runs);
    free(p->jobs);
    free(p->map);
    free(p->envp);
    free(p->token_var);
    free(p);
}

static int plan_begin(struct tg_memcheck *mc, const struct tg_setup *s, struct tg_result *res,
                      struct tg_mem_plan **plan)
{
    *plan = NULL;
    if (!mc->wanted || mc->skipped != NULL)
        return 0;
    struct tg_mem_plan *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -1;
    p->t0 = tg_now();
    p->mc = mc;
    p->s = s;
    p->res = res;
    p->n = res->n_labs;
    p->jobs = calloc(p->n ? p->n : 1, sizeof *p->jobs);
    p->map = calloc(p->n ? p->n : 1, sizeof *p->map);
    p->runs = calloc(p->n + 1, sizeof *p->runs);
    tg_valgrind_token(p->token);
    p->token_var = tg_asprintf("TTMEM_TOKEN=%s", p->token);
    p->envp = p->token_var ? tg_valgrind_env(s->envp, p->token_var) : NULL;
    if (p->jobs == NULL || p->map == NULL || p->runs == NULL || p->envp == NULL) {
        plan_free(p);
        return -1;
    }
    for (size_t i = 0; i < p->n; i++)
        p->jobs[i].lr = &res->labs[i];
    free(mc->version);
    mc->version = mem_valgrind_version(mc->valgrind, s->scratch);
    *plan = p;
    return 0;
}

static int plan_link_tasks(struct tg_mem_plan *p, const struct tg_intake *in, struct tg_task *out, size_t *k)
{
    *k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!mem_lab_ready(p->jobs[i].lr, in, p->s))
            continue;
        if (mem_prepare_link(&p->jobs[i], p->s) != 0)
            return -1;
        out[*k] = p->jobs[i].ld_task;
        p->map[(*k)++] = i;
    }
    p->n_map = *k;
    return 0;
}

static int plan_links_done(struct tg_mem_plan *p, const struct tg_task *done, char **err)
{
    for (size_t k = 0; k < p->n_map; k++) {
        struct mem_job *j = &p->jobs[p->map[k]];
        j->ld_task = done[k];
        if (!j->ld_task.started) {
            *err = tg_asprintf("cannot run the C compiler %s: %s", p->s->cc, strerror(j->ld_task.spawn_errno));
            return -1;
        }
        if (tg_task_ok(&j->ld_task)) {
            j->linked = 1;
            continue;
        }
        char *head = mem_log_head(j->ld_log, p->s);
        char *text = head ? tg_asprintf("not run: the memory driver did not link%s%s", head[0] ? ": " : "", head)
                          : NULL;
        free(head);
        int bad = text == NULL || mem_fail_memory_items(j->lr, text) != 0;
        free(text);
        if (bad)
            return -1;
    }
    p->n_map = 0;
    return 0;
}

/* Hands out the next run of the host, for the selected labs (sel: taken):
 * out[*k] gets its task and *k grows, unless none is selected. */
static int hand_out(struct tg_mem_plan *p, size_t *sel, size_t n, struct tg_task *out, size_t *k)
{
    if (n == 0) {
        free(sel);
        return 0;
    }
    struct host_run *h = &p->runs[p->n_host++];
    h->sel = sel;
    h->n = n;
    if (mem_prepare_host(h, p->jobs, p->s, p->mc->valgrind, p->envp, (int)p->n_host) != 0)
        return -1;
    out[(*k)++] = h->task;
    return 0;
}

static int plan_run_tasks(struct tg_mem_plan *p, struct tg_task *out, size_t *k)
{
    size_t *sel = calloc(p->n ? p->n : 1, sizeof *sel), n = 0;
    *k = 0;
    if (sel == NULL)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (p->jobs[i].linked)
            sel[n++] = i;
    return hand_out(p, sel, n, out, k);
}

static int plan_runs_done(struct tg_mem_plan *p, const struct tg_task *done, struct tg_task *out, size_t *k)
{
    struct host_run *h = &p->runs[0];
    *k = 0;
    p->round2 = p->n_host;
    if (p->n_host < 1)
        return 0;
    h->task = done[0];
    if (mem_read_status(h, p->jobs, p->s) != 0)
        return -1;
    for (size_t i = 0; i < h->n; i++) {
        struct mem_job *j = &p->jobs[h->sel[i]];
        p->mc->lab_time[j->lr->lab] = j->vg_task.elapsed;
        if (j->lost == NULL && !mem_needs_origins(j))
            continue;
        size_t *one = malloc(sizeof *one);
        if (one == NULL)
            return -1;
        *one = h->sel[i];
        free(j->lost);
        j->lost = NULL;
        if (hand_out(p, one, 1, out, k) != 0)
            return -1;
    }
    return 0;
}

static int plan_finish(struct tg_mem_plan *p, const struct tg_task *done)
{
    for (size_t r = p->round2; r < p->n_host; r++) {
        struct host_run *h = &p->runs[r];
        h->task = done[r - p->round2];
        if (mem_read_status(h, p->jobs, p->s) != 0)
            return -1;
        for (size_t i = 0; i < h->n; i++) {
            struct mem_job *j = &p->jobs[h->sel[i]];
            p->mc->lab_time[j->lr->lab] += j->vg_task.elapsed;
        }
    }
    struct host_run *h = &p->runs[0];
    for (size_t i = 0; p->n_host > 0 && i < h->n; i++)
        if (mem_collect(&p->jobs[h->sel[i]], p->s, p->token, p->mc->all_findings) != 0)
            return -1;
    p->mc->done = 1;
    return 0;
}

/* ----------------------------------------------------------- the phase -- */

/* The memory checks as a phase of the scheduler (phase.h). */
struct mem_phase {
    struct tg_phase base;
    struct tg_memcheck *mc;
    const struct tg_setup *s;
    const struct tg_intake *in;
    struct tg_result *res;
    struct tg_mem_plan *p;     /* NULL until TG_R_LINK, and when nothing is to run */
    struct tg_task *later;     /* the runs with origin tracking (TG_R_RERUN), then how they went */
    size_t n_later;
};

static int phase_tasks(struct tg_phase *ph, enum tg_round round, struct tg_task_list *l, char **err)
{
    struct mem_phase *m = TG_CONTAINER_OF(ph, struct mem_phase, base);
    size_t k = 0;
    (void)err;
    switch (round) {
    case TG_R_LINK:
        if (plan_begin(m->mc, m->s, m->res, &m->p) != 0)
            return -1;
        if (m->p == NULL)
            return 0;
        if (tg_task_list_reserve(l, m->p->n) != 0 || plan_link_tasks(m->p, m->in, l->v + l->n, &k) != 0)
            return -1;
        break;
    case TG_R_RUN:
        if (m->p == NULL)
            return 0;
        if (tg_task_list_reserve(l, 1) != 0 || plan_run_tasks(m->p, l->v + l->n, &k) != 0)
            return -1;
        break;
    case TG_R_RERUN:
        if (tg_task_list_reserve(l, m->n_later) != 0)
            return -1;
        for (; k < m->n_later; k++)
            l->v[l->n + k] = m->later[k];
        break;
    default:
        return 0;
    }
    l->n += k;
    return 0;
}

static int phase_done(struct tg_phase *ph, enum tg_round round, const struct tg_task *t, size_t k, char **err)
{
    struct mem_phase *m = TG_CONTAINER_OF(ph, struct mem_phase, base);
    if (m->p == NULL)
        return 0;
    switch (round) {
    case TG_R_LINK:
        return plan_links_done(m->p, t, err);
    case TG_R_RUN:
        m->later = calloc(m->p->n + 1, sizeof *m->later);
        if (m->later == NULL)
            return -1;
        return plan_runs_done(m->p, t, m->later, &m->n_later);
    case TG_R_RERUN:
        for (size_t i = 0; i < k; i++)
            m->later[i] = t[i];
        return 0;
    default:
        return 0;
    }
}

static int phase_finish(struct tg_phase *ph, char **err)
{
    struct mem_phase *m = TG_CONTAINER_OF(ph, struct mem_phase, base);
    (void)err;
    return m->p == NULL ? 0 : plan_finish(m->p, m->later);
}

static void phase_free(struct tg_phase *ph)
{
    struct mem_phase *m = TG_CONTAINER_OF(ph, struct mem_phase, base);
    plan_free(m->p);
    free(m->later);
    free(m);
}

static const struct tg_phase_ops mem_phase_ops = {
    "memory checks", phase_tasks, phase_done, phase_finish, phase_free,
};

struct tg_phase *tg_memcheck_phase(struct tg_memcheck *mc, const struct tg_setup *s, const struct tg_intake *in,
                                   struct tg_result *res)
{
    struct mem_phase *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->base.ops = &mem_phase_ops;
    m->mc = mc;
    m->s = s;
    m->in = in;
    m->res = res;
    return &m->base;
}

int tg_memcheck_run(struct tg_memcheck *mc, const struct tg_setup *s, const struct tg_intake *in,
                    struct tg_result *res, char **err)
{
    *err = NULL;
    if (mc->done || !mc->wanted)
        return 0;
    if (mc->skipped != NULL)
        return tg_result_ungrade(res, TG_ITEM_MEMORY, 0, mc->skipped);
    struct tg_phase *ph = tg_memcheck_phase(mc, s, in, res);
    if (ph == NULL)
        return -1;
    int rc = tg_sched_run(&ph, 1, s->jobs, err);
    ph->ops->free(ph);
    return rc;
}
