/* SPDX-License-Identifier: MIT */
/* Which schemas apply at one instance location: the schema, what its
 * "$ref"s point to (in any document the compiled schema uses), its allOf
 * members, one chosen oneOf/anyOf branch and one side of if/then/else. */
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

/* A schema carrying every applicator of a cyclic reference chain repeats
 * itself well before this many views at one location. */
#define MAX_VIEWS 256

static void slist_push(gen_ctx *c, slist *l, const json_object *s, const char *loc)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        sview *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            c->failed = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].s = s;
    l->v[l->n].loc = loc;
    l->n++;
}

void slist_free(slist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

const json_object *slist_find(const slist *l, const char *kw, const char **loc)
{
    for (size_t i = 0; i < l->n; i++) {
        json_object *v;
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, kw, &v)) {
            if (loc)
                *loc = l->v[i].loc;
            return v;
        }
    }
    return NULL;
}

/* Where a reference of schema s leads: resolved against s's base URI and
 * looked up among the documents the compiled schema uses; NULL when it
 * leads nowhere (*abs_out, when given, gets the absolute URI: heap). */
static const json_object *lookup(gen_ctx *c, const json_object *s, const char *ref, char **abs_out)
{
    char *abs = NULL;
    const json_object *t = ref_index_lookup(&c->shared->refs, s, ref, &abs);

    if (!abs)
        c->failed = true;
    if (abs_out)
        *abs_out = abs;
    else
        free(abs);
    return t;
}

static const json_object *resolve(gen_ctx *c, const json_object *s, const char *ref,
                                  const char *loc)
{
    char *abs = NULL;
    const json_object *t = lookup(c, s, ref, &abs);

    if (!t && abs)
        ctx_fail(c, loc, "\"$ref\": \"%s\" (%s) is not among the schema's documents", ref, abs);
    free(abs);
    return t;
}

const json_object *follow_refs(gen_ctx *c, const json_object *s)
{
    for (int i = 0; i < 8 && json_object_is_type(s, json_type_object); i++) {
        json_object *v;
        const json_object *t;
        if (!json_object_object_get_ex(s, "$ref", &v) ||
            !json_object_is_type(v, json_type_string) ||
            !(t = lookup(c, s, json_object_get_string(v), NULL)))
            break;
        s = t;
    }
    return s;
}

static void expand_ref(gen_ctx *c, slist *l, const json_object *s, const char *loc, const char *kw)
{
    json_object *v;
    const json_object *t;

    if (!json_object_object_get_ex(s, kw, &v) || !json_object_is_type(v, json_type_string))
        return;
    /* $dynamicRef and $recursiveRef are followed statically: the validator
     * has the last word where the dynamic scope says otherwise. */
    t = resolve(c, s, json_object_get_string(v), ctx_ptr(c, loc, kw));
    if (t)
        expand(c, l, t, ctx_ptr(c, loc, kw));
}

static bool is_false(const json_object *s)
{
    return json_object_is_type(s, json_type_boolean) && !json_object_get_boolean(s);
}

static void expand_branch(gen_ctx *c, slist *l, const json_object *s, const char *loc,
                          const char *kw)
{
    json_object *v;
    size_t n, k, live = 0;

    if (!json_object_object_get_ex(s, kw, &v) || !json_object_is_type(v, json_type_array))
        return;
    n = json_object_array_length(v);
    if (n == 0)
        return;
    /* A false branch never holds a value: the choice is among the others
     * (all of them false: the first, and its reason). */
    for (size_t i = 0; i < n; i++)
        live += !is_false(json_object_array_get_idx(v, i));
    k = ctx_choose(c, live ? live : 1);
    for (size_t i = 0; live && i < n; i++)
        if (!is_false(json_object_array_get_idx(v, i)) && k-- == 0) {
            k = i;
            break;
        }
    expand(c, l, json_object_array_get_idx(v, k), ctx_fmt(c, "%s/%zu", ctx_ptr(c, loc, kw), k));
}

static void expand_if(gen_ctx *c, slist *l, const json_object *s, const char *loc)
{
    json_object *cond, *then = NULL, *els = NULL;

    if (!json_object_object_get_ex(s, "if", &cond))
        return;
    json_object_object_get_ex(s, "then", &then);
    json_object_object_get_ex(s, "else", &els);
    if (ctx_choose(c, 2) == 0) {
        expand(c, l, cond, ctx_ptr(c, loc, "if"));
        if (then)
            expand(c, l, then, ctx_ptr(c, loc, "then"));
    } else if (els) {
        expand(c, l, els, ctx_ptr(c, loc, "else"));
    }
}

void expand(gen_ctx *c, slist *l, const json_object *s, const char *loc)
{
    json_object *v;

    if (c->failed || !loc)
        return;
    if (l->n >= MAX_VIEWS) {
        ctx_fail(c, loc,
                 "the schema refers to itself without consuming the instance "
                 "(more than %d schemas apply at one location)",
                 MAX_VIEWS);
        return;
    }
    slist_push(c, l, s, loc);
    if (!json_object_is_type(s, json_type_object))
        return;
    expand_ref(c, l, s, loc, "$ref");
    expand_ref(c, l, s, loc, "$dynamicRef");
    expand_ref(c, l, s, loc, "$recursiveRef");
    if (json_object_object_get_ex(s, "allOf", &v) && json_object_is_type(v, json_type_array))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            expand(c, l, json_object_array_get_idx(v, i),
                   ctx_fmt(c, "%s/%zu", ctx_ptr(c, loc, "allOf"), i));
    expand_branch(c, l, s, loc, "oneOf");
    expand_branch(c, l, s, loc, "anyOf");
    expand_if(c, l, s, loc);
}
