/* SPDX-License-Identifier: MIT */
/* shape.c: schema-expected, a keyword that takes schemas holding something
 * else; most often a keyword written one level too deep
 * ("properties": {"required": [...]}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

static bool is_schema(const struct json_object *v)
{
    return json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_boolean);
}

static const char *kind(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a number";
    case json_type_int: return "an integer";
    case json_type_string: return "a string";
    case json_type_array: return "an array";
    default: return "an object";
    }
}

/* `name` inside a map of schemas, with a value no schema has: a keyword
 * meant beside the map when name is one. */
static void misplaced(const lint_node *n, const char *map, const char *name,
                      const struct json_object *v)
{
    char *p = lint_ptr_join(n->ptr, map), *q = p ? lint_ptr_join(p, name) : NULL, sugg[256];
    const char *type = lint_keyword_type(name);
    bool known, keyword;
    lint_finding *f;

    lint_keyword_shape(name, n->dialect, &known);
    keyword = known && strcmp(name, "$ref") != 0;
    if (!q) {
        free(p);
        return;
    }
    if (keyword) {
        snprintf(sugg, sizeof sugg, "did you mean \"%s\" beside \"%s\"?", name, map);
        f = lint_emit(n->run, n->unit, LINT_SCHEMA_EXPECTED, q, sugg,
                      "\"%s\" inside \"%s\" declares a %s named \"%s\" whose schema is %s; as "
                      "a keyword it does nothing here",
                      name, map, strcmp(map, "properties") ? "member" : "property", name, kind(v));
        /* Certain when the keyword is absent beside the map and the value
         * is what that keyword takes. */
        bool fits = (strcmp(name, "required") == 0 && json_object_is_type(v, json_type_array)) ||
                    (strcmp(name, "type") == 0 && (json_object_is_type(v, json_type_string) ||
                                                   json_object_is_type(v, json_type_array)));
        (void)type;
        if (f && fits && !lint_get(n->schema, name))
            lint_fix_move(n->run, n->unit, f, p, name, n->ptr, map);
    } else {
        lint_emit(n->run, n->unit, LINT_SCHEMA_EXPECTED, q,
                  "write the member's schema as an object ({\"type\": ...}) or true",
                  "\"%s/%s\" must be a schema (an object or a boolean), not %s", map, name,
                  kind(v));
    }
    free(p);
    free(q);
}

static void not_schema(const lint_node *n, const char *key, const struct json_object *v,
                       const char *what)
{
    char *p = lint_ptr_join(n->ptr, key), sugg[256];

    if (!p)
        return;
    if (json_object_is_type(v, json_type_string) &&
        lint_type_bit(json_object_get_string((struct json_object *)v)))
        snprintf(sugg, sizeof sugg, "write {\"type\": \"%s\"}",
                 json_object_get_string((struct json_object *)v));
    else
        snprintf(sugg, sizeof sugg, "write a schema: an object such as {\"type\": ...}, or true");
    lint_emit(n->run, n->unit, LINT_SCHEMA_EXPECTED, p, sugg, "\"%s\" must be %s, not %s", key,
              what, kind(v));
    free(p);
}

void lint_rules_shape(const lint_node *n, const char *key, lint_kw_shape shape,
                      const struct json_object *val)
{
    bool arr = json_object_is_type(val, json_type_array);

    if (shape == KW_SCHEMA || (shape == KW_ITEMS && !arr)) {
        if (!is_schema(val))
            not_schema(n, key, val, "a schema (an object or a boolean)");
    } else if (shape == KW_ARRAY || shape == KW_ITEMS) {
        if (!arr) {
            not_schema(n, key, val, "an array of schemas");
            return;
        }
        for (size_t i = 0; i < json_object_array_length(val); i++) {
            struct json_object *e = json_object_array_get_idx(val, i);
            char *p = lint_ptr_join(n->ptr, key), *q = p ? lint_ptr_index(p, i) : NULL;
            if (q && !is_schema(e))
                lint_emit(n->run, n->unit, LINT_SCHEMA_EXPECTED, q,
                          "write a schema: an object such as {\"type\": ...}, or true",
                          "\"%s/%zu\" must be a schema (an object or a boolean), not %s", key, i,
                          kind(e));
            free(p);
            free(q);
        }
    } else if (shape == KW_MAP || shape == KW_DEPS) {
        if (!json_object_is_type(val, json_type_object)) {
            not_schema(n, key, val, "an object of schemas");
            return;
        }
        json_object_object_foreach((struct json_object *)val, name, sub)
        {
            if (is_schema(sub))
                continue;
            if (shape == KW_DEPS && json_object_is_type(sub, json_type_array))
                continue; /* dependencies: an array of names is fine */
            misplaced(n, key, name, sub);
        }
    }
}
