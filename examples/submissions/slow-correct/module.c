/* module.c - the "slow-correct" example: right, but slow on purpose. Each
 * name lookup is made SLOW_REPEAT times over, comparing through volatiles. */
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"

#define SLOW_REPEAT 10

void tt_module_init(tt_module *m, const tt_module_ops *ops)
{
    if (m) {
        *m = (tt_module){0};
        m->ops = ops;
    }
}

static int name_taken(const tt_module *m, const char *name)
{
    volatile int taken = 0;
    for (int r = 0; r < SLOW_REPEAT; r++) {
        taken = 0;
        for (size_t i = 0; i < m->n_params; i++)
            taken |= !strcmp(m->params[i].name, name);
        for (size_t i = 0; i < m->n_children; i++)
            taken |= !strcmp(m->children[i].name, name);
    }
    return taken;
}

static tt_status bad_name(const tt_module *m, const char *name)
{
    if (!name || !*name || strchr(name, '.'))
        return tt_set_error(TT_EINVAL, "invalid name");
    if (name_taken(m, name))
        return tt_set_error(TT_EINVAL, "duplicate name %s", name);
    return TT_OK;
}

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    return d ? strcpy(d, s) : NULL;
}

tt_status tt_module_add_parameter(tt_module *m, const char *name, tt_tensor *p)
{
    tt_status st = TT_OK;
    char *copy = NULL;
    if (!m || !p)
        st = tt_set_error(TT_EINVAL, "NULL module or parameter");
    else if ((st = bad_name(m, name)) != TT_OK)
        ;
    else if (m->n_params == m->cap_params) {
        tt_named_tensor *grown = realloc(m->params, (m->cap_params + 8) * sizeof *grown);
        if (!grown)
            st = tt_set_error(TT_ENOMEM, "out of memory");
        else {
            m->params = grown;
            m->cap_params += 8;
        }
    }
    if (st == TT_OK && !(copy = dup_str(name)))
        st = tt_set_error(TT_ENOMEM, "out of memory");
    if (st != TT_OK) {
        tt_tensor_free(p);
        return st;
    }
    m->params[m->n_params].name = copy;
    m->params[m->n_params].tensor = p;
    m->n_params++;
    return TT_OK;
}

tt_status tt_module_add_module(tt_module *m, const char *name, tt_module *child)
{
    tt_status st = TT_OK;
    char *copy = NULL;
    if (m && child == m)
        return tt_set_error(TT_EINVAL, "a module cannot contain itself");
    if (!m || !child)
        st = tt_set_error(TT_EINVAL, "NULL module or child");
    else if ((st = bad_name(m, name)) != TT_OK)
        ;
    else if (m->n_children == m->cap_children) {
        tt_named_module *grown = realloc(m->children, (m->cap_children + 8) * sizeof *grown);
        if (!grown)
            st = tt_set_error(TT_ENOMEM, "out of memory");
        else {
            m->children = grown;
            m->cap_children += 8;
        }
    }
    if (st == TT_OK && !(copy = dup_str(name)))
        st = tt_set_error(TT_ENOMEM, "out of memory");
    if (st != TT_OK) {
        tt_module_free(child);
        return st;
    }
    m->children[m->n_children].name = copy;
    m->children[m->n_children].module = child;
    m->n_children++;
    return TT_OK;
}

static void gather(const tt_module *m, tt_tensor **out, size_t max, size_t *at)
{
    for (size_t i = 0; i < m->n_params; i++, (*at)++)
        if (out && *at < max)
            out[*at] = m->params[i].tensor;
    for (size_t i = 0; i < m->n_children; i++)
        gather(m->children[i].module, out, max, at);
}

size_t tt_module_parameters(const tt_module *m, tt_tensor **out, size_t max)
{
    size_t at = 0;
    if (m)
        gather(m, out, max, &at);
    return at;
}

size_t tt_module_num_parameters(const tt_module *m)
{
    size_t n = 0;
    if (!m)
        return 0;
    for (size_t i = 0; i < m->n_params; i++)
        n += m->params[i].tensor->size;
    for (size_t i = 0; i < m->n_children; i++)
        n += tt_module_num_parameters(m->children[i].module);
    return n;
}

static int visit(const tt_module *m, const char *prefix, tt_param_fn fn, void *ctx, int *stop)
{
    char name[TT_NAME_MAX];
    for (size_t i = 0; i < m->n_params && !*stop; i++) {
        int len = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", m->params[i].name);
        if (len < 0 || (size_t)len >= sizeof name)
            return -1;
        if (fn(name, m->params[i].tensor, ctx))
            *stop = 1;
    }
    for (size_t i = 0; i < m->n_children && !*stop; i++) {
        int len = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", m->children[i].name);
        if (len < 0 || (size_t)len >= sizeof name)
            return -1;
        if (visit(m->children[i].module, name, fn, ctx, stop) < 0)
            return -1;
    }
    return 0;
}

tt_status tt_module_named_parameters(const tt_module *m, tt_param_fn fn, void *ctx)
{
    int stop = 0;
    if (!m || !fn)
        return tt_set_error(TT_EINVAL, "NULL module or callback");
    if (visit(m, "", fn, ctx, &stop) < 0)
        return tt_set_error(TT_EINVAL, "parameter name too long");
    return TT_OK;
}

tt_tensor *tt_module_forward(tt_module *m, const tt_tensor *x)
{
    if (!m || !x) {
        tt_set_error(TT_EINVAL, "tt_module_forward: NULL argument");
        return NULL;
    }
    if (!m->ops || !m->ops->forward) {
        tt_set_error(TT_ENOTIMPL, "%s: subclasses must implement forward", tt_module_name(m));
        return NULL;
    }
    return m->ops->forward(m, x);
}

const char *tt_module_name(const tt_module *m)
{
    return m && m->ops && m->ops->name ? m->ops->name : "?";
}

void tt_module_free(tt_module *m)
{
    if (!m)
        return;
    if (m->ops && m->ops->destroy)
        m->ops->destroy(m);
    while (m->n_params > 0) {
        m->n_params--;
        tt_tensor_free(m->params[m->n_params].tensor);
        free(m->params[m->n_params].name);
    }
    while (m->n_children > 0) {
        m->n_children--;
        tt_module_free(m->children[m->n_children].module);
        free(m->children[m->n_children].name);
    }
    free(m->params);
    free(m->children);
    free(m);
}
