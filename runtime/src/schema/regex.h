/* SPDX-License-Identifier: MIT */
/* Private: ECMA-262 regular expressions ("pattern", "patternProperties",
 * format "regex") on pcre2, compiled once at schema compile time. */
#ifndef CARDC_REGEX_H
#define CARDC_REGEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct cardc_regex cardc_regex;

/* Compiles an ECMA-262 pattern (UTF-8) for unanchored search, as JSON Schema
 * requires: translates ECMA-only syntax to PCRE2 (\d, \w, \s, \b ASCII/
 * Unicode semantics as ECMA defines them, ...), compiles in UTF mode and JITs
 * when available. match_limit/depth_limit 0 = defaults (1,000,000 / 10,000).
 * Returns NULL on failure with a message (pcre2's, plus the offset into the
 * pattern) in errbuf. Ownership: caller frees with cardc_regex_free(). The
 * compiled regex is immutable and safe to match from several threads. */
cardc_regex *cardc_regex_compile(const char *pattern, size_t len, uint32_t match_limit,
                                 uint32_t depth_limit, char *errbuf, size_t errlen);

/* Whether `pattern` is a valid ECMA-262 regular expression (format "regex"),
 * including constructs cardc_regex_compile cannot run (variable-length
 * lookbehind). Returns 1 valid, 0 invalid (message in errbuf if non-NULL). */
int cardc_regex_valid(const char *pattern, size_t len, char *errbuf, size_t errlen);

/* Searches s[0..len) (valid UTF-8). Returns 1 match, 0 no match, -1 when a
 * match or depth limit was hit (a hostile pattern or input), -2 when out of
 * memory. Thread-safe. */
int cardc_regex_search(const cardc_regex *re, const char *s, size_t len);

/* The original pattern text (borrowed). */
const char *cardc_regex_pattern(const cardc_regex *re);

/* NULL is accepted. */
void cardc_regex_free(cardc_regex *re);

#endif /* CARDC_REGEX_H */
