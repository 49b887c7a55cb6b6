/* matmul_steps.c - the progression of lab 1's performance tier, as separate
 * functions so that the benchmark can time each one (see matmul_steps.h).
 * Only bench/ uses this file; it is not part of the kit's library. */
#include "matmul_steps.h"

/* The block sizes of steps 3 and 4: a (BLOCK_M, BLOCK_K) block of a and a
 * (BLOCK_K, BLOCK_N) block of b take 64 KiB + 256 KiB, which fits in a
 * typical 1 MiB L2 cache next to the block of c. */
#define BLOCK_M 64
#define BLOCK_K 256
#define BLOCK_N 256

/* Step 4's register tile: TILE_M x TILE_N accumulators. */
#define TILE_M 6
#define TILE_N 16

static size_t min_size(size_t x, size_t y)
{
    return x < y ? x : y;
}

/* The i-k-j loops over rows [i0, i1), depth [p0, p1) and columns [j0, j1). */
static void ikj_block(size_t k, size_t n, const float *restrict a, const float *restrict b,
                      float *restrict c, size_t i0, size_t i1, size_t p0, size_t p1, size_t j0, size_t j1)
{
    for (size_t i = i0; i < i1; i++)
        for (size_t p = p0; p < p1; p++) {
            float aip = a[i * k + p];
            for (size_t j = j0; j < j1; j++)
                c[i * n + j] += aip * b[p * n + j];
        }
}

void matmul_ikj(size_t m, size_t k, size_t n, const float *restrict a, const float *restrict b,
                float *restrict c)
{
    ikj_block(k, n, a, b, c, 0, m, 0, k, 0, n);
}

void matmul_blocked(size_t m, size_t k, size_t n, const float *restrict a, const float *restrict b,
                    float *restrict c)
{
    for (size_t j0 = 0; j0 < n; j0 += BLOCK_N) {
        size_t j1 = min_size(n, j0 + BLOCK_N);
        for (size_t p0 = 0; p0 < k; p0 += BLOCK_K) {
            size_t p1 = min_size(k, p0 + BLOCK_K);
            for (size_t i0 = 0; i0 < m; i0 += BLOCK_M) {
                ikj_block(k, n, a, b, c, i0, min_size(m, i0 + BLOCK_M), p0, p1, j0, j1);
            }
        }
    }
}

/* c's (mr, nr) tile at (i0, j0) += a's rows i0.. times b's columns j0..,
 * over p in [p0, p1). The full-tile case has fixed trip counts, so the
 * compiler keeps acc in registers and vectorises the j loop. */
static void tile(size_t k, size_t n, const float *restrict a, const float *restrict b,
                 float *restrict c, size_t i0, size_t j0, size_t p0, size_t p1, size_t mr, size_t nr)
{
    float acc[TILE_M][TILE_N] = {{0.0f}};
    if (mr == TILE_M && nr == TILE_N) {
        for (size_t p = p0; p < p1; p++)
            for (size_t j = 0; j < TILE_N; j++) {
                float bpj = b[p * n + j0 + j];
                for (size_t i = 0; i < TILE_M; i++)
                    acc[i][j] += a[(i0 + i) * k + p] * bpj;
            }
    } else {
        for (size_t p = p0; p < p1; p++)
            for (size_t j = 0; j < nr; j++) {
                float bpj = b[p * n + j0 + j];
                for (size_t i = 0; i < mr; i++)
                    acc[i][j] += a[(i0 + i) * k + p] * bpj;
            }
    }
    for (size_t i = 0; i < mr; i++)
        for (size_t j = 0; j < nr; j++)
            c[(i0 + i) * n + j0 + j] += acc[i][j];
}

void matmul_register_tiled(size_t m, size_t k, size_t n, const float *restrict a,
                           const float *restrict b, float *restrict c)
{
    for (size_t j0 = 0; j0 < n; j0 += BLOCK_N) {
        size_t j1 = min_size(n, j0 + BLOCK_N);
        for (size_t p0 = 0; p0 < k; p0 += BLOCK_K) {
            size_t p1 = min_size(k, p0 + BLOCK_K);
            for (size_t i0 = 0; i0 < m; i0 += BLOCK_M) {
                size_t i1 = min_size(m, i0 + BLOCK_M);
                for (size_t j = j0; j < j1; j += TILE_N)
                    for (size_t i = i0; i < i1; i += TILE_M)
                        tile(k, n, a, b, c, i, j, p0, p1, min_size(i1 - i, TILE_M),
                             min_size(j1 - j, TILE_N));
            }
        }
    }
}
