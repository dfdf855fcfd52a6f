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
 * Memory: the peak resident memory one image-1mb decode adds beyond the
 * text, read from /proc/self/status in this fresh process before any other
 * decode: freed heap memory is returned to the kernel (malloc_trim), the
 * kernel's high-water mark is reset (clear_refs 5), then VmHWM after the
 * decode minus VmRSS before it. The text is resident before, so it is not
 * counted; everything the decode touches is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cardc/cardc.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */
#include "payloads.h"
#include "timing.h"

#define IMAGE_BYTES 1048576

typedef int (*op_fn)(const struct bench_payload *p, llava_1_5_7b_hf_input *v);

static int op_decode(const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    cardc_status st = llava_1_5_7b_hf_input_decode(v, p->text, p->len, NULL);
    return p->valid ? st == CARDC_OK : st == CARDC_E_INVALID;
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

/* kB field `name` of /proc/self/status, -1 if unknown. */
static long status_kb(const char *name)
{
    char line[256];
    long kb = -1;
    size_t n = strlen(name);
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return kb;
}

/* Peak resident memory one decode adds, in kB (-1 when /proc cannot say). */
static long peak_extra_kb(const struct bench_payload *p)
{
    llava_1_5_7b_hf_input v = {0};
    FILE *f;
    long before, peak;

#ifdef __GLIBC__
    /* Free heap pages the payload generator left resident would otherwise be
     * reused by the decode without raising the high-water mark. */
    malloc_trim(0);
#endif
    f = fopen("/proc/self/clear_refs", "w");
    if (!f || fputs("5", f) < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    if (fclose(f) != 0)
        return -1;
    before = status_kb("VmRSS");
    llava_1_5_7b_hf_input_decode(&v, p->text, p->len, NULL);
    peak = status_kb("VmHWM");
    llava_1_5_7b_hf_input_free(&v);
    return before < 0 || peak < 0 ? -1 : peak - before;
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

int main(int argc, char **argv)
{
    struct bench_payload p[BENCH_PAYLOAD_COUNT];
    llava_1_5_7b_hf_input v = {0};
    char msg[CARDC_ERROR_POINTER_MAX + CARDC_ERROR_MESSAGE_MAX + 64];
    int json_out = argc == 2 && strcmp(argv[1], "--json") == 0;
    const struct bench_payload *image = NULL;
    long kb;

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
    kb = peak_extra_kb(image); /* first: nothing decoded before it */

    if (!json_out)
        printf("%-20s %10s %10s %10s  %s\n", "payload", "bytes", "ms/op", "MB/s", "verdict");
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        if (!check_once(&p[i], msg, sizeof msg)) {
            bench_payloads_free(p);
            return 1;
        }
        double s = measure(op_decode, &p[i], &v);
        if (json_out) {
            printf("{\"payload\":\"%s\",\"bytes\":%zu,\"decode_ms\":%.6f,\"decode_mbps\":%.2f,"
                   "\"valid\":%s,\"error\":",
                   p[i].name, p[i].len, s * 1e3, (double)p[i].len / s / 1e6,
                   p[i].valid ? "true" : "false");
            print_json_string(msg);
            printf("}\n");
        } else {
            printf("decode %-13s %10zu %10.3f %10.1f  %s%s\n", p[i].name, p[i].len, s * 1e3,
                   (double)p[i].len / s / 1e6, p[i].valid ? "valid" : "rejected: ", msg);
        }
    }

    if (!json_out) {
        /* The payload spells no defaults out, the encoding has them. */
        char *json = NULL;
        size_t len = 0;
        if (llava_1_5_7b_hf_input_decode(&v, image->text, image->len, NULL) == CARDC_OK &&
            llava_1_5_7b_hf_input_encode(&v, &json, &len, NULL) == CARDC_OK) {
            struct bench_payload enc = {"image-1mb", json, len, 1};
            double s = measure(op_encode, &enc, &v);
            printf("encode %-13s %10zu %10.3f %10.1f\n", image->name, len, s * 1e3,
                   (double)len / s / 1e6);
        }
        free(json);
    }
    if (json_out)
        printf("{\"memory\":{\"payload\":\"%s\",\"text_bytes\":%zu,\"peak_extra_bytes\":%ld,"
               "\"method\":\"VmHWM - VmRSS, fresh process, after malloc_trim and clear_refs\"}}\n",
               image->name, image->len, kb < 0 ? -1L : kb * 1024L);
    else
        printf("peak extra memory of one image-1mb decode (VmHWM): %ld kB, %.2fx the %zu-byte "
               "text (bound 2x)\n",
               kb, (double)kb * 1024.0 / (double)image->len, image->len);
    llava_1_5_7b_hf_input_free(&v);
    bench_payloads_free(p);
    return kb < 0 ? 1 : 0;
}
