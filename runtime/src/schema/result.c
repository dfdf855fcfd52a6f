/* SPDX-License-Identifier: MIT */
/* cardc_result: errors and annotations of one validation, and the standard
 * output formats (JSON Schema 2020-12 section 12). */
#include <stdlib.h>
#include <string.h>

#include "common/errors_internal.h"
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

static struct json_object *copy(struct json_object *v)
{
    struct json_object *c = NULL;

    if (!v || json_object_deep_copy(v, &c, NULL) != 0)
        return NULL;
    return c;
}

static struct json_object *unit_json(const runit *u, bool valid)
{
    struct json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    json_object_object_add(o, "valid", json_object_new_boolean(valid));
    json_object_object_add(o, "keywordLocation", json_object_new_string(u->u.keyword_location));
    if (u->u.absolute_keyword_location && u->u.absolute_keyword_location[0])
        json_object_object_add(o, "absoluteKeywordLocation",
                               json_object_new_string(u->u.absolute_keyword_location));
    json_object_object_add(o, "instanceLocation", json_object_new_string(u->u.instance_location));
    if (!valid) {
        json_object_object_add(o, "error", json_object_new_string(u->u.message));
        json_object_object_add(o, "code", json_object_new_string(cardc_vcode_name(u->u.code)));
    } else {
        json_object_object_add(o, "annotation", u->ann ? copy(u->ann) : NULL);
    }
    return o;
}

static struct json_object *root_unit(bool valid)
{
    struct json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    json_object_object_add(o, "valid", json_object_new_boolean(valid));
    json_object_object_add(o, "keywordLocation", json_object_new_string(""));
    json_object_object_add(o, "instanceLocation", json_object_new_string(""));
    return o;
}

static void add_child(struct json_object *parent, const char *list, struct json_object *child)
{
    struct json_object *arr;

    if (!json_object_object_get_ex(parent, list, &arr)) {
        arr = json_object_new_array();
        json_object_object_add(parent, list, arr);
    }
    json_object_array_add(arr, child);
}

static bool is_parent(const char *p, const char *c)
{
    size_t n = strlen(p);
    return !strncmp(p, c, n) && (n == 0 || c[n] == '/');
}

static cardc_status result_output_body(const cardc_result *r, cardc_output_format format,
                                       struct json_object **out, cardc_error *err)
{
    struct json_object *root;
    const runit *units;
    size_t n, i;
    const char *list;
    bool valid;

    if (!r || !out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_result_output: NULL argument");
    valid = r->valid;
    root = format == CARDC_OUTPUT_FLAG ? json_object_new_object() : root_unit(valid);
    if (!root)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    if (format == CARDC_OUTPUT_FLAG) {
        json_object_object_add(root, "valid", json_object_new_boolean(valid));
        *out = root;
        return CARDC_OK;
    }
    units = valid ? r->ann : r->err;
    n = valid ? r->nann : r->nerr;
    list = valid ? "annotations" : "errors";
    if (!valid && n == 0) {
        /* validation stopped (a limit) before any error unit: the format
         * still needs an "error" on a failed unit */
        json_object_object_add(root, "error",
                               json_object_new_string("validation could not be completed"));
    }
    if (format == CARDC_OUTPUT_BASIC) {
        for (i = 0; i < n; i++)
            add_child(root, list, unit_json(&units[i], valid));
    } else {
        /* detailed: a unit nests under the nearest earlier unit whose keyword
         * location is a prefix of its own (the applicator that produced it). */
        struct json_object **stk = n ? malloc(n * sizeof *stk) : NULL;
        const char **kls = n ? malloc(n * sizeof *kls) : NULL;
        size_t top = 0;

        if (n && (!stk || !kls)) {
            free(stk);
            free(kls);
            json_object_put(root);
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        }
        for (i = 0; i < n; i++) {
            struct json_object *u = unit_json(&units[i], valid);
            const char *kl = units[i].u.keyword_location;
            while (top > 0 && !is_parent(kls[top - 1], kl))
                top--;
            add_child(top ? stk[top - 1] : root, list, u);
            stk[top] = u;
            kls[top] = kl;
            top++;
        }
        free(stk);
        free(kls);
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
