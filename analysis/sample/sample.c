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
    gen_shared shared;
    const json_object *start; /* where samples are built from: doc or a subschema */
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
    g->start = document;
    g->compiled = compiled;
    g->seed = seed;
    if ((st = cardc_result_new(&g->result, err)) != CARDC_OK) {
        free(g);
        return st;
    }
    if (ref_index_build(&g->shared.refs, document, compiled) != 0) {
        sample_gen_free(g);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    *out = g;
    return CARDC_OK;
}

void sample_gen_free(sample_gen *g)
{
    if (!g)
        return;
    cardc_result_free(g->result);
    ref_index_free(&g->shared.refs);
    rx_cache_free(&g->shared.rx);
    free(g);
}

void sample_gen_start(sample_gen *g, const json_object *start)
{
    g->start = start;
}

void sample_label_free(sample_label *label)
{
    free(label->keyword_location);
    free(label->instance_location);
    label->keyword_location = label->instance_location = NULL;
}

/* One attempt's value (NULL and c->failed when none could be built). */
static json_object *build(const sample_gen *g, gen_ctx *c)
{
    slist l = {0};
    json_object *v;

    expand(c, &l, g->start, "");
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

/* Keywords values are not constructed for (the validator still checks
 * them, so a sample that breaks one is retried, then reported). */
static const char *const NOT_CONSTRUCTED[] = {
    "propertyNames", "unevaluatedProperties", "unevaluatedItems", "dependentSchemas", "maxContains",
    "uniqueItems",   "contentSchema",         "contentEncoding",  "contentMediaType", "format",
    "errorMessage"};

static const char *not_constructed(const char *token, size_t len)
{
    for (size_t i = 0; i < sizeof NOT_CONSTRUCTED / sizeof NOT_CONSTRUCTED[0]; i++)
        if (strlen(NOT_CONSTRUCTED[i]) == len && strncmp(token, NOT_CONSTRUCTED[i], len) == 0)
            return NOT_CONSTRUCTED[i];
    return NULL;
}

/* The first keyword on an error's path values are not constructed for
 * (member names after "properties" and the like are skipped), or NULL. */
static const char *unconstructed_on(const char *path)
{
    static const char *const named[] = {"properties",  "patternProperties", "$defs",
                                        "definitions", "dependentSchemas",  "dependencies"};
    bool name_next = false;

    while (*path == '/') {
        const char *tok = ++path, *hit;
        size_t len = strcspn(tok, "/");
        path += len;
        if (!name_next && (hit = not_constructed(tok, len)))
            return hit;
        name_next = false;
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
            name_next |= strlen(named[i]) == len && strncmp(tok, named[i], len) == 0;
    }
    return NULL;
}

/* Why an attempt failed: the generator's reason, or the validator's last
 * (most specific) error, naming a keyword values are not built for. */
static void why(sample_gen *g, const gen_ctx *c, bool built, char *msg, size_t size, char *loc,
                size_t loc_size)
{
    size_t n = cardc_result_error_count(g->result);
    const cardc_unit *u = n ? cardc_result_error(g->result, n - 1) : NULL;

    if (!built || !u) {
        snprintf(msg, size, "%s", c->reason[0] ? c->reason : "out of memory");
        snprintf(loc, loc_size, "%s", c->reason_loc);
    } else if (unconstructed_on(u->keyword_location)) {
        snprintf(msg, size,
                 "cardc sample does not construct values for \"%s\", and no value built "
                 "passes it (%s: %s)",
                 unconstructed_on(u->keyword_location),
                 u->keyword_location[0] ? u->keyword_location : "(root)", u->message);
        snprintf(loc, loc_size, "%s", u->keyword_location);
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

static bool has_one_of_error(const sample_gen *g)
{
    for (size_t i = 0; i < cardc_result_error_count(g->result); i++)
        if (cardc_result_error(g->result, i)->code == CARDC_V_ONE_OF)
            return true;
    return false;
}

/* Attempt a of sample index into *v, validated: true when valid. When a
 * oneOf refuses it, the attempt is made again with the branches not chosen
 * poisoned (c->exclude). On false, c and g->result say why. */
static bool attempt(sample_gen *g, unsigned index, unsigned a, bool invalid, gen_ctx *c,
                    json_object **v)
{
    for (int exclude = 0; exclude < 2; exclude++) {
        if (exclude) {
            json_object_put(*v);
            ctx_free(c);
        }
        ctx_init(c, g->doc, &g->shared, g->seed, index, a);
        if (invalid) {
            /* Broken from the larger shapes, which have more to break. */
            c->huge = false;
            c->mode = a == 0 && index % 2 == 0 ? 1 : 2;
        }
        c->exclude = exclude;
        *v = build(g, c);
        if (c->failed)
            return false;
        if (check(g, *v, CARDC_VALIDATE_FAST) == CARDC_OK)
            return true;
        check(g, *v, 0); /* every error, for the reason */
        if (!has_one_of_error(g))
            return false;
    }
    return false;
}

cardc_status sample_valid(sample_gen *g, unsigned index, json_object **out, cardc_error *err)
{
    char msg[768] = "", loc[512] = "";

    cardc_error_clear(err);
    *out = NULL;
    for (unsigned a = 0; a < MAX_ATTEMPTS; a++) {
        gen_ctx c;
        json_object *v = NULL;
        if (attempt(g, index, a, false, &c, &v)) {
            ctx_free(&c);
            *out = v;
            return CARDC_OK;
        }
        why(g, &c, !c.failed, msg, sizeof msg, loc, sizeof loc);
        json_object_put(v);
        ctx_free(&c);
    }
    return give_up(err, "a valid", msg, loc);
}

static size_t strip(const char *path, size_t n, const char *tail)
{
    size_t t = strlen(tail);

    return n >= t && strcmp(path + n - t, tail) == 0 ? n - t : n;
}

/* The length of the schema path an error stands for: an errorMessage unit
 * stands for the schema that carries it, and so does an "if" unit (it
 * reports the "then" or "else" beside it failing). */
static size_t path_len(const cardc_unit *u)
{
    size_t n = strlen(u->keyword_location);

    if (u->code == CARDC_V_ERROR_MESSAGE)
        return strip(u->keyword_location, n, "/errorMessage");
    if (u->code == CARDC_V_IF)
        return strip(u->keyword_location, n, "/if");
    return n;
}

/* Whether path[0..len) is path b or an ancestor of it. */
static bool covers(const char *path, size_t len, const char *b)
{
    return strncmp(path, b, len) == 0 && (b[len] == 0 || b[len] == '/');
}

/* The errors of the last validation when they blame one keyword: every one
 * at it or at an ancestor (the oneOf or "$ref" it sits under). Returns the
 * deepest, or NULL. */
static const cardc_unit *one_keyword(const sample_gen *g)
{
    size_t n = cardc_result_error_count(g->result);
    const cardc_unit *deepest = NULL;

    if (n == 0 || cardc_result_truncated(g->result))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const cardc_unit *u = cardc_result_error(g->result, i);
        if (!deepest || path_len(u) > path_len(deepest))
            deepest = u;
    }
    for (size_t i = 0; i < n; i++) {
        const cardc_unit *u = cardc_result_error(g->result, i);
        if (!covers(u->keyword_location, path_len(u), deepest->keyword_location))
            return NULL;
    }
    return deepest;
}

/* The label of a break the validator blames on one keyword: the site's
 * keyword when the errors are its (or an errorMessage standing for it),
 * else the keyword the validator names. */
static bool label_break(const sample_gen *g, const site *st, sample_label *label)
{
    const cardc_unit *d = one_keyword(g);
    bool own;

    if (!d)
        return false;
    own = d->code == CARDC_V_ERROR_MESSAGE ? covers(d->keyword_location, path_len(d), st->keyword)
                                           : strcmp(d->keyword_location, st->keyword) == 0;
    label->keyword_location = strdup(own ? st->keyword : d->keyword_location);
    label->instance_location = strdup(own ? st->instance : d->instance_location);
    if (label->keyword_location && label->instance_location)
        return true;
    sample_label_free(label);
    return false;
}

/* Tries the sites of one valid sample, from a place that moves with index. */
static bool break_one(sample_gen *g, gen_ctx *c, json_object *valid, unsigned index,
                      json_object **out, sample_label *label)
{
    for (size_t k = 0; k < c->n_sites; k++) {
        const site *st = &c->sites[(index + k) % c->n_sites];
        json_object *bad = NULL;
        if (!break_apply(st, valid, &bad))
            continue;
        if (check(g, bad, 0) == CARDC_E_INVALID && label_break(g, st, label)) {
            *out = bad;
            return true;
        }
        json_object_put(bad);
    }
    return false;
}

cardc_status sample_invalid(sample_gen *g, unsigned index, json_object **out, sample_label *label,
                            cardc_error *err)
{
    char msg[768] = "", loc[512] = "";
    bool unbreakable = false;

    cardc_error_clear(err);
    *out = NULL;
    label->keyword_location = label->instance_location = NULL;
    for (unsigned a = 0; a < MAX_ATTEMPTS; a++) {
        gen_ctx c;
        json_object *v = NULL;
        bool broken = false;
        if (attempt(g, index, a, true, &c, &v)) {
            broken = break_one(g, &c, v, index + a, out, label);
            unbreakable = true;
        } else {
            why(g, &c, !c.failed, msg, sizeof msg, loc, sizeof loc);
        }
        json_object_put(v);
        ctx_free(&c);
        if (broken)
            return CARDC_OK;
    }
    /* A valid value nothing breaks alone says more than a failed attempt. */
    if (unbreakable)
        return give_up(err, "an invalid",
                       "no keyword of the schema can be broken alone in the valid samples "
                       "(a schema that accepts every value has none)",
                       "");
    return give_up(err, "an invalid", msg, loc);
}
