/* SPDX-License-Identifier: MIT */
/* client_sse.c - a text/event-stream parser that takes the bytes in
 * whatever chunks the network delivers them. */
#include "client/client_internal.h"

static int dispatch(cardc__sse *p)
{
    const char *d;
    size_t n;

    if (!p->has_data)
        return 0;
    p->has_data = 0;
    d = p->data.s ? p->data.s : "";
    n = p->data.len;
    if (n == 6 && memcmp(d, "[DONE]", 6) == 0) {
        p->done = 1;
        strbuf_truncate(&p->data, 0);
        return 1;
    }
    p->events++;
    if (p->fn && p->fn(p->user, d, n) != 0)
        p->stopped = 1;
    strbuf_truncate(&p->data, 0);
    return p->stopped;
}

/* One complete line (without its terminator). */
static int line(cardc__sse *p, const char *s, size_t n)
{
    const char *colon;
    size_t name_len;
    const char *value = "";
    size_t value_len = 0;

    if (n == 0)
        return dispatch(p);
    if (s[0] == ':')
        return 0; /* comment, e.g. a keep-alive */
    colon = memchr(s, ':', n);
    name_len = colon ? (size_t)(colon - s) : n;
    if (colon) {
        value = colon + 1;
        value_len = n - name_len - 1;
        if (value_len > 0 && *value == ' ') {
            value++;
            value_len--;
        }
    }
    if (name_len != 4 || memcmp(s, "data", 4) != 0)
        return 0; /* event, id, retry: nothing here depends on them */
    if (p->has_data)
        strbuf_add(&p->data, "\n", 1);
    strbuf_add(&p->data, value, value_len);
    if (!p->data.s && !p->data.oom)
        strbuf_add(&p->data, "", 0); /* an empty "data:" is still data */
    p->has_data = 1;
    if (p->data.oom)
        return -1;
    if (p->max_event_bytes && p->data.len > p->max_event_bytes) {
        p->too_large = 1;
        return -1;
    }
    return 0;
}

int cardc__sse_feed(cardc__sse *p, const char *buf, size_t len)
{
    size_t i = 0, start;
    int r;

    if (p->done || p->stopped)
        return 1;
    if (p->last_cr && len > 0 && buf[0] == '\n')
        i = 1;
    p->last_cr = 0;
    start = i;
    for (; i < len; i++) {
        if (buf[i] != '\n' && buf[i] != '\r')
            continue;
        if (p->line.len > 0) {
            strbuf_add(&p->line, buf + start, i - start);
            if (p->line.oom)
                return -1;
            r = line(p, p->line.s, p->line.len);
            strbuf_truncate(&p->line, 0);
        } else {
            r = line(p, buf + start, i - start);
        }
        if (r != 0)
            return r;
        if (buf[i] == '\r') {
            if (i + 1 < len && buf[i + 1] == '\n')
                i++;
            else if (i + 1 == len)
                p->last_cr = 1;
        }
        start = i + 1;
    }
    if (start < len) {
        strbuf_add(&p->line, buf + start, len - start);
        if (p->line.oom)
            return -1;
        if (p->max_event_bytes && p->line.len > p->max_event_bytes) {
            p->too_large = 1;
            return -1;
        }
    }
    return 0;
}

void cardc__sse_free(cardc__sse *p)
{
    cardc__strbuf_free(&p->line);
    cardc__strbuf_free(&p->data);
}
