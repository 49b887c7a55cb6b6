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
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)x;
    (void)start_dim;
    tt_not_implemented(__func__);
    return NULL;
}

typedef struct tt_flatten_layer {
    tt_module base;   /* must stay first */
    int start_dim;
} tt_flatten_layer;

/* The forward of a Flatten layer: tt_flatten with the layer's start_dim. */
static tt_tensor *flatten_forward(tt_module *self, const tt_tensor *x)
{
    /* TODO: get the layer with TT_CONTAINER_OF and call tt_flatten. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)self;
    (void)x;
    tt_not_implemented(__func__);
    return NULL;
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
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)flatten_ops;
    (void)start_dim;
    tt_not_implemented(__func__);
    return NULL;
}
