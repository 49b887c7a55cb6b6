/* phase.h - a phase of a grading (the hidden tests, the memory checks, the
 * performance tier) as the scheduler (sched.c) sees it: a small ops table,
 * in the manner of redis' dictType, so that the scheduler knows nothing of
 * Valgrind or callgrind and a phase knows nothing of the others' tasks.
 *
 * A grading runs in rounds. In each round the scheduler asks every phase for
 * its tasks (tasks), runs them all in one pool (proc.h: tg_run_tasks, at most
 * tg_setup.jobs at a time), and hands each phase back its own tasks, run, in
 * the order it gave them (done). After the last round, each phase finishes
 * (finish), then is freed (free). A phase with nothing to do in a round gives
 * no task; its done is still called, with k = 0.
 *
 *   round        hidden tests (grade.c)   memory checks (memcheck.c)   performance tier (perf.c)
 *   TG_R_BUILD   compile, inspect         -                            compile
 *   TG_R_LINK    link                     link the drivers             link
 *   TG_R_RUN     run the test programs    Valgrind on the host         callgrind
 *   TG_R_RERUN   rerun tests, one by one  again with --track-origins   -
 *   TG_R_EXPLAIN crashes under Valgrind   -                            -
 */
#ifndef TG_PHASE_H
#define TG_PHASE_H

#include <stddef.h>

#include "proc.h"

enum tg_round { TG_R_BUILD, TG_R_LINK, TG_R_RUN, TG_R_RERUN, TG_R_EXPLAIN, TG_R_N };

/* A growing list of tasks; a phase appends to it with tg_task_list_add. */
struct tg_task_list {
    struct tg_task *v;
    size_t n, cap;
};

/* Room for `more` tasks after l->n: 0, or -1 when memory ran out. The room is
 * v[n .. n+more-1]; tg_task_list_add takes one slot of it. */
int tg_task_list_reserve(struct tg_task_list *l, size_t more);

/* A zeroed slot at the end of l, or NULL when memory ran out. */
struct tg_task *tg_task_list_add(struct tg_task_list *l);

struct tg_phase;

struct tg_phase_ops {
    const char *name;
    /* Appends the phase's tasks of `round` to l. 0, or -1 (*err set when it
     * takes one: NULL means out of memory). */
    int (*tasks)(struct tg_phase *ph, enum tg_round round, struct tg_task_list *l, char **err);
    /* Takes back the k tasks it gave in `round`, run. 0 or -1, as above. */
    int (*done)(struct tg_phase *ph, enum tg_round round, const struct tg_task *t, size_t k, char **err);
    /* After the last round: the phase's verdicts. 0 or -1, as above. */
    int (*finish)(struct tg_phase *ph, char **err);
    /* Frees the phase (NULL-safe for the scheduler: never called with NULL). */
    void (*free)(struct tg_phase *ph);
};

/* The base of every phase: embed it first, and get back to the phase with
 * TG_CONTAINER_OF(ph, struct my_phase, base). */
struct tg_phase {
    const struct tg_phase_ops *ops;
};

#define TG_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Runs the phases ph[0..n-1] (NULL entries are skipped) through the rounds,
 * in that order within each round, then finishes them in the same order.
 * Frees none of them. Returns 0, or -1 with *err set ("interrupted", a
 * phase's message; NULL: out of memory). */
int tg_sched_run(struct tg_phase *const *ph, size_t n, unsigned jobs, char **err);

#endif /* TG_PHASE_H */
