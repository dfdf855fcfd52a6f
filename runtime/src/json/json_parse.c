/* json_parse.c: the one strict JSON parser (RFC 8259 lexer + json-c tree), for payloads and cards.
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
 * data" wording too). What json-c cannot report at all (duplicate keys and
 * the other CARDC__JSON_* checks cards ask for) the lexer and check_keys()
 * find on request. Everything is iterative: nesting may be 100,000 deep.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "common/errors_internal.h"
#include "json/json_internal.h"
#include "json/json_lex.h"
#include "common/textpos.h"
#include "common/utf8.h"

/* ---- The strict lexer --------------------------------------------------- */

typedef struct scan_issue {
    size_t offset;
    cardc_status code;
    char message[160];
} scan_issue;

#define ISSUE(iss, off, st, ...)                \
    ((iss)->offset = (off), (iss)->code = (st), \
     snprintf((iss)->message, sizeof(iss)->message, __VA_ARGS__), 1)

/* Scans a string starting at the opening quote t[*pos]. */
static int scan_string(const unsigned char *t, size_t n, size_t *pos, unsigned flags,
                       scan_issue *iss)
{
    size_t i = *pos + 1;
    char what[24];

    for (;;) {
        if (i >= n)
            return ISSUE(iss, n, CARDC_E_JSON, "%s", jlex_end_of_data);
        unsigned char c = t[i];
        if (c == '"') {
            *pos = i + 1;
            return 0;
        }
        if (c == '\\') {
            if (i + 1 >= n)
                return ISSUE(iss, n, CARDC_E_JSON, "%s", jlex_end_of_data);
            unsigned char e = t[i + 1];
            if (e == 'u') {
                unsigned long u, lo;
                for (size_t k = 2; k < 6; k++) {
                    if (i + k >= n)
                        return ISSUE(iss, n, CARDC_E_JSON, "%s", jlex_end_of_data);
                    if (hexval(t[i + k]) < 0)
                        return ISSUE(iss, i, CARDC_E_JSON,
                                     "invalid \\u escape: four hex digits expected");
                }
                jlex_hex4(t, n, i + 2, &u);
                i += 6;
                /* json-c stores a lone surrogate as U+FFFD. */
                if ((flags & CARDC__JSON_EXACT) && u >= 0xD800 && u <= 0xDFFF) {
                    if (u > 0xDBFF || i + 1 >= n || t[i] != '\\' || t[i + 1] != 'u' ||
                        !jlex_hex4(t, n, i + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return ISSUE(iss, i - 6, CARDC_E_JSON, "unpaired surrogate in \\u escape");
                    i += 6;
                }
            } else if (strchr("\"\\/bfnrt", e) && e) {
                i += 2;
            } else {
                jlex_describe_char(t, n, i + 1, what, sizeof what);
                return ISSUE(iss, i, CARDC_E_JSON,
                             "invalid escape sequence: backslash followed by %s", what);
            }
        } else if (c < 0x20) {
            return ISSUE(iss, i, CARDC_E_JSON, "unescaped control character U+%04X in a string",
                         (unsigned)c);
        } else if (c >= 0x80) {
            uint32_t cp;
            size_t len = utf8_decode(t + i, n - i, &cp);
            if (!len)
                return ISSUE(iss, i, CARDC_E_UTF8, "invalid UTF-8 (byte 0x%02X) in a string",
                             (unsigned)c);
            i += len;
        } else {
            i++;
        }
    }
}

/* json-c stores integers in 64 bits and silently saturates larger ones
 * (1e30 written as digits would become 18446744073709551615). */
static int integer_fits(const unsigned char *digits, size_t n)
{
    const char *limit = "18446744073709551615";

    if (*digits == '-') {
        digits++;
        n--;
        limit = "9223372036854775808";
    }
    return n < strlen(limit) || (n == strlen(limit) && memcmp(digits, limit, n) <= 0);
}

/* The grammar allows 1e999, which json-c would turn into infinity: JSON
 * cannot carry it back out. Returns 0 with iss filled when it is not finite
 * (or the copy strtod needs cannot be made). */
static int finite_number(const unsigned char *s, size_t n, scan_issue *iss, size_t at)
{
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    double d;

    if (!buf)
        return !ISSUE(iss, at, CARDC_E_NOMEM, "out of memory");
    memcpy(buf, s, n);
    buf[n] = '\0';
    d = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    if (!isfinite(d))
        return !ISSUE(iss, at, CARDC_E_JSON, "number out of range");
    return 1;
}

/* Scans a number starting at t[*pos] ('-' or a digit). */
static int scan_number(const unsigned char *t, size_t n, size_t *pos, unsigned flags,
                       scan_issue *iss)
{
    jlex_number num;
    size_t at;
    const char *bad = jlex_scan_number(t, n, *pos, &num, &at);

    if (bad)
        return ISSUE(iss, at, CARDC_E_JSON, "%s", bad);
    if (flags & CARDC__JSON_EXACT) {
        if (num.integer && !integer_fits(t + *pos, num.end - *pos))
            return ISSUE(iss, *pos, CARDC_E_JSON, "integer out of the 64-bit range");
        if (!num.integer && !finite_number(t + *pos, num.end - *pos, iss, *pos))
            return 1;
    }
    *pos = num.end;
    return 0;
}

/* Scans a bare word: only true, false and null exist. */
static int scan_literal(const unsigned char *t, size_t n, size_t *pos, scan_issue *iss)
{
    size_t at;

    if (jlex_scan_literal(t, n, *pos, pos, iss->message, sizeof iss->message, &at) >= 0)
        return 0;
    iss->offset = at;
    iss->code = CARDC_E_JSON;
    return 1;
}

/* Returns 1 and fills iss at the first lexical violation of RFC 8259 or the
 * first bracket nested deeper than max_depth; 0 when the tokens are clean.
 * *deepest is the deepest nesting met before stopping. */
static int strict_scan(const unsigned char *t, size_t n, int max_depth, unsigned flags,
                       scan_issue *iss, int *deepest)
{
    size_t i = 0;
    long depth = 0;

    *deepest = 0;

    while (i < n) {
        unsigned char c = t[i];
        int bad = 0;

        if (jlex_is_ws(c) || c == ',' || c == ':') {
            i++;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                return ISSUE(iss, i, CARDC_E_LIMIT, "nesting too deep (the limit is %d levels)",
                             max_depth);
            if (depth > *deepest)
                *deepest = (int)depth;
            i++;
        } else if (c == ']' || c == '}') {
            if (depth > 0)
                depth--;
            i++;
        } else if (c == '"') {
            bad = scan_string(t, n, &i, flags, iss);
        } else if (c == '-' || jlex_is_digit(c)) {
            bad = scan_number(t, n, &i, flags, iss);
        } else if (jlex_is_alnum(c) || c == '_') {
            bad = scan_literal(t, n, &i, iss);
        } else {
            iss->offset = i;
            iss->code = jlex_stray(t, n, i, iss->message, sizeof iss->message);
            return 1;
        }
        if (bad)
            return 1;
    }
    return 0;
}

/* ---- Keys --------------------------------------------------------------- */

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

/* Checks the key starting at the opening quote t[*pos] against `seen` (the
 * keys of its object so far; NULL when duplicates are allowed) and moves
 * past it. Returns 1 with iss filled on a problem; 0 otherwise, also when
 * the key does not end before n (the error cutting it off is reported). */
static int check_key(const unsigned char *t, size_t n, size_t *pos, struct json_object *seen,
                     unsigned flags, scan_issue *iss)
{
    size_t start = *pos, i = start + 1, k = 0, end = i;
    char *key;
    int nul = 0, bad = 0;

    while (end < n && t[end] != '"')
        end += t[end] == '\\' ? 2 : 1;
    if (end >= n) {
        *pos = n;
        return 0;
    }
    *pos = end + 1;
    /* Decoding never grows a string: an escape is longer than its UTF-8. */
    key = malloc(end - start);
    if (!key)
        return ISSUE(iss, start, CARDC_E_NOMEM, "out of memory");
    while (i < end) {
        size_t got = cardc__json_string_unit(t, end, &i, (unsigned char *)key + k);
        if (!got)
            break; /* the lexer reports malformed escapes */
        if (got == 1 && key[k] == '\0')
            nul = 1;
        k += got;
    }
    key[k] = '\0';
    if (nul && (flags & CARDC__JSON_EXACT))
        bad = ISSUE(iss, start, CARDC_E_JSON, "object key contains \\u0000 (keys are C strings)");
    else if (seen && json_object_object_get_ex(seen, key, NULL))
        bad = ISSUE(iss, start, CARDC_E_JSON, "duplicate object key \"%.100s\"", key);
    else if (seen && json_object_object_add(seen, key, NULL) != 0)
        bad = ISSUE(iss, start, CARDC_E_NOMEM, "out of memory");
    free(key);
    return bad;
}

typedef struct key_frame {
    struct json_object *seen; /* keys so far, as a set; NULL in arrays */
    int is_object, expect_key;
} key_frame;

/* Returns 1 and fills iss at the first key the flags refuse in t[0..n).
 * The lexer and json-c found nothing wrong before n (where the first other
 * error lies), so the walk only has to tell keys from other strings; it is
 * iterative because nesting may be as deep as max_depth. */
static int check_keys(const unsigned char *t, size_t n, unsigned flags, scan_issue *iss)
{
    key_frame *stack = NULL;
    size_t sp = 0, cap = 0, i = 0;
    int bad = 0;

    while (i < n && !bad) {
        unsigned char c = t[i];
        key_frame *top = sp ? &stack[sp - 1] : NULL;

        if (c == '{' || c == '[') {
            if (sp == cap) {
                size_t ncap = cap ? cap * 2 : 32;
                key_frame *ns = realloc(stack, ncap * sizeof *ns);
                if (!ns) {
                    bad = ISSUE(iss, i, CARDC_E_NOMEM, "out of memory");
                    break;
                }
                stack = ns;
                cap = ncap;
            }
            stack[sp++] = (key_frame){NULL, c == '{', c == '{'};
            if (c == '{' && (flags & CARDC__JSON_UNIQUE_KEYS) &&
                !(stack[sp - 1].seen = json_object_new_object()))
                bad = ISSUE(iss, i, CARDC_E_NOMEM, "out of memory");
            i++;
        } else if (c == '}' || c == ']') {
            if (sp)
                json_object_put(stack[--sp].seen);
            i++;
        } else if (c == ',') {
            if (top && top->is_object)
                top->expect_key = 1;
            i++;
        } else if (c == '"' && top && top->expect_key) {
            top->expect_key = 0;
            bad = check_key(t, n, &i, top->seen, flags, iss);
        } else if (c == '"') {
            for (i++; i < n && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
            i++;
        } else {
            i++;
        }
    }
    while (sp)
        json_object_put(stack[--sp].seen);
    free(stack);
    return bad;
}

/* ---- Parsing ------------------------------------------------------------ */

/* Whether a whole JSON value ends before t[at], json-c having accepted
 * t[0..at) so far: then every bracket there is closed again and some token
 * was seen. Strings are skipped so their brackets do not count. */
static int value_ends_before(const unsigned char *t, size_t at)
{
    size_t depth = 0;
    int token = 0;

    for (size_t i = 0; i < at; i++) {
        if (jlex_is_ws(t[i]))
            continue;
        token = 1;
        if (t[i] == '[' || t[i] == '{')
            depth++;
        else if ((t[i] == ']' || t[i] == '}') && depth > 0)
            depth--;
        else if (t[i] == '"')
            for (i++; i < at && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
    }
    return token && depth == 0;
}

/* json-c's wording names its own states ("object property name
 * separator"); these say what the text lacks instead. */
static const char *grammar_message(enum json_tokener_error e)
{
    switch (e) {
    case json_tokener_error_parse_object_key_name:
        return "object key (a double-quoted string) expected";
    case json_tokener_error_parse_object_key_sep: return "':' expected after object key";
    case json_tokener_error_parse_object_value_sep: return "',' or '}' expected";
    case json_tokener_error_parse_array: return "',' or ']' expected";
    default: return json_tokener_error_desc(e);
    }
}

static cardc_status report(size_t *err_offset, char *msg, size_t msgsize, const scan_issue *iss)
{
    if (err_offset)
        *err_offset = iss->offset;
    if (msg && msgsize)
        snprintf(msg, msgsize, "%s", iss->message);
    return iss->code;
}

cardc_status cardc__json_parse(const char *text, size_t len, int max_depth, unsigned flags,
                               struct json_object **out, size_t *err_offset, char *msg,
                               size_t msgsize)
{
    const unsigned char *t = (const unsigned char *)text;
    scan_issue lex, gram, keys;
    struct json_tokener *tok;
    struct json_object *obj;
    enum json_tokener_error jerr;
    size_t jend, limit;
    int lex_bad, gram_bad = 0, tok_depth, deepest;

    *out = NULL;
    /* json-c takes an int length, and we feed one extra byte at the end. */
    if (len >= (size_t)INT_MAX) {
        (void)ISSUE(&gram, 0, CARDC_E_LIMIT, "document too large (%zu bytes, at most %d)", len,
                    INT_MAX - 1);
        return report(err_offset, msg, msgsize, &gram);
    }
    lex_bad = strict_scan(t, len, max_depth, flags, &lex, &deepest);
    if (lex_bad && lex.code == CARDC_E_NOMEM)
        return report(err_offset, msg, msgsize, &lex);

    /* The tokener callocs its whole depth stack up front (about 40 bytes a
     * level): sized by max_depth, every parse of a payload paid for 10,000
     * levels (400 KB zeroed; 10% of the instructions of a fuzz_cards run).
     * The lexer has seen how deep the text nests before its first problem,
     * and json-c cannot go deeper before that point (past it the lexer's
     * error wins): that depth is enough. json-c counts a scalar inside the
     * innermost container as one more level: hence + 1 (strict_scan
     * enforces the exact limit on brackets). */
    tok_depth = deepest + 1;
    tok = json_tokener_new_ex(tok_depth);
    if (!tok) {
        (void)ISSUE(&gram, 0, CARDC_E_NOMEM, "out of memory");
        return report(err_offset, msg, msgsize, &gram);
    }
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
    json_tokener_free(tok);
    if (jend > len)
        jend = len;
    /* Strict json-c calls a trailing comma in an object just an unexpected
     * '}'; a ',' json-c accepted before it separated members, so what is
     * missing is a key. */
    if (jerr == json_tokener_error_parse_unexpected && jend < len && t[jend] == '}') {
        size_t k = jend;
        while (k > 0 && jlex_is_ws(t[k - 1]))
            k--;
        if (k > 0 && t[k - 1] == ',')
            jerr = json_tokener_error_parse_object_key_name;
    }
    if (jerr == json_tokener_error_parse_unexpected && jend < len && value_ends_before(t, jend)) {
        /* Strict json-c reports "1 2" as an unexpected '2'. */
        char what[24];
        jlex_describe_char(t, len, jend, what, sizeof what);
        gram_bad =
            ISSUE(&gram, jend, CARDC_E_JSON, "unexpected character %s after the JSON value", what);
    } else if (jerr != json_tokener_success) {
        char what[48] = "";
        cardc_status code = jerr == json_tokener_error_depth               ? CARDC_E_LIMIT
                            : jerr == json_tokener_error_parse_utf8_string ? CARDC_E_UTF8
                                                                           : CARDC_E_JSON;
        if (code == CARDC_E_LIMIT)
            snprintf(what, sizeof what, " (the limit is %d levels)", max_depth);
        else if (jerr == json_tokener_error_parse_unexpected && jend < len) {
            what[0] = ' ';
            jlex_describe_char(t, len, jend, what + 1, sizeof what - 1);
        }
        gram_bad = ISSUE(&gram, jend, code, "%s%s", grammar_message(jerr), what);
    } else {
        for (size_t i = jend; i < len && !gram_bad; i++) {
            if (!jlex_is_ws(t[i])) {
                char what[24];
                jlex_describe_char(t, len, i, what, sizeof what);
                gram_bad = ISSUE(&gram, i, CARDC_E_JSON,
                                 "unexpected character %s after the JSON value", what);
            }
        }
    }

    /* The key checks only look at text both passes accepted. */
    limit = len;
    if (lex_bad)
        limit = lex.offset;
    if (gram_bad && gram.offset < limit)
        limit = gram.offset;
    if (flags && check_keys(t, limit, flags, &keys)) {
        cardc_json_free(obj);
        return report(err_offset, msg, msgsize, &keys);
    }
    if (!lex_bad && !gram_bad) {
        *out = obj; /* NULL for a JSON null: json-c's representation */
        return CARDC_OK;
    }
    json_object_put(obj);
    if (lex_bad && (!gram_bad || lex.offset <= gram.offset))
        return report(err_offset, msg, msgsize, &lex);
    return report(err_offset, msg, msgsize, &gram);
}

void cardc_json_options_init(cardc_json_options *opts)
{
    if (opts) {
        opts->max_depth = 0;
        opts->duplicate_keys = CARDC_DUPLICATE_KEYS_LAST;
    }
}

static cardc_status json_parse_body(const char *text, size_t len, const char *source,
                                    const cardc_json_options *opts, struct json_object **out,
                                    cardc_error *err)
{
    char msg[CARDC_ERROR_MESSAGE_MAX];
    size_t off = 0;
    int line = 0, column = 0, max_depth = opts ? opts->max_depth : 0;
    cardc_status st;

    if (!source)
        source = "<string>";
    if (!out)
        return cardc__error(err, CARDC_E_USAGE, "cardc_json_parse: out is NULL");
    *out = NULL;
    if (!text && len)
        return cardc__error(err, CARDC_E_USAGE, "cardc_json_parse: text is NULL");
    if (opts && opts->duplicate_keys != CARDC_DUPLICATE_KEYS_LAST &&
        opts->duplicate_keys != CARDC_DUPLICATE_KEYS_REJECT)
        return cardc__error(err, CARDC_E_USAGE, "cardc_json_parse: unknown duplicate_keys %d",
                            (int)opts->duplicate_keys);
    if (!text)
        text = "";
    if (max_depth <= 0)
        max_depth = CARDC_JSON_DEFAULT_MAX_DEPTH;
    if (max_depth > CARDC_JSON_MAX_DEPTH_CEILING)
        max_depth = CARDC_JSON_MAX_DEPTH_CEILING;
    /* Payloads are JSON as RFC 8259 has it: duplicate keys are allowed
     * unless the caller refuses them. */
    st = cardc__json_parse(
        text, len, max_depth,
        opts && opts->duplicate_keys == CARDC_DUPLICATE_KEYS_REJECT ? CARDC__JSON_UNIQUE_KEYS : 0,
        out, &off, msg, sizeof msg);
    if (st == CARDC_OK || !err || err->code != CARDC_OK)
        return st;
    /* Size and memory failures are not at a place in the text. */
    if (st != CARDC_E_NOMEM && len < (size_t)INT_MAX)
        cardc__text_position(text, len, off, 0, &line, &column);
    cardc__error_at(err, st, source, line, column, "%s", msg);
    if (line)
        err->offset = off;
    return st;
}

cardc_status cardc_json_parse_ex(const char *text, size_t len, const char *source,
                                 const cardc_json_options *opts, struct json_object **out,
                                 cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, json_parse_body(text, len, source, opts, out, err));
}

cardc_status cardc_json_parse(const char *text, size_t len, const char *source, int max_depth,
                              struct json_object **out, cardc_error *err)
{
    cardc_json_options opts;

    cardc_json_options_init(&opts);
    opts.max_depth = max_depth;
    cardc__error_enter(err);
    return cardc__error_leave(err, json_parse_body(text, len, source, &opts, out, err));
}
