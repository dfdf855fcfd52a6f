/* SPDX-License-Identifier: MIT */
/* Invalid samples: one keyword broken in a copy of a valid sample, the
 * smallest change that crosses that keyword's bound and nothing else. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

/* The value at pointer ptr inside root, with its parent and key or index
 * (parent NULL for the root itself). */
static json_object *locate(json_object *root, const char *ptr, json_object **parent, char *key,
                           size_t key_size, size_t *index)
{
    json_object *node = root;

    *parent = NULL;
    while (node && *ptr == '/') {
        size_t n = 0;
        for (ptr++; *ptr && *ptr != '/'; ptr++) {
            char ch = *ptr;
            if (ch == '~' && (ptr[1] == '0' || ptr[1] == '1'))
                ch = *++ptr == '0' ? '~' : '/';
            if (n + 1 < key_size)
                key[n++] = ch;
        }
        key[n] = 0;
        *parent = node;
        if (json_object_is_type(node, json_type_object)) {
            json_object *next = NULL;
            node = json_object_object_get_ex(node, key, &next) ? next : NULL;
        } else if (json_object_is_type(node, json_type_array)) {
            *index = (size_t)strtoul(key, NULL, 10);
            node = json_object_array_get_idx(node, *index);
        } else {
            return NULL;
        }
    }
    return node;
}

static json_object *wrong_type(unsigned mask)
{
    if (!(mask & T_STRING))
        return json_object_new_string("x");
    if (!(mask & T_INTEGER))
        return json_object_new_int(7);
    if (!(mask & T_OBJECT))
        return json_object_new_object();
    if (!(mask & T_BOOL))
        return json_object_new_boolean(1);
    if (!(mask & T_ARRAY))
        return json_object_new_array();
    if (!(mask & T_NUMBER))
        return json_object_new_double(0.5);
    return NULL; /* only null is refused: a JSON null is the value itself */
}

/* The string cut or padded (with two-byte code points) to n code points. */
static json_object *resized(const json_object *v, size_t n)
{
    const char *s = json_object_get_string((json_object *)v);
    size_t have = 0, bytes = 0, len = strlen(s);
    char *t = malloc(len + 2 * n + 1);
    json_object *out;

    if (!t)
        return NULL;
    while (bytes < len && have < n) {
        bytes++;
        while (bytes < len && ((unsigned char)s[bytes] & 0xc0) == 0x80)
            bytes++;
        have++;
    }
    memcpy(t, s, bytes);
    for (; have < n; have++, bytes += 2)
        memcpy(t + bytes, "\xc3\xa9", 2);
    t[bytes] = 0;
    out = json_object_new_string(t);
    free(t);
    return out;
}

static json_object *number(double v)
{
    if (v == floor(v) && fabs(v) < 9e18)
        return json_object_new_int64((int64_t)v);
    return json_object_new_double(v);
}

static json_object *unlisted(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string: {
        size_t n = strlen(json_object_get_string(v));
        char *t = malloc(n + sizeof "-unlisted");
        json_object *out;
        if (!t)
            return NULL;
        memcpy(t, json_object_get_string(v), n);
        memcpy(t + n, "-unlisted", sizeof "-unlisted");
        out = json_object_new_string(t);
        free(t);
        return out;
    }
    case json_type_int: return json_object_new_int64(json_object_get_int64(v) + 1000003);
    case json_type_double: return json_object_new_double(json_object_get_double(v) + 0.25);
    case json_type_boolean: return json_object_new_boolean(!json_object_get_boolean(v));
    default: return NULL;
    }
}

/* The replacement value for a value-level break, or NULL. */
static json_object *replacement(const site *st, json_object *v)
{
    double cur = v ? json_object_get_double(v) : 0;

    switch (st->kind) {
    case BREAK_TYPE: return wrong_type((unsigned)st->param);
    case BREAK_ENUM: return unlisted(v);
    case BREAK_MAX_LENGTH: return resized(v, (size_t)st->param + 1);
    case BREAK_MIN_LENGTH: return resized(v, (size_t)st->param - 1);
    case BREAK_MAXIMUM: return number(st->param + (st->integer ? 1 : 0.5));
    case BREAK_MINIMUM: return number(st->param - (st->integer ? 1 : 0.5));
    case BREAK_EX_MAXIMUM:
    case BREAK_EX_MINIMUM: return number(st->param);
    case BREAK_MULTIPLE_OF:
        if (st->integer)
            return st->param >= 2 && st->param == floor(st->param) ? number(cur + 1) : NULL;
        return number(cur + st->param / 2);
    default: return NULL;
    }
}

/* Breaks that change a container in place. */
static bool change_container(const site *st, json_object *v)
{
    size_t n = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 0;
    json_object *copy = NULL;

    switch (st->kind) {
    case BREAK_REQUIRED: json_object_object_del(v, st->text); return true;
    case BREAK_EXTRA_PROPERTY:
    case BREAK_MAX_PROPERTIES:
        json_object_object_add(v, "unexpected_member", json_object_new_string("x"));
        return true;
    case BREAK_MAX_ITEMS:
        if (n && json_object_deep_copy(json_object_array_get_idx(v, n - 1), &copy, NULL) != 0)
            return false;
        json_object_array_add(v, copy);
        return true;
    case BREAK_MIN_ITEMS: return n > 0 && json_object_array_del_idx(v, n - 1, 1) == 0;
    case BREAK_UNIQUE_ITEMS:
        if (n < 2 || json_object_deep_copy(json_object_array_get_idx(v, 0), &copy, NULL) != 0)
            return false;
        json_object_array_put_idx(v, n - 1, copy);
        return true;
    default: return false;
    }
}

json_object *break_apply(const site *st, const json_object *valid)
{
    json_object *root = NULL, *parent, *v, *rep;
    char key[1024];
    size_t index = 0;

    if (json_object_deep_copy((json_object *)valid, &root, NULL) != 0)
        return NULL;
    v = locate(root, st->instance, &parent, key, sizeof key, &index);
    if (st->kind >= BREAK_REQUIRED) {
        if (v && change_container(st, v))
            return root;
        json_object_put(root);
        return NULL;
    }
    rep = replacement(st, v);
    if (!rep) {
        json_object_put(root);
        return NULL;
    }
    if (!parent) {
        json_object_put(root);
        return rep;
    }
    if (json_object_is_type(parent, json_type_object))
        json_object_object_add(parent, key, rep);
    else
        json_object_array_put_idx(parent, index, rep);
    return root;
}
