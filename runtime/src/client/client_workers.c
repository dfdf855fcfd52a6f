/* SPDX-License-Identifier: MIT */
/* client_workers.c - Cloudflare Workers AI's REST shape: URLs, the
 * {result, success, errors, messages} envelope and its error codes. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "client/client_internal.h"
#include "common/errors_internal.h"

/* Cloudflare's codes (workers-ai/platform/errors). */
enum {
    CF_TOO_LARGE = 3006,
    CF_QUOTA = 3036,
    CF_CAPACITY = 3040,
    CF_INVALID_MODEL_ID = 3042,
    CF_NO_SUCH_MODEL = 5007
};

static void url_part(strbuf *b, const char *s, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~", ch) || (ch && strchr(keep, ch))) {
            strbuf_add(b, s, 1);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            strbuf_add(b, e, 3);
        }
    }
}

char *cardc__workers_run_url(const char *base, const char *account, const char *model)
{
    strbuf b = {0};
    strbuf_str(&b, base);
    strbuf_str(&b, "/accounts/");
    url_part(&b, account, "");
    strbuf_str(&b, "/ai/run/");
    url_part(&b, model, "/@:+");
    return cardc__strbuf_take(&b);
}

char *cardc__gateway_url(const char *base, const char *account, const char *gateway,
                         const char *model)
{
    strbuf b = {0};
    strbuf_str(&b, base);
    strbuf_str(&b, "/");
    url_part(&b, account, "");
    strbuf_str(&b, "/");
    url_part(&b, gateway, "");
    strbuf_str(&b, "/workers-ai/");
    if (model)
        url_part(&b, model, "/@:+");
    else
        strbuf_str(&b, "v1/chat/completions");
    return cardc__strbuf_take(&b);
}

char *cardc__workers_schema_url(const char *base, const char *account, const char *model)
{
    strbuf b = {0};
    strbuf_str(&b, base);
    strbuf_str(&b, "/accounts/");
    url_part(&b, account, "");
    strbuf_str(&b, "/ai/models/schema?model=");
    url_part(&b, model, "/@:");
    return cardc__strbuf_take(&b);
}

cardc_status cardc__status_code(long status)
{
    if (status == 429)
        return CARDC_E_RATE_LIMIT;
    if (status == 413)
        return CARDC_E_TOO_LARGE;
    if (status == 401 || status == 403)
        return CARDC_E_AUTH;
    if (status == 408)
        return CARDC_E_TIMEOUT;
    return CARDC_E_BACKEND;
}

/* Quotes the start of a body that is not an envelope: printable ASCII
 * only, so a binary or hostile body cannot garble a terminal. */
static void quote_body(char *dst, size_t size, const char *body, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        unsigned char ch = (unsigned char)body[i];
        dst[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : ' ';
    }
    dst[o] = '\0';
}

cardc_status cardc__workers_status_error(long status, const char *body, size_t len,
                                         cardc_error *err)
{
    char q[201];

    if (!body || len == 0)
        return cardc__error(err, cardc__status_code(status),
                            "Workers AI: HTTP %ld with an empty body", status);
    quote_body(q, sizeof q, body, len);
    return cardc__error(err, cardc__status_code(status), "Workers AI: HTTP %ld: %s%s", status, q,
                        len > 200 ? "..." : "");
}

typedef struct codes {
    int quota, capacity, too_large, unknown_model;
} codes;

/* "code N: message; code M: message" from the envelope's errors. */
static void describe_errors(struct json_object *list, strbuf *msg, codes *k)
{
    size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(list, i), *v;
        int64_t code = 0;
        if (json_object_object_get_ex(e, "code", &v) &&
            (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_string)))
            code = json_object_get_int64(v);
        k->quota |= code == CF_QUOTA;
        k->capacity |= code == CF_CAPACITY;
        k->too_large |= code == CF_TOO_LARGE;
        k->unknown_model |= code == CF_NO_SUCH_MODEL || code == CF_INVALID_MODEL_ID;
        if (i >= 4)
            continue; /* the message has room for a few */
        if (msg->len)
            strbuf_str(msg, "; ");
        if (code)
            strbuf_printf(msg, "code %lld: ", (long long)code);
        if (json_object_object_get_ex(e, "message", &v) && json_object_is_type(v, json_type_string))
            strbuf_add(msg, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        else if (json_object_is_type(e, json_type_string))
            strbuf_add(msg, json_object_get_string(e), (size_t)json_object_get_string_len(e));
        else
            strbuf_str(msg, "(no message)");
    }
    if (n > 4)
        strbuf_printf(msg, "; and %zu more", n - 4);
}

static cardc_status map_failure(long status, const codes *k)
{
    if (status == 429)
        return k->quota ? CARDC_E_QUOTA : CARDC_E_RATE_LIMIT;
    if (k->quota)
        return CARDC_E_QUOTA;
    if (k->capacity)
        return CARDC_E_RATE_LIMIT;
    if (status == 413 || k->too_large)
        return CARDC_E_TOO_LARGE;
    if (k->unknown_model)
        return CARDC_E_UNKNOWN_MODEL;
    return cardc__status_code(status);
}

static int is_2xx(long status)
{
    return status >= 200 && status < 300;
}

cardc_status cardc__workers_unwrap(long status, const char *body, size_t len, char **result,
                                   size_t *result_len, cardc_error *err)
{
    struct json_object *doc = NULL, *v, *res = NULL, *errors = NULL;
    cardc_error pe;
    cardc_status st;
    strbuf msg = {0};
    codes k = {0, 0, 0, 0};
    int success = -1;

    *result = NULL;
    *result_len = 0;
    cardc_error_clear(&pe);
    if (!body || cardc_json_parse(body, len, "<answer>", 0, &doc, &pe) != CARDC_OK) {
        if (!is_2xx(status))
            return cardc__workers_status_error(status, body, len, err);
        return cardc__error(err, CARDC_E_BACKEND, "Workers AI answered malformed JSON: %s",
                            body ? pe.message : "empty body");
    }
    if (!json_object_is_type(doc, json_type_object)) {
        json_object_put(doc);
        if (!is_2xx(status))
            return cardc__workers_status_error(status, body, len, err);
        return cardc__error(err, CARDC_E_BACKEND,
                            "Workers AI answered JSON that is not an envelope "
                            "({result, success, errors, messages})");
    }
    if (json_object_object_get_ex(doc, "success", &v) && json_object_is_type(v, json_type_boolean))
        success = json_object_get_boolean(v);
    json_object_object_get_ex(doc, "result", &res);
    json_object_object_get_ex(doc, "errors", &errors);

    if (is_2xx(status) && success == 1) {
        if (!json_object_object_get_ex(doc, "result", &res)) {
            json_object_put(doc);
            return cardc__error(err, CARDC_E_BACKEND,
                                "Workers AI answered success without a result");
        }
        *result = cardc_json_dump(res, 0);
        json_object_put(doc);
        if (!*result)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        *result_len = strlen(*result);
        return CARDC_OK;
    }
    if (is_2xx(status) && success == -1) {
        json_object_put(doc);
        return cardc__error(err, CARDC_E_BACKEND,
                            "Workers AI answered JSON that is not an envelope "
                            "({result, success, errors, messages})");
    }
    describe_errors(errors, &msg, &k);
    /* A 2xx with success false has no failure status of its own. */
    st = map_failure(is_2xx(status) ? 0 : status, &k);
    if (msg.oom)
        st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
    else if (msg.len)
        cardc__error(err, st, "Workers AI: HTTP %ld: %s", status, msg.s);
    else
        cardc__error(err, st, "Workers AI: HTTP %ld, success false, no error message", status);
    cardc__strbuf_free(&msg);
    json_object_put(doc);
    return st;
}

int cardc__workers_retryable(long status, const char *body, size_t len)
{
    struct json_object *doc = NULL, *errors;
    strbuf msg = {0};
    codes k = {0, 0, 0, 0};

    if (status != 429 || !body)
        return 1;
    if (cardc_json_parse(body, len, NULL, 0, &doc, NULL) != CARDC_OK)
        return 1;
    if (json_object_object_get_ex(doc, "errors", &errors))
        describe_errors(errors, &msg, &k);
    cardc__strbuf_free(&msg);
    json_object_put(doc);
    return !k.quota;
}
