/* SPDX-License-Identifier: MIT */
/* libFuzzer target: hostile schemas. The input is "SCHEMA\nINSTANCE": the
 * schema is compiled and, if it compiles, the instance validated with every
 * feature on (all errors, annotations, defaults). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    struct json_object *schema_doc = NULL, *instance = NULL;
    cardc_schema *schema = NULL;
    cardc_result *result = NULL;
    cardc_validate_options opts;

    if (!nl)
        return 0;
    if (cardc_json_parse(text, (size_t)(nl - text), NULL, 64, &schema_doc, NULL) != CARDC_OK)
        return 0;
    if (cardc_json_parse(nl + 1, size - (size_t)(nl + 1 - text), NULL, 64, &instance, NULL) ==
            CARDC_OK &&
        cardc_schema_compile(schema_doc, NULL, &schema, NULL) == CARDC_OK &&
        cardc_result_new(&result, NULL) == CARDC_OK) {
        cardc_validate_options_init(&opts);
        opts.flags = CARDC_VALIDATE_ANNOTATIONS | CARDC_VALIDATE_APPLY_DEFAULTS;
        cardc_validate(schema, instance, &opts, result, NULL);
        struct json_object *out = NULL;
        if (cardc_result_output(result, CARDC_OUTPUT_DETAILED, &out, NULL) == CARDC_OK)
            json_object_put(out);
    }
    cardc_result_free(result);
    cardc_schema_free(schema);
    json_object_put(instance);
    json_object_put(schema_doc);
    return 0;
}
