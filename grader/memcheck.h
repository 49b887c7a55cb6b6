/* memcheck.h - the memory checks: each lab's memory driver (mem_<lab>.c,
 * precompiled in the data dir) is linked with the student's object for that lab
 * and the reference objects of the others into a shared object, and run
 * under Valgrind, in a child of its own of memcheck/ttmemhost (one Valgrind
 * for all the labs of a submission; again, each lab alone, with origin
 * tracking when its errors need it; memcheck_int.h). The
 * driver brackets every scenario with client messages and a leak check of its
 * own, so each error and leak in Valgrind's XML report (read with libxml2)
 * belongs to one scenario, and each scenario is one graded item
 * (TG_ITEM_MEMORY) with the points rubric.txt gives `<lab> memory:<scenario>`.
 *
 * Scoring: a scenario scores its points only if it ran (the driver says every
 * call it depends on did its job) and Valgrind saw no invalid read or write,
 * no uninitialised value used, no invalid, double or mismatched free, and no
 * byte definitely or indirectly lost in it. "Still reachable" and "possibly
 * lost" blocks are reported, not penalised. A crash, a hang or an early exit
 * fails its scenario, and the ones after it are "not run" (fail closed).
 *
 * Without Valgrind (not found when configured, or now), or with --no-memcheck,
 * every memory item is marked ungraded: left out of both score and max_score,
 * with a note in every report; never silently 0 or full marks. */
#ifndef TG_MEMCHECK_H
#define TG_MEMCHECK_H

#include "phase.h"
#include "proc.h"
#include "ttgrade.h"

struct tg_memcheck {
    int wanted;                   /* the rubric has memory checks for the labs graded */
    char *valgrind;               /* the Valgrind to run, absolute; NULL when skipped */
    char *version;                /* "valgrind-3.19.0", once run; NULL if unknown */
    char *skipped;                /* why the memory checks did not run, or NULL */
    const char *tests_skipped;    /* why the tests and questions were left out (--memcheck-only), or NULL */
    double lab_time[TG_MAX_LABS];   /* wall seconds of each lab's runs in the host (the first, plus the one with
                                   * --track-origins if its errors needed it); < 0: not run */
    double t_total;               /* wall seconds of the whole phase (link and run) */
    int done;                     /* this submission's checks have run (in tg_grade's pools) */
    int all_findings;             /* --all-findings: list every finding of a scenario, none left out */
};

/* Decides whether the memory checks can run: not with `off` (--no-memcheck),
 * not when the rubric has none for the labs graded, not without Valgrind
 * ($TTGRADE_VALGRIND: a path, or empty for none; else the one found by
 * configure) or without the drivers in the data dir. Such cases are not
 * errors: mc->skipped says why. Returns 0, or -1 if memory ran out. */
int tg_memcheck_open(struct tg_memcheck *mc, const struct tg_rubric *rubric, const struct tg_result *res,
                     const char *datadir, int off);
void tg_memcheck_close(struct tg_memcheck *mc);

/* Links, and runs under one Valgrind, the memory driver of each graded lab whose file
 * compiled, and gives every memory item its verdict; when the checks are
 * skipped, marks the memory items ungraded instead. Returns 0, or -1 with
 * *err set (interrupted, out of memory: NULL). */
int tg_memcheck_run(struct tg_memcheck *mc, const struct tg_setup *s, const struct tg_intake *in,
                    struct tg_result *res, char **err);

/* The same work as a phase of the scheduler (phase.h), so that tg_grade runs
 * it in the pool it runs anyway (the drivers link with the test programs,
 * and Valgrind runs next to the tests): one scheduler for all. In its rounds:
 *   TG_R_LINK    whether anything is to run (not when the checks are
 *                skipped or not wanted: tg_memcheck_run then marks the items
 *                ungraded); link the driver of each lab whose object was
 *                built; a driver that did not link fails its items
 *   TG_R_RUN     Valgrind on the host, without origin tracking (one task)
 *   TG_R_RERUN   again with --track-origins=yes, each lab alone: the labs
 *                whose errors carry origins (uninitialised values), and every
 *                lab of a run that a lab's code cut short (the host killed or
 *                stopped)
 *   finish       every memory item gets its verdict; mc->done is set, and
 *                tg_memcheck_run then does nothing
 *   free         sets mc->t_total
 * The phase borrows its arguments. NULL when memory ran out. */
struct tg_phase *tg_memcheck_phase(struct tg_memcheck *mc, const struct tg_setup *s, const struct tg_intake *in,
                                   struct tg_result *res);

/* --memcheck-only: marks every item that is not a memory check (tests,
 * questions) ungraded, with `why`. Returns 0 or -1. */
int tg_memcheck_ungrade_tests(struct tg_memcheck *mc, struct tg_result *res, const char *why);

/* The cause of a hidden test's crash in Valgrind's XML report of its rerun
 * (xml, len bytes and a NUL; --xml=yes). *cause, malloc'd, is its first
 * memory error as students should read it, lower case first ("invalid write
 * of size 4 at flatten.c:31 in tt_flatten; address is 0 bytes after a block
 * of size 16 alloc'd"), naming only places in student_file ("flatten.c"), the
 * hidden test's own being secret; without a memory error, where the fatal
 * signal struck in student_file ("at flatten.c:40 in tt_flatten"); else
 * NULL. signame gets the fatal signal's name ("SIGSEGV"), "" if none.
 * Returns 0, 1 if the report could not be read (*cause NULL), -1 when
 * memory ran out. */
int tg_memcheck_crash_cause(const char *xml, size_t len, const char *student_file, char **cause, char signame[32]);

#endif /* TG_MEMCHECK_H */
