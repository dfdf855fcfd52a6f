/* SPDX-License-Identifier: MIT */
/* Objects and arrays: members and elements from every schema that applies,
 * optional members absent in the smallest samples and present in the
 * largest, sizes at their bounds. */
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

/* Below this nesting, optional members and elements beyond the minimum are
 * left out: what keeps recursive schemas finite. */
#define OPTIONAL_DEPTH 6
#define FREE_ITEMS     4

typedef struct member {
    const char *name;
    const char *required_loc; /* the "required" keyword naming it, or NULL */
    bool include;
} member;

typedef struct members {
    member *v;
    size_t n, cap;
} members;

static member *member_get(gen_ctx *c, members *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].name, name) == 0)
            return &m->v[i];
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        member *v = realloc(m->v, cap * sizeof *v);
        if (!v) {
            c->failed = true;
            return NULL;
        }
        m->v = v;
        m->cap = cap;
    }
    memset(&m->v[m->n], 0, sizeof m->v[m->n]);
    m->v[m->n].name = name;
    return &m->v[m->n++];
}

/* Every declared and required member name, in schema order. */
static void collect_members(gen_ctx *c, const slist *l, members *m)
{
    for (size_t i = 0; i < l->n; i++) {
        json_object *p, *r;
        if (!json_object_is_type(l->v[i].s, json_type_object))
            continue;
        if (json_object_object_get_ex(l->v[i].s, "properties", &p) &&
            json_object_is_type(p, json_type_object)) {
            json_object_object_foreach(p, key, val)
            {
                (void)val;
                member_get(c, m, key);
            }
        }
        if (json_object_object_get_ex(l->v[i].s, "required", &r) &&
            json_object_is_type(r, json_type_array))
            for (size_t k = 0; k < json_object_array_length(r); k++) {
                json_object *e = json_object_array_get_idx(r, k);
                member *mb;
                if (!json_object_is_type(e, json_type_string) ||
                    !(mb = member_get(c, m, json_object_get_string(e))))
                    continue;
                if (!mb->required_loc)
                    mb->required_loc = ctx_ptr(c, l->v[i].loc, "required");
                mb->include = true;
            }
    }
}

/* dependentRequired / draft-07 dependencies (array form) of included
 * members pull their dependencies in. */
static void add_dependencies(gen_ctx *c, const slist *l, members *m)
{
    static const char *const kws[] = {"dependentRequired", "dependencies"};

    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < 2; k++) {
            json_object *d;
            if (!json_object_is_type(l->v[i].s, json_type_object) ||
                !json_object_object_get_ex(l->v[i].s, kws[k], &d) ||
                !json_object_is_type(d, json_type_object))
                continue;
            json_object_object_foreach(d, key, deps)
            {
                member *trigger = member_get(c, m, key);
                if (!trigger || !trigger->include || !json_object_is_type(deps, json_type_array))
                    continue;
                for (size_t j = 0; j < json_object_array_length(deps); j++) {
                    member *mb = member_get(
                        c, m, json_object_get_string(json_object_array_get_idx(deps, j)));
                    if (mb)
                        mb->include = true;
                }
            }
        }
}

static json_object *member_value(gen_ctx *c, const slist *l, const char *name, const char *instance)
{
    slist child = {0};
    json_object *v;

    for (size_t i = 0; i < l->n; i++) {
        json_object *p, *s;
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, "properties", &p) &&
            json_object_object_get_ex(p, name, &s))
            expand(c, &child, s, ctx_ptr(c, ctx_ptr(c, l->v[i].loc, "properties"), name));
    }
    if (child.n == 0) {
        const char *loc = NULL;
        const json_object *ap = slist_find(l, "additionalProperties", &loc);
        if (ap && json_object_is_type(ap, json_type_object))
            expand(c, &child, ap, ctx_ptr(c, loc, "additionalProperties"));
    }
    v = gen_value(c, &child, instance);
    slist_free(&child);
    return v;
}

static void object_sites(gen_ctx *c, const slist *l, const char *instance, size_t count)
{
    const char *loc = NULL;
    const json_object *ap = slist_find(l, "additionalProperties", &loc);
    const json_object *mx = slist_find(l, "maxProperties", &loc);

    if (ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap))
        ctx_site(c, BREAK_EXTRA_PROPERTY, instance, ctx_ptr(c, loc, "additionalProperties"), 0);
    if (mx && json_object_get_int64(mx) == (int64_t)count)
        ctx_site(c, BREAK_MAX_PROPERTIES, instance, ctx_ptr(c, loc, "maxProperties"), 0);
}

json_object *gen_object(gen_ctx *c, const slist *l, const char *instance)
{
    members m = {0};
    json_object *out = json_object_new_object(), *v;
    const json_object *mn = slist_find(l, "minProperties", NULL);
    size_t want = mn ? (size_t)json_object_get_int64(mn) : 0, count = 0;

    collect_members(c, l, &m);
    for (size_t i = 0; i < m.n; i++)
        if (!m.v[i].include && c->depth < OPTIONAL_DEPTH)
            m.v[i].include = c->mode == 1 || (c->mode == 2 && ctx_choose(c, 2) == 1);
    for (size_t i = 0; i < m.n; i++)
        count += m.v[i].include;
    for (size_t i = 0; i < m.n && count < want; i++)
        if (!m.v[i].include)
            m.v[i].include = true, count++;
    add_dependencies(c, l, &m);
    for (size_t i = 0; i < m.n && !c->failed; i++) {
        const char *inst = ctx_ptr(c, instance, m.v[i].name);
        if (!m.v[i].include)
            continue;
        if (m.v[i].required_loc) {
            ctx_site(c, BREAK_REQUIRED, instance, m.v[i].required_loc, 0);
            if (ctx_last_site(c))
                ctx_last_site(c)->text = m.v[i].name;
        }
        v = member_value(c, l, m.v[i].name, inst);
        json_object_object_add(out, m.v[i].name, v);
    }
    for (size_t k = 0; count < want && !c->failed; k++, count++) {
        const char *name = ctx_fmt(c, "extra%zu", k);
        json_object_object_add(out, name, member_value(c, l, name, ctx_ptr(c, instance, name)));
    }
    object_sites(c, l, instance, (size_t)json_object_object_length(out));
    free(m.v);
    return out;
}

/* Element i's schemas: prefixItems / array-form items by position, then
 * items or additionalItems. */
static void element_views(gen_ctx *c, const slist *l, size_t i, slist *child)
{
    for (size_t k = 0; k < l->n; k++) {
        const json_object *s = l->v[k].s;
        json_object *pre = NULL, *items = NULL, *rest = NULL;
        const char *pre_kw = "prefixItems", *rest_kw = "items";
        if (!json_object_is_type(s, json_type_object))
            continue;
        json_object_object_get_ex(s, "items", &items);
        if (!json_object_object_get_ex(s, "prefixItems", &pre) &&
            json_object_is_type(items, json_type_array)) {
            pre = items, pre_kw = "items";
            json_object_object_get_ex(s, "additionalItems", &rest);
            rest_kw = "additionalItems";
        } else {
            rest = items;
        }
        if (json_object_is_type(pre, json_type_array) && i < json_object_array_length(pre))
            expand(c, child, json_object_array_get_idx(pre, i),
                   ctx_fmt(c, "%s/%zu", ctx_ptr(c, l->v[k].loc, pre_kw), i));
        else if (rest)
            expand(c, child, rest, ctx_ptr(c, l->v[k].loc, rest_kw));
    }
}

static size_t array_length(gen_ctx *c, const slist *l, const char *instance)
{
    const char *lmin = NULL, *lmax = NULL;
    const json_object *mn = slist_find(l, "minItems", &lmin);
    const json_object *mx = slist_find(l, "maxItems", &lmax);
    size_t lo = mn ? (size_t)json_object_get_int64(mn) : 0;
    size_t hi = mx ? (size_t)json_object_get_int64(mx) : lo + FREE_ITEMS, n;

    if (hi > lo + FREE_ITEMS)
        hi = lo + FREE_ITEMS;
    if (slist_find(l, "contains", NULL) && lo == 0)
        lo = 1;
    n = c->mode == 0 || c->depth >= OPTIONAL_DEPTH ? lo
        : c->mode == 1                             ? hi
                                                   : lo + (size_t)(ctx_rand(c) % (hi - lo + 1));
    if (mx && n == (size_t)json_object_get_int64(mx))
        ctx_site(c, BREAK_MAX_ITEMS, instance, ctx_ptr(c, lmax, "maxItems"), (double)n);
    if (mn && n == lo && lo > 0)
        ctx_site(c, BREAK_MIN_ITEMS, instance, ctx_ptr(c, lmin, "minItems"), (double)n);
    return n;
}

json_object *gen_array(gen_ctx *c, const slist *l, const char *instance)
{
    json_object *out = json_object_new_array();
    const char *cloc = NULL, *uloc = NULL;
    const json_object *contains = slist_find(l, "contains", &cloc);
    const json_object *uniq = slist_find(l, "uniqueItems", &uloc);
    size_t n = array_length(c, l, instance);

    for (size_t i = 0; i < n && !c->failed; i++) {
        slist child = {0};
        element_views(c, l, i, &child);
        if (i == 0 && contains)
            expand(c, &child, contains, ctx_ptr(c, cloc, "contains"));
        json_object_array_add(out, gen_value(c, &child, ctx_fmt(c, "%s/%zu", instance, i)));
        slist_free(&child);
    }
    if (uniq && json_object_get_boolean(uniq) && n >= 2)
        ctx_site(c, BREAK_UNIQUE_ITEMS, instance, ctx_ptr(c, uloc, "uniqueItems"), 0);
    return out;
}
