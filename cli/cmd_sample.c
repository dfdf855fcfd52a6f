/* SPDX-License-Identifier: MIT */
/* cardc sample: deterministic payloads from a card's schema or a plain
 * schema, as JSON Lines (analysis/sample does the work). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "report.h"
#include "sample.h"

void cli_usage_sample(FILE *out)
{
    fputs("Usage: cardc sample (CARD | --schema FILE) [--side input|output] [--count N]\n"
          "                    [--seed S] [--invalid] [--labelled] [-o FILE]\n"
          "                    [--resource URI=FILE] [--resource-dir URI=DIR]\n"
          "\n"
          "Prints N payloads built from the schema, one JSON document per line (JSON\n"
          "Lines), the same for the same schema and seed. Every valid sample has passed\n"
          "the validator; together they cover each oneOf/anyOf branch and enum value,\n"
          "optional members absent and present, and bounds at their edges (maxLength\n"
          "with multi-byte code points). With --invalid, each payload breaks exactly\n"
          "one keyword; its keywordLocation and instanceLocation go to stderr as\n"
          "\"sample N: breaks KEYWORD at INSTANCE\" (or into the line with --labelled).\n"
          "\n"
          "  cardc sample CARD --count 100 | cardc validate --card CARD --jsonl -\n"
          "\n"
          "Options:\n"
          "  --schema FILE        a plain JSON Schema instead of a card\n"
          "  --side input|output  the card's side (default input)\n"
          "  --count N            payloads to print (default 10, at most 1000000)\n"
          "  --seed S             the seed (default 0); other seeds, other payloads\n"
          "  --invalid            payloads that break one keyword each\n"
          "  --labelled           print {\"keywordLocation\", \"instanceLocation\",\n"
          "                       \"payload\"} objects instead of bare payloads\n"
          "  --dialect NAME       draft7 (default without \"$schema\"), 2019-09, 2020-12\n"
          "  --resource URI=FILE  make FILE available to \"$ref\" as URI (repeatable)\n"
          "  --resource-dir URI=DIR  every *.json below DIR as URI + its relative path\n"
          "  -o, --output FILE    write to FILE instead of standard output\n"
          "  -h, --help           show this help\n"
          "\n"
          "Exit status: 0 every payload made, 1 no payload could be made (the reason\n"
          "and the schema location on stderr), 2 usage error or unreadable/malformed\n"
          "card or schema.\n",
          out);
}

typedef struct options {
    const char *card, *schema, *side, *dialect, *out;
    long count, seed;
    bool invalid, labelled;
    cli_resource *resources; /* argc entries */
    size_t n_resources;
} options;

static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        static const char *const with_value[] = {"--schema", "--side",     "--count",
                                                 "--seed",   "--dialect",  "-o",
                                                 "--output", "--resource", "--resource-dir"};
        const char *a = argv[i], *value;
        char name[64];
        int rc;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_sample(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-') {
            if ((rc = cli_option_once("sample", "CARD", &o->card, a)) >= 0)
                return rc;
            continue;
        }
        value = cli_option_name(a, name, sizeof name);
        if (strcmp(name, "--invalid") == 0 || strcmp(name, "--labelled") == 0) {
            if (value)
                return cli_usage_error("sample", "option '%s' takes no value", name);
            *(name[2] == 'i' ? &o->invalid : &o->labelled) = true;
            continue;
        }
        if (!cli_option_known(name, with_value, sizeof with_value / sizeof with_value[0]))
            return cli_unknown_option("sample", a);
        if ((rc = cli_option_value("sample", name, argc, argv, &i, &value)) >= 0)
            return rc;
        if (strcmp(name, "--resource") == 0 || strcmp(name, "--resource-dir") == 0)
            rc = cli_resource_parse("sample", name, value, &o->resources[o->n_resources++]);
        else if (strcmp(name, "--count") == 0)
            rc = cli_parse_long("sample", name, value, 1, 1000000, &o->count);
        else if (strcmp(name, "--seed") == 0)
            rc = cli_parse_long("sample", name, value, 0, 2147483647, &o->seed);
        else
            rc = cli_option_once("sample", name,
                                 strcmp(name, "--schema") == 0    ? &o->schema
                                 : strcmp(name, "--side") == 0    ? &o->side
                                 : strcmp(name, "--dialect") == 0 ? &o->dialect
                                                                  : &o->out,
                                 value);
        if (rc >= 0)
            return rc;
    }
    if (!o->card == !o->schema)
        return cli_usage_error("sample", o->card ? "give CARD or --schema, not both"
                                                 : "missing CARD or --schema FILE");
    if (o->side && strcmp(o->side, "input") != 0 && strcmp(o->side, "output") != 0)
        return cli_usage_error("sample", "--side expects input or output, not '%s'", o->side);
    if (o->dialect && cardc_dialect_from_name(o->dialect) == CARDC_DIALECT_AUTO)
        return cli_usage_error("sample", "unknown dialect '%s'", o->dialect);
    return -1;
}

static int print_sample(FILE *out, const options *o, unsigned i, struct json_object *v,
                        const sample_label *label)
{
    struct json_object *line = v;
    int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

    if (o->invalid && !o->labelled)
        fprintf(stderr, "sample %u: breaks %s at %s\n", i + 1,
                label->keyword_location[0] ? label->keyword_location : "(root)",
                label->instance_location[0] ? label->instance_location : "(root)");
    if (o->labelled) {
        line = json_object_new_object();
        if (o->invalid) {
            json_object_object_add(line, "keywordLocation",
                                   json_object_new_string(label->keyword_location));
            json_object_object_add(line, "instanceLocation",
                                   json_object_new_string(label->instance_location));
        }
        json_object_object_add(line, "payload", json_object_get(v));
    }
    fprintf(out, "%s\n", json_object_to_json_string_ext(line, flags));
    if (line != v)
        json_object_put(line);
    return ferror(out) ? -1 : 0;
}

static int emit(FILE *out, const options *o, const struct json_object *doc,
                const cardc_schema *schema)
{
    sample_gen *g = NULL;
    cardc_error err;
    int rc = CLI_EXIT_OK;

    if (sample_gen_new(doc, schema, (uint64_t)o->seed, &g, &err) != CARDC_OK) {
        report_error(stderr, &err);
        return CLI_EXIT_ERROR;
    }
    for (unsigned i = 0; i < (unsigned)o->count && rc == CLI_EXIT_OK; i++) {
        struct json_object *v = NULL;
        sample_label label = {0};
        cardc_status st =
            o->invalid ? sample_invalid(g, i, &v, &label, &err) : sample_valid(g, i, &v, &err);
        if (st != CARDC_OK) {
            fprintf(stderr, "cardc sample: %s: %s\n", err.pointer[0] ? err.pointer : "(root)",
                    err.message);
            rc = st == CARDC_E_SCHEMA ? CLI_EXIT_INVALID : CLI_EXIT_ERROR;
        } else if (print_sample(out, o, i, v, &label) != 0) {
            fprintf(stderr, "cardc sample: error: cannot write the output\n");
            rc = CLI_EXIT_ERROR;
        }
        json_object_put(v);
        sample_label_free(&label);
    }
    sample_gen_free(g);
    return rc;
}

/* The side's schema document, from the card or the file. */
static int load_schema(const options *o, cardc_card **card, struct json_object **owned,
                       const struct json_object **doc)
{
    cardc_error err;
    char *text = NULL;
    size_t len = 0;
    int rc = 0;

    cardc_error_clear(&err);
    if (o->card) {
        cardc_side side =
            o->side && strcmp(o->side, "output") == 0 ? CARDC_SIDE_OUTPUT : CARDC_SIDE_INPUT;
        if (cli_load_card(o->card, card) != 0)
            return CLI_EXIT_ERROR;
        if (cardc_card_schema(*card, side, doc, &err) != CARDC_OK) {
            cli_report_error(&err, o->card);
            return CLI_EXIT_ERROR;
        }
        return 0;
    }
    if (cardc_read_file(o->schema, &text, &len, &err) != CARDC_OK ||
        cardc_json_parse(text, len, o->schema, 0, owned, &err) != CARDC_OK) {
        cli_report_error(&err, o->schema);
        rc = CLI_EXIT_ERROR;
    }
    free(text);
    *doc = *owned;
    return rc;
}

int cli_sample(int argc, char **argv)
{
    options o = {.count = 10};
    cardc_card *card = NULL;
    struct json_object *owned = NULL;
    const struct json_object *doc = NULL;
    cardc_schema *schema = NULL;
    cardc_registry *registry = NULL;
    cardc_schema_options sopts;
    cardc_error err;
    FILE *out = stdout;
    int rc;

    if (!(o.resources = calloc((size_t)argc + 1, sizeof *o.resources))) {
        fprintf(stderr, "cardc sample: error: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    if ((rc = parse_options(argc, argv, &o)) >= 0) {
        free(o.resources);
        return rc;
    }
    rc = load_schema(&o, &card, &owned, &doc);
    if (rc == 0)
        rc = cli_load_resources(o.resources, o.n_resources, &registry);
    cardc_schema_options_init(&sopts);
    sopts.registry = registry;
    if (o.dialect)
        sopts.dialect = cardc_dialect_from_name(o.dialect);
    if (rc == 0 && cardc_schema_compile(doc, &sopts, &schema, &err) != CARDC_OK) {
        cli_report_error(&err, o.card ? o.card : o.schema);
        rc = CLI_EXIT_ERROR;
    }
    if (rc == 0 && o.out && !(out = fopen(o.out, "w"))) {
        fprintf(stderr, "cardc sample: error: cannot write %s\n", o.out);
        rc = CLI_EXIT_ERROR;
    }
    if (rc == 0)
        rc = emit(out, &o, doc, schema);
    if (out && out != stdout && fclose(out) != 0 && rc == 0)
        rc = CLI_EXIT_ERROR;
    cardc_schema_free(schema);
    cardc_registry_free(registry);
    json_object_put(owned);
    cardc_card_free(card);
    free(o.resources);
    return rc;
}
