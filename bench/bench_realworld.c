/* SPDX-License-Identifier: MIT */
/* Real-world benchmark: every schema of ../shared/jsonschema-benchmark (a
 * folder per schema, with schema.json and instances.jsonl), measured the way
 * that public benchmark measures: instances parsed first, the schema compiled
 * once (reported apart), one cold pass, warm-up passes, a timed warm pass.
 *
 * Usage: bench_realworld DIR [SCHEMA...]
 *   DIR     the benchmark's root (one folder per schema)
 *   SCHEMA  only these folders (default: every folder, in name order)
 *
 * Prints one JSON line per schema:
 *   {"tool":"cardc","schema":NAME,"instances":N,"compile_us":X,"cold_ns":X,
 *    "warm_ns":X,"loop100_sum_ns":X,"valid":N}
 * cold_ns and warm_ns are per instance (pass time / N); the timed warm pass
 * is the median of WARM_PASSES passes after at least WARMUP_PASSES passes
 * and WARMUP_SECONDS (bench/node/bench_ajv_realworld.js measures ajv the
 * same way). loop100_sum_ns is what the Blaze CLI's `validate --benchmark
 * --loop 100` gives: for each instance the mean of 100 back-to-back
 * validations (the first, cold in cache, included), summed over instances.
 * Validation runs in fast mode (verdict only, as Blaze's --fast).
 *
 * Exit status 1 when a folder cannot be read or compiled, or an instance
 * does not parse: the figures would then measure something else.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

#define WARMUP_PASSES  5
#define WARMUP_SECONDS 0.05
#define WARM_PASSES    5
#define LOOPS          100

typedef struct corpus {
    cardc_schema *schema;
    struct json_object **docs;
    size_t count, cap;
} corpus;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void fail(const char *what, const cardc_error *err)
{
    char msg[1024];
    cardc_error_format(err, msg, sizeof msg);
    fprintf(stderr, "bench_realworld: %s: %s\n", what, msg);
}

/* Parses every non-blank line of path into c->docs. */
static int load_instances(corpus *c, const char *path)
{
    char *text = NULL;
    size_t len = 0, start = 0;
    cardc_error err;
    int rc = 0;

    cardc_error_clear(&err);
    if (cardc_read_file(path, &text, &len, &err) != CARDC_OK) {
        fail(path, &err);
        return -1;
    }
    while (start < len && rc == 0) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end > start) {
            struct json_object *doc = NULL;
            if (c->count == c->cap) {
                size_t cap = c->cap ? c->cap * 2 : 256;
                struct json_object **d = realloc(c->docs, cap * sizeof *d);
                if (!d) {
                    fprintf(stderr, "bench_realworld: out of memory\n");
                    rc = -1;
                    break;
                }
                c->docs = d;
                c->cap = cap;
            }
            if (cardc_json_parse(text + start, end - start, path, 0, &doc, &err) != CARDC_OK) {
                fail(path, &err);
                rc = -1;
            } else {
                c->docs[c->count++] = doc;
            }
        }
        start = end + 1;
    }
    free(text);
    return rc;
}

static int load_schema(corpus *c, const char *path, double *compile_s)
{
    char *text = NULL;
    size_t len = 0;
    struct json_object *doc = NULL;
    cardc_error err;
    double t0;
    int rc = -1;

    cardc_error_clear(&err);
    if (cardc_read_file(path, &text, &len, &err) != CARDC_OK ||
        cardc_json_parse(text, len, path, 0, &doc, &err) != CARDC_OK) {
        fail(path, &err);
    } else {
        t0 = now();
        if (cardc_schema_compile(doc, NULL, &c->schema, &err) == CARDC_OK) {
            *compile_s = now() - t0;
            rc = 0;
        } else {
            fail(path, &err);
        }
    }
    json_object_put(doc);
    free(text);
    return rc;
}

/* One pass over every instance; returns its seconds, *valid the count. */
static double pass(const corpus *c, const cardc_validate_options *o, cardc_result *r, size_t *valid)
{
    size_t ok = 0;
    double t0 = now();
    for (size_t i = 0; i < c->count; i++)
        ok += cardc_validate(c->schema, c->docs[i], o, r, NULL) == CARDC_OK;
    if (valid)
        *valid = ok;
    return now() - t0;
}

static void measure(const char *name, const corpus *c, double compile_s)
{
    cardc_validate_options o;
    cardc_result *r = NULL;
    double cold, warm[WARM_PASSES], loop_sum = 0, t0;
    size_t valid = 0, n = c->count ? c->count : 1;

    if (cardc_result_new(&r, NULL) != CARDC_OK)
        exit(2);
    cardc_validate_options_init(&o);
    o.flags = CARDC_VALIDATE_FAST;
    cold = pass(c, &o, r, &valid);
    t0 = now();
    for (int k = 0; k < WARMUP_PASSES || now() - t0 < WARMUP_SECONDS; k++)
        pass(c, &o, r, NULL);
    for (int k = 0; k < WARM_PASSES; k++)
        warm[k] = pass(c, &o, r, NULL);
    qsort(warm, WARM_PASSES, sizeof *warm, cmp_double);
    /* The Blaze CLI's method: each instance looped on its own. */
    for (size_t i = 0; i < c->count; i++) {
        t0 = now();
        for (int k = 0; k < LOOPS; k++)
            cardc_validate(c->schema, c->docs[i], &o, r, NULL);
        loop_sum += (now() - t0) / LOOPS;
    }
    printf("{\"tool\":\"cardc\",\"schema\":\"%s\",\"instances\":%zu,\"compile_us\":%.1f,"
           "\"cold_ns\":%.1f,\"warm_ns\":%.1f,\"loop100_sum_ns\":%.1f,\"valid\":%zu}\n",
           name, c->count, compile_s * 1e6, cold * 1e9 / (double)n,
           warm[WARM_PASSES / 2] * 1e9 / (double)n, loop_sum * 1e9, valid);
    fflush(stdout);
    cardc_result_free(r);
}

static int run_one(const char *root, const char *name)
{
    char path[4096];
    corpus c = {0};
    double compile_s = 0;
    int rc;

    snprintf(path, sizeof path, "%s/%s/schema.json", root, name);
    rc = load_schema(&c, path, &compile_s);
    snprintf(path, sizeof path, "%s/%s/instances.jsonl", root, name);
    if (rc == 0)
        rc = load_instances(&c, path);
    if (rc == 0)
        measure(name, &c, compile_s);
    for (size_t i = 0; i < c.count; i++)
        json_object_put(c.docs[i]);
    free(c.docs);
    cardc_schema_free(c.schema);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every folder of root that holds a schema.json, sorted. */
static char **list_schemas(const char *root, size_t *count)
{
    DIR *d = opendir(root);
    struct dirent *e;
    char **names = NULL, path[4096];
    size_t n = 0;

    if (!d) {
        perror(root);
        return NULL;
    }
    while ((e = readdir(d)) != NULL) {
        FILE *f;
        char **grown;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/schema.json", root, e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        fclose(f);
        if (!(grown = realloc(names, (n + 1) * sizeof *names)) || !(grown[n] = strdup(e->d_name)))
            exit(2);
        names = grown;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    *count = n;
    return names;
}

int main(int argc, char **argv)
{
    char **names;
    size_t n = 0;
    int status = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [SCHEMA...]\n", argv[0]);
        return 2;
    }
    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            status |= run_one(argv[1], argv[i]) != 0;
        return status;
    }
    names = list_schemas(argv[1], &n);
    if (!names || n == 0) {
        fprintf(stderr, "bench_realworld: no schema folders under %s\n", argv[1]);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        status |= run_one(argv[1], names[i]) != 0;
        free(names[i]);
    }
    free(names);
    return status;
}
