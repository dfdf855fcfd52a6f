/* SPDX-License-Identifier: MIT */
/* NAME.c: embedded schemas, descriptors, the enum and map helpers, the
 * model. Data only, as far as C allows: the typed wrappers are static
 * inline in NAME.h, and the engine in libcardc does the work. Every
 * initializer names only the members that are not zero. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Enumerator names, from bind.h's lists. */
static const char *kind_name(cardc_kind k)
{
    static const char *const names[] = {
#define X(e, value, c) [value] = #e,
        CARDC_KIND_LIST(X)
#undef X
    };
    return (size_t)k < sizeof names / sizeof names[0] && names[k] ? names[k] : "0";
}

static const char *op_name(cardc_check_op op)
{
    static const char *const names[] = {
#define X(e, value, keyword) [value] = #e,
        CARDC_CHECK_OP_LIST(X)
#undef X
    };
    return (size_t)op < sizeof names / sizeof names[0] && names[op] ? names[op] : "0";
}

static const char *dialect_name(cardc_dialect d)
{
    switch (d) {
    case CARDC_DIALECT_DRAFT4: return "CARDC_DIALECT_DRAFT4";
    case CARDC_DIALECT_DRAFT6: return "CARDC_DIALECT_DRAFT6";
    case CARDC_DIALECT_DRAFT7: return "CARDC_DIALECT_DRAFT7";
    case CARDC_DIALECT_2019_09: return "CARDC_DIALECT_2019_09";
    case CARDC_DIALECT_2020_12: return "CARDC_DIALECT_2020_12";
    default: return NULL; /* CARDC_DIALECT_AUTO: zero, left out */
    }
}

/* ---- Initializers packed into lines ----------------------------------- */

/* The members of one initializer, joined with ", " and wrapped before
 * column 100; continuation lines start with indent. */
typedef struct pack {
    strbuf *b;
    const char *indent;
    size_t line_start; /* offset in b of the current line */
    int items;
} pack;

static void pack_start(pack *p, strbuf *b, const char *indent)
{
    p->b = b;
    p->indent = indent;
    p->line_start = b->len;
    while (p->line_start > 0 && b->s && b->s[p->line_start - 1] != '\n')
        p->line_start--;
    p->items = 0;
}

static void pack_add(pack *p, const strbuf *item)
{
    const char *text = item->s ? item->s : "";

    if (item->oom)
        p->b->oom = 1;
    if (p->items && p->b->len - p->line_start + 2 + item->len + 2 > 100) {
        strbuf_printf(p->b, ",\n%s", p->indent);
        p->line_start = p->b->len - strlen(p->indent);
    } else if (p->items) {
        strbuf_str(p->b, ", ");
    }
    strbuf_add(p->b, text, item->len);
    p->items++;
}

static void pack_printf(pack *p, const char *fmt, ...) CARDC_PRINTF_(2, 3);

static void pack_printf(pack *p, const char *fmt, ...)
{
    char small[256], *text = small;
    strbuf item = {0};
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof small) {
        if (!(text = malloc((size_t)n + 1))) {
            p->b->oom = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(text, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    strbuf_add(&item, text, (size_t)n);
    pack_add(p, &item);
    cardc__strbuf_free(&item);
    if (text != small)
        free(text);
}

/* A number as C source that reads back as the same double. */
static void number(strbuf *b, double d)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    for (int prec = 1; prec < 17; prec++) {
        char t[64];
        snprintf(t, sizeof t, "%.*g", prec, d);
        if (strtod(t, NULL) == d) {
            snprintf(buf, sizeof buf, "%s", t);
            break;
        }
    }
    strbuf_str(b, buf);
    if (!strpbrk(buf, ".eEn"))
        strbuf_str(b, ".0");
}

/* ---- Texts too long for one literal ----------------------------------- */

/* Descriptor texts (defaults, const, enum, pattern, property names) past
 * GEN_PIECE_MAX cannot be one string literal, and the engine reads them as
 * one string: they go into a char array, one element per byte. Rare in
 * cards; schema documents are split into pieces instead (bind.h). */
static void char_elements(strbuf *b, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        strbuf_str(b, i % 12 == 0 ? "\n    " : " ");
        if (c == '\'' || c == '\\')
            strbuf_printf(b, "'\\%c',", c);
        else if (c >= 0x20 && c < 0x7F && c != '?')
            strbuf_printf(b, "'%c',", c);
        else
            strbuf_printf(b, "'\\%03o',", c);
    }
}

/* The long texts of one descriptor, packed NUL-separated into one array
 * STEM_texts and referred to by offset. Looked up by address: each text is
 * one heap string of the IR. */
typedef struct long_texts {
    const char *text[64];
    size_t offset[64];
    size_t n, size;
    const char *stem;
} long_texts;

static void long_add(strbuf *b, long_texts *lt, const char *text, size_t len)
{
    if (!text || len <= GEN_PIECE_MAX)
        return;
    for (size_t i = 0; i < lt->n; i++)
        if (lt->text[i] == text)
            return;
    if (lt->n == sizeof lt->text / sizeof lt->text[0])
        return; /* never in practice; the text then stays a (long) literal */
    if (!lt->n)
        strbuf_printf(b,
                      "/* Texts too long for a string literal, NUL-separated. */\n"
                      "static const char %s_texts[] = {",
                      lt->stem);
    lt->text[lt->n] = text;
    lt->offset[lt->n++] = lt->size;
    char_elements(b, text, len + 1);
    lt->size += len + 1;
}

/* A text as C: STEM_texts + OFFSET when long, else a string literal. */
static void text_ref(strbuf *b, const long_texts *lt, const char *text, size_t len)
{
    for (size_t i = 0; lt && i < lt->n; i++)
        if (lt->text[i] == text) {
            strbuf_printf(b, "%s_texts + %zu", lt->stem, lt->offset[i]);
            return;
        }
    gen_c_string(b, text, len);
}

/* `.member = text` into the pack, unless text is NULL. */
static void pack_text(pack *p, const char *member, const long_texts *lt, const char *text,
                      size_t len)
{
    strbuf item = {0};

    if (!text)
        return;
    strbuf_printf(&item, ".%s = ", member);
    text_ref(&item, lt, text, len);
    pack_add(p, &item);
    cardc__strbuf_free(&item);
}

static void pack_str(pack *p, const char *member, const long_texts *lt, const char *text)
{
    pack_text(p, member, lt, text, text ? strlen(text) : 0);
}

/* Texts too long for one literal, pooled before the tables that use them. */
static void emit_long_texts(strbuf *b, long_texts *lt, const gen_type *t)
{
    memset(lt, 0, sizeof *lt);
    lt->stem = t->name;
    for (size_t i = 0; i < t->check_count; i++) {
        long_add(b, lt, t->checks[i].text, t->checks[i].text ? strlen(t->checks[i].text) : 0);
        long_add(b, lt, t->checks[i].keyword,
                 t->checks[i].keyword ? strlen(t->checks[i].keyword) : 0);
    }
    for (size_t i = 0; t->kind == CARDC_KIND_OBJECT && i < t->field_count; i++) {
        const gen_field *f = &t->fields[i];
        long_add(b, lt, f->json_name, f->json_name_len);
        long_add(b, lt, f->default_json, f->default_json ? strlen(f->default_json) : 0);
    }
    for (size_t i = 0; t->kind == CARDC_KIND_ENUM && i < t->enum_count; i++)
        long_add(b, lt, t->enum_values[i], strlen(t->enum_values[i]));
    if (t->pointer)
        long_add(b, lt, t->pointer, strlen(t->pointer));
    if (lt->n)
        strbuf_str(b, "\n};\n");
}

/* ---- Schemas ----------------------------------------------------------- */

/* The documents the side's schema reached, registered by the engine before
 * it compiles the schema: every document's pieces in one array (each list
 * NULL-terminated, in the compiled schema's document order), then the
 * table pointing into it. */
static void emit_resources(strbuf *b, const gen_model *m, int side)
{
    const gen_side *sd = &m->sides[side];
    const char *which = side ? "output" : "input";
    size_t *starts = calloc(sd->resource_count ? sd->resource_count : 1, sizeof *starts);
    size_t at = 0;

    if (!starts) {
        b->oom = 1;
        return;
    }
    strbuf_printf(b,
                  "/* The %zu other document%s the %s schema reached (\"$ref\", \"$schema\"),\n"
                  " * compact JSON, each in pieces ending with NULL. */\n"
                  "static const char *const %s_%s_resource_json[] = {\n",
                  sd->resource_count, sd->resource_count == 1 ? "" : "s", which, m->c_name, which);
    for (size_t i = 0; i < sd->resource_count; i++) {
        const char *json = sd->resource_jsons[i];
        starts[i] = at;
        at += gen_c_string_pieces(b, json, strlen(json), "    ") + 1; /* and the NULL */
        strbuf_str(b, ",\n");
    }
    strbuf_str(b, "};\n");
    strbuf_printf(b, "static const cardc_resource_text %s_%s_resources[] = {\n", m->c_name, which);
    for (size_t i = 0; i < sd->resource_count; i++) {
        strbuf_str(b, "    {.uri = ");
        gen_c_string(b, sd->resource_uris[i], strlen(sd->resource_uris[i]));
        strbuf_printf(b, ", .json_parts = %s_%s_resource_json + %zu},\n", m->c_name, which,
                      starts[i]);
    }
    strbuf_str(b, "};\n");
    free(starts);
}

static void emit_schema_text(strbuf *b, const gen_model *m, int side)
{
    const gen_side *sd = &m->sides[side];
    const char *which = side ? "output" : "input", *dialect = dialect_name(m->dialect);
    size_t len = strlen(sd->json);
    pack p;

    if (sd->resource_count)
        emit_resources(b, m, side);
    strbuf_printf(b,
                  "/* The %s schema, compact JSON (%zu bytes): what the validator checks\n"
                  " * (residual keywords, diagnostics). */\n"
                  "static const char *const %s_%s_schema_json[] = {\n",
                  which, len, m->c_name, which);
    gen_c_string_pieces(b, sd->json, len, "    ");
    strbuf_printf(b, "};\nstatic const cardc_schema_text %s_%s_schema = {\n    ", m->c_name, which);
    pack_start(&p, b, "    ");
    pack_printf(&p, ".json_parts = %s_%s_schema_json", m->c_name, which);
    pack_str(&p, "source", NULL, sd->source);
    if (dialect)
        pack_printf(&p, ".dialect = %s", dialect);
    if (m->schema_flags & CARDC_SCHEMA_ASSERT_FORMAT)
        pack_printf(&p, ".schema_flags = CARDC_SCHEMA_ASSERT_FORMAT");
    if (sd->resource_count) {
        pack_printf(&p, ".resources = %s_%s_resources", m->c_name, which);
        pack_printf(&p, ".resource_count = %zu", sd->resource_count);
    }
    strbuf_str(b, "};\n\n");
}

/* ---- Descriptors ------------------------------------------------------- */

static void emit_checks(strbuf *b, const long_texts *lt, const gen_type *t)
{
    size_t off = 0, nfields = 0;

    for (size_t i = 0; i < t->check_count; i++)
        nfields += t->checks[i].field_count;
    if (nfields) {
        pack p;
        strbuf_printf(b, "static const uint16_t %s_checkfields[] = {", t->name);
        pack_start(&p, b, "    ");
        for (size_t i = 0; i < t->check_count; i++)
            for (size_t k = 0; k < t->checks[i].field_count; k++)
                pack_printf(&p, "%u", (unsigned)t->checks[i].fields[k]);
        strbuf_str(b, "};\n");
    }
    if (!t->check_count)
        return;
    strbuf_printf(b, "static const cardc_check %s_checks[] = {\n", t->name);
    for (size_t i = 0; i < t->check_count; i++) {
        const gen_check *c = &t->checks[i];
        strbuf item = {0};
        pack p;
        strbuf_str(b, "    {");
        pack_start(&p, b, "     ");
        pack_printf(&p, ".op = %s", op_name(c->op));
        switch (c->op) {
        case CARDC_CHECK_MINIMUM:
        case CARDC_CHECK_EXCLUSIVE_MINIMUM:
        case CARDC_CHECK_MAXIMUM:
        case CARDC_CHECK_EXCLUSIVE_MAXIMUM:
            strbuf_str(&item, ".number = ");
            number(&item, c->number);
            pack_add(&p, &item);
            cardc__strbuf_free(&item);
            break;
        case CARDC_CHECK_MIN_LENGTH:
        case CARDC_CHECK_MAX_LENGTH:
        case CARDC_CHECK_MIN_ITEMS:
        case CARDC_CHECK_MAX_ITEMS:
        case CARDC_CHECK_MIN_PROPERTIES:
        case CARDC_CHECK_MAX_PROPERTIES:
            if (c->count)
                pack_printf(&p, ".count = %zu", c->count);
            break;
        default: break;
        }
        pack_str(&p, "text", lt, c->text);
        if (c->field_count) {
            if (off)
                pack_printf(&p, ".fields = %s_checkfields + %zu", t->name, off);
            else
                pack_printf(&p, ".fields = %s_checkfields", t->name);
            pack_printf(&p, ".field_count = %zu", c->field_count);
            off += c->field_count;
        }
        pack_str(&p, "keyword", lt, c->keyword);
        strbuf_str(b, "},\n");
    }
    strbuf_str(b, "};\n");
}

static void emit_fields(strbuf *b, const long_texts *lt, const gen_type *t)
{
    if (t->kind != CARDC_KIND_OBJECT || !t->field_count)
        return;
    strbuf_printf(b, "static const cardc_field %s_fields[] = {\n", t->name);
    for (size_t i = 0; i < t->field_count; i++) {
        const gen_field *f = &t->fields[i];
        pack p;
        strbuf_str(b, "    {");
        pack_start(&p, b, "     ");
        pack_text(&p, "json_name", lt, f->json_name, f->json_name_len);
        pack_printf(&p, ".json_name_len = %zu", f->json_name_len);
        if (f->type)
            pack_printf(&p, ".type = &%s_type", f->type->name);
        if (f->type && f->type->kind != CARDC_KIND_NULL)
            pack_printf(&p, ".offset = offsetof(%s, %s)", t->name, f->c_name);
        if (f->required)
            pack_printf(&p, ".required = true");
        else
            pack_printf(&p, ".has_offset = offsetof(%s, has_%s)", t->name, f->c_name);
        if (f->nullable) {
            pack_printf(&p, ".nullable = true");
            pack_printf(&p, ".null_offset = offsetof(%s, %s_is_null)", t->name, f->c_name);
        }
        pack_str(&p, "default_json", lt, f->default_json);
        strbuf_str(b, "},\n");
    }
    strbuf_str(b, "};\n");
}

/* A union's branches and an enum's values. */
static void emit_branches_values(strbuf *b, const long_texts *lt, const gen_type *t)
{
    if (t->kind == CARDC_KIND_UNION && t->branch_count) {
        strbuf_printf(b, "static const cardc_branch %s_branches[] = {\n", t->name);
        for (size_t i = 0; i < t->branch_count; i++) {
            strbuf_str(b, "    {.name = ");
            gen_c_string(b, t->branches[i].name, strlen(t->branches[i].name));
            if (t->branches[i].type)
                strbuf_printf(b, ", .type = &%s_type", t->branches[i].type->name);
            strbuf_str(b, "},\n");
        }
        strbuf_str(b, "};\n");
    }
    if (t->kind == CARDC_KIND_ENUM && t->enum_count) {
        pack p;
        strbuf_printf(b, "static const char *const %s_values[] = {\n    ", t->name);
        pack_start(&p, b, "    ");
        for (size_t i = 0; i < t->enum_count; i++) {
            strbuf item = {0};
            text_ref(&item, lt, t->enum_values[i], strlen(t->enum_values[i]));
            pack_add(&p, &item);
            cardc__strbuf_free(&item);
        }
        strbuf_str(b, "};\n");
    }
}

static void emit_type(strbuf *b, const gen_model *m, const long_texts *lt, const gen_type *t)
{
    static const struct {
        unsigned bit;
        const char *name;
    } flag_names[] = {
        {CARDC_TYPE_NULLABLE, "CARDC_TYPE_NULLABLE"},
        {CARDC_TYPE_CLOSED, "CARDC_TYPE_CLOSED"},
        {CARDC_TYPE_ONE_OF, "CARDC_TYPE_ONE_OF"},
        {CARDC_TYPE_BYTE_ARRAY, "CARDC_TYPE_BYTE_ARRAY"},
        {CARDC_TYPE_RESIDUAL, "CARDC_TYPE_RESIDUAL"},
    };
    const char *ct = gen_c_type(t);
    strbuf flags = {0};
    pack p;

    strbuf_printf(b, "%sconst cardc_type %s_type = {\n    ", t->named ? "" : "static ", t->name);
    pack_start(&p, b, "    ");
    pack_printf(&p, ".kind = %s", kind_name(t->kind));
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (t->flags & flag_names[i].bit)
            strbuf_printf(&flags, "%s%s", flags.len ? " | " : ".flags = ", flag_names[i].name);
    if (flags.len || flags.oom)
        pack_add(&p, &flags); /* passes an allocation failure on to b */
    cardc__strbuf_free(&flags);
    if (ct)
        pack_printf(&p, ".size = sizeof(%s)", ct);
    pack_str(&p, "c_name", NULL, t->name);
    pack_str(&p, "pointer", lt, t->pointer);
    if (t->check_count) {
        pack_printf(&p, ".checks = %s_checks", t->name);
        pack_printf(&p, ".check_count = %zu", t->check_count);
    }
    if (t->kind == CARDC_KIND_OBJECT && t->field_count) {
        pack_printf(&p, ".fields = %s_fields", t->name);
        pack_printf(&p, ".field_count = %zu", t->field_count);
    }
    if (t->item)
        pack_printf(&p, ".item = &%s_type", t->item->name);
    if (t->kind == CARDC_KIND_MAP) {
        pack_printf(&p, ".entry_size = sizeof(%s_entry)", t->name);
        pack_printf(&p, ".entry_value_offset = offsetof(%s_entry, value)", t->name);
    }
    if (t->kind == CARDC_KIND_UNION) {
        if (t->branch_count) {
            pack_printf(&p, ".branches = %s_branches", t->name);
            pack_printf(&p, ".branch_count = %zu", t->branch_count);
        }
        pack_printf(&p, ".union_offset = offsetof(%s, u)", t->name);
    }
    if (t->kind == CARDC_KIND_ENUM && t->enum_count) {
        pack_printf(&p, ".enum_values = %s_values", t->name);
        pack_printf(&p, ".enum_count = %zu", t->enum_count);
    }
    if (t->additional_member) {
        /* a typed map of the unnamed members, or the untyped JSON ones */
        pack_printf(&p, ".additional = &%s_type",
                    t->additional ? t->additional->name : "cardc_members");
        pack_printf(&p, ".additional_offset = offsetof(%s, %s)", t->name, t->additional_member);
    }
    pack_printf(&p, ".schema = &%s_%s_schema", m->c_name, t->side ? "output" : "input");
    strbuf_str(b, "};\n\n");
}

static void emit_descriptor(strbuf *b, gen_model *m, gen_type *t)
{
    long_texts lt;

    emit_long_texts(b, &lt, t);
    emit_checks(b, &lt, t);
    emit_fields(b, &lt, t);
    emit_branches_values(b, &lt, t);
    emit_type(b, m, &lt, t);
}

/* Dependencies first: a descriptor refers to those of its members. */
static void emit_desc_deps(strbuf *b, gen_model *m, gen_type *t)
{
    if (!t || t->emitted || t->declared)
        return;
    t->declared = true;
    if (t->item)
        emit_desc_deps(b, m, t->item);
    for (size_t i = 0; i < t->field_count; i++)
        emit_desc_deps(b, m, t->fields[i].type);
    emit_desc_deps(b, m, t->additional);
    for (size_t i = 0; i < t->branch_count; i++)
        emit_desc_deps(b, m, t->branches[i].type);
    emit_descriptor(b, m, t);
    t->emitted = true;
}

/* ---- Functions that need the tables ------------------------------------ */

static void emit_helpers(strbuf *b, const gen_type *t)
{
    const char *n = t->name;

    if (t->kind == CARDC_KIND_ENUM) {
        strbuf_printf(b,
                      "const char *%s_to_string(%s value)\n{\n"
                      "    size_t i = (size_t)value;\n"
                      "    return i >= 1 && i <= %zu ? %s_values[i - 1] : NULL;\n}\n\n",
                      n, n, t->enum_count, n);
        strbuf_printf(
            b,
            "%s %s_from_string(const char *text, size_t len)\n{\n"
            "    for (size_t i = 0; text && i < %zu; i++)\n"
            "        if (strlen(%s_values[i]) == len && memcmp(%s_values[i], text, len) == 0)\n"
            "            return (%s)(i + 1);\n"
            "    return %s;\n}\n\n",
            n, n, t->enum_count, n, n, n, t->enum_consts[0]);
    }
    if (t->kind == CARDC_KIND_MAP && t->item && t->item->kind != CARDC_KIND_NULL) {
        gen_line(b, "const %s *%s_get(const %s *map, const char *key)", gen_c_type(t->item), n, n);
        strbuf_printf(b, "{\n    size_t key_len = key ? strlen(key) : 0;\n\n"
                         "    for (size_t i = 0; map && key && i < map->count; i++)\n"
                         "        if (map->items[i].key.len == key_len &&\n"
                         "            memcmp(map->items[i].key.data, key, key_len) == 0)\n"
                         "            return &map->items[i].value;\n"
                         "    return NULL;\n}\n\n");
    }
}

static bool has_helpers(const gen_model *m)
{
    for (size_t i = 0; i < m->type_count; i++) {
        const gen_type *t = m->types[i];
        if (t->named && (t->kind == CARDC_KIND_ENUM || (t->kind == CARDC_KIND_MAP && t->item &&
                                                        t->item->kind != CARDC_KIND_NULL)))
            return true;
    }
    return false;
}

/* ---- The model ----------------------------------------------------------- */

static void emit_side(strbuf *b, const gen_model *m, int side)
{
    const gen_side *sd = &m->sides[side];
    const gen_type *t = sd->root;
    pack p;

    if (!t) {
        strbuf_printf(b, "    /* no .%s: %s */\n", side ? "output" : "input",
                      m->schema_mode ? "a plain schema has one side"
                                     : "the card has no schema for this side");
        return;
    }
    strbuf_printf(b, "    .%s = {", side ? "output" : "input");
    pack_start(&p, b, "        ");
    pack_printf(&p, ".type = &%s_type", t->name);
    pack_printf(&p, ".size = sizeof(%s)", t->name);
    pack_str(&p, "content_type", NULL, sd->content_type);
    strbuf_str(b, "},\n");
}

static void emit_model(strbuf *b, const gen_model *m)
{
    pack p;

    strbuf_printf(b, "const cardc_model %s_model = {\n    ", m->c_name);
    pack_start(&p, b, "    ");
    pack_str(&p, "name", NULL, m->model_name);
    pack_str(&p, "c_name", NULL, m->c_name);
    pack_str(&p, "task_name", NULL, m->task_name);
    pack_str(&p, "task_type", NULL, m->task_type);
    pack_str(&p, "card", NULL, m->card_label);
    /* the card's traits, when it states them (zero otherwise) */
    if (m->context_window)
        pack_printf(&p, ".context_window = %lld", m->context_window);
    if (m->async_queue)
        pack_printf(&p, ".async_queue = true");
    strbuf_str(b, ",\n");
    if (m->description) {
        /* At most 2000 bytes: ISO C's literal limit is 4095 characters. */
        strbuf_str(b, "    .description = ");
        gen_c_string_wrapped(b, m->description,
                             strlen(m->description) > 2000 ? 2000 : strlen(m->description),
                             "        ");
        strbuf_str(b, ",\n");
    }
    emit_side(b, m, 0);
    emit_side(b, m, 1);
    strbuf_str(b, "};\n");
}

void gen_emit_source(strbuf *b, gen_model *m)
{
    int any_enum = 0;

    for (size_t i = 0; i < m->type_count; i++)
        m->types[i]->emitted = m->types[i]->declared = false;
    strbuf_printf(b, "/* %s.c - C bindings for the model ", m->file_stem);
    gen_comment_inline(b, m->model_name ? m->model_name : m->c_name);
    strbuf_str(b, ".\n *\n * Generated by " GEN_VERSION " from ");
    gen_comment_inline(b, m->card_label);
    strbuf_str(b, ".\n * Do not edit: regenerate it with `cardc gen`. The engine in libcardc\n"
                  " * (cardc/bind.h) does the work; this file describes the types to it.\n */\n");
    strbuf_printf(b, "#include \"%s.h\"\n\n", m->file_stem);
    if (has_helpers(m))
        strbuf_str(b, "#include <string.h>\n\n");

    for (size_t i = 0; i < m->type_count; i++) {
        gen_type *t = m->types[i];
        const char *e = t->kind == CARDC_KIND_ENUM && t->named ? t->name
                        : t->kind == CARDC_KIND_UNION          ? t->kind_enum
                                                               : NULL;
        if (!e)
            continue;
        if (!any_enum++)
            strbuf_str(b, "/* The engine stores enums and union kinds as int. */\n");
        gen_line(b, "_Static_assert(sizeof(%s) == sizeof(int), \"%s must be int-sized\");", e, e);
    }
    if (any_enum)
        strbuf_str(b, "\n");

    strbuf_str(b,
               "/* ---- Schemas -------------------------------------------------------- */\n\n");
    for (int s = 0; s < 2; s++)
        if (m->sides[s].root)
            emit_schema_text(b, m, s);

    strbuf_str(b,
               "/* ---- Descriptors ---------------------------------------------------- */\n\n");
    for (int s = 0; s < 2; s++)
        if (m->sides[s].root)
            emit_desc_deps(b, m, m->sides[s].root);
    for (size_t i = 0; i < m->type_count; i++)
        emit_desc_deps(b, m, m->types[i]);

    if (has_helpers(m)) {
        strbuf_str(
            b, "/* ---- Functions ------------------------------------------------------ */\n\n");
        for (size_t i = 0; i < m->type_count; i++)
            if (m->types[i]->named)
                emit_helpers(b, m->types[i]);
    }

    strbuf_str(b,
               "/* ---- Model ---------------------------------------------------------- */\n\n");
    emit_model(b, m);
}
