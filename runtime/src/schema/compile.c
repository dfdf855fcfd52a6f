/* SPDX-License-Identifier: MIT */
/* Compiling a JSON Schema document into cnodes (see schema_internal.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors_internal.h"
#include "schema/metaschemas.h"
#include "schema/schema_internal.h"
#include "schema/uri.h"

/* Vocabularies (2019-09 / 2020-12 "$vocabulary"). */
enum {
    V_APPLICATOR = 1u << 0,
    V_VALIDATION = 1u << 1,
    V_UNEVALUATED = 1u << 2,
    V_FORMAT_ASSERT = 1u << 3,
    V_ALL = 0xffu & ~(1u << 3)
};

#define MAX_INDEX_DEPTH 2000

/* Where a subschema lives: its base URI, pointer inside that resource and
 * dialect. */
typedef struct sinfo {
    struct json_object *obj;
    char *base;
    char *ptr;
    uint8_t dialect;
    unsigned vocab;
    cresource *res;
} sinfo;

/* Open-addressing hash map, keyed by pointer or by string. */
typedef struct hmap {
    const void **keys;
    void **vals;
    size_t cap, n;
    int str;
} hmap;

static size_t hkey(const hmap *m, const void *k)
{
    size_t h;
    if (m->str) {
        const unsigned char *s = k;
        h = 1469598103934665603u;
        while (*s)
            h = (h ^ *s++) * 1099511628211u;
    } else {
        h = (size_t)(uintptr_t)k;
        h ^= h >> 17;
        h *= 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    return h;
}

static int heq(const hmap *m, const void *a, const void *b)
{
    return m->str ? !strcmp(a, b) : a == b;
}

static void *hget(const hmap *m, const void *k)
{
    size_t i;
    if (!m->cap)
        return NULL;
    for (i = hkey(m, k) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (heq(m, m->keys[i], k))
            return m->vals[i];
    return NULL;
}

/* Key must outlive the map (string keys: owned by the caller's sinfo). */
static int hput(hmap *m, const void *k, void *v)
{
    size_t i;
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64, j;
        const void **nk = calloc(nc, sizeof *nk);
        void **nv = calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return 0;
        }
        for (j = 0; j < m->cap; j++) {
            if (!m->keys[j])
                continue;
            {
                hmap t = {nk, nv, nc, 0, m->str};
                size_t p = hkey(&t, m->keys[j]) & (nc - 1);
                while (nk[p])
                    p = (p + 1) & (nc - 1);
                nk[p] = m->keys[j];
                nv[p] = m->vals[j];
            }
        }
        free(m->keys);
        free(m->vals);
        m->keys = nk;
        m->vals = nv;
        m->cap = nc;
    }
    for (i = hkey(m, k) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (heq(m, m->keys[i], k)) {
            m->vals[i] = v;
            return 1;
        }
    m->keys[i] = k;
    m->vals[i] = v;
    m->n++;
    return 1;
}

static void hfree(hmap *m)
{
    free(m->keys);
    free(m->vals);
}

typedef struct cctx {
    cardc_schema *s;
    const cardc_schema_options *opts;
    cardc_error *err;
    cardc_status st;
    hmap infos; /* json_object* -> sinfo* */
    hmap uris;  /* uri string -> sinfo* */
    hmap nodes; /* json_object* -> cnode* */
    sinfo **all;
    size_t nall, capall;
    char **strs; /* owned strings (uri keys) */
    size_t nstrs, capstrs;
    cnode **queue;
    size_t nq, capq;
} cctx;

static int fail(cctx *c, cardc_status code, const char *ptr, const char *fmt, ...)
    CARDC_PRINTF_(4, 5);
static int fail(cctx *c, cardc_status code, const char *ptr, const char *fmt, ...)
{
    va_list ap;
    if (c->st == CARDC_OK) {
        c->st = code;
        if (c->err && c->err->code == CARDC_OK) {
            char msg[CARDC_ERROR_MESSAGE_MAX];
            va_start(ap, fmt);
            vsnprintf(msg, sizeof msg, fmt, ap);
            va_end(ap);
            cardc__error(c->err, code, "%s", msg);
            cardc__error_pointer(c->err, ptr);
        }
    }
    return 0;
}

static int oom(cctx *c)
{
    return fail(c, CARDC_E_NOMEM, "", "out of memory");
}

static char *keep_str(cctx *c, char *s)
{
    if (!s) {
        oom(c);
        return NULL;
    }
    if (c->nstrs == c->capstrs) {
        size_t n = c->capstrs ? c->capstrs * 2 : 64;
        char **v = realloc(c->strs, n * sizeof *v);
        if (!v) {
            free(s);
            oom(c);
            return NULL;
        }
        c->strs = v;
        c->capstrs = n;
    }
    c->strs[c->nstrs++] = s;
    return s;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *cat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *d = malloc(la + lb + lc + 1);
    if (!d)
        return NULL;
    memcpy(d, a, la);
    memcpy(d + la, b, lb);
    memcpy(d + la + lb, c, lc + 1);
    return d;
}

/* ptr + "/" + escaped token */
static char *ptr_add(const char *ptr, const char *tok)
{
    size_t n = strlen(ptr), extra = 0, i;
    char *d, *w;
    for (i = 0; tok[i]; i++)
        if (tok[i] == '~' || tok[i] == '/')
            extra++;
    d = malloc(n + strlen(tok) + extra + 2);
    if (!d)
        return NULL;
    memcpy(d, ptr, n);
    w = d + n;
    *w++ = '/';
    for (i = 0; tok[i]; i++) {
        if (tok[i] == '~') {
            *w++ = '~';
            *w++ = '0';
        } else if (tok[i] == '/') {
            *w++ = '~';
            *w++ = '1';
        } else
            *w++ = tok[i];
    }
    *w = '\0';
    return d;
}

static char *ptr_idx(const char *ptr, size_t i)
{
    char b[32];
    snprintf(b, sizeof b, "%zu", i);
    return ptr_add(ptr, b);
}

static struct json_object *get(struct json_object *o, const char *k)
{
    struct json_object *v;
    return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static int has(struct json_object *o, const char *k)
{
    return json_object_object_get_ex(o, k, NULL);
}

cardc_dialect cardc_dialect_from_name(const char *name)
{
    static const struct {
        const char *n;
        cardc_dialect d;
    } t[] = {{"draft4", CARDC_DIALECT_DRAFT4},   {"draft-04", CARDC_DIALECT_DRAFT4},
             {"draft6", CARDC_DIALECT_DRAFT6},   {"draft-06", CARDC_DIALECT_DRAFT6},
             {"draft7", CARDC_DIALECT_DRAFT7},   {"draft-07", CARDC_DIALECT_DRAFT7},
             {"2019-09", CARDC_DIALECT_2019_09}, {"draft2019-09", CARDC_DIALECT_2019_09},
             {"2020-12", CARDC_DIALECT_2020_12}, {"draft2020-12", CARDC_DIALECT_2020_12}};
    size_t i;
    if (!name)
        return CARDC_DIALECT_AUTO;
    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].n, name))
            return t[i].d;
    return CARDC_DIALECT_AUTO;
}

const char *cardc_dialect_name(cardc_dialect d)
{
    switch (d) {
    case CARDC_DIALECT_DRAFT4: return "draft-04";
    case CARDC_DIALECT_DRAFT6: return "draft-06";
    case CARDC_DIALECT_DRAFT7: return "draft-07";
    case CARDC_DIALECT_2019_09: return "2019-09";
    case CARDC_DIALECT_2020_12: return "2020-12";
    default: return "auto";
    }
}

static cardc_dialect dialect_from_uri(const char *u)
{
    static const struct {
        const char *u;
        cardc_dialect d;
    } t[] = {{"http://json-schema.org/draft-04/schema", CARDC_DIALECT_DRAFT4},
             {"http://json-schema.org/draft-06/schema", CARDC_DIALECT_DRAFT6},
             {"http://json-schema.org/draft-07/schema", CARDC_DIALECT_DRAFT7},
             {"https://json-schema.org/draft/2019-09/schema", CARDC_DIALECT_2019_09},
             {"https://json-schema.org/draft/2020-12/schema", CARDC_DIALECT_2020_12}};
    size_t i, n = cardc__uri_fragment_pos(u);
    for (i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strlen(t[i].u) == n && !strncmp(t[i].u, u, n))
            return t[i].d;
    return CARDC_DIALECT_AUTO;
}

void cardc_schema_options_init(cardc_schema_options *o)
{
    if (o)
        memset(o, 0, sizeof *o);
}

cardc_dialect cardc_schema_dialect(const cardc_schema *s)
{
    return s ? s->dialect : CARDC_DIALECT_AUTO;
}

/* ---- indexing ---- */

static cresource *new_resource(cctx *c, const char *uri)
{
    cresource *r = calloc(1, sizeof *r);
    if (!r || !(r->uri = xstrdup(uri))) {
        free(r);
        oom(c);
        return NULL;
    }
    r->next = c->s->resources;
    c->s->resources = r;
    return r;
}

static sinfo *new_info(cctx *c, struct json_object *obj, const char *base, const char *ptr,
                       uint8_t dialect, unsigned vocab, cresource *res)
{
    sinfo *i = calloc(1, sizeof *i);
    if (!i)
        return oom(c), NULL;
    i->obj = obj;
    i->base = xstrdup(base);
    i->ptr = xstrdup(ptr);
    i->dialect = dialect;
    i->vocab = vocab;
    i->res = res;
    if (!i->base || !i->ptr)
        goto nomem;
    if (c->nall == c->capall) {
        size_t n = c->capall ? c->capall * 2 : 64;
        sinfo **v = realloc(c->all, n * sizeof *v);
        if (!v)
            goto nomem;
        c->all = v;
        c->capall = n;
    }
    c->all[c->nall++] = i;
    if (obj && json_object_get_type(obj) == json_type_object && !hput(&c->infos, obj, i))
        return oom(c), NULL;
    return i;
nomem:
    free(i->base);
    free(i->ptr);
    free(i);
    oom(c);
    return NULL;
}

static int put_uri(cctx *c, char *uri, sinfo *i)
{
    if (!keep_str(c, uri))
        return 0;
    /* First definition wins: a document's own entry beats later aliases. */
    if (hget(&c->uris, uri))
        return 1;
    if (!hput(&c->uris, uri, i))
        return oom(c);
    return 1;
}

static sinfo *find_resource(cctx *c, const char *uri, uint8_t dialect);

static unsigned vocab_of(struct json_object *meta)
{
    struct json_object *v = get(meta, "$vocabulary");
    unsigned m = 0;
    int is2019 = 0;
    if (!v || !json_object_is_type(v, json_type_object))
        return V_ALL;
    json_object_object_foreach(v, k, val)
    {
        (void)val;
        if (strstr(k, "2019-09"))
            is2019 = 1;
        if (strstr(k, "/vocab/applicator"))
            m |= V_APPLICATOR;
        else if (strstr(k, "/vocab/validation"))
            m |= V_VALIDATION;
        else if (strstr(k, "/vocab/unevaluated"))
            m |= V_UNEVALUATED;
        else if (strstr(k, "/vocab/format-assertion"))
            m |= V_FORMAT_ASSERT;
    }
    /* 2019-09 keeps unevaluated* in the applicator vocabulary. */
    if (m & V_APPLICATOR)
        m |= V_UNEVALUATED * (unsigned)is2019;
    return m | (~(V_APPLICATOR | V_VALIDATION | V_UNEVALUATED | V_FORMAT_ASSERT) & 0xffu);
}

static int index_schema(cctx *c, struct json_object *obj, const char *base, const char *ptr,
                        uint8_t dialect, unsigned vocab, cresource *res, int depth);

static int index_children(cctx *c, struct json_object *obj, const char *base, const char *ptr,
                          uint8_t d, unsigned vocab, cresource *res, int depth)
{
    static const char *const single[] = {"additionalItems",
                                         "additionalProperties",
                                         "contains",
                                         "not",
                                         "if",
                                         "then",
                                         "else",
                                         "propertyNames",
                                         "unevaluatedItems",
                                         "unevaluatedProperties",
                                         "contentSchema",
                                         "items"};
    static const char *const arrays[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};
    static const char *const maps[] = {"properties",  "patternProperties", "$defs",
                                       "definitions", "dependentSchemas",  "dependencies"};
    size_t k;

    for (k = 0; k < sizeof single / sizeof single[0]; k++) {
        struct json_object *v = get(obj, single[k]);
        if (v && (json_object_is_type(v, json_type_object) ||
                  json_object_is_type(v, json_type_boolean))) {
            char *p = ptr_add(ptr, single[k]);
            int ok = p && index_schema(c, v, base, p, d, vocab, res, depth + 1);
            free(p);
            if (!ok)
                return p ? 0 : oom(c);
        }
    }
    for (k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
        struct json_object *v = get(obj, arrays[k]);
        size_t i, n;
        char *p;
        if (!v || !json_object_is_type(v, json_type_array))
            continue;
        p = ptr_add(ptr, arrays[k]);
        if (!p)
            return oom(c);
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            char *q = ptr_idx(p, i);
            int ok = q && index_schema(c, json_object_array_get_idx(v, i), base, q, d, vocab, res,
                                       depth + 1);
            free(q);
            if (!ok) {
                free(p);
                return q ? 0 : oom(c);
            }
        }
        free(p);
    }
    for (k = 0; k < sizeof maps / sizeof maps[0]; k++) {
        struct json_object *v = get(obj, maps[k]);
        char *p;
        if (!v || !json_object_is_type(v, json_type_object))
            continue;
        p = ptr_add(ptr, maps[k]);
        if (!p)
            return oom(c);
        {
            json_object_object_foreach(v, key, val)
            {
                char *q;
                int ok;
                if (!json_object_is_type(val, json_type_object) &&
                    !json_object_is_type(val, json_type_boolean))
                    continue;
                q = ptr_add(p, key);
                ok = q && index_schema(c, val, base, q, d, vocab, res, depth + 1);
                free(q);
                if (!ok) {
                    free(p);
                    return q ? 0 : oom(c);
                }
            }
        }
        free(p);
    }
    return 1;
}

/* "$schema" switches the dialect (and vocabularies) of this resource. */
static int schema_dialect(cctx *c, struct json_object *obj, const char *base, uint8_t *d,
                          unsigned *vocab)
{
    struct json_object *v = get(obj, "$schema");
    if (v && json_object_is_type(v, json_type_string)) {
        const char *su = json_object_get_string(v);
        cardc_dialect nd = dialect_from_uri(su);
        if (nd != CARDC_DIALECT_AUTO) {
            *d = (uint8_t)nd;
            *vocab = V_ALL;
        } else {
            char *abs = cardc__uri_resolve(base, su);
            sinfo *meta;
            if (!abs)
                return oom(c);
            abs[cardc__uri_fragment_pos(abs)] = '\0';
            meta = strcmp(abs, base) ? find_resource(c, abs, *d) : NULL;
            free(abs);
            if (c->st)
                return 0;
            if (meta) {
                *d = meta->dialect;
                *vocab = vocab_of(meta->obj);
            }
        }
    }
    return 1;
}

/* 2019-09+: "$anchor", "$dynamicAnchor", "$recursiveAnchor" (at a
 * resource root). */
static int index_anchors(cctx *c, struct json_object *obj, sinfo *info, cresource *res, bool root)
{
    uint8_t d = info->dialect;
    struct json_object *v = get(obj, "$anchor");
    if (v && json_object_is_type(v, json_type_string)) {
        char *h = cat3("#", json_object_get_string(v), "");
        char *a = h ? cardc__uri_resolve(info->base, h) : NULL;
        free(h);
        if (!put_uri(c, a, info))
            return 0;
    }
    v = get(obj, "$dynamicAnchor");
    if (d >= CARDC_DIALECT_2020_12 && v && json_object_is_type(v, json_type_string)) {
        char *h = cat3("#", json_object_get_string(v), "");
        char *a = h ? cardc__uri_resolve(info->base, h) : NULL;
        char **nn;
        cnode **nd;
        free(h);
        if (!put_uri(c, a, info))
            return 0;
        nn = realloc(res->dyn_names, (res->ndyn + 1) * sizeof *nn);
        if (nn)
            res->dyn_names = nn;
        nd = realloc(res->dyn_nodes, (res->ndyn + 1) * sizeof *nd);
        if (nd)
            res->dyn_nodes = nd;
        if (!nn || !nd || !(res->dyn_names[res->ndyn] = xstrdup(json_object_get_string(v))))
            return oom(c);
        /* The node is filled in when the resource is compiled; keep the
         * schema object meanwhile. */
        res->dyn_nodes[res->ndyn] = (cnode *)(void *)obj;
        res->ndyn++;
    }
    v = get(obj, "$recursiveAnchor");
    if (d == CARDC_DIALECT_2019_09 && root && v && json_object_get_boolean(v))
        res->recursive_anchor = true;
    return 1;
}

static int index_schema(cctx *c, struct json_object *obj, const char *base, const char *ptr,
                        uint8_t d, unsigned vocab, cresource *res, int depth)
{
    struct json_object *v;
    char *nbase = NULL;
    const char *b = base, *p = ptr;
    sinfo *info;
    int ok;

    if (depth > MAX_INDEX_DEPTH)
        return fail(c, CARDC_E_LIMIT, ptr, "schema nested more than %d levels deep",
                    MAX_INDEX_DEPTH);
    if (json_object_get_type(obj) != json_type_object) {
        if (!res)
            res = new_resource(c, base);
        return res && new_info(c, obj, base, ptr, d, vocab, res) != NULL;
    }
    if (hget(&c->infos, obj))
        return 1;
    if (!schema_dialect(c, obj, base, &d, &vocab))
        return 0;
    v = get(obj, d == CARDC_DIALECT_DRAFT4 ? "id" : "$id");
    if (v && json_object_is_type(v, json_type_string) &&
        !(d <= CARDC_DIALECT_DRAFT7 && has(obj, "$ref"))) {
        const char *id = json_object_get_string(v);
        if (id[0] == '#') {
            if (d <= CARDC_DIALECT_DRAFT7 && id[1]) {
                char *a = cardc__uri_resolve(base, id);
                info = new_info(c, obj, base, ptr, d, vocab, res ? res : new_resource(c, base));
                if (!info || !put_uri(c, a, info))
                    return 0;
                /* a document whose root only names an anchor is still a
                 * resource under its retrieval URI */
                if (ptr[0] == '\0' && !hget(&c->uris, base) && !put_uri(c, xstrdup(base), info))
                    return 0;
                res = info->res;
                goto anchors;
            }
        } else {
            nbase = cardc__uri_resolve(base, id);
            if (!nbase)
                return oom(c);
            nbase[cardc__uri_fragment_pos(nbase)] = '\0';
            b = nbase;
            p = "";
            res = new_resource(c, b);
            if (!res) {
                free(nbase);
                return 0;
            }
        }
    }
    if (!res && !(res = new_resource(c, b))) {
        free(nbase);
        return 0;
    }
    info = new_info(c, obj, b, p, d, vocab, res);
    if (!info || (p[0] == '\0' && !put_uri(c, xstrdup(b), info))) {
        free(nbase);
        return 0;
    }
anchors:
    if (d >= CARDC_DIALECT_2019_09 && !index_anchors(c, obj, info, res, p[0] == '\0'))
        goto fail;
    ok = index_children(c, obj, info->base, info->ptr, d, vocab, res, depth);
    free(nbase);
    return ok;
fail:
    free(nbase);
    return 0;
}

static sinfo *index_doc(cctx *c, struct json_object *doc, const char *uri, uint8_t dialect,
                        bool builtin)
{
    char *uri_copy = xstrdup(uri);
    if (!uri_copy)
        return oom(c), NULL;
    if (c->s->ndocs % 16 == 0) {
        size_t n = c->s->ndocs + 16;
        struct json_object **v = realloc(c->s->docs, n * sizeof *v);
        char **u = v ? realloc(c->s->doc_uris, n * sizeof *u) : NULL;
        bool *b = u ? realloc(c->s->doc_builtin, n * sizeof *b) : NULL;
        if (v)
            c->s->docs = v;
        if (u)
            c->s->doc_uris = u;
        if (!b) {
            free(uri_copy);
            return oom(c), NULL;
        }
        c->s->doc_builtin = b;
    }
    c->s->doc_uris[c->s->ndocs] = uri_copy;
    c->s->doc_builtin[c->s->ndocs] = builtin;
    c->s->docs[c->s->ndocs++] = json_object_get(doc);
    if (!index_schema(c, doc, uri, "", dialect, V_ALL, NULL, 0))
        return NULL;
    if (json_object_get_type(doc) == json_type_object)
        return hget(&c->infos, doc);
    return c->all[c->nall - 1];
}

/* True once doc is being indexed (or was): a document reached again while
 * its own "$schema" is being resolved must not be indexed anew, or an
 * unknown meta-schema would recurse without end. */
static bool doc_indexed(const cctx *c, const struct json_object *doc)
{
    for (size_t k = 0; k < c->s->ndocs; k++)
        if (c->s->docs[k] == doc)
            return true;
    return false;
}

static sinfo *find_resource(cctx *c, const char *uri, uint8_t dialect)
{
    sinfo *i = hget(&c->uris, uri);
    struct json_object *doc;
    size_t k;

    if (i || c->st)
        return i;
    doc = cardc__registry_find(c->opts ? c->opts->registry : NULL, uri);
    if (doc && !hget(&c->infos, doc) && !doc_indexed(c, doc)) {
        sinfo *r = index_doc(c, doc, uri, dialect, false);
        if (r && !hget(&c->uris, uri))
            put_uri(c, xstrdup(uri), r);
        if ((i = hget(&c->uris, uri)) != NULL || c->st)
            return i;
    }
    for (k = 0; k < cardc_metaschema_count; k++) {
        if (!strcmp(cardc_metaschemas[k].uri, uri)) {
            struct json_object *m = json_tokener_parse(cardc_metaschemas[k].text);
            sinfo *r;
            if (!m)
                return fail(c, CARDC_E_SCHEMA, "", "built-in meta-schema %s is corrupt", uri), NULL;
            r = index_doc(c, m, uri, dialect, true);
            json_object_put(m);
            if (!r)
                return NULL;
            return hget(&c->uris, uri);
        }
    }
    /* An embedded "$id" of a registered document: index everything. */
    if (c->opts && c->opts->registry) {
        const cardc_registry *reg = c->opts->registry;
        for (k = 0; k < reg->n; k++)
            if (!hget(&c->infos, reg->e[k].doc) && !doc_indexed(c, reg->e[k].doc) &&
                !index_doc(c, reg->e[k].doc, reg->e[k].uri, dialect, false))
                return NULL;
        return hget(&c->uris, uri);
    }
    return NULL;
}

/* Resolves an absolute reference (with fragment) to the info of its target. */
static sinfo *resolve(cctx *c, const char *abs, uint8_t dialect)
{
    size_t fp = cardc__uri_fragment_pos(abs);
    char *res_uri = malloc(fp + 1);
    sinfo *r, *t;
    const char *frag;

    if (!res_uri)
        return oom(c), NULL;
    memcpy(res_uri, abs, fp);
    res_uri[fp] = '\0';
    r = find_resource(c, res_uri, dialect);
    free(res_uri);
    if (!r)
        return NULL;
    if (!abs[fp] || !abs[fp + 1])
        return r;
    frag = abs + fp + 1;
    if (frag[0] != '/') {
        char *dec = cardc__uri_unescape(abs, strlen(abs));
        if (!dec)
            return oom(c), NULL;
        t = hget(&c->uris, dec);
        free(dec);
        return t ? t : hget(&c->uris, abs);
    } else {
        char *dec = cardc__uri_unescape(frag, strlen(frag)), *tok, *save = NULL, *full;
        struct json_object *cur = r->obj;
        sinfo *found;
        if (!dec)
            return oom(c), NULL;
        for (tok = dec + 1;;) {
            char *end = strchr(tok, '/'), *w, *q;
            if (end)
                *end = '\0';
            for (w = q = tok; *q; q++) {
                if (q[0] == '~' && q[1] == '1') {
                    *w++ = '/';
                    q++;
                } else if (q[0] == '~' && q[1] == '0') {
                    *w++ = '~';
                    q++;
                } else
                    *w++ = *q;
            }
            *w = '\0';
            if (json_object_is_type(cur, json_type_object)) {
                if (!json_object_object_get_ex(cur, tok, &cur)) {
                    free(dec);
                    return NULL;
                }
            } else if (json_object_is_type(cur, json_type_array)) {
                char *e;
                unsigned long ix = strtoul(tok, &e, 10);
                if (*e || !*tok || ix >= json_object_array_length(cur)) {
                    free(dec);
                    return NULL;
                }
                cur = json_object_array_get_idx(cur, ix);
            } else {
                free(dec);
                return NULL;
            }
            if (!end)
                break;
            tok = end + 1;
        }
        (void)save;
        free(dec);
        found = hget(&c->infos, cur);
        if (found)
            return found;
        full = cat3(r->ptr, frag, "");
        if (!full)
            return oom(c), NULL;
        if (json_object_get_type(cur) == json_type_object) {
            int ok = index_schema(c, cur, r->base, full, r->dialect, r->vocab, r->res, 0);
            free(full);
            return ok ? hget(&c->infos, cur) : NULL;
        }
        t = new_info(c, cur, r->base, full, r->dialect, r->vocab, r->res);
        free(full);
        return t;
    }
}

/* ---- numbers ---- */

void cardc__num_text(const struct json_object *v, char *buf, size_t n)
{
    struct json_object *o = (struct json_object *)(uintptr_t)v;
    if (json_object_is_type(o, json_type_int)) {
        int64_t i = json_object_get_int64(o);
        if (i == INT64_MAX && json_object_get_uint64(o) > (uint64_t)INT64_MAX)
            snprintf(buf, n, "%llu", (unsigned long long)json_object_get_uint64(o));
        else
            snprintf(buf, n, "%lld", (long long)i);
    } else {
        double d = json_object_get_double(o);
        int p;
        if (isnan(d)) {
            snprintf(buf, n, "NaN");
            return;
        }
        if (isinf(d)) {
            snprintf(buf, n, d > 0 ? "Infinity" : "-Infinity");
            return;
        }
        for (p = 15; p <= 17; p++) {
            snprintf(buf, n, "%.*g", p, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    }
}

int cardc__decimal_parse(const char *t, cdecimal *d)
{
    size_t len = strlen(t), nd = 0, i;
    long frac = 0, e = 0;
    int seen_dot = 0;
    char *dig;

    memset(d, 0, sizeof *d);
    if (*t == '-') {
        d->neg = 1;
        t++;
    } else if (*t == '+')
        t++;
    dig = malloc(len + 2);
    if (!dig)
        return -1;
    for (; *t && *t != 'e' && *t != 'E'; t++) {
        if (*t == '.') {
            seen_dot = 1;
            continue;
        }
        if (*t < '0' || *t > '9') {
            free(dig);
            return 0;
        }
        if (nd == 0 && *t == '0') {
            if (seen_dot)
                frac++;
            continue;
        }
        dig[nd++] = *t;
        if (seen_dot)
            frac++;
    }
    if (*t == 'e' || *t == 'E') {
        char *end;
        e = strtol(t + 1, &end, 10);
        if (*end || e > 100000 || e < -100000) {
            free(dig);
            return 0;
        }
    }
    /* trailing zeros into the exponent */
    while (nd > 0 && dig[nd - 1] == '0') {
        nd--;
        e++;
    }
    if (nd == 0) {
        dig[nd++] = '0';
        e = 0;
        frac = 0;
        d->neg = 0;
    }
    dig[nd] = '\0';
    (void)i;
    d->digits = dig;
    d->exp = e - frac;
    return 1;
}

int cardc__json_equal(const struct json_object *ca, const struct json_object *cb)
{
    struct json_object *a = (struct json_object *)(uintptr_t)ca;
    struct json_object *b = (struct json_object *)(uintptr_t)cb;
    enum json_type ta = json_object_get_type(a), tb = json_object_get_type(b);

    if ((ta == json_type_int || ta == json_type_double) &&
        (tb == json_type_int || tb == json_type_double)) {
        if (ta == json_type_int && tb == json_type_int) {
            int64_t x = json_object_get_int64(a), y = json_object_get_int64(b);
            if (x != y)
                return 0;
            if (x == INT64_MAX)
                return json_object_get_uint64(a) == json_object_get_uint64(b);
            return 1;
        }
        {
            long double x = ta == json_type_int ? (long double)json_object_get_int64(a)
                                                : (long double)json_object_get_double(a);
            long double y = tb == json_type_int ? (long double)json_object_get_int64(b)
                                                : (long double)json_object_get_double(b);
            return x == y;
        }
    }
    if (ta != tb)
        return 0;
    switch (ta) {
    case json_type_null: return 1;
    case json_type_boolean: return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string:
        return json_object_get_string_len(a) == json_object_get_string_len(b) &&
               !memcmp(json_object_get_string(a), json_object_get_string(b),
                       (size_t)json_object_get_string_len(a));
    case json_type_array: {
        size_t n = json_object_array_length(a), i;
        if (n != json_object_array_length(b))
            return 0;
        for (i = 0; i < n; i++)
            if (!cardc__json_equal(json_object_array_get_idx(a, i),
                                   json_object_array_get_idx(b, i)))
                return 0;
        return 1;
    }
    case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b))
            return 0;
        {
            json_object_object_foreach(a, k, va)
            {
                struct json_object *vb;
                if (!json_object_object_get_ex(b, k, &vb) || !cardc__json_equal(va, vb))
                    return 0;
            }
        }
        return 1;
    }
    default: return 0;
    }
}

static int num_of(struct json_object *v, long double *out)
{
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX)
            *out = (long double)json_object_get_uint64(v);
        else
            *out = (long double)i;
        return 1;
    }
    if (json_object_is_type(v, json_type_double)) {
        *out = (long double)json_object_get_double(v);
        return 1;
    }
    return 0;
}

/* ---- nodes ---- */

static cnode *get_node(cctx *c, sinfo *i)
{
    cnode *n = json_object_is_type(i->obj, json_type_object) ? hget(&c->nodes, i->obj) : NULL;
    if (n)
        return n;
    n = calloc(1, sizeof *n);
    if (!n)
        return oom(c), NULL;
    n->next_alloc = c->s->nodes;
    c->s->nodes = n;
    n->abs = cat3(i->base, "#", i->ptr);
    n->dialect = i->dialect;
    n->res = i->res;
    if (!n->abs)
        return oom(c), NULL;
    if (json_object_is_type(i->obj, json_type_object) && !hput(&c->nodes, i->obj, n))
        return oom(c), NULL;
    if (c->nq == c->capq) {
        size_t cap = c->capq ? c->capq * 2 : 64;
        cnode **q = realloc(c->queue, cap * sizeof *q);
        if (!q)
            return oom(c), NULL;
        c->queue = q;
        c->capq = cap;
    }
    /* The info rides along in the node's ins pointer until compiled. */
    n->ins = (cinstr *)(void *)i;
    c->queue[c->nq++] = n;
    return n;
}

/* The JSON Pointer of `target` inside `node` ("at" being node's), or NULL
 * when it is not there. */
static char *find_ptr(struct json_object *node, struct json_object *target, const char *at,
                      int depth)
{
    char *r = NULL;

    if (node == target)
        return xstrdup(at);
    if (depth > MAX_INDEX_DEPTH)
        return NULL;
    if (json_object_is_type(node, json_type_object)) {
        json_object_object_foreach(node, key, val)
        {
            char *p = ptr_add(at, key);
            r = p ? find_ptr(val, target, p, depth + 1) : NULL;
            free(p);
            if (r)
                break;
        }
    } else if (json_object_is_type(node, json_type_array)) {
        for (size_t i = 0; !r && i < json_object_array_length(node); i++) {
            char *p = ptr_idx(at, i);
            r = p ? find_ptr(json_object_array_get_idx(node, i), target, p, depth + 1) : NULL;
            free(p);
        }
    }
    return r;
}

/* Where a schema is, for errors: a pointer from its document's root.
 * si->ptr is relative to the resource the schema belongs to, which starts
 * again at every "$id" (found by fuzz_gen:
 * tests/regression/fuzz_gen/ref-error-under-id-pointed-at-the-resource.json). An
 * error path only, so a search is fine. */
static char *doc_ptr(cctx *c, sinfo *si)
{
    for (size_t k = 0; k < c->s->ndocs; k++) {
        char *r = find_ptr(c->s->docs[k], si->obj, "", 0);
        if (r)
            return r;
    }
    return xstrdup(si->ptr);
}

static char *kwptr(cctx *c, sinfo *si, const char *kw)
{
    char *at = doc_ptr(c, si), *p = at ? ptr_add(at, kw) : NULL;
    free(at);
    return p;
}

/* child()'s pointer in the document, for errors. */
static char *child_loc(cctx *c, sinfo *si, const char *kw, const char *key, long idx)
{
    char *p = kwptr(c, si, kw), *q;

    if (!p)
        return NULL;
    q = key ? ptr_add(p, key) : idx >= 0 ? ptr_idx(p, (size_t)idx) : xstrdup(p);
    free(p);
    return q;
}

static cnode *child(cctx *c, sinfo *si, struct json_object *v, const char *kw, const char *key,
                    long idx)
{
    sinfo *ci = json_object_is_type(v, json_type_object) ? hget(&c->infos, v) : NULL;
    if (!ci) {
        char *p = ptr_add(si->ptr, kw), *q;
        if (!p)
            return oom(c), NULL;
        q = key ? ptr_add(p, key) : idx >= 0 ? ptr_idx(p, (size_t)idx) : xstrdup(p);
        free(p);
        if (!q)
            return oom(c), NULL;
        if (json_object_is_type(v, json_type_object)) {
            if (!index_schema(c, v, si->base, q, si->dialect, si->vocab, si->res, 0)) {
                free(q);
                return NULL;
            }
            ci = hget(&c->infos, v);
        } else if (json_object_is_type(v, json_type_boolean)) {
            ci = new_info(c, v, si->base, q, si->dialect, si->vocab, si->res);
        } else {
            char *loc = child_loc(c, si, kw, key, idx);
            fail(c, CARDC_E_SCHEMA, loc ? loc : q, "a schema must be an object or a boolean");
            free(loc);
        }
        free(q);
        if (!ci)
            return NULL;
    }
    return get_node(c, ci);
}

typedef struct ibuf {
    cinstr v[64];
    size_t n;
} ibuf;

static cinstr *emit(cctx *c, cnode *n, ibuf *b, cop op, const char *kw)
{
    cinstr *in;
    if (b->n >= sizeof b->v / sizeof b->v[0])
        return fail(c, CARDC_E_SCHEMA, "", "too many keywords"), NULL;
    in = &b->v[b->n++];
    memset(in, 0, sizeof *in);
    in->op = (uint8_t)op;
    in->kw = kw;
    in->kwlen = (uint8_t)strlen(kw);
    in->abs = cat3(n->abs, "/", kw);
    if (!in->abs) {
        b->n--;
        return oom(c), NULL;
    }
    return in;
}

static int bad(cctx *c, sinfo *si, const char *kw, const char *what)
{
    char *p = kwptr(c, si, kw);
    fail(c, CARDC_E_SCHEMA, p ? p : "", "\"%s\" must be %s", kw, what);
    free(p);
    return 0;
}

static int type_bits(const char *t, uint32_t *bits)
{
    static const struct {
        const char *n;
        uint32_t b;
    } tt[] = {{"null", T_NULL},      {"boolean", T_BOOLEAN}, {"object", T_OBJECT},
              {"array", T_ARRAY},    {"number", T_NUMBER},   {"string", T_STRING},
              {"integer", T_INTEGER}};
    size_t i;
    for (i = 0; i < sizeof tt / sizeof tt[0]; i++)
        if (!strcmp(t, tt[i].n)) {
            *bits |= tt[i].b;
            return 1;
        }
    return 0;
}

static cardc_regex *regex(cctx *c, sinfo *si, const char *kw, const char *key, const char *pat)
{
    char eb[256];
    cardc_regex *re;
    cardc_regex_limits lim = {0, 0, 0};
    int nomem;

    if (c->opts) {
        lim.match = c->opts->regex_match_limit;
        lim.depth = c->opts->regex_depth_limit;
        lim.heap_kib = c->opts->regex_heap_limit;
    }
    re = cardc_regex_compile(pat, strlen(pat), &lim, eb, sizeof eb, &nomem);
    if (!re) {
        char *p = kwptr(c, si, kw), *q = (p && key) ? ptr_add(p, key) : NULL;
        fail(c, nomem ? CARDC_E_NOMEM : CARDC_E_REGEX,
             q   ? q
             : p ? p
                 : "",
             "%s \"%s\": %s",
             nomem ? "out of memory compiling the regular expression"
                   : "invalid regular expression",
             pat, eb);
        free(p);
        free(q);
        return NULL;
    }
    if (c->s->nregexes % 16 == 0) {
        cardc_regex **v = realloc(c->s->regexes, (c->s->nregexes + 16) * sizeof *v);
        if (!v) {
            cardc_regex_free(re);
            return oom(c), NULL;
        }
        c->s->regexes = v;
    }
    c->s->regexes[c->s->nregexes++] = re;
    return re;
}

static int ref_target(cctx *c, sinfo *si, const char *kw, const char *ref, cnode **out,
                      sinfo **tinfo)
{
    char *abs = cardc__uri_resolve(si->base, ref);
    sinfo *t;
    if (!abs)
        return oom(c);
    t = resolve(c, abs, si->dialect);
    if (!t) {
        if (!c->st) {
            char *p = kwptr(c, si, kw);
            fail(c, CARDC_E_REF, p ? p : "", "cannot resolve %s \"%s\" (%s)", kw, ref, abs);
            free(p);
        }
        free(abs);
        return 0;
    }
    free(abs);
    *out = get_node(c, t);
    if (tinfo)
        *tinfo = t;
    return *out != NULL;
}

static int keys_of(cctx *c, sinfo *si, const char *kw, struct json_object *arr, ckey **keys,
                   size_t *n)
{
    size_t i, len;
    if (!json_object_is_type(arr, json_type_array))
        return bad(c, si, kw, "an array of strings");
    len = json_object_array_length(arr);
    *keys = calloc(len ? len : 1, sizeof **keys);
    if (!*keys)
        return oom(c);
    *n = len;
    for (i = 0; i < len; i++) {
        struct json_object *e = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(e, json_type_string))
            return bad(c, si, kw, "an array of strings");
        (*keys)[i].s = json_object_get_string(e);
        (*keys)[i].len = (size_t)json_object_get_string_len(e);
    }
    return 1;
}

static int count_of(cctx *c, sinfo *si, const char *kw, struct json_object *v, uint64_t *out)
{
    long double x;
    if (!num_of(v, &x) || x < 0 || x != floorl(x))
        return bad(c, si, kw, "a non-negative integer");
    *out = x > 1.8e19L ? UINT64_MAX : (uint64_t)x;
    return 1;
}

static int list_of(cctx *c, sinfo *si, const char *kw, struct json_object *arr, size_t *n,
                   cnode ***nodes)
{
    size_t i, len;
    if (!json_object_is_type(arr, json_type_array))
        return bad(c, si, kw, "an array of schemas");
    len = json_object_array_length(arr);
    *nodes = calloc(len ? len : 1, sizeof **nodes);
    if (!*nodes)
        return oom(c);
    *n = len;
    for (i = 0; i < len; i++)
        if (!((*nodes)[i] = child(c, si, json_object_array_get_idx(arr, i), kw, NULL, (long)i)))
            return 0;
    return 1;
}

static char *dupmsg(cctx *c, struct json_object *v)
{
    if (!json_object_is_type(v, json_type_string))
        return NULL;
    return keep_str(c, xstrdup(json_object_get_string(v)));
}

static int compile_errmsg(cctx *c, cnode *n, sinfo *si, struct json_object *v)
{
    cerrmsg *m = calloc(1, sizeof *m);
    if (!m)
        return oom(c);
    n->errmsg = m;
    if (json_object_is_type(v, json_type_string)) {
        m->all = dupmsg(c, v);
        return m->all != NULL;
    }
    if (!json_object_is_type(v, json_type_object))
        return bad(c, si, "errorMessage", "a string or an object");
    m->kw = calloc(json_object_object_length(v) + 1, sizeof *m->kw);
    m->kw_msg = calloc(json_object_object_length(v) + 1, sizeof *m->kw_msg);
    if (!m->kw || !m->kw_msg)
        return oom(c);
    {
        json_object_object_foreach(v, k, val)
        {
            if (!strcmp(k, "properties") && json_object_is_type(val, json_type_object))
                m->properties = val;
            else if (!strcmp(k, "items") && json_object_is_type(val, json_type_array))
                m->items = val;
            else if (!strcmp(k, "required") && json_object_is_type(val, json_type_object))
                m->required = val;
            else if (!strcmp(k, "_"))
                m->rest = dupmsg(c, val);
            else if (json_object_is_type(val, json_type_string)) {
                m->kw[m->nkw] = k;
                m->kw_msg[m->nkw] = dupmsg(c, val);
                if (!m->kw_msg[m->nkw])
                    return 0;
                m->nkw++;
            }
        }
    }
    return 1;
}

/* Makes sure the nodes the dynamic scope may jump to exist. */
static int compile_resource(cctx *c, cresource *r)
{
    size_t i;
    sinfo *ri;
    if (r->ready)
        return 1;
    r->ready = true;
    ri = hget(&c->uris, r->uri);
    if (ri && ri->res == r) {
        if (!(r->root = get_node(c, ri)))
            return 0;
    } else {
        /* a resource without a compiled root: mark with a sentinel */
        r->root = NULL;
    }
    for (i = 0; i < r->ndyn; i++) {
        struct json_object *o = (struct json_object *)(void *)r->dyn_nodes[i];
        sinfo *di = hget(&c->infos, o);
        if (!di || !(r->dyn_nodes[i] = get_node(c, di)))
            return di ? 0 : fail(c, CARDC_E_SCHEMA, "", "internal: dynamic anchor not indexed");
    }
    r->ndyn = i;
    return 1;
}

/* The keys and compiled subschemas of v, an object keyed by name: for
 * "properties" (deps 0, with each subschema's "default") or for
 * "dependencies"/"dependentSchemas" (deps 1: array members are
 * dependentRequired lists and are skipped; cnt counts the others). */
static int keyed_subschemas(cctx *c, sinfo *si, struct json_object *v, const char *kw, size_t cnt,
                            int deps, struct cprops *p)
{
    size_t k = 0;

    p->keys = calloc(cnt + 1, sizeof *p->keys);
    p->nodes = calloc(cnt + 1, sizeof *p->nodes);
    p->defaults = deps ? NULL : calloc(cnt + 1, sizeof *p->defaults);
    p->n = cnt;
    if (!p->keys || !p->nodes || (!deps && !p->defaults))
        return oom(c), 0;
    json_object_object_foreach(v, key, sub)
    {
        if (deps && json_object_is_type(sub, json_type_array))
            continue;
        p->keys[k].s = key;
        p->keys[k].len = strlen(key);
        if (!(p->nodes[k] = child(c, si, sub, kw, key, -1)))
            return 0;
        if (!deps && json_object_is_type(sub, json_type_object))
            json_object_object_get_ex(sub, "default", &p->defaults[k]);
        k++;
    }
    return 1;
}

/* ---- the keyword compiler ----
 *
 * Each keyword (or family of keywords sharing one shape, like the six
 * counts) has a handler that checks the keyword's value and emits its
 * instruction. Which keywords a subschema has, in which order they are
 * compiled, and which vocabulary each belongs to is data: one rule table
 * per dialect (below). Order matters: instructions run in table order, so
 * cheap assertions come first, then references and applicators, then
 * unevaluated*; annotation-only keywords follow (compile_annotations).
 * Adding a keyword = a handler + a row in each dialect that knows it. */

/* What a handler sees: the node being built and cross-keyword state. */
typedef struct kwctx {
    cctx *c;
    cnode *n;
    sinfo *si;
    struct json_object *o; /* the schema object */
    ibuf *b;
    unsigned voc;             /* vocabularies in force (V_ALL before 2019-09) */
    long props, pprops, addl; /* instruction index of "properties", ... or -1 */
    size_t prefix;            /* number of positional item schemas */
    bool items_array;         /* pre-2020 "items" was an array */
} kwctx;

typedef struct kwrule kwrule;

/* Returns KW_OK, KW_FAIL (error recorded) or KW_STOP (ignore the rest). */
typedef int (*kwfn)(kwctx *k, const kwrule *r, struct json_object *v);
enum { KW_FAIL = 0, KW_OK = 1, KW_STOP = 2 };

struct kwrule {
    const char *kw;
    unsigned vocab; /* the rule applies when one of these is in force; 0: always */
    kwfn fn;
    cop op;     /* for handlers shared by a family */
    bool null_; /* also called for a JSON null value ("const": null) */
};

/* Emits the rule's instruction into *in. */
static int kw_emit(kwctx *k, const kwrule *r, cop op, cinstr **in)
{
    *in = emit(k->c, k->n, k->b, op, r->kw);
    return *in != NULL;
}

static int kw_defs(kwctx *k, const kwrule *r, struct json_object *v)
{
    /* Definitions are compiled even when unreferenced, so their errors
     * (bad $ref, bad pattern) show up at compile time. */
    if (!json_object_is_type(v, json_type_object))
        return KW_OK;
    json_object_object_foreach(v, key, sub)
    {
        if ((json_object_is_type(sub, json_type_object) ||
             json_object_is_type(sub, json_type_boolean)) &&
            !child(k->c, k->si, sub, r->kw, key, -1))
            return KW_FAIL;
    }
    return KW_OK;
}

static int kw_ref(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!json_object_is_type(v, json_type_string))
        return bad(k->c, k->si, r->kw, "a string");
    if (!kw_emit(k, r, OP_REF, &in))
        return KW_FAIL;
    return ref_target(k->c, k->si, r->kw, json_object_get_string(v), &in->u.ref.node, NULL);
}

/* Before 2019-09, "$ref" siblings are ignored. */
static int kw_ref_alone(kwctx *k, const kwrule *r, struct json_object *v)
{
    return kw_ref(k, r, v) ? KW_STOP : KW_FAIL;
}

static int kw_dynamic_ref(kwctx *k, const kwrule *r, struct json_object *v)
{
    const char *ref, *h;
    struct json_object *w;
    sinfo *t = NULL;
    cinstr *in;
    if (!json_object_is_type(v, json_type_string))
        return KW_OK;
    ref = json_object_get_string(v);
    h = strchr(ref, '#');
    if (!kw_emit(k, r, OP_DYNAMIC_REF, &in) ||
        !ref_target(k->c, k->si, r->kw, ref, &in->u.ref.node, &t))
        return KW_FAIL;
    /* Dynamic only when the static target itself is a $dynamicAnchor of
     * that name. */
    if (h && h[1] && h[1] != '/' && (w = get(t->obj, "$dynamicAnchor")) &&
        json_object_is_type(w, json_type_string) && !strcmp(json_object_get_string(w), h + 1))
        in->u.ref.anchor = json_object_get_string(w);
    return KW_OK;
}

static int kw_recursive_ref(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!json_object_is_type(v, json_type_string))
        return KW_OK;
    return kw_emit(k, r, OP_RECURSIVE_REF, &in) &&
           ref_target(k->c, k->si, r->kw, json_object_get_string(v), &in->u.ref.node, NULL);
}

static int kw_type(kwctx *k, const kwrule *r, struct json_object *v)
{
    uint32_t bits = 0;
    cinstr *in;
    size_t i;
    if (json_object_is_type(v, json_type_string)) {
        if (!type_bits(json_object_get_string(v), &bits))
            return bad(k->c, k->si, r->kw, "a JSON type name");
    } else if (json_object_is_type(v, json_type_array)) {
        for (i = 0; i < json_object_array_length(v); i++) {
            struct json_object *w = json_object_array_get_idx(v, i);
            if (!json_object_is_type(w, json_type_string) ||
                !type_bits(json_object_get_string(w), &bits))
                return bad(k->c, k->si, r->kw, "a JSON type name or an array of them");
        }
    } else {
        return bad(k->c, k->si, r->kw, "a string or an array");
    }
    if (!kw_emit(k, r, OP_TYPE, &in))
        return KW_FAIL;
    in->u.types = bits;
    k->n->types = bits;
    return KW_OK;
}

/* const and enum: the keyword's value itself. */
static int kw_value(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (r->op == OP_ENUM && !json_object_is_type(v, json_type_array))
        return bad(k->c, k->si, r->kw, "an array");
    if (!kw_emit(k, r, r->op, &in))
        return KW_FAIL;
    in->u.value = v;
    return KW_OK;
}

static int kw_multiple_of(kwctx *k, const kwrule *r, struct json_object *v)
{
    char t[64];
    long double x;
    cinstr *in;
    if (!num_of(v, &x) || x <= 0)
        return bad(k->c, k->si, r->kw, "a number > 0");
    if (!kw_emit(k, r, OP_MULTIPLE_OF, &in))
        return KW_FAIL;
    in->u.num.v = x;
    in->u.num.json = v;
    cardc__num_text(v, t, sizeof t);
    switch (cardc__decimal_parse(t, &in->u.num.dec)) {
    case 1: break;
    case 0: in->u.num.dec.digits = NULL; break; /* long double arithmetic */
    default: oom(k->c); return KW_FAIL;
    }
    return KW_OK;
}

static int emit_bound(kwctx *k, const kwrule *r, cop op, struct json_object *v)
{
    long double x;
    cinstr *in;
    if (!num_of(v, &x))
        return bad(k->c, k->si, r->kw, "a number");
    if (!kw_emit(k, r, op, &in))
        return KW_FAIL;
    in->u.num.v = x;
    in->u.num.json = v;
    return KW_OK;
}

/* maximum, exclusiveMaximum, minimum, exclusiveMinimum (numeric). */
static int kw_bound(kwctx *k, const kwrule *r, struct json_object *v)
{
    return emit_bound(k, r, r->op, v);
}

/* Draft 4: "maximum"/"minimum" with a boolean "exclusive*" modifier; the
 * rule's op is the inclusive one, the exclusive op follows it. */
static int kw_bound_draft4(kwctx *k, const kwrule *r, struct json_object *v)
{
    const char *excl = r->op == OP_MAXIMUM ? "exclusiveMaximum" : "exclusiveMinimum";
    struct json_object *w = get(k->o, excl);
    bool x = w && json_object_is_type(w, json_type_boolean) && json_object_get_boolean(w);
    return emit_bound(k, r, x ? (cop)(r->op + 1) : r->op, v);
}

/* maxLength, minLength, maxItems, minItems, maxProperties, minProperties. */
static int kw_count(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    return kw_emit(k, r, r->op, &in) && count_of(k->c, k->si, r->kw, v, &in->u.count);
}

static int kw_pattern(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!json_object_is_type(v, json_type_string))
        return bad(k->c, k->si, r->kw, "a string");
    return kw_emit(k, r, OP_PATTERN, &in) &&
           (in->u.pattern.re = regex(k->c, k->si, r->kw, NULL, json_object_get_string(v)));
}

static int kw_format(kwctx *k, const kwrule *r, struct json_object *v)
{
    const cardc_schema_options *opts = k->c->opts;
    bool assert_ = (opts && (opts->flags & CARDC_SCHEMA_ASSERT_FORMAT)) ||
                   (k->si->dialect >= CARDC_DIALECT_2019_09 && (k->voc & V_FORMAT_ASSERT));
    cinstr *in;
    if (!json_object_is_type(v, json_type_string))
        return KW_OK;
    if (!kw_emit(k, r, OP_FORMAT, &in))
        return KW_FAIL;
    in->u.format.kind = cardc_format_lookup(json_object_get_string(v));
    in->u.format.name = v;
    in->u.format.assert_ = assert_ && in->u.format.kind != CARDC_FORMAT_UNKNOWN;
    return KW_OK;
}

static int kw_unique_items(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    return !json_object_get_boolean(v) || kw_emit(k, r, OP_UNIQUE_ITEMS, &in);
}

/* Draft 4 requires an array; later drafts ignore other values. */
static int kw_required_draft4(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    return kw_emit(k, r, OP_REQUIRED, &in) &&
           keys_of(k->c, k->si, r->kw, v, &in->u.req.keys, &in->u.req.n);
}

static int kw_required(kwctx *k, const kwrule *r, struct json_object *v)
{
    return !json_object_is_type(v, json_type_array) || kw_required_draft4(k, r, v);
}

/* dependentRequired, and the array members of "dependencies" (kept in later
 * drafts for compatibility, as most validators do). */
static int kw_dependent_required(kwctx *k, const kwrule *r, struct json_object *v)
{
    size_t cnt = 0, i = 0;
    cinstr *in;
    if (!json_object_is_type(v, json_type_object))
        return KW_OK;
    json_object_object_foreach(v, key, dep)
    {
        (void)key;
        if (json_object_is_type(dep, json_type_array))
            cnt++;
    }
    if (!cnt)
        return KW_OK;
    if (!kw_emit(k, r, OP_DEP_REQUIRED, &in))
        return KW_FAIL;
    in->u.depreq.keys = calloc(cnt, sizeof *in->u.depreq.keys);
    in->u.depreq.nlist = calloc(cnt, sizeof *in->u.depreq.nlist);
    in->u.depreq.lists = calloc(cnt, sizeof *in->u.depreq.lists);
    in->u.depreq.n = cnt;
    if (!in->u.depreq.keys || !in->u.depreq.nlist || !in->u.depreq.lists)
        return oom(k->c);
    {
        json_object_object_foreach(v, key2, dep2)
        {
            if (!json_object_is_type(dep2, json_type_array))
                continue;
            in->u.depreq.keys[i].s = key2;
            in->u.depreq.keys[i].len = strlen(key2);
            if (!keys_of(k->c, k->si, r->kw, dep2, &in->u.depreq.lists[i], &in->u.depreq.nlist[i]))
                return KW_FAIL;
            i++;
        }
    }
    return KW_OK;
}

/* dependentSchemas, and the schema members of "dependencies". */
static int kw_dependent_schemas(kwctx *k, const kwrule *r, struct json_object *v)
{
    size_t cnt = 0;
    cinstr *in;
    if (!json_object_is_type(v, json_type_object))
        return KW_OK;
    json_object_object_foreach(v, key, dep)
    {
        (void)key;
        if (!json_object_is_type(dep, json_type_array))
            cnt++;
    }
    if (!cnt)
        return KW_OK;
    return kw_emit(k, r, OP_DEP_SCHEMAS, &in) &&
           keyed_subschemas(k->c, k->si, v, r->kw, cnt, 1, &in->u.props);
}

/* allOf, anyOf, oneOf. */
static int kw_schema_list(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!kw_emit(k, r, r->op, &in) ||
        !list_of(k->c, k->si, r->kw, v, &in->u.list.n, &in->u.list.nodes))
        return KW_FAIL;
    if (in->u.list.n == 0)
        return bad(k->c, k->si, r->kw, "a non-empty array");
    return KW_OK;
}

/* not, propertyNames, unevaluatedItems, unevaluatedProperties: one subschema. */
static int kw_subschema(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!kw_emit(k, r, r->op, &in) || !(in->u.node = child(k->c, k->si, v, r->kw, NULL, -1)))
        return KW_FAIL;
    if (r->op == OP_UNEVAL_ITEMS || r->op == OP_UNEVAL_PROPS)
        k->c->s->track = true;
    return KW_OK;
}

/* "if" with its "then" and "else". */
static int kw_if(kwctx *k, const kwrule *r, struct json_object *v)
{
    struct json_object *w;
    cinstr *in;
    if (!kw_emit(k, r, OP_IF, &in) || !(in->u.cond.if_ = child(k->c, k->si, v, r->kw, NULL, -1)))
        return KW_FAIL;
    if ((w = get(k->o, "then")) && !(in->u.cond.then_ = child(k->c, k->si, w, "then", NULL, -1)))
        return KW_FAIL;
    if ((w = get(k->o, "else")) && !(in->u.cond.else_ = child(k->c, k->si, w, "else", NULL, -1)))
        return KW_FAIL;
    return KW_OK;
}

static int kw_properties(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!json_object_is_type(v, json_type_object))
        return bad(k->c, k->si, r->kw, "an object");
    k->props = (long)k->b->n;
    return kw_emit(k, r, OP_PROPERTIES, &in) &&
           keyed_subschemas(k->c, k->si, v, r->kw, (size_t)json_object_object_length(v), 0,
                            &in->u.props);
}

static int kw_pattern_properties(kwctx *k, const kwrule *r, struct json_object *v)
{
    size_t cnt, i = 0;
    cinstr *in;
    if (!json_object_is_type(v, json_type_object))
        return bad(k->c, k->si, r->kw, "an object");
    k->pprops = (long)k->b->n;
    if (!kw_emit(k, r, OP_PATTERN_PROPS, &in))
        return KW_FAIL;
    cnt = (size_t)json_object_object_length(v);
    in->u.pprops.res = calloc(cnt + 1, sizeof *in->u.pprops.res);
    in->u.pprops.nodes = calloc(cnt + 1, sizeof *in->u.pprops.nodes);
    in->u.pprops.n = cnt;
    if (!in->u.pprops.res || !in->u.pprops.nodes)
        return oom(k->c);
    json_object_object_foreach(v, key, sub)
    {
        if (!(in->u.pprops.res[i] = regex(k->c, k->si, r->kw, key, key)) ||
            !(in->u.pprops.nodes[i] = child(k->c, k->si, sub, r->kw, key, -1)))
            return KW_FAIL;
        i++;
    }
    return KW_OK;
}

/* Linked to its sibling properties/patternProperties when the node is done. */
static int kw_additional_properties(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    k->addl = (long)k->b->n;
    return kw_emit(k, r, OP_ADDITIONAL_PROPS, &in) &&
           (in->u.addl.node = child(k->c, k->si, v, r->kw, NULL, -1));
}

/* prefixItems (2020-12) and the array form of "items" (before). */
static int kw_prefix_items(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!kw_emit(k, r, OP_PREFIX_ITEMS, &in) ||
        !list_of(k->c, k->si, r->kw, v, &in->u.list.n, &in->u.list.nodes))
        return KW_FAIL;
    k->prefix = in->u.list.n;
    return KW_OK;
}

/* 2020-12 "items", and "additionalItems": the items after the prefix. */
static int kw_items_rest(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!kw_emit(k, r, OP_ITEMS, &in))
        return KW_FAIL;
    in->u.items.start = k->prefix;
    return (in->u.items.node = child(k->c, k->si, v, r->kw, NULL, -1)) != NULL;
}

/* Before 2020-12: "items" is one schema for all items or a prefix list. */
static int kw_items_legacy(kwctx *k, const kwrule *r, struct json_object *v)
{
    if (json_object_is_type(v, json_type_array)) {
        k->items_array = true;
        return kw_prefix_items(k, r, v);
    }
    return kw_items_rest(k, r, v);
}

static int kw_additional_items(kwctx *k, const kwrule *r, struct json_object *v)
{
    return !k->items_array || kw_items_rest(k, r, v);
}

static int kw_contains(kwctx *k, const kwrule *r, struct json_object *v)
{
    cinstr *in;
    if (!kw_emit(k, r, OP_CONTAINS, &in) ||
        !(in->u.contains.node = child(k->c, k->si, v, r->kw, NULL, -1)))
        return KW_FAIL;
    in->u.contains.min = 1;
    return KW_OK;
}

/* 2019-09+: "contains" bounded by the validation vocabulary's
 * minContains/maxContains. */
static int kw_contains_bounded(kwctx *k, const kwrule *r, struct json_object *v)
{
    struct json_object *w;
    cinstr *in;
    if (!kw_contains(k, r, v))
        return KW_FAIL;
    if (!(k->voc & V_VALIDATION))
        return KW_OK;
    in = &k->b->v[k->b->n - 1];
    if ((w = get(k->o, "minContains")) &&
        !count_of(k->c, k->si, "minContains", w, &in->u.contains.min))
        return KW_FAIL;
    if ((w = get(k->o, "maxContains"))) {
        if (!count_of(k->c, k->si, "maxContains", w, &in->u.contains.max))
            return KW_FAIL;
        in->u.contains.has_max = true;
    }
    return KW_OK;
}

/* ---- the dialects' keyword tables (compile order) ---- */

#define A   V_APPLICATOR
#define VAL V_VALIDATION
#define DEFS_RULES                                      \
    {"$defs", 0, kw_defs, OP_ANNOTATION, false},        \
    {                                                   \
        "definitions", 0, kw_defs, OP_ANNOTATION, false \
    }
#define COUNT_RULES                                            \
    {"maxLength", VAL, kw_count, OP_MAX_LENGTH, false},        \
        {"minLength", VAL, kw_count, OP_MIN_LENGTH, false},    \
        {"maxItems", VAL, kw_count, OP_MAX_ITEMS, false},      \
        {"minItems", VAL, kw_count, OP_MIN_ITEMS, false},      \
        {"maxProperties", VAL, kw_count, OP_MAX_PROPS, false}, \
    {                                                          \
        "minProperties", VAL, kw_count, OP_MIN_PROPS, false    \
    }
#define BOUND_RULES                                                  \
    {"maximum", VAL, kw_bound, OP_MAXIMUM, false},                   \
        {"exclusiveMaximum", VAL, kw_bound, OP_EXCL_MAXIMUM, false}, \
        {"minimum", VAL, kw_bound, OP_MINIMUM, false},               \
    {                                                                \
        "exclusiveMinimum", VAL, kw_bound, OP_EXCL_MINIMUM, false    \
    }
#define LIST_RULES                                      \
    {"allOf", A, kw_schema_list, OP_ALL_OF, false},     \
        {"anyOf", A, kw_schema_list, OP_ANY_OF, false}, \
    {                                                   \
        "oneOf", A, kw_schema_list, OP_ONE_OF, false    \
    }
#define PROPERTY_RULES                                                                  \
    {"properties", A, kw_properties, OP_PROPERTIES, false},                             \
        {"patternProperties", A, kw_pattern_properties, OP_PATTERN_PROPS, false},       \
    {                                                                                   \
        "additionalProperties", A, kw_additional_properties, OP_ADDITIONAL_PROPS, false \
    }
#define UNEVALUATED_RULES                                                                \
    {"unevaluatedItems", V_UNEVALUATED | A, kw_subschema, OP_UNEVAL_ITEMS, false},       \
    {                                                                                    \
        "unevaluatedProperties", V_UNEVALUATED | A, kw_subschema, OP_UNEVAL_PROPS, false \
    }

/* The assertions draft-06 through 2020-12 share, in order. */
#define ASSERTION_RULES                                                                       \
    {"type", VAL, kw_type, OP_TYPE, false}, {"const", VAL, kw_value, OP_CONST, true},         \
        {"enum", VAL, kw_value, OP_ENUM, false},                                              \
        {"multipleOf", VAL, kw_multiple_of, OP_MULTIPLE_OF, false}, BOUND_RULES, COUNT_RULES, \
        {"pattern", VAL, kw_pattern, OP_PATTERN, false},                                      \
        {"format", 0, kw_format, OP_FORMAT, false},                                           \
        {"uniqueItems", VAL, kw_unique_items, OP_UNIQUE_ITEMS, false},                        \
        {"required", VAL, kw_required, OP_REQUIRED, false},                                   \
    {                                                                                         \
        "dependencies", VAL, kw_dependent_required, OP_DEP_REQUIRED, false                    \
    }
#define LEGACY_ITEMS_RULES                                         \
    {"items", A, kw_items_legacy, OP_ITEMS, false},                \
    {                                                              \
        "additionalItems", A, kw_additional_items, OP_ITEMS, false \
    }

static const kwrule draft4_rules[] = {
    DEFS_RULES,
    {"$ref", 0, kw_ref_alone, OP_REF, false},
    {"type", VAL, kw_type, OP_TYPE, false},
    {"enum", VAL, kw_value, OP_ENUM, false},
    {"multipleOf", VAL, kw_multiple_of, OP_MULTIPLE_OF, false},
    {"maximum", VAL, kw_bound_draft4, OP_MAXIMUM, false},
    {"minimum", VAL, kw_bound_draft4, OP_MINIMUM, false},
    COUNT_RULES,
    {"pattern", VAL, kw_pattern, OP_PATTERN, false},
    {"format", 0, kw_format, OP_FORMAT, false},
    {"uniqueItems", VAL, kw_unique_items, OP_UNIQUE_ITEMS, false},
    {"required", VAL, kw_required_draft4, OP_REQUIRED, false},
    {"dependencies", VAL, kw_dependent_required, OP_DEP_REQUIRED, false},
    LIST_RULES,
    {"not", A, kw_subschema, OP_NOT, false},
    {"dependencies", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    PROPERTY_RULES,
    LEGACY_ITEMS_RULES,
};

static const kwrule draft6_rules[] = {
    DEFS_RULES,
    {"$ref", 0, kw_ref_alone, OP_REF, false},
    ASSERTION_RULES,
    LIST_RULES,
    {"not", A, kw_subschema, OP_NOT, false},
    {"dependencies", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    PROPERTY_RULES,
    {"propertyNames", A, kw_subschema, OP_PROPERTY_NAMES, false},
    LEGACY_ITEMS_RULES,
    {"contains", A, kw_contains, OP_CONTAINS, false},
};

static const kwrule draft7_rules[] = {
    DEFS_RULES,
    {"$ref", 0, kw_ref_alone, OP_REF, false},
    ASSERTION_RULES,
    LIST_RULES,
    {"not", A, kw_subschema, OP_NOT, false},
    {"if", A, kw_if, OP_IF, false},
    {"dependencies", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    PROPERTY_RULES,
    {"propertyNames", A, kw_subschema, OP_PROPERTY_NAMES, false},
    LEGACY_ITEMS_RULES,
    {"contains", A, kw_contains, OP_CONTAINS, false},
};

static const kwrule draft2019_rules[] = {
    DEFS_RULES,
    ASSERTION_RULES,
    {"dependentRequired", VAL, kw_dependent_required, OP_DEP_REQUIRED, false},
    {"$ref", 0, kw_ref, OP_REF, false},
    {"$recursiveRef", 0, kw_recursive_ref, OP_RECURSIVE_REF, false},
    LIST_RULES,
    {"not", A, kw_subschema, OP_NOT, false},
    {"if", A, kw_if, OP_IF, false},
    {"dependencies", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    {"dependentSchemas", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    PROPERTY_RULES,
    {"propertyNames", A, kw_subschema, OP_PROPERTY_NAMES, false},
    LEGACY_ITEMS_RULES,
    {"contains", A, kw_contains_bounded, OP_CONTAINS, false},
    UNEVALUATED_RULES,
};

static const kwrule draft2020_rules[] = {
    DEFS_RULES,
    ASSERTION_RULES,
    {"dependentRequired", VAL, kw_dependent_required, OP_DEP_REQUIRED, false},
    {"$ref", 0, kw_ref, OP_REF, false},
    {"$dynamicRef", 0, kw_dynamic_ref, OP_DYNAMIC_REF, false},
    LIST_RULES,
    {"not", A, kw_subschema, OP_NOT, false},
    {"if", A, kw_if, OP_IF, false},
    {"dependencies", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    {"dependentSchemas", A, kw_dependent_schemas, OP_DEP_SCHEMAS, false},
    PROPERTY_RULES,
    {"propertyNames", A, kw_subschema, OP_PROPERTY_NAMES, false},
    {"prefixItems", A, kw_prefix_items, OP_PREFIX_ITEMS, false},
    {"items", A, kw_items_rest, OP_ITEMS, false},
    {"contains", A, kw_contains_bounded, OP_CONTAINS, false},
    UNEVALUATED_RULES,
};

#undef A
#undef VAL
#undef DEFS_RULES
#undef COUNT_RULES
#undef BOUND_RULES
#undef LIST_RULES
#undef PROPERTY_RULES
#undef UNEVALUATED_RULES
#undef ASSERTION_RULES
#undef LEGACY_ITEMS_RULES

/* Indexed by cardc_dialect (AUTO is resolved before compiling). */
static const struct {
    const kwrule *rules;
    size_t n;
} dialect_rules[] = {
#define RULES(t)                  \
    {                             \
        t, sizeof t / sizeof t[0] \
    }
    [CARDC_DIALECT_AUTO] = RULES(draft7_rules),
    [CARDC_DIALECT_DRAFT4] = RULES(draft4_rules),
    [CARDC_DIALECT_DRAFT6] = RULES(draft6_rules),
    [CARDC_DIALECT_DRAFT7] = RULES(draft7_rules),
    [CARDC_DIALECT_2019_09] = RULES(draft2019_rules),
    [CARDC_DIALECT_2020_12] = RULES(draft2020_rules),
#undef RULES
};

static int compile_keywords(kwctx *k)
{
    uint8_t d = k->si->dialect;
    size_t i, n = d < sizeof dialect_rules / sizeof dialect_rules[0] ? dialect_rules[d].n : 0;
    for (i = 0; i < n; i++) {
        const kwrule *r = &dialect_rules[d].rules[i];
        struct json_object *v;
        int rc;
        if ((r->vocab && !(k->voc & r->vocab)) || !json_object_object_get_ex(k->o, r->kw, &v) ||
            (!v && !r->null_))
            continue;
        if ((rc = r->fn(k, r, v)) != KW_OK)
            return rc == KW_STOP;
    }
    return 1;
}

/* Annotation-only keywords go after the assertions (n->n_core). */
static int compile_annotations(kwctx *k)
{
    static const char *const ann_kws[] = {
        "title",      "description", "default",          "readOnly",        "writeOnly",
        "deprecated", "examples",    "contentMediaType", "contentEncoding", "contentSchema"};
    size_t i;
    if (k->si->dialect <= CARDC_DIALECT_DRAFT7 && has(k->o, "$ref"))
        return 1;
    for (i = 0; i < sizeof ann_kws / sizeof ann_kws[0]; i++) {
        struct json_object *v;
        cinstr *in;
        if (!json_object_object_get_ex(k->o, ann_kws[i], &v))
            continue;
        if (!(in = emit(k->c, k->n, k->b, OP_ANNOTATION, ann_kws[i])))
            return 0;
        in->u.value = v;
    }
    return 1;
}

/* Moves the instructions into the node and derives its fast paths. */
static int finish_node(kwctx *k)
{
    cnode *n = k->n;
    size_t i;
    n->ins = calloc(k->b->n ? k->b->n : 1, sizeof *n->ins);
    if (!n->ins)
        return oom(k->c);
    memcpy(n->ins, k->b->v, k->b->n * sizeof *n->ins);
    n->n = k->b->n;
    k->b->n = 0;
    if (!n->errmsg) {
        uint32_t q = 0xffffffffu;
        for (i = 0; i < n->n_core; i++) {
            if (n->ins[i].op == OP_TYPE)
                q &= n->ins[i].u.types;
            else if (!(n->ins[i].op == OP_FORMAT && !n->ins[i].u.format.assert_))
                break;
        }
        /* "integer" passes doubles with a zero fraction too; the check
         * compares instance type bits, which include T_INTEGER. */
        if (i == n->n_core && q)
            n->quick = q;
    }
    if (k->addl >= 0) {
        n->ins[k->addl].u.addl.props = k->props >= 0 ? &n->ins[k->props] : NULL;
        n->ins[k->addl].u.addl.pprops = k->pprops >= 0 ? &n->ins[k->pprops] : NULL;
    }
    return 1;
}

static int compile_node(cctx *c, cnode *n, sinfo *si)
{
    struct json_object *o = si->obj, *v;
    kwctx k;
    size_t i;
    int ok;

    if (json_object_is_type(o, json_type_boolean)) {
        n->kind = json_object_get_boolean(o) ? NODE_TRUE : NODE_FALSE;
        if (n->kind == NODE_TRUE)
            n->quick = 0xffffffffu;
        return 1;
    }
    if (!json_object_is_type(o, json_type_object)) {
        char *at = doc_ptr(c, si);
        fail(c, CARDC_E_SCHEMA, at ? at : si->ptr, "a schema must be an object or a boolean");
        free(at);
        return 0;
    }
    n->kind = NODE_SCHEMA;
    if (!compile_resource(c, si->res))
        return 0;
    memset(&k, 0, sizeof k);
    k.c = c;
    k.n = n;
    k.si = si;
    k.o = o;
    k.voc = si->dialect >= CARDC_DIALECT_2019_09 ? si->vocab : V_ALL;
    k.props = k.pprops = k.addl = -1;
    if (!(k.b = malloc(sizeof *k.b)))
        return oom(c);
    k.b->n = 0;
    ok = compile_keywords(&k);
    if (ok)
        n->n_core = k.b->n;
    ok = ok && compile_annotations(&k);
    ok = ok && (!(v = get(o, "errorMessage")) || compile_errmsg(c, n, si, v));
    ok = ok && finish_node(&k);
    if (!ok) {
        /* Instructions built so far are freed with the schema: park them. */
        n->ins = calloc(k.b->n ? k.b->n : 1, sizeof *n->ins);
        if (n->ins) {
            memcpy(n->ins, k.b->v, k.b->n * sizeof *n->ins);
            n->n = k.b->n;
        } else {
            for (i = 0; i < k.b->n; i++)
                free(k.b->v[i].abs);
        }
    }
    free(k.b);
    return ok;
}

static void free_instr(cinstr *in)
{
    size_t k;
    free(in->abs);
    switch (in->op) {
    case OP_MULTIPLE_OF: free(in->u.num.dec.digits); break;
    case OP_REQUIRED: free(in->u.req.keys); break;
    case OP_DEP_REQUIRED:
        if (in->u.depreq.lists)
            for (k = 0; k < in->u.depreq.n; k++)
                free(in->u.depreq.lists[k]);
        free(in->u.depreq.keys);
        free(in->u.depreq.nlist);
        free(in->u.depreq.lists);
        break;
    case OP_PROPERTIES:
    case OP_DEP_SCHEMAS:
        free(in->u.props.keys);
        free(in->u.props.nodes);
        free(in->u.props.defaults);
        break;
    case OP_PATTERN_PROPS:
        free(in->u.pprops.res);
        free(in->u.pprops.nodes);
        break;
    case OP_ALL_OF:
    case OP_ANY_OF:
    case OP_ONE_OF:
    case OP_PREFIX_ITEMS: free(in->u.list.nodes); break;
    default: break;
    }
}

void cardc_schema_free(cardc_schema *s)
{
    size_t i;
    if (!s)
        return;
    while (s->nodes) {
        cnode *n = s->nodes;
        s->nodes = n->next_alloc;
        for (i = 0; i < n->n; i++)
            free_instr(&n->ins[i]);
        free(n->ins);
        free(n->abs);
        if (n->errmsg) {
            free(n->errmsg->kw);
            free(n->errmsg->kw_msg);
            free(n->errmsg);
        }
        free(n);
    }
    while (s->resources) {
        cresource *r = s->resources;
        s->resources = r->next;
        for (i = 0; i < r->ndyn; i++)
            free(r->dyn_names[i]);
        free(r->dyn_names);
        free(r->dyn_nodes);
        free(r->uri);
        free(r);
    }
    for (i = 0; i < s->nregexes; i++)
        cardc_regex_free(s->regexes[i]);
    free(s->regexes);
    for (i = 0; i < s->nstrs; i++)
        free(s->strs[i]);
    free(s->strs);
    for (i = 0; i < s->ndocs; i++) {
        json_object_put(s->docs[i]);
        free(s->doc_uris[i]);
    }
    free(s->docs);
    free(s->doc_uris);
    free(s->doc_builtin);
    free(s);
}

static void cctx_free(cctx *c)
{
    size_t i;
    for (i = 0; i < c->nall; i++) {
        free(c->all[i]->base);
        free(c->all[i]->ptr);
        free(c->all[i]);
    }
    free(c->all);
    hfree(&c->infos);
    hfree(&c->uris);
    hfree(&c->nodes);
    free(c->queue);
}

/* Whether json-c's private layout starts with the type (true for every
 * json-c release so far). Checked on real objects of every type rather than
 * assumed, so another layout only costs speed. Why bypass the library: the
 * type of every array element is read in the hot loops, and the call through
 * json_object_get_type() made image-1mb (1,048,576 numbers) take 4.7 ms
 * instead of 3.5 ms (bench/bench_validate, fast mode, 2026-11-26). */
static bool probe_type_layout(void)
{
    struct json_object *v[6];
    static const enum json_type types[6] = {json_type_boolean, json_type_double, json_type_int,
                                            json_type_object,  json_type_array,  json_type_string};
    bool ok = true;
    size_t i;
    v[0] = json_object_new_boolean(1);
    v[1] = json_object_new_double(0.5);
    v[2] = json_object_new_int64(7);
    v[3] = json_object_new_object();
    v[4] = json_object_new_array();
    v[5] = json_object_new_string("x");
    for (i = 0; i < 6; i++) {
        enum json_type t;
        if (!v[i]) {
            ok = false;
            continue;
        }
        memcpy(&t, (const void *)v[i], sizeof t);
        if (t != types[i] || json_object_get_type(v[i]) != types[i])
            ok = false;
    }
    for (i = 0; i < 6; i++)
        json_object_put(v[i]);
    return ok;
}

static cardc_status schema_compile_body(const struct json_object *schema,
                                        const cardc_schema_options *opts, cardc_schema **out,
                                        cardc_error *err)
{
    cctx c;
    cardc_schema *s;
    sinfo *ri;
    char *base;
    size_t qi = 0;
    uint8_t d;

    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_schema_compile: out is NULL");
    *out = NULL;
    if (!json_object_is_type((struct json_object *)(uintptr_t)schema, json_type_object) &&
        !json_object_is_type((struct json_object *)(uintptr_t)schema, json_type_boolean)) {
        cardc__error(err, CARDC_E_SCHEMA, "a schema must be an object or a boolean");
        return CARDC_E_SCHEMA;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    memset(&c, 0, sizeof c);
    c.s = s;
    c.opts = opts;
    c.err = err;
    c.uris.str = 1;
    d = (uint8_t)((opts && opts->dialect != CARDC_DIALECT_AUTO) ? opts->dialect
                                                                : CARDC_DIALECT_DRAFT7);
    base = cardc__uri_resolve("", (opts && opts->base_uri) ? opts->base_uri : "");
    if (!base) {
        oom(&c);
        goto fail;
    }
    base[cardc__uri_fragment_pos(base)] = '\0';
    ri = index_doc(&c, (struct json_object *)(uintptr_t)schema, base, d, false);
    free(base);
    if (!ri)
        goto fail;
    s->dialect = (cardc_dialect)ri->dialect;
    if (!(s->root = get_node(&c, ri)))
        goto fail;
    for (qi = 0; qi < c.nq; qi++) {
        cnode *n = c.queue[qi];
        sinfo *si = (sinfo *)(void *)n->ins;
        n->ins = NULL;
        if (!compile_node(&c, n, si))
            goto fail;
    }
    /* A failure some caller went past (a resource found before indexing it
     * ran out of memory) still fails the compile. */
    if (c.st != CARDC_OK)
        goto fail;
    s->peek_type = probe_type_layout();
    s->strs = c.strs;
    s->nstrs = c.nstrs;
    c.strs = NULL;
    cctx_free(&c);
    *out = s;
    return CARDC_OK;
fail:
    for (qi = qi + 1; qi < c.nq; qi++)
        c.queue[qi]->ins = NULL;
    s->strs = c.strs;
    s->nstrs = c.nstrs;
    cctx_free(&c);
    cardc_schema_free(s);
    if (c.st == CARDC_OK)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    return c.st;
}

cardc_status cardc_schema_compile(const struct json_object *schema,
                                  const cardc_schema_options *opts, cardc_schema **out,
                                  cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, schema_compile_body(schema, opts, out, err));
}

size_t cardc_schema_document_count(const cardc_schema *schema)
{
    return schema ? schema->ndocs : 0;
}

const char *cardc_schema_document(const cardc_schema *schema, size_t index,
                                  const struct json_object **document, bool *builtin)
{
    if (!schema || index >= schema->ndocs)
        return NULL;
    if (document)
        *document = schema->docs[index];
    if (builtin)
        *builtin = schema->doc_builtin[index];
    return schema->doc_uris[index];
}
