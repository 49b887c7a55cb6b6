/* module.c - lab 2: the Module base "class": registries, recursive parameter
 * collection, forward dispatch through the ops table, and recursive free.
 *
 * Python kept parameters in lists and let the garbage collector free them. In C
 * the module owns what is registered on it, and tt_module_free must release
 * the whole tree exactly once.
 */
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"


void tt_module_init(tt_module *m, const tt_module_ops *ops)
{
    /* TODO: set ops and empty registries (no parameters, no children). */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    (void)ops;
    tt_not_implemented(__func__);
}

tt_status tt_module_add_parameter(tt_module *m, const char *name, tt_tensor *p)
{
    /* TODO: validate (see tt_module.h), copy the name, append {name, p}.
     * Every failure path must free p: this function owns it from the start. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    (void)name;
    (void)p;
    return tt_not_implemented(__func__);
}

tt_status tt_module_add_module(tt_module *m, const char *name, tt_module *child)
{
    /* TODO: like tt_module_add_parameter, for a child module. Failure paths
     * free the child with tt_module_free (but never free m itself). */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    (void)name;
    (void)child;
    return tt_not_implemented(__func__);
}


size_t tt_module_parameters(const tt_module *m, tt_tensor **out, size_t max)
{
    /* TODO: own parameters first, then each child's, recursively. Never write
     * more than max pointers, but return the full count. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    (void)out;
    (void)max;
    tt_not_implemented(__func__);
    return 0;
}

size_t tt_module_num_parameters(const tt_module *m)
{
    /* TODO: the number of scalars (tensor->size) over all parameters, recursively. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    tt_not_implemented(__func__);
    return 0;
}


tt_status tt_module_named_parameters(const tt_module *m, tt_param_fn fn, void *ctx)
{
    /* TODO: the same order as tt_module_parameters, with dotted names built
     * from the registration names: "layer_0" + "." + "weights". */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    (void)fn;
    (void)ctx;
    return tt_not_implemented(__func__);
}

tt_tensor *tt_module_forward(tt_module *m, const tt_tensor *x)
{
    /* TODO: check the arguments, then call m->ops->forward. A type without a
     * forward is Python's NotImplementedError: report TT_ENOTIMPL with
     * "<name>: subclasses must implement forward". */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    (void)x;
    tt_not_implemented(__func__);
    return NULL;
}

const char *tt_module_name(const tt_module *m)
{
    if (m == NULL || m->ops == NULL || m->ops->name == NULL)
        return "?";
    return m->ops->name;
}

void tt_module_free(tt_module *m)
{
    /* TODO: destroy hook, then every parameter, every child (recursively),
     * the names, the two arrays, and m itself. Free each thing exactly once. */
    /* TODO: write your code here, then delete the "not implemented" lines below. */
    (void)m;
    tt_not_implemented(__func__);
}
