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

#endif
