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
#include "json/doc.h"
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

/* Type bits ("integer" is a subset of "number"): the document's (doc.h). */
enum {
    T_NULL = DT_NULL,
    T_BOOLEAN = DT_BOOLEAN,
    T_OBJECT = DT_OBJECT,
    T_ARRAY = DT_ARRAY,
    T_NUMBER = DT_NUMBER,
    T_STRING = DT_STRING,
    T_INTEGER = DT_INTEGER
};

/* The assertions come first: op <= OP_DEP_REQUIRED never evaluates a
 * subschema (cnode.leaf relies on it). */
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
    OP_UNEVAL_PROPS,
    /* Only in a node's fast program (compile_fast.c): properties,
     * patternProperties, additionalProperties and required in one pass
     * over the members. */
    OP_OBJECT
} cop;

typedef struct cnode cnode;

typedef struct ckey {
    const char *s; /* borrowed from the schema document */
    size_t len;
    uint32_t hash; /* cardc__doc_hash, as the document's keys carry */
} ckey;

/* Names a keyword looks up in instance objects ("properties", "required",
 * ...), with a hash table from a member's precomputed hash to the name. */
typedef struct ckeys {
    size_t n;
    ckey *keys;    /* in the schema's order */
    uint32_t mask; /* table size - 1 */
    uint32_t *tab; /* key index + 1, 0 = empty */
} ckeys;

/* (doc.h) */
#define same_bytes cardc__same_bytes

/* Index in t of the name s[0..n) whose hash is h, or -1. */
static inline long ckeys_find(const ckeys *t, const char *s, size_t n, uint32_t h)
{
    for (uint32_t at = h & t->mask;; at = (at + 1) & t->mask) {
        uint32_t k = t->tab[at];
        if (!k)
            return -1;
        const ckey *c = &t->keys[k - 1];
        if (c->hash == h && c->len == n && same_bytes(c->s, s, n))
            return (long)k - 1;
    }
}

/* A decimal number: value = digits * 10^exp (digits without sign/leading
 * zeros); used for exact multipleOf. */
typedef struct cdecimal {
    char *digits;
    long exp;
    int neg;
} cdecimal;

typedef struct cnum {
    long double v;
    cardc_dval val; /* the keyword's value, for messages */
    cdecimal dec;   /* multipleOf only */
} cnum;

/* const and enum: the value(s) as a document, and for a long enum a hash
 * table of its values. */
typedef struct cconst {
    cardc_doc doc;
    size_t n;                /* enum: values */
    const cardc_dval **vals; /* enum: each value */
    uint32_t mask;           /* enum table size - 1, 0 without one */
    uint32_t *tab;           /* value index + 1, 0 empty */
    uint64_t *hash;          /* enum: each value's cardc__dhash */
    uint32_t types;          /* enum: type bits of the values */
} cconst;

typedef struct cobject cobject;

typedef struct cinstr {
    uint8_t op;
    uint8_t kwlen;
    const char *kw; /* keyword name (static string) */
    char *abs;      /* cold: absolute keyword location "uri#/ptr/kw" */
    union {
        uint32_t types;
        cconst *cval;              /* const, enum */
        struct json_object *value; /* annotation */
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
        ckeys req;
        struct cprops {
            ckeys k;
            cnode **nodes;
            struct json_object **defaults; /* properties: child "default" or NULL */
        } props;
        struct {
            ckeys k;
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
            struct cdisc *disc; /* anyOf/oneOf: the branches' tag, or NULL */
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
            /* the target can lead back to this node without moving in the
             * instance: the validator guards it against endless loops */
            bool cyclic;
        } ref;
        cobject *obj; /* OP_OBJECT */
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
    /* The fast program (compile_fast.c), run when nothing is recorded: a
     * "type" first instruction as a mask checked on entry (0: none), then
     * the other core instructions with the object keywords fused. */
    uint32_t type_mask;
    size_t nfast;
    const cinstr **fast;
    cinstr *object; /* the OP_OBJECT instruction fast points to, or NULL */
    /* What the fast programs evaluate instead: for a node that is only a
     * "$ref" (one that cannot loop), its target's; itself otherwise. */
    const cnode *fast_target;
    /* The fast program has only assertions (no applicator): evaluated in
     * its parent's frame, without a node call or guards. */
    bool leaf;
    uint32_t mark; /* scratch of compile-time graph walks */
};

/* OP_OBJECT's plan: one hash lookup per member decides everything. */
struct cobject {
    ckeys keys;           /* properties' names, then required names not among them */
    size_t nprops;        /* keys [0, nprops) are properties */
    cnode **sub;          /* per property: its subschema */
    uint64_t reqmask;     /* the required names' bits (indices < 64) */
    const cinstr *pprops; /* patternProperties, or NULL */
    const cnode *addl;    /* additionalProperties' subschema, or NULL */
};

/* A tagged union: every branch of an anyOf/oneOf is an object schema whose
 * property `key` is a different "const"; the instance's value of it picks
 * the one branch that can pass (compile_fast.c). */
typedef struct cdisc {
    ckey key;
    cconst **tags;  /* per branch: its const */
    uint32_t mask;  /* table size - 1 */
    uint32_t *tab;  /* branch index + 1 by the tag's cardc__dhash, 0 empty */
    uint64_t *hash; /* per branch */
} cdisc;

/* compile_fast.c: builds node n's fast program; 0 when out of memory. */
int cardc__fast_program(cnode *n);
void cardc__fast_free(cnode *n);
void cardc__disc_free(cdisc *d);
/* Marks the references that can lead back to their own node without
 * moving in the instance (an in-place cycle); 0 when out of memory. Then
 * sets every node's fast_target, and gives a node that is only a "$ref"
 * its target's quick and types. */
int cardc__mark_cyclic_refs(cardc_schema *s);

struct cardc_schema {
    cnode *root;
    cardc_dialect dialect;
    bool track;   /* some node uses unevaluated* */
    bool dynamic; /* some node uses $dynamicRef or $recursiveRef: keep the scope */
    /* The root has nothing to evaluate (true, {}, only $defs or $id):
     * every instance is valid, with no error and no annotation. */
    bool accept_all;
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

/* compile_tables.c: builds t's hash table (and each key's hash); 0 when
 * out of memory. */
int cardc__ckeys_index(ckeys *t);
void cardc__ckeys_free(ckeys *t);
/* A const's value, or an enum's values (v an array), as a document; NULL
 * when out of memory. */
cconst *cardc__cconst_new(const struct json_object *v, bool is_enum);
void cardc__cconst_free(cconst *cv);
/* A number keyword's value as a document slot, for messages: 0, or -1 out
 * of memory. */
int cardc__cnum_value(cardc_dval *out, const struct json_object *v);

/* Shortest decimal text of a JSON number (exact for integers). */
void cardc__num_text(const struct json_object *v, char *buf, size_t n);
/* The same for a document number (DK_INT, DK_UINT, DK_DOUBLE). */
void cardc__dnum_text(const cardc_dval *v, char *buf, size_t n);
/* Parses decimal text into d (heap digits): 1, or 0 when not a finite
 * number, -1 when out of memory. */
int cardc__decimal_parse(const char *text, cdecimal *d);
/* JSON equality (1 == 1.0, objects unordered). */
int cardc__json_equal(const struct json_object *a, const struct json_object *b);

/* Validates the document doc (its root) against s: the engine behind
 * cardc_validate, cardc_validate_apply_defaults and cardc_validate_text.
 * A document parsed from text gives every error its line and column; one
 * built with its json-c objects kept (doc->src) gets its defaults filled
 * there when CARDC__VALIDATE_DEFAULTS is in opts->flags. */
cardc_status cardc__validate_doc(const cardc_schema *s, const cardc_doc *doc,
                                 const cardc_validate_options *opts, cardc_result *result,
                                 cardc_error *err);

/* cardc_validate_text without the error contract's entry and exit: err
 * (its code CARDC_OK on entry) is filled only when the text cannot be
 * validated, not for CARDC_E_INVALID, which the caller reports from the
 * result. For the decoders' rejections, which format their own record. */
cardc_status cardc__validate_text(const cardc_schema *s, const char *text, size_t len,
                                  const cardc_validate_options *opts, cardc_result *result,
                                  cardc_error *err);

/* ---- result ---- */
/* Private flag of cardc_validate_options.flags, for a caller that reports
 * the main error alone (cardc__result_main_error: a decoder's rejection
 * without a result). Only that unit gets its line, column and offset:
 * placing every unit was 1,545 of its 16,400 instructions on the seed
 * payload invalid-type, and finding the reported one's offset again in the
 * text (json_locate) another 1,083 of 16,664. And a oneOf's or anyOf's own
 * unit is kept in outline (cardc__unit_is_outline): its code, keyword and
 * levels, which decide the main error, but no strings (their messages and
 * keyword locations were 1,160 of 13,900 instructions, their instance
 * locations 570 of 11,600). Such a unit
 * is never the main error while another kind is there; when all are, the
 * caller validates again without the flag. errorMessage's groups by
 * location leave an outline unit out of its group, which changes no main
 * error: the unit comes just before its branch's errors, which are in the
 * group, and the group's unit is not a combinator's. */
#define CARDC__VALIDATE_MAIN_ONLY (1u << 30)
/* Private flag: the caller already knows the instance fails (a decoder
 * refused it), so the exhaustive pass runs without the fast pass that
 * would only prove it valid. The oneOf/anyOf evaluations it finds failing
 * are still noted (vctx.failed), by its own quiet evaluations. On the seed
 * payload invalid-type the fast pass was 879 of a rejection's 10,538
 * instructions (bench_decode). */
#define CARDC__VALIDATE_INVALID (1u << 29)

typedef struct runit {
    cardc_unit u;
    char *buf;               /* strings of u (one allocation) */
    uint32_t ilevel;         /* instance depth */
    uint32_t klevel;         /* evaluation path depth of the keyword */
    char *param;             /* e.g. the missing property of "required" */
    struct json_object *ann; /* owned reference */
    size_t offset;           /* of the instance in the text, once placed */
} runit;

struct cardc_result {
    bool valid;
    bool truncated;
    cardc_doc doc; /* cardc_validate_text's, kept for the next call */
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
/* Whether u is a unit recorded in outline (CARDC__VALIDATE_MAIN_ONLY). */
static inline bool cardc__unit_is_outline(const runit *u)
{
    return u->u.message == NULL;
}

/* The error a one-line report shows: the first that is not only a summary
 * of its subschemas' (oneOf, anyOf, allOf, $ref), else the first; NULL
 * when r holds none. Borrowed from r. */
runit *cardc__result_main_error(const cardc_result *r);

#endif
