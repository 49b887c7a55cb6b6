/* libc-system: runs a shell command with system() that would leave a file in
 * the canary dir. Expected: refused at inspection ("calls 'system'"); no point. */
#include <stdlib.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && system("touch /tmp/ttlab-canary/libc-system/new") == 0)
        return NULL;
    return NULL;
}
