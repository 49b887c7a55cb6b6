/* hidden_scale.c - hidden tests for lab 6, tt_scale (tt_scale.h). */
#include "oracle.h"

/* clauses: scale.values, scale.new */
/* Kills: scale/plus_one. */
HIDDEN_TEST(scale, values_scaled, 3, "2.5 x, element by element")
{
    static const float xv[] = {1, -2, 3, 0.5f, 0, -4};
    static const float yv[] = {2.5f, -5, 7.5f, 1.25f, 0, -10};
    tt_tensor *x = OR_TENSOR(xv, 2, 3);
    or_tensor *want = or_exact_values(2, (const size_t[]){2, 3}, yv);
    tt_tensor *y = tt_scale(x, 2.5f);
    OR_EXPECT(y, want, "tt_scale((2, 3), 2.5)");
    OR_EXPECT_NEW(y, x, "tt_scale((2, 3), 2.5)");
    or_free(want);
    tt_tensor_free(y);
    tt_tensor_free(x);
    HIDDEN_PASS();
}

/* clauses: scale.null */
HIDDEN_TEST(scale, null_is_einval, 1, "NULL x: TT_EINVAL")
{
    tt_clear_error();
    cr_assert(tt_scale(NULL, 2.0f) == NULL, "tt_scale(NULL, 2) must return NULL");
    cr_assert(tt_last_status() == TT_EINVAL, "tt_scale(NULL, 2): expected TT_EINVAL, got %s",
              tt_status_name(tt_last_status()));
    HIDDEN_PASS();
}
