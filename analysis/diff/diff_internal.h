/* SPDX-License-Identifier: MIT */
/* Shared by cardc diff's files: the two versions, the run, the helpers the
 * comparisons use. */
#ifndef CARDC_DIFF_INTERNAL_H
#define CARDC_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "common/strbuf.h"
#include "diff.h"
#include "refs.h"

/* Pairs of subschemas compared already (a "$ref" cycle ends there; a
 * definition reached twice is reported once). */
typedef struct diff_pair {
    const json_object *old_node, *new_node;
} diff_pair;

/* One side of one version. */
typedef struct diff_side {
    const json_object *doc; /* the side's schema, borrowed from the card or owned below */
    const char *prefix;     /* its pointer in the file: "/schema/input", "" for a schema */
    int line, column;       /* where its text starts (YAML cards: the scalar) */
    bool located;           /* pointers map to positions (JSON text of the file) */
    const char *urn;        /* the side's URI in its registry */
    cardc_registry *registry;
    cardc_schema *compiled; /* the whole side, for the reference index */
    ref_index refs;
    bool indexed;
} diff_side;

/* Subschemas the walk compared with each other: what the C API comparison
 * matches types by when their names differ. */
typedef struct diff_corr {
    int side;
    char *old_ptr, *new_ptr;
} diff_corr;

typedef struct diff_version {
    const char *path;
    char *text; /* the file */
    size_t len;
    cardc_card *card;        /* NULL for a plain schema */
    json_object *schema_doc; /* a plain schema (owned) */
    diff_side sides[2];
} diff_version;

typedef struct diff_run {
    const diff_request *req;
    diff_version v[2]; /* old, new */
    diff_change *changes;
    size_t n_changes, cap_changes;
    diff_pair *pairs;
    size_t n_pairs, cap_pairs;
    diff_corr *corr;
    size_t n_corr, cap_corr;
    int side; /* the side being compared */
    bool oom;
} diff_run;

/* ---- versions (version.c) ---- */
/* Loads path (a card, or a plain schema) as version `which` (0 old, 1 new).
 * CARDC_OK, or the reason it could not (err filled, with the file). */
cardc_status diff_version_load(diff_run *run, int which, const char *path, cardc_error *err);
void diff_version_free(diff_version *v);
/* Fills a place in version `which` of the current side at pointer ptr (a
 * pointer into the side's schema). */
void diff_place_set(diff_run *run, int which, const char *ptr, diff_place *at);
/* The schema a reference of node leads to in version `which`, or NULL. */
const json_object *diff_follow(diff_run *run, int which, const json_object *node, const char *ref);
/* The JSON Pointer of node inside the side's document of version which
 * (heap), or NULL when it is elsewhere (another document). */
char *diff_pointer_of(diff_run *run, int which, const json_object *node);

/* ---- changes (run.c) ---- */
/* Records a change at the current side: old and new schema pointers, a
 * printf message. Returns it (NULL when out of memory). */
diff_change *diff_emit(diff_run *run, diff_check_id check, const char *old_ptr, const char *new_ptr,
                       const char *fmt, ...) CARDC_PRINTF_(5, 6);
/* The same for the C API: pointers into either side (side given). */
diff_change *diff_emit_side(diff_run *run, int side, diff_check_id check, const char *old_ptr,
                            const char *new_ptr, const char *fmt, ...) CARDC_PRINTF_(6, 7);
/* A change at keyword kw of both schemas (where it would go in one that
 * lacks it). */
diff_change *diff_emit_kw(diff_run *run, diff_check_id check, const json_object *o, const char *po,
                          const json_object *n, const char *pn, const char *kw, const char *fmt,
                          ...) CARDC_PRINTF_(8, 9);
/* Sets a sampled change's effect and witness (takes witness), and its
 * level from them. */
void diff_set_effect(diff_run *run, diff_change *c, diff_effect effect, json_object *witness);
void diff_changes_free(diff_run *run);
/* Sorts the changes: side, category, new pointer, check. */
void diff_sort(diff_run *run);

/* ---- schema comparison (walk.c, keywords.c, branches.c) ---- */
/* Compares subschema o (at old pointer po) with n (at new pointer pn). */
void diff_node(diff_run *run, const json_object *o, const char *po, const json_object *n,
               const char *pn, int depth);
/* The keyword comparisons of one pair (keywords.c). */
void diff_keywords(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, int depth);
/* Subschema-valued keywords of one pair, and the other assertions
 * (children.c). */
void diff_children(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, int depth);
/* A change whose direction samples decide (children.c, branches.c). */
void diff_sampled(diff_run *run, diff_check_id check, const json_object *o, const char *po,
                  const json_object *n, const char *pn, const char *kw, const char *message);
/* oneOf/anyOf/allOf of one pair (branches.c). */
void diff_branches(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, int depth);
/* The pointer in version 1 - which that the walk compared with ptr of
 * version which on side, or NULL. Borrowed. */
const char *diff_corresponding(const diff_run *run, int side, int which, const char *ptr);
/* Pairs ptr + "/" + token (escaped). Heap. */
char *diff_ptr(const char *ptr, const char *token);
char *diff_ptr_index(const char *ptr, size_t index);
/* Member key of a schema object, or NULL (non-objects too). */
json_object *diff_get(const json_object *schema, const char *key);
/* Compact JSON of v, for messages. Heap. */
char *diff_dump(const json_object *v);
/* JSON equality (numbers by value). */
bool diff_equal(const json_object *a, const json_object *b);
/* The JSON types a schema admits by its "type" (bits, see keywords.c). */
unsigned diff_types(const json_object *schema);

/* ---- samples (evidence.c) ---- */
/* Samples both subschemas and validates each version's values against the
 * other: the effect, with a value that shows it (heap JSON of json-c,
 * caller's; NULL when none). */
diff_effect diff_evidence(diff_run *run, const char *po, const char *pn, json_object **witness);

/* ---- the C API (capi.c) ---- */
/* Compares the generator's IR of both versions; a note on diag when the
 * generator refuses one of them (the schema changes still count). */
void diff_c_api(diff_run *run, FILE *diag);

/* ---- output (report.c) ---- */
void diff_report(const diff_run *run, FILE *out);

#endif /* CARDC_DIFF_INTERNAL_H */
