/* SPDX-License-Identifier: MIT */
/* json_locate.c: the one JSON Pointer -> text offset locator, so errors can name a line. */
/* It walks the text itself (no tree), so it tolerates any input: every step
 * is bounded by len and malformed text just ends the walk. Payload errors
 * (cardc_json_locate, json_parse.c), the card loader and cardc lint share
 * it. Self-contained (common/ aside): the cardc command links this object
 * beside the shared libcardc, which does not export it. */
#include <stdint.h>
#include <string.h>

#include "cardc/json.h"
#include "json/json_internal.h"
#include "json/json_lex.h"
#include "common/textpos.h"
#include "common/utf8.h"

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef struct cursor {
    const unsigned char *t;
    size_t n, i;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->i < c->n && is_ws(c->t[c->i]))
        c->i++;
}

/* At an opening quote: moves past the closing one. */
static int skip_string(cursor *c)
{
    for (c->i++; c->i < c->n; c->i++) {
        if (c->t[c->i] == '\\')
            c->i++;
        else if (c->t[c->i] == '"') {
            c->i++;
            return 1;
        }
    }
    return 0;
}

/* Moves past one value, iteratively so no nesting can exhaust the stack. */
static int skip_value(cursor *c)
{
    size_t depth = 0;

    if (c->i >= c->n)
        return 0;
    if (c->t[c->i] == '"')
        return skip_string(c);
    if (c->t[c->i] != '[' && c->t[c->i] != '{') {
        while (c->i < c->n && !is_ws(c->t[c->i]) && !strchr(",]}:", c->t[c->i]))
            c->i++;
        return 1;
    }
    while (c->i < c->n) {
        unsigned char ch = c->t[c->i];
        if (ch == '"') {
            if (!skip_string(c))
                return 0;
            continue;
        }
        if (ch == '[' || ch == '{')
            depth++;
        else if (ch == ']' || ch == '}') {
            if (--depth == 0) {
                c->i++;
                return 1;
            }
        }
        c->i++;
    }
    return 0;
}

/* The reference token p[0..len) unescaped (~1 -> '/', ~0 -> '~') one byte at
 * a time, so keys are compared without allocating. */
typedef struct token_reader {
    const char *p;
    size_t len, i;
} token_reader;

static int token_next(token_reader *r)
{
    if (r->i >= r->len)
        return -1;
    if (r->p[r->i] == '~' && r->i + 1 < r->len &&
        (r->p[r->i + 1] == '0' || r->p[r->i + 1] == '1')) {
        r->i += 2;
        return r->p[r->i - 1] == '0' ? '~' : '/';
    }
    return (unsigned char)r->p[r->i++];
}

/* Decodes the key string at the cursor (which it moves past) and compares it
 * with the reference token. Returns 1 when equal. */
static int key_equals(cursor *c, const char *tok, size_t toklen)
{
    token_reader r = {tok, toklen, 0};
    int equal = 1;
    unsigned char utf8[4];

    c->i++;
    while (c->i < c->n && c->t[c->i] != '"') {
        size_t nbytes = cardc__json_string_unit(c->t, c->n, &c->i, utf8);
        if (!nbytes)
            return 0;
        for (size_t k = 0; k < nbytes; k++)
            if (equal && token_next(&r) != utf8[k])
                equal = 0;
    }
    if (c->i >= c->n)
        return 0;
    c->i++;
    return equal && token_next(&r) == -1;
}

/* Array index token: "0" or digits without a leading zero. */
static int parse_index(const char *tok, size_t len, size_t *index)
{
    size_t v = 0;

    if (len == 0 || (len > 1 && tok[0] == '0'))
        return 0;
    for (size_t k = 0; k < len; k++) {
        if (tok[k] < '0' || tok[k] > '9' || v > (SIZE_MAX - 9) / 10)
            return 0;
        v = v * 10 + (size_t)(tok[k] - '0');
    }
    *index = v;
    return 1;
}

/* Moves the cursor (at an object or array) to the member named by the
 * token. Duplicate keys resolve to the last one, as in json-c's tree. */
static int step(cursor *c, const char *tok, size_t toklen)
{
    if (c->i >= c->n)
        return 0;
    if (c->t[c->i] == '{') {
        size_t match = SIZE_MAX;
        c->i++;
        for (;;) {
            skip_ws(c);
            if (c->i >= c->n || c->t[c->i] != '"')
                break;
            int eq = key_equals(c, tok, toklen);
            skip_ws(c);
            if (c->i >= c->n || c->t[c->i] != ':')
                break;
            c->i++;
            skip_ws(c);
            if (eq)
                match = c->i;
            if (!skip_value(c))
                break;
            skip_ws(c);
            if (c->i >= c->n || c->t[c->i] != ',')
                break;
            c->i++;
        }
        if (match == SIZE_MAX)
            return 0;
        c->i = match;
        return 1;
    }
    if (c->t[c->i] == '[') {
        size_t index;
        if (!parse_index(tok, toklen, &index))
            return 0;
        c->i++;
        skip_ws(c);
        if (c->i >= c->n || c->t[c->i] == ']')
            return 0;
        for (size_t k = 0; k < index; k++) {
            if (!skip_value(c))
                return 0;
            skip_ws(c);
            if (c->i >= c->n || c->t[c->i] != ',')
                return 0;
            c->i++;
            skip_ws(c);
        }
        return c->i < c->n && c->t[c->i] != ']';
    }
    return 0;
}

int cardc__json_locate(const char *text, size_t len, const char *pointer, size_t *offset)
{
    cursor c = {(const unsigned char *)(text ? text : ""), text ? len : 0, 0};
    int ok = 1;

    if (!pointer)
        pointer = "";
    skip_ws(&c);
    *offset = c.i;
    if (*pointer && *pointer != '/')
        ok = 0;
    while (ok && *pointer == '/') {
        const char *tok = pointer + 1;
        const char *end = strchr(tok, '/');
        size_t toklen = end ? (size_t)(end - tok) : strlen(tok);
        if (!step(&c, tok, toklen))
            ok = 0;
        else
            *offset = c.i;
        pointer = tok + toklen;
    }
    return ok;
}

/* Shared with the parser's key checks (json_parse.c), so a key means the
 * same to both. */
size_t cardc__json_string_unit(const unsigned char *t, size_t n, size_t *i, unsigned char utf8[4])
{
    unsigned long cp, lo;
    unsigned char e;

    if (t[*i] != '\\') {
        utf8[0] = t[(*i)++];
        return 1;
    }
    if (*i + 1 >= n)
        return 0;
    e = t[*i + 1];
    if (e != 'u') {
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *at = e ? strchr(from, e) : NULL;
        if (!at)
            return 0;
        utf8[0] = (unsigned char)to[at - from];
        *i += 2;
        return 1;
    }
    if (!jlex_hex4(t, n, *i + 2, &cp))
        return 0;
    *i += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF && *i + 1 < n && t[*i] == '\\' && t[*i + 1] == 'u' &&
        jlex_hex4(t, n, *i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *i += 6;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xFFFD; /* what a lone surrogate becomes in json-c's tree */
    }
    return utf8_encode((uint32_t)cp, utf8);
}
