/* SPDX-License-Identifier: MIT */
/* cardc/client.h - a thin inference client over libcurl: Cloudflare Workers
 * AI's REST API and OpenAI-compatible chat servers (vLLM, llama.cpp's
 * llama-server, Ollama's /v1).
 *
 *     cardc_client *c;
 *     cardc_client_options o;
 *     cardc_client_options_init(&o);          // Workers AI, credentials from the environment
 *     if (cardc_client_new(&o, &c, &err) != CARDC_OK) ...;
 *     llava_1_5_7b_hf_run(c, &input, &output, &err);   // generated typed call
 *     cardc_client_free(c);
 *
 * The input is validated before it is sent and the output after it is
 * received: an output that breaks the card's output schema is an error
 * carrying the validator's message. Retries: connection errors, 429 (honouring
 * Retry-After) and 5xx, with exponential backoff and jitter, bounded; never
 * other 4xx. TLS verification is always on. The token never appears in
 * output, logs or error messages.
 *
 * Threads: a client may be used from several threads at once. What is shared
 * is read-only after cardc_client_new (options, credentials); every call uses
 * its own curl handle, buffers and retry state.
 */
#ifndef CARDC_CLIENT_H
#define CARDC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "cardc/export.h"
#include "cardc/bind.h"
#include "cardc/error.h"
#include "cardc/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cardc_backend {
    CARDC_BACKEND_WORKERS_AI = 1, /* POST {base}/accounts/{account}/ai/run/{model} */
    CARDC_BACKEND_OPENAI          /* POST {base}/chat/completions */
} cardc_backend;

typedef struct cardc_client_options {
    cardc_backend backend;
    /* Workers AI: default "https://api.cloudflare.com/client/v4".
     * OpenAI: default $OPENAI_BASE_URL (e.g. "http://localhost:8000/v1"). */
    const char *base_url;
    const char *account_id; /* Workers AI; default $CLOUDFLARE_ACCOUNT_ID */
    const char *
        api_token; /* default $CLOUDFLARE_API_TOKEN (Workers AI) or $OPENAI_API_KEY (OpenAI, optional) */
    const char *model;         /* model name sent to the server; default: the card's model name
                                   (OpenAI backend: e.g. "llava-hf/llava-1.5-7b-hf") */
    long connect_timeout_ms;   /* default 10,000 */
    long timeout_ms;           /* whole request, default 120,000 */
    int max_retries;           /* default 3 */
    long retry_base_ms;        /* first backoff, doubled each retry, with jitter; default 500 */
    long retry_max_ms;         /* backoff and Retry-After cap; default 30,000 */
    size_t max_response_bytes; /* default 64 MiB */
    const char *ca_file;       /* extra CA bundle (PEM); verification stays on */
    /* Cloudflare AI Gateway: the gateway's id (name). When set, requests go
     * through it, for either backend:
     *   Workers AI  POST {base}/{account}/{gateway}/workers-ai/{model}
     *   OpenAI      POST {base}/{account}/{gateway}/workers-ai/v1/chat/completions
     * with base_url defaulting to "https://gateway.ai.cloudflare.com/v1",
     * the account id and the Workers AI token required for both. */
    const char *gateway;
    /* An authenticated gateway's token, sent as "cf-aig-authorization:
     * Bearer TOKEN" (only with a gateway); default $CF_AIG_TOKEN. Never
     * printed, like api_token. */
    const char *gateway_token;
} cardc_client_options;

/* Fills opts with the defaults (Workers AI backend, everything else unset). */
CARDC_API void cardc_client_options_init(cardc_client_options *opts);

typedef struct cardc_client cardc_client;

/* Creates a client. Missing credentials (after the environment) are a
 * CARDC_E_CONFIG error naming the option and the variable. Ownership: copies
 * every string of opts; *out is the caller's, release with
 * cardc_client_free(). */
CARDC_API cardc_status cardc_client_new(const cardc_client_options *opts, cardc_client **out,
                                        cardc_error *err);
/* NULL is accepted. */
CARDC_API void cardc_client_free(cardc_client *client);

/* Called for each server-sent event of a streamed output, with the event's
 * data (for Workers AI text generation: {"response":"..."}); the stream ends
 * at "data: [DONE]". Return non-zero to stop the stream early. */
typedef int (*cardc_stream_fn)(void *user, const char *data, size_t len);

/* Runs `model` on a typed input (its generated input struct) and decodes the
 * answer into *output (its generated output struct, initialised or zeroed).
 * The input is validated (and encoded) first; the output is validated while
 * decoded. For the input's top-level binary branch the bytes are sent as the
 * raw request body. Returns CARDC_OK, a validation failure (CARDC_E_INVALID,
 * err says whether the input or the output broke its schema), or a backend
 * failure (CARDC_E_NETWORK, _TIMEOUT, _AUTH, _RATE_LIMIT, _QUOTA, _TOO_LARGE,
 * _UNKNOWN_MODEL, _BACKEND) with the server's message. Borrows everything. */
CARDC_API cardc_status cardc_client_run(cardc_client *client, const cardc_model *model,
                                        const void *input, void *output, cardc_error *err);

/* The same for a model whose output is text/event-stream: each event goes to
 * fn as it arrives. */
CARDC_API cardc_status cardc_client_run_stream(cardc_client *client, const cardc_model *model,
                                               const void *input, cardc_stream_fn fn, void *user,
                                               cardc_error *err);

/* An untyped request (cardc_client_run_json). Start from
 * cardc_run_request_init(): later members default to zero. */
typedef struct cardc_run_request {
    const char *model_name; /* the client's "model" option, when set, wins */
    /* "image-to-text", ...: how an OpenAI-compatible answer is mapped
     * (image-to-text: {"description": text}; otherwise {"response": text});
     * may be NULL. */
    const char *task_type;
    const char *input; /* JSON text, already validated by the caller */
    size_t input_len;
    bool raw_body;          /* send input as application/octet-stream instead of JSON */
    cardc_stream_fn stream; /* non-NULL: ask for an event stream, events go here */
    void *stream_user;
} cardc_run_request;

/* Fills req with the defaults (all zero). NULL is accepted. */
CARDC_API void cardc_run_request_init(cardc_run_request *req);

/* Untyped call for tools (the CLI): sends req->input for the named model
 * and returns the output: the unwrapped `result` as JSON text, or the raw
 * bytes of a binary output; *content_type says which.
 * Ownership: borrows client and req; *output and *content_type
 * (content_type may be NULL) are heap memory the caller frees with free(). */
CARDC_API cardc_status cardc_client_run_json(cardc_client *client, const cardc_run_request *req,
                                             char **output, size_t *output_len, char **content_type,
                                             cardc_error *err);

/* GET {base}/accounts/{account}/ai/models/schema?model=NAME (Workers AI):
 * the model's input and output schemas as a JSON card that cardc_card_load
 * and `cardc gen` read ({"name":..., "schema":{"input":...,"output":...}}).
 * Ownership: *card_json is heap memory the caller frees with free(). */
CARDC_API cardc_status cardc_client_fetch_schema(cardc_client *client, const char *model_name,
                                                 char **card_json, cardc_error *err);

/* ---- The Batch API (Workers AI's asynchronous queue) ----------------------
 *
 * Many inputs in one submission, answered later: POST .../ai/run/{model}
 * ?queueRequest=true with {"requests": [...]} returns a request_id; the
 * same endpoint with {"request_id": ...} says "queued" or "running" until
 * the responses[] arrive. Cards that support it say so with the
 * async_queue property (cardc_card_traits, cardc_model.async_queue).
 *
 *     cardc_batch_options bo;
 *     cardc_batch *b;
 *     cardc_batch_options_init(&bo);
 *     bo.model = &bge_m3_model;                 // typed: the generated descriptor
 *     cardc_batch_new(&bo, &b, &err);
 *     cardc_batch_add(b, &input1, "doc-1", &err); // ... one per input
 *     if (cardc_client_batch_wait(client, b, &err) == CARDC_OK)
 *         for (size_t i = 0; i < cardc_batch_count(b); i++)
 *             if (cardc_batch_output(b, i, &output, &err) == CARDC_OK) ...
 *     cardc_batch_free(b);
 *
 * Submission: the inputs are validated when added (against the model's
 * input type, or opts->input_schema). A batch whose body would pass
 * max_request_bytes (Cloudflare's limit: 10 MB) is split into several
 * submissions, each under it, in input order; a single input that alone
 * passes it is refused (CARDC_E_TOO_LARGE) before anything is sent.
 * Polling: the first wait is poll_first_ms, doubled each round (with
 * jitter) up to poll_max_ms; 429 (Retry-After honoured), 5xx and connection
 * errors are retried by the client as for cardc_client_run.
 * Collecting: each response is matched to its request by the
 * external_reference it carries, else by its "id" (the request's index in
 * its submission); only an answer whose responses carry neither is matched
 * by position. Every output is validated against the output schema (the
 * model's output type, or opts->output_schema): one that breaks it makes
 * that input's result CARDC_E_INVALID, a response with success false or no
 * response at all CARDC_E_BACKEND; the other inputs keep their outputs.
 *
 * Threads: a batch belongs to one thread at a time (the client it is sent
 * through may be shared). */

/* Cloudflare's documented limit of one Batch API submission. */
#define CARDC_BATCH_MAX_REQUEST_BYTES 10000000u

typedef struct cardc_batch_options {
    /* Typed: the generated model descriptor (NAME_model): inputs added with
     * cardc_batch_add are its input structs, outputs are checked by (and
     * decoded into) its output type. */
    const cardc_model *model;
    /* Untyped (tools): the model's name ("@cf/...": the client's "model"
     * option wins), and its compiled schemas, borrowed until
     * cardc_batch_free: inputs are validated against input_schema when it
     * is set, outputs against output_schema, which is required. */
    const char *model_name;
    const cardc_schema *input_schema;
    const cardc_schema *output_schema;
    size_t max_request_bytes; /* per submission; default CARDC_BATCH_MAX_REQUEST_BYTES */
    long poll_first_ms;       /* first wait before a poll (> 0); default 1,000 */
    long poll_max_ms;         /* longest wait between polls; default 60,000 */
    long timeout_ms;          /* cardc_client_batch_wait gives up after; default 24 h */
} cardc_batch_options;

/* Fills opts with the defaults. NULL is accepted. */
CARDC_API void cardc_batch_options_init(cardc_batch_options *opts);

typedef struct cardc_batch cardc_batch;

/* Creates an empty batch. CARDC_E_USAGE without a model or an output
 * schema (every output is validated), CARDC_E_NO_SCHEMA for a model with
 * no output type, CARDC_E_CONFIG for out-of-range numbers. Ownership:
 * borrows what opts points to (it must outlive the batch); *out is the
 * caller's, release with cardc_batch_free(). */
CARDC_API cardc_status cardc_batch_new(const cardc_batch_options *opts, cardc_batch **out,
                                       cardc_error *err);
/* NULL is accepted. */
CARDC_API void cardc_batch_free(cardc_batch *batch);

/* Adds one input, a generated input struct of opts->model (validated and
 * encoded; it must encode as a JSON object). external_reference, when not
 * NULL, travels with it and matches its answer; it must be unique in the
 * batch. Only before the batch is submitted. Ownership: copies both. */
CARDC_API cardc_status cardc_batch_add(cardc_batch *batch, const void *input,
                                       const char *external_reference, cardc_error *err);
/* The same for an input as JSON text (a JSON object), validated against the
 * model's input type or opts->input_schema. An input that already has an
 * "external_reference" member while external_reference is given is
 * CARDC_E_USAGE. */
CARDC_API cardc_status cardc_batch_add_json(cardc_batch *batch, const char *json, size_t len,
                                            const char *external_reference, cardc_error *err);
/* Inputs added. */
CARDC_API size_t cardc_batch_count(const cardc_batch *batch);

/* Submits the batch (Workers AI backend, through a gateway or not): one or
 * more POSTs, each answered with a request_id. Nothing to send is
 * CARDC_E_USAGE; a failed submission is the backend's status, and the batch
 * may be submitted again (parts already accepted are not sent twice). */
CARDC_API cardc_status cardc_client_batch_submit(cardc_client *client, cardc_batch *batch,
                                                 cardc_error *err);

/* Asks once for each submission still pending; collects (and validates)
 * the responses that arrived. *done (may be NULL) becomes true when every
 * input has its result. A failed poll (after the client's retries) is the
 * backend's status; polling again later goes on. */
CARDC_API cardc_status cardc_client_batch_poll(cardc_client *client, cardc_batch *batch, bool *done,
                                               cardc_error *err);

/* Submits (unless done already) and polls with exponential backoff until
 * every input has its result: CARDC_OK, even when some inputs failed (see
 * cardc_batch_output). CARDC_E_TIMEOUT after opts->timeout_ms (the batch
 * is kept: wait again to go on), or the first submission/poll failure. */
CARDC_API cardc_status cardc_client_batch_wait(cardc_client *client, cardc_batch *batch,
                                               cardc_error *err);

/* Input index's external_reference (borrowed), or NULL when it had none. */
CARDC_API const char *cardc_batch_external_reference(const cardc_batch *batch, size_t index);

/* Input index's result: CARDC_OK with its output, validated, as compact JSON
 * (*json borrowed from the batch, valid until cardc_batch_free; len may be
 * NULL), or that input's own failure, described in err: CARDC_E_INVALID
 * (the output broke the output schema), CARDC_E_BACKEND (the model failed
 * on it, or no response matched it), CARDC_E_USAGE (not collected yet, or
 * index out of range). */
CARDC_API cardc_status cardc_batch_output_json(const cardc_batch *batch, size_t index,
                                               const char **json, size_t *len, cardc_error *err);

/* Typed: decodes input index's output into *output (a generated output
 * struct of opts->model, initialised or zeroed; release it with its _free).
 * Failures as cardc_batch_output_json. */
CARDC_API cardc_status cardc_batch_output(const cardc_batch *batch, size_t index, void *output,
                                          cardc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_CLIENT_H */
