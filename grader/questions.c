/* questions.c - the question banks, each student's variant of them, the
 * expected values, and the grading of answers.txt (see questions.h).
 *
 * A question never stores its answer. It declares networks (built here with
 * the reference library) and an answer expression over their measured
 * quantities and the question's parameters; the expression language is
 * numbers, parameter names, `net.quantity`, + - * / ^ and parentheses, and
 * nothing else: no calls, no loops, no side effects. The bank format is
 * documented at the top of every labs/NN-<lab>/questions.txt. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "questions.h"
#include "text.h"
#include "tinytorch.h"

/* Limits on banks: they are staff-written, but a typo must give a message,
 * not a machine out of memory or a grader that never ends. */
#define Q_NAME_MAX 48              /* question, parameter and network names */
#define Q_MAX_PARAMS 8
#define Q_MAX_NETS 4
#define Q_CHOICES_MAX 1000         /* values a parameter may take */
#define Q_DEPTH_MAX 32             /* nesting of expressions and layers */
#define Q_LAYERS_MAX 1000          /* layers in one network */
#define Q_REPEAT_MAX 100           /* `w x n` in an mlp */
#define Q_WIDTH_MAX 100000         /* in/out features of a layer */
#define Q_NET_PARAMS_MAX 50000000.0 /* scalars in one network */
#define Q_INPUT_MAX 10000000.0     /* elements of one network's input */
#define Q_BANK_MAX (1024 * 1024)   /* bytes of one bank file */
#define Q_POINTS_MAX 100.0
/* answers.txt */
#define Q_TOLERANCE 0.01           /* sizes and ratios: within 1% */
#define Q_LINE_MAX 512             /* longest answer line read */
#define Q_NOTES_MAX 20             /* notes kept; the rest are counted */
#define Q_SHOW_MAX 80              /* bytes of a student's answer quoted back */
#define Q_EXACT_MAX 9007199254740992.0 /* 2^53: whole numbers are exact below it */

/* ---------------------------------------------------------------- units -- */

enum unit_kind { U_EXACT, U_SIZE, U_RATIO };

struct unit {
    const char *name;          /* as a bank writes it after `unit` */
    enum unit_kind kind;
    double scale;              /* sizes: bytes per unit; 1 for the others */
    const char *shown;         /* written after a value in feedback: "MB", "FLOPs", "" */
    const char *describe;      /* "Answer in: ..." in answers.txt */
    const char *words[6];      /* what an answer may write after its number (any case) */
};

static const struct unit units[] = {
    {"count", U_EXACT, 1, "", "a whole number (exact)", {NULL}},
    {"params", U_EXACT, 1, "parameters", "a number of parameters (exact)",
     {"params", "parameters", "param", "parameter", NULL}},
    {"tensors", U_EXACT, 1, "tensors", "a number of tensors (exact)", {"tensors", "tensor", NULL}},
    {"elements", U_EXACT, 1, "elements", "a number of elements (exact)", {"elements", "element", NULL}},
    {"flops", U_EXACT, 1, "FLOPs", "FLOPs (exact: 1.2e7 or 12 MFLOPs count only if exact)", {"flops", "flop", NULL}},
    {"bytes", U_EXACT, 1, "bytes", "bytes (exact)", {"bytes", "byte", "b", NULL}},
    {"KB", U_SIZE, 1e3, "KB", "KB, where 1 KB = 1,000 bytes (within 1%)", {"kb", "kilobytes", "kilobyte", NULL}},
    {"MB", U_SIZE, 1e6, "MB", "MB, where 1 MB = 10^6 = 1,000,000 bytes (within 1%)",
     {"mb", "megabytes", "megabyte", NULL}},
    {"GB", U_SIZE, 1e9, "GB", "GB, where 1 GB = 10^9 = 1,000,000,000 bytes (within 1%)",
     {"gb", "gigabytes", "gigabyte", NULL}},
    {"TB", U_SIZE, 1e12, "TB", "TB, where 1 TB = 10^12 bytes (within 1%)", {"tb", "terabytes", "terabyte", NULL}},
    {"KiB", U_SIZE, 1024.0, "KiB", "KiB, where 1 KiB = 2^10 = 1,024 bytes (within 1%)",
     {"kib", "kibibytes", "kibibyte", NULL}},
    {"MiB", U_SIZE, 1048576.0, "MiB", "MiB, where 1 MiB = 2^20 = 1,048,576 bytes (within 1%)",
     {"mib", "mebibytes", "mebibyte", NULL}},
    {"GiB", U_SIZE, 1073741824.0, "GiB", "GiB, where 1 GiB = 2^30 = 1,073,741,824 bytes (within 1%)",
     {"gib", "gibibytes", "gibibyte", NULL}},
    {"ratio", U_RATIO, 1, "", "a ratio (within 1%; 0.25 or 25%)", {"x", "times", NULL}},
};
#define N_UNITS (sizeof units / sizeof units[0])

static const struct unit *unit_named(const char *name)
{
    for (size_t i = 0; i < N_UNITS; i++)
        if (strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

/* ----------------------------------------------------------- the banks -- */

struct qparam {
    char name[Q_NAME_MAX];
    double def;                /* the course's value: the default variant */
    double *choices;           /* what a student's variant draws from; NULL: always def */
    size_t n_choices;
};

struct qnet {
    char name[Q_NAME_MAX];
    char *shape;               /* the input shape's expressions, "32, 784" */
    char *layers;              /* the layer list, "mlp(784 -> h1 -> 10)" */
    unsigned line;
};

struct question {
    char id[Q_NAME_MAX];       /* "mlp_params" */
    char *full_id;             /* "linear.mlp_params": answers.txt's key */
    char *variant;             /* what the numbers are drawn for: "<lab>.<variant name>", else full_id */
    char *title;
    double points;
    struct qparam params[Q_MAX_PARAMS];
    size_t n_params;
    struct qnet nets[Q_MAX_NETS];
    size_t n_nets;
    char *answer;              /* the answer expression, in the unit's base (bytes for sizes) */
    unsigned answer_line;
    const struct unit *unit;
    char *text;                /* the question, with {expression} placeholders */
    const char *path;          /* its bank file (the bank's string) */
    unsigned line;             /* of its `question` line */
};

struct bank {
    char *path;
    int lab;                   /* -1 until its `lab` line */
    struct question *qs;
    size_t n, cap;
    double total;
};

struct tg_questions {
    struct bank banks[TG_MAX_LABS];
};

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

/* -------------------------------------------------------- small helpers -- */

static int is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(int c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* ASCII case-insensitive equality of s[0..n) and the string w. */
static int ieqn(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (wl != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)w[i]))
            return 0;
    return 1;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A malloc'd copy of s[0..n) without leading and trailing blanks. */
static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return tg_strndup(s, n);
}

/* A whole number with thousands separators, "15,036,736". */
static void fmt_grouped(char *buf, size_t len, double v)
{
    char digits[64];
    int nd = snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t o = 0;
    if (v < 0 && o + 1 < len)
        buf[o++] = '-';
    for (int i = 0; i < nd && o + 2 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* A value as the feedback and answers.txt show it: whole numbers grouped,
 * others with `digits` significant digits; then the unit, if it has one. */
static void fmt_value(char *buf, size_t len, double v, const struct unit *u, int digits)
{
    char num[64];
    if (u->kind == U_EXACT || (fabs(v) < Q_EXACT_MAX && v == floor(v) && fabs(v) >= 1e4))
        fmt_grouped(num, sizeof num, v);
    else
        snprintf(num, sizeof num, "%.*g", digits, v);
    snprintf(buf, len, "%s%s%s", num, u->shown[0] ? " " : "", u->shown);
}

/* ---------------------------------------------------------- expressions -- */

/* What a network is measured by: `<net>.<quantity>` in an answer. */
enum {
    NQ_PARAMS, NQ_PARAM_TENSORS, NQ_PARAM_BYTES, NQ_FLOPS, NQ_INPUT_BYTES, NQ_OUTPUT_BYTES,
    NQ_ACTIVATION_BYTES, NQ_OUT_SIZE, NQ_OUT_FEATURES, NQ_OUT_NDIM, NQ_LAYERS, NQ_N
};
static const char *const nq_names[NQ_N] = {
    "params", "param_tensors", "param_bytes", "flops", "input_bytes", "output_bytes",
    "activation_bytes", "out_size", "out_features", "out_ndim", "layers",
};

struct netq {
    double v[NQ_N];
};

/* The measurements already made for one student: questions that share a
 * network (same layers, same input) build and run it once. */
struct mcache {
    struct mentry {
        char *key;             /* the input shape and the layers, spelt out */
        struct netq q;
    } *v;
    size_t n, cap;
};

static void mcache_free(struct mcache *mc)
{
    for (size_t i = 0; i < mc->n; i++)
        free(mc->v[i].key);
    free(mc->v);
    memset(mc, 0, sizeof *mc);
}

/* What names mean while evaluating. */
struct env {
    const struct question *q;
    const double *values;      /* the values of q->params */
    const struct netq *nets;   /* the quantities of q->nets, or NULL: they may not be used here */
    int dry;                   /* check names only: every quantity reads 1 */
};

/* A cursor over a text being parsed; the first error is kept. */
struct cur {
    const char *start, *p;
    const struct env *env;
    char *err;
    int failed;
    int depth;
    size_t n_layers;
};

static int cur_fail(struct cur *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int cur_fail(struct cur *c, const char *fmt, ...)
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

static void cur_ws(struct cur *c)
{
    c->p = skip_ws(c->p);
}

/* Reads a name ([A-Za-z_][A-Za-z0-9_]*) into buf; 0 if there is none. */
static size_t cur_word(struct cur *c, char *buf, size_t len)
{
    cur_ws(c);
    size_t n = 0;
    if (!is_name_start((unsigned char)*c->p))
        return 0;
    while (is_name_char((unsigned char)c->p[n]))
        n++;
    if (n >= len) {
        cur_fail(c, "the name is too long");
        return 0;
    }
    memcpy(buf, c->p, n);
    buf[n] = '\0';
    c->p += n;
    return n;
}

static int cur_expect(struct cur *c, char ch)
{
    cur_ws(c);
    if (*c->p != ch)
        return cur_fail(c, "expected '%c'", ch);
    c->p++;
    return 0;
}

static int ex_sum(struct cur *c, double *v);

static int checked(struct cur *c, double v, double *out)
{
    if (!isfinite(v))
        return cur_fail(c, "the value is not a finite number (a division by zero, or too large)");
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
        return cur_fail(c, "the number is too long");
    buf[n] = '\0';
    c->p = p;
    return checked(c, strtod(buf, NULL), v);
}

/* A parameter (h1) or a network quantity (mlp.params). */
static int ex_name(struct cur *c, double *v)
{
    char name[Q_NAME_MAX], field[Q_NAME_MAX];
    const char *at = c->p;
    if (cur_word(c, name, sizeof name) == 0)
        return cur_fail(c, "expected a number, a name or '('");
    const struct env *env = c->env;
    const struct question *q = env ? env->q : NULL;
    if (*c->p == '.' && is_name_start((unsigned char)c->p[1])) {
        c->p++;
        if (cur_word(c, field, sizeof field) == 0)
            return -1;
        size_t n = 0;
        while (q != NULL && n < q->n_nets && strcmp(q->nets[n].name, name) != 0)
            n++;
        if (q == NULL || n == q->n_nets) {
            c->p = at;
            return cur_fail(c, "no network is called '%s'", name);
        }
        size_t k = 0;
        while (k < NQ_N && strcmp(nq_names[k], field) != 0)
            k++;
        if (k == NQ_N) {
            c->p = at;
            return cur_fail(c, "'%s' is not a network quantity (params, param_tensors, param_bytes, flops, "
                               "input_bytes, output_bytes, activation_bytes, out_size, out_features, out_ndim, "
                               "layers)", field);
        }
        if (env->nets == NULL && !env->dry) {
            c->p = at;
            return cur_fail(c, "network quantities such as '%s.%s' can be used only in `answer`", name, field);
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
    return cur_fail(c, "unknown name '%s' (not a parameter of this question)", name);
}

static int ex_primary(struct cur *c, double *v)
{
    cur_ws(c);
    if (*c->p >= '0' && *c->p <= '9')
        return ex_number(c, v);
    if (*c->p == '(') {
        if (++c->depth > Q_DEPTH_MAX)
            return cur_fail(c, "the expression is nested too deeply");
        c->p++;
        if (ex_sum(c, v) != 0 || cur_expect(c, ')') != 0)
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
    cur_ws(c);
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
    cur_ws(c);
    if (*c->p == '-' || *c->p == '+') {
        int neg = *c->p == '-';
        if (++c->depth > Q_DEPTH_MAX)
            return cur_fail(c, "the expression is nested too deeply");
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
        cur_ws(c);
        char op = *c->p;
        if (op != '*' && op != '/')
            return 0;
        c->p++;
        double r;
        if (ex_unary(c, &r) != 0)
            return -1;
        if (op == '/' && r == 0)
            return cur_fail(c, "division by zero");
        if (checked(c, op == '*' ? *v * r : *v / r, v) != 0)
            return -1;
    }
}

static int ex_sum(struct cur *c, double *v)
{
    if (ex_product(c, v) != 0)
        return -1;
    for (;;) {
        cur_ws(c);
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
static int eval_string(const char *s, const struct env *env, double *v, char **err)
{
    struct cur c = {.start = s, .p = s, .env = env};
    if (ex_sum(&c, v) == 0) {
        cur_ws(&c);
        if (*c.p != '\0')
            cur_fail(&c, "unexpected '%c'", *c.p);
    }
    if (c.failed) {
        *err = c.err;
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- networks -- */

enum { L_LINEAR, L_RELU, L_FLATTEN, L_SEQ };

/* One layer of a network as a bank describes it. */
struct lspec {
    int kind;
    size_t in, out;            /* L_LINEAR */
    int bias;                  /* L_LINEAR */
    int start_dim;             /* L_FLATTEN */
    struct lspec *kids;        /* L_SEQ (and the network itself): its layers */
    size_t n_kids, cap;
};

static void lspec_clear(struct lspec *s)
{
    for (size_t i = 0; i < s->n_kids; i++)
        lspec_clear(&s->kids[i]);
    free(s->kids);
    s->kids = NULL;
    s->n_kids = s->cap = 0;
}

static struct lspec *lspec_push(struct cur *c, struct lspec *seq, int kind)
{
    if (++c->n_layers > Q_LAYERS_MAX) {
        cur_fail(c, "more than %d layers", Q_LAYERS_MAX);
        return NULL;
    }
    if (seq->n_kids == seq->cap) {
        size_t cap = seq->cap ? seq->cap * 2 : 8;
        struct lspec *k = realloc(seq->kids, cap * sizeof *k);
        if (k == NULL) {
            cur_fail(c, "out of memory");
            return NULL;
        }
        seq->kids = k;
        seq->cap = cap;
    }
    struct lspec *l = &seq->kids[seq->n_kids++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->bias = 1;
    return l;
}

/* An expression that must be a whole number in [lo, hi]. */
static int cur_whole(struct cur *c, double lo, double hi, const char *what, double *out)
{
    const char *at = skip_ws(c->p);
    double v;
    if (ex_sum(c, &v) != 0)
        return -1;
    if (v != floor(v) || v < lo || v > hi) {
        c->p = at;
        return cur_fail(c, "%s must be a whole number from %g to %g, not %g", what, lo, hi, v);
    }
    *out = v;
    return 0;
}

/* mlp(w0 -> w1 -> ... ): Linear layers between the widths, a ReLU after
 * each but the last; `w x n` is n widths w in a row. */
static int parse_mlp(struct cur *c, struct lspec *seq)
{
    size_t widths[Q_LAYERS_MAX + 1], n = 0;
    for (;;) {
        double w = 0, times = 1;
        if (cur_whole(c, 1, Q_WIDTH_MAX, "a width", &w) != 0)
            return -1;
        const char *save = c->p;
        char word[8];
        if (cur_word(c, word, sizeof word) > 0 && strcmp(word, "x") == 0) {
            if (cur_whole(c, 1, Q_REPEAT_MAX, "the count after 'x'", &times) != 0)
                return -1;
        } else {
            if (c->failed)
                return -1;
            c->p = save;
        }
        for (double t = 0; t < times; t++) {
            if (n > Q_LAYERS_MAX)
                return cur_fail(c, "more than %d widths", Q_LAYERS_MAX);
            widths[n++] = (size_t)w;
        }
        cur_ws(c);
        if (c->p[0] != '-' || c->p[1] != '>')
            break;
        c->p += 2;
    }
    if (n < 2)
        return cur_fail(c, "an mlp needs at least two widths, as in mlp(784 -> 10)");
    for (size_t i = 0; i + 1 < n; i++) {
        struct lspec *l = lspec_push(c, seq, L_LINEAR);
        if (l == NULL)
            return -1;
        l->in = widths[i];
        l->out = widths[i + 1];
        if (i + 2 < n && lspec_push(c, seq, L_RELU) == NULL)
            return -1;
    }
    return 0;
}

/* Layers until `close` (')' or '\0'): linear(in, out[, nobias]), relu,
 * flatten[(start_dim)], mlp(w -> w ...), seq(layers). */
static int parse_layers(struct cur *c, struct lspec *seq, char close)
{
    if (++c->depth > Q_DEPTH_MAX)
        return cur_fail(c, "the layers are nested too deeply");
    for (;;) {
        cur_ws(c);
        if (*c->p == close)
            break;
        if (*c->p == '\0')
            return cur_fail(c, "expected ')'");
        char word[16];
        const char *at = c->p;
        if (cur_word(c, word, sizeof word) == 0)
            return cur_fail(c, "expected a layer: linear(in, out), relu, flatten(start_dim), mlp(a -> b) or "
                               "seq(layers)");
        double a = 0, b = 0;
        struct lspec *l;
        if (strcmp(word, "linear") == 0) {
            if (cur_expect(c, '(') != 0 || cur_whole(c, 1, Q_WIDTH_MAX, "in_features", &a) != 0 ||
                cur_expect(c, ',') != 0 || cur_whole(c, 1, Q_WIDTH_MAX, "out_features", &b) != 0)
                return -1;
            if ((l = lspec_push(c, seq, L_LINEAR)) == NULL)
                return -1;
            l->in = (size_t)a;
            l->out = (size_t)b;
            cur_ws(c);
            if (*c->p == ',') {
                c->p++;
                if (cur_word(c, word, sizeof word) == 0 || strcmp(word, "nobias") != 0)
                    return cur_fail(c, "expected 'nobias'");
                l->bias = 0;
            }
            if (cur_expect(c, ')') != 0)
                return -1;
        } else if (strcmp(word, "relu") == 0) {
            if (lspec_push(c, seq, L_RELU) == NULL)
                return -1;
        } else if (strcmp(word, "flatten") == 0) {
            a = 1;
            cur_ws(c);
            if (*c->p == '(') {
                c->p++;
                if (cur_whole(c, -TT_MAX_DIMS, TT_MAX_DIMS - 1, "start_dim", &a) != 0 || cur_expect(c, ')') != 0)
                    return -1;
            }
            if ((l = lspec_push(c, seq, L_FLATTEN)) == NULL)
                return -1;
            l->start_dim = (int)a;
        } else if (strcmp(word, "mlp") == 0) {
            if (cur_expect(c, '(') != 0 || parse_mlp(c, seq) != 0 || cur_expect(c, ')') != 0)
                return -1;
        } else if (strcmp(word, "seq") == 0) {
            if (cur_expect(c, '(') != 0 || (l = lspec_push(c, seq, L_SEQ)) == NULL ||
                parse_layers(c, l, ')') != 0 || cur_expect(c, ')') != 0)
                return -1;
        } else {
            c->p = at;
            return cur_fail(c, "unknown layer '%s' (linear, relu, flatten, mlp, seq)", word);
        }
    }
    c->depth--;
    return 0;
}

/* The parameters the layers will have, to refuse a network too big to build. */
static double spec_params(const struct lspec *s)
{
    double n = 0;
    for (size_t i = 0; i < s->n_kids; i++) {
        const struct lspec *k = &s->kids[i];
        if (k->kind == L_LINEAR)
            n += (double)k->in * (double)k->out + (k->bias ? (double)k->out : 0);
        else if (k->kind == L_SEQ)
            n += spec_params(k);
    }
    return n;
}

/* Spells out seq's layers, for the measurement cache. */
static void spec_key(struct tg_buf *b, const struct lspec *seq)
{
    for (size_t i = 0; i < seq->n_kids; i++) {
        const struct lspec *k = &seq->kids[i];
        if (k->kind == L_LINEAR)
            tg_buf_printf(b, "L%zu,%zu,%d;", k->in, k->out, k->bias);
        else if (k->kind == L_RELU)
            tg_buf_puts(b, "R;");
        else if (k->kind == L_FLATTEN)
            tg_buf_printf(b, "F%d;", k->start_dim);
        else {
            tg_buf_puts(b, "S(");
            spec_key(b, k);
            tg_buf_puts(b, ");");
        }
    }
}

/* Builds a Sequential of seq's layers with the reference library. */
static tt_module *spec_build(const struct lspec *seq, tt_rng *rng, char **err)
{
    tt_module **mods = calloc(seq->n_kids ? seq->n_kids : 1, sizeof *mods);
    if (mods == NULL)
        return NULL;
    for (size_t i = 0; i < seq->n_kids; i++) {
        const struct lspec *k = &seq->kids[i];
        tt_module *m = NULL;
        char what[64];
        switch (k->kind) {
        case L_LINEAR:
            m = tt_linear_new(k->in, k->out, k->bias, rng);
            snprintf(what, sizeof what, "linear(%zu, %zu)", k->in, k->out);
            break;
        case L_RELU:
            m = tt_relu_new();
            snprintf(what, sizeof what, "relu");
            break;
        case L_FLATTEN:
            m = tt_flatten_new(k->start_dim);
            snprintf(what, sizeof what, "flatten(%d)", k->start_dim);
            break;
        default:
            m = spec_build(k, rng, err);
            snprintf(what, sizeof what, "seq(...)");
            break;
        }
        if (m == NULL) {
            if (*err == NULL)
                *err = tg_asprintf("building %s: %s", what, tt_last_error());
            for (size_t j = 0; j < i; j++)
                tt_module_free(mods[j]);
            free(mods);
            return NULL;
        }
        mods[i] = m;
    }
    tt_module *s = tt_sequential_new(mods, seq->n_kids); /* takes every layer, even on failure */
    free(mods);
    if (s == NULL && *err == NULL)
        *err = tg_asprintf("building the Sequential: %s", tt_last_error());
    return s;
}

/* Measures network net (its shape and layers evaluated with penv's
 * parameter values): builds it, summarises it for its input, and checks the
 * summary against lab 2's own counts. dry: only checks the text. */
static int net_measure(const struct qnet *net, const struct env *penv, int dry, struct mcache *mc,
                       struct netq *out, char **err)
{
    struct lspec root = {.kind = L_SEQ};
    size_t shape[TT_MAX_DIMS], ndim = 0;
    double elems = 1;
    int rc = -1;
    *err = NULL;
    char *why = NULL;

    struct cur c = {.start = net->shape, .p = net->shape, .env = penv};
    for (;;) {
        double d = 0;
        if (ndim == TT_MAX_DIMS) {
            cur_fail(&c, "more than %d dims", TT_MAX_DIMS);
            break;
        }
        if (cur_whole(&c, 1, Q_INPUT_MAX, "a dim", &d) != 0)
            break;
        shape[ndim++] = (size_t)d;
        elems *= d;
        cur_ws(&c);
        if (*c.p == '\0')
            break;
        if (cur_expect(&c, ',') != 0)
            break;
    }
    if (!c.failed && elems > Q_INPUT_MAX)
        cur_fail(&c, "the input has more than %g elements", Q_INPUT_MAX);
    if (c.failed) {
        why = c.err;
        goto out;
    }
    struct cur lc = {.start = net->layers, .p = net->layers, .env = penv};
    if (parse_layers(&lc, &root, '\0') != 0) {
        why = lc.err;
        goto out;
    }
    if (spec_params(&root) > Q_NET_PARAMS_MAX) {
        why = tg_asprintf("it would have more than %g parameters", Q_NET_PARAMS_MAX);
        goto out;
    }
    if (dry) {
        for (int k = 0; k < NQ_N; k++)
            out->v[k] = 1;
        rc = 0;
        goto out;
    }
    struct tg_buf kb = TG_BUF_INIT;
    for (size_t d = 0; d < ndim; d++)
        tg_buf_printf(&kb, "%zu,", shape[d]);
    tg_buf_putc(&kb, '|');
    spec_key(&kb, &root);
    char *key = tg_buf_take(&kb);
    if (key == NULL)
        goto out;
    for (size_t i = 0; mc != NULL && i < mc->n; i++) {
        if (strcmp(mc->v[i].key, key) == 0) {
            *out = mc->v[i].q;
            free(key);
            rc = 0;
            goto out;
        }
    }

    tt_rng rng;
    tt_rng_seed(&rng, 0); /* any seed: only shapes and counts are read */
    tt_module *m = spec_build(&root, &rng, &why);
    if (m == NULL) {
        free(key);
        goto out; /* why says what failed; NULL: out of memory */
    }
    tt_summary *s = tt_module_summary(m, ndim, shape);
    if (s == NULL) {
        why = tg_asprintf("%s", tt_last_error());
        tt_module_free(m);
        free(key);
        goto out;
    }
    size_t np = tt_module_num_parameters(m), nt = tt_module_parameters(m, NULL, 0);
    if (np != s->total_params || nt != s->total_param_tensors) {
        why = tg_asprintf("the library disagrees with itself: tt_module_num_parameters %zu and "
                          "tt_module_parameters %zu, but the summary counts %zu in %zu tensors",
                          np, nt, s->total_params, s->total_param_tensors);
    } else {
        out->v[NQ_PARAMS] = (double)s->total_params;
        out->v[NQ_PARAM_TENSORS] = (double)s->total_param_tensors;
        out->v[NQ_PARAM_BYTES] = (double)s->total_param_bytes;
        out->v[NQ_FLOPS] = (double)s->total_flops;
        out->v[NQ_INPUT_BYTES] = (double)s->input_bytes;
        out->v[NQ_OUTPUT_BYTES] = (double)s->output_bytes;
        out->v[NQ_ACTIVATION_BYTES] = (double)s->activation_bytes;
        out->v[NQ_OUT_SIZE] = (double)(s->output_bytes / sizeof(float));
        out->v[NQ_OUT_FEATURES] = s->out_ndim > 0 ? (double)s->out_shape[s->out_ndim - 1] : 1;
        out->v[NQ_OUT_NDIM] = (double)s->out_ndim;
        out->v[NQ_LAYERS] = (double)s->n_rows;
        rc = 0;
        if (mc != NULL && mc->n == mc->cap) {
            size_t cap = mc->cap ? mc->cap * 2 : 8;
            struct mentry *nv = realloc(mc->v, cap * sizeof *nv);
            if (nv != NULL) {
                mc->v = nv;
                mc->cap = cap;
            }
        }
        if (mc != NULL && mc->n < mc->cap) { /* else simply not cached */
            mc->v[mc->n].key = key;
            mc->v[mc->n++].q = *out;
            key = NULL;
        }
    }
    free(key);
    tt_summary_free(s);
    tt_module_free(m);
out:
    lspec_clear(&root);
    if (rc != 0 && why != NULL) {
        *err = tg_asprintf("network %s (line %u): %s", net->name, net->line, why);
        free(why);
    }
    return rc;
}

/* ------------------------------------------------------------- variants -- */

/* FNV-1a, 64 bits (Fowler, Noll, Vo). Written out here because a student's
 * numbers must never change: not between runs, machines, compilers or
 * library versions, which rules out rand() and any hash with a random seed.
 * FNV-1a is a few lines, fully specified, and spreads short, similar ids
 * (s101, s102) well once mixed (see param_value). The numbers are not secret
 * and need not be: they are not the answers, which every student computes. */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv1a64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* The value of parameter i of q for student sid (NULL: the course's). */
static double param_value(const struct question *q, size_t i, const char *sid)
{
    const struct qparam *p = &q->params[i];
    if (sid == NULL || p->n_choices == 0)
        return p->def;
    /* Hashed: the id, the question's variant (its full id, unless questions
     * share one) and the parameter's name, each NUL-terminated so that
     * ("ab", "c") and ("a", "bc") differ. */
    const char *key = q->variant ? q->variant : q->full_id;
    uint64_t h = fnv1a64(FNV_OFFSET, sid, strlen(sid) + 1);
    h = fnv1a64(h, key, strlen(key) + 1);
    h = fnv1a64(h, p->name, strlen(p->name) + 1);
    /* FNV's low bits depend only on the low bits of the bytes ("s101" and
     * "s109" differ in bit 3 only), and h % n reads mostly low bits: so the
     * high bits are mixed down first, with MurmurHash3's 64-bit finaliser. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return p->choices[h % p->n_choices];
}

/* One question for one student: the parameter values, the expected value
 * in the question's unit. */
struct qeval {
    double values[Q_MAX_PARAMS];
    double expected;
};

static int question_eval(const struct question *q, const char *sid, int dry, struct mcache *mc, struct qeval *ev,
                         char **err)
{
    struct netq nets[Q_MAX_NETS];
    char *why = NULL;
    *err = NULL;
    for (size_t i = 0; i < q->n_params; i++)
        ev->values[i] = param_value(q, i, sid);
    struct env penv = {.q = q, .values = ev->values};
    for (size_t n = 0; n < q->n_nets; n++)
        if (net_measure(&q->nets[n], &penv, dry, mc, &nets[n], &why) != 0)
            goto fail;
    struct env aenv = {.q = q, .values = ev->values, .nets = nets, .dry = dry};
    double base;
    if (eval_string(q->answer, &aenv, &base, &why) != 0)
        goto fail;
    ev->expected = base / q->unit->scale;
    int whole = ev->expected == floor(ev->expected) && fabs(ev->expected) < Q_EXACT_MAX;
    if (!dry && q->unit->kind == U_EXACT && !whole) {
        why = tg_asprintf("the answer, %.17g, is not a whole number, but the unit %s asks for one", ev->expected,
                          q->unit->name);
        goto fail;
    }
    return 0;
fail:
    if (why != NULL)
        *err = tg_asprintf("%s:%u: question %s: %s", q->path, q->line, q->full_id, why);
    free(why);
    return -1;
}

/* The question's text with its {expression} placeholders filled in for the
 * values of penv ("{{" and "}}" are braces). NULL with *err on an error. */
static char *fill_text(const char *text, const struct env *penv, char **err)
{
    struct tg_buf b = TG_BUF_INIT;
    *err = NULL;
    for (const char *p = text; *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            tg_buf_putc(&b, p[0]);
            p += 2;
            continue;
        }
        if (*p == '}') {
            *err = tg_strdup("a '}' without its '{' (write '}}' for a brace)");
            goto fail;
        }
        if (*p != '{') {
            const char *q = p;
            while (*q && *q != '{' && *q != '}')
                q++;
            tg_buf_add(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        const char *close = strchr(p + 1, '}');
        const char *nl = strchr(p + 1, '\n');
        if (close == NULL || (nl != NULL && nl < close)) {
            *err = tg_strdup("a '{' without its '}' on the same line (write '{{' for a brace)");
            goto fail;
        }
        char *expr = tg_strndup(p + 1, (size_t)(close - p - 1));
        if (expr == NULL)
            goto fail;
        double v;
        char *why = NULL;
        int r = eval_string(expr, penv, &v, &why);
        free(expr);
        if (r != 0) {
            *err = tg_asprintf("in a {placeholder}: %s", why ? why : "out of memory");
            free(why);
            goto fail;
        }
        char num[64];
        if (v == floor(v) && fabs(v) < Q_EXACT_MAX) {
            if (fabs(v) >= 1e4)
                fmt_grouped(num, sizeof num, v);
            else
                snprintf(num, sizeof num, "%.0f", v);
        } else {
            snprintf(num, sizeof num, "%g", v);
        }
        tg_buf_puts(&b, num);
        p = close + 1;
    }
    return tg_buf_take(&b);
fail:
    tg_buf_free(&b);
    return NULL;
}

/* --------------------------------------------------------- bank parsing -- */

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

/* A constant expression (no names) at the cursor. */
static int cur_const(struct cur *c, double *v)
{
    const struct env *saved = c->env;
    c->env = NULL;
    int r = ex_sum(c, v);
    c->env = saved;
    return r;
}

/* `param NAME = DEFAULT [in LO..HI [step S] | in {a, b, ...}]` */
static const char *parse_param(struct question *q, const char *rest, char **msg)
{
    if (q->n_params == Q_MAX_PARAMS)
        return "too many parameters in one question";
    struct qparam *p = &q->params[q->n_params];
    memset(p, 0, sizeof *p);
    struct cur c = {.start = rest, .p = rest};
    if (cur_word(&c, p->name, sizeof p->name) == 0)
        return "expected `param NAME = DEFAULT [in LO..HI [step S]]` or `... in {a, b, c}`";
    if (strcmp(p->name, "x") == 0)
        return "'x' is reserved (it repeats a width in an mlp): pick another parameter name";
    for (size_t i = 0; i < q->n_params; i++)
        if (strcmp(q->params[i].name, p->name) == 0)
            return "a parameter of that name is already declared";
    if (cur_expect(&c, '=') != 0 || cur_const(&c, &p->def) != 0) {
        *msg = c.err;
        return NULL;
    }
    char word[8];
    cur_ws(&c);
    if (*c.p != '\0') {
        if (cur_word(&c, word, sizeof word) == 0 || strcmp(word, "in") != 0)
            return "expected `in` after the default value";
        cur_ws(&c);
        size_t cap = 16;
        p->choices = malloc(cap * sizeof *p->choices);
        if (p->choices == NULL)
            return "out of memory";
        if (*c.p == '{') {
            c.p++;
            for (;;) {
                double v;
                if (cur_const(&c, &v) != 0) {
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
                cur_ws(&c);
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
            if (cur_const(&c, &lo) != 0 || (cur_ws(&c), strncmp(c.p, "..", 2) != 0)) {
                *msg = c.err;
                free(p->choices);
                return c.err ? NULL : "expected `LO..HI` or `{a, b, c}` after `in`";
            }
            c.p += 2;
            if (cur_const(&c, &hi) != 0) {
                *msg = c.err;
                free(p->choices);
                return NULL;
            }
            const char *save = c.p;
            if (cur_word(&c, word, sizeof word) > 0 && strcmp(word, "step") == 0) {
                if (cur_const(&c, &step) != 0) {
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
        cur_ws(&c);
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
    if (cur_word(&c, n->name, sizeof n->name) == 0)
        return "expected `network NAME (SHAPE): LAYERS`, as in `network mlp (1, 784): mlp(784 -> 10)`";
    for (size_t i = 0; i < q->n_nets; i++)
        if (strcmp(q->nets[i].name, n->name) == 0)
            return "a network of that name is already declared";
    for (size_t i = 0; i < q->n_params; i++)
        if (strcmp(q->params[i].name, n->name) == 0)
            return "a parameter has that name";
    cur_ws(&c);
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
    if (cur_expect(&c, ':') != 0) {
        free(c.err);
        return "expected ':' after the input shape";
    }
    n->shape = trim_dup(open, (size_t)(p - 1 - open));
    n->layers = trim_dup(c.p, strlen(c.p));
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
    if (question_eval(q, NULL, 1, NULL, &ev, &err) != 0)
        return err ? err : tg_strdup("out of memory");
    struct env penv = {.q = q, .values = ev.values};
    char *t = fill_text(q->text, &penv, &err);
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
            const char *t = skip_ws(line);
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
        const char *s = skip_ws(line);
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
        const char *rest = skip_ws(s + kl);
        char *restd = trim_dup(rest, strlen(rest));
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
            else if ((q->unit = unit_named(restd)) == NULL)
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

/* --------------------------------------------------------- the answers -- */

/* One `<question-id>: <answer>` line of answers.txt. */
struct aline {
    char *key;
    char *value;               /* trimmed; "" for a blank answer */
    unsigned line;             /* of the key */
    unsigned value_line;       /* of the value (the next line, when the key's was blank) */
};

struct note {
    unsigned line;
    char *text;
};

struct answers {
    struct aline *v;
    size_t n, cap;
    int has_id;
    char *id;                  /* NULL with has_id: "-", the course's numbers */
    unsigned id_line;
    struct note *notes;
    size_t n_notes, cap_notes, more_notes;
    size_t n_unreadable;
    unsigned first_unreadable;
    int oom;
};

static void answers_free(struct answers *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].key);
        free(a->v[i].value);
    }
    free(a->v);
    free(a->id);
    for (size_t i = 0; i < a->n_notes; i++)
        free(a->notes[i].text);
    free(a->notes);
    memset(a, 0, sizeof *a);
}

/* Takes text (malloc'd, may be NULL for out of memory) as a note on line. */
static void add_note(struct answers *a, unsigned line, char *text)
{
    if (text == NULL) {
        a->oom = 1;
        return;
    }
    if (a->n_notes >= Q_NOTES_MAX && line != (unsigned)-1) { /* -1: the "... and N more" note */
        a->more_notes++;
        free(text);
        return;
    }
    if (a->n_notes == a->cap_notes) {
        size_t cap = a->cap_notes ? a->cap_notes * 2 : 8;
        struct note *nn = realloc(a->notes, cap * sizeof *nn);
        if (nn == NULL) {
            a->oom = 1;
            free(text);
            return;
        }
        a->notes = nn;
        a->cap_notes = cap;
    }
    a->notes[a->n_notes].line = line;
    a->notes[a->n_notes++].text = text;
}

/* A student's bytes, made safe and short to quote back. */
static char *shown(const char *s)
{
    return tg_sanitize(s, strlen(s), Q_SHOW_MAX);
}

static void unreadable(struct answers *a, unsigned line, const char *why)
{
    a->n_unreadable++;
    if (a->first_unreadable == 0)
        a->first_unreadable = line;
    add_note(a, line, tg_asprintf("%s:%u: %s", TG_ANSWERS_NAME, line, why));
}

static int is_key_char(int c)
{
    return is_name_char(c) || c == '.' || c == '-';
}

/* answers.txt as UTF-8. A file that starts with a UTF-16 byte-order mark
 * (what Windows Notepad calls "Unicode") is decoded with iconv(3), glibc's
 * converter; any other file is read as it is (UTF-8, with or without its own
 * mark). Returns 0 with *out the malloc'd UTF-8 text and *out_len, or *out
 * NULL when text needs no decoding; 1 when the file cannot be decoded, with
 * *why a static reason; -1 with *err set (NULL: out of memory) when the
 * converter cannot be used (a failure of ours, not the student's). */
static int answers_utf8(const char *text, size_t len, char **out, size_t *out_len, const char **why, char **err)
{
    *out = NULL;
    *out_len = 0;
    int le = len >= 2 && memcmp(text, "\xFF\xFE", 2) == 0, be = len >= 2 && memcmp(text, "\xFE\xFF", 2) == 0;
    if (!le && !be)
        return 0;
    iconv_t cd = iconv_open("UTF-8", le ? "UTF-16LE" : "UTF-16BE");
    if (cd == (iconv_t)-1) {
        *err = tg_asprintf("cannot decode a UTF-16 %s: iconv: %s", TG_ANSWERS_NAME, strerror(errno));
        return -1;
    }
    /* A UTF-16 unit becomes at most 3 bytes of UTF-8 (a pair of them, 4). */
    size_t cap = (len - 2) / 2 * 3 + 1;
    char *buf = malloc(cap);
    if (buf == NULL) {
        iconv_close(cd);
        *err = NULL;
        return -1;
    }
    char *in = (char *)text + 2, *o = buf; /* iconv's prototype is not const */
    size_t in_left = len - 2, o_left = cap - 1;
    size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    iconv_close(cd);
    if (r == (size_t)-1 || in_left != 0) {
        free(buf);
        *why = "it starts with a UTF-16 byte-order mark but is not valid UTF-16: save it as UTF-8 (in Notepad: "
               "Save As, Encoding UTF-8)";
        return 1;
    }
    *o = '\0';
    *out = buf;
    *out_len = (size_t)(o - buf);
    return 0;
}

static void parse_answers(struct answers *a, const char *text, size_t len)
{
    unsigned lineno = 0;
    struct aline *pending = NULL; /* a key whose answer was left for the next line */
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* the byte-order mark some editors put first */
    while (p < end) {
        /* A line ends at LF, CRLF or a lone CR (old Mac editors). */
        const char *nl = p;
        while (nl < end && *nl != '\n' && *nl != '\r')
            nl++;
        size_t ll = (size_t)(nl - p);
        const char *line = p;
        p = nl < end && *nl == '\r' && nl + 1 < end && nl[1] == '\n' ? nl + 2 : nl < end ? nl + 1 : end;
        lineno++;
        if (memchr(line, '\0', ll) != NULL) {
            unreadable(a, lineno, "cannot read this line: it holds binary data (a NUL byte)");
            continue;
        }
        char *t = trim_dup(line, ll);
        if (t == NULL) {
            a->oom = 1;
            return;
        }
        if (t[0] == '\0' || t[0] == '#') {
            free(t);
            continue;
        }
        if (strlen(t) > Q_LINE_MAX) {
            unreadable(a, lineno, "cannot read this line: it is longer than 512 bytes");
            free(t);
            continue;
        }
        size_t kl = 0;
        while (is_key_char((unsigned char)t[kl]))
            kl++;
        size_t sep = kl;
        while (t[sep] == ' ' || t[sep] == '\t')
            sep++;
        int has_letter = 0;
        for (size_t i = 0; i < kl; i++)
            has_letter |= is_name_start((unsigned char)t[i]);
        if (kl == 0 || !has_letter || (t[sep] != ':' && t[sep] != '=')) {
            if (pending != NULL) {
                /* "linear.mlp_params:" then the answer on the next line. */
                free(pending->value);
                pending->value = t;
                pending->value_line = lineno;
                pending = NULL;
                continue;
            }
            char *s = shown(t);
            char *why = s ? tg_asprintf("cannot read \"%s\": expected `<question-id>: <answer>`, as in "
                                        "`linear.mlp_params: 123456`", s)
                          : NULL;
            if (why == NULL)
                a->oom = 1;
            else
                unreadable(a, lineno, why);
            free(s);
            free(why);
            free(t);
            continue;
        }
        pending = NULL;
        char *key = tg_strndup(t, kl);
        const char *vs = t + sep + 1;
        /* A comment after the answer: "235146   # my working". */
        const char *hash = strstr(vs, " #");
        const char *tab = strstr(vs, "\t#");
        if (tab != NULL && (hash == NULL || tab < hash))
            hash = tab;
        char *value = trim_dup(vs, hash ? (size_t)(hash - vs) : strlen(vs));
        free(t);
        if (key == NULL || value == NULL) {
            free(key);
            free(value);
            a->oom = 1;
            return;
        }
        if (ieqn(key, kl, "student-id") || ieqn(key, kl, "student_id") || ieqn(key, kl, "studentid")) {
            if (a->has_id) {
                add_note(a, lineno, tg_asprintf("%s:%u: a second student-id line (the first is line %u): ignored",
                                                TG_ANSWERS_NAME, lineno, a->id_line));
                free(value);
            } else {
                a->has_id = 1;
                a->id_line = lineno;
                if (strcmp(value, "-") == 0)
                    free(value);
                else
                    a->id = value;
            }
            free(key);
            continue;
        }
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 32;
            struct aline *nv = realloc(a->v, cap * sizeof *nv);
            if (nv == NULL) {
                free(key);
                free(value);
                a->oom = 1;
                return;
            }
            a->v = nv;
            a->cap = cap;
        }
        struct aline *al = &a->v[a->n++];
        al->key = key;
        al->value = value;
        al->line = al->value_line = lineno;
        if (value[0] == '\0')
            pending = al;
    }
}

/* How a key names a question: its full id ("linear.mlp_params"), or its
 * bare id when no other lab has a question of that id. Any case. */
static int key_names(const struct tg_questions *qs, const char *key, const struct question *q)
{
    if (ieqn(key, strlen(key), q->full_id))
        return 1;
    if (!ieqn(key, strlen(key), q->id))
        return 0;
    int owners = 0;
    for (int l = 0; l < tg_n_labs; l++)
        for (size_t i = 0; i < qs->banks[l].n; i++)
            owners += strcmp(qs->banks[l].qs[i].id, q->id) == 0;
    return owners == 1;
}

static int key_known(const struct tg_questions *qs, const char *key)
{
    for (int l = 0; l < tg_n_labs; l++)
        for (size_t i = 0; i < qs->banks[l].n; i++)
            if (key_names(qs, key, &qs->banks[l].qs[i]))
                return 1;
    return 0;
}

/* ---------------------------------------------------- reading an answer -- */

enum verdict { V_RIGHT, V_WRONG, V_OTHER_UNIT, V_UNREADABLE };

/* A number as the student wrote it, kept exact: its value is
 * digits * 10^exp10, with the decimal point, an exponent, a percent sign and
 * a unit's prefix (MFLOPs) all folded into exp10. Exact counts are compared
 * on these digits, never on a double, so 235146.000000000001 is not 235146. */
struct number {
    int neg;
    char digits[Q_LINE_MAX + 1]; /* every digit written, in order; NUL-terminated */
    size_t nd;
    long exp10;
    double v;                    /* the value as a double, for sizes and ratios */
};

/* Drops n's leading zeros and moves its trailing zeros into the exponent:
 * equal numbers then have equal digits and exponents. */
static void number_canon(struct number *n)
{
    size_t lead = 0;
    while (lead < n->nd && n->digits[lead] == '0')
        lead++;
    memmove(n->digits, n->digits + lead, n->nd - lead + 1);
    n->nd -= lead;
    while (n->nd > 0 && n->digits[n->nd - 1] == '0') {
        n->digits[--n->nd] = '\0';
        n->exp10++;
    }
    if (n->nd == 0) { /* zero: one spelling */
        n->neg = 0;
        n->exp10 = 0;
    }
}

/* Is the canonical n a whole number, and is it exactly `expected` (a whole
 * number below 2^53, as question_eval guarantees for exact units)? */
static int number_is(const struct number *n, double expected, int *whole)
{
    *whole = n->exp10 >= 0;
    if (!*whole || n->neg != (expected < 0))
        return 0;
    char want[32];
    snprintf(want, sizeof want, "%.0f", fabs(expected));
    if (n->nd == 0)
        return strcmp(want, "0") == 0;
    size_t wl = strlen(want);
    if (n->exp10 > 20 || wl != n->nd + (size_t)n->exp10 || memcmp(want, n->digits, n->nd) != 0)
        return 0;
    for (size_t i = n->nd; i < wl; i++)
        if (want[i] != '0')
            return 0;
    return 1;
}

/* Reads an answer: a number (235146, 235,146, 235_146, 2.68, 1.48e7), then
 * optionally a unit, into *num (canonical; its double in the question's
 * unit). *why (in buf) says what is wrong when the verdict is not V_RIGHT:
 * V_RIGHT only means the answer was read; the caller compares. */
static enum verdict read_answer(const char *s, const struct unit *u, struct number *num, const struct unit **said,
                                char *buf, size_t blen)
{
    size_t int_digits = 0, group = 0;
    int commas = 0, bad_group = 0;
    const char *p = skip_ws(s);
    memset(num, 0, sizeof *num);
    *said = NULL;
    if (*p == '~')
        p = skip_ws(p + 1);
    if (*p == '-' || *p == '+')
        num->neg = *p++ == '-';
    /* The whole part, with ',' between groups of three or '_' anywhere. An
     * answer is at most Q_LINE_MAX bytes, so every digit fits. */
    while (num->nd < Q_LINE_MAX) {
        if (*p >= '0' && *p <= '9') {
            num->digits[num->nd++] = *p++;
            int_digits++;
            group++;
        } else if (*p == ',' && int_digits > 0 && p[1] >= '0' && p[1] <= '9') {
            if ((commas == 0 && group > 3) || (commas > 0 && group != 3))
                bad_group = 1;
            commas++;
            group = 0;
            p++;
        } else if (*p == '_' && int_digits > 0 && p[1] >= '0' && p[1] <= '9') {
            p++;
        } else {
            break;
        }
    }
    if (commas > 0 && group != 3)
        bad_group = 1;
    size_t frac = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9' && num->nd < Q_LINE_MAX) {
            num->digits[num->nd++] = *p++;
            frac++;
        }
    }
    if (int_digits + frac == 0) {
        snprintf(buf, blen, "expected a number, such as 123456, 123,456, 2.68 or 1.48e7");
        return V_UNREADABLE;
    }
    if (bad_group) {
        snprintf(buf, blen, "',' may only separate groups of three digits (123,456); write decimals with '.' "
                            "(2.68)");
        return V_UNREADABLE;
    }
    if (commas > 0 && *p == ',') {
        snprintf(buf, blen, "',' may only separate groups of three digits (123,456)");
        return V_UNREADABLE;
    }
    long exp10 = 0;
    if ((*p == 'e' || *p == 'E') &&
        ((p[1] >= '0' && p[1] <= '9') || ((p[1] == '-' || p[1] == '+') && p[2] >= '0' && p[2] <= '9'))) {
        p++;
        int eneg = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        while (*p >= '0' && *p <= '9') {
            if (exp10 < 1000)
                exp10 = exp10 * 10 + (*p - '0');
            p++;
        }
        if (eneg)
            exp10 = -exp10;
    }
    /* A percentage, for a ratio: 85% is 0.85. */
    p = skip_ws(p);
    if (*p == '%') {
        if (u->kind != U_RATIO) {
            snprintf(buf, blen, "a percentage answers only a ratio, and this answer is %s", u->describe);
            return V_UNREADABLE;
        }
        exp10 -= 2;
        p = skip_ws(p + 1);
    }
    /* The unit, if any. */
    const char *w = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
        p++;
    size_t wl = (size_t)(p - w);
    const char *after = skip_ws(p);
    if (*after == '.' && after[1] == '\0')
        after++;
    if (*after != '\0') {
        snprintf(buf, blen, "unexpected text after the answer (write one number, then the unit if you like)");
        return V_UNREADABLE;
    }
    if (wl > 0) {
        const struct unit *found = NULL;
        long prefix = 0;
        for (size_t i = 0; i < N_UNITS && found == NULL; i++)
            for (size_t k = 0; units[i].words[k] != NULL && found == NULL; k++)
                if (ieqn(w, wl, units[i].words[k]))
                    found = &units[i];
        /* kFLOPs, MFLOPs, GFLOPs, TFLOPs */
        if (found == NULL && wl > 1 && strchr("kKMGT", w[0]) != NULL) {
            const struct unit *fl = unit_named("flops");
            for (size_t k = 0; fl->words[k] != NULL; k++) {
                if (ieqn(w + 1, wl - 1, fl->words[k])) {
                    found = fl;
                    prefix = w[0] == 'k' || w[0] == 'K' ? 3 : w[0] == 'M' ? 6 : w[0] == 'G' ? 9 : 12;
                }
            }
        }
        if (found == NULL) {
            snprintf(buf, blen, "unknown unit \"%.*s\" (this question's answer is %s)", (int)(wl > 20 ? 20 : wl), w,
                     u->describe);
            return V_UNREADABLE;
        }
        *said = found;
        if (found != u)
            return V_OTHER_UNIT;
        exp10 += prefix;
    }
    num->exp10 = exp10 - (long)frac;
    number_canon(num);
    char text[Q_LINE_MAX + 32];
    snprintf(text, sizeof text, "%s%se%ld", num->neg ? "-" : "", num->nd ? num->digits : "0", num->exp10);
    num->v = strtod(text, NULL);
    if (!isfinite(num->v)) {
        snprintf(buf, blen, "the number is too large");
        return V_UNREADABLE;
    }
    return V_RIGHT; /* read; the caller compares */
}

/* Do two answers of one question say the same thing: both read, in the
 * question's unit, the same number exactly? Then they count once. */
static int same_answer(const char *x, const char *y, const struct unit *u)
{
    struct number a, b;
    const struct unit *said;
    char why[256];
    if (strcmp(x, y) == 0)
        return 1;
    if (read_answer(x, u, &a, &said, why, sizeof why) != V_RIGHT ||
        read_answer(y, u, &b, &said, why, sizeof why) != V_RIGHT)
        return 0;
    return a.neg == b.neg && a.exp10 == b.exp10 && a.nd == b.nd && memcmp(a.digits, b.digits, a.nd) == 0;
}

/* ----------------------------------------------------------------- grading -- */

/* The verdict of item it (question q, whose expected value is in ev). */
static int grade_one(const struct tg_questions *qs, const struct question *q, const struct qeval *ev,
                     const struct answers *a, const char *all_why, int reveal, struct tg_item *it)
{
    struct tg_buf b = TG_BUF_INIT;
    it->passed = 0;
    it->time = 0;
    if (all_why != NULL) {
        tg_buf_puts(&b, all_why);
    } else {
        const struct aline *found = NULL, *blank = NULL, *second = NULL;
        for (size_t i = 0; i < a->n; i++) {
            const struct aline *al = &a->v[i];
            if (!key_names(qs, al->key, q))
                continue;
            if (al->value[0] == '\0') {
                if (blank == NULL)
                    blank = al;
            } else if (found == NULL) {
                found = al;
            } else if (second == NULL && !same_answer(found->value, al->value, q->unit)) {
                second = al; /* two different answers; the same one twice counts once */
            }
        }
        if (second != NULL) {
            tg_buf_printf(&b, "%s:%u and %s:%u both answer %s: keep one answer", TG_ANSWERS_NAME,
                          found->value_line, TG_ANSWERS_NAME, second->value_line, q->full_id);
        } else if (found == NULL) {
            if (blank != NULL)
                tg_buf_printf(&b, "no answer: %s:%u has nothing after \"%s:\"", TG_ANSWERS_NAME, blank->line,
                              q->full_id);
            else
                tg_buf_printf(&b, "no answer: %s has no line `%s: ...`", TG_ANSWERS_NAME, q->full_id);
            if (a->n_unreadable > 0)
                tg_buf_printf(&b, " (%zu line%s of %s could not be read, the first is line %u)", a->n_unreadable,
                              a->n_unreadable == 1 ? "" : "s", TG_ANSWERS_NAME, a->first_unreadable);
        } else {
            struct number num;
            const struct unit *said = NULL;
            char why[256];
            why[0] = '\0';
            enum verdict vd = read_answer(found->value, q->unit, &num, &said, why, sizeof why);
            char *s = shown(found->value);
            if (s == NULL) {
                tg_buf_free(&b);
                return -1;
            }
            if (vd == V_UNREADABLE) {
                tg_buf_printf(&b, "%s:%u: cannot read \"%s\": %s", TG_ANSWERS_NAME, found->value_line, s, why);
            } else if (vd == V_OTHER_UNIT) {
                tg_buf_printf(&b, "%s:%u: \"%s\" is in %s, but the question asks for %s", TG_ANSWERS_NAME,
                              found->value_line, s, said->name, q->unit->describe);
            } else {
                int right, whole = 1;
                if (q->unit->kind == U_EXACT)
                    right = number_is(&num, ev->expected, &whole);
                else
                    right = fabs(num.v - ev->expected) <= Q_TOLERANCE * fabs(ev->expected);
                if (right) {
                    it->passed = 1;
                } else {
                    tg_buf_printf(&b, "%s:%u: \"%s\" is wrong", TG_ANSWERS_NAME, found->value_line, s);
                    if (q->unit->kind == U_EXACT && !whole)
                        tg_buf_puts(&b, " (the answer is a whole number)");
                    else if (q->unit->kind == U_EXACT)
                        tg_buf_puts(&b, " (it must be exact)");
                    else
                        tg_buf_printf(&b, " (answers within 1%% count; the question asks for %s)", q->unit->name);
                }
            }
            free(s);
        }
    }
    if (reveal && !it->passed) {
        char val[96];
        fmt_value(val, sizeof val, ev->expected, q->unit, 4);
        tg_buf_printf(&b, "\nexpected: %s", val);
    }
    char *out = tg_buf_take(&b);
    if (out == NULL)
        return -1;
    free(it->output);
    it->output = out;
    return 0;
}

/* Is the answers file's variant (id; NULL: "-") the one graded (sid)? The
 * same bytes that drew the numbers: sid is normalised by the caller
 * (student_id.h), and the file's value was trimmed of its blanks. */
static int same_variant(const char *id, const char *sid)
{
    if (id == NULL || sid == NULL)
        return id == NULL && sid == NULL;
    return strcmp(id, sid) == 0;
}

static int cmp_note(const void *x, const void *y)
{
    const struct note *a = x, *b = y;
    return (a->line > b->line) - (a->line < b->line);
}

int tg_questions_grade(const struct tg_questions *qs, const char *student_id, int reveal,
                       const struct tg_intake *in, struct tg_result *res, char **err)
{
    *err = NULL;
    if (qs == NULL)
        return 0;
    struct answers a;
    memset(&a, 0, sizeof a);
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    char *all_why = NULL;
    const char *status;
    int rc = -1;
    char *sid = student_id ? tg_sanitize(student_id, strlen(student_id), 200) : NULL;
    if (student_id != NULL && sid == NULL)
        return -1;
    char *utf8 = NULL; /* answers.txt decoded, when it was not UTF-8 */
    size_t utf8_len = 0;
    const char *undecodable = NULL;
    if (in->answers != NULL && answers_utf8(in->answers, in->answers_len, &utf8, &utf8_len, &undecodable, err) < 0)
        goto out;

    if (in->answers == NULL) {
        const char *why = in->answers_why ? in->answers_why : TG_ANSWERS_NAME " not found in the submission";
        status = strstr(why, "not found") != NULL ? "missing" : "refused";
        all_why = tg_strdup(why);
        if (all_why == NULL)
            goto out;
    } else if (undecodable != NULL) {
        status = "refused";
        all_why = tg_asprintf("%s cannot be read: %s", TG_ANSWERS_NAME, undecodable);
        if (all_why == NULL)
            goto out;
    } else {
        status = "found";
        parse_answers(&a, utf8 ? utf8 : in->answers, utf8 ? utf8_len : in->answers_len);
        if (a.oom)
            goto out;
        if (a.has_id) {
            free(res->answers.file_id);
            res->answers.file_id = a.id ? shown(a.id) : tg_strdup("-");
            if (res->answers.file_id == NULL)
                goto out;
            if (!same_variant(a.id, student_id)) {
                status = "other_student";
                const char *fid = res->answers.file_id;
                if (sid == NULL)
                    all_why = tg_asprintf("%s is for student %s (line %u), but ttgrade ran without --student-id, "
                                          "so the questions have the course's own numbers: grade it with "
                                          "--student-id %s", TG_ANSWERS_NAME, fid, a.id_line, fid);
                else if (a.id == NULL)
                    all_why = tg_asprintf("%s has the course's own numbers (student-id: -, line %u), but this "
                                          "grade is for student %s, whose numbers differ: `make questions "
                                          "STUDENT_ID=%s` writes the right file", TG_ANSWERS_NAME, a.id_line, sid,
                                          sid);
                else
                    all_why = tg_asprintf("%s is for student %s (line %u), but this grade is for student %s: "
                                          "each student's questions have their own numbers", TG_ANSWERS_NAME, fid,
                                          a.id_line, sid);
                if (all_why == NULL)
                    goto out;
            }
        } else {
            add_note(&a, 0, tg_asprintf("%s has no student-id line: it was graded with %s%s numbers",
                                        TG_ANSWERS_NAME, sid ? sid : "the course's own", sid ? "'s" : ""));
        }
        for (size_t i = 0; i < a.n; i++)
            if (!key_known(qs, a.v[i].key)) {
                char *k = shown(a.v[i].key);
                add_note(&a, a.v[i].line, k ? tg_asprintf("%s:%u: there is no question %s (the ids look like "
                                                          "linear.mlp_params)", TG_ANSWERS_NAME, a.v[i].line, k)
                                            : NULL);
                free(k);
            }
        if (a.oom)
            goto out;
    }

    for (size_t i = 0; i < res->n_labs; i++) {
        struct tg_lab_result *lr = &res->labs[i];
        const struct bank *b = &qs->banks[lr->lab];
        for (size_t j = 0; j < lr->n_items; j++) {
            struct tg_item *it = &lr->items[j];
            if (it->category != TG_ITEM_QUESTION)
                continue;
            const struct question *q = NULL;
            for (size_t k = 0; k < b->n && q == NULL; k++)
                if (strcmp(b->qs[k].id, it->name) == 0)
                    q = &b->qs[k];
            if (q == NULL) {
                *err = tg_asprintf("question %s.%s is not in the bank", tg_lab_names[lr->lab], it->name);
                goto out;
            }
            struct qeval ev;
            if (question_eval(q, student_id, 0, &mc, &ev, err) != 0) {
                if (*err != NULL) {
                    char *e = tg_asprintf("the expected answer of a question cannot be computed: %s", *err);
                    free(*err);
                    *err = e;
                }
                goto out;
            }
            if (grade_one(qs, q, &ev, &a, all_why, reveal, it) != 0)
                goto out;
        }
    }

    /* The notes, in line order, for the reports. */
    if (a.n_notes > 1) /* qsort's array may not be NULL, even for 0 elements */
        qsort(a.notes, a.n_notes, sizeof *a.notes, cmp_note);
    if (a.more_notes > 0)
        add_note(&a, (unsigned)-1, tg_asprintf("... and %zu more lines of %s that could not be used", a.more_notes,
                                               TG_ANSWERS_NAME));
    if (a.oom)
        goto out;
    if (a.n_notes > 0) {
        char **notes = calloc(a.n_notes, sizeof *notes);
        if (notes == NULL)
            goto out;
        for (size_t i = 0; i < a.n_notes; i++) {
            notes[i] = a.notes[i].text;
            a.notes[i].text = NULL;
        }
        res->answers.notes = notes;
        res->answers.n_notes = a.n_notes;
    }
    res->answers.status = tg_strdup(status);
    res->answers.variant = sid;
    sid = NULL;
    if (res->answers.status == NULL)
        goto out;
    rc = 0;
out:
    answers_free(&a);
    mcache_free(&mc);
    free(all_why);
    free(sid);
    free(utf8);
    return rc;
}

int tg_questions_layout(struct tg_lab_result *lr, const struct tg_questions *q, int lab, const char *why)
{
    if (q == NULL || lab < 0 || lab >= tg_n_labs || q->banks[lab].n == 0)
        return 0;
    const struct bank *b = &q->banks[lab];
    struct tg_item *items = realloc(lr->items, (lr->n_items + b->n) * sizeof *items);
    if (items == NULL)
        return -1;
    lr->items = items;
    for (size_t i = 0; i < b->n; i++) {
        struct tg_item *it = &lr->items[lr->n_items++];
        memset(it, 0, sizeof *it);
        it->category = TG_ITEM_QUESTION;
        it->points = b->qs[i].points;
        it->name = tg_strdup(b->qs[i].id);
        it->description = tg_strdup(b->qs[i].title);
        it->output = tg_strdup(why);
        if (it->name == NULL || it->description == NULL || it->output == NULL)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------- answers sheets -- */

static const char sheet_header[] =
    "# answers.txt - your answers to the ttlab questions. Hand it in next to\n"
    "# your .c files.\n"
    "#\n"
    "# The numbers in these questions were drawn for the student id on the\n"
    "# student-id line below: keep that line as it is. A classmate's questions\n"
    "# have other numbers, so their answers are not yours.\n"
    "#\n"
    "# Write each answer after the colon of the line that names its question:\n"
    "#     linear.mlp_params: 123,456\n"
    "# A number may be written 123456, 123,456, 123_456, 2.68 or 1.48e7. A unit\n"
    "# after it is optional, but a unit you write must be the one the question\n"
    "# asks for: MB (10^6 bytes) and MiB (2^20 bytes) are different units.\n"
    "# Whole-number answers (parameters, FLOPs, bytes) must be exact; sizes in\n"
    "# KB, MB, GB, KiB, MiB or GiB, and ratios, may be off by up to 1%, so give\n"
    "# at least three significant digits. Lines starting with '#' are comments.\n"
    "\n";

/* Appends text as comment lines, each indented by `indent`. */
static void put_comment(struct tg_buf *b, const char *text, const char *indent)
{
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == 0)
            tg_buf_puts(b, "#\n");
        else {
            tg_buf_printf(b, "#%s", indent);
            tg_buf_add(b, p, len);
            tg_buf_putc(b, '\n');
        }
        p = nl ? nl + 1 : p + len;
    }
}

char *tg_questions_sheet(const struct tg_questions *qs, const char *student_id, int key, char **err)
{
    struct tg_buf b = TG_BUF_INIT;
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    *err = NULL;
    tg_buf_puts(&b, sheet_header);
    tg_buf_printf(&b, "student-id: %s\n", student_id ? student_id : "-");
    for (int l = 0; l < tg_n_labs; l++) {
        const struct bank *bk = &qs->banks[l];
        tg_buf_printf(&b, "\n# ======== Lab %d: %s (%g points) ========\n", l + 1, tg_lab_names[l], bk->total);
        for (size_t i = 0; i < bk->n; i++) {
            const struct question *q = &bk->qs[i];
            struct qeval ev;
            if (question_eval(q, student_id, !key, &mc, &ev, err) != 0)
                goto fail;
            struct env penv = {.q = q, .values = ev.values};
            char *text = fill_text(q->text, &penv, err);
            if (text == NULL)
                goto fail;
            tg_buf_printf(&b, "\n# %s (%g point%s): %s\n#\n", q->full_id, q->points, q->points == 1 ? "" : "s",
                          q->title);
            put_comment(&b, text, "   ");
            free(text);
            tg_buf_printf(&b, "#\n#   Answer in: %s\n%s:", q->unit->describe, q->full_id);
            if (key) {
                char val[96];
                fmt_value(val, sizeof val, ev.expected, q->unit, 6);
                tg_buf_printf(&b, " %s", val);
            }
            tg_buf_putc(&b, '\n');
        }
    }
    mcache_free(&mc);
    return tg_buf_take(&b);
fail:
    mcache_free(&mc);
    tg_buf_free(&b);
    return NULL;
}

int tg_questions_print_expected(const struct tg_questions *qs, const char *student_id, char **err)
{
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    *err = NULL;
    for (int l = 0; l < tg_n_labs; l++) {
        const struct bank *bk = &qs->banks[l];
        for (size_t i = 0; i < bk->n; i++) {
            const struct question *q = &bk->qs[i];
            struct qeval ev;
            if (question_eval(q, student_id, 0, &mc, &ev, err) != 0) {
                mcache_free(&mc);
                return -1;
            }
            char val[96];
            fmt_value(val, sizeof val, ev.expected, q->unit, 6);
            printf("%s = %s", q->full_id, val);
            for (size_t k = 0; k < q->n_params; k++)
                printf("%s%s=%g", k == 0 ? "   (" : ", ", q->params[k].name, ev.values[k]);
            printf("%s\n", q->n_params ? ")" : "");
        }
    }
    mcache_free(&mc);
    return fflush(stdout) == 0 ? 0 : -1;
}

int tg_questions_check_variant(const struct tg_questions *qs, const char *student_id, char **err)
{
    struct mcache mc;
    memset(&mc, 0, sizeof mc);
    int rc = 0;
    *err = NULL;
    for (int l = 0; rc == 0 && l < tg_n_labs; l++) {
        const struct bank *bk = &qs->banks[l];
        for (size_t i = 0; rc == 0 && i < bk->n; i++) {
            struct qeval ev;
            rc = question_eval(&bk->qs[i], student_id, 0, &mc, &ev, err);
        }
    }
    mcache_free(&mc);
    return rc;
}
