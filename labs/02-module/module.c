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

/* BEGIN SOLUTION */
/* Grows an array of `count` elements of `elem` bytes to hold one more. */
static int grow(void **array, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return 1;
    size_t new_cap = *cap ? *cap * 2 : 4;
    void *p = realloc(*array, new_cap * elem);
    if (p == NULL)
        return 0;
    *array = p;
    *cap = new_cap;
    return 1;
}

/* TT_OK if `name` can be registered on m, else records why. */
static tt_status check_name(const tt_module *m, const char *name, const char *func)
{
    if (name == NULL || name[0] == '\0')
        return tt_set_error(TT_EINVAL, "%s: the name is NULL or empty", func);
    if (strchr(name, '.') != NULL)
        return tt_set_error(TT_EINVAL, "%s: name \"%s\" contains '.'", func, name);
    for (size_t i = 0; i < m->n_params; i++)
        if (strcmp(m->params[i].name, name) == 0)
            return tt_set_error(TT_EINVAL, "%s: name \"%s\" is already a parameter", func, name);
    for (size_t i = 0; i < m->n_children; i++)
        if (strcmp(m->children[i].name, name) == 0)
            return tt_set_error(TT_EINVAL, "%s: name \"%s\" is already a child module", func, name);
    return TT_OK;
}

static char *copy_name(const char *name)
{
    size_t len = strlen(name) + 1;
    char *copy = malloc(len);
    if (copy != NULL)
        memcpy(copy, name, len);
    return copy;
}
/* END SOLUTION */

void tt_module_init(tt_module *m, const tt_module_ops *ops)
{
    /* TODO: set ops and empty registries (no parameters, no children). */
    /* BEGIN SOLUTION */
    if (m == NULL)
        return; /* GCOVR_EXCL_LINE: defensive; tt_module.h never allows m == NULL, so no test passes it */
    memset(m, 0, sizeof *m);
    m->ops = ops;
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: (void)ops; */
    /* STUB: tt_not_implemented(__func__); */
}

tt_status tt_module_add_parameter(tt_module *m, const char *name, tt_tensor *p)
{
    /* TODO: validate (see tt_module.h), copy the name, append {name, p}.
     * Every failure path must free p: this function owns it from the start. */
    /* BEGIN SOLUTION */
    tt_status st;
    if (m == NULL || p == NULL) {
        st = tt_set_error(TT_EINVAL, "tt_module_add_parameter: %s is NULL", m == NULL ? "module" : "parameter");
        goto fail;
    }
    if ((st = check_name(m, name, "tt_module_add_parameter")) != TT_OK)
        goto fail;
    if (!grow((void **)&m->params, &m->cap_params, m->n_params, sizeof *m->params)) {
        st = tt_set_error(TT_ENOMEM, "tt_module_add_parameter: out of memory");
        goto fail;
    }
    char *copy = copy_name(name);
    if (copy == NULL) {
        st = tt_set_error(TT_ENOMEM, "tt_module_add_parameter: out of memory");
        goto fail;
    }
    m->params[m->n_params++] = (tt_named_tensor){.name = copy, .tensor = p};
    return TT_OK;
fail:
    tt_tensor_free(p);
    return st;
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: (void)name; */
    /* STUB: (void)p; */
    /* STUB: return tt_not_implemented(__func__); */
}

tt_status tt_module_add_module(tt_module *m, const char *name, tt_module *child)
{
    /* TODO: like tt_module_add_parameter, for a child module. Failure paths
     * free the child with tt_module_free (but never free m itself). */
    /* BEGIN SOLUTION */
    tt_status st;
    if (m == NULL || child == NULL) {
        st = tt_set_error(TT_EINVAL, "tt_module_add_module: %s is NULL", m == NULL ? "module" : "child");
        goto fail;
    }
    if (child == m)
        return tt_set_error(TT_EINVAL, "tt_module_add_module: a module cannot be its own child");
    if ((st = check_name(m, name, "tt_module_add_module")) != TT_OK)
        goto fail;
    if (!grow((void **)&m->children, &m->cap_children, m->n_children, sizeof *m->children)) {
        st = tt_set_error(TT_ENOMEM, "tt_module_add_module: out of memory");
        goto fail;
    }
    char *copy = copy_name(name);
    if (copy == NULL) {
        st = tt_set_error(TT_ENOMEM, "tt_module_add_module: out of memory");
        goto fail;
    }
    m->children[m->n_children++] = (tt_named_module){.name = copy, .module = child};
    return TT_OK;
fail:
    tt_module_free(child);
    return st;
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: (void)name; */
    /* STUB: (void)child; */
    /* STUB: return tt_not_implemented(__func__); */
}

/* BEGIN SOLUTION */
/* Appends m's parameters, then its children's, to out[*count..]; counts all. */
static void collect(const tt_module *m, tt_tensor **out, size_t max, size_t *count)
{
    for (size_t i = 0; i < m->n_params; i++) {
        if (*count < max)
            out[*count] = m->params[i].tensor;
        (*count)++;
    }
    for (size_t i = 0; i < m->n_children; i++)
        collect(m->children[i].module, out, max, count);
}
/* END SOLUTION */

size_t tt_module_parameters(const tt_module *m, tt_tensor **out, size_t max)
{
    /* TODO: own parameters first, then each child's, recursively. Never write
     * more than max pointers, but return the full count. */
    /* BEGIN SOLUTION */
    size_t count = 0;
    if (m == NULL)
        return 0;
    if (out == NULL)
        max = 0;
    collect(m, out, max, &count);
    return count;
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: (void)out; */
    /* STUB: (void)max; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return 0; */
}

size_t tt_module_num_parameters(const tt_module *m)
{
    /* TODO: the number of scalars (tensor->size) over all parameters, recursively. */
    /* BEGIN SOLUTION */
    size_t total = 0;
    if (m == NULL)
        return 0;
    for (size_t i = 0; i < m->n_params; i++)
        total += m->params[i].tensor->size;
    for (size_t i = 0; i < m->n_children; i++)
        total += tt_module_num_parameters(m->children[i].module);
    return total;
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return 0; */
}

/* BEGIN SOLUTION */
/* Walks m with `name` holding the dotted prefix of length `len`. Returns 1 if
 * fn asked to stop, 0 to go on, -1 if a name got too long (error recorded). */
static int walk(const tt_module *m, char *name, size_t len, tt_param_fn fn, void *ctx)
{
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? m->n_params : m->n_children;
        for (size_t i = 0; i < n; i++) {
            const char *part = pass == 0 ? m->params[i].name : m->children[i].name;
            size_t plen = strlen(part);
            if (len + (len > 0) + plen + 1 > TT_NAME_MAX) { /* dot (if any), part, NUL */
                tt_set_error(TT_EINVAL, "tt_module_named_parameters: a name is longer than %d bytes",
                             TT_NAME_MAX - 1);
                return -1;
            }
            size_t at = len;
            if (at > 0)
                name[at++] = '.';
            memcpy(name + at, part, plen + 1);
            int r = pass == 0 ? (fn(name, m->params[i].tensor, ctx) != 0)
                              : walk(m->children[i].module, name, at + plen, fn, ctx);
            name[len] = '\0';
            if (r != 0)
                return r;
        }
    }
    return 0;
}
/* END SOLUTION */

tt_status tt_module_named_parameters(const tt_module *m, tt_param_fn fn, void *ctx)
{
    /* TODO: the same order as tt_module_parameters, with dotted names built
     * from the registration names: "layer_0" + "." + "weights". */
    /* BEGIN SOLUTION */
    char name[TT_NAME_MAX];
    if (m == NULL || fn == NULL)
        return tt_set_error(TT_EINVAL, "tt_module_named_parameters: %s is NULL", m == NULL ? "module" : "fn");
    name[0] = '\0';
    return walk(m, name, 0, fn, ctx) < 0 ? TT_EINVAL : TT_OK;
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: (void)fn; */
    /* STUB: (void)ctx; */
    /* STUB: return tt_not_implemented(__func__); */
}

tt_tensor *tt_module_forward(tt_module *m, const tt_tensor *x)
{
    /* TODO: check the arguments, then call m->ops->forward. A type without a
     * forward is Python's NotImplementedError: report TT_ENOTIMPL with
     * "<name>: subclasses must implement forward". */
    /* BEGIN SOLUTION */
    if (m == NULL || x == NULL) {
        tt_set_error(TT_EINVAL, "tt_module_forward: %s is NULL", m == NULL ? "module" : "input");
        return NULL;
    }
    if (m->ops == NULL || m->ops->forward == NULL) {
        tt_set_error(TT_ENOTIMPL, "%s: subclasses must implement forward", tt_module_name(m));
        return NULL;
    }
    return m->ops->forward(m, x);
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: (void)x; */
    /* STUB: tt_not_implemented(__func__); */
    /* STUB: return NULL; */
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
    /* BEGIN SOLUTION */
    if (m == NULL)
        return;
    if (m->ops != NULL && m->ops->destroy != NULL)
        m->ops->destroy(m);
    for (size_t i = 0; i < m->n_params; i++) {
        tt_tensor_free(m->params[i].tensor);
        free(m->params[i].name);
    }
    for (size_t i = 0; i < m->n_children; i++) {
        tt_module_free(m->children[i].module);
        free(m->children[i].name);
    }
    free(m->params);
    free(m->children);
    free(m);
    /* END SOLUTION */
    /* STUB: (void)m; */
    /* STUB: tt_not_implemented(__func__); */
}
