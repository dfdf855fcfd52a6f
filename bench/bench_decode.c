/* Decoding benchmark: the bench payloads into the seed card's input struct
 * (tests/seed_bind.c, the bindings cardc gen emits), through the binding
 * engine and the pull parser.
 *
 * Usage: bench_decode
 *
 * Prints, per payload, the median ms of one decode and the MB/s of text,
 * the encode of image-1mb, and the peak memory one image-1mb decode adds
 * (peak RSS, the kernel's high-water mark reset just before).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardc/cardc.h"
#include "payloads.h"
#include "seed_bind.h"

#define BATCHES 9
#define BATCH_SECONDS 0.05

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

typedef int (*op_fn)(const struct bench_payload *p, llava_1_5_7b_hf_input *v);

static int op_decode(const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    cardc_status st = llava_1_5_7b_hf_input_decode(v, p->text, p->len, NULL);
    return (st == CARDC_OK) == (p->valid != 0);
}

static int op_encode(const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    char *json = NULL;
    size_t len = 0;
    cardc_status st = llava_1_5_7b_hf_input_encode(v, &json, &len, NULL);
    free(json);
    return st == CARDC_OK && len == p->len;
}

/* Median seconds per op over BATCHES batches. */
static double measure(op_fn op, const struct bench_payload *p, llava_1_5_7b_hf_input *v)
{
    double t[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        long n = 0;
        double start = now(), el;
        do {
            if (!op(p, v)) {
                fprintf(stderr, "bench_decode: %s: wrong verdict\n", p->name);
                exit(1);
            }
            n++;
            el = now() - start;
        } while (el < BATCH_SECONDS);
        t[b] = el / (double)n;
    }
    qsort(t, BATCHES, sizeof t[0], cmp_double);
    return t[BATCHES / 2];
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

/* Peak RSS one decode adds: the kernel's high-water mark is reset first
 * (clear_refs 5), so it counts this decode only. */
static long peak_extra_kb(const struct bench_payload *p)
{
    llava_1_5_7b_hf_input v;
    FILE *f = fopen("/proc/self/clear_refs", "w");
    long before, peak;

    if (!f || fputs("5", f) < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    memset(&v, 0, sizeof v);
    before = status_kb("VmRSS");
    llava_1_5_7b_hf_input_decode(&v, p->text, p->len, NULL);
    peak = status_kb("VmHWM");
    llava_1_5_7b_hf_input_free(&v);
    return before < 0 || peak < 0 ? -1 : peak - before;
}

int main(void)
{
    struct bench_payload p[BENCH_PAYLOAD_COUNT];
    llava_1_5_7b_hf_input v;

    bench_payloads_make(p);
    memset(&v, 0, sizeof v);
    long kb = peak_extra_kb(&p[2]);
    printf("%-14s %10s %10s %10s\n", "payload", "bytes", "ms/op", "MB/s");
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        double s = measure(op_decode, &p[i], &v);
        printf("decode %-7s %10zu %10.3f %10.1f\n", p[i].name, p[i].len, s * 1e3,
               (double)p[i].len / s / 1e6);
    }
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        if (strcmp(p[i].name, "image-1mb") != 0)
            continue;
        llava_1_5_7b_hf_input_decode(&v, p[i].text, p[i].len, NULL);
        /* the payload has no defaults spelled out, the encoding has them */
        char *json = NULL;
        size_t len = 0;
        llava_1_5_7b_hf_input_encode(&v, &json, &len, NULL);
        struct bench_payload enc = {"image-1mb", json, len, 1};
        double s = measure(op_encode, &enc, &v);
        printf("encode %-7s %10zu %10.3f %10.1f\n", p[i].name, len, s * 1e3, (double)len / s / 1e6);
        free(json);
        printf("peak extra memory of one image-1mb decode: %ld kB (%.2fx the %zu-byte text)\n", kb,
               (double)kb * 1024.0 / (double)p[i].len, p[i].len);
    }
    llava_1_5_7b_hf_input_free(&v);
    bench_payloads_free(p);
    return 0;
}
