/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the generator. The input is a JSON Schema, handled as
 * `cardc gen --schema` does: compiled first, then turned into the IR
 * (gen/ir.c) and printed by the header and source emitters, which must
 * produce output. A schema refused at either step is refused with a located
 * error: a message, and a JSON Pointer that names a value of the schema. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether pointer names a value of doc. json_pointer_get follows a member
 * whose value is JSON null (json-c's NULL) but not an array element that
 * is: such a place is looked up as an index of its parent. */
static bool names_a_value(struct json_object *doc, const char *pointer)
{
    struct json_object *at = NULL, *parent = doc;
    const char *last = strrchr(pointer, '/');
    char *head, *end;
    unsigned long i;
    bool found;

    if (json_pointer_get(doc, pointer, &at) == 0)
        return true;
    if (!last || !(head = strndup(pointer, (size_t)(last - pointer))))
        return false;
    found = (!head[0] || json_pointer_get(doc, head, &parent) == 0) &&
            json_object_is_type(parent, json_type_array) && last[1] >= '0' && last[1] <= '9' &&
            (i = strtoul(last + 1, &end, 10), !*end) && i < json_object_array_length(parent);
    free(head);
    return found;
}

static void check_refusal(struct json_object *doc, const cardc_error *err)
{
    if (!err->message[0])
        abort(); /* a refusal must say why */
    /* "" is the document itself, there even when it is JSON null (json-c's
     * NULL: the schema `null` is refused at its root) */
    if (!err->pointer[0])
        return;
    /* a pointer too long for the record loses its start to "..." (error.h):
     * it cannot be followed, but its tail is the place */
    if (strncmp(err->pointer, "...", 3) == 0 && strlen(err->pointer) == CARDC_ERROR_POINTER_MAX - 1)
        return;
    if (!names_a_value(doc, err->pointer))
        abort(); /* ... and where */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_object *doc = NULL;
    cardc_schema *compiled = NULL;
    cardc_schema_options so;
    cardc_error err;
    gen_model m;
    strbuf h = {0}, c = {0};

    cardc_error_clear(&err);
    if (cardc_json_parse((const char *)data, size, "<fuzz>", 64, &doc, &err) != CARDC_OK)
        return 0;
    cardc_schema_options_init(&so);
    if (cardc_schema_compile(doc, &so, &compiled, &err) != CARDC_OK) {
        check_refusal(doc, &err);
        json_object_put(doc);
        return 0;
    }
    cardc_schema_free(compiled);

    memset(&m, 0, sizeof m);
    m.schema_mode = true;
    m.model_name = "fuzz";
    m.card = "<fuzz>";
    m.dialect = so.dialect;
    m.schema_flags = so.flags;
    m.c_name = strdup("fuzz");
    m.sides[0].schema = doc;
    m.sides[0].json = cardc_json_dump(doc, 0);
    m.sides[0].source = strdup("<fuzz>");
    m.sides[0].content_type = "application/json";
    if (!m.c_name || !m.sides[0].json || !m.sides[0].source)
        abort();
    cardc_status st = gen_model_build(&m, &err);
    if (st == CARDC_OK) {
        gen_emit_header(&h, &m);
        gen_emit_source(&c, &m);
        if (h.oom || c.oom || h.len == 0 || c.len == 0)
            abort(); /* a schema that compiled must give bindings */
    } else {
        check_refusal(doc, &err);
    }
    cardc__strbuf_free(&h);
    cardc__strbuf_free(&c);
    gen_model_free(&m);
    json_object_put(doc);
    return 0;
}
