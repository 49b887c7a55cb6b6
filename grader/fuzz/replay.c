/* replay.c - runs fuzz_unpack.c's harness without libFuzzer, once per file
 * named on the command line: how `make check` builds and exercises it
 * (tests/intake.sh), and how a crash the fuzzer saved is replayed under gdb
 * or Valgrind. Exit status 0 when every file was read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            perror(argv[i]);
            return 1;
        }
        /* The archives ttgrade takes are at most 64 MiB (intake.c). */
        size_t cap = 64u << 20, len = 0;
        unsigned char *buf = malloc(cap);
        if (buf == NULL) {
            fclose(f);
            fprintf(stderr, "replay: out of memory\n");
            return 1;
        }
        len = fread(buf, 1, cap, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, len);
        free(buf);
    }
    return 0;
}
