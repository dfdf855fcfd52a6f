/* SPDX-License-Identifier: MIT */
/* Peak memory of one operation, for the benchmark programs. */
#ifndef CARDC_BENCH_MEMORY_H
#define CARDC_BENCH_MEMORY_H

/* The peak resident memory fn(ctx) adds beyond what is resident before it,
 * in bytes; -1 when the system cannot say. Call it early in a fresh process
 * (before other work leaves freed pages resident that fn could reuse):
 * freed heap memory is returned to the kernel (malloc_trim), the kernel's
 * high-water mark is reset (/proc/self/clear_refs 5), then VmHWM after fn
 * minus VmRSS before it. What is resident before (the text) is not counted;
 * everything fn touches is. *method names the method for the report. */
long bench_peak_extra_bytes(void (*fn)(void *ctx), void *ctx, const char **method);

#endif
