/* SPDX-License-Identifier: MIT */
/* A JSON Lines text cut into spans; line numbers handed from span to span. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl_spans.h"

struct jsonl_spans {
    const char *text;
    size_t len, target, count;
    pthread_mutex_t lock;
    pthread_cond_t published;
    long *first; /* first[k]: span k's first line, 0 until published */
};

/* The first line start at or after byte x: x itself when a line starts there,
 * else just after the next newline (len when there is none). */
static size_t cut(const jsonl_spans *s, size_t x)
{
    const char *nl;

    if (x == 0 || x >= s->len)
        return x == 0 ? 0 : s->len;
    if (s->text[x - 1] == '\n')
        return x;
    nl = memchr(s->text + x, '\n', s->len - x);
    return nl ? (size_t)(nl - s->text) + 1 : s->len;
}

jsonl_spans *jsonl_spans_new(const char *text, size_t len, size_t target)
{
    jsonl_spans *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->text = text;
    s->len = len;
    s->target = target ? target : 1;
    /* Fixed byte windows, each span being the lines that start in its
     * window: nothing of the text is read here, so its pages are first
     * touched by the workers (a scan for newlines here was a quarter of -j
     * 2's time once the file was mapped). A line longer than a window
     * leaves the windows it covers empty. */
    s->count = len / s->target + (len % s->target != 0);
    if (!(s->first = calloc(s->count + 1, sizeof *s->first))) {
        free(s);
        return NULL;
    }
    s->first[0] = 1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->published, NULL);
    return s;
}

void jsonl_spans_free(jsonl_spans *s)
{
    if (!s)
        return;
    pthread_cond_destroy(&s->published);
    pthread_mutex_destroy(&s->lock);
    free(s->first);
    free(s);
}

size_t jsonl_spans_count(const jsonl_spans *s)
{
    return s->count;
}

void jsonl_spans_range(const jsonl_spans *s, size_t k, size_t *start, size_t *end)
{
    size_t lo = k * s->target, hi = lo + s->target < s->len ? lo + s->target : s->len;
    const char *nl;

    /* Where the first line starting in [lo, hi) starts. Searched within the
     * window only: the windows inside one long line stay cheap (its end is
     * found once, by the span where it starts). */
    *start = lo;
    if (lo > 0 && s->text[lo - 1] != '\n') {
        nl = hi - 1 > lo ? memchr(s->text + lo, '\n', hi - 1 - lo) : NULL;
        if (!nl) { /* no line starts here: an empty span */
            *end = lo;
            return;
        }
        *start = (size_t)(nl - s->text) + 1;
    }
    *end = k + 1 >= s->count ? s->len : cut(s, hi);
}

/* Most ends a span records (8 MB): a span of millions of empty lines is
 * counted, not recorded. */
#define MAX_ENDS ((size_t)1 << 20)

/* Records the newlines of text[start, end) in e (absolute offsets);
 * returns how many there are, recorded or not. */
static long find_ends(const char *text, size_t start, size_t end, jsonl_ends *e)
{
    long lines = 0;

    e->n = 0;
    for (const char *p = text + start, *stop = text + end;
         (p = memchr(p, '\n', (size_t)(stop - p))) != NULL; p++) {
        lines++;
        if (e->n == JSONL_ENDS_NONE)
            continue;
        if (e->n == e->cap) {
            size_t cap = e->cap ? e->cap * 2 : 4096;
            size_t *at = cap <= MAX_ENDS ? realloc(e->at, cap * sizeof *at) : NULL;
            if (!at) {
                e->n = JSONL_ENDS_NONE;
                continue;
            }
            e->at = at;
            e->cap = cap;
        }
        e->at[e->n++] = (size_t)(p - text);
    }
    return lines;
}

int jsonl_spans_publish(jsonl_spans *s, size_t k, long lines)
{
    long first;

    pthread_mutex_lock(&s->lock);
    while (s->first[k] == 0)
        pthread_cond_wait(&s->published, &s->lock);
    first = s->first[k];
    s->first[k + 1] = first + lines;
    pthread_cond_broadcast(&s->published);
    pthread_mutex_unlock(&s->lock);
    return first > INT_MAX ? INT_MAX : (int)first;
}

int jsonl_spans_first_line(jsonl_spans *s, size_t k, jsonl_ends *ends)
{
    size_t start, end;

    /* The count is the first read of the span's text, from memory; the
     * validation then walks the recorded ends in cache. Finding every line
     * twice (count, then validate) was 40% of what -j 2 spent beyond -j 1. */
    jsonl_spans_range(s, k, &start, &end);
    return jsonl_spans_publish(s, k, find_ends(s->text, start, end, ends));
}

int jsonl_spans_line(jsonl_spans *s, size_t k)
{
    long first;

    pthread_mutex_lock(&s->lock);
    first = s->first[k];
    pthread_mutex_unlock(&s->lock);
    return first > INT_MAX ? INT_MAX : (int)first;
}
