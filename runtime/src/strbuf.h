/* strbuf.h: the library's one growable NUL-terminated string buffer (private). */
#ifndef CARDC_STRBUF_H
#define CARDC_STRBUF_H

#include <stddef.h>
#include <string.h>

#include "errors_internal.h"

/* Zero-initialise ({0}) to start empty. After an allocation failure every
 * append is a no-op and `oom` stays set, so callers append freely and check
 * once at the end. While not oom and len > 0, s[len] == '\0'. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
    int oom;
} strbuf;

void cardc__strbuf_grow_add(strbuf *b, const char *s, size_t n);

/* Inline fast path: error messages and dumps append many short pieces, and a
 * call per byte would show in the validator's error-heavy runs. */
static inline void strbuf_add(strbuf *b, const char *s, size_t n)
{
    if (b->cap - b->len > n) {
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
    } else {
        cardc__strbuf_grow_add(b, s, n);
    }
}

static inline void strbuf_str(strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void cardc__strbuf_printf(strbuf *b, const char *fmt, ...) CARDC_PRINTF_(2, 3);

/* The result, owned by the caller: NULL after an allocation failure (the
 * buffer is freed) or when nothing was ever appended. b is left empty. */
char *cardc__strbuf_take(strbuf *b);

void cardc__strbuf_free(strbuf *b);

#endif
