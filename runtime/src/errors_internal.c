/* Filling a cardc_error: the one place that writes its fixed buffers. */
#include <stdio.h>
#include <string.h>

#include "errors_internal.h"

/* Keeps the tail of `text` (the file name, the innermost pointer token),
 * which is what tells one diagnostic from another. */
static void copy_tail(char *dst, size_t size, const char *text)
{
    size_t len = strlen(text);

    if (len < size) {
        memcpy(dst, text, len + 1);
        return;
    }
    /* "..." + the last size-4 bytes + NUL; skip UTF-8 continuation bytes so
     * the kept tail starts on a character boundary. */
    const char *tail = text + len - (size - 4);
    while (((unsigned char)*tail & 0xC0) == 0x80)
        tail++;
    snprintf(dst, size, "...%s", tail);
}

static void fill(cardc_error *err, cardc_status code, const char *fmt, va_list ap)
{
    memset(err, 0, sizeof *err);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
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
    if (source)
        copy_tail(err->source, sizeof err->source, source);
    err->line = line;
    err->column = column;
    return code;
}

void cardc__error_pointer(cardc_error *err, const char *pointer)
{
    if (err && pointer)
        copy_tail(err->pointer, sizeof err->pointer, pointer);
}
