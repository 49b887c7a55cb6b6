/* matmul.c - the "slow-correct" example: right, but slow on purpose. Each
 * dot product is computed SLOW_REPEAT times over, in i-j-p order (the
 * worst for the cache), through a volatile accumulator that the compiler
 * must load and store at every step, as unoptimised code does. */
#include "tinytorch.h"

#define SLOW_REPEAT 10

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    char sa[TT_SHAPE_STR_MAX], sb[TT_SHAPE_STR_MAX];
    if (!a || !b) {
        tt_set_error(TT_EINVAL, "tt_matmul: NULL input");
        return NULL;
    }
    if (a->ndim != 2 || b->ndim != 2) {
        tt_set_error(TT_EINVAL, "tt_matmul: expected 2-D inputs");
        return NULL;
    }
    if (a->shape[1] != b->shape[0]) {
        tt_set_error(TT_ESHAPE, "tt_matmul: shapes %s and %s: inner dimensions %zu and %zu must match",
                     tt_shape_str(a, sa, sizeof sa), tt_shape_str(b, sb, sizeof sb), a->shape[1], b->shape[0]);
        return NULL;
    }
    const size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    size_t shape[2] = {m, n};
    tt_tensor *c = tt_tensor_new(2, shape);
    if (!c)
        return NULL;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            for (int r = 0; r < SLOW_REPEAT; r++) {
                volatile float acc = 0.0f;
                for (size_t p = 0; p < k; p++)
                    acc += a->data[i * k + p] * b->data[p * n + j];
                c->data[i * n + j] = acc;
            }
    return c;
}
