/* SPDX-License-Identifier: MIT */
/* libFuzzer target: strict JSON parsing and pointer location never crash. */
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_object *doc = NULL;
    int line, column;
    if (cardc_json_parse((const char *)data, size, "<fuzz>", 0, &doc, NULL) == CARDC_OK) {
        cardc_json_locate((const char *)data, size, "/0/a/1", &line, &column);
        json_object_put(doc);
    }
    return 0;
}
