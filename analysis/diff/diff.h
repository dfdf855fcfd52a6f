/* SPDX-License-Identifier: MIT */
/* diff.h - cardc diff: what changed between two versions of a card (or of a
 * schema), and whom it breaks.
 *
 * Two categories of changes, each with a stable check ID and a level:
 *   - schema: what the input (request) and output (reply) schemas accept.
 *     Direction-aware: a request schema that accepts less, or a reply
 *     schema that can return more or other shapes, breaks clients (error);
 *     the reverse is compatible (info). Where the direction cannot be read
 *     from the keywords (a oneOf appears, a "not" changes), values sampled
 *     from one version (analysis/sample) and validated against the other
 *     decide it, and the value that tells them apart is printed.
 *   - C API: the types, members, union kinds and enumerators `cardc gen`
 *     emits, compared on the generator's IR (gen/ir.c) of both versions:
 *     source-breaking for C callers even when the JSON stays compatible.
 *
 * Pipeline: version.c loads each version (either card layout, or a plain
 * schema) and indexes its references; walk.c pairs the subschemas of the
 * two versions (following "$ref"s, bounded against cycles); keywords.c,
 * children.c and branches.c compare them; evidence.c samples where keywords
 * do not tell the direction; capi.c compares the IR; run.c holds the check
 * table and the changes; report.c prints text, JSON Lines, GitHub
 * annotations or Markdown; execute.c is the whole command.
 */
#ifndef CARDC_DIFF_H
#define CARDC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cardc/cardc.h"

typedef enum diff_level { DIFF_INFO = 0, DIFF_WARNING, DIFF_ERROR } diff_level;

typedef enum diff_category { DIFF_SCHEMA = 0, DIFF_C_API } diff_category;

/* The check table: IDs are API (CI configurations name them). Append only.
 * X(enumerator, id, category, level on the input side, level on the output
 * side, level decided by samples, meaning). A check decided by samples has
 * the level of what they show: a value the old version accepts and the new
 * one refuses makes it "narrows" (error on input, info on output), the
 * reverse "widens" (info on input, error on output), both "error", neither
 * "warning" (the listed levels). */
#define DIFF_CHECK_MAP(X)                                                                         \
    X(DIFF_PROPERTY_ADDED, "property-added", DIFF_SCHEMA, DIFF_INFO, DIFF_INFO, 0,                \
      "a property is declared that was not; the object is open, so it was accepted before")       \
    X(DIFF_CLOSED_PROPERTY_ADDED, "closed-property-added", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0, \
      "a property is declared in an object that was closed (additionalProperties: false): "       \
      "values carrying it were refused before")                                                   \
    X(DIFF_PROPERTY_REMOVED, "property-removed", DIFF_SCHEMA, DIFF_WARNING, DIFF_ERROR, 0,        \
      "a declared property is gone from an open object: requests that send it are still "         \
      "accepted but it means nothing declared; replies may lack it or carry any value")           \
    X(DIFF_CLOSED_PROPERTY_REMOVED, "closed-property-removed", DIFF_SCHEMA, DIFF_ERROR,           \
      DIFF_ERROR, 0,                                                                              \
      "a declared property is gone from a closed object: requests that send it are refused, "     \
      "replies never carry it")                                                                   \
    X(DIFF_TYPE_NARROWED, "type-narrowed", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,                 \
      "fewer JSON types are accepted")                                                            \
    X(DIFF_TYPE_WIDENED, "type-widened", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,                   \
      "more JSON types are accepted")                                                             \
    X(DIFF_TYPE_CHANGED, "type-changed", DIFF_SCHEMA, DIFF_ERROR, DIFF_ERROR, 0,                  \
      "other JSON types are accepted (neither set contains the other)")                           \
    X(DIFF_REQUIRED_ADDED, "required-added", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,               \
      "a member is required that was optional")                                                   \
    X(DIFF_REQUIRED_REMOVED, "required-removed", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,           \
      "a required member is optional now")                                                        \
    X(DIFF_ENUM_VALUE_REMOVED, "enum-value-removed", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,       \
      "an enum value is no longer accepted")                                                      \
    X(DIFF_ENUM_VALUE_ADDED, "enum-value-added", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,           \
      "an enum accepts one more value")                                                           \
    X(DIFF_ENUM_ADDED, "enum-added", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,                       \
      "an enum or const now limits the values")                                                   \
    X(DIFF_ENUM_REMOVED, "enum-removed", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,                   \
      "an enum or const no longer limits the values")                                             \
    X(DIFF_CONST_CHANGED, "const-changed", DIFF_SCHEMA, DIFF_ERROR, DIFF_ERROR, 0,                \
      "a const is another value")                                                                 \
    X(DIFF_BOUND_TIGHTENED, "bound-tightened", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,             \
      "a minimum, maximum, length, size or multipleOf bound accepts less (or is new)")            \
    X(DIFF_BOUND_LOOSENED, "bound-loosened", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,               \
      "a minimum, maximum, length, size or multipleOf bound accepts more (or is gone)")           \
    X(DIFF_MAX_LENGTH_SHORTENED, "max-length-shortened", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,   \
      "maxLength is smaller (or new): longer strings are refused")                                \
    X(DIFF_MAX_LENGTH_LENGTHENED, "max-length-lengthened", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0, \
      "maxLength is larger (or gone): longer strings are accepted")                               \
    X(DIFF_BRANCH_ADDED, "branch-added", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,                   \
      "a oneOf/anyOf has one more branch: more shapes are accepted")                              \
    X(DIFF_BRANCH_REMOVED, "branch-removed", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,               \
      "a oneOf/anyOf branch is gone: its shape is no longer accepted")                            \
    X(DIFF_UNION_ADDED, "union-added", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, 1,                \
      "a oneOf/anyOf appears where there was none")                                               \
    X(DIFF_UNION_REMOVED, "union-removed", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, 1,            \
      "a oneOf/anyOf is gone")                                                                    \
    X(DIFF_DEFAULT_CHANGED, "default-changed", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, 0,        \
      "a default is added, removed or changed: behaviour changes for clients that omit the "      \
      "member")                                                                                   \
    X(DIFF_AP_CLOSED, "additional-properties-closed", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,      \
      "members no property declares are refused (or constrained) now")                            \
    X(DIFF_AP_OPENED, "additional-properties-opened", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,      \
      "members no property declares are accepted (or unconstrained) now")                         \
    X(DIFF_FORMAT_CHANGED, "format-changed", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, 0,          \
      "a format is added, removed or changed (validators that assert formats disagree)")          \
    X(DIFF_PATTERN_ADDED, "pattern-added", DIFF_SCHEMA, DIFF_ERROR, DIFF_INFO, 0,                 \
      "strings must match a pattern now")                                                         \
    X(DIFF_PATTERN_REMOVED, "pattern-removed", DIFF_SCHEMA, DIFF_INFO, DIFF_ERROR, 0,             \
      "strings no longer have to match a pattern")                                                \
    X(DIFF_PATTERN_CHANGED, "pattern-changed", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, 0,        \
      "a pattern is another one (which strings it admits is not compared)")                       \
    X(DIFF_CONTENT_TYPE_CHANGED, "content-type-changed", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, \
      0,                                                                                          \
      "Cloudflare's contentType (JSON, a stream, an image) is added, removed or "                 \
      "changed: what the bytes are changes")                                                      \
    X(DIFF_KEYWORD_CHANGED, "keyword-changed", DIFF_SCHEMA, DIFF_WARNING, DIFF_WARNING, 1,        \
      "another assertion changed (not, if/then/else, allOf, contains, propertyNames, "            \
      "dependencies, unevaluated*, tuple items, oneOf <-> anyOf)")                                \
    X(DIFF_TITLE_CHANGED, "title-changed", DIFF_SCHEMA, DIFF_INFO, DIFF_INFO, 0,                  \
      "a title is added, removed or changed (cardc gen names types after titles)")                \
    X(DIFF_DESCRIPTION_CHANGED, "description-changed", DIFF_SCHEMA, DIFF_INFO, DIFF_INFO, 0,      \
      "a description is added, removed or changed")                                               \
    X(DIFF_C_TYPE_RENAMED, "c-type-renamed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,               \
      "a generated type (and its functions) has another name")                                    \
    X(DIFF_C_TYPE_REMOVED, "c-type-removed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,               \
      "a generated type (and its functions) is gone")                                             \
    X(DIFF_C_TYPE_ADDED, "c-type-added", DIFF_C_API, DIFF_INFO, DIFF_INFO, 0,                     \
      "a generated type is new")                                                                  \
    X(DIFF_C_TYPE_CHANGED, "c-type-changed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,               \
      "a generated type is another kind of type (struct, enum, union)")                           \
    X(DIFF_C_FIELD_RENAMED, "c-field-renamed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,             \
      "a struct member of the same JSON member has another name")                                 \
    X(DIFF_C_FIELD_REMOVED, "c-field-removed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,             \
      "a struct member is gone")                                                                  \
    X(DIFF_C_FIELD_ADDED, "c-field-added", DIFF_C_API, DIFF_INFO, DIFF_INFO, 0,                   \
      "a struct member is new")                                                                   \
    X(DIFF_C_FIELD_TYPE_CHANGED, "c-field-type-changed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,   \
      "a struct member or union member has another C type")                                       \
    X(DIFF_C_PRESENCE_REMOVED, "c-presence-removed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,       \
      "a has_X or X_is_null member is gone (the member became required or not nullable)")         \
    X(DIFF_C_PRESENCE_ADDED, "c-presence-added", DIFF_C_API, DIFF_WARNING, DIFF_WARNING, 0,       \
      "a has_X or X_is_null member is new: callers that do not check it read an unset value")     \
    X(DIFF_C_KIND_RENAMED, "c-union-kind-renamed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,         \
      "a union kind enumerator (of the same branch) has another name")                            \
    X(DIFF_C_KIND_REMOVED, "c-union-kind-removed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,         \
      "a union kind enumerator is gone")                                                          \
    X(DIFF_C_KIND_ADDED, "c-union-kind-added", DIFF_C_API, DIFF_WARNING, DIFF_WARNING, 0,         \
      "a union kind enumerator is new: switches over the kind miss it")                           \
    X(DIFF_C_ENUMERATOR_RENAMED, "c-enumerator-renamed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,   \
      "an enumerator of the same enum value has another name")                                    \
    X(DIFF_C_ENUMERATOR_REMOVED, "c-enumerator-removed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,   \
      "an enumerator is gone")                                                                    \
    X(DIFF_C_ENUMERATOR_ADDED, "c-enumerator-added", DIFF_C_API, DIFF_WARNING, DIFF_WARNING, 0,   \
      "an enumerator is new: switches over the enum miss it")                                     \
    X(DIFF_C_FUNCTION_REMOVED, "c-function-removed", DIFF_C_API, DIFF_ERROR, DIFF_ERROR, 0,       \
      "a model-level function (NAME_run, NAME_run_stream) is gone")                               \
    X(DIFF_C_FUNCTION_ADDED, "c-function-added", DIFF_C_API, DIFF_INFO, DIFF_INFO, 0,             \
      "a model-level function is new")

typedef enum diff_check_id {
#define DIFF_X_(e, id, cat, in, out, sampled, why) e,
    DIFF_CHECK_MAP(DIFF_X_)
#undef DIFF_X_
        DIFF_CHECK_COUNT
} diff_check_id;

typedef struct diff_check {
    const char *id;
    diff_category category;
    diff_level level[2]; /* input, output */
    bool sampled;        /* the level comes from samples (see DIFF_CHECK_MAP) */
    const char *meaning;
} diff_check;

/* The check's static description; NULL when out of range. */
const diff_check *diff_check_get(diff_check_id check);
/* "error", "warning", "info". */
const char *diff_level_name(diff_level level);
bool diff_level_from_name(const char *name, diff_level *level);

/* What samples showed about a sampled check. */
typedef enum diff_effect {
    DIFF_EFFECT_NONE = 0, /* no value tells the versions apart (or not sampled) */
    DIFF_EFFECT_NARROWS,  /* a value the old version accepts, the new one refuses */
    DIFF_EFFECT_WIDENS,   /* the reverse */
    DIFF_EFFECT_BOTH
} diff_effect;

/* Where a change is, in one version: the file and the JSON Pointer into it
 * (for a removal, the closest place in the version that lacks it), with the
 * position when known (1-based; 0 when not). */
typedef struct diff_place {
    const char *file; /* borrowed from the run */
    char *pointer;    /* owned */
    int line, column;
} diff_place;

typedef struct diff_change {
    diff_check_id check;
    diff_level level;
    int side; /* 0 input, 1 output */
    diff_place old_at, new_at;
    char *message;      /* owned */
    diff_effect effect; /* sampled checks */
    char *witness;      /* sampled checks: the value that tells them apart (JSON), or NULL */
} diff_change;

/* ---- The whole command (execute.c): what cmd_diff.c hands over ---------- */

typedef enum diff_format {
    DIFF_FORMAT_TEXT = 0,
    DIFF_FORMAT_JSON,
    DIFF_FORMAT_GITHUB,
    DIFF_FORMAT_MARKDOWN
} diff_format;

bool diff_format_from_name(const char *name, diff_format *format);

typedef struct diff_request {
    const char *old_path, *new_path; /* borrowed */
    bool schemas;                    /* plain schemas, not cards */
    bool sides[2];                   /* input, output (a plain schema is one of them) */
    const char *name;                /* C prefix for plain schemas; NULL = "schema" */
    cardc_dialect dialect;           /* schemas without "$schema"; AUTO = draft-07 */
    const cardc_registry *registry;  /* borrowed; may be NULL */
    diff_format format;
    diff_level fail_on;
    bool no_c_api; /* skip the C API comparison */
} diff_request;

/* Compares the two versions, prints the changes on out and problems on
 * diag. Returns the exit status: 0, 1 when a change reaches fail_on, 2 when
 * a version could not be read. */
int diff_execute(const diff_request *req, FILE *out, FILE *diag);

/* The --list table: ID, category, level on input and output, meaning. */
void diff_list_checks(FILE *out);

#endif /* CARDC_DIFF_H */
