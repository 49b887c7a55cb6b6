/* matmul_steps.h - the steps from lab 1's naive loop to its fast path, on
 * plain row-major float arrays: c (m, n) += a (m, k) @ b (k, n), c zeroed by
 * the caller. bench/matmul_bench.c times them side by side; lab 1's handout
 * explains each step. The last step, packing both operands, is the
 * reference tt_matmul_fast itself (labs/01-matmul/matmul.c). */
#ifndef TT_MATMUL_STEPS_H
#define TT_MATMUL_STEPS_H

#include <stddef.h>

typedef void matmul_step_fn(size_t m, size_t k, size_t n, const float *restrict a,
                            const float *restrict b, float *restrict c);

/* Step 1 -> 2: i-k-j, the innermost loop walks rows of b and c (stride 1). */
matmul_step_fn matmul_ikj;
/* Step 3: i-k-j inside cache blocks of a, b and c. */
matmul_step_fn matmul_blocked;
/* Step 4: blocked, and c computed in register tiles (a 6 x 16 micro-kernel
 * reading a and b where they are, without packing). */
matmul_step_fn matmul_register_tiled;

#endif /* TT_MATMUL_STEPS_H */
