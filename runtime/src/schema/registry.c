/* SPDX-License-Identifier: MIT */
/* cardc_registry: documents that "$ref" may point to, keyed by URI. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/errors_internal.h"
#include "schema/schema_internal.h"
#include "schema/uri.h"

static cardc_status registry_new_body(cardc_registry **out, cardc_error *err)
{
    cardc_registry *r;

    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_registry_new: out is NULL");
    r = calloc(1, sizeof *r);
    if (!r)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    *out = r;
    return CARDC_OK;
}

cardc_status cardc_registry_new(cardc_registry **out, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, registry_new_body(out, err));
}

void cardc_registry_free(cardc_registry *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->n; i++) {
        free(r->e[i].uri);
        json_object_put(r->e[i].doc);
    }
    free(r->e);
    free(r);
}

static char *normalise(const char *uri)
{
    char *u = cardc__uri_resolve("", uri);
    if (u)
        u[cardc__uri_fragment_pos(u)] = '\0';
    return u;
}

struct json_object *cardc__registry_find(const cardc_registry *reg, const char *uri)
{
    size_t i;

    if (!reg)
        return NULL;
    for (i = 0; i < reg->n; i++)
        if (!strcmp(reg->e[i].uri, uri))
            return reg->e[i].doc;
    return NULL;
}

static cardc_status registry_add_body(cardc_registry *r, const char *uri, struct json_object *doc,
                                      cardc_error *err)
{
    char *u;
    size_t i;

    if (!r || !uri || !doc)
        return cardc__error(err, CARDC_E_USAGE, "cardc_registry_add: NULL argument");
    u = normalise(uri);
    if (!u)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    for (i = 0; i < r->n; i++) {
        if (!strcmp(r->e[i].uri, u)) {
            /* Re-registering replaces: the newest document wins. */
            json_object_put(r->e[i].doc);
            r->e[i].doc = json_object_get(doc);
            free(u);
            return CARDC_OK;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        cardc_reg_entry *e = realloc(r->e, cap * sizeof *e);
        if (!e) {
            free(u);
            return cardc__error(err, CARDC_E_NOMEM, "out of memory");
        }
        r->e = e;
        r->cap = cap;
    }
    r->e[r->n].uri = u;
    r->e[r->n].doc = json_object_get(doc);
    r->n++;
    return CARDC_OK;
}

cardc_status cardc_registry_add(cardc_registry *r, const char *uri, struct json_object *doc,
                                cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, registry_add_body(r, uri, doc, err));
}

static cardc_status registry_add_file_body(cardc_registry *r, const char *uri, const char *path,
                                           cardc_error *err)
{
    struct json_object *doc;
    cardc_status st;

    if (!r || !uri || !path)
        return cardc__error(err, CARDC_E_USAGE, "cardc_registry_add_file: NULL argument");
    doc = json_object_from_file(path);
    if (!doc)
        return cardc__error(err, CARDC_E_JSON, "cannot read JSON from %s: %s", path,
                            json_util_get_last_err() ? json_util_get_last_err() : "unknown error");
    st = cardc_registry_add(r, uri, doc, err);
    json_object_put(doc);
    return st;
}

cardc_status cardc_registry_add_file(cardc_registry *r, const char *uri, const char *path,
                                     cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, registry_add_file_body(r, uri, path, err));
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static cardc_status add_dir(cardc_registry *r, const char *base, const char *dir, int depth,
                            cardc_error *err)
{
    DIR *d;
    struct dirent *de;
    cardc_status st = CARDC_OK;

    if (depth > 64)
        return cardc__error(err, CARDC_E_LIMIT, "%s: directories nested too deeply", dir);
    d = opendir(dir);
    if (!d)
        return cardc__error(err, CARDC_E_IO, "cannot open directory %s", dir);
    while (st == CARDC_OK && (de = readdir(d)) != NULL) {
        struct stat sb;
        size_t pl, bl;
        char *path, *uri;

        if (de->d_name[0] == '.')
            continue;
        pl = strlen(dir) + strlen(de->d_name) + 2;
        bl = strlen(base) + strlen(de->d_name) + 2;
        path = malloc(pl);
        uri = malloc(bl);
        if (!path || !uri) {
            free(path);
            free(uri);
            st = cardc__error(err, CARDC_E_NOMEM, "out of memory");
            break;
        }
        strcpy(path, dir);
        strcat(path, "/");
        strcat(path, de->d_name);
        strcpy(uri, base);
        strcat(uri, de->d_name);
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            strcat(uri, "/");
            st = add_dir(r, uri, path, depth + 1, err);
        } else if (has_suffix(de->d_name, ".json")) {
            st = cardc_registry_add_file(r, uri, path, err);
        }
        free(path);
        free(uri);
    }
    closedir(d);
    return st;
}

static cardc_status registry_add_dir_body(cardc_registry *r, const char *base_uri, const char *dir,
                                          cardc_error *err)
{
    char *base;
    size_t n;
    cardc_status st;

    if (!r || !base_uri || !dir)
        return cardc__error(err, CARDC_E_USAGE, "cardc_registry_add_dir: NULL argument");
    n = strlen(base_uri);
    base = malloc(n + 2);
    if (!base)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    memcpy(base, base_uri, n + 1);
    if (n == 0 || base[n - 1] != '/')
        strcat(base, "/");
    st = add_dir(r, base, dir, 0, err);
    free(base);
    return st;
}

cardc_status cardc_registry_add_dir(cardc_registry *r, const char *base_uri, const char *dir,
                                    cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, registry_add_dir_body(r, base_uri, dir, err));
}
