/* scenario.h - the memory drivers: one small program per lab (mem_<lab>.c)
 * made of named scenarios that exercise that lab's ownership rules. ttgrade
 * runs each driver once under Valgrind and scores every scenario on its own;
 * students can read them to see exactly what is checked.
 *
 * Each scenario is run between two Valgrind client messages ("begin" and
 * "end"), with a leak check of its own just before "end", so every error and
 * every leak in the Valgrind report falls between the markers of the scenario
 * that caused it:
 *
 *     ttmem <token> begin forward_with_bias
 *       ... Valgrind's errors, then the leaks new since the last check ...
 *     ttmem <token> end forward_with_bias ran
 *
 * The leak check is Valgrind's added-leak check (VALGRIND_DO_ADDED_LEAK_CHECK):
 * it lists only the loss records (one per allocation stack) that grew since
 * the previous check, each with its increase, "552 (+4) bytes", so a
 * scenario is charged, and told, only what it added (grader/memcheck.c).
 *
 * A scenario earns its points only if it ran: every call it depends on did
 * its job (a constructor returned a module, a bad call was refused). Otherwise
 * it ends with "not-run <reason>" and scores 0, so the skeleton, which leaks
 * nothing because it does nothing, earns no memory points. */
#ifndef MEM_SCENARIO_H
#define MEM_SCENARIO_H

#include <stddef.h>

#include "tinytorch.h"

/* What a scenario is given: where it records that it could not run. */
typedef struct mem_ctx mem_ctx;

typedef struct mem_scenario {
    const char *name;            /* its name in the rubric: "forward_with_bias" */
    const char *what;            /* one line: what it does, shown by --list */
    void (*run)(mem_ctx *ctx);
    double points;               /* what it is worth */
    const char *description;     /* the rubric's short line, shown in the reports */
} mem_scenario;

/* One scenario of a driver's table: its function (which names it), its
 * points and short description, and what it does (--list):
 *
 *     MEM_SCENARIO(forward_with_bias, 3, "forward with a bias, freed", "..."),
 *
 * tools/gen-rubric reads the points and description from here into the
 * rubric (one MEM_SCENARIO( per line start). */
#define MEM_SCENARIO(name, points, description, what) {#name, what, name, points, description}

/* Runs the scenarios in order, each between its markers, and returns the exit
 * status for main. `mem_<lab> --list` prints the names and what they check.
 * Outside Valgrind it still runs them and says which ran, so a student can
 * check the calls work before `make memcheck`. */
int mem_main(int argc, char **argv, const char *lab, const mem_scenario *scenarios, size_t n);

/* Records that the scenario did not run as intended (the first reason wins)
 * and returns 0, for `if (...) return (void)mem_not_run(c, ...);`. */
int mem_not_run(mem_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* 1 if p is not NULL; else records "not run: <call> returned NULL (<status>:
 * <last error>)" and returns 0. tt_clear_error() before the call. */
int mem_got(mem_ctx *c, const void *p, const char *call);

/* 1 if st is TT_OK; else records why not, as mem_got does. */
int mem_ok(mem_ctx *c, tt_status st, const char *call);

/* For a call that must fail: 1 if it failed with an error status of its own
 * (NULL, or a status other than TT_OK, and not TT_ENOTIMPL); else records
 * that it succeeded, or is not implemented yet. `failed` says whether the
 * call returned NULL / an error status. */
int mem_refused(mem_ctx *c, int failed, const char *call);

/* A new tensor of the given shape filled with small distinct values; NULL
 * (recorded as "not run") if it could not be made. */
tt_tensor *mem_tensor(mem_ctx *c, size_t ndim, const size_t *shape);

#endif /* MEM_SCENARIO_H */
