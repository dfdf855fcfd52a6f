/* SPDX-License-Identifier: MIT */
/* The validation document (runtime/src/json/doc.h): values, byte runs,
 * repeated keys, positions, limits, invalid text, deep nesting, huge
 * numbers, reuse, and the copy from json-c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "json/doc.h"
#include "json/json_internal.h"

#include "check.h"

static cardc_doc doc;

static int parse(const char *text, int max_depth, unsigned flags, cardc_error *err)
{
    return cardc__doc_parse_into(&doc, text, strlen(text), "t.json", max_depth, flags, err) ==
           CARDC_OK;
}

/* The member named key of the root object. */
static const cardc_dval *get(const char *key)
{
    return cardc__dobject_get(&doc, &doc.v[0], key, strlen(key), cardc__doc_hash(key, strlen(key)));
}

static void test_values(void)
{
    cardc_dval tmp;
    const cardc_dval *v;
    CHECK(parse("{\"i\":-42,\"u\":18446744073709551615,\"big\":123456789012345678901234,"
                "\"neg\":-123456789012345678901234,\"d\":2.5,\"e\":1e2,\"z\":-0.0,"
                "\"s\":\"a\\u00e9\\n\",\"t\":true,\"f\":false,\"n\":null}",
                0, 0, NULL));
    CHECK(doc.v[0].kind == DK_OBJECT && doc.v[0].u.c.n == 11 && cardc__dsize(&doc.v[0]) == doc.n);
    v = get("i");
    CHECK(v && v->kind == DK_INT && v->u.i == -42 && v->types == (DT_NUMBER | DT_INTEGER));
    v = get("u");
    CHECK(v && v->kind == DK_UINT && v->u.u == UINT64_MAX);
    /* saturated as json-c does */
    v = get("big");
    CHECK(v && v->kind == DK_UINT && v->u.u == UINT64_MAX);
    v = get("neg");
    CHECK(v && v->kind == DK_INT && v->u.i == INT64_MIN);
    v = get("d");
    CHECK(v && v->kind == DK_DOUBLE && v->u.d == 2.5 && v->types == DT_NUMBER);
    v = get("e");
    CHECK(v && v->kind == DK_DOUBLE && v->u.d == 100 && (v->types & DT_INTEGER));
    v = get("z");
    CHECK(v && v->kind == DK_DOUBLE && v->u.d == 0 && signbit(v->u.d));
    v = get("s");
    CHECK(v && v->kind == DK_STRING && v->u.s.len == 4 && !(v->flags & DF_TEXT) &&
          !(v->flags & DF_ASCII) && memcmp(cardc__dstr(&doc, v), "a\xc3\xa9\n", 4) == 0);
    CHECK(get("t")->kind == DK_TRUE && get("f")->kind == DK_FALSE && get("n")->kind == DK_NULL);
    CHECK(!get("missing"));

    /* a plain string stays in the text; an array of bytes is one slot */
    CHECK(parse("[\"plain\",[1,2,255],[1,2,256],[0.5],[]]", 0, 0, NULL));
    v = cardc__darray_at(&doc, &doc.v[0], 0, &tmp);
    CHECK(v->kind == DK_STRING && (v->flags & DF_TEXT) && (v->flags & DF_ASCII));
    v = cardc__darray_at(&doc, &doc.v[0], 1, &tmp);
    CHECK(v->kind == DK_BYTES && cardc__dcount(v) == 3 && v->types == DT_ARRAY);
    CHECK(cardc__darray_at(&doc, v, 2, &tmp)->u.i == 255);
    v = cardc__darray_at(&doc, &doc.v[0], 2, &tmp);
    CHECK(v->kind == DK_ARRAY && v->u.c.n == 3 && (v->flags & DF_SCALARS));
    CHECK(cardc__darray_at(&doc, v, 2, &tmp)->u.i == 256);
    v = cardc__darray_at(&doc, &doc.v[0], 4, &tmp);
    CHECK(v->kind == DK_ARRAY && v->u.c.n == 0);

    /* surrogates: a pair decodes, a lone one becomes U+FFFD (json-c's) */
    CHECK(parse("\"\\ud83d\\ude00\\ud800\"", 0, 0, NULL));
    CHECK(doc.v[0].u.s.len == 7 &&
          memcmp(cardc__dstr(&doc, &doc.v[0]), "\xf0\x9f\x98\x80\xef\xbf\xbd", 7) == 0);
    /* a key is cut at an escaped U+0000, as json-c's C-string keys are */
    CHECK(parse("{\"a\\u0000b\":1}", 0, 0, NULL));
    CHECK(doc.v[1].kind == DK_KEY && doc.v[1].u.s.len == 1 && get("a"));
}

static void test_numbers(void)
{
    /* the fast path against strtod: exactly the same doubles */
    static const char *const nums[] = {"0.1",
                                       "0.3",
                                       "1.7976931348623157e308",
                                       "5e-324",
                                       "1e22",
                                       "1e23",
                                       "123456.789",
                                       "9007199254740993.0",
                                       "1e400",
                                       "-1e400",
                                       "1e-400",
                                       "2.2250738585072014e-308",
                                       "0.000001234",
                                       "123456789012345678901234567890.5"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        CHECK_MSG(parse(nums[i], 0, 0, NULL), "number %zu", i);
        double want = strtod(nums[i], NULL);
        CHECK_MSG(doc.v[0].kind == DK_DOUBLE && memcmp(&doc.v[0].u.d, &want, sizeof want) == 0,
                  "%s: %.17g, strtod says %.17g", nums[i], doc.v[0].u.d, want);
    }
    CHECK(parse("1e400", 0, 0, NULL) && isinf(doc.v[0].u.d) && !(doc.v[0].types & DT_INTEGER));
}

static void test_duplicates(void)
{
    cardc_error err;
    const cardc_dval *k;
    /* the last value at the first place (json-c's order) */
    CHECK(parse("{\"a\":1,\"b\":[2,{\"c\":3}],\"a\":{\"x\":[4]},\"c\":5}", 0, 0, NULL));
    CHECK(doc.v[0].u.c.n == 3 && cardc__dsize(&doc.v[0]) == doc.n);
    k = &doc.v[1];
    CHECK(k->u.s.len == 1 && cardc__dstr(&doc, k)[0] == 'a' && k[1].kind == DK_OBJECT);
    CHECK(get("a")->kind == DK_OBJECT && get("b")->kind == DK_ARRAY && get("c")->u.i == 5);
    /* refused on request, where cardc_json_parse refuses it */
    cardc_error_clear(&err);
    CHECK(!parse("{\"a\":1,\"b\":2,\"a\":3}", 0, CARDC__DOC_REJECT_DUPLICATES, &err));
    CHECK(err.code == CARDC_E_JSON && err.line == 1 && err.column == 14 &&
          strstr(err.message, "duplicate") != NULL);
    /* a large object (keys in a hash table): repeats far apart */
    {
        char text[4096];
        size_t n = 0;
        n += (size_t)snprintf(text + n, sizeof text - n, "{");
        for (int i = 0; i < 100; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s\"k%d\":%d", i ? "," : "", i % 70,
                                  i);
        snprintf(text + n, sizeof text - n, "}");
        CHECK(parse(text, 0, 0, NULL) && doc.v[0].u.c.n == 70);
        CHECK(get("k5") && get("k5")->u.i == 75 && get("k69")->u.i == 69);
        CHECK(!parse(text, 0, CARDC__DOC_REJECT_DUPLICATES, NULL));
    }
}

/* cardc__doc_offset of pointer, as cardc_json_locate finds it. */
static void check_offset(const char *text, const char *pointer)
{
    int l1 = 0, c1 = 0, l2 = 0, c2 = 0;
    size_t off;
    CHECK_MSG(parse(text, 0, 0, NULL), "%s", text);
    off = cardc__doc_offset(&doc, &doc.v[0], pointer, text);
    cardc_json_locate(text, strlen(text), pointer, &l1, &c1);
    CHECK(cardc_json_locate(text, off + 1, "", &l2, &c2) >= 0);
    {
        int line = 1, col = 1;
        for (size_t i = 0; i < off; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        CHECK_MSG(line == l1 && col == c1, "%s at %s: %d:%d, locate says %d:%d", text, pointer,
                  line, col, l1, c1);
    }
}

static void test_positions(void)
{
    check_offset("{\n  \"a\": [10, 20,\n 30],\n  \"b\": {\"c\": \"x\"}\n}", "/a/2");
    check_offset("{\n  \"a\": [10, 20,\n 30],\n  \"b\": {\"c\": \"x\"}\n}", "/b/c");
    check_offset("{\"\xc3\xa9\": [1, {\"d\": null}]}", "/\xc3\xa9/1/d");
    check_offset("{\"a/b\": {\"m~n\": 1}}", "/a~1b/m~0n");
    check_offset("{\"a\": 1, \"a\": [true]}", "/a/0");
    check_offset("{\"a\": 1}", "/nope");
    check_offset("[\"x\", {\"k\": 2}]", "/1/k");
}

static void test_limits(void)
{
    cardc_error err;
    char *deep = malloc(200010);
    size_t n = 0;
    /* exactly max_depth levels pass, one more is CARDC_E_LIMIT */
    CHECK(parse("[[1]]", 2, 0, NULL));
    cardc_error_clear(&err);
    CHECK(!parse("[[[1]]]", 2, 0, &err) && err.code == CARDC_E_LIMIT && err.column == 3);
    CHECK(!parse("[[[1,2]]]", 2, 0, &err));
    /* 100,000 levels: no recursion in the parser */
    for (int i = 0; i < 100000; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100000; i++)
        deep[n++] = ']';
    CHECK(deep && cardc__doc_parse_into(&doc, deep, n, NULL, 100000, 0, NULL) == CARDC_OK);
    CHECK(doc.n == 100000);
    CHECK(cardc__doc_parse_into(&doc, deep, n, NULL, 99999, 0, NULL) == CARDC_E_LIMIT);
    free(deep);
}

/* Bad text: the error cardc_json_parse gives, at the same place. */
static void check_bad(const char *text, cardc_status code)
{
    cardc_error e1, e2;
    struct json_object *tree = NULL;
    cardc_error_clear(&e1);
    cardc_error_clear(&e2);
    CHECK_MSG(cardc_json_parse(text, strlen(text), "t.json", 0, &tree, &e1) == code, "%s", text);
    CHECK_MSG(!parse(text, 0, 0, &e2) && e2.code == code, "%s: %s", text, e2.message);
    CHECK_MSG(e1.line == e2.line && e1.column == e2.column && !strcmp(e1.message, e2.message) &&
                  !strcmp(e2.source, "t.json"),
              "%s: %s / %s", text, e1.message, e2.message);
    json_object_put(tree);
}

static void test_bad_text(void)
{
    check_bad("", CARDC_E_JSON);
    check_bad("{\"a\":1,}", CARDC_E_JSON);
    check_bad("[01]", CARDC_E_JSON);
    check_bad("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,020]", CARDC_E_JSON);
    check_bad("\"\xff\"", CARDC_E_UTF8);
    check_bad("\"\xed\xa0\x80\"", CARDC_E_UTF8); /* an encoded surrogate */
    check_bad("\"tab\there\"", CARDC_E_JSON);
    check_bad("[1] x", CARDC_E_JSON);
    check_bad("{\"a\" 1}", CARDC_E_JSON);
    check_bad("nul", CARDC_E_JSON);
}

static void test_reuse_and_json_c(void)
{
    struct json_object *tree =
        json_tokener_parse("{\"a\":[1,2,{\"b\":\"x\"}],\"c\":1.5,\"d\":\"\\u00e9\"}");
    cardc_doc copy;
    /* a document reused for a larger text, then a smaller one */
    CHECK(parse("[1]", 0, 0, NULL) && doc.n == 1);
    CHECK(parse("[\"a\",\"b\",[true,false,null],{\"k\":[0.5]}]", 0, 0, NULL) && doc.n == 11);
    CHECK(parse("{}", 0, 0, NULL) && doc.n == 1 && doc.v[0].u.c.n == 0);
    /* from json-c: the same values, and each slot's object when asked */
    cardc__doc_init(&copy);
    CHECK(cardc__doc_from_json(&copy, tree, true) == CARDC_OK);
    CHECK(cardc__doc_same_as_json(&copy, &copy.v[0], tree));
    CHECK(copy.src && copy.src[0] == tree);
    CHECK(cardc__doc_from_json(&copy, NULL, false) == CARDC_OK && copy.v[0].kind == DK_NULL &&
          !copy.src);
    cardc__doc_release(&copy);
    json_object_put(tree);
}

int main(void)
{
    cardc__doc_init(&doc);
    test_values();
    test_numbers();
    test_duplicates();
    test_positions();
    test_limits();
    test_bad_text();
    test_reuse_and_json_c();
    cardc__doc_release(&doc);
    return check_summary();
}
