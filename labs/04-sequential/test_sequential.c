/* test_sequential.c - public tests for lab 4, Sequential (the course's
 * test_unit_sequential, plus the 784-256-128-10 MLP). */
#include "ptest.h"

static tt_module *linear_ok(size_t in, size_t out, tt_rng *rng)
{
    tt_module *m = tt_linear_new(in, out, true, rng);
    PT_NONNULL(m, pt_fmt("tt_linear_new(%zu, %zu, true, rng)", in, out));
    return m;
}

static tt_module *relu_ok(void)
{
    tt_module *m = tt_relu_new();
    PT_NONNULL(m, "tt_relu_new()");
    return m;
}

/* A layer type that counts how often it is destroyed (tt_module_free). */
static int destroyed;

static void counted_destroy(tt_module *self)
{
    (void)self;
    destroyed++;
}

static const tt_module_ops counted_ops = {.name = "Counted", .destroy = counted_destroy};

static tt_module *counted_new(void)
{
    tt_module *m = malloc(sizeof *m);
    cr_assert(m != NULL, "test setup: out of memory");
    tt_module_init(m, &counted_ops);
    return m;
}

/* Sequential([Linear(3, 4), Linear(4, 2)]), as in the course. */
static tt_module *two_linears(tt_rng *rng, tt_module **l0, tt_module **l1)
{
    tt_module *layers[2];
    layers[0] = linear_ok(3, 4, rng);
    layers[1] = linear_ok(4, 2, rng);
    if (l0)
        *l0 = layers[0];
    if (l1)
        *l1 = layers[1];
    tt_module *seq = tt_sequential_new(layers, 2);
    PT_NONNULL(seq, "tt_sequential_new([Linear(3, 4), Linear(4, 2)], 2)");
    return seq;
}

/* clauses: sequential.new_empty, sequential.len */
Test(sequential, empty_has_no_layers)
{
    tt_module *seq = tt_sequential_new(NULL, 0);
    PT_NONNULL(seq, "tt_sequential_new(NULL, 0)");
    tt_clear_error();
    PT_SIZE(tt_sequential_len(seq), 0, "tt_sequential_len(empty Sequential)");
    PT_STATUS(TT_OK, "tt_sequential_len(empty Sequential) (0 layers is not an error)");
    PT_STR(tt_module_name(seq), "Sequential", "tt_module_name(tt_sequential_new(NULL, 0))");
    PT_SIZE(tt_module_parameters(seq, NULL, 0), 0, "tt_module_parameters(empty Sequential)");
    tt_module_free(seq);
}

/* clauses: sequential.forward_empty */
Test(sequential, empty_forward_returns_a_copy)
{
    static const float xv[] = {1, -2, 3, -4, 5, -6};
    tt_module *seq = tt_sequential_new(NULL, 0);
    PT_NONNULL(seq, "tt_sequential_new(NULL, 0)");
    tt_tensor *x = PT_TENSOR(xv, 2, 3);
    tt_tensor *y = tt_module_forward(seq, x);
    PT_NONNULL(y, "tt_module_forward(empty Sequential, (2, 3))");
    cr_assert(y != x, "an empty Sequential's forward returned x itself; it must return a new copy "
                      "(the caller frees the result)");
    cr_assert(y->data != x->data, "an empty Sequential's forward returned a tensor sharing x's data buffer");
    PT_VALUES(y, "tt_module_forward(empty Sequential, (2, 3))", xv, 2, 3);
    tt_tensor_free(x); /* the copy must survive its source */
    PT_VALUES(y, "tt_module_forward(empty Sequential, (2, 3)) after freeing x", xv, 2, 3);
    tt_tensor_free(y);
    tt_module_free(seq);
}

/* clauses: sequential.new, sequential.len */
Test(sequential, two_layers_len)
{
    tt_rng rng;
    tt_rng_seed(&rng, 1);
    tt_module *seq = two_linears(&rng, NULL, NULL);
    PT_SIZE(tt_sequential_len(seq), 2, "tt_sequential_len(Sequential([Linear(3, 4), Linear(4, 2)]))");
    PT_SIZE(seq->n_children, 2, "the number of registered children of a Sequential of 2 layers");
    PT_STR(seq->children[0].name, "layer_0", "the first layer's child name");
    PT_STR(seq->children[1].name, "layer_1", "the second layer's child name");
    tt_module_free(seq);
}

/* clauses: sequential.forward */
Test(sequential, forward_shape)
{
    static const float xv[] = {1, 2, 3};
    tt_rng rng;
    tt_rng_seed(&rng, 2);
    tt_module *seq = two_linears(&rng, NULL, NULL);
    tt_tensor *x = PT_TENSOR(xv, 1, 3);
    tt_tensor *y = tt_module_forward(seq, x);
    PT_SHAPE(y, "tt_module_forward(Sequential([Linear(3, 4), Linear(4, 2)]), (1, 3))", 1, 2);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(seq);
}

/* clauses: sequential.forward, sequential.forward_input */
Test(sequential, forward_chains_the_layers_in_order)
{
    tt_rng rng;
    tt_rng_seed(&rng, 3);
    tt_module *l0, *l1;
    tt_module *seq = two_linears(&rng, &l0, &l1);
    tt_tensor *x = PT_RANDN(&rng, 5, 3);
    tt_tensor *x0 = pt_snapshot(x);
    tt_tensor *y = tt_module_forward(seq, x);
    PT_NONNULL(y, "tt_module_forward(Sequential([Linear(3, 4), Linear(4, 2)]), (5, 3))");
    /* The layers are still reachable (borrowed): the Sequential owns them. */
    tt_tensor *h = tt_module_forward(l0, x);
    PT_NONNULL(h, "tt_module_forward(Linear(3, 4), (5, 3))");
    tt_tensor *want = tt_module_forward(l1, h);
    PT_NONNULL(want, "tt_module_forward(Linear(4, 2), (5, 4))");
    PT_LIKE(y, want, "tt_module_forward(Sequential, (5, 3)) vs layer_1(layer_0(x))");
    PT_UNCHANGED(x, x0, "tt_module_forward(Sequential, (5, 3))");
    tt_tensor_free(want);
    tt_tensor_free(h);
    tt_tensor_free(y);
    tt_tensor_free(x0);
    tt_tensor_free(x);
    tt_module_free(seq);
}

/* clauses: sequential.new, module.parameters */
Test(sequential, collects_four_parameters)
{
    tt_rng rng;
    tt_rng_seed(&rng, 4);
    tt_module *l0, *l1;
    tt_module *seq = two_linears(&rng, &l0, &l1);
    tt_tensor *params[4] = {0};
    PT_SIZE(tt_module_parameters(seq, params, 4), 4,
            "tt_module_parameters(Sequential([Linear(3, 4), Linear(4, 2)]))");
    cr_assert(params[0] == tt_linear_weights(l0), "parameter 0 should be layer_0's weights");
    cr_assert(params[1] == tt_linear_bias(l0), "parameter 1 should be layer_0's bias");
    cr_assert(params[2] == tt_linear_weights(l1), "parameter 2 should be layer_1's weights");
    cr_assert(params[3] == tt_linear_bias(l1), "parameter 3 should be layer_1's bias");
    PT_SIZE(tt_module_num_parameters(seq), 3 * 4 + 4 + 4 * 2 + 2,
            "tt_module_num_parameters(Sequential([Linear(3, 4), Linear(4, 2)]))");
    tt_module_free(seq);
}

/* clauses: sequential.add */
Test(sequential, add_appends_a_layer)
{
    static const float xv[] = {1, 2, 3};
    tt_rng rng;
    tt_rng_seed(&rng, 5);
    tt_module *seq = two_linears(&rng, NULL, NULL);
    tt_module *last = linear_ok(2, 1, &rng);
    PT_OK(tt_sequential_add(seq, last), "tt_sequential_add(seq, Linear(2, 1))");
    PT_SIZE(tt_sequential_len(seq), 3, "tt_sequential_len after tt_sequential_add");
    cr_assert(seq->children[2].module == last, "the added layer should be the third child");
    PT_STR(seq->children[2].name, "layer_2", "the added layer's child name");
    tt_tensor *x = PT_TENSOR(xv, 1, 3);
    tt_tensor *y = tt_module_forward(seq, x);
    PT_SHAPE(y, "tt_module_forward(Sequential([Linear(3, 4), Linear(4, 2), Linear(2, 1)]), (1, 3))", 1, 1);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(seq);
}

/* clauses: sequential.add */
Test(sequential, add_to_empty)
{
    tt_rng rng;
    tt_rng_seed(&rng, 6);
    tt_module *seq = tt_sequential_new(NULL, 0);
    PT_NONNULL(seq, "tt_sequential_new(NULL, 0)");
    PT_OK(tt_sequential_add(seq, linear_ok(3, 2, &rng)), "tt_sequential_add(empty, Linear(3, 2))");
    PT_OK(tt_sequential_add(seq, relu_ok()), "tt_sequential_add(seq, ReLU)");
    PT_SIZE(tt_sequential_len(seq), 2, "tt_sequential_len after two tt_sequential_add on an empty Sequential");
    tt_tensor *x = PT_ARANGE(4, 3);
    tt_tensor *y = tt_module_forward(seq, x);
    PT_SHAPE(y, "tt_module_forward(Sequential([Linear(3, 2), ReLU]), (4, 3))", 4, 2);
    for (size_t i = 0; i < y->size; i++)
        cr_assert(y->data[i] >= 0.0f, "the output of a Sequential ending in ReLU has a negative element %g at [%zu]",
                  (double)y->data[i], i);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(seq);
}

/* clauses: sequential.new, module.num_parameters */
Test(sequential, mlp_has_235146_parameters)
{
    /* 784 -> 256 -> 128 -> 10 with ReLUs: 784*256 + 256 + 256*128 + 128 + 128*10 + 10. */
    tt_rng rng;
    tt_rng_seed(&rng, 7);
    tt_module *layers[5];
    layers[0] = linear_ok(784, 256, &rng);
    layers[1] = relu_ok();
    layers[2] = linear_ok(256, 128, &rng);
    layers[3] = relu_ok();
    layers[4] = linear_ok(128, 10, &rng);
    tt_module *mlp = tt_sequential_new(layers, 5);
    PT_NONNULL(mlp, "tt_sequential_new([Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10)], 5)");
    PT_SIZE(tt_sequential_len(mlp), 5, "tt_sequential_len(MLP)");
    PT_SIZE(tt_module_num_parameters(mlp), 235146, "tt_module_num_parameters(784-256-128-10 MLP)");
    PT_SIZE(tt_module_parameters(mlp, NULL, 0), 6, "tt_module_parameters(MLP, NULL, 0) (3 weights + 3 biases)");
    tt_module_free(mlp);
}

/* clauses: sequential.forward */
Test(sequential, mlp_forward_batch)
{
    tt_rng rng;
    tt_rng_seed(&rng, 8);
    tt_module *layers[5];
    layers[0] = linear_ok(784, 256, &rng);
    layers[1] = relu_ok();
    layers[2] = linear_ok(256, 128, &rng);
    layers[3] = relu_ok();
    layers[4] = linear_ok(128, 10, &rng);
    tt_module *mlp = tt_sequential_new(layers, 5);
    PT_NONNULL(mlp, "tt_sequential_new([Linear(784, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10)], 5)");
    tt_tensor *x = PT_RANDN(&rng, 32, 784);
    tt_tensor *y = tt_module_forward(mlp, x);
    PT_SHAPE(y, "tt_module_forward(784-256-128-10 MLP, (32, 784))", 32, 10);
    for (size_t i = 0; i < y->size; i++)
        cr_assert(isfinite(y->data[i]), "MLP output element %zu is %g, not a finite number", i, (double)y->data[i]);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(mlp);
}

/* clauses: sequential.forward_error */
Test(sequential, failing_layer_passes_the_error_up)
{
    /* Linear(3, 4) then Linear(5, 2): the second layer cannot take (.., 4).
     * The error comes back as NULL with TT_ESHAPE, and (under Valgrind) the
     * intermediate (1, 4) tensor must not leak. */
    tt_rng rng;
    tt_rng_seed(&rng, 9);
    tt_module *good = two_linears(&rng, NULL, NULL);
    tt_tensor *x = PT_ARANGE(1, 3);
    tt_tensor *y = tt_module_forward(good, x);
    PT_NONNULL(y, "tt_module_forward(Sequential([Linear(3, 4), Linear(4, 2)]), (1, 3))");
    tt_tensor_free(y);

    tt_module *layers[2];
    layers[0] = linear_ok(3, 4, &rng);
    layers[1] = linear_ok(5, 2, &rng);
    tt_module *bad = tt_sequential_new(layers, 2);
    PT_NONNULL(bad, "tt_sequential_new([Linear(3, 4), Linear(5, 2)], 2)");
    PT_TENSOR_FAILS(tt_module_forward(bad, x), TT_ESHAPE,
                    "tt_module_forward(Sequential([Linear(3, 4), Linear(5, 2)]), (1, 3))");

    /* A failing middle layer: the forward stops there, and its error comes
     * back unchanged (not a TT_EINVAL from giving the next layer NULL). */
    PT_OK(tt_sequential_add(bad, linear_ok(2, 1, &rng)), "tt_sequential_add(seq, Linear(2, 1))");
    PT_TENSOR_FAILS(tt_module_forward(bad, x), TT_ESHAPE,
                    "tt_module_forward(Sequential([Linear(3, 4), Linear(5, 2), Linear(2, 1)]), (1, 3)), "
                    "the middle layer failing");
    tt_tensor_free(x);
    tt_module_free(bad);
    tt_module_free(good);
}

/* clauses: sequential.new_einval */
Test(sequential, null_layer_is_einval)
{
    /* A NULL layer (say, a constructor that failed) makes tt_sequential_new
     * fail, and it still frees every other layer it was given. */
    tt_rng rng;
    tt_rng_seed(&rng, 10);
    tt_module *ok = two_linears(&rng, NULL, NULL);
    tt_module_free(ok);

    tt_module *layers[3];
    layers[0] = linear_ok(3, 4, &rng);
    layers[1] = NULL;
    layers[2] = linear_ok(4, 2, &rng);
    tt_clear_error();
    tt_module *seq = tt_sequential_new(layers, 3);
    if (seq != NULL) {
        tt_module_free(seq);
        cr_assert_fail("tt_sequential_new([Linear, NULL, Linear], 3): expected NULL with TT_EINVAL, got a module");
    }
    PT_STATUS(TT_EINVAL, "tt_sequential_new([Linear, NULL, Linear], 3)");
    tt_clear_error();
    cr_assert(tt_sequential_new(NULL, 2) == NULL, "tt_sequential_new(NULL, 2) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_sequential_new(NULL, 2)");
}

/* clauses: sequential.add_einval, sequential.len_einval */
Test(sequential, rejects_non_sequential)
{
    tt_rng rng;
    tt_rng_seed(&rng, 11);
    tt_module *seq = tt_sequential_new(NULL, 0);
    PT_NONNULL(seq, "tt_sequential_new(NULL, 0)");
    PT_OK(tt_sequential_add(seq, relu_ok()), "tt_sequential_add(empty, ReLU)");
    tt_module_free(seq);

    tt_module *layer = linear_ok(2, 2, &rng);
    tt_clear_error();
    tt_status st = tt_sequential_add(layer, relu_ok()); /* frees the ReLU */
    cr_assert(st == TT_EINVAL, "tt_sequential_add(Linear, ReLU): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    tt_clear_error();
    PT_SIZE(tt_sequential_len(layer), 0, "tt_sequential_len(Linear)");
    PT_STATUS(TT_EINVAL, "tt_sequential_len(Linear)");
    tt_module_free(layer);
}

/* clauses: sequential.new_owns */
Test(sequential, failed_new_frees_every_layer)
{
    /* tt_sequential_new owns its layers in every case: when it fails (here
     * on a NULL layer), it frees every other layer with tt_module_free. */
    tt_module *empty = tt_sequential_new(NULL, 0);
    PT_NONNULL(empty, "tt_sequential_new(NULL, 0)");
    tt_module_free(empty);
    tt_module *layers[4] = {counted_new(), counted_new(), NULL, counted_new()};
    destroyed = 0;
    tt_clear_error();
    tt_module *seq = tt_sequential_new(layers, 4);
    if (seq != NULL) {
        tt_module_free(seq);
        cr_assert_fail("tt_sequential_new([Counted, Counted, NULL, Counted], 4): expected NULL with TT_EINVAL, got a module");
    }
    PT_STATUS(TT_EINVAL, "tt_sequential_new([Counted, Counted, NULL, Counted], 4)");
    cr_assert(destroyed == 3,
              "tt_sequential_new([Counted, Counted, NULL, Counted], 4) failed and should free each of the 3 "
              "layers once with tt_module_free (their destroy hook), but the hook ran %d times", destroyed);
}

/* clauses: sequential.add_owns, sequential.add_einval */
Test(sequential, failed_add_frees_the_layer)
{
    /* tt_sequential_add owns the layer in every case: a refused layer is
     * freed with tt_module_free; a NULL layer is TT_EINVAL. */
    tt_module *seq = tt_sequential_new(NULL, 0);
    PT_NONNULL(seq, "tt_sequential_new(NULL, 0)");
    tt_module *relu = relu_ok();
    destroyed = 0;
    tt_clear_error();
    tt_status st = tt_sequential_add(relu, counted_new());
    cr_assert(st == TT_EINVAL, "tt_sequential_add(ReLU, layer): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    cr_assert(destroyed == 1, "tt_sequential_add(ReLU, layer) refused the layer and should free it once with "
              "tt_module_free (its destroy hook), but the hook ran %d times", destroyed);
    destroyed = 0;
    st = tt_sequential_add(NULL, counted_new());
    cr_assert(st == TT_EINVAL, "tt_sequential_add(NULL, layer): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    cr_assert(destroyed == 1, "tt_sequential_add(NULL, layer) should free the layer once, but its destroy hook ran "
              "%d times", destroyed);
    tt_clear_error();
    st = tt_sequential_add(seq, NULL);
    cr_assert(st == TT_EINVAL, "tt_sequential_add(seq, NULL): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    PT_SIZE(tt_sequential_len(seq), 0, "tt_sequential_len(seq) after refused additions");
    tt_module_free(relu);
    tt_module_free(seq);
}

/* no public test: sequential.new_enomem, sequential.add_enomem: only a failing malloc reaches them (the course's allocation-failure sweep checks them; no hidden test grades them) */
