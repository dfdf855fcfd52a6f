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

/* Where a span's lines end, found once by the count and reused by the
 * validation (each newline's offset in the text). Owned by the caller, kept
 * from span to span; free `at`. n == JSONL_ENDS_NONE: not recorded (too
 * many lines, or out of memory): find them again. */
typedef struct jsonl_ends {
    size_t *at, n, cap;
} jsonl_ends;
#define JSONL_ENDS_NONE ((size_t)-1)

/* The file line number of span k's first line. Counts span k's lines
 * (recording their ends in *ends), then waits until span k-1's worker has
 * published where span k starts, and publishes where span k+1 starts. Call
 * it exactly once per span, first thing (it never fails: a failure to
 * record only leaves ends->n at JSONL_ENDS_NONE), with spans taken in
 * increasing order: a span never called blocks every later one.
 * Thread-safe. */
int jsonl_spans_first_line(jsonl_spans *s, size_t k, jsonl_ends *ends);
/* The same for a worker that counted span k's lines itself (`lines`, as it
 * validated them): waits for span k's first line number, publishes span
 * k+1's, returns span k's. */
int jsonl_spans_publish(jsonl_spans *s, size_t k, long lines);
/* Span k's first line once published, else 0 (for messages). */
int jsonl_spans_line(jsonl_spans *s, size_t k);

#endif
