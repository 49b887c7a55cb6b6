/* tt_sequential.h - lab 4: a container that chains layers, f(x) = L_n(...L_1(x)).
 * Each [tag] names one clause of the contract, as in tt_module.h. */
#ifndef TT_SEQUENTIAL_H
#define TT_SEQUENTIAL_H

#include <stddef.h>

#include "tt_module.h"

/* A new Sequential holding layers[0..n-1], registered as children "layer_0",
 * "layer_1", ... [sequential.new] Takes ownership of every layer in every case:
 * on failure all of them are freed before this returns, so never free them
 * yourself. [sequential.new_owns]
 * layers may be NULL when n is 0 (an empty Sequential). [sequential.new_empty]
 * Returns a module the caller owns, or NULL with TT_EINVAL (layers NULL with
 * n > 0, or any layer NULL, e.g. because its own constructor failed)
 * [sequential.new_einval] or TT_ENOMEM [sequential.new_enomem]. */
tt_module *tt_sequential_new(tt_module *const *layers, size_t n);

/* Appends `layer` as the next child, "layer_<len>". [sequential.add] Takes
 * ownership of layer in every case (freed on failure). [sequential.add_owns]
 * Returns TT_OK, or TT_EINVAL (seq is not a Sequential, layer NULL)
 * [sequential.add_einval] or TT_ENOMEM [sequential.add_enomem]. */
tt_status tt_sequential_add(tt_module *seq, tt_module *layer);

/* The number of layers [sequential.len]; 0 (with TT_EINVAL) if seq is not a
 * Sequential [sequential.len_einval]. */
size_t tt_sequential_len(const tt_module *seq);

/* The forward of a Sequential (reached through tt_module_forward): passes x
 * through each layer in order, freeing every intermediate tensor.
 * [sequential.forward] An empty Sequential returns a copy of x (never x
 * itself). [sequential.forward_empty] If a layer fails, its error is passed
 * up, the intermediate is freed, and NULL is returned. [sequential.forward_error]
 * x is never freed or modified. [sequential.forward_input] */

#endif /* TT_SEQUENTIAL_H */
