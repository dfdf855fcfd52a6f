/* SPDX-License-Identifier: MIT */
/* Private: "format" assertions (used when CARDC_SCHEMA_ASSERT_FORMAT is set). */
#ifndef CARDC_FORMAT_H
#define CARDC_FORMAT_H

#include <stddef.h>

/* Identifies a format name once, at schema compile time. */
typedef enum cardc_format_kind {
    CARDC_FORMAT_UNKNOWN = 0, /* unknown formats always pass (spec) */
    CARDC_FORMAT_DATE_TIME,
    CARDC_FORMAT_DATE,
    CARDC_FORMAT_TIME,
    CARDC_FORMAT_DURATION,
    CARDC_FORMAT_EMAIL,
    CARDC_FORMAT_IDN_EMAIL,
    CARDC_FORMAT_HOSTNAME,
    CARDC_FORMAT_IDN_HOSTNAME,
    CARDC_FORMAT_IPV4,
    CARDC_FORMAT_IPV6,
    CARDC_FORMAT_URI,
    CARDC_FORMAT_URI_REFERENCE,
    CARDC_FORMAT_IRI,
    CARDC_FORMAT_IRI_REFERENCE,
    CARDC_FORMAT_URI_TEMPLATE,
    CARDC_FORMAT_UUID,
    CARDC_FORMAT_REGEX,
    CARDC_FORMAT_JSON_POINTER,
    CARDC_FORMAT_RELATIVE_JSON_POINTER,
    CARDC_FORMAT_BINARY /* OpenAPI's, used by model cards: any string */
} cardc_format_kind;

/* Maps a "format" value to its kind; CARDC_FORMAT_UNKNOWN if not known. */
cardc_format_kind cardc_format_lookup(const char *name);

/* Checks a string (UTF-8, `len` bytes, may contain NUL) against a format.
 * Returns 1 when it conforms (always for UNKNOWN and BINARY), 0 otherwise. */
int cardc_format_check(cardc_format_kind kind, const char *s, size_t len);

#endif /* CARDC_FORMAT_H */
