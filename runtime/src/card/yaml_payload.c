/* SPDX-License-Identifier: MIT */
/* YAML payloads: one YAML document as a JSON value, for tools that accept
 * YAML wherever JSON is expected (cardc validate). Same typing and limits as
 * cards. */
#include <stdlib.h>

#include <json-c/json.h>

#include "card/yaml_json.h"
#include "cardc/card.h"
#include "common/errors_internal.h"

#define PAYLOAD_MAX_NODES     10000000
#define PAYLOAD_DEFAULT_DEPTH 1000
/* The converter recurses once per level. */
#define PAYLOAD_MAX_DEPTH 10000

static cardc__yaml_input payload_input(const char *text, size_t len, const char *source,
                                       int max_depth)
{
    cardc__yaml_input in = {text,
                            len,
                            source ? source : "<yaml>",
                            0,
                            PAYLOAD_MAX_NODES,
                            max_depth > 0 ? max_depth : PAYLOAD_DEFAULT_DEPTH};

    if (in.max_depth > PAYLOAD_MAX_DEPTH)
        in.max_depth = PAYLOAD_MAX_DEPTH;
    return in;
}

cardc_status cardc_yaml_parse(const char *text, size_t len, const char *source, int max_depth,
                              struct json_object **out, cardc_error *err)
{
    cardc__yaml_input in = payload_input(text, len, source, max_depth);
    cardc__yaml *yaml = NULL;
    cardc_status st;

    cardc_error_clear(err);
    *out = NULL;
    st = cardc__yaml_load(&in, &yaml, out, err);
    cardc__yaml_free(yaml);
    return st;
}

int cardc_yaml_locate(const char *text, size_t len, const char *pointer, int *line, int *column)
{
    cardc__yaml_input in = payload_input(text, len, "<yaml>", 0);
    cardc__yaml *yaml = NULL;
    struct json_object *doc = NULL;
    int found = 0;

    *line = *column = 0;
    /* Errors are rare and located one at a time: parsing again is cheaper
     * than keeping every document's positions. */
    if (cardc__yaml_load(&in, &yaml, &doc, NULL) == CARDC_OK)
        found = cardc__yaml_locate(yaml, pointer, line, column);
    json_object_put(doc);
    cardc__yaml_free(yaml);
    return found;
}
