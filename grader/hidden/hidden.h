/* hidden.h - what every hidden test file includes: Criterion, the API, and the
 * explicit success path the grader trusts.
 *
 * A hidden test counts as passed only if Criterion reports it PASSED *and* the
 * test reached its last line, HIDDEN_PASS(), which appends a record to the
 * file named by $TTGRADE_PASS_FILE. A test whose process ends early (exit(0)
 * in student code, a crash, a timeout) never writes that record, so it fails
 * even if Criterion was fooled into calling it a pass.
 *
 *     HIDDEN_TEST(matmul, identity_left, 2, "I @ A == A exactly") {
 *         ... assertions ...
 *         HIDDEN_PASS();
 *     }
 *
 * A test declares its points and its one-line description where it is
 * written: tools/gen-rubric reads them from here into the data dir's
 * rubric.txt (one HIDDEN_TEST( per line start; the suite is the lab). Never
 * ship this directory to students.
 */
#ifndef TT_HIDDEN_H
#define TT_HIDDEN_H

#include <criterion/criterion.h>

#include "tinytorch.h"

/* Records the start time of the current test and arms its CPU-time limit
 * (the .init fixture). */
void hidden_begin(void);

/* Appends the line "PASS <suite>::<name> <seconds> <cpu seconds>" to
 * $TTGRADE_PASS_FILE (nothing if it is unset, so the test programs also run
 * by hand). */
void hidden_pass(const char *suite, const char *name);

/* Appends the record `line` (len bytes, ending in a newline) to the records
 * file at path in one write (async-signal-safe). */
void hidden_append(const char *path, const char *line, size_t len);

/* Arms the CPU-time limit of test suite::name that $TTGRADE_CPU_LIMITS gives
 * (none if it gives none): past it, the test's process writes the record
 * "CPU <suite>::<name> <seconds>" to $TTGRADE_PASS_FILE and kills itself
 * (hidden_limit.c). */
void hidden_limit_arm(const char *suite, const char *name);

/* .timeout is needed for ttgrade's --timeout to take effect: Criterion 2.4
 * only lowers a timeout a test already has. */
/* points and description are for tools/gen-rubric; the compiler only checks
 * that the points are a positive constant and the description a string. */
#define HIDDEN_TEST(suite, name, points, description)                                                          \
    _Static_assert((long)((points) * 1000) > 0 && sizeof(description) > 1 && sizeof("" description),          \
                   "HIDDEN_TEST(" #suite ", " #name ", ...): positive points and a description");              \
    Test(suite, name, .init = hidden_begin, .timeout = 30)

#define HIDDEN_PASS() hidden_pass(criterion_current_suite->name, criterion_current_test->name)

#endif /* TT_HIDDEN_H */
