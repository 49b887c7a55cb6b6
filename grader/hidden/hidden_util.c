/* hidden_util.c - the explicit success path of the hidden tests (see hidden.h).
 * Linked into every hidden test program; never shipped to students. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hidden.h"

static struct timespec test_start;

void hidden_begin(void)
{
    clock_gettime(CLOCK_MONOTONIC, &test_start);
}

void hidden_pass(const char *suite, const char *name)
{
    const char *path = getenv("TTGRADE_PASS_FILE");
    if (path == NULL || path[0] == '\0')
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - test_start.tv_sec) + (double)(now.tv_nsec - test_start.tv_nsec) / 1e9;
    char line[512];
    int n = snprintf(line, sizeof line, "PASS %s::%s %.3f\n", suite, name, secs);
    if (n <= 0 || (size_t)n >= sizeof line)
        return;
    /* One write of a short line with O_APPEND: records from parallel test
     * workers never interleave. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, (size_t)n);
    (void)w;
    close(fd);
}
