/* SPDX-License-Identifier: MIT */
/* version.c: one version of a card (YAML front matter or JSON layout) or of
 * a plain schema: its sides' schemas, where they sit in the file, their
 * references indexed as the validator resolves them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

static const char *const URNS[2][2] = {{"urn:cardc-diff:old:input", "urn:cardc-diff:old:output"},
                                       {"urn:cardc-diff:new:input", "urn:cardc-diff:new:output"}};

/* Registers the side under its URN and compiles it, so "$ref"s resolve and
 * subschemas can be compiled and sampled (evidence.c). A side that does not
 * compile is still compared, keyword by keyword, without references. */
static void index_side(diff_run *run, int which, int side)
{
    diff_side *s = &run->v[which].sides[side];
    cardc_schema_options so;
    cardc_error err;

    s->urn = URNS[which][side];
    if (!s->doc || cardc_registry_new(&s->registry, &err) != CARDC_OK ||
        cardc_registry_add(s->registry, URNS[which][side], (json_object *)s->doc, &err) != CARDC_OK)
        return;
    cardc_schema_options_init(&so);
    so.dialect = run->req->dialect;
    so.registry = s->registry;
    so.base_uri = URNS[which][side];
    if (cardc_schema_compile(s->doc, &so, &s->compiled, &err) != CARDC_OK)
        return;
    if (ref_index_build(&s->refs, s->doc, s->compiled) != 0) {
        run->oom = true;
        return;
    }
    s->indexed = true;
}

static cardc_status load_schema(diff_run *run, diff_version *v, cardc_error *err)
{
    int role = run->req->sides[1] ? 1 : 0;

    if (cardc_json_parse(v->text, v->len, v->path, 0, &v->schema_doc, err) != CARDC_OK)
        return err->code;
    v->sides[role].doc = v->schema_doc;
    v->sides[role].prefix = "";
    v->sides[role].located = true;
    return CARDC_OK;
}

static cardc_status load_card(diff_version *v, cardc_error *err)
{
    bool json = false;

    if (cardc_card_load_mem(v->text, v->len, v->path, NULL, &v->card, err) != CARDC_OK)
        return err->code;
    json = cardc_card_get_format(v->card) == CARDC_CARD_JSON;
    for (int side = 0; side < 2; side++) {
        diff_side *s = &v->sides[side];
        const json_object *doc = NULL;
        if (cardc_card_schema(v->card, (cardc_side)side, &doc, err) != CARDC_OK) {
            if (err->code != CARDC_E_NO_SCHEMA)
                return err->code;
            cardc_error_clear(err);
            continue;
        }
        s->doc = doc;
        s->prefix = json ? (side ? "/schema/output" : "/schema/input")
                         : (side ? "/json_schema/output" : "/json_schema/input");
        s->located = json;
        cardc_card_schema_position(v->card, (cardc_side)side, &s->line, &s->column);
    }
    return CARDC_OK;
}

cardc_status diff_version_load(diff_run *run, int which, const char *path, cardc_error *err)
{
    diff_version *v = &run->v[which];
    cardc_status st;

    v->path = path;
    if ((st = cardc_read_file(path, &v->text, &v->len, err)) != CARDC_OK)
        return st;
    st = run->req->schemas ? load_schema(run, v, err) : load_card(v, err);
    if (st != CARDC_OK) {
        if (!err->source[0])
            snprintf(err->source, sizeof err->source, "%s", path);
        return st;
    }
    for (int side = 0; side < 2; side++)
        index_side(run, which, side);
    return run->oom ? CARDC_E_NOMEM : CARDC_OK;
}

void diff_version_free(diff_version *v)
{
    for (int side = 0; side < 2; side++) {
        diff_side *s = &v->sides[side];
        if (s->indexed)
            ref_index_free(&s->refs);
        cardc_schema_free(s->compiled);
        cardc_registry_free(s->registry);
    }
    cardc_card_free(v->card);
    json_object_put(v->schema_doc);
    free(v->text);
    memset(v, 0, sizeof *v);
}

void diff_place_set(diff_run *run, int which, const char *ptr, diff_place *at)
{
    const diff_version *v = &run->v[which];
    const diff_side *s = &v->sides[run->side];
    size_t n = strlen(s->prefix ? s->prefix : "") + strlen(ptr) + 1;

    at->file = v->path;
    at->line = s->line;
    at->column = s->column;
    if (!(at->pointer = malloc(n))) {
        run->oom = true;
        return;
    }
    snprintf(at->pointer, n, "%s%s", s->prefix ? s->prefix : "", ptr);
    if (s->located)
        cardc_json_locate(v->text, v->len, at->pointer, &at->line, &at->column);
}

const json_object *diff_follow(diff_run *run, int which, const json_object *node, const char *ref)
{
    const diff_side *s = &run->v[which].sides[run->side];

    if (s->indexed)
        return ref_index_lookup(&s->refs, node, ref, NULL);
    /* Not compiled: local pointers still lead somewhere. */
    if (ref[0] == '#' && (ref[1] == '/' || ref[1] == 0))
        return ref_walk_pointer(s->doc, ref + 1);
    return NULL;
}

/* Depth-first search for node below at (pointer so far in b). */
static bool find(const json_object *at, const json_object *node, strbuf *b, int depth)
{
    size_t mark = b->len;

    if (at == node)
        return true;
    if (depth > 128)
        return false;
    if (json_object_is_type(at, json_type_object)) {
        json_object_object_foreach((json_object *)at, key, child)
        {
            strbuf_str(b, "/");
            strbuf_pointer_token(b, key, strlen(key));
            if (find(child, node, b, depth + 1))
                return true;
            strbuf_truncate(b, mark);
        }
    } else if (json_object_is_type(at, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(at); i++) {
            strbuf_printf(b, "/%zu", i);
            if (find(json_object_array_get_idx(at, i), node, b, depth + 1))
                return true;
            strbuf_truncate(b, mark);
        }
    }
    return false;
}

char *diff_pointer_of(diff_run *run, int which, const json_object *node)
{
    strbuf b = {0};

    strbuf_str(&b, "");
    if (!find(run->v[which].sides[run->side].doc, node, &b, 0) || b.oom) {
        run->oom |= b.oom != 0;
        cardc__strbuf_free(&b);
        return NULL;
    }
    return cardc__strbuf_take(&b);
}
