/* SPDX-License-Identifier: MIT */
/* json_parse.c: the one strict JSON parser (RFC 8259, into a json-c tree), for payloads and cards.
 *
 * The pull parser (pull.c) reads the text, strictly RFC 8259 (every y_ case
 * of JSONTestSuite accepted, every n_ case refused, with the messages and
 * offsets users see), and build_tree() makes the json-c tree from its
 * tokens, the way json-c's tokener would store it (numbers included), every
 * allocation checked. json-c's own tokener is not used: its "strict" mode
 * (0.16) is not RFC 8259 (NaN, "-01", raw tabs in strings, overlong UTF-8,
 * ...), and it dereferences NULL when one of its allocations fails. What
 * cards ask for beyond RFC 8259 (unique keys, keys without "\u0000",
 * numbers json-c would saturate: the CARDC__JSON_* flags) strict_scan() and
 * check_keys() check on request; the error that comes first in the text is
 * reported (on a tie the lexer's). Everything is iterative: nesting may be
 * 100,000 deep.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "cardc/pull.h"
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
 * first bracket nested deeper than max_depth; 0 when the tokens are clean. */
static int strict_scan(const unsigned char *t, size_t n, int max_depth, unsigned flags,
                       scan_issue *iss)
{
    size_t i = 0;
    long depth = 0;

    while (i < n) {
        unsigned char c = t[i];
        int bad = 0;

        if (jlex_is_ws(c) || c == ',' || c == ':') {
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
    else if (seen && cardc__json_set(seen, key, NULL) != 0)
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

static cardc_status report(size_t *err_offset, char *msg, size_t msgsize, const scan_issue *iss)
{
    if (err_offset)
        *err_offset = iss->offset;
    if (msg && msgsize)
        snprintf(msg, msgsize, "%s", iss->message);
    return iss->code;
}

/* A number as json-c's own tokener stores it: integer literals as int64
 * (saturated below INT64_MIN; "-0" is 0) or, past INT64_MAX, as uint64
 * (saturated at UINT64_MAX); everything else as a double that keeps its
 * literal for serialising. NULL when out of memory. */
static struct json_object *number_value(const cardc_pull *p)
{
    const char *t = p->num_text;
    size_t n = p->num_len;
    char small[64], *lit;
    struct json_object *v;

    if (!memchr(t, '.', n) && !memchr(t, 'e', n) && !memchr(t, 'E', n)) {
        uint64_t u = 0;
        if (p->num_is_int && (t[0] == '-' || p->num_int >= 0))
            return json_object_new_int64(p->num_int);
        if (t[0] == '-')
            return json_object_new_int64(INT64_MIN);
        if (integer_fits((const unsigned char *)t, n))
            for (size_t i = 0; i < n; i++)
                u = u * 10 + (uint64_t)(t[i] - '0');
        else
            u = UINT64_MAX;
        return json_object_new_uint64(u);
    }
    lit = n < sizeof small ? small : malloc(n + 1);
    if (!lit)
        return NULL;
    memcpy(lit, t, n);
    lit[n] = '\0';
    v = json_object_new_double_s(p->num_double, lit);
    if (lit != small)
        free(lit);
    return v;
}

/* The containers open while the tree is built, innermost last. */
typedef struct build {
    struct json_object **open;
    size_t n, cap;
    char *key; /* the pending member name (the next value's) */
    size_t key_cap;
} build;

int cardc__json_set(struct json_object *obj, const char *key, struct json_object *val)
{
    struct lh_table *t = json_object_get_object(obj);

    /* json-c grows at this load, in lh_table_insert_w_hash */
    if (t && t->count >= t->size * LH_LOAD_FACTOR && t->size <= INT_MAX / 2 &&
        !json_object_object_get_ex(obj, key, NULL) && lh_table_resize(t, t->size * 2) != 0)
        return -1;
    return json_object_object_add(obj, key, val);
}

/* Puts v in the innermost open container (or makes it the root); takes v.
 * 0, or -1 when out of memory (v is then released). */
static int place(build *b, struct json_object **root, struct json_object *v)
{
    struct json_object *parent = b->n ? b->open[b->n - 1] : NULL;
    int rc = 0;

    if (!parent)
        *root = v;
    else if (json_object_is_type(parent, json_type_object))
        rc = cardc__json_set(parent, b->key, v); /* a repeated name: the last value */
    else
        rc = json_object_array_add(parent, v);
    if (rc != 0)
        json_object_put(v);
    return rc;
}

static int open_container(build *b, struct json_object **root, struct json_object *c)
{
    if (!c)
        return -1;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        struct json_object **v = realloc(b->open, cap * sizeof *v);
        if (!v) {
            json_object_put(c);
            return -1;
        }
        b->open = v;
        b->cap = cap;
    }
    if (place(b, root, c) != 0)
        return -1;
    b->open[b->n++] = c;
    return 0;
}

/* The member name json-c stores: a C string, so cut at a "\u0000". */
static int keep_key(build *b, const char *key, size_t len)
{
    if (len + 1 > b->key_cap) {
        char *k = realloc(b->key, len + 1);
        if (!k)
            return -1;
        b->key = k;
        b->key_cap = len + 1;
    }
    memcpy(b->key, key, len + 1);
    return 0;
}

/* One token into the tree: 1 when the value is complete, 0 to go on, -1
 * out of memory. */
static int build_step(build *b, const cardc_pull *p, struct json_object **root)
{
    switch (p->tok) {
    case CARDC_TOK_OBJECT_BEGIN: return open_container(b, root, json_object_new_object());
    case CARDC_TOK_ARRAY_BEGIN: return open_container(b, root, json_object_new_array());
    case CARDC_TOK_OBJECT_END:
    case CARDC_TOK_ARRAY_END: b->n--; return 0;
    case CARDC_TOK_KEY: return keep_key(b, p->str, p->str_len);
    case CARDC_TOK_NULL: return place(b, root, NULL);
    case CARDC_TOK_TRUE:
    case CARDC_TOK_FALSE: {
        struct json_object *v = json_object_new_boolean(p->tok == CARDC_TOK_TRUE);
        return v ? place(b, root, v) : -1;
    }
    case CARDC_TOK_STRING: {
        struct json_object *v = json_object_new_string_len(p->str, (int)p->str_len);
        return v ? place(b, root, v) : -1;
    }
    case CARDC_TOK_NUMBER: {
        struct json_object *v = number_value(p);
        return v ? place(b, root, v) : -1;
    }
    default: return 0;
    }
}

/* The tree of text[0..len), read with the pull parser: RFC 8259 strictly,
 * every allocation checked (json-c's own tokener crashes when one of its
 * allocations fails). Returns 0 with *out set, or 1 with iss filled (the
 * parse error, or CARDC_E_NOMEM). */
static int build_tree(const char *text, size_t len, int max_depth, struct json_object **out,
                      scan_issue *iss)
{
    cardc_pull p;
    build b;
    struct json_object *root = NULL;
    int bad = 0;

    memset(&b, 0, sizeof b);
    cardc_pull_init(&p, text, len, max_depth);
    for (;;) {
        cardc_token tok = cardc_pull_next(&p);
        if (tok == CARDC_TOK_END)
            break;
        if (tok == CARDC_TOK_ERROR) {
            iss->offset = p.error_offset;
            iss->code = p.error;
            snprintf(iss->message, sizeof iss->message, "%s", p.message);
            bad = 1;
            break;
        }
        if (build_step(&b, &p, &root) != 0) {
            bad = ISSUE(iss, p.tok_offset, CARDC_E_NOMEM, "out of memory");
            break;
        }
    }
    cardc_pull_free(&p);
    free(b.open);
    free(b.key);
    if (bad) {
        cardc_json_free(root); /* no recursion: the tree may nest 100,000 deep */
        root = NULL;
    }
    *out = root;
    return bad;
}

cardc_status cardc__json_parse(const char *text, size_t len, int max_depth, unsigned flags,
                               struct json_object **out, size_t *err_offset, char *msg,
                               size_t msgsize)
{
    const unsigned char *t = (const unsigned char *)text;
    scan_issue lex, gram, keys;
    struct json_object *obj = NULL;
    int lex_bad = 0, gram_bad;
    size_t limit;

    *out = NULL;
    /* json-c takes an int length for strings. */
    if (len >= (size_t)INT_MAX) {
        (void)ISSUE(&gram, 0, CARDC_E_LIMIT, "document too large (%zu bytes, at most %d)", len,
                    INT_MAX - 1);
        return report(err_offset, msg, msgsize, &gram);
    }
    /* The checks cards ask for (flags) need a lexer of their own; the pull
     * parser alone is RFC 8259 for everything else. */
    if (flags) {
        lex_bad = strict_scan(t, len, max_depth, flags, &lex);
        if (lex_bad && lex.code == CARDC_E_NOMEM)
            return report(err_offset, msg, msgsize, &lex);
    }
    gram_bad = build_tree(text, len, max_depth, &obj, &gram);
    if (gram_bad && gram.code == CARDC_E_NOMEM)
        return report(err_offset, msg, msgsize, &gram);

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
    cardc_json_free(obj);
    /* At one offset the grammar's error wins: the lexer counts nesting
     * without the grammar, so a '[' that may not stand there at all is
     * "nesting too deep" to it (fuzz_pull: the pull parser, which decoders
     * use, said "',' or ']' expected" there). */
    if (lex_bad && (!gram_bad || lex.offset < gram.offset))
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

/* The public locator: the internal one's byte offset as a line and column. */
int cardc_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column)
{
    size_t off;
    int ok = cardc__json_locate(text, len, pointer, &off);

    cardc__text_position(text ? text : "", text ? len : 0, off, 0, line, column);
    return ok;
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

cardc_status cardc__json_parse_report(const char *text, size_t len, const char *source,
                                      int max_depth, unsigned flags, struct json_object **out,
                                      cardc_error *err)
{
    cardc_json_options opts;

    cardc_json_options_init(&opts);
    opts.max_depth = max_depth;
    if (flags & CARDC__JSON_UNIQUE_KEYS)
        opts.duplicate_keys = CARDC_DUPLICATE_KEYS_REJECT;
    return json_parse_body(text, len, source, &opts, out, err);
}
