/* cardc_json_parse against JSONTestSuite's test_parsing (path in argv[1]):
 * every y_ file must parse, every n_ file must be rejected, i_ files may go
 * either way but must not crash or leak (run under ASan to see that).
 * No known exceptions: the strict lexer in json_parse.c closes every gap json-c
 * 0.16 leaves (17 n_ files it accepts; the y_ "null" document, which it
 * returns as NULL). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"

#include "check.h"

int main(int argc, char **argv)
{
    DIR *dir;
    struct dirent *de;
    int y_total = 0, y_ok = 0, n_total = 0, n_ok = 0, i_total = 0, i_accepted = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: test_json_suite DIR (JSONTestSuite/test_parsing)\n");
        return 1;
    }
    dir = opendir(argv[1]);
    if (!dir) {
        fprintf(stderr, "test_json_suite: FAIL: cannot open %s (the shared JSONTestSuite is "
                        "missing)\n",
                argv[1]);
        return 1;
    }
    while ((de = readdir(dir)) != NULL) {
        const char *name = de->d_name;
        size_t nl = strlen(name);
        char path[4096];
        char *text;
        size_t len;
        cardc_error err;
        struct json_object *obj = NULL;
        cardc_status st;

        if (nl < 6 || strcmp(name + nl - 5, ".json") != 0 || name[1] != '_')
            continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], name);
        cardc_error_clear(&err);
        if (cardc_read_file(path, &text, &len, &err) != CARDC_OK) {
            CHECK_MSG(0, "%s: %s", name, err.message);
            continue;
        }
        st = cardc_json_parse(text, len, name, 0, &obj, &err);
        json_object_put(obj);
        free(text);
        CHECK_MSG(st != CARDC_OK || err.code == CARDC_OK, "%s: success with an error record",
                  name);
        CHECK_MSG(st == CARDC_OK || (err.code == st && err.line >= 1 && err.column >= 1 &&
                                     err.message[0]),
                  "%s: error without position or message", name);
        switch (name[0]) {
        case 'y':
            y_total++;
            if (st == CARDC_OK)
                y_ok++;
            CHECK_MSG(st == CARDC_OK, "%s must parse: %s", name, err.message);
            break;
        case 'n':
            n_total++;
            if (st != CARDC_OK)
                n_ok++;
            CHECK_MSG(st != CARDC_OK, "%s must be rejected", name);
            break;
        case 'i':
            i_total++;
            if (st == CARDC_OK)
                i_accepted++;
            break;
        default:
            break;
        }
    }
    closedir(dir);
    printf("JSONTestSuite: y_ %d/%d parsed, n_ %d/%d rejected, i_ %d accepted / %d rejected\n",
           y_ok, y_total, n_ok, n_total, i_accepted, i_total - i_accepted);
    CHECK_MSG(y_total + n_total > 0, "no test files in %s", argv[1]);
    return check_summary();
}
