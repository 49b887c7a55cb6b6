/* flatten.c - lab 5: Flatten, the reshape between conv-shaped and dense layers.
 *
 * Flatten changes only the shape: the data stays in the same row-major order.
 * It still returns a new tensor with its own buffer, so that every tensor in
 * this kit has exactly one owner.
 */
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"

tt_tensor *tt_flatten(const tt_tensor *x, int start_dim)
{
    /* TODO 1: NULL or 0-D x is TT_EINVAL.
     * TODO 2: a negative start_dim counts from the end (-1 is the last dim);
     *         out of [-ndim, ndim-1] is TT_EINVAL.
     * TODO 3: the new shape: dims before start_dim unchanged, then the product
     *         of the rest.
     * TODO 4: a new tensor with that shape and a COPY of x's data. */
    /* BEGIN SOLUTION */
    if (x == NULL || x->ndim == 0) {
        tt_set_error(TT_EINVAL, "tt_flatten: %s", x == NULL ? "x is NULL" : "x is 0-D; there is nothing to flatten");
        return NULL;
    }
    long nd = (long)x->ndim;
    long start = start_dim < 0 ? start_dim + nd : start_dim;
    if (start < 0 || start >= nd) {
        char sx[TT_SHAPE_STR_MAX];
        tt_set_error(TT_EINVAL, "tt_flatten: start_dim %d is out of range for %s (valid: %ld to %ld)",
                     start_dim, tt_shape_str(x, sx, sizeof sx), -nd, nd - 1);
        return NULL;
    }
    size_t shape[TT_MAX_DIMS];
    size_t keep = (size_t)start, merged = 1;
    for (size_t d = 0; d < keep; d++)
        shape[d] = x->shape[d];
    for (size_t d = keep; d < x->ndim; d++)
        merged *= x->shape[d];
    shape[keep] = merged;
    return tt_tensor_from(keep + 1, shape, x->data);
    /* END SOLUTION */
    /* STUB: (void)x; */
    /* STUB: (void)start_dim; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
}

typedef struct tt_flatten_layer {
    tt_module base;   /* must stay first */
    int start_dim;
} tt_flatten_layer;

/* The forward of a Flatten layer: tt_flatten with the layer's start_dim. */
static tt_tensor *flatten_forward(tt_module *self, const tt_tensor *x)
{
    /* TODO: get the layer with TT_CONTAINER_OF and call tt_flatten. */
    /* BEGIN SOLUTION */
    const tt_flatten_layer *layer = TT_CONTAINER_OF(self, tt_flatten_layer, base);
    return tt_flatten(x, layer->start_dim);
    /* END SOLUTION */
    /* STUB: (void)self; */
    /* STUB: (void)x; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
}

static const tt_module_ops flatten_ops = {
    .name = "Flatten",
    .forward = flatten_forward,
    .destroy = NULL,
};

tt_module *tt_flatten_new(int start_dim)
{
    /* TODO: calloc a tt_flatten_layer, init its base with &flatten_ops, store
     * start_dim. It has no parameters. */
    /* BEGIN SOLUTION */
    tt_flatten_layer *layer = calloc(1, sizeof *layer);
    if (layer == NULL) {
        tt_set_error(TT_ENOMEM, "tt_flatten_new: out of memory");
        return NULL;
    }
    tt_module_init(&layer->base, &flatten_ops);
    layer->start_dim = start_dim;
    return &layer->base;
    /* END SOLUTION */
    /* STUB: (void)flatten_ops; */
    /* STUB: (void)start_dim; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
}
