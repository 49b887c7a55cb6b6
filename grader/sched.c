/* sched.c - the one scheduler of a grading (see phase.h): every round, the
 * tasks of all the phases in one pool, each phase handed back its own. */
#include <stdlib.h>
#include <string.h>

#include "phase.h"
#include "text.h"

int tg_task_list_reserve(struct tg_task_list *l, size_t more)
{
    if (l->cap - l->n >= more)
        return 0;
    size_t cap = l->cap ? l->cap : 8;
    while (cap - l->n < more)
        cap *= 2;
    struct tg_task *v = realloc(l->v, cap * sizeof *v);
    if (v == NULL)
        return -1;
    memset(v + l->cap, 0, (cap - l->cap) * sizeof *v);
    l->v = v;
    l->cap = cap;
    return 0;
}

struct tg_task *tg_task_list_add(struct tg_task_list *l)
{
    if (tg_task_list_reserve(l, 1) != 0)
        return NULL;
    struct tg_task *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

int tg_sched_run(struct tg_phase *const *ph, size_t n, unsigned jobs, char **err)
{
    struct tg_task_list l = {NULL, 0, 0};
    size_t *given = calloc(n ? n : 1, sizeof *given); /* tasks of ph[i] this round */
    int rc = -1;
    *err = NULL;
    if (given == NULL)
        goto out;
    for (int r = 0; r < TG_R_N; r++) {
        l.n = 0;
        for (size_t i = 0; i < n; i++) {
            size_t before = l.n;
            if (ph[i] != NULL && ph[i]->ops->tasks(ph[i], (enum tg_round)r, &l, err) != 0)
                goto out;
            given[i] = l.n - before;
        }
        if (tg_run_tasks(l.v, l.n, jobs) != 0) {
            *err = tg_strdup("interrupted");
            goto out;
        }
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
            if (ph[i] != NULL && ph[i]->ops->done(ph[i], (enum tg_round)r, l.v + at, given[i], err) != 0)
                goto out;
            at += given[i];
        }
    }
    for (size_t i = 0; i < n; i++)
        if (ph[i] != NULL && ph[i]->ops->finish(ph[i], err) != 0)
            goto out;
    rc = 0;
out:
    free(l.v);
    free(given);
    return rc;
}
