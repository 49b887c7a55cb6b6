/* compile-forever: includes itself twice at each of 40 levels, so the
 * preprocessor has 2^40 files to read and never finishes (in bounded memory:
 * no tokens are produced). Expected: the compiler is stopped at its time
 * limit, the lab does not compile; no test point. Needs __INCLUDE_LEVEL__
 * (gcc, clang). */
#if __INCLUDE_LEVEL__ < 40
#include __FILE__
#include __FILE__
#endif
