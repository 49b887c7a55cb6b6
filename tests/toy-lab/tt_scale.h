/* tt_scale.h - lab 6 (a toy lab, the README's "Add a lab" example): scale a tensor. */
#ifndef TT_SCALE_H
#define TT_SCALE_H

#include "tt_tensor.h"

/* y = s * x, element by element [scale.values]. x is any shape; y is a NEW
 * tensor of x's shape that the caller owns [scale.new]. NULL with TT_EINVAL
 * for a NULL x [scale.null], TT_ENOMEM on allocation failure [scale.enomem].
 * (Each [tag] is one clause; tests/public/test_scale.c tests each.) */
tt_tensor *tt_scale(const tt_tensor *x, float s);

#endif /* TT_SCALE_H */
