/* hidden_limit.c - each hidden test's CPU-time limit, enforced inside the
 * test's own process: Criterion runs every test in a process of its own (a
 * BoxFort worker), so the process's CPU time is the test's. ttgrade passes a
 * lab's limits in $TTGRADE_CPU_LIMITS, words "name=seconds" separated by
 * spaces; hidden_begin (the .init of every hidden test) arms a profiling
 * timer (ITIMER_PROF: the process's user and system CPU time, which the
 * machine's load does not change) with the limit of the test that starts.
 *
 * When the timer fires, the test has used up its limit: the record
 * "CPU <suite>::<name> <seconds>" is appended to $TTGRADE_PASS_FILE (so that
 * ttgrade can say why the test failed) and the process kills itself;
 * Criterion reports the test as crashed and goes on with the next one. Code
 * that disarms the timer gains nothing: the test still fails, stopped by
 * ttgrade's wall-clock limit (Criterion's --timeout) or RLIMIT_CPU instead.
 * Hand-written: a CPU limit below a second, per test, has no library. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <criterion/hooks.h>

#include "hidden.h"

static char record[512];   /* the CPU record, written by the handler */
static size_t record_len;
static const char *record_path;

static void on_limit(int sig)
{
    (void)sig;
    /* only async-signal-safe calls */
    if (record_path != NULL)
        hidden_append(record_path, record, record_len);
    raise(SIGKILL);
}

/* The limit of test `name` in the words of `limits`, or 0 if none. */
static double limit_of(const char *limits, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = limits; *p;) {
        p += strspn(p, " ");
        size_t wl = strcspn(p, " ");
        if (wl > nl + 1 && memcmp(p, name, nl) == 0 && p[nl] == '=') {
            char num[32];
            size_t len = wl - nl - 1;
            if (len >= sizeof num)
                return 0;
            memcpy(num, p + nl + 1, len);
            num[len] = '\0';
            char *end;
            double v = strtod(num, &end);
            return end != num && *end == '\0' && v > 0 && v < 1e6 ? v : 0;
        }
        p += wl;
    }
    return 0;
}

void hidden_limit_arm(const char *suite, const char *name)
{
    const char *limits = getenv("TTGRADE_CPU_LIMITS");
    double secs = limits != NULL ? limit_of(limits, name) : 0;
    if (!(secs > 0))
        return;
    int n = snprintf(record, sizeof record, "CPU %s::%s %g\n", suite, name, secs);
    if (n <= 0 || (size_t)n >= sizeof record)
        return;
    record_len = (size_t)n;
    record_path = getenv("TTGRADE_PASS_FILE");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_limit;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, NULL);
    sigset_t prof;
    sigemptyset(&prof);
    sigaddset(&prof, SIGPROF);
    sigprocmask(SIG_UNBLOCK, &prof, NULL);
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)secs;
    it.it_value.tv_usec = (suseconds_t)((secs - (double)it.it_value.tv_sec) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    setitimer(ITIMER_PROF, &it, NULL);
}

/* The signal that killed a crashed test: here, in an object every hidden
 * test program links, as an archive member nothing else would pull in. */
#include "../crash_record.c"
