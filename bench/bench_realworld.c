/* SPDX-License-Identifier: MIT */
/* The real-world benchmark: every schema of ../shared/jsonschema-benchmark
 * with its instances, measured the way that public benchmark measures
 * (sourcemeta-research/jsonschema-benchmark): every instance parsed first,
 * the schema compiled once (reported apart), one cold pass, warm-up passes,
 * then timed warm passes; and the way the Blaze CLI's `--benchmark --loop
 * 100` measures: each instance validated 100 times in a row, its mean taken,
 * the means summed over the instances.
 *
 * Usage: bench_realworld DIR [SCHEMA...] [--mode doc|text|jsonc] [--only NAME]
 *                       [--passes N] [--profile N]
 *   DIR          ../shared/jsonschema-benchmark (one folder per schema, each
 *                with schema.json and instances.jsonl)
 *   SCHEMA       only these folders (default: every folder, in name order);
 *                --only NAME is the same for one
 *   --mode doc   validate instances parsed beforehand into cardc's document
 *                (the default; what the peers measure: their own DOM)
 *   --mode text  parse + validate each instance from its text
 *                (cardc_validate_text: what `cardc validate` does)
 *   --mode jsonc validate instances parsed beforehand into json-c trees
 *                (cardc_validate, the public json-c entry point)
 *   --only NAME  one schema (for profiling: valgrind --tool=callgrind)
 *   --passes N   timed warm passes, the median reported (default 5)
 *   --profile N  no timing: N plain passes in profile_passes(), for
 *                `valgrind --tool=callgrind --toggle-collect=profile_passes`
 *                (instructions per instance, repeatable under load)
 *
 * Prints one JSON line per schema:
 *   {"tool":"cardc","schema":NAME,"instances":N,"compile_us":X,"cold_ns":X,
 *    "warm_ns":X,"loop100_sum_ns":X,"valid":N}
 * cold_ns and warm_ns are per instance; loop100_sum_ns is the sum over the
 * instances of the mean of 100 consecutive validations. "tool" is "cardc"
 * for --mode doc, "cardc-text" and "cardc-jsonc" for the others. Every
 * instance of the set is valid: any other verdict fails the run (exit 1),
 * so a wrong answer is never timed.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "json/doc.h"
#include "schema/schema_internal.h"

enum mode { MODE_DOC, MODE_TEXT, MODE_JSONC };

typedef struct instance {
    const char *text; /* a line of the instances file (borrowed) */
    size_t len;
    struct json_object *tree; /* MODE_JSONC */
    cardc_doc *doc;           /* MODE_DOC */
} instance;

typedef struct bench {
    enum mode mode;
    cardc_schema *schema;
    cardc_result *result;
    cardc_validate_options opts;
    instance *inst;
    size_t n;
} bench;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *read_all(const char *path, size_t *len)
{
    char *text = NULL;
    cardc_error err;
    if (cardc_read_file(path, &text, len, &err) != CARDC_OK) {
        fprintf(stderr, "bench_realworld: %s: %s\n", path, err.message);
        return NULL;
    }
    return text;
}

/* One validation of instance i; CARDC_OK when valid. */
static cardc_status validate_one(bench *b, size_t i)
{
    const instance *in = &b->inst[i];
    switch (b->mode) {
    case MODE_DOC: return cardc__validate_doc(b->schema, in->doc, &b->opts, b->result, NULL);
    case MODE_TEXT:
        return cardc_validate_text(b->schema, in->text, in->len, &b->opts, b->result, NULL);
    case MODE_JSONC: break;
    }
    return cardc_validate(b->schema, in->tree, &b->opts, b->result, NULL);
}

/* One pass over every instance; ns per instance, or -1 on a wrong verdict. */
static double pass(bench *b, size_t *valid)
{
    double t0 = now_ns();
    size_t ok = 0;
    for (size_t i = 0; i < b->n; i++)
        ok += validate_one(b, i) == CARDC_OK;
    double dt = now_ns() - t0;
    if (valid)
        *valid = ok;
    return ok == b->n ? dt / (double)b->n : -1;
}

/* --profile: passes that callgrind counts (and nothing else). */
static __attribute__((noinline)) size_t profile_passes(bench *b, int passes)
{
    size_t valid = 0;
    for (int k = 0; k < passes; k++)
        for (size_t i = 0; i < b->n; i++)
            valid += validate_one(b, i) == CARDC_OK;
    return valid;
}

/* Blaze's --benchmark --loop 100: the sum of per-instance means. */
static double loop100(bench *b)
{
    double sum = 0;
    for (size_t i = 0; i < b->n; i++) {
        double t0 = now_ns();
        for (int k = 0; k < 100; k++)
            if (validate_one(b, i) != CARDC_OK)
                return -1;
        sum += (now_ns() - t0) / 100.0;
    }
    return sum;
}

/* Splits the instances file into lines and parses each (doc, jsonc). */
static int load_instances(bench *b, char *text, size_t len, const char *name)
{
    size_t cap = 64;
    b->inst = calloc(cap, sizeof *b->inst);
    for (size_t start = 0; b->inst && start < len;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end > start) {
            instance *in;
            cardc_error err;
            cardc_status st = CARDC_OK;
            if (b->n == cap) {
                instance *v = realloc(b->inst, 2 * cap * sizeof *v);
                if (!v)
                    break;
                b->inst = v;
                cap *= 2;
            }
            in = &b->inst[b->n++];
            memset(in, 0, sizeof *in);
            in->text = text + start;
            in->len = end - start;
            if (b->mode == MODE_DOC)
                st = cardc__doc_parse(in->text, in->len, NULL, 0, 0, &in->doc, &err);
            else if (b->mode == MODE_JSONC)
                st = cardc_json_parse(in->text, in->len, name, 0, &in->tree, &err);
            if (st != CARDC_OK) {
                fprintf(stderr, "bench_realworld: %s: instance %zu: %s\n", name, b->n, err.message);
                return -1;
            }
        }
        start = end + 1;
    }
    return b->inst ? 0 : -1;
}

static void free_instances(bench *b)
{
    for (size_t i = 0; i < b->n; i++) {
        json_object_put(b->inst[i].tree);
        cardc__doc_free(b->inst[i].doc);
    }
    free(b->inst);
    b->inst = NULL;
    b->n = 0;
}

static int compile(bench *b, const char *dir, const char *name, double *compile_us)
{
    char path[4096];
    char *text;
    size_t len;
    struct json_object *doc = NULL;
    cardc_error err;
    double t0;
    int rc = -1;

    snprintf(path, sizeof path, "%s/%s/schema.json", dir, name);
    if (!(text = read_all(path, &len)))
        return -1;
    if (cardc_json_parse(text, len, path, 0, &doc, &err) != CARDC_OK) {
        fprintf(stderr, "bench_realworld: %s: %s\n", path, err.message);
        goto out;
    }
    t0 = now_ns();
    if (cardc_schema_compile(doc, NULL, &b->schema, &err) != CARDC_OK) {
        fprintf(stderr, "bench_realworld: %s: %s\n", path, err.message);
        goto out;
    }
    *compile_us = (now_ns() - t0) / 1e3;
    rc = 0;
out:
    json_object_put(doc);
    free(text);
    return rc;
}

static const char *tool_name(enum mode m)
{
    return m == MODE_DOC ? "cardc" : m == MODE_TEXT ? "cardc-text" : "cardc-jsonc";
}

/* Measures one schema folder and prints its line; 0, or 1 on failure.
 * profile > 0: only profile_passes(). */
static int run_schema(bench *b, const char *dir, const char *name, int passes, int profile)
{
    char path[4096];
    double compile_us = 0, cold, warm[64], loop, t0;
    size_t len, valid = 0;
    char *text;
    int rc = 1;

    if (compile(b, dir, name, &compile_us) != 0)
        return 1;
    snprintf(path, sizeof path, "%s/%s/instances.jsonl", dir, name);
    if (!(text = read_all(path, &len)) || load_instances(b, text, len, name) != 0)
        goto out;
    if (profile > 0) {
        valid = profile_passes(b, profile);
        printf("{\"schema\":\"%s\",\"instances\":%zu,\"passes\":%d,\"valid\":%zu}\n", name, b->n,
               profile, valid);
        rc = valid == b->n * (size_t)profile ? 0 : 1;
        goto out;
    }
    cold = pass(b, &valid);
    /* warm-up: at least two passes and about 100 ms */
    t0 = now_ns();
    for (int k = 0; k < 2 || (now_ns() - t0 < 1e8 && k < 1000); k++)
        pass(b, NULL);
    for (int k = 0; k < passes; k++)
        warm[k] = pass(b, NULL);
    qsort(warm, (size_t)passes, sizeof *warm, cmp_double);
    loop = loop100(b);
    if (cold < 0 || warm[0] < 0 || loop < 0) {
        fprintf(stderr, "bench_realworld: %s: %zu of %zu instances valid; all must be\n", name,
                valid, b->n);
        goto out;
    }
    printf("{\"tool\":\"%s\",\"schema\":\"%s\",\"instances\":%zu,\"compile_us\":%.1f,"
           "\"cold_ns\":%.1f,\"warm_ns\":%.1f,\"loop100_sum_ns\":%.1f,\"valid\":%zu}\n",
           tool_name(b->mode), name, b->n, compile_us, cold, warm[passes / 2], loop, valid);
    fflush(stdout);
    rc = 0;
out:
    free_instances(b);
    free(text);
    cardc_schema_free(b->schema);
    b->schema = NULL;
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The schema folders of dir, sorted; NULL-terminated. */
static char **folders(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **v = NULL;
    size_t n = 0;
    if (!d) {
        perror(dir);
        return NULL;
    }
    while ((e = readdir(d))) {
        char path[4096];
        FILE *f;
        char **nv;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/schema.json", dir, e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        fclose(f);
        if (!(nv = realloc(v, (n + 2) * sizeof *v)))
            break;
        v = nv;
        v[n++] = strdup(e->d_name);
        v[n] = NULL;
    }
    closedir(d);
    if (v)
        qsort(v, n, sizeof *v, cmp_str);
    return v;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_realworld DIR [SCHEMA...] [--mode doc|text|jsonc] "
                    "[--only NAME] [--passes N] [--profile N]\n");
    return 2;
}

/* Whether folder name was asked for (none asked: every one). */
static int wanted(char **only, int nonly, const char *name)
{
    for (int i = 0; i < nonly; i++)
        if (!strcmp(only[i], name))
            return 1;
    return nonly == 0;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    char **only = calloc((size_t)argc, sizeof *only);
    int passes = 5, profile = 0, status = 0, found = 0, nonly = 0;
    bench b;
    char **names;
    cardc_error err;

    memset(&b, 0, sizeof b);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
            const char *m = argv[++i];
            if (!strcmp(m, "doc"))
                b.mode = MODE_DOC;
            else if (!strcmp(m, "text"))
                b.mode = MODE_TEXT;
            else if (!strcmp(m, "jsonc"))
                b.mode = MODE_JSONC;
            else
                return usage();
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc && only) {
            only[nonly++] = argv[++i];
        } else if (!strcmp(argv[i], "--passes") && i + 1 < argc) {
            passes = atoi(argv[++i]);
            if (passes < 1 || passes > 64)
                return usage();
        } else if (!strcmp(argv[i], "--profile") && i + 1 < argc) {
            profile = atoi(argv[++i]);
        } else if (!dir && argv[i][0] != '-') {
            dir = argv[i];
        } else if (argv[i][0] != '-' && only) {
            only[nonly++] = argv[i];
        } else {
            return usage();
        }
    }
    if (!dir)
        return usage();
    if (!(names = folders(dir)) || !names[0]) {
        fprintf(stderr, "bench_realworld: no schema folders in %s\n", dir);
        return 2;
    }
    cardc_validate_options_init(&b.opts);
    b.opts.flags = CARDC_VALIDATE_FAST; /* verdict only, as the peers' fast modes */
    if (cardc_result_new(&b.result, &err) != CARDC_OK)
        return 2;
    for (size_t i = 0; names[i]; i++) {
        if (wanted(only, nonly, names[i])) {
            found = 1;
            status |= run_schema(&b, dir, names[i], passes, profile);
        }
        free(names[i]);
    }
    free(names);
    cardc_result_free(b.result);
    free(only);
    if (!found) {
        fprintf(stderr, "bench_realworld: none of the schemas asked for is in %s\n", dir);
        return 2;
    }
    return status;
}
