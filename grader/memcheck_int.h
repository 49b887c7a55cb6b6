/* memcheck_int.h - the shapes the memory-check files share (memcheck.h is
 * the interface the rest of the grader uses). Private to:
 *   memcheck.c    deciding whether the checks run, and their phase
 *   memhost.c     the runs: linking each lab's driver, one Valgrind on
 *                 memcheck/ttmemhost per round, and the host's status file
 *   memxml.c      reading Valgrind's XML report, event by event, into one
 *                 set of findings per scenario
 *   memverdict.c  a lab's findings and run turned into its items' verdicts
 *
 * The report is read in the order Valgrind wrote it: the driver's client
 * messages open and close scenarios ("ttmem <token> begin X", "... end X
 * ran"), and every <error> (leak records included) and <fatal_signal> in
 * between belongs to the open scenario. What comes outside any scenario, or
 * after the driver's "done" (Valgrind's own leak check at exit repeats
 * everything), is not counted. The token is random per run and reaches only
 * the driver, so student code cannot forge the markers. */
#ifndef TG_MEMCHECK_INT_H
#define TG_MEMCHECK_INT_H

#include <stddef.h>

#include "memcheck.h"
#include "proc.h"
#include "text.h"
#include "timelimits.h"

#define TG_MEM_LINK_SECONDS 30.0
#define TG_MEM_SLACK_SECONDS 20.0  /* Valgrind's start and exit around the scenarios */
#define TG_MEM_XML_MAX TG_CHILD_FSIZE_MAX
#define TG_MEM_LOG_READ 65536
#define TG_MEM_LOG_LINES 10
#define TG_MEM_LOG_BYTES 1536
#define TG_MEM_FIELD_MAX 160       /* a function or file name from the report */
#define TG_MEM_TEXT_MAX 600        /* a client message or an error's text */
#define TG_MEM_FRAMES 24           /* frames looked at per stack */
#define TG_MEM_PROBLEMS 5          /* problems listed per scenario, then "[... N more]" */
#define TG_MEM_NOTES 3             /* notes (not penalised) listed */
#define TG_MEM_KEPT 32             /* distinct lines kept of each kind: what --all-findings lists */
#define TG_MEM_OUTPUT_MAX 2048
#define TG_MEM_OUTPUT_ALL_MAX (3 * TG_MEM_KEPT * 512) /* with --all-findings: every kept line */

/* One scenario's findings while the report is read. */
struct scen {
    int begun, ended, ran;
    int disorder;               /* its markers came out of order */
    char *reason;               /* why it did not run (the driver's words) */
    char *crash;                /* the fatal signal inside it, described */
    /* The findings, by kind: errors, definitely lost, indirectly lost (all
     * penalised), then notes (possibly lost, still reachable). Each distinct
     * line once, with how many times it came (the same leak from a loop is
     * one line "(5 times)"); at most TG_MEM_KEPT lines of a kind are kept,
     * n_found counts them all. */
    char *line[4][TG_MEM_KEPT];
    size_t times[4][TG_MEM_KEPT];
    size_t n_lines[4];
    size_t n_found[4];
};

enum { F_ERROR, F_DEFINITE, F_INDIRECT, F_NOTE };
#define PENALISED(sc) ((sc)->n_found[F_ERROR] + (sc)->n_found[F_DEFINITE] + (sc)->n_found[F_INDIRECT])

struct parse {
    struct tg_lab_result *lr;
    const char *lab;
    char student_file[32];      /* "linear.c" */
    char prefix[96];            /* "ttmem <token> " */
    struct scen *sc;            /* one per item of lr (only memory items are used) */
    int active;                 /* the item whose scenario is open; -1: none; -2: one the rubric lacks */
    char *open_name;            /* the name of the open scenario */
    int done, finished;
    int oom;
    /* tg_memcheck_crash_cause: a hidden test's run, not a driver's; no
     * scenarios, and no place but the student's file may be named (the test
     * and reference files are hidden) */
    int crash_mode;
    char signame[32];           /* its <fatal_signal>, "" if none */
    char *sigplace;             /* and where it struck in the student's file, or NULL */
};

/* Each lab's driver is linked into a shared object (bin/mem_<lab>.so: the
 * driver, the student's object, the reference for the other labs), and one
 * Valgrind runs memcheck/ttmemhost, which forks a child per lab that loads
 * its object and runs it (see memcheck/ttmemhost.c): one Valgrind start per
 * submission instead of one per lab. The host's status file says which
 * child (pid, hence which XML report) was which lab and how each ended; a
 * lab without a line that says so gets no pass. */
struct mem_job {
    struct tg_lab_result *lr;
    struct tg_argv ld;
    char *ld_log, *so, *xml, *log;
    char *lost;                 /* why none of its scenarios has a result (the host did not end well), or NULL */
    struct tg_task ld_task;
    struct tg_task vg_task;     /* this lab's part of the host's run, as if it had been a run of its own */
    double limit;               /* its wall-clock limit in the host */
    int linked;
};

/* One run of the host: the labs jobs[sel[0..n-1]], with origin tracking or
 * not. Run 1 has every lab, without origin tracking. Then each lab whose
 * errors need origins, or whose run 1 was lost (its host killed or stopped
 * by a lab's code), runs again alone, with origin tracking: alone, so that
 * its result is its own code's, whatever another lab did. */
struct host_run {
    struct tg_argv vg;
    char *status, *log, *xml_prefix;
    size_t *sel, n;
    struct tg_task task;
};

/* memhost.c */
void mem_host_run_free(struct host_run *h);
void mem_job_free(struct mem_job *j);
int mem_lab_ready(const struct tg_lab_result *lr, const struct tg_intake *in, const struct tg_setup *s);
int mem_needs_origins(const struct mem_job *j);
int mem_prepare_host(struct host_run *h, struct mem_job *jobs, const struct tg_setup *s, const char *valgrind,
                     char **envp, int run);
int mem_prepare_link(struct mem_job *j, const struct tg_setup *s);
int mem_read_status(struct host_run *h, struct mem_job *jobs, const struct tg_setup *s);
char *mem_valgrind_version(const char *valgrind, const char *scratch);

/* memverdict.c */
int mem_collect(struct mem_job *j, const struct tg_setup *s, const char *token, int all);
int mem_fail_memory_items(struct tg_lab_result *lr, const char *text);
char *mem_log_head(const char *path, const struct tg_setup *s);

/* memxml.c */
int mem_read_report(struct parse *p, const char *raw, size_t raw_len);
void mem_scen_free(struct scen *sc);

#endif /* TG_MEMCHECK_INT_H */
