/* libc-_exit: _exit(0) in the middle of a test, which skips even atexit
 * handlers. Expected: refused at inspection ("calls '_exit'"); no point. */
#include <unistd.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL)
        _exit(0);
    return NULL;
}
