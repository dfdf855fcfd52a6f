/* SPDX-License-Identifier: MIT */
/* values.c: values a schema carries (default, const, enum) checked by the
 * real validator against that schema; bounds nothing satisfies; required
 * names no property declares. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

static void check_value(const lint_node *n, const char *kw, struct json_object *v, const char *vptr,
                        lint_rule_id rule)
{
    char msg[600], sugg[700];
    int verdict;
    char *text;

    if (!lint_get(n->schema, kw))
        return;
    verdict = lint_check(n->run, n->unit, n->ptr, v, msg, sizeof msg);
    if (verdict != 0)
        return;
    text = lint_dump(v);
    snprintf(sugg, sizeof sugg, "%s the value to one the schema accepts (the validator says: %s)",
             strcmp(kw, "enum") == 0 ? "remove it, or change" : "change", msg);
    lint_emit(n->run, n->unit, rule, vptr, sugg, "%s %s breaks its own schema: %s", kw,
              text ? text : "?", msg);
    free(text);
}

void lint_rules_values(const lint_node *n)
{
    struct json_object *v;
    char *p;

    if ((v = lint_get(n->schema, "default")) && (p = lint_ptr_join(n->ptr, "default"))) {
        check_value(n, "default", v, p, LINT_DEFAULT_INVALID);
        free(p);
    }
    if ((v = lint_get(n->schema, "const")) && (p = lint_ptr_join(n->ptr, "const"))) {
        check_value(n, "const", v, p, LINT_CONST_INVALID);
        free(p);
    }
    v = lint_get(n->schema, "enum");
    if (v && json_object_is_type(v, json_type_array) && (p = lint_ptr_join(n->ptr, "enum"))) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            char *q = lint_ptr_index(p, i);
            if (q)
                check_value(n, "enum", json_object_array_get_idx(v, i), q, LINT_ENUM_INVALID);
            free(q);
        }
        free(p);
    }
}

static bool number(const struct json_object *s, const char *kw, double *out)
{
    struct json_object *v = lint_get(s, kw);

    if (!v || (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
        return false;
    *out = json_object_get_double(v);
    return true;
}

static void pair(const lint_node *n, const char *lo_kw, const char *hi_kw, bool strict,
                 const char *what)
{
    double lo, hi;
    char *p, sugg[256];

    if (!number(n->schema, lo_kw, &lo) || !number(n->schema, hi_kw, &hi))
        return;
    if (strict ? lo < hi : lo <= hi)
        return;
    if (!(p = lint_ptr_join(n->ptr, lo_kw)))
        return;
    snprintf(sugg, sizeof sugg, "make \"%s\" %s \"%s\", or swap them", lo_kw,
             strict ? "lower than" : "at most", hi_kw);
    lint_emit(n->run, n->unit, LINT_BOUNDS_UNSATISFIABLE, p, sugg,
              "%s %.17g %s %s %.17g: no %s satisfies both", lo_kw, lo, strict ? ">=" : ">", hi_kw,
              hi, what);
    free(p);
}

/* The numeric range, with draft-04's boolean exclusive forms. */
static void numeric(const lint_node *n)
{
    double lo = -INFINITY, hi = INFINITY, v;
    bool lo_ex = false, hi_ex = false;
    struct json_object *b;
    char *p;

    if (number(n->schema, "minimum", &v))
        lo = v;
    if (number(n->schema, "maximum", &v))
        hi = v;
    if ((b = lint_get(n->schema, "exclusiveMinimum")) && json_object_is_type(b, json_type_boolean))
        lo_ex = json_object_get_boolean(b);
    if ((b = lint_get(n->schema, "exclusiveMaximum")) && json_object_is_type(b, json_type_boolean))
        hi_ex = json_object_get_boolean(b);
    if (number(n->schema, "exclusiveMinimum", &v) && v >= lo)
        lo = v, lo_ex = true;
    if (number(n->schema, "exclusiveMaximum", &v) && v <= hi)
        hi = v, hi_ex = true;
    if (!(lo > hi || (lo == hi && (lo_ex || hi_ex)))) {
        /* A non-empty real range may still hold no integer. */
        double first = lo_ex && floor(lo) == lo ? lo + 1 : ceil(lo);
        if (lint_types(n->schema) != LINT_T_INTEGER || isinf(lo) || isinf(hi) || first < hi ||
            (first == hi && !hi_ex))
            return;
    }
    if (!(p = lint_ptr_join(n->ptr,
                            lint_get(n->schema, "minimum") ? "minimum" : "exclusiveMinimum")))
        return;
    lint_emit(n->run, n->unit, LINT_BOUNDS_UNSATISFIABLE, p,
              "widen the range so some value lies inside it",
              "the range %s%.17g, %.17g%s holds no %s", lo_ex ? "(" : "[", lo, hi,
              hi_ex ? ")" : "]", lint_types(n->schema) == LINT_T_INTEGER ? "integer" : "number");
    free(p);
}

void lint_rules_bounds(const lint_node *n)
{
    struct json_object *r = lint_get(n->schema, "required"), *e = lint_get(n->schema, "enum");
    struct json_object *t = lint_get(n->schema, "type");
    double maxp;
    char *p;

    if (lint_get(n->schema, "minimum") || lint_get(n->schema, "maximum") ||
        lint_get(n->schema, "exclusiveMinimum") || lint_get(n->schema, "exclusiveMaximum"))
        numeric(n);
    pair(n, "minLength", "maxLength", false, "string");
    pair(n, "minItems", "maxItems", false, "array");
    pair(n, "minProperties", "maxProperties", false, "object");
    pair(n, "minContains", "maxContains", false, "array");
    if (r && json_object_is_type(r, json_type_array) && number(n->schema, "maxProperties", &maxp) &&
        (double)json_object_array_length(r) > maxp && (p = lint_ptr_join(n->ptr, "required"))) {
        lint_emit(n->run, n->unit, LINT_BOUNDS_UNSATISFIABLE, p,
                  "raise maxProperties to at least the number of required names",
                  "%zu names are required but maxProperties is %.17g", json_object_array_length(r),
                  maxp);
        free(p);
    }
    if (e && json_object_is_type(e, json_type_array) && json_object_array_length(e) == 0 &&
        (p = lint_ptr_join(n->ptr, "enum"))) {
        lint_emit(n->run, n->unit, LINT_BOUNDS_UNSATISFIABLE, p, "list the accepted values",
                  "an empty enum accepts nothing");
        free(p);
    }
    if (t && json_object_is_type(t, json_type_array) && json_object_array_length(t) == 0 &&
        (p = lint_ptr_join(n->ptr, "type"))) {
        lint_emit(n->run, n->unit, LINT_BOUNDS_UNSATISFIABLE, p, "name at least one type",
                  "an empty type list accepts nothing");
        free(p);
    }
}

/* Whether the schema applies to the same instance as its parent (an
 * applicator's subschema), so the parent's properties count. */
static bool same_instance(const lint_node *n)
{
    static const char *const via[] = {
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"};
    for (size_t i = 0; n->via && i < sizeof via / sizeof via[0]; i++)
        if (strcmp(n->via, via[i]) == 0)
            return true;
    return false;
}

/* Properties declared where the name may come from: the schema, and the
 * one holding it through allOf/anyOf/oneOf (a branch that only adds
 * required names to the parent's properties is common and fine). */
static bool declared(const lint_node *n, const char *name)
{
    struct json_object *props = lint_get(n->schema, "properties");
    bool via_branch = same_instance(n);

    if (lint_get(props, name))
        return true;
    props = via_branch ? lint_get(n->parent, "properties") : NULL;
    return lint_get(props, name) != NULL;
}

static const char *closest(const lint_node *n, const char *name)
{
    struct json_object *props = lint_get(n->schema, "properties");

    if (!props || !json_object_is_type(props, json_type_object))
        return NULL;
    json_object_object_foreach(props, key, val)
    {
        (void)val;
        if (lint_distance(name, key, 2) <= 2)
            return key;
    }
    return NULL;
}

void lint_rules_required(const lint_node *n)
{
    struct json_object *r = lint_get(n->schema, "required"), *ap;
    bool closed, has_props;

    if (!r || !json_object_is_type(r, json_type_array))
        return;
    ap = lint_get(n->schema, "additionalProperties");
    closed = ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap) &&
             !lint_get(n->schema, "patternProperties");
    has_props = lint_get(n->schema, "properties") ||
                (same_instance(n) && lint_get(n->parent, "properties"));
    for (size_t i = 0; i < json_object_array_length(r); i++) {
        struct json_object *e = json_object_array_get_idx(r, i);
        const char *name, *near;
        char *p, *q, sugg[300];
        if (!json_object_is_type(e, json_type_string) || (!closed && !has_props))
            continue;
        name = json_object_get_string(e);
        if (declared(n, name) || !(p = lint_ptr_join(n->ptr, "required")))
            continue;
        q = lint_ptr_index(p, i);
        near = closest(n, name);
        if (near)
            snprintf(sugg, sizeof sugg, "did you mean \"%s\"?", near);
        else
            snprintf(sugg, sizeof sugg, "declare \"%s\" in properties, or drop it from required",
                     name);
        if (q && closed)
            lint_emit(n->run, n->unit, LINT_REQUIRED_UNSATISFIABLE, q, sugg,
                      "\"%s\" is required, but additionalProperties: false forbids it (it is "
                      "not in properties): no object is valid",
                      name);
        else if (q)
            lint_emit(n->run, n->unit, LINT_REQUIRED_UNDECLARED, q, sugg,
                      "\"%s\" is required but not declared in properties", name);
        free(p);
        free(q);
    }
}
