/* Patterns matched by the validator's own ECMA-262 engine, compiled once per
 * generator: which patternProperties apply to a member, whether a generated
 * string matches its "pattern", whether a broken one no longer does. */
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"
#include "schema/regex.h"

void rx_cache_free(rx_cache *cache)
{
    for (size_t i = 0; i < cache->n; i++)
        cardc_regex_free(cache->compiled[i]);
    free(cache->patterns);
    free(cache->compiled);
    memset(cache, 0, sizeof *cache);
}

/* The compiled pattern (NULL when it does not compile or out of memory). */
static const cardc_regex *compiled(rx_cache *cache, const char *pattern)
{
    char msg[256];

    for (size_t i = 0; i < cache->n; i++)
        if (cache->patterns[i] == pattern || strcmp(cache->patterns[i], pattern) == 0)
            return cache->compiled[i];
    if (cache->n == cache->cap) {
        size_t cap = cache->cap ? cache->cap * 2 : 16;
        const char **p = realloc(cache->patterns, cap * sizeof *p);
        cardc_regex **r;
        if (!p)
            return NULL;
        cache->patterns = p;
        if (!(r = realloc(cache->compiled, cap * sizeof *r)))
            return NULL;
        cache->compiled = r;
        cache->cap = cap;
    }
    cache->patterns[cache->n] = pattern;
    cache->compiled[cache->n] =
        cardc_regex_compile(pattern, strlen(pattern), NULL, msg, sizeof msg);
    return cache->compiled[cache->n++];
}

int rx_matches(gen_ctx *c, const char *pattern, const char *s)
{
    const cardc_regex *re = compiled(&c->shared->rx, pattern);
    int rc;

    if (!re)
        return -1;
    rc = cardc_regex_search(re, s, strlen(s));
    return rc < 0 ? -1 : rc;
}
