/* segfault: writes through a null pointer in the call that multiplies
 * (2, 3) @ (3, 4); every other call returns NULL. Expected: SIGSEGV costs the
 * test; no test point. */
#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        volatile float *wild = NULL;
        wild[a->shape[0]] = 1.0f;
    }
    return NULL;
}
