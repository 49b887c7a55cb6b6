/* mem_linear.c - the memory driver of lab 3: a Linear layer owns its weights
 * and bias (through its base module), its forward returns a new tensor the
 * caller frees and keeps nothing else, and a failing call leaks nothing.
 * `make memcheck` runs it under Valgrind against your linear.c (scenario.h
 * explains how it is scored). */
#include "scenario.h"

/* A new Linear(in, out), or NULL (recorded). */
static tt_module *make(mem_ctx *c, size_t in, size_t out, bool bias, uint64_t seed)
{
    tt_rng rng;
    tt_rng_seed(&rng, seed);
    tt_clear_error();
    tt_module *m = tt_linear_new(in, out, bias, &rng);
    return mem_got(c, m, "tt_linear_new") ? m : NULL;
}

/* y = layer(x) for an x of the given shape; the result must have x's leading
 * dims and `out` last. Frees x and y. */
static int forward(mem_ctx *c, tt_module *layer, size_t ndim, const size_t *shape, size_t out)
{
    tt_tensor *x = mem_tensor(c, ndim, shape);
    if (x == NULL)
        return 0;
    tt_clear_error();
    tt_tensor *y = tt_module_forward(layer, x);
    int ok = mem_got(c, y, "the Linear forward");
    if (ok && (y->ndim != ndim || y->shape[ndim - 1] != out || y->data == NULL || y->data == x->data))
        ok = mem_not_run(c, "the Linear forward returned a tensor of the wrong shape, or x's own buffer");
    tt_tensor_free(y);
    tt_tensor_free(x);
    return ok;
}

static void forward_with_bias(mem_ctx *c)
{
    tt_module *layer = make(c, 5, 3, true, 1);
    if (layer != NULL && forward(c, layer, 2, (size_t[]){4, 5}, 3))
        forward(c, layer, 2, (size_t[]){1, 5}, 3);
    tt_module_free(layer);
}

static void forward_without_bias(mem_ctx *c)
{
    tt_module *layer = make(c, 4, 6, false, 2);
    if (layer != NULL && forward(c, layer, 2, (size_t[]){3, 4}, 6))
        forward(c, layer, 2, (size_t[]){1, 4}, 6);
    tt_module_free(layer);
}

static void forward_nd_input(mem_ctx *c)
{
    tt_module *layer = make(c, 5, 2, true, 3);
    if (layer != NULL && forward(c, layer, 3, (size_t[]){2, 3, 5}, 2) &&
        forward(c, layer, 4, (size_t[]){2, 1, 2, 5}, 2))
        forward(c, layer, 1, (size_t[]){5}, 2);
    tt_module_free(layer);
}

static void shape_error(mem_ctx *c)
{
    tt_module *layer = make(c, 4, 3, true, 4);
    if (layer == NULL || !forward(c, layer, 2, (size_t[]){2, 4}, 3)) {
        tt_module_free(layer);
        return;
    }
    /* a wrong last dim, then a 0-D input: NULL, nothing left behind */
    tt_tensor *bad = mem_tensor(c, 2, (size_t[]){2, 5});
    tt_tensor *scalar = mem_tensor(c, 0, NULL);
    int ok = bad != NULL && scalar != NULL;
    if (ok) {
        tt_clear_error();
        tt_tensor *y = tt_module_forward(layer, bad);
        ok = mem_refused(c, y == NULL, "the Linear forward on (2, 5) for in_features 4");
        tt_tensor_free(y);
    }
    if (ok) {
        tt_clear_error();
        tt_tensor *y = tt_module_forward(layer, scalar);
        ok = mem_refused(c, y == NULL, "the Linear forward on a 0-D input");
        tt_tensor_free(y);
    }
    tt_tensor_free(bad);
    tt_tensor_free(scalar);
    tt_module_free(layer);
    /* constructors that must fail leak nothing either */
    tt_rng rng;
    tt_rng_seed(&rng, 5);
    for (int i = 0; ok && i < 3; i++) {
        tt_clear_error();
        tt_module *m = i == 0 ? tt_linear_new(0, 3, true, &rng)
                     : i == 1 ? tt_linear_new(3, 0, false, &rng)
                              : tt_linear_new(3, 3, true, NULL);
        ok = mem_refused(c, m == NULL, "tt_linear_new with a zero size or a NULL rng");
        tt_module_free(m);
    }
}

static const mem_scenario scenarios[] = {
    MEM_SCENARIO(forward_with_bias, 3, "with bias: made, run, freed",
                 "Linear(5, 3) with bias: made, two forwards, freed"),
    MEM_SCENARIO(forward_without_bias, 2, "without bias: made, run, freed",
                 "Linear(4, 6) without bias: made, two forwards, freed"),
    MEM_SCENARIO(forward_nd_input, 3, "(..., in) inputs, 1-D to 4-D",
                 "forward on (2, 3, 5), (2, 1, 2, 5) and (5,) inputs"),
    MEM_SCENARIO(shape_error, 2, "shape and constructor errors leak nothing",
                 "a wrong last dim, a 0-D input and bad constructor arguments return NULL without leaking"),
};

int main(int argc, char **argv)
{
    return mem_main(argc, argv, "linear", scenarios, sizeof scenarios / sizeof scenarios[0]);
}
