/* SPDX-License-Identifier: MIT */
/* json_free.c: releasing a json-c tree without recursion (cardc_json_free).
 *
 * json_object_put frees a container's children by calling itself, about 50
 * bytes of stack a level: a payload at the default nesting limit (10,000)
 * needs half a megabyte to be released, more than many threads have
 * (musl's default is 128 KiB). Here every child gets one more reference
 * before its parent is put, so that put frees the parent alone; the
 * children wait on a heap stack and are put in turn. A child another owner
 * still holds survives, as with json_object_put.
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "cardc/json.h"

/* Most trees are shallow and narrow: the first slots need no allocation. */
#define INLINE_SLOTS 64

static int push(struct json_object ***v, size_t *n, size_t *cap, struct json_object **small,
                struct json_object *o)
{
    if (*n == *cap) {
        size_t ncap = *cap * 2;
        struct json_object **nv =
            *v == small ? malloc(ncap * sizeof *nv) : realloc(*v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        if (*v == small)
            for (size_t i = 0; i < *n; i++)
                nv[i] = small[i];
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = o;
    return 0;
}

void cardc_json_free(struct json_object *value)
{
    struct json_object *small[INLINE_SLOTS], **v = small;
    size_t n = 0, cap = INLINE_SLOTS;

    if (value)
        small[n++] = value;
    while (n > 0) {
        struct json_object *o = v[--n];
        int ok = 1;

        if (json_object_is_type(o, json_type_array)) {
            size_t len = json_object_array_length(o);
            for (size_t i = 0; ok && i < len; i++) {
                struct json_object *c = json_object_array_get_idx(o, i);
                if (c && (ok = push(&v, &n, &cap, small, c) == 0))
                    json_object_get(c);
            }
        } else if (json_object_is_type(o, json_type_object)) {
            json_object_object_foreach(o, key, c)
            {
                (void)key;
                if (!ok)
                    break;
                if (c && (ok = push(&v, &n, &cap, small, c) == 0))
                    json_object_get(c);
            }
        }
        /* Out of memory: the children not queued go the recursive way. */
        json_object_put(o);
    }
    if (v != small)
        free(v);
}
