/* SPDX-License-Identifier: MIT */
/* client_http.c - the transport under cardc_client: one libcurl easy handle
 * per call, timeouts, bounded retries with backoff, a response size limit,
 * TLS verification always on, and no path by which the token is logged. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cardc/version.h"
#include "client/client_internal.h"
#include "common/errors_internal.h"

/* ---- Backoff ----------------------------------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

long cardc__backoff_ms(long base_ms, long cap_ms, int attempt, long retry_after_ms, uint64_t *rng)
{
    long d = base_ms < 0 ? 0 : base_ms, half;

    if (cap_ms < 0)
        cap_ms = 0;
    if (retry_after_ms >= 0)
        return retry_after_ms < cap_ms ? retry_after_ms : cap_ms;
    for (int i = 0; i < attempt && d < cap_ms; i++)
        d = d > cap_ms / 2 ? cap_ms : d * 2;
    if (d > cap_ms)
        d = cap_ms;
    if (d <= 1)
        return d;
    /* Equal jitter: clients that failed together do not retry together,
     * and none retries sooner than half the schedule. */
    half = d / 2;
    return half + (long)(xorshift(rng) % (uint64_t)(d - half + 1));
}

long cardc__parse_retry_after(const curl_api *curl, const char *value, long long now_s)
{
    char buf[128];
    size_t n;
    const char *p = value;
    long long secs = 0;
    time_t t;

    if (!value)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (buf[0] >= '0' && buf[0] <= '9') {
        for (size_t i = 0; i < n; i++) {
            if (buf[i] < '0' || buf[i] > '9')
                return -1;
            /* Clamped: a day is far past any retry_max_ms anyway. */
            if (secs < 86400)
                secs = secs * 10 + (buf[i] - '0');
        }
        if (secs > 86400)
            secs = 86400;
        return (long)(secs * 1000);
    }
    t = curl->getdate(buf, NULL);
    if (t == (time_t)-1)
        return -1;
    if ((long long)t <= now_s)
        return 0;
    secs = (long long)t - now_s;
    if (secs > 86400)
        secs = 86400;
    return (long)(secs * 1000);
}

void cardc__sleep_ms(long ms)
{
    struct timespec ts, rem;

    if (ms <= 0)
        return;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
        ts = rem;
}

/* ---- One transfer ------------------------------------------------------------ */

typedef struct xfer {
    const cardc_client *c;
    const cardc__http_request *req;
    CURL *h;
    strbuf body;
    size_t total;
    int mode; /* 0 undecided, 1 buffered, 2 streamed */
    int too_large;
    int sse_failed;
    int stream_over;
    long retry_after_ms;
} xfer;

static int starts_with_ci(const char *s, const char *prefix)
{
    return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static int decide_mode(xfer *x)
{
    long status = 0;
    char *ct = NULL;

    if (!x->req->sse)
        return 1;
    x->c->curl.easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    x->c->curl.easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct);
    return status >= 200 && status < 300 && starts_with_ci(ct, "text/event-stream") ? 2 : 1;
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;

    /* A new status line (after a 100 Continue, say) starts a new answer. */
    if (len >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
        x->retry_after_ms = -1;
    } else if (len > 12 && strncasecmp(buf, "Retry-After:", 12) == 0) {
        char v[128];
        size_t m = len - 12 < sizeof v - 1 ? len - 12 : sizeof v - 1;
        memcpy(v, buf + 12, m);
        v[m] = '\0';
        x->retry_after_ms = cardc__parse_retry_after(&x->c->curl, v, (long long)time(NULL));
    }
    return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = size * n;
    int r;

    if (x->mode == 0)
        x->mode = decide_mode(x);
    if (len > x->c->max_response_bytes - x->total) {
        x->too_large = 1;
        return 0;
    }
    x->total += len;
    if (x->mode == 2) {
        r = cardc__sse_feed(x->req->sse, buf, len);
        if (r < 0) {
            x->sse_failed = 1;
            return 0;
        }
        if (r > 0) {
            /* [DONE] or the callback said stop: nothing more is wanted. */
            x->stream_over = 1;
            return 0;
        }
        return len;
    }
    strbuf_add(&x->body, buf, len);
    return x->body.oom ? 0 : len;
}

static int curl_retryable(const curl_api *curl, CURLcode rc, CURL *h)
{
    curl_off_t connect_us = 0;

    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return 1;
    case CURLE_OPERATION_TIMEDOUT:
        /* A connect timeout is a connection error; a server that accepted
         * the request and is slow would only be slow again. */
        curl->easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
        return connect_us == 0;
    default: return 0;
    }
}

/* Token-sized secrets in an error body (a server echoing the header) are
 * blanked before any message can quote them, truncated or not. */
static void blank_secret(char *body, size_t len, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;

    if (!body || n < 4 || len < n)
        return;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(body + i, secret, n) == 0) {
            memset(body + i, '*', n);
            i += n - 1;
        }
}

static cardc_status transfer_error(const cardc_client *c, const cardc__http_request *req,
                                   CURLcode rc, CURL *h, const char *errbuf, int attempts,
                                   size_t events, cardc_error *err)
{
    const char *why = errbuf[0] ? errbuf : c->curl.easy_strerror(rc);
    curl_off_t connect_us = 0;

    if (req->sse && events > 0)
        return cardc__error(err, CARDC_E_NETWORK,
                            "the event stream from %s broke after %zu events: %s", req->url, events,
                            why);
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        c->curl.easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
        if (connect_us == 0)
            return cardc__error(err, CARDC_E_TIMEOUT,
                                "could not connect to %s within %ld ms (%d attempts)", req->url,
                                c->connect_timeout_ms, attempts);
        return cardc__error(err, CARDC_E_TIMEOUT, "no complete answer from %s within %ld ms",
                            req->url, c->timeout_ms);
    case CURLE_FILESIZE_EXCEEDED:
        return cardc__error(err, CARDC_E_TOO_LARGE,
                            "the answer from %s is larger than max_response_bytes (%zu)", req->url,
                            c->max_response_bytes);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return cardc__error(err, CARDC_E_NETWORK, "TLS with %s failed: %s", req->url, why);
    case CURLE_PARTIAL_FILE:
        return cardc__error(err, CARDC_E_NETWORK,
                            "the answer from %s was cut short (%d attempts): %s", req->url,
                            attempts, why);
    default:
        return cardc__error(err, CARDC_E_NETWORK, "cannot reach %s (%d attempts): %s", req->url,
                            attempts, why);
    }
}

void cardc__http_response_free(cardc__http_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    free(resp->content_type);
    memset(resp, 0, sizeof *resp);
}

static struct curl_slist *add_header(const cardc_client *c, struct curl_slist *list, const char *h,
                                     int *oom)
{
    struct curl_slist *n = c->curl.slist_append(list, h);
    if (!n)
        *oom = 1;
    return n ? n : list;
}

static cardc_status setup(const cardc_client *c, const cardc__http_request *req, CURL *h,
                          struct curl_slist *headers, char *errbuf, xfer *x)
{
    CURLcode rc = CURLE_OK;

#define SET_(opt, val)                             \
    do {                                           \
        if (rc == CURLE_OK)                        \
            rc = c->curl.easy_setopt(h, opt, val); \
    } while (0)
    SET_(CURLOPT_URL, req->url);
    SET_(CURLOPT_NOSIGNAL, 1L); /* no SIGALRM timeouts: threads */
    SET_(CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    SET_(CURLOPT_TIMEOUT_MS, c->timeout_ms);
    SET_(CURLOPT_SSL_VERIFYPEER, 1L);
    SET_(CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file)
        SET_(CURLOPT_CAINFO, c->ca_file);
    /* Redirects would carry the token to another host: never followed. */
    SET_(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET_(CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    SET_(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response_bytes);
    SET_(CURLOPT_USERAGENT, "cardc/" CARDC_VERSION_STRING);
    SET_(CURLOPT_HTTPHEADER, headers);
    SET_(CURLOPT_ERRORBUFFER, errbuf);
    SET_(CURLOPT_HEADERFUNCTION, on_header);
    SET_(CURLOPT_HEADERDATA, x);
    SET_(CURLOPT_WRITEFUNCTION, on_body);
    SET_(CURLOPT_WRITEDATA, x);
    if (strcmp(req->method, "GET") == 0) {
        SET_(CURLOPT_HTTPGET, 1L);
    } else {
        SET_(CURLOPT_POST, 1L);
        SET_(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        SET_(CURLOPT_POSTFIELDS, req->body ? req->body : "");
    }
#undef SET_
    return rc == CURLE_OK ? CARDC_OK : CARDC_E_CONFIG;
}

/* The request headers; the Authorization line is built in *auth so the
 * caller can wipe it. */
static cardc_status build_headers(const cardc_client *c, const cardc__http_request *req,
                                  struct curl_slist **headers, strbuf *auth, cardc_error *err)
{
    strbuf line = {0};
    int oom = 0;
    if (req->content_type) {
        strbuf_printf(&line, "Content-Type: %s", req->content_type);
        *headers = add_header(c, *headers, line.s ? line.s : "", &oom);
        strbuf_truncate(&line, 0);
    }
    if (req->accept) {
        strbuf_printf(&line, "Accept: %s", req->accept);
        *headers = add_header(c, *headers, line.s ? line.s : "", &oom);
    }
    /* No 100-continue round trip before large bodies. */
    *headers = add_header(c, *headers, "Expect:", &oom);
    if (req->bearer && c->api_token) {
        strbuf_str(auth, "Authorization: Bearer ");
        strbuf_str(auth, c->api_token);
        *headers = add_header(c, *headers, auth->s ? auth->s : "", &oom);
    }
    if (req->gateway_auth && c->gateway_token) {
        /* curl copies the line: wipe it here as the Authorization one is */
        strbuf_truncate(&line, 0);
        strbuf_str(&line, "cf-aig-authorization: Bearer ");
        strbuf_str(&line, c->gateway_token);
        *headers = add_header(c, *headers, line.s ? line.s : "", &oom);
        if (line.s)
            memset(line.s, 0, line.cap);
    }
    oom = oom || line.oom || auth->oom;
    cardc__strbuf_free(&line);
    return oom ? cardc__error(err, CARDC_E_NOMEM, "out of memory") : CARDC_OK;
}

/* An attempt that broke a size limit or ran out of memory: not retried. */
static cardc_status transfer_limits(const cardc_client *c, const cardc__http_request *req,
                                    const xfer *x, CURLcode rc, cardc_error *err)
{
    if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return cardc__error(err, CARDC_E_TOO_LARGE,
                            "the answer from %s is larger than max_response_bytes (%zu)", req->url,
                            c->max_response_bytes);
    if (x->sse_failed)
        return req->sse->too_large
                   ? cardc__error(err, CARDC_E_TOO_LARGE,
                                  "an event from %s is larger than max_response_bytes (%zu)",
                                  req->url, c->max_response_bytes)
                   : cardc__error(err, CARDC_E_NOMEM, "out of memory");
    if (x->body.oom)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    return CARDC_OK;
}

cardc_status cardc__http_send(const cardc_client *c, const cardc__http_request *req,
                              cardc__http_response *resp, cardc_error *err)
{
    char errbuf[CURL_ERROR_SIZE];
    struct curl_slist *headers = NULL;
    strbuf auth = {0};
    uint64_t rng;
    cardc_status st = CARDC_OK;
    CURL *h;
    xfer x;

    memset(resp, 0, sizeof *resp);
    memset(&x, 0, sizeof x);
    h = c->curl.easy_init();
    if (!h)
        return cardc__error(err, CARDC_E_NOMEM, "cannot create a libcurl handle");
    if ((st = build_headers(c, req, &headers, &auth, err)) != CARDC_OK)
        goto out;
    x.c = c;
    x.req = req;
    x.h = h;
    errbuf[0] = '\0';
    if (setup(c, req, h, headers, errbuf, &x) != CARDC_OK) {
        st = cardc__error(err, CARDC_E_CONFIG, "libcurl refused an option for %s", req->url);
        goto out;
    }
    rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)(uintptr_t)&x ^ (uint64_t)clock();
    if (rng == 0)
        rng = 0x9e3779b97f4a7c15u;

    for (int attempt = 0;; attempt++) {
        CURLcode rc;
        long status = 0;
        char *ct = NULL;

        cardc__strbuf_free(&x.body);
        x.total = 0;
        x.mode = 0;
        x.too_large = x.sse_failed = x.stream_over = 0;
        x.retry_after_ms = -1;
        errbuf[0] = '\0';
        rc = c->curl.easy_perform(h);
        resp->attempts = attempt + 1;
        if ((st = transfer_limits(c, req, &x, rc, err)) != CARDC_OK)
            goto out;
        if (rc == CURLE_WRITE_ERROR && x.stream_over)
            rc = CURLE_OK;
        if (rc != CURLE_OK) {
            size_t events = req->sse ? req->sse->events : 0;
            /* Events already handed to the caller cannot be taken back. */
            if (events == 0 && !(x.mode == 2 && x.total > 0) && curl_retryable(&c->curl, rc, h) &&
                attempt < c->max_retries) {
                cardc__sleep_ms(
                    cardc__backoff_ms(c->retry_base_ms, c->retry_max_ms, attempt, -1, &rng));
                continue;
            }
            st = transfer_error(c, req, rc, h, errbuf, attempt + 1, events, err);
            goto out;
        }
        c->curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (x.mode == 0)
            x.mode = decide_mode(&x);
        if ((status == 429 || status >= 500) && attempt < c->max_retries &&
            (!req->retryable || req->retryable(status, x.body.s, x.body.len))) {
            cardc__sleep_ms(cardc__backoff_ms(c->retry_base_ms, c->retry_max_ms, attempt,
                                              x.retry_after_ms, &rng));
            continue;
        }
        resp->status = status;
        resp->streamed = x.mode == 2;
        resp->len = x.body.len;
        resp->body = cardc__strbuf_take(&x.body);
        c->curl.easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
        if (ct && !(resp->content_type = strdup(ct))) {
            cardc__http_response_free(resp);
            st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
            goto out;
        }
        if (status < 200 || status >= 300) {
            blank_secret(resp->body, resp->len, c->api_token);
            blank_secret(resp->body, resp->len, c->gateway_token);
        }
        break;
    }

out:
    cardc__strbuf_free(&x.body);
    if (auth.s)
        memset(auth.s, 0, auth.cap);
    cardc__strbuf_free(&auth);
    for (struct curl_slist *l = headers; l; l = l->next)
        memset(l->data, 0, strlen(l->data));
    c->curl.slist_free_all(headers);
    c->curl.easy_cleanup(h);
    return st;
}
