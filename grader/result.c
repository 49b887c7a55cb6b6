/* result.c - building, scoring and freeing the graded results (ttgrade.h). */
#include <stdlib.h>
#include <string.h>

#include "questions.h"
#include "text.h"
#include "ttgrade.h"

static void item_free(struct tg_item *it)
{
    free(it->name);
    free(it->description);
    free(it->output);
}

static void lab_free(struct tg_lab_result *lr)
{
    for (size_t i = 0; i < lr->n_items; i++)
        item_free(&lr->items[i]);
    free(lr->items);
    for (size_t i = 0; i < lr->n_extra; i++)
        free(lr->extra_tests[i]);
    free(lr->extra_tests);
    free(lr->reason);
    free(lr->build_output);
    free(lr->runner_output);
    int lab = lr->lab;
    memset(lr, 0, sizeof *lr);
    lr->lab = lab;
}

void tg_result_free(struct tg_result *res)
{
    for (size_t i = 0; i < res->n_labs; i++)
        lab_free(&res->labs[i]);
    free(res->error_msg);
    free(res->cc_version);
    free(res->criterion);
    res->error_msg = res->cc_version = res->criterion = NULL;
    for (size_t i = 0; i < res->answers.n_notes; i++)
        free(res->answers.notes[i]);
    free(res->answers.notes);
    for (size_t i = 0; i < res->n_intake_notes; i++)
        free(res->intake_notes[i]);
    free(res->intake_notes);
    free(res->answers.variant);
    free(res->answers.status);
    free(res->answers.file_id);
    memset(&res->answers, 0, sizeof res->answers);
}

int tg_lab_fail_all(struct tg_lab_result *lr, const struct tg_rubric *rubric, int lab,
                    enum tg_lab_status status, const char *why)
{
    lab_free(lr);
    lr->lab = lab;
    lr->status = status;
    if (status != TG_LAB_GRADED) {
        lr->reason = tg_strdup(why);
        if (lr->reason == NULL)
            return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < rubric->n; i++)
        n += rubric->entries[i].lab == lab;
    if (n == 0)
        return 0;
    lr->items = calloc(n, sizeof *lr->items);
    if (lr->items == NULL)
        return -1;
    for (size_t i = 0; i < rubric->n; i++) {
        const struct tg_rubric_entry *e = &rubric->entries[i];
        if (e->lab != lab)
            continue;
        struct tg_item *it = &lr->items[lr->n_items++];
        it->category = (enum tg_item_category)e->category;
        it->points = e->points;
        it->name = tg_strdup(e->test);
        it->description = tg_strdup(e->description);
        it->output = tg_strdup(why);
        if (it->name == NULL || it->description == NULL || it->output == NULL)
            return -1;
    }
    /* Then the lab's questions, whose points are in the question banks. */
    return tg_questions_layout(lr, rubric->questions, lab, why);
}

void tg_result_tally(struct tg_result *res)
{
    res->score = res->max_score = 0;
    for (size_t i = 0; i < res->n_labs; i++) {
        struct tg_lab_result *lr = &res->labs[i];
        lr->score = lr->max_score = 0;
        for (size_t j = 0; j < lr->n_items; j++) {
            struct tg_item *it = &lr->items[j];
            if (it->ungraded && !res->error) {
                it->score = 0; /* left out of both score and max_score */
                continue;
            }
            it->score = (!res->error && it->passed) ? it->points : 0;
            lr->score += it->score;
            lr->max_score += it->points;
        }
        res->score += lr->score;
        res->max_score += lr->max_score;
    }
}
