/* mem_flatten.c - the memory driver of lab 5: tt_flatten returns a tensor
 * with a buffer of its own, so the result and its input can be freed in
 * either order, and a Flatten layer is a module like any other. `make
 * memcheck` runs it under Valgrind against your flatten.c (scenario.h
 * explains how it is scored). */
#include <limits.h>

#include "scenario.h"

/* The sum of a tensor's values: reads every element. */
static float sum(const tt_tensor *t)
{
    float s = 0.0f;
    for (size_t i = 0; i < t->size; i++)
        s += t->data[i];
    return s;
}

/* y = tt_flatten(x, start_dim), checked to be a separate tensor with its own
 * buffer and x's element count; NULL (recorded) otherwise, y then freed. */
static tt_tensor *flatten(mem_ctx *c, const tt_tensor *x, int start_dim)
{
    tt_clear_error();
    tt_tensor *y = tt_flatten(x, start_dim);
    if (!mem_got(c, y, "tt_flatten"))
        return NULL;
    if (y == x || y->data == x->data) {
        /* freeing both would free one thing twice: leave y alone */
        mem_not_run(c, "tt_flatten(x, %d) returned a tensor that shares x's data buffer", start_dim);
        return NULL;
    }
    if (y->size != x->size || y->data == NULL) {
        mem_not_run(c, "tt_flatten(x, %d) returned %zu elements, not %zu", start_dim, y->size, x->size);
        tt_tensor_free(y);
        return NULL;
    }
    return y;
}

static void free_input_first(mem_ctx *c)
{
    static const int dims[] = {1, 0, -1, 2};
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        tt_tensor *x = mem_tensor(c, 4, (size_t[]){2, 3, 4, 5});
        tt_tensor *y = x ? flatten(c, x, dims[i]) : NULL;
        tt_tensor_free(x);
        if (y == NULL)
            return;
        volatile float s = sum(y); /* y must still be whole after x is gone */
        (void)s;
        tt_tensor_free(y);
    }
}

static void free_output_first(mem_ctx *c)
{
    tt_tensor *x = mem_tensor(c, 3, (size_t[]){4, 2, 3});
    if (x == NULL)
        return;
    for (int d = -3; d < 3; d++) {
        tt_tensor *y = flatten(c, x, d);
        if (y == NULL)
            break;
        tt_tensor_free(y); /* x must still be whole after y is gone */
        volatile float s = sum(x);
        (void)s;
    }
    tt_clear_error();
    tt_module *layer = tt_flatten_new(1);
    if (mem_got(c, layer, "tt_flatten_new")) {
        tt_clear_error();
        tt_tensor *y = tt_module_forward(layer, x);
        if (mem_got(c, y, "the Flatten layer's forward") && (y == x || y->data == x->data))
            mem_not_run(c, "the Flatten layer returned a tensor that shares x's data buffer");
        else
            tt_tensor_free(y);
    }
    tt_module_free(layer);
    volatile float s = sum(x);
    (void)s;
    tt_tensor_free(x);
}

static void inside_sequential(mem_ctx *c)
{
    tt_rng rng;
    tt_rng_seed(&rng, 11);
    tt_clear_error();
    tt_module *flat = tt_flatten_new(1);
    tt_module *lin = flat ? tt_linear_new(60, 3, true, &rng) : NULL;
    if (!mem_got(c, flat, "tt_flatten_new") || !mem_got(c, lin, "tt_linear_new")) {
        tt_module_free(flat);
        return;
    }
    tt_module *seq = tt_sequential_new((tt_module *[]){flat, lin}, 2);
    tt_tensor *x = mem_got(c, seq, "tt_sequential_new") ? mem_tensor(c, 4, (size_t[]){2, 3, 4, 5}) : NULL;
    if (x != NULL) {
        tt_clear_error();
        tt_tensor *y = tt_module_forward(seq, x);
        if (mem_got(c, y, "Sequential(Flatten(1), Linear(60, 3))'s forward") &&
            (y->ndim != 2 || y->shape[0] != 2 || y->shape[1] != 3))
            mem_not_run(c, "Sequential(Flatten(1), Linear(60, 3)) did not return (2, 3)");
        tt_tensor_free(y);
    }
    tt_tensor_free(x);
    tt_module_free(seq);
    /* two Flattens in a row, each output freed by the Sequential */
    tt_module *f2 = tt_flatten_new(2);
    tt_module *f0 = f2 ? tt_flatten_new(0) : NULL;
    if (f0 == NULL) {
        tt_module_free(f2);
        return;
    }
    seq = tt_sequential_new((tt_module *[]){f2, f0}, 2);
    x = seq ? mem_tensor(c, 4, (size_t[]){2, 3, 4, 5}) : NULL;
    if (x != NULL) {
        tt_clear_error();
        tt_tensor *y = tt_module_forward(seq, x);
        if (mem_got(c, y, "Sequential(Flatten(2), Flatten(0))'s forward") && (y->ndim != 1 || y->size != 120))
            mem_not_run(c, "Sequential(Flatten(2), Flatten(0)) did not return (120,)");
        tt_tensor_free(y);
    }
    tt_tensor_free(x);
    tt_module_free(seq);
}

static void error_paths(mem_ctx *c)
{
    tt_tensor *x = mem_tensor(c, 4, (size_t[]){2, 3, 4, 5});
    tt_tensor *s = x ? mem_tensor(c, 0, NULL) : NULL;
    tt_tensor *y = s ? flatten(c, x, 1) : NULL;
    int ok = y != NULL;
    tt_tensor_free(y);
    static const int bad[] = {4, -5, INT_MAX, INT_MIN};
    for (size_t i = 0; ok && i < sizeof bad / sizeof bad[0]; i++) {
        tt_clear_error();
        y = tt_flatten(x, bad[i]);
        ok = mem_refused(c, y == NULL, "tt_flatten with start_dim out of range");
        if (y != x)
            tt_tensor_free(y);
    }
    for (int i = 0; ok && i < 2; i++) {
        tt_clear_error();
        y = tt_flatten(i == 0 ? NULL : s, 0);
        ok = mem_refused(c, y == NULL, i == 0 ? "tt_flatten(NULL, 0)" : "tt_flatten on a 0-D tensor");
        if (y != s)
            tt_tensor_free(y);
    }
    if (ok) {
        tt_clear_error();
        tt_module *layer = tt_flatten_new(7);
        if (mem_got(c, layer, "tt_flatten_new(7)")) {
            tt_clear_error();
            y = tt_module_forward(layer, x);
            mem_refused(c, y == NULL, "a Flatten(7) layer on a 4-D input");
            if (y != x)
                tt_tensor_free(y);
        }
        tt_module_free(layer);
    }
    tt_tensor_free(s);
    tt_tensor_free(x);
}

static const mem_scenario scenarios[] = {
    MEM_SCENARIO(free_input_first, 3, "x freed before y: y owns its data",
                 "y = tt_flatten(x, d), then x freed before y is read and freed"),
    MEM_SCENARIO(free_output_first, 2, "y freed before x, also through the layer",
                 "y freed before x is read and freed; the same through a Flatten layer"),
    MEM_SCENARIO(inside_sequential, 3, "Flatten layers inside a Sequential",
                 "Flatten layers inside a Sequential, run and freed with it"),
    MEM_SCENARIO(error_paths, 2, "bad start_dim, NULL, 0-D: nothing leaked",
                 "out-of-range start_dim, NULL and 0-D inputs return NULL without leaking"),
};

int main(int argc, char **argv)
{
    return mem_main(argc, argv, "flatten", scenarios, sizeof scenarios / sizeof scenarios[0]);
}
