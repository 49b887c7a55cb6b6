/* timelimits.h - the time limits of the hidden tests and of the memory drivers,
 * in CPU seconds, calibrated from the reference's own CPU time on the
 * grading machine: grader/calibrate.sh grades the reference at build time
 * and writes <datadir>/limits.txt, which ttgrade reads here. A CPU-time limit
 * does not move with the machine's load; a wall-clock limit derived from it
 * (tg_limit_wall) stays behind it for code that sleeps or blocks.
 *
 * limits.txt holds one limit a line ('#' starts a comment):
 *   test LAB NAME CPU_SECONDS [REFERENCE_CPU_SECONDS]
 *   memory LAB CPU_SECONDS [REFERENCE_CPU_SECONDS]
 *   perf LAB CPU_SECONDS [REFERENCE_CPU_SECONDS]
 * Without it (or with --timeout), the fixed wall-clock limits of before
 * apply, as the reports say. */
#ifndef TG_TIMELIMITS_H
#define TG_TIMELIMITS_H

#include <stddef.h>

/* The fixed limit of one test, without limits.txt or --timeout: seconds. */
#define TG_FIXED_TEST_SECONDS 5.0

enum tg_limit_kind { TG_LIMIT_TEST, TG_LIMIT_MEMORY, TG_LIMIT_PERF };

struct tg_limit {
    enum tg_limit_kind kind;
    int lab;          /* enum tg_lab_id */
    char *name;       /* a test's name; NULL for the others */
    double cpu;       /* CPU seconds */
};

struct tg_limits {
    int calibrated;       /* 1: the limits of limits.txt are in force */
    double fixed;         /* every test's limit when not calibrated (--timeout, or the default) */
    struct tg_limit *v;   /* owned */
    size_t n;
    char *describe;       /* one line for the reports: where the limits come from (owned) */
};

/* Loads <datadir>/limits.txt into *l, unless `override` > 0 (--timeout):
 * then every test's limit is `override`. A missing file is not an error:
 * the fixed limits apply. Returns 0, or -1 with *err (malloc'd; NULL: no
 * memory) when the file exists but cannot be read or has a bad line. */
int tg_limits_load(struct tg_limits *l, const char *datadir, double override, char **err);

/* The CPU-time limit of test `name` of lab `lab`, seconds: its calibrated
 * one, else the fixed one. */
double tg_limit_test(const struct tg_limits *l, int lab, const char *name);

/* The CPU-time limit of lab's memory driver under Valgrind, seconds: what it
 * may use without progress (a scenario begun or ended, a finding), or 0
 * when there is none calibrated (then the memory checks keep their fixed
 * wall-clock limits). The reference's whole run is what it is derived
 * from, so that any one scenario has at least that margin. */
double tg_limit_memory(const struct tg_limits *l, int lab);

/* The CPU-time limit of lab's performance tier (its callgrind run), seconds,
 * or 0 when there is none calibrated (then it keeps its fixed wall-clock
 * limit). */
double tg_limit_perf(const struct tg_limits *l, int lab);

/* The wall-clock backstop of a calibrated CPU-time limit of `cpu` seconds
 * (20 s + 10 x cpu): for code that sleeps or blocks, which uses no CPU.
 * Honest code (well under its CPU limit) stays far below it even at a load
 * average of ten per core. (A fixed limit is a wall-clock limit as well:
 * grader/calibrate.sh grades at a generous one for that reason.) */
double tg_limit_wall(double cpu);

/* Frees what *l owns; *l may be zeroed or loaded. */
void tg_limits_free(struct tg_limits *l);

#endif /* TG_TIMELIMITS_H */
