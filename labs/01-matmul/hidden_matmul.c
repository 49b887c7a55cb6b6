/* hidden_matmul.c - hidden tests for lab 1, tt_matmul (tt_matmul.h).
 *
 * Only tt_matmul and the support library are called, so only matmul.c can
 * lose these points. Each test names, above it, the mutants
 * (mutants/) it kills.
 */
#include "oracle.h"

/* tt_matmul(a, b) compared with the double-precision oracle; the inputs must
 * come back unchanged. */
static void expect_matmul(const tt_tensor *a, const tt_tensor *b)
{
    const char *what = or_fmt("tt_matmul(%s, %s)", or_shp(a), or_shp(b));
    tt_tensor *sa = or_snapshot(a), *sb = or_snapshot(b);
    or_tensor *want = or_matmul(a, b);
    tt_tensor *c = tt_matmul(a, b);
    OR_EXPECT_FROM(c, want, what, a, b);
    OR_EXPECT_UNCHANGED(a, sa, what);
    OR_EXPECT_UNCHANGED(b, sb, what);
    or_free(want);
    tt_tensor_free(c);
    tt_tensor_free(sa);
    tt_tensor_free(sb);
}

/* Random (m, k) @ (k, n) from rng, checked against the oracle. */
static void expect_random_matmul(tt_rng *rng, size_t m, size_t k, size_t n)
{
    tt_tensor *a = OR_RANDN(rng, m, k);
    tt_tensor *b = OR_RANDN(rng, k, n);
    expect_matmul(a, b);
    tt_tensor_free(a);
    tt_tensor_free(b);
}

/* clauses: matmul.product */
/* Kills: transposed_b, k_n_swapped, sum_not_reset, shape_n_by_m,
 * skips_last_term, skips_last_row. */
HIDDEN_TEST(matmul, known_values_2x3_3x4, 2, "hand-computed (2, 3) @ (3, 4)")
{
    static const float av[] = {1, 2, 3, 4, 5, 6};
    static const float bv[] = {1, 0, 2, -1, 0, 1, 3, 2, -2, 1, 0, 1};
    static const float cv[] = {-5, 5, 8, 6, -8, 11, 23, 12};
    tt_tensor *a = OR_TENSOR(av, 2, 3);
    tt_tensor *b = OR_TENSOR(bv, 3, 4);
    or_tensor *want = or_exact_values(2, (const size_t[]){2, 4}, cv);
    tt_tensor *c = tt_matmul(a, b);
    OR_EXPECT_FROM(c, want, "tt_matmul((2, 3), (3, 4))", a, b);
    or_free(want);
    tt_tensor_free(c);
    tt_tensor_free(a);
    tt_tensor_free(b);
    HIDDEN_PASS();
}

/* clauses: matmul.product */
/* 30 random shapes, m, k, n in [1, 17], N(0, 1) values (seed 2024).
 * Kills: transposed_b, k_n_swapped, sum_not_reset, int_accumulator,
 * skips_last_term, skips_last_row, shape_n_by_m, transposes_b_in_place. */
HIDDEN_TEST(matmul, random_shapes_vs_oracle, 3, "30 random shapes vs double oracle")
{
    tt_rng rng;
    tt_rng_seed(&rng, 2024);
    for (int trial = 0; trial < 30; trial++) {
        size_t m = or_randint(&rng, 1, 17), k = or_randint(&rng, 1, 17), n = or_randint(&rng, 1, 17);
        expect_random_matmul(&rng, m, k, n);
    }
    HIDDEN_PASS();
}

/* clauses: matmul.product */
/* I @ A == A and A @ I == A exactly; 0 @ A == 0.
 * Kills: transposed_b, k_n_swapped, sum_not_reset, skips_last_term,
 * skips_last_row, int_accumulator. */
HIDDEN_TEST(matmul, identity_and_zeros, 2, "I @ A, A @ I, 0 @ A exactly")
{
    tt_rng rng;
    tt_rng_seed(&rng, 7);
    tt_tensor *a = OR_RANDN(&rng, 5, 7);
    tt_tensor *i5 = OR_ZEROS(5, 5), *i7 = OR_ZEROS(7, 7), *z = OR_ZEROS(3, 5);
    for (size_t d = 0; d < 5; d++)
        i5->data[d * 5 + d] = 1.0f;
    for (size_t d = 0; d < 7; d++)
        i7->data[d * 7 + d] = 1.0f;
    or_tensor *want = or_exact(a);
    tt_tensor *c = tt_matmul(i5, a);
    OR_EXPECT_FROM(c, want, "tt_matmul(I (5, 5), A (5, 7))", i5, a);
    tt_tensor_free(c);
    c = tt_matmul(a, i7);
    OR_EXPECT_FROM(c, want, "tt_matmul(A (5, 7), I (7, 7))", a, i7);
    tt_tensor_free(c);
    or_free(want);
    tt_tensor *zeros = OR_ZEROS(3, 7);
    want = or_exact(zeros);
    c = tt_matmul(z, a);
    OR_EXPECT_FROM(c, want, "tt_matmul(zeros (3, 5), A (5, 7))", z, a);
    tt_tensor_free(c);
    or_free(want);
    tt_tensor_free(zeros);
    tt_tensor_free(z);
    tt_tensor_free(i7);
    tt_tensor_free(i5);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: matmul.product */
/* k = 1 (outer products), 1x1, and (1, k) @ (k, 1) dot products.
 * Kills: skips_last_term (k = 1 gives all zeros), shape_n_by_m, k_n_swapped,
 * transposed_b. */
HIDDEN_TEST(matmul, k_equals_one_and_1x1, 2, "outer products, 1x1, dot products")
{
    tt_rng rng;
    tt_rng_seed(&rng, 11);
    expect_random_matmul(&rng, 6, 1, 5);
    expect_random_matmul(&rng, 1, 1, 9);
    expect_random_matmul(&rng, 8, 1, 1);
    expect_random_matmul(&rng, 1, 1, 1);
    expect_random_matmul(&rng, 1, 13, 1);
    HIDDEN_PASS();
}

/* clauses: matmul.product */
/* Tall and wide operands and results.
 * Kills: shape_n_by_m, k_n_swapped, skips_last_row, transposed_b,
 * sum_not_reset. */
HIDDEN_TEST(matmul, tall_and_wide, 2, "tall and wide operands")
{
    tt_rng rng;
    tt_rng_seed(&rng, 12);
    expect_random_matmul(&rng, 64, 3, 2);
    expect_random_matmul(&rng, 2, 50, 64);
    expect_random_matmul(&rng, 1, 40, 33);
    expect_random_matmul(&rng, 33, 2, 40);
    expect_random_matmul(&rng, 3, 64, 1);
    HIDDEN_PASS();
}

/* clauses: matmul.product */
/* The result is (m, n) with ndim 2 and size m * n, for non-square cases.
 * Kills: shape_n_by_m, k_n_swapped. */
HIDDEN_TEST(matmul, result_shape_is_m_by_n, 1, "(m, n), ndim 2, size m*n")
{
    static const size_t cases[][3] = {{3, 5, 2}, {2, 5, 3}, {1, 4, 6}, {6, 4, 1}, {4, 4, 7}};
    for (size_t i = 0; i < OR_LEN(cases); i++) {
        size_t m = cases[i][0], k = cases[i][1], n = cases[i][2];
        tt_tensor *a = OR_ZEROS(m, k), *b = OR_ZEROS(k, n);
        tt_tensor *c = tt_matmul(a, b);
        OR_EXPECT_SHAPE(c, or_fmt("tt_matmul(%s, %s)", or_shp(a), or_shp(b)), m, n);
        tt_tensor_free(c);
        tt_tensor_free(a);
        tt_tensor_free(b);
    }
    HIDDEN_PASS();
}

/* clauses: matmul.unchanged, matmul.new */
/* The inputs are never modified (also when a == b), and the result is a new
 * tensor with its own buffer, a new one on every call.
 * Kills: transposes_b_in_place. */
HIDDEN_TEST(matmul, inputs_unchanged_and_result_new, 2, "inputs intact, new result each call")
{
    tt_rng rng;
    tt_rng_seed(&rng, 13);
    tt_tensor *a = OR_RANDN(&rng, 4, 6), *b = OR_RANDN(&rng, 6, 3), *s = OR_RANDN(&rng, 5, 5);
    tt_tensor *sa = or_snapshot(a), *sb = or_snapshot(b), *ss = or_snapshot(s);
    tt_tensor *c = tt_matmul(a, b);
    OR_EXPECT_SHAPE(c, "tt_matmul((4, 6), (6, 3))", 4, 3);
    OR_EXPECT_UNCHANGED(a, sa, "tt_matmul((4, 6), (6, 3))");
    OR_EXPECT_UNCHANGED(b, sb, "tt_matmul((4, 6), (6, 3))");
    OR_EXPECT_NEW(c, a, "tt_matmul((4, 6), (6, 3))");
    OR_EXPECT_NEW(c, b, "tt_matmul((4, 6), (6, 3))");
    tt_tensor *c2 = tt_matmul(a, b);
    OR_EXPECT_SHAPE(c2, "tt_matmul((4, 6), (6, 3)), second call", 4, 3);
    OR_EXPECT_TENSOR(c2, "tt_matmul((4, 6), (6, 3)), second call (vs the first call's result)", a, b, c);
    /* S @ S with the same tensor as both operands. */
    or_tensor *want = or_matmul(s, s);
    tt_tensor *sq = tt_matmul(s, s);
    OR_EXPECT_FROM(sq, want, "tt_matmul(S, S), S (5, 5)", s);
    OR_EXPECT_UNCHANGED(s, ss, "tt_matmul(S, S)");
    or_free(want);
    tt_tensor_free(sq);
    tt_tensor_free(c2);
    tt_tensor_free(c);
    tt_tensor_free(ss);
    tt_tensor_free(sb);
    tt_tensor_free(sa);
    tt_tensor_free(s);
    tt_tensor_free(b);
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: matmul.eshape */
/* Inner dimensions that differ: NULL with TT_ESHAPE.
 * Kills: no_inner_check, einval_for_mismatch. */
HIDDEN_TEST(matmul, inner_mismatch_is_eshape, 2, "TT_ESHAPE for k mismatch")
{
    static const size_t cases[][4] = {{2, 3, 4, 2}, {3, 2, 3, 2}, {1, 5, 4, 1}, {5, 1, 5, 1}, {4, 4, 5, 4}};
    for (size_t i = 0; i < OR_LEN(cases); i++) {
        tt_tensor *a = OR_ZEROS(cases[i][0], cases[i][1]);
        tt_tensor *b = OR_ZEROS(cases[i][2], cases[i][3]);
        tt_tensor *sa = or_snapshot(a), *sb = or_snapshot(b);
        const char *what = or_fmt("tt_matmul(%s, %s)", or_shp(a), or_shp(b));
        OR_EXPECT_FAIL(tt_matmul(a, b), TT_ESHAPE, what);
        OR_EXPECT_UNCHANGED(a, sa, what);
        OR_EXPECT_UNCHANGED(b, sb, what);
        tt_tensor_free(sa);
        tt_tensor_free(sb);
        tt_tensor_free(a);
        tt_tensor_free(b);
    }
    HIDDEN_PASS();
}

/* clauses: matmul.eshape */
/* The TT_ESHAPE message names both shapes.
 * Kills: message_without_shapes, no_inner_check, einval_for_mismatch. */
HIDDEN_TEST(matmul, eshape_message_names_both_shapes, 1, "message names both shapes")
{
    tt_tensor *a = OR_ZEROS(2, 3), *b = OR_ZEROS(4, 2);
    OR_EXPECT_FAIL(tt_matmul(a, b), TT_ESHAPE, "tt_matmul((2, 3), (4, 2))");
    OR_EXPECT_MSG_CONTAINS("(2, 3)", "tt_matmul((2, 3), (4, 2))");
    OR_EXPECT_MSG_CONTAINS("(4, 2)", "tt_matmul((2, 3), (4, 2))");
    tt_tensor_free(a);
    tt_tensor_free(b);
    a = OR_ZEROS(7, 1);
    b = OR_ZEROS(6, 9);
    OR_EXPECT_FAIL(tt_matmul(a, b), TT_ESHAPE, "tt_matmul((7, 1), (6, 9))");
    OR_EXPECT_MSG_CONTAINS("(7, 1)", "tt_matmul((7, 1), (6, 9))");
    OR_EXPECT_MSG_CONTAINS("(6, 9)", "tt_matmul((7, 1), (6, 9))");
    tt_tensor_free(a);
    tt_tensor_free(b);
    HIDDEN_PASS();
}

/* clauses: matmul.null */
/* NULL operands: NULL with TT_EINVAL.
 * Kills: no_null_check (crashes). */
HIDDEN_TEST(matmul, null_operand_is_einval, 1, "NULL operands: TT_EINVAL")
{
    tt_tensor *a = OR_ZEROS(2, 2);
    OR_EXPECT_FAIL(tt_matmul(NULL, a), TT_EINVAL, "tt_matmul(NULL, (2, 2))");
    OR_EXPECT_FAIL(tt_matmul(a, NULL), TT_EINVAL, "tt_matmul((2, 2), NULL)");
    OR_EXPECT_FAIL(tt_matmul(NULL, NULL), TT_EINVAL, "tt_matmul(NULL, NULL)");
    tt_tensor_free(a);
    HIDDEN_PASS();
}

/* clauses: matmul.not_2d */
/* Operands that are not 2-D (0-D, 1-D, 3-D) are TT_EINVAL, not TT_ESHAPE,
 * even when the sizes would fit.
 * Kills: eshape_for_ndim, no_ndim_check. */
HIDDEN_TEST(matmul, non_2d_is_einval, 2, "0-D, 1-D, 3-D operands: TT_EINVAL")
{
    tt_tensor *v3 = OR_ZEROS(3), *m32 = OR_ZEROS(3, 2), *m23 = OR_ZEROS(2, 3);
    tt_tensor *t234 = OR_ZEROS(2, 3, 4), *m45 = OR_ZEROS(4, 5), *scalar = or_tensor_of(0, NULL, NULL);
    tt_tensor *m11 = OR_ZEROS(1, 1);
    OR_EXPECT_FAIL(tt_matmul(v3, m32), TT_EINVAL, "tt_matmul((3,), (3, 2))");
    OR_EXPECT_FAIL(tt_matmul(m23, v3), TT_EINVAL, "tt_matmul((2, 3), (3,))");
    OR_EXPECT_FAIL(tt_matmul(t234, m45), TT_EINVAL, "tt_matmul((2, 3, 4), (4, 5))");
    OR_EXPECT_FAIL(tt_matmul(m23, t234), TT_EINVAL, "tt_matmul((2, 3), (2, 3, 4))");
    OR_EXPECT_FAIL(tt_matmul(scalar, m11), TT_EINVAL, "tt_matmul((), (1, 1))");
    OR_EXPECT_FAIL(tt_matmul(m11, scalar), TT_EINVAL, "tt_matmul((1, 1), ())");
    tt_tensor_free(m11);
    tt_tensor_free(scalar);
    tt_tensor_free(m45);
    tt_tensor_free(t234);
    tt_tensor_free(m23);
    tt_tensor_free(m32);
    tt_tensor_free(v3);
    HIDDEN_PASS();
}
