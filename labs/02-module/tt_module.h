/* tt_module.h - lab 2: the Module base "class" every layer is built on.
 *
 * Python's `class Linear(Module)` becomes, in C, a struct whose first member is
 * a tt_module, plus one shared `static const tt_module_ops` table per type:
 *
 *     typedef struct { tt_module base; ... } tt_linear;       (the "subclass")
 *     static const tt_module_ops linear_ops = {.name = "Linear", .forward = linear_forward};
 *
 * Each [tag] below names one clause of the contract: the public tests
 * (tests/public/test_*.c) have a test for each, marked with the tags it covers.
 *
 * A module owns the parameters and child modules registered on it, and
 * tt_module_free releases the whole tree.
 */
#ifndef TT_MODULE_H
#define TT_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "tt_error.h"
#include "tt_tensor.h"

typedef struct tt_module tt_module;

/* What one module type does: shared by every instance of the type. */
typedef struct tt_module_ops {
    /* The type's name, "Linear", used in messages and summaries. */
    const char *name;
    /* Computes the module's output for x. Returns a new tensor the caller owns,
     * or NULL with the error recorded. Must not modify x or keep a pointer to it.
     * [module.ops_forward]
     * NULL means the type has no forward: tt_module_forward reports TT_ENOTIMPL. */
    tt_tensor *(*forward)(tt_module *self, const tt_tensor *x);
    /* Releases what the type owns besides its registered parameters and child
     * modules. Does not free `self` itself. May be NULL. */
    void (*destroy)(tt_module *self);
    /* The floating-point operations one forward on x performs, for
     * tt_module_summary (tt_summary.h); x is an input forward accepts. May be
     * NULL: the type counts 0 FLOPs (ReLU and Flatten do no arithmetic that
     * the course counts). Kept last, so tables written without it still work;
     * write tables with designated initialisers (.name = ...), or -Wextra
     * warns about the missing field. */
    uint64_t (*flops)(const tt_module *self, const tt_tensor *x);
} tt_module_ops;

/* One registered parameter or child, with the name it was registered under. */
typedef struct tt_named_tensor {
    char *name;            /* owned copy of the name, "weights" */
    tt_tensor *tensor;     /* owned */
} tt_named_tensor;

typedef struct tt_named_module {
    char *name;            /* owned copy of the name, "layer_0" */
    tt_module *module;     /* owned */
} tt_named_module;

/* The base struct. Subtypes embed it as their FIRST member. */
struct tt_module {
    const tt_module_ops *ops;     /* the type's table; never NULL after tt_module_init */
    tt_named_tensor *params;      /* params[0..n_params-1], in registration order */
    size_t n_params, cap_params;
    tt_named_module *children;    /* children[0..n_children-1], in registration order */
    size_t n_children, cap_children;
};

/* From a pointer to an embedded member back to the struct that holds it, as in
 * Linux's container_of: TT_CONTAINER_OF(m, tt_linear, base) gives the tt_linear
 * whose `base` is m. */
#define TT_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* The longest dotted parameter name ("layer_0.weights"), NUL included. */
#define TT_NAME_MAX 256

/* Makes m an empty module of type `ops`: no parameters, no children. Call it
 * first in every constructor; m's memory may hold anything before. [module.init] */
void tt_module_init(tt_module *m, const tt_module_ops *ops);

/* Registers tensor p under `name` (copied) as a parameter of m. [module.add_parameter]
 * Takes ownership of p in every case: on success m frees it later, and on
 * failure p is freed before this returns, so never free p yourself.
 * [module.add_parameter_owns]
 * Returns TT_OK, or TT_EINVAL (m, p or name NULL, name empty or containing '.',
 * name already used by a parameter or child of m) [module.add_parameter_einval]
 * or TT_ENOMEM [module.add_parameter_enomem]. */
tt_status tt_module_add_parameter(tt_module *m, const char *name, tt_tensor *p);

/* Registers `child` under `name` (copied) as a submodule of m. [module.add_module]
 * Takes ownership of child, like tt_module_add_parameter: on failure child is
 * freed (with tt_module_free) before this returns [module.add_module_owns]. The
 * one exception is child == m, which is refused and frees nothing
 * [module.add_module_self].
 * Returns TT_OK, or TT_EINVAL (NULL arguments, an empty name or one containing
 * '.', a name already used, child == m) [module.add_module_einval] or TT_ENOMEM
 * [module.add_module_enomem]. */
tt_status tt_module_add_module(tt_module *m, const char *name, tt_module *child);

/* Collects the parameters of m and all its descendants, as the course's
 * Python does: m's own parameters first, in registration order, then each
 * child's (recursively), children in registration order. [module.parameters]
 * Writes at most `max` pointers to out (out may be NULL when max is 0) and
 * returns the total number of parameters, even when that is more than max, so
 * a caller can ask for the count first. [module.parameters_max] The pointers
 * are borrowed: m still owns the tensors. A NULL m gives 0. [module.parameters_null] */
size_t tt_module_parameters(const tt_module *m, tt_tensor **out, size_t max);

/* The total number of scalars in all parameters of m and its descendants
 * (the "235,146 parameters" of an MLP). A NULL m gives 0. [module.num_parameters] */
size_t tt_module_num_parameters(const tt_module *m);

/* Calls fn(name, tensor, ctx) once for every parameter, in the order of
 * tt_module_parameters, with PyTorch-style dotted names: "weights",
 * "layer_0.weights", "layer_1.block.bias". [module.named_parameters]
 * Stops early if fn returns non-zero. Returns TT_OK (also when stopped early)
 * [module.named_stop], or TT_EINVAL for NULL m or fn [module.named_einval] or a
 * name longer than TT_NAME_MAX - 1 [module.named_too_long]. */
typedef int (*tt_param_fn)(const char *name, tt_tensor *param, void *ctx);
tt_status tt_module_named_parameters(const tt_module *m, tt_param_fn fn, void *ctx);

/* Runs m's forward on x through the ops table: Python's `m(x)`.
 * Returns a new tensor the caller owns [module.forward], or NULL: TT_EINVAL for
 * NULL m or x [module.forward_einval], TT_ENOTIMPL "<name>: subclasses must
 * implement forward" when the type has no forward [module.forward_enotimpl], or
 * whatever the forward itself reported. */
tt_tensor *tt_module_forward(tt_module *m, const tt_tensor *x);

/* The type name of m ("Linear"), or "?" for NULL. [module.name] */
const char *tt_module_name(const tt_module *m);

/* Frees m and everything it owns: calls ops->destroy (if any), frees every
 * parameter, frees every child with tt_module_free (recursively), frees the
 * registries and the names, and finally frees m itself, which must have come
 * from malloc/calloc. tt_module_free(NULL) does nothing. [module.free] */
void tt_module_free(tt_module *m);

/* ReLU, given to you (support code, not a lab): max(0, x) elementwise, any
 * shape. No parameters. Returns a new module or NULL with TT_ENOMEM. */
tt_module *tt_relu_new(void);

#endif /* TT_MODULE_H */
