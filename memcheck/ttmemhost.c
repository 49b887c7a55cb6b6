/* ttmemhost.c - runs the memory drivers of several labs under one Valgrind.
 *
 * ttgrade starts Valgrind once per submission, on this program, instead of
 * once per lab: Valgrind's start (its JIT translating the loader and the C
 * library's start-up, the shadow memory set up) costs about 0.3 s of CPU on
 * our machines, as much as a driver's whole work. This host forks one child
 * per lab; Valgrind follows a fork without starting again, and each child
 * writes its own XML report (ttgrade's --xml-file ends in ".%p.xml"). The
 * child loads its lab's driver, a shared object built by ttgrade from the
 * driver, the student's file for that lab and the reference for the other
 * four, and calls the driver's main. Each lab stays in a process of its own,
 * so one lab's crash, hang or leak is never another's.
 *
 * Usage: ttmemhost JOBS IDLE STATUS XMLPREFIX LAB SO LIMIT CPU LOG [LAB SO LIMIT CPU LOG]...
 *   JOBS       children at a time
 *   IDLE       seconds a child may run without its report or log growing
 *   STATUS     file this host appends its lines to (below)
 *   XMLPREFIX  Valgrind's --xml-file without ".%p.xml": where to watch a
 *              child's report for progress
 *   LAB SO LIMIT CPU LOG  per lab: its name (the driver's argv[0]), the
 *              shared object, its wall-clock limit in seconds, the CPU
 *              seconds it may use without its report or log growing (0: no
 *              limit; ttgrade's calibrated limit, see grader/timelimits.h), and
 *              the file that gets its stdout and stderr
 *
 * Every child is forked first and waits at a gate (a pipe) until its turn,
 * in a process group of its own that is killed when it ends.
 *
 * The status file gets one line per event, each written whole:
 *   start LAB PID
 *   end LAB PID HOW VALUE SECONDS CPU  HOW: exited (VALUE: exit status),
 *                                   signaled (VALUE: signal), timeout, idle or
 *                                   cpu (killed by this host; VALUE: 9); CPU:
 *                                   the child's CPU seconds
 *   nostart LAB ERRNO               fork failed
 *   tick                            every second: the host is alive
 * ttgrade trusts no line it did not expect: a lab with no "end" line failed.
 *
 * Hand-written: no library runs code in forked children with per-child
 * limits under one Valgrind; this is the smallest program that does. What
 * it shares with ttgrade's process pool (a child's clocks and deadlines, its
 * group signalled, its end reaped) is grader/procgroup.c, whose header says
 * why it cannot use the whole pool. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../grader/procgroup.h"

#define HOST_LABS_MAX 16
#define HOST_TICK_SECONDS 0.05 /* how often limits and progress are looked at */

struct lab {
    char *name, *so, *log;
    double limit, cpu_limit;   /* wall-clock and CPU seconds (0: none) */
    struct tg_group g;         /* the child (pid -1: none), forked at the start, its
                                * clocks from its turn, its report's and log's sizes */
    int gate;                  /* write end of the pipe the child waits on; -1: released */
    int state;                 /* WAITING, RUNNING or OVER */
    double cpu_at_progress;    /* its CPU seconds at g.last_progress */
    const char *killed;        /* "timeout", "idle" or "cpu" once this host killed it */
};

enum { WAITING, RUNNING, OVER };

/* Appends one line to the status file, in one write. */
static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int fd, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) != n)
        perror("ttmemhost: status file");
}

/* In the child: waits until the host lets it go (a byte on `gate`; end of
 * file: not to run), then stdout and stderr to the lab's log, the driver
 * loaded and run. Never returns. */
static void run_child(const struct lab *l, int gate, const sigset_t *old_mask)
{
    char go;
    ssize_t got;
    while ((got = read(gate, &go, 1)) < 0 && errno == EINTR)
        continue;
    if (got != 1)
        _exit(125);
    close(gate);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, old_mask, NULL);
    int fd = open(l->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
        _exit(126);
    if (fd > STDERR_FILENO)
        close(fd);
    void *h = dlopen(l->so, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "ttmemhost: cannot load the memory driver: %s\n", dlerror());
        _exit(127);
    }
    int (*entry)(int, char **);
    /* POSIX's way to turn dlsym's object pointer into a function pointer */
    *(void **)(&entry) = dlsym(h, "main");
    if (entry == NULL) {
        fprintf(stderr, "ttmemhost: the memory driver has no main\n");
        _exit(127);
    }
    char *argv[] = {l->name, NULL};
    exit(entry(1, argv));
}

/* The CPU seconds (user and system) process pid has used, or -1 if they
 * cannot be read. */
static double cpu_seconds(pid_t pid)
{
    clockid_t clock;
    struct timespec ts;
    if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &ts) != 0)
        return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds in s, more than 0 (or, with zero_ok, 0 itself) */
static int parse_seconds(const char *s, double *out, int zero_ok)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0 || (zero_ok && v == 0)) || v > 1e6)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static struct lab labs[HOST_LABS_MAX];
    double idle;
    char *jobs_end;
    long jobs = argc > 1 ? strtol(argv[1], &jobs_end, 10) : 0;
    size_t n = argc > 5 ? (size_t)(argc - 5) / 5 : 0;
    if (argc < 10 || (argc - 5) % 5 != 0 || n > HOST_LABS_MAX || *jobs_end != '\0' || jobs < 1 ||
        parse_seconds(argv[2], &idle, 0) != 0) {
        fprintf(stderr, "usage: ttmemhost JOBS IDLE STATUS XMLPREFIX LAB SO LIMIT CPU LOG [LAB SO LIMIT CPU LOG]...\n");
        return 2;
    }
    const char *xml_prefix = argv[4];
    for (size_t i = 0; i < n; i++) {
        char **w = &argv[5 + 5 * i];
        labs[i].name = w[0];
        labs[i].so = w[1];
        labs[i].log = w[4];
        if (parse_seconds(w[2], &labs[i].limit, 0) != 0 || parse_seconds(w[3], &labs[i].cpu_limit, 1) != 0) {
            fprintf(stderr, "ttmemhost: bad time limit '%s' or '%s'\n", w[2], w[3]);
            return 2;
        }
    }
    int status_fd = open(argv[3], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (status_fd < 0) {
        perror("ttmemhost: status file");
        return 2;
    }
    /* The drivers need the maths library: loaded here once, before the
     * forks, it is not loaded (and read by Valgrind) again in every child,
     * and neither is the loader's code that loads it translated again. */
    void *libm = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
    if (libm == NULL)
        fprintf(stderr, "ttmemhost: %s (each driver loads it itself)\n", dlerror());
    /* SIGCHLD stays blocked here and is waited for with a timeout: the
     * limits are looked at every tick, and an exit is seen at once. */
    sigset_t chld, old_mask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old_mask);
    /* a gate whose child is gone must not kill the host */
    signal(SIGPIPE, SIG_IGN);

    /* Every child is forked now, before any lab's code runs, and waits at
     * its gate: a fork bomb in one lab cannot keep the next from starting.
     * Each child leads a process group of its own, which is killed when it
     * ends, so what a lab leaves running ends with it. */
    for (size_t i = 0; i < n; i++) {
        struct lab *l = &labs[i];
        int fds[2];
        l->g.pid = -1;
        l->gate = -1;
        l->state = OVER;
        if (pipe(fds) != 0) {
            say(status_fd, "nostart %s %d\n", l->name, errno);
            continue;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            setpgid(0, 0);
            close(status_fd);
            close(fds[1]);
            for (size_t k = 0; k < i; k++)
                if (labs[k].gate >= 0)
                    close(labs[k].gate);
            run_child(l, fds[0], &old_mask);
        }
        int fork_errno = errno;
        close(fds[0]);
        if (pid < 0) {
            close(fds[1]);
            say(status_fd, "nostart %s %d\n", l->name, fork_errno);
            continue;
        }
        setpgid(pid, pid);
        l->g.pid = pid;
        l->gate = fds[1];
        l->state = WAITING;
    }

    size_t running = 0;
    double beat = tg_now();
    for (;;) {
        for (size_t i = 0; i < n && running < (size_t)jobs; i++) {
            struct lab *l = &labs[i];
            if (l->state != WAITING)
                continue;
            tg_group_begin(&l->g, tg_now());
            l->cpu_at_progress = 0;
            l->state = RUNNING;
            running++;
            say(status_fd, "start %s %ld\n", l->name, (long)l->g.pid);
            if (write(l->gate, "g", 1) != 1)
                perror("ttmemhost: gate"); /* the child then ends with 125: no pass */
            close(l->gate);
            l->gate = -1;
        }
        int waiting = 0;
        for (size_t i = 0; i < n; i++)
            waiting |= labs[i].state != OVER;
        if (!waiting)
            break;
        tg_group_sleep(HOST_TICK_SECONDS);
        pid_t pid;
        while ((pid = tg_group_ended()) > 0) {
            struct lab *l = NULL;
            for (size_t i = 0; i < n && l == NULL; i++)
                if (labs[i].g.pid == pid && labs[i].state != OVER)
                    l = &labs[i];
            /* what it left behind is killed */
            double cpu;
            int st = tg_group_reap(pid, l != NULL, &cpu);
            if (l != NULL) {
                if (l->state == WAITING) {
                    /* killed before its turn (by another lab's code) */
                    close(l->gate);
                    l->gate = -1;
                    say(status_fd, "start %s %ld\n", l->name, (long)pid);
                    l->g.t0 = tg_now();
                    running++;
                }
                double secs = tg_now() - l->g.t0;
                if (l->killed != NULL)
                    say(status_fd, "end %s %ld %s 9 %.3f %.3f\n", l->name, (long)pid, l->killed, secs, cpu);
                else if (WIFSIGNALED(st))
                    say(status_fd, "end %s %ld signaled %d %.3f %.3f\n", l->name, (long)pid, WTERMSIG(st), secs,
                        cpu);
                else
                    say(status_fd, "end %s %ld exited %d %.3f %.3f\n", l->name, (long)pid, WEXITSTATUS(st), secs,
                        cpu);
                l->state = OVER;
                running--;
            }
        }
        double t = tg_now();
        if (t - beat >= 1) {
            say(status_fd, "tick\n");
            beat = t;
        }
        for (size_t i = 0; i < n; i++) {
            struct lab *l = &labs[i];
            if (l->state != RUNNING || l->killed != NULL)
                continue;
            char xml[4096];
            snprintf(xml, sizeof xml, "%s.%ld.xml", xml_prefix, (long)l->g.pid);
            const char *const watched[2] = {xml, l->log};
            double cpu = l->cpu_limit > 0 ? cpu_seconds(l->g.pid) : -1;
            if (tg_group_watch(&l->g, watched, t))
                l->cpu_at_progress = cpu;
            enum tg_group_due due = tg_group_due(&l->g, l->limit, idle, t, NULL);
            if (l->cpu_limit > 0 && cpu >= 0 && cpu - l->cpu_at_progress >= l->cpu_limit)
                l->killed = "cpu";
            else if (due != TG_GROUP_IN_TIME)
                l->killed = due == TG_GROUP_LATE ? "timeout" : "idle";
            if (l->killed != NULL)
                tg_group_signal(&l->g, SIGKILL);
        }
    }
    close(status_fd);
    if (libm != NULL)
        dlclose(libm); /* this host's own memory, under Valgrind too, ends clean */
    return 0;
}
