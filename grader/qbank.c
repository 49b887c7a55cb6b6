/* qbank.c - reading the question banks (labs/NN-<lab>/questions.txt): the
 * parser, its checks of every question's names and syntax, loading one bank
 * per lab, and freeing them (questions.h, qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "points.h"
#include "qbank.h"

static void question_free(struct question *q)
{
    for (size_t i = 0; i < q->n_params; i++)
        free(q->params[i].choices);
    for (size_t i = 0; i < q->n_nets; i++) {
        free(q->nets[i].shape);
        free(q->nets[i].layers);
    }
    free(q->full_id);
    free(q->variant);
    free(q->title);
    free(q->answer);
    free(q->text);
    memset(q, 0, sizeof *q);
}

static void bank_free(struct bank *b)
{
    for (size_t i = 0; i < b->n; i++)
        question_free(&b->qs[i]);
    free(b->qs);
    free(b->path);
    memset(b, 0, sizeof *b);
    b->lab = -1;
}

void tg_questions_free(struct tg_questions *q)
{
    if (q == NULL)
        return;
    for (int l = 0; l < tg_n_labs; l++)
        bank_free(&q->banks[l]);
    free(q);
}

double tg_questions_lab_points(const struct tg_questions *q, int lab)
{
    return q != NULL && lab >= 0 && lab < tg_n_labs ? q->banks[lab].total : 0;
}

/* A question id: lower-case letters, digits and '_', starting with a letter. */
static int valid_id(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
        n++;
    return s[n] == '\0' && n < Q_NAME_MAX;
}

/* `param NAME = DEFAULT [in LO..HI [step S] | in {a, b, ...}]` */
static const char *parse_param(struct question *q, const char *rest, char **msg)
{
    if (q->n_params == Q_MAX_PARAMS)
        return "too many parameters in one question";
    struct qparam *p = &q->params[q->n_params];
    memset(p, 0, sizeof *p);
    struct cur c = {.start = rest, .p = rest};
    if (q_cur_word(&c, p->name, sizeof p->name) == 0)
        return "expected `param NAME = DEFAULT [in LO..HI [step S]]` or `... in {a, b, c}`";
    if (strcmp(p->name, "x") == 0)
        return "'x' is reserved (it repeats a width in an mlp): pick another parameter name";
    for (size_t i = 0; i < q->n_params; i++)
        if (strcmp(q->params[i].name, p->name) == 0)
            return "a parameter of that name is already declared";
    if (q_cur_expect(&c, '=') != 0 || q_cur_const(&c, &p->def) != 0) {
        *msg = c.err;
        return NULL;
    }
    char word[8];
    q_cur_ws(&c);
    if (*c.p != '\0') {
        if (q_cur_word(&c, word, sizeof word) == 0 || strcmp(word, "in") != 0)
            return "expected `in` after the default value";
        q_cur_ws(&c);
        size_t cap = 16;
        p->choices = malloc(cap * sizeof *p->choices);
        if (p->choices == NULL)
            return "out of memory";
        if (*c.p == '{') {
            c.p++;
            for (;;) {
                double v;
                if (q_cur_const(&c, &v) != 0) {
                    *msg = c.err;
                    free(p->choices);
                    return NULL;
                }
                if (p->n_choices == Q_CHOICES_MAX) {
                    free(p->choices);
                    return "too many values";
                }
                if (p->n_choices == cap) {
                    double *nc = realloc(p->choices, cap * 2 * sizeof *nc);
                    if (nc == NULL) {
                        free(p->choices);
                        return "out of memory";
                    }
                    p->choices = nc;
                    cap *= 2;
                }
                p->choices[p->n_choices++] = v;
                q_cur_ws(&c);
                if (*c.p == ',') {
                    c.p++;
                    continue;
                }
                if (*c.p == '}') {
                    c.p++;
                    break;
                }
                free(p->choices);
                return "expected ',' or '}' in the list of values";
            }
        } else {
            double lo, hi, step = 1;
            if (q_cur_const(&c, &lo) != 0 || (q_cur_ws(&c), strncmp(c.p, "..", 2) != 0)) {
                *msg = c.err;
                free(p->choices);
                return c.err ? NULL : "expected `LO..HI` or `{a, b, c}` after `in`";
            }
            c.p += 2;
            if (q_cur_const(&c, &hi) != 0) {
                *msg = c.err;
                free(p->choices);
                return NULL;
            }
            const char *save = c.p;
            if (q_cur_word(&c, word, sizeof word) > 0 && strcmp(word, "step") == 0) {
                if (q_cur_const(&c, &step) != 0) {
                    *msg = c.err;
                    free(p->choices);
                    return NULL;
                }
            } else {
                c.p = save;
            }
            if (!(step > 0) || hi < lo || (hi - lo) / step >= Q_CHOICES_MAX) {
                free(p->choices);
                return "the range must have LO <= HI, a step above 0, and at most 1000 values";
            }
            free(p->choices);
            size_t n = (size_t)floor((hi - lo) / step + 1e-9) + 1;
            p->choices = malloc(n * sizeof *p->choices);
            if (p->choices == NULL)
                return "out of memory";
            for (size_t i = 0; i < n; i++)
                p->choices[i] = lo + (double)i * step;
            p->n_choices = n;
        }
        q_cur_ws(&c);
        if (*c.p != '\0') {
            free(p->choices);
            return "unexpected text after the values";
        }
    }
    q->n_params++;
    return NULL;
}

/* `network NAME (SHAPE): LAYERS` */
static const char *parse_network(struct question *q, const char *rest, unsigned line)
{
    if (q->n_nets == Q_MAX_NETS)
        return "too many networks in one question";
    struct qnet *n = &q->nets[q->n_nets];
    memset(n, 0, sizeof *n);
    struct cur c = {.start = rest, .p = rest};
    if (q_cur_word(&c, n->name, sizeof n->name) == 0)
        return "expected `network NAME (SHAPE): LAYERS`, as in `network mlp (1, 784): mlp(784 -> 10)`";
    for (size_t i = 0; i < q->n_nets; i++)
        if (strcmp(q->nets[i].name, n->name) == 0)
            return "a network of that name is already declared";
    for (size_t i = 0; i < q->n_params; i++)
        if (strcmp(q->params[i].name, n->name) == 0)
            return "a parameter has that name";
    q_cur_ws(&c);
    if (*c.p != '(')
        return "expected the input shape in parentheses after the name: `network mlp (32, 784): ...`";
    const char *open = c.p + 1, *p = open;
    int depth = 1;
    while (*p && depth > 0) {
        depth += *p == '(';
        depth -= *p == ')';
        p++;
    }
    if (depth != 0)
        return "the input shape has no closing ')'";
    c.p = p;
    if (q_cur_expect(&c, ':') != 0) {
        free(c.err);
        return "expected ':' after the input shape";
    }
    n->shape = q_trim_dup(open, (size_t)(p - 1 - open));
    n->layers = q_trim_dup(c.p, strlen(c.p));
    if (n->shape == NULL || n->layers == NULL) {
        free(n->shape);
        free(n->layers);
        return "out of memory";
    }
    n->line = line;
    q->n_nets++;
    return NULL;
}

/* Checks a finished question: everything declared, and its text, networks
 * and answer evaluate for the course's numbers (networks not built). */
static char *question_check(struct question *q)
{
    const char *why = q->title == NULL ? "it has no `title`"
                      : q->points <= 0 ? "it has no `points`"
                      : q->answer == NULL ? "it has no `answer`"
                      : q->unit == NULL ? "it has no `unit`"
                      : (q->text == NULL || q->text[0] == '\0') ? "it has no `text`"
                      : NULL;
    if (why != NULL)
        return tg_asprintf("%s:%u: question %s: %s", q->path, q->line, q->full_id, why);
    struct qeval ev;
    char *err = NULL;
    if (q_question_eval(q, NULL, 1, NULL, &ev, &err) != 0)
        return err ? err : tg_strdup("out of memory");
    struct env penv = {.q = q, .values = ev.values};
    char *t = q_fill_text(q->text, &penv, &err);
    if (t == NULL) {
        char *m = err ? tg_asprintf("%s:%u: question %s: text: %s", q->path, q->line, q->full_id, err) : NULL;
        free(err);
        return m ? m : tg_strdup("out of memory");
    }
    free(t);
    free(err);
    return NULL;
}

static int bank_parse(struct bank *b, const char *text, char **err)
{
    enum { OUT, IN, TEXT } state = OUT;
    struct question *q = NULL;
    struct tg_buf tb = TG_BUF_INIT;
    unsigned lineno = 0;
    const char *why = NULL;
    char *msg = NULL;
    int rc = -1;
    for (const char *p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char *line = tg_strndup(p, len);
        if (line == NULL)
            goto out;
        p = nl ? nl + 1 : p + len;
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (state == TEXT) {
            const char *t = q_skip_ws(line);
            if (strcmp(t, "end") != 0) {
                size_t l = len;
                while (l > 0 && (line[l - 1] == ' ' || line[l - 1] == '\t'))
                    l--;
                tg_buf_add(&tb, line, l);
                tg_buf_putc(&tb, '\n');
                free(line);
                continue;
            }
            char *body = tg_buf_take(&tb);
            if (body == NULL) {
                free(line);
                goto out;
            }
            size_t bl = strlen(body);
            while (bl > 0 && body[bl - 1] == '\n')
                body[--bl] = '\0';
            size_t lead = 0;
            while (body[lead] == '\n')
                lead++;
            memmove(body, body + lead, bl - lead + 1);
            q->text = body;
        }
        const char *s = q_skip_ws(line);
        if ((*s == '\0' || *s == '#') && state != TEXT) {
            free(line);
            continue;
        }
        char key[16];
        size_t kl = 0;
        while (s[kl] && s[kl] != ' ' && s[kl] != '\t' && kl + 1 < sizeof key) {
            key[kl] = s[kl];
            kl++;
        }
        key[kl] = '\0';
        const char *rest = q_skip_ws(s + kl);
        char *restd = q_trim_dup(rest, strlen(rest));
        free(line);
        if (restd == NULL)
            goto out;

        if (state == TEXT || strcmp(key, "end") == 0) {
            if (state == OUT) {
                why = "`end` outside a question";
            } else if (state == IN && q->text == NULL) {
                why = "`end` before the question's `text`";
            } else {
                char *e = question_check(q);
                if (e != NULL) {
                    msg = e;
                    free(restd);
                    goto out;
                }
                b->total += q->points;
                state = OUT;
            }
        } else if (state == OUT) {
            if (strcmp(key, "lab") == 0) {
                if (b->lab >= 0)
                    why = "a second `lab` line";
                else if ((b->lab = tg_lab_index(restd)) < 0)
                    why = "unknown lab (not in the data dir's labs.txt, labs/manifest)";
            } else if (strcmp(key, "question") == 0) {
                if (b->lab < 0) {
                    why = "`lab NAME` must come before the first question";
                } else if (!valid_id(restd)) {
                    why = "a question id is lower-case letters, digits and '_', starting with a letter";
                } else {
                    for (size_t i = 0; i < b->n && why == NULL; i++)
                        if (strcmp(b->qs[i].id, restd) == 0)
                            why = "a question of that id is already in this bank";
                    if (why == NULL) {
                        if (b->n == b->cap) {
                            size_t cap = b->cap ? b->cap * 2 : 8;
                            struct question *nq = realloc(b->qs, cap * sizeof *nq);
                            if (nq == NULL) {
                                free(restd);
                                goto out;
                            }
                            b->qs = nq;
                            b->cap = cap;
                        }
                        q = &b->qs[b->n++];
                        memset(q, 0, sizeof *q);
                        snprintf(q->id, sizeof q->id, "%s", restd);
                        q->full_id = tg_asprintf("%s.%s", tg_lab_names[b->lab], restd);
                        q->path = b->path;
                        q->line = lineno;
                        if (q->full_id == NULL) {
                            free(restd);
                            goto out;
                        }
                        state = IN;
                    }
                }
            } else {
                why = "expected `lab NAME` or `question ID`";
            }
        } else if (strcmp(key, "variant") == 0) {
            if (q->variant != NULL)
                why = "a second `variant`";
            else if (!valid_id(restd))
                why = "a variant name is lower-case letters, digits and '_', starting with a letter";
            else if ((q->variant = tg_asprintf("%s.%s", tg_lab_names[b->lab], restd)) == NULL) {
                free(restd);
                goto out;
            }
        } else if (strcmp(key, "title") == 0) {
            if (q->title != NULL)
                why = "a second `title`";
            else if (restd[0] == '\0')
                why = "an empty title";
            else if ((q->title = tg_strdup(restd)) == NULL) {
                free(restd);
                goto out;
            }
        } else if (strcmp(key, "points") == 0) {
            char *end;
            double v = strtod(restd, &end);
            if (q->points > 0)
                why = "a second `points`";
            else if (end == restd || *end != '\0' || !(v > 0) || v > Q_POINTS_MAX)
                why = "the points must be a number above 0 (at most 100)";
            else if (!tg_points_exact(v))
                why = "the points must have at most two decimals (every report prints them so)";
            else
                q->points = v;
        } else if (strcmp(key, "param") == 0) {
            why = parse_param(q, restd, &msg);
            if (msg != NULL) {
                char *m = tg_asprintf("%s:%u: %s", b->path, lineno, msg);
                free(msg);
                msg = m;
                free(restd);
                goto out;
            }
        } else if (strcmp(key, "network") == 0) {
            why = parse_network(q, restd, lineno);
        } else if (strcmp(key, "answer") == 0) {
            if (q->answer != NULL)
                why = "a second `answer`";
            else if (restd[0] == '\0')
                why = "an empty answer";
            else if ((q->answer = tg_strdup(restd)) == NULL) {
                free(restd);
                goto out;
            }
            q->answer_line = lineno;
        } else if (strcmp(key, "unit") == 0) {
            if (q->unit != NULL)
                why = "a second `unit`";
            else if ((q->unit = q_unit_named(restd)) == NULL)
                why = "unknown unit (count, params, tensors, elements, flops, bytes, KB, MB, GB, TB, KiB, MiB, "
                      "GiB, ratio)";
        } else if (strcmp(key, "text") == 0) {
            if (restd[0] != '\0')
                why = "`text` stands alone on its line; the text follows, up to `end`";
            else if (q->text != NULL)
                why = "a second `text`";
            else
                state = TEXT;
        } else {
            why = "expected title, points, variant, param, network, answer, unit, text or end";
        }
        free(restd);
        if (why != NULL) {
            msg = tg_asprintf("%s:%u: %s", b->path, lineno, why);
            goto out;
        }
    }
    if (state != OUT) {
        msg = tg_asprintf("%s:%u: question %s has no `end`", b->path, q->line, q->id);
        goto out;
    }
    if (b->lab < 0 || b->n == 0) {
        msg = tg_asprintf("%s: %s", b->path, b->lab < 0 ? "no `lab NAME` line" : "no questions");
        goto out;
    }
    rc = 0;
out:
    tg_buf_free(&tb);
    if (rc != 0)
        *err = msg;
    else
        free(msg);
    return rc;
}

/* Loads one bank file into a bank of q (its `lab` line says which). */
static int bank_load(struct tg_questions *q, const char *path, int want_lab, char **err)
{
    struct bank b;
    memset(&b, 0, sizeof b);
    b.lab = -1;
    size_t len = 0;
    int trunc = 0;
    char *text = tg_read_file(path, Q_BANK_MAX, &len, &trunc);
    if (text == NULL) {
        *err = tg_asprintf("cannot read the question bank %s: %s", path, strerror(errno));
        return -1;
    }
    if (trunc || memchr(text, '\0', len) != NULL) {
        *err = tg_asprintf("%s: %s", path, trunc ? "larger than 1 MiB" : "a NUL byte: not a text file");
        free(text);
        return -1;
    }
    b.path = tg_strdup(path);
    if (b.path == NULL || bank_parse(&b, text, err) != 0) {
        free(text);
        bank_free(&b);
        return -1;
    }
    free(text);
    if (want_lab >= 0 && b.lab != want_lab) {
        *err = tg_asprintf("%s: it is the bank of lab %s, not %s", path, tg_lab_names[b.lab], tg_lab_names[want_lab]);
        bank_free(&b);
        return -1;
    }
    if (q->banks[b.lab].path != NULL) {
        *err = tg_asprintf("%s: lab %s already has a question bank, %s", path, tg_lab_names[b.lab],
                           q->banks[b.lab].path);
        bank_free(&b);
        return -1;
    }
    q->banks[b.lab] = b;
    return 0;
}

static struct tg_questions *questions_new(void)
{
    struct tg_questions *q = calloc(1, sizeof *q);
    if (q != NULL)
        for (int l = 0; l < tg_n_labs; l++)
            q->banks[l].lab = -1;
    return q;
}

/* Every lab has a bank (each worth what its questions add up to). */
static int questions_complete(struct tg_questions *q, char **err)
{
    for (int l = 0; l < tg_n_labs; l++) {
        if (q->banks[l].path == NULL) {
            *err = tg_asprintf("lab %s has no question bank", tg_lab_names[l]);
            return -1;
        }
    }
    return 0;
}

struct tg_questions *tg_questions_load(const char *const *paths, size_t n, char **err)
{
    *err = NULL;
    struct tg_questions *q = questions_new();
    if (q == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (bank_load(q, paths[i], -1, err) != 0) {
            tg_questions_free(q);
            return NULL;
        }
    }
    if (questions_complete(q, err) != 0) {
        tg_questions_free(q);
        return NULL;
    }
    return q;
}

struct tg_questions *tg_questions_load_dir(const char *datadir, char **err)
{
    *err = NULL;
    struct tg_questions *q = questions_new();
    if (q == NULL)
        return NULL;
    for (int l = 0; l < tg_n_labs; l++) {
        char name[64];
        snprintf(name, sizeof name, "questions/%s.txt", tg_lab_names[l]);
        char *path = tg_path_join(datadir, name);
        int r = path != NULL ? bank_load(q, path, l, err) : -1;
        free(path);
        if (r != 0) {
            tg_questions_free(q);
            return NULL;
        }
    }
    if (questions_complete(q, err) != 0) {
        tg_questions_free(q);
        return NULL;
    }
    return q;
}
