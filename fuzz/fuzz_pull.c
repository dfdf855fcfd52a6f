/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the pull parser must agree with the strict tree parser
 * on every input and never crash, leak or hang. */
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cardc_pull p;
    cardc_token tok;
    struct json_object *doc = NULL;
    uint8_t *bytes;
    size_t count;

    cardc_pull_init(&p, (const char *)data, size, 64);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
        if (tok == CARDC_TOK_ARRAY_BEGIN && cardc_pull_bytes(&p, &bytes, &count) == 1)
            free(bytes);
    cardc_pull_free(&p);
    int tree_ok = cardc_json_parse((const char *)data, size, NULL, 64, &doc, NULL) == CARDC_OK;
    json_object_put(doc);
    if (tree_ok != (tok == CARDC_TOK_END))
        abort(); /* the two parsers disagree on this input */
    return 0;
}
