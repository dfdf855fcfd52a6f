/* SPDX-License-Identifier: MIT */
/* Unit tests of the validator: messages, oneOf reporting, errorMessage,
 * defaults, limits, output formats. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/schema.h"

#include "check.h"

/* The seed card's input schema (schemas/llava-1.5-7b-hf.md). */
static const char *seed_schema =
    "{\"oneOf\":[{\"type\":\"string\",\"format\":\"binary\"},{\"type\":\"object\","
    "\"properties\":{\"temperature\":{\"type\":\"number\"},\"prompt\":{\"type\":\"string\"},"
    "\"raw\":{\"type\":\"boolean\",\"default\":false},\"messages\":{\"type\":\"array\","
    "\"items\":{\"type\":\"object\",\"properties\":{\"role\":{\"type\":\"string\"},"
    "\"content\":{\"type\":\"string\",\"maxLength\":6144}},\"required\":[\"role\",\"content\"]}},"
    "\"image\":{\"oneOf\":[{\"type\":\"array\",\"items\":{\"type\":\"number\"}},{\"type\":"
    "\"string\",\"format\":\"binary\"}]},\"max_tokens\":{\"type\":\"integer\",\"default\":512}},"
    "\"required\":[\"image\"],\"not\":{\"required\":[\"prompt\",\"messages\"]},"
    "\"errorMessage\":{\"not\":\"\\\"prompt\\\" and \\\"messages\\\" are mutually exclusive\"}}]}";

static cardc_schema *compile(const char *text, cardc_status *st, cardc_error *err)
{
    struct json_object *doc = json_tokener_parse(text);
    cardc_schema *s = NULL;
    cardc_error e;
    if (!err)
        err = &e;
    cardc_error_clear(err);
    if (!doc) {
        fprintf(stderr, "bad test JSON: %s\n", text);
        CHECK_FAIL();
        return NULL;
    }
    *st = cardc_schema_compile(doc, NULL, &s, err);
    json_object_put(doc);
    return s;
}

/* Validates and returns the status; the result holds the details. */
static cardc_status run(const char *schema, const char *inst, unsigned flags, cardc_result *r)
{
    cardc_status st;
    cardc_schema *s = compile(schema, &st, NULL);
    struct json_object *i = json_tokener_parse(inst);
    cardc_validate_options o;
    if (!s || st != CARDC_OK) {
        fprintf(stderr, "compile failed: %s\n", schema);
        CHECK_FAIL();
        json_object_put(i);
        return CARDC_E_SCHEMA;
    }
    cardc_validate_options_init(&o);
    o.flags = flags;
    st = cardc_validate(s, i, &o, r, NULL);
    json_object_put(i);
    cardc_schema_free(s);
    return st;
}

static const char *first_msg(const char *schema, const char *inst, cardc_result *r)
{
    if (run(schema, inst, 0, r) != CARDC_E_INVALID || !cardc_result_error_count(r))
        return NULL;
    return cardc_result_error(r, 0)->message;
}

static void test_messages(cardc_result *r)
{
    char *big = malloc(7000 + 16), *doc;
    memset(big, 'x', 7000 + 16);
    doc = big;
    doc[0] = '"';
    doc[7001] = '"';
    doc[7002] = '\0';
    CHECK_STR(first_msg("{\"maxLength\":6144}", doc, r),
              "must be at most 6144 characters, got 7000");
    free(big);
    CHECK_STR(first_msg("{\"minLength\":2}", "\"\xc3\xa9\"", r),
              "must be at least 2 characters, got 1");
    CHECK_STR(
        first_msg("{\"maxLength\":3}", "\"abcdefghijk\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80xyz\"", r),
        "must be at most 3 characters, got 17");
    CHECK_STR(first_msg("{\"type\":\"integer\"}", "5.5", r),
              "must be of type integer, got number 5.5");
    CHECK_STR(first_msg("{\"type\":[\"string\",\"null\"]}", "{}", r),
              "must be of type null or string, got object");
    CHECK_STR(first_msg("{\"required\":[\"image\"]}", "{}", r),
              "must have required property \"image\"");
    CHECK_STR(first_msg("{\"properties\":{\"a\":{}},\"additionalProperties\":false}",
                        "{\"a\":1,\"foo\":2}", r),
              "must not have additional property \"foo\"");
    CHECK_STR(cardc_result_error(r, 0)->instance_location, "");
    CHECK_STR(cardc_result_error(r, 0)->keyword_location, "/additionalProperties");
    CHECK_STR(first_msg("{\"enum\":[\"a\",\"b\"]}", "\"c\"", r),
              "must be one of \"a\", \"b\", got \"c\"");
    CHECK_STR(first_msg("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"boolean\"}]}", "1", r),
              "must match exactly one schema in oneOf, matched 0 of 2");
    CHECK_STR(first_msg("{\"oneOf\":[{\"type\":\"number\"},{\"minimum\":0}]}", "1", r),
              "must match exactly one schema in oneOf, matched 2 (branches 0 and 1)");
    CHECK(cardc_result_error_count(r) == 1);
    CHECK_STR(first_msg("{\"minimum\":3}", "1", r), "must be >= 3, got 1");
    CHECK_STR(first_msg("{\"exclusiveMaximum\":3}", "3", r), "must be < 3, got 3");
    CHECK_STR(first_msg("{\"multipleOf\":0.01}", "0.015", r),
              "must be a multiple of 0.01, got 0.015");
    CHECK_STR(first_msg("{\"not\":{\"type\":\"string\"}}", "\"a\"", r),
              "must not be valid against the schema in \"not\"");
    CHECK_STR(
        first_msg("{\"const\":\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\"}", "1", r),
        "must be equal to \"abcdefghijklmnopqrstuvwxyzabcdefghijklmn...\", got integer 1");
    CHECK_STR(first_msg("{\"maxItems\":1}", "[1,2]", r), "must have at most 1 item, got 2");
    CHECK_STR(first_msg("{\"minProperties\":2}", "{\"a\":1}", r),
              "must have at least 2 properties, got 1");
    CHECK_STR(first_msg("{\"uniqueItems\":true}", "[1,2,1.0]", r),
              "must not have duplicate items, items 0 and 2 are equal");
    {
        /* large arrays take the hashed path; 1 and 1.0 are equal, key order is not */
        char doc[4000];
        int k;
        strcpy(doc, "[");
        for (k = 0; k < 100; k++)
            sprintf(doc + strlen(doc), "{\"a\":%d,\"b\":[%d]},", k, k);
        strcat(doc, "{\"b\":[7.0],\"a\":7}]");
        CHECK_STR(first_msg("{\"uniqueItems\":true}", doc, r),
                  "must not have duplicate items, items 7 and 100 are equal");
        doc[strlen(doc) - 12] = '8';
        CHECK(run("{\"uniqueItems\":true}", doc, 0, r) == CARDC_OK);
    }
    CHECK_STR(first_msg("{\"pattern\":\"^a\"}", "\"b\"", r),
              "must match pattern \"^a\", got \"b\"");
    CHECK_STR(first_msg("{\"contains\":{\"type\":\"string\"}}", "[1]", r),
              "must contain at least 1 matching item, got 0");
    CHECK_STR(first_msg("{\"dependentRequired\":{\"a\":[\"b\"]},\"$schema\":\"https://"
                        "json-schema.org/draft/2020-12/schema\"}",
                        "{\"a\":1}", r),
              "must have property \"b\" when property \"a\" is present");
    CHECK(cardc_result_error(r, 0)->code == CARDC_V_DEPENDENT_REQUIRED);
    CHECK_STR(cardc_vcode_name(CARDC_V_MAX_LENGTH), "max-length");
    /* exact decimal multipleOf, big integers */
    CHECK(run("{\"multipleOf\":0.0001}", "0.0075", 0, r) == CARDC_OK);
    CHECK(run("{\"multipleOf\":0.1}", "0.3", 0, r) == CARDC_OK);
    CHECK(run("{\"multipleOf\":2}", "9007199254740993", 0, r) == CARDC_E_INVALID);
    CHECK(run("{\"type\":\"integer\",\"maximum\":18446744073709551615}", "18446744073709551615", 0,
              r) == CARDC_OK);
    CHECK(run("{\"type\":\"integer\",\"minimum\":9223372036854775807}", "9223372036854775806", 0,
              r) == CARDC_E_INVALID);
    /* escaping in locations */
    CHECK(run("{\"properties\":{\"~a/b\":{\"type\":\"number\"}}}", "{\"~a/b\":\"x\"}", 0, r) ==
          CARDC_E_INVALID);
    CHECK_STR(cardc_result_error(r, 0)->instance_location, "/~0a~1b");
    CHECK_STR(cardc_result_error(r, 0)->keyword_location, "/properties/~0a~1b/type");
    /* keyword location goes through $ref, absolute location does not */
    CHECK(
        run("{\"$id\":\"http://example.com/"
            "s\",\"$defs\":{\"p\":{\"minimum\":1}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/p\"}},"
            "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"}",
            "{\"a\":0}", 0, r) == CARDC_E_INVALID);
    CHECK_STR(cardc_result_error(r, 0)->keyword_location, "/properties/a/$ref/minimum");
    CHECK_STR(cardc_result_error(r, 0)->absolute_keyword_location,
              "http://example.com/s#/$defs/p/minimum");
}

/* The branches of a failing oneOf/anyOf whose "type" rejects the instance
 * are evaluated last and only when their errors can be the ones kept
 * (validate_apply.c, anyone_detail); nested oneOfs known to fail go
 * straight to their errors. Whichever way, the errors are those of the
 * closest branch, in branch order on ties. */
/* A unit's keywordLocation is the evaluation path, its absolute one the
 * schema location: equal but for '#' when no $ref is crossed (the
 * validator copies one from the other then), different through a $ref or
 * inside an $id even when both have the same length. */
static void test_keyword_locations(cardc_result *r)
{
    static const struct {
        const char *schema, *inst, *kl, *akl;
    } cases[] = {
        {"{\"properties\":{\"a\":{\"type\":\"string\"}}}", "{\"a\":1}", "/properties/a/type",
         "#/properties/a/type"},
        /* "/properties/a/$ref/type" is 23 bytes, "#/$defs/abcdefghijk/type" 24 */
        {"{\"properties\":{\"a\":{\"$ref\":\"#/$defs/abcdefghijk\"}},"
         "\"$defs\":{\"abcdefghijk\":{\"type\":\"string\"}}}",
         "{\"a\":1}", "/properties/a/$ref/type", "#/$defs/abcdefghijk/type"},
        {"{\"properties\":{\"a~b\":{\"type\":\"string\"}}}", "{\"a~b\":1}", "/properties/a~0b/type",
         "#/properties/a~0b/type"},
        {"{\"properties\":{\"a\":{\"$id\":\"http://x.test/a\",\"type\":\"string\"}}}", "{\"a\":1}",
         "/properties/a/type", "http://x.test/a#/type"},
        {"{\"$id\":\"http://x.test/r\",\"properties\":{\"a\":false}}", "{\"a\":1}", "/properties/a",
         "http://x.test/r#/properties/a"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(run(cases[i].schema, cases[i].inst, 0, r) == CARDC_E_INVALID);
        const cardc_unit *u = cardc_result_error(r, 0);
        CHECK(u != NULL);
        if (!u)
            continue;
        CHECK_STR(u->keyword_location, cases[i].kl);
        CHECK_STR(u->absolute_keyword_location, cases[i].akl);
    }
}

static void expect_errors(const char *schema, const char *inst, size_t max_errors,
                          const char *const *want, size_t nwant, bool truncated)
{
    cardc_status st;
    cardc_schema *s = compile(schema, &st, NULL);
    struct json_object *i = json_tokener_parse(inst);
    cardc_result *r = NULL;
    cardc_validate_options o;

    cardc_validate_options_init(&o);
    o.max_errors = max_errors;
    CHECK(s && i && cardc_result_new(&r, NULL) == CARDC_OK);
    if (s && i && r) {
        CHECK(cardc_validate(s, i, &o, r, NULL) == CARDC_E_INVALID);
        CHECK_MSG(cardc_result_error_count(r) == nwant, "%s on %s: %zu errors, want %zu", schema,
                  inst, cardc_result_error_count(r), nwant);
        for (size_t k = 0; k < nwant && k < cardc_result_error_count(r); k++)
            CHECK_STR(cardc_result_error(r, k)->keyword_location, want[k]);
        CHECK(cardc_result_truncated(r) == truncated);
    }
    cardc_result_free(r);
    json_object_put(i);
    cardc_schema_free(s);
}

static void test_branch_order(void)
{
    static const char typed[] = "{\"oneOf\":[{\"type\":\"string\",\"minLength\":2},"
                                "{\"type\":\"object\",\"required\":[\"a\",\"b\"]}]}";
    static const char *const closest[] = {"/oneOf", "/oneOf/1/required", "/oneOf/1/required"};
    static const char all_out[] = "{\"anyOf\":[{\"type\":\"array\",\"enum\":[1]},"
                                  "{\"type\":\"string\"},{\"type\":\"number\"}]}";
    static const char *const fewest[] = {"/anyOf", "/anyOf/1/type"};
    static const char nested[] =
        "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"object\",\"properties\":{\"image\":"
        "{\"oneOf\":[{\"type\":\"array\"},{\"type\":\"string\"}]}}}]}";
    static const char *const inner[] = {"/oneOf", "/oneOf/1/properties/image/oneOf",
                                        "/oneOf/1/properties/image/oneOf/0/type"};

    expect_errors(typed, "{}", 0, closest, 3, false);
    /* every branch fails on its type: the one with the fewest errors */
    expect_errors(all_out, "{}", 0, fewest, 2, false);
    expect_errors(nested, "{\"image\":{}}", 0, inner, 3, false);
    /* with room for one error, what branch order gives */
    expect_errors(typed, "{}", 1, closest, 1, true);
    expect_errors(nested, "{\"image\":{}}", 2, inner, 2, true);
}

static void test_seed(cardc_result *r)
{
    size_t i;
    int saw_prompt = 0;
    /* object payload: report the object branch, never "must be of type string" */
    CHECK(run(seed_schema, "{\"prompt\":5,\"image\":[1]}", 0, r) == CARDC_E_INVALID);
    CHECK_STR(cardc_result_error(r, 0)->keyword, "oneOf");
    for (i = 0; i < cardc_result_error_count(r); i++) {
        const cardc_unit *u = cardc_result_error(r, i);
        CHECK(strcmp(u->message, "must be of type string, got object") != 0);
        if (!strcmp(u->instance_location, "/prompt") &&
            !strcmp(u->message, "must be of type string, got integer 5"))
            saw_prompt = 1;
    }
    CHECK(saw_prompt);
    /* the seed's errorMessage for "not" */
    CHECK(run(seed_schema, "{\"prompt\":\"x\",\"messages\":[],\"image\":[1]}", 0, r) ==
          CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 2);
    CHECK_STR(cardc_result_error(r, 1)->message,
              "\"prompt\" and \"messages\" are mutually exclusive");
    CHECK_STR(cardc_result_error(r, 1)->keyword, "errorMessage");
    CHECK(cardc_result_error(r, 1)->code == CARDC_V_ERROR_MESSAGE);
    /* too long message content, error inside the object branch */
    {
        size_t n = 7000;
        char *doc = malloc(n + 100);
        strcpy(doc, "{\"image\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"");
        memset(doc + strlen(doc), 'a', n);
        strcpy(doc + strlen("{\"image\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"") + n,
               "\"}]}");
        CHECK(run(seed_schema, doc, 0, r) == CARDC_E_INVALID);
        CHECK(cardc_result_error_count(r) == 2);
        CHECK_STR(cardc_result_error(r, 1)->instance_location, "/messages/0/content");
        CHECK_STR(cardc_result_error(r, 1)->message, "must be at most 6144 characters, got 7000");
        CHECK_STR(cardc_result_error(r, 1)->keyword_location,
                  "/oneOf/1/properties/messages/items/properties/content/maxLength");
        free(doc);
    }
    CHECK(run(seed_schema, "\"binary-data\"", 0, r) == CARDC_OK);
}

static void test_error_message(cardc_result *r)
{
    CHECK(run("{\"type\":\"object\",\"required\":[\"a\"],\"errorMessage\":\"bad object\"}", "{}", 0,
              r) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 1);
    CHECK_STR(cardc_result_error(r, 0)->message, "bad object");
    CHECK_STR(cardc_result_error(r, 0)->keyword_location, "/errorMessage");
    CHECK(run("{\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"string\"}},"
              "\"required\":[\"c\",\"d\"],"
              "\"minProperties\":9,"
              "\"errorMessage\":{\"properties\":{\"a\":\"a must be a "
              "string\"},\"required\":{\"c\":\"c is needed\"},"
              "\"_\":\"something else is wrong\"}}",
              "{\"a\":1,\"b\":2}", 0, r) == CARDC_E_INVALID);
    {
        size_t i, n = cardc_result_error_count(r);
        int a = 0, c = 0, rest = 0;
        for (i = 0; i < n; i++) {
            const char *m = cardc_result_error(r, i)->message;
            a += !strcmp(m, "a must be a string");
            c += !strcmp(m, "c is needed");
            rest += !strcmp(m, "something else is wrong");
        }
        CHECK(a == 1 && c == 1 && rest == 1 && n == 3);
    }
    /* keyword map leaves other keywords alone */
    CHECK(run("{\"minimum\":5,\"multipleOf\":2,\"errorMessage\":{\"minimum\":\"too small\"}}", "3",
              0, r) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 2);
    CHECK_STR(cardc_result_error(r, 0)->message, "must be a multiple of 2, got 3");
    CHECK_STR(cardc_result_error(r, 1)->message, "too small");
}

static void test_defaults(cardc_result *r)
{
    cardc_status st;
    cardc_schema *s = compile(seed_schema, &st, NULL);
    struct json_object *i = json_tokener_parse("{\"prompt\":\"x\",\"image\":[1]}"), *v;
    CHECK(cardc_validate_apply_defaults(s, i, NULL, r, NULL) == CARDC_OK);
    CHECK(json_object_object_get_ex(i, "raw", &v) && json_object_is_type(v, json_type_boolean) &&
          !json_object_get_boolean(v));
    CHECK(json_object_object_get_ex(i, "max_tokens", &v) && json_object_get_int(v) == 512);
    json_object_put(i);
    /* no defaults from plain validation, nor on failure */
    i = json_tokener_parse("{\"prompt\":\"x\",\"image\":[1]}");
    CHECK(cardc_validate(s, i, NULL, r, NULL) == CARDC_OK);
    CHECK(!json_object_object_get_ex(i, "raw", NULL));
    json_object_put(i);
    i = json_tokener_parse("{\"prompt\":\"x\"}");
    CHECK(cardc_validate_apply_defaults(s, i, NULL, r, NULL) == CARDC_E_INVALID);
    CHECK(!json_object_object_get_ex(i, "raw", NULL));
    json_object_put(i);
    cardc_schema_free(s);
    /* only from the branch that matched */
    s = compile("{\"anyOf\":[{\"required\":[\"a\"],\"properties\":{\"x\":{\"default\":1}}},"
                "{\"required\":[\"b\"],\"properties\":{\"y\":{\"default\":{\"deep\":[1]}}}}]}",
                &st, NULL);
    i = json_tokener_parse("{\"b\":1}");
    CHECK(cardc_validate_apply_defaults(s, i, NULL, r, NULL) == CARDC_OK);
    CHECK(!json_object_object_get_ex(i, "x", NULL));
    CHECK(json_object_object_get_ex(i, "y", &v) && json_object_is_type(v, json_type_object));
    json_object_put(i);
    cardc_schema_free(s);
}

static struct json_object *deep_array(int depth)
{
    struct json_object *a = json_object_new_array();
    int k;
    for (k = 1; k < depth; k++) {
        struct json_object *o = json_object_new_array();
        json_object_array_add(o, a);
        a = o;
    }
    return a;
}

struct deep_job {
    cardc_schema *s;
    struct json_object *a;
    cardc_status st;
};

static void *deep_validate(void *arg)
{
    struct deep_job *j = arg;
    cardc_validate_options o;
    cardc_validate_options_init(&o);
    o.max_depth = 1000000;
    j->st = cardc_validate(j->s, j->a, &o, NULL, NULL);
    return NULL;
}

static void test_limits(cardc_result *r)
{
    cardc_status st;
    cardc_error err;
    cardc_schema *s = compile("{\"items\":{\"$ref\":\"#\"}}", &st, NULL);
    struct json_object *a = deep_array(10000);
    cardc_validate_options o;

    CHECK(cardc_validate(s, a, NULL, r, NULL) == CARDC_OK);
    json_object_put(a);
    a = deep_array(10005);
    cardc_error_clear(&err);
    CHECK(cardc_validate(s, a, NULL, r, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "nested") != NULL);
    json_object_put(a);
    /* deeper than the thread's stack allows: a limit error, not a crash
     * (a thread with a 256 KB stack, which 50,000 levels exceed whatever
     * a level costs) */
    {
        struct deep_job job = {s, deep_array(50000), CARDC_OK};
        pthread_attr_t attr;
        pthread_t th;
        CHECK(pthread_attr_init(&attr) == 0);
        CHECK(pthread_attr_setstacksize(&attr, 256u << 10) == 0);
        CHECK(pthread_create(&th, &attr, deep_validate, &job) == 0);
        pthread_join(th, NULL);
        pthread_attr_destroy(&attr);
        CHECK(job.st == CARDC_E_LIMIT);
        json_object_put(job.a);
    }
    a = deep_array(50);
    cardc_validate_options_init(&o);
    o.max_depth = 10;
    CHECK(cardc_validate(s, a, &o, r, NULL) == CARDC_E_LIMIT);
    json_object_put(a);
    cardc_schema_free(s);

    /* recursion without progress */
    s = compile("{\"$ref\":\"#\"}", &st, NULL);
    a = json_tokener_parse("{}");
    cardc_error_clear(&err);
    CHECK(cardc_validate(s, a, NULL, r, &err) == CARDC_E_LIMIT);
    cardc_schema_free(s);
    s = compile("{\"$schema\":\"https://json-schema.org/draft/2020-12/"
                "schema\",\"anyOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#\"}]}",
                &st, NULL);
    CHECK(cardc_validate(s, a, NULL, r, NULL) == CARDC_E_LIMIT);
    cardc_schema_free(s);
    json_object_put(a);

    /* cyclic references */
    s = compile(
        "{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
        "\"b\":{\"$ref\":\"#/definitions/a\"}}}",
        &st, NULL);
    CHECK(s != NULL);
    a = json_tokener_parse("[1]");
    CHECK(cardc_validate(s, a, NULL, r, NULL) == CARDC_E_LIMIT);
    json_object_put(a);
    cardc_schema_free(s);

    /* exponential branching without instance progress: a limit, not a hang */
    {
        char doc[8000];
        int k;
        strcpy(doc, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
        for (k = 0; k < 40; k++)
            sprintf(doc + strlen(doc),
                    "%s\"d%d\":{\"allOf\":[{\"$ref\":\"#/$defs/d%d\"},{\"$ref\":\"#/$defs/d%d\"}]}",
                    k ? "," : "", k, k + 1, k + 1);
        strcat(doc, ",\"d40\":{\"type\":\"integer\"}}}");
        s = compile(doc, &st, NULL);
        CHECK(s != NULL);
        a = json_tokener_parse("1");
        cardc_error_clear(&err);
        CHECK(cardc_validate(s, a, NULL, r, &err) == CARDC_E_LIMIT);
        CHECK(strstr(err.message, "budget") != NULL);
        json_object_put(a);
        cardc_schema_free(s);
    }

    /* unresolvable ref: compile-time error naming the ref and its pointer */
    s = compile("{\"properties\":{\"a\":{\"$ref\":\"http://nowhere.example/x.json#/y\"}}}", &st,
                &err);
    CHECK(s == NULL && st == CARDC_E_REF);
    CHECK(strstr(err.message, "http://nowhere.example/x.json#/y") != NULL);
    CHECK_STR(err.pointer, "/properties/a/$ref");
    /* even in an unused definition */
    s = compile("{\"definitions\":{\"u\":{\"$ref\":\"#/definitions/missing\"}}}", &st, &err);
    CHECK(s == NULL && st == CARDC_E_REF);
    /* invalid pattern */
    s = compile("{\"properties\":{\"a\":{\"pattern\":\"(\"}}}", &st, &err);
    CHECK(s == NULL && st == CARDC_E_REGEX);
    CHECK_STR(err.pointer, "/properties/a/pattern");

    /* regex limit -> CARDC_E_LIMIT naming the pattern and location */
    {
        struct json_object *doc =
            json_tokener_parse("{\"properties\":{\"s\":{\"pattern\":\"^(a+)+$\"}}}");
        cardc_schema_options so;
        char inst[200];
        cardc_schema_options_init(&so);
        so.regex_match_limit = 1000;
        CHECK(cardc_schema_compile(doc, &so, &s, NULL) == CARDC_OK);
        json_object_put(doc);
        strcpy(inst, "{\"s\":\"");
        memset(inst + 6, 'a', 40);
        strcpy(inst + 46, "b\"}");
        a = json_tokener_parse(inst);
        cardc_error_clear(&err);
        CHECK(cardc_validate(s, a, NULL, r, &err) == CARDC_E_LIMIT);
        CHECK(strstr(err.message, "regex limit") && strstr(err.message, "^(a+)+$") &&
              strstr(err.message, "/s"));
        CHECK(cardc_result_error_count(r) == 1 &&
              cardc_result_error(r, 0)->code == CARDC_V_REGEX_LIMIT);
        CHECK_STR(err.pointer, "/s");
        CHECK_STR(cardc_result_error(r, 0)->instance_location, "/s");
        json_object_put(a);
        cardc_schema_free(s);
    }

    /* max_errors */
    s = compile("{\"items\":{\"type\":\"string\"}}", &st, NULL);
    a = json_tokener_parse("[1,2,3,4,5]");
    cardc_validate_options_init(&o);
    o.max_errors = 2;
    CHECK(cardc_validate(s, a, &o, r, NULL) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 2 && cardc_result_truncated(r));
    o.max_errors = 0;
    /* fast mode: the verdict only, no error built; err still says invalid */
    o.flags = CARDC_VALIDATE_FAST;
    cardc_error_clear(&err);
    CHECK(cardc_validate(s, a, &o, r, &err) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 0 && !cardc_result_valid(r));
    CHECK(err.code == CARDC_E_INVALID && err.message[0]);
    CHECK(cardc_validate(s, a, NULL, NULL, NULL) == CARDC_E_INVALID);
    json_object_put(a);
    cardc_schema_free(s);

    /* invalid UTF-8 in a string built through the API */
    s = compile("{\"maxLength\":10}", &st, NULL);
    a = json_object_new_string_len("abcdefghijklmnop\xff", 17);
    CHECK(cardc_validate(s, a, NULL, r, NULL) == CARDC_E_INVALID);
    CHECK(cardc_result_error(r, 0) && cardc_result_error(r, 0)->code == CARDC_V_INVALID_UTF8);
    json_object_put(a);
    cardc_schema_free(s);
}

static void test_registry(cardc_result *r)
{
    cardc_registry *reg = NULL;
    cardc_schema_options so;
    cardc_schema *s = NULL;
    cardc_error err;
    struct json_object *doc = json_tokener_parse(
        "{\"$id\":\"http://example.com/"
        "root.json\",\"$defs\":{\"e\":{\"$id\":\"embedded.json\",\"type\":\"string\"}}}");
    struct json_object *schema =
        json_tokener_parse("{\"properties\":{\"a\":{\"$ref\":\"http://example.com/"
                           "embedded.json\"},\"b\":{\"$ref\":\"other.json\"}}}");
    struct json_object *other = json_tokener_parse("{\"minimum\":10}");
    struct json_object *inst = json_tokener_parse("{\"a\":1,\"b\":5}");

    cardc_error_clear(&err);
    CHECK(cardc_registry_new(&reg, &err) == CARDC_OK);
    CHECK(cardc_registry_add(reg, "http://example.com/root.json", doc, &err) == CARDC_OK);
    CHECK(cardc_registry_add(reg, "http://example.com/schemas/other.json", other, &err) ==
          CARDC_OK);
    json_object_put(doc);
    json_object_put(other);
    cardc_schema_options_init(&so);
    so.registry = reg;
    so.base_uri = "http://example.com/schemas/main.json";
    CHECK(cardc_schema_compile(schema, &so, &s, &err) == CARDC_OK);
    cardc_registry_free(reg); /* the compiled schema keeps what it needs */
    CHECK(cardc_validate(s, inst, NULL, r, NULL) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 2);
    CHECK_STR(cardc_result_error(r, 0)->absolute_keyword_location,
              "http://example.com/embedded.json#/type");
    CHECK_STR(cardc_result_error(r, 1)->absolute_keyword_location,
              "http://example.com/schemas/other.json#/minimum");
    CHECK(cardc_schema_dialect(s) == CARDC_DIALECT_DRAFT7);
    /* The documents it reached, for bundling: the root, then both registered ones. */
    {
        const struct json_object *d = NULL;
        bool builtin = true;
        CHECK(cardc_schema_document_count(s) == 3);
        CHECK_STR(cardc_schema_document(s, 0, &d, &builtin),
                  "http://example.com/schemas/main.json");
        CHECK(d == schema && !builtin);
        CHECK_STR(cardc_schema_document(s, 1, NULL, &builtin), "http://example.com/root.json");
        CHECK(!builtin);
        CHECK_STR(cardc_schema_document(s, 2, NULL, NULL), "http://example.com/schemas/other.json");
        CHECK(cardc_schema_document(s, 3, NULL, NULL) == NULL);
    }
    cardc_schema_free(s);
    s = compile("{\"$ref\":\"http://json-schema.org/draft-07/schema#\"}", &(cardc_status){0}, NULL);
    {
        bool builtin = false;
        CHECK(s && cardc_schema_document_count(s) == 2);
        CHECK_STR(cardc_schema_document(s, 1, NULL, &builtin),
                  "http://json-schema.org/draft-07/schema");
        CHECK(builtin);
    }
    cardc_schema_free(s);
    json_object_put(schema);
    json_object_put(inst);
    CHECK(cardc_dialect_from_name("2020-12") == CARDC_DIALECT_2020_12);
    CHECK(cardc_dialect_from_name("draft-07") == CARDC_DIALECT_DRAFT7);
    CHECK(cardc_dialect_from_name("nope") == CARDC_DIALECT_AUTO);
    CHECK_STR(cardc_dialect_name(CARDC_DIALECT_2019_09), "2019-09");
}

static void test_reuse_and_output(cardc_result *r)
{
    struct json_object *out, *v, *errs;
    CHECK(run("{\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":3}]}}}",
              "{\"a\":1}", 0, r) == CARDC_E_INVALID);
    CHECK(!cardc_result_valid(r));
    CHECK(cardc_result_error_count(r) == 2);
    CHECK(cardc_result_output(r, CARDC_OUTPUT_FLAG, &out, NULL) == CARDC_OK);
    CHECK(json_object_object_get_ex(out, "valid", &v) && !json_object_get_boolean(v));
    CHECK(json_object_object_length(out) == 1);
    json_object_put(out);
    CHECK(cardc_result_output(r, CARDC_OUTPUT_BASIC, &out, NULL) == CARDC_OK);
    CHECK(json_object_object_get_ex(out, "errors", &errs) && json_object_array_length(errs) == 2);
    json_object_put(out);
    CHECK(cardc_result_output(r, CARDC_OUTPUT_DETAILED, &out, NULL) == CARDC_OK);
    /* detailed: the anyOf error carries the branch error nested */
    CHECK(json_object_object_get_ex(out, "errors", &errs) && json_object_array_length(errs) == 1);
    v = json_object_array_get_idx(errs, 0);
    CHECK(json_object_object_get_ex(v, "errors", &errs) && json_object_array_length(errs) == 1);
    json_object_put(out);
    /* reuse: a valid run clears the previous errors */
    CHECK(run("{\"title\":\"t\"}", "1", CARDC_VALIDATE_ANNOTATIONS, r) == CARDC_OK);
    CHECK(cardc_result_valid(r) && cardc_result_error_count(r) == 0);
    CHECK(cardc_result_annotation_count(r) == 1);
    CHECK_STR(cardc_result_annotation(r, 0)->keyword, "title");
    CHECK_STR(
        json_object_get_string((struct json_object *)cardc_result_annotation(r, 0)->annotation),
        "t");
    /* annotations of failing subschemas are dropped */
    CHECK(run("{\"anyOf\":[{\"title\":\"no\",\"type\":\"string\"},{\"title\":\"yes\"}]}", "1",
              CARDC_VALIDATE_ANNOTATIONS, r) == CARDC_OK);
    CHECK(cardc_result_annotation_count(r) == 1);
    CHECK_STR(cardc_result_annotation(r, 0)->keyword_location, "/anyOf/1/title");
    /* "if" keeps its annotations when it passes; "not" never has any */
    CHECK(run("{\"if\":{\"title\":\"cond\"},\"then\":{\"description\":\"d\"},\"not\":{\"title\":"
              "\"n\",\"type\":\"string\"}}",
              "1", CARDC_VALIDATE_ANNOTATIONS, r) == CARDC_OK);
    CHECK(cardc_result_annotation_count(r) == 2);
    CHECK_STR(cardc_result_annotation(r, 0)->keyword_location, "/if/title");
    CHECK_STR(cardc_result_annotation(r, 1)->keyword_location, "/then/description");
}

/* One compiled schema, several threads, each with its own result. */
struct worker {
    const cardc_schema *s;
    int bad;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    cardc_result *r = NULL;
    int k;
    cardc_result_new(&r, NULL);
    for (k = 0; k < 300; k++) {
        struct json_object *i =
            json_tokener_parse(k % 2 ? "{\"prompt\":5,\"image\":[1],\"messages\":[]}"
                                     : "{\"prompt\":\"x\",\"image\":[1]}");
        cardc_validate_options o;
        cardc_status st;
        cardc_validate_options_init(&o);
        o.flags = CARDC_VALIDATE_ANNOTATIONS;
        st = cardc_validate_apply_defaults(w->s, i, &o, r, NULL);
        if (k % 2 ? (st != CARDC_E_INVALID || cardc_result_error_count(r) != 3)
                  : (st != CARDC_OK || !json_object_object_get_ex(i, "max_tokens", NULL)))
            w->bad++;
        json_object_put(i);
    }
    cardc_result_free(r);
    return NULL;
}

static void test_threads(void)
{
    cardc_status st;
    struct worker w[4];
    pthread_t th[4];
    int k;
    cardc_schema *s = compile(seed_schema, &st, NULL);
    for (k = 0; k < 4; k++) {
        w[k].s = s;
        w[k].bad = 0;
        CHECK(pthread_create(&th[k], NULL, work, &w[k]) == 0);
    }
    for (k = 0; k < 4; k++) {
        pthread_join(th[k], NULL);
        CHECK(w[k].bad == 0);
    }
    cardc_schema_free(s);
}

/* The four ways in agree on instance (valid as expected): cardc_validate
 * and cardc_validate_text, exhaustive and fast; the two exhaustive runs
 * give the same errors, the text's with positions. */
static void agree(const char *schema, const char *instance, int valid)
{
    cardc_status st;
    cardc_schema *s = compile(schema, &st, NULL);
    struct json_object *tree = json_tokener_parse(instance);
    cardc_result *r1 = NULL, *r2 = NULL;
    cardc_validate_options fast;
    cardc_status want = valid ? CARDC_OK : CARDC_E_INVALID;

    cardc_validate_options_init(&fast);
    fast.flags = CARDC_VALIDATE_FAST;
    cardc_result_new(&r1, NULL);
    cardc_result_new(&r2, NULL);
    CHECK_MSG(s && cardc_validate(s, tree, NULL, r1, NULL) == want, "%s on %s", schema, instance);
    CHECK_MSG(s && cardc_validate(s, tree, &fast, NULL, NULL) == want, "fast: %s on %s", schema,
              instance);
    CHECK_MSG(s && cardc_validate_text(s, instance, strlen(instance), &fast, NULL, NULL) == want,
              "text fast: %s on %s", schema, instance);
    CHECK_MSG(s && cardc_validate_text(s, instance, strlen(instance), NULL, r2, NULL) == want,
              "text: %s on %s", schema, instance);
    CHECK(cardc_result_error_count(r1) == cardc_result_error_count(r2));
    for (size_t i = 0; i < cardc_result_error_count(r1); i++) {
        const cardc_unit *a = cardc_result_error(r1, i), *b = cardc_result_error(r2, i);
        CHECK(a && b && !strcmp(a->message, b->message) &&
              !strcmp(a->instance_location, b->instance_location) &&
              !strcmp(a->keyword_location, b->keyword_location) && b->line > 0 && a->line == 0);
    }
    cardc_result_free(r1);
    cardc_result_free(r2);
    json_object_put(tree);
    cardc_schema_free(s);
}

/* What the fast programs do differently (compile_fast.c): tagged unions,
 * the fused object keywords, required by bits, references looked through,
 * leaf nodes; each must give the instruction lists' verdicts. */
static void test_fast_programs(void)
{
    static const char *const tagged =
        "{\"oneOf\":[{\"$ref\":\"#/definitions/a\"},{\"$ref\":\"#/definitions/b\"},"
        "{\"properties\":{\"kind\":{\"const\":3},\"n\":{\"type\":\"integer\"}}}],"
        "\"definitions\":{\"a\":{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"a\"},"
        "\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]},"
        "\"b\":{\"properties\":{\"kind\":{\"const\":\"b\",\"type\":\"string\"}},"
        "\"additionalProperties\":false}}}";
    static const char *const object =
        "{\"properties\":{\"p\":{\"type\":\"integer\"},\"q\":{\"enum\":[1,\"1\",[1],{\"a\":1},"
        "null,true,1.5,\"x\",\"y\",\"z\"]}},\"patternProperties\":{\"^x-\":{\"type\":\"string\"},"
        "\"[0-9]$\":{\"minimum\":0}},\"additionalProperties\":{\"type\":\"boolean\"},"
        "\"required\":[\"p\",\"r\"]}";
    agree(tagged, "{\"kind\":\"a\",\"x\":\"s\"}", 1);
    agree(tagged, "{\"kind\":\"a\"}", 0);
    agree(tagged, "{\"kind\":\"b\"}", 1);
    agree(tagged, "{\"kind\":\"b\",\"y\":1}", 0);
    agree(tagged, "{\"kind\":3.0,\"n\":4}", 1);
    agree(tagged, "{\"kind\":\"c\"}", 0);
    agree(tagged, "{\"x\":\"s\"}", 0); /* no tag: every branch tried (a and c match) */
    agree(tagged, "5", 0);             /* not an object: b and c both pass */
    agree(tagged, "\"a\"", 0);
    agree(object, "{\"p\":1,\"r\":true}", 1);
    agree(object, "{\"p\":1}", 0);
    agree(object, "{\"p\":1.0,\"r\":false,\"q\":{\"a\":1.0},\"x-a\":\"s\",\"a9\":3}", 1);
    agree(object, "{\"p\":1,\"r\":false,\"x-9\":\"s\"}", 1); /* both patterns */
    agree(object, "{\"p\":1,\"r\":false,\"x-9\":-1}", 0);
    agree(object, "{\"p\":1,\"r\":false,\"a9\":-1}", 0);
    agree(object, "{\"p\":1,\"r\":false,\"q\":2}", 0);
    agree(object, "{\"p\":1,\"r\":1}", 0);
    agree(object, "{\"p\":1,\"r\":true,\"r\":2}", 0); /* the last value */
    agree(object, "[1]", 1);
    /* more required names than a bit set holds: the plain instruction */
    {
        char schema[4096], inst[4096];
        size_t a = 0, b = 0;
        a += (size_t)snprintf(schema + a, sizeof schema - a, "{\"required\":[");
        b += (size_t)snprintf(inst + b, sizeof inst - b, "{");
        for (int i = 0; i < 70; i++) {
            a += (size_t)snprintf(schema + a, sizeof schema - a, "%s\"k%d\"", i ? "," : "", i);
            b += (size_t)snprintf(inst + b, sizeof inst - b, "%s\"k%d\":%d", i ? "," : "", i, i);
        }
        snprintf(schema + a, sizeof schema - a,
                 "],\"properties\":{\"k1\":{\"type\":\"integer\"}}}");
        snprintf(inst + b, sizeof inst - b, "}");
        agree(schema, inst, 1);
        inst[b - 1] = '\0';
        strcat(inst, ",\"k1\":\"s\"}");
        agree(schema, inst, 0);
        agree(schema, "{\"k1\":1}", 0);
    }
    /* chains of references, a cycle, leaves */
    agree("{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
          "\"b\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}",
          "[[],[[[]]]]", 1);
    agree("{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
          "\"b\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}",
          "[[],[[1]]]", 0);
    agree("{\"items\":{\"type\":\"integer\",\"maximum\":200}}", "[1,2,255]", 0);
    agree("{\"items\":{\"type\":\"integer\",\"maximum\":255}}", "[1,2,255]", 1);
    agree("{\"items\":[{\"const\":1}],\"additionalItems\":false}", "[1]", 1);
    agree("{\"items\":[{\"const\":1}],\"additionalItems\":false}", "[1,2]", 0);
    agree("{\"contains\":{\"const\":7}}", "[1,2,7]", 1);
    agree("{\"not\":{\"required\":[\"a\",\"b\"]}}", "{\"a\":1,\"b\":2}", 0);
    agree("{\"if\":{\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]},"
          "\"else\":{\"required\":[\"c\"]}}",
          "{\"c\":1}", 1);
    agree("{\"propertyNames\":{\"pattern\":\"^[a-z]+$\"}}", "{\"ab\":1,\"Cd\":2}", 0);
}

int main(void)
{
    test_branch_order();
    cardc_result *r = NULL;
    CHECK(cardc_result_new(&r, NULL) == CARDC_OK);
    test_messages(r);
    test_keyword_locations(r);
    test_seed(r);
    test_error_message(r);
    test_defaults(r);
    test_limits(r);
    test_reuse_and_output(r);
    test_registry(r);
    test_threads();
    test_fast_programs();
    cardc_result_free(r);
    return check_summary();
}
