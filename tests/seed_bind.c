/* Descriptors of the seed card's bindings (see seed_bind.h), as cardc gen
 * emits them ("format": "binary" is an annotation: no check). */
#include <stddef.h>

#include "seed_bind.h"

/* ---- input ---- */

const cardc_schema_text llava_1_5_7b_hf_input_schema = {
    "{\"oneOf\":[{\"type\":\"string\",\"format\":\"binary\"},{\"type\":\"object\",\"properties\":{"
    "\"temperature\":{\"type\":\"number\"},\"prompt\":{\"type\":\"string\"},\"raw\":{\"type\":"
    "\"boolean\",\"default\":false},\"messages\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"role\":{\"type\":\"string\"},\"content\":{\"type\":\"string\",\"maxLength\":"
    "6144}},\"required\":[\"role\",\"content\"]}},\"image\":{\"oneOf\":[{\"type\":\"array\",\"items\":"
    "{\"type\":\"number\"}},{\"type\":\"string\",\"format\":\"binary\"}]},\"max_tokens\":{\"type\":"
    "\"integer\",\"default\":512}},\"required\":[\"image\"],\"not\":{\"required\":[\"prompt\","
    "\"messages\"]},\"errorMessage\":{\"not\":\"\\\"prompt\\\" and \\\"messages\\\" are mutually "
    "exclusive\"}}]}",
    "schemas/llava-1.5-7b-hf.md#/json_schema/input",
    CARDC_DIALECT_AUTO,
    0,
    NULL,
    0,
};

static const cardc_type input_binary_type = {
    .kind = CARDC_KIND_BYTES,
    .c_name = "cardc_bytes",
    .pointer = "/oneOf/0",
    .size = sizeof(cardc_bytes),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type temperature_type = {
    .kind = CARDC_KIND_NUMBER,
    .c_name = "double",
    .pointer = "/oneOf/1/properties/temperature",
    .size = sizeof(double),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type prompt_type = {
    .kind = CARDC_KIND_STRING,
    .c_name = "cardc_string",
    .pointer = "/oneOf/1/properties/prompt",
    .size = sizeof(cardc_string),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type raw_type = {
    .kind = CARDC_KIND_BOOL,
    .c_name = "bool",
    .pointer = "/oneOf/1/properties/raw",
    .size = sizeof(bool),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type role_type = {
    .kind = CARDC_KIND_STRING,
    .c_name = "cardc_string",
    .pointer = "/oneOf/1/properties/messages/items/properties/role",
    .size = sizeof(cardc_string),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_check content_checks[] = {
    {.op = CARDC_CHECK_MAX_LENGTH,
     .count = 6144,
     .keyword = "/oneOf/1/properties/messages/items/properties/content/maxLength"},
};

static const cardc_type content_type = {
    .kind = CARDC_KIND_STRING,
    .c_name = "cardc_string",
    .pointer = "/oneOf/1/properties/messages/items/properties/content",
    .size = sizeof(cardc_string),
    .checks = content_checks,
    .check_count = 1,
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_field messages_item_fields[] = {
    {"role", 4, offsetof(llava_1_5_7b_hf_input_messages_item, role), CARDC_NO_OFFSET,
     CARDC_NO_OFFSET, &role_type, NULL, true},
    {"content", 7, offsetof(llava_1_5_7b_hf_input_messages_item, content), CARDC_NO_OFFSET,
     CARDC_NO_OFFSET, &content_type, NULL, true},
};

static const cardc_type messages_item_type = {
    .kind = CARDC_KIND_OBJECT,
    .c_name = "llava_1_5_7b_hf_input_messages_item",
    .pointer = "/oneOf/1/properties/messages/items",
    .size = sizeof(llava_1_5_7b_hf_input_messages_item),
    .fields = messages_item_fields,
    .field_count = 2,
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type messages_type = {
    .kind = CARDC_KIND_ARRAY,
    .c_name = "llava_1_5_7b_hf_input_messages",
    .pointer = "/oneOf/1/properties/messages",
    .size = sizeof(llava_1_5_7b_hf_input_messages),
    .item = &messages_item_type,
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type image_0_item_type = {
    .kind = CARDC_KIND_NUMBER,
    .c_name = "double",
    .pointer = "/oneOf/1/properties/image/oneOf/0/items",
    .size = sizeof(double),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type image_0_type = {
    .kind = CARDC_KIND_NUMBERS,
    .c_name = "cardc_numbers",
    .pointer = "/oneOf/1/properties/image/oneOf/0",
    .size = sizeof(cardc_numbers),
    .item = &image_0_item_type,
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type image_binary_type = {
    .kind = CARDC_KIND_BYTES,
    .c_name = "cardc_bytes",
    .pointer = "/oneOf/1/properties/image/oneOf/1",
    .size = sizeof(cardc_bytes),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_branch image_branches[] = {
    {"ARRAY", &image_0_type},
    {"BINARY", &image_binary_type},
};

static const cardc_type image_type = {
    .kind = CARDC_KIND_UNION,
    .flags = CARDC_TYPE_ONE_OF,
    .c_name = "llava_1_5_7b_hf_input_image",
    .pointer = "/oneOf/1/properties/image",
    .size = sizeof(llava_1_5_7b_hf_input_image),
    .branches = image_branches,
    .branch_count = 2,
    .union_offset = offsetof(llava_1_5_7b_hf_input_image, u),
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_type max_tokens_type = {
    .kind = CARDC_KIND_INT,
    .c_name = "int64_t",
    .pointer = "/oneOf/1/properties/max_tokens",
    .size = sizeof(int64_t),
    .schema = &llava_1_5_7b_hf_input_schema,
};

#define OBJ_ llava_1_5_7b_hf_input_object
static const cardc_field object_fields[] = {
    {"temperature", 11, offsetof(OBJ_, temperature), offsetof(OBJ_, has_temperature), CARDC_NO_OFFSET,
     &temperature_type, NULL, false},
    {"prompt", 6, offsetof(OBJ_, prompt), offsetof(OBJ_, has_prompt), CARDC_NO_OFFSET, &prompt_type,
     NULL, false},
    {"raw", 3, offsetof(OBJ_, raw), offsetof(OBJ_, has_raw), CARDC_NO_OFFSET, &raw_type, "false",
     false},
    {"messages", 8, offsetof(OBJ_, messages), offsetof(OBJ_, has_messages), CARDC_NO_OFFSET,
     &messages_type, NULL, false},
    {"image", 5, offsetof(OBJ_, image), CARDC_NO_OFFSET, CARDC_NO_OFFSET, &image_type, NULL, true},
    {"max_tokens", 10, offsetof(OBJ_, max_tokens), offsetof(OBJ_, has_max_tokens), CARDC_NO_OFFSET,
     &max_tokens_type, "512", false},
};
#undef OBJ_

static const uint16_t object_not_fields[] = {1, 3};

static const cardc_check object_checks[] = {
    {.op = CARDC_CHECK_NOT_ALL_PRESENT, .fields = object_not_fields, .field_count = 2,
     .keyword = "/oneOf/1/not"},
};

const cardc_type llava_1_5_7b_hf_input_object_type = {
    .kind = CARDC_KIND_OBJECT,
    .c_name = "llava_1_5_7b_hf_input_object",
    .pointer = "/oneOf/1",
    .size = sizeof(llava_1_5_7b_hf_input_object),
    .checks = object_checks,
    .check_count = 1,
    .fields = object_fields,
    .field_count = 6,
    .schema = &llava_1_5_7b_hf_input_schema,
};

static const cardc_branch input_branches[] = {
    {"BINARY", &input_binary_type},
    {"OBJECT", &llava_1_5_7b_hf_input_object_type},
};

const cardc_type llava_1_5_7b_hf_input_type = {
    .kind = CARDC_KIND_UNION,
    .flags = CARDC_TYPE_ONE_OF,
    .c_name = "llava_1_5_7b_hf_input",
    .pointer = "",
    .size = sizeof(llava_1_5_7b_hf_input),
    .branches = input_branches,
    .branch_count = 2,
    .union_offset = offsetof(llava_1_5_7b_hf_input, u),
    .schema = &llava_1_5_7b_hf_input_schema,
};

/* ---- output ---- */

const cardc_schema_text llava_1_5_7b_hf_output_schema = {
    "{\"type\":\"object\",\"contentType\":\"application/json\",\"properties\":{\"description\":"
    "{\"type\":\"string\"}}}",
    "schemas/llava-1.5-7b-hf.md#/json_schema/output",
    CARDC_DIALECT_AUTO,
    0,
    NULL,
    0,
};

static const cardc_type description_type = {
    .kind = CARDC_KIND_STRING,
    .c_name = "cardc_string",
    .pointer = "/properties/description",
    .size = sizeof(cardc_string),
    .schema = &llava_1_5_7b_hf_output_schema,
};

static const cardc_field output_fields[] = {
    {"description", 11, offsetof(llava_1_5_7b_hf_output, description),
     offsetof(llava_1_5_7b_hf_output, has_description), CARDC_NO_OFFSET, &description_type, NULL,
     false},
};

const cardc_type llava_1_5_7b_hf_output_type = {
    .kind = CARDC_KIND_OBJECT,
    .c_name = "llava_1_5_7b_hf_output",
    .pointer = "",
    .size = sizeof(llava_1_5_7b_hf_output),
    .fields = output_fields,
    .field_count = 1,
    .schema = &llava_1_5_7b_hf_output_schema,
};

/* ---- typed wrappers ---- */

cardc_status llava_1_5_7b_hf_input_init(llava_1_5_7b_hf_input *v, cardc_error *err)
{ return cardc_bind_init(&llava_1_5_7b_hf_input_type, v, err); }
void llava_1_5_7b_hf_input_free(llava_1_5_7b_hf_input *v)
{ cardc_bind_free(&llava_1_5_7b_hf_input_type, v); }
cardc_status llava_1_5_7b_hf_input_decode(llava_1_5_7b_hf_input *v, const char *json, size_t len,
                                          cardc_error *err)
{ return cardc_bind_decode(&llava_1_5_7b_hf_input_type, v, json, len, NULL, err); }
cardc_status llava_1_5_7b_hf_input_decode_ex(llava_1_5_7b_hf_input *v, const char *json, size_t len,
                                             const cardc_decode_options *opts, cardc_error *err)
{ return cardc_bind_decode(&llava_1_5_7b_hf_input_type, v, json, len, opts, err); }
cardc_status llava_1_5_7b_hf_input_encode(const llava_1_5_7b_hf_input *v, char **json, size_t *len,
                                          cardc_error *err)
{ return cardc_bind_encode(&llava_1_5_7b_hf_input_type, v, json, len, err); }
cardc_status llava_1_5_7b_hf_input_validate(const llava_1_5_7b_hf_input *v, cardc_error *err)
{ return cardc_bind_validate(&llava_1_5_7b_hf_input_type, v, NULL, err); }

cardc_status llava_1_5_7b_hf_output_init(llava_1_5_7b_hf_output *v, cardc_error *err)
{ return cardc_bind_init(&llava_1_5_7b_hf_output_type, v, err); }
void llava_1_5_7b_hf_output_free(llava_1_5_7b_hf_output *v)
{ cardc_bind_free(&llava_1_5_7b_hf_output_type, v); }
cardc_status llava_1_5_7b_hf_output_decode(llava_1_5_7b_hf_output *v, const char *json, size_t len,
                                           cardc_error *err)
{ return cardc_bind_decode(&llava_1_5_7b_hf_output_type, v, json, len, NULL, err); }
cardc_status llava_1_5_7b_hf_output_encode(const llava_1_5_7b_hf_output *v, char **json,
                                           size_t *len, cardc_error *err)
{ return cardc_bind_encode(&llava_1_5_7b_hf_output_type, v, json, len, err); }
cardc_status llava_1_5_7b_hf_output_validate(const llava_1_5_7b_hf_output *v, cardc_error *err)
{ return cardc_bind_validate(&llava_1_5_7b_hf_output_type, v, NULL, err); }

/* ---- model ---- */

static cardc_status in_init(void *v, cardc_error *err) { return llava_1_5_7b_hf_input_init(v, err); }
static void in_free(void *v) { llava_1_5_7b_hf_input_free(v); }
static cardc_status in_decode(void *v, const char *j, size_t n, cardc_error *err)
{ return llava_1_5_7b_hf_input_decode(v, j, n, err); }
static cardc_status in_encode(const void *v, char **j, size_t *n, cardc_error *err)
{ return llava_1_5_7b_hf_input_encode(v, j, n, err); }
static cardc_status in_validate(const void *v, cardc_error *err)
{ return llava_1_5_7b_hf_input_validate(v, err); }
static cardc_status out_init(void *v, cardc_error *err) { return llava_1_5_7b_hf_output_init(v, err); }
static void out_free(void *v) { llava_1_5_7b_hf_output_free(v); }
static cardc_status out_decode(void *v, const char *j, size_t n, cardc_error *err)
{ return llava_1_5_7b_hf_output_decode(v, j, n, err); }
static cardc_status out_encode(const void *v, char **j, size_t *n, cardc_error *err)
{ return llava_1_5_7b_hf_output_encode(v, j, n, err); }
static cardc_status out_validate(const void *v, cardc_error *err)
{ return llava_1_5_7b_hf_output_validate(v, err); }

const cardc_model llava_1_5_7b_hf_model = {
    "@cf/llava-hf/llava-1.5-7b-hf",
    "llava_1_5_7b_hf",
    "Image-to-Text",
    "image-to-text",
    "LLaVA is an open-source chatbot trained by fine-tuning LLaMA/Vicuna on GPT-generated multimodal "
    "instruction-following data. It is an auto-regressive language model, based on the transformer "
    "architecture.",
    "schemas/llava-1.5-7b-hf.md",
    {&llava_1_5_7b_hf_input_type, sizeof(llava_1_5_7b_hf_input), "application/json", in_init,
     in_free, in_decode, in_encode, in_validate},
    {&llava_1_5_7b_hf_output_type, sizeof(llava_1_5_7b_hf_output), "application/json", out_init,
     out_free, out_decode, out_encode, out_validate},
};
