/* SPDX-License-Identifier: MIT */
/* cardc validate: payloads against a card's schema or a plain schema. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "inputs.h"
#include "report.h"

void cli_usage_validate(FILE *out)
{
    fputs("Usage: cardc validate (--card CARD [--side input|output] | --schema SCHEMA.json)\n"
          "                      [OPTIONS] [PAYLOAD|DIR|GLOB...]\n"
          "\n"
          "Validates each JSON (or YAML) payload against the card's input schema (its\n"
          "output schema with --side output) or a plain schema. No PAYLOAD or '-':\n"
          "standard input. A directory is searched recursively for files ending with\n"
          "an --ext; a quoted glob pattern is expanded by cardc.\n"
          "\n"
          "Schema:\n"
          "  --card CARD              model card (Markdown with YAML front matter, YAML\n"
          "                           or JSON)\n"
          "  --side input|output      which schema of the card (default input; --output\n"
          "                           is the deprecated spelling of --side output)\n"
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
          "  --ext .EXT               file endings taken from a directory (repeatable;\n"
          "                           default .json)\n"
          "  --yaml                   read every payload as YAML (files named *.yaml or\n"
          "                           *.yml always are)\n"
          "  --max-depth N            nesting limit of a payload (default 10000,\n"
          "                           at most 100000)\n"
          "  --duplicate-keys last|reject\n"
          "                           a JSON object naming a member twice: the last\n"
          "                           wins (default, as JavaScript), or the payload is\n"
          "                           malformed (FILE:LINE:COL of the second; YAML\n"
          "                           payloads always refuse duplicates)\n"
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
          "                           (and \"line\" for --jsonl payloads); each error\n"
          "                           also has the value's \"line\" and \"column\"\n"
          "  --format github          GitHub Actions ::error annotations\n"
          "  --format junit           one JUnit XML report (a test case per payload)\n"
          "  -o, --output=FILE        write the verdicts to FILE\n"
          "  -v, --verbose            list valid payloads too: by default only errors are\n"
          "                           shown when there are several payloads or --jsonl\n"
          "  -h, --help               show this help\n"
          "With several payloads (or --jsonl) a summary, N valid, M invalid, K\n"
          "unreadable, ends the run on stderr; on a terminal a progress line shows runs\n"
          "that take over a second.\n"
          "\n"
          "Exit status: 0 every payload valid, 1 some payload invalid, 2 usage error or\n"
          "an unreadable/malformed card, schema or payload (FILE:LINE:COL: error: ... on\n"
          "stderr; the other payloads are still validated).\n",
          out);
}

typedef struct arg_input {
    const char *arg;
    bool jsonl;
} arg_input;

typedef struct options {
    const char *card, *schema, *dialect_name, *format_name, *side_name, *out_path;
    bool output_side, assert_format, apply_defaults, print, verbose, yaml;
    size_t max_errors;
    int max_depth;
    cardc_duplicate_keys duplicate_keys;
    arg_input *args;
    size_t n_args;
    const char **exts;
    size_t n_exts;
    cli_resource *resources;
    size_t n_resources;
} options;

/* On a terminal, a line that says how far a long run is. */
typedef struct progress {
    bool enabled, shown;
    long delay_ms;
    struct timespec start, last;
} progress;

/* Everything one run shares: the schema is compiled once and the result
 * reused for every payload. */
typedef struct run {
    const options *opt;
    cardc_side side;
    report rep;
    cardc_schema *schema;
    cardc_result *result;
    cardc_validate_options vopts;
    size_t valid, invalid, unreadable;
    bool many; /* several payloads or --jsonl: errors only, and a summary */
    progress prog;
} run;

static long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (long)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void progress_clear(run *r)
{
    if (r->prog.shown) {
        fputs("\r\033[K", stderr);
        r->prog.shown = false;
    }
}

/* Called after each payload; cheap: the clock is read every 64th time. */
static void progress_tick(run *r)
{
    struct timespec now;
    size_t done = r->valid + r->invalid + r->unreadable;

    if (!r->prog.enabled || (done % 64 != 0 && r->prog.delay_ms > 0))
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ms_between(&r->prog.start, &now) < r->prog.delay_ms ||
        (r->prog.shown && ms_between(&r->prog.last, &now) < 100))
        return;
    r->prog.last = now;
    r->prog.shown = true;
    fprintf(stderr, "\r\033[K%zu payloads: %zu valid, %zu invalid, %zu unreadable", done, r->valid,
            r->invalid, r->unreadable);
    fflush(stderr);
}

static void progress_start(run *r)
{
    const char *delay = getenv("CARDC_PROGRESS_DELAY_MS");

    /* Only for a person watching: never into a log or a pipe. */
    r->prog.enabled = isatty(STDERR_FILENO) && r->rep.format != REPORT_JUNIT;
    /* The variable lets tests see the line without a run that lasts. */
    r->prog.delay_ms = delay && *delay ? strtol(delay, NULL, 10) : 1000;
    clock_gettime(CLOCK_MONOTONIC, &r->prog.start);
}

/* Flags (options without a value); returns 1 when name was one, 0 when
 * not, else the exit status + 2 of a usage error. */
static int parse_flag(options *o, const char *name, const char *value)
{
    bool *flag = strcmp(name, "--assert-format") == 0                        ? &o->assert_format
                 : strcmp(name, "--apply-defaults") == 0                     ? &o->apply_defaults
                 : strcmp(name, "--print") == 0                              ? &o->print
                 : strcmp(name, "--yaml") == 0                               ? &o->yaml
                 : strcmp(name, "-v") == 0 || strcmp(name, "--verbose") == 0 ? &o->verbose
                 : strcmp(name, "--output") == 0 && !value                   ? &o->output_side
                                                                             : NULL;
    if (!flag)
        return 0;
    if (value)
        return 2 + cli_usage_error("validate", "option '%s' takes no value", name);
    if (flag == &o->output_side)
        cli_deprecated("validate", "--output (the output schema)", "--side output");
    *flag = true;
    return 1;
}

/* One option with a value; returns -1 when fine, else the exit status. */
static int parse_valued(options *o, const char *name, const char *value)
{
    long n;
    int rc;

    if (strcmp(name, "--card") == 0 || strcmp(name, "--schema") == 0)
        return cli_option_once("validate", name, name[2] == 'c' ? &o->card : &o->schema, value);
    if (strcmp(name, "--side") == 0)
        return cli_option_once("validate", name, &o->side_name, value);
    if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0)
        return cli_option_once("validate", name, &o->out_path, value);
    if (strcmp(name, "--jsonl") == 0) {
        o->args[o->n_args++] = (arg_input){value, true};
    } else if (strcmp(name, "--ext") == 0) {
        if (value[0] != '.' || !value[1])
            return cli_usage_error("validate",
                                   "--ext expects an ending with its dot (.json), "
                                   "not '%s'",
                                   value);
        o->exts[o->n_exts++] = value;
    } else if (strcmp(name, "--dialect") == 0) {
        o->dialect_name = value;
    } else if (strcmp(name, "--format") == 0) {
        o->format_name = value;
    } else if (strcmp(name, "--resource") == 0 || strcmp(name, "--resource-dir") == 0) {
        return cli_resource_parse("validate", name, value, &o->resources[o->n_resources++]);
    } else if (strcmp(name, "--duplicate-keys") == 0) {
        return cli_duplicate_keys("validate", name, value, &o->duplicate_keys);
    } else if (strcmp(name, "--max-errors") == 0) {
        if ((rc = cli_parse_long("validate", name, value, 1, LONG_MAX, &n)) >= 0)
            return rc;
        o->max_errors = (size_t)n;
    } else { /* --max-depth */
        if ((rc = cli_parse_long("validate", name, value, 1, CARDC_JSON_MAX_DEPTH_CEILING, &n)) >=
            0)
            return rc;
        o->max_depth = (int)n;
    }
    return -1;
}

/* Returns -1 when parsing succeeded, else the exit status to return now. */
static int parse_options(int argc, char **argv, options *o)
{
    static const char *const with_value[] = {
        "--card",         "--schema",        "--jsonl",     "--dialect", "--resource", "--ext",
        "--resource-dir", "--max-errors",    "--max-depth", "--format",  "--side",     "-o",
        "--output",       "--duplicate-keys"};
    bool only_payloads = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        char name[64];
        int rc;

        if (only_payloads || a[0] != '-' || strcmp(a, "-") == 0) {
            o->args[o->n_args++] = (arg_input){a, false};
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
        if ((rc = parse_flag(o, name, value)) == 1)
            continue;
        if (rc > 1)
            return rc - 2;
        if (!cli_option_known(name, with_value, sizeof with_value / sizeof with_value[0]))
            return cli_unknown_option("validate", a);
        if ((rc = cli_option_value("validate", name, argc, argv, &i, &value)) >= 0)
            return rc;
        if ((rc = parse_valued(o, name, value)) >= 0)
            return rc;
    }
    return -1;
}

/* Whether the parsed document is a model card rather than a schema. */
static bool looks_like_card(const struct json_object *doc)
{
    struct json_object *v;

    return json_object_object_get_ex(doc, "schema", &v) &&
           json_object_is_type(v, json_type_object) &&
           (json_object_object_get_ex(v, "input", NULL) ||
            json_object_object_get_ex(v, "output", NULL));
}

/* A hint for a card given as --schema: its text is YAML/Markdown or a JSON
 * card. */
static void hint_card_as_schema(const char *path, const struct json_object *doc)
{
    cardc_card *card = NULL;

    if (doc ? looks_like_card(doc) : cardc_card_load(path, NULL, &card, NULL) == CARDC_OK)
        fprintf(stderr, "%s: hint: this is a model card: use --card %s\n", path, path);
    cardc_card_free(card);
}

/* A hint for a schema given as --card. */
static void hint_schema_as_card(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    struct json_object *doc = NULL;

    if (cardc_read_file(path, &text, &len, NULL) == CARDC_OK &&
        cardc_json_parse(text, len, path, 0, &doc, NULL) == CARDC_OK &&
        json_object_is_type(doc, json_type_object) && !looks_like_card(doc) &&
        (json_object_object_get_ex(doc, "$schema", NULL) ||
         json_object_object_get_ex(doc, "type", NULL) ||
         json_object_object_get_ex(doc, "properties", NULL) ||
         json_object_object_get_ex(doc, "oneOf", NULL)))
        fprintf(stderr, "%s: hint: this is a JSON Schema, not a model card: use --schema %s\n",
                path, path);
    json_object_put(doc);
    free(text);
}

/* The schema document: the card's side or the parsed file (*owned). */
static int load_schema_doc(run *r, cardc_card **card, const struct json_object **doc,
                           struct json_object **owned, char **text, size_t *len)
{
    const options *o = r->opt;
    cardc_error err;

    cardc_error_clear(&err);
    if (o->card) {
        if (cli_load_card(o->card, card) != 0) {
            hint_schema_as_card(o->card);
            return -1;
        }
        if (cardc_card_schema(*card, r->side, doc, &err) != CARDC_OK) {
            cli_report_error(&err, o->card);
            return -1;
        }
        return 0;
    }
    if (cardc_read_file(o->schema, text, len, &err) != CARDC_OK ||
        cardc_json_parse(*text, *len, strcmp(o->schema, "-") ? o->schema : "<stdin>", 0, owned,
                         &err) != CARDC_OK) {
        report_error(stderr, &err);
        if (*text && strcmp(o->schema, "-") != 0)
            hint_card_as_schema(o->schema, NULL);
        return -1;
    }
    *doc = *owned;
    return 0;
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
    if (load_schema_doc(r, &card, &doc, &owned, &text, &len) != 0)
        goto done;
    if (cardc_schema_compile(doc, &sopts, &r->schema, &err) != CARDC_OK) {
        /* Point at the offending keyword in the file the user wrote. */
        if (!err.source[0]) {
            int line = 0, col = 0;
            if (o->card) {
                cardc_card_schema_position(card, r->side, &line, &col);
                snprintf(err.source, sizeof err.source, "%s", o->card);
            } else {
                cardc_json_locate(text, len, err.pointer, &line, &col);
                snprintf(err.source, sizeof err.source, "%s", o->schema);
            }
            err.line = line;
            err.column = col;
        }
        report_error(stderr, &err);
        if (!o->card)
            hint_card_as_schema(o->schema, doc);
        goto done;
    }
    rc = 0;
done:
    json_object_put(owned);
    free(text);
    cardc_card_free(card);
    return rc;
}

/* A payload that is not JSON but reads as YAML was probably meant as YAML. */
static void hint_yaml(const report_payload *p)
{
    struct json_object *doc = NULL;

    if (!p->jsonl && cardc_yaml_parse(p->text, p->len, p->file, 0, &doc, NULL) == CARDC_OK &&
        (json_object_is_type(doc, json_type_object) || json_object_is_type(doc, json_type_array)))
        fprintf(stderr, "%s: hint: this reads as YAML: name it *.yaml or pass --yaml\n", p->file);
    json_object_put(doc);
}

static int parse_payload(run *r, const report_payload *p, struct json_object **instance)
{
    cardc_json_options jo;
    cardc_error err;
    cardc_status st;

    cardc_error_clear(&err);
    cardc_json_options_init(&jo);
    jo.max_depth = r->opt->max_depth;
    jo.duplicate_keys = r->opt->duplicate_keys;
    st = p->yaml ? cardc_yaml_parse(p->text, p->len, p->file, r->opt->max_depth, instance, &err)
                 : cardc_json_parse_ex(p->text, p->len, p->file, &jo, instance, &err);
    if (st == CARDC_OK)
        return 0;
    progress_clear(r);
    report_payload_error(&r->rep, p, &err);
    if (!p->yaml && err.code == CARDC_E_JSON)
        hint_yaml(p);
    return -1;
}

/* Validates one payload text; returns its exit status. */
static int validate_text(run *r, const report_payload *p)
{
    struct json_object *instance = NULL;
    cardc_error err;
    cardc_status st;
    int status;

    if (parse_payload(r, p, &instance) != 0) {
        r->unreadable++;
        return CLI_EXIT_ERROR;
    }
    cardc_error_clear(&err);
    st = cardc_validate(r->schema, instance, &r->vopts, r->result, &err);
    /* The line stays up unless something is about to be written. */
    if (st != CARDC_OK || r->rep.list_valid || r->opt->print)
        progress_clear(r);
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
    if (status == CLI_EXIT_OK)
        r->valid++;
    else if (status == CLI_EXIT_INVALID)
        r->invalid++;
    else
        r->unreadable++;
    cardc_json_free(instance);
    return status;
}

static int worse(int a, int b)
{
    return a > b ? a : b;
}

/* One payload per non-blank line. */
static int validate_lines(run *r, report_payload *p, const char *text, size_t len)
{
    size_t start = 0;
    int line = 1, status = CLI_EXIT_OK;

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
            p->text = text + start;
            p->len = stop - start;
            p->line_base = line;
            status = worse(status, validate_text(r, p));
            progress_tick(r);
        }
        start = end + 1;
        line++;
    }
    return status;
}

/* One file: a single payload, or one per non-blank line with --jsonl. */
static int validate_input(run *r, const cli_input *in)
{
    const char *file = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
    report_payload p = {file, NULL, 0, 1, in->jsonl, !in->jsonl && (in->yaml || r->opt->yaml)};
    cardc_error err;
    char *text;
    size_t len;
    int status;

    cardc_error_clear(&err);
    if (cardc_read_file(in->path, &text, &len, &err) != CARDC_OK) {
        p.jsonl = false;
        progress_clear(r);
        report_payload_error(&r->rep, &p, &err);
        r->unreadable++;
        return CLI_EXIT_ERROR;
    }
    if (!in->jsonl) {
        p.text = text;
        p.len = len;
        status = validate_text(r, &p);
        progress_tick(r);
    } else {
        status = validate_lines(r, &p, text, len);
    }
    free(text);
    return status;
}

/* The checks parsing cannot make alone; -1 when fine. */
static int check_options(options *o, run *r)
{
    if (!o->card == !o->schema)
        return cli_usage_error("validate", "give exactly one of --card or --schema");
    if (o->output_side && o->side_name)
        return cli_usage_error("validate", "give --side output, not also --output");
    if ((o->output_side || o->side_name) && !o->card)
        return cli_usage_error("validate", "--side needs --card (a plain schema has one side)");
    r->side = o->output_side ? CARDC_SIDE_OUTPUT : CARDC_SIDE_INPUT;
    if (o->side_name) {
        int rc = cli_side_from_name("validate", o->side_name, &r->side);
        if (rc >= 0)
            return rc;
    }
    if (o->dialect_name && cardc_dialect_from_name(o->dialect_name) == CARDC_DIALECT_AUTO)
        return cli_usage_error("validate", "unknown dialect '%s' (draft7, 2019-09 or 2020-12)",
                               o->dialect_name);
    if (o->format_name && !report_format_from_name(o->format_name, &r->rep.format))
        return cli_usage_error("validate", "unknown format '%s' (text, json, github or junit)",
                               o->format_name);
    if (o->n_exts == 0)
        o->exts[o->n_exts++] = ".json";
    return -1;
}

/* The payload files from the arguments (stdin when there are none). */
static int expand_inputs(run *r, const options *o, cli_inputs *in)
{
    bool jsonl = false;

    if (o->n_args == 0 && cli_inputs_add(in, "-", false, o->exts, o->n_exts) != 0)
        r->unreadable++;
    for (size_t i = 0; i < o->n_args; i++) {
        jsonl = jsonl || o->args[i].jsonl;
        if (cli_inputs_add(in, o->args[i].arg, o->args[i].jsonl, o->exts, o->n_exts) != 0)
            r->unreadable++;
    }
    /* One payload prints its verdict; many (or a directory or a pattern,
     * whatever it matched) print their errors only. */
    r->many = jsonl || in->expanded || in->count + r->unreadable != 1;
    r->rep.list_valid = o->verbose || !r->many;
    return 0;
}

/* Where the verdicts go; NULL and reported when -o cannot be opened. */
static FILE *open_output(const options *o)
{
    FILE *f;

    if (!o->out_path || strcmp(o->out_path, "-") == 0)
        return o->print ? stderr : stdout; /* with --print, stdout carries payloads alone */
    f = fopen(o->out_path, "w");
    if (!f)
        fprintf(stderr, "%s: error: cannot write: %s\n", o->out_path, strerror(errno));
    return f;
}

/* Validates every input, then the summary and the format's ending. */
static int validate_all(run *r, const cli_inputs *in)
{
    int status = r->unreadable ? CLI_EXIT_ERROR : CLI_EXIT_OK;

    progress_start(r);
    for (size_t i = 0; i < in->count; i++)
        status = worse(status, validate_input(r, &in->items[i]));
    progress_clear(r);
    if (report_finish(&r->rep) != 0) {
        fprintf(stderr, "cardc: error: out of memory writing the report\n");
        status = CLI_EXIT_ERROR;
    }
    if (!r->many && !r->opt->verbose)
        return status;
    fprintf(stderr, "%zu valid, %zu invalid, %zu unreadable\n", r->valid, r->invalid,
            r->unreadable);
    return status;
}

int cli_validate(int argc, char **argv)
{
    options o = {0};
    run r;
    cli_inputs in = {0};
    cardc_registry *registry = NULL;
    cardc_error err;
    int status = CLI_EXIT_ERROR, parsed;

    memset(&r, 0, sizeof r);
    o.args = calloc((size_t)argc + 1, sizeof *o.args);
    o.exts = calloc((size_t)argc + 1, sizeof *o.exts);
    o.resources = calloc((size_t)argc + 1, sizeof *o.resources);
    if (!o.args || !o.exts || !o.resources) {
        fprintf(stderr, "cardc: error: out of memory\n");
        goto out;
    }
    if ((parsed = parse_options(argc, argv, &o)) >= 0 || (parsed = check_options(&o, &r)) >= 0) {
        status = parsed;
        goto out;
    }

    r.opt = &o;
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
    if (expand_inputs(&r, &o, &in) != 0 || !(r.rep.out = open_output(&o)) ||
        report_start(&r.rep) != 0)
        goto out;
    status = validate_all(&r, &in);
    if (fflush(r.rep.out) != 0 || fflush(stdout) != 0 ||
        (r.rep.out != stdout && r.rep.out != stderr && fclose(r.rep.out) != 0)) {
        fprintf(stderr, "cardc: error: cannot write the output: %s\n", strerror(errno));
        status = CLI_EXIT_ERROR;
    }
out:
    cli_inputs_free(&in);
    cardc_result_free(r.result);
    cardc_schema_free(r.schema);
    cardc_registry_free(registry);
    free(o.args);
    free(o.exts);
    free(o.resources);
    return status;
}
