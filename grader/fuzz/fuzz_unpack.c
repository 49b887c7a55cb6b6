/* fuzz_unpack.c - a libFuzzer harness over the archive reader (unpack.h):
 * arbitrary bytes read as an archive for the wanted files ttgrade asks for.
 * It checks what unpack.h promises: either an error with a one-line message,
 * or files each taken within its cap or refused with a one-line reason.
 *
 * `make fuzz-unpack` builds it with clang -fsanitize=fuzzer,address,undefined
 * and runs it (grader/fuzz/fuzz.mk); `make check` builds it with replay.c
 * instead of libFuzzer and runs it over archives (tests/intake.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *s)
{
    if (s == NULL || s[0] == '\0' || strchr(s, '\n') != NULL || strchr(s, '\r') != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Small caps, so that the fuzzer meets them often. */
    static const struct tu_want want[] = {
        {"matmul.c", 4096}, {"module.c", 4096}, {"linear.c", 4096},
        {"sequential.c", 4096}, {"flatten.c", 4096}, {"answers.txt", 512},
    };
    size_t n = sizeof want / sizeof want[0];
    struct tu_result res;
    if (tu_unpack(NULL, data, size, want, n, &res) != 0) {
        tu_result_free(&res);
        return 0;
    }
    if (res.error != TU_OK) {
        check_line(res.message);
    } else {
        if (res.n_files != n)
            abort();
        for (size_t i = 0; i < res.n_notes; i++)
            check_line(res.notes[i]);
        for (size_t i = 0; i < n; i++) {
            const struct tu_file *f = &res.files[i];
            if (f->taken && (f->why != NULL || f->data == NULL || f->len > (size_t)want[i].max))
                abort();
            if (f->why != NULL)
                check_line(f->why);
        }
    }
    tu_result_free(&res);
    return 0;
}
