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
#include "memcheck.h"
#include "perf.h"
#include "proc.h"
#include "text.h"

#ifndef TTGRADE_VALGRIND
#define TTGRADE_VALGRIND ""
#endif


const double tg_perf_tiers[TG_PERF_TIERS] = {2.0, 3.0, 4.5};

#define PERF_BUILD_SECONDS 60.0
/* The driver's limit: 4 test timeouts plus this (callgrind on the driver
 * takes 1 to 4 s). */
#define PERF_RUN_SLACK_SECONDS 20.0
#define PERF_LOG_MAX 65536
#define PERF_DUMP_MAX (4L * 1024 * 1024)
#define PERF_DUMPS 32             /* dump files looked at (student code may add some) */
#define PERF_WHY_MAX 300
#define PERF_ARGS 48

/* A NULL-terminated argv of malloc'd words; a failed add is remembered. */
struct perf_argv {
    char *v[PERF_ARGS + 1];
    size_t n;
    int failed;
};

static void arg_add(struct perf_argv *a, char *word) /* takes word */
{
    if (word == NULL || a->n >= PERF_ARGS) {
        free(word);
        a->failed = 1;
        return;
    }
    a->v[a->n++] = word;
    a->v[a->n] = NULL;
}

/* The compiler, its own words, and the fixed flags. */
static void arg_compiler(struct perf_argv *a, const struct tg_setup *s)
{
    arg_add(a, tg_strdup(s->cc));
    for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
        arg_add(a, tg_strdup(*w));
    arg_add(a, tg_strdup("-std=c11"));
    const char *f = TTGRADE_PERF_CFLAGS;
    while (*f) {
        size_t len = strcspn(f, " ");
        if (len > 0)
            arg_add(a, tg_strndup(f, len));
        f += len;
        f += strspn(f, " ");
    }
}

static void arg_free(struct perf_argv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    memset(a, 0, sizeof *a);
}

static int regular_file(const char *dir, const char *name)
{
    char *p = tg_path_join(dir, name);
    struct stat st;
    int ok = p != NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
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

int tg_perf_open(struct tg_perf *p, const struct tg_result *res, const char *datadir, int off)
{
    memset(p, 0, sizeof *p);
    p->max_points = TG_PERF_TIERS;
    int wanted = 0;
    for (size_t i = 0; i < res->n_labs; i++)
        wanted |= res->labs[i].lab == tg_lab_index("matmul");
    if (!wanted)
        return 0;
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
    if (!regular_file(datadir, "perf/matmul.o"))
        return ungraded(p, tg_strdup("the data directory has no performance driver perf/matmul.o"));
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

/* Runs one task to its end; returns 0, or -1 if interrupted. */
static int run_one(struct tg_task *t)
{
    return tg_run_tasks(t, 1, 1);
}

/* A task on the student's code, run in dir inside `jail`, output to log. */
static void task_init(struct tg_task *t, char *const *argv, char *const *envp, const char *dir, const char *log,
                      double limit, const struct tg_confine *jail)
{
    memset(t, 0, sizeof *t);
    t->confine = jail;
    t->argv = argv;
    t->envp = envp;
    t->cwd = dir;
    t->out_path = log;
    t->limit = limit;
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

/* The verdict from the counts. */
static int score(struct tg_perf *p)
{
    p->speedup = (double)p->naive_ir / (double)p->fast_ir;
    double points = 0;
    for (int t = 0; t < TG_PERF_TIERS; t++)
        if (p->speedup >= tg_perf_tiers[t])
            points = t + 1;
    char next[80] = "";
    if (points < TG_PERF_TIERS)
        snprintf(next, sizeof next, "; %.1fx earns %g", tg_perf_tiers[(int)points], points + 1);
    if (no_credit(p, tg_asprintf("tt_matmul_fast ran %.2fx fewer instructions than the naive loop "
                                 "(%llu instructions vs %llu, 128 x 128)%s",
                                 p->speedup, p->fast_ir, p->naive_ir, next)) != 0)
        return -1;
    p->points = points;
    return 0;
}

int tg_perf_run(struct tg_perf *p, const struct tg_setup *s, const struct tg_result *res, char **err)
{
    *err = NULL;
    if (p->state != TG_PERF_GRADED)
        return 0;
    const struct tg_lab_result *lr = NULL;
    for (size_t i = 0; i < res->n_labs; i++)
        if (res->labs[i].lab == tg_lab_index("matmul"))
            lr = &res->labs[i];
    if (lr == NULL)
        return 0;
    p->points = 0;
    p->speedup = 0;
    p->naive_ir = p->fast_ir = 0;
    if (lr->status != TG_LAB_GRADED)
        return no_credit(p, tg_strdup("not run: matmul.c was not graded"));
    double t0 = tg_now();
    int rc = -1;
    struct perf_argv cc = {0}, ld = {0}, vg = {0};
    char token[17], *token_var = NULL, **envp = NULL;
    char *inc = tg_path_join(s->datadir, "include");
    char *src = tg_path_join(s->scratch, "src");
    char *obj = tg_path_join(s->scratch, "obj/matmul.perf.o");
    char *bin = tg_path_join(s->scratch, "bin/perf_matmul");
    char *cc_log = tg_path_join(s->scratch, "out/perf.cc.log");
    char *ld_log = tg_path_join(s->scratch, "out/perf.ld.log");
    char *run_log = tg_path_join(s->scratch, "out/perf.log");
    char *cg = tg_path_join(s->scratch, "out/perf.cg");
    char *why = NULL, *log = NULL;
    struct tg_task t;
    if (inc == NULL || src == NULL || obj == NULL || bin == NULL || cc_log == NULL || ld_log == NULL ||
        run_log == NULL || cg == NULL)
        goto out;

    /* 1. matmul.c again, with the fixed flags; then the same inspection. */
    arg_compiler(&cc, s);
    arg_add(&cc, tg_strdup("-I"));
    arg_add(&cc, tg_strdup(inc));
    arg_add(&cc, tg_strdup("-c"));
    arg_add(&cc, tg_strdup("matmul.c"));
    arg_add(&cc, tg_strdup("-o"));
    arg_add(&cc, tg_strdup(obj));
    if (cc.failed)
        goto out;
    task_init(&t, cc.v, s->envp, src, cc_log, PERF_BUILD_SECONDS, &s->jails->cc);
    if (run_one(&t) != 0)
        goto interrupted;
    if (!tg_task_ok(&t)) {
        rc = (log = log_head(cc_log)) == NULL ? -1
             : no_credit(p, tg_asprintf("matmul.c did not compile with %s: %s", TTGRADE_PERF_CFLAGS, log));
        goto out;
    }
    int r = tg_inspect_object(obj, lr->lab, &why);
    if (r != 0) {
        rc = r < 0 && why == NULL ? no_credit(p, tg_strdup("the object could not be inspected"))
                                  : no_credit(p, why);
        why = NULL;
        goto out;
    }

    /* 2. Link it with the driver. */
    arg_add(&ld, tg_strdup(s->cc));
    for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
        arg_add(&ld, tg_strdup(*w));
    arg_add(&ld, tg_strdup("-o"));
    arg_add(&ld, tg_strdup(bin));
    arg_add(&ld, tg_asprintf("%s/perf/matmul.o", s->datadir));
    arg_add(&ld, tg_strdup(obj));
    arg_add(&ld, tg_asprintf("%s/libttsupport.a", s->datadir));
    arg_add(&ld, tg_strdup("-lm"));
    if (ld.failed)
        goto out;
    task_init(&t, ld.v, s->envp, s->scratch, ld_log, PERF_BUILD_SECONDS, &s->jails->ld);
    if (run_one(&t) != 0)
        goto interrupted;
    if (!tg_task_ok(&t)) {
        rc = (log = log_head(ld_log)) == NULL ? -1 : no_credit(p, tg_asprintf("the driver did not link: %s", log));
        goto out;
    }

    /* 3. Run it under callgrind, collection off except around the two
     * counted products. */
    tg_valgrind_token(token);
    token_var = tg_asprintf("TTPERF_TOKEN=%s", token);
    envp = token_var ? tg_valgrind_env(s->envp, token_var) : NULL;
    arg_add(&vg, tg_strdup(p->valgrind));
    arg_add(&vg, tg_strdup("--tool=callgrind"));
    arg_add(&vg, tg_strdup("--collect-atstart=no"));
    arg_add(&vg, tg_strdup("--vgdb=no"));
    arg_add(&vg, tg_strdup("--trace-children=no"));
    arg_add(&vg, tg_asprintf("--callgrind-out-file=%s", cg));
    arg_add(&vg, tg_strdup(bin));
    if (vg.failed || envp == NULL)
        goto out;
    task_init(&t, vg.v, envp, s->scratch, run_log, 4 * s->timeout + PERF_RUN_SLACK_SECONDS, &s->jails->run);
    if (run_one(&t) != 0)
        goto interrupted;
    size_t len = 0;
    char *out = tg_read_file(run_log, PERF_LOG_MAX, &len, NULL);
    char *fail_mark = tg_asprintf("ttperf %s fail ", token), *done_mark = tg_asprintf("ttperf %s done\n", token);
    char *absent_mark = tg_asprintf("ttperf %s absent\n", token);
    const char *failed = out && fail_mark ? strstr(out, fail_mark) : NULL;
    int done = out && done_mark && strstr(out, done_mark) != NULL;
    if (fail_mark == NULL || done_mark == NULL || absent_mark == NULL) {
        rc = -1;
    } else if (out && tg_task_ok(&t) && strstr(out, absent_mark) != NULL) {
        rc = no_credit(p, tg_strdup("matmul.c has no tt_matmul_fast (it is optional): no extra credit"));
    } else if (failed != NULL) {
        const char *msg = failed + strlen(fail_mark);
        char *clean = tg_sanitize(msg, strcspn(msg, "\n"), PERF_WHY_MAX);
        rc = no_credit(p, clean ? tg_asprintf("tt_matmul_fast is wrong, so no extra credit: %s", clean) : NULL);
        free(clean);
    } else if (!tg_task_ok(&t) || !done) {
        char *how = tg_task_outcome(&t);
        rc = no_credit(p, how ? tg_asprintf("the performance driver %s before it finished: no extra credit",
                                            tg_task_ok(&t) ? "stopped" : how)
                              : NULL);
        free(how);
    } else {
        p->naive_ir = find_count(cg, token, "naive");
        p->fast_ir = find_count(cg, token, "fast");
        if (p->naive_ir == 0 || p->fast_ir == 0)
            rc = no_credit(p, tg_strdup("callgrind's counts were not found: no extra credit"));
        else
            rc = score(p);
    }
    free(out);
    free(fail_mark);
    free(done_mark);
    free(absent_mark);
    goto out;
interrupted:
    *err = tg_strdup("interrupted");
    rc = -1;
out:
    p->t_total = tg_now() - t0;
    arg_free(&cc);
    arg_free(&ld);
    arg_free(&vg);
    free(envp);
    free(token_var);
    free(inc);
    free(src);
    free(obj);
    free(bin);
    free(cc_log);
    free(ld_log);
    free(run_log);
    free(cg);
    free(why);
    free(log);
    return rc;
}

char *tg_perf_line(const struct tg_perf *p)
{
    if (p == NULL || p->state == TG_PERF_NONE)
        return NULL;
    if (p->state == TG_PERF_UNGRADED)
        return tg_asprintf("matmul: extra credit (performance tier): ungraded (%s)", p->why ? p->why : "?");
    return tg_asprintf("matmul: extra credit (performance tier): %g/%g: %s", p->points, p->max_points,
                       p->why ? p->why : "?");
}
