/* SPDX-License-Identifier: MIT */
/* Writing validation verdicts and diagnostics: text, JSON Lines, GitHub. */
#ifndef CARDC_CLI_REPORT_H
#define CARDC_CLI_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "cardc/cardc.h"

typedef enum report_format {
    REPORT_TEXT = 0,
    REPORT_JSON,
    REPORT_GITHUB,
    REPORT_JUNIT
} report_format;

typedef struct report {
    report_format format;
    FILE *out;         /* verdicts */
    FILE *diag;        /* diagnostics (always stderr in practice) */
    size_t max_errors; /* as given to the validator, for the truncation note */
    int list_valid;    /* print valid payloads too (text, json) */
    /* JUnit: the test cases, written out by report_finish. */
    char *junit;
    size_t junit_len;
    FILE *junit_cases;
    size_t cases, failures, errors;
} report;

/* Parses "text", "json", "github", "junit"; returns 0 for an unknown name. */
int report_format_from_name(const char *name, report_format *format);

/* One payload and where its text sits: `line_base` is the file line of the
 * text's first line (1 for a whole file, N for line N of a JSON Lines file,
 * whose payload then also gets "line" in JSON output). */
typedef struct report_payload {
    const char *file;
    const char *text;
    size_t len;
    int line_base;
    int jsonl;
    int yaml; /* the text is YAML: positions come from the YAML parser */
} report_payload;

/* Prepares the format's state; 0, or -1 when out of memory. */
int report_start(report *r);
/* Writes what the format keeps to the end (JUnit) and releases the state;
 * 0, or -1 when out of memory. */
int report_finish(report *r);

/* The verdict of one validation. Returns 0, or -1 when out of memory. */
int report_result(report *r, const report_payload *p, const cardc_result *result);

/* A payload that could not be read, parsed or validated: the
 * "FILE:LINE:COL: error: ..." diagnostic (and, in JSON/GitHub formats, a
 * verdict line so every payload is accounted for). */
void report_payload_error(report *r, const report_payload *p, const cardc_error *err);

/* A diagnostic about anything else (card, schema, resource). */
void report_error(FILE *diag, const cardc_error *err);

#endif /* CARDC_CLI_REPORT_H */
