/* SPDX-License-Identifier: MIT */
/* cardc_json_parse / locate / dump / read_file: positions, strictness,
 * limits and ownership. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

#include "check.h"

/* Parses text and expects failure with `code` at line:column. */
static void expect_error(const char *text, size_t len, cardc_status code, int line, int column,
                         const char *message_part, int src_line)
{
    cardc_error err;
    struct json_object *obj = (struct json_object *)1;
    cardc_status st;

    cardc_error_clear(&err);
    st = cardc_json_parse(text, len, "t.json", 0, &obj, &err);
    if (st != code || obj != NULL || err.code != code || err.line != line || err.column != column ||
        strcmp(err.source, "t.json") != 0 || (message_part && !strstr(err.message, message_part))) {
        fprintf(stderr,
                "%s:%d: parse of %.40s: got %s %d:%d \"%s\" (source \"%s\"), want %s %d:%d "
                "\"%s\"\n",
                __FILE__, src_line, text, cardc_status_name(st), err.line, err.column, err.message,
                err.source, cardc_status_name(code), line, column,
                message_part ? message_part : "");
        CHECK_FAIL();
    }
}

#define EXPECT_ERROR(text, code, line, col, part) \
    expect_error(text, sizeof(text) - 1, code, line, col, part, __LINE__)

static struct json_object *parse_ok(const char *text, size_t len, int src_line)
{
    cardc_error err;
    struct json_object *obj = NULL;

    cardc_error_clear(&err);
    if (cardc_json_parse(text, len, NULL, 0, &obj, &err) != CARDC_OK) {
        fprintf(stderr, "%s:%d: parse of %.40s failed: %s\n", __FILE__, src_line, text,
                err.message);
        CHECK_FAIL();
    }
    return obj;
}

#define PARSE_OK(text) parse_ok(text, sizeof(text) - 1, __LINE__)

static void test_errors(void)
{
    /* The brief's example: the second comma of line 3. */
    EXPECT_ERROR("{\n  \"x\": 1,\n  \"a\": [1, 2,, 3]}", CARDC_E_JSON, 3, 14, NULL);
    EXPECT_ERROR("\n\n{\"a\": [1, 2,, 3]}", CARDC_E_JSON, 3, 13, "unexpected character ','");
    /* Columns count code points, not bytes ("é" is two bytes). */
    EXPECT_ERROR("{\"é\": [1,,2]}", CARDC_E_JSON, 1, 10, NULL);
    /* Truncated documents: json-c's wording, at the end of the text. */
    EXPECT_ERROR("{\"a\": [1, 2", CARDC_E_JSON, 1, 12, "unexpected end of data");
    EXPECT_ERROR("{\"a\": \"abc", CARDC_E_JSON, 1, 11, "unexpected end of data");
    EXPECT_ERROR("[tru", CARDC_E_JSON, 1, 5, "unexpected end of data");
    EXPECT_ERROR("[1.", CARDC_E_JSON, 1, 4, "unexpected end of data");
    EXPECT_ERROR("{\"a\":\n", CARDC_E_JSON, 2, 1, "unexpected end of data");
    EXPECT_ERROR("", CARDC_E_JSON, 1, 1, "unexpected end of data");
    EXPECT_ERROR("   ", CARDC_E_JSON, 1, 4, "unexpected end of data");
    /* What json-c's strict mode lets through. */
    EXPECT_ERROR("[NaN]", CARDC_E_JSON, 1, 2, "invalid literal 'NaN'");
    EXPECT_ERROR("[-Infinity]", CARDC_E_JSON, 1, 2, "invalid number");
    EXPECT_ERROR("[-01]", CARDC_E_JSON, 1, 2, "leading zeros");
    EXPECT_ERROR("[2.]", CARDC_E_JSON, 1, 2, "decimal point");
    EXPECT_ERROR("[2.e3]", CARDC_E_JSON, 1, 2, "decimal point");
    EXPECT_ERROR("[-.5]", CARDC_E_JSON, 1, 2, "invalid number");
    EXPECT_ERROR("[1e]", CARDC_E_JSON, 1, 2, "exponent");
    EXPECT_ERROR("{'a': 1}", CARDC_E_JSON, 1, 2, "single-quoted");
    EXPECT_ERROR("[\"a\tb\"]", CARDC_E_JSON, 1, 4, "control character U+0009");
    EXPECT_ERROR("[\"a\nb\"]", CARDC_E_JSON, 1, 4, "control character U+000A");
    EXPECT_ERROR("[1,\f2]", CARDC_E_JSON, 1, 4, "whitespace");
    EXPECT_ERROR("[1] // c", CARDC_E_JSON, 1, 5, NULL);
    EXPECT_ERROR("[1]\0", CARDC_E_JSON, 1, 4, "NUL");
    EXPECT_ERROR("123\0", CARDC_E_JSON, 1, 4, "NUL");
    EXPECT_ERROR("\xEF\xBB\xBF{}", CARDC_E_JSON, 1, 1, "byte order mark");
    EXPECT_ERROR("[\"\\x\"]", CARDC_E_JSON, 1, 3, "escape");
    EXPECT_ERROR("[\"\\u12G4\"]", CARDC_E_JSON, 1, 3, "hex digits");
    EXPECT_ERROR("{\"a\":1}}", CARDC_E_JSON, 1, 8, NULL);
    EXPECT_ERROR("1 2", CARDC_E_JSON, 1, 3, NULL);
    EXPECT_ERROR("[1,]", CARDC_E_JSON, 1, 4, "unexpected character ']'");
    EXPECT_ERROR("{\"a\" 1}", CARDC_E_JSON, 1, 6, "':' expected");
    /* Invalid UTF-8: bad continuation, overlong, surrogate, past U+10FFFF,
     * truncated sequence, stray byte outside a string. */
    EXPECT_ERROR("[\"\xC3\x28\"]", CARDC_E_UTF8, 1, 3, "UTF-8");
    EXPECT_ERROR("[\"\xC0\xAF\"]", CARDC_E_UTF8, 1, 3, "UTF-8");
    EXPECT_ERROR("[\"\xED\xA0\x80\"]", CARDC_E_UTF8, 1, 3, "UTF-8");
    EXPECT_ERROR("[\"\xF4\x90\x80\x80\"]", CARDC_E_UTF8, 1, 3, "UTF-8");
    EXPECT_ERROR("[\"\xE2\x82\"]", CARDC_E_UTF8, 1, 3, "UTF-8");
    EXPECT_ERROR("[\xFF]", CARDC_E_UTF8, 1, 2, "UTF-8");

    /* err->offset is the byte offset; a NULL source reads "<string>". */
    cardc_error err;
    struct json_object *obj;
    cardc_error_clear(&err);
    CHECK(cardc_json_parse("[1,,2]", 6, NULL, 0, &obj, &err) == CARDC_E_JSON);
    CHECK(err.offset == 3);
    CHECK(strcmp(err.source, "<string>") == 0);
    /* err may be NULL. */
    CHECK(cardc_json_parse("[", 1, NULL, 0, &obj, NULL) == CARDC_E_JSON && obj == NULL);
    /* Each call resets the record on entry: a stale error is replaced. */
    CHECK(cardc_json_parse("]", 1, "second", 0, &obj, &err) == CARDC_E_JSON);
    CHECK(strcmp(err.source, "second") == 0 && err.offset == 0 && err.code == CARDC_E_JSON);
    /* and a success leaves it clean */
    CHECK(cardc_json_parse("[]", 2, "third", 0, &obj, &err) == CARDC_OK);
    CHECK(err.code == CARDC_OK && !err.message[0] && !err.source[0] && !err.pointer[0]);
    json_object_put(obj);
}

static void test_values(void)
{
    struct json_object *o;
    cardc_error err;

    /* JSON null is json-c's NULL: success with *out == NULL. */
    o = (struct json_object *)1;
    cardc_error_clear(&err);
    CHECK(cardc_json_parse(" null ", 6, NULL, 0, &o, &err) == CARDC_OK && o == NULL);
    CHECK(err.code == CARDC_OK);

    o = PARSE_OK(" \r\n\t123\n");
    CHECK(json_object_is_type(o, json_type_int) && json_object_get_int64(o) == 123);
    json_object_put(o);

    o = PARSE_OK("-0.5e+2");
    CHECK(json_object_is_type(o, json_type_double) && json_object_get_double(o) == -50.0);
    json_object_put(o);

    o = PARSE_OK("\"a\\u0000b\\ud83d\\ude00\"");
    CHECK(json_object_get_string_len(o) == 7);
    CHECK(memcmp(json_object_get_string(o), "a\0b\xF0\x9F\x98\x80", 7) == 0);
    json_object_put(o);

    o = PARSE_OK("{\"a\": [true, false, null, {}], \"b/c\": \"\xE2\x82\xAC\"}");
    CHECK(json_object_is_type(o, json_type_object) && json_object_object_length(o) == 2);
    json_object_put(o);

    /* A length bounds the text: what follows is not read. */
    o = parse_ok("[1]garbage", 3, __LINE__);
    CHECK(json_object_array_length(o) == 1);
    json_object_put(o);
}

/* depth x open, then inner, then depth x close. */
static char *nested_around(int depth, const char *open, const char *inner, const char *close)
{
    size_t lo = strlen(open), li = strlen(inner), lc = strlen(close);
    char *s = malloc((size_t)depth * (lo + lc) + li + 1);
    char *p = s;
    for (int i = 0; i < depth; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, inner, li);
    p += li;
    for (int i = 0; i < depth; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static char *nested(int depth, const char *open, const char *close)
{
    return nested_around(depth, open, "", close);
}

static void test_depth(void)
{
    cardc_error err;
    struct json_object *o = NULL;
    char *s;

    s = nested(10000, "[", "]");
    cardc_error_clear(&err);
    CHECK(cardc_json_parse(s, strlen(s), "deep.json", 0, &o, &err) == CARDC_OK);
    CHECK(o != NULL);
    /* Dumping and releasing a 10,000-deep tree must not exhaust the stack. */
    char *d = cardc_json_dump(o, 1);
    CHECK(d != NULL && d[0] == '[' && d[1] == '\n');
    free(d);
    d = cardc_json_dump(o, 0);
    CHECK(d != NULL && strcmp(d, s) == 0);
    free(d);
    json_object_put(o);
    free(s);

    /* A scalar in the innermost container is not one more level. */
    s = nested_around(10000, "[", "1", "]");
    CHECK(cardc_json_parse(s, strlen(s), "deep.json", 0, &o, &err) == CARDC_OK);
    json_object_put(o);
    free(s);
    s = nested_around(10000, "{\"k\":", "\"v\"", "}");
    CHECK(cardc_json_parse(s, strlen(s), "deep.json", 0, &o, &err) == CARDC_OK);
    json_object_put(o);
    free(s);
    s = nested_around(5, "[", "1", "]");
    CHECK(cardc_json_parse(s, strlen(s), NULL, 5, &o, &err) == CARDC_OK);
    json_object_put(o);
    free(s);

    s = nested(10001, "[", "]");
    cardc_error_clear(&err);
    o = (struct json_object *)1;
    CHECK(cardc_json_parse(s, strlen(s), "deep.json", 0, &o, &err) == CARDC_E_LIMIT);
    CHECK(o == NULL && err.line == 1 && err.column == 10001);
    CHECK(strstr(err.message, "nesting too deep") != NULL);
    CHECK(strstr(err.message, "10000") != NULL);
    free(s);

    s = nested(10001, "{\"k\":", "}");
    cardc_error_clear(&err);
    CHECK(cardc_json_parse(s, strlen(s), "deep.json", 0, &o, &err) == CARDC_E_LIMIT);
    free(s);

    /* An explicit limit, and a huge one that must not allocate per level. */
    cardc_error_clear(&err);
    CHECK(cardc_json_parse("[[[]]]", 6, NULL, 3, &o, &err) == CARDC_OK);
    json_object_put(o);
    CHECK(cardc_json_parse("[[[[]]]]", 8, NULL, 3, &o, &err) == CARDC_E_LIMIT);
    CHECK(err.column == 4);
    CHECK(cardc_json_parse("[[1]]", 5, NULL, 2000000000, &o, NULL) == CARDC_OK);
    json_object_put(o);

    /* The ceiling: parsed and released at 100,000 levels, refused beyond. */
    s = nested(CARDC_JSON_MAX_DEPTH_CEILING, "[", "]");
    CHECK(cardc_json_parse(s, strlen(s), NULL, 2000000000, &o, NULL) == CARDC_OK);
    json_object_put(o);
    free(s);
    s = nested(CARDC_JSON_MAX_DEPTH_CEILING + 1, "[", "]");
    cardc_error_clear(&err);
    CHECK(cardc_json_parse(s, strlen(s), NULL, 2000000000, &o, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "100000") != NULL);
    free(s);
}

static void expect_locate(const char *text, const char *pointer, int found, int line, int column,
                          int src_line)
{
    int l = -1, c = -1;
    int r = cardc_json_locate(text, strlen(text), pointer, &l, &c);
    if (r != found || l != line || c != column) {
        fprintf(stderr, "%s:%d: locate \"%s\": got %d at %d:%d, want %d at %d:%d\n", __FILE__,
                src_line, pointer, r, l, c, found, line, column);
        CHECK_FAIL();
    }
}

#define LOCATE(text, ptr, found, line, col) expect_locate(text, ptr, found, line, col, __LINE__)

static void test_locate(void)
{
    static const char doc[] = "  {\n"
                              "    \"a/b\": 1,\n"
                              "    \"m~n\": {\"x\": [10, {\"y\": \"é\"}, [true]]},\n"
                              "    \"é\": \"ü\", \"arr\": [ 0 , \"s,]\" ,\n"
                              "      {\"k\": null} ],\n"
                              "    \"esc\\u00e9\\\"q\": 2,\n"
                              "    \"\": 3,\n"
                              "    \"dup\": 1, \"dup\": [4]\n"
                              "  }\n";

    LOCATE(doc, "", 1, 1, 3);
    LOCATE(doc, "/a~1b", 1, 2, 12);
    LOCATE(doc, "/m~0n", 1, 3, 12);
    LOCATE(doc, "/m~0n/x", 1, 3, 18);
    LOCATE(doc, "/m~0n/x/0", 1, 3, 19);
    LOCATE(doc, "/m~0n/x/1/y", 1, 3, 29);
    LOCATE(doc, "/m~0n/x/2/0", 1, 3, 36);
    LOCATE(doc, "/é", 1, 4, 10);
    LOCATE(doc, "/arr", 1, 4, 22);
    LOCATE(doc, "/arr/1", 1, 4, 28);
    LOCATE(doc, "/arr/2/k", 1, 5, 13);
    LOCATE(doc, "/esc\xC3\xA9\"q", 1, 6, 21);
    LOCATE(doc, "/", 1, 7, 9);
    LOCATE(doc, "/dup", 1, 8, 22);
    LOCATE(doc, "/dup/0", 1, 8, 23);
    /* Not found: the nearest existing ancestor. */
    LOCATE(doc, "/arr/3", 0, 4, 22);
    LOCATE(doc, "/arr/01", 0, 4, 22);
    LOCATE(doc, "/arr/-", 0, 4, 22);
    LOCATE(doc, "/m~0n/x/1/z", 0, 3, 23);
    LOCATE(doc, "/a~1b/deeper", 0, 2, 12);
    LOCATE(doc, "/nope", 0, 1, 3);
    LOCATE(doc, "/a/b", 0, 1, 3);
    LOCATE(doc, "no-slash", 0, 1, 3);
    /* Tolerates malformed and truncated text without reading past it. */
    LOCATE("{\"a\": [1, ", "/a/5", 0, 1, 7);
    LOCATE("{\"a", "/a", 0, 1, 1);
    LOCATE("", "/a", 0, 1, 1);
    CHECK(cardc_json_locate(NULL, 0, NULL, NULL, NULL) == 1);

    /* A deep document: located without recursion. */
    char *s = nested(10000, "[", "]");
    int l, c;
    char ptr[64];
    CHECK(cardc_json_locate(s, strlen(s), "/0/0/0", &l, &c) == 1 && l == 1 && c == 4);
    snprintf(ptr, sizeof ptr, "/1");
    CHECK(cardc_json_locate(s, strlen(s), ptr, &l, &c) == 0 && c == 1);
    free(s);
}

static void test_dump(void)
{
    struct json_object *o = PARSE_OK(
        "{\"url\": \"http://x/y\", \"n\": 1.50, \"i\": -3, \"big\": 18446744073709551615,"
        " \"e\": {}, \"a\": [], \"s\": \"q\\\"\\\\\\n\\u0001é\", \"l\": [1, [true, null]]}");
    char *s = cardc_json_dump(o, 0);
    CHECK(s &&
          strcmp(s,
                 "{\"url\":\"http://x/y\",\"n\":1.50,\"i\":-3,\"big\":18446744073709551615,"
                 "\"e\":{},\"a\":[],\"s\":\"q\\\"\\\\\\n\\u0001é\",\"l\":[1,[true,null]]}") == 0);
    free(s);
    s = cardc_json_dump(o, 1);
    CHECK(s && strcmp(s, "{\n"
                         "  \"url\": \"http://x/y\",\n"
                         "  \"n\": 1.50,\n"
                         "  \"i\": -3,\n"
                         "  \"big\": 18446744073709551615,\n"
                         "  \"e\": {},\n"
                         "  \"a\": [],\n"
                         "  \"s\": \"q\\\"\\\\\\n\\u0001é\",\n"
                         "  \"l\": [\n"
                         "    1,\n"
                         "    [\n"
                         "      true,\n"
                         "      null\n"
                         "    ]\n"
                         "  ]\n"
                         "}") == 0);
    free(s);
    json_object_put(o);

    s = cardc_json_dump(NULL, 1);
    CHECK(s && strcmp(s, "null") == 0);
    free(s);
    o = json_object_new_string_len("a\0b", 3);
    s = cardc_json_dump(o, 0);
    CHECK(s && strcmp(s, "\"a\\u0000b\"") == 0);
    free(s);
    json_object_put(o);
}

static void test_read_file(const char *self)
{
    cardc_error err;
    char *text = NULL;
    size_t len = 0;
    char path[] = "/tmp/cardc-test-json-XXXXXX";
    int fd;
    FILE *f;

    cardc_error_clear(&err);
    CHECK(cardc_read_file("/nonexistent/dir/x.json", &text, &len, &err) == CARDC_E_IO);
    CHECK(text == NULL && strcmp(err.source, "/nonexistent/dir/x.json") == 0);
    CHECK(strstr(err.message, strerror(ENOENT)) != NULL);

    cardc_error_clear(&err);
    CHECK(cardc_read_file("/", &text, &len, &err) == CARDC_E_IO);
    CHECK(strstr(err.message, strerror(EISDIR)) != NULL);

    /* A file bigger than the first buffer, with a NUL inside. */
    fd = mkstemp(path);
    CHECK(fd >= 0);
    f = fdopen(fd, "wb");
    for (int i = 0; i < 100000; i++)
        fputc(i == 5 ? 0 : 'a' + i % 26, f);
    fclose(f);
    cardc_error_clear(&err);
    CHECK(cardc_read_file(path, &text, &len, &err) == CARDC_OK);
    CHECK(len == 100000 && text[len] == '\0' && text[5] == '\0' && text[99999] == 'a' + 99999 % 26);
    free(text);
    remove(path);

    /* The test binary itself reads fine (binary data, any size). */
    CHECK(cardc_read_file(self, &text, &len, NULL) == CARDC_OK && len > 0);
    free(text);
}

/* Duplicate member names: the last wins by default, as JavaScript's
 * JSON.parse; CARDC_DUPLICATE_KEYS_REJECT names the key at its second
 * occurrence (SECURITY.md). */
static void test_duplicate_keys(void)
{
    cardc_json_options o;
    cardc_error err;
    struct json_object *doc = NULL, *v;
    static const char dup[] = "{\n  \"a\": 1,\n  \"b\": {\"a\": 3},\n  \"a\": 2\n}";

    cardc_json_options_init(&o);
    CHECK(o.max_depth == 0 && o.duplicate_keys == CARDC_DUPLICATE_KEYS_LAST);
    CHECK(cardc_json_parse_ex(dup, sizeof dup - 1, "d.json", &o, &doc, &err) == CARDC_OK);
    CHECK(json_object_object_get_ex(doc, "a", &v) && json_object_get_int(v) == 2);
    json_object_put(doc);
    CHECK(cardc_json_parse_ex(dup, sizeof dup - 1, "d.json", NULL, &doc, &err) == CARDC_OK);
    json_object_put(doc);

    o.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    doc = (struct json_object *)1;
    CHECK(cardc_json_parse_ex(dup, sizeof dup - 1, "d.json", &o, &doc, &err) == CARDC_E_JSON);
    CHECK(doc == NULL && err.code == CARDC_E_JSON);
    CHECK_STR(err.message, "duplicate object key \"a\"");
    CHECK_MSG(err.line == 4 && err.column == 3, "at %d:%d", err.line, err.column);
    CHECK_STR(err.source, "d.json");

    /* a '[' where a ',' belongs, one level past the limit: the grammar's
     * error, whatever the policy (fuzz_pull: refusing duplicates made it
     * "nesting too deep") */
    static const char deep[] = "[[\"a\"[";
    o.max_depth = 2;
    for (int k = 0; k < 2; k++) {
        o.duplicate_keys = k ? CARDC_DUPLICATE_KEYS_REJECT : CARDC_DUPLICATE_KEYS_LAST;
        CHECK(cardc_json_parse_ex(deep, sizeof deep - 1, NULL, &o, &doc, &err) == CARDC_E_JSON);
        CHECK_STR(err.message, "',' or ']' expected");
        CHECK_MSG(err.column == 6, "at column %d", err.column);
    }
    o.max_depth = 0;

    /* the same key in different objects is no duplicate; escapes are
     * compared decoded, and up to a \u0000 (json-c's keys are C strings) */
    static const char fine[] = "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}";
    CHECK(cardc_json_parse_ex(fine, sizeof fine - 1, NULL, &o, &doc, &err) == CARDC_OK);
    json_object_put(doc);
    static const char esc[] = "{\"ab\":1,\"a\\u0062\":2}";
    CHECK(cardc_json_parse_ex(esc, sizeof esc - 1, NULL, &o, &doc, &err) == CARDC_E_JSON);
    CHECK_STR(err.message, "duplicate object key \"ab\"");
    CHECK(err.column == 9);
    static const char nul[] = "{\"a\\u0000x\":1,\"a\":2}";
    CHECK(cardc_json_parse_ex(nul, sizeof nul - 1, NULL, &o, &doc, &err) == CARDC_E_JSON);

    /* the first problem in the text is the one reported */
    static const char later[] = "{\"a\":1,\"a\":2,}";
    CHECK(cardc_json_parse_ex(later, sizeof later - 1, NULL, &o, &doc, &err) == CARDC_E_JSON);
    CHECK(strstr(err.message, "duplicate") != NULL);
    static const char earlier[] = "{\"a\":01,\"a\":2}";
    CHECK(cardc_json_parse_ex(earlier, sizeof earlier - 1, NULL, &o, &doc, &err) == CARDC_E_JSON);
    CHECK(strstr(err.message, "duplicate") == NULL);

    /* a wide object stays linear: 100,000 distinct keys */
    {
        size_t n = 100000, cap = n * 16 + 16, at = 0;
        char *big = malloc(cap);
        CHECK(big != NULL);
        if (big) {
            at += (size_t)snprintf(big + at, cap - at, "{");
            for (size_t i = 0; i < n; i++)
                at += (size_t)snprintf(big + at, cap - at, "%s\"k%zu\":%zu", i ? "," : "", i, i);
            at += (size_t)snprintf(big + at, cap - at, "}");
            CHECK(cardc_json_parse_ex(big, at, NULL, &o, &doc, &err) == CARDC_OK);
            CHECK(json_object_object_length(doc) == (int)n);
            json_object_put(doc);
            free(big);
        }
    }

    o.duplicate_keys = (cardc_duplicate_keys)7;
    CHECK(cardc_json_parse_ex("{}", 2, NULL, &o, &doc, &err) == CARDC_E_USAGE);
}

int main(int argc, char **argv)
{
    (void)argc;
    test_errors();
    test_values();
    test_depth();
    test_duplicate_keys();
    test_locate();
    test_dump();
    test_read_file(argv[0]);
    return check_summary();
}
