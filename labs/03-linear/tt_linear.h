/* tt_linear.h - lab 3: the fully connected layer, y = x @ W + b.
 * Each [tag] names one clause of the contract, as in tt_module.h. */
#ifndef TT_LINEAR_H
#define TT_LINEAR_H

#include <stdbool.h>
#include <stddef.h>

#include "tt_module.h"
#include "tt_rng.h"

typedef struct tt_linear {
    tt_module base;        /* must stay first: a tt_linear is a tt_module */
    size_t in_features;
    size_t out_features;
    tt_tensor *weights;    /* (in_features, out_features); owned by base as "weights" */
    tt_tensor *bias;       /* (out_features,), or NULL without bias; owned by base as "bias" */
} tt_linear;

/* A new Linear layer. weights is (in_features, out_features), NOT PyTorch's
 * (out, in), so that forward is a plain x @ W. [linear.new] Initialisation, in
 * this order: in_features*out_features draws of 0.1f * tt_rng_normal(rng) fill
 * weights in row-major order, then (if use_bias) out_features draws fill bias.
 * [linear.init]
 * Parameters are registered as "weights" then "bias" (no bias: one parameter).
 * [linear.params]
 * Returns a module the caller owns (free it with tt_module_free), or NULL with
 * TT_EINVAL (a zero size, NULL rng) [linear.einval] or TT_ENOMEM, leaking
 * nothing [linear.enomem]. */
tt_module *tt_linear_new(size_t in_features, size_t out_features, bool use_bias, tt_rng *rng);

/* The forward of a Linear (reached through tt_module_forward):
 * x is (..., in_features); returns (..., out_features), a new tensor.
 * [linear.forward]
 * A last dim other than in_features gives TT_ESHAPE naming both the input
 * shape and in_features [linear.forward_eshape]; so does a 0-D x
 * [linear.forward_0d]. Uses tt_matmul for the product. */

/* The layer's weights (in, out) / bias (out,) tensors, borrowed: the layer
 * still owns them; bias is NULL (without an error) for a layer made without
 * bias. [linear.accessors] NULL with TT_EINVAL if m is not a Linear.
 * [linear.accessors_einval] */
tt_tensor *tt_linear_weights(const tt_module *m);
tt_tensor *tt_linear_bias(const tt_module *m);

#endif /* TT_LINEAR_H */
