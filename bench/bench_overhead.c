/* SPDX-License-Identifier: MIT */
/* Per-call fixed cost of the validator: the time of a validation that
 * does (almost) nothing, so what is measured is the call itself (setting
 * up, clearing the result, returning the verdict).
 *
 * Usage: bench_overhead [--json] [--profile N] [--only CASE]
 *   --json       one JSON line per case instead of the table
 *   --only CASE  that case alone
 *   --profile N  no timing: each case N times in profile_calls(), for
 *                `valgrind --tool=callgrind --toggle-collect=profile_calls`
 *
 * Cases: the schema `true` against the document `true`; `{}` against `{}`
 * (a parsed document, cardc's own); `{}` against the text "{}" (parse and
 * validate, cardc_validate_text); `{}` against a json-c `{}`
 * (cardc_validate). Those schemas have nothing to evaluate, and the
 * validator returns before setting an evaluation up: the last two cases,
 * `{"type":"object"}` against the document `{}` and the text "{}", are the
 * fixed cost of a schema that is evaluated. Fast mode, a result reused.
 * Each must be valid, or nothing is reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "json/doc.h"
#include "schema/schema_internal.h"
#include "timing.h"

enum { CASE_TRUE, CASE_EMPTY, CASE_TEXT, CASE_JSONC, CASE_TYPE, CASE_TYPE_TEXT, CASE_COUNT };

static const char *const case_names[CASE_COUNT] = {"true-doc",    "empty-doc", "empty-text",
                                                   "empty-jsonc", "type-doc",  "type-text"};

struct fixture {
    cardc_schema *schema_true, *schema_empty, *schema_type;
    cardc_doc *doc_true, *doc_empty;
    struct json_object *tree;
    cardc_result *result;
    cardc_validate_options opts;
    int which;
};

static int run(void *ctx)
{
    struct fixture *f = ctx;
    switch (f->which) {
    case CASE_TRUE:
        return cardc__validate_doc(f->schema_true, f->doc_true, &f->opts, f->result, NULL) ==
               CARDC_OK;
    case CASE_EMPTY:
        return cardc__validate_doc(f->schema_empty, f->doc_empty, &f->opts, f->result, NULL) ==
               CARDC_OK;
    case CASE_TEXT:
        return cardc_validate_text(f->schema_empty, "{}", 2, &f->opts, f->result, NULL) == CARDC_OK;
    case CASE_TYPE:
        return cardc__validate_doc(f->schema_type, f->doc_empty, &f->opts, f->result, NULL) ==
               CARDC_OK;
    case CASE_TYPE_TEXT:
        return cardc_validate_text(f->schema_type, "{}", 2, &f->opts, f->result, NULL) == CARDC_OK;
    default: return cardc_validate(f->schema_empty, f->tree, &f->opts, f->result, NULL) == CARDC_OK;
    }
}

static __attribute__((noinline)) int profile_calls(struct fixture *f, long n)
{
    int ok = 1;
    for (long k = 0; k < n; k++)
        ok &= run(f);
    return ok;
}

static cardc_schema *compile(const char *text)
{
    struct json_object *doc = NULL;
    cardc_schema *s = NULL;
    if (cardc_json_parse(text, strlen(text), NULL, 0, &doc, NULL) == CARDC_OK)
        cardc_schema_compile(doc, NULL, &s, NULL);
    json_object_put(doc);
    return s;
}

int main(int argc, char **argv)
{
    struct fixture f;
    int json = 0, status = 0;
    long profile = 0;
    const char *only = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--profile") && i + 1 < argc) {
            profile = atol(argv[++i]);
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_overhead [--json] [--profile N] [--only CASE]\n");
            return 2;
        }
    }
    memset(&f, 0, sizeof f);
    f.schema_true = compile("true");
    f.schema_empty = compile("{}");
    f.schema_type = compile("{\"type\":\"object\"}");
    f.tree = json_object_new_object();
    cardc_validate_options_init(&f.opts);
    f.opts.flags = CARDC_VALIDATE_FAST;
    if (!f.schema_true || !f.schema_empty || !f.schema_type || !f.tree ||
        cardc__doc_parse("true", 4, NULL, 0, 0, &f.doc_true, NULL) != CARDC_OK ||
        cardc__doc_parse("{}", 2, NULL, 0, 0, &f.doc_empty, NULL) != CARDC_OK ||
        cardc_result_new(&f.result, NULL) != CARDC_OK) {
        fprintf(stderr, "bench_overhead: set-up failed\n");
        return 2;
    }
    if (!json && !profile)
        printf("%-12s %8s\n", "case", "ns/call");
    for (f.which = 0; f.which < CASE_COUNT; f.which++) {
        double t;
        if (only && strcmp(only, case_names[f.which]) != 0)
            continue;
        if (profile) {
            status |= !profile_calls(&f, profile);
            continue;
        }
        t = bench_median_seconds(run, &f);
        if (t < 0) {
            fprintf(stderr, "bench_overhead: %s: wrong verdict\n", case_names[f.which]);
            status = 1;
        } else if (json) {
            printf("{\"tool\":\"cardc\",\"case\":\"%s\",\"ns\":%.2f}\n", case_names[f.which],
                   t * 1e9);
        } else {
            printf("%-12s %8.2f\n", case_names[f.which], t * 1e9);
        }
    }
    cardc_result_free(f.result);
    cardc__doc_free(f.doc_true);
    cardc__doc_free(f.doc_empty);
    json_object_put(f.tree);
    cardc_schema_free(f.schema_true);
    cardc_schema_free(f.schema_empty);
    cardc_schema_free(f.schema_type);
    return status;
}
