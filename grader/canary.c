/* canary.c - ttgrade --canary: before a student is graded, the reference
 * file of one lab (the data dir's canary/<lab>.c, grader/data.mk) is graded
 * by this same ttgrade, with the same data dir and the same harness options
 * (sandbox, limits, jobs), and must score full marks. If it does not, the
 * harness is broken here (an unwritable /dev/shm makes every Criterion program
 * abort, a data dir built for another system does not link), and grading the
 * student would charge them for it: the caller reports a grader error instead. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "proc.h"
#include "text.h"
#include "ttgrade.h"

#define CANARY_LIMIT 600.0 /* wall-clock seconds: a backstop, the child has its own limits */
#define CANARY_ARGS 32

/* The one <lab>.c of DATADIR/canary, as its lab name (malloc'd), or NULL. */
static char *canary_lab(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    char *lab = NULL;
    struct dirent *e;
    while (lab == NULL && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 2 && e->d_name[0] != '.' && strcmp(e->d_name + n - 2, ".c") == 0)
            lab = tg_asprintf("%.*s", (int)(n - 2), e->d_name);
    }
    closedir(d);
    return lab;
}

/* What the child said that explains the failure: its first FAIL line with
 * the first line of its reason, or else its last line (an error goes to
 * stderr as one line). Malloc'd. */
static char *canary_why(const char *out_path)
{
    size_t len = 0;
    int trunc = 0;
    char *text = tg_read_file(out_path, 1 << 20, &len, &trunc);
    if (text == NULL)
        return tg_strdup("no output");
    char *pick = NULL, *reason = NULL, *last = NULL;
    for (char *p = text, *nl; p != NULL && *p != '\0'; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        if (pick != NULL && reason == NULL && p[0] == ' ')
            reason = p + strspn(p, " ");
        else if (pick == NULL && strstr(p, ": FAIL") != NULL)
            pick = p;
        if (*p != '\0' && *p != ' ')
            last = p;
    }
    char *why = pick ? tg_asprintf("%s%s%s", pick, reason ? ": " : "", reason ? reason : "")
                     : tg_strdup(last ? last : "no output");
    free(text);
    return why;
}

char *tg_canary_run(const char *datadir, const char *const *harness, int *oom)
{
    *oom = 0;
    char *dir = tg_path_join(datadir, "canary"), *lab = dir ? canary_lab(dir) : NULL;
    char *err = NULL, *scratch = NULL, *out = NULL, *why = NULL, *msg = NULL, *self = NULL;
    int passed = 0;
    if (dir == NULL)
        goto nomem;
    if (lab == NULL) {
        msg = tg_asprintf("the grader's self-check cannot run: no canary/<lab>.c in the data directory %s", datadir);
        goto done;
    }
    if ((scratch = tg_scratch_create(&err)) == NULL) {
        msg = err ? tg_asprintf("the grader's self-check cannot run: %s", err) : NULL;
        goto done;
    }
    if ((out = tg_path_join(scratch, "canary.out")) == NULL)
        goto nomem;
    if ((self = tg_self_path()) == NULL) {
        msg = tg_strdup("the grader's self-check cannot run: /proc/self/exe cannot be read");
        goto done;
    }

    /* ttgrade --lab LAB --no-questions --no-perf --no-color --datadir DD
     * HARNESS... -- DIR: the tests and memory checks of that lab only. */
    const char *argv[CANARY_ARGS];
    size_t n = 0;
    const char *fixed[] = {self, "--lab", lab, "--no-questions", "--no-perf", "--no-color",
                           "--datadir", datadir};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[n++] = fixed[i];
    for (size_t i = 0; harness != NULL && harness[i] != NULL && n < CANARY_ARGS - 3; i++)
        argv[n++] = harness[i];
    argv[n++] = "--";
    argv[n++] = dir;
    argv[n] = NULL;

    extern char **environ;
    struct tg_task t;
    memset(&t, 0, sizeof t);
    t.argv = (char *const *)argv;
    t.envp = environ;
    t.out_path = out;
    t.limit = CANARY_LIMIT;
    if (tg_run_tasks(&t, 1, 1) != 0) {
        msg = tg_strdup("interrupted");
        goto done;
    }
    if (t.started && !t.timed_out && WIFEXITED(t.status) && WEXITSTATUS(t.status) == 0) {
        passed = 1;
        goto done;
    }
    if ((why = canary_why(out)) == NULL)
        goto nomem;
    if (!t.started)
        msg = tg_asprintf("the grader's self-check could not start: %s", strerror(t.spawn_errno));
    else
        msg = tg_asprintf("the grader's self-check failed: the reference %s.c, graded here as a student's, "
                          "did not score full marks (%s%s), so the grader is broken on this machine; "
                          "this submission was not graded and nothing was charged",
                          lab, t.timed_out ? "timed out; " : "", why);
    goto done;
nomem:
done:
    if (!passed && msg == NULL)
        *oom = 1; /* a reason was due but could not be made */
    if (scratch != NULL)
        tg_scratch_remove(scratch);
    free(err);
    free(why);
    free(out);
    free(self);
    free(scratch);
    free(lab);
    free(dir);
    return msg;
}
