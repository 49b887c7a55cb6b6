/* abort: calls abort() (allowed: assert() needs it) in the call that
 * multiplies (2, 3) @ (3, 4); every other call returns NULL. Expected: the
 * crash costs the test, the grader carries on; no test point. */
#include <stdlib.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4)
        abort();
    return NULL;
}
