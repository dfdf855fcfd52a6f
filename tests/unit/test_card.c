/* SPDX-License-Identifier: MIT */
/* Card loader tests: the seed card field by field, every shared card, and
 * broken cards with exact error positions.
 * Usage: test_card SHARED_CARDS_DIR BROKEN_CARDS_DIR SEED_CARD */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "cardc/card.h"

#include "check.h"

static const char *broken_dir;

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void print_error(const char *what, const cardc_error *err)
{
    char buf[1024];

    cardc_error_format(err, buf, sizeof buf);
    printf("  %-28s -> [%s] %s\n", what, cardc_status_name(err->code), buf);
}

/* Loads a broken card from BROKEN_CARDS_DIR and checks the status, the
 * position and a part of the message. */
static void expect_file_error(const char *name, cardc_status code, int line, int column,
                              const char *pointer, const char *message_part)
{
    char *path = path_in(broken_dir, name);
    cardc_card *card = NULL;
    cardc_error err;
    cardc_status st;

    cardc_error_clear(&err);
    st = cardc_card_load(path, NULL, &card, &err);
    print_error(name, &err);
    CHECK(st == code);
    CHECK(err.code == code);
    CHECK(card == NULL);
    CHECK_STR(err.source, path);
    CHECK_MSG(err.line == line && err.column == column, "%s: position %d:%d, want %d:%d", name,
              err.line, err.column, line, column);
    CHECK_STR(err.pointer, pointer);
    CHECK_MSG(strstr(err.message, message_part), "%s: message \"%s\" lacks \"%s\"", name,
              err.message, message_part);
    free(path);
}

/* Same for an in-memory card. */
static void expect_mem_error(const char *label, const char *text, const cardc_card_options *opts,
                             cardc_status code, int line, int column, const char *message_part)
{
    cardc_card *card = NULL;
    cardc_error err;
    cardc_status st;

    cardc_error_clear(&err);
    st = cardc_card_load_mem(text, strlen(text), label, opts, &card, &err);
    print_error(label, &err);
    CHECK_MSG(st == code, "%s: status %s, want %s", label, cardc_status_name(st),
              cardc_status_name(code));
    CHECK(card == NULL);
    CHECK_MSG(err.line == line && err.column == column, "%s: position %d:%d, want %d:%d", label,
              err.line, err.column, line, column);
    CHECK_MSG(strstr(err.message, message_part), "%s: message \"%s\" lacks \"%s\"", label,
              err.message, message_part);
    cardc_card_free(card);
}

static cardc_card *load_mem_ok(const char *label, const char *text, size_t len)
{
    cardc_card *card = NULL;
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_card_load_mem(text, len, label, NULL, &card, &err) != CARDC_OK)
        print_error(label, &err);
    CHECK_MSG(card != NULL, "%s: did not load", label);
    return card;
}

/* ---- the seed card ---------------------------------------------------- */

static void test_seed(const char *path)
{
    cardc_card *card = NULL;
    cardc_error err;
    const struct json_object *in = NULL, *out = NULL;
    struct json_object *v = NULL, *props = NULL;
    const char *key = NULL, *value = NULL;
    int line, column;

    printf("seed card %s\n", path);
    cardc_error_clear(&err);
    if (cardc_card_load(path, NULL, &card, &err) != CARDC_OK) {
        print_error(path, &err);
        CHECK_FAIL();
        fprintf(stderr, "FAIL: the seed card does not load\n");
        return;
    }
    CHECK(cardc_card_get_format(card) == CARDC_CARD_FRONT_MATTER);
    CHECK_STR(cardc_card_source(card), path);
    CHECK_STR(cardc_card_name(card), "@cf/llava-hf/llava-1.5-7b-hf");
    CHECK_STR(cardc_card_id(card), "af274959-cb47-4ba8-9d8e-5a0a58b6b402");
    CHECK_STR(cardc_card_description(card),
              "LLaVA is an open-source chatbot trained by fine-tuning LLaMA/Vicuna on "
              "GPT-generated multimodal instruction-following data. It is an auto-regressive "
              "language model, based on the transformer architecture.");
    CHECK_STR(cardc_card_task_id(card), "882a91d1-c331-4eec-bdad-834c919942a8");
    CHECK_STR(cardc_card_task_name(card), "Image-to-Text");
    CHECK_STR(cardc_card_task_description(card),
              "Image to text models output a text from a given image. Image captioning or "
              "optical character recognition can be considered as the most common "
              "applications of image to text.");
    CHECK_STR(cardc_card_task_type(card), "image-to-text");

    CHECK(cardc_card_property_count(card) == 1);
    CHECK(cardc_card_property(card, 0, &key, &value) == 1);
    CHECK_STR(key, "beta");
    CHECK_STR(value, "true");
    key = value = NULL;
    CHECK(cardc_card_property(card, 1, &key, &value) == 0);
    CHECK(key == NULL && value == NULL);

    CHECK(cardc_card_schema(card, CARDC_SIDE_INPUT, &in, &err) == CARDC_OK);
    CHECK(json_object_is_type(in, json_type_object));
    CHECK(json_object_object_get_ex(in, "oneOf", &v));
    CHECK(json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2);
    CHECK(cardc_card_schema(card, CARDC_SIDE_OUTPUT, &out, &err) == CARDC_OK);
    CHECK(json_object_is_type(out, json_type_object));
    CHECK(json_object_object_get_ex(out, "properties", &props));
    CHECK(json_object_object_get_ex(props, "description", NULL));
    CHECK(json_object_object_get_ex(out, "contentType", &v));
    CHECK_STR(json_object_get_string(v), "application/json");
    CHECK(err.code == CARDC_OK);

    /* `  input: "...` on line 21, `  output: "...` on line 22. */
    cardc_card_schema_position(card, CARDC_SIDE_INPUT, &line, &column);
    CHECK(line == 21 && column == 10);
    cardc_card_schema_position(card, CARDC_SIDE_OUTPUT, &line, &column);
    CHECK(line == 22 && column == 11);

    /* The document keeps the schema texts as strings and types plain
     * scalars: `source: 1`, `weight: 0`. */
    CHECK(json_object_object_get_ex(cardc_card_document(card), "weight", &v));
    CHECK(json_object_is_type(v, json_type_int) && json_object_get_int(v) == 0);
    CHECK(json_object_object_get_ex(cardc_card_document(card), "json_schema", &v));
    CHECK(json_object_object_get_ex(v, "input", &v));
    CHECK(json_object_is_type(v, json_type_string));
    cardc_card_free(card);
}

/* ---- every shared card ------------------------------------------------ */

static int load_dir(const char *cards, const char *sub)
{
    char *dir = path_in(cards, sub);
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;

    if (!d) {
        CHECK_FAIL();
        fprintf(stderr, "FAIL: shared cards directory %s is missing\n", dir);
        free(dir);
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        char *path;
        struct stat stbuf;
        cardc_card *card = NULL;
        cardc_error err;
        const struct json_object *in = NULL, *out = NULL;
        const char *name;

        if (e->d_name[0] == '.')
            continue;
        path = path_in(dir, e->d_name);
        if (stat(path, &stbuf) != 0 || !S_ISREG(stbuf.st_mode)) {
            free(path);
            continue;
        }
        count++;
        cardc_error_clear(&err);
        if (cardc_card_load(path, NULL, &card, &err) != CARDC_OK) {
            print_error(path, &err);
            CHECK_FAIL();
            fprintf(stderr, "FAIL: %s does not load\n", path);
            free(path);
            continue;
        }
        name = cardc_card_name(card);
        /* Workers AI names are "@cf/..." except the Hugging Face-hosted
         * ones ("@hf/nousresearch/hermes-2-pro-mistral-7b"). */
        CHECK(name && (strncmp(name, "@cf/", 4) == 0 || strncmp(name, "@hf/", 4) == 0));
        CHECK(cardc_card_id(card) != NULL);
        CHECK(cardc_card_task_name(card) != NULL);
        CHECK(cardc_card_schema(card, CARDC_SIDE_INPUT, &in, &err) == CARDC_OK);
        CHECK(json_object_is_type(in, json_type_object) ||
              json_object_is_type(in, json_type_boolean));
        CHECK(cardc_card_schema(card, CARDC_SIDE_OUTPUT, &out, &err) == CARDC_OK);
        CHECK(json_object_is_type(out, json_type_object) ||
              json_object_is_type(out, json_type_boolean));
        CHECK(err.code == CARDC_OK);
        if (strcmp(sub, "json") == 0)
            CHECK(cardc_card_get_format(card) == CARDC_CARD_JSON);
        else if (strcmp(sub, "yaml") == 0)
            CHECK(cardc_card_get_format(card) == CARDC_CARD_YAML &&
                  cardc_card_task_type(card) != NULL);
        printf("  %-5s %-40s %-50s task=%s props=%zu\n", sub, e->d_name, name ? name : "(null)",
               cardc_card_task_type(card) ? cardc_card_task_type(card) : "-",
               cardc_card_property_count(card));
        cardc_card_free(card);
        free(path);
    }
    closedir(d);
    if (count == 0) {
        CHECK_FAIL();
        fprintf(stderr, "FAIL: no cards in %s\n", dir);
    }
    free(dir);
    return count;
}

static void test_shared(const char *cards)
{
    int n = 0;

    printf("shared cards in %s\n", cards);
    n += load_dir(cards, "yaml");
    n += load_dir(cards, "json");
    n += load_dir(cards, "seed");
    printf("  %d shared cards\n", n);
}

/* ---- broken cards ----------------------------------------------------- */

static void test_broken_files(void)
{
    char *path;
    cardc_card *card = NULL;
    cardc_error err;
    const struct json_object *schema = NULL;
    clock_t t0;
    double secs;

    printf("broken cards in %s\n", broken_dir);
    expect_file_error("no-front-matter.md", CARDC_E_CARD, 1, 1, "",
                      "no YAML front matter (expected a first line '---')");
    expect_file_error("unterminated.md", CARDC_E_CARD, 1, 1, "", "unterminated YAML front matter");
    /* "   id:" is indented one column deeper than "  name:". */
    expect_file_error("bad-indent.yaml", CARDC_E_YAML, 3, 4, "",
                      "did not find expected key (while parsing a block mapping at line 2, "
                      "column 3)");
    /* Line 7 column 10 is the opening quote of the schema text; inside it,
     * line 4 column 28 is the '}' after a trailing comma. */
    expect_file_error("bad-schema-json.md", CARDC_E_JSON, 7, 10, "/json_schema/input",
                      "schema text is not valid JSON: object key (a double-quoted string) "
                      "expected at line 4, column 28 of the schema text");
    /* A literal block keeps the schema's lines: the error is pointed at
     * exactly (schema line 5, column 5 -> card line 5 + 5, column 4 + 5). */
    expect_file_error("bad-schema-literal.md", CARDC_E_JSON, 10, 9, "/json_schema/input",
                      "schema text is not valid JSON: ',' or '}' expected at line 5, column 5 "
                      "of the schema text");
    expect_file_error("duplicate-key.yaml", CARDC_E_YAML, 4, 3, "/model",
                      "duplicate mapping key 'name'");
    expect_file_error("bad-json.json", CARDC_E_JSON, 6, 37, "",
                      "invalid JSON card: object key (a double-quoted string) expected");

    /* Billion laughs: 10^9 nodes after expansion; refused before anything
     * is built, at the first level whose expansion alone passes 10^6. */
    t0 = clock();
    expect_file_error("billion-laughs.yaml", CARDC_E_LIMIT, 8, 4, "/f",
                      "YAML aliases expand to more than 1000000 nodes (max_nodes)");
    secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("  billion laughs refused in %.3f s\n", secs);
    CHECK(secs < 1.0);

    /* A missing schema is not a loading error. */
    path = path_in(broken_dir, "no-schema.md");
    cardc_error_clear(&err);
    CHECK(cardc_card_load(path, NULL, &card, &err) == CARDC_OK);
    if (card) {
        CHECK(cardc_card_schema(card, CARDC_SIDE_INPUT, &schema, &err) == CARDC_OK);
        CHECK(json_object_is_type(schema, json_type_object));
        CHECK(cardc_card_schema(card, CARDC_SIDE_OUTPUT, &schema, &err) == CARDC_E_NO_SCHEMA);
        print_error("no-schema.md (output)", &err);
        CHECK(schema == NULL);
        CHECK(err.code == CARDC_E_NO_SCHEMA);
        CHECK_STR(err.message, "card no-schema.md has no output schema (json_schema.output)");
        CHECK_STR(err.pointer, "/json_schema/output");
        CHECK_STR(err.source, path);
        cardc_card_free(card);
    }
    free(path);
}

static struct json_object *types_member(const cardc_card *card, const char *key)
{
    struct json_object *types = NULL, *v = NULL;

    json_object_object_get_ex(cardc_card_document(card), "types", &types);
    if (!json_object_object_get_ex(types, key, &v)) {
        CHECK_FAIL();
        fprintf(stderr, "typing.yaml: types.%s missing\n", key);
    }
    return v;
}

#define CHECK_TYPE(card, key, type) CHECK(json_object_is_type(types_member(card, key), type))

static void test_typing(void)
{
    char *path = path_in(broken_dir, "typing.yaml");
    cardc_card *card = NULL;
    cardc_error err;
    struct json_object *v;
    const char *key, *value;

    printf("YAML 1.2 core schema typing (%s)\n", path);
    cardc_error_clear(&err);
    CHECK(cardc_card_load(path, NULL, &card, &err) == CARDC_OK);
    free(path);
    if (!card) {
        print_error("typing.yaml", &err);
        return;
    }
    /* Starts with a blank line and a comment: still a bare YAML card. */
    CHECK(cardc_card_get_format(card) == CARDC_CARD_YAML);
    CHECK_TYPE(card, "quoted_true", json_type_string);
    CHECK_STR(json_object_get_string(types_member(card, "quoted_true")), "true");
    CHECK_TYPE(card, "plain_true", json_type_boolean);
    CHECK(json_object_get_boolean(types_member(card, "plain_true")) == 1);
    CHECK_TYPE(card, "title_true", json_type_boolean);
    CHECK_TYPE(card, "plain_false", json_type_boolean);
    CHECK(json_object_get_boolean(types_member(card, "plain_false")) == 0);
    CHECK_TYPE(card, "single_512", json_type_string);
    CHECK_STR(json_object_get_string(types_member(card, "single_512")), "512");
    CHECK_TYPE(card, "plain_512", json_type_int);
    CHECK(json_object_get_int64(types_member(card, "plain_512")) == 512);
    CHECK(json_object_get_int64(types_member(card, "negative")) == -7);
    CHECK(json_object_get_int64(types_member(card, "hex")) == 31);
    CHECK(json_object_get_int64(types_member(card, "octal")) == 15);
    CHECK_TYPE(card, "float", json_type_double);
    CHECK(json_object_get_double(types_member(card, "float")) == 1.5);
    CHECK(json_object_get_double(types_member(card, "dot_float")) == 0.5);
    CHECK_TYPE(card, "exponent", json_type_double);
    CHECK(json_object_get_double(types_member(card, "exponent")) == 1000.0);
    CHECK(types_member(card, "tilde") == NULL);
    CHECK(types_member(card, "null_word") == NULL);
    CHECK(types_member(card, "empty") == NULL);
    CHECK_TYPE(card, "tagged_str", json_type_string);
    CHECK_STR(json_object_get_string(types_member(card, "tagged_str")), "5");
    CHECK_TYPE(card, "anchored_tagged", json_type_string);
    CHECK_TYPE(card, "tagged_int", json_type_int);
    CHECK_STR(json_object_get_string(types_member(card, "literal")), "true\n");
    CHECK_STR(json_object_get_string(types_member(card, "folded")), "512\n");
    CHECK_STR(json_object_get_string(types_member(card, "version")), "1.0.0");
    /* YAML 1.1's yes/no booleans are not in the 1.2 core schema. */
    CHECK_STR(json_object_get_string(types_member(card, "yes_word")), "yes");
    v = types_member(card, "key_1");
    CHECK(json_object_object_get_ex(v, "1", NULL) && json_object_object_get_ex(v, "true", NULL));

    /* Property values: strings as written, other scalars as JSON text. */
    CHECK(cardc_card_property_count(card) == 4);
    CHECK(cardc_card_property(card, 0, &key, &value) && strcmp(value, "true") == 0);
    CHECK(cardc_card_property(card, 1, &key, &value) && strcmp(value, "true") == 0);
    CHECK(cardc_card_property(card, 3, &key, &value) && strcmp(key, "plain_512") == 0 &&
          strcmp(value, "512") == 0);
    /* json_schema.input is the JSON text "true": the boolean schema. */
    {
        const struct json_object *s = NULL;

        CHECK(cardc_card_schema(card, CARDC_SIDE_INPUT, &s, NULL) == CARDC_OK);
        CHECK(json_object_is_type(s, json_type_boolean));
    }
    cardc_card_free(card);
}

/* ---- in-memory edge cases -------------------------------------------- */

#define FM(body) "---\n" body "---\n"

static void test_edges(void)
{
    cardc_card_options small = {1000, 5};
    cardc_card *card;
    const char *key, *value;
    struct json_object *v;

    printf("edge cases\n");
    expect_mem_error("inf.yaml", "model:\n  name: x\nlimit: .inf\n", NULL, CARDC_E_UNSUPPORTED, 3,
                     8, "has no JSON equivalent");
    expect_mem_error("nan.yaml", "model:\n  name: x\nlimit: [1, .NaN]\n", NULL, CARDC_E_UNSUPPORTED,
                     3, 12, "has no JSON equivalent");
    expect_mem_error("recursive.yaml", "model:\n  name: x\nloop: &l [1, *l]\n", NULL, CARDC_E_YAML,
                     3, 7, "recursive alias");
    expect_mem_error("deep.yaml", "model:\n  name: x\nd: [[[[[1]]]]]\n", &small, CARDC_E_LIMIT, 3,
                     8, "nesting deeper than 5 levels");
    /* Within the limit as written, too deep once *a is expanded. */
    expect_mem_error("alias-deep.yaml", "model:\n  name: x\na: &a [[[1]]]\nb: [[*a]]\n", &small,
                     CARDC_E_LIMIT, 3, 4, "nesting deeper than 5 levels (max_depth) after alias");
    expect_mem_error("empty.yaml", "", NULL, CARDC_E_CARD, 1, 1, "holds no YAML document");
    expect_mem_error(
        "laughs-small.yaml",
        "model: {name: x}\na: &a [1,2,3,4,5,6,7,8,9,10]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
        &small, CARDC_E_LIMIT, 3, 4, "more than 1000 nodes");
    expect_mem_error("sequence.yaml", "- model\n- name\n", NULL, CARDC_E_CARD, 1, 1,
                     "not a model card: the YAML document is a sequence");
    expect_mem_error("empty.md", "---\n---\n# Title\n", NULL, CARDC_E_CARD, 1, 1,
                     "the YAML front matter is empty");
    expect_mem_error("prose.md", "Just a paragraph of Markdown.\n", NULL, CARDC_E_CARD, 1, 1,
                     "no YAML front matter (expected a first line '---')");
    expect_mem_error("not-a-card.yaml", "title: hello\nweight: 3\n", NULL, CARDC_E_CARD, 1, 1,
                     "not a model card");
    expect_mem_error("model-scalar.md", FM("title: t\nmodel: 5\n"), NULL, CARDC_E_CARD, 3, 8,
                     "'model' must be a mapping, not an integer");
    expect_mem_error("name-int.md", FM("model:\n  name: 12\n"), NULL, CARDC_E_CARD, 3, 9,
                     "'model.name' must be a string, not an integer");
    expect_mem_error("schema-map.md",
                     FM("model:\n  name: x\njson_schema:\n  input: {type: object}\n"), NULL,
                     CARDC_E_CARD, 5, 10, "json_schema.input must be a string");
    expect_mem_error("schema-number.md", FM("model:\n  name: x\njson_schema:\n  output: '42'\n"),
                     NULL, CARDC_E_CARD, 5, 11, "not an integer");
    expect_mem_error("schema-nan.md",
                     FM("model:\n  name: x\njson_schema:\n  input: |\n    {\"a\": NaN}\n"), NULL,
                     CARDC_E_JSON, 6, 11,
                     "invalid literal 'NaN' (only true, false and null exist) at line 1, column 7 "
                     "of the schema text");
    expect_mem_error("prop-no-id.md", FM("model:\n  name: x\n  properties:\n    - value: 1\n"),
                     NULL, CARDC_E_CARD, 5, 7, "has no property_id");
    expect_mem_error("two-docs.yaml", "model:\n  name: x\n---\nmodel:\n  name: y\n", NULL,
                     CARDC_E_YAML, 3, 1, "more than one YAML document");
    expect_mem_error("dup-alias-key.yaml", "model:\n  name: x\n  ? [a]\n  : 1\n", NULL,
                     CARDC_E_YAML, 3, 5, "mapping keys must be scalars");
    expect_mem_error("bad-utf8.yaml", "model:\n  name: \"\xff\"\n", NULL, CARDC_E_UTF8, 2, 10,
                     "invalid leading UTF-8 octet");
    expect_mem_error("utf16.yaml", "\xff\xfem\0o\0", NULL, CARDC_E_UTF8, 1, 1, "UTF-16");
    expect_mem_error("json-nan.json", "{\"name\": \"x\",\n \"schema\": {\"input\": NaN}}", NULL,
                     CARDC_E_JSON, 2, 22, "invalid literal 'NaN'");
    expect_mem_error("json-inf.json", "{\"name\": \"x\", \"v\": 1e999}", NULL, CARDC_E_JSON, 1, 20,
                     "number out of range");
    expect_mem_error("json-bigint.json", "{\"name\": \"x\", \"v\": 18446744073709551616}", NULL,
                     CARDC_E_JSON, 1, 20, "integer out of the 64-bit range");
    expect_mem_error("json-negint.json", "{\"name\": \"x\", \"v\": -9223372036854775809}", NULL,
                     CARDC_E_JSON, 1, 20, "integer out of the 64-bit range");
    expect_mem_error("yaml-bigint.yaml", "model: {name: x}\nv: 18446744073709551616\n", NULL,
                     CARDC_E_YAML, 2, 4, "out of range");
    expect_mem_error("json-trailing.json", "{\"name\": \"x\"} {}", NULL, CARDC_E_JSON, 1, 15,
                     "after the JSON value");
    expect_mem_error("json-ctrl.json", "{\"name\": \"a\tb\"}", NULL, CARDC_E_JSON, 1, 12,
                     "control character");
    expect_mem_error("json-dup.json", "{\"name\": \"x\",\n  \"name\": \"y\"}", NULL, CARDC_E_JSON,
                     2, 3, "duplicate object key \"name\"");
    /* Cards refuse what json-c would store changed (payloads accept it). */
    expect_mem_error("json-surrogate.json", "{\"name\": \"x\", \"v\": \"\\ud800\"}", NULL,
                     CARDC_E_JSON, 1, 21, "unpaired surrogate");
    expect_mem_error("json-nul-key.json", "{\"name\": \"x\", \"a\\u0000b\": 1}", NULL, CARDC_E_JSON,
                     1, 15, "object key contains \\u0000");
    expect_mem_error(
        "schema-dup.md",
        FM("model:\n  name: x\njson_schema:\n  input: '{\"type\": 1, \"t\\u0079pe\": 2}'\n"), NULL,
        CARDC_E_JSON, 5, 10,
        "duplicate object key \"type\" at line 1, column 13 of the schema text");
    expect_mem_error("json-name.json", "{\n  \"name\": [\"x\"]\n}", NULL, CARDC_E_CARD, 2, 11,
                     "'name' must be a string, not a sequence");
    expect_mem_error("json-schema.json", "{\"name\": \"x\", \"schema\": {\"input\": 3}}", NULL,
                     CARDC_E_CARD, 1, 35, "schema.input must be a JSON Schema");
    expect_mem_error("json-deep.json", "{\"name\": \"x\", \"d\": [[[[[1]]]]]}", &small,
                     CARDC_E_LIMIT, 1, 24, "nests deeper");

    /* BOM, CRLF, trailing blanks on the markers, "..." as closing line. */
    card = load_mem_ok("crlf.md",
                       "\xef\xbb\xbf---  \r\nmodel:\r\n  name: \"@cf/x/y\"\r\n"
                       "json_schema:\r\n  input: '{}'\r\n...\r\nBody\r\n",
                       strlen("\xef\xbb\xbf---  \r\nmodel:\r\n  name: \"@cf/x/y\"\r\n"
                              "json_schema:\r\n  input: '{}'\r\n...\r\nBody\r\n"));
    if (card) {
        int line, column;

        CHECK(cardc_card_get_format(card) == CARDC_CARD_FRONT_MATTER);
        CHECK_STR(cardc_card_name(card), "@cf/x/y");
        cardc_card_schema_position(card, CARDC_SIDE_INPUT, &line, &column);
        CHECK(line == 5 && column == 10);
        cardc_card_free(card);
    }
    /* JSON layout: non-string property values become JSON text; no
     * task_type unless the card has one. */
    {
        const char *j =
            "{\"name\": \"@cf/a/b\", \"task\": {\"name\": \"T\"}, \"properties\": "
            "[{\"property_id\": \"price\", \"value\": [{\"unit\": \"x/y\", \"price\": 1}]}],"
            "\n \"schema\": {\"input\": true, \"output\": {\"type\": \"string\"}}}";

        card = load_mem_ok("layout.json", j, strlen(j));
        if (card) {
            int line, column;

            CHECK(cardc_card_task_type(card) == NULL);
            CHECK_STR(cardc_card_task_name(card), "T");
            CHECK(cardc_card_property(card, 0, &key, &value));
            CHECK_STR(value, "[{\"unit\":\"x/y\",\"price\":1}]");
            cardc_card_schema_position(card, CARDC_SIDE_OUTPUT, &line, &column);
            CHECK(line == 2 && column == 38);
            cardc_card_free(card);
        }
    }
    /* Aliases within the limit expand into copies. */
    card = load_mem_ok("alias.yaml", "model:\n  name: &n \"@cf/q/r\"\nalso: *n\n",
                       strlen("model:\n  name: &n \"@cf/q/r\"\nalso: *n\n"));
    if (card) {
        CHECK(json_object_object_get_ex(cardc_card_document(card), "also", &v));
        CHECK_STR(json_object_get_string(v), "@cf/q/r");
        cardc_card_free(card);
    }
    /* NULL error record and bad arguments. */
    card = NULL;
    CHECK(cardc_card_load_mem("- a\n", 4, NULL, NULL, &card, NULL) == CARDC_E_CARD);
    CHECK(card == NULL);
    CHECK(cardc_card_load_mem(NULL, 3, NULL, NULL, &card, NULL) == CARDC_E_USAGE);
    {
        cardc_error err;

        cardc_error_clear(&err);
        CHECK(cardc_card_load("/nonexistent/card.md", NULL, &card, &err) == CARDC_E_IO);
        CHECK_STR(err.source, "/nonexistent/card.md");
        cardc_error_clear(&err);
        CHECK(cardc_card_load(broken_dir, NULL, &card, &err) == CARDC_E_IO);
        CHECK(strstr(err.message, "cannot read the card") != NULL);
    }
}

int main(int argc, char **argv)
{
    struct stat st;

    if (argc != 4) {
        fprintf(stderr, "usage: %s SHARED_CARDS_DIR BROKEN_CARDS_DIR SEED_CARD\n", argv[0]);
        return 2;
    }
    if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "FAIL: shared cards directory %s is missing (expected ../shared/cards)\n",
                argv[1]);
        return 1;
    }
    broken_dir = argv[2];
    test_seed(argv[3]);
    test_shared(argv[1]);
    test_broken_files();
    test_typing();
    test_edges();
    return check_summary();
}
