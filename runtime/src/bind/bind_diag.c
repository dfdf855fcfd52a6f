/* SPDX-License-Identifier: MIT */
/* Binding engine: the JSON Schema validator as the reference. It decides
 * what the inline checks defer and explains every rejection, so a binding
 * reports exactly what `cardc validate` reports. A generated side's schema
 * is compiled once and kept in its cardc_schema_cache (bind_cache.c); a
 * descriptor without one (written by hand) has it compiled per call. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind/bind_internal.h"
#include "cardc/json.h"
#include "common/errors_internal.h"
#include "json/json_internal.h"
#include "schema/schema_internal.h"

/* The side's schema is registered under this URI when a subschema is
 * compiled through {"$ref": "urn:cardc:model#/pointer"}. */
#define MODEL_URI "urn:cardc:model"

void cardc__bind_diag_free(bind_diag *d)
{
    for (size_t i = 0; i < d->ncompiled; i++)
        cardc_schema_free(d->compiled[i].schema);
    cardc_registry_free(d->registry);
    json_object_put(d->doc);
    cardc__bind_diag_init(d);
}

/* A JSON Pointer as a URI fragment: RFC 3986 pchar, the rest %-escaped. */
static char *fragment(const char *pointer)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(pointer);
    char *out = malloc(n * 3 + 1), *o = out;

    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)pointer; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~!$&'()*+,;=:@/", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Parses embedded JSON text (the side's schema or a resource of it): the
 * pieces generated code splits it into (bind.h), joined. `name` is the
 * type or model it belongs to, for the message. */
static cardc_status parse_embedded(const char *name, const char *what, const char *const *parts,
                                   struct json_object **doc, cardc_error *err)
{
    char msg[128], *text;
    size_t off = 0, len = 0;
    cardc_status st;

    if (!parts)
        return cardc__error(err, CARDC_E_SCHEMA, "%s carries no embedded %s", name, what);
    for (size_t i = 0; parts[i]; i++)
        len += strlen(parts[i]);
    if (!(text = malloc(len + 1)))
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    len = 0;
    for (size_t i = 0; parts[i]; i++) {
        size_t n = strlen(parts[i]);
        memcpy(text + len, parts[i], n);
        len += n;
    }
    text[len] = '\0';
    st = cardc__json_parse(text, len, CARDC_JSON_DEFAULT_MAX_DEPTH, 0, doc, &off, msg, sizeof msg);
    free(text);
    if (st != CARDC_OK)
        cardc__error(err, st, "embedded %s of %s: %s at byte %zu", what, name, msg, off);
    return st;
}

/* A registry holding the documents the side's schema reached when it was
 * generated, under their URIs. */
static cardc_status embedded_registry(const cardc_schema_text *text, const char *name,
                                      cardc_registry **out, cardc_error *err)
{
    cardc_status st = cardc_registry_new(out, err);

    for (size_t i = 0; st == CARDC_OK && i < text->resource_count; i++) {
        const cardc_resource_text *r = &text->resources[i];
        struct json_object *doc = NULL;
        if (!r->uri)
            return cardc__error(err, CARDC_E_SCHEMA, "embedded resource %zu of %s has no URI", i,
                                name);
        st = parse_embedded(name, "resource", r->json_parts, &doc, err);
        if (st == CARDC_OK)
            st = cardc_registry_add(*out, r->uri, doc, err);
        json_object_put(doc);
    }
    return st;
}

/* The registry the side's schema compiles against: the embedded resources,
 * and the schema itself (doc) under MODEL_URI (for subschemas). */
static cardc_status make_registry(const cardc_type *t, struct json_object *doc,
                                  cardc_registry **out, cardc_error *err)
{
    cardc_registry *registry = NULL;
    cardc_status st = embedded_registry(t->schema, t->c_name ? t->c_name : "?", &registry, err);

    if (st == CARDC_OK)
        st = cardc_registry_add(registry, MODEL_URI, doc, err);
    if (st != CARDC_OK) {
        cardc_registry_free(registry);
        registry = NULL;
    }
    *out = registry;
    return st;
}

cardc_status cardc__bind_side_load(const cardc_type *t, struct json_object **doc,
                                   cardc_registry **registry, cardc_error *err)
{
    cardc_status st;

    *doc = NULL;
    *registry = NULL;
    if (!t->schema || !t->schema->json_parts)
        return cardc__error(err, CARDC_E_SCHEMA, "type %s carries no schema text",
                            t->c_name ? t->c_name : "?");
    st = parse_embedded(t->c_name ? t->c_name : "?", "schema", t->schema->json_parts, doc, err);
    if (st == CARDC_OK)
        st = make_registry(t, *doc, registry, err);
    if (st != CARDC_OK) {
        json_object_put(*doc);
        *doc = NULL;
    }
    return st;
}

static cardc_status schema_text_compile_body(const cardc_schema_text *text, cardc_schema **out,
                                             cardc_error *err)
{
    const char *name = text && text->source ? text->source : "(unnamed schema)";
    struct json_object *doc = NULL;
    cardc_registry *registry = NULL;
    cardc_schema_options so;
    cardc_status st;

    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_schema_text_compile: out is NULL");
    *out = NULL;
    if (!text)
        return cardc__error(err, CARDC_E_USAGE, "cardc_schema_text_compile: text is NULL");
    st = parse_embedded(name, "schema", text->json_parts, &doc, err);
    if (st == CARDC_OK)
        st = embedded_registry(text, name, &registry, err);
    if (st == CARDC_OK) {
        cardc_schema_options_init(&so);
        so.dialect = text->dialect;
        so.flags = text->schema_flags;
        so.registry = registry;
        st = cardc_schema_compile(doc, &so, out, err);
    }
    cardc_registry_free(registry);
    json_object_put(doc);
    return st;
}

cardc_status cardc_schema_text_compile(const cardc_schema_text *text, cardc_schema **out,
                                       cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, schema_text_compile_body(text, out, err));
}

cardc_schema *cardc__bind_side_compile(const cardc_type *t, struct json_object *doc,
                                       const cardc_registry *registry, cardc_error *err)
{
    const char *pointer = t->pointer ? t->pointer : "";
    cardc_schema_options so;
    cardc_schema *s = NULL;
    cardc_status st;

    cardc_schema_options_init(&so);
    so.dialect = t->schema->dialect;
    so.flags = t->schema->schema_flags;
    so.registry = registry;
    if (!*pointer) {
        /* the root itself, so keyword locations match `cardc validate --card` */
        st = cardc_schema_compile(doc, &so, &s, err);
    } else {
        struct json_object *ref = NULL;
        char *frag = fragment(pointer), *uri = NULL;
        st = CARDC_E_NOMEM;
        if (frag && (uri = malloc(strlen(frag) + sizeof MODEL_URI + 2)) != NULL) {
            sprintf(uri, "%s#%s", MODEL_URI, frag);
            struct json_object *target = json_object_new_string(uri);
            ref = target ? json_object_new_object() : NULL;
            if (ref && cardc__json_set(ref, "$ref", target) == 0)
                st = CARDC_OK;
            else
                json_object_put(target);
        }
        if (st == CARDC_OK)
            st = cardc_schema_compile(ref, &so, &s, err);
        else
            cardc__error(err, st, "out of memory");
        json_object_put(ref);
        free(frag);
        free(uri);
    }
    return st == CARDC_OK ? s : NULL;
}

/* t's subschema: from the side's cache, else compiled for this call (kept
 * in d until cardc__bind_diag_free). */
static cardc_schema *compile(bind_diag *d, const cardc_type *t, cardc_error *err)
{
    const char *pointer = t->pointer ? t->pointer : "";
    cardc_schema *s;

    if (t->schema && t->schema->cache)
        return cardc__bind_cache_schema(t, err);
    for (size_t i = 0; i < d->ncompiled; i++)
        if (strcmp(d->compiled[i].pointer, pointer) == 0)
            return d->compiled[i].schema;
    if (!d->doc && cardc__bind_side_load(t, &d->doc, &d->registry, err) != CARDC_OK)
        return NULL;
    if (!(s = cardc__bind_side_compile(t, d->doc, d->registry, err)))
        return NULL;
    if (d->ncompiled == sizeof d->compiled / sizeof d->compiled[0]) {
        /* full: drop the oldest rather than grow without bound */
        cardc_schema_free(d->compiled[0].schema);
        memmove(d->compiled, d->compiled + 1, sizeof d->compiled - sizeof d->compiled[0]);
        d->ncompiled--;
    }
    d->compiled[d->ncompiled].pointer = pointer;
    d->compiled[d->ncompiled].schema = s;
    d->ncompiled++;
    return s;
}

/* The options the text is validated with: the decoder's depth and its
 * duplicate-keys policy. */
static void text_options(const bind_diag *d, int max_depth, cardc_validate_options *vo)
{
    cardc_validate_options_init(vo);
    vo->max_depth = max_depth;
    if (d->json_flags & CARDC__JSON_UNIQUE_KEYS)
        vo->duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
}

/* Both entries validate the text itself (cardc_validate_text, as `cardc
 * validate` does): no json-c tree, and each error already at its line and
 * column. On the seed card's rejections this took 5.7-10.7x the time of a
 * valid decode of the same size through a json-c tree (bench_decode). */
int cardc__bind_validate_text(bind_diag *d, const cardc_type *t, const char *text, size_t len,
                              cardc_result *result, int max_depth, cardc_error *err)
{
    cardc_validate_options vo;
    cardc_error local;
    cardc_schema *s;
    cardc_status st;

    s = compile(d, t, err);
    if (!s)
        return -1;
    text_options(d, max_depth, &vo);
    cardc_error_clear(&local);
    st = cardc_validate_text(s, text, len, &vo, result, &local);
    if (st == CARDC_OK)
        return 1;
    if (st == CARDC_E_INVALID)
        return 0;
    if (err && err->code == CARDC_OK)
        *err = local;
    return -1;
}

cardc_status cardc__bind_explain(bind_diag *d, const cardc_type *t, const char *text, size_t len,
                                 const char *source, cardc_result *result, int max_depth,
                                 int provisional, cardc_error *err)
{
    cardc_result *r = result;
    cardc_validate_options vo;
    cardc_error local;
    const runit *m;
    cardc_schema *s;
    cardc_status st;

    s = compile(d, t, err);
    if (!s)
        return err && err->code ? err->code : CARDC_E_SCHEMA;
    if (!r && !(r = cardc__bind_cache_take_result(t)) && cardc_result_new(&r, err) != CARDC_OK)
        return CARDC_E_NOMEM;
    text_options(d, max_depth, &vo);
    /* the decoder refused it; without a result, only the reported error
     * is made whole and placed */
    vo.flags |= CARDC__VALIDATE_INVALID;
    if (!result)
        vo.flags |= CARDC__VALIDATE_MAIN_ONLY;
    cardc__error_enter(&local);
    st = cardc__validate_text(s, text, len, &vo, r, &local);
    m = st == CARDC_E_INVALID ? cardc__result_main_error(r) : NULL;
    if (m && cardc__unit_is_outline(m)) { /* only combinators failed: in full this time */
        vo.flags &= ~CARDC__VALIDATE_MAIN_ONLY;
        st = cardc__validate_text(s, text, len, &vo, r, &local);
        m = st == CARDC_E_INVALID ? cardc__result_main_error(r) : NULL;
    }
    if (st == CARDC_E_INVALID) {
        if (err && err->code == CARDC_OK) {
            cardc__error_at(err, CARDC_E_INVALID, source, m ? m->u.line : 1, m ? m->u.column : 1,
                            "%s", m ? m->u.message : "invalid");
            cardc__error_pointer(err, m ? m->u.instance_location : "");
            err->offset = m ? m->offset : 0;
        }
    } else if (st == CARDC_OK && provisional) {
        /* a later member cured the one the decode stopped at */
    } else if (st == CARDC_OK) {
        /* the engine and the reference must never disagree */
        st = cardc__error_at(err, CARDC_E_INVALID, source, 1, 1,
                             "internal: decoder and validator disagree at type %s (%s): the "
                             "decoder rejects a value the schema accepts",
                             t->c_name ? t->c_name : "?", t->pointer ? t->pointer : "");
    } else if (err && err->code == CARDC_OK) {
        /* malformed text, reported as `cardc validate` reports it */
        cardc__error_leave(&local, st);
        *err = local;
        if (source)
            snprintf(err->source, sizeof err->source, "%s", source);
    }
    if (r != result)
        cardc__bind_cache_give_result(t, r);
    return st;
}

void cardc__bind_result_valid(cardc_result *result)
{
    cardc__result_clear(result);
    result->valid = true;
}
