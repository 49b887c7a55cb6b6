/* qvariant.c - a student's variant of a question: each parameter's value,
 * drawn from a fixed hash of the student id, the expected value computed
 * from the question's networks and answer expression, and the question's
 * text with its numbers filled in (qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fnv.h"
#include "qbank.h"

/* The value of parameter i of q for student sid (NULL: the course's), one
 * of its choices drawn by FNV-1a (fnv.h), which never changes and spreads
 * short, similar ids (s101, s102) well once mixed. The numbers are not
 * secret and need not be: they are not the answers, which every student
 * computes. */
static double param_value(const struct question *q, size_t i, const char *sid)
{
    const struct qparam *p = &q->params[i];
    if (sid == NULL || p->n_choices == 0)
        return p->def;
    /* Hashed: the id, the question's variant (its full id, unless questions
     * share one) and the parameter's name, each NUL-terminated so that
     * ("ab", "c") and ("a", "bc") differ. */
    const char *key = q->variant ? q->variant : q->full_id;
    uint64_t h = tg_fnv1a64(TG_FNV_OFFSET, sid, strlen(sid) + 1);
    h = tg_fnv1a64(h, key, strlen(key) + 1);
    h = tg_fnv1a64(h, p->name, strlen(p->name) + 1);
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

int q_question_eval(const struct question *q, const char *sid, int dry, struct mcache *mc, struct qeval *ev,
                    char **err)
{
    struct netq nets[Q_MAX_NETS];
    char *why = NULL;
    *err = NULL;
    for (size_t i = 0; i < q->n_params; i++)
        ev->values[i] = param_value(q, i, sid);
    struct env penv = {.q = q, .values = ev->values};
    for (size_t n = 0; n < q->n_nets; n++)
        if (q_net_measure(&q->nets[n], &penv, dry, mc, &nets[n], &why) != 0)
            goto fail;
    struct env aenv = {.q = q, .values = ev->values, .nets = nets, .dry = dry};
    double base;
    if (q_eval_string(q->answer, &aenv, &base, &why) != 0)
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
char *q_fill_text(const char *text, const struct env *penv, char **err)
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
        int r = q_eval_string(expr, penv, &v, &why);
        free(expr);
        if (r != 0) {
            *err = tg_asprintf("in a {placeholder}: %s", why ? why : "out of memory");
            free(why);
            goto fail;
        }
        char num[64];
        if (v == floor(v) && fabs(v) < Q_EXACT_MAX) {
            if (fabs(v) >= 1e4)
                q_fmt_grouped(num, sizeof num, v);
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
