/* attribute.h - the last pass over a graded result: each failed item's
 * message gets a line saying whose fault it points at when the message alone
 * would mislead (issue 19, item 4). It changes no verdict and no score. */
#ifndef TG_ATTRIBUTE_H
#define TG_ATTRIBUTE_H

#include "setup_mark.h"
#include "ttgrade.h"

/* For every failed item of every graded lab of res, adds to its output:
 *   - when the error it quotes ("TT_EINVAL: tt_module_add_module: ...") was
 *     recorded by a function of another lab: which lab and file that is, and
 *     that the graded lab's file made the call;
 *   - when a test failed in its setup (TT_SETUP_MARK): that its own check,
 *     named by the rubric's description, was never reached (the mark goes);
 *   - where the student's file (srcdir/<lab>.c, read as text) is involved:
 *     its only call of that other lab's function, the only line that
 *     records the error its own function reported, the stub of a function
 *     "not implemented yet" (a note that cannot be placed is left out);
 *   - when a memory check's leaked block was allocated by the driver (its
 *     first frame is mem_<lab>.c): the ownership rule the scenario checks,
 *     its rubric description.
 * Returns 0, or -1 when memory ran out (res still whole: an output is only
 * replaced once its new text exists). */
int tg_attribute(struct tg_result *res, const char *srcdir);

#endif /* TG_ATTRIBUTE_H */
