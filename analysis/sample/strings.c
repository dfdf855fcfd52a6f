/* SPDX-License-Identifier: MIT */
/* Strings and numbers: lengths and bounds at their edges, text with
 * multi-byte code points (maxLength counts code points), formats. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

/* Largest length or span generated when the schema sets no upper bound. */
#define FREE_SPAN 24
/* Upper length bounds above this are reached only by the huge sample. */
#define HUGE_LENGTH 4096
/* Strings generated from a pattern before settling for one. */
#define PATTERN_TRIES 8

size_t utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

char *gen_text(gen_ctx *c, size_t n)
{
    /* One, two, three and four bytes per code point. */
    static const char *const cps[] = {
        "a", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "b", "z", "K", "7", " "};
    char *s = malloc(n * 4 + 1), *p = s;
    bool wide = c->mode == 1;

    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *cp = wide ? cps[1 + i % 3] : cps[ctx_rand(c) % (sizeof cps / sizeof cps[0])];
        size_t l = strlen(cp);
        memcpy(p, cp, l);
        p += l;
    }
    *p = 0;
    return s;
}

/* The bound of keyword kw that binds most across the views (the largest
 * for lower bounds); false when none applies. */
static bool bound(gen_ctx *c, const slist *l, const char *kw, bool lower, double *out,
                  const char **loc)
{
    bool found = false;

    for (size_t i = 0; i < l->n; i++) {
        json_object *v;
        double d;
        if (!json_object_is_type(l->v[i].s, json_type_object) ||
            !json_object_object_get_ex(l->v[i].s, kw, &v) ||
            !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
            continue;
        d = json_object_get_double(v);
        if (!found || (lower ? d > *out : d < *out)) {
            *out = d;
            *loc = ctx_ptr(c, l->v[i].loc, kw);
        }
        found = true;
    }
    return found;
}

static const char *format_value(const char *f)
{
    static const struct {
        const char *name, *value;
    } map[] = {
        {"date-time", "2024-02-29T12:34:56Z"},
        {"date", "2024-02-29"},
        {"time", "12:34:56Z"},
        {"email", "a@example.com"},
        {"idn-email", "a@example.com"},
        {"hostname", "example.com"},
        {"idn-hostname", "example.com"},
        {"ipv4", "192.0.2.1"},
        {"ipv6", "2001:db8::1"},
        {"uri", "https://example.com/a"},
        {"iri", "https://example.com/a"},
        {"uri-reference", "a/b"},
        {"iri-reference", "a/b"},
        {"uri-template", "/a/{b}"},
        {"uuid", "123e4567-e89b-12d3-a456-426614174000"},
        {"duration", "P1D"},
        {"json-pointer", "/a/0"},
        {"relative-json-pointer", "0/a"},
        {"regex", "^a+$"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(f, map[i].name) == 0)
            return map[i].value;
    return NULL; /* binary and unknown formats: any string */
}

static size_t pick_length(gen_ctx *c, size_t lo, bool has_hi, size_t hi)
{
    size_t top = has_hi ? hi : lo + FREE_SPAN;
    bool edge = c->mode == 1 && (c->huge || top <= HUGE_LENGTH);

    if (top > lo + 4 * FREE_SPAN && !edge)
        top = lo + 4 * FREE_SPAN;
    if (c->mode == 0)
        return lo;
    if (c->mode == 1)
        return top;
    switch (ctx_choose(c, 4)) {
    case 0: return lo;
    case 1: return top;
    default: return lo + (size_t)(ctx_rand(c) % (top - lo + 1));
    }
}

/* A string matching pattern within [lo, hi] code points when one of a few
 * tries gives it (the validator has the last word). Heap. */
static char *patterned(gen_ctx *c, const char *pattern, const char *loc, size_t lo, bool has_hi,
                       size_t hi)
{
    char *s = NULL;

    for (int k = 0; k < PATTERN_TRIES && !c->failed; k++) {
        size_t n;
        free(s);
        if (!(s = gen_regex(c, pattern, loc)))
            return NULL;
        n = utf8_length(s);
        if (n >= lo && (!has_hi || n <= hi) && rx_matches(c, pattern, s) != 0)
            break;
    }
    return s;
}

/* A string of the right length that does not match pattern: what breaks
 * it alone. NULL when none of the candidates does. */
static json_object *unmatched(gen_ctx *c, const char *pattern, size_t lo, bool has_hi, size_t hi)
{
    static const char *const fills[] = {"~", "0", " ", "-", "\xc3\xa9"};
    char buf[64];

    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        size_t n = lo ? lo : 1, w = strlen(fills[f]);
        if (has_hi && n > hi)
            n = hi;
        if (n * w + 1 > sizeof buf)
            return NULL;
        for (size_t i = 0; i < n; i++)
            memcpy(buf + i * w, fills[f], w);
        buf[n * w] = 0;
        if (rx_matches(c, pattern, buf) == 0)
            return json_object_new_string(buf);
    }
    return NULL;
}

json_object *gen_string(gen_ctx *c, const slist *l, const char *instance)
{
    double mn = 0, mx = 0;
    const char *lmin = NULL, *lmax = NULL, *ploc = NULL, *floc = NULL;
    bool has_min = bound(c, l, "minLength", true, &mn, &lmin);
    bool has_max = bound(c, l, "maxLength", false, &mx, &lmax);
    const json_object *pat = slist_find(l, "pattern", &ploc);
    const json_object *fmt = slist_find(l, "format", &floc);
    const char *fv = fmt && json_object_is_type(fmt, json_type_string)
                         ? format_value(json_object_get_string((json_object *)fmt))
                         : NULL;
    size_t lo = has_min && mn > 0 ? (size_t)mn : 0, hi = has_max && mx > 0 ? (size_t)mx : 0, n;
    char *s;
    json_object *out;

    if (has_max && mx < (double)lo) {
        ctx_fail(c, lmax, "maxLength %g is below minLength %g", mx, mn);
        return NULL;
    }
    if (has_max && (mx <= HUGE_LENGTH || c->huge_break))
        ctx_site(c, BREAK_MAX_LENGTH, instance, lmax, mx);
    if (has_min && mn > 0)
        ctx_site(c, BREAK_MIN_LENGTH, instance, lmin, mn);
    n = pick_length(c, lo, has_max, hi);
    if (pat && json_object_is_type(pat, json_type_string)) {
        const char *p = json_object_get_string((json_object *)pat);
        json_object *bad = unmatched(c, p, lo, has_max, hi);
        site *st = ctx_site(c, BREAK_REPLACE, instance, ctx_ptr(c, ploc, "pattern"), 0);
        if (st && bad) {
            st->value = bad;
            st->has_value = true;
        } else
            json_object_put(bad);
        s = patterned(c, p, ctx_ptr(c, ploc, "pattern"), lo, has_max, hi);
    } else if (fv) {
        s = strdup(fv);
    } else {
        s = gen_text(c, n);
    }
    if (!s) {
        c->failed = true;
        return NULL;
    }
    out = json_object_new_string(s);
    free(s);
    return out;
}

/* The tightest [lo, hi] of the views, exclusive bounds as flags (draft-04's
 * boolean exclusiveMinimum/Maximum too), with their sites. */
typedef struct range {
    bool has_lo, has_hi, ex_lo, ex_hi;
    double lo, hi;
} range;

static void side(gen_ctx *c, const slist *l, const char *instance, bool lower, range *r)
{
    double v = 0, e = 0;
    const char *lv = NULL, *le = NULL;
    bool has = bound(c, l, lower ? "minimum" : "maximum", lower, &v, &lv);
    bool has_e = bound(c, l, lower ? "exclusiveMinimum" : "exclusiveMaximum", lower, &e, &le);
    const json_object *d4 = slist_find(l, lower ? "exclusiveMinimum" : "exclusiveMaximum", NULL);
    bool ex = d4 && json_object_is_type(d4, json_type_boolean) && json_object_get_boolean(d4);

    if (has_e && (!has || (lower ? e >= v : e <= v))) {
        v = e;
        lv = le;
        ex = true;
        has = true;
    }
    if (!has)
        return;
    ctx_site(c,
             ex ? (lower ? BREAK_EX_MINIMUM : BREAK_EX_MAXIMUM)
                : (lower ? BREAK_MINIMUM : BREAK_MAXIMUM),
             instance, lv, v);
    if (lower) {
        r->has_lo = true, r->lo = v, r->ex_lo = ex;
    } else {
        r->has_hi = true, r->hi = v, r->ex_hi = ex;
    }
}

static double pick_number(gen_ctx *c, const range *r, bool integer)
{
    double lo = r->lo, hi = r->hi, step = integer ? 1 : 0.5;

    if (integer) {
        lo = r->ex_lo ? floor(lo) + 1 : ceil(lo);
        hi = r->ex_hi ? ceil(hi) - 1 : floor(hi);
    } else {
        if (r->ex_lo)
            lo += r->has_hi ? (hi - lo) / 4 : step;
        if (r->ex_hi)
            hi -= r->has_lo ? (hi - r->lo) / 4 : step;
    }
    if (!r->has_lo)
        lo = r->has_hi ? hi - FREE_SPAN : (c->mode == 1 ? 1e6 : 0);
    if (!r->has_hi)
        hi = lo + (c->mode == 1 ? 1e6 : FREE_SPAN);
    if (c->mode == 0)
        return lo;
    if (c->mode == 1)
        return hi;
    switch (ctx_choose(c, 3)) {
    case 0: return lo;
    case 1: return hi;
    default:
        return integer ? lo + (double)(ctx_rand(c) % (uint64_t)fmin(hi - lo + 1, 1e9))
                       : lo + (hi - lo) * (double)(ctx_rand(c) % 9) / 8;
    }
}

json_object *gen_number(gen_ctx *c, const slist *l, const char *instance, bool integer)
{
    range r = {0};
    double v, m = 0;
    const char *lm = NULL;

    side(c, l, instance, true, &r);
    side(c, l, instance, false, &r);
    if (r.has_lo && r.has_hi && (r.lo > r.hi || (r.lo == r.hi && (r.ex_lo || r.ex_hi)))) {
        const site *lower = c->n_sites >= 2 ? &c->sites[c->n_sites - 2] : NULL;
        ctx_fail(c, lower ? lower->keyword : instance, "the bounds %g and %g leave no number", r.lo,
                 r.hi);
        return NULL;
    }
    v = pick_number(c, &r, integer);
    if (bound(c, l, "multipleOf", true, &m, &lm) && m > 0) {
        ctx_site(c, BREAK_MULTIPLE_OF, instance, lm, m);
        v = ceil(v / m) * m;
        if (r.has_hi && v > r.hi)
            v -= m;
    }
    if (integer && ctx_last_site(c))
        for (size_t i = 0; i < c->n_sites; i++)
            if (strcmp(c->sites[i].instance, instance) == 0)
                c->sites[i].integer = true;
    if (v == floor(v) && fabs(v) < 9e18)
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}
