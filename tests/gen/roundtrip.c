/* SPDX-License-Identifier: MIT */
/* Round-trip driver for generated bindings: decodes a payload through a
 * generated model descriptor and reports, as one JSON line, either the
 * errors (instance location + keyword location, as `cardc validate`) or
 * the encoded text, whether decode(encode(x)) encodes identically, and for
 * a union root the branch the value was decoded into.
 *
 * Usage: roundtrip MODEL input|output PAYLOAD.json
 *        roundtrip MODEL input|output --schema   (prints the side's schema)
 *        roundtrip MODEL --traits                (context_window, async_queue)
 * Built by tests/gen/test_cards.py against generated code: with
 * -DSINGLE_HEADER/-DSINGLE_MODEL for one model, else cardc_models.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#ifdef SINGLE_HEADER
#include SINGLE_HEADER
#else
#include "cardc_models.h"
#endif

static int fail(const char *what)
{
    fprintf(stderr, "roundtrip: %s\n", what);
    return 2;
}

int main(int argc, char **argv)
{
    const cardc_model *m;
    const cardc_model_side *side;
    char *text = NULL, *s1 = NULL, *s2 = NULL;
    size_t len = 0, n1 = 0, n2 = 0;
    void *v1, *v2;
    cardc_result *result = NULL;
    cardc_decode_options opts;
    cardc_error err;
    cardc_status st;
    struct json_object *out = json_object_new_object();

    if (argc != 4 && !(argc == 3 && strcmp(argv[2], "--traits") == 0))
        return fail("usage: roundtrip MODEL input|output PAYLOAD");
#ifdef SINGLE_MODEL
    m = &SINGLE_MODEL;
    (void)argv[1];
#else
    m = cardc_models_find(argv[1]);
#endif
    if (!m)
        return fail("unknown model");
    if (strcmp(argv[2], "--traits") == 0) {
        /* the card's properties the model descriptor carries */
        printf("{\"context_window\":%lld,\"async_queue\":%s}\n", m->context_window,
               m->async_queue ? "true" : "false");
        json_object_put(out);
        return 0;
    }
    side = strcmp(argv[2], "output") == 0 ? &m->output : &m->input;
    if (!side->type)
        return fail("no type for that side");
    if (strcmp(argv[3], "--schema") == 0) {
        /* the embedded schema, as the engine compiles it */
        cardc_schema *s = NULL;
        const struct json_object *doc = NULL;
        char *json;
        if (cardc_schema_text_compile(side->type->schema, &s, &err) != CARDC_OK)
            return fail(err.message);
        cardc_schema_document(s, 0, &doc, NULL);
        json = cardc_json_dump(doc, 0);
        printf("%s\n", json ? json : "");
        free(json);
        cardc_schema_free(s);
        json_object_put(out);
        return 0;
    }
    cardc_error_clear(&err);
    if (cardc_read_file(argv[3], &text, &len, &err) != CARDC_OK || cardc_result_new(&result, &err))
        return fail(err.message);
    v1 = calloc(1, side->size);
    v2 = calloc(1, side->size);
    if (!v1 || !v2)
        return fail("out of memory");
    memset(&opts, 0, sizeof opts);
    opts.result = result;
    st = cardc_bind_decode(side->type, v1, text, len, &opts, &err);
    json_object_object_add(out, "status", json_object_new_string(cardc_status_name(st)));
    if (st == CARDC_OK && side->type->kind == CARDC_KIND_UNION) {
        /* which branch the value was decoded into */
        int kind;
        memcpy(&kind, v1, sizeof kind);
        if (kind >= 1 && (size_t)kind <= side->type->branch_count)
            json_object_object_add(out, "branch",
                                   json_object_new_string(side->type->branches[kind - 1].name));
    }
    if (st != CARDC_OK) {
        struct json_object *errs = json_object_new_array();
        for (size_t i = 0; i < cardc_result_error_count(result); i++) {
            const cardc_unit *u = cardc_result_error(result, i);
            struct json_object *pair = json_object_new_array();
            json_object_array_add(pair, json_object_new_string(u->instance_location));
            json_object_array_add(pair, json_object_new_string(u->keyword_location));
            json_object_array_add(errs, pair);
        }
        json_object_object_add(out, "errors", errs);
        json_object_object_add(out, "message", json_object_new_string(err.message));
        json_object_object_add(out, "pointer", json_object_new_string(err.pointer));
    } else {
        cardc_error_clear(&err);
        st = cardc_bind_encode(side->type, v1, &s1, &n1, &err);
        json_object_object_add(out, "encode", json_object_new_string(cardc_status_name(st)));
        if (st == CARDC_OK) {
            json_object_object_add(out, "encoded", json_object_new_string_len(s1, (int)n1));
            st = cardc_bind_decode(side->type, v2, s1, n1, NULL, &err);
            json_object_object_add(out, "redecode", json_object_new_string(cardc_status_name(st)));
            if (st == CARDC_OK && cardc_bind_encode(side->type, v2, &s2, &n2, &err) == CARDC_OK)
                json_object_object_add(
                    out, "stable", json_object_new_boolean(n1 == n2 && memcmp(s1, s2, n1) == 0));
            st = cardc_bind_validate(side->type, v2, NULL, &err);
            json_object_object_add(out, "validate", json_object_new_string(cardc_status_name(st)));
        }
        if (st != CARDC_OK)
            json_object_object_add(out, "message", json_object_new_string(err.message));
    }
    printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
    cardc_bind_free(side->type, v1);
    cardc_bind_free(side->type, v1); /* idempotent */
    cardc_bind_free(side->type, v2);
    free(v1);
    free(v2);
    free(s1);
    free(s2);
    free(text);
    cardc_result_free(result);
    json_object_put(out);
    return 0;
}
