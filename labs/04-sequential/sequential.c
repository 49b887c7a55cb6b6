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
    /* BEGIN SOLUTION */
    if (self->n_children == 0)
        return tt_tensor_copy(x);
    tt_tensor *h = tt_module_forward(self->children[0].module, x);
    for (size_t i = 1; i < self->n_children && h != NULL; i++) {
        tt_tensor *next = tt_module_forward(self->children[i].module, h);
        tt_tensor_free(h);
        h = next;
    }
    return h;
    /* END SOLUTION */
    /* STUB: (void)self; */
    /* STUB: (void)x; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
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
    /* BEGIN SOLUTION */
    if (!is_sequential(seq)) {
        tt_module_free(layer);
        return tt_set_error(TT_EINVAL, "tt_sequential_add: module is %s, not a Sequential",
                            seq == NULL ? "NULL" : tt_module_name(seq));
    }
    if (layer == NULL)
        return tt_set_error(TT_EINVAL, "tt_sequential_add: layer %zu is NULL", seq->n_children);
    char name[32];
    snprintf(name, sizeof name, "layer_%zu", seq->n_children);
    return tt_module_add_module(seq, name, layer);
    /* END SOLUTION */
    /* STUB: (void)seq; */
    /* STUB: (void)layer; */
    /* STUB: return tt_not_implemented(__func__); */
}

tt_module *tt_sequential_new(tt_module *const *layers, size_t n)
{
    /* TODO 1: layers NULL with n > 0 is TT_EINVAL.
     * TODO 2: calloc a tt_module, tt_module_init it with &sequential_ops.
     * TODO 3: tt_sequential_add each layer in order.
     * On any failure, every layer not yet registered must be freed too: this
     * function owns all n of them from the start. */
    /* BEGIN SOLUTION */
    if (layers == NULL && n > 0) {
        tt_set_error(TT_EINVAL, "tt_sequential_new: layers is NULL but n = %zu", n);
        return NULL;
    }
    tt_module *seq = calloc(1, sizeof *seq);
    if (seq == NULL) {
        tt_set_error(TT_ENOMEM, "tt_sequential_new: out of memory");
        for (size_t i = 0; i < n; i++)
            tt_module_free(layers[i]);
        return NULL;
    }
    tt_module_init(seq, &sequential_ops);
    for (size_t i = 0; i < n; i++) {
        if (tt_sequential_add(seq, layers[i]) != TT_OK) {
            /* layers[i] was freed by the failed add; free the rest and seq
             * (which frees layers[0..i-1]). */
            for (size_t j = i + 1; j < n; j++)
                tt_module_free(layers[j]);
            tt_module_free(seq);
            return NULL;
        }
    }
    return seq;
    /* END SOLUTION */
    /* STUB: (void)layers; */
    /* STUB: (void)n; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
}

size_t tt_sequential_len(const tt_module *seq)
{
    if (!is_sequential(seq)) {
        tt_set_error(TT_EINVAL, "tt_sequential_len: module is %s, not a Sequential",
                     seq == NULL ? "NULL" : tt_module_name(seq));
        return 0;
    }
    /* TODO: the number of layers. */
    /* BEGIN SOLUTION */
    return seq->n_children;
    /* END SOLUTION */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return 0; */
}
