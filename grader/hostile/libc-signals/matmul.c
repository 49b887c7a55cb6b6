/* libc-signals: the plain form of signal-proof-loop: ignores SIGTERM and
 * SIGALRM with signal(), blocks every signal with sigprocmask(), then spins
 * forever. Expected: refused at inspection ("calls 'sig..."); no point. */
#define _POSIX_C_SOURCE 200809L /* sigset_t, sigprocmask */
#include <signal.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL) {
        sigset_t all;
        signal(SIGTERM, SIG_IGN);
        signal(SIGALRM, SIG_IGN);
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, NULL);
        for (volatile int spin = 0; spin >= 0; spin = (spin + 1) % 1000)
            ;
    }
    return NULL;
}
