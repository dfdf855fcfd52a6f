/* The seed card's bindings (schemas/llava-1.5-7b-hf.md), written by hand
 * exactly as `cardc gen --card` emits them: the engine's tests and
 * bench_decode use them without depending on the generator. */
#ifndef CARDC_TESTS_SEED_BIND_H
#define CARDC_TESTS_SEED_BIND_H

#include <stdbool.h>
#include <stdint.h>

#include "cardc/bind.h"

/* ---- input ---- */

typedef struct llava_1_5_7b_hf_input_messages_item {
    cardc_string role;
    cardc_string content;
} llava_1_5_7b_hf_input_messages_item;

typedef struct llava_1_5_7b_hf_input_messages {
    llava_1_5_7b_hf_input_messages_item *items;
    size_t count;
} llava_1_5_7b_hf_input_messages;

typedef enum llava_1_5_7b_hf_input_image_kind {
    LLAVA_1_5_7B_HF_INPUT_IMAGE_NONE = 0,
    LLAVA_1_5_7B_HF_INPUT_IMAGE_0 = 1,     /* array of numbers */
    LLAVA_1_5_7B_HF_INPUT_IMAGE_BINARY = 2 /* binary string */
} llava_1_5_7b_hf_input_image_kind;
_Static_assert(sizeof(llava_1_5_7b_hf_input_image_kind) == sizeof(int), "kind enums are ints");

typedef struct llava_1_5_7b_hf_input_image {
    llava_1_5_7b_hf_input_image_kind kind;
    union {
        cardc_numbers b0;
        cardc_bytes binary;
    } u;
} llava_1_5_7b_hf_input_image;

typedef struct llava_1_5_7b_hf_input_object {
    bool has_temperature;
    double temperature;
    bool has_prompt;
    cardc_string prompt;
    bool has_raw;
    bool raw; /* default false */
    bool has_messages;
    llava_1_5_7b_hf_input_messages messages;
    llava_1_5_7b_hf_input_image image;
    bool has_max_tokens;
    int64_t max_tokens; /* default 512 */
} llava_1_5_7b_hf_input_object;

typedef enum llava_1_5_7b_hf_input_kind {
    LLAVA_1_5_7B_HF_INPUT_NONE = 0,
    LLAVA_1_5_7B_HF_INPUT_BINARY = 1,
    LLAVA_1_5_7B_HF_INPUT_OBJECT = 2
} llava_1_5_7b_hf_input_kind;
_Static_assert(sizeof(llava_1_5_7b_hf_input_kind) == sizeof(int), "kind enums are ints");

typedef struct llava_1_5_7b_hf_input {
    llava_1_5_7b_hf_input_kind kind;
    union {
        cardc_bytes binary;
        llava_1_5_7b_hf_input_object object;
    } u;
} llava_1_5_7b_hf_input;

/* ---- output ---- */

typedef struct llava_1_5_7b_hf_output {
    bool has_description;
    cardc_string description;
} llava_1_5_7b_hf_output;

extern const cardc_schema_text llava_1_5_7b_hf_input_schema;
extern const cardc_schema_text llava_1_5_7b_hf_output_schema;
extern const cardc_type llava_1_5_7b_hf_input_type;
extern const cardc_type llava_1_5_7b_hf_input_object_type;
extern const cardc_type llava_1_5_7b_hf_output_type;
extern const cardc_model llava_1_5_7b_hf_model;

cardc_status llava_1_5_7b_hf_input_init(llava_1_5_7b_hf_input *v, cardc_error *err);
void llava_1_5_7b_hf_input_free(llava_1_5_7b_hf_input *v);
cardc_status llava_1_5_7b_hf_input_decode(llava_1_5_7b_hf_input *v, const char *json, size_t len,
                                          cardc_error *err);
cardc_status llava_1_5_7b_hf_input_decode_ex(llava_1_5_7b_hf_input *v, const char *json, size_t len,
                                             const cardc_decode_options *opts, cardc_error *err);
cardc_status llava_1_5_7b_hf_input_encode(const llava_1_5_7b_hf_input *v, char **json, size_t *len,
                                          cardc_error *err);
cardc_status llava_1_5_7b_hf_input_validate(const llava_1_5_7b_hf_input *v, cardc_error *err);

cardc_status llava_1_5_7b_hf_output_init(llava_1_5_7b_hf_output *v, cardc_error *err);
void llava_1_5_7b_hf_output_free(llava_1_5_7b_hf_output *v);
cardc_status llava_1_5_7b_hf_output_decode(llava_1_5_7b_hf_output *v, const char *json, size_t len,
                                           cardc_error *err);
cardc_status llava_1_5_7b_hf_output_encode(const llava_1_5_7b_hf_output *v, char **json,
                                           size_t *len, cardc_error *err);
cardc_status llava_1_5_7b_hf_output_validate(const llava_1_5_7b_hf_output *v, cardc_error *err);

#endif
