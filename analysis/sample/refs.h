/* SPDX-License-Identifier: MIT */
/* refs.h - where a "$ref" leads, as the validator resolves it: every
 * document a compiled schema uses, indexed by resource and anchor URI, and
 * every subschema's base URI. Used by the sample generator and cardc diff
 * (which follows references to compare what they point to). */
#ifndef CARDC_SAMPLE_REFS_H
#define CARDC_SAMPLE_REFS_H

#include <stdbool.h>
#include <stddef.h>

#include "cardc/cardc.h"

struct json_object;

typedef struct ref_resource {
    char *uri; /* absolute, "uri#anchor" for anchors */
    const struct json_object *node;
} ref_resource;

typedef struct ref_node {
    const struct json_object *node;
    const char *base;
} ref_node;

/* Every document the compiled schema uses, by resource and anchor URI, and
 * every subschema's base URI. */
typedef struct ref_index {
    ref_resource *res;
    size_t n_res, cap_res;
    ref_node *nodes; /* sorted by node */
    size_t n_nodes, cap_nodes;
    char **strings;
    size_t n_strings, cap_strings;
    bool ref_alone; /* draft-07 and before: "$ref" hides its siblings */
} ref_index;

/* Ownership: ix borrows root and compiled's documents; ref_index_free.
 * 0, or -1 when out of memory. */
int ref_index_build(ref_index *ix, const struct json_object *root, const cardc_schema *compiled);
void ref_index_free(ref_index *ix);
/* The base URI inside a subschema of the indexed documents, or NULL. */
const char *ref_index_base(const ref_index *ix, const struct json_object *node);
/* The subschema an absolute URI ("...#/pointer", "...#anchor") names, or NULL. */
const struct json_object *ref_index_resolve(const ref_index *ix, const char *abs);
/* Where reference ref written in subschema `from` leads (resolved against
 * from's base URI), or NULL. *abs_out (may be NULL) gets the absolute URI,
 * a heap string (NULL when out of memory). */
const struct json_object *ref_index_lookup(const ref_index *ix, const struct json_object *from,
                                           const char *ref, char **abs_out);
/* Walks a JSON Pointer fragment ("/definitions/a~1b", percent-escapes
 * decoded); NULL when it leads nowhere. */
const struct json_object *ref_walk_pointer(const struct json_object *node, const char *p);

#endif /* CARDC_SAMPLE_REFS_H */
