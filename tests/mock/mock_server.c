/* SPDX-License-Identifier: MIT */
/* mock_server.c - the test server of mock_server.h on libmicrohttpd. */
#include "mock_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cardc/card.h"
#include "cardc/json.h"
#include "cardc/schema.h"

/* Larger request bodies are refused with 413: a runaway client must not
 * exhaust the test machine. */
#define MAX_REQUEST_BYTES ((size_t)64 * 1024 * 1024)

static const struct {
    const char *name;
} scenario_names[] = {
#define MOCK_X_(e, n, d) {n},
    MOCK_SCENARIO_MAP(MOCK_X_)
#undef MOCK_X_
};

int mock_scenario_from_name(const char *name)
{
    for (int i = 0; i < MOCK_SCENARIO_COUNT; i++)
        if (strcmp(scenario_names[i].name, name) == 0)
            return i;
    return -1;
}

const char *mock_scenario_name(mock_scenario scenario)
{
    return (unsigned)scenario < MOCK_SCENARIO_COUNT ? scenario_names[scenario].name : "?";
}

int mock_random_weight(mock_scenario sc)
{
    switch (sc) {
    case MOCK_OK: return 56;
    case MOCK_500_ALWAYS: return 6;
    case MOCK_502_HTML: return 3;
    case MOCK_429_RETRY_AFTER: return 4;
    case MOCK_429_3040: return 3;
    case MOCK_RESET: return 8;
    case MOCK_TRUNCATED: return 6;
    case MOCK_STALL: return 4;
    case MOCK_STALL_LONG: return 2;
    case MOCK_MALFORMED: return 3;
    case MOCK_NOT_SUCCESS: return 2;
    case MOCK_BAD_OUTPUT: return 3;
    default: return 0;
    }
}

/* A body sent by a content-reader callback, to cut it short (truncated and
 * cut-stream answers) or send it chunked. */
typedef struct body_reader {
    char *data;
    size_t len;
    bool by_event;    /* one server-sent event per write (data is NUL-terminated) */
    bool fail_at_end; /* close the connection instead of ending cleanly */
} body_reader;

static char *dup_or(const char *s, const char *dflt)
{
    const char *v = s ? s : dflt;
    return v ? strdup(v) : NULL;
}

void note_failure(mock_server *s, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&s->lock);
    if (s->check_failures++ == 0) {
        va_start(ap, fmt);
        vsnprintf(s->first_failure, sizeof s->first_failure, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&s->lock);
}

/* ---- Responses -------------------------------------------------------- */

enum MHD_Result send_owned(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                           const char *content_type, const char *retry_after)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (retry_after)
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry_after);
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_object *doc,
                          const char *retry_after)
{
    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
    char *copy = strdup(text);

    json_object_put(doc);
    if (!copy)
        return MHD_NO;
    return send_owned(c, status, copy, strlen(copy), "application/json", retry_after);
}

/* The Cloudflare v4 envelope of a failure. */
enum MHD_Result send_cf_error(struct MHD_Connection *c, unsigned status, int code,
                              const char *message, const char *retry_after)
{
    json_object *doc = json_object_new_object(), *errors = json_object_new_array(),
                *e = json_object_new_object();

    json_object_object_add(e, "code", json_object_new_int(code));
    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_array_add(errors, e);
    json_object_object_add(doc, "result", NULL);
    json_object_object_add(doc, "success", json_object_new_boolean(0));
    json_object_object_add(doc, "errors", errors);
    json_object_object_add(doc, "messages", json_object_new_array());
    return send_json(c, status, doc, retry_after);
}

/* OpenAI's error body ({"error": {...}}), as vLLM and llama-server send it. */
static enum MHD_Result send_openai_error(struct MHD_Connection *c, unsigned status,
                                         const char *type, const char *message,
                                         const char *retry_after)
{
    json_object *doc = json_object_new_object(), *e = json_object_new_object();

    json_object_object_add(e, "message", json_object_new_string(message));
    json_object_object_add(e, "type", json_object_new_string(type));
    json_object_object_add(e, "code", json_object_new_int((int)status));
    json_object_object_add(doc, "error", e);
    return send_json(c, status, doc, retry_after);
}

static ssize_t reader_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    body_reader *b = cls;
    size_t n;

    if (pos >= b->len)
        return b->fail_at_end ? MHD_CONTENT_READER_END_WITH_ERROR
                              : MHD_CONTENT_READER_END_OF_STREAM;
    n = b->len - (size_t)pos;
    if (n > max)
        n = max;
    if (b->by_event) {
        const char *end = strstr(b->data + pos, "\n\n");

        if (end && (size_t)(end + 2 - (b->data + pos)) < n)
            n = (size_t)(end + 2 - (b->data + pos));
    }
    memcpy(buf, b->data + pos, n);
    if (b->by_event) {
        /* Lets each event reach the client as its own read. */
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return (ssize_t)n;
}

static void reader_free(void *cls)
{
    body_reader *b = cls;

    free(b->data);
    free(b);
}

/* Sends data (owned) through a reader: declared_len is the Content-Length
 * (MHD_SIZE_UNKNOWN: chunked); fail_at_end closes the connection after the
 * data instead of finishing the response. */
static enum MHD_Result send_reader(struct MHD_Connection *c, char *data, size_t len,
                                   uint64_t declared_len, bool by_event, bool fail_at_end,
                                   const char *content_type)
{
    body_reader *b = calloc(1, sizeof *b);
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!b) {
        free(data);
        return MHD_NO;
    }
    b->data = data;
    b->len = len;
    b->by_event = by_event;
    b->fail_at_end = fail_at_end;
    r = MHD_create_response_from_callback(declared_len, 4096, reader_cb, b, reader_free);
    if (!r) {
        reader_free(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- Answers ---------------------------------------------------------- */

json_object *workers_ai_answer(json_object *result)
{
    json_object *doc = json_object_new_object();

    json_object_object_add(doc, "result", result);
    json_object_object_add(doc, "success", json_object_new_boolean(1));
    json_object_object_add(doc, "errors", json_object_new_array());
    json_object_object_add(doc, "messages", json_object_new_array());
    return doc;
}

static json_object *openai_answer(const char *model, json_object *content)
{
    json_object *doc = json_object_new_object(), *choices = json_object_new_array(),
                *choice = json_object_new_object(), *msg = json_object_new_object(),
                *usage = json_object_new_object();

    json_object_object_add(msg, "role", json_object_new_string("assistant"));
    json_object_object_add(msg, "content", content);
    json_object_object_add(choice, "index", json_object_new_int(0));
    json_object_object_add(choice, "message", msg);
    json_object_object_add(choice, "finish_reason", json_object_new_string("stop"));
    json_object_array_add(choices, choice);
    json_object_object_add(doc, "id", json_object_new_string("chatcmpl-mock"));
    json_object_object_add(doc, "object", json_object_new_string("chat.completion"));
    json_object_object_add(doc, "created", json_object_new_int(1700000000));
    json_object_object_add(doc, "model", json_object_new_string(model));
    json_object_object_add(doc, "choices", choices);
    json_object_object_add(usage, "prompt_tokens", json_object_new_int(600));
    json_object_object_add(usage, "completion_tokens", json_object_new_int(10));
    json_object_object_add(usage, "total_tokens", json_object_new_int(610));
    json_object_object_add(doc, "usage", usage);
    return doc;
}

/* The SSE text of a streamed answer: every piece (or the first
 * MOCK_STREAM_CUT_AFTER), then "data: [DONE]" unless cut. */
static char *sse_text(bool openai, bool cut, size_t *len)
{
    static const char *const pieces[] = MOCK_STREAM_PIECES;
    size_t n = cut ? MOCK_STREAM_CUT_AFTER : MOCK_STREAM_PIECE_COUNT, cap = 4096, used = 0;
    char *out = malloc(cap);

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_object *ev = json_object_new_object();

        if (openai) {
            json_object *choices = json_object_new_array(), *choice = json_object_new_object(),
                        *delta = json_object_new_object();

            json_object_object_add(delta, "content", json_object_new_string(pieces[i]));
            json_object_object_add(choice, "index", json_object_new_int(0));
            json_object_object_add(choice, "delta", delta);
            json_object_array_add(choices, choice);
            json_object_object_add(ev, "id", json_object_new_string("chatcmpl-mock"));
            json_object_object_add(ev, "object", json_object_new_string("chat.completion.chunk"));
            json_object_object_add(ev, "choices", choices);
        } else {
            json_object_object_add(ev, "response", json_object_new_string(pieces[i]));
        }
        used += (size_t)snprintf(out + used, cap - used, "data: %s\n\n",
                                 json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
        json_object_put(ev);
    }
    if (!cut)
        used += (size_t)snprintf(out + used, cap - used, "data: [DONE]\n\n");
    *len = used;
    return out;
}

/* A body of about MOCK_OVERSIZE_BYTES that is otherwise a valid answer. */
static char *oversize_text(bool openai, size_t *len)
{
    static const char head_cf[] = "{\"result\":{\"description\":\"";
    static const char tail_cf[] = "\"},\"success\":true,\"errors\":[],\"messages\":[]}";
    static const char head_oa[] =
        "{\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":"
        "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
    static const char tail_oa[] = "\"},\"finish_reason\":\"stop\"}]}";
    const char *head = openai ? head_oa : head_cf, *tail = openai ? tail_oa : tail_cf;
    size_t hl = strlen(head), tl = strlen(tail), n = MOCK_OVERSIZE_BYTES;
    char *out = malloc(hl + n + tl + 1);

    if (!out)
        return NULL;
    memcpy(out, head, hl);
    memset(out + hl, 'x', n);
    memcpy(out + hl + n, tail, tl + 1);
    *len = hl + n + tl;
    return out;
}

/* ---- Request checks --------------------------------------------------- */

bool check_token(mock_server *s, struct MHD_Connection *c)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");

    if (!s->token)
        return true;
    if (!auth) {
        note_failure(s, "no Authorization header");
        return false;
    }
    if (strncmp(auth, "Bearer ", 7) != 0 || strcmp(auth + 7, s->token) != 0) {
        /* The received value is not logged: it may be the real token. */
        note_failure(s, "Authorization is not \"Bearer\" and the expected token");
        return false;
    }
    return true;
}

static int b64_value(unsigned char ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Strict base64 (padding required): the decoded bytes, or NULL. */
static unsigned char *b64_decode(const char *in, size_t len, size_t *out_len)
{
    unsigned char *out;
    size_t o = 0;

    if (len == 0 || len % 4 != 0)
        return NULL;
    if (!(out = malloc(len / 4 * 3)))
        return NULL;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;

        for (int k = 0; k < 4; k++) {
            unsigned char ch = (unsigned char)in[i + (size_t)k];

            if (ch == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad || (v[k] = b64_value(ch)) < 0) {
                free(out);
                return NULL;
            }
        }
        out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
        if (pad < 2)
            out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
        if (pad < 1)
            out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
    }
    *out_len = o;
    return out;
}

static const char *magic_mime(const unsigned char *p, size_t n)
{
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "image/jpeg";
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return "image/gif";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}

/* An image part's URL: a base64 data URL whose MIME type matches its bytes. */
static bool check_data_url(mock_server *s, const char *url)
{
    const char *comma = strchr(url, ',');
    const char *mime;
    unsigned char *bytes;
    size_t n = 0, mlen;
    bool ok;

    if (strncmp(url, "data:", 5) != 0 || !comma || comma - url < 12 ||
        strncmp(comma - 7, ";base64", 7) != 0) {
        note_failure(s, "image_url is not a base64 data URL");
        return false;
    }
    if (!(bytes = b64_decode(comma + 1, strlen(comma + 1), &n))) {
        note_failure(s, "image_url's base64 does not decode");
        return false;
    }
    mime = magic_mime(bytes, n);
    mlen = (size_t)(comma - 7 - (url + 5));
    ok = mime && strlen(mime) == mlen && strncmp(url + 5, mime, mlen) == 0;
    if (!ok)
        note_failure(s, "image_url's MIME type \"%.*s\" does not match its bytes (%s)", (int)mlen,
                     url + 5, mime ? mime : "unknown");
    free(bytes);
    return ok;
}

/* An OpenAI chat request: model, messages with an image data URL, the
 * optional numbers. Returns the parsed body (the caller's) or NULL, with the
 * failure noted. */
static json_object *check_chat(mock_server *s, const request *rq, const char *want_model)
{
    json_object *doc = NULL, *v, *messages;
    cardc_error err;
    size_t images = 0;

    cardc_error_clear(&err);
    if (cardc_json_parse(rq->body ? rq->body : "", rq->len, "<request>", 0, &doc, &err) !=
        CARDC_OK) {
        note_failure(s, "chat request is not JSON: %s", err.message);
        return NULL;
    }
    if (!json_object_is_type(doc, json_type_object))
        goto bad_shape;
    if (!json_object_object_get_ex(doc, "model", &v) || !json_object_is_type(v, json_type_string) ||
        json_object_get_string_len(v) == 0) {
        note_failure(s, "chat request without a model");
        goto fail;
    }
    if (want_model && strcmp(json_object_get_string(v), want_model) != 0) {
        note_failure(s, "chat request for model \"%s\", expected \"%s\"", json_object_get_string(v),
                     want_model);
        goto fail;
    }
    if (json_object_object_get_ex(doc, "max_tokens", &v) && !json_object_is_type(v, json_type_int))
        goto bad_shape;
    if (json_object_object_get_ex(doc, "temperature", &v) &&
        !json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        goto bad_shape;
    if (json_object_object_get_ex(doc, "stream", &v) && !json_object_is_type(v, json_type_boolean))
        goto bad_shape;
    if (!json_object_object_get_ex(doc, "messages", &messages) ||
        !json_object_is_type(messages, json_type_array) || json_object_array_length(messages) == 0)
        goto bad_shape;
    for (size_t i = 0; i < json_object_array_length(messages); i++) {
        json_object *m = json_object_array_get_idx(messages, i), *role, *content;

        if (!json_object_is_type(m, json_type_object) ||
            !json_object_object_get_ex(m, "role", &role) ||
            !json_object_is_type(role, json_type_string) ||
            !json_object_object_get_ex(m, "content", &content))
            goto bad_shape;
        if (json_object_is_type(content, json_type_string))
            continue;
        if (!json_object_is_type(content, json_type_array))
            goto bad_shape;
        for (size_t k = 0; k < json_object_array_length(content); k++) {
            json_object *part = json_object_array_get_idx(content, k), *type, *x, *url;

            if (!json_object_object_get_ex(part, "type", &type))
                goto bad_shape;
            if (strcmp(json_object_get_string(type), "text") == 0) {
                if (!json_object_object_get_ex(part, "text", &x) ||
                    !json_object_is_type(x, json_type_string))
                    goto bad_shape;
            } else if (strcmp(json_object_get_string(type), "image_url") == 0) {
                if (!json_object_object_get_ex(part, "image_url", &x) ||
                    !json_object_object_get_ex(x, "url", &url) ||
                    !json_object_is_type(url, json_type_string))
                    goto bad_shape;
                if (!check_data_url(s, json_object_get_string(url)))
                    goto fail;
                images++;
            } else {
                goto bad_shape;
            }
        }
    }
    if (images == 0) {
        note_failure(s, "chat request without an image_url part");
        goto fail;
    }
    return doc;
bad_shape:
    note_failure(s, "chat request is not shaped as OpenAI's chat completions");
fail:
    json_object_put(doc);
    return NULL;
}

/* One model input (a parsed JSON value): valid against the card's input
 * schema, and an "image" array holds bytes (the card states it only in
 * prose). On failure why says what. */
bool check_input_value(mock_server *s, json_object *doc, char *why, size_t why_size)
{
    cardc_result *res = NULL;
    cardc_error err;
    json_object *v;
    bool ok = false;

    cardc_error_clear(&err);
    if (cardc_result_new(&res, &err) != CARDC_OK) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    switch (cardc_validate(s->input_schema, doc, NULL, res, &err)) {
    case CARDC_OK: ok = true; break;
    case CARDC_E_INVALID: {
        const cardc_unit *u = cardc_result_error(res, 0);

        snprintf(why, why_size, "input does not match the card's schema at \"%s\": %s",
                 u ? u->instance_location : "", u ? u->message : "?");
        break;
    }
    default: snprintf(why, why_size, "cannot validate: %s", err.message); break;
    }
    cardc_result_free(res);
    if (ok && json_object_is_type(doc, json_type_object) &&
        json_object_object_get_ex(doc, "image", &v) && json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *b = json_object_array_get_idx(v, i);

            if (!json_object_is_type(b, json_type_int) || json_object_get_int64(b) < 0 ||
                json_object_get_int64(b) > 255) {
                snprintf(why, why_size, "image[%zu] is not a byte (0..255)", i);
                ok = false;
                break;
            }
        }
    }
    return ok;
}

/* A Workers AI run body: JSON valid against the card's input schema, or raw
 * bytes (the schema's top-level binary branch). Sets *stream when the JSON
 * asks for a streamed answer. */
static bool check_run_body(mock_server *s, struct MHD_Connection *c, const request *rq,
                           bool *stream, char *why, size_t why_size)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    json_object *doc = NULL, *v;
    cardc_error err;
    bool ok = false;

    *stream = false;
    cardc_error_clear(&err);
    if (rq->len == 0) {
        snprintf(why, why_size, "empty request body");
        goto out;
    }
    if (!ct || strncmp(ct, "application/json", 16) != 0) {
        /* The binary branch: any bytes; the card says nothing more. */
        ok = true;
        goto out;
    }
    if (cardc_json_parse(rq->body, rq->len, "<request>", 0, &doc, &err) != CARDC_OK) {
        snprintf(why, why_size, "body is not JSON: %s", err.message);
        goto out;
    }
    ok = check_input_value(s, doc, why, why_size);
    if (ok && json_object_is_type(doc, json_type_object) &&
        json_object_object_get_ex(doc, "stream", &v))
        *stream = json_object_get_boolean(v);
out:
    json_object_put(doc);
    if (!ok)
        note_failure(s, "%s", why);
    return ok;
}

/* ---- Dispatch --------------------------------------------------------- */

/* Waits until deadline or the server stops; false when it stopped. */
static bool slow_wait(mock_server *s, long ms)
{
    struct timespec until;
    bool stopped;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->lock);
    while (!s->stopping && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
        ;
    stopped = s->stopping;
    pthread_mutex_unlock(&s->lock);
    return !stopped;
}

/* The injected fault for the nth request of scenario sc, or MHD_YES+1 when
 * the request gets the normal answer. */
#define NO_FAULT 2

static int fault(mock_server *s, struct MHD_Connection *c, mock_scenario sc, unsigned nth,
                 bool openai)
{
    char msg[600];

    switch (sc) {
    case MOCK_500_ONCE:
    case MOCK_500_TWICE:
    case MOCK_500_ALWAYS:
        if (sc == MOCK_500_ALWAYS || nth < (sc == MOCK_500_ONCE ? 1u : 2u))
            return openai ? send_openai_error(c, 500, "server_error", "mock: internal error", NULL)
                          : send_cf_error(c, 500, 3043, "Internal server error", NULL);
        return NO_FAULT;
    case MOCK_429_RETRY_AFTER:
        if (nth >= 1)
            return NO_FAULT;
        return openai ? send_openai_error(c, 429, "rate_limit_error", "mock: slow down", "1")
                      : send_cf_error(c, 429, 3040,
                                      "Capacity temporarily exceeded, please try again.", "1");
    case MOCK_SLOW:
    case MOCK_STALL:
    case MOCK_STALL_LONG:
        if (!slow_wait(s, sc == MOCK_SLOW    ? MOCK_SLOW_MS
                          : sc == MOCK_STALL ? MOCK_STALL_MS
                                             : MOCK_STALL_LONG_MS))
            return openai ? send_openai_error(c, 503, "server_error", "mock: stopping", NULL)
                          : send_cf_error(c, 503, 3043, "mock: stopping", NULL);
        return NO_FAULT;
    case MOCK_RESET: {
        /* SO_LINGER 0: the close libmicrohttpd does on MHD_NO sends a RST */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct linger hard = {1, 0};

        if (ci)
            setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        return MHD_NO;
    }
    case MOCK_502_HTML: {
        static const char page[] = "<html><head><title>502 Bad Gateway</title></head><body>"
                                   "<center><h1>502 Bad Gateway</h1></center></body></html>\n";
        char *body = strdup(page);

        return body ? send_owned(c, 502, body, strlen(body), "text/html", NULL) : MHD_NO;
    }
    case MOCK_429_3040:
        return openai ? send_openai_error(c, 429, "rate_limit_error", "mock: out of capacity", NULL)
                      : send_cf_error(c, 429, 3040,
                                      "Capacity temporarily exceeded, please try again.", NULL);
    case MOCK_429_3036:
        return send_cf_error(c, 429, 3036,
                             "Account limited: you have used up your daily free allocation of "
                             "10,000 neurons",
                             NULL);
    case MOCK_413_3006:
        return openai ? send_openai_error(c, 413, "invalid_request_error",
                                          "mock: request too large", NULL)
                      : send_cf_error(c, 413, 3006, "Request is too large", NULL);
    case MOCK_400_5007:
        return openai ? send_openai_error(c, 404, "NotFoundError", "mock: the model does not exist",
                                          NULL)
                      : send_cf_error(c, 400, 5007, "No such model or task", NULL);
    case MOCK_401:
        return openai ? send_openai_error(c, 401, "invalid_request_error", "Invalid API key", NULL)
                      : send_cf_error(c, 401, 10000, "Authentication error", NULL);
    case MOCK_401_ECHO: {
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");

        /* A careless server quoting the credentials back: the client must
         * not pass them on in its error. */
        snprintf(msg, sizeof msg, "Authentication error: '%s' is not valid", auth ? auth : "");
        return openai ? send_openai_error(c, 401, "invalid_request_error", msg, NULL)
                      : send_cf_error(c, 401, 10000, msg, NULL);
    }
    case MOCK_403:
        return openai ? send_openai_error(c, 403, "permission_error", "mock: forbidden", NULL)
                      : send_cf_error(c, 403, 5018,
                                      "This account is not allowed to access this model", NULL);
    case MOCK_NOT_SUCCESS:
        if (openai)
            return send_owned(c, 200,
                              strdup("{\"error\":{\"message\":\"mock: inference failed\","
                                     "\"type\":\"server_error\"}}"),
                              strlen("{\"error\":{\"message\":\"mock: inference failed\","
                                     "\"type\":\"server_error\"}}"),
                              "application/json", NULL);
        return send_cf_error(c, 200, 7001, "mock: inference failed on the worker", NULL);
    case MOCK_MALFORMED: {
        static const char bad[] = "{\"result\":{\"description\":\"A grey cat\",}";
        char *body = strdup(bad);

        return body ? send_owned(c, 200, body, strlen(body), "application/json", NULL) : MHD_NO;
    }
    case MOCK_TRUNCATED: {
        const char *full = openai ? "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                                    "\"message\":{\"role\":\"assistant\",\"content\":\"A grey"
                                  : "{\"result\":{\"description\":\"A grey cat";
        char *body = strdup(full);

        if (!body)
            return MHD_NO;
        return send_reader(c, body, strlen(body), strlen(body) + 100, false, true,
                           "application/json");
    }
    case MOCK_BAD_OUTPUT:
        if (openai)
            return send_json(c, 200, openai_answer("m", json_object_new_int(42)), NULL);
        else {
            json_object *result = json_object_new_object();

            json_object_object_add(result, "description", json_object_new_int(42));
            return send_json(c, 200, workers_ai_answer(result), NULL);
        }
    case MOCK_OVERSIZE:
    case MOCK_OVERSIZE_CHUNKED: {
        size_t len = 0;
        char *body = oversize_text(openai, &len);

        if (!body)
            return MHD_NO;
        if (sc == MOCK_OVERSIZE)
            return send_owned(c, 200, body, len, "application/json", NULL);
        return send_reader(c, body, len, MHD_SIZE_UNKNOWN, false, false, "application/json");
    }
    case MOCK_STREAM:
    case MOCK_STREAM_CUT: {
        size_t len = 0;
        char *body = sse_text(openai, sc == MOCK_STREAM_CUT, &len);

        if (!body)
            return MHD_NO;
        return send_reader(c, body, len, MHD_SIZE_UNKNOWN, true, sc == MOCK_STREAM_CUT,
                           "text/event-stream");
    }
    case MOCK_BATCH_POLL_500:
    case MOCK_BATCH_POLL_429:
    case MOCK_BATCH_MALFORMED:
    case MOCK_BATCH_BAD_OUTPUT:
    case MOCK_BATCH_LOST_REF:
    case MOCK_BATCH_ITEM_FAILED:
    case MOCK_BATCH_NEVER: /* faults of the Batch API (mock_batch.c) only */
    case MOCK_OK:
    case MOCK_RANDOM: /* dispatch() drew a scenario for the request */
    case MOCK_SCENARIO_COUNT: break;
    }
    return NO_FAULT;
}

static enum MHD_Result answer_run(mock_server *s, struct MHD_Connection *c, const char *method,
                                  const char *account, const char *model, const request *rq,
                                  mock_scenario sc, unsigned nth)
{
    char why[700];
    bool stream = false;
    int f;

    if (strcmp(method, "POST") != 0) {
        note_failure(s, "run called with %s", method);
        return send_cf_error(c, 405, 10405, "Method not allowed", NULL);
    }
    if (!check_token(s, c))
        return send_cf_error(c, 401, 10000, "Authentication error", NULL);
    if (strcmp(account, s->account) != 0) {
        note_failure(s, "account \"%s\", expected \"%s\"", account, s->account);
        return send_cf_error(c, 403, 10000, "Authentication error", NULL);
    }
    if (strcmp(model, s->model_name) != 0) {
        note_failure(s, "model \"%s\", expected \"%s\"", model, s->model_name);
        snprintf(why, sizeof why, "No such model %s or task", model);
        return send_cf_error(c, 400, 5007, why, NULL);
    }
    if (rq->overflow)
        return send_cf_error(c, 413, 3006, "Request is too large", NULL);
    {
        const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "queueRequest");
        if (q && strcmp(q, "true") == 0)
            return mock_batch_answer(s, c, rq, sc);
    }
    if (!check_run_body(s, c, rq, &stream, why, sizeof why))
        return send_cf_error(c, 400, 5006, why, NULL);
    if ((f = fault(s, c, sc, nth, false)) != NO_FAULT)
        return (enum MHD_Result)f;
    if (stream) {
        size_t len = 0;
        char *body = sse_text(false, false, &len);

        return body ? send_reader(c, body, len, MHD_SIZE_UNKNOWN, true, false, "text/event-stream")
                    : MHD_NO;
    }
    {
        json_object *result = json_object_new_object();

        json_object_object_add(result, "description", json_object_new_string(MOCK_DESCRIPTION));
        return send_json(c, 200, workers_ai_answer(result), NULL);
    }
}

static enum MHD_Result answer_schema(mock_server *s, struct MHD_Connection *c, const char *method,
                                     const char *account, mock_scenario sc, unsigned nth)
{
    const char *model = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "model");
    char why[600];
    int f;

    if (strcmp(method, "GET") != 0) {
        note_failure(s, "models/schema called with %s", method);
        return send_cf_error(c, 405, 10405, "Method not allowed", NULL);
    }
    if (!check_token(s, c))
        return send_cf_error(c, 401, 10000, "Authentication error", NULL);
    if (strcmp(account, s->account) != 0) {
        note_failure(s, "account \"%s\", expected \"%s\"", account, s->account);
        return send_cf_error(c, 403, 10000, "Authentication error", NULL);
    }
    if ((f = fault(s, c, sc, nth, false)) != NO_FAULT)
        return (enum MHD_Result)f;
    if (!model || strcmp(model, s->model_name) != 0) {
        /* Not a check failure: asking for an unknown model is a test case. */
        snprintf(why, sizeof why, "No such model %s or task", model ? model : "(none)");
        return send_cf_error(c, 400, 5007, why, NULL);
    }
    {
        char *body = strdup(s->schema_answer);

        return body ? send_owned(c, 200, body, strlen(body), "application/json", NULL) : MHD_NO;
    }
}

static enum MHD_Result answer_chat(mock_server *s, struct MHD_Connection *c, const char *method,
                                   const char *want_model, const request *rq, mock_scenario sc,
                                   unsigned nth)
{
    json_object *doc, *v;
    bool stream = false;
    char model[256];
    int f;

    if (strcmp(method, "POST") != 0) {
        note_failure(s, "chat/completions called with %s", method);
        return send_openai_error(c, 405, "invalid_request_error", "Method not allowed", NULL);
    }
    if (!check_token(s, c))
        return send_openai_error(c, 401, "invalid_request_error", "Invalid API key", NULL);
    if (rq->overflow)
        return send_openai_error(c, 413, "invalid_request_error", "Request too large", NULL);
    if (!(doc = check_chat(s, rq, want_model)))
        return send_openai_error(c, 400, "BadRequestError", "mock: bad chat request", NULL);
    json_object_object_get_ex(doc, "model", &v);
    snprintf(model, sizeof model, "%s", json_object_get_string(v));
    if (json_object_object_get_ex(doc, "stream", &v))
        stream = json_object_get_boolean(v);
    json_object_put(doc);
    if ((f = fault(s, c, sc, nth, true)) != NO_FAULT)
        return (enum MHD_Result)f;
    if (stream) {
        size_t len = 0;
        char *body = sse_text(true, false, &len);

        return body ? send_reader(c, body, len, MHD_SIZE_UNKNOWN, true, false, "text/event-stream")
                    : MHD_NO;
    }
    return send_json(c, 200, openai_answer(model, json_object_new_string(MOCK_DESCRIPTION)), NULL);
}

/* Copies the segment of path before the next '/' into buf; returns the rest
 * (at the '/') or NULL when the segment is empty or too long. */
static const char *segment(const char *path, char *buf, size_t size)
{
    size_t n = strcspn(path, "/");

    if (n == 0 || n >= size)
        return NULL;
    memcpy(buf, path, n);
    buf[n] = '\0';
    return path + n;
}

static void record(mock_server *s, struct MHD_Connection *c, const char *url, const request *rq)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    const char *aig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "cf-aig-authorization");
    struct timespec now;
    char *copy = malloc(rq->len + 1);

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (copy) {
        if (rq->len)
            memcpy(copy, rq->body, rq->len);
        copy[rq->len] = '\0';
    }
    pthread_mutex_lock(&s->lock);
    if (s->requests++ == 0)
        s->first = now;
    s->last = now;
    free(s->last_body);
    s->last_body = copy;
    s->last_body_len = copy ? rq->len : 0;
    snprintf(s->last_ct, sizeof s->last_ct, "%s", ct ? ct : "");
    snprintf(s->last_path, sizeof s->last_path, "%s", url);
    s->last_gateway_auth = aig != NULL;
    pthread_mutex_unlock(&s->lock);
}

/* splitmix64: one draw per request, under the server's lock. */
static mock_scenario draw(mock_server *s)
{
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15u);
    int total = 0, pick;

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    for (int i = 0; i < MOCK_SCENARIO_COUNT; i++)
        total += mock_random_weight((mock_scenario)i);
    pick = (int)(z % (uint64_t)total);
    for (int i = 0; i < MOCK_SCENARIO_COUNT; i++) {
        pick -= mock_random_weight((mock_scenario)i);
        if (pick < 0) {
            s->drawn[i]++;
            return (mock_scenario)i;
        }
    }
    return MOCK_OK;
}

/* The gateway's own credential: required on gateway routes when the server
 * was given one, and never sent anywhere else. */
static bool check_gateway_auth(mock_server *s, struct MHD_Connection *c, bool gateway_route)
{
    const char *aig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "cf-aig-authorization");

    if (!gateway_route) {
        if (aig)
            note_failure(s, "cf-aig-authorization sent to a route that is no gateway's");
        return !aig;
    }
    if (!s->gateway_token)
        return true;
    if (!aig || strncmp(aig, "Bearer ", 7) != 0 || strcmp(aig + 7, s->gateway_token) != 0) {
        note_failure(s, "cf-aig-authorization is not \"Bearer\" and the gateway's token");
        return false;
    }
    return true;
}

/* PREFIX/v1/ACCOUNT/GATEWAY/workers-ai/...: Workers AI through an AI
 * Gateway, native (MODEL) or OpenAI-compatible (v1/chat/completions). */
static enum MHD_Result answer_gateway(mock_server *s, struct MHD_Connection *c, const char *rest,
                                      const char *method, const request *rq, mock_scenario sc,
                                      unsigned nth)
{
    char account[128], gateway[128], model[256];

    if (!(rest = segment(rest, account, sizeof account)) || *rest != '/' ||
        !(rest = segment(rest + 1, gateway, sizeof gateway)) ||
        strncmp(rest, "/workers-ai/", 12) != 0 || !rest[12] || strlen(rest + 12) >= sizeof model) {
        note_failure(s, "no gateway route for %s", rest ? rest : "(bad path)");
        return send_cf_error(c, 404, 7003, "No route for that URI", NULL);
    }
    if (strcmp(gateway, s->gateway) != 0) {
        note_failure(s, "gateway \"%s\", expected \"%s\"", gateway, s->gateway);
        return send_cf_error(c, 404, 7003, "mock: no such gateway", NULL);
    }
    if (!check_gateway_auth(s, c, true))
        return send_cf_error(c, 401, 2009, "Unauthorized", NULL);
    snprintf(model, sizeof model, "%s", rest + 12);
    if (strcmp(model, "v1/chat/completions") == 0) {
        if (strcmp(account, s->account) != 0) {
            note_failure(s, "account \"%s\", expected \"%s\"", account, s->account);
            return send_cf_error(c, 403, 10000, "Authentication error", NULL);
        }
        /* Workers AI's own OpenAI-compatible route: its model names */
        return answer_chat(s, c, method, s->model_name, rq, sc, nth);
    }
    return answer_run(s, c, method, account, model, rq, sc, nth);
}

static enum MHD_Result dispatch(mock_server *s, struct MHD_Connection *c, const char *url,
                                const char *method, const request *rq)
{
    mock_scenario sc;
    char name[64], account[128], model[256];
    const char *rest = url;
    unsigned nth;

    record(s, c, url, rq);
    pthread_mutex_lock(&s->lock);
    sc = s->scenario;
    pthread_mutex_unlock(&s->lock);
    if (strncmp(rest, "/s/", 3) == 0) {
        int i;

        if (!(rest = segment(url + 3, name, sizeof name)) ||
            (i = mock_scenario_from_name(name)) < 0) {
            note_failure(s, "unknown scenario in %s", url);
            return send_cf_error(c, 404, 7003, "mock: unknown scenario", NULL);
        }
        sc = (mock_scenario)i;
    }
    pthread_mutex_lock(&s->lock);
    nth = s->seen[sc]++;
    if (sc == MOCK_RANDOM) {
        /* a fault for this request alone: as the first of its scenario */
        sc = draw(s);
        nth = 0;
    }
    pthread_mutex_unlock(&s->lock);

    if (strcmp(rest, "/v1/chat/completions") == 0)
        return check_gateway_auth(s, c, false)
                   ? answer_chat(s, c, method, s->openai_model, rq, sc, nth)
                   : send_cf_error(c, 400, 7003,
                                   "mock: stray "
                                   "gateway credential",
                                   NULL);
    if (strncmp(rest, "/v1/", 4) == 0)
        return answer_gateway(s, c, rest + 4, method, rq, sc, nth);
    if (!check_gateway_auth(s, c, false))
        return send_cf_error(c, 400, 7003, "mock: stray gateway credential", NULL);
    if (strncmp(rest, "/client/v4/accounts/", 20) == 0 &&
        (rest = segment(rest + 20, account, sizeof account)) != NULL) {
        if (strncmp(rest, "/ai/run/", 8) == 0 && rest[8] && strlen(rest + 8) < sizeof model) {
            snprintf(model, sizeof model, "%s", rest + 8);
            return answer_run(s, c, method, account, model, rq, sc, nth);
        }
        if (strcmp(rest, "/ai/models/schema") == 0)
            return answer_schema(s, c, method, account, sc, nth);
    }
    note_failure(s, "no route for %s %s", method, url);
    return send_cf_error(c, 404, 7003, "No route for that URI", NULL);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls)
{
    mock_server *s = cls;
    request *rq = *con_cls;

    (void)version;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;

        if (!rq->overflow && rq->len + n > MAX_REQUEST_BYTES) {
            rq->overflow = true;
        } else if (!rq->overflow) {
            if (rq->len + n + 1 > rq->cap) {
                size_t cap = rq->cap ? rq->cap : 4096;
                char *p;

                while (cap < rq->len + n + 1)
                    cap *= 2;
                if (!(p = realloc(rq->body, cap)))
                    return MHD_NO;
                rq->body = p;
                rq->cap = cap;
            }
            memcpy(rq->body + rq->len, upload_data, n);
            rq->len += n;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(s, c, url, method, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    request *rq = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (rq) {
        free(rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

/* ---- Life cycle ------------------------------------------------------- */

static int load_card(mock_server *s, const char *path, char *errbuf, size_t errsize)
{
    const json_object *in, *out;
    json_object *answer, *result;
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_card_load(path, NULL, &s->card, &err) != CARDC_OK ||
        cardc_card_schema(s->card, CARDC_SIDE_INPUT, &in, &err) != CARDC_OK ||
        cardc_card_schema(s->card, CARDC_SIDE_OUTPUT, &out, &err) != CARDC_OK ||
        cardc_schema_compile(in, NULL, &s->input_schema, &err) != CARDC_OK) {
        snprintf(errbuf, errsize, "card %s: %s", path, err.message);
        return -1;
    }
    if (!cardc_card_name(s->card)) {
        snprintf(errbuf, errsize, "card %s has no model name", path);
        return -1;
    }
    s->model_name = strdup(cardc_card_name(s->card));
    result = json_object_new_object();
    /* json-c's get/put are not const-correct; the copies are owned here. */
    json_object_object_add(
        result, "input",
        json_tokener_parse(json_object_to_json_string((json_object *)(uintptr_t)in)));
    json_object_object_add(
        result, "output",
        json_tokener_parse(json_object_to_json_string((json_object *)(uintptr_t)out)));
    answer = workers_ai_answer(result);
    s->schema_answer = strdup(json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN));
    json_object_put(answer);
    if (!s->model_name || !s->schema_answer) {
        snprintf(errbuf, errsize, "out of memory");
        return -1;
    }
    return 0;
}

int mock_server_start(const mock_options *opts, mock_server **out, char *errbuf, size_t errsize)
{
    mock_server *s;
    struct sockaddr_in addr;
    const union MHD_DaemonInfo *info;

    *out = NULL;
    if (!opts || !opts->card_path) {
        snprintf(errbuf, errsize, "mock_server_start: no card");
        return -1;
    }
    if (!(s = calloc(1, sizeof *s))) {
        snprintf(errbuf, errsize, "out of memory");
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    s->scenario = opts->scenario;
    s->rng = opts->seed ? opts->seed : 1;
    s->account = dup_or(opts->account_id, "test-account");
    s->token = dup_or(opts->token, NULL);
    s->openai_model = dup_or(opts->openai_model, NULL);
    s->gateway = dup_or(opts->gateway, "test-gateway");
    s->gateway_token = dup_or(opts->gateway_token, NULL);
    if (!s->account || (opts->token && !s->token) || (opts->openai_model && !s->openai_model) ||
        !s->gateway || (opts->gateway_token && !s->gateway_token)) {
        snprintf(errbuf, errsize, "out of memory");
        mock_server_stop(s);
        return -1;
    }
    if (load_card(s, opts->card_path, errbuf, errsize) != 0) {
        mock_server_stop(s);
        return -1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, handler, s, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED,
                         completed, s, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(errbuf, errsize, "cannot start the HTTP server on 127.0.0.1");
        mock_server_stop(s);
        return -1;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (!info || info->port == 0) {
        snprintf(errbuf, errsize, "cannot read the server's port");
        mock_server_stop(s);
        return -1;
    }
    s->port = info->port;
    *out = s;
    return 0;
}

void mock_server_stop(mock_server *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    cardc_schema_free(s->input_schema);
    cardc_card_free(s->card);
    free(s->schema_answer);
    free(s->model_name);
    free(s->account);
    free(s->token);
    free(s->openai_model);
    free(s->gateway);
    free(s->gateway_token);
    mock_batch_free_all(s);
    free(s->last_body);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

unsigned short mock_server_port(const mock_server *s)
{
    return s->port;
}

void mock_server_reset(mock_server *s, mock_scenario scenario)
{
    pthread_mutex_lock(&s->lock);
    s->scenario = scenario;
    memset(s->seen, 0, sizeof s->seen);
    memset(s->drawn, 0, sizeof s->drawn);
    s->requests = 0;
    s->check_failures = 0;
    s->first_failure[0] = '\0';
    free(s->last_body);
    s->last_body = NULL;
    s->last_body_len = 0;
    s->last_ct[0] = '\0';
    s->last_path[0] = '\0';
    s->last_gateway_auth = 0;
    mock_batch_free_all(s);
    s->batch_largest = s->batch_polls = 0;
    pthread_mutex_unlock(&s->lock);
}

/* The getters lock a mutex of a const server: the lock is not part of its
 * observable state. */
#define LOCKED(s) ((mock_server *)(uintptr_t)(s))

size_t mock_server_requests(const mock_server *s)
{
    size_t n;

    pthread_mutex_lock(&LOCKED(s)->lock);
    n = s->requests;
    pthread_mutex_unlock(&LOCKED(s)->lock);
    return n;
}

size_t mock_server_connections(const mock_server *s)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

    return info ? info->num_connections : 0;
}

size_t mock_server_drawn(const mock_server *s, mock_scenario drawn)
{
    size_t n = 0;

    pthread_mutex_lock(&LOCKED(s)->lock);
    if ((unsigned)drawn < MOCK_SCENARIO_COUNT)
        n = s->drawn[drawn];
    pthread_mutex_unlock(&LOCKED(s)->lock);
    return n;
}

long mock_server_span_ms(const mock_server *s)
{
    long ms = 0;

    pthread_mutex_lock(&LOCKED(s)->lock);
    if (s->requests)
        ms = (long)(s->last.tv_sec - s->first.tv_sec) * 1000 +
             (s->last.tv_nsec - s->first.tv_nsec) / 1000000;
    pthread_mutex_unlock(&LOCKED(s)->lock);
    return ms;
}

size_t mock_server_check_failures(const mock_server *s, char *buf, size_t size)
{
    size_t n;

    pthread_mutex_lock(&LOCKED(s)->lock);
    n = s->check_failures;
    if (buf && size)
        snprintf(buf, size, "%s", s->first_failure);
    pthread_mutex_unlock(&LOCKED(s)->lock);
    return n;
}

char *mock_server_last_body(const mock_server *s, size_t *len, char *content_type, size_t ct_size)
{
    char *copy = NULL;

    pthread_mutex_lock(&LOCKED(s)->lock);
    *len = 0;
    if (s->last_body && (copy = malloc(s->last_body_len + 1))) {
        memcpy(copy, s->last_body, s->last_body_len + 1);
        *len = s->last_body_len;
    }
    if (content_type && ct_size)
        snprintf(content_type, ct_size, "%s", s->last_ct);
    pthread_mutex_unlock(&LOCKED(s)->lock);
    return copy;
}

void mock_server_last_path(const mock_server *s, char *buf, size_t size, int *gateway_auth)
{
    pthread_mutex_lock(&LOCKED(s)->lock);
    snprintf(buf, size, "%s", s->last_path);
    if (gateway_auth)
        *gateway_auth = s->last_gateway_auth;
    pthread_mutex_unlock(&LOCKED(s)->lock);
}

size_t mock_server_batches(const mock_server *s, size_t *largest, size_t *polls)
{
    size_t n;

    pthread_mutex_lock(&LOCKED(s)->lock);
    n = s->batch_count;
    if (largest)
        *largest = s->batch_largest;
    if (polls)
        *polls = s->batch_polls;
    pthread_mutex_unlock(&LOCKED(s)->lock);
    return n;
}

unsigned short mock_closed_port(void)
{
    struct sockaddr_in addr;
    socklen_t alen = sizeof addr;
    unsigned short port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return 0;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* Bound but never listening: a connect gets RST (refused) until the
     * port is reused, which the ephemeral range makes unlikely in a test. */
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &alen) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}
