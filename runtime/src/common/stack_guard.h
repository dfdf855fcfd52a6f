/* SPDX-License-Identifier: MIT */
/* stack_guard.h: the one guard on C stack use (private). The validator and
 * the binding engine recurse along the instance (recursive schemas nest as
 * deep as the payload, up to max_depth 10,000 by default), and a thread's
 * stack may be smaller than that needs, under sanitizers especially: past
 * the guard a call stops with CARDC_E_LIMIT instead of crashing. */
#ifndef CARDC_STACK_GUARD_H
#define CARDC_STACK_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* Use below this many bytes is never checked further (the fast path). */
#define CARDC_STACK_CHECK (64u << 10)
/* The budget when the thread's real stack cannot be found. */
#define CARDC_STACK_BUDGET (6u << 20)
/* Kept free below the guard, for the error path and libc. */
#define CARDC_STACK_MARGIN (256u << 10)

typedef struct stack_guard {
    uintptr_t base; /* frame address where the call entered the library */
    size_t limit;   /* bytes it may use below that; 0 until first needed */
} stack_guard;

static inline uintptr_t cardc__stack_here(void)
{
#if defined(__GNUC__)
    return (uintptr_t)__builtin_frame_address(0);
#else
    char c;
    return (uintptr_t)&c;
#endif
}

/* Call in the public entry point: the base is its frame. */
static inline void cardc__stack_guard_init(stack_guard *g)
{
    g->base = cardc__stack_here();
    g->limit = 0;
}

/* The limit from the thread's real stack (or CARDC_STACK_BUDGET), computed
 * once per guard; 1 when `used` is past it. */
int cardc__stack_guard_past(stack_guard *g, size_t used);

/* 1 when the recursion must stop (CARDC_E_LIMIT). Inline and cheap while
 * shallow: a subtraction and a compare. */
static inline int cardc__stack_guard_exceeded(stack_guard *g)
{
    uintptr_t h = cardc__stack_here();
    size_t used = (size_t)(h > g->base ? h - g->base : g->base - h);

    return used > CARDC_STACK_CHECK && cardc__stack_guard_past(g, used);
}

#endif /* CARDC_STACK_GUARD_H */
