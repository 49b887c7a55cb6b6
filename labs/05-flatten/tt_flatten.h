/* tt_flatten.h - lab 5: flatten, the reshape between conv-shaped and dense layers.
 * Each [tag] names one clause of the contract, as in tt_module.h. */
#ifndef TT_FLATTEN_H
#define TT_FLATTEN_H

#include "tt_module.h"

/* PyTorch's torch.flatten(x, start_dim): the dims before start_dim are kept
 * and dims start_dim..ndim-1 are merged into one [flatten.shape]; a negative
 * start_dim counts from the end [flatten.negative].
 *   (2, 3, 4, 5), start_dim 1  -> (2, 60)
 *   (2, 3, 4, 5), start_dim 2  -> (2, 3, 20)
 *   (2, 3, 4, 5), start_dim -1 -> (2, 3, 4, 5)   (negative counts from the end)
 *   (2, 3, 4, 5), start_dim 0  -> (120,)
 * (The course's Python kept only dim 0 whatever start_dim was; this is fixed.)
 * Returns a NEW tensor with its own copy of the data, never sharing x's buffer,
 * so the two can be freed in either order; x is never modified. [flatten.copy]
 * NULL with TT_EINVAL for NULL x or a 0-D x [flatten.einval], or start_dim
 * outside [-ndim, ndim-1] [flatten.range]; TT_ENOMEM on allocation failure
 * [flatten.enomem]. */
tt_tensor *tt_flatten(const tt_tensor *x, int start_dim);

/* A Flatten layer whose forward is tt_flatten(x, start_dim). No parameters.
 * [flatten.layer] Any start_dim makes a layer, negative ones included
 * [flatten.layer_negative]: start_dim is checked against each input's ndim at
 * forward time [flatten.layer_checks_at_forward].
 * Returns a module the caller owns, or NULL with TT_ENOMEM. [flatten.layer_enomem] */
tt_module *tt_flatten_new(int start_dim);

#endif /* TT_FLATTEN_H */
