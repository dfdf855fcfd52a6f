/* SPDX-License-Identifier: MIT */
/* One value from the schemas that apply at an instance location: const and
 * enum first, then a type all of them allow, then that type's generator. */
#include <string.h>

#include "sample_internal.h"

/* Nesting of generated values; a recursive schema stops adding optional
 * members well before (see gen_object), so only a schema that requires
 * infinite depth reaches it. */
#define MAX_VALUE_DEPTH 48
/* Values "not" refuses are built for the breaks above this depth only. */
#define NOT_DEPTH 8

static unsigned type_bit(const char *name)
{
    static const struct {
        const char *name;
        unsigned bit;
    } map[] = {
        {"null", T_NULL},
        {"boolean", T_BOOL},
        {"object", T_OBJECT},
        {"array", T_ARRAY},
        {"number", T_NUMBER | T_INTEGER},
        {"string", T_STRING},
        {"integer", T_INTEGER},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i].name) == 0)
            return map[i].bit;
    return 0;
}

unsigned type_mask(const json_object *t)
{
    unsigned m = 0;

    if (json_object_is_type(t, json_type_string))
        return type_bit(json_object_get_string((json_object *)t));
    if (json_object_is_type(t, json_type_array))
        for (size_t i = 0; i < json_object_array_length(t); i++) {
            json_object *e = json_object_array_get_idx(t, i);
            if (json_object_is_type(e, json_type_string))
                m |= type_bit(json_object_get_string(e));
        }
    return m;
}

json_object *value_outside(unsigned mask)
{
    if (!(mask & T_STRING))
        return json_object_new_string("x");
    if (!(mask & T_INTEGER))
        return json_object_new_int(7);
    if (!(mask & T_OBJECT))
        return json_object_new_object();
    if (!(mask & T_BOOL))
        return json_object_new_boolean(1);
    if (!(mask & T_ARRAY))
        return json_object_new_array();
    if (!(mask & T_NUMBER))
        return json_object_new_double(0.5);
    return NULL; /* only null is refused: a JSON null is the value itself */
}

/* The types the views' "not": {"type": ...} rule out. */
static unsigned not_types(const slist *l)
{
    unsigned m = 0;

    for (size_t i = 0; i < l->n; i++) {
        json_object *n, *t;
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, "not", &n) &&
            json_object_is_type(n, json_type_object) && json_object_object_get_ex(n, "type", &t))
            m |= type_mask(t);
    }
    return m;
}

/* Types the keywords present suggest, when no schema says "type". */
static unsigned inferred_types(const slist *l)
{
    static const struct {
        const char *kw;
        unsigned bit;
    } hints[] = {
        {"properties", T_OBJECT},
        {"required", T_OBJECT},
        {"additionalProperties", T_OBJECT},
        {"patternProperties", T_OBJECT},
        {"minProperties", T_OBJECT},
        {"maxProperties", T_OBJECT},
        {"dependentRequired", T_OBJECT},
        {"dependentSchemas", T_OBJECT},
        {"dependencies", T_OBJECT},
        {"propertyNames", T_OBJECT},
        {"unevaluatedProperties", T_OBJECT},
        {"additionalItems", T_ARRAY},
        {"unevaluatedItems", T_ARRAY},
        {"maxItems", T_ARRAY},
        {"uniqueItems", T_ARRAY},
        {"items", T_ARRAY},
        {"prefixItems", T_ARRAY},
        {"minItems", T_ARRAY},
        {"contains", T_ARRAY},
        {"minLength", T_STRING},
        {"maxLength", T_STRING},
        {"pattern", T_STRING},
        {"format", T_STRING},
        {"minimum", T_NUMBER | T_INTEGER},
        {"maximum", T_NUMBER | T_INTEGER},
        {"multipleOf", T_NUMBER | T_INTEGER},
        {"exclusiveMinimum", T_NUMBER | T_INTEGER},
        {"exclusiveMaximum", T_NUMBER | T_INTEGER},
    };
    unsigned m = 0;

    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (slist_find(l, hints[i].kw, NULL))
            m |= hints[i].bit;
    return m ? m : T_ALL;
}

static unsigned allowed_types(gen_ctx *c, const slist *l, const char *instance)
{
    unsigned m = T_ALL;
    bool typed = false;
    const char *type_loc = NULL;

    for (size_t i = 0; i < l->n; i++) {
        json_object *t;
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, "type", &t)) {
            m &= type_mask(t);
            if (!typed)
                type_loc = ctx_ptr(c, l->v[i].loc, "type");
            typed = true;
        }
    }
    if (!typed)
        return inferred_types(l) & ~not_types(l);
    if (m)
        ctx_site(c, BREAK_TYPE, instance, type_loc, (double)m);
    return m & ~not_types(l);
}

/* const or one enum value into *out (which may be JSON null); false when
 * neither keyword applies. */
static bool pick_listed(gen_ctx *c, const slist *l, const char *instance, json_object **out)
{
    const char *loc;
    const json_object *v = slist_find(l, "const", &loc);

    if (v) {
        ctx_site(c, BREAK_ENUM, instance, ctx_ptr(c, loc, "const"), 0);
    } else if ((v = slist_find(l, "enum", &loc)) && json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        if (n == 0) {
            ctx_fail(c, ctx_ptr(c, loc, "enum"), "an empty enum admits no value");
            return true;
        }
        ctx_site(c, BREAK_ENUM, instance, ctx_ptr(c, loc, "enum"), 0);
        v = json_object_array_get_idx(v, ctx_choose(c, n));
    } else {
        return false;
    }
    if (v && json_object_deep_copy((json_object *)v, out, NULL) != 0)
        c->failed = true;
    return true;
}

/* A number with a fraction for one without (when "integer" is ruled out);
 * the validator checks the bounds. Takes v. */
static json_object *fractional(json_object *v)
{
    double d;

    if (!v || !json_object_is_type(v, json_type_int))
        return v;
    d = json_object_get_double(v) + 0.5;
    json_object_put(v);
    return json_object_new_double(d);
}

static json_object *gen_typed(gen_ctx *c, const slist *l, const char *instance, unsigned m)
{
    static const unsigned order[] = {T_OBJECT,  T_ARRAY, T_STRING, T_NUMBER,
                                     T_INTEGER, T_BOOL,  T_NULL};
    unsigned opts[7];
    size_t n = 0;

    for (size_t i = 0; i < 7; i++)
        if ((m & order[i]) && !(order[i] == T_INTEGER && (m & T_NUMBER)))
            opts[n++] = order[i];
    switch (opts[ctx_choose(c, n)]) {
    case T_OBJECT: return gen_object(c, l, instance);
    case T_ARRAY: return gen_array(c, l, instance);
    case T_STRING: return gen_string(c, l, instance);
    case T_NUMBER:
        return (m & T_INTEGER) ? gen_number(c, l, instance, ctx_choose(c, 2) == 0)
                               : fractional(gen_number(c, l, instance, false));
    case T_INTEGER: return gen_number(c, l, instance, true);
    case T_BOOL: return json_object_new_boolean(ctx_choose(c, 2) == 1);
    default: return NULL; /* json null */
    }
}

json_object *gen_detached(gen_ctx *c, const slist *l, const char *instance, bool *ok)
{
    size_t saved = c->n_sites;
    json_object *value = c->failed ? NULL : gen_value(c, l, instance);

    *ok = !c->failed;
    for (size_t k = saved; k < c->n_sites; k++)
        json_object_put(c->sites[k].value);
    c->n_sites = saved;
    c->failed = false;
    c->reason[0] = c->reason_loc[0] = 0;
    return value;
}

/* One value "not" at view v refuses, as a site replacing the value: what
 * breaks "not" alone. Built like any value from the not-schema. */
static void not_site(gen_ctx *c, const sview *v, const json_object * not, const char *instance)
{
    const char *loc = ctx_ptr(c, v->loc, "not");
    slist nl = {0};
    json_object *value;
    bool built;
    site *st;

    expand(c, &nl, not, loc);
    value = gen_detached(c, &nl, instance, &built);
    slist_free(&nl);
    if (built && (st = ctx_site(c, BREAK_REPLACE, instance, loc, 0))) {
        st->value = value;
        st->has_value = true;
        return;
    }
    json_object_put(value);
}

static void not_sites(gen_ctx *c, const slist *l, const char *instance)
{
    for (size_t i = 0; i < l->n && !c->failed && c->depth < NOT_DEPTH; i++) {
        json_object * not ;
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, "not", &not ))
            not_site(c, &l->v[i], not, instance);
    }
}

json_object *gen_value(gen_ctx *c, const slist *l, const char *instance)
{
    json_object *out;
    unsigned m;

    if (c->failed)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        json_object * not ;
        if (json_object_is_type(l->v[i].s, json_type_boolean) &&
            !json_object_get_boolean(l->v[i].s)) {
            ctx_fail(c, l->v[i].loc, "the schema is false: no value is valid here");
            return NULL;
        }
        if (json_object_is_type(l->v[i].s, json_type_object) &&
            json_object_object_get_ex(l->v[i].s, "not", &not ) &&
            ((json_object_is_type(not, json_type_boolean) && json_object_get_boolean(not )) ||
             (json_object_is_type(not, json_type_object) &&
              json_object_object_length(not ) == 0))) {
            ctx_fail(c, ctx_ptr(c, l->v[i].loc, "not"),
                     "\"not\" refuses every value: no value is valid here");
            return NULL;
        }
    }
    if (c->depth >= MAX_VALUE_DEPTH) {
        /* Located at the first "$ref" of the path: where the cycle starts
         * (the whole path is MAX_VALUE_DEPTH levels long). */
        const char *loc = l->n ? l->v[0].loc : "", *ref = strstr(loc, "/$ref");
        ctx_fail(c, ref ? ctx_fmt(c, "%.*s", (int)(ref - loc + 5), loc) : loc,
                 "the schema requires values nested deeper than "
                 "%d levels (a recursive \"$ref\" without a way out)",
                 MAX_VALUE_DEPTH);
        return NULL;
    }
    c->depth++;
    out = NULL;
    if (!pick_listed(c, l, instance, &out) && !c->failed) {
        m = allowed_types(c, l, instance);
        if (m == 0)
            ctx_fail(c, l->v[0].loc, "the \"type\"s that apply here have no type in common");
        else
            out = gen_typed(c, l, instance, m);
    }
    if (!c->failed)
        not_sites(c, l, instance);
    c->depth--;
    return out;
}
