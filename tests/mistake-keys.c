/* mistake-keys.c - unit test of tg_mistake_key (grader/mistake.c), in TAP:
 * messages that show the same mistake get one key, messages that show
 * different mistakes get different keys, and the key drops what varies from
 * student to student (numbers, shapes, lines, identifiers, quoted text). Run
 * by tests/batch.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../grader/mistake.h"

static int n, failed;

static void check(int good, const char *what, const char *a, const char *b)
{
    n++;
    printf("%sok %d - %s\n", good ? "" : "not ", n, what);
    if (!good) {
        failed = 1;
        printf("# %s\n# %s\n", a ? a : "(NULL)", b ? b : "(NULL)");
    }
}

/* same: 1 if a and b must share a key, 0 if they must not. */
static void pair(int same, const char *what, const char *a, const char *b)
{
    char *ka = tg_mistake_key(a), *kb = tg_mistake_key(b);
    check(ka != NULL && kb != NULL && (strcmp(ka, kb) == 0) == same, what, ka, kb);
    free(ka);
    free(kb);
}

/* The key holds `want` and none of the student-specific `gone`. */
static void holds(const char *what, const char *msg, const char *want, const char *gone)
{
    char *k = tg_mistake_key(msg);
    check(k != NULL && strstr(k, want) != NULL && (gone == NULL || strstr(k, gone) == NULL), what, k, want);
    free(k);
}

int main(void)
{
    pair(1, "shapes and values differ, the mistake is the same",
         "tt_matmul((2, 3), (4, 2))\nexpected: TT_ESHAPE\ngot: TT_EINVAL",
         "tt_matmul((5, 1, 7), (8,))\n  expected: TT_ESHAPE\n  got: TT_EINVAL");
    pair(0, "a different status is a different mistake",
         "tt_matmul((2, 3), (4, 2))\nexpected: TT_ESHAPE\ngot: TT_EINVAL",
         "tt_matmul((2, 3), (4, 2))\nexpected: TT_ESHAPE\ngot: TT_OK");
    pair(1, "leaks: byte counts, line numbers and the allocating function are dropped",
         "2452 bytes definitely lost, allocated at mem_module.c:35 in node_new",
         "56 bytes definitely lost, allocated at mem_module.c:167 in copy_name");
    pair(0, "a leak and an invalid read differ",
         "56 bytes definitely lost, allocated at module.c:41 in copy_name",
         "Invalid read of size 8 at module.c:41 in copy_name");
    pair(1, "identifiers holding a digit are dropped", "name layer_1 already used", "name layer_12 already used");
    pair(1, "quoted text is dropped", "the error message should contain \"Abstract: x\"\ngot: \"not implemented\"",
         "the error message should contain \"Linear: y\"\ngot: \"oops\"");
    pair(1, "element indices of any rank, and floats, are dropped",
         "Linear(4, 3) forward of (2, 3, 4): element [0][0][1]\nexpected: 0.3018947\ngot: -1.5e-07",
         "Linear(1, 1) forward of (1, 1): element [0][0]\nexpected: -0.07459012\ngot: 0.005696285");
    pair(1, "Valgrind's \"not listed\" line and later lines do not count",
         "not run: tt_linear_new failed\n(Valgrind also saw 6 problems in it, not listed)",
         "not run: tt_linear_new failed\n(Valgrind also saw 4 problems in it, not listed)\nmore");
    holds("expected and got read as one sentence, library names kept",
          "tt_matmul((2, 3), (4, 2))\nexpected: TT_ESHAPE\ngot: TT_EINVAL",
          "tt_matmul((shape), (shape)): got TT_EINVAL where TT_ESHAPE was expected", "2");
    holds("a crash keeps the signal and the file, not the line or the function",
          "killed by SIGSEGV at matmul.c:18 in my_helper_2", "killed by SIGSEGV at matmul.c:N in FN", "18");
    char *k = tg_mistake_key("");
    check(k != NULL && k[0] == '\0', "an empty message has the empty key", k, "");
    free(k);
    char *big = malloc(5001);
    if (big != NULL) {
        memset(big, 'a', 5000);
        big[5000] = '\0';
    }
    k = big ? tg_mistake_key(big) : NULL;
    check(k != NULL && strlen(k) <= 200 && strchr(k, '\n') == NULL, "a long message gives one line of at most 200 bytes", k, "");
    free(k);
    free(big);
    printf("1..%d\n", n);
    return failed;
}
