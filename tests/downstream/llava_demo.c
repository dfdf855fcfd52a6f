/* SPDX-License-Identifier: MIT */
/* A downstream program on a LLaVA card: the bindings cardc gen made from the
 * card at build time (llava.h/.c) and libcardc itself. Decodes a request,
 * validates and encodes it, checks the encoded text with the card's own
 * schema through the library, and shows an invalid request refused.
 * Usage: llava_demo CARD PAYLOAD.json */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cardc/cardc.h>
#include <json-c/json.h>

/* The generated header: llava.h (CMake), or named after the card file as
 * the README's Meson recipe does (-DLLAVA_HEADER=...). */
#ifdef LLAVA_HEADER
#include LLAVA_HEADER
#else
#include "llava.h"
#endif

static int fail(const char *what, const cardc_error *err)
{
    char line[1024];

    cardc_error_format(err, line, sizeof line);
    fprintf(stderr, "llava_demo: %s: %s\n", what, line);
    return 1;
}

/* The card's input schema validates text, through libcardc's own API. */
static int check_with_library(const char *card_path, const char *text, size_t len)
{
    cardc_card *card = NULL;
    const struct json_object *input;
    cardc_schema *schema = NULL;
    cardc_result *result = NULL;
    struct json_object *doc = NULL;
    cardc_error err;
    int rc = 1;

    if (cardc_card_load(card_path, NULL, &card, &err) != CARDC_OK ||
        cardc_card_schema(card, CARDC_SIDE_INPUT, &input, &err) != CARDC_OK ||
        cardc_schema_compile(input, NULL, &schema, &err) != CARDC_OK ||
        cardc_result_new(&result, &err) != CARDC_OK ||
        cardc_json_parse(text, len, "encoded", 0, &doc, &err) != CARDC_OK) {
        rc = fail("library", &err);
    } else if (cardc_validate(schema, doc, NULL, result, &err) != CARDC_OK) {
        rc = fail("library validation", &err);
    } else {
        printf("libcardc: valid against %s (%zu members)\n", cardc_card_name(card),
               (size_t)json_object_object_length(doc));
        rc = 0;
    }
    json_object_put(doc);
    cardc_result_free(result);
    cardc_schema_free(schema);
    cardc_card_free(card);
    return rc;
}

int main(int argc, char **argv)
{
    static const char bad[] = "{\"prompt\": \"no image\"}";
    llava_input in = {0}, refused = {0};
    cardc_error err;
    char *text = NULL, *json = NULL;
    size_t len = 0, json_len = 0;
    int rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: llava_demo CARD PAYLOAD.json\n");
        return 2;
    }
    if (cardc_read_file(argv[2], &text, &len, &err) != CARDC_OK)
        return fail("read", &err);
    if (llava_input_decode(&in, text, len, &err) != CARDC_OK) {
        free(text);
        return fail("decode", &err);
    }
    if (in.kind != LLAVA_INPUT_OBJECT || in.u.object.image.kind != LLAVA_INPUT_IMAGE_ARRAY) {
        fprintf(stderr, "llava_demo: expected an object with an image array\n");
    } else if (llava_input_validate(&in, &err) != CARDC_OK) {
        rc = fail("validate", &err);
    } else if (llava_input_encode(&in, &json, &json_len, &err) != CARDC_OK) {
        rc = fail("encode", &err);
    } else {
        printf("prompt: %s\n", in.u.object.prompt.data);
        printf("image: %zu bytes\n", in.u.object.image.u.array.count);
        printf("max_tokens: %lld\n", (long long)in.u.object.max_tokens);
        printf("encoded: %s\n", json);
        rc = check_with_library(argv[1], json, json_len);
    }
    if (rc == 0) {
        if (llava_input_decode(&refused, bad, sizeof bad - 1, &err) != CARDC_E_INVALID) {
            fprintf(stderr, "llava_demo: an input without an image was accepted\n");
            rc = 1;
        } else {
            printf("refused: %s: %s\n", err.pointer[0] ? err.pointer : "(root)", err.message);
        }
        llava_input_free(&refused);
    }
    free(json);
    llava_input_free(&in);
    free(text);
    return rc;
}
