/* SPDX-License-Identifier: MIT */
/* cardc schema: one side's schema of a card as plain JSON, for other tools
 * (ajv, sourcemeta jsonschema, an editor). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "report.h"

void cli_usage_schema(FILE *out)
{
    fputs("Usage: cardc schema CARD [--side input|output] [--compact] [-o FILE]\n"
          "\n"
          "Prints one side's JSON Schema of the card (the input side by default) as\n"
          "JSON, exactly as the card states it.\n"
          "\n"
          "Options:\n"
          "  --side input|output      which schema (default input)\n"
          "  --compact                one line instead of indented JSON\n"
          "  -o, --output FILE        write it there instead of standard output\n"
          "  -h, --help               show this help\n"
          "\n"
          "Exit status: 0 success, 2 usage error, unreadable/malformed card or a side\n"
          "the card lacks.\n",
          out);
}

int cli_side_from_name(const char *command, const char *name, cardc_side *side)
{
    if (strcmp(name, "input") == 0)
        *side = CARDC_SIDE_INPUT;
    else if (strcmp(name, "output") == 0)
        *side = CARDC_SIDE_OUTPUT;
    else
        return cli_usage_error(command, "--side expects input or output, not '%s'", name);
    return -1;
}

int cli_write_text(const char *path, const char *text)
{
    FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "w") : stdout;
    int ok;

    if (!f) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path ? path : "<stdout>", strerror(errno));
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

int cli_schema(int argc, char **argv)
{
    const char *path = NULL, *side_name = NULL, *out = NULL;
    cardc_side side = CARDC_SIDE_INPUT;
    bool compact = false;
    cardc_card *card = NULL;
    const struct json_object *schema;
    cardc_error err;
    char *text;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        char name[64];

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_schema(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (path)
                return cli_usage_error("schema", "unexpected argument '%s' (one CARD only)", a);
            path = a;
            continue;
        }
        value = cli_option_name(a, name, sizeof name);
        if (strcmp(name, "--compact") == 0) {
            compact = true;
            continue;
        }
        if (strcmp(name, "--side") != 0 && strcmp(name, "-o") != 0 && strcmp(name, "--output") != 0)
            return cli_unknown_option("schema", a);
        if ((rc = cli_option_value("schema", name, argc, argv, &i, &value)) >= 0)
            return rc;
        rc = cli_option_once("schema", name, name[2] == 's' ? &side_name : &out, value);
        if (rc >= 0)
            return rc;
    }
    if (!path)
        return cli_usage_error("schema", "missing CARD");
    if (side_name && (rc = cli_side_from_name("schema", side_name, &side)) >= 0)
        return rc;
    if (cli_load_card(path, &card) != 0)
        return CLI_EXIT_ERROR;
    cardc_error_clear(&err);
    if (cardc_card_schema(card, side, &schema, &err) != CARDC_OK) {
        cli_report_error(&err, path);
        cardc_card_free(card);
        return CLI_EXIT_ERROR;
    }
    text = cardc_json_dump(schema, !compact);
    rc = text ? cli_write_text(out, text) : CLI_EXIT_ERROR;
    if (!text)
        fprintf(stderr, "cardc: error: out of memory\n");
    free(text);
    cardc_card_free(card);
    return rc;
}
