/* SPDX-License-Identifier: MIT */
/* "format" assertions (runtime/src/format.c) against the
 * JSON-Schema-Test-Suite's optional/format files, run directly: each case's
 * schema "format" is looked up and the string instance checked (non-strings
 * pass, as the spec says). Prints passed/total per file; fails on any miss in
 * the formats cardc claims to implement fully.
 * Usage: test_format SHARED_DIR */
#include <dirent.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/format.h"

#include "check.h"

/* Formats that must pass every suite case. */
static const char *const required[] = {
    "date-time",    "date",
    "time",         "duration",
    "email",        "hostname",
    "ipv4",         "ipv6",
    "uri",          "uri-reference",
    "uuid",         "regex",
    "json-pointer", "relative-json-pointer",
    "idn-hostname", "idn-email",
    "iri",          "iri-reference",
    "uri-template",
};

static int is_required(const char *format)
{
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (strcmp(required[i], format) == 0)
            return 1;
    return 0;
}

static int check_json(json_object *schema, json_object *data)
{
    json_object *format;
    if (!json_object_object_get_ex(schema, "format", &format))
        return -1;
    if (!json_object_is_type(data, json_type_string))
        return 1;
    cardc_format_kind kind = cardc_format_lookup(json_object_get_string(format));
    return cardc_format_check(kind, json_object_get_string(data),
                              (size_t)json_object_get_string_len(data));
}

/* Returns the number of misses. */
static int run_file(const char *dir, const char *name, int *all_total, int *all_passed)
{
    char path[8300];
    int total = 0, passed = 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_object *doc = json_object_from_file(path);
    if (!doc || !json_object_is_type(doc, json_type_array)) {
        fprintf(stderr, "FAIL: cannot read %s\n", path);
        json_object_put(doc);
        return 1;
    }
    for (size_t g = 0; g < json_object_array_length(doc); g++) {
        json_object *group = json_object_array_get_idx(doc, g), *schema, *tests, *desc;
        json_object_object_get_ex(group, "schema", &schema);
        json_object_object_get_ex(group, "tests", &tests);
        json_object_object_get_ex(group, "description", &desc);
        for (size_t t = 0; t < json_object_array_length(tests); t++) {
            json_object *test = json_object_array_get_idx(tests, t), *data, *valid, *tdesc;
            json_object_object_get_ex(test, "data", &data);
            json_object_object_get_ex(test, "valid", &valid);
            json_object_object_get_ex(test, "description", &tdesc);
            total++;
            if (check_json(schema, data) == json_object_get_boolean(valid))
                passed++;
            else
                fprintf(stderr, "  miss %s: %s: %s\n", name, json_object_get_string(tdesc),
                        json_object_to_json_string(data));
        }
    }
    printf("%-90s %3d/%3d\n", path, passed, total);
    *all_total += total;
    *all_passed += passed;
    json_object_put(doc);
    return total - passed;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void run_dir(const char *shared, const char *draft)
{
    char dir[4096];
    char *names[128];
    size_t n = 0;
    int total = 0, passed = 0;
    snprintf(dir, sizeof dir, "%s/JSON-Schema-Test-Suite/tests/%s/optional/format", shared, draft);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "FAIL: test suite directory %s is missing\n", dir);
        CHECK_FAIL();
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) && n < 128) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_names);
    CHECK(n >= 15);
    for (size_t i = 0; i < n; i++) {
        char format[128];
        snprintf(format, sizeof format, "%.*s", (int)(strlen(names[i]) - 5), names[i]);
        /* ecmascript-regex.json holds format "regex" cases. */
        if (strcmp(format, "ecmascript-regex") == 0)
            strcpy(format, "regex");
        int misses = run_file(dir, names[i], &total, &passed);
        if (misses && (is_required(format) || strcmp(format, "unknown") == 0)) {
            fprintf(stderr, "FAIL: %s/%s: %d miss(es) in a fully supported format\n", draft,
                    names[i], misses);
            CHECK_FAIL();
        }
        free(names[i]);
    }
    printf("%s optional/format total: %d/%d\n", draft, passed, total);
}

static void test_direct(void)
{
    CHECK(cardc_format_lookup("date-time") == CARDC_FORMAT_DATE_TIME);
    CHECK(cardc_format_lookup("relative-json-pointer") == CARDC_FORMAT_RELATIVE_JSON_POINTER);
    CHECK(cardc_format_lookup("binary") == CARDC_FORMAT_BINARY);
    CHECK(cardc_format_lookup("no-such-format") == CARDC_FORMAT_UNKNOWN);
    CHECK(cardc_format_lookup(NULL) == CARDC_FORMAT_UNKNOWN);
    CHECK(cardc_format_check(CARDC_FORMAT_UNKNOWN, "anything", 8));
    CHECK(cardc_format_check(CARDC_FORMAT_BINARY, "\0\xff", 2));
    /* Embedded NUL is part of the string, never a terminator. */
    CHECK(!cardc_format_check(CARDC_FORMAT_DATE, "2020-01-01\0", 11));
    CHECK(cardc_format_check(CARDC_FORMAT_DATE, "2020-01-01\0", 10));
    CHECK(!cardc_format_check(CARDC_FORMAT_IPV4, "1.2.3.4\0", 8));
    CHECK(!cardc_format_check(CARDC_FORMAT_HOSTNAME, "a\0b", 3));
    /* Truncated and invalid UTF-8 never crash and are rejected. */
    CHECK(!cardc_format_check(CARDC_FORMAT_IDN_HOSTNAME, "\xe2\x80", 2));
    CHECK(!cardc_format_check(CARDC_FORMAT_IDN_EMAIL, "a@\xff", 3));
    CHECK(!cardc_format_check(CARDC_FORMAT_IRI, "http://a/\xc3", 10));
    CHECK(!cardc_format_check(CARDC_FORMAT_EMAIL, "", 0));
    CHECK(cardc_format_check(CARDC_FORMAT_JSON_POINTER, "", 0));
    /* Leap seconds: only at 23:59:60 UTC. */
    CHECK(cardc_format_check(CARDC_FORMAT_DATE_TIME, "2016-12-31T23:59:60Z", 20));
    CHECK(!cardc_format_check(CARDC_FORMAT_DATE_TIME, "2016-12-31T23:59:60+01:00", 25));
    CHECK(cardc_format_check(CARDC_FORMAT_TIME, "00:59:60+01:00", 14));
    /* Model-card style values. */
    CHECK(cardc_format_check(CARDC_FORMAT_URI, "https://huggingface.co/llava-hf/llava-1.5-7b-hf",
                             47));
    CHECK(cardc_format_check(CARDC_FORMAT_HOSTNAME, "xn--nxasmq6b.com", 16));
    CHECK(cardc_format_check(CARDC_FORMAT_IDN_HOSTNAME, "\xce\xb4\xce\xbf\xce\xba.com", 10));
    CHECK(!cardc_format_check(CARDC_FORMAT_IPV6, "fe80::1%eth0", 12));
    CHECK(cardc_format_check(CARDC_FORMAT_IPV6, "::ffff:1.2.3.4", 14));
    CHECK(cardc_format_check(CARDC_FORMAT_REGEX, "^[a-z]+$", 8));
    CHECK(!cardc_format_check(CARDC_FORMAT_REGEX, "(", 1));
    CHECK(cardc_format_check(CARDC_FORMAT_DURATION, "P1Y2M3DT4H5M6S", 14));
    CHECK(!cardc_format_check(CARDC_FORMAT_DURATION, "P1Y2W", 5));
    /* A long hostile input stays bounded. */
    {
        size_t n = 100000;
        char *big = malloc(n);
        CHECK(big != NULL);
        if (big) {
            memset(big, 'a', n);
            CHECK(!cardc_format_check(CARDC_FORMAT_HOSTNAME, big, n));
            CHECK(!cardc_format_check(CARDC_FORMAT_IDN_HOSTNAME, big, n));
            CHECK(!cardc_format_check(CARDC_FORMAT_EMAIL, big, n));
            CHECK(cardc_format_check(CARDC_FORMAT_URI_REFERENCE, big, n));
            free(big);
        }
    }
}

/* Random strings of format syntax through every check: no crash, no leak
 * (ASan/UBSan builds), an answer of 0 or 1. */
static void test_random(void)
{
    static const char *const atoms[] = {
        "a",
        "Z",
        "0",
        "9",
        "-",
        ".",
        ":",
        "::",
        "/",
        "@",
        "%",
        "%4",
        "%41",
        "[",
        "]",
        "{",
        "}",
        "xn--",
        "P",
        "T",
        "1Y",
        "2M",
        "3D",
        "4H",
        "5S",
        "W",
        "+",
        "#",
        "~",
        "~0",
        "\"",
        "\\",
        " ",
        "\xc3\xa9",
        "\xe3\x80\x82",
        "\xff",
        "\xe2\x80\x8c",
        "\xd7\x90",
        "\xd9\xa0",
        "2020-01-01",
        "23:59:60Z",
        "1.2.3.4",
        "http://",
        "v1.",
        "",
    };
    uint32_t seed = 777;
    for (int n = 0; n < 20000; n++) {
        char buf[96];
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)(seed >> 16) % 10 + 1;
        for (int k = 0; k < parts; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *a = atoms[(seed >> 16) % (sizeof atoms / sizeof atoms[0])];
            size_t al = a[0] ? strlen(a) : 1; /* "" stands for a NUL byte */
            if (len + al >= sizeof buf)
                break;
            memcpy(buf + len, a, al);
            len += al;
        }
        for (int kind = CARDC_FORMAT_UNKNOWN; kind <= CARDC_FORMAT_BINARY; kind++) {
            int r = cardc_format_check((cardc_format_kind)kind, buf, len);
            CHECK(r == 0 || r == 1);
        }
    }
}

int main(int argc, char **argv)
{
    test_direct();
    test_random();
    if (argc < 2) {
        fprintf(stderr, "FAIL: usage: test_format SHARED_DIR (the suite is required)\n");
        return 1;
    }
    run_dir(argv[1], "draft2020-12");
    run_dir(argv[1], "draft2019-09");
    run_dir(argv[1], "draft7");
    return check_summary();
}
