/* SPDX-License-Identifier: MIT */
/* A JSON Lines text cut into spans of whole lines for `cardc validate -j`:
 * span k holds the lines that start in the k-th window of `target` bytes
 * (found by the thread that works it; nothing is read when the spans are
 * made), and its first line number is handed on from span to span. */
#ifndef CARDC_CLI_JSONL_SPANS_H
#define CARDC_CLI_JSONL_SPANS_H

#include <stddef.h>

typedef struct jsonl_spans jsonl_spans;

/* The spans of text, one per window of target bytes (a window inside a
 * longer line gives an empty span). Borrows text. NULL when out of memory;
 * free with jsonl_spans_free. */
jsonl_spans *jsonl_spans_new(const char *text, size_t len, size_t target);
void jsonl_spans_free(jsonl_spans *s);

size_t jsonl_spans_count(const jsonl_spans *s);
/* Span k is text[*start, *end) (possibly empty); reads a line of text. */
void jsonl_spans_range(const jsonl_spans *s, size_t k, size_t *start, size_t *end);

/* The file line number of span k's first line. Counts span k's lines, then
 * waits until span k-1's worker has published where span k starts, and
 * publishes where span k+1 starts. Call it exactly once per span, first
 * thing (before anything that may fail), with spans taken in increasing
 * order: a span never called blocks every later one. Thread-safe. */
int jsonl_spans_first_line(jsonl_spans *s, size_t k);
/* Span k's first line once published, else 0 (for messages). */
int jsonl_spans_line(jsonl_spans *s, size_t k);

#endif
