/* grade.c - compile each lab file once, link it into its lab's hidden test
 * program (the reference supplies the other four labs), run the program, and
 * turn its Criterion JSON report plus its PASS records into verdicts.
 *
 * Verdicts fail closed: a test passes only if the report says PASSED *and*
 * the test wrote its "PASS <lab>::<test> <secs> <cpu secs>" record on its last
 * line. Each test's process keeps to its CPU-time limit itself (see
 * grader/hidden/hidden_limit.c); a wall-clock limit is the backstop.
 * When a run gives no usable report (it hung and was killed, crashed, or
 * exited early), each test that got no verdict is run again on its own
 * (--filter), with its own time limit, so one hanging test costs only itself. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash.h"
#include "proc.h"
#include "text.h"
#include "inspect.h"
#include "timelimits.h"
#include "memcheck.h"
#include "perf.h"
#include "phase.h"
#include "ttgrade.h"
#include "valgrind.h"

#ifndef TTGRADE_DEBUG_CFLAGS
#define TTGRADE_DEBUG_CFLAGS ""
#endif

/* Wall-clock limits set from outside: compile and link one lab, and the slack
 * of a test program around its tests' own time. */
#define TG_BUILD_SECONDS 30.0
#define TG_RUN_SLACK_SECONDS 10.0
#define TG_RERUN_SLACK_SECONDS 5.0
#define TG_IDLE_SLACK_SECONDS 2.0

/* Limits on what is read back and shown. */
#define TG_LOG_READ_MAX (64 * 1024)
#define TG_JSON_READ_MAX (8 * 1024 * 1024)
#define TG_PASS_READ_MAX (1024 * 1024)
#define TG_BUILD_LINES 25
#define TG_BUILD_BYTES 4096
#define TG_SUMMARY_LINES 10
#define TG_SUMMARY_BYTES 1536
#define TG_MESSAGE_BYTES 2048
#define TG_RUNNER_BYTES 8192

#define TG_NO_RESULT "no result: the test program crashed, hung or exited early"


/* ------------------------------------------------------------- argv -- */

/* A NULL-terminated argv whose strings it owns; failure is sticky. */
/* --------------------------------------------------------- per lab -- */

/* One test program run: the whole lab, or one test of it (a rerun). */
struct run {
    struct tg_lab_result *lr;
    int *crashed;             /* the job's (see struct lab_job) */
    int item;                 /* -1: the whole lab; else the one test rerun */
    struct tg_argv argv;
    char *env_pass;           /* "TTGRADE_PASS_FILE=..." */
    char *env_cpu;            /* "TTGRADE_CPU_LIMITS=..." (grader/hidden/hidden_limit.c) */
    char **envp;              /* setup->envp + env_pass + env_cpu; pointers borrowed */
    char *log, *json, *pass;
    struct tg_task task;
};

struct lab_job {
    struct tg_lab_result *lr;
    int compiled, linked;
    struct tg_argv cc, ld;
    char *srcdir, *cc_log, *ld_log, *bin;
    struct tg_task cc_task, ld_task;
    int *verdict;             /* per item: 1 once it has a verdict */
    int *crashed;             /* per item: Criterion said the test crashed: its signal's number,
                               * or -1 when unknown; 0: it did not crash */
};

/* A crashed test's rerun under Valgrind, to name its cause. */
struct crash_run {
    struct tg_lab_result *lr;
    size_t item;
    struct tg_argv argv;
    char **envp;              /* s->envp, TTGRADE_CPU_LIMITS empty; strings borrowed */
    char *xml;                /* the --xml-file pattern: <scratch>/out/<lab>.<test>.vg.%p.xml */
    char *log;
    struct tg_task task;
};

/* The text of a build log: read, sanitised, stripped of the scratch and data
 * paths so students see "matmul.c:12:5: error: ...", and trimmed. */
static char *clean_build_log(const struct tg_setup *s, const char *path)
{
    size_t len = 0;
    char *raw = tg_read_file(path, TG_LOG_READ_MAX, &len, NULL);
    char *text = raw ? tg_sanitize(raw, len, TG_LOG_READ_MAX) : tg_strdup("");
    free(raw);
    if (text == NULL)
        return NULL;
    char *inc = tg_path_join(s->datadir, "include/");
    char *src = tg_path_join(s->scratch, "src/");
    char *scr = tg_path_join(s->scratch, "");
    char *dat = tg_path_join(s->datadir, "");
    const char *from[] = {src, scr, inc, dat};
    for (size_t i = 0; i < 4 && text != NULL; i++) {
        if (from[i] == NULL) {
            free(text);
            text = NULL;
            break;
        }
        char *t = tg_replace_all(text, from[i], "");
        free(text);
        text = t;
    }
    free(inc);
    free(src);
    free(scr);
    free(dat);
    if (text == NULL)
        return NULL;
    char *trimmed = tg_trim_lines(text, TG_BUILD_LINES, TG_BUILD_BYTES);
    free(text);
    return trimmed;
}

/* Marks every test of lr failed with "<what>: <first lines of the output>"
 * ("does not compile: linear.c: In function ..."). */
static int fail_build(struct tg_lab_result *lr, enum tg_lab_status status, const char *what, const char *output)
{
    lr->status = status;
    free(lr->reason);
    lr->reason = tg_strdup(what);
    char *head = tg_trim_lines(output, TG_SUMMARY_LINES, TG_SUMMARY_BYTES);
    char *text = head ? tg_asprintf("%s%s%s", what, head[0] ? ": " : "", head) : NULL;
    free(head);
    if (lr->reason == NULL || text == NULL) {
        free(text);
        return -1;
    }
    for (size_t i = 0; i < lr->n_items; i++) {
        char *o = tg_strdup(text);
        if (o == NULL) {
            free(text);
            return -1;
        }
        free(lr->items[i].output);
        lr->items[i].output = o;
    }
    free(text);
    return 0;
}

/* ------------------------------------------------- Criterion's report -- */

/* Criterion 2.4's JSON writer (src/io/json.c) prints assertion messages
 * without escaping them, so a quote or backslash in a message (say, a
 * student's error text) makes the whole report invalid JSON. Its layout is
 * fixed, though: each message line stands alone on its line as 12 spaces, '"',
 * the raw text, '"', and a ',' unless it is the last one; nothing else in the
 * report is indented that way. Those lines are re-encoded with cJSON here; the
 * rest passes through. No library repairs this, hence the hand-written pass. */
static char *repair_criterion_json(const char *text, size_t len)
{
    static const char indent[] = "            ";
    const size_t ind = sizeof indent - 1;
    struct tg_buf b = TG_BUF_INIT;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int handled = 0;
        if (ll >= ind + 2 && memcmp(p, indent, ind) == 0 && p[ind] == '"') {
            size_t stop = ll;
            int comma = p[stop - 1] == ',';
            if (comma)
                stop--;
            if (stop >= ind + 2 && p[stop - 1] == '"') {
                char *raw = tg_strndup(p + ind + 1, stop - 1 - (ind + 1));
                cJSON *s = raw ? cJSON_CreateString(raw) : NULL;
                char *enc = s ? cJSON_PrintUnformatted(s) : NULL;
                if (enc != NULL) {
                    tg_buf_add(&b, indent, ind);
                    tg_buf_puts(&b, enc);
                    if (comma)
                        tg_buf_putc(&b, ',');
                    handled = 1;
                } else {
                    b.failed = 1;
                }
                free(raw);
                cJSON_Delete(s);
                cJSON_free(enc);
            }
        }
        if (!handled)
            tg_buf_add(&b, p, ll);
        if (nl)
            tg_buf_putc(&b, '\n');
        p = nl ? nl + 1 : end;
    }
    return tg_buf_take(&b);
}

/* Drops Criterion's "file.c:NN: " in front of a message (students must not
 * see hidden file names or lines) and the two spaces it puts before each
 * continuation line. */
static const char *strip_message_prefix(const char *m)
{
    if (m[0] == ' ' && m[1] == ' ')
        return m + 2;
    const char *p = m;
    while (*p && *p != ':' && *p != ' ')
        p++;
    if (p == m || *p != ':' || p[1] < '0' || p[1] > '9')
        return m;
    p++;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p[0] == ':' && p[1] == ' ')
        return p + 2;
    return m;
}

/* The messages of a test joined by newlines, prefixes stripped, sanitised. */
static char *join_messages(const cJSON *test, const char *fallback)
{
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(test, "messages");
    struct tg_buf b = TG_BUF_INIT;
    const cJSON *m;
    cJSON_ArrayForEach(m, msgs)
    {
        if (!cJSON_IsString(m) || m->valuestring == NULL)
            continue;
        const char *t = strip_message_prefix(m->valuestring);
        if (strcmp(t, "(null)") == 0)
            continue; /* Criterion's rendering of an assertion without a message */
        if (b.len > 0)
            tg_buf_putc(&b, '\n');
        tg_buf_puts(&b, t);
        if (b.len > TG_MESSAGE_BYTES * 2)
            break;
    }
    char *joined = tg_buf_take(&b);
    if (joined == NULL)
        return NULL;
    char *clean = tg_sanitize(joined, strlen(joined), TG_MESSAGE_BYTES);
    free(joined);
    if (clean != NULL && clean[0] == '\0') {
        free(clean);
        return tg_strdup(fallback);
    }
    return clean;
}

/* The first number of the record "<kind> <lab>::<test> <seconds> [<cpu
 * seconds>]" in the records text, or -1 if there is no well-formed one. */
static double find_record(const char *records, const char *kind, const char *lab, const char *test)
{
    size_t kl = strlen(kind), ll = strlen(lab), tl = strlen(test), head = kl + 1 + ll + 2 + tl + 1;
    const char *p = records;
    while (p != NULL && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > head && memcmp(p, kind, kl) == 0 && p[kl] == ' ' && memcmp(p + kl + 1, lab, ll) == 0 &&
            memcmp(p + kl + 1 + ll, "::", 2) == 0 && memcmp(p + kl + 3 + ll, test, tl) == 0 && p[head - 1] == ' ') {
            /* Only a well-formed record counts: fail closed. */
            char num[64];
            size_t nlen = len - head;
            if (nlen < sizeof num) {
                memcpy(num, p + head, nlen);
                num[nlen] = '\0';
                char *e;
                double v = strtod(num, &e);
                if (e != num && *e == ' ') { /* the CPU time (read by grader/calibrate.sh only) */
                    char *c = e + 1;
                    double cpu = strtod(c, &e);
                    if (e == c || !(cpu >= 0))
                        e = c - 1; /* not well-formed */
                }
                if (e != num && *e == '\0' && v >= 0 && v < 1e6)
                    return v;
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    return -1;
}

/* Sets the verdict of item it from Criterion's entry for it (never NULL);
 * *crashed as struct lab_job says. */
static int verdict_from_entry(struct tg_item *it, const cJSON *t, const char *records, const char *lab, int *crashed)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(t, "status");
    const char *status = cJSON_IsString(st) && st->valuestring ? st->valuestring : "";
    char *out = NULL;
    it->passed = 0;
    it->time = 0;
    it->fault = TG_FAULT_CRASH; /* all but FAILED: the test did not finish */
    if (strcmp(status, "PASSED") == 0) {
        double secs = find_record(records, "PASS", lab, it->name);
        if (secs >= 0) {
            it->passed = 1;
            it->time = secs;
            out = tg_strdup("");
        } else {
            out = tg_strdup("the test did not reach its end (exited early)");
        }
    } else if (strcmp(status, "FAILED") == 0) {
        it->fault = TG_FAULT_WRONG;
        out = join_messages(t, "the test failed");
    } else if (strcmp(status, "ERRORED") == 0) {
        /* hidden_limit.c's record: the test's process stopped itself at its
         * CPU-time limit; else Criterion says which: "The test crashed." or
         * "The test timed out." */
        double cpu = find_record(records, "CPU", lab, it->name);
        const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(t, "messages"), 0);
        if (cpu > 0 || (cJSON_IsString(m) && m->valuestring != NULL && strstr(m->valuestring, "timed out") != NULL))
            it->fault = TG_FAULT_TIMEOUT;
        /* the record hidden_limit.c's TEST_CRASH hook wrote: the signal */
        double sig = find_record(records, "SIG", lab, it->name);
        if (cpu > 0) {
            out = tg_asprintf("the test used more than %g s of CPU time and was stopped (does it loop forever?)",
                              cpu);
        } else if (it->fault == TG_FAULT_TIMEOUT) {
            out = join_messages(t, "the test timed out");
        } else if (sig >= 1 && sig < 65) {
            *crashed = (int)sig;
            char *how = tg_killed_by(*crashed);
            out = how ? tg_asprintf("the test crashed: %s", how) : NULL;
            free(how);
        } else {
            *crashed = -1;
            out = join_messages(t, "the test crashed");
        }
    } else if (strcmp(status, "SKIPPED") == 0) {
        out = tg_strdup("the test was skipped");
    } else {
        char *s = tg_sanitize(status, strlen(status), 64);
        out = s ? tg_asprintf("unknown test status \"%s\"", s) : NULL;
        free(s);
    }
    if (out == NULL)
        return -1;
    free(it->output);
    it->output = out;
    return 0;
}

/* Why a run produced no verdict for a test, with `detail` on what happened. */
static int set_no_result(struct tg_item *it, const char *detail)
{
    char *out = tg_asprintf("%s (%s)", TG_NO_RESULT, detail);
    if (out == NULL)
        return -1;
    it->passed = 0;
    it->time = 0;
    free(it->output);
    it->output = out;
    return 0;
}

/* What happened to a run that left no usable report, in a few words. */
static char *run_detail(const struct tg_task *t, const char *report_problem)
{
    if (!t->started)
        return tg_asprintf("it could not be started: %s", strerror(t->spawn_errno));
    if (t->idle_killed)
        return tg_asprintf("it hung: stopped after %g s without finishing", t->idle_limit);
    if (t->timed_out)
        return tg_asprintf("it hung and was stopped after %g s", t->limit);
    if (WIFSIGNALED(t->status)) {
        int sig = WTERMSIG(t->status);
        if (sig == SIGXFSZ)
            return tg_asprintf("it wrote more than %ld MiB of output and was stopped",
                               TG_CHILD_FSIZE_MAX / (1024 * 1024));
        return tg_asprintf("it was killed by signal %d, %s", sig, strsignal(sig));
    }
    if (report_problem != NULL)
        return tg_asprintf("it exited with status %d; %s", WIFEXITED(t->status) ? WEXITSTATUS(t->status) : -1,
                           report_problem);
    return tg_strdup("it ran, but did not report this test: do the rubric and the hidden tests agree?");
}

/* Records a test the program reported that the rubric does not know. */
static int note_extra(struct tg_lab_result *lr, const char *suite, const char *name)
{
    char *full = tg_asprintf("%s::%s", suite, name);
    char *clean = full ? tg_sanitize(full, strlen(full), 200) : NULL;
    free(full);
    if (clean == NULL)
        return -1;
    for (size_t i = 0; i < lr->n_extra; i++) {
        if (strcmp(lr->extra_tests[i], clean) == 0) {
            free(clean);
            return 0;
        }
    }
    char **ne = realloc(lr->extra_tests, (lr->n_extra + 1) * sizeof *ne);
    if (ne == NULL) {
        free(clean);
        return -1;
    }
    lr->extra_tests = ne;
    lr->extra_tests[lr->n_extra++] = clean;
    return 0;
}

/* Reads a finished run's report and PASS records and gives a verdict to every
 * test it covers that has none yet. verdict[i] is set for each item decided.
 * Returns 0 or -1 (no memory). */
static int collect_run(struct run *r, int *verdict, struct tg_result *res)
{
    struct tg_lab_result *lr = r->lr;
    const char *lab = tg_lab_names[lr->lab];
    size_t jlen = 0;
    int jtrunc = 0;
    char *jtext = tg_read_file(r->json, TG_JSON_READ_MAX, &jlen, &jtrunc);
    char *records = tg_read_file(r->pass, TG_PASS_READ_MAX, NULL, NULL);
    cJSON *root = NULL;
    const char *problem = NULL;
    int rc = -1;
    if (jtext == NULL) {
        problem = "it wrote no report";
    } else if (jtrunc) {
        problem = "its report was too large";
    } else {
        char *fixed = repair_criterion_json(jtext, jlen);
        if (fixed == NULL)
            goto out;
        root = cJSON_Parse(fixed);
        free(fixed);
        if (root == NULL)
            problem = "its report could not be read";
    }
    /* A run stopped from outside never counts, whatever it wrote. */
    if (r->task.timed_out || !r->task.started || WIFSIGNALED(r->task.status)) {
        cJSON_Delete(root);
        root = NULL;
    }

    const cJSON *tests = NULL;
    if (root != NULL) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
        if (res->criterion == NULL && cJSON_IsString(id) && id->valuestring != NULL) {
            res->criterion = tg_sanitize(id->valuestring, strlen(id->valuestring), 64);
            if (res->criterion == NULL)
                goto out;
        }
        const cJSON *suites = cJSON_GetObjectItemCaseSensitive(root, "test_suites");
        const cJSON *s;
        cJSON_ArrayForEach(s, suites)
        {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
            const char *sname = cJSON_IsString(name) && name->valuestring ? name->valuestring : "?";
            const cJSON *list = cJSON_GetObjectItemCaseSensitive(s, "tests");
            int ours = strcmp(sname, lab) == 0;
            if (ours && tests == NULL)
                tests = list;
            const cJSON *t;
            cJSON_ArrayForEach(t, list)
            {
                const cJSON *tn = cJSON_GetObjectItemCaseSensitive(t, "name");
                const char *tname = cJSON_IsString(tn) && tn->valuestring ? tn->valuestring : "?";
                const cJSON *ts = cJSON_GetObjectItemCaseSensitive(t, "status");
                /* A rerun lists the filtered-out tests as SKIPPED: not news. */
                if (r->item >= 0 && cJSON_IsString(ts) && strcmp(ts->valuestring, "SKIPPED") == 0)
                    continue;
                int known = 0;
                for (size_t i = 0; ours && i < lr->n_items; i++)
                    if (lr->items[i].category == TG_ITEM_TEST && strcmp(lr->items[i].name, tname) == 0)
                        known = 1;
                if (!known && note_extra(lr, sname, tname) != 0)
                    goto out;
            }
        }
    }

    for (size_t i = 0; i < lr->n_items; i++) {
        if (verdict[i] || (r->item >= 0 && (size_t)r->item != i))
            continue;
        struct tg_item *it = &lr->items[i];
        const cJSON *found = NULL, *t;
        int count = 0;
        cJSON_ArrayForEach(t, tests)
        {
            const cJSON *tn = cJSON_GetObjectItemCaseSensitive(t, "name");
            if (cJSON_IsString(tn) && tn->valuestring != NULL && strcmp(tn->valuestring, it->name) == 0) {
                found = t;
                count++;
            }
        }
        if (count > 1) {
            /* Criterion cannot list a test twice: the report was tampered with. */
            char *o = tg_strdup("no result: the test report was inconsistent (the test is listed twice)");
            if (o == NULL)
                goto out;
            free(it->output);
            it->output = o;
            it->fault = TG_FAULT_CRASH;
            verdict[i] = 1;
        } else if (count == 1) {
            if (verdict_from_entry(it, found, records ? records : "", lab, &r->crashed[i]) != 0)
                goto out;
            verdict[i] = 1;
        } else if (r->item >= 0) {
            /* The rerun was the last chance: say what happened. */
            char *d = run_detail(&r->task, root != NULL ? NULL : problem);
            int e = d ? set_no_result(it, d) : -1;
            free(d);
            it->fault = r->task.timed_out || r->task.idle_killed ? TG_FAULT_TIMEOUT : TG_FAULT_CRASH;
            if (e != 0)
                goto out;
            verdict[i] = 1;
        }
    }
    rc = 0;
out:
    cJSON_Delete(root);
    free(jtext);
    free(records);
    return rc;
}

/* ---------------------------------------------------------- the runs -- */

static void run_free(struct run *r)
{
    tg_argv_free(&r->argv);
    free(r->env_pass);
    free(r->env_cpu);
    free(r->envp);
    free(r->log);
    free(r->json);
    free(r->pass);
}

/* "TTGRADE_CPU_LIMITS=<test>=<seconds> ...": the calibrated CPU-time limit
 * of each test of lr (timelimits.h; none with the fixed limits, which are
 * wall-clock limits), and in *max the largest. NULL on no memory. */
static char *cpu_limits_env(const struct tg_setup *s, const struct tg_lab_result *lr, double *max)
{
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "TTGRADE_CPU_LIMITS=");
    *max = 0;
    for (size_t i = 0; s->limits->calibrated && i < lr->n_items; i++) {
        if (lr->items[i].category != TG_ITEM_TEST)
            continue;
        double c = tg_limit_test(s->limits, lr->lab, lr->items[i].name);
        tg_buf_printf(&b, "%s=%g ", lr->items[i].name, c);
        if (c > *max)
            *max = c;
    }
    return tg_buf_take(&b);
}

/* Prepares run r of lab job j: the whole lab (item < 0) or one test. */
static int run_prepare(struct run *r, const struct tg_setup *s, struct lab_job *j, int item, size_t n_tests)
{
    const char *lab = tg_lab_names[j->lr->lab];
    double cpu_max;
    memset(r, 0, sizeof *r);
    r->lr = j->lr;
    r->crashed = j->crashed;
    if ((r->env_cpu = cpu_limits_env(s, j->lr, &cpu_max)) == NULL)
        return -1;
    /* each test keeps to its CPU limit itself; Criterion's (wall-clock)
     * --timeout stops one that sleeps or blocks; the fixed limits (no
     * limits.txt, or --timeout) are wall-clock limits, as they always were */
    double wall = s->limits->calibrated ? tg_limit_wall(cpu_max) : s->timeout;
    r->item = item;
    char *stem = item < 0 ? tg_asprintf("out/%s", lab) : tg_asprintf("out/%s.%s", lab, j->lr->items[item].name);
    if (stem == NULL)
        return -1;
    char *log = tg_asprintf("%s.log", stem), *json = tg_asprintf("%s.json", stem), *pass = tg_asprintf("%s.pass", stem);
    free(stem);
    r->log = log ? tg_path_join(s->scratch, log) : NULL;
    r->json = json ? tg_path_join(s->scratch, json) : NULL;
    r->pass = pass ? tg_path_join(s->scratch, pass) : NULL;
    free(log);
    free(json);
    free(pass);
    if (r->log == NULL || r->json == NULL || r->pass == NULL)
        return -1;
    /* The PASS records file exists, empty and private, before the run. */
    int fd = open(r->pass, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || close(fd) != 0 || tg_sandbox_give(r->pass) != 0)
        return -1;

    char *opt = NULL;
    tg_argv_add(&r->argv, j->bin);
    tg_argv_add(&r->argv, "--jobs=1");
    tg_argv_add(&r->argv, "--verbose"); /* "[RUN ] lab::test" as each starts: see the watchdog below */
    opt = tg_asprintf("--timeout=%g", wall);
    tg_argv_add(&r->argv, opt ? opt : "");
    free(opt);
    opt = tg_asprintf("--json=%s", r->json);
    tg_argv_add(&r->argv, opt ? opt : "");
    free(opt);
    if (item >= 0) {
        opt = tg_asprintf("--filter=%s/%s", lab, j->lr->items[item].name);
        tg_argv_add(&r->argv, opt ? opt : "");
        free(opt);
    }
    if (r->argv.failed)
        return -1;

    size_t ne = 0;
    while (s->envp[ne] != NULL)
        ne++;
    r->envp = calloc(ne + 3, sizeof *r->envp);
    r->env_pass = tg_asprintf("TTGRADE_PASS_FILE=%s", r->pass);
    if (r->envp == NULL || r->env_pass == NULL)
        return -1;
    for (size_t i = 0; i < ne; i++)
        r->envp[i] = s->envp[i];
    r->envp[ne] = r->env_pass;
    r->envp[ne + 1] = r->env_cpu;

    tg_task_set(&r->task, r->argv.v, r->envp, s->scratch, &s->jails->run, r->log,
                item < 0 ? (double)n_tests * (wall + 1.0) + TG_RUN_SLACK_SECONDS : wall + TG_RERUN_SLACK_SECONDS);
    /* Criterion 2.4 enforces --timeout only on tests that declare a .timeout
     * of their own, so a hanging test would otherwise hold the program until
     * the limit above. Tests run one at a time (--jobs=1), and with --verbose
     * Criterion logs a line as each test starts and ends. No new line (and no
     * new PASS record) for longer than one test may take means a test hangs:
     * the program is stopped, and its tests are rerun one by one. */
    r->task.watch[0] = r->pass;
    r->task.watch[1] = r->log;
    r->task.idle_limit = wall + TG_IDLE_SLACK_SECONDS;
    return 0;
}

/* The start of a run's own output, for the staff (our JSON report). */
static int keep_runner_output(struct run *r)
{
    size_t len = 0;
    char *raw = tg_read_file(r->log, TG_LOG_READ_MAX, &len, NULL);
    if (raw == NULL)
        return 0;
    char *clean = tg_sanitize(raw, len, TG_RUNNER_BYTES);
    free(raw);
    if (clean == NULL)
        return -1;
    free(r->lr->runner_output);
    r->lr->runner_output = clean;
    return 0;
}

/* --------------------------------------------------------- pipeline -- */

static void job_free(struct lab_job *j)
{
    tg_argv_free(&j->cc);
    tg_argv_free(&j->ld);
    free(j->srcdir);
    free(j->cc_log);
    free(j->ld_log);
    free(j->bin);
    free(j->verdict);
    free(j->crashed);
}

static int build_compile(struct lab_job *j, const struct tg_setup *s)
{
    const char *lab = tg_lab_names[j->lr->lab];
    char *inc = tg_path_join(s->datadir, "include");
    char *src = tg_asprintf("%s.c", lab);
    char *obj = tg_asprintf("../obj/%s.o", lab);
    char *log = tg_asprintf("out/%s.cc.log", lab);
    j->cc_log = log ? tg_path_join(s->scratch, log) : NULL;
    free(log);
    /* TTGRADE_DEBUG_CFLAGS: -gdwarf-4 where the compiler takes it, which
     * Valgrind reads whatever the compiler's default (configure.ac). */
    /* -fPIC: the object goes into the test program and into the memory
     * driver's shared object (memhost.c) */
    const char *words[] = {"-std=c11", "-O1", "-g", TTGRADE_DEBUG_CFLAGS, "-fno-omit-frame-pointer", "-fPIC",
                           "-Wall", "-Wextra", "-I", inc, "-c", src, "-o", obj};
    int bad = inc == NULL || src == NULL || obj == NULL || j->cc_log == NULL;
    tg_argv_add(&j->cc, s->cc);
    for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
        tg_argv_add(&j->cc, *w);
    for (size_t i = 0; !bad && i < sizeof words / sizeof words[0]; i++)
        if (words[i][0] != '\0')
            tg_argv_add(&j->cc, words[i]);
    free(inc);
    free(src);
    free(obj);
    if (bad || j->cc.failed)
        return -1;
    /* Run in src/, so that messages read "matmul.c:12:5: error: ...". */
    j->srcdir = tg_path_join(s->scratch, "src");
    if (j->srcdir == NULL)
        return -1;
    /* s->envp: TMPDIR in the scratch dir, so a killed compiler's temp files go with it */
    tg_task_set(&j->cc_task, j->cc.v, s->envp, j->srcdir, &s->jails->cc, j->cc_log,
                s->build_limit > 0 ? s->build_limit : TG_BUILD_SECONDS);
    return 0;
}

void tg_link_lab_argv(struct tg_argv *ld, const struct tg_setup *s, int lab, const char *const *opts,
                      const char *out, const char *kind)
{
    tg_argv_add(ld, s->cc);
    for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
        tg_argv_add(ld, *w);
    for (char **w = s->ld_args; w != NULL && *w != NULL; w++)
        tg_argv_add(ld, *w);
    for (const char *const *w = opts; w != NULL && *w != NULL; w++)
        tg_argv_add(ld, *w);
    tg_argv_add(ld, "-o");
    tg_argv_add(ld, out);
    tg_argv_addf(ld, "%s/%s/%s.o", s->datadir, kind, tg_lab_names[lab]);
    tg_argv_addf(ld, "obj/%s.o", tg_lab_names[lab]);
    for (int other = 0; other < tg_n_labs; other++)
        if (other != lab)
            tg_argv_addf(ld, "%s/ref/%s.o", s->datadir, tg_lab_names[other]);
}

static int build_link(struct lab_job *j, const struct tg_setup *s)
{
    const char *lab = tg_lab_names[j->lr->lab];
    char *log = tg_asprintf("out/%s.ld.log", lab);
    char *bin = tg_asprintf("bin/%s", lab);
    j->ld_log = log ? tg_path_join(s->scratch, log) : NULL;
    j->bin = bin ? tg_path_join(s->scratch, bin) : NULL;
    free(log);
    free(bin);
    if (j->ld_log == NULL || j->bin == NULL)
        return -1;
    tg_link_lab_argv(&j->ld, s, j->lr->lab, NULL, j->bin, "hidden");
    tg_argv_addf(&j->ld, "%s/hidden/libhidden.a", s->datadir);
    tg_argv_addf(&j->ld, "%s/libttsupport.a", s->datadir);
    for (char **w = s->criterion_libs; w != NULL && *w != NULL; w++)
        tg_argv_add(&j->ld, *w);
    tg_argv_add(&j->ld, "-lm");
    /* Criterion's libgit2 comes from the data dir's stand-in (grader/shim/),
     * found through the program's DT_RPATH, which (unlike DT_RUNPATH) the
     * loader also uses for libcriterion's own dependencies. -Xlinker keeps
     * a comma in the path whole. */
    if (s->jails->lib != NULL) {
        const char *words[] = {"-Wl,--disable-new-dtags", "-Xlinker", "-rpath", "-Xlinker", s->jails->lib};
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            tg_argv_add(&j->ld, words[i]);
    }
    if (j->ld.failed)
        return -1;
    tg_task_set(&j->ld_task, j->ld.v, s->envp, s->scratch, &s->jails->ld, j->ld_log,
                s->build_limit > 0 ? s->build_limit : TG_BUILD_SECONDS);
    return 0;
}

/* After a build step: 0 if it worked, 1 if the lab failed (recorded), -1 on
 * an internal error (the compiler could not be started, no memory). */
static int build_result(struct lab_job *j, const struct tg_setup *s, const struct tg_task *t, const char *log,
                        enum tg_lab_status fail_status, const char *what, char **err)
{
    if (!t->started) {
        *err = tg_asprintf("cannot run the C compiler %s: %s", s->cc, strerror(t->spawn_errno));
        return -1;
    }
    char *out = clean_build_log(s, log);
    if (out == NULL)
        return -1;
    free(j->lr->build_output);
    j->lr->build_output = out;
    if (tg_task_ok(t))
        return 0;
    char *why;
    if (t->timed_out)
        why = tg_asprintf("%s (stopped after %g s)", what, t->limit);
    else if (WIFSIGNALED(t->status))
        why = tg_asprintf("%s (the compiler was killed by signal %d)", what, WTERMSIG(t->status));
    else
        why = tg_strdup(what);
    int rc = why ? fail_build(j->lr, fail_status, why, out) : -1;
    free(why);
    return rc == 0 ? 1 : -1;
}

/* Checks the student's object before anything links it (inspect.c). Returns
 * 0 if it may be linked, 1 if it was refused (the lab fails with the reason,
 * and so does an object that cannot be read: fail closed), -1 when memory
 * ran out. */
static int inspect_object(struct lab_job *j, const struct tg_setup *s)
{
    const char *lab = tg_lab_names[j->lr->lab];
    char *rel = tg_asprintf("obj/%s.o", lab);
    char *path = rel ? tg_path_join(s->scratch, rel) : NULL;
    char *why = NULL;
    int r = path ? tg_inspect_object(path, j->lr->lab, &why) : -2;
    free(rel);
    free(path);
    if (r == 0)
        return 0;
    if (r == -2 || (r == 1 && why == NULL))
        return -1;
    if (why == NULL && (why = tg_asprintf("%s.c: the compiled object could not be inspected", lab)) == NULL)
        return -1;
    char *what = tg_asprintf("refused: %s", why);
    int rc = what ? fail_build(j->lr, TG_LAB_REFUSED, what, "") : -1;
    if (rc == 0) {
        free(j->lr->build_output);
        j->lr->build_output = why;
        why = NULL;
    }
    free(what);
    free(why);
    return rc == 0 ? 1 : -1;
}

/* ----------------------------------------------------- crash causes -- */

static void crash_run_free(struct crash_run *c)
{
    tg_argv_free(&c->argv);
    free(c->envp);
    free(c->xml);
    free(c->log);
}

/* Prepares the rerun of test `item` of lab job j, alone, under Valgrind, in
 * the test programs' jail; no CPU-time limits (Valgrind is slow), the wall-
 * clock limit TG_CRASH_VG_SECONDS. cpu_var is "TTGRADE_CPU_LIMITS=". */
static int crash_prepare(struct crash_run *c, const struct tg_setup *s, const char *valgrind, struct lab_job *j,
                         size_t item, const char *cpu_var)
{
    const char *lab = tg_lab_names[j->lr->lab], *test = j->lr->items[item].name;
    memset(c, 0, sizeof *c);
    c->lr = j->lr;
    c->item = item;
    char *xml = tg_asprintf("out/%s.%s.vg.%%p.xml", lab, test), *log = tg_asprintf("out/%s.%s.vg.log", lab, test);
    c->xml = xml ? tg_path_join(s->scratch, xml) : NULL;
    c->log = log ? tg_path_join(s->scratch, log) : NULL;
    free(xml);
    free(log);
    c->envp = tg_valgrind_env(s->envp, cpu_var);
    if (c->xml == NULL || c->log == NULL || c->envp == NULL)
        return -1;
    tg_crash_valgrind_argv(&c->argv, valgrind, c->xml, j->bin, lab, test, TG_CRASH_VG_SECONDS - 10);
    if (c->argv.failed)
        return -1;
    tg_task_set(&c->task, c->argv.v, c->envp, s->scratch, &s->jails->run, c->log, TG_CRASH_VG_SECONDS);
    return 0;
}

/* After crash run c: the cause Valgrind saw, added to the item's message
 * (crash.c); sig is the signal Criterion saw (-1: not known). Nothing found,
 * or the rerun failed: the message stays as it was. */
static int crash_collect(struct crash_run *c, int sig)
{
    struct tg_item *it = &c->lr->items[c->item];
    char file[64], *out = NULL;
    snprintf(file, sizeof file, "%s.c", tg_lab_names[c->lr->lab]);
    if (!c->task.started)
        return 0;
    if (tg_crash_explain(c->xml, file, sig, TG_MESSAGE_BYTES, &out) != 0)
        return -1;
    if (out != NULL) {
        free(it->output);
        it->output = out;
    }
    return 0;
}

/* ------------------------------------------------------ the tests phase -- */

/* The hidden tests as a phase of the scheduler (phase.h): build, link and
 * run each lab's test program, rerun alone each test that got no verdict,
 * and name the cause of each crash. */
struct tests_phase {
    struct tg_phase base;
    const struct tg_setup *s;
    const struct tg_intake *in;
    struct tg_result *res;
    size_t n;                  /* the selected labs */
    struct lab_job *jobs;      /* one per lab */
    size_t *sel, n_sel;        /* TG_R_BUILD, TG_R_LINK: the jobs whose tasks were handed out */
    struct run *runs;          /* TG_R_RUN: one per linked lab */
    size_t *run_job, n_runs;
    struct run *reruns;        /* TG_R_RERUN: one per test that got no verdict */
    size_t *rjob, n_reruns;
    struct crash_run *cr;      /* TG_R_EXPLAIN: the crashes rerun under Valgrind */
    int *sig;                  /* ... each one's signal, as Criterion said */
    size_t n_cr;
    int over;                  /* compile only (tg_setup.skip_tests): nothing after TG_R_BUILD */
    double t0;
};

/* TG_R_EXPLAIN: reruns the first TG_CRASH_RERUNS crashed tests of each lab
 * alone under Valgrind, to name each crash's cause in its message. */
static int crash_tasks(struct tests_phase *tp, struct tg_task_list *l)
{
    const struct tg_setup *s = tp->s;
    if (s->memcheck == NULL || s->memcheck->valgrind == NULL)
        return 0;
    size_t q = 0;
    for (size_t i = 0; i < tp->n; i++)
        for (size_t k = 0, m = 0; tp->jobs[i].linked && k < tp->jobs[i].lr->n_items && m < TG_CRASH_RERUNS; k++)
            if (tp->jobs[i].crashed[k] != 0)
                q++, m++;
    if (q == 0)
        return 0;
    tp->cr = calloc(q, sizeof *tp->cr);
    tp->sig = calloc(q, sizeof *tp->sig);
    if (tp->cr == NULL || tp->sig == NULL)
        return -1;
    for (size_t i = 0; i < tp->n; i++) {
        struct lab_job *j = &tp->jobs[i];
        for (size_t k = 0, m = 0; j->linked && k < j->lr->n_items && m < TG_CRASH_RERUNS; k++) {
            if (j->crashed[k] == 0)
                continue;
            size_t c = tp->n_cr++;
            tp->sig[c] = j->crashed[k];
            if (crash_prepare(&tp->cr[c], s, s->memcheck->valgrind, j, k, "TTGRADE_CPU_LIMITS=") != 0)
                return -1;
            struct tg_task *t = tg_task_list_add(l);
            if (t == NULL)
                return -1;
            *t = tp->cr[c].task;
            m++;
        }
    }
    return 0;
}

static int tests_tasks(struct tg_phase *ph, enum tg_round round, struct tg_task_list *l, char **err)
{
    struct tests_phase *tp = TG_CONTAINER_OF(ph, struct tests_phase, base);
    const struct tg_setup *s = tp->s;
    struct tg_task *t;
    (void)err;
    tp->n_sel = 0;
    if (tp->over)
        return 0;
    switch (round) {
    case TG_R_BUILD: /* every present lab file, compiled once */
        tp->t0 = tg_now();
        for (size_t i = 0; i < tp->n; i++) {
            if (!tp->in->present[tp->res->labs[i].lab])
                continue;
            if (build_compile(&tp->jobs[i], s) != 0 || (t = tg_task_list_add(l)) == NULL)
                return -1;
            *t = tp->jobs[i].cc_task;
            tp->sel[tp->n_sel++] = i;
        }
        return 0;
    case TG_R_LINK: /* each compiled lab, with the reference for the others */
        for (size_t i = 0; i < tp->n; i++) {
            if (!tp->jobs[i].compiled)
                continue;
            if (build_link(&tp->jobs[i], s) != 0 || (t = tg_task_list_add(l)) == NULL)
                return -1;
            *t = tp->jobs[i].ld_task;
            tp->sel[tp->n_sel++] = i;
        }
        return 0;
    case TG_R_RUN: /* each linked lab's test program */
        tp->t0 = tg_now();
        for (size_t i = 0; i < tp->n; i++) {
            if (!tp->jobs[i].linked)
                continue;
            if (run_prepare(&tp->runs[tp->n_runs], s, &tp->jobs[i], -1, tp->res->labs[i].n_items) != 0) {
                run_free(&tp->runs[tp->n_runs]);
                return -1;
            }
            tp->run_job[tp->n_runs++] = i;
        }
        for (size_t k = 0; k < tp->n_runs; k++) {
            if ((t = tg_task_list_add(l)) == NULL)
                return -1;
            *t = tp->runs[k].task;
        }
        return 0;
    case TG_R_RERUN: { /* one at a time, each test that got no verdict */
        if (tp->n_reruns == 0)
            return 0;
        tp->reruns = calloc(tp->n_reruns, sizeof *tp->reruns);
        tp->rjob = calloc(tp->n_reruns, sizeof *tp->rjob);
        size_t q = 0;
        int bad = tp->reruns == NULL || tp->rjob == NULL;
        for (size_t k = 0; !bad && k < tp->n_runs; k++) {
            struct lab_job *j = &tp->jobs[tp->run_job[k]];
            for (size_t i = 0; !bad && i < j->lr->n_items; i++) {
                if (j->verdict[i])
                    continue;
                int e = run_prepare(&tp->reruns[q], s, j, (int)i, 1);
                tp->rjob[q++] = tp->run_job[k];
                if (e != 0 || (t = tg_task_list_add(l)) == NULL)
                    bad = 1;
                else
                    *t = tp->reruns[q - 1].task;
            }
        }
        tp->n_reruns = tp->reruns != NULL ? q : 0;
        return bad ? -1 : 0;
    }
    case TG_R_EXPLAIN:
        return crash_tasks(tp, l);
    default:
        return 0;
    }
}

static int tests_done(struct tg_phase *ph, enum tg_round round, const struct tg_task *t, size_t k, char **err)
{
    struct tests_phase *tp = TG_CONTAINER_OF(ph, struct tests_phase, base);
    const struct tg_setup *s = tp->s;
    if (tp->over)
        return 0;
    switch (round) {
    case TG_R_BUILD:
        for (size_t q = 0; q < k; q++) {
            struct lab_job *j = &tp->jobs[tp->sel[q]];
            int r = build_result(j, s, &t[q], j->cc_log, TG_LAB_COMPILE_ERROR, "does not compile", err);
            if (r < 0)
                return -1;
            j->compiled = r == 0;
            if (j->compiled && (r = inspect_object(j, s)) != 0) {
                if (r < 0)
                    return -1;
                j->compiled = 0;
            }
        }
        if (s->skip_tests) {
            tp->res->t_compile = tg_now() - tp->t0;
            tp->over = 1;
        }
        return 0;
    case TG_R_LINK:
        for (size_t q = 0; q < k; q++) {
            struct lab_job *j = &tp->jobs[tp->sel[q]];
            char *keep = j->lr->build_output; /* the compiler's warnings */
            j->lr->build_output = NULL;
            int r = build_result(j, s, &t[q], j->ld_log, TG_LAB_LINK_ERROR, "does not link", err);
            if (r < 0) {
                free(keep);
                return -1;
            }
            j->linked = r == 0;
            if (j->linked) {
                free(j->lr->build_output);
                j->lr->build_output = keep;
            } else {
                free(keep);
            }
        }
        tp->res->t_compile = tg_now() - tp->t0;
        return 0;
    case TG_R_RUN:
        for (size_t q = 0; q < k; q++) {
            tp->runs[q].task = t[q];
            struct lab_job *j = &tp->jobs[tp->run_job[q]];
            if (collect_run(&tp->runs[q], j->verdict, tp->res) != 0 || keep_runner_output(&tp->runs[q]) != 0)
                return -1;
            for (size_t i = 0; i < j->lr->n_items; i++)
                if (!j->verdict[i])
                    tp->n_reruns++;
        }
        return 0;
    case TG_R_RERUN:
        for (size_t q = 0; q < k; q++) {
            tp->reruns[q].task = t[q];
            if (collect_run(&tp->reruns[q], tp->jobs[tp->rjob[q]].verdict, tp->res) != 0)
                return -1;
        }
        return 0;
    case TG_R_EXPLAIN:
        for (size_t q = 0; q < k; q++) {
            tp->cr[q].task = t[q];
            if (crash_collect(&tp->cr[q], tp->sig[q]) != 0)
                return -1;
        }
        tp->res->t_tests = tg_now() - tp->t0;
        return 0;
    default:
        return 0;
    }
}

static int tests_finish(struct tg_phase *ph, char **err)
{
    (void)ph;
    (void)err;
    return 0;
}

static void tests_free(struct tg_phase *ph)
{
    struct tests_phase *tp = TG_CONTAINER_OF(ph, struct tests_phase, base);
    for (size_t k = 0; tp->runs != NULL && k < tp->n_runs; k++)
        run_free(&tp->runs[k]);
    for (size_t k = 0; tp->reruns != NULL && k < tp->n_reruns; k++)
        run_free(&tp->reruns[k]);
    for (size_t k = 0; tp->cr != NULL && k < tp->n_cr; k++)
        crash_run_free(&tp->cr[k]);
    for (size_t i = 0; tp->jobs != NULL && i < tp->n; i++)
        job_free(&tp->jobs[i]);
    free(tp->jobs);
    free(tp->sel);
    free(tp->runs);
    free(tp->run_job);
    free(tp->reruns);
    free(tp->rjob);
    free(tp->cr);
    free(tp->sig);
    free(tp);
}

static const struct tg_phase_ops tests_phase_ops = {
    "hidden tests", tests_tasks, tests_done, tests_finish, tests_free,
};

/* The tests phase of res's selected labs, or NULL when memory ran out. */
static struct tg_phase *tests_phase_new(const struct tg_setup *s, const struct tg_intake *in, struct tg_result *res)
{
    struct tests_phase *tp = calloc(1, sizeof *tp);
    if (tp == NULL)
        return NULL;
    tp->base.ops = &tests_phase_ops;
    tp->s = s;
    tp->in = in;
    tp->res = res;
    tp->n = res->n_labs;
    size_t n1 = tp->n ? tp->n : 1;
    tp->jobs = calloc(n1, sizeof *tp->jobs);
    tp->sel = calloc(n1, sizeof *tp->sel);
    tp->runs = calloc(n1, sizeof *tp->runs);
    tp->run_job = calloc(n1, sizeof *tp->run_job);
    int bad = tp->jobs == NULL || tp->sel == NULL || tp->runs == NULL || tp->run_job == NULL;
    for (size_t i = 0; !bad && i < tp->n; i++) {
        struct lab_job *j = &tp->jobs[i];
        size_t ni = res->labs[i].n_items ? res->labs[i].n_items : 1;
        j->lr = &res->labs[i];
        j->verdict = calloc(ni, sizeof *j->verdict);
        j->crashed = calloc(ni, sizeof *j->crashed);
        bad = j->verdict == NULL || j->crashed == NULL;
        /* Only tests get their verdicts here (memory checks: memverdict.c). */
        for (size_t k = 0; !bad && k < res->labs[i].n_items; k++)
            j->verdict[k] = res->labs[i].items[k].category != TG_ITEM_TEST;
    }
    if (bad) {
        tests_free(&tp->base);
        return NULL;
    }
    return &tp->base;
}

int tg_grade(const struct tg_setup *s, const struct tg_rubric *rubric, const struct tg_intake *in,
             struct tg_result *res, char **err)
{
    (void)rubric;
    int rc = -1;
    /* In each round, the phases under Valgrind first: they take longest. */
    struct tg_phase *ph[3] = {NULL, NULL, NULL};
    /* what each step cost, for grader/calibrate.sh (proc.h); in the scratch
     * dir itself, where the sandbox cannot write */
    char *task_log = tg_path_join(s->scratch, "tasks.log");
    if (task_log == NULL)
        goto out;
    tg_proc_log(task_log);
    /* Lab 1's performance tier and the memory checks run their steps beside
     * the labs' (perf.h, memcheck.h); not in a compile-only run. */
    if (!s->skip_tests && ((ph[0] = tg_perf_phase(s->perf, s, res)) == NULL ||
                           (s->memcheck != NULL && (ph[1] = tg_memcheck_phase(s->memcheck, s, in, res)) == NULL)))
        goto out;
    if ((ph[2] = tests_phase_new(s, in, res)) == NULL)
        goto out;
    rc = tg_sched_run(ph, 3, s->jobs, err);
out:
    tg_proc_log(NULL);
    free(task_log);
    for (size_t i = 0; i < 3; i++)
        if (ph[i] != NULL)
            ph[i]->ops->free(ph[i]);
    if (rc != 0 && *err == NULL)
        *err = tg_strdup("out of memory");
    return rc;
}

char *tg_cc_version(const char *cc, const char *scratch)
{
    return tg_tool_version(cc, scratch, "out/cc-version.log");
}
