/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the validation document (runtime/src/json/doc.h) and
 * cardc_validate_text against the json-c paths they replace.
 *
 * Input: "SCHEMA\nINSTANCE", or any text (then the whole input is the
 * instance and only the parsers are compared). Checks, beyond "no crash,
 * leak, hang or UB":
 *   - the document's parser and cardc_json_parse give the same verdict, and
 *     then the same values or the same error (cardc__doc_parity); also with
 *     repeated keys refused;
 *   - when SCHEMA compiles: cardc_validate_text on INSTANCE and
 *     cardc_validate on its json-c tree give the same status and the same
 *     errors (count, locations, code, message), each error of the text with
 *     a position; fast mode gives the same verdict both ways.
 * A disagreement aborts (a finding).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "json/doc.h"
#include "json/json_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void finding(const char *what)
{
    fprintf(stderr, "fuzz_doc: %s\n", what);
    abort();
}

/* The two parsers on text[0..len) (cardc__doc_parity); their status, and
 * the json-c tree in *out (NULL for JSON null) when out. */
static cardc_status parsers(const char *text, size_t len, unsigned flags, struct json_object **out)
{
    cardc_doc_parity p;
    const char *differs = cardc__doc_parity(text, len, "<fuzz>", 64, flags, &p);

    if (differs)
        finding(differs);
    if (out)
        *out = p.tree;
    else
        json_object_put(p.tree);
    return p.json_status;
}

static int same_unit(const cardc_unit *a, const cardc_unit *b)
{
    return !strcmp(a->instance_location, b->instance_location) &&
           !strcmp(a->keyword_location, b->keyword_location) &&
           !strcmp(a->absolute_keyword_location, b->absolute_keyword_location) &&
           a->code == b->code && !strcmp(a->message, b->message);
}

/* cardc_validate_text against cardc_validate, both modes. */
static void validators(const cardc_schema *s, struct json_object *tree, const char *text,
                       size_t len)
{
    cardc_result *r1 = NULL, *r2 = NULL;
    cardc_validate_options o, fast;
    cardc_status s1, s2;

    cardc_validate_options_init(&o);
    o.max_depth = 64;
    fast = o;
    fast.flags = CARDC_VALIDATE_FAST;
    if (cardc_result_new(&r1, NULL) != CARDC_OK || cardc_result_new(&r2, NULL) != CARDC_OK)
        goto out;
    s1 = cardc_validate(s, tree, &o, r1, NULL);
    s2 = cardc_validate_text(s, text, len, &o, r2, NULL);
    if (s1 == CARDC_E_NOMEM || s2 == CARDC_E_NOMEM)
        goto out;
    if (s1 != s2)
        finding("cardc_validate_text and cardc_validate disagree");
    if (s1 == CARDC_E_INVALID) {
        if (cardc_result_error_count(r1) != cardc_result_error_count(r2))
            finding("different error counts");
        for (size_t i = 0; i < cardc_result_error_count(r1); i++) {
            const cardc_unit *u = cardc_result_error(r2, i);
            if (!same_unit(cardc_result_error(r1, i), u))
                finding("different errors");
            if (u->line < 1 || u->column < 1)
                finding("an error of the text without a position");
        }
    }
    if (s1 == CARDC_OK || s1 == CARDC_E_INVALID) {
        cardc_status f1 = cardc_validate(s, tree, &fast, NULL, NULL);
        cardc_status f2 = cardc_validate_text(s, text, len, &fast, r2, NULL);
        /* fast mode may stop at a limit the exhaustive order never reached */
        if ((f1 == CARDC_OK || f1 == CARDC_E_INVALID) && f1 != s1)
            finding("fast mode's verdict differs");
        if ((f2 == CARDC_OK || f2 == CARDC_E_INVALID) && f2 != s1)
            finding("fast mode's verdict from text differs");
    }
out:
    cardc_result_free(r1);
    cardc_result_free(r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    const char *inst = nl ? nl + 1 : text;
    size_t ilen = nl ? size - (size_t)(nl + 1 - text) : size;
    struct json_object *schema_doc = NULL, *tree = NULL;
    cardc_schema *schema = NULL;
    cardc_status st = parsers(inst, ilen, 0, &tree);

    parsers(inst, ilen, CARDC__DOC_REJECT_DUPLICATES, NULL);
    if (nl && st == CARDC_OK &&
        cardc_json_parse(text, (size_t)(nl - text), NULL, 64, &schema_doc, NULL) == CARDC_OK &&
        cardc_schema_compile(schema_doc, NULL, &schema, NULL) == CARDC_OK)
        validators(schema, tree, inst, ilen);
    cardc_schema_free(schema);
    json_object_put(schema_doc);
    json_object_put(tree);
    return 0;
}
