/* SPDX-License-Identifier: MIT */
/* branches.c: oneOf branches a value matches together (proved with a value
 * the validator accepts for each), and anyOf branches that never decide. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

#define MAX_BRANCHES 32

/* The schema without its oneOf: what every branch is combined with. */
static struct json_object *siblings(const struct json_object *s)
{
    struct json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    json_object_object_foreach((struct json_object *)s, key, val) if (strcmp(key, "oneOf") != 0)
        json_object_object_add(o, key, json_object_get(val));
    return o;
}

/* Tries the bare witness first (the shortest proof), then the rich one
 * (optional members too: closer to a real payload); returns one both
 * branches accept, or NULL. */
static struct json_object *overlap(const lint_node *n, const struct json_object *sib,
                                   struct json_object *list, size_t i, size_t j,
                                   const char *oneof_ptr)
{
    const struct json_object *conj[3] = {sib, json_object_array_get_idx(list, i),
                                         json_object_array_get_idx(list, j)};
    char *pi = lint_ptr_index(oneof_ptr, i), *pj = lint_ptr_index(oneof_ptr, j);
    struct json_object *w = NULL;

    for (int rich = 0; rich <= 1 && pi && pj && !w; rich++) {
        w = lint_witness(n->run->units[n->unit].root, conj, 3, rich != 0);
        if (w && (lint_check(n->run, n->unit, pi, w, NULL, 0) != 1 ||
                  lint_check(n->run, n->unit, pj, w, NULL, 0) != 1)) {
            json_object_put(w);
            w = NULL;
        }
    }
    free(pi);
    free(pj);
    return w;
}

/* A property branch i declares and branch j does not: what would tell the
 * two apart if branch i required it. */
static const char *distinguishing(struct json_object *list, size_t i, size_t j)
{
    struct json_object *pi = lint_get(json_object_array_get_idx(list, i), "properties");
    struct json_object *pj = lint_get(json_object_array_get_idx(list, j), "properties");

    if (!pi || !json_object_is_type(pi, json_type_object))
        return NULL;
    json_object_object_foreach(pi, key, val)
    {
        (void)val;
        if (!lint_get(pj, key))
            return key;
    }
    return NULL;
}

static void report_overlap(const lint_node *n, struct json_object *list, const char *ptr,
                           struct json_object *w, const bool *match, size_t count, size_t i,
                           size_t j)
{
    char *text = lint_dump(w), sugg[512];
    const char *key = distinguishing(list, i, j);
    strbuf which = {0};
    lint_finding *f;

    for (size_t k = 0, m = 0; k < count; k++)
        if (match[k])
            strbuf_printf(&which, "%s%zu", m++ ? ", " : "", k);
    strbuf_add(&which, "", 0);
    if (key)
        snprintf(sugg, sizeof sugg,
                 "make the branches exclusive: e.g. \"required\": [\"%s\"] in branch %zu, or "
                 "\"additionalProperties\": false in each; if matching several is fine, use anyOf",
                 key, i);
    else
        snprintf(sugg, sizeof sugg,
                 "make the branches exclusive (distinct types, required properties or const "
                 "values), or use anyOf if matching several is fine");
    f = lint_emit(n->run, n->unit, LINT_ONEOF_OVERLAP, ptr, sugg,
                  "oneOf branches %s %s match one value (the witness), so oneOf rejects it",
                  which.s ? which.s : "?",
                  strchr(which.s ? which.s : "", ',') && strchr(strchr(which.s, ',') + 1, ',')
                      ? "all"
                      : "both");
    if (f && text)
        f->witness = strdup(text);
    free(text);
    cardc__strbuf_free(&which);
}

static void one_of(const lint_node *n, struct json_object *list)
{
    size_t count = json_object_array_length(list);
    bool covered[MAX_BRANCHES][MAX_BRANCHES] = {{false}};
    char *ptr = lint_ptr_join(n->ptr, "oneOf");
    struct json_object *sib = siblings(n->schema);

    if (count > MAX_BRANCHES)
        count = MAX_BRANCHES;
    for (size_t i = 0; ptr && sib && i < count; i++)
        for (size_t j = i + 1; j < count; j++) {
            bool match[MAX_BRANCHES] = {false};
            struct json_object *w;
            if (covered[i][j] || !(w = overlap(n, sib, list, i, j, ptr)))
                continue;
            for (size_t k = 0; k < count; k++) {
                char *pk = lint_ptr_index(ptr, k);
                match[k] =
                    k == i || k == j || (pk && lint_check(n->run, n->unit, pk, w, NULL, 0) == 1);
                free(pk);
            }
            for (size_t a = 0; a < count; a++)
                for (size_t b = a + 1; b < count; b++)
                    covered[a][b] |= match[a] && match[b];
            report_overlap(n, list, ptr, w, match, count, i, j);
            json_object_put(w);
        }
    json_object_put(sib);
    free(ptr);
}

/* Keywords that never reject anything. */
static bool annotation(const char *kw)
{
    static const char *const words[] = {"title",       "description", "$comment", "examples",
                                        "default",     "deprecated",  "readOnly", "writeOnly",
                                        "contentType", "errorMessage"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i], kw) == 0)
            return true;
    return false;
}

/* Whether every value b accepts, a accepts too (a sound, simple test: a
 * is true or only a type that covers b's declared type, or a equals b). */
static bool covers(const struct json_object *a, const struct json_object *b)
{
    unsigned ta, tb;

    if (json_object_is_type(a, json_type_boolean))
        return json_object_get_boolean(a);
    if (json_object_get_type(a) == json_object_get_type(b) &&
        json_object_equal((struct json_object *)a, (struct json_object *)b))
        return true;
    if (!json_object_is_type(a, json_type_object))
        return false;
    json_object_object_foreach((struct json_object *)a, key, val)
    {
        (void)val;
        if (strcmp(key, "type") != 0 && !annotation(key))
            return false;
    }
    ta = lint_types(a);
    if (!ta)
        return true;
    tb = json_object_is_type(b, json_type_object) ? lint_types(b) : 0;
    if (ta & LINT_T_NUMBER)
        ta |= LINT_T_INTEGER;
    return tb && (tb & ~ta) == 0;
}

static void any_of(const lint_node *n, struct json_object *list)
{
    size_t count = json_object_array_length(list);
    char *ptr = lint_ptr_join(n->ptr, "anyOf");

    for (size_t j = 0; ptr && j < count; j++) {
        struct json_object *b = json_object_array_get_idx(list, j);
        char *pj = lint_ptr_index(ptr, j), sugg[200];
        if (!pj)
            break;
        bool never = json_object_is_type(b, json_type_boolean) && !json_object_get_boolean(b);
        if (never)
            lint_emit(n->run, n->unit, LINT_ANYOF_UNREACHABLE, pj, "remove the branch",
                      "anyOf branch %zu is false: it accepts nothing", j);
        for (size_t i = 0; i < j && !never; i++) {
            if (!covers(json_object_array_get_idx(list, i), b))
                continue;
            snprintf(sugg, sizeof sugg,
                     "remove branch %zu, or move it before branch %zu if it was meant to "
                     "match first",
                     j, i);
            lint_emit(n->run, n->unit, LINT_ANYOF_UNREACHABLE, pj, sugg,
                      "anyOf branch %zu accepts only values branch %zu already accepts: it "
                      "never decides anything (and cardc gen's decoder never picks it)",
                      j, i);
            break;
        }
        free(pj);
    }
    free(ptr);
}

void lint_rules_branches(const lint_node *n)
{
    struct json_object *v;

    if ((v = lint_get(n->schema, "oneOf")) && json_object_is_type(v, json_type_array))
        one_of(n, v);
    if ((v = lint_get(n->schema, "anyOf")) && json_object_is_type(v, json_type_array))
        any_of(n, v);
}
