/* classreport.c - the class summaries of `ttgrade batch` (see
 * classreport.h): the score histogram and the pass rate of every item, as
 * text and as one self-contained HTML page. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classreport.h"
#include "text.h"

#define CLASS_BINS 10
#define CLASS_BAR 30

struct rate {
    char *key;            /* "matmul: two_by_two", "linear: memory: forward" */
    unsigned passed, total;
};

/* A row that is not graded, for the "Not graded" table. */
struct ungraded {
    char *id, *reason;
    const char *status;   /* "failed", "pending" */
};

struct tg_class {
    struct rate *rates;
    size_t n_rates, cap_rates;
    double *pct;          /* each graded student's percent */
    size_t n_pct;
    double max;           /* the maximum score (the last graded row's) */
    size_t graded, failed, pending;
    unsigned hist[CLASS_BINS];
    struct ungraded *ungraded;
    size_t n_ungraded;
};

struct tg_class *tg_class_new(void)
{
    return calloc(1, sizeof(struct tg_class));
}

void tg_class_free(struct tg_class *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_rates; i++)
        free(t->rates[i].key);
    free(t->rates);
    free(t->pct);
    for (size_t i = 0; i < t->n_ungraded; i++) {
        free(t->ungraded[i].id);
        free(t->ungraded[i].reason);
    }
    free(t->ungraded);
    free(t);
}

static int tally_item(struct tg_class *t, const char *key, int passed)
{
    for (size_t i = 0; i < t->n_rates; i++) {
        if (strcmp(t->rates[i].key, key) == 0) {
            t->rates[i].passed += (unsigned)passed;
            t->rates[i].total++;
            return 0;
        }
    }
    if (t->n_rates == t->cap_rates) {
        size_t nc = t->cap_rates ? t->cap_rates * 2 : 128;
        struct rate *nr = realloc(t->rates, nc * sizeof *nr);
        if (nr == NULL)
            return -1;
        t->rates = nr;
        t->cap_rates = nc;
    }
    char *k = tg_strdup(key);
    if (k == NULL)
        return -1;
    t->rates[t->n_rates].key = k;
    t->rates[t->n_rates].passed = (unsigned)passed;
    t->rates[t->n_rates].total = 1;
    t->n_rates++;
    return 0;
}

int tg_class_item_category(const cJSON *item, const char *array)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(item, "category");
    const char *s = cJSON_IsString(c) ? c->valuestring : array ? array : "";
    if (strcmp(s, "test") == 0 || strcmp(s, "tests") == 0)
        return TG_CLASS_TEST;
    if (strstr(s, "memory") != NULL)
        return TG_CLASS_MEMORY;
    if (strstr(s, "question") != NULL)
        return TG_CLASS_QUESTION;
    return TG_CLASS_OTHER;
}

double tg_json_num(const cJSON *o, const char *k, int *have)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v))
        return 0;
    if (have != NULL)
        *have = 1;
    return v->valuedouble;
}

int tg_class_items(const cJSON *obj, int (*fn)(const cJSON *item, int cat, double score, void *ctx), void *ctx)
{
    const cJSON *arr;
    cJSON_ArrayForEach(arr, obj)
    {
        if (!cJSON_IsArray(arr) || arr->string == NULL)
            continue;
        const cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            if (!cJSON_IsObject(it))
                continue;
            int have = 0, cat = tg_class_item_category(it, arr->string);
            double score = tg_json_num(it, "score", &have);
            const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");
            const char *status = cJSON_IsString(st) ? st->valuestring : "";
            if (!have || cat == TG_CLASS_OTHER || strcmp(status, "ungraded") == 0)
                continue;
            int rc = fn(it, cat, score, ctx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

struct scan {
    struct tg_class *t;
    const char *lab;
};

/* Adds one item to the pass rates. */
static int scan_item(const cJSON *it, int cat, double score, void *ctx)
{
    const struct scan *sc = ctx;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
    (void)score;
    char *key = tg_asprintf("%s: %s%s", sc->lab, cat == TG_CLASS_MEMORY ? "memory: " : cat == TG_CLASS_QUESTION ? "question: " : "",
                            cJSON_IsString(nm) ? nm->valuestring : "?");
    char *clean = key ? tg_one_line(key, strlen(key), 200) : NULL;
    free(key);
    int rc = clean == NULL || tally_item(sc->t, clean, cJSON_IsString(st) && strcmp(st->valuestring, "passed") == 0) != 0 ? -1 : 0;
    free(clean);
    return rc;
}

/* Adds the items of every array in obj (a lab, or the report's top level)
 * to the pass rates. */
static int scan_items(const cJSON *obj, const char *lab, struct tg_class *t)
{
    struct scan sc = {t, lab};
    return tg_class_items(obj, scan_item, &sc);
}

static int add_pct(struct tg_class *t, double total, double max)
{
    double p = 100.0 * total / max;
    if (p < 0)
        p = 0;
    int bin = (int)(p / (100.0 / CLASS_BINS));
    if (bin >= CLASS_BINS)
        bin = CLASS_BINS - 1;
    t->hist[bin]++;
    t->max = max;
    double *np = realloc(t->pct, (t->n_pct + 1) * sizeof *np);
    if (np == NULL)
        return -1;
    t->pct = np;
    t->pct[t->n_pct++] = p;
    return 0;
}

int tg_class_add(struct tg_class *t, const char *id, const char *status, const char *reason, const cJSON *rep)
{
    if (strcmp(status, "graded") != 0) {
        struct ungraded *nu = realloc(t->ungraded, (t->n_ungraded + 1) * sizeof *nu);
        if (nu == NULL)
            return -1;
        t->ungraded = nu;
        struct ungraded *u = &t->ungraded[t->n_ungraded];
        u->id = tg_strdup(id);
        u->reason = tg_strdup(reason ? reason : "");
        u->status = strcmp(status, "pending") == 0 ? "pending" : "failed";
        if (u->id == NULL || u->reason == NULL) {
            free(u->id);
            free(u->reason);
            return -1;
        }
        t->n_ungraded++;
        t->failed += strcmp(status, "failed") == 0;
        t->pending += strcmp(status, "pending") == 0;
        return 0;
    }
    t->graded++;
    if (rep == NULL)
        return 0;
    const cJSON *labs = cJSON_GetObjectItemCaseSensitive(rep, "labs"), *lab;
    cJSON_ArrayForEach(lab, labs)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(lab, "name");
        if (cJSON_IsString(nm) && scan_items(lab, nm->valuestring, t) != 0)
            return -1;
    }
    if (scan_items(rep, "questions", t) != 0)
        return -1;
    int h1 = 0, h2 = 0;
    double total = tg_json_num(rep, "score", &h1), max = tg_json_num(rep, "max_score", &h2);
    if (h1 && h2 && max > 0 && add_pct(t, total, max) != 0)
        return -1;
    return 0;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static unsigned hist_peak(const struct tg_class *t)
{
    unsigned peak = 1;
    for (int i = 0; i < CLASS_BINS; i++)
        if (t->hist[i] > peak)
            peak = t->hist[i];
    return peak;
}

char *tg_class_text(struct tg_class *t, const struct tg_class_run *b)
{
    struct tg_buf x = TG_BUF_INIT;
    size_t n_rows = t->graded + t->failed + t->pending;
    if (t->n_pct > 0)
        qsort(t->pct, t->n_pct, sizeof *t->pct, dbl_cmp);
    tg_buf_printf(&x, "ttgrade batch: %zu submissions: %zu graded, %zu failed, %zu pending", n_rows, t->graded,
                  t->failed, t->pending);
    tg_buf_printf(&x, " (%zu graded in this run, in %s)\n", b->n_now, b->took);
    if (b->interrupted)
        tg_buf_puts(&x, "Interrupted: run the same command again to grade the pending submissions.\n");
    if (b->skipped > 0) {
        tg_buf_printf(&x, "Skipped %zu entries that are not submissions:\n", b->skipped);
        if (b->skip_list != NULL)
            tg_buf_puts(&x, b->skip_list);
    }
    if (t->n_pct > 0) {
        tg_buf_printf(&x, "\nScores, as a percentage of the maximum (%g), %zu graded submissions:\n", t->max, t->n_pct);
        unsigned peak = hist_peak(t);
        for (int i = 0; i < CLASS_BINS; i++) {
            int lo = i * (100 / CLASS_BINS), hi = i == CLASS_BINS - 1 ? 100 : lo + 100 / CLASS_BINS - 1;
            int w = (int)((t->hist[i] * CLASS_BAR + peak - 1) / peak);
            tg_buf_printf(&x, "  %3d-%3d%% |", lo, hi);
            for (int k = 0; k < w; k++)
                tg_buf_putc(&x, '#');
            tg_buf_printf(&x, "%*s %u\n", CLASS_BAR - w, "", t->hist[i]);
        }
        double med = t->n_pct % 2 ? t->pct[t->n_pct / 2] : (t->pct[t->n_pct / 2 - 1] + t->pct[t->n_pct / 2]) / 2;
        double sum = 0;
        for (size_t i = 0; i < t->n_pct; i++)
            sum += t->pct[i];
        tg_buf_printf(&x, "  mean %.1f%%, median %.1f%%, lowest %.1f%%, highest %.1f%%\n", sum / (double)t->n_pct,
                      med, t->pct[0], t->pct[t->n_pct - 1]);
    }
    if (t->n_rates > 0) {
        tg_buf_printf(&x, "\nPass rate of each graded item, over the %zu graded submissions:\n", t->graded);
        for (size_t i = 0; i < t->n_rates; i++) {
            const struct rate *q = &t->rates[i];
            tg_buf_printf(&x, "  %-52s %3.0f%%  (%u/%u)\n", q->key, 100.0 * q->passed / (q->total ? q->total : 1),
                          q->passed, q->total);
        }
    }
    tg_buf_printf(&x, "\nGradebook: %s/grades.csv\nSummary:   %s/summary.html\nReports:   %s/\n", b->out, b->out,
                  b->students);
    return tg_buf_take(&x);
}

static void html_escape(struct tg_buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': tg_buf_puts(b, "&amp;"); break;
        case '<': tg_buf_puts(b, "&lt;"); break;
        case '>': tg_buf_puts(b, "&gt;"); break;
        case '"': tg_buf_puts(b, "&quot;"); break;
        case '\'': tg_buf_puts(b, "&#39;"); break;
        default: tg_buf_putc(b, *p);
        }
    }
}

/* The class summary as one self-contained page: the histogram and the pass
 * rates are inline SVG; no script, no external file. */
char *tg_class_html(struct tg_class *t, const struct tg_class_run *b)
{
    struct tg_buf x = TG_BUF_INIT;
    size_t n_rows = t->graded + t->failed + t->pending;
    tg_buf_puts(&x, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>ttgrade batch: class summary</title>\n<style>\n"
                    "body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}\n"
                    "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}\n"
                    "tr:nth-child(even){background:#f4f4f4}.n{text-align:right}\n"
                    "</style>\n</head>\n<body>\n<h1>Class summary</h1>\n<p>");
    tg_buf_printf(&x, "%zu submissions: %zu graded, %zu failed, %zu pending.", n_rows, t->graded, t->failed,
                  t->pending);
    if (b->interrupted)
        tg_buf_puts(&x, " <strong>The batch was interrupted: run it again to grade the pending ones.</strong>");
    tg_buf_puts(&x, "</p>\n");
    if (t->n_pct > 0) {
        const int bw = 48, gap = 8, h = 200, top = 20, left = 10;
        unsigned peak = hist_peak(t);
        tg_buf_printf(&x, "<h2>Scores</h2>\n<p>Percentage of the maximum score (%g), %zu graded submissions.</p>\n", t->max,
                      t->n_pct);
        tg_buf_printf(&x, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
                          "aria-label=\"score histogram\">\n",
                      left * 2 + CLASS_BINS * (bw + gap), h + top + 40);
        tg_buf_printf(&x, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", left, top + h,
                      left + CLASS_BINS * (bw + gap), top + h);
        for (int i = 0; i < CLASS_BINS; i++) {
            int bh = (int)((double)t->hist[i] / peak * h + 0.5);
            int xx = left + i * (bw + gap) + gap / 2;
            tg_buf_printf(&x, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7fb5\"><title>%d-%d%%: %u</title></rect>\n",
                          xx, top + h - bh, bw, bh, i * 10, i * 10 + 10, t->hist[i]);
            tg_buf_printf(&x, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%u</text>\n",
                          xx + bw / 2, top + h - bh - 4, t->hist[i]);
            tg_buf_printf(&x, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%d-%d%%</text>\n",
                          xx + bw / 2, top + h + 16, i * 10, i * 10 + 10);
        }
        tg_buf_puts(&x, "</svg>\n");
    }
    if (t->n_rates > 0) {
        tg_buf_printf(&x, "<h2>Pass rates</h2>\n<p>Over the %zu graded submissions.</p>\n<table>\n"
                          "<tr><th>Item</th><th class=\"n\">Passed</th><th class=\"n\">Rate</th><th></th></tr>\n",
                      t->graded);
        for (size_t i = 0; i < t->n_rates; i++) {
            const struct rate *q = &t->rates[i];
            double p = 100.0 * q->passed / (q->total ? q->total : 1);
            tg_buf_puts(&x, "<tr><td>");
            html_escape(&x, q->key);
            tg_buf_printf(&x, "</td><td class=\"n\">%u/%u</td><td class=\"n\">%.0f%%</td><td>"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"12\">"
                              "<rect width=\"200\" height=\"12\" fill=\"#eee\"/>"
                              "<rect width=\"%.1f\" height=\"12\" fill=\"%s\"/></svg></td></tr>\n",
                          q->passed, q->total, p, 2 * p, p < 50 ? "#c0504d" : "#4a7fb5");
        }
        tg_buf_puts(&x, "</table>\n");
    }
    if (t->failed + t->pending > 0) {
        tg_buf_puts(&x, "<h2>Not graded</h2>\n<table>\n<tr><th>Student</th><th>Status</th><th>Reason</th></tr>\n");
        for (size_t i = 0; i < t->n_ungraded; i++) {
            tg_buf_puts(&x, "<tr><td>");
            html_escape(&x, t->ungraded[i].id);
            tg_buf_printf(&x, "</td><td>%s</td><td>", t->ungraded[i].status);
            html_escape(&x, t->ungraded[i].reason);
            tg_buf_puts(&x, "</td></tr>\n");
        }
        tg_buf_puts(&x, "</table>\n");
    }
    tg_buf_puts(&x, "<p>Gradebook: <code>grades.csv</code>; each student's reports: <code>students/</code>.</p>\n"
                    "</body>\n</html>\n");
    return tg_buf_take(&x);
}
