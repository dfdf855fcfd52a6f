/* SPDX-License-Identifier: MIT */
/* Every bound SECURITY.md promises on untrusted payloads, cards and schemas,
 * at the limit (accepted) and one past it (refused with CARDC_E_LIMIT and a
 * message, never a crash or a wrong verdict). SECURITY.md's table points at
 * the functions here; the client's bounds are in tests/mock/test_client_e2e.c
 * (test_bounds) and the CLI's in tests/cli/test_cli.py.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "check.h"
#include "llava-1.5-7b-hf.h"

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        abort();
    return p;
}

/* "[[...]]", depth levels (or "{"k":...}" when obj). Caller frees. */
static char *nested(int depth, int obj, size_t *len)
{
    size_t open = obj ? 5 : 1, n = (size_t)depth * (open + 1) + 1;
    char *s = xmalloc(n + 1), *p = s;

    for (int i = 0; i < depth; i++, p += open)
        memcpy(p, obj ? "{\"k\":" : "[", open);
    if (obj)
        *p++ = '1';
    for (int i = 0; i < depth; i++)
        *p++ = obj ? '}' : ']';
    *p = '\0';
    *len = (size_t)(p - s);
    return s;
}

static cardc_status parse(const char *text, size_t len, int max_depth, cardc_error *err)
{
    struct json_object *doc = NULL;
    cardc_status st = cardc_json_parse(text, len, "b.json", max_depth, &doc, err);
    json_object_put(doc);
    return st;
}

static cardc_status pull_all(const char *text, size_t len, int max_depth)
{
    cardc_pull p;
    cardc_token tok;
    cardc_status st;

    cardc_pull_init(&p, text, len, max_depth);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
        ;
    st = tok == CARDC_TOK_END ? CARDC_OK : p.error;
    cardc_pull_free(&p);
    return st;
}

/* ---- JSON nesting: 10,000 levels by default, max_depth, ceiling 100,000 */

static void json_depth(void)
{
    cardc_error err;
    size_t len;
    char *s;

    for (int obj = 0; obj < 2; obj++) {
        s = nested(CARDC_JSON_DEFAULT_MAX_DEPTH, obj, &len);
        CHECK(parse(s, len, 0, &err) == CARDC_OK);
        CHECK(pull_all(s, len, 0) == CARDC_OK);
        free(s);
        s = nested(CARDC_JSON_DEFAULT_MAX_DEPTH + 1, obj, &len);
        CHECK(parse(s, len, 0, &err) == CARDC_E_LIMIT);
        CHECK(strstr(err.message, "nesting too deep (the limit is 10000 levels)") != NULL);
        CHECK(pull_all(s, len, 0) == CARDC_E_LIMIT);
        free(s);
    }
    /* the option, any value */
    s = nested(50, 0, &len);
    CHECK(parse(s, len, 50, &err) == CARDC_OK && pull_all(s, len, 50) == CARDC_OK);
    CHECK(parse(s, len, 49, &err) == CARDC_E_LIMIT && pull_all(s, len, 49) == CARDC_E_LIMIT);
    free(s);
    /* the ceiling: a larger max_depth counts as 100,000 */
    s = nested(CARDC_JSON_MAX_DEPTH_CEILING, 0, &len);
    CHECK(parse(s, len, INT_MAX, &err) == CARDC_OK && pull_all(s, len, INT_MAX) == CARDC_OK);
    free(s);
    s = nested(CARDC_JSON_MAX_DEPTH_CEILING + 1, 0, &len);
    CHECK(parse(s, len, INT_MAX, &err) == CARDC_E_LIMIT);
    CHECK(pull_all(s, len, INT_MAX) == CARDC_E_LIMIT);
    free(s);
}

/* ---- Validating a tree: how far below the root a value may lie, in JSON
 * Pointer segments (max_depth; for containers that is one level more than
 * the parsers' count, which starts at 1 for the root) ------------------ */

static struct json_object *deep_array(int depth)
{
    struct json_object *a = json_object_new_array();
    for (int k = 1; k < depth; k++) {
        struct json_object *o = json_object_new_array();
        json_object_array_add(o, a);
        a = o;
    }
    return a;
}

static void validate_depth(void)
{
    struct json_object *doc = json_tokener_parse("{\"items\":{\"$ref\":\"#\"}}"), *a;
    cardc_schema *s = NULL;
    cardc_validate_options o;
    cardc_error err;

    CHECK(cardc_schema_compile(doc, NULL, &s, NULL) == CARDC_OK);
    /* the innermost array at /0/0/.../0, 10,000 segments */
    a = deep_array(CARDC_JSON_DEFAULT_MAX_DEPTH + 1);
    CHECK(cardc_validate(s, a, NULL, NULL, &err) == CARDC_OK);
    json_object_put(a);
    a = deep_array(CARDC_JSON_DEFAULT_MAX_DEPTH + 2);
    CHECK(cardc_validate(s, a, NULL, NULL, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "instance nested deeper than 10000 levels") != NULL);
    json_object_put(a);
    cardc_validate_options_init(&o);
    o.max_depth = 20;
    a = deep_array(21);
    CHECK(cardc_validate(s, a, &o, NULL, &err) == CARDC_OK);
    json_object_put(a);
    a = deep_array(22);
    CHECK(cardc_validate(s, a, &o, NULL, &err) == CARDC_E_LIMIT);
    json_object_put(a);
    cardc_schema_free(s);
    json_object_put(doc);
}

/* ---- Decoding: the nesting of a payload (cardc_decode_options) ---------- */

static void decode_depth(void)
{
    /* three levels: the object, "messages", its item */
    static const char text[] = "{\"messages\":[{\"role\":\"u\",\"content\":\"c\"}],\"image\":[1]}";
    llava_1_5_7b_hf_input in;
    cardc_decode_options o = {0};
    cardc_error err;

    memset(&in, 0, sizeof in);
    o.max_depth = 3;
    CHECK(llava_1_5_7b_hf_input_decode_ex(&in, text, sizeof text - 1, &o, &err) == CARDC_OK);
    o.max_depth = 2;
    CHECK(llava_1_5_7b_hf_input_decode_ex(&in, text, sizeof text - 1, &o, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "nesting too deep (the limit is 2 levels)") != NULL);
    CHECK(err.line == 1 && err.column == 14);
    llava_1_5_7b_hf_input_free(&in);
}

/* ---- JSON text size: json-c counts in int: INT_MAX - 1 bytes ----------- */

static void json_size(void)
{
    /* Reserved, not committed: only the pages touched cost memory. */
    size_t span = (size_t)INT_MAX + 4096;
    char *big = mmap(NULL, span, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    cardc_card *card = NULL;
    cardc_error err;

    CHECK_MSG(big != MAP_FAILED, "mmap of 2 GiB failed");
    if (big == MAP_FAILED)
        return;
    /* the text is read (and found malformed at its first byte) ... */
    memcpy(big, "x\n", 2);
    CHECK(parse(big, (size_t)INT_MAX - 1, 0, &err) == CARDC_E_JSON && err.line == 1 &&
          err.column == 1);
    /* ... one byte more is refused unread */
    CHECK(parse(big, (size_t)INT_MAX, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "document too large (2147483647 bytes, at most 2147483646)"));
    /* a card, likewise */
    memcpy(big, "{x\n", 3);
    CHECK(cardc_card_load_mem(big, (size_t)INT_MAX - 1, "big.json", NULL, &card, &err) ==
              CARDC_E_JSON &&
          err.line == 1 && err.column == 2);
    CHECK(cardc_card_load_mem(big, (size_t)INT_MAX, "big.json", NULL, &card, &err) ==
          CARDC_E_LIMIT);
    CHECK(strstr(err.message, "card larger than 2 GiB") != NULL);
    munmap(big, span);
}

/* ---- Cards: nesting (max_depth, 1,000; ceiling 10,000) and YAML alias
 * expansion (max_nodes, 1,000,000) ---------------------------------------- */

static cardc_status load(const char *text, size_t max_nodes, int max_depth, cardc_error *err)
{
    cardc_card_options o = {max_nodes, max_depth};
    cardc_card *card = NULL;
    cardc_status st = cardc_card_load_mem(text, strlen(text), "b.yaml", &o, &card, err);
    cardc_card_free(card);
    return st;
}

/* A YAML card whose "d" nests `depth` sequences under the root mapping. */
static char *deep_card(int depth)
{
    static const char head[] = "model:\n  name: x\nd: ";
    size_t n = sizeof head + 2 * (size_t)depth + 3, at = sizeof head - 1;
    char *s = xmalloc(n);

    memcpy(s, head, at);
    memset(s + at, '[', (size_t)depth);
    at += (size_t)depth;
    s[at++] = '1';
    memset(s + at, ']', (size_t)depth);
    at += (size_t)depth;
    memcpy(s + at, "\n", 2);
    return s;
}

static void card_depth(void)
{
    cardc_error err;
    char *s;

    /* the root mapping is level 1 */
    s = deep_card(999);
    CHECK(load(s, 0, 0, &err) == CARDC_OK);
    free(s);
    s = deep_card(1000);
    CHECK(load(s, 0, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "nesting deeper than 1000 levels (max_depth)") != NULL);
    CHECK(err.line == 3);
    free(s);
    /* the ceiling: a larger max_depth counts as 10,000 */
    s = deep_card(9999);
    CHECK(load(s, 0, INT_MAX, &err) == CARDC_OK);
    free(s);
    s = deep_card(10000);
    CHECK(load(s, 0, INT_MAX, &err) == CARDC_E_LIMIT);
    free(s);
    /* a JSON card: the same option */
    {
        size_t len;
        char *inner = nested(40, 1, &len), *card = xmalloc(len + 64);
        sprintf(card, "{\"name\":\"x\",\"d\":%s}", inner);
        CHECK(load(card, 0, 41, &err) == CARDC_OK);
        CHECK(load(card, 0, 40, &err) == CARDC_E_LIMIT);
        CHECK(strstr(err.message, "nests deeper") != NULL);
        free(inner);
        free(card);
    }
}

static void card_aliases(void)
{
    /* nodes after expansion: the root mapping and its 4 keys (5), the
     * model mapping with its key and value (3), a: a sequence of 10 (11),
     * b: 10 copies of a (111), c: 10 copies of b (1,111): 1,241 */
    static const char laughs[] =
        "model: {name: x}\na: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
    cardc_error err;
    char *big;

    CHECK(load(laughs, 1241, 0, &err) == CARDC_OK);
    CHECK(load(laughs, 1240, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "YAML aliases expand to more than 1240 nodes (max_nodes)") != NULL);
    CHECK(err.line == 3 && err.column == 4); /* b's value, the first to cross it */
    /* the default: nine levels of ten copies is 10^9 nodes */
    big = xmalloc(4096);
    strcpy(big, "model: {name: x}\nl0: &l0 [x,x,x,x,x,x,x,x,x,x]\n");
    for (int i = 1; i <= 9; i++)
        sprintf(big + strlen(big),
                "l%d: &l%d [*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d]\n", i, i, i - 1,
                i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    CHECK(load(big, 0, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "more than 1000000 nodes (max_nodes)") != NULL);
    free(big);
}

/* ---- YAML payloads: nesting (1,000; ceiling 10,000), aliases (10^7) ----- */

static cardc_status yaml(const char *text, int max_depth, cardc_error *err)
{
    struct json_object *doc = NULL;
    cardc_status st = cardc_yaml_parse(text, strlen(text), "p.yaml", max_depth, &doc, err);
    json_object_put(doc);
    return st;
}

static void yaml_payload(void)
{
    cardc_error err;
    size_t len;
    char *s;

    s = nested(1000, 0, &len);
    CHECK(yaml(s, 0, &err) == CARDC_OK);
    free(s);
    s = nested(1001, 0, &len);
    CHECK(yaml(s, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "nesting deeper than 1000 levels (max_depth)") != NULL);
    free(s);
    s = nested(10000, 0, &len);
    CHECK(yaml(s, INT_MAX, &err) == CARDC_OK);
    free(s);
    s = nested(10001, 0, &len);
    CHECK(yaml(s, INT_MAX, &err) == CARDC_E_LIMIT);
    free(s);
    /* aliases: 10^6 nodes are read; 10^9 are refused (at 10^7) */
    {
        char doc[4096];
        strcpy(doc, "l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n");
        for (int i = 1; i <= 5; i++)
            sprintf(doc + strlen(doc),
                    "l%d: &l%d [*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d]\n", i, i, i - 1,
                    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        CHECK(yaml(doc, 0, &err) == CARDC_OK);
        for (int i = 6; i <= 9; i++)
            sprintf(doc + strlen(doc),
                    "l%d: &l%d [*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d,*l%d]\n", i, i, i - 1,
                    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        CHECK(yaml(doc, 0, &err) == CARDC_E_LIMIT);
        CHECK(strstr(err.message, "more than 10000000 nodes") != NULL);
    }
}

/* ---- Schemas: nesting (2,000 levels) ------------------------------------ */

static cardc_status compile_items(int depth, cardc_error *err)
{
    static const char open[] = "{\"items\":";
    size_t at = 0, step = sizeof open - 1;
    char *s = xmalloc((size_t)depth * (step + 1) + 3);
    struct json_object *doc = NULL;
    cardc_schema *sc = NULL;
    cardc_status st;

    for (int i = 0; i < depth; i++, at += step)
        memcpy(s + at, open, step);
    memcpy(s + at, "{}", 2);
    at += 2;
    memset(s + at, '}', (size_t)depth);
    at += (size_t)depth;
    CHECK(cardc_json_parse(s, at, NULL, 0, &doc, NULL) == CARDC_OK);
    st = cardc_schema_compile(doc, NULL, &sc, err);
    cardc_schema_free(sc);
    json_object_put(doc);
    free(s);
    return st;
}

static void schema_depth(void)
{
    cardc_error err;

    CHECK(compile_items(2000, &err) == CARDC_OK);
    CHECK(compile_items(2001, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "schema nested more than 2000 levels deep") != NULL);
}

/* ---- Errors kept: max_errors (100) -------------------------------------- */

static void errors_kept(void)
{
    struct json_object *doc = json_tokener_parse("{\"items\":{\"type\":\"string\"}}"), *a;
    cardc_schema *s = NULL;
    cardc_result *r = NULL;
    cardc_validate_options o;

    CHECK(cardc_schema_compile(doc, NULL, &s, NULL) == CARDC_OK);
    CHECK(cardc_result_new(&r, NULL) == CARDC_OK);
    for (int n = 100; n <= 101; n++) {
        a = json_object_new_array();
        for (int i = 0; i < n; i++)
            json_object_array_add(a, json_object_new_int(i));
        CHECK(cardc_validate(s, a, NULL, r, NULL) == CARDC_E_INVALID);
        CHECK(cardc_result_error_count(r) == 100);
        CHECK(cardc_result_truncated(r) == (n > 100));
        json_object_put(a);
    }
    cardc_validate_options_init(&o);
    o.max_errors = 3;
    a = json_tokener_parse("[1,2,3]");
    CHECK(cardc_validate(s, a, &o, r, NULL) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 3 && !cardc_result_truncated(r));
    json_object_put(a);
    a = json_tokener_parse("[1,2,3,4]");
    CHECK(cardc_validate(s, a, &o, r, NULL) == CARDC_E_INVALID);
    CHECK(cardc_result_error_count(r) == 3 && cardc_result_truncated(r));
    json_object_put(a);
    cardc_result_free(r);
    cardc_schema_free(s);
    json_object_put(doc);
}

/* ---- Regular expressions: match limit (10^6 steps), JIT stack (8 MiB),
 * then the interpreter's depth (10^4) and heap (20 MiB) limits ----------- */

/* Validates {"s": subject} against {"properties":{"s":{"pattern":...}}}. */
static cardc_status match(const char *pattern, const char *subject, uint32_t match_limit,
                          uint32_t depth_limit, uint32_t heap_limit, cardc_error *err)
{
    struct json_object *doc = json_object_new_object(), *props = json_object_new_object(),
                       *p = json_object_new_object(), *inst = json_object_new_object();
    cardc_schema_options so;
    cardc_schema *s = NULL;
    cardc_status st;

    json_object_object_add(p, "pattern", json_object_new_string(pattern));
    json_object_object_add(props, "s", p);
    json_object_object_add(doc, "properties", props);
    json_object_object_add(inst, "s", json_object_new_string(subject));
    cardc_schema_options_init(&so);
    so.regex_match_limit = match_limit;
    so.regex_depth_limit = depth_limit;
    so.regex_heap_limit = heap_limit;
    st = cardc_schema_compile(doc, &so, &s, err);
    if (st == CARDC_OK)
        st = cardc_validate(s, inst, NULL, NULL, err);
    cardc_schema_free(s);
    json_object_put(doc);
    json_object_put(inst);
    return st;
}

static char *repeat(char c, size_t n, const char *tail)
{
    char *s = xmalloc(n + strlen(tail) + 1);
    memset(s, c, n);
    strcpy(s + n, tail);
    return s;
}

static void regex_limits(void)
{
    cardc_error err;
    uint32_t lo = 1, hi = 1000000;
    char *s;

    /* the default match limit: a catastrophic pattern on 30 characters */
    s = repeat('a', 30, "b");
    CHECK(match("^(a+)+$", s, 0, 0, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "regex limit") != NULL);
    free(s);
    /* at the limit: the fewest steps a search needs are allowed, one fewer
     * is refused (the search is exact and monotonic in the limit) */
    s = repeat('a', 12, "b");
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (match("^(a+)+$", s, mid, 0, 0, &err) == CARDC_E_INVALID)
            hi = mid;
        else
            lo = mid + 1;
    }
    CHECK(lo > 1000);
    CHECK(match("^(a+)+$", s, lo, 0, 0, &err) == CARDC_E_INVALID);
    CHECK(match("^(a+)+$", s, lo - 1, 0, 0, &err) == CARDC_E_LIMIT);
    free(s);
    /* deep backtracking: 100,000 repetitions of a group fit the 8 MiB JIT
     * stack; 2,000,000 do not, and the interpreter they go to stops at its
     * depth or heap limit (200 MB of frames would be needed) */
    s = repeat('a', 100000, "");
    CHECK(match("^(a|b)*$", s, 0, 0, 0, &err) == CARDC_OK);
    free(s);
    s = repeat('a', 2000000, "");
    CHECK(match("^(a|b)*$", s, 0, 0, 0, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "regex limit") != NULL);
    free(s);
}

/* ---- Evaluation budget: 10^7 + 1,000 per instance value ---------------- */

static cardc_status branching(int levels, cardc_error *err)
{
    char doc[8192];
    struct json_object *d = NULL, *one = json_object_new_int(1);
    cardc_schema *s = NULL;
    cardc_status st;

    strcpy(doc, "{\"$ref\":\"#/$defs/d0\",\"$defs\":{");
    for (int k = 0; k < levels; k++)
        sprintf(doc + strlen(doc),
                "%s\"d%d\":{\"allOf\":[{\"$ref\":\"#/$defs/d%d\"},{\"$ref\":\"#/$defs/d%d\"}]}",
                k ? "," : "", k, k + 1, k + 1);
    sprintf(doc + strlen(doc), ",\"d%d\":{\"type\":\"integer\"}}}", levels);
    CHECK(cardc_json_parse(doc, strlen(doc), NULL, 0, &d, NULL) == CARDC_OK);
    CHECK(cardc_schema_compile(d, NULL, &s, NULL) == CARDC_OK);
    st = cardc_validate(s, one, NULL, NULL, err);
    cardc_schema_free(s);
    json_object_put(d);
    json_object_put(one);
    return st;
}

static void evaluation_budget(void)
{
    cardc_error err;

    /* each level doubles the work: a schema and its $ref per visit, about
     * 2 * 2^22 = 8.4 * 10^6 evaluations for 21 levels, under the budget of
     * one value (10^7 + 1,000); 22 levels need twice that */
    CHECK(branching(21, &err) == CARDC_OK);
    CHECK(branching(22, &err) == CARDC_E_LIMIT);
    CHECK(strstr(err.message, "evaluation budget exceeded") != NULL);
}

/* ---- The C stack: whatever max_depth allows, a thread's stack is not
 * overrun (validator, decoders, and releasing what they parsed: 90,000
 * levels freed by json_object_put need about 5 MiB; the library releases
 * trees with cardc_json_free) ------------------------------------------- */

typedef struct stack_job {
    int depth;
    cardc_status validate, decode;
} stack_job;

static void *on_small_stack(void *arg)
{
    stack_job *j = arg;
    struct json_object *doc = json_tokener_parse("{\"items\":{\"$ref\":\"#\"}}");
    struct json_object *a = deep_array(j->depth);
    cardc_schema *s = NULL;
    cardc_validate_options o;
    cardc_decode_options dopts = {0};
    llava_1_5_7b_hf_input in;
    size_t len;
    char *text = nested(j->depth, 0, &len), *payload = xmalloc(len + 32);

    cardc_schema_compile(doc, NULL, &s, NULL);
    cardc_validate_options_init(&o);
    o.max_depth = CARDC_JSON_MAX_DEPTH_CEILING;
    j->validate = cardc_validate(s, a, &o, NULL, NULL);
    /* "image" takes any JSON: the decoder keeps it as a tree */
    sprintf(payload, "{\"prompt\":\"p\",\"image\":%s}", text);
    memset(&in, 0, sizeof in);
    dopts.max_depth = CARDC_JSON_MAX_DEPTH_CEILING;
    j->decode = llava_1_5_7b_hf_input_decode_ex(&in, payload, strlen(payload), &dopts, NULL);
    llava_1_5_7b_hf_input_free(&in);
    free(payload);
    free(text);
    cardc_schema_free(s);
    cardc_json_free(a); /* json_object_put would overrun this stack */
    json_object_put(doc);
    return NULL;
}

static void stack_guard(void)
{
    pthread_attr_t attr;
    pthread_t t;
    stack_job shallow = {200, CARDC_E_USAGE, CARDC_E_USAGE};
    stack_job deep = {90000, CARDC_E_USAGE, CARDC_E_USAGE};

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1u << 20); /* 1 MiB: a small thread */
    CHECK(pthread_create(&t, &attr, on_small_stack, &shallow) == 0);
    pthread_join(t, NULL);
    CHECK(shallow.validate == CARDC_OK);
    CHECK(shallow.decode == CARDC_E_INVALID); /* an array is no image */
    CHECK(pthread_create(&t, &attr, on_small_stack, &deep) == 0);
    pthread_join(t, NULL);
    CHECK_MSG(deep.validate == CARDC_E_LIMIT, "validate: %s", cardc_status_name(deep.validate));
    CHECK_MSG(deep.decode == CARDC_E_LIMIT || deep.decode == CARDC_E_INVALID, "decode: %s",
              cardc_status_name(deep.decode));
    pthread_attr_destroy(&attr);
}

int main(void)
{
    json_depth();
    validate_depth();
    decode_depth();
    json_size();
    card_depth();
    card_aliases();
    yaml_payload();
    schema_depth();
    errors_kept();
    regex_limits();
    evaluation_budget();
    stack_guard();
    return check_summary();
}
