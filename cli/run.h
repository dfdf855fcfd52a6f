/* SPDX-License-Identifier: MIT */
/* run.h - what `cardc run` (cmd_run.c) and its --batch mode
 * (cmd_run_batch.c) share. */
#ifndef CARDC_CLI_RUN_H
#define CARDC_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "cardc/cardc.h"
#include "cardc/client.h"

struct json_object;

/* Validates value, reporting errors as `cardc validate` does against `name`
 * (the text is value's compact form, so positions point into it). Returns 0,
 * CLI_EXIT_INVALID or CLI_EXIT_ERROR. */
int run_check_value(const cardc_schema *schema, struct json_object *value, const char *name);

/* The same for line `line` of a JSON Lines file (text: that line as read),
 * positions given as FILE:LINE:COLUMN. */
int run_check_line(const cardc_schema *schema, struct json_object *value, const char *file,
                   const char *text, size_t len, int line);

/* Exit status of a failed client call; reports it on stderr (never with
 * the token). */
int run_client_failure(cardc_error *err, cardc_status st);

/* Writes data (and a newline when `newline`) to path, or to stdout when
 * path is NULL. 0 or CLI_EXIT_ERROR after reporting. */
int run_write_bytes(const char *path, const char *data, size_t len, bool newline);

/* One --batch run. Borrowed, all of it. */
typedef struct run_batch_args {
    const char *card_path, *batch_path, *out_path, *model;
    const cardc_card *card;
    const cardc_schema *in_schema, *out_schema;
    bool force;                          /* --force: the card need not say async_queue */
    long poll_ms;                        /* --poll-ms; 0: the default */
    long batch_timeout_s;                /* --batch-timeout; 0: the default */
    cardc_duplicate_keys duplicate_keys; /* --duplicate-keys, for every line */
    const cardc_client_options *copts;
} run_batch_args;

/* The checks that need nothing sent (the card takes the Batch API or
 * --force, it has an output schema) and every line of the batch file read
 * and validated: -1 when all is well, else the exit status (after
 * reporting). Then run_batch() sends it; run_batch_free() in any case. */
typedef struct run_batch_inputs run_batch_inputs;
int run_batch_prepare(const run_batch_args *a, run_batch_inputs **out);
int run_batch(const run_batch_args *a, run_batch_inputs *inputs);
void run_batch_free(run_batch_inputs *inputs);

#endif /* CARDC_CLI_RUN_H */
