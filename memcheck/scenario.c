/* scenario.c - the runner every memory driver shares (see scenario.h): the
 * markers around each scenario, its own leak check, and the "not run"
 * bookkeeping. Valgrind's client requests come from <valgrind/memcheck.h>;
 * without that header the drivers still build and run, but say nothing to
 * Valgrind, and ttgrade skips the memory checks (configure warns). */
#define _POSIX_C_SOURCE 200809L /* unsetenv */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_VALGRIND_MEMCHECK_H
#include <valgrind/memcheck.h>
#else
#define RUNNING_ON_VALGRIND 0
#define VALGRIND_DO_ADDED_LEAK_CHECK ((void)0)
static int VALGRIND_PRINTF(const char *format, ...)
{
    (void)format;
    return 0;
}
#endif

#include "scenario.h"

/* The longest reason a scenario gives for not running, NUL included. */
#define MEM_REASON_MAX 400
/* The longest marker token ttgrade hands over in $TTMEM_TOKEN. */
#define MEM_TOKEN_MAX 64

struct mem_ctx {
    char reason[MEM_REASON_MAX]; /* "" while the scenario still counts */
};

int mem_not_run(mem_ctx *c, const char *fmt, ...)
{
    if (c->reason[0] != '\0')
        return 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    /* A function left as its stub is the real cause, whatever the symptom
     * the scenario saw ("tt_sequential_len is 0 ..."): name it. */
    const char *e = tt_last_error();
    if (tt_last_status() == TT_ENOTIMPL && e != NULL && strstr(c->reason, e) == NULL) {
        size_t used = strlen(c->reason);
        snprintf(c->reason + used, sizeof c->reason - used, "; the cause: %s", e);
    }
    /* The reason may quote a student's error message: keep it one line of
     * printable ASCII, so that it travels safely through the XML report. */
    for (char *p = c->reason; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    if (c->reason[0] == '\0')
        strcpy(c->reason, "?");
    return 0;
}

int mem_got(mem_ctx *c, const void *p, const char *call)
{
    if (p != NULL)
        return 1;
    return mem_not_run(c, "%s returned NULL (%s: %s)", call, tt_status_name(tt_last_status()), tt_last_error());
}

int mem_ok(mem_ctx *c, tt_status st, const char *call)
{
    if (st == TT_OK)
        return 1;
    return mem_not_run(c, "%s failed (%s: %s)", call, tt_status_name(st), tt_last_error());
}

int mem_refused(mem_ctx *c, int failed, const char *call)
{
    tt_status st = tt_last_status();
    if (!failed)
        return mem_not_run(c, "%s succeeded, but it must fail here", call);
    if (st == TT_ENOTIMPL)
        return mem_not_run(c, "%s is not implemented yet (%s)", call, tt_last_error());
    if (st == TT_OK)
        return mem_not_run(c, "%s failed without recording an error (tt_set_error)", call);
    return 1;
}

tt_tensor *mem_tensor(mem_ctx *c, size_t ndim, const size_t *shape)
{
    tt_tensor *t = tt_tensor_new(ndim, shape);
    if (!mem_got(c, t, "tt_tensor_new"))
        return NULL;
    for (size_t i = 0; i < t->size; i++)
        t->data[i] = (float)((int)(i % 7) - 3) * 0.25f;
    return t;
}

/* Overwrites the stack below the caller and clobbers the scratch registers,
 * so that no stale pointer left by a scenario keeps a leaked block
 * "reachable" in the leak check that follows. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void scrub_stack(void)
{
    volatile unsigned char pad[16384];
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = 0;
}

/* The token ttgrade put in $TTMEM_TOKEN (hex digits), taken out of the
 * environment before any student code runs; "-" when run by hand. */
static void take_token(char *token, size_t len)
{
    const char *t = getenv("TTMEM_TOKEN");
    size_t n = t ? strlen(t) : 0;
    int ok = n > 0 && n < len;
    for (size_t i = 0; ok && i < n; i++)
        ok = (t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f');
    if (ok)
        memcpy(token, t, n + 1);
    else
        snprintf(token, len, "-");
    unsetenv("TTMEM_TOKEN");
}

int mem_main(int argc, char **argv, const char *lab, const mem_scenario *scenarios, size_t n)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\n", scenarios[i].name, scenarios[i].what);
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: %s [--list]\n", argv[0]);
        return 2;
    }
    char token[MEM_TOKEN_MAX];
    take_token(token, sizeof token);
    /* A static buffer: stdout allocates none that a leak check would report. */
    static char outbuf[4096];
    setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
    int under_valgrind = RUNNING_ON_VALGRIND;
    if (!under_valgrind)
        printf("%s: not running under Valgrind: only the calls are checked, not the memory "
               "(run `make memcheck`)\n", lab);
    /* What the C library holds before the first scenario is nobody's: check
     * it now, outside every scenario, so that no scenario is shown it. That
     * includes the thread-local error state's block, which the C library
     * allocates at its first use when the driver is a loaded shared object
     * (memcheck/ttmemhost.c): use it first. */
    tt_clear_error();
    VALGRIND_DO_ADDED_LEAK_CHECK;
    size_t not_run = 0;
    for (size_t i = 0; i < n; i++) {
        const mem_scenario *s = &scenarios[i];
        mem_ctx ctx;
        ctx.reason[0] = '\0';
        printf("%s: %s ...\n", lab, s->name);
        fflush(stdout);
        VALGRIND_PRINTF("ttmem %s begin %s\n", token, s->name);
        tt_clear_error();
        s->run(&ctx);
        scrub_stack();
        VALGRIND_DO_ADDED_LEAK_CHECK;
        if (ctx.reason[0] == '\0') {
            VALGRIND_PRINTF("ttmem %s end %s ran\n", token, s->name);
            printf("%s: %s: ran\n", lab, s->name);
        } else {
            VALGRIND_PRINTF("ttmem %s end %s not-run %s\n", token, s->name, ctx.reason);
            printf("%s: %s: not run: %s\n", lab, s->name, ctx.reason);
            not_run++;
        }
        fflush(stdout);
    }
    VALGRIND_PRINTF("ttmem %s done\n", token);
    return not_run == 0 ? 0 : 1;
}
