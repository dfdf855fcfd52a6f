/* SPDX-License-Identifier: MIT */
/* run.c: the rule table, a run's life, and how findings are recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_internal.h"

static const lint_rule rules[LINT_RULE_COUNT] = {
#define LINT_X_(e, id, level, fixable, why) {id, level, fixable, why},
    LINT_RULE_MAP(LINT_X_)
#undef LINT_X_
};

const lint_rule *lint_rule_get(lint_rule_id rule)
{
    return (unsigned)rule < LINT_RULE_COUNT ? &rules[rule] : NULL;
}

lint_rule_id lint_rule_find(const char *id)
{
    for (int i = 0; i < LINT_RULE_COUNT; i++)
        if (strcmp(rules[i].id, id) == 0)
            return (lint_rule_id)i;
    return LINT_RULE_COUNT;
}

const char *lint_level_name(lint_level level)
{
    return level == LINT_ERROR ? "error" : level == LINT_WARNING ? "warning" : "info";
}

bool lint_level_from_name(const char *name, lint_level *level)
{
    for (int l = LINT_INFO; l <= LINT_ERROR; l++)
        if (strcmp(name, lint_level_name((lint_level)l)) == 0) {
            *level = (lint_level)l;
            return true;
        }
    return false;
}

void lint_list_rules(FILE *out)
{
    for (int i = 0; i < LINT_RULE_COUNT; i++)
        fprintf(out, "%-24s %-8s %-4s %s\n", rules[i].id, lint_level_name(rules[i].level),
                rules[i].fixable ? "fix" : "", rules[i].rationale);
}

void lint_options_init(lint_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < LINT_RULE_COUNT; i++)
        o->enabled[i] = true;
}

cardc_status lint_run_new(const lint_options *opts, lint_run **out, cardc_error *err)
{
    lint_run *run = calloc(1, sizeof *run);

    cardc_error_clear(err);
    *out = NULL;
    if (!run) {
        if (err) {
            err->code = CARDC_E_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return CARDC_E_NOMEM;
    }
    if (opts)
        run->opts = *opts;
    else
        lint_options_init(&run->opts);
    *out = run;
    return CARDC_OK;
}

static void finding_free(lint_finding *f)
{
    free(f->file);
    free(f->pointer);
    free(f->message);
    free(f->suggestion);
    free(f->witness);
    for (size_t i = 0; i < f->n_edits; i++)
        free(f->edits[i].repl);
    free(f->edits);
}

void lint_run_free(lint_run *run)
{
    if (!run)
        return;
    for (size_t i = 0; i < run->n_findings; i++)
        finding_free(&run->findings[i]);
    free(run->findings);
    lint_sources_free(run);
    free(run);
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

static lint_finding *emit_va(lint_run *run, size_t text, const char *file, const char *pointer,
                             int line, int column, lint_rule_id rule, const char *suggestion,
                             const char *fmt, va_list ap)
{
    lint_finding *f;
    char msg[1024];

    if (!run->opts.enabled[rule] || run->oom)
        return NULL;
    if (run->n_findings == run->cap_findings) {
        size_t cap = run->cap_findings ? run->cap_findings * 2 : 16;
        lint_finding *v = realloc(run->findings, cap * sizeof *v);
        if (!v) {
            run->oom = true;
            return NULL;
        }
        run->findings = v;
        run->cap_findings = cap;
    }
    vsnprintf(msg, sizeof msg, fmt, ap);
    f = &run->findings[run->n_findings];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->level = rules[rule].level;
    f->text = text;
    f->line = line;
    f->column = column;
    f->file = strdup(file);
    f->pointer = strdup(pointer);
    f->message = strdup(msg);
    f->suggestion = suggestion ? strdup(suggestion) : NULL;
    if (!f->file || !f->pointer || !f->message || (suggestion && !f->suggestion)) {
        finding_free(f);
        run->oom = true;
        return NULL;
    }
    run->n_findings++;
    return f;
}

lint_finding *lint_emit(lint_run *run, size_t unit, lint_rule_id rule, const char *ptr,
                        const char *suggestion, const char *fmt, ...)
{
    const lint_unit *u = &run->units[unit];
    char *pointer = join(u->report_prefix, ptr);
    lint_finding *f = NULL;
    int line, column;
    va_list ap;

    if (!pointer) {
        run->oom = true;
        return NULL;
    }
    lint_position(run, unit, ptr, &line, &column);
    va_start(ap, fmt);
    f = emit_va(run, u->text, run->files[run->texts[u->text].file].path, pointer, line, column,
                rule, suggestion, fmt, ap);
    va_end(ap);
    free(pointer);
    return f;
}

lint_finding *lint_emit_file(lint_run *run, size_t file, lint_rule_id rule, const char *pointer,
                             int line, int column, const char *suggestion, const char *fmt, ...)
{
    lint_finding *f;
    size_t text = 0;
    va_list ap;

    /* Sorted with the file's first text, so it stays among its findings. */
    while (text < run->n_texts && run->texts[text].file != file)
        text++;
    va_start(ap, fmt);
    f = emit_va(run, text, run->files[file].path, pointer, line, column, rule, suggestion, fmt, ap);
    va_end(ap);
    return f;
}

bool lint_finding_edit(lint_finding *f, size_t start, size_t end, const char *repl)
{
    lint_edit *v = realloc(f->edits, (f->n_edits + 1) * sizeof *v);

    if (!v)
        return false;
    f->edits = v;
    v[f->n_edits].start = start;
    v[f->n_edits].end = end;
    v[f->n_edits].repl = strdup(repl);
    if (!v[f->n_edits].repl)
        return false;
    f->n_edits++;
    return true;
}

bool lint_has_finding(const lint_run *run, size_t unit, lint_rule_id rule, const char *ptr,
                      bool prefix)
{
    const lint_unit *u = &run->units[unit];
    const char *file = run->files[run->texts[u->text].file].path;
    size_t plen = strlen(u->report_prefix);

    for (size_t i = 0; i < run->n_findings; i++) {
        const lint_finding *f = &run->findings[i];
        const char *p = f->pointer;
        if (f->rule != rule || strcmp(f->file, file) != 0 || strncmp(p, u->report_prefix, plen))
            continue;
        p += plen;
        if (strcmp(p, ptr) == 0 || (prefix && strncmp(ptr, p, strlen(p)) == 0))
            return true;
    }
    return false;
}

size_t lint_finding_count(const lint_run *run)
{
    return run->n_findings;
}

const lint_finding *lint_finding_at(const lint_run *run, size_t index)
{
    return index < run->n_findings ? &run->findings[index] : NULL;
}

cardc_status lint_add_card(lint_run *run, const char *path, cardc_error *err)
{
    size_t first = run->n_units;
    cardc_status st = lint_source_card(run, path, err);

    if (st != CARDC_OK)
        return st;
    for (size_t u = first; u < run->n_units; u++)
        lint_walk(run, u);
    lint_rules_card(run, run->n_files - 1);
    return run->oom ? CARDC_E_NOMEM : CARDC_OK;
}

cardc_status lint_add_schema(lint_run *run, const char *path, cardc_error *err)
{
    size_t first = run->n_units;
    cardc_status st = lint_source_schema(run, path, err);

    if (st != CARDC_OK)
        return st;
    for (size_t u = first; u < run->n_units; u++)
        lint_walk(run, u);
    return run->oom ? CARDC_E_NOMEM : CARDC_OK;
}

static int by_position(const void *a, const void *b)
{
    const lint_finding *x = a, *y = b;

    if (x->text != y->text)
        return x->text < y->text ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    if (strcmp(x->pointer, y->pointer) != 0)
        return strcmp(x->pointer, y->pointer);
    return strcmp(x->message, y->message);
}

void lint_finish(lint_run *run)
{
    lint_rules_cards(run);
    /* Texts are numbered in file order, so this is file, then position. */
    if (run->n_findings > 1)
        qsort(run->findings, run->n_findings, sizeof *run->findings, by_position);
}
