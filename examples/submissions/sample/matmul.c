/* matmul.c - lab 1, from a realistic partial submission (examples/submissions/sample). */
#include "tinytorch.h"

static float at(const tt_tensor *t, size_t row, size_t col)
{
    return t->data[row * t->shape[1] + col];
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    char sa[TT_SHAPE_STR_MAX], sb[TT_SHAPE_STR_MAX];
    if (a == NULL || b == NULL || a->ndim != 2 || b->ndim != 2) {
        tt_set_error(TT_EINVAL, "tt_matmul: need two 2-D tensors");
        return NULL;
    }
    if (a->shape[1] != b->shape[0]) {
        tt_set_error(TT_ESHAPE, "tt_matmul: %s @ %s: a's columns (%zu) must equal b's rows (%zu)",
                     tt_shape_str(a, sa, sizeof sa), tt_shape_str(b, sb, sizeof sb), a->shape[1], b->shape[0]);
        return NULL;
    }
    size_t shape[2] = {a->shape[0], b->shape[1]};
    tt_tensor *c = tt_tensor_new(2, shape);
    if (c == NULL)
        return NULL;
    for (size_t i = 0; i < shape[0]; i++)
        for (size_t j = 0; j < shape[1]; j++) {
            float acc = 0.0f;
            for (size_t p = 0; p < a->shape[1]; p++)
                acc += at(a, i, p) * at(b, p, j);
            c->data[i * shape[1] + j] = acc;
        }
    return c;
}
