/* SPDX-License-Identifier: MIT */
/* test_client_e2e: the inference client (cardc/client.h) and the seed card's
 * generated typed call against the test server of tests/mock, both API shapes
 * (Workers AI, OpenAI chat completions), every injected fault.
 *
 * Usage: test_client_e2e SOURCE_ROOT
 *
 * The server runs in-process (libmicrohttpd's threads) on 127.0.0.1; each
 * case picks its scenario through the base URL (/s/NAME/...), and the server
 * counts the requests it got and checks each one (path, method, account,
 * bearer token, body against the card's input schema, the image data URL).
 * Timeouts are small and every wait is bounded, so nothing can hang.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardc/card.h"
#include "cardc/client.h"
#include "cardc/json.h"
#include "check.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */
#include "mock_server.h"

/* Recognisable, so any leak into a message or output is found by strstr. */
#define TOKEN        "cardc-e2e-SECRET-token-5b7e1d"
#define ACCOUNT      "e2e-account"
#define OPENAI_MODEL "llava-hf/llava-1.5-7b-hf"
#define PROMPT       "What is in this image?"

typedef struct env {
    mock_server *srv;
    char card[4096];
    char *image;
    size_t image_len;
} env;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The token must never come back in an error. */
static void check_no_token(const cardc_error *err, const char *where)
{
    CHECK_MSG(!strstr(err->message, TOKEN) && !strstr(err->source, TOKEN) &&
                  !strstr(err->pointer, TOKEN),
              "%s: the token leaked into the error: %s", where, err->message);
}

/* The server saw only well-formed requests. */
static void check_server_clean(env *e, const char *where)
{
    char why[512];
    size_t n = mock_server_check_failures(e->srv, why, sizeof why);

    CHECK_MSG(n == 0, "%s: %zu failed request checks, first: %s", where, n, why);
}

/* Options for a client of `backend` talking to the mock under `scenario`:
 * small timeouts, fast retries. url must outlive the client's creation. */
static void options(env *e, cardc_client_options *o, char *url, size_t url_size,
                    cardc_backend backend, const char *scenario)
{
    cardc_client_options_init(o);
    o->backend = backend;
    snprintf(url, url_size, "http://127.0.0.1:%u/s/%s/%s", (unsigned)mock_server_port(e->srv),
             scenario, backend == CARDC_BACKEND_OPENAI ? "v1" : "client/v4");
    o->base_url = url;
    o->account_id = ACCOUNT;
    o->api_token = TOKEN;
    if (backend == CARDC_BACKEND_OPENAI)
        o->model = OPENAI_MODEL;
    o->connect_timeout_ms = 1000;
    o->timeout_ms = 3000;
    o->max_retries = 3;
    o->retry_base_ms = 20;
    o->retry_max_ms = 1500;
    o->max_response_bytes = 256 * 1024;
}

static cardc_client *make_client(const cardc_client_options *o)
{
    cardc_client *c = NULL;
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_client_new(o, &c, &err) != CARDC_OK) {
        CHECK_MSG(0, "cardc_client_new: %s", err.message);
        return NULL;
    }
    return c;
}

/* The object branch: prompt + image bytes (+ messages when both, which the
 * card forbids). */
static cardc_status fill_input(env *e, llava_1_5_7b_hf_input *in, bool also_messages,
                               cardc_error *err)
{
    llava_1_5_7b_hf_input_object *obj = &in->u.object;
    cardc_status st;

    if ((st = llava_1_5_7b_hf_input_init(in, err)) != CARDC_OK)
        return st;
    in->kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
    if ((st = llava_1_5_7b_hf_input_object_init(obj, err)) != CARDC_OK)
        return st;
    obj->has_prompt = true;
    if ((st = cardc_string_set(&obj->prompt, PROMPT, strlen(PROMPT), err)) != CARDC_OK)
        return st;
    obj->image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
    if ((st = cardc_numbers_set_bytes(&obj->image.u.array, (const uint8_t *)e->image, e->image_len,
                                      err)) != CARDC_OK)
        return st;
    obj->has_max_tokens = true;
    obj->max_tokens = 64;
    if (also_messages) {
        llava_1_5_7b_hf_input_messages_item *m = calloc(1, sizeof *m);

        if (!m)
            return CARDC_E_NOMEM;
        obj->messages.items = m;
        obj->messages.count = 1;
        obj->has_messages = true;
        if ((st = cardc_string_set(&m->role, "user", 4, err)) != CARDC_OK ||
            (st = cardc_string_set(&m->content, PROMPT, strlen(PROMPT), err)) != CARDC_OK)
            return st;
    }
    return CARDC_OK;
}

/* One call through the generated typed function. */
static cardc_status run_typed(env *e, cardc_client *c, bool also_messages,
                              llava_1_5_7b_hf_output *out, cardc_error *err)
{
    llava_1_5_7b_hf_input in;
    cardc_status st;

    memset(&in, 0, sizeof in);
    memset(out, 0, sizeof *out);
    cardc_error_clear(err);
    st = fill_input(e, &in, also_messages, err);
    CHECK_MSG(st == CARDC_OK, "building the input: %s", err->message);
    if (st == CARDC_OK)
        st = llava_1_5_7b_hf_run(c, &in, out, err);
    llava_1_5_7b_hf_input_free(&in);
    return st;
}

/* A whole case: fresh counts, a client for the scenario, one typed call.
 * Returns the status; *requests and *elapsed_ms what it took. */
typedef struct outcome {
    cardc_status st;
    cardc_error err;
    size_t requests;
    long elapsed_ms;
    bool has_description;
    char description[256];
} outcome;

static outcome run_case(env *e, cardc_backend backend, const char *scenario,
                        const cardc_client_options *tweak)
{
    cardc_client_options o;
    char url[512];
    cardc_client *c;
    llava_1_5_7b_hf_output out;
    outcome r;
    long t0;

    memset(&r, 0, sizeof r);
    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, backend, scenario);
    if (tweak) {
        o.timeout_ms = tweak->timeout_ms ? tweak->timeout_ms : o.timeout_ms;
        o.max_retries = tweak->max_retries >= 0 ? tweak->max_retries : o.max_retries;
        if (tweak->max_response_bytes)
            o.max_response_bytes = tweak->max_response_bytes;
        if (tweak->api_token)
            o.api_token = tweak->api_token;
        if (tweak->base_url)
            o.base_url = tweak->base_url;
    }
    if (!(c = make_client(&o))) {
        r.st = CARDC_E_CONFIG;
        return r;
    }
    t0 = now_ms();
    r.st = run_typed(e, c, false, &out, &r.err);
    r.elapsed_ms = now_ms() - t0;
    r.requests = mock_server_requests(e->srv);
    if (r.st == CARDC_OK && out.has_description) {
        r.has_description = true;
        snprintf(r.description, sizeof r.description, "%.*s", (int)out.description.len,
                 out.description.data ? out.description.data : "");
    }
    llava_1_5_7b_hf_output_free(&out);
    cardc_client_free(c);
    check_no_token(&r.err, scenario);
    return r;
}

static const char *backend_name(cardc_backend b)
{
    return b == CARDC_BACKEND_OPENAI ? "openai" : "workers-ai";
}

/* Tweaks with nothing changed but the retry count (-1: default). */
static cardc_client_options retries(int n)
{
    cardc_client_options t;

    memset(&t, 0, sizeof t);
    t.max_retries = n;
    return t;
}

#define EXPECT(r, code, what)                                                                   \
    CHECK_MSG((r).st == (code), "%s: status %s, want %s (%s)", what, cardc_status_name((r).st), \
              cardc_status_name(code), (r).err.message)

/* ---- Cases --------------------------------------------------------------- */

static void test_ok(env *e, cardc_backend b)
{
    outcome r = run_case(e, b, "ok", NULL);
    char ct[128];
    size_t len = 0;
    char *body;

    EXPECT(r, CARDC_OK, backend_name(b));
    CHECK(r.has_description);
    CHECK_STR(r.description, MOCK_DESCRIPTION);
    CHECK_MSG(r.requests == 1, "%s: %zu requests", backend_name(b), r.requests);
    check_server_clean(e, backend_name(b));
    body = mock_server_last_body(e->srv, &len, ct, sizeof ct);
    CHECK_MSG(body && strstr(body, PROMPT), "the prompt was sent");
    CHECK_MSG(strncmp(ct, "application/json", 16) == 0, "Content-Type %s", ct);
    if (b == CARDC_BACKEND_OPENAI) {
        CHECK_MSG(body && strstr(body, "data:image/png;base64,"), "a PNG data URL was sent");
        CHECK_MSG(body && strstr(body, "\"max_tokens\":64"), "max_tokens passed through");
    }
    free(body);
}

/* The top-level binary branch goes as the raw request body: any bytes (an
 * image is not UTF-8). */
static void test_binary_body(env *e, const char *bytes, size_t n)
{
    cardc_client_options o;
    char url[512], ct[128];
    cardc_client *c;
    llava_1_5_7b_hf_input in;
    llava_1_5_7b_hf_output out;
    cardc_error err;
    cardc_status st;
    size_t len = 0;
    char *body;

    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "ok");
    if (!(c = make_client(&o)))
        return;
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cardc_error_clear(&err);
    CHECK(llava_1_5_7b_hf_input_init(&in, &err) == CARDC_OK);
    in.kind = LLAVA_1_5_7B_HF_INPUT_BINARY;
    CHECK(cardc_bytes_set(&in.u.binary, bytes, n, &err) == CARDC_OK);
    st = llava_1_5_7b_hf_run(c, &in, &out, &err);
    CHECK_MSG(st == CARDC_OK, "binary input: %s %s", cardc_status_name(st), err.message);
    CHECK(out.has_description && out.description.data &&
          strcmp(out.description.data, MOCK_DESCRIPTION) == 0);
    body = mock_server_last_body(e->srv, &len, ct, sizeof ct);
    CHECK_MSG(body && len == n && memcmp(body, bytes, len) == 0,
              "the bytes were the whole body (%zu of %zu bytes)", len, n);
    CHECK_MSG(strncmp(ct, "application/json", 16) != 0, "raw body sent as %s", ct);
    check_server_clean(e, "binary body");
    free(body);
    llava_1_5_7b_hf_input_free(&in);
    llava_1_5_7b_hf_output_free(&out);
    cardc_client_free(c);
}

static void test_retries(env *e, cardc_backend b)
{
    cardc_client_options t = retries(2);
    outcome r;

    r = run_case(e, b, "500-once", NULL);
    EXPECT(r, CARDC_OK, "500 once");
    CHECK_MSG(r.requests == 2, "500 once: %zu requests, want 2", r.requests);
    CHECK_STR(r.description, MOCK_DESCRIPTION);

    /* The "Done when": the output after two retries. */
    r = run_case(e, b, "500-twice", NULL);
    EXPECT(r, CARDC_OK, "500 twice");
    CHECK_MSG(r.requests == 3, "500 twice: %zu requests, want 3", r.requests);
    CHECK_STR(r.description, MOCK_DESCRIPTION);
    check_server_clean(e, "500 twice");

    /* Bounded: max_retries 2 is three requests, then the server's error. */
    r = run_case(e, b, "500-always", &t);
    EXPECT(r, CARDC_E_BACKEND, "500 always");
    CHECK_MSG(r.requests == 3, "500 always: %zu requests, want 3", r.requests);
    CHECK(r.err.message[0] != '\0');

    /* No retry at all when asked for none. */
    t = retries(0);
    r = run_case(e, b, "500-once", &t);
    EXPECT(r, CARDC_E_BACKEND, "500 once, no retries");
    CHECK_MSG(r.requests == 1, "no retries: %zu requests", r.requests);
}

static void test_retry_after(env *e, cardc_backend b)
{
    outcome r = run_case(e, b, "429-retry-after", NULL);

    EXPECT(r, CARDC_OK, "429 Retry-After");
    CHECK_MSG(r.requests == 2, "429 Retry-After: %zu requests", r.requests);
    /* Retry-After: 1 is honoured (not the 20 ms backoff), and bounded. */
    CHECK_MSG(mock_server_span_ms(e->srv) >= 950, "waited only %ld ms between requests",
              mock_server_span_ms(e->srv));
    CHECK_MSG(r.elapsed_ms < 4000, "429 Retry-After took %ld ms", r.elapsed_ms);
}

static void test_timeout(env *e, cardc_backend b)
{
    cardc_client_options t = retries(0);
    outcome r;

    t.timeout_ms = 300;
    r = run_case(e, b, "slow", &t);
    EXPECT(r, CARDC_E_TIMEOUT, "slow");
    CHECK_MSG(r.elapsed_ms < 2000, "timeout after %ld ms, want about 300", r.elapsed_ms);
    CHECK(r.err.message[0] != '\0');
}

static void test_refused(env *e)
{
    cardc_client_options t = retries(1);
    char url[128];
    unsigned short port = mock_closed_port();
    outcome r;

    CHECK(port != 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/client/v4", (unsigned)port);
    t.base_url = url;
    r = run_case(e, CARDC_BACKEND_WORKERS_AI, "ok", &t);
    EXPECT(r, CARDC_E_NETWORK, "connection refused");
    CHECK_MSG(r.elapsed_ms < 3000, "refused after %ld ms", r.elapsed_ms);
    CHECK(r.requests == 0);
    CHECK(r.err.message[0] != '\0');
}

/* Faults answered with a clear error; `requests` 0 means "not checked";
 * the message must carry in_message and code (the server's), when given. */
static void test_fault_code(env *e, cardc_backend b, const char *scenario, cardc_status want,
                            size_t requests, const char *in_message, const char *code)
{
    cardc_client_options t = retries(1);
    outcome r = run_case(e, b, scenario, &t);
    char what[128];

    snprintf(what, sizeof what, "%s %s", backend_name(b), scenario);
    EXPECT(r, want, what);
    if (requests)
        CHECK_MSG(r.requests == requests, "%s: %zu requests, want %zu", what, r.requests, requests);
    CHECK_MSG(r.err.message[0] != '\0', "%s: empty message", what);
    if (in_message)
        CHECK_MSG(strstr(r.err.message, in_message) != NULL, "%s: message \"%s\" lacks \"%s\"",
                  what, r.err.message, in_message);
    if (code)
        CHECK_MSG(strstr(r.err.message, code) != NULL, "%s: message \"%s\" lacks code %s", what,
                  r.err.message, code);
    CHECK_MSG(r.elapsed_ms < 5000, "%s took %ld ms", what, r.elapsed_ms);
}

static void test_fault(env *e, cardc_backend b, const char *scenario, cardc_status want,
                       size_t requests, const char *in_message)
{
    test_fault_code(e, b, scenario, want, requests, in_message, NULL);
}

static void test_faults(env *e)
{
    const cardc_backend W = CARDC_BACKEND_WORKERS_AI, O = CARDC_BACKEND_OPENAI;

    test_fault_code(e, W, "not-success", CARDC_E_BACKEND, 1, "inference failed on the worker",
                    "7001");
    test_fault_code(e, W, "429-3040", CARDC_E_RATE_LIMIT, 2, "Capacity temporarily exceeded",
                    "3040");
    test_fault_code(e, W, "429-3036", CARDC_E_QUOTA, 0, "daily free allocation", "3036");
    test_fault_code(e, W, "413-3006", CARDC_E_TOO_LARGE, 1, "Request is too large", "3006");
    test_fault_code(e, W, "400-5007", CARDC_E_UNKNOWN_MODEL, 1, "No such model", "5007");
    test_fault(e, W, "401", CARDC_E_AUTH, 1, "Authentication error");
    test_fault(e, W, "403", CARDC_E_AUTH, 1, "not allowed");
    test_fault(e, W, "401-echo", CARDC_E_AUTH, 1, NULL);
    test_fault(e, W, "oversize", CARDC_E_TOO_LARGE, 1, NULL);
    test_fault(e, W, "oversize-chunked", CARDC_E_TOO_LARGE, 1, NULL);
    test_fault(e, W, "truncated", CARDC_E_NETWORK, 0, NULL);
    test_fault(e, W, "malformed", CARDC_E_BACKEND, 1, NULL);

    test_fault(e, O, "401", CARDC_E_AUTH, 1, "Invalid API key");
    test_fault(e, O, "401-echo", CARDC_E_AUTH, 1, NULL);
    test_fault(e, O, "403", CARDC_E_AUTH, 1, NULL);
    test_fault(e, O, "429-3040", CARDC_E_RATE_LIMIT, 2, NULL);
    test_fault(e, O, "oversize", CARDC_E_TOO_LARGE, 1, NULL);
    test_fault(e, O, "oversize-chunked", CARDC_E_TOO_LARGE, 1, NULL);
    test_fault(e, O, "truncated", CARDC_E_NETWORK, 0, NULL);
    test_fault(e, O, "malformed", CARDC_E_BACKEND, 1, NULL);
    test_fault(e, O, "not-success", CARDC_E_BACKEND, 1, "inference failed");

    /* a reset is a connection error: retried, then reported */
    test_fault(e, W, "reset", CARDC_E_NETWORK, 2, NULL);
    test_fault(e, O, "reset", CARDC_E_NETWORK, 2, NULL);
    /* a proxy's HTML page: retried as any 5xx, then its status named */
    test_fault(e, W, "502-html", CARDC_E_BACKEND, 2, "502");
    test_fault(e, O, "502-html", CARDC_E_BACKEND, 2, "502");
}

/* SECURITY.md's client bounds at the limit and one past it: the answer's
 * size (max_response_bytes), retries (max_retries, at most 10), Retry-After
 * (honoured up to retry_max_ms). Timeouts: test_stalls. */
static void test_bounds(env *e)
{
    cardc_client_options t = retries(0), o;
    cardc_client *c = NULL;
    cardc_error err;
    char answer[256], url[512];
    outcome r;
    int n = snprintf(answer, sizeof answer,
                     "{\"result\":{\"description\":\"%s\"},\"success\":true,\"errors\":[],"
                     "\"messages\":[]}",
                     MOCK_DESCRIPTION);

    t.max_response_bytes = (size_t)n; /* the whole answer, to the byte */
    r = run_case(e, CARDC_BACKEND_WORKERS_AI, "ok", &t);
    EXPECT(r, CARDC_OK, "an answer of max_response_bytes");
    t.max_response_bytes = (size_t)n - 1;
    r = run_case(e, CARDC_BACKEND_WORKERS_AI, "ok", &t);
    EXPECT(r, CARDC_E_TOO_LARGE, "an answer one byte over max_response_bytes");
    CHECK(strstr(r.err.message, "larger than max_response_bytes") != NULL);

    /* two 500s: two retries are enough, one is not */
    t = retries(2);
    r = run_case(e, CARDC_BACKEND_WORKERS_AI, "500-twice", &t);
    EXPECT(r, CARDC_OK, "500 twice, 2 retries");
    CHECK(r.requests == 3);
    t = retries(1);
    r = run_case(e, CARDC_BACKEND_WORKERS_AI, "500-twice", &t);
    EXPECT(r, CARDC_E_BACKEND, "500 twice, 1 retry");
    CHECK(r.requests == 2);

    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "ok");
    o.max_retries = 10;
    cardc_error_clear(&err);
    CHECK_MSG(cardc_client_new(&o, &c, &err) == CARDC_OK, "max_retries 10: %s", err.message);
    cardc_client_free(c);
    c = NULL;
    o.max_retries = 11;
    CHECK(cardc_client_new(&o, &c, &err) == CARDC_E_CONFIG && c == NULL);
    CHECK(strstr(err.message, "max_retries") != NULL);

    /* Retry-After: 1 s; retry_max_ms 1,500 lets it be honoured, 100 caps it */
    for (int cap = 0; cap < 2; cap++) {
        long t0;
        llava_1_5_7b_hf_output out;

        mock_server_reset(e->srv, MOCK_OK);
        options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "429-retry-after");
        o.retry_max_ms = cap ? 100 : 1500;
        if (!(c = make_client(&o)))
            return;
        t0 = now_ms();
        CHECK(run_typed(e, c, false, &out, &err) == CARDC_OK);
        t0 = now_ms() - t0;
        CHECK_MSG(cap ? t0 < 900 : mock_server_span_ms(e->srv) >= 950,
                  "Retry-After with retry_max_ms %ld: %ld ms", o.retry_max_ms, t0);
        llava_1_5_7b_hf_output_free(&out);
        cardc_client_free(c);
    }
}

/* A stall under the timeout is only late; past it, a timeout, not retried
 * (a server that accepted the request would only be slow again). */
static void test_stalls(env *e, cardc_backend b)
{
    cardc_client_options t = retries(1);
    outcome r = run_case(e, b, "stall", NULL);

    EXPECT(r, CARDC_OK, "stall");
    CHECK_MSG(r.has_description && strcmp(r.description, MOCK_DESCRIPTION) == 0,
              "stall: description \"%s\"", r.description);
    CHECK_MSG(r.elapsed_ms >= MOCK_STALL_MS, "stall answered after %ld ms", r.elapsed_ms);
    t.timeout_ms = 400;
    r = run_case(e, b, "stall-long", &t);
    EXPECT(r, CARDC_E_TIMEOUT, "stall-long");
    CHECK_MSG(r.requests == 1, "stall-long: %zu requests", r.requests);
    /* libcurl measures its deadline on its own clock and may fire a
     * millisecond or two before ours says 400 (seen: 399 ms) */
    CHECK_MSG(r.elapsed_ms >= 380 && r.elapsed_ms < MOCK_STALL_LONG_MS, "stall-long took %ld ms",
              r.elapsed_ms);
    check_server_clean(e, "stalls");
}

/* An output that breaks the output schema is the validator's error. */
static void test_bad_output(env *e)
{
    outcome r = run_case(e, CARDC_BACKEND_WORKERS_AI, "bad-output", NULL);

    EXPECT(r, CARDC_E_INVALID, "bad output");
    CHECK_MSG(r.requests == 1, "bad output: %zu requests", r.requests);
    CHECK_MSG(strstr(r.err.pointer, "/description") || strstr(r.err.message, "description"),
              "bad output: the error names /description (pointer \"%s\", message \"%s\")",
              r.err.pointer, r.err.message);
    CHECK_MSG(strstr(r.err.message, "string") != NULL, "bad output: \"%s\" names the type",
              r.err.message);

    r = run_case(e, CARDC_BACKEND_OPENAI, "bad-output", NULL);
    CHECK_MSG(r.st != CARDC_OK && r.err.message[0], "openai bad output: %s",
              cardc_status_name(r.st));
}

/* An input the card refuses is never sent. */
static void test_invalid_input(env *e)
{
    cardc_client_options o;
    char url[512];
    cardc_client *c;
    llava_1_5_7b_hf_output out;
    cardc_error err;
    cardc_status st;

    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "ok");
    if (!(c = make_client(&o)))
        return;
    st = run_typed(e, c, true, &out, &err);
    CHECK_MSG(st == CARDC_E_INVALID, "prompt + messages: %s", cardc_status_name(st));
    CHECK_MSG(strstr(err.message, "mutually exclusive") != NULL, "message: %s", err.message);
    CHECK(mock_server_requests(e->srv) == 0);
    llava_1_5_7b_hf_output_free(&out);
    cardc_client_free(c);
}

/* A wrong token: 401 from the server, AUTH, and never echoed. */
static void test_wrong_token(env *e)
{
    cardc_client_options t = retries(2);
    outcome r;
    char why[512];

    t.api_token = "wrong-token-0000";
    r = run_case(e, CARDC_BACKEND_WORKERS_AI, "ok", &t);
    EXPECT(r, CARDC_E_AUTH, "wrong token");
    CHECK_MSG(r.requests == 1, "wrong token: %zu requests (401 is not retried)", r.requests);
    CHECK(!strstr(r.err.message, "wrong-token-0000"));
    CHECK(mock_server_check_failures(e->srv, why, sizeof why) == 1);
}

/* The server's own checks fire (so a clean count elsewhere means something):
 * a body the card refuses, sent through the untyped call that trusts its
 * caller, and a wrong account. */
static void test_server_checks(env *e)
{
    static const char no_image[] = "{\"prompt\":\"no image\"}";
    cardc_client_options o;
    char url[512], why[512], *output = NULL, *ct = NULL;
    cardc_client *c;
    cardc_error err;
    cardc_status st;
    size_t out_len = 0;

    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "ok");
    o.max_retries = 0;
    if (!(c = make_client(&o)))
        return;
    cardc_error_clear(&err);
    st = cardc_client_run_json(c,
                               &(cardc_run_request){.model_name = llava_1_5_7b_hf_model.name,
                                                    .task_type = "image-to-text",
                                                    .input = no_image,
                                                    .input_len = strlen(no_image)},
                               &output, &out_len, &ct, &err);
    CHECK_MSG(st != CARDC_OK && st != CARDC_E_INVALID, "no image: %s", cardc_status_name(st));
    CHECK(mock_server_check_failures(e->srv, why, sizeof why) == 1);
    CHECK_MSG(strstr(why, "card's schema") != NULL, "the server says why: %s", why);
    free(output);
    free(ct);
    cardc_client_free(c);

    mock_server_reset(e->srv, MOCK_OK);
    o.account_id = "someone-else";
    if (!(c = make_client(&o)))
        return;
    output = ct = NULL;
    cardc_error_clear(&err);
    st = cardc_client_run_json(c,
                               &(cardc_run_request){.model_name = llava_1_5_7b_hf_model.name,
                                                    .task_type = "image-to-text",
                                                    .input = "{}",
                                                    .input_len = 2,
                                                    .raw_body = true},
                               &output, &out_len, &ct, &err);
    CHECK_MSG(st == CARDC_E_AUTH, "wrong account: %s", cardc_status_name(st));
    CHECK(mock_server_check_failures(e->srv, why, sizeof why) == 1);
    CHECK_MSG(strstr(why, "someone-else") != NULL, "the server says why: %s", why);
    check_no_token(&err, "wrong account");
    free(output);
    free(ct);
    cardc_client_free(c);
}

typedef struct events {
    int count;
    char text[512];
    bool order_ok;
} events;

/* Collects a stream's pieces; Workers AI events are {"response":...},
 * OpenAI's chat.completion.chunk deltas. */
static int on_event(void *user, const char *data, size_t len)
{
    static const char *const pieces[] = MOCK_STREAM_PIECES;
    events *ev = user;
    char buf[1024];

    snprintf(buf, sizeof buf, "%.*s", (int)len, data);
    if (ev->count < MOCK_STREAM_PIECE_COUNT && !strstr(buf, pieces[ev->count]))
        ev->order_ok = false;
    if (strstr(buf, "[DONE]"))
        ev->order_ok = false; /* the end marker is not an event */
    ev->count++;
    {
        size_t used = strlen(ev->text);

        snprintf(ev->text + used, sizeof ev->text - used, "%s", buf);
    }
    return 0;
}

static void test_stream(env *e, cardc_backend b, const char *scenario, bool body_stream)
{
    cardc_client_options o;
    char url[512], what[128], *input, *output = NULL, *ct = NULL;
    cardc_client *c;
    cardc_error err;
    cardc_status st;
    size_t out_len = 0, n = 0, cap = e->image_len * 4 + 128;
    events ev;
    bool cut = strcmp(scenario, "stream-cut") == 0;

    snprintf(what, sizeof what, "%s %s%s", backend_name(b), scenario,
             body_stream ? " (stream: true)" : "");
    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, b, scenario);
    o.max_retries = 0;
    if (!(c = make_client(&o)))
        return;
    if (!(input = malloc(cap)))
        return;
    n = (size_t)snprintf(input, cap, "{\"prompt\":\"%s\",%s\"image\":[", PROMPT,
                         body_stream ? "\"stream\":true," : "");
    for (size_t i = 0; i < e->image_len; i++)
        n += (size_t)snprintf(input + n, cap - n, "%s%u", i ? "," : "", (unsigned char)e->image[i]);
    n += (size_t)snprintf(input + n, cap - n, "]}");
    memset(&ev, 0, sizeof ev);
    ev.order_ok = true;
    cardc_error_clear(&err);
    st = cardc_client_run_json(c,
                               &(cardc_run_request){.model_name = llava_1_5_7b_hf_model.name,
                                                    .task_type = "image-to-text",
                                                    .input = input,
                                                    .input_len = n,
                                                    .stream = on_event,
                                                    .stream_user = &ev},
                               &output, &out_len, &ct, &err);
    check_no_token(&err, what);
    if (cut) {
        CHECK_MSG(st != CARDC_OK && err.message[0], "%s: %s", what, cardc_status_name(st));
        CHECK_MSG(ev.count == MOCK_STREAM_CUT_AFTER, "%s: %d events before the cut", what,
                  ev.count);
    } else {
        CHECK_MSG(st == CARDC_OK, "%s: %s %s", what, cardc_status_name(st), err.message);
        CHECK_MSG(ev.count == MOCK_STREAM_PIECE_COUNT, "%s: %d events", what, ev.count);
    }
    CHECK_MSG(ev.order_ok, "%s: events out of order or [DONE] delivered: %s", what, ev.text);
    CHECK_MSG(mock_server_requests(e->srv) == 1, "%s: %zu requests", what,
              mock_server_requests(e->srv));
    check_server_clean(e, what);
    free(output);
    free(ct);
    free(input);
    cardc_client_free(c);
}

/* The schema endpoint gives a card cardc reads back. */
static void test_fetch_schema(env *e)
{
    cardc_client_options o;
    char url[512], *json = NULL;
    cardc_client *c;
    cardc_card *card = NULL;
    cardc_error err;
    cardc_status st;
    const struct json_object *schema;

    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "500-once");
    if (!(c = make_client(&o)))
        return;
    cardc_error_clear(&err);
    st = cardc_client_fetch_schema(c, llava_1_5_7b_hf_model.name, &json, &err);
    CHECK_MSG(st == CARDC_OK, "fetch_schema: %s %s", cardc_status_name(st), err.message);
    CHECK(mock_server_requests(e->srv) == 2);
    if (st == CARDC_OK) {
        st = cardc_card_load_mem(json, strlen(json), "<fetched>", NULL, &card, &err);
        CHECK_MSG(st == CARDC_OK, "fetched card: %s", err.message);
        if (st == CARDC_OK) {
            CHECK_STR(cardc_card_name(card), llava_1_5_7b_hf_model.name);
            CHECK(cardc_card_schema(card, CARDC_SIDE_INPUT, &schema, &err) == CARDC_OK);
            CHECK(cardc_card_schema(card, CARDC_SIDE_OUTPUT, &schema, &err) == CARDC_OK);
        }
    }
    check_server_clean(e, "fetch_schema");
    free(json);
    cardc_card_free(card);

    json = NULL;
    cardc_error_clear(&err);
    st = cardc_client_fetch_schema(c, "@cf/nobody/no-such-model", &json, &err);
    CHECK_MSG(st == CARDC_E_UNKNOWN_MODEL, "fetch unknown: %s", cardc_status_name(st));
    check_no_token(&err, "fetch unknown");
    free(json);
    cardc_client_free(c);
}

/* Missing credentials name the option and the variable. */
static void test_config(env *e)
{
    cardc_client_options o;
    char url[512];
    cardc_client *c = NULL;
    cardc_error err;
    cardc_status st;

    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "ok");
    o.api_token = NULL;
    cardc_error_clear(&err);
    st = cardc_client_new(&o, &c, &err);
    CHECK_MSG(st == CARDC_E_CONFIG, "no token: %s", cardc_status_name(st));
    CHECK_MSG(strstr(err.message, "CLOUDFLARE_API_TOKEN") != NULL, "no token: %s", err.message);
    cardc_client_free(c);
    c = NULL;

    o.api_token = TOKEN;
    o.account_id = NULL;
    cardc_error_clear(&err);
    st = cardc_client_new(&o, &c, &err);
    CHECK_MSG(st == CARDC_E_CONFIG, "no account: %s", cardc_status_name(st));
    CHECK_MSG(strstr(err.message, "CLOUDFLARE_ACCOUNT_ID") != NULL, "no account: %s", err.message);
    check_no_token(&err, "no account");
    cardc_client_free(c);
}

/* One client, several threads at once. */
typedef struct worker {
    env *e;
    cardc_client *c;
    cardc_status st;
    bool described;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    llava_1_5_7b_hf_output out;
    cardc_error err;

    for (int i = 0; i < 2; i++) {
        w->st = run_typed(w->e, w->c, false, &out, &err);
        w->described = out.has_description && out.description.data &&
                       strcmp(out.description.data, MOCK_DESCRIPTION) == 0;
        llava_1_5_7b_hf_output_free(&out);
        if (w->st != CARDC_OK || !w->described)
            break;
    }
    return NULL;
}

static void test_threads(env *e)
{
    enum { N = 4 };
    cardc_client_options o;
    char url[512];
    cardc_client *c;
    pthread_t t[N];
    worker w[N];

    mock_server_reset(e->srv, MOCK_OK);
    options(e, &o, url, sizeof url, CARDC_BACKEND_WORKERS_AI, "ok");
    if (!(c = make_client(&o)))
        return;
    for (int i = 0; i < N; i++) {
        w[i] = (worker){e, c, CARDC_E_USAGE, false};
        if (pthread_create(&t[i], NULL, work, &w[i]) != 0) {
            CHECK_MSG(0, "pthread_create");
            w[i].c = NULL;
        }
    }
    for (int i = 0; i < N; i++) {
        if (!w[i].c)
            continue;
        pthread_join(t[i], NULL);
        CHECK_MSG(w[i].st == CARDC_OK && w[i].described, "thread %d: %s", i,
                  cardc_status_name(w[i].st));
    }
    CHECK_MSG(mock_server_requests(e->srv) == 2 * N, "threads: %zu requests",
              mock_server_requests(e->srv));
    check_server_clean(e, "threads");
    cardc_client_free(c);
}

int main(int argc, char **argv)
{
    env e;
    mock_options mo;
    char errbuf[512], path[4096];
    cardc_error err;

    if (argc != 2) {
        fprintf(stderr, "usage: test_client_e2e SOURCE_ROOT\n");
        return 2;
    }
    /* The defaults must come from the options here, never the caller's
     * environment (and never a real account). */
    unsetenv("CLOUDFLARE_ACCOUNT_ID");
    unsetenv("CLOUDFLARE_API_TOKEN");
    unsetenv("OPENAI_BASE_URL");
    unsetenv("OPENAI_API_KEY");

    memset(&e, 0, sizeof e);
    snprintf(e.card, sizeof e.card, "%s/schemas/llava-1.5-7b-hf.md", argv[1]);
    snprintf(path, sizeof path, "%s/examples/llava-caption/cat.png", argv[1]);
    cardc_error_clear(&err);
    if (cardc_read_file(path, &e.image, &e.image_len, &err) != CARDC_OK) {
        fprintf(stderr, "test_client_e2e: %s: %s\n", path, err.message);
        return 1;
    }
    memset(&mo, 0, sizeof mo);
    mo.card_path = e.card;
    mo.account_id = ACCOUNT;
    mo.token = TOKEN;
    mo.openai_model = OPENAI_MODEL;
    if (mock_server_start(&mo, &e.srv, errbuf, sizeof errbuf) != 0) {
        fprintf(stderr, "test_client_e2e: %s\n", errbuf);
        free(e.image);
        return 1;
    }

    test_config(&e);
    test_ok(&e, CARDC_BACKEND_WORKERS_AI);
    test_ok(&e, CARDC_BACKEND_OPENAI);
    test_binary_body(&e, "plain UTF-8 bytes", 17);
    test_binary_body(&e, e.image, e.image_len);
    test_invalid_input(&e);
    test_retries(&e, CARDC_BACKEND_WORKERS_AI);
    test_retries(&e, CARDC_BACKEND_OPENAI);
    test_retry_after(&e, CARDC_BACKEND_WORKERS_AI);
    test_retry_after(&e, CARDC_BACKEND_OPENAI);
    test_timeout(&e, CARDC_BACKEND_WORKERS_AI);
    test_timeout(&e, CARDC_BACKEND_OPENAI);
    test_refused(&e);
    test_faults(&e);
    test_stalls(&e, CARDC_BACKEND_WORKERS_AI);
    test_stalls(&e, CARDC_BACKEND_OPENAI);
    test_bounds(&e);
    test_bad_output(&e);
    test_wrong_token(&e);
    test_server_checks(&e);
    test_stream(&e, CARDC_BACKEND_WORKERS_AI, "stream", false);
    test_stream(&e, CARDC_BACKEND_WORKERS_AI, "ok", true);
    test_stream(&e, CARDC_BACKEND_WORKERS_AI, "stream-cut", false);
    test_stream(&e, CARDC_BACKEND_OPENAI, "stream", false);
    test_stream(&e, CARDC_BACKEND_OPENAI, "ok", true);
    test_stream(&e, CARDC_BACKEND_OPENAI, "stream-cut", false);
    test_fetch_schema(&e);
    test_threads(&e);

    mock_server_stop(e.srv);
    free(e.image);
    return check_summary();
}
