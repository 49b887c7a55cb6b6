/* text.h - the grader's string toolbox: a growable buffer, bounded file reads,
 * and the sanitiser every string from student code or student output goes
 * through before it reaches a report. */
#ifndef TG_TEXT_H
#define TG_TEXT_H

#include <stdarg.h>
#include <stddef.h>

/* A growable, always NUL-terminated byte buffer. Allocation failure is sticky:
 * once an append fails, `failed` is set and later appends do nothing, so a
 * caller builds a whole text and checks once, with tg_buf_take(). Start from
 * TG_BUF_INIT. */
struct tg_buf {
    char *data;    /* len bytes + NUL, or NULL while empty */
    size_t len;
    size_t cap;
    int failed;    /* an allocation failed: the content is incomplete */
};
#define TG_BUF_INIT {NULL, 0, 0, 0}

void tg_buf_add(struct tg_buf *b, const char *s, size_t n);
void tg_buf_puts(struct tg_buf *b, const char *s);
void tg_buf_putc(struct tg_buf *b, char c);
void tg_buf_printf(struct tg_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hands over the text (the caller frees it; "" for an empty buffer) and
 * resets b. NULL, and b freed, if any append failed. */
char *tg_buf_take(struct tg_buf *b);
void tg_buf_free(struct tg_buf *b);

/* malloc'd copies; NULL on allocation failure (or for NULL s). */
char *tg_strdup(const char *s);
char *tg_strndup(const char *s, size_t n);
/* A malloc'd printf; NULL on failure. */
char *tg_asprintf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* "dir/name" (no doubled slash); NULL on allocation failure. */
char *tg_path_join(const char *dir, const char *name);

/* 1 if dir/name is a regular file (following links), else 0. */
int tg_regular_file(const char *dir, const char *name);

/* A NULL-terminated argv of malloc'd copies, for a program to run. An add
 * that fails (no memory, or a NULL word) is remembered in `failed`: build
 * the whole list, then check once. Start from TG_ARGV_INIT (all zero). */
struct tg_argv {
    char **v;
    size_t n, cap;
    int failed;
};
#define TG_ARGV_INIT {NULL, 0, 0, 0}
void tg_argv_add(struct tg_argv *a, const char *word);
void tg_argv_addf(struct tg_argv *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void tg_argv_free(struct tg_argv *a);

/* Reads at most `cap` bytes of the file at path into a malloc'd, NUL-terminated
 * buffer. *len gets the number of bytes read (may be NULL); *truncated (may be
 * NULL) is set to 1 if the file had more. Returns NULL with errno set on
 * failure. The file is opened with O_NOFOLLOW|O_NONBLOCK and must be regular. */
char *tg_read_file(const char *path, size_t cap, size_t *len, int *truncated);

/* Makes untrusted bytes safe to show: keeps \n and \t, drops NUL, every other
 * control character and DEL, replaces each byte that is not part of valid
 * UTF-8 with '?', and cuts the result to at most max_bytes (on a character
 * boundary, adding " [...]" when cut). Returns a malloc'd string or NULL on
 * allocation failure. */
char *tg_sanitize(const char *s, size_t len, size_t max_bytes);

/* tg_sanitize's text on one line: newlines and tabs become spaces. */
char *tg_one_line(const char *s, size_t len, size_t max_bytes);

/* Replaces every occurrence of `from` (non-empty) in s with `to`, in place
 * when `to` is not longer; returns a malloc'd string or NULL. */
char *tg_replace_all(const char *s, const char *from, const char *to);

/* Keeps the first max_lines lines and at most max_bytes bytes of s (cut at a
 * line end when possible), drops trailing blank lines, and adds a line
 * "[... N more lines]" when something was cut. Returns a malloc'd string or
 * NULL. */
char *tg_trim_lines(const char *s, size_t max_lines, size_t max_bytes);

/* The first line of s (without its newline) as a malloc'd string; NULL on
 * allocation failure. */
char *tg_first_line(const char *s);

/* Length of the longest prefix of s[0..len) that is valid UTF-8 for the
 * character starting at s: returns the length of that character (1..4), or 0
 * if the bytes at s do not start a valid UTF-8 sequence. *cp gets the code
 * point. */
size_t tg_utf8_char(const unsigned char *s, size_t len, unsigned long *cp);

#endif /* TG_TEXT_H */
