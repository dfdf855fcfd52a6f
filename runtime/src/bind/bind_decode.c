/* SPDX-License-Identifier: MIT */
/* Binding engine: JSON text -> value, over the pull parser, guided by the
 * descriptors. The inline checks give the verdict on the fast path; the
 * validator confirms what they defer (RESIDUAL types, pattern, ...) and
 * explains every rejection, so errors are exactly `cardc validate`'s. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind/bind_internal.h"
#include "cardc/json.h"
#include "cardc/pull.h"
#include "common/errors_internal.h"
#include "json/doc.h"
#include "json/json_internal.h"
#include "common/textpos.h"

/* Failures that are not the schema's verdict: they abort the whole decode. */
enum {
    HARD_NONE,
    HARD_PULL,
    HARD_INT_LIMIT,
    HARD_NUM_LIMIT,
    HARD_NOMEM,
    HARD_DEFAULT,
    HARD_STACK,
    HARD_BYTE_LIMIT
};

typedef struct union_frame {
    const cardc_type *t;
    int cls; /* the value's first token (tok_class) */
    struct union_frame *up;
} union_frame;

typedef struct dctx {
    int defer; /* the validator must confirm the verdict */
    int hard;  /* HARD_* */
    size_t hard_offset;
    const char *hard_text; /* the number literal C cannot hold */
    size_t hard_len;
    int no_checks;   /* decoding a default: its type, not its constraints */
    size_t declared; /* declared members the last object (or union) decoded had */
    int no_defaults; /* CARDC_DECODE_NO_DEFAULTS */
    int max_depth;
    bind_diag *diag; /* for RESIDUAL union branches */
    /* A rejected member ends the decode at once (cut_short is then set):
     * the validator explains the rejection from the text anyway, and the
     * rest was read only so that a later duplicate of the key could cure
     * it ({"a": bad, "a": good} is valid). Should the validator accept
     * the text, it is decoded again whole (read_all). Never inside a union
     * another branch of which could take the value (the unions being
     * decoded, innermost first): a branch cut short there could hand the
     * value to the wrong branch. Reading on past invalid-type's rejected
     * image was 518 of its rejection's 9,664 instructions (bench_decode). */
    struct union_frame *unions;
    int cut_short;
    int read_all;
    bind_recycle recycle; /* the replaced value's blocks */
    stack_guard stack;
    cardc_error *err;
    cardc_pull p; /* last: cardc_pull_init sets it whole (see DCTX_RESET) */
} dctx;

/* The context but its parser, zeroed: the parser's 400 bytes were zeroed
 * twice per decode (here and by cardc_pull_init). */
#define DCTX_RESET(c) memset((c), 0, offsetof(dctx, p))

static int decode_value(dctx *c, const cardc_type *t, void *dst, const cardc_pull_mark *m);
static cardc_status defaults_absent(const cardc_type *t, void *v, unsigned char *present,
                                    size_t count, int recurse, cardc_error *err);

static int hard(dctx *c, int kind)
{
    if (!c->hard) {
        c->hard = kind;
        c->hard_offset = c->p.tok == CARDC_TOK_ERROR ? c->p.error_offset : c->p.tok_offset;
        if (c->p.tok == CARDC_TOK_NUMBER) {
            c->hard_text = c->p.num_text;
            c->hard_len = c->p.num_len;
        }
    }
    return -1;
}

static int next(dctx *c)
{
    cardc_token tok = cardc_pull_next(&c->p);
    if (tok == CARDC_TOK_ERROR)
        return hard(c, HARD_PULL);
    return tok;
}

/* Token class, as the checks module numbers them (null 1 ... object 6). */
static int tok_class(cardc_token tok)
{
    switch (tok) {
    case CARDC_TOK_NULL: return 1;
    case CARDC_TOK_TRUE:
    case CARDC_TOK_FALSE: return 2;
    case CARDC_TOK_NUMBER: return 3;
    case CARDC_TOK_STRING: return 4;
    case CARDC_TOK_ARRAY_BEGIN: return 5;
    case CARDC_TOK_OBJECT_BEGIN: return 6;
    default: return 0;
    }
}

/* JSON Schema integers: 1.0 and 1e2 are integers. Reads the literal
 * exactly (a double would round 12345678901234567.0). Returns 1 with *out
 * set, 0 when not integral, 2 when beyond int64 (or too long to tell:
 * callers then ask the validator). */
static int literal_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0, dcount = 0;
    long exp10 = 0, e = 0;
    int neg = 0, eneg = 0;
    char digits[64];

    if (i < n && s[i] == '-') {
        neg = 1;
        i++;
    }
    /* collect significant digits, remembering how many were fractional */
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (dcount || s[i] != '0') {
            if (dcount < sizeof digits)
                digits[dcount++] = s[i];
            else
                exp10++;
        }
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (dcount || s[i] != '0') {
                if (dcount < sizeof digits) {
                    digits[dcount++] = s[i];
                    exp10--;
                } else if (s[i] != '0') {
                    /* beyond 64 digits: an exponent could still make it an
                     * integer, a huge one; the validator tells */
                    return 2;
                }
            } else {
                exp10--;
            }
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            if (e < 1000000)
                e = e * 10 + (s[i] - '0');
    }
    exp10 += eneg ? -e : e;
    while (dcount && digits[dcount - 1] == '0') {
        dcount--;
        exp10++;
    }
    if (!dcount) {
        *out = 0;
        return 1;
    }
    if (exp10 < 0)
        return 0;
    if ((long)dcount + exp10 > 19)
        return 2;
    uint64_t v = 0;
    for (size_t k = 0; k < dcount; k++)
        v = v * 10 + (uint64_t)(digits[k] - '0');
    for (long k = 0; k < exp10; k++) {
        if (v > UINT64_MAX / 10)
            return 2;
        v *= 10;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return 2;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return 2;
        *out = (int64_t)v;
    }
    return 1;
}

/* The current NUMBER token as an int64: 1, 0 (not an integer), or a hard
 * LIMIT failure (-1) for integers that do not fit, the validator's
 * integers included: 9223372036854775807.5 rounds to 2^63, an integer
 * there, too large here (fuzz_decode: the decoder refused it as no
 * integer). */
static int token_int(dctx *c, int64_t *out)
{
    int r;

    if (c->p.num_is_int) {
        *out = c->p.num_int;
        return 1;
    }
    r = literal_int(c->p.num_text, c->p.num_len, out);
    if (r == 2)
        return hard(c, HARD_INT_LIMIT);
    if (r == 0) {
        /* Not an integer to the digit, but the validator (as ajv) judges the
         * double the literal rounds to: 1e-400 is 0 and 1.0000000000000000001
         * is 1 there, so here too (fuzz_decode: the decoder refused what
         * the validator accepted). */
        double d = c->p.num_double;
        if (isfinite(d) && d == floor(d)) {
            if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
                return hard(c, HARD_INT_LIMIT);
            *out = (int64_t)d;
            return 1;
        }
    }
    return r;
}

/* The current key as json-c, hence the validator, keeps it: up to its
 * first NUL (a "\u0000" escape), so "role\u0000" is "role" to both
 * (fuzz_decode: the decoder refused what the validator accepted). */
static size_t key_len(const dctx *c)
{
    const char *nul = memchr(c->p.str, '\0', c->p.str_len);
    return nul ? (size_t)(nul - c->p.str) : c->p.str_len;
}

static char *copy_str(dctx *c)
{
    char *s = cardc__bind_recycle_get(&c->recycle, c->p.str_len + 1);
    if (!s) {
        hard(c, HARD_NOMEM);
        return NULL;
    }
    memcpy(s, c->p.str, c->p.str_len);
    s[c->p.str_len] = '\0';
    return s;
}

/* Grows a vector of `size`-byte elements to hold one more (zeroed). */
static void *vec_push(dctx *c, void **items, size_t *cap, size_t count, size_t size)
{
    if (count == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        void *p;
        if (nc > SIZE_MAX / size) {
            hard(c, HARD_NOMEM);
            return NULL;
        }
        p = *items ? realloc(*items, nc * size) : cardc__bind_recycle_get(&c->recycle, nc * size);
        if (!p) {
            hard(c, HARD_NOMEM);
            return NULL;
        }
        *items = p;
        *cap = nc;
    }
    void *slot = (char *)*items + count * size;
    memset(slot, 0, size);
    return slot;
}

static int item_checks_bytes(dctx *c, const cardc_type *t, const uint8_t *b, size_t n)
{
    if (c->no_checks || !t->item || !t->item->check_count)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (!cardc__bind_check_int(t->item, b[i], &c->defer))
            return 0;
    return 1;
}

/* BYTES (byte array) and NUMBERS: the pull parser's byte fast path, else
 * element by element. */
static int decode_number_array(dctx *c, const cardc_type *t, void *dst)
{
    uint8_t *bytes = NULL;
    double *vals = NULL;
    size_t count = 0, cap = 0;
    int as_bytes = t->kind == CARDC_KIND_BYTES;
    /* a kept block in place of the parser's first allocation, of its size */
    size_t want = cardc__pull_bytes_first_size(&c->p), have;
    uint8_t *buf = cardc__bind_recycle_take(&c->recycle, want, &have);
    int r = cardc__pull_bytes_into(&c->p, buf, buf ? want : 0, &bytes, &count);

    if (r < 0)
        return hard(c, c->p.error == CARDC_E_NOMEM ? HARD_NOMEM : HARD_PULL);
    if (r == 0) {
        count = 0;
        for (;;) {
            int tok = next(c);
            int64_t iv;
            if (tok < 0)
                goto fail;
            if (tok == CARDC_TOK_ARRAY_END)
                break;
            if (tok != CARDC_TOK_NUMBER)
                goto reject;
            int k = 1;
            iv = 0;
            if (as_bytes || (t->item && t->item->kind == CARDC_KIND_INT))
                k = literal_int(c->p.num_text, c->p.num_len, &iv);
            if (k == 0 && t->item && t->item->kind == CARDC_KIND_INT)
                goto reject;
            if (!c->no_checks && t->item && t->item->check_count &&
                !cardc__bind_check_number(t->item, c->p.num_double, &c->defer))
                goto reject;
            /* the schema may allow what a byte cannot hold: the validator
             * then tells an invalid document from a limit */
            if (as_bytes && (k != 1 || iv < 0 || iv > 255)) {
                hard(c, HARD_BYTE_LIMIT);
                goto fail;
            }
            if (as_bytes) {
                if (!vec_push(c, (void **)&bytes, &cap, count, 1))
                    goto fail;
                bytes[count++] = (uint8_t)iv;
            } else {
                /* 1e400 is a JSON number no double holds: a limit, like the
                 * NUMBER kind's, so a decoded value always encodes */
                if (!isfinite(c->p.num_double)) {
                    hard(c, HARD_NUM_LIMIT);
                    goto fail;
                }
                if (!vec_push(c, (void **)&vals, &cap, count, sizeof *vals))
                    goto fail;
                vals[count++] = c->p.num_double;
            }
        }
    } else if (!item_checks_bytes(c, t, bytes, count)) {
        goto reject;
    }
    if (!c->no_checks && !cardc__bind_check_count(t, count, &c->defer))
        goto reject;
    if (as_bytes) {
        cardc_bytes *b = dst;
        b->data = bytes;
        b->len = count;
    } else {
        cardc_numbers *nm = dst;
        nm->bytes = count ? bytes : NULL;
        nm->values = count ? vals : NULL;
        nm->count = count;
        if (!count) {
            free(bytes);
            free(vals);
        }
    }
    return 1;
reject:
    free(bytes);
    free(vals);
    return 0;
fail:
    free(bytes);
    free(vals);
    return -1;
}

static int decode_array(dctx *c, const cardc_type *t, void *dst)
{
    bind_vec *a = dst;
    size_t cap = 0;
    cardc_pull_mark m;

    for (;;) {
        cardc__pull_save(&c->p, &m);
        int tok = next(c);
        if (tok < 0)
            return -1;
        if (tok == CARDC_TOK_ARRAY_END)
            break;
        void *slot = vec_push(c, &a->items, &cap, a->count, t->item->size);
        if (!slot)
            return -1;
        int r = decode_value(c, t->item, slot, &m);
        if (r <= 0) {
            /* not counted yet, so the array's release would miss it */
            cardc__bind_release(t->item, slot);
            return r;
        }
        a->count++;
    }
    if (!c->no_checks && !cardc__bind_check_count(t, a->count, &c->defer))
        return 0;
    return 1;
}

/* Skips the value whose first token follows mark m (after a branch or
 * member failed part-way through it). 1, or -1 on a syntax error. */
static int skip_from(dctx *c, const cardc_pull_mark *m)
{
    cardc_pull_restore(&c->p, m);
    if (next(c) < 0)
        return -1;
    if (cardc_pull_skip(&c->p) < 0)
        return hard(c, HARD_PULL);
    return 1;
}

/* Whether the decode may end at the member just rejected (dctx.cut_short):
 * not while a union being decoded has another branch for the value. Asked
 * on rejections only, so valid decodes pay one pointer per union. */
static int cut(dctx *c)
{
    if (c->read_all || c->no_checks)
        return 0;
    for (const union_frame *f = c->unions; f; f = f->up) {
        size_t n = 0;
        for (size_t i = 0; i < f->t->branch_count && n < 2; i++)
            n += cardc__bind_admits_class(f->t->branches[i].type, f->cls) != 0;
        if (n > 1)
            return 0;
    }
    c->cut_short = 1;
    return 1;
}

/* A MAP value being filled one entry at a time: a map of its own, or the
 * members an open object's schema does not name. */
typedef struct map_fill {
    bind_vec *vec;
    size_t cap, fcap, nfailed;
    unsigned char *failed; /* per entry: its last value was rejected */
} map_fill;

/* The current token is a key: reads its value into the entry of that key
 * (a repeated key replaces the earlier value, as in json-c's tree). A
 * rejected value is remembered as a failure, which a later value of the
 * same key may cure. Returns 1, or -1 on a hard failure. */
static int map_fill_entry(dctx *c, const cardc_type *mt, map_fill *mf)
{
    bind_vec *mp = mf->vec;
    size_t idx = mp->count;
    char *e = NULL;
    cardc_pull_mark m;
    int r, outer_defer = c->defer;
    size_t klen = key_len(c);

    for (size_t i = 0; i < mp->count; i++) {
        char *x = (char *)mp->items + i * mt->entry_size;
        cardc_string *k = (cardc_string *)(void *)x;
        if (k->len == klen && memcmp(k->data, c->p.str, klen) == 0) {
            cardc__bind_release(mt->item, x + mt->entry_value_offset);
            memset(x + mt->entry_value_offset, 0, mt->item->size);
            e = x;
            idx = i;
            break;
        }
    }
    if (!e) {
        unsigned char *f = vec_push(c, (void **)&mf->failed, &mf->fcap, mp->count, 1);
        e = f ? vec_push(c, &mp->items, &mf->cap, mp->count, mt->entry_size) : NULL;
        if (!e)
            return -1;
        cardc_string *k = (cardc_string *)(void *)e;
        if (!(k->data = copy_str(c)))
            return -1;
        k->len = klen; /* the copy ends with a NUL there */
        mp->count++;
    }
    cardc__pull_save(&c->p, &m);
    if (next(c) < 0)
        return -1;
    r = decode_value(c, mt->item, e + mt->entry_value_offset, &m);
    /* Members of an open object: the schema allows any value there, so the
     * JSON the engine keeps needs no validator. */
    if (mt == &cardc_members_type)
        c->defer = outer_defer;
    if (r < 0)
        return -1;
    mf->nfailed -= mf->failed[idx];
    mf->failed[idx] = r == 0;
    mf->nfailed += mf->failed[idx];
    if (r == 0) {
        cardc__bind_release(mt->item, e + mt->entry_value_offset);
        memset(e + mt->entry_value_offset, 0, mt->item->size);
        if (cut(c))
            return 0;
        return skip_from(c, &m);
    }
    return 1;
}

static int decode_map(dctx *c, const cardc_type *t, void *dst)
{
    map_fill mf = {.vec = dst};
    int r = 1;

    for (;;) {
        int tok = next(c);
        if (tok < 0) {
            r = -1;
            break;
        }
        if (tok == CARDC_TOK_OBJECT_END)
            break;
        if ((r = map_fill_entry(c, t, &mf)) <= 0)
            break;
    }
    free(mf.failed);
    if (r == 1 && mf.nfailed)
        r = 0;
    if (r == 1 && !c->no_checks && !cardc__bind_check_count(t, mf.vec->count, &c->defer))
        r = 0;
    return r;
}

static int field_index(const cardc_type *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->field_count; i++)
        if (t->fields[i].json_name_len == len &&
            cardc__same_bytes(t->fields[i].json_name, name, len))
            return (int)i;
    return -1;
}

/* The declared field the current key names, or -1. The key as it stands
 * first: a field's name has no NUL (json-c's keys, hence the schema's, end
 * at one), so only a key that names none is cut at its NUL and tried
 * again. Looking for the NUL first was a memchr call per member. */
static int key_field(const dctx *c, const cardc_type *t)
{
    int i = field_index(t, c->p.str, c->p.str_len);
    size_t kl;
    if (i < 0 && (kl = key_len(c)) != c->p.str_len)
        i = field_index(t, c->p.str, kl);
    return i;
}

/* Sets a field's has_x (when optional) and x_is_null (when nullable). */
static void set_flags(void *obj, const cardc_field *f, bool has, bool is_null)
{
    if (!f->required)
        memcpy(BIND_AT(obj, f->has_offset), &has, sizeof has);
    if (f->nullable)
        memcpy(BIND_AT(obj, f->null_offset), &is_null, sizeof is_null);
}

/* A member the object's schema does not name: kept in the object's
 * `additional` map when it has one, else skipped (closed objects reject
 * it). Returns 1 to read on, 0 rejected, -1 hard failure. */
static int decode_unknown(dctx *c, const cardc_type *t, map_fill *mf, size_t *keys)
{
    if ((t->flags & CARDC_TYPE_CLOSED) && !c->no_checks)
        return 0;
    if (t->additional)
        return map_fill_entry(c, t->additional, mf);
    (*keys)++;
    if (next(c) < 0)
        return -1;
    if (cardc_pull_skip(&c->p) < 0)
        return hard(c, HARD_PULL);
    return 1;
}

/* A declared member's value (the current token is its key). */
static int decode_field(dctx *c, const cardc_type *t, void *dst, int i, unsigned char *present,
                        size_t *keys)
{
    const cardc_field *f = &t->fields[i];
    cardc_pull_mark m;
    int r;

    cardc__pull_save(&c->p, &m);
    if (next(c) < 0)
        return -1;
    if (!present[i])
        (*keys)++;
    else if (bind_field_stored(f)) {
        cardc__bind_release(f->type, BIND_AT(dst, f->offset));
        memset(BIND_AT(dst, f->offset), 0, f->type->size);
    }
    present[i] = 1;
    set_flags(dst, f, true, c->p.tok == CARDC_TOK_NULL && f->nullable);
    if (c->p.tok == CARDC_TOK_NULL && f->nullable)
        return 1;
    if (!bind_field_stored(f))
        r = c->p.tok == CARDC_TOK_NULL; /* a property whose only value is null */
    else
        r = decode_value(c, f->type, BIND_AT(dst, f->offset), &m);
    if (r != 0)
        return r;
    /* {"a": bad, "a": good} is valid (the last value counts, as in json-c's
     * tree): remember the failure, and read on, unless the decode may stop
     * here (dctx.cut_short) */
    if (bind_field_stored(f)) {
        cardc__bind_release(f->type, BIND_AT(dst, f->offset));
        memset(BIND_AT(dst, f->offset), 0, f->type->size);
    }
    present[i] = 2;
    if (cut(c))
        return 0;
    return skip_from(c, &m);
}

/* The object's own rules once every member is read: no member left
 * rejected, required ones present, not {required}, dependentRequired,
 * property counts. Sets c->declared (how many declared members the text
 * had: what anyOf ranks its branches by). */
static int object_verdict(dctx *c, const cardc_type *t, const unsigned char *present, size_t keys)
{
    size_t declared = 0;
    int r = 1;

    for (size_t i = 0; i < t->field_count; i++) {
        declared += present[i] != 0;
        if (present[i] == 2 || (!c->no_checks && t->fields[i].required && !present[i]))
            r = 0;
    }
    c->declared = declared;
    if (r == 1 && !c->no_checks &&
        (!cardc__bind_check_presence(t, present) || !cardc__bind_check_count(t, keys, &c->defer)))
        r = 0;
    return r;
}

static int decode_object(dctx *c, const cardc_type *t, void *dst)
{
    unsigned char small[64], *present = small;
    map_fill mf = {0};
    size_t keys = 0;
    int r = 1;

    if (t->field_count > sizeof small) {
        present = calloc(t->field_count, 1);
        if (!present)
            return hard(c, HARD_NOMEM);
    } else {
        memset(small, 0, sizeof small);
    }
    if (t->additional)
        mf.vec = BIND_AT(dst, t->additional_offset);
    for (;;) {
        int tok = next(c);
        if (tok < 0) {
            r = -1;
            break;
        }
        if (tok == CARDC_TOK_OBJECT_END)
            break;
        int i = key_field(c, t);
        r = i < 0 ? decode_unknown(c, t, &mf, &keys) : decode_field(c, t, dst, i, present, &keys);
        if (r <= 0)
            break;
    }
    free(mf.failed);
    if (r == 1 && mf.nfailed)
        r = 0;
    if (r == 1)
        r = object_verdict(c, t, present, keys + (mf.vec ? mf.vec->count : 0));
    /* the defaults from the presence just checked (every entry 0 or 1 once
     * the verdict is 1), not from the has_ flags again */
    if (r == 1 && !c->no_checks && !c->no_defaults &&
        defaults_absent(t, dst, present, c->declared + (mf.vec ? mf.vec->count : 0), 0, c->err) !=
            CARDC_OK)
        r = hard(c, HARD_DEFAULT);
    if (present != small)
        free(present);
    return r;
}

/* A JSON handle holds exactly the tree `cardc validate` would build: the
 * value's text is delimited with the pull parser (which has checked it),
 * then read by the strict parser behind cardc_json_parse, so both see the
 * same numbers (uint64, decimals with their text) and duplicate keys. */
static struct json_object *json_value(dctx *c, int *ok)
{
    struct json_object *o = NULL;
    size_t start = c->p.tok_offset;
    cardc_status st;

    if (cardc_pull_skip(&c->p) < 0) {
        hard(c, HARD_PULL);
        *ok = 0;
        return NULL;
    }
    st = cardc__json_parse(c->p.text + start, c->p.pos - start, c->p.max_depth, 0, &o, NULL, NULL,
                           0);
    if (st != CARDC_OK) {
        hard(c, st == CARDC_E_NOMEM ? HARD_NOMEM : HARD_PULL);
        *ok = 0;
        return NULL;
    }
    return o;
}

/* How well a branch that matched fits: the declared members its object
 * had (a nested union passes its best branch's on); 0 for other values. */
static size_t branch_score(const dctx *c, const cardc_type *bt)
{
    return bt->kind == CARDC_KIND_OBJECT || bt->kind == CARDC_KIND_UNION ? c->declared : 0;
}

/* Decodes the value (its first token read) as branch bt into slot: 1
 * matched, 0 not (slot left zeroed), -1 hard failure. */
static int try_branch(dctx *c, const cardc_type *bt, void *slot, size_t start,
                      const cardc_pull_mark *m)
{
    int r;

    c->defer = 0;
    c->declared = 0;
    r = decode_value(c, bt, slot, m);
    if (r == 1 && c->defer && !c->no_checks) {
        /* the branch's own verdict needs the validator: ask it about just
         * this value's text */
        int v = cardc__bind_validate_text(c->diag, bt, c->p.text + start, c->p.pos - start, NULL,
                                          c->max_depth, c->err);
        if (v < 0)
            r = hard(c, HARD_DEFAULT);
        else if (v == 0)
            r = 0;
        else
            c->defer = 0; /* settled for everything below the branch */
    }
    if (r != 1) {
        cardc__bind_release(bt, slot);
        memset(slot, 0, bt->size);
    }
    return r;
}

static void drop_slot(const cardc_type *bt, void *slot)
{
    cardc__bind_release(bt, slot);
    free(slot);
}

/* oneOf: the one branch that matches (a second match rejects the value).
 * anyOf: every branch is tried and the best match kept, i.e. the one with
 * the most declared members present (the first of equals), so a reply that
 * several open branches accept lands in the branch that names its members.
 * Defaults come from the kept branch only. */
static int union_pick(dctx *c, const cardc_type *t, void *dst, const cardc_pull_mark *m)
{
    int cls = tok_class(c->p.tok), best = -1, read = 1, outer_defer = c->defer, best_defer = 0;
    size_t start = c->p.tok_offset, best_score = 0;
    void *u = BIND_AT(dst, t->union_offset);
    cardc_pull_mark end;

    for (size_t i = 0; i < t->branch_count; i++) {
        const cardc_type *bt = t->branches[i].type, *held;
        void *slot = u;
        int r;

        if (!cardc__bind_admits_class(bt, cls))
            continue;
        if (!read) {
            cardc_pull_restore(&c->p, m);
            if (next(c) < 0)
                return -1;
        }
        read = 0;
        if (best >= 0 && !(slot = calloc(1, bt->size ? bt->size : 1)))
            return hard(c, HARD_NOMEM);
        r = try_branch(c, bt, slot, start, m);
        if (r <= 0) {
            if (slot != u)
                free(slot);
            if (r < 0)
                return -1;
            continue;
        }
        size_t score = branch_score(c, bt);
        if (best >= 0) {
            held = t->branches[best].type;
            if ((t->flags & CARDC_TYPE_ONE_OF) || score <= best_score) {
                drop_slot(bt, slot);
                if (!(t->flags & CARDC_TYPE_ONE_OF))
                    continue;
                cardc__bind_release(held, u);
                memset(u, 0, held->size);
                return 0;
            }
            /* a better anyOf branch replaces the one held */
            cardc__bind_release(held, u);
            memset(u, 0, held->size);
            memcpy(u, slot, bt->size);
            free(slot);
        }
        best = (int)i;
        best_score = score;
        best_defer = c->defer;
        memcpy(dst, &(int){best + 1}, sizeof(int));
        if (c->no_checks)
            break;
        cardc__pull_save(&c->p, &end);
    }
    if (best < 0) {
        memset(dst, 0, sizeof(int));
        c->defer = outer_defer;
        return 0;
    }
    if (!c->no_checks)
        cardc_pull_restore(&c->p, &end);
    c->defer = outer_defer | best_defer;
    c->declared = best_score;
    return 1;
}

/* The union is known to the decodes below it: one of them may be cut
 * short only if no other branch could take the value (see cut()). */
static int decode_union(dctx *c, const cardc_type *t, void *dst, const cardc_pull_mark *m)
{
    union_frame f = {t, tok_class(c->p.tok), c->unions};
    int r;

    c->unions = &f;
    r = union_pick(c, t, dst, m);
    c->unions = f.up;
    return r;
}

static int decode_value(dctx *c, const cardc_type *t, void *dst, const cardc_pull_mark *m)
{
    cardc_token tok = c->p.tok;
    int64_t iv;
    int r;

    if ((t->flags & CARDC_TYPE_RESIDUAL) && !c->no_checks)
        c->defer = 1;
    /* only where the decode recurses: a scalar's frame is its caller's */
    if (t->kind >= CARDC_KIND_ARRAY && t->kind <= CARDC_KIND_UNION &&
        cardc__stack_guard_exceeded(&c->stack))
        return hard(c, HARD_STACK);
    switch (t->kind) {
    case CARDC_KIND_NULL: return tok == CARDC_TOK_NULL;
    case CARDC_KIND_BOOL:
        if (tok != CARDC_TOK_TRUE && tok != CARDC_TOK_FALSE)
            break;
        *(bool *)dst = tok == CARDC_TOK_TRUE;
        return 1;
    case CARDC_KIND_INT:
        if (tok != CARDC_TOK_NUMBER)
            break;
        r = token_int(c, &iv);
        if (r <= 0)
            return r;
        if (!c->no_checks && !cardc__bind_check_int(t, iv, &c->defer))
            return 0;
        memcpy(dst, &iv, sizeof iv);
        return 1;
    case CARDC_KIND_NUMBER: {
        if (tok != CARDC_TOK_NUMBER)
            break;
        double d = c->p.num_double;
        if (!isfinite(d))
            return hard(c, HARD_NUM_LIMIT);
        if (!c->no_checks && !cardc__bind_check_number(t, d, &c->defer))
            return 0;
        memcpy(dst, &d, sizeof d);
        return 1;
    }
    case CARDC_KIND_STRING: {
        if (tok != CARDC_TOK_STRING)
            break;
        if (!c->no_checks && !cardc__bind_check_string(t, c->p.str, c->p.str_len, &c->defer))
            return 0;
        cardc_string *s = dst;
        if (!(s->data = copy_str(c)))
            return -1;
        s->len = c->p.str_len;
        return 1;
    }
    case CARDC_KIND_ENUM: {
        if (tok != CARDC_TOK_STRING)
            break;
        int k = cardc__bind_enum_index(t, c->p.str, c->p.str_len);
        if (k < 0 ||
            (!c->no_checks && !cardc__bind_check_string(t, c->p.str, c->p.str_len, &c->defer)))
            return 0;
        memcpy(dst, &(int){k + 1}, sizeof(int));
        return 1;
    }
    case CARDC_KIND_BYTES:
        if (t->flags & CARDC_TYPE_BYTE_ARRAY) {
            if (tok != CARDC_TOK_ARRAY_BEGIN)
                break;
            return decode_number_array(c, t, dst);
        }
        if (tok != CARDC_TOK_STRING)
            break;
        if (!c->no_checks && !cardc__bind_check_string(t, c->p.str, c->p.str_len, &c->defer))
            return 0;
        {
            cardc_bytes *b = dst;
            if (!(b->data = (uint8_t *)copy_str(c)))
                return -1;
            b->len = c->p.str_len;
        }
        return 1;
    case CARDC_KIND_NUMBERS:
        if (tok != CARDC_TOK_ARRAY_BEGIN)
            break;
        return decode_number_array(c, t, dst);
    case CARDC_KIND_ARRAY:
        if (tok != CARDC_TOK_ARRAY_BEGIN)
            break;
        return decode_array(c, t, dst);
    case CARDC_KIND_OBJECT:
        if (tok != CARDC_TOK_OBJECT_BEGIN)
            break;
        return decode_object(c, t, dst);
    case CARDC_KIND_MAP:
        if (tok != CARDC_TOK_OBJECT_BEGIN)
            break;
        return decode_map(c, t, dst);
    case CARDC_KIND_UNION: return decode_union(c, t, dst, m);
    case CARDC_KIND_JSON: {
        int ok = 1;
        struct json_object *o = json_value(c, &ok);
        if (!ok)
            return -1;
        ((cardc_json *)dst)->value = o;
        c->defer = 1;
        return 1;
    }
    }
    return 0;
}

/* A boolean or small integer default, as the generator writes them ("false",
 * "512"), decoded without a parser: 1 applied, 0 not (it breaks the field's
 * checks), -1 when the general path must judge it. Each call of a decoder
 * applies the defaults its payload leaves out; through the pull parser the
 * LLaVA card's boolean default ("raw") was 555 of the 7,675 instructions of
 * decoding bench_decode's "small" payload, this way 84 (callgrind). */
static int decode_scalar_default(const cardc_type *t, void *dst, const char *text)
{
    int64_t v = 0;
    size_t i = text[0] == '-', digits = 0;
    int defer = 0;

    if (t->flags & CARDC_TYPE_RESIDUAL)
        return -1;
    if (t->kind == CARDC_KIND_BOOL) {
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
            return -1;
        *(bool *)dst = text[0] == 't';
        return 1;
    }
    if (t->kind != CARDC_KIND_INT)
        return -1;
    /* -?(0|[1-9][0-9]*), at most 18 digits: exact in an int64 */
    for (; text[i] >= '0' && text[i] <= '9' && digits < 19; i++, digits++)
        v = v * 10 + (text[i] - '0');
    if (text[i] != '\0' || digits == 0 || digits > 18 ||
        (digits > 1 && text[text[0] == '-'] == '0'))
        return -1;
    if (text[0] == '-')
        v = -v;
    if (!cardc__bind_check_int(t, v, &defer) && !defer) {
        memset(dst, 0, t->size);
        return 0;
    }
    if (defer)
        return -1;
    memcpy(dst, &v, sizeof v);
    return 1;
}

/* Decodes a schema default into *dst. JSON Schema does not require a
 * default to be valid, but a decoded value must be: a default that breaks
 * its field's schema is not applied. Returns 1 applied, 0 not, -1 on
 * failure (err filled). */
static int decode_default(const cardc_type *t, void *dst, const char *text, cardc_error *err)
{
    bind_diag diag;
    dctx c;
    cardc_pull_mark m;
    int r = decode_scalar_default(t, dst, text);

    if (r >= 0)
        return r;
    DCTX_RESET(&c);
    cardc__bind_diag_init(&diag);
    cardc__stack_guard_init(&c.stack);
    c.no_defaults = 1; /* the default is the whole value, as written */
    c.read_all = 1;
    c.diag = &diag;
    c.err = err;
    cardc_pull_init(&c.p, text, strlen(text), 0);
    cardc__pull_save(&c.p, &m);
    r = next(&c) < 0 ? -1 : decode_value(&c, t, dst, &m);
    if (r == 1 && next(&c) != CARDC_TOK_END)
        r = -1;
    if (r == 1 && c.defer) {
        r = cardc__bind_validate_text(&diag, t, text, strlen(text), NULL, 0, err);
        if (r < 0)
            c.hard = HARD_DEFAULT;
    }
    cardc_pull_free(&c.p);
    cardc__bind_diag_free(&diag);
    if (r == 1)
        return 1;
    cardc__bind_release(t, dst);
    memset(dst, 0, t->size);
    if (r == 0 || c.hard == HARD_INT_LIMIT || c.hard == HARD_NUM_LIMIT || c.hard == HARD_BYTE_LIMIT)
        return 0;
    if (c.hard == HARD_NOMEM)
        cardc__error(err, CARDC_E_NOMEM, "out of memory");
    else if (c.hard != HARD_DEFAULT)
        cardc__error(err, CARDC_E_SCHEMA, "default %s of %s is not JSON", text,
                     t->c_name ? t->c_name : "?");
    return -1;
}

static int over_max_properties(const cardc_type *t, size_t count)
{
    for (size_t i = 0; i < t->check_count; i++)
        if (t->checks[i].op == CARDC_CHECK_MAX_PROPERTIES && count > t->checks[i].count)
            return 1;
    return 0;
}

/* Fills the defaults of the fields present[] says are absent (present:
 * one byte per field, updated; count: the members present, the ones the
 * schema does not name included). */
static cardc_status defaults_absent(const cardc_type *t, void *v, unsigned char *present,
                                    size_t count, int recurse, cardc_error *err)
{
    for (size_t i = 0; i < t->field_count; i++) {
        const cardc_field *f = &t->fields[i];
        void *fv = BIND_AT(v, f->offset);

        /* most fields are present or have no default: asked first */
        if ((present[i] ? !recurse : !f->default_json) || !bind_field_stored(f))
            continue;
        if (!present[i]) {
            /* nor may a default break the object's own rules (not
             * {required}, dependentRequired, maxProperties) */
            present[i] = 1;
            if (!cardc__bind_check_presence(t, present) || over_max_properties(t, count + 1)) {
                present[i] = 0;
                continue;
            }
            int r = decode_default(f->type, fv, f->default_json, err);
            if (r < 0)
                return err && err->code ? err->code : CARDC_E_SCHEMA;
            present[i] = (unsigned char)r;
            count += (size_t)r;
            if (r)
                set_flags(v, f, true, false);
        } else if (f->required && f->type->kind == CARDC_KIND_OBJECT && f->type != t) {
            cardc_status st = cardc__bind_apply_defaults(f->type, fv, 1, err);
            if (st != CARDC_OK)
                return st;
        }
    }
    return CARDC_OK;
}

cardc_status cardc__bind_apply_defaults(const cardc_type *t, void *v, int recurse, cardc_error *err)
{
    unsigned char small[64] = {0}, *present = small;
    size_t count = 0;
    cardc_status st;

    if (t->field_count > sizeof small && !(present = calloc(t->field_count, 1)))
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < t->field_count; i++) {
        present[i] = bind_field_has(&t->fields[i], v);
        count += present[i];
    }
    /* the members the schema does not name count too (maxProperties) */
    if (t->additional)
        count += ((const bind_vec *)BIND_CAT(v, t->additional_offset))->count;
    st = defaults_absent(t, v, present, count, recurse, err);
    if (present != small)
        free(present);
    return st;
}

static cardc_status fail_at(cardc_error *err, cardc_status code, const char *text, size_t len,
                            size_t offset, const char *source, const char *fmt, const char *arg)
{
    int line, col;

    cardc__text_position(text, len, offset, 0, &line, &col);
    if (err && err->code == CARDC_OK) {
        cardc__error_at(err, code, source, line, col, fmt, arg);
        err->offset = offset;
    }
    return code;
}

static cardc_status bind_decode_body(const cardc_type *t, void *value, const char *json, size_t len,
                                     const cardc_decode_options *opts, int read_all,
                                     cardc_error *err)
{
    const char *source = opts && opts->source ? opts->source : "<string>";
    cardc_result *result = opts ? opts->result : NULL;
    bind_diag diag;
    cardc_pull_mark m;
    cardc_json_options jopts;
    cardc_status st = CARDC_OK;
    dctx c;
    char scratch[256]; /* the payload's strings, while they are short */
    int r;

    if (!t || !value || (!json && len))
        return cardc__error(err, CARDC_E_USAGE, "cardc_bind_decode: NULL argument");
    if (!json)
        json = "";
    cardc__bind_diag_init(&diag);
    DCTX_RESET(&c);
    cardc__bind_release_to(t, value, &c.recycle);
    memset(value, 0, t->size);
    c.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : 0;
    c.diag = &diag;
    c.err = err;
    cardc__stack_guard_init(&c.stack);
    c.no_defaults = opts && (opts->flags & CARDC_DECODE_NO_DEFAULTS);
    c.read_all = read_all;
    cardc_json_options_init(&jopts);
    jopts.max_depth = c.max_depth;
    if (opts)
        jopts.duplicate_keys = opts->duplicate_keys;
    if (jopts.duplicate_keys == CARDC_DUPLICATE_KEYS_REJECT)
        diag.json_flags = CARDC__JSON_UNIQUE_KEYS;
    cardc_pull_init_ex(&c.p, json, len, &jopts);
    cardc__pull_lend_scratch(&c.p, scratch, sizeof scratch);
    cardc__pull_borrow_plain(&c.p);
    cardc__pull_save(&c.p, &m);
    r = next(&c) < 0 ? -1 : decode_value(&c, t, value, &m);
    if (r == 1 && next(&c) != CARDC_TOK_END)
        r = -1;
    if (r == 1 && c.defer) {
        r = cardc__bind_validate_text(&diag, t, json, len, result, c.max_depth, err);
        if (r < 0)
            st = err && err->code ? err->code : CARDC_E_INVALID;
    }
    if (r != 1) {
        cardc__bind_release(t, value);
        memset(value, 0, t->size);
    }
    if (r == 1) {
        if (result && !c.defer)
            cardc__bind_result_valid(result);
    } else if (r == 0) {
        st =
            cardc__bind_explain(&diag, t, json, len, source, result, c.max_depth, c.cut_short, err);
    } else if (st == CARDC_OK) {
        switch (c.hard) {
        case HARD_NOMEM: st = cardc__error(err, CARDC_E_NOMEM, "out of memory"); break;
        case HARD_INT_LIMIT:
        case HARD_NUM_LIMIT:
        case HARD_BYTE_LIMIT: {
            /* an invalid or malformed document is reported as such (the
             * number may come before the bad text); only a valid one that
             * C cannot hold is a limit */
            int v = cardc__bind_validate_text(&diag, t, json, len, result, c.max_depth, NULL);
            if (v <= 0) {
                st = cardc__bind_explain(&diag, t, json, len, source, result, c.max_depth, 0, err);
                break;
            }
            char msg[160];
            snprintf(msg, sizeof msg, "%s %.*s is valid for the schema but does not fit in %s",
                     c.hard == HARD_INT_LIMIT ? "integer" : "number",
                     c.hard_len > 64 ? 64 : (int)c.hard_len, c.hard_text ? c.hard_text : "",
                     c.hard == HARD_INT_LIMIT   ? "int64_t"
                     : c.hard == HARD_NUM_LIMIT ? "a double"
                                                : "a byte (0..255)");
            st = fail_at(err, CARDC_E_LIMIT, json, len, c.hard_offset, source, "%s", msg);
            break;
        }
        case HARD_STACK:
            st = fail_at(err, CARDC_E_LIMIT, json, len, c.hard_offset, source, "%s",
                         "value nested too deeply for the thread's stack");
            break;
        case HARD_DEFAULT: st = err && err->code ? err->code : CARDC_E_SCHEMA; break;
        default: {
            /* malformed text: the strict parser's report, as `cardc validate` prints it */
            struct json_object *doc = NULL;
            st = cardc_json_parse_ex(json, len, source, &jopts, &doc, err);
            cardc_json_free(doc);
            if (st == CARDC_OK)
                st = fail_at(err, c.p.error ? c.p.error : CARDC_E_JSON, json, len, c.hard_offset,
                             source, "%s", c.p.message);
            break;
        }
        }
    }
    cardc__bind_recycle_drain(&c.recycle);
    cardc_pull_free(&c.p);
    cardc__bind_diag_free(&diag);
    if (r == 0 && c.cut_short && st == CARDC_OK) /* the validator accepts it: read it all */
        return bind_decode_body(t, value, json, len, opts, 1, err);
    return st;
}

void cardc_decode_options_init(cardc_decode_options *opts)
{
    if (opts)
        memset(opts, 0, sizeof *opts);
}

cardc_status cardc_bind_decode(const cardc_type *t, void *value, const char *json, size_t len,
                               const cardc_decode_options *opts, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, bind_decode_body(t, value, json, len, opts, 0, err));
}
