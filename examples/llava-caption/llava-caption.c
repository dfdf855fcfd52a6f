/* SPDX-License-Identifier: MIT */
/* llava-caption: the LLaVA card's generated bindings used from a program.
 *
 * Usage: llava-caption [--also-messages] IMAGE_FILE [PROMPT] [SAMPLE_OUTPUT.json]
 *
 * Builds the request the model @cf/llava-hf/llava-1.5-7b-hf takes (the
 * object branch of its input: prompt, image as an array of bytes, defaults
 * from the card), validates and encodes it, then decodes a reply such as the
 * model sends into the output struct and prints its description. Nothing is
 * sent anywhere: the request is what a client would POST.
 *
 * --also-messages fills `messages` as well as `prompt`, which the card
 * forbids ("not": {"required": ["prompt", "messages"]}): encode refuses the
 * request with the card's errorMessage and the program exits with 1.
 *
 * llava-1.5-7b-hf.h is generated at build time by `cardc gen` (see
 * meson.build beside this file); it is not in the repository.
 *
 * Exit status: 0 done, 1 the request or the reply was refused, 2 usage or
 * an unreadable file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/json.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

#define DEFAULT_PROMPT "Describe this image in one sentence."
/* Longer requests are shown cut: an image array runs to megabytes. */
#define SHOW_MAX 160

/* Prints err the way compilers do, "file:line:col: pointer: message". */
static void report(const char *what, const cardc_error *err)
{
    char buf[CARDC_ERROR_SOURCE_MAX + CARDC_ERROR_POINTER_MAX + CARDC_ERROR_MESSAGE_MAX + 16];

    cardc_error_format(err, buf, sizeof buf);
    fflush(stdout); /* keep the order when both go to one pipe */
    fprintf(stderr, "llava-caption: %s: %s\n", what, buf);
}

/* PNG width and height from the IHDR chunk, when the file is a PNG: the
 * program works on any image file, this is only shown. */
static bool png_size(const char *data, size_t len, unsigned long *w, unsigned long *h)
{
    const unsigned char *p = (const unsigned char *)data;

    if (len < 24 || memcmp(p, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
        return false;
    *w =
        (unsigned long)p[16] << 24 | (unsigned long)p[17] << 16 | (unsigned long)p[18] << 8 | p[19];
    *h =
        (unsigned long)p[20] << 24 | (unsigned long)p[21] << 16 | (unsigned long)p[22] << 8 | p[23];
    return true;
}

/* Fills req as the object branch: prompt (or, with also_messages, prompt and
 * a one-message conversation), the image bytes, and the card's defaults. */
static cardc_status fill_request(llava_1_5_7b_hf_input *req, const char *image, size_t image_len,
                                 const char *prompt, bool also_messages, cardc_error *err)
{
    llava_1_5_7b_hf_input_object *obj = &req->u.object;
    llava_1_5_7b_hf_input_messages_item *msg;
    cardc_status st;

    /* The union's init leaves it at NONE; the branch's init applies the
     * defaults the card gives (raw: false, max_tokens: 512). */
    if ((st = llava_1_5_7b_hf_input_init(req, err)) != CARDC_OK)
        return st;
    req->kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
    if ((st = llava_1_5_7b_hf_input_object_init(obj, err)) != CARDC_OK)
        return st;

    obj->has_prompt = true;
    if ((st = cardc_string_set(&obj->prompt, prompt, strlen(prompt), err)) != CARDC_OK)
        return st;
    /* A PNG is not UTF-8, so it goes in the array branch, one number per
     * byte (stored as bytes, not doubles). */
    obj->image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
    st = cardc_numbers_set_bytes(&obj->image.u.array, (const uint8_t *)image, image_len, err);
    if (st != CARDC_OK)
        return st;
    obj->max_tokens = 64; /* a caption, not an essay */

    if (also_messages) {
        /* The value owns its arrays: malloc'd memory, freed by _free. */
        msg = calloc(1, sizeof *msg);
        if (!msg) {
            err->code = CARDC_E_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
            return CARDC_E_NOMEM;
        }
        obj->messages.items = msg;
        obj->messages.count = 1;
        obj->has_messages = true;
        if ((st = cardc_string_set(&msg->role, "user", 4, err)) != CARDC_OK ||
            (st = cardc_string_set(&msg->content, prompt, strlen(prompt), err)) != CARDC_OK)
            return st;
    }
    return CARDC_OK;
}

/* Builds, validates and encodes the request, and shows it. */
static int make_request(const char *image_path, const char *prompt, bool also_messages)
{
    llava_1_5_7b_hf_input req = {0};
    cardc_error err;
    char *image = NULL, *json = NULL;
    size_t image_len = 0, json_len = 0;
    unsigned long w, h;
    int rc = 1;

    cardc_error_clear(&err);
    if (cardc_read_file(image_path, &image, &image_len, &err) != CARDC_OK) {
        report("cannot read the image", &err);
        return 2;
    }
    printf("image: %s, %zu bytes", image_path, image_len);
    if (png_size(image, image_len, &w, &h))
        printf(" (PNG, %lux%lu)", w, h);
    printf("\n");

    if (fill_request(&req, image, image_len, prompt, also_messages, &err) != CARDC_OK) {
        report("cannot build the request", &err);
        goto out;
    }
    /* A value built by hand can be checked on its own; encode checks it
     * again and never emits a request the model would reject. */
    if (llava_1_5_7b_hf_input_validate(&req, &err) != CARDC_OK)
        report("request invalid", &err);
    cardc_error_clear(&err);
    if (llava_1_5_7b_hf_input_encode(&req, &json, &json_len, &err) != CARDC_OK) {
        report("request refused by encode", &err);
        goto out;
    }
    printf("request: %zu bytes of JSON, valid for %s\n", json_len, llava_1_5_7b_hf_model.name);
    if (json_len <= SHOW_MAX)
        printf("  %s\n", json);
    else
        printf("  %.*s... (%zu more bytes)\n", SHOW_MAX, json, json_len - SHOW_MAX);
    rc = 0;
out:
    free(json);
    free(image);
    llava_1_5_7b_hf_input_free(&req);
    return rc;
}

/* Decodes a reply into the output struct and prints its description. */
static int read_reply(const char *path)
{
    llava_1_5_7b_hf_output reply = {0};
    cardc_decode_options opts = {0};
    cardc_error err;
    char *text = NULL;
    size_t len = 0;
    int rc = 1;

    cardc_error_clear(&err);
    if (cardc_read_file(path, &text, &len, &err) != CARDC_OK) {
        report("cannot read the reply", &err);
        return 2;
    }
    opts.source = path; /* errors then say path:line:col */
    if (llava_1_5_7b_hf_output_decode_ex(&reply, text, len, &opts, &err) != CARDC_OK) {
        report("reply refused", &err);
        goto out;
    }
    if (reply.has_description)
        printf("description: %s\n", reply.description.data);
    else
        printf("description: (none in the reply)\n");
    rc = 0;
out:
    free(text);
    llava_1_5_7b_hf_output_free(&reply);
    return rc;
}

int main(int argc, char **argv)
{
    bool also_messages = false;
    int i = 1, rc;

    if (i < argc && strcmp(argv[i], "--also-messages") == 0) {
        also_messages = true;
        i++;
    }
    if (argc - i < 1 || argc - i > 3 || argv[i][0] == '-') {
        fprintf(
            stderr,
            "usage: llava-caption [--also-messages] IMAGE_FILE [PROMPT] [SAMPLE_OUTPUT.json]\n");
        return 2;
    }
    rc = make_request(argv[i], argc - i >= 2 ? argv[i + 1] : DEFAULT_PROMPT, also_messages);
    if (rc != 0 || argc - i < 3)
        return rc;
    return read_reply(argv[i + 2]);
}
