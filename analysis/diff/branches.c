/* SPDX-License-Identifier: MIT */
/* branches.c: oneOf, anyOf and allOf. The branches of the two versions are
 * paired by likeness (title, types, properties; position breaks ties), so
 * a branch re-titled or moved is compared with itself, and only the
 * branches left over are added or removed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

/* Branches below this likeness are not the same branch. */
#define MIN_LIKENESS 2.0

/* A branch that is only a reference, followed (for likeness). */
static const json_object *target(diff_run *run, int which, const json_object *s)
{
    for (int i = 0; i < 8; i++) {
        json_object *ref = diff_get(s, "$ref");
        const json_object *t;
        if (!json_object_is_type(ref, json_type_string) ||
            !(t = diff_follow(run, which, s, json_object_get_string(ref))))
            break;
        s = t;
    }
    return s;
}

static bool shares_word(const char *a, const char *b)
{
    char wa[64];

    for (const char *p = a; *p;) {
        size_t n = strcspn(p, " _-.:/");
        if (n >= 4 && n < sizeof wa) {
            memcpy(wa, p, n);
            wa[n] = 0;
            if (strstr(b, wa))
                return true;
        }
        p += n;
        p += *p != 0;
    }
    return false;
}

static double title_likeness(const json_object *a, const json_object *b)
{
    json_object *ta = diff_get(a, "title"), *tb = diff_get(b, "title");

    if (!json_object_is_type(ta, json_type_string) || !json_object_is_type(tb, json_type_string))
        return 0;
    if (strcmp(json_object_get_string(ta), json_object_get_string(tb)) == 0)
        return 4;
    return shares_word(json_object_get_string(ta), json_object_get_string(tb)) ? 1 : 0;
}

static double likeness(diff_run *run, const json_object *a, const json_object *b, int depth);

/* Jaccard of the property names, plus the likeness of the shared ones. */
static double properties_likeness(diff_run *run, const json_object *a, const json_object *b,
                                  int depth)
{
    json_object *pa = diff_get(a, "properties"), *pb = diff_get(b, "properties");
    size_t both = 0, total = 0;
    double inner = 0;

    if (!json_object_is_type(pa, json_type_object) || !json_object_is_type(pb, json_type_object))
        return 0;
    json_object_object_foreach(pa, name, sa)
    {
        json_object *sb = diff_get(pb, name);
        total++;
        if (sb) {
            both++;
            if (depth < 2)
                inner += likeness(run, sa, sb, depth + 1);
        }
    }
    total += (size_t)json_object_object_length(pb) - both;
    return total ? 4.0 * (double)both / (double)total + (both ? inner / (double)both / 4 : 0) : 0;
}

static double likeness(diff_run *run, const json_object *a, const json_object *b, int depth)
{
    unsigned ta, tb;
    double score = 0;
    json_object *ia, *ib;

    a = target(run, 0, a);
    b = target(run, 1, b);
    ta = diff_types(a);
    tb = diff_types(b);
    score += ta == tb ? 2 : (ta & tb) ? 1 : 0;
    score += title_likeness(a, b);
    score += properties_likeness(run, a, b, depth);
    if ((ia = diff_get(a, "required")) && (ib = diff_get(b, "required")) && diff_equal(ia, ib))
        score += 1;
    if ((ia = diff_get(a, "const")) && (ib = diff_get(b, "const")) && diff_equal(ia, ib))
        score += 2;
    if ((ia = diff_get(a, "items")) && (ib = diff_get(b, "items")) && depth < 2)
        score += likeness(run, ia, ib, depth + 1) / 2;
    return score;
}

static const char *branch_title(diff_run *run, int which, const json_object *s)
{
    json_object *t = diff_get(target(run, which, s), "title");

    return json_object_is_type(t, json_type_string) ? json_object_get_string(t) : NULL;
}

/* A branch left over: added (new) or removed (old). */
static void left_over(diff_run *run, const char *kw, const json_object *list, size_t i,
                      const char *here, const char *there, bool added)
{
    const char *title = branch_title(run, added, json_object_array_get_idx(list, i));
    char *p = diff_ptr_index(here, i);

    if (!p) {
        run->oom = true;
        return;
    }
    diff_emit(run, added ? DIFF_BRANCH_ADDED : DIFF_BRANCH_REMOVED, added ? there : p,
              added ? p : there, "%s branch %zu%s%s%s %s", kw, i, title ? " (\"" : "",
              title ? title : "", title ? "\")" : "", added ? "added" : "removed");
    free(p);
}

/* Pairs the branches best-first; compares the pairs, reports the rest. */
static void match(diff_run *run, const char *kw, const json_object *lo, const char *qo,
                  const json_object *ln, const char *qn, int depth)
{
    size_t no = json_object_array_length(lo), nn = json_object_array_length(ln);
    bool *used_o = calloc(no + 1, 1), *used_n = calloc(nn + 1, 1);
    double *score = calloc(no * nn + 1, sizeof *score);

    if (!used_o || !used_n || !score) {
        run->oom = true;
        goto out;
    }
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < nn; j++)
            score[i * nn + j] = likeness(run, json_object_array_get_idx(lo, i),
                                         json_object_array_get_idx(ln, j), 0);
    for (;;) {
        size_t bi = 0, bj = 0;
        double best = -1;
        for (size_t i = 0; i < no; i++)
            for (size_t j = 0; j < nn; j++) {
                double s = score[i * nn + j];
                bool tie = s == best && labs((long)i - (long)j) < labs((long)bi - (long)bj);
                if (!used_o[i] && !used_n[j] && (s > best || tie))
                    best = s, bi = i, bj = j;
            }
        if (best < MIN_LIKENESS)
            break;
        used_o[bi] = used_n[bj] = true;
        {
            char *a = diff_ptr_index(qo, bi), *b = diff_ptr_index(qn, bj);
            if (a && b)
                diff_node(run, json_object_array_get_idx(lo, bi), a,
                          json_object_array_get_idx(ln, bj), b, depth + 1);
            free(a);
            free(b);
        }
    }
    for (size_t i = 0; i < no; i++)
        if (!used_o[i])
            left_over(run, kw, lo, i, qo, qn, false);
    for (size_t j = 0; j < nn; j++)
        if (!used_n[j])
            left_over(run, kw, ln, j, qn, qo, true);
out:
    free(used_o);
    free(used_n);
    free(score);
}

static json_object *branches_of(const json_object *s, const char *kw)
{
    json_object *v = diff_get(s, kw);

    return json_object_is_type(v, json_type_array) ? v : NULL;
}

static void compare_union(diff_run *run, const json_object *o, const char *po, const json_object *n,
                          const char *pn, const char *kw, const char *other, int depth)
{
    json_object *lo = branches_of(o, kw), *ln = branches_of(n, kw);
    const char *kn = kw;
    char msg[256], *qo, *qn;

    if (!lo && !ln)
        return;
    /* oneOf <-> anyOf: reported once (from oneOf), the branches still paired */
    if (lo && !ln && !branches_of(o, other) && (ln = branches_of(n, other))) {
        kn = other;
        snprintf(msg, sizeof msg, "%s -> %s", kw, other);
        diff_sampled(run, DIFF_KEYWORD_CHANGED, o, po, n, pn, kw, msg);
    } else if (!lo && ln && branches_of(o, other) && !branches_of(n, other)) {
        return; /* the swap, seen from the other keyword */
    }
    if (!lo || !ln) {
        snprintf(msg, sizeof msg, "%s %s with %zu branches", kw, lo ? "removed" : "added",
                 json_object_array_length(lo ? lo : ln));
        diff_sampled(run, lo ? DIFF_UNION_REMOVED : DIFF_UNION_ADDED, o, po, n, pn, kw, msg);
        return;
    }
    qo = diff_ptr(po, kw);
    qn = diff_ptr(pn, kn);
    if (qo && qn)
        match(run, kn, lo, qo, ln, qn, depth);
    else
        run->oom = true;
    free(qo);
    free(qn);
}

static void compare_all_of(diff_run *run, const json_object *o, const char *po,
                           const json_object *n, const char *pn, int depth)
{
    json_object *lo = branches_of(o, "allOf"), *ln = branches_of(n, "allOf");
    char *qo, *qn;

    if (!lo && !ln)
        return;
    if (!lo || !ln || json_object_array_length(lo) != json_object_array_length(ln)) {
        diff_sampled(run, DIFF_KEYWORD_CHANGED, o, po, n, pn, "allOf",
                     !lo   ? "allOf added"
                     : !ln ? "allOf removed"
                           : "allOf members added or removed");
        return;
    }
    qo = diff_ptr(po, "allOf");
    qn = diff_ptr(pn, "allOf");
    for (size_t i = 0; qo && qn && i < json_object_array_length(lo); i++) {
        char *a = diff_ptr_index(qo, i), *b = diff_ptr_index(qn, i);
        if (a && b)
            diff_node(run, json_object_array_get_idx(lo, i), a, json_object_array_get_idx(ln, i), b,
                      depth + 1);
        free(a);
        free(b);
    }
    free(qo);
    free(qn);
}

void diff_branches(diff_run *run, const json_object *o, const char *po, const json_object *n,
                   const char *pn, int depth)
{
    compare_union(run, o, po, n, pn, "oneOf", "anyOf", depth);
    compare_union(run, o, po, n, pn, "anyOf", "oneOf", depth);
    compare_all_of(run, o, po, n, pn, depth);
}
