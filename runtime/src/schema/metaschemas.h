/* SPDX-License-Identifier: MIT */
/* The official meta-schemas compiled into the library (metaschemas.c is
 * generated from runtime/metaschemas/ by tools/embed_metaschemas.py). */
#ifndef CARDC_METASCHEMAS_H
#define CARDC_METASCHEMAS_H

#include <stddef.h>

struct cardc_metaschema {
    const char *uri;  /* the meta-schema's "$id", without a trailing "#" */
    const char *text; /* its JSON text */
};

extern const struct cardc_metaschema cardc_metaschemas[];
extern const size_t cardc_metaschema_count;

#endif /* CARDC_METASCHEMAS_H */
