/* ttunpack.c - the program ttgrade runs, in its unpack sandbox, to read a
 * submission's archive (unpack.h): it writes the wanted files it takes, and
 * only those, flat into OUTDIR, and tells ttgrade the rest on stdout.
 *
 *   ttunpack ARCHIVE OUTDIR NAME=MAX...
 *
 * NAME=MAX: a wanted file name ("matmul.c") and the most bytes it may hold.
 * Stdout, one line each (every text one line, member names quoted):
 *   note TEXT           something the report should say (duplicates, ...)
 *   refused NAME TEXT   NAME was there but is refused: TEXT says why
 *   error KIND TEXT     the archive is not read at all; KIND is one of
 *                       list, refused, extract, nolab
 * Exit status: 0 read (refused files included), 1 an error line, 2 usage or
 * an internal failure (no memory, cannot write OUTDIR). */
#define _XOPEN_SOURCE 700 /* openat, O_DIRECTORY */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unpack.h"

/* Writes len bytes of data to dir/name, a new file. 0, or -1 with errno. */
static int write_new(const char *dir, const char *name, const char *data, size_t len)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        errno = e;
        return -1;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            e = w < 0 ? errno : EIO;
            close(fd);
            errno = e;
            return -1;
        }
        off += (size_t)w;
    }
    return close(fd);
}

int main(int argc, char **argv)
{
    static const char *const kinds[] = {[TU_UNREADABLE] = "list", [TU_REFUSED] = "refused",
                                        [TU_BROKEN] = "extract", [TU_NO_LAB_FILE] = "nolab"};
    if (argc < 4) {
        fprintf(stderr, "usage: ttunpack ARCHIVE OUTDIR NAME=MAX...\n");
        return 2;
    }
    size_t n = (size_t)argc - 3;
    struct tu_want *want = calloc(n, sizeof *want);
    if (want == NULL) {
        fprintf(stderr, "ttunpack: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        char *arg = argv[i + 3], *eq = strchr(arg, '='), *end;
        /* A wanted name is a plain file name: it is written in OUTDIR. */
        if (eq == NULL || eq == arg || memchr(arg, '/', (size_t)(eq - arg)) != NULL ||
            (eq - arg <= 2 && arg[0] == '.')) {
            fprintf(stderr, "ttunpack: bad wanted file '%s' (want NAME=MAX)\n", arg);
            free(want);
            return 2;
        }
        *eq = '\0';
        want[i].name = arg;
        errno = 0;
        want[i].max = strtoll(eq + 1, &end, 10);
        if (errno != 0 || *end != '\0' || want[i].max < 0 || want[i].max > (1LL << 30)) {
            fprintf(stderr, "ttunpack: bad size in '%s=%s'\n", arg, eq + 1);
            free(want);
            return 2;
        }
    }
    struct tu_result res;
    int status = 0;
    if (tu_unpack(argv[1], NULL, 0, want, n, &res) != 0) {
        fprintf(stderr, "ttunpack: out of memory\n");
        status = 2;
    } else if (res.error != TU_OK) {
        printf("error %s %s\n", kinds[res.error], res.message);
        status = 1;
    } else {
        for (size_t i = 0; i < res.n_notes; i++)
            printf("note %s\n", res.notes[i]);
        for (size_t i = 0; i < n && status == 0; i++) {
            if (res.files[i].why != NULL)
                printf("refused %s %s\n", want[i].name, res.files[i].why);
            else if (res.files[i].taken && write_new(argv[2], want[i].name, res.files[i].data, res.files[i].len) != 0) {
                fprintf(stderr, "ttunpack: cannot write %s in %s: %s\n", want[i].name, argv[2], strerror(errno));
                status = 2;
            }
        }
    }
    tu_result_free(&res);
    free(want);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "ttunpack: cannot write its report: %s\n", strerror(errno));
        status = 2;
    }
    return status;
}
