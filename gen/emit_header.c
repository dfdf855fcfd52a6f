/* SPDX-License-Identifier: MIT */
/* NAME.h: enums, structs, functions, descriptors (nanopb's order). */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "gen.h"

const char *gen_c_type(const gen_type *t)
{
    if (t->named)
        return t->name;
    switch (t->kind) {
    case CARDC_KIND_BOOL: return "bool";
    case CARDC_KIND_INT: return "int64_t";
    case CARDC_KIND_NUMBER: return "double";
    case CARDC_KIND_STRING: return "cardc_string";
    case CARDC_KIND_BYTES: return "cardc_bytes";
    case CARDC_KIND_NUMBERS: return "cardc_numbers";
    case CARDC_KIND_ENUM: return t->name;
    case CARDC_KIND_NULL: return NULL;
    default: return "cardc_json";
    }
}

/* What a type is, in a few words, for the comment above it. */
const char *gen_kind_words(const gen_type *t)
{
    switch (t->kind) {
    case CARDC_KIND_NULL: return "null";
    case CARDC_KIND_BOOL: return "boolean";
    case CARDC_KIND_INT: return "integer";
    case CARDC_KIND_NUMBER: return "number";
    case CARDC_KIND_STRING: return "string";
    case CARDC_KIND_ENUM: return "string enum";
    case CARDC_KIND_BYTES:
        return (t->flags & CARDC_TYPE_BYTE_ARRAY) ? "byte array (JSON array of 0..255)"
                                                  : "binary string";
    case CARDC_KIND_NUMBERS: return "array of numbers";
    case CARDC_KIND_ARRAY: return "array";
    case CARDC_KIND_OBJECT: return "object";
    case CARDC_KIND_MAP: return "map";
    case CARDC_KIND_UNION: return (t->flags & CARDC_TYPE_ONE_OF) ? "oneOf union" : "anyOf union";
    default: return "any JSON value";
    }
}

void gen_pointer_comment(strbuf *b, const gen_type *t)
{
    strbuf_str(b, t->side ? "output" : "input");
    strbuf_str(b, " schema");
    if (t->pointer[0]) {
        strbuf_str(b, " at ");
        gen_comment_inline(b, t->pointer);
    }
}

/* "Checked by the validator too" notes, for types the reader may wonder
 * about. */
static void flags_note(strbuf *b, const gen_type *t, const char *indent)
{
    if (t->flags & CARDC_TYPE_CLOSED)
        strbuf_printf(b, "\n%s * Unknown keys are rejected (additionalProperties: false).", indent);
    if (t->kind == CARDC_KIND_JSON)
        strbuf_printf(b, "\n%s * Not typed in C: held as JSON, checked by the validator.", indent);
    else if ((t->flags & CARDC_TYPE_RESIDUAL) && t->kind == CARDC_KIND_OBJECT)
        strbuf_printf(b, "\n%s * Parts of its schema are checked by the JSON Schema validator.",
                      indent);
    if (t->kind == CARDC_KIND_UNION && !(t->flags & CARDC_TYPE_ONE_OF))
        strbuf_printf(b,
                      "\n%s * Decoding tries every branch and keeps the one that matches best:\n"
                      "%s * the most declared members present (the first of equals).",
                      indent, indent);
}

/* ", maxLength 6144, pattern ^a" for the comment of a member or type. */
static void check_words(strbuf *b, const gen_type *t)
{
    static const char *const keywords[] = {
#define X(e, value, keyword) [value] = keyword,
        CARDC_CHECK_OP_LIST(X)
#undef X
    };
    for (size_t i = 0; i < t->check_count; i++) {
        const gen_check *c = &t->checks[i];
        const char *w = c->op == CARDC_CHECK_NOT_ALL_PRESENT      ? "not all of"
                        : c->op == CARDC_CHECK_DEPENDENT_REQUIRED ? "if present, also"
                        : (size_t)c->op < sizeof keywords / sizeof keywords[0] && keywords[c->op]
                            ? keywords[c->op]
                            : "check";
        strbuf_printf(b, ", %s", w);
        switch (c->op) {
        case CARDC_CHECK_MINIMUM:
        case CARDC_CHECK_EXCLUSIVE_MINIMUM:
        case CARDC_CHECK_MAXIMUM:
        case CARDC_CHECK_EXCLUSIVE_MAXIMUM: strbuf_printf(b, " %.17g", c->number); break;
        case CARDC_CHECK_UNIQUE_ITEMS: break;
        case CARDC_CHECK_NOT_ALL_PRESENT:
        case CARDC_CHECK_DEPENDENT_REQUIRED:
            for (size_t k = 0; k < c->field_count; k++) {
                strbuf_str(b, k ? (c->op == CARDC_CHECK_DEPENDENT_REQUIRED && k == 1 ? ": " : " + ")
                                : " ");
                gen_comment_inline(b, t->fields[c->fields[k]].json_name);
            }
            break;
        default:
            if (c->text) {
                strbuf_str(b, " ");
                gen_comment_inline(b, c->text);
            } else {
                strbuf_printf(b, " %zu", c->count);
            }
        }
    }
}

static void type_comment(strbuf *b, const gen_type *t)
{
    strbuf_printf(b, "/* %s: %s", t->name, gen_kind_words(t));
    check_words(b, t);
    strbuf_str(b, " (");
    gen_pointer_comment(b, t);
    strbuf_str(b, ").");
    if (t->description) {
        strbuf_str(b, "\n *");
        gen_comment_text(b, t->description, "");
    }
    flags_note(b, t, "");
    strbuf_str(b, " */\n");
}

static void emit_enums(strbuf *b, gen_model *m)
{
    int any = 0;
    for (size_t i = 0; i < m->type_count; i++) {
        gen_type *t = m->types[i];
        if (t->kind == CARDC_KIND_ENUM && t->named) {
            if (!any++)
                strbuf_str(b, "/* ---- Enums "
                              "---------------------------------------------------------- */\n\n");
            type_comment(b, t);
            strbuf_printf(b, "typedef enum %s {\n    %s = 0, /* absent or not set */\n", t->name,
                          t->enum_consts[0]);
            for (size_t k = 0; k < t->enum_count; k++) {
                strbuf_printf(b, "    %s = %zu%s /* ", t->enum_consts[k + 1], k + 1,
                              k + 1 < t->enum_count ? "," : "");
                gen_comment_inline(b, t->enum_values[k]);
                strbuf_str(b, " */\n");
            }
            strbuf_printf(b, "} %s;\n\n", t->name);
        }
        if (t->kind == CARDC_KIND_UNION) {
            if (!any++)
                strbuf_str(b, "/* ---- Enums "
                              "---------------------------------------------------------- */\n\n");
            strbuf_printf(b, "/* Which branch of %s is held. */\n", t->name);
            strbuf_printf(b, "typedef enum %s {\n    %s = 0, /* not set */\n", t->kind_enum,
                          t->kind_consts[0]);
            for (size_t k = 0; k < t->branch_count; k++) {
                gen_type *bt = t->branches[k].type;
                strbuf_printf(b, "    %s = %zu%s /* %s at ", t->kind_consts[k + 1], k + 1,
                              k + 1 < t->branch_count ? "," : "", bt ? gen_kind_words(bt) : "?");
                if (bt)
                    gen_comment_inline(b, bt->pointer);
                strbuf_str(b, " */\n");
            }
            strbuf_printf(b, "} %s;\n\n", t->kind_enum);
        }
    }
}

/* Struct bodies, dependencies first (members held by value must be
 * complete); arrays and maps hold pointers, so recursion through them is
 * fine with the forward declarations. */
static void emit_struct(strbuf *b, gen_type *t);

static void emit_deps(strbuf *b, gen_type *t)
{
    if (!t || t->emitted || t->declared)
        return;
    if (!t->is_struct) {
        t->emitted = true;
        return;
    }
    t->declared = true; /* visiting */
    if (t->kind == CARDC_KIND_ARRAY)
        emit_deps(b, t->item); /* not needed by C, but reads better */
    for (size_t i = 0; i < t->field_count; i++)
        emit_deps(b, t->fields[i].type);
    emit_deps(b, t->additional);
    for (size_t i = 0; i < t->branch_count; i++)
        emit_deps(b, t->branches[i].type);
    emit_struct(b, t);
    t->emitted = true;
}

static void member_line(strbuf *b, const gen_type *t, const char *member)
{
    strbuf_printf(b, "    %s %s;\n", gen_c_type(t), member);
}

static void emit_struct(strbuf *b, gen_type *t)
{
    type_comment(b, t);
    strbuf_printf(b, "struct %s {\n", t->name);
    switch (t->kind) {
    case CARDC_KIND_OBJECT: {
        int members = 0;
        for (size_t i = 0; i < t->field_count; i++) {
            const gen_field *f = &t->fields[i];
            strbuf_str(b, "    /*");
            if (f->description) {
                gen_comment_text(b, f->description, "    ");
                strbuf_str(b, "\n     *");
            }
            strbuf_printf(b, " %s%s, ", f->required ? "required" : "optional",
                          f->nullable ? ", nullable" : "");
            strbuf_str(b, f->type ? gen_kind_words(f->type) : "?");
            if (f->type && !f->type->named)
                check_words(b, f->type);
            if (f->default_json) {
                strbuf_str(b, ", default ");
                gen_comment_inline(b, f->default_json);
            }
            strbuf_str(b, ": ");
            gen_comment_inline(b, f->pointer);
            strbuf_str(b, " */\n");
            if (!f->required) {
                strbuf_printf(b, "    bool has_%s;\n", f->c_name);
                members++;
            }
            if (f->nullable) {
                strbuf_printf(b, "    bool %s_is_null;\n", f->c_name);
                members++;
            }
            if (f->type && f->type->kind != CARDC_KIND_NULL) {
                member_line(b, f->type, f->c_name);
                members++;
            }
        }
        if (t->additional_member) {
            strbuf_str(b, "    /* the members the schema does not name, in document order");
            if (t->additional) {
                strbuf_str(b, ": ");
                gen_comment_inline(b, t->additional->pointer);
            }
            strbuf_printf(b, " */\n    %s %s;\n",
                          t->additional ? t->additional->name : "cardc_members",
                          t->additional_member);
            members++;
        }
        if (!members)
            strbuf_str(b, "    char unused_; /* no storage: ISO C has no empty structs */\n");
        break;
    }
    case CARDC_KIND_ARRAY:
        if (t->item && t->item->kind != CARDC_KIND_NULL)
            strbuf_printf(b, "    %s *items;\n", gen_c_type(t->item));
        else
            strbuf_str(b, "    void *items; /* elements have no storage (null) */\n");
        strbuf_str(b, "    size_t count;\n");
        break;
    case CARDC_KIND_MAP:
        strbuf_printf(b, "    %s_entry *items; /* in document order */\n    size_t count;\n",
                      t->name);
        break;
    case CARDC_KIND_UNION: {
        int members = 0;
        strbuf_printf(b, "    %s kind;\n    union {\n", t->kind_enum);
        for (size_t i = 0; i < t->branch_count; i++) {
            const gen_type *bt = t->branches[i].type;
            if (!bt || bt->kind == CARDC_KIND_NULL)
                continue;
            strbuf_printf(b, "        %s %s; /* %s */\n", gen_c_type(bt), t->branches[i].member,
                          t->kind_consts[i + 1]);
            members++;
        }
        if (!members)
            strbuf_str(b, "        char none_; /* no branch has storage */\n");
        strbuf_str(b, "    } u;\n");
        break;
    }
    default: break;
    }
    strbuf_str(b, "};\n\n");
}

static void emit_structs(strbuf *b, gen_model *m)
{
    int any_struct = 0;

    strbuf_str(b,
               "/* ---- Structs -------------------------------------------------------- */\n\n");
    for (size_t i = 0; i < m->type_count; i++) {
        gen_type *t = m->types[i];
        if (t->is_struct) {
            strbuf_printf(b, "typedef struct %s %s;\n", t->name, t->name);
            any_struct = 1;
        }
        if (t->kind == CARDC_KIND_MAP)
            strbuf_printf(b, "typedef struct %s_entry %s_entry;\n", t->name, t->name);
    }
    if (any_struct)
        strbuf_str(b, "\n");
    /* Roots that are not structs are typedefs of the runtime's types. */
    for (int s = 0; s < 2; s++) {
        gen_type *t = m->sides[s].root;
        if (t && !t->is_struct && t->kind != CARDC_KIND_ENUM) {
            const char *ct;
            gen_type tmp = *t;
            tmp.named = false;
            ct = gen_c_type(&tmp);
            type_comment(b, t);
            if (t->kind == CARDC_KIND_NULL)
                strbuf_printf(b, "typedef struct %s { char unused_; } %s;\n\n", t->name, t->name);
            else
                strbuf_printf(b, "typedef %s %s;\n\n", ct, t->name);
        }
    }
    for (size_t i = 0; i < m->type_count; i++)
        emit_deps(b, m->types[i]);
    /* Map entries last: nothing holds them by value. */
    for (size_t i = 0; i < m->type_count; i++) {
        gen_type *t = m->types[i];
        if (t->kind != CARDC_KIND_MAP)
            continue;
        strbuf_printf(b,
                      "/* One key/value pair of %s. */\nstruct %s_entry {\n    cardc_string key;\n",
                      t->name, t->name);
        if (t->item && t->item->kind != CARDC_KIND_NULL)
            member_line(b, t->item, "value");
        else
            strbuf_str(b, "    char value; /* null values have no storage */\n");
        strbuf_str(b, "};\n\n");
    }
}

/* STEM_INIT, as ir.c reserved it. */
static void init_macro(strbuf *b, const char *stem)
{
    char *up = gen_upper(stem, strlen(stem));

    if (!up) {
        b->oom = 1;
        return;
    }
    strbuf_printf(b, "%s_INIT", up);
    free(up);
}

static void emit_initializers(strbuf *b, gen_model *m)
{
    strbuf_str(b, "/* ---- Initializers --------------------------------------------------- */\n\n"
                  "/* T x = T_INIT; starts a value empty: every member absent, unions NONE,\n"
                  " * enums unset (T_init also applies the schema's defaults). */\n");
    for (size_t i = 0; i < m->type_count; i++) {
        const gen_type *t = m->types[i];
        if (!t->named)
            continue;
        strbuf_str(b, "#define ");
        init_macro(b, t->name);
        if (t->kind == CARDC_KIND_ENUM)
            strbuf_printf(b, " %s\n", t->enum_consts[0]);
        else if (t->kind == CARDC_KIND_BOOL || t->kind == CARDC_KIND_INT ||
                 t->kind == CARDC_KIND_NUMBER)
            strbuf_str(b, " 0\n"); /* a root typedef of a scalar */
        else
            strbuf_str(b, " CARDC_EMPTY\n");
    }
    strbuf_str(b, "\n");
}

/* One typed wrapper: static inline, so it costs nothing and the .c holds
 * only data. */
static void wrapper(strbuf *b, const char *head, const char *body)
{
    gen_line(b, "static inline %s", head);
    strbuf_printf(b, "{ %s }\n", body);
}

static void emit_functions(strbuf *b, gen_model *m)
{
    char head[2600], body[1400];

    strbuf_str(b,
               "/* ---- Functions ------------------------------------------------------ */\n\n");
    strbuf_str(b,
               "/* For each type T below (see cardc/bind.h for the contracts):\n"
               " *   T_init      zero the value, then apply the schema's defaults;\n"
               " *   T_free      release everything the value owns and zero it (NULL-safe);\n"
               " *   T_decode    JSON text -> value: rejects exactly what the schema rejects,\n"
               " *               errors as `cardc validate` reports them (T_decode_ex: options);\n"
               " *   T_encode    value -> compact JSON (heap, free() it), refused if invalid;\n"
               " *   T_validate  check a value built by hand. */\n\n");
    for (size_t i = 0; i < m->type_count; i++) {
        gen_type *t = m->types[i];
        const char *n = t->name;
        if (!t->named)
            continue;
        snprintf(head, sizeof head, "cardc_status %s_init(%s *value, cardc_error *err)", n, n);
        snprintf(body, sizeof body, "return cardc_bind_init(&%s_type, value, err);", n);
        wrapper(b, head, body);
        snprintf(head, sizeof head, "void %s_free(%s *value)", n, n);
        snprintf(body, sizeof body, "cardc_bind_free(&%s_type, value);", n);
        wrapper(b, head, body);
        snprintf(head, sizeof head,
                 "cardc_status %s_decode(%s *value, const char *json, size_t len, "
                 "cardc_error *err)",
                 n, n);
        snprintf(body, sizeof body,
                 "return cardc_bind_decode(&%s_type, value, json, len, NULL, err);", n);
        wrapper(b, head, body);
        snprintf(head, sizeof head,
                 "cardc_status %s_decode_ex(%s *value, const char *json, size_t len, "
                 "const cardc_decode_options *opts, cardc_error *err)",
                 n, n);
        snprintf(body, sizeof body,
                 "return cardc_bind_decode(&%s_type, value, json, len, opts, err);", n);
        wrapper(b, head, body);
        snprintf(head, sizeof head,
                 "cardc_status %s_encode(const %s *value, char **json, size_t *len, "
                 "cardc_error *err)",
                 n, n);
        snprintf(body, sizeof body, "return cardc_bind_encode(&%s_type, value, json, len, err);",
                 n);
        wrapper(b, head, body);
        snprintf(head, sizeof head, "cardc_status %s_validate(const %s *value, cardc_error *err)",
                 n, n);
        snprintf(body, sizeof body, "return cardc_bind_validate(&%s_type, value, NULL, err);", n);
        wrapper(b, head, body);
        if (t->kind == CARDC_KIND_ENUM) {
            strbuf_printf(b, "/* The JSON string of a value; NULL for %s or out of range. */\n",
                          t->enum_consts[0]);
            strbuf_printf(b, "const char *%s_to_string(%s value);\n", n, n);
            strbuf_printf(b, "/* The value of a JSON string; %s when it is not one. */\n",
                          t->enum_consts[0]);
            gen_line(b, "%s %s_from_string(const char *text, size_t len);", n, n);
        }
        if (t->kind == CARDC_KIND_MAP && t->item && t->item->kind != CARDC_KIND_NULL) {
            strbuf_str(
                b, "/* The value under key (NUL-terminated; first match), or NULL. Borrowed. */\n");
            gen_line(b, "const %s *%s_get(const %s *map, const char *key);", gen_c_type(t->item), n,
                     n);
        }
        strbuf_str(b, "\n");
    }
}

static bool is_event_stream(const struct json_object *s)
{
    struct json_object *v;
    return json_object_is_type(s, json_type_object) &&
           json_object_object_get_ex(s, "contentType", &v) &&
           json_object_is_type(v, json_type_string) &&
           strncmp(json_object_get_string(v), "text/event-stream", 17) == 0;
}

bool gen_model_runs(const gen_model *m)
{
    return !m->schema_mode && m->sides[0].root && m->sides[1].root;
}

bool gen_model_streams(const gen_model *m)
{
    const struct json_object *s = m->sides[1].schema;
    struct json_object *list;

    if (m->schema_mode || !m->sides[0].root || !s)
        return false;
    if (is_event_stream(s))
        return true;
    /* Workers AI text generation: oneOf [JSON object, event-stream string]. */
    if ((json_object_object_get_ex(s, "oneOf", &list) ||
         json_object_object_get_ex(s, "anyOf", &list)) &&
        json_object_is_type(list, json_type_array))
        for (size_t i = 0; i < json_object_array_length(list); i++)
            if (is_event_stream(json_object_array_get_idx(list, i)))
                return true;
    return false;
}

static void emit_calls(strbuf *b, gen_model *m)
{
    const char *n = m->c_name;
    char head[2600], body[600];

    if (!gen_model_runs(m) && !gen_model_streams(m))
        return;
    strbuf_str(b, "/* ---- Calling the model (cardc/client.h) ---------------------------- */\n\n"
                  "/* Only when libcardc has the inference client (not -Dclient=disabled). */\n"
                  "#if CARDC_HAVE_CLIENT\n");
    if (gen_model_runs(m)) {
        strbuf_str(b, "/* Sends *input (validated first) through client and decodes the answer\n"
                      " * into *output (initialised or zeroed; release it with its _free): an\n"
                      " * answer that breaks the output schema is CARDC_E_INVALID. Backend\n"
                      " * failures are CARDC_E_NETWORK, _TIMEOUT, _AUTH, _RATE_LIMIT, ... */\n");
        snprintf(head, sizeof head,
                 "cardc_status %s_run(cardc_client *client, const %s *input, %s *output, "
                 "cardc_error *err)",
                 n, m->sides[0].root->name, m->sides[1].root->name);
        snprintf(body, sizeof body,
                 "return cardc_client_run(client, &%s_model, input, output, err);", n);
        wrapper(b, head, body);
    }
    if (gen_model_streams(m)) {
        strbuf_str(b, "/* Streams the answer: fn gets each server-sent event's data as it arrives\n"
                      " * (Workers AI: {\"response\":\"...\"}); returning non-zero stops. */\n");
        snprintf(head, sizeof head,
                 "cardc_status %s_run_stream(cardc_client *client, const %s *input, "
                 "cardc_stream_fn fn, void *user, cardc_error *err)",
                 n, m->sides[0].root->name);
        snprintf(body, sizeof body,
                 "return cardc_client_run_stream(client, &%s_model, input, fn, user, err);", n);
        wrapper(b, head, body);
    }
    strbuf_str(b, "#endif\n\n");
}

/* A few lines of use at the top of the header, on the model's own names. */
static void emit_usage(strbuf *b, gen_model *m)
{
    const gen_type *in = m->sides[0].root, *out = m->sides[1].root;
    const gen_type *t = in ? in : out;
    const char *v = in ? "in" : "out";

    if (!t)
        return;
    strbuf_str(b, "\n *\n * Usage (the contracts are in cardc/bind.h; link with libcardc):\n *\n");
    strbuf_printf(b, " *     %s %s = ", t->name, v);
    init_macro(b, t->name);
    strbuf_printf(b,
                  ";\n *     cardc_error err;\n"
                  " *     if (%s_decode(&%s, json, len, &err) != CARDC_OK)\n"
                  " *         ... err.message: the first error, as `cardc validate` reports it\n"
                  " *     ... read %s: absent members hold their schema's defaults ...\n"
                  " *     %s_encode(&%s, &text, &text_len, &err);  // validated, then JSON\n",
                  t->name, v, v, t->name, v);
    if (gen_model_runs(m)) {
        strbuf_printf(b, " *     %s out = ", out->name);
        init_macro(b, out->name);
        strbuf_printf(b,
                      ";\n *     %s_run(client, &in, &out, &err);  // cardc/client.h\n"
                      " *     %s_free(&out);\n",
                      m->c_name, out->name);
    }
    strbuf_printf(b, " *     %s_free(&%s);", t->name, v);
}

void gen_emit_header(strbuf *b, gen_model *m)
{
    char *guard = gen_upper(m->c_name, strlen(m->c_name));

    if (!guard)
        b->oom = 1; /* the caller sees it and writes nothing */

    for (size_t i = 0; i < m->type_count; i++)
        m->types[i]->emitted = m->types[i]->declared = false;
    strbuf_printf(b, "/* %s.h - C bindings for the model ", m->file_stem);
    gen_comment_inline(b, m->model_name ? m->model_name : m->c_name);
    strbuf_str(b, ".\n *\n * Generated by " GEN_VERSION " from ");
    gen_comment_inline(b, m->card_label);
    strbuf_str(b, ".\n * Do not edit: regenerate it with `cardc gen`.");
    if (m->description) {
        strbuf_str(b, "\n *\n *");
        gen_comment_text(b, m->description, "");
    }
    emit_usage(b, m);
    strbuf_str(b, "\n */\n");
    strbuf_printf(b, "#ifndef CARDC_GEN_%s_H\n#define CARDC_GEN_%s_H\n\n", guard ? guard : "MODEL",
                  guard ? guard : "MODEL");
    strbuf_str(b, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n"
                  "#include \"cardc/bind.h\"\n");
    if (gen_model_runs(m) || gen_model_streams(m))
        strbuf_str(b, "#if CARDC_HAVE_CLIENT\n#include \"cardc/client.h\"\n#endif\n");
    strbuf_str(b, "\n" GEN_ABI_CHECK "\n");
    strbuf_str(b, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    emit_enums(b, m);
    emit_structs(b, m);
    emit_initializers(b, m);
    strbuf_str(b,
               "/* ---- Descriptors ---------------------------------------------------- */\n\n");
    for (size_t i = 0; i < m->type_count; i++)
        if (m->types[i]->named)
            strbuf_printf(b, "extern const cardc_type %s_type;\n", m->types[i]->name);
    strbuf_printf(b,
                  "\n/* The model: name, task, and both sides' types for dynamic use. */\n"
                  "extern const cardc_model %s_model;\n\n",
                  m->c_name);
    emit_functions(b, m);
    emit_calls(b, m);
    strbuf_str(b, "#ifdef __cplusplus\n}\n#endif\n\n");
    strbuf_printf(b, "#endif /* CARDC_GEN_%s_H */\n", guard ? guard : "MODEL");
    free(guard);
}
