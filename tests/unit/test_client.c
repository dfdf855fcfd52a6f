/* SPDX-License-Identifier: MIT */
/* test_client.c - the inference client's parts that need no server:
 * options and environment, URLs, the Workers AI envelope and its error
 * mapping, OpenAI request and answer shapes, base64 and MIME sniffing, the
 * SSE parser on chunked input, the backoff schedule, Retry-After, and the
 * token kept out of every error. (Calls against a local HTTP server are
 * the mock server's end-to-end tests.) */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc/client.h"
#include "check.h"
#include "client/client_internal.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

#define TOKEN "tok-SECRET-0123456789abcdef"

static void clear_env(void)
{
    unsetenv("CLOUDFLARE_ACCOUNT_ID");
    unsetenv("CLOUDFLARE_API_TOKEN");
    unsetenv("OPENAI_BASE_URL");
    unsetenv("OPENAI_API_KEY");
    unsetenv("CF_AIG_TOKEN");
}

/* AI Gateway options: the base URL's default, the credentials each backend
 * needs through it, the gateway token from the environment. */
static void test_gateway_options(void)
{
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_error e;

    clear_env();
    cardc_client_options_init(&o);
    CHECK(!o.gateway && !o.gateway_token);
    o.gateway = "gw-1";
    o.account_id = "acct";
    o.api_token = TOKEN;
    setenv("CF_AIG_TOKEN", "aig-env-token", 1);
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c) {
        CHECK_STR(c->base_url, CARDC__GATEWAY_DEFAULT_BASE);
        CHECK_STR(c->base_url, "https://gateway.ai.cloudflare.com/v1");
        CHECK_STR(c->gateway, "gw-1");
        CHECK_STR(c->gateway_token, "aig-env-token");
    }
    cardc_client_free(c);
    c = NULL;
    /* the option wins; no gateway, no gateway token */
    o.gateway_token = "aig-opt-token";
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c)
        CHECK_STR(c->gateway_token, "aig-opt-token");
    cardc_client_free(c);
    c = NULL;
    o.gateway = NULL;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c)
        CHECK(c->gateway == NULL && c->gateway_token == NULL);
    cardc_client_free(c);
    c = NULL;
    /* the OpenAI-compatible route through a gateway is Workers AI's:
     * account and token required, from CLOUDFLARE_* */
    cardc_client_options_init(&o);
    o.backend = CARDC_BACKEND_OPENAI;
    o.gateway = "gw-1";
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG &&
          strstr(e.message, "CLOUDFLARE_ACCOUNT_ID") && strstr(e.message, "AI Gateway"));
    o.account_id = "acct";
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG &&
          strstr(e.message, "CLOUDFLARE_API_TOKEN"));
    setenv("CLOUDFLARE_API_TOKEN", TOKEN, 1);
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c)
        CHECK(c->account_id && c->api_token && strcmp(c->api_token, TOKEN) == 0);
    cardc_client_free(c);
    c = NULL;
    /* bad values, never quoted */
    o.gateway = "gw/../x";
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    o.gateway = "gw";
    o.gateway_token = "aig-SECRET\r\nX-Evil: 1";
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG && !strstr(e.message, "aig-SECRET"));
    /* the schema endpoint is not behind a gateway */
    o.gateway_token = NULL;
    o.backend = CARDC_BACKEND_WORKERS_AI;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    {
        char *card = NULL;
        cardc_error_clear(&e);
        CHECK(cardc_client_fetch_schema(c, "@cf/x", &card, &e) == CARDC_E_CONFIG &&
              strstr(e.message, "AI Gateway") && !card);
    }
    cardc_client_free(c);
    clear_env();
}

/* ---- Options and environment ------------------------------------------------ */

static void test_options(void)
{
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_error e;

    cardc_client_options_init(&o);
    CHECK(o.backend == CARDC_BACKEND_WORKERS_AI);
    CHECK(o.connect_timeout_ms == 10000 && o.timeout_ms == 120000);
    CHECK(o.max_retries == 3 && o.retry_base_ms == 500 && o.retry_max_ms == 30000);
    CHECK(o.max_response_bytes == (size_t)64 << 20);
    CHECK(!o.base_url && !o.account_id && !o.api_token && !o.model && !o.ca_file);

    clear_env();
    /* Workers AI: each missing credential is named, option and variable. */
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG && c == NULL);
    CHECK_MSG(strstr(e.message, "CLOUDFLARE_ACCOUNT_ID") && strstr(e.message, "account_id"),
              "message: %s", e.message);
    setenv("CLOUDFLARE_ACCOUNT_ID", "", 1); /* empty counts as missing */
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG);
    CHECK(strstr(e.message, "CLOUDFLARE_ACCOUNT_ID") != NULL);
    setenv("CLOUDFLARE_ACCOUNT_ID", "acct-env", 1);
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG);
    CHECK_MSG(strstr(e.message, "CLOUDFLARE_API_TOKEN") && strstr(e.message, "api_token"),
              "message: %s", e.message);
    setenv("CLOUDFLARE_API_TOKEN", TOKEN, 1);
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_OK && c != NULL);
    if (c) {
        CHECK_STR(c->base_url, CARDC__WORKERS_AI_DEFAULT_BASE);
        CHECK_STR(c->account_id, "acct-env");
        CHECK_STR(c->api_token, TOKEN);
        CHECK(c->model == NULL);
    }
    cardc_client_free(c);
    c = NULL;

    /* Options win over the environment; a trailing '/' is dropped. */
    o.account_id = "acct-opt";
    o.api_token = "tok-opt-xyz";
    o.base_url = "http://127.0.0.1:9/client/v4//";
    o.model = "@cf/other";
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c) {
        CHECK_STR(c->account_id, "acct-opt");
        CHECK_STR(c->api_token, "tok-opt-xyz");
        CHECK_STR(c->base_url, "http://127.0.0.1:9/client/v4");
        CHECK_STR(c->model, "@cf/other");
    }
    cardc_client_free(c);
    c = NULL;

    /* Invalid values. */
    cardc_client_options_init(&o);
    o.base_url = "ftp://example.invalid";
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG && strstr(e.message, "http://"));
    cardc_client_options_init(&o);
    o.timeout_ms = 0;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.connect_timeout_ms = -1;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.max_retries = 11;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.max_retries = -1;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.retry_base_ms = 5000;
    o.retry_max_ms = 10;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.max_response_bytes = 0;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.account_id = "a/b";
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    cardc_client_options_init(&o);
    o.backend = (cardc_backend)0; /* a struct never initialised */
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_E_CONFIG);
    /* A token that would smuggle a header: refused, and not quoted. */
    cardc_client_options_init(&o);
    o.api_token = TOKEN "\r\nX-Evil: 1";
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG);
    CHECK(strstr(e.message, TOKEN) == NULL);
    CHECK(c == NULL);
    CHECK(cardc_client_new(NULL, &c, NULL) == CARDC_E_USAGE);
    CHECK(cardc_client_new(&o, NULL, NULL) == CARDC_E_USAGE);
    cardc_client_free(NULL);

    /* OpenAI-compatible: the base URL is required, the key is not. */
    clear_env();
    cardc_client_options_init(&o);
    o.backend = CARDC_BACKEND_OPENAI;
    cardc_error_clear(&e);
    CHECK(cardc_client_new(&o, &c, &e) == CARDC_E_CONFIG);
    CHECK_MSG(strstr(e.message, "OPENAI_BASE_URL") && strstr(e.message, "base_url"), "message: %s",
              e.message);
    setenv("OPENAI_BASE_URL", "http://localhost:8000/v1/", 1);
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c) {
        CHECK_STR(c->base_url, "http://localhost:8000/v1");
        CHECK(c->api_token == NULL);
        CHECK(c->account_id == NULL);
    }
    cardc_client_free(c);
    c = NULL;
    setenv("OPENAI_API_KEY", "sk-local-abcdef", 1);
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (c)
        CHECK_STR(c->api_token, "sk-local-abcdef");
    cardc_client_free(c);
    clear_env();
}

/* ---- URLs ------------------------------------------------------------------- */

static void test_urls(void)
{
    char *u;

    u = cardc__workers_run_url("https://api.cloudflare.com/client/v4", "0123abc",
                               "@cf/llava-hf/llava-1.5-7b-hf");
    CHECK_STR(u, "https://api.cloudflare.com/client/v4/accounts/0123abc/ai/run/"
                 "@cf/llava-hf/llava-1.5-7b-hf");
    free(u);
    u = cardc__workers_run_url("http://h", "a b", "m?x#y z");
    CHECK_STR(u, "http://h/accounts/a%20b/ai/run/m%3Fx%23y%20z");
    free(u);
    u = cardc__workers_schema_url("http://h/v4", "acc", "@cf/meta/llama-3.1-8b-instruct");
    CHECK_STR(u, "http://h/v4/accounts/acc/ai/models/schema?model=@cf/meta/llama-3.1-8b-instruct");
    free(u);
    u = cardc__workers_schema_url("http://h", "acc", "a&b=c");
    CHECK_STR(u, "http://h/accounts/acc/ai/models/schema?model=a%26b%3Dc");
    free(u);
    u = cardc__openai_url("http://localhost:8080/v1");
    CHECK_STR(u, "http://localhost:8080/v1/chat/completions");
    free(u);
    /* AI Gateway: developers.cloudflare.com/ai-gateway/providers/workersai */
    u = cardc__gateway_url("https://gateway.ai.cloudflare.com/v1", "0123abc", "my-gw",
                           "@cf/llava-hf/llava-1.5-7b-hf");
    CHECK_STR(u, "https://gateway.ai.cloudflare.com/v1/0123abc/my-gw/workers-ai/"
                 "@cf/llava-hf/llava-1.5-7b-hf");
    free(u);
    u = cardc__gateway_url("https://gateway.ai.cloudflare.com/v1", "0123abc", "my gw", NULL);
    CHECK_STR(u, "https://gateway.ai.cloudflare.com/v1/0123abc/my%20gw/workers-ai/v1/chat/"
                 "completions");
    free(u);
}

/* ---- Workers AI envelope ------------------------------------------------------ */

static cardc_status unwrap(long status, const char *body, char **out, cardc_error *e)
{
    size_t n = 0;
    cardc_error_clear(e);
    return cardc__workers_unwrap(status, body, body ? strlen(body) : 0, out, &n, e);
}

static void test_workers(void)
{
    char *out = NULL;
    cardc_error e;
    static const struct {
        long status;
        const char *body;
        cardc_status want;
        const char *in_message;
    } cases[] = {
        {429,
         "{\"result\":null,\"success\":false,\"errors\":[{\"code\":3040,\"message\":"
         "\"Capacity temporarily exceeded, please try again.\"}],\"messages\":[]}",
         CARDC_E_RATE_LIMIT, "Capacity temporarily exceeded"},
        {429, "{\"success\":false,\"errors\":[{\"code\":3036,\"message\":\"Account limited\"}]}",
         CARDC_E_QUOTA, "code 3036: Account limited"},
        {429, "{\"success\":false,\"errors\":[]}", CARDC_E_RATE_LIMIT, "HTTP 429"},
        {413,
         "{\"success\":false,\"errors\":[{\"code\":3006,\"message\":\"Request is too large\"}]}",
         CARDC_E_TOO_LARGE, "Request is too large"},
        {200, "{\"success\":false,\"errors\":[{\"code\":3006,\"message\":\"too large\"}]}",
         CARDC_E_TOO_LARGE, "too large"},
        {400,
         "{\"success\":false,\"errors\":[{\"code\":5007,\"message\":\"No such model @cf/x or "
         "task\"}]}",
         CARDC_E_UNKNOWN_MODEL, "No such model @cf/x"},
        {404, "{\"success\":false,\"errors\":[{\"code\":3042,\"message\":\"Invalid model ID\"}]}",
         CARDC_E_UNKNOWN_MODEL, "Invalid model ID"},
        {401,
         "{\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Authentication error\"}]}",
         CARDC_E_AUTH, "Authentication error"},
        {403, "{\"success\":false,\"errors\":[{\"code\":5016,\"message\":\"agree first\"}]}",
         CARDC_E_AUTH, "agree first"},
        {500, "{\"success\":false,\"errors\":[{\"code\":3043,\"message\":\"Internal\"}]}",
         CARDC_E_BACKEND, "HTTP 500: code 3043: Internal"},
        {408, "{\"success\":false,\"errors\":[{\"code\":3007,\"message\":\"Timeout\"}]}",
         CARDC_E_TIMEOUT, "Timeout"},
        {400, "{\"success\":false,\"errors\":[{\"code\":5004,\"message\":\"bad base64\"}]}",
         CARDC_E_BACKEND, "bad base64"},
        {200, "{\"result\":{\"description\":\"x\"", CARDC_E_BACKEND, "malformed JSON"},
        {200, "[1,2]", CARDC_E_BACKEND, "envelope"},
        {200, "{\"description\":\"bare\"}", CARDC_E_BACKEND, "envelope"},
        {200, "{\"success\":true}", CARDC_E_BACKEND, "without a result"},
        {502, "<html>Bad\x01gateway</html>", CARDC_E_BACKEND, "HTTP 502: <html>Bad gateway</html>"},
        {503, "", CARDC_E_BACKEND, "empty body"},
    };

    CHECK(unwrap(200,
                 "{\"result\":{\"description\":\"A cat.\"},\"success\":true,\"errors\":[],"
                 "\"messages\":[]}",
                 &out, &e) == CARDC_OK);
    CHECK_STR(out, "{\"description\":\"A cat.\"}");
    free(out);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cardc_status st = unwrap(cases[i].status, cases[i].body, &out, &e);
        CHECK_MSG(st == cases[i].want, "case %zu: status %s, want %s (%s)", i,
                  cardc_status_name(st), cardc_status_name(cases[i].want), e.message);
        CHECK_MSG(strstr(e.message, cases[i].in_message) != NULL, "case %zu: message \"%s\"", i,
                  e.message);
        CHECK(out == NULL);
    }
    /* Many errors: the first few quoted, the rest counted. */
    CHECK(unwrap(500,
                 "{\"success\":false,\"errors\":[{\"code\":1,\"message\":\"a\"},{\"code\":2,"
                 "\"message\":\"b\"},{\"code\":3,\"message\":\"c\"},{\"code\":4,\"message\":"
                 "\"d\"},{\"code\":5,\"message\":\"e\"},{\"code\":6,\"message\":\"f\"}]}",
                 &out, &e) == CARDC_E_BACKEND);
    CHECK_MSG(strstr(e.message, "code 4: d; and 2 more") != NULL, "%s", e.message);

    CHECK(cardc__workers_retryable(429, "{\"errors\":[{\"code\":3036}]}", 26) == 0);
    CHECK(cardc__workers_retryable(429, "{\"errors\":[{\"code\":3040}]}", 26) == 1);
    CHECK(cardc__workers_retryable(503, "x", 1) == 1);
    CHECK(cardc__workers_retryable(429, "not json", 8) == 1);

    CHECK(cardc__status_code(401) == CARDC_E_AUTH);
    CHECK(cardc__status_code(429) == CARDC_E_RATE_LIMIT);
    CHECK(cardc__status_code(413) == CARDC_E_TOO_LARGE);
    CHECK(cardc__status_code(502) == CARDC_E_BACKEND);
}

/* ---- Base64 and MIME ---------------------------------------------------------- */

static void test_base64_mime(void)
{
    static const char *const vec[][2] = {{"", ""},
                                         {"f", "Zg=="},
                                         {"fo", "Zm8="},
                                         {"foo", "Zm9v"},
                                         {"foob", "Zm9vYg=="},
                                         {"fooba", "Zm9vYmE="},
                                         {"foobar", "Zm9vYmFy"}};
    static const uint8_t bin[] = {0x00, 0xff, 0xfe, 0x80, 0x7f};
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
    static const uint8_t jpg[] = {0xff, 0xd8, 0xff, 0xe0};
    static const uint8_t webp[] = {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P', 'V'};
    static const uint8_t wav[] = {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E'};

    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        strbuf b = {0};
        cardc__base64_append(&b, (const uint8_t *)vec[i][0], strlen(vec[i][0]));
        CHECK_STR(b.s ? b.s : "", vec[i][1]);
        cardc__strbuf_free(&b);
    }
    {
        strbuf b = {0};
        cardc__base64_append(&b, bin, sizeof bin);
        CHECK_STR(b.s, "AP/+gH8=");
        cardc__strbuf_free(&b);
    }
    CHECK_STR(cardc__mime_sniff(png, sizeof png), "image/png");
    CHECK_STR(cardc__mime_sniff(png, 7), "application/octet-stream");
    CHECK_STR(cardc__mime_sniff(jpg, sizeof jpg), "image/jpeg");
    CHECK_STR(cardc__mime_sniff((const uint8_t *)"GIF87a..", 8), "image/gif");
    CHECK_STR(cardc__mime_sniff((const uint8_t *)"GIF89a", 6), "image/gif");
    CHECK_STR(cardc__mime_sniff(webp, sizeof webp), "image/webp");
    CHECK_STR(cardc__mime_sniff(wav, sizeof wav), "application/octet-stream");
    CHECK_STR(cardc__mime_sniff((const uint8_t *)"", 0), "application/octet-stream");
    CHECK_STR(cardc__mime_sniff((const uint8_t *)"hello", 5), "application/octet-stream");
}

/* ---- OpenAI-compatible shapes -------------------------------------------------- */

static struct json_object *parse(const char *s)
{
    struct json_object *o = NULL;
    cardc_json_parse(s, strlen(s), NULL, 0, &o, NULL);
    return o;
}

static const char *at(struct json_object *o, const char *path)
{
    /* path like "messages/0/content/1/image_url/url" */
    char buf[256], *save = NULL, *tok;
    snprintf(buf, sizeof buf, "%s", path);
    for (tok = strtok_r(buf, "/", &save); tok && o; tok = strtok_r(NULL, "/", &save)) {
        if (json_object_is_type(o, json_type_array))
            o = json_object_array_get_idx(o, (size_t)atoi(tok));
        else if (!json_object_object_get_ex(o, tok, &o))
            o = NULL;
    }
    return o ? json_object_get_string(o) : NULL;
}

static void test_openai_request(void)
{
    char *body = NULL;
    size_t len = 0;
    cardc_error e;
    struct json_object *doc;
    const char *in = "{\"prompt\":\"What is this?\",\"image\":[137,80,78,71,13,10,26,10,0,1],"
                     "\"temperature\":0.2,\"max_tokens\":64,\"raw\":false}";
    const char *msgs =
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
        "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"},"
        "{\"role\":\"user\",\"content\":\"Describe it\"}],\"image\":[255,216,255,224]}";
    static const char gif[] = "GIF89a\x01\x00";

    cardc_error_clear(&e);
    CHECK(cardc__openai_request("llava-hf/llava-1.5-7b-hf", in, strlen(in), 0, 0, &body, &len,
                                &e) == CARDC_OK);
    doc = body ? parse(body) : NULL;
    CHECK(doc != NULL && len == strlen(body));
    CHECK_STR(at(doc, "model"), "llava-hf/llava-1.5-7b-hf");
    CHECK_STR(at(doc, "messages/0/role"), "user");
    CHECK_STR(at(doc, "messages/0/content/0/type"), "text");
    CHECK_STR(at(doc, "messages/0/content/0/text"), "What is this?");
    CHECK_STR(at(doc, "messages/0/content/1/type"), "image_url");
    CHECK_STR(at(doc, "messages/0/content/1/image_url/url"),
              "data:image/png;base64,iVBORw0KGgoAAQ==");
    CHECK_STR(at(doc, "temperature"), "0.2");
    CHECK_STR(at(doc, "max_tokens"), "64");
    CHECK_STR(at(doc, "stream"), "false");
    CHECK(at(doc, "raw") == NULL && at(doc, "image") == NULL && at(doc, "prompt") == NULL);
    json_object_put(doc);
    free(body);

    /* messages: kept in order, the image joins the last user turn. */
    CHECK(cardc__openai_request("m", msgs, strlen(msgs), 0, 1, &body, &len, &e) == CARDC_OK);
    doc = body ? parse(body) : NULL;
    CHECK_STR(at(doc, "messages/0/content"), "Be brief.");
    CHECK_STR(at(doc, "messages/1/content"), "Hi");
    CHECK_STR(at(doc, "messages/2/role"), "assistant");
    CHECK_STR(at(doc, "messages/3/role"), "user");
    CHECK_STR(at(doc, "messages/3/content/0/text"), "Describe it");
    CHECK_STR(at(doc, "messages/3/content/1/image_url/url"), "data:image/jpeg;base64,/9j/4A==");
    CHECK(at(doc, "messages/4") == NULL);
    CHECK_STR(at(doc, "stream"), "true");
    json_object_put(doc);
    free(body);

    /* The raw binary branch: the body is the image, no text. */
    CHECK(cardc__openai_request("m", gif, 8, 1, 0, &body, &len, &e) == CARDC_OK);
    doc = body ? parse(body) : NULL;
    CHECK_STR(at(doc, "messages/0/content/0/image_url/url"), "data:image/gif;base64,R0lGODlhAQA=");
    CHECK(at(doc, "messages/0/content/1") == NULL);
    json_object_put(doc);
    free(body);

    /* A binary-string image; a text-only prompt. */
    {
        const char *s = "{\"image\":\"RIFF1234WEBPVP8 \",\"prompt\":\"x\"}";
        CHECK(cardc__openai_request("m", s, strlen(s), 0, 0, &body, &len, &e) == CARDC_OK);
        doc = body ? parse(body) : NULL;
        CHECK(at(doc, "messages/0/content/1/image_url/url") &&
              strncmp(at(doc, "messages/0/content/1/image_url/url"), "data:image/webp;base64,",
                      23) == 0);
        json_object_put(doc);
        free(body);
        s = "{\"prompt\":\"Tell me a joke\"}";
        CHECK(cardc__openai_request("m", s, strlen(s), 0, 0, &body, &len, &e) == CARDC_OK);
        doc = body ? parse(body) : NULL;
        CHECK_STR(at(doc, "messages/0/content"), "Tell me a joke");
        json_object_put(doc);
        free(body);
    }
    /* Refused inputs. */
    {
        static const char *const bad[] = {"{}",
                                          "[1]",
                                          "{\"image\":[1,256]}",
                                          "{\"image\":[1,-1]}",
                                          "{\"image\":[1.5]}",
                                          "{\"image\":{}}",
                                          "{\"prompt\":3}",
                                          "{\"messages\":{}}",
                                          "{\"messages\":[1]}",
                                          "{"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            cardc_error_clear(&e);
            body = (char *)"unchanged";
            CHECK_MSG(cardc__openai_request("m", bad[i], strlen(bad[i]), 0, 0, &body, &len, &e) !=
                          CARDC_OK,
                      "accepted %s", bad[i]);
            CHECK(body == NULL && e.message[0]);
        }
    }
}

static void test_openai_answer(void)
{
    char *out = NULL;
    size_t n = 0;
    cardc_error e;
    const char *ok = "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                     "\"message\":{\"role\":\"assistant\",\"content\":\"A red \\\"cat\\\".\"},"
                     "\"finish_reason\":\"stop\"}]}";

    cardc_error_clear(&e);
    CHECK(cardc__openai_answer(200, ok, strlen(ok), "image-to-text", &out, &n, &e) == CARDC_OK);
    CHECK_STR(out, "{\"description\":\"A red \\\"cat\\\".\"}");
    CHECK(out && n == strlen(out));
    free(out);
    CHECK(cardc__openai_answer(200, ok, strlen(ok), "text-generation", &out, &n, &e) == CARDC_OK);
    CHECK_STR(out, "{\"response\":\"A red \\\"cat\\\".\"}");
    free(out);
    CHECK(cardc__openai_answer(200, ok, strlen(ok), NULL, &out, &n, &e) == CARDC_OK);
    CHECK(out && strncmp(out, "{\"response\"", 11) == 0);
    free(out);
    {
        const char *parts = "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":"
                            "\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}}]}";
        CHECK(cardc__openai_answer(200, parts, strlen(parts), "image-to-text", &out, &n, &e) ==
              CARDC_OK);
        CHECK_STR(out, "{\"description\":\"ab\"}");
        free(out);
    }
    {
        static const struct {
            long status;
            const char *body;
            cardc_status want;
            const char *in_message;
        } cases[] = {
            {404,
             "{\"object\":\"error\",\"message\":\"The model `llava` does not exist.\",\"type\":"
             "\"NotFoundError\",\"code\":404}",
             CARDC_E_UNKNOWN_MODEL, "does not exist"},
            {404, "{\"error\":{\"message\":\"model \\\"x\\\" not found, try pulling it first\"}}",
             CARDC_E_UNKNOWN_MODEL, "try pulling"},
            {401,
             "{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"invalid_request_error\"}}",
             CARDC_E_AUTH, "Invalid API Key"},
            {429, "{\"error\":{\"message\":\"quota\",\"code\":\"insufficient_quota\"}}",
             CARDC_E_QUOTA, "quota"},
            {429, "{\"error\":\"slow down\"}", CARDC_E_RATE_LIMIT, "slow down"},
            {500, "{\"error\":{\"code\":500,\"message\":\"failed to load image\"}}",
             CARDC_E_BACKEND, "HTTP 500: failed to load image"},
            {400, "{\"error\":{\"message\":\"context too long\"}}", CARDC_E_BACKEND,
             "context too long"},
            {502, "Bad gateway", CARDC_E_BACKEND, "HTTP 502: Bad gateway"},
            {200, "{\"choices\":[]}", CARDC_E_BACKEND, "choices[0].message.content"},
            {200, "{\"choices\":[{\"message\":{\"content\":null}}]}", CARDC_E_BACKEND,
             "choices[0].message.content"},
            {200, "{\"choices\":[{\"message\":{\"content\":\"x\"}}", CARDC_E_BACKEND,
             "malformed JSON"},
            {200, "{\"error\":{\"message\":\"engine died\"}}", CARDC_E_BACKEND, "engine died"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            cardc_status st;
            cardc_error_clear(&e);
            st = cardc__openai_answer(cases[i].status, cases[i].body, strlen(cases[i].body),
                                      "image-to-text", &out, &n, &e);
            CHECK_MSG(st == cases[i].want, "case %zu: %s, want %s (%s)", i, cardc_status_name(st),
                      cardc_status_name(cases[i].want), e.message);
            CHECK_MSG(strstr(e.message, cases[i].in_message) != NULL, "case %zu: message \"%s\"", i,
                      e.message);
            CHECK(out == NULL);
        }
    }
    /* Streamed chunks. */
    {
        const char *c1 = "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}";
        const char *c2 = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\\nlo\"}}]}";
        const char *c3 = "{\"error\":{\"message\":\"overloaded\"}}";
        cardc_error_clear(&e);
        CHECK(cardc__openai_chunk(c1, strlen(c1), &out, &n, &e) == CARDC_OK && out == NULL);
        CHECK(cardc__openai_chunk(c2, strlen(c2), &out, &n, &e) == CARDC_OK);
        CHECK_STR(out, "{\"response\":\"Hel\\nlo\"}");
        free(out);
        CHECK(cardc__openai_chunk(c3, strlen(c3), &out, &n, &e) == CARDC_E_BACKEND);
        CHECK(strstr(e.message, "overloaded") != NULL);
        cardc_error_clear(&e);
        CHECK(cardc__openai_chunk("{", 1, &out, &n, &e) == CARDC_E_BACKEND && out == NULL);
    }
}

/* ---- SSE ---------------------------------------------------------------------- */

typedef struct events {
    char text[2048]; /* events joined by '|' */
    int count;
    int stop_after;
} events;

static int on_event(void *user, const char *data, size_t len)
{
    events *ev = user;
    size_t n = strlen(ev->text);
    CHECK(data[len] == '\0');
    snprintf(ev->text + n, sizeof ev->text - n, "%s%.*s", ev->count ? "|" : "", (int)len, data);
    ev->count++;
    return ev->stop_after && ev->count >= ev->stop_after;
}

static void feed_in_chunks(const char *s, size_t chunk, events *ev, int *result, int *done)
{
    cardc__sse p;
    size_t n = strlen(s);

    memset(&p, 0, sizeof p);
    p.fn = on_event;
    p.user = ev;
    *result = 0;
    for (size_t i = 0; i < n && *result == 0; i += chunk)
        *result = cardc__sse_feed(&p, s + i, n - i < chunk ? n - i : chunk);
    *done = p.done;
    cardc__sse_free(&p);
}

static void test_sse(void)
{
    const char *stream = ": keep-alive\r\n"
                         "data: {\"response\":\"New\"}\r\n\r\n"
                         "event: message\nid: 7\nretry: 100\n"
                         "data: {\"response\":\" York\"}\n\n"
                         "data: line one\ndata:line two\ndata\n\n"
                         "data:  two spaces\r\r"
                         "\n\n\n"
                         "data: [DONE]\n\n"
                         "data: after\n\n";
    const char *want = "{\"response\":\"New\"}|{\"response\":\" York\"}|line one\nline two\n|"
                       " two spaces";

    for (size_t chunk = 1; chunk <= strlen(stream); chunk++) {
        events ev;
        int r, done;
        memset(&ev, 0, sizeof ev);
        feed_in_chunks(stream, chunk, &ev, &r, &done);
        CHECK_MSG(strcmp(ev.text, want) == 0, "chunk %zu: got \"%s\"", chunk, ev.text);
        CHECK_MSG(r == 1 && done, "chunk %zu: result %d done %d", chunk, r, done);
    }
    /* Stopped by the callback. */
    {
        events ev;
        int r, done;
        memset(&ev, 0, sizeof ev);
        ev.stop_after = 1;
        feed_in_chunks("data: a\n\ndata: b\n\ndata: [DONE]\n\n", 3, &ev, &r, &done);
        CHECK_STR(ev.text, "a");
        CHECK(r == 1 && !done);
    }
    /* Cut in the middle: the incomplete event is not delivered, no [DONE]. */
    {
        events ev;
        int r, done;
        memset(&ev, 0, sizeof ev);
        feed_in_chunks("data: a\n\ndata: {\"resp", 4, &ev, &r, &done);
        CHECK_STR(ev.text, "a");
        CHECK(r == 0 && !done);
    }
    /* An event over the limit. */
    {
        cardc__sse p;
        events ev;
        memset(&p, 0, sizeof p);
        memset(&ev, 0, sizeof ev);
        p.fn = on_event;
        p.user = &ev;
        p.max_event_bytes = 8;
        CHECK(cardc__sse_feed(&p, "data: 12345\ndata: 6789\n", 23) == -1 && p.too_large);
        cardc__sse_free(&p);
        memset(&p, 0, sizeof p);
        p.max_event_bytes = 8;
        CHECK(cardc__sse_feed(&p, "data: 1234567890", 16) == -1 && p.too_large);
        cardc__sse_free(&p);
    }
    /* An empty data line is an event with empty data; a blank line alone is none. */
    {
        events ev;
        int r, done;
        memset(&ev, 0, sizeof ev);
        feed_in_chunks("\n\ndata:\n\ndata: [DONE]\n\n", 2, &ev, &r, &done);
        CHECK(ev.count == 1 && ev.text[0] == '\0' && done);
    }
}

/* ---- Backoff and Retry-After ------------------------------------------------- */

static void test_backoff(void)
{
    uint64_t rng = 12345;
    long lo[] = {50, 100, 200, 400, 500, 500, 500};
    long hi[] = {100, 200, 400, 800, 1000, 1000, 1000};
    int attempts[] = {0, 1, 2, 3, 4, 5, 10};

    for (size_t k = 0; k < sizeof attempts / sizeof attempts[0]; k++) {
        long min = 1L << 30, max = -1;
        for (int i = 0; i < 200; i++) {
            long d = cardc__backoff_ms(100, 1000, attempts[k], -1, &rng);
            min = d < min ? d : min;
            max = d > max ? d : max;
        }
        CHECK_MSG(min >= lo[k] && max <= hi[k], "attempt %d: [%ld, %ld] outside [%ld, %ld]",
                  attempts[k], min, max, lo[k], hi[k]);
        CHECK_MSG(max > min, "attempt %d: no jitter", attempts[k]);
    }
    CHECK(cardc__backoff_ms(100, 1000, 0, 3000, &rng) == 1000); /* Retry-After capped */
    CHECK(cardc__backoff_ms(100, 1000, 0, 200, &rng) == 200);
    CHECK(cardc__backoff_ms(100, 1000, 3, 0, &rng) == 0);
    CHECK(cardc__backoff_ms(0, 0, 5, -1, &rng) == 0);
    CHECK(cardc__backoff_ms(1, 30000, 0, -1, &rng) <= 1);
    CHECK(cardc__backoff_ms(1, 30000, 60, -1, &rng) <= 30000); /* no overflow */

    /* libcurl parses the HTTP date: loaded as a client loads it */
    curl_api curl;
    cardc_error err;
    CHECK_MSG(cardc__curl_open(&curl, &err) == CARDC_OK, "libcurl: %s", err.message);
    CHECK(cardc__parse_retry_after(&curl, "5", 0) == 5000);
    CHECK(cardc__parse_retry_after(&curl, " 2 \r\n", 0) == 2000);
    CHECK(cardc__parse_retry_after(&curl, "0", 0) == 0);
    CHECK(cardc__parse_retry_after(&curl, "99999999999999999999", 0) == 86400L * 1000);
    CHECK(cardc__parse_retry_after(&curl, "", 0) == -1);
    CHECK(cardc__parse_retry_after(&curl, "abc", 0) == -1);
    CHECK(cardc__parse_retry_after(&curl, "-1", 0) == -1);
    CHECK(cardc__parse_retry_after(&curl, "5s", 0) == -1);
    CHECK(cardc__parse_retry_after(&curl, NULL, 0) == -1);
    /* 784111777 = Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example). */
    CHECK(cardc__parse_retry_after(&curl, "Sun, 06 Nov 1994 08:49:37 GMT", 784111777LL - 10) ==
          10000);
    CHECK(cardc__parse_retry_after(&curl, "Sun, 06 Nov 1994 08:49:37 GMT", 784111777LL + 10) == 0);
    cardc__curl_close(&curl);
    cardc__curl_close(&curl); /* a closed api is accepted */
}

/* ---- The token never shows; calls that fail before the network -------------- */

static void test_secrets_and_local_failures(void)
{
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_error e;
    char *out = NULL, *ct = NULL;
    size_t n = 0;
    llava_1_5_7b_hf_input in;
    llava_1_5_7b_hf_output outv;

    cardc_error_clear(&e);
    snprintf(e.message, sizeof e.message, "server said: bad token %s (again %s)", TOKEN, TOKEN);
    snprintf(e.pointer, sizeof e.pointer, "/%s", TOKEN);
    cardc__client_scrub(&e, TOKEN);
    CHECK_STR(e.message, "server said: bad token [redacted] (again [redacted])");
    CHECK_STR(e.pointer, "/[redacted]");

    clear_env();
    cardc_client_options_init(&o);
    o.account_id = "acct";
    o.api_token = TOKEN;
    /* Port 1 on the loopback: refused at once, nothing leaves the machine. */
    o.base_url = "http://127.0.0.1:1/" TOKEN;
    o.max_retries = 2;
    o.retry_base_ms = 1;
    o.retry_max_ms = 2;
    o.connect_timeout_ms = 2000;
    o.timeout_ms = 5000;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    if (!c)
        return;
    cardc_error_clear(&e);
    CHECK(cardc_client_run_json(c,
                                &(cardc_run_request){.model_name = "@cf/llava-hf/llava-1.5-7b-hf",
                                                     .task_type = "image-to-text",
                                                     .input = "{\"image\":[1]}",
                                                     .input_len = 13},
                                &out, &n, &ct, &e) == CARDC_E_NETWORK);
    CHECK(out == NULL && n == 0 && ct == NULL);
    CHECK_MSG(strstr(e.message, "3 attempts") != NULL, "retries not counted: %s", e.message);
    CHECK_MSG(strstr(e.message, TOKEN) == NULL && strstr(e.message, "[redacted]"), "token in: %s",
              e.message);

    /* An input that breaks the card's schema is refused before sending. */
    memset(&in, 0, sizeof in);
    memset(&outv, 0, sizeof outv);
    in.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT; /* image is required: missing */
    cardc_error_clear(&e);
    CHECK(cardc_client_run(c, &llava_1_5_7b_hf_model, &in, &outv, &e) == CARDC_E_INVALID);
    CHECK_MSG(strncmp(e.message, "input broke the card's input schema: ", 37) == 0, "%s",
              e.message);
    /* A valid one gets as far as the network (refused here). */
    {
        uint8_t img[] = {0x89, 'P', 'N', 'G'};
        in.kind = LLAVA_1_5_7B_HF_INPUT_BINARY;
        in.u.binary.data = img;
        in.u.binary.len = sizeof img;
        cardc_error_clear(&e);
        CHECK_MSG(cardc_client_run(c, &llava_1_5_7b_hf_model, &in, &outv, &e) == CARDC_E_NETWORK,
                  "%s", e.message);
        CHECK(strstr(e.message, TOKEN) == NULL);
        /* Streaming the raw branch is refused: it cannot carry "stream". */
        cardc_error_clear(&e);
        CHECK(cardc_client_run_stream(c, &llava_1_5_7b_hf_model, &in, on_event, NULL, &e) ==
              CARDC_E_USAGE);
    }
    CHECK(cardc_client_run(c, &llava_1_5_7b_hf_model, &in, NULL, NULL) == CARDC_E_USAGE);
    CHECK(cardc_client_run(NULL, &llava_1_5_7b_hf_model, &in, &outv, NULL) == CARDC_E_USAGE);
    CHECK(cardc_client_run_json(
              c, &(cardc_run_request){.model_name = "m", .input = "{}", .input_len = 2}, NULL, &n,
              NULL, NULL) == CARDC_E_USAGE);
    {
        char *card = NULL;
        cardc_error_clear(&e);
        CHECK(cardc_client_fetch_schema(c, "@cf/x", &card, &e) == CARDC_E_NETWORK && !card);
        CHECK(strstr(e.message, TOKEN) == NULL);
        CHECK(cardc_client_fetch_schema(c, "", &card, NULL) == CARDC_E_USAGE);
    }
    /* A stale record is reset on entry, then filled with this call's error. */
    cardc_error_clear(&e);
    e.code = CARDC_E_IO;
    snprintf(e.message, sizeof e.message, "earlier");
    CHECK(cardc_client_fetch_schema(c, "@cf/x", &out, &e) == CARDC_E_NETWORK);
    CHECK(e.code == CARDC_E_NETWORK && strstr(e.message, "cannot reach") != NULL);
    cardc_client_free(c);

    /* fetch_schema needs Workers AI. */
    cardc_client_options_init(&o);
    o.backend = CARDC_BACKEND_OPENAI;
    o.base_url = "http://127.0.0.1:1/v1";
    c = NULL;
    CHECK(cardc_client_new(&o, &c, NULL) == CARDC_OK);
    {
        char *card = NULL;
        CHECK(cardc_client_fetch_schema(c, "@cf/x", &card, NULL) == CARDC_E_CONFIG);
    }
    cardc_client_free(c);
}

int main(void)
{
    test_options();
    test_gateway_options();
    test_urls();
    test_workers();
    test_base64_mime();
    test_openai_request();
    test_openai_answer();
    test_sse();
    test_backoff();
    test_secrets_and_local_failures();
    return check_summary();
}
