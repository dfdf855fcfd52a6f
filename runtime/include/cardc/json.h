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

#include "cardc/export.h"
#include "cardc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

/* Default nesting limit for parsed documents (json-c's own default is 32). */
#define CARDC_JSON_DEFAULT_MAX_DEPTH 10000

/* Ceiling on any max_depth: json-c frees a tree recursively
 * (json_object_put, about 50 bytes of stack per level), so a deeper
 * document could exhaust even a main thread's stack when released (trees
 * from untrusted text are best released with cardc_json_free). Larger
 * max_depth values are clamped to it. */
#define CARDC_JSON_MAX_DEPTH_CEILING 100000

/* What a parser does with an object that names a member twice,
 * {"a": 1, "a": 2}. RFC 8259 leaves it to the implementation and parsers
 * differ (first wins, last wins, error), so such a payload can mean one
 * thing to the service that checked it and another to the one that acts on
 * it. Keys are compared as json-c stores them: up to a "\u0000" they
 * contain. */
typedef enum cardc_duplicate_keys {
    CARDC_DUPLICATE_KEYS_LAST = 0, /* the last member wins, as JavaScript's JSON.parse */
    CARDC_DUPLICATE_KEYS_REJECT    /* CARDC_E_JSON: 'duplicate object key "a"' at its
                                      line:column */
} cardc_duplicate_keys;

/* How JSON text is read, by every parser of the library: cardc_json_parse_ex,
 * the pull parser (cardc_pull_init_ex) and, through cardc_decode_options,
 * the generated decoders. */
typedef struct cardc_json_options {
    int max_depth; /* nesting limit; <= 0: CARDC_JSON_DEFAULT_MAX_DEPTH, at most
                      CARDC_JSON_MAX_DEPTH_CEILING */
    cardc_duplicate_keys duplicate_keys; /* default CARDC_DUPLICATE_KEYS_LAST */
} cardc_json_options;

/* Fills opts with the defaults. */
CARDC_API void cardc_json_options_init(cardc_json_options *opts);

/* Parses exactly one JSON value from text[0..len) (surrounding whitespace
 * allowed), strictly: no comments, no trailing commas, no NaN, valid UTF-8.
 * opts may be NULL (the defaults).
 * `source` names the text in errors ("file.json", "<stdin>"); may be NULL.
 * Ownership: on success *out is a new reference the caller releases with
 * json_object_put(). On failure *out is NULL and err carries line:column. */
CARDC_API cardc_status cardc_json_parse_ex(const char *text, size_t len, const char *source,
                                           const cardc_json_options *opts, struct json_object **out,
                                           cardc_error *err);

/* cardc_json_parse_ex with the default options but max_depth. */
CARDC_API cardc_status cardc_json_parse(const char *text, size_t len, const char *source,
                                        int max_depth, struct json_object **out, cardc_error *err);

/* Drops the caller's reference to value, as json_object_put does, but frees
 * a tree without recursion: json_object_put needs about 50 bytes of stack
 * per level, half a megabyte for a document at the default nesting limit,
 * more than a small thread has. Ownership: value's reference is the
 * caller's to give; NULL is accepted. */
CARDC_API void cardc_json_free(struct json_object *value);

/* Reads a whole file (or stdin when path is "-") into a NUL-terminated heap
 * buffer. Ownership: *text is the caller's, release with free(). */
CARDC_API cardc_status cardc_read_file(const char *path, char **text, size_t *len,
                                       cardc_error *err);

/* Finds the value at JSON Pointer `pointer` ("" = root) in text[0..len) and
 * stores its 1-based line and column (column in code points). Returns 1 when
 * found, 0 otherwise (the position of the nearest existing ancestor is then
 * stored). The text must be valid JSON. Borrows everything. */
CARDC_API int cardc_json_locate(const char *text, size_t len, const char *pointer, int *line,
                                int *column);

/* Serialises `value` as JSON text: compact, or indented by two spaces when
 * `pretty` is non-zero; "/" is not escaped. Ownership: returns a heap string
 * the caller frees with free(); NULL when out of memory. */
CARDC_API char *cardc_json_dump(const struct json_object *value, int pretty);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_JSON_H */
