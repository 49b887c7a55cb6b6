/* libc-fork-bomb: the plain form of fork-bomb, with fork() (bounded: 64
 * processes, each exits after 20 s). Expected: refused at inspection
 * ("calls 'fork'"); nothing runs; no point. */
#include <unistd.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL) {
        int child = 0;
        for (int level = 0; level < 6; level++)
            if (fork() == 0)
                child = 1;
        if (child) {
            sleep(20);
            _exit(0);
        }
    }
    return NULL;
}
