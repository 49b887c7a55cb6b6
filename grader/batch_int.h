/* batch_int.h - the shapes the files of `ttgrade batch` share (batch.h is
 * the interface main.c uses). Private to:
 *   batch.c      tg_batch_main: the run, from the options to the exit status
 *   batchopts.c  the options
 *   batchsubs.c  the submissions under DIR, their ids and folder keys
 *   batchout.c   the output folder OUT: its lock, and the commit of each
 *                student's folder (batch.json, then a rename)
 *   batchpool.c  the child ttgrades: starting them, the pool, the preflight,
 *                the progress line
 *   batchbook.c  the gradebook (grades.csv) and the class summaries, rebuilt
 *                from the students' folders
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
#ifndef TG_BATCH_INT_H
#define TG_BATCH_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "batch.h"
#include "proc.h"
#include "text.h"

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

struct batch_opts {
    const char *dir, *out, *one, *timeout, *datadir;
    unsigned jobs;
    double limit;
    int quiet, csv_header, retry_failed, student_ids;
    char **pass;          /* the words after "--", for every child ttgrade */
    int n_pass;
};

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
    struct tg_task task; /* in the pool of batchpool.c */
    char **argv;       /* the task's */
    char *text;        /* the task's out_path: <work>/report.txt */
    char *work;        /* OUT/.tmp/<key>.XXXXXX */
    double t0;
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

/* batchbook.c */
char *batch_csv_header_text(void);
int batch_write_results(struct batch *b, int interrupted, char **err);

/* batchopts.c */
int batch_parse_options(int argc, char **argv, struct batch_opts *o);

/* batchout.c */
int batch_open_out(struct batch *b, int exclusive, char **err);
int batch_record(struct batch *b, struct sub *s, int st);
char *batch_record_status(const struct batch *b, const struct sub *s);
char *batch_student_file(const struct batch *b, const struct sub *s, const char *file);

/* batchpool.c */
void batch_format_secs(char *buf, size_t len, double s);
int batch_preflight(struct batch *b, char **err);
void batch_progress(struct batch *b, int final);
int batch_run_pool(struct batch *b, char **err);

/* batchsubs.c */
int batch_list_submissions(struct batch *b, char **err);
const char *batch_out_arg(const struct batch *b);
void batch_sub_free(struct sub *s);
int batch_sub_init(struct sub *s, const char *name, const char *path, int student_ids);
int batch_sub_skipped(const struct sub *s);

#endif /* TG_BATCH_INT_H */
