/* SPDX-License-Identifier: MIT */
/* fix.c: certain fixes as text edits, so everything else in the file stays
 * byte for byte (key order, layout, the YAML around a card's schema text). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_internal.h"
#include "lint_internal.h"

typedef struct member {
    size_t key_start, key_end, value_start, value_end;
} member;

static size_t ws(const char *t, size_t n, size_t i)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i;
}

static size_t string_end(const char *t, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (t[i] == '\\')
            i++;
        else if (t[i] == '"')
            return i + 1;
    }
    return SIZE_MAX;
}

static size_t value_end(const char *t, size_t n, size_t i)
{
    size_t depth = 0;

    if (i < n && t[i] == '"')
        return string_end(t, n, i);
    if (i < n && t[i] != '{' && t[i] != '[') {
        while (i < n && !strchr(" \t\r\n,]}", t[i]))
            i++;
        return i;
    }
    while (i < n) {
        if (t[i] == '"') {
            if ((i = string_end(t, n, i)) == SIZE_MAX)
                return SIZE_MAX;
            continue;
        }
        if (t[i] == '{' || t[i] == '[')
            depth++;
        else if ((t[i] == '}' || t[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return SIZE_MAX;
}

static bool key_is(const char *t, size_t start, size_t end, const char *name)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t i = start + 1, k = 0, len = strlen(name);
    unsigned char utf8[4];

    while (i < end - 1) {
        size_t nb = cardc__json_string_unit(u, end - 1, &i, utf8);
        if (!nb || k + nb > len || memcmp(name + k, utf8, nb) != 0)
            return false;
        k += nb;
    }
    return k == len;
}

/* The members of the object at text[obj]: *count of them in v (at most max);
 * *found the index of `key` (SIZE_MAX when absent). */
static bool members(const char *t, size_t n, size_t obj, const char *key, member *v, size_t max,
                    size_t *count, size_t *found)
{
    size_t i = ws(t, n, obj + 1);

    *count = 0;
    *found = SIZE_MAX;
    while (i < n && t[i] == '"' && *count < max) {
        member *m = &v[*count];
        m->key_start = i;
        if ((m->key_end = string_end(t, n, i)) == SIZE_MAX)
            return false;
        i = ws(t, n, m->key_end);
        if (i >= n || t[i] != ':')
            return false;
        m->value_start = ws(t, n, i + 1);
        if ((m->value_end = value_end(t, n, m->value_start)) == SIZE_MAX)
            return false;
        if (key_is(t, m->key_start, m->key_end, key))
            *found = *count;
        (*count)++;
        i = ws(t, n, m->value_end);
        if (i < n && t[i] == ',')
            i = ws(t, n, i + 1);
    }
    return *found != SIZE_MAX;
}

#define MAX_MEMBERS 512

static const lint_text *unit_text(const lint_run *run, size_t unit)
{
    return &run->texts[run->units[unit].text];
}

/* The fixable texts: files themselves, and YAML scalars decoded exactly. */
static bool fixable(const lint_text *t)
{
    return !t->map || t->style == '"' || t->style == '|';
}

static bool find_member(lint_run *run, size_t unit, const char *obj_ptr, const char *key, member *v,
                        size_t *count, size_t *k)
{
    const lint_text *t = unit_text(run, unit);
    size_t start, end;

    if (!fixable(t) || !lint_value_span(run, unit, obj_ptr, &start, &end) || t->json[start] != '{')
        return false;
    return members(t->json, t->json_len, start, key, v, MAX_MEMBERS, count, k);
}

static void removal(const member *v, size_t count, size_t k, size_t *s, size_t *e)
{
    if (k + 1 < count)
        *s = v[k].key_start, *e = v[k + 1].key_start;
    else if (k > 0)
        *s = v[k - 1].value_end, *e = v[k].value_end;
    else
        *s = v[k].key_start, *e = v[k].value_end;
}

bool lint_fix_remove(lint_run *run, size_t unit, lint_finding *f, const char *obj_ptr,
                     const char *key)
{
    member *v = malloc(MAX_MEMBERS * sizeof *v);
    size_t count, k, s, e;
    bool ok = false;

    if (v && find_member(run, unit, obj_ptr, key, v, &count, &k)) {
        removal(v, count, k, &s, &e);
        ok = lint_finding_edit(f, s, e, "");
    }
    free(v);
    return ok;
}

static char *quoted(const char *name)
{
    struct json_object *s = json_object_new_string(name);
    char *q = s ? cardc_json_dump(s, 0) : NULL;

    json_object_put(s);
    return q;
}

bool lint_fix_rename(lint_run *run, size_t unit, lint_finding *f, const char *obj_ptr,
                     const char *key, const char *name)
{
    member *v = malloc(MAX_MEMBERS * sizeof *v);
    size_t count, k;
    char *q = quoted(name);
    bool ok = false;

    if (v && q && find_member(run, unit, obj_ptr, key, v, &count, &k))
        ok = lint_finding_edit(f, v[k].key_start, v[k].key_end, q);
    free(v);
    free(q);
    return ok;
}

/* The blanks that start the line holding text[i], when only blanks precede
 * it there; *len 0 when the member does not start its own line. */
static size_t line_indent(const char *t, size_t i, size_t *len)
{
    size_t b = i;

    while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t'))
        b--;
    *len = (b > 0 && t[b - 1] == '\n') ? i - b : 0;
    return b;
}

/* The moved value re-indented from indentation `from` to `to`. */
static void reindent(strbuf *b, const char *v, size_t n, size_t from, size_t to)
{
    for (size_t i = 0; i < n; i++) {
        strbuf_add(b, &v[i], 1);
        if (v[i] != '\n')
            continue;
        size_t sp = 0;
        while (i + 1 + sp < n && v[i + 1 + sp] == ' ')
            sp++;
        if (sp >= from && from > to)
            i += from - to;
        else if (to > from)
            for (size_t k = 0; k < to - from; k++)
                strbuf_add(b, " ", 1);
    }
}

bool lint_fix_move(lint_run *run, size_t unit, lint_finding *f, const char *from_ptr,
                   const char *key, const char *to_ptr, const char *after)
{
    const lint_text *t = unit_text(run, unit);
    member *v = malloc(MAX_MEMBERS * sizeof *v), *w = malloc(MAX_MEMBERS * sizeof *w);
    size_t count, k, wcount, wk, s, e, from_ind, to_ind, at;
    strbuf b = {0};
    bool ok = false;

    if (!v || !w || !find_member(run, unit, from_ptr, key, v, &count, &k) ||
        !find_member(run, unit, to_ptr, after, w, &wcount, &wk))
        goto out;
    removal(v, count, k, &s, &e);
    line_indent(t->json, v[k].key_start, &from_ind);
    at = line_indent(t->json, w[wk].key_start, &to_ind);
    strbuf_str(&b, ",");
    if (to_ind) {
        strbuf_str(&b, "\n");
        strbuf_add(&b, t->json + at, to_ind);
    } else {
        strbuf_str(&b, " ");
    }
    strbuf_add(&b, t->json + v[k].key_start, v[k].value_start - v[k].key_start);
    reindent(&b, t->json + v[k].value_start, v[k].value_end - v[k].value_start, from_ind, to_ind);
    if (b.oom)
        goto out;
    strbuf_add(&b, "", 0);
    ok = lint_finding_edit(f, s, e, "") &&
         lint_finding_edit(f, w[wk].value_end, w[wk].value_end, b.s ? b.s : "");
out:
    cardc__strbuf_free(&b);
    free(v);
    free(w);
    return ok;
}

/* ---- writing ----------------------------------------------------------------- */

typedef struct raw_edit {
    size_t start, end;
    char *repl;
} raw_edit;

/* A replacement in the text's own style: JSON as is, YAML double-quoted
 * escaped, a literal block indented. */
static char *encode(const lint_text *t, const char *s)
{
    strbuf b = {0};

    for (; *s; s++) {
        if (t->style == '"' && (*s == '"' || *s == '\\'))
            strbuf_printf(&b, "\\%c", *s);
        else if (t->style == '"' && *s == '\n')
            strbuf_str(&b, "\\n");
        else if (t->style == '"' && (unsigned char)*s < 0x20)
            strbuf_printf(&b, "\\x%02x", (unsigned char)*s);
        else if (t->style == '|' && *s == '\n')
            strbuf_printf(&b, "\n%*s", t->indent, "");
        else
            strbuf_add(&b, s, 1);
    }
    strbuf_add(&b, "", 0);
    return cardc__strbuf_take(&b);
}

static bool overlaps(const raw_edit *a, size_t na, size_t s, size_t e)
{
    for (size_t i = 0; i < na; i++)
        if (s <= a[i].end && a[i].start <= e)
            return true;
    return false;
}

static int by_start_desc(const void *x, const void *y)
{
    const raw_edit *a = x, *b = y;

    return a->start < b->start ? 1 : a->start > b->start ? -1 : 0;
}

static cardc_status write_file(const lint_file *f, raw_edit *e, size_t n, cardc_error *err)
{
    strbuf b = {0};
    size_t at = 0;
    FILE *out;

    qsort(e, n, sizeof *e, by_start_desc);
    /* Applied from the end, so earlier offsets stay valid; written
     * start to end here by walking the edits backwards. */
    for (size_t i = n; i-- > 0;) {
        strbuf_add(&b, f->raw + at, e[i].start - at);
        strbuf_str(&b, e[i].repl);
        at = e[i].end;
    }
    strbuf_add(&b, f->raw + at, f->raw_len - at);
    if (b.oom || !(out = fopen(f->path, "wb")) || fwrite(b.s ? b.s : "", 1, b.len, out) != b.len ||
        fclose(out) != 0) {
        if (err) {
            err->code = b.oom ? CARDC_E_NOMEM : CARDC_E_IO;
            snprintf(err->source, sizeof err->source, "%s", f->path);
            snprintf(err->message, sizeof err->message, "cannot write the fixed file: %s",
                     b.oom ? "out of memory" : strerror(errno));
        }
        cardc__strbuf_free(&b);
        return b.oom ? CARDC_E_NOMEM : CARDC_E_IO;
    }
    cardc__strbuf_free(&b);
    return CARDC_OK;
}

/* The finding's edits in file offsets; false when one does not fit. */
static bool to_raw(const lint_run *run, const lint_finding *f, raw_edit *out)
{
    const lint_text *t = &run->texts[f->text];

    for (size_t i = 0; i < f->n_edits; i++) {
        const lint_edit *e = &f->edits[i];
        out[i].start = t->map ? t->map[e->start] : e->start;
        out[i].end = t->map ? t->map[e->end] : e->end;
        out[i].repl = t->map ? encode(t, e->repl) : strdup(e->repl);
        if (!out[i].repl)
            return false;
    }
    return true;
}

static cardc_status fix_file(lint_run *run, size_t file, size_t *applied, cardc_error *err)
{
    raw_edit *edits = NULL;
    size_t n = 0, cap = 0;
    cardc_status st = CARDC_OK;

    /* Standard input has no file to write back to. */
    if (strcmp(run->files[file].path, "-") == 0 || strcmp(run->files[file].path, "<stdin>") == 0)
        return CARDC_OK;

    for (size_t i = 0; i < run->n_findings && st == CARDC_OK; i++) {
        const lint_finding *f = &run->findings[i];
        raw_edit tmp[4];
        bool clash = false;
        if (!f->n_edits || f->n_edits > 4 || run->texts[f->text].file != file)
            continue;
        if (!to_raw(run, f, tmp)) {
            st = CARDC_E_NOMEM;
            for (size_t k = 0; k < f->n_edits; k++)
                free(tmp[k].repl);
            break;
        }
        for (size_t k = 0; k < f->n_edits && !clash; k++)
            clash = overlaps(edits, n, tmp[k].start, tmp[k].end);
        if (!clash && n + f->n_edits > cap) {
            raw_edit *v = realloc(edits, (cap = (n + f->n_edits) * 2) * sizeof *v);
            if (!v)
                clash = true, st = CARDC_E_NOMEM;
            else
                edits = v;
        }
        for (size_t k = 0; k < f->n_edits; k++) {
            if (clash)
                free(tmp[k].repl);
            else
                edits[n++] = tmp[k];
        }
        if (!clash)
            (*applied)++;
    }
    if (st == CARDC_OK && n)
        st = write_file(&run->files[file], edits, n, err);
    for (size_t i = 0; i < n; i++)
        free(edits[i].repl);
    free(edits);
    return st;
}

cardc_status lint_apply_fixes(lint_run *run, size_t *applied, cardc_error *err)
{
    cardc_status st = CARDC_OK;

    cardc_error_clear(err);
    *applied = 0;
    for (size_t i = 0; i < run->n_files && st == CARDC_OK; i++)
        st = fix_file(run, i, applied, err);
    return st;
}
