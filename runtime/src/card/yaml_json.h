/* SPDX-License-Identifier: MIT */
/* Private: one YAML document (libyaml) to a json-c tree, with positions.
 *
 * Typing follows the YAML 1.2 core schema: plain null/~/empty -> null,
 * true/True/TRUE/false/... -> boolean, decimal/0o/0x integers, floats;
 * quoted, literal and folded scalars stay strings; explicit core tags
 * (!!str, !!int, ...) are honoured, other tags are refused. .inf/.nan have
 * no JSON form and are errors. Mapping keys must be scalars and are kept
 * as their text ("1:" gives key "1"); duplicate keys are errors. Aliases are
 * expanded into copies, bounded by max_nodes counted after expansion, and
 * nesting is bounded by max_depth; recursive aliases are errors.
 * Every error carries source:line:column (1-based) and a JSON Pointer. */
#ifndef CARDC_YAML_JSON_H
#define CARDC_YAML_JSON_H

#include <stddef.h>

#include "cardc/error.h"

struct json_object;

typedef struct cardc__yaml cardc__yaml;

typedef struct cardc__yaml_input {
    const char *text; /* UTF-8 without BOM; need not be NUL-terminated */
    size_t len;
    const char *source; /* names the text in errors */
    int line_base;      /* lines of the file before text (front matter: 1) */
    size_t max_nodes;   /* > 0 */
    int max_depth;      /* > 0; nesting of sequences/mappings */
} cardc__yaml_input;

/* Parses exactly one YAML document from in->text and converts it.
 * Ownership: on success *yaml (release with cardc__yaml_free) keeps the
 * parsed document for cardc__yaml_locate, and *out is a new reference, NULL
 * when the document is empty or null. On failure both are NULL. */
cardc_status cardc__yaml_load(const cardc__yaml_input *in, cardc__yaml **yaml,
                              struct json_object **out, cardc_error *err);

/* 1-based line/column in the file of the node at JSON Pointer `pointer`
 * ("" = root). Returns 1 when found; 0 otherwise, storing the position of
 * the nearest existing ancestor (0/0 for an empty document). */
int cardc__yaml_locate(const cardc__yaml *yaml, const char *pointer, int *line, int *column);

/* NULL is accepted. */
void cardc__yaml_free(cardc__yaml *yaml);

#endif
