/* mem_sequential.c - the memory driver of lab 4: a Sequential owns its layers
 * from the moment it is given them, frees every intermediate of its forward,
 * cleans up when a layer fails, and never hands back (or frees) its input.
 * `make memcheck` runs it under Valgrind against your sequential.c
 * (scenario.h explains how it is scored). */
#include <stdlib.h>

#include "scenario.h"

/* A layer whose forward always fails with TT_EINVAL, as a layer given a
 * wrong shape does. */
static tt_tensor *fail_forward(tt_module *self, const tt_tensor *x)
{
    (void)self;
    (void)x;
    tt_set_error(TT_EINVAL, "Fail: this layer always fails");
    return NULL;
}

static const tt_module_ops fail_ops = {.name = "Fail", .forward = fail_forward};

static tt_module *fail_new(void)
{
    tt_module *m = calloc(1, sizeof *m);
    if (m != NULL)
        tt_module_init(m, &fail_ops);
    return m;
}

/* Layer specs for build(): Linear(in, out), ReLU, Fail, or a nested spec. */
enum kind { LINEAR, RELU, FAIL };
struct spec {
    enum kind kind;
    size_t in, out;
};

/* A new layer of the spec, or NULL (recorded). */
static tt_module *layer_new(mem_ctx *c, const struct spec *s, tt_rng *rng)
{
    tt_module *m = s->kind == LINEAR ? tt_linear_new(s->in, s->out, true, rng)
                 : s->kind == RELU   ? tt_relu_new()
                                     : fail_new();
    if (m == NULL)
        mem_not_run(c, "could not make a layer (out of memory?)");
    return m;
}

/* A Sequential of the specs (n <= 8), or NULL (recorded). */
static tt_module *build(mem_ctx *c, const struct spec *specs, size_t n)
{
    tt_module *layers[8];
    tt_rng rng;
    tt_rng_seed(&rng, 42);
    for (size_t i = 0; i < n; i++) {
        layers[i] = layer_new(c, &specs[i], &rng);
        if (layers[i] == NULL) {
            for (size_t j = 0; j < i; j++)
                tt_module_free(layers[j]);
            return NULL;
        }
    }
    tt_clear_error();
    tt_module *seq = tt_sequential_new(layers, n);
    return mem_got(c, seq, "tt_sequential_new") ? seq : NULL;
}

/* seq on a new (rows, cols) input must give (rows, out). Frees x and y. */
static int forward(mem_ctx *c, tt_module *seq, size_t rows, size_t cols, size_t out)
{
    tt_tensor *x = mem_tensor(c, 2, (size_t[]){rows, cols});
    if (x == NULL)
        return 0;
    tt_clear_error();
    tt_tensor *y = tt_module_forward(seq, x);
    int ok = mem_got(c, y, "the Sequential forward");
    if (ok && y == x) {
        /* the caller would free its own input: do not free it twice here */
        y = NULL;
        ok = mem_not_run(c, "the Sequential forward returned its input x itself");
    }
    if (ok && (y->ndim != 2 || y->shape[0] != rows || y->shape[1] != out))
        ok = mem_not_run(c, "the Sequential forward returned a tensor of the wrong shape");
    tt_tensor_free(y);
    tt_tensor_free(x);
    return ok;
}

/* seq on a (rows, cols) input must fail (a Fail layer inside). */
static int forward_fails(mem_ctx *c, tt_module *seq, size_t rows, size_t cols)
{
    tt_tensor *x = mem_tensor(c, 2, (size_t[]){rows, cols});
    if (x == NULL)
        return 0;
    tt_clear_error();
    tt_tensor *y = tt_module_forward(seq, x);
    int ok = mem_refused(c, y == NULL, "the Sequential forward with a failing layer");
    if (y != x)
        tt_tensor_free(y);
    tt_tensor_free(x);
    return ok;
}

static void intermediates_freed(mem_ctx *c)
{
    static const struct spec mlp[] = {{LINEAR, 4, 8}, {RELU, 0, 0}, {LINEAR, 8, 8}, {RELU, 0, 0}, {LINEAR, 8, 2}};
    tt_module *seq = build(c, mlp, 5);
    if (seq != NULL && forward(c, seq, 3, 4, 2))
        forward(c, seq, 1, 4, 2);
    tt_module_free(seq);
}

static void add_after_construction(mem_ctx *c)
{
    static const struct spec two[] = {{LINEAR, 3, 5}, {RELU, 0, 0}};
    static const struct spec last = {LINEAR, 5, 2};
    tt_module *seq = build(c, two, 2);
    if (seq == NULL)
        return;
    tt_rng rng;
    tt_rng_seed(&rng, 7);
    tt_module *layer = layer_new(c, &last, &rng);
    tt_clear_error();
    int ok = layer != NULL && mem_ok(c, tt_sequential_add(seq, layer), "tt_sequential_add");
    if (ok && tt_sequential_len(seq) != 3)
        ok = mem_not_run(c, "tt_sequential_len is %zu after adding a third layer", tt_sequential_len(seq));
    ok = ok && forward(c, seq, 2, 3, 2);
    if (ok) {
        /* refused adds: the layer is freed by tt_sequential_add itself */
        tt_module *not_seq = layer_new(c, &last, &rng);
        tt_module *relu = not_seq ? tt_relu_new() : NULL;
        if (relu != NULL) {
            tt_clear_error();
            ok = mem_refused(c, tt_sequential_add(not_seq, relu) != TT_OK, "tt_sequential_add on a Linear");
        } else {
            ok = mem_not_run(c, "could not make a layer (out of memory?)");
        }
        tt_module_free(not_seq);
    }
    if (ok) {
        tt_clear_error();
        mem_refused(c, tt_sequential_add(seq, NULL) != TT_OK, "tt_sequential_add of a NULL layer");
    }
    tt_module_free(seq);
}

static void nested_free(mem_ctx *c)
{
    static const struct spec inner_specs[] = {{LINEAR, 4, 4}, {RELU, 0, 0}};
    static const struct spec tail = {LINEAR, 4, 2};
    tt_rng rng;
    tt_rng_seed(&rng, 9);
    tt_module *inner = build(c, inner_specs, 2);
    tt_module *last = inner ? layer_new(c, &tail, &rng) : NULL;
    if (last == NULL) {
        tt_module_free(inner);
        return;
    }
    tt_clear_error();
    tt_module *outer = tt_sequential_new((tt_module *[]){inner, last}, 2);
    if (!mem_got(c, outer, "tt_sequential_new") || !forward(c, outer, 3, 4, 2)) {
        tt_module_free(outer);
        return;
    }
    tt_module_free(outer);
    /* a NULL among the layers: NULL, and the others are freed */
    tt_module *a = layer_new(c, &tail, &rng);
    tt_module *b = a ? tt_relu_new() : NULL;
    if (b == NULL) {
        tt_module_free(a);
        mem_not_run(c, "could not make a layer (out of memory?)");
        return;
    }
    tt_clear_error();
    tt_module *bad = tt_sequential_new((tt_module *[]){a, NULL, b}, 3);
    if (mem_refused(c, bad == NULL, "tt_sequential_new with a NULL layer")) {
        tt_clear_error();
        bad = tt_sequential_new(NULL, 2);
        mem_refused(c, bad == NULL, "tt_sequential_new(NULL, 2)");
    }
    tt_module_free(bad);
}

static void empty_forward(mem_ctx *c)
{
    tt_clear_error();
    tt_module *seq = tt_sequential_new(NULL, 0);
    if (!mem_got(c, seq, "tt_sequential_new(NULL, 0)"))
        return;
    tt_tensor *x = mem_tensor(c, 2, (size_t[]){2, 3});
    if (x != NULL) {
        tt_clear_error();
        tt_tensor *y = tt_module_forward(seq, x);
        if (y == x)
            mem_not_run(c, "the empty Sequential returned x itself, not a copy");
        else if (mem_got(c, y, "the empty Sequential's forward") && y->data == x->data)
            mem_not_run(c, "the empty Sequential's copy shares x's data buffer");
        else
            tt_tensor_free(y);
        tt_tensor_free(x);
    }
    tt_module_free(seq);
}

static void failing_middle_layer(mem_ctx *c)
{
    static const struct spec good[] = {{LINEAR, 4, 3}, {RELU, 0, 0}};
    static const struct spec middle[] = {{LINEAR, 4, 3}, {RELU, 0, 0}, {FAIL, 0, 0}, {LINEAR, 3, 2}};
    static const struct spec first[] = {{FAIL, 0, 0}, {LINEAR, 4, 2}};
    static const struct spec last[] = {{LINEAR, 4, 3}, {RELU, 0, 0}, {FAIL, 0, 0}};
    tt_module *seq = build(c, good, 2);
    int ok = seq != NULL && forward(c, seq, 2, 4, 3);
    tt_module_free(seq);
    const struct spec *cases[] = {middle, first, last};
    const size_t sizes[] = {4, 2, 3};
    for (size_t i = 0; ok && i < 3; i++) {
        seq = build(c, cases[i], sizes[i]);
        ok = seq != NULL && forward_fails(c, seq, 2, 4);
        tt_module_free(seq);
    }
}

static const mem_scenario scenarios[] = {
    MEM_SCENARIO(intermediates_freed, 2, "every intermediate freed",
                 "Linear-ReLU-Linear-ReLU-Linear forward: every intermediate freed"),
    MEM_SCENARIO(add_after_construction, 2, "added layer run and freed; refused adds free",
                 "a layer added after construction runs and is freed; refused adds free the layer"),
    MEM_SCENARIO(nested_free, 2, "nested Sequential freed; NULL layer frees the rest",
                 "a Sequential inside a Sequential, run and freed; a NULL layer frees the others"),
    MEM_SCENARIO(empty_forward, 2, "empty: a copy, freed separately",
                 "an empty Sequential returns a copy of x, freed separately"),
    MEM_SCENARIO(failing_middle_layer, 2, "a failing layer: nothing left behind",
                 "a failing middle, first or last layer: NULL, and no intermediate left behind"),
};

int main(int argc, char **argv)
{
    return mem_main(argc, argv, "sequential", scenarios, sizeof scenarios / sizeof scenarios[0]);
}
