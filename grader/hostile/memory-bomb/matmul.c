/* memory-bomb: in the call that multiplies (2, 3) @ (3, 4), allocates and
 * touches 64 MiB blocks until malloc fails or 2 GiB are taken (a bound, so a
 * missing limit cannot hurt the machine), keeps them, and returns NULL, as
 * does every other call. Expected: the grading ends in time, the other lab
 * in the submission (the reference flatten.c) graded as usual; no matmul
 * test point. */
#include <stdlib.h>
#include <string.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        static void *hoard[32];
        for (size_t i = 0; i < sizeof hoard / sizeof hoard[0]; i++) {
            hoard[i] = malloc((size_t)64 << 20);
            if (hoard[i] == NULL)
                break;
            memset(hoard[i], (int)i + 1, (size_t)64 << 20);
        }
    }
    return NULL;
}
