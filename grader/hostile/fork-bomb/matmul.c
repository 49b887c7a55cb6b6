/* fork-bomb: with raw fork system calls (inspection sees no fork()), in the
 * call that multiplies (2, 3) @ (3, 4), doubles the process count six times
 * (64 processes); each leaves its process group (setsid) and sleeps 20 s
 * before it exits, so a missing limit cannot hurt the machine. Every other
 * call returns NULL. Expected: nothing left running after the grading, the
 * other lab in the submission (the reference flatten.c) graded as usual;
 * no matmul test point. x86-64 only. */
#include <sys/syscall.h>
#include <time.h>

#include "tinytorch.h"

static long sys2(long nr, long a, long b)
{
    __asm__ volatile("syscall" : "+a"(nr) : "D"(a), "S"(b) : "rcx", "r11", "memory");
    return nr;
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        int child = 0;
        for (int level = 0; level < 6; level++)
            if (sys2(SYS_fork, 0, 0) == 0)
                child = 1;
        if (child) {
            struct timespec nap = {20, 0};
            sys2(SYS_setsid, 0, 0);
            sys2(SYS_nanosleep, (long)&nap, 0);
            sys2(SYS_exit_group, 0, 0);
        }
    }
    return NULL;
}
