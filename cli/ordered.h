/* SPDX-License-Identifier: MIT */
/* Work spread over threads, outcomes delivered in input order: what lets
 * `cardc validate -j N` print exactly what -j 1 prints. */
#ifndef CARDC_CLI_ORDERED_H
#define CARDC_CLI_ORDERED_H

#include <stddef.h>

typedef struct ordered_job {
    size_t units;     /* work units, 0..units-1 */
    unsigned threads; /* worker threads (at least 1) */
    void *ctx;        /* passed to every callback */
    /* Per-thread state (a cardc_result, ...); NULL means out of memory and
     * that thread does not start. */
    void *(*state_new)(void *ctx);
    void (*state_free)(void *state);
    /* Runs on a worker thread; returns the unit's outcome (owned by the
     * caller of deliver). Must not touch what another unit touches. */
    void *(*work)(void *ctx, void *state, size_t unit);
    /* Runs on the calling thread, once per unit, in unit order; outcome is
     * NULL when no state could be made for the unit (out of memory). */
    void (*deliver)(void *ctx, size_t unit, void *outcome);
} ordered_job;

/* Runs the job: workers claim units in order, at most a few per thread ahead
 * of the delivery (memory stays bounded however many units there are), and
 * the calling thread delivers each outcome as soon as all before it are
 * delivered. When no thread can be started the calling thread does the work
 * itself, so every unit is always worked and delivered exactly once. */
void ordered_run(const ordered_job *job);

#endif
