/* utf8.h: the library's one UTF-8 decoder/encoder and hex-digit helper (private). */
#ifndef CARDC_UTF8_H
#define CARDC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Inline: the JSON lexer and the format checkers call these per character. */

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
 * (may be NULL); 0 if it is not. Out of line: it loops over whole strings. */
int cardc__utf8_count(const unsigned char *s, size_t n, size_t *cps);

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
