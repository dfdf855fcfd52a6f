/* SPDX-License-Identifier: MIT */
/* gen.h - cardc gen: JSON Schema -> typed C bindings over cardc/bind.h.
 *
 * Pipeline: ir.c turns each side's schema into a graph of gen_type nodes
 * (kinds, flags, checks, C names from names.c); emit_header.c and
 * emit_source.c print NAME.h / NAME.c from it; emit_registry.c prints the
 * cardc_models registry for several models. Output is a pure function of
 * the input (no pointers, times or hash orders leak into it).
 */
#ifndef CARDC_GEN_H
#define CARDC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cardc/cardc.h"
#include "common/strbuf.h"

#define GEN_VERSION "cardc gen " CARDC_VERSION_STRING

/* What every generated header checks first: the binding ABI it was made for. */
#define GEN_STR_(x) #x
#define GEN_STR(x)  GEN_STR_(x)
#define GEN_ABI_CHECK                                                            \
    "#if CARDC_BIND_ABI != " GEN_STR(                                            \
        CARDC_BIND_ABI) "\n"                                                     \
                        "#error \"generated for libcardc binding ABI " GEN_STR(  \
                            CARDC_BIND_ABI) ": regenerate "                      \
                                            "with this libcardc's cardc gen\"\n" \
                                            "#endif\n"

/* ---- Names (names.c) ------------------------------------------------- */

/* A set of taken C identifiers: the names in insertion order, and a hash
 * index over them (open addressing; slots hold index + 1, 0 = empty). A
 * linear scan made a schema of many like-named types cubic: 80% of a
 * fuzz_gen run went to strcmp. */
typedef struct gen_names {
    char **v;
    size_t n, cap;
    size_t *slots;
    size_t nslots; /* a power of two, at least twice n */
} gen_names;

bool gen_names_has(const gen_names *s, const char *name);
int gen_names_add(gen_names *s, const char *name); /* 0, or -1 when out of memory */
void gen_names_free(gen_names *s);

/* snake_case identifier fragment of arbitrary text: ASCII letters and
 * digits kept (camelCase split), non-ASCII code points as uXXXX, anything
 * else '_' (collapsed, trimmed). May be "" (caller supplies a fallback).
 * Returns heap memory. */
char *gen_snake(const char *text, size_t len);
/* Same, upper-case (enumerator fragments). */
char *gen_upper(const char *text, size_t len);
/* True for C11 keywords and names the generated code must not shadow. */
bool gen_is_keyword(const char *name);
/* Model name -> C prefix: last '/' segment, lower-case, non-alnum -> '_',
 * collapsed; leading digit -> "m_"; empty -> "model". Heap. */
char *gen_model_c_name(const char *model_name);

/* ---- Comments and literals (comment.c) ------------------------------- */

/* Appends text as the body of a block comment that nothing in text can
 * end or disturb: no "*" "/", no "/" "*", no trigraphs, no line splices,
 * no control characters; wrapped at `width` columns, each line prefixed
 * with `indent` + " * " (first line already started by the caller with
 * first_prefix). */
void gen_comment_text(strbuf *b, const char *text, const char *indent);
/* A one-line sanitised comment fragment (pointers, names). */
void gen_comment_inline(strbuf *b, const char *text);
/* A C string literal for text[0..len) (escapes quotes, backslashes, '?',
 * control and non-ASCII bytes as octal). */
void gen_c_string(strbuf *b, const char *text, size_t len);
/* Same, split into adjacent literals of about 64 bytes on lines starting
 * with indent (for long texts; the total stays one string). */
void gen_c_string_wrapped(strbuf *b, const char *text, size_t len, const char *indent);
/* Longest string literal gen writes, in source characters: under ISO C's
 * 4,095-character minimum limit (-Woverlength-strings), with room. */
#define GEN_PIECE_MAX 4000
/* text[0..len) as the elements of a NULL-terminated piece list (bind.h,
 * cardc_schema_text): literals of at most GEN_PIECE_MAX characters, wrapped
 * before column 100 (after a comma where one is near), each line starting
 * with indent, then NULL (no trailing comma or newline). Returns the number
 * of pieces. */
size_t gen_c_string_pieces(strbuf *b, const char *text, size_t len, const char *indent);
/* A printf-formatted line of C (a declaration or definition head), wrapped
 * after a comma before column 100, continuation lines indented by 4. */
void gen_line(strbuf *b, const char *fmt, ...) CARDC_PRINTF_(2, 3);

/* ---- IR (ir.c) -------------------------------------------------------- */

typedef struct gen_type gen_type;

typedef struct gen_check {
    cardc_check_op op;
    double number;
    size_t count;
    char *text;       /* heap, or NULL */
    uint16_t *fields; /* heap, or NULL */
    size_t field_count;
    char *keyword; /* schema pointer of the keyword */
} gen_check;

typedef struct gen_field {
    char *json_name; /* heap, UTF-8 */
    size_t json_name_len;
    char *c_name; /* member name */
    gen_type *type;
    bool required;
    bool nullable;      /* bool <c_name>_is_null */
    char *default_json; /* heap or NULL */
    char *description;  /* heap or NULL */
    char *pointer;      /* of the property's schema */
} gen_field;

typedef struct gen_branch {
    char *name;   /* enumerator suffix, upper case */
    char *member; /* union member name */
    gen_type *type;
} gen_branch;

struct gen_type {
    cardc_kind kind;
    unsigned flags;
    char *name;        /* C type name (typedef) or descriptor stem */
    bool named;        /* has a typedef and the public API */
    bool is_struct;    /* named with a struct body (OBJECT, ARRAY, MAP, UNION) */
    char *pointer;     /* JSON Pointer in the side's schema */
    char *description; /* heap or NULL */
    int side;          /* 0 input, 1 output */
    gen_check *checks;
    size_t check_count;
    gen_field *fields;
    size_t field_count;
    gen_type *item; /* ARRAY, MAP values, NUMBERS/byte-array elements */
    gen_branch *branches;
    size_t branch_count;
    char **enum_values; /* heap strings */
    size_t enum_count;
    char **enum_consts; /* enumerator names */
    /* OBJECT: the member keeping what the schema does not name (NULL for
     * closed objects), and its typed map when additionalProperties is a
     * schema (NULL: cardc_members). */
    char *additional_member;
    gen_type *additional;
    char *kind_enum;    /* UNION: name of the kind enum type */
    char **kind_consts; /* UNION: NONE + one per branch */
    bool emitted;       /* emitter bookkeeping */
    bool declared;
};

/* One side of a model. */
typedef struct gen_side {
    const struct json_object *schema; /* borrowed; NULL = no schema */
    char *json;                       /* the side's schema, compact JSON */
    char *source;                     /* "card.md#/json_schema/input" */
    const char *content_type;
    gen_type *root; /* NULL when no schema */
    /* The other documents the schema reached (registry entries, custom
     * meta-schemas; not the built-in ones), in the compiled schema's
     * document order: embedded so the bindings validate without files. */
    char **resource_uris;  /* heap */
    char **resource_jsons; /* heap, compact JSON */
    size_t resource_count;
} gen_side;

typedef struct gen_model {
    char *c_name; /* NAME */
    const char *model_name, *task_name, *task_type, *description;
    const char *card; /* the card's path, for errors */
    const char
        *card_label;       /* what the output names it: as given, or its file name (--strip-path) */
    const char *file_stem; /* the output files are FILE_STEM.h/.c (default: c_name) */
    long long context_window; /* the card's traits */
    bool async_queue;
    cardc_dialect dialect;
    unsigned schema_flags;
    bool schema_mode; /* cardc gen --schema: root type is NAME */
    gen_side sides[2];
    gen_type **types; /* every node, in creation order */
    size_t type_count, type_cap;
    gen_names names; /* file-scope identifiers */
    gen_names stems; /* type names among them */
} gen_model;

/* ---- Typed calls (emit_header.c) -------------------------------------- */

/* True when the card can send NAME_run (both sides typed, not --schema). */
bool gen_model_runs(const gen_model *m);
/* True when the output (or one of its oneOf/anyOf branches) has contentType
 * text/event-stream: NAME_run_stream is emitted. */
bool gen_model_streams(const gen_model *m);

/* Builds the IR of both sides. The schemas must have compiled already.
 * Returns CARDC_OK or CARDC_E_NOMEM. */
cardc_status gen_model_build(gen_model *m, cardc_error *err);
void gen_model_free(gen_model *m);

/* ---- Emitters ---------------------------------------------------------- */

/* C type of a member holding t (NULL for kind NULL); a few words on what
 * it is; "input schema at /pointer" (comment-safe). */
const char *gen_c_type(const gen_type *t);
const char *gen_kind_words(const gen_type *t);
void gen_pointer_comment(strbuf *b, const gen_type *t);

/* Appends NAME.h / NAME.c. */
void gen_emit_header(strbuf *b, gen_model *m);
void gen_emit_source(strbuf *b, gen_model *m);
/* The registry of several models (cardc_models.h / .c). */
void gen_emit_registry_header(strbuf *b, gen_model *const *models, size_t count);
void gen_emit_registry_source(strbuf *b, gen_model *const *models, size_t count);

/* ---- The pipeline (generate.c) --------------------------------------- */

/* What `cardc gen` was asked for (all borrowed). */
typedef struct gen_request {
    const char *const *cards; /* card paths */
    size_t card_count;
    const char *schema;    /* a plain schema file ("-": stdin) instead of cards */
    const char *name;      /* C prefix (needed with schema; one card only) */
    const char *dir;       /* output directory, created if missing */
    const char *file_name; /* stem of the output files instead of the C name (one model) */
    bool strip_path;       /* name the card by its file name only in the output */
    const cardc_schema_options *schema_options; /* dialect, flags, registry; may be NULL */
} gen_request;

/* Loads, checks, builds and writes every model of req. The record is reset
 * on entry and on failure says what and where (file:line:col of the card
 * or schema when known). */
cardc_status gen_generate(const gen_request *req, cardc_error *err);

/* The same pipeline without writing: loads, checks and builds the IR of
 * every model of req (req->dir is not used), for tools that compare or
 * inspect bindings (cardc diff). Ownership: *out is the caller's
 * (gen_run_free); its models borrow from it. The record is reset on entry
 * and filled on failure, as for gen_generate. */
typedef struct gen_run gen_run;
cardc_status gen_run_load(const gen_request *req, gen_run **out, cardc_error *err);
size_t gen_run_count(const gen_run *g);
/* Borrowed; NULL when index is out of range. */
const gen_model *gen_run_model(const gen_run *g, size_t index);
void gen_run_free(gen_run *g); /* NULL is accepted */

/* Writes text to dir/file; CARDC_E_IO with the path on failure. */
cardc_status gen_write_file(const char *dir, const char *file, const strbuf *b, cardc_error *err);

#endif /* CARDC_GEN_H */
