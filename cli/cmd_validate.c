/* cardc validate: payloads against a card's schema or a plain schema. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "report.h"

void cli_usage_validate(FILE *out)
{
    fputs("Usage: cardc validate (--card CARD [--output] | --schema SCHEMA.json) [OPTIONS]\n"
          "                      [PAYLOAD...]\n"
          "\n"
          "Validates each JSON payload file (no PAYLOAD or '-': standard input) against\n"
          "the card's input schema (its output schema with --output) or a plain schema.\n"
          "\n"
          "Schema:\n"
          "  --card CARD              model card (Markdown with YAML front matter, YAML\n"
          "                           or JSON)\n"
          "  --output                 use the card's output schema\n"
          "  --schema FILE            a plain JSON Schema file\n"
          "  --dialect NAME           draft7 (default without \"$schema\"), 2019-09, 2020-12\n"
          "                           (also draft4, draft6)\n"
          "  --resource URI=FILE      make FILE available to \"$ref\" as URI (repeatable)\n"
          "  --resource-dir URI=DIR   every *.json below DIR as URI + its relative path\n"
          "  --assert-format          treat \"format\" as an assertion\n"
          "\n"
          "Payloads:\n"
          "  --jsonl FILE             one payload per line of FILE (blank lines skipped;\n"
          "                           repeatable, mixes with PAYLOAD files in order)\n"
          "  --max-depth N            nesting limit of a payload (default 10000,\n"
          "                           at most 100000)\n"
          "  --max-errors N           errors reported per payload (default 100)\n"
          "  --apply-defaults         fill absent properties from \"default\"\n"
          "  --print                  print each valid payload (after --apply-defaults)\n"
          "                           as pretty JSON on stdout; verdicts then go to\n"
          "                           stderr\n"
          "\n"
          "Output:\n"
          "  --format text            FILE:LINE:COL: /instance/path: message [keywordLocation]\n"
          "                           per error (the root is shown as (root)), or\n"
          "                           FILE: valid (default)\n"
          "  --format json            one JSON line per payload: the JSON Schema 2020-12\n"
          "                           \"basic\" output, with \"file\" after \"valid\"\n"
          "                           (and \"line\" for --jsonl payloads)\n"
          "  --format github          GitHub Actions ::error annotations\n"
          "  -h, --help               show this help\n"
          "\n"
          "Exit status: 0 every payload valid, 1 some payload invalid, 2 usage error or\n"
          "an unreadable/malformed card, schema or payload (FILE:LINE:COL: error: ... on\n"
          "stderr; the other payloads are still validated).\n",
          out);
}

typedef struct input {
    const char *path; /* "-" = stdin */
    bool jsonl;
} input;

typedef struct options {
    const char *card, *schema, *dialect_name, *format_name;
    bool output_side, assert_format, apply_defaults, print;
    size_t max_errors;
    int max_depth;
    input *inputs;
    size_t n_inputs;
    cli_resource *resources;
    size_t n_resources;
} options;

/* Everything one run shares: the schema is compiled once and the result
 * reused for every payload. */
typedef struct run {
    const options *opt;
    report rep;
    cardc_schema *schema;
    cardc_result *result;
    cardc_validate_options vopts;
} run;

/* Returns -1 when parsing succeeded, else the exit status to return now. */
static int parse_options(int argc, char **argv, options *o)
{
    bool only_payloads = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        char name[64];
        long n;
        int rc;

        if (only_payloads || a[0] != '-' || strcmp(a, "-") == 0) {
            o->inputs[o->n_inputs++] = (input){a, false};
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_payloads = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_validate(stdout);
            return CLI_EXIT_OK;
        }
        value = cli_option_name(a, name, sizeof name);

        /* Flags. */
        bool *flag = strcmp(name, "--output") == 0           ? &o->output_side
                     : strcmp(name, "--assert-format") == 0  ? &o->assert_format
                     : strcmp(name, "--apply-defaults") == 0 ? &o->apply_defaults
                     : strcmp(name, "--print") == 0          ? &o->print
                                                             : NULL;
        if (flag) {
            if (value)
                return cli_usage_error("validate", "option '%s' takes no value", name);
            *flag = true;
            continue;
        }

        static const char *const with_value[] = {
            "--card",     "--schema",     "--jsonl",      "--dialect", "--resource",
            "--resource-dir", "--max-errors", "--max-depth", "--format"};
        if (!cli_option_known(name, with_value, sizeof with_value / sizeof with_value[0]))
            return cli_usage_error("validate", "unknown option '%s'", a);
        if ((rc = cli_option_value("validate", name, argc, argv, &i, &value)) >= 0)
            return rc;

        if (strcmp(name, "--card") == 0 || strcmp(name, "--schema") == 0) {
            if ((rc = cli_option_once("validate", name, name[2] == 'c' ? &o->card : &o->schema,
                                      value)) >= 0)
                return rc;
        } else if (strcmp(name, "--jsonl") == 0) {
            o->inputs[o->n_inputs++] = (input){value, true};
        } else if (strcmp(name, "--dialect") == 0) {
            o->dialect_name = value;
        } else if (strcmp(name, "--format") == 0) {
            o->format_name = value;
        } else if (strcmp(name, "--resource") == 0 || strcmp(name, "--resource-dir") == 0) {
            int bad = cli_resource_parse("validate", name, value, &o->resources[o->n_resources++]);
            if (bad >= 0)
                return bad;
        } else if (strcmp(name, "--max-errors") == 0) {
            if ((rc = cli_parse_long("validate", name, value, 1, LONG_MAX, &n)) >= 0)
                return rc;
            o->max_errors = (size_t)n;
        } else { /* --max-depth */
            if ((rc = cli_parse_long("validate", name, value, 1, CARDC_JSON_MAX_DEPTH_CEILING,
                                     &n)) >= 0)
                return rc;
            o->max_depth = (int)n;
        }
    }
    return -1;
}

/* Compiles the schema: from the card (the chosen side) or from a file. */
static int compile_schema(run *r, const cardc_registry *registry)
{
    const options *o = r->opt;
    cardc_schema_options sopts;
    cardc_error err;
    cardc_card *card = NULL;
    const struct json_object *doc = NULL;
    struct json_object *owned = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = -1;

    cardc_schema_options_init(&sopts);
    sopts.registry = registry;
    if (o->assert_format)
        sopts.flags |= CARDC_SCHEMA_ASSERT_FORMAT;
    if (o->dialect_name)
        sopts.dialect = cardc_dialect_from_name(o->dialect_name);

    cardc_error_clear(&err);
    if (o->card) {
        cardc_side side = o->output_side ? CARDC_SIDE_OUTPUT : CARDC_SIDE_INPUT;
        if (cli_load_card(o->card, &card) != 0)
            goto done;
        if (cardc_card_schema(card, side, &doc, &err) != CARDC_OK) {
            cli_report_error(&err, o->card);
            goto done;
        }
    } else {
        if (cardc_read_file(o->schema, &text, &len, &err) != CARDC_OK ||
            cardc_json_parse(text, len, strcmp(o->schema, "-") ? o->schema : "<stdin>", 0,
                             &owned, &err) != CARDC_OK) {
            report_error(stderr, &err);
            goto done;
        }
        doc = owned;
    }

    if (cardc_schema_compile(doc, &sopts, &r->schema, &err) != CARDC_OK) {
        /* Point at the offending keyword in the file the user wrote. */
        if (!err.source[0]) {
            int line = 0, col = 0;
            if (o->card) {
                cardc_card_schema_position(card, o->output_side ? CARDC_SIDE_OUTPUT
                                                                : CARDC_SIDE_INPUT,
                                           &line, &col);
                snprintf(err.source, sizeof err.source, "%s", o->card);
            } else {
                cardc_json_locate(text, len, err.pointer, &line, &col);
                snprintf(err.source, sizeof err.source, "%s", o->schema);
            }
            err.line = line;
            err.column = col;
        }
        report_error(stderr, &err);
        goto done;
    }
    rc = 0;
done:
    json_object_put(owned);
    free(text);
    cardc_card_free(card);
    return rc;
}

/* Validates one payload text; returns its exit status. */
static int validate_text(run *r, const report_payload *p)
{
    struct json_object *instance = NULL;
    cardc_error err;
    cardc_status st;
    int status;

    cardc_error_clear(&err);
    if (cardc_json_parse(p->text, p->len, p->file, r->opt->max_depth, &instance, &err) !=
        CARDC_OK) {
        report_payload_error(&r->rep, p, &err);
        return CLI_EXIT_ERROR;
    }
    st = cardc_validate(r->schema, instance, &r->vopts, r->result, &err);
    if (st == CARDC_OK || st == CARDC_E_INVALID) {
        status = st == CARDC_OK ? CLI_EXIT_OK : CLI_EXIT_INVALID;
        if (report_result(&r->rep, p, r->result) != 0) {
            fprintf(stderr, "%s: error: out of memory writing the report\n", p->file);
            status = CLI_EXIT_ERROR;
        } else if (st == CARDC_OK && r->opt->print) {
            char *s = cardc_json_dump(instance, 1);
            if (s) {
                printf("%s\n", s);
                free(s);
            } else {
                fprintf(stderr, "%s: error: out of memory printing the payload\n", p->file);
                status = CLI_EXIT_ERROR;
            }
        }
    } else {
        report_payload_error(&r->rep, p, &err);
        status = CLI_EXIT_ERROR;
    }
    json_object_put(instance);
    return status;
}

static int worse(int a, int b)
{
    return a > b ? a : b;
}

/* One file: a single payload, or one per non-blank line with --jsonl. */
static int validate_input(run *r, const input *in)
{
    const char *file = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
    report_payload p = {file, NULL, 0, 1, in->jsonl};
    cardc_error err;
    char *text;
    size_t len;
    int status = CLI_EXIT_OK;

    cardc_error_clear(&err);
    if (cardc_read_file(in->path, &text, &len, &err) != CARDC_OK) {
        p.jsonl = false;
        report_payload_error(&r->rep, &p, &err);
        return CLI_EXIT_ERROR;
    }
    if (!in->jsonl) {
        p.text = text;
        p.len = len;
        status = validate_text(r, &p);
    } else {
        size_t start = 0;
        int line = 1;
        while (start < len) {
            const char *nl = memchr(text + start, '\n', len - start);
            size_t end = nl ? (size_t)(nl - text) : len;
            size_t stop = end;
            bool blank = true;

            if (stop > start && text[stop - 1] == '\r')
                stop--;
            for (size_t k = start; k < stop && blank; k++)
                blank = text[k] == ' ' || text[k] == '\t' || text[k] == '\r';
            if (!blank) {
                p.text = text + start;
                p.len = stop - start;
                p.line_base = line;
                status = worse(status, validate_text(r, &p));
            }
            start = end + 1;
            line++;
        }
    }
    free(text);
    return status;
}

int cli_validate(int argc, char **argv)
{
    options o = {0};
    run r;
    cardc_registry *registry = NULL;
    cardc_error err;
    int status = CLI_EXIT_ERROR, parsed;
    static input stdin_input = {"-", false};

    memset(&r, 0, sizeof r);
    o.inputs = calloc((size_t)argc + 1, sizeof *o.inputs);
    o.resources = calloc((size_t)argc + 1, sizeof *o.resources);
    if (!o.inputs || !o.resources) {
        fprintf(stderr, "cardc: error: out of memory\n");
        goto out;
    }
    parsed = parse_options(argc, argv, &o);
    if (parsed >= 0) {
        status = parsed;
        goto out;
    }

    if (!o.card == !o.schema) {
        status = cli_usage_error("validate", "give exactly one of --card or --schema");
        goto out;
    }
    if (o.output_side && !o.card) {
        status = cli_usage_error("validate", "--output needs --card");
        goto out;
    }
    if (o.dialect_name && cardc_dialect_from_name(o.dialect_name) == CARDC_DIALECT_AUTO) {
        status = cli_usage_error("validate",
                                 "unknown dialect '%s' (draft7, 2019-09 or 2020-12)",
                                 o.dialect_name);
        goto out;
    }
    if (o.format_name && !report_format_from_name(o.format_name, &r.rep.format)) {
        status = cli_usage_error("validate", "unknown format '%s' (text, json or github)",
                                 o.format_name);
        goto out;
    }
    if (o.n_inputs == 0) {
        o.inputs[0] = stdin_input;
        o.n_inputs = 1;
    }

    r.opt = &o;
    /* With --print, stdout carries the payloads alone so it can be piped. */
    r.rep.out = o.print ? stderr : stdout;
    r.rep.diag = stderr;
    cardc_validate_options_init(&r.vopts);
    if (o.max_errors)
        r.vopts.max_errors = o.max_errors;
    r.vopts.max_depth = o.max_depth;
    if (o.apply_defaults)
        r.vopts.flags |= CARDC_VALIDATE_APPLY_DEFAULTS;
    r.rep.max_errors = r.vopts.max_errors ? r.vopts.max_errors : 100;

    if (cli_load_resources(o.resources, o.n_resources, &registry) != 0 ||
        compile_schema(&r, registry) != 0)
        goto out;
    cardc_error_clear(&err);
    if (cardc_result_new(&r.result, &err) != CARDC_OK) {
        report_error(stderr, &err);
        goto out;
    }
    status = CLI_EXIT_OK;
    for (size_t i = 0; i < o.n_inputs; i++)
        status = worse(status, validate_input(&r, &o.inputs[i]));
    if (fflush(stdout) != 0) {
        fprintf(stderr, "cardc: error: cannot write the output: %s\n", strerror(errno));
        status = CLI_EXIT_ERROR;
    }
out:
    cardc_result_free(r.result);
    cardc_schema_free(r.schema);
    cardc_registry_free(registry);
    free(o.inputs);
    free(o.resources);
    return status;
}
