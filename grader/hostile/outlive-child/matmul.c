/* outlive-child: with raw system calls, in the call that multiplies
 * (2, 3) @ (3, 4), forks a child that leaves its process group (setsid),
 * sleeps 4 s, then appends forged PASS records to the records file it
 * inherited the name of (TTGRADE_PASS_FILE, found in /proc/self/environ) and
 * creates /tmp/ttlab-canary/outlive-child/late. The parent returns NULL, as
 * does every other call. Expected: the child is killed with the grading
 * (the late file never appears, nothing is left running); no test point.
 * x86-64 only. */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "tinytorch.h"

static long sys3(long nr, long a, long b, long c)
{
    __asm__ volatile("syscall" : "+a"(nr) : "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return nr;
}

static void append(const char *path, const char *text)
{
    long fd = sys3(SYS_open, (long)path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd >= 0) {
        sys3(SYS_write, fd, (long)text, (long)strlen(text));
        sys3(SYS_close, fd, 0, 0);
    }
}

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a == NULL || b == NULL || a->ndim != 2 || a->shape[0] != 2 || a->shape[1] != 3 || b->shape[1] != 4)
        return NULL;
    if (sys3(SYS_fork, 0, 0, 0) != 0)
        return NULL;
    static char env[65536];
    struct timespec nap = {4, 0};
    sys3(SYS_setsid, 0, 0, 0);
    sys3(SYS_nanosleep, (long)&nap, 0, 0);
    long fd = sys3(SYS_open, (long)"/proc/self/environ", O_RDONLY, 0);
    long got = fd >= 0 ? sys3(SYS_read, fd, (long)env, (long)sizeof env - 1) : 0;
    for (long i = 0; i < got; i += (long)strlen(env + i) + 1)
        if (strncmp(env + i, "TTGRADE_PASS_FILE=", 18) == 0)
            append(env + i + 18, "PASS matmul::known_values_2x3_3x4 0.001\n");
    append("/tmp/ttlab-canary/outlive-child/late", "written after the test\n");
    sys3(SYS_exit_group, 0, 0, 0);
    return NULL;
}
