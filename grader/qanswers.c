/* qanswers.c - reading a submission's answers.txt: its student-id line, its
 * `<question-id>: <answer>` lines, and notes on what could not be read; and
 * which question a key names (qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbank.h"

void q_answers_free(struct answers *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].key);
        free(a->v[i].value);
    }
    free(a->v);
    free(a->id);
    for (size_t i = 0; i < a->n_notes; i++)
        free(a->notes[i].text);
    free(a->notes);
    memset(a, 0, sizeof *a);
}

/* Takes text (malloc'd, may be NULL for out of memory) as a note on line. */
void q_add_note(struct answers *a, unsigned line, char *text)
{
    if (text == NULL) {
        a->oom = 1;
        return;
    }
    if (a->n_notes >= Q_NOTES_MAX && line != (unsigned)-1) { /* -1: the "... and N more" note */
        a->more_notes++;
        free(text);
        return;
    }
    if (a->n_notes == a->cap_notes) {
        size_t cap = a->cap_notes ? a->cap_notes * 2 : 8;
        struct note *nn = realloc(a->notes, cap * sizeof *nn);
        if (nn == NULL) {
            a->oom = 1;
            free(text);
            return;
        }
        a->notes = nn;
        a->cap_notes = cap;
    }
    a->notes[a->n_notes].line = line;
    a->notes[a->n_notes++].text = text;
}

/* A student's bytes, made safe and short to quote back. */
char *q_shown(const char *s)
{
    return tg_sanitize(s, strlen(s), Q_SHOW_MAX);
}

static void unreadable(struct answers *a, unsigned line, const char *why)
{
    a->n_unreadable++;
    if (a->first_unreadable == 0)
        a->first_unreadable = line;
    q_add_note(a, line, tg_asprintf("%s:%u: %s", TG_ANSWERS_NAME, line, why));
}

static int is_key_char(int c)
{
    return q_is_name_char(c) || c == '.' || c == '-';
}

/* answers.txt as UTF-8. A file that starts with a UTF-16 byte-order mark
 * (what Windows Notepad calls "Unicode") is decoded with iconv(3), glibc's
 * converter; any other file is read as it is (UTF-8, with or without its own
 * mark). Returns 0 with *out the malloc'd UTF-8 text and *out_len, or *out
 * NULL when text needs no decoding; 1 when the file cannot be decoded, with
 * *why a static reason; -1 with *err set (NULL: out of memory) when the
 * converter cannot be used (a failure of ours, not the student's). */
int q_answers_utf8(const char *text, size_t len, char **out, size_t *out_len, const char **why, char **err)
{
    *out = NULL;
    *out_len = 0;
    int le = len >= 2 && memcmp(text, "\xFF\xFE", 2) == 0, be = len >= 2 && memcmp(text, "\xFE\xFF", 2) == 0;
    if (!le && !be)
        return 0;
    iconv_t cd = iconv_open("UTF-8", le ? "UTF-16LE" : "UTF-16BE");
    if (cd == (iconv_t)-1) {
        *err = tg_asprintf("cannot decode a UTF-16 %s: iconv: %s", TG_ANSWERS_NAME, strerror(errno));
        return -1;
    }
    /* A UTF-16 unit becomes at most 3 bytes of UTF-8 (a pair of them, 4). */
    size_t cap = (len - 2) / 2 * 3 + 1;
    char *buf = malloc(cap);
    if (buf == NULL) {
        iconv_close(cd);
        *err = NULL;
        return -1;
    }
    char *in = (char *)text + 2, *o = buf; /* iconv's prototype is not const */
    size_t in_left = len - 2, o_left = cap - 1;
    size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    iconv_close(cd);
    if (r == (size_t)-1 || in_left != 0) {
        free(buf);
        *why = "it starts with a UTF-16 byte-order mark but is not valid UTF-16: save it as UTF-8 (in Notepad: "
               "Save As, Encoding UTF-8)";
        return 1;
    }
    *o = '\0';
    *out = buf;
    *out_len = (size_t)(o - buf);
    return 0;
}

void q_parse_answers(struct answers *a, const char *text, size_t len)
{
    unsigned lineno = 0;
    struct aline *pending = NULL; /* a key whose answer was left for the next line */
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* the byte-order mark some editors put first */
    while (p < end) {
        /* A line ends at LF, CRLF or a lone CR (old Mac editors). */
        const char *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        size_t ll = (size_t)(nl - p);
        const char *line = p;
        p = nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n' ? nl + 2 : nl < end ? nl + 1 : end;
        lineno++;
        if (memchr(line, '\0', ll) != NULL) {
            unreadable(a, lineno, "cannot read this line: it holds binary data (a NUL byte)");
            continue;
        }
        char *t = q_trim_dup(line, ll);
        if (t == NULL) {
            a->oom = 1;
            return;
        }
        if (t[0] == '\0' || t[0] == '#') {
            free(t);
            continue;
        }
        if (strlen(t) > Q_LINE_MAX) {
            unreadable(a, lineno, "cannot read this line: it is longer than 512 bytes");
            free(t);
            continue;
        }
        size_t kl = 0;
        while (is_key_char((unsigned char)t[kl]))
            kl++;
        size_t sep = kl;
        while (t[sep] == ' ' || t[sep] == '\t')
            sep++;
        int has_letter = 0;
        for (size_t i = 0; i < kl; i++)
            has_letter |= q_is_name_start((unsigned char)t[i]);
        if (kl == 0 || !has_letter || (t[sep] != ':' && t[sep] != '=')) {
            if (pending != NULL) {
                /* "linear.mlp_params:" then the answer on the next line. */
                free(pending->value);
                pending->value = t;
                pending->value_line = lineno;
                pending = NULL;
                continue;
            }
            char *s = q_shown(t);
            char *why = s ? tg_asprintf("cannot read \"%s\": expected `<question-id>: <answer>`, as in "
                                        "`linear.mlp_params: 123456`", s)
                          : NULL;
            if (why == NULL)
                a->oom = 1;
            else
                unreadable(a, lineno, why);
            free(s);
            free(why);
            free(t);
            continue;
        }
        pending = NULL;
        char *key = tg_strndup(t, kl);
        const char *vs = t + sep + 1;
        /* A comment after the answer: "235146   # my working". */
        const char *hash = strstr(vs, " #");
        const char *tab = strstr(vs, "\t#");
        if (tab != NULL && (hash == NULL || tab < hash))
            hash = tab;
        char *value = q_trim_dup(vs, hash ? (size_t)(hash - vs) : strlen(vs));
        free(t);
        if (key == NULL || value == NULL) {
            free(key);
            free(value);
            a->oom = 1;
            return;
        }
        if (q_ieqn(key, kl, "student-id") || q_ieqn(key, kl, "student_id") || q_ieqn(key, kl, "studentid")) {
            if (a->has_id) {
                q_add_note(a, lineno, tg_asprintf("%s:%u: a second student-id line (the first is line %u): ignored",
                                                  TG_ANSWERS_NAME, lineno, a->id_line));
                free(value);
            } else {
                a->has_id = 1;
                a->id_line = lineno;
                if (strcmp(value, "-") == 0)
                    free(value);
                else
                    a->id = value;
            }
            free(key);
            continue;
        }
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 32;
            struct aline *nv = realloc(a->v, cap * sizeof *nv);
            if (nv == NULL) {
                free(key);
                free(value);
                a->oom = 1;
                return;
            }
            a->v = nv;
            a->cap = cap;
        }
        struct aline *al = &a->v[a->n++];
        al->key = key;
        al->value = value;
        al->line = al->value_line = lineno;
        if (value[0] == '\0')
            pending = al;
    }
}

/* How a key names a question: its full id ("linear.mlp_params"), or its
 * bare id when no other lab has a question of that id. Any case. */
int q_key_names(const struct tg_questions *qs, const char *key, const struct question *q)
{
    if (q_ieqn(key, strlen(key), q->full_id))
        return 1;
    if (!q_ieqn(key, strlen(key), q->id))
        return 0;
    int owners = 0;
    for (int l = 0; l < tg_n_labs; l++)
        for (size_t i = 0; i < qs->banks[l].n; i++)
            owners += strcmp(qs->banks[l].qs[i].id, q->id) == 0;
    return owners == 1;
}

static int key_known(const struct tg_questions *qs, const char *key)
{
    for (int l = 0; l < tg_n_labs; l++)
        for (size_t i = 0; i < qs->banks[l].n; i++)
            if (q_key_names(qs, key, &qs->banks[l].qs[i]))
                return 1;
    return 0;
}

void q_note_unknown_keys(const struct tg_questions *qs, struct answers *a)
{
    for (size_t i = 0; !a->oom && i < a->n; i++)
        if (!key_known(qs, a->v[i].key)) {
            char *k = q_shown(a->v[i].key);
            q_add_note(a, a->v[i].line, k ? tg_asprintf("%s:%u: there is no question %s (the ids look like "
                                                        "linear.mlp_params)", TG_ANSWERS_NAME, a->v[i].line, k)
                                          : NULL);
            free(k);
        }
}
