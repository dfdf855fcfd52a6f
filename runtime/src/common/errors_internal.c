/* SPDX-License-Identifier: MIT */
/* Filling a cardc_error: first error wins, fixed buffers, truncation that
 * keeps the informative end of paths and pointers. */
#include <stdio.h>
#include <string.h>

#include "common/errors_internal.h"

/* Paths and pointers are most informative at their end, so a text that does
 * not fit loses its beginning, replaced by "...". */
static void copy_tail(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);

    if (len < size) {
        memcpy(dst, src, len + 1);
        return;
    }
    memcpy(dst, "...", 3);
    memcpy(dst + 3, src + len - (size - 4), size - 4);
    dst[size - 1] = '\0';
}

/* A message that does not fit keeps its beginning and ends with "...". */
static void format_message(cardc_error *err, const char *fmt, va_list ap)
{
    int n;

    /* A message made elsewhere ("%s", most of them on the paths that
     * report a validation error) is copied: vsnprintf was 700 of a
     * decoder's rejection's 18,400 instructions, twice (callgrind). */
    if (fmt[0] == '%' && fmt[1] == 's' && fmt[2] == '\0') {
        const char *s = va_arg(ap, const char *);
        size_t len;

        if (!s)
            s = "(null)";
        len = strlen(s);
        if (len < sizeof err->message) {
            memcpy(err->message, s, len + 1);
            return;
        }
        memcpy(err->message, s, sizeof err->message - 4);
        memcpy(err->message + sizeof err->message - 4, "...", 4);
        return;
    }
    n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    if (n >= (int)sizeof err->message)
        memcpy(err->message + sizeof err->message - 4, "...", 4);
}

static int can_fill(const cardc_error *err)
{
    return err && err->code == CARDC_OK;
}

/* Every member to its empty value, the strings by their first byte: a
 * memset of the whole record was 140 of a decoder's rejection's 12,000
 * instructions (bench_decode invalid-type). */
static void reset(cardc_error *err, cardc_status code)
{
    err->code = code;
    err->source[0] = err->pointer[0] = err->message[0] = '\0';
    err->line = err->column = 0;
    err->offset = 0;
}

cardc_status cardc__error(cardc_error *err, cardc_status code, const char *fmt, ...)
{
    va_list ap;

    if (!can_fill(err))
        return code;
    reset(err, code);
    va_start(ap, fmt);
    format_message(err, fmt, ap);
    va_end(ap);
    return code;
}

cardc_status cardc__error_at(cardc_error *err, cardc_status code, const char *source, int line,
                             int column, const char *fmt, ...)
{
    va_list ap;

    if (!can_fill(err))
        return code;
    reset(err, code);
    if (source)
        copy_tail(err->source, sizeof err->source, source);
    err->line = line > 0 ? line : 0;
    err->column = line > 0 && column > 0 ? column : 0;
    va_start(ap, fmt);
    format_message(err, fmt, ap);
    va_end(ap);
    return code;
}

void cardc__error_pointer(cardc_error *err, const char *pointer)
{
    if (err)
        copy_tail(err->pointer, sizeof err->pointer, pointer ? pointer : "");
}

void cardc__error_enter(cardc_error *err)
{
    if (err)
        reset(err, CARDC_OK);
}

cardc_status cardc__error_leave(cardc_error *err, cardc_status st)
{
    if (st == CARDC_OK || !err)
        return st;
    if (err->code == CARDC_OK)
        return cardc__error(err, st, "%s", cardc_status_string(st));
    /* a status translated on the way out keeps the message of its cause */
    err->code = st;
    if (!err->message[0])
        snprintf(err->message, sizeof err->message, "%s", cardc_status_string(st));
    return st;
}
