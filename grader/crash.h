/* crash.h - the cause of a crashed test, as every tool says it: the signal
 * ("killed by SIGSEGV (Segmentation fault)") and, from a rerun of that test
 * alone under Valgrind, the kind of memory error and the first line of the
 * student's own file ("invalid read of size 8 at flatten.c:21 in
 * tt_flatten"). ttgrade (grade.c) reruns the hidden tests that crashed; the
 * student kit's `make check` (kit/crash_cause.c) the public ones, with the
 * same Valgrind options, the same reading of its report (memcheck.c's
 * tg_memcheck_crash_cause) and the same words. */
#ifndef TG_CRASH_H
#define TG_CRASH_H

#include <stddef.h>

#include "text.h"

/* A crashed test is rerun alone under Valgrind to name its cause (step 5 of
 * tg_grade; the kit's make check): at most this many per lab, in order (a
 * submission whose every test crashes must not cost minutes), each within
 * this wall-clock limit, Valgrind's start included. */
#define TG_CRASH_RERUNS 3
#define TG_CRASH_VG_SECONDS 60.0

/* "killed by SIGSEGV (Segmentation fault)" for signal sig (> 0); malloc'd,
 * NULL when memory ran out. */
char *tg_killed_by(int sig);

/* Appends to argv the command that reruns test suite/test of the Criterion
 * program `program` alone under `valgrind`, one XML report per process at
 * xml_pattern (a path ending in "%p.xml"), within `seconds` of Criterion's
 * own timeout: no leak check, only the crash. */
void tg_crash_valgrind_argv(struct tg_argv *argv, const char *valgrind, const char *xml_pattern,
                            const char *program, const char *suite, const char *test, double seconds);

/* The message of a test that crashed with signal sig (-1 or 0: not known),
 * from the Valgrind reports of its rerun (the files matching xml_pattern,
 * "%p" standing for any process): "the test crashed: killed by SIGSEGV
 * (...): invalid write of size 4 at flatten.c:31 in tt_flatten\n(seen by
 * Valgrind when the test was run again alone)". Of the reports, in name
 * order, the first whose first memory error is in student_file
 * ("flatten.c") wins, else the first with a memory error. *out: malloc'd
 * and sanitised (at most max bytes), or NULL when no report said anything.
 * Returns 0, or -1 when memory ran out. */
int tg_crash_explain(const char *xml_pattern, const char *student_file, int sig, size_t max, char **out);

#endif /* TG_CRASH_H */
