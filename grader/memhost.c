/* memhost.c - the memory checks' runs: each lab's driver linked into a
 * shared object, one Valgrind on memcheck/ttmemhost for the labs of a round,
 * and the host's status file read back into one task per lab; and the
 * Valgrind helpers perf.c uses too (memcheck_int.h, memcheck.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memcheck_int.h"

void mem_job_free(struct mem_job *j)
{
    tg_argv_free(&j->ld);
    free(j->ld_log);
    free(j->so);
    free(j->xml);
    free(j->log);
    free(j->lost);
}

/* 1 if the lab has memory items and its student object was built. */
int mem_lab_ready(const struct tg_lab_result *lr, const struct tg_intake *in, const struct tg_setup *s)
{
    int any = 0;
    for (size_t i = 0; i < lr->n_items; i++)
        any |= lr->items[i].category == TG_ITEM_MEMORY;
    if (!any || !in->present[lr->lab] || (lr->status != TG_LAB_GRADED && lr->status != TG_LAB_LINK_ERROR))
        return 0;
    char name[64];
    snprintf(name, sizeof name, "obj/%s.o", tg_lab_names[lr->lab]);
    return tg_regular_file(s->scratch, name);
}

int mem_prepare_link(struct mem_job *j, const struct tg_setup *s)
{
    const char *lab = tg_lab_names[j->lr->lab];
    char *log = tg_asprintf("out/%s.mem-ld.log", lab), *so = tg_asprintf("bin/mem_%s.so", lab);
    j->ld_log = log ? tg_path_join(s->scratch, log) : NULL;
    j->so = so ? tg_path_join(s->scratch, so) : NULL;
    free(log);
    free(so);
    if (j->ld_log == NULL || j->so == NULL)
        return -1;
    /* --no-undefined: a missing function is a link error here, as it is for
     * the test program, not a failure to load in the middle of the run */
    static const char *const shared[] = {"-shared", "-Wl,--no-undefined", NULL};
    tg_link_lab_argv(&j->ld, s, j->lr->lab, shared, j->so, "memcheck");
    tg_argv_addf(&j->ld, "%s/memcheck/libttmem.a", s->datadir);
    tg_argv_addf(&j->ld, "%s/libttsupport.a", s->datadir);
    tg_argv_add(&j->ld, "-lm");
    if (j->ld.failed)
        return -1;
    tg_task_set(&j->ld_task, j->ld.v, s->envp, s->scratch, &s->jails->ld, j->ld_log, TG_MEM_LINK_SECONDS);
    return 0;
}

/* The CPU seconds a lab's driver may use without progress (a scenario
 * begun or ended, a finding): its calibrated limit (timelimits.h), which the
 * host enforces; 0 when there is none. */
static double cpu_limit(const struct mem_job *j, const struct tg_setup *s)
{
    return tg_limit_memory(s->limits, j->lr->lab);
}

/* A scenario takes well under a second under Valgrind: one that writes
 * nothing new (no marker, no finding) for a test's fixed timeout and then
 * some is taken to hang; a lab's whole run gets that per scenario. With
 * calibrated limits, this wall-clock limit is only the backstop, for a
 * driver that sleeps or blocks: the CPU-time limit comes first, and the
 * backstop is tg_limit_wall of the largest lab's, far enough behind that a
 * loaded machine does not meet it (the host's own start under Valgrind
 * counts against it too, before any lab's code has run). */
static double idle_limit(const struct tg_setup *s)
{
    double cpu = 0;
    for (int lab = 0; s->limits->calibrated && lab < tg_n_labs; lab++)
        if (tg_limit_memory(s->limits, lab) > cpu)
            cpu = tg_limit_memory(s->limits, lab);
    return cpu > 0 ? tg_limit_wall(cpu) : 2 * s->timeout + 6;
}

static double lab_limit(const struct mem_job *j, const struct tg_setup *s)
{
    size_t n = 0;
    for (size_t i = 0; i < j->lr->n_items; i++)
        n += j->lr->items[i].category == TG_ITEM_MEMORY;
    return (double)n * idle_limit(s) + TG_MEM_SLACK_SECONDS;
}

void mem_host_run_free(struct host_run *h)
{
    tg_argv_free(&h->vg);
    free(h->status);
    free(h->log);
    free(h->xml_prefix);
    free(h->sel);
    memset(h, 0, sizeof *h);
}

int mem_prepare_host(struct host_run *h, struct mem_job *jobs, const struct tg_setup *s, const char *valgrind,
                     char **envp, int run)
{
    char *status = tg_asprintf("out/mem%d.status", run), *log = tg_asprintf("out/mem%d.log", run);
    char *prefix = tg_asprintf("out/mem%d", run);
    h->status = status ? tg_path_join(s->scratch, status) : NULL;
    h->log = log ? tg_path_join(s->scratch, log) : NULL;
    h->xml_prefix = prefix ? tg_path_join(s->scratch, prefix) : NULL;
    free(status);
    free(log);
    free(prefix);
    if (h->status == NULL || h->log == NULL || h->xml_prefix == NULL)
        return -1;
    static const char *const flags[] = {
        "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=all",
        "--errors-for-leak-kinds=definite,indirect", "--error-limit=no",
        "--num-callers=20", "--child-silent-after-fork=no", "--trace-children=no", "--vgdb=no",
        "--xml=yes",
    };
    tg_argv_add(&h->vg, valgrind);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        tg_argv_add(&h->vg, flags[i]);
    tg_argv_add(&h->vg, run > 1 ? "--track-origins=yes" : "--track-origins=no");
    tg_argv_addf(&h->vg, "--xml-file=%s.%%p.xml", h->xml_prefix);
    tg_argv_addf(&h->vg, "%s/memcheck/ttmemhost", s->datadir);
    tg_argv_addf(&h->vg, "%u", s->jobs > 0 ? s->jobs : 1);
    tg_argv_addf(&h->vg, "%g", idle_limit(s));
    tg_argv_add(&h->vg, h->status);
    tg_argv_add(&h->vg, h->xml_prefix);
    double total = TG_MEM_SLACK_SECONDS;
    for (size_t k = 0; k < h->n; k++) {
        struct mem_job *j = &jobs[h->sel[k]];
        const char *lab = tg_lab_names[j->lr->lab];
        char *child_log = tg_asprintf("out/%s.mem%d.log", lab, run);
        free(j->log);
        j->log = child_log ? tg_path_join(s->scratch, child_log) : NULL;
        free(child_log);
        if (j->log == NULL)
            return -1;
        j->limit = lab_limit(j, s);
        total += j->limit;
        tg_argv_add(&h->vg, lab);
        tg_argv_add(&h->vg, j->so);
        tg_argv_addf(&h->vg, "%g", j->limit);
        tg_argv_addf(&h->vg, "%g", cpu_limit(j, s));
        tg_argv_add(&h->vg, j->log);
    }
    if (h->vg.failed)
        return -1;
    memset(&h->task, 0, sizeof h->task);
    /* the host keeps each lab to its own limits; the limit here is the
     * backstop, and so is its heartbeat (a line a second) for a host stopped
     * by a lab */
    tg_task_set(&h->task, h->vg.v, envp, s->scratch, &s->jails->run, h->log, total);
    h->task.watch[0] = h->status;
    h->task.idle_limit = idle_limit(s);
    return 0;
}

/* The wait status of a child that exited (exited: 1) with status `value`,
 * or died (exited: 0) of signal `value`. */
static int wait_status(int exited, int value)
{
    return exited ? (value & 0xff) << 8 : (value & 0x7f);
}

/* Every lab of run h fails: its host started them and did not end well
 * (killed, stopped: only student code can do that). Whatever each lab's
 * report says, which labs it had finished is a race, and scores must not be. */
static int lose_run(struct host_run *h, struct mem_job *jobs)
{
    char *how = tg_task_outcome(&h->task);
    int ok = how != NULL;
    for (size_t k = 0; ok && k < h->n; k++) {
        struct mem_job *j = &jobs[h->sel[k]];
        j->vg_task = h->task;
        free(j->lost);
        j->lost = tg_asprintf("no result: Valgrind %s before this lab's memory driver was done (code that kills "
                              "or stops its parent process does that)", how);
        ok = j->lost != NULL;
    }
    free(how);
    return ok ? 0 : -1;
}

/* Reads lab's lines of the status text into t (from the host's task): its
 * pid (-1 if it never started), and how it ended. Sets *ended when it has an
 * "end" line. */
static long lab_lines(const char *text, const char *lab, struct tg_task *t, int *ended)
{
    long pid = -1;
    *ended = 0;
    for (const char *line = text; line != NULL && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        char word[16], name[32], how[16];
        long p;
        int value;
        double secs;
        if (sscanf(line, "%15s %31s %ld", word, name, &p) != 3 || strcmp(name, lab) != 0)
            continue;
        if (strcmp(word, "start") == 0 && pid < 0) {
            pid = p;
        } else if (strcmp(word, "end") == 0 && p == pid && !*ended &&
                   sscanf(line, "%*s %*s %*d %15s %d %lf", how, &value, &secs) == 3) {
            *ended = 1;
            t->elapsed = secs;
            t->timed_out = strcmp(how, "timeout") == 0 || strcmp(how, "idle") == 0 || strcmp(how, "cpu") == 0;
            t->idle_killed = strcmp(how, "idle") == 0;
            t->cpu_killed = strcmp(how, "cpu") == 0;
            t->status = wait_status(strcmp(how, "exited") == 0, t->timed_out ? SIGKILL : value);
        } else if (strcmp(word, "nostart") == 0 && pid < 0) {
            t->started = 0;
            t->spawn_errno = (int)p;
        }
    }
    return pid;
}

/* Gives each lab of run h its part of the host's run, from the status file:
 * j->vg_task as if the lab had been run alone, and j->xml its report. */
int mem_read_status(struct host_run *h, struct mem_job *jobs, const struct tg_setup *s)
{
    char *text = h->task.started ? tg_read_file(h->status, 65536, NULL, NULL) : NULL;
    int begun = text != NULL && (strncmp(text, "start ", 6) == 0 || strstr(text, "\nstart ") != NULL);
    if (begun && !tg_task_ok(&h->task)) {
        free(text);
        return lose_run(h, jobs);
    }
    if (!begun && h->task.timed_out) {
        /* stopped by our wall-clock backstop before any lab's code ran:
         * that is the machine (Valgrind's own start, overloaded), never the
         * student's; each lab is run again on its own (memcheck.c) */
        free(text);
        for (size_t k = 0; k < h->n; k++) {
            struct mem_job *j = &jobs[h->sel[k]];
            j->vg_task = h->task;
            free(j->lost);
            j->lost = tg_asprintf("no result: Valgrind was stopped at the wall-clock backstop (%g s) before any "
                                  "lab's code ran: the grading machine is overloaded, report this to the staff",
                                  h->task.idle_killed ? h->task.idle_limit : h->task.limit);
            if (j->lost == NULL)
                return -1;
        }
        return 0;
    }
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < h->n; k++) {
        struct mem_job *j = &jobs[h->sel[k]];
        struct tg_task *t = &j->vg_task;
        *t = h->task; /* not started, or what happened to the host */
        t->limit = j->limit;
        t->idle_limit = idle_limit(s);
        t->cpu_limit = cpu_limit(j, s);
        int ended;
        long pid = lab_lines(text, tg_lab_names[j->lr->lab], t, &ended);
        free(j->xml);
        j->xml = NULL;
        if (pid > 0) {
            j->xml = tg_asprintf("%s.%ld.xml", h->xml_prefix, pid);
            rc = j->xml == NULL ? -1 : 0;
            if (!ended && tg_task_ok(&h->task))
                t->status = wait_status(1, 125); /* the host ended well but did not say how this lab did */
        } else {
            /* never started: what Valgrind itself said is the best clue */
            free(j->log);
            j->log = tg_strdup(h->log);
            rc = j->log == NULL ? -1 : 0;
        }
    }
    free(text);
    return rc;
}

/* `valgrind --version`, one line, or NULL. */
char *mem_valgrind_version(const char *valgrind, const char *scratch)
{
    return tg_tool_version(valgrind, scratch, "out/valgrind-version.log");
}

/* Whether lab j's run must be repeated with --track-origins=yes. Origin
 * tracking makes a run about twice as slow and changes nothing but the origin
 * lines ("Uninitialised value was created by a heap allocation at ...") of
 * the errors about undefined values; it finds the same errors. So a run goes
 * without it first, and is repeated with it when its report holds an error of
 * any kind other than the ones listed here, which never carry an origin (a
 * kind not listed, or a report that cannot be read, also repeats it: the
 * feedback is then exactly that of a run with origins from the start). */
int mem_needs_origins(const struct mem_job *j)
{
    static const char *const plain[] = {
        "Leak_DefinitelyLost", "Leak_IndirectlyLost", "Leak_PossiblyLost", "Leak_StillReachable",
        "InvalidRead", "InvalidWrite", "InvalidFree", "MismatchedFree", "InvalidJump",
        "InvalidMemPool", "Overlap", "FishyValue", "ReallocSizeZero",
    };
    if (!j->vg_task.started || j->xml == NULL)
        return 0;
    char *text = tg_read_file(j->xml, TG_MEM_XML_MAX, NULL, NULL);
    if (text == NULL)
        return 1;
    int need = 0;
    for (const char *k = strstr(text, "<kind>"); k != NULL && !need; k = strstr(k, "<kind>")) {
        k += 6;
        const char *e = strstr(k, "</kind>");
        size_t len = e ? (size_t)(e - k) : 0;
        need = 1;
        for (size_t i = 0; e != NULL && i < sizeof plain / sizeof plain[0]; i++)
            if (strlen(plain[i]) == len && memcmp(plain[i], k, len) == 0)
                need = 0;
    }
    free(text);
    return need;
}
