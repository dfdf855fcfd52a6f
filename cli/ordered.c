/* SPDX-License-Identifier: MIT */
/* Work spread over threads, outcomes delivered in input order. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "ordered.h"

/* Units a thread may work ahead of the delivery: enough that a slow unit
 * does not idle the others, few enough that buffered outcomes stay small. */
#define AHEAD_PER_THREAD 4

typedef struct shared {
    const ordered_job *job;
    pthread_mutex_t lock;
    pthread_cond_t done_cv;  /* a unit finished */
    pthread_cond_t space_cv; /* the delivery moved on */
    size_t next;             /* next unit to claim */
    size_t delivered;        /* units delivered so far */
    size_t window;           /* claimable while next < delivered + window */
    unsigned waiting;        /* workers waiting for space */
    void **outcomes;
    bool *done;
} shared;

typedef struct worker {
    shared *sh;
    void *state;
    pthread_t tid;
} worker;

static void *work_loop(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;

    for (;;) {
        size_t unit;
        void *outcome;

        pthread_mutex_lock(&sh->lock);
        while (sh->next < sh->job->units && sh->next >= sh->delivered + sh->window) {
            sh->waiting++;
            pthread_cond_wait(&sh->space_cv, &sh->lock);
            sh->waiting--;
        }
        if (sh->next >= sh->job->units) {
            pthread_mutex_unlock(&sh->lock);
            return NULL;
        }
        unit = sh->next++;
        pthread_mutex_unlock(&sh->lock);

        outcome = sh->job->work(sh->job->ctx, w->state, unit);

        pthread_mutex_lock(&sh->lock);
        sh->outcomes[unit] = outcome;
        sh->done[unit] = true;
        if (unit == sh->delivered) /* the one the delivery waits for */
            pthread_cond_signal(&sh->done_cv);
        pthread_mutex_unlock(&sh->lock);
    }
}

/* Every unit on the calling thread, in order. */
static void run_inline(const ordered_job *job)
{
    void *state = job->state_new(job->ctx);

    for (size_t u = 0; u < job->units; u++)
        job->deliver(job->ctx, u, state ? job->work(job->ctx, state, u) : NULL);
    if (state)
        job->state_free(state);
}

/* Delivers every unit as it completes, then joins the workers. */
static void deliver_all(shared *sh, worker *w, unsigned started)
{
    const ordered_job *job = sh->job;

    for (size_t u = 0; u < job->units; u++) {
        void *outcome;

        pthread_mutex_lock(&sh->lock);
        while (!sh->done[u])
            pthread_cond_wait(&sh->done_cv, &sh->lock);
        outcome = sh->outcomes[u];
        sh->delivered = u + 1;
        if (sh->waiting)
            pthread_cond_broadcast(&sh->space_cv);
        pthread_mutex_unlock(&sh->lock);
        job->deliver(job->ctx, u, outcome);
    }
    for (unsigned i = 0; i < started; i++) {
        pthread_join(w[i].tid, NULL);
        job->state_free(w[i].state);
    }
}

/* Workers get the stack the main thread may grow to, so a deeply nested
 * payload meets the same limits whatever -j says (the parser and the
 * validator guard against the thread's real stack). */
static void stack_like_main(pthread_attr_t *attr)
{
    struct rlimit rl;
    size_t size = (size_t)8 << 20;

    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur >= ((rlim_t)1 << 20) && rl.rlim_cur <= ((rlim_t)1 << 30))
        size = (size_t)rl.rlim_cur;
    pthread_attr_setstacksize(attr, size);
}

/* Starts the workers; returns how many run. */
static unsigned start(shared *sh, worker *w, unsigned n)
{
    unsigned started = 0;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    stack_like_main(&attr);
    for (unsigned i = 0; i < n; i++) {
        w[started].sh = sh;
        w[started].state = sh->job->state_new(sh->job->ctx);
        if (!w[started].state)
            continue;
        if (pthread_create(&w[started].tid, &attr, work_loop, &w[started]) != 0) {
            sh->job->state_free(w[started].state);
            continue;
        }
        started++;
    }
    pthread_attr_destroy(&attr);
    return started;
}

void ordered_run(const ordered_job *job)
{
    unsigned n = job->threads ? job->threads : 1;
    shared sh = {.job = job, .window = (size_t)n * AHEAD_PER_THREAD};
    worker *w = NULL;
    unsigned started = 0;

    if (n > 1 && job->units > 1) {
        sh.outcomes = calloc(job->units, sizeof *sh.outcomes);
        sh.done = calloc(job->units, sizeof *sh.done);
        w = calloc(n, sizeof *w);
    }
    if (!w || !sh.outcomes || !sh.done) {
        free(sh.outcomes);
        free(sh.done);
        free(w);
        run_inline(job);
        return;
    }
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.done_cv, NULL);
    pthread_cond_init(&sh.space_cv, NULL);
    started = start(&sh, w, n);
    if (started == 0) {
        run_inline(job);
    } else {
        deliver_all(&sh, w, started);
    }
    pthread_cond_destroy(&sh.space_cv);
    pthread_cond_destroy(&sh.done_cv);
    pthread_mutex_destroy(&sh.lock);
    free(sh.outcomes);
    free(sh.done);
    free(w);
}
