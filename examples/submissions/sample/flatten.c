/* flatten.c - lab 5, from a realistic partial submission (examples/submissions/sample). */
#include <stdlib.h>

#include "tinytorch.h"

tt_tensor *tt_flatten(const tt_tensor *x, int start_dim)
{
    if (x == NULL || x->ndim == 0) {
        tt_set_error(TT_EINVAL, "tt_flatten: bad input");
        return NULL;
    }
    int dims = (int)x->ndim;
    if (start_dim < -dims || start_dim >= dims) {
        tt_set_error(TT_EINVAL, "tt_flatten: start_dim %d out of range", start_dim);
        return NULL;
    }
    if (start_dim < 0)
        start_dim += dims;
    size_t shape[TT_MAX_DIMS];
    size_t rest = 1;
    for (int d = 0; d < dims; d++) {
        if (d < start_dim)
            shape[d] = x->shape[d];
        else
            rest *= x->shape[d];
    }
    shape[start_dim] = rest;
    return tt_tensor_from((size_t)start_dim + 1, shape, x->data);
}

struct flat {
    tt_module base;
    int start_dim;
};

static tt_tensor *flat_forward(tt_module *self, const tt_tensor *x)
{
    struct flat *f = TT_CONTAINER_OF(self, struct flat, base);
    return tt_flatten(x, f->start_dim);
}

static const tt_module_ops flat_ops = {.name = "Flatten", .forward = flat_forward, .destroy = NULL};

tt_module *tt_flatten_new(int start_dim)
{
    struct flat *f = calloc(1, sizeof *f);
    if (f == NULL) {
        tt_set_error(TT_ENOMEM, "tt_flatten_new: out of memory");
        return NULL;
    }
    tt_module_init(&f->base, &flat_ops);
    f->start_dim = start_dim;
    return &f->base;
}
