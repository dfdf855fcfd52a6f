/* SPDX-License-Identifier: MIT */
/* ECMA-262 regex semantics on pcre2 (runtime/src/regex.c), including the
 * JSON-Schema-Test-Suite's ECMA regex cases run directly.
 * Usage: test_regex SHARED_DIR */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema/regex.h"

#include "check.h"

/* Search result of pattern on subject (both NUL-terminated); -9 if the
 * pattern does not compile. */
static int search(const char *pattern, const char *subject)
{
    char err[256];
    cardc_regex *re = cardc_regex_compile(pattern, strlen(pattern), NULL, err, sizeof err, NULL);
    if (!re) {
        fprintf(stderr, "pattern /%s/ does not compile: %s\n", pattern, err);
        return -9;
    }
    int r = cardc_regex_search(re, subject, strlen(subject));
    cardc_regex_free(re);
    return r;
}

static void expect_match(const char *pattern, const char *subject, int want)
{
    int got = search(pattern, subject);
    if (got != want) {
        fprintf(stderr, "/%s/ on \"%s\": got %d, want %d\n", pattern, subject, got, want);
        CHECK_FAIL();
    }
}

static void expect_error(const char *pattern, const char *want_msg)
{
    char err[256];
    cardc_regex *re = cardc_regex_compile(pattern, strlen(pattern), NULL, err, sizeof err, NULL);
    if (re) {
        fprintf(stderr, "/%s/ compiled, want error \"%s\"\n", pattern, want_msg);
        CHECK_FAIL();
        cardc_regex_free(re);
        return;
    }
    if (!strstr(err, want_msg)) {
        fprintf(stderr, "/%s/: error \"%s\", want \"%s\"\n", pattern, err, want_msg);
        CHECK_FAIL();
    }
    CHECK(!cardc_regex_valid(pattern, strlen(pattern), NULL, 0));
}

static void test_semantics(void)
{
    /* \d, \w ASCII only; \s is ECMA's set. */
    expect_match("^\\d$", "7", 1);
    expect_match("^\\d$", "\xe0\xa7\xaa", 0); /* BENGALI DIGIT FOUR */
    expect_match("^\\D$", "\xe0\xa7\xaa", 1);
    expect_match("^\\w+$", "abc_XYZ_09", 1);
    expect_match("^\\w$", "\xc3\xa9", 0); /* e-acute */
    expect_match("^\\W$", "\xc3\xa9", 1);
    expect_match("^\\s$", "\xc2\xa0", 1);     /* U+00A0 */
    expect_match("^\\s$", "\xef\xbb\xbf", 1); /* U+FEFF */
    expect_match("^\\s$", "\xe2\x80\x83", 1); /* U+2003 EM SPACE */
    expect_match("^\\s$", "\x0b", 1);
    expect_match("^\\s$", "\xe2\x80\x93", 0); /* EN DASH */
    expect_match("^\\S$", "\xc2\xa0", 0);
    expect_match("^[\\s]$", "\xef\xbb\xbf", 1);
    expect_match("^[^\\s]$", "\xef\xbb\xbf", 0);
    expect_match("^[a\\S]$", "b", 1);
    expect_match("^[a\\S]$", " ", 0);
    expect_match("^[^a\\S]$", " ", 1);
    expect_match("^[^a\\S]$", "a", 0);
    expect_match("^[^a\\S]$", "b", 0);
    expect_match("\\bfoo\\b", "a foo.", 1);
    expect_match("\\bfoo\\b",
                 "\xc3\xa9"
                 "foo",
                 1); /* e-acute is not a word char */
    expect_match("\\Bfoo", "xfoo", 1);
    /* Unanchored search; ^ and $ only at the ends; $ not before a final \n. */
    expect_match("b", "abc", 1);
    expect_match("b+c", "abbbc", 1);
    expect_match("^abc$", "abc", 1);
    expect_match("^abc$", "abc\n", 0);
    expect_match("^a.c$", "abc", 1);
    expect_match("^a.c$", "a\nc", 0);
    expect_match("^a.c$",
                 "a\xe2\x80\xa8"
                 "c",
                 0); /* U+2028 */
    expect_match("^a.c$",
                 "a\xc2\x85"
                 "c",
                 1); /* U+0085 is not a terminator */
    expect_match("x$", "x\ny", 0);
    expect_match("^y", "x\ny", 0);
    /* Escapes. */
    expect_match("^\\cC$", "\x03", 1);
    expect_match("^\\cc$", "\x03", 1);
    expect_match("^\\u00e9$", "\xc3\xa9", 1);
    expect_match("^\\u{1F432}$", "\xf0\x9f\x90\xb2", 1);
    expect_match("^\\ud83d\\udc32$", "\xf0\x9f\x90\xb2", 1);
    expect_match("^\\x41$", "A", 1);
    expect_match("^\\v$", "\x0b", 1);
    expect_match("^\\v$", "\n", 0);
    expect_match("^\\p{Letter}+$", "\xc3\xa9t\xc3\xa9", 1);
    expect_match("^\\p{Lu}$", "a", 0);
    expect_match("^\\p{Script=Greek}$", "\xce\xb1", 1);
    expect_match("^\\p{General_Category=Decimal_Number}$", "\xe0\xa7\xaa", 1);
    expect_match("^\\P{L}$", "1", 1);
    expect_match("^\\-\\/\\.$", "-/.", 1);
    /* Groups, back references, lookaround, empty classes. */
    expect_match("^(?<q>['\"]).*\\k<q>$", "'x'", 1);
    expect_match("^(a)\\1$", "aa", 1);
    expect_match("^(?:(a)|b)\\1$", "b", 1); /* unset group matches empty (ECMA) */
    expect_match("(?<=\\$)\\d+", "cost $42", 1);
    expect_match("^[]$", "", 0);
    expect_match("^[^]$", "\n", 1);
    expect_match("^[[:alpha:]]$", ":]", 1); /* no POSIX classes in ECMA */
    expect_match("^(?i:ab)c$", "ABc", 1);
    /* Fast paths agree with the engine. */
    expect_match("", "anything", 1);
    expect_match(".*", "", 1);
    expect_match("abc", "xxabcxx", 1);
    expect_match("abc", "xxabxcx", 0);
    expect_match("^abc", "abcd", 1);
    expect_match("^abc", "xabc", 0);
    expect_match("abc$", "xabc", 1);
    expect_match("abc$", "abcx", 0);
    expect_match("^$", "", 1);
    expect_match("^$", "x", 0);
    /* A subject with a NUL and invalid UTF-8 does not crash. */
    {
        char err[128];
        cardc_regex *re = cardc_regex_compile("b.c", 3, NULL, err, sizeof err, NULL);
        CHECK(re != NULL);
        CHECK(cardc_regex_search(re, "ab\0cd", 5) == 1);
        CHECK(cardc_regex_search(re,
                                 "a\xff"
                                 "bxc",
                                 5) == 1);
        CHECK(cardc_regex_search(re, "\xff\xfe", 2) == 0);
        CHECK(strcmp(cardc_regex_pattern(re), "b.c") == 0);
        CHECK(cardc_regex_search(re, NULL, 0) == 0);
        CHECK(cardc_regex_search(NULL, "x", 1) == -1);
        cardc_regex_free(re);
    }
    cardc_regex_free(NULL);
}

static void test_errors(void)
{
    expect_error("(ab", "missing closing parenthesis at offset 3");
    expect_error("a{2,1}", "numbers out of order in {} quantifier at offset 5");
    expect_error("ab)", "at offset 2");
    expect_error("[a", "missing terminating ] for character class at offset 0");
    expect_error("\\a", "invalid escape \\a at offset 0");
    expect_error("x\\", "\\ at end of pattern at offset 1");
    expect_error("(?P<n>x)", "not ECMA-262 at offset 0");
    expect_error("(?i)abc", "not ECMA-262 at offset 0");
    expect_error("(?#c)a", "not ECMA-262 at offset 0");
    expect_error("(*ACCEPT)", "at offset 0");
    expect_error("a\\Qb", "invalid escape \\Q");
    expect_error("\\p{NoSuchProperty}", "unknown property");
    expect_error("ab\\1", "at offset");
    expect_error("\xff", "UTF-8");
    /* Valid ECMA-262 that pcre2 cannot run: reported as such, but valid. */
    {
        char err[256];
        cardc_regex *re = cardc_regex_compile("(?<=a+)b", 8, NULL, err, sizeof err, NULL);
        CHECK(re == NULL);
        CHECK(strstr(err, "lookbehind") != NULL);
        CHECK(cardc_regex_valid("(?<=a+)b", 8, NULL, 0) == 1);
    }
    CHECK(cardc_regex_compile(NULL, 0, NULL, NULL, 0, NULL) == NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_limits(void)
{
    const char *subject = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
    static const char *const hostile[] = {"^(a+)+$", "^(a|a)*$", "^(a*)*b$", "(a|aa)+$"};
    for (size_t k = 0; k < sizeof hostile / sizeof hostile[0]; k++) {
        char err[256];
        cardc_regex *re =
            cardc_regex_compile(hostile[k], strlen(hostile[k]), NULL, err, sizeof err, NULL);
        CHECK(re != NULL);
        if (!re)
            continue;
        double t0 = now();
        int r = cardc_regex_search(re, subject, strlen(subject));
        double dt = now() - t0;
        printf("limit: /%s/ -> %d in %.3f s\n", hostile[k], r, dt);
        CHECK(r == -1 || r == 0);
        CHECK(dt < 1.0);
        cardc_regex_free(re);
    }
    /* The headline case must hit the limit rather than silently answer. */
    {
        char err[256];
        cardc_regex *re = cardc_regex_compile("^(a+)+$", 7, NULL, err, sizeof err, NULL);
        CHECK(re && cardc_regex_search(re, subject, strlen(subject)) == -1);
        cardc_regex_free(re);
        /* A tiny explicit limit stops even a modest search. */
        re = cardc_regex_compile("^(a|b)*c$", 9, &(cardc_regex_limits){10, 10, 0}, err, sizeof err,
                                 NULL);
        CHECK(re && cardc_regex_search(re, "ababababababababababababababababcx", 34) == -1);
        cardc_regex_free(re);
    }
}

/* Random patterns built from regex syntax: compile and search must never
 * crash, leak or hang (ASan/UBSan builds check the first two). */
static void test_random_patterns(void)
{
    static const char *const atoms[] = {
        "a", "\\", "\\d", "\\S",  "\\u", "\\u{", "\\x", "\\c", "\\p{",     "\\k<", "\\1",      "(",
        ")", "(?", "(?<", "(?<=", "(?:", "(*",   "[",   "]",   "[^",       "^",    "$",        ".",
        "*", "+",  "?",   "{",    "}",   "{2,",  "|",   "-",   "\xc3\xa9", "\xff", "\xe2\x80", "0",
        "9", "}",  ">",   "=",    "!",   "L",    "\\b", "\\v", "\\0",
    };
    uint32_t seed = 12345;
    int compiled = 0;
    for (int n = 0; n < 20000; n++) {
        char pattern[64];
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)(seed >> 16) % 8 + 1;
        for (int k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
            size_t al = strlen(a);
            if (len + al >= sizeof pattern)
                break;
            memcpy(pattern + len, a, al);
            len += al;
        }
        char err[128];
        cardc_regex *re = cardc_regex_compile(pattern, len, NULL, err, sizeof err, NULL);
        int valid = cardc_regex_valid(pattern, len, NULL, 0);
        if (re) {
            compiled++;
            CHECK(valid);
            int r = cardc_regex_search(re, "aa\xc3\xa9-09}{", 8);
            CHECK(r >= -1 && r <= 1);
            cardc_regex_free(re);
        } else {
            CHECK(err[0] != '\0');
        }
    }
    printf("random patterns: %d/20000 compiled\n", compiled);
}

/* ---- the test suite's ECMA regex files ----------------------------------- */

static int suite_total, suite_passed;

/* Only the subschemas these files use: true, {"type": "integer"}. */
static int sub_valid(json_object *schema, json_object *value)
{
    json_object *type;
    if (json_object_is_type(schema, json_type_boolean))
        return json_object_get_boolean(schema);
    if (json_object_object_get_ex(schema, "type", &type))
        return strcmp(json_object_get_string(type), "integer") != 0 ||
               json_object_is_type(value, json_type_int);
    return 1;
}

static int eval_pattern_group(json_object *schema, json_object *data, int *verdict)
{
    json_object *pattern, *pprops, *addl;
    char err[256];
    if (json_object_object_get_ex(schema, "pattern", &pattern)) {
        if (!json_object_is_type(data, json_type_string)) {
            *verdict = 1;
            return 0;
        }
        const char *p = json_object_get_string(pattern);
        cardc_regex *re = cardc_regex_compile(p, (size_t)json_object_get_string_len(pattern), NULL,
                                              err, sizeof err, NULL);
        if (!re) {
            fprintf(stderr, "suite pattern /%s/: %s\n", p, err);
            return -1;
        }
        int r = cardc_regex_search(re, json_object_get_string(data),
                                   (size_t)json_object_get_string_len(data));
        cardc_regex_free(re);
        if (r < 0)
            return -1;
        *verdict = r;
        return 0;
    }
    if (json_object_object_get_ex(schema, "patternProperties", &pprops)) {
        int closed = json_object_object_get_ex(schema, "additionalProperties", &addl) &&
                     !json_object_get_boolean(addl);
        *verdict = 1;
        if (!json_object_is_type(data, json_type_object))
            return 0;
        json_object_object_foreach(data, key, value)
        {
            int matched = 0;
            json_object_object_foreach(pprops, p, sub)
            {
                cardc_regex *re = cardc_regex_compile(p, strlen(p), NULL, err, sizeof err, NULL);
                if (!re) {
                    fprintf(stderr, "suite pattern /%s/: %s\n", p, err);
                    return -1;
                }
                int r = cardc_regex_search(re, key, strlen(key));
                cardc_regex_free(re);
                if (r < 0)
                    return -1;
                if (r) {
                    matched = 1;
                    if (!sub_valid(sub, value))
                        *verdict = 0;
                }
            }
            if (!matched && closed)
                *verdict = 0;
        }
        return 0;
    }
    return -1;
}

static int eval_format_regex(json_object *schema, json_object *data, int *verdict)
{
    json_object *format;
    if (!json_object_object_get_ex(schema, "format", &format) ||
        strcmp(json_object_get_string(format), "regex") != 0)
        return -1;
    *verdict = !json_object_is_type(data, json_type_string) ||
               cardc_regex_valid(json_object_get_string(data),
                                 (size_t)json_object_get_string_len(data), NULL, 0);
    return 0;
}

static void run_suite_file(const char *path, int (*eval)(json_object *, json_object *, int *))
{
    json_object *doc = json_object_from_file(path);
    int total = 0, passed = 0;
    if (!doc || !json_object_is_type(doc, json_type_array)) {
        fprintf(stderr, "FAIL: cannot read test suite file %s\n", path);
        CHECK_FAIL();
        json_object_put(doc);
        return;
    }
    for (size_t g = 0; g < json_object_array_length(doc); g++) {
        json_object *group = json_object_array_get_idx(doc, g), *schema, *tests, *desc;
        json_object_object_get_ex(group, "schema", &schema);
        json_object_object_get_ex(group, "tests", &tests);
        json_object_object_get_ex(group, "description", &desc);
        for (size_t t = 0; t < json_object_array_length(tests); t++) {
            json_object *test = json_object_array_get_idx(tests, t), *data, *valid, *tdesc;
            int verdict = -1;
            json_object_object_get_ex(test, "data", &data);
            json_object_object_get_ex(test, "valid", &valid);
            json_object_object_get_ex(test, "description", &tdesc);
            total++;
            if (eval(schema, data, &verdict) == 0 && verdict == json_object_get_boolean(valid))
                passed++;
            else
                fprintf(stderr, "  miss: %s / %s\n", json_object_get_string(desc),
                        json_object_get_string(tdesc));
        }
    }
    printf("%s: %d/%d\n", path, passed, total);
    suite_total += total;
    suite_passed += passed;
    if (passed != total)
        CHECK_FAIL();
    json_object_put(doc);
}

int main(int argc, char **argv)
{
    char path[4096];
    test_semantics();
    test_errors();
    test_limits();
    test_random_patterns();
    if (argc < 2) {
        fprintf(stderr, "FAIL: usage: test_regex SHARED_DIR (the suite is required)\n");
        return 1;
    }
    const char *base = "JSON-Schema-Test-Suite/tests/draft2020-12/optional";
    snprintf(path, sizeof path, "%s/%s/ecmascript-regex.json", argv[1], base);
    run_suite_file(path, eval_pattern_group);
    snprintf(path, sizeof path, "%s/%s/non-bmp-regex.json", argv[1], base);
    run_suite_file(path, eval_pattern_group);
    snprintf(path, sizeof path, "%s/%s/format/ecmascript-regex.json", argv[1], base);
    run_suite_file(path, eval_format_regex);
    snprintf(path, sizeof path,
             "%s/JSON-Schema-Test-Suite/tests/draft7/optional/ecmascript-regex.json", argv[1]);
    run_suite_file(path, eval_pattern_group);
    printf("suite ECMA regex cases: %d/%d passed\n", suite_passed, suite_total);
    return check_summary();
}
