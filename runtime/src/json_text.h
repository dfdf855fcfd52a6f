/* Private: strict JSON text for the card loader.
 *
 * json-c's tokener, even in strict mode, accepts NaN, Infinity, single
 * quotes, raw control characters in strings, "1." and lone surrogates; a card
 * must never be silently accepted with those. So the text is first checked
 * against the RFC 8259 grammar here (exact error offsets and messages), and
 * only then handed to json_tokener to build the tree. Duplicate object keys,
 * which json-c would silently collapse, are errors too.
 * (cardc_json_parse/cardc_json_locate in json.c serve the same purpose for
 * payloads; the card loader keeps its own copy to stay self-contained.) */
#ifndef CARDC_JSON_TEXT_H
#define CARDC_JSON_TEXT_H

#include <stddef.h>

#include "cardc/error.h"

struct json_object;

/* Parses text[0..len) as exactly one JSON value (surrounding whitespace
 * allowed) with at most max_depth nested arrays/objects.
 * On success returns CARDC_OK and *out is a new reference (NULL for JSON
 * null). On failure returns CARDC_E_JSON, CARDC_E_UTF8, CARDC_E_LIMIT or
 * CARDC_E_NOMEM, *out is NULL, *err_offset is the byte offset of the problem
 * and msg (msgsize bytes) says what it is ("unexpected character"). */
cardc_status cardc__json_text_parse(const char *text, size_t len, int max_depth,
                                    struct json_object **out, size_t *err_offset, char *msg,
                                    size_t msgsize);

/* Byte offset in text[0..len) (valid JSON) of the value at JSON Pointer
 * `pointer` ("" = root). Returns 1 when found; 0 otherwise, with the offset
 * of the nearest existing ancestor stored. */
int cardc__json_text_locate(const char *text, size_t len, const char *pointer, size_t *offset);

#endif
