/* SPDX-License-Identifier: MIT */
/* One value from the schemas that apply at an instance location: const and
 * enum first, then a type all of them allow, then that type's generator. */
#include <string.h>

#include "sample_internal.h"

/* Nesting of generated values; a recursive schema stops adding optional
 * members well before (see gen_object), so only a schema that requires
 * infinite depth reaches it. */
#define MAX_VALUE_DEPTH 48

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

static unsigned type_mask(const json_object *t)
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
        return inferred_types(l);
    if (m)
        ctx_site(c, BREAK_TYPE, instance, type_loc, (double)m);
    return m;
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
    case T_NUMBER: return gen_number(c, l, instance, ctx_choose(c, 2) == 0);
    case T_INTEGER: return gen_number(c, l, instance, true);
    case T_BOOL: return json_object_new_boolean(ctx_choose(c, 2) == 1);
    default: return NULL; /* json null */
    }
}

json_object *gen_value(gen_ctx *c, const slist *l, const char *instance)
{
    json_object *out;
    unsigned m;

    if (c->failed)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (json_object_is_type(l->v[i].s, json_type_boolean) &&
            !json_object_get_boolean(l->v[i].s)) {
            ctx_fail(c, l->v[i].loc, "the schema is false: no value is valid here");
            return NULL;
        }
    if (c->depth >= MAX_VALUE_DEPTH) {
        ctx_fail(c, l->n ? l->v[0].loc : "",
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
    c->depth--;
    return out;
}
