/* libc-exit: the plain form of exit-syscall: exit(0) in the middle of a test.
 * Expected: refused at inspection ("calls 'exit'"); no test or memory point. */
#include <stdlib.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL)
        exit(0);
    return NULL;
}
