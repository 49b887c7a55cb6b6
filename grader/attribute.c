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

/* The notes for one failed item of lab l, appended to b. */
static void notes(const struct tg_item *it, int l, const char *text, struct tg_buf *b)
{
    const char *fn;
    size_t len;
    if (quoted_error(text, &fn, &len)) {
        int owner = lab_of_function(fn, len);
        if (owner >= 0 && owner != l)
            tg_buf_printf(b,
                          "\nthe failing call was %.*s, lab %d, %s.c (the reference's here: look at what your %s.c "
                          "passed to it)",
                          (int)len, fn, owner + 1, tg_lab_names[owner], tg_lab_names[l]);
    }
    if (it->category == TG_ITEM_MEMORY && driver_allocated_leak(text))
        tg_buf_printf(b,
                      "\nthe lost block was made by the check and handed to your %s.c, which then owned it: "
                      "this check's rule is \"%s\"",
                      tg_lab_names[l], it->description);
}

int tg_attribute(struct tg_result *res)
{
    size_t mark = strlen(TT_SETUP_MARK);
    for (size_t i = 0; i < res->n_labs; i++) {
        struct tg_lab_result *lr = &res->labs[i];
        if (lr->status != TG_LAB_GRADED)
            continue;
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
            notes(it, lr->lab, text, &b);
            if (!setup && b.len == strlen(it->output)) {
                tg_buf_free(&b);
                continue;
            }
            char *out = tg_buf_take(&b);
            if (out == NULL)
                return -1;
            free(it->output);
            it->output = out;
        }
    }
    return 0;
}
