/* hidden_linear.c - hidden tests for lab 3, Linear (tt_linear.h).
 *
 * tt_matmul and the Module functions are the reference here, so only
 * linear.c can lose these points. The oracle never trusts the layer's own
 * tensors: the expected weights and bias are drawn here from a copy of the
 * layer's generator (0.1f * tt_rng_normal, weights row-major first, then
 * bias), and y = x @ W + b is computed from them in double. Each test names,
 * above it, the mutants (mutants/) it kills.
 */
#include "oracle.h"

/* What a Linear(in, out) made from a generator in state `rng` must hold:
 * in*out draws of 0.1f * tt_rng_normal for W (row-major), then out for b.
 * rng is advanced past them. */
typedef struct expected_layer {
    size_t in, out;
    float *w; /* in x out */
    float *b; /* out, or NULL without bias */
} expected_layer;

static expected_layer expect_draws(tt_rng *rng, size_t in, size_t out, bool use_bias)
{
    expected_layer e = {in, out, malloc(in * out * sizeof(float)), NULL};
    cr_assert(e.w != NULL, "test setup: out of memory");
    for (size_t i = 0; i < in * out; i++)
        e.w[i] = 0.1f * tt_rng_normal(rng);
    if (use_bias) {
        e.b = malloc(out * sizeof(float));
        cr_assert(e.b != NULL, "test setup: out of memory");
        for (size_t j = 0; j < out; j++)
            e.b[j] = 0.1f * tt_rng_normal(rng);
    }
    return e;
}

static void expected_free(expected_layer *e)
{
    free(e->w);
    free(e->b);
}

/* A Linear that must be created. */
static tt_module *linear_made(const char *mark, size_t in, size_t out, bool use_bias, tt_rng *rng)
{
    tt_clear_error();
    tt_module *m = tt_linear_new(in, out, use_bias, rng);
    cr_assert(m != NULL, "%stt_linear_new(%zu, %zu, %s, rng) returned NULL\nexpected: a Linear layer\ngot: NULL (%s)",
              mark, in, out, use_bias ? "true" : "false", or_err());
    return m;
}
/* linear_ok: the layer is what the test checks; linear_setup: it only
 * prepares the check (a forward's), so a failure says the check was never
 * reached (setup_mark.h). */
#define linear_ok(...) linear_made("", __VA_ARGS__)
#define linear_setup(...) linear_made(TT_SETUP_MARK, __VA_ARGS__)

/* 1 if two generators are in the same state (the same draws come next). */
static int rng_same(const tt_rng *a, const tt_rng *b)
{
    return a->state == b->state && a->has_spare == b->has_spare && (!a->has_spare || a->spare == b->spare);
}

/* tt_module_forward(layer, x) checked against x @ W + b from e. */
static void expect_forward(tt_module *layer, const expected_layer *e, const tt_tensor *x)
{
    size_t ndim = x->ndim, shape[TT_MAX_DIMS];
    for (size_t d = 0; d < ndim; d++)
        shape[d] = x->shape[d];
    shape[ndim - 1] = e->out;
    const char *what = or_fmt("Linear(%zu, %zu%s) forward of %s", e->in, e->out, e->b ? "" : ", no bias",
                              or_shp(x));
    or_tensor *want = or_affine(x->data, x->size / e->in, e->in, e->w, e->out, e->b, ndim, shape);
    tt_tensor *y = tt_module_forward(layer, x);
    OR_EXPECT_FROM(y, want, what, x, tt_linear_weights(layer), tt_linear_bias(layer));
    or_free(want);
    tt_tensor_free(y);
}

/* clauses: linear.init */
/* The exact initialisation: weights row-major first, then bias; exactly
 * in*out + out draws; the generator's state is used as given (here with a
 * spare normal pending).
 * Kills: init_scale_one, init_uniform, bias_drawn_first,
 * weights_column_major_fill, weights_out_in, ignores_rng. */
HIDDEN_TEST(linear, init_exact_draws_in_order, 2, "exact 0.1f * normal draws, W then b")
{
    static const size_t cases[][2] = {{3, 4}, {5, 2}, {1, 6}, {6, 1}, {2, 2}};
    tt_rng rng;
    tt_rng_seed(&rng, 31337);
    (void)tt_rng_normal(&rng); /* one normal drawn: the next one is the spare */
    for (size_t c = 0; c < OR_LEN(cases); c++) {
        size_t in = cases[c][0], out = cases[c][1];
        tt_rng check = rng;
        expected_layer e = expect_draws(&check, in, out, true);
        tt_module *layer = linear_ok(in, out, true, &rng);
        const char *what = or_fmt("Linear(%zu, %zu) weights (0.1f * tt_rng_normal, row-major, drawn first)", in, out);
        or_tensor *ww = or_exact_values(2, (const size_t[]){in, out}, e.w);
        OR_EXPECT(tt_linear_weights(layer), ww, what);
        or_tensor *wb = or_exact_values(1, (const size_t[]){out}, e.b);
        OR_EXPECT_FROM(tt_linear_bias(layer), wb,
                       or_fmt("Linear(%zu, %zu) bias (0.1f * tt_rng_normal, drawn after the weights)", in, out),
                       tt_linear_weights(layer));
        OR_CHECK(rng_same(&rng, &check),
                 "tt_linear_new(%zu, %zu, true, rng)\nexpected: exactly %zu normal draws taken from rng\n"
                 "got: rng left in another state",
                 in, out, in * out + out);
        or_free(ww);
        or_free(wb);
        expected_free(&e);
        tt_module_free(layer);
    }
    HIDDEN_PASS();
}

/* clauses: linear.init */
/* Over a large layer the weights look like N(0, 0.1^2).
 * Kills: init_scale_one, init_uniform. */
HIDDEN_TEST(linear, init_statistics_large_layer, 2, "mean ~0, std ~0.1")
{
    tt_rng rng;
    tt_rng_seed(&rng, 4242);
    tt_module *layer = linear_ok(256, 128, true, &rng);
    tt_tensor *w = tt_linear_weights(layer), *b = tt_linear_bias(layer);
    OR_EXPECT_SHAPE(w, "tt_linear_weights(Linear(256, 128))", 256, 128);
    OR_EXPECT_SHAPE(b, "tt_linear_bias(Linear(256, 128))", 128);
    double sum = 0, sq = 0;
    for (size_t i = 0; i < w->size; i++) {
        sum += w->data[i];
        sq += (double)w->data[i] * w->data[i];
    }
    double mean = sum / (double)w->size, sd = sqrt(sq / (double)w->size - mean * mean);
    OR_CHECK(fabs(mean) < 0.005, "Linear(256, 128) weights: mean\nexpected: about 0 (|mean| < 0.005)\ngot: %g", mean);
    OR_CHECK(sd > 0.095 && sd < 0.105,
             "Linear(256, 128) weights: standard deviation\nexpected: about 0.1 (0.095 to 0.105)\ngot: %g", sd);
    sum = sq = 0;
    for (size_t i = 0; i < b->size; i++) {
        sum += b->data[i];
        sq += (double)b->data[i] * b->data[i];
    }
    mean = sum / (double)b->size;
    sd = sqrt(sq / (double)b->size - mean * mean);
    OR_CHECK(fabs(mean) < 0.04, "Linear(256, 128) bias: mean\nexpected: about 0 (|mean| < 0.04)\ngot: %g", mean);
    OR_CHECK(sd > 0.07 && sd < 0.13, "Linear(256, 128) bias: standard deviation\nexpected: about 0.1 (0.07 to 0.13)\n"
                                     "got: %g",
             sd);
    tt_module_free(layer);
    HIDDEN_PASS();
}

/* Collects tt_module_named_parameters. */
typedef struct names {
    size_t n;
    char name[4][32];
    tt_tensor *t[4];
} names;

static int collect_name(const char *name, tt_tensor *param, void *ctx)
{
    names *ns = ctx;
    if (ns->n < 4) {
        snprintf(ns->name[ns->n], sizeof ns->name[0], "%s", name);
        ns->t[ns->n] = param;
    }
    ns->n++;
    return 0;
}

/* clauses: linear.new, linear.params */
/* weights (in, out) and bias (out,), registered as "weights" then "bias".
 * Kills: weights_out_in, params_bias_first. */
HIDDEN_TEST(linear, parameter_shapes_names_and_order, 2, "W (in, out), b (out,), \"weights\" then \"bias\"")
{
    tt_rng rng;
    tt_rng_seed(&rng, 77);
    tt_module *layer = linear_ok(7, 3, true, &rng);
    tt_tensor *w = tt_linear_weights(layer), *b = tt_linear_bias(layer);
    OR_EXPECT_SHAPE(w, "tt_linear_weights(Linear(7, 3)) (weights are (in, out), not PyTorch's (out, in))", 7, 3);
    OR_EXPECT_SHAPE(b, "tt_linear_bias(Linear(7, 3))", 3);
    tt_tensor *got[4] = {NULL};
    OR_EXPECT_SIZE(tt_module_parameters(layer, got, 4), 2, "tt_module_parameters(Linear(7, 3))");
    OR_CHECK(got[0] == w && got[1] == b,
             "tt_module_parameters(Linear(7, 3))\nexpected: weights, then bias\ngot: %s, then %s",
             got[0] == w ? "weights" : got[0] == b ? "bias" : "another tensor",
             got[1] == w ? "weights" : got[1] == b ? "bias" : "another tensor");
    names ns;
    memset(&ns, 0, sizeof ns);
    OR_EXPECT_STATUS(tt_module_named_parameters(layer, collect_name, &ns), TT_OK,
                     "tt_module_named_parameters(Linear(7, 3))");
    OR_CHECK(ns.n == 2 && strcmp(ns.name[0], "weights") == 0 && strcmp(ns.name[1], "bias") == 0,
             "the registered names of Linear(7, 3)\nexpected: \"weights\", \"bias\"\ngot: %zu names, \"%s\", \"%s\"",
             ns.n, ns.n > 0 ? ns.name[0] : "", ns.n > 1 ? ns.name[1] : "");
    OR_EXPECT_SIZE(tt_module_num_parameters(layer), 7 * 3 + 3, "tt_module_num_parameters(Linear(7, 3))");
    tt_module_free(layer);
    HIDDEN_PASS();
}

/* clauses: linear.params, linear.accessors, linear.forward */
/* use_bias false: no bias (NULL, not an error), one parameter "weights",
 * in*out draws only, forward = x @ W.
 * Kills: use_bias_ignored. */
HIDDEN_TEST(linear, no_bias_one_parameter, 2, "use_bias false: one parameter, x @ W")
{
    tt_rng rng, data;
    tt_rng_seed(&rng, 5);
    tt_rng_seed(&data, 55);
    tt_rng check = rng;
    expected_layer e = expect_draws(&check, 5, 3, false);
    tt_module *layer = linear_ok(5, 3, false, &rng);
    OR_CHECK(rng_same(&rng, &check),
             "tt_linear_new(5, 3, false, rng)\nexpected: exactly 15 normal draws (weights only)\n"
             "got: rng left in another state");
    tt_clear_error();
    tt_tensor *b = tt_linear_bias(layer);
    OR_CHECK(b == NULL && tt_last_status() == TT_OK,
             "tt_linear_bias(Linear(5, 3, no bias))\nexpected: NULL without an error\ngot: %s",
             b != NULL ? "a tensor" : or_err());
    tt_tensor *got[2] = {NULL, NULL};
    OR_EXPECT_SIZE(tt_module_parameters(layer, got, 2), 1, "tt_module_parameters(Linear(5, 3, no bias))");
    OR_CHECK(got[0] != NULL && got[0] == tt_linear_weights(layer),
             "tt_module_parameters(Linear(5, 3, no bias))[0]\nexpected: the weights\ngot: another tensor");
    names ns;
    memset(&ns, 0, sizeof ns);
    OR_EXPECT_STATUS(tt_module_named_parameters(layer, collect_name, &ns), TT_OK,
                     "tt_module_named_parameters(Linear(5, 3, no bias))");
    OR_CHECK(ns.n == 1 && strcmp(ns.name[0], "weights") == 0,
             "the registered names of Linear(5, 3, no bias)\nexpected: \"weights\" only\ngot: %zu names", ns.n);
    OR_EXPECT_SIZE(tt_module_num_parameters(layer), 15, "tt_module_num_parameters(Linear(5, 3, no bias))");
    tt_tensor *x = OR_RANDN(&data, 4, 5);
    expect_forward(layer, &e, x);
    tt_tensor_free(x);
    expected_free(&e);
    tt_module_free(layer);
    HIDDEN_PASS();
}

/* clauses: linear.forward */
/* y = x @ W + b for edge and random (batch, in, out), against the oracle.
 * Kills: no_bias_add, bias_indexed_by_row, bias_first_row_only,
 * weights_out_in, weights_column_major_fill, bias_drawn_first,
 * init_scale_one. */
HIDDEN_TEST(linear, forward_random_vs_oracle, 3, "x @ W + b vs double oracle")
{
    static const size_t fixed[][3] = {{1, 1, 1}, {5, 1, 9}, {4, 9, 1}, {3, 12, 7}, {1, 6, 6}};
    tt_rng rng, data;
    tt_rng_seed(&rng, 8080);
    tt_rng_seed(&data, 9090);
    for (size_t c = 0; c < OR_LEN(fixed) + 12; c++) {
        size_t batch, in, out;
        if (c < OR_LEN(fixed)) {
            batch = fixed[c][0];
            in = fixed[c][1];
            out = fixed[c][2];
        } else {
            batch = or_randint(&data, 1, 9);
            in = or_randint(&data, 1, 12);
            out = or_randint(&data, 1, 12);
        }
        tt_rng check = rng;
        expected_layer e = expect_draws(&check, in, out, true);
        tt_module *layer = linear_setup(in, out, true, &rng);
        tt_tensor *x = OR_RANDN(&data, batch, in);
        expect_forward(layer, &e, x);
        tt_tensor_free(x);
        expected_free(&e);
        tt_module_free(layer);
        rng = check;
    }
    HIDDEN_PASS();
}

/* clauses: linear.forward */
/* (..., in) -> (..., out): 1-D, 3-D, 4-D and 5-D inputs; a (4,) input gives
 * a (3,) result whose unused shape entries are 0 (or_check_tensor).
 * Kills: nd_output_2d, rows_from_first_dim, stale_unused_shape. */
HIDDEN_TEST(linear, forward_nd_input, 2, "(..., in) -> (..., out)")
{
    tt_rng rng, data;
    tt_rng_seed(&rng, 123);
    tt_rng_seed(&data, 321);
    tt_rng check = rng;
    expected_layer e = expect_draws(&check, 4, 3, true);
    tt_module *layer = linear_setup(4, 3, true, &rng);
    tt_tensor *x3 = OR_RANDN(&data, 2, 3, 4);
    tt_tensor *x4 = OR_RANDN(&data, 2, 1, 3, 4);
    tt_tensor *x1 = OR_RANDN(&data, 4);
    tt_tensor *x5 = OR_RANDN(&data, 1, 2, 1, 2, 4);
    expect_forward(layer, &e, x3);
    expect_forward(layer, &e, x4);
    expect_forward(layer, &e, x1);
    expect_forward(layer, &e, x5);
    tt_tensor_free(x5);
    tt_tensor_free(x1);
    tt_tensor_free(x4);
    tt_tensor_free(x3);
    expected_free(&e);
    tt_module_free(layer);
    HIDDEN_PASS();
}

/* clauses: linear.forward, module.ops_forward */
/* forward never modifies x (shape included), returns a new tensor each time,
 * and gives the same result twice.
 * Kills: reshapes_input_in_place. */
HIDDEN_TEST(linear, forward_leaves_input_untouched, 1, "x intact, new result")
{
    tt_rng rng;
    tt_rng_seed(&rng, 9);
    tt_module *layer = linear_setup(4, 2, true, &rng);
    tt_tensor *x = OR_RANDN(&rng, 2, 3, 4);
    tt_tensor *snap = or_snapshot(x);
    tt_tensor *y1 = tt_module_forward(layer, x);
    OR_EXPECT_SHAPE(y1, "Linear(4, 2) forward of (2, 3, 4)", 2, 3, 2);
    OR_EXPECT_UNCHANGED(x, snap, "Linear(4, 2) forward of (2, 3, 4)");
    OR_EXPECT_NEW(y1, x, "Linear(4, 2) forward of (2, 3, 4)");
    tt_tensor *y2 = tt_module_forward(layer, x);
    or_tensor *want = or_exact(y1);
    OR_EXPECT_FROM(y2, want, "Linear(4, 2) forward of (2, 3, 4), second call vs first", x, y1);
    OR_CHECK(y2 != y1, "Linear forward called twice\nexpected: two different tensors\ngot: the same one");
    OR_EXPECT_UNCHANGED(x, snap, "Linear(4, 2) forward of (2, 3, 4), second call");
    or_free(want);
    tt_tensor_free(y2);
    tt_tensor_free(y1);
    tt_tensor_free(snap);
    tt_tensor_free(x);
    tt_module_free(layer);
    HIDDEN_PASS();
}

/* clauses: linear.forward_eshape, linear.forward_0d */
/* A last dim other than in_features (or a 0-D x) is TT_ESHAPE, and the
 * message names the input shape and in_features.
 * Kills: no_last_dim_check, einval_for_wrong_dim,
 * eshape_message_without_shape. */
HIDDEN_TEST(linear, wrong_last_dim_is_eshape, 2, "TT_ESHAPE naming shape and in_features")
{
    tt_rng rng;
    tt_rng_seed(&rng, 10);
    tt_module *layer = linear_setup(4, 3, true, &rng);
    tt_tensor *bad[] = {OR_ZEROS(2, 5),    OR_ZEROS(4, 3),    OR_ZEROS(3),
                        OR_ZEROS(2, 2, 5), OR_ZEROS(3, 2, 8), OR_ZEROS(2, 1),
                        or_tensor_of(0, NULL, NULL)};
    for (size_t c = 0; c < OR_LEN(bad); c++)
        OR_EXPECT_FAIL(tt_module_forward(layer, bad[c]), TT_ESHAPE,
                       or_fmt("Linear(4, 3) forward of %s", or_shp(bad[c])));
    for (size_t c = 0; c < OR_LEN(bad); c++)
        tt_tensor_free(bad[c]);
    tt_tensor *x = OR_ZEROS(2, 5);
    OR_EXPECT_FAIL(tt_module_forward(layer, x), TT_ESHAPE, "Linear(4, 3) forward of (2, 5)");
    OR_EXPECT_MSG_CONTAINS("(2, 5)", "Linear(4, 3) forward of (2, 5) (the message names the input shape)");
    OR_EXPECT_MSG_CONTAINS("4", "Linear(4, 3) forward of (2, 5) (the message names in_features)");
    tt_tensor_free(x);
    tt_module_free(layer);
    HIDDEN_PASS();
}

/* clauses: linear.einval */
/* Zero features or a NULL rng: NULL with TT_EINVAL, not a crash.
 * Kills: null_rng_not_checked. */
HIDDEN_TEST(linear, bad_constructor_args_einval, 2, "zero sizes, NULL rng: TT_EINVAL")
{
    tt_rng rng;
    tt_rng_seed(&rng, 11);
    static const size_t cases[][3] = {{0, 3, 1}, {3, 0, 1}, {0, 0, 0}, {0, 5, 0}};
    for (size_t c = 0; c < OR_LEN(cases); c++) {
        tt_clear_error();
        tt_module *m = tt_linear_new(cases[c][0], cases[c][1], cases[c][2] != 0, &rng);
        OR_CHECK(m == NULL && tt_last_status() == TT_EINVAL,
                 "tt_linear_new(%zu, %zu, %s, rng)\nexpected: NULL with TT_EINVAL\ngot: %s", cases[c][0], cases[c][1],
                 cases[c][2] ? "true" : "false", m != NULL ? "a module" : or_err());
    }
    tt_clear_error();
    tt_module *m = tt_linear_new(3, 3, true, NULL);
    OR_CHECK(m == NULL && tt_last_status() == TT_EINVAL,
             "tt_linear_new(3, 3, true, NULL)\nexpected: NULL with TT_EINVAL\ngot: %s",
             m != NULL ? "a module" : or_err());
    HIDDEN_PASS();
}

/* clauses: linear.init */
/* The same seed gives the same layer; another seed another one.
 * Kills: ignores_rng. */
HIDDEN_TEST(linear, seed_determinism, 1, "same seed same layer, other seed other")
{
    tt_rng r1, r2, r3;
    tt_rng_seed(&r1, 2718);
    tt_rng_seed(&r2, 2718);
    tt_rng_seed(&r3, 2719);
    tt_module *a = linear_ok(6, 4, true, &r1);
    tt_module *b = linear_ok(6, 4, true, &r2);
    tt_module *c = linear_ok(6, 4, true, &r3);
    tt_tensor *wa = tt_linear_weights(a), *wb = tt_linear_weights(b), *wc = tt_linear_weights(c);
    OR_EXPECT_SHAPE(wa, "tt_linear_weights(Linear(6, 4), seed 2718)", 6, 4);
    OR_EXPECT_SHAPE(wc, "tt_linear_weights(Linear(6, 4), seed 2719)", 6, 4);
    or_tensor *want = or_exact(wa);
    OR_EXPECT(wb, want, "Linear(6, 4) weights from seed 2718, made twice");
    or_free(want);
    OR_CHECK(memcmp(wa->data, wc->data, wa->size * sizeof(float)) != 0,
             "Linear(6, 4) weights from seeds 2718 and 2719\nexpected: different (drawn from the rng given)\n"
             "got: the same values");
    tt_module_free(c);
    tt_module_free(b);
    tt_module_free(a);
    HIDDEN_PASS();
}

/* A module of a type of its own, that is not a Linear. */
static const tt_module_ops other_ops = {.name = "Other"};

/* clauses: linear.accessors, linear.accessors_einval */
/* tt_linear_weights and tt_linear_bias give a Linear's tensors, and refuse
 * what is not a Linear (NULL, a ReLU, a module of another type) with NULL
 * and TT_EINVAL.
 * Kills: accessors_no_type_check. */
HIDDEN_TEST(linear, accessors_refuse_non_linear, 1, "weights/bias: a Linear's, else NULL with TT_EINVAL")
{
    tt_rng rng;
    tt_rng_seed(&rng, 5);
    tt_module *layer = linear_setup(3, 2, true, &rng);
    OR_EXPECT_SHAPE(tt_linear_weights(layer), "tt_linear_weights(Linear(3, 2))", 3, 2);
    OR_EXPECT_SHAPE(tt_linear_bias(layer), "tt_linear_bias(Linear(3, 2))", 2);
    tt_module_free(layer);
    tt_module *relu = tt_relu_new();
    cr_assert(relu != NULL, "test setup: tt_relu_new failed");
    tt_module *other = calloc(1, sizeof *other);
    cr_assert(other != NULL, "test setup: out of memory");
    tt_module_init(other, &other_ops);
    static const char *const what[] = {"NULL", "a ReLU", "a module of type \"Other\""};
    tt_module *not_linear[] = {NULL, relu, other};
    for (size_t i = 0; i < OR_LEN(not_linear); i++) {
        OR_EXPECT_FAIL(tt_linear_weights(not_linear[i]), TT_EINVAL, or_fmt("tt_linear_weights(%s)", what[i]));
        OR_EXPECT_FAIL(tt_linear_bias(not_linear[i]), TT_EINVAL, or_fmt("tt_linear_bias(%s)", what[i]));
    }
    tt_module_free(other);
    tt_module_free(relu);
    HIDDEN_PASS();
}
