/* tt_tensor.h - the tensor every lab works on: contiguous, row-major float32.
 *
 * A tensor owns its data. Create it with tt_tensor_new / tt_tensor_from /
 * tt_tensor_copy and release it with tt_tensor_free; no two tensors ever share
 * a data buffer.
 */
#ifndef TT_TENSOR_H
#define TT_TENSOR_H

#include <stddef.h>
#include <stdio.h>

#include "tt_error.h"

/* The most dimensions a tensor may have. */
#define TT_MAX_DIMS 8

/* Room for any shape written by tt_shape_str(), "(a, b, ...)", NUL included. */
#define TT_SHAPE_STR_MAX 192

typedef struct tt_tensor {
    size_t ndim;               /* number of dimensions, 0..TT_MAX_DIMS (0 is a scalar) */
    size_t shape[TT_MAX_DIMS]; /* shape[0..ndim-1], each >= 1; unused entries are 0 */
    size_t size;               /* number of elements: the product of the shape (1 for a scalar) */
    float *data;               /* size floats, row-major: the last index varies fastest */
} tt_tensor;

/* A new zero-filled tensor of the given shape (shape may be NULL when ndim is 0).
 * Returns a tensor the caller owns (free it with tt_tensor_free), or NULL with
 * TT_EINVAL (ndim > TT_MAX_DIMS, a zero dim, NULL shape, a size that overflows)
 * or TT_ENOMEM. */
tt_tensor *tt_tensor_new(size_t ndim, const size_t *shape);

/* Like tt_tensor_new, then copies `size` floats from `values` (row-major).
 * values may not be NULL. */
tt_tensor *tt_tensor_from(size_t ndim, const size_t *shape, const float *values);

/* A deep copy of t: same shape, its own copy of the data. NULL t gives TT_EINVAL. */
tt_tensor *tt_tensor_copy(const tt_tensor *t);

/* Frees t and its data. tt_tensor_free(NULL) does nothing. */
void tt_tensor_free(tt_tensor *t);

/* Writes the shape as text, "(2, 3)" (a 1-D shape is "(5,)", a scalar "()"), into
 * buf of length len, cut if it does not fit. Returns buf, so it can be used
 * directly in a message. A NULL tensor is written as "NULL". */
char *tt_shape_str(const tt_tensor *t, char *buf, size_t len);

/* Same as tt_shape_str, from a bare shape. */
char *tt_shape_format(size_t ndim, const size_t *shape, char *buf, size_t len);

/* 1 if a and b have the same ndim and shape, else 0. NULL is never equal. */
int tt_shape_equal(const tt_tensor *a, const tt_tensor *b);

/* Prints t to `out` for debugging: its shape, then its values (2-D tensors as
 * rows; larger tensors cut after a few values). */
void tt_tensor_print(FILE *out, const tt_tensor *t);

#endif /* TT_TENSOR_H */
