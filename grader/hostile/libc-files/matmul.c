/* libc-files: the plain form of write-outside: creates a file outside the
 * scratch dir with fopen() and deletes the test's decoy with remove().
 * Expected: refused at inspection ("calls 'fopen'"); nothing runs; no point. */
#include <stdio.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL) {
        FILE *f = fopen("/tmp/ttlab-canary/libc-files/new", "w");
        if (f != NULL)
            fclose(f);
        remove("/tmp/ttlab-canary/libc-files/decoy");
    }
    return NULL;
}
