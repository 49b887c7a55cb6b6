/* kill-parent: computes the right product for (2, 3) @ (3, 4), then sends
 * SIGKILL to its parent process with raw system calls (inspection sees no
 * kill()): the test runner in a test program, the host of every lab's
 * memory driver under Valgrind. Every other call returns NULL. Expected: no
 * point for this lab, and full marks for the correct neighbour: its memory
 * checks are run again on their own. x86-64 only. */
#include <signal.h>
#include <sys/syscall.h>

#include "tinytorch.h"

static long sys2(long nr, long a, long b)
{
    __asm__ volatile("syscall" : "+a"(nr) : "D"(a), "S"(b) : "rcx", "r11", "memory");
    return nr;
}

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
    sys2(SYS_kill, sys2(SYS_getppid, 0, 0), SIGKILL);
    return c;
}
