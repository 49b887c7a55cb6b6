/* qbank.h - the shapes the question files share (questions.h is the
 * interface the rest of the grader uses): a loaded bank and its questions,
 * the units, the expression language's cursor and environment, a student's
 * evaluated question, and a read answers.txt. Everything here is private to
 * the q*.c files:
 *   qunits.c    units, and numbers written in them (formatting, reading)
 *   qexpr.c     the expression language, and the small lexical helpers
 *   qnet.c      the network language, and measuring networks (from their
 *               layers; built with the reference library to check)
 *   qvariant.c  a student's variant: parameter values, expected values, texts
 *   qbank.c     parsing and loading the banks
 *   qanswers.c  reading answers.txt
 *   qgrade.c    grading the answers, and the question items of a result
 *   qsheet.c    the answers sheet, and the staff's checks of a variant
 *
 * A question never stores its answer. It declares networks (measured from
 * their layers, qnet.c) and an answer expression over their measured
 * quantities and the question's parameters; the expression language is
 * numbers, parameter names, `net.quantity`, + - * / ^ and parentheses, and
 * nothing else: no calls, no loops, no side effects. The bank format is
 * documented at the top of every labs/NN-<lab>/questions.txt. */
#ifndef TG_QBANK_H
#define TG_QBANK_H

#include <stddef.h>

#include "questions.h"
#include "text.h"

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

enum unit_kind { U_EXACT, U_SIZE, U_RATIO };

struct unit {
    const char *name;          /* as a bank writes it after `unit` */
    enum unit_kind kind;
    double scale;              /* sizes: bytes per unit; 1 for the others */
    const char *shown;         /* written after a value in feedback: "MB", "FLOPs", "" */
    const char *describe;      /* "Answer in: ..." in answers.txt */
    const char *words[6];      /* what an answer may write after its number (any case) */
};

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

/* What a network is measured by: `<net>.<quantity>` in an answer. */
enum {
    NQ_PARAMS, NQ_PARAM_TENSORS, NQ_PARAM_BYTES, NQ_FLOPS, NQ_INPUT_BYTES, NQ_OUTPUT_BYTES,
    NQ_ACTIVATION_BYTES, NQ_OUT_SIZE, NQ_OUT_FEATURES, NQ_OUT_NDIM, NQ_LAYERS, NQ_N
};

struct netq {
    double v[NQ_N];
};

/* Their names in a bank, NQ_* order (qexpr.c). */
extern const char *const q_nq_names[NQ_N];

/* The measurements already made for one student: questions that share a
 * network (same layers, same input) measure it once. */
struct mcache {
    struct mentry {
        char *key;             /* the input shape and the layers, spelt out */
        struct netq q;
    } *v;
    size_t n, cap;
    int verify;                /* also build each network with the reference library, which must agree */
};

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

/* One question for one student: the parameter values, the expected value
 * in the question's unit. */
struct qeval {
    double values[Q_MAX_PARAMS];
    double expected;
};

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

/* qanswers.c */
void q_add_note(struct answers *a, unsigned line, char *text);
void q_answers_free(struct answers *a);
int q_answers_utf8(const char *text, size_t len, char **out, size_t *out_len, const char **why, char **err);
int q_key_names(const struct tg_questions *qs, const char *key, const struct question *q);
void q_parse_answers(struct answers *a, const char *text, size_t len);
char *q_shown(const char *s);
/* Notes every line of a whose key names no question of qs (a->oom on failure). */
void q_note_unknown_keys(const struct tg_questions *qs, struct answers *a);

/* qexpr.c */
int q_cur_const(struct cur *c, double *v);
int q_cur_expect(struct cur *c, char ch);
int q_cur_fail(struct cur *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
size_t q_cur_word(struct cur *c, char *buf, size_t len);
void q_cur_ws(struct cur *c);
int q_eval_string(const char *s, const struct env *env, double *v, char **err);
int q_ex_sum(struct cur *c, double *v);
int q_ieqn(const char *s, size_t n, const char *w);
int q_is_name_char(int c);
int q_is_name_start(int c);
const char *q_skip_ws(const char *p);
char *q_trim_dup(const char *s, size_t n);

/* qgrade.c */
int q_grade_one(const struct tg_questions *qs, const struct question *q, const struct qeval *ev,
                const struct answers *a, const char *all_why, int reveal, struct tg_item *it);
int q_cmp_note(const void *x, const void *y);

/* qnet.c */
void q_mcache_free(struct mcache *mc);
int q_net_measure(const struct qnet *net, const struct env *penv, int dry, struct mcache *mc, struct netq *out,
                  char **err);

/* qunits.c */
void q_fmt_grouped(char *buf, size_t len, double v);
void q_fmt_value(char *buf, size_t len, double v, const struct unit *u, int digits);
int q_number_is(const struct number *n, double expected, int *whole);
enum verdict q_read_answer(const char *s, const struct unit *u, struct number *num, const struct unit **said,
                           char *buf, size_t blen);
int q_same_answer(const char *x, const char *y, const struct unit *u);
const struct unit *q_unit_named(const char *name);

/* qvariant.c */
char *q_fill_text(const char *text, const struct env *penv, char **err);
int q_question_eval(const struct question *q, const char *sid, int dry, struct mcache *mc, struct qeval *ev,
                    char **err);

#endif /* TG_QBANK_H */
