/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the inference client's response handling, fed through
 * the transport's parsing functions with no network (client_internal.h).
 * The first byte picks the part, the second (for envelopes) the HTTP status:
 *   0 Workers AI envelope and error mapping (cardc__workers_unwrap,
 *     _status_error, _retryable): a result only on 2xx, and then valid JSON;
 *     every failure carries a message;
 *   1 OpenAI answers (cardc__openai_answer), same promises;
 *   2 OpenAI stream chunks (cardc__openai_chunk): no text, or valid JSON;
 *   3 SSE framing (cardc__sse_feed): the events of a stream fed whole equal
 *     those of the same stream fed in the chunk sizes the input gives;
 *   4 base64 (cardc__base64_append) decodes back to the input, and the
 *     Retry-After and MIME sniffers never read past their input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "client/client_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const long statuses[] = {200, 201, 204, 400, 401, 403, 404, 408,
                                413, 429, 500, 502, 503, 504, 302, 0};

static void check_json(const char *text, size_t len)
{
    struct json_object *doc = NULL;
    if (cardc_json_parse(text, len, NULL, 0, &doc, NULL) != CARDC_OK)
        abort(); /* the client handed on something that is not JSON */
    json_object_put(doc);
}

static void check_outcome(cardc_status st, long status, char *out, size_t out_len,
                          const cardc_error *err)
{
    if (st == CARDC_OK) {
        if (status < 200 || status > 299 || !out)
            abort(); /* success without a 2xx answer or without a result */
        check_json(out, out_len);
    } else if (out || !err->message[0]) {
        abort(); /* a failure must leave no result and say why */
    }
    free(out);
}

typedef struct events {
    strbuf all;
    size_t count;
} events;

static int on_event(void *user, const char *data, size_t len)
{
    events *e = user;
    char head[32];
    int n = snprintf(head, sizeof head, "%zu:", len);
    strbuf_add(&e->all, head, (size_t)n);
    strbuf_add(&e->all, data, len);
    if (data[len] != '\0')
        abort(); /* events are promised NUL-terminated */
    e->count++;
    return 0;
}

static void run_sse(const char *text, size_t len, const uint8_t *cuts, size_t ncuts)
{
    events whole = {0}, parts = {0};
    cardc__sse a = {0}, b = {0};
    int ra, rb = 0;

    a.fn = on_event;
    a.user = &whole;
    b.fn = on_event;
    b.user = &parts;
    ra = cardc__sse_feed(&a, text, len);
    for (size_t off = 0, i = 0; off < len && rb == 0; i++) {
        size_t n = ncuts ? (size_t)(cuts[i % ncuts] % 17) + 1 : len;
        if (n > len - off)
            n = len - off;
        rb = cardc__sse_feed(&b, text + off, n);
        off += n;
    }
    if (len == 0)
        rb = cardc__sse_feed(&b, text, 0);
    if (ra != rb || whole.count != parts.count || whole.all.len != parts.all.len ||
        (whole.all.len && memcmp(whole.all.s, parts.all.s, whole.all.len) != 0) || a.done != b.done)
        abort(); /* framing depends on how the bytes arrived */
    cardc__sse_free(&a);
    cardc__sse_free(&b);
    cardc__strbuf_free(&whole.all);
    cardc__strbuf_free(&parts.all);
}

static int b64val(char c)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* libcurl, for Retry-After's HTTP dates: loaded once for the process, as
 * the first client loads it. */
static const curl_api *fuzz_curl(void)
{
    static curl_api api;
    static int loaded;
    cardc_error err;

    if (!loaded) {
        if (cardc__curl_open(&api, &err) != CARDC_OK)
            abort();
        loaded = 1;
    }
    return &api;
}

static void run_base64(const uint8_t *data, size_t len)
{
    const curl_api *curl = fuzz_curl();
    strbuf b = {0};
    uint8_t *back;
    size_t n = 0;

    cardc__base64_append(&b, data, len);
    if (b.oom)
        abort();
    if (b.len != (len + 2) / 3 * 4)
        abort();
    back = malloc(len + 3);
    if (!back)
        abort();
    for (size_t i = 0; i < b.len; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = b.s[i + (size_t)k] == '=' ? 0 : b64val(b.s[i + (size_t)k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
            abort();
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        back[n++] = (uint8_t)(w >> 16);
        back[n++] = (uint8_t)(w >> 8);
        back[n++] = (uint8_t)w;
    }
    if (n < len || (len && memcmp(back, data, len) != 0))
        abort(); /* base64 does not decode back */
    free(back);
    cardc__strbuf_free(&b);

    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, data, len);
    s[len] = '\0';
    (void)cardc__parse_retry_after(curl, s, 1700000000);
    free(s);
    (void)cardc__mime_sniff(data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cardc_error err;
    char *out = NULL;
    size_t out_len = 0;

    if (size < 2)
        return 0;
    cardc_error_clear(&err);
    long status = statuses[data[1] % (sizeof statuses / sizeof statuses[0])];
    const char *body = (const char *)data + 2;
    size_t len = size - 2;

    switch (data[0] % 5) {
    case 0: {
        cardc_status st = cardc__workers_unwrap(status, body, len, &out, &out_len, &err);
        check_outcome(st, status, out, out_len, &err);
        if (status < 200 || status > 299) {
            if (cardc__workers_status_error(status, body, len, &err) == CARDC_OK || !err.message[0])
                abort();
        }
        (void)cardc__workers_retryable(status, body, len);
        break;
    }
    case 1: {
        const char *task = data[1] & 0x80 ? "image-to-text" : "text-generation";
        cardc_status st = cardc__openai_answer(status, body, len, task, &out, &out_len, &err);
        check_outcome(st, status, out, out_len, &err);
        break;
    }
    case 2: {
        cardc_status st = cardc__openai_chunk(body, len, &out, &out_len, &err);
        if (st == CARDC_OK && out)
            check_json(out, out_len);
        else if (st != CARDC_OK && (out || !err.message[0]))
            abort();
        free(out);
        break;
    }
    case 3: {
        /* "CUTS\0STREAM": chunk sizes before the first NUL byte */
        const char *nul = memchr(body, '\0', len);
        size_t ncuts = nul ? (size_t)(nul - body) : 0;
        const char *stream = nul ? nul + 1 : body;
        run_sse(stream, len - (size_t)(stream - body), (const uint8_t *)body, ncuts);
        break;
    }
    default: run_base64((const uint8_t *)body, len); break;
    }
    return 0;
}
