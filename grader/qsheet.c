/* qsheet.c - a student's answers sheet (their questions with their numbers,
 * and blanks to fill in), and the staff's checks that print or compute a
 * variant's expected values (questions.h, qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "points.h"
#include "qbank.h"

static const char sheet_header[] =
    "# answers.txt - your answers to the ttlab questions. Hand it in next to\n"
    "# your .c files.\n"
    "#\n"
    "# The numbers in these questions were drawn for the student id on the\n"
    "# student-id line below: keep that line as it is. A classmate's questions\n"
    "# have other numbers, so their answers are not yours.\n"
    "#\n"
    "# Write each answer after the colon of the line that names its question:\n"
    "#     linear.mlp_params: 123,456\n"
    "# A number may be written 123456, 123,456, 123_456, 2.68 or 1.48e7. A unit\n"
    "# after it is optional, but a unit you write must be the one the question\n"
    "# asks for: MB (10^6 bytes) and MiB (2^20 bytes) are different units.\n"
    "# Whole-number answers (parameters, FLOPs, bytes) must be exact; sizes in\n"
    "# KB, MB, GB, KiB, MiB or GiB, and ratios, may be off by up to 1%, so give\n"
    "# at least three significant digits. Lines starting with '#' are comments.\n"
    "\n";

/* Appends text as comment lines, each indented by `indent`. */
static void put_comment(struct tg_buf *b, const char *text, const char *indent)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == 0)
            tg_buf_puts(b, "#\n");
        else {
            tg_buf_printf(b, "#%s", indent);
            tg_buf_add(b, p, len);
            tg_buf_putc(b, '\n');
        }
        p = nl ? nl + 1 : p + len;
    }
}

char *tg_questions_sheet(const struct tg_questions *qs, const char *student_id, int key, char **err)
{
    struct tg_buf b = TG_BUF_INIT;
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    *err = NULL;
    tg_buf_puts(&b, sheet_header);
    tg_buf_printf(&b, "student-id: %s\n", student_id ? student_id : "-");
    for (int l = 0; l < tg_n_labs; l++) {
        const struct bank *bk = &qs->banks[l];
        tg_buf_printf(&b, "\n# ======== Lab %d: %s (%.*f points) ========\n", l + 1, tg_lab_names[l],
                      TG_POINTS(bk->total));
        for (size_t i = 0; i < bk->n; i++) {
            const struct question *q = &bk->qs[i];
            struct qeval ev;
            if (q_question_eval(q, student_id, !key, &mc, &ev, err) != 0)
                goto fail;
            struct env penv = {.q = q, .values = ev.values};
            char *text = q_fill_text(q->text, &penv, err);
            if (text == NULL)
                goto fail;
            tg_buf_printf(&b, "\n# %s (%.*f point%s): %s\n#\n", q->full_id, TG_POINTS(q->points), q->points == 1 ? "" : "s",
                          q->title);
            put_comment(&b, text, "   ");
            free(text);
            tg_buf_printf(&b, "#\n#   Answer in: %s\n%s:", q->unit->describe, q->full_id);
            if (key) {
                char val[96];
                q_fmt_value(val, sizeof val, ev.expected, q->unit, 6);
                tg_buf_printf(&b, " %s", val);
            }
            tg_buf_putc(&b, '\n');
        }
    }
    q_mcache_free(&mc);
    return tg_buf_take(&b);
fail:
    q_mcache_free(&mc);
    tg_buf_free(&b);
    return NULL;
}

int tg_questions_print_expected(const struct tg_questions *qs, const char *student_id, char **err)
{
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    *err = NULL;
    for (int l = 0; l < tg_n_labs; l++) {
        const struct bank *bk = &qs->banks[l];
        for (size_t i = 0; i < bk->n; i++) {
            const struct question *q = &bk->qs[i];
            struct qeval ev;
            if (q_question_eval(q, student_id, 0, &mc, &ev, err) != 0) {
                q_mcache_free(&mc);
                return -1;
            }
            char val[96];
            q_fmt_value(val, sizeof val, ev.expected, q->unit, 6);
            printf("%s = %s", q->full_id, val);
            for (size_t k = 0; k < q->n_params; k++)
                printf("%s%s=%g", k == 0 ? "   (" : ", ", q->params[k].name, ev.values[k]);
            printf("%s\n", q->n_params ? ")" : "");
        }
    }
    q_mcache_free(&mc);
    return fflush(stdout) == 0 ? 0 : -1;
}

int tg_questions_check_variant(const struct tg_questions *qs, const char *student_id, char **err)
{
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    int rc = 0;
    *err = NULL;
    for (int l = 0; rc == 0 && l < tg_n_labs; l++) {
        const struct bank *bk = &qs->banks[l];
        for (size_t i = 0; rc == 0 && i < bk->n; i++) {
            struct qeval ev;
            rc = q_question_eval(&bk->qs[i], student_id, 0, &mc, &ev, err);
        }
    }
    q_mcache_free(&mc);
    return rc;
}
