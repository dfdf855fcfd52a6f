/* SPDX-License-Identifier: MIT */
/* Where a "$ref" leads: every document the compiled schema uses (the root,
 * registry entries, meta-schemas) indexed by the absolute URI of each
 * resource ("$id") and anchor ("$anchor", "$dynamicAnchor", draft-07's
 * "$id": "#name"), and every subschema with its base URI, so references
 * resolve as the validator resolves them. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "refs.h"
#include "schema/uri.h"

/* Members whose values are data, not schemas: not searched for "$id". */
static const char *const DATA_KEYWORDS[] = {"enum", "const", "default", "examples"};

static bool is_data_keyword(const char *key)
{
    for (size_t i = 0; i < sizeof DATA_KEYWORDS / sizeof DATA_KEYWORDS[0]; i++)
        if (strcmp(key, DATA_KEYWORDS[i]) == 0)
            return true;
    return false;
}

/* Walks an unescaped JSON Pointer fragment ("/definitions/a~1b"). */
const json_object *ref_walk_pointer(const json_object *node, const char *p)
{
    while (node && *p == '/') {
        char tok[512];
        size_t n = 0;
        json_object *next = NULL;
        for (p++; *p && *p != '/' && n + 1 < sizeof tok; p++) {
            if (*p == '~' && (p[1] == '0' || p[1] == '1')) {
                tok[n++] = p[1] == '0' ? '~' : '/';
                p++;
            } else if (*p == '%' && p[1] && p[2]) {
                char hex[3] = {p[1], p[2], 0};
                tok[n++] = (char)strtol(hex, NULL, 16);
                p += 2;
            } else {
                tok[n++] = *p;
            }
        }
        tok[n] = 0;
        if (json_object_is_type(node, json_type_object))
            node = json_object_object_get_ex(node, tok, &next) ? next : NULL;
        else if (json_object_is_type(node, json_type_array))
            node = json_object_array_get_idx(node, (size_t)atol(tok));
        else
            node = NULL;
    }
    return *p ? NULL : node;
}

static int add_resource(ref_index *ix, const char *uri, const json_object *node)
{
    if (ix->n_res == ix->cap_res) {
        size_t cap = ix->cap_res ? ix->cap_res * 2 : 32;
        ref_resource *v = realloc(ix->res, cap * sizeof *v);
        if (!v)
            return -1;
        ix->res = v;
        ix->cap_res = cap;
    }
    ix->res[ix->n_res].uri = strdup(uri);
    ix->res[ix->n_res].node = node;
    return ix->res[ix->n_res++].uri ? 0 : -1;
}

static int add_node(ref_index *ix, const json_object *node, const char *base)
{
    if (ix->n_nodes == ix->cap_nodes) {
        size_t cap = ix->cap_nodes ? ix->cap_nodes * 2 : 64;
        ref_node *v = realloc(ix->nodes, cap * sizeof *v);
        if (!v)
            return -1;
        ix->nodes = v;
        ix->cap_nodes = cap;
    }
    ix->nodes[ix->n_nodes].node = node;
    ix->nodes[ix->n_nodes].base = base;
    ix->n_nodes++;
    return 0;
}

static const char *keep(ref_index *ix, char *s)
{
    if (!s)
        return NULL;
    if (ix->n_strings == ix->cap_strings) {
        size_t cap = ix->cap_strings ? ix->cap_strings * 2 : 32;
        char **v = realloc(ix->strings, cap * sizeof *v);
        if (!v) {
            free(s);
            return NULL;
        }
        ix->strings = v;
        ix->cap_strings = cap;
    }
    ix->strings[ix->n_strings++] = s;
    return s;
}

/* "base#name" into the index for an anchor. */
static int add_anchor(ref_index *ix, const char *base, const char *name, const json_object *node)
{
    size_t bl = cardc__uri_fragment_pos(base), nl = strlen(name);
    char *uri = malloc(bl + nl + 2);
    int rc;

    if (!uri)
        return -1;
    memcpy(uri, base, bl);
    uri[bl] = '#';
    memcpy(uri + bl + 1, name, nl + 1);
    rc = add_resource(ix, uri, node);
    free(uri);
    return rc;
}

static const char *string_member(const json_object *node, const char *key)
{
    json_object *v;

    if (json_object_object_get_ex(node, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

/* The base URI inside node, with its resource and anchors indexed. Up to
 * draft-07, "$ref" makes its siblings ignored, "$id" included. */
static const char *enter(ref_index *ix, const json_object *node, const char *base)
{
    const char *id =
        ix->ref_alone && string_member(node, "$ref") ? NULL : string_member(node, "$id");
    const char *anchors[] = {string_member(node, "$anchor"), string_member(node, "$dynamicAnchor")};

    if (id && id[0] == '#') {
        if (add_anchor(ix, base, id + 1, node) != 0)
            return NULL;
    } else if (id) {
        base = keep(ix, cardc__uri_resolve(base, id));
        if (!base || add_resource(ix, base, node) != 0)
            return NULL;
    }
    for (size_t i = 0; i < 2; i++)
        if (anchors[i] && add_anchor(ix, base, anchors[i], node) != 0)
            return NULL;
    return base;
}

static int walk(ref_index *ix, const json_object *node, const char *base, int depth)
{
    if (depth > 256)
        return 0;
    if (json_object_is_type(node, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(node); i++)
            if (walk(ix, json_object_array_get_idx(node, i), base, depth + 1) != 0)
                return -1;
        return 0;
    }
    if (!json_object_is_type(node, json_type_object))
        return 0;
    if (!(base = enter(ix, node, base)) || add_node(ix, node, base) != 0)
        return -1;
    json_object_object_foreach((json_object *)node, key, child)
    {
        if (!is_data_keyword(key) && walk(ix, child, base, depth + 1) != 0)
            return -1;
    }
    return 0;
}

static int by_node(const void *a, const void *b)
{
    const ref_node *x = a, *y = b;
    return x->node < y->node ? -1 : x->node > y->node;
}

int ref_index_build(ref_index *ix, const json_object *root, const cardc_schema *compiled)
{
    size_t n = compiled ? cardc_schema_document_count(compiled) : 0;

    memset(ix, 0, sizeof *ix);
    ix->ref_alone = compiled && cardc_schema_dialect(compiled) <= CARDC_DIALECT_DRAFT7 &&
                    cardc_schema_dialect(compiled) != CARDC_DIALECT_AUTO;
    for (size_t i = 0; i < (n ? n : 1); i++) {
        const json_object *doc = root;
        /* The root is the document samples are built from (the compiled
         * schema's copy would be other nodes); the others are its. */
        const char *uri = !n ? "" : cardc_schema_document(compiled, i, i ? &doc : NULL, NULL);
        if (!uri || !doc || !(uri = keep(ix, strdup(uri))) || add_resource(ix, uri, doc) != 0 ||
            walk(ix, doc, uri, 0) != 0)
            return -1;
    }
    if (ix->n_nodes > 1)
        qsort(ix->nodes, ix->n_nodes, sizeof *ix->nodes, by_node);
    return 0;
}

void ref_index_free(ref_index *ix)
{
    for (size_t i = 0; i < ix->n_res; i++)
        free(ix->res[i].uri);
    for (size_t i = 0; i < ix->n_strings; i++)
        free(ix->strings[i]);
    free(ix->res);
    free(ix->nodes);
    free(ix->strings);
    memset(ix, 0, sizeof *ix);
}

const char *ref_index_base(const ref_index *ix, const json_object *node)
{
    ref_node key = {node, NULL};
    const ref_node *hit =
        ix->n_nodes ? bsearch(&key, ix->nodes, ix->n_nodes, sizeof key, by_node) : NULL;

    return hit ? hit->base : NULL;
}

static const json_object *find(const ref_index *ix, const char *uri, size_t len)
{
    for (size_t i = ix->n_res; i-- > 0;)
        if (strlen(ix->res[i].uri) == len && strncmp(ix->res[i].uri, uri, len) == 0)
            return ix->res[i].node;
    return NULL;
}

const json_object *ref_index_resolve(const ref_index *ix, const char *abs)
{
    size_t hash = cardc__uri_fragment_pos(abs);
    const json_object *doc;

    if (!abs[hash] || abs[hash + 1] == 0)
        return find(ix, abs, hash);
    if (abs[hash + 1] != '/')
        return find(ix, abs, strlen(abs)); /* an anchor */
    doc = find(ix, abs, hash);
    return doc ? ref_walk_pointer(doc, abs + hash + 1) : NULL;
}

const json_object *ref_index_lookup(const ref_index *ix, const json_object *from, const char *ref,
                                    char **abs_out)
{
    const char *base = ref_index_base(ix, from);
    char *abs = cardc__uri_resolve(base ? base : "", ref);
    const json_object *t = abs ? ref_index_resolve(ix, abs) : NULL;

    if (abs_out)
        *abs_out = abs;
    else
        free(abs);
    return t;
}
