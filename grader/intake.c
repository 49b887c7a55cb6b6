/* intake.c - from a submission to <scratch>/src/<lab>.c, and the scratch dir.
 *
 * Only the five lab files are taken: regular files (never symlinks), at most
 * 1 MiB each, from the submission's top level, its student/ folder, or the
 * same one folder down (an archive of a folder). answers.txt, the answers to
 * the questions, is read from the same folder into memory (a regular file of
 * at most 64 KiB; it is only ever parsed as text). An archive (.tar.gz/.tgz,
 * .tar, .zip) is read by ttunpack (unpack.h, libarchive) in the unpack jail,
 * which applies the same rules member by member and writes only the files it
 * takes, flat, into in/; they are taken from there as from a folder.
 * Nothing from the submission is ever run. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "questions.h"
#include "text.h"
#include "ttgrade.h"

/* How long ttunpack may take, and the most it may say (bytes). */
#define TG_ARCHIVE_SECONDS 60.0
#define TG_UNPACK_LOG_MAX (64L * 1024)
/* The largest archive taken (bytes). */
#define TG_ARCHIVE_MAX (64LL * 1024 * 1024)

/* ------------------------------------------------------------ scratch -- */

char *tg_scratch_create(char **err)
{
    static const char *const subdirs[] = {"src", "obj", "bin", "out", "in", "tmp"};
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    char *tmpl = tg_path_join(base, "ttgrade.XXXXXX");
    if (tmpl == NULL)
        return NULL;
    if (mkdtemp(tmpl) == NULL) {
        *err = tg_asprintf("cannot make a scratch directory in %s: %s", base, strerror(errno));
        free(tmpl);
        return NULL;
    }
    char *path = realpath(tmpl, NULL);
    if (path == NULL) {
        *err = tg_asprintf("cannot resolve the scratch directory %s: %s", tmpl, strerror(errno));
        rmdir(tmpl);
        free(tmpl);
        return NULL;
    }
    free(tmpl);
    /* The sandbox user (proc.h) may pass through, not list: src (read-only
     * for it) is world-readable, and tg_jails_init gives it the dirs it
     * writes. */
    if (chmod(path, 0711) != 0) {
        *err = tg_asprintf("cannot set the mode of %s: %s", path, strerror(errno));
        tg_scratch_remove(path);
        free(path);
        return NULL;
    }
    for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        char *d = tg_path_join(path, subdirs[i]);
        if (d == NULL || mkdir(d, i == 0 ? 0755 : 0700) != 0 || (i == 0 && chmod(d, 0755) != 0)) {
            if (d != NULL)
                *err = tg_asprintf("cannot make %s: %s", d, strerror(errno));
            free(d);
            tg_scratch_remove(path);
            free(path);
            return NULL;
        }
        free(d);
    }
    return path;
}

/* *out = datadir/rel if that is of file type `type` (S_IFDIR, S_IFREG),
 * else NULL. Returns 0, or -1 if memory ran out. */
static int data_entry(const char *datadir, const char *rel, mode_t type, char **out)
{
    struct stat st;
    char *path = tg_path_join(datadir, rel);
    *out = NULL;
    if (path == NULL)
        return -1;
    if (stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type)
        *out = path;
    else
        free(path);
    return 0;
}

int tg_jails_init(struct tg_jails *j, const char *scratch, const char *datadir, char **err)
{
    memset(j, 0, sizeof *j);
    *err = NULL;
    j->src = tg_path_join(scratch, "src");
    j->obj = tg_path_join(scratch, "obj");
    j->bin = tg_path_join(scratch, "bin");
    j->out = tg_path_join(scratch, "out");
    j->in = tg_path_join(scratch, "in");
    j->tmp = tg_path_join(scratch, "tmp");
    j->inc = datadir ? tg_path_join(datadir, "include") : NULL;
    if (!j->src || !j->obj || !j->bin || !j->out || !j->in || !j->tmp || (datadir && !j->inc)) {
        tg_jails_free(j);
        return -1;
    }
    /* The stand-in for libgit2 the test programs load (grader/shim/), and
     * the program Valgrind runs for the memory checks (memhost.c), if the
     * data dir has them. */
    if (datadir != NULL && (data_entry(datadir, "lib", S_IFDIR, &j->lib) != 0 ||
                            data_entry(datadir, "memcheck/ttmemhost", S_IFREG, &j->host) != 0 ||
                            data_entry(datadir, "ttunpack", S_IFREG, &j->unpacker) != 0)) {
        tg_jails_free(j);
        return -1;
    }
    const char *give[] = {j->obj, j->bin, j->out, j->in, j->tmp};
    for (size_t i = 0; i < sizeof give / sizeof give[0]; i++) {
        if (tg_sandbox_give(give[i]) != 0) {
            *err = tg_asprintf("cannot hand %s to the sandbox user: %s", give[i], strerror(errno));
            tg_jails_free(j);
            return -1;
        }
    }
    j->cc.ro[0] = j->src;
    j->cc.ro[1] = j->inc;
    j->cc.rw[0] = j->obj;
    j->cc.rw[1] = j->tmp;
    j->cc.mem_bytes = 2ULL << 30;
    j->ld.ro[0] = j->obj;
    j->ld.ro[1] = datadir;
    j->ld.rw[0] = j->bin;
    j->ld.rw[1] = j->tmp;
    j->ld.mem_bytes = 2ULL << 30;
    /* proc.c reads ro[] up to its first NULL: the optional ones packed */
    size_t r = 0;
    j->run.ro[r++] = j->bin;
    if (j->lib != NULL)
        j->run.ro[r++] = j->lib;
    if (j->host != NULL)
        j->run.ro[r++] = j->host;
    j->run.rw[0] = j->out;
    j->run.rw[1] = j->tmp;
    j->unpack.ro[1] = j->unpacker; /* ro[0]: the archive's copy, set by run_unpacker */
    j->unpack.rw[0] = j->in;
    j->unpack.rw[1] = j->tmp;
    j->unpack.mem_bytes = 1ULL << 30;
    return 0;
}

void tg_jails_free(struct tg_jails *j)
{
    free(j->src);
    free(j->obj);
    free(j->bin);
    free(j->out);
    free(j->in);
    free(j->tmp);
    free(j->inc);
    free(j->lib);
    free(j->host);
    free(j->unpacker);
    memset(j, 0, sizeof *j);
}

static int open_dirs_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)ftw;
    /* An extracted folder may have come without write permission. */
    if (flag == FTW_D && (sb->st_mode & 0700) != 0700)
        chmod(path, (sb->st_mode & 07777) | 0700);
    return 0;
}

static int remove_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0 && errno != ENOENT)
        return -1;
    return 0;
}

int tg_scratch_remove(const char *path)
{
    nftw(path, open_dirs_cb, 16, FTW_PHYS);
    return nftw(path, remove_cb, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* ------------------------------------------------------- taking files -- */

void tg_intake_free(struct tg_intake *in)
{
    for (int i = 0; i < tg_n_labs; i++) {
        free(in->why[i]);
        in->why[i] = NULL;
    }
    free(in->answers);
    free(in->answers_why);
    in->answers = in->answers_why = NULL;
    in->answers_len = 0;
    for (size_t i = 0; i < in->n_notes; i++)
        free(in->notes[i]);
    free(in->notes);
    in->notes = NULL;
    in->n_notes = 0;
}

/* Adds note (malloc'd, taken) to in. 0, or -1 when memory ran out. */
static int add_note(struct tg_intake *in, char *note)
{
    char **nn = note ? realloc(in->notes, (in->n_notes + 1) * sizeof *nn) : NULL;
    if (nn == NULL) {
        free(note);
        return -1;
    }
    in->notes = nn;
    in->notes[in->n_notes++] = note;
    return 0;
}

static int has_lab_file(int dfd)
{
    char name[64];
    struct stat st;
    for (int i = 0; i < tg_n_labs; i++) {
        snprintf(name, sizeof name, "%s.c", tg_lab_names[i]);
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            return 1;
    }
    return fstatat(dfd, TG_ANSWERS_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int open_subdir(int dfd, const char *name)
{
    return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The name of the only visible subdirectory of dfd (malloc'd), or NULL. */
static char *only_subdir(int dfd)
{
    int fd = dup(dfd);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return NULL;
    }
    rewinddir(d);
    char *found = NULL;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "__MACOSX") == 0)
            continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (++count > 1)
            break;
        free(found);
        found = tg_strdup(e->d_name);
    }
    closedir(d);
    if (count != 1) {
        free(found);
        return NULL;
    }
    return found;
}

/* Where the lab files are, starting from dfd (whose ownership it takes):
 * dfd itself, its student/, or the same inside dfd's only subdirectory.
 * unpack.c's choose_dir makes the same choice in an archive. When student/
 * is passed over for files beside it, *skipped is set to its path from the
 * start (malloc'd; "at" is the path so far, "" at the start). Returns the
 * folder's fd, or -1 when memory ran out (dfd closed). */
static int find_lab_dir(int dfd, int depth, const char *at, char **skipped)
{
    int s = open_subdir(dfd, "student");
    if (has_lab_file(dfd)) {
        if (s >= 0 && has_lab_file(s) && (*skipped = tg_asprintf("%sstudent", at)) == NULL) {
            close(s);
            close(dfd);
            return -1;
        }
        if (s >= 0)
            close(s);
        return dfd;
    }
    if (s >= 0) {
        if (has_lab_file(s)) {
            close(dfd);
            return s;
        }
        close(s);
    }
    if (depth >= 2)
        return dfd;
    char *sub = only_subdir(dfd);
    if (sub == NULL)
        return dfd;
    int sfd = open_subdir(dfd, sub);
    char *next = sfd >= 0 ? tg_asprintf("%s%s/", at, sub) : NULL;
    free(sub);
    if (sfd < 0)
        return dfd;
    close(dfd);
    if (next == NULL) {
        close(sfd);
        return -1;
    }
    int r = find_lab_dir(sfd, depth + 1, next, skipped);
    free(next);
    return r;
}

/* Copies <lab>.c from dfd to dst. Returns 0 (present or not: see in), or -1
 * on an internal error with *err set. */
static int take_file(int dfd, int lab, const char *dst, struct tg_intake *in, char **err)
{
    char name[64];
    snprintf(name, sizeof name, "%s.c", tg_lab_names[lab]);
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        if (errno == ENOENT)
            in->why[lab] = tg_asprintf("%s not found in the submission", name);
        else if (errno == ELOOP)
            in->why[lab] = tg_asprintf("%s in the submission is a symbolic link: not accepted", name);
        else
            in->why[lab] = tg_asprintf("%s in the submission cannot be read: %s", name, strerror(errno));
        return in->why[lab] != NULL ? 0 : -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        in->why[lab] = tg_asprintf("%s in the submission is not a regular file: not accepted", name);
        return in->why[lab] != NULL ? 0 : -1;
    }
    if (st.st_size > TG_LAB_FILE_MAX) {
        close(fd);
        in->why[lab] = tg_asprintf("%s in the submission is larger than 1 MiB (%lld bytes): not accepted", name,
                                   (long long)st.st_size);
        return in->why[lab] != NULL ? 0 : -1;
    }
    char *data = malloc(TG_LAB_FILE_MAX + 1);
    if (data == NULL) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got <= (size_t)TG_LAB_FILE_MAX) {
        ssize_t r = read(fd, data + got, (size_t)TG_LAB_FILE_MAX + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(data);
            close(fd);
            in->why[lab] = tg_asprintf("%s in the submission cannot be read: %s", name, strerror(e));
            return in->why[lab] != NULL ? 0 : -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got > (size_t)TG_LAB_FILE_MAX) {
        free(data);
        in->why[lab] = tg_asprintf("%s in the submission is larger than 1 MiB: not accepted", name);
        return in->why[lab] != NULL ? 0 : -1;
    }
    /* Readable by the sandbox user that compiles it, writable by no one. */
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
    if (out >= 0 && fchmod(out, 0444) != 0) { /* whatever the umask */
        close(out);
        out = -1;
    }
    if (out < 0) {
        *err = tg_asprintf("cannot create %s: %s", dst, strerror(errno));
        free(data);
        return -1;
    }
    size_t off = 0;
    while (off < got) {
        ssize_t w = write(out, data + off, got - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            *err = tg_asprintf("cannot write %s: %s", dst, strerror(errno));
            free(data);
            close(out);
            return -1;
        }
        off += (size_t)w;
    }
    free(data);
    if (close(out) != 0) {
        *err = tg_asprintf("cannot write %s: %s", dst, strerror(errno));
        return -1;
    }
    in->present[lab] = 1;
    return 0;
}

/* Reads answers.txt from dfd into in->answers, or sets in->answers_why.
 * Returns 0, or -1 when memory ran out. */
static int take_answers(int dfd, struct tg_intake *in)
{
    const char *name = TG_ANSWERS_NAME;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        if (errno == ENOENT)
            in->answers_why = tg_asprintf("%s not found in the submission", name);
        else if (errno == ELOOP)
            in->answers_why = tg_asprintf("%s in the submission is a symbolic link: not accepted", name);
        else
            in->answers_why = tg_asprintf("%s in the submission cannot be read: %s", name, strerror(errno));
        return in->answers_why != NULL ? 0 : -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        in->answers_why = tg_asprintf("%s in the submission is not a regular file: not accepted", name);
        return in->answers_why != NULL ? 0 : -1;
    }
    if (st.st_size > TG_ANSWERS_MAX) {
        close(fd);
        in->answers_why = tg_asprintf("%s in the submission is larger than 64 KiB (%lld bytes): not accepted", name,
                                      (long long)st.st_size);
        return in->answers_why != NULL ? 0 : -1;
    }
    char *data = malloc(TG_ANSWERS_MAX + 2);
    if (data == NULL) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got <= (size_t)TG_ANSWERS_MAX) {
        ssize_t r = read(fd, data + got, (size_t)TG_ANSWERS_MAX + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(data);
            close(fd);
            in->answers_why = tg_asprintf("%s in the submission cannot be read: %s", name, strerror(e));
            return in->answers_why != NULL ? 0 : -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got > (size_t)TG_ANSWERS_MAX) {
        free(data);
        in->answers_why = tg_asprintf("%s in the submission is larger than 64 KiB: not accepted", name);
        return in->answers_why != NULL ? 0 : -1;
    }
    data[got] = '\0';
    in->answers = data;
    in->answers_len = got;
    return 0;
}

/* Takes the lab files and answers.txt from the folder dfd into scratch,
 * except those whose why (refused[]: the labs, then answers.txt) is already
 * set. Returns 0, or -1 with *err (NULL: no memory). */
static int take_from(int dfd, const char *scratch, char *const *refused, struct tg_intake *in, char **err)
{
    int rc = 0;
    for (int lab = 0; lab < tg_n_labs && rc == 0; lab++) {
        if (refused != NULL && refused[lab] != NULL) {
            rc = (in->why[lab] = tg_strdup(refused[lab])) != NULL ? 0 : -1;
            continue;
        }
        char name[64];
        snprintf(name, sizeof name, "src/%s.c", tg_lab_names[lab]);
        char *dst = tg_path_join(scratch, name);
        rc = dst != NULL ? take_file(dfd, lab, dst, in, err) : -1;
        free(dst);
    }
    if (rc == 0 && refused != NULL && refused[tg_n_labs] != NULL)
        rc = (in->answers_why = tg_strdup(refused[tg_n_labs])) != NULL ? 0 : -1;
    else if (rc == 0)
        rc = take_answers(dfd, in);
    return rc;
}

static char *no_lab_file(const char *display)
{
    struct tg_buf files = TG_BUF_INIT;
    for (int lab = 0; lab < tg_n_labs; lab++)
        tg_buf_printf(&files, "%s%s.c", lab ? ", " : "", tg_lab_names[lab]);
    char *list = tg_buf_take(&files);
    char *msg = list ? tg_asprintf("the submission %s holds no lab file (%s) and no %s, at its top level or under "
                                   "student/", display, list, TG_ANSWERS_NAME) : NULL;
    free(list);
    return msg;
}

/* Takes the files from the folder root (`display` names the submission in
 * messages). A submission with nothing named like a lab file or answers.txt,
 * where they are looked for, is an error: there is nothing to grade. */
static int take_files(const char *root, const char *display, const char *scratch, struct tg_intake *in, char **err)
{
    int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        *err = tg_asprintf("cannot open the submission folder %s: %s", display, strerror(errno));
        return -1;
    }
    char *skipped = NULL;
    if ((dfd = find_lab_dir(dfd, 0, "", &skipped)) < 0)
        return -1;
    if (!has_lab_file(dfd)) {
        close(dfd);
        *err = no_lab_file(display);
        return -1;
    }
    int rc = 0;
    if (skipped != NULL) {
        char *shown = tg_sanitize(skipped, strlen(skipped), 300);
        size_t cut = strlen(shown ? shown : "") - strlen("student");
        rc = add_note(in, shown == NULL ? NULL
                          : cut == 0 ? tg_asprintf("files were found both at the top of the submission and in "
                                                   "\"student/\": the ones at the top were graded, \"student/\" "
                                                   "was ignored")
                                     : tg_asprintf("files were found both in \"%.*s\" and in \"%s/\": the ones "
                                                   "in \"%.*s\" were graded, \"%s/\" was ignored",
                                                   (int)cut, shown, shown, (int)cut, shown, shown));
        free(shown);
        free(skipped);
    }
    if (rc == 0)
        rc = take_from(dfd, scratch, NULL, in, err);
    close(dfd);
    return rc;
}

/* ------------------------------------------------------------ archives -- */

/* 1 if the file at path starts like an archive ttunpack reads: gzip (a
 * .tar.gz), zip, or a tar ("ustar" at byte 257). ttunpack decides. */
static int looks_archived(const char *path)
{
    unsigned char m[262] = {0};
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t r = read(fd, m, sizeof m);
    close(fd);
    if (r >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return 1;
    if (r >= 4 && m[0] == 'P' && m[1] == 'K' && ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6)))
        return 1;
    return r == (ssize_t)sizeof m && memcmp(m + 257, "ustar", 5) == 0;
}

/* The first few non-blank lines of the file at path, sanitised, "; "
 * between them and ": " before (malloc'd; "" if none; NULL: no memory). */
static char *first_lines(const char *path)
{
    char *msg = tg_read_file(path, 4096, NULL, NULL);
    char *clean = msg ? tg_sanitize(msg, strlen(msg), 4096) : NULL;
    struct tg_buf said = TG_BUF_INIT;
    int lines = 0;
    tg_buf_puts(&said, "");
    for (char *p = clean; p != NULL && *p && lines < 3;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 0) {
            tg_buf_puts(&said, lines ? "; " : ": ");
            tg_buf_add(&said, p, len);
            lines++;
        }
        p = nl ? nl + 1 : NULL;
    }
    free(msg);
    free(clean);
    return tg_buf_take(&said);
}

/* Runs ttunpack on the archive's copy, in the unpack jail, into in/, and
 * reads what it says: its notes into in, the files it refused into
 * refused[] (the labs, then answers.txt; malloc'd, sanitised). Returns 0, or
 * -1 with *err (NULL: no memory). */
static int run_unpacker(const char *archive, const char *display, const char *scratch,
                        const struct tg_jails *jails, char **refused, struct tg_intake *in, char **err)
{
    char *wants[TG_MAX_LABS + 1] = {0};
    char *log_path = tg_path_join(scratch, "in.log"), *err_path = tg_path_join(scratch, "in.err");
    char *indir = tg_path_join(scratch, "in"), *log = NULL;
    int rc = -1;
    if (jails->unpacker == NULL) {
        *err = tg_asprintf("cannot open the archive %s: the data dir has no ttunpack (make, or make install, "
                           "again)", display);
        goto out;
    }
    if (log_path == NULL || err_path == NULL || indir == NULL)
        goto out;
    for (int i = 0; i <= tg_n_labs; i++) {
        wants[i] = i < tg_n_labs ? tg_asprintf("%s.c=%ld", tg_lab_names[i], TG_LAB_FILE_MAX)
                                 : tg_asprintf("%s=%ld", TG_ANSWERS_NAME, (long)TG_ANSWERS_MAX);
        if (wants[i] == NULL)
            goto out;
    }
    char *argv[TG_MAX_LABS + 5] = {jails->unpacker, (char *)archive, indir};
    for (int i = 0; i <= tg_n_labs; i++)
        argv[3 + i] = wants[i];
    /* ttunpack sees only the archive's copy (made by copy_archive, readable
     * by the sandbox user), itself, and in/. */
    struct tg_confine jail = jails->unpack;
    jail.ro[0] = archive;
    struct tg_task t;
    memset(&t, 0, sizeof t);
    t.confine = &jail;
    t.argv = argv;
    t.envp = tg_step_environ; /* not ours (proc.h) */
    t.out_path = log_path;
    t.err_path = err_path;
    t.limit = TG_ARCHIVE_SECONDS;
    if (tg_run_tasks(&t, 1, 1) != 0) {
        *err = tg_strdup("interrupted");
        goto out;
    }
    int exited = t.started && !t.timed_out && WIFEXITED(t.status);
    int code = exited ? WEXITSTATUS(t.status) : -1;
    size_t len = 0;
    log = code == 0 || code == 1 ? tg_read_file(log_path, TG_UNPACK_LOG_MAX, &len, NULL) : NULL;
    if (log == NULL) {
        char *how = tg_task_outcome(&t), *said = first_lines(err_path);
        *err = tg_asprintf("cannot read the archive %s: ttunpack %s%s", display, how ? how : "failed",
                           said ? said : "");
        free(how);
        free(said);
        goto out;
    }
    int said_error = 0;
    for (char *line = log; line < log + len && (*err == NULL);) {
        char *nl = memchr(line, '\n', (size_t)(log + len - line));
        char *next = nl ? nl + 1 : log + len;
        size_t n = nl ? (size_t)(nl - line) : (size_t)(log + len - line);
        char *clean = tg_sanitize(line, n, 1000);
        if (clean == NULL)
            goto out;
        char *sp = strchr(clean, ' ');
        const char *rest = sp ? sp + 1 : "";
        if (strncmp(clean, "note ", 5) == 0) {
            if (add_note(in, tg_strdup(rest)) != 0) {
                free(clean);
                goto out;
            }
        } else if (strncmp(clean, "refused ", 8) == 0) {
            const char *why = strchr(rest, ' ');
            for (int i = 0; why != NULL && i <= tg_n_labs; i++) {
                char *eq = strchr(wants[i], '=');
                if ((size_t)(why - rest) == (size_t)(eq - wants[i]) && strncmp(rest, wants[i], (size_t)(why - rest)) == 0 &&
                    refused[i] == NULL && (refused[i] = tg_strdup(why + 1)) == NULL) {
                    free(clean);
                    goto out;
                }
            }
        } else if (strncmp(clean, "error ", 6) == 0) {
            said_error = 1;
            const char *msg = strchr(rest, ' ');
            msg = msg ? msg + 1 : "";
            if (strncmp(rest, "nolab ", 6) == 0)
                *err = no_lab_file(display);
            else if (strncmp(rest, "refused ", 8) == 0)
                *err = tg_asprintf("the archive %s is refused: %s", display, msg);
            else if (strncmp(rest, "extract ", 8) == 0)
                *err = tg_asprintf("cannot extract the archive %s: %s", display, msg);
            else
                *err = tg_asprintf("cannot list the archive %s: %s", display, msg);
        }
        free(clean);
        line = next;
    }
    if (*err != NULL)
        goto out;
    if (code != 0 || said_error) {
        *err = tg_asprintf("cannot read the archive %s: ttunpack failed without saying why", display);
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i <= tg_n_labs; i++)
        free(wants[i]);
    free(log);
    free(log_path);
    free(err_path);
    free(indir);
    return rc;
}

/* -------------------------------------------------------------- intake -- */

/* Copies the archive to <scratch>/in.archive, readable by the sandbox user
 * (the original may sit where it cannot go). Returns the copy's malloc'd
 * path, or NULL with *err (NULL: no memory). */
static char *copy_archive(const char *archive, const char *display, const char *scratch, char **err)
{
    char *dst = tg_path_join(scratch, "in.archive");
    if (dst == NULL)
        return NULL;
    int in = open(archive, O_RDONLY | O_NONBLOCK | O_CLOEXEC), out = -1;
    if (in < 0) {
        *err = tg_asprintf("cannot open %s: %s", display, strerror(errno));
        goto fail;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
    if (out < 0 || fchmod(out, 0444) != 0) {
        *err = tg_asprintf("cannot create %s: %s", dst, strerror(errno));
        goto fail;
    }
    char buf[65536];
    long long total = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *err = tg_asprintf("cannot read %s: %s", display, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        total += r;
        if (total > TG_ARCHIVE_MAX) {
            *err = tg_asprintf("the archive %s is larger than %lld MiB: not accepted", display,
                               (long long)TG_ARCHIVE_MAX >> 20);
            goto fail;
        }
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(out, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                *err = tg_asprintf("cannot write %s: %s", dst, strerror(errno));
                goto fail;
            }
            off += w;
        }
    }
    close(in);
    if (close(out) != 0) {
        out = -1;
        *err = tg_asprintf("cannot write %s: %s", dst, strerror(errno));
        goto fail;
    }
    return dst;
fail:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    free(dst);
    return NULL;
}

int tg_intake_run(const char *submission, const char *scratch, const struct tg_jails *jails, struct tg_intake *in,
                  char **err)
{
    memset(in, 0, sizeof *in);
    *err = NULL;
    struct stat st;
    if (stat(submission, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            *err = tg_asprintf("no such submission: %s", submission);
        else
            *err = tg_asprintf("cannot access the submission %s: %s", submission, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return take_files(submission, submission, scratch, in, err);
    if (!S_ISREG(st.st_mode)) {
        *err = tg_asprintf("the submission %s is neither a folder nor an archive", submission);
        return -1;
    }
    if (!looks_archived(submission)) {
        *err = tg_asprintf("the submission %s is not a folder, a .tar.gz/.tgz or a .zip archive (or a .tar)",
                           submission);
        return -1;
    }
    char *abs = copy_archive(submission, submission, scratch, err);
    if (abs == NULL)
        return -1;
    char *refused[TG_MAX_LABS + 1] = {0};
    int rc = run_unpacker(abs, submission, scratch, jails, refused, in, err);
    free(abs);
    char *indir = rc == 0 ? tg_path_join(scratch, "in") : NULL;
    int dfd = indir ? open(indir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (rc == 0 && indir != NULL && dfd < 0)
        *err = tg_asprintf("cannot open %s: %s", indir, strerror(errno));
    rc = dfd >= 0 ? take_from(dfd, scratch, refused, in, err) : -1;
    if (dfd >= 0)
        close(dfd);
    free(indir);
    for (int i = 0; i <= tg_n_labs; i++)
        free(refused[i]);
    return rc;
}
