/* SPDX-License-Identifier: MIT */
/* Private: the compiled form of a JSON Schema, shared by compile.c,
 * validate.c, result.c and registry.c.
 *
 * Design. cardc_schema_compile() first indexes every schema document it
 * meets (root, registry entries, built-in meta-schemas) -- resources by
 * "$id", anchors, and for each subschema object its base URI, JSON Pointer
 * and dialect -- then compiles, from a work list (no recursion, so hostile
 * nesting cannot overflow the stack), every subschema reachable from the
 * root into a cnode: a flat array of cinstr (opcode + operands + child node
 * pointers) ordered cheap-checks-first (type bitmask, bounds, lengths), then
 * applicators, then unevaluated*. "$ref"s are resolved at compile time to
 * node pointers (cycles are fine); only "$dynamicRef"/"$recursiveRef" look
 * at the dynamic scope at run time. Property tables store key lengths;
 * regexes are compiled once. Cold data (absolute keyword locations, the
 * keyword name) sits in each instruction but is only read when an error or
 * annotation is recorded; instance and keyword paths are stacks of segments
 * materialised only then. Evaluated-property/item tracking (bitmaps) runs
 * only when the schema uses unevaluated* (decided at compile time).
 * The compiled schema is immutable: all run-time state lives in the
 * validation context (validate.c) and the cardc_result.
 *
 * Evaluation (validate.c) is a recursive walk with small frames (cold code
 * out of line). Errors inside subschemas whose failures are discarded
 * (not, if, contains, passing oneOf/anyOf branches) are never built: a
 * "quiet" counter suppresses recording and lets evaluation stop at the
 * first failure; a failing oneOf/anyOf is replayed with details to pick
 * the closest branch. Nodes that only check the type are decided without
 * entering them. Guards: instance depth (max_depth), the thread's real
 * stack, a node re-entered through a reference at the same instance
 * location ({"$ref": "#"}), and an evaluation budget proportional to the
 * instance for exponentially branching schemas.
 */
#ifndef CARDC_SCHEMA_INTERNAL_H
#define CARDC_SCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cardc/schema.h"
#include "schema/format.h"
#include "schema/regex.h"

/* ---- registry ---- */
typedef struct cardc_reg_entry {
    char *uri; /* normalised, no fragment */
    struct json_object *doc;
} cardc_reg_entry;

struct cardc_registry {
    cardc_reg_entry *e;
    size_t n, cap;
};

/* Finds a registered document by normalised URI (no fragment); NULL if none. */
struct json_object *cardc__registry_find(const cardc_registry *reg, const char *uri);

/* ---- compiled schema ---- */

/* Type bits ("integer" is a subset of "number"). */
enum {
    T_NULL = 1u << 0,
    T_BOOLEAN = 1u << 1,
    T_OBJECT = 1u << 2,
    T_ARRAY = 1u << 3,
    T_NUMBER = 1u << 4,
    T_STRING = 1u << 5,
    T_INTEGER = 1u << 6
};

typedef enum cop {
    OP_TYPE,
    OP_CONST,
    OP_ENUM,
    OP_MULTIPLE_OF,
    OP_MAXIMUM,
    OP_EXCL_MAXIMUM,
    OP_MINIMUM,
    OP_EXCL_MINIMUM,
    OP_MAX_LENGTH,
    OP_MIN_LENGTH,
    OP_PATTERN,
    OP_FORMAT,
    OP_MAX_ITEMS,
    OP_MIN_ITEMS,
    OP_UNIQUE_ITEMS,
    OP_MAX_PROPS,
    OP_MIN_PROPS,
    OP_REQUIRED,
    OP_DEP_REQUIRED,
    OP_REF,
    OP_DYNAMIC_REF,
    OP_RECURSIVE_REF,
    OP_ALL_OF,
    OP_ANY_OF,
    OP_ONE_OF,
    OP_NOT,
    OP_IF,
    OP_DEP_SCHEMAS,
    OP_PROPERTIES,
    OP_PATTERN_PROPS,
    OP_ADDITIONAL_PROPS,
    OP_PROPERTY_NAMES,
    OP_PREFIX_ITEMS,
    OP_ITEMS,
    OP_CONTAINS,
    OP_ANNOTATION,
    OP_UNEVAL_ITEMS,
    OP_UNEVAL_PROPS
} cop;

typedef struct cnode cnode;

typedef struct ckey {
    const char *s; /* borrowed from the schema document */
    size_t len;
} ckey;

/* A decimal number: value = digits * 10^exp (digits without sign/leading
 * zeros); used for exact multipleOf. */
typedef struct cdecimal {
    char *digits;
    long exp;
    int neg;
} cdecimal;

typedef struct cnum {
    long double v;
    struct json_object *json; /* the keyword's value, for messages */
    cdecimal dec;             /* multipleOf only */
} cnum;

typedef struct cinstr {
    uint8_t op;
    uint8_t kwlen;
    const char *kw; /* keyword name (static string) */
    char *abs;      /* cold: absolute keyword location "uri#/ptr/kw" */
    union {
        uint32_t types;
        struct json_object *value; /* const, enum (array), annotation */
        cnum num;
        uint64_t count;
        struct {
            cardc_regex *re;
        } pattern;
        struct {
            cardc_format_kind kind;
            struct json_object *name;
            bool assert_;
        } format;
        struct {
            size_t n;
            ckey *keys;
        } req;
        struct cprops {
            size_t n;
            ckey *keys;
            cnode **nodes;
            struct json_object **defaults; /* properties: child "default" or NULL */
        } props;
        struct {
            size_t n;
            ckey *keys;
            size_t *nlist;
            ckey **lists;
        } depreq;
        struct {
            size_t n;
            cardc_regex **res;
            cnode **nodes;
        } pprops;
        struct {
            cnode *node;
            const struct cinstr *props;  /* sibling "properties" or NULL */
            const struct cinstr *pprops; /* sibling "patternProperties" or NULL */
        } addl;
        struct {
            size_t n;
            cnode **nodes;
        } list;
        struct {
            cnode *node;
            size_t start;
        } items;
        struct {
            cnode *node;
            uint64_t min, max;
            bool has_max;
        } contains;
        struct {
            cnode *if_, *then_, *else_;
        } cond;
        struct {
            cnode *node;        /* static target */
            const char *anchor; /* dynamic anchor name, or NULL (plain $ref) */
        } ref;
        cnode *node;
    } u;
} cinstr;

/* One schema resource (a document or an embedded "$id"): the unit of the
 * dynamic scope. */
typedef struct cresource {
    char *uri;
    size_t ndyn;
    char **dyn_names;
    cnode **dyn_nodes;
    cnode *root;           /* node of the resource root, when compiled */
    bool recursive_anchor; /* 2019-09 "$recursiveAnchor": true at the root */
    bool ready;            /* compile-time: dynamic anchors resolved to nodes */
    struct cresource *next;
} cresource;

/* errorMessage (ajv-errors). */
typedef struct cerrmsg {
    char *all; /* string form */
    size_t nkw;
    char **kw;
    char **kw_msg;
    struct json_object *required; /* object form of "required" map, or NULL */
    struct json_object *properties;
    struct json_object *items;
    char *rest; /* "_" */
} cerrmsg;

enum { NODE_TRUE, NODE_FALSE, NODE_SCHEMA };

struct cnode {
    uint8_t kind;
    uint8_t dialect;
    /* Non-zero when the node only checks the type (plus annotation-only
     * keywords): the instance types that pass without evaluating it. */
    uint32_t quick;
    /* Types the node's "type" keyword allows; 0 without one. Lets a
     * quiet oneOf/anyOf reject a branch without entering it. */
    uint32_t types;
    size_t n;      /* instructions */
    size_t n_core; /* instructions before the annotation-only ones */
    cinstr *ins;
    char *abs; /* "uri#/ptr" of the schema */
    cresource *res;
    cerrmsg *errmsg;
    cnode *next_alloc;
};

struct cardc_schema {
    cnode *root;
    cardc_dialect dialect;
    bool track; /* some node uses unevaluated* */
    /* json-c keeps a value's type as the first member of its (private)
     * struct; verified at compile time, then read directly in hot loops. */
    bool peek_type;
    cnode *nodes; /* allocation list */
    cresource *resources;
    struct json_object **docs; /* references held: the root, then what $ref/$schema reached */
    char **doc_uris;           /* their retrieval URIs, parallel to docs */
    bool *doc_builtin;         /* whether docs[i] is a built-in meta-schema */
    size_t ndocs;
    cardc_regex **regexes;
    size_t nregexes;
    char **strs; /* messages and URIs the nodes point to */
    size_t nstrs;
};

/* Shortest decimal text of a JSON number (exact for integers). */
void cardc__num_text(const struct json_object *v, char *buf, size_t n);
/* Parses decimal text into d (heap digits): 1, or 0 when not a finite
 * number, -1 when out of memory. */
int cardc__decimal_parse(const char *text, cdecimal *d);
/* JSON equality (1 == 1.0, objects unordered). */
int cardc__json_equal(const struct json_object *a, const struct json_object *b);

/* ---- result ---- */
typedef struct runit {
    cardc_unit u;
    char *buf;               /* strings of u (one allocation) */
    uint32_t ilevel;         /* instance depth */
    uint32_t klevel;         /* evaluation path depth of the keyword */
    char *param;             /* e.g. the missing property of "required" */
    struct json_object *ann; /* owned reference */
} runit;

struct cardc_result {
    bool valid;
    bool truncated;
    runit *err;
    size_t nerr, caperr;
    runit *ann;
    size_t nann, capann;
};

void cardc__result_clear(cardc_result *r);
void cardc__unit_free(runit *u);
/* Appends a unit (moves it); returns 0 when out of memory. */
int cardc__result_push_error(cardc_result *r, runit *u);
int cardc__result_push_annotation(cardc_result *r, runit *u);
/* Frees units [from, nerr) and truncates. */
void cardc__result_truncate_errors(cardc_result *r, size_t from);
void cardc__result_truncate_annotations(cardc_result *r, size_t from);

#endif
