/* SPDX-License-Identifier: MIT */
/* Timing shared by the benchmark programs: medians of calibrated batches. */
#ifndef CARDC_BENCH_TIMING_H
#define CARDC_BENCH_TIMING_H

/* Median seconds per call of fn(ctx) over 9 batches, each calibrated to last
 * about 50 ms. fn returns non-zero on success; a failing call (0) stops the
 * measurement and -1 is returned, so a wrong verdict is never timed. */
double bench_median_seconds(int (*fn)(void *ctx), void *ctx);

#endif
