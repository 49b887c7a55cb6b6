/* signal-proof-loop: with raw system calls (inspection sees no signal()),
 * blocks every signal it can, ignores SIGINT, SIGTERM, SIGHUP, SIGALRM,
 * SIGXCPU and SIGVTALRM, leaves its process group (setsid), then spins
 * forever, in the call that multiplies (2, 3) @ (3, 4); every other call
 * returns NULL. Only SIGKILL stops it. Expected: stopped at the time limit,
 * nothing left running; no test point. x86-64 only. */
#define _POSIX_C_SOURCE 200809L /* SIG_BLOCK */
#include <signal.h>
#include <sys/syscall.h>

#include "tinytorch.h"

static long sys4(long nr, long a, long b, long c, long d)
{
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "+a"(nr) : "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return nr;
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        /* The kernel's struct sigaction: handler, flags, restorer, mask. */
        unsigned long ignore[4] = {(unsigned long)SIG_IGN, 0, 0, 0};
        static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGXCPU, SIGVTALRM, SIGPROF, SIGUSR1};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sys4(SYS_rt_sigaction, sigs[i], (long)ignore, 0, 8);
        unsigned long all = ~0UL;
        sys4(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, 0, 8);
        sys4(SYS_setsid, 0, 0, 0, 0);
        volatile unsigned long spin = 0;
        while (spin != (unsigned long)-1)
            spin = (spin + 1) % 1000;
    }
    return NULL;
}
