/* memxml.c - reads Valgrind's XML report of a lab's memory driver with
 * libxml2's streaming reader into one set of findings per scenario
 * (memcheck_int.h), and the cause of a hidden test's crash from the report
 * of its rerun (tg_memcheck_crash_cause, memcheck.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "memcheck_int.h"

void mem_scen_free(struct scen *sc)
{
    free(sc->reason);
    free(sc->crash);
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < sc->n_lines[k]; i++)
            free(sc->line[k][i]);
}

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
int mem_read_report(struct parse *p, const char *raw, size_t raw_len)
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
    int rc = mem_read_report(&p, xml, len) == 0 ? 0 : 1;
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
    mem_scen_free(&sc);
    free(p.open_name);
    free(p.sigplace);
    return rc;
}
