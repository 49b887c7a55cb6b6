/* linear.c - lab 3: the Linear (fully connected) layer, y = x @ W + b.
 *
 * The first real "subclass" of tt_module: a struct that embeds tt_module as its
 * first member, a static ops table, a constructor that registers its
 * parameters, and a forward built on lab 1's tt_matmul.
 */
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"

/* BEGIN SOLUTION */
/* Fills t with 0.1 * N(0, 1) draws, in row-major order. */
static void init_small_normal(tt_tensor *t, tt_rng *rng)
{
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = 0.1f * tt_rng_normal(rng);
}
/* END SOLUTION */

/* The forward of a Linear. x is (..., in); returns a new (..., out) tensor. */
static tt_tensor *linear_forward(tt_module *self, const tt_tensor *x)
{
    /* TODO 1: get the tt_linear back from self with TT_CONTAINER_OF.
     * TODO 2: check x's last dim against in_features (TT_ESHAPE).
     * TODO 3: view x as (rows, in) without copying, multiply with tt_matmul.
     * TODO 4: add the bias to every row, then give the result x's leading
     *         dims: (..., out). */
    /* BEGIN SOLUTION */
    tt_linear *layer = TT_CONTAINER_OF(self, tt_linear, base);
    size_t in = layer->in_features, out = layer->out_features;
    if (x->ndim == 0 || x->shape[x->ndim - 1] != in) {
        char sx[TT_SHAPE_STR_MAX];
        tt_set_error(TT_ESHAPE, "Linear: input %s: the last dim must be in_features = %zu",
                     tt_shape_str(x, sx, sizeof sx), in);
        return NULL;
    }
    /* View x as a (rows, in) matrix without copying: same buffer, 2-D shape.
     * The view lives on the stack and is never freed. */
    size_t rows = x->size / in;
    tt_tensor view = {.ndim = 2, .shape = {rows, in}, .size = x->size, .data = x->data};
    tt_tensor *y = tt_matmul(&view, layer->weights);
    if (y == NULL)
        return NULL;
    if (layer->bias != NULL)
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < out; j++)
                y->data[r * out + j] += layer->bias->data[j];
    /* Give the result x's leading dims: (..., out). Same element count. */
    y->ndim = x->ndim;
    for (size_t d = 0; d + 1 < x->ndim; d++)
        y->shape[d] = x->shape[d];
    y->shape[x->ndim - 1] = out;
    for (size_t d = x->ndim; d < TT_MAX_DIMS; d++)
        y->shape[d] = 0;
    return y;
    /* END SOLUTION */
    /* STUB: (void)self; */
    /* STUB: (void)x; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
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
    /* BEGIN SOLUTION */
    if (in_features == 0 || out_features == 0 || rng == NULL) {
        tt_set_error(TT_EINVAL, "tt_linear_new: %s", rng == NULL ? "rng is NULL" : "features must be at least 1");
        return NULL;
    }
    tt_linear *layer = calloc(1, sizeof *layer);
    if (layer == NULL) {
        tt_set_error(TT_ENOMEM, "tt_linear_new: out of memory");
        return NULL;
    }
    tt_module_init(&layer->base, &linear_ops);
    layer->in_features = in_features;
    layer->out_features = out_features;

    /* tt_tensor_new records TT_ENOMEM itself; add_parameter frees the tensor
     * if it fails. */
    tt_tensor *w = tt_tensor_new(2, (size_t[]){in_features, out_features});
    if (w == NULL)
        goto fail;
    init_small_normal(w, rng);
    if (tt_module_add_parameter(&layer->base, "weights", w) != TT_OK)
        goto fail;
    layer->weights = w;
    if (use_bias) {
        tt_tensor *b = tt_tensor_new(1, (size_t[]){out_features});
        if (b == NULL)
            goto fail;
        init_small_normal(b, rng);
        if (tt_module_add_parameter(&layer->base, "bias", b) != TT_OK)
            goto fail;
        layer->bias = b;
    }
    return &layer->base;
fail:
    tt_module_free(&layer->base);
    return NULL;
    /* END SOLUTION */
    /* STUB: (void)in_features; */
    /* STUB: (void)out_features; */
    /* STUB: (void)use_bias; */
    /* STUB: (void)rng; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
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
