/* sequential.c - lab 4: Sequential, a module that chains its children.
 *
 * A Sequential is a plain tt_module whose children are its layers, "layer_0",
 * "layer_1", ... Its forward hands each layer's output to the next, and the
 * hard part is ownership: every intermediate tensor must be freed, and the
 * caller's input never.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tinytorch.h"

/* The forward of a Sequential: x through every layer in order. */
static tt_tensor *sequential_forward(tt_module *self, const tt_tensor *x)
{
    /* TODO 1: no layers: return a copy of x (the caller frees what we return,
     *         so returning x itself would let them free their own input).
     * TODO 2: run layer 0 on x, then each next layer on the previous output,
     *         freeing each intermediate as soon as the next one exists.
     * TODO 3: if a layer returns NULL, free what you hold and return NULL: the
     *         layer has already recorded the error. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)self;
    (void)x;
    tt_not_implemented(__func__);
    return NULL;
}

static const tt_module_ops sequential_ops = {
    .name = "Sequential",
    .forward = sequential_forward,
    .destroy = NULL, /* the layers are registered children: the base frees them */
};

static int is_sequential(const tt_module *m)
{
    return m != NULL && m->ops == &sequential_ops;
}

tt_status tt_sequential_add(tt_module *seq, tt_module *layer)
{
    /* TODO: check seq is a Sequential, then register layer as the child
     * "layer_<n>", n the current length. Ownership: layer is ours from the
     * start, so free it on every failure (tt_module_add_module already frees
     * it when it fails). */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)seq;
    (void)layer;
    return tt_not_implemented(__func__);
}

tt_module *tt_sequential_new(tt_module *const *layers, size_t n)
{
    /* TODO 1: layers NULL with n > 0 is TT_EINVAL.
     * TODO 2: calloc a tt_module, tt_module_init it with &sequential_ops.
     * TODO 3: tt_sequential_add each layer in order.
     * On any failure, every layer not yet registered must be freed too: this
     * function owns all n of them from the start. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)layers;
    (void)n;
    tt_not_implemented(__func__);
    return NULL;
}

size_t tt_sequential_len(const tt_module *seq)
{
    if (!is_sequential(seq)) {
        tt_set_error(TT_EINVAL, "tt_sequential_len: module is %s, not a Sequential",
                     seq == NULL ? "NULL" : tt_module_name(seq));
        return 0;
    }
    /* TODO: the number of layers. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    tt_not_implemented(__func__);
    return 0;
}
