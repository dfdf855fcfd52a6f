/* SPDX-License-Identifier: MIT */
/* test_threads: cardc objects shared between threads, as a service shares
 * them, 8 threads at once. Built in every test build; scripts/test.sh also
 * runs it (suite "threads") under ThreadSanitizer.
 *
 *   1. One compiled schema per document (the seed card's input, and a
 *      schema using refs, patterns, formats, enums, oneOf, if/then,
 *      unevaluatedProperties and defaults) and one parsed instance per
 *      payload, shared by 8 threads validating in every mode: fast,
 *      exhaustive into each thread's own result, with annotations and the
 *      detailed output; defaults applied to each thread's own copy. Every
 *      verdict and output is the one computed before the threads started.
 *   2. One client per backend (Workers AI, OpenAI) shared by 8 threads
 *      against tests/mock's server: typed calls and streamed calls.
 *   3. The seed card's generated decoders and encoders in 8 threads, valid,
 *      invalid (the engine's explanation path), malformed and duplicate-key
 *      payloads, every result the one computed first.
 *
 * json-c is not built with ThreadSanitizer and its reference counts are
 * plain integers: a thread taking or dropping a reference to a node of a
 * shared document, or having json-c serialise one (its printer caches the
 * text in the object), would race unseen. So the test stands between the
 * library and json-c: it defines those json-c functions itself (the static
 * library's calls bind to them; they forward to json-c's) and, while the
 * threads of part 1 run, counts every such call on a node of a shared
 * schema or instance. There must be none.
 *
 * Usage: test_threads SOURCE_ROOT
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc/client.h"
#include "check.h"
#include "llava-1.5-7b-hf.h"
#include "mock_server.h"

#define THREADS 8
#define ROUNDS  20

/* CHECK that says why, and returns whether it held. */
#define CHECK_OK(cond, why) check_report(!!(cond), __FILE__, __LINE__, "%s: %s", #cond, why)

/* ---- json-c, watched --------------------------------------------------- */

/* X(name, return type, parameters, arguments, condition on o) */
#define WATCHED(X)                                                                                 \
    X(json_object_get, struct json_object *, (struct json_object * o), (o), true)                  \
    X(json_object_put, int, (struct json_object * o), (o), true)                                   \
    X(json_object_to_json_string, const char *, (struct json_object * o), (o), true)               \
    X(json_object_to_json_string_ext, const char *, (struct json_object * o, int f), (o, f), true) \
    X(json_object_to_json_string_length, const char *, (struct json_object * o, int f, size_t *n), \
      (o, f, n), true)                                                                             \
    X(json_object_get_string, const char *, (struct json_object * o), (o),                         \
      !json_object_is_type(o, json_type_string))                                                   \
    X(json_object_object_add, int, (struct json_object * o, const char *k, struct json_object *v), \
      (o, k, v), true)                                                                             \
    X(json_object_array_add, int, (struct json_object * o, struct json_object * v), (o, v), true)  \
    X(json_object_array_put_idx, int, (struct json_object * o, size_t i, struct json_object * v),  \
      (o, i, v), true)                                                                             \
    X(json_object_array_del_idx, int, (struct json_object * o, size_t i, size_t n), (o, i, n),     \
      true)                                                                                        \
    X(json_object_set_string, int, (struct json_object * o, const char *s), (o, s), true)          \
    X(json_object_set_int64, int, (struct json_object * o, int64_t v), (o, v), true)               \
    X(json_object_set_double, int, (struct json_object * o, double v), (o, v), true)               \
    X(json_object_set_boolean, int, (struct json_object * o, json_bool v), (o, v), true)

enum {
#define X_INDEX(name, ret, params, args, cond) W_##name,
    WATCHED(X_INDEX)
#undef X_INDEX
        W_COUNT
};

static const char *const watched_names[] = {
#define X_NAME(name, ret, params, args, cond) #name,
    WATCHED(X_NAME)
#undef X_NAME
};

static struct json_object **shared_nodes; /* sorted */
static size_t nshared, capshared;
static bool watching; /* set and cleared with no thread running */
static atomic_size_t shared_calls[W_COUNT];

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
    return x < y ? -1 : x > y;
}

static bool is_shared(const struct json_object *o)
{
    return o && nshared && bsearch(&o, shared_nodes, nshared, sizeof *shared_nodes, cmp_ptr);
}

#define X_REAL(name, ret, params, args, cond) static ret(*real_##name) params;
WATCHED(X_REAL)
#undef X_REAL

#define X_DEFINE(name, ret, params, args, cond)           \
    ret name params                                       \
    {                                                     \
        if (watching && is_shared(o) && (cond))           \
            atomic_fetch_add(&shared_calls[W_##name], 1); \
        return real_##name args;                          \
    }
WATCHED(X_DEFINE)
#undef X_DEFINE

/* Before any thread: json-c's own functions, behind the ones above. */
static bool bind_json_c(void)
{
    void *p;
    bool ok = true;
#define X_BIND(name, ret, params, args, cond) \
    p = dlsym(RTLD_NEXT, #name);              \
    ok = ok && p != NULL;                     \
    memcpy(&real_##name, &p, sizeof real_##name);
    WATCHED(X_BIND)
#undef X_BIND
    return ok;
}

/* Every node of doc joins the shared set (kept sorted by share_done). */
static void share(struct json_object *doc)
{
    if (nshared == capshared) {
        capshared = capshared ? capshared * 2 : 1024;
        shared_nodes = realloc(shared_nodes, capshared * sizeof *shared_nodes);
        if (!shared_nodes)
            abort();
    }
    shared_nodes[nshared++] = doc;
    if (json_object_is_type(doc, json_type_object)) {
        json_object_object_foreach(doc, k, v)
        {
            (void)k;
            if (v)
                share(v);
        }
    } else if (json_object_is_type(doc, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(doc); i++)
            if (json_object_array_get_idx(doc, i))
                share(json_object_array_get_idx(doc, i));
    }
}

static void share_done(void)
{
    qsort(shared_nodes, nshared, sizeof *shared_nodes, cmp_ptr);
}

static size_t shared_call_total(char *names, size_t size)
{
    size_t total = 0, at = 0;

    names[0] = '\0';
    for (int i = 0; i < W_COUNT; i++) {
        size_t n = atomic_load(&shared_calls[i]);
        if (n && at < size)
            at += (size_t)snprintf(names + at, size - at, " %s x%zu", watched_names[i], n);
        total += n;
    }
    return total;
}

/* ---- Running threads ---------------------------------------------------- */

typedef struct job {
    void *(*fn)(void *);
    void *arg;
    size_t failures; /* written by the thread, read after the join */
    char first[256];
} job;

static void job_fail(job *j, const char *fmt, const char *a, const char *b)
{
    if (j->failures++ == 0)
        snprintf(j->first, sizeof j->first, fmt, a, b);
}

static void run_jobs(const char *what, void *(*fn)(void *), void *arg)
{
    pthread_t th[THREADS];
    job jobs[THREADS];

    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){fn, arg, 0, ""};
        CHECK_MSG(pthread_create(&th[i], NULL, fn, &jobs[i]) == 0, "%s: pthread_create", what);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(jobs[i].failures == 0, "%s: thread %d: %zu failures, first: %s", what, i,
                  jobs[i].failures, jobs[i].first);
    }
}

/* ---- 1. One compiled schema, 8 threads --------------------------------- */

static const char rich_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
    "\"$defs\":{\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,"
    "\"pattern\":\"^[A-Za-z][A-Za-z0-9_ -]*$\"}},"
    "\"type\":\"object\",\"title\":\"rich\","
    "\"properties\":{"
    "\"name\":{\"$ref\":\"#/$defs/name\",\"description\":\"who\"},"
    "\"email\":{\"type\":\"string\",\"format\":\"email\"},"
    "\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"size\":{\"type\":\"number\",\"minimum\":0,\"exclusiveMaximum\":1000000,"
    "\"multipleOf\":0.5,\"default\":1.5},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\",\"c\",1.25]},"
    "\"uniqueItems\":true,\"maxItems\":5,\"default\":[\"a\",1.25]},"
    "\"kind\":{\"const\":\"card\",\"default\":\"card\"},"
    "\"meta\":{\"type\":\"object\",\"patternProperties\":{\"^x-\":{\"type\":\"integer\"}},"
    "\"additionalProperties\":false,\"default\":{\"x-a\":1}},"
    "\"choice\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"pattern\":\"^c\"}]}},"
    "\"required\":[\"name\"],"
    "\"dependentRequired\":{\"email\":[\"when\"]},"
    "\"if\":{\"properties\":{\"size\":{\"minimum\":100}},\"required\":[\"size\"]},"
    "\"then\":{\"required\":[\"tags\"]},"
    "\"unevaluatedProperties\":false}";

static const char *const rich_payloads[] = {
    "{\"name\":\"Ada\"}",
    "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"when\":\"2024-01-02T03:04:05Z\","
    "\"size\":2.5,\"tags\":[\"a\",\"b\"],\"kind\":\"card\",\"meta\":{\"x-n\":3},\"choice\":\"cx\"}",
    "{\"name\":\"9x\",\"email\":\"nope\",\"size\":-1.25,\"tags\":[\"a\",\"a\",\"z\"],"
    "\"kind\":\"other\",\"meta\":{\"y\":1,\"x-f\":1.5},\"choice\":\"zz\",\"extra\":true}",
    "{\"name\":\"Big\",\"size\":500}",
    "[1,2,3]",
    "{\"email\":\"a@b.c\"}",
};

static const char *const seed_payloads[] = {
    "{\"prompt\":\"Describe the image\",\"image\":[137,80,78,71,13,10,26,10],\"max_tokens\":32}",
    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"image\":\"iVBORw0KGgo=\"}",
    "{\"prompt\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}],\"image\":[1]}",
    "{\"prompt\":42,\"image\":{\"url\":\"x\"},\"temperature\":\"hot\"}",
    "\"raw bytes as a string\"",
    "{}",
};

enum { MODE_FAST, MODE_EXHAUSTIVE, MODE_ANNOTATIONS, MODE_DEFAULTS, MODES };
#define MAX_CASES 16

typedef struct vcase {
    const cardc_schema *schema;
    const char *text;
    struct json_object *instance; /* shared: parsed once, read by every thread */
    cardc_status want[MODES];
    char *want_out[MODES]; /* detailed output (or the instance after defaults) */
} vcase;

typedef struct vsuite {
    vcase cases[MAX_CASES];
    size_t ncases;
} vsuite;

/* Defaults are applied to the instance itself: each caller passes its own
 * copy (one place to change when filling defaults becomes its own call). */
static cardc_status apply_defaults(const cardc_schema *s, struct json_object *copy, cardc_result *r)
{
    cardc_validate_options o;
    cardc_validate_options_init(&o);
    o.flags = CARDC_VALIDATE_APPLY_DEFAULTS;
    return cardc_validate(s, copy, &o, r, NULL);
}

/* One case in one mode: the verdict, and *out the text to compare. */
static cardc_status validate_mode(const vcase *c, int mode, cardc_result *r, char **out)
{
    cardc_validate_options o;
    cardc_status st;
    struct json_object *tree = NULL;

    *out = NULL;
    cardc_validate_options_init(&o);
    if (mode == MODE_FAST)
        return cardc_validate(c->schema, c->instance, &o, NULL, NULL);
    if (mode == MODE_DEFAULTS) {
        struct json_object *copy = NULL;
        if (cardc_json_parse(c->text, strlen(c->text), NULL, 0, &copy, NULL) != CARDC_OK)
            return CARDC_E_JSON;
        st = apply_defaults(c->schema, copy, r);
        *out = cardc_json_dump(copy, 0);
        json_object_put(copy);
        return st;
    }
    if (mode == MODE_ANNOTATIONS)
        o.flags = CARDC_VALIDATE_ANNOTATIONS;
    st = cardc_validate(c->schema, c->instance, &o, r, NULL);
    if (cardc_result_output(r, CARDC_OUTPUT_DETAILED, &tree, NULL) == CARDC_OK) {
        *out = cardc_json_dump(tree, 0);
        json_object_put(tree);
    }
    return st;
}

static void *validate_worker(void *arg)
{
    job *j = arg;
    const vsuite *v = j->arg;
    cardc_result *r = NULL;

    if (cardc_result_new(&r, NULL) != CARDC_OK) {
        job_fail(j, "%s%s", "cardc_result_new", "");
        return NULL;
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < v->ncases; k++) {
            const vcase *c = &v->cases[k];
            for (int mode = 0; mode < MODES; mode++) {
                char *out = NULL;
                cardc_status st = validate_mode(c, mode, r, &out);
                if (st != c->want[mode])
                    job_fail(j, "%.200s: verdict %s", c->text, cardc_status_name(st));
                else if ((out == NULL) != (c->want_out[mode] == NULL) ||
                         (out && strcmp(out, c->want_out[mode]) != 0))
                    job_fail(j, "%.100s: output %.140s", c->text, out ? out : "(none)");
                free(out);
            }
        }
    }
    cardc_result_free(r);
    return NULL;
}

static void add_cases(vsuite *v, const cardc_schema *s, const char *const *texts, size_t n,
                      cardc_result *r)
{
    for (size_t i = 0; i < n && v->ncases < MAX_CASES; i++) {
        vcase *c = &v->cases[v->ncases++];
        c->schema = s;
        c->text = texts[i];
        CHECK(cardc_json_parse(c->text, strlen(c->text), NULL, 0, &c->instance, NULL) == CARDC_OK);
        for (int mode = 0; mode < MODES; mode++)
            c->want[mode] = validate_mode(c, mode, r, &c->want_out[mode]);
        CHECK(c->want[MODE_FAST] == c->want[MODE_EXHAUSTIVE]);
        if (c->instance)
            share(c->instance);
    }
}

static void test_shared_schema(const char *root)
{
    char path[4096], names[512];
    cardc_card *card = NULL;
    const struct json_object *side = NULL;
    struct json_object *rich_doc = NULL;
    cardc_schema *seed = NULL, *rich = NULL;
    cardc_result *r = NULL;
    cardc_error err;
    vsuite v;
    size_t valid = 0;

    memset(&v, 0, sizeof v);
    snprintf(path, sizeof path, "%s/schemas/llava-1.5-7b-hf.md", root);
    if (!CHECK_OK(cardc_card_load(path, NULL, &card, &err) == CARDC_OK, err.message) ||
        !CHECK_OK(cardc_card_schema(card, CARDC_SIDE_INPUT, &side, &err) == CARDC_OK,
                  err.message) ||
        !CHECK_OK(cardc_schema_compile(side, NULL, &seed, &err) == CARDC_OK, err.message) ||
        !CHECK_OK(cardc_json_parse(rich_schema, sizeof rich_schema - 1, NULL, 0, &rich_doc, &err) ==
                      CARDC_OK,
                  err.message) ||
        !CHECK_OK(cardc_schema_compile(rich_doc, NULL, &rich, &err) == CARDC_OK, err.message) ||
        !CHECK_OK(cardc_result_new(&r, &err) == CARDC_OK, err.message))
        goto out;
    add_cases(&v, seed, seed_payloads, sizeof seed_payloads / sizeof seed_payloads[0], r);
    add_cases(&v, rich, rich_payloads, sizeof rich_payloads / sizeof rich_payloads[0], r);
    for (size_t k = 0; k < v.ncases; k++)
        valid += v.cases[k].want[MODE_FAST] == CARDC_OK;
    CHECK_MSG(valid >= 4 && valid + 4 <= v.ncases, "a mix of verdicts: %zu of %zu valid", valid,
              v.ncases);
    /* every document the schemas use, built-in meta-schemas included */
    for (const cardc_schema *s = seed; s; s = s == seed ? rich : NULL)
        for (size_t i = 0; i < cardc_schema_document_count(s); i++) {
            const struct json_object *doc = NULL;
            cardc_schema_document(s, i, &doc, NULL);
            if (doc)
                share((struct json_object *)(uintptr_t)doc);
        }
    share_done();
    /* the watch sees the library's calls: cardc_json_dump prints a double
     * through json-c, which caches the text in the node */
    {
        struct json_object *half = NULL, *size = NULL;
        char *text;
        json_object_object_get_ex(rich_doc, "properties", &size);
        json_object_object_get_ex(size, "size", &size);
        json_object_object_get_ex(size, "multipleOf", &half);
        watching = true;
        text = cardc_json_dump(half, 0);
        watching = false;
        CHECK_MSG(text && strcmp(text, "0.5") == 0 &&
                      atomic_load(&shared_calls[W_json_object_to_json_string_ext]) == 1,
                  "the watch on json-c did not see a call: %s", text ? text : "(null)");
        free(text);
        atomic_store(&shared_calls[W_json_object_to_json_string_ext], 0);
    }
    watching = true;
    run_jobs("shared schema", validate_worker, &v);
    watching = false;
    CHECK_MSG(shared_call_total(names, sizeof names) == 0,
              "calls into json-c that write a shared node, from threads:%s", names);
out:
    for (size_t k = 0; k < v.ncases; k++) {
        json_object_put(v.cases[k].instance);
        for (int mode = 0; mode < MODES; mode++)
            free(v.cases[k].want_out[mode]);
    }
    cardc_result_free(r);
    cardc_schema_free(seed);
    cardc_schema_free(rich);
    json_object_put(rich_doc);
    cardc_card_free(card);
    free(shared_nodes);
    shared_nodes = NULL;
    nshared = capshared = 0;
}

/* ---- 2. One client per backend, 8 threads, the test server ------------- */

#define TOKEN        "threads-SECRET-token-77e0"
#define ACCOUNT      "threads-account"
#define OPENAI_MODEL "llava-hf/llava-1.5-7b-hf"
#define CALLS        4

typedef struct clients {
    cardc_client *workers, *openai;
    const mock_server *srv;
    const char *image;
    size_t image_len;
} clients;

static cardc_client *new_client(const mock_server *srv, cardc_backend backend);

typedef struct events {
    int count;
} events;

static int on_event(void *user, const char *data, size_t len)
{
    (void)data;
    (void)len;
    ((events *)user)->count++;
    return 0;
}

static cardc_status typed_call(const clients *cl, cardc_client *c, llava_1_5_7b_hf_output *out,
                               cardc_error *err)
{
    llava_1_5_7b_hf_input in;
    llava_1_5_7b_hf_input_object *obj = &in.u.object;
    cardc_status st;

    memset(&in, 0, sizeof in);
    memset(out, 0, sizeof *out);
    if ((st = llava_1_5_7b_hf_input_init(&in, err)) != CARDC_OK)
        return st;
    in.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
    if ((st = llava_1_5_7b_hf_input_object_init(obj, err)) == CARDC_OK &&
        (st = cardc_string_set(&obj->prompt, "What is in this image?", 22, err)) == CARDC_OK &&
        (st = cardc_numbers_set_bytes(&obj->image.u.array, (const uint8_t *)cl->image,
                                      cl->image_len, err)) == CARDC_OK) {
        obj->has_prompt = true;
        obj->image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
        st = llava_1_5_7b_hf_run(c, &in, out, err);
    }
    llava_1_5_7b_hf_input_free(&in);
    return st;
}

static cardc_status streamed_call(const clients *cl, events *ev, cardc_error *err)
{
    char input[4096], *output = NULL, *ct = NULL;
    size_t n, out_len = 0;
    cardc_status st;

    n = (size_t)snprintf(input, sizeof input, "{\"prompt\":\"p\",\"stream\":true,\"image\":[");
    for (size_t i = 0; i < cl->image_len && n < sizeof input - 16; i++)
        n += (size_t)snprintf(input + n, sizeof input - n, "%s%u", i ? "," : "",
                              (unsigned char)cl->image[i]);
    n += (size_t)snprintf(input + n, sizeof input - n, "]}");
    st = cardc_client_run_json(cl->workers,
                               &(cardc_run_request){.model_name = llava_1_5_7b_hf_model.name,
                                                    .task_type = "image-to-text",
                                                    .input = input,
                                                    .input_len = n,
                                                    .stream = on_event,
                                                    .stream_user = ev},
                               &output, &out_len, &ct, err);
    free(output);
    free(ct);
    return st;
}

static void *client_worker(void *arg)
{
    job *j = arg;
    const clients *cl = j->arg;

    for (int i = 0; i < CALLS; i++) {
        llava_1_5_7b_hf_output out;
        cardc_error err;
        cardc_status st;

        st = typed_call(cl, i % 2 ? cl->openai : cl->workers, &out, &err);
        if (st != CARDC_OK)
            job_fail(j, "typed call: %s: %.200s", cardc_status_name(st), err.message);
        else if (!out.has_description || !out.description.data ||
                 strcmp(out.description.data, MOCK_DESCRIPTION) != 0)
            job_fail(j, "typed call: %s%s", "not the description", "");
        llava_1_5_7b_hf_output_free(&out);
        if (i % 2 == 0) {
            events ev = {0};
            st = streamed_call(cl, &ev, &err);
            if (st != CARDC_OK || ev.count != MOCK_STREAM_PIECE_COUNT)
                job_fail(j, "streamed call: %s: %.200s", cardc_status_name(st), err.message);
        }
    }
    return NULL;
}

/* Each thread its own client, all created and freed at once: libcurl's
 * global init is reference-counted and, where libcurl says so
 * (CURL_VERSION_THREADSAFE), safe to race. */
static void *own_client_worker(void *arg)
{
    job *j = arg;
    const clients *cl = j->arg;
    cardc_client *c = new_client(cl->srv, CARDC_BACKEND_WORKERS_AI);
    llava_1_5_7b_hf_output out;
    cardc_error err;
    cardc_status st;

    if (!c) {
        job_fail(j, "%s%s", "cardc_client_new failed", "");
        return NULL;
    }
    st = typed_call(cl, c, &out, &err);
    if (st != CARDC_OK)
        job_fail(j, "own client: %s: %.200s", cardc_status_name(st), err.message);
    llava_1_5_7b_hf_output_free(&out);
    cardc_client_free(c);
    return NULL;
}

static cardc_client *new_client(const mock_server *srv, cardc_backend backend)
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
    o.timeout_ms = 30000; /* generous: ThreadSanitizer is slow */
    if (cardc_client_new(&o, &c, &err) != CARDC_OK)
        fprintf(stderr, "test_threads: cardc_client_new: %s\n", err.message);
    return c;
}

static void test_shared_client(const char *root)
{
    char card[4096], image[4096], errbuf[512], why[512];
    mock_options mo;
    mock_server *srv = NULL;
    clients cl;
    char *img = NULL;
    size_t img_len = 0;

    snprintf(card, sizeof card, "%s/schemas/llava-1.5-7b-hf.md", root);
    snprintf(image, sizeof image, "%s/examples/llava-caption/cat.png", root);
    memset(&mo, 0, sizeof mo);
    mo.card_path = card;
    mo.account_id = ACCOUNT;
    mo.token = TOKEN;
    mo.openai_model = OPENAI_MODEL;
    if (!CHECK_OK(cardc_read_file(image, &img, &img_len, NULL) == CARDC_OK, image) ||
        !CHECK_OK(mock_server_start(&mo, &srv, errbuf, sizeof errbuf) == 0, errbuf)) {
        free(img);
        return;
    }
    cl.workers = new_client(srv, CARDC_BACKEND_WORKERS_AI);
    cl.openai = new_client(srv, CARDC_BACKEND_OPENAI);
    cl.srv = srv;
    cl.image = img;
    cl.image_len = img_len;
    CHECK(cl.workers && cl.openai);
    if (cl.workers && cl.openai) {
        run_jobs("shared client", client_worker, &cl);
        CHECK_MSG(mock_server_requests(srv) == THREADS * (CALLS + CALLS / 2),
                  "%zu requests, want %d", mock_server_requests(srv),
                  THREADS * (CALLS + CALLS / 2));
    }
    CHECK_MSG(mock_server_check_failures(srv, why, sizeof why) == 0,
              "malformed requests, first: %s", why);
    if (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_THREADSAFE) {
        mock_server_reset(srv, MOCK_OK);
        run_jobs("a client per thread", own_client_worker, &cl);
        CHECK_MSG(mock_server_requests(srv) == THREADS, "%zu requests, want %d",
                  mock_server_requests(srv), THREADS);
    } else {
        printf("test_threads: this libcurl's global init is not thread-safe: clients are "
               "not created from several threads at once\n");
    }
    CHECK_MSG(mock_server_check_failures(srv, why, sizeof why) == 0,
              "malformed requests, first: %s", why);
    cardc_client_free(cl.workers);
    cardc_client_free(cl.openai);
    mock_server_stop(srv);
    free(img);
}

/* ---- 3. Generated decoders and encoders, 8 threads ---------------------- */

typedef struct dcase {
    const char *text;
    cardc_duplicate_keys dup;
    cardc_status want;
    char *want_json; /* what the decoded value encodes to */
    char want_message[CARDC_ERROR_MESSAGE_MAX];
} dcase;

static const char *const decode_payloads[] = {
    "{\"prompt\":\"a cat\",\"image\":[1,2,3,250],\"max_tokens\":9}",
    "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9\"}],\"image\":\"iVBORw0KGgo=\"}",
    "\"just a string\"",
    "{\"prompt\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"c\"}],\"image\":[1]}",
    "{\"prompt\":7,\"image\":[1,2]}",
    "{\"image\":[1,2,3.5],\"prompt\":\"x\",\"temperature\":9}",
    "{\"prompt\":\"p\",\"image\":[1,2",
    "{\"prompt\":\"first\",\"image\":[1],\"prompt\":\"last\"}",
    "{\"prompt\":\"first\",\"image\":[1],\"prompt\":\"last\"}",
};

typedef struct dsuite {
    dcase cases[sizeof decode_payloads / sizeof decode_payloads[0]];
    size_t ncases;
} dsuite;

static cardc_status decode_case(const dcase *c, char **json, char *message, size_t size)
{
    llava_1_5_7b_hf_input in;
    cardc_decode_options o = {0};
    cardc_error err;
    size_t len = 0;
    cardc_status st;

    memset(&in, 0, sizeof in);
    *json = NULL;
    o.duplicate_keys = c->dup;
    st = llava_1_5_7b_hf_input_decode_ex(&in, c->text, strlen(c->text), &o, &err);
    snprintf(message, size, "%s", st == CARDC_OK ? "" : err.message);
    if (st == CARDC_OK && llava_1_5_7b_hf_input_encode(&in, json, &len, &err) != CARDC_OK)
        snprintf(message, size, "encode: %.400s", err.message);
    llava_1_5_7b_hf_input_free(&in);
    return st;
}

static void *decode_worker(void *arg)
{
    job *j = arg;
    const dsuite *d = j->arg;

    for (int round = 0; round < ROUNDS; round++)
        for (size_t k = 0; k < d->ncases; k++) {
            const dcase *c = &d->cases[k];
            char *json = NULL, message[CARDC_ERROR_MESSAGE_MAX];
            cardc_status st = decode_case(c, &json, message, sizeof message);
            if (st != c->want || strcmp(message, c->want_message) != 0)
                job_fail(j, "%.100s: %.140s", c->text, message);
            else if ((json == NULL) != (c->want_json == NULL) ||
                     (json && strcmp(json, c->want_json) != 0))
                job_fail(j, "%.100s: encoded as %.130s", c->text, json ? json : "(nothing)");
            free(json);
        }
    return NULL;
}

static void test_decoders(void)
{
    dsuite d;
    size_t ok = 0;

    memset(&d, 0, sizeof d);
    d.ncases = sizeof decode_payloads / sizeof decode_payloads[0];
    for (size_t k = 0; k < d.ncases; k++) {
        dcase *c = &d.cases[k];
        c->text = decode_payloads[k];
        c->dup = k + 1 == d.ncases ? CARDC_DUPLICATE_KEYS_REJECT : CARDC_DUPLICATE_KEYS_LAST;
        c->want = decode_case(c, &c->want_json, c->want_message, sizeof c->want_message);
        ok += c->want == CARDC_OK;
    }
    CHECK_MSG(ok == 5, "%zu of %zu payloads decode", ok, d.ncases);
    CHECK(d.cases[d.ncases - 1].want == CARDC_E_JSON);
    run_jobs("decoders", decode_worker, &d);
    for (size_t k = 0; k < d.ncases; k++)
        free(d.cases[k].want_json);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_threads SOURCE_ROOT\n");
        return 2;
    }
    unsetenv("CLOUDFLARE_ACCOUNT_ID");
    unsetenv("CLOUDFLARE_API_TOKEN");
    unsetenv("OPENAI_BASE_URL");
    unsetenv("OPENAI_API_KEY");
    if (!bind_json_c()) {
        fprintf(stderr, "test_threads: json-c's functions not found behind the test's\n");
        return 1;
    }
    test_shared_schema(argv[1]);
    test_decoders();
    test_shared_client(argv[1]);
    return check_summary();
}
