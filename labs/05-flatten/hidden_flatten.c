/* hidden_flatten.c - hidden tests for lab 5, Flatten (tt_flatten.h).
 *
 * Flatten only changes the shape, so every value is compared exactly with
 * the input's, in the same row-major order. Module, Sequential and Linear are
 * the reference here, so only flatten.c can lose these points. Each test
 * names, above it, the mutants (mutants/) it kills.
 */
#include <limits.h>

#include "oracle.h"

/* The expected shape of tt_flatten(x, start_dim) for a valid start_dim,
 * computed independently: PyTorch's torch.flatten. */
static size_t flat_shape(const tt_tensor *x, int start_dim, size_t *shape)
{
    size_t start = start_dim < 0 ? (size_t)(start_dim + (int)x->ndim) : (size_t)start_dim;
    size_t merged = 1;
    for (size_t d = 0; d < x->ndim; d++) {
        if (d < start)
            shape[d] = x->shape[d];
        else
            merged *= x->shape[d];
    }
    shape[start] = merged;
    return start + 1;
}

/* tt_flatten(x, start_dim) must give the expected shape and x's values in
 * order, as a new tensor, leaving x unchanged. */
static void expect_flatten(const tt_tensor *x, int start_dim)
{
    size_t shape[TT_MAX_DIMS];
    size_t ndim = flat_shape(x, start_dim, shape);
    const char *what = or_fmt("tt_flatten(%s, start_dim %d)", or_shp(x), start_dim);
    or_tensor *want = or_exact_as(x, ndim, shape);
    tt_tensor *snap = or_snapshot(x);
    tt_tensor *y = tt_flatten(x, start_dim);
    OR_EXPECT_FROM(y, want, what, x);
    OR_EXPECT_UNCHANGED(x, snap, what);
    tt_tensor_free(y);
    tt_tensor_free(snap);
    or_free(want);
}

/* A tensor of the given shape holding distinct values 0.5, 1.5, 2.5, ... */
static tt_tensor *ramp(size_t ndim, const size_t *shape)
{
    tt_tensor *t = or_tensor_of(ndim, shape, NULL);
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = (float)i + 0.5f;
    return t;
}

#define RAMP(...) ramp(OR_LEN(((const size_t[]){__VA_ARGS__})), (const size_t[]){__VA_ARGS__})

/* clauses: flatten.shape, flatten.copy */
/* start_dim 1 keeps dim 0 and merges the rest.
 * Kills: merged_off_by_one, data_not_copied, view_alias. */
HIDDEN_TEST(flatten, start_dim_1_merges_the_rest, 2, "(2, 3, 4, 5) -> (2, 60)")
{
    tt_tensor *a = RAMP(2, 3, 4, 5), *b = RAMP(4, 3), *c = RAMP(3, 1, 2), *d = RAMP(1, 7, 1, 1, 2);
    expect_flatten(a, 1);
    expect_flatten(b, 1);
    expect_flatten(c, 1);
    expect_flatten(d, 1);
    tt_tensor_free(d);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: flatten.shape */
/* A start_dim in the middle keeps all the dims before it (PyTorch), not only
 * dim 0 (the course's old Python).
 * Kills: old_semantics, merged_off_by_one. */
HIDDEN_TEST(flatten, start_dim_in_middle_keeps_leading_dims, 2, "PyTorch, not the old Python")
{
    tt_tensor *a = RAMP(2, 3, 4, 5), *b = RAMP(2, 1, 3, 2, 2);
    expect_flatten(a, 2); /* (2, 3, 20) */
    expect_flatten(b, 2); /* (2, 1, 12) */
    expect_flatten(b, 3); /* (2, 1, 3, 4) */
    tt_tensor_free(b);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: flatten.shape */
/* start_dim 0 merges everything into one dim: (N,), not (1, N).
 * Kills: start0_gives_1xN. */
HIDDEN_TEST(flatten, start_dim_0_gives_1d, 2, "(N,), not (1, N)")
{
    tt_tensor *a = RAMP(2, 3, 4, 5), *b = RAMP(7), *c = RAMP(1, 1);
    expect_flatten(a, 0);
    expect_flatten(b, 0);
    expect_flatten(c, 0);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: flatten.negative */
/* Negative start_dim counts from the end: -1 is the last dim.
 * Kills: negative_as_zero, negative_rejected, old_semantics. */
HIDDEN_TEST(flatten, negative_start_dim_counts_from_end, 2, "-1 .. -ndim")
{
    tt_tensor *a = RAMP(2, 3, 4, 5), *b = RAMP(6);
    for (int s = -1; s >= -4; s--)
        expect_flatten(a, s);
    expect_flatten(b, -1);
    tt_tensor_free(b);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: flatten.shape */
/* start_dim ndim - 1 leaves the shape as it is.
 * Kills: merged_off_by_one, old_semantics. */
HIDDEN_TEST(flatten, start_dim_last_keeps_shape, 1, "start_dim ndim - 1")
{
    tt_tensor *a = RAMP(2, 3, 4), *b = RAMP(5, 1);
    expect_flatten(a, 2);
    expect_flatten(b, 1);
    tt_tensor_free(b);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: flatten.range */
/* start_dim outside [-ndim, ndim - 1] is TT_EINVAL (start_dim == ndim too).
 * Kills: accepts_start_eq_ndim, modulo_wrap, negative_as_zero. */
HIDDEN_TEST(flatten, out_of_range_is_einval, 2, "ndim, -ndim-1, INT_MAX, INT_MIN")
{
    static const int bad4[] = {4, 5, 1000, INT_MAX, -5, -6, -1000, INT_MIN};
    tt_tensor *a = RAMP(2, 3, 4, 5), *v = RAMP(7);
    for (size_t i = 0; i < OR_LEN(bad4); i++)
        OR_EXPECT_FAIL(tt_flatten(a, bad4[i]), TT_EINVAL, or_fmt("tt_flatten((2, 3, 4, 5), start_dim %d)", bad4[i]));
    OR_EXPECT_FAIL(tt_flatten(v, 1), TT_EINVAL, "tt_flatten((7,), start_dim 1)");
    OR_EXPECT_FAIL(tt_flatten(v, -2), TT_EINVAL, "tt_flatten((7,), start_dim -2)");
    tt_tensor_free(v);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: flatten.einval */
/* NULL and 0-D inputs are TT_EINVAL.
 * Kills: no_null_check. */
HIDDEN_TEST(flatten, null_and_0d_are_einval, 1, "NULL and 0-D x")
{
    OR_EXPECT_FAIL(tt_flatten(NULL, 0), TT_EINVAL, "tt_flatten(NULL, 0)");
    OR_EXPECT_FAIL(tt_flatten(NULL, 1), TT_EINVAL, "tt_flatten(NULL, 1)");
    tt_tensor *s = or_tensor_of(0, NULL, NULL);
    s->data[0] = 3.0f;
    OR_EXPECT_FAIL(tt_flatten(s, 0), TT_EINVAL, "tt_flatten(0-D tensor (), 0)");
    OR_EXPECT_FAIL(tt_flatten(s, -1), TT_EINVAL, "tt_flatten(0-D tensor (), -1)");
    tt_tensor_free(s);
    HIDDEN_PASS();
}

/* clauses: flatten.shape, flatten.negative */
/* Random shapes (1 to 6 dims) and every valid start_dim, positive and
 * negative (seed 505).
 * Kills: old_semantics, negative_as_zero, merged_off_by_one,
 * start0_gives_1xN, data_not_copied. */
HIDDEN_TEST(flatten, random_shapes_vs_oracle, 2, "random shapes, every start_dim")
{
    tt_rng rng;
    tt_rng_seed(&rng, 505);
    for (int trial = 0; trial < 12; trial++) {
        size_t ndim = or_randint(&rng, 1, 6), shape[TT_MAX_DIMS];
        for (size_t d = 0; d < ndim; d++)
            shape[d] = or_randint(&rng, 1, 4);
        tt_tensor *x = or_randn(&rng, ndim, shape);
        for (int s = -(int)ndim; s < (int)ndim; s++)
            expect_flatten(x, s);
        tt_tensor_free(x);
    }
    HIDDEN_PASS();
}

/* clauses: flatten.copy */
/* The result owns its own copy of the data: x can be freed first.
 * Kills: view_alias. */
HIDDEN_TEST(flatten, result_owns_its_data, 2, "own buffer, x freed first")
{
    tt_tensor *x = RAMP(2, 3, 4);
    or_tensor *want = or_exact_as(x, 2, (const size_t[]){2, 12});
    tt_tensor *y = tt_flatten(x, 1);
    OR_EXPECT_FROM(y, want, "tt_flatten((2, 3, 4), 1)", x);
    OR_CHECK(y != x && y->data != x->data,
             "tt_flatten((2, 3, 4), 1)\nexpected: a new tensor with its own buffer\ngot: %s",
             y == x ? "x itself" : "a tensor sharing x's data buffer");
    tt_tensor_free(x);
    OR_EXPECT(y, want, "tt_flatten((2, 3, 4), 1), read after freeing x");
    tt_tensor_free(y);
    or_free(want);
    HIDDEN_PASS();
}

/* clauses: flatten.copy */
/* x is never modified, shape included.
 * Kills: reshapes_input. */
HIDDEN_TEST(flatten, input_unchanged, 1, "x intact, shape included")
{
    tt_tensor *x = RAMP(2, 3, 4, 5);
    tt_tensor *snap = or_snapshot(x);
    static const int starts[] = {1, 2, 0, -1};
    for (size_t i = 0; i < OR_LEN(starts); i++) {
        const char *what = or_fmt("tt_flatten((2, 3, 4, 5), %d)", starts[i]);
        tt_tensor *y = tt_flatten(x, starts[i]);
        OR_EXPECT_TENSOR(y, what, x);
        OR_EXPECT_UNCHANGED(x, snap, what);
        tt_tensor_free(y);
    }
    tt_tensor_free(snap);
    tt_tensor_free(x);
    HIDDEN_PASS();
}

/* clauses: flatten.layer, flatten.layer_negative */
/* The Flatten layer uses its own start_dim and has no parameters.
 * Kills: layer_ignores_start_dim. */
HIDDEN_TEST(flatten, layer_uses_its_start_dim, 1, "Flatten layer, no parameters")
{
    tt_tensor *x = RAMP(2, 3, 4, 5);
    static const int starts[] = {2, -1, 0, 3, -3};
    for (size_t i = 0; i < OR_LEN(starts); i++) {
        tt_clear_error();
        tt_module *f = tt_flatten_new(starts[i]);
        cr_assert(f != NULL, "tt_flatten_new(%d) returned NULL\nexpected: a Flatten layer\ngot: NULL (%s)", starts[i],
                  or_err());
        OR_EXPECT_SIZE(tt_module_parameters(f, NULL, 0), 0, or_fmt("tt_module_parameters(Flatten(%d))", starts[i]));
        OR_EXPECT_SIZE(tt_module_num_parameters(f), 0, or_fmt("tt_module_num_parameters(Flatten(%d))", starts[i]));
        size_t shape[TT_MAX_DIMS];
        size_t ndim = flat_shape(x, starts[i], shape);
        or_tensor *want = or_exact_as(x, ndim, shape);
        tt_tensor *y = tt_module_forward(f, x);
        OR_EXPECT_FROM(y, want, or_fmt("Flatten(%d) forward of (2, 3, 4, 5)", starts[i]), x);
        or_free(want);
        tt_tensor_free(y);
        tt_module_free(f);
    }
    tt_tensor_free(x);
    HIDDEN_PASS();
}

/* clauses: flatten.layer_checks_at_forward, flatten.layer_negative */
/* A Flatten layer with any start_dim can be made; start_dim is checked
 * against each input at forward time.
 * Kills: new_rejects_negative, layer_ignores_start_dim. */
HIDDEN_TEST(flatten, layer_checks_start_dim_at_forward, 1, "checked per input, not at construction")
{
    tt_module *f3 = tt_flatten_new(3), *fm3 = tt_flatten_new(-3);
    cr_assert(f3 != NULL && fm3 != NULL,
              "tt_flatten_new(3) / tt_flatten_new(-3)\nexpected: two layers (start_dim is checked at forward "
              "time)\ngot: NULL (%s)",
              or_err());
    tt_tensor *x2 = RAMP(4, 5), *x4 = RAMP(2, 3, 4, 5);
    OR_EXPECT_FAIL(tt_module_forward(f3, x2), TT_EINVAL, "Flatten(3) forward of (4, 5)");
    OR_EXPECT_FAIL(tt_module_forward(fm3, x2), TT_EINVAL, "Flatten(-3) forward of (4, 5)");
    tt_tensor *y = tt_module_forward(f3, x4);
    OR_EXPECT_SHAPE(y, "Flatten(3) forward of (2, 3, 4, 5)", 2, 3, 4, 5);
    tt_tensor_free(y);
    y = tt_module_forward(fm3, x4);
    OR_EXPECT_SHAPE(y, "Flatten(-3) forward of (2, 3, 4, 5)", 2, 60);
    tt_tensor_free(y);
    tt_tensor_free(x4);
    tt_tensor_free(x2);
    tt_module_free(fm3);
    tt_module_free(f3);
    HIDDEN_PASS();
}

/* clauses: flatten.layer */
/* Inside a Sequential: Flatten(2) then Linear(20, 4) maps (2, 3, 4, 5) to
 * (2, 3, 4) = x viewed as (2, 3, 20) @ W + b.
 * Kills: old_semantics, layer_ignores_start_dim, merged_off_by_one. */
HIDDEN_TEST(flatten, inside_sequential, 1, "Flatten(2) then Linear")
{
    tt_rng rng;
    tt_rng_seed(&rng, 606);
    tt_module *lin = tt_linear_new(20, 4, true, &rng);
    tt_module *f = tt_flatten_new(2);
    cr_assert(lin != NULL, "test setup: tt_linear_new failed");
    cr_assert(f != NULL, "tt_flatten_new(2) returned NULL\nexpected: a layer\ngot: NULL (%s)", or_err());
    const tt_tensor *w = tt_linear_weights(lin), *b = tt_linear_bias(lin);
    tt_module *layers[] = {f, lin};
    tt_module *seq = tt_sequential_new(layers, 2);
    cr_assert(seq != NULL, "test setup: tt_sequential_new failed: %s", or_err());
    tt_tensor *x = OR_RANDN(&rng, 2, 3, 4, 5);
    or_tensor *want = or_affine(x->data, 6, 20, w->data, 4, b->data, 3, (const size_t[]){2, 3, 4});
    tt_tensor *y = tt_module_forward(seq, x);
    OR_EXPECT_FROM(y, want, "Sequential[Flatten(2), Linear(20, 4)] forward of (2, 3, 4, 5)", x, w, b);
    or_free(want);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(seq);
    HIDDEN_PASS();
}
