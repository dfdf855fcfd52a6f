/* SPDX-License-Identifier: MIT */
/* Benchmark payloads for the LLaVA input schema (see payloads.c). */
#ifndef CARDC_BENCH_PAYLOADS_H
#define CARDC_BENCH_PAYLOADS_H

#include <stddef.h>

#define BENCH_PAYLOAD_COUNT 6

struct bench_payload {
    const char *name; /* "small", "chat", "image-1mb", "invalid-both", ... */
    char *text;       /* JSON text, NUL-terminated, owned */
    size_t len;
    int valid; /* expected verdict */
};

/* Fills out[] in the order of the peer-figures table. */
void bench_payloads_make(struct bench_payload out[BENCH_PAYLOAD_COUNT]);
void bench_payloads_free(struct bench_payload p[BENCH_PAYLOAD_COUNT]);

/* A valid payload of exactly invalid->len bytes, shaped like it: what a
 * rejection's cost is measured against. invalid-both with "prompt" renamed
 * "Prompt" (an unknown member), invalid-long with its content split into two
 * messages, invalid-type with the image object as a binary string. Returns
 * the text (heap, NUL-terminated; the caller frees it), or NULL for a payload
 * without a twin. */
char *bench_payload_valid_twin(const struct bench_payload *invalid);

#endif
