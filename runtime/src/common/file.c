/* SPDX-License-Identifier: MIT */
/* file.c: whole file or stdin into one buffer (cardc_read_file), as the parsers want. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/json.h"
#include "common/errors_internal.h"

static cardc_status read_file_body(const char *path, char **text, size_t *len, cardc_error *err)
{
    FILE *f;
    char *buf = NULL;
    size_t size = 0, cap = 0;
    int is_stdin;
    const char *name;

    if (!path || !text)
        return cardc__error(err, CARDC_E_USAGE, "cardc_read_file: path or text is NULL");
    *text = NULL;
    if (len)
        *len = 0;
    is_stdin = strcmp(path, "-") == 0;
    name = is_stdin ? "<stdin>" : path;
    f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) /* fopen allocates: it may fail for want of memory */
        return cardc__error_at(err, errno == ENOMEM ? CARDC_E_NOMEM : CARDC_E_IO, name, 0, 0,
                               "cannot open: %s", strerror(errno));
    for (;;) {
        if (cap - size < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nbuf = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nbuf) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                return cardc__error_at(err, CARDC_E_NOMEM, name, 0, 0,
                                       "out of memory reading the file");
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + size, 1, cap - size - 1, f);
        size += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        if (!is_stdin)
            fclose(f);
        else
            clearerr(f);
        return cardc__error_at(err, CARDC_E_IO, name, 0, 0, "cannot read: %s",
                               strerror(e ? e : EIO));
    }
    if (!is_stdin)
        fclose(f);
    buf[size] = '\0';
    *text = buf;
    if (len)
        *len = size;
    return CARDC_OK;
}

cardc_status cardc_read_file(const char *path, char **text, size_t *len, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, read_file_body(path, text, len, err));
}
