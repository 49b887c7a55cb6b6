/* MUTANT: The accumulator is declared once outside the j loop, so it is not reset for each output element. */
/* matmul.c - lab 1: matrix multiplication with the explicit triple loop.
 *
 * Every layer in this kit reduces to this function: Linear's forward is
 * x @ W + b. Write it the slow, clear way first; lab 1's handout shows how the
 * loop order changes its speed.
 */
#include <stddef.h>

#include "tinytorch.h"

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
    if (a == NULL || b == NULL) {
        tt_set_error(TT_EINVAL, "tt_matmul: %s is NULL", a == NULL ? "a" : "b");
        return NULL;
    }
    if (a->ndim != 2 || b->ndim != 2) {
        char sa[TT_SHAPE_STR_MAX], sb[TT_SHAPE_STR_MAX];
        tt_set_error(TT_EINVAL, "tt_matmul: needs 2-D tensors, got %s @ %s",
                     tt_shape_str(a, sa, sizeof sa), tt_shape_str(b, sb, sizeof sb));
        return NULL;
    }
    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    if (b->shape[0] != k) {
        char sa[TT_SHAPE_STR_MAX], sb[TT_SHAPE_STR_MAX];
        tt_set_error(TT_ESHAPE,
                     "tt_matmul: %s @ %s: inner dimensions must agree: a's dim 1 (%zu) must equal b's dim 0 (%zu)",
                     tt_shape_str(a, sa, sizeof sa), tt_shape_str(b, sb, sizeof sb), k, b->shape[0]);
        return NULL;
    }
    tt_tensor *c = tt_tensor_new(2, (size_t[]){m, n});
    if (c == NULL)
        return NULL;
    float sum = 0.0f;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
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
