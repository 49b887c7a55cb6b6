/* questions.h - the systems questions of each lab: the question banks
 * (labs/NN-<lab>/questions.txt, copied to <datadir>/questions/<lab>.txt),
 * each student's variant of them, their expected values, and the grading of
 * a submission's answers.txt.
 *
 * No answer is ever stored. A question declares the networks it is about and
 * an expression for its answer; the expected value is worked out from those
 * networks' layers by the counting rules of tt_module_summary (tt_summary.h),
 * without building them. The reference library (linked into the grader)
 * builds only a network those rules do not cover, and, in a bank check
 * (ttquestions --check), every network, whose tt_module_summary,
 * tt_module_num_parameters and tt_module_parameters must give the same
 * numbers (qnet.c). The bank format is documented at the top of every bank
 * and in README.md ("Questions").
 *
 * Used by ttgrade (main.c grades, result.c lays out the items) and by
 * ttquestions (ttquestions.c: writes a student's answers.txt, checks banks).
 *
 * Every student_id below is one made by tg_student_id_normalize
 * (student_id.h), or NULL for the course's own numbers: the id is hashed as
 * it is, so two spellings of one id would draw two sets of numbers. */
#ifndef TG_QUESTIONS_H
#define TG_QUESTIONS_H

#include <stddef.h>

#include "ttgrade.h"

/* The largest answers.txt accepted. */
#define TG_ANSWERS_MAX (64L * 1024)
/* The answers file's name, in a submission. */
#define TG_ANSWERS_NAME "answers.txt"

/* Every bank of a course, one per lab (opaque). */
struct tg_questions;

/* Loads the bank files paths[0..n-1] (each names its lab with a `lab` line;
 * one bank per lab, all five, with equal point totals) and checks every
 * question's syntax and names. Returns the banks, or NULL with *err a
 * malloc'd "file:line: reason" (NULL if only memory ran out). */
struct tg_questions *tg_questions_load(const char *const *paths, size_t n, char **err);

/* The same, from <datadir>/questions/<lab>.txt. */
struct tg_questions *tg_questions_load_dir(const char *datadir, char **err);

void tg_questions_free(struct tg_questions *q);

/* The question points of lab (the same for every lab). */
double tg_questions_lab_points(const struct tg_questions *q, int lab);

/* Appends one failed item per question of lab to lr (category
 * TG_ITEM_QUESTION, output `why`). q may be NULL (no questions). Returns 0,
 * or -1 when memory ran out. */
int tg_questions_layout(struct tg_lab_result *lr, const struct tg_questions *q, int lab, const char *why);

/* Grades the answers of a submission: for every selected lab of res, sets
 * the verdict of its question items (laid out by tg_questions_layout) from
 * in->answers, against the variant of student_id (NULL: the course's own
 * numbers), and fills res->answers. The expected value appears in the
 * feedback only if reveal is set. Returns 0, or -1 with *err set (NULL for
 * out of memory) when an expected value cannot be computed. */
int tg_questions_grade(const struct tg_questions *q, const char *student_id, int reveal,
                       const struct tg_intake *in, struct tg_result *res, char **err);

/* The answers.txt of a student (NULL: the default variant): every question
 * of every lab, its text with the student's numbers, the unit, and a blank
 * "<lab>.<id>:" line; with key set, the expected answers filled in (staff
 * only). Returns the malloc'd text, or NULL with *err set. */
char *tg_questions_sheet(const struct tg_questions *q, const char *student_id, int key, char **err);

/* Prints one line per question, "<lab>.<id> = <expected> <unit>", for the
 * variant of student_id, to stdout. Returns 0, or -1 with *err set. */
int tg_questions_print_expected(const struct tg_questions *q, const char *student_id, char **err);

/* Computes every expected value for student_id's variant without printing:
 * proves the bank works for that variant. Returns 0, or -1 with *err set. */
int tg_questions_check_variant(const struct tg_questions *q, const char *student_id, char **err);

#endif /* TG_QUESTIONS_H */
