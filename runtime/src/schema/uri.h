/* SPDX-License-Identifier: MIT */
/* Private: RFC 3986 URI references (parse, resolve, normalise) for "$id"
 * and "$ref". */
#ifndef CARDC_URI_H
#define CARDC_URI_H

#include <stddef.h>

/* Resolves `ref` against `base` (RFC 3986 section 5.2) and normalises the
 * result (lower-case scheme and host, dot segments removed, an empty
 * fragment dropped). An empty or relative base is accepted: the result is
 * then relative too. Ownership: returns a heap string (free()); NULL when
 * out of memory. */
char *cardc__uri_resolve(const char *base, const char *ref);

/* Length of `uri` without its fragment (index of '#', or strlen). */
size_t cardc__uri_fragment_pos(const char *uri);

/* Percent-decodes s[0..len) into a new heap string (invalid escapes are
 * kept literally). NULL when out of memory. */
char *cardc__uri_unescape(const char *s, size_t len);

#endif
