/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the card loader (YAML front matter, bare YAML, JSON). */
#include <stddef.h>
#include <stdint.h>

#include "cardc/cardc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cardc_card *card = NULL;
    const struct json_object *schema;
    if (cardc_card_load_mem((const char *)data, size, "<fuzz>", NULL, &card, NULL) == CARDC_OK) {
        cardc_card_schema(card, CARDC_SIDE_INPUT, &schema, NULL);
        cardc_card_schema(card, CARDC_SIDE_OUTPUT, &schema, NULL);
        cardc_card_free(card);
    }
    return 0;
}
