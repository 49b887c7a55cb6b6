/* batchout.c - the output folder of a batch: OUT, OUT/students and
 * OUT/.tmp under a lock, and each student's folder, committed whole by one
 * rename once batch.json records what happened (batch_int.h). */
#define _XOPEN_SOURCE 700 /* realpath, mkdtemp, strsignal */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch_int.h"
#include "proc.h"
#include "ttgrade.h"

/* mkdir that accepts an existing folder. */
static int ensure_dir(const char *path)
{
    if (mkdir(path, 0755) == 0)
        return 0;
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (errno == EEXIST)
        errno = ENOTDIR;
    return -1;
}

/* Makes OUT, OUT/students and OUT/.tmp, and takes the lock: exclusive for a
 * batch (which owns .tmp), shared for --one (several may run at once). */
int batch_open_out(struct batch *b, int exclusive, char **err)
{
    const char *out = batch_out_arg(b);
    if (ensure_dir(out) != 0) {
        *err = tg_asprintf("cannot make the output folder %s: %s", out, strerror(errno));
        return -1;
    }
    b->out = realpath(out, NULL);
    if (b->out == NULL) {
        *err = tg_asprintf("cannot use the output folder %s: %s", out, strerror(errno));
        return -1;
    }
    b->students = tg_path_join(b->out, "students");
    b->tmp = tg_path_join(b->out, ".tmp");
    char *lock = tg_path_join(b->out, ".lock");
    if (b->students == NULL || b->tmp == NULL || lock == NULL) {
        free(lock);
        return -1;
    }
    if (ensure_dir(b->students) != 0 || ensure_dir(b->tmp) != 0) {
        *err = tg_asprintf("cannot make the folders of %s: %s", b->out, strerror(errno));
        free(lock);
        return -1;
    }
    b->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(lock);
    if (b->lock_fd < 0) {
        *err = tg_asprintf("cannot make the lock file in %s: %s", b->out, strerror(errno));
        return -1;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = exclusive ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(b->lock_fd, F_SETLK, &fl) != 0) {
        *err = tg_asprintf("%s is in use by another ttgrade batch (%s)", b->out, strerror(errno));
        return -1;
    }
    if (!exclusive)
        return 0;
    /* Leftovers of an interrupted run: half-graded submissions, dropped. */
    DIR *d = opendir(b->tmp);
    if (d == NULL) {
        *err = tg_asprintf("cannot read %s: %s", b->tmp, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = tg_path_join(b->tmp, e->d_name);
        if (p == NULL) {
            rc = -1;
            break;
        }
        if (tg_scratch_remove(p) != 0 && unlink(p) != 0)
            fprintf(stderr, "ttgrade batch: could not remove the leftover %s\n", p);
        free(p);
    }
    closedir(d);
    return rc;
}

/* OUT/students/<key>/<file>, malloc'd. */
char *batch_student_file(const struct batch *b, const struct sub *s, const char *file)
{
    char *dir = tg_path_join(b->students, s->key);
    char *p = dir ? tg_path_join(dir, file) : NULL;
    free(dir);
    return p;
}

/* The status in a student's batch.json ("graded", "failed"), malloc'd, or
 * NULL if it has none (or cannot be read). */
char *batch_record_status(const struct batch *b, const struct sub *s)
{
    char *p = batch_student_file(b, s, F_RECORD);
    char *text = p ? tg_read_file(p, BATCH_RECORD_MAX, NULL, NULL) : NULL;
    free(p);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    char *r = cJSON_IsString(st) ? tg_strdup(st->valuestring) : NULL;
    cJSON_Delete(root);
    return r;
}

/* How a child ended, when it left no usable report. */
static char *exit_reason(const struct batch *b, const struct sub *s, int st)
{
    if (s->timed_out)
        return tg_asprintf("grading took longer than %g s (--limit) and was stopped", b->o.limit);
    if (WIFSIGNALED(st))
        return tg_asprintf("ttgrade was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    return tg_asprintf("ttgrade exited with status %d without a report", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* Writes batch.json into the work folder and renames the folder into place.
 * Returns 0 (s->done is set if it is in place), or -1 when memory ran out. */
int batch_record(struct batch *b, struct sub *s, int st)
{
    double secs = tg_now() - s->t0;
    char *status = NULL, *reason = NULL;
    char *jpath = tg_path_join(s->work, F_JSON);
    size_t len = 0;
    char *text = jpath && !s->timed_out ? tg_read_file(jpath, BATCH_REPORT_MAX, &len, NULL) : NULL;
    free(jpath);
    cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *je = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (cJSON_IsString(js) && strcmp(js->valuestring, "graded") == 0) {
        status = tg_strdup("graded");
        reason = tg_strdup("");
    } else if (cJSON_IsString(js)) {
        status = tg_strdup("failed");
        reason = cJSON_IsString(je) ? tg_one_line(je->valuestring, strlen(je->valuestring), BATCH_REASON_MAX)
                                    : tg_strdup("ttgrade could not grade it");
    } else {
        status = tg_strdup("failed");
        reason = exit_reason(b, s, st);
    }
    cJSON_Delete(root);

    /* JSON strings are UTF-8: a path is shown as every report shows untrusted
     * text (tg_sanitize), whatever bytes the folder's name holds. */
    char *path_shown = tg_one_line(s->path, strlen(s->path), BATCH_PATH_MAX);
    int bad = status == NULL || reason == NULL || path_shown == NULL;
    cJSON *rec = bad ? NULL : cJSON_CreateObject();
    if (rec == NULL || !cJSON_AddStringToObject(rec, "id", s->id) ||
        !cJSON_AddStringToObject(rec, "submission", path_shown) || !cJSON_AddStringToObject(rec, "status", status) ||
        !cJSON_AddStringToObject(rec, "reason", reason) ||
        !cJSON_AddNumberToObject(rec, "exit_status", WIFEXITED(st) ? WEXITSTATUS(st) : -1) ||
        !cJSON_AddNumberToObject(rec, "seconds", round(secs * 1000) / 1000) ||
        !cJSON_AddStringToObject(rec, "ttgrade", PACKAGE_VERSION))
        bad = 1;
    char *json = bad ? NULL : cJSON_Print(rec);
    cJSON_Delete(rec);
    free(path_shown);
    char *rpath = tg_path_join(s->work, F_RECORD);
    char *dest = tg_path_join(b->students, s->key);
    char *err = NULL;
    int rc = -1;
    if (json == NULL || rpath == NULL || dest == NULL)
        goto out;
    rc = 0;
    if (tg_write_atomic(rpath, json, strlen(json), &err) != 0) {
        fprintf(stderr, "ttgrade batch: %s: %s\n", s->id, err ? err : "out of memory");
        goto out;
    }
    if (s->retry) {
        /* A folder cannot be renamed over a non-empty one: move the failed
         * record aside (into a folder of .tmp) and drop it. */
        char *aside = tg_asprintf("%s.old.XXXXXX", s->work);
        if (aside == NULL) {
            rc = -1;
            goto out;
        }
        if (mkdtemp(aside) != NULL) {
            char *to = tg_path_join(aside, "record");
            if (to != NULL && rename(dest, to) != 0 && errno != ENOENT)
                fprintf(stderr, "ttgrade batch: %s: cannot move the old record aside: %s\n", s->id,
                        strerror(errno));
            free(to);
            tg_scratch_remove(aside);
        }
        free(aside);
    }
    /* mkdtemp made it private: give it the permissions of the files in it. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(s->work, 0777 & ~mask);
    if (rename(s->work, dest) == 0) {
        s->done = 1;
        if (strcmp(status, "graded") != 0)
            b->n_failed++;
        b->n_done++;
        b->n_now++;
    } else if (errno == EEXIST || errno == ENOTEMPTY) {
        s->done = 1; /* another --one run finished it first: keep theirs */
        b->n_done++;
    } else {
        fprintf(stderr, "ttgrade batch: %s: cannot rename %s to %s: %s\n", s->id, s->work, dest, strerror(errno));
    }
out:
    if (!s->done && s->work != NULL)
        tg_scratch_remove(s->work);
    if (err != NULL)
        free(err);
    cJSON_free(json);
    free(rpath);
    free(dest);
    free(status);
    free(reason);
    free(s->work);
    s->work = NULL;
    return rc;
}
