/* SPDX-License-Identifier: MIT */
/* client_internal.h - private pieces of cardc_client (client*.c), exposed
 * so tests/test_client.c can check them without a server. */
#ifndef CARDC_CLIENT_INTERNAL_H
#define CARDC_CLIENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cardc/client.h"
#include "client/curl_api.h"
#include "common/strbuf.h"

#define CARDC__WORKERS_AI_DEFAULT_BASE "https://api.cloudflare.com/client/v4"
#define CARDC__GATEWAY_DEFAULT_BASE    "https://gateway.ai.cloudflare.com/v1"
#define CARDC__MAX_RETRIES_CEILING     10

/* Read-only after cardc_client_new: that is what makes sharing a client
 * between threads safe. */
struct cardc_client {
    cardc_backend backend;
    char *base_url;      /* without a trailing '/' */
    char *account_id;    /* Workers AI, and any backend through a gateway */
    char *api_token;     /* NULL: no Authorization header (OpenAI backend only) */
    char *gateway;       /* AI Gateway id, or NULL */
    char *gateway_token; /* cf-aig-authorization, or NULL */
    char *model;         /* NULL: the card's model name */
    long connect_timeout_ms;
    long timeout_ms;
    int max_retries;
    long retry_base_ms;
    long retry_max_ms;
    size_t max_response_bytes;
    char *ca_file;
    curl_api curl; /* libcurl, loaded for this client */
};

/* ---- client.c ------------------------------------------------------------ */

/* Replaces every occurrence of secret in err->message, err->source and
 * err->pointer by "[redacted]": the last line of defence that keeps a token
 * a server echoed (or any other path) out of what callers print. */
void cardc__client_scrub(cardc_error *err, const char *secret);

/* How public entry points hand their local record over: the token (and the
 * gateway's) scrubbed from it, the caller's record filled on failure. c may
 * be NULL. Returns st. */
cardc_status cardc__client_finish(const cardc_client *c, cardc_status st, cardc_error *local,
                                  cardc_error *err);

/* Prepends prefix to err->message (truncating its end if needed). */
void cardc__error_prefix(cardc_error *err, const char *prefix);

/* ---- client_base64.c ------------------------------------------------------ */

/* Standard base64 with padding (RFC 4648 section 4), appended to b. */
void cardc__base64_append(strbuf *b, const uint8_t *data, size_t len);

/* ---- client_sse.c --------------------------------------------------------- */

/* Called with each event's data (lines joined by '\n'), NUL-terminated.
 * Returns non-zero to stop the stream. */
typedef int (*cardc__sse_event_fn)(void *user, const char *data, size_t len);

/* A text/event-stream parser fed arbitrary chunks (zero-initialise, then set
 * fn/user). Follows the WHATWG rules that matter here: lines end in LF, CRLF
 * or CR; ':' starts a comment; "data" lines accumulate; a blank line
 * dispatches; other fields are ignored. "[DONE]" ends the stream. */
typedef struct cardc__sse {
    cardc__sse_event_fn fn;
    void *user;
    size_t max_event_bytes; /* 0: no limit of its own */
    strbuf line;
    strbuf data;
    int has_data;
    int last_cr; /* the previous chunk ended in CR: a following LF is no new line */
    int done;    /* saw data: [DONE] */
    int stopped; /* fn asked to stop */
    int too_large;
    size_t events; /* delivered */
} cardc__sse;

/* Returns 0 to go on, 1 when the stream is over ([DONE] or stopped), -1 on
 * an allocation failure or an event over max_event_bytes (too_large). */
int cardc__sse_feed(cardc__sse *p, const char *buf, size_t len);
void cardc__sse_free(cardc__sse *p);

/* ---- client_http.c -------------------------------------------------------- */

typedef struct cardc__http_request {
    /* Also send "cf-aig-authorization: Bearer client->gateway_token" (when
     * the client has one): requests that go through the gateway. */
    int gateway_auth;
    const char *method; /* "GET" or "POST" */
    const char *url;
    const char *content_type; /* of body; NULL for GET */
    const char *body;
    size_t body_len;
    const char *accept; /* NULL: none */
    int bearer;         /* send Authorization: Bearer client->api_token */
    /* Streaming: a 2xx text/event-stream answer goes to sse as it arrives
     * and is not kept in the response body. NULL: buffer everything. */
    cardc__sse *sse;
    /* Backend's word on whether a failed answer is worth retrying (429 and
     * 5xx are, unless this says no: a used-up quota will not come back in
     * seconds). NULL: retry them all. */
    int (*retryable)(long status, const char *body, size_t len);
} cardc__http_request;

typedef struct cardc__http_response {
    long status;
    char *body; /* heap, NUL-terminated; NULL when empty or streamed */
    size_t len;
    char *content_type; /* heap or NULL */
    int streamed;       /* the body went to the SSE parser */
    int attempts;       /* requests sent */
} cardc__http_response;

/* Sends the request, retrying connection errors, connect timeouts, 429 and
 * 5xx (at most client->max_retries times, backoff as below). Returns CARDC_OK
 * with the last answer whatever its HTTP status (the backend maps it), or
 * CARDC_E_NETWORK / _TIMEOUT / _TOO_LARGE / _NOMEM / _CONFIG. */
cardc_status cardc__http_send(const cardc_client *c, const cardc__http_request *req,
                              cardc__http_response *resp, cardc_error *err);
void cardc__http_response_free(cardc__http_response *resp);

/* Sleeps ms milliseconds (through signals). */
void cardc__sleep_ms(long ms);

/* Backoff before retry number `attempt` (0 = first retry): base * 2^attempt
 * capped at cap, with "equal jitter": a uniform draw from [d/2, d]. A
 * Retry-After (retry_after_ms >= 0) replaces it, capped at cap too.
 * *rng is the caller's xorshift state (never 0). */
long cardc__backoff_ms(long base_ms, long cap_ms, int attempt, long retry_after_ms, uint64_t *rng);

/* Retry-After value (delta-seconds or an HTTP date) in milliseconds from
 * now_s (seconds since the epoch); -1 when unparseable. */
long cardc__parse_retry_after(const curl_api *curl, const char *value, long long now_s);

/* ---- client_workers.c ----------------------------------------------------- */

/* {base}/accounts/{account}/ai/run/{model}: the model's '/' and '@' kept
 * (Cloudflare's paths take the name unescaped), anything unsafe in a path
 * percent-encoded. Heap, NULL when out of memory. */
char *cardc__workers_run_url(const char *base, const char *account, const char *model);
/* Through an AI Gateway: {base}/{account}/{gateway}/workers-ai/{model}, or
 * with model NULL the OpenAI-compatible .../workers-ai/v1/chat/completions. */
char *cardc__gateway_url(const char *base, const char *account, const char *gateway,
                         const char *model);
/* {base}/accounts/{account}/ai/models/schema?model=MODEL (query-encoded). */
char *cardc__workers_schema_url(const char *base, const char *account, const char *model);

/* Unwraps a Workers AI JSON answer: on HTTP 2xx with success true, *result
 * gets `result` as compact JSON text (heap). Otherwise maps the status and
 * the envelope's error codes to a cardc status whose message keeps the
 * server's: 429+3036 QUOTA, 429 RATE_LIMIT, 413/3006 TOO_LARGE, 5007/3042
 * UNKNOWN_MODEL, 401/403 AUTH, 408 TIMEOUT, anything else BACKEND. */
cardc_status cardc__workers_unwrap(long status, const char *body, size_t len, char **result,
                                   size_t *result_len, cardc_error *err);
/* A failed answer without a usable envelope (binary, HTML from a proxy):
 * the status alone decides, the body's start is quoted. */
cardc_status cardc__workers_status_error(long status, const char *body, size_t len,
                                         cardc_error *err);
/* 429 with code 3036 (daily quota used up) is not worth retrying. */
int cardc__workers_retryable(long status, const char *body, size_t len);

/* ---- client_openai.c ------------------------------------------------------ */

char *cardc__openai_url(const char *base);

/* The MIME type of an image from its first bytes: image/png, image/jpeg,
 * image/gif, image/webp, else application/octet-stream. Static string. */
const char *cardc__mime_sniff(const uint8_t *data, size_t len);

/* Builds a chat-completions request from a LLaVA-style (or text-generation)
 * input: `prompt` or `messages`, `image` (array of 0..255 or a binary
 * string) as a base64 data URL in the last user message, `temperature`,
 * `max_tokens` (and top_p, seed, frequency/presence_penalty) passed
 * through. raw_body: input[0..len) is the image itself. Heap JSON text. */
cardc_status cardc__openai_request(const char *model, const char *input, size_t len, int raw_body,
                                   int stream, char **body, size_t *body_len, cardc_error *err);
/* The answer's choices[0].message.content as {"description": text} when
 * task_type is "image-to-text", else {"response": text}. Error statuses are
 * mapped like Workers AI's, with the server's error message. */
cardc_status cardc__openai_answer(long status, const char *body, size_t len, const char *task_type,
                                  char **out, size_t *out_len, cardc_error *err);
/* One streamed chunk's choices[0].delta.content as {"response": text} in
 * *out (heap); *out NULL when the chunk carries no text. */
cardc_status cardc__openai_chunk(const char *data, size_t len, char **out, size_t *out_len,
                                 cardc_error *err);

/* Common mapping of an HTTP failure status (both backends). */
cardc_status cardc__status_code(long status);

#endif
