/* ptest.h - helpers for the ttlab public tests, on top of Criterion.
 *
 * Every helper here exists so that a failing test tells you exactly what went
 * wrong: which call, which shapes, what was expected and what came back, and,
 * when a call returned NULL or an error status, the library's own explanation
 * from tt_last_error(). A failure looks like
 *
 *     tt_matmul((2, 2), (2, 2)): element [1][0]: expected 43, got 0
 *     tt_matmul((2, 2), (2, 2)) returned NULL: tt_matmul: not implemented yet
 *
 * Floats are compared with a tolerance: actual and expected match when
 *     |actual - expected| <= PT_ATOL + PT_RTOL * |expected|
 * (NaN never matches anything).
 *
 * All helpers are `static inline`, so this header can be included by every
 * test file of the same program.
 */
#ifndef TTLAB_PTEST_H
#define TTLAB_PTEST_H

#include <criterion/criterion.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"

/* The float tolerance: absolute + relative. */
#define PT_ATOL 1e-4
#define PT_RTOL 1e-4

/* The longest failure message the helpers build. */
#define PT_MSG_MAX 2048

/* How many mismatching elements a tensor comparison lists. */
#define PT_MAX_MISMATCHES 4

/* ------------------------------------------------------------------------ */
/* Small text helpers                                                        */
/* ------------------------------------------------------------------------ */

/* tt_last_error(), or a note saying there is none, for messages. */
static inline const char *pt_err(void)
{
    const char *e = tt_last_error();
    if (e == NULL || e[0] == '\0')
        return "(no error message was recorded)";
    return e;
}

/* A scratch string that stays valid for the next few pt_* text calls: lets a
 * message use several formatted pieces at once, e.g.
 *     pt_fmt("tt_matmul(%s, %s)", pt_shp(a), pt_shp(b)) */
#define PT_SCRATCH_N 32
#define PT_SCRATCH_LEN 512
static inline char *pt_scratch(void)
{
    static char bufs[PT_SCRATCH_N][PT_SCRATCH_LEN];
    static unsigned next;
    char *b = bufs[next % PT_SCRATCH_N];
    next++;
    b[0] = '\0';
    return b;
}

/* " (last error: TT_X: message)" when an error is recorded, else "": appended
 * to messages whose cause may be a failed call (a 0 count, a wrong name). */
static inline const char *pt_error_note(void)
{
    if (tt_last_status() == TT_OK)
        return "";
    char *b = pt_scratch();
    snprintf(b, PT_SCRATCH_LEN, " (last error: %s: %s)", tt_status_name(tt_last_status()), pt_err());
    return b;
}

/* printf into a scratch string. */
static inline const char *pt_fmt(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static inline const char *pt_fmt(const char *fmt, ...)
{
    char *b = pt_scratch();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, PT_SCRATCH_LEN, fmt, ap);
    va_end(ap);
    return b;
}

/* A tensor's shape as text, "(2, 3)", or "NULL". */
static inline const char *pt_shp(const tt_tensor *t)
{
    char *b = pt_scratch();
    return tt_shape_str(t, b, PT_SCRATCH_LEN);
}

/* A bare shape as text. */
static inline const char *pt_dims(size_t ndim, const size_t *shape)
{
    char *b = pt_scratch();
    return tt_shape_format(ndim, shape, b, PT_SCRATCH_LEN);
}

/* Appends printf-style text to msg (of total length len), never overflowing. */
static inline void pt_append(char *msg, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static inline void pt_append(char *msg, size_t len, const char *fmt, ...)
{
    size_t used = strlen(msg);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + used, len - used, fmt, ap);
    va_end(ap);
}

/* The multi-index of flat (row-major) element `flat` of a shape, "[1][0]". */
static inline const char *pt_index(size_t ndim, const size_t *shape, size_t flat)
{
    char *b = pt_scratch();
    size_t idx[TT_MAX_DIMS];
    if (ndim == 0 || ndim > TT_MAX_DIMS) {
        snprintf(b, PT_SCRATCH_LEN, "[flat %zu]", flat);
        return b;
    }
    for (size_t d = ndim; d-- > 0;) {
        size_t n = shape[d] ? shape[d] : 1;
        idx[d] = flat % n;
        flat /= n;
    }
    for (size_t d = 0; d < ndim; d++)
        pt_append(b, PT_SCRATCH_LEN, "[%zu]", idx[d]);
    return b;
}

/* 1 if a float matches the expected value within the tolerance. */
static inline int pt_close(float actual, float expected)
{
    double diff = fabs((double)actual - (double)expected);
    return diff <= PT_ATOL + PT_RTOL * fabs((double)expected); /* false for NaN */
}

/* ------------------------------------------------------------------------ */
/* Checks: each returns 1 when fine, else 0 with an explanation in msg       */
/* ------------------------------------------------------------------------ */

/* t has exactly the shape (ndim, shape). */
static inline int pt_check_shape(const tt_tensor *t, size_t ndim, const size_t *shape,
                                 const char *what, char *msg, size_t len)
{
    msg[0] = '\0';
    if (t == NULL) {
        pt_append(msg, len, "%s returned NULL: %s", what, pt_err());
        return 0;
    }
    int same = t->ndim == ndim;
    for (size_t d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same) {
        pt_append(msg, len, "%s: shape: expected %s, got %s", what,
                  pt_dims(ndim, shape), pt_shp(t));
        return 0;
    }
    /* tt_tensor.h: the entries of shape past ndim are 0. A result made by
     * copying a larger input's shape and lowering ndim keeps stale ones. */
    for (size_t d = ndim; d < TT_MAX_DIMS; d++)
        if (t->shape[d] != 0) {
            pt_append(msg, len, "%s: result of shape %s has shape[%zu] = %zu; the unused entries of shape "
                      "(past ndim) must be 0 (tt_tensor.h)", what, pt_shp(t), d, t->shape[d]);
            return 0;
        }
    size_t n = 1;
    for (size_t d = 0; d < ndim; d++)
        n *= shape[d];
    if (t->size != n) {
        pt_append(msg, len, "%s: shape is %s but size is %zu (expected %zu)", what,
                  pt_shp(t), t->size, n);
        return 0;
    }
    if (t->data == NULL) {
        pt_append(msg, len, "%s: result of shape %s has data == NULL", what, pt_shp(t));
        return 0;
    }
    return 1;
}

/* t has the shape (ndim, shape) and the row-major values `values`. */
static inline int pt_check_values(const tt_tensor *t, size_t ndim, const size_t *shape,
                                  const float *values, const char *what, char *msg, size_t len)
{
    if (!pt_check_shape(t, ndim, shape, what, msg, len))
        return 0;
    size_t bad = 0;
    for (size_t i = 0; i < t->size; i++) {
        if (pt_close(t->data[i], values[i]))
            continue;
        if (bad < PT_MAX_MISMATCHES)
            pt_append(msg, len, "%s%s: element %s: expected %g, got %g",
                      bad ? "\n  " : "", what, pt_index(ndim, shape, i),
                      (double)values[i], (double)t->data[i]);
        bad++;
    }
    if (bad) {
        pt_append(msg, len, "\n  (%zu of %zu elements differ; tolerance %g absolute + %g relative)",
                  bad, t->size, PT_ATOL, PT_RTOL);
        return 0;
    }
    return 1;
}

/* t has the same shape and (within the tolerance) the same values as want. */
static inline int pt_check_like(const tt_tensor *t, const tt_tensor *want,
                                const char *what, char *msg, size_t len)
{
    return pt_check_values(t, want->ndim, want->shape, want->data, what, msg, len);
}

/* ------------------------------------------------------------------------ */
/* Assertions: stop the test with a precise message                         */
/* ------------------------------------------------------------------------ */

#define PT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ptr must not be NULL: "<what> returned NULL: <tt_last_error()>". */
#define PT_NONNULL(ptr, what) \
    cr_assert((ptr) != NULL, "%s returned NULL: %s", (what), pt_err())

/* A call returning tt_status must give TT_OK. */
#define PT_OK(expr, what)                                                        \
    do {                                                                         \
        tt_status pt_st_ = (expr);                                               \
        cr_assert(pt_st_ == TT_OK, "%s returned %s instead of TT_OK: %s", (what), \
                  tt_status_name(pt_st_), pt_err());                             \
    } while (0)

/* t must have the shape given by the remaining arguments, e.g.
 *     PT_SHAPE(y, "tt_matmul(...)", 2, 3);   (shape (2, 3)) */
#define PT_SHAPE(t, what, ...)                                                      \
    do {                                                                            \
        const size_t pt_shape_[] = {__VA_ARGS__};                                   \
        char pt_msg_[PT_MSG_MAX];                                                   \
        cr_assert(pt_check_shape((t), PT_ARRAY_LEN(pt_shape_), pt_shape_, (what),   \
                                 pt_msg_, sizeof pt_msg_), "%s", pt_msg_);          \
    } while (0)

/* t must have the given shape and row-major values (an array of floats). */
#define PT_VALUES(t, what, values, ...)                                               \
    do {                                                                              \
        const size_t pt_shape_[] = {__VA_ARGS__};                                     \
        char pt_msg_[PT_MSG_MAX];                                                     \
        cr_assert(pt_check_values((t), PT_ARRAY_LEN(pt_shape_), pt_shape_, (values), \
                                  (what), pt_msg_, sizeof pt_msg_), "%s", pt_msg_);  \
    } while (0)

/* t must equal the tensor want (shape and values). */
#define PT_LIKE(t, want, what)                                                 \
    do {                                                                       \
        char pt_msg_[PT_MSG_MAX];                                              \
        cr_assert(pt_check_like((t), (want), (what), pt_msg_, sizeof pt_msg_), \
                  "%s", pt_msg_);                                              \
    } while (0)

/* A size_t result must equal `expected`; a wrong result also shows the last
 * recorded error, if any (a 0 often means the call failed). */
#define PT_SIZE(actual, expected, what)                                            \
    do {                                                                           \
        size_t pt_a_ = (actual), pt_e_ = (expected);                               \
        cr_assert(pt_a_ == pt_e_, "%s: expected %zu, got %zu%s", (what), pt_e_, pt_a_, \
                  pt_error_note());                                                \
    } while (0)

/* A general check: like cr_assert(cond, fmt, ...), but a failure also shows
 * the last recorded error, if any. */
#define PT_CHECK(cond, ...) \
    cr_assert((cond), "%s%s", pt_fmt(__VA_ARGS__), pt_error_note())

/* A string result must equal `expected` (NULL is reported with the last error). */
#define PT_STR(actual, expected, what)                                                \
    do {                                                                              \
        const char *pt_s_ = (actual);                                                 \
        const char *pt_x_ = (expected);                                               \
        cr_assert(pt_s_ != NULL, "%s returned NULL instead of \"%s\": %s", (what),    \
                  pt_x_, pt_err());                                                   \
        cr_assert(strcmp(pt_s_, pt_x_) == 0, "%s: expected \"%s\", got \"%s\"%s", (what), \
                  pt_x_, pt_s_, pt_error_note());                                     \
    } while (0)

/* The last recorded error must have status `want` (call tt_clear_error()
 * before the call under test). */
#define PT_STATUS(want, what)                                                       \
    cr_assert(tt_last_status() == (want),                                           \
              "%s: expected the error %s, but the last status is %s (message: %s)", \
              (what), tt_status_name(want), tt_status_name(tt_last_status()), pt_err())

/* The last error message must contain `part`. */
#define PT_ERROR_CONTAINS(part, what)                                                 \
    cr_assert(strstr(tt_last_error(), (part)) != NULL,                                \
              "%s: the error message should contain \"%s\", but it is \"%s\"", (what), \
              (part), tt_last_error())

/* A tensor-returning call must fail: return NULL and record `want`. A tensor
 * returned by mistake is freed before the test stops. */
#define PT_TENSOR_FAILS(expr, want, what)                                             \
    do {                                                                              \
        tt_clear_error();                                                             \
        tt_tensor *pt_r_ = (expr);                                                    \
        if (pt_r_ != NULL) {                                                          \
            const char *pt_got_ = pt_shp(pt_r_);                                      \
            tt_tensor_free(pt_r_);                                                    \
            cr_assert_fail("%s: expected NULL with %s, but it returned a tensor of shape %s", \
                           (what), tt_status_name(want), pt_got_);                    \
        }                                                                             \
        PT_STATUS((want), (what));                                                    \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Building inputs                                                          */
/* ------------------------------------------------------------------------ */

/* A tensor of the given shape holding `values` (row-major), e.g.
 *     tt_tensor *a = PT_TENSOR(a_vals, 2, 2); */
#define PT_TENSOR(values, ...) \
    pt_tensor_from_(PT_ARRAY_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__}, (values))

static inline tt_tensor *pt_tensor_from_(size_t ndim, const size_t *shape, const float *values)
{
    tt_tensor *t = tt_tensor_from(ndim, shape, values);
    cr_assert(t != NULL, "test setup: tt_tensor_from(%s) returned NULL: %s",
              pt_dims(ndim, shape), pt_err());
    return t;
}

/* A tensor of the given shape filled with N(0, 1) draws from rng. */
#define PT_RANDN(rng, ...) \
    pt_randn_((rng), PT_ARRAY_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__})

static inline tt_tensor *pt_randn_(tt_rng *rng, size_t ndim, const size_t *shape)
{
    tt_tensor *t = tt_tensor_new(ndim, shape);
    cr_assert(t != NULL, "test setup: tt_tensor_new(%s) returned NULL: %s",
              pt_dims(ndim, shape), pt_err());
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = tt_rng_normal(rng);
    return t;
}

/* A tensor of the given shape holding 0, 1, 2, ... in row-major order. */
#define PT_ARANGE(...) \
    pt_arange_(PT_ARRAY_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__})

static inline tt_tensor *pt_arange_(size_t ndim, const size_t *shape)
{
    tt_tensor *t = tt_tensor_new(ndim, shape);
    cr_assert(t != NULL, "test setup: tt_tensor_new(%s) returned NULL: %s",
              pt_dims(ndim, shape), pt_err());
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = (float)i;
    return t;
}

/* A deep copy of t taken before a call, to check afterwards that the call
 * did not modify its input. */
static inline tt_tensor *pt_snapshot(const tt_tensor *t)
{
    tt_tensor *c = tt_tensor_copy(t);
    cr_assert(c != NULL, "test setup: tt_tensor_copy returned NULL: %s", pt_err());
    return c;
}

/* The input must be unchanged: same shape and values as its snapshot. */
#define PT_UNCHANGED(t, snapshot, what)                                                 \
    do {                                                                                \
        char pt_msg_[PT_MSG_MAX];                                                       \
        cr_assert(pt_check_like((t), (snapshot), pt_fmt("%s (input modified!)", (what)), \
                                pt_msg_, sizeof pt_msg_), "%s", pt_msg_);               \
    } while (0)

#endif /* TTLAB_PTEST_H */
