/* alloc_fail.c - the allocation-failure sweep of the coverage build (make
 * coverage): every allocating call of the labs, run once with each of its
 * allocations failing in turn. Not a hidden test (ttgrade never runs it):
 * it covers, and checks, the out-of-memory paths no ordinary test reaches.
 *
 * tools/coverage links it with `ld --wrap=malloc,calloc,realloc,free`, so
 * every allocation of the lab files and the support library goes through
 * the wrappers below: they count the live blocks and, when armed, fail the
 * k-th allocation. For k = 1, 2, ... each case must then
 *
 *     fail (NULL or an error status), with TT_ENOMEM recorded,
 *     leak nothing (every block it made is freed again),
 *
 * until k is past the call's last allocation, when it must succeed.
 *
 * Never ship this directory to students.
 */
#include <criterion/criterion.h>

#include <stddef.h>
#include <stdlib.h>

#include "tinytorch.h"

/* More allocations than this in one call is a runaway. */
#define AF_MAX_ALLOCS 64

/* ------------------------------------------------------------------------ */
/* The wrappers (ld --wrap): the real functions are __real_*.               */
/* ------------------------------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static long live_blocks;      /* blocks allocated and not yet freed */
static unsigned fail_at;      /* 0: never fail; k: fail the k-th allocation after arming */
static unsigned attempts;     /* allocations since arming */

/* 1 if this allocation is the one to fail. */
static int should_fail(void)
{
    if (fail_at == 0)
        return 0;
    return ++attempts == fail_at;
}

void *__wrap_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __real_malloc(n);
    if (p != NULL)
        live_blocks++;
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    void *p = __real_calloc(n, size);
    if (p != NULL)
        live_blocks++;
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    if (should_fail())
        return NULL; /* like the real one: old is untouched */
    void *p = __real_realloc(old, n);
    if (old == NULL && p != NULL)
        live_blocks++;
    return p;
}

void __wrap_free(void *p)
{
    if (p != NULL)
        live_blocks--;
    __real_free(p);
}

/* ------------------------------------------------------------------------ */
/* The cases                                                                */
/* ------------------------------------------------------------------------ */

/* What a case works on. Set up before the armed window, freed after it by
 * af_teardown (whatever is not NULL): a call that takes ownership of
 * something sets its field to NULL. */
typedef struct af_fixture {
    tt_rng rng;
    tt_tensor *a, *b, *p;        /* inputs, and a tensor to hand over */
    tt_module *m, *child;        /* a module, and one to hand over */
    tt_module *layers[3];        /* for tt_sequential_new */
    tt_tensor *y;                /* the result of the call under test */
    tt_module *made;             /* the module the call under test made */
    tt_summary *s;               /* the summary the call under test made */
} af_fixture;

static void af_teardown(af_fixture *f)
{
    tt_summary_free(f->s);
    tt_tensor_free(f->y);
    tt_module_free(f->made);
    tt_module_free(f->m);
    tt_module_free(f->child);
    for (size_t i = 0; i < 3; i++)
        tt_module_free(f->layers[i]);
    tt_tensor_free(f->p);
    tt_tensor_free(f->a);
    tt_tensor_free(f->b);
}

/* A tensor of the given shape with some values in it; setup must not fail. */
static tt_tensor *af_tensor(size_t ndim, const size_t *shape)
{
    tt_tensor *t = tt_tensor_new(ndim, shape);
    cr_assert_not_null(t, "setup: tt_tensor_new failed: %s", tt_last_error());
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = (float)(i % 5) - 2.0f;
    return t;
}

static tt_module *af_module(tt_module *m, const char *what)
{
    cr_assert_not_null(m, "setup: %s failed: %s", what, tt_last_error());
    return m;
}

static tt_module *af_linear(af_fixture *f, size_t in, size_t out)
{
    return af_module(tt_linear_new(in, out, true, &f->rng), "tt_linear_new");
}

/* A module of a type of its own, with no parameters yet. */
static const tt_module_ops plain_ops = {.name = "Plain"};
static tt_module *af_plain(void)
{
    tt_module *m = malloc(sizeof *m);
    cr_assert_not_null(m, "setup: malloc failed");
    tt_module_init(m, &plain_ops);
    return m;
}

/* Runs setup, then call with the k-th allocation failing, for k = 1, 2, ...
 * until the call makes fewer than k allocations and succeeds. call returns 1
 * on success. */
static void sweep(const char *what, void (*setup)(af_fixture *), int (*call)(af_fixture *))
{
    for (unsigned k = 1; k <= AF_MAX_ALLOCS; k++) {
        af_fixture f = {0};
        tt_rng_seed(&f.rng, 42);
        long before = live_blocks;
        setup(&f);
        tt_clear_error();
        attempts = 0;
        fail_at = k;
        int ok = call(&f);
        fail_at = 0;
        tt_status st = tt_last_status();
        int injected = attempts >= k;
        af_teardown(&f);
        cr_assert_eq(live_blocks, before, "%s, allocation %u failing: %ld block(s) %s", what, k,
                     labs(live_blocks - before), live_blocks > before ? "leaked" : "freed twice");
        if (!injected) {
            cr_assert(ok, "%s failed (%s: %s) with no allocation failing", what, tt_status_name(st),
                      tt_last_error());
            cr_assert_gt(k, 1, "%s made no allocation at all", what);
            return;
        }
        cr_assert(!ok, "%s succeeded although its allocation %u of %u failed", what, k, attempts);
        cr_assert_eq(st, TT_ENOMEM, "%s, allocation %u failing: status %s (%s), expected TT_ENOMEM", what, k,
                     tt_status_name(st), tt_last_error());
    }
    cr_assert_fail("%s makes more than %d allocations", what, AF_MAX_ALLOCS);
}

/* Lab 1 ------------------------------------------------------------------ */

static void setup_matmul(af_fixture *f)
{
    f->a = af_tensor(2, (size_t[]){2, 3});
    f->b = af_tensor(2, (size_t[]){3, 4});
}
static int call_matmul(af_fixture *f)
{
    return (f->y = tt_matmul(f->a, f->b)) != NULL;
}
Test(alloc_fail, matmul)
{
    sweep("tt_matmul((2, 3), (3, 4))", setup_matmul, call_matmul);
}

/* Big enough to cross every block of the reference's fast path (rows,
 * depth, columns) and to leave partial tiles at every edge. */
static void setup_matmul_fast(af_fixture *f)
{
    f->a = af_tensor(2, (size_t[]){97, 257});
    f->b = af_tensor(2, (size_t[]){257, 521});
}
static int call_matmul_fast(af_fixture *f)
{
    return (f->y = tt_matmul_fast(f->a, f->b)) != NULL;
}
Test(alloc_fail, matmul_fast)
{
    sweep("tt_matmul_fast((97, 257), (257, 521))", setup_matmul_fast, call_matmul_fast);
}

/* tt_matmul_fast's refusals, which no hidden test reaches (the hidden tests
 * leave the optional fast path alone): each fails with its status and
 * allocates nothing. */
Test(alloc_fail, matmul_fast_refusals)
{
    af_fixture f = {0};
    setup_matmul(&f);
    long before = live_blocks;
    static const struct {
        int a_null;
        tt_status want;
    } cases[] = {{1, TT_EINVAL}, {0, TT_ESHAPE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tt_clear_error();
        /* (2, 3) @ (2, 3): the inner dimensions differ. */
        tt_tensor *y = tt_matmul_fast(cases[i].a_null ? NULL : f.a, f.a);
        cr_assert_null(y, "tt_matmul_fast case %zu returned a tensor", i);
        cr_assert_eq(tt_last_status(), cases[i].want, "tt_matmul_fast case %zu: status %s (%s)", i,
                     tt_status_name(tt_last_status()), tt_last_error());
    }
    cr_assert_eq(live_blocks, before, "tt_matmul_fast's refusals allocated %ld block(s)", live_blocks - before);
    af_teardown(&f);
}

/* Lab 2 ------------------------------------------------------------------ */

/* m with four parameters already: the next one needs the registry to grow. */
static void setup_module_full(af_fixture *f)
{
    f->m = af_plain();
    static const char *const names[] = {"p0", "p1", "p2", "p3"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(tt_module_add_parameter(f->m, names[i], af_tensor(1, (size_t[]){2})), TT_OK,
                     "setup: tt_module_add_parameter: %s", tt_last_error());
    f->p = af_tensor(1, (size_t[]){3});
    f->child = af_plain();
}
static void setup_module_empty(af_fixture *f)
{
    f->m = af_plain();
    f->p = af_tensor(1, (size_t[]){3});
    f->child = af_plain();
}
static int call_add_parameter(af_fixture *f)
{
    tt_tensor *p = f->p;
    f->p = NULL; /* owned by the call from now on */
    return tt_module_add_parameter(f->m, "w", p) == TT_OK;
}
static int call_add_module(af_fixture *f)
{
    tt_module *child = f->child;
    f->child = NULL;
    return tt_module_add_module(f->m, "c", child) == TT_OK;
}
Test(alloc_fail, module_add_parameter)
{
    sweep("tt_module_add_parameter (first)", setup_module_empty, call_add_parameter);
    sweep("tt_module_add_parameter (fifth)", setup_module_full, call_add_parameter);
}
Test(alloc_fail, module_add_module)
{
    sweep("tt_module_add_module (first)", setup_module_empty, call_add_module);
    sweep("tt_module_add_module (after 4 parameters)", setup_module_full, call_add_module);
}

/* Lab 3 ------------------------------------------------------------------ */

static void setup_nothing(af_fixture *f)
{
    (void)f;
}
static int call_linear_new_bias(af_fixture *f)
{
    return (f->made = tt_linear_new(3, 2, true, &f->rng)) != NULL;
}
static int call_linear_new_no_bias(af_fixture *f)
{
    return (f->made = tt_linear_new(3, 2, false, &f->rng)) != NULL;
}
Test(alloc_fail, linear_new)
{
    sweep("tt_linear_new(3, 2, bias)", setup_nothing, call_linear_new_bias);
    sweep("tt_linear_new(3, 2, no bias)", setup_nothing, call_linear_new_no_bias);
}

static void setup_linear_forward(af_fixture *f)
{
    f->m = af_linear(f, 3, 2);
    f->a = af_tensor(3, (size_t[]){2, 4, 3});
}
static int call_forward(af_fixture *f)
{
    return (f->y = tt_module_forward(f->m, f->a)) != NULL;
}
Test(alloc_fail, linear_forward)
{
    sweep("Linear(3, 2) forward on (2, 4, 3)", setup_linear_forward, call_forward);
}

/* Lab 4 ------------------------------------------------------------------ */

static void setup_layers(af_fixture *f)
{
    f->layers[0] = af_linear(f, 3, 4);
    f->layers[1] = af_module(tt_relu_new(), "tt_relu_new");
    f->layers[2] = af_linear(f, 4, 2);
}
static int call_sequential_new(af_fixture *f)
{
    tt_module *layers[3] = {f->layers[0], f->layers[1], f->layers[2]};
    f->layers[0] = f->layers[1] = f->layers[2] = NULL; /* owned by the call */
    return (f->made = tt_sequential_new(layers, 3)) != NULL;
}
Test(alloc_fail, sequential_new)
{
    sweep("tt_sequential_new(3 layers)", setup_layers, call_sequential_new);
}

static void setup_sequential_forward(af_fixture *f)
{
    setup_layers(f);
    f->m = af_module(tt_sequential_new(f->layers, 3), "tt_sequential_new");
    f->layers[0] = f->layers[1] = f->layers[2] = NULL;
    f->a = af_tensor(2, (size_t[]){5, 3});
}
static void setup_sequential_empty(af_fixture *f)
{
    f->m = af_module(tt_sequential_new(NULL, 0), "tt_sequential_new");
    f->a = af_tensor(2, (size_t[]){5, 3});
}
static int call_sequential_add(af_fixture *f)
{
    tt_module *child = f->child;
    f->child = NULL;
    return tt_sequential_add(f->m, child) == TT_OK;
}
static void setup_sequential_add(af_fixture *f)
{
    setup_sequential_empty(f);
    f->child = af_module(tt_relu_new(), "tt_relu_new");
}
Test(alloc_fail, sequential_forward_and_add)
{
    sweep("Sequential(Linear, ReLU, Linear) forward", setup_sequential_forward, call_forward);
    sweep("Sequential() forward", setup_sequential_empty, call_forward);
    sweep("tt_sequential_add", setup_sequential_add, call_sequential_add);
}

/* The summary (support code) over a model of the students' layers: every
 * allocation failure is an error that frees all, and on success the Linear
 * layers' FLOPs (the flops hook in linear.c, with and without a bias) are
 * the handout's 2 * rows * in * out (+ rows * out for the bias). */
static void setup_summary(af_fixture *f)
{
    f->layers[0] = af_linear(f, 3, 4);
    f->layers[1] = af_module(tt_relu_new(), "tt_relu_new");
    f->layers[2] = af_module(tt_linear_new(4, 2, false, &f->rng), "tt_linear_new");
    f->m = af_module(tt_sequential_new(f->layers, 3), "tt_sequential_new");
    f->layers[0] = f->layers[1] = f->layers[2] = NULL;
}
static int call_summary(af_fixture *f)
{
    f->s = tt_module_summary(f->m, 2, (size_t[]){5, 3});
    if (f->s == NULL)
        return 0;
    cr_assert_eq(f->s->n_rows, 3, "summary of Sequential(Linear, ReLU, Linear): %zu rows, expected 3", f->s->n_rows);
    cr_assert_eq(f->s->rows[0].flops, 2u * 5 * 3 * 4 + 5 * 4, "Linear(3, 4) on (5, 3): %llu FLOPs, expected %u",
                 (unsigned long long)f->s->rows[0].flops, 2u * 5 * 3 * 4 + 5 * 4);
    cr_assert_eq(f->s->rows[2].flops, 2u * 5 * 4 * 2, "Linear(4, 2, no bias) on (5, 4): %llu FLOPs, expected %u",
                 (unsigned long long)f->s->rows[2].flops, 2u * 5 * 4 * 2);
    return 1;
}
Test(alloc_fail, summary)
{
    sweep("tt_module_summary(Sequential(Linear, ReLU, Linear), (5, 3))", setup_summary, call_summary);
}

/* Lab 5 ------------------------------------------------------------------ */

static int call_flatten_new(af_fixture *f)
{
    return (f->made = tt_flatten_new(1)) != NULL;
}
static void setup_flatten(af_fixture *f)
{
    f->a = af_tensor(3, (size_t[]){2, 3, 4});
}
static int call_flatten(af_fixture *f)
{
    return (f->y = tt_flatten(f->a, 1)) != NULL;
}
static void setup_flatten_layer(af_fixture *f)
{
    setup_flatten(f);
    f->m = af_module(tt_flatten_new(-2), "tt_flatten_new");
}
Test(alloc_fail, flatten)
{
    sweep("tt_flatten_new(1)", setup_nothing, call_flatten_new);
    sweep("tt_flatten((2, 3, 4), 1)", setup_flatten, call_flatten);
    sweep("Flatten(-2) forward", setup_flatten_layer, call_forward);
}
