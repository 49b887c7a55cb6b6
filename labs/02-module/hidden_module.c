/* hidden_module.c - hidden tests for lab 2, the Module base (tt_module.h).
 *
 * Only module.c's functions and the support library are called (modules are
 * test-defined types), so only module.c can lose these points. Each test
 * names, above it, the mutants (mutants/) it kills.
 */
#include "oracle.h"

/* ------------------------------------------------------------------------ */
/* Test module types                                                         */
/* ------------------------------------------------------------------------ */

/* Counted: its destroy hook counts its calls in *destroyed; its forward
 * returns x + 1 and records what it ran on. */
typedef struct counted {
    tt_module base; /* first: a counted is a tt_module */
    int *destroyed;
} counted;

/* Each Criterion test runs in its own process: these start at 0. */
static const tt_module *forward_self;  /* the module counted_forward last ran on */
static const tt_tensor *forward_result; /* what it returned */
static int forward_calls_with_null_x;   /* counted_forward was given x == NULL */

static void counted_destroy(tt_module *self)
{
    counted *c = TT_CONTAINER_OF(self, counted, base);
    if (c->destroyed != NULL)
        (*c->destroyed)++;
}

static tt_tensor *counted_forward(tt_module *self, const tt_tensor *x)
{
    forward_self = self;
    if (x == NULL) {
        forward_calls_with_null_x++;
        tt_set_error(TT_ESHAPE, "Counted: forward was called with x == NULL");
        return NULL;
    }
    tt_tensor *y = tt_tensor_copy(x);
    if (y != NULL)
        for (size_t i = 0; i < y->size; i++)
            y->data[i] += 1.0f;
    forward_result = y;
    return y;
}

static const tt_module_ops counted_ops = {.name = "Counted", .forward = counted_forward, .destroy = counted_destroy};

/* A type without a forward (Python's base Module). */
static const tt_module_ops abstract_ops = {.name = "Abstract", .destroy = counted_destroy};

/* A new module of type ops (counted_ops or abstract_ops) whose destroy calls
 * are counted in *destroyed (which may be NULL). */
static tt_module *module_new(const tt_module_ops *ops, int *destroyed)
{
    counted *c = calloc(1, sizeof *c);
    cr_assert(c != NULL, "test setup: out of memory");
    tt_module_init(&c->base, ops);
    c->destroyed = destroyed;
    return &c->base;
}

/* A (n,) tensor filled with v (support code only). */
static tt_tensor *vec(size_t n, float v)
{
    tt_tensor *t = or_tensor_of(1, (const size_t[]){n}, NULL);
    for (size_t i = 0; i < n; i++)
        t->data[i] = v;
    return t;
}

/* Registrations that must succeed. The name is passed from a scratch buffer
 * that is overwritten afterwards, as a caller building names with snprintf
 * would: the module must keep its own copy. */
static char name_buf[64];

static void add_param_ok(tt_module *m, const char *name, tt_tensor *p)
{
    snprintf(name_buf, sizeof name_buf, "%s", name);
    OR_EXPECT_STATUS(tt_module_add_parameter(m, name_buf, p), TT_OK,
                     or_fmt("tt_module_add_parameter(m, \"%s\", %s)", name, or_shp(p)));
    memset(name_buf, 'Z', sizeof name_buf - 1);
    name_buf[sizeof name_buf - 1] = '\0';
}

static void add_child_ok(tt_module *m, const char *name, tt_module *child)
{
    snprintf(name_buf, sizeof name_buf, "%s", name);
    OR_EXPECT_STATUS(tt_module_add_module(m, name_buf, child), TT_OK,
                     or_fmt("tt_module_add_module(m, \"%s\", child)", name));
    memset(name_buf, 'Z', sizeof name_buf - 1);
    name_buf[sizeof name_buf - 1] = '\0';
}

/* ------------------------------------------------------------------------ */
/* The test tree                                                             */
/* ------------------------------------------------------------------------ */

/* root: param a (1,); child c1; param b (2, 3); child c2   (in that order)
 *   c1: param w (4,); child g; param x (5,)
 *     g: param deep (2, 2, 2)
 *   c2: child h   (no parameters of its own)
 *     h: param z (7,)
 * Python's order (own parameters first, then each child's):
 *   a, b, c1.w, c1.x, c1.g.deep, c2.h.z */
enum { TREE_N = 6, TREE_MODULES = 5 };
static const char *const tree_names[TREE_N] = {"a", "b", "c1.w", "c1.x", "c1.g.deep", "c2.h.z"};
static const size_t tree_total_scalars = 1 + 6 + 4 + 5 + 8 + 7;
static const char *const tree_module_names[TREE_MODULES] = {"root", "c1", "c1.g", "c2", "c2.h"};

typedef struct tree {
    tt_module *root;
    tt_tensor *p[TREE_N];          /* in the expected order */
    int destroyed[TREE_MODULES];   /* root, c1, g, c2, h */
} tree;

static void tree_build(tree *t)
{
    memset(t, 0, sizeof *t);
    tt_module *root = module_new(&counted_ops, &t->destroyed[0]);
    tt_module *c1 = module_new(&counted_ops, &t->destroyed[1]);
    tt_module *g = module_new(&abstract_ops, &t->destroyed[2]);
    tt_module *c2 = module_new(&abstract_ops, &t->destroyed[3]);
    tt_module *h = module_new(&counted_ops, &t->destroyed[4]);
    t->p[0] = vec(1, 1.0f);
    t->p[1] = or_tensor_of(2, (const size_t[]){2, 3}, NULL);
    t->p[2] = vec(4, 3.0f);
    t->p[3] = vec(5, 4.0f);
    t->p[4] = or_tensor_of(3, (const size_t[]){2, 2, 2}, NULL);
    t->p[5] = vec(7, 6.0f);
    add_param_ok(g, "deep", t->p[4]);
    add_param_ok(c1, "w", t->p[2]);
    add_child_ok(c1, "g", g);
    add_param_ok(c1, "x", t->p[3]);
    add_param_ok(h, "z", t->p[5]);
    add_child_ok(c2, "h", h);
    add_param_ok(root, "a", t->p[0]);
    add_child_ok(root, "c1", c1);
    add_param_ok(root, "b", t->p[1]);
    add_child_ok(root, "c2", c2);
    t->root = root;
}

/* Which tree parameter p is, for messages. */
static const char *tree_label(const tree *t, const tt_tensor *p)
{
    if (p == NULL)
        return "NULL";
    for (size_t i = 0; i < TREE_N; i++)
        if (t->p[i] == p)
            return or_fmt("the parameter %s", tree_names[i]);
    return "a pointer that is not one of the tree's parameters";
}

/* A sentinel that must never be written over. */
static tt_tensor sentinel_tensor;

/* Collects what tt_module_named_parameters reports. */
typedef struct named_log {
    size_t calls;
    size_t stop_at;          /* return non-zero on this call (1-based); 0: never */
    char names[16][TT_NAME_MAX];
    tt_tensor *tensors[16];
} named_log;

static int log_param(const char *name, tt_tensor *param, void *ctx)
{
    named_log *log = ctx;
    if (log->calls < 16) {
        snprintf(log->names[log->calls], TT_NAME_MAX, "%s", name != NULL ? name : "(NULL)");
        log->tensors[log->calls] = param;
    }
    log->calls++;
    return log->stop_at != 0 && log->calls >= log->stop_at;
}

static int count_only(const char *name, tt_tensor *param, void *ctx)
{
    (void)name;
    (void)param;
    (*(size_t *)ctx)++;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

/* clauses: module.init */
/* tt_module_init on memory full of garbage (malloc, not calloc) gives an
 * empty, usable module.
 * Kills: init_no_reset. */
HIDDEN_TEST(module, init_on_garbage_memory, 1, "init on malloc'ed memory")
{
    int destroyed = 0, child_destroyed = 0;
    counted *c = malloc(sizeof *c);
    cr_assert(c != NULL, "test setup: out of memory");
    memset(c, 0xA5, sizeof *c);
    tt_module_init(&c->base, &counted_ops);
    c->destroyed = &destroyed;
    tt_module *m = &c->base;
    OR_CHECK(m->ops == &counted_ops, "tt_module_init(m, &ops): m->ops\nexpected: &ops\ngot: another pointer");
    OR_CHECK(m->n_params == 0 && m->n_children == 0,
             "tt_module_init on malloc'ed (not zeroed) memory\nexpected: n_params 0, n_children 0\n"
             "got: n_params %zu, n_children %zu",
             m->n_params, m->n_children);
    OR_EXPECT_SIZE(tt_module_parameters(m, NULL, 0), 0, "tt_module_parameters(fresh module, NULL, 0)");
    tt_tensor *w = vec(3, 1.0f);
    add_param_ok(m, "w", w);
    add_child_ok(m, "child", module_new(&counted_ops, &child_destroyed));
    tt_tensor *got[4] = {NULL, NULL, NULL, NULL};
    OR_EXPECT_SIZE(tt_module_parameters(m, got, 4), 1, "tt_module_parameters(module with one parameter)");
    OR_CHECK(got[0] == w, "tt_module_parameters(...)[0]\nexpected: the tensor registered as \"w\"\ngot: another pointer");
    tt_module_free(m);
    OR_CHECK(destroyed == 1 && child_destroyed == 1,
             "tt_module_free(m) on a module made with tt_module_init on malloc'ed memory\n"
             "expected: destroy called once on m and once on its child\ngot: %d and %d",
             destroyed, child_destroyed);
    HIDDEN_PASS();
}

/* clauses: module.parameters */
/* Own parameters first (registration order, even when registered between
 * children), then each child's subtree, children in registration order.
 * Kills: params_first_level_only, children_before_params, name_not_copied. */
HIDDEN_TEST(module, parameters_nested_order, 2, "own params first, then children, deep")
{
    tree t;
    tree_build(&t);
    tt_tensor *got[16] = {NULL};
    size_t n = tt_module_parameters(t.root, got, 16);
    OR_EXPECT_SIZE(n, TREE_N, "tt_module_parameters(3-level tree): the number of parameters\n"
                              "(tree: a, c1 {w, g {deep}, x}, b, c2 {h {z}})");
    for (size_t i = 0; i < TREE_N; i++)
        OR_CHECK(got[i] == t.p[i],
                 "tt_module_parameters(3-level tree)[%zu]\nexpected: the parameter %s\ngot: %s\n"
                 "(the order is a, b, c1.w, c1.x, c1.g.deep, c2.h.z: own parameters first, then each child's)",
                 i, tree_names[i], tree_label(&t, got[i]));
    /* A subtree on its own. */
    OR_CHECK(t.root->n_children == 2, "the tree's root\nexpected: 2 children\ngot: %zu", t.root->n_children);
    n = tt_module_parameters(t.root->children[0].module, got, 16);
    OR_EXPECT_SIZE(n, 3, "tt_module_parameters(c1): the number of parameters");
    OR_CHECK(got[0] == t.p[2] && got[1] == t.p[3] && got[2] == t.p[4],
             "tt_module_parameters(c1)\nexpected: w, x, g.deep\ngot: %s, %s, %s", tree_label(&t, got[0]),
             tree_label(&t, got[1]), tree_label(&t, got[2]));
    tt_module_free(t.root);
    HIDDEN_PASS();
}

/* clauses: module.parameters_max */
/* Never more than max pointers are written, but the full count is returned;
 * out may be NULL when max is 0.
 * Kills: parameters_write_past_max, parameters_returns_min,
 * params_first_level_only. */
HIDDEN_TEST(module, parameters_max_smaller_than_total, 1, "never writes past max, returns total")
{
    tree t;
    tree_build(&t);
    OR_EXPECT_SIZE(tt_module_parameters(t.root, NULL, 0), TREE_N,
                   "tt_module_parameters(tree of 6 parameters, NULL, 0) (asking for the count first)");
    static const size_t maxes[] = {0, 1, 2, 4, 5, 6};
    for (size_t k = 0; k < OR_LEN(maxes); k++) {
        size_t max = maxes[k];
        tt_tensor *got[16];
        for (size_t i = 0; i < 16; i++)
            got[i] = &sentinel_tensor;
        size_t n = tt_module_parameters(t.root, got, max);
        OR_EXPECT_SIZE(n, TREE_N, or_fmt("tt_module_parameters(tree of 6 parameters, out, max = %zu): "
                                         "the return value (the total, even when larger than max)",
                                         max));
        for (size_t i = 0; i < max; i++)
            OR_CHECK(got[i] == t.p[i],
                     "tt_module_parameters(tree, out, max = %zu): out[%zu]\nexpected: the parameter %s\ngot: %s", max,
                     i, tree_names[i], tree_label(&t, got[i]));
        for (size_t i = max; i < 16; i++)
            OR_CHECK(got[i] == &sentinel_tensor,
                     "tt_module_parameters(tree, out, max = %zu) wrote out[%zu]\nexpected: at most max = %zu "
                     "pointers written\ngot: out[%zu] overwritten",
                     max, i, max, i);
    }
    OR_EXPECT_SIZE(tt_module_parameters(NULL, NULL, 0), 0, "tt_module_parameters(NULL, NULL, 0)");
    tt_module_free(t.root);
    HIDDEN_PASS();
}

/* clauses: module.num_parameters */
/* The number of scalars, recursively.
 * Kills: num_params_counts_tensors, num_params_no_recursion. */
HIDDEN_TEST(module, num_parameters_counts_scalars, 1, "scalars, recursively")
{
    tree t;
    tree_build(&t);
    OR_EXPECT_SIZE(tt_module_num_parameters(t.root), tree_total_scalars,
                   "tt_module_num_parameters(tree with parameters of sizes 1, 6, 4, 5, 8, 7)");
    OR_CHECK(t.root->n_children == 2, "the tree's root\nexpected: 2 children\ngot: %zu", t.root->n_children);
    OR_EXPECT_SIZE(tt_module_num_parameters(t.root->children[1].module), 7,
                   "tt_module_num_parameters(c2, whose only parameter is its child's (7,))");
    tt_module *empty = module_new(&counted_ops, NULL);
    OR_EXPECT_SIZE(tt_module_num_parameters(empty), 0, "tt_module_num_parameters(empty module)");
    OR_EXPECT_SIZE(tt_module_num_parameters(NULL), 0, "tt_module_num_parameters(NULL)");
    tt_module_free(empty);
    tt_module_free(t.root);
    HIDDEN_PASS();
}

/* clauses: module.named_parameters */
/* Dotted names, in the order of tt_module_parameters, with the right tensors.
 * Kills: named_without_dots, name_not_copied. */
HIDDEN_TEST(module, named_parameters_dotted_names, 2, "\"c1.g.deep\" names, copied names")
{
    tree t;
    tree_build(&t);
    named_log log;
    memset(&log, 0, sizeof log);
    OR_EXPECT_STATUS(tt_module_named_parameters(t.root, log_param, &log), TT_OK,
                     "tt_module_named_parameters(tree, fn, ctx)");
    OR_EXPECT_SIZE(log.calls, TREE_N, "tt_module_named_parameters(tree): the number of calls of fn");
    for (size_t i = 0; i < TREE_N; i++) {
        OR_CHECK(strcmp(log.names[i], tree_names[i]) == 0,
                 "tt_module_named_parameters(tree): name of call %zu\nexpected: \"%s\"\ngot: \"%s\"", i + 1,
                 tree_names[i], log.names[i]);
        OR_CHECK(log.tensors[i] == t.p[i],
                 "tt_module_named_parameters(tree): call %zu (\"%s\")\nexpected: the tensor %s\ngot: %s", i + 1,
                 tree_names[i], tree_names[i], tree_label(&t, log.tensors[i]));
    }
    tt_module_free(t.root);
    HIDDEN_PASS();
}

/* clauses: module.named_stop */
/* fn returning non-zero stops the whole walk, also from inside a subtree,
 * and the result is still TT_OK.
 * Kills: named_ignores_stop, named_stop_not_propagated. */
HIDDEN_TEST(module, named_parameters_stop_early, 1, "fn's non-zero stops the whole walk")
{
    tree t;
    tree_build(&t);
    static const size_t stops[] = {1, 3, 5};
    for (size_t k = 0; k < OR_LEN(stops); k++) {
        named_log log;
        memset(&log, 0, sizeof log);
        log.stop_at = stops[k];
        OR_EXPECT_STATUS(tt_module_named_parameters(t.root, log_param, &log), TT_OK,
                         or_fmt("tt_module_named_parameters(tree), fn returning 1 on call %zu", stops[k]));
        OR_EXPECT_SIZE(log.calls, stops[k],
                       or_fmt("tt_module_named_parameters(tree), fn returning 1 on call %zu (\"%s\"): the number "
                              "of calls",
                              stops[k], tree_names[stops[k] - 1]));
    }
    tt_module_free(t.root);
    HIDDEN_PASS();
}

/* clauses: module.named_too_long, module.named_einval */
/* Names of exactly TT_NAME_MAX - 1 characters work; longer ones are
 * TT_EINVAL; NULL m or fn is TT_EINVAL.
 * Kills: named_no_length_check. */
HIDDEN_TEST(module, named_parameters_long_names, 1, "255 chars ok, 256 TT_EINVAL, NULLs")
{
    char a[101], b[101], leaf[56];
    memset(a, 'A', 100);
    a[100] = '\0';
    memset(b, 'B', 100);
    b[100] = '\0';
    /* "A*100.B*100.p*53" is 255 characters; with p*54 it is 256. */
    for (size_t leaf_len = 53; leaf_len <= 54; leaf_len++) {
        memset(leaf, 'p', leaf_len);
        leaf[leaf_len] = '\0';
        tt_module *root = module_new(&counted_ops, NULL);
        tt_module *mid = module_new(&counted_ops, NULL);
        tt_module *low = module_new(&counted_ops, NULL);
        tt_tensor *p = vec(1, 1.0f);
        OR_EXPECT_STATUS(tt_module_add_parameter(low, leaf, p), TT_OK, "tt_module_add_parameter(m, <long name>, p)");
        OR_EXPECT_STATUS(tt_module_add_module(mid, b, low), TT_OK, "tt_module_add_module(m, <long name>, child)");
        OR_EXPECT_STATUS(tt_module_add_module(root, a, mid), TT_OK, "tt_module_add_module(m, <long name>, child)");
        named_log log;
        memset(&log, 0, sizeof log);
        tt_clear_error();
        tt_status st = tt_module_named_parameters(root, log_param, &log);
        if (leaf_len == 53) {
            OR_CHECK(st == TT_OK && log.calls == 1 && strlen(log.names[0]) == 255,
                     "tt_module_named_parameters with a dotted name of exactly TT_NAME_MAX - 1 = 255 characters\n"
                     "expected: TT_OK, one call with a 255-character name\ngot: %s, %zu calls, name length %zu (%s)",
                     tt_status_name(st), log.calls, log.calls ? strlen(log.names[0]) : (size_t)0, or_err());
        } else {
            OR_CHECK(st == TT_EINVAL && log.calls == 0,
                     "tt_module_named_parameters with a dotted name of 256 characters (longer than TT_NAME_MAX - 1)\n"
                     "expected: TT_EINVAL without calling fn\ngot: %s with %zu calls",
                     tt_status_name(st), log.calls);
        }
        tt_module_free(root);
    }
    tt_module *m = module_new(&counted_ops, NULL);
    size_t calls = 0;
    OR_EXPECT_STATUS(tt_module_named_parameters(NULL, count_only, &calls), TT_EINVAL,
                     "tt_module_named_parameters(NULL, fn, ctx)");
    OR_EXPECT_STATUS(tt_module_named_parameters(m, NULL, &calls), TT_EINVAL,
                     "tt_module_named_parameters(m, NULL, ctx)");
    tt_module_free(m);
    HIDDEN_PASS();
}

/* clauses: module.forward, module.forward_einval */
/* tt_module_forward calls ops->forward(m, x) and returns its result; NULL m
 * or x is TT_EINVAL without calling it.
 * Kills: forward_no_arg_check. */
HIDDEN_TEST(module, forward_dispatches_through_ops, 1, "ops->forward(m, x); NULL args TT_EINVAL")
{
    forward_self = NULL;
    forward_result = NULL;
    forward_calls_with_null_x = 0;
    static const float xv[] = {1, 2, 3, -4, 5, 6};
    static const float yv[] = {2, 3, 4, -3, 6, 7};
    tt_module *m = module_new(&counted_ops, NULL);
    tt_tensor *x = OR_TENSOR(xv, 2, 3);
    tt_tensor *y = tt_module_forward(m, x);
    or_tensor *want = or_exact_values(2, (const size_t[]){2, 3}, yv);
    OR_EXPECT_FROM(y, want, "tt_module_forward(Counted (y = x + 1), (2, 3))", x);
    OR_CHECK(forward_self == m && forward_result == y,
             "tt_module_forward(m, x)\nexpected: m->ops->forward(m, x) called and its result returned\n"
             "got: %s",
             forward_self != m ? "forward called with another self" : "another tensor returned");
    OR_EXPECT_FAIL(tt_module_forward(NULL, x), TT_EINVAL, "tt_module_forward(NULL, x)");
    OR_EXPECT_FAIL(tt_module_forward(m, NULL), TT_EINVAL, "tt_module_forward(m, NULL)");
    OR_CHECK(forward_calls_with_null_x == 0,
             "tt_module_forward(m, NULL)\nexpected: TT_EINVAL without calling the forward\n"
             "got: the type's forward was called with x == NULL");
    or_free(want);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(m);
    HIDDEN_PASS();
}

/* clauses: module.forward_enotimpl */
/* A type without a forward: TT_ENOTIMPL "<name>: subclasses must implement
 * forward", not a crash.
 * Kills: forward_no_null_check. */
HIDDEN_TEST(module, forward_without_forward_is_enotimpl, 1, "TT_ENOTIMPL \"<name>: subclasses must implement forward\"")
{
    tt_module *m = module_new(&abstract_ops, NULL);
    tt_tensor *x = vec(3, 1.0f);
    OR_EXPECT_FAIL(tt_module_forward(m, x), TT_ENOTIMPL, "tt_module_forward(Abstract module without forward, x)");
    OR_EXPECT_MSG_CONTAINS("Abstract: subclasses must implement forward", "tt_module_forward(Abstract, x)");
    tt_tensor_free(x);
    tt_module_free(m);
    HIDDEN_PASS();
}

/* clauses: module.free */
/* tt_module_free calls every destroy hook of the tree exactly once.
 * Kills: free_skips_children, free_skips_destroy. */
HIDDEN_TEST(module, free_releases_whole_tree_once, 2, "every destroy hook once")
{
    tree t;
    tree_build(&t);
    tt_module_free(t.root);
    for (size_t i = 0; i < TREE_MODULES; i++)
        OR_CHECK(t.destroyed[i] == 1,
                 "tt_module_free(root of a 3-level tree): destroy hook of %s\nexpected: called once\ngot: %d calls",
                 tree_module_names[i], t.destroyed[i]);
    tt_module_free(NULL);
    HIDDEN_PASS();
}

/* clauses: module.add_parameter_einval, module.add_module_einval */
/* A name already used by a parameter or a child cannot be registered again,
 * as either kind; the registries are left as they were.
 * Kills: duplicate_names_allowed, dup_check_ignores_children. */
HIDDEN_TEST(module, duplicate_names_rejected, 1, "used names refused, both kinds")
{
    int child_destroyed[3] = {0, 0, 0};
    tt_module *m = module_new(&counted_ops, NULL);
    tt_tensor *w = vec(2, 1.0f);
    add_param_ok(m, "w", w);
    add_child_ok(m, "c", module_new(&counted_ops, &child_destroyed[0]));
    OR_EXPECT_STATUS(tt_module_add_parameter(m, "w", vec(3, 2.0f)), TT_EINVAL,
                     "tt_module_add_parameter(m, \"w\", p) when \"w\" is already a parameter");
    OR_EXPECT_STATUS(tt_module_add_parameter(m, "c", vec(3, 2.0f)), TT_EINVAL,
                     "tt_module_add_parameter(m, \"c\", p) when \"c\" is already a child");
    OR_EXPECT_STATUS(tt_module_add_module(m, "w", module_new(&counted_ops, &child_destroyed[1])), TT_EINVAL,
                     "tt_module_add_module(m, \"w\", child) when \"w\" is already a parameter");
    OR_EXPECT_STATUS(tt_module_add_module(m, "c", module_new(&counted_ops, &child_destroyed[2])), TT_EINVAL,
                     "tt_module_add_module(m, \"c\", child) when \"c\" is already a child");
    OR_CHECK(m->n_params == 1 && m->n_children == 1,
             "after four refused registrations\nexpected: 1 parameter and 1 child\ngot: %zu and %zu", m->n_params,
             m->n_children);
    tt_tensor *got[4] = {NULL};
    OR_EXPECT_SIZE(tt_module_parameters(m, got, 4), 1, "tt_module_parameters(m) after refused registrations");
    OR_CHECK(got[0] == w, "tt_module_parameters(m)[0]\nexpected: the first \"w\"\ngot: another tensor");
    /* Names that only share a prefix are different names. */
    add_param_ok(m, "w2", vec(1, 0.0f));
    add_child_ok(m, "cc", module_new(&counted_ops, NULL));
    tt_module_free(m);
    OR_CHECK(child_destroyed[0] == 1, "tt_module_free(m): the registered child \"c\"\nexpected: destroyed once\n"
                                      "got: %d times",
             child_destroyed[0]);
    HIDDEN_PASS();
}

/* clauses: module.add_parameter_einval, module.add_module_einval */
/* Empty, dotted and NULL names are TT_EINVAL, for both kinds.
 * Kills: dotted_name_allowed, empty_name_allowed. */
HIDDEN_TEST(module, bad_names_rejected, 1, "empty, dotted, NULL names refused")
{
    static const char *const bad[] = {"", "a.b", ".", "w."};
    tt_module *m = module_new(&counted_ops, NULL);
    for (size_t i = 0; i < OR_LEN(bad); i++) {
        OR_EXPECT_STATUS(tt_module_add_parameter(m, bad[i], vec(1, 0.0f)), TT_EINVAL,
                         or_fmt("tt_module_add_parameter(m, \"%s\", p)", bad[i]));
        OR_EXPECT_STATUS(tt_module_add_module(m, bad[i], module_new(&counted_ops, NULL)), TT_EINVAL,
                         or_fmt("tt_module_add_module(m, \"%s\", child)", bad[i]));
    }
    OR_EXPECT_STATUS(tt_module_add_parameter(m, NULL, vec(1, 0.0f)), TT_EINVAL, "tt_module_add_parameter(m, NULL, p)");
    OR_EXPECT_STATUS(tt_module_add_module(m, NULL, module_new(&counted_ops, NULL)), TT_EINVAL,
                     "tt_module_add_module(m, NULL, child)");
    OR_CHECK(m->n_params == 0 && m->n_children == 0,
             "after refused registrations\nexpected: no parameters and no children\ngot: %zu and %zu", m->n_params,
             m->n_children);
    tt_module_free(m);
    HIDDEN_PASS();
}

/* clauses: module.add_module_owns */
/* A refused child is freed (tt_module_free) by tt_module_add_module, exactly
 * once, whatever the reason.
 * Kills: add_module_no_free_on_fail. */
HIDDEN_TEST(module, failed_add_module_frees_child, 1, "refused child freed once")
{
    int d[5] = {0, 0, 0, 0, 0};
    tt_module *m = module_new(&counted_ops, NULL);
    add_child_ok(m, "c", module_new(&counted_ops, NULL));
    OR_EXPECT_STATUS(tt_module_add_module(m, "c", module_new(&counted_ops, &d[0])), TT_EINVAL,
                     "tt_module_add_module(m, \"c\" (already used), child)");
    OR_EXPECT_STATUS(tt_module_add_module(m, "", module_new(&counted_ops, &d[1])), TT_EINVAL,
                     "tt_module_add_module(m, \"\", child)");
    OR_EXPECT_STATUS(tt_module_add_module(m, "x.y", module_new(&counted_ops, &d[2])), TT_EINVAL,
                     "tt_module_add_module(m, \"x.y\", child)");
    OR_EXPECT_STATUS(tt_module_add_module(m, NULL, module_new(&counted_ops, &d[3])), TT_EINVAL,
                     "tt_module_add_module(m, NULL, child)");
    OR_EXPECT_STATUS(tt_module_add_module(NULL, "c", module_new(&counted_ops, &d[4])), TT_EINVAL,
                     "tt_module_add_module(NULL, \"c\", child)");
    static const char *const why[5] = {"a used name", "an empty name", "a dotted name", "a NULL name", "m NULL"};
    for (size_t i = 0; i < 5; i++)
        OR_CHECK(d[i] == 1,
                 "tt_module_add_module refusing a child (%s)\nexpected: the child freed once (its destroy hook "
                 "called once)\ngot: %d calls",
                 why[i], d[i]);
    OR_EXPECT_STATUS(tt_module_add_module(m, "z", NULL), TT_EINVAL, "tt_module_add_module(m, \"z\", NULL)");
    tt_module_free(m);
    HIDDEN_PASS();
}

/* clauses: module.add_module_self */
/* child == m is refused with TT_EINVAL and frees nothing: m stays usable.
 * Kills: self_child_frees. */
HIDDEN_TEST(module, child_equal_self_refused, 1, "child == m refused, m not freed")
{
    int destroyed = 0;
    tt_module *m = module_new(&counted_ops, &destroyed);
    OR_EXPECT_STATUS(tt_module_add_module(m, "self", m), TT_EINVAL, "tt_module_add_module(m, \"self\", m)");
    OR_CHECK(destroyed == 0, "tt_module_add_module(m, \"self\", m)\nexpected: m not freed\ngot: m was freed "
                             "(its destroy hook ran)");
    OR_CHECK(m->n_children == 0, "tt_module_add_module(m, \"self\", m)\nexpected: no child registered\ngot: %zu",
             m->n_children);
    add_param_ok(m, "self", vec(2, 1.0f));
    OR_EXPECT_SIZE(tt_module_num_parameters(m), 2, "tt_module_num_parameters(m) after the refused self-child");
    tt_module_free(m);
    OR_CHECK(destroyed == 1, "tt_module_free(m)\nexpected: destroy called once\ngot: %d", destroyed);
    HIDDEN_PASS();
}

/* clauses: module.add_parameter_einval */
/* A NULL parameter is TT_EINVAL and registers nothing.
 * Kills: null_param_accepted. */
HIDDEN_TEST(module, null_parameter_rejected, 1, "NULL tensor refused")
{
    tt_module *m = module_new(&counted_ops, NULL);
    OR_EXPECT_STATUS(tt_module_add_parameter(m, "w", NULL), TT_EINVAL, "tt_module_add_parameter(m, \"w\", NULL)");
    OR_CHECK(m->n_params == 0, "tt_module_add_parameter(m, \"w\", NULL)\nexpected: nothing registered\n"
                               "got: n_params %zu",
             m->n_params);
    OR_EXPECT_STATUS(tt_module_add_parameter(NULL, "w", vec(2, 1.0f)), TT_EINVAL,
                     "tt_module_add_parameter(NULL, \"w\", p)");
    /* "w" is still free. */
    add_param_ok(m, "w", vec(4, 1.0f));
    OR_EXPECT_SIZE(tt_module_num_parameters(m), 4, "tt_module_num_parameters(m)");
    tt_module_free(m);
    HIDDEN_PASS();
}

/* clauses: module.name */
/* tt_module_name gives the type's name, and "?" for NULL.
 * Kills: name_null_not_checked. */
HIDDEN_TEST(module, name_of_null_is_question_mark, 1, "tt_module_name: the type's name, \"?\" for NULL")
{
    tt_module *m = module_new(&counted_ops, NULL);
    const char *name = tt_module_name(m);
    OR_CHECK(name != NULL && strcmp(name, "Counted") == 0, "tt_module_name(a Counted module)\nexpected: \"Counted\"\n"
                                                           "got: %s", name != NULL ? or_fmt("\"%s\"", name) : "NULL");
    name = tt_module_name(NULL);
    OR_CHECK(name != NULL && strcmp(name, "?") == 0, "tt_module_name(NULL)\nexpected: \"?\"\ngot: %s",
             name != NULL ? or_fmt("\"%s\"", name) : "NULL");
    tt_module_free(m);
    HIDDEN_PASS();
}

/* A module with more parameters and children than a small fixed array holds:
 * p0 .. p39 of sizes 1 .. 40, then children c0 .. c11 with a (2,) "w" each. */
enum { MANY_P = 40, MANY_C = 12 };

/* Checks the names tt_module_named_parameters reports: p0 .. p39, then
 * c0.w .. c11.w; records the first wrong one. */
typedef struct many_log {
    size_t calls;
    char first_bad[160];
} many_log;

static int check_many_name(const char *name, tt_tensor *param, void *ctx)
{
    many_log *log = ctx;
    char want[32];
    if (log->calls < MANY_P)
        snprintf(want, sizeof want, "p%zu", log->calls);
    else
        snprintf(want, sizeof want, "c%zu.w", log->calls - MANY_P);
    if (log->first_bad[0] == '\0' && (name == NULL || strcmp(name, want) != 0))
        snprintf(log->first_bad, sizeof log->first_bad, "call %zu: expected \"%s\", got \"%.40s\"", log->calls + 1,
                 want, name != NULL ? name : "(NULL)");
    (void)param;
    log->calls++;
    return 0;
}

/* clauses: module.add_parameter, module.add_module, module.parameters, module.named_parameters */
/* The registries grow as far as needed: 40 parameters and 12 children are all
 * registered, and collected, named and counted in order.
 * Kills: registry_full_at_four. */
HIDDEN_TEST(module, many_parameters_and_children, 1, "registries grow: 40 params, 12 children")
{
    tt_module *m = module_new(&counted_ops, NULL);
    tt_tensor *p[MANY_P + MANY_C];
    char name[16];
    size_t scalars = 0;
    for (size_t i = 0; i < MANY_P; i++) {
        p[i] = vec(i + 1, (float)i);
        scalars += i + 1;
        snprintf(name, sizeof name, "p%zu", i);
        add_param_ok(m, name, p[i]);
    }
    for (size_t i = 0; i < MANY_C; i++) {
        tt_module *c = module_new(&counted_ops, NULL);
        p[MANY_P + i] = vec(2, -(float)i);
        scalars += 2;
        add_param_ok(c, "w", p[MANY_P + i]);
        snprintf(name, sizeof name, "c%zu", i);
        add_child_ok(m, name, c);
    }
    tt_tensor *got[MANY_P + MANY_C];
    OR_EXPECT_SIZE(tt_module_parameters(m, got, MANY_P + MANY_C), MANY_P + MANY_C,
                   "tt_module_parameters(module with 40 parameters and 12 children of one parameter each)");
    for (size_t i = 0; i < MANY_P + MANY_C; i++)
        OR_CHECK(got[i] == p[i], "tt_module_parameters(module with 40 parameters and 12 children)[%zu]\n"
                                 "expected: the tensor registered as %s\ngot: another pointer",
                 i, i < MANY_P ? or_fmt("\"p%zu\"", i) : or_fmt("\"w\" of child c%zu", i - MANY_P));
    OR_EXPECT_SIZE(tt_module_num_parameters(m), scalars,
                   "tt_module_num_parameters(module with 40 parameters and 12 children)");
    many_log log;
    memset(&log, 0, sizeof log);
    OR_EXPECT_STATUS(tt_module_named_parameters(m, check_many_name, &log), TT_OK,
                     "tt_module_named_parameters(module with 40 parameters and 12 children)");
    OR_EXPECT_SIZE(log.calls, MANY_P + MANY_C,
                   "tt_module_named_parameters(module with 40 parameters and 12 children): the number of calls");
    OR_CHECK(log.first_bad[0] == '\0', "tt_module_named_parameters(module with 40 parameters and 12 children): %s",
             log.first_bad);
    tt_module_free(m);
    HIDDEN_PASS();
}
