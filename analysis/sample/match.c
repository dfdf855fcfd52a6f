/* SPDX-License-Identifier: MIT */
/* Patterns matched as the validator matches them: each pattern compiled
 * once per generator as the schema {"pattern": P} and strings validated
 * against it. Which patternProperties apply to a member, whether a
 * generated string matches its "pattern", whether a broken one no longer
 * does. */
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

void rx_cache_free(rx_cache *cache)
{
    for (size_t i = 0; i < cache->n; i++)
        cardc_schema_free(cache->compiled[i]);
    free(cache->patterns);
    free(cache->compiled);
    memset(cache, 0, sizeof *cache);
}

/* {"pattern": pattern} compiled; NULL when it does not compile. */
static cardc_schema *compile(const char *pattern)
{
    json_object *s = json_object_new_object();
    cardc_schema *out = NULL;

    if (s && json_object_object_add(s, "pattern", json_object_new_string(pattern)) == 0 &&
        cardc_schema_compile(s, NULL, &out, NULL) != CARDC_OK)
        out = NULL;
    json_object_put(s);
    return out;
}

/* The compiled pattern (NULL when it does not compile or out of memory). */
static const cardc_schema *compiled(rx_cache *cache, const char *pattern)
{
    for (size_t i = 0; i < cache->n; i++)
        if (cache->patterns[i] == pattern || strcmp(cache->patterns[i], pattern) == 0)
            return cache->compiled[i];
    if (cache->n == cache->cap) {
        size_t cap = cache->cap ? cache->cap * 2 : 16;
        const char **p = realloc(cache->patterns, cap * sizeof *p);
        cardc_schema **r;
        if (!p)
            return NULL;
        cache->patterns = p;
        if (!(r = realloc(cache->compiled, cap * sizeof *r)))
            return NULL;
        cache->compiled = r;
        cache->cap = cap;
    }
    cache->patterns[cache->n] = pattern;
    cache->compiled[cache->n] = compile(pattern);
    return cache->compiled[cache->n++];
}

int rx_matches(gen_ctx *c, const char *pattern, const char *s)
{
    const cardc_schema *re = compiled(&c->shared->rx, pattern);
    json_object *v;
    cardc_validate_options o;
    cardc_result *r = NULL;
    int rc = -1;

    if (!re || !(v = json_object_new_string(s)))
        return -1;
    cardc_validate_options_init(&o);
    o.flags = CARDC_VALIDATE_FAST;
    if (cardc_result_new(&r, NULL) == CARDC_OK) {
        cardc_status st = cardc_validate(re, v, &o, r, NULL);
        rc = st == CARDC_OK ? 1 : st == CARDC_E_INVALID ? 0 : -1;
    }
    cardc_result_free(r);
    json_object_put(v);
    return rc;
}
