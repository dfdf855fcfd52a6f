/* SPDX-License-Identifier: MIT */
/* The lookup structures the compiler builds for the validator: a hash
 * table per set of names ("properties", "required", ...) keyed by the
 * hash the document stores beside each member name, and the values of
 * "const" and "enum" as documents (with a hash table for a long enum), so
 * that validation compares document to document. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "schema/schema_internal.h"

/* Enums up to this many values are scanned; longer ones hashed. */
#define ENUM_SCAN_MAX 8

static uint32_t table_size(size_t n)
{
    uint32_t cap = 4;
    while (cap < 2 * n)
        cap *= 2;
    return cap;
}

int cardc__ckeys_index(ckeys *t)
{
    uint32_t cap = table_size(t->n);
    t->tab = calloc(cap, sizeof *t->tab);
    if (!t->tab)
        return 0;
    t->mask = cap - 1;
    for (size_t i = 0; i < t->n; i++) {
        ckey *k = &t->keys[i];
        uint32_t at;
        k->hash = cardc__doc_hash(k->s, k->len);
        /* a repeated name keeps its first index */
        if (ckeys_find(t, k->s, k->len, k->hash) >= 0)
            continue;
        for (at = k->hash & t->mask; t->tab[at]; at = (at + 1) & t->mask)
            ;
        t->tab[at] = (uint32_t)i + 1;
    }
    return 1;
}

void cardc__ckeys_free(ckeys *t)
{
    free(t->keys);
    free(t->tab);
    memset(t, 0, sizeof *t);
}

void cardc__cconst_free(cconst *cv)
{
    if (!cv)
        return;
    cardc__doc_release(&cv->doc);
    free(cv->vals);
    free(cv->tab);
    free(cv->hash);
    free(cv);
}

/* The values of an enum (the array at doc's root), hashed when long. */
static int enum_values(cconst *cv)
{
    const cardc_dval *root = &cv->doc.v[0], *e = root + 1;
    cv->n = cardc__dcount(root);
    cv->vals = calloc(cv->n ? cv->n : 1, sizeof *cv->vals);
    if (!cv->vals)
        return 0;
    for (size_t i = 0; i < cv->n; i++, e += cardc__dsize(e)) {
        cv->vals[i] = e;
        cv->types |= e->types;
    }
    if (cv->n <= ENUM_SCAN_MAX)
        return 1;
    uint32_t cap = table_size(cv->n);
    cv->tab = calloc(cap, sizeof *cv->tab);
    cv->hash = calloc(cv->n, sizeof *cv->hash);
    if (!cv->tab || !cv->hash)
        return 0;
    cv->mask = cap - 1;
    for (size_t i = 0; i < cv->n; i++) {
        uint32_t at;
        cv->hash[i] = cardc__dhash(&cv->doc, cv->vals[i]);
        for (at = (uint32_t)cv->hash[i] & cv->mask; cv->tab[at]; at = (at + 1) & cv->mask)
            ;
        cv->tab[at] = (uint32_t)i + 1;
    }
    return 1;
}

cconst *cardc__cconst_new(const struct json_object *v, bool is_enum)
{
    cconst *cv = calloc(1, sizeof *cv);
    if (!cv)
        return NULL;
    cardc__doc_init(&cv->doc);
    /* an enum's array is never a byte array here: the document is built
     * from json-c, element by element */
    if (cardc__doc_from_json(&cv->doc, v, false) != CARDC_OK || (is_enum && !enum_values(cv))) {
        cardc__cconst_free(cv);
        return NULL;
    }
    cv->doc.base[1] = NULL;
    if (!is_enum)
        cv->types = cv->doc.v[0].types;
    return cv;
}

/* A number keyword's value as a document slot (for messages). */
int cardc__cnum_value(cardc_dval *out, const struct json_object *v)
{
    cardc_doc d;
    cardc_status st;
    cardc__doc_init(&d);
    memset(out, 0, sizeof *out);
    if ((st = cardc__doc_from_json(&d, v, false)) == CARDC_OK)
        *out = d.v[0];
    cardc__doc_release(&d);
    return st == CARDC_OK ? 0 : -1;
}
