/* SPDX-License-Identifier: MIT */
/* doc_parse.c: JSON text straight into the validation document (doc.h).
 *
 * One pass, no recursion (nesting may be 100,000 deep), no allocation per
 * value: slots are appended to one array, strings without escapes stay in
 * the text, an array of small integers becomes a byte run. The parser only
 * decides whether the text is valid; when it is not, the text is handed to
 * cardc_json_parse's parser for the message, so both report the same error
 * at the same line and column (fuzz/fuzz_doc.c holds them to the same
 * verdicts).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <json-c/json.h>

#include "cardc/json.h"
#include "common/errors_internal.h"
#include "common/utf8.h"
#include "json/doc.h"
#include "json/json_simd.h"
#include "json/json_internal.h"

/* Members an object may have before its keys go into a hash table: up to
 * there a 64-bit filter of the keys' hashes rules out repeats. */
#define FILTER_MEMBERS 12

typedef struct frame {
    uint32_t slot;  /* the container's slot */
    uint32_t count; /* elements or members so far */
    uint64_t seen;  /* objects: one bit per key hash seen */
    size_t tab;     /* objects past FILTER_MEMBERS: their key table in keys[] */
    size_t tabcap;  /* its size (a power of two), 0 before */
    bool object;
    bool dups; /* a repeated key: the last value wins (dedupe()) */
} frame;

typedef struct parser {
    const unsigned char *t;
    size_t n;
    cardc_doc *d;
    unsigned flags;
    size_t max_depth;
    frame *st;
    size_t depth, cap;
    uint32_t *keys; /* key tables of the open objects: slot indices, 0 empty */
    size_t nkeys, capkeys;
    bool nomem;
    frame small[32];
} parser;

static inline bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* ---- buffers ---- */

static bool grow_slots(parser *p)
{
    cardc_doc *d = p->d;
    size_t nc = d->cap ? d->cap * 2 : (p->n / 32 < 64 ? 64 : p->n / 32);
    cardc_dval *v;
    if (nc > UINT32_MAX || !(v = realloc(d->v, nc * sizeof *v))) {
        p->nomem = true;
        return false;
    }
    d->v = v;
    d->cap = nc;
    return true;
}

/* A new slot at the end, or NULL when out of memory. */
static inline cardc_dval *new_slot(parser *p)
{
    if (p->d->n == p->d->cap && !grow_slots(p))
        return NULL;
    return &p->d->v[p->d->n++];
}

/* Room for k more own bytes. */
static bool own_reserve(parser *p, size_t k)
{
    cardc_doc *d = p->d;
    if (d->capown - d->nown >= k)
        return true;
    size_t nc = d->capown ? d->capown : 256;
    while (nc - d->nown < k)
        nc *= 2;
    char *b = nc <= UINT32_MAX ? realloc(d->own, nc) : NULL;
    if (!b) {
        p->nomem = true;
        return false;
    }
    d->own = b;
    d->capown = nc;
    return true;
}

/* ---- scalars ---- */

static inline size_t skip_ws(const unsigned char *t, size_t n, size_t i)
{
    while (i < n && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t'))
        i++;
    return i;
}

/* One escape at t[i] ('\\') of a string ending before `end`, decoded into
 * out; returns its length in bytes and moves *i past it, 0 when invalid.
 * A lone surrogate becomes U+FFFD, as json-c stores it. */
static size_t unescape(const unsigned char *t, size_t end, size_t *i, unsigned char out[4])
{
    unsigned char e = *i + 1 < end ? t[*i + 1] : 0;
    if (e == 'u') {
        for (size_t k = *i + 2; k < *i + 6; k++)
            if (k >= end || hexval(t[k]) < 0)
                return 0;
    } else if (!e || !strchr("\"\\/bfnrt", e)) {
        return 0;
    }
    return cardc__json_string_unit(t, end, i, out);
}

/* The rest of a string with escapes, from t[i] ('\\'); start is its first
 * byte. Decoded into own bytes. Returns the position after the closing
 * quote, 0 when invalid. Keys are cut at U+0000, as json-c's are. */
static size_t string_escaped(parser *p, size_t start, size_t i, cardc_dval *v, bool key)
{
    const unsigned char *t = p->t;
    size_t end = i, at, w;
    unsigned flags = v->flags & ~(unsigned)DF_TEXT;
    bool cut = false;

    while (end < p->n && t[end] != '"')
        end += t[end] == '\\' ? 2 : 1;
    if (end >= p->n || !own_reserve(p, end - start))
        return 0;
    at = w = p->d->nown;
    memcpy(p->d->own + w, t + start, i - start);
    w += i - start;
    while (i < end) {
        unsigned char *o = (unsigned char *)p->d->own;
        size_t k = jsimd_scan_plain(t, end, i);
        memcpy(o + w, t + i, k - i);
        w += k - i;
        i = k;
        if (i >= end)
            break;
        if (t[i] == '\\') {
            size_t got = unescape(t, end, &i, o + w);
            if (!got)
                return 0;
            if (key && got == 1 && o[w] == 0 && !cut) {
                cut = true;
                v->u.s.len = (uint32_t)(w - at);
            }
            if (got > 1 || o[w] >= 0x80)
                flags &= ~(unsigned)DF_ASCII;
            w += got;
        } else if (t[i] >= 0x80) {
            uint32_t cp;
            size_t l = utf8_decode(t + i, end - i, &cp);
            if (!l)
                return 0;
            memcpy(o + w, t + i, l);
            w += l;
            i += l;
            flags &= ~(unsigned)DF_ASCII;
        } else {
            return 0; /* a control character */
        }
    }
    v->flags = (uint16_t)flags;
    v->u.s.at = (uint32_t)at;
    if (!cut)
        v->u.s.len = (uint32_t)(w - at);
    p->d->nown = w;
    return end + 1;
}

/* The string whose opening quote is t[i], into v (kind and types set by the
 * caller). Returns the position after it, 0 when invalid. */
static size_t string(parser *p, size_t i, cardc_dval *v, bool key)
{
    const unsigned char *t = p->t;
    size_t start = ++i;

    v->flags = DF_TEXT | DF_ASCII | DF_UTF8;
    for (;;) {
        i = jsimd_scan_plain(t, p->n, i);
        if (i >= p->n)
            return 0;
        if (t[i] == '"')
            break;
        if (t[i] >= 0x80) {
            uint32_t cp;
            size_t l = utf8_decode(t + i, p->n - i, &cp);
            if (!l)
                return 0;
            v->flags &= (uint16_t)~DF_ASCII;
            i += l;
        } else if (t[i] == '\\') {
            return string_escaped(p, start, i, v, key);
        } else {
            return 0;
        }
    }
    v->u.s.at = (uint32_t)start;
    v->u.s.len = (uint32_t)(i - start);
    return i + 1;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The double a number literal t[s..e) denotes, correctly rounded as strtod
 * (what json-c calls) rounds it: exactly by Clinger's fast path when the
 * significand has at most 15 digits and the power of ten is exact, by
 * strtod otherwise. */
static double to_double(const unsigned char *t, size_t s, size_t e, uint64_t sig, int sigdigits,
                        long exp10, bool neg)
{
    if (sigdigits <= 15 && exp10 >= -22 && exp10 <= 22) {
        double d = (double)sig;
        d = exp10 < 0 ? d / pow10_exact[-exp10] : d * pow10_exact[exp10];
        return neg ? -d : d;
    }
    char small[64], *buf = e - s < sizeof small ? small : malloc(e - s + 1);
    double d;
    if (!buf)
        return NAN; /* reported as out of memory by the caller */
    memcpy(buf, t + s, e - s);
    buf[e - s] = '\0';
    d = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return d;
}

/* An integer literal of `digits` digits (value v when <= 19 digits) as
 * json-c stores it: int64, uint64 above INT64_MAX, saturated beyond. */
static void integer(cardc_dval *v, const unsigned char *t, size_t s, size_t digits, uint64_t u,
                    bool neg)
{
    v->kind = DK_INT;
    v->types = DT_NUMBER | DT_INTEGER;
    if (digits > 20 || (digits == 20 && (memcmp(t + s, "18446744073709551615", 20) > 0))) {
        if (neg) {
            v->u.i = INT64_MIN;
        } else {
            v->kind = DK_UINT;
            v->u.u = UINT64_MAX;
        }
    } else if (digits == 20) { /* fits 64 bits unsigned, not signed */
        u = 0;
        for (size_t k = 0; k < 20; k++)
            u = u * 10 + (uint64_t)(t[s + k] - '0');
        if (neg) {
            v->u.i = INT64_MIN;
        } else {
            v->kind = DK_UINT;
            v->u.u = u;
        }
    } else if (neg) {
        v->u.i = u > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)u;
    } else if (u > (uint64_t)INT64_MAX) {
        v->kind = DK_UINT;
        v->u.u = u;
    } else {
        v->u.i = (int64_t)u;
    }
}

/* The number at t[i] ('-' or a digit) into v. Returns the position after
 * it, 0 when invalid. */
static size_t number(parser *p, size_t i, cardc_dval *v)
{
    const unsigned char *t = p->t;
    size_t n = p->n, s = i, d0, digits;
    uint64_t sig = 0;
    int sigdigits = 0;
    long exp10 = 0;
    bool neg = t[i] == '-', real = false;

    i += neg;
    d0 = i;
    if (i >= n || !is_digit(t[i]))
        return 0;
    if (t[i] == '0') {
        i++;
    } else {
        while (i < n && is_digit(t[i])) {
            if (sigdigits < 19) {
                sig = sig * 10 + (uint64_t)(t[i] - '0');
                sigdigits++;
            } else {
                exp10++;
            }
            i++;
        }
    }
    digits = i - d0;
    if (i < n && t[i] == '.') {
        real = true;
        if (++i >= n || !is_digit(t[i]))
            return 0;
        for (; i < n && is_digit(t[i]); i++) {
            if (sigdigits == 0 && t[i] == '0') {
                exp10--;
            } else if (sigdigits < 19) {
                sig = sig * 10 + (uint64_t)(t[i] - '0');
                sigdigits++;
                exp10--;
            }
        }
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        bool eneg;
        long e = 0;
        real = true;
        i++;
        eneg = i < n && t[i] == '-';
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        if (i >= n || !is_digit(t[i]))
            return 0;
        for (; i < n && is_digit(t[i]); i++)
            if (e < 100000)
                e = e * 10 + (t[i] - '0');
        exp10 += eneg ? -e : e;
    }
    v->off = (uint32_t)s;
    if (!real) {
        integer(v, t, d0, digits, sig, neg);
        return i;
    }
    v->kind = DK_DOUBLE;
    v->u.d = to_double(t, s, i, sig, sigdigits, exp10, neg);
    if (isnan(v->u.d)) {
        p->nomem = true;
        return 0;
    }
    v->types = DT_NUMBER;
    if (fabs(v->u.d) < 9.0e18 ? (double)(int64_t)v->u.d == v->u.d : isfinite(v->u.d))
        v->types |= DT_INTEGER;
    return i;
}

/* One element at t[i] the general way; stores it and returns the position
 * after its separator (after ']' with *end set), or 0 when the array is not
 * a byte array. */
static size_t byte_step(const unsigned char *t, size_t n, size_t i, unsigned char *o, size_t *w,
                        bool *end)
{
    unsigned v = 0, k = 0;
    while (i + k < n && is_digit(t[i + k]) && k < 4)
        v = v * 10 + (unsigned)(t[i + k++] - '0');
    if (k == 0 || k == 4 || v > 255 || (k > 1 && t[i] == '0'))
        return 0;
    o[(*w)++] = (unsigned char)v;
    i = skip_ws(t, n, i + k);
    if (i < n && t[i] == ']') {
        *end = true;
        return i + 1;
    }
    if (i >= n || t[i] != ',')
        return 0;
    return skip_ws(t, n, i + 1);
}

/* The array at t[i] ('['), if every element is an integer 0..255 written
 * plainly: one DK_BYTES slot over a byte run. Returns the position after
 * ']', or 0 to parse it the general way (nothing kept). */
static size_t byte_array(parser *p, size_t i)
{
    const unsigned char *t = p->t;
    size_t n = p->n, open = i, at = p->d->nown, w = at;
    bool end = false;

    i = skip_ws(t, n, i + 1);
    while (!end) {
        if (p->d->capown - w < 4096) {
            p->d->nown = w;
            bool ok = own_reserve(p, 4096);
            p->d->nown = at;
            if (!ok)
                return 0;
        }
        i = jsimd_byte_run(t, n, i, (unsigned char *)p->d->own, &w, p->d->capown);
        i = skip_ws(t, n, i); /* the run ends after a comma */
        if (!(i = byte_step(t, n, i, (unsigned char *)p->d->own, &w, &end)))
            return 0;
    }
    cardc_dval *s = new_slot(p);
    if (!s)
        return 0;
    s->kind = DK_BYTES;
    s->types = DT_ARRAY;
    s->flags = 0;
    s->off = (uint32_t)open;
    s->u.b.at = (uint32_t)at;
    s->u.b.n = (uint32_t)(w - at);
    p->d->nown = w;
    return i;
}

/* true, false, null at t[i] into v; the position after it, 0 if invalid. */
static size_t literal(parser *p, size_t i, cardc_dval *v)
{
    static const struct {
        const char *w;
        size_t n;
        uint8_t kind, types;
    } lit[3] = {{"true", 4, DK_TRUE, DT_BOOLEAN},
                {"false", 5, DK_FALSE, DT_BOOLEAN},
                {"null", 4, DK_NULL, DT_NULL}};
    int k = p->t[i] == 't' ? 0 : p->t[i] == 'f' ? 1 : 2;
    if (p->n - i < lit[k].n || memcmp(p->t + i, lit[k].w, lit[k].n) != 0)
        return 0;
    v->kind = lit[k].kind;
    v->types = lit[k].types;
    v->flags = 0;
    v->off = (uint32_t)i;
    return i + lit[k].n;
}

/* ---- repeated keys ---- */

static inline const unsigned char *key_bytes(const parser *p, const cardc_dval *k)
{
    return (k->flags & DF_TEXT ? p->t : (const unsigned char *)p->d->own) + k->u.s.at;
}

static bool same_key(const parser *p, const cardc_dval *a, const cardc_dval *b)
{
    return a->off == b->off && a->u.s.len == b->u.s.len &&
           memcmp(key_bytes(p, a), key_bytes(p, b), a->u.s.len) == 0;
}

/* (Re)builds object f's key table with room for its members and the key
 * in slot ks; false when out of memory. */
static bool key_table(parser *p, frame *f, uint32_t ks)
{
    size_t cap = f->tabcap ? f->tabcap * 2 : 64, k = f->slot + 1u;
    if (!f->tabcap)
        f->tab = p->nkeys;
    if (f->tab + cap > p->capkeys) {
        size_t nc = p->capkeys ? p->capkeys * 2 : 256;
        while (nc < f->tab + cap)
            nc *= 2;
        uint32_t *v = realloc(p->keys, nc * sizeof *v);
        if (!v) {
            p->nomem = true;
            return false;
        }
        p->keys = v;
        p->capkeys = nc;
    }
    f->tabcap = cap;
    p->nkeys = f->tab + cap;
    uint32_t *tab = p->keys + f->tab;
    memset(tab, 0, cap * sizeof *tab);
    for (uint32_t m = 0; m <= f->count; m++) {
        uint32_t s = m < f->count ? (uint32_t)k : ks;
        size_t at = p->d->v[s].off & (cap - 1);
        while (tab[at])
            at = (at + 1) & (cap - 1);
        tab[at] = s;
        if (m < f->count)
            k += 1 + cardc__dsize(&p->d->v[k + 1]);
    }
    return true;
}

/* Whether the key just added in slot ks repeats one of object f's; sets
 * p->nomem when it cannot tell. */
static bool key_repeats(parser *p, frame *f, uint32_t ks)
{
    const cardc_dval *key = &p->d->v[ks];
    uint64_t bit = (uint64_t)1 << (key->off & 63);

    if (f->count < FILTER_MEMBERS) {
        bool maybe = (f->seen & bit) != 0;
        f->seen |= bit;
        if (maybe) {
            size_t k = f->slot + 1u;
            for (uint32_t m = 0; m < f->count; m++) {
                if (same_key(p, &p->d->v[k], key))
                    return true;
                k += 1 + cardc__dsize(&p->d->v[k + 1]);
            }
        }
        return false;
    }
    if (!f->tabcap || (f->count + 1) * 2 > f->tabcap) {
        /* rebuilt with this key in it; a repeat shows as two equal keys */
        if (!key_table(p, f, ks))
            return false;
        uint32_t *tab = p->keys + f->tab;
        for (size_t at = key->off & (f->tabcap - 1); tab[at]; at = (at + 1) & (f->tabcap - 1))
            if (tab[at] != ks && same_key(p, &p->d->v[tab[at]], key))
                return true;
        return false;
    }
    uint32_t *tab = p->keys + f->tab;
    size_t at = key->off & (f->tabcap - 1);
    for (; tab[at]; at = (at + 1) & (f->tabcap - 1))
        if (same_key(p, &p->d->v[tab[at]], key))
            return true;
    tab[at] = ks;
    return false;
}

typedef struct member {
    const unsigned char *name; /* the key's bytes */
    uint32_t hash, len;
    uint32_t key;  /* slot of the key */
    uint32_t keep; /* member whose value it takes (the last of its name) */
    uint32_t idx;  /* position among the members */
    bool drop;     /* a later repeat of an earlier name */
} member;

static int name_cmp(const member *x, const member *y)
{
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->name, y->name, x->len);
}

static int member_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = name_cmp(x, y);
    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int member_idx_cmp(const void *a, const void *b)
{
    const member *x = a, *y = b;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Object f (the last thing in the slot array) has repeated keys: rewrite
 * its members as json-c keeps them, each name once at its first position
 * with its last value. Subtree sizes are relative, so values move as they
 * are. */
static bool dedupe(parser *p, frame *f)
{
    cardc_doc *d = p->d;
    size_t m = f->count, k = f->slot + 1u, w = 0;
    member *mem = malloc(m * sizeof *mem);
    cardc_dval *out = malloc((d->n - f->slot - 1) * sizeof *out);
    uint32_t kept = 0;

    if (!mem || !out) {
        free(mem);
        free(out);
        p->nomem = true;
        return false;
    }
    for (size_t i = 0; i < m; i++) {
        const cardc_dval *key = &d->v[k];
        mem[i] = (member){key_bytes(p, key), key->off,    key->u.s.len, (uint32_t)k,
                          (uint32_t)i,       (uint32_t)i, false};
        k += 1 + cardc__dsize(&d->v[k + 1]);
    }
    qsort(mem, m, sizeof *mem, member_cmp);
    for (size_t a = 0, b; a < m; a = b) {
        for (b = a + 1; b < m && name_cmp(&mem[a], &mem[b]) == 0; b++)
            mem[b].drop = true;
        mem[a].keep = mem[b - 1].idx;
    }
    qsort(mem, m, sizeof *mem, member_idx_cmp);
    for (size_t i = 0; i < m; i++) {
        if (mem[i].drop)
            continue;
        const cardc_dval *val = &d->v[mem[mem[i].keep].key + 1];
        uint32_t vs = cardc__dsize(val);
        out[w++] = d->v[mem[i].key];
        memcpy(out + w, val, vs * sizeof *out);
        w += vs;
        kept++;
    }
    memcpy(d->v + f->slot + 1, out, w * sizeof *out);
    d->n = f->slot + 1 + w;
    f->count = kept;
    free(mem);
    free(out);
    return true;
}

/* ---- containers ---- */

/* Opens the array or object at t[i]; false when too deep or out of memory. */
static bool open_container(parser *p, size_t i, bool object)
{
    cardc_dval *v;
    if (p->depth >= p->max_depth)
        return false;
    if (p->depth == p->cap) {
        size_t nc = p->cap * 2;
        frame *s = p->st == p->small ? malloc(nc * sizeof *s) : realloc(p->st, nc * sizeof *s);
        if (!s) {
            p->nomem = true;
            return false;
        }
        if (p->st == p->small)
            memcpy(s, p->small, sizeof p->small);
        p->st = s;
        p->cap = nc;
    }
    if (!(v = new_slot(p)))
        return false;
    v->kind = object ? DK_OBJECT : DK_ARRAY;
    v->types = object ? DT_OBJECT : DT_ARRAY;
    v->flags = 0;
    v->off = (uint32_t)i;
    p->st[p->depth++] = (frame){(uint32_t)(p->d->n - 1), 0, 0, 0, 0, object, false};
    return true;
}

static bool close_container(parser *p)
{
    frame *f = &p->st[--p->depth];
    cardc_dval *v;
    if (f->dups && !dedupe(p, f))
        return false;
    if (f->tabcap)
        p->nkeys = f->tab;
    v = &p->d->v[f->slot];
    v->u.c.n = f->count;
    v->u.c.size = (uint32_t)(p->d->n - f->slot);
    if (!f->object && v->u.c.size == f->count + 1)
        v->flags = DF_SCALARS;
    return true;
}

/* The key at t[i] (a quote expected) of the innermost object, then ':'.
 * Returns the position after ':', 0 when invalid. */
static size_t object_key(parser *p, size_t i)
{
    frame *f = &p->st[p->depth - 1];
    cardc_dval *k;
    uint32_t ks;

    if (i >= p->n || p->t[i] != '"' || !(k = new_slot(p)))
        return 0;
    k->kind = DK_KEY;
    k->types = DT_STRING;
    if (!(i = string(p, i, k, true)))
        return 0;
    k = &p->d->v[ks = (uint32_t)(p->d->n - 1)];
    k->off = cardc__doc_hash((const char *)key_bytes(p, k), k->u.s.len);
    if (key_repeats(p, f, ks)) {
        if (p->flags & CARDC__DOC_REJECT_DUPLICATES)
            return 0;
        f->dups = true;
    }
    if (p->nomem)
        return 0;
    i = skip_ws(p->t, p->n, i);
    if (i >= p->n || p->t[i] != ':')
        return 0;
    return i + 1;
}

/* One scalar or an opening bracket at t[i]; the position after it, 0 when
 * invalid. *opened tells a container was opened. */
static size_t value(parser *p, size_t i, bool *opened)
{
    const unsigned char c = p->t[i];
    cardc_dval *v;

    *opened = false;
    if (c == '{' || c == '[') {
        size_t j;
        if (c == '[' && p->depth < p->max_depth && (j = skip_ws(p->t, p->n, i + 1)) < p->n &&
            is_digit(p->t[j]) && (j = byte_array(p, i)))
            return j;
        if (p->nomem || !open_container(p, i, c == '{'))
            return 0;
        *opened = true;
        return i + 1;
    }
    if (!(v = new_slot(p)))
        return 0;
    if (c == '"') {
        v->kind = DK_STRING;
        v->types = DT_STRING;
        v->off = (uint32_t)i;
        return string(p, i, v, false);
    }
    if (c == '-' || is_digit(c)) {
        v->flags = 0;
        return number(p, i, v);
    }
    if (c == 't' || c == 'f' || c == 'n')
        return literal(p, i, v);
    return 0;
}

/* Parses the whole text; true when it is one valid JSON value. */
static bool parse(parser *p)
{
    const unsigned char *t = p->t;
    size_t n = p->n, i = skip_ws(t, n, 0);
    bool opened;

    for (;;) {
        /* a value at t[i] */
        if (i >= n || !(i = value(p, i, &opened)))
            return false;
        if (opened) {
            i = skip_ws(t, n, i);
            if (i < n && t[i] == (p->st[p->depth - 1].object ? '}' : ']')) {
                if (!close_container(p))
                    return false;
                i++;
            } else {
                if (p->st[p->depth - 1].object && !(i = object_key(p, i)))
                    return false;
                i = skip_ws(t, n, i);
                continue;
            }
        }
        /* after a value: a separator, a closing bracket or the end */
        for (;;) {
            frame *f;
            i = skip_ws(t, n, i);
            if (!p->depth)
                return i == n;
            f = &p->st[p->depth - 1];
            f->count++;
            if (i >= n)
                return false;
            if (t[i] == ',') {
                i = skip_ws(t, n, i + 1);
                if (f->object && !(i = object_key(p, i)))
                    return false;
                i = skip_ws(t, n, i);
                break;
            }
            if (t[i] != (f->object ? '}' : ']') || !close_container(p))
                return false;
            i++;
        }
    }
}

/* ---- entry points ---- */

void cardc__doc_init(cardc_doc *doc)
{
    memset(doc, 0, sizeof *doc);
}

void cardc__doc_release(cardc_doc *doc)
{
    if (!doc)
        return;
    free(doc->v);
    free(doc->own);
    free(doc->src);
    cardc__doc_init(doc);
}

/* Bad text: cardc_json_parse's parser says what and where. */
static cardc_status report_bad_text(const char *text, size_t len, const char *source, int max_depth,
                                    unsigned flags, cardc_error *err)
{
    struct json_object *obj = NULL;
    unsigned jflags = flags & CARDC__DOC_REJECT_DUPLICATES ? CARDC__JSON_UNIQUE_KEYS : 0;
    cardc_status st = cardc__json_parse_report(text, len, source, max_depth, jflags, &obj, err);
    if (st != CARDC_OK)
        return st;
    json_object_put(obj);
    return cardc__error_at(err, CARDC_E_JSON, source ? source : "<string>", 0, 0,
                           "internal: the validation parser refused text json-c accepted");
}

cardc_status cardc__doc_parse_into(cardc_doc *doc, const char *text, size_t len, const char *source,
                                   int max_depth, unsigned flags, cardc_error *err)
{
    parser p;

    if (!doc || (!text && len))
        return cardc__error(err, CARDC_E_USAGE, "cardc__doc_parse_into: no document or text");
    if (!text)
        text = "";
    if (max_depth <= 0)
        max_depth = CARDC_JSON_DEFAULT_MAX_DEPTH;
    if (max_depth > CARDC_JSON_MAX_DEPTH_CEILING)
        max_depth = CARDC_JSON_MAX_DEPTH_CEILING;
    doc->n = doc->nown = 0;
    doc->len = len;
    if (doc->src) { /* left by a cardc__doc_from_json */
        free(doc->src);
        doc->src = NULL;
        doc->capsrc = 0;
    }
    if (len >= (size_t)INT_MAX)
        return report_bad_text(text, len, source, max_depth, flags, err);
    memset(&p, 0, offsetof(parser, small));
    p.t = (const unsigned char *)text;
    p.n = len;
    p.d = doc;
    p.flags = flags;
    p.max_depth = (size_t)max_depth;
    p.st = p.small;
    p.cap = sizeof p.small / sizeof p.small[0];
    bool ok = parse(&p);
    if (p.st != p.small)
        free(p.st);
    free(p.keys);
    doc->base[0] = doc->own ? doc->own : ""; /* "" + 0, never NULL + 0 */
    doc->base[1] = text;
    if (ok)
        return CARDC_OK;
    doc->n = 0;
    if (p.nomem)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    return report_bad_text(text, len, source, max_depth, flags, err);
}

cardc_status cardc__doc_parse(const char *text, size_t len, const char *source, int max_depth,
                              unsigned flags, cardc_doc **out, cardc_error *err)
{
    cardc_doc *d;
    cardc_status st;
    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc__doc_parse: out is NULL");
    *out = NULL;
    if (!(d = malloc(sizeof *d)))
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    cardc__doc_init(d);
    st = cardc__doc_parse_into(d, text, len, source, max_depth, flags, err);
    if (st != CARDC_OK) {
        cardc__doc_free(d);
        return st;
    }
    *out = d;
    return CARDC_OK;
}

void cardc__doc_free(cardc_doc *doc)
{
    cardc__doc_release(doc);
    free(doc);
}
