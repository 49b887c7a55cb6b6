/* crash.c - the cause of a crashed test, in the words of every tool (see
 * crash.h). */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "memcheck.h"
#include "proc.h"

/* "SIGSEGV" for a signal a test may die of, or NULL. A table, not
 * sigabbrev_np(): that is a GNU extension, and these few are all a crash
 * message needs. */
static const char *signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        {SIGSEGV, "SIGSEGV"}, {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"}, {SIGFPE, "SIGFPE"},
        {SIGILL, "SIGILL"},   {SIGKILL, "SIGKILL"}, {SIGTRAP, "SIGTRAP"}, {SIGSYS, "SIGSYS"},
        {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGPIPE, "SIGPIPE"}, {SIGTERM, "SIGTERM"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig)
            return names[i].name;
    return NULL;
}

char *tg_killed_by(int sig)
{
    const char *name = signal_name(sig);
    if (name != NULL)
        return tg_asprintf("killed by %s (%s)", name, strsignal(sig));
    return tg_asprintf("killed by signal %d (%s)", sig, strsignal(sig));
}

void tg_crash_valgrind_argv(struct tg_argv *argv, const char *valgrind, const char *xml_pattern,
                            const char *program, const char *suite, const char *test, double seconds)
{
    /* Criterion runs the test in a worker it execs: Valgrind follows it
     * (one report per process, hence %p); no leak check, only the crash */
    static const char *const flags[] = {
        "--tool=memcheck", "--leak-check=no", "--trace-children=yes", "--child-silent-after-fork=yes",
        "--num-callers=20", "--error-limit=no", "--vgdb=no", "--xml=yes",
    };
    tg_argv_add(argv, valgrind);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        tg_argv_add(argv, flags[i]);
    tg_argv_addf(argv, "--xml-file=%s", xml_pattern);
    tg_argv_add(argv, program);
    tg_argv_add(argv, "--jobs=1");
    tg_argv_addf(argv, "--timeout=%g", seconds);
    tg_argv_addf(argv, "--filter=%s/%s", suite, test);
}

int tg_crash_explain(const char *xml_pattern, const char *student_file, int sig, size_t max, char **out)
{
    *out = NULL;
    size_t pl = strlen(xml_pattern);
    if (pl < 6 || strcmp(xml_pattern + pl - 6, "%p.xml") != 0)
        return 0;
    char *pattern = tg_asprintf("%.*s*.xml", (int)(pl - 6), xml_pattern); /* "%p.xml" -> "*.xml" */
    if (pattern == NULL)
        return -1;
    glob_t g;
    memset(&g, 0, sizeof g);
    int gr = glob(pattern, 0, NULL, &g);
    free(pattern);
    if (gr == GLOB_NOSPACE)
        return -1;
    int rc = 0, mine = 0;
    char vgsig[32] = "", *cause = NULL, at[80];
    snprintf(at, sizeof at, "at %s:", student_file);
    for (size_t k = 0; gr == 0 && k < g.gl_pathc && !mine && rc == 0; k++) {
        size_t len = 0;
        char *text = tg_read_file(g.gl_pathv[k], TG_CHILD_FSIZE_MAX, &len, NULL);
        char name[32], *found = NULL;
        if (text != NULL && tg_memcheck_crash_cause(text, len, student_file, &found, name) < 0)
            rc = -1;
        mine = found != NULL && strstr(found, at) != NULL; /* "at flatten.c:" anywhere */
        if (found != NULL && (cause == NULL || mine)) {
            free(cause);
            cause = found;
            found = NULL;
            snprintf(vgsig, sizeof vgsig, "%s", name);
        }
        free(found);
        free(text);
    }
    globfree(&g);
    if (rc != 0 || cause == NULL) {
        free(cause);
        return rc;
    }
    char *how = sig > 0 ? tg_killed_by(sig) : vgsig[0] ? tg_asprintf("killed by %s", vgsig) : tg_strdup("");
    /* "killed by SIGFPE (...) at flatten.c:40 in tt_flatten" when Valgrind
     * saw no memory error, only where the signal struck */
    const char *sep = !how || !how[0] ? "" : strncmp(cause, "at ", 3) == 0 ? " " : ": ";
    char *msg = how ? tg_asprintf("the test crashed: %s%s%s\n(seen by Valgrind when the test was run again alone)",
                                  how, sep, cause)
                    : NULL;
    *out = msg ? tg_sanitize(msg, strlen(msg), max) : NULL;
    free(how);
    free(msg);
    free(cause);
    return *out != NULL ? 0 : -1;
}
