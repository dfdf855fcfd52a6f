/* SPDX-License-Identifier: MIT */
/* JSON-Schema-Test-Suite runner: every required case of draft7, 2019-09
 * and 2020-12 must pass; optional/format (assertion mode) is reported. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/schema.h"

#include "check.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every *.json file of dir; returns failures, counts into pass/total. */
static int run_dir(const char *dir, cardc_dialect dialect, unsigned flags,
                   const cardc_registry *reg, int list, int *pass, int *total)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, i;
    int fails = 0;

    if (!d) {
        fprintf(stderr, "conformance: cannot open %s\n", dir);
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > 5 && !strcmp(de->d_name + l - 5, ".json")) {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    for (i = 0; i < n; i++) {
        char path[4096];
        struct json_object *groups;
        size_t g;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        groups = json_object_from_file(path);
        if (!groups) {
            fprintf(stderr, "conformance: cannot parse %s\n", path);
            fails++;
            continue;
        }
        for (g = 0; g < json_object_array_length(groups); g++) {
            struct json_object *grp = json_object_array_get_idx(groups, g), *schema, *tests, *gd;
            cardc_schema_options so;
            cardc_schema *s = NULL;
            cardc_error err;
            cardc_status st;
            size_t t;

            json_object_object_get_ex(grp, "schema", &schema);
            json_object_object_get_ex(grp, "tests", &tests);
            json_object_object_get_ex(grp, "description", &gd);
            cardc_schema_options_init(&so);
            so.dialect = dialect;
            so.flags = flags;
            so.registry = reg;
            cardc_error_clear(&err);
            st = cardc_schema_compile(schema, &so, &s, &err);
            for (t = 0; t < json_object_array_length(tests); t++) {
                struct json_object *tc = json_object_array_get_idx(tests, t), *data, *valid, *td;
                cardc_result *r = NULL;
                cardc_error verr;
                int ok;
                json_object_object_get_ex(tc, "data", &data);
                json_object_object_get_ex(tc, "valid", &valid);
                json_object_object_get_ex(tc, "description", &td);
                (*total)++;
                if (st != CARDC_OK) {
                    ok = 0;
                    if (list)
                        printf("  FAIL %s: %s / %s: compile: %s (%s)\n", names[i],
                               json_object_get_string(gd), json_object_get_string(td), err.message,
                               err.pointer);
                    fails++;
                    continue;
                }
                cardc_result_new(&r, NULL);
                cardc_error_clear(&verr);
                st = cardc_validate(s, data, NULL, r, &verr);
                ok = (st == CARDC_OK) == (json_object_get_boolean(valid) != 0) &&
                     (st == CARDC_OK || st == CARDC_E_INVALID);
                if (ok) {
                    (*pass)++;
                } else {
                    fails++;
                    if (list) {
                        printf("  FAIL %s: %s / %s: expected %s, got %s", names[i],
                               json_object_get_string(gd), json_object_get_string(td),
                               json_object_get_boolean(valid) ? "valid" : "invalid",
                               cardc_status_name(st));
                        if (st != CARDC_OK && st != CARDC_E_INVALID)
                            printf(" (%s)", verr.message);
                        else if (cardc_result_error_count(r))
                            printf(" (%s: %s)", cardc_result_error(r, 0)->keyword_location,
                                   cardc_result_error(r, 0)->message);
                        printf("\n");
                    }
                }
                cardc_result_free(r);
                st = CARDC_OK;
            }
            cardc_schema_free(s);
        }
        json_object_put(groups);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return fails;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *dir;
        cardc_dialect d;
    } drafts[] = {{"draft7", CARDC_DIALECT_DRAFT7},
                  {"draft2019-09", CARDC_DIALECT_2019_09},
                  {"draft2020-12", CARDC_DIALECT_2020_12}};
    const char *suite = getenv("JSON_SCHEMA_TEST_SUITE");
    char path[4096];
    cardc_registry *reg;
    cardc_error err;
    size_t k;
    const char *only = argc > 2 ? argv[2] : NULL;

    if (argc > 1)
        suite = argv[1];
    if (!suite) {
        fprintf(stderr, "conformance: give the JSON-Schema-Test-Suite path (argv[1] or "
                        "$JSON_SCHEMA_TEST_SUITE)\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s/remotes", suite);
    cardc_error_clear(&err);
    if (cardc_registry_new(&reg, &err) != CARDC_OK ||
        cardc_registry_add_dir(reg, "http://localhost:1234/", path, &err) != CARDC_OK) {
        fprintf(stderr, "conformance: JSON-Schema-Test-Suite missing or unreadable at %s: %s\n",
                suite, err.message);
        cardc_registry_free(reg);
        return 1;
    }
    for (k = 0; k < sizeof drafts / sizeof drafts[0]; k++) {
        int pass = 0, total = 0, f;
        if (only && strcmp(only, drafts[k].dir))
            continue;
        snprintf(path, sizeof path, "%s/tests/%s", suite, drafts[k].dir);
        f = run_dir(path, drafts[k].d, 0, reg, 1, &pass, &total);
        CHECK_MSG(f >= 0 && total > 0, "no tests found in %s", path);
        if (f < 0 || total == 0)
            continue;
        printf("%s: %d/%d\n", drafts[k].dir, pass, total);
        CHECK_MSG(pass == total, "%s: %d of %d cases failed", drafts[k].dir, total - pass, total);
    }
    for (k = 0; k < sizeof drafts / sizeof drafts[0]; k++) {
        int pass = 0, total = 0;
        if (only && strcmp(only, drafts[k].dir))
            continue;
        snprintf(path, sizeof path, "%s/tests/%s/optional/format", suite, drafts[k].dir);
        run_dir(path, drafts[k].d, CARDC_SCHEMA_ASSERT_FORMAT, reg, 0, &pass, &total);
        printf("%s optional/format (assert): %d/%d\n", drafts[k].dir, pass, total);
    }
    if (getenv("CONFORMANCE_EXTRA")) {
        /* Informational: draft-04/06 and the optional non-format tests. */
        static const struct {
            const char *dir;
            cardc_dialect d;
        } extra[] = {{"draft4", CARDC_DIALECT_DRAFT4},
                     {"draft6", CARDC_DIALECT_DRAFT6},
                     {"draft7/optional", CARDC_DIALECT_DRAFT7},
                     {"draft2019-09/optional", CARDC_DIALECT_2019_09},
                     {"draft2020-12/optional", CARDC_DIALECT_2020_12}};
        for (k = 0; k < sizeof extra / sizeof extra[0]; k++) {
            int pass = 0, total = 0;
            snprintf(path, sizeof path, "%s/tests/%s", suite, extra[k].dir);
            run_dir(path, extra[k].d, 0, reg, 1, &pass, &total);
            printf("%s (informational): %d/%d\n", extra[k].dir, pass, total);
        }
    }
    cardc_registry_free(reg);
    return check_summary();
}
