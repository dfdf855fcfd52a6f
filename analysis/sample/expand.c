/* SPDX-License-Identifier: MIT */
/* Which schemas apply at one instance location: the schema, what its
 * "$ref"s point to, its allOf members, one chosen oneOf/anyOf branch and one
 * side of if/then/else. Local references only: a sample is built from the
 * one document it is given. */
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

/* Walks an unescaped JSON Pointer fragment ("/definitions/a~1b"). */
static const json_object *walk_pointer(const json_object *node, const char *p)
{
    while (node && *p == '/') {
        char tok[512];
        size_t n = 0;
        json_object *next = NULL;
        for (p++; *p && *p != '/' && n + 1 < sizeof tok; p++) {
            if (*p == '~' && (p[1] == '0' || p[1] == '1')) {
                tok[n++] = p[1] == '0' ? '~' : '/';
                p++;
            } else if (*p == '%' && p[1] && p[2]) {
                char hex[3] = {p[1], p[2], 0};
                tok[n++] = (char)strtol(hex, NULL, 16);
                p += 2;
            } else {
                tok[n++] = *p;
            }
        }
        tok[n] = 0;
        if (json_object_is_type(node, json_type_object))
            node = json_object_object_get_ex(node, tok, &next) ? next : NULL;
        else if (json_object_is_type(node, json_type_array))
            node = json_object_array_get_idx(node, (size_t)atol(tok));
        else
            node = NULL;
    }
    return *p ? NULL : node;
}

/* The subschema whose $anchor, $dynamicAnchor or draft-07 "$id": "#name"
 * is name. */
static const json_object *find_anchor(const json_object *node, const char *name, int depth)
{
    if (depth > 64)
        return NULL;
    if (json_object_is_type(node, json_type_object)) {
        json_object *v;
        const char *keys[] = {"$anchor", "$dynamicAnchor", "$recursiveAnchor"};
        for (size_t k = 0; k < 2; k++)
            if (json_object_object_get_ex(node, keys[k], &v) &&
                json_object_is_type(v, json_type_string) &&
                strcmp(json_object_get_string(v), name) == 0)
                return node;
        if (json_object_object_get_ex(node, "$id", &v) &&
            json_object_is_type(v, json_type_string) && json_object_get_string(v)[0] == '#' &&
            strcmp(json_object_get_string(v) + 1, name) == 0)
            return node;
        json_object_object_foreach((json_object *)node, key, child)
        {
            const json_object *hit;
            (void)key;
            if ((hit = find_anchor(child, name, depth + 1)))
                return hit;
        }
    } else if (json_object_is_type(node, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(node); i++) {
            const json_object *hit =
                find_anchor(json_object_array_get_idx(node, i), name, depth + 1);
            if (hit)
                return hit;
        }
    }
    return NULL;
}

static const json_object *resolve(gen_ctx *c, const char *ref, const char *loc)
{
    const json_object *t = NULL;

    if (ref[0] == '#' && (ref[1] == 0 || ref[1] == '/'))
        t = walk_pointer(c->root, ref + 1);
    else if (ref[0] == '#')
        t = find_anchor(c->root, ref + 1, 0);
    else {
        ctx_fail(c, loc,
                 "\"$ref\": \"%s\" points to another document; cardc sample follows "
                 "references inside the schema only",
                 ref);
        return NULL;
    }
    if (!t)
        ctx_fail(c, loc, "\"$ref\": \"%s\" does not resolve inside the schema", ref);
    return t;
}

static void expand_ref(gen_ctx *c, slist *l, const json_object *s, const char *loc, const char *kw)
{
    json_object *v;
    const json_object *t;

    if (!json_object_object_get_ex(s, kw, &v) || !json_object_is_type(v, json_type_string))
        return;
    /* $recursiveRef "#" goes to the root: one document, one dynamic scope. */
    t = strcmp(kw, "$recursiveRef") == 0
            ? c->root
            : resolve(c, json_object_get_string(v), ctx_ptr(c, loc, kw));
    if (t)
        expand(c, l, t, ctx_ptr(c, loc, kw));
}

static void expand_branch(gen_ctx *c, slist *l, const json_object *s, const char *loc,
                          const char *kw)
{
    json_object *v;
    size_t n, k;

    if (!json_object_object_get_ex(s, kw, &v) || !json_object_is_type(v, json_type_array))
        return;
    n = json_object_array_length(v);
    if (n == 0)
        return;
    k = ctx_choose(c, n);
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
