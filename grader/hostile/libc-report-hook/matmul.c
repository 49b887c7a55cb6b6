/* libc-report-hook: a Criterion report hook that marks every test as passed
 * after it ran (ReportHook(POST_TEST)), while tt_matmul returns NULL.
 * Expected: refused at inspection (the hook's section); no point. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "tinytorch.h"

ReportHook(POST_TEST)(struct criterion_test_stats *stats)
{
    stats->test_status = CR_STATUS_PASSED;
    stats->passed_asserts += stats->failed_asserts;
    stats->failed_asserts = 0;
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    (void)a;
    (void)b;
    return NULL;
}
