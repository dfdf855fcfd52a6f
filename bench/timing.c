/* SPDX-License-Identifier: MIT */
/* Medians of calibrated batches, for every benchmark program. */
#include <stdlib.h>
#include <time.h>

#include "timing.h"

#define BATCHES       9
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

/* Runs iters calls; returns the seconds they took, or -1 if one failed. */
static double batch(int (*fn)(void *), void *ctx, long iters)
{
    double t0 = now();
    for (long k = 0; k < iters; k++)
        if (!fn(ctx))
            return -1;
    return now() - t0;
}

double bench_median_seconds(int (*fn)(void *ctx), void *ctx)
{
    double samples[BATCHES], dt;
    long iters = 1;

    for (;;) { /* calibrate: a batch should last about BATCH_SECONDS */
        if ((dt = batch(fn, ctx, iters)) < 0)
            return -1;
        if (dt >= BATCH_SECONDS || iters >= (1L << 30))
            break;
        iters = dt <= 0 ? iters * 10 : (long)((double)iters * (BATCH_SECONDS * 1.2 / dt)) + 1;
    }
    for (int b = 0; b < BATCHES; b++) {
        if ((dt = batch(fn, ctx, iters)) < 0)
            return -1;
        samples[b] = dt / (double)iters;
    }
    qsort(samples, BATCHES, sizeof *samples, cmp_double);
    return samples[BATCHES / 2];
}
