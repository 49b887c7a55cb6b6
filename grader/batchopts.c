/* batchopts.c - the options of `ttgrade batch` (batch.h, batch_int.h). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_int.h"
#include "proc.h"
#include "ttgrade.h"

static void usage_long(void)
{
    printf("Usage: ttgrade batch [options] DIR [-- TTGRADE_OPTIONS...]\n"
           "       ttgrade batch --one SUBMISSION [--out OUT] [-- TTGRADE_OPTIONS...]\n"
           "       ttgrade batch --csv-header\n"
           "Grade every submission under DIR: each folder and each .tar.gz/.tgz/.zip\n"
           "archive directly in DIR is one student's, and its file name (less the\n"
           "archive suffix and the blanks around it) is the student's id in the\n"
           "gradebook. Names starting with '.' are skipped, and listed with the reason.\n"
           "\n"
           "Writes, under OUT:\n"
           "  students/ID/     report.json, results.json (Gradescope), junit.xml,\n"
           "                   report.txt (the terminal report) and batch.json\n"
           "  grades.csv       one row per student: id, status, total, max, each lab's\n"
           "                   score and memory points, questions, lab 1's extra\n"
           "                   credit (not in total), reason\n"
           "  summary.txt      the class summary also printed at the end: a score\n"
           "  summary.html     histogram and every test's pass rate (self-contained)\n"
           "\n"
           "Resumable: run the same command again after an interruption; submissions\n"
           "that have a folder in OUT/students are not graded again (delete a folder\n"
           "to regrade that student).\n"
           "\n"
           "Options:\n"
           "  --out OUT          where to write (default: " BATCH_DEFAULT_OUT ")\n"
           "  --jobs N           submissions graded in parallel (default: online CPUs)\n"
           "  --timeout SECS     passed on: the time limit of one test\n"
           "  --datadir DIR      passed on: the grader's data dir\n"
           "  --limit SECS       stop grading one submission after SECS (default: %g)\n"
           "  --retry-failed     grade again the submissions recorded as failed\n"
           "  --student-ids      pass each id on as ttgrade's --student-id (per-student\n"
           "                     question numbers; answers.txt must name that id); a\n"
           "                     name that cannot be an id (see ttgrade --help) is a\n"
           "                     failed row\n"
           "  --one SUBMISSION   grade this one submission into OUT and print its CSV\n"
           "                     row (the per-submission command for GNU parallel)\n"
           "  --csv-header       print the CSV header line and exit\n"
           "  -q, --quiet        no progress line, no summary on stdout\n"
           "  -h, --help         show this help\n"
           "Words after \"--\" are passed to every ttgrade run (e.g. --visibility hidden).\n"
           "\n"
           "Exit status: 0 every submission graded, 1 some failed (see the reason\n"
           "column), 2 usage or internal error, or interrupted (run again to resume).\n",
           BATCH_DEFAULT_LIMIT);
}

/* 0 to go on, 1 to exit 0 (help), 2 on a usage error (reported). */
int batch_parse_options(int argc, char **argv, struct batch_opts *o)
{
    enum { OPT_OUT = 256, OPT_JOBS, OPT_TIMEOUT, OPT_DATADIR, OPT_LIMIT, OPT_ONE, OPT_HEADER, OPT_RETRY, OPT_SIDS };
    static const struct option longopts[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"datadir", required_argument, NULL, OPT_DATADIR},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"one", required_argument, NULL, OPT_ONE},
        {"csv-header", no_argument, NULL, OPT_HEADER},
        {"retry-failed", no_argument, NULL, OPT_RETRY},
        {"student-ids", no_argument, NULL, OPT_SIDS},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* Split off the words after "--" first: getopt would mix them with DIR. */
    int n_opts = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            n_opts = i;
            o->pass = argv + i + 1;
            o->n_pass = argc - i - 1;
            break;
        }
    }
    char **args = calloc((size_t)n_opts + 1, sizeof *args);
    if (args == NULL) {
        fprintf(stderr, "ttgrade batch: out of memory\n");
        return 2;
    }
    memcpy(args, argv, (size_t)n_opts * sizeof *args);
    int rc = 0, c;
    char *end;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(n_opts, args, ":qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_OUT: o->out = optarg; break;
        case OPT_DATADIR: o->datadir = optarg; break;
        case OPT_ONE: o->one = optarg; break;
        case OPT_HEADER: o->csv_header = 1; break;
        case OPT_RETRY: o->retry_failed = 1; break;
        case OPT_SIDS: o->student_ids = 1; break;
        case 'q': o->quiet = 1; break;
        case 'h': usage_long(); rc = 1; break;
        case OPT_JOBS: {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || errno != 0 || v < 1 || v > BATCH_MAX_JOBS) {
                fprintf(stderr, "ttgrade batch: bad --jobs '%s' (expected a whole number from 1 to %d)\n", optarg,
                        BATCH_MAX_JOBS);
                rc = 2;
            } else {
                o->jobs = (unsigned)v;
            }
            break;
        }
        case OPT_TIMEOUT:
        case OPT_LIMIT: {
            errno = 0;
            double v = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || errno != 0 || !isfinite(v) || v <= 0 || v > 86400) {
                fprintf(stderr, "ttgrade batch: bad --%s '%s' (expected seconds, more than 0)\n",
                        c == OPT_LIMIT ? "limit" : "timeout", optarg);
                rc = 2;
            } else if (c == OPT_LIMIT) {
                o->limit = v;
            } else {
                o->timeout = optarg;
            }
            break;
        }
        case ':':
            fprintf(stderr, "ttgrade batch: option '%s' needs a value\n", args[optind - 1]);
            rc = 2;
            break;
        default:
            if (optopt != 0)
                fprintf(stderr, "ttgrade batch: unknown option '-%c'\n", optopt);
            else
                fprintf(stderr, "ttgrade batch: unknown option '%s' (ttgrade's own options go after \"--\")\n",
                        args[optind - 1]);
            rc = 2;
            break;
        }
    }
    if (rc == 0 && !o->csv_header) {
        int rest = n_opts - optind;
        if (o->one != NULL && rest != 0) {
            fprintf(stderr, "ttgrade batch: --one takes no DIR\n");
            rc = 2;
        } else if (o->one == NULL && rest != 1) {
            fprintf(stderr, "ttgrade batch: %s\n", rest == 0 ? "no DIR given" : "one DIR only");
            rc = 2;
        } else if (o->one == NULL) {
            o->dir = args[optind];
        }
    }
    free(args);
    if (rc == 2)
        fprintf(stderr, "Try 'ttgrade batch --help' for more information.\n");
    return rc;
}
