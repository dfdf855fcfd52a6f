/* SPDX-License-Identifier: MIT */
/* What every cardc command parses and loads the same way: option values,
 * numbers, cards (the client settings run and fetch-card share are in
 * client_args.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

const char *cli_option_name(const char *arg, char *name, size_t size)
{
    /* Only long options carry "=value": "-o=x" stays an unknown "-o=x". */
    const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;

    snprintf(name, size, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
    return eq ? eq + 1 : NULL;
}

bool cli_option_known(const char *name, const char *const *table, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (strcmp(name, table[k]) == 0)
            return true;
    return false;
}

int cli_option_value(const char *command, const char *name, int argc, char **argv, int *i,
                     const char **value)
{
    if (*value)
        return -1;
    if (*i + 1 >= argc)
        return cli_usage_error(command, "option '%s' needs a value", name);
    *value = argv[++*i];
    return -1;
}

int cli_option_once(const char *command, const char *name, const char **slot, const char *value)
{
    if (*slot)
        return cli_usage_error(command, "%s given twice", name);
    *slot = value;
    return -1;
}

int cli_parse_long(const char *command, const char *name, const char *value, long min, long max,
                   long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < min || v > max)
        return cli_usage_error(command, "%s expects an integer from %ld to %ld, not '%s'", name,
                               min, max, value);
    *out = v;
    return -1;
}

int cli_duplicate_keys(const char *command, const char *name, const char *value,
                       cardc_duplicate_keys *out)
{
    if (strcmp(value, "last") == 0)
        *out = CARDC_DUPLICATE_KEYS_LAST;
    else if (strcmp(value, "reject") == 0)
        *out = CARDC_DUPLICATE_KEYS_REJECT;
    else
        return cli_usage_error(command, "%s expects last or reject, not '%s'", name, value);
    return -1;
}

void cli_report_error(cardc_error *err, const char *path)
{
    if (!err->source[0])
        snprintf(err->source, sizeof err->source, "%s", path);
    report_error(stderr, err);
}

int cli_load_card(const char *path, cardc_card **card)
{
    cardc_error err;

    cardc_error_clear(&err);
    if (cardc_card_load(path, NULL, card, &err) != CARDC_OK) {
        cli_report_error(&err, path);
        return CLI_EXIT_ERROR;
    }
    return 0;
}
