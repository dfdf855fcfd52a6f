/* SPDX-License-Identifier: MIT */
/* The binding engine's inline checks, shared by decode (on values as they
 * are read) and validate/encode (on values built by hand). They give a
 * verdict only: when something fails, the validator is run on the JSON
 * text to say why, so diagnostics are exactly `cardc validate`'s. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bind/bind_internal.h"
#include "common/errors_internal.h"
#include "common/utf8.h"

/* A divisor literal that is a plain integer fitting int64 ("7", not
 * "7.0" or "1e3"): then multipleOf is one exact remainder. */
static int int_literal(const char *s, int64_t *out)
{
    int64_t v = 0;

    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return v > 0;
}

static int number_bound(const cardc_check *c, double v)
{
    switch (c->op) {
    case CARDC_CHECK_MINIMUM: return v >= c->number;
    case CARDC_CHECK_EXCLUSIVE_MINIMUM: return v > c->number;
    case CARDC_CHECK_MAXIMUM: return v <= c->number;
    case CARDC_CHECK_EXCLUSIVE_MAXIMUM: return v < c->number;
    default: return 1;
    }
}

/* Checks every op that can apply to any instance type (const, enum). */
static void defer_literal_checks(const cardc_check *c, int *defer)
{
    if (c->op == CARDC_CHECK_CONST || c->op == CARDC_CHECK_ENUM)
        *defer = 1;
}

int cardc__bind_check_int(const cardc_type *t, int64_t v, int *defer)
{
    for (size_t i = 0; i < t->check_count; i++) {
        const cardc_check *c = &t->checks[i];
        int64_t d;

        switch (c->op) {
        case CARDC_CHECK_MINIMUM:
        case CARDC_CHECK_EXCLUSIVE_MINIMUM:
        case CARDC_CHECK_MAXIMUM:
        case CARDC_CHECK_EXCLUSIVE_MAXIMUM:
            /* beyond 2^53 a double comparison could round the wrong way */
            if (v > (INT64_C(1) << 53) || v < -(INT64_C(1) << 53))
                *defer = 1;
            else if (!number_bound(c, (double)v))
                return 0;
            break;
        case CARDC_CHECK_MULTIPLE_OF:
            if (int_literal(c->text, &d)) {
                if (v % d != 0)
                    return 0;
            } else {
                *defer = 1;
            }
            break;
        default: defer_literal_checks(c, defer); break;
        }
    }
    return 1;
}

int cardc__bind_check_number(const cardc_type *t, double v, int *defer)
{
    for (size_t i = 0; i < t->check_count; i++) {
        const cardc_check *c = &t->checks[i];
        int64_t d;

        switch (c->op) {
        case CARDC_CHECK_MINIMUM:
        case CARDC_CHECK_EXCLUSIVE_MINIMUM:
        case CARDC_CHECK_MAXIMUM:
        case CARDC_CHECK_EXCLUSIVE_MAXIMUM:
            if (!number_bound(c, v))
                return 0;
            break;
        case CARDC_CHECK_MULTIPLE_OF:
            /* exact only for integers below 2^53; the validator's decimal
             * arithmetic decides the rest */
            if (int_literal(c->text, &d) && v == floor(v) && fabs(v) < 9007199254740992.0) {
                if ((int64_t)v % d != 0)
                    return 0;
            } else {
                *defer = 1;
            }
            break;
        default: defer_literal_checks(c, defer); break;
        }
    }
    return 1;
}

int cardc__bind_check_string(const cardc_type *t, const char *s, size_t len, int *defer)
{
    size_t cps = (size_t)-1;

    for (size_t i = 0; i < t->check_count; i++) {
        const cardc_check *c = &t->checks[i];

        switch (c->op) {
        case CARDC_CHECK_MIN_LENGTH:
        case CARDC_CHECK_MAX_LENGTH:
            /* a string has at most len and at least len/4 code points */
            if (c->op == CARDC_CHECK_MAX_LENGTH ? len <= c->count : len / 4 >= c->count)
                break;
            if (cps == (size_t)-1 && !utf8_count((const unsigned char *)s, len, &cps))
                return 0;
            if (c->op == CARDC_CHECK_MIN_LENGTH ? cps < c->count : cps > c->count)
                return 0;
            break;
        case CARDC_CHECK_PATTERN: *defer = 1; break;
        case CARDC_CHECK_FORMAT:
            /* an annotation unless the model asserts formats */
            if (t->schema && (t->schema->schema_flags & CARDC_SCHEMA_ASSERT_FORMAT))
                *defer = 1;
            break;
        default: defer_literal_checks(c, defer); break;
        }
    }
    return 1;
}

int cardc__bind_check_count(const cardc_type *t, size_t count, int *defer)
{
    for (size_t i = 0; i < t->check_count; i++) {
        const cardc_check *c = &t->checks[i];

        switch (c->op) {
        case CARDC_CHECK_MIN_ITEMS:
        case CARDC_CHECK_MIN_PROPERTIES:
            if (count < c->count)
                return 0;
            break;
        case CARDC_CHECK_MAX_ITEMS:
        case CARDC_CHECK_MAX_PROPERTIES:
            if (count > c->count)
                return 0;
            break;
        case CARDC_CHECK_UNIQUE_ITEMS:
            if (count > 1)
                *defer = 1;
            break;
        default: defer_literal_checks(c, defer); break;
        }
    }
    return 1;
}

int cardc__bind_check_presence(const cardc_type *t, const unsigned char *present)
{
    for (size_t i = 0; i < t->check_count; i++) {
        const cardc_check *c = &t->checks[i];
        size_t k, n = 0;

        if (c->op == CARDC_CHECK_NOT_ALL_PRESENT) {
            for (k = 0; k < c->field_count; k++)
                n += c->fields[k] < t->field_count && present[c->fields[k]];
            if (n == c->field_count)
                return 0;
        } else if (c->op == CARDC_CHECK_DEPENDENT_REQUIRED && c->field_count > 0 &&
                   c->fields[0] < t->field_count && present[c->fields[0]]) {
            for (k = 1; k < c->field_count; k++)
                if (c->fields[k] < t->field_count && !present[c->fields[k]])
                    return 0;
        }
    }
    return 1;
}

int cardc__bind_enum_index(const cardc_type *t, const char *s, size_t len)
{
    for (size_t i = 0; i < t->enum_count; i++)
        if (strlen(t->enum_values[i]) == len && memcmp(t->enum_values[i], s, len) == 0)
            return (int)i;
    return -1;
}

/* ---- walking a hand-built value ---- */

static void path_index(strbuf *path, size_t i)
{
    strbuf_printf(path, "/%zu", i);
}

static int broken(cardc_error *err, strbuf *path, const cardc_type *t, const char *what)
{
    cardc__error(err, CARDC_E_INVALID, "%s (%s)", what, t->c_name ? t->c_name : "value");
    cardc__error_pointer(err, path->s ? path->s : "");
    return -1;
}

/* Which JSON token a stored value starts with, to see whether another
 * oneOf branch could also claim it once encoded. */
static int json_class(const cardc_type *t, const void *v)
{
    switch (t->kind) {
    case CARDC_KIND_NULL: return 1;
    case CARDC_KIND_BOOL: return 2;
    case CARDC_KIND_INT:
    case CARDC_KIND_NUMBER: return 3;
    case CARDC_KIND_STRING:
    case CARDC_KIND_ENUM: return 4;
    case CARDC_KIND_BYTES: return (t->flags & CARDC_TYPE_BYTE_ARRAY) ? 5 : 4;
    case CARDC_KIND_NUMBERS:
    case CARDC_KIND_ARRAY: return 5;
    case CARDC_KIND_OBJECT:
    case CARDC_KIND_MAP: return 6;
    case CARDC_KIND_UNION: {
        int k = bind_union_kind(v);
        if (k >= 1 && (size_t)k <= t->branch_count)
            return json_class(t->branches[k - 1].type, BIND_CAT(v, t->union_offset));
        return 0;
    }
    default: return 0; /* JSON: anything */
    }
}

/* Could a value of type t start with a token of class cls? */
int cardc__bind_admits_class(const cardc_type *t, int cls)
{
    switch (t->kind) {
    case CARDC_KIND_UNION:
        for (size_t i = 0; i < t->branch_count; i++)
            if (cardc__bind_admits_class(t->branches[i].type, cls))
                return 1;
        return 0;
    case CARDC_KIND_JSON: return 1;
    default: return json_class(t, NULL) == cls || ((t->flags & CARDC_TYPE_NULLABLE) && cls == 1);
    }
}

static int check_items_bytes(const cardc_type *t, const uint8_t *b, size_t n, int *defer)
{
    if (!t->item || !t->item->check_count)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (!cardc__bind_check_int(t->item, b[i], defer))
            return 0;
    return 1;
}

static int declared_name(const cardc_type *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->field_count; i++)
        if (t->fields[i].json_name_len == len && memcmp(t->fields[i].json_name, name, len) == 0)
            return 1;
    return 0;
}

/* The members an object's schema does not name: each name valid UTF-8, no
 * declared property's, none twice (encoding them would write a member
 * twice); typed values (additionalProperties: {schema}) checked like any.
 * Untyped ones need nothing: the schema allows any value there. */
static int check_additional(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                            strbuf *path, stack_guard *stk)
{
    const cardc_type *mt = t->additional;
    const bind_vec *m = BIND_CAT(v, t->additional_offset);
    int ok = 1;

    if (!m->items && m->count)
        return broken(err, path, mt, "items is NULL with a non-zero count");
    for (size_t i = 0; i < m->count; i++) {
        const char *e = (const char *)m->items + i * mt->entry_size;
        const cardc_string *key = (const cardc_string *)(const void *)e;
        size_t mark = path->len;
        int r = 1;

        if ((!key->data && key->len) ||
            (key->len && !utf8_count((const unsigned char *)key->data, key->len, NULL)))
            return broken(err, path, mt, "member name is NULL or not valid UTF-8");
        bind_path_push(path, key->data ? key->data : "", key->len);
        if (declared_name(t, key->data ? key->data : "", key->len))
            r = broken(err, path, mt,
                       "an additional member has a declared property's name: "
                       "set the property instead");
        for (size_t j = 0; j < i && r > 0; j++) {
            const cardc_string *other =
                (const cardc_string *)(const void *)((const char *)m->items + j * mt->entry_size);
            if (other->len == key->len &&
                (!key->len || memcmp(other->data, key->data, key->len) == 0))
                r = broken(err, path, mt, "two additional members have the same name");
        }
        if (r > 0 && mt != &cardc_members_type)
            r = cardc__bind_check_value(mt->item, e + mt->entry_value_offset, defer, err, path,
                                        stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
        if (r == 0)
            ok = 0;
    }
    return ok;
}

static int check_object(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                        strbuf *path, stack_guard *stk)
{
    unsigned char small[64] = {0}, *present = small;
    size_t count = 0;
    int ok = 1;

    if (t->field_count > sizeof small) {
        present = calloc(t->field_count, 1);
        if (!present) {
            cardc__error(err, CARDC_E_NOMEM, "out of memory");
            return -1;
        }
    }
    for (size_t i = 0; i < t->field_count && ok >= 0; i++) {
        const cardc_field *f = &t->fields[i];
        bool has = bind_field_has(f, v);
        size_t mark = path->len;

        present[i] = has;
        if (!has) {
            if (f->required)
                ok = 0;
            continue;
        }
        count++;
        if (bind_field_is_null(f, v) || !bind_field_stored(f))
            continue;
        bind_path_push(path, f->json_name, f->json_name_len);
        int r = cardc__bind_check_value(f->type, BIND_CAT(v, f->offset), defer, err, path, stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            ok = -1;
        else if (r == 0 && ok > 0)
            ok = 0;
    }
    if (ok >= 0 && t->additional) {
        int r = check_additional(t, v, defer, err, path, stk);
        if (r < 0 || (r == 0 && ok > 0))
            ok = r;
        count += ((const bind_vec *)BIND_CAT(v, t->additional_offset))->count;
    }
    if (ok > 0 &&
        (!cardc__bind_check_presence(t, present) || !cardc__bind_check_count(t, count, defer)))
        ok = 0;
    if (present != small)
        free(present);
    return ok;
}

static int check_value_numbers(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                               strbuf *path)
{
    const cardc_numbers *n = v;
    if (n->count && (!n->bytes == !n->values))
        return broken(err, path, t, "numbers need exactly one of bytes/values when count > 0");
    if (!cardc__bind_check_count(t, n->count, defer))
        return 0;
    if (n->bytes)
        return check_items_bytes(t, n->bytes, n->count, defer);
    for (size_t i = 0; i < n->count; i++) {
        if (!isfinite(n->values[i]))
            return broken(err, path, t,
                          "a number must be finite (NaN and infinity have no JSON form)");
        if (t->item && t->item->check_count &&
            !(t->item->kind == CARDC_KIND_INT
                  ? (n->values[i] == floor(n->values[i]) &&
                     cardc__bind_check_number(t->item, n->values[i], defer))
                  : cardc__bind_check_number(t->item, n->values[i], defer)))
            return 0;
    }
    return 1;
}

static int check_value_array(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                             strbuf *path, stack_guard *stk)
{
    const bind_vec *a = v;
    int ok = 1;
    if (!a->items && a->count)
        return broken(err, path, t, "items is NULL with a non-zero count");
    for (size_t i = 0; i < a->count; i++) {
        size_t mark = path->len;
        path_index(path, i);
        int r = cardc__bind_check_value(t->item, (const char *)a->items + i * t->item->size, defer,
                                        err, path, stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
        if (r == 0)
            ok = 0;
    }
    return ok && cardc__bind_check_count(t, a->count, defer);
}

static int check_value_map(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                           strbuf *path, stack_guard *stk)
{
    const bind_vec *m = v;
    int ok = 1;
    if (!m->items && m->count)
        return broken(err, path, t, "items is NULL with a non-zero count");
    for (size_t i = 0; i < m->count; i++) {
        const char *e = (const char *)m->items + i * t->entry_size;
        const cardc_string *key = (const cardc_string *)(const void *)e;
        size_t mark = path->len;
        if ((!key->data && key->len) ||
            (key->len && !utf8_count((const unsigned char *)key->data, key->len, NULL)))
            return broken(err, path, t, "map key is NULL or not valid UTF-8");
        bind_path_push(path, key->data ? key->data : "", key->len);
        int r = cardc__bind_check_value(t->item, e + t->entry_value_offset, defer, err, path, stk);
        strbuf_truncate(path, mark);
        if (r < 0)
            return -1;
        if (r == 0)
            ok = 0;
    }
    return ok && cardc__bind_check_count(t, m->count, defer);
}

static int check_value_union(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                             strbuf *path, stack_guard *stk)
{
    int k = bind_union_kind(v);
    if (k < 1 || (size_t)k > t->branch_count)
        return broken(err, path, t, "union kind is NONE or out of range");
    const cardc_type *bt = t->branches[k - 1].type;
    const void *bv = BIND_CAT(v, t->union_offset);
    int r = cardc__bind_check_value(bt, bv, defer, err, path, stk);
    if (r <= 0)
        return r;
    /* oneOf: exclusive when no other branch can even start the same way */
    if (t->flags & CARDC_TYPE_ONE_OF) {
        int cls = json_class(bt, bv);
        for (size_t i = 0; i < t->branch_count; i++)
            if (i != (size_t)(k - 1) &&
                (cls == 0 || cardc__bind_admits_class(t->branches[i].type, cls)))
                *defer = 1;
    }
    return 1;
}

int cardc__bind_check_value(const cardc_type *t, const void *v, int *defer, cardc_error *err,
                            strbuf *path, stack_guard *stk)
{
    if (cardc__stack_guard_exceeded(stk)) {
        cardc__error(err, CARDC_E_LIMIT, "value nested too deeply for the thread's stack");
        cardc__error_pointer(err, path->s ? path->s : "");
        return -1;
    }
    if (t->flags & CARDC_TYPE_RESIDUAL)
        *defer = 1;
    switch (t->kind) {
    case CARDC_KIND_NULL:
    case CARDC_KIND_BOOL: return 1;
    case CARDC_KIND_INT: {
        int64_t i;
        memcpy(&i, v, sizeof i);
        return cardc__bind_check_int(t, i, defer);
    }
    case CARDC_KIND_NUMBER: {
        double d;
        memcpy(&d, v, sizeof d);
        if (!isfinite(d))
            return broken(err, path, t,
                          "a number must be finite (NaN and infinity have no JSON form)");
        return cardc__bind_check_number(t, d, defer);
    }
    case CARDC_KIND_STRING: {
        const cardc_string *s = v;
        if (!s->data && s->len)
            return broken(err, path, t, "string data is NULL with a non-zero length");
        if (s->len && !utf8_count((const unsigned char *)s->data, s->len, NULL))
            return broken(err, path, t, "string is not valid UTF-8");
        return cardc__bind_check_string(t, s->data ? s->data : "", s->len, defer);
    }
    case CARDC_KIND_ENUM: {
        int k;
        memcpy(&k, v, sizeof k);
        if (k < 1 || (size_t)k > t->enum_count)
            return broken(err, path, t, "enum value is unset or out of range");
        return cardc__bind_check_string(t, t->enum_values[k - 1], strlen(t->enum_values[k - 1]),
                                        defer);
    }
    case CARDC_KIND_BYTES: {
        const cardc_bytes *b = v;
        if (!b->data && b->len)
            return broken(err, path, t, "bytes data is NULL with a non-zero length");
        if (t->flags & CARDC_TYPE_BYTE_ARRAY)
            return cardc__bind_check_count(t, b->len, defer) &&
                   check_items_bytes(t, b->data, b->len, defer);
        if (b->len && !utf8_count(b->data, b->len, NULL))
            return broken(
                err, path, t,
                "bytes of a binary string must be valid UTF-8 to be sent as a JSON string; "
                "binary data needs the byte-array form");
        return cardc__bind_check_string(t, (const char *)(b->data ? b->data : (const uint8_t *)""),
                                        b->len, defer);
    }
    case CARDC_KIND_NUMBERS: return check_value_numbers(t, v, defer, err, path);
    case CARDC_KIND_ARRAY: return check_value_array(t, v, defer, err, path, stk);
    case CARDC_KIND_MAP: return check_value_map(t, v, defer, err, path, stk);
    case CARDC_KIND_OBJECT: return check_object(t, v, defer, err, path, stk);
    case CARDC_KIND_UNION: return check_value_union(t, v, defer, err, path, stk);
    case CARDC_KIND_JSON: *defer = 1; return 1;
    }
    return broken(err, path, t, "unknown kind in type descriptor");
}
