/* test_linear.c - public tests for lab 3, Linear (the course's test_unit_linear
 * and the Linear half of test_unit_parameter_management). */
#include "ptest.h"

/* A new Linear(in, out), required to succeed. */
static tt_module *linear_ok(size_t in, size_t out, bool use_bias, tt_rng *rng)
{
    tt_module *m = tt_linear_new(in, out, use_bias, rng);
    PT_NONNULL(m, pt_fmt("tt_linear_new(%zu, %zu, %s, rng)", in, out, use_bias ? "true" : "false"));
    return m;
}

/* tt_module_forward(m, x), required to succeed. */
static tt_tensor *forward_ok(tt_module *m, const tt_tensor *x, const char *what)
{
    tt_tensor *y = tt_module_forward(m, x);
    PT_NONNULL(y, what);
    return y;
}

/* x @ W + b computed here, in double, from the layer's own tensors. */
static void reference_forward(const tt_tensor *x, const tt_tensor *w, const tt_tensor *b, float *out)
{
    size_t in = w->shape[0], n_out = w->shape[1], rows = x->size / in;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < n_out; j++) {
            double s = b ? (double)b->data[j] : 0.0;
            for (size_t p = 0; p < in; p++)
                s += (double)x->data[r * in + p] * (double)w->data[p * n_out + j];
            out[r * n_out + j] = (float)s;
        }
}

/* clauses: linear.forward */
Test(linear, output_shape)
{
    static const float xv[] = {1, 2, 3};
    tt_rng rng;
    tt_rng_seed(&rng, 1);
    tt_module *layer = linear_ok(3, 2, true, &rng);
    tt_tensor *x = PT_TENSOR(xv, 1, 3);
    tt_tensor *y = tt_module_forward(layer, x);
    PT_SHAPE(y, "tt_module_forward(Linear(3, 2), (1, 3))", 1, 2);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(layer);
}

/* clauses: linear.new, linear.accessors */
Test(linear, weights_and_bias_shapes)
{
    tt_rng rng;
    tt_rng_seed(&rng, 2);
    tt_module *layer = linear_ok(10, 5, true, &rng);
    PT_STR(tt_module_name(layer), "Linear", "tt_module_name(Linear(10, 5))");
    PT_SHAPE(tt_linear_weights(layer), "tt_linear_weights(Linear(10, 5))", 10, 5);
    PT_SHAPE(tt_linear_bias(layer), "tt_linear_bias(Linear(10, 5))", 5);
    tt_module_free(layer);
}

/* clauses: linear.init */
Test(linear, init_is_small)
{
    /* The course: np.abs(weights).mean() < 1.0 ("weights should be small"). */
    tt_rng rng;
    tt_rng_seed(&rng, 3);
    tt_module *layer = linear_ok(10, 5, true, &rng);
    tt_tensor *w = tt_linear_weights(layer);
    PT_SHAPE(w, "tt_linear_weights(Linear(10, 5))", 10, 5);
    double sum = 0.0;
    int all_zero = 1;
    for (size_t i = 0; i < w->size; i++) {
        sum += fabs((double)w->data[i]);
        if (w->data[i] != 0.0f)
            all_zero = 0;
    }
    double mean = sum / (double)w->size;
    cr_assert(mean < 1.0, "Linear(10, 5): mean |weight| is %g; weights should be small (< 1.0)", mean);
    cr_assert(!all_zero, "Linear(10, 5): every weight is 0; they should be random (0.1 * tt_rng_normal)");
    tt_module_free(layer);
}

/* clauses: linear.init */
Test(linear, init_draws_weights_then_bias)
{
    /* tt_linear.h: in*out draws of 0.1f * tt_rng_normal fill the weights in
     * row-major order, then out draws fill the bias. */
    tt_rng rng, check;
    tt_rng_seed(&rng, 99);
    tt_rng_seed(&check, 99);
    tt_module *layer = linear_ok(3, 4, true, &rng);
    float wv[12], bv[4];
    for (size_t i = 0; i < 12; i++)
        wv[i] = 0.1f * tt_rng_normal(&check);
    for (size_t i = 0; i < 4; i++)
        bv[i] = 0.1f * tt_rng_normal(&check);
    PT_VALUES(tt_linear_weights(layer), "Linear(3, 4) weights from seed 99", wv, 3, 4);
    PT_VALUES(tt_linear_bias(layer), "Linear(3, 4) bias from seed 99", bv, 4);
    /* The layer used exactly 16 draws: the generators are in step again. */
    cr_assert(tt_rng_next(&rng) == tt_rng_next(&check),
              "tt_linear_new(3, 4, true, rng) should take exactly 3*4 + 4 normal draws from rng");
    tt_module_free(layer);
}

/* clauses: linear.params, linear.accessors */
Test(linear, no_bias_has_one_parameter)
{
    tt_rng rng;
    tt_rng_seed(&rng, 4);
    tt_module *layer = linear_ok(2, 3, false, &rng);
    PT_SHAPE(tt_linear_weights(layer), "tt_linear_weights(Linear(2, 3, no bias))", 2, 3);
    tt_clear_error();
    cr_assert(tt_linear_bias(layer) == NULL, "tt_linear_bias(Linear(2, 3, no bias)) should be NULL");
    PT_STATUS(TT_OK, "tt_linear_bias on a layer without bias (NULL is not an error)");
    tt_tensor *params[2] = {0};
    PT_SIZE(tt_module_parameters(layer, params, 2), 1, "tt_module_parameters(Linear(2, 3, no bias))");
    cr_assert(params[0] == tt_linear_weights(layer),
              "the only parameter of a Linear without bias should be its weights");
    PT_SIZE(tt_module_num_parameters(layer), 6, "tt_module_num_parameters(Linear(2, 3, no bias))");
    tt_module_free(layer);
}

/* clauses: linear.params */
Test(linear, parameters_are_weights_then_bias)
{
    tt_rng rng;
    tt_rng_seed(&rng, 5);
    tt_module *layer = linear_ok(3, 2, true, &rng);
    tt_tensor *params[3] = {0};
    PT_SIZE(tt_module_parameters(layer, params, 3), 2, "tt_module_parameters(Linear(3, 2))");
    cr_assert(params[0] == tt_linear_weights(layer), "tt_module_parameters(Linear)[0] should be the weights");
    cr_assert(params[1] == tt_linear_bias(layer), "tt_module_parameters(Linear)[1] should be the bias");
    cr_assert(layer->n_params == 2, "Linear(3, 2) has %zu registered parameters, expected 2", layer->n_params);
    PT_STR(layer->params[0].name, "weights", "the name the weights are registered under");
    PT_STR(layer->params[1].name, "bias", "the name the bias is registered under");
    PT_SIZE(tt_module_num_parameters(layer), 3 * 2 + 2, "tt_module_num_parameters(Linear(3, 2))");
    tt_module_free(layer);
}

/* clauses: linear.forward */
Test(linear, batch_forward)
{
    static const float xv[] = {1, 2, 3, 4, 5, 6};
    tt_rng rng;
    tt_rng_seed(&rng, 6);
    tt_module *layer = linear_ok(2, 2, true, &rng);
    tt_tensor *x = PT_TENSOR(xv, 3, 2);
    tt_tensor *y = tt_module_forward(layer, x);
    PT_SHAPE(y, "tt_module_forward(Linear(2, 2), (3, 2))", 3, 2);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(layer);
}

/* clauses: linear.forward, module.ops_forward */
Test(linear, forward_twice_gives_same_output)
{
    /* The course's "callable interface": layer(x) == layer.forward(x). Here
     * both are tt_module_forward; a second call must not see any state left
     * over from the first. */
    static const float xv[] = {1, 2, 3, 4, 5, 6};
    tt_rng rng;
    tt_rng_seed(&rng, 6);
    tt_module *layer = linear_ok(2, 2, true, &rng);
    tt_tensor *x = PT_TENSOR(xv, 3, 2);
    tt_tensor *x0 = pt_snapshot(x);
    tt_tensor *y1 = forward_ok(layer, x, "tt_module_forward(Linear(2, 2), (3, 2)), first call");
    tt_tensor *y2 = forward_ok(layer, x, "tt_module_forward(Linear(2, 2), (3, 2)), second call");
    cr_assert(y1 != y2, "two forwards returned the same tensor pointer; each must return a new tensor");
    PT_LIKE(y2, y1, "tt_module_forward(Linear(2, 2), (3, 2)): second call vs first");
    PT_UNCHANGED(x, x0, "tt_module_forward(Linear(2, 2), (3, 2))");
    tt_tensor_free(y2);
    tt_tensor_free(y1);
    tt_tensor_free(x0);
    tt_tensor_free(x);
    tt_module_free(layer);
}

/* clauses: linear.forward */
Test(linear, forward_is_x_times_w_plus_b)
{
    tt_rng rng;
    tt_rng_seed(&rng, 7);
    tt_module *layer = linear_ok(4, 3, true, &rng);
    tt_tensor *x = PT_RANDN(&rng, 2, 4);
    tt_tensor *w = tt_linear_weights(layer);
    tt_tensor *b = tt_linear_bias(layer);
    PT_SHAPE(w, "tt_linear_weights(Linear(4, 3))", 4, 3);
    PT_SHAPE(b, "tt_linear_bias(Linear(4, 3))", 3);
    float want[2 * 3];
    reference_forward(x, w, b, want);
    tt_tensor *y = tt_module_forward(layer, x);
    PT_VALUES(y, "tt_module_forward(Linear(4, 3), (2, 4)) vs x @ W + b", want, 2, 3);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(layer);
}

/* clauses: linear.forward */
Test(linear, forward_without_bias_is_x_times_w)
{
    tt_rng rng;
    tt_rng_seed(&rng, 8);
    tt_module *layer = linear_ok(3, 2, false, &rng);
    tt_tensor *x = PT_RANDN(&rng, 4, 3);
    tt_tensor *w = tt_linear_weights(layer);
    PT_SHAPE(w, "tt_linear_weights(Linear(3, 2, no bias))", 3, 2);
    float want[4 * 2];
    reference_forward(x, w, NULL, want);
    tt_tensor *y = tt_module_forward(layer, x);
    PT_VALUES(y, "tt_module_forward(Linear(3, 2, no bias), (4, 3)) vs x @ W", want, 4, 2);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(layer);
}

/* clauses: linear.forward */
Test(linear, forward_keeps_leading_dims)
{
    /* x is (..., in): a (2, 2, 3) input gives (2, 2, 4), and a 1-D (3,) input
     * gives (4,), each row transformed as in the 2-D case. */
    tt_rng rng;
    tt_rng_seed(&rng, 9);
    tt_module *layer = linear_ok(3, 4, true, &rng);
    tt_tensor *w = tt_linear_weights(layer);
    tt_tensor *b = tt_linear_bias(layer);
    PT_SHAPE(w, "tt_linear_weights(Linear(3, 4))", 3, 4);

    tt_tensor *x3 = PT_RANDN(&rng, 2, 2, 3);
    float want3[2 * 2 * 4];
    reference_forward(x3, w, b, want3);
    tt_tensor *y3 = tt_module_forward(layer, x3);
    PT_VALUES(y3, "tt_module_forward(Linear(3, 4), (2, 2, 3))", want3, 2, 2, 4);

    tt_tensor *x1 = PT_RANDN(&rng, 3);
    float want1[4];
    reference_forward(x1, w, b, want1);
    tt_tensor *y1 = tt_module_forward(layer, x1);
    PT_VALUES(y1, "tt_module_forward(Linear(3, 4), (3,))", want1, 4);

    tt_tensor_free(y1);
    tt_tensor_free(x1);
    tt_tensor_free(y3);
    tt_tensor_free(x3);
    tt_module_free(layer);
}

/* clauses: linear.forward_eshape */
Test(linear, wrong_last_dim_is_eshape)
{
    tt_rng rng;
    tt_rng_seed(&rng, 10);
    tt_module *layer = linear_ok(3, 2, true, &rng);
    tt_tensor *good = PT_ARANGE(1, 3);
    tt_tensor *bad = PT_ARANGE(1, 4);
    tt_tensor *y = forward_ok(layer, good, "tt_module_forward(Linear(3, 2), (1, 3))");
    tt_tensor_free(y);

    const char *what = "tt_module_forward(Linear(3, 2), (1, 4))";
    PT_TENSOR_FAILS(tt_module_forward(layer, bad), TT_ESHAPE, what);
    PT_ERROR_CONTAINS("(1, 4)", pt_fmt("%s (the input's shape)", what));
    PT_ERROR_CONTAINS("3", pt_fmt("%s (in_features)", what));
    tt_tensor_free(bad);
    tt_tensor_free(good);
    tt_module_free(layer);
}

/* clauses: linear.forward_0d */
Test(linear, zero_d_input_is_eshape)
{
    /* A 0-D x has no last dim to match in_features: TT_ESHAPE, not a crash. */
    tt_rng rng;
    tt_rng_seed(&rng, 13);
    tt_module *layer = linear_ok(1, 2, true, &rng);
    tt_tensor *good = PT_ARANGE(1);
    tt_tensor *y = forward_ok(layer, good, "tt_module_forward(Linear(1, 2), (1,))");
    tt_tensor_free(y);
    static const float one = 1.0f;
    tt_tensor *scalar = tt_tensor_from(0, NULL, &one);
    PT_NONNULL(scalar, "test setup: tt_tensor_from(0-D)");
    PT_TENSOR_FAILS(tt_module_forward(layer, scalar), TT_ESHAPE, "tt_module_forward(Linear(1, 2), 0-D tensor ())");
    tt_tensor_free(scalar);
    tt_tensor_free(good);
    tt_module_free(layer);
}

/* clauses: linear.einval */
Test(linear, bad_arguments_are_einval)
{
    tt_rng rng;
    tt_rng_seed(&rng, 11);
    tt_module *ok = linear_ok(2, 2, true, &rng);
    tt_module_free(ok);

    static const struct { size_t in, out; int null_rng; const char *what; } bad[] = {
        {0, 2, 0, "tt_linear_new(0, 2, true, rng)"},
        {2, 0, 0, "tt_linear_new(2, 0, true, rng)"},
        {2, 2, 1, "tt_linear_new(2, 2, true, NULL)"},
    };
    for (size_t i = 0; i < PT_ARRAY_LEN(bad); i++) {
        tt_clear_error();
        tt_module *m = tt_linear_new(bad[i].in, bad[i].out, true, bad[i].null_rng ? NULL : &rng);
        if (m != NULL) {
            tt_module_free(m);
            cr_assert_fail("%s: expected NULL with TT_EINVAL, but it returned a module", bad[i].what);
        }
        PT_STATUS(TT_EINVAL, bad[i].what);
    }
}

/* clauses: linear.enomem */
Test(linear, too_large_is_enomem)
{
    /* Linear(2^23, 2^23) needs 2^46 weights, 256 TiB: NULL with TT_ENOMEM
     * (and, under make memcheck's Valgrind, nothing leaked). */
    tt_rng rng;
    tt_rng_seed(&rng, 14);
    tt_module *ok = linear_ok(2, 2, true, &rng);
    tt_module_free(ok);
    const size_t big = (size_t)1 << 23;
    tt_clear_error();
    tt_module *m = tt_linear_new(big, big, true, &rng);
    if (m != NULL) {
        tt_module_free(m);
        cr_assert_fail("tt_linear_new(8388608, 8388608, true, rng): expected NULL with TT_ENOMEM "
                       "(256 TiB of weights), but it returned a module");
    }
    PT_STATUS(TT_ENOMEM, "tt_linear_new(8388608, 8388608, true, rng) (check what tt_tensor_new returns)");
}

/* clauses: linear.accessors_einval */
Test(linear, accessors_reject_other_modules)
{
    tt_rng rng;
    tt_rng_seed(&rng, 12);
    tt_module *layer = linear_ok(2, 2, true, &rng);
    PT_NONNULL(tt_linear_weights(layer), "tt_linear_weights(Linear(2, 2))");
    tt_module *relu = tt_relu_new();
    PT_NONNULL(relu, "tt_relu_new()");
    tt_clear_error();
    cr_assert(tt_linear_weights(relu) == NULL, "tt_linear_weights(ReLU) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_linear_weights(ReLU)");
    tt_clear_error();
    cr_assert(tt_linear_bias(relu) == NULL, "tt_linear_bias(ReLU) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_linear_bias(ReLU)");
    tt_module_free(relu);
    tt_module_free(layer);
}
