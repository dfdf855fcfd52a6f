/* SPDX-License-Identifier: MIT */
/* check.c: claims about values are settled by the real validator. The unit's
 * root is registered under LINT_ROOT_URI, and a subschema is compiled as
 * {"$ref": LINT_ROOT_URI "#" + pointer}, so its "$ref"s and "$id"s resolve as
 * they do in the whole schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json_pointer.h>

#include "lint_internal.h"

bool lint_unit_compile(lint_run *run, size_t unit, cardc_error *err)
{
    lint_unit *u = &run->units[unit];
    cardc_schema_options so;
    cardc_schema *s = NULL;
    cardc_error e;

    if (!err)
        err = &e;
    cardc_error_clear(err);
    if (!u->registry && (cardc_registry_new(&u->registry, err) != CARDC_OK ||
                         cardc_registry_add(u->registry, LINT_ROOT_URI,
                                            (struct json_object *)u->root, err) != CARDC_OK)) {
        cardc_registry_free(u->registry);
        u->registry = NULL;
        return false;
    }
    cardc_schema_options_init(&so);
    so.dialect = run->opts.dialect;
    so.base_uri = LINT_ROOT_URI;
    u->compiles = cardc_schema_compile(u->root, &so, &s, err) == CARDC_OK;
    cardc_schema_free(s);
    return u->compiles;
}

/* The pointer as a URI fragment: every byte outside RFC 3986's pchar set
 * percent-encoded. */
static char *fragment(const char *ptr)
{
    static const char ok[] = "-._~!$&'()*+,;=:@/";
    strbuf b = {0};

    strbuf_str(&b, LINT_ROOT_URI "#");
    for (const unsigned char *p = (const unsigned char *)ptr; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(ok, *p))
            strbuf_add(&b, (const char *)p, 1);
        else
            strbuf_printf(&b, "%%%02X", *p);
    }
    return cardc__strbuf_take(&b);
}

int lint_check(const lint_run *run, size_t unit, const char *ptr, struct json_object *value,
               char *msg, size_t size)
{
    const lint_unit *u = &run->units[unit];
    struct json_object *wrapper = NULL;
    cardc_schema_options so;
    cardc_schema *s = NULL;
    cardc_result *r = NULL;
    char *uri = fragment(ptr);
    int verdict = -1;

    if (msg && size)
        msg[0] = '\0';
    if (!uri || !u->registry)
        goto out;
    cardc_schema_options_init(&so);
    so.dialect = run->opts.dialect;
    if (u->compiles) {
        wrapper = json_object_new_object();
        if (!wrapper || json_object_object_add(wrapper, "$ref", json_object_new_string(uri)) != 0)
            goto out;
        so.registry = u->registry;
    } else {
        /* The whole schema is refused (schema-invalid says why): the
         * subschema alone still gets its checks unless it needs the rest. */
        struct json_object *sub = NULL;
        if (json_pointer_get((struct json_object *)u->root, ptr, &sub) != 0)
            goto out;
        wrapper = json_object_get(sub);
    }
    if (cardc_schema_compile(wrapper, &so, &s, NULL) != CARDC_OK ||
        cardc_result_new(&r, NULL) != CARDC_OK)
        goto out;
    switch (cardc_validate(s, value, NULL, r, NULL)) {
    case CARDC_OK: verdict = 1; break;
    case CARDC_E_INVALID: {
        /* The deepest error says most: after a failed oneOf come the
         * closest branch's errors. */
        size_t n = cardc_result_error_count(r);
        const cardc_unit *e = n ? cardc_result_error(r, n - 1) : NULL;
        if (e && msg)
            snprintf(msg, size, "%s%s%s", e->instance_location, *e->instance_location ? ": " : "",
                     e->message);
        verdict = 0;
        break;
    }
    default: break;
    }
out:
    free(uri);
    json_object_put(wrapper);
    cardc_schema_free(s);
    cardc_result_free(r);
    return verdict;
}
