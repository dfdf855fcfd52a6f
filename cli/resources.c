/* SPDX-License-Identifier: MIT */
/* The --resource URI=FILE / --resource-dir URI=DIR options shared by the
 * commands that compile schemas (validate, gen). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

int cli_resource_parse(const char *command, const char *option, const char *value,
                       cli_resource *out)
{
    bool dir = strcmp(option, "--resource-dir") == 0;
    if (!strchr(value, '=') || value[0] == '=')
        return cli_usage_error(command, "%s expects URI=%s, not '%s'", option, dir ? "DIR" : "FILE",
                               value);
    out->arg = value;
    out->dir = dir;
    return -1;
}

int cli_load_resources(const cli_resource *resources, size_t count, cardc_registry **registry)
{
    cardc_error err;

    *registry = NULL;
    if (count == 0)
        return 0;
    cardc_error_clear(&err);
    if (cardc_registry_new(registry, &err) != CARDC_OK) {
        report_error(stderr, &err);
        return CLI_EXIT_ERROR;
    }
    for (size_t i = 0; i < count; i++) {
        const char *arg = resources[i].arg;
        const char *eq = strchr(arg, '=');
        char *uri = malloc((size_t)(eq - arg) + 1);
        cardc_status st;

        if (!uri) {
            fprintf(stderr, "cardc: error: out of memory\n");
            return CLI_EXIT_ERROR;
        }
        memcpy(uri, arg, (size_t)(eq - arg));
        uri[eq - arg] = '\0';
        cardc_error_clear(&err);
        st = resources[i].dir ? cardc_registry_add_dir(*registry, uri, eq + 1, &err)
                              : cardc_registry_add_file(*registry, uri, eq + 1, &err);
        free(uri);
        if (st != CARDC_OK) {
            cli_report_error(&err, eq + 1);
            return CLI_EXIT_ERROR;
        }
    }
    return 0;
}
