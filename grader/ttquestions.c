/* ttquestions.c - `ttquestions [options] BANK...`: writes a student's
 * answers.txt (their questions with their own numbers, and blanks to fill
 * in), prints the expected answers for the staff, or checks the banks.
 * `make questions STUDENT_ID=...` runs it; ttgrade grades what comes back.
 * Exit status: 0 done, 1 a bank or file problem, 2 a usage error. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "points.h"
#include "questions.h"
#include "student_id.h"
#include "text.h"

#define DEFAULT_CHECKS 100

static void usage(FILE *f)
{
    fprintf(f, "Usage: ttquestions [options] BANK...\n");
}

static void help(void)
{
    usage(stdout);
    printf("Write a student's answers.txt for the ttlab questions, or check the question\n"
           "banks (labs/NN-<lab>/questions.txt, one per lab: give all five).\n"
           "\n"
           "Options:\n"
           "  --student-id ID   the student whose numbers to use (default: the course's own):\n"
           "                    1 to %d ASCII letters, digits, spaces and . _ @ + -, not\n"
           "                    starting with . or - (blanks around it are removed)\n"
           "  -o FILE           write to FILE (default: standard output)\n"
           "  --force           replace FILE if it exists (default: refuse, so that a\n"
           "                    filled-in answers.txt is never lost)\n"
           "  --key             fill in the expected answers (staff only: never hand it out)\n"
           "  --expected        print `<lab>.<id> = <expected answer>` per question instead\n"
           "  --check[=N]       check the banks: compute every expected answer for the\n"
           "                    course's numbers and for N sample students (default %d)\n"
           "  -h, --help        show this help\n"
           "  --version         show the version\n"
           "\n"
           "Exit status: 0 done, 1 a bank or file problem, 2 a usage error.\n",
           TG_STUDENT_ID_MAX, DEFAULT_CHECKS);
}

/* Writes text to path: atomically, and without replacing an existing file
 * unless force. Returns 0, or -1 with a message printed. */
static int write_file(const char *path, const char *text, int force)
{
    char *tmp = tg_asprintf("%s.tmp.%ld", path, (long)getpid());
    if (tmp == NULL) {
        fprintf(stderr, "ttquestions: out of memory\n");
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "ttquestions: cannot write %s: %s\n", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    int bad = off < len;
    if (close(fd) != 0)
        bad = 1;
    int rc = -1;
    if (bad)
        fprintf(stderr, "ttquestions: cannot write %s: %s\n", tmp, strerror(errno));
    else if (force && rename(tmp, path) != 0)
        fprintf(stderr, "ttquestions: cannot write %s: %s\n", path, strerror(errno));
    else if (!force && link(tmp, path) != 0) /* link never replaces a file */
        fprintf(stderr, "ttquestions: %s: %s\n", path,
                errno == EEXIST ? "it exists already: it may hold answers; move it away, or use --force "
                                  "(make questions FORCE=1)"
                                : strerror(errno));
    else
        rc = 0;
    unlink(tmp);
    free(tmp);
    return rc;
}

int main(int argc, char **argv)
{
    enum { OPT_SID = 256, OPT_FORCE, OPT_KEY, OPT_EXPECTED, OPT_CHECK, OPT_VERSION };
    static const struct option longopts[] = {
        {"student-id", required_argument, NULL, OPT_SID},
        {"force", no_argument, NULL, OPT_FORCE},
        {"key", no_argument, NULL, OPT_KEY},
        {"expected", no_argument, NULL, OPT_EXPECTED},
        {"check", optional_argument, NULL, OPT_CHECK},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *sid_arg = NULL, *out = NULL;
    int force = 0, key = 0, expected = 0, c;
    long checks = -1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case OPT_SID: sid_arg = optarg; break;
        case 'o': out = optarg; break;
        case OPT_FORCE: force = 1; break;
        case OPT_KEY: key = 1; break;
        case OPT_EXPECTED: expected = 1; break;
        case OPT_CHECK:
            checks = DEFAULT_CHECKS;
            if (optarg != NULL) {
                errno = 0;
                checks = strtol(optarg, &end, 10);
                if (end == optarg || *end != '\0' || errno != 0 || checks < 0 || checks > 100000) {
                    fprintf(stderr, "ttquestions: bad --check '%s' (expected a whole number from 0 to 100000)\n",
                            optarg);
                    return 2;
                }
            }
            break;
        case 'h': help(); return 0;
        case OPT_VERSION: printf("ttquestions (ttlab) %s\n", PACKAGE_VERSION); return 0;
        case ':':
            fprintf(stderr, "ttquestions: option '%s' needs a value\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        default:
            fprintf(stderr, "ttquestions: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "ttquestions: no question banks given\n");
        usage(stderr);
        return 2;
    }
    /* The id as ttgrade will grade it (student_id.h): trimmed, then checked. */
    const char *why = NULL;
    char *sid = sid_arg ? tg_student_id_normalize(sid_arg, strlen(sid_arg), &why) : NULL;
    if (sid_arg != NULL && sid == NULL) {
        fprintf(stderr, "ttquestions: bad --student-id: %s\n", why ? why : "out of memory");
        return 2;
    }

    char *err = NULL;
    if (tg_labs_of_banks(argv + optind, argc - optind, &err) != 0) {
        fprintf(stderr, "ttquestions: %s\n", err ? err : "out of memory");
        free(err);
        free(sid);
        return 1;
    }
    struct tg_questions *q = tg_questions_load((const char *const *)argv + optind, (size_t)(argc - optind), &err);
    if (q == NULL) {
        fprintf(stderr, "ttquestions: %s\n", err ? err : "out of memory");
        free(err);
        free(sid);
        return 1;
    }
    int rc = 0;
    if (checks >= 0) {
        /* The course's numbers, then sample students. */
        if (tg_questions_check_variant(q, NULL, &err) != 0) {
            rc = 1;
        }
        for (long i = 0; rc == 0 && i < checks; i++) {
            char id[32];
            snprintf(id, sizeof id, "check-%ld", i);
            if (tg_questions_check_variant(q, id, &err) != 0) {
                fprintf(stderr, "ttquestions: for student %s:\n", id);
                rc = 1;
            }
        }
        if (rc == 0)
            printf("ttquestions: the banks are fine: every question computed for the course's numbers and %ld "
                   "sample students; each lab's questions are worth %.*f points\n",
                   checks, TG_POINTS(tg_questions_lab_points(q, 0)));
    } else if (expected) {
        rc = tg_questions_print_expected(q, sid, &err) != 0;
    } else {
        char *sheet = tg_questions_sheet(q, sid, key, &err);
        if (sheet == NULL) {
            rc = 1;
        } else if (out == NULL) {
            rc = fputs(sheet, stdout) < 0 || fflush(stdout) != 0;
        } else {
            rc = write_file(out, sheet, force) != 0;
            if (rc == 0)
                fprintf(stderr, "ttquestions: wrote %s (%s)\n", out,
                        sid ? "the student's own numbers" : "the course's own numbers");
        }
        free(sheet);
    }
    if (rc != 0 && err != NULL)
        fprintf(stderr, "ttquestions: %s\n", err);
    free(err);
    free(sid);
    tg_questions_free(q);
    tg_labs_free();
    return rc;
}
