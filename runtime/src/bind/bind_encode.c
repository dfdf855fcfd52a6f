/* SPDX-License-Identifier: MIT */
/* Binding engine: value -> compact JSON text, and the validation of values
 * built by hand (encode refuses what validate rejects). */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind/bind_internal.h"
#include "common/errors_internal.h"
#include "common/utf8.h"
#include "json/json_internal.h"

static int refuse(cardc_error *err, strbuf *path, const char *what)
{
    cardc__error(err, CARDC_E_INVALID, "%s", what);
    cardc__error_pointer(err, path->s ? path->s : "");
    return -1;
}

/* Writes an unsigned decimal backwards into the end of buf[20]. */
static size_t u64_text(uint64_t v, char buf[20])
{
    size_t n = 0;
    do {
        buf[19 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return n;
}

static void write_int(strbuf *b, int64_t v)
{
    char buf[21];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    size_t n = u64_text(u, buf + 1);
    if (v < 0) {
        buf[20 - n] = '-';
        n++;
    }
    strbuf_add(b, buf + 21 - n, n);
}

/* Shortest of %.15g/%.16g/%.17g that reads back as the same double. */
static int write_double(strbuf *b, double d, cardc_error *err, strbuf *path)
{
    char buf[32];

    if (!isfinite(d))
        return refuse(err, path, "a number must be finite (NaN and infinity have no JSON form)");
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (prec == 17 || strtod(buf, NULL) == d)
            break;
    }
    strbuf_str(b, buf);
    return 0;
}

/* Bytes as "[137,80,...]": 1 MB must encode in a few milliseconds, so
 * each element is one 4-byte copy from a table of "0,".."255," built on
 * the stack (no static state), straight into reserved room. */
static void write_byte_array(strbuf *b, const uint8_t *data, size_t n)
{
    char tab[256][4];
    unsigned char tlen[256];

    if (n > SIZE_MAX / 4 - 2 || !strbuf_reserve(b, n * 4 + 2))
        return;
    for (unsigned v = 0; v < 256; v++) {
        char *t = tab[v];
        size_t k = 0;
        if (v >= 100)
            t[k++] = (char)('0' + v / 100);
        if (v >= 10)
            t[k++] = (char)('0' + v / 10 % 10);
        t[k++] = (char)('0' + v % 10);
        t[k++] = ',';
        while (k < 4)
            t[k++] = '\0';
        tlen[v] = (unsigned char)(v >= 100 ? 4 : v >= 10 ? 3 : 2);
    }
    char *o = b->s + b->len;
    *o++ = '[';
    for (size_t i = 0; i < n; i++) {
        memcpy(o, tab[data[i]], 4);
        o += tlen[data[i]];
    }
    if (n)
        o--; /* the last comma */
    *o++ = ']';
    b->len = (size_t)(o - b->s);
    b->s[b->len] = '\0';
}

/* A JSON string: '"' and '\\' escaped, control characters as \u00XX (the
 * usual short forms for \b \f \n \r \t), '/' left alone. s must be valid
 * UTF-8 (checked by the caller). */
static void write_string(strbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;

    strbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[7];
        size_t en = 2;

        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        strbuf_add(b, s + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (ch) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[ch >> 4];
            esc[5] = hex[ch & 15];
            en = 6;
            break;
        }
        strbuf_add(b, esc, en);
    }
    strbuf_add(b, s + run, n - run);
    strbuf_add(b, "\"", 1);
}

static int write_text(strbuf *b, const char *s, size_t n, int binary, cardc_error *err,
                      strbuf *path)
{
    if (!s && n)
        return refuse(err, path, "string data is NULL with a non-zero length");
    if (n && !utf8_count((const unsigned char *)s, n, NULL))
        return refuse(err, path,
                      binary ? "bytes of a binary string must be valid UTF-8 to be sent as a JSON "
                               "string; binary data needs the byte-array form"
                             : "string is not valid UTF-8");
    write_string(b, s ? s : "", n);
    return 0;
}

/* Ours, not json-c's printer: that one returns a truncated text when its
 * buffer cannot grow. */
static void write_json(strbuf *b, const cardc_json *j)
{
    if (!j->value)
        strbuf_add(b, "null", 4);
    else
        cardc__json_dump_to(b, j->value, 0);
}

/* The members the object's schema does not name, after the declared ones,
 * in their stored (document) order. */
static int write_additional(strbuf *b, const cardc_type *t, const void *v, int first,
                            cardc_error *err, strbuf *path, stack_guard *stk)
{
    const cardc_type *mt = t->additional;
    const bind_vec *m = BIND_CAT(v, t->additional_offset);

    for (size_t i = 0; i < m->count; i++) {
        const char *e = (const char *)m->items + i * mt->entry_size;
        const cardc_string *key = (const cardc_string *)(const void *)e;
        size_t mark = path->len;
        int r = 0;

        if (!first)
            strbuf_add(b, ",", 1);
        first = 0;
        if (write_text(b, key->data, key->len, 0, err, path) < 0)
            return -1;
        strbuf_add(b, ":", 1);
        if (mt == &cardc_members_type) {
            write_json(b, (const cardc_json *)(const void *)(e + mt->entry_value_offset));
            continue;
        }
        bind_path_push(path, key->data ? key->data : "", key->len);
        r = cardc__bind_write(b, mt->item, e + mt->entry_value_offset, err, path, stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int write_object(strbuf *b, const cardc_type *t, const void *v, cardc_error *err,
                        strbuf *path, stack_guard *stk)
{
    int first = 1;

    strbuf_add(b, "{", 1);
    for (size_t i = 0; i < t->field_count; i++) {
        const cardc_field *f = &t->fields[i];
        size_t mark = path->len;

        if (!bind_field_has(f, v))
            continue;
        if (!first)
            strbuf_add(b, ",", 1);
        first = 0;
        write_string(b, f->json_name, f->json_name_len);
        strbuf_add(b, ":", 1);
        if (bind_field_is_null(f, v) || !bind_field_stored(f)) {
            strbuf_add(b, "null", 4);
            continue;
        }
        bind_path_push(path, f->json_name, f->json_name_len);
        int r = cardc__bind_write(b, f->type, BIND_CAT(v, f->offset), err, path, stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
    }
    if (t->additional && write_additional(b, t, v, first, err, path, stk) < 0)
        return -1;
    strbuf_add(b, "}", 1);
    return 0;
}

static int write_value_numbers(strbuf *b, const void *v, cardc_error *err, strbuf *path)
{
    const cardc_numbers *n = v;
    if (n->count && (!n->bytes == !n->values))
        return refuse(err, path, "numbers need exactly one of bytes/values when count > 0");
    if (n->bytes || !n->count) {
        write_byte_array(b, n->bytes, n->count);
        return 0;
    }
    strbuf_add(b, "[", 1);
    for (size_t i = 0; i < n->count; i++) {
        if (i)
            strbuf_add(b, ",", 1);
        if (write_double(b, n->values[i], err, path) < 0)
            return -1;
    }
    strbuf_add(b, "]", 1);
    return 0;
}

static int write_value_array(strbuf *b, const cardc_type *t, const void *v, cardc_error *err,
                             strbuf *path, stack_guard *stk)
{
    const bind_vec *a = v;
    if (!a->items && a->count)
        return refuse(err, path, "items is NULL with a non-zero count");
    strbuf_add(b, "[", 1);
    for (size_t i = 0; i < a->count; i++) {
        size_t mark = path->len;
        if (i)
            strbuf_add(b, ",", 1);
        strbuf_printf(path, "/%zu", i);
        int r = cardc__bind_write(b, t->item, (const char *)a->items + i * t->item->size, err, path,
                                  stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
    }
    strbuf_add(b, "]", 1);
    return 0;
}

static int write_value_map(strbuf *b, const cardc_type *t, const void *v, cardc_error *err,
                           strbuf *path, stack_guard *stk)
{
    const bind_vec *m = v;
    if (!m->items && m->count)
        return refuse(err, path, "items is NULL with a non-zero count");
    strbuf_add(b, "{", 1);
    for (size_t i = 0; i < m->count; i++) {
        const char *e = (const char *)m->items + i * t->entry_size;
        const cardc_string *key = (const cardc_string *)(const void *)e;
        size_t mark = path->len;
        if (i)
            strbuf_add(b, ",", 1);
        if (write_text(b, key->data, key->len, 0, err, path) < 0)
            return -1;
        strbuf_add(b, ":", 1);
        bind_path_push(path, key->data ? key->data : "", key->len);
        int r = cardc__bind_write(b, t->item, e + t->entry_value_offset, err, path, stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
    }
    strbuf_add(b, "}", 1);
    return 0;
}

int cardc__bind_write(strbuf *b, const cardc_type *t, const void *v, cardc_error *err, strbuf *path,
                      stack_guard *stk)
{
    if (cardc__stack_guard_exceeded(stk)) {
        cardc__error(err, CARDC_E_LIMIT, "value nested too deeply for the thread's stack");
        cardc__error_pointer(err, path->s ? path->s : "");
        return -1;
    }
    switch (t->kind) {
    case CARDC_KIND_NULL: strbuf_add(b, "null", 4); return 0;
    case CARDC_KIND_BOOL: {
        bool x;
        memcpy(&x, v, sizeof x);
        strbuf_str(b, x ? "true" : "false");
        return 0;
    }
    case CARDC_KIND_INT: {
        int64_t x;
        memcpy(&x, v, sizeof x);
        write_int(b, x);
        return 0;
    }
    case CARDC_KIND_NUMBER: {
        double d;
        memcpy(&d, v, sizeof d);
        return write_double(b, d, err, path);
    }
    case CARDC_KIND_STRING: {
        const cardc_string *s = v;
        return write_text(b, s->data, s->len, 0, err, path);
    }
    case CARDC_KIND_ENUM: {
        int k;
        memcpy(&k, v, sizeof k);
        if (k < 1 || (size_t)k > t->enum_count)
            return refuse(err, path, "enum value is unset or out of range");
        write_string(b, t->enum_values[k - 1], strlen(t->enum_values[k - 1]));
        return 0;
    }
    case CARDC_KIND_BYTES: {
        const cardc_bytes *x = v;
        if (!x->data && x->len)
            return refuse(err, path, "bytes data is NULL with a non-zero length");
        if (t->flags & CARDC_TYPE_BYTE_ARRAY) {
            write_byte_array(b, x->data, x->len);
            return 0;
        }
        return write_text(b, (const char *)x->data, x->len, 1, err, path);
    }
    case CARDC_KIND_NUMBERS: return write_value_numbers(b, v, err, path);
    case CARDC_KIND_ARRAY: return write_value_array(b, t, v, err, path, stk);
    case CARDC_KIND_MAP: return write_value_map(b, t, v, err, path, stk);
    case CARDC_KIND_OBJECT: return write_object(b, t, v, err, path, stk);
    case CARDC_KIND_UNION: {
        int k = bind_union_kind(v);
        if (k < 1 || (size_t)k > t->branch_count)
            return refuse(err, path, "union kind is NONE or out of range");
        return cardc__bind_write(b, t->branches[k - 1].type, BIND_CAT(v, t->union_offset), err,
                                 path, stk);
    }
    case CARDC_KIND_JSON: write_json(b, v); return 0;
    }
    return refuse(err, path, "unknown kind in type descriptor");
}

/* Checks *v, writes it, and has the validator confirm or explain. Returns
 * the text (heap) through *out when out is non-NULL. */
static cardc_status check_and_write(const cardc_type *t, const void *v, cardc_result *result,
                                    char **out, size_t *len, cardc_error *err)
{
    strbuf path = {0}, b = {0};
    bind_diag diag;
    cardc_status st = CARDC_OK;
    int defer = 0, r;

    cardc__bind_diag_init(&diag);
    stack_guard stk;
    cardc__stack_guard_init(&stk);
    r = cardc__bind_check_value(t, v, &defer, err, &path, &stk);
    if (r >= 0 && cardc__bind_write(&b, t, v, err, &path, &stk) < 0)
        r = -1;
    if (r >= 0 && b.oom) {
        st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
        r = -1;
    }
    if (r < 0 && st == CARDC_OK)
        st = err && err->code ? err->code : CARDC_E_INVALID;
    if (r == 1 && defer) {
        int ok = cardc__bind_validate_text(&diag, t, b.s, b.len, result, 0, err);
        if (ok < 0) {
            st = err && err->code ? err->code : CARDC_E_INVALID;
            r = -1;
        } else if (ok == 0) {
            r = 0;
        }
    }
    if (r == 0)
        st = cardc__bind_explain(&diag, t, b.s, b.len, "<value>", result, 0, 0, err);
    if (r == 1 && result && !defer)
        cardc__bind_result_valid(result);
    if (r == 1 && out) {
        size_t n = b.len;
        *out = cardc__strbuf_take(&b);
        if (!*out)
            st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
        else if (len)
            *len = n;
    }
    cardc__bind_diag_free(&diag);
    cardc__strbuf_free(&b);
    cardc__strbuf_free(&path);
    return st;
}

static cardc_status bind_encode_body(const cardc_type *t, const void *value, char **json,
                                     size_t *len, cardc_error *err)
{
    if (!t || !value || !json)
        return cardc__error(err, CARDC_E_USAGE, "cardc_bind_encode: NULL argument");
    *json = NULL;
    if (len)
        *len = 0;
    return check_and_write(t, value, NULL, json, len, err);
}

cardc_status cardc_bind_encode(const cardc_type *t, const void *value, char **json, size_t *len,
                               cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, bind_encode_body(t, value, json, len, err));
}

static cardc_status bind_validate_body(const cardc_type *t, const void *value, cardc_result *result,
                                       cardc_error *err)
{
    if (!t || !value)
        return cardc__error(err, CARDC_E_USAGE, "cardc_bind_validate: NULL argument");
    return check_and_write(t, value, result, NULL, NULL, err);
}

cardc_status cardc_bind_validate(const cardc_type *t, const void *value, cardc_result *result,
                                 cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, bind_validate_body(t, value, result, err));
}
