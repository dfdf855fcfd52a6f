/* SPDX-License-Identifier: MIT */
/* Schema -> IR: one gen_type per subschema that needs a descriptor, with its
 * C representation, inline checks, names and the RESIDUAL flag.
 *
 * The rule that keeps decoding exact: a type is only given a C shape the
 * engine can check completely, or it is flagged RESIDUAL so the engine also
 * runs the validator; when the shape itself cannot be trusted (no type,
 * mixed types, allOf, remote refs, ...) the value stays JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "gen.h"

typedef struct memo {
    char *pointer;
    gen_type *type;
    bool in_progress;
    int array_depth; /* indirections when it was entered */
} memo;

typedef struct ctx {
    gen_model *m;
    int side;
    const struct json_object *root;
    int array_depth;
    /* Set by a union for its next branch: an untitled branch's members are
     * named from the union's path ("NAME_input_messages", not
     * "NAME_input_object_messages"). */
    const char *child_prefix;
    /* Set for an exact allOf merge: the members' schemas and pointers,
     * read by the next build_object as extra sources of properties. */
    const struct json_object *merge[16];
    char *merge_ptr[16]; /* heap; build_object takes them */
    size_t merge_n;
    memo *memo;
    size_t memo_n, memo_cap;
    int oom;
} ctx;

static const char *const annotation_keywords[] = {
    "title",        "description", "examples",       "$comment",    "default", "contentType",
    "readOnly",     "writeOnly",   "deprecated",     "$schema",     "$defs",   "definitions",
    "errorMessage", "$anchor",     "$dynamicAnchor", "$vocabulary", "format",  "nullable",
};

/* Validation keywords the engine never checks inline. */
static const char *const residual_keywords[] = {
    "if",
    "then",
    "else",
    "dependentSchemas",
    "propertyNames",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "additionalItems",
    "prefixItems",
    "$dynamicRef",
    "$recursiveRef",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "$recursiveAnchor",
};

static bool in_list(const char *const *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], key) == 0)
            return true;
    return false;
}
#define IN(list, key) in_list(list, sizeof list / sizeof list[0], key)

static const struct json_object *get(const struct json_object *s, const char *key)
{
    struct json_object *v = NULL;
    if (!s || !json_object_is_type(s, json_type_object))
        return NULL;
    return json_object_object_get_ex(s, key, &v) ? v : NULL;
}

static const char *get_str(const struct json_object *s, const char *key)
{
    const struct json_object *v = get(s, key);
    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string((struct json_object *)v)
               : NULL;
}

static char *xstrdup(ctx *c, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        c->oom = 1;
    return d;
}

/* gen_upper/gen_snake/gen_names_add, noting a failure in c->oom (the
 * build then returns CARDC_E_NOMEM, whatever it made meanwhile). */
static char *upper_of(ctx *c, const char *text, size_t len)
{
    char *u = gen_upper(text, len);
    if (!u)
        c->oom = 1;
    return u;
}

static char *snake_of(ctx *c, const char *text, size_t len)
{
    char *u = gen_snake(text, len);
    if (!u)
        c->oom = 1;
    return u;
}

static void add_name(ctx *c, gen_names *set, const char *name)
{
    if (gen_names_add(set, name) != 0)
        c->oom = 1;
}

static char *dump(ctx *c, const struct json_object *v)
{
    char *s = cardc_json_dump(v, 0);
    if (!s)
        c->oom = 1;
    return s;
}

/* ptr + "/" + escaped token. */
static char *child_ptr(ctx *c, const char *ptr, const char *token)
{
    strbuf b = {0};
    strbuf_str(&b, ptr);
    strbuf_add(&b, "/", 1);
    strbuf_pointer_token(&b, token, strlen(token));
    char *s = cardc__strbuf_take(&b);
    if (!s)
        c->oom = 1; /* callers carry on with the parent's; the build fails */
    return s;
}

static char *child_ptr_i(ctx *c, const char *ptr, const char *kw, size_t i)
{
    char tok[32];
    char *mid = child_ptr(c, ptr, kw);
    snprintf(tok, sizeof tok, "%zu", i);
    char *s = child_ptr(c, mid ? mid : ptr, tok);
    free(mid);
    return s;
}

static char *join(ctx *c, const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (!s) {
        c->oom = 1;
        return NULL;
    }
    snprintf(s, n, "%s_%s", a, b);
    return s;
}

/* ---- Names ---------------------------------------------------------------- */

static const char *const derived[] = {
    "",          "_type",     "_init",   "_free",        "_decode",    "_decode_ex",   "_encode",
    "_validate", "_kind",     "_entry",  "_get",         "_to_string", "_from_string", "_fields",
    "_checks",   "_branches", "_values", "_checkfields", "_texts",
};

/* STEM_INIT, the static initializer macro of a type (upper case: it may meet
 * an enumerator). Heap; NULL when out of memory. */
static char *init_macro(const char *stem)
{
    char *up = gen_upper(stem, strlen(stem)), *m = NULL;

    if (up && (m = malloc(strlen(up) + sizeof "_INIT")) != NULL)
        sprintf(m, "%s_INIT", up);
    free(up);
    return m;
}

static bool stem_free(ctx *c, const gen_names *names, const char *stem)
{
    char buf[1024], *init;
    bool taken;

    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", stem, derived[i]);
        if (gen_names_has(names, buf))
            return false;
    }
    init = init_macro(stem);
    if (!init)
        c->oom = 1; /* the build stops; "free" ends the caller's search */
    taken = init && gen_names_has(names, init);
    free(init);
    return !taken;
}

static const char *kind_word(cardc_kind k)
{
    switch (k) {
    case CARDC_KIND_ENUM: return "enum";
    case CARDC_KIND_OBJECT: return "object";
    case CARDC_KIND_ARRAY: return "array";
    case CARDC_KIND_MAP: return "map";
    case CARDC_KIND_UNION: return "union";
    case CARDC_KIND_JSON: return "json";
    default: return "value";
    }
}

/* A file-scope stem no other type's names can collide with; reserves all
 * the identifiers derived from it. */
static char *unique_stem(ctx *c, const char *base, cardc_kind kind)
{
    char buf[1024];
    gen_names *names = &c->m->names;

    snprintf(buf, sizeof buf, "%.900s", base);
    /* Another type of that name: number it; a derived name (a property
     * "type" meeting T_type): say what it is. */
    if (!stem_free(c, names, buf) && !gen_names_has(&c->m->stems, buf))
        snprintf(buf, sizeof buf, "%.900s_%s", base, kind_word(kind));
    for (int n = 2; !stem_free(c, names, buf); n++)
        snprintf(buf, sizeof buf, "%.900s_%d", base, n);
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
        char d[1100];
        snprintf(d, sizeof d, "%s%s", buf, derived[i]);
        if (gen_names_add(names, d) != 0)
            c->oom = 1;
    }
    char *init = init_macro(buf);
    if (!init || gen_names_add(names, init) != 0)
        c->oom = 1;
    free(init);
    if (gen_names_add(&c->m->stems, buf) != 0)
        c->oom = 1;
    return xstrdup(c, buf);
}

/* A unique upper-case constant "BASE" or "BASE_2"... */
static char *unique_const(ctx *c, const char *base)
{
    char buf[1100];
    gen_names *names = &c->m->names;

    snprintf(buf, sizeof buf, "%.1000s", base);
    for (int n = 2; gen_names_has(names, buf); n++)
        snprintf(buf, sizeof buf, "%.1000s_%d", base, n);
    if (gen_names_add(names, buf) != 0)
        c->oom = 1;
    return xstrdup(c, buf);
}

/* Member name unique within one struct; reserves has_X and X_is_null. */
static char *unique_member(ctx *c, gen_names *local, const char *json_name, size_t len)
{
    char *base = snake_of(c, json_name, len);
    char buf[1100], a[1200], b2[1200];

    if (!base) {
        c->oom = 1;
        return NULL;
    }
    if (!*base)
        snprintf(buf, sizeof buf, "field");
    else if (base[0] >= '0' && base[0] <= '9')
        snprintf(buf, sizeof buf, "f_%.1000s", base);
    else if (gen_is_keyword(base))
        snprintf(buf, sizeof buf, "%.1000s_", base);
    else
        snprintf(buf, sizeof buf, "%.1000s", base);
    free(base);
    char stem[1100];
    snprintf(stem, sizeof stem, "%s", buf);
    for (int n = 2;; n++) {
        snprintf(a, sizeof a, "has_%s", buf);
        snprintf(b2, sizeof b2, "%s_is_null", buf);
        if (!gen_names_has(local, buf) && !gen_names_has(local, a) && !gen_names_has(local, b2))
            break;
        snprintf(buf, sizeof buf, "%.1000s_%d", stem, n);
    }
    if (gen_names_add(local, buf) || gen_names_add(local, a) || gen_names_add(local, b2))
        c->oom = 1;
    return xstrdup(c, buf);
}

/* ---- Nodes ---------------------------------------------------------------- */

static gen_type *new_type(ctx *c, cardc_kind kind, const char *ptr)
{
    gen_model *m = c->m;
    gen_type *t;

    if (m->type_count == m->type_cap) {
        size_t nc = m->type_cap ? m->type_cap * 2 : 32;
        gen_type **v = realloc(m->types, nc * sizeof *v);
        if (!v) {
            c->oom = 1;
            return NULL;
        }
        m->types = v;
        m->type_cap = nc;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        c->oom = 1;
        return NULL;
    }
    t->kind = kind;
    t->side = c->side;
    m->types[m->type_count++] = t; /* owned by the model from here, freed with it */
    if (!(t->pointer = xstrdup(c, ptr)))
        return NULL;
    /* Known before its members are built, so a recursive reference below
     * (through an array or map) finds it. */
    for (size_t i = 0; i < c->memo_n; i++)
        if (c->memo[i].in_progress && !c->memo[i].type && strcmp(c->memo[i].pointer, ptr) == 0)
            c->memo[i].type = t;
    return t;
}

static void add_check(ctx *c, gen_type *t, cardc_check_op op, const char *ptr, const char *kw)
{
    gen_check *v = realloc(t->checks, (t->check_count + 1) * sizeof *v);
    if (!v) {
        c->oom = 1;
        return;
    }
    t->checks = v;
    memset(&v[t->check_count], 0, sizeof v[0]);
    v[t->check_count].op = op;
    v[t->check_count].keyword = child_ptr(c, ptr, kw);
    t->check_count++;
}

static gen_check *last_check(gen_type *t)
{
    return &t->checks[t->check_count - 1];
}

/* A number usable as an inline bound (exact as a double). */
static bool exact_number(const struct json_object *v, double *out)
{
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i > (INT64_C(1) << 53) || i < -(INT64_C(1) << 53))
            return false;
        *out = (double)i;
        return true;
    }
    if (json_object_is_type(v, json_type_double)) {
        *out = json_object_get_double(v);
        return isfinite(*out);
    }
    return false;
}

/* A non-negative integer count. */
static bool count_of(const struct json_object *v, size_t *out)
{
    double d;
    if (!v)
        return false;
    if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0) {
        *out = (size_t)json_object_get_int64(v);
        return true;
    }
    if (json_object_is_type(v, json_type_double)) {
        d = json_object_get_double(v);
        if (d >= 0 && d == floor(d) && d < 9e15) {
            *out = (size_t)d;
            return true;
        }
    }
    return false;
}

static void number_checks(ctx *c, gen_type *t, const struct json_object *s, const char *ptr)
{
    static const struct {
        const char *kw;
        cardc_check_op op;
    } bounds[] = {
        {"minimum", CARDC_CHECK_MINIMUM},
        {"exclusiveMinimum", CARDC_CHECK_EXCLUSIVE_MINIMUM},
        {"maximum", CARDC_CHECK_MAXIMUM},
        {"exclusiveMaximum", CARDC_CHECK_EXCLUSIVE_MAXIMUM},
    };
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        const struct json_object *v = get(s, bounds[i].kw);
        double d;
        if (!v)
            continue;
        if (json_object_is_type(v, json_type_boolean)) {
            /* draft-04: exclusiveMinimum/Maximum modify minimum/maximum. */
            const struct json_object *base = get(s, i == 1 ? "minimum" : "maximum");
            if (json_object_get_boolean(v) && base && exact_number(base, &d)) {
                add_check(c, t, bounds[i].op, ptr, i == 1 ? "minimum" : "maximum");
                if (!c->oom)
                    last_check(t)->number = d;
                /* The plain bound is then redundant but harmless. */
            } else if (json_object_get_boolean(v) && base) {
                t->flags |= CARDC_TYPE_RESIDUAL;
            }
            continue;
        }
        if (!exact_number(v, &d)) {
            t->flags |= CARDC_TYPE_RESIDUAL;
            continue;
        }
        add_check(c, t, bounds[i].op, ptr, bounds[i].kw);
        if (!c->oom)
            last_check(t)->number = d;
    }
    const struct json_object *mo = get(s, "multipleOf");
    if (mo) {
        add_check(c, t, CARDC_CHECK_MULTIPLE_OF, ptr, "multipleOf");
        if (!c->oom)
            last_check(t)->text = dump(c, mo);
    }
}

static void count_check(ctx *c, gen_type *t, const struct json_object *s, const char *ptr,
                        const char *kw, cardc_check_op op)
{
    const struct json_object *v = get(s, kw);
    size_t n;
    if (!v)
        return;
    if (!count_of(v, &n)) {
        t->flags |= CARDC_TYPE_RESIDUAL;
        return;
    }
    add_check(c, t, op, ptr, kw);
    if (!c->oom)
        last_check(t)->count = n;
}

static void text_check(ctx *c, gen_type *t, const struct json_object *s, const char *ptr,
                       const char *kw, cardc_check_op op)
{
    const struct json_object *v = get(s, kw);
    if (!v)
        return;
    /* A text with U+0000 does not fit a C string: the validator checks it. */
    if (!json_object_is_type(v, json_type_string) ||
        strlen(json_object_get_string((struct json_object *)v)) !=
            (size_t)json_object_get_string_len(v)) {
        t->flags |= CARDC_TYPE_RESIDUAL;
        return;
    }
    add_check(c, t, op, ptr, kw);
    if (!c->oom)
        last_check(t)->text = xstrdup(c, json_object_get_string((struct json_object *)v));
}

/* enum/const on a scalar become inline checks; on anything else the
 * validator handles them. */
static void value_checks(ctx *c, gen_type *t, const struct json_object *s, const char *ptr)
{
    static const char *const kws[] = {"const", "enum"};
    for (int i = 0; i < 2; i++) {
        const struct json_object *v = get(s, kws[i]);
        if (!v)
            continue;
        if (t->kind == CARDC_KIND_ENUM && i == 1)
            continue; /* the C enum is the check */
        switch (t->kind) {
        case CARDC_KIND_NULL:
        case CARDC_KIND_BOOL:
        case CARDC_KIND_INT:
        case CARDC_KIND_NUMBER:
        case CARDC_KIND_STRING:
        case CARDC_KIND_ENUM: {
            char *text = dump(c, v);
            if (!text) {
                t->flags |= CARDC_TYPE_RESIDUAL;
                break;
            }
            add_check(c, t, i == 0 ? CARDC_CHECK_CONST : CARDC_CHECK_ENUM, ptr, kws[i]);
            if (!c->oom)
                last_check(t)->text = text;
            else
                free(text);
            break;
        }
        default: t->flags |= CARDC_TYPE_RESIDUAL;
        }
    }
}

static gen_type *make_json(ctx *c, const char *ptr, const char *name)
{
    gen_type *t = new_type(c, CARDC_KIND_JSON, ptr);
    if (!t)
        return NULL;
    t->flags |= CARDC_TYPE_RESIDUAL;
    t->name = unique_stem(c, name, t->kind);
    if (!t->name)
        return t; /* c->oom: the build stops */
    return t;
}

static memo *memo_find(ctx *c, const char *ptr)
{
    for (size_t i = 0; i < c->memo_n; i++)
        if (strcmp(c->memo[i].pointer, ptr) == 0)
            return &c->memo[i];
    return NULL;
}

static memo *memo_add(ctx *c, const char *ptr)
{
    if (c->memo_n == c->memo_cap) {
        size_t nc = c->memo_cap ? c->memo_cap * 2 : 32;
        memo *v = realloc(c->memo, nc * sizeof *v);
        if (!v) {
            c->oom = 1;
            return NULL;
        }
        c->memo = v;
        c->memo_cap = nc;
    }
    memo *e = &c->memo[c->memo_n];
    memset(e, 0, sizeof *e);
    if (!(e->pointer = xstrdup(c, ptr)))
        return NULL; /* c->oom: the build stops */
    c->memo_n++;
    e->in_progress = true;
    e->array_depth = c->array_depth;
    return e;
}

/* Resolves a local "#/a/b" reference in the side's schema. */
static const struct json_object *resolve_local(ctx *c, const char *ref, char **ptr_out)
{
    const struct json_object *cur = c->root;
    strbuf b = {0};
    const char *p;

    *ptr_out = NULL;
    if (ref[0] != '#' || (ref[1] && ref[1] != '/'))
        return NULL;
    p = ref + 1;
    /* Percent-decoding of the fragment. */
    char *dec = malloc(strlen(p) + 1);
    if (!dec) {
        c->oom = 1;
        return NULL;
    }
    size_t k = 0;
    for (const char *q = p; *q; q++) {
        if (*q == '%' && q[1] && q[2]) {
            char hex[3] = {q[1], q[2], 0};
            char *end;
            long v = strtol(hex, &end, 16);
            if (*end == '\0') {
                dec[k++] = (char)v;
                q += 2;
                continue;
            }
        }
        dec[k++] = *q;
    }
    dec[k] = '\0';
    strbuf_str(&b, "");
    for (const char *q = dec; *q == '/';) {
        const char *e = strchr(q + 1, '/');
        size_t n = e ? (size_t)(e - q - 1) : strlen(q + 1);
        char *tok = malloc(n + 1);
        size_t tn = 0;
        if (!tok) {
            c->oom = 1;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            char ch = q[1 + i];
            if (ch == '~' && i + 1 < n && (q[2 + i] == '0' || q[2 + i] == '1')) {
                tok[tn++] = q[2 + i] == '0' ? '~' : '/';
                i++;
            } else {
                tok[tn++] = ch;
            }
        }
        tok[tn] = '\0';
        strbuf_add(&b, q, n + 1);
        if (json_object_is_type(cur, json_type_object)) {
            cur = get(cur, tok);
        } else if (json_object_is_type(cur, json_type_array)) {
            char *end;
            long idx = strtol(tok, &end, 10);
            cur = (*end || idx < 0 || (size_t)idx >= json_object_array_length(cur))
                      ? NULL
                      : json_object_array_get_idx(cur, (size_t)idx);
        } else {
            cur = NULL;
        }
        free(tok);
        if (!cur)
            break;
        q = e ? e : q + 1 + n;
    }
    free(dec);
    if (!cur) {
        cardc__strbuf_free(&b);
        return NULL;
    }
    if (b.oom) {
        cardc__strbuf_free(&b);
        c->oom = 1; /* the build stops */
        return NULL;
    }
    *ptr_out = cardc__strbuf_take(&b);
    if (!*ptr_out) /* "#": the root, nothing appended */
        *ptr_out = xstrdup(c, "");
    return cur;
}

/* True when s has no keyword besides `allowed` ones and annotations. */
static bool only_keywords(const struct json_object *s, const char *const *allowed, size_t n)
{
    json_object_object_foreach((struct json_object *)s, key, val)
    {
        (void)val;
        if (!in_list(allowed, n, key) && !IN(annotation_keywords, key))
            return false;
    }
    return true;
}

/* "string", "object", ... of a schema's effective type, or NULL. */
static const char *single_type(const struct json_object *s, const char *inherit)
{
    const struct json_object *t = get(s, "type");
    if (t && json_object_is_type(t, json_type_string))
        return json_object_get_string((struct json_object *)t);
    return t ? NULL : inherit;
}

static gen_type *build(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                       const char *inherit, bool field, bool *nullable);

/* ---- Unions ----------------------------------------------------------------- */

static char *branch_label(ctx *c, const struct json_object *b, const char *inherit, int pass)
{
    const char *title = get_str(b, "title");
    if (pass == 0 && title) {
        char *u = upper_of(c, title, strlen(title));
        if (u && *u)
            return u;
        free(u);
    }
    if (pass <= 1) {
        /* A required property with a single string value discriminates. */
        const struct json_object *props = get(b, "properties");
        const struct json_object *req = get(b, "required");
        if (props && req && json_object_is_type(props, json_type_object) &&
            json_object_is_type(req, json_type_array)) {
            json_object_object_foreach((struct json_object *)props, key, ps)
            {
                const struct json_object *cv = get(ps, "const");
                const struct json_object *ev = get(ps, "enum");
                bool required = false;
                for (size_t i = 0; i < json_object_array_length(req); i++) {
                    struct json_object *r = json_object_array_get_idx(req, i);
                    if (json_object_is_type(r, json_type_string) &&
                        strcmp(json_object_get_string(r), key) == 0)
                        required = true;
                }
                if (!required)
                    continue;
                if (!cv && ev && json_object_is_type(ev, json_type_array) &&
                    json_object_array_length(ev) == 1)
                    cv = json_object_array_get_idx(ev, 0);
                if (cv && json_object_is_type(cv, json_type_string)) {
                    const char *v = json_object_get_string((struct json_object *)cv);
                    char *u = upper_of(c, v, (size_t)json_object_get_string_len(cv));
                    if (u && *u)
                        return u;
                    free(u);
                }
            }
        }
    }
    if (pass <= 2) {
        const char *ref = get_str(b, "$ref");
        if (ref) {
            const char *slash = strrchr(ref, '/');
            if (slash && slash[1]) {
                char *u = upper_of(c, slash + 1, strlen(slash + 1));
                if (u && *u)
                    return u;
                free(u);
            }
        }
        const char *t = single_type(b, inherit);
        if (t) {
            const char *f = get_str(b, "format");
            if (strcmp(t, "string") == 0 && f && strcmp(f, "binary") == 0)
                return xstrdup(c, "BINARY");
            if (strcmp(t, "boolean") == 0)
                return xstrdup(c, "BOOL");
            return upper_of(c, t, strlen(t));
        }
    }
    return NULL;
}

static gen_type *build_union(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                             const char *inherit, const char *kw)
{
    const struct json_object *list = get(s, kw);
    size_t n = json_object_array_length(list);
    gen_type *t = new_type(c, CARDC_KIND_UNION, ptr);
    char **labels;
    static const char *const allowed[] = {"oneOf", "anyOf", "type"};

    if (!t)
        return NULL;
    t->name = unique_stem(c, name, t->kind);
    if (!t->name)
        return t; /* c->oom: the build stops */
    t->named = t->is_struct = true;
    if (strcmp(kw, "oneOf") == 0)
        t->flags |= CARDC_TYPE_ONE_OF;
    if (!only_keywords(s, allowed, sizeof allowed / sizeof allowed[0]))
        t->flags |= CARDC_TYPE_RESIDUAL;
    value_checks(c, t, s, ptr);
    const char *ptype = single_type(s, inherit);
    if (get(s, "type") && !ptype)
        t->flags |= CARDC_TYPE_RESIDUAL;

    labels = calloc(n ? n : 1, sizeof *labels);
    t->branches = calloc(n ? n : 1, sizeof *t->branches);
    t->kind_consts = calloc(n + 1, sizeof *t->kind_consts);
    if (!labels || !t->branches || !t->kind_consts) {
        free(labels);
        c->oom = 1;
        return t;
    }
    /* Labels: each branch's best name (title, discriminator, type, index);
     * branches whose names clash fall back a level together. */
    int *level = calloc(n ? n : 1, sizeof *level);
    bool *bump = calloc(n ? n : 1, sizeof *bump);
    if (!level || !bump) {
        free(level);
        free(bump);
        free(labels);
        c->oom = 1;
        return t;
    }
    for (size_t i = 0; i < n; i++)
        labels[i] = branch_label(c, json_object_array_get_idx(list, i), ptype, 0);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            bool clash = labels[i] == NULL;
            for (size_t j = 0; j < n && !clash; j++)
                clash = j != i && labels[j] && strcmp(labels[i], labels[j]) == 0;
            bump[i] = clash && level[i] < 3;
        }
        for (size_t i = 0; i < n; i++) {
            if (!bump[i])
                continue;
            free(labels[i]);
            if (++level[i] < 3) {
                labels[i] = branch_label(c, json_object_array_get_idx(list, i), ptype, level[i]);
            } else {
                char idx[32];
                snprintf(idx, sizeof idx, "%zu", i);
                labels[i] = xstrdup(c, idx);
            }
            changed = true;
        }
    }
    free(level);
    free(bump);

    char *upper = upper_of(c, t->name, strlen(t->name));
    char cname[1200];
    snprintf(cname, sizeof cname, "%s_NONE", upper ? upper : "KIND");
    t->kind_consts[0] = unique_const(c, cname);
    {
        char k[1100];
        snprintf(k, sizeof k, "%s_kind", t->name);
        t->kind_enum = xstrdup(c, k);
    }
    gen_names members = {0};
    add_name(c, &members, "kind");
    for (size_t i = 0; i < n; i++) {
        const struct json_object *b = json_object_array_get_idx(list, i);
        char *bptr = child_ptr_i(c, ptr, kw, i);
        const char *label = labels[i] ? labels[i] : "X";
        char *lower = snake_of(c, label, strlen(label));
        char member[1100], bname[1200];

        snprintf(member, sizeof member, "%s%s%s",
                 lower && lower[0] >= '0' && lower[0] <= '9' ? "v" : "",
                 lower && *lower ? lower : "v", lower && gen_is_keyword(lower) ? "_" : "");
        for (int k = 2; gen_names_has(&members, member); k++)
            snprintf(member + strlen(member), sizeof member - strlen(member), "_%d", k);
        add_name(c, &members, member);
        t->branches[i].name = xstrdup(c, label);
        t->branches[i].member = xstrdup(c, member);
        snprintf(cname, sizeof cname, "%s_%s", upper ? upper : "KIND", label);
        t->kind_consts[i + 1] = unique_const(c, cname);
        const char *title = get_str(b, "title");
        char *tsn = title ? snake_of(c, title, strlen(title)) : NULL;
        if (tsn && *tsn)
            snprintf(bname, sizeof bname, "%s_%s", c->m->c_name, tsn);
        else
            snprintf(bname, sizeof bname, "%s_%s", t->name, lower && *lower ? lower : "v");
        free(tsn);
        c->child_prefix = t->name;
        t->branches[i].type = build(c, b, bptr ? bptr : ptr, bname, ptype, false, NULL);
        c->child_prefix = NULL;
        t->branch_count++;
        free(lower);
        free(bptr);
        free(labels[i]);
    }
    gen_names_free(&members);
    free(labels);
    free(upper);
    return t;
}

/* ---- Objects ---------------------------------------------------------------- */

static int field_index(const gen_type *t, const char *json_name)
{
    for (size_t i = 0; i < t->field_count; i++)
        if (strcmp(t->fields[i].json_name, json_name) == 0)
            return (int)i;
    return -1;
}

/* fields_check: every name of `names` must be a field; else RESIDUAL. */
static void names_check(ctx *c, gen_type *t, const struct json_object *names, const char *first,
                        cardc_check_op op, const char *kwptr)
{
    size_t n = json_object_array_length(names);
    uint16_t *idx = calloc(n + 1, sizeof *idx);
    size_t k = 0;

    if (!idx) {
        c->oom = 1;
        return;
    }
    if (first) {
        int f = field_index(t, first);
        if (f < 0)
            goto residual;
        idx[k++] = (uint16_t)f;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(names, i);
        int f = json_object_is_type(e, json_type_string) ? field_index(t, json_object_get_string(e))
                                                         : -1;
        if (f < 0)
            goto residual;
        idx[k++] = (uint16_t)f;
    }
    gen_check *v = realloc(t->checks, (t->check_count + 1) * sizeof *v);
    if (!v) {
        c->oom = 1;
        free(idx);
        return;
    }
    t->checks = v;
    memset(&v[t->check_count], 0, sizeof v[0]);
    v[t->check_count].op = op;
    v[t->check_count].keyword = xstrdup(c, kwptr);
    v[t->check_count].fields = idx;
    v[t->check_count].field_count = k;
    t->check_count++;
    return;
residual:
    free(idx);
    t->flags |= CARDC_TYPE_RESIDUAL;
}

/* An object without properties but with one value schema for every key
 * (additionalProperties, or a single patternProperties): a MAP; NULL
 * value schema: plain JSON. */
static gen_type *build_map(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                           const char *prefix)
{
    const struct json_object *req = get(s, "required");
    const struct json_object *ap = get(s, "additionalProperties");
    const struct json_object *pp = get(s, "patternProperties");
    const struct json_object *value = NULL;
    const char *vkw = NULL;
    gen_type *t;
    if (ap && json_object_is_type(ap, json_type_object)) {
        value = ap;
        vkw = "additionalProperties";
    } else if (!ap && pp && json_object_object_length(pp) == 1) {
        json_object_object_foreach((struct json_object *)pp, key, val)
        {
            (void)key;
            value = val;
        }
        vkw = "patternProperties";
    }
    if (!value)
        return make_json(c, ptr, name); /* no shape beyond "an object" */
    t = new_type(c, CARDC_KIND_MAP, ptr);
    if (!t)
        return NULL;
    t->name = unique_stem(c, name, t->kind);
    if (!t->name)
        return t; /* c->oom: the build stops */
    t->named = t->is_struct = true;
    char *vptr = child_ptr(c, ptr, vkw);
    if (strcmp(vkw, "patternProperties") == 0) {
        char *pp_ptr = NULL;
        json_object_object_foreach((struct json_object *)pp, key, val)
        {
            (void)val;
            pp_ptr = child_ptr(c, vptr, key);
        }
        free(vptr);
        vptr = pp_ptr;
        t->flags |= CARDC_TYPE_RESIDUAL; /* key patterns */
    }
    char *vname = join(c, prefix ? prefix : t->name, "value");
    c->array_depth++;
    t->item = build(c, value, vptr ? vptr : ptr, vname ? vname : name, NULL, false, NULL);
    c->array_depth--;
    free(vname);
    free(vptr);
    count_check(c, t, s, ptr, "minProperties", CARDC_CHECK_MIN_PROPERTIES);
    count_check(c, t, s, ptr, "maxProperties", CARDC_CHECK_MAX_PROPERTIES);
    if (req || get(s, "not") || get(s, "dependentRequired") || get(s, "dependencies"))
        t->flags |= CARDC_TYPE_RESIDUAL;
    return t;
}

/* The parts of an object type (its schema and the allOf members merged
 * into it): properties, required lists, their JSON Pointers. */
typedef struct object_parts {
    const struct json_object *const *parts;
    char *const *ptrs;
    size_t n;
} object_parts;

static bool required_in(const object_parts *op, const char *key)
{
    bool required = false;
    for (size_t q = 0; q < op->n; q++) {
        const struct json_object *rq = get(op->parts[q], "required");
        if (rq && json_object_is_type(rq, json_type_array))
            for (size_t i = 0; i < json_object_array_length(rq); i++) {
                struct json_object *r = json_object_array_get_idx(rq, i);
                if (json_object_is_type(r, json_type_string) &&
                    strcmp(json_object_get_string(r), key) == 0)
                    required = true;
            }
    }
    return required;
}

/* One property's field (ps: its schema, pptr: pointer of "properties"). */
static void add_field(ctx *c, gen_type *t, gen_names *local, const object_parts *op,
                      const char *key, const struct json_object *ps, const char *pptr,
                      const char *ptr, const char *name, const char *prefix)
{
    gen_field *f = &t->fields[t->field_count];
    bool nullable = false;
    if (!(f->json_name = xstrdup(c, key)))
        return; /* c->oom: the build stops */
    f->json_name_len = strlen(key);
    f->c_name = unique_member(c, local, key, strlen(key));
    f->pointer = child_ptr(c, pptr ? pptr : ptr, key);
    f->required = required_in(op, key);
    const struct json_object *d = get(ps, "default");
    if (d)
        f->default_json = dump(c, d);
    const char *desc = get_str(ps, "description");
    if (!desc)
        desc = get_str(ps, "title");
    f->description = desc ? xstrdup(c, desc) : NULL;
    char *fname = join(c, prefix ? prefix : t->name, f->c_name ? f->c_name : "field");
    f->type =
        build(c, ps, f->pointer ? f->pointer : ptr, fname ? fname : name, NULL, true, &nullable);
    f->nullable = nullable;
    free(fname);
    t->field_count++;
}

static void add_fields(ctx *c, gen_type *t, const object_parts *op, const char *ptr,
                       const char *name, const char *prefix)
{
    size_t n = 0;
    for (size_t p = 0; p < op->n; p++) {
        const struct json_object *pr = get(op->parts[p], "properties");
        if (pr && json_object_is_type(pr, json_type_object))
            n += (size_t)json_object_object_length(pr);
    }
    t->fields = calloc(n ? n : 1, sizeof *t->fields);
    if (!t->fields) {
        c->oom = 1;
        return;
    }
    gen_names local = {0};
    for (size_t p = 0; p < op->n; p++) {
        const struct json_object *pr = get(op->parts[p], "properties");
        if (!pr || !json_object_is_type(pr, json_type_object))
            continue;
        char *pptr = child_ptr(c, op->ptrs[p] ? op->ptrs[p] : ptr, "properties");
        json_object_object_foreach((struct json_object *)pr, key, ps)
        {
            if (c->oom)
                break;
            if (field_index(t, key) >= 0)
                continue; /* the same schema again (checked by the merge) */
            add_field(c, t, &local, op, key, ps, pptr, ptr, name, prefix);
        }
        free(pptr);
    }
    gen_names_free(&local);
}

/* The object checks beyond its fields: required names that are no field,
 * property counts, "not": {"required": [...]}, dependentRequired. */
static void object_checks(ctx *c, gen_type *t, const struct json_object *s, const char *ptr,
                          const object_parts *op)
{
    for (size_t q = 0; q < op->n; q++) {
        const struct json_object *rq = get(op->parts[q], "required");
        if (rq && json_object_is_type(rq, json_type_array))
            for (size_t i = 0; i < json_object_array_length(rq); i++) {
                struct json_object *r = json_object_array_get_idx(rq, i);
                if (!json_object_is_type(r, json_type_string) ||
                    field_index(t, json_object_get_string(r)) < 0)
                    t->flags |= CARDC_TYPE_RESIDUAL;
            }
    }
    count_check(c, t, s, ptr, "minProperties", CARDC_CHECK_MIN_PROPERTIES);
    count_check(c, t, s, ptr, "maxProperties", CARDC_CHECK_MAX_PROPERTIES);

    const struct json_object *not = get(s, "not");
    if (not ) {
        const struct json_object *nr = get(not, "required");
        static const char *const only_req[] = {"required"};
        if (nr && json_object_is_type(nr, json_type_array) && only_keywords(not, only_req, 1)) {
            /* The validator reports the failure at "not". */
            char *np = child_ptr(c, ptr, "not");
            names_check(c, t, nr, NULL, CARDC_CHECK_NOT_ALL_PRESENT, np ? np : ptr);
            free(np);
        } else {
            t->flags |= CARDC_TYPE_RESIDUAL;
        }
    }
    static const char *const dep_kws[] = {"dependentRequired", "dependencies"};
    for (int k = 0; k < 2; k++) {
        const struct json_object *dr = get(s, dep_kws[k]);
        if (!dr)
            continue;
        if (!json_object_is_type(dr, json_type_object)) {
            t->flags |= CARDC_TYPE_RESIDUAL;
            continue;
        }
        char *dptr = child_ptr(c, ptr, dep_kws[k]);
        json_object_object_foreach((struct json_object *)dr, key, names)
        {
            if (!json_object_is_type(names, json_type_array)) {
                t->flags |= CARDC_TYPE_RESIDUAL; /* schema dependency */
                continue;
            }
            char *kp = child_ptr(c, dptr ? dptr : ptr, key);
            names_check(c, t, names, key, CARDC_CHECK_DEPENDENT_REQUIRED, kp ? kp : ptr);
            free(kp);
        }
        free(dptr);
    }
}

/* The struct member for the members an open object's schema does not
 * name: "additional", unless a property took that name. */
static char *additional_member_name(ctx *c, const gen_type *t)
{
    char buf[64];

    snprintf(buf, sizeof buf, "additional");
    for (int n = 2;; n++) {
        bool taken = false;
        for (size_t i = 0; i < t->field_count && !taken; i++) {
            const char *f = t->fields[i].c_name ? t->fields[i].c_name : "";
            size_t fl = strlen(f), bl = strlen(buf);
            taken = strcmp(f, buf) == 0 ||
                    (strncmp(buf, "has_", 4) == 0 && strcmp(buf + 4, f) == 0) ||
                    (bl == fl + 8 && strncmp(buf, f, fl) == 0 && strcmp(buf + fl, "_is_null") == 0);
        }
        if (!taken)
            break;
        snprintf(buf, sizeof buf, "additional_%d", n);
    }
    return xstrdup(c, buf);
}

/* An open object keeps the members its schema does not name, so decode ->
 * encode loses nothing: as cardc_members (name/JSON pairs) when
 * additionalProperties is absent, true or {}, as a typed map when it is a
 * schema. With patternProperties beside it, which keys the schema governs
 * is the validator's business: the values stay JSON and the object
 * RESIDUAL. */
static void keep_additional(ctx *c, gen_type *t, const struct json_object *s, const char *ptr,
                            const char *prefix)
{
    const struct json_object *ap = get(s, "additionalProperties");
    bool any = !ap || json_object_is_type(ap, json_type_boolean) ||
               (json_object_is_type(ap, json_type_object) && json_object_object_length(ap) == 0);

    t->additional_member = additional_member_name(c, t);
    if (any)
        return;
    if (get(s, "patternProperties") || !json_object_is_type(ap, json_type_object)) {
        t->flags |= CARDC_TYPE_RESIDUAL; /* extra keys checked by the validator */
        return;
    }
    char *vptr = child_ptr(c, ptr, "additionalProperties");
    gen_type *mt = new_type(c, CARDC_KIND_MAP, vptr ? vptr : ptr);
    if (!mt) {
        free(vptr);
        return;
    }
    char *mname = join(c, t->name, "additional");
    mt->name = unique_stem(c, mname ? mname : t->name, mt->kind);
    mt->named = mt->is_struct = true;
    free(mname);
    char *vname = join(c, prefix ? prefix : mt->name, "value");
    c->array_depth++;
    mt->item = build(c, ap, vptr ? vptr : ptr, vname ? vname : mt->name, NULL, false, NULL);
    c->array_depth--;
    free(vname);
    free(vptr);
    t->additional = mt;
}

static gen_type *build_object_parts(ctx *c, const struct json_object *s, const char *ptr,
                                    const char *name, const char *prefix,
                                    const struct json_object *const *parts, char *const *part_ptr,
                                    size_t nparts)
{
    const struct json_object *props = get(s, "properties");
    const struct json_object *ap = get(s, "additionalProperties");
    object_parts op = {parts, part_ptr, nparts};
    bool has_props = props && json_object_is_type(props, json_type_object) &&
                     json_object_object_length(props) > 0;
    gen_type *t;
    for (size_t i = 1; i < nparts; i++) {
        const struct json_object *pp2 = get(parts[i], "properties");
        if (pp2 && json_object_object_length(pp2) > 0)
            has_props = true;
    }
    if (!has_props)
        return build_map(c, s, ptr, name, prefix);

    t = new_type(c, CARDC_KIND_OBJECT, ptr);
    if (!t)
        return NULL;
    t->name = unique_stem(c, name, t->kind);
    if (!t->name)
        return t; /* c->oom: the build stops */
    t->named = t->is_struct = true;
    if (ap && json_object_is_type(ap, json_type_boolean) && !json_object_get_boolean(ap))
        t->flags |= CARDC_TYPE_CLOSED;
    if (get(s, "patternProperties"))
        t->flags |= CARDC_TYPE_RESIDUAL;
    add_fields(c, t, &op, ptr, name, prefix);
    if (!t->fields)
        return t;
    if (!(t->flags & CARDC_TYPE_CLOSED))
        keep_additional(c, t, s, ptr, prefix);
    object_checks(c, t, s, ptr, &op);
    return t;
}

static gen_type *build_object(ctx *c, const struct json_object *s, const char *ptr,
                              const char *name, const char *prefix)
{
    /* Sources of properties: s, then the members of a merged allOf. */
    const struct json_object *parts[17];
    char *part_ptr[17];
    size_t nparts = 1;
    gen_type *t;

    parts[0] = s;
    part_ptr[0] = NULL; /* ptr */
    for (size_t i = 0; i < c->merge_n; i++) {
        parts[nparts] = c->merge[i];
        part_ptr[nparts++] = c->merge_ptr[i]; /* ours now */
        c->merge_ptr[i] = NULL;
    }
    c->merge_n = 0;
    t = build_object_parts(c, s, ptr, name, prefix, parts, part_ptr, nparts);
    for (size_t i = 1; i < nparts; i++)
        free(part_ptr[i]);
    return t;
}

/* ---- Arrays ----------------------------------------------------------------- */

static bool is_byte_item(const struct json_object *it)
{
    const struct json_object *mn = get(it, "minimum"), *mx = get(it, "maximum");
    double a, b;
    static const char *const allowed[] = {"type", "minimum", "maximum"};
    const char *t = get_str(it, "type");
    return t && strcmp(t, "integer") == 0 && mn && mx && exact_number(mn, &a) &&
           exact_number(mx, &b) && a >= 0 && b <= 255 && only_keywords(it, allowed, 3);
}

static bool is_number_item(const struct json_object *it)
{
    static const char *const allowed[] = {"type"};
    const char *t = get_str(it, "type");
    return t && strcmp(t, "number") == 0 && only_keywords(it, allowed, 1) && !get(it, "format");
}

static gen_type *build_array(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                             const char *prefix)
{
    const struct json_object *items = get(s, "items");
    gen_type *t;
    cardc_kind kind = CARDC_KIND_ARRAY;

    if (items && json_object_is_type(items, json_type_array))
        return make_json(c, ptr, name); /* tuple form */
    if (items && json_object_is_type(items, json_type_object) && is_byte_item(items))
        kind = CARDC_KIND_BYTES;
    else if (items && json_object_is_type(items, json_type_object) && is_number_item(items))
        kind = CARDC_KIND_NUMBERS;
    t = new_type(c, kind, ptr);
    if (!t)
        return NULL;
    t->name = unique_stem(c, name, t->kind);
    if (!t->name)
        return t; /* c->oom: the build stops */
    if (kind == CARDC_KIND_BYTES)
        t->flags |= CARDC_TYPE_BYTE_ARRAY;
    t->named = t->is_struct = kind == CARDC_KIND_ARRAY;
    char *iname = join(c, prefix ? prefix : t->name, "item");
    char *iptr = child_ptr(c, ptr, "items");
    c->array_depth++;
    if (items)
        t->item = build(c, items, iptr ? iptr : ptr, iname ? iname : name, NULL, false, NULL);
    else
        t->item = make_json(c, iptr ? iptr : ptr, iname ? iname : name);
    c->array_depth--;
    free(iname);
    free(iptr);
    count_check(c, t, s, ptr, "minItems", CARDC_CHECK_MIN_ITEMS);
    count_check(c, t, s, ptr, "maxItems", CARDC_CHECK_MAX_ITEMS);
    const struct json_object *u = get(s, "uniqueItems");
    if (u && json_object_is_type(u, json_type_boolean) && json_object_get_boolean(u))
        add_check(c, t, CARDC_CHECK_UNIQUE_ITEMS, ptr, "uniqueItems");
    return t;
}

/* ---- The dispatcher ------------------------------------------------------- */

static const char *json_type_name(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "boolean";
    case json_type_int: return "integer";
    case json_type_double: return "number";
    case json_type_string: return "string";
    case json_type_array: return "array";
    default: return "object";
    }
}

/* The type an enum/const implies when "type" is absent, if one. */
static const char *implied_type(const struct json_object *s)
{
    const struct json_object *cv = get(s, "const"), *ev = get(s, "enum");
    const char *t = NULL;
    if (cv)
        t = json_type_name(cv);
    if (ev && json_object_is_type(ev, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(ev); i++) {
            const char *e = json_type_name(json_object_array_get_idx(ev, i));
            if (t && strcmp(t, e) != 0)
                return NULL;
            t = e;
        }
    }
    /* An integer-valued const/enum still admits 1.0: only strings, booleans
     * and null are safe to type from values alone. */
    if (t && (strcmp(t, "string") == 0 || strcmp(t, "boolean") == 0 || strcmp(t, "null") == 0))
        return t;
    return NULL;
}

static bool is_null_schema(const struct json_object *b)
{
    static const char *const allowed[] = {"type"};
    const char *t = get_str(b, "type");
    return t && strcmp(t, "null") == 0 && only_keywords(b, allowed, 1);
}

static gen_type *build_typed(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                             const char *prefix, const char *type)
{
    gen_type *t = NULL;

    if (strcmp(type, "object") == 0)
        t = build_object(c, s, ptr, name, prefix);
    else if (strcmp(type, "array") == 0)
        t = build_array(c, s, ptr, name, prefix);
    if (t) {
        value_checks(c, t, s, ptr);
        return t;
    }
    if (strcmp(type, "object") == 0 || strcmp(type, "array") == 0)
        return NULL;

    if (strcmp(type, "null") == 0) {
        t = new_type(c, CARDC_KIND_NULL, ptr);
    } else if (strcmp(type, "boolean") == 0) {
        t = new_type(c, CARDC_KIND_BOOL, ptr);
    } else if (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0) {
        t = new_type(c, type[0] == 'i' ? CARDC_KIND_INT : CARDC_KIND_NUMBER, ptr);
        if (t)
            number_checks(c, t, s, ptr);
    } else if (strcmp(type, "string") == 0) {
        const char *fmt = get_str(s, "format");
        const struct json_object *ev = get(s, "enum");
        bool string_enum =
            ev && json_object_is_type(ev, json_type_array) && json_object_array_length(ev) > 0;
        for (size_t i = 0; string_enum && i < json_object_array_length(ev); i++) {
            struct json_object *e = json_object_array_get_idx(ev, i);
            string_enum =
                json_object_is_type(e, json_type_string) &&
                strlen(json_object_get_string(e)) == (size_t)json_object_get_string_len(e);
            for (size_t j = 0; string_enum && j < i; j++)
                string_enum = strcmp(json_object_get_string(e),
                                     json_object_get_string(json_object_array_get_idx(ev, j))) != 0;
        }
        if (fmt && strcmp(fmt, "binary") == 0) {
            t = new_type(c, CARDC_KIND_BYTES, ptr);
            if (t && (get(s, "minLength") || get(s, "maxLength") || get(s, "pattern") || ev ||
                      get(s, "const")))
                t->flags |= CARDC_TYPE_RESIDUAL;
        } else {
            t = new_type(c, string_enum ? CARDC_KIND_ENUM : CARDC_KIND_STRING, ptr);
            if (t) {
                count_check(c, t, s, ptr, "minLength", CARDC_CHECK_MIN_LENGTH);
                count_check(c, t, s, ptr, "maxLength", CARDC_CHECK_MAX_LENGTH);
                text_check(c, t, s, ptr, "pattern", CARDC_CHECK_PATTERN);
                if (fmt)
                    text_check(c, t, s, ptr, "format", CARDC_CHECK_FORMAT);
            }
        }
        if (t && t->kind == CARDC_KIND_ENUM) {
            size_t n = json_object_array_length(ev);
            t->named = true;
            t->enum_values = calloc(n, sizeof *t->enum_values);
            t->enum_consts = calloc(n + 1, sizeof *t->enum_consts);
            if (!t->enum_values || !t->enum_consts) {
                c->oom = 1;
                return t;
            }
        }
    } else {
        return make_json(c, ptr, name);
    }
    if (!t)
        return NULL;
    t->name = unique_stem(c, name, t->kind);
    if (!t->name)
        return t; /* c->oom: the build stops */
    if (t->kind == CARDC_KIND_ENUM && t->enum_values) {
        const struct json_object *ev = get(s, "enum");
        char *upper = upper_of(c, t->name, strlen(t->name));
        char cname[1200];
        snprintf(cname, sizeof cname, "%s_UNSET", upper ? upper : "ENUM");
        t->enum_consts[0] = unique_const(c, cname);
        for (size_t i = 0; i < json_object_array_length(ev); i++) {
            struct json_object *e = json_object_array_get_idx(ev, i);
            const char *v = json_object_get_string(e);
            char *u = upper_of(c, v, strlen(v));
            if (u && *u && !(u[0] >= '0' && u[0] <= '9'))
                snprintf(cname, sizeof cname, "%s_%s", upper ? upper : "ENUM", u);
            else
                snprintf(cname, sizeof cname, "%s_V%s", upper ? upper : "ENUM", u && *u ? u : "");
            free(u);
            t->enum_values[i] = xstrdup(c, v);
            t->enum_consts[i + 1] = unique_const(c, cname);
            t->enum_count++;
        }
        free(upper);
    }
    value_checks(c, t, s, ptr);
    return t;
}

/* allOf of object schemas merges into one struct when that is exact: only
 * type/properties/required (and annotations) anywhere, some part says
 * "object", and a property named twice has the same schema. On success the
 * members are queued in c->merge for build_object. */
static void merge_clear(ctx *c)
{
    for (size_t i = 0; i < c->merge_n; i++) {
        free(c->merge_ptr[i]);
        c->merge_ptr[i] = NULL;
    }
    c->merge_n = 0;
}

static bool allof_mergeable(ctx *c, const struct json_object *s, const char *ptr)
{
    static const char *const parent_ok[] = {"allOf", "type", "properties", "required"};
    static const char *const part_ok[] = {"type", "properties", "required"};
    const struct json_object *list = get(s, "allOf");
    size_t n =
        list && json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
    bool object = false;
    const char *t;

    merge_clear(c);
    if (n == 0 || n > 16 || !only_keywords(s, parent_ok, 4))
        return false;
    t = single_type(s, NULL);
    if (get(s, "type") && (!t || strcmp(t, "object") != 0))
        return false;
    object = t != NULL;
    c->merge_n = 0;
    for (size_t i = 0; i < n; i++) {
        const struct json_object *e = json_object_array_get_idx(list, i);
        char *eptr = child_ptr_i(c, ptr, "allOf", i);
        const char *ref = get_str(e, "$ref");
        if (ref) {
            static const char *const only_ref[] = {"$ref"};
            char *tptr = NULL;
            const struct json_object *target =
                only_keywords(e, only_ref, 1) ? resolve_local(c, ref, &tptr) : NULL;
            free(eptr);
            eptr = tptr;
            e = target;
        }
        if (!e || !eptr || !json_object_is_type(e, json_type_object) ||
            !only_keywords(e, part_ok, 3)) {
            free(eptr);
            goto no;
        }
        t = single_type(e, NULL);
        if (get(e, "type") && (!t || strcmp(t, "object") != 0)) {
            free(eptr);
            goto no;
        }
        object = object || t != NULL;
        c->merge[c->merge_n] = e;
        c->merge_ptr[c->merge_n++] = eptr;
    }
    /* A property defined twice must be defined alike. */
    for (size_t i = 0; i <= c->merge_n; i++) {
        const struct json_object *pi = get(i ? c->merge[i - 1] : s, "properties");
        if (!pi)
            continue;
        for (size_t j = i + 1; j <= c->merge_n; j++) {
            const struct json_object *pj = get(c->merge[j - 1], "properties");
            if (!pj)
                continue;
            json_object_object_foreach((struct json_object *)pi, key, v)
            {
                const struct json_object *w = get(pj, key);
                if (w && !json_object_equal((struct json_object *)v, (struct json_object *)w))
                    goto no;
            }
        }
    }
    if (object)
        return true;
no:
    merge_clear(c);
    return false;
}

/* The name a schema gives its type: its title wherever it is (*titled
 * set), else its $defs/definitions key; NULL for none. Heap. */
static char *given_name(ctx *c, const struct json_object *s, const char *ptr, bool *titled)
{
    char *name = NULL;
    const char *title = get_str(s, "title"), *p = NULL;
    *titled = false;
    if (title && *title && ptr[0]) {
        char *sn = snake_of(c, title, strlen(title));
        if (sn && *sn)
            name = join(c, c->m->c_name, sn);
        free(sn);
        if (name) {
            *titled = true;
            return name;
        }
    }
    if (strncmp(ptr, "/$defs/", 7) == 0)
        p = ptr + 7;
    else if (strncmp(ptr, "/definitions/", 13) == 0)
        p = ptr + 13;
    if (p && !strchr(p, '/')) {
        char *sn = snake_of(c, p, strlen(p));
        if (sn && *sn)
            name = join(c, c->m->c_name, sn);
        free(sn);
    }
    return name;
}

/* A field's {"oneOf"/"anyOf": [{"type": "null"}, X]}: X, nullable.
 * *done is false when the schema has another shape. */
static gen_type *build_null_pair(ctx *c, const struct json_object *s, const char *ptr,
                                 const char *name, const char *ukw, bool *nullable, bool *done)
{
    const struct json_object *list = get(s, ukw);
    static const char *const allowed[] = {"oneOf", "anyOf"};
    gen_type *t;
    *done = false;
    if (json_object_array_length(list) != 2 || !only_keywords(s, allowed, 2))
        return NULL;
    for (size_t i = 0; i < 2; i++) {
        const struct json_object *a = json_object_array_get_idx(list, i);
        const struct json_object *b = json_object_array_get_idx(list, 1 - i);
        if (!is_null_schema(a) || !json_object_is_type(b, json_type_object) || get(b, "$ref") ||
            !single_type(b, NULL) || strcmp(single_type(b, NULL), "null") == 0)
            continue;
        char *bptr = child_ptr_i(c, ptr, ukw, 1 - i);
        *done = true;
        t = build(c, b, bptr ? bptr : ptr, name, NULL, true, NULL);
        free(bptr);
        if (t) {
            free(t->pointer);
            t->pointer = xstrdup(c, ptr);
            t->flags |= CARDC_TYPE_NULLABLE;
            *nullable = true;
        }
        return t;
    }
    return NULL;
}

/* The one JSON type of a schema ("type", maybe with "null" in a field),
 * inherited or implied; NULL when it has none or several. */
static const char *the_type(const struct json_object *s, const char *inherit, bool field,
                            bool *with_null)
{
    const struct json_object *tv = get(s, "type");
    const char *type = NULL;
    *with_null = false;
    if (tv && json_object_is_type(tv, json_type_array)) {
        size_t n = json_object_array_length(tv), k = 0;
        for (size_t i = 0; i < n; i++) {
            const char *x = json_object_get_string(json_object_array_get_idx(tv, i));
            if (strcmp(x, "null") == 0) {
                *with_null = true;
            } else {
                type = x;
                k++;
            }
        }
        if (k != 1 || (*with_null && !field) || (!*with_null && n != 1))
            type = NULL;
        if (!type && k == 0 && *with_null)
            type = "null";
        return type;
    }
    if (tv)
        return json_object_get_string((struct json_object *)tv);
    return inherit ? inherit : implied_type(s);
}

/* Keywords nothing inline checks. */
static void mark_residual(gen_type *t, const struct json_object *s)
{
    json_object_object_foreach((struct json_object *)s, key, val)
    {
        (void)val;
        if (IN(residual_keywords, key))
            t->flags |= CARDC_TYPE_RESIDUAL;
        if (strcmp(key, "not") == 0 && t->kind != CARDC_KIND_OBJECT)
            t->flags |= CARDC_TYPE_RESIDUAL;
        if ((strcmp(key, "dependentRequired") == 0 || strcmp(key, "dependencies") == 0) &&
            t->kind != CARDC_KIND_OBJECT && t->kind != CARDC_KIND_MAP)
            t->flags |= CARDC_TYPE_RESIDUAL;
    }
}

/* The type of schema object s, by the first rule that fits: a new base
 * URI, a lone $ref, a mergeable allOf, a union, a single type. */
static gen_type *build_shape(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                             const char *prefix, const char *inherit, bool field, bool *nullable)
{
    gen_type *t;
    if (get(s, "$id") && ptr[0])
        return make_json(c, ptr, name); /* a new base URI: refs below resolve elsewhere */
    const char *ref = get_str(s, "$ref");
    if (ref) {
        static const char *const allowed[] = {"$ref"};
        char *tptr = NULL;
        const struct json_object *target =
            only_keywords(s, allowed, 1) ? resolve_local(c, ref, &tptr) : NULL;
        t = target ? build(c, target, tptr, name, NULL, false, NULL) : make_json(c, ptr, name);
        free(tptr);
        return t;
    }
    if (get(s, "allOf") && !get(s, "oneOf") && !get(s, "anyOf") && allof_mergeable(c, s, ptr))
        return build_object(c, s, ptr, name, prefix);
    if (get(s, "allOf") || (get(s, "oneOf") && get(s, "anyOf")))
        return make_json(c, ptr, name);
    const char *ukw = get(s, "oneOf") ? "oneOf" : get(s, "anyOf") ? "anyOf" : NULL;
    if (ukw) {
        bool done = false;
        if (field && nullable && (t = build_null_pair(c, s, ptr, name, ukw, nullable, &done), done))
            return t;
        return build_union(c, s, ptr, name, inherit, ukw);
    }
    bool with_null;
    const char *type = the_type(s, inherit, field, &with_null);
    if (!type)
        return make_json(c, ptr, name);
    t = build_typed(c, s, ptr, name, prefix, type);
    if (t && with_null && strcmp(type, "null") != 0) {
        t->flags |= CARDC_TYPE_NULLABLE;
        if (nullable)
            *nullable = true;
    }
    if (t)
        mark_residual(t, s);
    return t;
}

static gen_type *build(ctx *c, const struct json_object *s, const char *ptr, const char *name,
                       const char *inherit, bool field, bool *nullable)
{
    memo *e = NULL;
    gen_type *t = NULL;
    bool memoize = !field && !inherit, titled;
    const char *prefix = c->child_prefix;

    c->child_prefix = NULL;
    if (c->oom)
        return NULL;
    if (memoize) {
        e = memo_find(c, ptr);
        if (e) {
            if (!e->in_progress || c->array_depth > e->array_depth)
                return e->type;
            /* Direct recursion without an array between: no finite struct. */
            return make_json(c, ptr, name);
        }
    }
    if (!s || !json_object_is_type(s, json_type_object))
        return make_json(c, ptr, name); /* true/false schemas */

    char *given = given_name(c, s, ptr, &titled);
    if (given)
        name = given;
    if (titled)
        prefix = NULL;
    if (!memoize || memo_add(c, ptr))
        t = build_shape(c, s, ptr, name, prefix, inherit, field, nullable);
    if (memoize && !c->oom) {
        memo *again = memo_find(c, ptr);
        if (again) {
            again->type = t;
            again->in_progress = false;
        }
    }
    free(given);
    if (t && t->description == NULL) {
        const char *d = get_str(s, "description");
        if (d)
            t->description = xstrdup(c, d);
    }
    return t;
}

/* ---- Model --------------------------------------------------------------- */

static bool kid_residual(const gen_type *t)
{
    if (t->item && (t->item->flags & CARDC_TYPE_RESIDUAL))
        return true;
    if (t->additional && (t->additional->flags & CARDC_TYPE_RESIDUAL))
        return true;
    for (size_t i = 0; i < t->field_count; i++)
        if (t->fields[i].type && (t->fields[i].type->flags & CARDC_TYPE_RESIDUAL))
            return true;
    for (size_t i = 0; i < t->branch_count; i++)
        if (t->branches[i].type && (t->branches[i].type->flags & CARDC_TYPE_RESIDUAL))
            return true;
    return false;
}

static bool known_metaschema(const char *uri)
{
    static const char *const known[] = {
        "http://json-schema.org/draft-04/schema",
        "http://json-schema.org/draft-06/schema",
        "http://json-schema.org/draft-07/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    };
    size_t n;

    if (!uri)
        return true;
    n = strlen(uri);
    if (n && uri[n - 1] == '#')
        n--;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const char *k = known[i];
        /* http and https spellings alike */
        const char *ks = strchr(k, ':'), *us = strchr(uri, ':');
        if (ks && us && (size_t)(uri + n - us) == strlen(ks) && strncmp(us, ks, strlen(ks)) == 0 &&
            (strncmp(uri, "http:", 5) == 0 || strncmp(uri, "https:", 6) == 0))
            return true;
    }
    return false;
}

cardc_status gen_model_build(gen_model *m, cardc_error *err)
{
    static const char *const fixed[] = {"_model",
                                        "_input_schema",
                                        "_input_schema_json",
                                        "_output_schema",
                                        "_output_schema_json",
                                        "_input_resources",
                                        "_input_resource_json",
                                        "_output_resources",
                                        "_output_resource_json",
                                        "_run",
                                        "_run_stream"};
    char buf[1100];

    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", m->c_name, fixed[i]);
        if (gen_names_add(&m->names, buf) != 0)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    for (int side = 0; side < 2; side++) {
        gen_side *sd = &m->sides[side];
        ctx c;

        if (!sd->schema)
            continue;
        memset(&c, 0, sizeof c);
        c.m = m;
        c.side = side;
        c.root = sd->schema;
        if (m->schema_mode)
            snprintf(buf, sizeof buf, "%s", m->c_name);
        else
            snprintf(buf, sizeof buf, "%s_%s", m->c_name, side ? "output" : "input");
        /* The root keeps its plain name even when titled (build() skips
         * the title rule at pointer ""). */
        /* A custom meta-schema may switch vocabularies off: then only the
         * validator knows what the keywords mean. */
        if (!known_metaschema(get_str(sd->schema, "$schema"))) {
            sd->root = make_json(&c, "", buf);
            if (sd->root && json_object_is_type(sd->schema, json_type_object))
                sd->root->description = get_str(sd->schema, "description")
                                            ? xstrdup(&c, get_str(sd->schema, "description"))
                                            : NULL;
        } else {
            sd->root = build(&c, sd->schema, "", buf, NULL, false, NULL);
        }
        if (sd->root)
            sd->root->named = true;
        merge_clear(&c);
        for (size_t i = 0; i < c.memo_n; i++)
            free(c.memo[i].pointer);
        free(c.memo);
        if (c.oom)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    /* RESIDUAL flows up to every ancestor (fixed point: types may recurse). */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < m->type_count; i++) {
            gen_type *t = m->types[i];
            if (!(t->flags & CARDC_TYPE_RESIDUAL) && kid_residual(t)) {
                t->flags |= CARDC_TYPE_RESIDUAL;
                changed = true;
            }
        }
    }
    return CARDC_OK;
}

static void free_type(gen_type *t)
{
    free(t->name);
    free(t->pointer);
    free(t->description);
    for (size_t i = 0; i < t->check_count; i++) {
        free(t->checks[i].text);
        free(t->checks[i].fields);
        free(t->checks[i].keyword);
    }
    free(t->checks);
    for (size_t i = 0; i < t->field_count; i++) {
        free(t->fields[i].json_name);
        free(t->fields[i].c_name);
        free(t->fields[i].default_json);
        free(t->fields[i].description);
        free(t->fields[i].pointer);
    }
    free(t->fields);
    for (size_t i = 0; i < t->branch_count; i++) {
        free(t->branches[i].name);
        free(t->branches[i].member);
    }
    free(t->branches);
    for (size_t i = 0; i < t->enum_count; i++)
        free(t->enum_values[i]);
    free(t->enum_values);
    if (t->enum_consts)
        for (size_t i = 0; i <= t->enum_count; i++)
            free(t->enum_consts[i]);
    free(t->enum_consts);
    free(t->kind_enum);
    free(t->additional_member);
    if (t->kind_consts)
        for (size_t i = 0; i <= t->branch_count; i++)
            free(t->kind_consts[i]);
    free(t->kind_consts);
    free(t);
}

void gen_model_free(gen_model *m)
{
    for (size_t i = 0; i < m->type_count; i++)
        free_type(m->types[i]);
    free(m->types);
    for (int s = 0; s < 2; s++) {
        free(m->sides[s].json);
        free(m->sides[s].source);
        for (size_t i = 0; i < m->sides[s].resource_count; i++) {
            free(m->sides[s].resource_uris[i]);
            free(m->sides[s].resource_jsons[i]);
        }
        free(m->sides[s].resource_uris);
        free(m->sides[s].resource_jsons);
    }
    free(m->c_name);
    gen_names_free(&m->names);
    gen_names_free(&m->stems);
    memset(m, 0, sizeof *m);
}
