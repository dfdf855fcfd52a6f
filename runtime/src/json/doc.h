/* SPDX-License-Identifier: MIT */
/* doc.h: cardc's own read-only JSON document, the one the validator walks
 * (private).
 *
 * Why not json-c's tree. json-c allocates a heap node per value (about 50
 * bytes, plus a hash table per object and a copy of every string) and frees
 * it recursively; the validator's hot loops then chase a pointer per value
 * and call into json-c for its type. Measured on this machine (2-core EPYC,
 * 2026-12-04, release build), with json-c as the validator's document:
 *   - text to verdict ran at 15.8 MB/s on image-1mb (1,048,576 numbers)
 *     against 96 MB/s for Node JSON.parse + ajv; json-c's parse alone took
 *     65 ms and 85 MB (23x the text) where a digit-scanning loop takes 4.6 ms;
 *   - the real-world set (../shared/jsonschema-benchmark) validated at a
 *     geometric mean of 1.73x Blaze's time, whose DOM stores each key's hash
 *     beside it; the member lookups through json-c's lh_table (a strcmp per
 *     probe, the key's length unknown) were the largest share of importmap's
 *     profile (5.0x Blaze).
 * With this document and the engine on it (callgrind instruction counts,
 * `bench_realworld --profile 1` under `valgrind --tool=callgrind
 * --toggle-collect=profile_passes`, 2026-12-07, against the json-c tree
 * and engine of 2026-12-04):
 *   - text to verdict on the real-world set: 0.12x the instructions
 *     (geometric mean of the 17 schemas; importmap 68,091 -> 5,217 per
 *     instance, cmake-presets 549,010 -> 70,098);
 *   - validation of an already parsed document: 0.28x;
 *   - image-1mb: parsed in 3.4 ms where a plain digit-scanning loop took
 *     6.9 ms in the same run (json-c: 65 ms, 85 MB), text to verdict at
 *     ~740 MB/s with 0.26x the text's size of memory at its peak.
 *
 * Layout. One array of 16-byte slots in document order (pre-order, like
 * yyjson's and simdjson's tapes): a container's slot is followed by its
 * children, and records how many slots its subtree spans, so skipping a
 * value is one addition and nothing is ever freed piecewise. An object's
 * members are a DK_KEY slot (the key's bytes, length and precomputed hash)
 * followed by the value's subtree. Strings point into the caller's text
 * when they have no escapes (DF_TEXT: no copy), or into the document's own
 * byte buffer. An array whose elements are all integers 0..255 (image
 * bytes) is one DK_BYTES slot over a byte run in that buffer: 1 byte per
 * element instead of 16. Every value slot keeps its byte offset in the
 * text, so errors get line:column without a second parse.
 *
 * Values match what cardc_json_parse (json-c) stores, so cardc_validate on
 * a json-c tree and cardc_validate_text on its text give the same errors:
 * integers beyond 64 bits saturate as json-c's do, a lone surrogate escape
 * becomes U+FFFD, a key is cut at an escaped U+0000 (json-c keys are C
 * strings), and a repeated key keeps its first position with the last value
 * (json-c replaces the value in place). fuzz/fuzz_doc.c holds the two to
 * the same values and verdicts.
 */
#ifndef CARDC_DOC_H
#define CARDC_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cardc/error.h"

struct json_object;

/* Value kinds. */
enum {
    DK_NULL,
    DK_FALSE,
    DK_TRUE,
    DK_INT,    /* u.i */
    DK_UINT,   /* u.u, above INT64_MAX (json-c's uint64) */
    DK_DOUBLE, /* u.d */
    DK_STRING, /* u.s */
    DK_ARRAY,  /* u.c; children follow */
    DK_OBJECT, /* u.c; DK_KEY + value per member follow */
    DK_BYTES,  /* an array of integers 0..255: u.b */
    DK_KEY     /* a member name: u.s, its hash in `off` */
};

/* JSON Schema type bits of a value, what "type" tests ("integer" is also
 * set for a double with no fraction). Equal to the schema compiler's T_*. */
enum {
    DT_NULL = 1u << 0,
    DT_BOOLEAN = 1u << 1,
    DT_OBJECT = 1u << 2,
    DT_ARRAY = 1u << 3,
    DT_NUMBER = 1u << 4,
    DT_STRING = 1u << 5,
    DT_INTEGER = 1u << 6
};

/* Slot flags. */
enum {
    DF_TEXT = 1u << 0,   /* string/key bytes are in the text (else own bytes) */
    DF_ASCII = 1u << 1,  /* string: every byte < 0x80 (code points = bytes) */
    DF_UTF8 = 1u << 2,   /* string: checked well-formed UTF-8 */
    DF_SCALARS = 1u << 3 /* array: every element is one slot (index in O(1)) */
};

typedef struct cardc_dval {
    uint8_t kind;   /* DK_* */
    uint8_t types;  /* DT_* */
    uint16_t flags; /* DF_* */
    uint32_t off;   /* byte offset in the text (DK_KEY: the key's hash) */
    union {
        int64_t i;
        uint64_t u;
        double d;
        struct {
            uint32_t at, len; /* bytes at base[flags & DF_TEXT] + at */
        } s;
        struct {
            uint32_t n;    /* elements, or members */
            uint32_t size; /* slots of the subtree, this one included */
        } c;
        struct {
            uint32_t at, n; /* n bytes at own bytes + at */
        } b;
    } u;
} cardc_dval;

/* A document: slots v[0..n) (v[0] the root) and the bytes they point to.
 * Reusable: parsing into a document that held another keeps its buffers. */
typedef struct cardc_doc {
    cardc_dval *v;
    size_t n, cap;
    char *own; /* decoded strings and byte runs */
    size_t nown, capown;
    /* base[0] = own, base[1] = the text: a string's bytes are
     * base[flags & DF_TEXT] + at (DF_TEXT is bit 0). */
    const char *base[2];
    size_t len; /* of the text */
    /* cardc__doc_from_json(keep_src): the json-c value of each slot (values
     * only; NULL for keys), so a validation can fill defaults into the tree
     * it was given. NULL otherwise. */
    struct json_object **src;
    size_t capsrc;
} cardc_doc;

/* Parsing options (cardc__doc_parse). */
enum {
    /* Refuse a repeated member name (default: the last value wins). */
    CARDC__DOC_REJECT_DUPLICATES = 1u << 0
};

/* An empty document (no allocation). */
void cardc__doc_init(cardc_doc *doc);
/* Frees the buffers; the document is empty again. NULL is accepted. */
void cardc__doc_release(cardc_doc *doc);

/* Parses text[0..len) into doc (its previous content is dropped, its
 * buffers reused): exactly one value, strict RFC 8259, valid UTF-8, at most
 * max_depth nested arrays/objects (<= 0: CARDC_JSON_DEFAULT_MAX_DEPTH; at
 * most CARDC_JSON_MAX_DEPTH_CEILING), flags CARDC__DOC_*. Errors are those
 * of cardc_json_parse, at the same line:column with the same message, with
 * `source` (NULL: "<string>") as their file. The document borrows text: it
 * must outlive every use of doc. */
cardc_status cardc__doc_parse_into(cardc_doc *doc, const char *text, size_t len, const char *source,
                                   int max_depth, unsigned flags, cardc_error *err);

/* The same into a new heap document. Ownership: *out is the caller's,
 * release with cardc__doc_free(); it borrows text. */
cardc_status cardc__doc_parse(const char *text, size_t len, const char *source, int max_depth,
                              unsigned flags, cardc_doc **out, cardc_error *err);
/* NULL is accepted. */
void cardc__doc_free(cardc_doc *doc);

/* Builds doc from a json-c value (NULL is JSON null), copying its strings:
 * the document does not borrow the tree (except through doc->src, filled
 * when keep_src). Offsets are 0. Returns CARDC_OK or CARDC_E_NOMEM (or
 * CARDC_E_LIMIT past 4 GiB of strings or slots). */
cardc_status cardc__doc_from_json(cardc_doc *doc, const struct json_object *value, bool keep_src);

/* The key hash, as stored in DK_KEY slots: schema keys are hashed the same
 * way at compile time. */
static inline uint32_t cardc__doc_hash(const char *s, size_t n)
{
    /* 8 bytes per step; a final multiply-xorshift spreads every input bit
     * into the low bits the lookup tables index by. */
    uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    if (n >= 4) { /* the last 1-7 bytes as two overlapping words: no memcpy call */
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        h = (h ^ (a | (uint64_t)b << 32)) * 0xBF58476D1CE4E5B9u;
    } else if (n) {
        const unsigned char *u = (const unsigned char *)s;
        h = (h ^ (u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16)) * 0xBF58476D1CE4E5B9u;
    }
    h ^= h >> 29;
    h *= 0x94D049BB133111EBu;
    h ^= h >> 32;
    return (uint32_t)h;
}

/* ---- reading ---- */

/* Slots spanned by v's subtree. */
static inline uint32_t cardc__dsize(const cardc_dval *v)
{
    return v->kind == DK_ARRAY || v->kind == DK_OBJECT ? v->u.c.size : 1u;
}

/* The bytes of a string or key. */
static inline const char *cardc__dstr(const cardc_doc *d, const cardc_dval *v)
{
    return d->base[v->flags & DF_TEXT] + v->u.s.at;
}

/* Elements of an array, members of an object, bytes of DK_BYTES. */
static inline size_t cardc__dcount(const cardc_dval *v)
{
    return v->kind == DK_BYTES ? v->u.b.n : v->u.c.n;
}

/* Array element i (DK_ARRAY or DK_BYTES); a DK_BYTES element is built in
 * *tmp. Linear in i unless DF_SCALARS. */
const cardc_dval *cardc__darray_at(const cardc_doc *d, const cardc_dval *arr, size_t i,
                                   cardc_dval *tmp);

/* Whether a[0..n) and b[0..n) are the same bytes: member names are short,
 * and a call to memcmp cost more than comparing them (cmake-presets: 6% of
 * its validation was memcmp's entry). Words, the last one overlapping. */
static inline bool cardc__same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        if (u != v)
            return false;
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return u == v;
    }
    return n == 0 || (a[0] == b[0] && (n < 2 || (a[1] == b[1] && (n < 3 || a[2] == b[2]))));
}

/* An object's member named s[0..n) with hash h (cardc__doc_hash), or NULL. */
static inline const cardc_dval *cardc__dobject_get(const cardc_doc *d, const cardc_dval *obj,
                                                   const char *s, size_t n, uint32_t h)
{
    const cardc_dval *k = obj + 1;
    for (uint32_t m = 0; m < obj->u.c.n; m++) {
        if (k->off == h && k->u.s.len == n && cardc__same_bytes(cardc__dstr(d, k), s, n))
            return k + 1;
        k += 1 + cardc__dsize(k + 1);
    }
    return NULL;
}

/* The number of a DK_INT/DK_UINT/DK_DOUBLE as a long double. */
static inline long double cardc__dnum(const cardc_dval *v)
{
    return v->kind == DK_INT    ? (long double)v->u.i
           : v->kind == DK_UINT ? (long double)v->u.u
                                : (long double)v->u.d;
}

/* Byte offset in the text of the value at JSON Pointer `pointer` below v
 * (the nearest existing ancestor's when it does not resolve, as
 * cardc_json_locate does); text is the parsed text. */
size_t cardc__doc_offset(const cardc_doc *d, const cardc_dval *v, const char *pointer,
                         const char *text);

/* JSON equality of a (in da) and b (in db): 1 == 1.0, members in any order,
 * a byte array equal to the same numbers in a plain array. */
bool cardc__dequal(const cardc_doc *da, const cardc_dval *a, const cardc_doc *db,
                   const cardc_dval *b);
/* A hash equal for equal values (cardc__dequal). */
uint64_t cardc__dhash(const cardc_doc *d, const cardc_dval *v);

/* Whether v holds the same values as the json-c value o (NULL: null), in
 * the same member order: what fuzz/fuzz_doc.c and the JSONTestSuite runner
 * check. Numbers compare bit for bit. */
bool cardc__doc_same_as_json(const cardc_doc *d, const cardc_dval *v, const struct json_object *o);

/* The parity both of them check, in one place: cardc_json_parse's parser and
 * the document's on text[0..len) (repeated keys refused with
 * CARDC__DOC_REJECT_DUPLICATES in flags). Their verdicts must agree; then,
 * accepted, the values (cardc__doc_same_as_json, and the document's slot
 * count), or, refused, the errors (line, column, message, source). Returns
 * NULL when all agree, else what differs, with both verdicts and errors in
 * *p. The json-c tree is p->tree (the caller json_object_put()s it). */
typedef struct cardc_doc_parity {
    cardc_status json_status, doc_status;
    cardc_error json_error, doc_error;
    struct json_object *tree;
} cardc_doc_parity;
const char *cardc__doc_parity(const char *text, size_t len, const char *source, int max_depth,
                              unsigned flags, cardc_doc_parity *p);

#endif /* CARDC_DOC_H */
