/* Strict JSON text: parsing with positions, locating pointers, dumping.
 *
 * json-c builds the tree, but its "strict" mode (0.16) is not RFC 8259:
 * measured against JSONTestSuite it accepts NaN/Infinity, "-01", "2.",
 * ".5"-style numbers, single-quoted strings, raw tabs/newlines inside
 * strings, form feeds as whitespace, text after an embedded NUL, and UTF-8
 * that is overlong, encodes surrogates or lies past U+10FFFF. So every parse
 * also runs strict_scan(), a lexer that knows RFC 8259's tokens exactly (the
 * grammar between tokens stays json-c's job), and the error that comes first
 * in the text is the one reported (on a tie the lexer's, which names the
 * exact problem; for truncated text it uses json-c's "unexpected end of
 * data" wording too).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "errors_internal.h"

/* ---- Positions ---------------------------------------------------------- */

/* 1-based line and column (in code points) of byte offset `off`. A lone CR
 * ends a line too, as editors show it. */
static void position_of(const char *t, size_t n, size_t off, int *line, int *column)
{
    size_t l = 1, start = 0, c = 1;

    if (off > n)
        off = n;
    for (size_t i = 0; i < off; i++) {
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= n || t[i + 1] != '\n'))) {
            l++;
            start = i + 1;
        }
    }
    for (size_t i = start; i < off; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80)
            c++;
    *line = l > INT_MAX ? INT_MAX : (int)l;
    *column = c > INT_MAX ? INT_MAX : (int)c;
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length (1-4) of the well-formed UTF-8 sequence at s[0..n), 0 if it is not
 * one (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 * Stores the code point. */
static size_t utf8_sequence(const unsigned char *s, size_t n, unsigned long *cp)
{
    unsigned char b = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;

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

/* ---- The strict lexer --------------------------------------------------- */

typedef struct scan_issue {
    size_t offset;
    cardc_status code;
    char message[160];
} scan_issue;

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

#define ISSUE(iss, off, st, ...)                                                        \
    ((iss)->offset = (off), (iss)->code = (st),                                         \
     snprintf((iss)->message, sizeof (iss)->message, __VA_ARGS__), 1)

static const char end_of_data[] = "unexpected end of data";

/* Describes the byte at t[i] for a message: 'x', U+XXXX or 0xNN. */
static void describe_char(const unsigned char *t, size_t n, size_t i, char *buf, size_t size)
{
    unsigned long cp;

    if (t[i] > 0x20 && t[i] < 0x7F)
        snprintf(buf, size, "'%c'", t[i]);
    else if (utf8_sequence(t + i, n - i, &cp))
        snprintf(buf, size, "U+%04lX", cp);
    else
        snprintf(buf, size, "byte 0x%02X", t[i]);
}

/* Scans a string starting at the opening quote t[*pos]. */
static int scan_string(const unsigned char *t, size_t n, size_t *pos, scan_issue *iss)
{
    size_t i = *pos + 1;
    char what[24];

    for (;;) {
        if (i >= n)
            return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
        unsigned char c = t[i];
        if (c == '"') {
            *pos = i + 1;
            return 0;
        }
        if (c == '\\') {
            if (i + 1 >= n)
                return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
            unsigned char e = t[i + 1];
            if (e == 'u') {
                for (size_t k = 2; k < 6; k++) {
                    if (i + k >= n)
                        return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
                    if (!is_hex(t[i + k]))
                        return ISSUE(iss, i, CARDC_E_JSON,
                                     "invalid \\u escape: four hex digits expected");
                }
                i += 6;
            } else if (strchr("\"\\/bfnrt", e) && e) {
                i += 2;
            } else {
                describe_char(t, n, i + 1, what, sizeof what);
                return ISSUE(iss, i, CARDC_E_JSON, "invalid escape sequence: backslash followed by %s",
                             what);
            }
        } else if (c < 0x20) {
            return ISSUE(iss, i, CARDC_E_JSON,
                         "unescaped control character U+%04X in a string", (unsigned)c);
        } else if (c >= 0x80) {
            unsigned long cp;
            size_t len = utf8_sequence(t + i, n - i, &cp);
            if (!len)
                return ISSUE(iss, i, CARDC_E_UTF8, "invalid UTF-8 (byte 0x%02X) in a string",
                             (unsigned)c);
            i += len;
        } else {
            i++;
        }
    }
}

/* Scans a number starting at t[*pos] ('-' or a digit) per RFC 8259's
 * grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int scan_number(const unsigned char *t, size_t n, size_t *pos, scan_issue *iss)
{
    size_t i = *pos;

    if (t[i] == '-')
        i++;
    if (i >= n)
        return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
    if (t[i] == '0') {
        i++;
        if (i < n && is_digit(t[i]))
            return ISSUE(iss, *pos, CARDC_E_JSON, "leading zeros are not allowed in numbers");
    } else if (is_digit(t[i])) {
        while (i < n && is_digit(t[i]))
            i++;
    } else {
        return ISSUE(iss, *pos, CARDC_E_JSON, "invalid number: a digit must follow '-'");
    }
    if (i < n && t[i] == '.') {
        i++;
        if (i >= n)
            return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
        if (!is_digit(t[i]))
            return ISSUE(iss, *pos, CARDC_E_JSON,
                         "invalid number: a digit must follow the decimal point");
        while (i < n && is_digit(t[i]))
            i++;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        if (i >= n)
            return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
        if (!is_digit(t[i]))
            return ISSUE(iss, *pos, CARDC_E_JSON, "invalid number: the exponent has no digits");
        while (i < n && is_digit(t[i]))
            i++;
    }
    if (i < n && (is_alnum(t[i]) || t[i] == '.' || t[i] == '+' || t[i] == '-'))
        return ISSUE(iss, *pos, CARDC_E_JSON, "invalid number");
    *pos = i;
    return 0;
}

/* Scans a bare word: only true, false and null exist. */
static int scan_literal(const unsigned char *t, size_t n, size_t *pos, scan_issue *iss)
{
    static const char *const words[] = {"true", "false", "null"};
    size_t i = *pos, len;

    while (i < n && (is_alnum(t[i]) || t[i] == '_'))
        i++;
    len = i - *pos;
    for (size_t w = 0; w < 3; w++) {
        size_t wl = strlen(words[w]);
        if (len == wl && memcmp(t + *pos, words[w], wl) == 0) {
            *pos = i;
            return 0;
        }
        /* "tru" at the very end is a truncated document, not a bad word. */
        if (i == n && len < wl && memcmp(t + *pos, words[w], len) == 0)
            return ISSUE(iss, n, CARDC_E_JSON, "%s", end_of_data);
    }
    return ISSUE(iss, *pos, CARDC_E_JSON, "invalid literal '%.*s' (only true, false and null exist)",
                 (int)(len > 24 ? 24 : len), (const char *)t + *pos);
}

/* Returns 1 and fills iss at the first lexical violation of RFC 8259 or the
 * first bracket nested deeper than max_depth; 0 when the tokens are clean. */
static int strict_scan(const unsigned char *t, size_t n, int max_depth, scan_issue *iss)
{
    size_t i = 0;
    long depth = 0;
    char what[24];

    while (i < n) {
        unsigned char c = t[i];
        int bad = 0;

        if (is_ws(c) || c == ',' || c == ':') {
            i++;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return ISSUE(iss, i, CARDC_E_LIMIT, "nesting too deep (the limit is %d levels)",
                             max_depth);
            i++;
        } else if (c == ']' || c == '}') {
            if (depth > 0)
                depth--;
            i++;
        } else if (c == '"') {
            bad = scan_string(t, n, &i, iss);
        } else if (c == '-' || is_digit(c)) {
            bad = scan_number(t, n, &i, iss);
        } else if (is_alnum(c) || c == '_') {
            bad = scan_literal(t, n, &i, iss);
        } else if (c == '\'') {
            return ISSUE(iss, i, CARDC_E_JSON, "single-quoted strings are not allowed");
        } else if (c == '/') {
            return ISSUE(iss, i, CARDC_E_JSON, "comments are not allowed");
        } else if (c == '\f' || c == '\v') {
            return ISSUE(iss, i, CARDC_E_JSON,
                         "invalid whitespace U+%04X (only space, tab, CR and LF are allowed)",
                         (unsigned)c);
        } else if (c == 0) {
            return ISSUE(iss, i, CARDC_E_JSON, "unexpected NUL byte");
        } else if (c >= 0x80) {
            unsigned long cp;
            if (!utf8_sequence(t + i, n - i, &cp))
                return ISSUE(iss, i, CARDC_E_UTF8, "invalid UTF-8 (byte 0x%02X)", (unsigned)c);
            if (cp == 0xFEFF)
                return ISSUE(iss, i, CARDC_E_JSON, "unexpected byte order mark (U+FEFF)");
            return ISSUE(iss, i, CARDC_E_JSON, "unexpected character U+%04lX", cp);
        } else {
            describe_char(t, n, i, what, sizeof what);
            return ISSUE(iss, i, CARDC_E_JSON, "unexpected character %s", what);
        }
        if (bad)
            return 1;
    }
    return 0;
}

/* ---- Parsing ------------------------------------------------------------ */

cardc_status cardc_json_parse(const char *text, size_t len, const char *source, int max_depth,
                              struct json_object **out, cardc_error *err)
{
    scan_issue lex;
    struct json_tokener *tok;
    struct json_object *obj;
    enum json_tokener_error jerr;
    size_t jend;
    int lex_bad, tok_depth;
    const char *jmsg = NULL;
    cardc_status jcode = CARDC_E_JSON;
    int line, column;

    if (!source)
        source = "<string>";
    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_json_parse: out is NULL");
    *out = NULL;
    if (!text && len)
        return cardc__error(err, CARDC_E_USAGE, "cardc_json_parse: text is NULL");
    if (!text)
        text = "";
    if (max_depth <= 0)
        max_depth = CARDC_JSON_DEFAULT_MAX_DEPTH;
    if (max_depth > CARDC_JSON_MAX_DEPTH_CEILING)
        max_depth = CARDC_JSON_MAX_DEPTH_CEILING;
    /* json-c takes an int length, and we feed one extra byte at the end. */
    if (len >= (size_t)INT_MAX)
        return cardc__error_at(err, CARDC_E_LIMIT, source, 0, 0,
                               "document too large (%zu bytes, at most %d)", len, INT_MAX - 1);

    lex_bad = strict_scan((const unsigned char *)text, len, max_depth, &lex);

    /* The tokener allocates its whole depth stack up front; a document
     * cannot nest deeper than it has bytes, so a huge --max-depth must not
     * turn into a huge allocation. json-c counts a scalar inside the
     * innermost container as one more level: hence + 1 (strict_scan
     * enforces the exact limit on brackets). */
    tok_depth = ((size_t)max_depth > len ? (int)len : max_depth) + 1;
    tok = json_tokener_new_ex(tok_depth);
    if (!tok)
        return cardc__error_at(err, CARDC_E_NOMEM, source, 0, 0, "out of memory");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    jend = json_tokener_get_parse_end(tok);
    if (!obj && jerr == json_tokener_continue) {
        /* End of input: the NUL lets json-c finish a trailing number. */
        obj = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        jend = len;
    }
    if (jerr != json_tokener_success) {
        jmsg = json_tokener_error_desc(jerr);
        if (jerr == json_tokener_error_depth)
            jcode = CARDC_E_LIMIT;
        else if (jerr == json_tokener_error_parse_utf8_string)
            jcode = CARDC_E_UTF8;
    } else {
        for (size_t i = jend; i < len; i++) {
            if (!is_ws((unsigned char)text[i])) {
                jmsg = "unexpected data after the JSON value";
                jend = i;
                break;
            }
        }
    }
    json_tokener_free(tok);

    if (!jmsg && !lex_bad) {
        *out = obj; /* NULL for a JSON null: json-c's representation */
        return CARDC_OK;
    }
    json_object_put(obj);
    if (!err || err->code != CARDC_OK)
        return !jmsg || (lex_bad && lex.offset <= jend) ? lex.code : jcode;
    if (!jmsg || (lex_bad && lex.offset <= jend)) {
        position_of(text, len, lex.offset, &line, &column);
        cardc__error_at(err, lex.code, source, line, column, "%s", lex.message);
        err->offset = lex.offset;
        return lex.code;
    }
    if (jend > len)
        jend = len;
    position_of(text, len, jend, &line, &column);
    if (jcode == CARDC_E_LIMIT) {
        cardc__error_at(err, jcode, source, line, column, "%s (the limit is %d levels)", jmsg,
                        max_depth);
    } else if (jerr == json_tokener_error_parse_unexpected && jend < len) {
        char what[24];
        describe_char((const unsigned char *)text, len, jend, what, sizeof what);
        cardc__error_at(err, jcode, source, line, column, "%s %s", jmsg, what);
    } else
        cardc__error_at(err, jcode, source, line, column, "%s", jmsg);
    err->offset = jend;
    return jcode;
}

/* ---- Reading files ------------------------------------------------------ */

cardc_status cardc_read_file(const char *path, char **text, size_t *len, cardc_error *err)
{
    FILE *f;
    char *buf = NULL;
    size_t size = 0, cap = 0;
    int is_stdin;
    const char *name;

    if (!path || !text)
        return cardc__error(err, CARDC_E_USAGE, "cardc_read_file: path or text is NULL");
    *text = NULL;
    if (len)
        *len = 0;
    is_stdin = strcmp(path, "-") == 0;
    name = is_stdin ? "<stdin>" : path;
    f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return cardc__error_at(err, CARDC_E_IO, name, 0, 0, "cannot open: %s", strerror(errno));
    for (;;) {
        if (cap - size < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nbuf = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nbuf) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                return cardc__error_at(err, CARDC_E_NOMEM, name, 0, 0,
                                       "out of memory reading the file");
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + size, 1, cap - size - 1, f);
        size += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        if (!is_stdin)
            fclose(f);
        else
            clearerr(f);
        return cardc__error_at(err, CARDC_E_IO, name, 0, 0, "cannot read: %s",
                               strerror(e ? e : EIO));
    }
    if (!is_stdin)
        fclose(f);
    buf[size] = '\0';
    *text = buf;
    if (len)
        *len = size;
    return CARDC_OK;
}

/* ---- Locating a JSON Pointer in the text -------------------------------- */

/* The locator walks the text itself (no tree), so it tolerates any input:
 * every step is bounded by len and malformed text just ends the walk. */
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
    if (r->p[r->i] == '~' && r->i + 1 < r->len && (r->p[r->i + 1] == '0' || r->p[r->i + 1] == '1')) {
        r->i += 2;
        return r->p[r->i - 1] == '0' ? '~' : '/';
    }
    return (unsigned char)r->p[r->i++];
}

static int hex4(const unsigned char *s, unsigned long *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char h = s[k];
        unsigned d = is_digit(h) ? (unsigned)(h - '0') : (unsigned)((h | 0x20) - 'a' + 10);
        if (!is_hex(h))
            return 0;
        *v = (*v << 4) | d;
    }
    return 1;
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
        size_t nbytes = 1;
        if (c->t[c->i] == '\\' && c->i + 1 < c->n) {
            unsigned char e = c->t[c->i + 1];
            c->i += 2;
            if (e == 'u' && c->i + 4 <= c->n) {
                unsigned long cp, lo;
                if (!hex4(c->t + c->i, &cp))
                    return 0;
                c->i += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && c->i + 6 <= c->n && c->t[c->i] == '\\' &&
                    c->t[c->i + 1] == 'u' && hex4(c->t + c->i + 2, &lo) && lo >= 0xDC00 &&
                    lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    c->i += 6;
                } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                    cp = 0xFFFD; /* what a lone surrogate becomes in the tree */
                }
                if (cp < 0x80) {
                    utf8[0] = (unsigned char)cp;
                } else if (cp < 0x800) {
                    utf8[0] = (unsigned char)(0xC0 | (cp >> 6));
                    utf8[1] = (unsigned char)(0x80 | (cp & 0x3F));
                    nbytes = 2;
                } else if (cp < 0x10000) {
                    utf8[0] = (unsigned char)(0xE0 | (cp >> 12));
                    utf8[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                    utf8[2] = (unsigned char)(0x80 | (cp & 0x3F));
                    nbytes = 3;
                } else {
                    utf8[0] = (unsigned char)(0xF0 | (cp >> 18));
                    utf8[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
                    utf8[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                    utf8[3] = (unsigned char)(0x80 | (cp & 0x3F));
                    nbytes = 4;
                }
            } else {
                const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
                const char *at = strchr(from, e);
                utf8[0] = at && e ? (unsigned char)to[at - from] : e;
            }
        } else {
            utf8[0] = c->t[c->i++];
        }
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
        if (!is_digit((unsigned char)tok[k]) || v > (SIZE_MAX - 9) / 10)
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

int cardc_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column)
{
    cursor c = {(const unsigned char *)(text ? text : ""), text ? len : 0, 0};
    size_t found;
    int ok = 1;
    int l, col;

    if (!pointer)
        pointer = "";
    skip_ws(&c);
    found = c.i;
    if (*pointer && *pointer != '/')
        ok = 0;
    while (ok && *pointer == '/') {
        const char *tok = pointer + 1;
        const char *end = strchr(tok, '/');
        size_t toklen = end ? (size_t)(end - tok) : strlen(tok);
        if (!step(&c, tok, toklen)) {
            ok = 0;
            break;
        }
        found = c.i;
        pointer = tok + toklen;
    }
    position_of((const char *)c.t, c.n, found, &l, &col);
    if (line)
        *line = l;
    if (column)
        *column = col;
    return ok;
}

/* ---- Dumping ------------------------------------------------------------ */

typedef struct outbuf {
    char *s;
    size_t len, cap;
    int failed;
} outbuf;

static void put(outbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->cap - b->len <= n) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap - b->len <= n) {
            if (ncap > SIZE_MAX / 2) {
                b->failed = 1;
                return;
            }
            ncap *= 2;
        }
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->failed = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(outbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_string(outbuf *b, const char *s, size_t n)
{
    size_t run = 0;
    char esc[8];

    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
                rep = esc;
            }
        }
        if (rep) {
            put(b, s + run, i - run);
            puts_(b, rep);
            run = i + 1;
        }
    }
    put(b, s + run, n - run);
    put(b, "\"", 1);
}

static void put_scalar(outbuf *b, const struct json_object *o)
{
    char num[32];

    switch (json_object_get_type(o)) {
    case json_type_null:
        puts_(b, "null");
        break;
    case json_type_boolean:
        puts_(b, json_object_get_boolean(o) ? "true" : "false");
        break;
    case json_type_int: {
        int64_t v = json_object_get_int64(o);
        if (v == INT64_MAX) /* may be a uint64 above INT64_MAX */
            snprintf(num, sizeof num, "%llu", (unsigned long long)json_object_get_uint64(o));
        else
            snprintf(num, sizeof num, "%lld", (long long)v);
        puts_(b, num);
        break;
    }
    case json_type_double:
        /* json-c keeps a parsed double's original text and prints it back;
         * its printer caches into the object, hence the cast. */
        puts_(b, json_object_to_json_string_ext((struct json_object *)o, JSON_C_TO_STRING_PLAIN));
        break;
    case json_type_string:
        put_string(b, json_object_get_string((struct json_object *)o),
                   (size_t)json_object_get_string_len(o));
        break;
    default:
        break;
    }
}

static void newline_indent(outbuf *b, size_t level)
{
    put(b, "\n", 1);
    for (size_t k = 0; k < level; k++)
        put(b, "  ", 2);
}

typedef struct dump_frame {
    const struct json_object *o;
    struct lh_entry *next; /* objects */
    size_t index, count;   /* arrays: next index and length */
    int is_object, emitted;
} dump_frame;

/* Opens a container (pushing a frame) or prints a scalar or empty one. */
static int open_value(outbuf *b, const struct json_object *o, dump_frame **stack, size_t *sp,
                      size_t *cap)
{
    enum json_type type = json_object_get_type(o);
    dump_frame f = {o, NULL, 0, 0, type == json_type_object, 0};

    if (type == json_type_object)
        f.next = lh_table_head(json_object_get_object(o));
    else if (type == json_type_array)
        f.count = json_object_array_length(o);
    else {
        put_scalar(b, o);
        return 1;
    }
    if (f.is_object ? f.next == NULL : f.count == 0) {
        puts_(b, f.is_object ? "{}" : "[]");
        return 1;
    }
    if (*sp == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        dump_frame *ns = realloc(*stack, ncap * sizeof *ns);
        if (!ns)
            return 0;
        *stack = ns;
        *cap = ncap;
    }
    (*stack)[(*sp)++] = f;
    puts_(b, f.is_object ? "{" : "[");
    return 1;
}

char *cardc_json_dump(const struct json_object *value, int pretty)
{
    outbuf b = {NULL, 0, 0, 0};
    dump_frame *stack = NULL;
    size_t sp = 0, cap = 0;

    /* Iterative: a dumped tree may nest as deep as the parser allowed. */
    if (!open_value(&b, value, &stack, &sp, &cap))
        b.failed = 1;
    while (sp > 0 && !b.failed) {
        dump_frame *f = &stack[sp - 1];
        const struct json_object *child;

        if (f->is_object ? f->next == NULL : f->index >= f->count) {
            if (pretty)
                newline_indent(&b, sp - 1);
            puts_(&b, f->is_object ? "}" : "]");
            sp--;
            continue;
        }
        if (f->emitted++)
            put(&b, ",", 1);
        if (pretty)
            newline_indent(&b, sp);
        if (f->is_object) {
            const char *key = (const char *)lh_entry_k(f->next);
            put_string(&b, key, strlen(key));
            puts_(&b, pretty ? ": " : ":");
            child = (const struct json_object *)lh_entry_v(f->next);
            f->next = lh_entry_next(f->next);
        } else {
            child = json_object_array_get_idx(f->o, f->index++);
        }
        if (!open_value(&b, child, &stack, &sp, &cap))
            b.failed = 1;
    }
    free(stack);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
