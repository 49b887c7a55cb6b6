/* classreport.c - the class summaries of `ttgrade batch` (see
 * classreport.h): the score histogram, each lab's mean, median, builds that
 * failed and attempts, every item's pass rate (among all graded students and
 * among those who attempted its lab) with the students who failed it, the
 * items by pass rate, and the common mistakes; as text and as one
 * self-contained HTML page (no script, no external file). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classreport.h"
#include "mistake.h"
#include "points.h"
#include "text.h"

#define CLASS_BINS 10        /* histogram bins of 100/CLASS_BINS percent */
#define CLASS_BAR 30         /* characters of the text histogram's longest bar */
#define CLASS_NAMES 10       /* students named under an item, the rest counted */
#define CLASS_EXAMPLES 3     /* students named under a common mistake */
#define CLASS_GROUPS 15      /* common mistakes shown */
#define CLASS_LOWEST 15      /* items listed by pass rate in the text summary */
/* The colours of a pass rate, lowest band first: a rate below `below` gets
 * the band's colour; the legend is written from this table. */
static const struct band {
    double below;
    const char *colour, *name;
} bands[] = {{50, "#c0504d", "red"}, {80, "#e0a030", "amber"}, {101, "#4a7fb5", "blue"}};
#define N_BANDS (sizeof bands / sizeof *bands)

/* The definition of "attempted", shown in both summaries. */
static const char attempted_rule[] =
    "a student attempted a lab when its file was submitted and either did not build or passed at least one "
    "test (the skeleton builds and passes none); a student attempted the questions when answers.txt was found "
    "and at least one answer in it was right";

/* Indices into tg_class.ids. */
struct idlist {
    size_t *v;
    size_t n, cap;
};

struct item {
    size_t lab;           /* index into tg_class.labs */
    int cat;              /* TG_CLASS_TEST, _MEMORY, _QUESTION */
    char *name;           /* as the terminal report names it: "two_by_two", "memory: forward" */
    char *description;    /* the rubric's, or NULL */
    double points;
    unsigned passed, total;         /* among the graded students */
    unsigned att_passed, att_total; /* among those who attempted it */
    struct idlist failed; /* the students who attempted it and failed it */
    unsigned failed_idle; /* those who failed it without attempting it */
};

struct lab {
    char *name;
    double *pct;          /* each graded student's percent of the lab */
    size_t n_pct;
    double *att_pct;      /* the same, of those who attempted it */
    size_t n_att_pct;
    unsigned no_build;    /* did not compile or link */
    unsigned attempted;
};

/* A common mistake: the failures whose messages have one key (mistake.h). */
struct group {
    char *key;
    char *example;        /* the first student's message, one line */
    size_t students;      /* distinct students */
    size_t last;          /* 1 + the index of the last student counted */
    struct idlist who;    /* the first CLASS_EXAMPLES of them */
    struct idlist where;  /* the items it occurs in (indices into items) */
};

/* A row that is not graded, for the "Not graded" table. */
struct ungraded {
    char *id, *reason;
    const char *status;   /* "failed", "pending" */
};

struct tg_class {
    char **ids;           /* the graded students, in the order added */
    size_t n_ids;
    struct lab *labs;
    size_t n_labs;
    struct item *items;
    size_t n_items;
    struct group *groups;
    size_t n_groups;
    double *pct;          /* each graded student's percent */
    size_t n_pct;
    double max;           /* the maximum score (the last graded row's) */
    size_t graded, failed, pending;
    unsigned hist[CLASS_BINS];
    struct ungraded *ungraded;
    size_t n_ungraded;
};

/* Grows *v (of *cap elements of size sz) to hold n + 1. */
static int grow(void *v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(*(void **)v, nc * sz);
    if (p == NULL)
        return -1;
    *(void **)v = p;
    *cap = nc;
    return 0;
}

static int idlist_add(struct idlist *l, size_t i)
{
    if (grow(&l->v, &l->cap, l->n, sizeof *l->v) != 0)
        return -1;
    l->v[l->n++] = i;
    return 0;
}

/* Arrays that only grow by one, their capacity is their length. */
static int push(void *v, size_t n, size_t sz)
{
    size_t cap = n;
    return grow(v, &cap, n, sz);
}

struct tg_class *tg_class_new(void)
{
    return calloc(1, sizeof(struct tg_class));
}

void tg_class_free(struct tg_class *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_ids; i++)
        free(t->ids[i]);
    free(t->ids);
    for (size_t i = 0; i < t->n_labs; i++) {
        free(t->labs[i].name);
        free(t->labs[i].pct);
        free(t->labs[i].att_pct);
    }
    free(t->labs);
    for (size_t i = 0; i < t->n_items; i++) {
        free(t->items[i].name);
        free(t->items[i].description);
        free(t->items[i].failed.v);
    }
    free(t->items);
    for (size_t i = 0; i < t->n_groups; i++) {
        free(t->groups[i].key);
        free(t->groups[i].example);
        free(t->groups[i].who.v);
        free(t->groups[i].where.v);
    }
    free(t->groups);
    free(t->pct);
    for (size_t i = 0; i < t->n_ungraded; i++) {
        free(t->ungraded[i].id);
        free(t->ungraded[i].reason);
    }
    free(t->ungraded);
    free(t);
}

/* ----------------------------------------------------- reading reports -- */

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

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
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
            const char *status = str(it, "status");
            if (!have || cat == TG_CLASS_OTHER || (status != NULL && strcmp(status, "ungraded") == 0))
                continue;
            int rc = fn(it, cat, score, ctx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* The lab named `name`, added if new; (size_t)-1 when memory ran out. */
static size_t lab_of(struct tg_class *t, const char *name)
{
    for (size_t i = 0; i < t->n_labs; i++)
        if (strcmp(t->labs[i].name, name) == 0)
            return i;
    if (push(&t->labs, t->n_labs, sizeof *t->labs) != 0)
        return (size_t)-1;
    struct lab *l = &t->labs[t->n_labs];
    memset(l, 0, sizeof *l);
    if ((l->name = tg_one_line(name, strlen(name), 100)) == NULL)
        return (size_t)-1;
    return t->n_labs++;
}

/* The item `name` of lab `lab`, added if new; NULL when memory ran out. */
static struct item *item_of(struct tg_class *t, size_t lab, int cat, const char *name, const cJSON *it)
{
    for (size_t i = 0; i < t->n_items; i++)
        if (t->items[i].lab == lab && strcmp(t->items[i].name, name) == 0)
            return &t->items[i];
    if (push(&t->items, t->n_items, sizeof *t->items) != 0)
        return NULL;
    struct item *m = &t->items[t->n_items];
    memset(m, 0, sizeof *m);
    m->lab = lab;
    m->cat = cat;
    m->points = tg_json_num(it, "points", NULL);
    const char *d = str(it, cat == TG_CLASS_QUESTION ? "title" : "description");
    if ((m->name = tg_strdup(name)) == NULL ||
        (d != NULL && d[0] != '\0' && (m->description = tg_one_line(d, strlen(d), 300)) == NULL)) {
        free(m->name);
        return NULL;
    }
    t->n_items++;
    return m;
}

/* Counts student `who`'s failure of item `it` under the mistake its message
 * shows. */
static int add_mistake(struct tg_class *t, size_t who, size_t it, const char *message)
{
    char *key = tg_mistake_key(message);
    if (key == NULL)
        return -1;
    if (key[0] == '\0') {
        free(key);
        return 0;
    }
    struct group *g = NULL;
    for (size_t i = 0; i < t->n_groups && g == NULL; i++)
        if (strcmp(t->groups[i].key, key) == 0)
            g = &t->groups[i];
    if (g == NULL) {
        if (push(&t->groups, t->n_groups, sizeof *t->groups) != 0) {
            free(key);
            return -1;
        }
        g = &t->groups[t->n_groups];
        memset(g, 0, sizeof *g);
        g->key = key;
        key = NULL;
        char *first = tg_first_line(message);
        g->example = first ? tg_one_line(first, strlen(first), 200) : NULL;
        free(first);
        if (g->example == NULL) {
            free(g->key);
            return -1;
        }
        t->n_groups++;
    }
    free(key);
    if (g->last != who + 1) {
        g->last = who + 1;
        g->students++;
        if (g->who.n < CLASS_EXAMPLES && idlist_add(&g->who, who) != 0)
            return -1;
    }
    for (size_t i = 0; i < g->where.n; i++)
        if (g->where.v[i] == it)
            return 0;
    return idlist_add(&g->where, it);
}

/* What scan_item needs to know of the student and the lab. */
struct scan {
    struct tg_class *t;
    size_t who;           /* the student's index */
    size_t lab;
    int built;            /* the lab's code was built and run */
    int attempted;        /* the lab was attempted */
    int answered;         /* answers.txt was found */
};

static int scan_item(const cJSON *it, int cat, double score, void *ctx)
{
    const struct scan *sc = ctx;
    const char *nm = str(it, "name"), *title = str(it, "title"), *status = str(it, "status");
    /* The terminal report's names: a memory check's title ("memory:
     * intermediates freed"), "question: NAME", a test's name. */
    char *name = cat == TG_CLASS_MEMORY && title != NULL
                     ? tg_strdup(title)
                     : tg_asprintf("%s%s", cat == TG_CLASS_MEMORY ? "memory: " : cat == TG_CLASS_QUESTION ? "question: " : "",
                                   nm ? nm : "?");
    char *clean = name ? tg_one_line(name, strlen(name), 200) : NULL;
    free(name);
    struct item *m = clean ? item_of(sc->t, sc->lab, cat, clean, it) : NULL;
    free(clean);
    if (m == NULL)
        return -1;
    (void)score;
    int passed = status != NULL && strcmp(status, "passed") == 0;
    int attempted = cat == TG_CLASS_QUESTION ? sc->answered : sc->attempted;
    m->total++;
    m->passed += (unsigned)passed;
    m->att_total += (unsigned)attempted;
    m->att_passed += (unsigned)(attempted && passed);
    if (passed)
        return 0;
    if (!attempted) {
        m->failed_idle++;
        return 0;
    }
    if (idlist_add(&m->failed, sc->who) != 0)
        return -1;
    /* Mistakes only of what was attempted, and for code, only of code that
     * ran: a skeleton's "not implemented" and a missing file are no mistake. */
    const char *out = str(it, "output");
    if ((cat != TG_CLASS_QUESTION && !sc->built) || out == NULL)
        return 0;
    return add_mistake(sc->t, sc->who, (size_t)(m - sc->t->items), out);
}

/* 1 if one of the items of lab[array] passed. */
static int passed_one(const cJSON *lab, const char *array)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(lab, array))
    {
        const char *st = str(it, "status");
        if (st != NULL && strcmp(st, "passed") == 0)
            return 1;
    }
    return 0;
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
    if (push(&t->pct, t->n_pct, sizeof *t->pct) != 0)
        return -1;
    t->pct[t->n_pct++] = p;
    return 0;
}

static int add_graded(struct tg_class *t, const char *id, const cJSON *rep)
{
    if (push(&t->ids, t->n_ids, sizeof *t->ids) != 0 || (t->ids[t->n_ids] = tg_strdup(id)) == NULL)
        return -1;
    size_t who = t->n_ids++;
    t->graded++;
    if (rep == NULL)
        return 0;
    const char *af = str(cJSON_GetObjectItemCaseSensitive(rep, "questions"), "answers_file");
    int answered = 0;
    const cJSON *lab;
    cJSON_ArrayForEach(lab, cJSON_GetObjectItemCaseSensitive(rep, "labs"))
        answered |= passed_one(lab, "questions");
    answered &= af != NULL && strcmp(af, "found") == 0;
    cJSON_ArrayForEach(lab, cJSON_GetObjectItemCaseSensitive(rep, "labs"))
    {
        const char *nm = str(lab, "name"), *st = str(lab, "status");
        if (nm == NULL || st == NULL)
            continue;
        size_t l = lab_of(t, nm);
        if (l == (size_t)-1)
            return -1;
        struct lab *lb = &t->labs[l];
        int built = strcmp(st, "graded") == 0;
        int no_build = strcmp(st, "compile_error") == 0 || strcmp(st, "link_error") == 0;
        struct scan sc = {t, who, l, built, no_build || strcmp(st, "refused") == 0 || (built && passed_one(lab, "tests")),
                          answered};
        lb->no_build += (unsigned)no_build;
        lb->attempted += (unsigned)sc.attempted;
        int h1 = 0, h2 = 0;
        double score = tg_json_num(lab, "score", &h1), max = tg_json_num(lab, "max_score", &h2);
        if (h1 && h2 && max > 0) {
            if (push(&lb->pct, lb->n_pct, sizeof *lb->pct) != 0)
                return -1;
            lb->pct[lb->n_pct++] = 100.0 * score / max;
            if (sc.attempted) {
                if (push(&lb->att_pct, lb->n_att_pct, sizeof *lb->att_pct) != 0)
                    return -1;
                lb->att_pct[lb->n_att_pct++] = 100.0 * score / max;
            }
        }
        if (tg_class_items(lab, scan_item, &sc) != 0)
            return -1;
    }
    int h1 = 0, h2 = 0;
    double total = tg_json_num(rep, "score", &h1), max = tg_json_num(rep, "max_score", &h2);
    if (h1 && h2 && max > 0 && add_pct(t, total, max) != 0)
        return -1;
    return 0;
}

int tg_class_add(struct tg_class *t, const char *id, const char *status, const char *reason, const cJSON *rep)
{
    if (strcmp(status, "graded") == 0)
        return add_graded(t, id, rep);
    if (push(&t->ungraded, t->n_ungraded, sizeof *t->ungraded) != 0)
        return -1;
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
    t->failed += strcmp(u->status, "failed") == 0;
    t->pending += strcmp(u->status, "pending") == 0;
    return 0;
}

/* ------------------------------------------------------------- figures -- */

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The mean and median of v[0..n) (n > 0), which it sorts. */
static void mean_median(double *v, size_t n, double *mean, double *median)
{
    qsort(v, n, sizeof *v, dbl_cmp);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    *mean = sum / (double)n;
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double pct(unsigned a, unsigned b)
{
    return b ? 100.0 * a / b : 0;
}

/* The rate an item is judged by: among those who attempted it, else among
 * all. */
static double item_rate(const struct item *m)
{
    return m->att_total ? pct(m->att_passed, m->att_total) : pct(m->passed, m->total);
}

static const char *colour(double p)
{
    for (size_t i = 0; i < N_BANDS; i++)
        if (p < bands[i].below)
            return bands[i].colour;
    return bands[N_BANDS - 1].colour;
}

/* "[0,10)" ... "[90,100]": the bins of both summaries. */
static void bin_label(char *buf, size_t len, int i)
{
    int w = 100 / CLASS_BINS;
    if (i == CLASS_BINS - 1)
        snprintf(buf, len, "[%d,100]", i * w);
    else
        snprintf(buf, len, "[%d,%d)", i * w, (i + 1) * w);
}

static unsigned hist_peak(const struct tg_class *t)
{
    unsigned peak = 1;
    for (int i = 0; i < CLASS_BINS; i++)
        if (t->hist[i] > peak)
            peak = t->hist[i];
    return peak;
}

/* Items in the order to re-teach: the lowest rate first, then the most
 * failures, then the rubric's order. */
static const struct tg_class *sort_class;
static int item_cmp(const void *a, const void *b)
{
    const struct item *x = &sort_class->items[*(const size_t *)a], *y = &sort_class->items[*(const size_t *)b];
    double rx = item_rate(x), ry = item_rate(y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (x->failed.n != y->failed.n)
        return x->failed.n > y->failed.n ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Common mistakes in order: the most students first, then first seen. */
static int group_cmp(const void *a, const void *b)
{
    const struct group *x = &sort_class->groups[*(const size_t *)a], *y = &sort_class->groups[*(const size_t *)b];
    if (x->students != y->students)
        return x->students > y->students ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* An index of the items (or the groups) in their summary order; NULL when
 * memory ran out. Not reentrant (qsort has no context argument in C11). */
static size_t *order(const struct tg_class *t, int groups)
{
    size_t n = groups ? t->n_groups : t->n_items;
    size_t *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = i;
    sort_class = t;
    qsort(v, n, sizeof *v, groups ? group_cmp : item_cmp);
    return v;
}

/* Both orders a summary lists: the items' and the mistake groups'. 0, or -1
 * (nothing allocated) when memory ran out. */
static int orders(const struct tg_class *t, size_t **items, size_t **groups)
{
    *items = order(t, 0);
    *groups = order(t, 1);
    if (*items != NULL && *groups != NULL)
        return 0;
    free(*items);
    free(*groups);
    return -1;
}

/* The number of mistakes worth showing: seen by two students or more (by
 * one, in a class of one), at most CLASS_GROUPS. */
static size_t groups_shown(const struct tg_class *t, const size_t *ord)
{
    size_t n = 0, least = t->graded > 1 ? 2 : 1;
    while (n < t->n_groups && n < CLASS_GROUPS && t->groups[ord[n]].students >= least)
        n++;
    return n;
}

/* ------------------------------------------------------------------ text -- */

/* "a, b, c and 4 more" (text; html escapes each name). */
static void names(struct tg_buf *x, const struct tg_class *t, const struct idlist *l, size_t max, int html);

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

/* The students who failed m: those who attempted it by name, the others
 * counted. */
static void failed_by(struct tg_buf *x, const struct tg_class *t, const struct item *m, int html)
{
    names(x, t, &m->failed, CLASS_NAMES, html);
    if (m->failed_idle > 0)
        tg_buf_printf(x, "%s%u who did not attempt it", m->failed.n > 0 ? "; " : "", m->failed_idle);
}

static void names(struct tg_buf *x, const struct tg_class *t, const struct idlist *l, size_t max, int html)
{
    for (size_t i = 0; i < l->n && i < max; i++) {
        if (i > 0)
            tg_buf_puts(x, ", ");
        if (html)
            html_escape(x, t->ids[l->v[i]]);
        else
            tg_buf_puts(x, t->ids[l->v[i]]);
    }
    if (l->n > max)
        tg_buf_printf(x, " and %zu more", l->n - max);
}

/* "matmul: known_values, linear: memory: forward" (text, or escaped). */
static void places(struct tg_buf *x, const struct tg_class *t, const struct group *g, int html)
{
    for (size_t i = 0; i < g->where.n; i++) {
        const struct item *m = &t->items[g->where.v[i]];
        if (i > 0)
            tg_buf_puts(x, ", ");
        if (i == 6) {
            tg_buf_printf(x, "and %zu more", g->where.n - i);
            break;
        }
        char *s = tg_asprintf("%s: %s", t->labs[m->lab].name, m->name);
        if (s == NULL) {
            x->failed = 1;
            return;
        }
        if (html)
            html_escape(x, s);
        else
            tg_buf_puts(x, s);
        free(s);
    }
}

/* The labs a group's items belong to, "matmul, linear". */
static void group_labs(struct tg_buf *x, const struct tg_class *t, const struct group *g)
{
    int any = 0;
    for (size_t l = 0; l < t->n_labs; l++) {
        for (size_t i = 0; i < g->where.n; i++) {
            if (t->items[g->where.v[i]].lab == l) {
                tg_buf_printf(x, "%s%s", any ? ", " : "", t->labs[l].name);
                any = 1;
                break;
            }
        }
    }
}

/* A lab's figures: mean and median over the graded students, and over
 * those who attempted it (0 when none did). */
struct lab_figures {
    double mean, median, att_mean, att_median;
};

static struct lab_figures figures(struct lab *lb)
{
    struct lab_figures f = {0, 0, 0, 0};
    if (lb->n_pct > 0)
        mean_median(lb->pct, lb->n_pct, &f.mean, &f.median);
    if (lb->n_att_pct > 0)
        mean_median(lb->att_pct, lb->n_att_pct, &f.att_mean, &f.att_median);
    return f;
}

/* "mean 20.0%, median 0.0%, 1 did not build, 3/14 attempted (their mean
 * 61.1%, median 52.8%)": a lab's heading, in both summaries. */
static void lab_sentence(struct tg_buf *x, const struct tg_class *t, struct lab *lb)
{
    struct lab_figures f = figures(lb);
    tg_buf_printf(x, "mean %.1f%%, median %.1f%%, %u did not build, %u/%zu attempted (their mean %.1f%%, median %.1f%%)",
                  f.mean, f.median, lb->no_build, lb->attempted, t->graded, f.att_mean, f.att_median);
}

static void text_lab_line(struct tg_buf *x, const struct tg_class *t, struct lab *lb)
{
    struct lab_figures f = figures(lb);
    tg_buf_printf(x, "  %-12s %5.1f%%  %5.1f%%  %13u  %4u/%-4zu  %5.1f%%, %5.1f%%\n", lb->name, f.mean, f.median,
                  lb->no_build, lb->attempted, t->graded, f.att_mean, f.att_median);
}

static void text_item(struct tg_buf *x, const struct tg_class *t, const struct item *m, int with_lab)
{
    char name[260];
    snprintf(name, sizeof name, "%s%s%s", with_lab ? t->labs[m->lab].name : "", with_lab ? ": " : "", m->name);
    tg_buf_printf(x, "  %-46s %3.*f pts  %3.0f%% (%u/%u)  ", name, TG_POINTS(m->points), pct(m->passed, m->total),
                  m->passed, m->total);
    if (m->att_total)
        tg_buf_printf(x, "attempted: %3.0f%% (%u/%u)\n", pct(m->att_passed, m->att_total), m->att_passed,
                      m->att_total);
    else
        tg_buf_puts(x, "attempted: none\n");
    if (m->description != NULL)
        tg_buf_printf(x, "      %s\n", m->description);
    if (m->failed.n + m->failed_idle > 0) {
        tg_buf_puts(x, "      failed: ");
        failed_by(x, t, m, 0);
        tg_buf_putc(x, '\n');
    }
}

char *tg_class_text(struct tg_class *t, const struct tg_class_run *b)
{
    struct tg_buf x = TG_BUF_INIT;
    size_t n_rows = t->graded + t->failed + t->pending;
    size_t *items, *groups;
    if (orders(t, &items, &groups) != 0)
        return NULL;
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
        tg_buf_printf(&x, "\nScores, as a percentage of the maximum (%.*f), %zu graded submissions:\n", TG_POINTS(t->max),
                      t->n_pct);
        unsigned peak = hist_peak(t);
        for (int i = 0; i < CLASS_BINS; i++) {
            char lbl[16];
            bin_label(lbl, sizeof lbl, i);
            int w = (int)((t->hist[i] * CLASS_BAR + peak - 1) / peak);
            tg_buf_printf(&x, "  %-9s |", lbl);
            for (int k = 0; k < w; k++)
                tg_buf_putc(&x, '#');
            tg_buf_printf(&x, "%*s %u\n", CLASS_BAR - w, "", t->hist[i]);
        }
        double mean, med;
        mean_median(t->pct, t->n_pct, &mean, &med);
        tg_buf_printf(&x, "  mean %.1f%%, median %.1f%%, lowest %.1f%%, highest %.1f%%\n", mean, med, t->pct[0],
                      t->pct[t->n_pct - 1]);
    }
    if (t->n_labs > 0) {
        tg_buf_printf(&x, "\nLabs, over the %zu graded submissions (mean and median of the lab's score):\n", t->graded);
        tg_buf_printf(&x, "  %-12s %6s  %6s  %13s  %-9s  %s\n", "lab", "mean", "median", "did not build", "attempted",
                      "their mean, median");
        for (size_t l = 0; l < t->n_labs; l++)
            text_lab_line(&x, t, &t->labs[l]);
        tg_buf_printf(&x, "  (%s)\n", attempted_rule);
    }
    size_t ng = groups_shown(t, groups);
    tg_buf_printf(&x, "\nCommon mistakes (failure messages with numbers, shapes, lines and names taken out), "
                      "in the labs students attempted:\n");
    if (ng == 0)
        tg_buf_puts(&x, "  none shared by two students or more\n");
    for (size_t k = 0; k < ng; k++) {
        const struct group *g = &t->groups[groups[k]];
        tg_buf_printf(&x, "  %.0f%% of students (%zu/%zu): %s\n", pct((unsigned)g->students, (unsigned)t->graded),
                      g->students, t->graded, g->key);
        tg_buf_puts(&x, "      labs: ");
        group_labs(&x, t, g);
        tg_buf_puts(&x, "; in: ");
        places(&x, t, g, 0);
        tg_buf_puts(&x, "\n      for example: ");
        names(&x, t, &g->who, CLASS_EXAMPLES, 0);
        tg_buf_printf(&x, " (\"%s\")\n", g->example);
    }
    if (t->n_items > 0) {
        size_t low = 0;
        while (low < t->n_items && item_rate(&t->items[items[low]]) < 100)
            low++;
        tg_buf_printf(&x, "\nItems to re-teach, the lowest pass rate among those who attempted them first (%zu of %zu "
                          "items below 100%%):\n",
                      low, t->n_items);
        if (low > CLASS_LOWEST)
            tg_buf_printf(&x, "  (the first %d; every item is listed by lab below)\n", CLASS_LOWEST);
        for (size_t i = 0; i < low && i < CLASS_LOWEST; i++)
            text_item(&x, t, &t->items[items[i]], 1);
        tg_buf_printf(&x, "\nPass rate of each graded item by lab, over the %zu graded submissions and among those "
                          "who attempted the lab:\n",
                      t->graded);
        for (size_t l = 0; l < t->n_labs; l++) {
            tg_buf_printf(&x, "\n%s: ", t->labs[l].name);
            lab_sentence(&x, t, &t->labs[l]);
            tg_buf_putc(&x, '\n');
            for (size_t i = 0; i < t->n_items; i++)
                if (t->items[i].lab == l)
                    text_item(&x, t, &t->items[i], 0);
        }
    }
    tg_buf_printf(&x, "\nGradebook: %s/grades.csv\nSummary:   %s/summary.html\nReports:   %s/\n", b->out, b->out,
                  b->students);
    free(items);
    free(groups);
    return tg_buf_take(&x);
}

/* ------------------------------------------------------------------ HTML -- */

/* A pass-rate bar: an inline SVG, coloured by band. */
static void html_bar(struct tg_buf *x, double p)
{
    tg_buf_printf(x, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"12\" role=\"img\" "
                     "aria-label=\"%.0f%%\"><rect width=\"120\" height=\"12\" fill=\"#eee\"/>"
                     "<rect width=\"%.1f\" height=\"12\" fill=\"%s\"/></svg>",
                  p, 1.2 * p, colour(p));
}

static void html_rate(struct tg_buf *x, unsigned a, unsigned b)
{
    if (b)
        tg_buf_printf(x, "<td class=\"n\">%.0f%%</td><td class=\"n\">%u/%u</td>", pct(a, b), a, b);
    else
        tg_buf_puts(x, "<td class=\"n\">-</td><td class=\"n\">0/0</td>");
}

static void html_items_head(struct tg_buf *x, int with_lab)
{
    tg_buf_printf(x, "<table class=\"items\">\n<tr><th>%s</th><th class=\"n\">Points</th>"
                     "<th class=\"n\">Rate</th><th class=\"n\">Passed</th>"
                     "<th class=\"n\">Attempters' rate</th><th class=\"n\">Passed</th><th></th><th>Failed by</th></tr>\n",
                  with_lab ? "Lab: item" : "Item");
}

static void html_item(struct tg_buf *x, const struct tg_class *t, const struct item *m, int with_lab)
{
    tg_buf_printf(x, "<tr data-rate=\"%.1f\"><td>", item_rate(m));
    if (with_lab) {
        html_escape(x, t->labs[m->lab].name);
        tg_buf_puts(x, ": ");
    }
    tg_buf_puts(x, "<strong>");
    html_escape(x, m->name);
    tg_buf_puts(x, "</strong>");
    if (m->description != NULL) {
        tg_buf_puts(x, "<br/><small>");
        html_escape(x, m->description);
        tg_buf_puts(x, "</small>");
    }
    tg_buf_printf(x, "</td><td class=\"n\">%.*f</td>", TG_POINTS(m->points));
    html_rate(x, m->passed, m->total);
    html_rate(x, m->att_passed, m->att_total);
    tg_buf_puts(x, "<td>");
    html_bar(x, item_rate(m));
    tg_buf_puts(x, "</td><td class=\"who\">");
    failed_by(x, t, m, 1);
    tg_buf_puts(x, "</td></tr>\n");
}

char *tg_class_html(struct tg_class *t, const struct tg_class_run *b)
{
    struct tg_buf x = TG_BUF_INIT;
    size_t n_rows = t->graded + t->failed + t->pending;
    size_t *items, *groups;
    if (orders(t, &items, &groups) != 0)
        return NULL;
    tg_buf_puts(&x, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                    "<title>ttgrade batch: class summary</title>\n<style>\n"
                    "body{font-family:sans-serif;margin:2em;max-width:80em;color:#222}\n"
                    "table{border-collapse:collapse;margin-bottom:1em}td,th{padding:2px 8px;text-align:left;vertical-align:top}\n"
                    "tr:nth-child(even){background:#f4f4f4}.n{text-align:right}small{color:#555}\n"
                    ".who{font-size:90%;max-width:24em}.swatch{display:inline-block;width:1em;height:1em;vertical-align:middle}\n"
                    "</style>\n</head>\n<body>\n<h1>Class summary</h1>\n<p>");
    tg_buf_printf(&x, "%zu submissions: %zu graded, %zu failed, %zu pending.", n_rows, t->graded, t->failed,
                  t->pending);
    if (b->interrupted)
        tg_buf_puts(&x, " <strong>The batch was interrupted: run it again to grade the pending ones.</strong>");
    tg_buf_puts(&x, "</p>\n<p>Contents: <a href=\"#scores\">scores</a>, <a href=\"#labs\">labs</a>, "
                    "<a href=\"#mistakes\">common mistakes</a>, <a href=\"#reteach\">items by pass rate</a>, "
                    "<a href=\"#items\">items by lab</a>.</p>\n");
    if (t->n_pct > 0) {
        const int bw = 56, gap = 8, h = 200, top = 20, left = 10;
        unsigned peak = hist_peak(t);
        double mean, med;
        mean_median(t->pct, t->n_pct, &mean, &med);
        tg_buf_printf(&x, "<h2 id=\"scores\">Scores</h2>\n<p>Percentage of the maximum score (%.*f), %zu graded "
                          "submissions: mean %.1f%%, median %.1f%%, lowest %.1f%%, highest %.1f%%. Each bin holds "
                          "its lower bound, not its upper one; the last holds 100%%.</p>\n",
                      TG_POINTS(t->max), t->n_pct, mean, med, t->pct[0], t->pct[t->n_pct - 1]);
        tg_buf_printf(&x, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
                          "aria-label=\"score histogram\">\n",
                      left * 2 + CLASS_BINS * (bw + gap), h + top + 40);
        tg_buf_printf(&x, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", left, top + h,
                      left + CLASS_BINS * (bw + gap), top + h);
        for (int i = 0; i < CLASS_BINS; i++) {
            char lbl[16];
            bin_label(lbl, sizeof lbl, i);
            int bh = (int)((double)t->hist[i] / peak * h + 0.5);
            int xx = left + i * (bw + gap) + gap / 2;
            tg_buf_printf(&x, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4a7fb5\"><title>%s%%: %u</title></rect>\n",
                          xx, top + h - bh, bw, bh, lbl, t->hist[i]);
            tg_buf_printf(&x, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%u</text>\n",
                          xx + bw / 2, top + h - bh - 4, t->hist[i]);
            tg_buf_printf(&x, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s%%</text>\n",
                          xx + bw / 2, top + h + 16, lbl);
        }
        tg_buf_puts(&x, "</svg>\n");
    }
    if (t->n_labs > 0) {
        tg_buf_printf(&x, "<h2 id=\"labs\">Labs</h2>\n<p>Over the %zu graded submissions: the mean and median of the "
                          "lab's score, how many did not build (compile or link errors) and how many attempted it: ",
                      t->graded);
        html_escape(&x, attempted_rule);
        tg_buf_puts(&x, ".</p>\n<table class=\"labs\">\n<tr><th>Lab</th><th class=\"n\">Mean</th><th class=\"n\">Median</th>"
                        "<th class=\"n\">Did not build</th><th class=\"n\">Attempted</th>"
                        "<th class=\"n\">Their mean</th><th class=\"n\">Their median</th></tr>\n");
        for (size_t l = 0; l < t->n_labs; l++) {
            struct lab *lb = &t->labs[l];
            struct lab_figures f = figures(lb);
            tg_buf_printf(&x, "<tr><td><a href=\"#lab-%zu\">", l);
            html_escape(&x, lb->name);
            tg_buf_printf(&x, "</a></td><td class=\"n\">%.1f%%</td><td class=\"n\">%.1f%%</td><td class=\"n\">%u</td>"
                              "<td class=\"n\">%u/%zu</td><td class=\"n\">%.1f%%</td><td class=\"n\">%.1f%%</td></tr>\n",
                          f.mean, f.median, lb->no_build, lb->attempted, t->graded, f.att_mean, f.att_median);
        }
        tg_buf_puts(&x, "</table>\n");
    }
    size_t ng = groups_shown(t, groups);
    tg_buf_puts(&x, "<h2 id=\"mistakes\">Common mistakes</h2>\n<p>Failure messages of the labs students attempted, "
                    "with numbers, shapes, line numbers and names taken out, grouped; the share is of the graded "
                    "students.</p>\n");
    if (ng == 0)
        tg_buf_puts(&x, "<p>None shared by two students or more.</p>\n");
    else
        tg_buf_puts(&x, "<table class=\"mistakes\">\n<tr><th class=\"n\">Students</th><th>Mistake</th><th>Labs</th>"
                        "<th>Tests and checks</th><th>For example</th></tr>\n");
    for (size_t k = 0; k < ng; k++) {
        const struct group *g = &t->groups[groups[k]];
        tg_buf_printf(&x, "<tr><td class=\"n\">%.0f%% (%zu/%zu)</td><td><strong>",
                      pct((unsigned)g->students, (unsigned)t->graded), g->students, t->graded);
        html_escape(&x, g->key);
        tg_buf_puts(&x, "</strong><br/><small>");
        html_escape(&x, g->example);
        tg_buf_puts(&x, "</small></td><td>");
        struct tg_buf lb = TG_BUF_INIT;
        group_labs(&lb, t, g);
        html_escape(&x, lb.data ? lb.data : "");
        tg_buf_free(&lb);
        tg_buf_puts(&x, "</td><td>");
        places(&x, t, g, 1);
        tg_buf_puts(&x, "</td><td class=\"who\">");
        names(&x, t, &g->who, CLASS_EXAMPLES, 1);
        tg_buf_puts(&x, "</td></tr>\n");
    }
    if (ng > 0)
        tg_buf_puts(&x, "</table>\n");
    if (t->n_items > 0) {
        tg_buf_puts(&x, "<p class=\"legend\">Bars: the pass rate among the students who attempted the item's lab "
                        "(among all, when none did):");
        for (size_t i = 0; i < N_BANDS; i++) {
            tg_buf_printf(&x, " <span class=\"swatch\" style=\"background:%s\"></span> %s: ", bands[i].colour,
                          bands[i].name);
            if (i == 0)
                tg_buf_printf(&x, "below %g%%;", bands[i].below);
            else if (i == N_BANDS - 1)
                tg_buf_printf(&x, "%g%% or more.", bands[i - 1].below);
            else
                tg_buf_printf(&x, "%g%% to %g%%;", bands[i - 1].below, bands[i].below);
        }
        tg_buf_printf(&x, " A failing student's name is listed under each item (the first %d, then a count).</p>\n",
                      CLASS_NAMES);
        tg_buf_puts(&x, "<h2 id=\"reteach\">Items by pass rate</h2>\n<p>Every item, the lowest pass rate among those "
                        "who attempted it first: what to re-teach is at the top.</p>\n");
        html_items_head(&x, 1);
        for (size_t i = 0; i < t->n_items; i++)
            html_item(&x, t, &t->items[items[i]], 1);
        tg_buf_puts(&x, "</table>\n");
        tg_buf_printf(&x, "<h2 id=\"items\">Items by lab</h2>\n<p>In the rubric's order, over the %zu graded "
                          "submissions and among those who attempted the lab. <button type=\"button\" "
                          "id=\"sort-rate\">Sort each lab by pass rate</button> <button type=\"button\" "
                          "id=\"sort-rubric\">Rubric order</button> (or open this page as "
                          "<code>summary.html#sort-rate</code>)</p>\n",
                      t->graded);
        for (size_t l = 0; l < t->n_labs; l++) {
            tg_buf_printf(&x, "<h3 id=\"lab-%zu\">", l);
            html_escape(&x, t->labs[l].name);
            tg_buf_puts(&x, ": ");
            lab_sentence(&x, t, &t->labs[l]);
            tg_buf_puts(&x, "</h3>\n");
            html_items_head(&x, 0);
            for (size_t i = 0; i < t->n_items; i++)
                if (t->items[i].lab == l)
                    html_item(&x, t, &t->items[i], 0);
            tg_buf_puts(&x, "</table>\n");
        }
    }
    if (t->n_ungraded > 0) {
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
    tg_buf_puts(&x, "<p>Gradebook: <code>grades.csv</code>; each student's reports: <code>students/</code>.</p>\n");
    /* Sorting each lab's items by pass rate (the lowest first, the rubric's
     * order among equals) and back: a few lines inline, offline; without
     * them, "Items by pass rate" above is the same order. No '<' or '&' in
     * it: the page stays well-formed XML. */
    tg_buf_puts(&x, "<script>\n(function () {\n"
                    "  var tables = Array.prototype.slice.call(document.querySelectorAll('h2#items ~ table.items'));\n"
                    "  var rubric = tables.map(function (t) {\n"
                    "    return Array.prototype.slice.call(t.querySelectorAll('tr[data-rate]'));\n"
                    "  });\n"
                    "  function order(byRate) {\n"
                    "    tables.forEach(function (t, i) {\n"
                    "      var rows = rubric[i].slice();\n"
                    "      if (byRate) rows.sort(function (a, b) { return a.dataset.rate - b.dataset.rate; });\n"
                    "      rows.forEach(function (r) { r.parentNode.appendChild(r); });\n"
                    "    });\n"
                    "  }\n"
                    "  var r = document.getElementById('sort-rate'), u = document.getElementById('sort-rubric');\n"
                    "  if (r) r.onclick = function () { order(true); };\n"
                    "  if (u) u.onclick = function () { order(false); };\n"
                    "  if (location.hash === '#sort-rate') order(true);\n"
                    "})();\n</script>\n</body>\n</html>\n");
    free(items);
    free(groups);
    return tg_buf_take(&x);
}
