/* SPDX-License-Identifier: MIT */
/* cardc/json.h - strict JSON text parsing with positions.
 *
 * json-c is the document model of libcardc. These helpers add what json-c
 * lacks for diagnostics: strict RFC 8259 parsing with a configurable nesting
 * limit, UTF-8 validation, errors with line and column, and mapping a JSON
 * Pointer back to the line and column of that value in the text.
 */
#ifndef CARDC_JSON_H
#define CARDC_JSON_H

#include <stddef.h>

#include "cardc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* Default nesting limit for parsed documents (json-c's own default is 32). */
#define CARDC_JSON_DEFAULT_MAX_DEPTH 10000

/* Ceiling on any max_depth: json-c frees a tree recursively
 * (json_object_put, about 50 bytes of stack per level), so a deeper
 * document could exhaust a thread's stack when released. Larger max_depth
 * values are clamped to it. */
#define CARDC_JSON_MAX_DEPTH_CEILING 100000

/* Parses exactly one JSON value from text[0..len) (surrounding whitespace
 * allowed), strictly: no comments, no trailing commas, no NaN, valid UTF-8.
 * max_depth <= 0 means CARDC_JSON_DEFAULT_MAX_DEPTH; at most
 * CARDC_JSON_MAX_DEPTH_CEILING applies.
 * `source` names the text in errors ("file.json", "<stdin>"); may be NULL.
 * Ownership: on success *out is a new reference the caller releases with
 * json_object_put(). On failure *out is NULL and err carries line:column. */
cardc_status cardc_json_parse(const char *text, size_t len, const char *source, int max_depth,
                              struct json_object **out, cardc_error *err);

/* Reads a whole file (or stdin when path is "-") into a NUL-terminated heap
 * buffer. Ownership: *text is the caller's, release with free(). */
cardc_status cardc_read_file(const char *path, char **text, size_t *len, cardc_error *err);

/* Finds the value at JSON Pointer `pointer` ("" = root) in text[0..len) and
 * stores its 1-based line and column (column in code points). Returns 1 when
 * found, 0 otherwise (the position of the nearest existing ancestor is then
 * stored). The text must be valid JSON. Borrows everything. */
int cardc_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column);

/* Serialises `value` as JSON text: compact, or indented by two spaces when
 * `pretty` is non-zero; "/" is not escaped. Ownership: returns a heap string
 * the caller frees with free(); NULL when out of memory. */
char *cardc_json_dump(const struct json_object *value, int pretty);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_JSON_H */
