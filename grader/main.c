/* main.c - ttgrade, the ttlab autograder: `ttgrade [options] SUBMISSION`.
 *
 * Reads the options, finds the data dir (headers, rubric, reference and
 * hidden-test objects), runs intake -> grade -> reports, and exits 0 for a
 * full score, 1 for less, 2 for a usage, intake or internal error. Whatever
 * happens after the report paths are known, every requested report is
 * written. A graded run's last line on stdout is "Score: N/M"; an error
 * prints nothing on stdout and one line on stderr. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attribute.h"
#include "batch.h"
#include "timelimits.h"
#include "memcheck.h"
#include "perf.h"
#include "proc.h"
#include "questions.h"
#include "student_id.h"
#include "text.h"
#include "ttgrade.h"

/* Compiled in by the build; these fallbacks let the file build alone. */
#ifndef TTGRADE_DATADIR
#define TTGRADE_DATADIR "/usr/local/lib/ttlab"
#endif
#ifndef TTGRADE_CC
#define TTGRADE_CC "gcc"
#endif
#ifndef TTGRADE_CRITERION_LIBS
#define TTGRADE_CRITERION_LIBS "-lcriterion"
#endif
#ifndef TTGRADE_LDFLAGS
#define TTGRADE_LDFLAGS "" /* configure: "-fuse-ld=gold" when the compiler can */
#endif

#define TG_MAX_JOBS 1024
#define TG_ARG_MAX 1024 /* longest shown submission path / student id */

struct options {
    const char *lab_args[TG_MAX_LABS]; /* --lab NAME, checked once the lab table is read */
    int n_lab_args;
    const char *gradescope, *junit, *json, *prairielearn, *student_id, *datadir;
    char *sid;                /* --student-id, normalised (student_id.h): student_id points here */
    int autolab;              /* --autolab: Autolab's scores line, last on stdout */
    const char *visibility;
    const char *submission;
    int quiet, keep, no_color;
    int no_memcheck, memcheck_only, all_findings;
    int no_perf;              /* --no-perf: lab 1's performance tier is not run */
    int reveal_answers;
    int no_questions;         /* --no-questions: the student kit's make grade */
    int canary;               /* --canary: the reference of one lab must pass first (canary.c) */
    const char *sandbox_arg, *timeout_arg, *build_timeout_arg, *jobs_arg; /* as given, for the canary */
    int sandbox;              /* enum tg_sandbox_mode */
    unsigned jobs;
    double timeout;           /* --timeout: 0 for the calibrated limits (timelimits.h) */
    double build_timeout;     /* --build-timeout: 0 for grade.c's default */
    char *usage_error;        /* the first problem with the command line */
    int usage_bad;            /* there was one (even if its message could not be made) */
};

static void usage_short(FILE *f)
{
    fprintf(f, "Usage: ttgrade [options] SUBMISSION\n"
               "       ttgrade batch [options] DIR   (a whole class: ttgrade batch --help)\n");
}

/* The lab files of the default data dir, "matmul.c module.c ...", or NULL. */
static char *default_lab_files(void)
{
    char *err = NULL, *dd = tg_datadir_find(NULL, &err);
    free(err);
    if (dd == NULL)
        return NULL;
    err = tg_datadir_labs(dd);
    free(dd);
    if (err != NULL) {
        free(err);
        return NULL;
    }
    struct tg_buf b = TG_BUF_INIT;
    for (int l = 0; l < tg_n_labs; l++)
        tg_buf_printf(&b, "%s%s.c", l ? " " : "", tg_lab_names[l]);
    tg_labs_free();
    return tg_buf_take(&b);
}

static void usage_long(void)
{
    char *labs = default_lab_files();
    usage_short(stdout);
    printf("Grade a ttlab submission against the hidden tests.\n"
           "\n"
           "SUBMISSION is a folder with the lab files, <lab>.c for each lab of the data\n"
           "dir's labs.txt (%s), at its top or under\n"
           "student/, or a .tar.gz/.tgz, .tar or .zip of such a folder.\n"
           "\n"
           "Options:\n"
           "  --lab NAME           grade only this lab (repeatable; default: all)\n"
           "  --gradescope FILE    write Gradescope's results.json to FILE\n"
           "  --junit FILE         write a JUnit XML report to FILE\n"
           "  --json FILE          write the full JSON report to FILE\n"
           "  --prairielearn FILE  write PrairieLearn's external grader results.json\n"
           "  --autolab            print Autolab's scores line ({\"scores\": ...}) last\n"
           "  --canary             first grade the reference of one lab (the data dir's\n"
           "                       canary/) the same way: unless it scores full marks,\n"
           "                       the grader is broken here and this is a grader error\n"
           "  --student-id ID      the student: their questions' numbers, and the ID in\n"
           "                       the JSON report (default: the course's own numbers);\n"
           "                       1 to %d ASCII letters, digits, spaces and . _ @ + -,\n"
           "                       not starting with . or - (blanks around it removed)\n"
           "  --reveal-answers     show the expected answer of each question missed\n"
           "  --no-questions       do not grade answers.txt (the student kit's make grade,\n"
           "                       which only says whether each answer can be read, so\n"
           "                       that it gives no answer away)\n"
           "  --visibility VIS     Gradescope visibility of the test details: visible,\n"
           "                       hidden, after_due_date, after_published (default)\n"
           "  --no-memcheck        skip the memory checks (Valgrind): their points are\n"
           "                       reported as ungraded and left out of the score\n"
           "  --memcheck-only      run only the memory checks (what `make memcheck`\n"
           "                       does): the other points are left out of the score\n"
           "  --all-findings       list every problem Valgrind saw in a memory check (by\n"
           "                       default a scenario shows its first few)\n"
           "  --no-perf            skip lab 1's performance tier (extra credit: callgrind\n"
           "                       counts tt_matmul_fast's instructions): it is ungraded\n"
           "  --jobs N             programs run at once: compiles, links, test\n"
           "                       programs and Valgrind runs (default: online CPUs)\n"
           "  --timeout SECS       wall-clock limit of every test, instead of the CPU-\n"
           "                       time limits calibrated from the reference (the data\n"
           "                       dir's limits.txt; without it: 5)\n"
           "  --build-timeout SECS time limit of compiling, and of linking, one lab\n"
           "                       (default: 30)\n"
           "  --datadir DIR        the grader's data dir (default: $TTGRADE_DATADIR,\n"
           "                       then data/ next to ttgrade, then %s)\n"
           "  --sandbox MODE       how the student's code is confined: auto (default:\n"
           "                       bubblewrap where it works, else rlimits), bwrap (or\n"
           "                       fail), rlimits (no bubblewrap); also $TTGRADE_SANDBOX\n"
           "  --keep               keep the scratch dir and print its path\n"
           "  -q, --quiet          print only the final Score line\n"
           "  --no-color           no colours (also: $NO_COLOR not empty, TERM=dumb, or\n"
           "                       not a terminal)\n"
           "  -h, --help           show this help\n"
           "  --version            show the version\n"
           "\n"
           "Memory checks: each lab's memory driver (mem_<lab>.c) runs once under\n"
           "Valgrind against the lab file (one Valgrind for all labs, a process for\n"
           "each); each scenario scores its points if it ran and\n"
           "Valgrind found no invalid access, uninitialised value, bad free, or definitely\n"
           "or indirectly lost byte in it. $TTGRADE_VALGRIND names the Valgrind to use\n"
           "(empty: none). Without Valgrind the memory points are ungraded, not 0.\n"
           "\n"
           "Questions: each lab's systems questions (labs/NN-<lab>/questions.txt) are\n"
           "answered in answers.txt, next to the lab files. Their numbers depend on\n"
           "--student-id, and the file's student-id line must name the same student (or\n"
           "be \"-\" without --student-id); expected values are computed with the\n"
           "reference library, and shown only with --reveal-answers.\n"
           "\n"
           "Extra credit: lab 1's tt_matmul_fast, if correct on many shapes, earns extra\n"
           "points by its speedup (the naive triple loop's instructions on a 128 x 128\n"
           "product / its own, Valgrind's callgrind; both compiled with the same fixed\n"
           "flags) as a share of the reference tt_matmul_fast's, counted with the same\n"
           "compiler when the grader was built (perf/matmul.ref in the data dir). The\n"
           "scale is the rubric's `perf:<share>%% <points>` lines (rubric.txt in the data\n"
           "dir). Extra points are reported on their own, never in the score or its\n"
           "maximum.\n"
           "\n"
           "Exit status: 0 full score, 1 less than full, 2 usage, intake or internal error\n"
           "(one line on stderr saying why, nothing on stdout).\n",
           labs ? labs : "see labs/manifest", TG_STUDENT_ID_MAX, TTGRADE_DATADIR);
    free(labs);
}

/* Colour on stdout: a terminal, no --no-color, no non-empty $NO_COLOR
 * (no-color.org: an empty one does not count), and not TERM=dumb. */
static int use_color(const struct options *o)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    return !o->no_color && (no == NULL || no[0] == '\0') && (term == NULL || strcmp(term, "dumb") != 0) &&
           isatty(STDOUT_FILENO);
}

static void set_usage_error(struct options *o, char *msg)
{
    if (!o->usage_bad)
        o->usage_error = msg;
    else
        free(msg);
    o->usage_bad = 1;
}

/* 0 to go on, 1 to exit 0 at once (help, version), -1 if out of memory. */
static int set_sandbox(struct options *o, const char *mode)
{
    if (strcmp(mode, "auto") == 0)
        o->sandbox = TG_SANDBOX_AUTO;
    else if (strcmp(mode, "bwrap") == 0)
        o->sandbox = TG_SANDBOX_BWRAP;
    else if (strcmp(mode, "rlimits") == 0)
        o->sandbox = TG_SANDBOX_RLIMITS;
    else
        return -1;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_LAB = 256, OPT_GS, OPT_JUNIT, OPT_JSON, OPT_SID, OPT_VIS, OPT_JOBS, OPT_TIMEOUT,
           OPT_DATADIR, OPT_KEEP, OPT_NOCOLOR, OPT_VERSION, OPT_NO_MEMCHECK, OPT_MEMCHECK_ONLY, OPT_ALL_FINDINGS,
           OPT_REVEAL, OPT_NO_QUESTIONS, OPT_SANDBOX, OPT_BUILD_TIMEOUT, OPT_NO_PERF, OPT_PL, OPT_AUTOLAB,
           OPT_CANARY };
    static const struct option longopts[] = {
        {"lab", required_argument, NULL, OPT_LAB},
        {"gradescope", required_argument, NULL, OPT_GS},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"json", required_argument, NULL, OPT_JSON},
        {"prairielearn", required_argument, NULL, OPT_PL},
        {"autolab", no_argument, NULL, OPT_AUTOLAB},
        {"canary", no_argument, NULL, OPT_CANARY},
        {"student-id", required_argument, NULL, OPT_SID},
        {"visibility", required_argument, NULL, OPT_VIS},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"build-timeout", required_argument, NULL, OPT_BUILD_TIMEOUT},
        {"datadir", required_argument, NULL, OPT_DATADIR},
        {"keep", no_argument, NULL, OPT_KEEP},
        {"no-memcheck", no_argument, NULL, OPT_NO_MEMCHECK},
        {"memcheck-only", no_argument, NULL, OPT_MEMCHECK_ONLY},
        {"all-findings", no_argument, NULL, OPT_ALL_FINDINGS},
        {"no-perf", no_argument, NULL, OPT_NO_PERF},
        {"reveal-answers", no_argument, NULL, OPT_REVEAL},
        {"no-questions", no_argument, NULL, OPT_NO_QUESTIONS},
        {"sandbox", required_argument, NULL, OPT_SANDBOX},
        {"quiet", no_argument, NULL, 'q'},
        {"no-color", no_argument, NULL, OPT_NOCOLOR},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    static const char *const vis[] = {"visible", "hidden", "after_due_date", "after_published"};
    opterr = 0;
    int c;
    const char *sandbox = getenv("TTGRADE_SANDBOX");
    if (sandbox != NULL && sandbox[0] != '\0' && set_sandbox(o, sandbox) != 0)
        set_usage_error(o, tg_asprintf("bad $TTGRADE_SANDBOX '%s' (expected auto, bwrap or rlimits)", sandbox));
    while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case OPT_LAB:
            if (o->n_lab_args == TG_MAX_LABS)
                set_usage_error(o, tg_asprintf("too many --lab options (at most %d)", TG_MAX_LABS));
            else
                o->lab_args[o->n_lab_args++] = optarg;
            break;
        case OPT_GS: o->gradescope = optarg; break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_JSON: o->json = optarg; break;
        case OPT_PL: o->prairielearn = optarg; break;
        case OPT_AUTOLAB: o->autolab = 1; break;
        case OPT_CANARY: o->canary = 1; break;
        case OPT_SID: {
            /* One rule for ids (student_id.h), the one ttquestions applies
             * when it draws the numbers: trimmed, then checked. */
            const char *why = NULL;
            free(o->sid);
            o->student_id = o->sid = tg_student_id_normalize(optarg, strlen(optarg), &why);
            if (o->sid == NULL)
                set_usage_error(o, why ? tg_asprintf("bad --student-id: %s", why) : tg_strdup("out of memory"));
            break;
        }
        case OPT_DATADIR: o->datadir = optarg; break;
        case OPT_VIS: {
            int ok = 0;
            for (size_t i = 0; i < sizeof vis / sizeof vis[0]; i++)
                if (strcmp(optarg, vis[i]) == 0)
                    ok = 1;
            if (ok)
                o->visibility = optarg;
            else
                set_usage_error(o, tg_asprintf("bad --visibility '%s' (expected visible, hidden, "
                                               "after_due_date or after_published)", optarg));
            break;
        }
        case OPT_JOBS: {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || v < 1 || v > TG_MAX_JOBS)
                set_usage_error(o, tg_asprintf("bad --jobs '%s' (expected a whole number from 1 to %d)", optarg,
                                               TG_MAX_JOBS));
            else
                o->jobs = (unsigned)v, o->jobs_arg = optarg;
            break;
        }
        case OPT_TIMEOUT:
        case OPT_BUILD_TIMEOUT: {
            errno = 0;
            double v = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0 || v > 86400)
                set_usage_error(o, tg_asprintf("bad --%s '%s' (expected seconds, more than 0)",
                                               c == OPT_TIMEOUT ? "timeout" : "build-timeout", optarg));
            else
                *(c == OPT_TIMEOUT ? &o->timeout : &o->build_timeout) = v;
            *(c == OPT_TIMEOUT ? &o->timeout_arg : &o->build_timeout_arg) = optarg;
            break;
        }
        case OPT_KEEP: o->keep = 1; break;
        case OPT_NO_MEMCHECK: o->no_memcheck = 1; break;
        case OPT_MEMCHECK_ONLY: o->memcheck_only = 1; break;
        case OPT_ALL_FINDINGS: o->all_findings = 1; break;
        case OPT_NO_PERF: o->no_perf = 1; break;
        case OPT_REVEAL: o->reveal_answers = 1; break;
        case OPT_NO_QUESTIONS: o->no_questions = 1; break;
        case OPT_SANDBOX:
            if (set_sandbox(o, optarg) != 0)
                set_usage_error(o, tg_asprintf("bad --sandbox '%s' (expected auto, bwrap or rlimits)", optarg));
            o->sandbox_arg = optarg;
            break;
        case OPT_NOCOLOR: o->no_color = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage_long(); return 1;
        case OPT_VERSION: printf("ttgrade (ttlab) %s\n", PACKAGE_VERSION); return 1;
        case ':':
            set_usage_error(o, tg_asprintf("option '%s' needs a value", argv[optind - 1]));
            break;
        default:
            if (optopt != 0)
                set_usage_error(o, tg_asprintf("unknown option '-%c'", optopt));
            else
                set_usage_error(o, tg_asprintf("unknown option '%s'", argv[optind - 1]));
            break;
        }
    }
    if (o->no_memcheck && o->memcheck_only)
        set_usage_error(o, tg_strdup("--no-memcheck and --memcheck-only exclude each other"));
    if (optind >= argc)
        set_usage_error(o, tg_strdup("no SUBMISSION given"));
    else if (argc - optind > 1)
        set_usage_error(o, tg_asprintf("one SUBMISSION only, got %d", argc - optind));
    else
        o->submission = argv[optind];
    return 0;
}

/* The directory holding the running executable, from /proc/self/exe. */
static char *exe_dir(void)
{
    char *buf = tg_self_path();
    char *slash = buf ? strrchr(buf, '/') : NULL;
    if (slash == NULL) {
        free(buf);
        return NULL;
    }
    *(slash == buf ? slash + 1 : slash) = '\0';
    return buf;
}

static int file_exists(const char *dir, const char *name)
{
    char *p = tg_path_join(dir, name);
    struct stat st;
    int ok = p != NULL && stat(p, &st) == 0;
    free(p);
    return ok;
}

/* The data dir, absolute: --datadir, $TTGRADE_DATADIR, data/ next to the
 * executable (if it has rubric.txt), the compiled-in default. */
char *tg_datadir_find(const char *opt, char **err)
{
    const char *cand = NULL, *from = NULL;
    char *exe_data = NULL;
    const char *env = getenv("TTGRADE_DATADIR");
    if (opt != NULL) {
        cand = opt, from = "--datadir";
    } else if (env != NULL && env[0] != '\0') {
        cand = env, from = "$TTGRADE_DATADIR";
    } else {
        char *dir = exe_dir();
        exe_data = dir ? tg_path_join(dir, "data") : NULL;
        free(dir);
        if (exe_data != NULL && file_exists(exe_data, "rubric.txt"))
            cand = exe_data, from = "next to ttgrade";
        else
            cand = TTGRADE_DATADIR, from = "the built-in default";
    }
    char *abs = realpath(cand, NULL);
    if (abs == NULL)
        *err = tg_asprintf("the data directory %s (%s) cannot be used: %s", cand, from, strerror(errno));
    free(exe_data);
    return abs;
}

/* A data dir made in a build tree lists, in sources.txt, the course files it
 * was made from (grader/data.mk): if one changed since (an instructor's
 * edit of a test's points, a question), grading would use a stale copy, so
 * refuse and name the file. NULL, or why (malloc'd). */
static char *check_fresh(const char *dd)
{
    char *list = tg_path_join(dd, "sources.txt"), *stamp = tg_path_join(dd, "stamp");
    size_t len = 0;
    int trunc = 0;
    struct stat made;
    char *text = list && stamp && stat(stamp, &made) == 0 ? tg_read_file(list, 1 << 20, &len, &trunc) : NULL;
    char *why = NULL;
    for (char *p = text, *nl; p != NULL && *p != '\0' && why == NULL; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl != NULL)
            *nl = '\0';
        struct stat st;
        if (*p == '/' && stat(p, &st) == 0 &&
            (st.st_mtim.tv_sec > made.st_mtim.tv_sec ||
             (st.st_mtim.tv_sec == made.st_mtim.tv_sec && st.st_mtim.tv_nsec > made.st_mtim.tv_nsec)))
            why = tg_asprintf("%s changed after the data directory %s was made: run make first", p, dd);
    }
    free(text);
    free(list);
    free(stamp);
    return why;
}

/* Checks that the data dir holds everything the pipeline uses. */
static char *check_datadir(const char *dd)
{
    static const char *const fixed[] = {"include/tinytorch.h", "rubric.txt", "libttsupport.a",
                                        "hidden/libhidden.a"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!file_exists(dd, fixed[i]))
            return tg_asprintf("the data directory %s is incomplete: %s is missing", dd, fixed[i]);
    for (int l = 0; l < tg_n_labs; l++) {
        char name[64];
        snprintf(name, sizeof name, "ref/%s.o", tg_lab_names[l]);
        if (!file_exists(dd, name))
            return tg_asprintf("the data directory %s is incomplete: %s is missing", dd, name);
        snprintf(name, sizeof name, "hidden/%s.o", tg_lab_names[l]);
        if (!file_exists(dd, name))
            return tg_asprintf("the data directory %s is incomplete: %s is missing", dd, name);
    }
    return check_fresh(dd);
}

char *tg_datadir_labs(const char *datadir)
{
    char *err = NULL, *path = tg_path_join(datadir, "labs.txt");
    if (path == NULL || tg_labs_load(path, &err) != 0) {
        free(path);
        return err != NULL ? err : tg_strdup("out of memory");
    }
    free(path);
    return NULL;
}

/* The labs to grade, in grading order: the --lab ones, else all of them. A
 * name the lab table lacks is a usage error (and then all are laid out, for
 * the maximum score). */
static void select_labs(struct options *o, struct tg_result *res)
{
    int known = 0;
    for (int i = 0; i < o->n_lab_args; i++) {
        known += tg_lab_index(o->lab_args[i]) >= 0;
        if (tg_n_labs > 0 && tg_lab_index(o->lab_args[i]) < 0) {
            struct tg_buf names = TG_BUF_INIT;
            for (int l = 0; l < tg_n_labs; l++)
                tg_buf_printf(&names, "%s%s", l ? ", " : "", tg_lab_names[l]);
            char *list = tg_buf_take(&names);
            set_usage_error(o, tg_asprintf("unknown lab '%s' (expected one of %s)", o->lab_args[i], list ? list : "?"));
            free(list);
        }
    }
    for (int l = 0; l < tg_n_labs; l++) {
        int want = known == 0;
        for (int i = 0; i < o->n_lab_args; i++)
            want |= strcmp(o->lab_args[i], tg_lab_names[l]) == 0;
        if (want)
            res->labs[res->n_labs++].lab = l;
    }
}

/* Splits s on spaces into a NULL-terminated, malloc'd word list. */
static char **split_words(const char *s)
{
    size_t n = 0, cap = 4;
    char **v = calloc(cap, sizeof *v);
    if (v == NULL)
        return NULL;
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        if (n + 2 > cap) {
            char **nv = realloc(v, cap * 2 * sizeof *nv);
            if (nv == NULL)
                goto fail;
            v = nv;
            cap *= 2;
        }
        v[n] = tg_strndup(p, (size_t)(e - p));
        if (v[n] == NULL)
            goto fail;
        v[++n] = NULL;
        p = e;
    }
    return v;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return NULL;
}

/* env (tg_step_environ) plus "TMPDIR=<tmpdir>", so that what the compiler or a test program
 * leaves in $TMPDIR (say, when it is killed) goes with the scratch dir. Free it
 * with free_tmpdir_env: the array and its last string are its own. */
static char **with_tmpdir(char *const *env, const char *tmpdir)
{
    size_t n = 0;
    while (env[n] != NULL)
        n++;
    char **e = calloc(n + 2, sizeof *e);
    char *var = tg_asprintf("TMPDIR=%s", tmpdir);
    if (e == NULL || var == NULL) {
        free(e);
        free(var);
        return NULL;
    }
    memcpy(e, env, n * sizeof *e);
    e[n] = var;
    return e;
}

static void free_tmpdir_env(char **e)
{
    size_t n = 0;
    while (e[n] != NULL)
        n++;
    if (n > 0)
        free(e[n - 1]);
    free(e);
}

static void free_words(char **v)
{
    for (size_t i = 0; v != NULL && v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* Turns the result into "not graded": every test failed with the reason. */
static void fail_result(struct tg_result *res, const struct tg_rubric *rubric, int have_rubric, char *msg)
{
    res->error = 1;
    free(res->error_msg);
    res->error_msg = msg ? msg : tg_strdup("out of memory");
    char *why = tg_asprintf("not graded: %s", res->error_msg ? res->error_msg : "out of memory");
    for (size_t i = 0; i < res->n_labs; i++) {
        struct tg_lab_result *lr = &res->labs[i];
        if (have_rubric && why != NULL)
            tg_lab_fail_all(lr, rubric, lr->lab, TG_LAB_ERROR, why);
        /* Without a rubric (or memory) the lab lists no tests. */
    }
    free(why);
}

static int write_reports(const struct options *o, const struct tg_result *res, const struct tg_report_opts *ro)
{
    int rc = 0;
    char *err = NULL;
    if (o->gradescope && tg_report_gradescope(o->gradescope, res, ro, &err) != 0) {
        fprintf(stderr, "ttgrade: %s\n", err ? err : "out of memory writing the Gradescope report");
        free(err);
        err = NULL;
        rc = -1;
    }
    if (o->junit && tg_report_junit(o->junit, res, &err) != 0) {
        fprintf(stderr, "ttgrade: %s\n", err ? err : "out of memory writing the JUnit report");
        free(err);
        err = NULL;
        rc = -1;
    }
    if (o->json && tg_report_json(o->json, res, &err) != 0) {
        fprintf(stderr, "ttgrade: %s\n", err ? err : "out of memory writing the JSON report");
        free(err);
        err = NULL;
        rc = -1;
    }
    if (o->prairielearn && tg_report_prairielearn(o->prairielearn, res, &err) != 0) {
        fprintf(stderr, "ttgrade: %s\n", err ? err : "out of memory writing the PrairieLearn report");
        free(err);
        rc = -1;
    }
    return rc;
}

/* What every submission of a run shares, set up once (a later `ttgrade
 * batch DIR` grades many submissions with one of these). */
struct grader {
    char *datadir;            /* absolute */
    struct tg_rubric rubric;
    int have_rubric;
    char **cc_words;          /* TTGRADE_CC split: the compiler and its options */
    char *cc;                 /* the compiler's absolute path */
    char **crit_libs;         /* TTGRADE_CRITERION_LIBS split */
    char **ld_words;          /* TTGRADE_LDFLAGS split */
    struct tg_memcheck mc;    /* the memory checks: Valgrind, and the last run's times */
    struct tg_perf perf;      /* lab 1's performance tier: Valgrind, and the last verdict */
    struct tg_questions *questions; /* the question banks of <datadir>/questions */
    struct tg_limits limits;  /* the time limits: calibrated, or fixed (timelimits.h) */
};

/* Finds the data dir, reads the rubric (kept even if a later step fails, so
 * that an error can still report the maximum score), checks the data dir and
 * finds the compiler. Returns NULL when ready to grade; otherwise the reason
 * (malloc'd), or NULL with *oom set if memory ran out. */
static char *grader_open(struct grader *g, const struct options *o, int *oom)
{
    char *err = NULL;
    *oom = 0;
    g->datadir = tg_datadir_find(o->datadir, &err);
    if (g->datadir == NULL || (err = tg_datadir_labs(g->datadir)) != NULL)
        goto out;
    char *rp = tg_path_join(g->datadir, "rubric.txt");
    if (rp == NULL)
        goto out;
    g->have_rubric = tg_rubric_load(rp, &g->rubric, &err) == 0;
    free(rp);
    if (!g->have_rubric)
        goto out;
    if ((err = check_datadir(g->datadir)) != NULL)
        goto out;
    /* The question banks: their items are laid out with the rubric's tests. */
    if (!o->no_questions && (g->questions = tg_questions_load_dir(g->datadir, &err)) == NULL)
        goto out;
    g->rubric.questions = g->questions;
    if (tg_limits_load(&g->limits, g->datadir, o->timeout, &err) != 0)
        goto out;
    /* TTGRADE_CC may carry options ("gcc -m64"), like $(CC). */
    g->cc_words = split_words(TTGRADE_CC);
    if (g->cc_words == NULL)
        goto out;
    g->cc = g->cc_words[0] ? tg_find_program(g->cc_words[0]) : NULL;
    if (g->cc == NULL) {
        err = tg_asprintf("the C compiler '%s' was not found: %s", TTGRADE_CC,
                          strerror(g->cc_words[0] ? errno : ENOENT));
        goto out;
    }
    g->crit_libs = split_words(TTGRADE_CRITERION_LIBS);
    g->ld_words = split_words(TTGRADE_LDFLAGS);
    if (g->crit_libs == NULL || g->ld_words == NULL)
        goto out;
    return NULL;
out:
    if (err == NULL)
        *oom = 1;
    return err;
}

static void grader_close(struct grader *g)
{
    tg_memcheck_close(&g->mc);
    tg_perf_close(&g->perf);
    tg_questions_free(g->questions);
    tg_limits_free(&g->limits);
    tg_rubric_free(&g->rubric);
    free_words(g->crit_libs);
    free_words(g->ld_words);
    free_words(g->cc_words);
    free(g->cc);
    free(g->datadir);
    memset(g, 0, sizeof *g);
}

/* Grades one submission into res, whose labs are already laid out from the
 * rubric. The scratch dir is left in *scratch (NULL if none was made) for the
 * caller to keep or remove. Returns 0, or -1 with *err the reason (NULL for
 * out of memory). */
static int grade_submission(struct grader *g, const struct options *o, const char *submission,
                            struct tg_result *res, char **scratch, char **err)
{
    struct tg_intake intake;
    memset(&intake, 0, sizeof intake);
    int rc = -1;
    *err = NULL;
    struct tg_jails jails;
    memset(&jails, 0, sizeof jails);
    *scratch = tg_scratch_create(err);
    if (*scratch == NULL)
        return -1;
    res->cc_version = tg_cc_version(g->cc, *scratch);

    double t0 = tg_now();
    char *probe = tg_path_join(*scratch, "out");
    if (probe == NULL)
        goto out;
    if (tg_sandbox_init((enum tg_sandbox_mode)o->sandbox, probe, g->datadir, err) != 0) {
        free(probe);
        goto out;
    }
    free(probe);
    res->sandbox = tg_sandbox_layers();
    if (tg_jails_init(&jails, *scratch, g->datadir, err) != 0)
        goto out;
    if (tg_intake_run(submission, *scratch, &jails, &intake, err) != 0)
        goto out;
    res->intake_notes = intake.notes; /* the report says them */
    res->n_intake_notes = intake.n_notes;
    intake.notes = NULL;
    intake.n_notes = 0;
    res->t_intake = tg_now() - t0;
    for (size_t i = 0; i < res->n_labs; i++) {
        int l = res->labs[i].lab;
        if (!intake.present[l] &&
            tg_lab_fail_all(&res->labs[i], &g->rubric, l, TG_LAB_MISSING, intake.why[l]) != 0)
            goto out;
    }

    struct tg_setup setup;
    memset(&setup, 0, sizeof setup);
    setup.datadir = g->datadir;
    setup.cc = g->cc;
    setup.cc_args = g->cc_words + 1;
    setup.criterion_libs = g->crit_libs;
    setup.ld_args = g->ld_words;
    setup.scratch = *scratch;
    setup.jobs = o->jobs;
    setup.timeout = g->limits.fixed;
    setup.limits = &g->limits;
    setup.build_limit = o->build_timeout;
    char **env = with_tmpdir(tg_step_environ, jails.tmp); /* not ours: proc.h */
    if (env == NULL)
        goto out;
    setup.envp = env;
    setup.skip_tests = o->memcheck_only;
    setup.jails = &jails;
    setup.memcheck = &g->mc;
    setup.perf = o->memcheck_only ? NULL : &g->perf;
    rc = tg_grade(&setup, &g->rubric, &intake, res, err);
    if (rc == 0)
        rc = tg_memcheck_run(&g->mc, &setup, &intake, res, err);
    if (rc == 0 && o->memcheck_only &&
        (rc = tg_memcheck_ungrade_tests(&g->mc, res, "--memcheck-only: only the memory checks ran")) != 0)
        *err = NULL;
    /* The answers to the questions, whatever became of the code (not in a
     * --memcheck-only run, which leaves everything but memory ungraded). */
    if (rc == 0 && !o->memcheck_only) {
        t0 = tg_now();
        rc = tg_questions_grade(g->questions, o->student_id, o->reveal_answers, &intake, res, err);
        res->t_questions = tg_now() - t0;
    }
    /* Last, once every message is in: whose fault each one points at. */
    if (rc == 0 && tg_attribute(res, jails.src) != 0) {
        *err = tg_strdup("out of memory");
        rc = -1;
    }
    free_tmpdir_env(env);
out:
    tg_intake_free(&intake);
    tg_jails_free(&jails);
    return rc;
}

/* --canary: the harness options as they were given, then canary.c. */
static char *run_canary(const struct grader *g, const struct options *o, int *oom)
{
    const char *h[16];
    size_t n = 0;
    const struct { const char *opt, *val; } given[] = {
        {"--sandbox", o->sandbox_arg}, {"--timeout", o->timeout_arg},
        {"--build-timeout", o->build_timeout_arg}, {"--jobs", o->jobs_arg},
    };
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (given[i].val != NULL)
            h[n++] = given[i].opt, h[n++] = given[i].val;
    if (o->no_memcheck)
        h[n++] = "--no-memcheck";
    h[n] = NULL;
    return tg_canary_run(g->datadir, h, oom);
}

int main(int argc, char **argv)
{
    tg_proc_init();
    if (argc > 1 && strcmp(argv[1], "batch") == 0) return tg_batch_main(argc - 1, argv + 1); /* batch.c */
    double t_start = tg_now();
    struct options o;
    memset(&o, 0, sizeof o);
    o.visibility = "after_published";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu < 1 ? 1 : ncpu > TG_MAX_JOBS ? TG_MAX_JOBS : (unsigned)ncpu;
    if (parse_options(argc, argv, &o) == 1) {
        fflush(stdout);
        free(o.sid);
        return 0;
    }

    struct tg_result res;
    memset(&res, 0, sizeof res);
    struct grader g;
    memset(&g, 0, sizeof g);
    int status = 2, oom = 0;
    char *err = NULL, *scratch = NULL, *sub_shown = NULL, *sid_shown = NULL;

    if (o.submission != NULL && (sub_shown = tg_sanitize(o.submission, strlen(o.submission), TG_ARG_MAX)) == NULL)
        goto oom;
    if (o.student_id != NULL && (sid_shown = tg_sanitize(o.student_id, strlen(o.student_id), TG_ARG_MAX)) == NULL)
        goto oom;
    res.submission = sub_shown;
    res.student_id = sid_shown;
    res.jobs = o.jobs;
    res.timeout = o.timeout;
    /* Set up even after a usage error: the rubric gives the maximum score. */
    err = grader_open(&g, &o, &oom);
    select_labs(&o, &res);
    res.datadir = g.datadir;
    res.timeout = g.limits.fixed;
    res.limits = g.limits.describe;
    if (g.limits.describe != NULL && !g.limits.calibrated && o.timeout <= 0 && !o.quiet)
        fprintf(stderr, "ttgrade: time limits %s\n", g.limits.describe);
    res.cc = g.cc;
    for (size_t i = 0; g.have_rubric && i < res.n_labs; i++)
        if (tg_lab_fail_all(&res.labs[i], &g.rubric, res.labs[i].lab, TG_LAB_GRADED, "not run") != 0)
            goto oom;
    if (o.usage_bad) {
        free(err);
        err = tg_asprintf("usage error: %s", o.usage_error ? o.usage_error : "bad command line");
        goto fail;
    }
    if (err != NULL || oom)
        goto fail;
    if (tg_memcheck_open(&g.mc, &g.rubric, &res, g.datadir, o.no_memcheck) != 0)
        goto oom;
    res.memcheck = &g.mc;
    g.mc.all_findings = o.all_findings;
    if (!o.memcheck_only && tg_perf_open(&g.perf, &res, &g.rubric, g.datadir, o.no_perf) != 0)
        goto oom;
    res.perf = &g.perf;
    if (o.canary && (err = run_canary(&g, &o, &oom)) != NULL)
        goto fail;
    if (oom)
        goto oom;
    if (grade_submission(&g, &o, o.submission, &res, &scratch, &err) != 0)
        goto fail;
    status = 0;
    goto done;

oom:
    free(err);
    err = NULL;
fail:
    fail_result(&res, &g.rubric, g.have_rubric, err ? err : tg_strdup("out of memory"));
    err = NULL;
    status = 2;
done:
    if (tg_interrupted() && status != 2) {
        fail_result(&res, &g.rubric, g.have_rubric, tg_strdup("interrupted"));
        status = 2;
    }
    tg_result_tally(&res);
    res.t_total = tg_now() - t_start;

    struct tg_report_opts ro;
    ro.quiet = o.quiet;
    ro.color = use_color(&o);
    ro.visibility = o.visibility;
    ro.usage_error = o.usage_bad;
    int wrote = write_reports(&o, &res, &ro);

    /* An error is one line on stderr, and nothing on stdout: no header, no
     * sandbox line, no Score line that a script could take for a grade. */
    if (res.error)
        fprintf(stderr, "ttgrade: %s%s\n", res.error_msg ? res.error_msg : "out of memory",
                o.usage_bad ? " (try 'ttgrade --help')" : "");
    if (scratch != NULL) {
        if (o.keep)
            fprintf(stderr, "ttgrade: kept the scratch directory %s\n", scratch);
        else if (tg_scratch_remove(scratch) != 0)
            fprintf(stderr, "ttgrade: could not remove all of the scratch directory %s\n", scratch);
    }
    fflush(stderr);
    if (!res.error)
        tg_report_terminal(&res, &ro);
    /* Autolab reads the last line: after the Score line. On an error none,
     * so that Autolab reports the autograder's failure instead of a 0. */
    if (o.autolab && !res.error && tg_report_autolab(&res) != 0) {
        fprintf(stderr, "ttgrade: out of memory writing the Autolab scores line\n");
        wrote = -1;
    }

    if (status == 0)
        status = res.score >= res.max_score - 1e-9 && res.max_score > 0 ? 0 : 1;
    if (wrote != 0)
        status = 2;
    tg_reap_orphans();
    tg_result_free(&res);
    grader_close(&g);
    tg_labs_free();
    tg_sandbox_close(); /* res.sandbox pointed into it: after the reports */
    free(scratch);
    free(sub_shown);
    free(sid_shown);
    free(o.sid);
    free(o.usage_error);
    return status;
}
