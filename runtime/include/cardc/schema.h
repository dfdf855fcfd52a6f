/* SPDX-License-Identifier: MIT */
/* cardc/schema.h - JSON Schema compiler and validator.
 *
 * Compile once, validate many times:
 *
 *     cardc_schema *s;
 *     cardc_result *r;
 *     if (cardc_schema_compile(doc, NULL, &s, &err) != CARDC_OK) ...;
 *     cardc_result_new(&r, &err);
 *     switch (cardc_validate(s, instance, NULL, r, &err)) {
 *     case CARDC_OK:        valid
 *     case CARDC_E_INVALID: invalid; cardc_result_error(r, i) for details
 *     default:              could not validate (err says why)
 *     }
 *
 * Dialects: draft-04, draft-06, draft-07 (the default without "$schema", as in
 * Workers AI cards), 2019-09 and 2020-12. No network, ever: a "$ref" to
 * another document resolves only against resources registered in a
 * cardc_registry (the official meta-schemas are built in).
 *
 * Threads: a compiled cardc_schema is immutable; any number of threads may
 * validate with it at once, each with its own cardc_result.
 */
#ifndef CARDC_SCHEMA_H
#define CARDC_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardc/export.h"
#include "cardc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_object;

typedef enum cardc_dialect {
    CARDC_DIALECT_AUTO = 0, /* from "$schema"; draft-07 when absent */
    CARDC_DIALECT_DRAFT4,
    CARDC_DIALECT_DRAFT6,
    CARDC_DIALECT_DRAFT7,
    CARDC_DIALECT_2019_09,
    CARDC_DIALECT_2020_12
} cardc_dialect;

/* Parses "draft7", "draft-07", "2019-09", "2020-12", ... Returns
 * CARDC_DIALECT_AUTO for an unknown name. */
CARDC_API cardc_dialect cardc_dialect_from_name(const char *name);
/* "draft-07", "2020-12", ...; static string. */
CARDC_API const char *cardc_dialect_name(cardc_dialect dialect);

/* ---- Resources: documents "$ref" may point to ------------------------- */

typedef struct cardc_registry cardc_registry;

/* Ownership: *out is the caller's; release with cardc_registry_free(). */
CARDC_API cardc_status cardc_registry_new(cardc_registry **out, cardc_error *err);
/* NULL is accepted. */
CARDC_API void cardc_registry_free(cardc_registry *registry);

/* Registers `document` under absolute URI `uri` (its own "$id"s are indexed
 * too). Ownership: the registry takes a new reference to document (the
 * caller keeps its own). */
CARDC_API cardc_status cardc_registry_add(cardc_registry *registry, const char *uri,
                                          struct json_object *document, cardc_error *err);
/* Parses the JSON file at `path` and registers it under `uri`. */
CARDC_API cardc_status cardc_registry_add_file(cardc_registry *registry, const char *uri,
                                               const char *path, cardc_error *err);
/* Registers every *.json file below `dir` as base_uri + relative path
 * ("http://localhost:1234/" + "nested/foo.json"). */
CARDC_API cardc_status cardc_registry_add_dir(cardc_registry *registry, const char *base_uri,
                                              const char *dir, cardc_error *err);

/* ---- Compiling --------------------------------------------------------- */

typedef struct cardc_schema cardc_schema;

enum {
    /* Treat "format" as an assertion (default: annotation only, per spec). */
    CARDC_SCHEMA_ASSERT_FORMAT = 1u << 0
};

typedef struct cardc_schema_options {
    cardc_dialect dialect;          /* used when the schema has no "$schema" */
    unsigned flags;                 /* CARDC_SCHEMA_* */
    const cardc_registry *registry; /* borrowed, only during compile; may be NULL */
    const char *base_uri;           /* retrieval URI of the schema; may be NULL */
    /* Bounds on each "pattern"/"patternProperties" search (SECURITY.md):
     * backtracking steps, and for pcre2's interpreter (used without JIT, or
     * when a match outgrows an 8 MiB JIT stack) nesting and heap. Hitting
     * one is CARDC_E_LIMIT (code regex-limit), never a verdict. */
    uint32_t regex_match_limit; /* pcre2 match limit; 0 = default (1e6) */
    uint32_t regex_depth_limit; /* pcre2 depth limit; 0 = default (1e4) */
    uint32_t regex_heap_limit;  /* pcre2 heap limit in KiB; 0 = default (20,480) */
} cardc_schema_options;

/* Fills opts with the defaults (all zero: auto dialect, no flags). */
CARDC_API void cardc_schema_options_init(cardc_schema_options *opts);

/* Compiles `schema` (an object or a boolean). opts may be NULL.
 * Ownership: borrows schema and opts (the compiled form keeps what it needs);
 * on success *out is the caller's, release with cardc_schema_free().
 * Fails with CARDC_E_SCHEMA (err->pointer = keyword), CARDC_E_REF (the
 * unresolvable reference in the message) or CARDC_E_REGEX. */
CARDC_API cardc_status cardc_schema_compile(const struct json_object *schema,
                                            const cardc_schema_options *opts, cardc_schema **out,
                                            cardc_error *err);
/* NULL is accepted. */
CARDC_API void cardc_schema_free(cardc_schema *schema);

/* Dialect the root schema was compiled as. */
CARDC_API cardc_dialect cardc_schema_dialect(const cardc_schema *schema);

/* The documents a compiled schema uses: index 0 is the root, then every
 * document "$ref"s and "$schema"s reached (registry entries and built-in
 * meta-schemas), so a tool can bundle what the schema needs (cardc gen embeds
 * them in generated code). Returns the document's retrieval URI ("" for a
 * root without one), or NULL when index is out of range; *document (borrowed,
 * valid while the schema lives) and *builtin may be NULL. */
CARDC_API size_t cardc_schema_document_count(const cardc_schema *schema);
CARDC_API const char *cardc_schema_document(const cardc_schema *schema, size_t index,
                                            const struct json_object **document, bool *builtin);

/* ---- What the validator understands (for tools) ------------------------ */

/* True when the validator checks format `name` when formats are assertions
 * (CARDC_SCHEMA_ASSERT_FORMAT); unknown formats always pass. */
CARDC_API bool cardc_format_known(const char *name);

/* Checks that pattern[0..len) is an ECMA-262 regular expression, as the
 * validator reads "pattern" and "patternProperties". Returns CARDC_OK, or
 * CARDC_E_REGEX with the reason and its offset in the pattern in err.
 * Borrows pattern. */
CARDC_API cardc_status cardc_pattern_check(const char *pattern, size_t len, cardc_error *err);

/* ---- Validating -------------------------------------------------------- */

/* Stable machine codes of validation failures; X(enumerator, name). The names
 * are API (they appear in JSON output as "code"). Append only. */
#define CARDC_VCODE_MAP(X)                                      \
    X(CARDC_V_FALSE_SCHEMA, "false-schema")                     \
    X(CARDC_V_TYPE, "type")                                     \
    X(CARDC_V_ENUM, "enum")                                     \
    X(CARDC_V_CONST, "const")                                   \
    X(CARDC_V_MULTIPLE_OF, "multiple-of")                       \
    X(CARDC_V_MAXIMUM, "maximum")                               \
    X(CARDC_V_EXCLUSIVE_MAXIMUM, "exclusive-maximum")           \
    X(CARDC_V_MINIMUM, "minimum")                               \
    X(CARDC_V_EXCLUSIVE_MINIMUM, "exclusive-minimum")           \
    X(CARDC_V_MAX_LENGTH, "max-length")                         \
    X(CARDC_V_MIN_LENGTH, "min-length")                         \
    X(CARDC_V_PATTERN, "pattern")                               \
    X(CARDC_V_FORMAT, "format")                                 \
    X(CARDC_V_MAX_ITEMS, "max-items")                           \
    X(CARDC_V_MIN_ITEMS, "min-items")                           \
    X(CARDC_V_UNIQUE_ITEMS, "unique-items")                     \
    X(CARDC_V_CONTAINS, "contains")                             \
    X(CARDC_V_MIN_CONTAINS, "min-contains")                     \
    X(CARDC_V_MAX_CONTAINS, "max-contains")                     \
    X(CARDC_V_MAX_PROPERTIES, "max-properties")                 \
    X(CARDC_V_MIN_PROPERTIES, "min-properties")                 \
    X(CARDC_V_REQUIRED, "required")                             \
    X(CARDC_V_DEPENDENT_REQUIRED, "dependent-required")         \
    X(CARDC_V_ADDITIONAL_PROPERTIES, "additional-properties")   \
    X(CARDC_V_UNEVALUATED_PROPERTIES, "unevaluated-properties") \
    X(CARDC_V_ADDITIONAL_ITEMS, "additional-items")             \
    X(CARDC_V_UNEVALUATED_ITEMS, "unevaluated-items")           \
    X(CARDC_V_PROPERTY_NAMES, "property-names")                 \
    X(CARDC_V_NOT, "not")                                       \
    X(CARDC_V_ONE_OF, "one-of")                                 \
    X(CARDC_V_ANY_OF, "any-of")                                 \
    X(CARDC_V_ALL_OF, "all-of")                                 \
    X(CARDC_V_IF, "if")                                         \
    X(CARDC_V_CONTENT, "content")                               \
    X(CARDC_V_ERROR_MESSAGE, "error-message")                   \
    X(CARDC_V_INVALID_UTF8, "invalid-utf8")                     \
    X(CARDC_V_REGEX_LIMIT, "regex-limit")

typedef enum cardc_vcode {
#define CARDC_X_(e, n) e,
    CARDC_VCODE_MAP(CARDC_X_)
#undef CARDC_X_
        CARDC_VCODE_COUNT_
} cardc_vcode;

/* "max-length", ...; static string, "unknown" when out of range. */
CARDC_API const char *cardc_vcode_name(cardc_vcode code);

enum {
    /* Stop at the first failure; only the verdict is reliable (the result
     * holds at most one error). The fastest mode. */
    CARDC_VALIDATE_FAST = 1u << 0,
    /* Fill absent properties from "default" (inside oneOf/anyOf only from
     * the branch that matched). Modifies the instance. */
    CARDC_VALIDATE_APPLY_DEFAULTS = 1u << 1,
    /* Collect annotations (title, default, readOnly, ...) into the result,
     * for the "basic"/"detailed" outputs. */
    CARDC_VALIDATE_ANNOTATIONS = 1u << 2
};

typedef struct cardc_validate_options {
    unsigned flags;    /* CARDC_VALIDATE_* */
    size_t max_errors; /* errors kept in the result; 0 = default (100) */
    int max_depth;     /* instance nesting limit; 0 = CARDC_JSON_DEFAULT_MAX_DEPTH */
} cardc_validate_options;

/* Fills opts with the defaults. */
CARDC_API void cardc_validate_options_init(cardc_validate_options *opts);

/* One output unit: an error, or an annotation. Every string is borrowed from
 * the result and lives until the result is reused or freed. */
typedef struct cardc_unit {
    const char *instance_location;         /* JSON Pointer into the instance */
    const char *keyword_location;          /* evaluation path, through $refs */
    const char *absolute_keyword_location; /* "URI#/pointer" of the keyword */
    const char *keyword;                   /* "maxLength", "errorMessage", ... */
    cardc_vcode code;                      /* errors only */
    const char *message;                   /* errors only: one sentence */
    const struct json_object *annotation;  /* annotations only */
} cardc_unit;

typedef struct cardc_result cardc_result;

/* Ownership: *out is the caller's; release with cardc_result_free(). A result
 * can be reused for any number of validations (each clears it). */
CARDC_API cardc_status cardc_result_new(cardc_result **out, cardc_error *err);
/* NULL is accepted. */
CARDC_API void cardc_result_free(cardc_result *result);

/* True when the last validation passed. */
CARDC_API bool cardc_result_valid(const cardc_result *result);
CARDC_API size_t cardc_result_error_count(const cardc_result *result);
/* Borrowed; NULL when out of range. Errors come in evaluation order; after a
 * failed oneOf/anyOf comes one error at the keyword, then the errors of the
 * branch that came closest to passing. */
CARDC_API const cardc_unit *cardc_result_error(const cardc_result *result, size_t index);
CARDC_API size_t cardc_result_annotation_count(const cardc_result *result);
CARDC_API const cardc_unit *cardc_result_annotation(const cardc_result *result, size_t index);
/* True when more errors occurred than max_errors allowed to keep. */
CARDC_API bool cardc_result_truncated(const cardc_result *result);

/* Validates `instance` against `schema`. opts may be NULL (defaults); result
 * may be NULL (verdict only). The instance is only modified with
 * CARDC_VALIDATE_APPLY_DEFAULTS.
 * Returns CARDC_OK (valid), CARDC_E_INVALID (invalid; details in result), or
 * another code when validation could not be completed (nesting limit, regex
 * limit, out of memory), with err filled. Ownership: borrows everything. */
CARDC_API cardc_status cardc_validate(const cardc_schema *schema, struct json_object *instance,
                                      const cardc_validate_options *opts, cardc_result *result,
                                      cardc_error *err);

/* ---- Standard output (JSON Schema 2020-12, section 12) ----------------- */

typedef enum cardc_output_format {
    CARDC_OUTPUT_FLAG = 0, /* {"valid": bool} */
    CARDC_OUTPUT_BASIC,    /* flat list of output units */
    CARDC_OUTPUT_DETAILED  /* units nested along the keyword locations */
} cardc_output_format;

/* Builds the standard output of the last validation.
 * Ownership: *out is a new json-c reference the caller releases with
 * json_object_put(). */
CARDC_API cardc_status cardc_result_output(const cardc_result *result, cardc_output_format format,
                                           struct json_object **out, cardc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_SCHEMA_H */
