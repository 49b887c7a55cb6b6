/* proc.h - running the grader's child programs (ttunpack, the compiler, the
 * test programs): a small pool that starts each one in its own process group
 * with fork/execve, enforces a wall-clock limit from outside by killing the
 * whole group, and always reaps what it started. Nothing goes through a shell. */
#ifndef TG_PROC_H
#define TG_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "procgroup.h"

/* What a child may write into one file (RLIMIT_FSIZE): a student test that
 * prints in a loop dies with SIGXFSZ instead of filling the disk. */
#define TG_CHILD_FSIZE_MAX (16L * 1024 * 1024)

/* How a task that touches untrusted input (the student's code, an archive
 * from a submission) is confined; see tg_sandbox_init. The paths are bound at
 * the same place inside the sandbox; everything else of the file system is
 * invisible there but for the system's own read-only dirs (/usr and friends),
 * a private /tmp, /proc and /dev. */
struct tg_confine {
    const char *ro[4];            /* read-only binds (NULL-padded) */
    const char *rw[3];            /* read-write binds (NULL-padded) */
    unsigned long long mem_bytes; /* RLIMIT_AS of each process; 0: TG_SANDBOX_MEM_DEFAULT */
};

/* Resource limits of every confined process (any sandbox mode). */
#define TG_SANDBOX_MEM_DEFAULT (4ULL << 30)  /* address space: 4 GiB, Valgrind included */
#define TG_SANDBOX_NPROC 128                 /* processes and threads of the sandbox user */
#define TG_SANDBOX_NOFILE 256                /* open files */
/* As root, confined programs run as uid = gid = this + ttgrade's pid: a
 * user of the grading's own, so that RLIMIT_NPROC is the grading's own. */
#define TG_SANDBOX_UID_BASE 0x70000000UL

/* What confinement is possible, chosen once by tg_sandbox_init. */
enum tg_sandbox_mode {
    TG_SANDBOX_AUTO,    /* bubblewrap if it works here, else rlimits only */
    TG_SANDBOX_BWRAP,   /* bubblewrap or an error */
    TG_SANDBOX_RLIMITS, /* rlimits (and, as root, an unprivileged user) only */
};

/* One program to run. The caller fills the "in" fields; the pool
 * (tg_pool_start, tg_pool_wait_any, or tg_run_tasks over both) fills the
 * "out" fields. */
struct tg_task {
    /* in */
    char *const *argv;     /* argv[0] is an absolute path (no PATH search) */
    char *const *envp;     /* the child's whole environment */
    const char *cwd;       /* directory to run in, or NULL for the grader's */
    const char *out_path;  /* stdout and stderr go here (created 0600, truncated); NULL: /dev/null */
    const char *err_path;  /* if not NULL, stderr goes here instead (created 0600, truncated) */
    double limit;          /* wall-clock limit in seconds; the group is SIGKILLed past it */
    const char *watch[2];  /* files whose growth shows progress (may be NULL) ... */
    double idle_limit;     /* ... and the group is SIGKILLed after this long without any; 0: off */
    double cpu_limit;      /* for messages only: a CPU-time limit the program enforces itself
                            * (the memory drivers' host), seconds; 0: none */
    double cpu_rlimit;     /* RLIMIT_CPU of each confined process, seconds (rounded up); 0: the
                            * wall-clock limit's */
    const struct tg_confine *confine; /* NULL: a trusted program, run as it is */
    unsigned out_mode;     /* permissions of a created out_path; 0: 0600 */
    double grace;          /* > 0: stopped (limit, tg_pool_stop) by SIGTERM, SIGKILL this much later;
                            * 0: SIGKILL at once */
    int own_limits;        /* 1: no core or file-size rlimit (a child ttgrade sets its own) */
    int parent_death_sig;  /* Linux: the child gets this signal if the grader dies; 0: none */
    void *owner;           /* the caller's, untouched */

    /* out */
    int started;           /* 1 if the program was started */
    int spawn_errno;       /* why it could not be started (errno), when started == 0 */
    int status;            /* wait status, valid when started */
    int timed_out;         /* 1 if it was killed for passing its limit (or idle_limit) */
    int idle_killed;       /* 1 if that was for making no progress for idle_limit */
    int cpu_killed;        /* 1 if it was stopped for passing cpu_limit (set by the caller) */
    double elapsed;        /* wall-clock seconds */
    double cpu;            /* CPU seconds of the program and of the processes it waited for */

    /* private to proc.c */
    struct tg_group group; /* its pid, clocks and watched sizes */
    int done;
    int stopping;          /* 1: SIGTERM sent, SIGKILL due at stop_at + grace; 2: SIGKILL sent */
    double stop_at;
    struct tg_task *next;  /* in the pool's running or finished list */
};

/* A pool of running tasks, started one by one and collected as each ends.
 * Every task of it is a child of the grader in a process group of its own;
 * the pool reaps it and kills what it left in its group. While a pool is
 * open, SIGCHLD is blocked (the pool waits for it with sigtimedwait): one
 * pool at a time. The pool borrows its tasks from tg_pool_start until
 * tg_pool_wait_any returns them. */
struct tg_pool {
    size_t n;              /* tasks started and not yet returned by tg_pool_wait_any */
    int stopped;           /* 1 once tg_pool_stop ran (by the caller, or on an interruption) */
    /* private to proc.c */
    struct tg_task *running, *finished;
};

/* Opens an empty pool. */
void tg_pool_open(struct tg_pool *p);

/* Starts t (its "in" fields set). Returns 1 if it started (t is the pool's
 * until tg_pool_wait_any returns it), else 0 with t->started == 0 and
 * t->spawn_errno saying why. */
int tg_pool_start(struct tg_pool *p, struct tg_task *t);

/* Waits until a task of the pool has ended, enforcing every running task's
 * limit, idle limit and grace meanwhile, and returns it, its "out" fields
 * filled. Returns NULL when the pool has no task, or after max_wait seconds
 * (< 0: no such bound) without an end. When the grader is interrupted
 * (tg_interrupted) it first stops the pool (tg_pool_stop). */
struct tg_task *tg_pool_wait_any(struct tg_pool *p, double max_wait);

/* Stops every running task of the pool (SIGKILL to its group, or SIGTERM
 * and, after its grace, SIGKILL); they still come back from
 * tg_pool_wait_any. Not counted as passing a limit. */
void tg_pool_stop(struct tg_pool *p);

/* Kills and reaps every child of the grader that is not a running task of
 * p: what a task that was killed left behind (it came back to the grader as
 * subreaper, tg_proc_init). */
void tg_pool_kill_strays(const struct tg_pool *p);

/* Closes a pool that has no task left: restores the signal mask and kills
 * and reaps the grader's other children (tg_reap_orphans). */
void tg_pool_close(struct tg_pool *p);

/* Sets what every step of a grading gives its task: the program and its
 * environment (both borrowed), the folder it runs in, its jail, the file its
 * output goes to and its wall-clock limit. The other inputs are left as
 * they are. */
void tg_task_set(struct tg_task *t, char *const *argv, char *const *envp, const char *cwd,
                 const struct tg_confine *confine, const char *out_path, double limit);

/* Runs tasks[0..n-1], at most `jobs` at a time, in order of index. Returns 0
 * when every task has finished (started or not: see each task's fields), or
 * -1 if the grader was interrupted (SIGINT, SIGTERM, SIGHUP): then every
 * running group has been killed and reaped, and the tasks not yet started
 * have started == 0 and spawn_errno == EINTR. */
int tg_run_tasks(struct tg_task *tasks, size_t n, unsigned jobs);

/* Chooses how confined tasks run, once, before the first one: with `mode`
 * AUTO, bubblewrap (bwrap on $PATH, or $TTGRADE_BWRAP; empty: none) if a
 * probe sandbox starts here, with probe_dir bound read-write and as its
 * working dir and read_dir (may be NULL) bound read-only, else rlimits only.
 * When not even that probe runs as the sandbox user (it cannot reach the
 * dirs), the user is not dropped, and the layers say so. As root, confined programs
 * also drop to an unprivileged user of its own (TG_SANDBOX_UID_BASE + pid), so that RLIMIT_NPROC holds.
 * Returns 0, or -1 with *err (malloc'd) when BWRAP was asked for and cannot
 * work, or on no memory (*err NULL). */
int tg_sandbox_init(enum tg_sandbox_mode mode, const char *probe_dir, const char *read_dir, char **err);

/* The layers in force, one line for reports: e.g. "bubblewrap (no network,
 * read-only system, private /tmp, PID namespace), an unprivileged user of its own, rlimits (CPU,
 * memory 4 GiB, 128 processes, files 16 MiB), process-group kill, subreaper".
 * Never NULL. */
const char *tg_sandbox_layers(void);

/* Hands `path` (a dir or file the grader made) to the sandbox user, so that a
 * confined program may write it. No-op when not dropping the user. 0 or -1. */
int tg_sandbox_give(const char *path);

/* Frees what tg_sandbox_init took. */
void tg_sandbox_close(void);

/* This executable's absolute path, from /proc/self/exe (malloc'd), or NULL.
 * Under Valgrind it is the client's path, not the tool's. */
char *tg_self_path(void);

/* 1 once the grader has received SIGINT, SIGTERM or SIGHUP. */
int tg_interrupted(void);

/* Installs the grader's signal handling: the interrupt flag above, and (on
 * Linux) makes the grader a child subreaper, so that processes a test program
 * leaves behind, even ones that escaped its process group, come back to the
 * grader to be killed. Call once, first thing in main. */
void tg_proc_init(void);

/* Kills and reaps every remaining child of the grader (the leftovers that
 * came back to it as subreaper). Called after each batch of tasks. */
void tg_reap_orphans(void);

/* One pass over the grader's children (from /proc; none elsewhere): kills
 * with SIGKILL and reaps each one for which keep (if not NULL) returns 0.
 * Returns 1 if it killed any. tg_reap_orphans repeats it with keep NULL;
 * `ttgrade batch` keeps its running child ttgrades. */
int tg_kill_children(int (*keep)(pid_t pid, void *ctx), void *ctx);

/* The absolute path of `prog`: itself if it contains a '/', otherwise the
 * first executable match in $PATH. Returns a malloc'd string, or NULL with
 * errno set (ENOENT if not found). */
char *tg_find_program(const char *prog);

/* A one-line description of how a finished task ended, for messages:
 * "exited with status 2", "was killed by signal 11 (Segmentation fault)",
 * "was stopped after 30 s (time limit)", "could not be started: ...".
 * Returns a malloc'd string or NULL. */
char *tg_task_outcome(const struct tg_task *t);

/* 1 if the task was started, was not timed out, and exited with status 0. */
int tg_task_ok(const struct tg_task *t);

/* From now on, the pool appends a line "CPU WALL OUTPUT" (seconds, and
 * the base name of out_path or "-") for each task that ends to the file at
 * `path` (NULL: no more): what each step of a grading cost, for
 * grader/calibrate.sh and for whoever measures. Borrows path. */
void tg_proc_log(const char *path);

/* The environment of every step of a grading that touches the submission
 * (unpacking it, compiling, linking, the test programs, Valgrind, the
 * performance tier), NULL-terminated: a fixed one, never the grader's own.
 * Nothing of the grader's environment reaches those steps: not its secrets
 * (student code that reads /proc/self/environ could print them into a
 * report), nor settings that would change how the code runs or what the
 * tools print (LD_PRELOAD, MALLOC_PERTURB_, GLIBC_TUNABLES, VALGRIND_OPTS,
 * CPATH, LIBRARY_PATH, Criterion's CRITERION_*, a locale), so that every
 * machine grades alike. The grading adds TMPDIR (its scratch dir's) and each
 * step its own settings (TTGRADE_PASS_FILE, TTGRADE_CPU_LIMITS, a Valgrind
 * token). */
extern char *const tg_step_environ[];

/* The first line of `PROG --version` (malloc'd, sanitised), or NULL; its
 * output goes to <scratch>/<log_name>. */
char *tg_tool_version(const char *prog, const char *scratch, const char *log_name);

#endif /* TG_PROC_H */
