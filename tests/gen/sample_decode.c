/* SPDX-License-Identifier: MIT */
/* Decodes payloads through generated decoders and prints each verdict with
 * its errors, for tests/gen/test_samples.py to compare with `cardc
 * validate`.
 *
 * Usage: sample_decode PAYLOADS
 * Each input line is "SLOT<TAB>JSON" (SLOT = 2 * model index in the
 * cardc_models registry + 0 input / 1 output); each output line is
 *   {"status": "OK"|"E_INVALID"|..., "errors": [[instanceLocation,
 *    keywordLocation, code], ...]}
 * in input order. Linked with the generated sources and libcardc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc_models.h"

static struct json_object *errors_of(const cardc_result *result)
{
    struct json_object *errs = json_object_new_array();

    for (size_t i = 0; i < cardc_result_error_count(result); i++) {
        const cardc_unit *u = cardc_result_error(result, i);
        struct json_object *e = json_object_new_array();
        json_object_array_add(e, json_object_new_string(u->instance_location));
        json_object_array_add(e, json_object_new_string(u->keyword_location));
        json_object_array_add(e, json_object_new_string(cardc_vcode_name(u->code)));
        json_object_array_add(errs, e);
    }
    return errs;
}

/* One payload through the slot's decoder: its verdict line. */
static int decode_line(unsigned long slot, const char *json, size_t len, cardc_result *result)
{
    const cardc_model *m = cardc_models[slot / 2];
    const cardc_model_side *side = slot % 2 ? &m->output : &m->input;
    struct json_object *out = json_object_new_object();
    cardc_decode_options opts;
    cardc_error err;
    cardc_status st;
    void *value;

    if (!side->type || !(value = calloc(1, side->size ? side->size : 1)))
        return -1;
    memset(&opts, 0, sizeof opts);
    opts.result = result;
    cardc_error_clear(&err);
    st = cardc_bind_decode(side->type, value, json, len, &opts, &err);
    json_object_object_add(out, "status", json_object_new_string(cardc_status_name(st)));
    json_object_object_add(out, "errors", errors_of(result));
    printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
    cardc_bind_free(side->type, value);
    free(value);
    json_object_put(out);
    return 0;
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
    cardc_result *result = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;

    if (!f) {
        fprintf(stderr, "usage: sample_decode PAYLOADS\n");
        return 2;
    }
    if (cardc_result_new(&result, NULL) != CARDC_OK)
        return 2;
    while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
        char *tab = strchr(line, '\t'), *end;
        unsigned long slot = strtoul(line, &end, 10);
        lineno++;
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (!tab || end != tab || slot >= 2 * cardc_models_count ||
            decode_line(slot, tab + 1, (size_t)(line + n - tab - 1), result) != 0) {
            fprintf(stderr, "sample_decode: line %ld: bad slot or no schema for it\n", lineno);
            rc = 2;
        }
    }
    free(line);
    fclose(f);
    cardc_result_free(result);
    return rc;
}
