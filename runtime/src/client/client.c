/* SPDX-License-Identifier: MIT */
/* client.c - cardc_client: options and environment, lifecycle, the untyped
 * call both backends share, and the typed glue generated NAME_run calls.
 * Transport is client_http.c; wire formats are client_workers.c and
 * client_openai.c. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "client/client_internal.h"
#include "common/errors_internal.h"

void cardc_client_options_init(cardc_client_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->backend = CARDC_BACKEND_WORKERS_AI;
    opts->connect_timeout_ms = 10000;
    opts->timeout_ms = 120000;
    opts->max_retries = 3;
    opts->retry_base_ms = 500;
    opts->retry_max_ms = 30000;
    opts->max_response_bytes = (size_t)64 << 20;
}

/* ---- Errors ---------------------------------------------------------------- */

static void replace_all(char *s, size_t size, const char *secret)
{
    static const char mark[] = "[redacted]";
    char tmp[CARDC_ERROR_MESSAGE_MAX];
    size_t n = strlen(secret), o = 0;
    const char *p = s;

    if (!strstr(s, secret))
        return;
    while (*p && o + 1 < sizeof tmp) {
        if (strncmp(p, secret, n) == 0) {
            for (size_t i = 0; mark[i] && o + 1 < sizeof tmp; i++)
                tmp[o++] = mark[i];
            p += n;
        } else {
            tmp[o++] = *p++;
        }
    }
    tmp[o] = '\0';
    snprintf(s, size, "%s", tmp);
}

void cardc__client_scrub(cardc_error *err, const char *secret)
{
    /* A 1-3 character "token" would redact ordinary words: such a token is
     * no secret worth hiding, and tokens are long. */
    if (!err || !secret || strlen(secret) < 4)
        return;
    replace_all(err->message, sizeof err->message, secret);
    replace_all(err->source, sizeof err->source, secret);
    replace_all(err->pointer, sizeof err->pointer, secret);
}

void cardc__error_prefix(cardc_error *err, const char *prefix)
{
    char tmp[CARDC_ERROR_MESSAGE_MAX];
    int n;

    if (!err)
        return;
    n = snprintf(tmp, sizeof tmp, "%s%s", prefix, err->message);
    if (n >= (int)sizeof tmp)
        memcpy(tmp + sizeof tmp - 4, "...", 4);
    memcpy(err->message, tmp, sizeof tmp);
}

/* Public entry points work on a local record and hand it over at the end:
 * the place where every message is scrubbed of the token, and where the
 * caller's "first error wins" record is respected. */
static cardc_status finish(const cardc_client *c, cardc_status st, cardc_error *local,
                           cardc_error *err)
{
    if (st == CARDC_OK)
        return st;
    if (local->code == CARDC_OK)
        cardc__error(local, st, "%s", cardc_status_string(st));
    if (c) {
        cardc__client_scrub(local, c->api_token);
        cardc__client_scrub(local, c->gateway_token);
    }
    if (err && err->code == CARDC_OK)
        *err = *local;
    return st;
}

cardc_status cardc__client_finish(const cardc_client *c, cardc_status st, cardc_error *local,
                                  cardc_error *err)
{
    return finish(c, st, local, err);
}

/* ---- Options --------------------------------------------------------------- */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static char *dup_or_null(const char *s, int *oom)
{
    char *d;
    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

static int is_http_url(const char *u)
{
    return strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0;
}

static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static cardc_status check_numbers(const cardc_client_options *o, cardc_error *err)
{
    if (o->connect_timeout_ms <= 0)
        return cardc__error(err, CARDC_E_CONFIG, "connect_timeout_ms must be positive (got %ld)",
                            o->connect_timeout_ms);
    if (o->timeout_ms <= 0)
        return cardc__error(err, CARDC_E_CONFIG, "timeout_ms must be positive (got %ld)",
                            o->timeout_ms);
    if (o->max_retries < 0 || o->max_retries > CARDC__MAX_RETRIES_CEILING)
        return cardc__error(err, CARDC_E_CONFIG, "max_retries must be 0..%d (got %d)",
                            CARDC__MAX_RETRIES_CEILING, o->max_retries);
    if (o->retry_base_ms < 0 || o->retry_max_ms < 0 || o->retry_base_ms > o->retry_max_ms)
        return cardc__error(err, CARDC_E_CONFIG,
                            "retry_base_ms and retry_max_ms must be >= 0 with "
                            "retry_base_ms <= retry_max_ms (got %ld and %ld)",
                            o->retry_base_ms, o->retry_max_ms);
    if (o->max_response_bytes == 0)
        return cardc__error(err, CARDC_E_CONFIG, "max_response_bytes must be positive");
    return CARDC_OK;
}

/* The endpoint options after their defaults: base URL, account and token
 * (borrowed from o or the environment). */
typedef struct endpoint {
    const char *base, *account, *token, *gateway, *gateway_token;
} endpoint;

static cardc_status resolve_cloudflare(const cardc_client_options *o, endpoint *ep,
                                       cardc_error *err)
{
    if (!ep->base)
        ep->base = ep->gateway ? CARDC__GATEWAY_DEFAULT_BASE : CARDC__WORKERS_AI_DEFAULT_BASE;
    if (!ep->account)
        ep->account = env("CLOUDFLARE_ACCOUNT_ID");
    if (!ep->account)
        return cardc__error(err, CARDC_E_CONFIG,
                            "no Workers AI account id: set the account_id option or "
                            "CLOUDFLARE_ACCOUNT_ID%s",
                            ep->gateway ? " (an AI Gateway URL names the account)" : "");
    if (!ep->token)
        ep->token = env("CLOUDFLARE_API_TOKEN");
    if (!ep->token)
        return cardc__error(err, CARDC_E_CONFIG,
                            "no Workers AI API token: set the api_token option or "
                            "CLOUDFLARE_API_TOKEN");
    if (ep->gateway) {
        if (has_ctl(ep->gateway) || strpbrk(ep->gateway, "/?#") || !*ep->gateway)
            return cardc__error(err, CARDC_E_CONFIG,
                                "the gateway id contains '/', '?', '#' or control characters");
        ep->gateway_token =
            o->gateway_token && *o->gateway_token ? o->gateway_token : env("CF_AIG_TOKEN");
        if (ep->gateway_token && has_ctl(ep->gateway_token))
            return cardc__error(err, CARDC_E_CONFIG,
                                "the gateway token contains control characters");
    }
    return CARDC_OK;
}

static cardc_status resolve_endpoint(const cardc_client_options *o, endpoint *ep, cardc_error *err)
{
    ep->base = o->base_url && *o->base_url ? o->base_url : NULL;
    ep->account = o->account_id && *o->account_id ? o->account_id : NULL;
    ep->token = o->api_token && *o->api_token ? o->api_token : NULL;
    ep->gateway = o->gateway && *o->gateway ? o->gateway : NULL;
    /* Through a gateway, the OpenAI-compatible route is Workers AI's own:
     * the same account and token. */
    if (o->backend == CARDC_BACKEND_WORKERS_AI || ep->gateway)
        return resolve_cloudflare(o, ep, err);
    ep->account = NULL; /* unused */
    if (!ep->base)
        ep->base = env("OPENAI_BASE_URL");
    if (!ep->base)
        return cardc__error(err, CARDC_E_CONFIG,
                            "no OpenAI-compatible base URL: set the base_url option or "
                            "OPENAI_BASE_URL (e.g. http://localhost:8000/v1)");
    if (!ep->token)
        ep->token = env("OPENAI_API_KEY"); /* optional: local servers need none */
    return CARDC_OK;
}

static cardc_status resolve(const cardc_client_options *o, cardc_client *c, cardc_error *err)
{
    endpoint ep;
    int oom = 0;
    cardc_status st;
    size_t n;

    if (o->backend != CARDC_BACKEND_WORKERS_AI && o->backend != CARDC_BACKEND_OPENAI)
        return cardc__error(err, CARDC_E_CONFIG,
                            "unknown backend %d (call cardc_client_options_init first)",
                            (int)o->backend);
    if ((st = check_numbers(o, err)) != CARDC_OK)
        return st;
    memset(&ep, 0, sizeof ep);
    if ((st = resolve_endpoint(o, &ep, err)) != CARDC_OK)
        return st;
    if (!is_http_url(ep.base) || has_ctl(ep.base))
        return cardc__error(err, CARDC_E_CONFIG,
                            "base URL must start with http:// or https:// (got \"%.200s\")",
                            ep.base);
    /* A header value cannot carry a line break: a token with one would
     * smuggle headers into every request. The token is not quoted. */
    if (ep.token && has_ctl(ep.token))
        return cardc__error(err, CARDC_E_CONFIG, "the API token contains control characters");
    if (ep.account && (has_ctl(ep.account) || strpbrk(ep.account, "/?#")))
        return cardc__error(err, CARDC_E_CONFIG,
                            "the account id contains '/', '?', '#' or control characters");
    if (o->model && has_ctl(o->model))
        return cardc__error(err, CARDC_E_CONFIG, "the model name contains control characters");

    c->backend = o->backend;
    c->base_url = dup_or_null(ep.base, &oom);
    if (c->base_url) {
        n = strlen(c->base_url);
        while (n > 0 && c->base_url[n - 1] == '/')
            c->base_url[--n] = '\0';
    }
    c->account_id = dup_or_null(ep.account, &oom);
    c->api_token = dup_or_null(ep.token, &oom);
    c->gateway = dup_or_null(ep.gateway, &oom);
    c->gateway_token = dup_or_null(ep.gateway_token, &oom);
    c->model = o->model && *o->model ? dup_or_null(o->model, &oom) : NULL;
    c->ca_file = o->ca_file && *o->ca_file ? dup_or_null(o->ca_file, &oom) : NULL;
    c->connect_timeout_ms = o->connect_timeout_ms;
    c->timeout_ms = o->timeout_ms;
    c->max_retries = o->max_retries;
    c->retry_base_ms = o->retry_base_ms;
    c->retry_max_ms = o->retry_max_ms;
    c->max_response_bytes = o->max_response_bytes;
    if (oom)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    return CARDC_OK;
}

static void wipe_free(char *secret)
{
    /* Not left behind in freed heap memory. */
    if (secret) {
        volatile char *p = secret;
        while (*p)
            *p++ = '\0';
    }
    free(secret);
}

static void client_release(cardc_client *c)
{
    free(c->base_url);
    free(c->account_id);
    wipe_free(c->api_token);
    wipe_free(c->gateway_token);
    free(c->gateway);
    free(c->model);
    free(c->ca_file);
    cardc__curl_close(&c->curl);
    free(c);
}

static cardc_status client_new_body(const cardc_client_options *opts, cardc_client **out,
                                    cardc_error *err)
{
    cardc_error e;
    cardc_client *c;
    cardc_status st;

    cardc_error_clear(&e);
    if (!out)
        return finish(NULL, cardc__error(&e, CARDC_E_USAGE, "cardc_client_new: out is NULL"), &e,
                      err);
    *out = NULL;
    if (!opts)
        return finish(NULL, cardc__error(&e, CARDC_E_USAGE, "cardc_client_new: opts is NULL"), &e,
                      err);
    c = calloc(1, sizeof *c);
    if (!c)
        return finish(NULL, cardc__error(&e, CARDC_E_NOMEM, "out of memory"), &e, err);
    if ((st = resolve(opts, c, &e)) != CARDC_OK) {
        /* The message may quote options, never the token: scrub anyway. */
        cardc__client_scrub(&e, opts->api_token);
        cardc__client_scrub(&e, opts->gateway_token);
        client_release(c);
        return finish(NULL, st, &e, err);
    }
    if ((st = cardc__curl_open(&c->curl, &e)) != CARDC_OK) {
        client_release(c);
        return finish(NULL, st, &e, err);
    }
    *out = c;
    return CARDC_OK;
}

cardc_status cardc_client_new(const cardc_client_options *opts, cardc_client **out,
                              cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, client_new_body(opts, out, err));
}

void cardc_client_free(cardc_client *client)
{
    if (!client)
        return;
    client_release(client);
}

/* ---- The untyped call -------------------------------------------------------- */

static int is_json_type(const char *ct, const char *body, size_t len)
{
    if (ct && *ct) {
        size_t n = strcspn(ct, ";");
        for (size_t i = 0; i + 4 <= n; i++)
            if (strncmp(ct + i, "json", 4) == 0)
                return 1;
        return 0;
    }
    /* No Content-Type: judge by the first character. */
    while (len > 0 && (*body == ' ' || *body == '\t' || *body == '\r' || *body == '\n')) {
        body++;
        len--;
    }
    return len > 0 && (*body == '{' || *body == '[');
}

/* Workers AI streams only when the input says "stream": true. */
static cardc_status with_stream_true(const char *input, size_t len, char **out, size_t *out_len,
                                     cardc_error *err)
{
    struct json_object *doc = NULL;
    cardc_status st = cardc_json_parse(input, len, "<input>", 0, &doc, err);

    if (st != CARDC_OK)
        return st;
    if (!json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        return cardc__error(err, CARDC_E_USAGE, "a streamed input must be a JSON object");
    }
    if (json_object_object_add(doc, "stream", json_object_new_boolean(1)) != 0) {
        json_object_put(doc);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    *out = cardc_json_dump(doc, 0);
    json_object_put(doc);
    if (!*out)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    *out_len = strlen(*out);
    return CARDC_OK;
}

typedef struct openai_stream {
    cardc_stream_fn fn;
    void *user;
    cardc_error e;
} openai_stream;

static int openai_event(void *user, const char *data, size_t len)
{
    openai_stream *s = user;
    char *out = NULL;
    size_t out_len = 0;
    int r;

    if (cardc__openai_chunk(data, len, &out, &out_len, &s->e) != CARDC_OK)
        return 1;
    if (!out)
        return 0;
    r = s->fn(s->user, out, out_len);
    free(out);
    return r;
}

static char *dup_mem(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, p, n);
        d[n] = '\0';
    }
    return d;
}

/* Retries are visible in the message: "(after 4 attempts)". */
static void append_attempts(cardc_error *e, int attempts)
{
    size_t n = strlen(e->message);
    if (n + 32 < sizeof e->message)
        snprintf(e->message + n, sizeof e->message - n, " (after %d attempts)", attempts);
}

/* One untyped call in flight: what the request borrows or owns, and the
 * answer (owned until handed to the caller). */
typedef struct run_call {
    cardc__http_request req;
    cardc__http_response resp;
    cardc__sse sse;
    openai_stream os;
    char *url, *body;
    size_t body_len;
    char *output, *content_type;
    size_t output_len;
} run_call;

static void run_call_free(run_call *k)
{
    cardc__http_response_free(&k->resp);
    cardc__sse_free(&k->sse);
    free(k->url);
    free(k->body);
    free(k->output);
    free(k->content_type);
}

static cardc_status prepare_workers(cardc_client *c, const cardc_run_request *rq, const char *name,
                                    run_call *k, cardc_error *e)
{
    cardc_status st;
    k->url = c->gateway ? cardc__gateway_url(c->base_url, c->account_id, c->gateway, name)
                        : cardc__workers_run_url(c->base_url, c->account_id, name);
    k->req.retryable = cardc__workers_retryable;
    k->req.content_type = rq->raw_body ? "application/octet-stream" : "application/json";
    k->req.body = rq->input;
    k->req.body_len = rq->input_len;
    if (!rq->stream)
        return CARDC_OK;
    if (!rq->raw_body) {
        if ((st = with_stream_true(rq->input, rq->input_len, &k->body, &k->body_len, e)) !=
            CARDC_OK)
            return st;
        k->req.body = k->body;
        k->req.body_len = k->body_len;
    }
    k->sse.fn = rq->stream;
    k->sse.user = rq->stream_user;
    return CARDC_OK;
}

static cardc_status prepare_openai(cardc_client *c, const cardc_run_request *rq, const char *name,
                                   run_call *k, cardc_error *e)
{
    cardc_status st;
    k->url = c->gateway ? cardc__gateway_url(c->base_url, c->account_id, c->gateway, NULL)
                        : cardc__openai_url(c->base_url);
    if ((st = cardc__openai_request(name, rq->input, rq->input_len, rq->raw_body,
                                    rq->stream != NULL, &k->body, &k->body_len, e)) != CARDC_OK)
        return st;
    k->req.content_type = "application/json";
    k->req.body = k->body;
    k->req.body_len = k->body_len;
    if (rq->stream) {
        k->os.fn = rq->stream;
        k->os.user = rq->stream_user;
        k->sse.fn = openai_event;
        k->sse.user = &k->os;
    }
    return CARDC_OK;
}

static cardc_status set_content_type(run_call *k, const char *ct, cardc_error *e)
{
    if (!(k->content_type = strdup(ct)))
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    return CARDC_OK;
}

/* A 2xx answer: an event stream already delivered, a JSON result to
 * unwrap, or the bytes of a binary output. */
static cardc_status read_success(cardc_client *c, const cardc_run_request *rq, run_call *k,
                                 cardc_error *e)
{
    cardc__http_response *r = &k->resp;
    cardc_status st;
    if (r->streamed) {
        if (k->os.e.code != CARDC_OK) {
            *e = k->os.e;
            return k->os.e.code;
        }
        if (!k->sse.done && !k->sse.stopped)
            return cardc__error(e, CARDC_E_NETWORK,
                                "the event stream ended before \"data: [DONE]\" (after %zu "
                                "events)",
                                k->sse.events);
        return set_content_type(k, "text/event-stream", e);
    }
    if (is_json_type(r->content_type, r->body ? r->body : "", r->len)) {
        st = c->backend == CARDC_BACKEND_WORKERS_AI
                 ? cardc__workers_unwrap(r->status, r->body, r->len, &k->output, &k->output_len, e)
                 : cardc__openai_answer(r->status, r->body, r->len, rq->task_type, &k->output,
                                        &k->output_len, e);
        return st != CARDC_OK ? st : set_content_type(k, "application/json", e);
    }
    if (c->backend == CARDC_BACKEND_OPENAI)
        return cardc__error(e, CARDC_E_BACKEND,
                            "the server answered %.100s where a chat completion (JSON) was "
                            "expected",
                            r->content_type ? r->content_type : "no Content-Type");
    /* A binary output (image/png, audio/mpeg): the bytes are the result. */
    k->output = r->body ? r->body : dup_mem("", 0);
    r->body = NULL;
    k->output_len = r->len;
    if (!k->output)
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    return set_content_type(k, r->content_type ? r->content_type : "application/octet-stream", e);
}

/* A failure status: its body explains it. */
static cardc_status read_failure(cardc_client *c, const cardc_run_request *rq, run_call *k,
                                 cardc_error *e)
{
    cardc__http_response *r = &k->resp;
    cardc_status st;
    if (c->backend == CARDC_BACKEND_OPENAI)
        st = cardc__openai_answer(r->status, r->body, r->len, rq->task_type, &k->output,
                                  &k->output_len, e);
    else if (is_json_type(r->content_type, r->body ? r->body : "", r->len))
        st = cardc__workers_unwrap(r->status, r->body, r->len, &k->output, &k->output_len, e);
    else
        st = cardc__workers_status_error(r->status, r->body, r->len, e);
    if (st == CARDC_OK) /* cannot happen for a failure status; never report success */
        st = cardc__error(e, CARDC_E_BACKEND, "HTTP %ld", r->status);
    if (r->attempts > 1 && e->code == st)
        append_attempts(e, r->attempts);
    return st;
}

static cardc_status send_call(cardc_client *c, const cardc_run_request *rq, run_call *k,
                              cardc_error *e)
{
    const char *name = c->model ? c->model : rq->model_name;
    cardc_status st;

    if (!name || !*name)
        return cardc__error(e, CARDC_E_USAGE, "no model name (set the model option)");
    if (has_ctl(name))
        return cardc__error(e, CARDC_E_USAGE, "the model name contains control characters");
    k->req.method = "POST";
    k->req.bearer = c->api_token != NULL;
    k->req.gateway_auth = c->gateway != NULL;
    st = c->backend == CARDC_BACKEND_WORKERS_AI ? prepare_workers(c, rq, name, k, e)
                                                : prepare_openai(c, rq, name, k, e);
    if (st != CARDC_OK)
        return st;
    if (!k->url)
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    k->req.url = k->url;
    if (rq->stream) {
        k->req.sse = &k->sse;
        k->req.accept = "text/event-stream, application/json";
        k->sse.max_event_bytes = c->max_response_bytes;
    }
    if ((st = cardc__http_send(c, &k->req, &k->resp, e)) != CARDC_OK)
        return st;
    if (k->resp.status >= 200 && k->resp.status < 300)
        return read_success(c, rq, k, e);
    return read_failure(c, rq, k, e);
}

/* Sends rq; on success hands the answer over (*content_type may be NULL,
 * content_type itself too), on failure leaves them NULL/0. */
static cardc_status run_json(cardc_client *c, const cardc_run_request *rq, char **output,
                             size_t *output_len, char **content_type, cardc_error *e)
{
    run_call k;
    cardc_status st;

    memset(&k, 0, sizeof k);
    cardc_error_clear(&k.os.e);
    st = send_call(c, rq, &k, e);
    if (st == CARDC_OK) {
        *output = k.output;
        *output_len = k.output_len;
        k.output = NULL;
        if (content_type) {
            *content_type = k.content_type;
            k.content_type = NULL;
        }
    }
    run_call_free(&k);
    return st;
}

void cardc_run_request_init(cardc_run_request *req)
{
    if (req)
        memset(req, 0, sizeof *req);
}

static cardc_status client_run_json_body(cardc_client *client, const cardc_run_request *req,
                                         char **output, size_t *output_len, char **content_type,
                                         cardc_error *err)
{
    cardc_run_request rq;
    cardc_error e;

    cardc_error_clear(&e);
    if (content_type)
        *content_type = NULL;
    if (output)
        *output = NULL;
    if (output_len)
        *output_len = 0;
    if (!client || !req || !output || !output_len || (!req->input && req->input_len > 0))
        return finish(client,
                      cardc__error(&e, CARDC_E_USAGE,
                                   "cardc_client_run_json: client, req, output and output_len "
                                   "must not be NULL"),
                      &e, err);
    rq = *req;
    if (!rq.input)
        rq.input = "";
    return finish(client, run_json(client, &rq, output, output_len, content_type, &e), &e, err);
}

cardc_status cardc_client_run_json(cardc_client *client, const cardc_run_request *req,
                                   char **output, size_t *output_len, char **content_type,
                                   cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(
        err, client_run_json_body(client, req, output, output_len, content_type, err));
}

/* ---- The typed call ---------------------------------------------------------- */

/* The top-level binary branch of an input union: its bytes are the body. */
static const cardc_bytes *raw_branch(const cardc_type *t, const void *value)
{
    const cardc_type *bt;
    int kind;

    if (t->kind != CARDC_KIND_UNION)
        return NULL;
    memcpy(&kind, value, sizeof kind);
    if (kind < 1 || (size_t)kind > t->branch_count)
        return NULL;
    bt = t->branches[kind - 1].type;
    if (!bt || bt->kind != CARDC_KIND_BYTES || (bt->flags & CARDC_TYPE_BYTE_ARRAY))
        return NULL;
    return (const cardc_bytes *)(const void *)((const char *)value + t->union_offset);
}

static cardc_status encode_input(const cardc_model *model, const void *input, char **json,
                                 size_t *len, const cardc_bytes **raw, cardc_error *e)
{
    const cardc_type *t = model->input.type;
    cardc_status st;

    *json = NULL;
    *len = 0;
    *raw = NULL;
    if (!t)
        return cardc__error(e, CARDC_E_NO_SCHEMA, "the model %s has no input schema",
                            model->name ? model->name : "(unnamed)");
    *raw = raw_branch(t, input);
    if (*raw) {
        int kind;
        const cardc_type *bt;
        memcpy(&kind, input, sizeof kind);
        bt = t->branches[kind - 1].type;
        /* The bytes travel as the body, never as a JSON string, so the
         * validator's "a binary string must be UTF-8" does not apply; any
         * constraint the branch does carry is still checked. */
        st = bt->check_count || (bt->flags & CARDC_TYPE_RESIDUAL)
                 ? cardc_bind_validate(t, input, NULL, e)
                 : CARDC_OK;
    } else
        st = cardc_bind_encode(t, input, json, len, e);
    if (st != CARDC_OK && e->code == st &&
        (st == CARDC_E_INVALID || st == CARDC_E_JSON || st == CARDC_E_UTF8))
        cardc__error_prefix(e, "input broke the card's input schema: ");
    return st;
}

static cardc_status fill_bytes(const cardc_type *t, void *out, const char *data, size_t len,
                               const char *ct, cardc_error *e)
{
    if (t->kind == CARDC_KIND_BYTES) {
        cardc_bind_free(t, out);
        return cardc_bytes_set(out, data, len, e);
    }
    if (t->kind == CARDC_KIND_UNION)
        for (size_t i = 0; i < t->branch_count; i++) {
            const cardc_type *bt = t->branches[i].type;
            int kind = (int)i + 1;
            if (!bt || bt->kind != CARDC_KIND_BYTES)
                continue;
            cardc_bind_free(t, out);
            memcpy(out, &kind, sizeof kind);
            return cardc_bytes_set((cardc_bytes *)(void *)((char *)out + t->union_offset), data,
                                   len, e);
        }
    return cardc__error(e, CARDC_E_BACKEND,
                        "the server answered %.100s, but the card's output is not binary", ct);
}

static cardc_status decode_output(const cardc_model *model, void *output, const char *json,
                                  size_t len, cardc_error *e)
{
    cardc_status st = cardc_bind_decode(model->output.type, output, json, len, NULL, e);

    if (st != CARDC_OK && e->code == st && st != CARDC_E_NOMEM)
        cardc__error_prefix(e, "output broke the card's output schema: ");
    return st;
}

/* What both typed runs do first: check the arguments (target, where the
 * answer goes, is given as whether it is there, since a function pointer is
 * no void *), validate and encode the input, and fill the request. */
typedef struct typed_call {
    cardc_run_request rq;
    char *json; /* the encoded input (heap), NULL for a raw binary body */
    bool raw;   /* the input's top-level binary branch is the body */
} typed_call;

static cardc_status typed_prologue(cardc_client *client, const cardc_model *model,
                                   const void *input, const char *target, bool has_target,
                                   typed_call *k, cardc_error *e)
{
    const cardc_bytes *raw = NULL;
    size_t len = 0;
    cardc_status st;

    memset(k, 0, sizeof *k);
    if (!client || !model || !input)
        return cardc__error(e, CARDC_E_USAGE, "client, model and input must not be NULL");
    if (!has_target)
        return cardc__error(e, CARDC_E_USAGE, "%s must not be NULL", target);
    if ((st = encode_input(model, input, &k->json, &len, &raw, e)) != CARDC_OK)
        return st;
    cardc_run_request_init(&k->rq);
    k->rq.model_name = model->name;
    k->rq.task_type = model->task_type;
    k->rq.input = raw ? (const char *)raw->data : k->json;
    k->rq.input_len = raw ? raw->len : len;
    k->rq.raw_body = k->raw = raw != NULL;
    return CARDC_OK;
}

static cardc_status client_run_body(cardc_client *client, const cardc_model *model,
                                    const void *input, void *output, cardc_error *err)
{
    cardc_error e;
    typed_call k;
    char *answer = NULL, *ct = NULL;
    size_t answer_len = 0;
    cardc_status st;

    cardc_error_clear(&e);
    if (client && model && input && output && !model->output.type)
        st = cardc__error(&e, CARDC_E_NO_SCHEMA, "the model %s has no output schema",
                          model->name ? model->name : "(unnamed)");
    else
        st = typed_prologue(client, model, input, "output", output != NULL, &k, &e);
    if (st != CARDC_OK)
        return finish(client, st, &e, err);
    st = run_json(client, &k.rq, &answer, &answer_len, &ct, &e);
    free(k.json);
    if (st == CARDC_OK) {
        if (is_json_type(ct, answer, answer_len))
            st = decode_output(model, output, answer, answer_len, &e);
        else
            st = fill_bytes(model->output.type, output, answer, answer_len, ct, &e);
    }
    free(answer);
    free(ct);
    return finish(client, st, &e, err);
}

cardc_status cardc_client_run(cardc_client *client, const cardc_model *model, const void *input,
                              void *output, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, client_run_body(client, model, input, output, err));
}

/* The server chose not to stream: the whole answer is one event, after the
 * same output validation a typed run does. */
static cardc_status unstreamed_answer(const cardc_model *model, const char *answer, size_t len,
                                      const char *ct, cardc_error *e)
{
    cardc_status st = CARDC_OK;
    void *tmp;

    if (!is_json_type(ct, answer, len))
        return cardc__error(e, CARDC_E_BACKEND, "the server answered %.100s to a stream request",
                            ct ? ct : "no Content-Type");
    if (!model->output.type)
        return CARDC_OK;
    tmp = calloc(1, model->output.size ? model->output.size : 1);
    if (!tmp)
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    st = decode_output(model, tmp, answer, len, e);
    cardc_bind_free(model->output.type, tmp);
    free(tmp);
    return st;
}

static cardc_status client_run_stream_body(cardc_client *client, const cardc_model *model,
                                           const void *input, cardc_stream_fn fn, void *user,
                                           cardc_error *err)
{
    cardc_error e;
    typed_call k;
    char *answer = NULL, *ct = NULL;
    size_t answer_len = 0;
    cardc_status st;

    cardc_error_clear(&e);
    if ((st = typed_prologue(client, model, input, "fn", fn != NULL, &k, &e)) != CARDC_OK)
        return finish(client, st, &e, err);
    if (k.raw)
        return finish(client,
                      cardc__error(&e, CARDC_E_USAGE,
                                   "a raw binary input cannot ask for a stream: use the object "
                                   "form"),
                      &e, err);
    k.rq.stream = fn;
    k.rq.stream_user = user;
    st = run_json(client, &k.rq, &answer, &answer_len, &ct, &e);
    free(k.json);
    if (st == CARDC_OK && answer &&
        (st = unstreamed_answer(model, answer, answer_len, ct, &e)) == CARDC_OK)
        fn(user, answer, answer_len);
    free(answer);
    free(ct);
    return finish(client, st, &e, err);
}

cardc_status cardc_client_run_stream(cardc_client *client, const cardc_model *model,
                                     const void *input, cardc_stream_fn fn, void *user,
                                     cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, client_run_stream_body(client, model, input, fn, user, err));
}

/* ---- Schema fetch ------------------------------------------------------------ */

static cardc_status build_card(const char *model, const char *result, size_t len, char **card,
                               cardc_error *e)
{
    struct json_object *doc = NULL, *in = NULL, *outs = NULL, *root, *schema;
    cardc_status st = cardc_json_parse(result, len, "<schema answer>", 0, &doc, e);

    if (st != CARDC_OK)
        return st;
    if (json_object_is_type(doc, json_type_object)) {
        json_object_object_get_ex(doc, "input", &in);
        json_object_object_get_ex(doc, "output", &outs);
    }
    if (!in && !outs) {
        json_object_put(doc);
        return cardc__error(e, CARDC_E_BACKEND,
                            "the schema answer for %s has neither an input nor an output schema",
                            model);
    }
    root = json_object_new_object();
    schema = json_object_new_object();
    if (!root || !schema) {
        json_object_put(root);
        json_object_put(schema);
        json_object_put(doc);
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    }
    json_object_object_add(root, "name", json_object_new_string(model));
    if (in)
        json_object_object_add(schema, "input", json_object_get(in));
    if (outs)
        json_object_object_add(schema, "output", json_object_get(outs));
    json_object_object_add(root, "schema", schema);
    *card = cardc_json_dump(root, 1);
    json_object_put(root);
    json_object_put(doc);
    if (!*card)
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    return CARDC_OK;
}

static cardc_status client_fetch_schema_body(cardc_client *client, const char *model_name,
                                             char **card_json, cardc_error *err)
{
    cardc_error e;
    cardc__http_request req;
    cardc__http_response resp;
    char *url = NULL, *result = NULL;
    size_t result_len = 0;
    cardc_status st;

    cardc_error_clear(&e);
    if (card_json)
        *card_json = NULL;
    if (!client || !model_name || !*model_name || !card_json)
        return finish(client,
                      cardc__error(&e, CARDC_E_USAGE,
                                   "client, model_name and card_json must not be NULL or empty"),
                      &e, err);
    if (client->backend != CARDC_BACKEND_WORKERS_AI || client->gateway)
        return finish(client,
                      cardc__error(&e, CARDC_E_CONFIG,
                                   "fetching a model's schema needs the Workers AI backend, "
                                   "without an AI Gateway (the schema endpoint is Cloudflare's "
                                   "API itself)"),
                      &e, err);
    if (has_ctl(model_name))
        return finish(client,
                      cardc__error(&e, CARDC_E_USAGE, "the model name contains control characters"),
                      &e, err);
    url = cardc__workers_schema_url(client->base_url, client->account_id, model_name);
    if (!url)
        return finish(client, cardc__error(&e, CARDC_E_NOMEM, "out of memory"), &e, err);
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    req.method = "GET";
    req.url = url;
    req.bearer = 1;
    req.accept = "application/json";
    req.retryable = cardc__workers_retryable;
    st = cardc__http_send(client, &req, &resp, &e);
    if (st == CARDC_OK) {
        if (resp.status >= 200 && resp.status < 300 &&
            !is_json_type(resp.content_type, resp.body ? resp.body : "", resp.len))
            st = cardc__error(&e, CARDC_E_BACKEND, "the schema answer is %.100s, not JSON",
                              resp.content_type ? resp.content_type : "untyped");
        else if (resp.status >= 300 &&
                 !is_json_type(resp.content_type, resp.body ? resp.body : "", resp.len))
            st = cardc__workers_status_error(resp.status, resp.body, resp.len, &e);
        else
            st = cardc__workers_unwrap(resp.status, resp.body, resp.len, &result, &result_len, &e);
    }
    if (st == CARDC_OK)
        st = build_card(model_name, result, result_len, card_json, &e);
    free(result);
    free(url);
    cardc__http_response_free(&resp);
    return finish(client, st, &e, err);
}

cardc_status cardc_client_fetch_schema(cardc_client *client, const char *model_name,
                                       char **card_json, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, client_fetch_schema_body(client, model_name, card_json, err));
}
