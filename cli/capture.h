/* SPDX-License-Identifier: MIT */
/* Output of one piece of work, held back and written later: a worker
 * thread of `cardc validate -j N` writes into a capture, the main thread
 * replays it, in input order, into the real streams. */
#ifndef CARDC_CLI_CAPTURE_H
#define CARDC_CLI_CAPTURE_H

#include <stddef.h>
#include <stdio.h>

typedef struct capture capture;

/* An empty capture; NULL when out of memory. Free with capture_free. */
capture *capture_new(void);
void capture_free(capture *c);

/* The stream to write instead of `real` (one memory stream per distinct
 * real stream, so two names for one stream keep their order). NULL when
 * out of memory. Owned by the capture. */
FILE *capture_stream(capture *c, FILE *real);

/* Closes a segment: what each stream got since the previous mark is
 * replayed as one piece, pieces in the order of the marks (the streams of
 * one piece in the order they were first used). Call it after each payload:
 * interleaving across streams is then kept at payload granularity. */
void capture_mark(capture *c);

/* Closes the streams (marking what is left) and writes every piece to its
 * real stream. Returns the bytes written, or -1 when memory ran out while
 * capturing (some output is then lost: the caller says so). */
long capture_replay(capture *c);

/* Whether anything was captured (valid after capture_mark). */
int capture_empty(const capture *c);

#endif
