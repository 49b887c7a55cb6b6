/* qexpr.c - the expression language of the banks (numbers, parameter names,
 * `net.quantity`, + - * / ^ and parentheses) over a cursor that keeps the
 * first error, and the small lexical helpers the bank and answers readers
 * share (qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "qbank.h"

int q_is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

int q_is_name_char(int c)
{
    return q_is_name_start(c) || (c >= '0' && c <= '9');
}

/* ASCII case-insensitive equality of s[0..n) and the string w. */
int q_ieqn(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (wl != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)w[i]))
            return 0;
    return 1;
}

const char *q_skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A malloc'd copy of s[0..n) without leading and trailing blanks. */
char *q_trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return tg_strndup(s, n);
}

const char *const q_nq_names[NQ_N] = {
    "params", "param_tensors", "param_bytes", "flops", "input_bytes", "output_bytes",
    "activation_bytes", "out_size", "out_features", "out_ndim", "layers",
};

int q_cur_fail(struct cur *c, const char *fmt, ...)
{
    if (c->failed)
        return -1;
    c->failed = 1;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->err = tg_asprintf("%s, at column %d of \"%s\"", msg, (int)(c->p - c->start) + 1, c->start);
    return -1;
}

void q_cur_ws(struct cur *c)
{
    c->p = q_skip_ws(c->p);
}

/* Reads a name ([A-Za-z_][A-Za-z0-9_]*) into buf; 0 if there is none. */
size_t q_cur_word(struct cur *c, char *buf, size_t len)
{
    q_cur_ws(c);
    size_t n = 0;
    if (!q_is_name_start((unsigned char)*c->p))
        return 0;
    while (q_is_name_char((unsigned char)c->p[n]))
        n++;
    if (n >= len) {
        q_cur_fail(c, "the name is too long");
        return 0;
    }
    memcpy(buf, c->p, n);
    buf[n] = '\0';
    c->p += n;
    return n;
}

int q_cur_expect(struct cur *c, char ch)
{
    q_cur_ws(c);
    if (*c->p != ch)
        return q_cur_fail(c, "expected '%c'", ch);
    c->p++;
    return 0;
}

static int checked(struct cur *c, double v, double *out)
{
    if (!isfinite(v))
        return q_cur_fail(c, "the value is not a finite number (a division by zero, or too large)");
    *out = v;
    return 0;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* A number literal: 784, 1_000, 0.5, 175e9 ('_' between digits is ignored). */
static int ex_number(struct cur *c, double *v)
{
    char buf[64];
    size_t n = 0;
    int too_long = 0;
    const char *p = c->p;
#define PUT(ch) (n + 1 < sizeof buf ? (void)(buf[n++] = (ch)) : (void)(too_long = 1))
    while (is_digit(*p) || (*p == '_' && is_digit(p[1]))) {
        if (*p != '_')
            PUT(*p);
        p++;
    }
    if (*p == '.' && is_digit(p[1])) { /* not "128..512": a range */
        PUT('.');
        p++;
        while (is_digit(*p) || (*p == '_' && is_digit(p[1]))) {
            if (*p != '_')
                PUT(*p);
            p++;
        }
    }
    if ((*p == 'e' || *p == 'E') && (is_digit(p[1]) || ((p[1] == '-' || p[1] == '+') && is_digit(p[2])))) {
        PUT('e');
        p++;
        if (*p == '-' || *p == '+')
            PUT(*p++);
        while (is_digit(*p))
            PUT(*p++);
    }
#undef PUT
    if (too_long)
        return q_cur_fail(c, "the number is too long");
    buf[n] = '\0';
    c->p = p;
    return checked(c, strtod(buf, NULL), v);
}

/* A parameter (h1) or a network quantity (mlp.params). */
static int ex_name(struct cur *c, double *v)
{
    char name[Q_NAME_MAX], field[Q_NAME_MAX];
    const char *at = c->p;
    if (q_cur_word(c, name, sizeof name) == 0)
        return q_cur_fail(c, "expected a number, a name or '('");
    const struct env *env = c->env;
    const struct question *q = env ? env->q : NULL;
    if (*c->p == '.' && q_is_name_start((unsigned char)c->p[1])) {
        c->p++;
        if (q_cur_word(c, field, sizeof field) == 0)
            return -1;
        size_t n = 0;
        while (q != NULL && n < q->n_nets && strcmp(q->nets[n].name, name) != 0)
            n++;
        if (q == NULL || n == q->n_nets) {
            c->p = at;
            return q_cur_fail(c, "no network is called '%s'", name);
        }
        size_t k = 0;
        while (k < NQ_N && strcmp(q_nq_names[k], field) != 0)
            k++;
        if (k == NQ_N) {
            c->p = at;
            return q_cur_fail(c, "'%s' is not a network quantity (params, param_tensors, param_bytes, flops, "
                                 "input_bytes, output_bytes, activation_bytes, out_size, out_features, out_ndim, "
                                 "layers)", field);
        }
        if (env->nets == NULL && !env->dry) {
            c->p = at;
            return q_cur_fail(c, "network quantities such as '%s.%s' can be used only in `answer`", name, field);
        }
        *v = env->dry ? 1.0 : env->nets[n].v[k];
        return 0;
    }
    for (size_t i = 0; q != NULL && i < q->n_params; i++) {
        if (strcmp(q->params[i].name, name) == 0) {
            *v = env->values[i];
            return 0;
        }
    }
    c->p = at;
    return q_cur_fail(c, "unknown name '%s' (not a parameter of this question)", name);
}

static int ex_primary(struct cur *c, double *v)
{
    q_cur_ws(c);
    if (*c->p >= '0' && *c->p <= '9')
        return ex_number(c, v);
    if (*c->p == '(') {
        if (++c->depth > Q_DEPTH_MAX)
            return q_cur_fail(c, "the expression is nested too deeply");
        c->p++;
        if (q_ex_sum(c, v) != 0 || q_cur_expect(c, ')') != 0)
            return -1;
        c->depth--;
        return 0;
    }
    return ex_name(c, v);
}

static int ex_unary(struct cur *c, double *v);

static int ex_power(struct cur *c, double *v)
{
    if (ex_primary(c, v) != 0)
        return -1;
    q_cur_ws(c);
    if (*c->p != '^')
        return 0;
    c->p++;
    double e;
    if (ex_unary(c, &e) != 0)
        return -1;
    return checked(c, pow(*v, e), v);
}

static int ex_unary(struct cur *c, double *v)
{
    q_cur_ws(c);
    if (*c->p == '-' || *c->p == '+') {
        int neg = *c->p == '-';
        if (++c->depth > Q_DEPTH_MAX)
            return q_cur_fail(c, "the expression is nested too deeply");
        c->p++;
        if (ex_unary(c, v) != 0)
            return -1;
        c->depth--;
        if (neg)
            *v = -*v;
        return 0;
    }
    return ex_power(c, v);
}

static int ex_product(struct cur *c, double *v)
{
    if (ex_unary(c, v) != 0)
        return -1;
    for (;;) {
        q_cur_ws(c);
        char op = *c->p;
        if (op != '*' && op != '/')
            return 0;
        c->p++;
        double r;
        if (ex_unary(c, &r) != 0)
            return -1;
        if (op == '/' && r == 0)
            return q_cur_fail(c, "division by zero");
        if (checked(c, op == '*' ? *v * r : *v / r, v) != 0)
            return -1;
    }
}

int q_ex_sum(struct cur *c, double *v)
{
    if (ex_product(c, v) != 0)
        return -1;
    for (;;) {
        q_cur_ws(c);
        char op = *c->p;
        if ((op != '+' && op != '-') || (op == '-' && c->p[1] == '>')) /* "->" ends it: mlp widths */
            return 0;
        c->p++;
        double r;
        if (ex_product(c, &r) != 0)
            return -1;
        if (checked(c, op == '+' ? *v + r : *v - r, v) != 0)
            return -1;
    }
}

/* Evaluates the whole of s. Returns 0, or -1 with *err a malloc'd reason. */
int q_eval_string(const char *s, const struct env *env, double *v, char **err)
{
    struct cur c = {.start = s, .p = s, .env = env};
    if (q_ex_sum(&c, v) == 0) {
        q_cur_ws(&c);
        if (*c.p != '\0')
            q_cur_fail(&c, "unexpected '%c'", *c.p);
    }
    if (c.failed) {
        *err = c.err;
        return -1;
    }
    return 0;
}

/* A constant expression (no names) at the cursor. */
int q_cur_const(struct cur *c, double *v)
{
    const struct env *saved = c->env;
    c->env = NULL;
    int r = q_ex_sum(c, v);
    c->env = saved;
    return r;
}
