/* test_matmul.c - public tests for lab 1, tt_matmul (the course's test_unit_matmul). */
#include "ptest.h"

/* Runs tt_matmul(a, b), requires a result, and names the call in messages. */
static tt_tensor *matmul_ok(const tt_tensor *a, const tt_tensor *b, const char **what)
{
    *what = pt_fmt("tt_matmul(%s, %s)", pt_shp(a), pt_shp(b));
    tt_tensor *c = tt_matmul(a, b);
    PT_NONNULL(c, *what);
    return c;
}

Test(matmul, two_by_two)
{
    static const float av[] = {1, 2, 3, 4};
    static const float bv[] = {5, 6, 7, 8};
    static const float want[] = {19, 22, 43, 50};
    tt_tensor *a = PT_TENSOR(av, 2, 2);
    tt_tensor *b = PT_TENSOR(bv, 2, 2);
    const char *what;
    tt_tensor *c = matmul_ok(a, b, &what);
    PT_VALUES(c, what, want, 2, 2);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

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

Test(matmul, inputs_not_modified)
{
    static const float av[] = {1, 2, 3, 4, 5, 6};
    static const float bv[] = {7, 8, 9, 10, 11, 12};
    tt_tensor *a = PT_TENSOR(av, 2, 3);
    tt_tensor *b = PT_TENSOR(bv, 3, 2);
    tt_tensor *a0 = pt_snapshot(a);
    tt_tensor *b0 = pt_snapshot(b);
    const char *what;
    tt_tensor *c = matmul_ok(a, b, &what);
    cr_assert(c != a && c != b, "%s returned one of its inputs instead of a new tensor", what);
    cr_assert(c->data != a->data && c->data != b->data,
              "%s: the result shares a data buffer with an input", what);
    PT_UNCHANGED(a, a0, pt_fmt("%s, argument a", what));
    PT_UNCHANGED(b, b0, pt_fmt("%s, argument b", what));
    tt_tensor_free(c);
    tt_tensor_free(b0);
    tt_tensor_free(a0);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

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
