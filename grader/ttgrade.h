/* ttgrade.h - the autograder's shared types: the labs, the rubric, the graded
 * results every report is written from, and the entry points of its stages,
 * in the order main.c runs them:
 *
 *   main.c        options, data dir, the stages below, the exit status
 *   labs.c        the lab table (labs.txt); rubric.c the rubric (rubric.txt);
 *                 timelimits.c the calibrated time limits (timelimits.h)
 *   canary.c      --canary: one lab's reference graded first by this same
 *                 ttgrade, which must give it full marks (else a grader error)
 *   proc.c        the sandbox chosen (tg_sandbox_init); intake.c the jails
 *                 each kind of task runs in (tg_jails_init)
 *   intake.c      submission (dir, .tar.gz, .zip: ttunpack, unpack.h) ->
 *                 scratch/src/<lab>.c and answers.txt
 *   grade.c       tg_grade: the phases below, run by one scheduler in one
 *                 pool (sched.c, phase.h; proc.h), round by round
 *     grade.c     the hidden tests: compile each lab, inspect its object
 *                 (inspect.h), link, run, turn the reports into verdicts,
 *                 and a crashed test's cause under Valgrind (crash.h)
 *     memcheck.c  the memory checks under Valgrind (memcheck.h; mem*.c)
 *     perf.c      lab 1's performance tier under callgrind (perf.h)
 *   memcheck.c    tg_memcheck_run: the memory items marked ungraded when
 *                 the checks were skipped (the phase did the rest)
 *   questions.h   the systems questions: answers.txt graded against the
 *                 student's variant (q*.c, qbank.h)
 *   attribute.c   last, with every message in: whose fault each one points
 *                 at (another lab's function, the test's setup)
 *   result.c      scores (tg_result_tally), and what every report says of
 *                 an item
 *   report.c      terminal, Gradescope JSON, JUnit XML, PrairieLearn,
 *                 Autolab, our JSON
 *   batch.c       `ttgrade batch`: many submissions, the gradebook and the
 *                 class summary (batch.h, classreport.h, mistake.h), each
 *                 submission graded by a child ttgrade running the above
 *
 * A lab's result is a list of graded items, each with a category (a hidden
 * test, a memory check, a question) and its own points. */
#ifndef TG_TTGRADE_H
#define TG_TTGRADE_H

#include <stddef.h>
#include "proc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* ---------------------------------------------------------------- labs -- */

/* The labs are data: the data dir's labs.txt, a copy of labs/manifest (one
 * line per lab, in grading order: `<name> <folder> <header> <function>...`),
 * read once at start-up by tg_labs_load (labs.c). No lab name or count is
 * written in the grader. TG_MAX_LABS only sizes the fixed per-lab arrays
 * below; a manifest with more labs is refused, naming it. */
#define TG_MAX_LABS 32

/* The longest lab name: lowercase letters, digits and '_'. */
#define TG_LAB_NAME_MAX 32
/* The largest lab file accepted (intake.c). */
#define TG_LAB_FILE_MAX (1024L * 1024)

extern int tg_n_labs;                           /* how many labs, <= TG_MAX_LABS */
extern const char *tg_lab_names[TG_MAX_LABS];   /* their names, in grading order */
/* The functions each lab's file must (and alone may) define, NULL-terminated
 * (inspect.c); an empty list for a lab tg_lab_add made. */
extern const char *const *tg_lab_functions[TG_MAX_LABS];

/* Reads the lab table from path (labs.txt). Returns 0, or -1 with *err a
 * malloc'd message naming the file and line (NULL: out of memory). */
int tg_labs_load(const char *path, char **err);

/* Adds a lab by name alone (ttquestions, which knows the labs from the banks'
 * `lab` lines). Returns its index, or -1 (a bad name, too many labs, memory). */
int tg_lab_add(const char *name);

/* For the tools without a data dir (ttquestions, the kit's check-answers):
 * the labs are the banks' own, in the order the banks are given
 * (labs/NN-<lab>/questions.txt sorts in the manifest's order). Adds the lab
 * of each bank's first `lab NAME` line; the bank parser reports whatever else
 * is wrong with a bank. Returns 0, or -1 with *err a malloc'd message naming
 * the bank (NULL: out of memory). */
int tg_labs_of_banks(char *const *paths, int n, char **err);

/* Forgets the table. */
void tg_labs_free(void);

/* The index of a lab name, or -1. */
int tg_lab_index(const char *name);

/* The data dir, absolute (malloc'd): opt (--datadir), else $TTGRADE_DATADIR,
 * else data/ next to the executable, else the compiled-in default; NULL with
 * *err set if it cannot be used (main.c). */
char *tg_datadir_find(const char *opt, char **err);

/* Loads the lab table from the data dir's labs.txt: NULL, or why not
 * (malloc'd). */
char *tg_datadir_labs(const char *datadir);

/* -------------------------------------------------------------- rubric -- */

/* One rubric line: `<lab> <test_name> <points> [description...]`, or a
 * memory check `<lab> memory:<scenario> <points> [description...]`. (A
 * performance tier's line is a struct tg_rubric_tier instead.) */
struct tg_rubric_entry {
    int lab;              /* index into tg_lab_names */
    int category;         /* an enum tg_item_category: TG_ITEM_TEST, TG_ITEM_MEMORY */
    char *test;           /* the Criterion test name (or scenario name), a C identifier */
    double points;        /* > 0 */
    char *description;    /* the free text, "" if none */
    unsigned line;        /* where it was in rubric.txt */
};

/* The most tiers a lab's performance tier may have. */
#define TG_RUBRIC_TIERS_MAX 8

/* One step of a performance tier's scale, `<lab> perf:<share>% <points>
 * [description...]`: a speedup of at least `share` percent of the
 * reference's earns `points` extra points in all (perf.h). */
struct tg_rubric_tier {
    int lab;              /* index into tg_lab_names */
    double share;         /* percent of the reference's speedup, > 0 */
    double points;        /* > 0; more than the tier below's */
};

struct tg_rubric {
    struct tg_rubric_entry *entries;  /* in file order; not the tiers */
    struct tg_rubric_tier tiers[TG_RUBRIC_TIERS_MAX];  /* by share, lowest first */
    size_t n_tiers;
    size_t n;
    double lab_total[TG_MAX_LABS];      /* the sum of the points of each lab */
    size_t lab_tests[TG_MAX_LABS];      /* how many tests each lab has */
    double memory_total[TG_MAX_LABS];   /* the points of each lab's memory checks */
    size_t memory_checks[TG_MAX_LABS];  /* how many memory scenarios each lab has (0: none) */
    /* The question banks (questions.h): their points are set in the banks.
     * Borrowed; set by the caller after loading; NULL: no questions. */
    const struct tg_questions *questions;
};

/* Reads and checks the rubric at path. Returns 0, or -1 with *err set to a
 * malloc'd message naming the file and line ("rubric.txt:12: ..."); *err is
 * NULL if only memory ran out. r is empty (safe to free) on failure. */
int tg_rubric_load(const char *path, struct tg_rubric *r, char **err);
void tg_rubric_free(struct tg_rubric *r);

/* ------------------------------------------------------------- results -- */

/* What a graded item is: a hidden test, a memory check or a question, each
 * with its own points. */
enum tg_item_category {
    TG_ITEM_TEST,
    TG_ITEM_MEMORY,       /* a scenario of the lab's memory driver, run under Valgrind (memcheck.h) */
    TG_ITEM_QUESTION      /* a systems question (questions.h), answered in answers.txt */
};

/* How a failed test went wrong, for the JUnit report's <failure> (a wrong
 * result) or <error> (the test could not finish). */
enum tg_fault {
    TG_FAULT_WRONG,       /* it ran to its end and got something wrong (the default) */
    TG_FAULT_CRASH,       /* it crashed, exited early or left no usable result */
    TG_FAULT_TIMEOUT      /* it hung and was stopped */
};

/* One graded item of a lab: for a test, one rubric line and its verdict. */
struct tg_item {
    enum tg_item_category category;
    char *name;           /* the test name */
    char *description;    /* the rubric's free text, "" if none */
    double points;        /* what it is worth */
    double score;         /* points if passed, else 0 */
    int passed;
    double time;          /* seconds, from the PASS record; 0 unless passed */
    char *output;         /* why it failed (sanitised, bounded); "" if passed */
    enum tg_fault fault;  /* how it failed, when !passed (grade.c sets it for tests) */
    int ungraded;         /* 1: not graded this run (say, no Valgrind): left out of
                           * both score and max_score; output says why */
};

enum tg_lab_status {
    TG_LAB_GRADED,        /* built and run: the items carry the verdicts */
    TG_LAB_COMPILE_ERROR, /* the student's file did not compile */
    TG_LAB_LINK_ERROR,    /* it compiled but the test program did not link */
    TG_LAB_MISSING,       /* the file was not in the submission (or was refused) */
    TG_LAB_ERROR,         /* the grader could not grade it (internal error) */
    TG_LAB_REFUSED        /* it compiled, but the object failed inspection (inspect.c) */
};

struct tg_lab_result {
    int lab;                  /* index into tg_lab_names */
    enum tg_lab_status status;
    char *reason;             /* one line on why it was not graded; NULL when graded */
    char *build_output;       /* trimmed compiler (or, on a link error, linker) output; may be "" */
    char *runner_output;      /* the start of the test program's stdout+stderr (staff only) */
    struct tg_item *items;    /* the rubric's tests of this lab, in rubric order */
    size_t n_items;
    char **extra_tests;       /* tests the program reported that the rubric lacks */
    size_t n_extra;
    double score, max_score;
};

/* Everything the reports are written from. */
struct tg_result {
    const char *submission;   /* as given on the command line (sanitised by writers) */
    const char *student_id;   /* NULL if not given */
    char **intake_notes;      /* how the files were taken (tg_intake's notes, moved here), one line each */
    size_t n_intake_notes;
    int error;                /* 1: not graded (usage or internal error, bad submission) */
    char *error_msg;          /* why, when error */
    struct tg_lab_result labs[TG_MAX_LABS];
    size_t n_labs;            /* the selected labs, in grading order */
    double score, max_score;
    /* environment, for our JSON report */
    const char *cc;           /* the compiler's path */
    char *cc_version;         /* the first line of `cc --version`, or NULL */
    const char *sandbox;      /* the confinement layers in force (proc.h), or NULL: none yet */
    char *criterion;          /* "Criterion v2.4.1" from a test report, or NULL */
    const char *datadir;
    unsigned jobs;
    double timeout;
    const char *limits;       /* where the time limits come from (timelimits.h), or NULL */
    /* timings, seconds */
    double t_intake, t_compile, t_tests, t_questions, t_total;
    /* the answers to the questions, as tg_questions_grade found them */
    struct {
        char *variant;        /* whose numbers the questions used: the student id; NULL: the course's */
        char *status;         /* "found", "missing", "refused", "other_student"; NULL: not graded */
        char *file_id;        /* the student-id line of answers.txt (sanitised), or NULL */
        char **notes;         /* line-numbered problems of answers.txt not tied to one question */
        size_t n_notes;
    } answers;
    struct tg_memcheck *memcheck; /* the memory checks' run (memcheck.h), or NULL */
    struct tg_perf *perf;     /* lab 1's performance tier, extra credit (perf.h), or NULL */
};

/* Frees what the result owns (not the const strings). */
void tg_result_free(struct tg_result *res);

/* Fills a lab result with the rubric's tests of lab, every one failed with
 * `why` (copied), status as given. Returns 0, or -1 when memory ran out. */
int tg_lab_fail_all(struct tg_lab_result *lr, const struct tg_rubric *rubric, int lab,
                    enum tg_lab_status status, const char *why);

/* Recomputes lab and total scores from the items. */
void tg_result_tally(struct tg_result *res);

/* For the reports (result.c). An item's title: "memory: forward with bias"
 * for a memory check, the test name for a test. Returns buf. */
const char *tg_item_title(const struct tg_item *it, char *buf, size_t len);

/* "passed", "failed" or "ungraded". */
const char *tg_item_status(const struct tg_item *it);

/* What a category's points are called in notes: "tests", "memory", "questions". */
const char *tg_category_label(int category);

/* One line per category of items left ungraded, for the end of every report
 * ("memory: 50 points ungraded (valgrind was not found): left out of the
 * score\n"); "" when none. malloc'd, or NULL when memory ran out. */
char *tg_ungraded_note(const struct tg_result *res);

/* A scenario's title: its name with spaces for underscores, into buf. */
void tg_scenario_title(const char *name, char *buf, size_t len);

/* Marks the items of `category` (or, with `others`, every item of another
 * category) ungraded, with output "ungraded: <why>". Returns 0, or -1 when
 * memory ran out. */
int tg_result_ungrade(struct tg_result *res, enum tg_item_category category, int others, const char *why);

/* -------------------------------------------------------------- intake -- */

/* The five lab files of a submission, copied into <scratch>/src/<lab>.c.
 * For each lab, present[lab] is 1, or 0 with why[lab] a malloc'd reason
 * ("matmul.c not found in the submission"). */
struct tg_intake {
    int present[TG_MAX_LABS];
    char *why[TG_MAX_LABS];
    /* answers.txt, the answers to the questions: its bytes (NUL-terminated,
     * answers_len of them), or NULL with answers_why the reason. */
    char *answers;
    size_t answers_len;
    char *answers_why;
    /* What the report should say about how the files were taken (a student/
     * folder passed over, a duplicate archive member): one line each, malloc'd. */
    char **notes;
    size_t n_notes;
};

struct tg_jails;

/* Takes the lab files out of `submission` (a directory, or a .tar.gz/.tgz,
 * .tar or .zip archive, read by the data dir's ttunpack in the unpack jail;
 * files at its top level or under student/). Never runs anything from it.
 * Returns 0, or -1 with *err a malloc'd reason ("no such submission: foo";
 * NULL if only memory ran out). */
int tg_intake_run(const char *submission, const char *scratch, const struct tg_jails *jails, struct tg_intake *in,
                  char **err);
void tg_intake_free(struct tg_intake *in);

/* ttgrade --canary (canary.c): grades the data dir's canary/<lab>.c, the
 * reference of one lab, with this same ttgrade, the data dir and the harness
 * options `harness` (NULL-terminated: --sandbox, --timeout, ... as given),
 * and wants full marks. Returns NULL if it passed, else why the grader is
 * broken here (malloc'd); NULL with *oom set if memory ran out. */
char *tg_canary_run(const char *datadir, const char *const *harness, int *oom);

/* Makes a private scratch dir (mkdtemp under $TMPDIR or /tmp) with its
 * subdirectories src, obj, bin, out, in, tmp. Returns the malloc'd path or NULL
 * with *err set. */
char *tg_scratch_create(char **err);

/* What each kind of step that handles student input may see in the sandbox
 * (proc.h): paths inside one scratch dir, and the data dir. */
struct tg_jails {
    char *src, *obj, *bin, *out, *in, *tmp, *inc;  /* owned paths; tmp is $TMPDIR of them all */
    char *lib;                 /* the data dir's lib/ (grader/shim/), or NULL if it has none */
    char *host;                /* the data dir's memcheck/ttmemhost, or NULL if it has none */
    char *unpacker;            /* the data dir's ttunpack (unpack.h), or NULL if it has none */
    struct tg_confine cc;      /* compile: reads src and the headers, writes obj */
    struct tg_confine ld;      /* link: reads obj and the data dir, writes bin */
    struct tg_confine run;     /* run a test program, or the memory drivers' host: reads bin, writes out */
    struct tg_confine unpack;  /* ttunpack: reads the archive's copy, writes in */
};

/* Fills j for `scratch` (and datadir); after tg_sandbox_init, hands the dirs
 * the confined steps write to the sandbox user. 0, or -1 (*err set, or NULL
 * on no memory). */
int tg_jails_init(struct tg_jails *j, const char *scratch, const char *datadir, char **err);
void tg_jails_free(struct tg_jails *j);

/* Removes the scratch dir recursively (without following symlinks).
 * Returns 0 or -1. */
int tg_scratch_remove(const char *path);

/* --------------------------------------------------------------- grade -- */

/* How to build and run: the compiled-in tools and the data dir. */
struct tg_setup {
    const char *datadir;        /* absolute */
    const char *cc;             /* absolute path of the C compiler */
    char **cc_args;             /* NULL-terminated words that follow it ("-m32"), may be empty */
    char **criterion_libs;      /* NULL-terminated linker words, "-lcriterion" */
    char **ld_args;             /* NULL-terminated words every link adds ("-fuse-ld=gold"), may be empty */
    const char *scratch;        /* absolute */
    unsigned jobs;
    double timeout;             /* the fixed limit of one test, seconds (--timeout, or the default) */
    const struct tg_limits *limits; /* each test's and memory driver's limit (timelimits.h) */
    double build_limit;         /* compile and link one lab, seconds (0: the default, 30) */
    char **envp;                /* the environment of every program run on the submission: ours
                                 * without the pass file, with TMPDIR inside the scratch dir */
    int skip_tests;             /* compile only: the hidden tests are not linked or run */
    const struct tg_jails *jails; /* the sandbox of each step */
    struct tg_memcheck *memcheck; /* if not NULL, the memory checks run in the same pools as the
                                   * tests (one scheduler: memcheck.h); else tg_memcheck_run does */
    struct tg_perf *perf;         /* if not NULL, lab 1's performance tier runs in the same pools
                                   * (perf.h) */
};

/* Compiles, links and runs the selected labs (res->labs[i].lab, i < n_labs)
 * that intake found, filling res->labs. Returns 0, or -1 with *err set on an
 * internal error (the compiler cannot be started, interrupted, no memory). */
int tg_grade(const struct tg_setup *setup, const struct tg_rubric *rubric,
             const struct tg_intake *in, struct tg_result *res, char **err);

/* Adds to ld the words of a link of one lab against the data dir: the
 * compiler and its words (cc_args, ld_args), then opts (NULL-terminated, may
 * be NULL), -o out, the lab's object from the data dir's folder `kind`
 * ("hidden": its tests, "memcheck": its memory driver), the student's
 * obj/<lab>.o and every other lab's reference. The caller adds the
 * libraries. A failed allocation is left in ld->failed. */
struct tg_argv; /* proc.h */
void tg_link_lab_argv(struct tg_argv *ld, const struct tg_setup *s, int lab, const char *const *opts,
                      const char *out, const char *kind);

/* The first line of `cc --version` (malloc'd, sanitised), or NULL. Uses
 * <scratch>/out for its output. */
char *tg_cc_version(const char *cc, const char *scratch);

/* -------------------------------------------------------------- report -- */

struct tg_report_opts {
    int quiet;
    int color;
    int usage_error;            /* the command line was bad: no header line */
    const char *visibility;     /* Gradescope visibility of the tests */
};

/* The terminal report (stdout): per-test lines, per-lab totals, and always
 * the final "Score: N/M" line. */
void tg_report_terminal(const struct tg_result *res, const struct tg_report_opts *o);

/* Each writes its file atomically (FILE.tmp, then rename). Return 0, or -1
 * with *err a malloc'd message. */
int tg_report_gradescope(const char *path, const struct tg_result *res, const struct tg_report_opts *o, char **err);
int tg_report_junit(const char *path, const struct tg_result *res, char **err);
int tg_report_json(const char *path, const struct tg_result *res, char **err);
/* PrairieLearn's external grader results.json: gradable, score in [0, 1],
 * message, output, tests[]; on an error, gradable false and format_errors. */
int tg_report_prairielearn(const char *path, const struct tg_result *res, char **err);

/* Autolab's scores line, {"scores": {<lab>: N, ...}, "scoreboard": [total,
 * each lab, extra points]}, on stdout with its newline (Autolab reads the
 * last line of the output). For a graded result only (main.c prints none on
 * an error). Returns 0, or -1 when memory ran out (nothing printed). */
int tg_report_autolab(const struct tg_result *res);

/* Writes len bytes to path atomically. Returns 0 or -1 with *err set. */
int tg_write_atomic(const char *path, const char *data, size_t len, char **err);

#endif /* TG_TTGRADE_H */
