/* SPDX-License-Identifier: MIT */
/* Binding engine: a guard on C stack use. Decode, the check walk, the
 * writer and free recurse along the value (recursive types nest as deep as
 * the payload, up to max_depth 10,000 by default), and a thread's stack may
 * be smaller than that needs, under sanitizers especially. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* pthread_getattr_np */
#define _GNU_SOURCE
#endif
#include <stdint.h>

#if defined(__linux__)
#include <pthread.h>
#endif

#include "bind/bind_internal.h"

/* Checked against the thread's real stack once use passes STACK_CHECK;
 * without that information the budget is STACK_BUDGET (as the validator). */
#define STACK_CHECK  (64u << 10)
#define STACK_BUDGET (6u << 20)
#define STACK_MARGIN (256u << 10)

static uintptr_t here(void)
{
#if defined(__GNUC__)
    return (uintptr_t)__builtin_frame_address(0);
#else
    char c;
    return (uintptr_t)&c;
#endif
}

void cardc__bind_stack_init(bind_stack *s)
{
    s->base = here();
    s->limit = 0;
}

int cardc__bind_stack_exhausted(bind_stack *s)
{
    uintptr_t h = here();
    size_t used = (size_t)(h > s->base ? h - s->base : s->base - h);

    if (used <= STACK_CHECK)
        return 0;
    if (!s->limit) {
        s->limit = STACK_BUDGET;
#if defined(__linux__)
        pthread_attr_t a;
        void *lo = NULL;
        size_t sz = 0;
        if (pthread_getattr_np(pthread_self(), &a) == 0) {
            if (pthread_attr_getstack(&a, &lo, &sz) == 0 && lo &&
                s->base > (uintptr_t)lo + STACK_MARGIN)
                s->limit = (size_t)(s->base - (uintptr_t)lo) - STACK_MARGIN;
            pthread_attr_destroy(&a);
        }
#endif
    }
    return used > s->limit;
}
