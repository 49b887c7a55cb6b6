/* valgrind.c - the token and the environment of a program run under
 * Valgrind (see valgrind.h). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "valgrind.h"

char **tg_valgrind_env(char *const *base, const char *token_var)
{
    size_t n = 0;
    while (base[n] != NULL)
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (env == NULL)
        return NULL;
    size_t name_len = strcspn(token_var, "=") + 1; /* "TTMEM_TOKEN=" */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(base[i], "VALGRIND_OPTS=", 14) != 0 && strncmp(base[i], token_var, name_len) != 0)
            env[k++] = base[i];
    env[k++] = (char *)token_var;
    env[k] = NULL;
    return env;
}

void tg_valgrind_token(char out[17])
{
    unsigned char raw[8];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, raw, sizeof raw) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof raw) {
        unsigned long long v = (unsigned long long)(tg_now() * 1e9) ^ ((unsigned long long)getpid() << 32);
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (unsigned char)(v >> (8 * i));
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}
