/* qgrade.c - grading a submission's answers against the student's variant,
 * and the question items of a lab's result (questions.h, qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbank.h"

/* The verdict of item it (question q, whose expected value is in ev). */
int q_grade_one(const struct tg_questions *qs, const struct question *q, const struct qeval *ev,
                const struct answers *a, const char *all_why, int reveal, struct tg_item *it)
{
    struct tg_buf b = TG_BUF_INIT;
    it->passed = 0;
    it->time = 0;
    if (all_why != NULL) {
        tg_buf_puts(&b, all_why);
    } else {
        const struct aline *found = NULL, *blank = NULL, *second = NULL;
        for (size_t i = 0; i < a->n; i++) {
            const struct aline *al = &a->v[i];
            if (!q_key_names(qs, al->key, q))
                continue;
            if (al->value[0] == '\0') {
                if (blank == NULL)
                    blank = al;
            } else if (found == NULL) {
                found = al;
            } else if (second == NULL && !q_same_answer(found->value, al->value, q->unit)) {
                second = al; /* two different answers; the same one twice counts once */
            }
        }
        if (second != NULL) {
            tg_buf_printf(&b, "%s:%u and %s:%u both answer %s: keep one answer", TG_ANSWERS_NAME,
                          found->value_line, TG_ANSWERS_NAME, second->value_line, q->full_id);
        } else if (found == NULL) {
            if (blank != NULL)
                tg_buf_printf(&b, "no answer: %s:%u has nothing after \"%s:\"", TG_ANSWERS_NAME, blank->line,
                              q->full_id);
            else
                tg_buf_printf(&b, "no answer: %s has no line `%s: ...`", TG_ANSWERS_NAME, q->full_id);
            if (a->n_unreadable > 0)
                tg_buf_printf(&b, " (%zu line%s of %s could not be read, the first is line %u)", a->n_unreadable,
                              a->n_unreadable == 1 ? "" : "s", TG_ANSWERS_NAME, a->first_unreadable);
        } else {
            struct number num;
            const struct unit *said = NULL;
            char why[256];
            why[0] = '\0';
            enum verdict vd = q_read_answer(found->value, q->unit, &num, &said, why, sizeof why);
            char *s = q_shown(found->value);
            if (s == NULL) {
                tg_buf_free(&b);
                return -1;
            }
            if (vd == V_UNREADABLE) {
                tg_buf_printf(&b, "%s:%u: cannot read \"%s\": %s", TG_ANSWERS_NAME, found->value_line, s, why);
            } else if (vd == V_OTHER_UNIT) {
                tg_buf_printf(&b, "%s:%u: \"%s\" is in %s, but the question asks for %s", TG_ANSWERS_NAME,
                              found->value_line, s, said->name, q->unit->describe);
            } else {
                int right, whole = 1;
                if (q->unit->kind == U_EXACT)
                    right = q_number_is(&num, ev->expected, &whole);
                else
                    right = fabs(num.v - ev->expected) <= Q_TOLERANCE * fabs(ev->expected);
                if (right) {
                    it->passed = 1;
                } else {
                    tg_buf_printf(&b, "%s:%u: \"%s\" is wrong", TG_ANSWERS_NAME, found->value_line, s);
                    if (q->unit->kind == U_EXACT && !whole)
                        tg_buf_puts(&b, " (the answer is a whole number)");
                    else if (q->unit->kind == U_EXACT)
                        tg_buf_puts(&b, " (it must be exact)");
                    else
                        tg_buf_printf(&b, " (answers within 1%% count; the question asks for %s)", q->unit->name);
                }
            }
            free(s);
        }
    }
    if (reveal && !it->passed) {
        char val[96];
        q_fmt_value(val, sizeof val, ev->expected, q->unit, 4);
        tg_buf_printf(&b, "\nexpected: %s", val);
    }
    char *out = tg_buf_take(&b);
    if (out == NULL)
        return -1;
    free(it->output);
    it->output = out;
    return 0;
}

/* Is the answers file's variant (id; NULL: "-") the one graded (sid)? The
 * same bytes that drew the numbers: sid is normalised by the caller
 * (student_id.h), and the file's value was trimmed of its blanks. */
static int same_variant(const char *id, const char *sid)
{
    if (id == NULL || sid == NULL)
        return id == NULL && sid == NULL;
    return strcmp(id, sid) == 0;
}

int q_cmp_note(const void *x, const void *y)
{
    const struct note *a = x, *b = y;
    return (a->line > b->line) - (a->line < b->line);
}

int tg_questions_grade(const struct tg_questions *qs, const char *student_id, int reveal,
                       const struct tg_intake *in, struct tg_result *res, char **err)
{
    *err = NULL;
    if (qs == NULL)
        return 0;
    struct answers a;
    memset(&a, 0, sizeof a);
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    char *all_why = NULL;
    const char *status;
    int rc = -1;
    char *sid = student_id ? tg_sanitize(student_id, strlen(student_id), 200) : NULL;
    if (student_id != NULL && sid == NULL)
        return -1;
    char *utf8 = NULL; /* answers.txt decoded, when it was not UTF-8 */
    size_t utf8_len = 0;
    const char *undecodable = NULL;
    if (in->answers != NULL && q_answers_utf8(in->answers, in->answers_len, &utf8, &utf8_len, &undecodable, err) < 0)
        goto out;

    if (in->answers == NULL) {
        const char *why = in->answers_why ? in->answers_why : TG_ANSWERS_NAME " not found in the submission";
        status = strstr(why, "not found") != NULL ? "missing" : "refused";
        all_why = tg_strdup(why);
        if (all_why == NULL)
            goto out;
    } else if (undecodable != NULL) {
        status = "refused";
        all_why = tg_asprintf("%s cannot be read: %s", TG_ANSWERS_NAME, undecodable);
        if (all_why == NULL)
            goto out;
    } else {
        status = "found";
        q_parse_answers(&a, utf8 ? utf8 : in->answers, utf8 ? utf8_len : in->answers_len);
        if (a.oom)
            goto out;
        if (a.has_id) {
            free(res->answers.file_id);
            res->answers.file_id = a.id ? q_shown(a.id) : tg_strdup("-");
            if (res->answers.file_id == NULL)
                goto out;
            if (!same_variant(a.id, student_id)) {
                status = "other_student";
                const char *fid = res->answers.file_id;
                if (sid == NULL)
                    all_why = tg_asprintf("%s is for student %s (line %u), but ttgrade ran without --student-id, "
                                          "so the questions have the course's own numbers: grade it with "
                                          "--student-id %s", TG_ANSWERS_NAME, fid, a.id_line, fid);
                else if (a.id == NULL)
                    all_why = tg_asprintf("%s has the course's own numbers (student-id: -, line %u), but this "
                                          "grade is for student %s, whose numbers differ: `make questions "
                                          "STUDENT_ID=%s` writes the right file", TG_ANSWERS_NAME, a.id_line, sid,
                                          sid);
                else
                    all_why = tg_asprintf("%s is for student %s (line %u), but this grade is for student %s: "
                                          "each student's questions have their own numbers", TG_ANSWERS_NAME, fid,
                                          a.id_line, sid);
                if (all_why == NULL)
                    goto out;
            }
        } else {
            q_add_note(&a, 0, tg_asprintf("%s has no student-id line: it was graded with %s%s numbers",
                                          TG_ANSWERS_NAME, sid ? sid : "the course's own", sid ? "'s" : ""));
        }
        q_note_unknown_keys(qs, &a);
        if (a.oom)
            goto out;
    }

    for (size_t i = 0; i < res->n_labs; i++) {
        struct tg_lab_result *lr = &res->labs[i];
        const struct bank *b = &qs->banks[lr->lab];
        for (size_t j = 0; j < lr->n_items; j++) {
            struct tg_item *it = &lr->items[j];
            if (it->category != TG_ITEM_QUESTION)
                continue;
            const struct question *q = NULL;
            for (size_t k = 0; k < b->n && q == NULL; k++)
                if (strcmp(b->qs[k].id, it->name) == 0)
                    q = &b->qs[k];
            if (q == NULL) {
                *err = tg_asprintf("question %s.%s is not in the bank", tg_lab_names[lr->lab], it->name);
                goto out;
            }
            struct qeval ev;
            if (q_question_eval(q, student_id, 0, &mc, &ev, err) != 0) {
                if (*err != NULL) {
                    char *e = tg_asprintf("the expected answer of a question cannot be computed: %s", *err);
                    free(*err);
                    *err = e;
                }
                goto out;
            }
            if (q_grade_one(qs, q, &ev, &a, all_why, reveal, it) != 0)
                goto out;
        }
    }

    /* The notes, in line order, for the reports. */
    if (a.n_notes > 1) /* qsort's array may not be NULL, even for 0 elements */
        qsort(a.notes, a.n_notes, sizeof *a.notes, q_cmp_note);
    if (a.more_notes > 0)
        q_add_note(&a, (unsigned)-1, tg_asprintf("... and %zu more lines of %s that could not be used", a.more_notes,
                                                 TG_ANSWERS_NAME));
    if (a.oom)
        goto out;
    if (a.n_notes > 0) {
        char **notes = calloc(a.n_notes, sizeof *notes);
        if (notes == NULL)
            goto out;
        for (size_t i = 0; i < a.n_notes; i++) {
            notes[i] = a.notes[i].text;
            a.notes[i].text = NULL;
        }
        res->answers.notes = notes;
        res->answers.n_notes = a.n_notes;
    }
    res->answers.status = tg_strdup(status);
    res->answers.variant = sid;
    sid = NULL;
    if (res->answers.status == NULL)
        goto out;
    rc = 0;
out:
    q_answers_free(&a);
    q_mcache_free(&mc);
    free(all_why);
    free(sid);
    free(utf8);
    return rc;
}

int tg_questions_layout(struct tg_lab_result *lr, const struct tg_questions *q, int lab, const char *why)
{
    if (q == NULL || lab < 0 || lab >= tg_n_labs || q->banks[lab].n == 0)
        return 0;
    const struct bank *b = &q->banks[lab];
    struct tg_item *items = realloc(lr->items, (lr->n_items + b->n) * sizeof *items);
    if (items == NULL)
        return -1;
    lr->items = items;
    for (size_t i = 0; i < b->n; i++) {
        struct tg_item *it = &lr->items[lr->n_items++];
        memset(it, 0, sizeof *it);
        it->category = TG_ITEM_QUESTION;
        it->points = b->qs[i].points;
        it->name = tg_strdup(b->qs[i].id);
        it->description = tg_strdup(b->qs[i].title);
        it->output = tg_strdup(why);
        if (it->name == NULL || it->description == NULL || it->output == NULL)
            return -1;
    }
    return 0;
}
