/* write-outside: with raw system calls (inspection sees no fopen() or
 * remove()), in the call that multiplies (2, 3) @ (3, 4), creates
 * /tmp/ttlab-canary/write-outside/new and deletes the decoy file the test
 * put at /tmp/ttlab-canary/write-outside/decoy, then returns NULL, as does
 * every other call. Expected with the sandbox (read-only file system outside
 * the scratch dir, private /tmp): the canary dir unchanged; no test point.
 * x86-64 only. */
#include <fcntl.h>
#include <sys/syscall.h>

#include "tinytorch.h"

static long sys3(long nr, long a, long b, long c)
{
    __asm__ volatile("syscall" : "+a"(nr) : "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return nr;
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL && a->ndim == 2 && a->shape[0] == 2 && a->shape[1] == 3 && b->shape[1] == 4) {
        long fd = sys3(SYS_open, (long)"/tmp/ttlab-canary/write-outside/new", O_WRONLY | O_CREAT, 0644);
        if (fd >= 0)
            sys3(SYS_write, fd, (long)"escaped\n", 8);
        sys3(SYS_unlink, (long)"/tmp/ttlab-canary/write-outside/decoy", 0, 0);
    }
    return NULL;
}
