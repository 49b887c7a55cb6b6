/* relu.c - the ReLU module, max(0, x), so the course's MLPs can be built.
 * Support code: complete in the kit, not a lab. It is a small, finished example
 * of a module type: an ops table, a forward, and a constructor. */
#include <stdlib.h>

#include "tt_module.h"

/* x is any shape; returns a new tensor of the same shape. */
static tt_tensor *relu_forward(tt_module *self, const tt_tensor *x)
{
    (void)self;
    tt_tensor *y = tt_tensor_copy(x);
    if (y == NULL)
        return NULL;
    for (size_t i = 0; i < y->size; i++)
        if (y->data[i] < 0.0f)
            y->data[i] = 0.0f;
    return y;
}

static const tt_module_ops relu_ops = {
    .name = "ReLU",
    .forward = relu_forward,
    .destroy = NULL,
};

tt_module *tt_relu_new(void)
{
    tt_module *m = calloc(1, sizeof *m);
    if (m == NULL) {
        tt_set_error(TT_ENOMEM, "tt_relu_new: out of memory");
        return NULL;
    }
    tt_module_init(m, &relu_ops);
    return m;
}
