/* memverdict.c - a lab's memory items get their verdicts: its report read
 * (memxml.c) and how its driver's run ended (memhost.c) become one pass or
 * fail, with the findings, per scenario (memcheck.h says how it scores). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "memcheck_int.h"

/* How the driver's run ended, for the scenarios after the one it stopped in:
 * "crashed", "hung" or "stopped" (it exited). */
static const char *stop_verb(const struct tg_task *t)
{
    if (t->timed_out)
        return "hung";
    if (t->started && WIFSIGNALED(t->status))
        return "crashed";
    return "stopped";
}

/* The first lines of a log, stripped of the scratch and data paths. */
char *mem_log_head(const char *path, const struct tg_setup *s)
{
    size_t len = 0;
    char *raw = tg_read_file(path, TG_MEM_LOG_READ, &len, NULL);
    char *text = raw ? tg_sanitize(raw, len, TG_MEM_LOG_READ) : tg_strdup("");
    free(raw);
    const char *from[] = {s->scratch, s->datadir};
    for (size_t i = 0; i < 2 && text != NULL; i++) {
        char *slash = tg_path_join(from[i], "");
        char *t = slash ? tg_replace_all(text, slash, "") : NULL;
        free(slash);
        free(text);
        text = t;
    }
    char *head = text ? tg_trim_lines(text, TG_MEM_LOG_LINES, TG_MEM_LOG_BYTES) : NULL;
    free(text);
    return head;
}

/* Gives it its verdict and output (text, taken), cut to max bytes. */
static int set_output(struct tg_item *it, int passed, char *text, size_t max)
{
    if (text == NULL)
        return -1;
    char *clean = tg_sanitize(text, strlen(text), max);
    free(text);
    if (clean == NULL)
        return -1;
    free(it->output);
    it->output = clean;
    it->passed = passed;
    it->time = 0;
    return 0;
}

/* Gives every memory item of lr the same failing output. */
int mem_fail_memory_items(struct tg_lab_result *lr, const char *text)
{
    for (size_t i = 0; i < lr->n_items; i++)
        if (lr->items[i].category == TG_ITEM_MEMORY &&
            set_output(&lr->items[i], 0, tg_strdup(text), TG_MEM_OUTPUT_MAX) != 0)
            return -1;
    return 0;
}

/* Appends up to *room of the kept lines of kind k to b, each after indent
 * and with its count when it came more than once; adds the findings shown to
 * *shown. */
static void add_lines(struct tg_buf *b, const struct scen *sc, int k, const char *indent, size_t *room,
                      size_t *shown)
{
    for (size_t i = 0; i < sc->n_lines[k] && *room > 0; i++) {
        if (b->len > 0)
            tg_buf_putc(b, '\n');
        tg_buf_puts(b, indent);
        tg_buf_puts(b, sc->line[k][i]);
        if (sc->times[k][i] > 1)
            tg_buf_printf(b, " (%zu times)", sc->times[k][i]);
        (*room)--;
        *shown += sc->times[k][i];
    }
}

/* The findings of a scenario, most telling first: memory errors, then
 * definitely lost, then indirectly lost blocks (at most TG_MEM_PROBLEMS
 * lines; with all, every one kept, TG_MEM_KEPT of each kind), then the
 * notes (at most TG_MEM_NOTES; with all, every one kept). Blocks
 * indirectly lost beside definitely lost ones are listed under them: they
 * were lost because those were (Valgrind does not say which owned which).
 * "" if none. */
static char *findings(const struct scen *sc, int all)
{
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "");
    size_t room = all ? SIZE_MAX : TG_MEM_PROBLEMS, total = PENALISED(sc), shown = 0;
    add_lines(&b, sc, F_ERROR, "", &room, &shown);
    add_lines(&b, sc, F_DEFINITE, "", &room, &shown);
    const char *under = "";
    if (sc->n_lines[F_DEFINITE] > 0 && sc->n_lines[F_INDIRECT] > 0 && room > 0) {
        tg_buf_puts(&b, "\n  and the blocks only those pointed to (free the blocks above, and these go with them):");
        under = "    ";
    }
    add_lines(&b, sc, F_INDIRECT, under, &room, &shown);
    if (total > shown)
        tg_buf_printf(&b, "\n[... and %zu more problems%s]", total - shown,
                      all ? "" : ": ttgrade --all-findings lists them");
    room = all ? SIZE_MAX : TG_MEM_NOTES;
    shown = 0;
    add_lines(&b, sc, F_NOTE, "", &room, &shown);
    if (sc->n_found[F_NOTE] > shown)
        tg_buf_printf(&b, "\n[... and %zu more notes%s]", sc->n_found[F_NOTE] - shown,
                      all ? "" : ": ttgrade --all-findings lists them");
    return tg_buf_take(&b);
}

/* Turns a lab's parsed report and its run into verdicts. */
static int verdicts(struct parse *p, const struct tg_task *t, int readable, const char *log, int all)
{
    struct tg_lab_result *lr = p->lr;
    char stop_title[160] = "";
    int stopped = p->active != -1; /* the report ends inside a scenario */
    if (stopped && p->open_name != NULL)
        tg_scenario_title(p->open_name, stop_title, sizeof stop_title);
    for (size_t i = 0; i < lr->n_items; i++) {
        struct tg_item *it = &lr->items[i];
        if (it->category != TG_ITEM_MEMORY)
            continue;
        struct scen *sc = &p->sc[i];
        char *found = findings(sc, all);
        if (found == NULL)
            return -1;
        const char *sep = found[0] ? "\n" : "";
        char *text = NULL;
        int passed = 0;
        if (sc->disorder) {
            text = tg_asprintf("no result: the memory report was inconsistent (this scenario's markers are "
                               "missing, repeated or out of order)%s%s", sep, found);
        } else if (sc->begun && sc->ended) {
            if (!sc->ran) {
                /* what it leaked on the way is the driver's unfinished business, mostly: counted, and
                 * listed only when asked for */
                size_t n = PENALISED(sc);
                const char *s = n == 1 ? "" : "s";
                text = n == 0 ? tg_asprintf("not run: %s", sc->reason ? sc->reason : "?")
                     : all    ? tg_asprintf("not run: %s\n(Valgrind also saw %zu problem%s in it, mostly left by "
                                            "the unfinished scenario:)\n%s",
                                            sc->reason ? sc->reason : "?", n, s, found)
                              : tg_asprintf("not run: %s\n(Valgrind also saw %zu problem%s in it, mostly left by "
                                            "the unfinished scenario: ttgrade --all-findings lists them)",
                                            sc->reason ? sc->reason : "?", n, s);
            } else if (PENALISED(sc) > 0) {
                text = tg_asprintf("%s", found);
            } else {
                passed = 1;
                text = tg_asprintf("%s", found);
            }
        } else if (sc->begun) {
            /* the driver never came back from this scenario */
            char *how = NULL;
            if (sc->crash != NULL)
                how = tg_asprintf("the memory driver crashed in this scenario: %s", sc->crash);
            else if (t->cpu_killed)
                how = tg_asprintf("the memory driver hung in this scenario: stopped after %g s of CPU time "
                                  "without progress",
                                  t->cpu_limit);
            else if (t->idle_killed)
                how = tg_asprintf("the memory driver hung in this scenario: stopped after %g s without progress",
                                  t->idle_limit);
            else if (t->timed_out)
                how = tg_asprintf("the memory driver hung in this scenario: stopped after %g s", t->limit);
            else if (WIFSIGNALED(t->status))
                how = tg_asprintf("the memory driver crashed in this scenario: killed by signal %d (%s)",
                                  WTERMSIG(t->status), strsignal(WTERMSIG(t->status)));
            else if (WIFEXITED(t->status))
                how = tg_asprintf("the memory driver exited (status %d) in the middle of this scenario",
                                  WEXITSTATUS(t->status));
            else
                how = tg_strdup("the memory driver stopped in the middle of this scenario");
            text = how ? tg_asprintf("%s%s%s", how, sep, found) : NULL;
            free(how);
        } else if (stopped) {
            text = tg_asprintf("not run: the memory driver %s in scenario \"%s\"", stop_verb(t),
                               stop_title[0] ? stop_title : "?");
        } else if (p->done) {
            text = tg_asprintf("not run: the memory driver has no scenario %s (is the data dir's rubric.txt "
                               "made from this mem_%s.c?)", it->name, p->lab);
        } else if (!t->started) {
            text = tg_asprintf("not run: Valgrind could not be started: %s", strerror(t->spawn_errno));
        } else if (!readable) {
            text = tg_asprintf("no result: Valgrind wrote no readable report%s%s", log && log[0] ? ": " : "",
                               log ? log : "");
        } else {
            char *how = tg_task_outcome(t);
            text = how ? tg_asprintf("not run: the memory driver stopped before this scenario (it %s)", how) : NULL;
            free(how);
        }
        free(found);
        if (set_output(it, passed, text, all ? TG_MEM_OUTPUT_ALL_MAX : TG_MEM_OUTPUT_MAX) != 0)
            return -1;
    }
    return 0;
}

/* Reads lab j's report and gives its memory items their verdicts. */
int mem_collect(struct mem_job *j, const struct tg_setup *s, const char *token, int all)
{
    struct parse p;
    memset(&p, 0, sizeof p);
    p.lr = j->lr;
    p.lab = tg_lab_names[j->lr->lab];
    p.active = -1;
    snprintf(p.student_file, sizeof p.student_file, "%s.c", p.lab);
    snprintf(p.prefix, sizeof p.prefix, "ttmem %s ", token);
    p.sc = calloc(j->lr->n_items ? j->lr->n_items : 1, sizeof *p.sc);
    if (p.sc == NULL)
        return -1;
    if (j->lost != NULL) {
        free(p.sc);
        return mem_fail_memory_items(j->lr, j->lost);
    }
    int rc = -1, readable = 0;
    size_t len = 0;
    char *log = NULL;
    char *text = j->vg_task.started && j->xml ? tg_read_file(j->xml, TG_MEM_XML_MAX, &len, NULL) : NULL;
    if (text != NULL)
        readable = mem_read_report(&p, text, len) == 0;
    if (p.oom)
        goto out;
    if (!readable && j->vg_task.started && (log = mem_log_head(j->log, s)) == NULL)
        goto out;
    rc = verdicts(&p, &j->vg_task, readable, log, all);
out:
    for (size_t i = 0; i < j->lr->n_items; i++)
        mem_scen_free(&p.sc[i]);
    free(p.sc);
    free(p.open_name);
    free(text);
    free(log);
    return rc;
}
