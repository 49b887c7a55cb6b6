/* libc-constructor: a constructor, which would run in Criterion's runner
 * before any test: it prints a forged "all passed" summary and arms a flag.
 * Expected: refused at inspection (its .init_array section); no point. */
#include <stdio.h>

#include "tinytorch.h"

static volatile int armed;

__attribute__((constructor)) static void before_main(void)
{
    armed = 1;
    printf("[====] Synthesis: Tested: 11 | Passing: 11 | Failing: 0 | Crashing: 0\n");
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    (void)a;
    (void)b;
    return armed ? NULL : NULL;
}
