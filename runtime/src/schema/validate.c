/* SPDX-License-Identifier: MIT */
/* Evaluating a compiled schema against an instance (see schema_internal.h).
 * All state lives in vctx, one per cardc_validate() call. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/json.h"
#include "common/errors_internal.h"
#include "common/stack_guard.h"
#include "json/json_internal.h"
#include "schema/schema_internal.h"
#include "common/strbuf.h"
#include "common/utf8.h"

static const char *const vcode_names[] = {
#define CARDC_X_(e, n) n,
    CARDC_VCODE_MAP(CARDC_X_)
#undef CARDC_X_
};

const char *cardc_vcode_name(cardc_vcode code)
{
    if ((unsigned)code >= CARDC_VCODE_COUNT_)
        return "unknown";
    return vcode_names[code];
}

void cardc_validate_options_init(cardc_validate_options *o)
{
    if (o)
        memset(o, 0, sizeof *o);
}

#if defined(__GNUC__)
#define NOINLINE      __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NOINLINE
#define ALWAYS_INLINE inline
#endif

#define EVAL_BASE      10000000u
#define EVAL_PER_VALUE 1000u

typedef struct seg {
    const char *s; /* NULL: index */
    size_t n;      /* length of s, or the index */
} seg;

typedef struct pdefault {
    struct json_object *obj;
    const char *key;
    struct json_object *value;
} pdefault;

typedef struct act {
    const cnode *node;
    size_t ilevel;
} act;

typedef struct vctx {
    const cardc_schema *s;
    cardc_result *r;
    cardc_error *err;
    cardc_status fatal;
    bool rec;      /* errors are recorded (a result was given) */
    bool fast;     /* stop at the first failure */
    bool ann;      /* collect annotations */
    bool defaults; /* collect defaults */
    int quiet;     /* > 0: inside a subschema whose errors are discarded */
    int mute;      /* > 0: inside "not", whose annotations are discarded too */
    size_t max_errors;
    size_t max_depth;
    stack_guard stack;
    /* Work guard against schemas that branch exponentially without
     * consuming the instance: node evaluations may not exceed
     * EVAL_BASE + EVAL_PER_VALUE * (instance values descended into). */
    uint64_t evals, values;
    seg *ip;
    size_t nip, capip;
    seg *kp;
    size_t nkp, capkp;
    const cresource **scope;
    size_t nscope, capscope;
    act *acts;
    size_t nact, capact;
    pdefault *defs;
    size_t ndefs, capdefs;
    /* first slots of the stacks: most validations never touch the heap */
    seg ip_small[32];
    seg kp_small[64];
    const cresource *scope_small[16];
    act acts_small[64];
} vctx;

/* Evaluated properties / items of one instance (only with unevaluated*). */
typedef struct evset {
    unsigned char *m;
    size_t n;
} evset;

static void fatal_pointer(vctx *c);
static NOINLINE int fatal(vctx *c, cardc_status code, const char *fmt, ...) CARDC_PRINTF_(3, 4);
static NOINLINE int fatal(vctx *c, cardc_status code, const char *fmt, ...)
{
    if (c->fatal == CARDC_OK) {
        char msg[CARDC_ERROR_MESSAGE_MAX];
        va_list ap;
        c->fatal = code;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (c->err && c->err->code == CARDC_OK) {
            cardc__error(c->err, code, "%s", msg);
            fatal_pointer(c);
        }
    }
    return -1;
}

static int nomem(vctx *c)
{
    return fatal(c, CARDC_E_NOMEM, "out of memory");
}

/* Room for one more element in arr (n used of cap); small: the buffer inside
 * vctx the array starts in, if any. */
#define GROWS(c, arr, n, cap, small) \
    ((n) < (cap) ? 1 : grow((void **)&(arr), &(cap), sizeof *(arr), small) ? 1 : (nomem(c), 0))
#define GROW(c, arr, n, cap) GROWS(c, arr, n, cap, NULL)

static NOINLINE int grow(void **arr, size_t *cap, size_t elem, void *small)
{
    size_t nc = *cap ? *cap * 2 : 32;
    void *v;
    if (small && *arr == small) {
        v = malloc(nc * elem);
        if (v)
            memcpy(v, small, *cap * elem);
    } else {
        v = realloc(*arr, nc * elem);
    }
    if (!v)
        return 0;
    *arr = v;
    *cap = nc;
    return 1;
}

/* Pushes a segment (s NULL: the index n) onto the instance or keyword path.
 * Always inlined into the four wrappers, so the field pointers fold away and
 * the hot loop pays no more than the hand-written pushes did. */
static ALWAYS_INLINE int seg_push(vctx *c, seg **v, size_t *nv, size_t *cap, seg *small,
                                  const char *s, size_t n)
{
    if (!GROWS(c, *v, *nv, *cap, small))
        return 0;
    (*v)[*nv].s = s;
    (*v)[*nv].n = n;
    (*nv)++;
    return 1;
}

static ALWAYS_INLINE int ipush_key(vctx *c, const char *k, size_t n)
{
    return seg_push(c, &c->ip, &c->nip, &c->capip, c->ip_small, k, n);
}

static ALWAYS_INLINE int ipush_idx(vctx *c, size_t i)
{
    return seg_push(c, &c->ip, &c->nip, &c->capip, c->ip_small, NULL, i);
}

static ALWAYS_INLINE int kpush(vctx *c, const char *k, size_t n)
{
    return seg_push(c, &c->kp, &c->nkp, &c->capkp, c->kp_small, k, n);
}

static ALWAYS_INLINE int kpush_idx(vctx *c, size_t i)
{
    return seg_push(c, &c->kp, &c->nkp, &c->capkp, c->kp_small, NULL, i);
}

/* ---- strings ---- */

/* Decimal text of v. Not strbuf_printf: glibc's vsnprintf costs ~1,400
 * instructions even for "%zu", about a third of a fast-mode validation of
 * a small invalid payload (bench_validate invalid-type). */
static void sb_zu(strbuf *b, uint64_t v)
{
    char t[24];
    size_t i = sizeof t;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    strbuf_add(b, t + i, sizeof t - i);
}

static void sb_path(strbuf *b, const seg *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        strbuf_add(b, "/", 1);
        if (v[i].s)
            strbuf_pointer_token(b, v[i].s, v[i].n);
        else
            sb_zu(b, v[i].n);
    }
}

/* err->pointer of a validation that could not finish: where in the
 * instance it stopped. */
static void fatal_pointer(vctx *c)
{
    strbuf b = {0};
    sb_path(&b, c->ip, c->nip);
    if (!b.oom)
        cardc__error_pointer(c->err, b.s ? b.s : "");
    free(b.s);
}

#define VALUE_MAX 40

/* A string s[0..n) as a JSON string, cut after VALUE_MAX code points;
 * nothing once b is longer than limit (as dump). */
static void dump_text(strbuf *b, const char *text, size_t n, size_t limit)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t cps = 0;

    if (b->len > limit)
        return;
    strbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (!utf8_is_continuation(s[i])) {
            if (cps++ >= VALUE_MAX) {
                strbuf_str(b, "...");
                break;
            }
        }
        if (s[i] == '"' || s[i] == '\\') {
            char e[2] = {'\\', (char)s[i]};
            strbuf_add(b, e, 2);
        } else if (s[i] < 0x20) {
            strbuf_printf(b, "\\u%04x", s[i]);
        } else
            strbuf_add(b, (const char *)&s[i], 1);
    }
    strbuf_add(b, "\"", 1);
}

/* Compact JSON of v, cut after about VALUE_MAX characters ("..."). Never
 * touches v (json-c's own serialiser caches into the object, which would
 * race between threads sharing a compiled schema). */
static void dump(strbuf *b, const struct json_object *cv, size_t limit)
{
    struct json_object *v = (struct json_object *)(uintptr_t)cv;
    size_t start = b->len;
    char t[64];

    if (b->len > limit)
        return;
    switch (json_object_get_type(v)) {
    case json_type_null: strbuf_str(b, "null"); break;
    case json_type_boolean: strbuf_str(b, json_object_get_boolean(v) ? "true" : "false"); break;
    case json_type_int:
    case json_type_double:
        cardc__num_text(v, t, sizeof t);
        strbuf_str(b, t);
        break;
    case json_type_string:
        dump_text(b, json_object_get_string(v), (size_t)json_object_get_string_len(v), limit);
        break;
    case json_type_array: {
        size_t i, n = json_object_array_length(v);
        strbuf_add(b, "[", 1);
        for (i = 0; i < n; i++) {
            if (i)
                strbuf_add(b, ",", 1);
            if (b->len - start > VALUE_MAX) {
                strbuf_str(b, "...");
                break;
            }
            dump(b, json_object_array_get_idx(v, i), limit);
        }
        strbuf_add(b, "]", 1);
        break;
    }
    case json_type_object: {
        int first = 1;
        strbuf_add(b, "{", 1);
        {
            json_object_object_foreach(v, k, val)
            {
                if (!first)
                    strbuf_add(b, ",", 1);
                first = 0;
                if (b->len - start > VALUE_MAX) {
                    strbuf_str(b, "...");
                    break;
                }
                dump_text(b, k, strlen(k), limit);
                strbuf_add(b, ":", 1);
                dump(b, val, limit);
            }
        }
        strbuf_add(b, "}", 1);
        break;
    }
    }
}

static const char *type_name(const struct json_object *cv)
{
    struct json_object *v = (struct json_object *)(uintptr_t)cv;
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "boolean";
    case json_type_int: return "integer";
    case json_type_double: {
        double d = json_object_get_double(v);
        return (isfinite(d) && d == floor(d)) ? "integer" : "number";
    }
    case json_type_string: return "string";
    case json_type_array: return "array";
    case json_type_object: return "object";
    }
    return "unknown";
}

/* "got number 5.5", "got object" */
static void sb_got(strbuf *b, const struct json_object *v)
{
    strbuf_str(b, "got "); /* not strbuf_printf: see sb_zu() */
    strbuf_str(b, type_name(v));
    if (json_object_get_type((struct json_object *)(uintptr_t)v) != json_type_object &&
        json_object_get_type((struct json_object *)(uintptr_t)v) != json_type_array &&
        json_object_get_type((struct json_object *)(uintptr_t)v) != json_type_null) {
        strbuf_add(b, " ", 1);
        dump(b, v, 256);
    }
}

/* ---- recording ---- */

/* Records an error of keyword `kw` (NULL: the schema itself, e.g. false).
 * Takes ownership of msg->s. */
static int record(vctx *c, const char *kw, const char *abs, cardc_vcode code, strbuf *msg,
                  const char *param)
{
    strbuf b = {0};
    runit u;
    size_t il, kl, al, ml, kwl;
    char *p;

    if (!c->rec || c->quiet) {
        free(msg->s);
        return 0;
    }
    if (c->r->nerr >= c->max_errors) {
        c->r->truncated = true;
        free(msg->s);
        return 0;
    }
    if (msg->oom) {
        free(msg->s);
        return nomem(c);
    }
    memset(&u, 0, sizeof u);
    al = strlen(abs);
    /* One allocation for the five strings in the common case (the paths'
     * segments are short): growing from empty took 3-4 reallocs. */
    strbuf_reserve(&b, 16 * (c->nip + c->nkp) + 2 * al + 64 + (msg->s ? msg->len : 0));
    sb_path(&b, c->ip, c->nip);
    strbuf_add(&b, "", 0);
    il = b.len;
    strbuf_add(&b, "", 1);
    sb_path(&b, c->kp, c->nkp);
    if (kw) {
        strbuf_add(&b, "/", 1);
        strbuf_str(&b, kw);
    }
    kl = b.len;
    strbuf_add(&b, "", 1);
    strbuf_add(&b, abs, al);
    strbuf_add(&b, "", 1);
    kwl = b.len;
    strbuf_str(&b, kw ? kw : "false");
    strbuf_add(&b, "", 1);
    ml = b.len;
    strbuf_str(&b, msg->s ? msg->s : "");
    free(msg->s);
    if (b.oom || !b.s) {
        free(b.s);
        return nomem(c);
    }
    /* The embedded NULs separate the five strings in one block. */
    p = b.s;
    u.buf = p;
    u.u.instance_location = p;
    p[il] = '\0';
    u.u.keyword_location = p + il + 1;
    u.u.absolute_keyword_location = p + kl + 1;
    u.u.keyword = p + kwl;
    u.u.message = p + ml;
    u.u.code = code;
    u.ilevel = (uint32_t)c->nip;
    u.klevel = (uint32_t)c->nkp + (kw ? 1u : 0u);
    if (param) {
        size_t pl = strlen(param);
        u.param = malloc(pl + 1);
        if (!u.param) {
            free(b.s);
            return nomem(c);
        }
        memcpy(u.param, param, pl + 1);
    }
    if (!cardc__result_push_error(c->r, &u)) {
        cardc__unit_free(&u);
        return nomem(c);
    }
    return 0;
}

#define REC(c) ((c)->rec && !(c)->quiet)

static int kw_error(vctx *c, const cinstr *in, cardc_vcode code, strbuf *m, const char *param)
{
    record(c, in->kw, in->abs, code, m, param);
    return c->fatal ? -1 : 0;
}

static int bad_utf8(vctx *c, const cinstr *in)
{
    strbuf m = {0};
    if (REC(c))
        strbuf_str(&m, "must be valid UTF-8");
    record(c, in->kw, in->abs, CARDC_V_INVALID_UTF8, &m, NULL);
    return c->fatal ? -1 : 0;
}

/* Out of line so that the recursive evaluation path keeps small frames. */
static NOINLINE int err_fmt(vctx *c, const cinstr *in, cardc_vcode code, const char *param,
                            const char *fmt, ...) CARDC_PRINTF_(5, 6);
static NOINLINE int err_fmt(vctx *c, const cinstr *in, cardc_vcode code, const char *param,
                            const char *fmt, ...)
{
    strbuf m = {0};
    if (REC(c)) {
        char tmp[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(tmp, sizeof tmp, fmt, ap);
        va_end(ap);
        strbuf_str(&m, tmp);
    }
    return kw_error(c, in, code, &m, param);
}

static NOINLINE int err_key(vctx *c, const cinstr *in, cardc_vcode code, const char *prefix,
                            const char *k, size_t kl)
{
    strbuf m = {0};
    if (REC(c)) {
        strbuf_str(&m, prefix);
        dump_text(&m, k, kl, 64);
    }
    return kw_error(c, in, code, &m, k);
}

/* Short keys: an inline loop beats a call to strcmp. */
static ALWAYS_INLINE int key_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Member lookup: small objects are scanned (key length first), which beats
 * hashing the key; larger ones use json-c's hash table. */
static struct json_object *member(struct json_object *obj, const ckey *k, int *found)
{
    struct lh_table *t = json_object_get_object(obj);
    struct lh_entry *e;
    struct json_object *v = NULL;
    if (t->count > 8) {
        *found = json_object_object_get_ex(obj, k->s, &v);
        return v;
    }
    for (e = t->head; e; e = e->next) {
        const char *key = (const char *)e->k;
        if (key_eq(key, k->s)) {
            *found = 1;
            return (struct json_object *)(uintptr_t)e->v;
        }
    }
    *found = 0;
    return NULL;
}

static int has_member(struct json_object *obj, const ckey *k)
{
    int f;
    member(obj, k, &f);
    return f;
}

static uint32_t inst_types(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return T_NULL;
    case json_type_boolean: return T_BOOLEAN;
    case json_type_object: return T_OBJECT;
    case json_type_array: return T_ARRAY;
    case json_type_string: return T_STRING;
    case json_type_int: return T_NUMBER | T_INTEGER;
    case json_type_double: {
        double d = json_object_get_double(v);
        return T_NUMBER | ((isfinite(d) && d == floor(d)) ? T_INTEGER : 0u);
    }
    }
    return 0;
}

/* inst_types() reading the type directly when json-c's layout allows (see
 * cardc_schema.peek_type): every node evaluation and oneOf/anyOf asks, and
 * the call into json-c was ~10 of the ~160 instructions of a node. */
static ALWAYS_INLINE uint32_t inst_types_c(const vctx *c, struct json_object *v)
{
    enum json_type ty;
    if (!v || !c->s->peek_type)
        return inst_types(v);
    memcpy(&ty, (const void *)v, sizeof ty);
    switch (ty) {
    case json_type_object: return T_OBJECT;
    case json_type_array: return T_ARRAY;
    case json_type_string: return T_STRING;
    case json_type_int: return T_NUMBER | T_INTEGER;
    default: return inst_types(v);
    }
}

/* inst_types(v) & mask, without the integer test unless it matters. */
static ALWAYS_INLINE uint32_t quick_ok(struct json_object *v, uint32_t mask, bool peek)
{
    enum json_type ty;
    if (!v)
        return mask & T_NULL;
    if (peek)
        memcpy(&ty, (const void *)v, sizeof ty); /* see cardc_schema.peek_type */
    else
        ty = json_object_get_type(v);
    switch (ty) {
    case json_type_int: return mask & (T_NUMBER | T_INTEGER);
    case json_type_string: return mask & T_STRING;
    case json_type_double:
        if (mask & T_NUMBER)
            return 1;
        return inst_types(v) & mask;
    default: return inst_types(v) & mask;
    }
}

/* First index in [from, to) of al whose element quick_ok() rejects, or to.
 * The json-c types that pass outright are folded into one bitmask and the
 * loop state kept in locals (no reloads through c or the node): 9
 * instructions per element instead of 20 (64-number image array: ~1,300 ->
 * ~640 instructions per validation). Doubles that need the integer test and
 * NULL elements leave the hot loop for quick_ok(). */
static NOINLINE size_t quick_run(const struct array_list *al, size_t from, size_t to, uint32_t mask,
                                 bool peek)
{
    struct json_object *const *a = (struct json_object *const *)al->array;
    unsigned pass = 0;
    size_t i;
    if (mask & T_NULL)
        pass |= 1u << json_type_null;
    if (mask & T_BOOLEAN)
        pass |= 1u << json_type_boolean;
    if (mask & T_NUMBER)
        pass |= 1u << json_type_double;
    if (mask & (T_NUMBER | T_INTEGER))
        pass |= 1u << json_type_int;
    if (mask & T_OBJECT)
        pass |= 1u << json_type_object;
    if (mask & T_ARRAY)
        pass |= 1u << json_type_array;
    if (mask & T_STRING)
        pass |= 1u << json_type_string;
    /* Measured (medians of 8 alternating runs, 2-core VM): on image-1mb's
     * million elements, which miss the cache, this loop took ~4.4 ms against
     * ~3.85 ms for the plain quick_ok() loop (unrolling by four did not
     * help), while on small arrays it is the faster (small: ~197 vs ~211 ns).
     * Large arrays keep the plain loop. */
    if (!peek || to - from > 4096) {
        for (i = from; i < to; i++)
            if (!quick_ok(a[i], mask, peek))
                break;
        return i;
    }
    i = from;
    for (;;) {
        /* the hot loop: a load, a bit test, the bounds */
        for (; i < to; i++) {
            unsigned ty;
            if (!a[i])
                break;
            memcpy(&ty, (const void *)a[i], sizeof ty); /* see cardc_schema.peek_type */
            if (!(pass >> (ty & 31u) & 1u))
                break;
        }
        if (i == to || !quick_ok(a[i], mask, true))
            return i;
        i++;
    }
}

static long double inst_num(struct json_object *v)
{
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
            return (long double)json_object_get_uint64(v);
        return (long double)i;
    }
    return (long double)json_object_get_double(v);
}

/* Exact decimal multipleOf: value and divisor as digits * 10^exp. 1 a
 * multiple, 0 not, -1 out of memory. */
static int multiple_of(struct json_object *v, const cnum *div)
{
    char t[64];
    cdecimal a;
    long e;
    size_t bl, i, azeros, bzeros;
    uint64_t bv = 0, r = 0;
    int ok, parsed = 0;

    if (div->dec.digits) {
        cardc__num_text(v, t, sizeof t);
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
        long double x = inst_num(v), q;
        if (!isfinite((double)x))
            return 0;
        q = x / div->v;
        if (!isfinite((double)q))
            return 0;
        ok = q == floorl(q);
        return ok;
    }
}

static int validate_node(vctx *c, const cnode *n, struct json_object *inst, evset *ev);

static void ev_merge(evset *dst, const evset *src)
{
    size_t i;
    if (!dst || !src || !src->m)
        return;
    for (i = 0; i < dst->n && i < src->n; i++)
        dst->m[i] |= src->m[i];
}

static size_t inst_size(struct json_object *v)
{
    if (json_object_is_type(v, json_type_object))
        return (size_t)json_object_object_length(v);
    if (json_object_is_type(v, json_type_array))
        return json_object_array_length(v);
    return 0;
}

/* Evaluates an in-place subschema (same instance); its evaluated set joins
 * ev when it passes. */
static NOINLINE int inplace_track(vctx *c, const cnode *n, struct json_object *inst, evset *ev)
{
    evset *sub = calloc(1, sizeof *sub + (ev->n ? ev->n : 1));
    int r;
    if (!sub)
        return nomem(c);
    sub->n = ev->n;
    sub->m = (unsigned char *)(sub + 1);
    r = validate_node(c, n, inst, sub);
    if (r == 1)
        ev_merge(ev, sub);
    free(sub);
    return r;
}

/* Evaluates an in-place subschema (same instance); its evaluated set joins
 * ev when it passes. */
static int inplace(vctx *c, const cnode *n, struct json_object *inst, evset *ev)
{
    if (ev && ev->m)
        return inplace_track(c, n, inst, ev);
    return validate_node(c, n, inst, NULL);
}

/* Cycles need a reference: a node entered through one at the same
 * instance location it is already being evaluated at would never end
 * ({"$ref": "#"}). */
static NOINLINE int ref_loop(vctx *c, const cnode *n)
{
    size_t i;
    for (i = c->nact; i > 0 && c->acts[i - 1].ilevel == c->nip; i--)
        if (c->acts[i - 1].node == n)
            return fatal(c, CARDC_E_LIMIT,
                         "schema recursion without progress at %s (infinite $ref loop)", n->abs);
    if (!GROWS(c, c->acts, c->nact, c->capact, c->acts_small))
        return -1;
    c->acts[c->nact].node = n;
    c->acts[c->nact].ilevel = c->nip;
    c->nact++;
    return 0;
}

static int via_ref(vctx *c, const cnode *target, struct json_object *inst, evset *ev,
                   const char *kw, size_t kwl)
{
    int r;
    if (ref_loop(c, target) < 0)
        return -1;
    if (!kpush(c, kw, kwl)) {
        c->nact--;
        return -1;
    }
    r = inplace(c, target, inst, ev);
    c->nkp--;
    c->nact--;
    return r;
}

static ALWAYS_INLINE int descend_key(vctx *c, const cnode *n, struct json_object *v,
                                     const char *key, size_t kl)
{
    c->values++;
    if (n->quick && !c->ann && quick_ok(v, n->quick, c->s->peek_type))
        return 1;
    int r;
    if (c->nip >= c->max_depth)
        return fatal(c, CARDC_E_LIMIT, "instance nested deeper than %zu levels", c->max_depth);
    if (!ipush_key(c, key, kl))
        return -1;
    r = validate_node(c, n, v, NULL);
    c->nip--;
    return r;
}

static ALWAYS_INLINE int descend_idx(vctx *c, const cnode *n, struct json_object *v, size_t i)
{
    c->values++;
    if (n->quick && !c->ann && quick_ok(v, n->quick, c->s->peek_type))
        return 1;
    int r;
    if (c->nip >= c->max_depth)
        return fatal(c, CARDC_E_LIMIT, "instance nested deeper than %zu levels", c->max_depth);
    if (!ipush_idx(c, i))
        return -1;
    r = validate_node(c, n, v, NULL);
    c->nip--;
    return r;
}

static NOINLINE int regex_limit(vctx *c, const cinstr *in, const cardc_regex *re, const char *s,
                                size_t n)
{
    strbuf b = {0}, m = {0};
    int quiet = c->quiet;
    /* The unit is kept even inside branches: validation stops here. */
    c->quiet = 0;
    sb_path(&b, c->ip, c->nip);
    if (REC(c)) {
        const char *p = cardc_regex_pattern(re);
        strbuf_str(&m, "regex limit hit matching pattern ");
        dump_text(&m, p, strlen(p), 64);
        strbuf_str(&m, " against ");
        dump_text(&m, s, n, 64);
        record(c, in->kw, in->abs, CARDC_V_REGEX_LIMIT, &m, NULL);
    }
    c->quiet = quiet;
    fatal(c, CARDC_E_LIMIT, "regex limit hit matching pattern \"%s\" at instance location \"%s\"",
          cardc_regex_pattern(re), b.s ? b.s : "");
    free(b.s);
    return -1;
}

static int regex_match(vctx *c, const cinstr *in, const cardc_regex *re, const char *s, size_t n)
{
    int r = cardc_regex_search(re, s, n);
    if (r == -1)
        return regex_limit(c, in, re, s, n);
    if (r < 0)
        return nomem(c);
    return r;
}

static void sb_types(strbuf *b, uint32_t t)
{
    static const char *const names[] = {"null",   "boolean", "object", "array",
                                        "number", "string",  "integer"};
    const char *list[7];
    size_t k = 0, i;
    for (i = 0; i < 7; i++)
        if (t & (1u << i))
            list[k++] = names[i];
    for (i = 0; i < k; i++) {
        if (i)
            strbuf_str(b, i + 1 == k ? " or " : ", ");
        strbuf_str(b, list[i]);
    }
}

static int is_prop(const cinstr *props, const char *k, size_t kl)
{
    size_t i;
    if (!props)
        return 0;
    for (i = 0; i < props->u.props.n; i++)
        if (props->u.props.keys[i].len == kl && !memcmp(props->u.props.keys[i].s, k, kl))
            return 1;
    return 0;
}

/* Branch bookkeeping for anyOf / oneOf: errors [start, end) of branch i. */
typedef struct branch {
    size_t start, end;
    bool type_fail;
    bool ok;
} branch;

static int pick_best(const branch *br, size_t n)
{
    long best = -1;
    size_t i;
    for (i = 0; i < n; i++) {
        if (br[i].ok)
            continue;
        if (best < 0) {
            best = (long)i;
            continue;
        }
        if (br[best].type_fail != br[i].type_fail) {
            if (br[best].type_fail)
                best = (long)i;
            continue;
        }
        if (br[i].end - br[i].start < br[best].end - br[best].start)
            best = (long)i;
    }
    return (int)best;
}

static int anyone_core(vctx *c, const cinstr *in, struct json_object *inst, evset *ev);

/* Branch errors only matter when the keyword fails: run quietly first and
 * replay with details on failure (annotations need the detailed run). */
static int op_anyone(vctx *c, const cinstr *in, struct json_object *inst, evset *ev)
{
    int r;
    if (!REC(c) || c->fast || c->ann)
        return anyone_core(c, in, inst, ev);
    c->quiet++;
    r = anyone_core(c, in, inst, ev);
    c->quiet--;
    if (r != 0)
        return r;
    /* the enclosing schema fails now: its evaluated set no longer matters */
    return anyone_core(c, in, inst, NULL);
}

/* How the branches of a oneOf/anyOf went, for its error. */
typedef struct anyone_tally {
    branch *br; /* per branch, when detail */
    size_t n, matched, firstok, secondok;
    size_t m0; /* errors before the keyword */
    bool detail;
} anyone_tally;

/* Records a failing oneOf/anyOf with the closest branch's errors; -1 when
 * out of memory before anything was recorded. */
static int anyone_fail(vctx *c, const cinstr *in, const anyone_tally *t)
{
    bool one = in->op == OP_ONE_OF;
    strbuf m = {0};
    int best = t->detail && t->matched == 0 ? pick_best(t->br, t->n) : -1;
    runit *keep = NULL;
    size_t i, nkeep = 0;
    if (best >= 0 && t->br[best].end > t->br[best].start) {
        nkeep = t->br[best].end - t->br[best].start;
        keep = malloc(nkeep * sizeof *keep);
        if (!keep)
            return -1;
        memcpy(keep, &c->r->err[t->br[best].start], nkeep * sizeof *keep);
        /* ownership moved to keep: blank the slots before truncating */
        memset(&c->r->err[t->br[best].start], 0, nkeep * sizeof *keep);
    }
    if (t->detail)
        cardc__result_truncate_errors(c->r, t->m0);
    /* spelt out with sb_zu(): see there */
    if (one && t->matched > 1) {
        strbuf_str(&m, "must match exactly one schema in oneOf, matched ");
        sb_zu(&m, t->matched);
        strbuf_str(&m, " (branches ");
        sb_zu(&m, t->firstok);
        strbuf_str(&m, " and ");
        sb_zu(&m, t->secondok);
        strbuf_str(&m, ")");
    } else {
        strbuf_str(&m, one ? "must match exactly one schema in "
                           : "must match at least one schema in ");
        strbuf_str(&m, in->kw);
        strbuf_str(&m, ", matched 0 of ");
        sb_zu(&m, t->n);
    }
    kw_error(c, in, one ? CARDC_V_ONE_OF : CARDC_V_ANY_OF, &m, NULL);
    for (i = 0; i < nkeep; i++) {
        if (c->fatal || c->r->nerr >= c->max_errors) {
            if (!c->fatal)
                c->r->truncated = true;
            cardc__unit_free(&keep[i]);
        } else if (!cardc__result_push_error(c->r, &keep[i])) {
            cardc__unit_free(&keep[i]);
            nomem(c);
        }
    }
    free(keep);
    return 0;
}

static int anyone_core(vctx *c, const cinstr *in, struct json_object *inst, evset *ev)
{
    bool one = in->op == OP_ONE_OF;
    size_t i, n = in->u.list.n, matched = 0, m0 = c->r && c->rec ? c->r->nerr : 0;
    size_t firstok = 0, secondok = 0;
    branch small[8], *br = small;
    bool detail = REC(c) && !c->fast;
    bool shortcut = !c->s->track && !(c->ann && !c->mute) && !c->defaults;
    int r = 0, res;

    if (detail && n > 8) {
        br = calloc(n, sizeof *br);
        if (!br)
            return nomem(c);
    }
    uint32_t t = inst_types_c(c, inst);
    if (!detail)
        c->quiet++;
    if (!kpush(c, in->kw, in->kwlen))
        goto fatal;
    for (i = 0; i < n; i++) {
        if (!kpush_idx(c, i))
            goto fatal;
        if (detail)
            br[i].start = c->r->nerr;
        {
            const cnode *b = in->u.list.nodes[i];
            if (!detail && !c->ann && b->types && !(b->types & t))
                r = 0; /* its "type" fails: nobody will read why */
            else if (!c->ann && b->quick && (b->quick & t))
                r = 1;
            else
                r = inplace(c, b, inst, ev);
        }
        c->nkp--;
        if (r < 0)
            goto fatal;
        if (detail) {
            size_t k;
            br[i].end = c->r->nerr;
            br[i].ok = r == 1;
            br[i].type_fail = false;
            for (k = br[i].start; k < br[i].end; k++)
                if (c->r->err[k].u.code == CARDC_V_TYPE && c->r->err[k].ilevel == c->nip)
                    br[i].type_fail = true;
        }
        if (r == 1) {
            if (matched == 0)
                firstok = i;
            else if (matched == 1)
                secondok = i;
            matched++;
            if (!one && shortcut)
                break;
            if (one && matched > 1 && (shortcut || c->fast))
                break;
        }
    }
    c->nkp--;
    if (!detail)
        c->quiet--;
    res = one ? matched == 1 : matched >= 1;
    if (res) {
        if (detail)
            cardc__result_truncate_errors(c->r, m0);
    } else if (REC(c)) {
        anyone_tally tally = {br, n, matched, firstok, secondok, m0, detail};
        if (anyone_fail(c, in, &tally) < 0)
            goto fatal_nomem;
    }
    if (br != small)
        free(br);
    return c->fatal ? -1 : res;
fatal_nomem:
    nomem(c);
    if (br != small)
        free(br);
    return -1;
fatal:
    if (!detail)
        c->quiet--;
    if (br != small)
        free(br);
    return -1;
}

/* Records an annotation; takes ownership of `copy`. */
static int add_annotation_own(vctx *c, const char *kw, const char *abs, struct json_object *copy);

static NOINLINE int add_annotation(vctx *c, const char *kw, const char *abs,
                                   struct json_object *value)
{
    struct json_object *copy = NULL;

    /* a copy: the schema's own objects must not be shared (reference
     * counts are not atomic) */
    if (value && json_object_deep_copy(value, &copy, NULL) != 0)
        return nomem(c);
    return add_annotation_own(c, kw, abs, copy);
}

static int add_annotation_own(vctx *c, const char *kw, const char *abs, struct json_object *copy)
{
    strbuf b = {0};
    runit u;
    size_t il, kl, kwl;
    char *p;

    memset(&u, 0, sizeof u);
    sb_path(&b, c->ip, c->nip);
    il = b.len;
    strbuf_add(&b, "", 1);
    sb_path(&b, c->kp, c->nkp);
    strbuf_add(&b, "/", 1);
    strbuf_str(&b, kw);
    kl = b.len;
    strbuf_add(&b, "", 1);
    strbuf_str(&b, abs);
    strbuf_add(&b, "", 1);
    kwl = b.len;
    strbuf_str(&b, kw);
    if (b.oom || !b.s) {
        free(b.s);
        json_object_put(copy);
        return nomem(c);
    }
    p = b.s;
    u.buf = p;
    u.u.instance_location = p;
    u.u.keyword_location = p + il + 1;
    u.u.absolute_keyword_location = p + kl + 1;
    u.u.keyword = p + kwl;
    u.u.message = "";
    u.ann = copy;
    u.u.annotation = copy;
    u.ilevel = (uint32_t)c->nip;
    u.klevel = (uint32_t)c->nkp + 1;
    if (!cardc__result_push_annotation(c->r, &u)) {
        cardc__unit_free(&u);
        return nomem(c);
    }
    return 1;
}

static NOINLINE int op_type(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                            evset *ev)
{
    strbuf m = {0};
    (void)ev;
    if (t & in->u.types)
        return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be of type ");
        sb_types(&m, in->u.types);
        strbuf_str(&m, ", ");
        sb_got(&m, inst);
    }
    return kw_error(c, in, CARDC_V_TYPE, &m, NULL);
    return 1;
}

static NOINLINE int op_const(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                             evset *ev)
{
    strbuf m = {0};
    (void)ev;
    (void)t;
    if (cardc__json_equal(inst, in->u.value))
        return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be equal to ");
        dump(&m, in->u.value, 256);
        strbuf_str(&m, ", ");
        sb_got(&m, inst);
    }
    return kw_error(c, in, CARDC_V_CONST, &m, NULL);
    return 1;
}

static NOINLINE int op_enum(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                            evset *ev)
{
    strbuf m = {0};
    size_t i;
    size_t n = json_object_array_length(in->u.value);
    (void)ev;
    (void)t;
    for (i = 0; i < n; i++)
        if (cardc__json_equal(inst, json_object_array_get_idx(in->u.value, i)))
            return 1;
    if (REC(c)) {
        strbuf_str(&m, "must be one of ");
        for (i = 0; i < n; i++) {
            if (i)
                strbuf_str(&m, ", ");
            if (m.len > 200) {
                strbuf_str(&m, "...");
                break;
            }
            dump(&m, json_object_array_get_idx(in->u.value, i), m.len + 64);
        }
        strbuf_str(&m, ", got ");
        dump(&m, inst, m.len + 64);
    }
    return kw_error(c, in, CARDC_V_ENUM, &m, NULL);
}

static NOINLINE int op_multiple_of(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                   evset *ev)
{
    strbuf m = {0};
    int r;
    (void)ev;
    if (!(t & T_NUMBER) || (r = multiple_of(inst, &in->u.num)) > 0)
        return 1;
    if (r < 0)
        return nomem(c);
    if (REC(c)) {
        strbuf_str(&m, "must be a multiple of ");
        dump(&m, in->u.num.json, 64);
        strbuf_str(&m, ", got ");
        dump(&m, inst, 64);
    }
    return kw_error(c, in, CARDC_V_MULTIPLE_OF, &m, NULL);
    return 1;
}

static NOINLINE int op_maximum(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                               evset *ev)
{
    strbuf m = {0};
    long double x;
    int ok;
    const char *rel;
    cardc_vcode code;
    (void)ev;
    if (!(t & T_NUMBER))
        return 1;
    x = inst_num(inst);
    switch ((cop)in->op) {
    case OP_MAXIMUM:
        ok = x <= in->u.num.v;
        rel = "<=";
        code = CARDC_V_MAXIMUM;
        break;
    case OP_EXCL_MAXIMUM:
        ok = x < in->u.num.v;
        rel = "<";
        code = CARDC_V_EXCLUSIVE_MAXIMUM;
        break;
    case OP_MINIMUM:
        ok = x >= in->u.num.v;
        rel = ">=";
        code = CARDC_V_MINIMUM;
        break;
    default:
        ok = x > in->u.num.v;
        rel = ">";
        code = CARDC_V_EXCLUSIVE_MINIMUM;
        break;
    }
    if (ok)
        return 1;
    if (REC(c)) {
        strbuf_printf(&m, "must be %s ", rel);
        dump(&m, in->u.num.json, 64);
        strbuf_str(&m, ", got ");
        dump(&m, inst, 64);
    }
    return kw_error(c, in, code, &m, NULL);
}

static NOINLINE int op_max_length(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                  evset *ev)
{
    strbuf m = {0};
    size_t cps;
    bool max = in->op == OP_MAX_LENGTH;
    (void)ev;
    if (!(t & T_STRING))
        return 1;
    if (!utf8_count((const unsigned char *)json_object_get_string(inst),
                    (size_t)json_object_get_string_len(inst), &cps))
        return bad_utf8(c, in);
    if (max ? cps <= in->u.count : cps >= in->u.count)
        return 1;
    if (REC(c)) { /* not strbuf_printf: see sb_zu() */
        strbuf_str(&m, max ? "must be at most " : "must be at least ");
        sb_zu(&m, in->u.count);
        strbuf_str(&m, in->u.count == 1 ? " character, got " : " characters, got ");
        sb_zu(&m, cps);
    }
    return kw_error(c, in, max ? CARDC_V_MAX_LENGTH : CARDC_V_MIN_LENGTH, &m, NULL);
}

static NOINLINE int op_pattern(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                               evset *ev)
{
    strbuf m = {0};
    int r;
    size_t cps;
    const char *s;
    size_t n;
    (void)ev;
    if (!(t & T_STRING))
        return 1;
    s = json_object_get_string(inst);
    n = (size_t)json_object_get_string_len(inst);
    if (!utf8_count((const unsigned char *)s, n, &cps))
        return bad_utf8(c, in);
    r = regex_match(c, in, in->u.pattern.re, s, n);
    if (r != 0)
        return r;
    if (REC(c)) {
        const char *p = cardc_regex_pattern(in->u.pattern.re);
        strbuf_str(&m, "must match pattern ");
        dump_text(&m, p, strlen(p), 64);
        strbuf_str(&m, ", got ");
        dump(&m, inst, 64);
    }
    return kw_error(c, in, CARDC_V_PATTERN, &m, NULL);
}

static NOINLINE int op_format(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                              evset *ev)
{
    strbuf m = {0};
    size_t cps;
    const char *s;
    size_t n;
    (void)ev;
    if (!in->u.format.assert_ || !(t & T_STRING))
        return 1;
    s = json_object_get_string(inst);
    n = (size_t)json_object_get_string_len(inst);
    if (!utf8_count((const unsigned char *)s, n, &cps))
        return bad_utf8(c, in);
    if (cardc_format_check(in->u.format.kind, s, n))
        return 1;
    if (REC(c)) {
        strbuf_printf(&m, "must be a valid %s, got ", json_object_get_string(in->u.format.name));
        dump(&m, inst, 64);
    }
    return kw_error(c, in, CARDC_V_FORMAT, &m, NULL);
}

static NOINLINE int op_max_items(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                 evset *ev)
{
    strbuf m = {0};
    bool arr = in->op == OP_MAX_ITEMS || in->op == OP_MIN_ITEMS;
    bool max = in->op == OP_MAX_ITEMS || in->op == OP_MAX_PROPS;
    size_t n;
    (void)ev;
    static const cardc_vcode codes[] = {CARDC_V_MAX_ITEMS, CARDC_V_MIN_ITEMS,
                                        CARDC_V_MAX_PROPERTIES, CARDC_V_MIN_PROPERTIES};
    if (!(t & (arr ? T_ARRAY : T_OBJECT)))
        return 1;
    n = inst_size(inst);
    if (max ? n <= in->u.count : n >= in->u.count)
        return 1;
    if (REC(c))
        strbuf_printf(&m, "must have at %s %llu %s%s, got %zu", max ? "most" : "least",
                      (unsigned long long)in->u.count, arr ? "item" : "propert",
                      arr ? (in->u.count == 1 ? "" : "s") : (in->u.count == 1 ? "y" : "ies"), n);
    return kw_error(c, in, codes[(arr ? 0 : 2) + (max ? 0 : 1)], &m, NULL);
}

/* Equality-compatible hash (1 == 1.0, member order ignored). */
static uint64_t jhash(struct json_object *v)
{
    uint64_t h;
    switch (json_object_get_type(v)) {
    case json_type_null: return 0x9e3779b97f4a7c15u;
    case json_type_boolean: return json_object_get_boolean(v) ? 0x51u : 0x52u;
    case json_type_int:
    case json_type_double: {
        double d = (double)inst_num(v);
        uint64_t bits;
        if (d == 0)
            d = 0; /* -0 == 0 */
        memcpy(&bits, &d, sizeof bits);
        return (bits ^ (bits >> 29)) * 0xbf58476d1ce4e5b9u;
    }
    case json_type_string: {
        const unsigned char *p = (const unsigned char *)json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v), k;
        h = 1469598103934665603u;
        for (k = 0; k < n; k++)
            h = (h ^ p[k]) * 1099511628211u;
        return h;
    }
    case json_type_array: {
        size_t n = json_object_array_length(v), k;
        h = 0x1234567u;
        for (k = 0; k < n; k++)
            h = h * 31u + jhash(json_object_array_get_idx(v, k));
        return h;
    }
    case json_type_object: {
        h = 0x7654321u;
        json_object_object_foreach(v, key, val)
        {
            uint64_t kh = 1469598103934665603u;
            const unsigned char *p = (const unsigned char *)key;
            while (*p)
                kh = (kh ^ *p++) * 1099511628211u;
            h += (kh ^ jhash(val)) * 0x94d049bb133111ebu;
        }
        return h;
    }
    }
    return 0;
}

typedef struct hidx {
    uint64_t h;
    size_t i;
} hidx;

static int hidx_cmp(const void *a, const void *b)
{
    const hidx *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Finds the first duplicate pair (by smaller index); 1 found, 0 none, -1 oom.
 * Hash-sorted so that hostile large arrays stay O(n log n). */
static int find_duplicate(struct json_object *arr, size_t *pi, size_t *pj)
{
    size_t n = json_object_array_length(arr), i, j, a, b;
    int found = 0;
    hidx *v;

    if (n <= 16) {
        for (i = 0; i < n; i++)
            for (j = i + 1; j < n; j++)
                if (cardc__json_equal(json_object_array_get_idx(arr, i),
                                      json_object_array_get_idx(arr, j))) {
                    *pi = i;
                    *pj = j;
                    return 1;
                }
        return 0;
    }
    v = malloc(n * sizeof *v);
    if (!v)
        return -1;
    for (i = 0; i < n; i++) {
        v[i].h = jhash(json_object_array_get_idx(arr, i));
        v[i].i = i;
    }
    qsort(v, n, sizeof *v, hidx_cmp);
    for (a = 0; a < n; a = b) {
        for (b = a + 1; b < n && v[b].h == v[a].h; b++)
            ;
        for (i = a; i < b; i++)
            for (j = i + 1; j < b; j++)
                if (cardc__json_equal(json_object_array_get_idx(arr, v[i].i),
                                      json_object_array_get_idx(arr, v[j].i)) &&
                    (!found || v[i].i < *pi || (v[i].i == *pi && v[j].i < *pj))) {
                    *pi = v[i].i;
                    *pj = v[j].i;
                    found = 1;
                }
    }
    free(v);
    return found;
}

static NOINLINE int op_unique_items(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                    evset *ev)
{
    size_t i = 0, j = 0;
    int r;
    (void)ev;
    if (!(t & T_ARRAY))
        return 1;
    r = find_duplicate(inst, &i, &j);
    if (r < 0)
        return nomem(c);
    if (r == 0)
        return 1;
    return err_fmt(c, in, CARDC_V_UNIQUE_ITEMS, NULL,
                   "must not have duplicate items, items %zu and %zu are equal", i, j);
}

static NOINLINE int op_required(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                evset *ev)
{
    strbuf m = {0};
    size_t i;
    int ok = 1;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    for (i = 0; i < in->u.req.n; i++) {
        if (has_member(inst, &in->u.req.keys[i]))
            continue;
        ok = 0;
        if (REC(c)) {
            strbuf_str(&m, "must have required property ");
            dump_text(&m, in->u.req.keys[i].s, in->u.req.keys[i].len, 64);
        }
        if (kw_error(c, in, CARDC_V_REQUIRED, &m, in->u.req.keys[i].s) < 0)
            return -1;
        memset(&m, 0, sizeof m);
        if (c->fast)
            break;
    }
    return ok;
}

static NOINLINE int op_dep_required(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                    evset *ev)
{
    strbuf m = {0};
    size_t i;
    int ok = 1;
    size_t j;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    for (i = 0; i < in->u.depreq.n; i++) {
        if (!has_member(inst, &in->u.depreq.keys[i]))
            continue;
        for (j = 0; j < in->u.depreq.nlist[i]; j++) {
            if (has_member(inst, &in->u.depreq.lists[i][j]))
                continue;
            ok = 0;
            if (REC(c)) {
                const char *a = in->u.depreq.lists[i][j].s, *b = in->u.depreq.keys[i].s;
                strbuf_str(&m, "must have property ");
                dump_text(&m, a, strlen(a), 64);
                strbuf_str(&m, " when property ");
                dump_text(&m, b, strlen(b), 64);
                strbuf_str(&m, " is present");
            }
            if (kw_error(c, in, CARDC_V_DEPENDENT_REQUIRED, &m, in->u.depreq.lists[i][j].s) < 0)
                return -1;
            memset(&m, 0, sizeof m);
            if (c->fast)
                return 0;
        }
    }
    return ok;
}

static NOINLINE int op_ref(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                           evset *ev)
{
    const cnode *target = in->u.ref.node;
    (void)t;
    if (in->op == OP_DYNAMIC_REF && in->u.ref.anchor) {
        size_t k, j;
        for (k = 0; k < c->nscope; k++) {
            const cresource *res = c->scope[k];
            for (j = 0; j < res->ndyn; j++)
                if (!strcmp(res->dyn_names[j], in->u.ref.anchor))
                    break;
            if (j < res->ndyn) {
                target = res->dyn_nodes[j];
                break;
            }
        }
    } else if (in->op == OP_RECURSIVE_REF && target->res && target->res->recursive_anchor) {
        size_t k;
        for (k = 0; k < c->nscope; k++)
            if (c->scope[k]->recursive_anchor && c->scope[k]->root) {
                target = c->scope[k]->root;
                break;
            }
    }
    return via_ref(c, target, inst, ev, in->kw, in->kwlen);
}

static NOINLINE int op_all_of(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                              evset *ev)
{
    size_t i;
    int r;
    int ok = 1;
    (void)t;
    if (!kpush(c, in->kw, 5))
        return -1;
    for (i = 0; i < in->u.list.n; i++) {
        if (!kpush_idx(c, i))
            return -1;
        r = inplace(c, in->u.list.nodes[i], inst, ev);
        c->nkp--;
        if (r < 0)
            return -1;
        if (r == 0) {
            ok = 0;
            if (c->fast || (c->quiet && !c->s->track))
                break;
        }
    }
    c->nkp--;
    return ok;
}

static NOINLINE int op_any_of(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                              evset *ev)
{
    (void)t;
    return op_anyone(c, in, inst, ev);
}

static NOINLINE int op_not(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                           evset *ev)
{
    int r;
    size_t a0 = c->r ? c->r->nann : 0, d0 = c->ndefs;
    (void)ev;
    (void)t;
    if (!kpush(c, "not", 3))
        return -1;
    c->quiet++;
    c->mute++;
    r = validate_node(c, in->u.node, inst, NULL);
    c->quiet--;
    c->mute--;
    c->nkp--;
    if (r < 0)
        return -1;
    /* "not" never yields annotations or defaults */
    if (c->r && c->ann)
        cardc__result_truncate_annotations(c->r, a0);
    c->ndefs = d0;
    if (r == 0)
        return 1;
    return err_fmt(c, in, CARDC_V_NOT, NULL, "must not be valid against the schema in \"not\"");
}

static NOINLINE int op_if(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                          evset *ev)
{
    int r;
    const cnode *next;
    const char *which;
    (void)t;
    if (!kpush(c, "if", 2))
        return -1;
    c->quiet++;
    r = inplace(c, in->u.cond.if_, inst, ev);
    c->quiet--;
    c->nkp--;
    if (r < 0)
        return -1;
    next = r ? in->u.cond.then_ : in->u.cond.else_;
    which = r ? "then" : "else";
    if (!next)
        return 1;
    if (!kpush(c, which, 4))
        return -1;
    r = inplace(c, next, inst, ev);
    c->nkp--;
    if (r != 0)
        return r;
    return err_fmt(c, in, CARDC_V_IF, NULL, "must match \"%s\" schema", which);
}

static NOINLINE int op_dep_schemas(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                   evset *ev)
{
    size_t i;
    int r;
    int ok = 1;
    if (!(t & T_OBJECT))
        return 1;
    for (i = 0; i < in->u.props.n; i++) {
        if (!has_member(inst, &in->u.props.keys[i]))
            continue;
        if (!kpush(c, in->kw, in->kwlen) ||
            !kpush(c, in->u.props.keys[i].s, in->u.props.keys[i].len))
            return -1;
        r = inplace(c, in->u.props.nodes[i], inst, ev);
        c->nkp -= 2;
        if (r < 0)
            return -1;
        if (r == 0) {
            ok = 0;
            if (c->fast)
                break;
        }
    }
    return ok;
}

static NOINLINE int op_properties(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                  evset *ev)
{
    size_t i;
    int r;
    int ok = 1;
    if (!(t & T_OBJECT))
        return 1;
    if (!kpush(c, "properties", 10))
        return -1;
    /* Small instances: walk the members once instead of hashing each
     * schema key. */
    if ((ev && ev->m) || json_object_get_object(inst)->count <= 8) {
        size_t idx = 0;
        /* locals: the compiler cannot keep them in registers across the
         * calls below otherwise */
        const ckey *keys = in->u.props.keys;
        const size_t np = in->u.props.n;
        const bool quick = !c->ann, peek = c->s->peek_type;
        json_object_object_foreach(inst, k, v)
        {
            /* first byte before key_eq: most schema keys differ there */
            for (i = 0; i < np; i++)
                if (keys[i].s[0] == k[0] && key_eq(keys[i].s, k))
                    break;
            if (i < np) {
                const cnode *sub = in->u.props.nodes[i];
                size_t kl = keys[i].len;
                if (ev && ev->m)
                    ev->m[idx] = 1;
                if (sub->quick && quick && quick_ok(v, sub->quick, peek)) {
                    idx++;
                    continue;
                }
                if (!kpush(c, k, kl))
                    return -1;
                r = descend_key(c, sub, v, k, kl);
                c->nkp--;
                if (r < 0)
                    return -1;
                if (r == 0) {
                    ok = 0;
                    if (c->fast)
                        break;
                }
            }
            idx++;
        }
    } else {
        for (i = 0; i < in->u.props.n; i++) {
            int found;
            struct json_object *v = member(inst, &in->u.props.keys[i], &found);
            if (!found)
                continue;
            if (!kpush(c, in->u.props.keys[i].s, in->u.props.keys[i].len))
                return -1;
            r = descend_key(c, in->u.props.nodes[i], v, in->u.props.keys[i].s,
                            in->u.props.keys[i].len);
            c->nkp--;
            if (r < 0)
                return -1;
            if (r == 0) {
                ok = 0;
                if (c->fast)
                    break;
            }
        }
    }
    c->nkp--;
    if (c->defaults && ok) {
        for (i = 0; i < in->u.props.n; i++) {
            if (!in->u.props.defaults[i] || has_member(inst, &in->u.props.keys[i]))
                continue;
            if (!GROW(c, c->defs, c->ndefs, c->capdefs))
                return -1;
            c->defs[c->ndefs].obj = inst;
            c->defs[c->ndefs].key = in->u.props.keys[i].s;
            c->defs[c->ndefs].value = in->u.props.defaults[i];
            c->ndefs++;
        }
    }
    return ok;
}

static NOINLINE int op_pattern_props(vctx *c, const cinstr *in, struct json_object *inst,
                                     uint32_t t, evset *ev)
{
    size_t i;
    int r;
    int ok = 1;
    size_t idx = 0;
    if (!(t & T_OBJECT))
        return 1;
    if (!kpush(c, "patternProperties", 17))
        return -1;
    {
        json_object_object_foreach(inst, k, v)
        {
            size_t kl = strlen(k);
            for (i = 0; i < in->u.pprops.n; i++) {
                r = regex_match(c, in, in->u.pprops.res[i], k, kl);
                if (r < 0)
                    return -1;
                if (!r)
                    continue;
                if (ev && ev->m)
                    ev->m[idx] = 1;
                {
                    const char *pat = cardc_regex_pattern(in->u.pprops.res[i]);
                    if (!kpush(c, pat, strlen(pat)))
                        return -1;
                }
                r = descend_key(c, in->u.pprops.nodes[i], v, k, kl);
                c->nkp--;
                if (r < 0)
                    return -1;
                if (r == 0) {
                    ok = 0;
                    if (c->fast)
                        goto pp_done;
                }
            }
            idx++;
        }
    }
pp_done:
    c->nkp--;
    return ok;
}

static NOINLINE int op_additional_props(vctx *c, const cinstr *in, struct json_object *inst,
                                        uint32_t t, evset *ev)
{
    size_t i;
    int r;
    int ok = 1;
    size_t idx = 0;
    bool uneval = in->op == OP_UNEVAL_PROPS;
    const cnode *sub = uneval ? in->u.node : in->u.addl.node;
    if (!(t & T_OBJECT))
        return 1;
    {
        json_object_object_foreach(inst, k, v)
        {
            size_t kl = strlen(k);
            bool extra;
            if (uneval) {
                extra = !(ev && ev->m && idx < ev->n && ev->m[idx]);
            } else {
                extra = !is_prop(in->u.addl.props, k, kl);
                if (extra && in->u.addl.pprops) {
                    const cinstr *pp = in->u.addl.pprops;
                    for (i = 0; i < pp->u.pprops.n; i++) {
                        r = regex_match(c, in, pp->u.pprops.res[i], k, kl);
                        if (r < 0)
                            return -1;
                        if (r) {
                            extra = false;
                            break;
                        }
                    }
                }
            }
            if (extra) {
                if (sub->kind == NODE_FALSE) {
                    ok = 0;
                    if (err_key(c, in,
                                uneval ? CARDC_V_UNEVALUATED_PROPERTIES
                                       : CARDC_V_ADDITIONAL_PROPERTIES,
                                uneval ? "must not have unevaluated property "
                                       : "must not have additional property ",
                                k, kl) < 0)
                        return -1;
                } else {
                    if (!kpush(c, in->kw, in->kwlen))
                        return -1;
                    r = descend_key(c, sub, v, k, kl);
                    c->nkp--;
                    if (r < 0)
                        return -1;
                    if (r == 0)
                        ok = 0;
                }
                if (ev && ev->m && idx < ev->n)
                    ev->m[idx] = 1;
                if (!ok && c->fast)
                    break;
            }
            idx++;
        }
    }
    return ok;
}

static NOINLINE int op_property_names(vctx *c, const cinstr *in, struct json_object *inst,
                                      uint32_t t, evset *ev)
{
    int r;
    int ok = 1;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    if (!kpush(c, "propertyNames", 13))
        return -1;
    {
        json_object_object_foreach(inst, k, v)
        {
            size_t kl = strlen(k);
            struct json_object *ks = json_object_new_string_len(k, (int)kl);
            (void)v;
            if (!ks)
                return nomem(c);
            r = descend_key(c, in->u.node, ks, k, kl);
            json_object_put(ks);
            if (r < 0)
                return -1;
            if (r == 0) {
                ok = 0;
                if (c->fast)
                    break;
            }
        }
    }
    c->nkp--;
    return ok;
}

static NOINLINE int op_prefix_items(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                    evset *ev)
{
    size_t i;
    int r;
    int ok = 1;
    size_t n, from, to;
    const cnode *sub = NULL;
    bool prefix = in->op == OP_PREFIX_ITEMS;
    if (!(t & T_ARRAY))
        return 1;
    n = json_object_array_length(inst);
    from = in->op == OP_ITEMS ? in->u.items.start : 0;
    to = prefix ? (in->u.list.n < n ? in->u.list.n : n) : n;
    if (!prefix)
        sub = in->op == OP_ITEMS ? in->u.items.node : in->u.node;
    if (sub && sub->kind == NODE_FALSE) {
        size_t bad = 0, first = n;
        for (i = from; i < to; i++)
            if (!(in->op == OP_UNEVAL_ITEMS && ev && ev->m && i < ev->n && ev->m[i])) {
                bad++;
                if (first == n)
                    first = i;
            }
        if (!bad)
            return 1;
        if (in->op == OP_UNEVAL_ITEMS)
            return err_fmt(c, in, CARDC_V_UNEVALUATED_ITEMS, NULL,
                           "must not have unevaluated items, got %zu (first at index %zu)", bad,
                           first);
        return err_fmt(c, in, CARDC_V_ADDITIONAL_ITEMS, NULL,
                       "must have at most %zu items, got %zu", from, n);
    }
    if (!kpush(c, in->kw, in->kwlen))
        return -1;
    if (sub && sub->quick && !c->ann && in->op == OP_ITEMS) {
        /* Type-only items (byte arrays): a tight loop over the array; only
         * a failing element goes the slow way, for its error. */
        i = quick_run(json_object_get_array(inst), from, to, sub->quick, c->s->peek_type);
        c->values += i - from;
        if (ev && ev->m)
            for (size_t k = from; k < i && k < ev->n; k++)
                ev->m[k] = 1;
        from = i;
    }
    for (i = from; i < to; i++) {
        if (in->op == OP_UNEVAL_ITEMS && ev && ev->m && i < ev->n && ev->m[i])
            continue;
        if (prefix && !kpush_idx(c, i))
            return -1;
        r = descend_idx(c, prefix ? in->u.list.nodes[i] : sub, json_object_array_get_idx(inst, i),
                        i);
        if (prefix)
            c->nkp--;
        if (r < 0)
            return -1;
        if (ev && ev->m && i < ev->n)
            ev->m[i] = 1;
        if (r == 0) {
            ok = 0;
            if (c->fast)
                break;
        }
    }
    c->nkp--;
    return ok;
}

static NOINLINE int op_contains(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t,
                                evset *ev)
{
    size_t i;
    int r;
    size_t n, hits = 0;
    bool d2020 = false;
    if (!(t & T_ARRAY))
        return 1;
    n = json_object_array_length(inst);
    if (!kpush(c, "contains", 8))
        return -1;
    c->quiet++;
    for (i = 0; i < n; i++) {
        r = descend_idx(c, in->u.contains.node, json_object_array_get_idx(inst, i), i);
        if (r < 0) {
            c->quiet--;
            return -1;
        }
        if (r == 1) {
            hits++;
            if (ev && ev->m && i < ev->n && in->u.contains.node->dialect >= CARDC_DIALECT_2020_12)
                ev->m[i] = 1;
            d2020 = true;
        }
    }
    c->quiet--;
    c->nkp--;
    (void)d2020;
    if (hits < in->u.contains.min) {
        return err_fmt(c, in, in->u.contains.min == 1 ? CARDC_V_CONTAINS : CARDC_V_MIN_CONTAINS,
                       NULL, "must contain at least %llu matching item%s, got %zu",
                       (unsigned long long)in->u.contains.min, in->u.contains.min == 1 ? "" : "s",
                       hits);
    }
    if (in->u.contains.has_max && hits > in->u.contains.max) {
        return err_fmt(
            c, in, CARDC_V_MAX_CONTAINS, NULL, "must contain at most %llu matching item%s, got %zu",
            (unsigned long long)in->u.contains.max, in->u.contains.max == 1 ? "" : "s", hits);
    }
    return 1;
}

static int exec(vctx *c, const cinstr *in, struct json_object *inst, uint32_t t, evset *ev)
{
    switch ((cop)in->op) {
    case OP_TYPE: return op_type(c, in, inst, t, ev);
    case OP_CONST: return op_const(c, in, inst, t, ev);
    case OP_ENUM: return op_enum(c, in, inst, t, ev);
    case OP_MULTIPLE_OF: return op_multiple_of(c, in, inst, t, ev);
    case OP_MAXIMUM:
    case OP_EXCL_MAXIMUM:
    case OP_MINIMUM:
    case OP_EXCL_MINIMUM: return op_maximum(c, in, inst, t, ev);
    case OP_MAX_LENGTH:
    case OP_MIN_LENGTH: return op_max_length(c, in, inst, t, ev);
    case OP_PATTERN: return op_pattern(c, in, inst, t, ev);
    case OP_FORMAT: return op_format(c, in, inst, t, ev);
    case OP_MAX_ITEMS:
    case OP_MIN_ITEMS:
    case OP_MAX_PROPS:
    case OP_MIN_PROPS: return op_max_items(c, in, inst, t, ev);
    case OP_UNIQUE_ITEMS: return op_unique_items(c, in, inst, t, ev);
    case OP_REQUIRED: return op_required(c, in, inst, t, ev);
    case OP_DEP_REQUIRED: return op_dep_required(c, in, inst, t, ev);
    case OP_REF:
    case OP_DYNAMIC_REF:
    case OP_RECURSIVE_REF: return op_ref(c, in, inst, t, ev);
    case OP_ALL_OF: return op_all_of(c, in, inst, t, ev);
    case OP_ANY_OF:
    case OP_ONE_OF: return op_any_of(c, in, inst, t, ev);
    case OP_NOT: return op_not(c, in, inst, t, ev);
    case OP_IF: return op_if(c, in, inst, t, ev);
    case OP_DEP_SCHEMAS: return op_dep_schemas(c, in, inst, t, ev);
    case OP_PROPERTIES: return op_properties(c, in, inst, t, ev);
    case OP_PATTERN_PROPS: return op_pattern_props(c, in, inst, t, ev);
    case OP_ADDITIONAL_PROPS:
    case OP_UNEVAL_PROPS: return op_additional_props(c, in, inst, t, ev);
    case OP_PROPERTY_NAMES: return op_property_names(c, in, inst, t, ev);
    case OP_PREFIX_ITEMS:
    case OP_ITEMS:
    case OP_UNEVAL_ITEMS: return op_prefix_items(c, in, inst, t, ev);
    case OP_CONTAINS: return op_contains(c, in, inst, t, ev);
    case OP_ANNOTATION: return 1;
    }
    return 1;
}

/* ---- errorMessage (ajv-errors) ---- */

/* Token of the unit's instance location right below depth `level`, or NULL. */
static char *child_token(const runit *u, size_t level)
{
    const char *p = u->u.instance_location, *e;
    size_t d = 0;
    char *out, *w;
    if (u->ilevel <= level)
        return NULL;
    while (d < level && p) {
        p = strchr(p + 1, '/');
        d++;
    }
    if (!p || *p != '/')
        return NULL;
    p++;
    e = strchr(p, '/');
    if (!e)
        e = p + strlen(p);
    out = malloc((size_t)(e - p) + 1);
    if (!out)
        return NULL;
    for (w = out; p < e; p++) {
        if (p[0] == '~' && p + 1 < e && (p[1] == '0' || p[1] == '1')) {
            *w++ = p[1] == '0' ? '~' : '/';
            p++;
        } else
            *w++ = *p;
    }
    *w = '\0';
    return out;
}

/* Group of an error under an errorMessage map: returns the message and
 * fills key (what identifies the group), or NULL to keep the error. */
static const char *errmsg_group(const cerrmsg *em, const runit *u, size_t klevel, size_t ilevel,
                                char *key, size_t keyn)
{
    size_t i;
    bool direct = u->klevel == klevel + 1;
    if (direct && em->required && !strcmp(u->u.keyword, "required") && u->param) {
        struct json_object *mv;
        if (json_object_object_get_ex(em->required, u->param, &mv) &&
            json_object_is_type(mv, json_type_string)) {
            snprintf(key, keyn, "r:%s", u->param);
            return json_object_get_string(mv);
        }
    }
    if (direct) {
        for (i = 0; i < em->nkw; i++)
            if (!strcmp(em->kw[i], u->u.keyword)) {
                snprintf(key, keyn, "k:%s", em->kw[i]);
                return em->kw_msg[i];
            }
    }
    if (em->properties || em->items) {
        char *tok = child_token(u, ilevel);
        if (tok) {
            struct json_object *mv = NULL;
            if (em->properties && json_object_object_get_ex(em->properties, tok, &mv) &&
                json_object_is_type(mv, json_type_string)) {
                snprintf(key, keyn, "p:%s", tok);
                free(tok);
                return json_object_get_string(mv);
            }
            if (em->items) {
                char *e;
                unsigned long ix = strtoul(tok, &e, 10);
                if (!*e && *tok && ix < json_object_array_length(em->items) &&
                    json_object_is_type(mv = json_object_array_get_idx(em->items, ix),
                                        json_type_string)) {
                    snprintf(key, keyn, "i:%lu", ix);
                    free(tok);
                    return json_object_get_string(mv);
                }
            }
            free(tok);
        }
    }
    if (em->rest) {
        snprintf(key, keyn, "_");
        return em->rest;
    }
    return NULL;
}

static NOINLINE int apply_errmsg(vctx *c, const cnode *n, size_t e0)
{
    cardc_result *r = c->r;
    const cerrmsg *em = n->errmsg;
    size_t total = r->nerr - e0, i, out = 0, ngroups = 0;
    runit *old;
    char(*keys)[128];
    char *abs;

    if (!total)
        return 0;
    old = malloc(total * sizeof *old);
    keys = malloc(total * sizeof *keys);
    abs = malloc(strlen(n->abs) + sizeof "/errorMessage");
    if (!old || !keys || !abs) {
        free(old);
        free(keys);
        free(abs);
        return nomem(c);
    }
    strcpy(abs, n->abs);
    strcat(abs, "/errorMessage");
    memcpy(old, &r->err[e0], total * sizeof *old);
    r->nerr = e0;
    for (i = 0; i < total; i++) {
        char key[128];
        const char *msg = em->all;
        size_t g;
        if (msg)
            strcpy(key, "*");
        else
            msg = errmsg_group(em, &old[i], c->nkp, c->nip, key, sizeof key);
        if (!msg) {
            r->err[r->nerr++] = old[i];
            out++;
            continue;
        }
        for (g = 0; g < ngroups; g++)
            if (!strcmp(keys[g], key))
                break;
        if (g == ngroups) {
            strbuf m = {0};
            memcpy(keys[ngroups++], key, sizeof key);
            strbuf_str(&m, msg);
            record(c, "errorMessage", abs, CARDC_V_ERROR_MESSAGE, &m, NULL);
        }
        cardc__unit_free(&old[i]);
    }
    (void)out;
    free(old);
    free(keys);
    free(abs);
    return c->fatal ? -1 : 0;
}

/* Annotations of applicators that passed (JSON Schema 2020-12 10.3):
 * matched property names, largest index / true for items. */
static NOINLINE int applicator_annotation(vctx *c, const cinstr *in, struct json_object *inst,
                                          uint32_t t)
{
    struct json_object *a = NULL;
    size_t i;
    int r;

    switch ((cop)in->op) {
    case OP_PROPERTIES:
    case OP_PATTERN_PROPS:
    case OP_ADDITIONAL_PROPS: {
        if (!(t & T_OBJECT))
            return 0;
        a = json_object_new_array();
        if (!a)
            return nomem(c);
        {
            json_object_object_foreach(inst, k, v)
            {
                size_t kl = strlen(k);
                int match = 0;
                (void)v;
                if (in->op == OP_PROPERTIES) {
                    match = is_prop(in, k, kl);
                } else {
                    const cinstr *pp = in->op == OP_PATTERN_PROPS ? in : in->u.addl.pprops;
                    for (i = 0; pp && i < pp->u.pprops.n && !match; i++) {
                        r = regex_match(c, in, pp->u.pprops.res[i], k, kl);
                        if (r < 0) {
                            json_object_put(a);
                            return -1;
                        }
                        match = r;
                    }
                    if (in->op == OP_ADDITIONAL_PROPS)
                        match = !match && !is_prop(in->u.addl.props, k, kl);
                }
                if (match) {
                    struct json_object *name = json_object_new_string_len(k, (int)kl);
                    if (!name || json_object_array_add(a, name) != 0) {
                        json_object_put(name);
                        json_object_put(a);
                        return nomem(c);
                    }
                }
            }
        }
        if (json_object_array_length(a) == 0) {
            json_object_put(a);
            return 0;
        }
        break;
    }
    case OP_PREFIX_ITEMS: {
        size_t n;
        if (!(t & T_ARRAY))
            return 0;
        n = json_object_array_length(inst);
        if (n == 0)
            return 0;
        a = in->u.list.n >= n ? json_object_new_boolean(1)
                              : json_object_new_int64((int64_t)in->u.list.n - 1);
        break;
    }
    case OP_ITEMS:
        if (!(t & T_ARRAY) || json_object_array_length(inst) <= in->u.items.start)
            return 0;
        a = json_object_new_boolean(1);
        break;
    default: return 0;
    }
    if (!a)
        return nomem(c);
    return add_annotation_own(c, in->kw, in->abs, a) < 0 ? -1 : 0;
}

static NOINLINE int false_schema(vctx *c, const cnode *n)
{
    strbuf m = {0};
    if (REC(c))
        strbuf_str(&m, "must not be present (the schema is false)");
    record(c, NULL, n->abs, CARDC_V_FALSE_SCHEMA, &m, NULL);
    return c->fatal ? -1 : 0;
}

static NOINLINE int annotate(vctx *c, const cnode *n)
{
    size_t i;
    for (i = n->n_core; i < n->n; i++) {
        const cinstr *in = &n->ins[i];
        if (in->op == OP_ANNOTATION && add_annotation(c, in->kw, in->abs, in->u.value) < 0)
            return -1;
    }
    for (i = 0; i < n->n_core; i++) {
        const cinstr *in = &n->ins[i];
        if (in->op == OP_FORMAT && add_annotation(c, in->kw, in->abs, in->u.format.name) < 0)
            return -1;
    }
    return 0;
}

static int validate_node(vctx *c, const cnode *n, struct json_object *inst, evset *ev)
{
    uint32_t t;
    size_t i, e0, a0, d0, k0 = c->nkp;
    bool pushed = false;
    evset *mine = NULL;
    int ok = 1, r;

    if (n->kind == NODE_TRUE)
        return 1;
    if (n->kind == NODE_FALSE)
        return false_schema(c, n);
    if (++c->evals > EVAL_BASE + EVAL_PER_VALUE * c->values)
        return fatal(c, CARDC_E_LIMIT,
                     "evaluation budget exceeded (%llu schema evaluations): the schema "
                     "branches without consuming the instance",
                     (unsigned long long)c->evals);
    /* Guard the C stack whatever the limits say. */
    if (cardc__stack_guard_exceeded(&c->stack))
        return fatal(c, CARDC_E_LIMIT,
                     "schema or instance nested too deeply for the thread's stack "
                     "(instance depth %zu)",
                     c->nip);
    if (n->res && (c->nscope == 0 || c->scope[c->nscope - 1] != n->res)) {
        if (!GROWS(c, c->scope, c->nscope, c->capscope, c->scope_small))
            return -1;
        c->scope[c->nscope++] = n->res;
        pushed = true;
    }
    e0 = c->r ? c->r->nerr : 0;
    a0 = c->r ? c->r->nann : 0;
    d0 = c->ndefs;
    t = inst_types_c(c, inst);
    if (c->s->track && (t & (T_OBJECT | T_ARRAY))) {
        size_t sz = inst_size(inst);
        mine = calloc(1, sizeof *mine + (sz ? sz : 1));
        if (mine) {
            mine->n = sz;
            mine->m = (unsigned char *)(mine + 1);
        }
        if (!mine) {
            ok = nomem(c);
            goto out;
        }
    }
    for (i = 0; i < n->n_core; i++) {
        if (n->ins[i].op == OP_REF && !mine) {
            /* the common recursive case, without an extra frame */
            r = via_ref(c, n->ins[i].u.ref.node, inst, NULL, "$ref", 4);
        } else {
            r = exec(c, &n->ins[i], inst, t, mine);
            if (r == 1 && c->ann && !c->mute && applicator_annotation(c, &n->ins[i], inst, t) < 0)
                r = -1;
        }
        if (r < 0) {
            ok = -1;
            goto out;
        }
        if (r == 0) {
            ok = 0;
            if (c->fast || c->quiet)
                break;
        }
    }
    if (ok == 1 && c->ann && !c->mute && annotate(c, n) < 0) {
        ok = -1;
        goto out;
    }
    if (ok == 0) {
        if (c->r && c->ann)
            cardc__result_truncate_annotations(c->r, a0);
        c->ndefs = d0;
        if (n->errmsg && REC(c) && apply_errmsg(c, n, e0) < 0)
            ok = -1;
    } else if (ok == 1 && ev && mine) {
        ev_merge(ev, mine);
    }
out:
    free(mine);
    c->nkp = k0;
    if (pushed)
        c->nscope--;
    return ok;
}

static cardc_status validate_body(const cardc_schema *s, struct json_object *instance,
                                  const cardc_validate_options *opts, cardc_result *result,
                                  cardc_error *err)
{
    vctx c;
    int r;
    size_t i;

    if (!s)
        return cardc__error(err, CARDC_E_USAGE, "cardc_validate: schema is NULL");
    /* the small stacks need no clearing */
    memset(&c, 0, offsetof(vctx, ip_small));
    c.s = s;
    c.r = result;
    c.err = err;
    c.rec = result != NULL;
    c.fast = (opts && (opts->flags & CARDC_VALIDATE_FAST)) || !result;
    c.ann = result && opts && (opts->flags & CARDC_VALIDATE_ANNOTATIONS);
    c.defaults = opts && (opts->flags & CARDC_VALIDATE_APPLY_DEFAULTS);
    c.max_errors = (opts && opts->max_errors) ? opts->max_errors : 100;
    if (c.fast)
        c.max_errors = 1;
    c.max_depth = (opts && opts->max_depth > 0) ? (size_t)opts->max_depth
                                                : (size_t)CARDC_JSON_DEFAULT_MAX_DEPTH;
    cardc__stack_guard_init(&c.stack);
    c.ip = c.ip_small;
    c.capip = sizeof c.ip_small / sizeof c.ip_small[0];
    c.kp = c.kp_small;
    c.capkp = sizeof c.kp_small / sizeof c.kp_small[0];
    c.scope = c.scope_small;
    c.capscope = sizeof c.scope_small / sizeof c.scope_small[0];
    c.acts = c.acts_small;
    c.capact = sizeof c.acts_small / sizeof c.acts_small[0];
    if (result)
        cardc__result_clear(result);
    r = validate_node(&c, s->root, instance, NULL);
    if (r == 1 && c.defaults) {
        for (i = 0; i < c.ndefs; i++) {
            struct json_object *copy = NULL;
            if (json_object_object_get_ex(c.defs[i].obj, c.defs[i].key, NULL))
                continue;
            if (json_object_deep_copy(c.defs[i].value, &copy, NULL) != 0 && c.defs[i].value) {
                r = nomem(&c);
                break;
            }
            if (cardc__json_set(c.defs[i].obj, c.defs[i].key, copy) != 0) {
                json_object_put(copy);
                r = nomem(&c);
                break;
            }
        }
    }
    if (c.ip != c.ip_small)
        free(c.ip);
    if (c.kp != c.kp_small)
        free(c.kp);
    if (c.scope != c.scope_small)
        free(c.scope);
    if (c.acts != c.acts_small)
        free(c.acts);
    free(c.defs);
    if (result) {
        result->valid = r == 1;
        if (r != 1)
            cardc__result_truncate_annotations(result, 0);
    }
    if (r < 0)
        return c.fatal;
    return r == 1 ? CARDC_OK : CARDC_E_INVALID;
}

/* CARDC_E_INVALID is an error like any other (error.h): the record says
 * what failed first and where. */
static void record_invalid(cardc_error *err, const cardc_result *result)
{
    const cardc_unit *u = result ? cardc_result_error(result, 0) : NULL;
    if (!err || err->code != CARDC_OK)
        return;
    if (!u) {
        cardc__error(err, CARDC_E_INVALID, "the instance does not match the schema");
        return;
    }
    cardc__error(err, CARDC_E_INVALID, "%s", u->message ? u->message : "invalid");
    cardc__error_pointer(err, u->instance_location);
}

cardc_status cardc_validate(const cardc_schema *s, struct json_object *instance,
                            const cardc_validate_options *opts, cardc_result *result,
                            cardc_error *err)
{
    cardc_status st;
    cardc__error_enter(err);
    st = validate_body(s, instance, opts, result, err);
    if (st == CARDC_E_INVALID)
        record_invalid(err, result);
    return cardc__error_leave(err, st);
}
