/* SPDX-License-Identifier: MIT */
/* cardc_result: errors and annotations of one validation, and the standard
 * output formats (JSON Schema 2020-12 section 12). */
#include <stdlib.h>
#include <string.h>

#include "common/errors_internal.h"
#include "json/json_internal.h"
#include "schema/schema_internal.h"

static cardc_status result_new_body(cardc_result **out, cardc_error *err)
{
    cardc_result *r;

    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_result_new: out is NULL");
    r = calloc(1, sizeof *r);
    if (!r)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    r->valid = true;
    *out = r;
    return CARDC_OK;
}

cardc_status cardc_result_new(cardc_result **out, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, result_new_body(out, err));
}

void cardc__unit_free(runit *u)
{
    free(u->buf);
    free(u->param);
    if (u->ann)
        json_object_put(u->ann);
    memset(u, 0, sizeof *u);
}

void cardc__result_truncate_errors(cardc_result *r, size_t from)
{
    while (r->nerr > from)
        cardc__unit_free(&r->err[--r->nerr]);
}

void cardc__result_truncate_annotations(cardc_result *r, size_t from)
{
    while (r->nann > from)
        cardc__unit_free(&r->ann[--r->nann]);
}

void cardc__result_clear(cardc_result *r)
{
    cardc__result_truncate_errors(r, 0);
    cardc__result_truncate_annotations(r, 0);
    r->valid = true;
    r->truncated = false;
}

void cardc_result_free(cardc_result *r)
{
    if (!r)
        return;
    cardc__result_clear(r);
    cardc__doc_release(&r->doc);
    free(r->err);
    free(r->ann);
    free(r);
}

static int push(runit **v, size_t *n, size_t *cap, runit *u)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        runit *nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return 0;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = *u;
    return 1;
}

int cardc__result_push_error(cardc_result *r, runit *u)
{
    return push(&r->err, &r->nerr, &r->caperr, u);
}

int cardc__result_push_annotation(cardc_result *r, runit *u)
{
    return push(&r->ann, &r->nann, &r->capann, u);
}

runit *cardc__result_main_error(const cardc_result *r)
{
    for (size_t i = 0; i < r->nerr; i++) {
        const cardc_unit *u = &r->err[i].u;
        if (u->code != CARDC_V_ONE_OF && u->code != CARDC_V_ANY_OF && u->code != CARDC_V_ALL_OF &&
            !(u->keyword && u->keyword[0] == '$' && strcmp(u->keyword, "$ref") == 0))
            return &r->err[i];
    }
    return r->nerr ? &r->err[0] : NULL;
}

bool cardc_result_valid(const cardc_result *r)
{
    return r ? r->valid : false;
}

size_t cardc_result_error_count(const cardc_result *r)
{
    return r ? r->nerr : 0;
}

const cardc_unit *cardc_result_error(const cardc_result *r, size_t i)
{
    return (r && i < r->nerr) ? &r->err[i].u : NULL;
}

size_t cardc_result_annotation_count(const cardc_result *r)
{
    return r ? r->nann : 0;
}

const cardc_unit *cardc_result_annotation(const cardc_result *r, size_t i)
{
    return (r && i < r->nann) ? &r->ann[i].u : NULL;
}

bool cardc_result_truncated(const cardc_result *r)
{
    return r ? r->truncated : false;
}

/* ---- output ---- */

/* o[key] = v, v made just now (NULL: it could not be): -1 when v or the
 * member could not be made; v is released then. */
static int set_new(struct json_object *o, const char *key, struct json_object *v)
{
    if (!v || cardc__json_set(o, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

static int set_str(struct json_object *o, const char *key, const char *s)
{
    return set_new(o, key, json_object_new_string(s));
}

/* An output unit; NULL when out of memory. */
static struct json_object *unit_json(const runit *u, bool valid)
{
    struct json_object *o = json_object_new_object(), *ann = NULL;
    int bad;

    if (!o)
        return NULL;
    bad = set_new(o, "valid", json_object_new_boolean(valid)) ||
          set_str(o, "keywordLocation", u->u.keyword_location) ||
          (u->u.absolute_keyword_location && u->u.absolute_keyword_location[0] &&
           set_str(o, "absoluteKeywordLocation", u->u.absolute_keyword_location)) ||
          set_str(o, "instanceLocation", u->u.instance_location);
    if (!bad && !valid)
        bad = set_str(o, "error", u->u.message) || set_str(o, "code", cardc_vcode_name(u->u.code));
    else if (!bad) {
        /* an annotation may be JSON null */
        bad = u->ann && json_object_deep_copy(u->ann, &ann, NULL) != 0;
        if (!bad && cardc__json_set(o, "annotation", ann) != 0) {
            json_object_put(ann);
            bad = 1;
        }
    }
    if (bad) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static struct json_object *root_unit(bool valid)
{
    struct json_object *o = json_object_new_object();

    if (o && (set_new(o, "valid", json_object_new_boolean(valid)) ||
              set_str(o, "keywordLocation", "") || set_str(o, "instanceLocation", ""))) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* Appends child (NULL: it could not be made) to parent[list]; -1 when out
 * of memory (child is released then). */
static int add_child(struct json_object *parent, const char *list, struct json_object *child)
{
    struct json_object *arr;

    if (!child)
        return -1;
    if (!json_object_object_get_ex(parent, list, &arr) &&
        set_new(parent, list, arr = json_object_new_array()) != 0)
        arr = NULL;
    if (!arr || json_object_array_add(arr, child) != 0) {
        json_object_put(child);
        return -1;
    }
    return 0;
}

static bool is_parent(const char *p, const char *c)
{
    size_t n = strlen(p);
    return !strncmp(p, c, n) && (n == 0 || c[n] == '/');
}

/* detailed: a unit nests under the nearest earlier unit whose keyword
 * location is a prefix of its own (the applicator that produced it). */
static int add_detailed(struct json_object *root, const runit *units, size_t n, bool valid,
                        const char *list)
{
    struct json_object **stk = n ? malloc(n * sizeof *stk) : NULL;
    const char **kls = n ? malloc(n * sizeof *kls) : NULL;
    size_t top = 0;
    int bad = n && (!stk || !kls);

    for (size_t i = 0; i < n && !bad; i++) {
        struct json_object *u = unit_json(&units[i], valid);
        const char *kl = units[i].u.keyword_location;
        while (top > 0 && !is_parent(kls[top - 1], kl))
            top--;
        bad = add_child(top ? stk[top - 1] : root, list, u) != 0;
        stk[top] = u;
        kls[top] = kl;
        top++;
    }
    free(stk);
    free(kls);
    return bad ? -1 : 0;
}

static cardc_status result_output_body(const cardc_result *r, cardc_output_format format,
                                       struct json_object **out, cardc_error *err)
{
    struct json_object *root;
    const runit *units;
    size_t n;
    const char *list;
    bool valid;
    int bad = 0;

    if (!r || !out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_result_output: NULL argument");
    *out = NULL;
    valid = r->valid;
    root = format == CARDC_OUTPUT_FLAG ? json_object_new_object() : root_unit(valid);
    if (!root)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    units = valid ? r->ann : r->err;
    n = valid ? r->nann : r->nerr;
    list = valid ? "annotations" : "errors";
    if (format == CARDC_OUTPUT_FLAG)
        bad = set_new(root, "valid", json_object_new_boolean(valid));
    else if (!valid && n == 0)
        /* validation stopped (a limit) before any error unit: the format
         * still needs an "error" on a failed unit */
        bad = set_str(root, "error", "validation could not be completed");
    else if (format == CARDC_OUTPUT_BASIC)
        for (size_t i = 0; i < n && !bad; i++)
            bad = add_child(root, list, unit_json(&units[i], valid));
    else
        bad = add_detailed(root, units, n, valid, list);
    if (bad) {
        json_object_put(root);
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    }
    *out = root;
    return CARDC_OK;
}

cardc_status cardc_result_output(const cardc_result *r, cardc_output_format format,
                                 struct json_object **out, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, result_output_body(r, format, out, err));
}
