/* flatten.c - the "all-hang" example: every function of the lab loops forever,
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

tt_tensor *tt_flatten(const tt_tensor *x, int start_dim)
{
    (void)x;
    (void)start_dim;
    spin();
}

tt_module *tt_flatten_new(int start_dim)
{
    (void)start_dim;
    spin();
}
