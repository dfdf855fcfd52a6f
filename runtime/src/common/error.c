/* SPDX-License-Identifier: MIT */
/* The error record: names, clearing and formatting. */
#include <stdio.h>
#include <string.h>

#include "cardc/error.h"

static const char *const status_names[] = {
#define CARDC_X_(e, n, d) n,
    CARDC_STATUS_MAP(CARDC_X_)
#undef CARDC_X_
};

static const char *const status_strings[] = {
#define CARDC_X_(e, n, d) d,
    CARDC_STATUS_MAP(CARDC_X_)
#undef CARDC_X_
};

void cardc_error_clear(cardc_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *cardc_status_name(cardc_status status)
{
    if ((unsigned)status >= CARDC_STATUS_COUNT_)
        return "unknown";
    return status_names[status];
}

const char *cardc_status_string(cardc_status status)
{
    if ((unsigned)status >= CARDC_STATUS_COUNT_)
        return "unknown status";
    return status_strings[status];
}

int cardc_error_format(const cardc_error *err, char *buf, size_t size)
{
    char where[CARDC_ERROR_SOURCE_MAX + 32] = "";
    char pointer[CARDC_ERROR_POINTER_MAX + 4] = "";

    if (!err)
        return snprintf(buf, size, "(no error)");
    if (err->source[0] && err->line > 0)
        snprintf(where, sizeof where, "%s:%d:%d: ", err->source, err->line, err->column);
    else if (err->source[0])
        snprintf(where, sizeof where, "%s: ", err->source);
    if (err->pointer[0])
        snprintf(pointer, sizeof pointer, "%s: ", err->pointer);
    return snprintf(buf, size, "%s%s%s", where, pointer,
                    err->message[0] ? err->message : cardc_status_string(err->code));
}
