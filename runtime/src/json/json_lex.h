/* SPDX-License-Identifier: MIT */
/* json_lex.h: RFC 8259 token rules shared by the strict lexer of
 * json_parse.c and the pull parser (private).
 *
 * Header-only: the pull parser scans a number per array element of an
 * image, where a call per token would show. */
#ifndef CARDC_JSON_LEX_H
#define CARDC_JSON_LEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cardc/error.h"
#include "common/utf8.h"

static const char jlex_end_of_data[] = "unexpected end of data";

static inline int jlex_is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline int jlex_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static inline int jlex_is_alnum(unsigned char c)
{
    return jlex_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The four hex digits at t[at..at+4) of text t[0..n), if they are there. */
static inline int jlex_hex4(const unsigned char *t, size_t n, size_t at, unsigned long *v)
{
    *v = 0;
    if (at > n || n - at < 4)
        return 0;
    for (size_t k = at; k < at + 4; k++) {
        int h = hexval(t[k]);
        if (h < 0)
            return 0;
        *v = (*v << 4) | (unsigned)h;
    }
    return 1;
}

/* Describes the byte at t[i] for a message: 'x', U+XXXX or 0xNN. */
static inline void jlex_describe_char(const unsigned char *t, size_t n, size_t i, char *buf,
                                      size_t size)
{
    uint32_t cp;

    if (t[i] > 0x20 && t[i] < 0x7F)
        snprintf(buf, size, "'%c'", t[i]);
    else if (utf8_decode(t + i, n - i, &cp))
        snprintf(buf, size, "U+%04lX", (unsigned long)cp);
    else
        snprintf(buf, size, "byte 0x%02X", t[i]);
}

/* Whether c can begin some JSON token (a value, a bracket or a separator):
 * a byte that cannot is reported for what it is (jlex_stray), one that can
 * for being in the wrong place. */
static inline int jlex_token_start(unsigned char c)
{
    return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == '"' ||
           c == '-' || c == '_' || jlex_is_alnum(c);
}

/* Names a byte that cannot begin any token (!jlex_token_start, not
 * whitespace) at t[i]; returns the status to report. */
static inline cardc_status jlex_stray(const unsigned char *t, size_t n, size_t i, char *msg,
                                      size_t size)
{
    unsigned char c = t[i];
    char what[24];
    uint32_t cp;

    if (c == '\'') {
        snprintf(msg, size, "single-quoted strings are not allowed");
    } else if (c == '/') {
        snprintf(msg, size, "comments are not allowed");
    } else if (c == '\f' || c == '\v') {
        snprintf(msg, size, "invalid whitespace U+%04X (only space, tab, CR and LF are allowed)",
                 (unsigned)c);
    } else if (c == 0) {
        snprintf(msg, size, "unexpected NUL byte");
    } else if (c >= 0x80) {
        if (!utf8_decode(t + i, n - i, &cp)) {
            snprintf(msg, size, "invalid UTF-8 (byte 0x%02X)", (unsigned)c);
            return CARDC_E_UTF8;
        }
        if (cp == 0xFEFF)
            snprintf(msg, size, "unexpected byte order mark (U+FEFF)");
        else
            snprintf(msg, size, "unexpected character U+%04lX", (unsigned long)cp);
    } else {
        jlex_describe_char(t, n, i, what, sizeof what);
        snprintf(msg, size, "unexpected character %s", what);
    }
    return CARDC_E_JSON;
}

/* A number literal as RFC 8259 spells it:
 * -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
typedef struct jlex_number {
    size_t end; /* one past the literal */
    int negative;
    int integer;        /* no fraction, no exponent */
    size_t int_digits;  /* digits before the point */
    uint64_t int_value; /* their value, when int_digits <= 19 */
    size_t frac_at;     /* first digit after the point */
    size_t frac_digits;
    size_t exp_at; /* first exponent digit (0: no exponent) */
    int exp_negative;
} jlex_number;

/* Scans the number at t[start] ('-' or a digit) of text t[0..n). Returns
 * NULL with *num filled, or the message of the first violation with
 * *err_at its offset. */
static inline const char *jlex_scan_number(const unsigned char *t, size_t n, size_t start,
                                           jlex_number *num, size_t *err_at)
{
    size_t i = start, d;
    uint64_t v = 0;

    num->negative = t[i] == '-';
    num->integer = 1;
    num->frac_at = num->frac_digits = num->exp_at = 0;
    num->exp_negative = 0;
    *err_at = start;
    if (num->negative)
        i++;
    if (i >= n) {
        *err_at = n;
        return jlex_end_of_data;
    }
    d = i;
    if (t[i] == '0') {
        i++;
        if (i < n && jlex_is_digit(t[i]))
            return "leading zeros are not allowed in numbers";
    } else if (jlex_is_digit(t[i])) {
        /* 19 digits always fit in 64 bits; longer ones are not int64 anyway. */
        while (i < n && jlex_is_digit(t[i])) {
            v = v * 10 + (uint64_t)(t[i] - '0');
            i++;
        }
    } else {
        return "invalid number: a digit must follow '-'";
    }
    num->int_digits = i - d;
    num->int_value = v;
    if (i < n && t[i] == '.') {
        num->integer = 0;
        i++;
        if (i >= n) {
            *err_at = n;
            return jlex_end_of_data;
        }
        if (!jlex_is_digit(t[i]))
            return "invalid number: a digit must follow the decimal point";
        num->frac_at = i;
        while (i < n && jlex_is_digit(t[i]))
            i++;
        num->frac_digits = i - num->frac_at;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        num->integer = 0;
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            num->exp_negative = t[i++] == '-';
        if (i >= n) {
            *err_at = n;
            return jlex_end_of_data;
        }
        if (!jlex_is_digit(t[i]))
            return "invalid number: the exponent has no digits";
        num->exp_at = i;
        while (i < n && jlex_is_digit(t[i]))
            i++;
    }
    if (i < n && (jlex_is_alnum(t[i]) || t[i] == '.' || t[i] == '+' || t[i] == '-'))
        return "invalid number";
    num->end = i;
    return NULL;
}

/* Scans a bare word at t[start] (a letter or '_'): only true, false and
 * null exist. Returns 0, 1 or 2 for them with *end past the word; -1 with
 * msg filled and *err_at set otherwise. */
static inline int jlex_scan_literal(const unsigned char *t, size_t n, size_t start, size_t *end,
                                    char *msg, size_t size, size_t *err_at)
{
    static const char *const words[] = {"true", "false", "null"};
    size_t i = start, len;

    while (i < n && (jlex_is_alnum(t[i]) || t[i] == '_'))
        i++;
    len = i - start;
    for (int w = 0; w < 3; w++) {
        size_t wl = strlen(words[w]);
        if (len == wl && memcmp(t + start, words[w], wl) == 0) {
            *end = i;
            return w;
        }
        /* "tru" at the very end is a truncated document, not a bad word. */
        if (i == n && len < wl && memcmp(t + start, words[w], len) == 0) {
            *err_at = n;
            snprintf(msg, size, "%s", jlex_end_of_data);
            return -1;
        }
    }
    *err_at = start;
    snprintf(msg, size, "invalid literal '%.*s' (only true, false and null exist)",
             (int)(len > 24 ? 24 : len), (const char *)t + start);
    return -1;
}

#endif
