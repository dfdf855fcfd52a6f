/* SPDX-License-Identifier: MIT */
/* client_batch.c - Workers AI's Batch API (asynchronous queue): inputs
 * gathered and validated, packed into submissions under the size limit,
 * polled with backoff, and the responses matched to their inputs and
 * validated against the output schema.
 *
 * Wire format (developers.cloudflare.com/workers-ai/features/batch-api/):
 *   POST {run URL}?queueRequest=true  {"requests": [INPUT, ...]}
 *     -> result {"status": "queued", "request_id": ID, "model": ...}
 *   POST {run URL}?queueRequest=true  {"request_id": ID}
 *     -> result {"status": "queued" | "running", ...} while in the queue,
 *        then {"responses": [{"id", "result", "success",
 *        "external_reference"}, ...], "usage": {...}}
 * Each INPUT may carry "external_reference", returned with its response. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "client/client_internal.h"
#include "common/errors_internal.h"

typedef struct batch_item {
    char *input; /* compact JSON as sent, external_reference included */
    size_t input_len;
    char *ref;    /* external_reference, or NULL */
    char *output; /* compact JSON, once collected and valid */
    size_t output_len;
    bool collected;
    cardc_error *error; /* heap: this input's failure, once collected */
} batch_item;

/* One submission: inputs [first, first + count). */
typedef struct batch_part {
    size_t first, count;
    char *request_id; /* NULL until accepted */
    bool done;        /* its responses were collected */
} batch_part;

struct cardc_batch {
    cardc_batch_options o;
    batch_item *items;
    size_t count, cap;
    batch_part *parts;
    size_t nparts;
    uint64_t rng; /* poll jitter */
};

#define REQUESTS_HEAD "{\"requests\":["
#define REQUESTS_TAIL "]}"

void cardc_batch_options_init(cardc_batch_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->max_request_bytes = CARDC_BATCH_MAX_REQUEST_BYTES;
    opts->poll_first_ms = 1000;
    opts->poll_max_ms = 60000;
    opts->timeout_ms = 24L * 60 * 60 * 1000;
}

/* ---- The batch ------------------------------------------------------------- */

static cardc_status check_options(const cardc_batch_options *o, cardc_error *e)
{
    if (o->model && !o->model->output.type)
        return cardc__error(e, CARDC_E_NO_SCHEMA,
                            "the model %s has no output schema: a batch's outputs must be "
                            "validated",
                            o->model->name ? o->model->name : "(unnamed)");
    if (!o->model && !o->output_schema)
        return cardc__error(e, CARDC_E_USAGE,
                            "a batch needs a model descriptor or an output schema: every output "
                            "is validated");
    if (!o->model && (!o->model_name || !*o->model_name))
        return cardc__error(e, CARDC_E_USAGE,
                            "a batch without a model descriptor needs model_name");
    if (o->max_request_bytes < sizeof REQUESTS_HEAD + sizeof REQUESTS_TAIL)
        return cardc__error(e, CARDC_E_CONFIG, "max_request_bytes is too small (%zu)",
                            o->max_request_bytes);
    /* a zero wait would never grow: the server would be asked in a loop */
    if (o->poll_first_ms <= 0 || o->poll_max_ms < o->poll_first_ms || o->timeout_ms <= 0)
        return cardc__error(e, CARDC_E_CONFIG,
                            "need 0 < poll_first_ms <= poll_max_ms and timeout_ms > 0 (got %ld, "
                            "%ld, %ld)",
                            o->poll_first_ms, o->poll_max_ms, o->timeout_ms);
    return CARDC_OK;
}

static cardc_status batch_new_body(const cardc_batch_options *opts, cardc_batch **out,
                                   cardc_error *e)
{
    cardc_status st;
    cardc_batch *b;

    if (!out || !opts)
        return cardc__error(e, CARDC_E_USAGE, "cardc_batch_new: opts and out must not be NULL");
    *out = NULL;
    if ((st = check_options(opts, e)) != CARDC_OK)
        return st;
    if (!(b = calloc(1, sizeof *b)))
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    b->o = *opts;
    b->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)(uintptr_t)b ^ (uint64_t)clock();
    if (!b->rng)
        b->rng = 0x9e3779b97f4a7c15u;
    *out = b;
    return CARDC_OK;
}

cardc_status cardc_batch_new(const cardc_batch_options *opts, cardc_batch **out, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, batch_new_body(opts, out, err));
}

void cardc_batch_free(cardc_batch *batch)
{
    if (!batch)
        return;
    for (size_t i = 0; i < batch->count; i++) {
        free(batch->items[i].input);
        free(batch->items[i].ref);
        free(batch->items[i].output);
        free(batch->items[i].error);
    }
    for (size_t i = 0; i < batch->nparts; i++)
        free(batch->parts[i].request_id);
    free(batch->items);
    free(batch->parts);
    free(batch);
}

size_t cardc_batch_count(const cardc_batch *batch)
{
    return batch ? batch->count : 0;
}

const char *cardc_batch_external_reference(const cardc_batch *batch, size_t index)
{
    return batch && index < batch->count ? batch->items[index].ref : NULL;
}

/* ---- Adding inputs ------------------------------------------------------------ */

/* The validator's verdict, its first error in e (a result is what makes the
 * record say which error and where). */
static cardc_status validate_doc(const cardc_schema *schema, struct json_object *doc,
                                 cardc_error *e)
{
    cardc_result *r = NULL;
    cardc_status st = cardc_result_new(&r, e);

    if (st == CARDC_OK)
        st = cardc_validate(schema, doc, NULL, r, e);
    cardc_result_free(r);
    return st;
}

/* Validates doc (an input object) against the batch's input schema. */
static cardc_status validate_input(const cardc_batch *b, struct json_object *doc, const char *text,
                                   size_t len, cardc_error *e)
{
    cardc_status st = CARDC_OK;

    if (b->o.model && b->o.model->input.type) {
        void *tmp = calloc(1, b->o.model->input.size ? b->o.model->input.size : 1);
        if (!tmp)
            return cardc__error(e, CARDC_E_NOMEM, "out of memory");
        st = cardc_bind_decode(b->o.model->input.type, tmp, text, len, NULL, e);
        cardc_bind_free(b->o.model->input.type, tmp);
        free(tmp);
    } else if (b->o.input_schema) {
        st = validate_doc(b->o.input_schema, doc, e);
    }
    if (st == CARDC_E_INVALID && e && e->code == st)
        cardc__error_prefix(e, "input broke the card's input schema: ");
    return st;
}

/* The input as sent: the object with its external_reference added. */
static cardc_status batch_input(const cardc_batch *b, const char *json, size_t len, const char *ref,
                                char **out, cardc_error *e)
{
    struct json_object *doc = NULL, *r;
    cardc_status st = cardc_json_parse(json, len, "<input>", 0, &doc, e);

    if (st != CARDC_OK)
        return st;
    if (!json_object_is_type(doc, json_type_object))
        st = cardc__error(e, CARDC_E_USAGE,
                          "a batch input must be a JSON object (raw binary bodies cannot be "
                          "queued)");
    else if (ref && json_object_object_get_ex(doc, "external_reference", NULL))
        st = cardc__error(e, CARDC_E_USAGE,
                          "the input has an \"external_reference\" member and one is given too");
    if (st == CARDC_OK)
        st = validate_input(b, doc, json, len, e);
    if (st == CARDC_OK && ref) {
        if (!(r = json_object_new_string(ref)) ||
            json_object_object_add(doc, "external_reference", r) != 0)
            st = cardc__error(e, CARDC_E_NOMEM, "out of memory");
    }
    if (st == CARDC_OK && !(*out = cardc_json_dump(doc, 0)))
        st = cardc__error(e, CARDC_E_NOMEM, "out of memory");
    json_object_put(doc);
    return st;
}

static cardc_status add_json(cardc_batch *b, const char *json, size_t len, const char *ref,
                             cardc_error *e)
{
    batch_item *it;
    char *text = NULL;
    cardc_status st;

    if (b->nparts)
        return cardc__error(e, CARDC_E_USAGE, "the batch was submitted: no more inputs");
    for (size_t i = 0; ref && i < b->count; i++)
        if (b->items[i].ref && strcmp(b->items[i].ref, ref) == 0)
            return cardc__error(e, CARDC_E_USAGE,
                                "external_reference \"%.200s\" is given twice (inputs %zu and %zu)",
                                ref, i, b->count);
    if ((st = batch_input(b, json, len, ref, &text, e)) != CARDC_OK)
        return st;
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        batch_item *v = realloc(b->items, cap * sizeof *v);
        if (!v) {
            free(text);
            return cardc__error(e, CARDC_E_NOMEM, "out of memory");
        }
        b->items = v;
        b->cap = cap;
    }
    it = &b->items[b->count];
    memset(it, 0, sizeof *it);
    it->input = text;
    it->input_len = strlen(text);
    if (ref && !(it->ref = strdup(ref))) {
        free(text);
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    }
    b->count++;
    return CARDC_OK;
}

static cardc_status batch_add_json_body(cardc_batch *b, const char *json, size_t len,
                                        const char *ref, cardc_error *e)
{
    if (!b || (!json && len))
        return cardc__error(e, CARDC_E_USAGE, "cardc_batch_add_json: NULL argument");
    return add_json(b, json ? json : "", len, ref, e);
}

cardc_status cardc_batch_add_json(cardc_batch *batch, const char *json, size_t len,
                                  const char *external_reference, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, batch_add_json_body(batch, json, len, external_reference, err));
}

static cardc_status batch_add_body(cardc_batch *b, const void *input, const char *ref,
                                   cardc_error *e)
{
    char *json = NULL;
    size_t len = 0;
    cardc_status st;

    if (!b || !input)
        return cardc__error(e, CARDC_E_USAGE, "cardc_batch_add: NULL argument");
    if (!b->o.model || !b->o.model->input.type)
        return cardc__error(e, CARDC_E_USAGE,
                            "cardc_batch_add needs a model descriptor with an input type "
                            "(cardc_batch_add_json takes JSON)");
    st = cardc_bind_encode(b->o.model->input.type, input, &json, &len, e);
    if (st == CARDC_E_INVALID && e && e->code == st)
        cardc__error_prefix(e, "input broke the card's input schema: ");
    if (st == CARDC_OK)
        st = add_json(b, json, len, ref, e);
    free(json);
    return st;
}

cardc_status cardc_batch_add(cardc_batch *batch, const void *input, const char *external_reference,
                             cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, batch_add_body(batch, input, external_reference, err));
}

/* ---- Results ------------------------------------------------------------------ */

static cardc_status output_json_body(const cardc_batch *b, size_t index, const char **json,
                                     size_t *len, cardc_error *e)
{
    const batch_item *it;

    if (json)
        *json = NULL;
    if (len)
        *len = 0;
    if (!b || !json)
        return cardc__error(e, CARDC_E_USAGE, "cardc_batch_output_json: NULL argument");
    if (index >= b->count)
        return cardc__error(e, CARDC_E_USAGE, "input %zu of a batch of %zu", index, b->count);
    it = &b->items[index];
    if (!it->collected)
        return cardc__error(e, CARDC_E_USAGE,
                            "input %zu has no result yet: poll (or wait) until the batch is done",
                            index);
    if (it->error) {
        if (e)
            *e = *it->error;
        return it->error->code;
    }
    *json = it->output;
    if (len)
        *len = it->output_len;
    return CARDC_OK;
}

cardc_status cardc_batch_output_json(const cardc_batch *batch, size_t index, const char **json,
                                     size_t *len, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, output_json_body(batch, index, json, len, err));
}

static cardc_status output_body(const cardc_batch *b, size_t index, void *output, cardc_error *e)
{
    const char *json = NULL;
    size_t len = 0;
    cardc_status st;

    if (!b || !output)
        return cardc__error(e, CARDC_E_USAGE, "cardc_batch_output: NULL argument");
    if (!b->o.model)
        return cardc__error(e, CARDC_E_USAGE,
                            "cardc_batch_output needs a model descriptor (cardc_batch_output_json "
                            "gives JSON)");
    if ((st = output_json_body(b, index, &json, &len, e)) != CARDC_OK)
        return st;
    return cardc_bind_decode(b->o.model->output.type, output, json, len, NULL, e);
}

cardc_status cardc_batch_output(const cardc_batch *batch, size_t index, void *output,
                                cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, output_body(batch, index, output, err));
}

/* ---- Collecting --------------------------------------------------------------- */

/* Records the failure of input it: a copy of e (or a fresh record). */
static cardc_status item_fail(batch_item *it, cardc_status st, const cardc_error *e,
                              const char *fmt, const char *arg)
{
    it->collected = true;
    free(it->output);
    it->output = NULL;
    if (!it->error && !(it->error = calloc(1, sizeof *it->error)))
        return CARDC_E_NOMEM;
    if (e && e->code == st) {
        *it->error = *e;
    } else {
        cardc_error_clear(it->error);
        cardc__error(it->error, st, fmt, arg);
    }
    return CARDC_OK;
}

/* The output, validated against the model's output type or schema. */
static cardc_status check_output(const cardc_batch *b, struct json_object *result, const char *text,
                                 size_t len, cardc_error *e)
{
    cardc_status st;

    if (b->o.model) {
        void *tmp = calloc(1, b->o.model->output.size ? b->o.model->output.size : 1);
        if (!tmp)
            return cardc__error(e, CARDC_E_NOMEM, "out of memory");
        st = cardc_bind_decode(b->o.model->output.type, tmp, text, len, NULL, e);
        cardc_bind_free(b->o.model->output.type, tmp);
        free(tmp);
    } else {
        st = validate_doc(b->o.output_schema, result, e);
    }
    if (st != CARDC_OK && st != CARDC_E_NOMEM && e && e->code == st)
        cardc__error_prefix(e, "output broke the card's output schema: ");
    return st;
}

/* The message of a failed response: its errors[0].message, if any. */
static const char *response_error(struct json_object *resp)
{
    struct json_object *errors, *e0, *msg;

    if (json_object_object_get_ex(resp, "errors", &errors) &&
        json_object_is_type(errors, json_type_array) && json_object_array_length(errors) > 0 &&
        (e0 = json_object_array_get_idx(errors, 0)) &&
        json_object_object_get_ex(e0, "message", &msg) &&
        json_object_is_type(msg, json_type_string))
        return json_object_get_string(msg);
    return "the model failed on this input (no message)";
}

/* One response, matched to input it: its output validated, or its failure. */
static cardc_status take_response(const cardc_batch *b, batch_item *it, struct json_object *resp)
{
    struct json_object *ok, *result = NULL;
    cardc_error e;
    char *text;

    cardc_error_clear(&e);
    if (json_object_object_get_ex(resp, "success", &ok) &&
        json_object_is_type(ok, json_type_boolean) && !json_object_get_boolean(ok))
        return item_fail(it, CARDC_E_BACKEND, NULL, "Workers AI: %.400s", response_error(resp));
    if (!json_object_object_get_ex(resp, "result", &result))
        return item_fail(it, CARDC_E_BACKEND, NULL, "%s", "the response has no result");
    if (!(text = cardc_json_dump(result, 0)))
        return CARDC_E_NOMEM;
    cardc_status st = check_output(b, result, text, strlen(text), &e);
    if (st == CARDC_E_NOMEM) {
        free(text);
        return st;
    }
    if (st != CARDC_OK) {
        free(text);
        return item_fail(it, st, &e, "%s", "");
    }
    it->collected = true;
    it->output = text;
    it->output_len = strlen(text);
    return CARDC_OK;
}

/* Which input of part p response r answers: by external_reference, else
 * by id (its index in the submission); -1 when neither says. */
static long match_response(const cardc_batch *b, const batch_part *p, struct json_object *r)
{
    struct json_object *v;

    if (json_object_object_get_ex(r, "external_reference", &v) &&
        json_object_is_type(v, json_type_string))
        for (size_t i = 0; i < p->count; i++) {
            const char *ref = b->items[p->first + i].ref;
            if (ref && strcmp(ref, json_object_get_string(v)) == 0)
                return (long)i;
        }
    if (json_object_object_get_ex(r, "id", &v) && json_object_is_type(v, json_type_int) &&
        json_object_get_int64(v) >= 0 && (uint64_t)json_object_get_int64(v) < p->count)
        return (long)json_object_get_int64(v);
    return -1;
}

/* Does any response say which input it answers? Else position decides. */
static bool responses_keyed(struct json_object *list)
{
    for (size_t k = 0; k < json_object_array_length(list); k++) {
        struct json_object *r = json_object_array_get_idx(list, k), *v;
        if ((json_object_object_get_ex(r, "external_reference", &v) &&
             json_object_is_type(v, json_type_string)) ||
            (json_object_object_get_ex(r, "id", &v) && json_object_is_type(v, json_type_int)))
            return true;
    }
    return false;
}

static cardc_status collect_part(cardc_batch *b, batch_part *p, struct json_object *list)
{
    size_t n = json_object_array_length(list), stray = 0;
    bool keyed = responses_keyed(list);
    char what[320];

    for (size_t k = 0; k < n; k++) {
        struct json_object *r = json_object_array_get_idx(list, k);
        long i = !json_object_is_type(r, json_type_object) ? -1
                 : keyed                                   ? match_response(b, p, r)
                 : k < p->count                            ? (long)k
                                                           : -1;
        batch_item *it = i >= 0 ? &b->items[p->first + (size_t)i] : NULL;
        cardc_status st = CARDC_OK;

        if (!it)
            stray++;
        else if (it->collected)
            st = item_fail(it, CARDC_E_BACKEND, NULL, "%s",
                           "two responses of the batch answer name this input");
        else
            st = take_response(b, it, r);
        if (st != CARDC_OK)
            return st;
    }
    for (size_t i = 0; i < p->count; i++) {
        batch_item *it = &b->items[p->first + i];
        if (it->collected)
            continue;
        snprintf(what, sizeof what, "no response of the batch answer matched this input%s%.200s%s",
                 it->ref ? " (external_reference \"" : "", it->ref ? it->ref : "",
                 it->ref ? "\")" : "");
        if (stray)
            snprintf(what + strlen(what), sizeof what - strlen(what),
                     "; %zu response%s named no input", stray, stray == 1 ? "" : "s");
        if (item_fail(it, CARDC_E_BACKEND, NULL, "%s", what) != CARDC_OK)
            return CARDC_E_NOMEM;
    }
    p->done = true;
    return CARDC_OK;
}

/* ---- Talking to the server ---------------------------------------------------- */

/* POSTs body to the batch URL; *result is the answer's `result`, parsed. */
static cardc_status post_batch(cardc_client *c, const char *url, const char *body, size_t len,
                               struct json_object **result, cardc_error *e)
{
    cardc__http_request req;
    cardc__http_response resp;
    char *text = NULL;
    size_t text_len = 0;
    cardc_status st;

    *result = NULL;
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.url = url;
    req.content_type = "application/json";
    req.body = body;
    req.body_len = len;
    req.accept = "application/json";
    req.bearer = c->api_token != NULL;
    req.gateway_auth = c->gateway != NULL;
    req.retryable = cardc__workers_retryable;
    st = cardc__http_send(c, &req, &resp, e);
    if (st == CARDC_OK) {
        st = cardc__workers_unwrap(resp.status, resp.body, resp.len, &text, &text_len, e);
        if (st != CARDC_OK && resp.attempts > 1 && e && e->code == st) {
            char tail[40];
            snprintf(tail, sizeof tail, " (after %d attempts)", resp.attempts);
            if (strlen(e->message) + strlen(tail) < sizeof e->message)
                strcat(e->message, tail);
        }
    }
    cardc__http_response_free(&resp);
    if (st == CARDC_OK)
        st = cardc_json_parse(text, text_len, "<batch answer>", 0, result, e);
    free(text);
    return st;
}

static char *batch_url(const cardc_client *c, const cardc_batch *b)
{
    const char *name = c->model          ? c->model
                       : b->o.model_name ? b->o.model_name
                       : b->o.model      ? b->o.model->name
                                         : NULL;
    char *run, *url;

    if (!name)
        return NULL;
    run = c->gateway ? cardc__gateway_url(c->base_url, c->account_id, c->gateway, name)
                     : cardc__workers_run_url(c->base_url, c->account_id, name);
    if (!run || !(url = malloc(strlen(run) + sizeof "?queueRequest=true"))) {
        free(run);
        return NULL;
    }
    strcpy(url, run);
    strcat(url, "?queueRequest=true");
    free(run);
    return url;
}

/* Lays the inputs out in submissions of at most max_request_bytes, in
 * order. An input that alone passes the limit is refused: nothing is sent. */
static cardc_status plan_parts(cardc_batch *b, cardc_error *e)
{
    size_t room = b->o.max_request_bytes - (sizeof REQUESTS_HEAD - 1) - (sizeof REQUESTS_TAIL - 1);
    size_t used = 0;

    if (b->nparts)
        return CARDC_OK;
    if (!b->count)
        return cardc__error(e, CARDC_E_USAGE, "the batch is empty: add inputs first");
    for (size_t i = 0; i < b->count; i++)
        if (b->items[i].input_len > room)
            return cardc__error(e, CARDC_E_TOO_LARGE,
                                "input %zu is %zu bytes: over the batch limit of %zu bytes per "
                                "submission on its own (nothing was sent)",
                                i, b->items[i].input_len, b->o.max_request_bytes);
    if (!(b->parts = calloc(b->count, sizeof *b->parts)))
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < b->count; i++) {
        size_t need = b->items[i].input_len + (used ? 1 : 0);
        if (b->nparts && used + need <= room) {
            b->parts[b->nparts - 1].count++;
            used += need;
            continue;
        }
        b->parts[b->nparts].first = i;
        b->parts[b->nparts++].count = 1;
        used = b->items[i].input_len;
    }
    return CARDC_OK;
}

static char *part_body(const cardc_batch *b, const batch_part *p, size_t *len)
{
    strbuf s = {0};

    strbuf_str(&s, REQUESTS_HEAD);
    for (size_t i = 0; i < p->count; i++) {
        if (i)
            strbuf_add(&s, ",", 1);
        strbuf_add(&s, b->items[p->first + i].input, b->items[p->first + i].input_len);
    }
    strbuf_str(&s, REQUESTS_TAIL);
    *len = s.len;
    return cardc__strbuf_take(&s);
}

/* What a submission or poll answered: still pending, or the responses. */
static cardc_status read_answer(cardc_batch *b, batch_part *p, struct json_object *result,
                                cardc_error *e)
{
    struct json_object *v;

    if (json_object_is_type(result, json_type_object) &&
        json_object_object_get_ex(result, "responses", &v)) {
        if (!json_object_is_type(v, json_type_array))
            return cardc__error(e, CARDC_E_BACKEND, "the batch answer's responses is no array");
        if (collect_part(b, p, v) != CARDC_OK)
            return cardc__error(e, CARDC_E_NOMEM, "out of memory");
        return CARDC_OK;
    }
    if (json_object_is_type(result, json_type_object) &&
        json_object_object_get_ex(result, "status", &v) &&
        json_object_is_type(v, json_type_string)) {
        const char *status = json_object_get_string(v);
        if (strcmp(status, "queued") == 0 || strcmp(status, "running") == 0)
            return CARDC_OK;
        return cardc__error(e, CARDC_E_BACKEND,
                            "the batch %.100s is \"%.100s\" and has no responses",
                            p->request_id ? p->request_id : "", status);
    }
    return cardc__error(e, CARDC_E_BACKEND, "the batch answer has neither a status nor responses");
}

static cardc_status submit_part(cardc_client *c, cardc_batch *b, batch_part *p, const char *url,
                                cardc_error *e)
{
    struct json_object *result = NULL, *id;
    size_t len = 0;
    char *body = part_body(b, p, &len);
    cardc_status st;

    if (!body)
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    st = post_batch(c, url, body, len, &result, e);
    free(body);
    if (st != CARDC_OK)
        return st;
    if (!json_object_is_type(result, json_type_object) ||
        !json_object_object_get_ex(result, "request_id", &id) ||
        !json_object_is_type(id, json_type_string) || json_object_get_string_len(id) == 0) {
        /* an answer given at once is taken as such */
        st = json_object_object_get_ex(result, "responses", NULL)
                 ? read_answer(b, p, result, e)
                 : cardc__error(e, CARDC_E_BACKEND,
                                "the batch submission's answer has no request_id");
        json_object_put(result);
        return st;
    }
    if (!(p->request_id = strdup(json_object_get_string(id))))
        st = cardc__error(e, CARDC_E_NOMEM, "out of memory");
    else
        st = read_answer(b, p, result, e);
    json_object_put(result);
    return st;
}

static cardc_status check_client(const cardc_client *c, const cardc_batch *b, cardc_error *e)
{
    if (!c || !b)
        return cardc__error(e, CARDC_E_USAGE, "client and batch must not be NULL");
    if (c->backend != CARDC_BACKEND_WORKERS_AI)
        return cardc__error(e, CARDC_E_CONFIG, "the Batch API needs the Workers AI backend");
    return CARDC_OK;
}

static cardc_status submit(cardc_client *c, cardc_batch *b, cardc_error *e)
{
    cardc_status st;
    char *url;

    if ((st = check_client(c, b, e)) != CARDC_OK || (st = plan_parts(b, e)) != CARDC_OK)
        return st;
    if (!(url = batch_url(c, b)))
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < b->nparts && st == CARDC_OK; i++)
        if (!b->parts[i].request_id && !b->parts[i].done)
            st = submit_part(c, b, &b->parts[i], url, e);
    free(url);
    return st;
}

cardc_status cardc_client_batch_submit(cardc_client *client, cardc_batch *batch, cardc_error *err)
{
    cardc_error e;

    cardc__error_enter(err);
    cardc_error_clear(&e);
    return cardc__error_leave(err,
                              cardc__client_finish(client, submit(client, batch, &e), &e, err));
}

static bool all_done(const cardc_batch *b)
{
    for (size_t i = 0; i < b->nparts; i++)
        if (!b->parts[i].done)
            return false;
    return b->nparts > 0;
}

static cardc_status poll_parts(cardc_client *c, cardc_batch *b, bool *done, cardc_error *e)
{
    cardc_status st;
    char *url;

    if ((st = check_client(c, b, e)) != CARDC_OK)
        return st;
    if (!b->nparts)
        return cardc__error(e, CARDC_E_USAGE, "the batch was not submitted");
    if (!(url = batch_url(c, b)))
        return cardc__error(e, CARDC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < b->nparts && st == CARDC_OK; i++) {
        batch_part *p = &b->parts[i];
        struct json_object *q, *result = NULL;
        if (p->done || !p->request_id)
            continue;
        q = json_object_new_object();
        if (!q || json_object_object_add(q, "request_id", json_object_new_string(p->request_id))) {
            json_object_put(q);
            st = cardc__error(e, CARDC_E_NOMEM, "out of memory");
            break;
        }
        st = post_batch(c, url, json_object_to_json_string_ext(q, JSON_C_TO_STRING_PLAIN),
                        strlen(json_object_to_json_string_ext(q, JSON_C_TO_STRING_PLAIN)), &result,
                        e);
        json_object_put(q);
        if (st == CARDC_OK)
            st = read_answer(b, p, result, e);
        json_object_put(result);
    }
    free(url);
    if (done)
        *done = all_done(b);
    return st;
}

cardc_status cardc_client_batch_poll(cardc_client *client, cardc_batch *batch, bool *done,
                                     cardc_error *err)
{
    cardc_error e;

    cardc__error_enter(err);
    cardc_error_clear(&e);
    if (done)
        *done = false;
    return cardc__error_leave(
        err, cardc__client_finish(client, poll_parts(client, batch, done, &e), &e, err));
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t answered(const cardc_batch *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->count; i++)
        n += b->items[i].collected;
    return n;
}

static cardc_status wait_done(cardc_client *c, cardc_batch *b, cardc_error *e)
{
    long long start = now_ms();
    cardc_status st;
    bool done = false;

    if ((st = check_client(c, b, e)) != CARDC_OK)
        return st;
    if (!all_done(b) && (st = submit(c, b, e)) != CARDC_OK)
        return st;
    for (int round = 0; !all_done(b); round++) {
        long delay = cardc__backoff_ms(b->o.poll_first_ms, b->o.poll_max_ms,
                                       round < 62 ? round : 62, -1, &b->rng);
        if (now_ms() - start + delay > b->o.timeout_ms)
            return cardc__error(e, CARDC_E_TIMEOUT,
                                "the batch did not finish within %ld ms: %zu of %zu inputs "
                                "answered (wait again to go on; request id %.100s)",
                                b->o.timeout_ms, answered(b), b->count,
                                b->parts[0].request_id ? b->parts[0].request_id : "-");
        cardc__sleep_ms(delay);
        if ((st = poll_parts(c, b, &done, e)) != CARDC_OK)
            return st;
    }
    return CARDC_OK;
}

cardc_status cardc_client_batch_wait(cardc_client *client, cardc_batch *batch, cardc_error *err)
{
    cardc_error e;

    cardc__error_enter(err);
    cardc_error_clear(&e);
    return cardc__error_leave(err,
                              cardc__client_finish(client, wait_done(client, batch, &e), &e, err));
}
