/* SPDX-License-Identifier: MIT */
/* cardc inspect: a card's metadata and both schemas, for a reader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "report.h"

void cli_usage_inspect(FILE *out)
{
    fputs("Usage: cardc inspect CARD [--format text|json] [-o FILE]\n"
          "\n"
          "Prints the card's metadata (name, id, description, task, task type,\n"
          "properties, and the typed context window, prices, function calling,\n"
          "reasoning and Batch API support) and its input and output schemas as\n"
          "formatted JSON (\"(none)\" for a side the card lacks).\n"
          "\n"
          "Options:\n"
          "  --format json      all of it as one JSON object (null for what is absent)\n"
          "  -o, --output FILE  write it there instead of standard output\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit status: 0 success, 2 usage error, unreadable/malformed card or an\n"
          "unwritable FILE.\n",
          out);
}

static const char *or_none(const char *s)
{
    return s && s[0] ? s : "(none)";
}

static const char *format_name(cardc_card_format format)
{
    switch (format) {
    case CARDC_CARD_FRONT_MATTER: return "Markdown with YAML front matter";
    case CARDC_CARD_YAML: return "YAML";
    case CARDC_CARD_JSON: return "JSON";
    }
    return "unknown";
}

/* Prints one side's schema; returns 0, or -1 on an error other than a
 * missing schema. */
static int print_schema(const cardc_card *card, cardc_side side)
{
    const struct json_object *schema = NULL;
    cardc_error err;
    cardc_status st;
    char *text;

    printf("\n%s schema:\n", side == CARDC_SIDE_INPUT ? "Input" : "Output");
    cardc_error_clear(&err);
    st = cardc_card_schema(card, side, &schema, &err);
    if (st == CARDC_E_NO_SCHEMA) {
        printf("(none)\n");
        return 0;
    }
    if (st != CARDC_OK) {
        report_error(stderr, &err);
        return -1;
    }
    text = cardc_json_dump(schema, 1);
    if (!text) {
        fprintf(stderr, "cardc: error: out of memory\n");
        return -1;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

static struct json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *traits_json(const cardc_card_traits *t)
{
    struct json_object *o = json_object_new_object(), *prices = json_object_new_array();

    for (size_t i = 0; i < t->price_count; i++) {
        struct json_object *p = json_object_new_object();
        json_object_object_add(p, "unit", str_or_null(t->price[i].unit));
        json_object_object_add(p, "price", json_object_new_double(t->price[i].price));
        json_object_object_add(p, "currency", str_or_null(t->price[i].currency));
        json_object_array_add(prices, p);
    }
    json_object_object_add(o, "context_window",
                           t->context_window ? json_object_new_int64(t->context_window) : NULL);
    json_object_object_add(o, "price", prices);
    json_object_object_add(o, "function_calling", json_object_new_boolean(t->function_calling));
    json_object_object_add(o, "reasoning", json_object_new_boolean(t->reasoning));
    json_object_object_add(o, "async_queue", json_object_new_boolean(t->async_queue));
    return o;
}

/* The whole inspection as one JSON object. */
static int inspect_json(const cardc_card *card)
{
    struct json_object *o = json_object_new_object(), *task = json_object_new_object();
    struct json_object *props = json_object_new_object(), *schemas = json_object_new_object();
    char *text;

    json_object_object_add(o, "source", str_or_null(cardc_card_source(card)));
    json_object_object_add(o, "layout",
                           json_object_new_string(format_name(cardc_card_get_format(card))));
    json_object_object_add(o, "name", str_or_null(cardc_card_name(card)));
    json_object_object_add(o, "id", str_or_null(cardc_card_id(card)));
    json_object_object_add(o, "description", str_or_null(cardc_card_description(card)));
    json_object_object_add(task, "id", str_or_null(cardc_card_task_id(card)));
    json_object_object_add(task, "name", str_or_null(cardc_card_task_name(card)));
    json_object_object_add(task, "description", str_or_null(cardc_card_task_description(card)));
    json_object_object_add(o, "task", task);
    json_object_object_add(o, "task_type", str_or_null(cardc_card_task_type(card)));
    for (size_t i = 0; i < cardc_card_property_count(card); i++) {
        const char *key = NULL, *value = NULL;
        if (cardc_card_property(card, i, &key, &value) && key)
            json_object_object_add(props, key, str_or_null(value));
    }
    json_object_object_add(o, "properties", props);
    json_object_object_add(o, "traits", traits_json(cardc_card_get_traits(card)));
    for (int side = 0; side < 2; side++) {
        const struct json_object *schema = NULL;
        if (cardc_card_schema(card, (cardc_side)side, &schema, NULL) != CARDC_OK)
            schema = NULL;
        json_object_object_add(schemas, side ? "output" : "input",
                               json_object_get((struct json_object *)schema));
    }
    json_object_object_add(o, "schemas", schemas);
    text = cardc_json_dump(o, 1);
    json_object_put(o);
    if (!text) {
        fprintf(stderr, "cardc: error: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    printf("%s\n", text);
    free(text);
    return CLI_EXIT_OK;
}

static void print_traits(const cardc_card_traits *t)
{
    if (t->context_window)
        printf("Context window: %lld tokens\n", t->context_window);
    for (size_t i = 0; i < t->price_count; i++)
        printf("Price:       %g %s %s\n", t->price[i].price, or_none(t->price[i].currency),
               or_none(t->price[i].unit));
    printf("Function calling: %s\n", t->function_calling ? "yes" : "no");
    printf("Reasoning:   %s\n", t->reasoning ? "yes" : "no");
    printf("Batch API (async_queue): %s\n", t->async_queue ? "yes" : "no");
}

/* Flushes what was printed; a write that failed (a full disk) is an error. */
static int finish_output(const char *out, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: error: cannot write: %s\n", out ? out : "<stdout>", strerror(errno));
        return CLI_EXIT_ERROR;
    }
    return status;
}

int cli_inspect(int argc, char **argv)
{
    const char *path = NULL, *format = NULL, *out = NULL;
    cardc_card *card = NULL;
    size_t n;
    int status = CLI_EXIT_OK;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        char name[64];
        int rc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_inspect(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] == '-' && strcmp(a, "-") != 0) {
            value = cli_option_name(a, name, sizeof name);
            if (strcmp(name, "--format") != 0 && strcmp(name, "-o") != 0 &&
                strcmp(name, "--output") != 0)
                return cli_unknown_option("inspect", a);
            if ((rc = cli_option_value("inspect", name, argc, argv, &i, &value)) >= 0 ||
                (rc = cli_option_once("inspect", name, name[2] == 'f' ? &format : &out, value)) >=
                    0)
                return rc;
            continue;
        }
        if (path)
            return cli_usage_error("inspect", "unexpected argument '%s' (one CARD only)", a);
        path = a;
    }
    if (!path)
        return cli_usage_error("inspect", "missing CARD");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
        return cli_usage_error("inspect", "unknown format '%s' (text or json)", format);

    if (cli_load_card(path, &card) != 0)
        return CLI_EXIT_ERROR;
    /* -o: everything below prints to stdout, so stdout becomes the file. */
    if (out && strcmp(out, "-") != 0 && !freopen(out, "w", stdout)) {
        fprintf(stderr, "%s: error: cannot write: %s\n", out, strerror(errno));
        cardc_card_free(card);
        return CLI_EXIT_ERROR;
    }
    if (format && strcmp(format, "json") == 0) {
        status = inspect_json(card);
        cardc_card_free(card);
        return finish_output(out, status);
    }
    printf("Card:        %s (%s)\n", or_none(cardc_card_source(card)),
           format_name(cardc_card_get_format(card)));
    printf("Name:        %s\n", or_none(cardc_card_name(card)));
    printf("Id:          %s\n", or_none(cardc_card_id(card)));
    printf("Description: %s\n", or_none(cardc_card_description(card)));
    printf("Task:\n");
    printf("  Id:          %s\n", or_none(cardc_card_task_id(card)));
    printf("  Name:        %s\n", or_none(cardc_card_task_name(card)));
    printf("  Description: %s\n", or_none(cardc_card_task_description(card)));
    printf("Task type:   %s\n", or_none(cardc_card_task_type(card)));
    n = cardc_card_property_count(card);
    printf("Properties:%s\n", n ? "" : "  (none)");
    for (size_t i = 0; i < n; i++) {
        const char *key = NULL, *value = NULL;
        if (cardc_card_property(card, i, &key, &value))
            printf("  %s: %s\n", or_none(key), value ? value : "(none)");
    }
    print_traits(cardc_card_get_traits(card));
    if (print_schema(card, CARDC_SIDE_INPUT) != 0 || print_schema(card, CARDC_SIDE_OUTPUT) != 0)
        status = CLI_EXIT_ERROR;
    cardc_card_free(card);
    return finish_output(out, status);
}
