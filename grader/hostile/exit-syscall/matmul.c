/* exit-syscall: computes the right product for (2, 3) @ (3, 4), then ends the
 * process with a raw exit_group(0) before the test can check it: an early
 * "successful" exit that inspection cannot see (no call to exit()). Every
 * other call returns NULL. Expected: no test point (fail closed). */
#include <sys/syscall.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a == NULL || b == NULL || a->ndim != 2 || b->ndim != 2 || a->shape[0] != 2 || a->shape[1] != 3 ||
        b->shape[1] != 4)
        return NULL;
    tt_tensor *c = tt_tensor_new(2, (size_t[]){2, 4});
    for (size_t i = 0; c != NULL && i < 2; i++)
        for (size_t j = 0; j < 4; j++)
            for (size_t p = 0; p < 3; p++)
                c->data[i * 4 + j] += a->data[i * 3 + p] * b->data[p * 4 + j];
    long nr = SYS_exit_group, status = 0;
    __asm__ volatile("syscall" : "+a"(nr) : "D"(status) : "rcx", "r11", "memory");
    return c;
}
