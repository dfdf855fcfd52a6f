/* SPDX-License-Identifier: MIT */
/* The per-attempt state of the sample generator: a seeded generator,
 * choices, an arena for locations, failure reasons and break sites. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void ctx_init(gen_ctx *c, const json_object *root, gen_shared *shared, uint64_t seed,
              unsigned index, unsigned attempt)
{
    memset(c, 0, sizeof *c);
    c->root = root;
    c->shared = shared;
    c->index = index;
    c->attempt = attempt;
    c->rng = seed ^ ((uint64_t)index * 0x2545f4914f6cdd1dull) ^ ((uint64_t)attempt << 40);
    (void)splitmix(&c->rng);
    /* Smallest and largest shapes first, so optional members are seen both
     * absent and present and bounds at both edges in the first samples. */
    c->mode = attempt == 0 && index % 3 < 2 ? (int)(index % 3) : 2;
    /* Lengths far above FREE_SPAN (a prompt's maxLength of 131072) reach
     * their bound in the first largest sample only: every third sample
     * that large would make the output megabytes per line. */
    c->huge = attempt == 0 && index == 1;
    /* Breaking such a bound makes a string as long: in one invalid sample
     * in eight only, for the same reason. */
    c->huge_break = index % 8 == 0;
}

void ctx_free(gen_ctx *c)
{
    for (size_t i = 0; i < c->n_sites; i++)
        json_object_put(c->sites[i].value);
    for (size_t i = 0; i < c->n_arena; i++)
        free(c->arena[i]);
    free(c->arena);
    free(c->sites);
    c->arena = NULL;
    c->sites = NULL;
}

uint64_t ctx_rand(gen_ctx *c)
{
    return splitmix(&c->rng);
}

size_t ctx_choose(gen_ctx *c, size_t n)
{
    unsigned d = c->decision++;

    if (n <= 1)
        return 0;
    if (c->attempt == 0 && c->index < 64)
        return (c->index / 3 + c->index % 3 + d) % n;
    return (size_t)(ctx_rand(c) % n);
}

static const char *arena_keep(gen_ctx *c, char *s)
{
    if (!s) {
        c->failed = true;
        return NULL;
    }
    if (c->n_arena == c->cap_arena) {
        size_t cap = c->cap_arena ? c->cap_arena * 2 : 64;
        char **v = realloc(c->arena, cap * sizeof *v);
        if (!v) {
            free(s);
            c->failed = true;
            return NULL;
        }
        c->arena = v;
        c->cap_arena = cap;
    }
    c->arena[c->n_arena++] = s;
    return s;
}

const char *ctx_fmt(gen_ctx *c, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_keep(c, NULL);
    s = malloc((size_t)n + 1);
    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return arena_keep(c, s);
}

const char *ctx_ptr(gen_ctx *c, const char *parent, const char *token)
{
    size_t pl = strlen(parent), n = 0;
    char *s = malloc(pl + 2 + 2 * strlen(token)), *p;

    if (!s)
        return arena_keep(c, NULL);
    memcpy(s, parent, pl);
    p = s + pl;
    *p++ = '/';
    for (const char *t = token; *t; t++, n++) {
        if (*t == '~' || *t == '/') {
            *p++ = '~';
            *p++ = *t == '~' ? '0' : '1';
        } else {
            *p++ = *t;
        }
    }
    *p = 0;
    return arena_keep(c, s);
}

void ctx_fail(gen_ctx *c, const char *loc, const char *fmt, ...)
{
    va_list ap;

    if (c->failed)
        return;
    c->failed = true;
    snprintf(c->reason_loc, sizeof c->reason_loc, "%s", loc ? loc : "");
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
}

site *ctx_site(gen_ctx *c, break_kind kind, const char *instance, const char *keyword, double param)
{
    site *s;

    if (!instance || !keyword)
        return NULL;
    if (c->n_sites == c->cap_sites) {
        size_t cap = c->cap_sites ? c->cap_sites * 2 : 32;
        site *v = realloc(c->sites, cap * sizeof *v);
        if (!v) {
            c->failed = true;
            return NULL;
        }
        c->sites = v;
        c->cap_sites = cap;
    }
    s = &c->sites[c->n_sites++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->instance = instance;
    s->keyword = keyword;
    s->param = param;
    return s;
}

site *ctx_last_site(gen_ctx *c)
{
    return c->n_sites ? &c->sites[c->n_sites - 1] : NULL;
}
