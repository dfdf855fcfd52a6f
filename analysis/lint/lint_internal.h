/* SPDX-License-Identifier: MIT */
/* Private to analysis/lint: the run's files, schema texts and units, and
 * what the rules share. */
#ifndef CARDC_LINT_INTERNAL_H
#define CARDC_LINT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "common/strbuf.h"
#include "lint.h"

/* One file on the command line: a card or a plain schema. */
typedef struct lint_file {
    char *path;
    char *raw; /* the whole file */
    size_t raw_len;
    bool yaml;               /* positions count YAML line breaks */
    cardc_card *card;        /* NULL for a plain schema */
    struct json_object *doc; /* a plain schema's parsed text */
} lint_file;

/* A JSON text schemas live in: the file itself (JSON card, plain schema) or
 * the decoded YAML scalar holding a YAML card's schema text, with the raw
 * offset of every decoded byte so positions and fixes land in the file. */
typedef struct lint_text {
    size_t file;
    const char *json;
    size_t json_len;
    char *owned; /* decoded scalar text; NULL when json is the file */
    size_t *map; /* json_len + 1 raw offsets; NULL when json is the file */
    char style;  /* '"', '\'' or '|' for a YAML scalar; 0 for the file */
    int indent;  /* a literal block's indentation */
} lint_text;

/* One schema to lint: a card side or a plain schema. */
typedef struct lint_unit {
    size_t text;
    char *json_prefix;   /* pointer of the schema inside the text */
    char *report_prefix; /* pointer prefix findings report */
    const struct json_object *root;
    cardc_side side;
    bool card_side;
    cardc_registry *registry; /* the root under LINT_ROOT_URI, for check.c */
    bool compiles;            /* the whole root compiles */
} lint_unit;

#define LINT_ROOT_URI "urn:cardc-lint:root"

struct lint_run {
    lint_options opts;
    lint_file *files;
    size_t n_files;
    lint_text *texts;
    size_t n_texts;
    lint_unit *units;
    size_t n_units;
    lint_finding *findings;
    size_t n_findings, cap_findings;
    bool oom;
};

/* ---- run.c --------------------------------------------------------------- */

/* Records a finding of `rule` at schema pointer ptr of unit u (NULL when the
 * rule is disabled or memory ran out). suggestion may be NULL. */
lint_finding *lint_emit(lint_run *run, size_t unit, lint_rule_id rule, const char *ptr,
                        const char *suggestion, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/* A finding about a file as a whole (card-level rules). */
lint_finding *lint_emit_file(lint_run *run, size_t file, lint_rule_id rule, const char *pointer,
                             int line, int column, const char *suggestion, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;
/* Adds an edit of the finding's text; false when out of memory. */
bool lint_finding_edit(lint_finding *f, size_t start, size_t end, const char *repl);
/* Whether some finding of `rule` in unit's file sits at ptr (reported form). */
bool lint_has_finding(const lint_run *run, size_t unit, lint_rule_id rule, const char *ptr,
                      bool prefix);

/* ---- source.c ------------------------------------------------------------ */

cardc_status lint_source_card(lint_run *run, const char *path, cardc_error *err);
cardc_status lint_source_schema(lint_run *run, const char *path, cardc_error *err);
/* File position of schema pointer ptr in unit u. */
void lint_position(const lint_run *run, size_t unit, const char *ptr, int *line, int *column);
/* Byte span [*start, *end) in the unit's text of the value at ptr; false
 * when it is not there. */
bool lint_value_span(const lint_run *run, size_t unit, const char *ptr, size_t *start, size_t *end);
void lint_sources_free(lint_run *run);

/* ---- walk.c: every subschema of every unit -------------------------------- */

typedef struct lint_node {
    lint_run *run;
    size_t unit;
    cardc_dialect dialect;
    const struct json_object *schema; /* an object */
    const char *ptr;                  /* its pointer inside the unit's root */
    const struct json_object *parent; /* the schema holding this one, or NULL */
    const char *via;                  /* keyword of parent that leads here */
} lint_node;

void lint_walk(lint_run *run, size_t unit);

/* ---- keywords.c ---------------------------------------------------------- */

typedef enum lint_kw_shape {
    KW_VALUE = 0, /* not a schema */
    KW_SCHEMA,    /* one schema */
    KW_ARRAY,     /* an array of schemas */
    KW_MAP,       /* an object of schemas */
    KW_ITEMS,     /* items: a schema, or (before 2020-12) an array of them */
    KW_DEPS       /* dependencies: schemas or arrays of names */
} lint_kw_shape;

/* The keyword's shape; *known false when the dialect lacks it. */
lint_kw_shape lint_keyword_shape(const char *kw, cardc_dialect d, bool *known);
/* The JSON type a keyword applies to ("string", "number", "array",
 * "object"), or NULL for any. */
const char *lint_keyword_type(const char *kw);
void lint_rules_keywords(const lint_node *n);
/* schema-expected: a keyword of that shape whose value (or members) are not
 * schemas (shape.c). */
void lint_rules_shape(const lint_node *n, const char *key, lint_kw_shape shape,
                      const struct json_object *val);

/* ---- fix.c: certain fixes as edits of the finding's text ------------------ */

/* Renames member `key` of the object at obj_ptr to `name`. */
bool lint_fix_rename(lint_run *run, size_t unit, lint_finding *f, const char *obj_ptr,
                     const char *key, const char *name);
/* Removes member `key` of the object at obj_ptr. */
bool lint_fix_remove(lint_run *run, size_t unit, lint_finding *f, const char *obj_ptr,
                     const char *key);
/* Moves member `key` of the object at from_ptr into the object at to_ptr,
 * right after its member `after` (key order otherwise kept). */
bool lint_fix_move(lint_run *run, size_t unit, lint_finding *f, const char *from_ptr,
                   const char *key, const char *to_ptr, const char *after);

/* ---- values.c, strings.c, branches.c, card.c ------------------------------ */

void lint_rules_values(const lint_node *n);
void lint_rules_bounds(const lint_node *n);
void lint_rules_required(const lint_node *n);
void lint_rules_strings(const lint_node *n);
void lint_rules_branches(const lint_node *n);
void lint_rules_content_type(const lint_node *n);
void lint_rules_names(const lint_node *n);
void lint_rules_card(lint_run *run, size_t file);
void lint_rules_cards(lint_run *run);

/* ---- check.c: the real validator on a subschema --------------------------- */

/* Validates value against the subschema at ptr of the unit. Returns 1 valid,
 * 0 invalid (the first error's "/path: message" in msg), -1 when the
 * subschema does not compile or validation could not finish. */
int lint_check(const lint_run *run, size_t unit, const char *ptr, struct json_object *value,
               char *msg, size_t size);
bool lint_unit_compile(lint_run *run, size_t unit, cardc_error *err);

/* ---- witness.c ----------------------------------------------------------- */

/* A value meant to satisfy every schema of list (a conjunction), local
 * "$ref"s resolved in root; rich adds optional properties. NULL when none
 * was found. Only a guess: callers prove it with lint_check. New ref. */
struct json_object *lint_witness(const struct json_object *root,
                                 const struct json_object *const *list, size_t n, bool rich);

/* ---- helpers (walk.c) ------------------------------------------------------ */

/* ptr + "/" + escaped token, in a heap string (NULL when out of memory). */
char *lint_ptr_join(const char *ptr, const char *token);
char *lint_ptr_index(const char *ptr, size_t index);
/* Declared types of a schema as a bit set (LINT_T_*); 0 when no "type". */
enum {
    LINT_T_NULL = 1,
    LINT_T_BOOLEAN = 2,
    LINT_T_OBJECT = 4,
    LINT_T_ARRAY = 8,
    LINT_T_NUMBER = 16,
    LINT_T_STRING = 32,
    LINT_T_INTEGER = 64
};
unsigned lint_types(const struct json_object *schema);
unsigned lint_type_bit(const char *name);
/* Damerau-Levenshtein distance, stopping past max. */
size_t lint_distance(const char *a, const char *b, size_t max);
/* A member of a schema object, or NULL (also for non-objects). */
struct json_object *lint_get(const struct json_object *schema, const char *key);
/* Compact JSON text of v, heap. */
char *lint_dump(const struct json_object *v);

#endif /* CARDC_LINT_INTERNAL_H */
