/* SPDX-License-Identifier: MIT */
/* keywords.c: the keyword vocabulary of each dialect, and the rules about
 * keywords themselves: unknown ones (with a did-you-mean), ones for another
 * type, and values that should be schemas but are not. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

enum {
    D4 = CARDC_DIALECT_DRAFT4,
    D6 = CARDC_DIALECT_DRAFT6,
    D7 = CARDC_DIALECT_DRAFT7,
    D19 = CARDC_DIALECT_2019_09,
    D20 = CARDC_DIALECT_2020_12,
    EXT = 99
};

typedef struct keyword {
    const char *name;
    lint_kw_shape shape;
    const char *type; /* the instance type it constrains, or NULL */
    int from, to;     /* dialects that define it; EXT: a known extension */
} keyword;

static const keyword keywords[] = {
    {"$schema", KW_VALUE, NULL, D4, D20},
    {"id", KW_VALUE, NULL, D4, D4},
    {"$id", KW_VALUE, NULL, D6, D20},
    {"$ref", KW_VALUE, NULL, D4, D20},
    {"$comment", KW_VALUE, NULL, D7, D20},
    {"$anchor", KW_VALUE, NULL, D19, D20},
    {"$recursiveRef", KW_VALUE, NULL, D19, D19},
    {"$recursiveAnchor", KW_VALUE, NULL, D19, D19},
    {"$dynamicRef", KW_VALUE, NULL, D20, D20},
    {"$dynamicAnchor", KW_VALUE, NULL, D20, D20},
    {"$vocabulary", KW_VALUE, NULL, D19, D20},
    {"$defs", KW_MAP, NULL, D19, D20},
    {"definitions", KW_MAP, NULL, D4, D20},
    {"title", KW_VALUE, NULL, D4, D20},
    {"description", KW_VALUE, NULL, D4, D20},
    {"default", KW_VALUE, NULL, D4, D20},
    {"examples", KW_VALUE, NULL, D6, D20},
    {"deprecated", KW_VALUE, NULL, D19, D20},
    {"readOnly", KW_VALUE, NULL, D7, D20},
    {"writeOnly", KW_VALUE, NULL, D7, D20},
    {"type", KW_VALUE, NULL, D4, D20},
    {"enum", KW_VALUE, NULL, D4, D20},
    {"const", KW_VALUE, NULL, D6, D20},
    {"format", KW_VALUE, NULL, D4, D20},
    {"multipleOf", KW_VALUE, "number", D4, D20},
    {"maximum", KW_VALUE, "number", D4, D20},
    {"minimum", KW_VALUE, "number", D4, D20},
    {"exclusiveMaximum", KW_VALUE, "number", D4, D20},
    {"exclusiveMinimum", KW_VALUE, "number", D4, D20},
    {"maxLength", KW_VALUE, "string", D4, D20},
    {"minLength", KW_VALUE, "string", D4, D20},
    {"pattern", KW_VALUE, "string", D4, D20},
    {"contentMediaType", KW_VALUE, "string", D7, D20},
    {"contentEncoding", KW_VALUE, "string", D7, D20},
    {"contentSchema", KW_SCHEMA, "string", D19, D20},
    {"items", KW_ITEMS, "array", D4, D20},
    {"additionalItems", KW_SCHEMA, "array", D4, D19},
    {"prefixItems", KW_ARRAY, "array", D20, D20},
    {"maxItems", KW_VALUE, "array", D4, D20},
    {"minItems", KW_VALUE, "array", D4, D20},
    {"uniqueItems", KW_VALUE, "array", D4, D20},
    {"contains", KW_SCHEMA, "array", D6, D20},
    {"maxContains", KW_VALUE, "array", D19, D20},
    {"minContains", KW_VALUE, "array", D19, D20},
    {"unevaluatedItems", KW_SCHEMA, "array", D19, D20},
    {"properties", KW_MAP, "object", D4, D20},
    {"patternProperties", KW_MAP, "object", D4, D20},
    {"additionalProperties", KW_SCHEMA, "object", D4, D20},
    {"required", KW_VALUE, "object", D4, D20},
    {"maxProperties", KW_VALUE, "object", D4, D20},
    {"minProperties", KW_VALUE, "object", D4, D20},
    {"dependencies", KW_DEPS, "object", D4, D20},
    {"dependentRequired", KW_VALUE, "object", D19, D20},
    {"dependentSchemas", KW_MAP, "object", D19, D20},
    {"propertyNames", KW_SCHEMA, "object", D6, D20},
    {"unevaluatedProperties", KW_SCHEMA, "object", D19, D20},
    {"allOf", KW_ARRAY, NULL, D4, D20},
    {"anyOf", KW_ARRAY, NULL, D4, D20},
    {"oneOf", KW_ARRAY, NULL, D4, D20},
    {"not", KW_SCHEMA, NULL, D4, D20},
    {"if", KW_SCHEMA, NULL, D7, D20},
    {"then", KW_SCHEMA, NULL, D7, D20},
    {"else", KW_SCHEMA, NULL, D7, D20},
    /* Extensions real cards use: ajv-errors, and Cloudflare's output type. */
    {"errorMessage", KW_VALUE, NULL, EXT, EXT},
    {"contentType", KW_VALUE, NULL, EXT, EXT},
};
#define N_KEYWORDS (sizeof keywords / sizeof keywords[0])

static const keyword *find(const char *name)
{
    for (size_t i = 0; i < N_KEYWORDS; i++)
        if (strcmp(keywords[i].name, name) == 0)
            return &keywords[i];
    return NULL;
}

static bool in_dialect(const keyword *k, cardc_dialect d)
{
    return k->from == EXT || ((int)d >= k->from && (int)d <= k->to);
}

lint_kw_shape lint_keyword_shape(const char *kw, cardc_dialect d, bool *known)
{
    const keyword *k = find(kw);

    *known = k && in_dialect(k, d);
    return k ? k->shape : KW_VALUE;
}

const char *lint_keyword_type(const char *kw)
{
    const keyword *k = find(kw);

    return k ? k->type : NULL;
}

static bool same_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return !*a && !*b;
}

/* The dialect keyword name is a near miss of: unique, case-only or within
 * one edit (two for long names). *dist gets the distance (0: case only). */
static const keyword *near_miss(const char *name, cardc_dialect d, size_t *dist)
{
    const keyword *best = NULL;
    size_t len = strlen(name), max = len >= 8 ? 2 : len >= 4 ? 1 : 0, best_d = max + 1;
    bool tie = false;

    for (size_t i = 0; i < N_KEYWORDS; i++) {
        const keyword *k = &keywords[i];
        size_t dd;
        if (!in_dialect(k, d))
            continue;
        dd = same_ignoring_case(name, k->name) ? 0 : lint_distance(name, k->name, max);
        if (dd < best_d) {
            best = k, best_d = dd, tie = false;
        } else if (dd == best_d) {
            tie = true;
        }
    }
    if (!best || best_d > max || (tie && best_d > 0))
        return NULL;
    *dist = best_d;
    return best;
}

static const char *dialect_span(const keyword *k)
{
    return k->from >= D20   ? "2020-12"
           : k->from >= D19 ? "2019-09 and later"
           : k->to <= D4    ? "draft-04"
           : k->to <= D19   ? "drafts up to 2019-09"
                            : "later drafts";
}

static void unknown_keyword(const lint_node *n, const char *key)
{
    const keyword *other = find(key), *k;
    char *p, sugg[256];
    size_t dist = 0;
    lint_finding *f;

    if (strncmp(key, "x-", 2) == 0 || !(p = lint_ptr_join(n->ptr, key)))
        return;
    if (other) {
        snprintf(sugg, sizeof sugg, "declare the dialect with \"$schema\" or drop \"%s\"", key);
        lint_emit(n->run, n->unit, LINT_KEYWORD_UNKNOWN, p, sugg,
                  "\"%s\" is a keyword of %s, not of %s: validators ignore it here", key,
                  dialect_span(other), cardc_dialect_name(n->dialect));
    } else if ((k = near_miss(key, n->dialect, &dist))) {
        snprintf(sugg, sizeof sugg, "did you mean \"%s\"?", k->name);
        f = lint_emit(n->run, n->unit, LINT_KEYWORD_TYPO, p, sugg,
                      "unknown keyword \"%s\" is ignored: the constraint it was meant to add "
                      "is lost",
                      key);
        if (f && dist <= 1 && !lint_get(n->schema, k->name))
            lint_fix_rename(n->run, n->unit, f, n->ptr, key, k->name);
    } else {
        lint_emit(n->run, n->unit, LINT_KEYWORD_UNKNOWN, p,
                  "remove it, or prefix it with \"x-\" if it is a deliberate extension",
                  "unknown keyword \"%s\" is ignored by validators", key);
    }
    free(p);
}

static bool applies(const char *type, unsigned types)
{
    unsigned bit = lint_type_bit(type);

    if (bit == LINT_T_NUMBER)
        bit |= LINT_T_INTEGER;
    return (types & bit) != 0;
}

static void inapplicable(const lint_node *n, const char *key, const char *type, unsigned types)
{
    char *p = lint_ptr_join(n->ptr, key), sugg[256];
    struct json_object *t = lint_get(n->schema, "type");
    lint_finding *f;

    if (!p)
        return;
    snprintf(sugg, sizeof sugg,
             "remove \"%s\" (it never applies), or add \"%s\" to \"type\" if %s values "
             "were meant",
             key, type, type);
    f = lint_emit(n->run, n->unit, LINT_KEYWORD_INAPPLICABLE, p, sugg,
                  "\"%s\" constrains %s values, but \"type\" is %s: it never applies", key, type,
                  json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN));
    (void)types;
    if (f)
        lint_fix_remove(n->run, n->unit, f, n->ptr, key);
    free(p);
}

void lint_rules_keywords(const lint_node *n)
{
    unsigned types = lint_types(n->schema);

    json_object_object_foreach((struct json_object *)n->schema, key, val)
    {
        const keyword *k = find(key);
        (void)val;
        if (!k || !in_dialect(k, n->dialect)) {
            unknown_keyword(n, key);
            continue;
        }
        if (k->type && types && !applies(k->type, types))
            inapplicable(n, key, k->type, types);
        if (k->shape != KW_VALUE)
            lint_rules_shape(n, key, k->shape, val);
    }
}
