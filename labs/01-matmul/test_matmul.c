/* test_matmul.c - public tests for lab 1, tt_matmul (the course's test_unit_matmul). */
#include "ptest.h"

/* tt_matmul or tt_matmul_fast. */
typedef tt_tensor *matmul_fn(const tt_tensor *a, const tt_tensor *b);

/* Runs fn(a, b), requires a result, and names the call (fn's name is
 * `name`) in messages. */
static tt_tensor *product_ok(matmul_fn *fn, const char *name, const tt_tensor *a, const tt_tensor *b,
                             const char **what)
{
    *what = pt_fmt("%s(%s, %s)", name, pt_shp(a), pt_shp(b));
    tt_tensor *c = fn(a, b);
    PT_NONNULL(c, *what);
    return c;
}

/* Runs tt_matmul(a, b), requires a result, and names the call in messages. */
static tt_tensor *matmul_ok(const tt_tensor *a, const tt_tensor *b, const char **what)
{
    return product_ok(tt_matmul, "tt_matmul", a, b, what);
}

/* fn(a, b) returns a new tensor, with its own data, and leaves a and b as
 * they were. */
static void check_inputs_untouched(matmul_fn *fn, const char *name, tt_tensor *a, tt_tensor *b)
{
    tt_tensor *a0 = pt_snapshot(a);
    tt_tensor *b0 = pt_snapshot(b);
    const char *what;
    tt_tensor *c = product_ok(fn, name, a, b, &what);
    cr_assert(c != a && c != b, "%s returned one of its inputs instead of a new tensor", what);
    cr_assert(c->data != a->data && c->data != b->data,
              "%s: the result shares a data buffer with an input", what);
    PT_UNCHANGED(a, a0, pt_fmt("%s, argument a", what));
    PT_UNCHANGED(b, b0, pt_fmt("%s, argument b", what));
    tt_tensor_free(c);
    tt_tensor_free(b0);
    tt_tensor_free(a0);
}

/* fn computes [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]. */
static void check_two_by_two(matmul_fn *fn, const char *name)
{
    static const float av[] = {1, 2, 3, 4};
    static const float bv[] = {5, 6, 7, 8};
    static const float want[] = {19, 22, 43, 50};
    tt_tensor *a = PT_TENSOR(av, 2, 2);
    tt_tensor *b = PT_TENSOR(bv, 2, 2);
    const char *what;
    tt_tensor *c = product_ok(fn, name, a, b, &what);
    PT_VALUES(c, what, want, 2, 2);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul.product */
Test(matmul, two_by_two)
{
    check_two_by_two(tt_matmul, "tt_matmul");
}

/* clauses: matmul.product */
Test(matmul, non_square)
{
    static const float av[] = {1, 2, 3, 4, 5, 6};
    static const float bv[] = {7, 8, 9, 10, 11, 12};
    static const float want[] = {58, 64, 139, 154};
    tt_tensor *a = PT_TENSOR(av, 2, 3);
    tt_tensor *b = PT_TENSOR(bv, 3, 2);
    const char *what;
    tt_tensor *c = matmul_ok(a, b, &what);
    PT_VALUES(c, what, want, 2, 2);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul.product */
Test(matmul, row_times_column)
{
    static const float av[] = {1, 2, 3};
    static const float bv[] = {4, 5, 6};
    static const float want[] = {32}; /* 1*4 + 2*5 + 3*6 */
    tt_tensor *a = PT_TENSOR(av, 1, 3);
    tt_tensor *b = PT_TENSOR(bv, 3, 1);
    const char *what;
    tt_tensor *c = matmul_ok(a, b, &what);
    PT_VALUES(c, what, want, 1, 1);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul.product */
Test(matmul, column_times_row)
{
    /* (3, 1) @ (1, 2): the outer product, inner dimension 1. */
    static const float av[] = {1, 2, 3};
    static const float bv[] = {10, -1};
    static const float want[] = {10, -1, 20, -2, 30, -3};
    tt_tensor *a = PT_TENSOR(av, 3, 1);
    tt_tensor *b = PT_TENSOR(bv, 1, 2);
    const char *what;
    tt_tensor *c = matmul_ok(a, b, &what);
    PT_VALUES(c, what, want, 3, 2);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul.product */
Test(matmul, identity_leaves_matrix_unchanged)
{
    static const float av[] = {1.5f, -2, 0.25f, 3, 4, -5};
    static const float iv[] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    tt_tensor *a = PT_TENSOR(av, 2, 3);
    tt_tensor *id = PT_TENSOR(iv, 3, 3);
    const char *what;
    tt_tensor *c = matmul_ok(a, id, &what);
    PT_VALUES(c, pt_fmt("%s with the identity as b", what), av, 2, 3);
    tt_tensor_free(c);
    tt_tensor_free(id);
    tt_tensor_free(a);
}

/* clauses: matmul.unchanged, matmul.new */
Test(matmul, inputs_not_modified)
{
    static const float av[] = {1, 2, 3, 4, 5, 6};
    static const float bv[] = {7, 8, 9, 10, 11, 12};
    tt_tensor *a = PT_TENSOR(av, 2, 3);
    tt_tensor *b = PT_TENSOR(bv, 3, 2);
    check_inputs_untouched(tt_matmul, "tt_matmul", a, b);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul.eshape */
Test(matmul, inner_dim_mismatch_is_eshape)
{
    tt_tensor *a = PT_ARANGE(2, 3);
    tt_tensor *b = PT_ARANGE(4, 2);
    tt_tensor *ok = PT_ARANGE(3, 2);
    /* First, a product that fits must work. */
    const char *what;
    tt_tensor *c = matmul_ok(a, ok, &what);
    tt_tensor_free(c);

    what = "tt_matmul((2, 3), (4, 2))";
    PT_TENSOR_FAILS(tt_matmul(a, b), TT_ESHAPE, what);
    PT_ERROR_CONTAINS("(2, 3)", what);
    PT_ERROR_CONTAINS("(4, 2)", what);
    tt_tensor_free(ok);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul.not_2d */
Test(matmul, non_2d_is_einval)
{
    tt_tensor *v = PT_ARANGE(3);        /* 1-D */
    tt_tensor *m = PT_ARANGE(3, 2);
    tt_tensor *cube = PT_ARANGE(2, 2, 2); /* 3-D */
    tt_tensor *sq = PT_ARANGE(2, 2);
    const char *what;
    tt_tensor *c = matmul_ok(sq, sq, &what);
    tt_tensor_free(c);

    PT_TENSOR_FAILS(tt_matmul(v, m), TT_EINVAL, "tt_matmul((3,), (3, 2))");
    PT_TENSOR_FAILS(tt_matmul(m, v), TT_EINVAL, "tt_matmul((3, 2), (2,))");
    PT_TENSOR_FAILS(tt_matmul(cube, sq), TT_EINVAL, "tt_matmul((2, 2, 2), (2, 2))");
    tt_tensor_free(sq);
    tt_tensor_free(cube);
    tt_tensor_free(m);
    tt_tensor_free(v);
}

/* clauses: matmul.null */
Test(matmul, null_input_is_einval)
{
    tt_tensor *sq = PT_ARANGE(2, 2);
    const char *what;
    tt_tensor *c = matmul_ok(sq, sq, &what);
    tt_tensor_free(c);

    PT_TENSOR_FAILS(tt_matmul(NULL, sq), TT_EINVAL, "tt_matmul(NULL, (2, 2))");
    PT_TENSOR_FAILS(tt_matmul(sq, NULL), TT_EINVAL, "tt_matmul((2, 2), NULL)");
    tt_tensor_free(sq);
}

/* clauses: matmul.enomem */
Test(matmul, result_too_large_is_enomem)
{
    /* (2^23, 1) @ (1, 2^23) is (2^23, 2^23): 2^46 floats, 256 TiB, more than
     * any machine can give. The inputs are 32 MiB each. */
    const size_t big = (size_t)1 << 23;
    tt_tensor *sq = PT_ARANGE(2, 2);
    const char *what;
    tt_tensor *c = matmul_ok(sq, sq, &what);
    tt_tensor_free(c);

    tt_tensor *col = PT_ARANGE(big, 1);
    tt_tensor *row = PT_ARANGE(1, big);
    PT_TENSOR_FAILS(tt_matmul(col, row), TT_ENOMEM,
                    "tt_matmul((8388608, 1), (1, 8388608)), a 256 TiB result (check what tt_tensor_new returns)");
    tt_tensor_free(row);
    tt_tensor_free(col);
    tt_tensor_free(sq);
}

/* clauses: matmul.product */
Test(matmul, larger_random_matches_naive_sum)
{
    /* (5, 7) @ (7, 4) checked against a sum computed here in double. */
    tt_rng rng;
    tt_rng_seed(&rng, 2024);
    tt_tensor *a = PT_RANDN(&rng, 5, 7);
    tt_tensor *b = PT_RANDN(&rng, 7, 4);
    float want[5 * 4];
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 4; j++) {
            double s = 0.0;
            for (size_t p = 0; p < 7; p++)
                s += (double)a->data[i * 7 + p] * (double)b->data[p * 4 + j];
            want[i * 4 + j] = (float)s;
        }
    const char *what;
    tt_tensor *c = matmul_ok(a, b, &what);
    PT_VALUES(c, what, want, 5, 4);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* ------------------------------------------------------------------------ */
/* tt_matmul_fast: optional, the same contract up to float rounding.        */
/* The untouched skeleton returns tt_matmul(a, b), so these pass as soon as */
/* tt_matmul does, and keep passing while you make tt_matmul_fast faster.   */
/* ------------------------------------------------------------------------ */

/* Runs tt_matmul_fast(a, b), requires a result, and names the call in messages. */
static tt_tensor *matmul_fast_ok(const tt_tensor *a, const tt_tensor *b, const char **what)
{
    return product_ok(tt_matmul_fast, "tt_matmul_fast", a, b, what);
}

/* Checks c = a @ b within tt_matmul_fast's tolerance (tt_matmul.h): each
 * element within 1e-4 of the sum of |a[i][p] * b[p][j]|, plus 1e-6, of the
 * product computed here in double. */
static void check_fast_product(const tt_tensor *a, const tt_tensor *b, const tt_tensor *c, const char *what)
{
    size_t m = a->shape[0], k = a->shape[1], n = b->shape[1];
    PT_SHAPE(c, what, m, n);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double exact = 0.0, scale = 0.0;
            for (size_t p = 0; p < k; p++) {
                double t = (double)a->data[i * k + p] * (double)b->data[p * n + j];
                exact += t;
                scale += fabs(t);
            }
            double got = c->data[i * n + j];
            cr_assert(fabs(got - exact) <= 1e-4 * scale + 1e-6,
                      "%s: element [%zu][%zu]: expected %.7g, got %.7g (tolerance %.3g)", what, i, j,
                      exact, got, 1e-4 * scale + 1e-6);
        }
}

/* clauses: matmul_fast.tolerance */
Test(matmul_fast, two_by_two)
{
    check_two_by_two(tt_matmul_fast, "tt_matmul_fast");
}

/* clauses: matmul_fast.tolerance */
Test(matmul_fast, odd_shapes_match_double_sum)
{
    /* Shapes that are not multiples of any tile or block size a fast
     * version is likely to use (4, 6, 8, 16, 32, 64, 96, 256, 512 ...):
     * 1-wide edges, a deep k, a wide n, and one exact 6 x 16 tile. */
    static const size_t shapes[][3] = {
        {1, 1, 1}, {1, 7, 1}, {3, 1, 5}, {5, 3, 7}, {7, 1, 33}, {6, 16, 16},
        {13, 17, 19}, {33, 65, 17}, {97, 257, 35}, {7, 9, 520}, {2, 300, 1},
    };
    tt_rng rng;
    tt_rng_seed(&rng, 2025);
    for (size_t s = 0; s < PT_ARRAY_LEN(shapes); s++) {
        size_t m = shapes[s][0], k = shapes[s][1], n = shapes[s][2];
        tt_tensor *a = PT_RANDN(&rng, m, k);
        tt_tensor *b = PT_RANDN(&rng, k, n);
        const char *what;
        tt_tensor *c = matmul_fast_ok(a, b, &what);
        check_fast_product(a, b, c, what);
        tt_tensor_free(c);
        tt_tensor_free(b);
        tt_tensor_free(a);
    }
}

/* clauses: matmul_fast.contract */
Test(matmul_fast, inputs_not_modified)
{
    tt_rng rng;
    tt_rng_seed(&rng, 7);
    tt_tensor *a = PT_RANDN(&rng, 9, 20);
    tt_tensor *b = PT_RANDN(&rng, 20, 11);
    check_inputs_untouched(tt_matmul_fast, "tt_matmul_fast", a, b);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

/* clauses: matmul_fast.contract */
Test(matmul_fast, errors_as_tt_matmul)
{
    tt_tensor *a = PT_ARANGE(2, 3);
    tt_tensor *b = PT_ARANGE(4, 2);
    tt_tensor *ok = PT_ARANGE(3, 2);
    tt_tensor *v = PT_ARANGE(3);
    tt_tensor *cube = PT_ARANGE(2, 2, 2);
    /* First, a product that fits must work. */
    const char *what;
    tt_tensor *c = matmul_fast_ok(a, ok, &what);
    tt_tensor_free(c);

    what = "tt_matmul_fast((2, 3), (4, 2))";
    PT_TENSOR_FAILS(tt_matmul_fast(a, b), TT_ESHAPE, what);
    PT_ERROR_CONTAINS("(2, 3)", what);
    PT_ERROR_CONTAINS("(4, 2)", what);
    PT_TENSOR_FAILS(tt_matmul_fast(v, ok), TT_EINVAL, "tt_matmul_fast((3,), (3, 2))");
    PT_TENSOR_FAILS(tt_matmul_fast(cube, ok), TT_EINVAL, "tt_matmul_fast((2, 2, 2), (3, 2))");
    PT_TENSOR_FAILS(tt_matmul_fast(NULL, ok), TT_EINVAL, "tt_matmul_fast(NULL, (3, 2))");
    PT_TENSOR_FAILS(tt_matmul_fast(a, NULL), TT_EINVAL, "tt_matmul_fast((2, 3), NULL)");
    tt_tensor_free(cube);
    tt_tensor_free(v);
    tt_tensor_free(ok);
    tt_tensor_free(b);
    tt_tensor_free(a);
}
