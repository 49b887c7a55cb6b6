/* kit_pass.h - how the student kit's `make grade` trusts the public tests.
 *
 * ttgrade counts a test as passed only if Criterion says so *and* the test
 * reached its last line, where a hidden test calls HIDDEN_PASS(). The public
 * tests are plain Criterion Test()s, so `make grade` compiles them with this
 * header forced in front (-include kit/kit_pass.h): it wraps every Test()
 * body, and appends "PASS <suite>::<name> <seconds>" to $TTGRADE_PASS_FILE
 * once the body has returned. A test that fails an assertion, crashes or
 * exits early never gets there. The tests' own text is unchanged, and
 * `make check` builds them without this header. */
#ifndef TTLAB_KIT_PASS_H
#define TTLAB_KIT_PASS_H

#include <criterion/criterion.h>

/* Seconds on a monotonic clock. */
double kit_pass_now(void);

/* Appends the PASS record of suite::name, started at t0 (kit_pass_now()), to
 * $TTGRADE_PASS_FILE; nothing if it is unset. */
void kit_pass(const char *suite, const char *name, double t0);

/* The body the test author wrote becomes kit_body_<suite>_<name>(), called
 * by the real test. .timeout lets ttgrade's --timeout apply (Criterion 2.4
 * only lowers a timeout a test already has), as in grader/hidden/hidden.h. */
#define KIT_TEST_(Suite, Name, ...)                                             \
    static void kit_body_##Suite##_##Name(void);                                \
    CR_EXPAND(CR_TEST_BASE(Suite, Name, .timeout = 30, __VA_ARGS__))            \
    {                                                                           \
        double kit_t0_ = kit_pass_now();                                        \
        kit_body_##Suite##_##Name();                                            \
        kit_pass(#Suite, #Name, kit_t0_);                                       \
    }                                                                           \
    static void kit_body_##Suite##_##Name(void)

#undef Test
#define Test(...) CR_EXPAND(KIT_TEST_(__VA_ARGS__, .sentinel_ = 0))

#endif /* TTLAB_KIT_PASS_H */
