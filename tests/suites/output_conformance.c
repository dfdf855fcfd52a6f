/* SPDX-License-Identifier: MIT */
/* Output-format conformance: for output-tests/draft2019-09 and draft2020-12
 * (content/ files), produce the "basic" output of each case and validate it,
 * with our own validator, against the case's output.basic schema. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/schema.h"

#include "check.h"

static int run_file(const char *path, cardc_dialect dialect, const cardc_registry *reg, int *pass,
                    int *total)
{
    struct json_object *groups = json_object_from_file(path);
    size_t g;
    if (!groups) {
        fprintf(stderr, "output_conformance: cannot parse %s\n", path);
        return -1;
    }
    for (g = 0; g < json_object_array_length(groups); g++) {
        struct json_object *grp = json_object_array_get_idx(groups, g), *schema, *tests;
        cardc_schema_options so;
        cardc_schema *s = NULL;
        cardc_error err;
        size_t t;
        json_object_object_get_ex(grp, "schema", &schema);
        json_object_object_get_ex(grp, "tests", &tests);
        cardc_schema_options_init(&so);
        so.dialect = dialect;
        so.registry = reg;
        cardc_error_clear(&err);
        if (cardc_schema_compile(schema, &so, &s, &err) != CARDC_OK) {
            printf("  FAIL %s: compile: %s\n", path, err.message);
            *total += (int)json_object_array_length(tests);
            continue;
        }
        for (t = 0; t < json_object_array_length(tests); t++) {
            struct json_object *tc = json_object_array_get_idx(tests, t), *data, *output, *basic,
                               *desc, *out = NULL;
            cardc_validate_options vo;
            cardc_result *r = NULL, *r2 = NULL;
            cardc_schema *os = NULL;
            cardc_status st;
            json_object_object_get_ex(tc, "data", &data);
            json_object_object_get_ex(tc, "output", &output);
            json_object_object_get_ex(tc, "description", &desc);
            (*total)++;
            if (!json_object_object_get_ex(output, "basic", &basic)) {
                printf("  FAIL %s: %s: no output.basic\n", path, json_object_get_string(desc));
                continue;
            }
            cardc_validate_options_init(&vo);
            vo.flags = CARDC_VALIDATE_ANNOTATIONS;
            cardc_result_new(&r, NULL);
            cardc_result_new(&r2, NULL);
            st = cardc_validate(s, data, &vo, r, &err);
            if ((st == CARDC_OK || st == CARDC_E_INVALID) &&
                cardc_result_output(r, CARDC_OUTPUT_BASIC, &out, &err) == CARDC_OK &&
                cardc_schema_compile(basic, &so, &os, &err) == CARDC_OK &&
                cardc_validate(os, out, NULL, r2, &err) == CARDC_OK) {
                (*pass)++;
            } else {
                printf("  FAIL %s: %s: %s\n    output: %s\n", path, json_object_get_string(desc),
                       cardc_result_error_count(r2) ? cardc_result_error(r2, 0)->message
                                                    : err.message,
                       out ? json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN) : "-");
            }
            json_object_put(out);
            cardc_schema_free(os);
            cardc_result_free(r);
            cardc_result_free(r2);
        }
        cardc_schema_free(s);
    }
    json_object_put(groups);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *dir;
        cardc_dialect d;
    } drafts[] = {{"draft2019-09", CARDC_DIALECT_2019_09}, {"draft2020-12", CARDC_DIALECT_2020_12}};
    const char *suite = argc > 1 ? argv[1] : getenv("JSON_SCHEMA_TEST_SUITE");
    size_t k;

    if (!suite) {
        fprintf(stderr, "output_conformance: give the JSON-Schema-Test-Suite path\n");
        return 1;
    }
    for (k = 0; k < 2; k++) {
        char path[4096];
        struct json_object *os, *id;
        cardc_registry *reg = NULL;
        cardc_error err;
        DIR *d;
        struct dirent *de;
        int pass = 0, total = 0;

        snprintf(path, sizeof path, "%s/output-tests/%s/output-schema.json", suite, drafts[k].dir);
        os = json_object_from_file(path);
        if (!os || !json_object_object_get_ex(os, "$id", &id)) {
            fprintf(stderr, "output_conformance: output tests missing at %s\n", path);
            json_object_put(os);
            return 1;
        }
        cardc_error_clear(&err);
        cardc_registry_new(&reg, &err);
        if (cardc_registry_add(reg, json_object_get_string(id), os, &err) != CARDC_OK) {
            fprintf(stderr, "output_conformance: %s\n", err.message);
            return 1;
        }
        json_object_put(os);
        snprintf(path, sizeof path, "%s/output-tests/%s/content", suite, drafts[k].dir);
        d = opendir(path);
        if (!d) {
            fprintf(stderr, "output_conformance: cannot open %s\n", path);
            cardc_registry_free(reg);
            return 1;
        }
        while ((de = readdir(d)) != NULL) {
            char file[4200];
            size_t l = strlen(de->d_name);
            if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
                continue;
            int n = snprintf(file, sizeof file, "%s/%s", path, de->d_name);
            CHECK_MSG(n >= 0 && (size_t)n < sizeof file, "path too long: %s/%s", path, de->d_name);
            if (n < 0 || (size_t)n >= sizeof file)
                continue;
            CHECK_MSG(run_file(file, drafts[k].d, reg, &pass, &total) >= 0, "%s: unreadable", file);
        }
        closedir(d);
        cardc_registry_free(reg);
        printf("output %s: %d/%d\n", drafts[k].dir, pass, total);
        CHECK_MSG(pass == total && total > 0, "output %s: %d/%d", drafts[k].dir, pass, total);
    }
    return check_summary();
}
