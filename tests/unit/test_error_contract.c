/* SPDX-License-Identifier: MIT */
/* The error contract (cardc/error.h), checked on every public function
 * returning cardc_status: called into failure with a record full of garbage,
 * the record comes back with code == the returned status and a message;
 * called into success after a failure, the record comes back clean. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#if CARDC_HAVE_CLIENT
#include "cardc/client.h"
#endif
#include "check.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

static void garbage(cardc_error *err)
{
    memset(err, 0x5a, sizeof *err);
    err->code = CARDC_E_IO;
}

/* One call into failure: st is what it returned. */
static void failed(const char *what, cardc_status st, const cardc_error *err)
{
    CHECK_MSG(st != CARDC_OK, "%s succeeded", what);
    CHECK_MSG(err->code == st, "%s: returned %s, record says %s", what, cardc_status_name(st),
              cardc_status_name(err->code));
    CHECK_MSG(memchr(err->message, '\0', sizeof err->message) && err->message[0] &&
                  (unsigned char)err->message[0] != 0x5a,
              "%s: no message", what);
    CHECK_MSG(memchr(err->source, '\0', sizeof err->source) != NULL &&
                  memchr(err->pointer, '\0', sizeof err->pointer) != NULL,
              "%s: garbage left in source/pointer", what);
}

static void clean(const char *what, cardc_status st, const cardc_error *err)
{
    CHECK_MSG(st == CARDC_OK, "%s: %s", what, cardc_status_name(st));
    CHECK_MSG(err->code == CARDC_OK && !err->message[0] && !err->source[0] && !err->pointer[0] &&
                  err->line == 0 && err->column == 0,
              "%s: the record is not clean after a success", what);
}

#define FAILS(call)                \
    do {                           \
        garbage(&err);             \
        cardc_status st_ = (call); \
        failed(#call, st_, &err);  \
    } while (0)

static void test_values_and_bind(void)
{
    cardc_error err;
    llava_1_5_7b_hf_input in;
    char *json = NULL;
    size_t len = 0;

    FAILS(cardc_string_set(NULL, "x", 1, &err));
    FAILS(cardc_bytes_set(NULL, "x", 1, &err));
    FAILS(cardc_numbers_set_bytes(NULL, (const uint8_t *)"x", 1, &err));
    FAILS(cardc_numbers_set_values(NULL, NULL, 1, &err));
    {
        cardc_members m = {0};
        FAILS(cardc_members_set(NULL, "x", 1, "1", 1, &err));
        FAILS(cardc_members_set(&m, "x", 1, "[", 1, &err));
        FAILS(cardc_members_set(&m, "\xff", 1, "1", 1, &err));
        clean("members_set", cardc_members_set(&m, "x", 1, "1", 1, &err), &err);
        cardc_bind_free(&cardc_members_type, &m);
    }
    FAILS(cardc_bind_init(NULL, &in, &err));
    FAILS(cardc_bind_decode(&llava_1_5_7b_hf_input_type, &in, "{", 1, NULL, &err));
    FAILS(cardc_bind_decode(&llava_1_5_7b_hf_input_type, &in, "{}", 2, NULL, &err));
    CHECK_MSG(err.code == CARDC_E_INVALID && err.message[0], "decode: %s", err.message);
    memset(&in, 0, sizeof in);
    in.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT; /* "image" missing */
    FAILS(cardc_bind_encode(&llava_1_5_7b_hf_input_type, &in, &json, &len, &err));
    FAILS(cardc_bind_validate(&llava_1_5_7b_hf_input_type, &in, NULL, &err));
    /* success after failure: a clean record */
    clean("bind_init", cardc_bind_init(&llava_1_5_7b_hf_input_type, &in, &err), &err);
    cardc_bind_free(&llava_1_5_7b_hf_input_type, &in);
    {
        static const char *const broken[] = {"{\"type\":", NULL};
        cardc_schema_text bad = *llava_1_5_7b_hf_input_type.schema;
        cardc_schema *s = NULL;
        FAILS(cardc_schema_text_compile(NULL, &s, &err));
        bad.json_parts = broken;
        FAILS(cardc_schema_text_compile(&bad, &s, &err));
        clean("schema_text_compile",
              cardc_schema_text_compile(llava_1_5_7b_hf_input_type.schema, &s, &err), &err);
        cardc_schema_free(s);
    }
    FAILS(cardc_pattern_check("(", 1, &err));
    CHECK(err.code == CARDC_E_REGEX);
    clean("pattern_check", cardc_pattern_check("^a+$", 4, &err), &err);
}

static void test_card_json_schema(void)
{
    cardc_error err;
    cardc_card *card = NULL;
    struct json_object *doc = NULL, *out = NULL;
    const struct json_object *side = NULL;
    cardc_registry *reg = NULL;
    cardc_schema *s = NULL;
    cardc_result *r = NULL;
    char *text = NULL;
    size_t len = 0;

    FAILS(cardc_read_file("/nonexistent/cardc", &text, &len, &err));
    FAILS(cardc_json_parse("[1,", 3, "t.json", 0, &doc, &err));
    CHECK(err.line == 1 && strcmp(err.source, "t.json") == 0);
    {
        cardc_json_options jo;
        cardc_json_options_init(&jo);
        jo.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
        FAILS(cardc_json_parse_ex("{\"a\":1,\"a\":2}", 13, "t.json", &jo, &doc, &err));
        CHECK(err.line == 1 && err.column == 8);
        FAILS(cardc_json_parse_ex(NULL, 1, "t.json", &jo, &doc, &err));
        clean("json_parse_ex", cardc_json_parse_ex("{}", 2, "t.json", &jo, &doc, &err), &err);
        json_object_put(doc);
        doc = NULL;
    }
    FAILS(cardc_card_load("/nonexistent/card.md", NULL, &card, &err));
    FAILS(cardc_card_load_mem("name: [", 7, "c.yaml", NULL, &card, &err));
    {
        const char *json_card = "{\"name\": \"m\", \"schema\": {\"input\": {}}}";
        clean("card_load_mem",
              cardc_card_load_mem(json_card, strlen(json_card), "c.json", NULL, &card, &err), &err);
    }
    FAILS(cardc_card_schema(card, CARDC_SIDE_OUTPUT, &side, &err));
    cardc_card_free(card);
    FAILS(cardc_registry_new(NULL, &err));
    clean("registry_new", cardc_registry_new(&reg, &err), &err);
    FAILS(cardc_registry_add(reg, NULL, NULL, &err));
    FAILS(cardc_registry_add_file(reg, "http://x/a.json", "/nonexistent/a.json", &err));
    FAILS(cardc_registry_add_dir(reg, "http://x/", "/nonexistent/dir", &err));
    cardc_registry_free(reg);
    doc = json_tokener_parse("{\"type\": 5}");
    FAILS(cardc_schema_compile(doc, NULL, &s, &err));
    CHECK_STR(err.pointer, "/type");
    json_object_put(doc);
    FAILS(cardc_result_new(NULL, &err));
    clean("result_new", cardc_result_new(&r, &err), &err);
    doc = json_tokener_parse("{\"properties\": {\"a\": {\"maxLength\": 1}}}");
    clean("schema_compile", cardc_schema_compile(doc, NULL, &s, &err), &err);
    {
        struct json_object *inst = json_tokener_parse("{\"a\": \"too long\"}");
        FAILS(cardc_validate(s, inst, NULL, r, &err));
        CHECK_STR(err.pointer, "/a");
        FAILS(cardc_validate(s, inst, NULL, NULL, &err)); /* verdict only: still filled */
        FAILS(cardc_validate(NULL, inst, NULL, r, &err));
        json_object_put(inst);
        inst = json_tokener_parse("{\"a\": \"x\"}");
        clean("validate", cardc_validate(s, inst, NULL, r, &err), &err);
        json_object_put(inst);
    }
    FAILS(cardc_result_output(NULL, CARDC_OUTPUT_BASIC, &out, &err));
    cardc_result_free(r);
    cardc_schema_free(s);
    json_object_put(doc);
}

#if CARDC_HAVE_CLIENT
static void test_client(void)
{
    cardc_error err;
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_run_request rq;
    char *out = NULL, *card = NULL;
    size_t n = 0;
    llava_1_5_7b_hf_input in;
    llava_1_5_7b_hf_output outv;

    cardc_client_options_init(&o);
    o.backend = CARDC_BACKEND_OPENAI;
    o.base_url = "not a url";
    FAILS(cardc_client_new(NULL, NULL, &err));
    o.base_url = "http://127.0.0.1:1/v1";
    o.max_retries = 0;
    clean("client_new", cardc_client_new(&o, &c, &err), &err);
    cardc_run_request_init(&rq);
    FAILS(cardc_client_run_json(c, &rq, &out, &n, NULL, &err));
    FAILS(cardc_client_run_json(c, NULL, &out, &n, NULL, &err));
    memset(&in, 0, sizeof in);
    FAILS(cardc_client_run(c, &llava_1_5_7b_hf_model, &in, &outv, &err));
    FAILS(cardc_client_run_stream(c, &llava_1_5_7b_hf_model, &in, NULL, NULL, &err));
    FAILS(cardc_client_fetch_schema(c, "@cf/x", &card, &err));
    cardc_client_free(c);
}

/* The Batch API's entry points (no server: the failures come first). */
static void test_batch(void)
{
    cardc_error err;
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_batch_options bo;
    cardc_batch *b = NULL;
    const char *json = NULL;
    llava_1_5_7b_hf_input in;
    llava_1_5_7b_hf_output outv;
    bool done = false;

    cardc_batch_options_init(&bo);
    FAILS(cardc_batch_new(NULL, &b, &err));
    FAILS(cardc_batch_new(&bo, &b, &err)); /* neither model nor output schema */
    bo.model = &llava_1_5_7b_hf_model;
    clean("batch_new", cardc_batch_new(&bo, &b, &err), &err);
    memset(&in, 0, sizeof in);
    FAILS(cardc_batch_add(b, &in, NULL, &err)); /* kind NONE: invalid */
    FAILS(cardc_batch_add(NULL, &in, NULL, &err));
    FAILS(cardc_batch_add_json(b, "{}", 2, NULL, &err)); /* "image" missing */
    CHECK_MSG(err.code == CARDC_E_INVALID, "add_json: %s", cardc_status_name(err.code));
    clean("batch_add_json", cardc_batch_add_json(b, "{\"image\":[1]}", 13, "r", &err), &err);
    FAILS(cardc_batch_output_json(b, 0, &json, NULL, &err)); /* not collected */
    FAILS(cardc_batch_output(b, 0, &outv, &err));
    cardc_client_options_init(&o);
    o.backend = CARDC_BACKEND_OPENAI;
    o.base_url = "http://127.0.0.1:1/v1";
    o.max_retries = 0;
    clean("client_new", cardc_client_new(&o, &c, &err), &err);
    FAILS(cardc_client_batch_submit(c, b, &err)); /* the OpenAI backend has none */
    FAILS(cardc_client_batch_poll(c, b, &done, &err));
    FAILS(cardc_client_batch_wait(c, b, &err));
    FAILS(cardc_client_batch_submit(NULL, b, &err));
    cardc_client_free(c);
    cardc_batch_free(b);
}
#endif

int main(void)
{
    test_values_and_bind();
    test_card_json_schema();
#if CARDC_HAVE_CLIENT
    test_client();
    test_batch();
#endif
    return check_summary();
}
