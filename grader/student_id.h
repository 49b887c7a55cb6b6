/* student_id.h - the one rule for student ids, shared by ttgrade's
 * --student-id, `ttgrade batch` (where a submission's name is its id) and
 * ttquestions, so that the id that draws a student's numbers for their
 * answers.txt is byte for byte the id that grades it.
 *
 * The rule: leading and trailing spaces, tabs, CRs and newlines are removed;
 * what is left must be 1 to TG_STUDENT_ID_MAX characters, each an ASCII
 * letter or digit, a space, or one of . _ @ + -, and must not start with '.'
 * or '-' ("-" alone stands for the course's own numbers in answers.txt). */
#ifndef TG_STUDENT_ID_H
#define TG_STUDENT_ID_H

#include <stddef.h>

#define TG_STUDENT_ID_MAX 128

/* Narrows s[0..*len) to the part without leading and trailing blanks:
 * returns its start and sets *len to its length. Nothing is copied. */
const char *tg_student_id_trim(const char *s, size_t *len);

/* Why s[0..len), once trimmed, cannot be a student id: a static,
 * one-sentence reason; NULL if it can. */
const char *tg_student_id_problem(const char *s, size_t len);

/* The student id written s[0..len): a malloc'd copy of it trimmed, which the
 * caller frees. NULL when it cannot be used, with *why set to the static
 * reason; NULL with *why NULL when memory ran out. */
char *tg_student_id_normalize(const char *s, size_t len, const char **why);

#endif /* TG_STUDENT_ID_H */
