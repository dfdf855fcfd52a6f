/* SPDX-License-Identifier: MIT */
/* The embedded official meta-schemas (runtime/src/metaschemas.c, generated):
 * every one parses, is registered under its own $id, and the set covers the
 * documents "$schema"/"$ref" of each supported dialect name. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "schema/metaschemas.h"

#include "check.h"

static json_object *find(const char *uri)
{
    for (size_t i = 0; i < cardc_metaschema_count; i++)
        if (strcmp(cardc_metaschemas[i].uri, uri) == 0)
            return json_tokener_parse(cardc_metaschemas[i].text);
    return NULL;
}

int main(void)
{
    static const char *const expected[] = {
        "http://json-schema.org/draft-04/schema",
        "http://json-schema.org/draft-06/schema",
        "http://json-schema.org/draft-07/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2019-09/meta/core",
        "https://json-schema.org/draft/2019-09/meta/applicator",
        "https://json-schema.org/draft/2019-09/meta/validation",
        "https://json-schema.org/draft/2019-09/meta/meta-data",
        "https://json-schema.org/draft/2019-09/meta/format",
        "https://json-schema.org/draft/2019-09/meta/content",
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2020-12/meta/core",
        "https://json-schema.org/draft/2020-12/meta/applicator",
        "https://json-schema.org/draft/2020-12/meta/unevaluated",
        "https://json-schema.org/draft/2020-12/meta/validation",
        "https://json-schema.org/draft/2020-12/meta/meta-data",
        "https://json-schema.org/draft/2020-12/meta/format-annotation",
        "https://json-schema.org/draft/2020-12/meta/content",
    };
    CHECK(cardc_metaschema_count == sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        json_object *doc = find(expected[i]), *id;
        CHECK(doc != NULL && json_object_is_type(doc, json_type_object));
        if (!doc) {
            fprintf(stderr, "missing or unparsable: %s\n", expected[i]);
            continue;
        }
        CHECK(json_object_object_get_ex(doc, "$id", &id) ||
              json_object_object_get_ex(doc, "id", &id));
        if (id) {
            const char *s = json_object_get_string(id);
            size_t n = strlen(expected[i]);
            CHECK(strncmp(s, expected[i], n) == 0 && (s[n] == '\0' || strcmp(s + n, "#") == 0));
        }
        json_object_put(doc);
    }
    /* The right editions: 2020-12 uses $dynamicAnchor, 2019-09 $recursiveAnchor. */
    {
        json_object *doc = find("https://json-schema.org/draft/2020-12/meta/core"), *v;
        CHECK(doc && json_object_object_get_ex(doc, "$dynamicAnchor", &v) &&
              strcmp(json_object_get_string(v), "meta") == 0);
        CHECK(doc && json_object_object_get_ex(doc, "$vocabulary", &v));
        json_object_put(doc);
        doc = find("https://json-schema.org/draft/2019-09/meta/core");
        CHECK(doc && json_object_object_get_ex(doc, "$recursiveAnchor", &v) &&
              json_object_get_boolean(v));
        json_object_put(doc);
    }
    printf("%zu embedded meta-schemas\n", cardc_metaschema_count);
    return check_summary();
}
