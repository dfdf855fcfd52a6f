/* SPDX-License-Identifier: MIT */
/* A downstream program on a summarisation card (YAML layout): the bindings
 * cardc gen made at build time (bart.h/.c). Decodes a request (the card's
 * default max_length applied), encodes it, decodes a reply, and shows an
 * empty input_text refused (minLength 1). Usage: bart_demo */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cardc/cardc.h>

#include "bart.h"

static int fail(const char *what, const cardc_error *err)
{
    char line[1024];

    cardc_error_format(err, line, sizeof line);
    fprintf(stderr, "bart_demo: %s: %s\n", what, line);
    return 1;
}

int main(void)
{
    static const char request[] = "{\"input_text\": \"A long article about cats.\"}";
    static const char reply[] = "{\"summary\": \"Cats.\"}";
    static const char empty[] = "{\"input_text\": \"\"}";
    bart_input in = {0}, refused = {0};
    bart_output out = {0};
    cardc_error err;
    char *json = NULL;
    size_t len = 0;
    int rc = 0;

    if (bart_input_decode(&in, request, sizeof request - 1, &err) != CARDC_OK)
        return fail("decode", &err);
    if (bart_input_encode(&in, &json, &len, &err) != CARDC_OK) {
        bart_input_free(&in);
        return fail("encode", &err);
    }
    printf("max_length: %lld\nencoded: %s\n", (long long)in.max_length, json);
    free(json);
    bart_input_free(&in);

    if (bart_output_decode(&out, reply, sizeof reply - 1, &err) != CARDC_OK)
        return fail("reply", &err);
    printf("summary: %s\n", out.has_summary ? out.summary.data : "(none)");
    bart_output_free(&out);

    if (bart_input_decode(&refused, empty, sizeof empty - 1, &err) != CARDC_E_INVALID) {
        fprintf(stderr, "bart_demo: an empty input_text was accepted\n");
        rc = 1;
    } else {
        printf("refused: %s: %s\n", err.pointer, err.message);
    }
    bart_input_free(&refused);
    return rc;
}
