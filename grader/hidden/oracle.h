/* oracle.h - what the hidden tests compare against, and how they say what went
 * wrong. Header-only (everything is static inline), so each hidden test
 * program only needs hidden_util.c besides its own file.
 *
 * The oracle: expected results are computed here, in double precision, from
 * the test's own inputs (never from the student's tensors where avoidable),
 * and compared with a stated tolerance:
 *
 *     |got - expected| <= OR_RTOL * (1 + M)
 *
 * where M is the magnitude of the computation: for a sum of products
 * (matmul, Linear) the sum of the absolute values of every term, bias
 * included. A float32 triple loop is off by at most about k * 6e-8 * M, far
 * inside this. Values that must be reproduced bit for bit (copies, reshapes,
 * the seeded initialisation of Linear) are compared exactly.
 *
 * Failure messages, shown to students under each failing test, look like
 *
 *     tt_matmul((3, 5), (5, 2)): element [1][0]
 *     expected: 4.25
 *     got: 0
 *
 * At most OR_SHOW mismatching elements are listed, so hidden expected data is
 * never dumped wholesale. Keep `what` strings short (they are repeated).
 *
 * Every tensor a lab returns goes through one check of the invariants
 * tt_tensor.h states, or_check_tensor, before anything else is read from it:
 * OR_EXPECT, OR_EXPECT_FROM, OR_EXPECT_SHAPE, OR_EXPECT_TENSOR and
 * OR_EXPECT_NEW all call it. Its message names the broken invariant:
 *
 *     result of Linear(4, 3) forward of (4,): shape[1] is 3 but ndim is 1
 *     (unused shape entries must be 0)
 *
 * Never ship this directory to students.
 */
#ifndef TT_ORACLE_H
#define TT_ORACLE_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hidden.h"
#include "../setup_mark.h"

/* Relative tolerance of oracle comparisons, see above. */
#define OR_RTOL 1e-4

/* The longest failure message a check builds. */
#define OR_MSG_MAX 2048

/* How many mismatching elements a comparison lists. */
#define OR_SHOW 3

#define OR_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* Text                                                                      */
/* ------------------------------------------------------------------------ */

/* A ring of scratch strings: each stays valid for the next few or_* calls. */
#define OR_SCRATCH_N 32
#define OR_SCRATCH_LEN 320
static inline char *or_scratch(void)
{
    static char bufs[OR_SCRATCH_N][OR_SCRATCH_LEN];
    static unsigned next;
    char *b = bufs[next++ % OR_SCRATCH_N];
    b[0] = '\0';
    return b;
}

static inline const char *or_fmt(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
static inline const char *or_fmt(const char *fmt, ...)
{
    char *b = or_scratch();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, OR_SCRATCH_LEN, fmt, ap);
    va_end(ap);
    return b;
}

/* Appends to msg (total size len) without overflowing it. */
static inline void or_append(char *msg, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static inline void or_append(char *msg, size_t len, const char *fmt, ...)
{
    size_t used = strlen(msg);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + used, len - used, fmt, ap);
    va_end(ap);
}

/* A bare shape as text, "(2, 3)". */
static inline const char *or_dims(size_t ndim, const size_t *shape)
{
    char *b = or_scratch();
    if (ndim > TT_MAX_DIMS) {
        snprintf(b, OR_SCRATCH_LEN, "(invalid: ndim = %zu)", ndim);
        return b;
    }
    return tt_shape_format(ndim, shape, b, OR_SCRATCH_LEN);
}

/* A tensor's shape as text, "(2, 3)", or "NULL". Safe on a tensor whose ndim
 * is garbage. */
static inline const char *or_shp(const tt_tensor *t)
{
    if (t == NULL)
        return "NULL";
    return or_dims(t->ndim, t->shape);
}

/* The last recorded error as "TT_ESHAPE: message". */
static inline const char *or_err(void)
{
    const char *e = tt_last_error();
    if (tt_last_status() == TT_OK && (e == NULL || e[0] == '\0'))
        return "no error was recorded";
    return or_fmt("%s: %s", tt_status_name(tt_last_status()),
                  e != NULL && e[0] != '\0' ? e : "(empty message)");
}

/* The multi-index of flat element i of a shape, "[1][0]". */
static inline const char *or_index(size_t ndim, const size_t *shape, size_t i)
{
    char *b = or_scratch();
    size_t idx[TT_MAX_DIMS];
    if (ndim == 0 || ndim > TT_MAX_DIMS) {
        snprintf(b, OR_SCRATCH_LEN, "[%zu]", i);
        return b;
    }
    for (size_t d = ndim; d-- > 0;) {
        size_t n = shape[d] ? shape[d] : 1;
        idx[d] = i % n;
        i /= n;
    }
    for (size_t d = 0; d < ndim; d++)
        or_append(b, OR_SCRATCH_LEN, "[%zu]", idx[d]);
    return b;
}

/* ------------------------------------------------------------------------ */
/* Expected tensors                                                          */
/* ------------------------------------------------------------------------ */

/* An expected result: a shape, double values, and either a per-element
 * tolerance or (tol == NULL) an exact match. */
typedef struct or_tensor {
    size_t ndim;
    size_t shape[TT_MAX_DIMS];
    size_t size;
    double *val;
    double *tol;
} or_tensor;

static inline or_tensor *or_new(size_t ndim, const size_t *shape, int with_tol)
{
    or_tensor *o = calloc(1, sizeof *o);
    cr_assert(o != NULL && ndim <= TT_MAX_DIMS, "test setup: or_new failed");
    o->ndim = ndim;
    o->size = 1;
    for (size_t d = 0; d < ndim; d++) {
        o->shape[d] = shape[d];
        o->size *= shape[d];
    }
    o->val = calloc(o->size, sizeof *o->val);
    o->tol = with_tol ? calloc(o->size, sizeof *o->tol) : NULL;
    cr_assert(o->val != NULL && (!with_tol || o->tol != NULL), "test setup: out of memory");
    return o;
}

static inline void or_free(or_tensor *o)
{
    if (o == NULL)
        return;
    free(o->val);
    free(o->tol);
    free(o);
}

/* Exactly the values of t (a tensor made by the test), with shape
 * (ndim, shape) (which must have t's size): the expected result of a copy or
 * a reshape. */
static inline or_tensor *or_exact_as(const tt_tensor *t, size_t ndim, const size_t *shape)
{
    or_tensor *o = or_new(ndim, shape, 0);
    cr_assert(o->size == t->size, "test bug: or_exact_as size mismatch");
    for (size_t i = 0; i < o->size; i++)
        o->val[i] = (double)t->data[i];
    return o;
}

static inline or_tensor *or_exact(const tt_tensor *t)
{
    return or_exact_as(t, t->ndim, t->shape);
}

/* Exactly the given floats, shape (ndim, shape). */
static inline or_tensor *or_exact_values(size_t ndim, const size_t *shape, const float *v)
{
    or_tensor *o = or_new(ndim, shape, 0);
    for (size_t i = 0; i < o->size; i++)
        o->val[i] = (double)v[i];
    return o;
}

/* The oracle of y = x @ w (+ b): x is rows x in (row-major floats), w is
 * in x out (row-major), b is out floats or NULL. The result has shape
 * (ndim, shape), whose size must be rows * out. */
static inline or_tensor *or_affine(const float *x, size_t rows, size_t in, const float *w, size_t out,
                                   const float *b, size_t ndim, const size_t *shape)
{
    or_tensor *o = or_new(ndim, shape, 1);
    cr_assert(o->size == rows * out, "test bug: or_affine size mismatch");
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < out; j++) {
            double s = b != NULL ? (double)b[j] : 0.0;
            double mag = fabs(s);
            for (size_t p = 0; p < in; p++) {
                double term = (double)x[r * in + p] * (double)w[p * out + j];
                s += term;
                mag += fabs(term);
            }
            o->val[r * out + j] = s;
            o->tol[r * out + j] = OR_RTOL * (1.0 + mag);
        }
    return o;
}

/* The oracle of tt_matmul(a, b) for 2-D test tensors a (m, k), b (k, n). */
static inline or_tensor *or_matmul(const tt_tensor *a, const tt_tensor *b)
{
    cr_assert(a->ndim == 2 && b->ndim == 2 && a->shape[1] == b->shape[0], "test bug: or_matmul shapes");
    size_t shape[2] = {a->shape[0], b->shape[1]};
    return or_affine(a->data, a->shape[0], a->shape[1], b->data, b->shape[1], NULL, 2, shape);
}

/* ------------------------------------------------------------------------ */
/* Checks: 1 when fine, else 0 with the explanation in msg                   */
/* ------------------------------------------------------------------------ */

/* 1 if the buffers of a and b (size floats each from data) overlap. */
static inline int or_overlap(const tt_tensor *a, const tt_tensor *b)
{
    uintptr_t a0 = (uintptr_t)a->data, b0 = (uintptr_t)b->data;
    uintptr_t a1 = a0 + a->size * sizeof(float), b1 = b0 + b->size * sizeof(float);
    return a0 < b1 && b0 < a1;
}

/* The one check of the invariants tt_tensor.h states, applied to every
 * tensor a lab returns (`what` says which call returned it): t is not NULL;
 * ndim is at most TT_MAX_DIMS; shape[0..ndim) are each at least 1 and
 * shape[ndim..TT_MAX_DIMS) are 0; size is their product; data is not NULL;
 * and t owns its data: neither t nor its buffer is (or overlaps) one of the
 * n_avoid tensors of avoid (the call's inputs; avoid may be NULL when
 * n_avoid is 0). Ownership beyond that (a heap buffer that tt_tensor_free
 * releases) is what the memory checks see. */
static inline int or_check_tensor(const tt_tensor *t, const char *what, const tt_tensor *const *avoid,
                                  size_t n_avoid, char *msg, size_t len)
{
    msg[0] = '\0';
    if (t == NULL) {
        or_append(msg, len, "%s returned NULL (%s)", what, or_err());
        return 0;
    }
    if (t->ndim > TT_MAX_DIMS) {
        or_append(msg, len, "result of %s: ndim is %zu (at most TT_MAX_DIMS = %d)", what, t->ndim, TT_MAX_DIMS);
        return 0;
    }
    size_t n = 1;
    for (size_t d = 0; d < TT_MAX_DIMS; d++) {
        if (d < t->ndim && t->shape[d] == 0) {
            or_append(msg, len, "result of %s: shape[%zu] is 0 but ndim is %zu (used shape entries must be at least 1)",
                      what, d, t->ndim);
            return 0;
        }
        if (d >= t->ndim && t->shape[d] != 0) {
            or_append(msg, len, "result of %s: shape[%zu] is %zu but ndim is %zu (unused shape entries must be 0)",
                      what, d, t->shape[d], t->ndim);
            return 0;
        }
        if (d < t->ndim)
            n *= t->shape[d];
    }
    if (t->size != n) {
        or_append(msg, len, "result of %s: size is %zu but shape %s holds %zu elements (size must be their product)",
                  what, t->size, or_shp(t), n);
        return 0;
    }
    if (t->data == NULL) {
        or_append(msg, len, "result of %s: data is NULL (a tensor of %zu elements owns a buffer of %zu floats)",
                  what, n, n);
        return 0;
    }
    for (size_t i = 0; i < n_avoid; i++) {
        if (avoid[i] == NULL)
            continue;
        if (t == avoid[i]) {
            or_append(msg, len,
                      "result of %s: it is an input (or a parameter, or an earlier result) of shape %s, "
                      "not a new tensor",
                      what, or_shp(avoid[i]));
            return 0;
        }
        if (or_overlap(t, avoid[i])) {
            or_append(msg, len,
                      "result of %s: its data %s the buffer of an input (or a parameter, or an earlier result) "
                      "of shape %s (a result must own its data)",
                      what, t->data == avoid[i]->data ? "is" : "overlaps", or_shp(avoid[i]));
            return 0;
        }
    }
    return 1;
}

/* t is a well-formed tensor (or_check_tensor, not sharing data with avoid)
 * of shape (ndim, shape). */
static inline int or_check_shape(const tt_tensor *t, size_t ndim, const size_t *shape, const char *what,
                                 const tt_tensor *const *avoid, size_t n_avoid, char *msg, size_t len)
{
    msg[0] = '\0';
    if (t == NULL) {
        or_append(msg, len, "%s returned NULL\nexpected: shape %s\ngot: NULL (%s)", what,
                  or_dims(ndim, shape), or_err());
        return 0;
    }
    if (!or_check_tensor(t, what, avoid, n_avoid, msg, len))
        return 0;
    int same = t->ndim == ndim;
    for (size_t d = 0; same && d < ndim; d++)
        same = t->shape[d] == shape[d];
    if (!same) {
        or_append(msg, len, "%s: wrong shape\nexpected: shape %s\ngot: shape %s", what, or_dims(ndim, shape),
                  or_shp(t));
        return 0;
    }
    return 1;
}

/* t matches the expected tensor: its invariants (not sharing data with
 * avoid), its shape, then every value. */
static inline int or_check(const tt_tensor *t, const or_tensor *want, const char *what,
                           const tt_tensor *const *avoid, size_t n_avoid, char *msg, size_t len)
{
    if (!or_check_shape(t, want->ndim, want->shape, what, avoid, n_avoid, msg, len))
        return 0;
    size_t bad = 0;
    for (size_t i = 0; i < want->size; i++) {
        double got = (double)t->data[i];
        int ok = want->tol != NULL ? fabs(got - want->val[i]) <= want->tol[i] : got == want->val[i];
        if (ok)
            continue;
        if (bad < OR_SHOW)
            or_append(msg, len, "%s%s: element %s\nexpected: %.*g\ngot: %.*g", bad ? "\n" : "", what,
                      or_index(want->ndim, want->shape, i), want->tol ? 7 : 9, want->val[i],
                      want->tol ? 7 : 9, got);
        bad++;
    }
    if (bad == 0)
        return 1;
    if (want->tol != NULL)
        or_append(msg, len, "\n(%zu of %zu elements differ; tolerance %g * (1 + sum of |terms|))", bad,
                  want->size, OR_RTOL);
    else
        or_append(msg, len, "\n(%zu of %zu elements differ; they must match exactly)", bad, want->size);
    return 0;
}

/* t (the test's own input) still equals its snapshot bit for bit. */
static inline int or_check_unchanged(const tt_tensor *t, const tt_tensor *snap, const char *what, char *msg,
                                     size_t len)
{
    msg[0] = '\0';
    if (!tt_shape_equal(t, snap) || t->size != snap->size) {
        or_append(msg, len, "%s modified its input's shape\nexpected: shape %s\ngot: shape %s", what,
                  or_shp(snap), or_shp(t));
        return 0;
    }
    for (size_t i = 0; i < snap->size; i++)
        if (memcmp(&t->data[i], &snap->data[i], sizeof(float)) != 0) {
            or_append(msg, len, "%s modified its input: element %s\nexpected: %.9g (unchanged)\ngot: %.9g", what,
                      or_index(snap->ndim, snap->shape, i), (double)snap->data[i], (double)t->data[i]);
            return 0;
        }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Assertions                                                                */
/* ------------------------------------------------------------------------ */

/* t must match the or_tensor want (its invariants, its shape, its values). */
#define OR_EXPECT(t, want, what)                                                                  \
    do {                                                                                          \
        char or_m_[OR_MSG_MAX];                                                                   \
        cr_assert(or_check((t), (want), (what), NULL, 0, or_m_, sizeof or_m_), "%s", or_m_);      \
    } while (0)

/* Same, and t must share no data with the tensors listed after what (the
 * call's inputs, its layer's parameters; NULLs are skipped). */
#define OR_EXPECT_FROM(t, want, what, ...)                                                        \
    do {                                                                                          \
        const tt_tensor *const or_a_[] = {__VA_ARGS__};                                           \
        char or_m_[OR_MSG_MAX];                                                                   \
        cr_assert(or_check((t), (want), (what), or_a_, OR_LEN(or_a_), or_m_, sizeof or_m_), "%s", or_m_); \
    } while (0)

/* t must be a well-formed tensor of the shape given by the remaining arguments. */
#define OR_EXPECT_SHAPE(t, what, ...)                                                             \
    do {                                                                                          \
        const size_t or_s_[] = {__VA_ARGS__};                                                     \
        char or_m_[OR_MSG_MAX];                                                                   \
        cr_assert(or_check_shape((t), OR_LEN(or_s_), or_s_, (what), NULL, 0, or_m_, sizeof or_m_), "%s", \
                  or_m_);                                                                         \
    } while (0)

/* t must be a well-formed tensor (or_check_tensor) sharing no data with the
 * tensors listed after what (NULLs are skipped). */
#define OR_EXPECT_TENSOR(t, what, ...)                                                            \
    do {                                                                                          \
        const tt_tensor *const or_a_[] = {__VA_ARGS__};                                           \
        char or_m_[OR_MSG_MAX];                                                                   \
        cr_assert(or_check_tensor((t), (what), or_a_, OR_LEN(or_a_), or_m_, sizeof or_m_), "%s", or_m_); \
    } while (0)

/* The test's input t must equal its snapshot. */
#define OR_EXPECT_UNCHANGED(t, snap, what)                                                        \
    do {                                                                                          \
        char or_m_[OR_MSG_MAX];                                                                   \
        cr_assert(or_check_unchanged((t), (snap), (what), or_m_, sizeof or_m_), "%s", or_m_);     \
    } while (0)

/* out must be a new, well-formed tensor with its own buffer, not the input in. */
#define OR_EXPECT_NEW(out, in, what) OR_EXPECT_TENSOR((out), (what), (in))

/* A call returning a tensor must fail with NULL and the status want. A call
 * that succeeds by mistake is not freed (its result may be garbage). */
#define OR_EXPECT_FAIL(expr, want, what)                                                          \
    do {                                                                                          \
        tt_clear_error();                                                                         \
        tt_tensor *or_r_ = (expr);                                                                \
        cr_assert(or_r_ == NULL, "%s\nexpected: NULL with %s\ngot: a tensor of shape %s", (what), \
                  tt_status_name(want), or_shp(or_r_));                                           \
        cr_assert(tt_last_status() == (want), "%s returned NULL, but with the wrong status\nexpected: %s\ngot: %s", \
                  (what), tt_status_name(want), or_err());                                        \
    } while (0)

/* A call returning tt_status must return want (and record it). */
#define OR_EXPECT_STATUS(expr, want, what)                                                        \
    do {                                                                                          \
        tt_clear_error();                                                                         \
        tt_status or_st_ = (expr);                                                                \
        cr_assert(or_st_ == (want), "%s\nexpected: %s\ngot: %s (last error: %s)", (what),          \
                  tt_status_name(want), tt_status_name(or_st_), or_err());                        \
    } while (0)

/* A size_t result must equal want. */
#define OR_EXPECT_SIZE(got, want, what)                                                           \
    do {                                                                                          \
        size_t or_g_ = (got), or_w_ = (want);                                                     \
        cr_assert(or_g_ == or_w_, "%s\nexpected: %zu\ngot: %zu%s", (what), or_w_, or_g_,          \
                  tt_last_status() != TT_OK ? or_fmt(" (last error: %s)", or_err()) : "");       \
    } while (0)

/* The last error message must contain part. */
#define OR_EXPECT_MSG_CONTAINS(part, what)                                                        \
    cr_assert(strstr(tt_last_error(), (part)) != NULL,                                            \
              "%s: the error message should contain \"%s\"\ngot: \"%s\"", (what), (part), tt_last_error())

/* A general check with a message. */
#define OR_CHECK(cond, ...) cr_assert((cond), "%s", or_fmt(__VA_ARGS__))

/* ------------------------------------------------------------------------ */
/* Inputs                                                                    */
/* ------------------------------------------------------------------------ */

/* A tensor made by the test (support code only), values copied from v
 * (v NULL: zeros). */
static inline tt_tensor *or_tensor_of(size_t ndim, const size_t *shape, const float *v)
{
    tt_tensor *t = v != NULL ? tt_tensor_from(ndim, shape, v) : tt_tensor_new(ndim, shape);
    cr_assert(t != NULL, "test setup: making a %s tensor failed: %s", or_dims(ndim, shape), or_err());
    return t;
}

#define OR_ZEROS(...) or_tensor_of(OR_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__}, NULL)
#define OR_TENSOR(v, ...) or_tensor_of(OR_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__}, (v))

/* A tensor of N(0, 1) draws from rng. */
static inline tt_tensor *or_randn(tt_rng *rng, size_t ndim, const size_t *shape)
{
    tt_tensor *t = or_tensor_of(ndim, shape, NULL);
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = tt_rng_normal(rng);
    return t;
}

#define OR_RANDN(rng, ...) or_randn((rng), OR_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__})

/* A uniform integer in [lo, hi]. */
static inline size_t or_randint(tt_rng *rng, size_t lo, size_t hi)
{
    return lo + (size_t)(tt_rng_uniform(rng) * (double)(hi - lo + 1));
}

/* A deep copy of the test's own input, to check later that it is unchanged. */
static inline tt_tensor *or_snapshot(const tt_tensor *t)
{
    tt_tensor *c = tt_tensor_copy(t);
    cr_assert(c != NULL, "test setup: tt_tensor_copy failed: %s", or_err());
    return c;
}

#endif /* TT_ORACLE_H */
