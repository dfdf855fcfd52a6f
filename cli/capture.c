/* SPDX-License-Identifier: MIT */
/* Output held back per stream (open_memstream) and replayed in order. */
#include <stdbool.h>
#include <stdio_ext.h> /* __fpending: glibc, musl, the BSDs */
#include <stdlib.h>
#include <string.h>

#include "capture.h"

#define MAX_STREAMS 4 /* verdicts, diagnostics, --print, JUnit cases */

typedef struct piece {
    unsigned stream;
    size_t from, to;
} piece;

struct capture {
    struct {
        FILE *real, *mem;
        char *buf;
        size_t len, marked;
    } s[MAX_STREAMS];
    unsigned n;
    piece *pieces;
    size_t npieces, cap;
    bool failed;
};

capture *capture_new(void)
{
    return calloc(1, sizeof(capture));
}

void capture_free(capture *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n; i++) {
        if (c->s[i].mem)
            fclose(c->s[i].mem);
        free(c->s[i].buf);
    }
    free(c->pieces);
    free(c);
}

FILE *capture_stream(capture *c, FILE *real)
{
    for (unsigned i = 0; i < c->n; i++)
        if (c->s[i].real == real)
            return c->s[i].mem;
    if (c->n == MAX_STREAMS)
        return NULL;
    c->s[c->n].real = real;
    c->s[c->n].mem = open_memstream(&c->s[c->n].buf, &c->s[c->n].len);
    if (!c->s[c->n].mem)
        return NULL;
    return c->s[c->n++].mem;
}

/* Every stream's new output becomes a piece (one that continues the last
 * piece's stream extends it). */
static void mark_all(capture *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        if (!c->s[i].mem)
            continue;
        if (__fpending(c->s[i].mem) > 0 && fflush(c->s[i].mem) != 0)
            c->failed = true;
        if (c->s[i].len == c->s[i].marked)
            continue;
        if (c->npieces && c->pieces[c->npieces - 1].stream == i &&
            c->pieces[c->npieces - 1].to == c->s[i].marked) {
            c->pieces[c->npieces - 1].to = c->s[i].len;
        } else {
            if (c->npieces == c->cap) {
                size_t cap = c->cap ? c->cap * 2 : 8;
                piece *p = realloc(c->pieces, cap * sizeof *p);
                if (!p) {
                    c->failed = true;
                    return;
                }
                c->pieces = p;
                c->cap = cap;
            }
            c->pieces[c->npieces++] = (piece){i, c->s[i].marked, c->s[i].len};
        }
        c->s[i].marked = c->s[i].len;
    }
}

void capture_mark(capture *c)
{
    unsigned grown = 0, which = 0;

    /* While only the last piece's stream grows there is no boundary to
     * keep, so nothing is flushed: flushing (which publishes the length)
     * at every invalid line was 3% of -j 2's time, a flush per stream per
     * payload 4% before that. */
    for (unsigned i = 0; i < c->n; i++) {
        if (c->s[i].mem && (__fpending(c->s[i].mem) > 0 || c->s[i].len != c->s[i].marked)) {
            grown++;
            which = i;
        }
    }
    if (grown == 0 || (grown == 1 && c->npieces && c->pieces[c->npieces - 1].stream == which))
        return;
    mark_all(c);
}

int capture_empty(const capture *c)
{
    return c->npieces == 0;
}

long capture_replay(capture *c)
{
    long written = 0;

    mark_all(c);
    for (unsigned i = 0; i < c->n; i++) {
        /* fclose publishes the final buffer (it may move) */
        if (c->s[i].mem && fclose(c->s[i].mem) != 0)
            c->failed = true;
        c->s[i].mem = NULL;
    }
    for (size_t k = 0; k < c->npieces; k++) {
        const piece *p = &c->pieces[k];
        fwrite(c->s[p->stream].buf + p->from, 1, p->to - p->from, c->s[p->stream].real);
        written += (long)(p->to - p->from);
    }
    return c->failed ? -1 : written;
}
