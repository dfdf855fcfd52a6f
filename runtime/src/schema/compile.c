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
    } t[] = {{"draft4", CARDC_DIALECT_DRAFT4},     {"draft-04", CARDC_DIALECT_DRAFT4},
             {"draft6", CARDC_DIALECT_DRAFT6},     {"draft-06", CARDC_DIALECT_DRAFT6},
             {"draft7", CARDC_DIALECT_DRAFT7},     {"draft-07", CARDC_DIALECT_DRAFT7},
             {"2019-09", CARDC_DIALECT_2019_09},   {"draft2019-09", CARDC_DIALECT_2019_09},
             {"2020-12", CARDC_DIALECT_2020_12},   {"draft2020-12", CARDC_DIALECT_2020_12}};
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
    json_object_object_foreach(v, k, val) {
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
    static const char *const single[] = {"additionalItems", "additionalProperties", "contains",
                                         "not", "if", "then", "else", "propertyNames",
                                         "unevaluatedItems", "unevaluatedProperties",
                                         "contentSchema", "items"};
    static const char *const arrays[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};
    static const char *const maps[] = {"properties", "patternProperties", "$defs", "definitions",
                                       "dependentSchemas", "dependencies"};
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
            int ok = q && index_schema(c, json_object_array_get_idx(v, i), base, q, d, vocab,
                                       res, depth + 1);
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
            json_object_object_foreach(v, key, val) {
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
    /* "$schema" switches the dialect of this resource. */
    v = get(obj, "$schema");
    if (v && json_object_is_type(v, json_type_string)) {
        const char *su = json_object_get_string(v);
        cardc_dialect nd = dialect_from_uri(su);
        if (nd != CARDC_DIALECT_AUTO) {
            d = (uint8_t)nd;
            vocab = V_ALL;
        } else {
            char *abs = cardc__uri_resolve(base, su);
            sinfo *meta;
            if (!abs)
                return oom(c);
            abs[cardc__uri_fragment_pos(abs)] = '\0';
            meta = strcmp(abs, base) ? find_resource(c, abs, d) : NULL;
            free(abs);
            if (c->st)
                return 0;
            if (meta) {
                d = meta->dialect;
                vocab = vocab_of(meta->obj);
            }
        }
    }
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
    if (d >= CARDC_DIALECT_2019_09) {
        v = get(obj, "$anchor");
        if (v && json_object_is_type(v, json_type_string)) {
            char *h = cat3("#", json_object_get_string(v), "");
            char *a = h ? cardc__uri_resolve(info->base, h) : NULL;
            free(h);
            if (!put_uri(c, a, info))
                goto fail;
        }
        v = get(obj, "$dynamicAnchor");
        if (d >= CARDC_DIALECT_2020_12 && v && json_object_is_type(v, json_type_string)) {
            char *h = cat3("#", json_object_get_string(v), "");
            char *a = h ? cardc__uri_resolve(info->base, h) : NULL;
            char **nn;
            cnode **nd;
            free(h);
            if (!put_uri(c, a, info))
                goto fail;
            nn = realloc(res->dyn_names, (res->ndyn + 1) * sizeof *nn);
            if (nn)
                res->dyn_names = nn;
            nd = realloc(res->dyn_nodes, (res->ndyn + 1) * sizeof *nd);
            if (nd)
                res->dyn_nodes = nd;
            if (!nn || !nd || !(res->dyn_names[res->ndyn] = xstrdup(json_object_get_string(v)))) {
                oom(c);
                goto fail;
            }
            /* The node is filled in when the resource is compiled; keep the
             * schema object meanwhile. */
            res->dyn_nodes[res->ndyn] = (cnode *)(void *)obj;
            res->ndyn++;
        }
        v = get(obj, "$recursiveAnchor");
        if (d == CARDC_DIALECT_2019_09 && p[0] == '\0' && v && json_object_get_boolean(v))
            res->recursive_anchor = true;
    }
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
                return fail(c, CARDC_E_SCHEMA, "", "built-in meta-schema %s is corrupt", uri),
                       NULL;
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
        for (tok = dec + 1;; ) {
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
        return 0;
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
    case json_type_null:
        return 1;
    case json_type_boolean:
        return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string:
        return json_object_get_string_len(a) == json_object_get_string_len(b) &&
               !memcmp(json_object_get_string(a), json_object_get_string(b),
                       (size_t)json_object_get_string_len(a));
    case json_type_array: {
        size_t n = json_object_array_length(a), i;
        if (n != json_object_array_length(b))
            return 0;
        for (i = 0; i < n; i++)
            if (!cardc__json_equal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
                return 0;
        return 1;
    }
    case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b))
            return 0;
        {
            json_object_object_foreach(a, k, va) {
                struct json_object *vb;
                if (!json_object_object_get_ex(b, k, &vb) || !cardc__json_equal(va, vb))
                    return 0;
            }
        }
        return 1;
    }
    default:
        return 0;
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
            fail(c, CARDC_E_SCHEMA, q, "a schema must be an object or a boolean");
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

static char *kwptr(sinfo *si, const char *kw)
{
    return ptr_add(si->ptr, kw);
}

static int bad(cctx *c, sinfo *si, const char *kw, const char *what)
{
    char *p = kwptr(si, kw);
    fail(c, CARDC_E_SCHEMA, p ? p : "", "\"%s\" must be %s", kw, what);
    free(p);
    return 0;
}

static int type_bits(const char *t, uint32_t *bits)
{
    static const struct {
        const char *n;
        uint32_t b;
    } tt[] = {{"null", T_NULL},     {"boolean", T_BOOLEAN}, {"object", T_OBJECT},
              {"array", T_ARRAY},   {"number", T_NUMBER},   {"string", T_STRING},
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
    uint32_t ml = c->opts ? c->opts->regex_match_limit : 0;
    uint32_t dl = c->opts ? c->opts->regex_depth_limit : 0;

    re = cardc_regex_compile(pat, strlen(pat), ml, dl, eb, sizeof eb);
    if (!re) {
        char *p = kwptr(si, kw), *q = (p && key) ? ptr_add(p, key) : NULL;
        fail(c, CARDC_E_REGEX, q ? q : p ? p : "", "invalid regular expression \"%s\": %s", pat, eb);
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
            char *p = kwptr(si, kw);
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
        json_object_object_foreach(v, k, val) {
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
    json_object_object_foreach(v, key, sub) {
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

static int compile_node(cctx *c, cnode *n, sinfo *si)
{
    struct json_object *o = si->obj, *v, *w;
    uint8_t d = si->dialect;
    unsigned voc = d >= CARDC_DIALECT_2019_09 ? si->vocab : V_ALL;
    int app = (voc & V_APPLICATOR) != 0, val = (voc & V_VALIDATION) != 0;
    ibuf *b;
    cinstr *in;
    long pi = -1, ppi = -1, ai = -1;
    size_t i, prefix = 0;
    bool items_array = false;
    static const char *const ann_kws[] = {"title", "description", "default", "readOnly",
                                          "writeOnly", "deprecated", "examples",
                                          "contentMediaType", "contentEncoding", "contentSchema"};

    if (json_object_is_type(o, json_type_boolean)) {
        n->kind = json_object_get_boolean(o) ? NODE_TRUE : NODE_FALSE;
        if (n->kind == NODE_TRUE)
            n->quick = 0xffffffffu;
        return 1;
    }
    if (!json_object_is_type(o, json_type_object))
        return fail(c, CARDC_E_SCHEMA, si->ptr, "a schema must be an object or a boolean");
    n->kind = NODE_SCHEMA;
    if (!compile_resource(c, si->res))
        return 0;
    b = malloc(sizeof *b);
    if (!b)
        return oom(c);
    b->n = 0;

#define KW(name) ((v = get(o, name)) != NULL)
#define EMIT(op, name)                          \
    do {                                        \
        if (!(in = emit(c, n, b, op, name)))    \
            goto out;                           \
    } while (0)

    /* Definitions are compiled even when unreferenced, so their errors
     * (bad $ref, bad pattern) show up at compile time. */
    {
        static const char *const defs[] = {"$defs", "definitions"};
        size_t k;
        for (k = 0; k < 2; k++) {
            if (!KW(defs[k]) || !json_object_is_type(v, json_type_object))
                continue;
            {
                json_object_object_foreach(v, key, sub) {
                    if ((json_object_is_type(sub, json_type_object) ||
                         json_object_is_type(sub, json_type_boolean)) &&
                        !child(c, si, sub, defs[k], key, -1))
                        goto out;
                }
            }
        }
    }

    if (d <= CARDC_DIALECT_DRAFT7 && KW("$ref")) {
        /* Before 2019-09, "$ref" siblings are ignored. */
        if (!json_object_is_type(v, json_type_string)) {
            bad(c, si, "$ref", "a string");
            goto out;
        }
        EMIT(OP_REF, "$ref");
        if (!ref_target(c, si, "$ref", json_object_get_string(v), &in->u.ref.node, NULL))
            goto out;
        goto done;
    }

    if (val && KW("type")) {
        uint32_t bits = 0;
        if (json_object_is_type(v, json_type_string)) {
            if (!type_bits(json_object_get_string(v), &bits)) {
                bad(c, si, "type", "a JSON type name");
                goto out;
            }
        } else if (json_object_is_type(v, json_type_array)) {
            for (i = 0; i < json_object_array_length(v); i++) {
                w = json_object_array_get_idx(v, i);
                if (!json_object_is_type(w, json_type_string) ||
                    !type_bits(json_object_get_string(w), &bits)) {
                    bad(c, si, "type", "a JSON type name or an array of them");
                    goto out;
                }
            }
        } else {
            bad(c, si, "type", "a string or an array");
            goto out;
        }
        EMIT(OP_TYPE, "type");
        in->u.types = bits;
        n->types = bits;
    }
    if (val && d >= CARDC_DIALECT_DRAFT6 && json_object_object_get_ex(o, "const", &v)) {
        EMIT(OP_CONST, "const");
        in->u.value = v;
    }
    if (val && KW("enum")) {
        if (!json_object_is_type(v, json_type_array)) {
            bad(c, si, "enum", "an array");
            goto out;
        }
        EMIT(OP_ENUM, "enum");
        in->u.value = v;
    }
    if (val && KW("multipleOf")) {
        char t[64];
        long double x;
        if (!num_of(v, &x) || x <= 0) {
            bad(c, si, "multipleOf", "a number > 0");
            goto out;
        }
        EMIT(OP_MULTIPLE_OF, "multipleOf");
        in->u.num.v = x;
        in->u.num.json = v;
        cardc__num_text(v, t, sizeof t);
        if (!cardc__decimal_parse(t, &in->u.num.dec))
            in->u.num.dec.digits = NULL;
    }
    {
        static const struct {
            const char *kw, *excl;
            cop op, xop;
        } bounds[] = {{"maximum", "exclusiveMaximum", OP_MAXIMUM, OP_EXCL_MAXIMUM},
                      {"minimum", "exclusiveMinimum", OP_MINIMUM, OP_EXCL_MINIMUM}};
        size_t k;
        for (k = 0; val && k < 2; k++) {
            long double x;
            if (KW(bounds[k].kw)) {
                int excl = 0;
                if (!num_of(v, &x)) {
                    bad(c, si, bounds[k].kw, "a number");
                    goto out;
                }
                if (d == CARDC_DIALECT_DRAFT4 && (w = get(o, bounds[k].excl)) &&
                    json_object_is_type(w, json_type_boolean))
                    excl = json_object_get_boolean(w);
                EMIT(excl ? bounds[k].xop : bounds[k].op, bounds[k].kw);
                in->u.num.v = x;
                in->u.num.json = v;
            }
            if (d >= CARDC_DIALECT_DRAFT6 && KW(bounds[k].excl)) {
                if (!num_of(v, &x)) {
                    bad(c, si, bounds[k].excl, "a number");
                    goto out;
                }
                EMIT(bounds[k].xop, bounds[k].excl);
                in->u.num.v = x;
                in->u.num.json = v;
            }
        }
    }
    {
        static const struct {
            const char *kw;
            cop op;
        } counts[] = {{"maxLength", OP_MAX_LENGTH}, {"minLength", OP_MIN_LENGTH},
                      {"maxItems", OP_MAX_ITEMS},   {"minItems", OP_MIN_ITEMS},
                      {"maxProperties", OP_MAX_PROPS}, {"minProperties", OP_MIN_PROPS}};
        size_t k;
        for (k = 0; val && k < sizeof counts / sizeof counts[0]; k++) {
            if (!KW(counts[k].kw))
                continue;
            EMIT(counts[k].op, counts[k].kw);
            if (!count_of(c, si, counts[k].kw, v, &in->u.count))
                goto out;
        }
    }
    if (val && KW("pattern")) {
        if (!json_object_is_type(v, json_type_string)) {
            bad(c, si, "pattern", "a string");
            goto out;
        }
        EMIT(OP_PATTERN, "pattern");
        if (!(in->u.pattern.re = regex(c, si, "pattern", NULL, json_object_get_string(v))))
            goto out;
    }
    if (KW("format") && json_object_is_type(v, json_type_string)) {
        bool assert_ = (c->opts && (c->opts->flags & CARDC_SCHEMA_ASSERT_FORMAT)) ||
                       (d >= CARDC_DIALECT_2019_09 && (voc & V_FORMAT_ASSERT));
        EMIT(OP_FORMAT, "format");
        in->u.format.kind = cardc_format_lookup(json_object_get_string(v));
        in->u.format.name = v;
        in->u.format.assert_ = assert_ && in->u.format.kind != CARDC_FORMAT_UNKNOWN;
    }
    if (val && KW("uniqueItems") && json_object_get_boolean(v)) {
        EMIT(OP_UNIQUE_ITEMS, "uniqueItems");
    }
    if (val && KW("required")) {
        if (d == CARDC_DIALECT_DRAFT4 || json_object_is_type(v, json_type_array)) {
            EMIT(OP_REQUIRED, "required");
            if (!keys_of(c, si, "required", v, &in->u.req.keys, &in->u.req.n))
                goto out;
        }
    }
    /* dependentRequired (2019-09+) and the array form of dependencies
     * (kept in later drafts for compatibility, as most validators do) */
    for (i = 0; i < 2; i++) {
        const char *kw = i == 0 ? "dependencies" : "dependentRequired";
        if (i == 1 && d < CARDC_DIALECT_2019_09)
            break;
        if (KW(kw) && json_object_is_type(v, json_type_object)) {
            size_t cnt = 0, k = 0;
            json_object_object_foreach(v, key, dep) {
                (void)key;
                if (json_object_is_type(dep, json_type_array))
                    cnt++;
            }
            if (cnt) {
                EMIT(OP_DEP_REQUIRED, kw);
                in->u.depreq.keys = calloc(cnt, sizeof *in->u.depreq.keys);
                in->u.depreq.nlist = calloc(cnt, sizeof *in->u.depreq.nlist);
                in->u.depreq.lists = calloc(cnt, sizeof *in->u.depreq.lists);
                in->u.depreq.n = cnt;
                if (!in->u.depreq.keys || !in->u.depreq.nlist || !in->u.depreq.lists) {
                    oom(c);
                    goto out;
                }
                {
                    json_object_object_foreach(v, key2, dep2) {
                        if (!json_object_is_type(dep2, json_type_array))
                            continue;
                        in->u.depreq.keys[k].s = key2;
                        in->u.depreq.keys[k].len = strlen(key2);
                        if (!keys_of(c, si, kw, dep2, &in->u.depreq.lists[k],
                                     &in->u.depreq.nlist[k]))
                            goto out;
                        k++;
                    }
                }
            }
        }
    }

    /* ---- applicators ---- */
    if (KW("$ref")) {
        if (!json_object_is_type(v, json_type_string)) {
            bad(c, si, "$ref", "a string");
            goto out;
        }
        EMIT(OP_REF, "$ref");
        if (!ref_target(c, si, "$ref", json_object_get_string(v), &in->u.ref.node, NULL))
            goto out;
    }
    if (d >= CARDC_DIALECT_2020_12 && KW("$dynamicRef") && json_object_is_type(v, json_type_string)) {
        const char *ref = json_object_get_string(v), *h = strchr(ref, '#');
        sinfo *t = NULL;
        EMIT(OP_DYNAMIC_REF, "$dynamicRef");
        if (!ref_target(c, si, "$dynamicRef", ref, &in->u.ref.node, &t))
            goto out;
        /* Dynamic only when the static target itself is a $dynamicAnchor of
         * that name. */
        if (h && h[1] && h[1] != '/' && (w = get(t->obj, "$dynamicAnchor")) &&
            json_object_is_type(w, json_type_string) && !strcmp(json_object_get_string(w), h + 1))
            in->u.ref.anchor = json_object_get_string(w);
    }
    if (d == CARDC_DIALECT_2019_09 && KW("$recursiveRef") && json_object_is_type(v, json_type_string)) {
        EMIT(OP_RECURSIVE_REF, "$recursiveRef");
        if (!ref_target(c, si, "$recursiveRef", json_object_get_string(v), &in->u.ref.node, NULL))
            goto out;
    }
    {
        static const struct {
            const char *kw;
            cop op;
        } lists[] = {{"allOf", OP_ALL_OF}, {"anyOf", OP_ANY_OF}, {"oneOf", OP_ONE_OF}};
        size_t k;
        for (k = 0; app && k < 3; k++) {
            if (!KW(lists[k].kw))
                continue;
            EMIT(lists[k].op, lists[k].kw);
            if (!list_of(c, si, lists[k].kw, v, &in->u.list.n, &in->u.list.nodes))
                goto out;
            if (in->u.list.n == 0) {
                bad(c, si, lists[k].kw, "a non-empty array");
                goto out;
            }
        }
    }
    if (app && KW("not")) {
        EMIT(OP_NOT, "not");
        if (!(in->u.node = child(c, si, v, "not", NULL, -1)))
            goto out;
    }
    if (app && d >= CARDC_DIALECT_DRAFT7 && KW("if")) {
        EMIT(OP_IF, "if");
        if (!(in->u.cond.if_ = child(c, si, v, "if", NULL, -1)))
            goto out;
        if ((w = get(o, "then")) && !(in->u.cond.then_ = child(c, si, w, "then", NULL, -1)))
            goto out;
        if ((w = get(o, "else")) && !(in->u.cond.else_ = child(c, si, w, "else", NULL, -1)))
            goto out;
    }
    for (i = 0; i < 2; i++) {
        const char *kw = i == 0 ? "dependencies" : "dependentSchemas";
        if (i == 1 && d < CARDC_DIALECT_2019_09)
            break;
        if (app && KW(kw) && json_object_is_type(v, json_type_object)) {
            size_t cnt = 0;
            json_object_object_foreach(v, key, dep) {
                (void)key;
                if (!json_object_is_type(dep, json_type_array))
                    cnt++;
            }
            if (cnt) {
                EMIT(OP_DEP_SCHEMAS, kw);
                if (!keyed_subschemas(c, si, v, kw, cnt, 1, &in->u.props))
                    goto out;
            }
        }
    }
    if (app && KW("properties")) {
        size_t cnt;
        if (!json_object_is_type(v, json_type_object)) {
            bad(c, si, "properties", "an object");
            goto out;
        }
        pi = (long)b->n;
        EMIT(OP_PROPERTIES, "properties");
        cnt = (size_t)json_object_object_length(v);
        if (!keyed_subschemas(c, si, v, "properties", cnt, 0, &in->u.props))
            goto out;
    }
    if (app && KW("patternProperties")) {
        size_t cnt, k = 0;
        if (!json_object_is_type(v, json_type_object)) {
            bad(c, si, "patternProperties", "an object");
            goto out;
        }
        ppi = (long)b->n;
        EMIT(OP_PATTERN_PROPS, "patternProperties");
        cnt = (size_t)json_object_object_length(v);
        in->u.pprops.res = calloc(cnt + 1, sizeof *in->u.pprops.res);
        in->u.pprops.nodes = calloc(cnt + 1, sizeof *in->u.pprops.nodes);
        in->u.pprops.n = cnt;
        if (!in->u.pprops.res || !in->u.pprops.nodes) {
            oom(c);
            goto out;
        }
        {
            json_object_object_foreach(v, key, sub) {
                if (!(in->u.pprops.res[k] = regex(c, si, "patternProperties", key, key)))
                    goto out;
                if (!(in->u.pprops.nodes[k] = child(c, si, sub, "patternProperties", key, -1)))
                    goto out;
                k++;
            }
        }
    }
    if (app && KW("additionalProperties")) {
        ai = (long)b->n;
        EMIT(OP_ADDITIONAL_PROPS, "additionalProperties");
        if (!(in->u.addl.node = child(c, si, v, "additionalProperties", NULL, -1)))
            goto out;
    }
    if (app && d >= CARDC_DIALECT_DRAFT6 && KW("propertyNames")) {
        EMIT(OP_PROPERTY_NAMES, "propertyNames");
        if (!(in->u.node = child(c, si, v, "propertyNames", NULL, -1)))
            goto out;
    }
    if (app && d >= CARDC_DIALECT_2020_12) {
        if (KW("prefixItems")) {
            EMIT(OP_PREFIX_ITEMS, "prefixItems");
            if (!list_of(c, si, "prefixItems", v, &in->u.list.n, &in->u.list.nodes))
                goto out;
            prefix = in->u.list.n;
        }
        if (KW("items")) {
            EMIT(OP_ITEMS, "items");
            in->u.items.start = prefix;
            if (!(in->u.items.node = child(c, si, v, "items", NULL, -1)))
                goto out;
        }
    } else if (app) {
        if (KW("items")) {
            if (json_object_is_type(v, json_type_array)) {
                EMIT(OP_PREFIX_ITEMS, "items");
                if (!list_of(c, si, "items", v, &in->u.list.n, &in->u.list.nodes))
                    goto out;
                prefix = in->u.list.n;
                items_array = true;
            } else {
                EMIT(OP_ITEMS, "items");
                if (!(in->u.items.node = child(c, si, v, "items", NULL, -1)))
                    goto out;
            }
        }
        if (items_array && KW("additionalItems")) {
            EMIT(OP_ITEMS, "additionalItems");
            in->u.items.start = prefix;
            if (!(in->u.items.node = child(c, si, v, "additionalItems", NULL, -1)))
                goto out;
        }
    }
    if (app && d >= CARDC_DIALECT_DRAFT6 && KW("contains")) {
        EMIT(OP_CONTAINS, "contains");
        if (!(in->u.contains.node = child(c, si, v, "contains", NULL, -1)))
            goto out;
        in->u.contains.min = 1;
        if (d >= CARDC_DIALECT_2019_09 && val) {
            if ((w = get(o, "minContains")) &&
                !count_of(c, si, "minContains", w, &in->u.contains.min))
                goto out;
            if ((w = get(o, "maxContains"))) {
                if (!count_of(c, si, "maxContains", w, &in->u.contains.max))
                    goto out;
                in->u.contains.has_max = true;
            }
        }
    }
    if (d >= CARDC_DIALECT_2019_09 && (voc & (V_UNEVALUATED | V_APPLICATOR))) {
        if (KW("unevaluatedItems")) {
            EMIT(OP_UNEVAL_ITEMS, "unevaluatedItems");
            if (!(in->u.node = child(c, si, v, "unevaluatedItems", NULL, -1)))
                goto out;
            c->s->track = true;
        }
        if (KW("unevaluatedProperties")) {
            EMIT(OP_UNEVAL_PROPS, "unevaluatedProperties");
            if (!(in->u.node = child(c, si, v, "unevaluatedProperties", NULL, -1)))
                goto out;
            c->s->track = true;
        }
    }
done:
    n->n_core = b->n;
    if (d >= CARDC_DIALECT_DRAFT6 || 1) {
        size_t k;
        for (k = 0; k < sizeof ann_kws / sizeof ann_kws[0]; k++) {
            if (!json_object_object_get_ex(o, ann_kws[k], &v))
                continue;
            if (d <= CARDC_DIALECT_DRAFT7 && has(o, "$ref"))
                break;
            EMIT(OP_ANNOTATION, ann_kws[k]);
            in->u.value = v;
        }
    }
    if (KW("errorMessage") && !compile_errmsg(c, n, si, v))
        goto out;
    n->ins = calloc(b->n ? b->n : 1, sizeof *n->ins);
    if (!n->ins) {
        oom(c);
        goto out;
    }
    memcpy(n->ins, b->v, b->n * sizeof *n->ins);
    n->n = b->n;
    b->n = 0;
    if (!n->errmsg) {
        uint32_t q = 0xffffffffu;
        for (i = 0; i < n->n_core; i++) {
            if (n->ins[i].op == OP_TYPE)
                q &= n->ins[i].u.types;
            else if (!(n->ins[i].op == OP_FORMAT && !n->ins[i].u.format.assert_))
                break;
        }
        if (i == n->n_core && q) {
            /* "integer" passes doubles with a zero fraction too; the check
             * below compares instance type bits, which include T_INTEGER. */
            n->quick = q;
        }
    }
    if (ai >= 0) {
        n->ins[ai].u.addl.props = pi >= 0 ? &n->ins[pi] : NULL;
        n->ins[ai].u.addl.pprops = ppi >= 0 ? &n->ins[ppi] : NULL;
    }
    free(b);
    return 1;
out:
    /* Instructions built so far are freed with the schema: park them. */
    n->ins = calloc(b->n ? b->n : 1, sizeof *n->ins);
    if (n->ins) {
        memcpy(n->ins, b->v, b->n * sizeof *n->ins);
        n->n = b->n;
    } else {
        for (i = 0; i < b->n; i++)
            free(b->v[i].abs);
    }
    free(b);
    return 0;
#undef KW
#undef EMIT
}

static void free_instr(cinstr *in)
{
    size_t k;
    free(in->abs);
    switch (in->op) {
    case OP_MULTIPLE_OF:
        free(in->u.num.dec.digits);
        break;
    case OP_REQUIRED:
        free(in->u.req.keys);
        break;
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
    case OP_PREFIX_ITEMS:
        free(in->u.list.nodes);
        break;
    default:
        break;
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
                                            json_type_object, json_type_array, json_type_string};
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

cardc_status cardc_schema_compile(const struct json_object *schema, const cardc_schema_options *opts,
                                  cardc_schema **out, cardc_error *err)
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
    d = (uint8_t)((opts && opts->dialect != CARDC_DIALECT_AUTO) ? opts->dialect : CARDC_DIALECT_DRAFT7);
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
