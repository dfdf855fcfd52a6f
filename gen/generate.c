/* SPDX-License-Identifier: MIT */
/* cardc gen's pipeline: load each card (or the plain schema), check its
 * schemas compile, build the IR, write NAME.h/NAME.c per model and the
 * cardc_models registry for several. cli/cmd_gen.c only reads options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "common/errors_internal.h"
#include "gen.h"

static cardc_status nomem(cardc_error *err)
{
    return cardc__error(err, CARDC_E_NOMEM, "out of memory");
}

/* Copies the documents the compiled schema reached (not the root, not the
 * built-in meta-schemas) into the side, in the schema's document order. */
static int keep_resources(gen_side *sd, const cardc_schema *compiled)
{
    size_t n = cardc_schema_document_count(compiled);

    if (n <= 1)
        return 0;
    sd->resource_uris = calloc(n, sizeof *sd->resource_uris);
    sd->resource_jsons = calloc(n, sizeof *sd->resource_jsons);
    if (!sd->resource_uris || !sd->resource_jsons)
        return -1;
    for (size_t i = 1; i < n; i++) {
        const struct json_object *doc = NULL;
        bool builtin = false;
        const char *uri = cardc_schema_document(compiled, i, &doc, &builtin);
        if (!uri || !doc || builtin)
            continue;
        sd->resource_uris[sd->resource_count] = strdup(uri);
        sd->resource_jsons[sd->resource_count] = cardc_json_dump(doc, 0);
        sd->resource_count++;
        if (!sd->resource_uris[sd->resource_count - 1] ||
            !sd->resource_jsons[sd->resource_count - 1])
            return -1;
    }
    return 0;
}

/* Where a schema sits in the file the user wrote, for its compile errors:
 * a card's schema position, or the plain schema's text. */
typedef struct schema_origin {
    const char *file;
    int line, col;
    const char *text;
    size_t len;
} schema_origin;

/* Compiles one schema so an invalid one is reported before generating;
 * positions point into the file the user wrote. The documents it reached
 * go into sd. */
static cardc_status check_schema(gen_side *sd, const struct json_object *schema,
                                 const cardc_schema_options *sopts, const schema_origin *at,
                                 cardc_error *err)
{
    cardc_schema *compiled = NULL;
    int line = at->line, col = at->col;

    if (cardc_schema_compile(schema, sopts, &compiled, err) == CARDC_OK) {
        int rc = keep_resources(sd, compiled);
        cardc_schema_free(compiled);
        return rc != 0 ? nomem(err) : CARDC_OK;
    }
    if (!err->source[0]) {
        if (at->text)
            cardc_json_locate(at->text, at->len, err->pointer, &line, &col);
        snprintf(err->source, sizeof err->source, "%s", at->file);
        err->line = line;
        err->column = col;
    }
    return err->code;
}

/* contentType of a side: the root's, else its first branch's. */
static const char *content_type(const struct json_object *s)
{
    struct json_object *v, *list;
    if (!s || !json_object_is_type(s, json_type_object))
        return "application/json";
    if (json_object_object_get_ex(s, "contentType", &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    if ((json_object_object_get_ex(s, "oneOf", &list) ||
         json_object_object_get_ex(s, "anyOf", &list)) &&
        json_object_is_type(list, json_type_array))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *b = json_object_array_get_idx(list, i);
            if (json_object_is_type(b, json_type_object) &&
                json_object_object_get_ex(b, "contentType", &v) &&
                json_object_is_type(v, json_type_string))
                return json_object_get_string(v);
        }
    return "application/json";
}

static cardc_status set_side(gen_model *m, int side, const struct json_object *schema,
                             const char *source, const char *where, cardc_error *err)
{
    size_t n = strlen(source) + strlen(where) + 1;
    m->sides[side].schema = schema;
    m->sides[side].json = cardc_json_dump(schema, 0);
    m->sides[side].source = malloc(n);
    if (!m->sides[side].json || !m->sides[side].source)
        return nomem(err);
    snprintf(m->sides[side].source, n, "%s%s", source, where);
    m->sides[side].content_type = content_type(schema);
    return CARDC_OK;
}

/* The state of one run: what the models borrow lives here until the end. */
struct gen_run {
    const gen_request *req;
    cardc_card **cards;
    gen_model *models;
    gen_model **order;
    size_t n_models;
    struct json_object *schema_doc;
    char *schema_text;
    size_t schema_len;
};

/* What the output calls a card (or schema) file: the path as given on the
 * command line, or with --strip-path only its file name, so two builds in
 * different directories write the same bytes. */
static const char *label(const gen_run *g, const char *path)
{
    const char *slash = strrchr(path, '/');

    return g->req->strip_path && slash && slash[1] ? slash + 1 : path;
}

static cardc_status load_schema_model(gen_run *g, gen_model *m, cardc_error *err)
{
    const char *path = g->req->schema, *file = strcmp(path, "-") ? path : "<stdin>";
    schema_origin at = {file, 0, 0, NULL, 0};

    if (cardc_read_file(path, &g->schema_text, &g->schema_len, err) != CARDC_OK ||
        cardc_json_parse(g->schema_text, g->schema_len, file, 0, &g->schema_doc, err) != CARDC_OK)
        return err->code;
    at.text = g->schema_text;
    at.len = g->schema_len;
    if (check_schema(&m->sides[0], g->schema_doc, g->req->schema_options, &at, err) != CARDC_OK)
        return err->code;
    m->schema_mode = true;
    m->model_name = g->req->name;
    m->card = file;
    m->card_label = label(g, file);
    m->c_name = strdup(g->req->name);
    if (!m->c_name)
        return nomem(err);
    return set_side(m, 0, g->schema_doc, m->card_label, "", err);
}

/* Two cards whose names mangle alike get _2, _3, ... */
static cardc_status unique_c_name(gen_run *g, size_t i, cardc_error *err)
{
    gen_model *m = &g->models[i];
    for (int k = 2;; k++) {
        bool clash = strcmp(m->c_name, "cardc_models") == 0;
        for (size_t j = 0; j < i && !clash; j++)
            clash = strcmp(g->models[j].c_name, m->c_name) == 0;
        if (!clash)
            return CARDC_OK;
        char buf[300];
        size_t base = strlen(m->c_name);
        if (k > 2)
            base = (size_t)(strrchr(m->c_name, '_') - m->c_name);
        snprintf(buf, sizeof buf, "%.*s_%d", (int)base, m->c_name, k);
        free(m->c_name);
        m->c_name = strdup(buf);
        if (!m->c_name)
            return nomem(err);
    }
}

static cardc_status load_card_side(gen_run *g, gen_model *m, cardc_card *card, int side,
                                   cardc_error *err)
{
    const struct json_object *schema = NULL;
    const char *where;
    schema_origin at = {m->card, 0, 0, NULL, 0};
    cardc_status st = cardc_card_schema(card, (cardc_side)side, &schema, err);

    if (st == CARDC_E_NO_SCHEMA) {
        cardc_error_clear(err);
        m->sides[side].content_type = NULL;
        return CARDC_OK;
    }
    if (st != CARDC_OK) {
        if (!err->source[0])
            snprintf(err->source, sizeof err->source, "%s", m->card);
        return st;
    }
    cardc_card_schema_position(card, (cardc_side)side, &at.line, &at.col);
    if (check_schema(&m->sides[side], schema, g->req->schema_options, &at, err) != CARDC_OK)
        return err->code;
    where = cardc_card_get_format(card) == CARDC_CARD_JSON
                ? (side ? "#/schema/output" : "#/schema/input")
                : (side ? "#/json_schema/output" : "#/json_schema/input");
    return set_side(m, side, schema, m->card_label, where, err);
}

static cardc_status load_card_model(gen_run *g, size_t i, cardc_error *err)
{
    gen_model *m = &g->models[i];
    const char *path = g->req->cards[i];
    cardc_card *card;

    if (cardc_card_load(path, NULL, &g->cards[i], err) != CARDC_OK) {
        if (!err->source[0])
            snprintf(err->source, sizeof err->source, "%s", path);
        return err->code;
    }
    card = g->cards[i];
    m->model_name = cardc_card_name(card);
    m->task_name = cardc_card_task_name(card);
    m->task_type = cardc_card_task_type(card);
    m->description = cardc_card_description(card);
    m->context_window = cardc_card_get_traits(card)->context_window;
    m->async_queue = cardc_card_get_traits(card)->async_queue;
    m->card = path;
    m->card_label = label(g, path);
    m->c_name = g->req->name ? strdup(g->req->name)
                             : gen_model_c_name(m->model_name ? m->model_name : path);
    if (!m->c_name)
        return nomem(err);
    if (unique_c_name(g, i, err) != CARDC_OK)
        return err->code;
    for (int side = 0; side < 2; side++)
        if (load_card_side(g, m, card, side, err) != CARDC_OK)
            return err->code;
    return CARDC_OK;
}

/* Writes NAME.h and NAME.c (or cardc_models.h/.c when m is NULL). */
static cardc_status write_pair(gen_run *g, gen_model *m, cardc_error *err)
{
    strbuf h = {0}, c = {0};
    char file[1100];
    const char *stem = m ? m->file_stem : "cardc_models";
    cardc_status st;

    if (m) {
        gen_emit_header(&h, m);
        gen_emit_source(&c, m);
    } else {
        gen_emit_registry_header(&h, g->order, g->n_models);
        gen_emit_registry_source(&c, g->order, g->n_models);
    }
    if (h.oom || c.oom) {
        st = nomem(err);
    } else {
        snprintf(file, sizeof file, "%s.h", stem);
        st = gen_write_file(g->req->dir, file, &h, err);
        snprintf(file, sizeof file, "%s.c", stem);
        if (st == CARDC_OK)
            st = gen_write_file(g->req->dir, file, &c, err);
    }
    cardc__strbuf_free(&h);
    cardc__strbuf_free(&c);
    return st;
}

static cardc_status build_all(gen_run *g, cardc_error *err)
{
    const cardc_schema_options *so = g->req->schema_options;
    for (size_t i = 0; i < g->n_models; i++) {
        gen_model *m = &g->models[i];
        g->order[i] = m;
        m->dialect = so ? so->dialect : CARDC_DIALECT_AUTO;
        m->schema_flags = so ? so->flags : 0;
        if ((g->req->schema ? load_schema_model(g, m, err) : load_card_model(g, i, err)) !=
                CARDC_OK ||
            gen_model_build(m, err) != CARDC_OK)
            return err->code;
        m->file_stem = g->req->file_name ? g->req->file_name : m->c_name;
    }
    return CARDC_OK;
}

static cardc_status write_all(gen_run *g, cardc_error *err)
{
    if (mkdir(g->req->dir, 0777) != 0 && errno != EEXIST)
        return cardc__error_at(err, CARDC_E_IO, g->req->dir, 0, 0,
                               "cannot create the directory: %s", strerror(errno));
    for (size_t i = 0; i < g->n_models; i++)
        if (write_pair(g, &g->models[i], err) != CARDC_OK)
            return err->code;
    return g->n_models > 1 ? write_pair(g, NULL, err) : CARDC_OK;
}

static void run_free(gen_run *g)
{
    for (size_t i = 0; g->models && i < g->n_models; i++)
        gen_model_free(&g->models[i]);
    for (size_t i = 0; g->cards && i < g->n_models; i++)
        cardc_card_free(g->cards[i]);
    free(g->models);
    free(g->order);
    free(g->cards);
    json_object_put(g->schema_doc);
    free(g->schema_text);
}

/* Loads, checks and builds every model of req into g. */
static cardc_status run_load(gen_run *g, const gen_request *req, cardc_error *err)
{
    memset(g, 0, sizeof *g);
    g->req = req;
    g->n_models = req->schema ? 1 : req->card_count;
    g->cards = calloc(g->n_models ? g->n_models : 1, sizeof *g->cards);
    g->models = calloc(g->n_models ? g->n_models : 1, sizeof *g->models);
    g->order = calloc(g->n_models ? g->n_models : 1, sizeof *g->order);
    if (!g->cards || !g->models || !g->order)
        return nomem(err);
    return build_all(g, err);
}

cardc_status gen_generate(const gen_request *req, cardc_error *err)
{
    gen_run g;
    cardc_status st;

    cardc_error_clear(err);
    if ((st = run_load(&g, req, err)) == CARDC_OK)
        st = write_all(&g, err);
    run_free(&g);
    return st;
}

cardc_status gen_run_load(const gen_request *req, gen_run **out, cardc_error *err)
{
    gen_run *g = malloc(sizeof *g);
    cardc_status st;

    cardc_error_clear(err);
    *out = NULL;
    if (!g)
        return nomem(err);
    if ((st = run_load(g, req, err)) != CARDC_OK) {
        run_free(g);
        free(g);
        return st;
    }
    *out = g;
    return CARDC_OK;
}

size_t gen_run_count(const gen_run *g)
{
    return g ? g->n_models : 0;
}

const gen_model *gen_run_model(const gen_run *g, size_t index)
{
    return g && index < g->n_models ? &g->models[index] : NULL;
}

void gen_run_free(gen_run *g)
{
    if (!g)
        return;
    run_free(g);
    free(g);
}
