/* perf.c - lab 1's performance tier (see perf.h): compile the student's
 * matmul.c with fixed flags, inspect it, link it with the precompiled driver,
 * run that once under callgrind, and read the two instruction counts it
 * dumps. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inspect.h"
#include "timelimits.h"
#include "valgrind.h"
#include "perf.h"
#include "points.h"
#include "proc.h"
#include "text.h"

#ifndef TTGRADE_VALGRIND
#define TTGRADE_VALGRIND ""
#endif

/* Why the tier is ungraded when the data dir has no driver (the student kit
 * says where its extra credit is decided instead). */
#ifndef TTGRADE_PERF_ABSENT_WHY
#define TTGRADE_PERF_ABSENT_WHY "the data directory has no performance driver perf/matmul.o"
#endif


#define PERF_BUILD_SECONDS 60.0
/* The driver's limit: 4 test timeouts plus this (callgrind on the driver
 * takes 1 to 4 s). */
#define PERF_RUN_SLACK_SECONDS 20.0
#define PERF_LOG_MAX 65536
#define PERF_DUMP_MAX (4L * 1024 * 1024)
#define PERF_DUMPS 32             /* dump files looked at (student code may add some) */
#define PERF_WHY_MAX 300

/* The compiler, its own words, and the fixed flags. */
static void arg_compiler(struct tg_argv *a, const struct tg_setup *s)
{
    tg_argv_add(a, s->cc);
    for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
        tg_argv_add(a, *w);
    tg_argv_add(a, "-std=c11");
    const char *f = TTGRADE_PERF_CFLAGS;
    while (*f) {
        size_t len = strcspn(f, " ");
        if (len > 0)
            tg_argv_addf(a, "%.*s", (int)len, f);
        f += len;
        f += strspn(f, " ");
    }
}

/* ------------------------------------------------------- open / close -- */

static int ungraded(struct tg_perf *p, char *why)
{
    if (why == NULL)
        return -1;
    p->state = TG_PERF_UNGRADED;
    free(p->why);
    p->why = why;
    return 0;
}

/* Reads the reference's counts, <datadir>/perf/<lab>.ref ("naive N" and
 * "fast N" lines, '#' comments): 0, or -1 if the file is missing or bad
 * (the counts stay 0). */
static int read_reference(struct tg_perf *p, const char *datadir)
{
    char *path = tg_asprintf("%s/perf/%s.ref", datadir, TG_PERF_LAB);
    size_t len = 0;
    char *text = path ? tg_read_file(path, PERF_LOG_MAX, &len, NULL) : NULL;
    free(path);
    unsigned long long naive = 0, fast = 0;
    for (char *line = text, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        char what[8];
        unsigned long long v;
        if (line[0] != '#' && sscanf(line, "%7s %llu", what, &v) == 2)
            *(strcmp(what, "naive") == 0 ? &naive : strcmp(what, "fast") == 0 ? &fast : &v) = v;
    }
    free(text);
    if (naive == 0 || fast == 0)
        return -1;
    p->ref_naive_ir = naive;
    p->ref_fast_ir = fast;
    return 0;
}

int tg_perf_open(struct tg_perf *p, const struct tg_result *res, const struct tg_rubric *rubric,
                 const char *datadir, int off)
{
    memset(p, 0, sizeof *p);
    int lab = tg_lab_index(TG_PERF_LAB), wanted = 0;
    for (size_t i = 0; i < res->n_labs; i++)
        wanted |= lab >= 0 && res->labs[i].lab == lab;
    /* the scale: the rubric's tiers (perf:<share>% lines) */
    for (size_t t = 0; wanted && t < rubric->n_tiers; t++)
        if (rubric->tiers[t].lab == lab)
            p->tiers[p->n_tiers++] = rubric->tiers[t];
    if (!wanted || p->n_tiers == 0)
        return 0;
    p->max_points = p->tiers[p->n_tiers - 1].points;
    if (off)
        return ungraded(p, tg_strdup("turned off with --no-perf"));
    const char *env = getenv("TTGRADE_VALGRIND");
    const char *cand = env != NULL ? env : TTGRADE_VALGRIND;
    if (cand[0] == '\0')
        return ungraded(p, tg_strdup("valgrind was not found (install the Debian package valgrind)"));
    errno = 0;
    p->valgrind = tg_find_program(cand);
    if (p->valgrind == NULL)
        return errno == ENOMEM ? -1 : ungraded(p, tg_strdup("valgrind was not found (install the Debian "
                                                               "package valgrind)"));
    if (!tg_regular_file(datadir, "perf/matmul.o"))
        return ungraded(p, tg_strdup(TTGRADE_PERF_ABSENT_WHY));
    /* without the reference's counts the tier still runs (grader/calibrate.sh
     * measures them so), but it cannot be scored (score()) */
    (void)read_reference(p, datadir);
    p->state = TG_PERF_GRADED;
    p->why = tg_strdup("not run: matmul.c was not graded");
    return p->why == NULL ? -1 : 0;
}

void tg_perf_close(struct tg_perf *p)
{
    free(p->valgrind);
    free(p->why);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------ the run -- */

/* Sets the verdict: 0 points, why (taken). */
static int no_credit(struct tg_perf *p, char *why)
{
    if (why == NULL)
        return -1;
    p->points = 0;
    free(p->why);
    p->why = why;
    return 0;
}

/* The first lines of a log, sanitised, for a message; "" if none. */
static char *log_head(const char *path)
{
    size_t len = 0;
    char *raw = tg_read_file(path, PERF_LOG_MAX, &len, NULL);
    if (raw == NULL)
        return tg_strdup("");
    char *clean = tg_sanitize(raw, len, PERF_LOG_MAX);
    free(raw);
    char *head = clean ? tg_trim_lines(clean, 3, 240) : NULL;
    free(clean);
    if (head != NULL)
        for (char *c = head; *c; c++)
            if (*c == '\n')
                *c = ' ';
    return head;
}

/* Finds the dump "ttperf <token> <what>" among <base>.1 .. and returns its
 * instruction count, or 0 if there is none. */
static unsigned long long find_count(const char *base, const char *token, const char *what)
{
    char *want = tg_asprintf("desc: Trigger: Client Request: ttperf %s %s\n", token, what);
    unsigned long long count = 0;
    for (int i = 1; want != NULL && count == 0 && i <= PERF_DUMPS; i++) {
        char *path = tg_asprintf("%s.%d", base, i);
        size_t len = 0;
        char *text = path ? tg_read_file(path, PERF_DUMP_MAX, &len, NULL) : NULL;
        free(path);
        if (text == NULL)
            continue;
        const char *sum = strstr(text, want) ? strstr(text, "\nsummary: ") : NULL;
        if (sum != NULL) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(sum + 10, &end, 10);
            if (errno == 0 && end != sum + 10 && (*end == '\n' || *end == '\0'))
                count = v;
        }
        free(text);
    }
    free(want);
    return count;
}

/* The verdict from the counts: the speedup as a share of the reference's,
 * against the rubric's tiers. */
static int score(struct tg_perf *p)
{
    p->speedup = (double)p->naive_ir / (double)p->fast_ir;
    char *counted = tg_asprintf("tt_matmul_fast ran %.2fx fewer instructions than the naive loop "
                                "(%llu instructions vs %llu, 128 x 128)",
                                p->speedup, p->fast_ir, p->naive_ir);
    if (counted == NULL)
        return -1;
    if (p->ref_fast_ir == 0) {
        p->state = TG_PERF_UNGRADED;
        free(p->why);
        p->why = tg_asprintf("the data dir has no perf/%s.ref, the reference's own count that the scale is "
                             "a share of (run make calibrate); %s", TG_PERF_LAB, counted);
        free(counted);
        return p->why == NULL ? -1 : 0;
    }
    double ref = (double)p->ref_naive_ir / (double)p->ref_fast_ir;
    p->share = 100.0 * p->speedup / ref;
    double points = 0;
    size_t next = 0;
    while (next < p->n_tiers && p->share >= p->tiers[next].share)
        points = p->tiers[next++].points;
    char more[96] = "";
    if (next < p->n_tiers)
        snprintf(more, sizeof more, "; %g%% (%.2fx) earns %g", p->tiers[next].share,
                 p->tiers[next].share * ref / 100.0, p->tiers[next].points);
    int rc = no_credit(p, tg_asprintf("%s, %.1f%% of the reference's %.2fx%s", counted,
                                      p->share, ref, more));
    free(counted);
    if (rc != 0)
        return -1;
    p->points = points;
    return 0;
}

/* The tier's steps, run in grade.c's pools beside the labs' (perf.h). */
struct tg_perf_plan {
    struct tg_perf *p;
    const struct tg_setup *s;
    const struct tg_lab_result *lr;   /* matmul's result */
    int step;                         /* the next step: 0 compile, 1 link, 2 run, 3 done */
    int verdict_set;                  /* a step failed: p->why holds why */
    struct tg_argv cc, ld, vg;
    char token[17];
    char *token_var, **envp;
    char *inc, *src, *obj, *bin, *cc_log, *ld_log, *run_log, *cg;
};

static void plan_free(struct tg_perf_plan *pl)
{
    if (pl == NULL)
        return;
    tg_argv_free(&pl->cc);
    tg_argv_free(&pl->ld);
    tg_argv_free(&pl->vg);
    free(pl->envp);
    free(pl->token_var);
    free(pl->inc);
    free(pl->src);
    free(pl->obj);
    free(pl->bin);
    free(pl->cc_log);
    free(pl->ld_log);
    free(pl->run_log);
    free(pl->cg);
    free(pl);
}

static int plan_begin(struct tg_perf *p, const struct tg_setup *s, const struct tg_result *res,
                      struct tg_perf_plan **plan)
{
    *plan = NULL;
    if (p == NULL || p->state != TG_PERF_GRADED)
        return 0;
    const struct tg_lab_result *lr = NULL;
    for (size_t i = 0; i < res->n_labs; i++)
        if (res->labs[i].lab == tg_lab_index(TG_PERF_LAB))
            lr = &res->labs[i];
    if (lr == NULL)
        return 0;
    p->points = 0;
    p->speedup = 0;
    p->naive_ir = p->fast_ir = 0;
    struct tg_perf_plan *pl = calloc(1, sizeof *pl);
    if (pl == NULL)
        return -1;
    pl->p = p;
    pl->s = s;
    pl->lr = lr;
    p->t_total = 0;
    pl->inc = tg_path_join(s->datadir, "include");
    pl->src = tg_path_join(s->scratch, "src");
    pl->obj = tg_path_join(s->scratch, "obj/matmul.perf.o");
    pl->bin = tg_path_join(s->scratch, "bin/perf_matmul");
    pl->cc_log = tg_path_join(s->scratch, "out/perf.cc.log");
    pl->ld_log = tg_path_join(s->scratch, "out/perf.ld.log");
    pl->run_log = tg_path_join(s->scratch, "out/perf.log");
    pl->cg = tg_path_join(s->scratch, "out/perf.cg");
    *plan = pl;
    if (pl->inc == NULL || pl->src == NULL || pl->obj == NULL || pl->bin == NULL || pl->cc_log == NULL ||
        pl->ld_log == NULL || pl->run_log == NULL || pl->cg == NULL)
        return -1;
    return 0;
}

/* A step failed: its verdict (why, taken), and no further steps. */
static int stop(struct tg_perf_plan *pl, char *why)
{
    pl->step = 3;
    pl->verdict_set = 1;
    return no_credit(pl->p, why);
}

static int plan_task(struct tg_perf_plan *pl, struct tg_task *out, size_t *k)
{
    if (pl == NULL || pl->step > 2)
        return 0;
    /* matmul.c missing, or its own build failed (the stage before): no
     * extra credit whatever the tier's build makes of it (plan_finish),
     * so nothing more to run. */
    if (pl->lr->status != TG_LAB_GRADED) {
        pl->step = 3;
        return 0;
    }
    const struct tg_setup *s = pl->s;
    /* --build-timeout holds for the tier's build too */
    double build_limit = s->build_limit > 0 ? s->build_limit : PERF_BUILD_SECONDS;
    struct tg_task *t = &out[(*k)++];
    memset(t, 0, sizeof *t);
    if (pl->step == 0) {
        /* 1. matmul.c again, with the fixed flags. */
        arg_compiler(&pl->cc, s);
        tg_argv_add(&pl->cc, "-I");
        tg_argv_add(&pl->cc, pl->inc);
        tg_argv_add(&pl->cc, "-c");
        tg_argv_add(&pl->cc, "matmul.c");
        tg_argv_add(&pl->cc, "-o");
        tg_argv_add(&pl->cc, pl->obj);
        if (pl->cc.failed)
            return -1;
        tg_task_set(t, pl->cc.v, s->envp, pl->src, &s->jails->cc, pl->cc_log, build_limit);
    } else if (pl->step == 1) {
        /* 2. Link it with the driver. */
        tg_argv_add(&pl->ld, s->cc);
        for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
            tg_argv_add(&pl->ld, *w);
        for (char **w = s->ld_args; w != NULL && *w != NULL; w++)
            tg_argv_add(&pl->ld, *w);
        tg_argv_add(&pl->ld, "-o");
        tg_argv_add(&pl->ld, pl->bin);
        tg_argv_addf(&pl->ld, "%s/perf/matmul.o", s->datadir);
        tg_argv_add(&pl->ld, pl->obj);
        tg_argv_addf(&pl->ld, "%s/libttsupport.a", s->datadir);
        tg_argv_add(&pl->ld, "-lm");
        if (pl->ld.failed)
            return -1;
        tg_task_set(t, pl->ld.v, s->envp, s->scratch, &s->jails->ld, pl->ld_log, build_limit);
    } else {
        /* 3. Run it under callgrind, collection off except around the two
         * counted products. */
        tg_valgrind_token(pl->token);
        pl->token_var = tg_asprintf("TTPERF_TOKEN=%s", pl->token);
        pl->envp = pl->token_var ? tg_valgrind_env(s->envp, pl->token_var) : NULL;
        tg_argv_add(&pl->vg, pl->p->valgrind);
        tg_argv_add(&pl->vg, "--tool=callgrind");
        tg_argv_add(&pl->vg, "--collect-atstart=no");
        tg_argv_add(&pl->vg, "--vgdb=no");
        tg_argv_add(&pl->vg, "--trace-children=no");
        tg_argv_addf(&pl->vg, "--callgrind-out-file=%s", pl->cg);
        tg_argv_add(&pl->vg, pl->bin);
        if (pl->vg.failed || pl->envp == NULL)
            return -1;
        /* a calibrated CPU-time limit (timelimits.h) comes before the wall
         * clock's, which is then only its backstop (tg_limit_wall) */
        double cpu = tg_limit_perf(s->limits, tg_lab_index("matmul"));
        tg_task_set(t, pl->vg.v, pl->envp, s->scratch, &s->jails->run, pl->run_log,
                    (cpu > 0 ? tg_limit_wall(cpu) : 4 * s->timeout) + PERF_RUN_SLACK_SECONDS);
        t->cpu_rlimit = cpu;
    }
    return 0;
}

/* The callgrind run's verdict. */
static int run_verdict(struct tg_perf_plan *pl, const struct tg_task *t)
{
    struct tg_perf *p = pl->p;
    const char *token = pl->token;
    int rc;
    size_t len = 0;
    char *out = tg_read_file(pl->run_log, PERF_LOG_MAX, &len, NULL);
    char *fail_mark = tg_asprintf("ttperf %s fail ", token), *done_mark = tg_asprintf("ttperf %s done\n", token);
    char *absent_mark = tg_asprintf("ttperf %s absent\n", token);
    const char *failed = out && fail_mark ? strstr(out, fail_mark) : NULL;
    int done = out && done_mark && strstr(out, done_mark) != NULL;
    if (fail_mark == NULL || done_mark == NULL || absent_mark == NULL) {
        rc = -1;
    } else if (out && tg_task_ok(t) && strstr(out, absent_mark) != NULL) {
        rc = no_credit(p, tg_strdup("matmul.c has no tt_matmul_fast (it is optional): no extra credit"));
    } else if (failed != NULL) {
        const char *msg = failed + strlen(fail_mark);
        char *clean = tg_sanitize(msg, strcspn(msg, "\n"), PERF_WHY_MAX);
        rc = no_credit(p, clean ? tg_asprintf("tt_matmul_fast is wrong, so no extra credit: %s", clean) : NULL);
        free(clean);
    } else if (!tg_task_ok(t) || !done) {
        char *how = tg_task_outcome(t);
        rc = no_credit(p, how ? tg_asprintf("the performance driver %s before it finished: no extra credit",
                                            tg_task_ok(t) ? "stopped" : how)
                              : NULL);
        free(how);
    } else {
        p->naive_ir = find_count(pl->cg, token, "naive");
        p->fast_ir = find_count(pl->cg, token, "fast");
        if (p->naive_ir == 0 || p->fast_ir == 0)
            rc = no_credit(p, tg_strdup("callgrind's counts were not found: no extra credit"));
        else
            rc = score(p);
    }
    free(out);
    free(fail_mark);
    free(done_mark);
    free(absent_mark);
    return rc;
}

static int plan_done(struct tg_perf_plan *pl, const struct tg_task *t, char **err)
{
    *err = NULL;
    if (pl == NULL || pl->step > 2)
        return 0;
    char *log = NULL, *why = NULL;
    int rc = 0;
    pl->p->t_total += t->elapsed;
    if (!t->started) {
        *err = t->spawn_errno == EINTR ? tg_strdup("interrupted")
                                        : tg_asprintf("cannot start the performance tier's %s: %s", t->argv[0],
                                                      strerror(t->spawn_errno));
        return -1;
    }
    if (pl->step == 0) {
        if (!tg_task_ok(t)) {
            rc = (log = log_head(pl->cc_log)) == NULL
                     ? -1
                     : stop(pl, tg_asprintf("matmul.c did not compile with %s: %s", TTGRADE_PERF_CFLAGS, log));
        } else {
            /* the same inspection as the lab's own object */
            int r = tg_inspect_object(pl->obj, pl->lr->lab, &why);
            if (r != 0) {
                rc = stop(pl, r < 0 && why == NULL ? tg_strdup("the object could not be inspected") : why);
                why = NULL;
            }
        }
    } else if (pl->step == 1) {
        if (!tg_task_ok(t))
            rc = (log = log_head(pl->ld_log)) == NULL ? -1
                 : stop(pl, tg_asprintf("the driver did not link: %s", log));
    } else {
        rc = run_verdict(pl, t);
        pl->verdict_set = 1;
    }
    if (pl->step < 3)
        pl->step++;
    free(log);
    free(why);
    return rc;
}

static int plan_finish(struct tg_perf_plan *pl)
{
    if (pl == NULL)
        return 0;
    /* matmul.c's own grading comes first: without it, no extra credit
     * (whatever the tier's own build made of the file). */
    if (pl->lr->status != TG_LAB_GRADED) {
        pl->p->points = 0;
        pl->p->speedup = 0;
        pl->p->naive_ir = pl->p->fast_ir = 0;
        return no_credit(pl->p, tg_strdup("not run: matmul.c was not graded"));
    }
    if (!pl->verdict_set)
        return no_credit(pl->p, tg_strdup("not run: the grading stopped before the performance tier ran"));
    return 0;
}

char *tg_perf_line(const struct tg_perf *p)
{
    if (p == NULL || p->state == TG_PERF_NONE)
        return NULL;
    if (p->state == TG_PERF_UNGRADED)
        return tg_asprintf("matmul: extra credit (performance tier): ungraded (%s)", p->why ? p->why : "?");
    return tg_asprintf("matmul: extra credit (performance tier): %.*f/%.*f: %s", TG_POINTS(p->points),
                       TG_POINTS(p->max_points), p->why ? p->why : "?");
}

/* ----------------------------------------------------------- the phase -- */

/* The tier as a phase of the scheduler (phase.h): one step a round. */
struct perf_phase {
    struct tg_phase base;
    struct tg_perf *p;
    const struct tg_setup *s;
    const struct tg_result *res;
    struct tg_perf_plan *pl;   /* NULL when the tier does not run */
};

static int phase_tasks(struct tg_phase *ph, enum tg_round round, struct tg_task_list *l, char **err)
{
    struct perf_phase *f = TG_CONTAINER_OF(ph, struct perf_phase, base);
    size_t k = 0;
    (void)err;
    if (round == TG_R_BUILD && plan_begin(f->p, f->s, f->res, &f->pl) != 0)
        return -1;
    if (round > TG_R_RUN)
        return 0;
    if (tg_task_list_reserve(l, 1) != 0 || plan_task(f->pl, l->v + l->n, &k) != 0)
        return -1;
    l->n += k;
    return 0;
}

static int phase_done(struct tg_phase *ph, enum tg_round round, const struct tg_task *t, size_t k, char **err)
{
    struct perf_phase *f = TG_CONTAINER_OF(ph, struct perf_phase, base);
    (void)round;
    return k > 0 ? plan_done(f->pl, &t[0], err) : 0;
}

static int phase_finish(struct tg_phase *ph, char **err)
{
    struct perf_phase *f = TG_CONTAINER_OF(ph, struct perf_phase, base);
    (void)err;
    return plan_finish(f->pl);
}

static void phase_free(struct tg_phase *ph)
{
    struct perf_phase *f = TG_CONTAINER_OF(ph, struct perf_phase, base);
    plan_free(f->pl);
    free(f);
}

static const struct tg_phase_ops perf_phase_ops = {
    "performance tier", phase_tasks, phase_done, phase_finish, phase_free,
};

struct tg_phase *tg_perf_phase(struct tg_perf *p, const struct tg_setup *s, const struct tg_result *res)
{
    struct perf_phase *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->base.ops = &perf_phase_ops;
    f->p = p;
    f->s = s;
    f->res = res;
    return &f->base;
}
