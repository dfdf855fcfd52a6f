/* SPDX-License-Identifier: MIT */
/* walk.c: visits every subschema of a unit (where keywords say a schema is)
 * and runs the schema rules on each; small helpers the rules share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

/* Deeper schemas are not linted: no real card comes close, and recursion
 * must stay bounded whatever the input. */
#define LINT_MAX_DEPTH 256

char *lint_ptr_join(const char *ptr, const char *token)
{
    strbuf b = {0};

    strbuf_str(&b, ptr);
    strbuf_add(&b, "/", 1);
    strbuf_pointer_token(&b, token, strlen(token));
    return cardc__strbuf_take(&b);
}

char *lint_ptr_index(const char *ptr, size_t index)
{
    strbuf b = {0};

    strbuf_printf(&b, "%s/%zu", ptr, index);
    return cardc__strbuf_take(&b);
}

struct json_object *lint_get(const struct json_object *schema, const char *key)
{
    struct json_object *v = NULL;

    if (!schema || !json_object_is_type(schema, json_type_object))
        return NULL;
    return json_object_object_get_ex(schema, key, &v) ? v : NULL;
}

char *lint_dump(const struct json_object *v)
{
    return cardc_json_dump(v, 0);
}

unsigned lint_type_bit(const char *name)
{
    static const char *const names[] = {"null",   "boolean", "object", "array",
                                        "number", "string",  "integer"};
    for (unsigned i = 0; i < 7; i++)
        if (strcmp(names[i], name) == 0)
            return 1u << i;
    return 0;
}

unsigned lint_types(const struct json_object *schema)
{
    struct json_object *t = lint_get(schema, "type");
    unsigned bits = 0;

    if (t && json_object_is_type(t, json_type_string))
        return lint_type_bit(json_object_get_string(t));
    if (t && json_object_is_type(t, json_type_array))
        for (size_t i = 0; i < json_object_array_length(t); i++) {
            struct json_object *e = json_object_array_get_idx(t, i);
            if (json_object_is_type(e, json_type_string))
                bits |= lint_type_bit(json_object_get_string(e));
        }
    return bits;
}

size_t lint_distance(const char *a, const char *b, size_t max)
{
    size_t n = strlen(a), m = strlen(b);
    size_t prev2[65], prev[65], cur[65];

    if (n > 64 || m > 64)
        return max + 1;
    if ((n > m ? n - m : m - n) > max)
        return max + 1;
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
        }
        memcpy(prev2, prev, sizeof prev);
        memcpy(prev, cur, sizeof cur);
    }
    return prev[m];
}

static void visit(lint_node *n, int depth);

static void child(const lint_node *n, const struct json_object *schema, const char *ptr,
                  const char *via, int depth)
{
    lint_node c = *n;

    if (!ptr) {
        n->run->oom = true;
        return;
    }
    if (!json_object_is_type(schema, json_type_object)) {
        free((char *)ptr); /* booleans have nothing to lint; other values: keywords.c */
        return;
    }
    c.schema = schema;
    c.ptr = ptr;
    c.parent = n->schema;
    c.via = via;
    visit(&c, depth + 1);
}

static void children(const lint_node *n, int depth)
{
    json_object_object_foreach((struct json_object *)n->schema, key, val)
    {
        bool known;
        lint_kw_shape shape = lint_keyword_shape(key, n->dialect, &known);
        char *kp = lint_ptr_join(n->ptr, key);
        bool arr = json_object_is_type(val, json_type_array);
        bool obj = json_object_is_type(val, json_type_object);

        if (!kp) {
            n->run->oom = true;
            return;
        }
        if (shape == KW_SCHEMA || (shape == KW_ITEMS && !arr)) {
            child(n, val, strdup(kp), key, depth);
        } else if ((shape == KW_ARRAY || shape == KW_ITEMS) && arr) {
            for (size_t i = 0; i < json_object_array_length(val); i++)
                child(n, json_object_array_get_idx(val, i), lint_ptr_index(kp, i), key, depth);
        } else if ((shape == KW_MAP || shape == KW_DEPS) && obj) {
            json_object_object_foreach(val, name, sub)
                child(n, sub, lint_ptr_join(kp, name), key, depth);
        }
        free(kp);
    }
}

static void visit(lint_node *n, int depth)
{
    struct json_object *sv = lint_get(n->schema, "$schema");

    if (depth > LINT_MAX_DEPTH || n->run->oom) {
        free((char *)n->ptr);
        return;
    }
    if (sv && json_object_is_type(sv, json_type_string)) {
        const char *uri = json_object_get_string(sv);
        n->dialect = strstr(uri, "2020-12")    ? CARDC_DIALECT_2020_12
                     : strstr(uri, "2019-09")  ? CARDC_DIALECT_2019_09
                     : strstr(uri, "draft-07") ? CARDC_DIALECT_DRAFT7
                     : strstr(uri, "draft-06") ? CARDC_DIALECT_DRAFT6
                     : strstr(uri, "draft-04") ? CARDC_DIALECT_DRAFT4
                                               : n->dialect;
    }
    lint_rules_keywords(n);
    lint_rules_values(n);
    lint_rules_bounds(n);
    lint_rules_required(n);
    lint_rules_strings(n);
    lint_rules_branches(n);
    lint_rules_names(n);
    if (n->run->units[n->unit].card_side && n->run->units[n->unit].side == CARDC_SIDE_OUTPUT)
        lint_rules_content_type(n);
    children(n, depth);
    free((char *)n->ptr);
}

static void compile_error(lint_run *run, size_t unit)
{
    cardc_error err;
    const lint_unit *u = &run->units[unit];
    char *ptr;

    if (u->compiles || run->oom)
        return;
    lint_unit_compile(run, unit, &err);
    /* A defect another rule names precisely is not reported twice. */
    if (lint_has_finding(run, unit, LINT_SCHEMA_EXPECTED, err.pointer, true) ||
        lint_has_finding(run, unit, LINT_PATTERN_NOT_ECMA, err.pointer, true))
        return;
    ptr = strdup(err.pointer);
    if (!ptr) {
        run->oom = true;
        return;
    }
    lint_emit(run, unit, LINT_SCHEMA_INVALID, ptr,
              "fix the schema first: validators and cardc gen refuse it as it is", "%s (%s)",
              err.message, cardc_status_name(err.code));
    free(ptr);
}

void lint_walk(lint_run *run, size_t unit)
{
    const lint_unit *u = &run->units[unit];
    lint_node n = {run,     unit, run->opts.dialect ? run->opts.dialect : CARDC_DIALECT_DRAFT7,
                   u->root, NULL, NULL,
                   NULL};

    if (!json_object_is_type(u->root, json_type_object))
        return;
    n.ptr = strdup("");
    if (!n.ptr) {
        run->oom = true;
        return;
    }
    visit(&n, 0);
    compile_error(run, unit);
}
