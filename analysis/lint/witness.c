/* SPDX-License-Identifier: MIT */
/* witness.c: a value meant to satisfy several schemas at once, so a claim
 * like "these oneOf branches overlap" can be proved by a value the real
 * validator accepts for both. A guess, made simply: properties from
 * required (and, rich, every declared one), the low edge of every range,
 * strings from the pattern's first alternative. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

#define MAX_CONJ  64
#define MAX_DEPTH 16

typedef struct wctx {
    const struct json_object *root;
    bool rich;
} wctx;

typedef struct conj {
    const struct json_object *v[MAX_CONJ];
    size_t n;
    bool impossible; /* a false schema */
} conj;

static const struct json_object *resolve(const wctx *w, const char *ref)
{
    struct json_object *cur = (struct json_object *)w->root;
    strbuf tok = {0};

    if (ref[0] != '#' || (ref[1] && ref[1] != '/'))
        return NULL; /* only local pointers are followed */
    for (const char *p = ref + 1; cur && *p == '/';) {
        const char *end = strchr(p + 1, '/');
        size_t len = end ? (size_t)(end - p - 1) : strlen(p + 1);
        strbuf_truncate(&tok, 0);
        for (size_t k = 0; k < len; k++) {
            char c = p[1 + k];
            if (c == '~' && k + 1 < len)
                c = p[2 + k] == '1' ? '/' : '~', k++;
            strbuf_add(&tok, &c, 1);
        }
        strbuf_add(&tok, "", 0);
        if (json_object_is_type(cur, json_type_array))
            cur = json_object_array_get_idx(cur, (size_t)strtoul(tok.s ? tok.s : "", NULL, 10));
        else if (!json_object_object_get_ex(cur, tok.s ? tok.s : "", &cur))
            cur = NULL;
        p += 1 + len;
    }
    cardc__strbuf_free(&tok);
    return cur;
}

/* Adds s and what it implies everywhere: its $ref target, allOf members,
 * and the first branch of oneOf/anyOf. */
static void collect(const wctx *w, const struct json_object *s, conj *c, int depth)
{
    struct json_object *v;

    if (!s || depth > MAX_DEPTH || c->n >= MAX_CONJ)
        return;
    if (json_object_is_type(s, json_type_boolean)) {
        if (!json_object_get_boolean(s))
            c->impossible = true;
        return;
    }
    if (!json_object_is_type(s, json_type_object))
        return;
    c->v[c->n++] = s;
    if ((v = lint_get(s, "$ref")) && json_object_is_type(v, json_type_string))
        collect(w, resolve(w, json_object_get_string(v)), c, depth + 1);
    if ((v = lint_get(s, "allOf")) && json_object_is_type(v, json_type_array))
        for (size_t i = 0; i < json_object_array_length(v); i++)
            collect(w, json_object_array_get_idx(v, i), c, depth + 1);
    if (((v = lint_get(s, "oneOf")) || (v = lint_get(s, "anyOf"))) &&
        json_object_is_type(v, json_type_array) && json_object_array_length(v))
        collect(w, json_object_array_get_idx(v, 0), c, depth + 1);
}

static struct json_object *build(const wctx *w, const conj *c, int depth);

static struct json_object *build_from(const wctx *w, const struct json_object *const *list,
                                      size_t n, int depth)
{
    conj c = {{0}, 0, false};

    for (size_t i = 0; i < n; i++)
        collect(w, list[i], &c, 0);
    if (c.impossible)
        return NULL;
    return build(w, &c, depth + 1);
}

static bool num(const struct json_object *s, const char *kw, double *out)
{
    struct json_object *v = lint_get(s, kw);

    if (!v || (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)))
        return false;
    *out = json_object_get_double(v);
    return true;
}

static struct json_object *build_number(const conj *c, bool integer)
{
    double lo = -INFINITY, hi = INFINITY, v, mult = 0;

    for (size_t i = 0; i < c->n; i++) {
        if (num(c->v[i], "minimum", &v) && v > lo)
            lo = v;
        if (num(c->v[i], "exclusiveMinimum", &v) && v >= lo)
            lo = integer ? floor(v) + 1 : v + (fabs(v) > 1 ? fabs(v) * 1e-9 : 1e-9);
        if (num(c->v[i], "maximum", &v) && v < hi)
            hi = v;
        if (num(c->v[i], "exclusiveMaximum", &v) && v <= hi)
            hi = integer ? ceil(v) - 1 : v - (fabs(v) > 1 ? fabs(v) * 1e-9 : 1e-9);
        if (num(c->v[i], "multipleOf", &v) && v > 0)
            mult = v;
    }
    v = lo <= 0 && hi >= 0 ? 0 : isinf(lo) ? hi : lo;
    if (integer)
        v = ceil(v);
    if (mult > 0)
        v = ceil(v / mult) * mult;
    if (isinf(v) || isnan(v))
        return NULL;
    if (integer || (v == floor(v) && fabs(v) < 9e15))
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}

/* ---- strings from patterns ------------------------------------------------ */

typedef struct rgen {
    const char *p;
    strbuf out;
} rgen;

static void alternative(rgen *g, int depth);

/* One atom: appends one matching string for it into out. */
static void atom(rgen *g, int depth)
{
    char c = *g->p++;

    if (c == '(') {
        if (g->p[0] == '?')
            g->p += g->p[1] == '<' && g->p[2] != '=' && g->p[2] != '!' ? strcspn(g->p, ">") + 1 : 2;
        alternative(g, depth + 1);
        while (*g->p == '|') { /* later alternatives are skipped */
            size_t keep = g->out.len;
            g->p++;
            alternative(g, depth + 1);
            strbuf_truncate(&g->out, keep);
        }
        if (*g->p == ')')
            g->p++;
    } else if (c == '[') {
        bool neg = *g->p == '^';
        const char *start = g->p + neg;
        char pick =
            neg ? (strchr(start, 'a') && strchr(start, 'a') < strchr(start, ']') ? '0' : 'a')
                : (*start == '\\' ? (start[1] == 'd'   ? '0'
                                     : start[1] == 'w' ? 'a'
                                     : start[1] == 's' ? ' '
                                                       : start[1])
                                  : *start);
        g->p = start + (*start == ']' ? 1 : 0);
        while (*g->p && *g->p != ']')
            g->p += *g->p == '\\' && g->p[1] ? 2 : 1;
        if (*g->p)
            g->p++;
        strbuf_add(&g->out, &pick, 1);
    } else if (c == '\\' && *g->p) {
        char e = *g->p++, o = e == 'd'   ? '0'
                              : e == 'w' ? 'a'
                              : e == 's' ? ' '
                              : e == 'D' ? 'a'
                              : e == 'W' ? '-'
                              : e == 'S' ? 'a'
                              : e == 'n' ? '\n'
                              : e == 't' ? '\t'
                                         : e;
        if (e != 'b' && e != 'B')
            strbuf_add(&g->out, &o, 1);
    } else if (c == '.') {
        strbuf_add(&g->out, "a", 1);
    } else if (c != '^' && c != '$') {
        strbuf_add(&g->out, &c, 1);
    }
}

/* Atoms with their quantifiers up to '|' or ')'. */
static void alternative(rgen *g, int depth)
{
    while (*g->p && *g->p != '|' && *g->p != ')' && depth < 32 && !g->out.oom) {
        size_t before = g->out.len;
        long reps = 1;
        atom(g, depth);
        if (*g->p == '?' || *g->p == '*')
            reps = 0, g->p++;
        else if (*g->p == '+')
            g->p++;
        else if (*g->p == '{' && g->p[1] >= '0' && g->p[1] <= '9') {
            reps = strtol(g->p + 1, NULL, 10);
            g->p = strchr(g->p, '}') ? strchr(g->p, '}') + 1 : g->p + strlen(g->p);
        }
        if (*g->p == '?')
            g->p++; /* lazy */
        if (reps == 0) {
            strbuf_truncate(&g->out, before);
        } else if (reps > 1 && reps < 1000) {
            size_t n = g->out.len - before;
            for (long k = 1; k < reps; k++)
                strbuf_add(&g->out, g->out.s + before, n);
        }
    }
}

static char *from_pattern(const char *re)
{
    rgen g = {re, {0}};

    alternative(&g, 0);
    strbuf_add(&g.out, "", 0);
    return cardc__strbuf_take(&g.out);
}

static const char *format_sample(const char *f)
{
    static const char *const s[][2] = {
        {"date-time", "2024-01-01T00:00:00Z"},
        {"date", "2024-01-01"},
        {"time", "00:00:00Z"},
        {"email", "a@example.com"},
        {"hostname", "example.com"},
        {"ipv4", "192.0.2.1"},
        {"ipv6", "2001:db8::1"},
        {"uri", "https://example.com/"},
        {"uuid", "00000000-0000-4000-8000-000000000000"},
        {"duration", "P1D"},
        {"uri-reference", "a"},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (strcmp(s[i][0], f) == 0)
            return s[i][1];
    return NULL;
}

static struct json_object *build_string(const conj *c)
{
    double minl = 0, maxl = INFINITY, v;
    char *text = NULL;
    strbuf b = {0};
    struct json_object *out;

    for (size_t i = 0; i < c->n; i++) {
        struct json_object *p = lint_get(c->v[i], "pattern"), *f = lint_get(c->v[i], "format");
        if (num(c->v[i], "minLength", &v) && v > minl)
            minl = v;
        if (num(c->v[i], "maxLength", &v) && v < maxl)
            maxl = v;
        if (!text && p && json_object_is_type(p, json_type_string))
            text = from_pattern(json_object_get_string(p));
        if (!text && f && json_object_is_type(f, json_type_string) &&
            format_sample(json_object_get_string(f)))
            text = strdup(format_sample(json_object_get_string(f)));
    }
    strbuf_str(&b, text ? text : "");
    free(text);
    while ((double)b.len < minl && b.len < 100000)
        strbuf_add(&b, "a", 1);
    if ((double)b.len > maxl)
        strbuf_truncate(&b, (size_t)maxl);
    out = json_object_new_string_len(b.s ? b.s : "", (int)b.len);
    cardc__strbuf_free(&b);
    return out;
}

/* ---- objects and arrays ------------------------------------------------------ */

/* Whether conjunct s lets an object have property name. */
static bool allows(const struct json_object *s, const char *name)
{
    struct json_object *ap = lint_get(s, "additionalProperties");

    if (lint_get(lint_get(s, "properties"), name) || lint_get(s, "patternProperties"))
        return true;
    return !(ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap));
}

/* The schemas property name gets from every conjunct. */
static size_t property_schemas(const conj *c, const char *name, const struct json_object **out)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n && n < MAX_CONJ; i++) {
        struct json_object *p = lint_get(lint_get(c->v[i], "properties"), name);
        struct json_object *ap = lint_get(c->v[i], "additionalProperties");
        if (p)
            out[n++] = p;
        else if (ap && json_object_is_type(ap, json_type_object))
            out[n++] = ap;
    }
    return n;
}

static bool has_name(struct json_object *names, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(names); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0)
            return true;
    return false;
}

static void add_names(struct json_object *names, struct json_object *required,
                      struct json_object *props)
{
    if (required && json_object_is_type(required, json_type_array))
        for (size_t i = 0; i < json_object_array_length(required); i++) {
            struct json_object *e = json_object_array_get_idx(required, i);
            if (json_object_is_type(e, json_type_string) &&
                !has_name(names, json_object_get_string(e)))
                json_object_array_add(names, json_object_new_string(json_object_get_string(e)));
        }
    if (props && json_object_is_type(props, json_type_object)) {
        json_object_object_foreach(props, key, val)
        {
            (void)val;
            if (!has_name(names, key))
                json_object_array_add(names, json_object_new_string(key));
        }
    }
}

static bool is_required(const conj *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++) {
        struct json_object *r = lint_get(c->v[i], "required");
        if (r && json_object_is_type(r, json_type_array) && has_name(r, name))
            return true;
    }
    return false;
}

static struct json_object *build_object(const wctx *w, const conj *c, int depth)
{
    struct json_object *obj = json_object_new_object(), *names = json_object_new_array();
    const struct json_object *subs[MAX_CONJ];
    bool ok = obj && names;

    for (size_t i = 0; ok && i < c->n; i++)
        add_names(names, lint_get(c->v[i], "required"),
                  w->rich ? lint_get(c->v[i], "properties") : NULL);
    for (size_t i = 0; ok && i < json_object_array_length(names); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(names, i));
        bool req = is_required(c, name), allowed = true;
        struct json_object *v = NULL;
        for (size_t k = 0; k < c->n && allowed; k++)
            allowed = allows(c->v[k], name);
        if (allowed)
            v = build_from(w, subs, property_schemas(c, name, subs), depth);
        if (allowed && (v || req))
            json_object_object_add(obj, name, v);
        else if (req)
            ok = false;
    }
    json_object_put(names);
    if (!ok) {
        json_object_put(obj);
        return NULL;
    }
    return obj;
}

static struct json_object *build_array(const wctx *w, const conj *c, int depth)
{
    struct json_object *arr = json_object_new_array();
    const struct json_object *subs[MAX_CONJ];
    double minn = w->rich ? 1 : 0, maxn = INFINITY, v;

    for (size_t i = 0; i < c->n; i++) {
        if (num(c->v[i], "minItems", &v) && v > minn)
            minn = v;
        if (num(c->v[i], "maxItems", &v) && v < maxn)
            maxn = v;
    }
    if (minn > maxn)
        minn = maxn;
    for (size_t k = 0; arr && (double)k < minn && k < 64; k++) {
        size_t n = 0;
        for (size_t i = 0; i < c->n && n < MAX_CONJ; i++) {
            struct json_object *it = lint_get(c->v[i], "items"),
                               *pre = lint_get(c->v[i], "prefixItems");
            struct json_object *tuple =
                pre ? pre : (it && json_object_is_type(it, json_type_array) ? it : NULL);
            if (tuple && k < json_object_array_length(tuple))
                subs[n++] = json_object_array_get_idx(tuple, k);
            else if (it && !json_object_is_type(it, json_type_array))
                subs[n++] = it;
        }
        struct json_object *e = build_from(w, subs, n, depth);
        if (!e && n) {
            if (!w->rich || k < (size_t)(minn > 1 ? minn : 0)) {
                json_object_put(arr);
                return NULL;
            }
            break; /* the optional rich item could not be made */
        }
        json_object_array_add(arr, e);
    }
    return arr;
}

/* ---- choosing the type ------------------------------------------------------- */

static unsigned hinted(const struct json_object *s)
{
    static const struct {
        const char *kw;
        unsigned t;
    } hints[] = {{"properties", LINT_T_OBJECT},
                 {"required", LINT_T_OBJECT},
                 {"additionalProperties", LINT_T_OBJECT},
                 {"items", LINT_T_ARRAY},
                 {"minItems", LINT_T_ARRAY},
                 {"prefixItems", LINT_T_ARRAY},
                 {"minLength", LINT_T_STRING},
                 {"maxLength", LINT_T_STRING},
                 {"pattern", LINT_T_STRING},
                 {"format", LINT_T_STRING},
                 {"minimum", LINT_T_NUMBER},
                 {"maximum", LINT_T_NUMBER}};
    unsigned t = 0;

    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (lint_get(s, hints[i].kw))
            t |= hints[i].t;
    return t;
}

static unsigned pick_type(const conj *c)
{
    static const unsigned order[] = {LINT_T_OBJECT, LINT_T_ARRAY,   LINT_T_STRING, LINT_T_INTEGER,
                                     LINT_T_NUMBER, LINT_T_BOOLEAN, LINT_T_NULL};
    unsigned allowed = 0x7F, hint = 0;

    for (size_t i = 0; i < c->n; i++) {
        unsigned t = lint_types(c->v[i]);
        if (t & LINT_T_NUMBER)
            t |= LINT_T_INTEGER;
        if (t)
            allowed &= t;
        hint |= hinted(c->v[i]);
    }
    if (hint & LINT_T_NUMBER)
        hint |= LINT_T_INTEGER;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
            if ((allowed & order[k]) && (pass || (hint & order[k])))
                return order[k];
    return 0;
}

static struct json_object *build(const wctx *w, const conj *c, int depth)
{
    unsigned t;

    if (depth > MAX_DEPTH)
        return NULL;
    for (size_t i = 0; i < c->n; i++) {
        struct json_object *k = lint_get(c->v[i], "const"), *e = lint_get(c->v[i], "enum");
        if (k)
            return json_object_get(k);
        if (e && json_object_is_type(e, json_type_array) && json_object_array_length(e))
            return json_object_get(json_object_array_get_idx(e, 0));
    }
    t = pick_type(c);
    for (size_t i = 0; w->rich && i < c->n; i++) {
        struct json_object *d = lint_get(c->v[i], "default");
        unsigned dt = d ? (json_object_is_type(d, json_type_boolean)  ? LINT_T_BOOLEAN
                           : json_object_is_type(d, json_type_string) ? LINT_T_STRING
                           : json_object_is_type(d, json_type_int)    ? LINT_T_INTEGER
                           : json_object_is_type(d, json_type_double) ? LINT_T_NUMBER
                                                                      : 0)
                        : 0;
        if (dt && (dt == t || (dt == LINT_T_INTEGER && t == LINT_T_NUMBER)))
            return json_object_get(d);
    }
    switch (t) {
    case LINT_T_OBJECT: return build_object(w, c, depth);
    case LINT_T_ARRAY: return build_array(w, c, depth);
    case LINT_T_STRING: return build_string(c);
    case LINT_T_INTEGER: return build_number(c, true);
    case LINT_T_NUMBER: return build_number(c, false);
    case LINT_T_BOOLEAN: return json_object_new_boolean(0);
    case LINT_T_NULL: return NULL; /* json-c's null; callers cannot tell it from failure */
    default: return NULL;
    }
}

struct json_object *lint_witness(const struct json_object *root,
                                 const struct json_object *const *list, size_t n, bool rich)
{
    wctx w = {root, rich};

    return build_from(&w, list, n, 0);
}
