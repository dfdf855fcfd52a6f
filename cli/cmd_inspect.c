/* cardc inspect: a card's metadata and both schemas, for a reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "report.h"

void cli_usage_inspect(FILE *out)
{
    fputs("Usage: cardc inspect CARD\n"
          "\n"
          "Prints the card's metadata (name, id, description, task, task type,\n"
          "properties) and its input and output schemas as formatted JSON\n"
          "(\"(none)\" for a side the card lacks).\n"
          "\n"
          "Options:\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit status: 0 success, 2 usage error or unreadable/malformed card.\n",
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

int cli_inspect(int argc, char **argv)
{
    const char *path = NULL;
    cardc_card *card = NULL;
    size_t n;
    int status = CLI_EXIT_OK;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_inspect(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] == '-' && strcmp(a, "-") != 0)
            return cli_usage_error("inspect", "unknown option '%s'", a);
        if (path)
            return cli_usage_error("inspect", "unexpected argument '%s' (one CARD only)", a);
        path = a;
    }
    if (!path)
        return cli_usage_error("inspect", "missing CARD");

    if (cli_load_card(path, &card) != 0)
        return CLI_EXIT_ERROR;
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
    if (print_schema(card, CARDC_SIDE_INPUT) != 0 || print_schema(card, CARDC_SIDE_OUTPUT) != 0)
        status = CLI_EXIT_ERROR;
    cardc_card_free(card);
    return status;
}
