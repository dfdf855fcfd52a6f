/* SPDX-License-Identifier: MIT */
/* The pull parser (cardc/pull.h): tokens and values, strings, numbers,
 * depth, skip, save/restore, the bytes fast path and errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "cardc/pull.h"
#include "json/json_internal.h"
#include "json/json_simd.h"
#include "common/textpos.h"

#include "check.h"

/* The document's tokens as text: { } [ ] K:key S:str N:literal T F Z, then
 * END or ERR@offset:message. */
static void trace(const char *text, size_t len, int max_depth, char *out, size_t size)
{
    cardc_pull p;
    cardc_token tok;
    size_t o = 0;

    out[0] = '\0';
#define ADD(...) (o += (size_t)snprintf(out + o, o < size ? size - o : 0, __VA_ARGS__))
    cardc_pull_init(&p, text, len, max_depth);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END) {
        switch (tok) {
        case CARDC_TOK_OBJECT_BEGIN: ADD("{ "); break;
        case CARDC_TOK_OBJECT_END: ADD("} "); break;
        case CARDC_TOK_ARRAY_BEGIN: ADD("[ "); break;
        case CARDC_TOK_ARRAY_END: ADD("] "); break;
        case CARDC_TOK_KEY: ADD("K:%s ", p.str); break;
        case CARDC_TOK_STRING: ADD("S:%s ", p.str); break;
        case CARDC_TOK_NUMBER: ADD("N:%.*s ", (int)p.num_len, p.num_text); break;
        case CARDC_TOK_TRUE: ADD("T "); break;
        case CARDC_TOK_FALSE: ADD("F "); break;
        case CARDC_TOK_NULL: ADD("Z "); break;
        default: ADD("? "); break;
        }
    }
    if (tok == CARDC_TOK_END)
        ADD("END");
    else
        ADD("ERR@%zu:%s", p.error_offset, p.message);
#undef ADD
    cardc_pull_free(&p);
}

#define CHECK_TRACE(text, want)                             \
    do {                                                    \
        char got_[4096];                                    \
        trace(text, sizeof text - 1, 0, got_, sizeof got_); \
        CHECK_STR(got_, want);                              \
    } while (0)

static void test_tokens(void)
{
    static const char doc[] =
        " {\"name\": \"cardc\", \"n\": [1, -2, 3.5, 1e2, true, false, null],\n"
        "  \"o\": {}, \"a\": [], \"nested\": {\"x\": [[{}]]}, \"s\": \"x\\\"y\"} \r\n\t";
    cardc_pull p;

    CHECK_TRACE(doc, "{ K:name S:cardc K:n [ N:1 N:-2 N:3.5 N:1e2 T F Z ] K:o { } K:a [ ] "
                     "K:nested { K:x [ [ { } ] ] } K:s S:x\"y } END");
    CHECK_TRACE("1", "N:1 END");
    CHECK_TRACE(" \"s\" ", "S:s END");
    CHECK_TRACE("null", "Z END");
    CHECK_TRACE("[\"\"]", "[ S: ] END");

    /* Offsets, depth, and the stickiness of END. */
    cardc_pull_init(&p, doc, sizeof doc - 1, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN && p.tok_offset == 1 && p.depth == 1);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && p.tok_offset == 2 && p.str_len == 4);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.tok_offset == 10);
    CHECK_STR(p.str, "cardc");
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN && p.depth == 2);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_is_int && p.num_int == 1);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_is_int && p.num_int == -2 &&
          p.num_double == -2.0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && !p.num_is_int && p.num_double == 3.5);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && !p.num_is_int && p.num_double == 100.0);
    while (cardc_pull_next(&p) > CARDC_TOK_END)
        ;
    CHECK(p.tok == CARDC_TOK_END && p.depth == 0 && p.tok_offset == sizeof doc - 1);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
    cardc_pull_free(&p);

    /* NULL text of length 0 is an empty document; a freed parser can be reused. */
    cardc_pull_init(&p, NULL, 0, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ERROR && p.error == CARDC_E_JSON && p.error_offset == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ERROR);
    cardc_pull_free(&p);
    cardc_pull_init(&p, "[]", 2, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_END);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
    cardc_pull_free(&p);
}

/* The one string value of `json`, decoded; 0 if it is not read. */
static int string_of(const char *json, size_t len, char *out, size_t size, size_t *out_len)
{
    cardc_pull p;
    int ok;

    cardc_pull_init(&p, json, len, 0);
    ok = cardc_pull_next(&p) == CARDC_TOK_STRING && p.str_len < size && p.str[p.str_len] == '\0';
    if (ok) {
        memcpy(out, p.str, p.str_len + 1);
        *out_len = p.str_len;
        ok = cardc_pull_next(&p) == CARDC_TOK_END;
    }
    cardc_pull_free(&p);
    return ok;
}

#define CHECK_STRING(json, want)                                            \
    do {                                                                    \
        char s_[256];                                                       \
        size_t n_ = 0;                                                      \
        int ok_ = string_of(json, sizeof json - 1, s_, sizeof s_, &n_);     \
        CHECK_MSG(ok_ &&n_ == sizeof want - 1 && memcmp(s_, want, n_) == 0, \
                  "%s does not decode as expected", json);                  \
    } while (0)

static void test_strings(void)
{
    CHECK_STRING("\"plain\"", "plain");
    CHECK_STRING("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
    CHECK_STRING("\"\\u0041\\u00e9\\u20AC\"", "A\xC3\xA9\xE2\x82\xAC");
    CHECK_STRING("\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80");
    CHECK_STRING("\"\\udbff\\udfff\"", "\xF4\x8F\xBF\xBF");
    /* Lone surrogates become U+FFFD, as cardc_json_parse stores them. */
    CHECK_STRING("\"\\uD800\"", "\xEF\xBF\xBD");
    CHECK_STRING("\"\\uDC00x\"", "\xEF\xBF\xBDx");
    CHECK_STRING("\"\\uD800\\u0041\"", "\xEF\xBF\xBD"
                                       "A");
    CHECK_STRING("\"\\uD800\\uD800\\uDC00\"", "\xEF\xBF\xBD\xF0\x90\x80\x80");
    CHECK_STRING("\"a\\u0000b\"", "a\0b");
    CHECK_STRING("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 raw\"",
                 "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 raw");
    CHECK_STRING("\"\x7F\"", "\x7F");

    /* Longer than the first scratch buffer, escapes at the end of runs. */
    {
        char json[5000], want[5000];
        size_t o = 0, w = 0, n = 0;
        char got[5000];
        json[o++] = '"';
        for (int k = 0; k < 400; k++) {
            o += (size_t)sprintf(json + o, "abcdefghi\\n");
            w += (size_t)sprintf(want + w, "abcdefghi\n");
        }
        json[o++] = '"';
        CHECK(string_of(json, o, got, sizeof got, &n) && n == w && memcmp(got, want, w) == 0);
    }

    /* The lone-surrogate decision agrees with json_parse.c's payload mode. */
    {
        struct json_object *o = NULL;
        CHECK(cardc_json_parse("\"\\uD800\"", 8, NULL, 0, &o, NULL) == CARDC_OK &&
              strcmp(json_object_get_string(o), "\xEF\xBF\xBD") == 0);
        json_object_put(o);
    }
}

/* A lent scratch holds the strings that fit, and what is decoded so far
 * moves to the heap with the first that does not (escapes on both sides of
 * the move); the lent buffer is never freed (ASan) nor written past. */
static void test_lent_scratch(void)
{
    char json[600], want[300], lent[18];
    size_t o = 0, w = 0;
    cardc_pull p;

    o += (size_t)sprintf(json, "[\"short\\n\",\"");
    for (int k = 0; k < 25; k++) {
        o += (size_t)sprintf(json + o, "abcdefgh\\t");
        w += (size_t)sprintf(want + w, "abcdefgh\t");
    }
    o += (size_t)sprintf(json + o, "\",\"again\"]");
    memset(lent, '#', sizeof lent);
    cardc_pull_init(&p, json, o, 0);
    cardc__pull_lend_scratch(&p, lent, 16);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.str == lent && p.str_len == 6 &&
          memcmp(p.str, "short\n", 7) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.str != lent && p.str_len == w &&
          memcmp(p.str, want, w + 1) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.str_len == 5 && strcmp(p.str, "again") == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_END && cardc_pull_next(&p) == CARDC_TOK_END);
    CHECK(lent[16] == '#' && lent[17] == '#');
    cardc_pull_free(&p);
}

/* Borrowed plain strings point into the text (not terminated: the text
 * goes on); one with an escape, a non-ASCII byte or a NUL escape is decoded
 * into the scratch as before, and duplicate keys are still found, the
 * message naming the key alone. */
static void test_borrowed_strings(void)
{
    static const char text[] = "{\"key\":\"plain\",\"e\\u00e9\":\"caf\xC3\xA9\",\"a\\u0000b\":"
                               "\"\",\"key\":1}";
    cardc_json_options o;
    cardc_pull p;

    cardc_json_options_init(&o);
    o.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    cardc_pull_init_ex(&p, text, sizeof text - 1, &o);
    cardc__pull_borrow_plain(&p);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && p.str == text + 2 && p.str_len == 3);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.str == text + 8 && p.str_len == 5);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && p.str_len == 3 &&
          memcmp(p.str, "e\xC3\xA9", 4) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.str_len == 5 &&
          memcmp(p.str, "caf\xC3\xA9", 6) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && p.str_len == 3 && memcmp(p.str, "a\0b", 4) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING && p.str_len == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ERROR &&
          strcmp(p.message, "duplicate object key \"key\"") == 0);
    cardc_pull_free(&p);
}

/* Literals are printed with %.*s: gcc's -fsanitize=undefined build claims
 * a %s argument that strlen has just read "is null". */
static void number_of(const char *lit, cardc_pull *p)
{
    size_t n = strlen(lit);
    int w = (int)n;

    cardc_pull_init(p, lit, n, 0);
    CHECK_MSG(cardc_pull_next(p) == CARDC_TOK_NUMBER, "%.*s is not a number", w, lit);
    CHECK_MSG(p->num_text == lit && p->num_len == n, "%.*s: num_text", w, lit);
    CHECK_MSG(cardc_pull_next(p) == CARDC_TOK_END, "%.*s: no END", w, lit);
}

static void test_numbers(void)
{
    static const char *const ints[] = {"0",
                                       "-0",
                                       "7",
                                       "-7",
                                       "255",
                                       "9007199254740993",
                                       "123456789012345678",
                                       "9223372036854775807",
                                       "-9223372036854775808"};
    static const long long int_values[] = {0,
                                           0,
                                           7,
                                           -7,
                                           255,
                                           9007199254740993LL,
                                           123456789012345678LL,
                                           9223372036854775807LL,
                                           -9223372036854775807LL - 1};
    /* Each must come out exactly as strtod has it (correct rounding). */
    static const char *const doubles[] = {"9223372036854775808",
                                          "-9223372036854775809",
                                          "18446744073709551616",
                                          "123456789012345678901234567890",
                                          "0.1",
                                          "-0.0",
                                          "1.5",
                                          "3.141592653589793",
                                          "2.2250738585072014e-308",
                                          "4.9e-324",
                                          "1.7976931348623157e308",
                                          "1e22",
                                          "1e23",
                                          "1E2",
                                          "1e+2",
                                          "25e-1",
                                          "0.3e1",
                                          "4.35",
                                          "0.000001",
                                          "123456.789e-3",
                                          "9007199254740993.0",
                                          "12345678901234567890.5",
                                          "1e-400",
                                          "0e999999999999",
                                          "123456789012345678901234567890e-10",
                                          "7.0e-10",
                                          "1.00000000000000011102230246251565",
                                          "0.30000000000000004",
                                          "5e-324",
                                          "2.4703282292062328e-324"};
    cardc_pull p;

    for (size_t k = 0; k < sizeof ints / sizeof *ints; k++) {
        number_of(ints[k], &p);
        CHECK_MSG(p.num_is_int && p.num_int == int_values[k] &&
                      p.num_double == strtod(ints[k], NULL),
                  "%s: is_int %d, int %lld, double %.17g", ints[k], p.num_is_int,
                  (long long)p.num_int, p.num_double);
        cardc_pull_free(&p);
    }
    number_of("-0", &p);
    CHECK(signbit(p.num_double) && p.num_int == 0);
    cardc_pull_free(&p);

    for (size_t k = 0; k < sizeof doubles / sizeof *doubles; k++) {
        double want = strtod(doubles[k], NULL);
        number_of(doubles[k], &p);
        CHECK_MSG(!p.num_is_int && memcmp(&p.num_double, &want, sizeof want) == 0,
                  "%s: is_int %d, %.17g, want %.17g", doubles[k], p.num_is_int, p.num_double, want);
        cardc_pull_free(&p);
    }

    /* JSON allows any exponent: beyond the double range is +-infinity. */
    number_of("1e400", &p);
    CHECK(!p.num_is_int && isinf(p.num_double) && p.num_double > 0);
    cardc_pull_free(&p);
    number_of("-1.5e400", &p);
    CHECK(!p.num_is_int && isinf(p.num_double) && p.num_double < 0);
    cardc_pull_free(&p);

    /* A literal longer than the stack copy strtod gets. */
    {
        char lit[200];
        memset(lit, '1', 150);
        strcpy(lit + 150, ".5e-100");
        number_of(lit, &p);
        CHECK(!p.num_is_int && p.num_double == strtod(lit, NULL));
        cardc_pull_free(&p);
    }
}

/* n '[' then n ']' (or objects {"a": ... }), parsed with max_depth. */
static int nested(int n, int objects, int max_depth, size_t *err_offset, cardc_status *code)
{
    size_t unit = objects ? 5 : 1, len = (size_t)n * unit * 2 + 1, o = 0;
    char *text = malloc(len);
    cardc_pull p;
    cardc_token tok;
    int deepest = 0;

    for (int k = 0; k < n; k++) {
        memcpy(text + o, objects ? "{\"a\":" : "[", unit);
        o += unit;
    }
    text[o++] = '1';
    for (int k = 0; k < n; k++)
        text[o++] = objects ? '}' : ']';
    cardc_pull_init(&p, text, o, max_depth);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
        if (p.depth > deepest)
            deepest = p.depth;
    *err_offset = p.error_offset;
    *code = p.error;
    cardc_pull_free(&p);
    free(text);
    return tok == CARDC_TOK_END && deepest == n;
}

static void test_depth(void)
{
    size_t off;
    cardc_status code;

    CHECK(nested(10000, 0, 0, &off, &code));
    CHECK(!nested(10001, 0, 0, &off, &code) && code == CARDC_E_LIMIT && off == 10000);
    CHECK(nested(10000, 1, 0, &off, &code));
    CHECK(!nested(10001, 1, 0, &off, &code) && code == CARDC_E_LIMIT && off == 50000);
    CHECK(nested(3, 0, 3, &off, &code));
    CHECK(!nested(4, 0, 3, &off, &code) && code == CARDC_E_LIMIT && off == 3);
    CHECK(nested(100000, 0, 100000, &off, &code));
    /* the ceiling cardc_json_parse has too */
    CHECK(!nested(100001, 0, 200000, &off, &code) && code == CARDC_E_LIMIT && off == 100000);
    CHECK(nested(CARDC_PULL_INLINE_DEPTH, 0, 0, &off, &code));
    CHECK(nested(CARDC_PULL_INLINE_DEPTH + 1, 1, 0, &off, &code));
    {
        char got[256];
        trace("[[[1]]]", 7, 2, got, sizeof got);
        CHECK_STR(got, "[ [ ERR@2:nesting too deep (the limit is 2 levels)");
    }
}

static void test_skip(void)
{
    static const char doc[] =
        "{\"a\": [1, {\"b\": [2, \"]\"]}, \"x\"], \"c\": 4, \"d\": {\"e\": {}}, \"f\": 5}";
    cardc_pull p;

    cardc_pull_init(&p, doc, sizeof doc - 1, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_skip(&p) == 0 && p.tok == CARDC_TOK_ARRAY_END && p.depth == 1);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && strcmp(p.str, "c") == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER);
    CHECK(cardc_pull_skip(&p) == 0 && p.tok == CARDC_TOK_NUMBER); /* a scalar: nothing to do */
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && strcmp(p.str, "d") == 0);
    CHECK(cardc_pull_skip(&p) == 0 && p.tok == CARDC_TOK_OBJECT_END &&
          p.depth == 1); /* after KEY: the member's value */
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && strcmp(p.str, "f") == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_int == 5);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_END);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
    cardc_pull_free(&p);

    /* At the root, and on bad text inside the skipped value. */
    cardc_pull_init(&p, doc, sizeof doc - 1, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
    CHECK(cardc_pull_skip(&p) == 0 && p.depth == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
    cardc_pull_free(&p);
    cardc_pull_init(&p, "[1, {\"a\": tru}]", 15, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_skip(&p) == -1 && p.tok == CARDC_TOK_ERROR && p.error_offset == 10);
    CHECK(cardc_pull_skip(&p) == -1);
    cardc_pull_free(&p);
}

static void test_save_restore(void)
{
    static const char doc[] = "[1, {\"a\": [2, 3], \"b\": \"s\"}, 4]";
    cardc_pull p;
    cardc_pull_mark m, m2;

    cardc_pull_init(&p, doc, sizeof doc - 1, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER);
    cardc_pull_save(&p, &m); /* before the object */
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY);
    cardc_pull_save(&p, &m2); /* after a key, inside the object */
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_int == 2);
    cardc_pull_restore(&p, &m2);
    CHECK(p.tok == CARDC_TOK_KEY && p.depth == 2);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN && p.depth == 3);
    CHECK(cardc_pull_skip(&p) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && strcmp(p.str, "b") == 0);
    /* back over the whole object, then the other way through it */
    cardc_pull_restore(&p, &m);
    CHECK(p.tok == CARDC_TOK_NUMBER && p.depth == 1);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN && p.tok_offset == 4);
    CHECK(cardc_pull_skip(&p) == 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_int == 4);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_END);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
    cardc_pull_free(&p);

    /* A branch that reads into an error backtracks cleanly. */
    cardc_pull_init(&p, "[\"x\", 1]", 8, 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    cardc_pull_save(&p, &m);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING);
    p.len = 3; /* a branch that sees the text cut short */
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ERROR);
    p.len = 8;
    cardc_pull_restore(&p, &m);
    CHECK(p.error == CARDC_OK && p.tok == CARDC_TOK_ARRAY_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_STRING);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_END);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
    cardc_pull_free(&p);

    /* Deeper than the inline stack, restored across the heap stack. */
    {
        char text[400];
        int d = 0;
        for (int k = 0; k < 150; k++)
            text[d++] = '[';
        for (int k = 0; k < 150; k++)
            text[d++] = ']';
        cardc_pull_init(&p, text, (size_t)d, 0);
        for (int k = 0; k < 100; k++)
            cardc_pull_next(&p);
        cardc_pull_save(&p, &m);
        for (int k = 0; k < 100; k++)
            cardc_pull_next(&p);
        cardc_pull_restore(&p, &m);
        CHECK(p.depth == 100);
        while (cardc_pull_next(&p) > CARDC_TOK_END)
            ;
        CHECK(p.tok == CARDC_TOK_END);
        cardc_pull_free(&p);
    }
}

/* Reads `doc` (an object whose first member is the array) with
 * cardc_pull_bytes at its array; returns its result and checks the rest of
 * the document still reads to the end. */
static int bytes_of(const char *doc, uint8_t **data, size_t *count, int *tail_ok,
                    cardc_token *after)
{
    cardc_pull p;
    int r;

    cardc_pull_init(&p, doc, strlen(doc), 0);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY);
    CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
    r = cardc_pull_bytes(&p, data, count);
    *after = r == 0 ? cardc_pull_next(&p) : p.tok;
    while (cardc_pull_next(&p) > CARDC_TOK_END)
        ;
    *tail_ok = p.tok == CARDC_TOK_END;
    cardc_pull_free(&p);
    return r;
}

static void test_bytes(void)
{
    static const struct {
        const char *doc;
        cardc_token first; /* the first element, re-read after 0 */
    } fallback[] = {
        {"{\"i\": [1, 256, 2]}", CARDC_TOK_NUMBER},
        {"{\"i\": [1.5]}", CARDC_TOK_NUMBER},
        {"{\"i\": [0, -1]}", CARDC_TOK_NUMBER},
        {"{\"i\": [1e2]}", CARDC_TOK_NUMBER},
        {"{\"i\": [7, 8, 1E2, 9]}", CARDC_TOK_NUMBER},
        {"{\"i\": [\"x\"]}", CARDC_TOK_STRING},
        {"{\"i\": [3, null]}", CARDC_TOK_NUMBER},
        {"{\"i\": [[1]]}", CARDC_TOK_ARRAY_BEGIN},
        {"{\"i\": [1000]}", CARDC_TOK_NUMBER},
        {"{\"i\": [2550]}", CARDC_TOK_NUMBER},
        {"{\"i\": [0.0]}", CARDC_TOK_NUMBER},
        {"{\"i\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99999999999999999999]}",
         CARDC_TOK_NUMBER},
    };
    static const struct {
        const char *doc;
        size_t offset;
    } syntax[] = {
        {"{\"i\": [1,]}", 9},  {"{\"i\": [1 2]}", 9},  {"{\"i\": [01]}", 7}, {"{\"i\": [1,,2]}", 9},
        {"{\"i\": [12x]}", 7}, {"{\"i\": [1, 2}", 11}, {"{\"i\": [-]}", 7},
    };
    uint8_t *data;
    size_t count;
    int tail;
    cardc_token after;

    CHECK(bytes_of("{\"i\": [0, 1,255 , 10\n,\t7,99,100]}", &data, &count, &tail, &after) == 1 &&
          count == 7 && tail && after == CARDC_TOK_ARRAY_END);
    CHECK(data && data[0] == 0 && data[1] == 1 && data[2] == 255 && data[3] == 10 && data[4] == 7 &&
          data[5] == 99 && data[6] == 100);
    free(data);
    CHECK(bytes_of("{\"i\": [ ]}", &data, &count, &tail, &after) == 1 && count == 0 && tail);
    free(data);
    CHECK(bytes_of("{\"i\": [5]}", &data, &count, &tail, &after) == 1 && count == 1 &&
          data[0] == 5 && tail);
    free(data);

    for (size_t k = 0; k < sizeof fallback / sizeof *fallback; k++) {
        int r = bytes_of(fallback[k].doc, &data, &count, &tail, &after);
        CHECK_MSG(r == 0 && !data && count == 0 && after == fallback[k].first && tail,
                  "%s: bytes %d, then token %d, tail %d", fallback[k].doc, r, (int)after, tail);
        free(data);
    }

    for (size_t k = 0; k < sizeof syntax / sizeof *syntax; k++) {
        cardc_pull p;
        const char *doc = syntax[k].doc;
        size_t off = 0, len = strlen(doc);
        char ref_msg[160] = "";
        struct json_object *o = NULL;
        int r;

        cardc_pull_init(&p, doc, len, 0);
        cardc_pull_next(&p);
        cardc_pull_next(&p);
        cardc_pull_next(&p);
        r = cardc_pull_bytes(&p, &data, &count);
        CHECK_MSG(r == -1 && !data && p.tok == CARDC_TOK_ERROR &&
                      p.error_offset == syntax[k].offset,
                  "%.*s: bytes %d, error at %zu: %s", (int)len, doc, r, p.error_offset, p.message);
        cardc_pull_free(&p);
        /* the general path says the same */
        CHECK(cardc__json_parse(doc, len, 100, 0, &o, &off, ref_msg, sizeof ref_msg) != CARDC_OK);
        CHECK_MSG(off == syntax[k].offset, "%.*s: json_parse at %zu: %s", (int)len, doc, off,
                  ref_msg);
    }
    /* The array at the root, its tail read byte by byte near the end. */
    {
        cardc_pull p;
        cardc_pull_init(&p, "[1,22,255,0]", 12, 0);
        CHECK(cardc_pull_bytes(&p, &data, &count) == 0 && !data); /* no '[' read yet */
        CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
        CHECK(cardc_pull_bytes(&p, &data, &count) == 1 && count == 4 && data[0] == 1 &&
              data[1] == 22 && data[2] == 255 && data[3] == 0);
        free(data);
        CHECK(p.tok == CARDC_TOK_ARRAY_END && p.tok_offset == 11 && p.depth == 0);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_END);
        cardc_pull_free(&p);
        cardc_pull_init(&p, "[9,256]", 7, 0);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_ARRAY_BEGIN);
        CHECK(cardc_pull_bytes(&p, &data, &count) == 0 && !data && p.tok == CARDC_TOK_ARRAY_BEGIN);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_int == 9);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER && p.num_int == 256);
        cardc_pull_free(&p);
    }
    /* The text ends in the array: 0, the general path finds the end. */
    CHECK(bytes_of("{\"i\": [1, 2", &data, &count, &tail, &after) == 0 && !tail);

    /* A large array with all three lengths and some whitespace, exactly. */
    {
        size_t n = 100000, o = 0;
        char *doc = malloc(n * 6 + 16);
        int ok = 1;
        o += (size_t)sprintf(doc, "{\"i\": [");
        for (size_t k = 0; k < n; k++)
            o += (size_t)sprintf(doc + o, k % 97 == 0 ? " %u ,\n" : "%u,", (unsigned)(k * 7 % 256));
        doc[o - 1] = ']';
        doc[o++] = '}';
        doc[o] = '\0';
        CHECK(bytes_of(doc, &data, &count, &tail, &after) == 1 && count == n && tail);
        for (size_t k = 0; k < n && data; k++)
            ok &= data[k] == (uint8_t)(k * 7 % 256);
        CHECK(data && ok);
        free(data);
        free(doc);
    }
}

/* Every element length at every position of a 16-byte block, values on
 * both sides of 255 (a fixed pseudo-random sequence): the block scan's
 * arithmetic in bytes must give each element exactly, or leave an array
 * with a value above 255 to the general path, whatever its neighbours. */
static void test_bytes_blocks(void)
{
    uint32_t seed = 12345;
    char doc[4200];
    uint8_t want[1000], *data;
    size_t count;
    int tail, bad = 0;
    cardc_token after;

    for (int round = 0; round < 3000 && !bad; round++) {
        size_t n = 1 + round % 997 % 300, o = (size_t)sprintf(doc, "{\"i\": [");
        int over = 0;
        for (size_t k = 0; k < n; k++) {
            unsigned v;
            seed = seed * 1103515245u + 12345u;
            /* mostly bytes; one array in four may hold 256-299 */
            v = (seed >> 8) % (round % 4 == 0 ? 300u : 256u);
            over |= v > 255;
            want[k] = (uint8_t)v;
            o += (size_t)sprintf(doc + o, (seed >> 20) % 61 == 0 ? "%u , " : "%u,", v);
        }
        o -= doc[o - 2] == ',' ? 2 : 1; /* the last separator */
        o += (size_t)sprintf(doc + o, "]}");
        int r = bytes_of(doc, &data, &count, &tail, &after);
        if (over)
            bad = !(r == 0 && !data && tail);
        else
            bad = !(r == 1 && count == n && tail && memcmp(data, want, n) == 0);
        CHECK_MSG(!bad, "round %d: %s: bytes %d, count %zu", round, doc, r, count);
        free(data);
    }
}

/* Each block scan on its own (the dispatcher runs only the machine's
 * widest): from an element's start, what it stores must be the elements in
 * order, and where it stops the start of the next one, whatever the lengths,
 * alignments and values (above 255 included) of a fixed pseudo-random
 * sequence. */
typedef size_t (*byte_run_fn)(const unsigned char *, size_t, size_t, unsigned char *, size_t *,
                              size_t);

static void check_byte_run(const char *name, byte_run_fn run)
{
    uint32_t seed = 99;
    char text[2048];
    unsigned vals[400];
    size_t starts[401];
    unsigned char out[512];
    int bad = 0;

    for (int round = 0; round < 2000 && !bad; round++) {
        size_t n = 1 + (size_t)round % 300, o = 0, w = 0, i;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            vals[k] = (seed >> 8) % (round % 3 == 0 ? 1000u : 256u);
            starts[k] = o;
            o += (size_t)sprintf(text + o, "%u,", vals[k]);
        }
        starts[n] = o;
        memcpy(text + o, "]}                                ", 34);
        i = run((const unsigned char *)text, o + 34, 0, out, &w, sizeof out);
        bad = i != starts[w];
        for (size_t k = 0; k < w && !bad; k++)
            bad = vals[k] > 255 || out[k] != vals[k];
        /* it stops before the first element above 255 at the latest, and
         * in an array of bytes only in its last block */
        int over = 0;
        for (size_t k = 0; k < n; k++)
            over |= vals[k] > 255;
        if (!over && n >= 40)
            bad = bad || w < n - 16;
        CHECK_MSG(!bad, "%s: round %d: stopped at %zu after %zu elements", name, round, i, w);
    }
}

static void test_byte_runs(void)
{
    check_byte_run("16-byte blocks", jsimd_byte_run_sse2);
#if defined(JSIMD_AVX2)
    if (JSIMD_HAVE_AVX2())
        check_byte_run("32-byte blocks", jsimd_byte_run_avx2);
    else
        printf("test_pull: no AVX2 here: its block scan is not tested\n");
#endif
}

static void test_errors(void)
{
    static const struct {
        const char *text;
        size_t len; /* 0: strlen */
        size_t offset;
        cardc_status code;
        const char *message;
    } cases[] = {
        {"", 0, 0, CARDC_E_JSON, "unexpected end of data"},
        {"  ", 0, 2, CARDC_E_JSON, "unexpected end of data"},
        {"[1,", 0, 3, CARDC_E_JSON, "unexpected end of data"},
        {"[1,]", 0, 3, CARDC_E_JSON, "unexpected character ']'"},
        {"[1 2]", 0, 3, CARDC_E_JSON, "',' or ']' expected"},
        {"{\"a\" 1}", 0, 5, CARDC_E_JSON, "':' expected after object key"},
        {"{\"a\":1 \"b\":2}", 0, 7, CARDC_E_JSON, "',' or '}' expected"},
        {"{,}", 0, 1, CARDC_E_JSON, "object key (a double-quoted string) expected"},
        {"{\"a\":1,}", 0, 7, CARDC_E_JSON, "object key (a double-quoted string) expected"},
        {"{1:2}", 0, 1, CARDC_E_JSON, "object key (a double-quoted string) expected"},
        {"[\"abc", 0, 5, CARDC_E_JSON, "unexpected end of data"},
        {"tru", 0, 3, CARDC_E_JSON, "unexpected end of data"},
        {"[tru]", 0, 1, CARDC_E_JSON, "invalid literal 'tru' (only true, false and null exist)"},
        {"[nul, 1]", 0, 1, CARDC_E_JSON, "invalid literal 'nul' (only true, false and null exist)"},
        {"01", 0, 0, CARDC_E_JSON, "leading zeros are not allowed in numbers"},
        {"-", 0, 1, CARDC_E_JSON, "unexpected end of data"},
        {"[-a]", 0, 1, CARDC_E_JSON, "invalid number: a digit must follow '-'"},
        {"[1.]", 0, 1, CARDC_E_JSON, "invalid number: a digit must follow the decimal point"},
        {"1.", 0, 2, CARDC_E_JSON, "unexpected end of data"},
        {"[1e]", 0, 1, CARDC_E_JSON, "invalid number: the exponent has no digits"},
        {"1e+", 0, 3, CARDC_E_JSON, "unexpected end of data"},
        {"[1x]", 0, 1, CARDC_E_JSON, "invalid number"},
        {"1 2", 0, 2, CARDC_E_JSON, "unexpected character '2' after the JSON value"},
        {"{} x", 0, 3, CARDC_E_JSON, "invalid literal 'x' (only true, false and null exist)"},
        {"[] f", 0, 3, CARDC_E_JSON, "unexpected character 'f' after the JSON value"},
        {"{} true", 0, 3, CARDC_E_JSON, "unexpected character 't' after the JSON value"},
        {"['a']", 0, 1, CARDC_E_JSON, "single-quoted strings are not allowed"},
        {"[1]//", 0, 3, CARDC_E_JSON, "comments are not allowed"},
        {"[\f]", 0, 1, CARDC_E_JSON,
         "invalid whitespace U+000C (only space, tab, CR and LF are allowed)"},
        {"[\0]", 3, 1, CARDC_E_JSON, "unexpected NUL byte"},
        {"\xEF\xBB\xBF[]", 0, 0, CARDC_E_JSON, "unexpected byte order mark (U+FEFF)"},
        {"[\xC3\xA9]", 0, 1, CARDC_E_JSON, "unexpected character U+00E9"},
        {"[#]", 0, 1, CARDC_E_JSON, "unexpected character '#'"},
        {"[1}", 0, 2, CARDC_E_JSON, "',' or ']' expected"},
        {"{\"a\":1]", 0, 6, CARDC_E_JSON, "',' or '}' expected"},
        {"\"a\tb\"", 0, 2, CARDC_E_JSON, "unescaped control character U+0009 in a string"},
        {"\"\\x\"", 0, 1, CARDC_E_JSON, "invalid escape sequence: backslash followed by 'x'"},
        {"\"\\u12G4\"", 0, 1, CARDC_E_JSON, "invalid \\u escape: four hex digits expected"},
        {"\"\\u12", 0, 5, CARDC_E_JSON, "unexpected end of data"},
        {"\"\\", 0, 2, CARDC_E_JSON, "unexpected end of data"},
        /* UTF-8: overlong, a surrogate, past U+10FFFF, cut short, stray */
        {"[\"\xC0\xAF\"]", 0, 2, CARDC_E_UTF8, "invalid UTF-8 (byte 0xC0) in a string"},
        {"\"ab\xED\xA0\x80\"", 0, 3, CARDC_E_UTF8, "invalid UTF-8 (byte 0xED) in a string"},
        {"\"\xF4\x90\x80\x80\"", 0, 1, CARDC_E_UTF8, "invalid UTF-8 (byte 0xF4) in a string"},
        {"\"\xE2\x82\"", 0, 1, CARDC_E_UTF8, "invalid UTF-8 (byte 0xE2) in a string"},
        {"\"\x80\"", 0, 1, CARDC_E_UTF8, "invalid UTF-8 (byte 0x80) in a string"},
        {"[\xFF]", 0, 1, CARDC_E_UTF8, "invalid UTF-8 (byte 0xFF)"},
    };

    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char *text = cases[k].text;
        size_t len = cases[k].len ? cases[k].len : strlen(text);
        cardc_pull p;
        cardc_token tok;
        char ref_msg[160] = "";
        size_t ref_off = 0;
        struct json_object *o = NULL;
        cardc_status ref;

        cardc_pull_init(&p, text, len, 0);
        while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
            ;
        CHECK_MSG(tok == CARDC_TOK_ERROR && p.error == cases[k].code &&
                      p.error_offset == cases[k].offset && strcmp(p.message, cases[k].message) == 0,
                  "case %zu: got %d at %zu: %s", k, (int)p.error, p.error_offset, p.message);
        cardc_pull_free(&p);
        /* cardc_json_parse reports the same place in the same words. */
        ref = cardc__json_parse(text, len, 100, 0, &o, &ref_off, ref_msg, sizeof ref_msg);
        json_object_put(o);
        CHECK_MSG(ref == cases[k].code && ref_off == cases[k].offset,
                  "case %zu: json_parse says %d at %zu: %s", k, (int)ref, ref_off, ref_msg);
        CHECK_MSG(strcmp(ref_msg, cases[k].message) == 0, "case %zu: json_parse words it \"%s\"", k,
                  ref_msg);
    }
}

/* Callers turn error_offset into line:column with textpos.h: the same as
 * cardc_json_parse reports. */
static void test_position(void)
{
    static const char doc[] = "{\n  \"a\": [1,\n        2,,\n  ]\n}";
    cardc_pull p;
    cardc_error err;
    struct json_object *o = NULL;
    int line = 0, column = 0;

    cardc_pull_init(&p, doc, sizeof doc - 1, 0);
    while (cardc_pull_next(&p) > CARDC_TOK_END)
        ;
    cardc__text_position(doc, sizeof doc - 1, p.error_offset, 0, &line, &column);
    cardc_error_clear(&err);
    CHECK(cardc_json_parse(doc, sizeof doc - 1, NULL, 0, &o, &err) == CARDC_E_JSON);
    CHECK(line == 3 && column == 11 && err.line == line && err.column == column);
    CHECK_STR(p.message, "unexpected character ','");
    cardc_pull_free(&p);
}

/* The byte-at-a-time rules of textpos.h, written out plainly: what
 * cardc__text_position's 16-byte blocks must agree with. */
static void reference_position(const unsigned char *s, size_t offset, int yaml, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < offset;) {
        size_t br = s[i] == '\n' ? 1 : s[i] == '\r' ? (s[i + 1] == '\n' ? 2 : 1) : 0;
        if (yaml && s[i] == 0xC2 && s[i + 1] == 0x85)
            br = 2;
        if (yaml && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
            br = 3;
        if (br) {
            if (i + br > offset) {
                c++;
                break;
            }
            i += br, l++, c = 1;
            continue;
        }
        c += (s[i] & 0xC0) != 0x80;
        i++;
    }
    *line = l;
    *col = c;
}

/* Every offset of texts long enough for several blocks, with breaks,
 * multi-byte characters and YAML's breaks at every distance from a block's
 * edge: the line and column of the plain rules. */
static void test_positions_in_blocks(void)
{
    static const char *const pieces[] = {"a",
                                         "bc",
                                         "\n",
                                         "\r\n",
                                         "\r",
                                         "\xc3\xa9",
                                         "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         "\xc2\x85",
                                         "\xe2\x80\xa8",
                                         "xyzxyzxyzxyzxyz"};
    unsigned char text[600];
    uint32_t seed = 7;
    int bad = 0;

    for (int round = 0; round < 40; round++) {
        size_t n = 0;
        while (n < 500) {
            seed = seed * 1103515245u + 12345u;
            /* long plain runs more often than breaks, so blocks are skipped too */
            const char *p = pieces[(seed >> 16) % 4 == 0 ? (seed >> 8) % 11 : 10];
            size_t k = strlen(p);
            memcpy(text + n, p, k);
            n += k;
        }
        memset(text + n, 0, 4);
        for (int yaml = 0; yaml <= 1; yaml++)
            for (size_t off = 0; off <= n; off++) {
                int l1, c1, l2, c2;
                reference_position(text, off, yaml, &l1, &c1);
                cardc__text_position((const char *)text, n, off, yaml, &l2, &c2);
                bad += l1 != l2 || c1 != c2;
            }
    }
    CHECK(bad == 0);
}

/* CARDC_DUPLICATE_KEYS_REJECT: the pull parser refuses what
 * cardc_json_parse_ex refuses, at the same offset in the same words, and a
 * restored mark forgets the keys read after it. */
static void test_duplicate_keys(void)
{
    static const char *const docs[] = {
        "{\"a\":1,\"a\":2}",
        "{\"a\":{\"a\":1,\"b\":2},\"b\":{\"b\":[{\"b\":1}],\"c\":3}}",
        "[{\"x\":1},{\"x\":1,\"y\":{},\"x\":2}]",
        "{\"a\\u0000b\":1,\"a\":2}",
        "{\"\\u00e9\":1,\"\u00c3\u00a9\":2}",
        "{\"a\":1,\"b\":{\"c\":2},\"b\":3",
        "{\"a\":1,\"a\"",
        "{\"k\":1,\"k\":2,]",
    };
    cardc_json_options o;

    cardc_json_options_init(&o);
    o.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    for (size_t k = 0; k < sizeof docs / sizeof docs[0]; k++) {
        const char *text = docs[k];
        size_t len = strlen(text), ref_off = 0;
        char ref_msg[256] = "";
        struct json_object *doc = NULL;
        cardc_pull p;
        cardc_token tok;
        cardc_status ref;

        cardc_pull_init_ex(&p, text, len, &o);
        while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
            ;
        ref = cardc__json_parse(text, len, 100, CARDC__JSON_UNIQUE_KEYS, &doc, &ref_off, ref_msg,
                                sizeof ref_msg);
        json_object_put(doc);
        CHECK_MSG((tok == CARDC_TOK_END) == (ref == CARDC_OK), "doc %zu: pull %d, tree %d", k,
                  (int)tok, (int)ref);
        if (tok == CARDC_TOK_ERROR && ref != CARDC_OK)
            CHECK_MSG(p.error == ref && p.error_offset == ref_off &&
                          strcmp(p.message, ref_msg) == 0,
                      "doc %zu: pull %s at %zu, tree %s at %zu", k, p.message, p.error_offset,
                      ref_msg, ref_off);
        cardc_pull_free(&p);
    }

    /* a branch read twice (save, read a key, restore, read it again) is no
     * duplicate; a real one after it still is */
    {
        static const char doc[] = "{\"a\":{\"x\":1},\"b\":2,\"a\":3}";
        cardc_pull p;
        cardc_pull_mark m;

        cardc_pull_init_ex(&p, doc, sizeof doc - 1, &o);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
        cardc_pull_save(&p, &m);
        for (int round = 0; round < 3; round++) {
            cardc_pull_restore(&p, &m);
            CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY);
            CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_BEGIN);
            CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY);
        }
        CHECK(cardc_pull_skip(&p) == 0);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_OBJECT_END);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_KEY && strcmp(p.str, "b") == 0);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_NUMBER);
        CHECK(cardc_pull_next(&p) == CARDC_TOK_ERROR);
        CHECK_STR(p.message, "duplicate object key \"a\"");
        CHECK(p.error == CARDC_E_JSON && p.error_offset == 19);
        cardc_pull_free(&p);
    }

    /* last wins: cardc_pull_init and NULL options read duplicates */
    {
        cardc_pull p;
        cardc_token tok;
        cardc_pull_init_ex(&p, "{\"a\":1,\"a\":2}", 13, NULL);
        while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
            ;
        CHECK(tok == CARDC_TOK_END && p.keys == NULL);
        cardc_pull_free(&p);
    }
}

int main(void)
{
    test_position();
    test_positions_in_blocks();
    test_tokens();
    test_strings();
    test_lent_scratch();
    test_borrowed_strings();
    test_numbers();
    test_depth();
    test_skip();
    test_save_restore();
    test_bytes();
    test_bytes_blocks();
    test_byte_runs();
    test_errors();
    test_duplicate_keys();
    return check_summary();
}
