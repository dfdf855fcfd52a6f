/* SPDX-License-Identifier: MIT */
/* doc.c: reading the validation document (doc.h), and building one from a
 * json-c tree for cardc_validate.
 *
 * json-c in, through a copy: cardc_validate(json_object) copies the tree
 * into a document and runs the one engine on it. An adapter would have the
 * engine read json-c directly: a second accessor behind every value the
 * hot loops touch (or a second engine), where the document's precomputed
 * types and member hashes are what make the engine fast. Measured
 * (callgrind, bench_realworld --mode jsonc against --mode doc, 2026-12-07):
 * the copy costs 12 to 80 instructions per value (json-c's accessor calls,
 * strlen, the string copies), so validating a json-c tree takes 0.86x the
 * instructions of the json-c engine it replaces over the real-world set
 * (geometric mean; 0.28x for the large schemas' instances, up to 2.3x for
 * importmap's small ones: 1,792 -> 4,142 per instance), while text to
 * verdict takes 0.12x. The fast way in is cardc_validate_text.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json/doc.h"
#include "json/json_internal.h"

const cardc_dval *cardc__darray_at(const cardc_doc *d, const cardc_dval *arr, size_t i,
                                   cardc_dval *tmp)
{
    const cardc_dval *v;
    if (arr->kind == DK_BYTES) {
        memset(tmp, 0, sizeof *tmp);
        tmp->kind = DK_INT;
        tmp->types = DT_NUMBER | DT_INTEGER;
        tmp->u.i = (unsigned char)d->base[0][arr->u.b.at + i];
        return tmp;
    }
    if (arr->flags & DF_SCALARS)
        return arr + 1 + i;
    for (v = arr + 1; i > 0; i--)
        v += cardc__dsize(v);
    return v;
}

/* ---- from json-c ---- */

typedef struct build_frame {
    struct json_object *obj;
    struct lh_entry *next; /* objects: the next member */
    size_t idx, len;       /* arrays: the next element, the length */
    uint32_t slot;
} build_frame;

typedef struct builder {
    cardc_doc *d;
    bool keep_src;
    build_frame *st;
    size_t depth, cap;
    cardc_status st_code;
    build_frame small[16];
} builder;

static cardc_dval *add_slot(builder *b)
{
    cardc_doc *d = b->d;
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 64;
        cardc_dval *v;
        if (nc > UINT32_MAX) {
            b->st_code = CARDC_E_LIMIT;
            return NULL;
        }
        if (!(v = realloc(d->v, nc * sizeof *v))) {
            b->st_code = CARDC_E_NOMEM;
            return NULL;
        }
        d->v = v;
        d->cap = nc;
    }
    if (b->keep_src && d->capsrc < d->cap) {
        struct json_object **s = realloc(d->src, d->cap * sizeof *s);
        if (!s) {
            b->st_code = CARDC_E_NOMEM;
            return NULL;
        }
        d->src = s;
        d->capsrc = d->cap;
    }
    memset(&d->v[d->n], 0, sizeof d->v[0]);
    if (b->keep_src)
        d->src[d->n] = NULL;
    return &d->v[d->n++];
}

/* Copies s[0..n) into the own bytes; sets at and len. The string flags
 * stay 0 (not known to be UTF-8): json-c strings built through its API may
 * be anything, and the validator checks the few it counts or matches. */
static bool add_bytes(builder *b, cardc_dval *v, const char *s, size_t n)
{
    cardc_doc *d = b->d;
    if (d->capown - d->nown < n) {
        size_t nc = d->capown ? d->capown : 256;
        char *o;
        while (nc - d->nown < n)
            nc *= 2;
        if (nc > UINT32_MAX) {
            b->st_code = CARDC_E_LIMIT;
            return false;
        }
        if (!(o = realloc(d->own, nc))) {
            b->st_code = CARDC_E_NOMEM;
            return false;
        }
        d->own = o;
        d->capown = nc;
    }
    if (n)
        memcpy(d->own + d->nown, s, n);
    v->u.s.at = (uint32_t)d->nown;
    v->u.s.len = (uint32_t)n;
    d->nown += n;
    return true;
}

static bool push_frame(builder *b, struct json_object *obj, uint32_t slot)
{
    if (b->depth == b->cap) {
        size_t nc = b->cap * 2;
        build_frame *s =
            b->st == b->small ? malloc(nc * sizeof *s) : realloc(b->st, nc * sizeof *s);
        if (!s) {
            b->st_code = CARDC_E_NOMEM;
            return false;
        }
        if (b->st == b->small)
            memcpy(s, b->small, sizeof b->small);
        b->st = s;
        b->cap = nc;
    }
    build_frame *f = &b->st[b->depth++];
    memset(f, 0, sizeof *f);
    f->obj = obj;
    f->slot = slot;
    if (json_object_is_type(obj, json_type_object))
        f->next = json_object_get_object(obj)->head;
    else
        f->len = json_object_array_length(obj);
    return true;
}

/* Appends the slot of one json-c value (a container is opened: its
 * children follow). */
static bool add_value(builder *b, struct json_object *o)
{
    cardc_dval *v = add_slot(b);
    if (!v)
        return false;
    if (b->keep_src)
        b->d->src[b->d->n - 1] = o;
    switch (json_object_get_type(o)) {
    case json_type_null: v->kind = DK_NULL, v->types = DT_NULL; break;
    case json_type_boolean:
        v->kind = json_object_get_boolean(o) ? DK_TRUE : DK_FALSE;
        v->types = DT_BOOLEAN;
        break;
    case json_type_int: {
        int64_t i = json_object_get_int64(o);
        v->types = DT_NUMBER | DT_INTEGER;
        if (i == INT64_MAX && json_object_get_uint64(o) > (uint64_t)INT64_MAX) {
            v->kind = DK_UINT;
            v->u.u = json_object_get_uint64(o);
        } else {
            v->kind = DK_INT;
            v->u.i = i;
        }
        break;
    }
    case json_type_double:
        v->kind = DK_DOUBLE;
        v->u.d = json_object_get_double(o);
        v->types = DT_NUMBER;
        if (isfinite(v->u.d) && v->u.d == floor(v->u.d))
            v->types |= DT_INTEGER;
        break;
    case json_type_string:
        v->kind = DK_STRING;
        v->types = DT_STRING;
        return add_bytes(b, v, json_object_get_string(o), (size_t)json_object_get_string_len(o));
    case json_type_array:
    case json_type_object:
        v->kind = json_object_is_type(o, json_type_array) ? DK_ARRAY : DK_OBJECT;
        v->types = v->kind == DK_ARRAY ? DT_ARRAY : DT_OBJECT;
        return push_frame(b, o, (uint32_t)(b->d->n - 1));
    }
    return true;
}

/* Closes the innermost container. */
static void close_frame(builder *b)
{
    build_frame *f = &b->st[--b->depth];
    cardc_dval *v = &b->d->v[f->slot];
    v->u.c.size = (uint32_t)(b->d->n - f->slot);
    if (v->kind == DK_ARRAY) {
        v->u.c.n = (uint32_t)f->len;
        if (v->u.c.size == v->u.c.n + 1)
            v->flags |= DF_SCALARS;
    }
}

cardc_status cardc__doc_from_json(cardc_doc *doc, const struct json_object *value, bool keep_src)
{
    builder b;

    doc->n = doc->nown = 0;
    doc->len = 0;
    b.d = doc;
    b.keep_src = keep_src;
    b.st = b.small;
    b.depth = 0;
    b.cap = sizeof b.small / sizeof b.small[0];
    b.st_code = CARDC_OK;
    if (!keep_src && doc->src) {
        free(doc->src);
        doc->src = NULL;
        doc->capsrc = 0;
    }
    if (add_value(&b, (struct json_object *)(uintptr_t)value)) {
        while (b.depth > 0) {
            build_frame *f = &b.st[b.depth - 1];
            cardc_dval *k;
            if (f->next) {
                struct lh_entry *e = f->next;
                const char *name = (const char *)e->k;
                f->next = e->next;
                doc->v[f->slot].u.c.n++;
                if (!(k = add_slot(&b)))
                    break;
                k->kind = DK_KEY;
                k->types = DT_STRING;
                if (!add_bytes(&b, k, name, strlen(name)))
                    break;
                k->off = cardc__doc_hash(name, k->u.s.len);
                if (!add_value(&b, (struct json_object *)(uintptr_t)e->v))
                    break;
            } else if (f->idx < f->len) {
                if (!add_value(&b, json_object_array_get_idx(f->obj, f->idx++)))
                    break;
            } else {
                close_frame(&b);
            }
        }
    }
    if (b.st != b.small)
        free(b.st);
    doc->base[0] = doc->own ? doc->own : ""; /* "" + 0, never NULL + 0 */
    doc->base[1] = NULL;
    if (b.st_code != CARDC_OK)
        doc->n = 0;
    return b.st_code;
}

/* ---- positions ---- */

/* The next token of a JSON Pointer at *p ('/' first), unescaped into buf
 * (size cap); its length, or -1 when the pointer ends or the token is too
 * long to look up. */
static long next_token(const char **p, char *buf, size_t cap)
{
    const char *s = *p;
    size_t n = 0;
    if (*s != '/')
        return -1;
    for (s++; *s && *s != '/'; s++) {
        char c = *s;
        if (c == '~' && (s[1] == '0' || s[1] == '1'))
            c = *++s == '0' ? '~' : '/';
        if (n + 1 >= cap)
            return -1;
        buf[n++] = c;
    }
    *p = s;
    return (long)n;
}

/* Offset of element i of the byte array arr in the text. */
static size_t byte_offset(const char *text, size_t len, const cardc_dval *arr, size_t i)
{
    size_t k = arr->off + 1;
    while (k < len && i > 0) {
        if (text[k] == ',')
            i--;
        k++;
    }
    while (k < len && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r'))
        k++;
    return k;
}

size_t cardc__doc_offset(const cardc_doc *d, const cardc_dval *v, const char *pointer,
                         const char *text)
{
    char tok[1024];
    long n;
    while ((n = next_token(&pointer, tok, sizeof tok)) >= 0) {
        char *end;
        unsigned long i;
        if (v->kind == DK_OBJECT) {
            const cardc_dval *m =
                cardc__dobject_get(d, v, tok, (size_t)n, cardc__doc_hash(tok, (size_t)n));
            if (!m)
                break;
            v = m;
            continue;
        }
        if (v->kind != DK_ARRAY && v->kind != DK_BYTES)
            break;
        tok[n] = '\0';
        i = strtoul(tok, &end, 10);
        if (!n || *end || (n > 1 && tok[0] == '0') || i >= cardc__dcount(v))
            break;
        if (v->kind == DK_BYTES)
            return byte_offset(text, d->len, v, i);
        cardc_dval tmp;
        v = cardc__darray_at(d, v, i, &tmp);
    }
    return v->off;
}

/* ---- comparison with json-c (tests and fuzzing) ---- */

static bool same_number(const cardc_dval *v, struct json_object *o)
{
    if (json_object_is_type(o, json_type_double)) {
        double x = json_object_get_double(o);
        return v->kind == DK_DOUBLE &&
               (memcmp(&x, &v->u.d, sizeof x) == 0 || (x != x && v->u.d != v->u.d));
    }
    int64_t i = json_object_get_int64(o);
    if (i == INT64_MAX && json_object_get_uint64(o) > (uint64_t)INT64_MAX)
        return v->kind == DK_UINT && v->u.u == json_object_get_uint64(o);
    return v->kind == DK_INT && v->u.i == i;
}

static bool same_object(const cardc_doc *d, const cardc_dval *v, struct json_object *o)
{
    const cardc_dval *k = v + 1;
    if (v->kind != DK_OBJECT || (size_t)json_object_object_length(o) != v->u.c.n)
        return false;
    for (struct lh_entry *e = json_object_get_object(o)->head; e; e = e->next) {
        const char *name = (const char *)e->k;
        size_t n = strlen(name);
        if (k->kind != DK_KEY || k->u.s.len != n || memcmp(cardc__dstr(d, k), name, n) != 0 ||
            k->off != cardc__doc_hash(name, n) ||
            !cardc__doc_same_as_json(d, k + 1, (struct json_object *)(uintptr_t)e->v))
            return false;
        k += 1 + cardc__dsize(k + 1);
    }
    return true;
}

bool cardc__doc_same_as_json(const cardc_doc *d, const cardc_dval *v, const struct json_object *co)
{
    struct json_object *o = (struct json_object *)(uintptr_t)co;
    switch (json_object_get_type(o)) {
    case json_type_null: return v->kind == DK_NULL;
    case json_type_boolean: return v->kind == (json_object_get_boolean(o) ? DK_TRUE : DK_FALSE);
    case json_type_int:
    case json_type_double: return same_number(v, o);
    case json_type_string:
        return v->kind == DK_STRING && v->u.s.len == (size_t)json_object_get_string_len(o) &&
               memcmp(cardc__dstr(d, v), json_object_get_string(o), v->u.s.len) == 0;
    case json_type_object: return same_object(d, v, o);
    case json_type_array: {
        size_t n = json_object_array_length(o);
        cardc_dval tmp;
        if ((v->kind != DK_ARRAY && v->kind != DK_BYTES) || cardc__dcount(v) != n)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!cardc__doc_same_as_json(d, cardc__darray_at(d, v, i, &tmp),
                                         json_object_array_get_idx(o, i)))
                return false;
        return true;
    }
    }
    return false;
}

/* ---- equality and hashing (const, enum, uniqueItems) ---- */

static bool is_number(const cardc_dval *v)
{
    return v->kind == DK_INT || v->kind == DK_UINT || v->kind == DK_DOUBLE;
}

static bool is_array(const cardc_dval *v)
{
    return v->kind == DK_ARRAY || v->kind == DK_BYTES;
}

bool cardc__dequal(const cardc_doc *da, const cardc_dval *a, const cardc_doc *db,
                   const cardc_dval *b)
{
    if (is_number(a) && is_number(b)) {
        if (a->kind != DK_DOUBLE && b->kind != DK_DOUBLE)
            return a->kind == b->kind && a->u.u == b->u.u;
        return cardc__dnum(a) == cardc__dnum(b);
    }
    if (is_array(a) && is_array(b)) {
        size_t n = cardc__dcount(a);
        cardc_dval ta, tb;
        if (n != cardc__dcount(b))
            return false;
        if (a->kind == DK_BYTES && b->kind == DK_BYTES)
            return memcmp(da->base[0] + a->u.b.at, db->base[0] + b->u.b.at, n) == 0;
        const cardc_dval *x = a + 1, *y = b + 1;
        for (size_t i = 0; i < n; i++) {
            const cardc_dval *ex = a->kind == DK_BYTES ? cardc__darray_at(da, a, i, &ta) : x;
            const cardc_dval *ey = b->kind == DK_BYTES ? cardc__darray_at(db, b, i, &tb) : y;
            if (!cardc__dequal(da, ex, db, ey))
                return false;
            if (a->kind != DK_BYTES)
                x += cardc__dsize(x);
            if (b->kind != DK_BYTES)
                y += cardc__dsize(y);
        }
        return true;
    }
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case DK_STRING:
        return a->u.s.len == b->u.s.len &&
               memcmp(cardc__dstr(da, a), cardc__dstr(db, b), a->u.s.len) == 0;
    case DK_OBJECT: {
        const cardc_dval *k = a + 1, *w;
        if (a->u.c.n != b->u.c.n)
            return false;
        for (uint32_t m = 0; m < a->u.c.n; m++) {
            w = cardc__dobject_get(db, b, cardc__dstr(da, k), k->u.s.len, k->off);
            if (!w || !cardc__dequal(da, k + 1, db, w))
                return false;
            k += 1 + cardc__dsize(k + 1);
        }
        return true;
    }
    default: return true; /* null, true, false */
    }
}

uint64_t cardc__dhash(const cardc_doc *d, const cardc_dval *v)
{
    uint64_t h;
    switch (v->kind) {
    case DK_NULL: return 0x9e3779b97f4a7c15u;
    case DK_FALSE: return 0x52u;
    case DK_TRUE: return 0x51u;
    case DK_INT:
    case DK_UINT:
    case DK_DOUBLE: {
        double x = (double)cardc__dnum(v);
        uint64_t bits;
        if (x == 0)
            x = 0; /* -0 == 0 */
        memcpy(&bits, &x, sizeof bits);
        return (bits ^ (bits >> 29)) * 0xbf58476d1ce4e5b9u;
    }
    /* the validator's enum lookup computes this inline: keep them equal */
    case DK_STRING: return cardc__doc_hash(cardc__dstr(d, v), v->u.s.len) * 0x9E3779B97F4A7C15u;
    case DK_ARRAY:
    case DK_BYTES: {
        size_t n = cardc__dcount(v);
        cardc_dval tmp;
        const cardc_dval *e = v + 1;
        h = 0x1234567u;
        for (size_t i = 0; i < n; i++) {
            const cardc_dval *x = v->kind == DK_BYTES ? cardc__darray_at(d, v, i, &tmp) : e;
            h = h * 31u + cardc__dhash(d, x);
            if (v->kind != DK_BYTES)
                e += cardc__dsize(e);
        }
        return h;
    }
    case DK_OBJECT: {
        const cardc_dval *k = v + 1;
        h = 0x7654321u;
        for (uint32_t m = 0; m < v->u.c.n; m++) {
            h += ((uint64_t)k->off ^ cardc__dhash(d, k + 1)) * 0x94d049bb133111ebu;
            k += 1 + cardc__dsize(k + 1);
        }
        return h;
    }
    }
    return 0;
}

const char *cardc__doc_parity(const char *text, size_t len, const char *source, int max_depth,
                              unsigned flags, cardc_doc_parity *p)
{
    unsigned jflags = flags & CARDC__DOC_REJECT_DUPLICATES ? CARDC__JSON_UNIQUE_KEYS : 0;
    const char *differs = NULL;
    cardc_doc doc;

    memset(p, 0, sizeof *p);
    cardc_error_clear(&p->json_error);
    cardc_error_clear(&p->doc_error);
    cardc__doc_init(&doc);
    p->json_status =
        cardc__json_parse_report(text, len, source, max_depth, jflags, &p->tree, &p->json_error);
    p->doc_status = cardc__doc_parse_into(&doc, text, len, source, max_depth, flags, &p->doc_error);
    if (p->json_status != p->doc_status)
        differs = "the parsers' verdicts differ";
    else if (p->json_status == CARDC_OK && !cardc__doc_same_as_json(&doc, &doc.v[0], p->tree))
        differs = "the parsers' values differ";
    else if (p->json_status == CARDC_OK && (doc.n == 0 || cardc__dsize(&doc.v[0]) != doc.n))
        differs = "the document's slot count is not its root's size";
    else if (p->json_status != CARDC_OK &&
             (p->json_error.line != p->doc_error.line ||
              p->json_error.column != p->doc_error.column ||
              strcmp(p->json_error.message, p->doc_error.message) != 0 ||
              strcmp(p->json_error.source, p->doc_error.source) != 0))
        differs = "the parsers' errors differ";
    cardc__doc_release(&doc);
    return differs;
}
