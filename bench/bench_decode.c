/* SPDX-License-Identifier: MIT */
/* Decoding benchmark: the bench payloads into the LLaVA card's input struct,
 * through the bindings `cardc gen` generates from schemas/llava-1.5-7b-hf.md
 * at build time (bench/meson.build), the binding engine and the pull parser.
 *
 * Usage: bench_decode [--json]
 *   --json  one JSON object per payload (decode_ms, verdict) and one for the
 *           memory figure, for bench/report.py; otherwise a table
 *
 * Refuses to report (exit 1) when a payload gets the wrong verdict: valid
 * ones must decode (image-1mb into 1,048,576 bytes), invalid ones must be
 * rejected as invalid (CARDC_E_INVALID), not as malformed.
 *
 * A rejection is also set beside the decode of a valid payload of the same
 * size and shape (bench_payload_valid_twin): "twin_decode_ms".
 *
 * Memory: the peak resident memory one image-1mb decode adds beyond the
 * text (bench_peak_extra_bytes), measured first in this fresh process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/cardc.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */
#include "memory.h"
#include "payloads.h"
#include "timing.h"

#define IMAGE_BYTES 1048576

typedef int (*op_fn)(const struct bench_payload *p, llava_1_5_7b_hf_input *v);

/* With an error record, as a caller that reports the rejection: its
 * message, line and column are part of what a rejection costs. */
static int op_decode(const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    cardc_error err;
    cardc_status st = llava_1_5_7b_hf_input_decode(v, p->text, p->len, &err);
    return p->valid ? st == CARDC_OK : st == CARDC_E_INVALID && err.line > 0;
}

static int op_encode(const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    char *json = NULL;
    size_t len = 0;
    cardc_status st = llava_1_5_7b_hf_input_encode(v, &json, &len, NULL);
    free(json);
    return st == CARDC_OK && len == p->len;
}

struct timed {
    op_fn op;
    const struct bench_payload *payload;
    llava_1_5_7b_hf_input *value;
};

static int timed_op(void *ctx)
{
    struct timed *t = ctx;
    return t->op(t->payload, t->value);
}

/* Median seconds per op; a wrong verdict stops the benchmark. */
static double measure(op_fn op, const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    struct timed t = {op, p, v};
    double s = bench_median_seconds(timed_op, &t);
    if (s < 0) {
        fprintf(stderr, "bench_decode: %s: wrong verdict\n", p->name);
        exit(1);
    }
    return s;
}

/* One decode, checked beyond its status: the verdict, and for a valid
 * payload what landed in the struct; msg gets the error of an invalid one.
 * Returns 1 when right. */
static int check_once(const struct bench_payload *p, char *msg, size_t size)
{
    llava_1_5_7b_hf_input v = {0};
    cardc_error err;
    cardc_status st;
    int ok;

    cardc_error_clear(&err);
    st = llava_1_5_7b_hf_input_decode(&v, p->text, p->len, &err);
    msg[0] = '\0';
    if (!p->valid) {
        ok = st == CARDC_E_INVALID;
        cardc_error_format(&err, msg, size);
    } else {
        ok = st == CARDC_OK && v.kind == LLAVA_1_5_7B_HF_INPUT_OBJECT &&
             v.u.object.has_max_tokens && v.u.object.has_raw && !v.u.object.raw; /* defaults */
        if (ok && strcmp(p->name, "image-1mb") == 0)
            ok = v.u.object.image.kind == LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY &&
                 v.u.object.image.u.array.count == IMAGE_BYTES && v.u.object.image.u.array.bytes;
    }
    llava_1_5_7b_hf_input_free(&v);
    if (!ok)
        fprintf(stderr, "bench_decode: %s: wrong verdict (status %s)\n", p->name,
                cardc_status_name(st));
    return ok;
}

static void decode_once(void *ctx)
{
    const struct bench_payload *p = ctx;
    llava_1_5_7b_hf_input v = {0};
    llava_1_5_7b_hf_input_decode(&v, p->text, p->len, NULL);
    llava_1_5_7b_hf_input_free(&v);
}

/* msg as a JSON string body: the messages hold quotes. */
static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

/* The valid twin of an invalid payload, decoded the same way; 0 without. */
static double twin_seconds(const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    char *text = p->valid ? NULL : bench_payload_valid_twin(p);
    double s = 0;

    if (text) {
        struct bench_payload twin = {p->name, text, p->len, 1};
        s = measure(op_decode, &twin, v);
        free(text);
    }
    return s;
}

static void print_decode(int json_out, const struct bench_payload *p, double s, double twin,
                         const char *msg)
{
    if (!json_out) {
        printf("decode %-13s %10zu %10.3f %10.1f  %s%s\n", p->name, p->len, s * 1e3,
               (double)p->len / s / 1e6, p->valid ? "valid" : "rejected: ", msg);
        if (twin > 0)
            printf("  valid twin, same size: %.3f ms (the rejection costs %.2fx)\n", twin * 1e3,
                   s / twin);
        return;
    }
    printf("{\"payload\":\"%s\",\"bytes\":%zu,\"decode_ms\":%.6f,\"decode_mbps\":%.2f,"
           "\"valid\":%s,",
           p->name, p->len, s * 1e3, (double)p->len / s / 1e6, p->valid ? "true" : "false");
    if (twin > 0)
        printf("\"twin_decode_ms\":%.6f,", twin * 1e3);
    printf("\"error\":");
    print_json_string(msg);
    printf("}\n");
}

/* The payload spells no defaults out, the encoding has them. */
static void print_encode(const struct bench_payload *image, llava_1_5_7b_hf_input *v)
{
    char *json = NULL;
    size_t len = 0;

    if (llava_1_5_7b_hf_input_decode(v, image->text, image->len, NULL) == CARDC_OK &&
        llava_1_5_7b_hf_input_encode(v, &json, &len, NULL) == CARDC_OK) {
        struct bench_payload enc = {"image-1mb", json, len, 1};
        double s = measure(op_encode, &enc, v);
        printf("encode %-13s %10zu %10.3f %10.1f\n", image->name, len, s * 1e3,
               (double)len / s / 1e6);
    }
    free(json);
}

int main(int argc, char **argv)
{
    struct bench_payload p[BENCH_PAYLOAD_COUNT];
    llava_1_5_7b_hf_input v = {0};
    char msg[CARDC_ERROR_POINTER_MAX + CARDC_ERROR_MESSAGE_MAX + 64];
    int json_out = argc == 2 && strcmp(argv[1], "--json") == 0;
    struct bench_payload *image = NULL;
    const char *method = "";
    long extra;

    if (argc > 2 || (argc == 2 && !json_out)) {
        fprintf(stderr, "usage: bench_decode [--json]\n");
        return 2;
    }
    bench_payloads_make(p);
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++)
        if (strcmp(p[i].name, "image-1mb") == 0)
            image = &p[i];
    if (!image) {
        fprintf(stderr, "bench_decode: no image-1mb payload\n");
        return 1;
    }
    extra = bench_peak_extra_bytes(decode_once, image, &method); /* first: nothing before it */

    if (!json_out)
        printf("%-20s %10s %10s %10s  %s\n", "payload", "bytes", "ms/op", "MB/s", "verdict");
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        if (!check_once(&p[i], msg, sizeof msg)) {
            bench_payloads_free(p);
            return 1;
        }
        double s = measure(op_decode, &p[i], &v);
        print_decode(json_out, &p[i], s, twin_seconds(&p[i], &v), msg);
    }
    if (!json_out)
        print_encode(image, &v);
    if (json_out)
        printf("{\"memory\":{\"payload\":\"%s\",\"text_bytes\":%zu,\"peak_extra_bytes\":%ld,"
               "\"method\":\"%s\"}}\n",
               image->name, image->len, extra, method);
    else
        printf("peak extra memory of one image-1mb decode (VmHWM): %ld kB, %.2fx the %zu-byte "
               "text (bound 2x)\n",
               extra / 1024, (double)extra / (double)image->len, image->len);
    llava_1_5_7b_hf_input_free(&v);
    bench_payloads_free(p);
    return extra < 0 ? 1 : 0;
}
