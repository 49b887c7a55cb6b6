/* mistake.h - a failure message reduced to the mistake it shows, so that the
 * class summary can group the same mistake made by many students.
 *
 * A pure function of its text: no state, no I/O. */
#ifndef TG_MISTAKE_H
#define TG_MISTAKE_H

/* The key of the mistake a test's or memory check's message shows: its first
 * line and its "expected:" and "got:" lines, with numbers (and so line
 * numbers and addresses) made N, shapes "(2, 3)" made "(shape)", runs of
 * indices "[0][1]" one "[N]", quoted text "...", identifiers that hold a
 * digit ("layer_1") ID, and the function named after a file:line FN; names of
 * the library (tt_..., TT_...) are kept. With both an expected and a got
 * line it reads "FIRST LINE: got G where E was expected". At most 200 bytes,
 * one line. Returns a malloc'd string ("" for a message with no text), or
 * NULL when memory ran out. */
char *tg_mistake_key(const char *message);

#endif /* TG_MISTAKE_H */
