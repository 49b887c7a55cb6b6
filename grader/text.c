/* text.c - the grader's string toolbox (see text.h).
 *
 * The UTF-8 check and the sanitiser are hand-written: they are a few dozen
 * lines, and the Debian libraries that offer them (glib's g_utf8_make_valid,
 * ICU) would be a large dependency for this one job. */
#define _POSIX_C_SOURCE 200809L
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int buf_reserve(struct tg_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void tg_buf_add(struct tg_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return;
    if (n > 0)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void tg_buf_puts(struct tg_buf *b, const char *s)
{
    tg_buf_add(b, s, strlen(s));
}

void tg_buf_putc(struct tg_buf *b, char c)
{
    tg_buf_add(b, &c, 1);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void buf_vprintf(struct tg_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (buf_reserve(b, (size_t)n) != 0)
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void tg_buf_printf(struct tg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *tg_buf_take(struct tg_buf *b)
{
    if (b->failed) {
        tg_buf_free(b);
        return NULL;
    }
    char *s = b->data;
    if (s == NULL)
        s = tg_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void tg_buf_free(struct tg_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

char *tg_strndup(const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    char *p = malloc(n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *tg_strdup(const char *s)
{
    return s == NULL ? NULL : tg_strndup(s, strlen(s));
}

char *tg_asprintf(const char *fmt, ...)
{
    struct tg_buf b = TG_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return tg_buf_take(&b);
}

char *tg_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_add(&b, dir, dl);
    if (!(dl == 1 && dir[0] == '/'))
        tg_buf_putc(&b, '/');
    tg_buf_puts(&b, name);
    return tg_buf_take(&b);
}

char *tg_read_file(const char *path, size_t cap, size_t *len, int *truncated)
{
    if (len)
        *len = 0;
    if (truncated)
        *truncated = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    char *data = malloc(cap + 1);
    if (data == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    size_t got = 0;
    for (;;) {
        if (got == cap) {
            /* Probe one more byte to tell "exactly cap" from "more". */
            char extra;
            ssize_t r = read(fd, &extra, 1);
            if (r > 0 && truncated)
                *truncated = 1;
            break;
        }
        ssize_t r = read(fd, data + got, cap - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(data);
            close(fd);
            errno = e;
            return NULL;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    data[got] = '\0';
    if (len)
        *len = got;
    return data;
}

size_t tg_utf8_char(const unsigned char *s, size_t len, unsigned long *cp)
{
    if (len == 0)
        return 0;
    unsigned char c = s[0];
    size_t n;
    unsigned long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid. */
    if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    *cp = v;
    return n;
}

char *tg_sanitize(const char *s, size_t len, size_t max_bytes)
{
    static const char cut_mark[] = " [...]";
    struct tg_buf b = TG_BUF_INIT;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int cut = 0;
    while (i < len) {
        unsigned long cp;
        size_t n = tg_utf8_char(u + i, len - i, &cp);
        const char *piece = (const char *)u + i;
        size_t plen = n;
        if (n == 0) {
            piece = "?";
            plen = 1;
            n = 1;
        } else if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            i += n; /* a control character: dropped */
            continue;
        }
        if (b.len + plen > max_bytes) {
            cut = 1;
            break;
        }
        tg_buf_add(&b, piece, plen);
        i += n;
    }
    if (cut)
        tg_buf_puts(&b, cut_mark);
    return tg_buf_take(&b);
}

char *tg_replace_all(const char *s, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    struct tg_buf b = TG_BUF_INIT;
    if (fl == 0)
        return tg_strdup(s);
    const char *p = s;
    for (;;) {
        const char *hit = strstr(p, from);
        if (hit == NULL) {
            tg_buf_puts(&b, p);
            break;
        }
        tg_buf_add(&b, p, (size_t)(hit - p));
        tg_buf_add(&b, to, tl);
        p = hit + fl;
    }
    return tg_buf_take(&b);
}

char *tg_trim_lines(const char *s, size_t max_lines, size_t max_bytes)
{
    size_t total = strlen(s);
    /* Drop trailing blank lines and spaces. */
    while (total > 0 && (s[total - 1] == '\n' || s[total - 1] == ' ' || s[total - 1] == '\r'))
        total--;
    size_t keep = 0, lines = 0;
    while (keep < total && lines < max_lines) {
        const char *nl = memchr(s + keep, '\n', total - keep);
        size_t end = nl ? (size_t)(nl - s) + 1 : total;
        if (end > max_bytes) {
            if (lines == 0)
                keep = max_bytes; /* one huge first line: cut inside it */
            break;
        }
        keep = end;
        lines++;
    }
    /* What was cut: every newline after the cut, plus the last line (which
     * has none), a partial line counting as one. */
    size_t more = 1;
    for (size_t i = keep; i < total; i++)
        if (s[i] == '\n')
            more++;
    struct tg_buf b = TG_BUF_INIT;
    size_t k = keep;
    while (k > 0 && s[k - 1] == '\n')
        k--;
    tg_buf_add(&b, s, k);
    if (keep < total)
        tg_buf_printf(&b, "%s[... %zu more line%s]", k > 0 ? "\n" : "", more, more == 1 ? "" : "s");
    return tg_buf_take(&b);
}

char *tg_first_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return tg_strndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

char *tg_one_line(const char *s, size_t len, size_t max)
{
    char *t = tg_sanitize(s, len, max);
    if (t != NULL)
        for (char *p = t; *p; p++)
            if (*p == '\n' || *p == '\t' || *p == '\r')
                *p = ' ';
    return t;
}

int tg_regular_file(const char *dir, const char *name)
{
    char *p = tg_path_join(dir, name);
    struct stat st;
    int ok = p != NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

void tg_argv_add(struct tg_argv *a, const char *word)
{
    if (a->failed)
        return;
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        char **nv = realloc(a->v, cap * sizeof *nv);
        if (nv == NULL) {
            a->failed = 1;
            return;
        }
        a->v = nv;
        a->cap = cap;
    }
    char *d = word ? tg_strdup(word) : NULL;
    if (d == NULL) {
        a->failed = 1;
        return;
    }
    a->v[a->n++] = d;
    a->v[a->n] = NULL;
}

void tg_argv_addf(struct tg_argv *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (s != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    tg_argv_add(a, s);
    free(s);
}

void tg_argv_free(struct tg_argv *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}
