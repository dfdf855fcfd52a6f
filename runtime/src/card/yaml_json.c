/* SPDX-License-Identifier: MIT */
/* libyaml document -> json-c tree: core-schema typing, alias expansion under
 * limits, positions for every error. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <yaml.h>

#include "common/errors_internal.h"
#include "common/textpos.h"
#include "common/utf8.h"
#include "json/json_internal.h"
#include "card/yaml_json.h"

struct cardc__yaml {
    yaml_document_t doc;
    int line_base;
};

enum { NODE_NEW = 0, NODE_VISITING, NODE_DONE };

/* Per document node, indexed by libyaml node id (1-based). */
typedef struct node_info {
    size_t size; /* nodes after alias expansion, saturated at max_nodes + 1 */
    int height;  /* nested sequences/mappings, this one included */
    unsigned char state;
    unsigned char refs;         /* parents referring to it, saturated at 2 */
    unsigned char explicit_tag; /* plain scalar written with a tag */
} node_info;

typedef struct path_seg {
    const char *key; /* NULL: index */
    size_t key_len;
    size_t index;
} path_seg;

typedef struct conv {
    const cardc__yaml_input *in;
    yaml_document_t *doc;
    cardc_error *err;
    node_info *info;
    size_t made;
    cardc_status status; /* first failure, also when err is NULL */
    path_seg *path;
    int path_len;
} conv;

static yaml_node_t *node_at(const conv *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

/* "/a/b~1c/0" from the current path; NULL when out of memory. */
static char *path_pointer(const conv *c)
{
    size_t need = 1, k = 0;
    char *buf;
    int i;

    for (i = 0; i < c->path_len; i++)
        need += 1 + (c->path[i].key ? 2 * c->path[i].key_len : 24);
    buf = malloc(need);
    if (!buf)
        return NULL;
    for (i = 0; i < c->path_len; i++) {
        buf[k++] = '/';
        if (c->path[i].key) {
            size_t j;

            for (j = 0; j < c->path[i].key_len; j++) {
                char ch = c->path[i].key[j];

                if (ch == '~' || ch == '/') {
                    buf[k++] = '~';
                    buf[k++] = ch == '~' ? '0' : '1';
                } else {
                    buf[k++] = ch;
                }
            }
        } else {
            k += (size_t)snprintf(buf + k, need - k, "%zu", c->path[i].index);
        }
    }
    buf[k] = '\0';
    return buf;
}

static int fail_at(conv *c, cardc_status code, const yaml_mark_t *mark, const char *fmt, ...)
    CARDC_PRINTF_(4, 5);

static int fail_at(conv *c, cardc_status code, const yaml_mark_t *mark, const char *fmt, ...)
{
    char msg[CARDC_ERROR_MESSAGE_MAX];
    char *ptr;
    va_list ap;

    if (c->status == CARDC_OK)
        c->status = code;
    if (!c->err || c->err->code != CARDC_OK)
        return 0;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cardc__error_at(c->err, code, c->in->source, (int)mark->line + 1 + c->in->line_base,
                    (int)mark->column + 1, "%s", msg);
    ptr = path_pointer(c);
    if (ptr)
        cardc__error_pointer(c->err, ptr);
    free(ptr);
    return 0;
}

static void push_key(conv *c, const yaml_node_t *key)
{
    c->path[c->path_len].key = (const char *)key->data.scalar.value;
    c->path[c->path_len].key_len = key->data.scalar.length;
    c->path_len++;
}

static void push_index(conv *c, size_t index)
{
    c->path[c->path_len].key = NULL;
    c->path[c->path_len].index = index;
    c->path_len++;
}

/* ---- explicit tags on plain scalars ---------------------------------- */

/* libyaml gives an untagged plain scalar the same tag as one written
 * "!!str", but only the former is subject to implicit typing. The source
 * tells them apart: a node's start mark is at its first property (anchor or
 * tag). Nodes are numbered in document order, so one forward cursor over the
 * text converts their character indexes to byte offsets in linear time. */
static void find_explicit_tags(conv *c)
{
    const unsigned char *s = (const unsigned char *)c->in->text;
    size_t len = c->in->len, byte = 0, chr = 0;
    yaml_node_t *n;

    for (n = c->doc->nodes.start; n < c->doc->nodes.top; n++) {
        size_t want = n->start_mark.index;

        if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
            strcmp((const char *)n->tag, YAML_DEFAULT_SCALAR_TAG) != 0)
            continue;
        if (want < chr) {
            byte = 0;
            chr = 0;
        }
        while (chr < want && byte < len) {
            byte++;
            while (byte < len && utf8_is_continuation(s[byte]))
                byte++;
            chr++;
        }
        if (byte < len && s[byte] == '&') {
            size_t b = byte;

            while (b < len && s[b] != ' ' && s[b] != '\t' && s[b] != '\n' && s[b] != '\r')
                b++;
            while (b < len && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r'))
                b++;
            if (b < len && s[b] == '!')
                c->info[n - c->doc->nodes.start + 1].explicit_tag = 1;
        } else if (byte < len && s[byte] == '!') {
            c->info[n - c->doc->nodes.start + 1].explicit_tag = 1;
        }
    }
}

/* ---- sizes and depth, before anything is built ------------------------- */

static size_t sat_add(size_t a, size_t b, size_t cap)
{
    return a >= cap || b >= cap || b > cap - a ? cap : a + b;
}

static void count_refs(conv *c)
{
    yaml_node_t *n;

    for (n = c->doc->nodes.start; n < c->doc->nodes.top; n++) {
        if (n->type == YAML_SEQUENCE_NODE) {
            yaml_node_item_t *it;

            for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
                if (c->info[*it].refs < 2)
                    c->info[*it].refs++;
        } else if (n->type == YAML_MAPPING_NODE) {
            yaml_node_pair_t *p;

            for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
                if (c->info[p->key].refs < 2)
                    c->info[p->key].refs++;
                if (c->info[p->value].refs < 2)
                    c->info[p->value].refs++;
            }
        }
    }
}

static int measure(conv *c, int id, int depth);

static int measure_child(conv *c, node_info *self, int child, int depth)
{
    size_t cap = c->in->max_nodes < SIZE_MAX ? c->in->max_nodes + 1 : SIZE_MAX;

    if (!measure(c, child, depth))
        return 0;
    self->size = sat_add(self->size, c->info[child].size, cap);
    if (c->info[child].height + 1 > self->height)
        self->height = c->info[child].height + 1;
    return 1;
}

/* depth = sequences/mappings enclosing node `id`. Memoised over the node
 * graph, so a billion laughs costs one visit per distinct node. */
static int measure(conv *c, int id, int depth)
{
    yaml_node_t *n = node_at(c, id);
    node_info *self = &c->info[id];

    if (self->state == NODE_VISITING)
        return fail_at(c, CARDC_E_YAML, &n->start_mark,
                       "recursive alias: this node contains itself");
    if (self->state == NODE_DONE) {
        if (depth + self->height > c->in->max_depth)
            return fail_at(c, CARDC_E_LIMIT, &n->start_mark,
                           "nesting deeper than %d levels (max_depth) after alias expansion",
                           c->in->max_depth);
        return 1;
    }
    self->state = NODE_VISITING;
    self->size = 1;
    self->height = 0;
    if (n->type == YAML_SEQUENCE_NODE || n->type == YAML_MAPPING_NODE) {
        self->height = 1;
        if (depth + 1 > c->in->max_depth)
            return fail_at(c, CARDC_E_LIMIT, &n->start_mark,
                           "nesting deeper than %d levels (max_depth)", c->in->max_depth);
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it;

        for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
            push_index(c, (size_t)(it - n->data.sequence.items.start));
            if (!measure_child(c, self, *it, depth + 1))
                return 0;
            c->path_len--;
        }
    } else if (n->type == YAML_MAPPING_NODE) {
        yaml_node_pair_t *p;

        for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *key = node_at(c, p->key);

            if (!measure_child(c, self, p->key, depth + 1))
                return 0;
            /* A collection key is refused later, when the tree is built. */
            if (key->type == YAML_SCALAR_NODE)
                push_key(c, key);
            else
                push_index(c, (size_t)(p - n->data.mapping.pairs.start));
            if (!measure_child(c, self, p->value, depth + 1))
                return 0;
            c->path_len--;
        }
    }
    self->state = NODE_DONE;
    return 1;
}

/* The expansion is too large: rather than the document root, point at the
 * first shared (anchored) node whose expansion crosses the limit, reached
 * through the path where the count runs over (in a billion laughs, the
 * line of the level that explodes). */
static int report_too_many(conv *c, int root)
{
    size_t budget = c->in->max_nodes;
    int id = root;

    for (;;) {
        yaml_node_t *n = node_at(c, id);
        int next = 0;

        budget = budget ? budget - 1 : 0;
        if (n->type == YAML_SEQUENCE_NODE) {
            yaml_node_item_t *it;

            for (it = n->data.sequence.items.start; it < n->data.sequence.items.top && !next;
                 it++) {
                if (c->info[*it].size <= budget) {
                    budget -= c->info[*it].size;
                    continue;
                }
                next = *it;
                push_index(c, (size_t)(it - n->data.sequence.items.start));
            }
        } else if (n->type == YAML_MAPPING_NODE) {
            yaml_node_pair_t *p;

            for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top && !next; p++) {
                yaml_node_t *key = node_at(c, p->key);

                if (c->info[p->key].size > budget || key->type != YAML_SCALAR_NODE)
                    break; /* the key itself: report this mapping */
                budget -= c->info[p->key].size;
                if (c->info[p->value].size <= budget) {
                    budget -= c->info[p->value].size;
                    continue;
                }
                next = p->value;
                push_key(c, key);
            }
        }
        if (!next || c->info[next].refs > 1)
            return fail_at(c, CARDC_E_LIMIT, next ? &node_at(c, next)->start_mark : &n->start_mark,
                           "YAML aliases expand to more than %zu nodes (max_nodes)",
                           c->in->max_nodes);
        id = next;
    }
}

/* ---- scalars ---------------------------------------------------------- */

typedef enum kind { K_STR, K_NULL, K_BOOL, K_INT, K_FLOAT, K_SPECIAL } kind;

static int all_of(const char *s, size_t len, const char *set)
{
    size_t i;

    if (len == 0)
        return 0;
    for (i = 0; i < len; i++)
        if (!s[i] || !strchr(set, s[i]))
            return 0;
    return 1;
}

static int one_of(const char *s, size_t len, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == len && memcmp(*words, s, len) == 0)
            return 1;
    return 0;
}

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};
static const char *const special_words[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf",
                                            "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
                                            ".NaN",  ".NAN",  NULL};

#define DIGITS "0123456789"

static int is_core_int(const char *s, size_t len)
{
    if (len > 2 && s[0] == '0' && s[1] == 'o')
        return all_of(s + 2, len - 2, "01234567");
    if (len > 2 && s[0] == '0' && s[1] == 'x')
        return all_of(s + 2, len - 2, DIGITS "abcdefABCDEF");
    if (len > 0 && (s[0] == '-' || s[0] == '+'))
        s++, len--;
    return all_of(s, len, DIGITS);
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int is_core_float(const char *s, size_t len)
{
    size_t i = 0, d;

    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    if (i == d) {
        if (i >= len || s[i] != '.')
            return 0;
        i++;
        for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (i == d)
            return 0;
    } else if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (i == d)
            return 0;
    }
    return i == len;
}

static kind implicit_kind(const char *s, size_t len)
{
    if (len == 0 || one_of(s, len, null_words))
        return K_NULL;
    if (one_of(s, len, true_words) || one_of(s, len, false_words))
        return K_BOOL;
    if (is_core_int(s, len))
        return K_INT;
    if (is_core_float(s, len))
        return K_FLOAT;
    if (one_of(s, len, special_words))
        return K_SPECIAL;
    return K_STR;
}

static int make_int(conv *c, const yaml_node_t *n, struct json_object **out)
{
    const char *s = (const char *)n->data.scalar.value;
    int base = 10, neg = s[0] == '-';
    const char *digits = s;
    unsigned long long u;

    if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        base = s[1] == 'o' ? 8 : 16;
        digits = s + 2;
    } else if (s[0] == '-' || s[0] == '+') {
        digits = s + 1;
    }
    errno = 0;
    u = strtoull(digits, NULL, base);
    if (errno == ERANGE || (neg && u > (unsigned long long)INT64_MAX + 1))
        return fail_at(c, CARDC_E_YAML, &n->start_mark, "integer %s is out of range", s);
    if (neg)
        *out =
            json_object_new_int64(u == (unsigned long long)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u);
    else if (u > (unsigned long long)INT64_MAX)
        *out = json_object_new_uint64((uint64_t)u);
    else
        *out = json_object_new_int64((int64_t)u);
    return 1;
}

static int make_float(conv *c, const yaml_node_t *n, struct json_object **out)
{
    const char *s = (const char *)n->data.scalar.value;
    double d;

    errno = 0;
    d = strtod(s, NULL);
    if (errno == ERANGE && (d > 1.0 || d < -1.0))
        return fail_at(c, CARDC_E_YAML, &n->start_mark, "number %s is out of range", s);
    *out = json_object_new_double(d);
    return 1;
}

static int tag_is(const yaml_node_t *n, const char *suffix)
{
    static const char prefix[] = "tag:yaml.org,2002:";
    const char *tag = (const char *)n->tag;

    return strncmp(tag, prefix, sizeof prefix - 1) == 0 &&
           strcmp(tag + sizeof prefix - 1, suffix) == 0;
}

static int scalar_value(conv *c, int id, const yaml_node_t *n, struct json_object **out)
{
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    kind k = K_STR, want;
    int typed = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !c->info[id].explicit_tag &&
                tag_is(n, "str");

    *out = NULL;
    /* A quoted scalar may hold NUL (escaped); it can then only be a string. */
    if (strlen(s) == len)
        k = implicit_kind(s, len);
    if (typed) {
        want = k;
    } else if (tag_is(n, "str") || strcmp((const char *)n->tag, "!") == 0) {
        want = K_STR;
    } else if (tag_is(n, "null")) {
        want = K_NULL;
    } else if (tag_is(n, "bool")) {
        want = K_BOOL;
    } else if (tag_is(n, "int")) {
        want = K_INT;
    } else if (tag_is(n, "float")) {
        want = K_FLOAT;
        if (k == K_INT && strlen(s) == len && is_core_float(s, len))
            k = K_FLOAT;
    } else {
        return fail_at(c, CARDC_E_UNSUPPORTED, &n->start_mark, "unsupported YAML tag '%s'",
                       (const char *)n->tag);
    }
    if (k == K_SPECIAL && (want == K_FLOAT || typed))
        return fail_at(c, CARDC_E_UNSUPPORTED, &n->start_mark,
                       "YAML value %s (infinity or NaN) has no JSON equivalent", s);
    if (want != K_STR && k != want)
        return fail_at(c, CARDC_E_YAML, &n->start_mark, "value '%s' does not match its tag %s", s,
                       (const char *)n->tag);
    switch (want) {
    case K_NULL: return 1;
    case K_BOOL: *out = json_object_new_boolean(one_of(s, len, true_words)); break;
    case K_INT:
        if (!make_int(c, n, out))
            return 0;
        break;
    case K_FLOAT:
        if (!make_float(c, n, out))
            return 0;
        break;
    default: *out = json_object_new_string_len(s, (int)len); break;
    }
    if (!*out)
        return fail_at(c, CARDC_E_NOMEM, &n->start_mark, "out of memory");
    return 1;
}

/* ---- building --------------------------------------------------------- */

static int build(conv *c, int id, struct json_object **out);

static int build_sequence(conv *c, const yaml_node_t *n, struct json_object **out)
{
    yaml_node_item_t *it;
    struct json_object *arr =
        json_object_new_array_ext((int)(n->data.sequence.items.top - n->data.sequence.items.start));

    if (!arr)
        return fail_at(c, CARDC_E_NOMEM, &n->start_mark, "out of memory");
    for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        struct json_object *v = NULL;

        push_index(c, (size_t)(it - n->data.sequence.items.start));
        if (!build(c, *it, &v)) {
            json_object_put(arr);
            return 0;
        }
        c->path_len--;
        if (json_object_array_add(arr, v) != 0) {
            json_object_put(v);
            json_object_put(arr);
            return fail_at(c, CARDC_E_NOMEM, &n->start_mark, "out of memory");
        }
    }
    *out = arr;
    return 1;
}

static int build_mapping(conv *c, const yaml_node_t *n, struct json_object **out)
{
    yaml_node_pair_t *p;
    struct json_object *obj = json_object_new_object();

    if (!obj)
        return fail_at(c, CARDC_E_NOMEM, &n->start_mark, "out of memory");
    for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *key = node_at(c, p->key);
        struct json_object *v = NULL;
        const char *k;

        if (key->type != YAML_SCALAR_NODE) {
            json_object_put(obj);
            return fail_at(c, CARDC_E_YAML, &key->start_mark,
                           "mapping keys must be scalars (JSON object keys are strings)");
        }
        k = (const char *)key->data.scalar.value;
        if (strlen(k) != key->data.scalar.length) {
            json_object_put(obj);
            return fail_at(c, CARDC_E_YAML, &key->start_mark,
                           "mapping key contains a NUL character");
        }
        if (json_object_object_get_ex(obj, k, NULL)) {
            json_object_put(obj);
            return fail_at(c, CARDC_E_YAML, &key->start_mark, "duplicate mapping key '%s'", k);
        }
        push_key(c, key);
        if (!build(c, p->value, &v)) {
            json_object_put(obj);
            return 0;
        }
        c->path_len--;
        if (cardc__json_set(obj, k, v) != 0) {
            json_object_put(v);
            json_object_put(obj);
            return fail_at(c, CARDC_E_NOMEM, &n->start_mark, "out of memory");
        }
    }
    *out = obj;
    return 1;
}

static int build(conv *c, int id, struct json_object **out)
{
    yaml_node_t *n = node_at(c, id);

    *out = NULL;
    /* measure() already bounded the total; this keeps the bound local. */
    if (++c->made > c->in->max_nodes)
        return fail_at(c, CARDC_E_LIMIT, &n->start_mark,
                       "YAML aliases expand to more than %zu nodes (max_nodes)", c->in->max_nodes);
    switch (n->type) {
    case YAML_SCALAR_NODE: return scalar_value(c, id, n, out);
    case YAML_SEQUENCE_NODE: return build_sequence(c, n, out);
    case YAML_MAPPING_NODE: return build_mapping(c, n, out);
    default: return fail_at(c, CARDC_E_YAML, &n->start_mark, "empty YAML node");
    }
}

/* ---- parsing ---------------------------------------------------------- */

static cardc_status parser_error(const cardc__yaml_input *in, const yaml_parser_t *p,
                                 cardc_error *err)
{
    const char *problem = p->problem ? p->problem : "unknown error";

    /* libyaml fails without an error when some of its allocations do (its
     * loader's tag copies, for one): no error is a memory error. */
    if (p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR)
        return cardc__error_at(err, CARDC_E_NOMEM, in->source, 0, 0, "out of memory reading YAML");
    if (p->error == YAML_READER_ERROR) {
        int line, col;
        int utf8 = strstr(problem, "UTF-8") || strstr(problem, "Unicode");

        cardc__text_position(in->text, in->len, p->problem_offset, 1, &line, &col);
        cardc__error_at(err, utf8 ? CARDC_E_UTF8 : CARDC_E_YAML, in->source, line + in->line_base,
                        col, "%s (#x%X)", problem, (unsigned)p->problem_value);
        if (err)
            err->offset = p->problem_offset;
        return utf8 ? CARDC_E_UTF8 : CARDC_E_YAML;
    }
    if (p->context)
        return cardc__error_at(
            err, CARDC_E_YAML, in->source, (int)p->problem_mark.line + 1 + in->line_base,
            (int)p->problem_mark.column + 1, "%s (%s at line %d, column %d)", problem, p->context,
            (int)p->context_mark.line + 1 + in->line_base, (int)p->context_mark.column + 1);
    return cardc__error_at(err, CARDC_E_YAML, in->source,
                           (int)p->problem_mark.line + 1 + in->line_base,
                           (int)p->problem_mark.column + 1, "%s", problem);
}

/* A stream holding a second document is not one card: refuse it rather
 * than silently ignore the rest. */
static cardc_status check_single_document(const cardc__yaml_input *in, yaml_parser_t *p,
                                          cardc_error *err)
{
    yaml_document_t next;
    yaml_node_t *root;

    if (!yaml_parser_load(p, &next))
        return parser_error(in, p, err);
    root = yaml_document_get_root_node(&next);
    if (root) {
        cardc_status st = cardc__error_at(err, CARDC_E_YAML, in->source,
                                          (int)next.start_mark.line + 1 + in->line_base,
                                          (int)next.start_mark.column + 1,
                                          "more than one YAML document (a card is one document)");
        yaml_document_delete(&next);
        return st;
    }
    yaml_document_delete(&next);
    return CARDC_OK;
}

/* libyaml's scanner re-checks every pending simple key, one per open flow
 * collection, on each token, so yaml_parser_load takes quadratic time in
 * the nesting depth (200,000 '[' take minutes). This first pass over the
 * events refuses a document nested deeper than max_depth, or with more
 * nodes than max_nodes before any alias is even expanded, before the loader
 * sees it; it costs a second parse, which is cheap for a card. */
static cardc_status check_shape(const cardc__yaml_input *in, cardc_error *err)
{
    yaml_parser_t p;
    yaml_event_t ev;
    cardc_status st = CARDC_OK;
    int depth = 0, done = 0;
    size_t nodes = 0;

    if (!yaml_parser_initialize(&p))
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    yaml_parser_set_input_string(&p, (const unsigned char *)in->text, in->len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    while (!done && st == CARDC_OK) {
        if (!yaml_parser_parse(&p, &ev)) {
            st = parser_error(in, &p, err);
            break;
        }
        if ((ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
             ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_ALIAS_EVENT) &&
            ++nodes > in->max_nodes) {
            st = cardc__error_at(err, CARDC_E_LIMIT, in->source,
                                 (int)ev.start_mark.line + 1 + in->line_base,
                                 (int)ev.start_mark.column + 1,
                                 "more than %zu YAML nodes (max_nodes)", in->max_nodes);
        } else if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > in->max_depth)
                st = cardc__error_at(err, CARDC_E_LIMIT, in->source,
                                     (int)ev.start_mark.line + 1 + in->line_base,
                                     (int)ev.start_mark.column + 1,
                                     "nesting deeper than %d levels (max_depth)", in->max_depth);
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            depth--;
        } else if (ev.type == YAML_STREAM_END_EVENT) {
            done = 1;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return st;
}

cardc_status cardc__yaml_load(const cardc__yaml_input *in, cardc__yaml **yaml,
                              struct json_object **out, cardc_error *err)
{
    yaml_parser_t parser;
    cardc__yaml *y;
    cardc_status st = CARDC_OK;
    conv c;
    size_t nnodes;

    *yaml = NULL;
    *out = NULL;
    y = calloc(1, sizeof *y);
    if (!y)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    y->line_base = in->line_base;
    st = check_shape(in, err);
    if (st != CARDC_OK) {
        free(y);
        return st;
    }
    if (!yaml_parser_initialize(&parser)) {
        free(y);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)in->text, in->len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (!yaml_parser_load(&parser, &y->doc)) {
        st = parser_error(in, &parser, err);
        yaml_parser_delete(&parser);
        free(y);
        return st;
    }
    st = check_single_document(in, &parser, err);
    yaml_parser_delete(&parser);
    if (st != CARDC_OK) {
        cardc__yaml_free(y);
        return st;
    }
    if (!yaml_document_get_root_node(&y->doc)) {
        *yaml = y;
        return CARDC_OK;
    }

    memset(&c, 0, sizeof c);
    c.in = in;
    c.doc = &y->doc;
    c.err = err;
    nnodes = (size_t)(y->doc.nodes.top - y->doc.nodes.start);
    c.info = calloc(nnodes + 1, sizeof *c.info);
    /* Paths never exceed the nesting limit (+1 for a report's holder). */
    c.path = calloc((size_t)in->max_depth + 2, sizeof *c.path);
    if (!c.info || !c.path) {
        st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
    } else {
        count_refs(&c);
        find_explicit_tags(&c);
        if (measure(&c, 1, 0) && c.info[1].size > in->max_nodes)
            report_too_many(&c, 1);
        else if (c.status == CARDC_OK)
            build(&c, 1, out);
        st = c.status;
    }
    free(c.info);
    free(c.path);
    if (st != CARDC_OK) {
        json_object_put(*out);
        *out = NULL;
        cardc__yaml_free(y);
        return st;
    }
    *yaml = y;
    return CARDC_OK;
}

/* ---- locating --------------------------------------------------------- */

static int token_equals(const char *tok, size_t toklen, const char *s, size_t len)
{
    size_t i, k = 0;

    for (i = 0; i < toklen; i++, k++) {
        char ch = tok[i];

        if (ch == '~' && i + 1 < toklen && (tok[i + 1] == '0' || tok[i + 1] == '1'))
            ch = tok[++i] == '0' ? '~' : '/';
        if (k >= len || s[k] != ch)
            return 0;
    }
    return k == len;
}

int cardc__yaml_locate(const cardc__yaml *yaml, const char *pointer, int *line, int *column)
{
    yaml_document_t *doc = (yaml_document_t *)&yaml->doc;
    yaml_node_t *n = yaml_document_get_root_node(doc);
    const char *p = pointer ? pointer : "";
    int found = 1;

    *line = 0;
    *column = 0;
    if (!n)
        return 0;
    while (*p == '/') {
        const char *tok = p + 1;
        const char *end = strchr(tok, '/');
        size_t toklen = end ? (size_t)(end - tok) : strlen(tok);
        yaml_node_t *next = NULL;

        if (n->type == YAML_MAPPING_NODE) {
            yaml_node_pair_t *pr;

            for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
                yaml_node_t *k = yaml_document_get_node(doc, pr->key);

                if (k->type == YAML_SCALAR_NODE &&
                    token_equals(tok, toklen, (const char *)k->data.scalar.value,
                                 k->data.scalar.length)) {
                    next = yaml_document_get_node(doc, pr->value);
                    break;
                }
            }
        } else if (n->type == YAML_SEQUENCE_NODE && toklen > 0 && toklen < 10 &&
                   all_of(tok, toklen, DIGITS) && (toklen == 1 || tok[0] != '0')) {
            long idx = strtol(tok, NULL, 10);

            if (idx < n->data.sequence.items.top - n->data.sequence.items.start)
                next = yaml_document_get_node(doc, n->data.sequence.items.start[idx]);
        }
        if (!next) {
            found = 0;
            break;
        }
        n = next;
        p = tok + toklen;
    }
    *line = (int)n->start_mark.line + 1 + yaml->line_base;
    *column = (int)n->start_mark.column + 1;
    return found && *p == '\0';
}

void cardc__yaml_free(cardc__yaml *yaml)
{
    if (!yaml)
        return;
    yaml_document_delete(&yaml->doc);
    free(yaml);
}
