/* matmul.c - the "all-hang" example: every function of the lab loops forever,
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

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    (void)a;
    (void)b;
    spin();
}

tt_tensor *tt_matmul_fast(const tt_tensor *a, const tt_tensor *b)
{
    (void)a;
    (void)b;
    spin();
}
