/* SPDX-License-Identifier: MIT */
/* cardc run: one request to a model through the inference client, its input
 * and output checked against the card. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc/client.h"
#include "cli.h"
#include "report.h"
#include "run.h"

void cli_usage_run(FILE *out)
{
    fputs("Usage: cardc run --card CARD (--input PAYLOAD.json | --image FILE [--prompt TEXT]\n"
          "                 [--max-tokens N] | --batch FILE.jsonl) [OPTIONS]\n"
          "\n"
          "Sends one request to the card's model and prints the answer. The input is\n"
          "validated against the card's input schema before anything is sent, the\n"
          "output against its output schema when it comes back.\n"
          "\n"
          "Input:\n"
          "  --card CARD              model card (Markdown with YAML front matter, YAML\n"
          "                           or JSON)\n"
          "  --input FILE             the input as a JSON file ('-': standard input)\n"
          "  --duplicate-keys last|reject\n"
          "                           a member the input (or a --batch line) names twice:\n"
          "                           the last wins (default; only it is sent), or the\n"
          "                           input is refused\n"
          "  --image FILE             build the input from an image: {\"image\": [bytes]}\n"
          "  --prompt TEXT            with --image: the prompt\n"
          "  --max-tokens N           with --image: max_tokens\n"
          "  --stream                 ask for a streamed answer (\"stream\": true) and print\n"
          "                           each event's text as it arrives\n"
          "\n"
          "Batch (Workers AI's asynchronous Batch API):\n"
          "  --batch FILE.jsonl       one input per line ('-': standard input; a string\n"
          "                           \"external_reference\" member travels with its input);\n"
          "                           every line is validated before anything is sent, the\n"
          "                           batch is split under the 10 MB limit, polled until\n"
          "                           done, and one line per input is printed, in input\n"
          "                           order: {\"external_reference\": ..., \"result\": ...} or\n"
          "                           {\"external_reference\": ..., \"error\": {...}}\n"
          "  --force                  send a batch for a card without the async_queue\n"
          "                           property (the model may not take the Batch API)\n"
          "  --poll-ms N              first wait before polling, doubled each time up to\n"
          "                           60 s (default 1000)\n"
          "  --batch-timeout SECONDS  give up waiting after this long (default 86400)\n"
          "\n"
          "Backend:\n"
          "  --backend NAME           workers-ai (default) or openai (an OpenAI-compatible\n"
          "                           chat server: vLLM, llama.cpp's llama-server, Ollama)\n"
          "  --base-url URL           server URL (Workers AI default:\n"
          "                           https://api.cloudflare.com/client/v4; openai default:\n"
          "                           $OPENAI_BASE_URL, e.g. http://localhost:8000/v1)\n"
          "  --model NAME             model name sent to the server (default: the card's)\n"
          "  --account-id ID          Workers AI account (default $CLOUDFLARE_ACCOUNT_ID)\n"
          "  --gateway ID             go through the Cloudflare AI Gateway of that id\n"
          "                           (base URL default https://gateway.ai.cloudflare.com/v1;\n"
          "                           both backends; an authenticated gateway's token comes\n"
          "                           from $CF_AIG_TOKEN)\n"
          "  --timeout SECONDS        whole request (default 120)\n"
          "  --retries N              retries on connection errors, 429 and 5xx (default 3)\n"
          "  The token comes from $CLOUDFLARE_API_TOKEN (workers-ai) or $OPENAI_API_KEY\n"
          "  (openai, optional); it is never printed.\n"
          "\n"
          "Output:\n"
          "  -o, --output FILE        write the output there (required for a binary output\n"
          "                           such as image/png when stdout is a terminal; --out\n"
          "                           is the deprecated spelling)\n"
          "  -h, --help               show this help\n"
          "\n"
          "Exit status: 0 success, 1 the input or the output broke the card's schema,\n"
          "2 usage error, missing credentials, unreadable card, payload or image,\n"
          "3 backend failure (cardc: error: backend: STATUS: MESSAGE on stderr). With\n"
          "--batch: 3 when the batch or any of its inputs failed at the backend, else 1\n"
          "when any output broke the output schema (every other line is printed).\n",
          out);
}

typedef struct options {
    const char *card, *backend, *model, *input, *image, *prompt, *out, *batch;
    long max_tokens; /* -1: not given */
    long poll_ms, batch_timeout_s;
    bool stream, force;
    cardc_duplicate_keys duplicate_keys;
    cli_client_args client;
} options;

/* Returns -1 when parsing succeeded, else the exit status to return now. */
static int parse_options(int argc, char **argv, options *o)
{
    static const struct {
        const char *name;
        size_t offset;
    } strings[] = {
        {"--card", offsetof(options, card)},   {"--backend", offsetof(options, backend)},
        {"--model", offsetof(options, model)}, {"--input", offsetof(options, input)},
        {"--image", offsetof(options, image)}, {"--prompt", offsetof(options, prompt)},
        {"--output", offsetof(options, out)},  {"-o", offsetof(options, out)},
        {"--out", offsetof(options, out)},     {"--batch", offsetof(options, batch)},
    };
    static const char *const client_options[] = {"--base-url", "--account-id", "--gateway",
                                                 "--timeout", "--retries"};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        const char **slot = NULL;
        char name[64];
        bool client;
        int rc;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_run(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0)
            return cli_usage_error("run", "unexpected argument '%s'", a);
        value = cli_option_name(a, name, sizeof name);
        if (strcmp(name, "--out") == 0)
            cli_deprecated("run", "--out", "-o/--output");
        if (strcmp(name, "--stream") == 0 || strcmp(name, "--force") == 0) {
            if (value)
                return cli_usage_error("run", "option '%s' takes no value", name);
            *(name[2] == 's' ? &o->stream : &o->force) = true;
            continue;
        }
        for (size_t k = 0; k < sizeof strings / sizeof strings[0] && !slot; k++)
            if (strcmp(name, strings[k].name) == 0)
                slot = (const char **)((char *)o + strings[k].offset);
        client = cli_option_known(name, client_options,
                                  sizeof client_options / sizeof client_options[0]);
        long *number = strcmp(name, "--max-tokens") == 0      ? &o->max_tokens
                       : strcmp(name, "--poll-ms") == 0       ? &o->poll_ms
                       : strcmp(name, "--batch-timeout") == 0 ? &o->batch_timeout_s
                                                              : NULL;
        if (!slot && !client && !number && strcmp(name, "--duplicate-keys") != 0)
            return cli_unknown_option("run", a);
        if ((rc = cli_option_value("run", name, argc, argv, &i, &value)) >= 0)
            return rc;
        rc = slot     ? cli_option_once("run", name, slot, value)
             : client ? cli_client_option("run", name, value, &o->client)
             : strcmp(name, "--duplicate-keys") == 0
                 ? cli_duplicate_keys("run", name, value, &o->duplicate_keys)
                 : cli_parse_long("run", name, value, 1, INT_MAX, number);
        if (rc >= 0)
            return rc;
    }
    return -1;
}

/* The usage rules parse_options cannot see one option at a time. */
static int check_options(const options *o, cardc_backend *backend)
{
    if (!o->card)
        return cli_usage_error("run", "--card is required");
    if ((o->input != NULL) + (o->image != NULL) + (o->batch != NULL) != 1)
        return cli_usage_error("run", "give exactly one of --input, --image or --batch");
    if (o->batch && o->stream)
        return cli_usage_error("run", "--stream does not go with --batch (batch answers are "
                                      "collected, not streamed)");
    if (!o->batch && (o->force || o->poll_ms || o->batch_timeout_s))
        return cli_usage_error("run", "--force, --poll-ms and --batch-timeout go with --batch");
    if (o->input && (o->prompt || o->max_tokens >= 0))
        return cli_usage_error("run", "--prompt and --max-tokens go with --image, not --input");
    if (!o->backend || strcmp(o->backend, "workers-ai") == 0)
        *backend = CARDC_BACKEND_WORKERS_AI;
    else if (strcmp(o->backend, "openai") == 0)
        *backend = CARDC_BACKEND_OPENAI;
    else
        return cli_usage_error("run", "unknown backend '%s' (workers-ai or openai)", o->backend);
    return -1;
}

/* The card's schema of one side, compiled; *schema stays NULL when the card
 * has none for that side. Returns 0 or CLI_EXIT_ERROR after reporting. */
static int compile_side(const cardc_card *card, const char *path, cardc_side side,
                        cardc_schema **schema)
{
    const struct json_object *doc = NULL;
    cardc_error err;
    cardc_status st;

    cardc_error_clear(&err);
    st = cardc_card_schema(card, side, &doc, &err);
    if (st == CARDC_E_NO_SCHEMA && side == CARDC_SIDE_OUTPUT)
        return 0;
    if (st == CARDC_OK)
        st = cardc_schema_compile(doc, NULL, schema, &err);
    if (st != CARDC_OK) {
        cli_report_error(&err, path);
        return CLI_EXIT_ERROR;
    }
    return 0;
}

/* {"image": [bytes], "prompt": ..., "max_tokens": N}: the object branch the
 * LLaVA-style cards take. */
static int input_from_image(const options *o, struct json_object **out)
{
    struct json_object *obj = NULL, *bytes = NULL;
    cardc_error err;
    char *data = NULL;
    size_t len = 0;
    int rc = CLI_EXIT_ERROR;

    cardc_error_clear(&err);
    if (cardc_read_file(o->image, &data, &len, &err) != CARDC_OK) {
        cli_report_error(&err, o->image);
        return CLI_EXIT_ERROR;
    }
    if (!(obj = json_object_new_object()) || !(bytes = json_object_new_array_ext((int)len)))
        goto oom;
    for (size_t i = 0; i < len; i++) {
        struct json_object *b = json_object_new_int((unsigned char)data[i]);
        if (!b || json_object_array_add(bytes, b) != 0) {
            json_object_put(b);
            goto oom;
        }
    }
    if (json_object_object_add(obj, "image", bytes) != 0)
        goto oom;
    bytes = NULL;
    if (o->prompt) {
        struct json_object *p = json_object_new_string(o->prompt);
        if (!p || json_object_object_add(obj, "prompt", p) != 0) {
            json_object_put(p);
            goto oom;
        }
    }
    if (o->max_tokens >= 0) {
        struct json_object *n = json_object_new_int64(o->max_tokens);
        if (!n || json_object_object_add(obj, "max_tokens", n) != 0) {
            json_object_put(n);
            goto oom;
        }
    }
    *out = obj;
    obj = NULL;
    rc = 0;
    goto done;
oom:
    fprintf(stderr, "cardc: error: out of memory building the input from %s\n", o->image);
done:
    json_object_put(bytes);
    json_object_put(obj);
    free(data);
    return rc;
}

static int input_from_file(const char *path, cardc_duplicate_keys duplicate_keys,
                           struct json_object **out)
{
    cardc_json_options jo;
    cardc_error err;
    char *text = NULL;
    size_t len = 0;
    cardc_status st;

    cardc_error_clear(&err);
    cardc_json_options_init(&jo);
    jo.duplicate_keys = duplicate_keys;
    st = cardc_read_file(path, &text, &len, &err);
    if (st == CARDC_OK)
        st = cardc_json_parse_ex(text, len, strcmp(path, "-") ? path : "<stdin>", &jo, out, &err);
    free(text);
    if (st != CARDC_OK) {
        cli_report_error(&err, path);
        return CLI_EXIT_ERROR;
    }
    return 0;
}

/* Validates value, reporting errors as `cardc validate` does for the
 * payload `where` describes (where->text NULL: value's compact form, so
 * positions point into it). Returns 0, CLI_EXIT_INVALID or CLI_EXIT_ERROR. */
static int check_value_at(const cardc_schema *schema, struct json_object *value,
                          const report_payload *where)
{
    report rep = {.format = REPORT_TEXT, .out = stderr, .diag = stderr, .max_errors = 100};
    cardc_validate_options vopts;
    cardc_result *result = NULL;
    cardc_error err;
    cardc_status st;
    char *text = NULL;
    int rc = CLI_EXIT_ERROR;

    cardc_error_clear(&err);
    cardc_validate_options_init(&vopts);
    if (cardc_result_new(&result, &err) != CARDC_OK) {
        report_error(stderr, &err);
        return CLI_EXIT_ERROR;
    }
    st = cardc_validate(schema, value, &vopts, result, &err);
    if (st == CARDC_OK) {
        rc = 0;
    } else if (st == CARDC_E_INVALID) {
        report_payload p = *where;
        rc = CLI_EXIT_INVALID;
        if (!p.text && (text = cardc_json_dump(value, 0)) != NULL) {
            p.text = text;
            p.len = strlen(text);
        }
        if (!p.text || report_result(&rep, &p, result) != 0)
            fprintf(stderr, "%s: invalid (out of memory writing the report)\n", where->file);
    } else {
        report_error(stderr, &err);
    }
    free(text);
    cardc_result_free(result);
    return rc;
}

int run_check_value(const cardc_schema *schema, struct json_object *value, const char *name)
{
    report_payload p = {name, NULL, 0, 1, 0, 0};
    return check_value_at(schema, value, &p);
}

int run_check_line(const cardc_schema *schema, struct json_object *value, const char *file,
                   const char *text, size_t len, int line)
{
    report_payload p = {file, text, len, line, 1, 0};
    return check_value_at(schema, value, &p);
}

/* Prints each streamed event's "response" text as it arrives. */
static int on_event(void *user, const char *data, size_t len)
{
    struct json_object *ev = NULL, *resp;
    bool *any = user;

    if (cardc_json_parse(data, len, "<stream>", 0, &ev, NULL) == CARDC_OK &&
        json_object_object_get_ex(ev, "response", &resp) &&
        json_object_is_type(resp, json_type_string)) {
        fwrite(json_object_get_string(resp), 1, (size_t)json_object_get_string_len(resp), stdout);
        fflush(stdout);
        *any = true;
    }
    json_object_put(ev);
    return 0;
}

/* A media type the output is JSON in (absent = JSON). */
static bool is_json_type(const char *type)
{
    return !type || !*type || strncmp(type, "application/json", 16) == 0 ||
           strstr(type, "+json") != NULL;
}

/* The card's declared output media type ("contentType", Cloudflare's
 * spelling), or NULL. */
static const char *card_output_type(const cardc_card *card)
{
    const struct json_object *doc = NULL;
    struct json_object *ct;

    if (cardc_card_schema(card, CARDC_SIDE_OUTPUT, &doc, NULL) != CARDC_OK ||
        !json_object_is_type(doc, json_type_object) ||
        !json_object_object_get_ex(doc, "contentType", &ct) ||
        !json_object_is_type(ct, json_type_string))
        return NULL;
    return json_object_get_string(ct);
}

/* Writes data (and a newline when `newline`) to path, or to stdout when
 * path is NULL. */
int run_write_bytes(const char *path, const char *data, size_t len, bool newline)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    int ok;

    if (!f) {
        fprintf(stderr, "cardc: error: cannot write %s: %s\n", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    ok = fwrite(data, 1, len, f) == len && (!newline || fputc('\n', f) != EOF);
    ok = (path ? fclose(f) == 0 : fflush(f) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "cardc: error: cannot write %s: %s\n", path ? path : "the output",
                strerror(errno));
        return CLI_EXIT_ERROR;
    }
    return 0;
}

/* Checks and prints (or writes) what the server answered. */
static int handle_output(const options *o, const cardc_schema *out_schema, const char *data,
                         size_t len, const char *content_type)
{
    struct json_object *value = NULL;
    cardc_error err;
    char *pretty;
    int rc;

    if (!is_json_type(content_type)) {
        if (!o->out && isatty(STDOUT_FILENO)) {
            fprintf(stderr,
                    "cardc: error: the output is %s (%zu bytes); not printed to a terminal: "
                    "use -o FILE\n",
                    content_type, len);
            return CLI_EXIT_ERROR;
        }
        return run_write_bytes(o->out, data, len, false);
    }
    cardc_error_clear(&err);
    if (cardc_json_parse(data, len, "<output>", 0, &value, &err) != CARDC_OK) {
        fprintf(stderr, "cardc: error: backend: the output is not valid JSON: %s\n", err.message);
        return CLI_EXIT_BACKEND;
    }
    if (out_schema && (rc = run_check_value(out_schema, value, "<output>")) != 0) {
        if (rc == CLI_EXIT_INVALID)
            fprintf(stderr, "cardc: error: the output breaks the card's output schema\n");
        json_object_put(value);
        return rc;
    }
    pretty = cardc_json_dump(value, 1);
    json_object_put(value);
    if (!pretty) {
        fprintf(stderr, "cardc: error: out of memory printing the output\n");
        return CLI_EXIT_ERROR;
    }
    rc = run_write_bytes(o->out, pretty, strlen(pretty), true);
    free(pretty);
    return rc;
}

/* The missing credential or endpoint, named with its variable and option,
 * before a client is made: the message must name the variable. */
static int check_credentials(const options *o, cardc_backend backend)
{
    const char *v;

    /* through an AI Gateway both backends reach Workers AI */
    if (backend == CARDC_BACKEND_WORKERS_AI || o->client.gateway)
        return cli_workers_ai_credentials("run", &o->client);
    v = o->client.base_url ? o->client.base_url : getenv("OPENAI_BASE_URL");
    if (!v || !*v) {
        fprintf(stderr, "cardc run: no server for the openai backend: set OPENAI_BASE_URL or "
                        "pass --base-url\n");
        return CLI_EXIT_ERROR;
    }
    return -1;
}

/* Exit status of a failed client call; reports it (never with the token). */
int run_client_failure(cardc_error *err, cardc_status st)
{
    cli_redact(err->message, sizeof err->message, getenv("CLOUDFLARE_API_TOKEN"));
    cli_redact(err->message, sizeof err->message, getenv("OPENAI_API_KEY"));
    switch (st) {
    case CARDC_E_INVALID:
        fprintf(stderr, "cardc: error: %s\n", err->message);
        return CLI_EXIT_INVALID;
    case CARDC_E_CONFIG:
    case CARDC_E_USAGE:
    case CARDC_E_NOMEM: fprintf(stderr, "cardc: error: %s\n", err->message); return CLI_EXIT_ERROR;
    default:
        fprintf(stderr, "cardc: error: backend: %s: %s\n", cardc_status_name(st),
                err->message[0] ? err->message : cardc_status_string(st));
        return CLI_EXIT_BACKEND;
    }
}

/* --batch: the card, its schemas and the client settings handed over. */
static int batch(const options *o, cardc_backend backend, const cardc_card *card,
                 const cardc_schema *in_schema, const cardc_schema *out_schema)
{
    cardc_client_options copts;
    run_batch_inputs *inputs = NULL;
    run_batch_args a;
    int rc;

    if (backend != CARDC_BACKEND_WORKERS_AI)
        return cli_usage_error("run", "--batch needs the workers-ai backend (the Batch API is "
                                      "Workers AI's)");
    memset(&a, 0, sizeof a);
    a.card_path = o->card;
    a.card = card;
    a.batch_path = o->batch;
    a.out_path = o->out;
    a.model = o->model;
    a.in_schema = in_schema;
    a.out_schema = out_schema;
    a.force = o->force;
    a.poll_ms = o->poll_ms;
    a.batch_timeout_s = o->batch_timeout_s;
    a.duplicate_keys = o->duplicate_keys;
    /* every line checked before credentials are looked at: as for one
     * input, a refused batch never needs (or leaves) the machine */
    if ((rc = run_batch_prepare(&a, &inputs)) < 0 && (rc = check_credentials(o, backend)) < 0) {
        cli_client_options(&o->client, backend, &copts);
        copts.model = o->model;
        a.copts = &copts;
        rc = run_batch(&a, inputs);
    }
    run_batch_free(inputs);
    return rc;
}

int cli_run(int argc, char **argv)
{
    options o = {0};
    cardc_backend backend = CARDC_BACKEND_WORKERS_AI;
    cardc_card *card = NULL;
    cardc_schema *in_schema = NULL, *out_schema = NULL;
    struct json_object *input = NULL;
    cardc_client_options copts;
    cardc_client *client = NULL;
    cardc_run_request rq;
    cardc_error err;
    cardc_status st;
    char *body = NULL, *output = NULL, *content_type = NULL;
    size_t output_len = 0;
    const char *declared;
    bool streamed_any = false;
    int rc;

    o.max_tokens = -1;
    o.client.retries = -1;
    if ((rc = parse_options(argc, argv, &o)) >= 0 || (rc = check_options(&o, &backend)) >= 0)
        return rc;

    rc = CLI_EXIT_ERROR;
    cardc_error_clear(&err);
    if (cli_load_card(o.card, &card) != 0)
        goto out;
    declared = card_output_type(card);
    if (declared && !is_json_type(declared) && !o.out && isatty(STDOUT_FILENO)) {
        rc = cli_usage_error("run", "the card's output is %s: give -o FILE", declared);
        goto out;
    }
    if (compile_side(card, o.card, CARDC_SIDE_INPUT, &in_schema) != 0 ||
        compile_side(card, o.card, CARDC_SIDE_OUTPUT, &out_schema) != 0)
        goto out;
    if (o.batch) {
        rc = batch(&o, backend, card, in_schema, out_schema);
        goto out;
    }
    if ((o.image ? input_from_image(&o, &input)
                 : input_from_file(o.input, o.duplicate_keys, &input)) != 0)
        goto out;
    if (o.stream && json_object_is_type(input, json_type_object)) {
        struct json_object *t = json_object_new_boolean(1);
        if (!t || json_object_object_add(input, "stream", t) != 0) {
            json_object_put(t);
            fprintf(stderr, "cardc: error: out of memory\n");
            goto out;
        }
    }
    if ((rc = run_check_value(in_schema, input,
                              o.image                     ? o.image
                              : strcmp(o.input, "-") == 0 ? "<stdin>"
                                                          : o.input)) != 0) {
        if (rc == CLI_EXIT_INVALID)
            fprintf(stderr, "cardc: error: the input breaks the card's input schema; "
                            "nothing sent\n");
        goto out;
    }
    rc = CLI_EXIT_ERROR;
    if ((rc = check_credentials(&o, backend)) >= 0)
        goto out;
    rc = CLI_EXIT_ERROR;
    if (!(body = cardc_json_dump(input, 0))) {
        fprintf(stderr, "cardc: error: out of memory\n");
        goto out;
    }

    cli_client_options(&o.client, backend, &copts);
    copts.model = o.model;
    if ((st = cardc_client_new(&copts, &client, &err)) != CARDC_OK) {
        rc = run_client_failure(&err, st);
        goto out;
    }
    cardc_run_request_init(&rq);
    rq.model_name = o.model ? o.model : cardc_card_name(card);
    rq.task_type = cardc_card_task_type(card);
    rq.input = body;
    rq.input_len = strlen(body);
    rq.stream = o.stream ? on_event : NULL;
    rq.stream_user = &streamed_any;
    st = cardc_client_run_json(client, &rq, &output, &output_len, &content_type, &err);
    if (o.stream && streamed_any)
        putchar('\n');
    if (st != CARDC_OK) {
        fflush(stdout);
        rc = run_client_failure(&err, st);
        goto out;
    }
    if (o.stream && (!output || output_len == 0)) {
        rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
        goto out;
    }
    rc = handle_output(&o, out_schema, output ? output : "", output_len, content_type);
out:
    cardc_client_free(client);
    free(body);
    free(output);
    free(content_type);
    json_object_put(input);
    cardc_schema_free(in_schema);
    cardc_schema_free(out_schema);
    cardc_card_free(card);
    return rc;
}
