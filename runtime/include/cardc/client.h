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

#include "cardc/bind.h"
#include "cardc/error.h"

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
} cardc_client_options;

/* Fills opts with the defaults (Workers AI backend, everything else unset). */
void cardc_client_options_init(cardc_client_options *opts);

typedef struct cardc_client cardc_client;

/* Creates a client. Missing credentials (after the environment) are a
 * CARDC_E_CONFIG error naming the option and the variable. Ownership: copies
 * every string of opts; *out is the caller's, release with
 * cardc_client_free(). */
cardc_status cardc_client_new(const cardc_client_options *opts, cardc_client **out,
                              cardc_error *err);
/* NULL is accepted. */
void cardc_client_free(cardc_client *client);

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
cardc_status cardc_client_run(cardc_client *client, const cardc_model *model, const void *input,
                              void *output, cardc_error *err);

/* The same for a model whose output is text/event-stream: each event goes to
 * fn as it arrives. */
cardc_status cardc_client_run_stream(cardc_client *client, const cardc_model *model,
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
void cardc_run_request_init(cardc_run_request *req);

/* Untyped call for tools (the CLI): sends req->input for the named model
 * and returns the output: the unwrapped `result` as JSON text, or the raw
 * bytes of a binary output; *content_type says which.
 * Ownership: borrows client and req; *output and *content_type
 * (content_type may be NULL) are heap memory the caller frees with free(). */
cardc_status cardc_client_run_json(cardc_client *client, const cardc_run_request *req,
                                   char **output, size_t *output_len, char **content_type,
                                   cardc_error *err);

/* GET {base}/accounts/{account}/ai/models/schema?model=NAME (Workers AI):
 * the model's input and output schemas as a JSON card that cardc_card_load
 * and `cardc gen` read ({"name":..., "schema":{"input":...,"output":...}}).
 * Ownership: *card_json is heap memory the caller frees with free(). */
cardc_status cardc_client_fetch_schema(cardc_client *client, const char *model_name,
                                       char **card_json, cardc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_CLIENT_H */
