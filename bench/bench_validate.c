/* SPDX-License-Identifier: MIT */
/* Validation benchmark on the seed card's input schema.
 *
 * Usage: bench_validate SOURCE_ROOT [--write DIR] [--json] [--memory]
 *   --write DIR  write the six payloads to DIR/<name>.json (for the Node/ajv
 *                run in bench/run.sh) and exit
 *   --json       print one JSON object per payload instead of the table
 *   --memory     print only the peak memory text to verdict adds on
 *                image-1mb, as one JSON object ({"memory": {...}})
 *
 * For each payload it prints the median time of one validation on an already
 * parsed document (cardc's own, json/doc.h, as the peers validate theirs:
 * ajv a JavaScript object, Blaze its DOM), in fast mode (verdict only, like Blaze's fast mode) and
 * exhaustive mode (every error with locations), and the throughput of
 * text to verdict (cardc_validate_text, fast mode) in MB/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "json/doc.h"
#include "memory.h"
#include "schema/schema_internal.h"
#include "payloads.h"
#include "timing.h"

struct job {
    const cardc_schema *schema;
    cardc_result *result;
    const struct bench_payload *payload;
    cardc_doc *doc; /* parsed once into cardc's own document, for validate-only */
    cardc_validate_options opts;
};

/* Both return 1 when the verdict is the payload's expected one: a benchmark
 * of the wrong verdict measures nothing. */
static int run_validate(void *ctx)
{
    struct job *j = ctx;
    int valid = cardc__validate_doc(j->schema, j->doc, &j->opts, j->result, NULL) == CARDC_OK;
    return valid == j->payload->valid;
}

/* Text to verdict, what `cardc validate` does per payload: 1 valid, 0
 * invalid, -1 malformed. */
static int text_to_verdict(const struct job *j)
{
    cardc_status st = cardc_validate_text(j->schema, j->payload->text, j->payload->len, &j->opts,
                                          j->result, NULL);
    return st == CARDC_OK ? 1 : st == CARDC_E_INVALID ? 0 : -1;
}

static int run_parse_validate(void *ctx)
{
    struct job *j = ctx;
    return text_to_verdict(j) == j->payload->valid;
}

static void verdict_once(void *ctx)
{
    text_to_verdict(ctx);
}

/* The peak memory one text to verdict adds on image-1mb (fast mode, as the
 * throughput figure), measured first in this fresh process. */
static int print_memory(const cardc_schema *schema, cardc_result *result,
                        const struct bench_payload *payloads)
{
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        struct job j = {schema, result, &payloads[i], NULL, {0}};
        const char *method = "";
        long extra;
        if (strcmp(payloads[i].name, "image-1mb") != 0)
            continue;
        cardc_validate_options_init(&j.opts);
        j.opts.flags = CARDC_VALIDATE_FAST;
        extra = bench_peak_extra_bytes(verdict_once, &j, &method);
        printf("{\"memory\":{\"payload\":\"%s\",\"text_bytes\":%zu,\"peak_extra_bytes\":%ld,"
               "\"method\":\"%s\"}}\n",
               payloads[i].name, payloads[i].len, extra, method);
        return extra < 0;
    }
    return 1;
}

static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

/* The payloads and the schema, for peers measured in the same run. */
static int write_payloads(const struct bench_payload *p, const struct json_object *schema,
                          const char *dir)
{
    char *text = cardc_json_dump(schema, 0);
    int status = text ? write_file(dir, "schema.json", text, strlen(text)) : 1;
    free(text);
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.json", p[i].name);
        status |= write_file(dir, name, p[i].text, p[i].len);
    }
    return status;
}

int main(int argc, char **argv)
{
    const char *root = NULL, *write_dir = NULL;
    int json_out = 0, memory = 0, status = 0;
    char path[4096];
    cardc_error err;
    cardc_card *card = NULL;
    const struct json_object *input;
    cardc_schema *schema = NULL;
    cardc_result *result = NULL;
    struct bench_payload payloads[BENCH_PAYLOAD_COUNT];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
            write_dir = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json_out = 1;
        else if (strcmp(argv[i], "--memory") == 0)
            memory = 1;
        else if (!root)
            root = argv[i];
        else {
            fprintf(stderr, "usage: %s SOURCE_ROOT [--write DIR] [--json] [--memory]\n", argv[0]);
            return 2;
        }
    }
    if (!root) {
        fprintf(stderr, "usage: %s SOURCE_ROOT [--write DIR] [--json] [--memory]\n", argv[0]);
        return 2;
    }
    bench_payloads_make(payloads);
    snprintf(path, sizeof path, "%s/schemas/llava-1.5-7b-hf.md", root);
    cardc_error_clear(&err);
    if (cardc_card_load(path, NULL, &card, &err) != CARDC_OK ||
        cardc_card_schema(card, CARDC_SIDE_INPUT, &input, &err) != CARDC_OK ||
        cardc_schema_compile(input, NULL, &schema, &err) != CARDC_OK ||
        cardc_result_new(&result, &err) != CARDC_OK) {
        char msg[1024];
        cardc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "bench: %s\n", msg);
        return 2;
    }
    if (write_dir) {
        status = write_payloads(payloads, input, write_dir);
        goto done;
    }
    if (memory) {
        status = print_memory(schema, result, payloads);
        goto done;
    }

    if (!json_out)
        printf("%-13s %10s %12s %12s %14s %12s\n", "payload", "bytes", "fast ns", "exhaust. ns",
               "fast valid./s", "parse+v MB/s");
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        struct job j = {schema, result, &payloads[i], NULL, {0}};
        double fast, exhaustive, parse_validate;

        if (cardc__doc_parse(payloads[i].text, payloads[i].len, payloads[i].name, 0, 0, &j.doc,
                             &err) != CARDC_OK) {
            fprintf(stderr, "bench: payload %s does not parse: %s\n", payloads[i].name,
                    err.message);
            status = 2;
            continue;
        }
        cardc_validate_options_init(&j.opts);
        exhaustive = bench_median_seconds(run_validate, &j);
        j.opts.flags = CARDC_VALIDATE_FAST;
        fast = bench_median_seconds(run_validate, &j);
        parse_validate = bench_median_seconds(run_parse_validate, &j);
        cardc__doc_free(j.doc);
        if (exhaustive < 0 || fast < 0 || parse_validate < 0) {
            fprintf(stderr, "bench: wrong verdict on %s\n", payloads[i].name);
            status = 2;
            continue;
        }

        double mbps = (double)payloads[i].len / parse_validate / 1e6;
        if (json_out)
            printf("{\"payload\":\"%s\",\"bytes\":%zu,\"fast_ns\":%.1f,\"exhaustive_ns\":%.1f,"
                   "\"parse_validate_ms\":%.3f,\"parse_validate_mbps\":%.1f}\n",
                   payloads[i].name, payloads[i].len, fast * 1e9, exhaustive * 1e9,
                   parse_validate * 1e3, mbps);
        else
            printf("%-13s %10zu %12.1f %12.1f %14.0f %12.1f\n", payloads[i].name, payloads[i].len,
                   fast * 1e9, exhaustive * 1e9, 1.0 / fast, mbps);
    }

done:
    cardc_result_free(result);
    cardc_schema_free(schema);
    cardc_card_free(card);
    bench_payloads_free(payloads);
    return status;
}
