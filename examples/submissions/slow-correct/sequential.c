/* sequential.c - the "slow-correct" example: right, but slow on purpose.
 * Before each layer, the forward reads its whole input SLOW_REPEAT times
 * over through a volatile (a checksum it never uses). */
#include <stdio.h>
#include <stdlib.h>

#include "tinytorch.h"

#define SLOW_REPEAT 10

static tt_tensor *sequential_forward(tt_module *self, const tt_tensor *x)
{
    if (self->n_children == 0)
        return tt_tensor_copy(x);
    const tt_tensor *current = x;
    tt_tensor *owned = NULL;
    for (size_t i = 0; i < self->n_children; i++) {
        for (int r = 0; r < SLOW_REPEAT; r++) {
            volatile float sum = 0.0f;
            for (size_t e = 0; e < current->size; e++)
                sum += current->data[e];
        }
        tt_tensor *next = tt_module_forward(self->children[i].module, current);
        tt_tensor_free(owned);
        if (!next)
            return NULL;
        owned = next;
        current = next;
    }
    return owned;
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
