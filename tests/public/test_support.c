/* test_support.c - tests of the given support library: tensors, errors, rng.
 * These pass from the start: if one fails, the kit itself is broken (or has
 * been edited), not your lab code. ReLU is tested in test_module.c, because
 * it runs through lab 2's tt_module_forward. */
#include "ptest.h"

#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* Tensors                                                                   */
/* ------------------------------------------------------------------------ */

Test(support, tensor_new_is_zero_filled)
{
    tt_tensor *t = tt_tensor_new(2, (const size_t[]){2, 3});
    PT_NONNULL(t, "tt_tensor_new((2, 3))");
    cr_assert(t->ndim == 2 && t->shape[0] == 2 && t->shape[1] == 3, "tt_tensor_new((2, 3)) has shape %s",
              pt_shp(t));
    cr_assert(t->size == 6, "tt_tensor_new((2, 3)): size %zu, expected 6", t->size);
    for (size_t d = 2; d < TT_MAX_DIMS; d++)
        cr_assert(t->shape[d] == 0, "tt_tensor_new((2, 3)): unused shape[%zu] is %zu, expected 0", d, t->shape[d]);
    static const float zeros[6] = {0};
    PT_VALUES(t, "tt_tensor_new((2, 3))", zeros, 2, 3);
    tt_tensor_free(t);
}

Test(support, tensor_new_scalar)
{
    tt_tensor *t = tt_tensor_new(0, NULL);
    PT_NONNULL(t, "tt_tensor_new(0-D)");
    cr_assert(t->ndim == 0 && t->size == 1, "a 0-D tensor has ndim 0 and size 1, got ndim %zu size %zu",
              t->ndim, t->size);
    cr_assert(t->data != NULL && t->data[0] == 0.0f, "a 0-D tensor holds one zero");
    tt_tensor_free(t);
}

Test(support, tensor_new_rejects_bad_shapes)
{
    tt_clear_error();
    cr_assert(tt_tensor_new(2, (const size_t[]){2, 0}) == NULL, "tt_tensor_new((2, 0)) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_tensor_new((2, 0))");
    tt_clear_error();
    size_t big[TT_MAX_DIMS + 1];
    for (size_t i = 0; i < TT_MAX_DIMS + 1; i++)
        big[i] = 1;
    cr_assert(tt_tensor_new(TT_MAX_DIMS + 1, big) == NULL, "tt_tensor_new with TT_MAX_DIMS + 1 dims should be NULL");
    PT_STATUS(TT_EINVAL, "tt_tensor_new with TT_MAX_DIMS + 1 dims");
    tt_clear_error();
    cr_assert(tt_tensor_new(2, NULL) == NULL, "tt_tensor_new(2, NULL) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_tensor_new(2, NULL)");
    tt_clear_error();
    cr_assert(tt_tensor_new(2, (const size_t[]){SIZE_MAX / 2, 4}) == NULL,
              "tt_tensor_new with an overflowing size should be NULL");
    PT_STATUS(TT_EINVAL, "tt_tensor_new with an overflowing size");
}

Test(support, tensor_from_copies_values)
{
    float v[] = {1, 2, 3, 4, 5, 6};
    static const float want[] = {1, 2, 3, 4, 5, 6};
    tt_tensor *t = tt_tensor_from(2, (const size_t[]){3, 2}, v);
    PT_NONNULL(t, "tt_tensor_from((3, 2))");
    cr_assert(t->data != v, "tt_tensor_from must copy the values, not keep the caller's array");
    v[0] = 100;
    PT_VALUES(t, "tt_tensor_from((3, 2)) after the caller changed its array", want, 3, 2);
    tt_tensor_free(t);
    tt_clear_error();
    cr_assert(tt_tensor_from(1, (const size_t[]){2}, NULL) == NULL, "tt_tensor_from(values NULL) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_tensor_from(values NULL)");
}

Test(support, tensor_copy_is_deep)
{
    static const float v[] = {1, -2, 3.5f};
    tt_tensor *t = PT_TENSOR(v, 3);
    tt_tensor *c = tt_tensor_copy(t);
    PT_NONNULL(c, "tt_tensor_copy((3,))");
    cr_assert(c != t && c->data != t->data, "tt_tensor_copy must allocate a new tensor and buffer");
    t->data[0] = 42;
    PT_VALUES(c, "tt_tensor_copy((3,)) after changing the original", v, 3);
    tt_tensor_free(t);
    tt_tensor_free(c);
    tt_clear_error();
    cr_assert(tt_tensor_copy(NULL) == NULL, "tt_tensor_copy(NULL) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_tensor_copy(NULL)");
}

Test(support, tensor_free_null_is_a_no_op)
{
    tt_tensor_free(NULL);
    tt_tensor *t = tt_tensor_new(1, (const size_t[]){4});
    PT_NONNULL(t, "tt_tensor_new((4,))");
    tt_tensor_free(t);
}

Test(support, shape_str_formats)
{
    char buf[TT_SHAPE_STR_MAX];
    tt_tensor *t23 = PT_ARANGE(2, 3);
    tt_tensor *t5 = PT_ARANGE(5);
    tt_tensor *t0 = tt_tensor_new(0, NULL);
    PT_NONNULL(t0, "tt_tensor_new(0-D)");
    tt_tensor *t4d = PT_ARANGE(2, 3, 4, 5);
    PT_STR(tt_shape_str(t23, buf, sizeof buf), "(2, 3)", "tt_shape_str((2, 3))");
    PT_STR(tt_shape_str(t5, buf, sizeof buf), "(5,)", "tt_shape_str((5,))");
    PT_STR(tt_shape_str(t0, buf, sizeof buf), "()", "tt_shape_str(0-D)");
    PT_STR(tt_shape_str(t4d, buf, sizeof buf), "(2, 3, 4, 5)", "tt_shape_str((2, 3, 4, 5))");
    PT_STR(tt_shape_str(NULL, buf, sizeof buf), "NULL", "tt_shape_str(NULL)");
    cr_assert(tt_shape_str(t23, buf, sizeof buf) == buf, "tt_shape_str should return buf");
    PT_STR(tt_shape_format(3, (const size_t[]){7, 1, 9}, buf, sizeof buf), "(7, 1, 9)",
           "tt_shape_format(3, {7, 1, 9})");
    tt_tensor_free(t4d);
    tt_tensor_free(t0);
    tt_tensor_free(t5);
    tt_tensor_free(t23);
}

Test(support, shape_str_cuts_to_fit)
{
    char buf[5];
    memset(buf, 'X', sizeof buf);
    tt_tensor *t = PT_ARANGE(2, 3, 4, 5);
    tt_shape_str(t, buf, sizeof buf);
    cr_assert(memchr(buf, '\0', sizeof buf) != NULL, "tt_shape_str into a 5-byte buffer must NUL-terminate");
    PT_STR(buf, "(2, ", "tt_shape_str((2, 3, 4, 5)) into a 5-byte buffer");
    tt_tensor_free(t);
}

Test(support, shape_equal)
{
    tt_tensor *a = PT_ARANGE(2, 3);
    tt_tensor *b = PT_ARANGE(2, 3);
    tt_tensor *c = PT_ARANGE(3, 2);
    tt_tensor *d = PT_ARANGE(6);
    cr_assert(tt_shape_equal(a, b), "tt_shape_equal((2, 3), (2, 3)) should be 1");
    cr_assert(!tt_shape_equal(a, c), "tt_shape_equal((2, 3), (3, 2)) should be 0");
    cr_assert(!tt_shape_equal(a, d), "tt_shape_equal((2, 3), (6,)) should be 0");
    cr_assert(!tt_shape_equal(a, NULL), "tt_shape_equal((2, 3), NULL) should be 0");
    tt_tensor_free(d);
    tt_tensor_free(c);
    tt_tensor_free(b);
    tt_tensor_free(a);
}

Test(support, tensor_print_writes_something)
{
    FILE *f = tmpfile();
    cr_assert(f != NULL, "test setup: tmpfile() failed");
    tt_tensor *t = PT_ARANGE(2, 3);
    tt_tensor_print(f, t);
    tt_tensor_print(f, NULL);
    cr_assert(ftell(f) > 0, "tt_tensor_print wrote nothing");
    rewind(f);
    char line[128] = "";
    cr_assert(fgets(line, sizeof line, f) != NULL, "tt_tensor_print output unreadable");
    cr_assert(strstr(line, "(2, 3)") != NULL, "tt_tensor_print's first line should show the shape, got \"%s\"",
              line);
    fclose(f);
    tt_tensor_free(t);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

Test(support, set_error_records_status_and_message)
{
    tt_clear_error();
    PT_STATUS(TT_OK, "tt_clear_error()");
    PT_STR(tt_last_error(), "", "tt_last_error() after tt_clear_error()");
    tt_status st = tt_set_error(TT_ESHAPE, "bad %s %d", "shape", 42);
    cr_assert(st == TT_ESHAPE, "tt_set_error should return its status, got %s", tt_status_name(st));
    PT_STATUS(TT_ESHAPE, "after tt_set_error(TT_ESHAPE, ...)");
    PT_STR(tt_last_error(), "bad shape 42", "tt_last_error() after tt_set_error");
    /* A later success does not reset it (like errno). */
    tt_tensor *t = PT_ARANGE(2);
    tt_tensor_free(t);
    PT_STATUS(TT_ESHAPE, "after a successful call");
    tt_clear_error();
    PT_STATUS(TT_OK, "tt_clear_error()");
    PT_STR(tt_last_error(), "", "tt_last_error() after tt_clear_error()");
}

Test(support, long_error_message_is_cut)
{
    char longmsg[TT_ERROR_MAX * 2];
    memset(longmsg, 'a', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    tt_set_error(TT_EINVAL, "%s", longmsg);
    size_t n = strlen(tt_last_error());
    cr_assert(n == TT_ERROR_MAX - 1, "a long message should be cut to TT_ERROR_MAX - 1 = %d bytes, got %zu",
              TT_ERROR_MAX - 1, n);
    tt_clear_error();
}

Test(support, not_implemented_message)
{
    tt_clear_error();
    tt_status st = tt_not_implemented("tt_something");
    cr_assert(st == TT_ENOTIMPL, "tt_not_implemented should return TT_ENOTIMPL, got %s", tt_status_name(st));
    PT_STATUS(TT_ENOTIMPL, "after tt_not_implemented");
    PT_STR(tt_last_error(), "tt_something: not implemented yet", "tt_last_error() after tt_not_implemented");
    tt_clear_error();
}

Test(support, status_names)
{
    PT_STR(tt_status_name(TT_OK), "TT_OK", "tt_status_name(TT_OK)");
    PT_STR(tt_status_name(TT_ENOMEM), "TT_ENOMEM", "tt_status_name(TT_ENOMEM)");
    PT_STR(tt_status_name(TT_EINVAL), "TT_EINVAL", "tt_status_name(TT_EINVAL)");
    PT_STR(tt_status_name(TT_ESHAPE), "TT_ESHAPE", "tt_status_name(TT_ESHAPE)");
    PT_STR(tt_status_name(TT_ENOTIMPL), "TT_ENOTIMPL", "tt_status_name(TT_ENOTIMPL)");
}

/* ------------------------------------------------------------------------ */
/* Random numbers                                                            */
/* ------------------------------------------------------------------------ */

Test(support, rng_same_seed_same_sequence)
{
    tt_rng a, b;
    tt_rng_seed(&a, 12345);
    tt_rng_seed(&b, 12345);
    for (int i = 0; i < 100; i++) {
        uint64_t x = tt_rng_next(&a), y = tt_rng_next(&b);
        cr_assert(x == y, "two generators seeded 12345 differ at draw %d", i);
    }
    for (int i = 0; i < 100; i++) {
        float x = tt_rng_normal(&a), y = tt_rng_normal(&b);
        cr_assert(x == y, "two generators seeded 12345 give different normals at draw %d: %g vs %g", i,
                  (double)x, (double)y);
    }
    /* Re-seeding restarts the sequence (and forgets a spare normal). */
    tt_rng_seed(&a, 7);
    float first = tt_rng_normal(&a);
    tt_rng_seed(&a, 7);
    cr_assert(tt_rng_normal(&a) == first, "re-seeding with 7 should restart the normal sequence");
}

Test(support, rng_different_seeds_differ)
{
    tt_rng a, b;
    tt_rng_seed(&a, 1);
    tt_rng_seed(&b, 2);
    int same = 0;
    for (int i = 0; i < 16; i++)
        same += tt_rng_next(&a) == tt_rng_next(&b);
    cr_assert(same < 16, "seeds 1 and 2 gave the same 16 draws");
    tt_rng_seed(&a, 0); /* seed 0 is fine too */
    cr_assert(tt_rng_next(&a) != tt_rng_next(&a), "seed 0 gives a constant sequence");
}

Test(support, rng_known_first_value)
{
    /* SplitMix64 from seed 0: the same on every machine and compiler. */
    tt_rng r;
    tt_rng_seed(&r, 0);
    uint64_t x = tt_rng_next(&r);
    cr_assert(x == UINT64_C(0xE220A8397B1DCDAF), "tt_rng_next after seed 0: expected 0xE220A8397B1DCDAF, got 0x%016llX",
              (unsigned long long)x);
}

Test(support, rng_uniform_in_unit_interval)
{
    tt_rng r;
    tt_rng_seed(&r, 3);
    double sum = 0.0;
    for (int i = 0; i < 10000; i++) {
        double u = tt_rng_uniform(&r);
        cr_assert(u >= 0.0 && u < 1.0, "tt_rng_uniform gave %g, outside [0, 1)", u);
        sum += u;
    }
    double mean = sum / 10000.0;
    cr_assert(fabs(mean - 0.5) < 0.02, "the mean of 10000 uniforms is %g, expected about 0.5", mean);
}

Test(support, rng_normal_mean_and_std)
{
    tt_rng r;
    tt_rng_seed(&r, 4);
    double sum = 0.0, sq = 0.0;
    const int n = 10000;
    for (int i = 0; i < n; i++) {
        double x = tt_rng_normal(&r);
        cr_assert(isfinite(x), "tt_rng_normal gave %g", x);
        sum += x;
        sq += x * x;
    }
    double mean = sum / n, var = sq / n - mean * mean;
    double std = sqrt(var);
    cr_assert(fabs(mean) < 0.05, "the mean of 10000 N(0, 1) draws is %g, expected about 0", mean);
    cr_assert(std > 0.95 && std < 1.05, "the std of 10000 N(0, 1) draws is %g, expected about 1", std);
}

/* ------------------------------------------------------------------------ */
/* The model summary (tt_summary.h): its argument checks. The summaries of  */
/* real networks are in test_summary.c: they need your labs.                */
/* ------------------------------------------------------------------------ */

Test(support, summary_of_null_is_einval)
{
    tt_clear_error();
    cr_assert(tt_module_summary(NULL, 2, (const size_t[]){1, 4}) == NULL, "tt_module_summary(NULL, ...) should be NULL");
    PT_STATUS(TT_EINVAL, "tt_module_summary(NULL, ...)");
    tt_clear_error();
    cr_assert(tt_module_print_summary(stdout, NULL, 2, (const size_t[]){1, 4}) == TT_EINVAL,
              "tt_module_print_summary(stdout, NULL, ...) should return TT_EINVAL");
    tt_summary_free(NULL);
    tt_summary_print(stdout, NULL);
}
