/* SPDX-License-Identifier: MIT */
/* lint.h - cardc lint: defects in model cards and JSON Schemas that no
 * validator reports, each finding a stable rule ID, a level, a position in
 * the file, a JSON Pointer and a concrete suggestion; certain fixes rewrite
 * the file in place.
 *
 * Pipeline: source.c loads a card or a plain schema and maps every schema
 * pointer back to file:line:col (through the YAML scalar that holds a YAML
 * card's schema text); walk.c visits every subschema and runs the schema
 * rules (rules_*.c), which the real validator backs wherever a claim is about
 * values (check.c); card.c adds the card-level rules; fix.c applies the
 * certain fixes as text edits; report.c prints text, JSON Lines, GitHub
 * annotations or SARIF.
 */
#ifndef CARDC_LINT_H
#define CARDC_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cardc/cardc.h"

typedef enum lint_level { LINT_INFO = 0, LINT_WARNING, LINT_ERROR } lint_level;

/* The rule table: IDs are API (CI configurations name them). Append only. */
#define LINT_RULE_MAP(X)                                                                           \
    X(LINT_SCHEMA_INVALID, "schema-invalid", LINT_ERROR, 0,                                        \
      "the schema compiler refuses the schema, so no validator or generator can use it")           \
    X(LINT_SCHEMA_EXPECTED, "schema-expected", LINT_ERROR, 1,                                      \
      "a keyword that takes a schema holds something else (often a keyword one level too deep)")   \
    X(LINT_DEFAULT_INVALID, "default-invalid", LINT_ERROR, 0,                                      \
      "a default its own schema rejects turns a request that omits the field into an invalid one") \
    X(LINT_CONST_INVALID, "const-invalid", LINT_ERROR, 0,                                          \
      "a const its own schema rejects makes the schema unsatisfiable")                             \
    X(LINT_ENUM_INVALID, "enum-invalid", LINT_WARNING, 0,                                          \
      "an enum value the rest of the schema rejects can never be sent or received")                \
    X(LINT_BOUNDS_UNSATISFIABLE, "bounds-unsatisfiable", LINT_ERROR, 0,                            \
      "lower bounds above upper bounds (minimum > maximum, minLength > maxLength, ...) accept "    \
      "nothing")                                                                                   \
    X(LINT_REQUIRED_UNSATISFIABLE, "required-unsatisfiable", LINT_ERROR, 0,                        \
      "a required name that additionalProperties: false forbids makes the object impossible")      \
    X(LINT_REQUIRED_UNDECLARED, "required-undeclared", LINT_WARNING, 0,                            \
      "a required name absent from properties is usually a typo, and gets no typed field")         \
    X(LINT_KEYWORD_TYPO, "keyword-typo", LINT_WARNING, 1,                                          \
      "an unknown keyword one edit away from a real one is ignored by validators: the constraint " \
      "is lost")                                                                                   \
    X(LINT_KEYWORD_UNKNOWN, "keyword-unknown", LINT_INFO, 0,                                       \
      "an unknown keyword is ignored by validators (another dialect's keyword, or an extension)")  \
    X(LINT_KEYWORD_INAPPLICABLE, "keyword-inapplicable", LINT_WARNING, 1,                          \
      "a keyword for another type (maxLength on a number) never applies to the declared type")     \
    X(LINT_ONEOF_OVERLAP, "oneof-overlap", LINT_ERROR, 0,                                          \
      "oneOf branches that a value matches together make oneOf reject that value")                 \
    X(LINT_ANYOF_UNREACHABLE, "anyof-unreachable", LINT_WARNING, 0,                                \
      "an anyOf branch an earlier branch always covers (or that accepts nothing) never decides "   \
      "anything")                                                                                  \
    X(LINT_PATTERN_NOT_ECMA, "pattern-not-ecma", LINT_ERROR, 0,                                    \
      "a pattern that is not an ECMA-262 regular expression means different things to different "  \
      "validators")                                                                                \
    X(LINT_FORMAT_UNKNOWN, "format-unknown", LINT_WARNING, 0,                                      \
      "an unknown format is never checked, by any validator")                                      \
    X(LINT_CARD_NO_OUTPUT, "card-no-output", LINT_WARNING, 0,                                      \
      "a card without an output schema gives clients nothing to check or decode replies with")     \
    X(LINT_CARD_CONTENT_TYPE, "card-content-type", LINT_WARNING, 0,                                \
      "a contentType that disagrees with the schema's type or with its branches misleads clients") \
    X(LINT_CARD_NAME_COLLISION, "card-name-collision", LINT_WARNING, 0,                            \
      "names that mangle to the same C identifier get _2 suffixes in cardc gen output")

typedef enum lint_rule_id {
#define LINT_X_(e, id, level, fixable, why) e,
    LINT_RULE_MAP(LINT_X_)
#undef LINT_X_
        LINT_RULE_COUNT
} lint_rule_id;

typedef struct lint_rule {
    const char *id;
    lint_level level;
    bool fixable; /* some findings of this rule carry a certain fix */
    const char *rationale;
} lint_rule;

/* The rule's static description; NULL when out of range. */
const lint_rule *lint_rule_get(lint_rule_id rule);
/* The rule named id, or LINT_RULE_COUNT. */
lint_rule_id lint_rule_find(const char *id);
/* "error", "warning", "info". */
const char *lint_level_name(lint_level level);
/* Parses a level name; returns false when unknown. */
bool lint_level_from_name(const char *name, lint_level *level);

/* A text edit on one schema text: replace text[start..end) by repl. */
typedef struct lint_edit {
    size_t start, end;
    char *repl; /* owned */
} lint_edit;

typedef struct lint_finding {
    lint_rule_id rule;
    lint_level level;
    char *file;       /* owned copies */
    int line, column; /* 1-based; 0 when unknown */
    char *pointer;    /* JSON Pointer into the card (or the plain schema) */
    char *message;
    char *suggestion; /* may be NULL */
    char *witness;    /* oneof-overlap: the value, compact JSON; else NULL */
    /* A certain fix: edits on the schema text `text` (an index into the
     * run's texts); n_edits 0 when the finding has none. */
    size_t text;
    lint_edit *edits;
    size_t n_edits;
} lint_finding;

/* What lint runs and how. Zero-initialise, then set. */
typedef struct lint_options {
    bool enabled[LINT_RULE_COUNT];  /* lint_options_init: all true */
    cardc_dialect dialect;          /* schemas without "$schema"; AUTO = draft-07 */
    const cardc_registry *registry; /* borrowed; may be NULL */
} lint_options;

void lint_options_init(lint_options *o);

typedef struct lint_run lint_run;

/* Ownership: *out is the caller's (lint_run_free). */
cardc_status lint_run_new(const lint_options *opts, lint_run **out, cardc_error *err);
void lint_run_free(lint_run *run);

/* Lints one card, or one plain schema file (schema true). Findings
 * accumulate in the run. Returns CARDC_OK, or the error that kept the file
 * from being read (unreadable, not JSON/YAML, not a card), err filled. */
cardc_status lint_add_card(lint_run *run, const char *path, cardc_error *err);
cardc_status lint_add_schema(lint_run *run, const char *path, cardc_error *err);
/* Rules across files (C names of several cards); call after the last add. */
void lint_finish(lint_run *run);

size_t lint_finding_count(const lint_run *run);
/* Borrowed; in file order, then position order. */
const lint_finding *lint_finding_at(const lint_run *run, size_t index);

/* Applies the findings' fixes to their files (one pass; overlapping edits
 * are left for the next pass). *applied counts the fixes written. Returns
 * CARDC_OK or the write error. */
cardc_status lint_apply_fixes(lint_run *run, size_t *applied, cardc_error *err);

typedef enum lint_format {
    LINT_FORMAT_TEXT = 0,
    LINT_FORMAT_JSON,
    LINT_FORMAT_GITHUB,
    LINT_FORMAT_SARIF
} lint_format;

bool lint_format_from_name(const char *name, lint_format *format);
/* Prints every finding in the format (SARIF: one log with every rule). */
void lint_report(const lint_run *run, lint_format format, FILE *out);
/* The --list table: ID, level, fixable, rationale. */
void lint_list_rules(FILE *out);

/* ---- The whole command (execute.c): what cmd_lint.c hands over ------------ */

typedef struct lint_target {
    const char *path; /* borrowed */
    bool schema;      /* a plain schema, not a card */
} lint_target;

typedef struct lint_request {
    const lint_target *targets;
    size_t n_targets;
    lint_options options;
    lint_format format;
    lint_level fail_on;
    bool fix;
} lint_request;

/* Lints (fixing first, when asked, until no certain fix is left), prints the
 * findings on out and problems on diag. Returns the exit status: 0, 1 when
 * a finding reaches fail_on, 2 when a file could not be read. */
int lint_execute(const lint_request *req, FILE *out, FILE *diag);

#endif /* CARDC_LINT_H */
