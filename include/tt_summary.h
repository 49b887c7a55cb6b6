/* tt_summary.h - a model summary, like Keras' model.summary() or torchinfo:
 * for a module and an input shape, one row per layer with its output shape,
 * parameter count, parameter bytes and forward FLOPs, and the totals.
 *
 * Support code, given complete. It runs your forward code on a zero tensor
 * of the input shape, so it only works once your labs do; until then it
 * returns NULL with the error that stopped it ("not implemented yet").
 *
 *     tt_summary *s = tt_module_summary(mlp, 2, (size_t[]){32, 784});
 *     if (s == NULL) { fprintf(stderr, "%s\n", tt_last_error()); ... }
 *     tt_summary_print(stdout, s);
 *     tt_summary_free(s);
 *
 *     Layer (type)        Output shape     Params   Param bytes        FLOPs
 *     layer_0 (Linear)    (32, 256)       200,960       803,840   12,853,248
 *     layer_1 (ReLU)      (32, 256)             0             0            0
 *     ...
 *
 * What is counted:
 *   - parameters: the scalars of every registered parameter tensor; bytes are
 *     scalars * sizeof(float), 4 (float32);
 *   - FLOPs: what the layer type's ops->flops hook says (tt_module.h). A
 *     Linear on x (rows, in) counts 2 * rows * in * out for x @ W (one multiply
 *     and one add per term) plus rows * out for the bias (none without bias),
 *     as the course does. ReLU and Flatten have no hook and count 0: ReLU only
 *     compares, Flatten only copies;
 *   - activations: the bytes of each layer's output (float32).
 *
 * Which modules are rows: a module with child modules and no flops hook (a
 * Sequential) is a container: its children are summarised in order, each
 * one's output feeding the next, with dotted names ("layer_0",
 * "layer_2.layer_1"). Every other module is one row (a leaf). A container's
 * own forward is run too, and must give the shape the chain gave, so a
 * container that does not run its children in order is reported, not
 * summarised wrongly.
 */
#ifndef TT_SUMMARY_H
#define TT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tt_module.h"

/* One leaf layer of the model. */
typedef struct tt_summary_row {
    char name[TT_NAME_MAX];          /* dotted path from the model, "layer_0"; "" if the model is the leaf */
    const char *type;                /* the ops name, "Linear" (static storage) */
    size_t out_ndim;                 /* the layer's output for this input: ndim ... */
    size_t out_shape[TT_MAX_DIMS];   /* ... and shape[0..out_ndim-1] */
    size_t out_bytes;                /* output elements * sizeof(float) */
    size_t params;                   /* scalars in the layer's parameters (its descendants' included) */
    size_t param_tensors;            /* how many parameter tensors that is */
    size_t param_bytes;              /* params * sizeof(float) */
    uint64_t flops;                  /* forward FLOPs on this layer's input; 0 without a flops hook */
} tt_summary_row;

typedef struct tt_summary {
    size_t in_ndim, in_shape[TT_MAX_DIMS];   /* the input the summary ran */
    size_t out_ndim, out_shape[TT_MAX_DIMS]; /* the model's output */
    tt_summary_row *rows;            /* rows[0..n_rows-1], in forward order */
    size_t n_rows;
    size_t input_bytes;              /* the input's elements * sizeof(float) */
    size_t output_bytes;             /* the model's output, in bytes */
    size_t activation_bytes;         /* every row's out_bytes added up: what training keeps for backward */
    size_t total_params;             /* scalars over the whole model, containers' own included */
    size_t total_param_tensors;
    size_t total_param_bytes;
    uint64_t total_flops;            /* the rows' FLOPs added up */
} tt_summary;

/* Summarises m for an input of shape[0..ndim-1] (a batch included, e.g.
 * (32, 784)): builds a zero input, runs each layer on it, and counts.
 * m is not changed, but its forward code runs (several times for nested
 * containers), so this costs a few forward passes.
 * Returns a summary the caller owns (free it with tt_summary_free), or NULL:
 * TT_EINVAL (m NULL, shape NULL with ndim > 0, a bad shape, a container whose
 * forward does not chain its children), TT_ENOMEM, or the error of the layer
 * whose forward failed, named in the message:
 *   "tt_module_summary: layer_1 (Linear): Linear: input (32, 100): ..." */
tt_summary *tt_module_summary(tt_module *m, size_t ndim, const size_t *shape);

/* Frees s. tt_summary_free(NULL) does nothing. */
void tt_summary_free(tt_summary *s);

/* Prints s as a table with totals to `out` (Keras style). Nothing for NULL s. */
void tt_summary_print(FILE *out, const tt_summary *s);

/* tt_module_summary, then tt_summary_print, then free: the one call to use
 * while exploring. Returns TT_OK, or the summary's error status (the message
 * is in tt_last_error(); nothing is printed). */
tt_status tt_module_print_summary(FILE *out, tt_module *m, size_t ndim, const size_t *shape);

#endif /* TT_SUMMARY_H */
