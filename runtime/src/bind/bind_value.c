/* SPDX-License-Identifier: MIT */
/* Binding engine: values' lifetime (init, free) and the setters. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bind/bind_internal.h"
#include "cardc/json.h"
#include "common/errors_internal.h"
#include "common/utf8.h"

double cardc_numbers_get(const cardc_numbers *numbers, size_t index)
{
    if (!numbers || index >= numbers->count)
        return 0.0;
    if (numbers->bytes)
        return numbers->bytes[index];
    return numbers->values ? numbers->values[index] : 0.0;
}

/* Copies data[0..len) plus a NUL into a new buffer. */
static void *dup_nul(const void *data, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, data, len);
    p[len] = '\0';
    return p;
}

static cardc_status string_set_body(cardc_string *s, const char *data, size_t len, cardc_error *err)
{
    char *p;

    if (!s || (!data && len))
        return cardc__error(err, CARDC_E_USAGE, "cardc_string_set: NULL argument");
    p = dup_nul(data, len);
    if (!p)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    free(s->data);
    s->data = p;
    s->len = len;
    return CARDC_OK;
}

cardc_status cardc_string_set(cardc_string *s, const char *data, size_t len, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, string_set_body(s, data, len, err));
}

static cardc_status bytes_set_body(cardc_bytes *b, const void *data, size_t len, cardc_error *err)
{
    uint8_t *p;

    if (!b || (!data && len))
        return cardc__error(err, CARDC_E_USAGE, "cardc_bytes_set: NULL argument");
    p = dup_nul(data, len);
    if (!p)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    free(b->data);
    b->data = p;
    b->len = len;
    return CARDC_OK;
}

cardc_status cardc_bytes_set(cardc_bytes *b, const void *data, size_t len, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, bytes_set_body(b, data, len, err));
}

static cardc_status numbers_set_bytes_body(cardc_numbers *n, const uint8_t *data, size_t count,
                                           cardc_error *err)
{
    uint8_t *p = NULL;

    if (!n || (!data && count))
        return cardc__error(err, CARDC_E_USAGE, "cardc_numbers_set_bytes: NULL argument");
    if (count) {
        p = malloc(count);
        if (!p)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        memcpy(p, data, count);
    }
    free(n->bytes);
    free(n->values);
    n->bytes = p;
    n->values = NULL;
    n->count = count;
    return CARDC_OK;
}

cardc_status cardc_numbers_set_bytes(cardc_numbers *n, const uint8_t *data, size_t count,
                                     cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, numbers_set_bytes_body(n, data, count, err));
}

static cardc_status numbers_set_values_body(cardc_numbers *n, const double *values, size_t count,
                                            cardc_error *err)
{
    double *p = NULL;

    if (!n || (!values && count))
        return cardc__error(err, CARDC_E_USAGE, "cardc_numbers_set_values: NULL argument");
    if (count) {
        if (count > SIZE_MAX / sizeof *p)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        p = malloc(count * sizeof *p);
        if (!p)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        memcpy(p, values, count * sizeof *p);
    }
    free(n->bytes);
    free(n->values);
    n->bytes = NULL;
    n->values = p;
    n->count = count;
    return CARDC_OK;
}

cardc_status cardc_numbers_set_values(cardc_numbers *n, const double *values, size_t count,
                                      cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, numbers_set_values_body(n, values, count, err));
}

/* ---- Members an open object's schema does not name ---------------------- */

/* Values of cardc_members: any JSON (the schema allows anything there, so
 * the engine checks nothing and defers nothing for them). */
static const cardc_type members_value_type = {
    .kind = CARDC_KIND_JSON,
    .c_name = "cardc_json",
    .pointer = "",
    .size = sizeof(cardc_json),
};

const cardc_type cardc_members_type = {
    .kind = CARDC_KIND_MAP,
    .c_name = "cardc_members",
    .pointer = "",
    .size = sizeof(cardc_members),
    .item = &members_value_type,
    .entry_size = sizeof(cardc_member),
    .entry_value_offset = offsetof(cardc_member, value),
};

const cardc_json *cardc_members_get(const cardc_members *members, const char *name)
{
    size_t n = name ? strlen(name) : 0;

    for (size_t i = 0; members && name && members->items && i < members->count; i++) {
        const cardc_string *k = &members->items[i].name;
        if (k->len == n && (n == 0 || memcmp(k->data, name, n) == 0))
            return &members->items[i].value;
    }
    return NULL;
}

static cardc_status members_set_body(cardc_members *m, const char *name, size_t name_len,
                                     const char *json, size_t json_len, cardc_error *err)
{
    struct json_object *value = NULL;
    cardc_member *slot = NULL;
    char *copy;
    cardc_status st;

    if (!m || (!name && name_len) || !json || (!m->items && m->count))
        return cardc__error(err, CARDC_E_USAGE, "cardc_members_set: NULL argument");
    if (name_len && !utf8_count((const unsigned char *)name, name_len, NULL))
        return cardc__error(err, CARDC_E_UTF8, "member name is not valid UTF-8");
    st = cardc_json_parse(json, json_len, "<member>", 0, &value, err);
    if (st != CARDC_OK)
        return st;
    for (size_t i = 0; i < m->count && !slot; i++)
        if (m->items[i].name.len == name_len &&
            (name_len == 0 || memcmp(m->items[i].name.data, name, name_len) == 0))
            slot = &m->items[i];
    if (slot) {
        json_object_put(slot->value.value);
        slot->value.value = value;
        return CARDC_OK;
    }
    if (m->count == SIZE_MAX / sizeof *m->items || !(copy = dup_nul(name, name_len))) {
        json_object_put(value);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    slot = realloc(m->items, (m->count + 1) * sizeof *m->items);
    if (!slot) {
        free(copy);
        json_object_put(value);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    m->items = slot;
    slot += m->count++;
    slot->name.data = copy;
    slot->name.len = name_len;
    slot->value.value = value;
    return CARDC_OK;
}

cardc_status cardc_members_set(cardc_members *members, const char *name, size_t name_len,
                               const char *json, size_t json_len, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, members_set_body(members, name, name_len, json, json_len, err));
}

/* ---- Lifetime ------------------------------------------------------------ */

/* A block the value owned: to the decode that replaces it, or freed. */
static void drop(bind_recycle *r, void *block)
{
    if (r)
        cardc__bind_recycle_put(r, block);
    else
        free(block);
}

/* Kinds whose storage holds no block: a field of one is passed over
 * without a call (3 of the seed card's 6 input fields; releasing the
 * value bench_decode small replaces, 403 -> 366 instructions). */
#define HOLDS_NO_BLOCK                                                            \
    ((1u << CARDC_KIND_NULL) | (1u << CARDC_KIND_BOOL) | (1u << CARDC_KIND_INT) | \
     (1u << CARDC_KIND_NUMBER) | (1u << CARDC_KIND_ENUM))

void cardc__bind_release_to(const cardc_type *t, void *v, bind_recycle *r)
{
    switch (t->kind) {
    case CARDC_KIND_STRING: drop(r, ((cardc_string *)v)->data); break;
    case CARDC_KIND_BYTES: drop(r, ((cardc_bytes *)v)->data); break;
    case CARDC_KIND_NUMBERS:
        drop(r, ((cardc_numbers *)v)->bytes);
        drop(r, ((cardc_numbers *)v)->values);
        break;
    case CARDC_KIND_JSON: cardc_json_free(((cardc_json *)v)->value); break;
    case CARDC_KIND_ARRAY: {
        bind_vec *a = v;
        if (a->items)
            for (size_t i = 0; i < a->count; i++)
                cardc__bind_release_to(t->item, (char *)a->items + i * t->item->size, r);
        drop(r, a->items);
        break;
    }
    case CARDC_KIND_MAP: {
        bind_vec *m = v;
        if (m->items)
            for (size_t i = 0; i < m->count; i++) {
                char *e = (char *)m->items + i * t->entry_size;
                drop(r, ((cardc_string *)(void *)e)->data);
                cardc__bind_release_to(t->item, e + t->entry_value_offset, r);
            }
        drop(r, m->items);
        break;
    }
    case CARDC_KIND_OBJECT:
        for (size_t i = 0; i < t->field_count; i++) {
            const cardc_type *ft = t->fields[i].type;
            if (ft && !((unsigned)ft->kind < 32 && ((HOLDS_NO_BLOCK >> ft->kind) & 1u)))
                cardc__bind_release_to(ft, BIND_AT(v, t->fields[i].offset), r);
        }
        if (t->additional)
            cardc__bind_release_to(t->additional, BIND_AT(v, t->additional_offset), r);
        break;
    case CARDC_KIND_UNION: {
        int k = bind_union_kind(v);
        if (k >= 1 && (size_t)k <= t->branch_count)
            cardc__bind_release_to(t->branches[k - 1].type, BIND_AT(v, t->union_offset), r);
        break;
    }
    default: break;
    }
}

void cardc__bind_release(const cardc_type *t, void *v)
{
    cardc__bind_release_to(t, v, NULL);
}

void cardc_bind_free(const cardc_type *t, void *value)
{
    if (!t || !value)
        return;
    cardc__bind_release(t, value);
    memset(value, 0, t->size);
}

static cardc_status bind_init_body(const cardc_type *t, void *value, cardc_error *err)
{
    cardc_status st;

    if (!t || !value)
        return cardc__error(err, CARDC_E_USAGE, "cardc_bind_init: NULL argument");
    memset(value, 0, t->size);
    if (t->kind != CARDC_KIND_OBJECT)
        return CARDC_OK;
    st = cardc__bind_apply_defaults(t, value, 1, err);
    if (st != CARDC_OK)
        cardc_bind_free(t, value);
    return st;
}

cardc_status cardc_bind_init(const cardc_type *t, void *value, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, bind_init_body(t, value, err));
}
