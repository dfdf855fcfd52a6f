/* SPDX-License-Identifier: MIT */
/* Private: ECMA-262 regular expressions ("pattern", "patternProperties",
 * format "regex") on pcre2, compiled once at schema compile time. */
#ifndef CARDC_REGEX_H
#define CARDC_REGEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct cardc_regex cardc_regex;

/* Bounds on one search (SECURITY.md); 0 = the default. */
typedef struct cardc_regex_limits {
    uint32_t match;    /* pcre2 match limit (backtracking steps): 1,000,000 */
    uint32_t depth;    /* pcre2 depth limit (interpreter): 10,000 */
    uint32_t heap_kib; /* pcre2 heap limit (interpreter), KiB: 20,480 */
} cardc_regex_limits;

/* Compiles an ECMA-262 pattern (UTF-8) for unanchored search, as JSON Schema
 * requires: translates ECMA-only syntax to PCRE2 (\d, \w, \s, \b ASCII/
 * Unicode semantics as ECMA defines them, ...), compiles in UTF mode and JITs
 * when available. limits may be NULL (the defaults). Returns NULL on failure
 * with a message (pcre2's, plus the offset into the pattern) in errbuf;
 * *nomem (may be NULL) says whether memory ran out.
 * Ownership: caller frees with cardc_regex_free(). The compiled regex is
 * immutable and safe to match from several threads. */
cardc_regex *cardc_regex_compile(const char *pattern, size_t len, const cardc_regex_limits *limits,
                                 char *errbuf, size_t errlen, int *nomem);

/* Whether `pattern` is a valid ECMA-262 regular expression (format "regex"),
 * including constructs cardc_regex_compile cannot run (variable-length
 * lookbehind). Returns 1 valid, 0 invalid (message in errbuf if non-NULL),
 * -1 out of memory. */
int cardc_regex_valid(const char *pattern, size_t len, char *errbuf, size_t errlen);

/* Searches s[0..len) (valid UTF-8). Returns 1 match, 0 no match, -1 when a
 * limit was hit (a hostile pattern or input: match limit, a JIT stack past
 * 8 MiB, then the interpreter's depth or heap limit), -2 when out of memory.
 * Thread-safe. */
int cardc_regex_search(const cardc_regex *re, const char *s, size_t len);

/* The original pattern text (borrowed). */
const char *cardc_regex_pattern(const cardc_regex *re);

/* NULL is accepted. */
void cardc_regex_free(cardc_regex *re);

#endif /* CARDC_REGEX_H */
