/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the pull parser must agree with the strict tree parser
 * on every input, with duplicate keys read (the last wins) and refused, and
 * never crash, leak or hang. Where both refuse the text they do so with the
 * same status at the same byte. (Not always in the same words: json-c's
 * grammar errors are worded its way, "[3[4]]" is "number expected" there
 * and "',' or ']' expected" here; the decoders report malformed text
 * through cardc_json_parse, so users see one wording.) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, cardc_duplicate_keys dup)
{
    cardc_json_options opts;
    cardc_pull p;
    cardc_token tok;
    cardc_error err;
    struct json_object *doc = NULL;
    uint8_t *bytes;
    size_t count;

    cardc_json_options_init(&opts);
    opts.max_depth = 64;
    opts.duplicate_keys = dup;
    cardc_pull_init_ex(&p, (const char *)data, size, &opts);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
        if (tok == CARDC_TOK_ARRAY_BEGIN && cardc_pull_bytes(&p, &bytes, &count) == 1)
            free(bytes);
    cardc_status st = cardc_json_parse_ex((const char *)data, size, NULL, &opts, &doc, &err);
    json_object_put(doc);
    if ((st == CARDC_OK) != (tok == CARDC_TOK_END))
        abort(); /* the two parsers disagree on this input */
    if (st != CARDC_OK && st != CARDC_E_NOMEM && (p.error != st || p.error_offset != err.offset))
        abort(); /* ... or on where the problem is */
    if (st != CARDC_OK && dup == CARDC_DUPLICATE_KEYS_REJECT &&
        (strncmp(err.message, "duplicate", 9) == 0) != (strncmp(p.message, "duplicate", 9) == 0))
        abort(); /* ... or on whether it is a duplicate key */
    cardc_pull_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, CARDC_DUPLICATE_KEYS_LAST);
    check(data, size, CARDC_DUPLICATE_KEYS_REJECT);
    return 0;
}
