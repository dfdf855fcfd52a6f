/* strbuf.c: growth and formatted appends for strbuf.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

/* Makes room for n more bytes and the NUL; 0 (and oom) if it cannot. */
static int reserve(strbuf *b, size_t n)
{
    size_t nc;
    char *v;

    if (b->oom)
        return 0;
    if (b->cap - b->len > n)
        return 1;
    if (n >= SIZE_MAX - b->len) {
        b->oom = 1;
        return 0;
    }
    nc = b->cap ? b->cap : 64;
    while (nc - b->len <= n) {
        if (nc > SIZE_MAX / 2) {
            b->oom = 1;
            return 0;
        }
        nc *= 2;
    }
    v = realloc(b->s, nc);
    if (!v) {
        b->oom = 1;
        return 0;
    }
    b->s = v;
    b->cap = nc;
    return 1;
}

void cardc__strbuf_grow_add(strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void cardc__strbuf_printf(strbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;

    if (b->oom)
        return;
    /* One vsnprintf in the usual case: straight into the free space when
     * there is plenty, else into tmp (a first append has no space at all);
     * a second pass only for output longer than both. */
    va_start(ap, fmt);
    if (b->cap - b->len >= sizeof tmp)
        n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    else
        n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->cap - b->len < sizeof tmp && (size_t)n < sizeof tmp) {
        strbuf_add(b, tmp, (size_t)n);
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        if (!reserve(b, (size_t)n))
            return;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

char *cardc__strbuf_take(strbuf *b)
{
    char *s = b->s;

    if (b->oom) {
        free(s);
        s = NULL;
    }
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

void cardc__strbuf_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
