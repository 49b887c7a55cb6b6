/* error.c - the thread-local "last error" behind tt_last_status() and tt_last_error().
 * Support code: complete in the kit, not a lab. */
#include <stdarg.h>
#include <stdio.h>

#include "tt_error.h"

static _Thread_local tt_status last_status = TT_OK;
static _Thread_local char last_message[TT_ERROR_MAX];

tt_status tt_last_status(void) { return last_status; }

const char *tt_last_error(void) { return last_message; }

void tt_clear_error(void)
{
    last_status = TT_OK;
    last_message[0] = '\0';
}

tt_status tt_set_error(tt_status status, const char *fmt, ...)
{
    va_list ap;
    last_status = status;
    va_start(ap, fmt);
    /* vsnprintf cuts a long message and always terminates it. */
    if (vsnprintf(last_message, sizeof last_message, fmt, ap) < 0)
        last_message[0] = '\0';
    va_end(ap);
    return status;
}

tt_status tt_not_implemented(const char *func)
{
    return tt_set_error(TT_ENOTIMPL, "%s: not implemented yet", func ? func : "?");
}

const char *tt_status_name(tt_status status)
{
    switch (status) {
    case TT_OK: return "TT_OK";
    case TT_ENOMEM: return "TT_ENOMEM";
    case TT_EINVAL: return "TT_EINVAL";
    case TT_ESHAPE: return "TT_ESHAPE";
    case TT_ENOTIMPL: return "TT_ENOTIMPL";
    }
    return "TT_(unknown)";
}
