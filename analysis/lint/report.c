/* SPDX-License-Identifier: MIT */
/* report.c: findings as text, JSON Lines, GitHub workflow annotations or a
 * SARIF 2.1.0 log (code scanning). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "github.h"
#include "lint_internal.h"

bool lint_format_from_name(const char *name, lint_format *format)
{
    static const char *const names[] = {"text", "json", "github", "sarif"};

    for (int i = 0; i < 4; i++)
        if (strcmp(names[i], name) == 0) {
            *format = (lint_format)i;
            return true;
        }
    return false;
}

static void text(const lint_finding *f, FILE *out)
{
    fprintf(out, "%s:%d:%d: %s: %s: %s [%s]\n", f->file, f->line, f->column,
            lint_level_name(f->level), *f->pointer ? f->pointer : "/", f->message,
            lint_rule_get(f->rule)->id);
    if (f->suggestion)
        fprintf(out, "  suggestion: %s%s\n", f->suggestion, f->n_edits ? " (--fix does it)" : "");
    if (f->witness)
        fprintf(out, "  witness: %s\n", f->witness);
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
    if (v)
        json_object_object_add(o, k, json_object_new_string(v));
}

static struct json_object *as_json(const lint_finding *f)
{
    struct json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    add_str(o, "file", f->file);
    json_object_object_add(o, "line", json_object_new_int(f->line));
    json_object_object_add(o, "column", json_object_new_int(f->column));
    add_str(o, "pointer", f->pointer);
    add_str(o, "rule", lint_rule_get(f->rule)->id);
    add_str(o, "level", lint_level_name(f->level));
    add_str(o, "message", f->message);
    add_str(o, "suggestion", f->suggestion);
    json_object_object_add(o, "fixable", json_object_new_boolean(f->n_edits > 0));
    if (f->witness) {
        struct json_object *w = NULL;
        /* Embedded as a value, so consumers need not parse a string. */
        if (cardc_json_parse(f->witness, strlen(f->witness), NULL, 0, &w, NULL) == CARDC_OK)
            json_object_object_add(o, "witness", w);
    }
    return o;
}

static void print_json(struct json_object *o, FILE *out)
{
    char *s = o ? cardc_json_dump(o, 0) : NULL;

    if (s)
        fprintf(out, "%s\n", s);
    free(s);
    json_object_put(o);
}

static void github(const lint_finding *f, FILE *out)
{
    static const char *const cmd[] = {"notice", "warning", "error"};

    fprintf(out, "::%s file=", cmd[f->level]);
    analysis_github_escape(out, f->file, true);
    fprintf(out, ",line=%d,col=%d,title=", f->line, f->column);
    analysis_github_escape(out, lint_rule_get(f->rule)->id, true);
    fputs("::", out);
    analysis_github_escape(out, f->pointer, false);
    fputs(": ", out);
    analysis_github_escape(out, f->message, false);
    if (f->witness) {
        fputs(". Witness: ", out);
        analysis_github_escape(out, f->witness, false);
    }
    if (f->suggestion) {
        fputs(". Suggestion: ", out);
        analysis_github_escape(out, f->suggestion, false);
    }
    fputc('\n', out);
}

static struct json_object *sarif_rules(void)
{
    static const char *const level[] = {"note", "warning", "error"};
    struct json_object *a = json_object_new_array();

    for (int i = 0; a && i < LINT_RULE_COUNT; i++) {
        const lint_rule *r = lint_rule_get((lint_rule_id)i);
        struct json_object *o = json_object_new_object(), *d = json_object_new_object();
        struct json_object *c = json_object_new_object();
        add_str(o, "id", r->id);
        add_str(d, "text", r->rationale);
        json_object_object_add(o, "shortDescription", d);
        add_str(c, "level", level[r->level]);
        json_object_object_add(o, "defaultConfiguration", c);
        json_object_array_add(a, o);
    }
    return a;
}

static struct json_object *sarif_result(const lint_finding *f)
{
    static const char *const level[] = {"note", "warning", "error"};
    struct json_object *o = json_object_new_object(), *m = json_object_new_object();
    struct json_object *loc = json_object_new_object(), *phys = json_object_new_object();
    struct json_object *art = json_object_new_object(), *reg = json_object_new_object();
    struct json_object *locs = json_object_new_array(), *logical = json_object_new_array();
    struct json_object *lg = json_object_new_object();
    strbuf b = {0};

    add_str(o, "ruleId", lint_rule_get(f->rule)->id);
    json_object_object_add(o, "ruleIndex", json_object_new_int((int)f->rule));
    add_str(o, "level", level[f->level]);
    strbuf_printf(&b, "%s: %s", *f->pointer ? f->pointer : "/", f->message);
    if (f->witness)
        strbuf_printf(&b, ". Witness: %s", f->witness);
    if (f->suggestion)
        strbuf_printf(&b, ". Suggestion: %s", f->suggestion);
    strbuf_add(&b, "", 0);
    add_str(m, "text", b.s ? b.s : f->message);
    cardc__strbuf_free(&b);
    json_object_object_add(o, "message", m);
    add_str(art, "uri", f->file);
    json_object_object_add(phys, "artifactLocation", art);
    json_object_object_add(reg, "startLine", json_object_new_int(f->line > 0 ? f->line : 1));
    json_object_object_add(reg, "startColumn", json_object_new_int(f->column > 0 ? f->column : 1));
    json_object_object_add(phys, "region", reg);
    json_object_object_add(loc, "physicalLocation", phys);
    add_str(lg, "fullyQualifiedName", f->pointer);
    add_str(lg, "kind", "member");
    json_object_array_add(logical, lg);
    json_object_object_add(loc, "logicalLocations", logical);
    json_object_array_add(locs, loc);
    json_object_object_add(o, "locations", locs);
    return o;
}

static void sarif(const lint_run *run, FILE *out)
{
    struct json_object *log = json_object_new_object(), *runs = json_object_new_array();
    struct json_object *r = json_object_new_object(), *tool = json_object_new_object();
    struct json_object *driver = json_object_new_object(), *results = json_object_new_array();

    add_str(log, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    add_str(log, "version", "2.1.0");
    add_str(driver, "name", "cardc lint");
    add_str(driver, "version", cardc_version());
    json_object_object_add(driver, "rules", sarif_rules());
    json_object_object_add(tool, "driver", driver);
    json_object_object_add(r, "tool", tool);
    for (size_t i = 0; i < run->n_findings; i++)
        json_object_array_add(results, sarif_result(&run->findings[i]));
    json_object_object_add(r, "results", results);
    json_object_array_add(runs, r);
    json_object_object_add(log, "runs", runs);
    char *s = cardc_json_dump(log, 1);
    if (s)
        fprintf(out, "%s\n", s);
    free(s);
    json_object_put(log);
}

void lint_report(const lint_run *run, lint_format format, FILE *out)
{
    if (format == LINT_FORMAT_SARIF) {
        sarif(run, out);
        return;
    }
    for (size_t i = 0; i < run->n_findings; i++) {
        const lint_finding *f = &run->findings[i];
        if (format == LINT_FORMAT_TEXT)
            text(f, out);
        else if (format == LINT_FORMAT_JSON)
            print_json(as_json(f), out);
        else
            github(f, out);
    }
}
