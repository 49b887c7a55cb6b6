/* libc-network: the plain form of network: socket() and connect() to
 * 127.0.0.1:47613, where the test listens. Expected: refused at inspection
 * ("calls 'socket'"); no connection arrives; no point. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tinytorch.h"

tt_tensor *tt_matmul(const tt_tensor *a, const tt_tensor *b)
{
    if (a != NULL && b != NULL) {
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_port = htons(47613);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            write(fd, "ttlab hostile connection\n", 25);
        close(fd);
    }
    return NULL;
}
