/* valgrind.h - what every program the grader runs under Valgrind needs
 * (the memory checks, memcheck.h; the crash reruns, grade.c; the
 * performance tier under callgrind, perf.h): a marker token student code
 * cannot forge, and an environment that carries it and no options of its
 * own. */
#ifndef TG_VALGRIND_H
#define TG_VALGRIND_H

/* 16 random hex digits, for markers student code cannot forge. */
void tg_valgrind_token(char out[17]);

/* The environment of a program run under Valgrind: base (the test programs'
 * one) without $VALGRIND_OPTS (our options must be the only ones) and without
 * the variable token_var sets ("NAME=value"), plus token_var. The strings are
 * borrowed; free the array only. NULL when memory ran out. */
char **tg_valgrind_env(char *const *base, const char *token_var);

#endif /* TG_VALGRIND_H */
