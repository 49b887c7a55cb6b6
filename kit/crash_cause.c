/* crash_cause.c - why a public test crashed, for the student kit's
 * `make check` (tests/criterion-tap runs it for each crashed test): the
 * signal and, when Valgrind is there, the kind of memory error and the
 * first line of the student's own file, from a rerun of that test alone
 * under Valgrind. The words, the Valgrind options and the reading of its
 * report are the course grader's own (grader/crash.c), so `make check`,
 * `make grade` and the instructor's grade say a crash the same way.
 *
 *   kit/crash-cause VALGRIND PROGRAM SUITE TEST SIGNAL FILE NTH
 *
 * VALGRIND: its path, or "" for none; PROGRAM: the Criterion test program;
 * SIGNAL: the number that killed the test (its SIG record), 0 if not known;
 * FILE: the student's file of the test's lab ("flatten.c"); NTH: which
 * crash of its lab this is (1 for the first): as in the grader, only the
 * first TG_CRASH_RERUNS of a lab are rerun. Prints the
 * message, one or two lines ("the test crashed: killed by SIGSEGV
 * (Segmentation fault): invalid read of size 8 at flatten.c:21 in
 * tt_flatten; ..."). Exit status 0, or 2 on a usage error or when memory
 * ran out. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"
#include "memcheck.h"
#include "proc.h"
#include "valgrind.h"

extern char **environ;

/* Removes dir and the files in it (the rerun's reports and log). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = tg_path_join(dir, e->d_name);
        if (p != NULL)
            unlink(p);
        free(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* The rerun under valgrind; *msg: its message, or NULL if it told nothing.
 * Returns 0, or -1 when memory ran out. */
static int rerun(const char *valgrind, const char *program, const char *suite, const char *test, int sig,
                 const char *file, char **msg)
{
    *msg = NULL;
    const char *tmp = getenv("TMPDIR");
    char *dir = tg_asprintf("%s/ttlab-crash.XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (dir == NULL)
        return -1;
    if (mkdtemp(dir) == NULL) {
        free(dir);
        return 0; /* no rerun: the signal alone */
    }
    char *xml = tg_path_join(dir, "vg.%p.xml"), *log = tg_path_join(dir, "vg.log");
    /* no records from the rerun: its verdict is not make check's */
    char **envp = tg_valgrind_env(environ, "TTGRADE_PASS_FILE=");
    struct tg_argv argv = TG_ARGV_INIT;
    int rc = -1;
    if (xml == NULL || log == NULL || envp == NULL)
        goto out;
    tg_crash_valgrind_argv(&argv, valgrind, xml, program, suite, test, TG_CRASH_VG_SECONDS - 10);
    if (argv.failed)
        goto out;
    struct tg_task t;
    memset(&t, 0, sizeof t);
    t.argv = argv.v;
    t.envp = envp;
    t.out_path = log;
    t.limit = TG_CRASH_VG_SECONDS;
    rc = 0;
    if (tg_run_tasks(&t, 1, 1) == 0 && t.started)
        rc = tg_crash_explain(xml, file, sig, 4096, msg);
out:
    tg_argv_free(&argv);
    free(envp);
    remove_dir(dir);
    free(xml);
    free(log);
    free(dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s VALGRIND PROGRAM SUITE TEST SIGNAL FILE NTH\n", argv[0]);
        return 2;
    }
    const char *valgrind = argv[1], *program = argv[2], *suite = argv[3], *test = argv[4], *file = argv[6];
    char *end;
    long sig = strtol(argv[5], &end, 10);
    if (end == argv[5] || *end != '\0' || sig < 0 || sig > 64)
        sig = 0;
    long nth = strtol(argv[7], &end, 10);
    int capped = valgrind[0] != '\0' && (end == argv[7] || *end != '\0' || nth > TG_CRASH_RERUNS);
    tg_proc_init();
    char *msg = NULL, *vg = valgrind[0] != '\0' && !capped ? tg_find_program(valgrind) : NULL;
    int rc = vg != NULL ? rerun(vg, program, suite, test, (int)sig, file, &msg) : 0;
    tg_reap_orphans();
    free(vg);
    if (rc != 0) {
        fprintf(stderr, "crash-cause: out of memory\n");
        return 2;
    }
    if (msg == NULL) {
        char *how = sig > 0 ? tg_killed_by((int)sig) : NULL;
        printf("the test crashed%s%s\n", how ? ": " : "", how ? how : "");
        if (capped)
            printf("(not rerun under Valgrind: only the first %d crashed tests of a lab are)\n", TG_CRASH_RERUNS);
        free(how);
    } else {
        printf("%s\n", msg);
    }
    free(msg);
    return 0;
}
