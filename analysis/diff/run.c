/* SPDX-License-Identifier: MIT */
/* run.c: the check table, and the changes a run records. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

static const diff_check CHECKS[] = {
#define DIFF_X_(e, id, cat, in, out, sampled, why) {id, cat, {in, out}, sampled, why},
    DIFF_CHECK_MAP(DIFF_X_)
#undef DIFF_X_
};

const diff_check *diff_check_get(diff_check_id check)
{
    return (unsigned)check < DIFF_CHECK_COUNT ? &CHECKS[check] : NULL;
}

const char *diff_level_name(diff_level level)
{
    return level == DIFF_ERROR ? "error" : level == DIFF_WARNING ? "warning" : "info";
}

bool diff_level_from_name(const char *name, diff_level *level)
{
    for (int l = DIFF_INFO; l <= DIFF_ERROR; l++)
        if (strcmp(name, diff_level_name((diff_level)l)) == 0) {
            *level = (diff_level)l;
            return true;
        }
    return false;
}

static diff_change *emit_v(diff_run *run, int side, diff_check_id check, const char *old_ptr,
                           const char *new_ptr, const char *fmt, va_list ap)
{
    diff_change *c;
    char msg[2048];
    int saved = run->side;

    if (run->n_changes == run->cap_changes) {
        size_t cap = run->cap_changes ? run->cap_changes * 2 : 32;
        diff_change *v = realloc(run->changes, cap * sizeof *v);
        if (!v) {
            run->oom = true;
            return NULL;
        }
        run->changes = v;
        run->cap_changes = cap;
    }
    c = &run->changes[run->n_changes++];
    memset(c, 0, sizeof *c);
    c->check = check;
    c->side = side;
    c->level = CHECKS[check].level[side];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!(c->message = strdup(msg)))
        run->oom = true;
    run->side = side;
    diff_place_set(run, 0, old_ptr, &c->old_at);
    diff_place_set(run, 1, new_ptr, &c->new_at);
    run->side = saved;
    return c;
}

diff_change *diff_emit(diff_run *run, diff_check_id check, const char *old_ptr, const char *new_ptr,
                       const char *fmt, ...)
{
    va_list ap;
    diff_change *c;

    va_start(ap, fmt);
    c = emit_v(run, run->side, check, old_ptr, new_ptr, fmt, ap);
    va_end(ap);
    return c;
}

diff_change *diff_emit_side(diff_run *run, int side, diff_check_id check, const char *old_ptr,
                            const char *new_ptr, const char *fmt, ...)
{
    va_list ap;
    diff_change *c;

    va_start(ap, fmt);
    c = emit_v(run, side, check, old_ptr, new_ptr, fmt, ap);
    va_end(ap);
    return c;
}

void diff_set_effect(diff_run *run, diff_change *c, diff_effect effect, json_object *witness)
{
    if (!c) {
        json_object_put(witness);
        return;
    }
    c->effect = effect;
    switch (effect) {
    case DIFF_EFFECT_NARROWS: c->level = c->side ? DIFF_INFO : DIFF_ERROR; break;
    case DIFF_EFFECT_WIDENS: c->level = c->side ? DIFF_ERROR : DIFF_INFO; break;
    case DIFF_EFFECT_BOTH: c->level = DIFF_ERROR; break;
    default: break;
    }
    if (witness || effect != DIFF_EFFECT_NONE) {
        c->witness = cardc_json_dump(witness, 0);
        if (!c->witness)
            run->oom = true;
    }
    json_object_put(witness);
}

void diff_changes_free(diff_run *run)
{
    for (size_t i = 0; i < run->n_changes; i++) {
        free(run->changes[i].message);
        free(run->changes[i].old_at.pointer);
        free(run->changes[i].new_at.pointer);
        free(run->changes[i].witness);
    }
    for (size_t i = 0; i < run->n_corr; i++) {
        free(run->corr[i].old_ptr);
        free(run->corr[i].new_ptr);
    }
    free(run->corr);
    run->corr = NULL;
    run->n_corr = run->cap_corr = 0;
    free(run->changes);
    free(run->pairs);
    run->changes = NULL;
    run->pairs = NULL;
    run->n_changes = run->cap_changes = run->n_pairs = run->cap_pairs = 0;
}

static int by_place(const void *a, const void *b)
{
    const diff_change *x = a, *y = b;
    int d;

    if (x->side != y->side)
        return x->side - y->side;
    if (CHECKS[x->check].category != CHECKS[y->check].category)
        return (int)CHECKS[x->check].category - (int)CHECKS[y->check].category;
    if ((d = strcmp(x->new_at.pointer ? x->new_at.pointer : "",
                    y->new_at.pointer ? y->new_at.pointer : "")) != 0)
        return d;
    if (x->check != y->check)
        return (int)x->check - (int)y->check;
    return strcmp(x->message ? x->message : "", y->message ? y->message : "");
}

void diff_sort(diff_run *run)
{
    if (run->n_changes > 1)
        qsort(run->changes, run->n_changes, sizeof *run->changes, by_place);
}
