/* SPDX-License-Identifier: MIT */
/* mock_server.h - a test HTTP server speaking Cloudflare Workers AI's REST
 * API and OpenAI's chat completions, with fault injection, for the client's
 * end-to-end tests. Loopback only (127.0.0.1, an ephemeral port); one
 * thread per connection (libmicrohttpd's own threads).
 *
 * Routes (PREFIX is "" or "/s/SCENARIO", which selects the scenario of that
 * request instead of the server's default):
 *   POST PREFIX/client/v4/accounts/ACCOUNT/ai/run/MODEL   Workers AI run
 *   POST PREFIX/client/v4/accounts/ACCOUNT/ai/run/MODEL?queueRequest=true
 *        the Batch API: {"requests": [...]} -> {"status": "queued",
 *        "request_id": ...}; {"request_id": ...} -> queued, then running,
 *        then {"responses": [...]} (in reverse order, so answers must be
 *        matched to requests; each description names its request's prompt)
 *   GET  PREFIX/client/v4/accounts/ACCOUNT/ai/models/schema?model=MODEL
 *   POST PREFIX/v1/chat/completions                       OpenAI-compatible
 *   POST PREFIX/v1/ACCOUNT/GATEWAY/workers-ai/MODEL      AI Gateway, Workers AI
 *   POST PREFIX/v1/ACCOUNT/GATEWAY/workers-ai/v1/chat/completions
 *                                                         AI Gateway, OpenAI-compatible
 * So a client's base URL is http://127.0.0.1:PORT[/s/NAME]/client/v4 or
 * http://127.0.0.1:PORT[/s/NAME]/v1 (also the gateway's).
 *
 * Every request is checked (method, path, account, model, bearer token, body
 * against the card's input schema, the OpenAI image data URL); a failed check
 * is answered as the real server would (401, 400, 404...) and logged, so a
 * test asserts mock_server_check_failures() == 0 as well as its result.
 */
#ifndef CARDC_TESTS_MOCK_SERVER_H
#define CARDC_TESTS_MOCK_SERVER_H

#include <stddef.h>

/* X(enumerator, name, description) */
#define MOCK_SCENARIO_MAP(X)                                                                       \
    X(MOCK_OK, "ok", "answers every request")                                                      \
    X(MOCK_500_ONCE, "500-once", "500, then answers")                                              \
    X(MOCK_500_TWICE, "500-twice", "500 twice, then answers")                                      \
    X(MOCK_500_ALWAYS, "500-always", "500 every time")                                             \
    X(MOCK_429_RETRY_AFTER, "429-retry-after", "429 with Retry-After: 1, then answers")            \
    X(MOCK_SLOW, "slow", "answers after 5 s (or when the server stops)")                           \
    X(MOCK_TRUNCATED, "truncated", "Content-Length larger than sent, connection closed")           \
    X(MOCK_MALFORMED, "malformed", "200 with malformed JSON")                                      \
    X(MOCK_NOT_SUCCESS, "not-success", "200 with success: false and errors")                       \
    X(MOCK_429_3040, "429-3040", "429, code 3040 (out of capacity)")                               \
    X(MOCK_429_3036, "429-3036", "429, code 3036 (daily allocation used up)")                      \
    X(MOCK_413_3006, "413-3006", "413, code 3006 (request too large)")                             \
    X(MOCK_400_5007, "400-5007", "400, code 5007 (no such model)")                                 \
    X(MOCK_401, "401", "401 authentication error")                                                 \
    X(MOCK_401_ECHO, "401-echo", "401 whose message quotes the Authorization header")              \
    X(MOCK_403, "403", "403 forbidden")                                                            \
    X(MOCK_BAD_OUTPUT, "bad-output", "an output breaking the output schema")                       \
    X(MOCK_OVERSIZE, "oversize", "a 2 MiB answer with its Content-Length")                         \
    X(MOCK_OVERSIZE_CHUNKED, "oversize-chunked", "a 2 MiB answer, chunked")                        \
    X(MOCK_STREAM, "stream", "server-sent events ending with [DONE]")                              \
    X(MOCK_STREAM_CUT, "stream-cut", "server-sent events, connection cut after two")               \
    X(MOCK_BATCH_POLL_500, "batch-poll-500", "Batch API: the first poll gets 500")                 \
    X(MOCK_BATCH_POLL_429, "batch-poll-429", "Batch API: the first poll gets 429, Retry-After: 1") \
    X(MOCK_BATCH_MALFORMED, "batch-malformed", "Batch API: the finished answer is malformed")      \
    X(MOCK_BATCH_BAD_OUTPUT, "batch-bad-output",                                                   \
      "Batch API: the first request's output breaks the output schema")                            \
    X(MOCK_BATCH_LOST_REF, "batch-lost-ref",                                                       \
      "Batch API: the first response loses its external_reference (keeps its id), the "            \
      "second names an unknown one and has no id")                                                 \
    X(MOCK_BATCH_ITEM_FAILED, "batch-item-failed",                                                 \
      "Batch API: the second request's response has success: false")                               \
    X(MOCK_BATCH_NEVER, "batch-never", "Batch API: the batch stays queued")                        \
    X(MOCK_RESET, "reset", "connection reset (RST), no answer")                                    \
    X(MOCK_STALL, "stall", "answers after MOCK_STALL_MS (100 ms)")                                 \
    X(MOCK_STALL_LONG, "stall-long", "answers after MOCK_STALL_LONG_MS (1.5 s)")                   \
    X(MOCK_502_HTML, "502-html", "502 with an HTML body, as a proxy sends it")                     \
    X(MOCK_RANDOM, "random", "each request draws its fault (see mock_random_weight)")

typedef enum mock_scenario {
#define MOCK_X_(e, n, d) e,
    MOCK_SCENARIO_MAP(MOCK_X_)
#undef MOCK_X_
        MOCK_SCENARIO_COUNT
} mock_scenario;

/* The scenario named `name`, or -1. */
int mock_scenario_from_name(const char *name);
const char *mock_scenario_name(mock_scenario scenario);

/* The description every successful answer carries ({"description": ...} or
 * the chat completion's content); streams send it in pieces. */
#define MOCK_DESCRIPTION "A grey cat sits on a wooden table."
/* Events of the streamed answers, in order (the cut stream sends the first
 * MOCK_STREAM_CUT_AFTER). */
#define MOCK_STREAM_PIECES                               \
    {                                                    \
        "A grey", " cat sits", " on a", " wooden table." \
    }
#define MOCK_STREAM_PIECE_COUNT 4
#define MOCK_STREAM_CUT_AFTER   2
/* Size of the oversize answers. */
#define MOCK_OVERSIZE_BYTES (2u * 1024u * 1024u)
/* Longest wait of the slow scenario. */
#define MOCK_SLOW_MS 5000
/* Waits of the stall scenarios (cut short when the server stops). */
#define MOCK_STALL_MS      100
#define MOCK_STALL_LONG_MS 1500

/* How often (out of the sum of all weights) the random scenario gives a
 * request each scenario's answer, every request drawing anew from a
 * generator seeded by mock_options.seed: the faults a soak test needs
 * (connection resets, stalls, truncated answers, 5xx, 429, malformed and
 * schema-breaking answers), among answers that succeed. 0 for the
 * scenarios it never draws (streams, the oversize answers, auth errors). */
int mock_random_weight(mock_scenario scenario);
/* Larger batch submissions are refused with 413, code 3006 (Cloudflare's
 * documented limit). */
#define MOCK_BATCH_MAX_BYTES 10000000u

typedef struct mock_options {
    const char *card_path;    /* card whose input schema checks Workers AI bodies (required) */
    const char *account_id;   /* expected account (default "test-account") */
    const char *token;        /* expected bearer token; NULL: none required */
    const char *openai_model; /* expected OpenAI "model"; NULL: any non-empty string */
    mock_scenario scenario;   /* default scenario (MOCK_OK = 0) */
    const char *gateway;      /* expected AI Gateway id (default "test-gateway") */
    /* expected "cf-aig-authorization: Bearer TOKEN" on gateway routes; NULL:
     * none required. Sending it anywhere else is a failed check. */
    const char *gateway_token;
    unsigned seed; /* the random scenario's draws (0 means 1) */
} mock_options;

typedef struct mock_server mock_server;

/* Starts the server on 127.0.0.1, port 0. Returns 0, or -1 with a message in
 * errbuf. *out is released with mock_server_stop(). */
int mock_server_start(const mock_options *opts, mock_server **out, char *errbuf, size_t errsize);
/* Stops (wakes a slow answer first) and frees. NULL is accepted. */
void mock_server_stop(mock_server *server);
unsigned short mock_server_port(const mock_server *server);

/* Changes the default scenario and forgets the past requests (counts, log). */
void mock_server_reset(mock_server *server, mock_scenario scenario);

/* Requests received since the last reset. */
size_t mock_server_requests(const mock_server *server);
/* Connections open at the moment (a client that hung up may still hold one
 * while its answer is being made). */
size_t mock_server_connections(const mock_server *server);
/* Requests the random scenario gave `drawn`'s answer since the last reset. */
size_t mock_server_drawn(const mock_server *server, mock_scenario drawn);
/* Milliseconds between the first and the last request since the reset. */
long mock_server_span_ms(const mock_server *server);
/* Failed request checks since the reset; the first one's reason goes to buf. */
size_t mock_server_check_failures(const mock_server *server, char *buf, size_t size);
/* A copy of the last request's body (NUL-terminated, *len bytes before the
 * NUL; NULL when there was none) and its Content-Type ("" when absent), for a
 * test that inspects what was sent. The caller frees the copy. */
char *mock_server_last_body(const mock_server *server, size_t *len, char *content_type,
                            size_t ct_size);

/* The last request's path (without the query) and whether it carried a
 * cf-aig-authorization header. */
void mock_server_last_path(const mock_server *server, char *buf, size_t size, int *gateway_auth);

/* Batch API since the reset: submissions (*largest: the largest submitted
 * body, bytes) and polls answered. */
size_t mock_server_batches(const mock_server *server, size_t *largest, size_t *polls);

/* A 127.0.0.1 port nothing listens on (bound, then closed): connection
 * refused. Returns 0 on failure. */
unsigned short mock_closed_port(void);

#endif
