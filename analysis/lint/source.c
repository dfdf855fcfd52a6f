/* SPDX-License-Identifier: MIT */
/* source.c: reading cards and schemas, and mapping a schema pointer back to
 * the file, through the YAML scalar that holds a YAML card's schema text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/textpos.h"
#include "json/json_internal.h"
#include "lint_internal.h"

static void *grow(void *v, size_t n, size_t size)
{
    return realloc(v, (n + 1) * size);
}

static cardc_status nomem(cardc_error *err)
{
    if (err) {
        err->code = CARDC_E_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
    }
    return CARDC_E_NOMEM;
}

static size_t add_file(lint_run *run, const char *path, char *raw, size_t len)
{
    lint_file *v = grow(run->files, run->n_files, sizeof *v);

    if (!v)
        return SIZE_MAX;
    run->files = v;
    memset(&v[run->n_files], 0, sizeof *v);
    v[run->n_files].path = strdup(path);
    v[run->n_files].raw = raw;
    v[run->n_files].raw_len = len;
    if (!v[run->n_files].path)
        return SIZE_MAX;
    return run->n_files++;
}

static size_t add_text(lint_run *run, size_t file)
{
    lint_text *v = grow(run->texts, run->n_texts, sizeof *v);

    if (!v)
        return SIZE_MAX;
    run->texts = v;
    memset(&v[run->n_texts], 0, sizeof *v);
    v[run->n_texts].file = file;
    v[run->n_texts].json = run->files[file].raw;
    v[run->n_texts].json_len = run->files[file].raw_len;
    return run->n_texts++;
}

static bool add_unit(lint_run *run, size_t text, const char *json_prefix, const char *report_prefix,
                     const struct json_object *root, cardc_side side, bool card_side)
{
    lint_unit *v = grow(run->units, run->n_units, sizeof *v);
    lint_unit *u;

    if (!v)
        return false;
    run->units = v;
    u = &v[run->n_units++];
    memset(u, 0, sizeof *u);
    u->text = text;
    u->json_prefix = strdup(json_prefix);
    u->report_prefix = strdup(report_prefix);
    u->root = root;
    u->side = side;
    u->card_side = card_side;
    if (!u->json_prefix || !u->report_prefix)
        return false;
    lint_unit_compile(run, run->n_units - 1, NULL);
    return true;
}

/* ---- YAML scalars --------------------------------------------------------- */

typedef struct decoder {
    const char *raw;
    size_t len;
    strbuf out;
    size_t *map;
    size_t cap;
    bool oom;
} decoder;

static void put(decoder *d, const char *s, size_t n, size_t at)
{
    if (d->out.len + n + 1 > d->cap) {
        size_t cap = (d->out.len + n + 1) * 2;
        size_t *m = realloc(d->map, cap * sizeof *m);
        if (!m) {
            d->oom = true;
            return;
        }
        d->map = m;
        d->cap = cap;
    }
    for (size_t k = 0; k < n; k++)
        d->map[d->out.len + k] = at;
    strbuf_add(&d->out, s, n);
}

static void put_cp(decoder *d, unsigned long cp, size_t at)
{
    char b[4];
    size_t n;

    if (cp < 0x80)
        b[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    put(d, b, n, at);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A line break inside a flow scalar folds to a space, or to n-1 newlines
 * when n breaks (empty lines) follow each other. i is at the first break. */
static size_t fold(decoder *d, size_t i)
{
    size_t breaks = 0, br, at = i;

    while (d->out.len && is_blank(d->out.s[d->out.len - 1]))
        strbuf_truncate(&d->out, d->out.len - 1);
    while (i < d->len) {
        if ((br = cardc__line_break_len(d->raw, d->len, i, 1))) {
            breaks++;
            i += br;
        } else if (is_blank(d->raw[i])) {
            i++;
        } else {
            break;
        }
    }
    if (breaks == 1)
        put(d, " ", 1, at);
    for (size_t k = 1; k < breaks; k++)
        put(d, "\n", 1, at);
    return i;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* One escape at raw[i] == '\\'; returns the index after it, 0 when bad. */
static size_t escape(decoder *d, size_t i)
{
    static const char simple_in[] = "0abt\tnvfre \"/\\";
    static const char simple_out[] = "\0\a\b\t\t\n\v\f\r\x1b \"/\\";
    const char *p;
    size_t br, digits;
    unsigned long cp = 0;
    char c;

    if (i + 1 >= d->len)
        return 0;
    c = d->raw[i + 1];
    if ((br = cardc__line_break_len(d->raw, d->len, i + 1, 1))) {
        for (i += 1 + br; i < d->len && is_blank(d->raw[i]); i++)
            ;
        return i;
    }
    if ((p = memchr(simple_in, c, sizeof simple_in - 1))) {
        put(d, &simple_out[p - simple_in], 1, i);
        return i + 2;
    }
    if (c == 'N' || c == '_' || c == 'L' || c == 'P') {
        put_cp(d, c == 'N' ? 0x85 : c == '_' ? 0xA0 : c == 'L' ? 0x2028 : 0x2029, i);
        return i + 2;
    }
    digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (!digits || i + 2 + digits > d->len)
        return 0;
    for (size_t k = 0; k < digits; k++) {
        int h = hexval(d->raw[i + 2 + k]);
        if (h < 0)
            return 0;
        cp = cp * 16 + (unsigned long)h;
    }
    put_cp(d, cp, i);
    return i + 2 + digits;
}

static bool decode_quoted(decoder *d, size_t i, char q)
{
    for (i++; i < d->len && !d->oom;) {
        char c = d->raw[i];
        if (c == q && q == '\'' && i + 1 < d->len && d->raw[i + 1] == '\'') {
            put(d, "'", 1, i);
            i += 2;
        } else if (c == q) {
            put(d, "", 0, i); /* the map's end entry */
            return true;
        } else if (c == '\\' && q == '"') {
            if (!(i = escape(d, i)))
                return false;
        } else if (cardc__line_break_len(d->raw, d->len, i, 1)) {
            i = fold(d, i);
        } else {
            put(d, &d->raw[i], 1, i);
            i++;
        }
    }
    return false;
}

static size_t spaces_at(const decoder *d, size_t i)
{
    size_t n = 0;

    while (i + n < d->len && d->raw[i + n] == ' ')
        n++;
    return n;
}

/* A literal block "|" (clip, "|-" strip, "|+" keep); the schema texts of the
 * seed card's family. Sets *indent. */
static bool decode_literal(decoder *d, size_t i, int *indent)
{
    char chomp = 0;
    size_t ind = 0, br, trailing = 0;

    for (i++; i < d->len && (d->raw[i] == '-' || d->raw[i] == '+'); i++)
        chomp = d->raw[i];
    while (i < d->len && is_blank(d->raw[i]))
        i++;
    if (!(br = cardc__line_break_len(d->raw, d->len, i, 1)))
        return false; /* an indentation indicator or a comment: not guessed */
    i += br;
    while (i < d->len) {
        size_t sp = spaces_at(d, i), lb = cardc__line_break_len(d->raw, d->len, i + sp, 1);
        if (lb || i + sp >= d->len) { /* an empty line */
            put(d, "\n", 1, i + sp);
            trailing++;
            i += sp + lb;
            if (!lb)
                break;
            continue;
        }
        if (!ind)
            ind = sp;
        if (sp < ind)
            break;
        trailing = 0;
        for (i += ind; i < d->len && !(lb = cardc__line_break_len(d->raw, d->len, i, 1)); i++)
            put(d, &d->raw[i], 1, i);
        put(d, "\n", 1, i);
        trailing = 1;
        i += lb;
        if (!lb)
            break;
    }
    if (chomp != '+') {
        size_t keep = chomp == '-' ? 0 : (trailing ? 1 : 0);
        while (d->out.len && d->out.s[d->out.len - 1] == '\n' && trailing > keep) {
            strbuf_truncate(&d->out, d->out.len - 1);
            trailing--;
        }
    }
    put(d, "", 0, i);
    *indent = (int)ind;
    return true;
}

/* Byte offset of 1-based line/column (code points) in raw. */
static size_t offset_of(const char *raw, size_t len, int line, int column)
{
    size_t i = 0, br;

    for (int l = 1; l < line && i < len;) {
        if ((br = cardc__line_break_len(raw, len, i, 1))) {
            i += br;
            l++;
        } else {
            i++;
        }
    }
    for (int c = 1; c < column && i < len; c++)
        for (i++; i < len && ((unsigned char)raw[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

/* The side's schema text: decoded from the file so every byte has its
 * place; when that does not reproduce what the loader read (a style not
 * handled here), the loader's string with every byte at the scalar start. */
static bool yaml_text(lint_run *run, size_t file, cardc_side side, lint_text *t)
{
    const lint_file *f = &run->files[file];
    const struct json_object *doc = cardc_card_document(f->card), *js, *s;
    decoder d = {f->raw, f->raw_len, {0}, NULL, 0, false};
    int line = 0, col = 0, indent = 0;
    size_t at;
    bool ok = false;

    cardc_card_schema_position(f->card, side, &line, &col);
    at = offset_of(f->raw, f->raw_len, line, col);
    if (!json_object_object_get_ex(doc, "json_schema", (struct json_object **)&js) ||
        !json_object_object_get_ex(js, side ? "output" : "input", (struct json_object **)&s))
        return false;
    if (at < f->raw_len && (f->raw[at] == '"' || f->raw[at] == '\''))
        ok = decode_quoted(&d, at, f->raw[at]);
    else if (at < f->raw_len && f->raw[at] == '|')
        ok = decode_literal(&d, at, &indent);
    if (ok && !d.oom && d.out.len == (size_t)json_object_get_string_len((struct json_object *)s) &&
        memcmp(d.out.s, json_object_get_string((struct json_object *)s), d.out.len) == 0) {
        t->style = f->raw[at];
        t->indent = indent;
    } else {
        size_t n = (size_t)json_object_get_string_len((struct json_object *)s);
        cardc__strbuf_free(&d.out);
        free(d.map);
        d.out = (strbuf){0};
        d.map = malloc((n + 1) * sizeof *d.map);
        if (!d.map)
            return false;
        strbuf_add(&d.out, json_object_get_string((struct json_object *)s), n);
        for (size_t k = 0; k <= n; k++)
            d.map[k] = at;
        t->style = 0; /* no fixes: the bytes have no place of their own */
    }
    t->json_len = d.out.len;
    t->owned = cardc__strbuf_take(&d.out);
    t->json = t->owned ? t->owned : "";
    t->map = d.map;
    return t->owned != NULL || t->json_len == 0;
}

cardc_status lint_source_card(lint_run *run, const char *path, cardc_error *err)
{
    static const char *const sides[2] = {"input", "output"};
    char *raw = NULL;
    size_t len = 0, file, text = SIZE_MAX;
    cardc_card *card = NULL;
    cardc_status st;

    cardc_error_clear(err);
    if ((st = cardc_read_file(path, &raw, &len, err)) != CARDC_OK)
        return st;
    if ((st = cardc_card_load_mem(raw, len, path, NULL, &card, err)) != CARDC_OK) {
        free(raw);
        return st;
    }
    if ((file = add_file(run, path, raw, len)) == SIZE_MAX) {
        free(raw);
        cardc_card_free(card);
        return nomem(err);
    }
    run->files[file].card = card;
    run->files[file].yaml = cardc_card_get_format(card) != CARDC_CARD_JSON;
    for (int side = 0; side < 2; side++) {
        const struct json_object *schema;
        char prefix[32];
        if (cardc_card_schema(card, (cardc_side)side, &schema, NULL) != CARDC_OK)
            continue;
        if (!run->files[file].yaml) {
            snprintf(prefix, sizeof prefix, "/schema/%s", sides[side]);
            if (text == SIZE_MAX && (text = add_text(run, file)) == SIZE_MAX)
                return nomem(err);
            if (!add_unit(run, text, prefix, prefix, schema, (cardc_side)side, true))
                return nomem(err);
            continue;
        }
        snprintf(prefix, sizeof prefix, "/json_schema/%s", sides[side]);
        size_t t = add_text(run, file);
        if (t == SIZE_MAX || !yaml_text(run, file, (cardc_side)side, &run->texts[t]) ||
            !add_unit(run, t, "", prefix, schema, (cardc_side)side, true))
            return nomem(err);
    }
    return CARDC_OK;
}

cardc_status lint_source_schema(lint_run *run, const char *path, cardc_error *err)
{
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    struct json_object *doc = NULL;
    char *raw = NULL;
    size_t len = 0, file, text;
    cardc_status st;

    cardc_error_clear(err);
    if ((st = cardc_read_file(path, &raw, &len, err)) != CARDC_OK)
        return st;
    if ((st = cardc_json_parse(raw, len, name, 0, &doc, err)) != CARDC_OK) {
        free(raw);
        return st;
    }
    if ((file = add_file(run, name, raw, len)) == SIZE_MAX) {
        free(raw);
        json_object_put(doc);
        return nomem(err);
    }
    run->files[file].doc = doc;
    if ((text = add_text(run, file)) == SIZE_MAX ||
        !add_unit(run, text, "", "", doc, CARDC_SIDE_INPUT, false))
        return nomem(err);
    return CARDC_OK;
}

static char *text_pointer(const lint_run *run, size_t unit, const char *ptr)
{
    const lint_unit *u = &run->units[unit];
    size_t n = strlen(u->json_prefix) + strlen(ptr) + 1;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "%s%s", u->json_prefix, ptr);
    return s;
}

void lint_position(const lint_run *run, size_t unit, const char *ptr, int *line, int *column)
{
    const lint_text *t = &run->texts[run->units[unit].text];
    const lint_file *f = &run->files[t->file];
    char *p = text_pointer(run, unit, ptr);
    size_t off = 0;

    *line = *column = 0;
    if (!p)
        return;
    cardc__json_locate(t->json, t->json_len, p, &off);
    free(p);
    if (t->map)
        off = t->map[off < t->json_len ? off : t->json_len];
    cardc__text_position(f->raw, f->raw_len, off, f->yaml, line, column);
}

/* Moves past one JSON value at text[i]; SIZE_MAX when malformed. */
static size_t skip_value(const char *t, size_t n, size_t i)
{
    size_t depth = 0;
    bool in_string = false;

    if (i >= n)
        return SIZE_MAX;
    if (t[i] != '{' && t[i] != '[' && t[i] != '"') {
        while (i < n && !strchr(" \t\r\n,]}:", t[i]))
            i++;
        return i;
    }
    for (; i < n; i++) {
        char c = t[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"') {
                in_string = false;
                if (depth == 0)
                    return i + 1;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return SIZE_MAX;
}

bool lint_value_span(const lint_run *run, size_t unit, const char *ptr, size_t *start, size_t *end)
{
    const lint_text *t = &run->texts[run->units[unit].text];
    char *p = text_pointer(run, unit, ptr);
    int found;

    if (!p)
        return false;
    found = cardc__json_locate(t->json, t->json_len, p, start);
    free(p);
    if (!found)
        return false;
    *end = skip_value(t->json, t->json_len, *start);
    return *end != SIZE_MAX;
}

void lint_sources_free(lint_run *run)
{
    for (size_t i = 0; i < run->n_units; i++) {
        free(run->units[i].json_prefix);
        free(run->units[i].report_prefix);
        cardc_registry_free(run->units[i].registry);
    }
    for (size_t i = 0; i < run->n_texts; i++) {
        free(run->texts[i].owned);
        free(run->texts[i].map);
    }
    for (size_t i = 0; i < run->n_files; i++) {
        free(run->files[i].path);
        free(run->files[i].raw);
        cardc_card_free(run->files[i].card);
        json_object_put(run->files[i].doc);
    }
    free(run->units);
    free(run->texts);
    free(run->files);
}
