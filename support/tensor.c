/* tensor.c - tt_tensor: creation, copy, free and shape formatting.
 * Support code: complete in the kit, not a lab. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tt_tensor.h"

tt_tensor *tt_tensor_new(size_t ndim, const size_t *shape)
{
    if (ndim > TT_MAX_DIMS) {
        tt_set_error(TT_EINVAL, "tt_tensor_new: %zu dims, at most %d allowed", ndim, TT_MAX_DIMS);
        return NULL;
    }
    if (ndim > 0 && shape == NULL) {
        tt_set_error(TT_EINVAL, "tt_tensor_new: shape is NULL");
        return NULL;
    }
    size_t size = 1;
    for (size_t d = 0; d < ndim; d++) {
        if (shape[d] == 0) {
            tt_set_error(TT_EINVAL, "tt_tensor_new: dim %zu is 0; every dim must be at least 1", d);
            return NULL;
        }
        if (size > SIZE_MAX / sizeof(float) / shape[d]) {
            tt_set_error(TT_EINVAL, "tt_tensor_new: the shape has too many elements");
            return NULL;
        }
        size *= shape[d];
    }
    tt_tensor *t = calloc(1, sizeof *t);
    if (t == NULL) {
        tt_set_error(TT_ENOMEM, "tt_tensor_new: out of memory");
        return NULL;
    }
    t->data = calloc(size, sizeof *t->data);
    if (t->data == NULL) {
        free(t);
        tt_set_error(TT_ENOMEM, "tt_tensor_new: out of memory for %zu floats", size);
        return NULL;
    }
    t->ndim = ndim;
    for (size_t d = 0; d < ndim; d++)
        t->shape[d] = shape[d];
    t->size = size;
    return t;
}

tt_tensor *tt_tensor_from(size_t ndim, const size_t *shape, const float *values)
{
    if (values == NULL) {
        tt_set_error(TT_EINVAL, "tt_tensor_from: values is NULL");
        return NULL;
    }
    tt_tensor *t = tt_tensor_new(ndim, shape);
    if (t != NULL)
        memcpy(t->data, values, t->size * sizeof *t->data);
    return t;
}

tt_tensor *tt_tensor_copy(const tt_tensor *t)
{
    if (t == NULL) {
        tt_set_error(TT_EINVAL, "tt_tensor_copy: tensor is NULL");
        return NULL;
    }
    return tt_tensor_from(t->ndim, t->shape, t->data);
}

void tt_tensor_free(tt_tensor *t)
{
    if (t == NULL)
        return;
    free(t->data);
    free(t);
}

char *tt_shape_format(size_t ndim, const size_t *shape, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return buf;
    size_t used = 0;
    buf[0] = '\0';
    /* Appends one piece; snprintf cuts it at the end of buf. */
#define APPEND(...)                                                     \
    do {                                                                \
        if (used < len) {                                               \
            int n_ = snprintf(buf + used, len - used, __VA_ARGS__);     \
            used = n_ < 0 ? len : used + (size_t)n_;                    \
        }                                                               \
    } while (0)
    APPEND("(");
    for (size_t d = 0; d < ndim && shape != NULL; d++)
        APPEND(d == 0 ? "%zu" : ", %zu", shape[d]);
    APPEND(ndim == 1 ? ",)" : ")");
#undef APPEND
    return buf;
}

char *tt_shape_str(const tt_tensor *t, char *buf, size_t len)
{
    if (t == NULL) {
        if (buf != NULL && len > 0)
            snprintf(buf, len, "NULL");
        return buf;
    }
    return tt_shape_format(t->ndim, t->shape, buf, len);
}

int tt_shape_equal(const tt_tensor *a, const tt_tensor *b)
{
    if (a == NULL || b == NULL || a->ndim != b->ndim)
        return 0;
    for (size_t d = 0; d < a->ndim; d++)
        if (a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

void tt_tensor_print(FILE *out, const tt_tensor *t)
{
    char shape[TT_SHAPE_STR_MAX];
    enum { SHOW = 8 }; /* values shown per row (and rows shown) before "..." */
    if (out == NULL)
        return;
    fprintf(out, "tensor%s", tt_shape_str(t, shape, sizeof shape));
    if (t == NULL) {
        fputc('\n', out);
        return;
    }
    size_t cols = t->ndim == 0 ? 1 : t->shape[t->ndim - 1];
    size_t rows = t->size / cols;
    fputs(" [\n", out);
    for (size_t r = 0; r < rows && r < SHOW; r++) {
        fputs("  [", out);
        for (size_t c = 0; c < cols && c < SHOW; c++)
            fprintf(out, c == 0 ? "%g" : ", %g", (double)t->data[r * cols + c]);
        fputs(cols > SHOW ? ", ...]\n" : "]\n", out);
    }
    if (rows > SHOW)
        fprintf(out, "  ... (%zu rows)\n", rows);
    fputs("]\n", out);
}
