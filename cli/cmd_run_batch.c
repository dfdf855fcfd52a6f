/* SPDX-License-Identifier: MIT */
/* cardc run --batch FILE.jsonl: one input per line, sent through Workers
 * AI's Batch API (cardc_batch_*), one output line per input, in input
 * order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc/client.h"
#include "cli.h"
#include "report.h"
#include "run.h"

/* The inputs as read: compact JSON text without external_reference, the
 * reference apart, and the line each came from. */
typedef struct batch_line {
    char *input;
    char *ref;
    size_t line;
} batch_line;

struct run_batch_inputs {
    batch_line *lines;
    size_t count, cap;
};

void run_batch_free(run_batch_inputs *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->count; i++) {
        free(in->lines[i].input);
        free(in->lines[i].ref);
    }
    free(in->lines);
    free(in);
}

static const char *shown(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* The card must say it takes the Batch API (or --force), and have an output
 * schema: every answer is validated. */
static int card_takes_batches(const run_batch_args *a)
{
    if (!cardc_card_get_traits(a->card)->async_queue && !a->force) {
        fprintf(stderr,
                "cardc run: %s does not flag Batch API support (no \"async_queue\" property): "
                "Workers AI may refuse to queue %s\n"
                "hint: run the inputs one by one with --input, or pass --force to send the "
                "batch anyway\n",
                a->card_path, cardc_card_name(a->card) ? cardc_card_name(a->card) : "the model");
        return CLI_EXIT_ERROR;
    }
    if (!a->out_schema) {
        fprintf(stderr,
                "cardc run: %s has no output schema: a batch's answers must be validated, and "
                "cannot be\n",
                a->card_path);
        return CLI_EXIT_ERROR;
    }
    return -1;
}

static int add_line(run_batch_inputs *in, char *input, char *ref, size_t line)
{
    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        batch_line *v = realloc(in->lines, cap * sizeof *v);
        if (!v)
            return -1;
        in->lines = v;
        in->cap = cap;
    }
    in->lines[in->count].input = input;
    in->lines[in->count].ref = ref;
    in->lines[in->count++].line = line;
    return 0;
}

/* One line: parsed, its external_reference taken out, validated. 0, or
 * the exit status it deserves (after reporting). */
static int read_line(const run_batch_args *a, run_batch_inputs *in, const char *text, size_t len,
                     size_t lineno)
{
    struct json_object *doc = NULL, *ref = NULL;
    char name[600], *input = NULL, *refcopy = NULL;
    cardc_error err;
    int rc;

    cardc_json_options jo;

    cardc_error_clear(&err);
    cardc_json_options_init(&jo);
    jo.duplicate_keys = a->duplicate_keys;
    snprintf(name, sizeof name, "%s:%zu", shown(a->batch_path), lineno);
    if (cardc_json_parse_ex(text, len, shown(a->batch_path), &jo, &doc, &err) != CARDC_OK) {
        err.line = (int)lineno; /* the line of the file, not of the line */
        cli_report_error(&err, a->batch_path);
        return CLI_EXIT_ERROR;
    }
    if (!json_object_is_type(doc, json_type_object)) {
        fprintf(stderr, "%s: error: a batch input must be a JSON object\n", name);
        json_object_put(doc);
        return CLI_EXIT_ERROR;
    }
    if (json_object_object_get_ex(doc, "external_reference", &ref)) {
        if (!json_object_is_type(ref, json_type_string)) {
            fprintf(stderr, "%s: error: /external_reference must be a string\n", name);
            json_object_put(doc);
            return CLI_EXIT_ERROR;
        }
        refcopy = strdup(json_object_get_string(ref));
        json_object_object_del(doc, "external_reference");
    }
    rc = a->in_schema
             ? run_check_line(a->in_schema, doc, shown(a->batch_path), text, len, (int)lineno)
             : 0;
    if (rc == 0 && (!(input = cardc_json_dump(doc, 0)) || (ref && !refcopy) ||
                    add_line(in, input, refcopy, lineno) != 0)) {
        fprintf(stderr, "cardc: error: out of memory reading %s\n", name);
        rc = CLI_EXIT_ERROR;
    }
    if (rc != 0) {
        free(input);
        free(refcopy);
    }
    json_object_put(doc);
    return rc;
}

/* Every line, each checked; the worst status wins (2 over 1). */
static int read_lines(const run_batch_args *a, run_batch_inputs *in, const char *text, size_t len)
{
    size_t lineno = 0, pos = 0;
    int worst = 0;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - pos;
        lineno++;
        while (n &&
               (text[pos + n - 1] == '\r' || text[pos + n - 1] == ' ' || text[pos + n - 1] == '\t'))
            n--;
        if (strspn(text + pos, " \t") < n) {
            int rc = read_line(a, in, text + pos, n, lineno);
            if (rc > worst)
                worst = rc;
        }
        pos = end + 1;
    }
    if (!worst && in->count == 0) {
        fprintf(stderr, "cardc run: %s holds no input\n", shown(a->batch_path));
        worst = CLI_EXIT_ERROR;
    }
    if (worst == CLI_EXIT_INVALID)
        fprintf(stderr, "cardc: error: inputs of the batch break the card's input schema; "
                        "nothing sent\n");
    return worst;
}

int run_batch_prepare(const run_batch_args *a, run_batch_inputs **out)
{
    cardc_error err;
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if ((rc = card_takes_batches(a)) >= 0)
        return rc;
    cardc_error_clear(&err);
    if (cardc_read_file(a->batch_path, &text, &len, &err) != CARDC_OK) {
        cli_report_error(&err, a->batch_path);
        return CLI_EXIT_ERROR;
    }
    if (!(*out = calloc(1, sizeof **out))) {
        free(text);
        fprintf(stderr, "cardc: error: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    rc = read_lines(a, *out, text, len);
    free(text);
    return rc ? rc : -1;
}

/* ---- Sending and printing ------------------------------------------------------ */

static int make_batch(const run_batch_args *a, const run_batch_inputs *in, cardc_batch **b)
{
    cardc_batch_options bo;
    cardc_error err;
    cardc_status st;

    cardc_batch_options_init(&bo);
    bo.model_name = a->model ? a->model : cardc_card_name(a->card);
    bo.output_schema = a->out_schema; /* inputs: checked line by line already */
    if (a->poll_ms > 0) {
        bo.poll_first_ms = a->poll_ms;
        if (bo.poll_max_ms < a->poll_ms)
            bo.poll_max_ms = a->poll_ms;
    }
    if (a->batch_timeout_s > 0)
        bo.timeout_ms = a->batch_timeout_s * 1000;
    cardc_error_clear(&err);
    st = cardc_batch_new(&bo, b, &err);
    for (size_t i = 0; st == CARDC_OK && i < in->count; i++) {
        st = cardc_batch_add_json(*b, in->lines[i].input, strlen(in->lines[i].input),
                                  in->lines[i].ref, &err);
        if (st != CARDC_OK)
            fprintf(stderr, "%s:%zu: ", shown(a->batch_path), in->lines[i].line);
    }
    if (st != CARDC_OK) {
        fprintf(stderr, "error: %s\n", err.message);
        return st == CARDC_E_INVALID ? CLI_EXIT_INVALID : CLI_EXIT_ERROR;
    }
    return 0;
}

/* One output line: {"external_reference": ..., "result": ...} or
 * {"external_reference": ..., "error": {"status", "message", "pointer"}}.
 * *worst gets the exit status it deserves. */
static struct json_object *result_line(const run_batch_args *a, const run_batch_inputs *in,
                                       const cardc_batch *b, size_t i, int *worst)
{
    struct json_object *line = json_object_new_object(), *v = NULL, *e;
    const char *ref = cardc_batch_external_reference(b, i), *json = NULL;
    cardc_error err;
    size_t len = 0;
    cardc_status st = cardc_batch_output_json(b, i, &json, &len, &err);

    json_object_object_add(line, "external_reference", ref ? json_object_new_string(ref) : NULL);
    if (st == CARDC_OK && cardc_json_parse(json, len, "<output>", 0, &v, NULL) == CARDC_OK) {
        json_object_object_add(line, "result", v);
        return line;
    }
    e = json_object_new_object();
    json_object_object_add(e, "status", json_object_new_string(cardc_status_name(st)));
    json_object_object_add(e, "message", json_object_new_string(err.message));
    if (err.pointer[0])
        json_object_object_add(e, "pointer", json_object_new_string(err.pointer));
    json_object_object_add(line, "error", e);
    fprintf(stderr, "%s:%zu: error: %s: %s\n", shown(a->batch_path), in->lines[i].line,
            cardc_status_name(st), err.message);
    if (st == CARDC_E_INVALID && *worst < CLI_EXIT_INVALID)
        *worst = CLI_EXIT_INVALID;
    else if (st != CARDC_E_INVALID)
        *worst = CLI_EXIT_BACKEND;
    return line;
}

static int print_results(const run_batch_args *a, const run_batch_inputs *in, const cardc_batch *b)
{
    FILE *f = a->out_path ? fopen(a->out_path, "w") : stdout;
    int worst = 0, ok;

    if (!f) {
        fprintf(stderr, "cardc: error: cannot write %s\n", a->out_path);
        return CLI_EXIT_ERROR;
    }
    ok = 1;
    for (size_t i = 0; i < cardc_batch_count(b); i++) {
        struct json_object *line = result_line(a, in, b, i, &worst);
        const char *text = json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
                                                                    JSON_C_TO_STRING_NOSLASHESCAPE);
        ok = ok && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        json_object_put(line);
    }
    ok = (a->out_path ? fclose(f) == 0 : fflush(f) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "cardc: error: cannot write %s\n",
                a->out_path ? a->out_path : "the output");
        return CLI_EXIT_ERROR;
    }
    return worst;
}

int run_batch(const run_batch_args *a, run_batch_inputs *in)
{
    cardc_client *client = NULL;
    cardc_batch *b = NULL;
    cardc_error err;
    cardc_status st;
    int rc;

    cardc_error_clear(&err);
    if ((rc = make_batch(a, in, &b)) != 0)
        goto out;
    if ((st = cardc_client_new(a->copts, &client, &err)) != CARDC_OK ||
        (st = cardc_client_batch_wait(client, b, &err)) != CARDC_OK) {
        rc = run_client_failure(&err, st);
        goto out;
    }
    rc = print_results(a, in, b);
out:
    cardc_batch_free(b);
    cardc_client_free(client);
    return rc;
}
