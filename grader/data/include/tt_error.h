/* tt_error.h - status codes and the thread-local "last error" of the ttlab library.
 *
 * Every ttlab call that can fail returns NULL (or a status other than TT_OK) and
 * records why: tt_last_status() says what kind of failure, tt_last_error() says it
 * in words. Library code never prints and never calls exit().
 */
#ifndef TT_ERROR_H
#define TT_ERROR_H

#include <stddef.h>

typedef enum {
    TT_OK = 0,     /* success */
    TT_ENOMEM,     /* an allocation failed */
    TT_EINVAL,     /* a bad argument: NULL, out of range, wrong kind of module */
    TT_ESHAPE,     /* tensor shapes do not fit together */
    TT_ENOTIMPL    /* not implemented (yet): the student skeleton returns this */
} tt_status;

/* The longest message tt_last_error() keeps, including the final NUL. */
#define TT_ERROR_MAX 256

/* The status of the last failing call on this thread (TT_OK if none since the
 * last tt_clear_error()). Successful calls do not reset it, as with errno. */
tt_status tt_last_status(void);

/* The message of the last failing call on this thread; "" if none. The string
 * belongs to the library and stays valid until the next failing call. */
const char *tt_last_error(void);

/* Forget the last error: tt_last_status() is TT_OK again. */
void tt_clear_error(void);

/* Record a failure with a printf-style message and return `status`, so that a
 * function can write `return tt_set_error(TT_EINVAL, "x is NULL");`. Messages
 * longer than TT_ERROR_MAX - 1 bytes are cut. */
tt_status tt_set_error(tt_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Record TT_ENOTIMPL with the message "<func>: not implemented yet" and return
 * TT_ENOTIMPL. The student skeletons call it from every function body that is
 * still a TODO. */
tt_status tt_not_implemented(const char *func);

/* A short name for a status: "TT_OK", "TT_ESHAPE", ... */
const char *tt_status_name(tt_status status);

#endif /* TT_ERROR_H */
