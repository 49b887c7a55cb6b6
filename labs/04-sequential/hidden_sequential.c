/* hidden_sequential.c - hidden tests for lab 4, Sequential (tt_sequential.h).
 *
 * The layers are mostly "probes", a module type defined here whose forward
 * records what it was given and whose destroy hook counts its calls, so the
 * tests can see the order of the layers, what each one received, and what
 * Sequential frees. Module, Linear and ReLU are the reference or support
 * code here, so only sequential.c can lose these points. Each test names,
 * above it, the mutants (mutants/) it kills.
 */
#include "oracle.h"

/* ------------------------------------------------------------------------ */
/* Probes                                                                    */
/* ------------------------------------------------------------------------ */

enum { LOG_MAX = 16, SEEN_MAX = 8 };

/* What the probes of one test saw (each test runs in its own process). */
typedef struct probe_log {
    size_t n_calls;
    int order[LOG_MAX];               /* probe ids, in call order */
    size_t seen_size[LOG_MAX];        /* the size of each call's input */
    float seen[LOG_MAX][SEEN_MAX];    /* its first values */
    int destroyed[LOG_MAX];           /* destroy calls per probe id */
} probe_log;

static probe_log plog;

/* Every test starts with an empty log (Criterion also runs each test in its
 * own process). */
#define PLOG_RESET() memset(&plog, 0, sizeof plog)

/* y = x * mul + add, or a failure with TT_ESHAPE when fail is set. */
typedef struct probe {
    tt_module base; /* first: a probe is a tt_module */
    int id;
    float mul, add;
    int fail;
} probe;

static tt_tensor *probe_forward(tt_module *self, const tt_tensor *x)
{
    probe *p = TT_CONTAINER_OF(self, probe, base);
    if (plog.n_calls < LOG_MAX) {
        size_t k = plog.n_calls;
        plog.order[k] = p->id;
        plog.seen_size[k] = x->ndim <= TT_MAX_DIMS ? x->size : 0;
        for (size_t i = 0; i < SEEN_MAX && i < plog.seen_size[k]; i++)
            plog.seen[k][i] = x->data[i];
    }
    plog.n_calls++;
    if (p->fail) {
        tt_set_error(TT_ESHAPE, "probe %d: refused its input", p->id);
        return NULL;
    }
    tt_tensor *y = tt_tensor_copy(x);
    if (y != NULL)
        for (size_t i = 0; i < y->size; i++)
            y->data[i] = y->data[i] * p->mul + p->add;
    return y;
}

static void probe_destroy(tt_module *self)
{
    probe *p = TT_CONTAINER_OF(self, probe, base);
    if (p->id >= 0 && p->id < LOG_MAX)
        plog.destroyed[p->id]++;
}

static const tt_module_ops probe_ops = {.name = "Probe", .forward = probe_forward, .destroy = probe_destroy};

/* A probe with id, y = x * mul + add; with_param registers a (1,) parameter
 * "p" holding the id. */
static tt_module *probe_new(int id, float mul, float add, int fail, int with_param)
{
    probe *p = calloc(1, sizeof *p);
    cr_assert(p != NULL, "test setup: out of memory");
    tt_module_init(&p->base, &probe_ops);
    p->id = id;
    p->mul = mul;
    p->add = add;
    p->fail = fail;
    if (with_param) {
        float v = (float)id;
        tt_tensor *t = or_tensor_of(1, (const size_t[]){1}, &v);
        cr_assert(tt_module_add_parameter(&p->base, "p", t) == TT_OK, "test setup: add_parameter failed");
    }
    return &p->base;
}

/* A Sequential the test needs: its setup, so a failure says the check was
 * never reached (setup_mark.h). */
static tt_module *seq_ok(tt_module *const *layers, size_t n, const char *what)
{
    tt_clear_error();
    tt_module *s = tt_sequential_new(layers, n);
    cr_assert(s != NULL, TT_SETUP_MARK "%s returned NULL\nexpected: a Sequential\ngot: NULL (%s)", what, or_err());
    return s;
}

/* The order of the probe calls, "0, 1, 2", for messages. */
static const char *call_order(void)
{
    char *b = or_scratch();
    for (size_t i = 0; i < plog.n_calls && i < LOG_MAX; i++)
        or_append(b, OR_SCRATCH_LEN, "%s%d", i ? ", " : "", plog.order[i]);
    if (plog.n_calls == 0)
        or_append(b, OR_SCRATCH_LEN, "no calls");
    return b;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */
/* ------------------------------------------------------------------------ */

/* clauses: sequential.forward */
/* Layer 0 first, then 1, then 2: y = L2(L1(L0(x))), every layer once.
 * Kills: reverse_order, first_layer_only, each_layer_gets_input. */
HIDDEN_TEST(sequential, layers_run_in_order, 2, "L2(L1(L0(x)))")
{
    PLOG_RESET();
    static const float xv[] = {1, -2, 3, 0.25f};
    float yv[4];
    for (size_t i = 0; i < 4; i++)
        yv[i] = ((xv[i] * 2.0f + 1.0f) * -3.0f + 0.5f) * 0.5f - 2.0f;
    tt_module *layers[] = {probe_new(0, 2.0f, 1.0f, 0, 0), probe_new(1, -3.0f, 0.5f, 0, 0),
                           probe_new(2, 0.5f, -2.0f, 0, 0)};
    tt_module *seq = seq_ok(layers, 3, "tt_sequential_new([p0, p1, p2], 3)");
    tt_tensor *x = OR_TENSOR(xv, 2, 2);
    tt_tensor *y = tt_module_forward(seq, x);
    or_tensor *want = or_exact_values(2, (const size_t[]){2, 2}, yv);
    OR_EXPECT_FROM(y, want, "Sequential[x*2+1, x*-3+0.5, x*0.5-2] forward of (2, 2)", x);
    OR_CHECK(plog.n_calls == 3 && plog.order[0] == 0 && plog.order[1] == 1 && plog.order[2] == 2,
             "Sequential[p0, p1, p2] forward: the layers called\nexpected: 0, 1, 2\ngot: %s", call_order());
    or_free(want);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(seq);
    HIDDEN_PASS();
}

/* clauses: sequential.forward */
/* Each layer receives the previous layer's output (the first one x), through
 * a chain of four layers that includes a ReLU.
 * Kills: each_layer_gets_input, reverse_order, first_layer_only. */
HIDDEN_TEST(sequential, each_layer_gets_previous_output, 2, "each layer's input is the previous output")
{
    PLOG_RESET();
    static const float xv[] = {0.5f, -1, 2, -4, 8, 0.25f};
    tt_module *layers[] = {probe_new(0, 2.0f, -1.0f, 0, 0), tt_relu_new(), probe_new(1, -1.0f, 0.5f, 0, 0),
                           probe_new(2, 4.0f, 0.0f, 0, 0)};
    tt_module *seq = seq_ok(layers, 4, "tt_sequential_new([p0, ReLU, p1, p2], 4)");
    tt_tensor *x = OR_TENSOR(xv, 3, 2);
    tt_tensor *y = tt_module_forward(seq, x);
    OR_EXPECT_SHAPE(y, "Sequential[p0, ReLU, p1, p2] forward of (3, 2)", 3, 2);
    OR_CHECK(plog.n_calls == 3, "Sequential[p0, ReLU, p1, p2] forward: the probe calls\nexpected: 0, 1, 2\ngot: %s",
             call_order());
    float h[3][6];
    for (size_t i = 0; i < 6; i++) {
        h[0][i] = xv[i];                           /* input of p0 */
        float r = xv[i] * 2.0f - 1.0f;             /* p0 */
        h[1][i] = r > 0.0f ? r : 0.0f;             /* ReLU: input of p1 */
        h[2][i] = h[1][i] * -1.0f + 0.5f;          /* p1: input of p2 */
    }
    static const char *const from[3] = {"x itself", "ReLU(p0(x))", "p1(ReLU(p0(x)))"};
    for (size_t k = 0; k < 3; k++) {
        OR_CHECK(plog.seen_size[k] == 6, "Sequential[p0, ReLU, p1, p2]: the input of p%zu\nexpected: 6 values\n"
                                         "got: %zu",
                 k, plog.seen_size[k]);
        for (size_t i = 0; i < 6; i++)
            OR_CHECK(plog.seen[k][i] == h[k][i],
                     "Sequential[p0, ReLU, p1, p2]: element [%zu] of the input of p%zu (should be %s)\n"
                     "expected: %g\ngot: %g",
                     i, k, from[k], (double)h[k][i], (double)plog.seen[k][i]);
    }
    for (size_t i = 0; i < 6; i++)
        OR_CHECK(y->data[i] == h[2][i] * 4.0f, "Sequential[p0, ReLU, p1, p2] forward: element [%zu]\nexpected: %g\n"
                                               "got: %g",
                 i, (double)(h[2][i] * 4.0f), (double)y->data[i]);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(seq);
    HIDDEN_PASS();
}

/* clauses: sequential.forward_input */
/* x is neither freed nor modified: it can be used again and freed by its
 * owner; the result is a new tensor.
 * Kills: input_freed. */
HIDDEN_TEST(sequential, input_not_freed_or_modified, 2, "x never freed or modified")
{
    PLOG_RESET();
    tt_rng rng;
    tt_rng_seed(&rng, 4);
    tt_tensor *x = OR_RANDN(&rng, 2, 3);
    tt_tensor *snap = or_snapshot(x);
    for (size_t n = 1; n <= 3; n++) {
        tt_module *layers[3] = {probe_new(0, 1.0f, 1.0f, 0, 0), probe_new(1, 1.0f, 1.0f, 0, 0),
                                probe_new(2, 1.0f, 1.0f, 0, 0)};
        for (size_t i = n; i < 3; i++)
            tt_module_free(layers[i]);
        tt_module *seq = seq_ok(layers, n, or_fmt("tt_sequential_new(%zu probes)", n));
        for (int round = 0; round < 2; round++) {
            const char *what = or_fmt("Sequential of %zu layer(s) forward of (2, 3)%s", n,
                                      round ? ", second call on the same x" : "");
            tt_tensor *y = tt_module_forward(seq, x);
            OR_EXPECT_SHAPE(y, what, 2, 3);
            OR_EXPECT_UNCHANGED(x, snap, what);
            OR_EXPECT_NEW(y, x, what);
            tt_tensor_free(y);
        }
        tt_module_free(seq);
    }
    tt_tensor_free(snap);
    tt_tensor_free(x);
    HIDDEN_PASS();
}

/* clauses: sequential.forward_empty */
/* No layers: a copy of x, never x itself.
 * Kills: empty_returns_input, empty_returns_null. */
HIDDEN_TEST(sequential, empty_returns_copy, 1, "empty: a copy, never x")
{
    PLOG_RESET();
    static const float xv[] = {1.5f, -2, 3, 4, -5, 6.25f};
    tt_module *seq = seq_ok(NULL, 0, "tt_sequential_new(NULL, 0)");
    OR_EXPECT_SIZE(tt_sequential_len(seq), 0, "tt_sequential_len(empty Sequential)");
    tt_tensor *x = OR_TENSOR(xv, 2, 3);
    or_tensor *want = or_exact(x);
    tt_tensor *y = tt_module_forward(seq, x);
    OR_EXPECT_FROM(y, want, "empty Sequential forward of (2, 3) (a copy of x)", x);
    /* The two can be freed in either order. */
    tt_tensor_free(x);
    OR_EXPECT(y, want, "empty Sequential forward of (2, 3), after freeing x");
    tt_tensor_free(y);
    or_free(want);
    tt_module_free(seq);
    HIDDEN_PASS();
}

/* clauses: sequential.forward_error */
/* A failing middle layer: NULL, its status and message passed up unchanged,
 * the later layers never called, x untouched.
 * Kills: error_swallowed, no_stop_on_failure. */
HIDDEN_TEST(sequential, failing_middle_layer_passes_error, 2, "NULL, the layer's own error, stops")
{
    PLOG_RESET();
    tt_module *layers[] = {probe_new(0, 2.0f, 0.0f, 0, 0), probe_new(1, 1.0f, 0.0f, 1, 0),
                           probe_new(2, 1.0f, 0.0f, 0, 0)};
    tt_module *seq = seq_ok(layers, 3, "tt_sequential_new([p0, failing p1, p2], 3)");
    tt_rng rng;
    tt_rng_seed(&rng, 5);
    tt_tensor *x = OR_RANDN(&rng, 2, 2);
    tt_tensor *snap = or_snapshot(x);
    OR_EXPECT_FAIL(tt_module_forward(seq, x), TT_ESHAPE, "Sequential[p0, p1 (fails with TT_ESHAPE), p2] forward");
    OR_EXPECT_MSG_CONTAINS("probe 1: refused its input", "Sequential[p0, p1 (fails), p2] forward (p1's own message)");
    OR_CHECK(plog.n_calls == 2, "Sequential[p0, p1 (fails), p2] forward: the layers called\nexpected: 0, 1 "
                                "(nothing after the failing layer)\ngot: %s",
             call_order());
    OR_EXPECT_UNCHANGED(x, snap, "Sequential[p0, p1 (fails), p2] forward");
    tt_tensor_free(snap);
    tt_tensor_free(x);
    tt_module_free(seq);
    HIDDEN_PASS();
}

/* clauses: sequential.forward_error */
/* A failing first or last layer: NULL with its status.
 * Kills: no_stop_on_failure, error_swallowed. */
HIDDEN_TEST(sequential, failing_first_or_last_layer, 1, "first or last layer failing")
{
    PLOG_RESET();
    tt_tensor *x = OR_ZEROS(3);
    tt_module *first[] = {probe_new(0, 1.0f, 0.0f, 1, 0), probe_new(1, 1.0f, 0.0f, 0, 0),
                          probe_new(2, 1.0f, 0.0f, 0, 0)};
    tt_module *seq = seq_ok(first, 3, "tt_sequential_new([failing p0, p1, p2], 3)");
    OR_EXPECT_FAIL(tt_module_forward(seq, x), TT_ESHAPE, "Sequential[p0 (fails with TT_ESHAPE), p1, p2] forward");
    OR_CHECK(plog.n_calls == 1, "Sequential[p0 (fails), p1, p2] forward: the layers called\nexpected: 0\ngot: %s",
             call_order());
    tt_module_free(seq);
    plog.n_calls = 0;
    tt_module *last[] = {probe_new(3, 1.0f, 0.0f, 0, 0), probe_new(4, 1.0f, 0.0f, 1, 0)};
    seq = seq_ok(last, 2, "tt_sequential_new([p3, failing p4], 2)");
    OR_EXPECT_FAIL(tt_module_forward(seq, x), TT_ESHAPE, "Sequential[p3, p4 (fails with TT_ESHAPE)] forward");
    tt_module_free(seq);
    tt_tensor_free(x);
    HIDDEN_PASS();
}

/* clauses: sequential.len */
/* tt_sequential_len counts the layers.
 * Kills: len_off_by_one, add_not_registered. */
HIDDEN_TEST(sequential, len_counts_layers, 1, "tt_sequential_len")
{
    PLOG_RESET();
    tt_module *empty = seq_ok(NULL, 0, "tt_sequential_new(NULL, 0)");
    tt_module *one_layer[] = {probe_new(0, 1.0f, 0.0f, 0, 0)};
    tt_module *one = seq_ok(one_layer, 1, "tt_sequential_new([p0], 1)");
    tt_module *three_layers[] = {probe_new(1, 1.0f, 0.0f, 0, 0), tt_relu_new(), probe_new(2, 1.0f, 0.0f, 0, 0)};
    tt_module *three = seq_ok(three_layers, 3, "tt_sequential_new([p1, ReLU, p2], 3)");
    OR_EXPECT_SIZE(tt_sequential_len(empty), 0, "tt_sequential_len(Sequential of 0 layers)");
    OR_EXPECT_SIZE(tt_sequential_len(one), 1, "tt_sequential_len(Sequential of 1 layer)");
    OR_EXPECT_SIZE(tt_sequential_len(three), 3, "tt_sequential_len(Sequential of 3 layers)");
    OR_EXPECT_STATUS(tt_sequential_add(three, probe_new(3, 1.0f, 0.0f, 0, 0)), TT_OK, "tt_sequential_add(seq, p3)");
    OR_EXPECT_SIZE(tt_sequential_len(three), 4, "tt_sequential_len after tt_sequential_add on 3 layers");
    tt_module_free(three);
    tt_module_free(one);
    tt_module_free(empty);
    HIDDEN_PASS();
}

/* Collects tt_module_named_parameters. */
typedef struct names {
    size_t n;
    char name[8][64];
} names;

static int collect_name(const char *name, tt_tensor *param, void *ctx)
{
    (void)param;
    names *ns = ctx;
    if (ns->n < 8)
        snprintf(ns->name[ns->n], sizeof ns->name[0], "%s", name);
    ns->n++;
    return 0;
}

/* clauses: sequential.add */
/* Layers added after construction are registered as "layer_<len>" and run
 * after the others; adding to an empty Sequential gives "layer_0".
 * Kills: add_not_registered, add_wrong_name. */
HIDDEN_TEST(sequential, add_after_construction, 2, "add registers \"layer_<len>\", runs last")
{
    PLOG_RESET();
    tt_module *layers[] = {probe_new(0, 1.0f, 1.0f, 0, 1), probe_new(1, 2.0f, 0.0f, 0, 1)};
    tt_module *seq = seq_ok(layers, 2, "tt_sequential_new([p0, p1], 2)");
    OR_EXPECT_STATUS(tt_sequential_add(seq, probe_new(2, 1.0f, -3.0f, 0, 1)), TT_OK, "tt_sequential_add(seq, p2)");
    OR_EXPECT_SIZE(tt_sequential_len(seq), 3, "tt_sequential_len after adding a third layer");
    names ns;
    memset(&ns, 0, sizeof ns);
    OR_EXPECT_STATUS(tt_module_named_parameters(seq, collect_name, &ns), TT_OK, "tt_module_named_parameters(seq)");
    static const char *const want[3] = {"layer_0.p", "layer_1.p", "layer_2.p"};
    OR_EXPECT_SIZE(ns.n, 3, "tt_module_named_parameters(Sequential of 3 probes with one parameter each): calls");
    for (size_t i = 0; i < 3; i++)
        OR_CHECK(strcmp(ns.name[i], want[i]) == 0,
                 "Sequential [p0, p1] + tt_sequential_add(p2): parameter name %zu\nexpected: \"%s\"\ngot: \"%s\"", i,
                 want[i], ns.name[i]);
    static const float xv[] = {1, 2};
    static const float yv[] = {1, 3}; /* ((x + 1) * 2) - 3 */
    tt_tensor *x = OR_TENSOR(xv, 2);
    tt_tensor *y = tt_module_forward(seq, x);
    or_tensor *wy = or_exact_values(1, (const size_t[]){2}, yv);
    OR_EXPECT_FROM(y, wy, "Sequential[x+1, x*2] + added [x-3] forward of (2,)", x);
    OR_CHECK(plog.n_calls == 3 && plog.order[2] == 2,
             "Sequential[p0, p1] + added p2 forward: the layers called\nexpected: 0, 1, 2\ngot: %s", call_order());
    or_free(wy);
    tt_tensor_free(y);
    tt_tensor_free(x);
    /* Adding to an empty Sequential. */
    tt_module *empty = seq_ok(NULL, 0, "tt_sequential_new(NULL, 0)");
    OR_EXPECT_STATUS(tt_sequential_add(empty, probe_new(3, 1.0f, 0.0f, 0, 1)), TT_OK,
                     "tt_sequential_add(empty seq, p3)");
    memset(&ns, 0, sizeof ns);
    OR_EXPECT_STATUS(tt_module_named_parameters(empty, collect_name, &ns), TT_OK, "tt_module_named_parameters(seq)");
    OR_CHECK(ns.n == 1 && strcmp(ns.name[0], "layer_0.p") == 0,
             "tt_sequential_add on an empty Sequential: the parameter name\nexpected: \"layer_0.p\"\ngot: \"%s\"",
             ns.n ? ns.name[0] : "(none)");
    tt_module_free(empty);
    tt_module_free(seq);
    HIDDEN_PASS();
}

/* clauses: sequential.new_einval, sequential.new_owns */
/* A NULL layer: NULL with TT_EINVAL, and every other layer freed exactly once.
 * Kills: new_null_layer_leak, new_fail_double_free. */
HIDDEN_TEST(sequential, new_with_null_layer_frees_the_others, 2, "NULL layer: others freed once")
{
    PLOG_RESET();
    tt_module *mid[] = {probe_new(0, 1, 0, 0, 1), probe_new(1, 1, 0, 0, 0), NULL, probe_new(3, 1, 0, 0, 1)};
    tt_clear_error();
    tt_module *s = tt_sequential_new(mid, 4);
    OR_CHECK(s == NULL && tt_last_status() == TT_EINVAL,
             "tt_sequential_new([p0, p1, NULL, p3], 4)\nexpected: NULL with TT_EINVAL\ngot: %s",
             s != NULL ? "a module" : or_err());
    static const int ids[] = {0, 1, 3};
    for (size_t i = 0; i < 3; i++)
        OR_CHECK(plog.destroyed[ids[i]] == 1,
                 "tt_sequential_new([p0, p1, NULL, p3], 4) failing: layer p%d\nexpected: freed once\n"
                 "got: freed %d times",
                 ids[i], plog.destroyed[ids[i]]);
    tt_module *first[] = {NULL, probe_new(5, 1, 0, 0, 0)};
    s = tt_sequential_new(first, 2);
    OR_CHECK(s == NULL && plog.destroyed[5] == 1,
             "tt_sequential_new([NULL, p5], 2)\nexpected: NULL, and p5 freed once\ngot: %s, p5 freed %d times",
             s != NULL ? "a module" : "NULL", plog.destroyed[5]);
    tt_module *last[] = {probe_new(6, 1, 0, 0, 0), NULL};
    s = tt_sequential_new(last, 2);
    OR_CHECK(s == NULL && plog.destroyed[6] == 1,
             "tt_sequential_new([p6, NULL], 2)\nexpected: NULL, and p6 freed once\ngot: %s, p6 freed %d times",
             s != NULL ? "a module" : "NULL", plog.destroyed[6]);
    HIDDEN_PASS();
}

/* clauses: sequential.new_einval, sequential.new_empty */
/* layers NULL: TT_EINVAL when n > 0, an empty Sequential when n == 0.
 * Kills: new_no_null_array_check. */
HIDDEN_TEST(sequential, new_with_null_array, 1, "layers NULL with n > 0 / n == 0")
{
    PLOG_RESET();
    tt_clear_error();
    tt_module *s = tt_sequential_new(NULL, 2);
    OR_CHECK(s == NULL && tt_last_status() == TT_EINVAL,
             "tt_sequential_new(NULL, 2)\nexpected: NULL with TT_EINVAL\ngot: %s", s != NULL ? "a module" : or_err());
    tt_clear_error();
    s = tt_sequential_new(NULL, 0);
    OR_CHECK(s != NULL, "tt_sequential_new(NULL, 0)\nexpected: an empty Sequential\ngot: NULL (%s)", or_err());
    OR_EXPECT_SIZE(tt_sequential_len(s), 0, "tt_sequential_len(tt_sequential_new(NULL, 0))");
    tt_module_free(s);
    HIDDEN_PASS();
}

/* clauses: sequential.add_einval, sequential.add_owns */
/* tt_sequential_add on a module that is not a Sequential (or NULL), or with a
 * NULL layer: TT_EINVAL, the layer freed once, nothing registered.
 * Kills: add_no_type_check, add_non_seq_no_free. */
HIDDEN_TEST(sequential, add_rejects_non_sequential_and_null, 1, "TT_EINVAL, layer freed")
{
    PLOG_RESET();
    tt_module *relu = tt_relu_new();
    cr_assert(relu != NULL, "test setup: tt_relu_new failed");
    OR_EXPECT_STATUS(tt_sequential_add(relu, probe_new(0, 1, 0, 0, 0)), TT_EINVAL, "tt_sequential_add(ReLU, p0)");
    OR_CHECK(plog.destroyed[0] == 1 && relu->n_children == 0,
             "tt_sequential_add(ReLU, p0) refused\nexpected: p0 freed once, nothing added to the ReLU\n"
             "got: p0 freed %d times, the ReLU has %zu children",
             plog.destroyed[0], relu->n_children);
    OR_EXPECT_STATUS(tt_sequential_add(NULL, probe_new(1, 1, 0, 0, 0)), TT_EINVAL, "tt_sequential_add(NULL, p1)");
    OR_CHECK(plog.destroyed[1] == 1, "tt_sequential_add(NULL, p1) refused\nexpected: p1 freed once\ngot: %d times",
             plog.destroyed[1]);
    tt_module *layers[] = {probe_new(2, 1, 0, 0, 0)};
    tt_module *seq = seq_ok(layers, 1, "tt_sequential_new([p2], 1)");
    OR_EXPECT_STATUS(tt_sequential_add(seq, NULL), TT_EINVAL, "tt_sequential_add(seq, NULL)");
    OR_EXPECT_SIZE(tt_sequential_len(seq), 1, "tt_sequential_len after tt_sequential_add(seq, NULL)");
    tt_module_free(seq);
    tt_module_free(relu);
    HIDDEN_PASS();
}

/* clauses: sequential.new, module.free */
/* Freeing a Sequential (with a nested one) frees every layer exactly once,
 * and forward frees no layer.
 * Kills: destroy_frees_layers. */
HIDDEN_TEST(sequential, free_destroys_each_layer_once, 1, "nested free, each layer once")
{
    PLOG_RESET();
    tt_module *inner_layers[] = {probe_new(3, 1, 0, 0, 1), probe_new(4, 1, 0, 0, 0)};
    tt_module *inner = seq_ok(inner_layers, 2, "tt_sequential_new([p3, p4], 2)");
    tt_module *layers[] = {probe_new(0, 1, 0, 0, 1), probe_new(1, 1, 0, 0, 0), inner, probe_new(2, 1, 0, 0, 0)};
    tt_module *seq = seq_ok(layers, 4, "tt_sequential_new([p0, p1, Sequential[p3, p4], p2], 4)");
    tt_tensor *x = OR_ZEROS(2);
    tt_tensor *y = tt_module_forward(seq, x);
    OR_EXPECT_SHAPE(y, "Sequential[p0, p1, Sequential[p3, p4], p2] forward of (2,)", 2);
    for (int id = 0; id <= 4; id++)
        OR_CHECK(plog.destroyed[id] == 0, "Sequential forward\nexpected: no layer freed\ngot: p%d freed", id);
    tt_module_free(seq);
    for (int id = 0; id <= 4; id++)
        OR_CHECK(plog.destroyed[id] == 1,
                 "tt_module_free(Sequential[p0, p1, Sequential[p3, p4], p2]): layer p%d\nexpected: freed once\n"
                 "got: freed %d times",
                 id, plog.destroyed[id]);
    tt_tensor_free(y);
    tt_tensor_free(x);
    HIDDEN_PASS();
}

/* clauses: sequential.new, sequential.forward, module.named_parameters */
/* A nested MLP, Sequential[Linear(4, 5), ReLU, Sequential[Linear(5, 3), ReLU],
 * Linear(3, 2)], against a double-precision oracle built from the layers'
 * weights; its dotted parameter names and count.
 * Kills: reverse_order, first_layer_only, each_layer_gets_input,
 * add_wrong_name. */
HIDDEN_TEST(sequential, nested_mlp_vs_oracle, 1, "nested MLP vs oracle, dotted names")
{
    PLOG_RESET();
    tt_rng rng;
    tt_rng_seed(&rng, 2020);
    tt_module *l1 = tt_linear_new(4, 5, true, &rng), *l2 = tt_linear_new(5, 3, true, &rng);
    tt_module *l3 = tt_linear_new(3, 2, true, &rng);
    cr_assert(l1 != NULL && l2 != NULL && l3 != NULL, "test setup: tt_linear_new failed");
    tt_module *inner_layers[] = {l2, tt_relu_new()};
    tt_module *inner = seq_ok(inner_layers, 2, "tt_sequential_new([Linear(5, 3), ReLU], 2)");
    tt_module *layers[] = {l1, tt_relu_new(), inner, l3};
    tt_module *mlp = seq_ok(layers, 4, "tt_sequential_new([Linear(4, 5), ReLU, Sequential, Linear(3, 2)], 4)");
    tt_tensor *x = OR_RANDN(&rng, 6, 4);
    /* The oracle, in double. */
    const tt_module *lin[3] = {l1, l2, l3};
    double h[6][5], next[6][5], mag[6][5];
    size_t width = 4;
    for (size_t r = 0; r < 6; r++)
        for (size_t j = 0; j < 4; j++)
            h[r][j] = x->data[r * 4 + j];
    for (size_t k = 0; k < 3; k++) {
        const tt_tensor *w = tt_linear_weights(lin[k]), *b = tt_linear_bias(lin[k]);
        size_t out = w->shape[1];
        for (size_t r = 0; r < 6; r++)
            for (size_t j = 0; j < out; j++) {
                double s = b->data[j], m = fabs(s);
                for (size_t p = 0; p < width; p++) {
                    s += h[r][p] * w->data[p * out + j];
                    m += fabs(h[r][p] * w->data[p * out + j]);
                }
                next[r][j] = k < 2 && s < 0 ? 0 : s;
                mag[r][j] = m;
            }
        memcpy(h, next, sizeof h);
        width = out;
    }
    /* Four times the usual tolerance: three layers of float rounding. */
    or_tensor *want = or_new(2, (const size_t[]){6, 2}, 1);
    for (size_t r = 0; r < 6; r++)
        for (size_t j = 0; j < 2; j++) {
            want->val[r * 2 + j] = h[r][j];
            want->tol[r * 2 + j] = 4 * OR_RTOL * (1 + mag[r][j]);
        }
    tt_tensor *y = tt_module_forward(mlp, x);
    OR_EXPECT_FROM(y, want, "Sequential[Linear(4, 5), ReLU, Sequential[Linear(5, 3), ReLU], Linear(3, 2)] forward of (6, 4)",
                   x);
    names ns;
    memset(&ns, 0, sizeof ns);
    OR_EXPECT_STATUS(tt_module_named_parameters(mlp, collect_name, &ns), TT_OK, "tt_module_named_parameters(mlp)");
    static const char *const wn[6] = {"layer_0.weights",         "layer_0.bias",    "layer_2.layer_0.weights",
                                      "layer_2.layer_0.bias", "layer_3.weights", "layer_3.bias"};
    OR_EXPECT_SIZE(ns.n, 6, "tt_module_named_parameters(nested MLP): the number of parameters");
    for (size_t i = 0; i < 6; i++)
        OR_CHECK(strcmp(ns.name[i], wn[i]) == 0, "nested MLP: parameter name %zu\nexpected: \"%s\"\ngot: \"%s\"", i,
                 wn[i], ns.name[i]);
    OR_EXPECT_SIZE(tt_module_num_parameters(mlp), 4 * 5 + 5 + 5 * 3 + 3 + 3 * 2 + 2,
                   "tt_module_num_parameters(nested MLP)");
    or_free(want);
    tt_tensor_free(y);
    tt_tensor_free(x);
    tt_module_free(mlp);
    HIDDEN_PASS();
}

/* clauses: sequential.len_einval */
/* tt_sequential_len counts a Sequential's layers, and refuses what is not a
 * Sequential: 0 with TT_EINVAL for NULL, a ReLU, and a probe that has a
 * child module of its own.
 * Kills: len_no_type_check. */
HIDDEN_TEST(sequential, len_refuses_non_sequential, 1, "len: layers of a Sequential, else 0 with TT_EINVAL")
{
    PLOG_RESET();
    tt_module *two_layers[] = {probe_new(0, 1.0f, 0.0f, 0, 0), probe_new(1, 1.0f, 0.0f, 0, 0)};
    tt_module *two = seq_ok(two_layers, 2, "tt_sequential_new([p0, p1], 2)");
    OR_EXPECT_SIZE(tt_sequential_len(two), 2, "tt_sequential_len(Sequential of 2 layers)");
    tt_module_free(two);
    tt_module *relu = tt_relu_new();
    cr_assert(relu != NULL, "test setup: tt_relu_new failed");
    tt_module *parent = probe_new(2, 1.0f, 0.0f, 0, 0);
    cr_assert(tt_module_add_module(parent, "inner", probe_new(3, 1.0f, 0.0f, 0, 0)) == TT_OK,
              "test setup: tt_module_add_module failed");
    static const char *const what[] = {"tt_sequential_len(NULL)", "tt_sequential_len(a ReLU)",
                                       "tt_sequential_len(a Probe module with one child)"};
    const tt_module *not_seq[] = {NULL, relu, parent};
    for (size_t i = 0; i < OR_LEN(not_seq); i++) {
        tt_clear_error();
        size_t n = tt_sequential_len(not_seq[i]);
        OR_CHECK(n == 0 && tt_last_status() == TT_EINVAL, "%s\nexpected: 0 with TT_EINVAL (not a Sequential)\n"
                 "got: %zu with %s", what[i], n, or_err());
    }
    tt_module_free(parent);
    tt_module_free(relu);
    HIDDEN_PASS();
}
