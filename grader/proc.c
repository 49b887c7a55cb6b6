/* proc.c - the grader's process pool (see proc.h).
 *
 * Each task runs in its own process group. The pool waits for SIGCHLD with
 * sigtimedwait, so it wakes up both when a child ends and when the next
 * deadline passes; a child past its deadline has its whole group SIGKILLed.
 * A finished child's group is killed before the child is reaped, so its pid,
 * and with it the group id, cannot have been reused. What a watched group
 * is (its clocks, deadlines, reaping) is procgroup.c's, which the memory
 * drivers' host shares; the pool adds exec, confinement and the task lists. */
#define _GNU_SOURCE /* pipe2, prctl, strsignal */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "inspect.h"
#include "text.h"

extern char **environ;

/* Where the system keeps separate debug info (by build-id). */
#define TG_DEBUG_DIR "/usr/lib/debug"

/* The longest the pool sleeps between checks of the interrupt flag. */
#define TG_POLL_SECONDS 0.1

/* --------------------------------------------------------- sandbox -- */

/* How confined tasks run; set once by tg_sandbox_init. */
static struct {
    int inited;
    int bwrap;             /* 1: inside bubblewrap */
    char *bwrap_path;      /* absolute */
    char **sys;            /* bwrap words that lay out the system dirs, NULL-terminated */
    size_t n_sys;
    int drop;              /* 1: drop to uid/gid before exec (we are root) */
    uid_t uid;
    gid_t gid;
    char *layers;          /* for reports */
} sb;

static void sys_free(void)
{
    for (size_t i = 0; sb.sys != NULL && i < sb.n_sys; i++)
        free(sb.sys[i]);
    free(sb.sys);
    sb.sys = NULL;
    sb.n_sys = 0;
}

static int sys_add(const char *w)
{
    char **v = realloc(sb.sys, (sb.n_sys + 2) * sizeof *v);
    if (v == NULL)
        return -1;
    sb.sys = v;
    if ((v[sb.n_sys] = tg_strdup(w)) == NULL)
        return -1;
    v[++sb.n_sys] = NULL;
    return 0;
}

/* The words that show the system's own dirs read-only inside the sandbox:
 * /usr, and /lib, /lib64, /bin ... as the symlinks or dirs they are here,
 * plus the few files of /etc that the loader and the compiler read. */
static int sys_layout(void)
{
    static const char *const dirs[] = {"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin"};
    static const char *const etc[] = {"/etc/ld.so.cache", "/etc/alternatives"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        struct stat st;
        if (lstat(dirs[i], &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(dirs[i], target, sizeof target - 1);
            if (n <= 0)
                continue;
            target[n] = '\0';
            if (sys_add("--symlink") || sys_add(target) || sys_add(dirs[i]))
                return -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (sys_add("--ro-bind") || sys_add(dirs[i]) || sys_add(dirs[i]))
                return -1;
        }
    }
    for (size_t i = 0; i < sizeof etc / sizeof etc[0]; i++)
        if (sys_add("--ro-bind-try") || sys_add(etc[i]) || sys_add(etc[i]))
            return -1;
    /* The system's separate debug info (Debian: libc6-dbg, which Valgrind
     * pulls in) is hidden but for the dynamic linker's, which Valgrind
     * needs to start. Reading libc's made up half of each Valgrind start,
     * about 0.2 s of the 0.5 s it takes here, five or six times a grading;
     * without it, frames inside libc name the function but not its line,
     * and frames in the student's code are unchanged. Where the loader's
     * file cannot be found, nothing is hidden. */
    struct stat st;
    if (stat(TG_DEBUG_DIR, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *keep = tg_loader_debug_file(TG_DEBUG_DIR);
        int bad = keep != NULL && (sys_add("--tmpfs") || sys_add(TG_DEBUG_DIR) || sys_add("--ro-bind") ||
                                   sys_add(keep) || sys_add(keep));
        free(keep);
        if (bad)
            return -1;
    }
    return 0;
}

/* The argv that runs t inside bubblewrap (its strings are borrowed), or
 * NULL on no memory. */
static char **confine_argv(const struct tg_task *t)
{
    size_t n_argv = 0;
    while (t->argv[n_argv] != NULL)
        n_argv++;
    size_t cap = 16 + sb.n_sys + 3 * 7 + n_argv;
    char **v = calloc(cap, sizeof *v), **w = v;
    if (v == NULL)
        return NULL;
    /* No network, IPC, UTS or PID sharing; killed with the pool's child; a
     * session of its own (no TIOCSTI into our terminal). */
    static const char *const head[] = {"--unshare-all", "--die-with-parent", "--new-session"};
    *w++ = sb.bwrap_path;
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        *w++ = (char *)head[i];
    for (size_t i = 0; i < sb.n_sys; i++)
        *w++ = sb.sys[i];
    *w++ = "--proc";
    *w++ = "/proc";
    *w++ = "--dev";
    *w++ = "/dev";
    *w++ = "--tmpfs";
    *w++ = "/tmp";
    const struct tg_confine *c = t->confine;
    for (size_t i = 0; i < sizeof c->ro / sizeof c->ro[0] && c->ro[i] != NULL; i++) {
        *w++ = "--ro-bind";
        *w++ = (char *)c->ro[i];
        *w++ = (char *)c->ro[i];
    }
    for (size_t i = 0; i < sizeof c->rw / sizeof c->rw[0] && c->rw[i] != NULL; i++) {
        *w++ = "--bind";
        *w++ = (char *)c->rw[i];
        *w++ = (char *)c->rw[i];
    }
    if (t->cwd != NULL) {
        *w++ = "--chdir";
        *w++ = (char *)t->cwd;
    }
    *w++ = "--";
    for (size_t i = 0; i < n_argv; i++)
        *w++ = t->argv[i];
    *w = NULL;
    return v;
}

/* In the child, before execve: the limits of a confined task, then the
 * unprivileged user. Only async-signal-safe calls. 0 or -1 (errno). */
static int confine_child(const struct tg_task *t)
{
    struct rlimit rl;
    /* CPU seconds: the task's own CPU limit rounded up, or else its wall
     * limit and two seconds; and a second of grace before the hard limit's
     * SIGKILL (SIGXCPU at the soft one can be ignored). */
    rlim_t cpu = 60;
    if (t->cpu_rlimit > 0) {
        cpu = (rlim_t)t->cpu_rlimit;
        cpu += (double)cpu < t->cpu_rlimit;
    } else if (t->limit > 0) {
        cpu = (rlim_t)t->limit + 2;
    }
    rl.rlim_cur = cpu;
    rl.rlim_max = cpu + 1;
    if (setrlimit(RLIMIT_CPU, &rl) != 0)
        return -1;
    rl.rlim_cur = rl.rlim_max = (rlim_t)(t->confine->mem_bytes ? t->confine->mem_bytes : TG_SANDBOX_MEM_DEFAULT);
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        return -1;
    rl.rlim_cur = rl.rlim_max = TG_SANDBOX_NPROC;
    if (setrlimit(RLIMIT_NPROC, &rl) != 0)
        return -1;
    /* Open files: the soft limit only (Valgrind, when ttgrade itself runs
     * under it, refuses any change to the hard one). */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > TG_SANDBOX_NOFILE)) {
        rl.rlim_cur = TG_SANDBOX_NOFILE;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            return -1;
    }
    rl.rlim_cur = rl.rlim_max = (rlim_t)TG_CHILD_FSIZE_MAX;
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return -1;
    if (sb.drop) {
        /* Root's processes are exempt from RLIMIT_NPROC, and may write
         * anywhere: the program runs as the sandbox user instead. */
        if (setgroups(0, NULL) != 0 || setgid(sb.gid) != 0 || setuid(sb.uid) != 0)
            return -1;
        if (setuid(0) == 0) { /* must not be able to come back */
            errno = EPERM;
            return -1;
        }
    }
    return 0;
}

int tg_sandbox_give(const char *path)
{
    if (!sb.drop)
        return 0;
    return lchown(path, sb.uid, sb.gid);
}

const char *tg_sandbox_layers(void)
{
    return sb.layers != NULL ? sb.layers : "process-group kill, subreaper, core dumps off, files 16 MiB";
}

void tg_sandbox_close(void)
{
    sys_free();
    free(sb.bwrap_path);
    free(sb.layers);
    memset(&sb, 0, sizeof sb);
}

/* Starts a probe (in bubblewrap if sb.bwrap) in probe_dir, that must be able
 * to read read_dir: 0 if it ran, -1 with *why. */
static int sandbox_probe(const char *probe_dir, const char *read_dir, char **why)
{
    char *truth = tg_find_program("test");
    if (truth == NULL) {
        *why = tg_strdup("no 'test' program to probe with");
        return -1;
    }
    /* Absolute paths: the working dir is entered before the user drops. */
    char *argv[] = {truth, "-r", (char *)(read_dir ? read_dir : probe_dir), "-a", "-w", (char *)probe_dir, NULL};
    char *envp[] = {NULL};
    struct tg_confine c;
    memset(&c, 0, sizeof c);
    c.rw[0] = probe_dir;
    c.ro[0] = read_dir;
    struct tg_task t;
    memset(&t, 0, sizeof t);
    t.argv = argv;
    t.envp = envp;
    t.cwd = probe_dir;
    t.limit = 10;
    t.confine = &c;
    int rc = -1;
    if (tg_run_tasks(&t, 1, 1) != 0)
        *why = tg_strdup("interrupted");
    else if (tg_task_ok(&t))
        rc = 0;
    else {
        char *how = tg_task_outcome(&t);
        *why = tg_asprintf("a probe sandbox %s", how ? how : "failed");
        free(how);
    }
    free(truth);
    return rc;
}

int tg_sandbox_init(enum tg_sandbox_mode mode, const char *probe_dir, const char *read_dir, char **err)
{
    *err = NULL;
    if (sb.inited)
        return 0;
    memset(&sb, 0, sizeof sb);
    if (geteuid() == 0) {
        /* A user and group of this grading's own, not a shared one like
         * nobody: RLIMIT_NPROC counts a user's processes machine-wide, so
         * with a shared user a fork bomb (or just many gradings at once)
         * would make other gradings' programs fail to start. The id is
         * unused by any account (TG_SANDBOX_UID_BASE) and unique while this
         * ttgrade runs (its pid). */
        sb.uid = (uid_t)(TG_SANDBOX_UID_BASE + (unsigned long)getpid());
        sb.gid = (gid_t)sb.uid;
        sb.drop = 1;
        if (tg_sandbox_give(probe_dir) != 0) {
            *err = tg_asprintf("cannot hand %s to the sandbox user: %s", probe_dir, strerror(errno));
            memset(&sb, 0, sizeof sb);
            return -1;
        }
    }
    char *why = NULL;
    if (mode != TG_SANDBOX_RLIMITS) {
        const char *env = getenv("TTGRADE_BWRAP");
        if (env != NULL && env[0] == '\0')
            why = tg_strdup("$TTGRADE_BWRAP is empty");
        else if ((sb.bwrap_path = tg_find_program(env ? env : "bwrap")) == NULL)
            why = tg_asprintf("%s not found (Debian package bubblewrap)", env ? env : "bwrap");
        else if (sys_layout() != 0)
            goto oom;
        else {
            sb.bwrap = 1; /* for the probe */
            if (sandbox_probe(probe_dir, read_dir, &why) != 0)
                sb.bwrap = 0;
        }
        if (!sb.bwrap && why == NULL)
            goto oom;
        if (!sb.bwrap && mode == TG_SANDBOX_BWRAP) {
            *err = tg_asprintf("--sandbox bwrap: bubblewrap cannot run here: %s", why);
            free(why);
            tg_sandbox_close();
            return -1;
        }
    }
    char *why_user = NULL;
    if (!sb.bwrap && sb.drop && sandbox_probe(probe_dir, read_dir, &why_user) != 0) {
        sb.drop = 0;
        if (why_user == NULL)
            goto oom;
    }
    struct tg_buf b = TG_BUF_INIT;
    if (why_user != NULL)
        tg_buf_printf(&b, "no bubblewrap and as root: the grading's own user cannot reach the scratch dir or the "
                      "data dir (make $TMPDIR and the data dir passable by others), ");
    else if (sb.bwrap)
        tg_buf_printf(&b, "bubblewrap (no network, read-only system, private /tmp, PID namespace), ");
    else if (mode == TG_SANDBOX_RLIMITS)
        tg_buf_printf(&b, "no bubblewrap (--sandbox rlimits), ");
    else
        tg_buf_printf(&b, "no bubblewrap (%s), ", why);
    if (sb.drop)
        tg_buf_printf(&b, "an unprivileged user of its own, ");
    free(why_user);
    tg_buf_printf(&b, "rlimits (CPU, memory %llu GiB, %d processes, files %ld MiB), "
                  "process-group kill, subreaper",
                  TG_SANDBOX_MEM_DEFAULT >> 30, TG_SANDBOX_NPROC, TG_CHILD_FSIZE_MAX >> 20);
    free(why);
    why = NULL;
    if ((sb.layers = tg_buf_take(&b)) == NULL)
        goto oom;
    sb.inited = 1;
    return 0;
oom:
    free(why);
    tg_sandbox_close();
    return -1;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

int tg_interrupted(void)
{
    return got_signal != 0;
}

void tg_proc_init(void)
{
    /* Make sure fds 0-2 are open, so that files we open never land there. */
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int n = open("/dev/null", O_RDWR);
            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: sigtimedwait must return */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A closed stdout (ttgrade | head) must not kill us before cleanup. */
    signal(SIGPIPE, SIG_IGN);
    /* An inherited SIG_IGN would have the kernel reap our children unseen. */
    signal(SIGCHLD, SIG_DFL);
#if defined(__linux__) && defined(PR_SET_CHILD_SUBREAPER)
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
}

/* Starts t: t->started is 1, or 0 with t->spawn_errno saying why. */
static void task_spawn(struct tg_task *t)
{
    t->started = 0;
    t->timed_out = 0;
    t->idle_killed = 0;
    t->cpu_killed = 0;
    t->cpu = 0;
    t->status = 0;
    t->elapsed = 0;
    t->spawn_errno = 0;
    t->stopping = 0;
    t->next = NULL;
    mode_t mode = t->out_mode ? (mode_t)t->out_mode : 0600;
    int in = -1, out = -1, errfd = -1, pfd[2] = {-1, -1};
    in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (t->out_path != NULL)
        out = open(t->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
    else
        out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (t->err_path != NULL && out >= 0)
        errfd = open(t->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
    else
        errfd = out;
    if (in < 0 || out < 0 || errfd < 0 || pipe2(pfd, O_CLOEXEC) != 0) {
        t->spawn_errno = errno;
        goto fail;
    }
    char **bw = NULL;
    if (t->confine != NULL && sb.bwrap && (bw = confine_argv(t)) == NULL) {
        t->spawn_errno = ENOMEM;
        goto fail;
    }
    tg_group_begin(&t->group, tg_now());
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        t->spawn_errno = errno;
        free(bw);
        goto fail;
    }
    if (pid == 0) {
        /* The child: only async-signal-safe calls from here to execve. */
        int err;
        sigset_t none;
        setpgid(0, 0);
#if defined(__linux__) && defined(PR_SET_PDEATHSIG)
        /* If the grader dies (even by SIGKILL), so does this program. */
        if (t->parent_death_sig != 0 &&
            (prctl(PR_SET_PDEATHSIG, t->parent_death_sig, 0, 0, 0) != 0 || getppid() != parent))
            _exit(127);
#else
        (void)parent;
#endif
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
            goto child_fail;
        if (t->cwd != NULL && chdir(t->cwd) != 0)
            goto child_fail;
        struct rlimit rl;
        rl.rlim_cur = rl.rlim_max = 0;
        if (!t->own_limits)
            setrlimit(RLIMIT_CORE, &rl);
        if (!t->own_limits && getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
            (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)TG_CHILD_FSIZE_MAX)) {
            rl.rlim_cur = (rlim_t)TG_CHILD_FSIZE_MAX;
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        if (t->confine != NULL && confine_child(t) != 0)
            goto child_fail;
        signal(SIGPIPE, SIG_DFL);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (bw != NULL)
            execve(bw[0], bw, t->envp);
        else
            execve(t->argv[0], t->argv, t->envp);
    child_fail:
        err = errno;
        if (write(pfd[1], &err, sizeof err) < 0)
            _exit(127);
        _exit(127);
    }
    /* Both sides set the group, so kill(-pid) works whoever runs first. */
    setpgid(pid, pid);
    free(bw);
    close(pfd[1]);
    pfd[1] = -1;
    int child_err = 0;
    ssize_t r;
    do {
        r = read(pfd[0], &child_err, sizeof child_err);
    } while (r < 0 && errno == EINTR);
    close(pfd[0]);
    close(in);
    if (errfd != out)
        close(errfd);
    close(out);
    if (r == (ssize_t)sizeof child_err) {
        /* execve failed: the child has exited; reap it now. */
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        t->spawn_errno = child_err;
        t->done = 1;
        return;
    }
    t->group.pid = pid;
    t->started = 1;
    t->done = 0;
    return;
fail:
    if (errfd >= 0 && errfd != out)
        close(errfd);
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    t->done = 1;
}

static const char *task_log;

void tg_proc_log(const char *path)
{
    task_log = path;
}

/* Appends t's line to the task log, if there is one. */
static void log_task(const struct tg_task *t)
{
    if (task_log == NULL)
        return;
    /* not a symlink, a FIFO or a device, whoever made it */
    int fd = open(task_log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    struct stat st;
    if (fd < 0)
        return;
    const char *name = t->out_path ? strrchr(t->out_path, '/') : NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        dprintf(fd, "%.3f %.3f %s\n", t->cpu, t->elapsed, name ? name + 1 : t->out_path ? t->out_path : "-");
    close(fd);
}

/* Moves t from the pool's running list to the end of its finished one. */
static void task_finish(struct tg_pool *p, struct tg_task *t)
{
    struct tg_task **pp = &p->running;
    while (*pp != t)
        pp = &(*pp)->next;
    *pp = t->next;
    t->next = NULL;
    for (pp = &p->finished; *pp != NULL; pp = &(*pp)->next)
        ;
    *pp = t;
}

/* Reaps every child that has ended: the pool's tasks among them are
 * finished. */
static void reap_finished(struct tg_pool *p)
{
    pid_t pid;
    while ((pid = tg_group_ended()) > 0) {
        struct tg_task *t = p->running;
        while (t != NULL && t->group.pid != pid)
            t = t->next;
        /* what the program left running in its group is killed */
        double cpu;
        int st = tg_group_reap(pid, t != NULL, &cpu);
        if (t != NULL) {
            t->cpu = cpu;
            /* bubblewrap passes on a death by signal N as exit status
             * 128 + N: give it back its own meaning. */
            if (t->confine != NULL && sb.bwrap && WIFEXITED(st) && WEXITSTATUS(st) > 128 &&
                WEXITSTATUS(st) < 128 + 65)
                st = WEXITSTATUS(st) - 128;
            t->status = st;
            t->elapsed = tg_now() - t->group.t0;
            t->done = 1;
            log_task(t);
            task_finish(p, t);
        }
    }
}

/* Stops t: SIGKILL, or SIGTERM now and SIGKILL after its grace. */
static void task_stop(struct tg_task *t, double now)
{
    if (t->stopping)
        return;
    t->stopping = t->grace > 0 ? 1 : 2;
    t->stop_at = now;
    tg_group_signal(&t->group, t->stopping == 1 ? SIGTERM : SIGKILL);
}

/* Enforces t's limits at `now`; returns how long until its next deadline. */
static double task_deadline(struct tg_task *t, double now)
{
    if (t->stopping == 2)
        return TG_POLL_SECONDS;
    if (t->stopping == 1) {
        double left = t->stop_at + t->grace - now;
        if (left > 0)
            return left;
        t->stopping = 2;
        tg_group_signal(&t->group, SIGKILL);
        return TG_POLL_SECONDS;
    }
    if (t->idle_limit > 0)
        tg_group_watch(&t->group, t->watch, now);
    double left;
    enum tg_group_due due = tg_group_due(&t->group, t->limit, t->idle_limit, now, &left);
    if (due != TG_GROUP_IN_TIME) {
        t->idle_killed = due == TG_GROUP_IDLE;
        t->timed_out = 1;
        task_stop(t, now);
        return t->stopping == 1 ? t->grace : TG_POLL_SECONDS;
    }
    return left;
}

/* The signal mask from before the open pool (there is one at a time). */
static sigset_t pool_old_mask;

void tg_pool_open(struct tg_pool *p)
{
    memset(p, 0, sizeof *p);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &pool_old_mask);
}

int tg_pool_start(struct tg_pool *p, struct tg_task *t)
{
    t->done = 0;
    t->group.pid = 0;
    task_spawn(t);
    if (!t->started)
        return 0;
    t->next = p->running;
    p->running = t;
    p->n++;
    return 1;
}

void tg_pool_stop(struct tg_pool *p)
{
    p->stopped = 1;
    double now = tg_now();
    for (struct tg_task *t = p->running; t != NULL; t = t->next)
        task_stop(t, now);
}

struct tg_task *tg_pool_wait_any(struct tg_pool *p, double max_wait)
{
    double until = max_wait >= 0 ? tg_now() + max_wait : -1;
    for (;;) {
        if (tg_interrupted() && !p->stopped)
            tg_pool_stop(p);
        if (p->finished == NULL && p->running != NULL)
            reap_finished(p);
        if (p->finished != NULL) {
            struct tg_task *t = p->finished;
            p->finished = t->next;
            t->next = NULL;
            p->n--;
            return t;
        }
        double now = tg_now(), wait = TG_POLL_SECONDS;
        if (p->running == NULL || (until >= 0 && now >= until))
            return NULL;
        for (struct tg_task *t = p->running; t != NULL; t = t->next) {
            double left = task_deadline(t, now);
            if (left < wait)
                wait = left;
        }
        if (until >= 0 && until - now < wait)
            wait = until - now;
        tg_group_sleep(wait);
    }
}

/* tg_kill_children's keep: a running task of pool ctx. */
static int pool_has(pid_t pid, void *ctx)
{
    const struct tg_pool *p = ctx;
    for (const struct tg_task *t = p->running; t != NULL; t = t->next)
        if (t->group.pid == pid)
            return 1;
    return 0;
}

void tg_pool_kill_strays(const struct tg_pool *p)
{
    tg_kill_children(pool_has, (void *)p);
}

void tg_pool_close(struct tg_pool *p)
{
    (void)p;
    sigprocmask(SIG_SETMASK, &pool_old_mask, NULL);
    tg_reap_orphans();
}

void tg_task_set(struct tg_task *t, char *const *argv, char *const *envp, const char *cwd,
                 const struct tg_confine *confine, const char *out_path, double limit)
{
    t->argv = argv;
    t->envp = envp;
    t->cwd = cwd;
    t->confine = confine;
    t->out_path = out_path;
    t->limit = limit;
}

int tg_run_tasks(struct tg_task *tasks, size_t n, unsigned jobs)
{
    if (jobs == 0)
        jobs = 1;
    for (size_t i = 0; i < n; i++) {
        tasks[i].done = 0;
        tasks[i].started = 0;
        tasks[i].group.pid = 0;
    }
    struct tg_pool p;
    tg_pool_open(&p);
    size_t next = 0;
    int stopped = 0;
    for (;;) {
        if (tg_interrupted() && !stopped) {
            stopped = 1;
            for (; next < n; next++) {
                tasks[next].spawn_errno = EINTR;
                tasks[next].done = 1;
            }
        }
        while (p.n < jobs && next < n)
            tg_pool_start(&p, &tasks[next++]);
        if (p.n == 0)
            break;
        tg_pool_wait_any(&p, -1);
    }
    tg_pool_close(&p);
    return stopped ? -1 : 0;
}

#ifdef __linux__
/* The parent pid of process `pid` from /proc, or -1. */
static pid_t proc_ppid(const char *pid)
{
    char path[64], buf[512];
    int n = snprintf(path, sizeof path, "/proc/%s/stat", pid);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0)
        return -1;
    buf[r] = '\0';
    /* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
    char *p = strrchr(buf, ')');
    char state;
    int ppid;
    if (p == NULL || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return (pid_t)ppid;
}
#endif

int tg_kill_children(int (*keep)(pid_t pid, void *ctx), void *ctx)
{
    int found = 0;
#ifdef __linux__
    pid_t me = getpid();
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9' || proc_ppid(e->d_name) != me)
            continue;
        pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
        if (keep != NULL && keep(pid, ctx))
            continue;
        kill(pid, SIGKILL);
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        found = 1;
    }
    closedir(d);
#else
    (void)keep;
    (void)ctx;
#endif
    return found;
}

void tg_reap_orphans(void)
{
    for (int round = 0; round < 100; round++) {
        int found = 0, st;
        while (waitpid(-1, &st, WNOHANG) > 0)
            found = 1;
        found |= tg_kill_children(NULL, NULL);
        if (!found)
            break;
    }
}

char *tg_find_program(const char *prog)
{
    if (prog == NULL || prog[0] == '\0') {
        errno = ENOENT;
        return NULL;
    }
    if (strchr(prog, '/') != NULL) {
        if (access(prog, X_OK) != 0)
            return NULL;
        return tg_strdup(prog);
    }
    const char *path = getenv("PATH");
    if (path == NULL || path[0] == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char *dir = len ? tg_strndup(p, len) : tg_strdup(".");
        if (dir == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        char *cand = tg_path_join(dir, prog);
        free(dir);
        if (cand == NULL) {
            errno = ENOMEM;
            return NULL;
        }
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (colon == NULL)
            break;
        p = colon + 1;
    }
    errno = ENOENT;
    return NULL;
}

char *tg_task_outcome(const struct tg_task *t)
{
    if (!t->started)
        return tg_asprintf("could not be started: %s", strerror(t->spawn_errno));
    if (t->cpu_killed)
        return tg_asprintf("was stopped after %g s of CPU time", t->cpu_limit);
    if (t->idle_killed)
        return tg_asprintf("was stopped after %g s without progress", t->idle_limit);
    if (t->timed_out)
        return tg_asprintf("was stopped after %g s (time limit)", t->limit);
    if (WIFEXITED(t->status))
        return tg_asprintf("exited with status %d", WEXITSTATUS(t->status));
    if (WIFSIGNALED(t->status)) {
        int sig = WTERMSIG(t->status);
        const char *name = strsignal(sig);
        return tg_asprintf("was killed by signal %d (%s)", sig, name ? name : "?");
    }
    return tg_asprintf("ended with wait status %d", t->status);
}

int tg_task_ok(const struct tg_task *t)
{
    return t->started && !t->timed_out && WIFEXITED(t->status) && WEXITSTATUS(t->status) == 0;
}

char *tg_self_path(void)
{
    size_t cap = 256;
    for (;;) {
        char *buf = malloc(cap);
        if (buf == NULL)
            return NULL;
        ssize_t n = readlink("/proc/self/exe", buf, cap);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[n] = '\0';
            return buf;
        }
        free(buf);
        if (cap > 65536)
            return NULL;
        cap *= 2;
    }
}

/* PATH finds the assembler and the linker gcc runs (/usr/local/bin first,
 * as the shell's default PATH has it); C.UTF-8 is in every glibc since 2.35
 * (Debian 12, Ubuntu 22.04), and gives gcc's messages in English with the
 * quotes the examples' feedback shows. */
char *const tg_step_environ[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", NULL};

char *tg_tool_version(const char *prog, const char *scratch, const char *log_name)
{
    char *log = tg_path_join(scratch, log_name);
    if (log == NULL)
        return NULL;
    char *argv[] = {(char *)prog, "--version", NULL};
    struct tg_task t;
    memset(&t, 0, sizeof t);
    t.argv = argv;
    t.envp = environ;
    t.out_path = log;
    t.limit = 10;
    char *line = NULL;
    if (tg_run_tasks(&t, 1, 1) == 0 && tg_task_ok(&t)) {
        char *text = tg_read_file(log, 4096, NULL, NULL);
        char *clean = text ? tg_sanitize(text, strlen(text), 4096) : NULL;
        line = clean ? tg_first_line(clean) : NULL;
        free(text);
        free(clean);
    }
    free(log);
    return line;
}
