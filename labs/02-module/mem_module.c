/* mem_module.c - the memory driver of lab 2: a module owns what is registered
 * on it, a refused registration frees what it was given, and tt_module_free
 * releases the whole tree exactly once. `make memcheck` runs it under
 * Valgrind against your module.c (scenario.h explains how it is scored).
 *
 * Its modules are "Node"s: each holds a malloc'd payload that only its
 * destroy hook frees, so a tt_module_free that skips ops->destroy leaks it. */
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

typedef struct node {
    tt_module base; /* must stay first */
    int *payload;   /* malloc'd; freed by node_destroy */
} node;

static void node_destroy(tt_module *self)
{
    node *n = TT_CONTAINER_OF(self, node, base);
    free(n->payload);
    n->payload = NULL;
}

static tt_tensor *node_forward(tt_module *self, const tt_tensor *x)
{
    (void)self;
    return tt_tensor_copy(x);
}

static const tt_module_ops node_ops = {.name = "Node", .forward = node_forward, .destroy = node_destroy};

static tt_module *node_new(mem_ctx *c)
{
    node *n = calloc(1, sizeof *n);
    if (n == NULL) {
        mem_not_run(c, "out of memory");
        return NULL;
    }
    tt_module_init(&n->base, &node_ops);
    n->base.ops = &node_ops; /* even if tt_module_init does not work yet */
    n->payload = calloc(4, sizeof *n->payload);
    if (n->payload == NULL) {
        free(n);
        mem_not_run(c, "out of memory");
        return NULL;
    }
    return &n->base;
}

/* Registers a new (rows, cols) tensor on m as `name`. */
static int add_param(mem_ctx *c, tt_module *m, const char *name, size_t rows, size_t cols)
{
    tt_tensor *p = mem_tensor(c, 2, (size_t[]){rows, cols});
    if (p == NULL)
        return 0;
    tt_clear_error();
    return mem_ok(c, tt_module_add_parameter(m, name, p), "tt_module_add_parameter");
}

static int add_child(mem_ctx *c, tt_module *m, const char *name, tt_module *child)
{
    tt_clear_error();
    return mem_ok(c, tt_module_add_module(m, name, child), "tt_module_add_module");
}

/* Registers child on m as `name`; a NULL child (its making failed, the
 * reason is recorded) is not passed on. A refused child was freed by the call. */
static int attach(mem_ctx *c, tt_module *m, const char *name, tt_module *child)
{
    return child != NULL && add_child(c, m, name, child);
}

/* A new Node with one (rows, cols) parameter `pname`, or NULL (freed). */
static tt_module *node_with(mem_ctx *c, const char *pname, size_t rows, size_t cols)
{
    tt_module *m = node_new(c);
    if (m != NULL && !add_param(c, m, pname, rows, cols)) {
        tt_module_free(m);
        return NULL;
    }
    return m;
}

/* A chain of `depth` Nodes, each with two parameters and the next as "next". */
static tt_module *chain(mem_ctx *c, int depth)
{
    tt_module *m = node_with(c, "weights", 2, 3);
    if (m == NULL)
        return NULL;
    if (!add_param(c, m, "bias", 1, 3) || (depth > 1 && !attach(c, m, "next", chain(c, depth - 1)))) {
        tt_module_free(m);
        return NULL;
    }
    return m;
}

static void deep_tree_free(mem_ctx *c)
{
    /* root -> "left" (a chain of 6) and "right" (a chain of 3, with a fan of
     * five leaves on its first node) */
    tt_module *root = node_new(c);
    if (root == NULL || !attach(c, root, "left", chain(c, 6))) {
        tt_module_free(root);
        return;
    }
    tt_module *right = chain(c, 3);
    if (right == NULL) {
        tt_module_free(root);
        return;
    }
    static const char *const leaves[] = {"leaf_0", "leaf_1", "leaf_2", "leaf_3", "leaf_4"};
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        if (!attach(c, right, leaves[i], node_with(c, "w", 1, 2))) {
            tt_module_free(right);
            tt_module_free(root);
            return;
        }
    }
    if (!attach(c, root, "right", right)) {
        tt_module_free(root);
        return;
    }
    (void)tt_module_parameters(root, NULL, 0);
    (void)tt_module_num_parameters(root);
    tt_module_free(root);
}

static void params_after_children(mem_ctx *c)
{
    /* Six children first, then nine parameters (more than a first allocation
     * holds), then a child that itself got a child before its parameter. */
    static const char *const kids[] = {"k0", "k1", "k2", "k3", "k4", "k5"};
    static const char *const params[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};
    tt_module *root = node_new(c);
    if (root == NULL)
        return;
    for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) {
        if (!attach(c, root, kids[i], node_new(c))) {
            tt_module_free(root);
            return;
        }
    }
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        if (!add_param(c, root, params[i], 2, 2)) {
            tt_module_free(root);
            return;
        }
    }
    tt_module *late = node_new(c);
    if (late == NULL || !attach(c, late, "inner", node_with(c, "w", 1, 1)) || !add_param(c, late, "w", 3, 1)) {
        tt_module_free(late);
        tt_module_free(root);
        return;
    }
    if (attach(c, root, "late", late))
        (void)tt_module_num_parameters(root);
    tt_module_free(root);
}

/* A registration that must be refused (it frees what it was given). */
static int refused_param(mem_ctx *c, tt_module *m, const char *name, int with_tensor)
{
    tt_tensor *p = with_tensor ? mem_tensor(c, 2, (size_t[]){2, 2}) : NULL;
    if (with_tensor && p == NULL)
        return 0;
    tt_clear_error();
    return mem_refused(c, tt_module_add_parameter(m, name, p) != TT_OK, "tt_module_add_parameter");
}

static int refused_child(mem_ctx *c, tt_module *m, const char *name)
{
    tt_module *kid = node_with(c, "w", 2, 2);
    if (kid == NULL)
        return 0;
    tt_clear_error();
    return mem_refused(c, tt_module_add_module(m, name, kid) != TT_OK, "tt_module_add_module");
}

static void failed_registration(mem_ctx *c)
{
    tt_module *m = node_new(c);
    if (m == NULL)
        return;
    if (!add_param(c, m, "w", 2, 2) || !attach(c, m, "kid", node_new(c))) {
        tt_module_free(m);
        return;
    }
    int ok = refused_param(c, m, "w", 1)       /* a used parameter name: p is freed */
             && refused_param(c, m, "kid", 1)  /* a used child name: p is freed */
             && refused_param(c, m, "a.b", 1)  /* a dotted name: p is freed */
             && refused_param(c, m, "", 1)     /* an empty name: p is freed */
             && refused_param(c, m, NULL, 1)   /* a NULL name: p is freed */
             && refused_param(c, m, "x", 0)    /* a NULL tensor: nothing to free */
             && refused_param(c, NULL, "x", 1) /* a NULL module: p is freed */
             && refused_child(c, m, "kid")     /* a used child name: the child is freed */
             && refused_child(c, m, "w")       /* a used parameter name: the child is freed */
             && refused_child(c, m, "a.b")     /* a dotted name: the child is freed */
             && refused_child(c, NULL, "x");   /* a NULL module: the child is freed */
    if (ok) {
        tt_clear_error();
        /* A module cannot be its own child: refused, and m is NOT freed. */
        mem_refused(c, tt_module_add_module(m, "self", m) != TT_OK, "tt_module_add_module(m, \"self\", m)");
    }
    tt_module_free(m);
}

struct walk {
    char *names[16];
    size_t n;
    int stop_after;
};

static int collect_name(const char *name, tt_tensor *param, void *ctx)
{
    struct walk *w = ctx;
    (void)param;
    if (w->n < sizeof w->names / sizeof w->names[0]) {
        size_t len = strlen(name) + 1;
        w->names[w->n] = malloc(len);
        if (w->names[w->n] != NULL)
            memcpy(w->names[w->n], name, len);
    }
    w->n++;
    return w->stop_after > 0 && w->n >= (size_t)w->stop_after;
}

static void walk_free(struct walk *w)
{
    for (size_t i = 0; i < w->n && i < sizeof w->names / sizeof w->names[0]; i++)
        free(w->names[i]);
    memset(w, 0, sizeof *w);
}

static void named_parameters_walk(mem_ctx *c)
{
    /* root: layer_0 (weights), layer_1 (block (bias)), then weights, bias */
    tt_module *root = node_new(c);
    if (root == NULL || !attach(c, root, "layer_0", node_with(c, "weights", 4, 4))) {
        tt_module_free(root);
        return;
    }
    tt_module *l1 = node_new(c);
    if (l1 == NULL || !attach(c, l1, "block", node_with(c, "bias", 1, 4))) {
        tt_module_free(l1);
        tt_module_free(root);
        return;
    }
    if (!attach(c, root, "layer_1", l1) || !add_param(c, root, "weights", 2, 4) ||
        !add_param(c, root, "bias", 1, 4)) {
        tt_module_free(root);
        return;
    }
    struct walk w;
    memset(&w, 0, sizeof w);
    tt_clear_error();
    int ok = mem_ok(c, tt_module_named_parameters(root, collect_name, &w), "tt_module_named_parameters");
    if (ok && w.n != 4)
        ok = mem_not_run(c, "tt_module_named_parameters visited %zu parameters, not 4", w.n);
    walk_free(&w);
    if (ok) {
        w.stop_after = 2;
        tt_clear_error();
        ok = mem_ok(c, tt_module_named_parameters(root, collect_name, &w), "tt_module_named_parameters");
        walk_free(&w);
    }
    if (ok) {
        tt_tensor *out[2];
        size_t total = tt_module_parameters(root, out, 2);
        if (total != 4)
            mem_not_run(c, "tt_module_parameters counted %zu parameters, not 4", total);
    }
    tt_module_free(root);
}

static const mem_scenario scenarios[] = {
    MEM_SCENARIO(deep_tree_free, 3, "a nine-deep tree freed once from its root",
                 "a tree of Nodes nine deep, freed from its root: every tensor, name and hook once"),
    MEM_SCENARIO(params_after_children, 2, "children before parameters, both grown",
                 "children registered before parameters, past the first allocation, then freed"),
    MEM_SCENARIO(failed_registration, 3, "refused registrations free what they were given",
                 "refused registrations (used, dotted, empty, NULL names; NULL module) free what they "
                 "were given; m as its own child frees nothing"),
    MEM_SCENARIO(named_parameters_walk, 2, "the dotted-name walk leaves nothing behind",
                 "the dotted-name walk (whole and stopped early) leaves nothing behind"),
};

int main(int argc, char **argv)
{
    return mem_main(argc, argv, "module", scenarios, sizeof scenarios / sizeof scenarios[0]);
}
