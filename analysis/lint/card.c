/* SPDX-License-Identifier: MIT */
/* card.c: what only a card can get wrong: a missing output schema, a
 * contentType that contradicts the schema, and names that collide once
 * cardc gen mangles them into C identifiers (gen/names.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/textpos.h"
#include "gen.h"
#include "lint_internal.h"

void lint_rules_card(lint_run *run, size_t file)
{
    const lint_file *f = &run->files[file];
    bool json = f->card && cardc_card_get_format(f->card) == CARDC_CARD_JSON;
    const char *where = json ? "/schema" : "/json_schema";
    const struct json_object *out = NULL;
    int line = 0, col = 0;

    if (!f->card || cardc_card_schema(f->card, CARDC_SIDE_OUTPUT, &out, NULL) == CARDC_OK)
        return;
    cardc_card_schema_position(f->card, CARDC_SIDE_INPUT, &line, &col);
    lint_emit_file(run, file, LINT_CARD_NO_OUTPUT, where, line, col,
                   json ? "add \"output\" beside \"input\" under \"schema\""
                        : "add \"output\" beside \"input\" under \"json_schema\"",
                   "the card has no output schema: replies cannot be validated or decoded, and "
                   "cardc gen emits no output type");
}

static const char *string_of(const struct json_object *s, const char *kw)
{
    struct json_object *v = lint_get(s, kw);

    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A body that is not JSON: bytes, delivered as a string. */
static bool binary(const char *ct)
{
    return strcmp(ct, "application/json") != 0;
}

void lint_rules_content_type(const lint_node *n)
{
    const char *ct = string_of(n->schema, "contentType");
    unsigned t = lint_types(n->schema);
    struct json_object *list = lint_get(n->schema, "oneOf");
    char *p;

    if (!list)
        list = lint_get(n->schema, "anyOf");
    if (ct && t && (p = lint_ptr_join(n->ptr, "contentType"))) {
        if (binary(ct) && !(t & LINT_T_STRING))
            lint_emit(
                n->run, n->unit, LINT_CARD_CONTENT_TYPE, p,
                "a non-JSON body arrives as bytes: declare {\"type\": \"string\", \"format\": "
                "\"binary\"}",
                "contentType \"%s\" is not JSON, but the schema's type is not string", ct);
        else if (!binary(ct) && t == LINT_T_STRING && string_of(n->schema, "format") &&
                 strcmp(string_of(n->schema, "format"), "binary") == 0)
            lint_emit(n->run, n->unit, LINT_CARD_CONTENT_TYPE, p,
                      "name the real media type (text/event-stream, image/png, ...)",
                      "contentType application/json on a binary string");
        free(p);
    }
    if (!ct || !list || !json_object_is_type(list, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        const char *bct = string_of(json_object_array_get_idx(list, i), "contentType");
        char *q = lint_ptr_join(n->ptr, list == lint_get(n->schema, "oneOf") ? "oneOf" : "anyOf");
        char *r = q ? lint_ptr_index(q, i) : NULL, sugg[300];
        if (r && bct && strcmp(bct, ct) != 0) {
            snprintf(sugg, sizeof sugg,
                     "drop contentType from the enclosing schema and keep it on each branch");
            lint_emit(n->run, n->unit, LINT_CARD_CONTENT_TYPE, r, sugg,
                      "branch %zu says contentType \"%s\" but the schema around it says \"%s\"", i,
                      bct, ct);
        }
        free(q);
        free(r);
    }
}

/* Two names of one kind (members of one object, values of one enum) that
 * gen mangles alike. */
static void collisions(const lint_node *n, const char *kw, const char **names, size_t count,
                       bool upper)
{
    char **m = calloc(count ? count : 1, sizeof *m);

    for (size_t i = 0; m && i < count; i++) {
        m[i] =
            upper ? gen_upper(names[i], strlen(names[i])) : gen_snake(names[i], strlen(names[i]));
        for (size_t j = 0; m[i] && j < i; j++) {
            char *p, sugg[400];
            if (!m[j] || strcmp(m[i], m[j]) != 0 || !*m[i] || !(p = lint_ptr_join(n->ptr, kw)))
                continue;
            snprintf(sugg, sizeof sugg,
                     "rename one of them, or accept that cardc gen names the second \"%s_2\"",
                     m[i]);
            lint_emit(n->run, n->unit, LINT_CARD_NAME_COLLISION, p, sugg,
                      "\"%s\" and \"%s\" both become the C name \"%s\"", names[j], names[i], m[i]);
            free(p);
            break;
        }
    }
    for (size_t i = 0; m && i < count; i++)
        free(m[i]);
    free(m);
}

void lint_rules_names(const lint_node *n)
{
    struct json_object *props = lint_get(n->schema, "properties"), *e = lint_get(n->schema, "enum");
    const char *names[256];
    size_t count = 0;

    if (!n->run->units[n->unit].card_side)
        return;
    if (props && json_object_is_type(props, json_type_object)) {
        json_object_object_foreach(props, key, val)
        {
            (void)val;
            if (count < 256)
                names[count++] = key;
        }
        collisions(n, "properties", names, count, false);
    }
    count = 0;
    if (e && json_object_is_type(e, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(e) && count < 256; i++)
            if (json_object_is_type(json_object_array_get_idx(e, i), json_type_string))
                names[count++] = json_object_get_string(json_object_array_get_idx(e, i));
        collisions(n, "enum", names, count, true);
    }
}

/* Cards linted together, as cardc gen would take them together. */
void lint_rules_cards(lint_run *run)
{
    char **m = calloc(run->n_files ? run->n_files : 1, sizeof *m);

    for (size_t i = 0; m && i < run->n_files; i++) {
        const char *name = run->files[i].card ? cardc_card_name(run->files[i].card) : NULL;
        if (!name)
            continue;
        m[i] = gen_model_c_name(name);
        for (size_t j = 0; m[i] && j < i; j++) {
            /* The same model twice (two versions of a card) is no clash. */
            if (!m[j] || strcmp(m[i], m[j]) != 0 ||
                strcmp(name, cardc_card_name(run->files[j].card)) == 0)
                continue;
            /* The name's first appearance in the file is where it is written. */
            const lint_file *f = &run->files[i];
            const char *at = strstr(f->raw, name);
            int line = 0, col = 0;
            if (at)
                cardc__text_position(f->raw, f->raw_len, (size_t)(at - f->raw), f->yaml, &line,
                                     &col);
            lint_emit_file(run, i, LINT_CARD_NAME_COLLISION, f->yaml ? "/model/name" : "/name",
                           line, col, "pass --name to cardc gen for one of them",
                           "model \"%s\" gets the C prefix \"%s\", like %s", name, m[i],
                           run->files[j].path);
            break;
        }
    }
    for (size_t i = 0; m && i < run->n_files; i++)
        free(m[i]);
    free(m);
}
