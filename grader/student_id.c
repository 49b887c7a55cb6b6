/* student_id.c - trims and checks a student id (see student_id.h).
 *
 * The character set is ASCII on purpose: an id is hashed byte by byte to
 * draw the student's numbers, and "é" typed on two machines may be two
 * different byte strings (NFC or NFD), so the same student would get two
 * sets of numbers. */
#include <string.h>

#include "student_id.h"
#include "text.h"

#define STR_(x) #x
#define STR(x) STR_(x)

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '.' ||
           c == '_' || c == '@' || c == '+' || c == '-';
}

const char *tg_student_id_trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n > 0 && is_blank(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    *len = n;
    return s;
}

const char *tg_student_id_problem(const char *s, size_t len)
{
    s = tg_student_id_trim(s, &len);
    if (len == 0)
        return "the student id is empty";
    if (len > TG_STUDENT_ID_MAX)
        return "the student id is longer than " STR(TG_STUDENT_ID_MAX) " characters";
    if (len == 1 && s[0] == '-')
        return "\"-\" stands for the course's own numbers: it is not a student id";
    if (s[0] == '.' || s[0] == '-')
        return "a student id may not start with '.' or '-'";
    for (size_t i = 0; i < len; i++)
        if (!is_id_char(s[i]))
            return "a student id may hold only ASCII letters, digits, spaces and . _ @ + -";
    return NULL;
}

char *tg_student_id_normalize(const char *s, size_t len, const char **why)
{
    *why = tg_student_id_problem(s, len);
    if (*why != NULL)
        return NULL;
    s = tg_student_id_trim(s, &len);
    return tg_strndup(s, len);
}
