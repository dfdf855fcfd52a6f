/* Filling a cardc_error: first error wins, texts truncated safely. */
#include <stdio.h>
#include <string.h>

#include "errors_internal.h"

static void fill(cardc_error *err, cardc_status code, const char *fmt, va_list ap)
{
    err->code = code;
    err->source[0] = '\0';
    err->line = 0;
    err->column = 0;
    err->offset = 0;
    err->pointer[0] = '\0';
    if (fmt)
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    else
        err->message[0] = '\0';
}

cardc_status cardc__error(cardc_error *err, cardc_status code, const char *fmt, ...)
{
    va_list ap;

    if (!err || err->code != CARDC_OK)
        return code;
    va_start(ap, fmt);
    fill(err, code, fmt, ap);
    va_end(ap);
    return code;
}

cardc_status cardc__error_at(cardc_error *err, cardc_status code, const char *source, int line,
                             int column, const char *fmt, ...)
{
    va_list ap;

    if (!err || err->code != CARDC_OK)
        return code;
    va_start(ap, fmt);
    fill(err, code, fmt, ap);
    va_end(ap);
    if (source) {
        size_t n = strlen(source);
        /* Keep the tail of long paths: the file name matters most. */
        if (n >= sizeof err->source)
            snprintf(err->source, sizeof err->source, "...%s",
                     source + n - (sizeof err->source - 4));
        else
            memcpy(err->source, source, n + 1);
    }
    err->line = line;
    err->column = column;
    return code;
}

void cardc__error_pointer(cardc_error *err, const char *pointer)
{
    size_t n;

    if (!err || !pointer)
        return;
    n = strlen(pointer);
    if (n >= sizeof err->pointer)
        snprintf(err->pointer, sizeof err->pointer, "...%s",
                 pointer + n - (sizeof err->pointer - 4));
    else
        memcpy(err->pointer, pointer, n + 1);
}
