/* matmul.c - lab 1: matrix multiplication with the explicit triple loop.
 *
 * Every layer in this kit reduces to this function: Linear's forward is
 * x @ W + b. Write it the slow, clear way first; lab 1's handout shows how the
 * loop order changes its speed.
 *
 * tt_matmul_fast, at the end, is optional extra credit: the same product,
 * made fast (lab 1's handout, "The performance tier").
 */
#include <stddef.h>
#include <stdlib.h>

#include "tinytorch.h"
/* BEGIN SOLUTION */
/* The checks tt_matmul and tt_matmul_fast share: TT_OK if a @ b is
 * defined, else the error, recorded. fn names the caller in the messages. */
static tt_status matmul_check(const char *fn, const tt_tensor *a, const tt_tensor *b)
{
    char sa[TT_SHAPE_STR_MAX], sb[TT_SHAPE_STR_MAX];
    if (a == NULL || b == NULL)
        return tt_set_error(TT_EINVAL, "%s: %s is NULL", fn, a == NULL ? "a" : "b");
    if (a->ndim != 2 || b->ndim != 2)
        return tt_set_error(TT_EINVAL, "%s: needs 2-D tensors, got %s @ %s", fn,
                            tt_shape_str(a, sa, sizeof sa), tt_shape_str(b, sb, sizeof sb));
    if (b->shape[0] != a->shape[1])
        return tt_set_error(TT_ESHAPE,
                            "%s: %s @ %s: inner dimensions must agree: a's dim 1 (%zu) must equal b's dim 0 (%zu)",
                            fn, tt_shape_str(a, sa, sizeof sa), tt_shape_str(b, sb, sizeof sb),
                            a->shape[1], b->shape[0]);
    return TT_OK;
}

/* The fast path: c is computed in tiles of FAST_MR x FAST_NR elements that
 * live in registers (the micro-kernel), over blocks of the operands that stay
 * in cache, copied ("packed") first so the micro-kernel reads both of them
 * with stride 1:
 *
 *   for each column block of b, FAST_NC wide          (b's block stays in L2/L3)
 *     for each slice of the inner dimension, FAST_KC deep
 *       pack b's (kc, nc) block into FAST_NR-wide panels
 *       for each row block of a, FAST_MC high         (a's block stays in L2)
 *         pack a's (mc, kc) block into FAST_MR-high panels
 *         for each FAST_MR x FAST_NR tile of c: the micro-kernel
 *
 * Panels are padded with zeros, so the micro-kernel always does whole tiles;
 * only its last step, adding the tile into c, minds the edges. The tile is
 * 6 x 16 floats: 96 accumulators, 24 SSE or 12 AVX registers; with AVX-512
 * (32 registers of 16 floats) a 6 x 32 tile keeps them busier. There are no
 * intrinsics: the compiler vectorises the micro-kernel's j loop. */
#if defined(__AVX512F__)
#define FAST_NR 32
#else
#define FAST_NR 16
#endif
#define FAST_MR 6
#define FAST_KC 256
#define FAST_MC 96  /* a multiple of FAST_MR */
#define FAST_NC 512 /* a multiple of FAST_NR */

static size_t min_size(size_t x, size_t y)
{
    return x < y ? x : y;
}

/* Packs b's (kc, nc) block (row stride ldb) into panels of FAST_NR columns:
 * panel after panel, each kc rows of FAST_NR floats, zero-padded. */
static void pack_b(size_t kc, size_t nc, const float *b, size_t ldb, float *bp)
{
    for (size_t j0 = 0; j0 < nc; j0 += FAST_NR) {
        size_t nr = min_size(nc - j0, FAST_NR);
        for (size_t p = 0; p < kc; p++) {
            const float *src = b + p * ldb + j0;
            for (size_t j = 0; j < FAST_NR; j++)
                bp[j] = j < nr ? src[j] : 0.0f;
            bp += FAST_NR;
        }
    }
}

/* Packs a's (mc, kc) block (row stride lda) into panels of FAST_MR rows:
 * panel after panel, each kc columns of FAST_MR floats, zero-padded. */
static void pack_a(size_t mc, size_t kc, const float *a, size_t lda, float *ap)
{
    for (size_t i0 = 0; i0 < mc; i0 += FAST_MR) {
        size_t mr = min_size(mc - i0, FAST_MR);
        for (size_t p = 0; p < kc; p++) {
            for (size_t i = 0; i < FAST_MR; i++)
                ap[i] = i < mr ? a[(i0 + i) * lda + p] : 0.0f;
            ap += FAST_MR;
        }
    }
}

/* c[0..mr)[0..nr) += the product of a packed a panel and a packed b panel,
 * kc deep. The accumulators are a local array of fixed size: the compiler
 * keeps them in registers, and vectorises the j loop. */
static void micro_kernel(size_t kc, const float *restrict ap, const float *restrict bp,
                         float *restrict c, size_t ldc, size_t mr, size_t nr)
{
    float acc[FAST_MR][FAST_NR] = {{0.0f}};
    for (size_t p = 0; p < kc; p++) {
        for (size_t j = 0; j < FAST_NR; j++) {
            float bj = bp[j];
            for (size_t i = 0; i < FAST_MR; i++)
                acc[i][j] += ap[i] * bj;
        }
        ap += FAST_MR;
        bp += FAST_NR;
    }
    for (size_t i = 0; i < mr; i++)
        for (size_t j = 0; j < nr; j++)
            c[i * ldc + j] += acc[i][j];
}
/* END SOLUTION */

/* c = a @ b: a (m, k), b (k, n) -> c (m, n). See tt_matmul.h for the contract. */
tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    /* TODO 1: reject NULL inputs and anything that is not 2-D (TT_EINVAL).
     * TODO 2: check the inner dimensions, a's dim 1 against b's dim 0
     *         (TT_ESHAPE, with both shapes in the message: use tt_shape_str).
     * TODO 3: allocate the (m, n) result with tt_tensor_new (zero-filled).
     * TODO 4: the triple loop. Row-major: element [i][j] of an (R, C) tensor
     *         is data[i * C + j]. */
    /* BEGIN SOLUTION */
    if (matmul_check("tt_matmul", a, b) != TT_OK)
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
    /* END SOLUTION */
    /* STUB: (void)a; */
    /* STUB: (void)b; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
}

/* The same product, fast. See tt_matmul.h for the contract (the same as
 * tt_matmul's, up to float rounding). */
tt_tensor *tt_matmul_fast(const tt_tensor *a, const tt_tensor *b)
{
    /* OPTIONAL (extra credit, see the handout's "performance tier"): make this
     * faster than tt_matmul, step by step: loop order, blocking, a register
     * tile. As given, it calls your tt_matmul: correct, but no extra credit. */
    /* BEGIN SOLUTION */
    if (matmul_check("tt_matmul_fast", a, b) != TT_OK)
        return NULL;
    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    /* One buffer for both packed blocks, allocated before the result: freed
     * below the result, it leaves a hole the next call reuses. The other way
     * round, malloc may give its pages back to the system at every call, and
     * touching fresh pages again costs more than a 256 x 256 product. */
    size_t kc_max = min_size(k, FAST_KC);
    size_t nc_max = (min_size(n, FAST_NC) + FAST_NR - 1) / FAST_NR * FAST_NR;
    size_t mc_max = (min_size(m, FAST_MC) + FAST_MR - 1) / FAST_MR * FAST_MR;
    float *bp = malloc(sizeof(float) * kc_max * (nc_max + mc_max));
    if (bp == NULL) {
        tt_set_error(TT_ENOMEM, "tt_matmul_fast: out of memory for the packed blocks");
        return NULL;
    }
    float *ap = bp + kc_max * nc_max;
    tt_tensor *c = tt_tensor_new(2, (size_t[]){m, n});
    if (c == NULL) {
        free(bp);
        return NULL;
    }
    for (size_t j0 = 0; j0 < n; j0 += FAST_NC) {
        size_t nc = min_size(n - j0, FAST_NC);
        for (size_t p0 = 0; p0 < k; p0 += FAST_KC) {
            size_t kc = min_size(k - p0, FAST_KC);
            pack_b(kc, nc, b->data + p0 * n + j0, n, bp);
            for (size_t i0 = 0; i0 < m; i0 += FAST_MC) {
                size_t mc = min_size(m - i0, FAST_MC);
                pack_a(mc, kc, a->data + i0 * k + p0, k, ap);
                for (size_t jr = 0; jr < nc; jr += FAST_NR)
                    for (size_t ir = 0; ir < mc; ir += FAST_MR)
                        micro_kernel(kc, ap + ir * kc, bp + jr * kc, c->data + (i0 + ir) * n + j0 + jr,
                                     n, min_size(mc - ir, FAST_MR), min_size(nc - jr, FAST_NR));
            }
        }
    }
    free(bp);
    return c;
    /* END SOLUTION */
    /* STUB: return tt_matmul(a, b); */
}
