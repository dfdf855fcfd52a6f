/* SPDX-License-Identifier: MIT */
/* strbuf.h: the library's one growable NUL-terminated string buffer (private). */
#ifndef CARDC_STRBUF_H
#define CARDC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors_internal.h"

/* Zero-initialise ({0}) to start empty. After an allocation failure every
 * append is a no-op and `oom` stays set, so callers append freely and check
 * once at the end. While not oom and len > 0, s[len] == '\0'. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
    int oom;
    size_t first; /* the first allocation's size when more than 64 */
} strbuf;

/* All but take/free are static inline, not in strbuf.c: measured, the
 * validator's error path (bench_validate invalid-*) ran 10-20% slower with
 * them out of line, or with only a fast path inline, than with each file's
 * former private copy, which the compiler inlined per caller as it saw fit. */

/* Room for n more bytes and the NUL; 0 (and oom set) if there cannot be. */
static inline int strbuf_reserve(strbuf *b, size_t n)
{
    size_t nc;
    char *v;

    if (b->oom)
        return 0;
    if (b->cap - b->len > n)
        return 1;
    if (n >= SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return 0;
    }
    nc = b->cap ? b->cap : b->first > 64 ? b->first : 64;
    while (nc - b->len <= n)
        nc *= 2;
    v = realloc(b->s, nc);
    if (!v) {
        b->oom = 1;
        return 0;
    }
    b->s = v;
    b->cap = nc;
    return 1;
}

static inline void strbuf_add(strbuf *b, const char *s, size_t n)
{
    if (!strbuf_reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static inline void strbuf_str(strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

/* Appends one JSON Pointer reference token (RFC 6901: '~' as "~0", '/' as
 * "~1"), without the leading '/'. */
static inline void strbuf_pointer_token(strbuf *b, const char *s, size_t n)
{
    size_t i, start = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '~' || s[i] == '/') {
            strbuf_add(b, s + start, i - start);
            strbuf_add(b, s[i] == '~' ? "~0" : "~1", 2);
            start = i + 1;
        }
    }
    strbuf_add(b, s + start, n - start);
}

/* Cuts the text back to its first len bytes (popping a path segment). */
static inline void strbuf_truncate(strbuf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->s[len] = '\0';
    }
}

/* Formats into a stack buffer first: one vsnprintf for the short pieces
 * messages are made of; longer output is formatted again, in place. */
static inline void strbuf_printf(strbuf *b, const char *fmt, ...) CARDC_PRINTF_(2, 3);
static inline void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        strbuf_add(b, tmp, (size_t)n);
        return;
    }
    if (!strbuf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The result, owned by the caller: NULL after an allocation failure (the
 * buffer is freed) or when nothing was ever appended. b is left empty. */
char *cardc__strbuf_take(strbuf *b);

void cardc__strbuf_free(strbuf *b);

#endif
