/* perf_matmul.c - the performance tier of lab 1 (extra credit): ttgrade
 * compiles this driver with the student's matmul.c, both with the same fixed
 * flags (grader/perf.c), and runs it once under Valgrind's callgrind with
 * collection off:
 *
 *   1. correctness first: tt_matmul_fast on shapes with every kind of edge,
 *      each element within tt_matmul.h's tolerance of a sum in double, a new
 *      tensor, inputs unchanged, and NULL with TT_ESHAPE for a mismatch;
 *   2. the instructions of one (128, 128) @ (128, 128) product, counted twice
 *      between callgrind client requests: naive_matmul below (the reference
 *      triple loop, compiled here with the student's flags: the baseline),
 *      then the student's tt_matmul_fast. Each count is dumped to a file of
 *      its own, named after a token only this driver knows ($TTPERF_TOKEN;
 *      student code may not read the environment).
 *
 * It prints "ttperf <token> fail <why>" and exits 1 at the first wrong
 * result, or "ttperf <token> done" when both counts are dumped. A student's
 * file without tt_matmul_fast links (the symbol is weak): the driver prints
 * "ttperf <token> absent" and stops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include "tinytorch.h"

/* The size whose instructions are counted. */
#define PERF_N 128

/* The scale, the one place its numbers are set: PERF_TIER(share, points,
 * "description"): a tt_matmul_fast whose speedup (the naive loop's count /
 * its own) is at least `share` percent of the reference tt_matmul_fast's,
 * counted the same way by the same compiler when the grader was built
 * (grader/calibrate.sh writes <datadir>/perf/matmul.ref), earns `points`
 * extra points in all. Shares, not speedups: the counts move with the
 * compiler (gcc 12 counts the reference at 5.21x, gcc 11 at 6.32x, clang 14
 * at 3.7x), the ratio to the reference far less. tools/gen-rubric copies
 * these lines into the rubric (`matmul perf:<share>% <points> ...`), which
 * ttgrade, its --help, the student kit and the handout's table follow; the
 * driver itself does not use them. */
#define PERF_TIER(share, points, description)
PERF_TIER(40, 1, "speedup at least 40% of the reference's")
PERF_TIER(60, 2, "speedup at least 60% of the reference's")
PERF_TIER(87, 3, "speedup at least 87% of the reference's")

extern tt_tensor *tt_matmul_fast(const tt_tensor *a, const tt_tensor *b) __attribute__((weak));

static const char *token = "";

/* Reports a wrong result and stops. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void fail(const char *fmt, ...);

#include <stdarg.h>
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("ttperf %s fail ", token);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    exit(1);
}

/* The baseline: the reference tt_matmul, the triple loop with a new result. */
__attribute__((noinline)) static tt_tensor *naive_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a == NULL || b == NULL || a->ndim != 2 || b->ndim != 2 || a->shape[1] != b->shape[0])
        return NULL;
    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    tt_tensor *c = tt_tensor_new(2, (size_t[]){m, n});
    if (c == NULL)
        return NULL;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            float sum = 0.0f;
            for (size_t p = 0; p < k; p++)
                sum += a->data[i * k + p] * b->data[p * n + j];
            c->data[i * n + j] = sum;
        }
    return c;
}

/* A (rows, cols) tensor of values from a small fixed generator. */
static tt_tensor *filled(size_t rows, size_t cols, unsigned long *state)
{
    tt_tensor *t = tt_tensor_new(2, (size_t[]){rows, cols});
    if (t == NULL)
        fail("the driver ran out of memory");
    for (size_t i = 0; i < t->size; i++) {
        *state = *state * 6364136223846793005UL + 1442695040888963407UL;
        t->data[i] = (float)((*state >> 40) & 0xFFFF) / 32768.0f - 1.0f;
    }
    return t;
}

/* tt_matmul_fast(a, b) must be a + b's product within the tolerance of
 * tt_matmul.h, a new tensor, with a and b unchanged. */
static void check_product(const tt_tensor *a, const tt_tensor *b)
{
    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    tt_tensor *a0 = tt_tensor_copy(a), *b0 = tt_tensor_copy(b);
    if (a0 == NULL || b0 == NULL)
        fail("the driver ran out of memory");
    tt_clear_error();
    tt_tensor *c = tt_matmul_fast(a, b);
    if (c == NULL)
        fail("tt_matmul_fast((%zu, %zu), (%zu, %zu)) returned NULL: %s", m, k, k, n, tt_last_error());
    if (c == a || c == b || c->data == a->data || c->data == b->data)
        fail("tt_matmul_fast((%zu, %zu), (%zu, %zu)) returned or shares an input", m, k, k, n);
    if (c->ndim != 2 || c->shape[0] != m || c->shape[1] != n || c->size != m * n || c->data == NULL)
        fail("tt_matmul_fast((%zu, %zu), (%zu, %zu)): the result is not (%zu, %zu)", m, k, k, n, m, n);
    if (memcmp(a->data, a0->data, a->size * sizeof *a->data) != 0 ||
        memcmp(b->data, b0->data, b->size * sizeof *b->data) != 0)
        fail("tt_matmul_fast((%zu, %zu), (%zu, %zu)) modified an input", m, k, k, n);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double exact = 0.0, scale = 0.0;
            for (size_t p = 0; p < k; p++) {
                double t = (double)a->data[i * k + p] * (double)b->data[p * n + j];
                exact += t;
                scale += fabs(t);
            }
            double got = c->data[i * n + j];
            if (!(fabs(got - exact) <= 1e-4 * scale + 1e-6))
                fail("tt_matmul_fast((%zu, %zu), (%zu, %zu)): element [%zu][%zu] is %.7g, expected %.7g", m,
                     k, k, n, i, j, got, exact);
        }
    tt_tensor_free(c);
    tt_tensor_free(a0);
    tt_tensor_free(b0);
}

/* Counts the instructions of fn(a, b) alone and dumps them as "ttperf
 * <token> <what>". The result is returned for checking. */
static tt_tensor *counted(tt_tensor *(*fn)(const tt_tensor *, const tt_tensor *), const tt_tensor *a,
                          const tt_tensor *b, const char *what)
{
    char name[96];
    snprintf(name, sizeof name, "ttperf %s %s", token, what);
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
    tt_tensor *c = fn(a, b);
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(name);
    return c;
}

int main(void)
{
    const char *env = getenv("TTPERF_TOKEN");
    if (env != NULL)
        token = env;
    if (tt_matmul_fast == NULL) {
        printf("ttperf %s absent\n", token);
        return 0;
    }

    /* 1. Correctness: shapes that are not multiples of any usual tile or
     * block, deep and wide ones, and the size that is counted. */
    static const size_t shapes[][3] = {
        {1, 1, 1}, {1, 9, 1}, {3, 1, 5}, {5, 7, 3}, {7, 1, 33}, {13, 17, 19}, {6, 16, 32},
        {37, 70, 21}, {9, 300, 11}, {2, 5, 600}, {130, 3, 7}, {PERF_N, PERF_N, PERF_N},
    };
    unsigned long state = 2026;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        tt_tensor *a = filled(shapes[s][0], shapes[s][1], &state);
        tt_tensor *b = filled(shapes[s][1], shapes[s][2], &state);
        check_product(a, b);
        tt_tensor_free(b);
        tt_tensor_free(a);
    }
    tt_tensor *a = filled(2, 3, &state), *b = filled(4, 2, &state);
    tt_clear_error();
    tt_tensor *bad = tt_matmul_fast(a, b);
    if (bad != NULL || tt_last_status() != TT_ESHAPE)
        fail("tt_matmul_fast((2, 3), (4, 2)) did not fail with TT_ESHAPE");
    tt_tensor_free(b);
    tt_tensor_free(a);

    /* 2. The counts, after one call of each outside collection (the first
     * call of a library function resolves its address: not the student's
     * cost). */
    a = filled(PERF_N, PERF_N, &state);
    b = filled(PERF_N, PERF_N, &state);
    tt_tensor_free(naive_matmul(a, b));
    tt_tensor_free(tt_matmul_fast(a, b));
    tt_tensor *c0 = counted(naive_matmul, a, b, "naive");
    tt_tensor *c1 = counted(tt_matmul_fast, a, b, "fast");
    if (c0 == NULL || c1 == NULL)
        fail("the counted products returned NULL: %s", tt_last_error());
    tt_tensor_free(c1);
    tt_tensor_free(c0);
    tt_tensor_free(b);
    tt_tensor_free(a);
    printf("ttperf %s done\n", token);
    return 0;
}
