/* SPDX-License-Identifier: MIT */
/* Card text inside generated C: comments that cannot be broken out of and
 * string literals that mean exactly the bytes given. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define WRAP 78

/* Length of a valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n = c >= 0xF5 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;

    if (n == 0 || n > len)
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* The text made inert: control characters and invalid UTF-8 become spaces
 * (newlines kept), and the pairs that matter to the C preprocessor inside a
 * block comment are split with a space: star-slash (end of comment),
 * slash-star (-Wcomment), and question-question (trigraphs: ??/ is a
 * backslash, which with a newline splices lines). Line-final backslashes
 * and spaces are dropped, so no line ever splices with the next. */
static char *inert(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    strbuf b = {0};
    char last = '\0';

    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t n = utf8_seq(s + i, len - i);
            if (n) {
                strbuf_add(&b, (const char *)s + i, n);
                last = 'x';
                i += n;
                continue;
            }
            c = ' ';
        } else if (c == '\r' || c == '\n') {
            c = '\n';
        } else if (c < 0x20 || c == 0x7F) {
            c = ' ';
        }
        if ((last == '*' && c == '/') || (last == '/' && c == '*') || (last == '?' && c == '?'))
            strbuf_add(&b, " ", 1);
        if (c == '\n') {
            while (b.len && !b.oom && (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\\'))
                b.len--;
        }
        strbuf_add(&b, (const char *)&c, 1);
        last = (char)c;
        i++;
    }
    while (b.len && !b.oom &&
           (b.s[b.len - 1] == ' ' || b.s[b.len - 1] == '\\' || b.s[b.len - 1] == '\n'))
        b.len--;
    if (b.s && !b.oom)
        b.s[b.len] = '\0';
    if (!b.s && !b.oom)
        return strdup("");
    return cardc__strbuf_take(&b);
}

/* Display width, counting UTF-8 sequences as one column. */
static size_t width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

void gen_comment_text(strbuf *b, const char *text, const char *indent)
{
    char *clean = inert(text ? text : "");
    size_t room, col = 0;
    const char *p;
    int first = 1;

    if (!clean) {
        b->oom = 1;
        return;
    }
    room = WRAP > strlen(indent) + 10 ? WRAP - strlen(indent) - 3 : 40;
    for (p = clean; *p;) {
        const char *w;
        size_t n;

        if (*p == '\n') {
            strbuf_printf(b, "\n%s *", indent);
            col = 0;
            first = 1;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        w = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
        n = (size_t)(p - w);
        if (!first && col + 1 + width(w, n) > room) {
            strbuf_printf(b, "\n%s *", indent);
            col = 0;
            first = 1;
        }
        strbuf_add(b, " ", 1);
        strbuf_add(b, w, n);
        col += 1 + width(w, n);
        first = 0;
    }
    free(clean);
}

void gen_comment_inline(strbuf *b, const char *text)
{
    char *clean = inert(text ? text : "");

    if (!clean) {
        b->oom = 1;
        return;
    }
    for (char *q = clean; *q; q++)
        if (*q == '\n')
            *q = ' ';
    strbuf_str(b, clean);
    free(clean);
}

/* One byte of a string literal: quotes, backslashes and '?' (trigraphs)
 * escaped, control and non-ASCII bytes as three octal digits always, so a
 * following digit can never extend the escape. */
static size_t literal_byte(char out[5], unsigned char c)
{
    if (c == '"' || c == '\\' || c == '?')
        return (size_t)snprintf(out, 5, "\\%c", c);
    if (c >= 0x20 && c < 0x7F)
        return (size_t)snprintf(out, 5, "%c", c);
    return (size_t)snprintf(out, 5, "\\%03o", c);
}

void gen_c_string(strbuf *b, const char *text, size_t len)
{
    strbuf_add(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        char e[5];
        strbuf_add(b, e, literal_byte(e, (unsigned char)text[i]));
    }
    strbuf_add(b, "\"", 1);
}

size_t gen_c_string_pieces(strbuf *b, const char *text, size_t len, const char *indent)
{
    size_t col = strlen(indent) + 1, piece = 0, pieces = 1;

    strbuf_printf(b, "%s\"", indent);
    for (size_t i = 0; i < len; i++) {
        char e[5];
        size_t n = literal_byte(e, (unsigned char)text[i]);
        if (piece + n > GEN_PIECE_MAX) {
            strbuf_printf(b, "\",\n%s\"", indent);
            col = strlen(indent) + 1;
            piece = 0;
            pieces++;
        } else if (col + n > 97 || (col >= 80 && i && text[i - 1] == ',')) {
            strbuf_printf(b, "\"\n%s\"", indent);
            col = strlen(indent) + 1;
        }
        strbuf_add(b, e, n);
        col += n;
        piece += n;
    }
    strbuf_printf(b, "\",\n%sNULL", indent);
    return pieces;
}

void gen_line(strbuf *b, const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    const char *p = line;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (size_t width = 100; strlen(p) > width; width = 96) {
        const char *cut = NULL;
        for (const char *q = p; q < p + width && *q; q++)
            if (q[0] == ',' && q[1] == ' ')
                cut = q;
        if (!cut) /* a name longer than the line: break at the first comma */
            cut = strstr(p, ", ");
        if (!cut)
            break;
        strbuf_add(b, p, (size_t)(cut - p) + 1);
        strbuf_str(b, "\n    ");
        p = cut + 2;
    }
    strbuf_str(b, p);
    strbuf_str(b, "\n");
}

void gen_c_string_wrapped(strbuf *b, const char *text, size_t len, const char *indent)
{
    const size_t chunk = 64;

    if (len <= chunk) {
        gen_c_string(b, text, len);
        return;
    }
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        /* Whole words per line where there is a space to break at. */
        if (i + n < len) {
            size_t k = n;
            while (k > chunk / 2 && text[i + k - 1] != ' ')
                k--;
            if (k > chunk / 2)
                n = k;
        }
        if (i)
            strbuf_printf(b, "\n%s", indent);
        gen_c_string(b, text + i, n);
        i -= chunk - n; /* the loop adds chunk */
    }
}
