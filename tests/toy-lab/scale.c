/* scale.c - lab 6: tt_scale, a new tensor s times x (tt_scale.h). */
#include <stddef.h>

#include "tinytorch.h"

tt_tensor *tt_scale(const tt_tensor *x, float s)
{
    /* TODO 1: a NULL x is TT_EINVAL.
     * TODO 2: a new tensor of x's shape, each element s times x's. */
    /* BEGIN SOLUTION */
    if (x == NULL) {
        tt_set_error(TT_EINVAL, "tt_scale: x is NULL");
        return NULL;
    }
    tt_tensor *y = tt_tensor_new(x->ndim, x->shape);
    if (y == NULL)
        return NULL;
    for (size_t i = 0; i < x->size; i++)
        y->data[i] = s * x->data[i];
    return y;
    /* END SOLUTION */
    /* STUB: (void)x; */
    /* STUB: (void)s; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
}
