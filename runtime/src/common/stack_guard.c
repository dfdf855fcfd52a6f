/* SPDX-License-Identifier: MIT */
/* The stack guard's slow path: how much stack the calling thread has. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* pthread_getattr_np */
#define _GNU_SOURCE
#endif
#include <stdint.h>

#if defined(__linux__)
#include <pthread.h>
#endif

#include "common/stack_guard.h"

int cardc__stack_guard_past(stack_guard *g, size_t used)
{
    if (!g->limit) {
        g->limit = CARDC_STACK_BUDGET;
#if defined(__linux__)
        pthread_attr_t a;
        void *lo = NULL;
        size_t sz = 0;
        if (pthread_getattr_np(pthread_self(), &a) == 0) {
            if (pthread_attr_getstack(&a, &lo, &sz) == 0 && lo &&
                g->base > (uintptr_t)lo + CARDC_STACK_MARGIN)
                g->limit = (size_t)(g->base - (uintptr_t)lo) - CARDC_STACK_MARGIN;
            pthread_attr_destroy(&a);
        }
#endif
    }
    return used > g->limit;
}
