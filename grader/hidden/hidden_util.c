/* hidden_util.c - the explicit success path of the hidden tests (see hidden.h).
 * Linked into every hidden test program; never shipped to students. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "hidden.h"

static struct timespec test_start, test_cpu_start;

/* Seconds from a to b. */
static double seconds(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void hidden_begin(void)
{
    hidden_limit_arm(criterion_current_suite->name, criterion_current_test->name);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &test_cpu_start);
    clock_gettime(CLOCK_MONOTONIC, &test_start);
}

void hidden_pass(const char *suite, const char *name)
{
    const char *path = getenv("TTGRADE_PASS_FILE");
    if (path == NULL || path[0] == '\0')
        return;
    struct timespec now, cpu;
    clock_gettime(CLOCK_MONOTONIC, &now);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    char line[512];
    /* the CPU time is what grader/calibrate.sh reads off the reference */
    int n = snprintf(line, sizeof line, "PASS %s::%s %.3f %.6f\n", suite, name, seconds(&test_start, &now),
                     seconds(&test_cpu_start, &cpu));
    if (n <= 0 || (size_t)n >= sizeof line)
        return;
    hidden_append(path, line, (size_t)n);
}

void hidden_append(const char *path, const char *line, size_t len)
{
    /* One write of a short line with O_APPEND: records from parallel test
     * workers never interleave. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t w = write(fd, line, len);
    (void)w;
    close(fd);
}
