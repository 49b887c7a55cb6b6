/* intake.c - from a submission to <scratch>/src/<lab>.c, and the scratch dir.
 *
 * Only the five lab files are taken: regular files (never symlinks), at most
 * 1 MiB each, from the submission's top level, its student/ folder, or the
 * same one folder down (an archive of a folder). answers.txt, the answers to
 * the questions, is read from the same folder into memory (a regular file of
 * at most 64 KiB; it is only ever parsed as text). Archives are listed first
 * with the system tar/unzip, refused if any member is absolute or has a ".."
 * component, and then only the members that can be lab files are extracted.
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
#include <unistd.h>

#include "proc.h"
#include "questions.h"
#include "text.h"
#include "ttgrade.h"

/* The largest lab file accepted. */
#define TG_LAB_FILE_MAX (1024L * 1024)
/* The most an archive listing may hold (bytes), and how long tar/unzip may take. */
#define TG_LIST_MAX (16L * 1024 * 1024)
#define TG_ARCHIVE_SECONDS 60.0
/* The largest archive taken (bytes). */
#define TG_ARCHIVE_MAX (64LL * 1024 * 1024)
/* Lab files are looked for at most this many path components deep in an
 * archive: top/student/matmul.c is 3. */
#define TG_MEMBER_DEPTH_MAX 4

extern char **environ;

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
     * the program Valgrind runs for the memory checks (memcheck.c), if the
     * data dir has them. */
    if (datadir != NULL && (data_entry(datadir, "lib", S_IFDIR, &j->lib) != 0 ||
                            data_entry(datadir, "memcheck/ttmemhost", S_IFREG, &j->host) != 0)) {
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
}

static int is_lab_file_name(const char *base)
{
    if (strcmp(base, TG_ANSWERS_NAME) == 0)
        return 1;
    for (int i = 0; i < tg_n_labs; i++) {
        size_t n = strlen(tg_lab_names[i]);
        if (strncmp(base, tg_lab_names[i], n) == 0 && strcmp(base + n, ".c") == 0)
            return 1;
    }
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
 * dfd itself, its student/, or the same inside dfd's only subdirectory. */
static int find_lab_dir(int dfd, int depth)
{
    if (has_lab_file(dfd))
        return dfd;
    int s = open_subdir(dfd, "student");
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
    free(sub);
    if (sfd < 0)
        return dfd;
    close(dfd);
    return find_lab_dir(sfd, depth + 1);
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
    dfd = find_lab_dir(dfd, 0);
    if (!has_lab_file(dfd)) {
        close(dfd);
        struct tg_buf files = TG_BUF_INIT;
        for (int lab = 0; lab < tg_n_labs; lab++)
            tg_buf_printf(&files, "%s%s.c", lab ? ", " : "", tg_lab_names[lab]);
        char *list = tg_buf_take(&files);
        *err = list ? tg_asprintf("the submission %s holds no lab file (%s) and no %s, at its top level or under "
                                  "student/", display, list, TG_ANSWERS_NAME) : NULL;
        free(list);
        return -1;
    }
    int rc = 0;
    for (int lab = 0; lab < tg_n_labs && rc == 0; lab++) {
        char name[64];
        snprintf(name, sizeof name, "src/%s.c", tg_lab_names[lab]);
        char *dst = tg_path_join(scratch, name);
        rc = dst != NULL ? take_file(dfd, lab, dst, in, err) : -1;
        free(dst);
    }
    if (rc == 0)
        rc = take_answers(dfd, in);
    close(dfd);
    return rc;
}

/* ------------------------------------------------------------ archives -- */

enum archive_kind { ARCHIVE_NONE, ARCHIVE_TGZ, ARCHIVE_ZIP };

static enum archive_kind sniff(const char *path)
{
    unsigned char m[4] = {0};
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ARCHIVE_NONE;
    ssize_t r = read(fd, m, sizeof m);
    close(fd);
    if (r >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        return ARCHIVE_TGZ;
    if (r == 4 && m[0] == 'P' && m[1] == 'K' && ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6)))
        return ARCHIVE_ZIP;
    return ARCHIVE_NONE;
}

/* Why member name m is unsafe (a static string), or NULL if it is fine. */
static const char *member_unsafe(const char *m)
{
    if (m[0] == '/')
        return "is an absolute path";
    const char *p = m;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return "has a \"..\" component";
        if (slash == NULL)
            break;
        p = slash + 1;
    }
    return NULL;
}

/* 1 if member m may be a lab file worth extracting. */
static int member_wanted(const char *m, enum archive_kind kind)
{
    size_t depth = 1;
    for (const char *p = m; *p; p++)
        if (*p == '/')
            depth++;
    const char *base = strrchr(m, '/');
    base = base ? base + 1 : m;
    if (depth > TG_MEMBER_DEPTH_MAX || !is_lab_file_name(base))
        return 0;
    /* unzip reads its member arguments as patterns and options. */
    if (kind == ARCHIVE_ZIP && (m[0] == '-' || strpbrk(m, "*?[]\\") != NULL))
        return 0;
    return 1;
}

/* Runs argv (stdout to out_path, stderr to err_path). Returns 0 if it exited
 * with 0; otherwise -1 with *err built from `what` and the first line of its
 * stderr. */
static int run_tool(char **argv, const char *out_path, const char *err_path, const struct tg_confine *jail,
                    const char *what, char **err)
{
    struct tg_task t;
    memset(&t, 0, sizeof t);
    t.confine = jail;
    t.argv = argv;
    t.envp = environ;
    t.out_path = out_path;
    t.err_path = err_path;
    t.limit = TG_ARCHIVE_SECONDS;
    if (tg_run_tasks(&t, 1, 1) != 0) {
        *err = tg_strdup("interrupted");
        return -1;
    }
    if (tg_task_ok(&t))
        return 0;
    char *how = tg_task_outcome(&t);
    char *msg = tg_read_file(err_path, 4096, NULL, NULL);
    char *clean = msg ? tg_sanitize(msg, strlen(msg), 4096) : NULL;
    /* The first few non-blank lines of what the tool said. */
    struct tg_buf said = TG_BUF_INIT;
    int lines = 0;
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
    char *line = tg_buf_take(&said);
    *err = tg_asprintf("%s: %s %s%s", what, argv[0], how ? how : "failed", line ? line : "");
    free(how);
    free(msg);
    free(clean);
    free(line);
    return -1;
}

static int extract_archive(const char *archive, const char *display, enum archive_kind kind, const char *scratch,
                           const struct tg_jails *jails, char **err)
{
    /* tar and unzip see only the archive (a copy the sandbox user can read,
     * made by copy_archive) and in/. */
    struct tg_confine jail = jails->unpack;
    jail.ro[0] = archive;
    int rc = -1, r, trunc;
    size_t len;
    char *tool = NULL, *list_path = NULL, *err_path = NULL, *indir = NULL, *list = NULL, *what = NULL;
    char **argv = NULL;
    const char *tool_name = kind == ARCHIVE_TGZ ? "tar" : "unzip";
    tool = tg_find_program(tool_name);
    if (tool == NULL) {
        *err = tg_asprintf("cannot open %s: the program %s is not installed", display, tool_name);
        goto out;
    }
    list_path = tg_path_join(scratch, "in.list");
    err_path = tg_path_join(scratch, "in.err");
    indir = tg_path_join(scratch, "in");
    if (list_path == NULL || err_path == NULL || indir == NULL)
        goto out;

    /* 1. List the members and check every one. */
    char *largv[] = {tool, kind == ARCHIVE_TGZ ? "-tzf" : "-Z1", (char *)archive, NULL};
    what = tg_asprintf("cannot list the archive %s", display);
    if (what == NULL)
        goto out;
    r = run_tool(largv, list_path, err_path, &jail, what, err);
    free(what);
    what = NULL;
    if (r != 0)
        goto out;
    list = tg_read_file(list_path, TG_LIST_MAX, &len, &trunc);
    if (list == NULL) {
        *err = tg_asprintf("cannot read the listing of %s: %s", display, strerror(errno));
        goto out;
    }
    if (trunc) {
        *err = tg_asprintf("the archive %s has too many members", display);
        goto out;
    }
    size_t n_wanted = 0, cap = 16;
    argv = calloc(cap, sizeof *argv);
    if (argv == NULL)
        goto out;
    size_t fixed = 0;
    argv[fixed++] = tool;
    if (kind == ARCHIVE_TGZ) {
        argv[fixed++] = "-xzf";
        argv[fixed++] = (char *)archive;
        argv[fixed++] = "-C";
        argv[fixed++] = indir;
        argv[fixed++] = "--no-same-owner";
        argv[fixed++] = "--no-same-permissions";
        argv[fixed++] = "--";
    } else {
        argv[fixed++] = "-qq";
        argv[fixed++] = "-o";
        argv[fixed++] = (char *)archive;
    }
    size_t argc = fixed;
    for (char *line = list; line < list + len;) {
        char *nl = memchr(line, '\n', (size_t)(list + len - line));
        char *next = nl ? nl + 1 : list + len;
        if (nl)
            *nl = '\0';
        if (line[0] != '\0') {
            const char *why = member_unsafe(line);
            if (why != NULL) {
                char *clean = tg_sanitize(line, strlen(line), 200);
                *err = tg_asprintf("the archive %s is refused: member \"%s\" %s", display,
                                   clean ? clean : "?", why);
                free(clean);
                goto out;
            }
            if (member_wanted(line, kind)) {
                if (argc + 4 > cap) {
                    char **na = realloc(argv, cap * 2 * sizeof *na);
                    if (na == NULL)
                        goto out;
                    argv = na;
                    cap *= 2;
                }
                argv[argc++] = line;
                n_wanted++;
            }
        }
        line = next;
    }
    if (n_wanted == 0) {
        rc = 0; /* nothing to take: every lab will be "not found" */
        goto out;
    }
    if (kind == ARCHIVE_ZIP) {
        argv[argc++] = "-d";
        argv[argc++] = indir;
    }
    argv[argc] = NULL;

    /* 2. Extract only those members. */
    what = tg_asprintf("cannot extract the archive %s", display);
    if (what == NULL)
        goto out;
    r = run_tool(argv, list_path, err_path, &jail, what, err);
    if (r != 0)
        goto out;
    rc = 0;
out:
    free(what);
    free(argv);
    free(list);
    free(tool);
    free(list_path);
    free(err_path);
    free(indir);
    return rc;
}

/* The first symbolic link that extraction left under dir and that points
 * outside the archive (an absolute target or a ".." component), as a
 * malloc'd "member -> target" (sanitised), or NULL if there is none. The lab
 * files are never read through a link anyway; this turns such an archive into
 * a clear error. */
static char *outside_link;
static size_t outside_skip;

static int outside_link_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag != FTW_SL && flag != FTW_SLN)
        return 0;
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0)
        return 0;
    target[n] = '\0';
    if (member_unsafe(target) == NULL)
        return 0;
    char *both = tg_asprintf("%s -> %s", path + outside_skip, target);
    outside_link = both ? tg_sanitize(both, strlen(both), 300) : NULL;
    free(both);
    return 1;
}

static char *find_outside_link(const char *dir)
{
    outside_link = NULL;
    outside_skip = strlen(dir) + 1;
    nftw(dir, outside_link_cb, 16, FTW_PHYS);
    return outside_link;
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
    enum archive_kind kind = sniff(submission);
    if (kind == ARCHIVE_NONE) {
        *err = tg_asprintf("the submission %s is not a folder, a .tar.gz/.tgz or a .zip archive", submission);
        return -1;
    }
    char *abs = copy_archive(submission, submission, scratch, err);
    if (abs == NULL)
        return -1;
    int rc = extract_archive(abs, submission, kind, scratch, jails, err);
    free(abs);
    if (rc != 0)
        return -1;
    char *indir = tg_path_join(scratch, "in");
    if (indir == NULL)
        return -1;
    char *link = find_outside_link(indir);
    if (link != NULL) {
        *err = tg_asprintf("the archive %s is refused: member \"%s\" is a link that points outside it", submission,
                           link);
        free(link);
        free(indir);
        return -1;
    }
    rc = take_files(indir, submission, scratch, in, err);
    free(indir);
    return rc;
}
