/* unpack.c - an archive read member by member with libarchive (see unpack.h
 * for the rules). Two passes over the archive: the first reads only the
 * headers and chooses the members, the second reads the chosen members'
 * bytes (and those of the members their hard links name) and stops after the
 * last of them. Nothing here writes a file or trusts a size it has not read. */
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One member that may be a wanted file (pass 1). */
struct cand {
    long index;     /* its place in the archive, from 0 */
    char *dir;      /* its folder, normalised ("" for the top) */
    size_t want;    /* which wanted name it has */
    char *shown;    /* its name as stored, quoted for messages */
    unsigned type;  /* AE_IFREG, AE_IFLNK, AE_IFDIR, ...; 0 for a hard link */
    char *link;     /* a hard link's target, normalised; else NULL */
    char *link_shown;
};

struct scan {
    struct cand *c;
    size_t n, cap;
};

/* ------------------------------------------------------------- strings -- */

/* A malloc'd printf, or NULL when memory ran out. */
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(NULL, 0, f, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, f);
    vsnprintf(s, (size_t)n + 1, f, ap);
    va_end(ap);
    return s;
}

/* s between double quotes, with \, " and every control byte escaped, at most
 * about 300 bytes of it: a member name shown in a one-line message. */
static char *quote(const char *s)
{
    size_t n = strlen(s), cut = n > 300 ? 300 : n;
    char *q = malloc(cut * 4 + 16);
    if (q == NULL)
        return NULL;
    char *p = q;
    *p++ = '"';
    for (size_t i = 0; i < cut; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\\' || ch == '"') {
            *p++ = '\\';
            *p++ = (char)ch;
        } else if (ch == '\t' || ch == '\n' || ch == '\r') {
            *p++ = '\\';
            *p++ = ch == '\t' ? 't' : ch == '\n' ? 'n' : 'r';
        } else if (ch < 0x20 || ch == 0x7f) {
            p += sprintf(p, "\\x%02x", ch);
        } else {
            *p++ = (char)ch;
        }
    }
    *p++ = '"';
    if (cut < n) {
        memcpy(p, " [...]", 6);
        p += 6;
    }
    *p = '\0';
    return q;
}

/* "1 MiB", "64 KiB" or "N bytes": a cap, for messages. */
static void cap_text(long long max, char *buf, size_t len)
{
    if (max >= 1024 * 1024 && max % (1024 * 1024) == 0)
        snprintf(buf, len, "%lld MiB", max / (1024 * 1024));
    else if (max >= 1024 && max % 1024 == 0)
        snprintf(buf, len, "%lld KiB", max / 1024);
    else
        snprintf(buf, len, "%lld bytes", max);
}

/* Normalises member name m: its components joined by '/', without empty and
 * "." ones (*out, malloc'd; "" for the top itself), and their number. Returns
 * NULL when m is fine, else why it is refused (a static string); *out is NULL
 * then, and when memory ran out (*depth is -1 only then). */
static const char *normalise(const char *m, char **out, int *depth)
{
    *out = NULL;
    *depth = 0;
    if (m[0] == '/')
        return "is an absolute path";
    size_t n = strlen(m);
    char *s = malloc(n + 1);
    if (s == NULL) {
        *depth = -1;
        return NULL;
    }
    size_t len = 0;
    for (const char *p = m; *p;) {
        const char *slash = strchr(p, '/');
        size_t k = slash ? (size_t)(slash - p) : strlen(p);
        if (k == 2 && p[0] == '.' && p[1] == '.') {
            free(s);
            return "has a \"..\" component";
        }
        if (k > 0 && !(k == 1 && p[0] == '.')) {
            if (len > 0)
                s[len++] = '/';
            memcpy(s + len, p, k);
            len += k;
            ++*depth;
        }
        p += k;
        if (*p == '/')
            p++;
    }
    s[len] = '\0';
    *out = s;
    return NULL;
}

/* The folder part of normalised path p ("" at the top), malloc'd, and the
 * last component's offset in *base. */
static char *dir_of(const char *p, size_t *base)
{
    const char *slash = strrchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : 0;
    *base = slash ? n + 1 : 0;
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, p, n);
        d[n] = '\0';
    }
    return d;
}

/* ------------------------------------------------------------- results -- */

static int set_error(struct tu_result *res, enum tu_error e, char *msg)
{
    if (msg == NULL)
        return -1;
    free(res->message);
    res->error = e;
    res->message = msg;
    return 0;
}

static int add_note(struct tu_result *res, char *note)
{
    if (note == NULL)
        return -1;
    char **nn = realloc(res->notes, (res->n_notes + 1) * sizeof *nn);
    if (nn == NULL) {
        free(note);
        return -1;
    }
    res->notes = nn;
    res->notes[res->n_notes++] = note;
    return 0;
}

void tu_result_free(struct tu_result *res)
{
    for (size_t i = 0; res->files != NULL && i < res->n_files; i++) {
        free(res->files[i].data);
        free(res->files[i].why);
    }
    free(res->files);
    for (size_t i = 0; i < res->n_notes; i++)
        free(res->notes[i]);
    free(res->notes);
    free(res->message);
    memset(res, 0, sizeof *res);
}

static void scan_free(struct scan *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->c[i].dir);
        free(s->c[i].shown);
        free(s->c[i].link);
        free(s->c[i].link_shown);
    }
    free(s->c);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------- reading -- */

/* libarchive's last error on a, on one line: control bytes (it may end its
 * messages with a newline) become spaces, trailing ones dropped (malloc'd). */
static char *lib_error(struct archive *a)
{
    const char *why = archive_error_string(a);
    char *s = fmt("%s", why && why[0] ? why : "unknown error");
    if (s == NULL)
        return NULL;
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    for (size_t n = strlen(s); n > 1 && s[n - 1] == ' ';)
        s[--n] = '\0';
    return s;
}

/* The reading error of a at member index, as a message (malloc'd). */
static char *read_error(struct archive *a, long index)
{
    char *why = lib_error(a), *msg = why ? fmt("member %ld: %s", index + 1, why) : NULL;
    free(why);
    return msg;
}

/* A reader for tar (with or without gzip) and zip, nothing else. Zip is read
 * through its central directory only (the seekable reader): the streaming
 * reader would have to decompress a member of unknown size to skip it. */
static struct archive *open_archive(const char *path, const void *data, size_t len, struct tu_result *res)
{
    struct archive *a = archive_read_new();
    if (a == NULL)
        return NULL;
    if (archive_read_support_filter_gzip(a) != ARCHIVE_OK || archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_support_format_zip_seekable(a) != ARCHIVE_OK) {
        char *why = lib_error(a);
        set_error(res, TU_UNREADABLE, why ? fmt("libarchive cannot read tar or zip here: %s", why) : NULL);
        free(why);
        archive_read_free(a);
        return NULL;
    }
    int r = path ? archive_read_open_filename(a, path, 65536) : archive_read_open_memory(a, data, len);
    if (r != ARCHIVE_OK) {
        char *why = lib_error(a);
        set_error(res, TU_UNREADABLE,
                  why ? fmt("it is not a .tar.gz/.tgz, .tar or .zip archive that can be read (%s)", why) : NULL);
        free(why);
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Refuses the archive (returns 1) if reading on from the header of e (NULL:
 * at the end) would
 * take the decompressed stream past TU_STREAM_MAX: for tar, whose member
 * bytes are the stream's, before they are read; for zip, whose members are
 * skipped by seeking, on the position alone. 0 if fine; -1: no memory. */
static int over_stream_cap(struct archive *a, struct archive_entry *e, const char *shown, struct tu_result *res)
{
    long long pos = (long long)archive_filter_bytes(a, 0);
    long long size = e != NULL && archive_entry_size_is_set(e) ? (long long)archive_entry_size(e) : 0;
    int tar = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR;
    char cap[32];
    cap_text(TU_STREAM_MAX, cap, sizeof cap);
    if (pos > TU_STREAM_MAX || (tar && size > TU_STREAM_MAX - pos))
        return set_error(res, TU_REFUSED,
                         fmt("it holds more than %s once decompressed (member %s, %lld bytes, starts at byte %lld): "
                             "leave data and build files out of the archive",
                             cap, shown ? shown : "?", size, pos)) == 0 ? 1 : -1;
    return 0;
}

static int want_index(const char *base, const struct tu_want *want, size_t n, size_t *k)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(base, want[i].name) == 0) {
            *k = i;
            return 1;
        }
    return 0;
}

/* The name of e as stored, or NULL if libarchive has none it can give. */
static const char *entry_name(struct archive_entry *e)
{
    const char *m = archive_entry_pathname(e);
    return m != NULL ? m : archive_entry_pathname_utf8(e);
}

/* Pass 1: the headers. Fills s with the candidates; returns 0 (res->error
 * may be set), or -1 when memory ran out. */
static int scan_headers(struct archive *a, const struct tu_want *want, size_t n, struct scan *s, struct tu_result *res)
{
    struct archive_entry *e = NULL;
    long index = 0;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (index >= TU_MEMBERS_MAX)
            return set_error(res, TU_REFUSED, fmt("it has more than %ld members", TU_MEMBERS_MAX));
        const char *m = entry_name(e);
        char *norm = NULL, *shown = m ? quote(m) : NULL;
        int depth = 0;
        const char *why = m ? normalise(m, &norm, &depth) : NULL;
        if ((m && shown == NULL) || depth < 0) {
            free(shown);
            return -1;
        }
        if (why != NULL) {
            char *msg = fmt("member %s %s", shown, why);
            free(shown);
            return set_error(res, TU_REFUSED, msg);
        }
        int rc = over_stream_cap(a, e, shown, res);
        size_t base, k;
        if (rc == 0 && norm != NULL && depth >= 1 && depth <= TU_DEPTH_MAX) {
            char *dir = dir_of(norm, &base);
            if (dir == NULL)
                rc = -1;
            else if (!want_index(norm + base, want, n, &k))
                free(dir);
            else {
                struct cand c = {.index = index, .dir = dir, .want = k, .shown = shown};
                const char *hard = archive_entry_hardlink(e), *soft = archive_entry_symlink(e);
                shown = NULL;
                c.type = hard ? 0 : archive_entry_filetype(e);
                if (hard != NULL) {
                    int d;
                    c.link_shown = quote(hard);
                    const char *hwhy = normalise(hard, &c.link, &d);
                    if (c.link_shown == NULL || d < 0)
                        rc = -1;
                    else if (hwhy != NULL)
                        rc = set_error(res, TU_REFUSED, fmt("member %s is a hard link to %s, which %s", c.shown,
                                                            c.link_shown, hwhy)) == 0 ? 1 : -1;
                } else if (c.type == AE_IFLNK && soft != NULL) {
                    char *t = NULL;
                    int d;
                    const char *swhy = normalise(soft, &t, &d);
                    free(t);
                    if (d < 0)
                        rc = -1;
                    else if (swhy != NULL) {
                        char *both = fmt("%s -> %s", m, soft), *q = both ? quote(both) : NULL;
                        rc = q != NULL && set_error(res, TU_REFUSED,
                                                    fmt("member %s is a link that points outside it", q)) == 0
                                 ? 1 : -1;
                        free(both);
                        free(q);
                    }
                }
                if (s->n == s->cap) {
                    size_t nc = s->cap ? s->cap * 2 : 16;
                    struct cand *nv = realloc(s->c, nc * sizeof *nv);
                    if (nv == NULL) {
                        free(c.dir);
                        free(c.shown);
                        free(c.link);
                        free(c.link_shown);
                        free(norm);
                        return -1;
                    }
                    s->c = nv;
                    s->cap = nc;
                }
                s->c[s->n++] = c;
            }
        }
        free(norm);
        free(shown);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        if (archive_read_data_skip(a) != ARCHIVE_OK)
            return set_error(res, TU_UNREADABLE, read_error(a, index));
        index++;
    }
    if (r != ARCHIVE_EOF)
        return set_error(res, TU_UNREADABLE, read_error(a, index));
    if (archive_filter_bytes(a, 0) > TU_STREAM_MAX)
        return over_stream_cap(a, NULL, NULL, res) < 0 ? -1 : 0;
    return 0;
}

/* ------------------------------------------------------------ choosing -- */

static int has_file(const struct scan *s, const char *dir)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->c[i].dir, dir) == 0)
            return 1;
    return 0;
}

static char *join(const char *dir, const char *name)
{
    return dir[0] ? fmt("%s/%s", dir, name) : fmt("%s", name);
}

/* The only visible folder in dir that leads to a candidate (not hidden, not
 * __MACOSX), malloc'd; NULL with *oom 0 if there is none or more than one. */
static char *only_subdir(const struct scan *s, const char *dir, int *oom)
{
    size_t dl = strlen(dir);
    const char *found = NULL;
    size_t flen = 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *d = s->c[i].dir;
        if (dl > 0 && (strncmp(d, dir, dl) != 0 || d[dl] != '/'))
            continue;
        const char *sub = dl > 0 ? d + dl + 1 : d;
        if (sub[0] == '\0')
            continue;
        size_t k = strcspn(sub, "/");
        if (sub[0] == '.' || (k == 8 && strncmp(sub, "__MACOSX", 8) == 0))
            continue;
        if (found != NULL && (k != flen || strncmp(found, sub, k) != 0))
            return NULL;
        found = sub;
        flen = k;
    }
    if (found == NULL)
        return NULL;
    char *name = malloc(flen + 1);
    if (name == NULL) {
        *oom = 1;
        return NULL;
    }
    memcpy(name, found, flen);
    name[flen] = '\0';
    char *path = join(dir, name);
    free(name);
    if (path == NULL)
        *oom = 1;
    return path;
}

/* The folder the wanted files are taken from, as intake.c's find_lab_dir
 * chooses it in a folder (malloc'd; NULL when memory ran out); *skipped is
 * set to the student/ folder passed over (malloc'd) or NULL. The folders it
 * sees are those that lead to a wanted file, as they were when tar or unzip
 * extracted only those members: a README/ or data/ beside the one folder
 * holding the files does not stop it from going down. */
static char *choose_dir(const struct scan *s, int *oom, char **skipped)
{
    char *dir = fmt("%s", "");
    *skipped = NULL;
    for (int depth = 0; dir != NULL; depth++) {
        char *student = join(dir, "student");
        if (student == NULL)
            break;
        if (has_file(s, dir)) {
            if (has_file(s, student))
                *skipped = student;
            else
                free(student);
            return dir;
        }
        if (has_file(s, student)) {
            free(dir);
            return student;
        }
        free(student);
        if (depth >= 2)
            return dir;
        char *sub = only_subdir(s, dir, oom);
        if (sub == NULL)
            return *oom ? (free(dir), NULL) : dir;
        free(dir);
        dir = sub;
    }
    free(dir);
    *oom = 1;
    return NULL;
}

/* ------------------------------------------------------------ pass two -- */

/* Reads the bytes of the current member, at most max (+1 to tell it is
 * over). Returns 0 with *data (malloc'd) and *len, 1 if it holds more than
 * max (*len: its size, if known, else 0), 2 on a reading error (res set), -1
 * when memory ran out. */
static int read_bytes(struct archive *a, struct archive_entry *e, long long max, long index, char **data,
                      size_t *len, struct tu_result *res)
{
    *data = NULL;
    *len = 0;
    if (archive_entry_size_is_set(e) && archive_entry_size(e) > max) {
        *len = (size_t)archive_entry_size(e);
        return 1;
    }
    char *buf = malloc((size_t)max + 1);
    if (buf == NULL)
        return -1;
    size_t got = 0;
    while (got <= (size_t)max) {
        la_ssize_t r = archive_read_data(a, buf + got, (size_t)max + 1 - got);
        if (r < 0) {
            free(buf);
            return set_error(res, TU_BROKEN, read_error(a, index)) == 0 ? 2 : -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > (size_t)max) {
        free(buf);
        return 1;
    }
    *data = buf;
    *len = got;
    return 0;
}

/* What pass 2 does for one wanted file. */
struct plan {
    const struct cand *c; /* the chosen member, or NULL: none */
    char *target;         /* a hard link's target bytes, once read */
    size_t target_len;
    const char *target_why; /* why the target cannot be used (static), or NULL */
    int target_seen;
};

/* Refuses file k: its member c `what`. 0, or -1: no memory. */
static int refuse(struct tu_result *res, size_t k, const struct tu_want *w, const struct cand *c, const char *what)
{
    res->files[k].why = fmt("%s in the archive (member %s) %s: not accepted", w->name, c->shown, what);
    return res->files[k].why != NULL ? 0 : -1;
}

/* File k takes data (whose ownership passes), or, when it is over its cap,
 * is refused (size: its size if known, else 0). 0, or -1: no memory. */
static int take(struct tu_result *res, size_t k, const struct tu_want *w, const struct cand *c, char *data,
                size_t len, int over, size_t size)
{
    char cap[32], what[128];
    if (over) {
        free(data);
        cap_text(w->max, cap, sizeof cap);
        if (size > 0)
            snprintf(what, sizeof what, "is larger than %s (%zu bytes)", cap, size);
        else
            snprintf(what, sizeof what, "is larger than %s", cap);
        return refuse(res, k, w, c, what);
    }
    res->files[k].data = data;
    res->files[k].len = len;
    res->files[k].taken = 1;
    return 0;
}

/* Pass 2: reads the bytes of the chosen members and of their hard links'
 * targets (the last copy of the target before the link). hit has n bytes
 * of scratch. Returns 0 (res->error may be set), or -1 when memory ran out. */
static int read_chosen(struct archive *a, const struct tu_want *want, size_t n, struct plan *p, long last,
                       unsigned char *hit, struct tu_result *res)
{
    struct archive_entry *e;
    long index = 0;
    int r = ARCHIVE_OK;
    while (index <= last && ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)) {
        /* The same checks as pass 1: a file that changed between the two
         * readings gains nothing. */
        const char *m = entry_name(e);
        char *norm = NULL;
        int depth = 0;
        if (m != NULL && (normalise(m, &norm, &depth) != NULL || depth < 0)) {
            free(norm);
            return depth < 0 ? -1 : set_error(res, TU_BROKEN, fmt("member %ld changed between two readings", index + 1));
        }
        int rc = over_stream_cap(a, e, NULL, res);
        long long need = -1; /* the largest cap of those who want these bytes */
        for (size_t k = 0; rc == 0 && k < n; k++) {
            const struct cand *c = p[k].c;
            hit[k] = 0;
            if (c == NULL)
                continue;
            if (c->index == index && c->type == AE_IFREG)
                hit[k] = 1;
            else if (c->link != NULL && index < c->index && norm != NULL && strcmp(norm, c->link) == 0) {
                unsigned t = archive_entry_hardlink(e) ? 0 : archive_entry_filetype(e);
                free(p[k].target);
                p[k].target = NULL;
                p[k].target_seen = 1;
                p[k].target_why = t == AE_IFREG ? NULL : t == 0 ? "is a hard link to a member that is itself a hard link"
                                                                : "is a hard link to a member that is not a regular file";
                hit[k] = t == AE_IFREG ? 2 : 0;
            }
            if (hit[k] && want[k].max > need)
                need = want[k].max;
        }
        free(norm);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        if (need >= 0) {
            char *data;
            size_t len;
            int got = read_bytes(a, e, need, index, &data, &len, res);
            if (got < 0 || got == 2)
                return got < 0 ? -1 : 0;
            for (size_t k = 0; k < n; k++) {
                if (!hit[k])
                    continue;
                int over = got == 1 || len > (size_t)want[k].max;
                char *copy = NULL;
                if (!over && (copy = malloc(len + 1)) == NULL) {
                    free(data);
                    return -1;
                }
                if (copy != NULL)
                    memcpy(copy, data ? data : "", len);
                if (hit[k] == 1) {
                    if (take(res, k, &want[k], p[k].c, copy, len, over, len) != 0) {
                        free(data);
                        return -1;
                    }
                } else if (over) {
                    p[k].target_why = "is a hard link to a member that is too large";
                } else {
                    p[k].target = copy;
                    p[k].target_len = len;
                }
            }
            free(data);
        }
        index++;
    }
    if (index <= last)
        return set_error(res, TU_BROKEN, r == ARCHIVE_EOF ? fmt("it ended early on the second reading")
                                                          : read_error(a, index));
    return 0;
}

/* ---------------------------------------------------------------- main -- */

int tu_unpack(const char *path, const void *data, size_t len, const struct tu_want *want, size_t n,
              struct tu_result *res)
{
    memset(res, 0, sizeof *res);
    struct scan s = {0};
    struct plan *p = NULL;
    char *dir = NULL, *skipped = NULL;
    int rc = -1, oom = 0;
    res->files = calloc(n ? n : 1, sizeof *res->files);
    if (res->files == NULL)
        return -1;
    res->n_files = n;

    struct archive *a = open_archive(path, data, len, res);
    if (a == NULL)
        return res->error != TU_OK ? 0 : -1;
    int r = scan_headers(a, want, n, &s, res);
    archive_read_free(a);
    if (r != 0 || res->error != TU_OK) {
        rc = r;
        goto out;
    }
    if (s.n == 0) {
        rc = set_error(res, TU_NO_LAB_FILE, fmt("it holds no lab file and no answers file where they are looked for"));
        goto out;
    }
    if ((dir = choose_dir(&s, &oom, &skipped)) == NULL)
        goto out;
    if (skipped != NULL &&
        add_note(res, dir[0] ? fmt("files were found both in \"%s/\" and in \"%s/\": the ones in \"%s/\" were "
                                   "graded, \"%s/\" was ignored", dir, skipped, dir, skipped)
                             : fmt("files were found both at the top of the archive and in \"%s/\": the ones at "
                                   "the top were graded, \"%s/\" was ignored", skipped, skipped)) != 0)
        goto out;

    /* The last copy of each name in dir wins. */
    p = calloc(n ? n : 1, sizeof *p);
    if (p == NULL)
        goto out;
    long last = -1;
    for (size_t k = 0; k < n; k++) {
        size_t copies = 0;
        for (size_t i = 0; i < s.n; i++)
            if (s.c[i].want == k && strcmp(s.c[i].dir, dir) == 0) {
                p[k].c = &s.c[i];
                copies++;
            }
        if (copies > 1 && add_note(res, fmt("%s: the archive holds %zu copies of %s; the last one was taken "
                                            "(as tar does)", want[k].name, copies, p[k].c->shown)) != 0)
            goto out;
        if (p[k].c != NULL && p[k].c->index > last)
            last = p[k].c->index;
    }
    if ((a = open_archive(path, data, len, res)) == NULL) {
        rc = res->error != TU_OK ? (res->error = TU_BROKEN, 0) : -1;
        goto out;
    }
    unsigned char *hit = malloc(n ? n : 1);
    r = hit != NULL ? read_chosen(a, want, n, p, last, hit, res) : -1;
    free(hit);
    archive_read_free(a);
    if (r != 0 || res->error != TU_OK) {
        rc = r;
        goto out;
    }
    /* What was not taken: links and what is not a file. */
    for (size_t k = 0; k < n; k++) {
        const struct cand *c = p[k].c;
        if (c == NULL || res->files[k].taken || res->files[k].why != NULL)
            continue;
        if (c->link != NULL && p[k].target_why == NULL && p[k].target != NULL) {
            if (take(res, k, &want[k], c, p[k].target, p[k].target_len, 0, 0) != 0)
                goto out;
            p[k].target = NULL;
            continue;
        }
        char what[512];
        if (c->link != NULL && !p[k].target_seen)
            snprintf(what, sizeof what, "is a hard link to %s, which the archive does not hold before it",
                     c->link_shown);
        else if (c->link != NULL)
            snprintf(what, sizeof what, "%s (%s)", p[k].target_why ? p[k].target_why : "is a hard link", c->link_shown);
        else
            snprintf(what, sizeof what, "%s", c->type == AE_IFLNK ? "is a symbolic link"
                                              : c->type == AE_IFDIR ? "is a folder, not a regular file"
                                                                    : "is not a regular file");
        if (refuse(res, k, &want[k], c, what) != 0)
            goto out;
    }
    rc = 0;
out:
    for (size_t k = 0; p != NULL && k < n; k++)
        free(p[k].target);
    free(p);
    free(dir);
    free(skipped);
    scan_free(&s);
    return rc;
}
