/* SPDX-License-Identifier: MIT */
/* capi.c: what changes for C callers of the bindings `cardc gen` makes of
 * each version. Compared on the generator's IR (gen/ir.c), not on text:
 * named types (a type keeps its identity by name, else by the subschema
 * the schema walk paired it with), struct members by JSON member, union
 * kinds by branch, enumerators by enum value, and the model's functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "gen.h"

typedef struct capi {
    diff_run *run;
    const gen_model *m[2];
    const gen_type **paired; /* new type paired with each old named type, by index in m[0] */
} capi;

/* The named type of model which called name, or NULL. */
static const gen_type *by_name(const gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->type_count; i++)
        if (m->types[i]->named && strcmp(m->types[i]->name, name) == 0)
            return m->types[i];
    return NULL;
}

/* The named type of model which at the subschema the walk paired with
 * (side, ptr) of the other version, or NULL. */
static const gen_type *by_pointer(const capi *x, int which, int side, const char *ptr)
{
    const char *there = diff_corresponding(x->run, side, 1 - which, ptr);
    const gen_model *m = x->m[which];

    for (size_t i = 0; there && i < m->type_count; i++)
        if (m->types[i]->named && m->types[i]->side == side &&
            strcmp(m->types[i]->pointer, there) == 0)
            return m->types[i];
    return NULL;
}

static const gen_type *paired_new(const capi *x, const gen_type *old_type)
{
    for (size_t i = 0; i < x->m[0]->type_count; i++)
        if (x->m[0]->types[i] == old_type)
            return x->paired[i];
    return NULL;
}

static bool is_paired_new(const capi *x, const gen_type *t)
{
    for (size_t i = 0; i < x->m[0]->type_count; i++)
        if (x->paired[i] == t)
            return true;
    return false;
}

/* The C type of a member, with renamed types read as their old names (a
 * rename is reported once, on the type). */
static const char *member_type(const capi *x, const gen_type *t, int which)
{
    const char *name = t ? gen_c_type(t) : NULL;

    if (which == 1 && t && t->named)
        for (size_t i = 0; i < x->m[0]->type_count; i++)
            if (x->paired[i] == t)
                return x->m[0]->types[i]->name;
    return name ? name : "(none)";
}

/* The member an open object keeps undeclared members in (NULL when the
 * object is closed), and its C type. */
static const char *rest_type(const capi *x, const gen_type *t, int which)
{
    if (!t->additional_member)
        return NULL;
    return t->additional ? member_type(x, t->additional, which) : "cardc_members";
}

static void rest_member(capi *x, const gen_type *a, const gen_type *b)
{
    const char *ta = rest_type(x, a, 0), *tb = rest_type(x, b, 1);

    if (!ta && !tb)
        return;
    if (!ta || !tb) {
        diff_emit_side(x->run, a->side, ta ? DIFF_C_FIELD_REMOVED : DIFF_C_FIELD_ADDED, a->pointer,
                       b->pointer, "%s.%s %s", b->name,
                       ta ? a->additional_member : b->additional_member,
                       ta ? "removed (the object is closed now: no undeclared members)"
                          : "added (undeclared members are kept now)");
        return;
    }
    if (strcmp(a->additional_member, b->additional_member) != 0)
        diff_emit_side(x->run, a->side, DIFF_C_FIELD_RENAMED, a->pointer, b->pointer,
                       "%s.%s -> %s.%s", a->name, a->additional_member, b->name,
                       b->additional_member);
    if (strcmp(ta, tb) != 0)
        diff_emit_side(x->run, a->side, DIFF_C_FIELD_TYPE_CHANGED, a->pointer, b->pointer,
                       "%s.%s: %s -> %s", b->name, b->additional_member, ta,
                       b->additional ? gen_c_type(b->additional) : "cardc_members");
}

static void fields(capi *x, const gen_type *a, const gen_type *b)
{
    diff_run *run = x->run;

    for (size_t i = 0; i < a->field_count; i++) {
        const gen_field *f = &a->fields[i], *g = NULL;
        for (size_t k = 0; k < b->field_count && !g; k++)
            if (f->json_name_len == b->fields[k].json_name_len &&
                memcmp(f->json_name, b->fields[k].json_name, f->json_name_len) == 0)
                g = &b->fields[k];
        if (!g) {
            diff_emit_side(run, a->side, DIFF_C_FIELD_REMOVED, f->pointer, b->pointer,
                           "%s.%s removed", a->name, f->c_name);
            continue;
        }
        if (strcmp(f->c_name, g->c_name) != 0)
            diff_emit_side(run, a->side, DIFF_C_FIELD_RENAMED, f->pointer, g->pointer,
                           "%s.%s -> %s.%s", a->name, f->c_name, b->name, g->c_name);
        if (strcmp(member_type(x, f->type, 0), member_type(x, g->type, 1)) != 0)
            diff_emit_side(run, a->side, DIFF_C_FIELD_TYPE_CHANGED, f->pointer, g->pointer,
                           "%s.%s: %s -> %s", b->name, g->c_name, member_type(x, f->type, 0),
                           gen_c_type(g->type) ? gen_c_type(g->type) : "(none)");
        if (f->required != g->required)
            diff_emit_side(run, a->side,
                           g->required ? DIFF_C_PRESENCE_REMOVED : DIFF_C_PRESENCE_ADDED,
                           f->pointer, g->pointer, "%s.has_%s %s", b->name, g->c_name,
                           g->required ? "removed (required now)" : "added (optional now)");
        if (f->nullable != g->nullable)
            diff_emit_side(run, a->side,
                           g->nullable ? DIFF_C_PRESENCE_ADDED : DIFF_C_PRESENCE_REMOVED,
                           f->pointer, g->pointer, "%s.%s_is_null %s", b->name, g->c_name,
                           g->nullable ? "added" : "removed");
    }
    for (size_t k = 0; k < b->field_count; k++) {
        const gen_field *g = &b->fields[k];
        bool found = false;
        for (size_t i = 0; i < a->field_count && !found; i++)
            found = g->json_name_len == a->fields[i].json_name_len &&
                    memcmp(g->json_name, a->fields[i].json_name, g->json_name_len) == 0;
        if (!found)
            diff_emit_side(run, b->side, DIFF_C_FIELD_ADDED, a->pointer, g->pointer,
                           "%s.%s added (%s)", b->name, g->c_name,
                           gen_c_type(g->type) ? gen_c_type(g->type) : "no storage");
    }
}

/* The branch of union b that branch k of union a pairs with: the same
 * enumerator name, else the subschema the walk paired. -1 when none. */
static long branch_pair(const capi *x, const gen_type *a, size_t k, const gen_type *b)
{
    const gen_type *bt = a->branches[k].type;
    const char *there;

    for (size_t j = 0; j < b->branch_count; j++)
        if (strcmp(a->kind_consts[k + 1], b->kind_consts[j + 1]) == 0)
            return (long)j;
    there = bt ? diff_corresponding(x->run, a->side, 0, bt->pointer) : NULL;
    for (size_t j = 0; there && j < b->branch_count; j++)
        if (b->branches[j].type && strcmp(b->branches[j].type->pointer, there) == 0)
            return (long)j;
    return -1;
}

static void kinds(capi *x, const gen_type *a, const gen_type *b)
{
    bool *used = calloc(b->branch_count + 1, 1);

    if (!used) {
        x->run->oom = true;
        return;
    }
    for (size_t k = 0; k < a->branch_count; k++) {
        const gen_type *at = a->branches[k].type, *bt;
        long j = branch_pair(x, a, k, b);
        if (j < 0 || used[j]) {
            diff_emit_side(x->run, a->side, DIFF_C_KIND_REMOVED, at ? at->pointer : a->pointer,
                           b->pointer, "%s removed", a->kind_consts[k + 1]);
            continue;
        }
        used[j] = true;
        bt = b->branches[j].type;
        if (strcmp(a->kind_consts[k + 1], b->kind_consts[j + 1]) != 0)
            diff_emit_side(x->run, a->side, DIFF_C_KIND_RENAMED, at ? at->pointer : a->pointer,
                           bt ? bt->pointer : b->pointer, "%s -> %s", a->kind_consts[k + 1],
                           b->kind_consts[j + 1]);
        if (strcmp(member_type(x, at, 0), member_type(x, bt, 1)) != 0)
            diff_emit_side(x->run, a->side, DIFF_C_FIELD_TYPE_CHANGED,
                           at ? at->pointer : a->pointer, bt ? bt->pointer : b->pointer,
                           "%s.u.%s: %s -> %s", b->name, b->branches[j].member,
                           member_type(x, at, 0), bt && gen_c_type(bt) ? gen_c_type(bt) : "(none)");
    }
    for (size_t j = 0; j < b->branch_count; j++)
        if (!used[j])
            diff_emit_side(x->run, b->side, DIFF_C_KIND_ADDED, a->pointer,
                           b->branches[j].type ? b->branches[j].type->pointer : b->pointer,
                           "%s added", b->kind_consts[j + 1]);
    free(used);
}

static void enumerators(capi *x, const gen_type *a, const gen_type *b)
{
    for (size_t k = 0; k < a->enum_count; k++) {
        size_t j = 0;
        while (j < b->enum_count && strcmp(a->enum_values[k], b->enum_values[j]) != 0)
            j++;
        if (j == b->enum_count)
            diff_emit_side(x->run, a->side, DIFF_C_ENUMERATOR_REMOVED, a->pointer, b->pointer,
                           "%s (%s) removed", a->enum_consts[k + 1], a->enum_values[k]);
        else if (strcmp(a->enum_consts[k + 1], b->enum_consts[j + 1]) != 0)
            diff_emit_side(x->run, a->side, DIFF_C_ENUMERATOR_RENAMED, a->pointer, b->pointer,
                           "%s -> %s", a->enum_consts[k + 1], b->enum_consts[j + 1]);
    }
    for (size_t j = 0; j < b->enum_count; j++) {
        size_t k = 0;
        while (k < a->enum_count && strcmp(a->enum_values[k], b->enum_values[j]) != 0)
            k++;
        if (k == a->enum_count)
            diff_emit_side(x->run, b->side, DIFF_C_ENUMERATOR_ADDED, a->pointer, b->pointer,
                           "%s (%s) added", b->enum_consts[j + 1], b->enum_values[j]);
    }
}

/* A type of both versions: its name, kind and contents. */
static void same_type(capi *x, const gen_type *a, const gen_type *b)
{
    if (strcmp(a->name, b->name) != 0)
        diff_emit_side(x->run, a->side, DIFF_C_TYPE_RENAMED, a->pointer, b->pointer,
                       "%s -> %s (and its functions)", a->name, b->name);
    if (a->kind != b->kind) {
        diff_emit_side(x->run, a->side, DIFF_C_TYPE_CHANGED, a->pointer, b->pointer, "%s: %s -> %s",
                       b->name, gen_kind_words(a), gen_kind_words(b));
        return;
    }
    if (a->kind == CARDC_KIND_OBJECT) {
        fields(x, a, b);
        rest_member(x, a, b);
    } else if (a->kind == CARDC_KIND_UNION)
        kinds(x, a, b);
    else if (a->kind == CARDC_KIND_ENUM)
        enumerators(x, a, b);
    else if ((a->kind == CARDC_KIND_ARRAY || a->kind == CARDC_KIND_MAP) &&
             strcmp(member_type(x, a->item, 0), member_type(x, b->item, 1)) != 0)
        diff_emit_side(x->run, a->side, DIFF_C_FIELD_TYPE_CHANGED, a->pointer, b->pointer,
                       "%s items: %s -> %s", b->name, member_type(x, a->item, 0),
                       b->item && gen_c_type(b->item) ? gen_c_type(b->item) : "(none)");
}

static bool wanted(const diff_run *run, const gen_type *t)
{
    return t->named && t->side >= 0 && t->side < 2 && run->req->sides[t->side];
}

/* Pairs every old named type with a new one: same name, else the subschema
 * the walk paired. */
static void pair_types(capi *x)
{
    for (size_t i = 0; i < x->m[0]->type_count; i++) {
        const gen_type *a = x->m[0]->types[i], *b;
        if (!wanted(x->run, a))
            continue;
        b = by_name(x->m[1], a->name);
        if (!b || b->side != a->side)
            b = by_pointer(x, 1, a->side, a->pointer);
        if (b && !is_paired_new(x, b))
            x->paired[i] = b;
    }
}

static void compare_types(capi *x)
{
    pair_types(x);
    for (size_t i = 0; i < x->m[0]->type_count; i++) {
        const gen_type *a = x->m[0]->types[i], *b = x->paired[i];
        if (!wanted(x->run, a))
            continue;
        if (b)
            same_type(x, a, b);
        else
            diff_emit_side(x->run, a->side, DIFF_C_TYPE_REMOVED, a->pointer, "",
                           "%s removed (and its functions)", a->name);
    }
    for (size_t j = 0; j < x->m[1]->type_count; j++) {
        const gen_type *b = x->m[1]->types[j];
        if (wanted(x->run, b) && !is_paired_new(x, b))
            diff_emit_side(x->run, b->side, DIFF_C_TYPE_ADDED, "", b->pointer, "%s added (%s)",
                           b->name, gen_kind_words(b));
    }
    (void)paired_new;
}

static void compare_functions(capi *x)
{
    static const char *const suffix[] = {"_run", "_run_stream"};

    for (int f = 0; f < 2; f++) {
        bool a = f ? gen_model_streams(x->m[0]) : gen_model_runs(x->m[0]);
        bool b = f ? gen_model_streams(x->m[1]) : gen_model_runs(x->m[1]);
        if (a != b)
            diff_emit_side(x->run, f, a ? DIFF_C_FUNCTION_REMOVED : DIFF_C_FUNCTION_ADDED, "", "",
                           "%s%s %s", (a ? x->m[0] : x->m[1])->c_name, suffix[f],
                           a ? "removed" : "added");
    }
}

/* The IR of one version, as `cardc gen` builds it. */
static gen_run *load(diff_run *run, int which, FILE *diag)
{
    const char *path = run->v[which].path;
    gen_request req;
    cardc_schema_options so;
    gen_run *g = NULL;
    cardc_error err;
    char msg[1200];

    if (strcmp(path, "-") == 0) {
        /* read once already: cardc gen would find standard input empty */
        fprintf(diag, "cardc diff: note: no C API comparison for a version read from standard "
                      "input\n");
        return NULL;
    }
    memset(&req, 0, sizeof req);
    cardc_schema_options_init(&so);
    so.dialect = run->req->dialect;
    req.schema_options = &so;
    if (run->req->schemas) {
        req.schema = path;
        req.name = run->req->name ? run->req->name : "schema";
    } else {
        req.cards = &path;
        req.card_count = 1;
        req.name = run->req->name;
    }
    if (gen_run_load(&req, &g, &err) != CARDC_OK) {
        cardc_error_format(&err, msg, sizeof msg);
        fprintf(diag, "cardc diff: note: no C API comparison: cardc gen refuses %s: %s\n", path,
                msg);
        return NULL;
    }
    return g;
}

void diff_c_api(diff_run *run, FILE *diag)
{
    gen_run *g[2] = {load(run, 0, diag), NULL};
    capi x = {run, {NULL, NULL}, NULL};

    if (g[0])
        g[1] = load(run, 1, diag);
    if (g[0] && g[1]) {
        x.m[0] = gen_run_model(g[0], 0);
        x.m[1] = gen_run_model(g[1], 0);
        x.paired = calloc(x.m[0]->type_count + 1, sizeof *x.paired);
        if (!x.paired) {
            run->oom = true;
        } else {
            compare_types(&x);
            if (!run->req->schemas)
                compare_functions(&x);
        }
    }
    free(x.paired);
    gen_run_free(g[0]);
    gen_run_free(g[1]);
}
