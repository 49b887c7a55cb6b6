/* kit_pass.c - the PASS records of the public tests under `make grade`
 * (see kit_pass.h), and the SIG record of a crashed one; linked into every
 * test program ttgrade builds. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "kit_pass.h"
/* the crash record, as the course's hidden tests have it, and record_append */
#include "../grader/crash_record.c"

double kit_pass_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void kit_pass(const char *suite, const char *name, double t0)
{
    char line[512];
    int n = snprintf(line, sizeof line, "PASS %s::%s %.3f\n", suite, name, kit_pass_now() - t0);
    if (n <= 0 || (size_t)n >= sizeof line)
        return;
    record_append(line, (size_t)n);
}
