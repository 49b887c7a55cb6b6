/* summary.c - tt_module_summary: a Keras-style table of a model's layers, with
 * output shapes, parameters, bytes and FLOPs (see tt_summary.h). Support code:
 * complete in the kit, not a lab. The question checker of the grader builds
 * the course's networks with the reference labs and reads its numbers here. */
#include <stdlib.h>
#include <string.h>

#include "tt_summary.h"

/* A copy of the current error message: tt_set_error may not read from the
 * buffer it writes. */
struct saved_error {
    tt_status status;
    char msg[TT_ERROR_MAX];
};

static void save_error(struct saved_error *e)
{
    e->status = tt_last_status();
    const char *m = tt_last_error();
    size_t n = strlen(m);
    if (n >= sizeof e->msg)
        n = sizeof e->msg - 1;
    memcpy(e->msg, m, n);
    e->msg[n] = '\0';
}

/* Counts the scalars and tensors of m's parameters and its descendants'. */
static void count_params(const tt_module *m, size_t *scalars, size_t *tensors)
{
    for (size_t i = 0; i < m->n_params; i++) {
        if (m->params[i].tensor != NULL)
            *scalars += m->params[i].tensor->size;
        (*tensors)++;
    }
    for (size_t i = 0; i < m->n_children; i++)
        if (m->children[i].module != NULL)
            count_params(m->children[i].module, scalars, tensors);
}

struct walk {
    tt_summary *s;
    size_t cap;                 /* rows allocated */
    char name[TT_NAME_MAX];     /* the dotted name of the module being summarised */
};

/* "layer_0 (Linear)" for messages; "Linear" for the model itself. */
static const char *label(const struct walk *w, const tt_module *m, char *buf, size_t len)
{
    if (w->name[0] != '\0')
        snprintf(buf, len, "%s (%s)", w->name, tt_module_name(m));
    else
        snprintf(buf, len, "%s", tt_module_name(m));
    return buf;
}

/* Runs m's own forward on x; on failure records an error naming the layer. */
static tt_tensor *run_forward(const struct walk *w, tt_module *m, const tt_tensor *x)
{
    tt_clear_error();
    tt_tensor *y = tt_module_forward(m, x);
    if (y != NULL)
        return y;
    struct saved_error e;
    save_error(&e);
    char lab[TT_NAME_MAX + 64];
    if (e.status == TT_OK)
        tt_set_error(TT_EINVAL, "tt_module_summary: %s: forward returned NULL without recording an error",
                     label(w, m, lab, sizeof lab));
    else
        tt_set_error(e.status, "tt_module_summary: %s: %s", label(w, m, lab, sizeof lab), e.msg);
    return NULL;
}

static int add_row(struct walk *w, const tt_module *m, const tt_tensor *x, const tt_tensor *y)
{
    tt_summary *s = w->s;
    if (s->n_rows == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        tt_summary_row *rows = realloc(s->rows, cap * sizeof *rows);
        if (rows == NULL) {
            tt_set_error(TT_ENOMEM, "tt_module_summary: out of memory");
            return -1;
        }
        s->rows = rows;
        w->cap = cap;
    }
    tt_summary_row *r = &s->rows[s->n_rows++];
    memset(r, 0, sizeof *r);
    memcpy(r->name, w->name, sizeof r->name);
    r->type = tt_module_name(m);
    r->out_ndim = y->ndim;
    for (size_t d = 0; d < y->ndim; d++)
        r->out_shape[d] = y->shape[d];
    r->out_bytes = y->size * sizeof(float);
    count_params(m, &r->params, &r->param_tensors);
    r->param_bytes = r->params * sizeof(float);
    r->flops = (m->ops != NULL && m->ops->flops != NULL) ? m->ops->flops(m, x) : 0;
    s->activation_bytes += r->out_bytes;
    s->total_flops += r->flops;
    return 0;
}

/* Summarises m on x (borrowed), w->name being m's dotted name. Returns m's
 * output (the caller frees it), or NULL with the error recorded. */
static tt_tensor *walk_module(struct walk *w, tt_module *m, const tt_tensor *x)
{
    int container = m->n_children > 0 && (m->ops == NULL || m->ops->flops == NULL);
    if (!container) {
        tt_tensor *y = run_forward(w, m, x);
        if (y != NULL && add_row(w, m, x, y) != 0) {
            tt_tensor_free(y);
            return NULL;
        }
        return y;
    }

    /* A container: its children in order, each output feeding the next. */
    size_t len = strlen(w->name);
    tt_tensor *h = NULL;
    for (size_t i = 0; i < m->n_children; i++) {
        const char *part = m->children[i].name ? m->children[i].name : "?";
        size_t plen = strlen(part);
        if (len + (len > 0) + plen + 1 > sizeof w->name) {
            tt_set_error(TT_EINVAL, "tt_module_summary: a layer name is longer than %d bytes", TT_NAME_MAX - 1);
            tt_tensor_free(h);
            return NULL;
        }
        size_t at = len;
        if (at > 0)
            w->name[at++] = '.';
        memcpy(w->name + at, part, plen + 1);
        tt_module *child = m->children[i].module;
        tt_tensor *next = NULL;
        if (child == NULL)
            tt_set_error(TT_EINVAL, "tt_module_summary: %s is a NULL child", w->name);
        else
            next = walk_module(w, child, h != NULL ? h : x);
        w->name[len] = '\0';
        tt_tensor_free(h);
        if (next == NULL)
            return NULL;
        h = next;
    }

    /* The container's own forward must agree with the chain. */
    tt_tensor *y = run_forward(w, m, x);
    if (y == NULL) {
        tt_tensor_free(h);
        return NULL;
    }
    int same = tt_shape_equal(y, h);
    tt_tensor_free(y);
    if (!same) {
        char lab[TT_NAME_MAX + 64];
        tt_set_error(TT_EINVAL, "tt_module_summary: %s: its forward does not run its children in order, so "
                                "it cannot be summarised layer by layer", label(w, m, lab, sizeof lab));
        tt_tensor_free(h);
        return NULL;
    }
    return h;
}

tt_summary *tt_module_summary(tt_module *m, size_t ndim, const size_t *shape)
{
    if (m == NULL || (shape == NULL && ndim > 0) || ndim > TT_MAX_DIMS) {
        tt_set_error(TT_EINVAL, "tt_module_summary: %s",
                     m == NULL ? "the module is NULL" : shape == NULL ? "the input shape is NULL" : "too many dims");
        return NULL;
    }
    tt_tensor *x = tt_tensor_new(ndim, shape);
    if (x == NULL) {
        struct saved_error e;
        save_error(&e);
        tt_set_error(e.status, "tt_module_summary: input: %s", e.msg);
        return NULL;
    }
    struct walk w;
    memset(&w, 0, sizeof w);
    w.s = calloc(1, sizeof *w.s);
    if (w.s == NULL) {
        tt_set_error(TT_ENOMEM, "tt_module_summary: out of memory");
        tt_tensor_free(x);
        return NULL;
    }
    tt_summary *s = w.s;
    s->in_ndim = ndim;
    for (size_t d = 0; d < ndim; d++)
        s->in_shape[d] = shape[d];
    s->input_bytes = x->size * sizeof(float);

    tt_tensor *y = walk_module(&w, m, x);
    tt_tensor_free(x);
    if (y == NULL) {
        tt_summary_free(s);
        return NULL;
    }
    s->out_ndim = y->ndim;
    for (size_t d = 0; d < y->ndim; d++)
        s->out_shape[d] = y->shape[d];
    s->output_bytes = y->size * sizeof(float);
    tt_tensor_free(y);
    count_params(m, &s->total_params, &s->total_param_tensors);
    s->total_param_bytes = s->total_params * sizeof(float);
    return s;
}

void tt_summary_free(tt_summary *s)
{
    if (s == NULL)
        return;
    free(s->rows);
    free(s);
}

/* ------------------------------------------------------------ printing -- */

/* n with thousands separators, "14,774,592". */
static const char *group(uint64_t n, char *buf, size_t len)
{
    char digits[32];
    int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < nd && o + 2 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

void tt_summary_print(FILE *out, const tt_summary *s)
{
    if (out == NULL || s == NULL)
        return;
    char a[TT_SHAPE_STR_MAX], b[32], c[32], d[32];
    /* The first column fits the longest "name (Type)". */
    int w0 = (int)strlen("Layer (type)");
    for (size_t i = 0; i < s->n_rows; i++) {
        const tt_summary_row *r = &s->rows[i];
        int n = (int)(strlen(r->name) + strlen(r->type) + (r->name[0] ? 3 : 2));
        if (n > w0)
            w0 = n;
    }
    fprintf(out, "Summary for input %s\n", tt_shape_format(s->in_ndim, s->in_shape, a, sizeof a));
    fprintf(out, "%-*s  %-16s %12s %14s %16s\n", w0, "Layer (type)", "Output shape", "Params", "Param bytes",
            "FLOPs");
    for (size_t i = 0; i < s->n_rows; i++) {
        const tt_summary_row *r = &s->rows[i];
        char lab[TT_NAME_MAX + 64];
        if (r->name[0])
            snprintf(lab, sizeof lab, "%s (%s)", r->name, r->type);
        else
            snprintf(lab, sizeof lab, "(%s)", r->type);
        fprintf(out, "%-*s  %-16s %12s %14s %16s\n", w0, lab, tt_shape_format(r->out_ndim, r->out_shape, a, sizeof a),
                group(r->params, b, sizeof b), group(r->param_bytes, c, sizeof c), group(r->flops, d, sizeof d));
    }
    fprintf(out, "Parameters:  %s scalars in %zu tensors, %s bytes as float32 (%.2f MB = %.2f MiB)\n",
            group(s->total_params, b, sizeof b), s->total_param_tensors, group(s->total_param_bytes, c, sizeof c),
            s->total_param_bytes / 1e6, s->total_param_bytes / 1048576.0);
    fprintf(out, "FLOPs:       %s per forward (Linear: 2*rows*in*out for x @ W plus rows*out for the bias; "
                 "ReLU and Flatten count 0)\n", group(s->total_flops, b, sizeof b));
    fprintf(out, "Activations: input %s bytes, output %s %s bytes, every layer's output %s bytes\n",
            group(s->input_bytes, b, sizeof b), tt_shape_format(s->out_ndim, s->out_shape, a, sizeof a),
            group(s->output_bytes, c, sizeof c), group(s->activation_bytes, d, sizeof d));
}

tt_status tt_module_print_summary(FILE *out, tt_module *m, size_t ndim, const size_t *shape)
{
    if (out == NULL)
        return tt_set_error(TT_EINVAL, "tt_module_print_summary: out is NULL");
    tt_summary *s = tt_module_summary(m, ndim, shape);
    if (s == NULL)
        return tt_last_status() != TT_OK ? tt_last_status() : TT_EINVAL;
    tt_summary_print(out, s);
    tt_summary_free(s);
    return TT_OK;
}
