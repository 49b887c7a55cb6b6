/* perf.h - lab 1's performance tier, extra credit: how many instructions the
 * student's tt_matmul_fast runs on a (128, 128) @ (128, 128) product, against
 * the reference triple loop, both counted by Valgrind's callgrind (so the
 * count is the same on every machine with the same compiler and libraries,
 * whatever its load). The driver, grader/perf/perf_matmul.c, is precompiled
 * into <datadir>/perf/matmul.o with the flags below; ttgrade compiles the
 * student's matmul.c once more with the same flags, inspects and links it.
 *
 * Correctness first: the driver checks tt_matmul_fast on many shapes before
 * counting; a wrong result, a crash, a timeout, or a file without
 * tt_matmul_fast earns 0. The scale: the speedup (naive count / fast count)
 * as a share of the reference tt_matmul_fast's own speedup, counted the same
 * way when the grader was built (the count moves with the compiler, the
 * share much less), against the rubric's `perf:<share>%` tiers (set in the
 * driver, PERF_TIER). The points are extra credit: never part of the
 * score or its maximum; the reports show them on their own line or item.
 * Without Valgrind, with --no-perf, or without the reference's count, the
 * tier is ungraded (not an error). */
#ifndef TG_PERF_H
#define TG_PERF_H

#include "phase.h"
#include "ttgrade.h"

/* The lab the tier scores: by nature a matmul one (its driver times
 * tt_matmul_fast against tt_matmul, grader/perf/perf_matmul.c, and the data
 * dir holds it as perf/<lab>.o). The one lab name the grader's C knows; if
 * the lab table has no such lab, the tier is never wanted. */
#define TG_PERF_LAB "matmul"

/* The flags the driver and the student's file are compiled with for the
 * count (configure.ac: -O3, plus a fixed -march on x86-64). */
#ifndef TTGRADE_PERF_CFLAGS
#define TTGRADE_PERF_CFLAGS "-O3"
#endif


enum tg_perf_state {
    TG_PERF_NONE,      /* not wanted: matmul is not among the labs graded */
    TG_PERF_UNGRADED,  /* wanted, but not run: `why` says why (no Valgrind, --no-perf, ...) */
    TG_PERF_GRADED     /* run: points (maybe 0) and why */
};

struct tg_perf {
    enum tg_perf_state state;
    char *valgrind;             /* absolute, or NULL */
    char *why;                  /* one line: the verdict, or why it did not run */
    double points;              /* extra points earned */
    double max_points;          /* the top tier's points */
    double speedup;             /* naive / fast instructions; 0 if not measured */
    double share;               /* speedup / the reference's, percent; 0 if not scored */
    unsigned long long naive_ir, fast_ir;  /* the counts; 0 if not measured */
    /* The scale: the rubric's tiers of TG_PERF_LAB, and the reference's
     * counts (<datadir>/perf/<lab>.ref, grader/calibrate.sh; 0: none, and
     * the tier is then ungraded once counted). */
    struct tg_rubric_tier tiers[TG_RUBRIC_TIERS_MAX];
    size_t n_tiers;
    unsigned long long ref_naive_ir, ref_fast_ir;
    double t_total;             /* wall seconds of its steps (they run beside the labs' steps) */
};

/* Decides whether the tier can run (matmul graded, tiers in the rubric, not
 * `off`, Valgrind and the driver found). Returns 0, or -1 if memory ran out. */
int tg_perf_open(struct tg_perf *p, const struct tg_result *res, const struct tg_rubric *rubric,
                 const char *datadir, int off);
void tg_perf_close(struct tg_perf *p);

/* The tier as a phase of the scheduler (phase.h), beside the labs' own
 * steps, so that it adds no round of its own: one step a round, compile
 * (TG_R_BUILD), link (TG_R_LINK), callgrind (TG_R_RUN), if the tier is to run
 * and the step before did not fail (a failed step gives the verdict); at
 * finish, the verdict, none unless matmul.c's own grading passed its build.
 * p->t_total sums its steps' wall seconds. The phase borrows its arguments.
 * NULL when memory ran out. */
struct tg_phase *tg_perf_phase(struct tg_perf *p, const struct tg_setup *s, const struct tg_result *res);

/* For the reports: one line, "matmul: extra credit (performance tier):
 * 3/3: ..." or "... ungraded (...)"; NULL when not wanted or out of memory. */
char *tg_perf_line(const struct tg_perf *p);

#endif /* TG_PERF_H */
