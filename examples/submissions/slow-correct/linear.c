/* linear.c - the "slow-correct" example: right, but slow on purpose. The
 * forward computes its product itself, each output SLOW_REPEAT times over
 * through a volatile accumulator, then adds the bias element by element. */
#include <stdlib.h>

#include "tinytorch.h"

#define SLOW_REPEAT 10

static tt_tensor *linear_forward(tt_module *self, const tt_tensor *x)
{
    tt_linear *l = TT_CONTAINER_OF(self, tt_linear, base);
    char s[TT_SHAPE_STR_MAX];
    if (x->ndim < 1 || x->shape[x->ndim - 1] != l->in_features) {
        tt_set_error(TT_ESHAPE, "Linear(%zu, %zu): bad input shape %s", l->in_features, l->out_features,
                     tt_shape_str(x, s, sizeof s));
        return NULL;
    }
    size_t shape[TT_MAX_DIMS];
    for (size_t d = 0; d < x->ndim; d++)
        shape[d] = x->shape[d];
    shape[x->ndim - 1] = l->out_features;
    tt_tensor *y = tt_tensor_new(x->ndim, shape);
    if (!y)
        return NULL;
    const size_t rows = x->size / l->in_features, in = l->in_features, out = l->out_features;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < out; j++)
            for (int r = 0; r < SLOW_REPEAT; r++) {
                volatile float acc = 0.0f;
                for (size_t p = 0; p < in; p++)
                    acc += x->data[i * in + p] * l->weights->data[p * out + j];
                y->data[i * out + j] = acc;
            }
    if (l->bias)
        for (size_t i = 0; i < y->size; i++)
            y->data[i] += l->bias->data[i % l->out_features];
    return y;
}

static const tt_module_ops linear_ops = {"Linear", linear_forward, NULL};

tt_module *tt_linear_new(size_t in_features, size_t out_features, bool use_bias, tt_rng *rng)
{
    if (!rng || !in_features || !out_features) {
        tt_set_error(TT_EINVAL, "tt_linear_new: bad arguments");
        return NULL;
    }
    tt_linear *l = calloc(1, sizeof *l);
    if (!l) {
        tt_set_error(TT_ENOMEM, "tt_linear_new: out of memory");
        return NULL;
    }
    tt_module_init(&l->base, &linear_ops);
    l->in_features = in_features;
    l->out_features = out_features;
    size_t wshape[2] = {in_features, out_features};
    tt_tensor *w = tt_tensor_new(2, wshape);
    if (w)
        for (size_t i = 0; i < w->size; i++)
            w->data[i] = tt_rng_normal(rng) * 0.1f;
    if (tt_module_add_parameter(&l->base, "weights", w) != TT_OK) {
        tt_module_free(&l->base);
        return NULL;
    }
    l->weights = w;
    if (use_bias) {
        tt_tensor *b = tt_tensor_new(1, &out_features);
        if (b)
            for (size_t i = 0; i < b->size; i++)
                b->data[i] = tt_rng_normal(rng) * 0.1f;
        if (tt_module_add_parameter(&l->base, "bias", b) != TT_OK) {
            tt_module_free(&l->base);
            return NULL;
        }
        l->bias = b;
    }
    return &l->base;
}

static tt_linear *linear_of(const tt_module *m)
{
    if (!m || m->ops != &linear_ops) {
        tt_set_error(TT_EINVAL, "not a Linear layer");
        return NULL;
    }
    return TT_CONTAINER_OF((tt_module *)m, tt_linear, base);
}

tt_tensor *tt_linear_weights(const tt_module *m)
{
    tt_linear *l = linear_of(m);
    return l ? l->weights : NULL;
}

tt_tensor *tt_linear_bias(const tt_module *m)
{
    tt_linear *l = linear_of(m);
    return l ? l->bias : NULL;
}
