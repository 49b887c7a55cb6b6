/* timelimits.c - reads the calibrated time limits (see timelimits.h). */
#define _POSIX_C_SOURCE 200809L
#include "timelimits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "ttgrade.h"

/* Bigger files are not limits files. */
#define TG_LIMITS_READ_MAX (256 * 1024)

/* tg_limit_wall: a fixed part for the process's start and end (Valgrind's
 * own start, for the memory drivers), and room for a loaded machine to
 * stretch the whole CPU limit tenfold: a process that can always run gets
 * about cores / load of a CPU, so this holds up to a load average of about
 * ten per core (25 on 2 cores stretched the reference's memory checks past
 * a 16 s wall-clock limit). Only code that sleeps or blocks should meet it:
 * anything that computes meets its CPU-time limit first. */
#define TG_WALL_FIXED_SECONDS 20.0
#define TG_WALL_PER_CPU 10.0

double tg_limit_wall(double cpu)
{
    return TG_WALL_FIXED_SECONDS + TG_WALL_PER_CPU * cpu;
}

void tg_limits_free(struct tg_limits *l)
{
    for (size_t i = 0; l->v != NULL && i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    free(l->describe);
    memset(l, 0, sizeof *l);
}

static int parse_secs(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 1e5)
        return -1;
    *out = v;
    return 0;
}

/* Adds the limit on one line of limits.txt (its words, split in place).
 * Returns 0, 1 for a bad line, -1 on no memory. */
static int add_line(struct tg_limits *l, char *line)
{
    char *w[6];
    size_t n = 0;
    for (char *tok = strtok(line, " \t\r"); tok != NULL && n < 6; tok = strtok(NULL, " \t\r"))
        w[n++] = tok;
    if (n == 0)
        return 0;
    static const char *const kinds[] = {"test", "memory", "perf"};
    size_t k = 0;
    while (k < sizeof kinds / sizeof kinds[0] && strcmp(w[0], kinds[k]) != 0)
        k++;
    int test = k == TG_LIMIT_TEST;
    size_t need = test ? 4 : 3;
    if (k == sizeof kinds / sizeof kinds[0] || n < need || n > need + 1)
        return 1;
    struct tg_limit e = {(enum tg_limit_kind)k, tg_lab_index(w[1]), NULL, 0};
    if (e.lab < 0 || parse_secs(w[need - 1], &e.cpu) != 0)
        return 1;
    if (test && (e.name = tg_strdup(w[2])) == NULL)
        return -1;
    struct tg_limit *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (v == NULL) {
        free(e.name);
        return -1;
    }
    l->v = v;
    l->v[l->n++] = e;
    return 0;
}

int tg_limits_load(struct tg_limits *l, const char *datadir, double override, char **err)
{
    memset(l, 0, sizeof *l);
    *err = NULL;
    l->fixed = override > 0 ? override : TG_FIXED_TEST_SECONDS;
    if (override > 0) {
        l->describe = tg_asprintf("fixed by --timeout: %g s a test, wall-clock", override);
        return l->describe != NULL ? 0 : -1;
    }
    char *path = tg_path_join(datadir, "limits.txt");
    if (path == NULL)
        return -1;
    int trunc = 0;
    char *text = tg_read_file(path, TG_LIMITS_READ_MAX, NULL, &trunc);
    if (text == NULL) {
        int missing = errno == ENOENT;
        free(path);
        if (!missing) {
            *err = tg_asprintf("cannot read the data dir's limits.txt: %s", strerror(errno));
            return -1;
        }
        l->describe = tg_asprintf("fixed: %g s a test (the data dir has no limits.txt: run grader/calibrate.sh)",
                                  l->fixed);
        return l->describe != NULL ? 0 : -1;
    }
    free(path);
    int rc = trunc ? 1 : 0;
    size_t line_no = 0;
    for (char *line = text, *next; rc == 0 && line != NULL; line = next) {
        line_no++;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        rc = add_line(l, line);
    }
    free(text);
    if (rc != 0) {
        if (rc > 0)
            *err = tg_asprintf("the data dir's limits.txt is not valid (line %zu)", line_no);
        tg_limits_free(l);
        return -1;
    }
    l->calibrated = 1;
    l->describe = tg_strdup("calibrated from the reference's CPU time (the data dir's limits.txt)");
    return l->describe != NULL ? 0 : -1;
}

/* The calibrated limit of kind, lab and name (NULL: any), or `none`. */
static double find(const struct tg_limits *l, enum tg_limit_kind kind, int lab, const char *name, double none)
{
    for (size_t i = 0; l->calibrated && i < l->n; i++)
        if (l->v[i].kind == kind && l->v[i].lab == lab && (name == NULL || strcmp(l->v[i].name, name) == 0))
            return l->v[i].cpu;
    return none;
}

double tg_limit_test(const struct tg_limits *l, int lab, const char *name)
{
    return find(l, TG_LIMIT_TEST, lab, name, l->fixed);
}

double tg_limit_memory(const struct tg_limits *l, int lab)
{
    return find(l, TG_LIMIT_MEMORY, lab, NULL, 0);
}

double tg_limit_perf(const struct tg_limits *l, int lab)
{
    return find(l, TG_LIMIT_PERF, lab, NULL, 0);
}
