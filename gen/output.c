/* SPDX-License-Identifier: MIT */
/* Writing generated files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

cardc_status gen_write_file(const char *dir, const char *file, const strbuf *b, cardc_error *err)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *path = malloc(n);
    FILE *f;
    int ok;

    if (!path)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    snprintf(path, n, "%s/%s", dir, file);
    f = fopen(path, "wb");
    if (!f) {
        /* fopen allocates: it may fail for want of memory */
        cardc_status st = errno == ENOMEM ? CARDC_E_NOMEM : CARDC_E_IO;
        cardc__error_at(err, st, path, 0, 0, "cannot write: %s", strerror(errno));
        free(path);
        return st;
    }
    ok = fwrite(b->s ? b->s : "", 1, b->len, f) == b->len;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        cardc__error_at(err, CARDC_E_IO, path, 0, 0, "cannot write: %s", strerror(errno));
        free(path);
        return CARDC_E_IO;
    }
    free(path);
    return CARDC_OK;
}
