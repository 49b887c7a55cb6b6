/* rng.c - tt_rng: SplitMix64 bits and Marsaglia's polar method for normals.
 * Support code: complete in the kit, not a lab.
 *
 * Hand-written rather than taken from a library because rand() and the
 * libraries Debian ships differ between platforms, and a seeded network must
 * come out the same on every machine. Only +, *, sqrt (exactly rounded by
 * IEEE 754) and log are used; results are rounded to float at the end. */
#include <math.h>
#include <stddef.h>

#include "tt_rng.h"

void tt_rng_seed(tt_rng *rng, uint64_t seed)
{
    if (rng == NULL)
        return;
    rng->state = seed;
    rng->has_spare = 0;
    rng->spare = 0.0;
}

uint64_t tt_rng_next(tt_rng *rng)
{
    /* SplitMix64 (Steele, Lea and Flood, 2014). */
    uint64_t z = (rng->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

double tt_rng_uniform(tt_rng *rng)
{
    return (double)(tt_rng_next(rng) >> 11) * 0x1.0p-53;
}

float tt_rng_normal(tt_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return (float)rng->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * tt_rng_uniform(rng) - 1.0;
        v = 2.0 * tt_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    rng->spare = v * f;
    rng->has_spare = 1;
    return (float)(u * f);
}
