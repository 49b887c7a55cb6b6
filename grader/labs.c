/* labs.c - the lab table: the data dir's labs.txt, a copy of labs/manifest,
 * read once at start-up. Every lab name, the labs' order and count, and the
 * functions each lab's file defines come from it (ttgrade.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "ttgrade.h"

/* labs.txt is a few lines; anything longer is not one. */
#define TG_LABS_FILE_MAX (64L * 1024)

int tg_n_labs;
const char *tg_lab_names[TG_MAX_LABS];
const char *const *tg_lab_functions[TG_MAX_LABS];

/* Each lab's words, owned here: [0] its name, then its functions, then NULL
 * (the folder and header words are dropped). */
static char **lab_words[TG_MAX_LABS];

static int valid_name(const char *s, size_t n)
{
    if (n == 0 || n > TG_LAB_NAME_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static void words_free(char **w)
{
    for (size_t i = 0; w != NULL && w[i] != NULL; i++)
        free(w[i]);
    free(w);
}

/* Appends a lab whose words (name first) are given; takes them. */
static int lab_append(char **words)
{
    if (tg_n_labs == TG_MAX_LABS) {
        words_free(words);
        return -1;
    }
    int l = tg_n_labs++;
    lab_words[l] = words;
    tg_lab_names[l] = words[0];
    tg_lab_functions[l] = (const char *const *)words + 1;
    return l;
}

void tg_labs_free(void)
{
    for (int l = 0; l < tg_n_labs; l++) {
        words_free(lab_words[l]);
        lab_words[l] = NULL;
        tg_lab_names[l] = NULL;
        tg_lab_functions[l] = NULL;
    }
    tg_n_labs = 0;
}

int tg_lab_index(const char *name)
{
    for (int i = 0; i < tg_n_labs; i++)
        if (strcmp(name, tg_lab_names[i]) == 0)
            return i;
    return -1;
}

int tg_lab_add(const char *name)
{
    int have = tg_lab_index(name);
    if (have >= 0)
        return have;
    if (!valid_name(name, strlen(name)))
        return -1;
    char **w = calloc(2, sizeof *w);
    if (w == NULL || (w[0] = tg_strdup(name)) == NULL) {
        free(w);
        return -1;
    }
    return lab_append(w);
}

/* The words of one line (comment cut), malloc'd and NULL-terminated; *n
 * their count. NULL if memory ran out. */
static char **split_line(const char *line, size_t len, size_t *n)
{
    *n = 0;
    char **w = calloc(len / 2 + 2, sizeof *w);
    if (w == NULL)
        return NULL;
    size_t i = 0;
    while (i < len && line[i] != '#') {
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
            i++;
        size_t s = i;
        while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '#')
            i++;
        if (i > s && (w[(*n)++] = tg_strndup(line + s, i - s)) == NULL) {
            words_free(w);
            return NULL;
        }
    }
    return w;
}

/* Takes one manifest line's words into the table. NULL, or why not. */
static const char *take_line(char **w, size_t n)
{
    if (n < 4)
        return "expected `<name> <folder> <header> <function>...`";
    if (!valid_name(w[0], strlen(w[0])))
        return "a lab name is 1 to 32 lowercase letters, digits and '_', starting with a letter";
    if (tg_lab_index(w[0]) >= 0)
        return "that lab is already listed";
    if (tg_n_labs == TG_MAX_LABS)
        return "too many labs (TG_MAX_LABS in grader/ttgrade.h)";
    /* Keep the name and the functions: drop the folder and the header. */
    free(w[1]);
    free(w[2]);
    memmove(w + 1, w + 3, (n - 2) * sizeof *w);
    lab_append(w);
    return NULL;
}

int tg_labs_load(const char *path, char **err)
{
    *err = NULL;
    tg_labs_free();
    size_t len = 0;
    int trunc = 0;
    char *text = tg_read_file(path, TG_LABS_FILE_MAX, &len, &trunc);
    if (text == NULL) {
        *err = tg_asprintf("cannot read the lab list %s: %s", path, strerror(errno));
        return -1;
    }
    if (trunc || memchr(text, '\0', len) != NULL) {
        *err = tg_asprintf("%s: %s", path, trunc ? "too large for a lab list" : "a NUL byte: not a text file");
        free(text);
        return -1;
    }
    unsigned lineno = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        size_t n;
        char **w = split_line(p, ll, &n);
        if (w == NULL)
            goto fail;
        const char *why = n == 0 ? NULL : take_line(w, n);
        if (n == 0 || why != NULL)
            words_free(w);
        if (why != NULL) {
            *err = tg_asprintf("%s:%u: %s", path, lineno, why);
            goto fail;
        }
        p += ll + (nl != NULL);
    }
    free(text);
    if (tg_n_labs == 0) {
        *err = tg_asprintf("%s: no labs", path);
        return -1;
    }
    return 0;
fail:
    free(text);
    tg_labs_free();
    return -1;
}

int tg_labs_of_banks(char *const *paths, int n, char **err)
{
    *err = NULL;
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(paths[i], "re");
        if (f == NULL)
            continue; /* tg_questions_load says why */
        char *line = NULL;
        size_t cap = 0;
        int rc = 0;
        while (getline(&line, &cap, f) > 0) {
            char name[TG_LAB_NAME_MAX + 2];
            if (sscanf(line, " lab %33s", name) == 1) {
                if (tg_lab_add(name) < 0) {
                    *err = tg_asprintf("%s: bad lab name '%s', or too many labs", paths[i], name);
                    rc = -1;
                }
                break;
            }
        }
        free(line);
        fclose(f);
        if (rc != 0)
            return -1;
    }
    return 0;
}
