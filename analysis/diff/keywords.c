/* SPDX-License-Identifier: MIT */
/* keywords.c: the keyword comparisons of one pair of subschemas. A missing
 * subschema (NULL) is the schema true: what a keyword that is absent
 * constrains. Each comparison knows its direction: a request schema that
 * accepts less, or a reply schema that returns more, is what breaks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

enum {
    T_NULL = 1,
    T_BOOL = 2,
    T_OBJECT = 4,
    T_ARRAY = 8,
    T_FRACTION = 16, /* a number with a fraction: "number" is T_FRACTION | T_INTEGER */
    T_STRING = 32,
    T_INTEGER = 64,
    T_ALL = 127
};

static unsigned type_bit(const char *name)
{
    static const struct {
        const char *name;
        unsigned bits;
    } map[] = {{"null", T_NULL},      {"boolean", T_BOOL},  {"object", T_OBJECT},
               {"array", T_ARRAY},    {"string", T_STRING}, {"number", T_FRACTION | T_INTEGER},
               {"integer", T_INTEGER}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(name, map[i].name) == 0)
            return map[i].bits;
    return 0;
}

unsigned diff_types(const json_object *s)
{
    json_object *t;
    unsigned bits = 0;

    if (json_object_is_type(s, json_type_boolean))
        return json_object_get_boolean(s) ? T_ALL : 0;
    if (!(t = diff_get(s, "type")))
        return T_ALL;
    if (json_object_is_type(t, json_type_string))
        return type_bit(json_object_get_string(t));
    for (size_t i = 0; json_object_is_type(t, json_type_array) && i < json_object_array_length(t);
         i++)
        bits |= type_bit(json_object_get_string(json_object_array_get_idx(t, i)));
    return bits;
}

static void type_words(unsigned bits, strbuf *b)
{
    static const struct {
        unsigned bits;
        const char *name;
    } names[] = {{T_NULL, "null"},      {T_BOOL, "boolean"},  {T_OBJECT, "object"},
                 {T_ARRAY, "array"},    {T_STRING, "string"}, {T_FRACTION | T_INTEGER, "number"},
                 {T_INTEGER, "integer"}};
    int n = 0;

    if (bits == T_ALL) {
        strbuf_str(b, "any type");
        return;
    }
    if (bits == 0) {
        strbuf_str(b, "no type (false)");
        return;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((bits & names[i].bits) == names[i].bits) {
            strbuf_printf(b, "%s%s", n++ ? "|" : "", names[i].name);
            bits &= ~names[i].bits;
        }
}

/* ptr + "/" + kw when the schema has kw, else ptr (where it would go). Heap. */
static char *at(const json_object *s, const char *ptr, const char *kw)
{
    return diff_get(s, kw) ? diff_ptr(ptr, kw) : strdup(ptr);
}

static void compare_types(diff_run *run, const json_object *o, const char *po, const json_object *n,
                          const char *pn)
{
    unsigned to = diff_types(o), tn = diff_types(n);
    strbuf a = {0}, b = {0};
    diff_check_id check;

    if (to == tn)
        return;
    check = (tn & ~to) == 0   ? DIFF_TYPE_NARROWED
            : (to & ~tn) == 0 ? DIFF_TYPE_WIDENED
                              : DIFF_TYPE_CHANGED;
    type_words(to, &a);
    type_words(tn, &b);
    diff_emit_kw(run, check, o, po, n, pn, "type", "type %s -> %s", a.s ? a.s : "?",
                 b.s ? b.s : "?");
    cardc__strbuf_free(&a);
    cardc__strbuf_free(&b);
}

/* The values enum or const allows, or NULL when neither limits them;
 * *kw is the keyword. */
static json_object *listed(const json_object *s, const char **kw)
{
    json_object *v;

    if ((v = diff_get(s, "const"))) {
        *kw = "const";
        return v;
    }
    *kw = "enum";
    v = diff_get(s, "enum");
    return json_object_is_type(v, json_type_array) ? v : NULL;
}

static bool contains_value(const json_object *list, const char *kw, const json_object *v)
{
    if (strcmp(kw, "const") == 0)
        return diff_equal(list, v);
    for (size_t i = 0; i < json_object_array_length(list); i++)
        if (diff_equal(json_object_array_get_idx(list, i), v))
            return true;
    return false;
}

/* Values of list (kw) missing from other: removed (or added) values. */
static void missing_values(diff_run *run, const json_object *list, const char *kw, const char *p,
                           const json_object *other, const char *okw, const char *q, bool removed)
{
    size_t n = strcmp(kw, "const") == 0 ? 1 : json_object_array_length(list);

    for (size_t i = 0; i < n; i++) {
        const json_object *v = strcmp(kw, "const") == 0 ? list : json_object_array_get_idx(list, i);
        char *text, *here, *there;
        if (contains_value(other, okw, v))
            continue;
        text = diff_dump(v);
        here = strcmp(kw, "const") == 0 ? diff_ptr(p, kw) : diff_ptr_index(p, i);
        there = strdup(q);
        if (text && here && there)
            diff_emit(run, removed ? DIFF_ENUM_VALUE_REMOVED : DIFF_ENUM_VALUE_ADDED,
                      removed ? here : there, removed ? there : here, "%s value %s %s", okw, text,
                      removed ? "removed" : "added");
        else
            run->oom = true;
        free(text);
        free(here);
        free(there);
    }
}

static void compare_enums(diff_run *run, const json_object *o, const char *po, const json_object *n,
                          const char *pn)
{
    const char *ko, *kn;
    json_object *lo = listed(o, &ko), *ln = listed(n, &kn);
    char *text;

    if (!lo && !ln)
        return;
    if (!lo || !ln) {
        text = diff_dump(lo ? lo : ln);
        diff_emit_kw(run, lo ? DIFF_ENUM_REMOVED : DIFF_ENUM_ADDED, o, po, n, pn, lo ? ko : kn,
                     "%s %s %s", lo ? ko : kn, text ? text : "?", lo ? "removed" : "added");
        free(text);
        return;
    }
    if (strcmp(ko, "const") == 0 && strcmp(kn, "const") == 0) {
        char *a = diff_dump(lo), *b = diff_dump(ln);
        if (!diff_equal(lo, ln))
            diff_emit_kw(run, DIFF_CONST_CHANGED, o, po, n, pn, "const", "const %s -> %s",
                         a ? a : "?", b ? b : "?");
        free(a);
        free(b);
        return;
    }
    {
        char *qo = diff_ptr(po, ko), *qn = diff_ptr(pn, kn);
        if (qo && qn) {
            missing_values(run, lo, ko, qo, ln, kn, qn, true);
            missing_values(run, ln, kn, qn, lo, ko, qo, false);
        }
        free(qo);
        free(qn);
    }
}

typedef struct bound_kw {
    const char *kw;
    bool lower;
} bound_kw;

static const bound_kw BOUNDS[] = {
    {"minimum", true},   {"exclusiveMinimum", true},  {"minLength", true},
    {"minItems", true},  {"minProperties", true},     {"minContains", true},
    {"maximum", false},  {"exclusiveMaximum", false}, {"maxLength", false},
    {"maxItems", false}, {"maxProperties", false},    {"maxContains", false},
};

static bool number_of(const json_object *s, const char *kw, double *out)
{
    json_object *v = diff_get(s, kw);

    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return false;
    *out = json_object_get_double(v);
    return true;
}

static void compare_bound(diff_run *run, const json_object *o, const char *po, const json_object *n,
                          const char *pn, const bound_kw *b)
{
    double vo = 0, vn = 0;
    bool ho = number_of(o, b->kw, &vo), hn = number_of(n, b->kw, &vn);
    bool tighter, max_length = strcmp(b->kw, "maxLength") == 0;
    diff_check_id check;

    if ((!ho && !hn) || (ho && hn && vo == vn))
        return;
    tighter = !ho || (hn && (b->lower ? vn > vo : vn < vo));
    check = max_length ? (tighter ? DIFF_MAX_LENGTH_SHORTENED : DIFF_MAX_LENGTH_LENGTHENED)
                       : (tighter ? DIFF_BOUND_TIGHTENED : DIFF_BOUND_LOOSENED);
    if (ho && hn)
        diff_emit_kw(run, check, o, po, n, pn, b->kw, "%s %g -> %g", b->kw, vo, vn);
    else if (hn)
        diff_emit_kw(run, check, o, po, n, pn, b->kw, "%s %g added", b->kw, vn);
    else
        diff_emit_kw(run, check, o, po, n, pn, b->kw, "%s removed (was %g)", b->kw, vo);
}

static void compare_multiple_of(diff_run *run, const json_object *o, const char *po,
                                const json_object *n, const char *pn)
{
    double vo = 0, vn = 0;
    bool ho = number_of(o, "multipleOf", &vo), hn = number_of(n, "multipleOf", &vn);

    if ((!ho && !hn) || (ho && hn && vo == vn))
        return;
    if (!ho || !hn) {
        diff_emit_kw(run, hn ? DIFF_BOUND_TIGHTENED : DIFF_BOUND_LOOSENED, o, po, n, pn,
                     "multipleOf", "multipleOf %g %s", hn ? vn : vo, hn ? "added" : "removed");
        return;
    }
    /* A multiple of the old step accepts less; a divisor of it, more;
     * neither: both (some values each way). */
    if (fmod(vn, vo) == 0 || fmod(vo, vn) == 0)
        diff_emit_kw(run, fmod(vn, vo) == 0 ? DIFF_BOUND_TIGHTENED : DIFF_BOUND_LOOSENED, o, po, n,
                     pn, "multipleOf", "multipleOf %g -> %g", vo, vn);
    else {
        diff_emit_kw(run, DIFF_BOUND_TIGHTENED, o, po, n, pn, "multipleOf",
                     "multipleOf %g -> %g (neither divides the other)", vo, vn);
        diff_emit_kw(run, DIFF_BOUND_LOOSENED, o, po, n, pn, "multipleOf",
                     "multipleOf %g -> %g (neither divides the other)", vo, vn);
    }
}

static void compare_unique(diff_run *run, const json_object *o, const char *po,
                           const json_object *n, const char *pn)
{
    json_object *uo = diff_get(o, "uniqueItems"), *un = diff_get(n, "uniqueItems");
    bool a = uo && json_object_get_boolean(uo), b = un && json_object_get_boolean(un);

    if (a != b)
        diff_emit_kw(run, b ? DIFF_BOUND_TIGHTENED : DIFF_BOUND_LOOSENED, o, po, n, pn,
                     "uniqueItems", "uniqueItems %s -> %s", a ? "true" : "false",
                     b ? "true" : "false");
}

static bool names_contain(const json_object *list, const char *name)
{
    for (size_t i = 0;
         json_object_is_type(list, json_type_array) && i < json_object_array_length(list); i++)
        if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)), name) == 0)
            return true;
    return false;
}

/* Names of `from`'s required list missing from `other`'s. */
static void required_missing(diff_run *run, const json_object *from, const char *pf,
                             const json_object *other, const char *pt, bool added)
{
    json_object *list = diff_get(from, "required"), *olist = diff_get(other, "required");
    char *there = at(other, pt, "required");

    for (size_t i = 0;
         json_object_is_type(list, json_type_array) && i < json_object_array_length(list) && there;
         i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(list, i));
        char *here;
        if (names_contain(olist, name))
            continue;
        here = diff_ptr(pf, "required");
        if (here) {
            char *item = diff_ptr_index(here, i);
            if (item)
                diff_emit(run, added ? DIFF_REQUIRED_ADDED : DIFF_REQUIRED_REMOVED,
                          added ? there : item, added ? item : there, "\"%s\" %s", name,
                          added ? "is required now" : "is no longer required");
            free(item);
        }
        free(here);
    }
    free(there);
}

/* What a schema allows beside its declared properties. */
typedef enum openness { OPEN, CLOSED, SCHEMA } openness;

static openness additional(const json_object *s, json_object **schema)
{
    json_object *ap = diff_get(s, "additionalProperties");

    *schema = ap;
    if (!ap || (json_object_is_type(ap, json_type_boolean) && json_object_get_boolean(ap)) ||
        (json_object_is_type(ap, json_type_object) && json_object_object_length(ap) == 0))
        return OPEN;
    if (json_object_is_type(ap, json_type_boolean))
        return CLOSED;
    return SCHEMA;
}

/* A short description of a property's schema, for messages. */
static void property_words(const json_object *s, strbuf *b)
{
    unsigned t = diff_types(s);

    if (t != T_ALL) {
        strbuf_str(b, " (type ");
        type_words(t, b);
        strbuf_str(b, ")");
    }
}

static void property_only(diff_run *run, const char *name, const json_object *s, const char *p,
                          const json_object *other, const char *q, bool removed)
{
    json_object *ap;
    bool closed = additional(other, &ap) == CLOSED;
    char *here = diff_ptr(p, name), *there = at(other, q, "properties");
    strbuf words = {0};

    property_words(s, &words);
    if (here && there)
        diff_emit(run,
                  removed ? (closed ? DIFF_CLOSED_PROPERTY_REMOVED : DIFF_PROPERTY_REMOVED)
                          : (closed ? DIFF_CLOSED_PROPERTY_ADDED : DIFF_PROPERTY_ADDED),
                  removed ? here : there, removed ? there : here, "property \"%s\"%s %s", name,
                  words.s ? words.s : "", removed ? "removed" : "added");
    else
        run->oom = true;
    cardc__strbuf_free(&words);
    free(here);
    free(there);
}

static void compare_properties(diff_run *run, const json_object *o, const char *po,
                               const json_object *n, const char *pn, int depth)
{
    json_object *ps_o = diff_get(o, "properties"), *ps_n = diff_get(n, "properties");
    char *qo = at(o, po, "properties"), *qn = at(n, pn, "properties");

    if (json_object_is_type(ps_o, json_type_object) && qo && qn) {
        json_object_object_foreach(ps_o, name, so)
        {
            json_object *sn = diff_get(ps_n, name);
            char *a = diff_ptr(qo, name), *b = sn ? diff_ptr(qn, name) : NULL;
            if (sn && a && b)
                diff_node(run, so, a, sn, b, depth + 1);
            else if (!sn)
                property_only(run, name, so, qo, n, pn, true);
            free(a);
            free(b);
        }
    }
    if (json_object_is_type(ps_n, json_type_object) && qo && qn) {
        json_object_object_foreach(ps_n, name, sn)
        {
            if (!diff_get(ps_o, name))
                property_only(run, name, sn, qn, o, po, false);
        }
    }
    free(qo);
    free(qn);
}

static void compare_additional(diff_run *run, const json_object *o, const char *po,
                               const json_object *n, const char *pn, int depth)
{
    json_object *so, *sn;
    openness a = additional(o, &so), b = additional(n, &sn);
    static const char *const words[] = {"accepted", "refused", "constrained by a schema"};

    if (a == SCHEMA && b == SCHEMA) {
        char *qo = diff_ptr(po, "additionalProperties"), *qn = diff_ptr(pn, "additionalProperties");
        if (qo && qn)
            diff_node(run, so, qo, sn, qn, depth + 1);
        free(qo);
        free(qn);
    } else if (a != b) {
        /* open < schema < closed, in what they refuse */
        bool closing = a == OPEN || (a == SCHEMA && b == CLOSED);
        diff_emit_kw(run, closing ? DIFF_AP_CLOSED : DIFF_AP_OPENED, o, po, n, pn,
                     "additionalProperties", "undeclared members: %s -> %s", words[a], words[b]);
    }
}

static void compare_text(diff_run *run, const json_object *o, const char *po, const json_object *n,
                         const char *pn, const char *kw, diff_check_id check)
{
    json_object *a = diff_get(o, kw), *b = diff_get(n, kw);
    char *ta, *tb;

    if ((!a && !b) || (a && b && diff_equal(a, b)))
        return;
    ta = a ? diff_dump(a) : NULL;
    tb = b ? diff_dump(b) : NULL;
    if (a && b)
        diff_emit_kw(run, check, o, po, n, pn, kw, "%s %s -> %s", kw, ta ? ta : "?", tb ? tb : "?");
    else
        diff_emit_kw(run, check, o, po, n, pn, kw, "%s %s %s", kw,
                     a ? (ta ? ta : "?") : (tb ? tb : "?"), a ? "removed" : "added");
    free(ta);
    free(tb);
}

static void compare_pattern(diff_run *run, const json_object *o, const char *po,
                            const json_object *n, const char *pn)
{
    json_object *a = diff_get(o, "pattern"), *b = diff_get(n, "pattern");

    if (a && b)
        compare_text(run, o, po, n, pn, "pattern", DIFF_PATTERN_CHANGED);
    else if (a || b)
        compare_text(run, o, po, n, pn, "pattern", b ? DIFF_PATTERN_ADDED : DIFF_PATTERN_REMOVED);
}

/* Descriptions are counted, not quoted (they are long). */
static void compare_description(diff_run *run, const json_object *o, const char *po,
                                const json_object *n, const char *pn)
{
    json_object *a = diff_get(o, "description"), *b = diff_get(n, "description");

    if ((!a && !b) || (a && b && diff_equal(a, b)))
        return;
    diff_emit_kw(run, DIFF_DESCRIPTION_CHANGED, o, po, n, pn, "description", "description %s",
                 a && b ? "changed"
                 : a    ? "removed"
                        : "added");
}

void diff_keywords(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, int depth)
{
    compare_types(run, o, po, n, pn);
    compare_enums(run, o, po, n, pn);
    for (size_t i = 0; i < sizeof BOUNDS / sizeof BOUNDS[0]; i++)
        compare_bound(run, o, po, n, pn, &BOUNDS[i]);
    compare_multiple_of(run, o, po, n, pn);
    compare_unique(run, o, po, n, pn);
    required_missing(run, n, pn, o, po, true);
    required_missing(run, o, po, n, pn, false);
    compare_properties(run, o, po, n, pn, depth);
    compare_additional(run, o, po, n, pn, depth);
    compare_text(run, o, po, n, pn, "default", DIFF_DEFAULT_CHANGED);
    compare_text(run, o, po, n, pn, "format", DIFF_FORMAT_CHANGED);
    compare_pattern(run, o, po, n, pn);
    compare_text(run, o, po, n, pn, "contentType", DIFF_CONTENT_TYPE_CHANGED);
    compare_text(run, o, po, n, pn, "title", DIFF_TITLE_CHANGED);
    compare_description(run, o, po, n, pn);
}
