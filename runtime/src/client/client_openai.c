/* SPDX-License-Identifier: MIT */
/* client_openai.c - the OpenAI-compatible chat-completions shape (vLLM,
 * llama.cpp's llama-server, Ollama's /v1): a card's LLaVA-style input
 * becomes a chat request with the image as a data URL, and the answer's
 * text becomes the card's output. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "client/client_internal.h"
#include "common/errors_internal.h"

char *cardc__openai_url(const char *base)
{
    strbuf b = {0};
    strbuf_str(&b, base);
    strbuf_str(&b, "/chat/completions");
    return cardc__strbuf_take(&b);
}

const char *cardc__mime_sniff(const uint8_t *p, size_t n)
{
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return "image/jpeg";
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
        return "image/gif";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    return "application/octet-stream";
}

/* ---- Request ------------------------------------------------------------------ */

/* The image's bytes, from an array of 0..255 or a binary string. */
static cardc_status image_bytes(struct json_object *image, uint8_t **out, size_t *len,
                                cardc_error *err)
{
    *out = NULL;
    *len = 0;
    if (json_object_is_type(image, json_type_string)) {
        size_t n = (size_t)json_object_get_string_len(image);
        *out = malloc(n ? n : 1);
        if (!*out)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        memcpy(*out, json_object_get_string(image), n);
        *len = n;
        return CARDC_OK;
    }
    if (json_object_is_type(image, json_type_array)) {
        size_t n = json_object_array_length(image);
        *out = malloc(n ? n : 1);
        if (!*out)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            struct json_object *v = json_object_array_get_idx(image, i);
            int64_t b;
            if (!json_object_is_type(v, json_type_int) || (b = json_object_get_int64(v)) < 0 ||
                b > 255) {
                free(*out);
                *out = NULL;
                return cardc__error(err, CARDC_E_USAGE, "image[%zu] is not a byte (0..255)", i);
            }
            (*out)[i] = (uint8_t)b;
        }
        *len = n;
        return CARDC_OK;
    }
    return cardc__error(err, CARDC_E_USAGE, "image must be an array of bytes or a binary string");
}

static struct json_object *image_part(const uint8_t *data, size_t len)
{
    strbuf url = {0};
    struct json_object *part, *iu;

    strbuf_str(&url, "data:");
    strbuf_str(&url, cardc__mime_sniff(data, len));
    strbuf_str(&url, ";base64,");
    cardc__base64_append(&url, data, len);
    /* json-c lengths are ints. */
    if (url.oom || url.len > INT_MAX) {
        cardc__strbuf_free(&url);
        return NULL;
    }
    part = json_object_new_object();
    iu = json_object_new_object();
    if (!part || !iu) {
        json_object_put(part);
        json_object_put(iu);
        cardc__strbuf_free(&url);
        return NULL;
    }
    json_object_object_add(iu, "url", json_object_new_string_len(url.s, (int)url.len));
    cardc__strbuf_free(&url);
    json_object_object_add(part, "type", json_object_new_string("image_url"));
    json_object_object_add(part, "image_url", iu);
    return part;
}

/* {"role": "user", "content": [text part?, image part]} */
static struct json_object *user_with_image(struct json_object *text, struct json_object *img)
{
    struct json_object *msg = json_object_new_object(), *parts = json_object_new_array();

    if (!msg || !parts) {
        json_object_put(msg);
        json_object_put(parts);
        return NULL;
    }
    if (text) {
        struct json_object *t = json_object_new_object();
        if (!t) {
            json_object_put(msg);
            json_object_put(parts);
            return NULL;
        }
        json_object_object_add(t, "type", json_object_new_string("text"));
        json_object_object_add(t, "text", json_object_get(text));
        json_object_array_add(parts, t);
    }
    json_object_array_add(parts, json_object_get(img));
    json_object_object_add(msg, "role", json_object_new_string("user"));
    json_object_object_add(msg, "content", parts);
    return msg;
}

static int is_user(struct json_object *m)
{
    struct json_object *role;
    return json_object_object_get_ex(m, "role", &role) &&
           json_object_is_type(role, json_type_string) &&
           strcmp(json_object_get_string(role), "user") == 0;
}

static cardc_status build_messages(struct json_object *in, struct json_object *img,
                                   struct json_object *messages, cardc_error *err)
{
    struct json_object *prompt = NULL, *list = NULL;
    size_t n, last_user = (size_t)-1;

    if (in) {
        json_object_object_get_ex(in, "prompt", &prompt);
        json_object_object_get_ex(in, "messages", &list);
    }
    if (prompt && !json_object_is_type(prompt, json_type_string))
        return cardc__error(err, CARDC_E_USAGE, "prompt must be a string");
    if (list && !json_object_is_type(list, json_type_array))
        return cardc__error(err, CARDC_E_USAGE, "messages must be an array");
    if (list) {
        n = json_object_array_length(list);
        for (size_t i = 0; i < n; i++) {
            struct json_object *m = json_object_array_get_idx(list, i);
            if (!json_object_is_type(m, json_type_object))
                return cardc__error(err, CARDC_E_USAGE, "messages[%zu] must be an object", i);
            if (is_user(m))
                last_user = i;
        }
        for (size_t i = 0; i < n; i++) {
            struct json_object *m = json_object_array_get_idx(list, i), *content = NULL, *out;
            if (img && i == last_user) {
                /* The image goes with the user's last turn, the one it is
                 * asked about. */
                json_object_object_get_ex(m, "content", &content);
                out = user_with_image(content, img);
            } else {
                out = json_object_get(m);
            }
            if (!out || json_object_array_add(messages, out) != 0)
                return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        }
    }
    if (prompt || (img && last_user == (size_t)-1)) {
        struct json_object *m;
        if (img) {
            m = user_with_image(prompt, img);
        } else {
            m = json_object_new_object();
            if (m) {
                json_object_object_add(m, "role", json_object_new_string("user"));
                json_object_object_add(m, "content", json_object_get(prompt));
            }
        }
        if (!m || json_object_array_add(messages, m) != 0)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    if (json_object_array_length(messages) == 0)
        return cardc__error(err, CARDC_E_USAGE,
                            "the input has no prompt, messages or image to send");
    return CARDC_OK;
}

cardc_status cardc__openai_request(const char *model, const char *input, size_t len, int raw_body,
                                   int stream, char **body, size_t *body_len, cardc_error *err)
{
    static const char *const passed[] = {"temperature", "max_tokens",        "top_p",
                                         "seed",        "frequency_penalty", "presence_penalty"};
    struct json_object *in = NULL, *root = NULL, *messages = NULL, *img = NULL, *v;
    uint8_t *bytes = NULL;
    size_t nbytes = 0;
    cardc_status st = CARDC_OK;

    *body = NULL;
    *body_len = 0;
    if (raw_body) {
        bytes = malloc(len ? len : 1);
        if (!bytes)
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        if (len)
            memcpy(bytes, input, len);
        nbytes = len;
    } else {
        if ((st = cardc_json_parse(input, len, "<input>", 0, &in, err)) != CARDC_OK)
            return st;
        if (!json_object_is_type(in, json_type_object)) {
            json_object_put(in);
            return cardc__error(err, CARDC_E_USAGE,
                                "the OpenAI-compatible backend needs an object input");
        }
        if (json_object_object_get_ex(in, "image", &v) &&
            (st = image_bytes(v, &bytes, &nbytes, err)) != CARDC_OK)
            goto out;
    }
    root = json_object_new_object();
    messages = json_object_new_array();
    if (!root || !messages) {
        json_object_put(messages);
        st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
        goto out;
    }
    json_object_object_add(root, "model", json_object_new_string(model));
    json_object_object_add(root, "messages", messages);
    if (bytes && !(img = image_part(bytes, nbytes))) {
        st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
        goto out;
    }
    if ((st = build_messages(in, img, messages, err)) != CARDC_OK)
        goto out;
    for (size_t i = 0; in && i < sizeof passed / sizeof passed[0]; i++)
        if (json_object_object_get_ex(in, passed[i], &v))
            json_object_object_add(root, passed[i], json_object_get(v));
    json_object_object_add(root, "stream", json_object_new_boolean(stream != 0));
    *body = cardc_json_dump(root, 0);
    if (!*body)
        st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
    else
        *body_len = strlen(*body);
out:
    json_object_put(img);
    json_object_put(root);
    json_object_put(in);
    free(bytes);
    return st;
}

/* ---- Answer -------------------------------------------------------------------- */

/* The error text of an OpenAI-style failure: {"error": {"message"}},
 * {"error": "text"} (Ollama, some proxies) or {"message"} (vLLM). */
static const char *error_text(struct json_object *doc, const char **type)
{
    struct json_object *e, *v;

    *type = NULL;
    if (json_object_object_get_ex(doc, "error", &e)) {
        if (json_object_is_type(e, json_type_string))
            return json_object_get_string(e);
        if (json_object_object_get_ex(e, "type", &v) && json_object_is_type(v, json_type_string))
            *type = json_object_get_string(v);
        if (json_object_object_get_ex(e, "code", &v) && json_object_is_type(v, json_type_string))
            *type = json_object_get_string(v);
        if (json_object_object_get_ex(e, "message", &v) && json_object_is_type(v, json_type_string))
            return json_object_get_string(v);
        return "(no message)";
    }
    if (json_object_object_get_ex(doc, "message", &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

static int mentions_model(const char *s)
{
    return s && (strstr(s, "model") || strstr(s, "Model"));
}

static cardc_status failure(long status, struct json_object *doc, const char *body, size_t len,
                            cardc_error *err)
{
    const char *type = NULL;
    const char *msg = doc ? error_text(doc, &type) : NULL;
    cardc_status st = cardc__status_code(status);
    char q[201];
    size_t o = 0;

    if (status == 404 && mentions_model(msg))
        st = CARDC_E_UNKNOWN_MODEL;
    if (status == 429 && type && strstr(type, "quota"))
        st = CARDC_E_QUOTA;
    if (status >= 200 && status < 300)
        st = CARDC_E_BACKEND;
    if (msg)
        return cardc__error(err, st, "server: HTTP %ld: %s", status, msg);
    for (size_t i = 0; body && i < len && o + 1 < sizeof q; i++) {
        unsigned char ch = (unsigned char)body[i];
        q[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : ' ';
    }
    q[o] = '\0';
    if (!o)
        return cardc__error(err, st, "server: HTTP %ld with an empty body", status);
    return cardc__error(err, st, "server: HTTP %ld: %s%s", status, q, len > 200 ? "..." : "");
}

static cardc_status text_of(struct json_object *content, strbuf *text, cardc_error *err)
{
    if (json_object_is_type(content, json_type_string)) {
        strbuf_add(text, json_object_get_string(content),
                   (size_t)json_object_get_string_len(content));
    } else if (json_object_is_type(content, json_type_array)) {
        /* Content parts: the text ones, in order. */
        for (size_t i = 0; i < json_object_array_length(content); i++) {
            struct json_object *p = json_object_array_get_idx(content, i), *t;
            if (json_object_object_get_ex(p, "text", &t) &&
                json_object_is_type(t, json_type_string))
                strbuf_add(text, json_object_get_string(t), (size_t)json_object_get_string_len(t));
        }
    } else {
        return cardc__error(err, CARDC_E_BACKEND,
                            "the answer has no text in choices[0].message.content");
    }
    if (!text->s)
        strbuf_add(text, "", 0);
    return text->oom ? cardc__error(err, CARDC_E_NOMEM, "out of memory") : CARDC_OK;
}

static cardc_status wrap_text(const char *key, const char *text, size_t len, char **out,
                              size_t *out_len, cardc_error *err)
{
    struct json_object *o;

    if (len > INT_MAX)
        return cardc__error(err, CARDC_E_TOO_LARGE, "the answer's text is over %d bytes", INT_MAX);
    o = json_object_new_object();
    if (!o || json_object_object_add(o, key, json_object_new_string_len(text, (int)len)) != 0) {
        json_object_put(o);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    *out = cardc_json_dump(o, 0);
    json_object_put(o);
    if (!*out)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    *out_len = strlen(*out);
    return CARDC_OK;
}

static struct json_object *first_choice(struct json_object *doc, const char *member)
{
    struct json_object *choices, *c0, *m;
    if (!json_object_object_get_ex(doc, "choices", &choices) ||
        !json_object_is_type(choices, json_type_array) || json_object_array_length(choices) == 0)
        return NULL;
    c0 = json_object_array_get_idx(choices, 0);
    if (!json_object_object_get_ex(c0, member, &m) || !json_object_is_type(m, json_type_object))
        return NULL;
    return m;
}

cardc_status cardc__openai_answer(long status, const char *body, size_t len, const char *task_type,
                                  char **out, size_t *out_len, cardc_error *err)
{
    struct json_object *doc = NULL, *msg, *content = NULL;
    cardc_error pe;
    strbuf text = {0};
    cardc_status st;

    *out = NULL;
    *out_len = 0;
    cardc_error_clear(&pe);
    if (!body || cardc_json_parse(body, len, "<answer>", 0, &doc, &pe) != CARDC_OK) {
        if (status < 200 || status >= 300)
            return failure(status, NULL, body, len, err);
        return cardc__error(err, CARDC_E_BACKEND, "the server answered malformed JSON: %s",
                            body ? pe.message : "empty body");
    }
    if (status < 200 || status >= 300 || json_object_object_get_ex(doc, "error", NULL)) {
        st = failure(status, json_object_is_type(doc, json_type_object) ? doc : NULL, body, len,
                     err);
        json_object_put(doc);
        return st;
    }
    msg = first_choice(doc, "message");
    if (!msg || !json_object_object_get_ex(msg, "content", &content)) {
        json_object_put(doc);
        return cardc__error(err, CARDC_E_BACKEND, "the answer has no choices[0].message.content");
    }
    st = text_of(content, &text, err);
    if (st == CARDC_OK)
        st = wrap_text(task_type && strcmp(task_type, "image-to-text") == 0 ? "description"
                                                                            : "response",
                       text.s, text.len, out, out_len, err);
    cardc__strbuf_free(&text);
    json_object_put(doc);
    return st;
}

cardc_status cardc__openai_chunk(const char *data, size_t len, char **out, size_t *out_len,
                                 cardc_error *err)
{
    struct json_object *doc = NULL, *delta, *content;
    cardc_error pe;
    cardc_status st = CARDC_OK;

    *out = NULL;
    *out_len = 0;
    cardc_error_clear(&pe);
    if (cardc_json_parse(data, len, "<event>", 0, &doc, &pe) != CARDC_OK)
        return cardc__error(err, CARDC_E_BACKEND, "a streamed chunk is malformed JSON: %s",
                            pe.message);
    if (json_object_object_get_ex(doc, "error", NULL)) {
        st = failure(200, doc, data, len, err);
    } else if ((delta = first_choice(doc, "delta")) != NULL &&
               json_object_object_get_ex(delta, "content", &content) &&
               json_object_is_type(content, json_type_string) &&
               json_object_get_string_len(content) > 0) {
        st = wrap_text("response", json_object_get_string(content),
                       (size_t)json_object_get_string_len(content), out, out_len, err);
    }
    json_object_put(doc);
    return st;
}
