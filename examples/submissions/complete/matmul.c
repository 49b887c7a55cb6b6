/* matmul.c - a complete, correct submission written independently of the
 * reference: i-k-j loop order, accumulating into the zero-filled result. */
#include "tinytorch.h"

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
    for (size_t i = 0; i < m; i++) {
        float *crow = c->data + i * n;
        for (size_t p = 0; p < k; p++) {
            const float aip = a->data[i * k + p];
            const float *brow = b->data + p * n;
            for (size_t j = 0; j < n; j++)
                crow[j] += aip * brow[j];
        }
    }
    return c;
}
