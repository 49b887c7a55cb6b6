/* rubric.c - the rubric reader: rubric.txt names every hidden
 * test and every memory check ("memory:<scenario>") with its points, and is the
 * only source of what a lab's code is worth; and the performance tier's scale
 * ("perf:<share>%"), its extra credit. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "points.h"
#include "text.h"
#include "ttgrade.h"

/* Longest accepted test name: Criterion names are C identifiers. */
#define TG_TEST_NAME_MAX 128

void tg_rubric_free(struct tg_rubric *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->entries[i].test);
        free(r->entries[i].description);
    }
    free(r->entries);
    memset(r, 0, sizeof *r);
}

static int is_identifier(const char *s)
{
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return strlen(s) <= TG_TEST_NAME_MAX;
}

/* The next whitespace-separated word of *p, NUL-terminated in place, or NULL. */
static char *next_word(char **p)
{
    char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0') {
        *p = s;
        return NULL;
    }
    char *w = s;
    while (*s != '\0' && *s != ' ' && *s != '\t')
        s++;
    if (*s != '\0')
        *s++ = '\0';
    *p = s;
    return w;
}

/* A positive number, the whole word; 0 if it is not one. */
static double positive(const char *w)
{
    char *end;
    errno = 0;
    double v = strtod(w, &end);
    return end == w || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0 ? 0 : v;
}

/* Adds the tier `<lab> perf:<share>% <points>` (its words) to r, in share
 * order. Returns NULL, or a static reason. */
static const char *add_tier(struct tg_rubric *r, const char *lab, const char *name, const char *pts)
{
    struct tg_rubric_tier t = {tg_lab_index(lab), 0, positive(pts)};
    if (t.lab < 0)
        return "unknown lab (not in the data dir's labs.txt, labs/manifest)";
    size_t len = strlen(name);
    char share[32];
    if (len < 2 || len >= sizeof share || name[len - 1] != '%')
        return "a performance tier is `<lab> perf:<share>% <points>`, the share in percent";
    memcpy(share, name, len - 1);
    share[len - 1] = '\0';
    if ((t.share = positive(share)) == 0)
        return "the share of a performance tier must be a positive percentage";
    if (t.points == 0)
        return "the points must be a positive number";
    if (r->n_tiers == TG_RUBRIC_TIERS_MAX)
        return "too many performance tiers";
    size_t at = 0;
    while (at < r->n_tiers && r->tiers[at].share < t.share)
        at++;
    for (size_t i = 0; i < r->n_tiers; i++)
        if (r->tiers[i].lab != t.lab)
            return "the performance tiers must all be of one lab";
    if ((at < r->n_tiers && !(r->tiers[at].share > t.share && r->tiers[at].points > t.points)) ||
        (at > 0 && !(r->tiers[at - 1].points < t.points)))
        return "a performance tier must have a share and points of its own, more points for a larger share";
    memmove(&r->tiers[at + 1], &r->tiers[at], (r->n_tiers - at) * sizeof r->tiers[0]);
    r->tiers[at] = t;
    r->n_tiers++;
    return NULL;
}

/* Parses one non-comment line into e. Returns NULL, or a static reason. */
static const char *parse_line(char *line, struct tg_rubric_entry *e, char **test, char **desc)
{
    char *p = line;
    char *lab = next_word(&p);
    char *name = next_word(&p);
    char *pts = next_word(&p);
    if (lab == NULL || name == NULL || pts == NULL)
        return "expected `<lab> <test_name> <points> [description]`";
    e->lab = tg_lab_index(lab);
    if (e->lab < 0)
        return "unknown lab (not in the data dir's labs.txt, labs/manifest)";
    e->category = TG_ITEM_TEST;
    if (strncmp(name, "memory:", 7) == 0) {
        e->category = TG_ITEM_MEMORY;
        name += 7;
        if (!is_identifier(name))
            return "the scenario name after `memory:` must be a C identifier of at most 128 characters";
    }
    if (!is_identifier(name))
        return "the test name must be a C identifier of at most 128 characters";
    if ((e->points = positive(pts)) == 0)
        return "the points must be a positive number";
    if (!tg_points_exact(e->points))
        return "the points must have at most two decimals (every report prints them so)";
    while (*p == ' ' || *p == '\t')
        p++;
    size_t dl = strlen(p);
    while (dl > 0 && (p[dl - 1] == ' ' || p[dl - 1] == '\t'))
        dl--;
    *test = tg_strdup(name);
    *desc = tg_strndup(p, dl);
    return NULL;
}

int tg_rubric_load(const char *path, struct tg_rubric *r, char **err)
{
    memset(r, 0, sizeof *r);
    *err = NULL;
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        *err = tg_asprintf("cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    unsigned lineno = 0;
    ssize_t len;
    int rc = -1;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)len) != NULL) {
            *err = tg_asprintf("%s:%u: a NUL byte in the line", path, lineno);
            goto out;
        }
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        for (char *c = line; *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        char *q = line;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '\0')
            continue;
        if (r->n == alloc) {
            size_t na = alloc ? alloc * 2 : 64;
            struct tg_rubric_entry *ne = realloc(r->entries, na * sizeof *ne);
            if (ne == NULL)
                goto out;
            r->entries = ne;
            alloc = na;
        }
        {
            /* a performance tier: its own table, in no total */
            char *p = q, *lab = next_word(&p), *name = next_word(&p), *pts = next_word(&p);
            if (lab != NULL && name != NULL && pts != NULL && strncmp(name, "perf:", 5) == 0) {
                const char *why = add_tier(r, lab, name + 5, pts);
                if (why != NULL) {
                    *err = tg_asprintf("%s:%u: %s", path, lineno, why);
                    goto out;
                }
                continue;
            }
            /* next_word cut the words: put the line back together */
            for (char *c = q; c < p; c++)
                if (*c == '\0')
                    *c = ' ';
        }
        struct tg_rubric_entry *e = &r->entries[r->n];
        memset(e, 0, sizeof *e);
        char *test = NULL, *desc = NULL;
        const char *why = parse_line(q, e, &test, &desc);
        if (why != NULL) {
            *err = tg_asprintf("%s:%u: %s", path, lineno, why);
            goto out;
        }
        if (test == NULL || desc == NULL) {
            free(test);
            free(desc);
            goto out;
        }
        e->test = test;
        e->description = desc;
        e->line = lineno;
        r->n++;
        for (size_t i = 0; i + 1 < r->n; i++) {
            if (r->entries[i].lab == e->lab && r->entries[i].category == e->category &&
                strcmp(r->entries[i].test, e->test) == 0) {
                *err = tg_asprintf("%s:%u: %s %s%s is already listed on line %u", path, lineno,
                                   tg_lab_names[e->lab], e->category == TG_ITEM_MEMORY ? "memory:" : "", e->test,
                                   r->entries[i].line);
                goto out;
            }
        }
        if (e->category == TG_ITEM_MEMORY) {
            r->memory_total[e->lab] += e->points;
            r->memory_checks[e->lab]++;
            continue;
        }
        r->lab_total[e->lab] += e->points;
        r->lab_tests[e->lab]++;
    }
    if (ferror(f)) {
        *err = tg_asprintf("cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    for (int l = 0; l < tg_n_labs; l++) {
        if (r->lab_tests[l] == 0) {
            *err = tg_asprintf("%s: lab %s has no tests", path, tg_lab_names[l]);
            goto out;
        }
    }
    rc = 0;
out:
    free(line);
    fclose(f);
    if (rc != 0)
        tg_rubric_free(r);
    return rc;
}
