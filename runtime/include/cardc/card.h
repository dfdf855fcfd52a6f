/* SPDX-License-Identifier: MIT */
/* cardc/card.h - loading model cards.
 *
 * A card is detected by content, never by file name:
 *   - Markdown/text whose first line is "---": YAML front matter up to the
 *     next "---" line (the seed card's layout);
 *   - a bare YAML document;
 *   - a JSON document (Workers AI's newer layout).
 * In YAML cards the schemas are JSON *text* in json_schema.input/output; in
 * JSON cards they are objects in schema.input/output.
 *
 * A loaded card is immutable; every string it returns is borrowed and lives
 * as long as the card.
 */
#ifndef CARDC_CARD_H
#define CARDC_CARD_H

#include <stdbool.h>
#include <stddef.h>

#include "cardc/export.h"
#include "cardc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

typedef struct cardc_card cardc_card;

typedef enum cardc_card_format {
    CARDC_CARD_FRONT_MATTER = 1, /* Markdown with YAML front matter */
    CARDC_CARD_YAML,             /* bare YAML document */
    CARDC_CARD_JSON              /* JSON layout */
} cardc_card_format;

typedef enum cardc_side { CARDC_SIDE_INPUT = 0, CARDC_SIDE_OUTPUT = 1 } cardc_side;

/* Limits applied while reading YAML (zero fields take the defaults). */
typedef struct cardc_card_options {
    /* Maximum number of nodes after alias expansion (billion-laughs guard).
     * Default 1,000,000. */
    size_t max_nodes;
    /* Maximum nesting depth of the YAML/JSON card. Default 1,000. */
    int max_depth;
} cardc_card_options;

/* Fills opts with the defaults (all zero: the limits above). NULL is
 * accepted. */
CARDC_API void cardc_card_options_init(cardc_card_options *opts);

/* Loads the card at `path`. opts may be NULL.
 * Ownership: on success *out is the caller's, release with cardc_card_free().
 * Errors carry path:line:column and a message. */
CARDC_API cardc_status cardc_card_load(const char *path, const cardc_card_options *opts,
                                       cardc_card **out, cardc_error *err);

/* Same, from memory; `source` names the text in errors (may be NULL).
 * Borrows text; the card keeps its own copies. */
CARDC_API cardc_status cardc_card_load_mem(const char *text, size_t len, const char *source,
                                           const cardc_card_options *opts, cardc_card **out,
                                           cardc_error *err);

/* Releases the card and everything it returned. NULL is accepted. */
CARDC_API void cardc_card_free(cardc_card *card);

/* Metadata. Each returns a borrowed string, or NULL when the card lacks it. */
CARDC_API cardc_card_format cardc_card_get_format(const cardc_card *card);
CARDC_API const char *cardc_card_source(const cardc_card *card);
CARDC_API const char *cardc_card_name(const cardc_card *card); /* "@cf/llava-hf/llava-1.5-7b-hf" */
CARDC_API const char *cardc_card_id(const cardc_card *card);
CARDC_API const char *cardc_card_description(const cardc_card *card);
CARDC_API const char *cardc_card_task_id(const cardc_card *card);
CARDC_API const char *cardc_card_task_name(const cardc_card *card);
CARDC_API const char *cardc_card_task_description(const cardc_card *card);
CARDC_API const char *cardc_card_task_type(const cardc_card *card); /* "image-to-text" */

/* Properties (model.properties: property_id/value pairs), in card order.
 * Borrowed strings. Returns 0 and leaves key/value untouched when out of range. */
CARDC_API size_t cardc_card_property_count(const cardc_card *card);
CARDC_API int cardc_card_property(const cardc_card *card, size_t index, const char **key,
                                  const char **value);

/* The whole card as a JSON tree (front matter converted with YAML 1.2 core
 * schema typing; schema texts left as strings). Borrowed. */
CARDC_API const struct json_object *cardc_card_document(const cardc_card *card);

/* The input or output schema. Ownership: *schema is borrowed from the card.
 * Returns CARDC_E_NO_SCHEMA (with the card's name and the side in the message)
 * when the card has no schema for that side. */
CARDC_API cardc_status cardc_card_schema(const cardc_card *card, cardc_side side,
                                         const struct json_object **schema, cardc_error *err);

/* Where a side's schema text starts in the card file (1-based line/column of
 * the YAML scalar or the JSON object), for diagnostics; 0 when unknown. */
CARDC_API void cardc_card_schema_position(const cardc_card *card, cardc_side side, int *line,
                                          int *column);

/* One entry of a card's "price" property. unit and currency are borrowed
 * from the card ("per M input tokens", "USD"), NULL when it omits them. */
typedef struct cardc_card_price {
    const char *unit;
    double price;
    const char *currency;
} cardc_card_price;

/* The properties newer Workers AI cards carry, typed. Absent ones are 0 /
 * false / empty; the loader refuses a card whose value has the wrong shape
 * (context_window "lots", async_queue "maybe"), with its location. */
typedef struct cardc_card_traits {
    long long context_window; /* tokens; 0 when the card does not say */
    const cardc_card_price *price;
    size_t price_count;
    bool function_calling;
    bool reasoning;
    bool async_queue; /* the model takes the Batch API (cardc_client_batch_*) */
} cardc_card_traits;

/* Ownership: borrowed from the card, lives as long as it. Never NULL for a
 * loaded card. */
CARDC_API const cardc_card_traits *cardc_card_get_traits(const cardc_card *card);

/* A YAML document (YAML 1.2 core schema typing, as cards) as a JSON value,
 * for tools that accept YAML payloads. max_depth <= 0 takes the default
 * (1,000 levels; at most 10,000). Ownership: *out is a new reference the
 * caller releases with json_object_put (NULL for an empty document). Errors
 * carry source:line:column and a JSON Pointer. */
CARDC_API cardc_status cardc_yaml_parse(const char *text, size_t len, const char *source,
                                        int max_depth, struct json_object **out, cardc_error *err);

/* 1-based line/column of the value at JSON Pointer `pointer` in a YAML text
 * (the nearest existing ancestor when absent). Returns 1 when found. */
CARDC_API int cardc_yaml_locate(const char *text, size_t len, const char *pointer, int *line,
                                int *column);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_CARD_H */
