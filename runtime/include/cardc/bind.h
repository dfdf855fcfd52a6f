/* SPDX-License-Identifier: MIT */
/* cardc/bind.h - the runtime behind the bindings `cardc gen` generates.
 *
 * Generated code is mostly declarative: readable structs, plus const type
 * descriptors (cardc_type) that one audited engine here walks to initialise,
 * free, decode, encode and validate any generated value. The typed functions
 * a generated header declares (NAME_decode, ...) are one-line wrappers.
 *
 * Representation of schema types in C (the README has the full mapping):
 *   boolean -> bool;  integer -> int64_t;  number -> double;
 *   string -> cardc_string;  "format": "binary" string -> cardc_bytes;
 *   array of integers 0..255 -> cardc_bytes;  array of numbers -> cardc_numbers;
 *   other arrays -> { T *items; size_t count; };  object -> struct;
 *   additionalProperties/patternProperties map -> { entry *items; size_t count; }
 *   members an open object's schema does not name -> `additional`: a
 *     cardc_members (name/JSON pairs), or a typed map when
 *     additionalProperties is a schema; so decode -> encode loses nothing;
 *   oneOf/anyOf -> { kind; union { ... } u; } (kind 0 = NONE); anyOf takes
 *     the branch that matches best (most declared members present);
 *   string enum -> C enum (0 = unset);  anything else -> cardc_json.
 *   Optional members have a `bool has_x` before them; nullable ones a
 *   `bool x_is_null`, so absent, null and a value stay apart.
 *
 * Ownership: a value owns everything reachable from it. The caller owns the
 * top-level storage (the stack is fine); NAME_free()/cardc_bind_free()
 * release the contents and reset the value to all-zero (NULL-safe,
 * idempotent). Strings and buffers are malloc()ed; set them with malloc()ed
 * memory (or the cardc_*_set helpers) so that free() can release them.
 */
#ifndef CARDC_BIND_H
#define CARDC_BIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardc/export.h"
#include "cardc/error.h"
#include "cardc/json.h"
#include "cardc/schema.h"
#include "cardc/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the descriptor layout changes; generated headers check it
 * and refuse to compile against another libcardc ("regenerate"). */
#define CARDC_BIND_ABI 4

/* What every generated T_INIT expands to: an empty value (every member
 * absent, unions NONE, enums unset). {} in C++, where 0 does not convert to
 * an enum first member; {0} in C, which has no empty braces before C23. */
/* clang-format off */
#ifdef __cplusplus
#define CARDC_EMPTY {}
#else
#define CARDC_EMPTY {0}
#endif
/* clang-format on */

/* ---- Value types used by generated structs ---------------------------- */

/* UTF-8 text. data is NUL-terminated for convenience, but len is
 * authoritative (JSON strings may contain U+0000). */
typedef struct cardc_string {
    char *data;
    size_t len;
} cardc_string;

/* Bytes: a "format": "binary" string (its UTF-8 bytes) or an array of
 * integers 0..255. */
typedef struct cardc_bytes {
    uint8_t *data;
    size_t len;
} cardc_bytes;

/* An array of JSON numbers, stored one byte per element when every element is
 * an integer 0..255 (image and audio arrays: 8x less memory), as doubles
 * otherwise. Exactly one of bytes/values is non-NULL when count > 0. */
typedef struct cardc_numbers {
    uint8_t *bytes;
    double *values;
    size_t count;
} cardc_numbers;

/* Any JSON value the generator could not type; validated all the same.
 * Holds one json-c reference, released by the owner's free. */
typedef struct cardc_json {
    struct json_object *value; /* NULL means JSON null */
} cardc_json;

/* One member of an open object that its schema does not name. */
typedef struct cardc_member {
    cardc_string name;
    cardc_json value;
} cardc_member;

/* The members an open object's schema does not name (additionalProperties
 * absent or true), kept so that decode -> encode gives every member back:
 * decode fills it in document order (a repeated name keeps its last value,
 * as json-c does), encode writes them after the declared members, in this
 * order. A name here must not be a declared property (encode refuses it:
 * set the member instead) nor appear twice. Owned by the object: its free
 * releases every name and value. */
typedef struct cardc_members {
    cardc_member *items;
    size_t count;
} cardc_members;

/* The value of the member called name (NUL-terminated), or NULL. Borrowed. */
CARDC_API const cardc_json *cardc_members_get(const cardc_members *members, const char *name);

/* Sets member `name` (name[0..name_len)) to the JSON text json[0..json_len)
 * (parsed strictly; a member of that name is replaced, else one is added
 * at the end). Ownership: copies both. Returns CARDC_OK, CARDC_E_JSON /
 * CARDC_E_UTF8 for bad text or name, CARDC_E_USAGE, CARDC_E_NOMEM. */
CARDC_API cardc_status cardc_members_set(cardc_members *members, const char *name, size_t name_len,
                                         const char *json, size_t json_len, cardc_error *err);

/* Element i of a number array, whichever the storage. */
CARDC_API double cardc_numbers_get(const cardc_numbers *numbers, size_t index);

/* Setters: copy the data (the previous contents are freed). */
CARDC_API cardc_status cardc_string_set(cardc_string *s, const char *data, size_t len,
                                        cardc_error *err);
CARDC_API cardc_status cardc_bytes_set(cardc_bytes *b, const void *data, size_t len,
                                       cardc_error *err);
CARDC_API cardc_status cardc_numbers_set_bytes(cardc_numbers *n, const uint8_t *data, size_t count,
                                               cardc_error *err);
CARDC_API cardc_status cardc_numbers_set_values(cardc_numbers *n, const double *values,
                                                size_t count, cardc_error *err);

/* ---- Descriptors (emitted by cardc gen; read by the engine) ------------ */

/* X(enumerator, value, what the value is in C). One list gives the enum and
 * every name table. 0 is no kind, so a zeroed descriptor is caught. Append
 * only: the values are ABI. */
#define CARDC_KIND_LIST(X)                                                            \
    X(CARDC_KIND_NULL, 1, "no storage: null is the only value")                       \
    X(CARDC_KIND_BOOL, 2, "bool")                                                     \
    X(CARDC_KIND_INT, 3, "int64_t")                                                   \
    X(CARDC_KIND_NUMBER, 4, "double")                                                 \
    X(CARDC_KIND_STRING, 5, "cardc_string")                                           \
    X(CARDC_KIND_ENUM, 6, "int: 1 + index into enum_values; 0 = unset")               \
    X(CARDC_KIND_BYTES, 7, "cardc_bytes: a binary string (or CARDC_TYPE_BYTE_ARRAY)") \
    X(CARDC_KIND_NUMBERS, 8, "cardc_numbers")                                         \
    X(CARDC_KIND_ARRAY, 9, "{ T *items; size_t count; }")                             \
    X(CARDC_KIND_OBJECT, 10, "struct of fields")                                      \
    X(CARDC_KIND_MAP, 11, "{ entry *items; size_t count; }, entry { key; value; }")   \
    X(CARDC_KIND_UNION, 12, "{ int kind; union {...} u; }")                           \
    X(CARDC_KIND_JSON, 13, "cardc_json")

typedef enum cardc_kind {
#define CARDC_X_(e, value, c) e = value,
    CARDC_KIND_LIST(CARDC_X_)
#undef CARDC_X_
} cardc_kind;

/* cardc_type.flags */
enum {
    CARDC_TYPE_NULLABLE = 1u << 0, /* null is also accepted (the owner's _is_null flag) */
    CARDC_TYPE_CLOSED = 1u << 1,   /* OBJECT: unknown keys rejected (additionalProperties: false) */
    CARDC_TYPE_ONE_OF = 1u << 2,   /* UNION: exactly one branch (else anyOf: the branch that matches
                                    best, i.e. with the most declared members present; the first
                                    of equals) */
    CARDC_TYPE_BYTE_ARRAY = 1u << 3, /* BYTES: JSON form is an array of 0..255 */
    CARDC_TYPE_RESIDUAL = 1u << 4    /* the schema has keywords the engine does not check inline:
                                        decode/validate also run the JSON Schema validator */
};

/* Inline constraints; everything else a schema says is enforced through the
 * validator (CARDC_TYPE_RESIDUAL), so decoding is always exact.
 * X(enumerator, value, JSON Schema keyword). One list gives the enum and
 * every name table; 0 is no check. Append only: the values are ABI. What
 * each reads:
 *   MINIMUM .. EXCLUSIVE_MAXIMUM: number;  MIN/MAX_LENGTH: count, code points;
 *   MIN/MAX_ITEMS, MIN/MAX_PROPERTIES: count;  UNIQUE_ITEMS: nothing;
 *   MULTIPLE_OF: text, the divisor's JSON literal (exact decimal arithmetic);
 *   PATTERN: text, an ECMA-262 pattern;  FORMAT: text, the format name
 *   (asserted only when the model was generated with --assert-format);
 *   CONST: text, the JSON literal the value must equal;  ENUM: text, a JSON
 *   array literal of the allowed values;  NOT_ALL_PRESENT: fields, not
 *   {required: [...]};  DEPENDENT_REQUIRED: fields, fields[0] present =>
 *   fields[1..] present. */
#define CARDC_CHECK_OP_LIST(X)                              \
    X(CARDC_CHECK_MINIMUM, 1, "minimum")                    \
    X(CARDC_CHECK_EXCLUSIVE_MINIMUM, 2, "exclusiveMinimum") \
    X(CARDC_CHECK_MAXIMUM, 3, "maximum")                    \
    X(CARDC_CHECK_EXCLUSIVE_MAXIMUM, 4, "exclusiveMaximum") \
    X(CARDC_CHECK_MULTIPLE_OF, 5, "multipleOf")             \
    X(CARDC_CHECK_MIN_LENGTH, 6, "minLength")               \
    X(CARDC_CHECK_MAX_LENGTH, 7, "maxLength")               \
    X(CARDC_CHECK_PATTERN, 8, "pattern")                    \
    X(CARDC_CHECK_FORMAT, 9, "format")                      \
    X(CARDC_CHECK_MIN_ITEMS, 10, "minItems")                \
    X(CARDC_CHECK_MAX_ITEMS, 11, "maxItems")                \
    X(CARDC_CHECK_UNIQUE_ITEMS, 12, "uniqueItems")          \
    X(CARDC_CHECK_MIN_PROPERTIES, 13, "minProperties")      \
    X(CARDC_CHECK_MAX_PROPERTIES, 14, "maxProperties")      \
    X(CARDC_CHECK_CONST, 15, "const")                       \
    X(CARDC_CHECK_ENUM, 16, "enum")                         \
    X(CARDC_CHECK_NOT_ALL_PRESENT, 17, "not")               \
    X(CARDC_CHECK_DEPENDENT_REQUIRED, 18, "dependentRequired")

typedef enum cardc_check_op {
#define CARDC_X_(e, value, keyword) e = value,
    CARDC_CHECK_OP_LIST(CARDC_X_)
#undef CARDC_X_
} cardc_check_op;

typedef struct cardc_check {
    cardc_check_op op;
    double number;
    size_t count;
    const char *text;
    const uint16_t *fields; /* indexes into the object's fields */
    size_t field_count;
    const char *keyword; /* schema pointer of the keyword, relative to the model's schema root */
} cardc_check;

typedef struct cardc_type cardc_type;

/* A member of an object. Offsets a field does not have are left out
 * (zero): the engine reads has_offset only for optional fields, null_offset
 * only for nullable ones, offset only when the type has storage (not
 * CARDC_KIND_NULL). */
typedef struct cardc_field {
    const char *json_name; /* the property name in JSON (UTF-8) */
    size_t json_name_len;
    size_t offset;      /* of the value */
    size_t has_offset;  /* of `bool has_x`, when not required */
    size_t null_offset; /* of `bool x_is_null`, when nullable */
    const cardc_type *type;
    const char *default_json; /* "default" as JSON text, or NULL */
    bool required;            /* no has_x: the member must be present */
    bool nullable;            /* JSON null is also accepted: x_is_null says so */
} cardc_field;

typedef struct cardc_branch {
    const char *name;       /* enumerator suffix ("BINARY", "OBJECT", "0") */
    const cardc_type *type; /* stored at the union's union_offset */
} cardc_branch;

struct cardc_type {
    cardc_kind kind;
    unsigned flags;      /* CARDC_TYPE_* */
    const char *c_name;  /* C type name, for messages */
    const char *pointer; /* JSON Pointer of the schema, relative to the model's schema root */
    size_t size;         /* sizeof the C representation */
    const cardc_check *checks;
    size_t check_count;
    /* OBJECT */
    const cardc_field *fields;
    size_t field_count;
    /* ARRAY, MAP: element type; MAP entries are entry_size bytes with the
     * value at entry_value_offset (the key, a cardc_string, at 0; a
     * CARDC_KIND_NULL value has no storage) */
    const cardc_type *item;
    size_t entry_size;
    size_t entry_value_offset;
    /* UNION */
    const cardc_branch *branches;
    size_t branch_count;
    size_t union_offset; /* offset of `u` after the int kind */
    /* ENUM */
    const char *const *enum_values;
    size_t enum_count;
    /* The schema the descriptor came from, for the validator (residual checks
     * and diagnostics). */
    const struct cardc_schema_text *schema;
    /* OBJECT: the MAP type holding the members its schema does not name, at
     * additional_offset: &cardc_members_type (any value: additionalProperties
     * absent or true), or a generated map whose values the
     * additionalProperties schema types. NULL: unknown members are not kept
     * (closed objects reject them). */
    const cardc_type *additional;
    size_t additional_offset;
};

/* The descriptor of cardc_members (a MAP of untyped JSON values). */
CARDC_API extern const cardc_type cardc_members_type;

/* Embedded JSON text is a NULL-terminated list of pieces whose
 * concatenation is the document: generated code writes each piece as one
 * string literal within ISO C's 4,095-character limit (-Woverlength-strings),
 * so a schema of any size compiles at -Wpedantic. */

/* A document the side's schema reaches ("$ref" to another file, a custom
 * meta-schema), embedded so generated code needs no files at run time. */
typedef struct cardc_resource_text {
    const char *uri;               /* the URI it was registered under when generated */
    const char *const *json_parts; /* the document as JSON text, in pieces */
} cardc_resource_text;

/* The JSON Schema text of one side of a model, embedded in generated code. */
typedef struct cardc_schema_text {
    const char *const *json_parts; /* the side's schema as JSON text, in pieces */
    const char *source;            /* "llava-1.5-7b-hf.md#/json_schema/input" */
    cardc_dialect dialect;         /* as given to cardc gen */
    unsigned schema_flags;         /* CARDC_SCHEMA_* as given to cardc gen */
    /* Every other document the schema reached (not the built-in
     * meta-schemas), registered before the schema is compiled. */
    const cardc_resource_text *resources;
    size_t resource_count;
} cardc_schema_text;

/* Compiles the embedded schema of one side (its resources registered, its
 * dialect and flags as given to cardc gen), for validating JSON trees
 * against a model with cardc_validate. Ownership: borrows text; on success
 * *out is the caller's, release with cardc_schema_free(). */
CARDC_API cardc_status cardc_schema_text_compile(const cardc_schema_text *text, cardc_schema **out,
                                                 cardc_error *err);

/* ---- The engine ---------------------------------------------------------- */

enum {
    CARDC_DECODE_NO_DEFAULTS = 1u << 0 /* leave absent members absent */
};

typedef struct cardc_decode_options {
    unsigned flags;       /* CARDC_DECODE_* */
    int max_depth;        /* 0 = CARDC_JSON_DEFAULT_MAX_DEPTH */
    cardc_result *result; /* optional: receives every error, as `cardc validate` reports them */
    const char *source;   /* name of the text in errors ("request.json"); may be NULL */
    /* a member named twice: the last wins (default), or CARDC_E_JSON at
     * the second (cardc/json.h) */
    cardc_duplicate_keys duplicate_keys;
} cardc_decode_options;

/* Fills opts with the defaults (all zero: defaults applied, default depth,
 * no result, no source name). NULL is accepted. */
CARDC_API void cardc_decode_options_init(cardc_decode_options *opts);

/* Sets *value (t->size bytes) to its initial state: zero, then the schema's
 * defaults applied (has_x set). Ownership: the value owns what it allocates. */
CARDC_API cardc_status cardc_bind_init(const cardc_type *t, void *value, cardc_error *err);

/* Frees everything *value owns and zeroes it. NULL-safe, idempotent. */
CARDC_API void cardc_bind_free(const cardc_type *t, void *value);

/* Decodes JSON text into *value (which must be initialised or zeroed; its
 * previous contents are freed). Rejects exactly what the schema rejects and
 * applies defaults (within a oneOf/anyOf only from the branch that matched).
 * On failure *value is left zeroed and err holds the first error as
 * `cardc validate` would report it (pointer = instance location, line and
 * column in the text); opts->result, if given, receives them all.
 * Returns CARDC_OK, CARDC_E_INVALID, CARDC_E_JSON, CARDC_E_UTF8,
 * CARDC_E_LIMIT or CARDC_E_NOMEM. Borrows json. opts may be NULL. */
CARDC_API cardc_status cardc_bind_decode(const cardc_type *t, void *value, const char *json,
                                         size_t len, const cardc_decode_options *opts,
                                         cardc_error *err);

/* Encodes *value as compact JSON text, after validating it: a value that
 * breaks its schema is refused (CARDC_E_INVALID, err as for decode) and
 * nothing is returned. Ownership: *json is heap memory the caller frees with
 * free(); *len may be NULL. */
CARDC_API cardc_status cardc_bind_encode(const cardc_type *t, const void *value, char **json,
                                         size_t *len, cardc_error *err);

/* Validates a value built by hand. result may be NULL. Returns CARDC_OK or
 * CARDC_E_INVALID (or a failure code). Borrows everything. */
CARDC_API cardc_status cardc_bind_validate(const cardc_type *t, const void *value,
                                           cardc_result *result, cardc_error *err);

/* ---- Model descriptors ------------------------------------------------- */

/* One side of a model, for dynamic use: the cardc_bind_* functions take
 * the type (cardc_bind_decode(model->input.type, value, ...)) and a value
 * of `size` bytes. */
typedef struct cardc_model_side {
    const cardc_type *type;   /* NULL when the card has no schema for this side */
    size_t size;              /* sizeof the generated struct */
    const char *content_type; /* "application/json", "image/png", "text/event-stream", ... */
} cardc_model_side;

typedef struct cardc_model {
    const char *name;      /* "@cf/llava-hf/llava-1.5-7b-hf" */
    const char *c_name;    /* "llava_1_5_7b_hf" */
    const char *task_name; /* "Image-to-Text" */
    const char *task_type; /* "image-to-text", or NULL */
    const char *description;
    /* the card file cardc gen read, as it was named (--strip-path: its file name) */
    const char *card;
    /* The card's properties (cardc_card_traits): the context window in
     * tokens (0: the card does not say), and whether the model takes the
     * Batch API (cardc_client_batch_*). */
    long long context_window;
    bool async_queue;
    cardc_model_side input;
    cardc_model_side output;
} cardc_model;

#ifdef __cplusplus
}
#endif

#endif /* CARDC_BIND_H */
