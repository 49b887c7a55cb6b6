/* mistake.c - failure messages reduced to keys that group the same mistake
 * (see mistake.h). Hand-written: a regex library (POSIX regcomp) cannot
 * replace inside identifiers selectively, and the rules are few. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mistake.h"
#include "text.h"

#define KEY_MAX 200

static int ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* 1 if the text so far ends with "X.c:N in " or "X.h:N in ". */
static int after_file_line(const struct tg_buf *b)
{
    static const char *const tails[] = {".c:N in ", ".h:N in "};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t n = strlen(tails[i]);
        if (b->len >= n && memcmp(b->data + b->len - n, tails[i], n) == 0)
            return 1;
    }
    return 0;
}

/* One line, normalised (see mistake.h), appended to b. */
static void norm_line(struct tg_buf *b, const char *s, size_t len)
{
    size_t i = 0, start = b->len;
    while (i < len) {
        char c = s[i];
        if (c == '"') {
            const char *q = memchr(s + i + 1, '"', len - i - 1);
            if (q != NULL) {
                tg_buf_puts(b, "\"...\"");
                i = (size_t)(q - s) + 1;
                continue;
            }
        }
        if (c == '-' && i + 1 < len && isdigit((unsigned char)s[i + 1]) && (i == 0 || !ident_char(s[i - 1]))) {
            i++; /* a sign: the number follows */
            continue;
        }
        if (isdigit((unsigned char)c)) {
            if (c == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
                i += 2;
                while (i < len && isxdigit((unsigned char)s[i]))
                    i++;
            } else {
                while (i < len && isdigit((unsigned char)s[i]))
                    i++;
                if (i + 1 < len && s[i] == '.' && isdigit((unsigned char)s[i + 1]))
                    for (i++; i < len && isdigit((unsigned char)s[i]); i++)
                        ;
                if (i + 1 < len && (s[i] == 'e' || s[i] == 'E') &&
                    (isdigit((unsigned char)s[i + 1]) ||
                     (i + 2 < len && (s[i + 1] == '-' || s[i + 1] == '+') && isdigit((unsigned char)s[i + 2]))))
                    for (i += 2; i < len && isdigit((unsigned char)s[i]); i++)
                        ;
            }
            tg_buf_putc(b, 'N');
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            size_t j = i, digits = 0;
            while (j < len && ident_char(s[j]))
                digits += isdigit((unsigned char)s[j++]) != 0;
            int ours = j - i > 3 && (strncmp(s + i, "tt_", 3) == 0 || strncmp(s + i, "TT_", 3) == 0);
            if (after_file_line(b))
                tg_buf_puts(b, "FN");
            else if (digits > 0 && !ours)
                tg_buf_puts(b, "ID");
            else
                tg_buf_add(b, s + i, j - i);
            i = j;
            continue;
        }
        if (isspace((unsigned char)c)) {
            while (i < len && isspace((unsigned char)s[i]))
                i++;
            if (b->len > start && b->data[b->len - 1] != ' ')
                tg_buf_putc(b, ' ');
            continue;
        }
        tg_buf_putc(b, c);
        i++;
    }
    while (b->len > start && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
}

/* s with each "(N, N, ...)" or "(N,)" written "(shape)" and each run of
 * "[N][N]..." written as one "[N]", appended to b. */
static void collapse(struct tg_buf *b, const char *s)
{
    const char *p = s;
    while (*p) {
        if (*p == '(') {
            const char *q = p + 1;
            int ns = 0, commas = 0;
            for (; *q == 'N' || *q == ',' || *q == ' '; q++) {
                ns += *q == 'N';
                commas += *q == ',';
            }
            if (*q == ')' && ns > 0 && commas > 0) {
                tg_buf_puts(b, "(shape)");
                p = q + 1;
                continue;
            }
        }
        if (strncmp(p, "[N]", 3) == 0 && b->len >= 3 && b->data != NULL && strncmp(b->data + b->len - 3, "[N]", 3) == 0) {
            p += 3;
            continue;
        }
        tg_buf_putc(b, *p++);
    }
}

/* The text of a line after "expected:" or "got:" (leading blanks skipped),
 * or NULL when the line is not one. */
static const char *labelled(const char *s, size_t len, const char *label, size_t *rest)
{
    while (len > 0 && (*s == ' ' || *s == '\t'))
        s++, len--;
    size_t n = strlen(label);
    if (len < n || memcmp(s, label, n) != 0)
        return NULL;
    s += n, len -= n;
    while (len > 0 && *s == ' ')
        s++, len--;
    *rest = len;
    return s;
}

char *tg_mistake_key(const char *message)
{
    struct tg_buf head = TG_BUF_INIT, exp = TG_BUF_INIT, got = TG_BUF_INIT;
    int have_head = 0, have_exp = 0, have_got = 0;
    const char *p = message ? message : "";
    for (int line = 0; *p && line < 8; line++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p), rest = 0;
        const char *v;
        if (!have_head) {
            norm_line(&head, p, len);
            have_head = head.len > 0;
        } else if (!have_exp && (v = labelled(p, len, "expected:", &rest)) != NULL) {
            norm_line(&exp, v, rest);
            have_exp = 1;
        } else if (!have_got && (v = labelled(p, len, "got:", &rest)) != NULL) {
            norm_line(&got, v, rest);
            have_got = 1;
        }
        p = nl ? nl + 1 : p + len;
    }
    struct tg_buf out = TG_BUF_INIT;
    tg_buf_puts(&out, "");
    if (have_head)
        collapse(&out, head.data);
    if (have_got) {
        tg_buf_puts(&out, ": got ");
        collapse(&out, got.data ? got.data : "");
    }
    if (have_exp) {
        tg_buf_puts(&out, have_got ? " where " : ": expected ");
        collapse(&out, exp.data ? exp.data : "");
        if (have_got)
            tg_buf_puts(&out, " was expected");
    }
    if (head.failed || exp.failed || got.failed)
        out.failed = 1;
    tg_buf_free(&head);
    tg_buf_free(&exp);
    tg_buf_free(&got);
    char *all = tg_buf_take(&out);
    if (all == NULL)
        return NULL;
    char *key = tg_one_line(all, strlen(all), KEY_MAX - 6); /* tg_sanitize adds " [...]" */
    free(all);
    return key;
}
