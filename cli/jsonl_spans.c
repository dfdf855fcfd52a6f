/* SPDX-License-Identifier: MIT */
/* A JSON Lines text cut into spans; line numbers handed from span to span. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl_spans.h"

struct jsonl_spans {
    const char *text;
    size_t *ends; /* span k is [ends[k-1] (0 for k = 0), ends[k]) */
    size_t count;
    pthread_mutex_t lock;
    pthread_cond_t published;
    long *first; /* first[k]: span k's first line, 0 until published */
};

jsonl_spans *jsonl_spans_new(const char *text, size_t len, size_t target)
{
    jsonl_spans *s = calloc(1, sizeof *s);
    size_t cap = len / (target ? target : 1) + 2, at = 0;

    if (!s || !(s->ends = malloc(cap * sizeof *s->ends))) {
        free(s);
        return NULL;
    }
    s->text = text;
    while (at < len) {
        size_t end = len - at > target ? at + target : len;
        const char *nl = end < len ? memchr(text + end, '\n', len - end) : NULL;
        end = end < len ? (nl ? (size_t)(nl - text) + 1 : len) : len;
        s->ends[s->count++] = end; /* count < cap: every span but the last has target bytes */
        at = end;
    }
    if (!(s->first = calloc(s->count + 1, sizeof *s->first))) {
        free(s->ends);
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
    free(s->ends);
    free(s);
}

size_t jsonl_spans_count(const jsonl_spans *s)
{
    return s->count;
}

void jsonl_spans_range(const jsonl_spans *s, size_t k, size_t *start, size_t *end)
{
    *start = k ? s->ends[k - 1] : 0;
    *end = s->ends[k];
}

int jsonl_spans_first_line(jsonl_spans *s, size_t k)
{
    size_t start, end;
    long lines = 0, first;

    jsonl_spans_range(s, k, &start, &end);
    for (const char *p = s->text + start, *stop = s->text + end;
         (p = memchr(p, '\n', (size_t)(stop - p))) != NULL; p++)
        lines++;
    pthread_mutex_lock(&s->lock);
    while (s->first[k] == 0)
        pthread_cond_wait(&s->published, &s->lock);
    first = s->first[k];
    s->first[k + 1] = first + lines;
    pthread_cond_broadcast(&s->published);
    pthread_mutex_unlock(&s->lock);
    return first > INT_MAX ? INT_MAX : (int)first;
}

int jsonl_spans_line(jsonl_spans *s, size_t k)
{
    long first;

    pthread_mutex_lock(&s->lock);
    first = s->first[k];
    pthread_mutex_unlock(&s->lock);
    return first > INT_MAX ? INT_MAX : (int)first;
}
