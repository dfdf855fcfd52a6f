/* SPDX-License-Identifier: MIT */
/* walk.c: pairs the subschemas of the two versions. A "$ref" is followed to
 * what it points to (the comparison is of the resolved schemas, at the
 * target's pointer); a pair seen before is not compared again, which ends
 * reference cycles and reports a shared definition once. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

/* Nesting beyond which subschemas are not compared (a guard: cycles end
 * at pairs seen before). */
#define MAX_DEPTH 64
/* "$ref"s followed in a row before giving up (a chain of references). */
#define MAX_REFS 16

char *diff_ptr(const char *ptr, const char *token)
{
    strbuf b = {0};

    strbuf_str(&b, ptr);
    strbuf_str(&b, "/");
    strbuf_pointer_token(&b, token, strlen(token));
    return cardc__strbuf_take(&b);
}

char *diff_ptr_index(const char *ptr, size_t index)
{
    strbuf b = {0};

    strbuf_printf(&b, "%s/%zu", ptr, index);
    return cardc__strbuf_take(&b);
}

json_object *diff_get(const json_object *schema, const char *key)
{
    json_object *v = NULL;

    if (!schema || !json_object_is_type(schema, json_type_object))
        return NULL;
    return json_object_object_get_ex(schema, key, &v) ? v : NULL;
}

char *diff_dump(const json_object *v)
{
    return cardc_json_dump(v, 0);
}

bool diff_equal(const json_object *a, const json_object *b)
{
    bool na = json_object_is_type(a, json_type_int) || json_object_is_type(a, json_type_double);
    bool nb = json_object_is_type(b, json_type_int) || json_object_is_type(b, json_type_double);

    if (na && nb)
        return json_object_get_double(a) == json_object_get_double(b);
    return json_object_equal((json_object *)a, (json_object *)b) != 0;
}

diff_change *diff_emit_kw(diff_run *run, diff_check_id check, const json_object *o, const char *po,
                          const json_object *n, const char *pn, const char *kw, const char *fmt,
                          ...)
{
    char msg[2048], *qo = diff_get(o, kw) ? diff_ptr(po, kw) : strdup(po);
    char *qn = diff_get(n, kw) ? diff_ptr(pn, kw) : strdup(pn);
    diff_change *c = NULL;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (qo && qn)
        c = diff_emit(run, check, qo, qn, "%s", msg);
    else
        run->oom = true;
    free(qo);
    free(qn);
    return c;
}

/* Whether the pair was compared already; records it when not. */
static bool seen(diff_run *run, const json_object *o, const json_object *n)
{
    for (size_t i = 0; i < run->n_pairs; i++)
        if (run->pairs[i].old_node == o && run->pairs[i].new_node == n)
            return true;
    if (run->n_pairs == run->cap_pairs) {
        size_t cap = run->cap_pairs ? run->cap_pairs * 2 : 64;
        diff_pair *v = realloc(run->pairs, cap * sizeof *v);
        if (!v) {
            run->oom = true;
            return true;
        }
        run->pairs = v;
        run->cap_pairs = cap;
    }
    run->pairs[run->n_pairs].old_node = o;
    run->pairs[run->n_pairs].new_node = n;
    run->n_pairs++;
    return false;
}

/* Records that po and pn were compared (the C API matches by it). */
static void correspond(diff_run *run, const char *po, const char *pn)
{
    if (run->n_corr == run->cap_corr) {
        size_t cap = run->cap_corr ? run->cap_corr * 2 : 64;
        diff_corr *v = realloc(run->corr, cap * sizeof *v);
        if (!v) {
            run->oom = true;
            return;
        }
        run->corr = v;
        run->cap_corr = cap;
    }
    run->corr[run->n_corr].side = run->side;
    run->corr[run->n_corr].old_ptr = strdup(po);
    run->corr[run->n_corr].new_ptr = strdup(pn);
    if (!run->corr[run->n_corr].old_ptr || !run->corr[run->n_corr].new_ptr)
        run->oom = true;
    run->n_corr++;
}

const char *diff_corresponding(const diff_run *run, int side, int which, const char *ptr)
{
    for (size_t i = 0; i < run->n_corr; i++) {
        const diff_corr *c = &run->corr[i];
        const char *mine = which ? c->new_ptr : c->old_ptr;
        if (c->side == side && mine && strcmp(mine, ptr) == 0)
            return which ? c->old_ptr : c->new_ptr;
    }
    return NULL;
}

/* Keywords beside a "$ref" that do not make it more than a reference. */
static bool only_ref(const json_object *s)
{
    static const char *const notes[] = {"$ref",     "description", "title",
                                        "$comment", "examples",    "deprecated"};

    json_object_object_foreach((json_object *)s, key, val)
    {
        bool note = false;
        (void)val;
        for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
            note |= strcmp(key, notes[i]) == 0;
        if (!note)
            return false;
    }
    return true;
}

/* Follows a schema that is only a reference to what it points to; *ptr
 * (heap) becomes the target's pointer. */
static const json_object *resolve(diff_run *run, int which, const json_object *s, char **ptr)
{
    for (int i = 0; i < MAX_REFS; i++) {
        json_object *ref = diff_get(s, "$ref");
        const json_object *t;
        char *p;
        if (!ref || !json_object_is_type(ref, json_type_string) || !only_ref(s) ||
            !(t = diff_follow(run, which, s, json_object_get_string(ref))) ||
            !(p = diff_pointer_of(run, which, t)))
            break;
        free(*ptr);
        *ptr = p;
        s = t;
    }
    return s;
}

/* Both have "$ref" beside other keywords (2019-09 and later): the targets
 * are compared too, as the allOf member they are. */
static void compare_refs(diff_run *run, const json_object *o, const char *po, const json_object *n,
                         const char *pn, int depth)
{
    json_object *ro = diff_get(o, "$ref"), *rn = diff_get(n, "$ref");
    const json_object *to, *tn;
    char *qo, *qn;

    if (!ro || !rn || !json_object_is_type(ro, json_type_string) ||
        !json_object_is_type(rn, json_type_string))
        return;
    to = diff_follow(run, 0, o, json_object_get_string(ro));
    tn = diff_follow(run, 1, n, json_object_get_string(rn));
    if (!to || !tn)
        return;
    qo = diff_pointer_of(run, 0, to);
    qn = diff_pointer_of(run, 1, tn);
    diff_node(run, to, qo ? qo : po, tn, qn ? qn : pn, depth + 1);
    free(qo);
    free(qn);
}

void diff_node(diff_run *run, const json_object *o, const char *po, const json_object *n,
               const char *pn, int depth)
{
    char *qo = strdup(po), *qn = strdup(pn);

    if (!qo || !qn) {
        run->oom = true;
    } else if (depth <= MAX_DEPTH && !run->oom) {
        correspond(run, po, pn);
        o = resolve(run, 0, o, &qo);
        n = resolve(run, 1, n, &qn);
        if (strcmp(qo, po) != 0 || strcmp(qn, pn) != 0)
            correspond(run, qo, qn);
        if (!seen(run, o, n)) {
            diff_keywords(run, o, qo, n, qn, depth);
            diff_children(run, o, qo, n, qn, depth);
            diff_branches(run, o, qo, n, qn, depth);
            compare_refs(run, o, qo, n, qn, depth);
        }
    }
    free(qo);
    free(qn);
}
