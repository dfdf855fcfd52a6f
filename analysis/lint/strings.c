/* SPDX-License-Identifier: MIT */
/* strings.c: patterns that are not ECMA-262 (the dialect JSON Schema
 * prescribes) and formats no validator knows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

/* Constructs of PCRE, Python or POSIX regexes that ECMA-262 lacks or reads
 * differently, with what to write instead. */
static const struct {
    const char *text, *instead;
} foreign[] = {
    {"(?i)", "inline flags do not exist in ECMA-262: spell both cases ([Aa])"},
    {"(?s)", "inline flags do not exist in ECMA-262: use [\\s\\S] for any character"},
    {"(?m)", "inline flags do not exist in ECMA-262: match line breaks explicitly"},
    {"(?x)", "inline flags do not exist in ECMA-262: remove the layout whitespace"},
    {"(?P<", "named groups are written (?<name>...) in ECMA-262"},
    {"(?>", "atomic groups do not exist in ECMA-262: use a plain group (...)"},
    {"\\A", "use ^ (\\A is not ECMA-262)"},
    {"\\Z", "use $ (\\Z is not ECMA-262)"},
    {"\\z", "use $ (\\z is not ECMA-262)"},
    {"\\h", "use [ \\t] (\\h is not ECMA-262)"},
    {"[[:", "POSIX classes do not exist in ECMA-262: use [a-zA-Z], \\d, \\s, ..."},
    {"++", "possessive quantifiers do not exist in ECMA-262: use +"},
    {"*+", "possessive quantifiers do not exist in ECMA-262: use *"},
    {"?+", "possessive quantifiers do not exist in ECMA-262: use ?"},
};

/* The first foreign construct outside a backslash escape's second byte. */
static const char *foreign_construct(const char *re, size_t *which)
{
    for (const char *p = re; *p; p++) {
        for (size_t k = 0; k < sizeof foreign / sizeof foreign[0]; k++) {
            size_t n = strlen(foreign[k].text);
            if (strncmp(p, foreign[k].text, n) == 0) {
                *which = k;
                return p;
            }
        }
        if (*p == '\\' && p[1])
            p++;
    }
    return NULL;
}

static void pattern(const lint_node *n, const char *re, const char *ptr)
{
    char sugg[400];
    size_t k;

    if (foreign_construct(re, &k)) {
        lint_emit(n->run, n->unit, LINT_PATTERN_NOT_ECMA, ptr, foreign[k].instead,
                  "pattern \"%s\" uses %s, which is not ECMA-262", re, foreign[k].text);
        return;
    }
    cardc_error err;
    if (cardc_pattern_check(re, strlen(re), &err) == CARDC_OK)
        return;
    snprintf(sugg, sizeof sugg, "rewrite it as an ECMA-262 regular expression (%.300s)",
             err.message);
    lint_emit(n->run, n->unit, LINT_PATTERN_NOT_ECMA, ptr, sugg,
              "pattern \"%s\" is not an ECMA-262 regular expression", re);
}

static const char *const formats[] = {
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "binary",
};

static void format(const lint_node *n, const char *name, const char *ptr)
{
    const char *near = NULL;
    char sugg[256];

    if (cardc_format_known(name))
        return;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0] && !near; i++)
        if (lint_distance(name, formats[i], 2) <= 2)
            near = formats[i];
    if (near)
        snprintf(sugg, sizeof sugg, "did you mean \"%s\"?", near);
    else
        snprintf(sugg, sizeof sugg,
                 "use a standard format (date-time, email, uri, uuid, ...) or describe the "
                 "expectation with pattern");
    lint_emit(n->run, n->unit, LINT_FORMAT_UNKNOWN, ptr, sugg,
              "format \"%s\" is unknown: no validator checks it, even with format assertion on",
              name);
}

void lint_rules_strings(const lint_node *n)
{
    struct json_object *v = lint_get(n->schema, "pattern"), *pp;
    char *p;

    if (v && json_object_is_type(v, json_type_string) && (p = lint_ptr_join(n->ptr, "pattern"))) {
        pattern(n, json_object_get_string(v), p);
        free(p);
    }
    pp = lint_get(n->schema, "patternProperties");
    if (pp && json_object_is_type(pp, json_type_object) &&
        (p = lint_ptr_join(n->ptr, "patternProperties"))) {
        json_object_object_foreach(pp, key, val)
        {
            char *q = lint_ptr_join(p, key);
            (void)val;
            if (q)
                pattern(n, key, q);
            free(q);
        }
        free(p);
    }
    v = lint_get(n->schema, "format");
    if (v && json_object_is_type(v, json_type_string) && (p = lint_ptr_join(n->ptr, "format"))) {
        format(n, json_object_get_string(v), p);
        free(p);
    }
}
