/* SPDX-License-Identifier: MIT */
/* Private: 1-based line/column of a byte offset, the way cardc reports them
 * (columns in Unicode code points). */
#ifndef CARDC_TEXTPOS_H
#define CARDC_TEXTPOS_H

#include <stddef.h>

/* Stores the 1-based line and column of byte `offset` in text[0..len).
 * Line breaks are "\n", "\r\n" and "\r"; with yaml_breaks also U+0085,
 * U+2028 and U+2029, because libyaml counts those too and positions must
 * agree with its marks. An offset past the end is clamped to len. */
void cardc__text_position(const char *text, size_t len, size_t offset, int yaml_breaks, int *line,
                          int *column);

/* Length in bytes of the line break at text[i] (0 if none), by the rules
 * above. */
size_t cardc__line_break_len(const char *text, size_t len, size_t i, int yaml_breaks);

#endif
