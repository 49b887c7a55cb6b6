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
#if defined(__linux__)
#include <sys/prctl.h>
#endif

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

/* Starts the grading of s. Returns 0; 1 if it could not start (s->work is
 * removed; *err says why); -1 when memory ran out. */
static int spawn(struct batch *b, struct sub *s, char **err)
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
    char **argv = child_argv(b, s);
    char *text = tg_path_join(s->work, F_TEXT);
    if (argv == NULL || text == NULL) {
        free_argv(argv);
        free(text);
        return -1;
    }
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(text, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    int pfd[2] = {-1, -1};
    free(text);
    int rc = 1;
    if (in < 0 || out < 0 || pipe(pfd) != 0 || fcntl(pfd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(pfd[1], F_SETFD, FD_CLOEXEC) != 0) {
        *err = tg_asprintf("cannot start ttgrade: %s", strerror(errno));
        goto out;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *err = tg_asprintf("cannot start ttgrade: %s", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        /* The child: only async-signal-safe calls up to execve. Its own group,
         * so that Ctrl-C reaches the batch alone, which then stops it. */
        int e;
        sigset_t none;
        setpgid(0, 0);
#if defined(__linux__) && defined(PR_SET_PDEATHSIG)
        /* If the batch dies (even by SIGKILL), this grading stops too. */
        prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
        if (getppid() != parent)
            _exit(127);
#else
        (void)parent;
#endif
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
            goto child_fail;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(argv[0], argv, environ);
    child_fail:
        e = errno;
        if (write(pfd[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    setpgid(pid, pid);
    close(pfd[1]);
    pfd[1] = -1;
    int child_err = 0;
    ssize_t r;
    do {
        r = read(pfd[0], &child_err, sizeof child_err);
    } while (r < 0 && errno == EINTR);
    if (r == (ssize_t)sizeof child_err) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        *err = tg_asprintf("cannot run %s: %s", b->self, strerror(child_err));
        goto out;
    }
    s->pid = pid;
    s->t0 = tg_now();
    s->stopping = s->timed_out = s->discard = 0;
    b->running++;
    rc = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    free_argv(argv);
    if (rc != 0) {
        tg_scratch_remove(s->work);
        free(s->work);
        s->work = NULL;
    }
    return rc;
}

/* tg_kill_children's keep: a running child ttgrade of batch ctx. */
static int is_running_child(pid_t pid, void *ctx)
{
    const struct batch *b = ctx;
    for (size_t i = 0; i < b->n; i++)
        if (b->subs[i].pid == pid)
            return 1;
    return 0;
}

/* A ttgrade that was killed leaves its test programs to us (we are a child
 * subreaper, tg_proc_init): kill every child that is not a running ttgrade. */
static void kill_strays(const struct batch *b)
{
    tg_kill_children(is_running_child, (void *)b);
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
    int r = spawn(b, &s, &spawn_err);
    if (r != 0) {
        *err = spawn_err;
        goto out;
    }
    int st;
    while (waitpid(s.pid, &st, 0) < 0 && errno == EINTR)
        ;
    b->running--;
    s.pid = 0;
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

static struct sub *find_pid(struct batch *b, pid_t pid)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->subs[i].pid == pid)
            return &b->subs[i];
    return NULL;
}

static void stop_child(struct sub *s, int sig, int level)
{
    kill(-s->pid, sig);
    kill(s->pid, sig);
    s->stopping = level;
    s->stop_at = tg_now();
}

/* Grades every submission not done yet, b->o.jobs at a time. Returns 0, 1
 * if interrupted, -1 on an internal error (*err set; NULL: out of memory). */
int batch_run_pool(struct batch *b, char **err)
{
    unsigned jobs = b->o.jobs;
    size_t next = 0;
    int rc = 0, stopping_all = 0;
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    for (;;) {
        if ((tg_interrupted() || rc != 0) && !stopping_all) {
            stopping_all = 1;
            for (size_t i = 0; i < b->n; i++)
                if (b->subs[i].pid > 0) {
                    b->subs[i].discard = 1;
                    stop_child(&b->subs[i], SIGTERM, 1);
                }
        }
        while (!stopping_all && b->running < jobs && next < b->n) {
            struct sub *s = &b->subs[next++];
            if (s->done || batch_sub_skipped(s))
                continue;
            int r = spawn(b, s, err);
            if (r != 0) {
                rc = -1; /* cannot start ttgrade at all: stop, record nothing */
                break;
            }
        }
        if (b->running == 0 && (stopping_all || next >= b->n))
            break;
        int st, hard = 0;
        pid_t pid;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
            struct sub *s = find_pid(b, pid);
            if (s == NULL)
                continue; /* an orphan of a killed ttgrade: reaped */
            s->pid = 0;
            b->running--;
            hard |= WIFSIGNALED(st);
            if (s->discard) {
                tg_scratch_remove(s->work);
                free(s->work);
                s->work = NULL;
            } else if (batch_record(b, s, st) != 0 && rc == 0) {
                rc = -1;
                *err = NULL;
            }
        }
        if (hard)
            kill_strays(b);
        double now = tg_now();
        for (size_t i = 0; i < b->n; i++) {
            struct sub *s = &b->subs[i];
            if (s->pid <= 0)
                continue;
            if (s->stopping == 0 && now - s->t0 > b->o.limit) {
                s->timed_out = 1;
                stop_child(s, SIGTERM, 1);
            } else if (s->stopping == 1 && now - s->stop_at > BATCH_GRACE_SECONDS) {
                stop_child(s, SIGKILL, 2);
            }
        }
        batch_progress(b, 0);
        struct timespec ts = {0, 100 * 1000 * 1000};
        sigtimedwait(&chld, NULL, &ts);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    tg_reap_orphans();
    if (rc != 0)
        return -1;
    return tg_interrupted() ? 1 : 0;
}
