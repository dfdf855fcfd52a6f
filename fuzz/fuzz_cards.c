/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the generated decoders of every card (../shared/cards
 * and schemas/, generated at build time into one registry) against the
 * validator. The first byte picks the model and the side; the rest is the
 * payload. For each input:
 *   - the decoder's verdict is the validator's on the same text (parsed by
 *     cardc_json_parse, validated against the side's embedded schema), and
 *     on rejection its errors are the validator's (count, instance and
 *     keyword locations, codes, messages); text the strict parser refuses
 *     the decoder refuses with the parser's status, message, line and
 *     column;
 *   - with duplicate keys refused, a text that names a member twice is
 *     refused by the decoder as by cardc_json_parse_ex (same status, message
 *     and position);
 *   - a decoded value encodes, and the encoding decodes to a value that
 *     encodes to the same bytes (decode -> encode -> decode stable), unless
 *     encode refuses a value the schema needs unknown members for (the
 *     README's known limit), which must then be CARDC_E_INVALID. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc_models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SIDES 256

/* One compiled schema per side, kept for the process: compiling per input
 * would leave nothing of the budget for decoding. */
static cardc_schema *compiled[MAX_SIDES];
static int compile_failed[MAX_SIDES];

static void fail(const char *what, const cardc_model *m, int side, const cardc_error *err)
{
    fprintf(stderr, "fuzz_cards: %s: %s %s: %s\n", what, m->c_name, side ? "output" : "input",
            err ? err->message : "");
    abort();
}

static cardc_schema *side_schema(const cardc_model *m, int side, unsigned slot)
{
    const cardc_schema_text *st = (side ? &m->output : &m->input)->type->schema;
    cardc_error err;

    if (compiled[slot] || compile_failed[slot])
        return compiled[slot];
    if (cardc_schema_text_compile(st, &compiled[slot], &err) != CARDC_OK)
        fail("embedded schema does not compile", m, side, &err);
    return compiled[slot];
}

static int same_errors(const cardc_result *a, const cardc_result *b)
{
    size_t n = cardc_result_error_count(a);
    if (n != cardc_result_error_count(b))
        return 0;
    for (size_t i = 0; i < n; i++) {
        const cardc_unit *x = cardc_result_error(a, i), *y = cardc_result_error(b, i);
        if (x->code != y->code || strcmp(x->instance_location, y->instance_location) != 0 ||
            strcmp(x->keyword_location, y->keyword_location) != 0 ||
            strcmp(x->message, y->message) != 0)
            return 0;
    }
    return 1;
}

/* Texts with a duplicate key (rare in the corpus, so cheap): refused alike. */
static void check_duplicates(const cardc_model *m, int side, const cardc_model_side *ms,
                             const char *text, size_t len)
{
    cardc_json_options jo;
    cardc_decode_options dopts = {0};
    cardc_error perr, derr;
    struct json_object *doc = NULL;
    void *v;

    cardc_json_options_init(&jo);
    jo.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    if (cardc_json_parse_ex(text, len, NULL, &jo, &doc, &perr) == CARDC_OK) {
        json_object_put(doc);
        return;
    }
    if (strncmp(perr.message, "duplicate object key", 20) != 0)
        return;
    if (!(v = calloc(1, ms->size)))
        abort();
    dopts.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    cardc_status ds = cardc_bind_decode(ms->type, v, text, len, &dopts, &derr);
    if (ds != perr.code || derr.line != perr.line || derr.column != perr.column ||
        strcmp(derr.message, perr.message) != 0)
        fail("decoder and parser refuse a duplicate key differently", m, side, &derr);
    cardc_bind_free(ms->type, v);
    free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || cardc_models_count == 0)
        return 0;
    unsigned slot = data[0] % (unsigned)(2 * cardc_models_count);
    const cardc_model *m = cardc_models[slot / 2];
    int side = (int)(slot % 2);
    const cardc_model_side *ms = side ? &m->output : &m->input;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    if (!ms->type || slot >= MAX_SIDES)
        return 0;

    cardc_schema *schema = side_schema(m, side, slot);
    cardc_result *dres = NULL, *vres = NULL;
    cardc_decode_options dopts = {0};
    cardc_validate_options vopts;
    cardc_error err, verr;
    struct json_object *doc = NULL;
    void *v = calloc(1, ms->size), *again = calloc(1, ms->size);
    char *json = NULL, *json2 = NULL;
    size_t jlen = 0, jlen2 = 0;

    if (!v || !again || cardc_result_new(&dres, NULL) != CARDC_OK ||
        cardc_result_new(&vres, NULL) != CARDC_OK)
        abort();
    dopts.result = dres;
    cardc_error_clear(&err);
    cardc_error_clear(&verr);
    cardc_status ds = cardc_bind_decode(ms->type, v, text, len, &dopts, &err);
    if (strncmp(err.message, "internal: ", 10) == 0)
        fail("decoder and validator disagree", m, side, &err);

    cardc_status ps = cardc_json_parse(text, len, NULL, 0, &doc, &verr);
    if (ps == CARDC_OK) {
        cardc_validate_options_init(&vopts);
        cardc_status vs = cardc_validate(schema, doc, &vopts, vres, &verr);
        if (vs == CARDC_OK && ds != CARDC_OK && ds != CARDC_E_NOMEM && ds != CARDC_E_LIMIT)
            fail("decoder rejects what the validator accepts", m, side, &err);
        if (vs == CARDC_E_INVALID && ds == CARDC_OK)
            fail("decoder accepts what the validator rejects", m, side, &verr);
        if (vs == CARDC_E_INVALID && ds == CARDC_E_INVALID && !same_errors(dres, vres))
            fail("decoder and validator report different errors", m, side, &err);
    } else if (ds == CARDC_OK) {
        fail("decoder accepts text the strict parser rejects", m, side, &verr);
    } else if (ds != ps || err.line != verr.line || err.column != verr.column ||
               strcmp(err.message, verr.message) != 0) {
        fail("decoder and strict parser report malformed text differently", m, side, &err);
    }

    check_duplicates(m, side, ms, text, len);

    if (ds == CARDC_OK) {
        cardc_status es = cardc_bind_encode(ms->type, v, &json, &jlen, &err);
        if (es == CARDC_OK) {
            if (cardc_bind_decode(ms->type, again, json, jlen, NULL, &err) != CARDC_OK)
                fail("an encoded value does not decode", m, side, &err);
            if (cardc_bind_encode(ms->type, again, &json2, &jlen2, &err) != CARDC_OK ||
                jlen != jlen2 || memcmp(json, json2, jlen) != 0)
                fail("decode -> encode -> decode is not stable", m, side, &err);
        } else if (es != CARDC_E_INVALID) {
            fail("encode failed", m, side, &err);
        }
    }
    free(json);
    free(json2);
    cardc_bind_free(ms->type, again);
    cardc_bind_free(ms->type, v);
    free(again);
    free(v);
    json_object_put(doc);
    cardc_result_free(dres);
    cardc_result_free(vres);
    return 0;
}
