/* SPDX-License-Identifier: MIT */
/* Model cards: format detection, front matter, metadata and schemas.
 *
 * Two layouts share one extraction path over the card's json-c tree:
 *   - YAML layout (the seed card): model.{name,id,description,task,
 *     properties}, top-level task_type, JSON *text* in json_schema.input/
 *     output;
 *   - JSON layout (Workers AI's newer cards): top-level name, id,
 *     description, task, properties, and schema.input/output as objects.
 * The layout follows the keys present, not the file format, so a YAML file
 * in the JSON layout loads too. The JSON layout has no task_type; it is
 * taken from a top-level "task_type" when present and is otherwise NULL
 * (deriving it from task.name would be a guess).
 * Property values that are not strings (JSON cards carry price tables) are
 * exposed as compact JSON text. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/card.h"
#include "cardc/json.h"
#include "common/errors_internal.h"
#include "json/json_internal.h"
#include "common/textpos.h"
#include "common/utf8.h"
#include "card/yaml_json.h"

#define DEFAULT_MAX_NODES 1000000
#define DEFAULT_MAX_DEPTH 1000
/* The YAML converter recurses once per level. */
#define HARD_MAX_DEPTH 10000
/* Cards are written by hand: what JSON allows but json-c would store
 * changed (a repeated key, 1e999, ...) is a mistake to report. */
#define CARD_JSON_FLAGS (CARDC__JSON_UNIQUE_KEYS | CARDC__JSON_EXACT)

typedef struct card_property {
    const char *key;
    const char *value;
    char *owned_value; /* JSON text of a non-string value */
} card_property;

struct cardc_card {
    cardc_card_format format;
    int yaml_layout;
    char *source;
    struct json_object *doc;
    const char *name;
    const char *id;
    const char *description;
    const char *task_id;
    const char *task_name;
    const char *task_description;
    const char *task_type;
    card_property *props;
    size_t prop_count;
    cardc_card_traits traits;
    cardc_card_price *prices;
    struct json_object *schema[2]; /* own references */
    int schema_line[2];
    int schema_column[2];
};

typedef struct loader {
    const char *text; /* whole card, BOM removed */
    size_t len;
    const char *source;
    size_t max_nodes;
    int max_depth;
    cardc__yaml *yaml; /* YAML formats: positions come from here */
    cardc_error *err;
    cardc_card *card;
} loader;

static const char *const side_names[2] = {"input", "output"};

/* ---- positions and errors -------------------------------------------- */

static void locate(const loader *L, const char *pointer, int *line, int *column)
{
    size_t off;

    *line = 0;
    *column = 0;
    if (L->yaml) {
        cardc__yaml_locate(L->yaml, pointer, line, column);
    } else if (L->card->format == CARDC_CARD_JSON) {
        cardc__json_locate(L->text, L->len, pointer, &off);
        cardc__text_position(L->text, L->len, off, 0, line, column);
    }
}

static cardc_status fail_at(const loader *L, cardc_status code, const char *pointer,
                            const char *fmt, ...) CARDC_PRINTF_(4, 5);

static cardc_status fail_at(const loader *L, cardc_status code, const char *pointer,
                            const char *fmt, ...)
{
    char msg[CARDC_ERROR_MESSAGE_MAX];
    int line, column;
    va_list ap;

    if (!L->err || L->err->code != CARDC_OK)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    locate(L, pointer, &line, &column);
    cardc__error_at(L->err, code, L->source, line, column, "%s", msg);
    cardc__error_pointer(L->err, pointer);
    return code;
}

/* "/model/name" -> "model.name", the way card authors spell fields. */
static const char *dotted(const char *pointer, char *buf, size_t size)
{
    size_t k = 0;

    for (pointer++; *pointer && k + 1 < size; pointer++)
        buf[k++] = *pointer == '/' ? '.' : *pointer;
    buf[k] = '\0';
    return buf;
}

/* "a mapping", "an integer", ...: for "must be a string, not <this>". */
static const char *type_name(const struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double: return "a number";
    case json_type_int: return "an integer";
    case json_type_object: return "a mapping";
    case json_type_array: return "a sequence";
    case json_type_string: return "a string";
    }
    return "a value";
}

/* ---- field access ----------------------------------------------------- */

/* The member `key` of obj; NULL when absent or null. */
static struct json_object *member(const struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;

    if (obj && json_object_is_type(obj, json_type_object))
        json_object_object_get_ex(obj, key, &v);
    return v;
}

static cardc_status get_mapping(const loader *L, const struct json_object *obj, const char *key,
                                const char *pointer, struct json_object **out)
{
    char where[CARDC_ERROR_POINTER_MAX];

    *out = member(obj, key);
    if (*out && !json_object_is_type(*out, json_type_object)) {
        cardc_status st = fail_at(L, CARDC_E_CARD, pointer, "'%s' must be a mapping, not %s",
                                  dotted(pointer, where, sizeof where), type_name(*out));
        *out = NULL;
        return st;
    }
    return CARDC_OK;
}

static cardc_status get_string(const loader *L, const struct json_object *obj, const char *key,
                               const char *pointer, const char **out)
{
    struct json_object *v = member(obj, key);
    char where[CARDC_ERROR_POINTER_MAX];

    *out = NULL;
    if (!v)
        return CARDC_OK;
    if (!json_object_is_type(v, json_type_string))
        return fail_at(L, CARDC_E_CARD, pointer, "'%s' must be a string, not %s",
                       dotted(pointer, where, sizeof where), type_name(v));
    if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
        return fail_at(L, CARDC_E_CARD, pointer, "'%s' contains a NUL character",
                       dotted(pointer, where, sizeof where));
    *out = json_object_get_string(v);
    return CARDC_OK;
}

/* ---- metadata --------------------------------------------------------- */

static cardc_status read_property(const loader *L, struct json_object *item, const char *base,
                                  size_t i, card_property *prop)
{
    char ptr[128], vptr[160];
    struct json_object *value;
    cardc_status st;

    snprintf(ptr, sizeof ptr, "%s/%zu", base, i);
    if (!json_object_is_type(item, json_type_object))
        return fail_at(L, CARDC_E_CARD, ptr,
                       "a property must be a mapping with property_id and value, not %s",
                       type_name(item));
    snprintf(vptr, sizeof vptr, "%s/property_id", ptr);
    st = get_string(L, item, "property_id", vptr, &prop->key);
    if (st != CARDC_OK)
        return st;
    if (!prop->key)
        return fail_at(L, CARDC_E_CARD, ptr, "property %zu has no property_id", i);
    if (!json_object_object_get_ex(item, "value", &value))
        return fail_at(L, CARDC_E_CARD, ptr, "property '%s' has no value", prop->key);
    if (json_object_is_type(value, json_type_string)) {
        prop->value = json_object_get_string(value);
        return CARDC_OK;
    }
    /* Ours, not json-c's printer: that one returns a truncated text when its
     * buffer cannot grow. */
    prop->owned_value = cardc_json_dump(value, 0);
    if (!prop->owned_value)
        return cardc__error(L->err, CARDC_E_NOMEM, "out of memory");
    prop->value = prop->owned_value;
    return CARDC_OK;
}

static cardc_status read_trait(const loader *L, struct json_object *item, const char *ptr);

static cardc_status read_properties(const loader *L, const struct json_object *holder,
                                    const char *base)
{
    struct json_object *list = member(holder, "properties");
    cardc_card *card = L->card;
    size_t n, i;

    if (!list)
        return CARDC_OK;
    if (!json_object_is_type(list, json_type_array))
        return fail_at(L, CARDC_E_CARD, base, "properties must be a sequence, not %s",
                       type_name(list));
    n = json_object_array_length(list);
    if (n == 0)
        return CARDC_OK;
    card->props = calloc(n, sizeof *card->props);
    if (!card->props)
        return cardc__error(L->err, CARDC_E_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        cardc_status st =
            read_property(L, json_object_array_get_idx(list, i), base, i, &card->props[i]);

        card->prop_count = i + 1; /* so free() sees a value copied before a failure */
        if (st == CARDC_OK) {
            char ptr[128];
            snprintf(ptr, sizeof ptr, "%s/%zu", base, i);
            st = read_trait(L, json_object_array_get_idx(list, i), ptr);
        }
        if (st != CARDC_OK)
            return st;
    }
    return CARDC_OK;
}

/* "true"/"false" as the cards write them (strings), or a YAML/JSON boolean. */
static cardc_status trait_bool(const loader *L, struct json_object *v, const char *ptr,
                               const char *key, bool *out)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

    if (json_object_is_type(v, json_type_boolean))
        *out = json_object_get_boolean(v);
    else if (s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
        *out = s[0] == 't';
    else
        return fail_at(L, CARDC_E_CARD, ptr, "property '%s' must be true or false", key);
    return CARDC_OK;
}

static cardc_status trait_int(const loader *L, struct json_object *v, const char *ptr,
                              const char *key, long long *out)
{
    const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
    char *end = NULL;

    if (json_object_is_type(v, json_type_int)) {
        *out = json_object_get_int64(v);
    } else if (s && *s >= '0' && *s <= '9') {
        errno = 0;
        *out = strtoll(s, &end, 10);
        if (errno || *end)
            end = NULL;
    }
    if ((!json_object_is_type(v, json_type_int) && !end) || *out <= 0)
        return fail_at(L, CARDC_E_CARD, ptr, "property '%s' must be a positive integer", key);
    return CARDC_OK;
}

static cardc_status trait_price(const loader *L, struct json_object *v, const char *ptr)
{
    cardc_card *card = L->card;
    size_t n;
    char eptr[224];

    if (!json_object_is_type(v, json_type_array))
        return fail_at(L, CARDC_E_CARD, ptr,
                       "property 'price' must be a list of {unit, price, currency}");
    n = json_object_array_length(v);
    free(card->prices);
    card->prices = n ? calloc(n, sizeof *card->prices) : NULL;
    if (n && !card->prices)
        return cardc__error(L->err, CARDC_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i), *unit = NULL, *price = NULL,
                           *cur = NULL;
        snprintf(eptr, sizeof eptr, "%s/%zu", ptr, i);
        /* unit and currency may be absent; what is there has its type. */
        if (!json_object_is_type(e, json_type_object) ||
            (json_object_object_get_ex(e, "unit", &unit) &&
             !json_object_is_type(unit, json_type_string)) ||
            !json_object_object_get_ex(e, "price", &price) ||
            !(json_object_is_type(price, json_type_double) ||
              json_object_is_type(price, json_type_int)) ||
            (json_object_object_get_ex(e, "currency", &cur) &&
             !json_object_is_type(cur, json_type_string)))
            return fail_at(L, CARDC_E_CARD, eptr,
                           "a price must be {unit: string, price: number, currency: string}");
        card->prices[i] = (cardc_card_price){unit ? json_object_get_string(unit) : NULL,
                                             json_object_get_double(price),
                                             cur ? json_object_get_string(cur) : NULL};
    }
    card->traits.price = card->prices;
    card->traits.price_count = n;
    return CARDC_OK;
}

/* The properties with a known meaning, typed (item: a checked property). */
static cardc_status read_trait(const loader *L, struct json_object *item, const char *ptr)
{
    cardc_card_traits *t = &L->card->traits;
    struct json_object *v = NULL;
    const char *key = json_object_get_string(json_object_object_get(item, "property_id"));
    char vptr[192];

    json_object_object_get_ex(item, "value", &v);
    snprintf(vptr, sizeof vptr, "%s/value", ptr);
    if (strcmp(key, "context_window") == 0)
        return trait_int(L, v, vptr, key, &t->context_window);
    if (strcmp(key, "price") == 0)
        return trait_price(L, v, vptr);
    if (strcmp(key, "function_calling") == 0)
        return trait_bool(L, v, vptr, key, &t->function_calling);
    if (strcmp(key, "reasoning") == 0)
        return trait_bool(L, v, vptr, key, &t->reasoning);
    if (strcmp(key, "async_queue") == 0)
        return trait_bool(L, v, vptr, key, &t->async_queue);
    return CARDC_OK;
}

static cardc_status str_field(const loader *L, const struct json_object *obj, const char *key,
                              const char *prefix, const char *path, const char **dst)
{
    char ptr[96];

    snprintf(ptr, sizeof ptr, "%s%s", prefix, path);
    return get_string(L, obj, key, ptr, dst);
}

/* holder: the mapping with name/id/description/task/properties ("model" in
 * the YAML layout, the root in the JSON layout); prefix: its pointer. */
static cardc_status read_metadata(const loader *L, const struct json_object *holder,
                                  const char *prefix)
{
    cardc_card *card = L->card;
    struct json_object *task = NULL;
    char ptr[96];
    cardc_status st;

    snprintf(ptr, sizeof ptr, "%s/task", prefix);
    if ((st = str_field(L, holder, "name", prefix, "/name", &card->name)) != CARDC_OK ||
        (st = str_field(L, holder, "id", prefix, "/id", &card->id)) != CARDC_OK ||
        (st = str_field(L, holder, "description", prefix, "/description", &card->description)) !=
            CARDC_OK ||
        (st = get_mapping(L, holder, "task", ptr, &task)) != CARDC_OK ||
        (st = str_field(L, task, "id", prefix, "/task/id", &card->task_id)) != CARDC_OK ||
        (st = str_field(L, task, "name", prefix, "/task/name", &card->task_name)) != CARDC_OK ||
        (st = str_field(L, task, "description", prefix, "/task/description",
                        &card->task_description)) != CARDC_OK ||
        (st = get_string(L, card->doc, "task_type", "/task_type", &card->task_type)) != CARDC_OK)
        return st;
    snprintf(ptr, sizeof ptr, "%s/properties", prefix);
    return read_properties(L, holder, ptr);
}

/* ---- schemas ---------------------------------------------------------- */

/* Byte offset where 1-based `line` of the card starts, or SIZE_MAX. */
static size_t line_start(const loader *L, int line)
{
    size_t i = 0;
    int l = 1;

    while (l < line) {
        size_t br = 0;

        while (i < L->len && !(br = cardc__line_break_len(L->text, L->len, i, 1)))
            i++;
        if (i >= L->len)
            return SIZE_MAX;
        i += br;
        l++;
    }
    return i;
}

static int leading_spaces(const loader *L, size_t i)
{
    int n = 0;

    while (i < L->len && L->text[i] == ' ')
        i++, n++;
    return n;
}

/* A schema written as a literal block ("input: |") keeps its lines 1:1 in
 * the card, shifted by the block's indentation, so a JSON error inside it
 * can be pointed at exactly: schema line sline sits on card line
 * (line of '|') + sline. Returns 0 for any other scalar style (quoted
 * scalars have escapes, folded ones join lines) or when the position falls
 * outside the block; the caller then keeps the scalar's start. */
static int literal_block_position(const loader *L, int mark_line, int mark_col, int sline, int scol,
                                  int *line, int *column)
{
    size_t at = line_start(L, mark_line), first, target;
    int col, indent;

    if (!L->yaml || at == SIZE_MAX)
        return 0;
    for (col = 1; col < mark_col && at < L->len; col++) {
        at++;
        while (at < L->len && utf8_is_continuation((unsigned char)L->text[at]))
            at++;
    }
    if (at >= L->len || L->text[at] != '|')
        return 0;
    for (at++; at < L->len && (L->text[at] == '-' || L->text[at] == '+'); at++)
        ;
    if (at < L->len && L->text[at] >= '0' && L->text[at] <= '9')
        return 0; /* explicit indentation indicator: not worth guessing */
    first = line_start(L, mark_line + 1);
    target = line_start(L, mark_line + sline);
    if (first == SIZE_MAX || target == SIZE_MAX)
        return 0;
    indent = leading_spaces(L, first);
    if (indent == 0 || leading_spaces(L, target) < indent)
        return 0;
    *line = mark_line + sline;
    *column = indent + scol;
    return 1;
}

static cardc_status schema_from_text(const loader *L, cardc_side side, struct json_object *text)
{
    cardc_card *card = L->card;
    char ptr[64], msg[192];
    const char *s;
    size_t len, off = 0;
    int line, column;
    struct json_object *schema = NULL;
    cardc_status st;

    snprintf(ptr, sizeof ptr, "/json_schema/%s", side_names[side]);
    if (!json_object_is_type(text, json_type_string))
        return fail_at(L, CARDC_E_CARD, ptr,
                       "json_schema.%s must be a string holding the schema as JSON text, not %s",
                       side_names[side], type_name(text));
    s = json_object_get_string(text);
    len = (size_t)json_object_get_string_len(text);
    st = cardc__json_parse(s, len, L->max_depth, CARD_JSON_FLAGS, &schema, &off, msg, sizeof msg);
    if (st == CARDC_E_NOMEM)
        return cardc__error(L->err, st, "out of memory");
    if (st != CARDC_OK) {
        int card_line, card_column, sline, scol;

        cardc__text_position(s, len, off, 0, &sline, &scol);
        locate(L, ptr, &card_line, &card_column);
        if (st != CARDC_E_LIMIT &&
            literal_block_position(L, card_line, card_column, sline, scol, &line, &column)) {
            st = cardc__error_at(L->err, st, L->source, line, column,
                                 "schema text is not valid JSON: %s at line %d, column %d of "
                                 "the schema text (a literal block)",
                                 msg, sline, scol);
            cardc__error_pointer(L->err, ptr);
            return st;
        }
        line = sline;
        column = scol;
        if (st == CARDC_E_LIMIT)
            return fail_at(L, st, ptr,
                           "schema text nests deeper than %d levels (max_depth) at line %d, "
                           "column %d of the schema text",
                           L->max_depth, line, column);
        return fail_at(L, st, ptr,
                       "schema text is not valid JSON: %s at line %d, column %d of the schema text",
                       msg, line, column);
    }
    if (!json_object_is_type(schema, json_type_object) &&
        !json_object_is_type(schema, json_type_boolean)) {
        st = fail_at(L, CARDC_E_CARD, ptr,
                     "schema text must hold a JSON Schema (an object or a boolean), not %s",
                     schema ? type_name(schema) : "null");
        json_object_put(schema);
        return st;
    }
    card->schema[side] = schema;
    locate(L, ptr, &card->schema_line[side], &card->schema_column[side]);
    return CARDC_OK;
}

static cardc_status schema_from_object(const loader *L, cardc_side side, struct json_object *schema)
{
    cardc_card *card = L->card;
    char ptr[64];

    snprintf(ptr, sizeof ptr, "/schema/%s", side_names[side]);
    if (!json_object_is_type(schema, json_type_object) &&
        !json_object_is_type(schema, json_type_boolean))
        return fail_at(L, CARDC_E_CARD, ptr,
                       "schema.%s must be a JSON Schema (an object or a boolean), not %s",
                       side_names[side], type_name(schema));
    card->schema[side] = json_object_get(schema);
    locate(L, ptr, &card->schema_line[side], &card->schema_column[side]);
    return CARDC_OK;
}

static cardc_status read_schemas(const loader *L)
{
    cardc_card *card = L->card;
    const char *key = card->yaml_layout ? "json_schema" : "schema";
    struct json_object *holder;
    cardc_status st;
    int side;

    st = get_mapping(L, card->doc, key, card->yaml_layout ? "/json_schema" : "/schema", &holder);
    for (side = 0; st == CARDC_OK && side < 2; side++) {
        /* Absent or null: the card has no schema for that side, which
         * cardc_card_schema reports; it is not a loading error. */
        struct json_object *v = member(holder, side_names[side]);

        if (!v)
            continue;
        st = card->yaml_layout ? schema_from_text(L, (cardc_side)side, v)
                               : schema_from_object(L, (cardc_side)side, v);
    }
    return st;
}

/* ---- the whole card --------------------------------------------------- */

static cardc_status extract(const loader *L)
{
    cardc_card *card = L->card;
    struct json_object *model;
    cardc_status st;

    if (member(card->doc, "model") || member(card->doc, "json_schema")) {
        card->yaml_layout = 1;
        st = get_mapping(L, card->doc, "model", "/model", &model);
        if (st == CARDC_OK)
            st = read_metadata(L, model, "/model");
    } else if (member(card->doc, "name") || member(card->doc, "schema")) {
        st = read_metadata(L, card->doc, "");
    } else {
        return fail_at(L, CARDC_E_CARD, "",
                       "not a model card: expected a 'model' mapping (YAML layout) or "
                       "'name'/'schema' (JSON layout)");
    }
    if (st == CARDC_OK)
        st = read_schemas(L);
    return st;
}

/* Length of the line at text[i] without its break and trailing blanks. */
static size_t line_content(const char *text, size_t len, size_t i, size_t *next)
{
    size_t end = i, n;

    while (end < len && !cardc__line_break_len(text, len, end, 0))
        end++;
    *next = end < len ? end + cardc__line_break_len(text, len, end, 0) : len;
    n = end - i;
    while (n > 0 && (text[i + n - 1] == ' ' || text[i + n - 1] == '\t'))
        n--;
    return n;
}

static int is_marker(const char *text, size_t len, size_t i, size_t *next, int closing)
{
    size_t n = line_content(text, len, i, next);

    return n == 3 &&
           (memcmp(text + i, "---", 3) == 0 || (closing && memcmp(text + i, "...", 3) == 0));
}

/* Plain text that libyaml cannot parse is far more often Markdown without
 * front matter than a broken bare YAML card; a YAML card starts with a key
 * ("model:"), a sequence entry, a directive or a document marker. */
static int looks_like_yaml(const char *text, size_t len)
{
    size_t i = 0, next, n, k;

    for (; i < len; i = next) {
        n = line_content(text, len, i, &next);
        while (n > 0 && (text[i] == ' ' || text[i] == '\t'))
            i++, n--;
        if (n == 0 || text[i] == '#')
            continue;
        if (text[i] == '%' ||
            (n >= 2 && text[i] == '-' && (text[i + 1] == ' ' || text[i + 1] == '-')))
            return 1;
        for (k = 0; k < n; k++) {
            if (text[i + k] == ':' &&
                (k + 1 == n || text[i + k + 1] == ' ' || text[i + k + 1] == '\t'))
                return k > 0;
            if (text[i + k] == ' ' && k + 1 < n && text[i + k + 1] == '#')
                return 0;
        }
        return 0;
    }
    return 0;
}

static cardc_status load_yaml(loader *L, size_t start, size_t end, int line_base)
{
    cardc__yaml_input in;
    cardc_card *card = L->card;
    cardc_error yerr;
    cardc_status st;
    int front = card->format == CARDC_CARD_FRONT_MATTER;

    in.text = L->text + start;
    in.len = end - start;
    in.source = L->source;
    in.line_base = line_base;
    in.max_nodes = L->max_nodes;
    in.max_depth = L->max_depth;
    cardc_error_clear(&yerr);
    st = cardc__yaml_load(&in, &L->yaml, &card->doc, &yerr);
    if ((st == CARDC_E_YAML || st == CARDC_E_UTF8) && !front && !looks_like_yaml(in.text, in.len))
        return cardc__error_at(L->err, CARDC_E_CARD, L->source, 1, 1,
                               "no YAML front matter (expected a first line '---')");
    if (st != CARDC_OK) {
        if (L->err && L->err->code == CARDC_OK)
            *L->err = yerr;
        return st;
    }
    if (json_object_is_type(card->doc, json_type_object))
        return CARDC_OK;
    if (front && !card->doc)
        return cardc__error_at(L->err, CARDC_E_CARD, L->source, 1, 1,
                               "not a model card: the YAML front matter is empty");
    if (!front && (!card->doc || json_object_is_type(card->doc, json_type_string)))
        return cardc__error_at(L->err, CARDC_E_CARD, L->source, 1, 1,
                               card->doc ? "no YAML front matter (expected a first line '---')"
                                         : "not a model card: the file holds no YAML document");
    return fail_at(L, CARDC_E_CARD, "", "not a model card: the %s is %s, expected a mapping",
                   front ? "YAML front matter" : "YAML document", type_name(card->doc));
}

static cardc_status load_json(loader *L)
{
    cardc_card *card = L->card;
    char msg[192];
    size_t off = 0;
    int line, column;
    cardc_status st;

    st = cardc__json_parse(L->text, L->len, L->max_depth, CARD_JSON_FLAGS, &card->doc, &off, msg,
                           sizeof msg);
    if (st == CARDC_E_NOMEM)
        return cardc__error(L->err, st, "out of memory");
    if (st != CARDC_OK) {
        cardc__text_position(L->text, L->len, off, 0, &line, &column);
        cardc__error_at(L->err, st, L->source, line, column,
                        st == CARDC_E_LIMIT
                            ? "JSON card nests deeper than the limit (max_depth): %s"
                            : "invalid JSON card: %s",
                        msg);
        if (L->err)
            L->err->offset = off;
        return st;
    }
    if (!json_object_is_type(card->doc, json_type_object))
        return fail_at(L, CARDC_E_CARD, "", "not a model card: the JSON text is not an object");
    return CARDC_OK;
}

static cardc_status detect_and_load(loader *L)
{
    const char *t = L->text;
    size_t len = L->len, next, i, at;

    if (is_marker(t, len, 0, &next, 0)) {
        L->card->format = CARDC_CARD_FRONT_MATTER;
        for (i = next; i < len; i = at) {
            if (is_marker(t, len, i, &at, 1))
                return load_yaml(L, next, i, 1);
        }
        return cardc__error_at(L->err, CARDC_E_CARD, L->source, 1, 1,
                               "unterminated YAML front matter: no closing '---' or '...' line");
    }
    for (i = 0; i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'); i++)
        ;
    if (i < len && t[i] == '{') {
        L->card->format = CARDC_CARD_JSON;
        return load_json(L);
    }
    L->card->format = CARDC_CARD_YAML;
    return load_yaml(L, 0, len, 0);
}

static cardc_status card_load_mem_body(const char *text, size_t len, const char *source,
                                       const cardc_card_options *opts, cardc_card **out,
                                       cardc_error *err)
{
    const unsigned char *u = (const unsigned char *)text;
    loader L;
    cardc_status st;

    if (!out || (!text && len))
        return cardc__error(err, CARDC_E_USAGE, "cardc_card_load_mem: NULL argument");
    *out = NULL;
    if (!text)
        text = "";
    memset(&L, 0, sizeof L);
    L.source = source ? source : "<string>";
    L.err = err;
    L.max_nodes = opts && opts->max_nodes ? opts->max_nodes : DEFAULT_MAX_NODES;
    L.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : DEFAULT_MAX_DEPTH;
    if (L.max_depth > HARD_MAX_DEPTH)
        L.max_depth = HARD_MAX_DEPTH;
    if (len >= INT_MAX)
        return cardc__error_at(err, CARDC_E_LIMIT, L.source, 0, 0, "card larger than 2 GiB");
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        return cardc__error_at(err, CARDC_E_UTF8, L.source, 1, 1,
                               "card is UTF-16 or UTF-32 (byte order mark); cards must be UTF-8");
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        text += 3;
        len -= 3;
    }
    L.text = text;
    L.len = len;
    L.card = calloc(1, sizeof *L.card);
    if (!L.card || !(L.card->source = strdup(L.source))) {
        free(L.card);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    L.source = L.card->source;
    st = detect_and_load(&L);
    if (st == CARDC_OK)
        st = extract(&L);
    cardc__yaml_free(L.yaml);
    if (st != CARDC_OK) {
        cardc_card_free(L.card);
        return st;
    }
    *out = L.card;
    return CARDC_OK;
}

void cardc_card_options_init(cardc_card_options *opts)
{
    if (opts)
        memset(opts, 0, sizeof *opts);
}

cardc_status cardc_card_load_mem(const char *text, size_t len, const char *source,
                                 const cardc_card_options *opts, cardc_card **out, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, card_load_mem_body(text, len, source, opts, out, err));
}

static cardc_status read_all(FILE *f, const char *path, char **text, size_t *len, cardc_error *err)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);

    if (!buf)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);

        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *bigger;

            if (cap >= (size_t)INT_MAX) {
                free(buf);
                return cardc__error_at(err, CARDC_E_LIMIT, path, 0, 0, "card larger than 2 GiB");
            }
            bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return cardc__error(err, CARDC_E_NOMEM, "out of memory");
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        free(buf);
        return cardc__error_at(err, CARDC_E_IO, path, 0, 0, "cannot read the card: %s",
                               strerror(errno));
    }
    *text = buf;
    *len = n;
    return CARDC_OK;
}

static cardc_status card_load_body(const char *path, const cardc_card_options *opts,
                                   cardc_card **out, cardc_error *err)
{
    int is_stdin;
    FILE *f;
    char *text = NULL;
    size_t len = 0;
    cardc_status st;

    if (!path || !out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_card_load: NULL argument");
    *out = NULL;
    is_stdin = strcmp(path, "-") == 0;
    f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) /* fopen allocates: it may fail for want of memory */
        return cardc__error_at(err, errno == ENOMEM ? CARDC_E_NOMEM : CARDC_E_IO, path, 0, 0,
                               "cannot open the card: %s", strerror(errno));
    st = read_all(f, is_stdin ? "<stdin>" : path, &text, &len, err);
    if (!is_stdin)
        fclose(f);
    if (st != CARDC_OK)
        return st;
    st = cardc_card_load_mem(text, len, is_stdin ? "<stdin>" : path, opts, out, err);
    free(text);
    return st;
}

cardc_status cardc_card_load(const char *path, const cardc_card_options *opts, cardc_card **out,
                             cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, card_load_body(path, opts, out, err));
}

void cardc_card_free(cardc_card *card)
{
    size_t i;

    if (!card)
        return;
    for (i = 0; i < card->prop_count; i++)
        free(card->props[i].owned_value);
    free(card->props);
    free(card->prices);
    json_object_put(card->schema[0]);
    json_object_put(card->schema[1]);
    json_object_put(card->doc);
    free(card->source);
    free(card);
}

/* ---- accessors -------------------------------------------------------- */

cardc_card_format cardc_card_get_format(const cardc_card *card)
{
    return card ? card->format : (cardc_card_format)0;
}

#define GETTER(fn, field)                  \
    const char *fn(const cardc_card *card) \
    {                                      \
        return card ? card->field : NULL;  \
    }

GETTER(cardc_card_source, source)
GETTER(cardc_card_name, name)
GETTER(cardc_card_id, id)
GETTER(cardc_card_description, description)
GETTER(cardc_card_task_id, task_id)
GETTER(cardc_card_task_name, task_name)
GETTER(cardc_card_task_description, task_description)
GETTER(cardc_card_task_type, task_type)
#undef GETTER

size_t cardc_card_property_count(const cardc_card *card)
{
    return card ? card->prop_count : 0;
}

int cardc_card_property(const cardc_card *card, size_t index, const char **key, const char **value)
{
    if (!card || index >= card->prop_count)
        return 0;
    if (key)
        *key = card->props[index].key;
    if (value)
        *value = card->props[index].value;
    return 1;
}

const cardc_card_traits *cardc_card_get_traits(const cardc_card *card)
{
    return card ? &card->traits : NULL;
}

const struct json_object *cardc_card_document(const cardc_card *card)
{
    return card ? card->doc : NULL;
}

static cardc_status card_schema_body(const cardc_card *card, cardc_side side,
                                     const struct json_object **schema, cardc_error *err)
{
    const char *base, *slash;

    if (schema)
        *schema = NULL;
    if (!card || !schema || (side != CARDC_SIDE_INPUT && side != CARDC_SIDE_OUTPUT))
        return cardc__error(err, CARDC_E_USAGE, "cardc_card_schema: invalid argument");
    if (card->schema[side]) {
        *schema = card->schema[side];
        return CARDC_OK;
    }
    base = card->source;
    slash = strrchr(base, '/');
    if (slash && slash[1])
        base = slash + 1;
    cardc__error_at(err, CARDC_E_NO_SCHEMA, card->source, 0, 0, "card %s has no %s schema (%s.%s)",
                    base, side_names[side], card->yaml_layout ? "json_schema" : "schema",
                    side_names[side]);
    if (err && err->code == CARDC_E_NO_SCHEMA) {
        char ptr[32];

        snprintf(ptr, sizeof ptr, "/%s/%s", card->yaml_layout ? "json_schema" : "schema",
                 side_names[side]);
        cardc__error_pointer(err, ptr);
    }
    return CARDC_E_NO_SCHEMA;
}

cardc_status cardc_card_schema(const cardc_card *card, cardc_side side,
                               const struct json_object **schema, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, card_schema_body(card, side, schema, err));
}

void cardc_card_schema_position(const cardc_card *card, cardc_side side, int *line, int *column)
{
    int ok = card && (side == CARDC_SIDE_INPUT || side == CARDC_SIDE_OUTPUT);

    if (line)
        *line = ok ? card->schema_line[side] : 0;
    if (column)
        *column = ok ? card->schema_column[side] : 0;
}
