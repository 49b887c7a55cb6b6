/* stack-overflow: unbounded, non-tail recursion with a 4 KiB frame in the
 * call that multiplies (2, 3) @ (3, 4); every other call returns NULL.
 * Expected: the overflow (SIGSEGV) costs the test; no test point. */
#include "tinytorch.h"

static float dive(volatile float *above, size_t depth)
{
    volatile float frame[1024];
    frame[depth % 1024] = above[0] + 1.0f;
    return dive(frame, depth + 1) + frame[0];
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        volatile float seed = 0.0f;
        seed = dive(&seed, 0);
    }
    return NULL;
}
