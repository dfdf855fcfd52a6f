/* SPDX-License-Identifier: MIT */
/* Private: shared pieces of the binding engine (bind_*.c). */
#ifndef CARDC_BIND_INTERNAL_H
#define CARDC_BIND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cardc/bind.h"
#include "common/stack_guard.h"
#include "common/strbuf.h"

/* Storage helpers: descriptors address members by byte offset. */
#define BIND_AT(base, off)  ((void *)((char *)(base) + (off)))
#define BIND_CAT(base, off) ((const void *)((const char *)(base) + (off)))

/* { T *items; size_t count; }, the layout of ARRAY and MAP values. */
typedef struct bind_vec {
    void *items;
    size_t count;
} bind_vec;

/* { int kind; union u; } */
static inline int bind_union_kind(const void *v)
{
    int k;
    memcpy(&k, v, sizeof k);
    return k;
}

/* A field's members (bind.h): offsets a field does not have are not read. */
static inline bool bind_field_stored(const cardc_field *f)
{
    return f->type && f->type->kind != CARDC_KIND_NULL;
}

/* The has_x flag of an optional field; a required one is always there. */
static inline bool bind_field_has(const cardc_field *f, const void *obj)
{
    bool has = true;
    if (!f->required)
        memcpy(&has, BIND_CAT(obj, f->has_offset), sizeof has);
    return has;
}

/* The x_is_null flag of a nullable field. */
static inline bool bind_field_is_null(const cardc_field *f, const void *obj)
{
    bool is_null = false;
    if (f->nullable)
        memcpy(&is_null, BIND_CAT(obj, f->null_offset), sizeof is_null);
    return is_null;
}

/* ---- values (bind_value.c) ---- */

/* Frees what *v owns without zeroing the top-level storage's other bytes. */
void cardc__bind_release(const cardc_type *t, void *v);

/* ---- blocks kept for reuse by a decode (bind_recycle.c) ---- */

/* One list per power of two of a kept block's usable size, up to 64 KB.
 * Zeroed, it is empty; it owns what it holds until drained. */
#define BIND_RECYCLE_CLASSES 17
typedef struct bind_recycle {
    struct kept *head[BIND_RECYCLE_CLASSES];
    unsigned used; /* bit i: head[i] holds a block */
} bind_recycle;

/* Takes block (malloc'd, or NULL): kept in r, or freed. */
void cardc__bind_recycle_put(bind_recycle *r, void *block);
/* A block of at least n bytes, from r or malloc; the caller owns it (free
 * or realloc it as any malloc'd block); NULL when out of memory. */
void *cardc__bind_recycle_get(bind_recycle *r, size_t n);
/* A kept block of at least n bytes (its size in *usable), or NULL: none
 * is kept that fits. */
void *cardc__bind_recycle_take(bind_recycle *r, size_t n, size_t *usable);
/* Frees every block r keeps. */
void cardc__bind_recycle_drain(bind_recycle *r);
/* cardc__bind_release, giving the freed blocks to r (NULL: to free). */
void cardc__bind_release_to(const cardc_type *t, void *v, bind_recycle *r);

/* ---- inline checks (bind_check.c) ----
 * Each returns 1 when the value passes, 0 when the schema rejects it. A
 * check the engine does not decide itself (pattern, format, const, enum
 * literals, uniqueItems, non-integer multipleOf) sets *defer: the caller
 * then asks the validator, which is the reference. */
int cardc__bind_check_int(const cardc_type *t, int64_t v, int *defer);
int cardc__bind_check_number(const cardc_type *t, double v, int *defer);
/* s[0..len) must already be valid UTF-8. */
int cardc__bind_check_string(const cardc_type *t, const char *s, size_t len, int *defer);
/* Item/property counts; uniqueItems defers. */
int cardc__bind_check_count(const cardc_type *t, size_t count, int *defer);
/* not {required}, dependentRequired over a presence map (present[i] for
 * field i). */
int cardc__bind_check_presence(const cardc_type *t, const unsigned char *present);
/* Index (0-based) of s in an ENUM's values, or -1. */
int cardc__bind_enum_index(const cardc_type *t, const char *s, size_t len);

/* Could a value of type t start with a token of class cls (null 1, bool 2,
 * number 3, string 4, array 5, object 6)? Unions ask their branches. */
int cardc__bind_admits_class(const cardc_type *t, int cls);

/* Walks a hand-built value: 1 passes, 0 the schema rejects it (the
 * validator then explains), -1 the value is structurally broken (err
 * filled: union kind out of range, NULL data with a length, bad UTF-8...).
 * *defer as above; also set for RESIDUAL types. */
int cardc__bind_check_value(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                            strbuf *path, stack_guard *stk);

/* ---- decoding (bind_decode.c) ---- */

/* Sets the absent optional fields of OBJECT *v that have a default (has_x
 * set), and, for init, recurses into required object members. */
cardc_status cardc__bind_apply_defaults(const cardc_type *t, void *v, int recurse,
                                        cardc_error *err);

/* ---- encoding (bind_encode.c) ---- */

/* Appends v as compact JSON. Returns 0, or -1 with err filled for values
 * that have no JSON form (NaN, invalid UTF-8, broken structure). */
int cardc__bind_write(strbuf *b, const cardc_type *t, const void *v, cardc_error *err, strbuf *path,
                      stack_guard *stk);

/* ---- the validator (bind_diag.c) ---- */

/* Per call: t's subschema compiled for the call when t's side has no
 * cardc_schema_cache (descriptors written by hand); unused otherwise. */
typedef struct bind_diag {
    struct cardc_registry *registry;
    struct json_object *doc;
    size_t ncompiled;
    /* CARDC__JSON_* flags the text is parsed again with: a decoder that
     * refuses duplicate keys has them refused here too, so its rejection
     * says what the parser says (fuzz_cards found it explained by the
     * schema instead). */
    unsigned json_flags;
    struct {
        const char *pointer;
        struct cardc_schema *schema;
    } compiled[8]; /* last: only the first ncompiled are read */
} bind_diag;

/* Every decode and encode has one, and most never use it: the array is
 * left as it is (zeroing all of it was 26 of bench_decode small's 4,952
 * instructions). */
static inline void cardc__bind_diag_init(bind_diag *d)
{
    memset(d, 0, offsetof(bind_diag, compiled));
}

void cardc__bind_diag_free(bind_diag *d);

/* The side's schema document (parsed from t->schema) and the registry it
 * compiles against (its embedded resources, and itself for subschemas).
 * Ownership: both the caller's, NULL on failure (err filled). */
cardc_status cardc__bind_side_load(const cardc_type *t, struct json_object **doc,
                                   struct cardc_registry **registry, cardc_error *err);
/* Compiles t's subschema (t->pointer) of doc. Ownership: the caller's; doc
 * and registry must outlive it. NULL on failure (err filled). */
struct cardc_schema *cardc__bind_side_compile(const cardc_type *t, struct json_object *doc,
                                              const struct cardc_registry *registry,
                                              cardc_error *err);

/* ---- the compiled schemas of a side, kept (bind_cache.c) ---- */

/* t's subschema compiled once, from t->schema->cache (which must be set):
 * built on first use, then shared by every thread and every call. Owned by
 * the cache (cardc_bind_cleanup frees it). NULL on failure (err filled). */
struct cardc_schema *cardc__bind_cache_schema(const cardc_type *t, cardc_error *err);
/* A result for explaining a rejection when the caller gave none: the side's
 * spare (NULL when there is none, or t's side has no cache: make one), and
 * back to the side after use (or freed, when another is already there).
 * Thread-safe. */
struct cardc_result *cardc__bind_cache_take_result(const cardc_type *t);
void cardc__bind_cache_give_result(const cardc_type *t, struct cardc_result *r);

/* Validates text[0..len) against t's subschema. Returns 1 valid, 0 invalid
 * (result, if given, holds the errors), -1 on failure (err filled: malformed
 * text, schema problem, memory). */
int cardc__bind_validate_text(bind_diag *d, const cardc_type *t, const char *text, size_t len,
                              cardc_result *result, int max_depth, cardc_error *err);

/* The engine rejected text[0..len): asks the validator why and fills err
 * (first error: instance pointer, line/column, message) and `result`.
 * Returns CARDC_E_INVALID, CARDC_E_JSON for malformed text, or the
 * validator's failure; when the validator accepts what the engine rejected
 * it reports the disagreement as an internal error (CARDC_E_INVALID),
 * unless the rejection was `provisional` (a decode cut short, dctx): then
 * CARDC_OK, err untouched, and the caller decodes the text whole. */
cardc_status cardc__bind_explain(bind_diag *d, const cardc_type *t, const char *text, size_t len,
                                 const char *source, cardc_result *result, int max_depth,
                                 int provisional, cardc_error *err);

/* Marks result as the outcome of a passing validation (no validator ran:
 * the inline checks decided). */
void cardc__bind_result_valid(cardc_result *result);

/* Appends "/" and an escaped reference token to an instance path. */
static inline void bind_path_push(strbuf *path, const char *seg, size_t len)
{
    strbuf_add(path, "/", 1);
    strbuf_pointer_token(path, seg, len);
}

#endif
