/* SPDX-License-Identifier: MIT */
/* report.c: the changes as text, JSON Lines, GitHub annotations or a
 * Markdown pull-request comment; and the --list table. */
#include <stdio.h>
#include <string.h>

#include "github.h"
#include "diff_internal.h"

static const char *const SIDES[] = {"input", "output"};

bool diff_format_from_name(const char *name, diff_format *format)
{
    static const char *const names[] = {"text", "json", "github", "markdown"};

    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *format = (diff_format)i;
            return true;
        }
    return false;
}

/* What the sample evidence says, in words, or NULL. */
static const char *effect_words(const diff_change *c)
{
    switch (c->effect) {
    case DIFF_EFFECT_NARROWS: return "accepted by the old version, refused by the new one";
    case DIFF_EFFECT_WIDENS: return "refused by the old version, accepted by the new one";
    case DIFF_EFFECT_BOTH:
        return "accepted by the old version, refused by the new one (and values the other way "
               "too)";
    default: return NULL;
    }
}

static void place(FILE *out, const char *label, const diff_place *p)
{
    fprintf(out, "  %s: %s", label, p->file);
    if (p->line)
        fprintf(out, ":%d:%d", p->line, p->column);
    fprintf(out, " %s\n", p->pointer && p->pointer[0] ? p->pointer : "(root)");
}

static void text(const diff_run *run, FILE *out)
{
    for (size_t i = 0; i < run->n_changes; i++) {
        const diff_change *c = &run->changes[i];
        const diff_check *k = diff_check_get(c->check);
        fprintf(out, "%s: %s: %s%s: %s [%s]\n", diff_level_name(c->level), SIDES[c->side],
                k->category == DIFF_C_API ? "C API: " : "",
                c->new_at.pointer && c->new_at.pointer[0] ? c->new_at.pointer : "(root)",
                c->message, k->id);
        place(out, "old", &c->old_at);
        place(out, "new", &c->new_at);
        if (effect_words(c))
            fprintf(out, "  witness (%s): %s\n", effect_words(c), c->witness ? c->witness : "");
        else if (k->sampled)
            fprintf(out, "  no sampled value tells the versions apart\n");
    }
}

static json_object *place_json(const diff_place *p)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "file", json_object_new_string(p->file ? p->file : ""));
    json_object_object_add(o, "pointer", json_object_new_string(p->pointer ? p->pointer : ""));
    json_object_object_add(o, "line", json_object_new_int(p->line));
    json_object_object_add(o, "column", json_object_new_int(p->column));
    return o;
}

static void json_lines(const diff_run *run, FILE *out)
{
    static const char *const effects[] = {"none", "narrows", "widens", "both"};

    for (size_t i = 0; i < run->n_changes; i++) {
        const diff_change *c = &run->changes[i];
        const diff_check *k = diff_check_get(c->check);
        json_object *o = json_object_new_object(), *w = NULL;
        json_object_object_add(o, "check", json_object_new_string(k->id));
        json_object_object_add(
            o, "category", json_object_new_string(k->category == DIFF_C_API ? "c-api" : "schema"));
        json_object_object_add(o, "level", json_object_new_string(diff_level_name(c->level)));
        json_object_object_add(o, "side", json_object_new_string(SIDES[c->side]));
        json_object_object_add(o, "message", json_object_new_string(c->message));
        json_object_object_add(o, "old", place_json(&c->old_at));
        json_object_object_add(o, "new", place_json(&c->new_at));
        if (k->sampled)
            json_object_object_add(o, "effect", json_object_new_string(effects[c->effect]));
        if (c->witness &&
            cardc_json_parse(c->witness, strlen(c->witness), NULL, 0, &w, NULL) == CARDC_OK)
            json_object_object_add(o, "witness", w ? w : json_object_new_null());
        fprintf(out, "%s\n",
                json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                      JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
    }
}

static void github(const diff_run *run, FILE *out)
{
    static const char *const kinds[] = {"notice", "warning", "error"};

    for (size_t i = 0; i < run->n_changes; i++) {
        const diff_change *c = &run->changes[i];
        const diff_check *k = diff_check_get(c->check);
        fprintf(out, "::%s file=", kinds[c->level]);
        analysis_github_escape(out, c->new_at.file, true);
        if (c->new_at.line)
            fprintf(out, ",line=%d,col=%d", c->new_at.line, c->new_at.column);
        fputs(",title=", out);
        analysis_github_escape(out, k->id, true);
        fputs("::", out);
        analysis_github_escape(out, SIDES[c->side], false);
        fputs(": ", out);
        analysis_github_escape(out, c->message, false);
        fputs(" (", out);
        analysis_github_escape(out, c->old_at.pointer, false);
        fputs(" -> ", out);
        analysis_github_escape(out, c->new_at.pointer, false);
        fputs(")", out);
        if (c->witness && effect_words(c)) {
            fputs("; witness: ", out);
            analysis_github_escape(out, c->witness, false);
        }
        fputs("\n", out);
    }
}

/* A Markdown table cell: pipes and line breaks escaped, code in backticks
 * made safe by using them only around text without backticks. */
static void md_cell(FILE *out, const char *s, bool code)
{
    bool tick = code && !strchr(s, '`');

    if (tick)
        fputc('`', out);
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
    if (tick)
        fputc('`', out);
}

static void markdown(const diff_run *run, FILE *out)
{
    size_t count[3] = {0, 0, 0};

    for (size_t i = 0; i < run->n_changes; i++)
        count[run->changes[i].level]++;
    fprintf(out, "### cardc diff: `%s` → `%s`\n\n", run->v[0].path, run->v[1].path);
    if (!run->n_changes) {
        fputs("No changes.\n", out);
        return;
    }
    fprintf(out, "**%zu error%s**, %zu warning%s, %zu info\n\n", count[2], count[2] == 1 ? "" : "s",
            count[1], count[1] == 1 ? "" : "s", count[0]);
    fputs("| level | side | check | where (new) | change |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < run->n_changes; i++) {
        const diff_change *c = &run->changes[i];
        const diff_check *k = diff_check_get(c->check);
        fprintf(out, "| %s%s%s | %s%s | ", c->level == DIFF_ERROR ? "**" : "",
                diff_level_name(c->level), c->level == DIFF_ERROR ? "**" : "", SIDES[c->side],
                k->category == DIFF_C_API ? " (C API)" : "");
        md_cell(out, k->id, true);
        fputs(" | ", out);
        md_cell(out, c->new_at.pointer && c->new_at.pointer[0] ? c->new_at.pointer : "/", true);
        fputs(" | ", out);
        md_cell(out, c->message, false);
        if (c->witness && effect_words(c)) {
            fputs(" — ", out);
            md_cell(out, effect_words(c), false);
            fputs(": ", out);
            md_cell(out, c->witness, true);
        }
        fputs(" |\n", out);
    }
}

void diff_report(const diff_run *run, FILE *out)
{
    switch (run->req->format) {
    case DIFF_FORMAT_JSON: json_lines(run, out); break;
    case DIFF_FORMAT_GITHUB: github(run, out); break;
    case DIFF_FORMAT_MARKDOWN: markdown(run, out); break;
    default: text(run, out); break;
    }
}

void diff_list_checks(FILE *out)
{
    for (int i = 0; i < DIFF_CHECK_COUNT; i++) {
        const diff_check *k = diff_check_get((diff_check_id)i);
        fprintf(out, "%-30s %-6s input %-7s output %-7s %s%s\n", k->id,
                k->category == DIFF_C_API ? "c-api" : "schema", diff_level_name(k->level[0]),
                diff_level_name(k->level[1]), k->sampled ? "(level from samples) " : "",
                k->meaning);
    }
}
