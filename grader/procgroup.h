/* procgroup.h - a child that leads a process group of its own, as a parent
 * watches it: when it started, whether a file it writes is growing, which
 * deadline (wall clock, no progress) it has passed, a signal to its whole
 * group, and its end reaped with its group killed and its CPU time read.
 *
 * Both of the grader's pools use it: the process pool (proc.c: ttgrade's
 * programs, fork and execve, confined) and the memory drivers' host
 * (memcheck/ttmemhost.c: one child per lab, forked without exec, inside
 * the student's one Valgrind run). The host cannot use the whole pool: it
 * runs under Valgrind with the student's code, so everything it links is
 * read, translated and checked there in every grading, and the pool brings
 * the sandbox (bubblewrap's words, user drop), libelf (the debug files it
 * hides), cJSON and the grader's text helpers; and its children are not
 * programs to exec but the host itself, forked so that Valgrind follows them
 * without starting again. Hence this file: libc only, no allocation, no
 * state of its own. */
#ifndef TG_PROCGROUP_H
#define TG_PROCGROUP_H

#include <sys/types.h>

/* Seconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
double tg_now(void);

/* One watched child: pid leads its own process group. */
struct tg_group {
    pid_t pid;
    double t0;            /* tg_now() when it was let run */
    double last_progress; /* tg_now() when a watched file last changed size */
    long long size[2];    /* the watched files' sizes then; -1: not seen yet */
};

/* Starts g's clocks at `now`: its age and its progress count from here. */
void tg_group_begin(struct tg_group *g, double now);

/* Looks at the sizes of paths[0..1] (NULL: none; a file that cannot be
 * stat'ed: no news). Returns 1 if one changed since the last look (then
 * g->last_progress is `now`), else 0. */
int tg_group_watch(struct tg_group *g, const char *const paths[2], double now);

/* Which deadline g has passed at `now`, its wall-clock limit `limit` and
 * (if idle_limit > 0) idle_limit seconds without progress: TG_GROUP_LATE,
 * TG_GROUP_IDLE (the wall clock first when both), or TG_GROUP_IN_TIME with
 * *left (if not NULL) the seconds until the nearer one. */
enum tg_group_due { TG_GROUP_IN_TIME, TG_GROUP_LATE, TG_GROUP_IDLE };
enum tg_group_due tg_group_due(const struct tg_group *g, double limit, double idle_limit, double now, double *left);

/* Sends sig to g's whole group, and to g itself should its group not be set
 * yet (both sides of a fork set it, whichever runs first). */
void tg_group_signal(const struct tg_group *g, int sig);

/* The pid of a child of this process that has ended and is not reaped yet
 * (it stays a zombie, so that its group id cannot be reused before
 * tg_group_reap); 0 if none has ended; -1 if there are no children. */
pid_t tg_group_ended(void);

/* Reaps child pid (from tg_group_ended), first SIGKILLing what it left in its
 * group if kill_group. Returns its wait status; *cpu (if not NULL) gets the
 * CPU seconds, user and system, of it and of the children it waited for. */
int tg_group_reap(pid_t pid, int kill_group, double *cpu);

/* Sleeps until a child ends or `seconds` (at least 1 ms) have passed, or a
 * signal with a handler arrives. The caller keeps SIGCHLD blocked while it
 * watches children (from before the first fork), so that no end is missed. */
void tg_group_sleep(double seconds);

#endif /* TG_PROCGROUP_H */
