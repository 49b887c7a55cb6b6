/* result.c - building, scoring and freeing the graded results, and what
 * every report says of an item: its title, its status, its category's
 * label, the note on ungraded points (ttgrade.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memcheck.h"
#include "points.h"
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

void tg_scenario_title(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s", name);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

const char *tg_item_title(const struct tg_item *it, char *buf, size_t len)
{
    if (it->category != TG_ITEM_MEMORY) {
        snprintf(buf, len, "%s", it->name ? it->name : "?");
        return buf;
    }
    char t[160];
    tg_scenario_title(it->name ? it->name : "?", t, sizeof t);
    snprintf(buf, len, "memory: %s", t);
    return buf;
}

const char *tg_item_status(const struct tg_item *it)
{
    return it->ungraded ? "ungraded" : it->passed ? "passed" : "failed";
}

const char *tg_category_label(int category)
{
    return category == TG_ITEM_TEST ? "tests" : category == TG_ITEM_MEMORY ? "memory"
         : category == TG_ITEM_QUESTION ? "questions" : "other";
}

char *tg_ungraded_note(const struct tg_result *res)
{
    enum { N = 8 };
    double points[N] = {0};
    for (size_t i = 0; !res->error && i < res->n_labs; i++) {
        for (size_t j = 0; j < res->labs[i].n_items; j++) {
            const struct tg_item *it = &res->labs[i].items[j];
            if (it->ungraded)
                points[(unsigned)it->category < N ? (unsigned)it->category : N - 1] += it->points;
        }
    }
    const struct tg_memcheck *mc = res->memcheck;
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "");
    for (int c = 0; c < N; c++) {
        if (points[c] <= 0)
            continue;
        const char *why = c == TG_ITEM_MEMORY ? (mc ? mc->skipped : NULL) : (mc ? mc->tests_skipped : NULL);
        tg_buf_printf(&b, "%s: %.*f points ungraded (%s): left out of the score\n", tg_category_label(c), TG_POINTS(points[c]),
                      why ? why : "not graded");
    }
    return tg_buf_take(&b);
}

int tg_result_ungrade(struct tg_result *res, enum tg_item_category category, int others, const char *why)
{
    for (size_t i = 0; i < res->n_labs; i++) {
        for (size_t j = 0; j < res->labs[i].n_items; j++) {
            struct tg_item *it = &res->labs[i].items[j];
            if ((it->category == category) == others)
                continue;
            char *o = tg_asprintf("ungraded: %s", why);
            if (o == NULL)
                return -1;
            free(it->output);
            it->output = o;
            it->passed = 0;
            it->ungraded = 1;
        }
    }
    return 0;
}
