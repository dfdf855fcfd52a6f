/* SPDX-License-Identifier: MIT */
/* Shared by the sample generator's files: the per-attempt context, the
 * schemas that apply at one instance location, break sites. */
#ifndef CARDC_SAMPLE_INTERNAL_H
#define CARDC_SAMPLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "refs.h"
#include "sample.h"

/* One schema that applies, with its evaluation path (keywordLocation of the
 * schema itself, through "$ref"s). loc is owned by the context's arena. */
typedef struct sview {
    const json_object *s;
    const char *loc;
} sview;

typedef struct slist {
    sview *v;
    size_t n, cap;
} slist;

/* JSON types as a set ("number" is T_NUMBER | T_INTEGER). */
enum {
    T_NULL = 1,
    T_BOOL = 2,
    T_OBJECT = 4,
    T_ARRAY = 8,
    T_NUMBER = 16, /* a number with a fraction */
    T_STRING = 32,
    T_INTEGER = 64,
    T_ALL = 127
};

/* ---- patterns (match.c) ---- */
/* Compiled "pattern"s ({"pattern": P} schemas), kept across samples. */
typedef struct rx_cache {
    const char **patterns; /* borrowed from the schema */
    cardc_schema **compiled;
    size_t n, cap;
} rx_cache;
void rx_cache_free(rx_cache *cache);

/* What every attempt shares: the reference index and compiled patterns. */
typedef struct gen_shared {
    ref_index refs;
    rx_cache rx;
} gen_shared;

/* How one keyword can be broken in isolation. */
typedef enum break_kind {
    BREAK_TYPE,       /* a value of a type the keyword refuses */
    BREAK_ENUM,       /* a value of the same type outside enum/const */
    BREAK_MAX_LENGTH, /* param + 1 code points */
    BREAK_MIN_LENGTH, /* param - 1 code points */
    BREAK_MAXIMUM,    /* just above */
    BREAK_MINIMUM,    /* just below */
    BREAK_EX_MAXIMUM, /* equal to the exclusive bound */
    BREAK_EX_MINIMUM,
    BREAK_MULTIPLE_OF,    /* off the grid */
    BREAK_REQUIRED,       /* text: the member removed */
    BREAK_EXTRA_PROPERTY, /* additionalProperties false: a member added */
    BREAK_MAX_ITEMS,      /* an element appended */
    BREAK_MIN_ITEMS,      /* the last element removed */
    BREAK_UNIQUE_ITEMS,   /* the last element replaced by the first */
    BREAK_MAX_PROPERTIES,
    BREAK_MIN_PROPERTIES,
    BREAK_ADD_MEMBER,   /* a member no keyword declares */
    BREAK_ADD_ELEMENT,  /* an element appended (items beyond a tuple) */
    BREAK_CONTAINS,     /* every element removed */
    BREAK_MAX_CONTAINS, /* the first element repeated */
    BREAK_REPLACE       /* the site's value instead (a value "not" refuses) */
} break_kind;

typedef struct site {
    break_kind kind;
    const char *instance; /* JSON Pointer, arena */
    const char *keyword;  /* keywordLocation, arena */
    const char *text;     /* member name for REQUIRED; arena or NULL */
    double param;
    bool integer;       /* the value must stay an integer (type integer) */
    json_object *value; /* BREAK_REPLACE: the replacement; BREAK_MAX_ITEMS: an
                         * element to append (owned; NULL is JSON null) */
    bool has_value;     /* value is set */
} site;

typedef struct gen_ctx {
    const json_object *root;
    gen_shared *shared;
    uint64_t rng;
    unsigned index, attempt, decision;
    int mode; /* 0 smallest, 1 largest, 2 random */
    int depth;
    bool huge;       /* lengths may reach bounds far above FREE_SPAN */
    bool huge_break; /* a maxLength far above FREE_SPAN may be broken (one in 8) */
    bool exclude;    /* make values fail the oneOf branches not chosen */
    bool failed;
    char reason[512];
    char reason_loc[512];
    site *sites;
    size_t n_sites, cap_sites;
    char **arena;
    size_t n_arena, cap_arena;
} gen_ctx;

/* ---- context (context.c) ---- */
void ctx_init(gen_ctx *c, const json_object *root, gen_shared *shared, uint64_t seed,
              unsigned index, unsigned attempt);
void ctx_free(gen_ctx *c);
uint64_t ctx_rand(gen_ctx *c);
/* A choice among n (n >= 1): the first attempts walk the choices in order
 * (each enum value and branch shows up within n samples), later ones are
 * random. */
size_t ctx_choose(gen_ctx *c, size_t n);
/* printf into the arena; NULL (and c->failed) when out of memory. */
const char *ctx_fmt(gen_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* parent + "/" + escaped token (JSON Pointer). */
const char *ctx_ptr(gen_ctx *c, const char *parent, const char *token);
/* Marks the attempt failed with a reason located at loc (first one kept). */
void ctx_fail(gen_ctx *c, const char *loc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A new break site (NULL when out of memory or a location is missing). */
site *ctx_site(gen_ctx *c, break_kind kind, const char *instance, const char *keyword,
               double param);
site *ctx_last_site(gen_ctx *c);

/* ---- schema views (expand.c) ---- */
/* Adds s and everything that applies with it (allOf, "$ref"s resolved as
 * the validator does, one chosen oneOf/anyOf branch, if/then/else) to l. */
void expand(gen_ctx *c, slist *l, const json_object *s, const char *loc);
void slist_free(slist *l);
/* The first view carrying keyword kw, or NULL; *loc its location. */
const json_object *slist_find(const slist *l, const char *kw, const char **loc);

/* ---- values (value.c, strings.c) ---- */
/* A value every schema of l accepts (as far as construction goes; the
 * validator decides), or NULL with c->failed. */
json_object *gen_value(gen_ctx *c, const slist *l, const char *instance);
json_object *gen_string(gen_ctx *c, const slist *l, const char *instance);
json_object *gen_number(gen_ctx *c, const slist *l, const char *instance, bool integer);
json_object *gen_object(gen_ctx *c, const slist *l, const char *instance);
json_object *gen_array(gen_ctx *c, const slist *l, const char *instance);
/* A value built from l whose break sites and failure are dropped: a value
 * to break something with (it need not exist). *ok says whether one was
 * built (NULL is also JSON null). */
json_object *gen_detached(gen_ctx *c, const slist *l, const char *instance, bool *ok);
/* The JSON types a "type" value names (T_*), 0 for none. */
unsigned type_mask(const json_object *t);
/* A value of a type outside mask, or NULL when only null is left (which
 * json-c represents as NULL too: callers check the mask). */
json_object *value_outside(unsigned mask);
/* Follows a schema's "$ref" chain (a few steps) to the schema it names. */
const json_object *follow_refs(gen_ctx *c, const json_object *s);
/* n code points, multi-byte ones mixed in; heap. */
char *gen_text(gen_ctx *c, size_t n);
/* A string matching an ECMA-262 pattern (a practical subset), or NULL with
 * the reason in c (regex.c). Heap. */
char *gen_regex(gen_ctx *c, const char *pattern, const char *loc);
/* Whether s matches pattern, as the validator says: 1, 0, or -1 when the
 * pattern does not compile or matching failed (match.c). */
int rx_matches(gen_ctx *c, const char *pattern, const char *s);
size_t utf8_length(const char *s);

/* ---- breaking (break.c) ---- */
/* Applies site to a copy of valid into *out (NULL is JSON null); false
 * when it cannot. */
bool break_apply(const site *st, const json_object *valid, json_object **out);

#endif /* CARDC_SAMPLE_INTERNAL_H */
