/* infinite-loop: spins forever in the call that multiplies (2, 3) @ (3, 4);
 * every other call returns NULL. Expected: stopped at the test's time limit
 * (the test program, then that test's own rerun, and the memory driver);
 * no test point. */
#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        volatile unsigned long spin = 0;
        while (spin != (unsigned long)-1)
            spin = (spin + 1) % 1000;
    }
    return NULL;
}
