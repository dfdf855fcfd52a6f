/* SPDX-License-Identifier: MIT */
/* Binding engine: a generated side's schema, compiled once and kept.
 *
 * Generated code leaves one zeroed cardc_schema_cache per side beside its
 * const descriptors; this file hangs the side's state on it the first time
 * a type of that side needs the validator (a rejection to explain, a
 * residual keyword to check). Compiling took 34-70 us per rejection on the
 * seed card when it was done per call; now a rejection costs the validation
 * alone.
 *
 * Threads: the state is published with one compare-and-swap (a thread that
 * loses the race frees its own copy); compiled subschemas sit in a list that
 * readers walk without a lock (entries are immutable once published, pushed
 * with release order). Compiling takes the state's mutex: it reads the
 * shared document and registry, whose json-c reference counts are not
 * atomic. A compiled cardc_schema is immutable, so any number of threads
 * validate with it at once.
 *
 * Lifetime: everything stays reachable from the generated static until exit
 * (no leak reported); cardc_bind_cleanup() frees it earlier. */
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bind/bind_internal.h"
#include "common/errors_internal.h"

typedef struct cache_entry {
    const char *pointer; /* t->pointer: the descriptor's, static */
    cardc_schema *schema;
    struct cache_entry *next;
} cache_entry;

typedef struct cache_state {
    pthread_mutex_t lock; /* compiling */
    struct json_object *doc;
    cardc_registry *registry;
    _Atomic(cache_entry *) head;
    /* A result rejections borrow when the caller passed none: allocating
     * one (and the document buffers it keeps) per rejection was an eighth
     * of a small payload's rejection. */
    _Atomic(cardc_result *) spare;
} cache_state;

static void state_free(cache_state *st)
{
    cache_entry *e = atomic_load_explicit(&st->head, memory_order_acquire);

    while (e) {
        cache_entry *next = e->next;
        cardc_schema_free(e->schema);
        free(e);
        e = next;
    }
    cardc_result_free(atomic_load_explicit(&st->spare, memory_order_acquire));
    cardc_registry_free(st->registry);
    json_object_put(st->doc);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* The side's state, made and published on first use. */
static cache_state *state_of(const cardc_type *t, cardc_error *err)
{
    cardc_schema_cache *c = t->schema->cache;
    void *expected = NULL;
    cache_state *st = atomic_load_explicit(&c->state, memory_order_acquire);

    if (st)
        return st;
    st = calloc(1, sizeof *st);
    if (!st) {
        cardc__error(err, CARDC_E_NOMEM, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&st->lock, NULL) != 0) {
        free(st);
        cardc__error(err, CARDC_E_NOMEM, "cannot create a mutex");
        return NULL;
    }
    atomic_init(&st->head, NULL);
    atomic_init(&st->spare, NULL);
    if (cardc__bind_side_load(t, &st->doc, &st->registry, err) != CARDC_OK) {
        state_free(st);
        return NULL;
    }
    if (!atomic_compare_exchange_strong_explicit(&c->state, &expected, st, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        state_free(st); /* another thread published first: use its state */
        st = expected;
    }
    return st;
}

static cardc_schema *find(cache_entry *e, const char *pointer)
{
    for (; e; e = e->next)
        if (strcmp(e->pointer, pointer) == 0)
            return e->schema;
    return NULL;
}

cardc_schema *cardc__bind_cache_schema(const cardc_type *t, cardc_error *err)
{
    const char *pointer = t->pointer ? t->pointer : "";
    cache_state *st = state_of(t, err);
    cache_entry *e;
    cardc_schema *s;

    if (!st)
        return NULL;
    if ((s = find(atomic_load_explicit(&st->head, memory_order_acquire), pointer)))
        return s;
    pthread_mutex_lock(&st->lock);
    /* another thread may have compiled it while this one waited */
    s = find(atomic_load_explicit(&st->head, memory_order_acquire), pointer);
    if (!s && (s = cardc__bind_side_compile(t, st->doc, st->registry, err)) != NULL) {
        if ((e = malloc(sizeof *e)) == NULL) {
            cardc_schema_free(s);
            s = NULL;
            cardc__error(err, CARDC_E_NOMEM, "out of memory");
        } else {
            e->pointer = pointer;
            e->schema = s;
            e->next = atomic_load_explicit(&st->head, memory_order_relaxed);
            atomic_store_explicit(&st->head, e, memory_order_release);
        }
    }
    pthread_mutex_unlock(&st->lock);
    return s;
}

/* The side's state if it exists (nothing is made). */
static cache_state *state_if_any(const cardc_type *t)
{
    if (!t->schema || !t->schema->cache)
        return NULL;
    return atomic_load_explicit(&t->schema->cache->state, memory_order_acquire);
}

cardc_result *cardc__bind_cache_take_result(const cardc_type *t)
{
    cache_state *st = state_if_any(t);
    return st ? atomic_exchange_explicit(&st->spare, NULL, memory_order_acq_rel) : NULL;
}

void cardc__bind_cache_give_result(const cardc_type *t, cardc_result *r)
{
    cache_state *st = state_if_any(t);
    if (st)
        r = atomic_exchange_explicit(&st->spare, r, memory_order_acq_rel);
    cardc_result_free(r);
}

void cardc_bind_cleanup(const cardc_type *t)
{
    cache_state *st;

    if (!t || !t->schema || !t->schema->cache)
        return;
    st = atomic_exchange_explicit(&t->schema->cache->state, NULL, memory_order_acq_rel);
    if (st)
        state_free(st);
}
