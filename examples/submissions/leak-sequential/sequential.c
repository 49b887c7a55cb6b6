/* sequential.c - leaks: the forward hands each layer's output to the next
 * layer but never frees the one before, so every intermediate tensor is
 * lost. The results are right, so every hidden test passes; only the memory
 * checks see it. examples/submissions/leak-sequential */
#include <stdio.h>
#include <stdlib.h>

#include "tinytorch.h"

static tt_tensor *sequential_forward(tt_module *self, const tt_tensor *x)
{
    if (self->n_children == 0)
        return tt_tensor_copy(x);
    tt_tensor *h = tt_module_forward(self->children[0].module, x);
    for (size_t i = 1; i < self->n_children && h != NULL; i++)
        h = tt_module_forward(self->children[i].module, h); /* the bug: the previous h is never freed */
    return h;
}

static const tt_module_ops sequential_ops = {"Sequential", sequential_forward, NULL};

tt_status tt_sequential_add(tt_module *seq, tt_module *layer)
{
    char name[40];
    if (!seq || seq->ops != &sequential_ops) {
        tt_module_free(layer);
        return tt_set_error(TT_EINVAL, "tt_sequential_add: not a Sequential");
    }
    if (!layer)
        return tt_set_error(TT_EINVAL, "tt_sequential_add: NULL layer");
    snprintf(name, sizeof name, "layer_%zu", seq->n_children);
    return tt_module_add_module(seq, name, layer);
}

tt_module *tt_sequential_new(tt_module *const *layers, size_t n)
{
    size_t i = 0;
    tt_module *seq = NULL;
    if (n > 0 && !layers) {
        tt_set_error(TT_EINVAL, "tt_sequential_new: NULL layers");
        return NULL;
    }
    seq = malloc(sizeof *seq);
    if (!seq) {
        tt_set_error(TT_ENOMEM, "tt_sequential_new: out of memory");
        goto fail;
    }
    tt_module_init(seq, &sequential_ops);
    for (; i < n; i++)
        if (tt_sequential_add(seq, layers[i]) != TT_OK) {
            i++; /* layers[i] was freed by the failed add */
            goto fail;
        }
    return seq;
fail:
    for (; i < n; i++)
        tt_module_free(layers[i]);
    tt_module_free(seq);
    return NULL;
}

size_t tt_sequential_len(const tt_module *seq)
{
    if (!seq || seq->ops != &sequential_ops) {
        tt_set_error(TT_EINVAL, "tt_sequential_len: not a Sequential");
        return 0;
    }
    return seq->n_children;
}
