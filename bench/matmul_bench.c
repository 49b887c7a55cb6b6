/* matmul_bench.c - `make bench-matmul`: lab 1's matmul progression timed side
 * by side in one run, at n = 256, 512 and 1024 (square (n, n) @ (n, n)):
 *
 *   naive i-j-k     the reference tt_matmul
 *   i-k-j           loop order          (bench/matmul_steps.c)
 *   blocked         + cache blocks      (bench/matmul_steps.c)
 *   register-tiled  + a register tile   (bench/matmul_steps.c)
 *   tt_matmul_fast  + packing: the reference fast path (labs/01-matmul/matmul.c)
 *   OpenBLAS        cblas_sgemm, one thread
 *
 * Each line shows the best time of a few runs, GFLOP/s (2 n^3 / time) and the
 * ratio to OpenBLAS's GFLOP/s at that size, measured in the same run. Every
 * result is checked against OpenBLAS's: each element within 2e-4 of the sum
 * of |a[i][p] * b[p][j]| (tt_matmul.h's tolerance, for two sides). Built with
 * -O3 -march=native (bench/matmul.mk). Arguments: other sizes, e.g. 128 2048.
 *
 * Exit status: 0, or 1 if a result was wrong, 2 on a usage error or no memory. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tinytorch.h"
#include "matmul_steps.h"

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif

enum { STEP_NAIVE, STEP_IKJ, STEP_BLOCKED, STEP_TILED, STEP_FAST, STEP_BLAS, N_STEPS };

static const char *const step_names[N_STEPS] = {
    "naive i-j-k", "i-k-j", "blocked", "register-tiled", "tt_matmul_fast", "OpenBLAS",
};

/* What one size works on: the inputs as tensors, and the output of each run. */
struct bench {
    size_t n;
    tt_tensor *a, *b;
    float *c;       /* the last step's result */
    float *want;    /* OpenBLAS's result (or, without it, tt_matmul's) */
    float *scale;   /* |a| @ |b|: the size of each element's terms */
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs one step once into bench->c. Returns 0, or -1 if a tt_ call failed. */
static int run_step(int step, struct bench *w)
{
    size_t n = w->n;
    const float *a = w->a->data, *b = w->b->data;
    if (step == STEP_NAIVE || step == STEP_FAST) {
        tt_tensor *c = step == STEP_NAIVE ? tt_matmul(w->a, w->b) : tt_matmul_fast(w->a, w->b);
        if (c == NULL)
            return -1;
        memcpy(w->c, c->data, n * n * sizeof *w->c);
        tt_tensor_free(c);
        return 0;
    }
    if (step == STEP_BLAS) {
#ifdef HAVE_OPENBLAS
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0f, a, (int)n,
                    b, (int)n, 0.0f, w->c, (int)n);
#endif
        return 0;
    }
    memset(w->c, 0, n * n * sizeof *w->c);
    matmul_step_fn *fn = step == STEP_IKJ ? matmul_ikj : step == STEP_BLOCKED ? matmul_blocked
                                                                              : matmul_register_tiled;
    fn(n, n, n, a, b, w->c);
    return 0;
}

/* The best wall time of a few runs of a step: at least 3 runs and 0.3 s,
 * at most 10 runs, and a single run when one takes over 2 s. *cpu gets the
 * process's CPU time over the runs divided by their wall time (1.0 for one
 * thread). Returns the best time, or a negative value if a run failed. */
static double time_step(int step, struct bench *w, double *cpu)
{
    double best = 0.0, wall_total = 0.0, cpu_total = 0.0;
    for (int r = 0; r < 10; r++) {
        double c0 = cpu_now(), t0 = wall_now();
        if (run_step(step, w) != 0)
            return -1.0;
        double t = wall_now() - t0;
        cpu_total += cpu_now() - c0;
        wall_total += t;
        if (r == 0 || t < best)
            best = t;
        if (t > 2.0 || (r >= 2 && wall_total >= 0.3))
            break;
    }
    *cpu = wall_total > 0.0 ? cpu_total / wall_total : 1.0;
    return best;
}

/* 1 if every element of w->c is within 2e-4 * scale + 2e-6 of w->want;
 * otherwise prints the first mismatch and returns 0. */
static int check_result(const struct bench *w, const char *name)
{
    for (size_t i = 0; i < w->n * w->n; i++) {
        double diff = fabs((double)w->c[i] - (double)w->want[i]);
        if (!(diff <= 2e-4 * w->scale[i] + 2e-6)) {
            fprintf(stderr, "matmul_bench: n = %zu: %s: element [%zu][%zu] is %.7g, OpenBLAS gives %.7g\n",
                    w->n, name, i / w->n, i % w->n, (double)w->c[i], (double)w->want[i]);
            return 0;
        }
    }
    return 1;
}

/* A small deterministic generator: every run multiplies the same matrices. */
static float next_value(unsigned long *state)
{
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    return (float)((*state >> 40) & 0xFFFF) / 65536.0f - 0.5f;
}

/* Benchmarks one size; prints its lines. Returns 0, 1 (a wrong result) or 2. */
static int bench_size(size_t n)
{
    struct bench w = {.n = n};
    int status = 0;
    w.a = tt_tensor_new(2, (size_t[]){n, n});
    w.b = tt_tensor_new(2, (size_t[]){n, n});
    w.c = malloc(n * n * sizeof *w.c);
    w.want = malloc(n * n * sizeof *w.want);
    w.scale = malloc(n * n * sizeof *w.scale);
    if (w.a == NULL || w.b == NULL || w.c == NULL || w.want == NULL || w.scale == NULL) {
        fprintf(stderr, "matmul_bench: out of memory for n = %zu\n", n);
        status = 2;
        goto out;
    }
    unsigned long state = 42;
    for (size_t i = 0; i < n * n; i++) {
        w.a->data[i] = next_value(&state);
        w.b->data[i] = next_value(&state);
    }
    /* The reference results: OpenBLAS's product, and |a| @ |b| for the
     * tolerance (with a and b made non-negative in place, then restored). */
    int ref = STEP_BLAS;
#ifndef HAVE_OPENBLAS
    ref = STEP_NAIVE;
#endif
    float *signs = w.want; /* borrowed for a moment */
    for (size_t i = 0; i < n * n; i++)
        signs[i] = w.a->data[i], w.a->data[i] = fabsf(w.a->data[i]);
    float *bsigns = w.scale;
    for (size_t i = 0; i < n * n; i++)
        bsigns[i] = w.b->data[i], w.b->data[i] = fabsf(w.b->data[i]);
    tt_tensor *abs_prod = tt_matmul_fast(w.a, w.b);
    memcpy(w.a->data, signs, n * n * sizeof *signs);
    memcpy(w.b->data, bsigns, n * n * sizeof *bsigns);
    if (abs_prod == NULL || run_step(ref, &w) != 0) {
        fprintf(stderr, "matmul_bench: n = %zu: %s\n", n, tt_last_error());
        tt_tensor_free(abs_prod);
        status = 2;
        goto out;
    }
    memcpy(w.scale, abs_prod->data, n * n * sizeof *w.scale);
    tt_tensor_free(abs_prod);
    memcpy(w.want, w.c, n * n * sizeof *w.want);

    double flops = 2.0 * (double)n * (double)n * (double)n;
    double gflops[N_STEPS] = {0}, cpu[N_STEPS] = {0};
    /* OpenBLAS first, so every other line can show its ratio to it. */
    static const int order[N_STEPS] = {STEP_BLAS, STEP_NAIVE, STEP_IKJ, STEP_BLOCKED, STEP_TILED, STEP_FAST};
    for (int o = 0; o < N_STEPS; o++) {
        int s = order[o];
#ifndef HAVE_OPENBLAS
        if (s == STEP_BLAS)
            continue;
#endif
        double t = time_step(s, &w, &cpu[s]);
        if (t < 0.0) {
            fprintf(stderr, "matmul_bench: n = %zu: %s failed: %s\n", n, step_names[s], tt_last_error());
            status = 2;
            goto out;
        }
        gflops[s] = flops / t * 1e-9;
        if (!check_result(&w, step_names[s]))
            status = 1;
    }
    for (int s = 0; s < N_STEPS; s++) {
        if (gflops[s] == 0.0) {
            printf("%6zu  %-15s %9s %9s   (OpenBLAS not found by configure)\n", n, step_names[s], "-", "-");
            continue;
        }
        char ratio[32] = "-";
        if (gflops[STEP_BLAS] > 0.0)
            snprintf(ratio, sizeof ratio, "%.3fx", gflops[s] / gflops[STEP_BLAS]);
        printf("%6zu  %-15s %9.2f %9s", n, step_names[s], gflops[s], ratio);
        if (s == STEP_BLAS)
            printf("   (CPU time / wall time: %.2f; over 1: more than one thread)", cpu[s]);
        printf("\n");
    }
out:
    free(w.scale);
    free(w.want);
    free(w.c);
    tt_tensor_free(w.b);
    tt_tensor_free(w.a);
    return status;
}

int main(int argc, char **argv)
{
    static const size_t default_sizes[] = {256, 512, 1024};
    size_t n_sizes = argc > 1 ? (size_t)(argc - 1) : sizeof default_sizes / sizeof default_sizes[0];
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(1);
    printf("OpenBLAS config: %s; kernels for: %s; threads: %d\n", openblas_get_config(), openblas_get_corename(),
           openblas_get_num_threads());
#else
    printf("OpenBLAS: not found by configure (install the Debian package libopenblas-dev and\n"
           "run ./configure again): no OpenBLAS line and no ratios.\n");
#endif
    printf("(n, n) @ (n, n), 2 n^3 FLOPs; best of 3 to 10 runs (1 run if it takes over 2 s);\n"
           "vs OpenBLAS = GFLOP/s / OpenBLAS's GFLOP/s at the same n, in this run.\n");
    printf("%6s  %-15s %9s %9s\n", "n", "step", "GFLOP/s", "vs OpenBLAS");
    int status = 0;
    for (size_t s = 0; s < n_sizes; s++) {
        size_t n = default_sizes[s < 3 ? s : 0];
        if (argc > 1) {
            char *end;
            unsigned long v = strtoul(argv[s + 1], &end, 10);
            if (*end != '\0' || v == 0 || v > 8192) {
                fprintf(stderr, "matmul_bench: size '%s' must be a number from 1 to 8192\n", argv[s + 1]);
                return 2;
            }
            n = (size_t)v;
        }
        int st = bench_size(n);
        if (st > status)
            status = st;
        fflush(stdout);
    }
    if (status == 1)
        fprintf(stderr, "matmul_bench: some results were wrong (see above)\n");
    return status;
}
