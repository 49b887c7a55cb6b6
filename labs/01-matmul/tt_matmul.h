/* tt_matmul.h - lab 1: matrix multiplication, the operation every layer reduces to. */
#ifndef TT_MATMUL_H
#define TT_MATMUL_H

#include "tt_tensor.h"

/* c = a @ b, with a (m, k) and b (k, n); returns c (m, n).
 *
 * Computed with the explicit triple loop: c[i][j] = sum over p of a[i][p] * b[p][j],
 * accumulated in float, p from 0 to k-1. [matmul.product]
 * Returns a new tensor the caller owns [matmul.new], or NULL with:
 *   TT_EINVAL  a or b is NULL [matmul.null], or is not 2-D [matmul.not_2d];
 *   TT_ESHAPE  the inner dimensions differ; the message names both shapes,
 *              e.g. "tt_matmul: (2, 3) @ (4, 2): inner dimensions must agree:
 *              a's dim 1 (3) must equal b's dim 0 (4)"; [matmul.eshape]
 *   TT_ENOMEM  the result could not be allocated. [matmul.enomem]
 * a and b are never modified. [matmul.unchanged]
 *
 * (Each [tag] names one clause of the contract; tests/public/test_matmul.c has
 * a test for each, marked with the tags it covers, and the course's hidden
 * tests only add cases of these clauses.) */
tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b);

/* The same product, fast: optional extra credit (lab 1's handout, "The
 * performance tier"). The contract is tt_matmul's (the same errors, statuses
 * and shapes in the messages, a new tensor, a and b never modified)
 * [matmul_fast.contract], except
 * the order of the additions: the sum over p may be taken in any order (in
 * blocks, in vector lanes), so the result may differ from tt_matmul's by
 * float rounding. Accepted, for every element:
 *   |c[i][j] - exact| <= 1e-4 * (sum over p of |a[i][p] * b[p][j]|) + 1e-6
 * where exact is the sum computed in double [matmul_fast.tolerance]. (tt_matmul's own error is about
 * k * 6e-8 times that sum at worst.) A skeleton that just returns
 * tt_matmul(a, b) meets the contract. */
tt_tensor *tt_matmul_fast(const tt_tensor *a, const tt_tensor *b);

#endif /* TT_MATMUL_H */
