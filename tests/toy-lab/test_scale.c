/* test_scale.c - public tests for lab 6, tt_scale. */
#include "ptest.h"

/* clauses: scale.values, scale.new */
Test(scale, doubles)
{
    static const float xv[] = {1, 2, 3, 4};
    static const float yv[] = {2, 4, 6, 8};
    tt_tensor *x = PT_TENSOR(xv, 2, 2);
    tt_tensor *y = tt_scale(x, 2.0f);
    PT_VALUES(y, "tt_scale((2, 2), 2)", yv, 2, 2);
    tt_tensor_free(y);
    tt_tensor_free(x);
}

/* clauses: scale.null */
Test(scale, null_is_einval)
{
    PT_TENSOR_FAILS(tt_scale(NULL, 2.0f), TT_EINVAL, "tt_scale(NULL, 2)");
}

/* no public test: scale.enomem: only a failing malloc reaches it */
