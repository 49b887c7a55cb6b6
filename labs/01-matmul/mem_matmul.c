/* mem_matmul.c - the memory driver of lab 1: tt_matmul gives the caller a new
 * tensor on success and nothing at all on failure. `make memcheck` runs it
 * under Valgrind against your matmul.c (scenario.h explains how it is scored). */
#include "scenario.h"

/* A product the caller frees: a (m, k) @ b (k, n). */
static int product(mem_ctx *c, size_t m, size_t k, size_t n)
{
    tt_tensor *a = mem_tensor(c, 2, (size_t[]){m, k});
    tt_tensor *b = mem_tensor(c, 2, (size_t[]){k, n});
    tt_tensor *y = NULL;
    int ok = a != NULL && b != NULL;
    if (ok) {
        tt_clear_error();
        y = tt_matmul(a, b);
        ok = mem_got(c, y, "tt_matmul");
    }
    if (ok && (y->ndim != 2 || y->shape[0] != m || y->shape[1] != n || y->data == NULL))
        ok = mem_not_run(c, "tt_matmul returned a tensor that is not (%zu, %zu)", m, n);
    tt_tensor_free(y);
    tt_tensor_free(a);
    tt_tensor_free(b);
    return ok;
}

/* One call that must fail: it returns NULL and leaves nothing behind. */
static int refused(mem_ctx *c, const tt_tensor *a, const tt_tensor *b)
{
    tt_clear_error();
    tt_tensor *y = tt_matmul(a, b);
    int ok = mem_refused(c, y == NULL, "tt_matmul");
    tt_tensor_free(y); /* a wrong success must not leak here */
    return ok;
}

static void product_freed(mem_ctx *c)
{
    if (product(c, 2, 3, 4) && product(c, 1, 1, 1) && product(c, 5, 1, 5))
        product(c, 1, 6, 1);
}

static void inner_mismatch(mem_ctx *c)
{
    if (!product(c, 3, 2, 3))
        return;
    tt_tensor *a = mem_tensor(c, 2, (size_t[]){2, 3});
    tt_tensor *b = mem_tensor(c, 2, (size_t[]){4, 2});
    if (a != NULL && b != NULL && refused(c, a, b))
        refused(c, a, a);
    tt_tensor_free(a);
    tt_tensor_free(b);
}

static void not_2d(mem_ctx *c)
{
    if (!product(c, 2, 2, 2))
        return;
    tt_tensor *v = mem_tensor(c, 1, (size_t[]){3});
    tt_tensor *m = mem_tensor(c, 2, (size_t[]){3, 3});
    tt_tensor *t = mem_tensor(c, 3, (size_t[]){3, 3, 3});
    tt_tensor *s = mem_tensor(c, 0, NULL);
    if (v != NULL && m != NULL && t != NULL && s != NULL && refused(c, v, m) && refused(c, m, v) &&
        refused(c, t, m))
        refused(c, m, s);
    tt_tensor_free(v);
    tt_tensor_free(m);
    tt_tensor_free(t);
    tt_tensor_free(s);
}

static void null_operand(mem_ctx *c)
{
    if (!product(c, 2, 3, 2))
        return;
    tt_tensor *a = mem_tensor(c, 2, (size_t[]){2, 2});
    if (a != NULL && refused(c, NULL, a) && refused(c, a, NULL))
        refused(c, NULL, NULL);
    tt_tensor_free(a);
}

static const mem_scenario scenarios[] = {
    MEM_SCENARIO(product_freed, 4, "products returned to the caller, freed",
                 "(2, 3) @ (3, 4) and other products, each result freed by the caller"),
    MEM_SCENARIO(inner_mismatch, 2, "k mismatch: NULL, nothing leaked",
                 "(2, 3) @ (4, 2) returns NULL and allocates nothing that stays"),
    MEM_SCENARIO(not_2d, 2, "0-D, 1-D, 3-D operands: NULL, nothing leaked",
                 "1-D, 3-D and 0-D operands return NULL without leaking"),
    MEM_SCENARIO(null_operand, 2, "NULL operands: NULL, nothing leaked", "NULL operands return NULL without leaking"),
};

int main(int argc, char **argv)
{
    return mem_main(argc, argv, "matmul", scenarios, sizeof scenarios / sizeof scenarios[0]);
}
