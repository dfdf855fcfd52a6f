/* SPDX-License-Identifier: MIT */
/* Private: patterns matched without a regex engine (regex_simple.c). */
#ifndef CARDC_REGEX_SIMPLE_H
#define CARDC_REGEX_SIMPLE_H

#include <stddef.h>

typedef struct rx_simple rx_simple;

/* The pattern p[0..n) (ECMA-262) as a simple matcher, or NULL when it is
 * not one of the shapes regex_simple.c decides in one pass (or out of
 * memory): the caller then uses pcre2. Free with cardc__rx_simple_free. */
rx_simple *cardc__rx_simple_compile(const char *p, size_t n);
void cardc__rx_simple_free(rx_simple *rx);

/* Whether the pattern matches somewhere in s[0..n) (1 or 0), exactly as
 * pcre2 with the translated pattern would. */
int cardc__rx_simple_match(const rx_simple *rx, const char *s, size_t n);

#endif
