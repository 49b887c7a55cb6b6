/* loop_order.c - lab 1's benchmark: the same naive float matrix product, with
 * its three loops in three different orders, timed side by side in one run.
 *
 * It works on plain float arrays (not tt_tensor), so it is not a tt_matmul.
 * Build and run it on your own machine:
 *
 *     cc -O2 -std=c11 labs/01-matmul/loop_order.c -o loop_order && ./loop_order
 *
 * Optional arguments are the sizes to try (square matrices), e.g.
 * `./loop_order 128 256 512 1024`. The default is 256 and 512.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* c = a @ b for square (n, n) matrices, row-major: element [r][s] is at r * n + s.
 * All three kernels add the products into c (zeroed by the caller) in the same
 * order for every c[i][j] (p = 0, 1, ..., n-1), so they give identical results;
 * only the order in which memory is visited changes. */
typedef void (*kernel_fn)(float *restrict c, const float *restrict a, const float *restrict b, size_t n);

/* i-j-k: one dot product per c[i][j]. The innermost loop walks a row of a
 * (stride 1) and a column of b (stride n floats). */
static void matmul_ijk(float *restrict c, const float *restrict a, const float *restrict b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            for (size_t p = 0; p < n; p++)
                c[i * n + j] += a[i * n + p] * b[p * n + j];
}

/* i-k-j: a[i][p] is fixed in the innermost loop, which walks a row of b and a
 * row of c, both with stride 1. */
static void matmul_ikj(float *restrict c, const float *restrict a, const float *restrict b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < n; p++)
            for (size_t j = 0; j < n; j++)
                c[i * n + j] += a[i * n + p] * b[p * n + j];
}

/* j-k-i: the innermost loop walks a column of a and a column of c, both with
 * stride n: every access lands on a different cache line. */
static void matmul_jki(float *restrict c, const float *restrict a, const float *restrict b, size_t n)
{
    for (size_t j = 0; j < n; j++)
        for (size_t p = 0; p < n; p++)
            for (size_t i = 0; i < n; i++)
                c[i * n + j] += a[i * n + p] * b[p * n + j];
}

static const struct {
    const char *name;
    kernel_fn fn;
} kernels[] = {
    {"i-j-k", matmul_ijk},
    {"i-k-j", matmul_ikj},
    {"j-k-i", matmul_jki},
};
#define N_KERNELS (sizeof kernels / sizeof kernels[0])

/* Wall-clock seconds (C11's timespec_get, so no POSIX feature macros needed). */
static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A small deterministic generator, so every run multiplies the same matrices. */
static float next_value(unsigned long *state)
{
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    return (float)((*state >> 40) & 0xFFFF) / 65536.0f - 0.5f;
}

/* The best of `runs` timings of kernel k on (n, n) inputs; leaves its result in c. */
static double time_kernel(size_t k, float *c, const float *a, const float *b, size_t n, int runs)
{
    double best = 0.0;
    for (int r = 0; r < runs; r++) {
        for (size_t i = 0; i < n * n; i++)
            c[i] = 0.0f;
        double t0 = now();
        kernels[k].fn(c, a, b, n);
        double t = now() - t0;
        if (r == 0 || t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    size_t default_sizes[] = {256, 512};
    size_t n_sizes = argc > 1 ? (size_t)(argc - 1) : sizeof default_sizes / sizeof default_sizes[0];
    int status = 0;

    printf("naive float matmul, (n, n) @ (n, n), 2*n^3 FLOPs, best of 3 runs (1 run above n = 512)\n");
    printf("%6s  %-6s %10s %9s %10s\n", "n", "order", "time (ms)", "GFLOP/s", "vs i-j-k");
    for (size_t s = 0; s < n_sizes; s++) {
        size_t n = argc > 1 ? (size_t)strtoul(argv[s + 1], NULL, 10) : default_sizes[s];
        if (n == 0 || n > 8192) {
            fprintf(stderr, "loop_order: size '%s' must be between 1 and 8192\n", argv[s + 1]);
            return 2;
        }
        float *a = malloc(n * n * sizeof *a);
        float *b = malloc(n * n * sizeof *b);
        float *c = malloc(n * n * sizeof *c);
        float *first = malloc(n * n * sizeof *first);
        if (a == NULL || b == NULL || c == NULL || first == NULL) {
            fprintf(stderr, "loop_order: out of memory for n = %zu\n", n);
            free(a), free(b), free(c), free(first);
            return 1;
        }
        unsigned long state = 42;
        for (size_t i = 0; i < n * n; i++) {
            a[i] = next_value(&state);
            b[i] = next_value(&state);
        }
        double flops = 2.0 * (double)n * (double)n * (double)n;
        double base = 0.0;
        for (size_t k = 0; k < N_KERNELS; k++) {
            double t = time_kernel(k, c, a, b, n, n <= 512 ? 3 : 1);
            if (k == 0) {
                base = t;
                for (size_t i = 0; i < n * n; i++)
                    first[i] = c[i];
            } else {
                /* Same additions in the same order: the results must be identical. */
                for (size_t i = 0; i < n * n; i++)
                    if (c[i] != first[i]) {
                        fprintf(stderr, "loop_order: %s and %s differ at element %zu\n",
                                kernels[0].name, kernels[k].name, i);
                        status = 1;
                        break;
                    }
            }
            printf("%6zu  %-6s %10.1f %9.2f %9.2fx\n", n, kernels[k].name, t * 1e3,
                   flops / t * 1e-9, base / t);
        }
        free(a), free(b), free(c), free(first);
    }
    printf("(\"vs i-j-k\" above 1 means faster than i-j-k, below 1 slower.)\n");
    return status;
}
