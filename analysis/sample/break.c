/* SPDX-License-Identifier: MIT */
/* Invalid samples: one keyword broken in a copy of a valid sample, the
 * smallest change that crosses that keyword's bound and nothing else. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

#define HUGE_PAD 4096

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

/* The string cut or padded to n code points: with two-byte code points up
 * to HUGE_PAD, ASCII beyond (a prompt's maxLength + 1 is large enough). */
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
    for (; have < n && n <= HUGE_PAD; have++, bytes += 2)
        memcpy(t + bytes, "\xc3\xa9", 2);
    for (; have < n; have++)
        t[bytes++] = 'a';
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

/* The value changed just enough to leave enum/const: a string or number
 * moved, a boolean flipped, a member or element added, null made a
 * string. */
static json_object *unlisted(json_object *v)
{
    json_object *copy = NULL;

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
    case json_type_object:
        if (json_object_deep_copy(v, &copy, NULL) != 0)
            return NULL;
        json_object_object_add(copy, "unlisted", json_object_new_boolean(1));
        return copy;
    case json_type_array:
        if (json_object_deep_copy(v, &copy, NULL) != 0)
            return NULL;
        json_object_array_add(copy, json_object_new_string("unlisted"));
        return copy;
    default: return json_object_new_string("unlisted");
    }
}

/* The replacement value for a value-level break, or NULL. */
static json_object *replacement(const site *st, json_object *v)
{
    double cur = v ? json_object_get_double(v) : 0;

    switch (st->kind) {
    case BREAK_TYPE: return value_outside((unsigned)st->param);
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

/* Adds members named unexpected_member, unexpected_member_2, ... until
 * the object has more than limit (at least one). */
static bool add_members(json_object *v, double limit)
{
    for (int k = 1; k == 1 || (double)json_object_object_length(v) <= limit; k++) {
        char name[48];
        if (k > 10000)
            return false;
        snprintf(name, sizeof name, k == 1 ? "unexpected_member" : "unexpected_member_%d", k);
        json_object_object_add(v, name, json_object_new_string("x"));
    }
    return true;
}

/* Removes the last members until fewer than limit are left. */
static bool drop_members(json_object *v, double limit)
{
    while (json_object_object_length(v) > 0 && (double)json_object_object_length(v) >= limit) {
        const char *last = NULL;
        json_object_object_foreach(v, key, val)
        {
            (void)val;
            last = key;
        }
        json_object_object_del(v, last);
    }
    return (double)json_object_object_length(v) < limit;
}

/* Appends copies of element `from` until the array is longer than limit
 * (copies at least `at_least`). */
static bool append_copies(json_object *v, size_t from, double limit, size_t at_least)
{
    size_t n = json_object_array_length(v), added = 0;

    if (from >= n)
        return false;
    while ((double)json_object_array_length(v) <= limit || added < at_least) {
        json_object *copy = NULL;
        if (added > 10000 ||
            json_object_deep_copy(json_object_array_get_idx(v, from), &copy, NULL) != 0)
            return false;
        json_object_array_add(v, copy);
        added++;
    }
    return true;
}

static bool shrink_array(json_object *v, size_t count)
{
    size_t n = json_object_array_length(v);

    return count <= n && json_object_array_del_idx(v, n - count, count) == 0;
}

/* Breaks that change a container in place. */
static bool change_container(const site *st, json_object *v)
{
    bool array = json_object_is_type(v, json_type_array);
    bool object = json_object_is_type(v, json_type_object);
    size_t n = array ? json_object_array_length(v) : 0;
    json_object *copy = NULL;

    switch (st->kind) {
    case BREAK_REQUIRED:
        if (!object || !json_object_object_get_ex(v, st->text, NULL))
            return false;
        json_object_object_del(v, st->text);
        return true;
    case BREAK_EXTRA_PROPERTY:
    case BREAK_ADD_MEMBER: return object && add_members(v, 0);
    case BREAK_MAX_PROPERTIES: return object && add_members(v, st->param);
    case BREAK_MIN_PROPERTIES: return object && drop_members(v, st->param);
    case BREAK_MAX_ITEMS:
        if (array && st->has_value) {
            json_object_array_add(v, json_object_get(st->value));
            n++;
            if ((double)n > st->param)
                return true;
        }
        return array && append_copies(v, n ? n - 1 : 0, st->param, 1);
    case BREAK_ADD_ELEMENT:
        if (!array)
            return false;
        if (n == 0)
            return json_object_array_add(v, json_object_new_string("x")) == 0;
        return append_copies(v, n - 1, 0, 1);
    case BREAK_MIN_ITEMS:
        return array && n >= st->param && shrink_array(v, n - (size_t)st->param + 1);
    case BREAK_UNIQUE_ITEMS:
        if (n < 2 || json_object_deep_copy(json_object_array_get_idx(v, 0), &copy, NULL) != 0)
            return false;
        json_object_array_put_idx(v, n - 1, copy);
        return true;
    case BREAK_CONTAINS:
        return array && n >= st->param && json_object_array_del_idx(v, 0, (size_t)st->param) == 0;
    case BREAK_MAX_CONTAINS: return array && append_copies(v, 0, 0, (size_t)st->param + 1);
    default: return false;
    }
}

bool break_apply(const site *st, const json_object *valid, json_object **out)
{
    json_object *root = NULL, *parent, *v, *rep;
    char key[1024];
    size_t index = 0;

    *out = NULL;
    if (valid && json_object_deep_copy((json_object *)valid, &root, NULL) != 0)
        return false; /* (a null valid sample is JSON null: nothing to copy) */
    v = locate(root, st->instance, &parent, key, sizeof key, &index);
    if (st->kind >= BREAK_REQUIRED && st->kind != BREAK_REPLACE) {
        if (v && change_container(st, v)) {
            *out = root;
            return true;
        }
        json_object_put(root);
        return false;
    }
    if (st->kind == BREAK_REPLACE)
        rep = st->has_value ? json_object_get(st->value) : NULL;
    else
        rep = replacement(st, v);
    if (st->kind == BREAK_REPLACE ? !st->has_value : !rep) {
        json_object_put(root);
        return false;
    }
    if (!parent) {
        json_object_put(root);
        *out = rep;
        return true;
    }
    if (json_object_is_type(parent, json_type_object))
        json_object_object_add(parent, key, rep);
    else
        json_object_array_put_idx(parent, index, rep);
    *out = root;
    return true;
}
