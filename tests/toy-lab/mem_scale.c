/* mem_scale.c - the memory driver of lab 6: tt_scale's result is the
 * caller's to free, and a refused call leaves nothing behind. */
#include "scenario.h"

static void result_freed(mem_ctx *c)
{
    tt_tensor *x = mem_tensor(c, 2, (const size_t[]){3, 4});
    if (x == NULL)
        return;
    tt_clear_error();
    tt_tensor *y = tt_scale(x, 3.0f);
    if (mem_got(c, y, "tt_scale"))
        tt_tensor_free(y);
    tt_tensor_free(x);
}

static const mem_scenario scenarios[] = {
    MEM_SCENARIO(result_freed, 2, "the result, freed by the caller", "tt_scale((3, 4), 3) freed by the caller"),
};

int main(int argc, char **argv)
{
    return mem_main(argc, argv, "scale", scenarios, sizeof scenarios / sizeof scenarios[0]);
}
