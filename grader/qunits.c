/* qunits.c - the units a question's answer is given in, and numbers in
 * them: shown in feedback and answers sheets, and read from a student's
 * answer, exactly for counts and within a tolerance for sizes and ratios
 * (qbank.h). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbank.h"

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

const struct unit *q_unit_named(const char *name)
{
    for (size_t i = 0; i < N_UNITS; i++)
        if (strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

/* A whole number with thousands separators, "15,036,736". */
void q_fmt_grouped(char *buf, size_t len, double v)
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
void q_fmt_value(char *buf, size_t len, double v, const struct unit *u, int digits)
{
    char num[64];
    if (u->kind == U_EXACT || (fabs(v) < Q_EXACT_MAX && v == floor(v) && fabs(v) >= 1e4))
        q_fmt_grouped(num, sizeof num, v);
    else
        snprintf(num, sizeof num, "%.*g", digits, v);
    snprintf(buf, len, "%s%s%s", num, u->shown[0] ? " " : "", u->shown);
}

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
 * number below 2^53, as q_question_eval guarantees for exact units)? */
int q_number_is(const struct number *n, double expected, int *whole)
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
enum verdict q_read_answer(const char *s, const struct unit *u, struct number *num, const struct unit **said,
                           char *buf, size_t blen)
{
    size_t int_digits = 0, group = 0;
    int commas = 0, bad_group = 0;
    const char *p = q_skip_ws(s);
    memset(num, 0, sizeof *num);
    *said = NULL;
    if (*p == '~')
        p = q_skip_ws(p + 1);
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
    p = q_skip_ws(p);
    if (*p == '%') {
        if (u->kind != U_RATIO) {
            snprintf(buf, blen, "a percentage answers only a ratio, and this answer is %s", u->describe);
            return V_UNREADABLE;
        }
        exp10 -= 2;
        p = q_skip_ws(p + 1);
    }
    /* The unit, if any. */
    const char *w = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
        p++;
    size_t wl = (size_t)(p - w);
    const char *after = q_skip_ws(p);
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
                if (q_ieqn(w, wl, units[i].words[k]))
                    found = &units[i];
        /* kFLOPs, MFLOPs, GFLOPs, TFLOPs */
        if (found == NULL && wl > 1 && strchr("kKMGT", w[0]) != NULL) {
            const struct unit *fl = q_unit_named("flops");
            for (size_t k = 0; fl->words[k] != NULL; k++) {
                if (q_ieqn(w + 1, wl - 1, fl->words[k])) {
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
int q_same_answer(const char *x, const char *y, const struct unit *u)
{
    struct number a, b;
    const struct unit *said;
    char why[256];
    if (strcmp(x, y) == 0)
        return 1;
    if (q_read_answer(x, u, &a, &said, why, sizeof why) != V_RIGHT ||
        q_read_answer(y, u, &b, &said, why, sizeof why) != V_RIGHT)
        return 0;
    return a.neg == b.neg && a.exp10 == b.exp10 && a.nd == b.nd && memcmp(a.digits, b.digits, a.nd) == 0;
}
