/* batchbook.c - the gradebook of a batch (grades.csv: one row per
 * submission, read back from each student's folder) and the class summaries
 * (classreport.h), or the one row of --one (batch_int.h). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_int.h"
#include "classreport.h"
#include "perf.h"
#include "points.h"
#include "proc.h"
#include "ttgrade.h"

struct row {
    char *id;
    const char *status;   /* "graded", "failed", "pending" */
    char *reason;
    char *sandbox;        /* the confinement layers of the grading (report.c), or NULL */
    int have_score;
    double total, max;
    int have_lab[TG_MAX_LABS], have_mem[TG_MAX_LABS], have_q;
    double lab[TG_MAX_LABS], mem[TG_MAX_LABS], q;
    int have_extra;       /* lab 1's performance tier was graded */
    double extra;         /* its extra points, never in total */
};

static void row_free(struct row *r)
{
    free(r->id);
    free(r->reason);
    free(r->sandbox);
}

struct row_lab {
    struct row *r;
    int l;                /* the lab's index, or -1 */
};

/* Adds a memory check's or a question's points to the row. */
static int add_points(const cJSON *it, int cat, double score, void *ctx)
{
    const struct row_lab *rl = ctx;
    (void)it;
    if (cat == TG_CLASS_MEMORY && rl->l >= 0) {
        rl->r->have_mem[rl->l] = 1;
        rl->r->mem[rl->l] += score;
    } else if (cat == TG_CLASS_QUESTION) {
        rl->r->have_q = 1;
        rl->r->q += score;
    }
    return 0;
}

/* Adds the memory and question points of every array in obj (a lab, or the
 * report's top level) to the row. */
static void scan_items(const cJSON *obj, int l, struct row *r)
{
    struct row_lab rl = {r, l};
    tg_class_items(obj, add_points, &rl);
}

/* Builds the row of a graded (or failed) student from their folder. */
static int load_row(const struct batch *b, const struct sub *s, struct row *r, struct tg_class *c)
{
    char *rpath = batch_student_file(b, s, F_RECORD), *jpath = batch_student_file(b, s, F_JSON);
    if (rpath == NULL || jpath == NULL) {
        free(rpath);
        free(jpath);
        return -1;
    }
    char *rtext = tg_read_file(rpath, BATCH_RECORD_MAX, NULL, NULL);
    size_t jlen = 0;
    char *jtext = tg_read_file(jpath, BATCH_REPORT_MAX, &jlen, NULL);
    free(rpath);
    free(jpath);
    cJSON *rec = rtext ? cJSON_Parse(rtext) : NULL;
    cJSON *rep = jtext ? cJSON_ParseWithLength(jtext, jlen) : NULL;
    free(rtext);
    free(jtext);
    int rc = -1;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(rec, "status");
    const cJSON *re = cJSON_GetObjectItemCaseSensitive(rec, "reason");
    if (!cJSON_IsString(st) || !cJSON_IsString(re)) {
        r->status = "failed";
        r->reason = tg_asprintf("its record %s/%s/%s cannot be read: delete that folder to grade it again",
                                b->students, s->key, F_RECORD);
        rc = r->reason ? 0 : -1;
        goto out;
    }
    r->status = strcmp(st->valuestring, "graded") == 0 ? "graded" : "failed";
    r->reason = tg_one_line(re->valuestring, strlen(re->valuestring), BATCH_REASON_MAX);
    if (r->reason == NULL)
        goto out;
    /* A failed row shows no scores, only its reason: an empty cell is not
     * mistaken for a grade. */
    if (rep != NULL && strcmp(r->status, "graded") == 0) {
        int h1 = 0, h2 = 0;
        r->total = tg_json_num(rep, "score", &h1);
        r->max = tg_json_num(rep, "max_score", &h2);
        r->have_score = h1 && h2;
        const cJSON *labs = cJSON_GetObjectItemCaseSensitive(rep, "labs"), *lab;
        cJSON_ArrayForEach(lab, labs)
        {
            const cJSON *nm = cJSON_GetObjectItemCaseSensitive(lab, "name");
            int l = cJSON_IsString(nm) ? tg_lab_index(nm->valuestring) : -1;
            if (l < 0)
                continue;
            r->lab[l] = tg_json_num(lab, "score", &r->have_lab[l]);
            scan_items(lab, l, r);
        }
        scan_items(rep, -1, r);
        const cJSON *ec = cJSON_GetObjectItemCaseSensitive(rep, "extra_credit");
        const cJSON *es = cJSON_GetObjectItemCaseSensitive(ec, "status");
        if (cJSON_IsString(es) && strcmp(es->valuestring, "graded") == 0)
            r->extra = tg_json_num(ec, "points", &r->have_extra);
    }
    const cJSON *env = rep ? cJSON_GetObjectItemCaseSensitive(rep, "environment") : NULL;
    const cJSON *sbx = env ? cJSON_GetObjectItemCaseSensitive(env, "sandbox") : NULL;
    if (cJSON_IsString(sbx) && (r->sandbox = tg_one_line(sbx->valuestring, strlen(sbx->valuestring), BATCH_REASON_MAX)) == NULL)
        goto out;
    rc = 0;
out:
    if (rc == 0)
        rc = tg_class_add(c, r->id, r->status, r->reason, rep);
    cJSON_Delete(rec);
    cJSON_Delete(rep);
    return rc;
}

/* ------------------------------------------------------------------ CSV -- */

/* The header line: two columns per lab of the lab table (labs.txt), in its
 * order. malloc'd; NULL when memory ran out. */
char *batch_csv_header_text(void)
{
    struct tg_buf b = TG_BUF_INIT;
    tg_buf_puts(&b, "id,status,total,max,");
    for (int l = 0; l < tg_n_labs; l++)
        tg_buf_printf(&b, "%s,%s_memory,", tg_lab_names[l], tg_lab_names[l]);
    tg_buf_printf(&b, "questions,%s_extra_credit,reason,sandbox", TG_PERF_LAB);
    return tg_buf_take(&b);
}

/* A CSV field: quoted when it holds a comma, quote or leading/trailing space;
 * text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe, as OWASP advises for CSV meant for spreadsheets. */
static void csv_text(struct tg_buf *b, const char *s)
{
    size_t n = strlen(s);
    int quote = n > 0 && (strpbrk(s, ",\"\n\r") != NULL || s[0] == ' ' || s[n - 1] == ' ');
    int formula = n > 0 && strchr("=+-@", s[0]) != NULL;
    if (quote)
        tg_buf_putc(b, '"');
    if (formula)
        tg_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            tg_buf_putc(b, '"');
        tg_buf_putc(b, *p);
    }
    if (quote)
        tg_buf_putc(b, '"');
}

static void csv_num(struct tg_buf *b, int have, double v)
{
    tg_buf_putc(b, ',');
    if (have)
        tg_buf_printf(b, "%.*f", TG_POINTS(v));
}

/* One CSV line (no newline), malloc'd; NULL when memory ran out. */
static char *row_line(const struct row *r)
{
    struct tg_buf b = TG_BUF_INIT;
    csv_text(&b, r->id);
    tg_buf_printf(&b, ",%s", r->status);
    csv_num(&b, r->have_score, r->total);
    csv_num(&b, r->have_score, r->max);
    for (int l = 0; l < tg_n_labs; l++) {
        csv_num(&b, r->have_lab[l], r->lab[l]);
        csv_num(&b, r->have_mem[l], r->mem[l]);
    }
    csv_num(&b, r->have_q, r->q);
    csv_num(&b, r->have_extra, r->extra);
    tg_buf_putc(&b, ',');
    csv_text(&b, r->reason ? r->reason : "");
    tg_buf_putc(&b, ',');
    csv_text(&b, r->sandbox ? r->sandbox : "");
    return tg_buf_take(&b);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds every row, writes grades.csv and the summaries (batch mode) or
 * prints the one row (--one). Returns 0, or -1 (*err set; NULL: no memory). */
int batch_write_results(struct batch *b, int interrupted, char **err)
{
    struct row *rows = calloc(b->n ? b->n : 1, sizeof *rows);
    char **lines = calloc(b->n ? b->n : 1, sizeof *lines);
    struct tg_class *c = tg_class_new();
    int rc = -1;
    char *csv = NULL, *text = NULL, *html = NULL, *path = NULL;
    if (rows == NULL || lines == NULL || c == NULL)
        goto out;
    for (size_t i = 0; i < b->n; i++) {
        const struct sub *s = &b->subs[i];
        struct row *r = &rows[i];
        r->id = tg_strdup(s->id);
        if (r->id == NULL)
            goto out;
        if (s->bad_id != NULL) {
            r->status = "failed";
            r->reason = tg_asprintf("its name cannot be a student id (--student-ids): %s; rename it", s->bad_id);
        } else if (s->dup) {
            char *me = tg_one_line(s->name, strlen(s->name), 256);
            char *first = tg_one_line(b->subs[i - 1].name, strlen(b->subs[i - 1].name), 256);
            r->status = "failed";
            r->reason = me && first ? tg_asprintf("%s has the same student id as %s: rename one of them", me, first)
                                    : NULL;
            free(me);
            free(first);
        } else if (s->done) {
            if (load_row(b, s, r, c) != 0)
                goto out;
        } else {
            r->status = "pending";
            r->reason = tg_strdup(interrupted ? "not graded yet: the batch was interrupted; run it again"
                                              : "not graded: its reports could not be saved (see the messages)");
        }
        if (r->reason == NULL || (!s->done && tg_class_add(c, r->id, r->status, r->reason, NULL) != 0))
            goto out;
        if ((lines[i] = row_line(r)) == NULL)
            goto out;
    }
    if (b->o.one != NULL) {
        printf("%s\n", lines[0]);
        fflush(stdout);
        rc = 0;
        goto out;
    }
    /* Sorted as whole lines, as `LC_ALL=C sort` sorts the rows of a GNU
     * parallel run: both gradebooks come out the same. */
    qsort(lines, b->n, sizeof *lines, str_cmp);
    struct tg_buf cb = TG_BUF_INIT;
    char *header = batch_csv_header_text();
    tg_buf_printf(&cb, "%s\n", header ? header : "");
    free(header);
    for (size_t i = 0; i < b->n; i++)
        tg_buf_printf(&cb, "%s\n", lines[i]);
    size_t clen = cb.len;
    csv = tg_buf_take(&cb);
    char took[32];
    batch_format_secs(took, sizeof took, tg_now() - b->t_start);
    struct tg_class_run run = {b->n_now, took, interrupted, b->skipped, b->skip_list.len > 0 ? b->skip_list.data : NULL,
                               b->out, b->students};
    text = tg_class_text(c, &run);
    html = tg_class_html(c, &run);
    if (csv == NULL || text == NULL || html == NULL)
        goto out;
    static const char *const names[] = {"grades.csv", "summary.txt", "summary.html"};
    const char *data[] = {csv, text, html};
    size_t lens[] = {clen, strlen(text), strlen(html)};
    for (int i = 0; i < 3; i++) {
        free(path);
        path = tg_path_join(b->out, names[i]);
        if (path == NULL)
            goto out;
        if (tg_write_atomic(path, data[i], lens[i], err) != 0)
            goto out;
    }
    if (!b->o.quiet) {
        fputs(text, stdout);
        fflush(stdout);
    }
    rc = 0;
out:
    for (size_t i = 0; rows != NULL && lines != NULL && i < b->n; i++) {
        row_free(&rows[i]);
        free(lines[i]);
    }
    free(rows);
    free(lines);
    tg_class_free(c);
    free(csv);
    free(text);
    free(html);
    free(path);
    return rc;
}
