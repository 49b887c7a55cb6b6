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

/* c = a @ b: a (m, k), b (k, n) -> c (m, n). See tt_matmul.h for the contract. */
tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    /* TODO 1: reject NULL inputs and anything that is not 2-D (TT_EINVAL).
     * TODO 2: check the inner dimensions, a's dim 1 against b's dim 0
     *         (TT_ESHAPE, with both shapes in the message: use tt_shape_str).
     * TODO 3: allocate the (m, n) result with tt_tensor_new (zero-filled).
     * TODO 4: the triple loop. Row-major: element [i][j] of an (R, C) tensor
     *         is data[i * C + j]. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)a;
    (void)b;
    tt_not_implemented(__func__);
    return NULL;
}

/* The same product, fast. See tt_matmul.h for the contract (the same as
 * tt_matmul's, up to float rounding). */
tt_tensor *tt_matmul_fast(const tt_tensor *a, const tt_tensor *b)
{
    /* OPTIONAL (extra credit, see the handout's "performance tier"): make this
     * faster than tt_matmul, step by step: loop order, blocking, a register
     * tile. As given, it calls your tt_matmul: correct, but no extra credit. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    return tt_matmul(a, b);
}
