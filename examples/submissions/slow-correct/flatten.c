/* flatten.c - the "slow-correct" example: right, but slow on purpose. The
 * result is made zero-filled, then its data copied in SLOW_REPEAT times over,
 * one element at a time through a volatile. */
#include <stdlib.h>

#include "tinytorch.h"

#define SLOW_REPEAT 10

tt_tensor *tt_flatten(const tt_tensor *x, int start_dim)
{
    if (!x || x->ndim == 0) {
        tt_set_error(TT_EINVAL, "tt_flatten: need a tensor with at least one dim");
        return NULL;
    }
    int nd = (int)x->ndim;
    int s = start_dim >= 0 ? start_dim : nd + start_dim;
    if (s < 0 || s >= nd) {
        tt_set_error(TT_EINVAL, "tt_flatten: start_dim %d out of range for %d dims", start_dim, nd);
        return NULL;
    }
    size_t shape[TT_MAX_DIMS];
    for (int d = 0; d < nd; d++)
        shape[d] = x->shape[d];
    for (int d = nd - 1; d > s; d--)
        shape[d - 1] *= shape[d];
    tt_tensor *y = tt_tensor_new((size_t)s + 1, shape);
    if (!y)
        return NULL;
    for (int r = 0; r < SLOW_REPEAT; r++)
        for (size_t i = 0; i < x->size; i++) {
            volatile float v = x->data[i];
            y->data[i] = v;
        }
    return y;
}

typedef struct {
    tt_module base;
    int start_dim;
} flatten_layer;

static tt_tensor *flatten_forward(tt_module *self, const tt_tensor *x)
{
    return tt_flatten(x, TT_CONTAINER_OF(self, flatten_layer, base)->start_dim);
}

static const tt_module_ops flatten_ops = {"Flatten", flatten_forward, NULL};

tt_module *tt_flatten_new(int start_dim)
{
    flatten_layer *f = malloc(sizeof *f);
    if (!f) {
        tt_set_error(TT_ENOMEM, "tt_flatten_new: out of memory");
        return NULL;
    }
    tt_module_init(&f->base, &flatten_ops);
    f->start_dim = start_dim;
    return &f->base;
}
