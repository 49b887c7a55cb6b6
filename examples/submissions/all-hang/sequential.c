/* sequential.c - the "all-hang" example: every function of the lab loops forever,
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

tt_status tt_sequential_add(tt_module *seq, tt_module *layer)
{
    (void)seq;
    (void)layer;
    spin();
}

tt_module *tt_sequential_new(tt_module *const *layers, size_t n)
{
    (void)layers;
    (void)n;
    spin();
}

size_t tt_sequential_len(const tt_module *seq)
{
    (void)seq;
    spin();
}
