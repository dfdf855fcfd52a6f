/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the generated decoder of the bundled card against the
 * validator. Whatever the text, decoding must never crash or leak, and its
 * verdict must be the validator's (the engine reports a disagreement as an
 * "internal" error, which aborts here). A decoded value must encode, and
 * the encoding must decode again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/cardc.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    llava_1_5_7b_hf_input v = {0}, again = {0};
    cardc_error err;
    char *json = NULL;
    size_t len = 0;

    cardc_error_clear(&err);
    cardc_status st = llava_1_5_7b_hf_input_decode(&v, (const char *)data, size, &err);
    if (strncmp(err.message, "internal: ", 10) == 0)
        abort(); /* decoder and validator disagree */
    if (st == CARDC_OK) {
        if (llava_1_5_7b_hf_input_encode(&v, &json, &len, &err) != CARDC_OK ||
            llava_1_5_7b_hf_input_decode(&again, json, len, &err) != CARDC_OK)
            abort(); /* a decoded value must round-trip */
    }
    free(json);
    llava_1_5_7b_hf_input_free(&again);
    llava_1_5_7b_hf_input_free(&v);
    return 0;
}
