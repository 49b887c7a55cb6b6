/* module.c - the "all-hang" example: every function of the lab loops forever,
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

void tt_module_init(tt_module *m, const tt_module_ops *ops)
{
    (void)m;
    (void)ops;
    spin();
}

tt_status tt_module_add_parameter(tt_module *m, const char *name, tt_tensor *p)
{
    (void)m;
    (void)name;
    (void)p;
    spin();
}

tt_status tt_module_add_module(tt_module *m, const char *name, tt_module *child)
{
    (void)m;
    (void)name;
    (void)child;
    spin();
}

size_t tt_module_parameters(const tt_module *m, tt_tensor **out, size_t max)
{
    (void)m;
    (void)out;
    (void)max;
    spin();
}

size_t tt_module_num_parameters(const tt_module *m)
{
    (void)m;
    spin();
}

tt_status tt_module_named_parameters(const tt_module *m, tt_param_fn fn, void *ctx)
{
    (void)m;
    (void)fn;
    (void)ctx;
    spin();
}

tt_tensor *tt_module_forward(tt_module *m, const tt_tensor *x)
{
    (void)m;
    (void)x;
    spin();
}

const char *tt_module_name(const tt_module *m)
{
    (void)m;
    spin();
}

void tt_module_free(tt_module *m)
{
    (void)m;
    spin();
}
