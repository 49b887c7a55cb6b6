/* classreport.h - the class summaries of `ttgrade batch` (summary.txt and
 * summary.html): what the class scored, and what to re-teach.
 *
 * The batch files own discovery, the pool and the gradebook (batch_int.h);
 * the gradebook (batchbook.c) hands each student's row here (tg_class_add:
 * the id, its status, and for a graded one its parsed report.json), then
 * asks for the two summaries. Everything shown is computed
 * from those reports: the labs and their items are the ones the reports hold,
 * in the order they first appear, so no lab list is typed here. */
#ifndef TG_CLASSREPORT_H
#define TG_CLASSREPORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The tallies of one class. Make it with tg_class_new, free it with
 * tg_class_free (NULL is a no-op). */
struct tg_class;

/* What the summaries say about the run itself (borrowed, not kept). */
struct tg_class_run {
    size_t n_now;          /* submissions graded in this run */
    const char *took;      /* this run's time, "1m05s" */
    int interrupted;       /* the run was cut short: some rows are pending */
    size_t skipped;        /* entries of DIR that are not submissions */
    const char *skip_list; /* "  NAME: why\n" for each of them (may be NULL) */
    const char *out;       /* OUT */
    const char *students;  /* OUT/students */
};

/* A new, empty class; NULL when memory ran out. */
struct tg_class *tg_class_new(void);
void tg_class_free(struct tg_class *c);

/* Adds one row of the gradebook: the student's id, its status ("graded",
 * "failed" or "pending"), the reason shown for a row that is not graded, and
 * the student's report (report.json, parsed; NULL when there is none; read
 * only when the status is "graded"). Copies what it keeps. Returns 0, or -1
 * when memory ran out. */
int tg_class_add(struct tg_class *c, const char *id, const char *status, const char *reason, const cJSON *report);

/* The class summary as text (summary.txt, also printed) and as one
 * self-contained HTML page (summary.html). Malloc'd; NULL when memory ran
 * out. Call after the last tg_class_add. */
char *tg_class_text(struct tg_class *c, const struct tg_class_run *run);
char *tg_class_html(struct tg_class *c, const struct tg_class_run *run);

/* The number o[k] of a report.json; 0 when it is absent or not a number.
 * *have (may be NULL) is set to 1 when it is a number. */
double tg_json_num(const cJSON *o, const char *k, int *have);

/* An item of a report.json, by category: its own "category" field, else the
 * array it is in ("tests", "memory", "questions"). */
enum { TG_CLASS_TEST, TG_CLASS_MEMORY, TG_CLASS_QUESTION, TG_CLASS_OTHER };
int tg_class_item_category(const cJSON *item, const char *array);

/* Calls fn for each graded item of the arrays of obj (a lab of a
 * report.json, or its top level): an object with a numeric "score", of a
 * known category, not "ungraded"; cat is its category, score its score.
 * Returns 0, or the first non-zero value fn returned (which stops the walk). */
int tg_class_items(const cJSON *obj, int (*fn)(const cJSON *item, int cat, double score, void *ctx), void *ctx);

#endif /* TG_CLASSREPORT_H */
