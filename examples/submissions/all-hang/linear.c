/* linear.c - the "all-hang" example: every function of the lab loops forever,
 * the most common student bug, in every call that the hidden tests and the
 * memory driver make. */
#include "tinytorch.h"

/* Spins for ever (a volatile counter: the loop cannot be optimised away). */
_Noreturn static void spin(void)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}

tt_module *tt_linear_new(size_t in_features, size_t out_features, bool use_bias, tt_rng *rng)
{
    (void)in_features;
    (void)out_features;
    (void)use_bias;
    (void)rng;
    spin();
}

tt_tensor *tt_linear_weights(const tt_module *m)
{
    (void)m;
    spin();
}

tt_tensor *tt_linear_bias(const tt_module *m)
{
    (void)m;
    spin();
}
