/* SPDX-License-Identifier: MIT */
/* llava-service: a small service in front of LLaVA. It validates each
 * request against the card with the generated bindings and forwards only the
 * valid ones, with the generated llava_1_5_7b_hf_run, to a backend
 * (Cloudflare Workers AI, or an OpenAI-compatible server such as vLLM or
 * llama.cpp's llama-server).
 *
 * Usage: llava-service [--backend workers-ai|openai] [--base-url URL]
 *                      [--model NAME] [--timeout SECONDS] [--retries N]
 *                      [REQUESTS.jsonl]
 *
 * Requests: one JSON object per line of REQUESTS.jsonl (standard input
 * without it; blank lines skipped), each the model's input, e.g.
 *     {"prompt": "What is in this picture?", "image": [137, 80, 78, 71, ...]}
 * Replies: one JSON line per request on standard output,
 *     {"line": 1, "description": "A cat sitting on a windowsill."}
 * or, for a request the card refuses (never sent) or a failed call,
 *     {"line": 2, "error": "requests.jsonl:2:1: (root): ...", "status": "invalid"}
 *
 * Credentials come from the environment: CLOUDFLARE_ACCOUNT_ID and
 * CLOUDFLARE_API_TOKEN (workers-ai), OPENAI_BASE_URL and optionally
 * OPENAI_API_KEY (openai). llava-1.5-7b-hf.h is generated at build time by
 * `cardc gen` (see meson.build beside this file).
 *
 * Exit status: 0 every request answered, 1 some request refused (malformed
 * or against the card) or an answer that broke the output schema, 2 usage,
 * configuration or an unreadable file, 3 some backend failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/client.h"
#include "cardc/json.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_BACKEND = 3 };

/* One reply line; status NULL for an answer. */
static int reply(int line, const char *key, const char *text, const char *status)
{
    struct json_object *o = json_object_new_object();
    char *s = NULL;
    int ok =
        o && json_object_object_add(o, "line", json_object_new_int(line)) == 0 &&
        json_object_object_add(o, key, json_object_new_string(text)) == 0 &&
        (!status || json_object_object_add(o, "status", json_object_new_string(status)) == 0) &&
        (s = cardc_json_dump(o, 0)) != NULL;

    if (ok) {
        puts(s);
        fflush(stdout); /* a reply goes out as soon as it is known */
    } else {
        fprintf(stderr, "llava-service: out of memory writing the reply to line %d\n", line);
    }
    free(s);
    json_object_put(o);
    return ok ? 0 : EXIT_USAGE;
}

static int worse(int a, int b)
{
    return a > b ? a : b;
}

/* Validates one request and, when the card accepts it, forwards it. Returns
 * the request's exit status. */
static int serve(cardc_client *client, const char *source, int line, const char *text, size_t len)
{
    llava_1_5_7b_hf_input req = {0};
    llava_1_5_7b_hf_output ans = {0};
    cardc_decode_options dopts = {0};
    cardc_error err;
    cardc_status st;
    char msg[CARDC_ERROR_SOURCE_MAX + CARDC_ERROR_POINTER_MAX + CARDC_ERROR_MESSAGE_MAX + 16];
    int rc;

    cardc_error_clear(&err);
    dopts.source = source;
    st = llava_1_5_7b_hf_input_decode_ex(&req, text, len, &dopts, &err);
    if (st != CARDC_OK) {
        /* Positions are within the line; make them the file's. */
        if (err.line > 0)
            err.line += line - 1;
        cardc_error_format(&err, msg, sizeof msg);
        rc = reply(line, "error", msg, cardc_status_name(st));
        llava_1_5_7b_hf_input_free(&req);
        /* Malformed JSON is as much the client's fault as a schema breach. */
        return worse(rc, st == CARDC_E_NOMEM ? EXIT_USAGE : EXIT_INVALID);
    }

    /* The client validates the input again before sending and the answer
     * while decoding it: a reply that breaks the output schema is an error
     * here, never a description. */
    st = llava_1_5_7b_hf_run(client, &req, &ans, &err);
    if (st == CARDC_OK) {
        rc = reply(line, "description", ans.has_description ? ans.description.data : "", NULL);
    } else {
        cardc_error_format(&err, msg, sizeof msg);
        rc = worse(reply(line, "error", msg, cardc_status_name(st)),
                   st == CARDC_E_INVALID ? EXIT_INVALID : EXIT_BACKEND);
    }
    llava_1_5_7b_hf_output_free(&ans);
    llava_1_5_7b_hf_input_free(&req);
    return rc;
}

/* Every non-blank line of the text is one request. */
static int serve_all(cardc_client *client, const char *source, const char *text, size_t len)
{
    size_t start = 0;
    int line = 1, status = 0;

    while (start < len) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t stop = end;
        bool blank = true;

        if (stop > start && text[stop - 1] == '\r')
            stop--;
        for (size_t k = start; k < stop && blank; k++)
            blank = text[k] == ' ' || text[k] == '\t';
        if (!blank)
            status = worse(status, serve(client, source, line, text + start, stop - start));
        start = end + 1;
        line++;
    }
    return status;
}

static int usage(const char *why)
{
    fprintf(stderr,
            "llava-service: %s\n"
            "usage: llava-service [--backend workers-ai|openai] [--base-url URL] "
            "[--model NAME]\n"
            "                     [--timeout SECONDS] [--retries N] [REQUESTS.jsonl]\n",
            why);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    cardc_client_options opts;
    cardc_client *client = NULL;
    cardc_error err;
    const char *path = "-";
    char *text = NULL, *end;
    size_t len = 0;
    int status;

    cardc_client_options_init(&opts);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;

        if (strcmp(a, "--backend") == 0 && has_value) {
            a = argv[++i];
            if (strcmp(a, "workers-ai") == 0)
                opts.backend = CARDC_BACKEND_WORKERS_AI;
            else if (strcmp(a, "openai") == 0)
                opts.backend = CARDC_BACKEND_OPENAI;
            else
                return usage("--backend is workers-ai or openai");
        } else if (strcmp(a, "--base-url") == 0 && has_value) {
            opts.base_url = argv[++i];
        } else if (strcmp(a, "--model") == 0 && has_value) {
            opts.model = argv[++i];
        } else if (strcmp(a, "--timeout") == 0 && has_value) {
            long s;
            errno = 0;
            s = strtol(argv[++i], &end, 10);
            if (errno || *end || s < 1 || s > 86400)
                return usage("--timeout takes seconds, 1 to 86400");
            opts.timeout_ms = s * 1000;
        } else if (strcmp(a, "--retries") == 0 && has_value) {
            long n;
            errno = 0;
            n = strtol(argv[++i], &end, 10);
            if (errno || *end || n < 0 || n > 100)
                return usage("--retries takes a count, 0 to 100");
            opts.max_retries = (int)n;
        } else if (a[0] == '-' && strcmp(a, "-") != 0) {
            bool known = strcmp(a, "--backend") == 0 || strcmp(a, "--base-url") == 0 ||
                         strcmp(a, "--model") == 0 || strcmp(a, "--timeout") == 0 ||
                         strcmp(a, "--retries") == 0;
            return usage(known ? "option needs a value" : "unknown option");
        } else if (strcmp(path, "-") != 0) {
            return usage("one REQUESTS.jsonl at most");
        } else {
            path = a;
        }
    }

    cardc_error_clear(&err);
    if (cardc_client_new(&opts, &client, &err) != CARDC_OK) {
        fprintf(stderr, "llava-service: %s\n", err.message);
        return EXIT_USAGE;
    }
    if (cardc_read_file(path, &text, &len, &err) != CARDC_OK) {
        fprintf(stderr, "llava-service: %s: %s\n", path, err.message);
        cardc_client_free(client);
        return EXIT_USAGE;
    }
    status = serve_all(client, strcmp(path, "-") ? path : "<stdin>", text, len);
    free(text);
    cardc_client_free(client);
    return status;
}
