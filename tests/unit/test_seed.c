/* SPDX-License-Identifier: MIT */
/* The seed card's input schema (LLaVA 1.5 7B), rule by rule.
 *
 * Usage: test_seed SOURCE_ROOT  (reads SOURCE_ROOT/schemas/llava-1.5-7b-hf.md)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

#include "check.h"

struct fixture {
    cardc_schema *schema;
    cardc_result *result;
};

/* Expected outcome of one payload: NULL fields are not checked. */
struct expect {
    int valid;
    const char *instance; /* instance location of some error */
    const char *keyword;  /* keyword location suffix of that error */
    const char *message;  /* exact message of that error */
};

static const cardc_unit *find_error(const cardc_result *r, const struct expect *e)
{
    for (size_t i = 0; i < cardc_result_error_count(r); i++) {
        const cardc_unit *u = cardc_result_error(r, i);
        size_t kl = strlen(u->keyword_location);
        size_t el = e->keyword ? strlen(e->keyword) : 0;
        if (e->instance && strcmp(u->instance_location, e->instance) != 0)
            continue;
        if (e->keyword && (kl < el || strcmp(u->keyword_location + kl - el, e->keyword) != 0))
            continue;
        if (e->message && strcmp(u->message, e->message) != 0)
            continue;
        return u;
    }
    return NULL;
}

static void dump_errors(const cardc_result *r)
{
    for (size_t i = 0; i < cardc_result_error_count(r); i++) {
        const cardc_unit *u = cardc_result_error(r, i);
        fprintf(stderr, "    %s: %s [%s]\n", u->instance_location, u->message, u->keyword_location);
    }
}

/* Validates `payload` (JSON text) and checks it against `e`. */
static void expect_payload(struct fixture *f, const char *what, const char *payload,
                           struct expect e)
{
    cardc_error err;
    struct json_object *doc = NULL;

    cardc_error_clear(&err);
    if (cardc_json_parse(payload, strlen(payload), what, 0, &doc, &err) != CARDC_OK) {
        CHECK_MSG(0, "%s: payload does not parse: %s", what, err.message);
        return;
    }
    cardc_status st = cardc_validate(f->schema, doc, NULL, f->result, &err);
    CHECK_MSG(st == (e.valid ? CARDC_OK : CARDC_E_INVALID), "%s: got status %s, expected %s", what,
              cardc_status_name(st), e.valid ? "ok" : "invalid");
    CHECK_MSG(cardc_result_valid(f->result) == (e.valid != 0), "%s: result verdict disagrees",
              what);
    if (!e.valid && (e.instance || e.keyword || e.message)) {
        const cardc_unit *u = find_error(f->result, &e);
        CHECK_MSG(u != NULL, "%s: no error at '%s' [...%s] with message '%s'; got:", what,
                  e.instance ? e.instance : "*", e.keyword ? e.keyword : "*",
                  e.message ? e.message : "*");
        if (!u)
            dump_errors(f->result);
    }
    json_object_put(doc);
}

/* A JSON string literal of `count` copies of the UTF-8 character `ch`. */
static char *repeat_string(const char *ch, size_t count)
{
    size_t n = strlen(ch);
    char *s = malloc(count * n + 3);
    if (!s)
        abort();
    s[0] = '"';
    for (size_t i = 0; i < count; i++)
        memcpy(s + 1 + i * n, ch, n);
    s[1 + count * n] = '"';
    s[2 + count * n] = '\0';
    return s;
}

static void content_length_cases(struct fixture *f)
{
    /* Two-, three- and four-byte characters: the limit counts code points. */
    static const char *chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (size_t c = 0; c < sizeof chars / sizeof *chars; c++) {
        for (size_t count = 6144; count <= 6145; count++) {
            char *content = repeat_string(chars[c], count);
            size_t len = strlen(content) + 128;
            char *payload = malloc(len);
            char what[64];
            if (!payload)
                abort();
            snprintf(payload, len,
                     "{\"messages\":[{\"role\":\"user\",\"content\":%s}],\"image\":[1]}", content);
            snprintf(what, sizeof what, "content of %zu %zu-byte characters", count, c + 2);
            if (count == 6144)
                expect_payload(f, what, payload, (struct expect){1, NULL, NULL, NULL});
            else
                expect_payload(
                    f, what, payload,
                    (struct expect){
                        0, "/messages/0/content",
                        "/oneOf/1/properties/messages/items/properties/content/maxLength",
                        "must be at most 6144 characters, got 6145"});
            free(payload);
            free(content);
        }
    }
}

static void defaults_cases(struct fixture *f)
{
    cardc_error err;
    cardc_validate_options opts;
    struct json_object *doc = NULL, *v;
    const char *payload = "{\"prompt\":\"caption\",\"image\":[1,2,3]}";

    cardc_validate_options_init(&opts);
    opts.flags |= CARDC_VALIDATE_APPLY_DEFAULTS;
    cardc_error_clear(&err);
    if (cardc_json_parse(payload, strlen(payload), "defaults", 0, &doc, &err) != CARDC_OK) {
        CHECK_MSG(0, "defaults payload does not parse");
        return;
    }
    CHECK_MSG(cardc_validate(f->schema, doc, &opts, f->result, &err) == CARDC_OK,
              "defaults: not valid");
    CHECK_MSG(json_object_object_get_ex(doc, "raw", &v) &&
                  json_object_is_type(v, json_type_boolean) && !json_object_get_boolean(v),
              "defaults: raw:false not applied: %s", json_object_to_json_string(doc));
    CHECK_MSG(json_object_object_get_ex(doc, "max_tokens", &v) &&
                  json_object_is_type(v, json_type_int) && json_object_get_int64(v) == 512,
              "defaults: max_tokens:512 not applied: %s", json_object_to_json_string(doc));
    json_object_put(doc);

    /* A present value is never overwritten, and the binary branch gets nothing. */
    payload = "{\"prompt\":\"caption\",\"image\":[1],\"raw\":true,\"max_tokens\":7}";
    cardc_json_parse(payload, strlen(payload), "defaults", 0, &doc, &err);
    CHECK_MSG(cardc_validate(f->schema, doc, &opts, f->result, &err) == CARDC_OK,
              "defaults 2: not valid");
    CHECK_MSG(json_object_object_get_ex(doc, "raw", &v) && json_object_get_boolean(v),
              "raw overwritten");
    CHECK_MSG(json_object_object_get_ex(doc, "max_tokens", &v) && json_object_get_int64(v) == 7,
              "max_tokens overwritten");
    json_object_put(doc);

    /* Without the option the instance is left alone. */
    payload = "{\"prompt\":\"caption\",\"image\":[1]}";
    cardc_json_parse(payload, strlen(payload), "defaults", 0, &doc, &err);
    CHECK_MSG(cardc_validate(f->schema, doc, NULL, f->result, &err) == CARDC_OK,
              "defaults 3: not valid");
    CHECK_MSG(!json_object_object_get_ex(doc, "raw", NULL), "raw added without the option");
    json_object_put(doc);
}

int main(int argc, char **argv)
{
    char path[4096];
    cardc_error err;
    cardc_card *card = NULL;
    const struct json_object *input = NULL;
    struct fixture f = {NULL, NULL};

    if (argc != 2) {
        fprintf(stderr, "usage: %s SOURCE_ROOT\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/schemas/llava-1.5-7b-hf.md", argv[1]);
    cardc_error_clear(&err);
    if (cardc_card_load(path, NULL, &card, &err) != CARDC_OK ||
        cardc_card_schema(card, CARDC_SIDE_INPUT, &input, &err) != CARDC_OK ||
        cardc_schema_compile(input, NULL, &f.schema, &err) != CARDC_OK ||
        cardc_result_new(&f.result, &err) != CARDC_OK) {
        char msg[1024];
        cardc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "FAIL: cannot load the seed card: %s\n", msg);
        cardc_card_free(card);
        return 1;
    }

    /* Top-level oneOf: raw binary, or the parameters object. */
    expect_payload(&f, "binary branch", "\"\\u0089PNG\\r\\n\"",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "object branch", "{\"prompt\":\"hi\",\"image\":[0,255]}",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "neither branch", "42", (struct expect){0, "", "/oneOf", NULL});

    /* image: byte array or binary string; nothing else. */
    expect_payload(&f, "image as bytes", "{\"prompt\":\"p\",\"image\":[137,80,78,71]}",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "image as string", "{\"prompt\":\"p\",\"image\":\"iVBORw0KGgo=\"}",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "image as object", "{\"prompt\":\"p\",\"image\":{}}",
                   (struct expect){0, "/image", "/oneOf/1/properties/image/oneOf", NULL});
    expect_payload(&f, "image item not a number", "{\"prompt\":\"p\",\"image\":[1,\"2\"]}",
                   (struct expect){0, "/image/1", "/oneOf/1/properties/image/oneOf/0/items/type",
                                   "must be of type number, got string \"2\""});

    /* prompt xor messages, with the card's errorMessage. */
    expect_payload(
        &f, "prompt and messages",
        "{\"prompt\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}],\"image\":[1]}",
        (struct expect){0, "", NULL, "\"prompt\" and \"messages\" are mutually exclusive"});
    expect_payload(&f, "messages only",
                   "{\"messages\":[{\"role\":\"user\",\"content\":\"c\"}],\"image\":[1]}",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "neither prompt nor messages", "{\"image\":[1]}",
                   (struct expect){1, NULL, NULL, NULL});

    /* The error for a failed object payload comes from the object branch,
     * never "must be of type string" from the binary branch. */
    expect_payload(&f, "no string-branch noise", "{\"prompt\":\"p\",\"image\":[1],\"raw\":1}",
                   (struct expect){0, "/raw", "/oneOf/1/properties/raw/type",
                                   "must be of type boolean, got integer 1"});
    {
        int noise = 0;
        for (size_t i = 0; i < cardc_result_error_count(f.result); i++)
            noise |= strstr(cardc_result_error(f.result, i)->keyword_location, "/oneOf/0/") != NULL;
        CHECK_MSG(!noise, "errors of the binary branch reported for an object payload");
    }

    content_length_cases(&f);

    /* max_tokens is an integer. */
    expect_payload(&f, "max_tokens 5", "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":5}",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "max_tokens 5.0", "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":5.0}",
                   (struct expect){1, NULL, NULL, NULL});
    expect_payload(&f, "max_tokens 5.5", "{\"prompt\":\"p\",\"image\":[1],\"max_tokens\":5.5}",
                   (struct expect){0, "/max_tokens", "/oneOf/1/properties/max_tokens/type",
                                   "must be of type integer, got number 5.5"});

    /* A wrong type at each property. */
    static const struct {
        const char *payload, *instance, *keyword;
    } wrong[] = {
        {"{\"image\":[1],\"temperature\":\"hot\"}", "/temperature", "/properties/temperature/type"},
        {"{\"image\":[1],\"prompt\":1}", "/prompt", "/properties/prompt/type"},
        {"{\"image\":[1],\"raw\":\"no\"}", "/raw", "/properties/raw/type"},
        {"{\"image\":[1],\"messages\":{}}", "/messages", "/properties/messages/type"},
        {"{\"image\":[1],\"messages\":[\"hi\"]}", "/messages/0", "/properties/messages/items/type"},
        {"{\"image\":[1],\"messages\":[{\"role\":1,\"content\":\"c\"}]}", "/messages/0/role",
         "/items/properties/role/type"},
        {"{\"image\":[1],\"messages\":[{\"role\":\"user\",\"content\":null}]}",
         "/messages/0/content", "/items/properties/content/type"},
        {"{\"image\":true}", "/image", "/properties/image/oneOf"},
        {"{\"image\":[1],\"max_tokens\":\"512\"}", "/max_tokens", "/properties/max_tokens/type"},
    };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++)
        expect_payload(&f, wrong[i].payload, wrong[i].payload,
                       (struct expect){0, wrong[i].instance, wrong[i].keyword, NULL});

    /* Required image; required role and content in messages. */
    expect_payload(
        &f, "missing image", "{\"prompt\":\"p\"}",
        (struct expect){0, "", "/oneOf/1/required", "must have required property \"image\""});
    expect_payload(&f, "missing content", "{\"messages\":[{\"role\":\"user\"}],\"image\":[1]}",
                   (struct expect){0, "/messages/0", "/items/required",
                                   "must have required property \"content\""});

    defaults_cases(&f);

    cardc_result_free(f.result);
    cardc_schema_free(f.schema);
    cardc_card_free(card);
    return check_summary();
}
