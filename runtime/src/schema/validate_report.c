/* SPDX-License-Identifier: MIT */
/* What a validation reports: error units with their paths and messages,
 * errorMessage (ajv-errors), annotations, the error that stops a
 * validation, and the line:column of each error in the parsed text. Only
 * reached on failure (or with annotations on): nothing here is on the path
 * of a passing validation. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/textpos.h"
#include "common/utf8.h"
#include "schema/validate_internal.h"

/* ---- stopping ---- */

NOINLINE int cardc__v_fatal(vctx *c, cardc_status code, const char *fmt, ...)
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
            cardc__v_fatal_pointer(c);
        }
    }
    return -1;
}

int cardc__v_nomem(vctx *c)
{
    return cardc__v_fatal(c, CARDC_E_NOMEM, "out of memory");
}

/* ---- strings ---- */

/* Decimal text of v. Not strbuf_printf: glibc's vsnprintf costs ~1,400
 * instructions even for "%zu", about a third of a validation of a small
 * invalid payload (bench_validate invalid-type). */
void cardc__v_sb_zu(strbuf *b, uint64_t v)
{
    char t[24];
    size_t i = sizeof t;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    strbuf_add(b, t + i, sizeof t - i);
}

/* The JSON Pointer of segments v[0..n), written in place after one
 * reserve: appending piece by piece (strbuf_add per separator and per
 * token) made paths a tenth of a decoder's rejection (bench_decode
 * invalid-type, four errors with two paths each). */
static void sb_path(strbuf *b, const seg *v, size_t n)
{
    size_t i, need = 0;
    char *o;

    for (i = 0; i < n; i++)
        need += 1 + (v[i].s ? 2 * v[i].n : 20); /* "~0"/"~1" double a byte at most */
    if (!strbuf_reserve(b, need))
        return;
    o = b->s + b->len;
    for (i = 0; i < n; i++) {
        *o++ = '/';
        if (v[i].s) {
            /* most names need no escape: found so, they are copied whole
             * (a store per byte was the most of sb_path's 1,077
             * instructions in a decoder's rejection, invalid-type) */
            size_t k = 0;
            while (k < v[i].n && v[i].s[k] != '~' && v[i].s[k] != '/')
                k++;
            memcpy(o, v[i].s, k);
            o += k;
            for (const char *p = v[i].s + k, *end = v[i].s + v[i].n; p < end; p++) {
                if (*p == '~' || *p == '/') {
                    *o++ = '~';
                    *o++ = *p == '~' ? '0' : '1';
                } else {
                    *o++ = *p;
                }
            }
        } else {
            char t[20];
            size_t k = sizeof t;
            uint64_t x = v[i].n;
            do {
                t[--k] = (char)('0' + x % 10);
                x /= 10;
            } while (x);
            memcpy(o, t + k, sizeof t - k);
            o += sizeof t - k;
        }
    }
    b->len = (size_t)(o - b->s);
    b->s[b->len] = '\0';
}

/* The length sb_path gives v[0..n) when no name needs an escape, with
 * "/kw" after it when kw. */
static size_t path_length(const seg *v, size_t n, const char *kw)
{
    size_t len = kw ? 1 + strlen(kw) : 0;
    for (size_t i = 0; i < n; i++) {
        size_t d = 1;
        for (uint64_t x = v[i].n; !v[i].s && x >= 10; x /= 10)
            d++;
        len += 1 + (v[i].s ? v[i].n : d);
    }
    return len;
}

void cardc__v_fatal_pointer(vctx *c)
{
    strbuf b = {0};
    sb_path(&b, c->ip, c->nip);
    if (!b.oom)
        cardc__error_pointer(c->err, b.s ? b.s : "");
    free(b.s);
}

#define VALUE_MAX 40

/* A JSON string of s[0..n), cut after VALUE_MAX code points ("..."). */
void cardc__v_dump_str(strbuf *b, const char *str, size_t n, size_t limit)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i, cps = 0;
    if (b->len > limit)
        return;
    strbuf_add(b, "\"", 1);
    for (i = 0; i < n; i++) {
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

/* Compact JSON of v, cut after about VALUE_MAX characters ("..."). */
void cardc__v_dump(strbuf *b, const cardc_doc *d, const cardc_dval *v, size_t limit)
{
    size_t start = b->len;
    char t[64];

    if (b->len > limit)
        return;
    switch (v->kind) {
    case DK_NULL: strbuf_str(b, "null"); break;
    case DK_TRUE: strbuf_str(b, "true"); break;
    case DK_FALSE: strbuf_str(b, "false"); break;
    case DK_INT:
    case DK_UINT:
    case DK_DOUBLE:
        cardc__dnum_text(v, t, sizeof t);
        strbuf_str(b, t);
        break;
    case DK_STRING:
    case DK_KEY: cardc__v_dump_str(b, cardc__dstr(d, v), v->u.s.len, limit); break;
    case DK_ARRAY:
    case DK_BYTES: {
        size_t i, n = cardc__dcount(v);
        const cardc_dval *next = v + 1, *e;
        cardc_dval tmp;
        strbuf_add(b, "[", 1);
        for (i = 0; i < n; i++) {
            if (v->kind == DK_BYTES) {
                e = cardc__darray_at(d, v, i, &tmp);
            } else {
                e = next;
                next += cardc__dsize(e);
            }
            if (i)
                strbuf_add(b, ",", 1);
            if (b->len - start > VALUE_MAX) {
                strbuf_str(b, "...");
                break;
            }
            cardc__v_dump(b, d, e, limit);
        }
        strbuf_add(b, "]", 1);
        break;
    }
    case DK_OBJECT: {
        const cardc_dval *k = v + 1;
        strbuf_add(b, "{", 1);
        for (uint32_t m = 0; m < v->u.c.n; m++, k = next_member(k)) {
            if (m)
                strbuf_add(b, ",", 1);
            if (b->len - start > VALUE_MAX) {
                strbuf_str(b, "...");
                break;
            }
            cardc__v_dump_str(b, cardc__dstr(d, k), k->u.s.len, limit);
            strbuf_add(b, ":", 1);
            cardc__v_dump(b, d, k + 1, limit);
        }
        strbuf_add(b, "}", 1);
        break;
    }
    }
}

static const char *type_name(const cardc_dval *v)
{
    switch (v->kind) {
    case DK_NULL: return "null";
    case DK_TRUE:
    case DK_FALSE: return "boolean";
    case DK_INT:
    case DK_UINT: return "integer";
    case DK_DOUBLE: return v->types & T_INTEGER ? "integer" : "number";
    case DK_STRING: return "string";
    case DK_ARRAY:
    case DK_BYTES: return "array";
    case DK_OBJECT: return "object";
    }
    return "unknown";
}

/* "got number 5.5", "got object" */
void cardc__v_sb_got(strbuf *b, const cardc_doc *d, const cardc_dval *v)
{
    strbuf_str(b, "got "); /* not strbuf_printf: see cardc__v_sb_zu() */
    strbuf_str(b, type_name(v));
    if (!(v->types & (T_OBJECT | T_ARRAY | T_NULL))) {
        strbuf_add(b, " ", 1);
        cardc__v_dump(b, d, v, 256);
    }
}

void cardc__v_sb_types(strbuf *b, uint32_t t)
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

/* ---- recording ---- */

/* A combinator's unit in outline (CARDC__VALIDATE_MAIN_ONLY): no strings;
 * kw is the compiled schema's, which outlives the result's use in that
 * mode. */
static int record_outline(vctx *c, const char *kw, cardc_vcode code, strbuf *msg)
{
    runit u;

    free(msg->s);
    memset(&u, 0, sizeof u);
    u.u.keyword = kw;
    u.u.code = code;
    u.ilevel = (uint32_t)c->nip;
    u.klevel = (uint32_t)c->nkp + 1u;
    if (!cardc__result_push_error(c->r, &u))
        return cardc__v_nomem(c);
    return 0;
}

int cardc__v_record(vctx *c, const char *kw, const char *abs, cardc_vcode code, strbuf *msg,
                    const char *param)
{
    strbuf *b = msg;
    runit u;
    size_t il, kl, ab, al, kwl;
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
    if (c->main_only && (code == CARDC_V_ONE_OF || code == CARDC_V_ANY_OF))
        return record_outline(c, kw, code, msg);
    memset(&u, 0, sizeof u);
    al = strlen(abs);
    /* The five strings in one block, the message's (V_MESSAGE): its
     * text, then the paths, separated by their NULs. One reserve for all
     * in the common case (the paths' segments are short): growing piece
     * by piece took 3-4 reallocs. */
    strbuf_reserve(b, 16 * (c->nip + c->nkp) + 2 * al + 64);
    strbuf_add(b, "", 1);
    il = b->len;
    sb_path(b, c->ip, c->nip);
    strbuf_add(b, "", 1);
    kl = b->len;
    if (c->nact == 0 && abs[0] == '#' && al == 1 + path_length(c->kp, c->nkp, kw)) {
        /* No $ref crossed and no $id: the evaluation path is the schema
         * location, which abs already spells (built segment by segment,
         * it was 500 of a decoder's rejection's 12,800 instructions,
         * invalid-type). Equal lengths rule out escaped names. */
        strbuf_add(b, abs + 1, al - 1);
    } else {
        sb_path(b, c->kp, c->nkp);
        if (kw) {
            strbuf_add(b, "/", 1);
            strbuf_str(b, kw);
        }
    }
    strbuf_add(b, "", 1);
    ab = b->len;
    strbuf_add(b, abs, al);
    strbuf_add(b, "", 1);
    kwl = b->len;
    strbuf_str(b, kw ? kw : "false");
    if (b->oom || !b->s) {
        free(b->s);
        return cardc__v_nomem(c);
    }
    p = b->s;
    u.buf = p;
    u.u.message = p;
    u.u.instance_location = p + il;
    u.u.keyword_location = p + kl;
    u.u.absolute_keyword_location = p + ab;
    u.u.keyword = p + kwl;
    u.u.code = code;
    u.ilevel = (uint32_t)c->nip;
    u.klevel = (uint32_t)c->nkp + (kw ? 1u : 0u);
    if (param) {
        size_t pl = strlen(param);
        u.param = malloc(pl + 1);
        if (!u.param) {
            free(b->s);
            return cardc__v_nomem(c);
        }
        memcpy(u.param, param, pl + 1);
    }
    if (!cardc__result_push_error(c->r, &u)) {
        cardc__unit_free(&u);
        return cardc__v_nomem(c);
    }
    return 0;
}

int cardc__v_kw_error(vctx *c, const cinstr *in, cardc_vcode code, strbuf *m, const char *param)
{
    if (!REC(c) && !m->s)
        return c->fatal ? -1 : 0;
    cardc__v_record(c, in->kw, in->abs, code, m, param);
    return c->fatal ? -1 : 0;
}

int cardc__v_bad_utf8(vctx *c, const cinstr *in)
{
    strbuf m = V_MESSAGE;
    if (REC(c))
        strbuf_str(&m, "must be valid UTF-8");
    cardc__v_record(c, in->kw, in->abs, CARDC_V_INVALID_UTF8, &m, NULL);
    return c->fatal ? -1 : 0;
}

/* Out of line so that the recursive evaluation path keeps small frames. */
NOINLINE int cardc__v_err_fmt(vctx *c, const cinstr *in, cardc_vcode code, const char *param,
                              const char *fmt, ...)
{
    strbuf m = V_MESSAGE;
    if (REC(c)) {
        char tmp[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(tmp, sizeof tmp, fmt, ap);
        va_end(ap);
        strbuf_str(&m, tmp);
    }
    return cardc__v_kw_error(c, in, code, &m, param);
}

NOINLINE int cardc__v_err_key(vctx *c, const cinstr *in, cardc_vcode code, const char *prefix,
                              const char *k, size_t kl)
{
    strbuf m = V_MESSAGE;
    char *param = NULL;
    int r;
    if (REC(c)) {
        strbuf_str(&m, prefix);
        cardc__v_dump_str(&m, k, kl, 64);
        if ((param = malloc(kl + 1)) != NULL) {
            memcpy(param, k, kl);
            param[kl] = '\0';
        }
    }
    r = cardc__v_kw_error(c, in, code, &m, param ? param : "");
    free(param);
    return r;
}

NOINLINE int cardc__v_false_schema(vctx *c, const cnode *n)
{
    strbuf m = V_MESSAGE;
    if (REC(c))
        strbuf_str(&m, "must not be present (the schema is false)");
    cardc__v_record(c, NULL, n->abs, CARDC_V_FALSE_SCHEMA, &m, NULL);
    return c->fatal ? -1 : 0;
}

/* ---- regex matches ---- */

static NOINLINE int regex_limit(vctx *c, const cinstr *in, const cardc_regex *re, const char *s,
                                size_t n)
{
    strbuf b = {0}, m = {0};
    int quiet = c->quiet;
    const char *pat = cardc_regex_pattern(re);
    /* The unit is kept even inside branches: validation stops here. */
    c->quiet = 0;
    sb_path(&b, c->ip, c->nip);
    if (REC(c)) {
        strbuf_str(&m, "regex limit hit matching pattern ");
        cardc__v_dump_str(&m, pat, strlen(pat), 64);
        strbuf_str(&m, " against ");
        cardc__v_dump_str(&m, s, n, 64);
        cardc__v_record(c, in->kw, in->abs, CARDC_V_REGEX_LIMIT, &m, NULL);
    }
    c->quiet = quiet;
    cardc__v_fatal(c, CARDC_E_LIMIT,
                   "regex limit hit matching pattern \"%s\" at instance location \"%s\"", pat,
                   b.s ? b.s : "");
    free(b.s);
    return -1;
}

int cardc__v_regex(vctx *c, const cinstr *in, const cardc_regex *re, const char *s, size_t n)
{
    int r = cardc_regex_search_with(re, s, n, &c->match_data);
    if (c->match_data)
        c->heap = true;
    if (r == -1)
        return regex_limit(c, in, re, s, n);
    if (r < 0)
        return cardc__v_nomem(c);
    return r;
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
    if (em->properties || em->items) { /* an outline unit has no token: no group */
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

/* Frees what cardc__v_errmsg allocated beyond its stack buffers. */
static void errmsg_scratch_free(runit *old, runit *old_small, char (*keys)[128],
                                char (*keys_small)[128], char *abs, char *abs_small)
{
    if (old != old_small)
        free(old);
    if (keys != keys_small)
        free(keys);
    if (abs != abs_small)
        free(abs);
}

NOINLINE int cardc__v_errmsg(vctx *c, const cnode *n, size_t e0)
{
    cardc_result *r = c->r;
    const cerrmsg *em = n->errmsg;
    size_t total = r->nerr - e0, i, ngroups = 0, absn = strlen(n->abs);
    /* a few errors take no allocation (a decoder's rejection of the seed
     * payload invalid-type brings two here) */
    runit old_small[4], *old;
    char keys_small[4][128], (*keys)[128];
    char abs_small[256], *abs;

    if (!total)
        return 0;
    if (!em->all && !em->properties && !em->items && !em->rest) {
        /* only the node's own keywords have messages: nothing to do unless
         * one of its own errors is here (a oneOf's deeper ones pass) */
        for (i = e0; i < r->nerr && r->err[i].klevel != c->nkp + 1; i++)
            ;
        if (i == r->nerr)
            return 0;
    }
    old = total <= 4 ? old_small : malloc(total * sizeof *old);
    keys = total <= 4 ? keys_small : malloc(total * sizeof *keys);
    abs = absn + sizeof "/errorMessage" <= sizeof abs_small ? abs_small
                                                            : malloc(absn + sizeof "/errorMessage");
    if (!old || !keys || !abs) {
        errmsg_scratch_free(old, old_small, keys, keys_small, abs, abs_small);
        return cardc__v_nomem(c);
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
            continue;
        }
        for (g = 0; g < ngroups; g++)
            if (!strcmp(keys[g], key))
                break;
        if (g == ngroups) {
            strbuf m = V_MESSAGE;
            memcpy(keys[ngroups++], key, sizeof key);
            strbuf_str(&m, msg);
            cardc__v_record(c, "errorMessage", abs, CARDC_V_ERROR_MESSAGE, &m, NULL);
        }
        cardc__unit_free(&old[i]);
    }
    errmsg_scratch_free(old, old_small, keys, keys_small, abs, abs_small);
    return c->fatal ? -1 : 0;
}

/* ---- annotations ---- */

int cardc__v_add_annotation_own(vctx *c, const char *kw, const char *abs, struct json_object *copy)
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
        return cardc__v_nomem(c);
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
        return cardc__v_nomem(c);
    }
    return 1;
}

NOINLINE int cardc__v_add_annotation(vctx *c, const char *kw, const char *abs,
                                     struct json_object *value)
{
    struct json_object *copy = NULL;

    /* a copy: the schema's own objects must not be shared (reference
     * counts are not atomic) */
    if (value && json_object_deep_copy(value, &copy, NULL) != 0)
        return cardc__v_nomem(c);
    return cardc__v_add_annotation_own(c, kw, abs, copy);
}

/* Whether member name k[0..kl) is matched by (properties) or left to
 * (additionalProperties) instruction in; 1, 0, or -1 (regex limit). */
static int annotated_name(vctx *c, const cinstr *in, const char *k, size_t kl, uint32_t h)
{
    const cinstr *pp = in->op == OP_PATTERN_PROPS ? in : in->u.addl.pprops;
    int match = 0;
    if (in->op == OP_PROPERTIES)
        return ckeys_find(&in->u.props.k, k, kl, h) >= 0;
    for (size_t i = 0; pp && i < pp->u.pprops.n && !match; i++) {
        int r = cardc__v_regex(c, in, pp->u.pprops.res[i], k, kl);
        if (r < 0)
            return -1;
        match = r;
    }
    if (in->op == OP_ADDITIONAL_PROPS)
        match = !match &&
                !(in->u.addl.props && ckeys_find(&in->u.addl.props->u.props.k, k, kl, h) >= 0);
    return match;
}

/* Annotations of applicators that passed (JSON Schema 2020-12 10.3):
 * matched property names, largest index / true for items. */
NOINLINE int cardc__v_applicator_annotation(vctx *c, const cinstr *in, const cardc_dval *inst,
                                            uint32_t t)
{
    struct json_object *a = NULL;

    switch ((cop)in->op) {
    case OP_PROPERTIES:
    case OP_PATTERN_PROPS:
    case OP_ADDITIONAL_PROPS: {
        const cardc_dval *k = inst + 1;
        if (!(t & T_OBJECT))
            return 0;
        if (!(a = json_object_new_array()))
            return cardc__v_nomem(c);
        for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
            const char *name = cardc__dstr(c->doc, k);
            int match = annotated_name(c, in, name, k->u.s.len, k->off);
            if (match < 0) {
                json_object_put(a);
                return -1;
            }
            if (match) {
                struct json_object *s = json_object_new_string_len(name, (int)k->u.s.len);
                if (!s || json_object_array_add(a, s) != 0) {
                    json_object_put(s);
                    json_object_put(a);
                    return cardc__v_nomem(c);
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
        if ((n = cardc__dcount(inst)) == 0)
            return 0;
        a = in->u.list.n >= n ? json_object_new_boolean(1)
                              : json_object_new_int64((int64_t)in->u.list.n - 1);
        break;
    }
    case OP_ITEMS:
        if (!(t & T_ARRAY) || cardc__dcount(inst) <= in->u.items.start)
            return 0;
        a = json_object_new_boolean(1);
        break;
    default: return 0;
    }
    if (!a)
        return cardc__v_nomem(c);
    return cardc__v_add_annotation_own(c, in->kw, in->abs, a) < 0 ? -1 : 0;
}

NOINLINE int cardc__v_annotate(vctx *c, const cnode *n)
{
    size_t i;
    for (i = n->n_core; i < n->n; i++) {
        const cinstr *in = &n->ins[i];
        if (in->op == OP_ANNOTATION && cardc__v_add_annotation(c, in->kw, in->abs, in->u.value) < 0)
            return -1;
    }
    for (i = 0; i < n->n_core; i++) {
        const cinstr *in = &n->ins[i];
        if (in->op == OP_FORMAT &&
            cardc__v_add_annotation(c, in->kw, in->abs, in->u.format.name) < 0)
            return -1;
    }
    return 0;
}

/* ---- positions ---- */

typedef struct upos {
    size_t offset;
    cardc_unit *u;
} upos;

static int upos_cmp(const void *a, const void *b)
{
    const upos *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Offsets sorted, then one pass over the text for all of them. */
void cardc__v_positions(cardc_result *r, const cardc_doc *doc, int main_only)
{
    const char *text = doc->base[1];
    upos small[16], *v;
    size_t i, at = 0;
    int line = 1, col = 1;

    if (main_only) {
        runit *m = cardc__result_main_error(r);
        if (m && !cardc__unit_is_outline(m)) {
            m->offset = cardc__doc_offset(doc, &doc->v[0], m->u.instance_location, text);
            cardc__text_position(text, doc->len, m->offset, 0, &m->u.line, &m->u.column);
        }
        return;
    }
    v = r->nerr <= 16 ? small : malloc(r->nerr * sizeof *v);
    if (!v || !r->nerr)
        return;
    for (i = 0; i < r->nerr; i++) {
        r->err[i].offset = cardc__doc_offset(doc, &doc->v[0], r->err[i].u.instance_location, text);
        v[i].offset = r->err[i].offset;
        v[i].u = &r->err[i].u;
    }
    qsort(v, r->nerr, sizeof *v, upos_cmp);
    for (i = 0; i < r->nerr; i++) {
        /* from the previous offset on: lines counted, then columns */
        int l, cl;
        cardc__text_position(text + at, doc->len - at, v[i].offset - at, 0, &l, &cl);
        line += l - 1;
        col = l > 1 ? cl : col + cl - 1;
        at = v[i].offset;
        v[i].u->line = line;
        v[i].u->column = col;
    }
    if (v != small)
        free(v);
}
