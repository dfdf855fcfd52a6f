/* SPDX-License-Identifier: MIT */
/* children.c: the keywords whose values are subschemas, compared as
 * subschemas (an absent one is the schema true where that is what it
 * means), and the assertions whose direction the keywords do not tell
 * ("not", "if", tuple lengths, dependencies): those are decided by samples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

/* Absent means true: compared as subschemas either way. */
static const char *const ABSENT_TRUE[] = {
    "additionalItems",  "propertyNames",        "then", "else",
    "unevaluatedItems", "unevaluatedProperties"};
/* Objects of subschemas, compared by key. */
static const char *const BY_KEY[] = {"patternProperties", "dependentSchemas"};
/* Compared by value; a change is sampled. */
static const char *const BY_VALUE[] = {"not", "if", "dependentRequired", "dependencies"};

void diff_sampled(diff_run *run, diff_check_id check, const json_object *o, const char *po,
                  const json_object *n, const char *pn, const char *kw, const char *message)
{
    diff_change *c = diff_emit_kw(run, check, o, po, n, pn, kw, "%s", message);
    json_object *witness = NULL;
    diff_effect e;

    if (!c)
        return;
    e = diff_evidence(run, po, pn, &witness); /* records no change: c stays valid */
    diff_set_effect(run, c, e, witness);
}

/* Both as subschemas at kw (NULL: absent, the schema true). */
static void child(diff_run *run, const json_object *so, const char *po, const json_object *sn,
                  const char *pn, const char *kw, int depth)
{
    char *qo = so ? diff_ptr(po, kw) : strdup(po), *qn = sn ? diff_ptr(pn, kw) : strdup(pn);

    if (qo && qn)
        diff_node(run, so, qo, sn, qn, depth + 1);
    else
        run->oom = true;
    free(qo);
    free(qn);
}

static bool same_keys(const json_object *a, const json_object *b)
{
    if (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object))
        return a == b;
    if (json_object_object_length((json_object *)a) != json_object_object_length((json_object *)b))
        return false;
    json_object_object_foreach((json_object *)a, key, val)
    {
        (void)val;
        if (!diff_get(b, key))
            return false;
    }
    return true;
}

static void by_key(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, const char *kw, int depth)
{
    json_object *a = diff_get(o, kw), *b = diff_get(n, kw);
    char *qo, *qn;

    if (!a && !b)
        return;
    if (!same_keys(a, b)) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s %s", kw, !a ? "added" : !b ? "removed" : "changed (keys)");
        diff_sampled(run, DIFF_KEYWORD_CHANGED, o, po, n, pn, kw, msg);
        return;
    }
    qo = diff_ptr(po, kw);
    qn = diff_ptr(pn, kw);
    if (qo && qn) {
        json_object_object_foreach(a, key, so)
        {
            child(run, so, qo, diff_get(b, key), qn, key, depth);
        }
    }
    free(qo);
    free(qn);
}

/* The tuple of a schema: prefixItems (2020-12) or items as an array, and
 * the keyword it is under. */
static json_object *tuple(const json_object *s, const char **kw)
{
    json_object *t = diff_get(s, "prefixItems");

    *kw = "prefixItems";
    if (t)
        return t;
    *kw = "items";
    t = diff_get(s, "items");
    return json_object_is_type(t, json_type_array) ? t : NULL;
}

static void compare_items(diff_run *run, const json_object *o, const char *po, const json_object *n,
                          const char *pn, int depth)
{
    const char *ko, *kn;
    json_object *to = tuple(o, &ko), *tn = tuple(n, &kn), *io, *in;
    char *qo, *qn;

    if ((to || tn) && (!to || !tn || json_object_array_length(to) != json_object_array_length(tn)))
        diff_sampled(run, DIFF_KEYWORD_CHANGED, o, po, n, pn, to ? ko : kn,
                     "tuple items changed (positions added or removed)");
    else if (to && tn && (qo = diff_ptr(po, ko)) && (qn = diff_ptr(pn, kn))) {
        for (size_t i = 0; i < json_object_array_length(to); i++) {
            char token[32];
            snprintf(token, sizeof token, "%zu", i);
            child(run, json_object_array_get_idx(to, i), qo, json_object_array_get_idx(tn, i), qn,
                  token, depth);
        }
        free(qo);
        free(qn);
    }
    /* items as one schema for every (further) element */
    io = diff_get(o, "items");
    in = diff_get(n, "items");
    if (json_object_is_type(io, json_type_array) || json_object_is_type(in, json_type_array))
        return;
    if (io || in)
        child(run, io, po, in, pn, "items", depth);
}

static void compare_contains(diff_run *run, const json_object *o, const char *po,
                             const json_object *n, const char *pn, int depth)
{
    json_object *a = diff_get(o, "contains"), *b = diff_get(n, "contains");

    if (a && b)
        child(run, a, po, b, pn, "contains", depth);
    else if (a || b)
        diff_sampled(run, DIFF_KEYWORD_CHANGED, o, po, n, pn, "contains",
                     a ? "contains removed" : "contains added");
}

void diff_children(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, int depth)
{
    for (size_t i = 0; i < sizeof ABSENT_TRUE / sizeof ABSENT_TRUE[0]; i++) {
        json_object *a = diff_get(o, ABSENT_TRUE[i]), *b = diff_get(n, ABSENT_TRUE[i]);
        if (a || b)
            child(run, a, po, b, pn, ABSENT_TRUE[i], depth);
    }
    for (size_t i = 0; i < sizeof BY_KEY / sizeof BY_KEY[0]; i++)
        by_key(run, o, po, n, pn, BY_KEY[i], depth);
    for (size_t i = 0; i < sizeof BY_VALUE / sizeof BY_VALUE[0]; i++) {
        json_object *a = diff_get(o, BY_VALUE[i]), *b = diff_get(n, BY_VALUE[i]);
        char msg[256];
        if ((!a && !b) || (a && b && diff_equal(a, b)))
            continue;
        snprintf(msg, sizeof msg, "%s %s", BY_VALUE[i], !a ? "added" : !b ? "removed" : "changed");
        diff_sampled(run, DIFF_KEYWORD_CHANGED, o, po, n, pn, BY_VALUE[i], msg);
    }
    compare_items(run, o, po, n, pn, depth);
    compare_contains(run, o, po, n, pn, depth);
}
