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
        for (size_t k = 0; k < 3; k++) {
            /* the members dependencies hang on, as optional members */
            static const char *const deps[] = {"dependentRequired", "dependentSchemas",
                                               "dependencies"};
            if (json_object_object_get_ex(l->v[i].s, deps[k], &p) &&
                json_object_is_type(p, json_type_object)) {
                json_object_object_foreach(p, key, val)
                {
                    (void)val;
                    member_get(c, m, key);
                }
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
 * members pull their dependencies in; each is a member a break removes. */
static void add_dependencies(gen_ctx *c, const slist *l, members *m, const char *instance)
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
                const char *loc = ctx_ptr(c, ctx_ptr(c, l->v[i].loc, kws[k]), key);
                if (!trigger || !trigger->include || !json_object_is_type(deps, json_type_array))
                    continue;
                for (size_t j = 0; j < json_object_array_length(deps); j++) {
                    member *mb = member_get(
                        c, m, json_object_get_string(json_object_array_get_idx(deps, j)));
                    site *st;
                    if (!mb)
                        continue;
                    mb->include = true;
                    if ((st = ctx_site(c, BREAK_REQUIRED, instance, loc, 0)))
                        st->text = mb->name;
                }
            }
        }
}

/* The schemas member name gets from view v: its properties entry and the
 * patternProperties it matches, else additionalProperties. */
static void member_views(gen_ctx *c, const sview *v, const char *name, slist *child)
{
    json_object *p, *s;
    bool evaluated = false;

    if (!json_object_is_type(v->s, json_type_object))
        return;
    if (json_object_object_get_ex(v->s, "properties", &p) &&
        json_object_object_get_ex(p, name, &s)) {
        expand(c, child, s, ctx_ptr(c, ctx_ptr(c, v->loc, "properties"), name));
        evaluated = true;
    }
    if (json_object_object_get_ex(v->s, "patternProperties", &p) &&
        json_object_is_type(p, json_type_object)) {
        json_object_object_foreach(p, pattern, ps)
        {
            if (rx_matches(c, pattern, name) == 1) {
                expand(c, child, ps, ctx_ptr(c, ctx_ptr(c, v->loc, "patternProperties"), pattern));
                evaluated = true;
            }
        }
    }
    if (!evaluated && json_object_object_get_ex(v->s, "additionalProperties", &s))
        expand(c, child, s, ctx_ptr(c, v->loc, "additionalProperties"));
}

static json_object *member_value(gen_ctx *c, const slist *l, const char *name, const char *instance)
{
    slist child = {0};
    json_object *v;

    for (size_t i = 0; i < l->n; i++)
        member_views(c, &l->v[i], name, &child);
    v = gen_value(c, &child, instance);
    slist_free(&child);
    return v;
}

/* Whether some view limits which members an object may have beyond the
 * ones it declares (a poison member would break it). */
static bool closed(const slist *l)
{
    static const char *const kws[] = {"additionalProperties", "unevaluatedProperties",
                                      "propertyNames", "patternProperties", "maxProperties"};

    for (size_t k = 0; k < sizeof kws / sizeof kws[0]; k++) {
        const json_object *v = slist_find(l, kws[k], NULL);
        if (v && !(json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v)))
            return true;
    }
    return false;
}

static bool declared(const slist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        json_object *p;
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, "properties", &p) &&
            json_object_is_type(p, json_type_object) && json_object_object_get_ex(p, name, NULL))
            return true;
    }
    return false;
}

/* Makes out fail one oneOf branch that was not chosen: a member that
 * branch declares with a type, set to another type (the chosen branch
 * does not declare it and the object is open). */
static void poison(gen_ctx *c, const slist *l, json_object *out, const json_object *branch)
{
    json_object *p, *r;

    branch = follow_refs(c, branch);
    if (!json_object_is_type(branch, json_type_object))
        return;
    if (json_object_object_get_ex(branch, "required", &r) &&
        json_object_is_type(r, json_type_array))
        for (size_t i = 0; i < json_object_array_length(r); i++)
            if (!json_object_object_get_ex(
                    out, json_object_get_string(json_object_array_get_idx(r, i)), NULL))
                return; /* the branch already fails */
    if (!json_object_object_get_ex(branch, "properties", &p) ||
        !json_object_is_type(p, json_type_object))
        return;
    json_object_object_foreach(p, name, ps)
    {
        json_object *t, *bad;
        ps = (json_object *)follow_refs(c, ps);
        if (json_object_object_get_ex(out, name, NULL) || declared(l, name) ||
            !json_object_is_type(ps, json_type_object) ||
            !json_object_object_get_ex(ps, "type", &t) || type_mask(t) == 0 ||
            !(bad = value_outside(type_mask(t))))
            continue;
        json_object_object_add(out, name, bad);
        return;
    }
}

/* With c->exclude: for each oneOf among the views, the branches not
 * chosen (those without a view of their own) get poisoned. */
static void exclude_branches(gen_ctx *c, const slist *l, json_object *out)
{
    if (!c->exclude || closed(l))
        return;
    for (size_t i = 0; i < l->n; i++) {
        json_object *branches;
        size_t n;
        if (!json_object_is_type(l->v[i].s, json_type_object) ||
            !json_object_object_get_ex(l->v[i].s, "oneOf", &branches) ||
            !json_object_is_type(branches, json_type_array))
            continue;
        n = json_object_array_length(branches);
        for (size_t k = 0; k < n; k++) {
            const char *loc = ctx_fmt(c, "%s/oneOf/%zu", l->v[i].loc, k);
            bool chosen = false;
            for (size_t j = 0; loc && j < l->n && !chosen; j++)
                chosen = strcmp(l->v[j].loc, loc) == 0;
            if (!chosen)
                poison(c, l, out, json_object_array_get_idx(branches, k));
        }
    }
}

static void object_sites(gen_ctx *c, const slist *l, const char *instance, size_t count)
{
    const char *loc = NULL, *mloc = NULL;
    const json_object *ap = slist_find(l, "additionalProperties", &loc);
    const json_object *mx = slist_find(l, "maxProperties", &mloc);

    if (ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap))
        ctx_site(c, BREAK_EXTRA_PROPERTY, instance, ctx_ptr(c, loc, "additionalProperties"), 0);
    else if (l->n)
        ctx_site(c, BREAK_ADD_MEMBER, instance, l->v[0].loc, 0);
    if (mx)
        ctx_site(c, BREAK_MAX_PROPERTIES, instance, ctx_ptr(c, mloc, "maxProperties"),
                 json_object_get_double(mx));
    if ((mx = slist_find(l, "minProperties", &mloc)) && json_object_get_double(mx) > 0 && count > 0)
        ctx_site(c, BREAK_MIN_PROPERTIES, instance, ctx_ptr(c, mloc, "minProperties"),
                 json_object_get_double(mx));
}

/* "not": {"required": [...]}: leaves out one optional member of the list
 * when all of them are in. */
static void not_required(gen_ctx *c, const slist *l, members *m)
{
    for (size_t i = 0; i < l->n; i++) {
        json_object * not, *r;
        member *drop = NULL;
        bool all = true;
        if (!json_object_is_type(l->v[i].s, json_type_object) ||
            !json_object_object_get_ex(l->v[i].s, "not", &not ) ||
            !json_object_is_type(not, json_type_object) ||
            !json_object_object_get_ex(not, "required", &r) ||
            !json_object_is_type(r, json_type_array) || json_object_array_length(r) == 0)
            continue;
        for (size_t k = 0; k < json_object_array_length(r) && all; k++) {
            member *mb = member_get(c, m, json_object_get_string(json_object_array_get_idx(r, k)));
            all = mb && mb->include;
            if (mb && !mb->required_loc && !drop)
                drop = mb;
        }
        if (all && drop)
            drop->include = false;
    }
}

/* patternProperties: in the larger samples, one member per pattern named
 * by a string the pattern matches. */
static void pattern_members(gen_ctx *c, const slist *l, members *m)
{
    for (size_t i = 0; i < l->n && c->mode != 0 && c->depth < OPTIONAL_DEPTH; i++) {
        json_object *p;
        if (!json_object_is_type(l->v[i].s, json_type_object) ||
            !json_object_object_get_ex(l->v[i].s, "patternProperties", &p) ||
            !json_object_is_type(p, json_type_object))
            continue;
        json_object_object_foreach(p, pattern, ps)
        {
            char *name;
            const char *kept;
            member *mb;
            (void)ps;
            if (c->mode == 2 && ctx_choose(c, 2) == 0)
                continue;
            name = gen_regex(c, pattern,
                             ctx_ptr(c, ctx_ptr(c, l->v[i].loc, "patternProperties"), pattern));
            if (!name || rx_matches(c, pattern, name) != 1) {
                free(name);
                c->failed = false; /* an optional member: no reason to give up */
                c->reason[0] = c->reason_loc[0] = 0;
                continue;
            }
            kept = ctx_fmt(c, "%s", name); /* NULL (and c->failed) when out of memory */
            if (kept && (mb = member_get(c, m, kept)))
                mb->include = true;
            free(name);
        }
    }
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
    pattern_members(c, l, &m);
    for (size_t i = 0; i < m.n; i++)
        count += m.v[i].include;
    for (size_t i = 0; i < m.n && count < want; i++)
        if (!m.v[i].include)
            m.v[i].include = true, count++;
    add_dependencies(c, l, &m, instance);
    not_required(c, l, &m);
    for (size_t i = 0; i < m.n && !c->failed; i++) {
        const char *inst = ctx_ptr(c, instance, m.v[i].name);
        site *st;
        if (!m.v[i].include)
            continue;
        if (m.v[i].required_loc &&
            (st = ctx_site(c, BREAK_REQUIRED, instance, m.v[i].required_loc, 0)))
            st->text = m.v[i].name;
        v = member_value(c, l, m.v[i].name, inst);
        json_object_object_add(out, m.v[i].name, v);
    }
    for (size_t k = 0; count < want && !c->failed; k++, count++) {
        const char *name = ctx_fmt(c, "extra%zu", k);
        if (!name)
            break; /* out of memory: c->failed */
        json_object_object_add(out, name, member_value(c, l, name, ctx_ptr(c, instance, name)));
    }
    exclude_branches(c, l, out);
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

/* How many elements must match "contains" (minContains, default 1). */
static size_t contains_needed(const slist *l)
{
    const json_object *mc = slist_find(l, "minContains", NULL);

    if (!slist_find(l, "contains", NULL))
        return 0;
    return mc && json_object_get_double(mc) >= 0 ? (size_t)json_object_get_double(mc) : 1;
}

static size_t array_length(gen_ctx *c, const slist *l, const char *instance, size_t need)
{
    const char *lmin = NULL, *lmax = NULL;
    const json_object *mn = slist_find(l, "minItems", &lmin);
    const json_object *mx = slist_find(l, "maxItems", &lmax);
    size_t min = mn && json_object_get_double(mn) > 0 ? (size_t)json_object_get_double(mn) : 0;
    size_t lo = min > need ? min : need, hi, n;

    if (mx && json_object_get_double(mx) < (double)lo) {
        ctx_fail(c, ctx_ptr(c, lmax, "maxItems"),
                 "maxItems %g is below the %zu elements minItems or minContains need",
                 json_object_get_double(mx), lo);
        return 0;
    }
    hi = mx ? (size_t)json_object_get_double(mx) : lo + FREE_ITEMS;
    if (hi > lo + FREE_ITEMS)
        hi = lo + FREE_ITEMS;
    n = c->mode == 0 || c->depth >= OPTIONAL_DEPTH ? lo
        : c->mode == 1                             ? hi
                                                   : lo + (size_t)(ctx_rand(c) % (hi - lo + 1));
    if (mx)
        ctx_site(c, BREAK_MAX_ITEMS, instance, ctx_ptr(c, lmax, "maxItems"),
                 json_object_get_double(mx));
    if (min > 0)
        ctx_site(c, BREAK_MIN_ITEMS, instance, ctx_ptr(c, lmin, "minItems"), (double)min);
    return n;
}

static void array_sites(gen_ctx *c, const slist *l, const char *instance, size_t n, size_t need)
{
    const char *loc = NULL;
    const json_object *v = slist_find(l, "uniqueItems", &loc);

    if (v && json_object_get_boolean(v) && n >= 2)
        ctx_site(c, BREAK_UNIQUE_ITEMS, instance, ctx_ptr(c, loc, "uniqueItems"), 0);
    if (l->n)
        ctx_site(c, BREAK_ADD_ELEMENT, instance, l->v[0].loc, 0);
    if (need > 0 && slist_find(l, "contains", &loc))
        ctx_site(c, BREAK_CONTAINS, instance, ctx_ptr(c, loc, "contains"), (double)need);
    if (need > 0 && (v = slist_find(l, "maxContains", &loc)))
        ctx_site(c, BREAK_MAX_CONTAINS, instance, ctx_ptr(c, loc, "maxContains"),
                 json_object_get_double(v));
}

/* One more element, built like element n, for the maxItems break: a copy
 * of an element would also break uniqueItems. */
static void spare_element(gen_ctx *c, const slist *l, const char *instance, size_t n)
{
    site *st = NULL;
    slist child = {0};
    json_object *v;
    bool built;

    for (size_t i = 0; i < c->n_sites && !st; i++)
        if (c->sites[i].kind == BREAK_MAX_ITEMS && c->sites[i].instance == instance)
            st = &c->sites[i];
    if (!st || c->failed)
        return;
    element_views(c, l, n, &child);
    v = gen_detached(c, &child, ctx_fmt(c, "%s/%zu", instance, n), &built);
    slist_free(&child);
    /* gen_detached may have grown the sites: find it again */
    for (size_t i = 0; i < c->n_sites; i++)
        if (c->sites[i].kind == BREAK_MAX_ITEMS && c->sites[i].instance == instance) {
            st = &c->sites[i];
            break;
        }
    if (built && !st->has_value) {
        st->value = v;
        st->has_value = true;
        return;
    }
    json_object_put(v);
}

json_object *gen_array(gen_ctx *c, const slist *l, const char *instance)
{
    json_object *out = json_object_new_array();
    const char *cloc = NULL;
    const json_object *contains = slist_find(l, "contains", &cloc);
    size_t need = contains_needed(l), n = array_length(c, l, instance, need);

    for (size_t i = 0; i < n && !c->failed; i++) {
        slist child = {0};
        element_views(c, l, i, &child);
        if (i < need)
            expand(c, &child, contains, ctx_ptr(c, cloc, "contains"));
        json_object_array_add(out, gen_value(c, &child, ctx_fmt(c, "%s/%zu", instance, i)));
        slist_free(&child);
    }
    array_sites(c, l, instance, n, need);
    spare_element(c, l, instance, n);
    return out;
}
