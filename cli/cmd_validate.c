/* SPDX-License-Identifier: MIT */
/* cardc validate: payloads against a card's schema or a plain schema. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
/* madvise (release_span) */
#define _DEFAULT_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "capture.h"
#include "cardc/cardc.h"
#include "cli.h"
#include "inputs.h"
#include "jsonl_spans.h"
#include "ordered.h"
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
          "  -j, --jobs N             validate on N threads (default: the number of\n"
          "                           cores); the output is the same as with -j 1,\n"
          "                           in input order\n"
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
    unsigned jobs; /* 0 until given: the number of cores */
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
    size_t next_check; /* payloads done when the clock is read next */
    struct timespec start, last;
} progress;

/* Everything one run shares: the schema is compiled once and the result
 * reused for every payload. With -j N each worker thread validates with a
 * copy whose result and streams are its own (see the "-j" part below). */
typedef struct run {
    const options *opt;
    cardc_side side;
    report rep;
    FILE *print_out; /* --print: the valid payloads (stdout) */
    cardc_schema *schema;
    cardc_result *result;
    cardc_validate_options vopts;
    size_t valid, invalid, unreadable;
    bool many; /* several payloads or --jsonl: errors only, and a summary */
    progress prog;
    capture *cap; /* a worker's: its output, held back until its turn */
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

/* Called after each payload (or -j's batch of them); cheap: the clock is
 * read every 64 payloads. */
static void progress_tick(run *r)
{
    struct timespec now;
    size_t done = r->valid + r->invalid + r->unreadable;

    if (!r->prog.enabled || (done < r->prog.next_check && r->prog.delay_ms > 0))
        return;
    r->prog.next_check = done + 64;
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
    } else if (strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0) {
        if ((rc = cli_parse_long("validate", name, value, 1, 256, &n)) >= 0)
            return rc;
        o->jobs = (unsigned)n;
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
        "--card",         "--schema",         "--jsonl",     "--dialect", "--resource", "--ext",
        "--resource-dir", "--max-errors",     "--max-depth", "--format",  "--side",     "-o",
        "--output",       "--duplicate-keys", "-j",          "--jobs"};
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
        if (strncmp(a, "-j", 2) == 0 && a[2] >= '0' && a[2] <= '9') { /* -j4 */
            if ((rc = parse_valued(o, "-j", a + 2)) >= 0)
                return rc;
            continue;
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
static void hint_yaml(FILE *diag, const report_payload *p)
{
    struct json_object *doc = NULL;

    if (!p->jsonl && cardc_yaml_parse(p->text, p->len, p->file, 0, &doc, NULL) == CARDC_OK &&
        (json_object_is_type(doc, json_type_object) || json_object_is_type(doc, json_type_array)))
        fprintf(diag, "%s: hint: this reads as YAML: name it *.yaml or pass --yaml\n", p->file);
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
        hint_yaml(r->rep.diag, p);
    return -1;
}

/* Prints a valid payload (--print), defaults filled (--apply-defaults). */
static int print_payload(run *r, const report_payload *p, const struct json_object *instance)
{
    char *s = cardc_json_dump(instance, 1);
    if (!s) {
        fprintf(r->rep.diag, "%s: error: out of memory printing the payload\n", p->file);
        return CLI_EXIT_ERROR;
    }
    fprintf(r->print_out, "%s\n", s);
    free(s);
    return CLI_EXIT_OK;
}

/* YAML, or --print: through a json-c tree. The status of the validation,
 * or -1 when the payload could not be parsed (reported). */
static cardc_status validate_tree(run *r, const report_payload *p, struct json_object **instance,
                                  cardc_error *err)
{
    if (parse_payload(r, p, instance) != 0)
        return (cardc_status)-1;
    if (r->opt->apply_defaults)
        return cardc_validate_apply_defaults(r->schema, *instance, &r->vopts, r->result, err);
    return cardc_validate(r->schema, *instance, &r->vopts, r->result, err);
}

/* Validates one payload text; returns its exit status. JSON goes straight
 * from text to verdict (cardc_validate_text); YAML and --print need the
 * tree (a valid payload's --apply-defaults changes only what --print
 * shows). */
static int validate_text(run *r, const report_payload *p)
{
    struct json_object *instance = NULL;
    bool tree = p->yaml || r->opt->print;
    cardc_error err;
    cardc_status st;
    int status;

    cardc_error_clear(&err);
    st = tree ? validate_tree(r, p, &instance, &err)
              : cardc_validate_text(r->schema, p->text, p->len, &r->vopts, r->result, &err);
    if ((int)st == -1) {
        r->unreadable++;
        return CLI_EXIT_ERROR;
    }
    /* The line stays up unless something is about to be written. */
    if (st != CARDC_OK || r->rep.list_valid || r->opt->print)
        progress_clear(r);
    if (st == CARDC_OK || st == CARDC_E_INVALID) {
        status = st == CARDC_OK ? CLI_EXIT_OK : CLI_EXIT_INVALID;
        if (report_result(&r->rep, p, r->result) != 0) {
            fprintf(r->rep.diag, "%s: error: out of memory writing the report\n", p->file);
            status = CLI_EXIT_ERROR;
        } else if (st == CARDC_OK && r->opt->print) {
            status = print_payload(r, p, instance);
        }
    } else {
        report_payload_error(&r->rep, p, &err);
        if (!tree && err.code == CARDC_E_JSON)
            hint_yaml(r->rep.diag, p);
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

/* After each payload: a worker marks where its output ends (the streams then
 * interleave as with -j 1); the main thread updates the progress line. */
static void payload_done(run *r)
{
    if (r->cap)
        capture_mark(r->cap);
    progress_tick(r);
}

/* The line text[start, end) (without its newline) as a payload, unless
 * blank; its exit status. */
/* Where the payload of line text[start, end) ends (a CR before the newline
 * is not its); false for a blank line, which is no payload. */
static bool line_payload(const char *text, size_t start, size_t end, size_t *stop)
{
    bool blank = true;

    if (end > start && text[end - 1] == '\r')
        end--;
    for (size_t k = start; k < end && blank; k++)
        blank = text[k] == ' ' || text[k] == '\t' || text[k] == '\r';
    *stop = end;
    return !blank;
}

static int validate_line(run *r, report_payload *p, const char *text, size_t start, size_t end,
                         int line)
{
    size_t stop;
    int status;

    if (!line_payload(text, start, end, &stop))
        return CLI_EXIT_OK;
    p->text = text + start;
    p->len = stop - start;
    p->line_base = line;
    status = validate_text(r, p);
    payload_done(r);
    return status;
}

/* True when a valid payload writes nothing (errors only, the usual CI
 * run): its line is then passed on the verdict alone (quick_verdict). */
static bool valid_is_silent(const run *r)
{
    return !r->rep.list_valid && !r->opt->print && r->rep.format != REPORT_JUNIT;
}

enum { QUICK_BLANK, QUICK_VALID, QUICK_OTHER };

/* Line text[start, end) by its verdict alone, in fast mode (no message, no
 * position): blank, valid (counted), or anything else, which the caller
 * validates again with its report. Where valid payloads are silent this is
 * all a valid line costs: the 200,000-line benchmark (bench/jsonl.py, 96%
 * valid) took 0.090 s of CPU with -j 1 this way, 0.098 s with the report's
 * path for every line (its cleared error record alone was 6 ms, perf). */
static int quick_verdict(run *r, const char *text, size_t start, size_t end)
{
    cardc_validate_options quick = r->vopts;
    size_t stop;

    if (!line_payload(text, start, end, &stop))
        return QUICK_BLANK;
    quick.flags |= CARDC_VALIDATE_FAST;
    if (cardc_validate_text(r->schema, text + start, stop - start, &quick, r->result, NULL) !=
        CARDC_OK)
        return QUICK_OTHER;
    r->valid++;
    return QUICK_VALID;
}

/* One payload per non-blank line; text's first line is line `line`. */
static int validate_lines(run *r, report_payload *p, const char *text, size_t len, int line)
{
    bool quiet = valid_is_silent(r);
    size_t start = 0;
    int status = CLI_EXIT_OK;

    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (!quiet || quick_verdict(r, text, start, end) == QUICK_OTHER)
            status = worse(status, validate_line(r, p, text, start, end, line));
        else
            progress_tick(r);
        line++;
        start = end + 1;
    }
    return status;
}

/* The same over text[start, end) whose newlines were recorded (absolute
 * offsets into text): no second search for them. */
static int validate_recorded_lines(run *r, report_payload *p, const char *text, size_t start,
                                   size_t end, const jsonl_ends *ends, int line)
{
    int status = CLI_EXIT_OK;

    if (ends->n == JSONL_ENDS_NONE)
        return validate_lines(r, p, text + start, end - start, line);
    for (size_t i = 0; i < ends->n; i++) {
        status = worse(status, validate_line(r, p, text, start, ends->at[i], line++));
        start = ends->at[i] + 1;
    }
    if (start < end)
        status = worse(status, validate_line(r, p, text, start, end, line));
    return status;
}

/* One file: a single payload, or one per non-blank line with --jsonl. */
/* The payload description of an input, before its text is read. */
static report_payload input_payload(const run *r, const cli_input *in)
{
    const char *file = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
    report_payload p = {file, NULL, 0, 1, in->jsonl, !in->jsonl && (in->yaml || r->opt->yaml)};
    return p;
}

/* Reads an input's text; -1 after reporting it unreadable. */
static int read_input(run *r, const cli_input *in, report_payload *p, char **text, size_t *len)
{
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_read_file(in->path, text, len, &err) == CARDC_OK)
        return 0;
    p->jsonl = false;
    progress_clear(r);
    report_payload_error(&r->rep, p, &err);
    r->unreadable++;
    return -1;
}

/* A JSON Lines file's text: mapped when it is a regular file (no copy; with
 * -j the pages are brought in by the workers, not first by the main thread:
 * reading a 68 MB file was a third of -j 2's main thread), else read. -1
 * after reporting it unreadable. *mapped says which to undo. */
static int load_jsonl(run *r, const cli_input *in, report_payload *p, char **text, size_t *len,
                      bool *mapped)
{
    struct stat st;
    int fd = strcmp(in->path, "-") != 0 ? open(in->path, O_RDONLY) : -1;
    void *m = MAP_FAILED;

    *mapped = false;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX)
        m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (fd >= 0)
        close(fd);
    if (m == MAP_FAILED)
        return read_input(r, in, p, text, len);
    *text = m;
    *len = (size_t)st.st_size;
    *mapped = true;
    return 0;
}

static void unload_jsonl(char *text, size_t len, bool mapped)
{
    if (mapped)
        munmap(text, len);
    else
        free(text);
}

static int validate_input(run *r, const cli_input *in)
{
    report_payload p = input_payload(r, in);
    char *text;
    size_t len;
    bool mapped = false;
    int status;

    if ((in->jsonl ? load_jsonl(r, in, &p, &text, &len, &mapped)
                   : read_input(r, in, &p, &text, &len)) != 0)
        return CLI_EXIT_ERROR;
    if (!in->jsonl) {
        p.text = text;
        p.len = len;
        status = validate_text(r, &p);
        payload_done(r);
    } else {
        status = validate_lines(r, &p, text, len, 1);
    }
    unload_jsonl(text, len, mapped);
    return status;
}

/* ---- -j N: payloads validated on worker threads --------------------------
 * The compiled schema is shared (immutable); each worker has its own
 * cardc_result and validates with a copy of the run whose streams write into
 * a capture. The main thread replays the captures in input order and sums
 * the counts, so the output is byte for byte that of -j 1. A unit of work is
 * a span of lines of a JSON Lines file, or one payload file. */

/* Bytes per span of a JSON Lines file: 32 spans per thread, from 64 KB to
 * 4 MB. A span must be worth a hand-over: each one wakes the main thread,
 * a third thread on two cores. With 64 KB spans (1,033 on the 200,000-line
 * benchmark, bench/jsonl.py) -j 2 made 2,582 context switches and took 30%
 * more CPU than -j 1: 1.39x the lines per second; with 32 per thread the
 * last span still ends within 3% of the run. */
static size_t span_bytes(size_t len, unsigned jobs)
{
    size_t per = len / ((size_t)(jobs ? jobs : 1) * 32);
    return per < ((size_t)64 << 10)  ? (size_t)64 << 10
           : per > ((size_t)4 << 20) ? (size_t)4 << 20
                                     : per;
}

typedef struct batch {
    run *main;
    run tmpl;             /* what workers copy: counts zero, no progress */
    const cli_input *in;  /* plain files: unit k is in[k] */
    const char *text;     /* JSON Lines: the file's text, */
    report_payload proto; /* its payload description */
    jsonl_spans *spans;   /* and unit k is span k */
    bool mapped;          /* text is the file, mapped (release_span) */
    int status;
} batch;

typedef struct unit_out {
    capture *cap;
    size_t valid, invalid, unreadable, cases, failures, errors;
    int status; /* -1: out of memory, nothing validated */
} unit_out;

/* The number of cores, the default of -j. */
static unsigned online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* A line of a span held back for its report (validate_span_quietly). */
typedef struct held_line {
    size_t start, end;
    long index; /* lines before it in the span */
} held_line;

/* A worker's own: its result, and where its span's lines end. */
typedef struct worker_state {
    cardc_result *result;
    jsonl_ends ends;
    held_line *held;
    size_t nheld, capheld;
} worker_state;

static void *worker_new(void *ctx)
{
    worker_state *ws = calloc(1, sizeof *ws);
    (void)ctx;
    if (ws && cardc_result_new(&ws->result, NULL) != CARDC_OK) {
        free(ws);
        ws = NULL;
    }
    return ws;
}

static void worker_free(void *state)
{
    worker_state *ws = state;
    cardc_result_free(ws->result);
    free(ws->ends.at);
    free(ws->held);
    free(ws);
}

/* The worker's run: the template with its result and captured streams. */
static int worker_run(const batch *b, cardc_result *result, capture *cap, run *w)
{
    const run *t = &b->tmpl;

    *w = *t;
    w->result = result;
    w->cap = cap;
    w->rep.out = capture_stream(cap, t->rep.out);
    w->rep.diag = capture_stream(cap, t->rep.diag);
    w->print_out = capture_stream(cap, t->print_out);
    if (t->rep.junit_cases)
        w->rep.junit_cases = capture_stream(cap, t->rep.junit_cases);
    return w->rep.out && w->rep.diag && w->print_out && (w->rep.junit_cases || !t->rep.junit_cases)
               ? 0
               : -1;
}

/* Holds line text[start, end) back; -1 out of memory. */
static int hold_line(worker_state *ws, size_t start, size_t end, long index)
{
    if (ws->nheld == ws->capheld) {
        size_t cap = ws->capheld ? ws->capheld * 2 : 64;
        held_line *h = realloc(ws->held, cap * sizeof *h);
        if (!h)
            return -1;
        ws->held = h;
        ws->capheld = cap;
    }
    ws->held[ws->nheld++] = (held_line){start, end, index};
    return 0;
}

/* Span `unit` of a JSON Lines file when valid payloads are silent: each
 * line's verdict first (fast mode, no message), counting the lines as they
 * go, then, once the span's first line number is known, the lines that have
 * something to say validated again with their report. The text is read once,
 * as -j 1 reads it. Counting a span's lines before validating them (what the
 * other modes do, jsonl_spans_first_line) read every span twice, the first
 * time from memory, with both threads at once: on the 200,000-line
 * benchmark (bench/jsonl.py) that was 10 of the 12 ms of CPU -j 2 spent
 * beyond -j 1's 90 (perf). -1 out of memory (the span then counts as not
 * validated). */
static int validate_span_quietly(run *w, worker_state *ws, const batch *b, size_t unit,
                                 size_t start, size_t end)
{
    report_payload p = b->proto;
    long lines = 0, index = 0;
    int status = CLI_EXIT_OK, first, oom = 0;

    ws->nheld = 0;
    while (start < end) {
        const char *nl = memchr(b->text + start, '\n', end - start);
        size_t line_end = nl ? (size_t)(nl - b->text) : end;
        if (quick_verdict(w, b->text, start, line_end) == QUICK_OTHER && !oom &&
            hold_line(ws, start, line_end, index) != 0)
            oom = 1;
        lines += nl != NULL;
        index++;
        start = line_end + 1;
    }
    /* published whatever happened: the later spans wait for it */
    first = jsonl_spans_publish(b->spans, unit, lines);
    if (oom)
        return -1;
    for (size_t i = 0; i < ws->nheld; i++) {
        const held_line *h = &ws->held[i];
        long line = (long)first + h->index;
        status = worse(status, validate_line(w, &p, b->text, h->start, h->end,
                                             line > INT_MAX ? INT_MAX : (int)line));
    }
    return status;
}

/* Gives back the pages of a mapped span once its lines are validated, so a
 * file of many gigabytes keeps a few spans resident, not all it has read.
 * On the 200,000-line benchmark it costs what the one munmap at the end it
 * replaces cost (2.5 ms of CPU spread over the workers against 2 ms on the
 * main thread at the end; the same wall time, perf). A page another span
 * shares stays; one read again is read again from the file. */
static void release_span(const batch *b, size_t start, size_t end)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo, hi;

    if (!b->mapped)
        return;
    lo = ((uintptr_t)(b->text + start) + page - 1) & ~(uintptr_t)(page - 1);
    hi = (uintptr_t)(b->text + end) & ~(uintptr_t)(page - 1);
#if defined(MADV_DONTNEED)
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
#endif
}

static void *work_unit(void *ctx, void *state, size_t unit)
{
    const batch *b = ctx;
    worker_state *ws = state;
    bool quiet = b->spans && valid_is_silent(&b->tmpl);
    /* first, before anything that may fail: later spans wait for it */
    int line = b->spans && !quiet ? jsonl_spans_first_line(b->spans, unit, &ws->ends) : 0;
    unit_out *o = calloc(1, sizeof *o);
    run w;

    if (!o || !(o->cap = capture_new()) || worker_run(b, ws->result, o->cap, &w) != 0) {
        if (quiet) /* still, the later spans wait for its count */
            jsonl_spans_first_line(b->spans, unit, &ws->ends);
        if (o)
            o->status = -1;
        return o;
    }
    if (b->spans) {
        report_payload p = b->proto;
        size_t start, end;
        jsonl_spans_range(b->spans, unit, &start, &end);
        o->status = quiet ? validate_span_quietly(&w, ws, b, unit, start, end)
                          : validate_recorded_lines(&w, &p, b->text, start, end, &ws->ends, line);
        release_span(b, start, end);
    } else {
        o->status = validate_input(&w, &b->in[unit]);
    }
    o->valid = w.valid;
    o->invalid = w.invalid;
    o->unreadable = w.unreadable;
    o->cases = w.rep.cases;
    o->failures = w.rep.failures;
    o->errors = w.rep.errors;
    return o;
}

/* Names a unit in a message: "FILE" or "FILE: lines A-B". */
static void unit_name(const batch *b, size_t unit, char *buf, size_t size)
{
    if (b->spans)
        snprintf(buf, size, "%s: lines %d and after", b->proto.file,
                 jsonl_spans_line(b->spans, unit));
    else
        snprintf(buf, size, "%s", b->in[unit].path);
}

static void deliver_unit(void *ctx, size_t unit, void *outcome)
{
    batch *b = ctx;
    run *r = b->main;
    unit_out *o = outcome;
    char name[4200];

    unit_name(b, unit, name, sizeof name);
    if (!o || o->status < 0) {
        progress_clear(r);
        fprintf(stderr, "%s: error: out of memory: not validated\n", name);
        r->unreadable++;
        b->status = CLI_EXIT_ERROR;
    } else {
        capture_mark(o->cap);
        if (!capture_empty(o->cap))
            progress_clear(r);
        if (capture_replay(o->cap) < 0) {
            fprintf(stderr, "%s: error: out of memory: some of its output is lost\n", name);
            b->status = CLI_EXIT_ERROR;
        }
        r->valid += o->valid;
        r->invalid += o->invalid;
        r->unreadable += o->unreadable;
        r->rep.cases += o->cases;
        r->rep.failures += o->failures;
        r->rep.errors += o->errors;
        b->status = worse(b->status, o->status);
        progress_tick(r);
    }
    if (o)
        capture_free(o->cap);
    free(o);
}

static int run_batch(batch *b, size_t units)
{
    ordered_job job = {units,       b->main->opt->jobs, b,           worker_new,
                       worker_free, work_unit,          deliver_unit};

    b->tmpl = *b->main;
    b->tmpl.valid = b->tmpl.invalid = b->tmpl.unreadable = 0;
    b->tmpl.rep.cases = b->tmpl.rep.failures = b->tmpl.rep.errors = 0;
    b->tmpl.prog.enabled = b->tmpl.prog.shown = false;
    b->status = CLI_EXIT_OK;
    ordered_run(&job);
    return b->status;
}

/* One JSON Lines file, its spans on the workers. */
static int validate_jsonl_parallel(run *r, const cli_input *in)
{
    batch b = {.main = r};
    char *text;
    size_t len;
    bool mapped;
    int status;

    b.proto = input_payload(r, in);
    if (load_jsonl(r, in, &b.proto, &text, &len, &mapped) != 0)
        return CLI_EXIT_ERROR;
    b.spans = jsonl_spans_new(text, len, span_bytes(len, r->opt->jobs));
    if (!b.spans) {
        fprintf(stderr, "%s: error: out of memory\n", b.proto.file);
        r->unreadable++;
        status = CLI_EXIT_ERROR;
    } else {
        b.text = text;
        b.mapped = mapped;
        status = run_batch(&b, jsonl_spans_count(b.spans));
    }
    jsonl_spans_free(b.spans);
    unload_jsonl(text, len, mapped);
    return status;
}

/* Inputs from *i: a JSON Lines file, or the plain files up to the next one,
 * validated on the workers; *i moves past them. */
static int validate_parallel(run *r, const cli_inputs *in, size_t *i)
{
    batch b = {.main = r};
    size_t end = *i;

    if (in->items[*i].jsonl)
        return validate_jsonl_parallel(r, &in->items[(*i)++]);
    while (end < in->count && !in->items[end].jsonl)
        end++;
    b.in = &in->items[*i];
    end -= *i;
    *i += end;
    return run_batch(&b, end);
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
    for (size_t i = 0; i < in->count;) {
        if (r->opt->jobs > 1)
            status = worse(status, validate_parallel(r, in, &i));
        else
            status = worse(status, validate_input(r, &in->items[i++]));
    }
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

    if (!o.jobs)
        o.jobs = online_cores();
    r.opt = &o;
    r.rep.diag = stderr;
    r.print_out = stdout;
    cardc_validate_options_init(&r.vopts);
    if (o.max_errors)
        r.vopts.max_errors = o.max_errors;
    r.vopts.max_depth = o.max_depth;
    r.vopts.duplicate_keys = o.duplicate_keys;
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
