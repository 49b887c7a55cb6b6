/* kit_optional.h - the labs' optional functions in the student kit, treated
 * as the course's grader treats them: a lab file without one still builds
 * and is graded in full. Today that is tt_matmul_fast (lab 1's performance
 * tier, extra credit), which the public tests call but no graded test needs.
 *
 * The kit compiles the public tests with this header forced in front
 * (-include kit/kit_optional.h, for make check and make grade): their calls
 * of tt_matmul_fast go to kit_matmul_fast (kit_optional.c), which calls
 * yours if student/matmul.c has it and otherwise skips the test, saying why.
 * The tests' own text is unchanged; your code never sees this header. */
#ifndef TTLAB_KIT_OPTIONAL_H
#define TTLAB_KIT_OPTIONAL_H

/* tinytorch.h, included after this, declares kit_matmul_fast under the name
 * tt_matmul_fast, with tt_matmul_fast's contract. */
#define tt_matmul_fast kit_matmul_fast

#endif /* TTLAB_KIT_OPTIONAL_H */
