/* SPDX-License-Identifier: MIT */
/* The assertion keywords: type, const, enum, numbers, string lengths,
 * pattern, format, counts, uniqueItems, required, dependentRequired. Each
 * returns 1 (passes), 0 (fails, error recorded when recording) or -1 (the
 * validation must stop). Messages are built only when recorded (REC). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "schema/validate_internal.h"

int cardc__v_type(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    strbuf m = V_MESSAGE;
    (void)ev;
    if (t & in->u.types)
        return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be of type ");
        cardc__v_sb_types(&m, in->u.types);
        strbuf_str(&m, ", ");
        cardc__v_sb_got(&m, c->doc, inst);
    }
    return cardc__v_kw_error(c, in, CARDC_V_TYPE, &m, NULL);
}

/* Whether string value v (of doc d) is the string value w (of doc e):
 * the common const/enum case, without the general comparison's call. */
static ALWAYS_INLINE bool same_string(const cardc_doc *d, const cardc_dval *v, const cardc_doc *e,
                                      const cardc_dval *w)
{
    return v->u.s.len == w->u.s.len && same_bytes(cardc__dstr(d, v), cardc__dstr(e, w), v->u.s.len);
}

static ALWAYS_INLINE bool equal_value(const vctx *c, const cardc_dval *inst, const cardc_doc *e,
                                      const cardc_dval *w)
{
    if (w->kind == DK_STRING)
        return inst->kind == DK_STRING && same_string(c->doc, inst, e, w);
    return (inst->types & w->types) && cardc__dequal(c->doc, inst, e, w);
}

int cardc__v_const(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    const cconst *cv = in->u.cval;
    strbuf m = V_MESSAGE;
    (void)ev;
    (void)t;
    if (equal_value(c, inst, &cv->doc, &cv->doc.v[0]))
        return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be equal to ");
        cardc__v_dump(&m, &cv->doc, &cv->doc.v[0], 256);
        strbuf_str(&m, ", ");
        cardc__v_sb_got(&m, c->doc, inst);
    }
    return cardc__v_kw_error(c, in, CARDC_V_CONST, &m, NULL);
}

/* Whether inst equals one of enum cv's values: through the hash table of
 * a long enum, by comparison with each value of a short one. */
static bool enum_has(const vctx *c, const cconst *cv, const cardc_dval *inst, uint32_t t)
{
    if (!(t & cv->types))
        return false;
    if (cv->tab) {
        /* a string's cardc__dhash, without the call */
        uint64_t h =
            inst->kind == DK_STRING
                ? cardc__doc_hash(cardc__dstr(c->doc, inst), inst->u.s.len) * 0x9E3779B97F4A7C15u
                : cardc__dhash(c->doc, inst);
        for (uint32_t at = (uint32_t)h & cv->mask; cv->tab[at]; at = (at + 1) & cv->mask) {
            uint32_t k = cv->tab[at] - 1;
            if (cv->hash[k] == h && equal_value(c, inst, &cv->doc, cv->vals[k]))
                return true;
        }
        return false;
    }
    for (size_t i = 0; i < cv->n; i++)
        if (equal_value(c, inst, &cv->doc, cv->vals[i]))
            return true;
    return false;
}

int cardc__v_enum(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    const cconst *cv = in->u.cval;
    strbuf m = V_MESSAGE;
    size_t i;
    (void)ev;
    if (enum_has(c, cv, inst, t))
        return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be one of ");
        for (i = 0; i < cv->n; i++) {
            if (i)
                strbuf_str(&m, ", ");
            if (m.len > 200) {
                strbuf_str(&m, "...");
                break;
            }
            cardc__v_dump(&m, &cv->doc, cv->vals[i], m.len + 64);
        }
        strbuf_str(&m, ", got ");
        cardc__v_dump(&m, c->doc, inst, m.len + 64);
    }
    return cardc__v_kw_error(c, in, CARDC_V_ENUM, &m, NULL);
}

/* Exact decimal multipleOf: value and divisor as digits * 10^exp. 1 a
 * multiple, 0 not, -1 out of memory. */
static int multiple_of(const cardc_dval *v, const cnum *div)
{
    char t[64];
    cdecimal a;
    long e;
    size_t bl, i, azeros, bzeros;
    uint64_t bv = 0, r = 0;
    int parsed = 0;

    if (div->dec.digits) {
        cardc__dnum_text(v, t, sizeof t);
        if ((parsed = cardc__decimal_parse(t, &a)) < 0)
            return -1;
    }
    if (parsed) {
        if (!strcmp(a.digits, "0")) {
            free(a.digits);
            return 1;
        }
        e = a.exp < div->dec.exp ? a.exp : div->dec.exp;
        azeros = (size_t)(a.exp - e);
        bzeros = (size_t)(div->dec.exp - e);
        bl = strlen(div->dec.digits) + bzeros;
        if (bl <= 18 && strlen(a.digits) + azeros < 1000000) {
            for (i = 0; div->dec.digits[i]; i++)
                bv = bv * 10 + (uint64_t)(div->dec.digits[i] - '0');
            for (i = 0; i < bzeros; i++)
                bv *= 10;
            for (i = 0; a.digits[i]; i++)
                r = (r * 10 + (uint64_t)(a.digits[i] - '0')) % bv;
            for (i = 0; i < azeros && r; i++)
                r = (r * 10) % bv;
            free(a.digits);
            return r == 0;
        }
        free(a.digits);
    }
    {
        long double x = cardc__dnum(v), q;
        if (!isfinite((double)x))
            return 0;
        q = x / div->v;
        if (!isfinite((double)q))
            return 0;
        return q == floorl(q);
    }
}

int cardc__v_multiple_of(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    strbuf m = V_MESSAGE;
    int r;
    (void)ev;
    if (!(t & T_NUMBER) || (r = multiple_of(inst, &in->u.num)) > 0)
        return 1;
    if (r < 0)
        return cardc__v_nomem(c);
    if (REC(c)) {
        strbuf_str(&m, "must be a multiple of ");
        cardc__v_dump(&m, c->doc, &in->u.num.val, 64);
        strbuf_str(&m, ", got ");
        cardc__v_dump(&m, c->doc, inst, 64);
    }
    return cardc__v_kw_error(c, in, CARDC_V_MULTIPLE_OF, &m, NULL);
}

/* maximum, exclusiveMaximum, minimum, exclusiveMinimum. */
int cardc__v_bound(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    static const struct {
        const char *rel;
        cardc_vcode code;
    } how[] = {{"<=", CARDC_V_MAXIMUM},
               {"<", CARDC_V_EXCLUSIVE_MAXIMUM},
               {">=", CARDC_V_MINIMUM},
               {">", CARDC_V_EXCLUSIVE_MINIMUM}};
    strbuf m = V_MESSAGE;
    long double x, y = in->u.num.v;
    int ok, k = in->op - OP_MAXIMUM;
    (void)ev;
    if (!(t & T_NUMBER))
        return 1;
    x = cardc__dnum(inst);
    ok = k == 0 ? x <= y : k == 1 ? x < y : k == 2 ? x >= y : x > y;
    if (ok)
        return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be ");
        strbuf_str(&m, how[k].rel);
        strbuf_str(&m, " ");
        cardc__v_dump(&m, c->doc, &in->u.num.val, 64);
        strbuf_str(&m, ", got ");
        cardc__v_dump(&m, c->doc, inst, 64);
    }
    return cardc__v_kw_error(c, in, how[k].code, &m, NULL);
}

/* Code points of string v into *cps; 0 when it is not valid UTF-8 (a
 * json-c string built through the API: parsed text is always valid). */
static ALWAYS_INLINE int code_points(const vctx *c, const cardc_dval *v, size_t *cps)
{
    const unsigned char *s = (const unsigned char *)cardc__dstr(c->doc, v);
    if (v->flags & DF_ASCII) {
        *cps = v->u.s.len;
        return 1;
    }
    if (v->flags & DF_UTF8) {
        size_t k = 0;
        for (size_t i = 0; i < v->u.s.len; i++)
            k += !utf8_is_continuation(s[i]);
        *cps = k;
        return 1;
    }
    return utf8_count(s, v->u.s.len, cps);
}

int cardc__v_length(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    strbuf m = V_MESSAGE;
    size_t cps;
    bool max = in->op == OP_MAX_LENGTH;
    (void)ev;
    if (!(t & T_STRING))
        return 1;
    /* code points are at most the bytes, at least a quarter of them */
    if (max ? inst->u.s.len <= in->u.count : inst->u.s.len / 4 >= in->u.count)
        if (inst->flags & (DF_UTF8 | DF_ASCII))
            return 1;
    if (!code_points(c, inst, &cps))
        return cardc__v_bad_utf8(c, in);
    if (max ? cps <= in->u.count : cps >= in->u.count)
        return 1;
    if (REC(c)) { /* not strbuf_printf: see cardc__v_sb_zu() */
        strbuf_str(&m, max ? "must be at most " : "must be at least ");
        cardc__v_sb_zu(&m, in->u.count);
        strbuf_str(&m, in->u.count == 1 ? " character, got " : " characters, got ");
        cardc__v_sb_zu(&m, cps);
    }
    return cardc__v_kw_error(c, in, max ? CARDC_V_MAX_LENGTH : CARDC_V_MIN_LENGTH, &m, NULL);
}

int cardc__v_pattern(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    strbuf m = V_MESSAGE;
    int r;
    size_t cps;
    (void)ev;
    if (!(t & T_STRING))
        return 1;
    if (!(inst->flags & DF_UTF8) && !code_points(c, inst, &cps))
        return cardc__v_bad_utf8(c, in);
    r = cardc__v_regex(c, in, in->u.pattern.re, cardc__dstr(c->doc, inst), inst->u.s.len);
    if (r != 0)
        return r;
    if (REC(c)) {
        const char *pat = cardc_regex_pattern(in->u.pattern.re);
        strbuf_str(&m, "must match pattern ");
        cardc__v_dump_str(&m, pat, strlen(pat), 64);
        strbuf_str(&m, ", got ");
        cardc__v_dump(&m, c->doc, inst, 64);
    }
    return cardc__v_kw_error(c, in, CARDC_V_PATTERN, &m, NULL);
}

int cardc__v_format(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    strbuf m = V_MESSAGE;
    size_t cps;
    (void)ev;
    if (!in->u.format.assert_ || !(t & T_STRING))
        return 1;
    if (!(inst->flags & DF_UTF8) && !code_points(c, inst, &cps))
        return cardc__v_bad_utf8(c, in);
    if (cardc_format_check(in->u.format.kind, cardc__dstr(c->doc, inst), inst->u.s.len))
        return 1;
    if (REC(c)) {
        strbuf_printf(&m, "must be a valid %s, got ", json_object_get_string(in->u.format.name));
        cardc__v_dump(&m, c->doc, inst, 64);
    }
    return cardc__v_kw_error(c, in, CARDC_V_FORMAT, &m, NULL);
}

/* maxItems, minItems, maxProperties, minProperties. */
int cardc__v_count(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    static const cardc_vcode codes[] = {CARDC_V_MAX_ITEMS, CARDC_V_MIN_ITEMS,
                                        CARDC_V_MAX_PROPERTIES, CARDC_V_MIN_PROPERTIES};
    strbuf m = V_MESSAGE;
    bool arr = in->op == OP_MAX_ITEMS || in->op == OP_MIN_ITEMS;
    bool max = in->op == OP_MAX_ITEMS || in->op == OP_MAX_PROPS;
    size_t n;
    (void)ev;
    if (!(t & (arr ? T_ARRAY : T_OBJECT)))
        return 1;
    n = cardc__dcount(inst);
    if (max ? n <= in->u.count : n >= in->u.count)
        return 1;
    if (REC(c))
        strbuf_printf(&m, "must have at %s %llu %s%s, got %zu", max ? "most" : "least",
                      (unsigned long long)in->u.count, arr ? "item" : "propert",
                      arr ? (in->u.count == 1 ? "" : "s") : (in->u.count == 1 ? "y" : "ies"), n);
    return cardc__v_kw_error(c, in, codes[(arr ? 0 : 2) + (max ? 0 : 1)], &m, NULL);
}

typedef struct hidx {
    uint64_t h;
    size_t i;
    const cardc_dval *v;
} hidx;

static int hidx_cmp(const void *a, const void *b)
{
    const hidx *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* A duplicate among the array's plain elements; n > 16: hash-sorted so
 * that hostile large arrays stay O(n log n). 1 found (the pair with the
 * smallest first index, then second), 0 none, -1 out of memory. */
static int find_duplicate(const vctx *c, const cardc_dval *arr, size_t *pi, size_t *pj)
{
    size_t n = cardc__dcount(arr), i, j, a, b;
    const cardc_dval *e = arr + 1;
    cardc_dval *tmp = arr->kind == DK_BYTES ? malloc(n * sizeof *tmp) : NULL;
    hidx *v = malloc((n ? n : 1) * sizeof *v);
    int found = 0;

    if (!v || (arr->kind == DK_BYTES && !tmp)) {
        free(v);
        free(tmp);
        return -1;
    }
    for (i = 0; i < n; i++) {
        v[i].v = arr->kind == DK_BYTES ? cardc__darray_at(c->doc, arr, i, &tmp[i]) : e;
        v[i].h = n > 16 ? cardc__dhash(c->doc, v[i].v) : 0;
        v[i].i = i;
        if (arr->kind != DK_BYTES)
            e += cardc__dsize(e);
    }
    if (n > 16)
        qsort(v, n, sizeof *v, hidx_cmp);
    for (a = 0; a < n; a = b) {
        for (b = a + 1; b < n && v[b].h == v[a].h; b++)
            ;
        for (i = a; i < b; i++)
            for (j = i + 1; j < b; j++)
                if ((!found || v[i].i < *pi || (v[i].i == *pi && v[j].i < *pj)) &&
                    cardc__dequal(c->doc, v[i].v, c->doc, v[j].v)) {
                    *pi = v[i].i < v[j].i ? v[i].i : v[j].i;
                    *pj = v[i].i < v[j].i ? v[j].i : v[i].i;
                    found = 1;
                }
    }
    free(v);
    free(tmp);
    return found;
}

int cardc__v_unique(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i = 0, j = 0;
    int r;
    (void)ev;
    if (!(t & T_ARRAY) || cardc__dcount(inst) < 2)
        return 1;
    r = find_duplicate(c, inst, &i, &j);
    if (r < 0)
        return cardc__v_nomem(c);
    if (r == 0)
        return 1;
    return cardc__v_err_fmt(c, in, CARDC_V_UNIQUE_ITEMS, NULL,
                            "must not have duplicate items, items %zu and %zu are equal", i, j);
}

static NOINLINE int missing(vctx *c, const cinstr *in, const ckey *k)
{
    strbuf m = V_MESSAGE;
    if (REC(c)) {
        strbuf_str(&m, "must have required property ");
        cardc__v_dump_str(&m, k->s, k->len, 64);
    }
    return cardc__v_kw_error(c, in, CARDC_V_REQUIRED, &m, k->s);
}

int cardc__v_required(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i;
    int ok = 1;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    for (i = 0; i < in->u.req.n; i++) {
        if (member(c, inst, &in->u.req.keys[i]))
            continue;
        if (!REC(c))
            return 0;
        ok = 0;
        if (missing(c, in, &in->u.req.keys[i]) < 0)
            return -1;
        if (c->fast)
            break;
    }
    return ok;
}

int cardc__v_dep_required(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    strbuf m = V_MESSAGE;
    size_t i, j;
    int ok = 1;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    for (i = 0; i < in->u.depreq.k.n; i++) {
        const ckey *key = &in->u.depreq.k.keys[i];
        if (!member(c, inst, key))
            continue;
        for (j = 0; j < in->u.depreq.nlist[i]; j++) {
            const ckey *need = &in->u.depreq.lists[i][j];
            if (member(c, inst, need))
                continue;
            ok = 0;
            if (REC(c)) {
                strbuf_str(&m, "must have property ");
                cardc__v_dump_str(&m, need->s, need->len, 64);
                strbuf_str(&m, " when property ");
                cardc__v_dump_str(&m, key->s, key->len, 64);
                strbuf_str(&m, " is present");
            }
            if (cardc__v_kw_error(c, in, CARDC_V_DEPENDENT_REQUIRED, &m, need->s) < 0)
                return -1;
            memset(&m, 0, sizeof m);
            if (c->fast)
                return 0;
        }
    }
    return ok;
}
