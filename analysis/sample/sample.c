/* SPDX-License-Identifier: MIT */
/* The sample driver: attempts, each checked by the validator; an invalid
 * sample is kept only when the validator blames the broken keyword alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errors_internal.h"
#include "sample_internal.h"

/* Attempts per sample before giving up with the last reason. */
#define MAX_ATTEMPTS 64

struct sample_gen {
    const json_object *doc;
    const cardc_schema *compiled;
    uint64_t seed;
    cardc_result *result;
};

cardc_status sample_gen_new(const json_object *document, const cardc_schema *compiled,
                            uint64_t seed, sample_gen **out, cardc_error *err)
{
    sample_gen *g = calloc(1, sizeof *g);
    cardc_status st;

    cardc_error_clear(err);
    *out = NULL;
    if (!g) {
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    g->doc = document;
    g->compiled = compiled;
    g->seed = seed;
    if ((st = cardc_result_new(&g->result, err)) != CARDC_OK) {
        free(g);
        return st;
    }
    *out = g;
    return CARDC_OK;
}

void sample_gen_free(sample_gen *g)
{
    if (!g)
        return;
    cardc_result_free(g->result);
    free(g);
}

void sample_label_free(sample_label *label)
{
    free(label->keyword_location);
    free(label->instance_location);
    label->keyword_location = label->instance_location = NULL;
}

/* One attempt's value (NULL and c->failed when none could be built). */
static json_object *build(sample_gen *g, gen_ctx *c)
{
    slist l = {0};
    json_object *v;

    expand(c, &l, g->doc, "");
    v = c->failed ? NULL : gen_value(c, &l, "");
    slist_free(&l);
    if (c->failed) {
        json_object_put(v);
        return NULL;
    }
    return v;
}

/* Validates v; CARDC_OK, CARDC_E_INVALID or a failure to validate. */
static cardc_status check(sample_gen *g, json_object *v, unsigned flags)
{
    cardc_validate_options o;
    cardc_error e;

    cardc_validate_options_init(&o);
    o.flags = flags;
    return cardc_validate(g->compiled, v, &o, g->result, &e);
}

static void why(sample_gen *g, const gen_ctx *c, bool built, char *msg, size_t size, char *loc,
                size_t loc_size)
{
    const cardc_unit *u = cardc_result_error(g->result, 0);

    if (!built || !u) {
        snprintf(msg, size, "%s", c->reason[0] ? c->reason : "out of memory");
        snprintf(loc, loc_size, "%s", c->reason_loc);
    } else {
        snprintf(msg, size,
                 "no value built from the schema passes it: the last attempt broke "
                 "%s (%s)",
                 u->keyword_location[0] ? u->keyword_location : "(root)", u->message);
        snprintf(loc, loc_size, "%s", u->keyword_location);
    }
}

static cardc_status give_up(cardc_error *err, const char *what, const char *msg, const char *loc)
{
    cardc__error(err, CARDC_E_SCHEMA, "cannot make %s sample: %s", what, msg);
    cardc__error_pointer(err, loc);
    return CARDC_E_SCHEMA;
}

cardc_status sample_valid(sample_gen *g, unsigned index, json_object **out, cardc_error *err)
{
    char msg[768] = "", loc[512] = "";

    cardc_error_clear(err);
    *out = NULL;
    for (unsigned a = 0; a < MAX_ATTEMPTS; a++) {
        gen_ctx c;
        json_object *v;
        bool built;
        ctx_init(&c, g->doc, g->seed, index, a);
        v = build(g, &c);
        built = !c.failed;
        if (built && check(g, v, CARDC_VALIDATE_FAST) == CARDC_OK) {
            ctx_free(&c);
            *out = v;
            return CARDC_OK;
        }
        if (built)
            check(g, v, 0); /* every error, for the reason */
        why(g, &c, built, msg, sizeof msg, loc, sizeof loc);
        json_object_put(v);
        ctx_free(&c);
    }
    return give_up(err, "a valid", msg, loc);
}

/* Whether errors blamed at `at` are the broken keyword's own or its
 * ancestors' (the oneOf or $ref it sits under, an errorMessage there). */
static bool within(const char *at, const char *keyword)
{
    size_t n = strlen(at);
    const char *em = strstr(at, "/errorMessage");

    if (em && em[sizeof "/errorMessage" - 1] == 0)
        n = (size_t)(em - at);
    return strncmp(at, keyword, n) == 0 && (keyword[n] == 0 || keyword[n] == '/');
}

static bool blames_only(sample_gen *g, const site *st)
{
    size_t n = cardc_result_error_count(g->result);
    bool hit = false;

    for (size_t i = 0; i < n; i++) {
        const cardc_unit *u = cardc_result_error(g->result, i);
        if (!within(u->keyword_location, st->keyword))
            return false;
        hit |= strcmp(u->keyword_location, st->keyword) == 0 ||
               strcmp(u->keyword, "errorMessage") == 0;
    }
    return hit && !cardc_result_truncated(g->result);
}

/* Tries the sites of one valid sample, from a place that moves with index. */
static json_object *break_one(sample_gen *g, gen_ctx *c, json_object *valid, unsigned index,
                              sample_label *label)
{
    for (size_t k = 0; k < c->n_sites; k++) {
        const site *st = &c->sites[(index + k) % c->n_sites];
        json_object *bad = break_apply(st, valid);
        if (!bad)
            continue;
        if (check(g, bad, 0) == CARDC_E_INVALID && blames_only(g, st)) {
            label->keyword_location = strdup(st->keyword);
            label->instance_location = strdup(st->instance);
            if (label->keyword_location && label->instance_location)
                return bad;
            sample_label_free(label);
        }
        json_object_put(bad);
    }
    return NULL;
}

cardc_status sample_invalid(sample_gen *g, unsigned index, json_object **out, sample_label *label,
                            cardc_error *err)
{
    char msg[768] = "no keyword of the schema can be broken alone", loc[512] = "";

    cardc_error_clear(err);
    *out = NULL;
    label->keyword_location = label->instance_location = NULL;
    for (unsigned a = 0; a < MAX_ATTEMPTS; a++) {
        gen_ctx c;
        json_object *v, *bad = NULL;
        bool built;
        ctx_init(&c, g->doc, g->seed, index, a);
        v = build(g, &c);
        built = !c.failed;
        if (built && check(g, v, CARDC_VALIDATE_FAST) == CARDC_OK)
            bad = break_one(g, &c, v, index + a, label);
        else
            why(g, &c, built, msg, sizeof msg, loc, sizeof loc);
        json_object_put(v);
        ctx_free(&c);
        if (bad) {
            *out = bad;
            return CARDC_OK;
        }
    }
    return give_up(err, "an invalid", msg, loc);
}
