/* SPDX-License-Identifier: MIT */
/* json_dump.c: json-c tree -> JSON text, iterative since json-c's printer recurses. */
/* json-c's printer also escapes "/" ("http:\/\/"), which users read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "common/strbuf.h"
#include "json/json_internal.h"

static void put_string(strbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    char esc[8];

    strbuf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
                rep = esc;
            }
        }
        if (rep) {
            strbuf_add(b, s + run, i - run);
            strbuf_str(b, rep);
            run = i + 1;
        }
    }
    strbuf_add(b, s + run, n - run);
    strbuf_add(b, "\"", 1);
}

static void put_scalar(strbuf *b, const struct json_object *o)
{
    char num[32];

    switch (json_object_get_type(o)) {
    case json_type_null: strbuf_str(b, "null"); break;
    case json_type_boolean: strbuf_str(b, json_object_get_boolean(o) ? "true" : "false"); break;
    case json_type_int: {
        int64_t v = json_object_get_int64(o);
        if (v == INT64_MAX) /* may be a uint64 above INT64_MAX */
            snprintf(num, sizeof num, "%llu", (unsigned long long)json_object_get_uint64(o));
        else
            snprintf(num, sizeof num, "%lld", (long long)v);
        strbuf_str(b, num);
        break;
    }
    case json_type_double: {
        /* json-c keeps a parsed double's original text and prints it back;
         * its printer caches into the object, hence the cast. NULL: out of
         * memory. */
        const char *text =
            json_object_to_json_string_ext((struct json_object *)o, JSON_C_TO_STRING_PLAIN);
        if (text)
            strbuf_str(b, text);
        else
            b->oom = 1;
        break;
    }
    case json_type_string:
        put_string(b, json_object_get_string((struct json_object *)o),
                   (size_t)json_object_get_string_len(o));
        break;
    default: break;
    }
}

static void newline_indent(strbuf *b, size_t level)
{
    strbuf_add(b, "\n", 1);
    for (size_t k = 0; k < level; k++)
        strbuf_add(b, "  ", 2);
}

typedef struct dump_frame {
    const struct json_object *o;
    struct lh_entry *next; /* objects */
    size_t index, count;   /* arrays: next index and length */
    int is_object, emitted;
} dump_frame;

/* Opens a container (pushing a frame) or prints a scalar or empty one. */
static int open_value(strbuf *b, const struct json_object *o, dump_frame **stack, size_t *sp,
                      size_t *cap)
{
    enum json_type type = json_object_get_type(o);
    dump_frame f = {o, NULL, 0, 0, type == json_type_object, 0};

    if (type == json_type_object)
        f.next = lh_table_head(json_object_get_object(o));
    else if (type == json_type_array)
        f.count = json_object_array_length(o);
    else {
        put_scalar(b, o);
        return 1;
    }
    if (f.is_object ? f.next == NULL : f.count == 0) {
        strbuf_str(b, f.is_object ? "{}" : "[]");
        return 1;
    }
    if (*sp == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        dump_frame *ns = realloc(*stack, ncap * sizeof *ns);
        if (!ns)
            return 0;
        *stack = ns;
        *cap = ncap;
    }
    (*stack)[(*sp)++] = f;
    strbuf_str(b, f.is_object ? "{" : "[");
    return 1;
}

void cardc__json_dump_to(strbuf *b, const struct json_object *value, int pretty)
{
    dump_frame *stack = NULL;
    size_t sp = 0, cap = 0;

    /* Iterative: a dumped tree may nest as deep as the parser allowed. */
    if (!open_value(b, value, &stack, &sp, &cap))
        b->oom = 1;
    while (sp > 0 && !b->oom) {
        dump_frame *f = &stack[sp - 1];
        const struct json_object *child;

        if (f->is_object ? f->next == NULL : f->index >= f->count) {
            if (pretty)
                newline_indent(b, sp - 1);
            strbuf_str(b, f->is_object ? "}" : "]");
            sp--;
            continue;
        }
        if (f->emitted++)
            strbuf_add(b, ",", 1);
        if (pretty)
            newline_indent(b, sp);
        if (f->is_object) {
            const char *key = (const char *)lh_entry_k(f->next);
            put_string(b, key, strlen(key));
            strbuf_str(b, pretty ? ": " : ":");
            child = (const struct json_object *)lh_entry_v(f->next);
            f->next = lh_entry_next(f->next);
        } else {
            child = json_object_array_get_idx(f->o, f->index++);
        }
        if (!open_value(b, child, &stack, &sp, &cap))
            b->oom = 1;
    }
    free(stack);
}

char *cardc_json_dump(const struct json_object *value, int pretty)
{
    strbuf b = {0};

    cardc__json_dump_to(&b, value, pretty);
    return cardc__strbuf_take(&b);
}
