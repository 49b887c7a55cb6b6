/* test_module.c - public tests for lab 2, the Module base (tt_module.h), and for
 * the given ReLU, which needs lab 2's tt_module_init and tt_module_forward.
 *
 * Most tests use small module types defined here, so that lab 2 can be tested
 * before Linear (lab 3) exists; the course's own checks (a network of two
 * Linear layers) come at the end.
 */
#include "ptest.h"

/* ------------------------------------------------------------------------ */
/* Test module types                                                         */
/* ------------------------------------------------------------------------ */

/* Affine: y = x * scale + shift, elementwise, with two (1,) parameters. */
typedef struct affine_module {
    tt_module base;       /* first: an affine_module is a tt_module */
    tt_tensor *scale;     /* borrowed: owned by base as "scale" */
    tt_tensor *shift;     /* borrowed: owned by base as "shift" */
} affine_module;

static tt_tensor *affine_forward(tt_module *self, const tt_tensor *x)
{
    affine_module *a = TT_CONTAINER_OF(self, affine_module, base);
    tt_tensor *y = tt_tensor_copy(x);
    if (y == NULL)
        return NULL;
    for (size_t i = 0; i < y->size; i++)
        y->data[i] = y->data[i] * a->scale->data[0] + a->shift->data[0];
    return y;
}

static const tt_module_ops affine_ops = {.name = "Affine", .forward = affine_forward};

/* A (1,) tensor holding v. */
static tt_tensor *scalar1(float v)
{
    return PT_TENSOR(&v, 1);
}

/* A new Affine module; the test stops with a message if any step fails. */
static tt_module *affine_new(float scale, float shift)
{
    affine_module *a = calloc(1, sizeof *a);
    cr_assert(a != NULL, "test setup: out of memory");
    tt_module_init(&a->base, &affine_ops);
    a->scale = scalar1(scale);
    a->shift = scalar1(shift);
    PT_OK(tt_module_add_parameter(&a->base, "scale", a->scale),
          "tt_module_add_parameter(affine, \"scale\", (1,))");
    PT_OK(tt_module_add_parameter(&a->base, "shift", a->shift),
          "tt_module_add_parameter(affine, \"shift\", (1,))");
    return &a->base;
}

/* A plain container type: no forward of its own. */
static const tt_module_ops container_ops = {.name = "Container"};

static tt_module *container_new(void)
{
    tt_module *m = calloc(1, sizeof *m);
    cr_assert(m != NULL, "test setup: out of memory");
    tt_module_init(m, &container_ops);
    return m;
}

/* A type whose destroy hook counts its calls and frees a private buffer. */
static int destroy_calls;

typedef struct owning_module {
    tt_module base;
    float *scratch;       /* owned by the type: freed by its destroy hook */
} owning_module;

static void owning_destroy(tt_module *self)
{
    owning_module *o = TT_CONTAINER_OF(self, owning_module, base);
    free(o->scratch);
    o->scratch = NULL;
    destroy_calls++;
}

static const tt_module_ops owning_ops = {.name = "Owning", .destroy = owning_destroy};

static tt_module *owning_new(void)
{
    owning_module *o = calloc(1, sizeof *o);
    cr_assert(o != NULL, "test setup: out of memory");
    tt_module_init(&o->base, &owning_ops);
    o->scratch = malloc(64 * sizeof *o->scratch);
    cr_assert(o->scratch != NULL, "test setup: out of memory");
    return &o->base;
}

/* Which of the test's known tensors t is, for messages. */
typedef struct known_tensor {
    const tt_tensor *t;
    const char *label;
} known_tensor;

static const char *label_of(const tt_tensor *t, const known_tensor *known, size_t n)
{
    if (t == NULL)
        return "NULL";
    for (size_t i = 0; i < n; i++)
        if (known[i].t == t)
            return known[i].label;
    return pt_fmt("an unknown tensor of shape %s", pt_shp(t));
}

/* Checks that tt_module_parameters(m) gives exactly known[0..n-1], in order. */
static void expect_parameters(const tt_module *m, const known_tensor *known, size_t n, const char *what)
{
    tt_tensor *got[16] = {0};
    cr_assert(n <= 16, "test bug: too many parameters");
    size_t total = tt_module_parameters(m, got, 16);
    PT_SIZE(total, n, pt_fmt("tt_module_parameters(%s): the number of parameters", what));
    for (size_t i = 0; i < n; i++)
        cr_assert(got[i] == known[i].t, "tt_module_parameters(%s)[%zu]: expected %s, got %s", what,
                  i, known[i].label, label_of(got[i], known, n));
}

/* Records the names tt_module_named_parameters reports. */
typedef struct name_log {
    size_t calls;
    size_t stop_after;          /* return non-zero after this many calls; 0 never */
    char names[8][TT_NAME_MAX];
    tt_tensor *tensors[8];
} name_log;

static int log_name(const char *name, tt_tensor *param, void *ctx)
{
    name_log *log = ctx;
    if (log->calls < 8) {
        snprintf(log->names[log->calls], TT_NAME_MAX, "%s", name ? name : "(NULL)");
        log->tensors[log->calls] = param;
    }
    log->calls++;
    return log->stop_after != 0 && log->calls >= log->stop_after;
}

/* ------------------------------------------------------------------------ */
/* Lab 2 on its own: registries, collection, names, forward, free           */
/* ------------------------------------------------------------------------ */

/* clauses: module.init, module.add_parameter */
Test(module, init_then_add_parameter)
{
    tt_module *m = calloc(1, sizeof *m);
    cr_assert(m != NULL, "test setup: out of memory");
    tt_module_init(m, &container_ops);
    tt_tensor *w = PT_ARANGE(2, 3);
    PT_OK(tt_module_add_parameter(m, "w", w), "tt_module_add_parameter(m, \"w\", (2, 3))");
    cr_assert(m->ops == &container_ops, "after tt_module_init(m, ops), m->ops should be ops");
    PT_STR(tt_module_name(m), "Container", "tt_module_name after tt_module_init(m, ops named \"Container\")");
    PT_SIZE(m->n_params, 1, "m->n_params after one tt_module_add_parameter");
    PT_SIZE(m->n_children, 0, "m->n_children after tt_module_init");
    cr_assert(m->params != NULL && m->params[0].tensor == w,
              "m->params[0].tensor should be the tensor just registered");
    PT_STR(m->params[0].name, "w", "m->params[0].name");
    tt_module_free(m);
}

/* clauses: module.init */
Test(module, init_works_on_uninitialized_memory)
{
    /* tt_module_init must set every field, not rely on calloc's zeros. */
    tt_module *m = malloc(sizeof *m);
    cr_assert(m != NULL, "test setup: out of memory");
    memset(m, 0xA5, sizeof *m);
    tt_module_init(m, &container_ops);
    tt_tensor *w = PT_ARANGE(3);
    PT_OK(tt_module_add_parameter(m, "w", w),
          "tt_module_add_parameter on a module from malloc + tt_module_init");
    PT_SIZE(m->n_params, 1, "m->n_params (tt_module_init must set it to 0 first)");
    PT_SIZE(m->n_children, 0, "m->n_children (tt_module_init must set it to 0)");
    PT_SIZE(tt_module_parameters(m, NULL, 0), 1, "tt_module_parameters(m, NULL, 0)");
    tt_module_free(m);
}

/* clauses: module.add_parameter */
Test(module, add_parameter_copies_the_name)
{
    tt_module *m = container_new();
    char name[16] = "weights";
    tt_tensor *w = PT_ARANGE(2, 2);
    PT_OK(tt_module_add_parameter(m, name, w), "tt_module_add_parameter(m, \"weights\", (2, 2))");
    strcpy(name, "CHANGED");
    cr_assert(m->n_params == 1 && m->params != NULL, "m should have 1 parameter, has %zu%s",
              m->n_params, pt_error_note());
    cr_assert(m->params[0].name != name,
              "tt_module_add_parameter kept the caller's name pointer; it must store its own copy");
    PT_STR(m->params[0].name, "weights", "the registered name after the caller changed its buffer");
    tt_module_free(m);
}

/* clauses: module.add_parameter */
Test(module, add_parameter_keeps_registration_order)
{
    tt_module *m = container_new();
    tt_tensor *t[5];
    const char *names[5] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++) {
        t[i] = PT_ARANGE(i + 1);
        PT_OK(tt_module_add_parameter(m, names[i], t[i]),
              pt_fmt("tt_module_add_parameter(m, \"%s\", ...) (parameter %zu)", names[i], i));
    }
    PT_SIZE(m->n_params, 5, "m->n_params after 5 registrations");
    for (size_t i = 0; i < 5; i++) {
        cr_assert(m->params[i].tensor == t[i], "m->params[%zu] should be the %zu-th registered tensor", i, i);
        PT_STR(m->params[i].name, names[i], pt_fmt("m->params[%zu].name", i));
    }
    tt_module_free(m);
}

/* clauses: module.add_parameter_einval, module.add_parameter_owns */
Test(module, add_parameter_rejects_bad_names)
{
    tt_module *m = container_new();
    PT_OK(tt_module_add_parameter(m, "w", PT_ARANGE(2)), "tt_module_add_parameter(m, \"w\", (2,))");
    PT_OK(tt_module_add_module(m, "child", container_new()), "tt_module_add_module(m, \"child\", ...)");

    /* Each rejected tensor is freed by tt_module_add_parameter (it owns it). */
    static const struct { const char *name; const char *why; } bad[] = {
        {"w", "a name already used by a parameter"},
        {"child", "a name already used by a child module"},
        {"a.b", "a name containing '.'"},
        {"", "an empty name"},
        {NULL, "a NULL name"},
    };
    for (size_t i = 0; i < PT_ARRAY_LEN(bad); i++) {
        tt_clear_error();
        tt_status st = tt_module_add_parameter(m, bad[i].name, PT_ARANGE(2));
        cr_assert(st == TT_EINVAL, "tt_module_add_parameter with %s: expected TT_EINVAL, got %s (%s)",
                  bad[i].why, tt_status_name(st), pt_err());
        PT_STATUS(TT_EINVAL, pt_fmt("tt_module_add_parameter with %s", bad[i].why));
    }
    PT_SIZE(m->n_params, 1, "m->n_params after 1 good and 5 rejected registrations");

    tt_clear_error();
    tt_status st = tt_module_add_parameter(m, "p", NULL);
    cr_assert(st == TT_EINVAL, "tt_module_add_parameter(m, \"p\", NULL): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    tt_clear_error();
    st = tt_module_add_parameter(NULL, "p", PT_ARANGE(2));
    cr_assert(st == TT_EINVAL, "tt_module_add_parameter(NULL, \"p\", t): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    tt_module_free(m);
}

/* clauses: module.add_module */
Test(module, add_module_registers_child)
{
    tt_module *parent = container_new();
    tt_module *child = affine_new(2.0f, 1.0f);
    char name[16] = "block";
    PT_OK(tt_module_add_module(parent, name, child), "tt_module_add_module(parent, \"block\", affine)");
    strcpy(name, "CHANGED");
    PT_SIZE(parent->n_children, 1, "parent->n_children after one tt_module_add_module");
    PT_SIZE(parent->n_params, 0, "parent->n_params (a child is not a parameter)");
    cr_assert(parent->children[0].module == child, "parent->children[0].module should be the child");
    cr_assert(parent->children[0].name != name, "tt_module_add_module must copy the name");
    PT_STR(parent->children[0].name, "block", "parent->children[0].name");
    tt_module_free(parent); /* frees the child too */
}

/* clauses: module.add_module_einval */
Test(module, add_module_rejects_bad_names)
{
    tt_module *m = container_new();
    PT_OK(tt_module_add_parameter(m, "w", PT_ARANGE(2)), "tt_module_add_parameter(m, \"w\", (2,))");
    PT_OK(tt_module_add_module(m, "child", container_new()), "tt_module_add_module(m, \"child\", ...)");

    /* Each rejected child is freed by tt_module_add_module (it owns it). */
    static const struct { const char *name; const char *why; } bad[] = {
        {"child", "a name already used by a child module"},
        {"w", "a name already used by a parameter"},
        {"x.y", "a name containing '.'"},
        {"", "an empty name"},
        {NULL, "a NULL name"},
    };
    for (size_t i = 0; i < PT_ARRAY_LEN(bad); i++) {
        tt_clear_error();
        tt_status st = tt_module_add_module(m, bad[i].name, affine_new(1.0f, 0.0f));
        cr_assert(st == TT_EINVAL, "tt_module_add_module with %s: expected TT_EINVAL, got %s (%s)",
                  bad[i].why, tt_status_name(st), pt_err());
    }
    tt_clear_error();
    tt_status st = tt_module_add_module(m, "none", NULL);
    cr_assert(st == TT_EINVAL, "tt_module_add_module(m, \"none\", NULL): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    PT_SIZE(m->n_children, 1, "m->n_children after 1 good and 6 rejected registrations");
    tt_module_free(m);
}

/* clauses: module.add_module_owns */
Test(module, add_module_frees_a_refused_child)
{
    /* tt_module_add_module owns the child in every case: a refused child is
     * freed with tt_module_free, which calls its destroy hook once. */
    tt_module *m = container_new();
    PT_OK(tt_module_add_module(m, "child", container_new()), "tt_module_add_module(m, \"child\", ...)");
    static const struct { const char *name; int null_m; const char *why; } bad[] = {
        {"child", 0, "a name already used"},
        {"", 0, "an empty name"},
        {"x.y", 0, "a name containing '.'"},
        {NULL, 0, "a NULL name"},
        {"other", 1, "m NULL"},
    };
    for (size_t i = 0; i < PT_ARRAY_LEN(bad); i++) {
        destroy_calls = 0;
        tt_clear_error();
        tt_status st = tt_module_add_module(bad[i].null_m ? NULL : m, bad[i].name, owning_new());
        cr_assert(st == TT_EINVAL, "tt_module_add_module with %s: expected TT_EINVAL, got %s (%s)", bad[i].why,
                  tt_status_name(st), pt_err());
        cr_assert(destroy_calls == 1,
                  "tt_module_add_module refusing a child (%s): expected the child freed with tt_module_free "
                  "(its destroy hook called once), got %d calls", bad[i].why, destroy_calls);
    }
    tt_module_free(m);
}

/* clauses: module.add_module_self */
Test(module, add_module_refuses_itself)
{
    /* m cannot be its own child: TT_EINVAL, and m is NOT freed (the one
     * exception to "a refused child is freed"). */
    tt_module *m = owning_new();
    PT_OK(tt_module_add_parameter(m, "w", PT_ARANGE(2)), "tt_module_add_parameter(m, \"w\", (2,))");
    destroy_calls = 0;
    tt_clear_error();
    tt_status st = tt_module_add_module(m, "me", m);
    cr_assert(destroy_calls == 0,
              "tt_module_add_module(m, \"me\", m) freed m (its destroy hook ran); child == m must free nothing");
    cr_assert(st == TT_EINVAL, "tt_module_add_module(m, \"me\", m): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    PT_SIZE(m->n_children, 0, "m->n_children after tt_module_add_module(m, \"me\", m) was refused");
    PT_OK(tt_module_add_parameter(m, "v", PT_ARANGE(3)), "tt_module_add_parameter(m, \"v\", (3,)) after the refusal");
    PT_SIZE(tt_module_parameters(m, NULL, 0), 2, "tt_module_parameters(m, NULL, 0) after the refusal");
    tt_module_free(m);
    cr_assert(destroy_calls == 1, "tt_module_free(m) called m's destroy hook %d times, expected once", destroy_calls);
}

/* clauses: module.parameters */
Test(module, parameters_own_first_then_children)
{
    /* Registered in the order: child "first", own "p", child "second".
     * Collected: own parameters first, then each child's, children in order. */
    tt_module *m = container_new();
    tt_module *first = affine_new(1.0f, 0.0f);
    tt_module *second = affine_new(1.0f, 0.0f);
    PT_OK(tt_module_add_module(m, "first", first), "tt_module_add_module(m, \"first\", affine)");
    tt_tensor *p = PT_ARANGE(3);
    PT_OK(tt_module_add_parameter(m, "p", p), "tt_module_add_parameter(m, \"p\", (3,))");
    PT_OK(tt_module_add_module(m, "second", second), "tt_module_add_module(m, \"second\", affine)");

    const known_tensor want[] = {
        {p, "m's own \"p\""},
        {first->params[0].tensor, "first.scale"},
        {first->params[1].tensor, "first.shift"},
        {second->params[0].tensor, "second.scale"},
        {second->params[1].tensor, "second.shift"},
    };
    expect_parameters(m, want, PT_ARRAY_LEN(want), "m");
    tt_module_free(m);
}

/* clauses: module.parameters */
Test(module, parameters_recurse_into_grandchildren)
{
    tt_module *root = container_new();
    tt_module *mid = container_new();
    tt_module *leaf = affine_new(1.0f, 0.0f);
    tt_tensor *r = PT_ARANGE(2);
    tt_tensor *q = PT_ARANGE(2, 2);
    PT_OK(tt_module_add_parameter(mid, "q", q), "tt_module_add_parameter(mid, \"q\", (2, 2))");
    PT_OK(tt_module_add_module(mid, "leaf", leaf), "tt_module_add_module(mid, \"leaf\", affine)");
    PT_OK(tt_module_add_module(root, "mid", mid), "tt_module_add_module(root, \"mid\", mid)");
    PT_OK(tt_module_add_parameter(root, "r", r), "tt_module_add_parameter(root, \"r\", (2,))");

    const known_tensor want[] = {
        {r, "r"},
        {q, "mid.q"},
        {leaf->params[0].tensor, "mid.leaf.scale"},
        {leaf->params[1].tensor, "mid.leaf.shift"},
    };
    expect_parameters(root, want, PT_ARRAY_LEN(want), "root");
    PT_SIZE(tt_module_num_parameters(root), 2 + 4 + 1 + 1, "tt_module_num_parameters(root)");
    tt_module_free(root);
}

/* clauses: module.parameters_max */
Test(module, parameters_counts_beyond_max)
{
    tt_module *m = container_new();
    tt_tensor *t[4];
    for (size_t i = 0; i < 4; i++) {
        t[i] = PT_ARANGE(1);
        PT_OK(tt_module_add_parameter(m, pt_fmt("p%zu", i), t[i]), "tt_module_add_parameter");
    }
    /* Ask for the count first, then fetch only two. */
    PT_SIZE(tt_module_parameters(m, NULL, 0), 4, "tt_module_parameters(m, NULL, 0)");
    tt_tensor *sentinel = (tt_tensor *)(void *)&sentinel;
    tt_tensor *out[4] = {sentinel, sentinel, sentinel, sentinel};
    PT_SIZE(tt_module_parameters(m, out, 2), 4, "tt_module_parameters(m, out, 2) (returns the total)");
    cr_assert(out[0] == t[0] && out[1] == t[1], "tt_module_parameters(m, out, 2): out[0..1] should be p0, p1");
    cr_assert(out[2] == sentinel && out[3] == sentinel,
              "tt_module_parameters(m, out, 2) wrote past out[1]: it must write at most max pointers");
    tt_module_free(m);
}

/* clauses: module.num_parameters, module.parameters_null */
Test(module, num_parameters_counts_scalars)
{
    tt_module *m = container_new();
    PT_OK(tt_module_add_parameter(m, "w", PT_ARANGE(2, 3)), "tt_module_add_parameter(m, \"w\", (2, 3))");
    PT_OK(tt_module_add_parameter(m, "b", PT_ARANGE(3)), "tt_module_add_parameter(m, \"b\", (3,))");
    PT_OK(tt_module_add_module(m, "aff", affine_new(1.0f, 0.0f)), "tt_module_add_module(m, \"aff\", affine)");
    PT_SIZE(tt_module_num_parameters(m), 6 + 3 + 2, "tt_module_num_parameters(m) for (2, 3) + (3,) + child (1,) + (1,)");
    PT_SIZE(tt_module_parameters(m, NULL, 0), 4, "tt_module_parameters(m, NULL, 0)");
    cr_assert(tt_module_num_parameters(NULL) == 0, "tt_module_num_parameters(NULL) should be 0");
    cr_assert(tt_module_parameters(NULL, NULL, 0) == 0, "tt_module_parameters(NULL, NULL, 0) should be 0");
    tt_module_free(m);
}

/* clauses: module.named_parameters */
Test(module, named_parameters_use_dotted_names)
{
    tt_module *root = container_new();
    tt_module *block = container_new();
    tt_tensor *g = PT_ARANGE(2);
    PT_OK(tt_module_add_module(block, "inner", affine_new(1.0f, 0.0f)), "tt_module_add_module(block, \"inner\", affine)");
    PT_OK(tt_module_add_module(root, "block", block), "tt_module_add_module(root, \"block\", block)");
    PT_OK(tt_module_add_parameter(root, "gain", g), "tt_module_add_parameter(root, \"gain\", (2,))");

    name_log log = {0};
    tt_clear_error();
    PT_OK(tt_module_named_parameters(root, log_name, &log), "tt_module_named_parameters(root, fn, ctx)");
    static const char *want[] = {"gain", "block.inner.scale", "block.inner.shift"};
    PT_SIZE(log.calls, PT_ARRAY_LEN(want), "the number of calls tt_module_named_parameters made to fn");
    for (size_t i = 0; i < PT_ARRAY_LEN(want); i++)
        PT_STR(log.names[i], want[i], pt_fmt("tt_module_named_parameters: name #%zu", i));
    cr_assert(log.tensors[0] == g, "tt_module_named_parameters: \"gain\" was paired with the wrong tensor");
    tt_module_free(root);
}

/* clauses: module.named_stop, module.named_einval */
Test(module, named_parameters_stop_early)
{
    tt_module *m = affine_new(1.0f, 0.0f);
    name_log log = {.stop_after = 1};
    PT_OK(tt_module_named_parameters(m, log_name, &log), "tt_module_named_parameters (fn stops after 1)");
    PT_SIZE(log.calls, 1, "calls to fn when fn returns non-zero on the first call");
    PT_STR(log.names[0], "scale", "the first name");
    tt_clear_error();
    tt_status st = tt_module_named_parameters(m, NULL, NULL);
    cr_assert(st == TT_EINVAL, "tt_module_named_parameters(m, NULL, NULL): expected TT_EINVAL, got %s (%s)",
              tt_status_name(st), pt_err());
    tt_module_free(m);

    /* A stop inside a child's subtree ends the whole walk, not just the subtree. */
    tt_module *root = container_new();
    PT_OK(tt_module_add_module(root, "a", affine_new(1.0f, 0.0f)), "tt_module_add_module(root, \"a\", affine)");
    PT_OK(tt_module_add_module(root, "b", affine_new(1.0f, 0.0f)), "tt_module_add_module(root, \"b\", affine)");
    name_log nested = {.stop_after = 1};
    PT_OK(tt_module_named_parameters(root, log_name, &nested), "tt_module_named_parameters(root, fn stops after 1)");
    cr_assert(nested.calls == 1,
              "tt_module_named_parameters: fn returned non-zero on \"a.scale\", inside child \"a\", so the whole "
              "walk should stop there; fn was called %zu times (the last with \"%s\")", nested.calls,
              nested.calls == 0 ? "(none)" : nested.names[(nested.calls < 8 ? nested.calls : 8) - 1]);
    tt_module_free(root);
}

/* clauses: module.named_too_long */
Test(module, named_parameters_rejects_too_long_names)
{
    /* "<200 c>.<54 p>" is 255 characters, TT_NAME_MAX - 1: reported. With 55
     * p's it is 256: TT_EINVAL, and fn is never called with a cut name. */
    char child[201], leaf[56];
    memset(child, 'c', 200);
    child[200] = '\0';
    for (size_t leaf_len = 54; leaf_len <= 55; leaf_len++) {
        memset(leaf, 'p', leaf_len);
        leaf[leaf_len] = '\0';
        tt_module *root = container_new();
        tt_module *low = container_new();
        PT_OK(tt_module_add_parameter(low, leaf, PT_ARANGE(1)),
              pt_fmt("tt_module_add_parameter(m, <%zu p's>, (1,))", leaf_len));
        PT_OK(tt_module_add_module(root, child, low), "tt_module_add_module(root, <200 c's>, m)");
        name_log log = {0};
        tt_clear_error();
        tt_status st = tt_module_named_parameters(root, log_name, &log);
        size_t len = 200 + 1 + leaf_len;
        if (len <= TT_NAME_MAX - 1) {
            cr_assert(st == TT_OK && log.calls == 1 && strlen(log.names[0]) == len,
                      "tt_module_named_parameters with a dotted name of %zu characters (TT_NAME_MAX - 1): "
                      "expected TT_OK and one call with the whole name, got %s, %zu calls, name length %zu (%s)",
                      len, tt_status_name(st), log.calls, log.calls ? strlen(log.names[0]) : (size_t)0, pt_err());
        } else {
            cr_assert(st == TT_EINVAL && log.calls == 0,
                      "tt_module_named_parameters with a dotted name of %zu characters (longer than "
                      "TT_NAME_MAX - 1): expected TT_EINVAL without calling fn, got %s with %zu calls",
                      len, tt_status_name(st), log.calls);
        }
        tt_module_free(root);
    }
}

/* clauses: module.forward */
Test(module, forward_dispatches_through_ops)
{
    static const float xv[] = {1, -2, 3, 0.5f};
    static const float want[] = {4, -2, 8, 3}; /* 2x + 2 */
    tt_module *m = affine_new(2.0f, 2.0f);
    tt_tensor *x = PT_TENSOR(xv, 2, 2);
    tt_tensor *x0 = pt_snapshot(x);
    tt_tensor *y = tt_module_forward(m, x);
    PT_NONNULL(y, "tt_module_forward(affine, (2, 2))");
    cr_assert(y != x, "tt_module_forward returned its input instead of the forward's result");
    PT_VALUES(y, "tt_module_forward(affine 2x + 2, (2, 2))", want, 2, 2);
    PT_UNCHANGED(x, x0, "tt_module_forward(affine, (2, 2))");
    tt_tensor_free(y);
    tt_tensor_free(x0);
    tt_tensor_free(x);
    tt_module_free(m);
}

/* clauses: module.forward_enotimpl */
Test(module, forward_without_forward_is_enotimpl)
{
    /* Python: Module.forward raises NotImplementedError. */
    tt_module *m = container_new();
    tt_tensor *x = PT_ARANGE(1, 2);
    PT_TENSOR_FAILS(tt_module_forward(m, x), TT_ENOTIMPL, "tt_module_forward on a type whose forward is NULL");
    PT_ERROR_CONTAINS("must implement forward", "tt_module_forward on a type whose forward is NULL");
    PT_ERROR_CONTAINS("Container", "tt_module_forward on a type whose forward is NULL (the type's name)");
    tt_tensor_free(x);
    tt_module_free(m);
}

/* clauses: module.forward_einval */
/* Constant: forward ignores x and returns a new (1,) tensor, counting its calls. */
static int constant_calls;

static tt_tensor *constant_forward(tt_module *self, const tt_tensor *x)
{
    (void)self;
    (void)x;
    constant_calls++;
    static const size_t one[] = {1};
    return tt_tensor_new(1, one);
}

static const tt_module_ops constant_ops = {.name = "Constant", .forward = constant_forward};

Test(module, forward_null_arguments_are_einval)
{
    /* tt_module_forward checks m and x itself, before calling the type's forward. */
    tt_module *m = calloc(1, sizeof *m);
    cr_assert(m != NULL, "test setup: out of memory");
    tt_module_init(m, &constant_ops);
    tt_tensor *x = PT_ARANGE(2);
    constant_calls = 0;
    tt_tensor *y = tt_module_forward(m, x);
    PT_NONNULL(y, "tt_module_forward(constant, (2,))");
    tt_tensor_free(y);
    cr_assert(constant_calls == 1, "tt_module_forward(constant, (2,)) called the forward %d times, expected once",
              constant_calls);
    PT_TENSOR_FAILS(tt_module_forward(m, NULL), TT_EINVAL, "tt_module_forward(m, NULL)");
    PT_TENSOR_FAILS(tt_module_forward(NULL, x), TT_EINVAL, "tt_module_forward(NULL, x)");
    cr_assert(constant_calls == 1,
              "tt_module_forward(m, NULL) called the type's forward with x == NULL; it must refuse NULL itself");
    tt_tensor_free(x);
    tt_module_free(m);
}

/* clauses: module.free */
Test(module, free_releases_the_whole_tree)
{
    /* Run under Valgrind, this also checks that nothing leaks. */
    destroy_calls = 0;
    tt_module *root = owning_new();
    tt_module *mid = container_new();
    PT_OK(tt_module_add_module(mid, "own", owning_new()), "tt_module_add_module(mid, \"own\", owning)");
    PT_OK(tt_module_add_module(mid, "aff", affine_new(1.0f, 0.0f)), "tt_module_add_module(mid, \"aff\", affine)");
    PT_OK(tt_module_add_parameter(root, "w", PT_ARANGE(4, 4)), "tt_module_add_parameter(root, \"w\", (4, 4))");
    PT_OK(tt_module_add_module(root, "mid", mid), "tt_module_add_module(root, \"mid\", mid)");
    tt_module_free(root);
    cr_assert(destroy_calls == 2,
              "tt_module_free(root) should call ops->destroy once for each of the 2 modules that have one, "
              "called it %d times%s", destroy_calls, pt_error_note());
    tt_module_free(NULL); /* does nothing */
}

/* clauses: module.name */
Test(module, name_comes_from_ops)
{
    tt_module *m = affine_new(1.0f, 0.0f);
    PT_STR(tt_module_name(m), "Affine", "tt_module_name(affine)");
    PT_STR(tt_module_name(NULL), "?", "tt_module_name(NULL)");
    tt_module_free(m);
}

/* ------------------------------------------------------------------------ */
/* ReLU (given) through lab 2's tt_module_forward                            */
/* ------------------------------------------------------------------------ */

/* clauses: module.forward */
Test(module, relu_forward_is_max_zero_x)
{
    static const float xv[] = {-2, -0.5f, 0, 0.5f, 3};
    static const float want[] = {0, 0, 0, 0.5f, 3};
    tt_module *relu = tt_relu_new();
    PT_NONNULL(relu, "tt_relu_new()");
    tt_tensor *x = PT_TENSOR(xv, 5);
    tt_tensor *x0 = pt_snapshot(x);
    tt_tensor *y = tt_module_forward(relu, x);
    PT_VALUES(y, "tt_module_forward(ReLU, (5,))", want, 5);
    PT_UNCHANGED(x, x0, "tt_module_forward(ReLU, (5,))");
    tt_tensor_free(y);
    tt_tensor_free(x0);
    tt_tensor_free(x);
    tt_module_free(relu);
}

/* clauses: module.forward, module.parameters */
Test(module, relu_keeps_shape_and_has_no_parameters)
{
    static const float xv[] = {1, -1, 2, -2, 3, -3};
    static const float want[] = {1, 0, 2, 0, 3, 0};
    tt_module *relu = tt_relu_new();
    PT_NONNULL(relu, "tt_relu_new()");
    tt_tensor *x = PT_TENSOR(xv, 2, 3);
    tt_tensor *y = tt_module_forward(relu, x);
    PT_VALUES(y, "tt_module_forward(ReLU, (2, 3))", want, 2, 3);
    PT_STR(tt_module_name(relu), "ReLU", "tt_module_name(ReLU)");
    PT_SIZE(tt_module_parameters(relu, NULL, 0), 0, "tt_module_parameters(ReLU, NULL, 0)");
    PT_SIZE(tt_module_num_parameters(relu), 0, "tt_module_num_parameters(ReLU)");
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(relu);
}

/* ------------------------------------------------------------------------ */
/* The course's test_unit_parameter_management: a network of two Linears     */
/* ------------------------------------------------------------------------ */

/* Python's
 *     class SimpleNetwork(Module):
 *         def __init__(self): self.layer1 = Linear(4, 3); self.layer2 = Linear(3, 2)
 *         def forward(self, x): return self.layer2(self.layer1(x))              */
typedef struct simple_network {
    tt_module base;
    tt_module *layer1;    /* borrowed: registered as child "layer1" */
    tt_module *layer2;    /* borrowed: registered as child "layer2" */
} simple_network;

static tt_tensor *simple_network_forward(tt_module *self, const tt_tensor *x)
{
    simple_network *net = TT_CONTAINER_OF(self, simple_network, base);
    tt_tensor *h = tt_module_forward(net->layer1, x);
    if (h == NULL)
        return NULL;
    tt_tensor *y = tt_module_forward(net->layer2, h);
    tt_tensor_free(h);
    return y;
}

static const tt_module_ops simple_network_ops = {.name = "SimpleNetwork", .forward = simple_network_forward};

static simple_network *simple_network_new(tt_rng *rng)
{
    simple_network *net = calloc(1, sizeof *net);
    cr_assert(net != NULL, "test setup: out of memory");
    tt_module_init(&net->base, &simple_network_ops);
    net->layer1 = tt_linear_new(4, 3, true, rng);
    PT_NONNULL(net->layer1, "tt_linear_new(4, 3, true, rng)");
    PT_OK(tt_module_add_module(&net->base, "layer1", net->layer1),
          "tt_module_add_module(net, \"layer1\", Linear(4, 3))");
    net->layer2 = tt_linear_new(3, 2, true, rng);
    PT_NONNULL(net->layer2, "tt_linear_new(3, 2, true, rng)");
    PT_OK(tt_module_add_module(&net->base, "layer2", net->layer2),
          "tt_module_add_module(net, \"layer2\", Linear(3, 2))");
    return net;
}

/* clauses: module.parameters, linear.params */
Test(module, network_of_two_linears_has_four_parameters)
{
    tt_rng rng;
    tt_rng_seed(&rng, 42);
    simple_network *net = simple_network_new(&rng);
    const known_tensor want[] = {
        {tt_linear_weights(net->layer1), "layer1.weights"},
        {tt_linear_bias(net->layer1), "layer1.bias"},
        {tt_linear_weights(net->layer2), "layer2.weights"},
        {tt_linear_bias(net->layer2), "layer2.bias"},
    };
    expect_parameters(&net->base, want, PT_ARRAY_LEN(want), "SimpleNetwork");
    PT_SIZE(tt_module_num_parameters(&net->base), 4 * 3 + 3 + 3 * 2 + 2,
            "tt_module_num_parameters(SimpleNetwork)");
    tt_module_free(&net->base);
}

/* clauses: module.forward, linear.forward */
Test(module, network_of_two_linears_forward)
{
    static const float xv[] = {1, 2, 3, 4};
    tt_rng rng;
    tt_rng_seed(&rng, 42);
    simple_network *net = simple_network_new(&rng);
    tt_tensor *x = PT_TENSOR(xv, 1, 4);
    tt_tensor *y = tt_module_forward(&net->base, x);
    PT_SHAPE(y, "tt_module_forward(SimpleNetwork, (1, 4))", 1, 2);

    /* The same as running the two layers one after the other. */
    tt_tensor *h = tt_module_forward(net->layer1, x);
    PT_NONNULL(h, "tt_module_forward(Linear(4, 3), (1, 4))");
    tt_tensor *want = tt_module_forward(net->layer2, h);
    PT_NONNULL(want, "tt_module_forward(Linear(3, 2), (1, 3))");
    PT_LIKE(y, want, "tt_module_forward(SimpleNetwork, (1, 4)) vs layer2(layer1(x))");
    tt_tensor_free(want);
    tt_tensor_free(h);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(&net->base);
}

/* clauses: module.named_parameters, sequential.new, linear.params */
Test(module, named_parameters_of_sequential)
{
    tt_rng rng;
    tt_rng_seed(&rng, 7);
    tt_module *layers[2];
    layers[0] = tt_linear_new(3, 4, true, &rng);
    PT_NONNULL(layers[0], "tt_linear_new(3, 4, true, rng)");
    layers[1] = tt_linear_new(4, 2, true, &rng);
    PT_NONNULL(layers[1], "tt_linear_new(4, 2, true, rng)");
    tt_module *seq = tt_sequential_new(layers, 2);
    PT_NONNULL(seq, "tt_sequential_new([Linear(3, 4), Linear(4, 2)], 2)");

    name_log log = {0};
    PT_OK(tt_module_named_parameters(seq, log_name, &log), "tt_module_named_parameters(Sequential)");
    static const char *want[] = {"layer_0.weights", "layer_0.bias", "layer_1.weights", "layer_1.bias"};
    PT_SIZE(log.calls, PT_ARRAY_LEN(want), "calls to fn for a Sequential of two Linears");
    for (size_t i = 0; i < PT_ARRAY_LEN(want); i++)
        PT_STR(log.names[i], want[i], pt_fmt("tt_module_named_parameters(Sequential): name #%zu", i));
    cr_assert(log.tensors[0] == tt_linear_weights(layers[0]),
              "\"layer_0.weights\" should be paired with the first layer's weights");
    cr_assert(log.tensors[3] == tt_linear_bias(layers[1]),
              "\"layer_1.bias\" should be paired with the second layer's bias");
    tt_module_free(seq);
}

/* no public test: module.add_parameter_enomem, module.add_module_enomem: only a failing malloc reaches them (the course's allocation-failure sweep checks them; no hidden test grades them) */
