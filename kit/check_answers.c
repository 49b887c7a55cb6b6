/* check_answers.c - what the student kit's `make grade` says about
 * student/answers.txt: for every question of the banks, whether the course's
 * grader can read its answer (a number, in the question's unit, on one line
 * named after the question), and what it could not read, short of the value.
 * The values themselves are computed with the course's reference code, which
 * the kit does not have: only the instructor's grade says right or wrong.
 *
 *   kit/check-answers ANSWERS BANK...
 *
 * Prints one line per lab ("matmul: answers readable: 3/4"), an indented line
 * per question that is not, every note the grader would make (a line that
 * names no question, an unreadable line), and the questions' share of the
 * course's grade. Exit status: 0, even when answers are missing or
 * unreadable (it never fails make grade); 2 on a usage error or a bank that
 * cannot be loaded.
 *
 * The reading is the grader's own: this file links the grader's question
 * files and calls their parser (q_parse_answers) and their per-question
 * verdict (q_grade_one; both in qbank.h), so that the kit and the grader
 * cannot drift apart. q_grade_one is given an expected value that no answer
 * can equal (NaN): an answer it reads comes back "wrong", which here means
 * "read"; every other verdict (blank, unreadable, another unit, two answers) is reported in the
 * grader's words. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "points.h"
#include "qbank.h"

/* The file, NUL-terminated, in *len bytes; NULL with errno set (EFBIG: more
 * than TG_ANSWERS_MAX bytes). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc((size_t)TG_ANSWERS_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    size_t n = fread(buf, 1, (size_t)TG_ANSWERS_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > (size_t)TG_ANSWERS_MAX) {
        free(buf);
        errno = bad ? EIO : EFBIG;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Prints text indented, each of its lines. */
static void put_indented(const char *text)
{
    const char *p = text;
    while (*p != '\0') {
        size_t n = strcspn(p, "\n");
        printf("    %.*s\n", (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

/* The questions' points in the course's grade, over all labs. */
static double question_points(const struct tg_questions *qs)
{
    double total = 0;
    for (int l = 0; l < tg_n_labs; l++)
        total += tg_questions_lab_points(qs, l);
    return total;
}

/* Checks every question of qs against a (parsed answers). Returns 0, or -1
 * when memory ran out. */
static int check_all(const struct tg_questions *qs, const struct answers *a)
{
    struct qeval never;
    memset(&never, 0, sizeof never);
    never.expected = NAN;
    for (int l = 0; l < tg_n_labs; l++) {
        const struct bank *b = &qs->banks[l];
        if (b->n == 0)
            continue;
        size_t readable = 0;
        struct tg_buf lines = TG_BUF_INIT;
        for (size_t i = 0; i < b->n; i++) {
            const struct question *q = &b->qs[i];
            struct tg_item it;
            memset(&it, 0, sizeof it);
            if (q_grade_one(qs, q, &never, a, NULL, 0, &it) != 0) {
                tg_buf_free(&lines);
                return -1;
            }
            /* "is wrong" is the only verdict q_grade_one gives an answer it read;
             * "(the answer is a whole number)" is one that cannot be right. */
            if (it.output != NULL && strstr(it.output, "\" is wrong") != NULL &&
                strstr(it.output, "whole number") == NULL)
                readable++;
            else
                tg_buf_printf(&lines, "%s (%.*f point%s): %s\n", q->full_id, TG_POINTS(q->points), q->points == 1 ? "" : "s",
                              it.output ? it.output : "?");
            free(it.output);
        }
        char *text = tg_buf_take(&lines);
        if (text == NULL && readable < b->n)
            return -1;
        printf("%s: answers readable: %zu/%zu\n", tg_lab_names[l], readable, b->n);
        if (text != NULL)
            put_indented(text);
        free(text);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s ANSWERS BANK...\n", argv[0]);
        return 2;
    }
    char *err = NULL;
    struct tg_questions *qs = NULL;
    if (tg_labs_of_banks(argv + 2, argc - 2, &err) != 0 ||
        (qs = tg_questions_load((const char *const *)argv + 2, (size_t)(argc - 2), &err)) == NULL) {
        fprintf(stderr, "check-answers: %s\n", err ? err : "out of memory");
        free(err);
        tg_labs_free();
        return 2;
    }
    int rc = 0;
    size_t len = 0;
    char *text = slurp(argv[1], &len);
    if (text == NULL) {
        if (errno == ENOENT)
            printf("answers.txt: not found (%s): `make questions` writes yours, with every question\n", argv[1]);
        else
            printf("answers.txt: cannot read %s: %s\n", argv[1],
                   errno == EFBIG ? "larger than the grader accepts" : strerror(errno));
    } else {
        struct answers a;
        memset(&a, 0, sizeof a);
        char *utf8 = NULL; /* text decoded, when it was UTF-16 */
        size_t utf8_len = 0;
        const char *why = NULL;
        int dec = q_answers_utf8(text, len, &utf8, &utf8_len, &why, &err);
        if (dec < 0) {
            fprintf(stderr, "check-answers: %s\n", err ? err : "out of memory");
            free(err);
            free(text);
            tg_questions_free(qs);
            tg_labs_free();
            return 2;
        }
        if (dec > 0) {
            /* The grader refuses the file: every answer is unread. */
            printf("answers.txt: cannot be read: %s\n", why);
            free(text);
            tg_questions_free(qs);
            tg_labs_free();
            return 0;
        }
        q_parse_answers(&a, utf8 ? utf8 : text, utf8 ? utf8_len : len);
        q_note_unknown_keys(qs, &a); /* as tg_questions_grade does */
        if (!a.oom) {
            qsort(a.notes, a.n_notes, sizeof *a.notes, q_cmp_note);
            printf("answers.txt (student-id: %s): whether the course's grader can read each answer; "
                   "the values are checked only by your instructor\n",
                   !a.has_id ? "missing!" : a.id ? a.id : "- (the course's own numbers)");
            for (size_t i = 0; i < a.n_notes; i++)
                printf("  %s\n", a.notes[i].text);
            if (a.more_notes > 0)
                printf("  ... and %zu more lines that could not be used\n", a.more_notes);
        }
        if (a.oom || check_all(qs, &a) != 0) {
            fprintf(stderr, "check-answers: out of memory\n");
            rc = 2;
        }
        q_answers_free(&a);
        free(utf8);
        free(text);
    }
    if (rc == 0)
        printf("Questions are not in this kit's Score: in the course's grade they carry %.*f points more "
               "(the banks in labs/*/questions.txt).\n", TG_POINTS(question_points(qs)));
    tg_questions_free(qs);
    tg_labs_free();
    return rc;
}
