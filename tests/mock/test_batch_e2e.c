/* SPDX-License-Identifier: MIT */
/* test_batch_e2e: the Batch API client (cardc_batch_*, cardc_client_batch_*)
 * and AI Gateway URLs against the test server of tests/mock.
 *
 * Usage: test_batch_e2e SOURCE_ROOT
 *
 * The server answers a batch queued, then running, then with its responses
 * in reverse order, each description naming its request's prompt: so every
 * case checks that outputs were matched to the right inputs. Faults: polls
 * answered 500 or 429 (Retry-After), a malformed answer, an output breaking
 * the output schema, lost external_references, a failed item, a batch that
 * never finishes; the size limit (splitting, refusal) and the gateway's URL
 * shapes and credential. Waits are short and bounded.
 */
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

#define TOKEN    "cardc-batch-SECRET-token-77c2f0"
#define GW_TOKEN "cardc-batch-GATEWAY-secret-4d1a9e"
#define ACCOUNT  "batch-account"
#define GATEWAY  "my-gateway"
#define MODEL    "@cf/llava-hf/llava-1.5-7b-hf"

typedef struct env {
    mock_server *srv;
    cardc_schema *in_schema, *out_schema;
} env;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check_no_secret(const cardc_error *err, const char *where)
{
    CHECK_MSG(!strstr(err->message, TOKEN) && !strstr(err->message, GW_TOKEN) &&
                  !strstr(err->pointer, TOKEN),
              "%s: a secret leaked into the error: %s", where, err->message);
}

static void check_server_clean(env *e, const char *where)
{
    char why[512];
    size_t n = mock_server_check_failures(e->srv, why, sizeof why);

    CHECK_MSG(n == 0, "%s: %zu failed request checks, first: %s", where, n, why);
}

/* A client for the mock under `scenario` (gateway: through the AI Gateway
 * route); url must outlive the call. */
static cardc_client *client_for(env *e, const char *scenario, bool gateway, cardc_backend backend,
                                char *url, size_t size)
{
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_error err;

    cardc_client_options_init(&o);
    o.backend = backend;
    snprintf(url, size, "http://127.0.0.1:%u/s/%s/%s", (unsigned)mock_server_port(e->srv), scenario,
             gateway ? "v1" : "client/v4");
    o.base_url = url;
    o.account_id = ACCOUNT;
    o.api_token = TOKEN;
    if (gateway) {
        o.gateway = GATEWAY;
        o.gateway_token = GW_TOKEN;
    }
    o.connect_timeout_ms = 1000;
    o.timeout_ms = 3000;
    o.max_retries = 3;
    o.retry_base_ms = 20;
    o.retry_max_ms = 1500;
    cardc_error_clear(&err);
    if (cardc_client_new(&o, &c, &err) != CARDC_OK)
        CHECK_MSG(0, "cardc_client_new: %s", err.message);
    return c;
}

/* Input i: a prompt naming it and a tiny image. */
static void input_json(size_t i, char *buf, size_t size)
{
    snprintf(buf, size,
             "{\"prompt\":\"describe picture %zu\",\"image\":[137,80,78,71,13,10,26,10]}", i);
}

static void want_description(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%s [describe picture %zu]", MOCK_DESCRIPTION, i);
}

static cardc_batch *untyped_batch(env *e, size_t n, size_t max_bytes, bool refs)
{
    cardc_batch_options bo;
    cardc_batch *b = NULL;
    cardc_error err;
    char in[256], ref[32];

    cardc_batch_options_init(&bo);
    bo.model_name = MODEL;
    bo.input_schema = e->in_schema;
    bo.output_schema = e->out_schema;
    bo.poll_first_ms = 10;
    bo.poll_max_ms = 40;
    bo.timeout_ms = 20000;
    if (max_bytes)
        bo.max_request_bytes = max_bytes;
    cardc_error_clear(&err);
    if (cardc_batch_new(&bo, &b, &err) != CARDC_OK) {
        CHECK_MSG(0, "cardc_batch_new: %s", err.message);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        input_json(i, in, sizeof in);
        snprintf(ref, sizeof ref, "ref-%zu", i);
        /* the last input goes without a reference: matched by its id */
        CHECK_MSG(cardc_batch_add_json(b, in, strlen(in), refs && i + 1 < n ? ref : NULL, &err) ==
                      CARDC_OK,
                  "add %zu: %s", i, err.message);
    }
    return b;
}

/* Every input i of b has its own output (or, for i == bad, not). */
static void check_outputs(cardc_batch *b, size_t n, long bad, const char *where)
{
    char want[256];
    cardc_error err;

    for (size_t i = 0; i < n; i++) {
        const char *json = NULL;
        size_t len = 0;
        cardc_status st = cardc_batch_output_json(b, i, &json, &len, &err);
        if ((long)i == bad)
            continue;
        want_description(i, want, sizeof want);
        CHECK_MSG(st == CARDC_OK && json && strstr(json, want) && len == strlen(json),
                  "%s: input %zu: %s %s (%s)", where, i, cardc_status_name(st),
                  json ? json : "(none)", err.message);
    }
}

/* ---- Cases --------------------------------------------------------------- */

/* Queued, running, done; answers in reverse order, matched by reference
 * and by id. */
static void test_batch_ok(env *e)
{
    char url[512];
    size_t largest = 0, polls = 0;
    cardc_client *c;
    cardc_batch *b;
    cardc_error err;
    bool done = true;

    mock_server_reset(e->srv, MOCK_OK);
    c = client_for(e, "ok", false, CARDC_BACKEND_WORKERS_AI, url, sizeof url);
    b = untyped_batch(e, 3, 0, true);
    if (!c || !b)
        goto out;
    CHECK(cardc_batch_count(b) == 3);
    CHECK(cardc_client_batch_submit(c, b, &err) == CARDC_OK);
    CHECK(mock_server_batches(e->srv, &largest, &polls) == 1 && polls == 0);
    /* by hand: queued, running, then the responses */
    CHECK(cardc_client_batch_poll(c, b, &done, &err) == CARDC_OK && !done);
    CHECK(cardc_batch_output_json(b, 0, &(const char *){NULL}, NULL, &err) == CARDC_E_USAGE);
    CHECK(cardc_client_batch_poll(c, b, &done, &err) == CARDC_OK && !done);
    CHECK_MSG(cardc_client_batch_poll(c, b, &done, &err) == CARDC_OK && done, "third poll: %s",
              err.message);
    mock_server_batches(e->srv, NULL, &polls);
    CHECK_MSG(polls == 3, "%zu polls", polls);
    check_outputs(b, 3, -1, "ok");
    CHECK_STR(cardc_batch_external_reference(b, 1), "ref-1");
    CHECK(cardc_batch_external_reference(b, 2) == NULL && !cardc_batch_external_reference(b, 9));
    /* done: waiting again returns at once, sending nothing */
    CHECK(cardc_client_batch_wait(c, b, &err) == CARDC_OK);
    mock_server_batches(e->srv, NULL, &polls);
    CHECK(polls == 3);
    check_server_clean(e, "batch ok");
out:
    cardc_batch_free(b);
    cardc_client_free(c);
}

/* The typed API: generated input structs in, output structs out. */
static void test_batch_typed(env *e)
{
    char url[512], want[256];
    cardc_batch_options bo;
    cardc_batch *b = NULL;
    cardc_client *c;
    cardc_error err;

    mock_server_reset(e->srv, MOCK_OK);
    c = client_for(e, "ok", false, CARDC_BACKEND_WORKERS_AI, url, sizeof url);
    cardc_batch_options_init(&bo);
    bo.model = &llava_1_5_7b_hf_model;
    bo.poll_first_ms = 5;
    bo.poll_max_ms = 20;
    CHECK(cardc_batch_new(&bo, &b, &err) == CARDC_OK);
    for (size_t i = 0; c && b && i < 2; i++) {
        llava_1_5_7b_hf_input in;
        char prompt[64], ref[16];
        static const uint8_t png[] = {137, 80, 78, 71};
        memset(&in, 0, sizeof in);
        in.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
        snprintf(prompt, sizeof prompt, "describe picture %zu", i);
        snprintf(ref, sizeof ref, "typed-%zu", i);
        in.u.object.has_prompt = true;
        cardc_string_set(&in.u.object.prompt, prompt, strlen(prompt), &err);
        in.u.object.image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
        cardc_numbers_set_bytes(&in.u.object.image.u.array, png, 4, &err);
        CHECK_MSG(cardc_batch_add(b, &in, ref, &err) == CARDC_OK, "typed add: %s", err.message);
        llava_1_5_7b_hf_input_free(&in);
    }
    if (c && b) {
        CHECK_MSG(cardc_client_batch_wait(c, b, &err) == CARDC_OK, "typed wait: %s", err.message);
        for (size_t i = 0; i < 2; i++) {
            llava_1_5_7b_hf_output out;
            memset(&out, 0, sizeof out);
            want_description(i, want, sizeof want);
            CHECK_MSG(cardc_batch_output(b, i, &out, &err) == CARDC_OK, "typed output: %s",
                      err.message);
            CHECK(out.has_description && strcmp(out.description.data, want) == 0);
            llava_1_5_7b_hf_output_free(&out);
        }
        check_server_clean(e, "typed");
    }
    cardc_batch_free(b);
    cardc_client_free(c);
}

/* The 10 MB limit: inputs packed into submissions under the limit, in
 * order; an input over it alone is refused before anything is sent. */
static void test_size_limit(env *e)
{
    char url[512], in[256];
    size_t one, largest = 0, n;
    cardc_client *c;
    cardc_batch *b;
    cardc_error err;

    input_json(0, in, sizeof in);
    /* an input as sent: + ,"external_reference":"ref-0" */
    one = strlen(in) + strlen(",\"external_reference\":\"ref-0\"");
    mock_server_reset(e->srv, MOCK_OK);
    c = client_for(e, "ok", false, CARDC_BACKEND_WORKERS_AI, url, sizeof url);
    /* room for two inputs per submission: 5 inputs, 3 submissions */
    b = untyped_batch(e, 5, 2 * one + 1 + 15 + 8, true);
    if (c && b) {
        CHECK_MSG(cardc_client_batch_wait(c, b, &err) == CARDC_OK, "split: %s", err.message);
        n = mock_server_batches(e->srv, &largest, NULL);
        CHECK_MSG(n == 3 && largest <= 2 * one + 1 + 15 + 8, "%zu submissions, largest %zu", n,
                  largest);
        check_outputs(b, 5, -1, "split");
        check_server_clean(e, "split");
    }
    cardc_batch_free(b);

    mock_server_reset(e->srv, MOCK_OK);
    b = untyped_batch(e, 2, one - 10, true);
    if (c && b) {
        CHECK(cardc_client_batch_wait(c, b, &err) == CARDC_E_TOO_LARGE);
        CHECK_MSG(strstr(err.message, "input 0") && strstr(err.message, "nothing was sent"), "%s",
                  err.message);
        CHECK(mock_server_requests(e->srv) == 0);
    }
    cardc_batch_free(b);
    cardc_client_free(c);
}

/* One scenario, three inputs through wait: the status, and the time it took. */
static cardc_status batch_case(env *e, const char *scenario, long timeout_ms, cardc_batch **out,
                               cardc_error *err, long *elapsed)
{
    char url[512];
    cardc_client *c;
    cardc_batch *b;
    cardc_status st = CARDC_E_CONFIG;
    long t0;

    *out = NULL;
    mock_server_reset(e->srv, MOCK_OK);
    c = client_for(e, scenario, false, CARDC_BACKEND_WORKERS_AI, url, sizeof url);
    b = untyped_batch(e, 3, 0, true);
    if (c && b) {
        if (timeout_ms)
            cardc_batch_free(b), b = NULL;
        if (timeout_ms) {
            cardc_batch_options bo;
            char in[256];
            cardc_batch_options_init(&bo);
            bo.model_name = MODEL;
            bo.output_schema = e->out_schema;
            bo.poll_first_ms = 10;
            bo.poll_max_ms = 40;
            bo.timeout_ms = timeout_ms;
            cardc_batch_new(&bo, &b, err);
            input_json(0, in, sizeof in);
            cardc_batch_add_json(b, in, strlen(in), NULL, err);
        }
        t0 = now_ms();
        st = cardc_client_batch_wait(c, b, err);
        if (elapsed)
            *elapsed = now_ms() - t0;
        check_no_secret(err, scenario);
    }
    cardc_client_free(c);
    *out = b;
    return st;
}

static void test_poll_faults(env *e)
{
    cardc_batch *b;
    cardc_error err;
    const char *json = NULL;
    long elapsed = 0;
    cardc_status st;

    st = batch_case(e, "batch-poll-500", 0, &b, &err, NULL);
    CHECK_MSG(st == CARDC_OK, "poll 500 then answered: %s %s", cardc_status_name(st), err.message);
    check_outputs(b, 3, -1, "poll-500");
    check_server_clean(e, "poll-500");
    cardc_batch_free(b);

    st = batch_case(e, "batch-poll-429", 0, &b, &err, &elapsed);
    CHECK_MSG(st == CARDC_OK, "poll 429 then answered: %s %s", cardc_status_name(st), err.message);
    CHECK_MSG(elapsed >= 900, "Retry-After: 1 honoured (%ld ms)", elapsed);
    check_outputs(b, 3, -1, "poll-429");
    cardc_batch_free(b);

    st = batch_case(e, "batch-malformed", 0, &b, &err, NULL);
    CHECK_MSG(st == CARDC_E_BACKEND && strstr(err.message, "malformed"), "malformed: %s %s",
              cardc_status_name(st), err.message);
    CHECK(cardc_batch_output_json(b, 0, &json, NULL, &err) == CARDC_E_USAGE);
    cardc_batch_free(b);

    st = batch_case(e, "batch-never", 300, &b, &err, &elapsed);
    CHECK_MSG(st == CARDC_E_TIMEOUT && strstr(err.message, "0 of 1 inputs answered") &&
                  strstr(err.message, "mock-batch-1"),
              "never: %s %s", cardc_status_name(st), err.message);
    CHECK_MSG(elapsed < 2000, "the timeout took %ld ms", elapsed);
    cardc_batch_free(b);
}

/* Failures of single inputs: the others keep their outputs. */
static void test_item_faults(env *e)
{
    cardc_batch *b;
    cardc_error err;
    const char *json = NULL;
    cardc_status st;

    st = batch_case(e, "batch-bad-output", 0, &b, &err, NULL);
    CHECK_MSG(st == CARDC_OK, "bad output: %s", err.message);
    st = cardc_batch_output_json(b, 0, &json, NULL, &err);
    CHECK_MSG(st == CARDC_E_INVALID && err.code == st && !json &&
                  strstr(err.message, "output broke the card's output schema") &&
                  strcmp(err.pointer, "/description") == 0,
              "bad output: %s %s at '%s'", cardc_status_name(st), err.message, err.pointer);
    check_outputs(b, 3, 0, "bad-output");
    check_server_clean(e, "bad-output");
    cardc_batch_free(b);

    /* input 0's reference lost (its id matches it), input 1's answer names an
     * unknown reference and no id: input 1 has no answer */
    st = batch_case(e, "batch-lost-ref", 0, &b, &err, NULL);
    CHECK_MSG(st == CARDC_OK, "lost ref: %s", err.message);
    st = cardc_batch_output_json(b, 1, &json, NULL, &err);
    CHECK_MSG(st == CARDC_E_BACKEND && strstr(err.message, "no response") &&
                  strstr(err.message, "ref-1") && strstr(err.message, "1 response named no input"),
              "lost ref: %s %s", cardc_status_name(st), err.message);
    check_outputs(b, 3, 1, "lost-ref");
    cardc_batch_free(b);

    st = batch_case(e, "batch-item-failed", 0, &b, &err, NULL);
    CHECK_MSG(st == CARDC_OK, "item failed: %s", err.message);
    st = cardc_batch_output_json(b, 1, &json, NULL, &err);
    CHECK_MSG(st == CARDC_E_BACKEND && strstr(err.message, "mock: the model failed"),
              "item failed: %s %s", cardc_status_name(st), err.message);
    check_outputs(b, 3, 1, "item-failed");
    cardc_batch_free(b);
}

/* What the API refuses before anything is sent. */
static void test_misuse(env *e)
{
    char url[512], in[256];
    cardc_batch_options bo;
    cardc_batch *b = NULL;
    cardc_client *c, *oa;
    cardc_error err;

    cardc_batch_options_init(&bo);
    CHECK(cardc_batch_new(&bo, &b, &err) == CARDC_E_USAGE && !b); /* no output schema */
    bo.output_schema = e->out_schema;
    CHECK(cardc_batch_new(&bo, &b, &err) == CARDC_E_USAGE && !b); /* no model name */
    bo.model_name = MODEL;
    bo.poll_max_ms = 1;
    CHECK(cardc_batch_new(&bo, &b, &err) == CARDC_E_CONFIG && !b);
    bo.poll_first_ms = 0; /* a wait that never grows */
    bo.poll_max_ms = 0;
    CHECK(cardc_batch_new(&bo, &b, &err) == CARDC_E_CONFIG && !b);
    bo.poll_first_ms = 10;
    bo.poll_max_ms = 100;
    bo.input_schema = e->in_schema;
    CHECK(cardc_batch_new(&bo, &b, &err) == CARDC_OK);
    mock_server_reset(e->srv, MOCK_OK);
    c = client_for(e, "ok", false, CARDC_BACKEND_WORKERS_AI, url, sizeof url);
    CHECK(cardc_client_batch_submit(c, b, &err) == CARDC_E_USAGE); /* empty */
    CHECK(cardc_batch_add_json(b, "{\"prompt\":\"p\"}", 14, NULL, &err) == CARDC_E_INVALID);
    CHECK(strstr(err.message, "input broke the card's input schema") != NULL);
    CHECK(cardc_batch_add_json(b, "[1]", 3, NULL, &err) == CARDC_E_USAGE);
    CHECK(cardc_batch_add_json(b, "{", 1, NULL, &err) == CARDC_E_JSON);
    CHECK(cardc_batch_add(b, "x", NULL, &err) == CARDC_E_USAGE); /* untyped batch */
    input_json(0, in, sizeof in);
    CHECK(cardc_batch_add_json(b, in, strlen(in), "same", &err) == CARDC_OK);
    CHECK(cardc_batch_add_json(b, in, strlen(in), "same", &err) == CARDC_E_USAGE);
    CHECK(cardc_batch_add_json(b, "{\"external_reference\":\"x\",\"image\":[1]}", 38, "y", &err) ==
          CARDC_E_USAGE);
    CHECK(cardc_batch_count(b) == 1);
    oa = NULL;
    {
        cardc_client_options o;
        cardc_client_options_init(&o);
        o.backend = CARDC_BACKEND_OPENAI;
        o.base_url = "http://127.0.0.1:9/v1";
        CHECK(cardc_client_new(&o, &oa, &err) == CARDC_OK);
        CHECK(cardc_client_batch_submit(oa, b, &err) == CARDC_E_CONFIG);
        cardc_client_free(oa);
    }
    CHECK(cardc_client_batch_poll(c, b, NULL, &err) == CARDC_E_USAGE); /* not submitted */
    CHECK(cardc_client_batch_submit(c, b, &err) == CARDC_OK);
    CHECK(cardc_batch_add_json(b, in, strlen(in), NULL, &err) == CARDC_E_USAGE); /* too late */
    CHECK(cardc_batch_output_json(b, 5, &(const char *){NULL}, NULL, &err) == CARDC_E_USAGE);
    CHECK(mock_server_requests(e->srv) == 1);
    check_server_clean(e, "misuse");
    cardc_batch_free(b);
    cardc_client_free(c);
}

/* ---- AI Gateway ------------------------------------------------------------ */

static void test_gateway(env *e)
{
    static const char *const wants[] = {
        "/s/ok/v1/" ACCOUNT "/" GATEWAY "/workers-ai/" MODEL,
        "/s/ok/v1/" ACCOUNT "/" GATEWAY "/workers-ai/v1/chat/completions",
    };
    cardc_backend backends[] = {CARDC_BACKEND_WORKERS_AI, CARDC_BACKEND_OPENAI};
    char url[512], path[512], json[256];
    cardc_run_request rq;
    cardc_error err;

    input_json(0, json, sizeof json);
    for (int k = 0; k < 2; k++) {
        cardc_client *c;
        char *out = NULL, *ct = NULL;
        size_t n = 0;
        int aig = 0;
        mock_server_reset(e->srv, MOCK_OK);
        c = client_for(e, "ok", true, backends[k], url, sizeof url);
        cardc_run_request_init(&rq);
        rq.model_name = MODEL;
        rq.task_type = "image-to-text";
        rq.input = json;
        rq.input_len = strlen(json);
        CHECK_MSG(cardc_client_run_json(c, &rq, &out, &n, &ct, &err) == CARDC_OK, "gateway %d: %s",
                  k, err.message);
        CHECK(out && strstr(out, MOCK_DESCRIPTION));
        mock_server_last_path(e->srv, path, sizeof path, &aig);
        CHECK_MSG(strcmp(path, wants[k]) == 0 && aig, "gateway %d: path %s, cf-aig %d", k, path,
                  aig);
        check_server_clean(e, "gateway");
        free(out);
        free(ct);
        cardc_client_free(c);
    }
    /* a wrong gateway token is refused, and never printed */
    {
        cardc_client_options o;
        cardc_client *c = NULL;
        char *out = NULL;
        size_t n = 0;
        cardc_client_options_init(&o);
        snprintf(url, sizeof url, "http://127.0.0.1:%u/v1", (unsigned)mock_server_port(e->srv));
        o.base_url = url;
        o.account_id = ACCOUNT;
        o.api_token = TOKEN;
        o.gateway = GATEWAY;
        o.gateway_token = "wrong-" GW_TOKEN;
        o.max_retries = 0;
        mock_server_reset(e->srv, MOCK_OK);
        CHECK(cardc_client_new(&o, &c, &err) == CARDC_OK);
        CHECK(cardc_client_run_json(c, &rq, &out, &n, NULL, &err) == CARDC_E_AUTH);
        check_no_secret(&err, "wrong gateway token");
        CHECK(!out);
        cardc_client_free(c);
    }
    /* a batch through the gateway */
    {
        cardc_client *c;
        cardc_batch *b;
        int aig = 0;
        mock_server_reset(e->srv, MOCK_OK);
        c = client_for(e, "ok", true, CARDC_BACKEND_WORKERS_AI, url, sizeof url);
        b = untyped_batch(e, 2, 0, true);
        CHECK_MSG(c && b && cardc_client_batch_wait(c, b, &err) == CARDC_OK, "gateway batch: %s",
                  err.message);
        check_outputs(b, 2, -1, "gateway batch");
        mock_server_last_path(e->srv, path, sizeof path, &aig);
        CHECK_MSG(strcmp(path, wants[0]) == 0 && aig, "gateway batch path %s", path);
        check_server_clean(e, "gateway batch");
        cardc_batch_free(b);
        cardc_client_free(c);
    }
    /* without a gateway, its credential is never sent (the server checks) */
    {
        cardc_client_options o;
        cardc_client *c = NULL;
        char *out = NULL;
        size_t n = 0;
        int aig = 1;
        cardc_client_options_init(&o);
        snprintf(url, sizeof url, "http://127.0.0.1:%u/client/v4",
                 (unsigned)mock_server_port(e->srv));
        o.base_url = url;
        o.account_id = ACCOUNT;
        o.api_token = TOKEN;
        o.gateway_token = GW_TOKEN;
        mock_server_reset(e->srv, MOCK_OK);
        CHECK(cardc_client_new(&o, &c, &err) == CARDC_OK);
        CHECK(cardc_client_run_json(c, &rq, &out, &n, NULL, &err) == CARDC_OK);
        mock_server_last_path(e->srv, path, sizeof path, &aig);
        CHECK(!aig);
        check_server_clean(e, "no gateway");
        free(out);
        cardc_client_free(c);
    }
}

static cardc_schema *side_schema(const cardc_card *card, cardc_side side)
{
    const struct json_object *doc = NULL;
    cardc_schema *s = NULL;
    cardc_error err;

    if (cardc_card_schema(card, side, &doc, &err) != CARDC_OK ||
        cardc_schema_compile(doc, NULL, &s, &err) != CARDC_OK)
        fprintf(stderr, "test_batch_e2e: the card's schema: %s\n", err.message);
    return s;
}

int main(int argc, char **argv)
{
    env e;
    mock_options mo;
    char errbuf[512], card_path[4096];
    cardc_card *card = NULL;
    cardc_error err;

    if (argc != 2) {
        fprintf(stderr, "usage: test_batch_e2e SOURCE_ROOT\n");
        return 2;
    }
    unsetenv("CLOUDFLARE_ACCOUNT_ID");
    unsetenv("CLOUDFLARE_API_TOKEN");
    unsetenv("CF_AIG_TOKEN");
    memset(&e, 0, sizeof e);
    snprintf(card_path, sizeof card_path, "%s/schemas/llava-1.5-7b-hf.md", argv[1]);
    if (cardc_card_load(card_path, NULL, &card, &err) != CARDC_OK) {
        fprintf(stderr, "test_batch_e2e: %s\n", err.message);
        return 1;
    }
    e.in_schema = side_schema(card, CARDC_SIDE_INPUT);
    e.out_schema = side_schema(card, CARDC_SIDE_OUTPUT);
    memset(&mo, 0, sizeof mo);
    mo.card_path = card_path;
    mo.account_id = ACCOUNT;
    mo.token = TOKEN;
    mo.gateway = GATEWAY;
    mo.gateway_token = GW_TOKEN;
    if (!e.in_schema || !e.out_schema || mock_server_start(&mo, &e.srv, errbuf, sizeof errbuf)) {
        fprintf(stderr, "test_batch_e2e: %s\n", errbuf);
        return 1;
    }
    test_batch_ok(&e);
    test_batch_typed(&e);
    test_size_limit(&e);
    test_poll_faults(&e);
    test_item_faults(&e);
    test_misuse(&e);
    test_gateway(&e);
    mock_server_stop(e.srv);
    cardc_schema_free(e.in_schema);
    cardc_schema_free(e.out_schema);
    cardc_card_free(card);
    return check_summary();
}
