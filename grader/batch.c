/* batch.c - `ttgrade batch DIR`: grades every submission under DIR, several
 * at a time, and writes a gradebook and a class summary (see batch.h;
 * batch_int.h lists the files that do the work and how a run commits). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch_int.h"
#include "proc.h"
#include "ttgrade.h"

int tg_batch_main(int argc, char **argv)
{
    struct batch b;
    memset(&b, 0, sizeof b);
    b.lock_fd = -1;
    b.t_start = tg_now();
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    b.o.jobs = ncpu < 1 ? 1 : ncpu > BATCH_MAX_JOBS ? BATCH_MAX_JOBS : (unsigned)ncpu;
    b.o.limit = BATCH_DEFAULT_LIMIT;
    int status = 2, interrupted = 0;
    char *err = NULL;
    int p = batch_parse_options(argc, argv, &b.o);
    if (p != 0)
        return p == 1 ? 0 : 2;
    /* The lab table: the gradebook's columns, and how each report's labs
     * are read. */
    char *dd = tg_datadir_find(b.o.datadir, &err), *why = dd ? tg_datadir_labs(dd) : NULL;
    free(dd);
    if (dd == NULL || why != NULL) {
        fprintf(stderr, "ttgrade batch: %s\n", why ? why : err ? err : "out of memory");
        free(why);
        free(err);
        return 2;
    }
    if (b.o.csv_header) {
        char *header = batch_csv_header_text();
        printf("%s\n", header ? header : "");
        free(header);
        tg_labs_free();
        return header ? 0 : 2;
    }
    if (b.o.one != NULL)
        b.o.jobs = 1;

    b.self = batch_self_path();
    if (b.self == NULL) {
        err = tg_asprintf("cannot find this executable (/proc/self/exe): %s", strerror(errno));
        goto fail;
    }
    /* The submissions are found before OUT is made: a missing or empty DIR
     * (or --one SUBMISSION) leaves no trace. */
    if (b.o.one != NULL) {
        char *abs = realpath(b.o.one, NULL);
        if (abs == NULL) {
            err = tg_asprintf("no such submission: %s", b.o.one);
            goto fail;
        }
        const char *base = strrchr(abs, '/');
        base = base && base[1] ? base + 1 : abs;
        b.subs = calloc(1, sizeof *b.subs);
        int ok = b.subs != NULL && batch_sub_init(&b.subs[0], base, abs, b.o.student_ids) == 0;
        b.n = b.subs != NULL;
        free(abs);
        if (!ok)
            goto fail;
    } else {
        if (batch_list_submissions(&b, &err) != 0)
            goto fail;
        if (b.n == 0) {
            char *shown = tg_one_line(b.o.dir, strlen(b.o.dir), BATCH_PATH_MAX);
            err = shown ? tg_asprintf("no submissions found in %s (each folder and each .tar.gz/.tgz/.zip in it "
                                      "is one; see ttgrade batch --help)", shown)
                        : NULL;
            free(shown);
            goto fail;
        }
    }
    if (batch_open_out(&b, b.o.one == NULL, &err) != 0)
        goto fail;
    for (size_t i = 0; i < b.n; i++) {
        struct sub *s = &b.subs[i];
        char *rs = batch_sub_skipped(s) ? NULL : batch_record_status(&b, s);
        s->done = rs != NULL;
        if (rs != NULL && strcmp(rs, "graded") != 0) {
            if (b.o.retry_failed) {
                s->done = 0;
                s->retry = 1;
            } else {
                b.n_failed++;
            }
        }
        free(rs);
        if (s->done) {
            b.n_done++;
            b.n_resumed++;
        }
    }
    size_t todo = 0;
    for (size_t i = 0; i < b.n; i++)
        todo += !b.subs[i].done && !batch_sub_skipped(&b.subs[i]);
    if (todo > 0 && batch_preflight(&b, &err) != 0)
        goto fail;
    int r = batch_run_pool(&b, &err);
    if (r < 0)
        goto fail;
    interrupted = r == 1;
    batch_progress(&b, 1);
    if (batch_write_results(&b, interrupted, &err) != 0)
        goto fail;
    status = interrupted ? 2 : 0;
    for (size_t i = 0; status == 0 && i < b.n; i++)
        if (batch_sub_skipped(&b.subs[i]) || !b.subs[i].done)
            status = 1;
    if (status == 0) {
        /* Failed rows: read back from the records, as the rows were. */
        for (size_t i = 0; status == 0 && i < b.n; i++) {
            char *rs = batch_record_status(&b, &b.subs[i]);
            if (rs == NULL || strcmp(rs, "graded") != 0)
                status = 1;
            free(rs);
        }
    }
    if (interrupted)
        fprintf(stderr, "ttgrade batch: interrupted; run the same command again to resume\n");
    goto done;
fail:
    if (b.progress_shown)
        fputc('\n', stderr);
    fprintf(stderr, "ttgrade batch: %s\n", err ? err : "out of memory");
    status = 2;
done:
    free(err);
    for (size_t i = 0; i < b.n; i++)
        batch_sub_free(&b.subs[i]);
    free(b.subs);
    if (b.lock_fd >= 0)
        close(b.lock_fd);
    free(b.self);
    free(b.out);
    free(b.students);
    free(b.tmp);
    tg_buf_free(&b.skip_list);
    tg_labs_free();
    return status;
}
