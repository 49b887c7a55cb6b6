/* linear.c - lab 3: the Linear (fully connected) layer, y = x @ W + b.
 *
 * The first real "subclass" of tt_module: a struct that embeds tt_module as its
 * first member, a static ops table, a constructor that registers its
 * parameters, and a forward built on lab 1's tt_matmul.
 */
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"


/* The forward of a Linear. x is (..., in); returns a new (..., out) tensor. */
static tt_tensor *linear_forward(tt_module *self, const tt_tensor *x)
{
    /* TODO 1: get the tt_linear back from self with TT_CONTAINER_OF.
     * TODO 2: check x's last dim against in_features (TT_ESHAPE).
     * TODO 3: view x as (rows, in) without copying, multiply with tt_matmul.
     * TODO 4: add the bias to every row, then give the result x's leading
     *         dims: (..., out). */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)self;
    (void)x;
    tt_not_implemented(__func__);
    return NULL;
}

/* The FLOPs of one forward on x (..., in), for tt_module_summary: with
 * rows = x->size / in, x @ W is rows * out dot products of length in, each
 * in multiplies and in adds: 2 * rows * in * out; the bias adds rows * out
 * more. Given complete: it only reads the fields your constructor sets. */
static uint64_t linear_flops(const tt_module *self, const tt_tensor *x)
{
    const tt_linear *layer = TT_CONTAINER_OF((tt_module *)self, tt_linear, base);
    uint64_t in = layer->in_features, out = layer->out_features;
    uint64_t rows = in > 0 ? x->size / in : 0;
    return 2 * rows * in * out + (layer->bias != NULL ? rows * out : 0);
}

static const tt_module_ops linear_ops = {
    .name = "Linear",
    .forward = linear_forward,
    .destroy = NULL, /* weights and bias are registered parameters: the base frees them */
    .flops = linear_flops,
};

tt_module *tt_linear_new(size_t in_features, size_t out_features, bool use_bias, tt_rng *rng)
{
    /* TODO 1: validate the arguments (TT_EINVAL).
     * TODO 2: calloc a tt_linear and tt_module_init its base with &linear_ops.
     * TODO 3: weights (in, out) then bias (out,), filled with 0.1 * tt_rng_normal,
     *         weights first; register them as "weights" and "bias".
     * Every failure path frees what was already made (tt_module_free(&layer->base)
     * frees the layer and whatever is registered on it). */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)in_features;
    (void)out_features;
    (void)use_bias;
    (void)rng;
    tt_not_implemented(__func__);
    return NULL;
}

/* The tt_linear behind m, or NULL (TT_EINVAL) if m is not a Linear. */
static tt_linear *as_linear(const tt_module *m, const char *func)
{
    if (m == NULL || m->ops != &linear_ops) {
        tt_set_error(TT_EINVAL, "%s: module is %s, not a Linear", func, m == NULL ? "NULL" : tt_module_name(m));
        return NULL;
    }
    return TT_CONTAINER_OF((tt_module *)m, tt_linear, base);
}

tt_tensor *tt_linear_weights(const tt_module *m)
{
    tt_linear *layer = as_linear(m, __func__);
    return layer ? layer->weights : NULL;
}

tt_tensor *tt_linear_bias(const tt_module *m)
{
    tt_linear *layer = as_linear(m, __func__);
    return layer ? layer->bias : NULL;
}
