/* batch.c - `ttgrade batch DIR`: grades every submission under DIR, several
 * at a time, and writes a gradebook and a class summary (see batch.h).
 *
 * Each submission is graded by a child ttgrade (this executable, run on that
 * one submission with --jobs 1) in its own process group, writing its reports
 * into a private folder OUT/.tmp/<key>.XXXXXX; once it has exited, batch.json
 * (what happened) is added and the folder is renamed to OUT/students/<key>.
 * That rename is the commit point: a student's folder is either whole or
 * absent, so a run that is interrupted (Ctrl-C, kill, even kill -9) and run
 * again grades only the submissions that have no folder yet. grades.csv and
 * the summaries are rebuilt from the folders at the end of every run, each
 * written atomically (FILE.tmp, then rename). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "batch.h"
#include "classreport.h"
#include "proc.h"
#include "questions.h"
#include "student_id.h"
#include "text.h"
#include "perf.h"
#include "ttgrade.h"

extern char **environ;

/* The outer wall-clock limit of one submission's grading: a safety net, as
 * ttgrade limits every compile and test itself. */
#define BATCH_DEFAULT_LIMIT 1800.0
/* How long a child ttgrade gets to clean up after SIGTERM before SIGKILL. */
#define BATCH_GRACE_SECONDS 5.0
#define BATCH_MAX_JOBS 1024
#define BATCH_REPORT_MAX (64L * 1024 * 1024)
#define BATCH_RECORD_MAX (64L * 1024)
#define BATCH_REASON_MAX 300
#define BATCH_KEY_MAX 180 /* leaves room for ".XXXXXX" under NAME_MAX */
#define BATCH_PATH_MAX 4096 /* bytes of a path shown in batch.json */
#define BATCH_DEFAULT_OUT "grades"

/* The files of a student's folder. */
#define F_RECORD "batch.json"
#define F_JSON "report.json"
#define F_GRADESCOPE "results.json"
#define F_JUNIT "junit.xml"
#define F_TEXT "report.txt"

/* ------------------------------------------------------------ options -- */

struct batch_opts {
    const char *dir, *out, *one, *timeout, *datadir;
    unsigned jobs;
    double limit;
    int quiet, csv_header, retry_failed, student_ids;
    char **pass;          /* the words after "--", for every child ttgrade */
    int n_pass;
};

static void usage_long(void)
{
    printf("Usage: ttgrade batch [options] DIR [-- TTGRADE_OPTIONS...]\n"
           "       ttgrade batch --one SUBMISSION [--out OUT] [-- TTGRADE_OPTIONS...]\n"
           "       ttgrade batch --csv-header\n"
           "Grade every submission under DIR: each folder and each .tar.gz/.tgz/.zip\n"
           "archive directly in DIR is one student's, and its file name (less the\n"
           "archive suffix and the blanks around it) is the student's id in the\n"
           "gradebook. Names starting with '.' are skipped, and listed with the reason.\n"
           "\n"
           "Writes, under OUT:\n"
           "  students/ID/     report.json, results.json (Gradescope), junit.xml,\n"
           "                   report.txt (the terminal report) and batch.json\n"
           "  grades.csv       one row per student: id, status, total, max, each lab's\n"
           "                   score and memory points, questions, lab 1's extra\n"
           "                   credit (not in total), reason\n"
           "  summary.txt      the class summary also printed at the end: a score\n"
           "  summary.html     histogram and every test's pass rate (self-contained)\n"
           "\n"
           "Resumable: run the same command again after an interruption; submissions\n"
           "that have a folder in OUT/students are not graded again (delete a folder\n"
           "to regrade that student).\n"
           "\n"
           "Options:\n"
           "  --out OUT          where to write (default: " BATCH_DEFAULT_OUT ")\n"
           "  --jobs N           submissions graded in parallel (default: online CPUs)\n"
           "  --timeout SECS     passed on: the time limit of one test\n"
           "  --datadir DIR      passed on: the grader's data dir\n"
           "  --limit SECS       stop grading one submission after SECS (default: %g)\n"
           "  --retry-failed     grade again the submissions recorded as failed\n"
           "  --student-ids      pass each id on as ttgrade's --student-id (per-student\n"
           "                     question numbers; answers.txt must name that id); a\n"
           "                     name that cannot be an id (see ttgrade --help) is a\n"
           "                     failed row\n"
           "  --one SUBMISSION   grade this one submission into OUT and print its CSV\n"
           "                     row (the per-submission command for GNU parallel)\n"
           "  --csv-header       print the CSV header line and exit\n"
           "  -q, --quiet        no progress line, no summary on stdout\n"
           "  -h, --help         show this help\n"
           "Words after \"--\" are passed to every ttgrade run (e.g. --visibility hidden).\n"
           "\n"
           "Exit status: 0 every submission graded, 1 some failed (see the reason\n"
           "column), 2 usage or internal error, or interrupted (run again to resume).\n",
           BATCH_DEFAULT_LIMIT);
}

/* 0 to go on, 1 to exit 0 (help), 2 on a usage error (reported). */
static int parse_options(int argc, char **argv, struct batch_opts *o)
{
    enum { OPT_OUT = 256, OPT_JOBS, OPT_TIMEOUT, OPT_DATADIR, OPT_LIMIT, OPT_ONE, OPT_HEADER, OPT_RETRY, OPT_SIDS };
    static const struct option longopts[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"datadir", required_argument, NULL, OPT_DATADIR},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"one", required_argument, NULL, OPT_ONE},
        {"csv-header", no_argument, NULL, OPT_HEADER},
        {"retry-failed", no_argument, NULL, OPT_RETRY},
        {"student-ids", no_argument, NULL, OPT_SIDS},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* Split off the words after "--" first: getopt would mix them with DIR. */
    int n_opts = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            n_opts = i;
            o->pass = argv + i + 1;
            o->n_pass = argc - i - 1;
            break;
        }
    }
    char **args = calloc((size_t)n_opts + 1, sizeof *args);
    if (args == NULL) {
        fprintf(stderr, "ttgrade batch: out of memory\n");
        return 2;
    }
    memcpy(args, argv, (size_t)n_opts * sizeof *args);
    int rc = 0, c;
    char *end;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(n_opts, args, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_OUT: o->out = optarg; break;
        case OPT_DATADIR: o->datadir = optarg; break;
        case OPT_ONE: o->one = optarg; break;
        case OPT_HEADER: o->csv_header = 1; break;
        case OPT_RETRY: o->retry_failed = 1; break;
        case OPT_SIDS: o->student_ids = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage_long(); rc = 1; break;
        case OPT_JOBS: {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || v < 1 || v > BATCH_MAX_JOBS) {
                fprintf(stderr, "ttgrade batch: bad --jobs '%s' (expected a whole number from 1 to %d)\n", optarg,
                        BATCH_MAX_JOBS);
                rc = 2;
            } else {
                o->jobs = (unsigned)v;
            }
            break;
        }
        case OPT_TIMEOUT:
        case OPT_LIMIT: {
            errno = 0;
            double v = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0 || v > 86400) {
                fprintf(stderr, "ttgrade batch: bad --%s '%s' (expected seconds, more than 0)\n",
                        c == OPT_LIMIT ? "limit" : "timeout", optarg);
                rc = 2;
            } else if (c == OPT_LIMIT) {
                o->limit = v;
            } else {
                o->timeout = optarg;
            }
            break;
        }
        case ':':
            fprintf(stderr, "ttgrade batch: option '%s' needs a value\n", args[optind - 1]);
            rc = 2;
            break;
        default:
            if (optopt != 0)
                fprintf(stderr, "ttgrade batch: unknown option '-%c'\n", optopt);
            else
                fprintf(stderr, "ttgrade batch: unknown option '%s' (ttgrade's own options go after \"--\")\n",
                        args[optind - 1]);
            rc = 2;
            break;
        }
    }
    if (rc == 0 && !o->csv_header) {
        int rest = n_opts - optind;
        if (o->one != NULL && rest != 0) {
            fprintf(stderr, "ttgrade batch: --one takes no DIR\n");
            rc = 2;
        } else if (o->one == NULL && rest != 1) {
            fprintf(stderr, "ttgrade batch: %s\n", rest == 0 ? "no DIR given" : "one DIR only");
            rc = 2;
        } else if (o->one == NULL) {
            o->dir = args[optind];
        }
    }
    free(args);
    if (rc == 2)
        fprintf(stderr, "Try 'ttgrade batch --help' for more information.\n");
    return rc;
}

/* -------------------------------------------------------- submissions -- */

struct sub {
    char *name;        /* its entry in DIR */
    char *path;        /* absolute */
    char *id;          /* the student id: the name less an archive suffix, trimmed
                        * as student_id.h trims (sanitised) */
    char *key;         /* its folder under OUT/students: the id, made file-name safe */
    int dup;           /* an earlier submission has the same id: not graded */
    const char *bad_id; /* with --student-ids, why the id cannot be one (static): not graded */
    int done;          /* its folder is in place */
    int retry;         /* recorded as failed, graded again (--retry-failed) */
    /* while its ttgrade runs */
    pid_t pid;
    char *work;        /* OUT/.tmp/<key>.XXXXXX */
    double t0;
    int stopping;      /* 1: SIGTERM sent; 2: SIGKILL sent */
    double stop_at;
    int timed_out;     /* stopped for passing --limit: recorded as failed */
    int discard;       /* stopped because the batch was interrupted: not recorded */
};

struct batch {
    struct batch_opts o;
    char *self;        /* this executable */
    char *out;         /* OUT, absolute */
    char *students;    /* OUT/students */
    char *tmp;         /* OUT/.tmp */
    int lock_fd;
    struct sub *subs;
    size_t n;
    size_t skipped;    /* entries of DIR that are not submissions */
    struct tg_buf skip_list; /* "  NAME: why\n" for each of them, for the summary */
    /* progress */
    size_t n_done, n_failed, n_resumed, n_now, running;
    double t_start, last_progress;
    int progress_shown;
};

static void sub_free(struct sub *s)
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
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        h = (h ^ c) * 1099511628211ULL;
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
static int sub_init(struct sub *s, const char *name, const char *path, int student_ids)
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
static int sub_skipped(const struct sub *s)
{
    return s->dup || s->bad_id != NULL;
}

/* OUT as given (or its default). */
static const char *out_arg(const struct batch *b)
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
static int list_submissions(struct batch *b, char **err)
{
    char *dir = realpath(b->o.dir, NULL);
    if (dir == NULL) {
        *err = tg_asprintf("cannot use the folder %s: %s", b->o.dir, strerror(errno));
        return -1;
    }
    struct stat out_st; /* OUT, if it exists already: it may be inside DIR */
    int have_out = stat(out_arg(b), &out_st) == 0;
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
            if (sub_init(&b->subs[b->n], e->d_name, path, b->o.student_ids) != 0)
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

/* ---------------------------------------------------------- OUT folder -- */

/* mkdir that accepts an existing folder. */
static int ensure_dir(const char *path)
{
    if (mkdir(path, 0755) == 0)
        return 0;
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (errno == EEXIST)
        errno = ENOTDIR;
    return -1;
}

/* Makes OUT, OUT/students and OUT/.tmp, and takes the lock: exclusive for a
 * batch (which owns .tmp), shared for --one (several may run at once). */
static int open_out(struct batch *b, int exclusive, char **err)
{
    const char *out = out_arg(b);
    if (ensure_dir(out) != 0) {
        *err = tg_asprintf("cannot make the output folder %s: %s", out, strerror(errno));
        return -1;
    }
    b->out = realpath(out, NULL);
    if (b->out == NULL) {
        *err = tg_asprintf("cannot use the output folder %s: %s", out, strerror(errno));
        return -1;
    }
    b->students = tg_path_join(b->out, "students");
    b->tmp = tg_path_join(b->out, ".tmp");
    char *lock = tg_path_join(b->out, ".lock");
    if (b->students == NULL || b->tmp == NULL || lock == NULL) {
        free(lock);
        return -1;
    }
    if (ensure_dir(b->students) != 0 || ensure_dir(b->tmp) != 0) {
        *err = tg_asprintf("cannot make the folders of %s: %s", b->out, strerror(errno));
        free(lock);
        return -1;
    }
    b->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(lock);
    if (b->lock_fd < 0) {
        *err = tg_asprintf("cannot make the lock file in %s: %s", b->out, strerror(errno));
        return -1;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(b->lock_fd, F_SETLK, &fl) != 0) {
        *err = tg_asprintf("%s is in use by another ttgrade batch (%s)", b->out, strerror(errno));
        return -1;
    }
    if (!exclusive)
        return 0;
    /* Leftovers of an interrupted run: half-graded submissions, dropped. */
    DIR *d = opendir(b->tmp);
    if (d == NULL) {
        *err = tg_asprintf("cannot read %s: %s", b->tmp, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = tg_path_join(b->tmp, e->d_name);
        if (p == NULL) {
            rc = -1;
            break;
        }
        if (tg_scratch_remove(p) != 0 && unlink(p) != 0)
            fprintf(stderr, "ttgrade batch: could not remove the leftover %s\n", p);
        free(p);
    }
    closedir(d);
    return rc;
}

/* OUT/students/<key>/<file>, malloc'd. */
static char *student_file(const struct batch *b, const struct sub *s, const char *file)
{
    char *dir = tg_path_join(b->students, s->key);
    char *p = dir ? tg_path_join(dir, file) : NULL;
    free(dir);
    return p;
}

/* The status in a student's batch.json ("graded", "failed"), malloc'd, or
 * NULL if it has none (or cannot be read). */
static char *record_status(const struct batch *b, const struct sub *s)
{
    char *p = student_file(b, s, F_RECORD);
    char *text = p ? tg_read_file(p, BATCH_RECORD_MAX, NULL, NULL) : NULL;
    free(p);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    char *r = cJSON_IsString(st) ? tg_strdup(st->valuestring) : NULL;
    cJSON_Delete(root);
    return r;
}

/* --------------------------------------------------------- the children -- */

/* This executable's path, to run it on each submission. */
static char *self_path(void)
{
    size_t cap = 256;
    for (;;) {
        char *buf = malloc(cap);
        if (buf == NULL)
            return NULL;
        ssize_t n = readlink("/proc/self/exe", buf, cap);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[n] = '\0';
            return buf;
        }
        free(buf);
        if (cap > 65536)
            return NULL;
        cap *= 2;
    }
}

static void free_argv(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* The child's command line: ttgrade [options] -- SUBMISSION, every report
 * into the work folder. NULL if memory ran out. */
static char **child_argv(const struct batch *b, const struct sub *s)
{
    size_t n = 0, cap = 16 + (size_t)b->o.n_pass;
    char **v = calloc(cap, sizeof *v);
    if (v == NULL)
        return NULL;
    int bad = 0;
#define ADD(expr)                          \
    do {                                   \
        char *w_ = (expr);                 \
        if (w_ == NULL)                    \
            bad = 1;                       \
        else                               \
            v[n++] = w_;                   \
    } while (0)
    ADD(tg_strdup(b->self));
    ADD(tg_strdup("--no-color"));
    ADD(tg_strdup("--jobs=1"));
    if (b->o.student_ids)
        ADD(tg_asprintf("--student-id=%s", s->id));
    ADD(tg_asprintf("--json=%s/%s", s->work, F_JSON));
    ADD(tg_asprintf("--gradescope=%s/%s", s->work, F_GRADESCOPE));
    ADD(tg_asprintf("--junit=%s/%s", s->work, F_JUNIT));
    if (b->o.timeout != NULL)
        ADD(tg_asprintf("--timeout=%s", b->o.timeout));
    if (b->o.datadir != NULL)
        ADD(tg_asprintf("--datadir=%s", b->o.datadir));
    for (int i = 0; i < b->o.n_pass; i++)
        ADD(tg_strdup(b->o.pass[i]));
    ADD(tg_strdup("--"));
    ADD(tg_strdup(s->path));
#undef ADD
    if (bad) {
        free_argv(v);
        return NULL;
    }
    return v;
}

/* Starts the grading of s. Returns 0; 1 if it could not start (s->work is
 * removed; *err says why); -1 when memory ran out. */
static int spawn(struct batch *b, struct sub *s, char **err)
{
    char *tmpl = tg_asprintf("%s/%s.XXXXXX", b->tmp, s->key);
    if (tmpl == NULL)
        return -1;
    if (mkdtemp(tmpl) == NULL) {
        *err = tg_asprintf("cannot make a folder in %s: %s", b->tmp, strerror(errno));
        free(tmpl);
        return 1;
    }
    s->work = tmpl;
    char **argv = child_argv(b, s);
    char *text = tg_path_join(s->work, F_TEXT);
    if (argv == NULL || text == NULL) {
        free_argv(argv);
        free(text);
        return -1;
    }
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(text, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    int pfd[2] = {-1, -1};
    free(text);
    int rc = 1;
    if (in < 0 || out < 0 || pipe(pfd) != 0 || fcntl(pfd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(pfd[1], F_SETFD, FD_CLOEXEC) != 0) {
        *err = tg_asprintf("cannot start ttgrade: %s", strerror(errno));
        goto out;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *err = tg_asprintf("cannot start ttgrade: %s", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        /* The child: only async-signal-safe calls up to execve. Its own group,
         * so that Ctrl-C reaches the batch alone, which then stops it. */
        int e;
        sigset_t none;
        setpgid(0, 0);
#if defined(__linux__) && defined(PR_SET_PDEATHSIG)
        /* If the batch dies (even by SIGKILL), this grading stops too. */
        prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
        if (getppid() != parent)
            _exit(127);
#else
        (void)parent;
#endif
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
            goto child_fail;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(argv[0], argv, environ);
    child_fail:
        e = errno;
        if (write(pfd[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    setpgid(pid, pid);
    close(pfd[1]);
    pfd[1] = -1;
    int child_err = 0;
    ssize_t r;
    do {
        r = read(pfd[0], &child_err, sizeof child_err);
    } while (r < 0 && errno == EINTR);
    if (r == (ssize_t)sizeof child_err) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        *err = tg_asprintf("cannot run %s: %s", b->self, strerror(child_err));
        goto out;
    }
    s->pid = pid;
    s->t0 = tg_now();
    s->stopping = s->timed_out = s->discard = 0;
    b->running++;
    rc = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (pfd[0] >= 0)
        close(pfd[0]);
    if (pfd[1] >= 0)
        close(pfd[1]);
    free_argv(argv);
    if (rc != 0) {
        tg_scratch_remove(s->work);
        free(s->work);
        s->work = NULL;
    }
    return rc;
}

#ifdef __linux__
/* The parent pid of process `pid` from /proc, or -1. */
static pid_t parent_of(const char *pid)
{
    char path[64], buf[512];
    int n = snprintf(path, sizeof path, "/proc/%s/stat", pid);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0)
        return -1;
    buf[r] = '\0';
    char *p = strrchr(buf, ')'); /* "pid (comm) state ppid ..." */
    char state;
    int ppid;
    if (p == NULL || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return (pid_t)ppid;
}
#endif

/* A ttgrade that was killed leaves its test programs to us (we are a child
 * subreaper, tg_proc_init): kill every child that is not a running ttgrade. */
static void kill_strays(const struct batch *b)
{
#ifdef __linux__
    DIR *d = opendir("/proc");
    if (d == NULL)
        return;
    pid_t me = getpid();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9' || parent_of(e->d_name) != me)
            continue;
        pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
        int ours = 0;
        for (size_t i = 0; i < b->n && !ours; i++)
            ours = b->subs[i].pid == pid;
        if (!ours) {
            kill(pid, SIGKILL);
            int st;
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
        }
    }
    closedir(d);
#else
    (void)b;
#endif
}

/* How a child ended, when it left no usable report. */
static char *exit_reason(const struct batch *b, const struct sub *s, int st)
{
    if (s->timed_out)
        return tg_asprintf("grading took longer than %g s (--limit) and was stopped", b->o.limit);
    if (WIFSIGNALED(st))
        return tg_asprintf("ttgrade was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    return tg_asprintf("ttgrade exited with status %d without a report", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* Writes batch.json into the work folder and renames the folder into place.
 * Returns 0 (s->done is set if it is in place), or -1 when memory ran out. */
static int record(struct batch *b, struct sub *s, int st)
{
    double secs = tg_now() - s->t0;
    char *status = NULL, *reason = NULL;
    char *jpath = tg_path_join(s->work, F_JSON);
    size_t len = 0;
    char *text = jpath && !s->timed_out ? tg_read_file(jpath, BATCH_REPORT_MAX, &len, NULL) : NULL;
    free(jpath);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *je = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsString(js) && strcmp(js->valuestring, "graded") == 0) {
        status = tg_strdup("graded");
        reason = tg_strdup("");
    } else if (cJSON_IsString(js)) {
        status = tg_strdup("failed");
        reason = cJSON_IsString(je) ? tg_one_line(je->valuestring, strlen(je->valuestring), BATCH_REASON_MAX)
                                    : tg_strdup("ttgrade could not grade it");
    } else {
        status = tg_strdup("failed");
        reason = exit_reason(b, s, st);
    }
    cJSON_Delete(root);

    /* JSON strings are UTF-8: a path is shown as every report shows untrusted
     * text (tg_sanitize), whatever bytes the folder's name holds. */
    char *path_shown = tg_one_line(s->path, strlen(s->path), BATCH_PATH_MAX);
    int bad = status == NULL || reason == NULL || path_shown == NULL;
    cJSON *rec = bad ? NULL : cJSON_CreateObject();
    if (rec == NULL || !cJSON_AddStringToObject(rec, "id", s->id) ||
        !cJSON_AddStringToObject(rec, "submission", path_shown) || !cJSON_AddStringToObject(rec, "status", status) ||
        !cJSON_AddStringToObject(rec, "reason", reason) ||
        !cJSON_AddNumberToObject(rec, "exit_status", WIFEXITED(st) ? WEXITSTATUS(st) : -1) ||
        !cJSON_AddNumberToObject(rec, "seconds", round(secs * 1000) / 1000) ||
        !cJSON_AddStringToObject(rec, "ttgrade", PACKAGE_VERSION))
        bad = 1;
    char *json = bad ? NULL : cJSON_Print(rec);
    cJSON_Delete(rec);
    free(path_shown);
    char *rpath = tg_path_join(s->work, F_RECORD);
    char *dest = tg_path_join(b->students, s->key);
    char *err = NULL;
    int rc = -1;
    if (json == NULL || rpath == NULL || dest == NULL)
        goto out;
    rc = 0;
    if (tg_write_atomic(rpath, json, strlen(json), &err) != 0) {
        fprintf(stderr, "ttgrade batch: %s: %s\n", s->id, err ? err : "out of memory");
        goto out;
    }
    if (s->retry) {
        /* A folder cannot be renamed over a non-empty one: move the failed
         * record aside (into a folder of .tmp) and drop it. */
        char *aside = tg_asprintf("%s.old.XXXXXX", s->work);
        if (aside == NULL) {
            rc = -1;
            goto out;
        }
        if (mkdtemp(aside) != NULL) {
            char *to = tg_path_join(aside, "record");
            if (to != NULL && rename(dest, to) != 0 && errno != ENOENT)
                fprintf(stderr, "ttgrade batch: %s: cannot move the old record aside: %s\n", s->id,
                        strerror(errno));
            free(to);
            tg_scratch_remove(aside);
        }
        free(aside);
    }
    /* mkdtemp made it private: give it the permissions of the files in it. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(s->work, 0777 & ~mask);
    if (rename(s->work, dest) == 0) {
        s->done = 1;
        if (strcmp(status, "graded") != 0)
            b->n_failed++;
        b->n_done++;
        b->n_now++;
    } else if (errno == EEXIST || errno == ENOTEMPTY) {
        s->done = 1; /* another --one run finished it first: keep theirs */
        b->n_done++;
    } else {
        fprintf(stderr, "ttgrade batch: %s: cannot rename %s to %s: %s\n", s->id, s->work, dest, strerror(errno));
    }
out:
    if (!s->done && s->work != NULL)
        tg_scratch_remove(s->work);
    if (err != NULL)
        free(err);
    cJSON_free(json);
    free(rpath);
    free(dest);
    free(status);
    free(reason);
    free(s->work);
    s->work = NULL;
    return rc;
}

/* Before any submission: grades a folder holding only an empty answers.txt
 * (a folder with no file at all is an error of its own) with the same options. A
 * ttgrade that cannot grade that (a bad data dir or rubric, a bad option
 * after "--") would fail every student for a reason none of them caused, and
 * those rows would be recorded as done: so the batch stops instead. Returns
 * 0, or -1 with *err set (NULL: out of memory). */
static int preflight(struct batch *b, char **err)
{
    struct sub s;
    memset(&s, 0, sizeof s);
    int rc = -1;
    char *dir = tg_asprintf("%s/preflight.XXXXXX", b->tmp);
    if (dir == NULL)
        return -1;
    if (mkdtemp(dir) == NULL) {
        *err = tg_asprintf("cannot make a folder in %s: %s", b->tmp, strerror(errno));
        free(dir);
        return -1;
    }
    char *empty = tg_path_join(dir, "empty");
    char *answers = empty ? tg_path_join(empty, TG_ANSWERS_NAME) : NULL;
    int fd = answers && mkdir(empty, 0755) == 0 ? open(answers, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
    free(answers);
    if (fd < 0 || close(fd) != 0 || sub_init(&s, "empty", empty, 0) != 0)
        goto out;
    char *spawn_err = NULL;
    int r = spawn(b, &s, &spawn_err);
    if (r != 0) {
        *err = spawn_err;
        goto out;
    }
    int st;
    while (waitpid(s.pid, &st, 0) < 0 && errno == EINTR)
        ;
    b->running--;
    s.pid = 0;
    char *jpath = tg_path_join(s.work, F_JSON);
    char *tpath = tg_path_join(s.work, F_TEXT);
    char *text = jpath ? tg_read_file(jpath, BATCH_REPORT_MAX, NULL, NULL) : NULL;
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *je = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsString(js) && strcmp(js->valuestring, "graded") == 0) {
        rc = 0;
    } else if (tg_interrupted()) {
        *err = tg_strdup("interrupted");
    } else {
        char *out = tpath ? tg_read_file(tpath, 4096, NULL, NULL) : NULL;
        const char *why = cJSON_IsString(je) ? je->valuestring : out ? out : "it wrote no report";
        *err = tg_asprintf("ttgrade cannot grade even an empty submission, so no submission was graded:\n%s",
                           why);
        free(out);
    }
    cJSON_Delete(root);
    free(text);
    free(jpath);
    free(tpath);
out:
    if (s.work != NULL)
        tg_scratch_remove(s.work);
    sub_free(&s);
    tg_scratch_remove(dir);
    free(dir);
    free(empty);
    return rc;
}

/* ------------------------------------------------------------ progress -- */

static void format_secs(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60)
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, len, "%lds", t);
}

/* The progress line, on stderr when it is a terminal: done/total, failures,
 * running, and the time left at this run's pace. */
static void progress(struct batch *b, int final)
{
    if (b->o.quiet || b->o.one != NULL || !isatty(STDERR_FILENO))
        return;
    double now = tg_now();
    if (!final && now - b->last_progress < 0.25)
        return;
    b->last_progress = now;
    size_t todo = 0;
    for (size_t i = 0; i < b->n; i++)
        todo += !sub_skipped(&b->subs[i]);
    char eta[32] = "--";
    size_t left = todo > b->n_done ? todo - b->n_done : 0;
    if (b->n_now > 0)
        format_secs(eta, sizeof eta, (now - b->t_start) / (double)b->n_now * (double)left);
    fprintf(stderr, "\r\033[Kttgrade batch: %zu/%zu done, %zu failed, %zu running, ETA %s", b->n_done, todo,
            b->n_failed, b->running, left ? eta : "0s");
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
    b->progress_shown = 1;
}

/* ------------------------------------------------------------ the pool -- */

static struct sub *find_pid(struct batch *b, pid_t pid)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->subs[i].pid == pid)
            return &b->subs[i];
    return NULL;
}

static void stop_child(struct sub *s, int sig, int level)
{
    kill(-s->pid, sig);
    kill(s->pid, sig);
    s->stopping = level;
    s->stop_at = tg_now();
}

/* Grades every submission not done yet, b->o.jobs at a time. Returns 0, 1
 * if interrupted, -1 on an internal error (*err set; NULL: out of memory). */
static int run_pool(struct batch *b, char **err)
{
    unsigned jobs = b->o.jobs;
    size_t next = 0;
    int rc = 0, stopping_all = 0;
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    for (;;) {
        if ((tg_interrupted() || rc != 0) && !stopping_all) {
            stopping_all = 1;
            for (size_t i = 0; i < b->n; i++)
                if (b->subs[i].pid > 0) {
                    b->subs[i].discard = 1;
                    stop_child(&b->subs[i], SIGTERM, 1);
                }
        }
        while (!stopping_all && b->running < jobs && next < b->n) {
            struct sub *s = &b->subs[next++];
            if (s->done || sub_skipped(s))
                continue;
            int r = spawn(b, s, err);
            if (r != 0) {
                rc = -1; /* cannot start ttgrade at all: stop, record nothing */
                break;
            }
        }
        if (b->running == 0 && (stopping_all || next >= b->n))
            break;
        int st, hard = 0;
        pid_t pid;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
            struct sub *s = find_pid(b, pid);
            if (s == NULL)
                continue; /* an orphan of a killed ttgrade: reaped */
            s->pid = 0;
            b->running--;
            hard |= WIFSIGNALED(st);
            if (s->discard) {
                tg_scratch_remove(s->work);
                free(s->work);
                s->work = NULL;
            } else if (record(b, s, st) != 0 && rc == 0) {
                rc = -1;
                *err = NULL;
            }
        }
        if (hard)
            kill_strays(b);
        double now = tg_now();
        for (size_t i = 0; i < b->n; i++) {
            struct sub *s = &b->subs[i];
            if (s->pid <= 0)
                continue;
            if (s->stopping == 0 && now - s->t0 > b->o.limit) {
                s->timed_out = 1;
                stop_child(s, SIGTERM, 1);
            } else if (s->stopping == 1 && now - s->stop_at > BATCH_GRACE_SECONDS) {
                stop_child(s, SIGKILL, 2);
            }
        }
        progress(b, 0);
        struct timespec ts = {0, 100 * 1000 * 1000};
        sigtimedwait(&chld, NULL, &ts);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    tg_reap_orphans();
    if (rc != 0)
        return -1;
    return tg_interrupted() ? 1 : 0;
}

/* -------------------------------------------------------- rows, tallies -- */

struct row {
    char *id;
    const char *status;   /* "graded", "failed", "pending" */
    char *reason;
    char *sandbox;        /* the confinement layers of the grading (report.c), or NULL */
    int have_score;
    double total, max;
    int have_lab[TG_MAX_LABS], have_mem[TG_MAX_LABS], have_q;
    double lab[TG_MAX_LABS], mem[TG_MAX_LABS], q;
    int have_extra;       /* lab 1's performance tier was graded */
    double extra;         /* its extra points, never in total */
};

static void row_free(struct row *r)
{
    free(r->id);
    free(r->reason);
    free(r->sandbox);
}

struct row_lab {
    struct row *r;
    int l;                /* the lab's index, or -1 */
};

/* Adds a memory check's or a question's points to the row. */
static int add_points(const cJSON *it, int cat, double score, void *ctx)
{
    const struct row_lab *rl = ctx;
    (void)it;
    if (cat == TG_CLASS_MEMORY && rl->l >= 0) {
        rl->r->have_mem[rl->l] = 1;
        rl->r->mem[rl->l] += score;
    } else if (cat == TG_CLASS_QUESTION) {
        rl->r->have_q = 1;
        rl->r->q += score;
    }
    return 0;
}

/* Adds the memory and question points of every array in obj (a lab, or the
 * report's top level) to the row. */
static void scan_items(const cJSON *obj, int l, struct row *r)
{
    struct row_lab rl = {r, l};
    tg_class_items(obj, add_points, &rl);
}

/* Builds the row of a graded (or failed) student from their folder. */
static int load_row(const struct batch *b, const struct sub *s, struct row *r, struct tg_class *c)
{
    char *rpath = student_file(b, s, F_RECORD), *jpath = student_file(b, s, F_JSON);
    if (rpath == NULL || jpath == NULL) {
        free(rpath);
        free(jpath);
        return -1;
    }
    char *rtext = tg_read_file(rpath, BATCH_RECORD_MAX, NULL, NULL);
    size_t jlen = 0;
    char *jtext = tg_read_file(jpath, BATCH_REPORT_MAX, &jlen, NULL);
    free(rpath);
    free(jpath);
    cJSON *rec = rtext ? cJSON_Parse(rtext) : NULL;
    cJSON *rep = jtext ? cJSON_ParseWithLength(jtext, jlen) : NULL;
    free(rtext);
    free(jtext);
    int rc = -1;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(rec, "status");
    const cJSON *re = cJSON_GetObjectItemCaseSensitive(rec, "reason");
    if (!cJSON_IsString(st) || !cJSON_IsString(re)) {
        r->status = "failed";
        r->reason = tg_asprintf("its record %s/%s/%s cannot be read: delete that folder to grade it again",
                                b->students, s->key, F_RECORD);
        rc = r->reason ? 0 : -1;
        goto out;
    }
    r->status = strcmp(st->valuestring, "graded") == 0 ? "graded" : "failed";
    r->reason = tg_one_line(re->valuestring, strlen(re->valuestring), BATCH_REASON_MAX);
    if (r->reason == NULL)
        goto out;
    /* A failed row shows no scores, only its reason: an empty cell is not
     * mistaken for a grade. */
    if (rep != NULL && strcmp(r->status, "graded") == 0) {
        int h1 = 0, h2 = 0;
        r->total = tg_json_num(rep, "score", &h1);
        r->max = tg_json_num(rep, "max_score", &h2);
        r->have_score = h1 && h2;
        const cJSON *labs = cJSON_GetObjectItemCaseSensitive(rep, "labs"), *lab;
        cJSON_ArrayForEach(lab, labs)
        {
            const cJSON *nm = cJSON_GetObjectItemCaseSensitive(lab, "name");
            int l = cJSON_IsString(nm) ? tg_lab_index(nm->valuestring) : -1;
            if (l < 0)
                continue;
            r->lab[l] = tg_json_num(lab, "score", &r->have_lab[l]);
            scan_items(lab, l, r);
        }
        scan_items(rep, -1, r);
        const cJSON *ec = cJSON_GetObjectItemCaseSensitive(rep, "extra_credit");
        const cJSON *es = cJSON_GetObjectItemCaseSensitive(ec, "status");
        if (cJSON_IsString(es) && strcmp(es->valuestring, "graded") == 0)
            r->extra = tg_json_num(ec, "points", &r->have_extra);
    }
    const cJSON *env = rep ? cJSON_GetObjectItemCaseSensitive(rep, "environment") : NULL;
    const cJSON *sbx = env ? cJSON_GetObjectItemCaseSensitive(env, "sandbox") : NULL;
    if (cJSON_IsString(sbx) && (r->sandbox = tg_one_line(sbx->valuestring, strlen(sbx->valuestring), BATCH_REASON_MAX)) == NULL)
        goto out;
    rc = 0;
out:
    if (rc == 0)
        rc = tg_class_add(c, r->id, r->status, r->reason, rep);
    cJSON_Delete(rec);
    cJSON_Delete(rep);
    return rc;
}

/* ------------------------------------------------------------------ CSV -- */

/* The header line: two columns per lab of the lab table (labs.txt), in its
 * order. malloc'd; NULL when memory ran out. */
static char *csv_header_text(void)
{
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "id,status,total,max,");
    for (int l = 0; l < tg_n_labs; l++)
        tg_buf_printf(&b, "%s,%s_memory,", tg_lab_names[l], tg_lab_names[l]);
    tg_buf_printf(&b, "questions,%s_extra_credit,reason,sandbox", TG_PERF_LAB);
    return tg_buf_take(&b);
}

/* A CSV field: quoted when it holds a comma, quote or leading/trailing space;
 * text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe, as OWASP advises for CSV meant for spreadsheets. */
static void csv_text(struct tg_buf *b, const char *s)
{
    size_t n = strlen(s);
    int quote = n > 0 && (strpbrk(s, ",\"\n\r") != NULL || s[0] == ' ' || s[n - 1] == ' ');
    int formula = n > 0 && strchr("=+-@", s[0]) != NULL;
    if (quote)
        tg_buf_putc(b, '"');
    if (formula)
        tg_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            tg_buf_putc(b, '"');
        tg_buf_putc(b, *p);
    }
    if (quote)
        tg_buf_putc(b, '"');
}

static void csv_num(struct tg_buf *b, int have, double v)
{
    tg_buf_putc(b, ',');
    if (have)
        tg_buf_printf(b, "%g", round(v * 1e6) / 1e6);
}

/* One CSV line (no newline), malloc'd; NULL when memory ran out. */
static char *row_line(const struct row *r)
{
    struct tg_buf b = TG_BUF_INIT;
    csv_text(&b, r->id);
    tg_buf_printf(&b, ",%s", r->status);
    csv_num(&b, r->have_score, r->total);
    csv_num(&b, r->have_score, r->max);
    for (int l = 0; l < tg_n_labs; l++) {
        csv_num(&b, r->have_lab[l], r->lab[l]);
        csv_num(&b, r->have_mem[l], r->mem[l]);
    }
    csv_num(&b, r->have_q, r->q);
    csv_num(&b, r->have_extra, r->extra);
    tg_buf_putc(&b, ',');
    csv_text(&b, r->reason ? r->reason : "");
    tg_buf_putc(&b, ',');
    csv_text(&b, r->sandbox ? r->sandbox : "");
    return tg_buf_take(&b);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds every row, writes grades.csv and the summaries (batch mode) or
 * prints the one row (--one). Returns 0, or -1 (*err set; NULL: no memory). */
static int write_results(struct batch *b, int interrupted, char **err)
{
    struct row *rows = calloc(b->n ? b->n : 1, sizeof *rows);
    char **lines = calloc(b->n ? b->n : 1, sizeof *lines);
    struct tg_class *c = tg_class_new();
    int rc = -1;
    char *csv = NULL, *text = NULL, *html = NULL, *path = NULL;
    if (rows == NULL || lines == NULL || c == NULL)
        goto out;
    for (size_t i = 0; i < b->n; i++) {
        const struct sub *s = &b->subs[i];
        struct row *r = &rows[i];
        r->id = tg_strdup(s->id);
        if (r->id == NULL)
            goto out;
        if (s->bad_id != NULL) {
            r->status = "failed";
            r->reason = tg_asprintf("its name cannot be a student id (--student-ids): %s; rename it", s->bad_id);
        } else if (s->dup) {
            char *me = tg_one_line(s->name, strlen(s->name), 256);
            char *first = tg_one_line(b->subs[i - 1].name, strlen(b->subs[i - 1].name), 256);
            r->status = "failed";
            r->reason = me && first ? tg_asprintf("%s has the same student id as %s: rename one of them", me, first)
                                    : NULL;
            free(me);
            free(first);
        } else if (s->done) {
            if (load_row(b, s, r, c) != 0)
                goto out;
        } else {
            r->status = "pending";
            r->reason = tg_strdup(interrupted ? "not graded yet: the batch was interrupted; run it again"
                                              : "not graded: its reports could not be saved (see the messages)");
        }
        if (r->reason == NULL || (!s->done && tg_class_add(c, r->id, r->status, r->reason, NULL) != 0))
            goto out;
        if ((lines[i] = row_line(r)) == NULL)
            goto out;
    }
    if (b->o.one != NULL) {
        printf("%s\n", lines[0]);
        fflush(stdout);
        rc = 0;
        goto out;
    }
    /* Sorted as whole lines, as `LC_ALL=C sort` sorts the rows of a GNU
     * parallel run: both gradebooks come out the same. */
    qsort(lines, b->n, sizeof *lines, str_cmp);
    struct tg_buf cb = TG_BUF_INIT;
    char *header = csv_header_text();
    tg_buf_printf(&cb, "%s\n", header ? header : "");
    free(header);
    for (size_t i = 0; i < b->n; i++)
        tg_buf_printf(&cb, "%s\n", lines[i]);
    size_t clen = cb.len;
    csv = tg_buf_take(&cb);
    char took[32];
    format_secs(took, sizeof took, tg_now() - b->t_start);
    struct tg_class_run run = {b->n_now, took, interrupted, b->skipped, b->skip_list.len > 0 ? b->skip_list.data : NULL,
                               b->out, b->students};
    text = tg_class_text(c, &run);
    html = tg_class_html(c, &run);
    if (csv == NULL || text == NULL || html == NULL)
        goto out;
    static const char *const names[] = {"grades.csv", "summary.txt", "summary.html"};
    const char *data[] = {csv, text, html};
    size_t lens[] = {clen, strlen(text), strlen(html)};
    for (int i = 0; i < 3; i++) {
        free(path);
        path = tg_path_join(b->out, names[i]);
        if (path == NULL)
            goto out;
        if (tg_write_atomic(path, data[i], lens[i], err) != 0)
            goto out;
    }
    if (!b->o.quiet) {
        fputs(text, stdout);
        fflush(stdout);
    }
    rc = 0;
out:
    for (size_t i = 0; rows != NULL && lines != NULL && i < b->n; i++) {
        row_free(&rows[i]);
        free(lines[i]);
    }
    free(rows);
    free(lines);
    tg_class_free(c);
    free(csv);
    free(text);
    free(html);
    free(path);
    return rc;
}

/* ---------------------------------------------------------------- main -- */

int tg_batch_main(int argc, char **argv)
{
    struct batch b;
    memset(&b, 0, sizeof b);
    b.lock_fd = -1;
    b.t_start = tg_now();
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    b.o.jobs = ncpu < 1 ? 1 : ncpu > BATCH_MAX_JOBS ? BATCH_MAX_JOBS : (unsigned)ncpu;
    b.o.limit = BATCH_DEFAULT_LIMIT;
    int status = 2, interrupted = 0;
    char *err = NULL;
    int p = parse_options(argc, argv, &b.o);
    if (p != 0)
        return p == 1 ? 0 : 2;
    /* The lab table: the gradebook's columns, and how each report's labs
     * are read. */
    char *dd = tg_datadir_find(b.o.datadir, &err), *why = dd ? tg_datadir_labs(dd) : NULL;
    free(dd);
    if (dd == NULL || why != NULL) {
        fprintf(stderr, "ttgrade batch: %s\n", why ? why : err ? err : "out of memory");
        free(why);
        free(err);
        return 2;
    }
    if (b.o.csv_header) {
        char *header = csv_header_text();
        printf("%s\n", header ? header : "");
        free(header);
        tg_labs_free();
        return header ? 0 : 2;
    }
    if (b.o.one != NULL)
        b.o.jobs = 1;

    b.self = self_path();
    if (b.self == NULL) {
        err = tg_asprintf("cannot find this executable (/proc/self/exe): %s", strerror(errno));
        goto fail;
    }
    /* The submissions are found before OUT is made: a missing or empty DIR
     * (or --one SUBMISSION) leaves no trace. */
    if (b.o.one != NULL) {
        char *abs = realpath(b.o.one, NULL);
        if (abs == NULL) {
            err = tg_asprintf("no such submission: %s", b.o.one);
            goto fail;
        }
        const char *base = strrchr(abs, '/');
        base = base && base[1] ? base + 1 : abs;
        b.subs = calloc(1, sizeof *b.subs);
        int ok = b.subs != NULL && sub_init(&b.subs[0], base, abs, b.o.student_ids) == 0;
        b.n = b.subs != NULL;
        free(abs);
        if (!ok)
            goto fail;
    } else {
        if (list_submissions(&b, &err) != 0)
            goto fail;
        if (b.n == 0) {
            char *shown = tg_one_line(b.o.dir, strlen(b.o.dir), BATCH_PATH_MAX);
            err = shown ? tg_asprintf("no submissions found in %s (each folder and each .tar.gz/.tgz/.zip in it "
                                      "is one; see ttgrade batch --help)", shown)
                        : NULL;
            free(shown);
            goto fail;
        }
    }
    if (open_out(&b, b.o.one == NULL, &err) != 0)
        goto fail;
    for (size_t i = 0; i < b.n; i++) {
        struct sub *s = &b.subs[i];
        char *rs = sub_skipped(s) ? NULL : record_status(&b, s);
        s->done = rs != NULL;
        if (rs != NULL && strcmp(rs, "graded") != 0) {
            if (b.o.retry_failed) {
                s->done = 0;
                s->retry = 1;
            } else {
                b.n_failed++;
            }
        }
        free(rs);
        if (s->done) {
            b.n_done++;
            b.n_resumed++;
        }
    }
    size_t todo = 0;
    for (size_t i = 0; i < b.n; i++)
        todo += !b.subs[i].done && !sub_skipped(&b.subs[i]);
    if (todo > 0 && preflight(&b, &err) != 0)
        goto fail;
    int r = run_pool(&b, &err);
    if (r < 0)
        goto fail;
    interrupted = r == 1;
    progress(&b, 1);
    if (write_results(&b, interrupted, &err) != 0)
        goto fail;
    status = interrupted ? 2 : 0;
    for (size_t i = 0; status == 0 && i < b.n; i++)
        if (sub_skipped(&b.subs[i]) || !b.subs[i].done)
            status = 1;
    if (status == 0) {
        /* Failed rows: read back from the records, as the rows were. */
        for (size_t i = 0; status == 0 && i < b.n; i++) {
            char *rs = record_status(&b, &b.subs[i]);
            if (rs == NULL || strcmp(rs, "graded") != 0)
                status = 1;
            free(rs);
        }
    }
    if (interrupted)
        fprintf(stderr, "ttgrade batch: interrupted; run the same command again to resume\n");
    goto done;
fail:
    if (b.progress_shown)
        fputc('\n', stderr);
    fprintf(stderr, "ttgrade batch: %s\n", err ? err : "out of memory");
    status = 2;
done:
    free(err);
    for (size_t i = 0; i < b.n; i++)
        sub_free(&b.subs[i]);
    free(b.subs);
    if (b.lock_fd >= 0)
        close(b.lock_fd);
    free(b.self);
    free(b.out);
    free(b.students);
    free(b.tmp);
    tg_buf_free(&b.skip_list);
    tg_labs_free();
    return status;
}
