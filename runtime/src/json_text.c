/* Strict RFC 8259 checking of card JSON text, then json-c to build the tree;
 * and finding a JSON Pointer's value in the text for diagnostics. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_text.h"

/* Locating only runs on text this file already accepted, whose depth was at
 * most this (the card loader clamps its limit to it). */
#define LOCATE_MAX_DEPTH 10001

typedef struct scan {
    const unsigned char *s;
    size_t len;
    size_t pos;
    int depth;
    int max_depth;
    int check_dups;
    cardc_status code;
    const char *msg;
    size_t err;
    char msgbuf[160];
} scan;

static int fail(scan *sc, cardc_status code, size_t at, const char *msg)
{
    if (sc->code == CARDC_OK) {
        sc->code = code;
        sc->err = at;
        sc->msg = msg;
    }
    return 0;
}

static int fail_here(scan *sc, const char *msg)
{
    if (sc->pos >= sc->len)
        return fail(sc, CARDC_E_JSON, sc->len, "unexpected end of data");
    return fail(sc, CARDC_E_JSON, sc->pos, msg);
}

static void skip_ws(scan *sc)
{
    while (sc->pos < sc->len && (sc->s[sc->pos] == ' ' || sc->s[sc->pos] == '\t' ||
                                 sc->s[sc->pos] == '\n' || sc->s[sc->pos] == '\r'))
        sc->pos++;
}

/* Length of the well-formed UTF-8 sequence at s[i] (no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t len, size_t i)
{
    unsigned c = s[i], lo = 0x80, hi = 0xBF;
    size_t need, k;

    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        need = 1;
    } else if (c < 0xF0) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (len - i <= need)
        return 0;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (k = 2; k <= need; k++)
        if (s[i + k] < 0x80 || s[i + k] > 0xBF)
            return 0;
    return need + 1;
}

static long hex4(const unsigned char *s, size_t len, size_t i)
{
    long v = 0;
    size_t k;

    if (len < 4 || i > len - 4)
        return -1;
    for (k = 0; k < 4; k++) {
        unsigned c = s[i + k];
        int d;

        if (c >= '0' && c <= '9')
            d = (int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (int)(c - 'A' + 10);
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* json-c keeps object keys as C strings, so a key holding U+0000 would be
 * silently cut: such keys are refused. */
static int scan_string(scan *sc, int is_key)
{
    sc->pos++; /* opening quote */
    for (;;) {
        unsigned c;

        if (sc->pos >= sc->len)
            return fail_here(sc, "");
        c = sc->s[sc->pos];
        if (c == '"') {
            sc->pos++;
            return 1;
        }
        if (c < 0x20)
            return fail_here(sc, "control character in string (must be escaped)");
        if (c >= 0x80) {
            size_t n = utf8_len(sc->s, sc->len, sc->pos);

            if (!n)
                return fail(sc, CARDC_E_UTF8, sc->pos, "invalid UTF-8 in string");
            sc->pos += n;
            continue;
        }
        if (c != '\\') {
            sc->pos++;
            continue;
        }
        if (sc->pos + 1 >= sc->len)
            return fail(sc, CARDC_E_JSON, sc->len, "unexpected end of data");
        c = sc->s[sc->pos + 1];
        if (strchr("\"\\/bfnrt", (int)c) && c) {
            sc->pos += 2;
        } else if (c == 'u') {
            long u = hex4(sc->s, sc->len, sc->pos + 2);

            if (u < 0)
                return fail_here(sc, "invalid \\u escape (4 hex digits expected)");
            if (u >= 0xDC00 && u <= 0xDFFF)
                return fail_here(sc, "unpaired surrogate in \\u escape");
            if (u >= 0xD800 && u <= 0xDBFF) {
                long lo = -1;

                if (sc->pos + 7 < sc->len && sc->s[sc->pos + 6] == '\\' &&
                    sc->s[sc->pos + 7] == 'u')
                    lo = hex4(sc->s, sc->len, sc->pos + 8);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail_here(sc, "unpaired surrogate in \\u escape");
                sc->pos += 12;
            } else {
                if (u == 0 && is_key)
                    return fail_here(sc, "object key contains \\u0000");
                sc->pos += 6;
            }
        } else {
            return fail_here(sc, "invalid escape sequence");
        }
    }
}

static int is_digit(const scan *sc)
{
    return sc->pos < sc->len && sc->s[sc->pos] >= '0' && sc->s[sc->pos] <= '9';
}

/* The grammar allows 1e999, which json-c would turn into infinity: JSON
 * cannot carry it back out, so it is an error. */
static int check_finite(scan *sc, size_t start)
{
    size_t n = sc->pos - start;
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    double d;

    if (!buf)
        return fail(sc, CARDC_E_NOMEM, start, "out of memory");
    memcpy(buf, sc->s + start, n);
    buf[n] = '\0';
    d = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    if (!isfinite(d))
        return fail(sc, CARDC_E_JSON, start, "number out of range");
    return 1;
}

/* json-c stores integers in 64 bits and silently saturates larger ones
 * (1e30 written as digits would become 18446744073709551615): refuse them
 * instead of changing a schema's meaning. */
static int check_integer_range(scan *sc, size_t start)
{
    const char *digits = (const char *)sc->s + start;
    size_t n = sc->pos - start;
    const char *limit = "18446744073709551615";

    if (*digits == '-') {
        digits++;
        n--;
        limit = "9223372036854775808";
    }
    if (n < strlen(limit) || (n == strlen(limit) && memcmp(digits, limit, n) <= 0))
        return 1;
    return fail(sc, CARDC_E_JSON, start, "integer out of the 64-bit range");
}

static int scan_number(scan *sc)
{
    size_t start = sc->pos;
    int integer = 1;

    if (sc->s[sc->pos] == '-')
        sc->pos++;
    if (!is_digit(sc))
        return fail_here(sc, "digit expected");
    if (sc->s[sc->pos] == '0') {
        sc->pos++;
        if (is_digit(sc))
            return fail_here(sc, "leading zeros are not allowed");
    } else {
        while (is_digit(sc))
            sc->pos++;
    }
    if (sc->pos < sc->len && sc->s[sc->pos] == '.') {
        integer = 0;
        sc->pos++;
        if (!is_digit(sc))
            return fail_here(sc, "digit expected after '.'");
        while (is_digit(sc))
            sc->pos++;
    }
    if (sc->pos < sc->len && (sc->s[sc->pos] == 'e' || sc->s[sc->pos] == 'E')) {
        integer = 0;
        sc->pos++;
        if (sc->pos < sc->len && (sc->s[sc->pos] == '+' || sc->s[sc->pos] == '-'))
            sc->pos++;
        if (!is_digit(sc))
            return fail_here(sc, "digit expected in exponent");
        while (is_digit(sc))
            sc->pos++;
    }
    return integer ? check_integer_range(sc, start) : check_finite(sc, start);
}

static int scan_literal(scan *sc, const char *word)
{
    size_t n = strlen(word), k;

    for (k = 0; k < n; k++, sc->pos++)
        if (sc->pos >= sc->len || sc->s[sc->pos] != (unsigned char)word[k])
            return fail_here(sc, "unexpected character");
    return 1;
}

static int scan_value(scan *sc);
static char *decode_string(const unsigned char *s, size_t len, size_t i, size_t *n);

static int enter(scan *sc)
{
    if (++sc->depth > sc->max_depth)
        return fail(sc, CARDC_E_LIMIT, sc->pos, "nesting too deep");
    sc->pos++;
    skip_ws(sc);
    return 1;
}

static int scan_array(scan *sc)
{
    if (!enter(sc))
        return 0;
    if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
        sc->pos++;
        sc->depth--;
        return 1;
    }
    for (;;) {
        if (!scan_value(sc))
            return 0;
        skip_ws(sc);
        if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
            sc->pos++;
            continue;
        }
        if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
            sc->pos++;
            sc->depth--;
            return 1;
        }
        return fail_here(sc, "',' or ']' expected");
    }
}

/* json-c would keep the last of two equal keys without a word; a card
 * with {"type": "string", "type": "object"} is a mistake to report. The
 * keys seen so far live in a json-c object used as a set. */
static int check_duplicate(scan *sc, struct json_object *seen, size_t key_start)
{
    size_t n;
    char *key = decode_string(sc->s, sc->len, key_start, &n);
    int ok = 1;

    if (!key)
        return fail(sc, CARDC_E_NOMEM, key_start, "out of memory");
    if (json_object_object_get_ex(seen, key, NULL)) {
        snprintf(sc->msgbuf, sizeof sc->msgbuf, "duplicate object key \"%.100s\"", key);
        ok = fail(sc, CARDC_E_JSON, key_start, sc->msgbuf);
    } else if (json_object_object_add(seen, key, NULL) != 0) {
        ok = fail(sc, CARDC_E_NOMEM, key_start, "out of memory");
    }
    free(key);
    return ok;
}

static int scan_members(scan *sc, struct json_object *seen)
{
    for (;;) {
        size_t key_start;

        skip_ws(sc);
        if (sc->pos >= sc->len || sc->s[sc->pos] != '"')
            return fail_here(sc, "object key (a double-quoted string) expected");
        key_start = sc->pos;
        if (!scan_string(sc, 1))
            return 0;
        if (seen && !check_duplicate(sc, seen, key_start))
            return 0;
        skip_ws(sc);
        if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
            return fail_here(sc, "':' expected after object key");
        sc->pos++;
        if (!scan_value(sc))
            return 0;
        skip_ws(sc);
        if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
            sc->pos++;
            continue;
        }
        if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
            sc->pos++;
            sc->depth--;
            return 1;
        }
        return fail_here(sc, "',' or '}' expected");
    }
}

static int scan_object(scan *sc)
{
    struct json_object *seen = NULL;
    int ok;

    if (!enter(sc))
        return 0;
    if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
        sc->pos++;
        sc->depth--;
        return 1;
    }
    if (sc->check_dups && !(seen = json_object_new_object()))
        return fail(sc, CARDC_E_NOMEM, sc->pos, "out of memory");
    ok = scan_members(sc, seen);
    json_object_put(seen);
    return ok;
}

static int scan_value(scan *sc)
{
    skip_ws(sc);
    if (sc->pos >= sc->len)
        return fail_here(sc, "");
    switch (sc->s[sc->pos]) {
    case '{':
        return scan_object(sc);
    case '[':
        return scan_array(sc);
    case '"':
        return scan_string(sc, 0);
    case 't':
        return scan_literal(sc, "true");
    case 'f':
        return scan_literal(sc, "false");
    case 'n':
        return scan_literal(sc, "null");
    default:
        if (sc->s[sc->pos] == '-' || (sc->s[sc->pos] >= '0' && sc->s[sc->pos] <= '9'))
            return scan_number(sc);
        return fail_here(sc, "unexpected character");
    }
}

static cardc_status report(size_t at, const char *what, cardc_status code, size_t *err_offset,
                           char *msg, size_t msgsize)
{
    if (err_offset)
        *err_offset = at;
    if (msg && msgsize)
        snprintf(msg, msgsize, "%s", what);
    return code;
}

cardc_status cardc__json_text_parse(const char *text, size_t len, int max_depth,
                                    struct json_object **out, size_t *err_offset, char *msg,
                                    size_t msgsize)
{
    scan sc;
    struct json_tokener *tok;
    struct json_object *obj;
    enum json_tokener_error jerr;

    *out = NULL;
    if (len >= INT_MAX)
        return report(0, "text too large", CARDC_E_LIMIT, err_offset, msg, msgsize);
    memset(&sc, 0, sizeof sc);
    sc.s = (const unsigned char *)text;
    sc.len = len;
    sc.max_depth = max_depth;
    sc.check_dups = 1;
    if (scan_value(&sc)) {
        skip_ws(&sc);
        if (sc.pos < sc.len)
            fail(&sc, CARDC_E_JSON, sc.pos, "unexpected character after the JSON value");
    }
    if (sc.code != CARDC_OK)
        return report(sc.err, sc.msg, sc.code, err_offset, msg, msgsize);

    /* The text is valid: json-c only builds the tree, and its own depth
     * limit must not be the tighter one. */
    tok = json_tokener_new_ex(max_depth + 1);
    if (!tok)
        return report(0, "out of memory", CARDC_E_NOMEM, err_offset, msg, msgsize);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    if (jerr == json_tokener_continue) {
        /* A bare number at the very end needs a terminator to complete. */
        obj = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
    }
    if (jerr != json_tokener_success) {
        size_t at = json_tokener_get_parse_end(tok);

        json_object_put(obj);
        json_tokener_free(tok);
        return report(at > len ? len : at, json_tokener_error_desc(jerr), CARDC_E_JSON,
                      err_offset, msg, msgsize);
    }
    json_tokener_free(tok);
    *out = obj;
    return CARDC_OK;
}

/* Decodes the JSON string at s[i] (opening quote) into a new NUL-terminated
 * buffer of *n bytes. The text is known to be valid. */
static char *decode_string(const unsigned char *s, size_t len, size_t i, size_t *n)
{
    size_t end = i + 1, k = 0;
    char *buf;

    while (end < len && s[end] != '"')
        end += s[end] == '\\' ? 2 : 1;
    buf = malloc(end - i + 1);
    if (!buf)
        return NULL;
    for (i++; i < end;) {
        unsigned long u;

        if (s[i] != '\\') {
            buf[k++] = (char)s[i++];
            continue;
        }
        switch (s[i + 1]) {
        case 'b': buf[k++] = '\b'; break;
        case 'f': buf[k++] = '\f'; break;
        case 'n': buf[k++] = '\n'; break;
        case 'r': buf[k++] = '\r'; break;
        case 't': buf[k++] = '\t'; break;
        case 'u': break;
        default: buf[k++] = (char)s[i + 1]; break;
        }
        if (s[i + 1] != 'u') {
            i += 2;
            continue;
        }
        u = (unsigned long)hex4(s, len, i + 2);
        i += 6;
        if (u >= 0xD800 && u <= 0xDBFF) {
            u = 0x10000 + ((u - 0xD800) << 10) + ((unsigned long)hex4(s, len, i + 2) - 0xDC00);
            i += 6;
        }
        if (u < 0x80) {
            buf[k++] = (char)u;
        } else if (u < 0x800) {
            buf[k++] = (char)(0xC0 | (u >> 6));
            buf[k++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            buf[k++] = (char)(0xE0 | (u >> 12));
            buf[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
            buf[k++] = (char)(0x80 | (u & 0x3F));
        } else {
            buf[k++] = (char)(0xF0 | (u >> 18));
            buf[k++] = (char)(0x80 | ((u >> 12) & 0x3F));
            buf[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
            buf[k++] = (char)(0x80 | (u & 0x3F));
        }
    }
    buf[k] = '\0';
    *n = k;
    return buf;
}

/* Unescapes one RFC 6901 reference token (~1 -> '/', ~0 -> '~'). */
static char *decode_token(const char *tok, size_t toklen, size_t *n)
{
    char *buf = malloc(toklen + 1);
    size_t i, k = 0;

    if (!buf)
        return NULL;
    for (i = 0; i < toklen; i++) {
        if (tok[i] == '~' && i + 1 < toklen && (tok[i + 1] == '0' || tok[i + 1] == '1')) {
            buf[k++] = tok[i + 1] == '0' ? '~' : '/';
            i++;
        } else {
            buf[k++] = tok[i];
        }
    }
    buf[k] = '\0';
    *n = k;
    return buf;
}

/* Moves sc->pos to the member value named tok of the object at sc->pos. */
static int find_member(scan *sc, const char *tok, size_t toklen)
{
    size_t want_len;
    char *want = decode_token(tok, toklen, &want_len);
    int found = 0;

    if (!want)
        return 0;
    sc->pos++;
    skip_ws(sc);
    while (sc->pos < sc->len && sc->s[sc->pos] == '"') {
        size_t key_len;
        char *key = decode_string(sc->s, sc->len, sc->pos, &key_len);
        int match = key && key_len == want_len && memcmp(key, want, key_len) == 0;

        free(key);
        if (!scan_string(sc, 0))
            break;
        skip_ws(sc);
        sc->pos++; /* ':' */
        skip_ws(sc);
        if (match) {
            found = 1;
            break;
        }
        if (!scan_value(sc))
            break;
        skip_ws(sc);
        if (sc->pos < sc->len && sc->s[sc->pos] == ',')
            sc->pos++;
        skip_ws(sc);
    }
    free(want);
    return found;
}

static int find_element(scan *sc, const char *tok, size_t toklen)
{
    size_t index = 0, i;

    if (toklen == 0 || (toklen > 1 && tok[0] == '0'))
        return 0;
    for (i = 0; i < toklen; i++) {
        if (tok[i] < '0' || tok[i] > '9' || index > (SIZE_MAX - 9) / 10)
            return 0;
        index = index * 10 + (size_t)(tok[i] - '0');
    }
    sc->pos++;
    skip_ws(sc);
    if (sc->pos < sc->len && sc->s[sc->pos] == ']')
        return 0;
    for (i = 0; i < index; i++) {
        if (!scan_value(sc))
            return 0;
        skip_ws(sc);
        if (sc->pos >= sc->len || sc->s[sc->pos] != ',')
            return 0;
        sc->pos++;
        skip_ws(sc);
    }
    return 1;
}

int cardc__json_text_locate(const char *text, size_t len, const char *pointer, size_t *offset)
{
    scan sc;
    const char *p = pointer ? pointer : "";

    memset(&sc, 0, sizeof sc);
    sc.s = (const unsigned char *)text;
    sc.len = len;
    sc.max_depth = LOCATE_MAX_DEPTH;
    skip_ws(&sc);
    *offset = sc.pos;
    while (*p == '/') {
        const char *tok = p + 1;
        const char *end = strchr(tok, '/');
        size_t toklen = end ? (size_t)(end - tok) : strlen(tok);
        size_t here = sc.pos;
        int found = 0;

        if (sc.pos < sc.len && sc.s[sc.pos] == '{')
            found = find_member(&sc, tok, toklen);
        else if (sc.pos < sc.len && sc.s[sc.pos] == '[')
            found = find_element(&sc, tok, toklen);
        if (!found || sc.code != CARDC_OK) {
            *offset = here;
            return 0;
        }
        *offset = sc.pos;
        p = tok + toklen;
    }
    return *p == '\0';
}
