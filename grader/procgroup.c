/* procgroup.c - a watched child in a process group of its own (see
 * procgroup.h): libc only, for the process pool (proc.c) and the memory
 * drivers' host (memcheck/ttmemhost.c) alike. */
#define _DEFAULT_SOURCE /* wait4 */
#define _POSIX_C_SOURCE 200809L
#include "procgroup.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

double tg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tg_group_begin(struct tg_group *g, double now)
{
    g->t0 = g->last_progress = now;
    g->size[0] = g->size[1] = -1;
}

int tg_group_watch(struct tg_group *g, const char *const paths[2], double now)
{
    int grew = 0;
    for (int i = 0; i < 2; i++) {
        struct stat st;
        if (paths[i] == NULL || stat(paths[i], &st) != 0 || (long long)st.st_size == g->size[i])
            continue;
        g->size[i] = (long long)st.st_size;
        g->last_progress = now;
        grew = 1;
    }
    return grew;
}

enum tg_group_due tg_group_due(const struct tg_group *g, double limit, double idle_limit, double now, double *left)
{
    double late = limit - (now - g->t0);
    if (late <= 0)
        return TG_GROUP_LATE;
    if (idle_limit > 0) {
        double idle = g->last_progress + idle_limit - now;
        if (idle <= 0)
            return TG_GROUP_IDLE;
        if (idle < late)
            late = idle;
    }
    if (left != NULL)
        *left = late;
    return TG_GROUP_IN_TIME;
}

void tg_group_signal(const struct tg_group *g, int sig)
{
    kill(-g->pid, sig);
    kill(g->pid, sig);
}

pid_t tg_group_ended(void)
{
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0)
            return si.si_pid; /* 0: children exist, none has ended */
        if (errno != EINTR)
            return -1; /* ECHILD: no children at all */
    }
}

int tg_group_reap(pid_t pid, int kill_group, double *cpu)
{
    /* while the zombie holds its pid, the group id is still its own */
    if (kill_group)
        kill(-pid, SIGKILL);
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
        continue;
    if (cpu != NULL)
        *cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    return st;
}

void tg_group_sleep(double seconds)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    if (ts.tv_sec <= 0 && ts.tv_nsec < 1000000) {
        ts.tv_sec = 0;
        ts.tv_nsec = 1000000; /* at least 1 ms: no busy loop */
    }
    sigtimedwait(&chld, NULL, &ts);
}
