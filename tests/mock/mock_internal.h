/* SPDX-License-Identifier: MIT */
/* mock_internal.h - what the pieces of the test server share (mock_server.c:
 * routes, checks and faults; mock_batch.c: the Batch API). */
#ifndef CARDC_TESTS_MOCK_INTERNAL_H
#define CARDC_TESTS_MOCK_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "cardc/card.h"
#include "cardc/schema.h"
#include "mock_server.h"

typedef struct mock_batch mock_batch; /* mock_batch.c */

struct mock_server {
    struct MHD_Daemon *daemon;
    unsigned short port;
    char *account;
    char *token;
    char *openai_model;
    char *model_name; /* the card's, expected in Workers AI paths */
    cardc_card *card;
    cardc_schema *input_schema;
    char *schema_answer; /* the models/schema endpoint's body */

    pthread_mutex_t lock; /* everything below */
    pthread_cond_t wake;  /* ends a slow answer early when stopping */
    bool stopping;
    mock_scenario scenario;
    unsigned seen[MOCK_SCENARIO_COUNT];
    size_t drawn[MOCK_SCENARIO_COUNT];
    uint64_t rng; /* the random scenario's generator */
    size_t requests;
    struct timespec first, last;
    size_t check_failures;
    char first_failure[512];
    char *last_body;
    size_t last_body_len;
    char last_ct[128];
    char last_path[512];
    int last_gateway_auth;
    char *gateway, *gateway_token;
    /* Batch API (mock_batch.c) */
    mock_batch *batches;
    size_t batch_count, batch_cap, batch_largest, batch_polls;
};

/* One request's body, gathered across the upload calls. */
typedef struct request {
    char *body;
    size_t len, cap;
    bool overflow;
} request;

/* Records a failed request check (the first one's reason is kept). */
void note_failure(mock_server *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Answers: send_owned takes body; send_json takes doc. */
enum MHD_Result send_owned(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                           const char *content_type, const char *retry_after);
enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_object *doc,
                          const char *retry_after);
/* The Cloudflare v4 envelope of a failure. */
enum MHD_Result send_cf_error(struct MHD_Connection *c, unsigned status, int code,
                              const char *message, const char *retry_after);
/* {"result": result, "success": true, "errors": [], "messages": []}; takes result. */
json_object *workers_ai_answer(json_object *result);
/* The bearer token, when the server expects one. */
bool check_token(mock_server *s, struct MHD_Connection *c);
/* One model input against the card's input schema. */
bool check_input_value(mock_server *s, json_object *doc, char *why, size_t why_size);

/* ---- mock_batch.c ---- */

/* POST .../ai/run/MODEL?queueRequest=true: a submission ({"requests":
 * [...]}) or a poll ({"request_id": ...}). */
enum MHD_Result mock_batch_answer(mock_server *s, struct MHD_Connection *c, const request *rq,
                                  mock_scenario sc);
void mock_batch_free_all(mock_server *s);

#endif
