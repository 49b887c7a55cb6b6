/* setup_mark.h - the words a hidden test puts before a failure of its setup
 * (a call that only prepares what the test checks), so that ttgrade can say
 * the check itself was never reached (grader/attribute.c). */
#ifndef TT_SETUP_MARK_H
#define TT_SETUP_MARK_H

#define TT_SETUP_MARK "setup: "

#endif /* TT_SETUP_MARK_H */
