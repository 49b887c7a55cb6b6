/* batchpool.c - the child ttgrades of a batch: each started on one
 * submission in its own process group, run several at a time within their
 * limits, stopped on an interruption; the preflight that proves ttgrade can
 * grade at all; and the progress line (batch_int.h). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch_int.h"

#include "proc.h"
#include "questions.h"
#include "ttgrade.h"

extern char **environ;

static void free_argv(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* The child's command line: ttgrade [options] -- SUBMISSION, every report
 * into the work folder. NULL if memory ran out. */
static char **child_argv(const struct batch *b, const struct sub *s)
{
    size_t n = 0, cap = 16 + (size_t)b->o.n_pass;
    char **v = calloc(cap, sizeof *v);
    if (v == NULL)
        return NULL;
    int bad = 0;
#define ADD(expr)                          \
    do {                                   \
        char *w_ = (expr);                 \
        if (w_ == NULL)                    \
            bad = 1;                       \
        else                               \
            v[n++] = w_;                   \
    } while (0)
    ADD(tg_strdup(b->self));
    ADD(tg_strdup("--no-color"));
    ADD(tg_strdup("--jobs=1"));
    if (b->o.student_ids)
        ADD(tg_asprintf("--student-id=%s", s->id));
    ADD(tg_asprintf("--json=%s/%s", s->work, F_JSON));
    ADD(tg_asprintf("--gradescope=%s/%s", s->work, F_GRADESCOPE));
    ADD(tg_asprintf("--junit=%s/%s", s->work, F_JUNIT));
    if (b->o.timeout != NULL)
        ADD(tg_asprintf("--timeout=%s", b->o.timeout));
    if (b->o.datadir != NULL)
        ADD(tg_asprintf("--datadir=%s", b->o.datadir));
    for (int i = 0; i < b->o.n_pass; i++)
        ADD(tg_strdup(b->o.pass[i]));
    ADD(tg_strdup("--"));
    ADD(tg_strdup(s->path));
#undef ADD
    if (bad) {
        free_argv(v);
        return NULL;
    }
    return v;
}

/* Frees what spawn took for s's task once it has ended (or not started). */
static void spawn_done(struct sub *s)
{
    free_argv(s->argv);
    s->argv = NULL;
    free(s->text);
    s->text = NULL;
}

/* Starts the grading of s in pool p. Returns 0; 1 if it could not start
 * (s->work is removed; *err says why); -1 when memory ran out. */
static int spawn(struct batch *b, struct sub *s, struct tg_pool *p, char **err)
{
    char *tmpl = tg_asprintf("%s/%s.XXXXXX", b->tmp, s->key);
    if (tmpl == NULL)
        return -1;
    if (mkdtemp(tmpl) == NULL) {
        *err = tg_asprintf("cannot make a folder in %s: %s", b->tmp, strerror(errno));
        free(tmpl);
        return 1;
    }
    s->work = tmpl;
    s->argv = child_argv(b, s);
    s->text = tg_path_join(s->work, F_TEXT);
    int rc = -1;
    if (s->argv != NULL && s->text != NULL) {
        /* Its own group, so that Ctrl-C reaches the batch alone, which
         * then stops it; and it stops if the batch dies (even by SIGKILL). */
        struct tg_task *t = &s->task;
        memset(t, 0, sizeof *t);
        t->argv = s->argv;
        t->envp = environ;
        t->out_path = s->text;
        t->out_mode = 0644;
        t->limit = b->o.limit;
        t->grace = BATCH_GRACE_SECONDS;
        t->own_limits = 1;
        t->parent_death_sig = SIGTERM;
        t->owner = s;
        if (tg_pool_start(p, t)) {
            s->t0 = tg_now();
            s->timed_out = s->discard = 0;
            b->running++;
            return 0;
        }
        *err = tg_asprintf("cannot run %s: %s", b->self, strerror(t->spawn_errno));
        rc = 1;
    }
    spawn_done(s);
    tg_scratch_remove(s->work);
    free(s->work);
    s->work = NULL;
    return rc;
}

/* The sub of a task that pool p returned; its task's resources are freed. */
static struct sub *ended(struct batch *b, struct tg_task *t)
{
    struct sub *s = t->owner;
    spawn_done(s);
    s->timed_out = t->timed_out;
    b->running--;
    return s;
}

/* Before any submission: grades a folder holding only an empty answers.txt
 * (a folder with no file at all is an error of its own) with the same options. A
 * ttgrade that cannot grade that (a bad data dir or rubric, a bad option
 * after "--") would fail every student for a reason none of them caused, and
 * those rows would be recorded as done: so the batch stops instead. Returns
 * 0, or -1 with *err set (NULL: out of memory). */
int batch_preflight(struct batch *b, char **err)
{
    struct sub s;
    memset(&s, 0, sizeof s);
    int rc = -1;
    char *dir = tg_asprintf("%s/preflight.XXXXXX", b->tmp);
    if (dir == NULL)
        return -1;
    if (mkdtemp(dir) == NULL) {
        *err = tg_asprintf("cannot make a folder in %s: %s", b->tmp, strerror(errno));
        free(dir);
        return -1;
    }
    char *empty = tg_path_join(dir, "empty");
    char *answers = empty ? tg_path_join(empty, TG_ANSWERS_NAME) : NULL;
    int fd = answers && mkdir(empty, 0755) == 0 ? open(answers, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    free(answers);
    if (fd < 0 || close(fd) != 0 || batch_sub_init(&s, "empty", empty, 0) != 0)
        goto out;
    char *spawn_err = NULL;
    struct tg_pool pool;
    tg_pool_open(&pool);
    int r = spawn(b, &s, &pool, &spawn_err);
    struct tg_task *t = r == 0 ? tg_pool_wait_any(&pool, -1) : NULL;
    tg_pool_close(&pool);
    if (r != 0) {
        *err = spawn_err;
        goto out;
    }
    ended(b, t);
    char *jpath = tg_path_join(s.work, F_JSON);
    char *tpath = tg_path_join(s.work, F_TEXT);
    char *text = jpath ? tg_read_file(jpath, BATCH_REPORT_MAX, NULL, NULL) : NULL;
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *je = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsString(js) && strcmp(js->valuestring, "graded") == 0) {
        rc = 0;
    } else if (tg_interrupted()) {
        *err = tg_strdup("interrupted");
    } else {
        char *out = tpath ? tg_read_file(tpath, 4096, NULL, NULL) : NULL;
        const char *why = cJSON_IsString(je) ? je->valuestring : out ? out : "it wrote no report";
        *err = tg_asprintf("ttgrade cannot grade even an empty submission, so no submission was graded:\n%s",
                           why);
        free(out);
    }
    cJSON_Delete(root);
    free(text);
    free(jpath);
    free(tpath);
out:
    if (s.work != NULL)
        tg_scratch_remove(s.work);
    batch_sub_free(&s);
    tg_scratch_remove(dir);
    free(dir);
    free(empty);
    return rc;
}

void batch_format_secs(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60)
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, len, "%lds", t);
}

/* The progress line, on stderr when it is a terminal: done/total, failures,
 * running, and the time left at this run's pace. */
void batch_progress(struct batch *b, int final)
{
    if (b->o.quiet || b->o.one != NULL || !isatty(STDERR_FILENO))
        return;
    double now = tg_now();
    if (!final && now - b->last_progress < 0.25)
        return;
    b->last_progress = now;
    size_t todo = 0;
    for (size_t i = 0; i < b->n; i++)
        todo += !batch_sub_skipped(&b->subs[i]);
    char eta[32] = "--";
    size_t left = todo > b->n_done ? todo - b->n_done : 0;
    if (b->n_now > 0)
        batch_format_secs(eta, sizeof eta, (now - b->t_start) / (double)b->n_now * (double)left);
    fprintf(stderr, "\r\033[Kttgrade batch: %zu/%zu done, %zu failed, %zu running, ETA %s", b->n_done, todo,
            b->n_failed, b->running, left ? eta : "0s");
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
    b->progress_shown = 1;
}

/* Grades every submission not done yet, b->o.jobs at a time. Returns 0, 1
 * if interrupted, -1 on an internal error (*err set; NULL: out of memory). */
int batch_run_pool(struct batch *b, char **err)
{
    unsigned jobs = b->o.jobs;
    size_t next = 0;
    int rc = 0;
    struct tg_pool pool;
    tg_pool_open(&pool);
    for (;;) {
        /* Once stopped (interrupted, or rc set), what ends is not recorded. */
        if (rc != 0 && !pool.stopped)
            tg_pool_stop(&pool);
        int stopping = pool.stopped || tg_interrupted();
        while (!stopping && pool.n < jobs && next < b->n) {
            struct sub *s = &b->subs[next++];
            if (s->done || batch_sub_skipped(s))
                continue;
            if (spawn(b, s, &pool, err) != 0) {
                rc = -1; /* cannot start ttgrade at all: stop, record nothing */
                break;
            }
        }
        if (pool.n == 0 && (stopping || rc != 0 || next >= b->n))
            break;
        struct tg_task *t = tg_pool_wait_any(&pool, 0.1);
        if (t != NULL) {
            struct sub *s = ended(b, t);
            s->discard = pool.stopped;
            if (s->discard) {
                tg_scratch_remove(s->work);
                free(s->work);
                s->work = NULL;
            } else if (batch_record(b, s, t->status) != 0 && rc == 0) {
                rc = -1;
                *err = NULL;
            }
            /* A ttgrade that was killed leaves its test programs to us
             * (we are a child subreaper, tg_proc_init). */
            if (WIFSIGNALED(t->status))
                tg_pool_kill_strays(&pool);
        }
        batch_progress(b, 0);
    }
    tg_pool_close(&pool);
    if (rc != 0)
        return -1;
    return tg_interrupted() ? 1 : 0;
}
