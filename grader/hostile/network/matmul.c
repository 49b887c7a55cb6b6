/* network: with raw system calls (inspection sees no socket()), in the call
 * that multiplies (2, 3) @ (3, 4), connects to 127.0.0.1:47613, where the
 * test listens, and sends a line, then returns NULL, as does every other
 * call. Expected with the sandbox (no network): no connection arrives; no
 * test point. x86-64 only. */
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
        /* struct sockaddr_in: AF_INET, port 47613 (0xb9fd) big-endian, 127.0.0.1. */
        static const unsigned char addr[16] = {2, 0, 0xb9, 0xfd, 127, 0, 0, 1};
        long fd = sys3(SYS_socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
        if (fd >= 0 && sys3(SYS_connect, fd, (long)addr, sizeof addr) == 0)
            sys3(SYS_write, fd, (long)"ttlab hostile connection\n", 25);
        if (fd >= 0)
            sys3(SYS_close, fd, 0, 0);
    }
    return NULL;
}
