/* attribute.c - says whose fault a failure message points at (attribute.h):
 * another lab's function, the test's setup, or a block the driver handed over.
 * Reads only the messages, the lab table and the rubric's descriptions. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "text.h"

/* The lab whose file defines function fn (labs/manifest), or -1. */
static int lab_of_function(const char *fn, size_t len)
{
    for (int l = 0; l < tg_n_labs; l++)
        for (const char *const *f = tg_lab_functions[l]; f != NULL && *f != NULL; f++)
            if (strlen(*f) == len && strncmp(*f, fn, len) == 0)
                return l;
    return -1;
}

/* The first error the message quotes, "TT_<NAME>: tt_<fn>: ...": sets *fn and
 * *len to the function's name and returns 1, or returns 0. */
static int quoted_error(const char *s, const char **fn, size_t *len)
{
    for (const char *p = strstr(s, "TT_E"); p != NULL; p = strstr(p + 1, "TT_E")) {
        const char *q = p + 3;
        while (*q >= 'A' && *q <= 'Z')
            q++;
        if (strncmp(q, ": tt_", 5) != 0)
            continue;
        const char *name = q + 2, *e = name;
        while ((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') || *e == '_')
            e++;
        if (*e == ':') {
            *fn = name;
            *len = (size_t)(e - name);
            return 1;
        }
    }
    return 0;
}

/* 1 if a line of a memory finding reports a lost block whose allocation's
 * first frame is the driver's (memcheck.c writes "allocated at <file>:..."). */
static int driver_allocated_leak(const char *s)
{
    for (const char *p = strstr(s, " lost"); p != NULL; p = strstr(p + 1, " lost")) {
        const char *eol = strchr(p, '\n');
        const char *at = strstr(p, ", allocated at mem_");
        if (at != NULL && (eol == NULL || at < eol) && strncmp(p, " lost (only", 11) != 0)
            return 1;
    }
    return 0;
}

/* The student's file, lines by number: a copy whose line i starts at line[i]
 * (1-based), its newlines made NULs. */
struct source {
    char *text;
    char **line;
    size_t n;
};

static void source_free(struct source *src)
{
    free(src->text);
    free(src->line);
    memset(src, 0, sizeof *src);
}

/* Reads dir/<lab>.c into src; 0, or -1 (src empty) if it cannot be read: the
 * notes that need it are then left out. */
static int source_read(const char *dir, int lab, struct source *src)
{
    memset(src, 0, sizeof *src);
    char *name = tg_asprintf("%s.c", tg_lab_names[lab]);
    char *path = name && dir ? tg_path_join(dir, name) : NULL;
    free(name);
    size_t len = 0;
    src->text = path ? tg_read_file(path, (size_t)TG_LAB_FILE_MAX, &len, NULL) : NULL;
    free(path);
    if (src->text == NULL)
        return -1;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += src->text[i] == '\n';
    src->line = calloc(lines + 1, sizeof *src->line);
    if (src->line == NULL) {
        source_free(src);
        return -1;
    }
    char *p = src->text;
    src->line[++src->n] = p;
    for (size_t i = 0; i < len; i++)
        if (src->text[i] == '\n') {
            src->text[i] = '\0';
            src->line[++src->n] = src->text + i + 1;
        }
    return 0;
}

/* The longest function name looked for in the student's file. */
#define TG_FUNCTION_MAX 128

/* 1 if line holds a call (or the definition) of the function fn (len bytes). */
static int names_function(const char *line, const char *fn, size_t len)
{
    char name[TG_FUNCTION_MAX];
    if (len == 0 || len >= sizeof name)
        return 0;
    memcpy(name, fn, len);
    name[len] = '\0';
    for (const char *p = strstr(line, name); p != NULL; p = strstr(p + 1, name)) {
        int before = p > line && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
                                  (p[-1] >= '0' && p[-1] <= '9') || p[-1] == '_');
        const char *q = p + len;
        while (*q == ' ')
            q++;
        if (!before && *q == '(')
            return 1;
    }
    return 0;
}

/* The only line of src after `from` that holds text (NUL-terminated), or 0
 * if none or several do. */
static size_t only_line(const struct source *src, size_t from, const char *text)
{
    size_t found = 0;
    for (size_t i = from + 1; i <= src->n; i++)
        if (strstr(src->line[i], text) != NULL) {
            if (found != 0)
                return 0;
            found = i;
        }
    return found;
}

/* The line of src that defines function fn (len bytes): the first line that
 * names it and starts in column 1, or 0. */
static size_t definition(const struct source *src, const char *fn, size_t len)
{
    for (size_t i = 1; i <= src->n; i++)
        if (src->line[i][0] != ' ' && src->line[i][0] != '\t' && names_function(src->line[i], fn, len))
            return i;
    return 0;
}

/* The line of the function defined at line def that calls
 * tt_not_implemented outside a comment (up to the function's closing brace
 * in column 1), or 0. */
static size_t stub_line(const struct source *src, size_t def)
{
    for (size_t i = def + 1; i <= src->n && src->line[i][0] != '}'; i++) {
        const char *call = strstr(src->line[i], "tt_not_implemented(");
        if (call == NULL)
            continue;
        const char *c1 = strstr(src->line[i], "/*"), *c2 = strstr(src->line[i], "//");
        if ((c1 == NULL || c1 > call) && (c2 == NULL || c2 > call))
            return i;
    }
    return 0;
}

/* The only line of src that calls fn (len bytes), or 0. */
static size_t only_call(const struct source *src, const char *fn, size_t len)
{
    size_t found = 0;
    for (size_t i = 1; i <= src->n; i++)
        if ((src->line[i][0] == ' ' || src->line[i][0] == '\t') && names_function(src->line[i], fn, len)) {
            if (found != 0)
                return 0;
            found = i;
        }
    return found;
}

/* The line of src that records the error message msg (the text after
 * "tt_<fn>: "): the only line holding the longest stretch of msg with no
 * digit, quote or parenthesis (what a format string writes literally), if
 * that stretch is 10 bytes or more; else 0. */
static size_t recorded_at(const struct source *src, const char *msg)
{
    const char *best = NULL;
    size_t best_len = 0;
    for (const char *p = msg; *p != '\0' && *p != '\n';) {
        size_t n = strcspn(p, "0123456789\"'()\n");
        if (n > best_len) {
            best = p;
            best_len = n;
        }
        p += n;
        if (*p != '\0' && *p != '\n')
            p++;
    }
    while (best_len > 0 && best[best_len - 1] == ' ')
        best_len--;
    if (best_len < 10)
        return 0;
    char *text = tg_strndup(best, best_len);
    size_t line = text ? only_line(src, 0, text) : 0;
    free(text);
    return line;
}

/* The notes for one failed item of lab l, appended to b; src is the
 * student's file (n == 0 if it could not be read). */
static void notes(const struct tg_item *it, int l, const char *text, const struct source *src, struct tg_buf *b)
{
    const char *fn;
    size_t len;
    if (quoted_error(text, &fn, &len)) {
        int owner = lab_of_function(fn, len);
        const char *msg = fn + len + 1;
        while (*msg == ' ')
            msg++;
        if (owner >= 0 && owner != l) {
            tg_buf_printf(b, "\nthe failing call was %.*s, lab %d, %s.c (the reference's here: look at what your %s.c",
                          (int)len, fn, owner + 1, tg_lab_names[owner], tg_lab_names[l]);
            size_t at = only_call(src, fn, len);
            if (at != 0)
                tg_buf_printf(b, ":%zu passed to it)", at);
            else
                tg_buf_puts(b, " passed to it)");
        } else if (owner == l && strncmp(msg, "not implemented", 15) != 0) {
            size_t at = recorded_at(src, msg);
            if (at != 0)
                tg_buf_printf(b, "\nthat error is recorded at %s.c:%zu", tg_lab_names[l], at);
        }
    }
    /* A stub: "...: tt_sequential_len: not implemented yet", wherever quoted. */
    const char *p = src->n > 0 ? strstr(text, ": not implemented yet") : NULL;
    if (p != NULL) {
        const char *e = p;
        while (p > text && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9') || p[-1] == '_'))
            p--;
        size_t def = definition(src, p, (size_t)(e - p));
        size_t stub = def ? stub_line(src, def) : 0;
        if (stub != 0 && lab_of_function(p, (size_t)(e - p)) == l)
            tg_buf_printf(b, "\n%.*s is still the skeleton's stub: %s.c:%zu calls tt_not_implemented", (int)(e - p), p,
                          tg_lab_names[l], stub);
    }
    if (it->category == TG_ITEM_MEMORY && driver_allocated_leak(text))
        tg_buf_printf(b,
                      "\nthe lost block was made by the check and handed to your %s.c, which then owned it: "
                      "this check's rule is \"%s\"",
                      tg_lab_names[l], it->description);
}

int tg_attribute(struct tg_result *res, const char *srcdir)
{
    size_t mark = strlen(TT_SETUP_MARK);
    for (size_t i = 0; i < res->n_labs; i++) {
        struct tg_lab_result *lr = &res->labs[i];
        if (lr->status != TG_LAB_GRADED)
            continue;
        struct source src;
        (void)source_read(srcdir, lr->lab, &src);
        for (size_t k = 0; k < lr->n_items; k++) {
            struct tg_item *it = &lr->items[k];
            if (it->passed || it->ungraded || it->output == NULL || it->output[0] == '\0')
                continue;
            struct tg_buf b = TG_BUF_INIT;
            int setup = it->category == TG_ITEM_TEST && strncmp(it->output, TT_SETUP_MARK, mark) == 0;
            const char *text = it->output + (setup ? mark : 0);
            tg_buf_puts(&b, text);
            if (setup)
                tg_buf_printf(&b, "\n(this failed in the test's setup: its own check, \"%s\", was never reached)",
                              it->description);
            notes(it, lr->lab, text, &src, &b);
            if (!setup && b.len == strlen(it->output)) {
                tg_buf_free(&b);
                continue;
            }
            char *out = tg_buf_take(&b);
            if (out == NULL) {
                source_free(&src);
                return -1;
            }
            free(it->output);
            it->output = out;
        }
        source_free(&src);
    }
    return 0;
}
