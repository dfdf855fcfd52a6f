/* SPDX-License-Identifier: MIT */
/* utf8.h: the library's one UTF-8 decoder, encoder, validator and hex-digit helper (private). */
#ifndef CARDC_UTF8_H
#define CARDC_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Header-only: the JSON lexer and the format checkers call these per
 * character, and the validator counts every string it checks; measured,
 * utf8_count out of line cost bench_validate's invalid-long ~5%. */

/* Length (1-4) of the well-formed UTF-8 sequence at s[0..n) (n >= 1), 0 if
 * it is not one (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF). Stores the code point. Bounding the second byte by lead byte
 * rejects all three in one comparison. */
static inline size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t len;

    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        *cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        *cp = b & 0x0Fu;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        *cp = b & 0x07u;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        unsigned char c = s[k];
        if (k == 1 ? (c < lo || c > hi) : (c & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (c & 0x3Fu);
    }
    return len;
}

/* Writes cp (at most U+10FFFF, not a surrogate) as 1-4 bytes; returns how many. */
static inline size_t utf8_encode(uint32_t cp, unsigned char out[4])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A byte that continues a sequence rather than starting a code point. */
static inline int utf8_is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* Checks s[0..n) is well-formed UTF-8 and counts its code points into *cps
 * (may be NULL); 0 if it is not. Hand-unrolled rather than a utf8_decode
 * loop, and ASCII is tested eight bytes at a time: minLength/maxLength,
 * pattern and format run it over every instance string. */
static inline int utf8_count(const unsigned char *s, size_t n, size_t *cps)
{
    size_t i = 0, k = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            /* ASCII runs 32 then eight bytes at a time (the 32-byte step
             * halves the instructions per byte of long text: a 7,000-byte
             * string drops from ~6,000 to ~2,500) */
            while (i + 32 <= n) {
                uint64_t w[4];
                memcpy(w, s + i, 32);
                if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080u)
                    break;
                i += 32;
                k += 32;
            }
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080u)
                    break;
                i += 8;
                k += 8;
            }
            if (i >= n)
                break;
            if (s[i] >= 0x80)
                continue;
            i++;
        } else if (b >= 0xC2 && b <= 0xDF) {
            if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
                return 0;
            i += 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            if (i + 2 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
                return 0;
            if (b == 0xE0 && s[i + 1] < 0xA0)
                return 0;
            if (b == 0xED && s[i + 1] > 0x9F)
                return 0;
            i += 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            if (i + 3 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80 ||
                (s[i + 3] & 0xC0) != 0x80)
                return 0;
            if (b == 0xF0 && s[i + 1] < 0x90)
                return 0;
            if (b == 0xF4 && s[i + 1] > 0x8F)
                return 0;
            i += 4;
        } else {
            return 0;
        }
        k++;
    }
    if (cps)
        *cps = k;
    return 1;
}

/* 0-15 for a hex digit, -1 for anything else (any int, char or byte). */
static inline int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
