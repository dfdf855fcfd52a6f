/* SPDX-License-Identifier: MIT */
/* soak: cardc under sustained load and injected faults (SECURITY.md, issue
 * 11). A benchmark-style program, not a timed test: it prints figures and a
 * verdict.
 *
 * Usage: soak [--payloads N] [--calls N] [--threads T] [--seed S] SOURCE_ROOT
 *        (defaults: 10,000,000 payloads, 100,000 calls, 4 threads, seed 1)
 *
 * Phase 1 validates N payloads for the seed card's input, drawn at random
 * from variants made at the start (valid, schema-invalid, malformed,
 * invalid UTF-8, duplicate keys read and refused, nested past the limit),
 * in turn three ways: cardc_json_parse_ex + cardc_validate (fast mode);
 * the same exhaustive, with a reused result and its detailed output; the
 * generated decoder (and the encoder, for what decoded). Every verdict must
 * be the one the variant got the first time, and the decoder's the
 * validator's.
 *
 * Phase 2 makes N calls through the generated typed call, T threads sharing
 * one client per backend (Workers AI and OpenAI, drawn per call), against
 * tests/mock's server in its random scenario: every request draws a fault
 * (connection reset, stall under and past the timeout, truncated answer,
 * 500, 502 with an HTML page, 429 with and without Retry-After, malformed,
 * failed and schema-breaking answers) or a good answer. Every call must end
 * with the description, or with a backend error (network, timeout,
 * rate-limit, backend, invalid output) whose record names it, within the
 * bound the retries and timeouts set; the server must see only well-formed
 * requests.
 *
 * Each phase samples resident memory (/proc/self/statm) and open
 * descriptors (/proc/self/fd; in phase 2 between rounds, every worker idle
 * and the server's connections closed) 100 times. Flat: no sample after the
 * first 10% of the work exceeds the 10% sample by more than 512 KiB of
 * memory or by any descriptor. The verdict is judged from 10^6 payloads and
 * 10^4 calls (shorter runs, as the quick test in bench/meson.build, check
 * the outcomes only). Exit status 0 when everything holds, 1 otherwise.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc/client.h"
#include "llava-1.5-7b-hf.h"
#include "mock_server.h"

#define SAMPLES      100
#define RSS_SLACK_KB 512
#define TOKEN        "soak-SECRET-token-a41c"
#define ACCOUNT      "soak-account"
#define OPENAI_MODEL "llava-hf/llava-1.5-7b-hf"

/* Client settings: a stall-long answer (1.5 s) times out, a stall (100 ms)
 * does not; backoff is short so faults cost little wall time. */
#define TIMEOUT_MS   600
#define RETRIES      3
#define RETRY_MAX_MS 5
/* The longest a call may take: every attempt timing out, plus slack. */
#define CALL_BOUND_MS ((RETRIES + 1) * (TIMEOUT_MS + RETRY_MAX_MS) + 1000)

/* ---- Samples ----------------------------------------------------------- */

typedef struct sample {
    long rss_kb;
    long fds;
} sample;

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;

    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    long n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints the series (every 10%) and returns whether it is flat. */
static bool report_series(const char *what, const sample *s, bool judged)
{
    long base_rss = s[SAMPLES / 10].rss_kb, base_fds = s[SAMPLES / 10].fds;
    long max_rss = base_rss, max_fds = base_fds, min_fds = base_fds;
    bool flat;

    printf("  %s: resident memory and open descriptors\n", what);
    printf("    %5s %10s %5s\n", "done", "RSS KiB", "fds");
    for (int i = 0; i <= SAMPLES; i += SAMPLES / 10)
        printf("    %4d%% %10ld %5ld\n", i * 100 / SAMPLES, s[i].rss_kb, s[i].fds);
    for (int i = SAMPLES / 10; i <= SAMPLES; i++) {
        if (s[i].rss_kb > max_rss)
            max_rss = s[i].rss_kb;
        if (s[i].fds > max_fds)
            max_fds = s[i].fds;
        if (s[i].fds < min_fds)
            min_fds = s[i].fds;
    }
    flat = max_rss - base_rss <= RSS_SLACK_KB && max_fds == base_fds;
    printf("    RSS at 10%%: %ld KiB, highest after: %ld KiB (%+ld KiB, at most +%d allowed); "
           "fds at 10%%: %ld, after: %ld..%ld\n",
           base_rss, max_rss, max_rss - base_rss, RSS_SLACK_KB, base_fds, min_fds, max_fds);
    printf("    %s: %s\n", what,
           !judged ? "not judged (too short a run)"
           : flat  ? "flat"
                   : "NOT FLAT");
    return !judged || flat;
}

/* ---- Random numbers (splitmix64) --------------------------------------- */

static uint64_t rnd(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* ---- Phase 1: payloads ------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->s, cap);
        if (!p) {
            fprintf(stderr, "soak: out of memory\n");
            exit(2);
        }
        t->s = p;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void adds(text *t, const char *s)
{
    add(t, s, strlen(s));
}

static void addf(text *t, const char *fmt, long v)
{
    char b[32];
    int n = snprintf(b, sizeof b, fmt, v);
    add(t, b, (size_t)n);
}

static void words(text *t, uint64_t *rng, size_t n)
{
    static const char *const w[] = {"a",
                                    "grey",
                                    "cat",
                                    "sits",
                                    "on",
                                    "the",
                                    "table",
                                    "\\n",
                                    "caf\\u00e9",
                                    "\\ud83d\\ude00",
                                    "\\\"quoted\\\"",
                                    "x"};
    adds(t, "\"");
    for (size_t i = 0; i < n; i++) {
        if (i)
            adds(t, " ");
        adds(t, w[rnd(rng) % (sizeof w / sizeof w[0])]);
    }
    adds(t, "\"");
}

static void bytes(text *t, uint64_t *rng, size_t n)
{
    adds(t, "[");
    for (size_t i = 0; i < n; i++)
        addf(t, i ? ",%ld" : "%ld", (long)(rnd(rng) % 256));
    adds(t, "]");
}

enum { KINDS = 10 };

typedef struct variant {
    char *text;
    size_t len;
    cardc_duplicate_keys dup;
    const char *kind;
    cardc_status want[3]; /* per way, the first run's verdict */
} variant;

/* Variant k of kind k % KINDS. */
static void make_variant(variant *v, int k, uint64_t *rng)
{
    text t = {0};

    v->dup = CARDC_DUPLICATE_KEYS_LAST;
    switch (k % KINDS) {
    case 0: /* valid: prompt and image bytes */
    case 1:
        v->kind = "valid prompt";
        adds(&t, "{\"prompt\":");
        words(&t, rng, (size_t)(rnd(rng) % 40));
        adds(&t, ",\"image\":");
        bytes(&t, rng, (size_t)(rnd(rng) % 600));
        addf(&t, ",\"max_tokens\":%ld}", (long)(rnd(rng) % 1000));
        break;
    case 2: /* valid: messages, a base64 image */
        v->kind = "valid messages";
        adds(&t, "{\"messages\":[");
        for (int i = 0, n = 1 + (int)(rnd(rng) % 6); i < n; i++) {
            adds(&t, i ? ",{\"role\":\"user\",\"content\":" : "{\"role\":\"user\",\"content\":");
            words(&t, rng, (size_t)(rnd(rng) % 30));
            adds(&t, "}");
        }
        adds(&t, "],\"image\":\"iVBORw0KGgo=\",\"temperature\":0.5}");
        break;
    case 3: /* invalid: a number for the prompt */
        v->kind = "invalid type";
        addf(&t, "{\"prompt\":%ld,\"image\":[1,2,3]}", (long)(rnd(rng) % 100));
        break;
    case 4: /* invalid: prompt and messages both */
        v->kind = "invalid both";
        adds(&t,
             "{\"prompt\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}],\"image\":");
        bytes(&t, rng, 8);
        adds(&t, "}");
        break;
    case 5: /* malformed: a valid text cut short */
        v->kind = "truncated";
        adds(&t, "{\"prompt\":");
        words(&t, rng, 8);
        adds(&t, ",\"image\":");
        bytes(&t, rng, 32);
        adds(&t, "}");
        t.len = 1 + (size_t)(rnd(rng) % (t.len - 1));
        t.s[t.len] = '\0';
        break;
    case 6: /* invalid UTF-8 in a string */
        v->kind = "bad UTF-8";
        adds(&t, "{\"prompt\":\"caf\xc3\x28\",\"image\":[1]}");
        break;
    case 7: /* a member named twice: read, then refused */
        v->kind = k % 20 < 10 ? "duplicate, last wins" : "duplicate, refused";
        v->dup = k % 20 < 10 ? CARDC_DUPLICATE_KEYS_LAST : CARDC_DUPLICATE_KEYS_REJECT;
        adds(&t, "{\"prompt\":\"first\",\"image\":[1,2],\"prompt\":\"last\"}");
        break;
    case 8: /* nested past the limit (10,000): one variant, they are long */
        if (k != 8) {
            make_variant(v, 0, rng);
            return;
        }
        v->kind = "too deep";
        adds(&t, "{\"prompt\":");
        for (int i = 0; i < 10001; i++)
            adds(&t, "[");
        for (int i = 0; i < 10001; i++)
            adds(&t, "]");
        adds(&t, "}");
        break;
    default: /* a string: the card's binary branch */
        v->kind = "valid string";
        words(&t, rng, (size_t)(rnd(rng) % 20));
        break;
    }
    v->text = t.s;
    v->len = t.len;
}

typedef struct phase1 {
    cardc_schema *schema;
    cardc_result *result;
    size_t by_status[CARDC_STATUS_COUNT_];
    size_t wrong;
} phase1;

/* One payload, one way; returns the verdict. */
static cardc_status validate_one(phase1 *p, const variant *v, int way)
{
    cardc_json_options jo;
    cardc_validate_options vo;
    struct json_object *doc = NULL;
    cardc_status st;

    if (way == 2) {
        llava_1_5_7b_hf_input in;
        cardc_decode_options dopts = {0};
        char *json = NULL;
        size_t len = 0;

        memset(&in, 0, sizeof in);
        dopts.duplicate_keys = v->dup;
        st = llava_1_5_7b_hf_input_decode_ex(&in, v->text, v->len, &dopts, NULL);
        if (st == CARDC_OK && llava_1_5_7b_hf_input_encode(&in, &json, &len, NULL) != CARDC_OK)
            p->wrong++;
        free(json);
        llava_1_5_7b_hf_input_free(&in);
        return st;
    }
    cardc_json_options_init(&jo);
    jo.duplicate_keys = v->dup;
    st = cardc_json_parse_ex(v->text, v->len, "<soak>", &jo, &doc, NULL);
    if (st == CARDC_OK) {
        cardc_validate_options_init(&vo);
        if (way == 0) {
            st = cardc_validate(p->schema, doc, &vo, NULL, NULL);
        } else {
            struct json_object *out = NULL;
            st = cardc_validate(p->schema, doc, &vo, p->result, NULL);
            if (cardc_result_output(p->result, CARDC_OUTPUT_DETAILED, &out, NULL) != CARDC_OK)
                p->wrong++;
            json_object_put(out);
        }
    }
    json_object_put(doc);
    return st;
}

static bool run_phase1(const char *root, size_t n, uint64_t seed)
{
    enum { VARIANTS = 200 };
    static variant v[VARIANTS];
    sample s[SAMPLES + 1];
    phase1 p;
    cardc_card *card = NULL;
    const struct json_object *side;
    cardc_error err;
    char path[4096];
    uint64_t rng = seed;
    double t0;
    bool ok = true;

    memset(&p, 0, sizeof p);
    snprintf(path, sizeof path, "%s/schemas/llava-1.5-7b-hf.md", root);
    if (cardc_card_load(path, NULL, &card, &err) != CARDC_OK ||
        cardc_card_schema(card, CARDC_SIDE_INPUT, &side, &err) != CARDC_OK ||
        cardc_schema_compile(side, NULL, &p.schema, &err) != CARDC_OK ||
        cardc_result_new(&p.result, &err) != CARDC_OK) {
        fprintf(stderr, "soak: %s: %s\n", path, err.message);
        return false;
    }
    for (int k = 0; k < VARIANTS; k++) {
        make_variant(&v[k], k, &rng);
        for (int way = 0; way < 3; way++)
            v[k].want[way] = validate_one(&p, &v[k], way);
        /* the decoder's verdict is the validator's */
        if (v[k].want[2] != v[k].want[0] || v[k].want[1] != v[k].want[0]) {
            printf("  variant %d (%s): validator %s, exhaustive %s, decoder %s\n", k, v[k].kind,
                   cardc_status_name(v[k].want[0]), cardc_status_name(v[k].want[1]),
                   cardc_status_name(v[k].want[2]));
            ok = false;
        }
    }
    printf("phase 1: %zu payloads (%d variants of %d kinds), three ways in turn\n", n, VARIANTS,
           KINDS);
    t0 = now_s();
    for (size_t i = 0, si = 0; i <= n; i++) {
        for (; si <= SAMPLES && i == n * si / SAMPLES; si++) {
            s[si].rss_kb = rss_kb();
            s[si].fds = open_fds();
        }
        if (i == n)
            break;
        const variant *x = &v[rnd(&rng) % VARIANTS];
        int way = (int)(i % 3);
        cardc_status st = validate_one(&p, x, way);
        p.by_status[st]++;
        if (st != x->want[way])
            p.wrong++;
    }
    double secs = now_s() - t0;
    printf("  %.1f s, %.0f payloads/s\n  by verdict:", secs, (double)n / (secs > 0 ? secs : 1));
    for (int k = 0; k < CARDC_STATUS_COUNT_; k++)
        if (p.by_status[k])
            printf(" %s %zu", cardc_status_name((cardc_status)k), p.by_status[k]);
    printf("\n  verdicts unlike the first, or a result that did not print: %zu\n", p.wrong);
    ok = report_series("phase 1", s, n >= 1000000) && ok && p.wrong == 0;
    for (int k = 0; k < VARIANTS; k++)
        free(v[k].text);
    cardc_result_free(p.result);
    cardc_schema_free(p.schema);
    cardc_card_free(card);
    return ok;
}

/* ---- Phase 2: client calls --------------------------------------------- */

typedef struct shared {
    cardc_client *workers, *openai;
    const char *image;
    size_t image_len;
} shared;

typedef struct worker {
    const shared *sh;
    size_t calls;
    uint64_t rng;
    size_t by_status[CARDC_STATUS_COUNT_];
    double max_s[CARDC_STATUS_COUNT_];
    char example[CARDC_STATUS_COUNT_][160];
    size_t unclear; /* calls without a description or a clear error */
    char unclear_why[256];
} worker;

static void unclear(worker *w, const char *fmt, const char *a, const char *b)
{
    if (w->unclear++ == 0)
        snprintf(w->unclear_why, sizeof w->unclear_why, fmt, a, b);
}

static cardc_status call(worker *w, llava_1_5_7b_hf_output *out, cardc_error *err)
{
    llava_1_5_7b_hf_input in;
    llava_1_5_7b_hf_input_object *obj = &in.u.object;
    cardc_status st;

    memset(&in, 0, sizeof in);
    if ((st = llava_1_5_7b_hf_input_init(&in, err)) != CARDC_OK)
        return st;
    in.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
    if ((st = llava_1_5_7b_hf_input_object_init(obj, err)) == CARDC_OK &&
        (st = cardc_string_set(&obj->prompt, "What is in this image?", 22, err)) == CARDC_OK &&
        (st = cardc_numbers_set_bytes(&obj->image.u.array, (const uint8_t *)w->sh->image,
                                      w->sh->image_len, err)) == CARDC_OK) {
        obj->has_prompt = true;
        obj->image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
        obj->has_max_tokens = true;
        obj->max_tokens = 64;
        st = llava_1_5_7b_hf_run(rnd(&w->rng) % 2 ? w->sh->openai : w->sh->workers, &in, out, err);
    }
    llava_1_5_7b_hf_input_free(&in);
    return st;
}

static void *work(void *arg)
{
    worker *w = arg;

    for (size_t i = 0; i < w->calls; i++) {
        llava_1_5_7b_hf_output out;
        cardc_error err;
        double t0 = now_s(), dt;
        cardc_status st;

        memset(&out, 0, sizeof out);
        st = call(w, &out, &err);
        dt = now_s() - t0;
        w->by_status[st]++;
        if (dt > w->max_s[st])
            w->max_s[st] = dt;
        if (st != CARDC_OK && !w->example[st][0])
            snprintf(w->example[st], sizeof w->example[st], "%.150s", err.message);
        if (st == CARDC_OK) {
            if (!out.has_description || !out.description.data ||
                strcmp(out.description.data, MOCK_DESCRIPTION) != 0)
                unclear(w, "%s%s", "a success without the description", "");
        } else if (st != CARDC_E_NETWORK && st != CARDC_E_TIMEOUT && st != CARDC_E_RATE_LIMIT &&
                   st != CARDC_E_BACKEND && st != CARDC_E_INVALID) {
            unclear(w, "status %s: %.150s", cardc_status_name(st), err.message);
        } else if (err.code != st || !err.message[0] || strstr(err.message, TOKEN)) {
            unclear(w, "status %s without a clear record: \"%.150s\"", cardc_status_name(st),
                    err.message);
        }
        if (dt * 1000 > CALL_BOUND_MS)
            unclear(w, "a call took longer than the timeouts allow (%s): %.150s",
                    cardc_status_name(st), err.message);
        llava_1_5_7b_hf_output_free(&out);
    }
    return NULL;
}

/* Descriptors once the server has closed every connection the clients
 * left (a stall-long answer holds its connection 1.5 s; at most 5 s). */
static long settled_fds(const mock_server *srv)
{
    struct timespec ts = {0, 5 * 1000 * 1000};

    for (int i = 0; i < 1000 && mock_server_connections(srv) > 0; i++)
        nanosleep(&ts, NULL);
    return open_fds();
}

static cardc_client *client_for(const mock_server *srv, cardc_backend backend)
{
    cardc_client_options o;
    cardc_client *c = NULL;
    cardc_error err;
    char url[256];

    cardc_client_options_init(&o);
    o.backend = backend;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/%s", (unsigned)mock_server_port(srv),
             backend == CARDC_BACKEND_OPENAI ? "v1" : "client/v4");
    o.base_url = url;
    o.account_id = ACCOUNT;
    o.api_token = TOKEN;
    if (backend == CARDC_BACKEND_OPENAI)
        o.model = OPENAI_MODEL;
    o.connect_timeout_ms = 1000;
    o.timeout_ms = TIMEOUT_MS;
    o.max_retries = RETRIES;
    o.retry_base_ms = 1;
    o.retry_max_ms = RETRY_MAX_MS;
    o.max_response_bytes = 256 * 1024;
    if (cardc_client_new(&o, &c, &err) != CARDC_OK)
        fprintf(stderr, "soak: client: %s\n", err.message);
    return c;
}

static bool report_calls(const worker *w, int nthreads, size_t n, double secs)
{
    size_t by[CARDC_STATUS_COUNT_] = {0}, bad = 0;
    double max_s[CARDC_STATUS_COUNT_] = {0};
    const char *example[CARDC_STATUS_COUNT_] = {0};
    const char *why = NULL;

    for (int t = 0; t < nthreads; t++) {
        for (int k = 0; k < CARDC_STATUS_COUNT_; k++) {
            by[k] += w[t].by_status[k];
            if (w[t].max_s[k] > max_s[k])
                max_s[k] = w[t].max_s[k];
            if (!example[k] && w[t].example[k][0])
                example[k] = w[t].example[k];
        }
        bad += w[t].unclear;
        if (w[t].unclear && !why)
            why = w[t].unclear_why;
    }
    printf("  %.1f s, %.0f calls/s\n  by outcome (calls, longest):\n", secs,
           (double)n / (secs > 0 ? secs : 1));
    for (int k = 0; k < CARDC_STATUS_COUNT_; k++)
        if (by[k])
            printf("    %-12s %8zu  %6.0f ms%s%s\n", cardc_status_name((cardc_status)k), by[k],
                   max_s[k] * 1000, example[k] ? "  e.g. " : "", example[k] ? example[k] : "");
    printf("  calls without the description or a clear error, or past %d ms: %zu%s%s\n",
           CALL_BOUND_MS, bad, why ? ", first: " : "", why ? why : "");
    return bad == 0;
}

static bool run_phase2(const char *root, size_t n, int nthreads, uint64_t seed)
{
    enum { ROUNDS = SAMPLES };
    sample s[SAMPLES + 1];
    mock_options mo;
    mock_server *srv = NULL;
    shared sh;
    worker *w = calloc((size_t)nthreads, sizeof *w);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    char card[4096], image[4096], errbuf[512], why[512];
    char *img = NULL;
    size_t img_len = 0, failures;
    bool ok = true;
    double t0;

    snprintf(card, sizeof card, "%s/schemas/llava-1.5-7b-hf.md", root);
    snprintf(image, sizeof image, "%s/examples/llava-caption/cat.png", root);
    memset(&mo, 0, sizeof mo);
    mo.card_path = card;
    mo.account_id = ACCOUNT;
    mo.token = TOKEN;
    mo.openai_model = OPENAI_MODEL;
    mo.scenario = MOCK_RANDOM;
    mo.seed = (unsigned)seed;
    if (!w || !th || cardc_read_file(image, &img, &img_len, NULL) != CARDC_OK ||
        mock_server_start(&mo, &srv, errbuf, sizeof errbuf) != 0) {
        fprintf(stderr, "soak: cannot set up the calls (%s)\n", srv ? "" : errbuf);
        free(w);
        free(th);
        free(img);
        return false;
    }
    sh.workers = client_for(srv, CARDC_BACKEND_WORKERS_AI);
    sh.openai = client_for(srv, CARDC_BACKEND_OPENAI);
    sh.image = img;
    sh.image_len = img_len;
    printf("phase 2: %zu calls, %d threads sharing a Workers AI and an OpenAI client, faults "
           "drawn per request (seed %llu)\n",
           n, nthreads, (unsigned long long)seed);
    for (int t = 0; t < nthreads; t++) {
        w[t].sh = &sh;
        w[t].rng = seed * 1000 + (uint64_t)t;
    }
    t0 = now_s();
    for (int r = 0; r <= ROUNDS && sh.workers && sh.openai; r++) {
        s[r].rss_kb = rss_kb();
        s[r].fds = settled_fds(srv);
        if (r == ROUNDS)
            break;
        size_t round = n * (size_t)(r + 1) / ROUNDS - n * (size_t)r / ROUNDS;
        for (int t = 0; t < nthreads; t++) {
            w[t].calls =
                round * (size_t)(t + 1) / (size_t)nthreads - round * (size_t)t / (size_t)nthreads;
            if (pthread_create(&th[t], NULL, work, &w[t]) != 0) {
                fprintf(stderr, "soak: pthread_create failed\n");
                exit(1);
            }
        }
        for (int t = 0; t < nthreads; t++)
            pthread_join(th[t], NULL);
    }
    double secs = now_s() - t0;
    ok = sh.workers && sh.openai && report_calls(w, nthreads, n, secs);
    printf("  requests the server got: %zu; faults drawn:", mock_server_requests(srv));
    for (int k = 0; k < MOCK_SCENARIO_COUNT; k++)
        if (mock_random_weight((mock_scenario)k))
            printf(" %s %zu", mock_scenario_name((mock_scenario)k),
                   mock_server_drawn(srv, (mock_scenario)k));
    failures = mock_server_check_failures(srv, why, sizeof why);
    printf("\n  malformed requests: %zu%s%s\n", failures, failures ? ", first: " : "",
           failures ? why : "");
    ok = report_series("phase 2", s, n >= 10000) && ok && failures == 0;
    cardc_client_free(sh.workers);
    cardc_client_free(sh.openai);
    mock_server_stop(srv);
    free(img);
    free(w);
    free(th);
    return ok;
}

int main(int argc, char **argv)
{
    size_t payloads = 10000000, calls = 100000;
    int threads = 4;
    unsigned long long seed = 1;
    const char *root = NULL;
    double t0 = now_s();

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--payloads") == 0 && v)
            payloads = strtoull(argv[++i], NULL, 10);
        else if (strcmp(a, "--calls") == 0 && v)
            calls = strtoull(argv[++i], NULL, 10);
        else if (strcmp(a, "--threads") == 0 && v)
            threads = atoi(argv[++i]);
        else if (strcmp(a, "--seed") == 0 && v)
            seed = strtoull(argv[++i], NULL, 10);
        else if (a[0] != '-' && !root)
            root = a;
        else {
            root = NULL;
            break;
        }
    }
    if (!root || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: soak [--payloads N] [--calls N] [--threads T] [--seed S] "
                        "SOURCE_ROOT\n");
        return 2;
    }
    /* Never a real account, whatever the environment says. */
    unsetenv("CLOUDFLARE_ACCOUNT_ID");
    unsetenv("CLOUDFLARE_API_TOKEN");
    unsetenv("OPENAI_BASE_URL");
    unsetenv("OPENAI_API_KEY");
    printf("soak: seed %llu, %zu payloads, %zu calls, %d threads\n", seed, payloads, calls,
           threads);
    fflush(stdout);
    bool ok1 = run_phase1(root, payloads, seed);
    fflush(stdout);
    bool ok2 = run_phase2(root, calls, threads, seed);
    printf("soak: %.1f s in all; verdict: %s\n", now_s() - t0, ok1 && ok2 ? "PASS" : "FAIL");
    return ok1 && ok2 ? 0 : 1;
}
