/* batchsubs.c - the submissions of a batch: every folder and archive
 * directly under DIR, each with its student id and its folder key under
 * OUT/students, sorted, duplicates marked (batch_int.h). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch_int.h"
#include "fnv.h"
#include "student_id.h"
#include "ttgrade.h"

void batch_sub_free(struct sub *s)
{
    free(s->name);
    free(s->path);
    free(s->id);
    free(s->key);
    free(s->work);
}

/* The length of s less an archive suffix, or 0 if it has none. */
static size_t archive_stem(const char *s)
{
    static const char *const suffixes[] = {".tar.gz", ".tgz", ".zip"};
    size_t n = strlen(s);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && strcmp(s + n - k, suffixes[i]) == 0)
            return n - k;
    }
    return 0;
}

/* A file name for the id's folder: letters, digits and ._+@- are kept, any
 * other byte becomes %XX, a leading '.' too; a long result is cut and ends
 * with a hash of the whole, so two ids never share a folder. */
static char *make_key(const char *id, size_t len)
{
    struct tg_buf b = TG_BUF_INIT;
    uint64_t h = tg_fnv1a64(TG_FNV_OFFSET, id, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                   c == '-' || c == '+' || c == '@' || (c == '.' && i > 0);
        if (safe)
            tg_buf_putc(&b, (char)c);
        else
            tg_buf_printf(&b, "%%%02X", c);
    }
    if (b.len > BATCH_KEY_MAX) {
        b.len = BATCH_KEY_MAX - 17;
        tg_buf_printf(&b, "~%016llx", (unsigned long long)h);
    }
    return tg_buf_take(&b);
}

/* Fills s from a submission's name and absolute path. Its id is the name
 * less an archive suffix, with the blanks around it dropped (student_id.h),
 * so "s123 " is s123 here as in ttgrade and ttquestions; with student_ids
 * (--student-ids) it must also be a usable id, or s->bad_id says why. A name
 * of blanks only keeps them: an id, even a bad one, is never empty. Returns
 * 0 or -1. */
int batch_sub_init(struct sub *s, const char *name, const char *path, int student_ids)
{
    memset(s, 0, sizeof *s);
    size_t stem = archive_stem(name);
    size_t idlen = stem ? stem : strlen(name);
    size_t tlen = idlen;
    const char *t = tg_student_id_trim(name, &tlen);
    if (tlen == 0) {
        t = name;
        tlen = idlen;
    }
    if (student_ids)
        s->bad_id = tg_student_id_problem(name, idlen);
    s->name = tg_strdup(name);
    s->path = tg_strdup(path);
    s->id = tg_one_line(t, tlen, 256);
    s->key = make_key(t, tlen);
    return s->name && s->path && s->id && s->key ? 0 : -1;
}

/* Not graded: a second submission of one id, or a name that is no id. */
int batch_sub_skipped(const struct sub *s)
{
    return s->dup || s->bad_id != NULL;
}

/* OUT as given (or its default). */
const char *batch_out_arg(const struct batch *b)
{
    return b->o.out ? b->o.out : BATCH_DEFAULT_OUT;
}

/* Notes an entry of DIR that is not graded: on stderr now, in the summary
 * later. */
static void skip_entry(struct batch *b, const char *name, const char *why)
{
    char *shown = tg_one_line(name, strlen(name), 256);
    fprintf(stderr, "ttgrade batch: skipping %s: %s\n", shown ? shown : "?", why);
    tg_buf_printf(&b->skip_list, "  %s: %s\n", shown ? shown : "?", why);
    free(shown);
    b->skipped++;
}

static int sub_cmp(const void *a, const void *b)
{
    const struct sub *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : strcmp(x->name, y->name);
}

/* Lists the submissions in b->o.dir, sorted by id. Returns 0 or -1 with *err. */
int batch_list_submissions(struct batch *b, char **err)
{
    char *dir = realpath(b->o.dir, NULL);
    if (dir == NULL) {
        *err = tg_asprintf("cannot use the folder %s: %s", b->o.dir, strerror(errno));
        return -1;
    }
    struct stat out_st; /* OUT, if it exists already: it may be inside DIR */
    int have_out = stat(batch_out_arg(b), &out_st) == 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        *err = tg_asprintf("cannot read the folder %s: %s", b->o.dir, strerror(errno));
        free(dir);
        return -1;
    }
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    errno = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *path = tg_path_join(dir, e->d_name);
        struct stat st;
        if (path == NULL) {
            rc = -1;
            break;
        }
        int ok = stat(path, &st) == 0;
        int is_sub = ok && (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && archive_stem(e->d_name) > 0));
        if (ok && have_out && st.st_dev == out_st.st_dev && st.st_ino == out_st.st_ino) {
            is_sub = 0, ok = 0; /* OUT itself, inside DIR */
        } else if (e->d_name[0] == '.') {
            /* .git, .DS_Store, an editor's backup: listed, never graded. */
            is_sub = 0;
            skip_entry(b, e->d_name, "its name starts with '.' (hidden); rename it to grade it");
        } else if (!is_sub) {
            skip_entry(b, e->d_name, "not a folder or a .tar.gz/.tgz/.zip archive");
        }
        if (is_sub) {
            if (b->n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                struct sub *ns = realloc(b->subs, nc * sizeof *ns);
                if (ns == NULL) {
                    free(path);
                    rc = -1;
                    break;
                }
                b->subs = ns;
                cap = nc;
            }
            if (batch_sub_init(&b->subs[b->n], e->d_name, path, b->o.student_ids) != 0)
                rc = -1;
            b->n++; /* freed by the caller even when half made */
        }
        free(path);
        errno = 0;
    }
    if (rc == 0 && errno != 0) {
        *err = tg_asprintf("cannot read the folder %s: %s", b->o.dir, strerror(errno));
        rc = -1;
    }
    closedir(d);
    free(dir);
    if (rc != 0)
        return -1;
    if (b->n > 0)
        qsort(b->subs, b->n, sizeof *b->subs, sub_cmp);
    for (size_t i = 1; i < b->n; i++)
        b->subs[i].dup = strcmp(b->subs[i].id, b->subs[i - 1].id) == 0;
    return 0;
}
