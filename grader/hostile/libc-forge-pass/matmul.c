/* libc-forge-pass: the plain form of forge-pass: getenv("TTGRADE_PASS_FILE")
 * and fopen() to append forged PASS records. Expected: refused at inspection
 * ("calls 'getenv'"); no point. */
#include <stdio.h>
#include <stdlib.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    const char *path = getenv("TTGRADE_PASS_FILE");
    FILE *f = path != NULL ? fopen(path, "a") : NULL;
    if (f != NULL) {
        fprintf(f, "PASS matmul::known_values_2x3_3x4 0.001\n");
        fclose(f);
    }
    (void)a;
    (void)b;
    return NULL;
}
