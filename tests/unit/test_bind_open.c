/* SPDX-License-Identifier: MIT */
/* No silent data loss in decoding (issue 10, point 5), on hand-written
 * descriptors shaped as `cardc gen` emits them: open objects keep the
 * members their schema does not name (cardc_members, or a typed map when
 * additionalProperties is a schema) and encode writes them back after the
 * declared ones, in document order; anyOf keeps the branch with the most
 * declared members present. Every rejection is the validator's. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/cardc.h"

#include "check.h"

static const char open_schema_json[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"open\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
    "\"maxProperties\":3},"
    "\"typed\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
    "\"additionalProperties\":{\"type\":\"integer\",\"minimum\":0}},"
    "\"pick\":{\"anyOf\":["
    "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}}},"
    "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},\"y\":{\"type\":"
    "\"string\"}}}]}}}";

static const char *const open_schema_parts[] = {open_schema_json, NULL};
static const cardc_schema_text open_schema = {
    open_schema_parts, "open.json", CARDC_DIALECT_AUTO, 0, NULL, 0};

typedef struct open_obj {
    bool has_a;
    int64_t a;
    cardc_members additional;
} open_obj;
typedef struct typed_add_entry {
    cardc_string key;
    int64_t value;
} typed_add_entry;
typedef struct typed_add {
    typed_add_entry *items;
    size_t count;
} typed_add;
typedef struct typed_obj {
    bool has_a;
    int64_t a;
    typed_add additional;
} typed_obj;
typedef struct pick_x {
    bool has_x;
    int64_t x;
    cardc_members additional;
} pick_x;
typedef struct pick_xy {
    bool has_x;
    int64_t x;
    bool has_y;
    cardc_string y;
    cardc_members additional;
} pick_xy;
typedef struct pick_u {
    int kind;
    union {
        pick_x x;
        pick_xy xy;
    } u;
} pick_u;
typedef struct opens {
    bool has_open;
    open_obj open;
    bool has_typed;
    typed_obj typed;
    bool has_pick;
    pick_u pick;
    cardc_members additional;
} opens;

#define INT_TYPE(name, ptr)                                  \
    static const cardc_type name = {.kind = CARDC_KIND_INT,  \
                                    .c_name = "int64_t",     \
                                    .pointer = ptr,          \
                                    .size = sizeof(int64_t), \
                                    .schema = &open_schema}
INT_TYPE(open_a_type, "/properties/open/properties/a");
INT_TYPE(typed_a_type, "/properties/typed/properties/a");
INT_TYPE(x_type, "/properties/pick/anyOf/0/properties/x");
INT_TYPE(xy_x_type, "/properties/pick/anyOf/1/properties/x");

static const cardc_check open_checks[] = {
    {.op = CARDC_CHECK_MAX_PROPERTIES, .count = 3, .keyword = "/properties/open/maxProperties"}};
static const cardc_field open_fields[] = {{"a", 1, offsetof(open_obj, a), offsetof(open_obj, has_a),
                                           0, &open_a_type, NULL, false, false}};
static const cardc_type open_type = {.kind = CARDC_KIND_OBJECT,
                                     .c_name = "open_obj",
                                     .pointer = "/properties/open",
                                     .size = sizeof(open_obj),
                                     .checks = open_checks,
                                     .check_count = 1,
                                     .fields = open_fields,
                                     .field_count = 1,
                                     .schema = &open_schema,
                                     .additional = &cardc_members_type,
                                     .additional_offset = offsetof(open_obj, additional)};

static const cardc_check add_checks[] = {
    {.op = CARDC_CHECK_MINIMUM,
     .number = 0,
     .keyword = "/properties/typed/additionalProperties/minimum"}};
static const cardc_type add_value_type = {.kind = CARDC_KIND_INT,
                                          .c_name = "int64_t",
                                          .pointer = "/properties/typed/additionalProperties",
                                          .size = sizeof(int64_t),
                                          .checks = add_checks,
                                          .check_count = 1,
                                          .schema = &open_schema};
static const cardc_type typed_add_type = {.kind = CARDC_KIND_MAP,
                                          .c_name = "typed_add",
                                          .pointer = "/properties/typed/additionalProperties",
                                          .size = sizeof(typed_add),
                                          .item = &add_value_type,
                                          .entry_size = sizeof(typed_add_entry),
                                          .entry_value_offset = offsetof(typed_add_entry, value),
                                          .schema = &open_schema};
static const cardc_field typed_fields[] = {{"a", 1, offsetof(typed_obj, a),
                                            offsetof(typed_obj, has_a), 0, &typed_a_type, NULL,
                                            false, false}};
static const cardc_type typed_type = {.kind = CARDC_KIND_OBJECT,
                                      .c_name = "typed_obj",
                                      .pointer = "/properties/typed",
                                      .size = sizeof(typed_obj),
                                      .fields = typed_fields,
                                      .field_count = 1,
                                      .schema = &open_schema,
                                      .additional = &typed_add_type,
                                      .additional_offset = offsetof(typed_obj, additional)};

static const cardc_field x_fields[] = {
    {"x", 1, offsetof(pick_x, x), offsetof(pick_x, has_x), 0, &x_type, NULL, false, false}};
static const cardc_type pick_x_type = {.kind = CARDC_KIND_OBJECT,
                                       .c_name = "pick_x",
                                       .pointer = "/properties/pick/anyOf/0",
                                       .size = sizeof(pick_x),
                                       .fields = x_fields,
                                       .field_count = 1,
                                       .schema = &open_schema,
                                       .additional = &cardc_members_type,
                                       .additional_offset = offsetof(pick_x, additional)};
static const cardc_type y_type = {.kind = CARDC_KIND_STRING,
                                  .c_name = "cardc_string",
                                  .pointer = "/properties/pick/anyOf/1/properties/y",
                                  .size = sizeof(cardc_string),
                                  .schema = &open_schema};
static const cardc_field xy_fields[] = {
    {"x", 1, offsetof(pick_xy, x), offsetof(pick_xy, has_x), 0, &xy_x_type, NULL, false, false},
    {"y", 1, offsetof(pick_xy, y), offsetof(pick_xy, has_y), 0, &y_type, NULL, false, false}};
static const cardc_type pick_xy_type = {.kind = CARDC_KIND_OBJECT,
                                        .c_name = "pick_xy",
                                        .pointer = "/properties/pick/anyOf/1",
                                        .size = sizeof(pick_xy),
                                        .fields = xy_fields,
                                        .field_count = 2,
                                        .schema = &open_schema,
                                        .additional = &cardc_members_type,
                                        .additional_offset = offsetof(pick_xy, additional)};
static const cardc_branch pick_branches[] = {{"X", &pick_x_type}, {"XY", &pick_xy_type}};
static const cardc_type pick_type = {.kind = CARDC_KIND_UNION,
                                     .c_name = "pick_u",
                                     .pointer = "/properties/pick",
                                     .size = sizeof(pick_u),
                                     .branches = pick_branches,
                                     .branch_count = 2,
                                     .union_offset = offsetof(pick_u, u),
                                     .schema = &open_schema};

static const cardc_field opens_fields[] = {
    {"open", 4, offsetof(opens, open), offsetof(opens, has_open), 0, &open_type, NULL, false,
     false},
    {"typed", 5, offsetof(opens, typed), offsetof(opens, has_typed), 0, &typed_type, NULL, false,
     false},
    {"pick", 4, offsetof(opens, pick), offsetof(opens, has_pick), 0, &pick_type, NULL, false,
     false}};
static const cardc_type opens_type = {.kind = CARDC_KIND_OBJECT,
                                      .c_name = "opens",
                                      .pointer = "",
                                      .size = sizeof(opens),
                                      .fields = opens_fields,
                                      .field_count = 3,
                                      .schema = &open_schema,
                                      .additional = &cardc_members_type,
                                      .additional_offset = offsetof(opens, additional)};

/* ---- helpers ---- */

static cardc_schema *reference_schema(void)
{
    struct json_object *doc = NULL;
    cardc_schema *s = NULL;
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_json_parse(open_schema_json, strlen(open_schema_json), "open.json", 0, &doc, &err) !=
            CARDC_OK ||
        cardc_schema_compile(doc, NULL, &s, &err) != CARDC_OK) {
        fprintf(stderr, "FAIL: cannot compile the test schema: %s\n", err.message);
        exit(1);
    }
    json_object_put(doc);
    return s;
}

/* The validator's verdict on text: 1 valid, 0 invalid; *pointer gets its
 * first error's instance location. */
static int reference_valid(cardc_schema *ref, const char *text, char *pointer, size_t size)
{
    struct json_object *doc = NULL;
    cardc_result *r = NULL;
    int valid;

    cardc_json_parse(text, strlen(text), "p", 0, &doc, NULL);
    cardc_result_new(&r, NULL);
    valid = cardc_validate(ref, doc, NULL, r, NULL) == CARDC_OK;
    snprintf(pointer, size, "%s",
             !valid && cardc_result_error_count(r) ? cardc_result_error(r, 0)->instance_location
                                                   : "");
    cardc_result_free(r);
    json_object_put(doc);
    return valid;
}

/* Decodes text (which the validator accepts), checks that encoding gives
 * `want` and that decoding that again gives the same text. */
static void expect_kept(cardc_schema *ref, const char *text, const char *want)
{
    opens v, w;
    char *a = NULL, *b = NULL, ptr[256];
    cardc_error err;

    memset(&v, 0, sizeof v);
    memset(&w, 0, sizeof w);
    CHECK_MSG(reference_valid(ref, text, ptr, sizeof ptr), "%s: the validator rejects it", text);
    CHECK_MSG(cardc_bind_decode(&opens_type, &v, text, strlen(text), NULL, &err) == CARDC_OK,
              "decode %s: %s", text, err.message);
    CHECK_MSG(cardc_bind_encode(&opens_type, &v, &a, NULL, &err) == CARDC_OK, "encode %s: %s", text,
              err.message);
    if (a) {
        CHECK_MSG(strcmp(a, want) == 0, "%s encoded as %s, want %s", text, a, want);
        CHECK_MSG(reference_valid(ref, a, ptr, sizeof ptr), "%s: encoded %s is invalid", text, a);
        CHECK(cardc_bind_decode(&opens_type, &w, a, strlen(a), NULL, &err) == CARDC_OK);
        CHECK(cardc_bind_encode(&opens_type, &w, &b, NULL, &err) == CARDC_OK);
        CHECK_MSG(b && strcmp(a, b) == 0, "not stable: %s then %s", a, b ? b : "(null)");
    }
    cardc_bind_free(&opens_type, &v);
    cardc_bind_free(&opens_type, &w);
    free(a);
    free(b);
}

/* The engine rejects what the validator rejects, at the same place. */
static void expect_rejected(cardc_schema *ref, const char *text)
{
    opens v;
    char ptr[256];
    cardc_error err;
    cardc_status st;

    memset(&v, 0, sizeof v);
    CHECK_MSG(!reference_valid(ref, text, ptr, sizeof ptr), "%s: the validator accepts it", text);
    st = cardc_bind_decode(&opens_type, &v, text, strlen(text), NULL, &err);
    CHECK_MSG(st == CARDC_E_INVALID, "%s: %s (%s)", text, cardc_status_name(st), err.message);
    CHECK_MSG(strcmp(err.pointer, ptr) == 0, "%s: at '%s', the validator says '%s'", text,
              err.pointer, ptr);
    cardc_bind_free(&opens_type, &v);
}

/* ---- cases ---- */

static void decode_keeps(cardc_schema *ref)
{
    static const char text[] =
        "{\"top\":1.50,\"open\":{\"z\":[1,{\"k\":null}],\"a\":1,\"y\":\"s\"},"
        "\"typed\":{\"n\":2,\"a\":1,\"m\":3},\"pick\":{\"y\":\"s\",\"x\":1,\"w\":true},"
        "\"last\":\"\\u00e9\"}";
    opens v;
    cardc_error err;

    memset(&v, 0, sizeof v);
    CHECK_MSG(cardc_bind_decode(&opens_type, &v, text, strlen(text), NULL, &err) == CARDC_OK,
              "decode: %s", err.message);
    /* document order, values as JSON */
    CHECK(v.additional.count == 2 && strcmp(v.additional.items[0].name.data, "top") == 0 &&
          strcmp(v.additional.items[1].name.data, "last") == 0);
    CHECK(v.has_open && v.open.has_a && v.open.a == 1 && v.open.additional.count == 2 &&
          strcmp(v.open.additional.items[0].name.data, "z") == 0 &&
          json_object_is_type(v.open.additional.items[0].value.value, json_type_array) &&
          strcmp(v.open.additional.items[1].name.data, "y") == 0);
    CHECK(cardc_members_get(&v.open.additional, "y") == &v.open.additional.items[1].value);
    CHECK(cardc_members_get(&v.open.additional, "a") == NULL);
    CHECK(cardc_members_get(NULL, "y") == NULL &&
          cardc_members_get(&v.open.additional, NULL) == NULL);
    /* typed: the additionalProperties schema's type */
    CHECK(v.has_typed && v.typed.additional.count == 2 &&
          strcmp(v.typed.additional.items[0].key.data, "n") == 0 &&
          v.typed.additional.items[0].value == 2 && v.typed.additional.items[1].value == 3);
    /* anyOf: the branch naming more of the members */
    CHECK(v.has_pick && v.pick.kind == 2 && v.pick.u.xy.has_y && v.pick.u.xy.x == 1 &&
          v.pick.u.xy.additional.count == 1 &&
          strcmp(v.pick.u.xy.additional.items[0].name.data, "w") == 0);
    cardc_bind_free(&opens_type, &v);

    /* encode: declared members in schema order, then the others in
     * document order; numbers keep their text */
    expect_kept(ref, text,
                "{\"open\":{\"a\":1,\"z\":[1,{\"k\":null}],\"y\":\"s\"},"
                "\"typed\":{\"a\":1,\"n\":2,\"m\":3},\"pick\":{\"x\":1,\"y\":\"s\",\"w\":true},"
                "\"top\":1.50,\"last\":\"\xc3\xa9\"}");
    /* a repeated name keeps its last value (json-c's rule, the validator's) */
    expect_kept(ref, "{\"open\":{\"z\":1,\"z\":[2]},\"typed\":{\"n\":-1,\"n\":4}}",
                "{\"open\":{\"z\":[2]},\"typed\":{\"n\":4}}");
    /* anyOf ties: the first branch */
    expect_kept(ref, "{\"pick\":{\"x\":7,\"q\":0}}", "{\"pick\":{\"x\":7,\"q\":0}}");
    {
        opens t;
        memset(&t, 0, sizeof t);
        static const char x7[] = "{\"pick\":{\"x\":7}}", q[] = "{\"pick\":{\"q\":{}}}";
        CHECK(cardc_bind_decode(&opens_type, &t, x7, strlen(x7), NULL, &err) == CARDC_OK);
        CHECK(t.pick.kind == 1);
        cardc_bind_free(&opens_type, &t);
        CHECK(cardc_bind_decode(&opens_type, &t, q, strlen(q), NULL, &err) == CARDC_OK);
        CHECK(t.pick.kind == 1 && t.pick.u.x.additional.count == 1);
        cardc_bind_free(&opens_type, &t);
    }
}

static void decode_rejects(cardc_schema *ref)
{
    /* a value breaking additionalProperties */
    expect_rejected(ref, "{\"typed\":{\"a\":1,\"n\":-1}}");
    expect_rejected(ref, "{\"typed\":{\"n\":\"x\"}}");
    /* the others count for maxProperties */
    expect_rejected(ref, "{\"open\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4}}");
    expect_rejected(ref, "{\"open\":{\"b\":2,\"c\":3,\"d\":4,\"e\":5}}");
    /* a declared member's own type still decides */
    expect_rejected(ref, "{\"open\":{\"a\":\"1\",\"b\":2}}");
}

/* Values built by hand: names that would write a member twice are refused. */
static void hand_built(void)
{
    opens v;
    char *out = NULL;
    cardc_error err;

    memset(&v, 0, sizeof v);
    v.has_open = true;
    CHECK(cardc_members_set(&v.open.additional, "b", 1, "[true]", 6, &err) == CARDC_OK);
    CHECK(cardc_members_set(&v.open.additional, "c", 1, " {\"d\":1} ", 9, &err) == CARDC_OK);
    CHECK(cardc_members_set(&v.open.additional, "b", 1, "null", 4, &err) == CARDC_OK);
    CHECK(v.open.additional.count == 2 && v.open.additional.items[0].value.value == NULL);
    CHECK(cardc_members_set(&v.open.additional, "e", 1, "{", 1, &err) == CARDC_E_JSON &&
          err.code == CARDC_E_JSON);
    CHECK(cardc_members_set(&v.open.additional, "\xff", 1, "1", 1, &err) == CARDC_E_UTF8);
    CHECK(cardc_members_set(NULL, "e", 1, "1", 1, &err) == CARDC_E_USAGE);
    CHECK(v.open.additional.count == 2);
    CHECK_MSG(cardc_bind_encode(&opens_type, &v, &out, NULL, &err) == CARDC_OK, "%s", err.message);
    CHECK_STR(out, "{\"open\":{\"b\":null,\"c\":{\"d\":1}}}");
    free(out);
    out = NULL;

    /* a declared property's name */
    CHECK(cardc_members_set(&v.open.additional, "a", 1, "1", 1, &err) == CARDC_OK);
    CHECK(cardc_bind_encode(&opens_type, &v, &out, NULL, &err) == CARDC_E_INVALID && !out);
    CHECK_STR(err.pointer, "/open/a");
    CHECK(strstr(err.message, "declared property") != NULL);
    cardc_bind_free(&open_type, &v.open);
    v.has_open = true;

    /* the same name twice */
    v.open.additional.items = calloc(2, sizeof(cardc_member));
    v.open.additional.count = 2;
    CHECK(cardc_string_set(&v.open.additional.items[0].name, "q", 1, &err) == CARDC_OK);
    CHECK(cardc_string_set(&v.open.additional.items[1].name, "q", 1, &err) == CARDC_OK);
    CHECK(cardc_bind_validate(&opens_type, &v, NULL, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/open/q");
    CHECK(strstr(err.message, "same name") != NULL);

    /* typed values are checked as such */
    cardc_bind_free(&open_type, &v.open);
    v.has_open = false;
    v.has_typed = true;
    v.typed.additional.items = calloc(1, sizeof(typed_add_entry));
    v.typed.additional.count = 1;
    CHECK(cardc_string_set(&v.typed.additional.items[0].key, "n", 1, &err) == CARDC_OK);
    v.typed.additional.items[0].value = -3;
    CHECK(cardc_bind_validate(&opens_type, &v, NULL, &err) == CARDC_E_INVALID);
    CHECK_STR(err.pointer, "/typed/n");
    v.typed.additional.items[0].value = 3;
    CHECK(cardc_bind_encode(&opens_type, &v, &out, NULL, &err) == CARDC_OK);
    CHECK_STR(out, "{\"typed\":{\"n\":3}}");
    free(out);
    cardc_bind_free(&opens_type, &v);
    CHECK(v.typed.additional.items == NULL && v.typed.additional.count == 0);
}

int main(void)
{
    cardc_schema *ref = reference_schema();

    decode_keeps(ref);
    decode_rejects(ref);
    hand_built();
    cardc_schema_free(ref);
    return check_summary();
}
