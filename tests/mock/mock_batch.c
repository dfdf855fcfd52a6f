/* SPDX-License-Identifier: MIT */
/* mock_batch.c - the test server's Batch API (Workers AI's asynchronous
 * batch: developers.cloudflare.com/workers-ai/features/batch-api/rest-api):
 *
 *   POST .../ai/run/MODEL?queueRequest=true  {"requests": [INPUT, ...]}
 *     -> {"result": {"status": "queued", "request_id": ID, "model": MODEL}, ...}
 *   POST .../ai/run/MODEL?queueRequest=true  {"request_id": ID}
 *     -> {"result": {"status": "queued" | "running", "request_id": ID}, ...}
 *        (first poll queued, second running), then
 *     -> {"result": {"responses": [{"id": I, "result": OUTPUT, "success": true,
 *        "external_reference": REF | null}, ...], "usage": {...}}, ...}
 *
 * Each INPUT is checked against the card's input schema (its
 * "external_reference" taken out first). The responses come in reverse
 * order, so a client must match them to its requests; each description
 * carries its request's prompt, so a test can tell whether it did. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/json.h"
#include "mock_internal.h"

struct mock_batch {
    char id[64];
    mock_scenario scenario;
    json_object *responses; /* the finished answer's "responses" */
    unsigned polls;
    bool fault_done; /* the scenario's one-time poll fault was sent */
};

void mock_batch_free_all(mock_server *s)
{
    for (size_t i = 0; i < s->batch_count; i++)
        json_object_put(s->batches[i].responses);
    free(s->batches);
    s->batches = NULL;
    s->batch_count = s->batch_cap = 0;
}

/* The output for one input: the description, naming the prompt. */
static json_object *output_for(json_object *input)
{
    json_object *result = json_object_new_object(), *prompt;
    char text[600];

    if (json_object_object_get_ex(input, "prompt", &prompt) &&
        json_object_is_type(prompt, json_type_string))
        snprintf(text, sizeof text, "%s [%s]", MOCK_DESCRIPTION, json_object_get_string(prompt));
    else
        snprintf(text, sizeof text, "%s", MOCK_DESCRIPTION);
    json_object_object_add(result, "description", json_object_new_string(text));
    return result;
}

/* The response of request i (ref: its external_reference or NULL), shaped
 * by the batch's scenario. */
static json_object *response_for(mock_scenario sc, size_t i, json_object *input, json_object *ref)
{
    json_object *r = json_object_new_object(), *out = output_for(input);

    if (sc == MOCK_BATCH_BAD_OUTPUT && i == 0)
        json_object_object_add(out, "description", json_object_new_int(42));
    if (sc == MOCK_BATCH_ITEM_FAILED && i == 1) {
        json_object *errors = json_object_new_array(), *e = json_object_new_object();
        json_object_put(out);
        json_object_object_add(e, "code", json_object_new_int(3043));
        json_object_object_add(e, "message", json_object_new_string("mock: the model failed"));
        json_object_array_add(errors, e);
        json_object_object_add(r, "id", json_object_new_int((int)i));
        json_object_object_add(r, "result", NULL);
        json_object_object_add(r, "success", json_object_new_boolean(0));
        json_object_object_add(r, "errors", errors);
        json_object_object_add(r, "external_reference", json_object_get(ref));
        return r;
    }
    if (!(sc == MOCK_BATCH_LOST_REF && i == 1))
        json_object_object_add(r, "id", json_object_new_int((int)i));
    json_object_object_add(r, "result", out);
    json_object_object_add(r, "success", json_object_new_boolean(1));
    if (sc == MOCK_BATCH_LOST_REF && i == 0)
        json_object_object_add(r, "external_reference", NULL);
    else if (sc == MOCK_BATCH_LOST_REF && i == 1)
        json_object_object_add(r, "external_reference", json_object_new_string("nobody-sent-me"));
    else
        json_object_object_add(r, "external_reference", json_object_get(ref));
    return r;
}

/* Checks every request and builds the answers; NULL (why filled) when one
 * is not a valid input. */
static json_object *answers(mock_server *s, json_object *requests, mock_scenario sc, char *why,
                            size_t why_size)
{
    size_t n = json_object_array_length(requests);
    json_object *out = json_object_new_array();

    for (size_t k = n; k-- > 0;) {
        json_object *rq = json_object_array_get_idx(requests, k), *ref = NULL, *input;

        if (!json_object_is_type(rq, json_type_object)) {
            snprintf(why, why_size, "requests[%zu] is not an object", k);
            json_object_put(out);
            return NULL;
        }
        /* the input is the request without its external_reference */
        json_object_object_get_ex(rq, "external_reference", &ref);
        if (ref && !json_object_is_type(ref, json_type_string)) {
            snprintf(why, why_size, "requests[%zu].external_reference is not a string", k);
            json_object_put(out);
            return NULL;
        }
        input = json_tokener_parse(json_object_to_json_string(rq));
        json_object_object_del(input, "external_reference");
        if (!check_input_value(s, input, why, why_size)) {
            json_object_put(input);
            json_object_put(out);
            return NULL;
        }
        json_object_array_add(out, response_for(sc, k, input, ref));
        json_object_put(input);
    }
    return out;
}

static json_object *status_result(const char *status, const char *id, const char *model)
{
    json_object *r = json_object_new_object();

    json_object_object_add(r, "status", json_object_new_string(status));
    json_object_object_add(r, "request_id", json_object_new_string(id));
    if (model)
        json_object_object_add(r, "model", json_object_new_string(model));
    return workers_ai_answer(r);
}

static enum MHD_Result submit(mock_server *s, struct MHD_Connection *c, const request *rq,
                              json_object *requests, mock_scenario sc)
{
    char why[600], id[64];
    json_object *done;

    if (rq->len > MOCK_BATCH_MAX_BYTES)
        return send_cf_error(c, 413, 3006, "Request is too large", NULL);
    if (json_object_array_length(requests) == 0) {
        note_failure(s, "an empty batch");
        return send_cf_error(c, 400, 5006, "requests is empty", NULL);
    }
    if (!(done = answers(s, requests, sc, why, sizeof why))) {
        note_failure(s, "batch: %s", why);
        return send_cf_error(c, 400, 5006, why, NULL);
    }
    pthread_mutex_lock(&s->lock);
    if (s->batch_count == s->batch_cap) {
        size_t cap = s->batch_cap ? s->batch_cap * 2 : 8;
        mock_batch *v = realloc(s->batches, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&s->lock);
            json_object_put(done);
            return MHD_NO;
        }
        s->batches = v;
        s->batch_cap = cap;
    }
    mock_batch *b = &s->batches[s->batch_count];
    memset(b, 0, sizeof *b);
    snprintf(b->id, sizeof b->id, "mock-batch-%zu", s->batch_count + 1);
    b->scenario = sc;
    b->responses = done;
    s->batch_count++;
    if (rq->len > s->batch_largest)
        s->batch_largest = rq->len;
    snprintf(id, sizeof id, "%s", b->id);
    pthread_mutex_unlock(&s->lock);
    return send_json(c, 200, status_result("queued", id, s->model_name), NULL);
}

/* The done answer (a copy, built under the lock). */
static json_object *finished(const mock_batch *b)
{
    json_object *r = json_object_new_object(), *usage = json_object_new_object();

    json_object_object_add(r, "responses",
                           json_tokener_parse(json_object_to_json_string(b->responses)));
    json_object_object_add(usage, "prompt_tokens", json_object_new_int(12));
    json_object_object_add(usage, "completion_tokens", json_object_new_int(0));
    json_object_object_add(usage, "total_tokens", json_object_new_int(12));
    json_object_object_add(r, "usage", usage);
    return workers_ai_answer(r);
}

static enum MHD_Result poll_batch(mock_server *s, struct MHD_Connection *c, const char *id)
{
    mock_batch *b = NULL;
    json_object *answer = NULL;
    const char *status = NULL;
    int fault = 0;

    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->batch_count && !b; i++)
        if (strcmp(s->batches[i].id, id) == 0)
            b = &s->batches[i];
    if (b) {
        s->batch_polls++;
        if ((b->scenario == MOCK_BATCH_POLL_500 || b->scenario == MOCK_BATCH_POLL_429) &&
            !b->fault_done) {
            b->fault_done = true;
            fault = b->scenario == MOCK_BATCH_POLL_500 ? 500 : 429;
        } else {
            b->polls++;
            if (b->polls == 1 || b->scenario == MOCK_BATCH_NEVER)
                status = "queued";
            else if (b->polls == 2)
                status = "running";
            else if (b->scenario != MOCK_BATCH_MALFORMED)
                answer = finished(b);
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (!b) {
        note_failure(s, "poll for an unknown batch \"%s\"", id);
        return send_cf_error(c, 404, 7002, "mock: no such batch", NULL);
    }
    if (fault == 500)
        return send_cf_error(c, 500, 3043, "Internal server error", NULL);
    if (fault == 429)
        return send_cf_error(c, 429, 3040, "Capacity temporarily exceeded, please try again.", "1");
    if (status)
        return send_json(c, 200, status_result(status, id, NULL), NULL);
    if (!answer) {
        static const char bad[] = "{\"result\":{\"responses\":[{\"id\":0,}]}";
        char *body = strdup(bad);
        return body ? send_owned(c, 200, body, strlen(body), "application/json", NULL) : MHD_NO;
    }
    return send_json(c, 200, answer, NULL);
}

enum MHD_Result mock_batch_answer(mock_server *s, struct MHD_Connection *c, const request *rq,
                                  mock_scenario sc)
{
    json_object *doc = NULL, *v;
    cardc_error err;
    enum MHD_Result ret;

    cardc_error_clear(&err);
    if (cardc_json_parse(rq->body ? rq->body : "", rq->len, "<batch>", 0, &doc, &err) != CARDC_OK ||
        !json_object_is_type(doc, json_type_object)) {
        note_failure(s, "a batch request that is no JSON object");
        json_object_put(doc);
        return send_cf_error(c, 400, 5006, "mock: bad batch request", NULL);
    }
    if (json_object_object_get_ex(doc, "requests", &v) && json_object_is_type(v, json_type_array))
        ret = submit(s, c, rq, v, sc);
    else if (json_object_object_get_ex(doc, "request_id", &v) &&
             json_object_is_type(v, json_type_string) && json_object_object_length(doc) == 1)
        ret = poll_batch(s, c, json_object_get_string(v));
    else {
        note_failure(s, "a batch request with neither requests[] nor a request_id alone");
        ret = send_cf_error(c, 400, 5006, "mock: bad batch request", NULL);
    }
    json_object_put(doc);
    return ret;
}
