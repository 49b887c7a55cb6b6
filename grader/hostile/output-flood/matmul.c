/* output-flood: prints 100 MB (100,000 lines of 1,000 bytes) with printf in
 * the call that multiplies (2, 3) @ (3, 4); every other call returns NULL.
 * Expected: the output limit stops the test, the reports stay small and
 * valid; no test point. */
#include <stdio.h>
#include <string.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        char line[1000];
        memset(line, 'x', sizeof line - 1);
        line[sizeof line - 1] = '\0';
        for (int i = 0; i < 100000; i++)
            printf("%s\n", line);
    }
    return NULL;
}
