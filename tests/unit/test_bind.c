/* SPDX-License-Identifier: MIT */
/* The binding engine (cardc/bind.h) on the seed card's bindings
 * (generated at build time by cardc gen) and on a schema with every other
 * kind: map, enum, nullable, array of objects, JSON handle, a residual
 * type and a recursive type. Every rejection is compared with the
 * validator's own first error on the same text. */
#include <json-c/json.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/cardc.h"
#include "cardc/bind.h"

#include "check.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

/* ---- the validator as the reference ---- */

static cardc_schema *compile_text(const char *text)
{
    struct json_object *doc = NULL;
    cardc_schema *s = NULL;
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_json_parse(text, strlen(text), "schema", 0, &doc, &err) != CARDC_OK ||
        cardc_schema_compile(doc, NULL, &s, &err) != CARDC_OK) {
        fprintf(stderr, "FAIL: cannot compile test schema: %s\n", err.message);
        exit(1);
    }
    json_object_put(doc);
    return s;
}

/* A side's embedded schema, as cardc_schema_text_compile gives it. */
static cardc_schema *compile_embedded(const cardc_schema_text *text)
{
    cardc_schema *s = NULL;
    cardc_error err;

    if (cardc_schema_text_compile(text, &s, &err) != CARDC_OK) {
        fprintf(stderr, "FAIL: cannot compile the embedded schema: %s\n", err.message);
        exit(1);
    }
    return s;
}

/* The error a binding reports: the first that is not a combinator's
 * summary (the engine's rule, restated here independently). */
static const cardc_unit *main_error(const cardc_result *r)
{
    for (size_t i = 0; i < cardc_result_error_count(r); i++) {
        const cardc_unit *u = cardc_result_error(r, i);
        if (strcmp(u->keyword, "oneOf") && strcmp(u->keyword, "anyOf") &&
            strcmp(u->keyword, "allOf") && strcmp(u->keyword, "$ref"))
            return u;
    }
    return cardc_result_error(r, 0);
}

/* Main error of the validator on `payload`: copies into the buffers;
 * returns 1 when it rejects. */
static int reference(cardc_schema *s, const char *payload, char *ip, char *kl, char *msg)
{
    struct json_object *doc = NULL;
    cardc_result *r = NULL;
    cardc_error err;
    int invalid = 0;

    cardc_error_clear(&err);
    if (cardc_json_parse(payload, strlen(payload), "p", 0, &doc, &err) != CARDC_OK)
        return -1;
    cardc_result_new(&r, &err);
    if (cardc_validate(s, doc, NULL, r, &err) == CARDC_E_INVALID) {
        const cardc_unit *u = main_error(r);
        invalid = 1;
        snprintf(ip, 256, "%s", u->instance_location);
        snprintf(kl, 512, "%s", u->keyword_location);
        snprintf(msg, 512, "%s", u->message);
    }
    cardc_result_free(r);
    json_object_put(doc);
    return invalid;
}

static int all_zero(const void *v, size_t n)
{
    const unsigned char *p = v;
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* Decodes an invalid payload: the engine must reject it with the
 * validator's first error, and leave the value zeroed. */
static void expect_reject(cardc_schema *ref, const cardc_type *t, const char *payload)
{
    char ip[256] = "", kl[512] = "", msg[512] = "";
    unsigned char value[512];
    cardc_decode_options o = {0};
    cardc_result *r = NULL;
    cardc_error err;
    int line = 0, col = 0;

    if (!payload)
        return;
    cardc_error_clear(&err);
    cardc_result_new(&r, NULL);
    o.result = r;
    o.source = "payload.json";
    memset(value, 0, sizeof value);
    CHECK_MSG(reference(ref, payload, ip, kl, msg) == 1, "%s: the validator accepts it", payload);
    cardc_status st = cardc_bind_decode(t, value, payload, strlen(payload), &o, &err);
    CHECK_MSG(st == CARDC_E_INVALID, "%s: status %s (%s)", payload, cardc_status_name(st),
              err.message);
    CHECK_MSG(strcmp(err.pointer, ip) == 0, "%s: pointer '%s', validator '%s'", payload,
              err.pointer, ip);
    CHECK_MSG(strcmp(err.message, msg) == 0, "%s: message '%s', validator '%s'", payload,
              err.message, msg);
    CHECK_MSG(cardc_result_error_count(r) > 0 && strcmp(main_error(r)->keyword_location, kl) == 0,
              "%s: keyword location differs from '%s'", payload, kl);
    CHECK_STR(err.source, "payload.json");
    cardc_json_locate(payload, strlen(payload), ip, &line, &col);
    CHECK_MSG(err.line == line && err.column == col, "%s: at %d:%d, want %d:%d", payload, err.line,
              err.column, line, col);
    CHECK_MSG(all_zero(value, t->size), "%s: value not left zeroed", payload);
    cardc_result_free(r);
    /* without a result only the reported error is placed: the same place */
    o.result = NULL;
    cardc_error_clear(&err);
    CHECK(cardc_bind_decode(t, value, payload, strlen(payload), &o, &err) == CARDC_E_INVALID);
    CHECK_MSG(err.line == line && err.column == col && strcmp(err.pointer, ip) == 0 &&
                  strcmp(err.message, msg) == 0,
              "%s, no result: at %d:%d %s %s, want %d:%d %s %s", payload, err.line, err.column,
              err.pointer, err.message, line, col, ip, msg);
    cardc_bind_free(t, value);
}

/* Encodes v, decodes the text again, encodes that: both texts equal. */
static void expect_roundtrip(const cardc_type *t, const void *v, const char *want)
{
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    unsigned char copy[512];
    cardc_error err;

    cardc_error_clear(&err);
    memset(copy, 0, sizeof copy);
    CHECK_MSG(cardc_bind_encode(t, v, &a, &alen, &err) == CARDC_OK, "encode: %s", err.message);
    if (!a)
        return;
    CHECK(alen == strlen(a));
    if (want)
        CHECK_STR(a, want);
    CHECK_MSG(cardc_bind_decode(t, copy, a, alen, NULL, &err) == CARDC_OK, "re-decode %s: %s", a,
              err.message);
    CHECK_MSG(cardc_bind_encode(t, copy, &b, &blen, &err) == CARDC_OK, "re-encode: %s",
              err.message);
    CHECK_MSG(b && strcmp(a, b) == 0, "round trip differs: %s vs %s", a, b ? b : "(null)");
    cardc_bind_free(t, copy);
    free(a);
    free(b);
}

/* ---- the seed ---- */

#define IN_T (&llava_1_5_7b_hf_input_type)

/* The validator on the seed schema: every payload the engine accepts must
 * be valid for it too (the other direction is expect_reject's). */
static cardc_schema *seed_reference;

static cardc_status dec(llava_1_5_7b_hf_input *v, const char *payload, cardc_error *err)
{
    char ip[256], kl[512], msg[512];
    cardc_status st;

    cardc_error_clear(err);
    st = llava_1_5_7b_hf_input_decode(v, payload, strlen(payload), err);
    if (st == CARDC_OK)
        CHECK_MSG(reference(seed_reference, payload, ip, kl, msg) == 0,
                  "%s: decoded, but the validator rejects it: %s", payload, msg);
    return st;
}

static void seed_valid(void)
{
    llava_1_5_7b_hf_input v;
    cardc_error err;

    memset(&v, 0, sizeof v);
    CHECK(dec(&v, "{\"prompt\":\"caption\",\"image\":[1,2,3]}", &err) == CARDC_OK);
    CHECK(v.kind == LLAVA_1_5_7B_HF_INPUT_OBJECT);
    CHECK(v.u.object.has_prompt && strcmp(v.u.object.prompt.data, "caption") == 0);
    CHECK(v.u.object.image.kind == LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY);
    CHECK(v.u.object.image.u.array.count == 3 && v.u.object.image.u.array.bytes &&
          !v.u.object.image.u.array.values && v.u.object.image.u.array.bytes[2] == 3);
    /* a key is what json-c, hence the validator, keeps: up to a \u0000
     * (fuzz_decode: "role\u0000" was refused as a missing "role") */
    CHECK(dec(&v,
              "{\"messages\":[{\"role\\u0000x\":\"system\",\"content\":\"c\"}],"
              "\"image\":[1]}",
              &err) == CARDC_OK);
    CHECK(v.u.object.has_messages && v.u.object.messages.count == 1 &&
          strcmp(v.u.object.messages.items[0].role.data, "system") == 0);
    /* an integer is judged on the double a literal rounds to, as the
     * validator (and ajv) judge it (fuzz_decode) */
    CHECK(dec(&v, "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":1E-7128}", &err) == CARDC_OK);
    CHECK(v.u.object.has_max_tokens && v.u.object.max_tokens == 0);
    CHECK(dec(&v, "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":2.0000000000000000001}", &err) ==
          CARDC_OK);
    CHECK(v.u.object.max_tokens == 2);
    CHECK(dec(&v, "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":2.5}", &err) == CARDC_E_INVALID);
    /* ... up to int64's bounds: 9223372036854775807.5 rounds to 2^63, an
     * integer the validator accepts and int64_t cannot hold (fuzz_decode:
     * refused as no integer); -9223372036854775808.5 rounds to -2^63 */
    CHECK(dec(&v, "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":9223372036854775807.5}", &err) ==
              CARDC_E_LIMIT &&
          strstr(err.message, "does not fit in int64_t") != NULL);
    CHECK(dec(&v, "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":-9223372036854775808.5}", &err) ==
          CARDC_OK);
    CHECK(v.u.object.max_tokens == INT64_MIN);
    CHECK(dec(&v, "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":9000000000000000000.5}", &err) ==
          CARDC_OK);
    CHECK(v.u.object.max_tokens == 9000000000000000000);
    CHECK(dec(&v, "{\"prompt\":\"caption\",\"image\":[1,2,3]}", &err) == CARDC_OK);
    /* defaults, in the object branch */
    CHECK(v.u.object.has_raw && v.u.object.raw == false);
    CHECK(v.u.object.has_max_tokens && v.u.object.max_tokens == 512);
    CHECK(!v.u.object.has_temperature && !v.u.object.has_messages);
    expect_roundtrip(IN_T, &v,
                     "{\"prompt\":\"caption\",\"raw\":false,\"image\":[1,2,3],\"max_tokens\":512}");

    /* present values are kept */
    CHECK(dec(&v,
              "{\"prompt\":\"p\",\"image\":[1],\"raw\":true,\"max_tokens\":7,\"temperature\":0.5}",
              &err) == CARDC_OK);
    CHECK(v.u.object.raw == true && v.u.object.max_tokens == 7 && v.u.object.temperature == 0.5);

    /* messages */
    CHECK(dec(&v,
              "{\"messages\":[{\"role\":\"user\",\"content\":\"hi "
              "\\u00e9\\n\"},{\"content\":\"c\",\"role\":\"x\"}],"
              "\"image\":\"iVBORw0KGgo=\"}",
              &err) == CARDC_OK);
    CHECK(v.u.object.has_messages && v.u.object.messages.count == 2);
    CHECK(v.u.object.messages.items &&
          strcmp(v.u.object.messages.items[0].content.data, "hi \xc3\xa9\n") == 0 &&
          strcmp(v.u.object.messages.items[1].role.data, "x") == 0);
    CHECK(v.u.object.image.kind == LLAVA_1_5_7B_HF_INPUT_IMAGE_BINARY &&
          v.u.object.image.u.binary.len == 12 &&
          memcmp(v.u.object.image.u.binary.data, "iVBORw0KGgo=", 12) == 0);
    expect_roundtrip(IN_T, &v, NULL);

    /* numbers that are not all bytes: stored as doubles */
    CHECK(dec(&v, "{\"image\":[1.5,300]}", &err) == CARDC_OK);
    CHECK(v.u.object.image.kind == LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY &&
          !v.u.object.image.u.array.bytes && v.u.object.image.u.array.values &&
          v.u.object.image.u.array.count == 2 &&
          cardc_numbers_get(&v.u.object.image.u.array, 0) == 1.5 &&
          cardc_numbers_get(&v.u.object.image.u.array, 1) == 300);
    expect_roundtrip(IN_T, &v, "{\"raw\":false,\"image\":[1.5,300],\"max_tokens\":512}");
    CHECK(dec(&v, "{\"image\":[1.0,2]}", &err) == CARDC_OK);
    CHECK(v.u.object.image.u.array.values && v.u.object.image.u.array.count == 2);
    CHECK(dec(&v, "{\"image\":[]}", &err) == CARDC_OK);
    CHECK(v.u.object.image.kind == LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY &&
          v.u.object.image.u.array.count == 0);

    /* max_tokens as JSON Schema integers */
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":5.0}", &err) == CARDC_OK &&
          v.u.object.max_tokens == 5);
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":1e2}", &err) == CARDC_OK &&
          v.u.object.max_tokens == 100);
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":-9223372036854775808}", &err) == CARDC_OK &&
          v.u.object.max_tokens == INT64_MIN);
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":12345678901234567.0}", &err) == CARDC_OK &&
          v.u.object.max_tokens == INT64_C(12345678901234567));

    /* CARDC_DECODE_NO_DEFAULTS leaves absent members absent */
    {
        cardc_decode_options o = {0};
        o.flags = CARDC_DECODE_NO_DEFAULTS;
        cardc_error_clear(&err);
        CHECK(llava_1_5_7b_hf_input_decode_ex(&v, "{\"image\":[1]}", 13, &o, &err) == CARDC_OK);
        CHECK(!v.u.object.has_raw && !v.u.object.has_max_tokens && v.u.object.max_tokens == 0);
    }

    /* top-level binary string: no defaults in that branch */
    CHECK(dec(&v, "\"\\u0089PNG\\r\\n\"", &err) == CARDC_OK);
    CHECK(v.kind == LLAVA_1_5_7B_HF_INPUT_BINARY && v.u.binary.len == 7 &&
          memcmp(v.u.binary.data, "\xc2\x89PNG\r\n", 7) == 0);
    expect_roundtrip(IN_T, &v, "\"\xc2\x89PNG\\r\\n\"");

    /* decoding over a value frees the old contents (ASan checks) */
    CHECK(dec(&v, "{\"prompt\":\"a\",\"prompt\":\"b\",\"image\":[1]}", &err) == CARDC_OK);
    CHECK(strcmp(v.u.object.prompt.data, "b") == 0);

    /* output side */
    {
        llava_1_5_7b_hf_output o;
        memset(&o, 0, sizeof o);
        cardc_error_clear(&err);
        CHECK(llava_1_5_7b_hf_output_decode(&o, "{\"description\":\"a cat\",\"extra\":[1,{}]}", 38,
                                            &err) == CARDC_OK);
        CHECK(o.has_description && strcmp(o.description.data, "a cat") == 0);
        /* the member the schema does not name is kept, and written back */
        CHECK(o.additional.count == 1 && strcmp(o.additional.items[0].name.data, "extra") == 0);
        expect_roundtrip(&llava_1_5_7b_hf_output_type, &o,
                         "{\"description\":\"a cat\",\"extra\":[1,{}]}");
        llava_1_5_7b_hf_output_free(&o);
    }

    llava_1_5_7b_hf_input_free(&v);
    llava_1_5_7b_hf_input_free(&v); /* idempotent */
    CHECK(all_zero(&v, sizeof v));
    llava_1_5_7b_hf_input_free(NULL);
}

static char *content_payload(const char *ch, size_t count)
{
    size_t n = strlen(ch), cap = count * n + 128;
    char *p = malloc(cap), *o;
    if (!p)
        abort();
    o = p + sprintf(p, "{\"messages\":[{\"role\":\"user\",\"content\":\"");
    for (size_t i = 0; i < count; i++, o += n)
        memcpy(o, ch, n);
    strcpy(o, "\"}],\"image\":[1]}");
    return p;
}

static void seed_invalid(cardc_schema *ref)
{
    static const char *const payloads[] = {
        "42",
        "{\"prompt\":\"p\",\"image\":{}}",
        "{\"prompt\":\"p\",\"image\":[1,\"2\"]}",
        "{\"prompt\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}],\"image\":[1]}",
        "{\"prompt\":\"p\",\"image\":[1],\"raw\":1}",
        "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":5.5}",
        "{\"image\":[1],\"temperature\":\"hot\"}",
        "{\"image\":[1],\"prompt\":1}",
        "{\"image\":[1],\"raw\":\"no\"}",
        "{\"image\":[1],\"messages\":{}}",
        "{\"image\":[1],\"messages\":[\"hi\"]}",
        "{\"image\":[1],\"messages\":[{\"role\":1,\"content\":\"c\"}]}",
        "{\"image\":[1],\"messages\":[{\"role\":\"user\",\"content\":null}]}",
        "{\"image\":true}",
        "{\"image\":[1],\"max_tokens\":\"512\"}",
        "{\"prompt\":\"p\"}",
        "{\"messages\":[{\"role\":\"user\"}],\"image\":[1]}",
        "null",
        "[]",
        "{\"image\":[1,true]}",
        "{\"image\":[1],\"max_tokens\":1e400}",
    };
    for (size_t i = 0; i < sizeof payloads / sizeof *payloads; i++)
        expect_reject(ref, IN_T, payloads[i]);

    /* 6145 code points of 2-, 3- and 4-byte characters; 6144 pass */
    static const char *chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "a"};
    for (size_t c = 0; c < 4; c++) {
        char *ok = content_payload(chars[c], 6144), *bad = content_payload(chars[c], 6145);
        llava_1_5_7b_hf_input v;
        cardc_error err;
        memset(&v, 0, sizeof v);
        CHECK_MSG(dec(&v, ok, &err) == CARDC_OK, "6144 characters: %s", err.message);
        llava_1_5_7b_hf_input_free(&v);
        expect_reject(ref, IN_T, bad);
        free(ok);
        free(bad);
    }

    /* the errorMessage text */
    {
        llava_1_5_7b_hf_input v;
        cardc_error err;
        memset(&v, 0, sizeof v);
        CHECK(dec(&v, "{\"prompt\":\"p\",\"messages\":[],\"image\":[1]}", &err) == CARDC_E_INVALID);
        CHECK_STR(err.message, "\"prompt\" and \"messages\" are mutually exclusive");
        CHECK_STR(err.pointer, "");
    }
}

static void seed_limits(void)
{
    llava_1_5_7b_hf_input v;
    cardc_error err, ref;
    struct json_object *doc = NULL;

    memset(&v, 0, sizeof v);
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":9223372036854775808}", &err) == CARDC_E_LIMIT);
    CHECK_MSG(strstr(err.message, "9223372036854775808") && strstr(err.message, "int64_t"), "%s",
              err.message);
    CHECK(err.line == 1 && err.column == 27);
    CHECK(all_zero(&v, sizeof v));
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":-1e19}", &err) == CARDC_E_LIMIT);
    /* a number array element beyond double range (found by fuzz_decode):
     * a limit, never an infinity that encode would then refuse */
    CHECK(dec(&v, "{\"image\":[1.5,1e400],\"prompt\":\"p\"}", &err) == CARDC_E_LIMIT);
    CHECK_MSG(strstr(err.message, "1e400") && strstr(err.message, "double"), "%s", err.message);
    CHECK(all_zero(&v, sizeof v));
    /* out of range and invalid for the schema: the schema's verdict */
    CHECK(dec(&v, "{\"image\":[1],\"max_tokens\":1e30,\"raw\":3}", &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/raw");

    /* malformed text: the strict parser's error, as `cardc validate` reports it */
    static const char *bad[] = {
        "{\"prompt\":",
        "{\"prompt\":\"p\",\n \"image\":[1,]}",
        "",
        "{\"image\":[1]} x",
        "\"\\ud800\"x",
        "{\"image\":[1],\"raw\":tru}",
        "{\"image\":\"\xff\"}",
        /* the malformed part after a number C cannot hold (fuzz_cards) */
        "{\"image\":[1],\"max_tokens\":1234567890123456789012345    02.5}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cardc_error_clear(&ref);
        cardc_status want = cardc_json_parse(bad[i], strlen(bad[i]), "<string>", 0, &doc, &ref);
        json_object_put(doc);
        doc = NULL;
        cardc_status got = dec(&v, bad[i], &err);
        CHECK_MSG(got == want && got != CARDC_OK, "%s: %s vs %s", bad[i], cardc_status_name(got),
                  cardc_status_name(want));
        CHECK_MSG(err.line == ref.line && err.column == ref.column && err.line > 0,
                  "%s: at %d:%d, parser says %d:%d", bad[i], err.line, err.column, ref.line,
                  ref.column);
        CHECK_STR(err.message, ref.message);
        CHECK(all_zero(&v, sizeof v));
    }
    CHECK(dec(&v, "{\"prompt\":\"p\",\n \"image\":[1,]}", &err) == CARDC_E_JSON && err.line == 2);

    /* nesting beyond max_depth */
    {
        cardc_decode_options o = {0};
        o.max_depth = 3;
        cardc_error_clear(&err);
        CHECK(llava_1_5_7b_hf_input_decode_ex(&v, "{\"image\":[1],\"x\":[[[[]]]]}", 25, &o, &err) ==
              CARDC_E_LIMIT);
        CHECK(all_zero(&v, sizeof v));
    }
}

static void seed_hand_built(void)
{
    llava_1_5_7b_hf_input v;
    cardc_error err;
    char *json = NULL;
    size_t len = 0;

    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_init(&v, &err) == CARDC_OK);
    CHECK(v.kind == LLAVA_1_5_7B_HF_INPUT_NONE);
    CHECK(llava_1_5_7b_hf_input_validate(&v, &err) == CARDC_E_INVALID);
    CHECK(strstr(err.message, "union kind") != NULL);

    /* init of the object: defaults */
    {
        llava_1_5_7b_hf_input_object o;
        cardc_error_clear(&err);
        CHECK(cardc_bind_init(&llava_1_5_7b_hf_input_object_type, &o, &err) == CARDC_OK);
        CHECK(o.has_raw && !o.raw && o.has_max_tokens && o.max_tokens == 512 && !o.has_prompt);
        cardc_bind_free(&llava_1_5_7b_hf_input_object_type, &o);
    }

    /* a valid value built by hand */
    v.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
    cardc_bind_init(&llava_1_5_7b_hf_input_object_type, &v.u.object, NULL);
    v.u.object.has_prompt = true;
    cardc_string_set(&v.u.object.prompt, "caption / \"this\"\x01", 17, &err);
    v.u.object.image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
    cardc_numbers_set_bytes(&v.u.object.image.u.array, (const uint8_t *)"\x00\x7f\xff", 3, &err);
    cardc_error_clear(&err);
    CHECK_MSG(llava_1_5_7b_hf_input_validate(&v, &err) == CARDC_OK, "%s", err.message);
    CHECK(llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) == CARDC_OK);
    CHECK_STR(json,
              "{\"prompt\":\"caption / \\\"this\\\"\\u0001\",\"raw\":false,\"image\":[0,127,255],"
              "\"max_tokens\":512}");
    free(json);
    json = NULL;

    /* prompt and messages both: refused with the errorMessage */
    v.u.object.has_messages = true;
    v.u.object.messages.items = calloc(1, sizeof *v.u.object.messages.items);
    v.u.object.messages.count = 1;
    cardc_string_set(&v.u.object.messages.items[0].role, "user", 4, &err);
    cardc_string_set(&v.u.object.messages.items[0].content, "c", 1, &err);
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) == CARDC_E_INVALID && json == NULL);
    CHECK_STR(err.message, "\"prompt\" and \"messages\" are mutually exclusive");

    /* content of 6145 code points */
    v.u.object.has_prompt = false;
    {
        char *big = malloc(6145 * 2);
        for (size_t i = 0; i < 6145; i++)
            memcpy(big + 2 * i, "\xc3\xa9", 2);
        cardc_string_set(&v.u.object.messages.items[0].content, big, 6145 * 2, &err);
        free(big);
    }
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) == CARDC_E_INVALID && json == NULL);
    CHECK_STR(err.pointer, "/messages/0/content");
    CHECK_STR(err.message, "must be at most 6144 characters, got 6145");
    cardc_string_set(&v.u.object.messages.items[0].content, "ok", 2, &err);

    /* structural sanity: never a crash */
    v.u.object.image.kind = (llava_1_5_7b_hf_input_image_kind)7;
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_validate(&v, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/image");
    v.u.object.image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
    v.u.object.messages.items[0].role.len = 99;
    free(v.u.object.messages.items[0].role.data);
    v.u.object.messages.items[0].role.data = NULL;
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_validate(&v, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/messages/0/role");
    v.u.object.messages.items[0].role.len = 0;
    v.u.object.has_temperature = true;
    v.u.object.temperature = NAN;
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) == CARDC_E_INVALID && !json);
    v.u.object.temperature = 0.1;
    cardc_error_clear(&err);
    CHECK_MSG(llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) == CARDC_OK, "%s", err.message);
    CHECK(json && strstr(json, "\"temperature\":0.1,"));
    free(json);
    json = NULL;

    /* image bytes as a binary string must be UTF-8 */
    cardc_bind_free(&llava_1_5_7b_hf_input_object_type, &v.u.object);
    v.kind = LLAVA_1_5_7B_HF_INPUT_BINARY;
    cardc_bytes_set(&v.u.binary, "\x89PNG", 4, &err);
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) == CARDC_E_INVALID && !json);
    CHECK(strstr(err.message, "byte-array") != NULL);
    llava_1_5_7b_hf_input_free(&v);
}

/* ---- every other kind ---- */

static const char misc_schema_json[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"tags\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\",\"minimum\":0}},"
    "\"color\":{\"enum\":[\"red\",\"green\"]},"
    "\"note\":{\"type\":[\"string\",\"null\"]},"
    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":"
    "\"integer\"}},\"required\":[\"id\"]}},"
    "\"any\":{},"
    "\"cond\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"if\":{"
    "\"properties\":"
    "{\"a\":{\"const\":1}},\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]}},"
    "\"tree\":{\"$ref\":\"#/$defs/node\"}},"
    "\"required\":[\"color\"],\"additionalProperties\":false,"
    "\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
    "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/"
    "node\"}}},\"required\":[\"name\"]}}}";

/* Some descriptors here have a cache, as generated code does (the schema
 * compiled once); the others have the validator compile per call. */
static cardc_schema_cache misc_cache;
static const char *const misc_schema_parts[] = {misc_schema_json, NULL};
static const cardc_schema_text misc_schema = {
    misc_schema_parts, "misc.json", CARDC_DIALECT_AUTO, 0, NULL, 0, &misc_cache};

typedef struct misc_tags_entry {
    cardc_string key;
    int64_t value;
} misc_tags_entry;
typedef struct misc_tags {
    misc_tags_entry *items;
    size_t count;
} misc_tags;
typedef enum misc_color {
    MISC_COLOR_UNSET = 0,
    MISC_COLOR_RED = 1,
    MISC_COLOR_GREEN = 2
} misc_color;
typedef struct misc_item {
    int64_t id;
} misc_item;
typedef struct misc_items {
    misc_item *items;
    size_t count;
} misc_items;
typedef struct misc_cond {
    bool has_a;
    int64_t a;
} misc_cond;
typedef struct misc_node misc_node;
typedef struct misc_node_children {
    misc_node *items;
    size_t count;
} misc_node_children;
struct misc_node {
    cardc_string name;
    bool has_children;
    misc_node_children children;
};
typedef struct misc {
    bool has_tags;
    misc_tags tags;
    misc_color color;
    bool has_note;
    bool note_is_null;
    cardc_string note;
    bool has_items;
    misc_items items;
    bool has_any;
    cardc_json any;
    bool has_cond;
    misc_cond cond;
    bool has_tree;
    misc_node tree;
} misc;

static const cardc_check tag_checks[] = {
    {.op = CARDC_CHECK_MINIMUM,
     .number = 0,
     .keyword = "/properties/tags/additionalProperties/minimum"}};
static const cardc_type tag_value_type = {.kind = CARDC_KIND_INT,
                                          .c_name = "int64_t",
                                          .pointer = "/properties/tags/additionalProperties",
                                          .size = sizeof(int64_t),
                                          .checks = tag_checks,
                                          .check_count = 1,
                                          .schema = &misc_schema};
static const cardc_type tags_type = {.kind = CARDC_KIND_MAP,
                                     .c_name = "misc_tags",
                                     .pointer = "/properties/tags",
                                     .size = sizeof(misc_tags),
                                     .item = &tag_value_type,
                                     .entry_size = sizeof(misc_tags_entry),
                                     .entry_value_offset = offsetof(misc_tags_entry, value),
                                     .schema = &misc_schema};
static const char *const color_values[] = {"red", "green"};
static const cardc_type color_type = {.kind = CARDC_KIND_ENUM,
                                      .c_name = "misc_color",
                                      .pointer = "/properties/color",
                                      .size = sizeof(int),
                                      .enum_values = color_values,
                                      .enum_count = 2,
                                      .schema = &misc_schema};
static const cardc_type note_type = {.kind = CARDC_KIND_STRING,
                                     .flags = CARDC_TYPE_NULLABLE,
                                     .c_name = "cardc_string",
                                     .pointer = "/properties/note",
                                     .size = sizeof(cardc_string),
                                     .schema = &misc_schema};
static const cardc_type id_type = {.kind = CARDC_KIND_INT,
                                   .c_name = "int64_t",
                                   .pointer = "/properties/items/items/properties/id",
                                   .size = sizeof(int64_t),
                                   .schema = &misc_schema};
static const cardc_field item_fields[] = {
    {"id", 2, offsetof(misc_item, id), 0, 0, &id_type, NULL, true, false}};
static const cardc_type item_type = {.kind = CARDC_KIND_OBJECT,
                                     .c_name = "misc_item",
                                     .pointer = "/properties/items/items",
                                     .size = sizeof(misc_item),
                                     .fields = item_fields,
                                     .field_count = 1,
                                     .schema = &misc_schema};
static const cardc_type items_type = {.kind = CARDC_KIND_ARRAY,
                                      .c_name = "misc_items",
                                      .pointer = "/properties/items",
                                      .size = sizeof(misc_items),
                                      .item = &item_type,
                                      .schema = &misc_schema};
static const cardc_type any_type = {.kind = CARDC_KIND_JSON,
                                    .flags = CARDC_TYPE_RESIDUAL,
                                    .c_name = "cardc_json",
                                    .pointer = "/properties/any",
                                    .size = sizeof(cardc_json),
                                    .schema = &misc_schema};
static const cardc_type a_type = {.kind = CARDC_KIND_INT,
                                  .c_name = "int64_t",
                                  .pointer = "/properties/cond/properties/a",
                                  .size = sizeof(int64_t),
                                  .schema = &misc_schema};
static const cardc_field cond_fields[] = {
    {"a", 1, offsetof(misc_cond, a), offsetof(misc_cond, has_a), 0, &a_type, NULL, false, false}};
static const cardc_type cond_type = {.kind = CARDC_KIND_OBJECT,
                                     .flags = CARDC_TYPE_RESIDUAL,
                                     .c_name = "misc_cond",
                                     .pointer = "/properties/cond",
                                     .size = sizeof(misc_cond),
                                     .fields = cond_fields,
                                     .field_count = 1,
                                     .schema = &misc_schema};
static const cardc_type node_type;
static const cardc_type node_children_type = {.kind = CARDC_KIND_ARRAY,
                                              .c_name = "misc_node_children",
                                              .pointer = "/$defs/node/properties/children",
                                              .size = sizeof(misc_node_children),
                                              .item = &node_type,
                                              .schema = &misc_schema};
static const cardc_type name_type = {.kind = CARDC_KIND_STRING,
                                     .c_name = "cardc_string",
                                     .pointer = "/$defs/node/properties/name",
                                     .size = sizeof(cardc_string),
                                     .schema = &misc_schema};
static const cardc_field node_fields[] = {
    {"name", 4, offsetof(misc_node, name), 0, 0, &name_type, NULL, true, false},
    {"children", 8, offsetof(misc_node, children), offsetof(misc_node, has_children), 0,
     &node_children_type, NULL, false, false}};
static const cardc_type node_type = {.kind = CARDC_KIND_OBJECT,
                                     .c_name = "misc_node",
                                     .pointer = "/$defs/node",
                                     .size = sizeof(misc_node),
                                     .fields = node_fields,
                                     .field_count = 2,
                                     .schema = &misc_schema};
static const cardc_field misc_fields[] = {
    {"tags", 4, offsetof(misc, tags), offsetof(misc, has_tags), 0, &tags_type, NULL, false, false},
    {"color", 5, offsetof(misc, color), 0, 0, &color_type, NULL, true, false},
    {"note", 4, offsetof(misc, note), offsetof(misc, has_note), offsetof(misc, note_is_null),
     &note_type, NULL, false, true},
    {"items", 5, offsetof(misc, items), offsetof(misc, has_items), 0, &items_type, NULL, false,
     false},
    {"any", 3, offsetof(misc, any), offsetof(misc, has_any), 0, &any_type, NULL, false, false},
    {"cond", 4, offsetof(misc, cond), offsetof(misc, has_cond), 0, &cond_type, NULL, false, false},
    {"tree", 4, offsetof(misc, tree), offsetof(misc, has_tree), 0, &node_type, NULL, false, false},
};
static const cardc_type misc_type = {.kind = CARDC_KIND_OBJECT,
                                     .flags = CARDC_TYPE_CLOSED | CARDC_TYPE_RESIDUAL,
                                     .c_name = "misc",
                                     .pointer = "",
                                     .size = sizeof(misc),
                                     .fields = misc_fields,
                                     .field_count = 7,
                                     .schema = &misc_schema};

/* A descriptor that disagrees with its schema (maxLength 3, the schema says
 * none): the engine must say so, not pick a side silently. */
static const cardc_check wrong_checks[] = {
    {.op = CARDC_CHECK_MAX_LENGTH, .count = 3, .keyword = "/maxLength"}};
static const cardc_type wrong_type = {.kind = CARDC_KIND_STRING,
                                      .c_name = "cardc_string",
                                      .pointer = "/$defs/node/properties/name",
                                      .size = sizeof(cardc_string),
                                      .checks = wrong_checks,
                                      .check_count = 1,
                                      .schema = &misc_schema};

static void misc_cases(cardc_schema *ref)
{
    static const char ok[] = "{\"color\":\"green\",\"tags\":{\"a\":1,\"b\":2,\"a\":3},\"note\":"
                             "null,\"items\":[{\"id\":1},{\"id\":2}],"
                             "\"any\":{\"x\":[1,\"y\",null,2.5]},\"cond\":{\"a\":2},"
                             "\"tree\":{\"name\":\"r\",\"children\":[{\"name\":\"c\",\"children\":["
                             "{\"name\":\"g\"}]}]}}";
    misc v;
    cardc_error err;

    memset(&v, 0, sizeof v);
    cardc_error_clear(&err);
    CHECK_MSG(cardc_bind_decode(&misc_type, &v, ok, strlen(ok), NULL, &err) == CARDC_OK, "misc: %s",
              err.message);
    CHECK(v.color == MISC_COLOR_GREEN);
    CHECK(v.has_tags && v.tags.count == 2 && strcmp(v.tags.items[0].key.data, "a") == 0 &&
          v.tags.items[0].value == 3 && v.tags.items[1].value == 2);
    CHECK(v.has_note && v.note_is_null && !v.note.data);
    CHECK(v.has_items && v.items.count == 2 && v.items.items[1].id == 2);
    CHECK(v.has_any && json_object_is_type(v.any.value, json_type_object));
    CHECK(v.has_cond && v.cond.has_a && v.cond.a == 2);
    CHECK(v.has_tree && v.tree.children.count == 1 &&
          v.tree.children.items[0].children.count == 1 &&
          strcmp(v.tree.children.items[0].children.items[0].name.data, "g") == 0 &&
          !v.tree.children.items[0].children.items[0].has_children);
    expect_roundtrip(
        &misc_type, &v,
        "{\"tags\":{\"a\":3,\"b\":2},\"color\":\"green\",\"note\":null,\"items\":[{\"id\":1},"
        "{\"id\":2}],\"any\":{\"x\":[1,\"y\",null,2.5]},\"cond\":{\"a\":2},\"tree\":{\"name\":"
        "\"r\",\"children\":[{\"name\":\"c\",\"children\":[{\"name\":\"g\"}]}]}}");

    /* hand-built breakage */
    v.color = (misc_color)9;
    cardc_error_clear(&err);
    CHECK(cardc_bind_validate(&misc_type, &v, NULL, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/color");
    v.color = MISC_COLOR_RED;
    v.cond.a = 1; /* if a == 1 then b is required: only the validator knows */
    cardc_error_clear(&err);
    CHECK(cardc_bind_validate(&misc_type, &v, NULL, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/cond");
    v.cond.a = 2;
    v.tags.items[1].value = -1;
    cardc_error_clear(&err);
    CHECK(cardc_bind_validate(&misc_type, &v, NULL, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/tags/b");
    cardc_bind_free(&misc_type, &v);

    static const char *const bad[] = {
        "{}",
        "{\"color\":\"blue\"}",
        "{\"color\":1}",
        "{\"color\":\"red\",\"zzz\":1}",
        "{\"color\":\"red\",\"tags\":{\"a\":-1}}",
        "{\"color\":\"red\",\"tags\":{\"a\":1.5}}",
        "{\"color\":\"red\",\"note\":3}",
        "{\"color\":\"red\",\"items\":[{\"id\":1},{}]}",
        "{\"color\":\"red\",\"cond\":{\"a\":1}}",
        "{\"color\":\"red\",\"tree\":{\"name\":\"r\",\"children\":[{\"children\":[]}]}}",
        ("{\"color\":\"red\",\"tree\":{\"name\":\"r\",\"children\":[{\"name\":\"x\","
         "\"children\":[{\"name\":5}]}]}}"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_reject(ref, &misc_type, bad[i]);

    /* a repeated key: the last value counts, as for the validator */
    {
        static const char dup[] =
            "{\"color\":\"red\",\"tags\":{\"a\":-1,\"b\":2,\"a\":1},\"note\":5,\"note\":\"x\"}";
        misc d;
        memset(&d, 0, sizeof d);
        cardc_error_clear(&err);
        CHECK_MSG(cardc_bind_decode(&misc_type, &d, dup, strlen(dup), NULL, &err) == CARDC_OK, "%s",
                  err.message);
        CHECK(d.tags.count == 2 && d.tags.items[0].value == 1 && d.note.data && !d.note_is_null);
        cardc_bind_free(&misc_type, &d);
        expect_reject(ref, &misc_type, "{\"color\":\"red\",\"tags\":{\"a\":1,\"a\":-1}}");
        expect_reject(ref, &misc_type, "{\"color\":\"red\",\"tags\":{\"a\":-1,\"b\":-1,\"b\":1}}");
    }

    /* deep recursion (the default depth limit is 10,000): no stack overflow */
    {
        size_t depth = 9000, n = 0;
        char *deep = malloc(depth * 32 + 64);
        misc d;
        n += (size_t)sprintf(deep, "{\"color\":\"red\",\"tree\":");
        for (size_t i = 0; i < depth; i++)
            n += (size_t)sprintf(deep + n, "{\"name\":\"n\",\"children\":[");
        n += (size_t)sprintf(deep + n, "{\"name\":\"leaf\"}");
        for (size_t i = 0; i < depth; i++)
            n += (size_t)sprintf(deep + n, "]}");
        n += (size_t)sprintf(deep + n, "}");
        memset(&d, 0, sizeof d);
        cardc_error_clear(&err);
        cardc_status st = cardc_bind_decode(&misc_type, &d, deep, n, NULL, &err);
        CHECK_MSG(st == CARDC_OK || st == CARDC_E_LIMIT, "deep tree: %s %s", cardc_status_name(st),
                  err.message);
        if (st == CARDC_OK) {
            char *out = NULL;
            cardc_error_clear(&err);
            st = cardc_bind_encode(&misc_type, &d, &out, NULL, &err);
            CHECK_MSG(st == CARDC_OK || st == CARDC_E_LIMIT, "deep encode: %s", err.message);
            free(out);
        }
        cardc_bind_free(&misc_type, &d);
        /* JSON handle, deep */
        n = (size_t)sprintf(deep, "{\"color\":\"red\",\"any\":");
        for (size_t i = 0; i < depth; i++)
            deep[n++] = '[';
        for (size_t i = 0; i < depth; i++)
            deep[n++] = ']';
        deep[n++] = '}';
        cardc_error_clear(&err);
        st = cardc_bind_decode(&misc_type, &d, deep, n, NULL, &err);
        CHECK_MSG(st == CARDC_OK || st == CARDC_E_LIMIT, "deep any: %s %s", cardc_status_name(st),
                  err.message);
        cardc_bind_free(&misc_type, &d);
        free(deep);
    }

    /* the disagreement is reported */
    {
        cardc_string s = {0};
        cardc_error_clear(&err);
        CHECK(cardc_bind_decode(&wrong_type, &s, "\"abcd\"", 6, NULL, &err) == CARDC_E_INVALID);
        CHECK_MSG(strstr(err.message, "internal: decoder and validator disagree") != NULL, "%s",
                  err.message);
        CHECK(!s.data);
    }
}

/* ---- a refused value's explanation ---- */

/* The decoder's refusal is explained by an exhaustive pass that details
 * every oneOf/anyOf at once, passing ones too: a passing anyOf whose
 * other branch ran into the error cap must leave neither its errors nor
 * the cap behind. The descriptor (a string at the root of an object
 * schema) refuses every object, so the validator alone decides. */
static const char capped_schema_json[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"a\":{\"anyOf\":[{\"items\":{\"type\":\"string\"}},{\"type\":\"array\"}]},"
    "\"b\":{\"type\":\"string\"}}}";
static const char *const capped_schema_parts[] = {capped_schema_json, NULL};
static const cardc_schema_text capped_schema = {
    capped_schema_parts, "capped.json", CARDC_DIALECT_AUTO, 0, NULL, 0, NULL};
static const cardc_type capped_type = {.kind = CARDC_KIND_STRING,
                                       .c_name = "cardc_string",
                                       .pointer = "",
                                       .size = sizeof(cardc_string),
                                       .schema = &capped_schema};

static void refused_cases(void)
{
    char payload[1024] = "{\"a\":[0", *p = payload + strlen(payload);
    cardc_decode_options o = {0};
    cardc_result *r = NULL;
    cardc_string v = {0};
    cardc_error err;

    for (int i = 1; i < 150; i++) /* 150 type errors in the anyOf's first branch */
        p += sprintf(p, ",%d", i);
    strcpy(p, "],\"b\":1}");
    cardc_error_clear(&err);
    cardc_result_new(&r, NULL);
    o.result = r;
    CHECK(cardc_bind_decode(&capped_type, &v, payload, strlen(payload), &o, &err) ==
          CARDC_E_INVALID);
    CHECK_MSG(strcmp(err.pointer, "/b") == 0, "pointer %s", err.pointer);
    CHECK_MSG(cardc_result_error_count(r) == 1 && !cardc_result_truncated(r),
              "%zu errors, truncated %d", cardc_result_error_count(r),
              (int)cardc_result_truncated(r));
    cardc_result_free(r);
    cardc_bind_free(&capped_type, &v);
}

/* ---- a rejected member ends the decode, unless another branch could take it ---- */

/* A decode stops at the first rejected member (the validator explains
 * it) and is done again whole when a later duplicate cures it. Inside a
 * union with another branch for the value it must read on: a branch cut
 * short would leave the value to the other one. */
static const char twin_schema_json[] =
    "{\"OP\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}},"
    "{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"}}}]}";
typedef struct twin_a {
    bool has_a;
    int64_t a;
} twin_a;
typedef struct twin_b {
    bool has_b;
    cardc_string b;
} twin_b;
typedef struct twin {
    int kind;
    union {
        twin_a b0;
        twin_b b1;
    } u;
} twin;

static const cardc_type twin_int = {
    .kind = CARDC_KIND_INT, .c_name = "int64_t", .size = sizeof(int64_t)};
static const cardc_type twin_str = {
    .kind = CARDC_KIND_STRING, .c_name = "cardc_string", .size = sizeof(cardc_string)};
static const cardc_field twin_a_fields[] = {
    {"a", 1, offsetof(twin_a, a), offsetof(twin_a, has_a), 0, &twin_int, NULL, false, false}};
static const cardc_field twin_b_fields[] = {
    {"b", 1, offsetof(twin_b, b), offsetof(twin_b, has_b), 0, &twin_str, NULL, false, false}};
static const cardc_type twin_a_type = {.kind = CARDC_KIND_OBJECT,
                                       .c_name = "twin_a",
                                       .size = sizeof(twin_a),
                                       .fields = twin_a_fields,
                                       .field_count = 1};
static const cardc_type twin_b_type = {.kind = CARDC_KIND_OBJECT,
                                       .c_name = "twin_b",
                                       .size = sizeof(twin_b),
                                       .fields = twin_b_fields,
                                       .field_count = 1};
static const cardc_branch twin_branches[] = {{"0", &twin_a_type}, {"1", &twin_b_type}};

/* The union of the two objects, anyOf or oneOf, with its schema text. */
static void twin_union(const char *op, char *json, size_t cap, const char **parts,
                       cardc_schema_text *text, cardc_type *t)
{
    const char *at = strstr(twin_schema_json, "OP");
    snprintf(json, cap, "%.*s%s%s", (int)(at - twin_schema_json), twin_schema_json, op, at + 2);
    parts[0] = json;
    parts[1] = NULL;
    *text = (cardc_schema_text){parts, "twin.json", CARDC_DIALECT_AUTO, 0, NULL, 0, NULL};
    *t = (cardc_type){.kind = CARDC_KIND_UNION,
                      .flags = strcmp(op, "oneOf") == 0 ? CARDC_TYPE_ONE_OF : 0,
                      .c_name = "twin",
                      .size = sizeof(twin),
                      .branches = twin_branches,
                      .branch_count = 2,
                      .union_offset = offsetof(twin, u),
                      .schema = text};
}

static void cut_cases(void)
{
    char json[512];
    const char *parts[2];
    cardc_schema_text text;
    cardc_type t;
    cardc_error err;
    twin v;

    memset(&v, 0, sizeof v);
    /* anyOf: branch 0 matches once its "a" is cured, and equals branch 1
     * (one declared member each): the first is kept */
    twin_union("anyOf", json, sizeof json, parts, &text, &t);
    cardc_error_clear(&err);
    CHECK_MSG(cardc_bind_decode(&t, &v, "{\"a\":\"x\",\"b\":\"y\",\"a\":1}", 23, NULL, &err) ==
                  CARDC_OK,
              "anyOf: %s", err.message);
    CHECK_MSG(v.kind == 1 && v.u.b0.has_a && v.u.b0.a == 1, "anyOf: branch %d", v.kind);
    cardc_bind_free(&t, &v);
    /* oneOf: both branches match, so the value is invalid */
    twin_union("oneOf", json, sizeof json, parts, &text, &t);
    CHECK(cardc_bind_decode(&t, &v, "{\"a\":\"x\",\"a\":1}", 15, NULL, &err) == CARDC_E_INVALID);
    CHECK_MSG(strstr(err.message, "matched 2") != NULL, "oneOf: %s", err.message);
    cardc_bind_free(&t, &v);
}

/* ---- unions: exclusivity, deferred checks inside branches ---- */

static const char pick_schema_json[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"n\":{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]},"
    "\"s\":{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^a\"},{\"type\":\"string\",\"maxLength\":"
    "2}]},"
    "\"e\":{\"oneOf\":[{\"type\":\"null\"},{\"type\":\"array\",\"items\":{\"type\":\"integer\"},"
    "\"uniqueItems\":true}]}},"
    /* grouped by location: a rejection without a result (oneOf's unit in
     * outline) must still find /e's errors and replace them */
    "\"errorMessage\":{\"properties\":{\"e\":\"e: null or unique integers\"}}}";
static const char *const pick_schema_parts[] = {pick_schema_json, NULL};
static const cardc_schema_text pick_schema = {
    pick_schema_parts, "pick.json", CARDC_DIALECT_AUTO, 0, NULL, 0, NULL};

typedef struct pick_n {
    int kind;
    union {
        double b0;
        int64_t b1;
    } u;
} pick_n;
typedef struct pick_s {
    int kind;
    union {
        cardc_string b0;
        cardc_string b1;
    } u;
} pick_s;
typedef struct pick_e_1 {
    int64_t *items;
    size_t count;
} pick_e_1;
typedef struct pick_e {
    int kind;
    union {
        pick_e_1 b1;
    } u;
} pick_e;
typedef struct pick {
    bool has_n;
    pick_n n;
    bool has_s;
    pick_s s;
    bool has_e;
    pick_e e;
} pick;

static const cardc_type pn0 = {.kind = CARDC_KIND_NUMBER,
                               .c_name = "double",
                               .pointer = "/properties/n/oneOf/0",
                               .size = sizeof(double),
                               .schema = &pick_schema};
static const cardc_type pn1 = {.kind = CARDC_KIND_INT,
                               .c_name = "int64_t",
                               .pointer = "/properties/n/oneOf/1",
                               .size = sizeof(int64_t),
                               .schema = &pick_schema};
static const cardc_branch pn_branches[] = {{"0", &pn0}, {"1", &pn1}};
static const cardc_type pn = {.kind = CARDC_KIND_UNION,
                              .flags = CARDC_TYPE_ONE_OF,
                              .c_name = "pick_n",
                              .pointer = "/properties/n",
                              .size = sizeof(pick_n),
                              .branches = pn_branches,
                              .branch_count = 2,
                              .union_offset = offsetof(pick_n, u),
                              .schema = &pick_schema};
static const cardc_check ps0_checks[] = {
    {.op = CARDC_CHECK_PATTERN, .text = "^a", .keyword = "/properties/s/anyOf/0/pattern"}};
static const cardc_type ps0 = {.kind = CARDC_KIND_STRING,
                               .c_name = "cardc_string",
                               .pointer = "/properties/s/anyOf/0",
                               .size = sizeof(cardc_string),
                               .checks = ps0_checks,
                               .check_count = 1,
                               .schema = &pick_schema};
static const cardc_check ps1_checks[] = {
    {.op = CARDC_CHECK_MAX_LENGTH, .count = 2, .keyword = "/properties/s/anyOf/1/maxLength"}};
static const cardc_type ps1 = {.kind = CARDC_KIND_STRING,
                               .c_name = "cardc_string",
                               .pointer = "/properties/s/anyOf/1",
                               .size = sizeof(cardc_string),
                               .checks = ps1_checks,
                               .check_count = 1,
                               .schema = &pick_schema};
static const cardc_branch ps_branches[] = {{"0", &ps0}, {"1", &ps1}};
static const cardc_type ps = {.kind = CARDC_KIND_UNION,
                              .c_name = "pick_s",
                              .pointer = "/properties/s",
                              .size = sizeof(pick_s),
                              .branches = ps_branches,
                              .branch_count = 2,
                              .union_offset = offsetof(pick_s, u),
                              .schema = &pick_schema};
static const cardc_type pe0 = {.kind = CARDC_KIND_NULL,
                               .c_name = "void",
                               .pointer = "/properties/e/oneOf/0",
                               .size = 0,
                               .schema = &pick_schema};
static const cardc_type pe1_item = {.kind = CARDC_KIND_INT,
                                    .c_name = "int64_t",
                                    .pointer = "/properties/e/oneOf/1/items",
                                    .size = sizeof(int64_t),
                                    .schema = &pick_schema};
static const cardc_check pe1_checks[] = {
    {.op = CARDC_CHECK_UNIQUE_ITEMS, .keyword = "/properties/e/oneOf/1/uniqueItems"}};
static const cardc_type pe1 = {.kind = CARDC_KIND_ARRAY,
                               .c_name = "pick_e_1",
                               .pointer = "/properties/e/oneOf/1",
                               .size = sizeof(pick_e_1),
                               .checks = pe1_checks,
                               .check_count = 1,
                               .item = &pe1_item,
                               .schema = &pick_schema};
static const cardc_branch pe_branches[] = {{"NULL", &pe0}, {"1", &pe1}};
static const cardc_type pe = {.kind = CARDC_KIND_UNION,
                              .flags = CARDC_TYPE_ONE_OF,
                              .c_name = "pick_e",
                              .pointer = "/properties/e",
                              .size = sizeof(pick_e),
                              .branches = pe_branches,
                              .branch_count = 2,
                              .union_offset = offsetof(pick_e, u),
                              .schema = &pick_schema};
static const cardc_field pick_fields[] = {
    {"n", 1, offsetof(pick, n), offsetof(pick, has_n), 0, &pn, NULL, false, false},
    {"s", 1, offsetof(pick, s), offsetof(pick, has_s), 0, &ps, NULL, false, false},
    {"e", 1, offsetof(pick, e), offsetof(pick, has_e), 0, &pe, NULL, false, false},
};
static const cardc_type pick_type = {.kind = CARDC_KIND_OBJECT,
                                     .c_name = "pick",
                                     .pointer = "",
                                     .size = sizeof(pick),
                                     .fields = pick_fields,
                                     .field_count = 3,
                                     .schema = &pick_schema};

static void pick_cases(cardc_schema *ref)
{
    pick v;
    cardc_error err;

    memset(&v, 0, sizeof v);
#define PICK_OK(text)         \
    (cardc_error_clear(&err), \
     cardc_bind_decode(&pick_type, &v, text, strlen(text), NULL, &err) == CARDC_OK)
    CHECK(PICK_OK("{\"n\":5.5}") && v.n.kind == 1 && v.n.u.b0 == 5.5);
    CHECK(PICK_OK("{\"s\":\"abc\"}") && v.s.kind == 1 && strcmp(v.s.u.b0.data, "abc") == 0);
    CHECK(PICK_OK("{\"s\":\"bc\"}") && v.s.kind == 2 && strcmp(v.s.u.b1.data, "bc") == 0);
    CHECK(PICK_OK("{\"e\":null}") && v.has_e && v.e.kind == 1);
    CHECK(PICK_OK("{\"e\":[1,2],\"s\":\"a\"}") && v.e.kind == 2 && v.e.u.b1.count == 2 &&
          v.s.kind == 1);
    expect_roundtrip(&pick_type, &v, "{\"s\":\"a\",\"e\":[1,2]}");
    /* hand-built: n = 5 as the double branch is still 5 once encoded,
     * which both branches match */
    cardc_bind_free(&pick_type, &v);
    v.has_n = true;
    v.n.kind = 1;
    v.n.u.b0 = 5;
    cardc_error_clear(&err);
    CHECK(cardc_bind_validate(&pick_type, &v, NULL, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/n");
    cardc_bind_free(&pick_type, &v);
#undef PICK_OK

    static const char *const bad[] = {
        "{\"n\":5}",     "{\"n\":\"5\"}",   "{\"s\":\"bcd\"}",
        "{\"e\":[1,1]}", "{\"e\":[1,1.5]}", "{\"e\":false}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_reject(ref, &pick_type, bad[i]);
}

/* ---- byte arrays ---- */

static const char bytes_schema_json[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"loose\":{\"type\":\"array\",\"description\":\"8-bit unsigned integer "
    "values\",\"items\":{\"type\":\"number\"}},"
    "\"strict\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":255}}"
    "}}";
static cardc_schema_cache bytes_cache;
static const char *const bytes_schema_parts[] = {bytes_schema_json, NULL};
static const cardc_schema_text bytes_schema = {
    bytes_schema_parts, "bytes.json", CARDC_DIALECT_AUTO, 0, NULL, 0, &bytes_cache};

typedef struct bytes_obj {
    bool has_loose;
    cardc_bytes loose;
    bool has_strict;
    cardc_bytes strict;
} bytes_obj;

static const cardc_type loose_item = {.kind = CARDC_KIND_NUMBER,
                                      .c_name = "double",
                                      .pointer = "/properties/loose/items",
                                      .size = sizeof(double),
                                      .schema = &bytes_schema};
static const cardc_type loose_type = {.kind = CARDC_KIND_BYTES,
                                      .flags = CARDC_TYPE_BYTE_ARRAY,
                                      .c_name = "cardc_bytes",
                                      .pointer = "/properties/loose",
                                      .size = sizeof(cardc_bytes),
                                      .item = &loose_item,
                                      .schema = &bytes_schema};
static const cardc_check strict_checks[] = {
    {.op = CARDC_CHECK_MINIMUM, .number = 0, .keyword = "/properties/strict/items/minimum"},
    {.op = CARDC_CHECK_MAXIMUM, .number = 255, .keyword = "/properties/strict/items/maximum"}};
static const cardc_type strict_item = {.kind = CARDC_KIND_INT,
                                       .c_name = "int64_t",
                                       .pointer = "/properties/strict/items",
                                       .size = sizeof(int64_t),
                                       .checks = strict_checks,
                                       .check_count = 2,
                                       .schema = &bytes_schema};
static const cardc_type strict_type = {.kind = CARDC_KIND_BYTES,
                                       .flags = CARDC_TYPE_BYTE_ARRAY,
                                       .c_name = "cardc_bytes",
                                       .pointer = "/properties/strict",
                                       .size = sizeof(cardc_bytes),
                                       .item = &strict_item,
                                       .schema = &bytes_schema};
static const cardc_field bytes_fields[] = {
    {"loose", 5, offsetof(bytes_obj, loose), offsetof(bytes_obj, has_loose), 0, &loose_type, NULL,
     false, false},
    {"strict", 6, offsetof(bytes_obj, strict), offsetof(bytes_obj, has_strict), 0, &strict_type,
     NULL, false, false},
};
static const cardc_type bytes_type = {.kind = CARDC_KIND_OBJECT,
                                      .c_name = "bytes_obj",
                                      .pointer = "",
                                      .size = sizeof(bytes_obj),
                                      .fields = bytes_fields,
                                      .field_count = 2,
                                      .schema = &bytes_schema};

static void bytes_cases(cardc_schema *ref)
{
    bytes_obj v;
    cardc_error err;
    uint8_t all[256];
    char *json = NULL, *want = malloc(256 * 4 + 32);
    size_t n = 0;

    memset(&v, 0, sizeof v);
    cardc_error_clear(&err);
    CHECK(cardc_bind_decode(&bytes_type, &v, "{\"loose\":[1,2.0,255,1e2],\"strict\":[0,2.0]}", 42,
                            NULL, &err) == CARDC_OK);
    CHECK(v.loose.len == 4 && v.loose.data[1] == 2 && v.loose.data[3] == 100 && v.strict.len == 2);
    expect_roundtrip(&bytes_type, &v, "{\"loose\":[1,2,255,100],\"strict\":[0,2]}");

    /* every byte value encodes as its decimal text */
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)(255 - i);
    cardc_bytes_set(&v.loose, all, 256, &err);
    v.has_loose = true;
    v.has_strict = false;
    n = (size_t)sprintf(want, "{\"loose\":[");
    for (int i = 0; i < 256; i++)
        n += (size_t)sprintf(want + n, i ? ",%d" : "%d", 255 - i);
    sprintf(want + n, "]}");
    cardc_error_clear(&err);
    CHECK(cardc_bind_encode(&bytes_type, &v, &json, NULL, &err) == CARDC_OK);
    CHECK(json && strcmp(json, want) == 0);
    free(json);
    free(want);
    cardc_bind_free(&bytes_type, &v);

    /* valid for the schema, but not a byte: a limit, never a silent clamp */
    cardc_error_clear(&err);
    CHECK(cardc_bind_decode(&bytes_type, &v, "{\"loose\":[1,1.5]}", 17, NULL, &err) ==
          CARDC_E_LIMIT);
    CHECK_MSG(strstr(err.message, "1.5") && strstr(err.message, "byte"), "%s", err.message);
    cardc_error_clear(&err);
    CHECK(cardc_bind_decode(&bytes_type, &v, "{\"loose\":[256]}", 15, NULL, &err) == CARDC_E_LIMIT);
    CHECK(all_zero(&v, sizeof v));

    static const char *const bad[] = {
        "{\"strict\":[256]}",
        "{\"strict\":[-1]}",
        "{\"strict\":[1.5]}",
        "{\"loose\":[\"a\"]}",
        "{\"loose\":[1,2,{}]}",
        "{\"strict\":\"ab\"}",
        "{\"loose\":[256],\"strict\":[300]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_reject(ref, &bytes_type, bad[i]);
}

/* ---- defaults that break their own schema are not applied ---- */

static const char defs_schema_json[] =
    "{\"properties\":{\"alpha\":{\"type\":\"number\",\"maximum\":3,\"default\":5},"
    "\"bar\":{\"type\":\"string\",\"minLength\":4,\"default\":\"bad\"},"
    "\"good\":{\"type\":\"string\",\"pattern\":\"^a\",\"default\":\"abc\"},"
    "\"nope\":{\"type\":\"string\",\"pattern\":\"^a\",\"default\":\"xyz\"},"
    "\"x\":{\"type\":\"integer\",\"default\":1}},"
    "\"dependentRequired\":{\"x\":[\"bar\"]}}";
static const char *const defs_schema_parts[] = {defs_schema_json, NULL};
static const cardc_schema_text defs_schema = {
    defs_schema_parts, "defs.json", CARDC_DIALECT_2020_12, 0, NULL, 0, NULL};

typedef struct defs_obj {
    bool has_alpha;
    double alpha;
    bool has_bar;
    cardc_string bar;
    bool has_good;
    cardc_string good;
    bool has_nope;
    cardc_string nope;
    bool has_x;
    int64_t x;
} defs_obj;

static const cardc_check alpha_checks[] = {
    {.op = CARDC_CHECK_MAXIMUM, .number = 3, .keyword = "/properties/alpha/maximum"}};
static const cardc_type alpha_type = {.kind = CARDC_KIND_NUMBER,
                                      .c_name = "double",
                                      .pointer = "/properties/alpha",
                                      .size = sizeof(double),
                                      .checks = alpha_checks,
                                      .check_count = 1,
                                      .schema = &defs_schema};
static const cardc_check bar_checks[] = {
    {.op = CARDC_CHECK_MIN_LENGTH, .count = 4, .keyword = "/properties/bar/minLength"}};
static const cardc_type bar_type = {.kind = CARDC_KIND_STRING,
                                    .c_name = "cardc_string",
                                    .pointer = "/properties/bar",
                                    .size = sizeof(cardc_string),
                                    .checks = bar_checks,
                                    .check_count = 1,
                                    .schema = &defs_schema};
static const cardc_check good_checks[] = {
    {.op = CARDC_CHECK_PATTERN, .text = "^a", .keyword = "/properties/good/pattern"}};
static const cardc_type good_type = {.kind = CARDC_KIND_STRING,
                                     .c_name = "cardc_string",
                                     .pointer = "/properties/good",
                                     .size = sizeof(cardc_string),
                                     .checks = good_checks,
                                     .check_count = 1,
                                     .schema = &defs_schema};
static const cardc_check nope_checks[] = {
    {.op = CARDC_CHECK_PATTERN, .text = "^a", .keyword = "/properties/nope/pattern"}};
static const cardc_type nope_type = {.kind = CARDC_KIND_STRING,
                                     .c_name = "cardc_string",
                                     .pointer = "/properties/nope",
                                     .size = sizeof(cardc_string),
                                     .checks = nope_checks,
                                     .check_count = 1,
                                     .schema = &defs_schema};
static const cardc_type x_type = {.kind = CARDC_KIND_INT,
                                  .c_name = "int64_t",
                                  .pointer = "/properties/x",
                                  .size = sizeof(int64_t),
                                  .schema = &defs_schema};
#define D_(f) offsetof(defs_obj, f), offsetof(defs_obj, has_##f), 0
static const cardc_field defs_fields[] = {
    {"alpha", 5, D_(alpha), &alpha_type, "5", false, false},
    {"bar", 3, D_(bar), &bar_type, "\"bad\"", false, false},
    {"good", 4, D_(good), &good_type, "\"abc\"", false, false},
    {"nope", 4, D_(nope), &nope_type, "\"xyz\"", false, false},
    {"x", 1, D_(x), &x_type, "1", false, false},
};
#undef D_
static const uint16_t x_dep[] = {4, 1};
static const cardc_check defs_checks[] = {{.op = CARDC_CHECK_DEPENDENT_REQUIRED,
                                           .fields = x_dep,
                                           .field_count = 2,
                                           .keyword = "/dependentRequired"}};
static const cardc_type defs_type = {.kind = CARDC_KIND_OBJECT,
                                     .c_name = "defs_obj",
                                     .pointer = "",
                                     .size = sizeof(defs_obj),
                                     .checks = defs_checks,
                                     .check_count = 1,
                                     .fields = defs_fields,
                                     .field_count = 5,
                                     .schema = &defs_schema};

static void defaults_cases(void)
{
    defs_obj v;
    cardc_error err;

    memset(&v, 0, sizeof v);
    cardc_error_clear(&err);
    CHECK_MSG(cardc_bind_decode(&defs_type, &v, "{}", 2, NULL, &err) == CARDC_OK, "%s",
              err.message);
    CHECK(!v.has_alpha && !v.has_bar && !v.has_nope && !v.has_x);
    CHECK(v.has_good && strcmp(v.good.data, "abc") == 0);
    expect_roundtrip(&defs_type, &v, "{\"good\":\"abc\"}");
    cardc_error_clear(&err);
    CHECK(cardc_bind_decode(&defs_type, &v, "{\"bar\":\"long enough\"}", 21, NULL, &err) ==
          CARDC_OK);
    CHECK(v.has_x && v.x == 1 && v.has_good);
    cardc_bind_free(&defs_type, &v);
    cardc_error_clear(&err);
    CHECK(cardc_bind_init(&defs_type, &v, &err) == CARDC_OK);
    CHECK(!v.has_alpha && v.has_good && !v.has_x);
    cardc_bind_free(&defs_type, &v);
}

/* ---- boolean and integer defaults (decoded without the parser) ---- */

static const char ints_schema_json[] =
    "{\"properties\":{\"neg\":{\"type\":\"integer\",\"default\":-7},"
    "\"over\":{\"type\":\"integer\",\"maximum\":3,\"default\":5},"
    "\"odd\":{\"type\":\"integer\",\"multipleOf\":2,\"default\":3},"
    "\"huge\":{\"type\":\"integer\",\"default\":123456789012345678901},"
    "\"flag\":{\"type\":\"boolean\",\"default\":true}}}";
static const char *const ints_schema_parts[] = {ints_schema_json, NULL};
static const cardc_schema_text ints_schema = {
    ints_schema_parts, "ints.json", CARDC_DIALECT_2020_12, 0, NULL, 0, NULL};

typedef struct ints_obj {
    bool has_neg, has_over, has_odd, has_huge, has_flag;
    int64_t neg, over, odd, huge;
    bool flag;
} ints_obj;

static const cardc_check over_checks[] = {
    {.op = CARDC_CHECK_MAXIMUM, .number = 3, .keyword = "/properties/over/maximum"}};
static const cardc_check odd_checks[] = {
    {.op = CARDC_CHECK_MULTIPLE_OF, .text = "2", .keyword = "/properties/odd/multipleOf"}};
#define INT_TYPE(name, chk, n)                                                  \
    static const cardc_type name##_int_type = {.kind = CARDC_KIND_INT,          \
                                               .c_name = "int64_t",             \
                                               .pointer = "/properties/" #name, \
                                               .size = sizeof(int64_t),         \
                                               .checks = chk,                   \
                                               .check_count = n,                \
                                               .schema = &ints_schema}
INT_TYPE(neg, NULL, 0);
INT_TYPE(over, over_checks, 1);
INT_TYPE(odd, odd_checks, 1);
INT_TYPE(huge, NULL, 0);
#undef INT_TYPE
static const cardc_type flag_bool_type = {.kind = CARDC_KIND_BOOL,
                                          .c_name = "bool",
                                          .pointer = "/properties/flag",
                                          .size = sizeof(bool),
                                          .schema = &ints_schema};
#define I_(f) offsetof(ints_obj, f), offsetof(ints_obj, has_##f), 0
static const cardc_field ints_fields[] = {
    {"neg", 3, I_(neg), &neg_int_type, "-7", false, false},
    {"over", 4, I_(over), &over_int_type, "5", false, false},
    {"odd", 3, I_(odd), &odd_int_type, "3", false, false},
    {"huge", 4, I_(huge), &huge_int_type, "123456789012345678901", false, false},
    {"flag", 4, I_(flag), &flag_bool_type, "true", false, false},
};
#undef I_
static const cardc_type ints_type = {.kind = CARDC_KIND_OBJECT,
                                     .c_name = "ints_obj",
                                     .pointer = "",
                                     .size = sizeof(ints_obj),
                                     .fields = ints_fields,
                                     .field_count = 5,
                                     .schema = &ints_schema};

/* What the parser-free path applies is what the general one would: a
 * default that breaks maximum or multipleOf, or cannot be held, is left out. */
/* Decoding into a value that holds one reuses its blocks (bind_recycle.c):
 * whatever the old value held, longer or shorter strings, more or fewer
 * messages and bytes, a rejected payload between, each decode must encode
 * exactly as a decode into a fresh value. */
static void reuse_cases(void)
{
    static const char *const seq[] = {
        "{\"prompt\":\"a longer prompt than the next\",\"image\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,"
        "15,16,17,18,19,20]}",
        "{\"prompt\":\"p\",\"image\":[255]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"one\"},{\"role\":\"assistant\","
        "\"content\":\"two, and longer than one\"},{\"role\":\"user\",\"content\":\"3\"}],"
        "\"image\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27]}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"image\":\"binary\"}",
        "{\"prompt\":5}",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"again, and much longer than any before it "
        "so that no kept block fits\"},{\"role\":\"u\",\"content\":\"\"}],\"image\":[]}",
        "{\"prompt\":\"last\",\"image\":[9,8,7,6,5,4,3,2,1,0,9,8,7,6,5,4,3,2,1,0,9,8,7,6,5,4,3,2,1,"
        "0,9,8,7,6,5,4,3,2,1,0]}",
    };
    llava_1_5_7b_hf_input reused, fresh;
    cardc_error err;

    memset(&reused, 0, sizeof reused);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof seq / sizeof *seq; i++) {
            char *a = NULL, *b = NULL;
            size_t alen = 0, blen = 0;
            cardc_status rs = dec(&reused, seq[i], &err);
            memset(&fresh, 0, sizeof fresh);
            cardc_status fs = dec(&fresh, seq[i], &err);
            CHECK_MSG(rs == fs, "%s: %d into a used value, %d into a fresh one", seq[i], (int)rs,
                      (int)fs);
            if (rs != CARDC_OK) {
                CHECK(all_zero(&reused, sizeof reused));
                continue;
            }
            CHECK(llava_1_5_7b_hf_input_encode(&reused, &a, &alen, &err) == CARDC_OK);
            CHECK(llava_1_5_7b_hf_input_encode(&fresh, &b, &blen, &err) == CARDC_OK);
            CHECK_MSG(a && b && alen == blen && memcmp(a, b, alen) == 0, "%s: %s vs %s", seq[i],
                      a ? a : "(null)", b ? b : "(null)");
            free(a);
            free(b);
            llava_1_5_7b_hf_input_free(&fresh);
        }
    llava_1_5_7b_hf_input_free(&reused);
}

static void scalar_defaults_cases(void)
{
    ints_obj v;
    cardc_error err;

    memset(&v, 0, sizeof v);
    cardc_error_clear(&err);
    CHECK_MSG(cardc_bind_decode(&ints_type, &v, "{}", 2, NULL, &err) == CARDC_OK, "%s",
              err.message);
    CHECK(v.has_neg && v.neg == -7);
    CHECK(!v.has_over && v.over == 0);
    CHECK(!v.has_odd && v.odd == 0);
    CHECK(!v.has_huge && v.huge == 0);
    CHECK(v.has_flag && v.flag);
    cardc_error_clear(&err);
    CHECK(cardc_bind_decode(&ints_type, &v, "{\"over\":2,\"flag\":false}", 23, NULL, &err) ==
          CARDC_OK);
    CHECK(v.has_over && v.over == 2 && v.has_flag && !v.flag && v.has_neg && v.neg == -7);
    cardc_bind_free(&ints_type, &v);
}

/* Every prefix and many one-byte mutations of a few payloads: the engine's
 * verdict must be the validator's (or the parser's) every time, and
 * nothing may crash or leak. */
static void agreement_cases(cardc_schema *ref, const cardc_type *t, const char *const *seeds,
                            size_t nseeds)
{
    static const char subst[] = "{}[],:\"0159.-eE tfn\\xa";
    unsigned char value[512];
    size_t cases = 0, bad = 0;

    for (size_t k = 0; k < nseeds; k++) {
        size_t n = strlen(seeds[k]);
        char *buf = malloc(n + 1);
        if (!buf)
            abort();
        for (size_t cut = 0; cut <= n; cut++) {
            for (size_t pos = 0; pos <= cut; pos++) {
                for (size_t c = 0; c < (pos < cut ? sizeof subst - 1 : 1); c++) {
                    struct json_object *doc = NULL;
                    cardc_error err, perr;
                    cardc_status want, got;

                    /* prefixes of the whole text, and mutations of it */
                    if (cut < n && pos < cut)
                        continue;
                    memcpy(buf, seeds[k], cut);
                    buf[cut] = '\0';
                    if (pos < cut)
                        buf[pos] = subst[c];
                    cardc_error_clear(&perr);
                    want = cardc_json_parse(buf, cut, "<string>", 0, &doc, &perr);
                    if (want == CARDC_OK) {
                        cardc_result *r = NULL;
                        cardc_result_new(&r, NULL);
                        want = cardc_validate(ref, doc, NULL, r, NULL);
                        cardc_result_free(r);
                    }
                    json_object_put(doc);
                    memset(value, 0, sizeof value);
                    cardc_error_clear(&err);
                    got = cardc_bind_decode(t, value, buf, cut, NULL, &err);
                    cases++;
                    if (got != want && !(got == CARDC_E_LIMIT && want == CARDC_OK)) {
                        if (bad++ < 5)
                            fprintf(stderr, "  disagreement on %s: engine %s (%s), reference %s\n",
                                    buf, cardc_status_name(got), err.message,
                                    cardc_status_name(want));
                    }
                    if (got != CARDC_OK && !all_zero(value, t->size))
                        bad++;
                    cardc_bind_free(t, value);
                }
            }
        }
        free(buf);
    }
    CHECK_MSG(bad == 0, "%zu of %zu prefix/mutation cases disagree with the validator", bad, cases);
    CHECK(cases > 500);
}

/* ---- threads: descriptors are const, every call owns its state ---- */

static void *thread_main(void *arg)
{
    static const char misc_ok[] = "{\"color\":\"red\",\"cond\":{\"a\":2},\"any\":[1]}";
    static const char misc_bad[] = "{\"color\":\"red\",\"cond\":{\"a\":1}}";
    int *fails = arg;

    for (int i = 0; i < 200; i++) {
        llava_1_5_7b_hf_input v;
        misc m;
        cardc_error err;
        char *json = NULL;
        memset(&v, 0, sizeof v);
        memset(&m, 0, sizeof m);
        cardc_error_clear(&err);
        if (llava_1_5_7b_hf_input_decode(&v, "{\"prompt\":\"p\",\"image\":[1,2]}", 28, &err) !=
                CARDC_OK ||
            v.u.object.max_tokens != 512 ||
            llava_1_5_7b_hf_input_encode(&v, &json, NULL, &err) != CARDC_OK)
            (*fails)++;
        free(json);
        llava_1_5_7b_hf_input_free(&v);
        if (cardc_bind_decode(&misc_type, &m, misc_ok, strlen(misc_ok), NULL, &err) != CARDC_OK)
            (*fails)++;
        cardc_bind_free(&misc_type, &m);
        cardc_error_clear(&err);
        if (cardc_bind_decode(&misc_type, &m, misc_bad, strlen(misc_bad), NULL, &err) !=
                CARDC_E_INVALID ||
            strcmp(err.pointer, "/cond") != 0)
            (*fails)++;
    }
    return NULL;
}

static void thread_cases(void)
{
    pthread_t th[4];
    int fails[4] = {0};

    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, thread_main, &fails[i]) == 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(fails[i] == 0, "thread %d: %d failures", i, fails[i]);
    }
}

/* ---- rejections from 8 threads at once: the side's schema is compiled
 * once, on first use, by whichever thread gets there first (the cache is
 * emptied before, so the threads race to build it), and every rejection
 * still carries the validator's message, pointer and position ---- */

#define REJECT_THREADS 8
#define REJECT_ROUNDS  100

typedef struct reject_case {
    const cardc_type *type;
    const char *payload;
    char pointer[256], message[512];
    int line, column;
} reject_case;

static reject_case reject_cases[] = {
    {IN_T, "{\"prompt\":\"p\",\"messages\":[],\"image\":[1]}", "", "", 0, 0},
    {IN_T, "{\"prompt\":\"p\",\"image\":{\"url\":\"x\"}}", "", "", 0, 0},
    {IN_T, "{\"image\":[1],\"messages\":[{\"role\":\"user\"}]}", "", "", 0, 0},
    {IN_T, "{\"image\":[1],\n \"max_tokens\":\"512\"}", "", "", 0, 0},
    {IN_T, "42", "", "", 0, 0},
    {&misc_type, "{\"color\":\"red\",\"cond\":{\"a\":1}}", "", "", 0, 0},
};
#define REJECT_CASES (sizeof reject_cases / sizeof reject_cases[0])

static pthread_barrier_t reject_gate;

static int reject_once(reject_case *c, cardc_error *err)
{
    unsigned char value[512];
    cardc_status st;

    memset(value, 0, sizeof value);
    cardc_error_clear(err);
    st = cardc_bind_decode(c->type, value, c->payload, strlen(c->payload), NULL, err);
    cardc_bind_free(c->type, value);
    return st == CARDC_E_INVALID;
}

static void *reject_thread(void *arg)
{
    int *fails = arg;
    cardc_error err;

    pthread_barrier_wait(&reject_gate);
    for (int round = 0; round < REJECT_ROUNDS; round++) {
        for (size_t i = 0; i < REJECT_CASES; i++) {
            reject_case *c = &reject_cases[i];
            if (!reject_once(c, &err) || strcmp(err.pointer, c->pointer) != 0 ||
                strcmp(err.message, c->message) != 0 || err.line != c->line ||
                err.column != c->column)
                (*fails)++;
        }
    }
    return NULL;
}

static void threaded_rejections(void)
{
    pthread_t th[REJECT_THREADS];
    int fails[REJECT_THREADS] = {0};
    cardc_error err;

    /* what one thread alone reports */
    for (size_t i = 0; i < REJECT_CASES; i++) {
        reject_case *c = &reject_cases[i];
        CHECK_MSG(reject_once(c, &err), "%s: rejected", c->payload);
        CHECK_MSG(err.message[0] != '\0', "%s: a message", c->payload);
        snprintf(c->pointer, sizeof c->pointer, "%s", err.pointer);
        snprintf(c->message, sizeof c->message, "%s", err.message);
        c->line = err.line;
        c->column = err.column;
    }
    /* the state is kept on the side's cache, and cleanup empties it */
    CHECK(atomic_load(&IN_T->schema->cache->state) != NULL);
    CHECK(atomic_load(&misc_type.schema->cache->state) != NULL);
    cardc_bind_cleanup(IN_T);
    cardc_bind_cleanup(&misc_type);
    cardc_bind_cleanup(&misc_type); /* twice: nothing left to free */
    cardc_bind_cleanup(&pick_type); /* no cache: nothing to do */
    cardc_bind_cleanup(NULL);
    CHECK(atomic_load(&IN_T->schema->cache->state) == NULL);

    CHECK(pthread_barrier_init(&reject_gate, NULL, REJECT_THREADS) == 0);
    for (int i = 0; i < REJECT_THREADS; i++)
        CHECK(pthread_create(&th[i], NULL, reject_thread, &fails[i]) == 0);
    for (int i = 0; i < REJECT_THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(fails[i] == 0, "thread %d: %d of %zu rejections differ", i, fails[i],
                  (size_t)REJECT_ROUNDS * REJECT_CASES);
    }
    pthread_barrier_destroy(&reject_gate);
    CHECK(atomic_load(&IN_T->schema->cache->state) != NULL);
}

/* A side whose schema needs other documents: a remote "$ref" (at the root
 * and below it) and a custom meta-schema, all embedded as resources. */
static const cardc_resource_text remote_resources[] = {
    {"http://example.com/meta",
     (const char *const[]){"{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                           "\"$id\":\"http://example.com/meta\",\"$vocabulary\":{"
                           "\"https://json-schema.org/draft/2020-12/vocab/core\":true,"
                           "\"https://json-schema.org/draft/2020-12/vocab/validation\":true,"
                           "\"https://json-schema.org/draft/2020-12/vocab/applicator\":true}}",
                           NULL}},
    {"http://example.com/small.json",
     (const char *const[]){"{\"type\":\"integer\",\"maximum\":9}", NULL}},
};
static const cardc_schema_text remote_schema = {
    (const char *const[]){
        "{\"$schema\":\"http://example.com/meta\",\"type\":\"object\",\"properties\":{\"n\":"
        "{\"$ref\":\"http://example.com/small.json\"}}}",
        NULL},
    "remote.json",
    CARDC_DIALECT_2020_12,
    0,
    remote_resources,
    2,
    NULL};
static const cardc_type remote_n_type = {.kind = CARDC_KIND_JSON,
                                         .flags = CARDC_TYPE_RESIDUAL,
                                         .c_name = "cardc_json",
                                         .pointer = "/properties/n",
                                         .size = sizeof(cardc_json),
                                         .schema = &remote_schema};
static const cardc_type remote_type = {.kind = CARDC_KIND_JSON,
                                       .flags = CARDC_TYPE_RESIDUAL,
                                       .c_name = "cardc_json",
                                       .pointer = "",
                                       .size = sizeof(cardc_json),
                                       .schema = &remote_schema};

/* A meta-schema nobody registered: the validator goes on with the dialect
 * given (as `cardc validate` does), and never crashes (an unknown
 * meta-schema once recursed without end in the compiler). */
static const cardc_schema_text bare_schema = {
    (const char *const[]){
        "{\"$schema\":\"http://example.com/meta\",\"properties\":{\"n\":{\"type\":\"integer\"}}}",
        NULL},
    "bare.json",
    CARDC_DIALECT_2020_12,
    0,
    NULL,
    0,
    NULL};
static const cardc_type bare_n_type = {.kind = CARDC_KIND_JSON,
                                       .flags = CARDC_TYPE_RESIDUAL,
                                       .c_name = "cardc_json",
                                       .pointer = "/properties/n",
                                       .size = sizeof(cardc_json),
                                       .schema = &bare_schema};

static void resource_cases(void)
{
    static const struct {
        const cardc_type *t;
        const char *json;
        cardc_status want;
    } cases[] = {
        {&remote_type, "{\"n\":3}", CARDC_OK},
        {&remote_type, "{\"n\":10}", CARDC_E_INVALID},
        {&remote_type, "{\"n\":1.5}", CARDC_E_INVALID},
        {&remote_type, "[]", CARDC_E_INVALID},
        {&remote_n_type, "9", CARDC_OK},
        {&remote_n_type, "10", CARDC_E_INVALID},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cardc_json v = {NULL};
        cardc_error err;
        cardc_status st;
        cardc_error_clear(&err);
        st = cardc_bind_decode(cases[i].t, &v, cases[i].json, strlen(cases[i].json), NULL, &err);
        CHECK_MSG(st == cases[i].want, "resources %s: %s (%s)", cases[i].json,
                  cardc_status_name(st), err.message);
        if (st == CARDC_E_INVALID)
            CHECK_MSG(strstr(err.message, "internal") == NULL, "%s", err.message);
        cardc_bind_free(cases[i].t, &v);
    }
    {
        cardc_json v = {NULL};
        cardc_error err;
        cardc_status st;
        cardc_error_clear(&err);
        st = cardc_bind_decode(&bare_n_type, &v, "1", 1, NULL, &err);
        CHECK_MSG(st == CARDC_OK, "%s: %s", cardc_status_name(st), err.message);
        cardc_bind_free(&bare_n_type, &v);
        cardc_error_clear(&err);
        st = cardc_bind_decode(&bare_n_type, &v, "\"x\"", 3, NULL, &err);
        CHECK_MSG(st == CARDC_E_INVALID, "%s: %s", cardc_status_name(st), err.message);
        CHECK(v.value == NULL);
        cardc_bind_free(&bare_n_type, &v);
    }
}

/* ---- duplicate member names (cardc_decode_options.duplicate_keys) ---- */

static void duplicate_key_cases(void)
{
    static const char text[] = "{\"prompt\":\"first\",\"image\":[1],\n \"prompt\":\"last\"}";
    llava_1_5_7b_hf_input v;
    cardc_decode_options o;
    cardc_result *res = NULL;
    cardc_error err;
    cardc_status st;

    memset(&v, 0, sizeof v);
    memset(&o, 0, sizeof o);
    /* the default: the last wins, as in the validator's tree */
    st = cardc_bind_decode(IN_T, &v, text, sizeof text - 1, &o, &err);
    CHECK_MSG(st == CARDC_OK, "%s", err.message);
    CHECK(v.u.object.has_prompt && strcmp(v.u.object.prompt.data, "last") == 0);
    /* refused: the key named at its second occurrence, nothing decoded */
    CHECK(cardc_result_new(&res, NULL) == CARDC_OK);
    o.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    o.source = "req.json";
    o.result = res;
    st = cardc_bind_decode(IN_T, &v, text, sizeof text - 1, &o, &err);
    CHECK_MSG(st == CARDC_E_JSON, "%s", cardc_status_name(st));
    CHECK_STR(err.message, "duplicate object key \"prompt\"");
    CHECK_MSG(err.line == 2 && err.column == 2, "at %d:%d", err.line, err.column);
    CHECK_STR(err.source, "req.json");
    CHECK(v.kind == 0 && !v.u.object.has_prompt);
    /* inside a oneOf branch that is tried and backtracked, a key read
     * twice by the engine is no duplicate */
    static const char fine[] = "{\"messages\":[{\"role\":\"u\",\"content\":\"c\"}],\"image\":[1]}";
    st = cardc_bind_decode(IN_T, &v, fine, sizeof fine - 1, &o, &err);
    CHECK_MSG(st == CARDC_OK, "%s", err.message);
    static const char nested[] =
        "{\"messages\":[{\"role\":\"u\",\"role\":\"v\",\"content\":\"c\"}],"
        "\"image\":[1]}";
    st = cardc_bind_decode(IN_T, &v, nested, sizeof nested - 1, &o, &err);
    CHECK_MSG(st == CARDC_E_JSON && err.column == 26, "%s at %d", err.message, err.column);
    /* a payload the schema refuses too (prompt is no string): the parser's
     * verdict comes first, as `cardc validate --duplicate-keys reject`
     * gives it (tests/regression/fuzz_cards: other cards' decoders once
     * explained such payloads by the schema) */
    static const char both[] = "{\"prompt\":1,\"x\":1,\"x\":2}";
    st = cardc_bind_decode(IN_T, &v, both, sizeof both - 1, &o, &err);
    CHECK_MSG(st == CARDC_E_JSON, "%s", cardc_status_name(st));
    CHECK_STR(err.message, "duplicate object key \"x\"");
    CHECK_MSG(err.line == 1 && err.column == 19, "at %d:%d", err.line, err.column);
    cardc_bind_free(IN_T, &v);
    cardc_result_free(res);
}

int main(void)
{
    cardc_schema *seed_ref = compile_embedded(llava_1_5_7b_hf_input_type.schema);
    cardc_schema *misc_ref = compile_text(misc_schema_json);

    seed_reference = seed_ref;

    seed_valid();
    resource_cases();
    seed_invalid(seed_ref);
    seed_limits();
    seed_hand_built();
    misc_cases(misc_ref);
    refused_cases();
    cut_cases();
    {
        static const char *const seeds[] = {
            "{\"prompt\":\"p\",\"image\":[1,2.5],\"max_tokens\":7,\"raw\":true}",
            "{\"messages\":[{\"role\":\"u\",\"content\":\"c\"}],\"image\":\"x\",\"temperature\":1}",
            "\"\\u0089PNG\"",
        };
        agreement_cases(seed_ref, IN_T, seeds, 3);
        static const char *const mseeds[] = {
            "{\"color\":\"red\",\"tags\":{\"a\":1},\"note\":\"n\",\"items\":[{\"id\":1}],\"any\":["
            "1],"
            "\"cond\":{\"a\":1,\"b\":0},\"tree\":{\"name\":\"r\",\"children\":[{\"name\":\"c\"}]}}",
        };
        agreement_cases(misc_ref, &misc_type, mseeds, 1);
    }
    {
        cardc_schema *pick_ref = compile_text(pick_schema_json);
        pick_cases(pick_ref);
        cardc_schema *bytes_ref = compile_text(bytes_schema_json);
        bytes_cases(bytes_ref);
        cardc_schema_free(bytes_ref);
        static const char *const pick_seeds[] = {"{\"n\":5.5,\"s\":\"ab\",\"e\":[1,2]}"};
        agreement_cases(pick_ref, &pick_type, pick_seeds, 1);
        cardc_schema_free(pick_ref);
    }
    defaults_cases();
    scalar_defaults_cases();
    reuse_cases();
    duplicate_key_cases();
    thread_cases();
    threaded_rejections();
    cardc_schema_free(seed_ref);
    cardc_schema_free(misc_ref);
    return check_summary();
}
