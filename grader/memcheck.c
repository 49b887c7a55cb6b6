/* memcheck.c - the memory checks (see memcheck.h): find Valgrind, link each
 * lab's memory driver with the student's object, run the drivers under
 * Valgrind in parallel, and read each XML report with libxml2's streaming
 * reader into one verdict per scenario.
 *
 * The report is read event by event, in the order Valgrind wrote it: the
 * driver's client messages open and close scenarios ("ttmem <token> begin X",
 * "... end X ran"), and every <error> (leak records included) and
 * <fatal_signal> in between belongs to the open scenario. What comes outside
 * any scenario, or after the driver's "done" (Valgrind's own leak check at
 * exit repeats everything), is not counted. The token is random per run and
 * reaches only the driver, so student code cannot forge the markers. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "timelimits.h"
#include "memcheck.h"
#include "proc.h"
#include "text.h"

/* The Valgrind configure found ("" if none); $TTGRADE_VALGRIND overrides it. */
#ifndef TTGRADE_VALGRIND
#define TTGRADE_VALGRIND ""
#endif

extern char **environ;

#define TG_MEM_LINK_SECONDS 30.0
#define TG_MEM_SLACK_SECONDS 20.0  /* Valgrind's start and exit around the scenarios */
#define TG_MEM_XML_MAX TG_CHILD_FSIZE_MAX
#define TG_MEM_LOG_READ 65536
#define TG_MEM_LOG_LINES 10
#define TG_MEM_LOG_BYTES 1536
#define TG_MEM_FIELD_MAX 160       /* a function or file name from the report */
#define TG_MEM_TEXT_MAX 600        /* a client message or an error's text */
#define TG_MEM_FRAMES 24           /* frames looked at per stack */
#define TG_MEM_PROBLEMS 5          /* problems listed per scenario, then "[... N more]" */
#define TG_MEM_NOTES 3             /* notes (not penalised) listed */
#define TG_MEM_OUTPUT_MAX 2048

/* ------------------------------------------------------------ helpers -- */

/* A NULL-terminated argv that owns its strings; failure is sticky. */
/* A scenario's title: its name with spaces for underscores. */
static void title_of(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s", name);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

/* ------------------------------------------------------- open / close -- */

static int set_skipped(struct tg_memcheck *mc, char *why)
{
    if (why == NULL)
        return -1;
    free(mc->skipped);
    mc->skipped = why;
    free(mc->valgrind);
    mc->valgrind = NULL;
    return 0;
}

int tg_memcheck_open(struct tg_memcheck *mc, const struct tg_rubric *rubric, const struct tg_result *res,
                     const char *datadir, int off)
{
    memset(mc, 0, sizeof *mc);
    for (int l = 0; l < tg_n_labs; l++)
        mc->lab_time[l] = -1;
    for (size_t i = 0; i < res->n_labs; i++)
        if (rubric->memory_checks[res->labs[i].lab] > 0)
            mc->wanted = 1;
    if (!mc->wanted)
        return 0;
    if (off)
        return set_skipped(mc, tg_strdup("turned off with --no-memcheck"));
    const char *env = getenv("TTGRADE_VALGRIND");
    const char *cand = env != NULL ? env : TTGRADE_VALGRIND;
    if (cand[0] == '\0')
        return set_skipped(mc, tg_strdup(env != NULL ? "valgrind was not found: $TTGRADE_VALGRIND is empty"
                                                     : "valgrind was not found when ttlab was configured; "
                                                       "install the Debian package valgrind and configure again"));
    errno = 0;
    mc->valgrind = tg_find_program(cand);
    if (mc->valgrind == NULL) {
        if (errno == ENOMEM)
            return -1;
        char *shown = tg_sanitize(cand, strlen(cand), 200);
        char *why = shown ? tg_asprintf("valgrind was not found: %s cannot be run (install the Debian package "
                                        "valgrind)", shown)
                          : NULL;
        free(shown);
        return set_skipped(mc, why);
    }
    char name[64];
    for (size_t i = 0; i < res->n_labs; i++) {
        snprintf(name, sizeof name, "memcheck/%s.o", tg_lab_names[res->labs[i].lab]);
        if (!tg_regular_file(datadir, name) || !tg_regular_file(datadir, "memcheck/libttmem.a"))
            return set_skipped(mc, tg_asprintf("the data directory has no memory driver %s", name));
    }
    if (!tg_regular_file(datadir, "memcheck/ttmemhost"))
        return set_skipped(mc, tg_strdup("the data directory has no memcheck/ttmemhost (the drivers' host)"));
    return 0;
}

void tg_memcheck_close(struct tg_memcheck *mc)
{
    free(mc->valgrind);
    free(mc->version);
    free(mc->skipped);
    memset(mc, 0, sizeof *mc);
    xmlCleanupParser();
}

/* ------------------------------------------------------------ reports -- */

const char *tg_item_title(const struct tg_item *it, char *buf, size_t len)
{
    if (it->category != TG_ITEM_MEMORY) {
        snprintf(buf, len, "%s", it->name ? it->name : "?");
        return buf;
    }
    char t[160];
    title_of(it->name ? it->name : "?", t, sizeof t);
    snprintf(buf, len, "memory: %s", t);
    return buf;
}

const char *tg_item_status(const struct tg_item *it)
{
    return it->ungraded ? "ungraded" : it->passed ? "passed" : "failed";
}

const char *tg_category_label(int category)
{
    return category == TG_ITEM_TEST ? "tests" : category == TG_ITEM_MEMORY ? "memory"
         : category == TG_ITEM_QUESTION ? "questions" : "other";
}

char *tg_ungraded_note(const struct tg_result *res)
{
    enum { N = 8 };
    double points[N] = {0};
    for (size_t i = 0; !res->error && i < res->n_labs; i++) {
        for (size_t j = 0; j < res->labs[i].n_items; j++) {
            const struct tg_item *it = &res->labs[i].items[j];
            if (it->ungraded)
                points[(unsigned)it->category < N ? (unsigned)it->category : N - 1] += it->points;
        }
    }
    const struct tg_memcheck *mc = res->memcheck;
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "");
    for (int c = 0; c < N; c++) {
        if (points[c] <= 0)
            continue;
        const char *why = c == TG_ITEM_MEMORY ? (mc ? mc->skipped : NULL) : (mc ? mc->tests_skipped : NULL);
        tg_buf_printf(&b, "%s: %g points ungraded (%s): left out of the score\n", tg_category_label(c), points[c],
                      why ? why : "not graded");
    }
    return tg_buf_take(&b);
}

/* Marks the items of `category` (or, with `others`, every item of another
 * category) ungraded, with output "ungraded: <why>". */
static int ungrade(struct tg_result *res, enum tg_item_category category, int others, const char *why)
{
    for (size_t i = 0; i < res->n_labs; i++) {
        for (size_t j = 0; j < res->labs[i].n_items; j++) {
            struct tg_item *it = &res->labs[i].items[j];
            if ((it->category == category) == others)
                continue;
            char *o = tg_asprintf("ungraded: %s", why);
            if (o == NULL)
                return -1;
            free(it->output);
            it->output = o;
            it->passed = 0;
            it->ungraded = 1;
        }
    }
    return 0;
}

int tg_memcheck_ungrade_tests(struct tg_memcheck *mc, struct tg_result *res, const char *why)
{
    mc->tests_skipped = why;
    return ungrade(res, TG_ITEM_MEMORY, 1, why);
}

/* ------------------------------------------------------ the XML report -- */

/* One scenario's findings while the report is read. */
struct scen {
    int begun, ended, ran;
    int disorder;               /* its markers came out of order */
    char *reason;               /* why it did not run (the driver's words) */
    char *crash;                /* the fatal signal inside it, described */
    /* The findings, by kind: errors, definitely lost, indirectly lost (all
     * penalised), then notes (possibly lost, still reachable). Each distinct
     * line once, with how many times it came (the same leak from a loop is
     * one line "(5 times)"); at most TG_MEM_PROBLEMS lines of a kind are kept,
     * n_found counts them all. */
    char *line[4][TG_MEM_PROBLEMS];
    size_t times[4][TG_MEM_PROBLEMS];
    size_t n_lines[4];
    size_t n_found[4];
};

enum { F_ERROR, F_DEFINITE, F_INDIRECT, F_NOTE };
#define PENALISED(sc) ((sc)->n_found[F_ERROR] + (sc)->n_found[F_DEFINITE] + (sc)->n_found[F_INDIRECT])

static void scen_free(struct scen *sc)
{
    free(sc->reason);
    free(sc->crash);
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < sc->n_lines[k]; i++)
            free(sc->line[k][i]);
}

struct parse {
    struct tg_lab_result *lr;
    const char *lab;
    char student_file[32];      /* "linear.c" */
    char prefix[96];            /* "ttmem <token> " */
    struct scen *sc;            /* one per item of lr (only memory items are used) */
    int active;                 /* the item whose scenario is open; -1: none; -2: one the rubric lacks */
    char *open_name;            /* the name of the open scenario */
    int done, finished;
    int oom;
    /* tg_memcheck_crash_cause: a hidden test's run, not a driver's; no
     * scenarios, and no place but the student's file may be named (the test
     * and reference files are hidden) */
    int crash_mode;
    char signame[32];           /* its <fatal_signal>, "" if none */
    char *sigplace;             /* and where it struck in the student's file, or NULL */
};

/* The sanitised text of n's first child element called `name`, or NULL. */
static char *child_text(struct parse *p, xmlNodePtr n, const char *name, size_t max)
{
    for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, name) != 0)
            continue;
        xmlChar *raw = xmlNodeGetContent(c);
        if (raw == NULL) {
            p->oom = 1;
            return NULL;
        }
        char *s = tg_sanitize((const char *)raw, strlen((const char *)raw), max);
        xmlFree(raw);
        if (s == NULL) {
            p->oom = 1;
            return NULL;
        }
        /* trim: Valgrind indents the closing tag of a client message */
        size_t len = strlen(s);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t'))
            s[--len] = '\0';
        return s;
    }
    return NULL;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* "linear.c:57 in linear_forward" for one frame, or NULL if it has no file. */
static char *frame_place(struct parse *p, xmlNodePtr f, int need_file)
{
    char *fn = child_text(p, f, "fn", TG_MEM_FIELD_MAX);
    char *file = child_text(p, f, "file", TG_MEM_FIELD_MAX);
    char *line = child_text(p, f, "line", 16);
    char *out = NULL;
    if (file != NULL)
        out = tg_asprintf("%s%s%s%s%s", file, line ? ":" : "", line ? line : "", fn ? " in " : "", fn ? fn : "");
    else if (!need_file && fn != NULL)
        out = tg_asprintf("%s", fn);
    if ((file != NULL || (!need_file && fn != NULL)) && out == NULL)
        p->oom = 1;
    free(fn);
    free(file);
    free(line);
    return out;
}

/* 1 if frame f is in a file whose name starts with `prefix` ("mem_") or,
 * with exact, is `prefix`. */
static int frame_in(struct parse *p, xmlNodePtr f, const char *prefix, int exact)
{
    char *file = child_text(p, f, "file", TG_MEM_FIELD_MAX);
    int in = file != NULL && (exact ? strcmp(file, prefix) == 0 : strncmp(file, prefix, strlen(prefix)) == 0);
    free(file);
    return in;
}

/* The student's frame frames[i] as a place, with the driver's first line
 * below it as context ("flatten.c:31 in tt_flatten, called from
 * mem_flatten.c:105 in scenario_x"), and how many times the same frame comes
 * again right below it, recursion collapsed ("(3 nested calls)"). */
static char *student_place(struct parse *p, xmlNodePtr *frames, size_t n, size_t i)
{
    char *here = frame_place(p, frames[i], 1);
    if (here == NULL)
        return NULL;
    size_t same = 1;
    while (i + same < n) {
        char *next = frame_place(p, frames[i + same], 1);
        int eq = next != NULL && strcmp(next, here) == 0;
        free(next);
        if (!eq)
            break;
        same++;
    }
    char *ctx = NULL;
    for (size_t k = i + same; !p->crash_mode && k < n && ctx == NULL; k++)
        if (frame_in(p, frames[k], "mem_", 0))
            ctx = frame_place(p, frames[k], 1);
    char *out = NULL;
    if (same > 1 || ctx != NULL) {
        char rep[32] = "";
        if (same > 1)
            snprintf(rep, sizeof rep, " (%zu nested calls)", same);
        out = tg_asprintf("%s%s%s%s", here, rep, ctx ? ", called from " : "", ctx ? ctx : "");
        if (out == NULL)
            p->oom = 1;
        free(here);
    } else {
        out = here;
    }
    free(ctx);
    return out;
}

/* Where a stack points, as students should read it: the first frame in their
 * own file (with the driver's line that led there); else the first two
 * frames in the (public) driver; else the first frame with a file; else the
 * first function. NULL if nothing at all, and in crash mode if no frame is
 * the student's. */
static char *stack_place(struct parse *p, xmlNodePtr stack)
{
    xmlNodePtr frames[TG_MEM_FRAMES];
    size_t n = 0;
    for (xmlNodePtr c = stack ? stack->children : NULL; c != NULL && n < TG_MEM_FRAMES; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "frame") == 0)
            frames[n++] = c;
    for (size_t i = 0; i < n; i++)
        if (frame_in(p, frames[i], p->student_file, 1))
            return student_place(p, frames, n, i);
    if (p->crash_mode)
        return NULL;
    char *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!frame_in(p, frames[i], "mem_", 0))
            continue;
        char *here = frame_place(p, frames[i], 1);
        if (first == NULL) {
            first = here;
            continue;
        }
        char *both = here ? tg_asprintf("%s, called from %s", first, here) : NULL;
        free(here);
        if (both == NULL)
            return first;
        free(first);
        return both;
    }
    if (first != NULL)
        return first;
    for (int need_file = 1; need_file >= 0; need_file--)
        for (size_t i = 0; i < n; i++) {
            char *here = frame_place(p, frames[i], need_file);
            if (here != NULL)
                return here;
        }
    return NULL;
}

/* Valgrind's "Address 0x4a420b0 is 0 bytes inside a block of size 10 free'd"
 * without the address, which changes from run to run (an address that is in
 * no block, "Address 0x0 is not stack'd, ...", stays: NULL is worth seeing). */
static const char *aux_phrase(const char *aux)
{
    if (strncmp(aux, "Address 0x", 10) == 0) {
        const char *is = strstr(aux, " is ");
        if (is != NULL && is[4] >= '0' && is[4] <= '9')
            return is + 4;
    }
    return aux;
}

/* ------------------------------------------------------ leak records -- */

/* What a leak record added in its scenario. Each scenario ends with
 * VALGRIND_DO_ADDED_LEAK_CHECK (memcheck/scenario.c), so Valgrind shows a
 * loss record only if it grew since the previous check; but a loss record is
 * an allocation stack, which several scenarios can leak into, and its
 * <leakedbytes> and <leakedblocks> are its totals so far. The increase is
 * only in its <text>, which Valgrind's mc_errors.c writes (numbers with
 * commas) as
 *
 *     TOTAL (+D) bytes in N (+D) blocks are definitely lost in loss record ...
 *     TOTAL (+D) (DIRECT (+D) direct, INDIRECT (+D) indirect) bytes in N (+D) blocks are ...
 *
 * Hand-written: this is one fixed sentence, and libxml2 has already given
 * us its text. */

/* A count as Valgrind prints it, "2,000"; advances *s. */
static int read_count(const char **s, unsigned long long *v)
{
    const char *p = *s;
    unsigned long long n = 0;
    int digits = 0;
    for (;; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n > (ULLONG_MAX - 9) / 10)
                return 0;
            n = n * 10 + (unsigned)(*p - '0');
            digits++;
        } else if (!(*p == ',' && digits > 0 && p[1] >= '0' && p[1] <= '9')) {
            break;
        }
    }
    if (digits == 0)
        return 0;
    *s = p;
    *v = n;
    return 1;
}

/* " (+D)" or " (-D)", the change since the previous leak check, as an
 * increase (0 for a decrease); advances *s. */
static int read_increase(const char **s, unsigned long long *inc)
{
    const char *p = *s;
    unsigned long long v;
    if (p[0] != ' ' || p[1] != '(' || (p[2] != '+' && p[2] != '-'))
        return 0;
    int up = p[2] == '+';
    p += 3;
    if (!read_count(&p, &v) || *p != ')')
        return 0;
    *s = p + 1;
    *inc = up ? v : 0;
    return 1;
}

static int read_word(const char **s, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(*s, word, n) != 0)
        return 0;
    *s += n;
    return 1;
}

/* The bytes (direct and indirect, as <leakedbytes> counts them) and blocks
 * a leak record's text says were added since the previous leak check; 0 if
 * the text is not the sentence above for `total` bytes (a leak check that is
 * not incremental, or a Valgrind that words it otherwise). */
static int leak_added(const char *text, const char *total, unsigned long long *bytes, unsigned long long *blocks)
{
    const char *p = text, *q = total;
    unsigned long long all, want, inc, direct, indirect, n, inc_n;
    if (!read_count(&p, &all) || !read_increase(&p, &inc) || !read_count(&q, &want) || *q != '\0' || all != want)
        return 0;
    if (read_word(&p, " (")) {
        if (!read_count(&p, &n) || !read_increase(&p, &direct) || !read_word(&p, " direct, ") ||
            !read_count(&p, &n) || !read_increase(&p, &indirect) || !read_word(&p, " indirect)"))
            return 0;
        inc = direct + indirect; /* a record can lose direct bytes and gain indirect ones */
    }
    if (!read_word(&p, " bytes in ") || !read_count(&p, &n) || !read_increase(&p, &inc_n) || !read_word(&p, " blocks"))
        return 0;
    *bytes = inc;
    *blocks = inc_n;
    return 1;
}

/* 1 if the error's first <auxwhat> says its address is in a block already
 * freed ("Address 0x... is 8 bytes inside a block of size 40 free'd", not
 * "... is not stack'd, malloc'd or (recently) free'd"). */
static int block_freed(xmlNodePtr node)
{
    xmlNodePtr aux = child(node, "auxwhat");
    xmlChar *raw = aux ? xmlNodeGetContent(aux) : NULL;
    const char *t = (const char *)raw;
    size_t len = t ? strlen(t) : 0;
    int freed = t != NULL && strstr(t, " inside a block of size ") != NULL && len > 7 &&
                strcmp(t + len - 7, " free'd") == 0;
    xmlFree(raw);
    return freed;
}

/* An <error>: a leak record or a memory error, inside scenario sc. */
static void on_error(struct parse *p, struct scen *sc, xmlNodePtr node)
{
    char *kind = child_text(p, node, "kind", 64);
    if (kind == NULL)
        return;
    char *where = stack_place(p, child(node, "stack"));
    char outside[64];
    snprintf(outside, sizeof outside, "a line outside %s", p->student_file);
    const char *at = where ? where : p->crash_mode ? outside : "an unknown place";
    char *line = NULL;
    int bucket = F_ERROR, none = 0;
    if (strncmp(kind, "Leak_", 5) == 0) {
        /* What this scenario added to the record (leak_added), never the
         * record's total, which includes earlier scenarios' leaks. */
        xmlNodePtr xw = child(node, "xwhat");
        char *text = child_text(p, xw, "text", TG_MEM_TEXT_MAX);
        char *total = child_text(p, xw, "leakedbytes", 24);
        char *bytes = NULL, *blocks = NULL;
        const char *tail = "";
        unsigned long long added, added_blocks;
        if (text != NULL && total != NULL && leak_added(text, total, &added, &added_blocks)) {
            none = added == 0 && added_blocks == 0; /* it did not grow: nothing of this scenario's */
            bytes = tg_asprintf("%llu", added);
            blocks = tg_asprintf("%llu", added_blocks);
            if (bytes == NULL || blocks == NULL)
                p->oom = 1;
        } else if (total != NULL) {
            /* Not the incremental sentence: the total, said to be one. */
            bytes = tg_strdup(total);
            blocks = child_text(p, xw, "leakedblocks", 24);
            tail = " (in all at that place so far: Valgrind's report gave no increase)";
            if (bytes == NULL)
                p->oom = 1;
        }
        free(text);
        free(total);
        const char *b = bytes ? bytes : "?";
        int many = blocks != NULL && strcmp(blocks, "1") != 0;
        if (strcmp(kind, "Leak_DefinitelyLost") == 0)
            bucket = F_DEFINITE, line = tg_asprintf("%s bytes definitely lost%s%s%s, allocated at %s%s", b,
                                                    many ? " (in " : "", many ? blocks : "", many ? " blocks)" : "", at,
                                                    tail);
        else if (strcmp(kind, "Leak_IndirectlyLost") == 0)
            bucket = F_INDIRECT, line = tg_asprintf("%s bytes indirectly lost (only lost blocks pointed to them), "
                                                    "allocated at %s%s", b, at, tail);
        else if (strcmp(kind, "Leak_PossiblyLost") == 0)
            bucket = F_NOTE, line = tg_asprintf("note: %s bytes possibly lost (not penalised), allocated at %s%s", b,
                                                at, tail);
        else
            bucket = F_NOTE, line = tg_asprintf("note: %s bytes still reachable after the scenario (not "
                                                "penalised), allocated at %s%s", b, at, tail);
        free(bytes);
        free(blocks);
    } else {
        /* invalid read/write/free, uninitialised value, mismatched free, ... */
        char *what = NULL;
        int freed = block_freed(node);
        if (strcmp(kind, "InvalidFree") == 0) /* Valgrind says "Invalid free() / delete / delete[] / realloc()" */
            what = tg_strdup(freed ? "Double free()" : "Invalid free() (not a block malloc returned)");
        else if (strcmp(kind, "MismatchedFree") == 0)
            what = tg_strdup("Mismatched free()");
        else if ((what = child_text(p, node, "what", TG_MEM_TEXT_MAX)) == NULL)
            what = child_text(p, child(node, "xwhat"), "text", TG_MEM_TEXT_MAX);
        if (what != NULL && freed && (strcmp(kind, "InvalidRead") == 0 || strcmp(kind, "InvalidWrite") == 0)) {
            char *t = tg_asprintf("Use after free: %c%s", what[0] == 'I' ? 'i' : what[0], what + (what[0] != '\0'));
            free(what);
            what = t;
            if (t == NULL)
                p->oom = 1;
        }
        struct tg_buf b = TG_BUF_INIT;
        tg_buf_printf(&b, "%s at %s", what ? what : kind, at);
        int shown = 0, first_stack = 1;
        for (xmlNodePtr c = node->children; c != NULL && shown < 2; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)c->name, "stack") == 0 && first_stack) {
                first_stack = 0;
                continue;
            }
            if (strcmp((const char *)c->name, "auxwhat") != 0)
                continue;
            xmlChar *raw = xmlNodeGetContent(c);
            char *aux = raw ? tg_sanitize((const char *)raw, strlen((const char *)raw), TG_MEM_TEXT_MAX) : NULL;
            xmlFree(raw);
            if (aux == NULL) {
                p->oom = 1;
                break;
            }
            xmlNodePtr next = c->next;
            while (next != NULL && next->type != XML_ELEMENT_NODE)
                next = next->next;
            char *aux_at = next && strcmp((const char *)next->name, "stack") == 0 ? stack_place(p, next) : NULL;
            const char *phrase = aux_phrase(aux);
            size_t pl = strlen(phrase);
            if (pl > 3 && strcmp(phrase + pl - 3, " at") == 0)
                pl -= 3; /* "Block was alloc'd at" */
            char first = phrase[0] >= 'A' && phrase[0] <= 'Z' ? (char)(phrase[0] - 'A' + 'a') : phrase[0];
            if (pl > 0)
                tg_buf_printf(&b, "; %c%.*s%s%s", first, (int)pl - 1, phrase + 1, aux_at ? " at " : "",
                              aux_at ? aux_at : "");
            free(aux);
            free(aux_at);
            shown++;
        }
        line = tg_buf_take(&b);
        free(what);
    }
    if (none) {
        /* not counted */
    } else if (line == NULL) {
        p->oom = 1;
    } else {
        /* the same line again counts once more; else keep only as many of
         * each kind as can be shown */
        size_t k = 0;
        while (k < sc->n_lines[bucket] && strcmp(sc->line[bucket][k], line) != 0)
            k++;
        if (k < sc->n_lines[bucket]) {
            sc->times[bucket][k]++;
        } else if (k < TG_MEM_PROBLEMS) {
            sc->line[bucket][k] = line;
            sc->times[bucket][k] = 1;
            sc->n_lines[bucket]++;
            line = NULL;
        }
        sc->n_found[bucket]++;
    }
    free(line);
    free(where);
    free(kind);
}

/* The item of a memory scenario name, or -1. */
static int find_item(const struct parse *p, const char *name)
{
    for (size_t i = 0; i < p->lr->n_items; i++)
        if (p->lr->items[i].category == TG_ITEM_MEMORY && strcmp(p->lr->items[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Notes a scenario the driver ran that the rubric does not list. */
static void note_extra(struct parse *p, const char *name)
{
    struct tg_lab_result *lr = p->lr;
    char *full = tg_asprintf("memory:%s", name);
    if (full == NULL) {
        p->oom = 1;
        return;
    }
    for (size_t i = 0; i < lr->n_extra; i++) {
        if (strcmp(lr->extra_tests[i], full) == 0) {
            free(full);
            return;
        }
    }
    char **ne = realloc(lr->extra_tests, (lr->n_extra + 1) * sizeof *ne);
    if (ne == NULL) {
        free(full);
        p->oom = 1;
        return;
    }
    lr->extra_tests = ne;
    lr->extra_tests[lr->n_extra++] = full;
}

/* A <clientmsg>: a marker of the driver, or anything else (ignored). */
static void on_clientmsg(struct parse *p, xmlNodePtr node)
{
    char *text = child_text(p, node, "text", TG_MEM_TEXT_MAX);
    size_t pl = strlen(p->prefix);
    if (text == NULL || strncmp(text, p->prefix, pl) != 0) {
        free(text);
        return;
    }
    char *cmd = text + pl;
    if (strncmp(cmd, "begin ", 6) == 0) {
        const char *name = cmd + 6;
        if (p->active >= 0)
            p->sc[p->active].disorder = 1; /* the open one never ended */
        int i = find_item(p, name);
        if (i >= 0 && p->sc[i].begun)
            p->sc[i].disorder = 1;
        if (i >= 0)
            p->sc[i].begun = 1;
        else
            note_extra(p, name);
        p->active = i >= 0 ? i : -2;
        free(p->open_name);
        p->open_name = tg_strdup(name);
        if (p->open_name == NULL)
            p->oom = 1;
    } else if (strncmp(cmd, "end ", 4) == 0) {
        char *name = cmd + 4;
        char *sp = strchr(name, ' ');
        const char *outcome = "";
        if (sp != NULL) {
            *sp = '\0';
            outcome = sp + 1;
        }
        int i = find_item(p, name);
        if (p->active == -2 || i < 0 || i != p->active) {
            /* the end of a scenario the rubric lacks is fine; any other
             * mismatch spoils both scenarios involved */
            if (i >= 0)
                p->sc[i].disorder = 1;
            if (p->active >= 0)
                p->sc[p->active].disorder = 1;
        } else {
            struct scen *sc = &p->sc[i];
            sc->ended = 1;
            if (strcmp(outcome, "ran") == 0) {
                sc->ran = 1;
            } else {
                const char *why = strncmp(outcome, "not-run ", 8) == 0 ? outcome + 8 : "the driver gave no reason";
                free(sc->reason);
                sc->reason = tg_strdup(why);
                if (sc->reason == NULL)
                    p->oom = 1;
            }
        }
        p->active = -1;
        free(p->open_name);
        p->open_name = NULL;
    } else if (strcmp(cmd, "done") == 0) {
        p->done = 1;
    }
    free(text);
}

/* A <fatal_signal>: the driver died inside the open scenario. */
static void on_fatal_signal(struct parse *p, xmlNodePtr node)
{
    if (p->crash_mode && p->signame[0] == '\0') {
        char *sig = child_text(p, node, "signame", sizeof p->signame);
        snprintf(p->signame, sizeof p->signame, "%s", sig ? sig : "");
        free(sig);
        free(p->sigplace);
        p->sigplace = stack_place(p, child(node, "stack"));
    }
    if (p->active < 0)
        return;
    struct scen *sc = &p->sc[p->active];
    char *name = child_text(p, node, "signame", 32);
    char *event = child_text(p, node, "event", 120);
    char *where = stack_place(p, child(node, "stack"));
    free(sc->crash);
    sc->crash = tg_asprintf("killed by %s%s%s%s at %s", name ? name : "a signal", event ? " (" : "",
                            event ? event : "", event ? ")" : "", where ? where : "an unknown place");
    if (sc->crash == NULL)
        p->oom = 1;
    free(name);
    free(event);
    free(where);
}

/* Feeds the top-level elements of a (whole) report to the handlers. */
static int read_events(struct parse *p, const char *text, size_t len)
{
    if (len > (size_t)0x7fffffff)
        return -1;
    xmlTextReaderPtr rd =
        xmlReaderForMemory(text, (int)len, "memcheck.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (rd == NULL)
        return -1;
    int r = xmlTextReaderRead(rd), seen = 0;
    while (r == 1 && !p->oom) {
        seen = 1;
        const xmlChar *name = xmlTextReaderConstName(rd);
        int ours = xmlTextReaderNodeType(rd) == XML_READER_TYPE_ELEMENT && xmlTextReaderDepth(rd) == 1 &&
                   name != NULL &&
                   (strcmp((const char *)name, "clientmsg") == 0 || strcmp((const char *)name, "error") == 0 ||
                    strcmp((const char *)name, "fatal_signal") == 0 || strcmp((const char *)name, "status") == 0);
        if (!ours) {
            r = xmlTextReaderRead(rd);
            continue;
        }
        xmlNodePtr node = xmlTextReaderExpand(rd);
        if (node == NULL)
            break; /* cut in the middle of this element */
        if (strcmp((const char *)name, "clientmsg") == 0) {
            on_clientmsg(p, node);
        } else if (strcmp((const char *)name, "error") == 0) {
            /* after "done" or FINISHED: Valgrind's own exit-time leak check */
            if (p->crash_mode)
                on_error(p, &p->sc[0], node);
            else if (!p->done && !p->finished && p->active >= 0)
                on_error(p, &p->sc[p->active], node);
        } else if (strcmp((const char *)name, "fatal_signal") == 0) {
            on_fatal_signal(p, node);
        } else {
            char *state = child_text(p, node, "state", 32);
            if (state != NULL && strcmp(state, "FINISHED") == 0)
                p->finished = 1;
            free(state);
        }
        r = xmlTextReaderNext(rd);
    }
    xmlFreeTextReader(rd);
    return seen ? 0 : -1;
}

/* The length of the report up to its last complete top-level element. A
 * Valgrind that was killed leaves a report cut anywhere, and libxml2's reader
 * would withhold the elements just before the cut; Valgrind writes top-level
 * elements from column 0 (their contents are indented), so the last line
 * that starts with "</" ends the last whole one. */
static size_t whole_elements(const char *text, size_t len)
{
    for (size_t i = len; i > 0; i--) {
        if (text[i - 1] == '\n' && i + 1 < len && text[i] == '<' && text[i + 1] == '/') {
            const char *nl = memchr(text + i, '\n', len - i);
            return nl ? (size_t)(nl - text) + 1 : len;
        }
    }
    return 0;
}

/* Reads the report of one lab into p. Returns 0 if it was read to its end
 * or to a cut (a killed Valgrind leaves a truncated report); -1 if it could
 * not be read at all. */
static int read_report(struct parse *p, const char *raw, size_t raw_len)
{
    static const char end[] = "</valgrindoutput>";
    char *fixed = NULL;
    const char *text = raw;
    size_t len = raw_len;
    if (strstr(raw, end) == NULL) {
        size_t keep = whole_elements(raw, raw_len);
        fixed = malloc(keep + sizeof end + 1);
        if (fixed == NULL) {
            p->oom = 1;
            return -1;
        }
        memcpy(fixed, raw, keep);
        memcpy(fixed + keep, end, sizeof end - 1);
        fixed[keep + sizeof end - 1] = '\n';
        fixed[keep + sizeof end] = '\0';
        text = fixed;
        len = keep + sizeof end;
    }
    int rc = read_events(p, text, len);
    free(fixed);
    return rc;
}

int tg_memcheck_crash_cause(const char *xml, size_t len, const char *student_file, char **cause, char signame[32])
{
    struct parse p;
    struct scen sc;
    memset(&p, 0, sizeof p);
    memset(&sc, 0, sizeof sc);
    *cause = NULL;
    signame[0] = '\0';
    p.crash_mode = 1;
    p.active = -1;
    p.sc = &sc;
    snprintf(p.student_file, sizeof p.student_file, "%s", student_file);
    int rc = read_report(&p, xml, len) == 0 ? 0 : 1;
    if (p.oom) {
        rc = -1;
    } else if (rc == 0) {
        snprintf(signame, 32, "%s", p.signame);
        if (sc.n_lines[F_ERROR] > 0) {
            const char *first = sc.line[F_ERROR][0];
            *cause = tg_asprintf("%c%s", first[0] >= 'A' && first[0] <= 'Z' ? first[0] - 'A' + 'a' : first[0],
                                 first + (first[0] != '\0'));
            if (*cause == NULL)
                rc = -1;
        } else if (p.sigplace != NULL && (*cause = tg_asprintf("at %s", p.sigplace)) == NULL) {
            rc = -1;
        }
    }
    scen_free(&sc);
    free(p.open_name);
    free(p.sigplace);
    return rc;
}

/* ------------------------------------------------------------ verdicts -- */

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
static char *log_head(const char *path, const struct tg_setup *s)
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

static int set_output(struct tg_item *it, int passed, char *text)
{
    if (text == NULL)
        return -1;
    char *clean = tg_sanitize(text, strlen(text), TG_MEM_OUTPUT_MAX);
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
static int fail_memory_items(struct tg_lab_result *lr, const char *text)
{
    for (size_t i = 0; i < lr->n_items; i++)
        if (lr->items[i].category == TG_ITEM_MEMORY && set_output(&lr->items[i], 0, tg_strdup(text)) != 0)
            return -1;
    return 0;
}

/* Appends up to *room of the kept lines of kind k to b, each with its count
 * when it came more than once; adds the findings shown to *shown. */
static void add_lines(struct tg_buf *b, const struct scen *sc, int k, size_t *room, size_t *shown)
{
    for (size_t i = 0; i < sc->n_lines[k] && *room > 0; i++) {
        if (b->len > 0)
            tg_buf_putc(b, '\n');
        tg_buf_puts(b, sc->line[k][i]);
        if (sc->times[k][i] > 1)
            tg_buf_printf(b, " (%zu times)", sc->times[k][i]);
        (*room)--;
        *shown += sc->times[k][i];
    }
}

/* The findings of a scenario, most telling first: memory errors, then
 * definitely lost, then indirectly lost blocks (at most TG_MEM_PROBLEMS
 * lines), then the notes (at most TG_MEM_NOTES). "" if none. */
static char *findings(const struct scen *sc)
{
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "");
    size_t room = TG_MEM_PROBLEMS, total = PENALISED(sc), shown = 0;
    for (int k = F_ERROR; k <= F_INDIRECT; k++)
        add_lines(&b, sc, k, &room, &shown);
    if (total > shown)
        tg_buf_printf(&b, "\n[... and %zu more problems]", total - shown);
    room = TG_MEM_NOTES;
    shown = 0;
    add_lines(&b, sc, F_NOTE, &room, &shown);
    if (sc->n_found[F_NOTE] > shown)
        tg_buf_printf(&b, "\n[... and %zu more notes]", sc->n_found[F_NOTE] - shown);
    return tg_buf_take(&b);
}

/* Turns a lab's parsed report and its run into verdicts. */
static int verdicts(struct parse *p, const struct tg_task *t, int readable, const char *log)
{
    struct tg_lab_result *lr = p->lr;
    char stop_title[160] = "";
    int stopped = p->active != -1; /* the report ends inside a scenario */
    if (stopped && p->open_name != NULL)
        title_of(p->open_name, stop_title, sizeof stop_title);
    for (size_t i = 0; i < lr->n_items; i++) {
        struct tg_item *it = &lr->items[i];
        if (it->category != TG_ITEM_MEMORY)
            continue;
        struct scen *sc = &p->sc[i];
        char *found = findings(sc);
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
                /* what it leaked on the way is the driver's unfinished business, mostly: counted, not listed */
                size_t n = PENALISED(sc);
                text = n > 0 ? tg_asprintf("not run: %s\n(Valgrind also saw %zu problem%s in it, not listed)",
                                           sc->reason ? sc->reason : "?", n, n == 1 ? "" : "s")
                             : tg_asprintf("not run: %s", sc->reason ? sc->reason : "?");
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
                               "made from this memcheck/mem_%s.c?)", it->name, p->lab);
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
        if (set_output(it, passed, text) != 0)
            return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- the run -- */

/* Each lab's driver is linked into a shared object (bin/mem_<lab>.so: the
 * driver, the student's object, the reference for the other labs), and one
 * Valgrind runs memcheck/ttmemhost, which forks a child per lab that loads
 * its object and runs it (see memcheck/ttmemhost.c): one Valgrind start per
 * submission instead of one per lab. The host's status file says which
 * child (pid, hence which XML report) was which lab and how each ended; a
 * lab without a line that says so gets no pass. */
struct mem_job {
    struct tg_lab_result *lr;
    struct tg_argv ld;
    char *ld_log, *so, *xml, *log;
    char *lost;                 /* why none of its scenarios has a result (the host did not end well), or NULL */
    struct tg_task ld_task;
    struct tg_task vg_task;     /* this lab's part of the host's run, as if it had been a run of its own */
    double limit;               /* its wall-clock limit in the host */
    int linked;
};

static void job_free(struct mem_job *j)
{
    tg_argv_free(&j->ld);
    free(j->ld_log);
    free(j->so);
    free(j->xml);
    free(j->log);
    free(j->lost);
}

/* 1 if the lab has memory items and its student object was built. */
static int lab_ready(const struct tg_lab_result *lr, const struct tg_intake *in, const struct tg_setup *s)
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

static int prepare_link(struct mem_job *j, const struct tg_setup *s)
{
    const char *lab = tg_lab_names[j->lr->lab];
    char *log = tg_asprintf("out/%s.mem-ld.log", lab), *so = tg_asprintf("bin/mem_%s.so", lab);
    j->ld_log = log ? tg_path_join(s->scratch, log) : NULL;
    j->so = so ? tg_path_join(s->scratch, so) : NULL;
    free(log);
    free(so);
    if (j->ld_log == NULL || j->so == NULL)
        return -1;
    tg_argv_add(&j->ld, s->cc);
    for (char **w = s->cc_args; w != NULL && *w != NULL; w++)
        tg_argv_add(&j->ld, *w);
    for (char **w = s->ld_args; w != NULL && *w != NULL; w++)
        tg_argv_add(&j->ld, *w);
    /* --no-undefined: a missing function is a link error here, as it is for
     * the test program, not a failure to load in the middle of the run */
    tg_argv_add(&j->ld, "-shared");
    tg_argv_add(&j->ld, "-Wl,--no-undefined");
    tg_argv_add(&j->ld, "-o");
    tg_argv_add(&j->ld, j->so);
    tg_argv_addf(&j->ld, "%s/memcheck/%s.o", s->datadir, lab);
    tg_argv_addf(&j->ld, "obj/%s.o", lab);
    for (int other = 0; other < tg_n_labs; other++)
        if (other != j->lr->lab)
            tg_argv_addf(&j->ld, "%s/ref/%s.o", s->datadir, tg_lab_names[other]);
    tg_argv_addf(&j->ld, "%s/memcheck/libttmem.a", s->datadir);
    tg_argv_addf(&j->ld, "%s/libttsupport.a", s->datadir);
    tg_argv_add(&j->ld, "-lm");
    if (j->ld.failed)
        return -1;
    j->ld_task.argv = j->ld.v;
    j->ld_task.envp = s->envp;
    j->ld_task.cwd = s->scratch;
    j->ld_task.confine = &s->jails->ld;
    j->ld_task.out_path = j->ld_log;
    j->ld_task.limit = TG_MEM_LINK_SECONDS;
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
 * driver that sleeps or blocks: the CPU-time limit comes first. */
static double idle_limit(const struct tg_setup *s)
{
    return 2 * s->timeout + 6;
}

static double lab_limit(const struct mem_job *j, const struct tg_setup *s)
{
    size_t n = 0;
    for (size_t i = 0; i < j->lr->n_items; i++)
        n += j->lr->items[i].category == TG_ITEM_MEMORY;
    return (double)n * idle_limit(s) + TG_MEM_SLACK_SECONDS;
}

/* One run of the host: the labs jobs[sel[0..n-1]], with origin tracking or
 * not. Run 1 has every lab, without origin tracking. Then each lab whose
 * errors need origins, or whose run 1 was lost (its host killed or stopped
 * by a lab's code), runs again alone, with origin tracking: alone, so that
 * its result is its own code's, whatever another lab did. */
struct host_run {
    struct tg_argv vg;
    char *status, *log, *xml_prefix;
    size_t *sel, n;
    struct tg_task task;
};

static void host_run_free(struct host_run *h)
{
    tg_argv_free(&h->vg);
    free(h->status);
    free(h->log);
    free(h->xml_prefix);
    free(h->sel);
    memset(h, 0, sizeof *h);
}

static int prepare_host(struct host_run *h, struct mem_job *jobs, const struct tg_setup *s, const char *valgrind,
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
    h->task.argv = h->vg.v;
    h->task.envp = envp;
    h->task.cwd = s->scratch;
    h->task.confine = &s->jails->run;
    h->task.out_path = h->log;
    /* the host keeps each lab to its own limits; this is the backstop, and
     * so is its heartbeat (a line a second) for a host stopped by a lab */
    h->task.limit = total;
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
static int read_status(struct host_run *h, struct mem_job *jobs, const struct tg_setup *s)
{
    char *text = h->task.started ? tg_read_file(h->status, 65536, NULL, NULL) : NULL;
    int begun = text != NULL && (strncmp(text, "start ", 6) == 0 || strstr(text, "\nstart ") != NULL);
    if (begun && !tg_task_ok(&h->task)) {
        free(text);
        return lose_run(h, jobs);
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

char **tg_valgrind_env(char *const *base, const char *token_var)
{
    size_t n = 0;
    while (base[n] != NULL)
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (env == NULL)
        return NULL;
    size_t name_len = strcspn(token_var, "=") + 1; /* "TTMEM_TOKEN=" */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(base[i], "VALGRIND_OPTS=", 14) != 0 && strncmp(base[i], token_var, name_len) != 0)
            env[k++] = base[i];
    env[k++] = (char *)token_var;
    env[k] = NULL;
    return env;
}

void tg_valgrind_token(char out[17])
{
    unsigned char raw[8];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, raw, sizeof raw) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof raw) {
        unsigned long long v = (unsigned long long)(tg_now() * 1e9) ^ ((unsigned long long)getpid() << 32);
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (unsigned char)(v >> (8 * i));
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* `valgrind --version`, one line, or NULL. */
static char *valgrind_version(const char *valgrind, const char *scratch)
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
static int needs_origins(const struct mem_job *j)
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

/* Reads lab j's report and gives its memory items their verdicts. */
static int collect(struct mem_job *j, const struct tg_setup *s, const char *token)
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
        return fail_memory_items(j->lr, j->lost);
    }
    int rc = -1, readable = 0;
    size_t len = 0;
    char *log = NULL;
    char *text = j->vg_task.started && j->xml ? tg_read_file(j->xml, TG_MEM_XML_MAX, &len, NULL) : NULL;
    if (text != NULL)
        readable = read_report(&p, text, len) == 0;
    if (p.oom)
        goto out;
    if (!readable && j->vg_task.started && (log = log_head(j->log, s)) == NULL)
        goto out;
    rc = verdicts(&p, &j->vg_task, readable, log);
out:
    for (size_t i = 0; i < j->lr->n_items; i++)
        scen_free(&p.sc[i]);
    free(p.sc);
    free(p.open_name);
    free(text);
    free(log);
    return rc;
}

/* One submission's memory checks, stage by stage (memcheck.h). */
struct tg_mem_plan {
    struct tg_memcheck *mc;
    const struct tg_setup *s;
    struct tg_result *res;
    struct mem_job *jobs;     /* one per selected lab */
    size_t n;
    size_t *map, n_map;       /* the jobs of the link tasks handed out last */
    struct host_run *runs;    /* the host's runs (room for n + 1) */
    size_t n_host;            /* runs handed out so far */
    size_t round2;            /* the first run of the second round */
    char token[17], *token_var, **envp;
    double t0;
};

void tg_memcheck_plan_free(struct tg_mem_plan *p)
{
    if (p == NULL)
        return;
    p->mc->t_total = tg_now() - p->t0;
    for (size_t i = 0; p->jobs != NULL && i < p->n; i++)
        job_free(&p->jobs[i]);
    for (size_t r = 0; p->runs != NULL && r < p->n + 1; r++)
        host_run_free(&p->runs[r]);
    free(p->runs);
    free(p->jobs);
    free(p->map);
    free(p->envp);
    free(p->token_var);
    free(p);
}

int tg_memcheck_begin(struct tg_memcheck *mc, const struct tg_setup *s, struct tg_result *res,
                      struct tg_mem_plan **plan)
{
    *plan = NULL;
    if (!mc->wanted || mc->skipped != NULL)
        return 0;
    struct tg_mem_plan *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -1;
    p->t0 = tg_now();
    p->mc = mc;
    p->s = s;
    p->res = res;
    p->n = res->n_labs;
    p->jobs = calloc(p->n ? p->n : 1, sizeof *p->jobs);
    p->map = calloc(p->n ? p->n : 1, sizeof *p->map);
    p->runs = calloc(p->n + 1, sizeof *p->runs);
    tg_valgrind_token(p->token);
    p->token_var = tg_asprintf("TTMEM_TOKEN=%s", p->token);
    p->envp = p->token_var ? tg_valgrind_env(s->envp, p->token_var) : NULL;
    if (p->jobs == NULL || p->map == NULL || p->runs == NULL || p->envp == NULL) {
        tg_memcheck_plan_free(p);
        return -1;
    }
    for (size_t i = 0; i < p->n; i++)
        p->jobs[i].lr = &res->labs[i];
    free(mc->version);
    mc->version = valgrind_version(mc->valgrind, s->scratch);
    *plan = p;
    return 0;
}

int tg_memcheck_link_tasks(struct tg_mem_plan *p, const struct tg_intake *in, struct tg_task *out, size_t *k)
{
    *k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!lab_ready(p->jobs[i].lr, in, p->s))
            continue;
        if (prepare_link(&p->jobs[i], p->s) != 0)
            return -1;
        out[*k] = p->jobs[i].ld_task;
        p->map[(*k)++] = i;
    }
    p->n_map = *k;
    return 0;
}

int tg_memcheck_links_done(struct tg_mem_plan *p, const struct tg_task *done, char **err)
{
    for (size_t k = 0; k < p->n_map; k++) {
        struct mem_job *j = &p->jobs[p->map[k]];
        j->ld_task = done[k];
        if (!j->ld_task.started) {
            *err = tg_asprintf("cannot run the C compiler %s: %s", p->s->cc, strerror(j->ld_task.spawn_errno));
            return -1;
        }
        if (tg_task_ok(&j->ld_task)) {
            j->linked = 1;
            continue;
        }
        char *head = log_head(j->ld_log, p->s);
        char *text = head ? tg_asprintf("not run: the memory driver did not link%s%s", head[0] ? ": " : "", head)
                          : NULL;
        free(head);
        int bad = text == NULL || fail_memory_items(j->lr, text) != 0;
        free(text);
        if (bad)
            return -1;
    }
    p->n_map = 0;
    return 0;
}

/* Hands out the next run of the host, for the selected labs (sel: taken):
 * out[*k] gets its task and *k grows, unless none is selected. */
static int hand_out(struct tg_mem_plan *p, size_t *sel, size_t n, struct tg_task *out, size_t *k)
{
    if (n == 0) {
        free(sel);
        return 0;
    }
    struct host_run *h = &p->runs[p->n_host++];
    h->sel = sel;
    h->n = n;
    if (prepare_host(h, p->jobs, p->s, p->mc->valgrind, p->envp, (int)p->n_host) != 0)
        return -1;
    out[(*k)++] = h->task;
    return 0;
}

int tg_memcheck_run_tasks(struct tg_mem_plan *p, struct tg_task *out, size_t *k)
{
    size_t *sel = calloc(p->n ? p->n : 1, sizeof *sel), n = 0;
    *k = 0;
    if (sel == NULL)
        return -1;
    for (size_t i = 0; i < p->n; i++)
        if (p->jobs[i].linked)
            sel[n++] = i;
    return hand_out(p, sel, n, out, k);
}

int tg_memcheck_runs_done(struct tg_mem_plan *p, const struct tg_task *done, struct tg_task *out, size_t *k)
{
    struct host_run *h = &p->runs[0];
    *k = 0;
    p->round2 = p->n_host;
    if (p->n_host < 1)
        return 0;
    h->task = done[0];
    if (read_status(h, p->jobs, p->s) != 0)
        return -1;
    for (size_t i = 0; i < h->n; i++) {
        struct mem_job *j = &p->jobs[h->sel[i]];
        p->mc->lab_time[j->lr->lab] = j->vg_task.elapsed;
        if (j->lost == NULL && !needs_origins(j))
            continue;
        size_t *one = malloc(sizeof *one);
        if (one == NULL)
            return -1;
        *one = h->sel[i];
        free(j->lost);
        j->lost = NULL;
        if (hand_out(p, one, 1, out, k) != 0)
            return -1;
    }
    return 0;
}

int tg_memcheck_finish(struct tg_mem_plan *p, const struct tg_task *done)
{
    for (size_t r = p->round2; r < p->n_host; r++) {
        struct host_run *h = &p->runs[r];
        h->task = done[r - p->round2];
        if (read_status(h, p->jobs, p->s) != 0)
            return -1;
        for (size_t i = 0; i < h->n; i++) {
            struct mem_job *j = &p->jobs[h->sel[i]];
            p->mc->lab_time[j->lr->lab] += j->vg_task.elapsed;
        }
    }
    struct host_run *h = &p->runs[0];
    for (size_t i = 0; p->n_host > 0 && i < h->n; i++)
        if (collect(&p->jobs[h->sel[i]], p->s, p->token) != 0)
            return -1;
    p->mc->done = 1;
    return 0;
}

/* One stage's tasks on their own pool. */
static int run_alone(struct tg_task *tasks, size_t k, unsigned jobs, char **err)
{
    if (tg_run_tasks(tasks, k, jobs) == 0)
        return 0;
    *err = tg_strdup("interrupted");
    return -1;
}

int tg_memcheck_run(struct tg_memcheck *mc, const struct tg_setup *s, const struct tg_intake *in,
                    struct tg_result *res, char **err)
{
    *err = NULL;
    if (mc->done || !mc->wanted)
        return 0;
    if (mc->skipped != NULL)
        return ungrade(res, TG_ITEM_MEMORY, 0, mc->skipped);
    struct tg_mem_plan *p = NULL;
    size_t n = res->n_labs, k = 0;
    struct tg_task *tasks = calloc(n ? n : 1, sizeof *tasks);
    int rc = -1;
    if (tasks == NULL || tg_memcheck_begin(mc, s, res, &p) != 0 || p == NULL)
        goto out;
    if (tg_memcheck_link_tasks(p, in, tasks, &k) != 0 || run_alone(tasks, k, s->jobs, err) != 0 ||
        tg_memcheck_links_done(p, tasks, err) != 0)
        goto out;
    if (tg_memcheck_run_tasks(p, tasks, &k) != 0 || run_alone(tasks, k, s->jobs, err) != 0 ||
        tg_memcheck_runs_done(p, tasks, tasks, &k) != 0 || run_alone(tasks, k, s->jobs, err) != 0 ||
        tg_memcheck_finish(p, tasks) != 0)
        goto out;
    rc = 0;
out:
    tg_memcheck_plan_free(p);
    free(tasks);
    return rc;
}
