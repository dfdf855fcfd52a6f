/* NAME.c: embedded schemas, descriptors, the typed wrappers, the model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char *kind_name(cardc_kind k)
{
    static const char *const names[] = {
        "0",
        "CARDC_KIND_NULL",
        "CARDC_KIND_BOOL",
        "CARDC_KIND_INT",
        "CARDC_KIND_NUMBER",
        "CARDC_KIND_STRING",
        "CARDC_KIND_ENUM",
        "CARDC_KIND_BYTES",
        "CARDC_KIND_NUMBERS",
        "CARDC_KIND_ARRAY",
        "CARDC_KIND_OBJECT",
        "CARDC_KIND_MAP",
        "CARDC_KIND_UNION",
        "CARDC_KIND_JSON",
    };
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "0";
}

static const char *op_name(cardc_check_op op)
{
    static const char *const names[] = {
        "0",
        "CARDC_CHECK_MINIMUM",
        "CARDC_CHECK_EXCLUSIVE_MINIMUM",
        "CARDC_CHECK_MAXIMUM",
        "CARDC_CHECK_EXCLUSIVE_MAXIMUM",
        "CARDC_CHECK_MULTIPLE_OF",
        "CARDC_CHECK_MIN_LENGTH",
        "CARDC_CHECK_MAX_LENGTH",
        "CARDC_CHECK_PATTERN",
        "CARDC_CHECK_FORMAT",
        "CARDC_CHECK_MIN_ITEMS",
        "CARDC_CHECK_MAX_ITEMS",
        "CARDC_CHECK_UNIQUE_ITEMS",
        "CARDC_CHECK_MIN_PROPERTIES",
        "CARDC_CHECK_MAX_PROPERTIES",
        "CARDC_CHECK_CONST",
        "CARDC_CHECK_ENUM",
        "CARDC_CHECK_NOT_ALL_PRESENT",
        "CARDC_CHECK_DEPENDENT_REQUIRED",
    };
    return (size_t)op < sizeof names / sizeof names[0] ? names[op] : "0";
}

static void flags_expr(strbuf *b, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {CARDC_TYPE_NULLABLE, "CARDC_TYPE_NULLABLE"},
        {CARDC_TYPE_CLOSED, "CARDC_TYPE_CLOSED"},
        {CARDC_TYPE_ONE_OF, "CARDC_TYPE_ONE_OF"},
        {CARDC_TYPE_BYTE_ARRAY, "CARDC_TYPE_BYTE_ARRAY"},
        {CARDC_TYPE_RESIDUAL, "CARDC_TYPE_RESIDUAL"},
    };
    int any = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].bit) {
            strbuf_printf(b, "%s%s", any++ ? " | " : "", names[i].name);
        }
    if (!any)
        strbuf_str(b, "0");
}

static void lit(strbuf *b, const char *s)
{
    if (s)
        gen_c_string(b, s, strlen(s));
    else
        strbuf_str(b, "NULL");
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

/* The elements of a char array holding text[0..len): long texts are
 * emitted so, since a string literal past 4095 characters exceeds what ISO
 * C guarantees (-Woverlength-strings). */
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

/* Texts longer than this go into a char array rather than a literal. */
#define LONG_TEXT 1024

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
    if (!text || len <= LONG_TEXT)
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

static void long_end(strbuf *b, const long_texts *lt)
{
    if (lt->n)
        strbuf_str(b, "\n};\n");
}

/* A text as C: STEM_texts + OFFSET when long, else a string literal. */
static void text_ref(strbuf *b, const long_texts *lt, const char *text, size_t len)
{
    if (!text) {
        strbuf_str(b, "NULL");
        return;
    }
    for (size_t i = 0; lt && i < lt->n; i++)
        if (lt->text[i] == text) {
            strbuf_printf(b, "%s_texts + %zu", lt->stem, lt->offset[i]);
            return;
        }
    gen_c_string(b, text, len);
}

static void text_lit(strbuf *b, const long_texts *lt, const char *text)
{
    text_ref(b, lt, text, text ? strlen(text) : 0);
}

/* The documents the side's schema reached, registered by the engine before
 * it compiles the schema: JSON and URIs packed NUL-separated into one array
 * (in the compiled schema's document order), then the table. */
static void emit_resources(strbuf *b, gen_model *m, int side)
{
    gen_side *sd = &m->sides[side];
    const char *which = side ? "output" : "input";
    size_t off = 0;

    if (!sd->resource_count)
        return;
    strbuf_printf(b,
                  "/* The %zu other document%s the %s schema reached (\"$ref\", \"$schema\"),\n"
                  " * each URI then its compact JSON. */\n",
                  sd->resource_count, sd->resource_count == 1 ? "" : "s", which);
    strbuf_printf(b, "static const char %s_%s_resource_texts[] = {", m->c_name, which);
    for (size_t i = 0; i < sd->resource_count; i++) {
        char_elements(b, sd->resource_uris[i], strlen(sd->resource_uris[i]) + 1);
        char_elements(b, sd->resource_jsons[i], strlen(sd->resource_jsons[i]) + 1);
    }
    strbuf_str(b, "\n};\n");
    strbuf_printf(b, "static const cardc_resource_text %s_%s_resources[] = {\n", m->c_name, which);
    for (size_t i = 0; i < sd->resource_count; i++) {
        size_t ulen = strlen(sd->resource_uris[i]) + 1;
        strbuf_str(b, "    {.uri = ");
        strbuf_printf(b, "%s_%s_resource_texts + %zu, /* ", m->c_name, which, off);
        gen_comment_inline(b, sd->resource_uris[i]);
        strbuf_printf(b, " */\n     .json = %s_%s_resource_texts + %zu},\n", m->c_name, which,
                      off + ulen);
        off += ulen + strlen(sd->resource_jsons[i]) + 1;
    }
    strbuf_str(b, "};\n");
}

/* The side's schema as bytes: a string literal this long would exceed
 * what ISO C guarantees (4095 characters, -Woverlength-strings). */
static void emit_schema_text(strbuf *b, gen_model *m, int side)
{
    gen_side *sd = &m->sides[side];
    const char *which = side ? "output" : "input";
    size_t len = strlen(sd->json);

    emit_resources(b, m, side);
    strbuf_printf(b,
                  "/* The %s schema, compact JSON (%zu bytes): what the validator checks\n"
                  " * (residual keywords, diagnostics). */\n",
                  which, len);
    strbuf_printf(b, "static const char %s_%s_schema_json[] = {", m->c_name, which);
    char_elements(b, sd->json, len + 1);
    strbuf_str(b, "\n};\n");
    strbuf_printf(b, "static const cardc_schema_text %s_%s_schema = {\n", m->c_name, which);
    strbuf_printf(b, "    .json = %s_%s_schema_json,\n    .source = ", m->c_name, which);
    lit(b, sd->source);
    strbuf_printf(b, ",\n    .dialect = %s,\n    .schema_flags = %s,\n",
                  m->dialect == CARDC_DIALECT_DRAFT4    ? "CARDC_DIALECT_DRAFT4"
                  : m->dialect == CARDC_DIALECT_DRAFT6  ? "CARDC_DIALECT_DRAFT6"
                  : m->dialect == CARDC_DIALECT_DRAFT7  ? "CARDC_DIALECT_DRAFT7"
                  : m->dialect == CARDC_DIALECT_2019_09 ? "CARDC_DIALECT_2019_09"
                  : m->dialect == CARDC_DIALECT_2020_12 ? "CARDC_DIALECT_2020_12"
                                                        : "CARDC_DIALECT_AUTO",
                  (m->schema_flags & CARDC_SCHEMA_ASSERT_FORMAT) ? "CARDC_SCHEMA_ASSERT_FORMAT"
                                                                 : "0");
    if (sd->resource_count)
        strbuf_printf(b, "    .resources = %s_%s_resources,\n    .resource_count = %zu,\n",
                      m->c_name, which, sd->resource_count);
    strbuf_str(b, "};\n\n");
}

static void emit_descriptor(strbuf *b, gen_model *m, gen_type *t);

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

static void ref(strbuf *b, const gen_type *t)
{
    if (t)
        strbuf_printf(b, "&%s_type", t->name);
    else
        strbuf_str(b, "NULL");
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
    long_end(b, lt);
}

static void emit_checks(strbuf *b, const long_texts *lt, const gen_type *t)
{
    int has_checkfields = 0;

    for (size_t i = 0; i < t->check_count; i++)
        has_checkfields += t->checks[i].field_count > 0;
    if (has_checkfields) {
        size_t n = 0;
        strbuf_printf(b, "static const uint16_t %s_checkfields[] = {", t->name);
        for (size_t i = 0; i < t->check_count; i++)
            for (size_t k = 0; k < t->checks[i].field_count; k++)
                strbuf_printf(b, "%s%u", n++ ? ", " : "", (unsigned)t->checks[i].fields[k]);
        strbuf_str(b, "};\n");
    }
    if (t->check_count) {
        size_t off = 0;
        strbuf_printf(b, "static const cardc_check %s_checks[] = {\n", t->name);
        for (size_t i = 0; i < t->check_count; i++) {
            const gen_check *c = &t->checks[i];
            strbuf_printf(b, "    {.op = %s", op_name(c->op));
            switch (c->op) {
            case CARDC_CHECK_MINIMUM:
            case CARDC_CHECK_EXCLUSIVE_MINIMUM:
            case CARDC_CHECK_MAXIMUM:
            case CARDC_CHECK_EXCLUSIVE_MAXIMUM:
                strbuf_str(b, ", .number = ");
                number(b, c->number);
                break;
            case CARDC_CHECK_MIN_LENGTH:
            case CARDC_CHECK_MAX_LENGTH:
            case CARDC_CHECK_MIN_ITEMS:
            case CARDC_CHECK_MAX_ITEMS:
            case CARDC_CHECK_MIN_PROPERTIES:
            case CARDC_CHECK_MAX_PROPERTIES: strbuf_printf(b, ", .count = %zu", c->count); break;
            default: break;
            }
            if (c->text) {
                strbuf_str(b, ", .text = ");
                text_lit(b, lt, c->text);
            }
            if (c->field_count) {
                strbuf_printf(b, ",\n     .fields = %s_checkfields + %zu, .field_count = %zu",
                              t->name, off, c->field_count);
                off += c->field_count;
            }
            strbuf_str(b, ",\n     .keyword = ");
            text_lit(b, lt, c->keyword);
            strbuf_str(b, "},\n");
        }
        strbuf_str(b, "};\n");
    }
}

static void emit_fields(strbuf *b, const long_texts *lt, const gen_type *t)
{
    if (t->kind == CARDC_KIND_OBJECT && t->field_count) {
        strbuf_printf(b, "static const cardc_field %s_fields[] = {\n", t->name);
        for (size_t i = 0; i < t->field_count; i++) {
            const gen_field *f = &t->fields[i];
            bool storage = f->type && f->type->kind != CARDC_KIND_NULL;
            strbuf_str(b, "    {.json_name = ");
            text_ref(b, lt, f->json_name, f->json_name_len);
            strbuf_printf(b, ", .json_name_len = %zu,\n", f->json_name_len);
            if (storage)
                strbuf_printf(b, "     .offset = offsetof(%s, %s),\n", t->name, f->c_name);
            else
                strbuf_str(b, "     .offset = CARDC_NO_OFFSET,\n");
            if (!f->required)
                strbuf_printf(b, "     .has_offset = offsetof(%s, has_%s),\n", t->name, f->c_name);
            else
                strbuf_str(b, "     .has_offset = CARDC_NO_OFFSET,\n");
            if (f->nullable)
                strbuf_printf(b, "     .null_offset = offsetof(%s, %s_is_null),\n", t->name,
                              f->c_name);
            else
                strbuf_str(b, "     .null_offset = CARDC_NO_OFFSET,\n");
            strbuf_str(b, "     .type = ");
            ref(b, f->type);
            strbuf_str(b, ",\n     .default_json = ");
            text_lit(b, lt, f->default_json);
            strbuf_printf(b, ",\n     .required = %s},\n", f->required ? "true" : "false");
        }
        strbuf_str(b, "};\n");
    }
}

/* A union's branches and an enum's values. */
static void emit_branches_values(strbuf *b, const long_texts *lt, const gen_type *t)
{
    if (t->kind == CARDC_KIND_UNION && t->branch_count) {
        strbuf_printf(b, "static const cardc_branch %s_branches[] = {\n", t->name);
        for (size_t i = 0; i < t->branch_count; i++) {
            strbuf_str(b, "    {.name = ");
            lit(b, t->branches[i].name);
            strbuf_str(b, ", .type = ");
            ref(b, t->branches[i].type);
            strbuf_str(b, "},\n");
        }
        strbuf_str(b, "};\n");
    }
    if (t->kind == CARDC_KIND_ENUM && t->enum_count) {
        strbuf_printf(b, "static const char *const %s_values[] = {\n", t->name);
        for (size_t i = 0; i < t->enum_count; i++) {
            strbuf_str(b, "    ");
            text_lit(b, lt, t->enum_values[i]);
            strbuf_str(b, ",\n");
        }
        strbuf_str(b, "};\n");
    }
}

static void emit_type(strbuf *b, const gen_model *m, const long_texts *lt, const gen_type *t)
{
    const char *ct = gen_c_type(t);

    strbuf_printf(b, "%sconst cardc_type %s_type = {\n", t->named ? "" : "static ", t->name);
    strbuf_printf(b, "    .kind = %s,\n    .flags = ", kind_name(t->kind));
    flags_expr(b, t->flags);
    strbuf_str(b, ",\n    .c_name = ");
    lit(b, t->name);
    strbuf_str(b, ",\n    .pointer = ");
    text_lit(b, lt, t->pointer);
    if (ct)
        strbuf_printf(b, ",\n    .size = sizeof(%s)", ct);
    else
        strbuf_str(b, ",\n    .size = 0");
    if (t->check_count)
        strbuf_printf(b, ",\n    .checks = %s_checks,\n    .check_count = %zu", t->name,
                      t->check_count);
    if (t->kind == CARDC_KIND_OBJECT && t->field_count)
        strbuf_printf(b, ",\n    .fields = %s_fields,\n    .field_count = %zu", t->name,
                      t->field_count);
    if (t->item) {
        strbuf_str(b, ",\n    .item = ");
        ref(b, t->item);
    }
    if (t->kind == CARDC_KIND_MAP) {
        strbuf_printf(b, ",\n    .entry_size = sizeof(%s_entry)", t->name);
        if (t->item && t->item->kind != CARDC_KIND_NULL)
            strbuf_printf(b, ",\n    .entry_value_offset = offsetof(%s_entry, value)", t->name);
        else
            strbuf_str(b, ",\n    .entry_value_offset = CARDC_NO_OFFSET");
    }
    if (t->kind == CARDC_KIND_UNION)
        strbuf_printf(b,
                      ",\n    .branches = %s_branches,\n    .branch_count = %zu,\n"
                      "    .union_offset = offsetof(%s, u)",
                      t->name, t->branch_count, t->name);
    if (t->kind == CARDC_KIND_ENUM && t->enum_count)
        strbuf_printf(b, ",\n    .enum_values = %s_values,\n    .enum_count = %zu", t->name,
                      t->enum_count);
    if (t->additional_member) {
        strbuf_str(b, ",\n    .additional = ");
        if (t->additional)
            ref(b, t->additional);
        else
            strbuf_str(b, "&cardc_members_type");
        strbuf_printf(b, ",\n    .additional_offset = offsetof(%s, %s)", t->name,
                      t->additional_member);
    }
    strbuf_printf(b, ",\n    .schema = &%s_%s_schema,\n};\n\n", m->c_name,
                  t->side ? "output" : "input");
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

static void emit_wrappers(strbuf *b, gen_type *t)
{
    const char *n = t->name;

    gen_line(b, "cardc_status %s_init(%s *value, cardc_error *err)", n, n);
    strbuf_printf(b, "{\n    return cardc_bind_init(&%s_type, value, err);\n}\n\n", n);
    gen_line(b, "void %s_free(%s *value)", n, n);
    strbuf_printf(b, "{\n    cardc_bind_free(&%s_type, value);\n}\n\n", n);
    gen_line(b, "cardc_status %s_decode(%s *value, const char *json, size_t len, cardc_error *err)",
             n, n);
    strbuf_printf(
        b, "{\n    return cardc_bind_decode(&%s_type, value, json, len, NULL, err);\n}\n\n", n);
    gen_line(b,
             "cardc_status %s_decode_ex(%s *value, const char *json, size_t len, "
             "const cardc_decode_options *opts, cardc_error *err)",
             n, n);
    strbuf_printf(
        b, "{\n    return cardc_bind_decode(&%s_type, value, json, len, opts, err);\n}\n\n", n);
    gen_line(b,
             "cardc_status %s_encode(const %s *value, char **json, size_t *len, cardc_error *err)",
             n, n);
    strbuf_printf(b, "{\n    return cardc_bind_encode(&%s_type, value, json, len, err);\n}\n\n", n);
    gen_line(b, "cardc_status %s_validate(const %s *value, cardc_error *err)", n, n);
    strbuf_printf(b, "{\n    return cardc_bind_validate(&%s_type, value, NULL, err);\n}\n\n", n);
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

static void emit_side(strbuf *b, gen_model *m, int side)
{
    gen_side *sd = &m->sides[side];
    gen_type *t = sd->root;

    strbuf_printf(b, "    .%s = {\n", side ? "output" : "input");
    if (!t) {
        strbuf_str(b, "        .type = NULL, /* the card has no schema for this side */\n");
        strbuf_str(b, "        .content_type = ");
        lit(b, sd->content_type);
        strbuf_str(b, ",\n    },\n");
        return;
    }
    strbuf_printf(b, "        .type = &%s_type,\n        .size = sizeof(%s),\n", t->name, t->name);
    strbuf_str(b, "        .content_type = ");
    lit(b, sd->content_type);
    strbuf_printf(b,
                  ",\n        .init = %s_init_any,\n        .free = %s_free_any,\n"
                  "        .decode = %s_decode_any,\n        .encode = %s_encode_any,\n"
                  "        .validate = %s_validate_any,\n    },\n",
                  t->name, t->name, t->name, t->name, t->name);
}

static void emit_side_adapters(strbuf *b, gen_type *t)
{
    const char *n = t->name;
    strbuf_printf(b,
                  "static cardc_status %s_init_any(void *value, cardc_error *err)\n"
                  "{\n    return cardc_bind_init(&%s_type, value, err);\n}\n\n",
                  n, n);
    strbuf_printf(b,
                  "static void %s_free_any(void *value)\n"
                  "{\n    cardc_bind_free(&%s_type, value);\n}\n\n",
                  n, n);
    strbuf_printf(b,
                  "static cardc_status %s_decode_any(void *value, const char *json, size_t len,\n"
                  "    cardc_error *err)\n"
                  "{\n    return cardc_bind_decode(&%s_type, value, json, len, NULL, err);\n}\n\n",
                  n, n);
    strbuf_printf(b,
                  "static cardc_status %s_encode_any(const void *value, char **json, size_t *len,\n"
                  "    cardc_error *err)\n"
                  "{\n    return cardc_bind_encode(&%s_type, value, json, len, err);\n}\n\n",
                  n, n);
    strbuf_printf(b,
                  "static cardc_status %s_validate_any(const void *value, cardc_error *err)\n"
                  "{\n    return cardc_bind_validate(&%s_type, value, NULL, err);\n}\n\n",
                  n, n);
}

void gen_emit_source(strbuf *b, gen_model *m)
{
    int any_enum = 0;

    for (size_t i = 0; i < m->type_count; i++)
        m->types[i]->emitted = m->types[i]->declared = false;
    strbuf_printf(b, "/* %s.c - C bindings for the model ", m->c_name);
    gen_comment_inline(b, m->model_name ? m->model_name : m->c_name);
    strbuf_str(b, ".\n *\n * Generated by " GEN_VERSION " from ");
    gen_comment_inline(b, m->card);
    strbuf_str(b, ".\n * Do not edit: regenerate it with `cardc gen`. The engine in libcardc\n"
                  " * (cardc/bind.h) does the work; this file describes the types to it.\n */\n");
    strbuf_printf(b, "#include \"%s.h\"\n\n#include <string.h>\n\n", m->c_name);

    for (size_t i = 0; i < m->type_count; i++) {
        gen_type *t = m->types[i];
        const char *e = t->kind == CARDC_KIND_ENUM && t->named ? t->name
                        : t->kind == CARDC_KIND_UNION          ? t->kind_enum
                                                               : NULL;
        if (!e)
            continue;
        if (!any_enum++)
            strbuf_str(b, "/* The engine stores enums and union kinds as int. */\n");
        strbuf_printf(b,
                      "_Static_assert(sizeof(%s) == sizeof(int),\n               \"%s must be "
                      "int-sized\");\n",
                      e, e);
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

    strbuf_str(b,
               "/* ---- Functions ------------------------------------------------------ */\n\n");
    for (size_t i = 0; i < m->type_count; i++)
        if (m->types[i]->named)
            emit_wrappers(b, m->types[i]);

    strbuf_str(b,
               "/* ---- Model ---------------------------------------------------------- */\n\n");
    for (int s = 0; s < 2; s++)
        if (m->sides[s].root)
            emit_side_adapters(b, m->sides[s].root);
    strbuf_printf(b, "const cardc_model %s_model = {\n    .name = ", m->c_name);
    lit(b, m->model_name);
    strbuf_str(b, ",\n    .c_name = ");
    lit(b, m->c_name);
    strbuf_str(b, ",\n    .task_name = ");
    lit(b, m->task_name);
    strbuf_str(b, ",\n    .task_type = ");
    lit(b, m->task_type);
    strbuf_str(b, ",\n    .description = ");
    if (m->description)
        /* At most 2000 bytes: ISO C's literal limit is 4095 characters. */
        gen_c_string_wrapped(b, m->description,
                             strlen(m->description) > 2000 ? 2000 : strlen(m->description),
                             "        ");
    else
        strbuf_str(b, "NULL");
    strbuf_str(b, ",\n    .card = ");
    lit(b, m->card);
    strbuf_str(b, ",\n");
    /* the card's traits, when it states them (zero otherwise) */
    if (m->context_window)
        strbuf_printf(b, "    .context_window = %lld,\n", m->context_window);
    if (m->async_queue)
        strbuf_str(b, "    .async_queue = true,\n");
    emit_side(b, m, 0);
    emit_side(b, m, 1);
    strbuf_str(b, "};\n");
    if (gen_model_runs(m)) {
        strbuf_str(b, "\n");
        gen_line(b,
                 "cardc_status %s_run(cardc_client *client, const %s *input, %s *output, "
                 "cardc_error *err)",
                 m->c_name, m->sides[0].root->name, m->sides[1].root->name);
        strbuf_printf(b,
                      "{\n    return cardc_client_run(client, &%s_model, input, output, err);\n}\n",
                      m->c_name);
    }
    if (gen_model_streams(m)) {
        strbuf_str(b, "\n");
        gen_line(b,
                 "cardc_status %s_run_stream(cardc_client *client, const %s *input, "
                 "cardc_stream_fn fn, void *user, cardc_error *err)",
                 m->c_name, m->sides[0].root->name);
        strbuf_printf(b,
                      "{\n    return cardc_client_run_stream(client, &%s_model, input, fn, user, "
                      "err);\n}\n",
                      m->c_name);
    }
}
