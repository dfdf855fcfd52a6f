/* SPDX-License-Identifier: MIT */
/* libFuzzer target: strict JSON parsing (duplicate keys read and refused)
 * and pointer location never crash; refusing duplicates refuses a superset
 * of what reading them refuses. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json_object *doc = NULL, *strict = NULL;
    cardc_json_options opts;
    int line, column;
    cardc_status last = cardc_json_parse((const char *)data, size, "<fuzz>", 0, &doc, NULL);

    if (last == CARDC_OK)
        cardc_json_locate((const char *)data, size, "/0/a/1", &line, &column);
    cardc_json_options_init(&opts);
    opts.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    if (cardc_json_parse_ex((const char *)data, size, "<fuzz>", &opts, &strict, NULL) == CARDC_OK &&
        (last != CARDC_OK || !json_object_equal(doc, strict)))
        abort(); /* accepted only when duplicates are refused, or read differently */
    json_object_put(strict);
    json_object_put(doc);
    return 0;
}
