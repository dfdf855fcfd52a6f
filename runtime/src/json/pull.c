/* SPDX-License-Identifier: MIT */
/* pull.c: the pull parser of cardc/pull.h, one token per call, no recursion.
 *
 * The token rules (numbers, literals, what a stray byte is called) are
 * json_lex.h's, shared with the strict lexer of json_parse.c, and the error
 * wording is that parser's, so a payload gets the same message whichever
 * path reads it. Strings follow json_parse.c's payload mode too: a lone
 * surrogate escape decodes as U+FFFD (what cardc_json_parse stores), so a
 * payload `cardc validate` accepts is never refused by a decoder.
 *
 * Numbers: strtod runs only on literals the exact fast paths cannot take; it
 * reads '.' as the decimal point because the library never calls setlocale
 * (a program that does must keep LC_NUMERIC "C"). JSON allows 1e400: it
 * becomes +-inf in num_double, as strtod has it.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/json.h"
#include "cardc/pull.h"
#include "common/errors_internal.h"
#include "json/json_internal.h"
#include "json/json_lex.h"
#include "json/json_simd.h"
#include "common/utf8.h"

/* What may come next (p->state). */
enum {
    ST_VALUE,        /* a value is required (document start, after ',' in an array) */
    ST_ARRAY_FIRST,  /* after '[': a value or ']' */
    ST_ARRAY_NEXT,   /* after an element: ',' or ']' */
    ST_OBJECT_FIRST, /* after '{': a key or '}' */
    ST_OBJECT_NEXT,  /* after a member: ',' or '}' */
    ST_COLON,        /* after a key: ':' then a value */
    ST_DONE,         /* the document's value is complete: only whitespace may follow */
    ST_END,
    ST_ERROR
};

enum { KIND_ARRAY, KIND_OBJECT };

/* ---- Duplicate keys (CARDC_DUPLICATE_KEYS_REJECT) ------------------------ */

/* The keys of every object open at the moment, in the order read: an
 * object's keys come after its parent's, so closing it (or backtracking to a
 * mark) drops a tail. Each bucket chains its records from the newest, so a
 * lookup meets the current object's records first and stops at the first
 * one older than the object. Hashed, not scanned: an object of n keys costs
 * O(n), not O(n^2). */
typedef struct key_rec {
    size_t off, len; /* the key: bytes[off..off+len) */
    size_t older;    /* the bucket's previous record + 1 (0: none) */
    uint32_t hash;
} key_rec;

struct cardc_pull_keys {
    key_rec *recs;
    size_t n, cap;
    char *bytes;
    size_t nbytes, capbytes;
    size_t *buckets; /* the newest record + 1 */
    size_t nbuckets; /* a power of two, above n */
    size_t *starts;  /* by depth - 1: the first record of the object open there */
    size_t nstarts;
};

static void keys_free(struct cardc_pull_keys *k)
{
    if (!k)
        return;
    free(k->recs);
    free(k->bytes);
    free(k->buckets);
    free(k->starts);
    free(k);
}

/* Drops the records from `to` on. */
static void keys_drop(struct cardc_pull_keys *k, size_t to)
{
    if (!k || k->n <= to)
        return;
    k->nbytes = k->recs[to].off;
    while (k->n > to) {
        const key_rec *r = &k->recs[--k->n];
        k->buckets[r->hash & (k->nbuckets - 1)] = r->older;
    }
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 16;
    void *nv;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    if (!(nv = realloc(*v, n * size)))
        return -1;
    *v = nv;
    *cap = n;
    return 0;
}

/* Notes that an object opened at depth p->depth (already counted). */
static int keys_open(cardc_pull *p)
{
    struct cardc_pull_keys *k = p->keys;

    if (!k && !(k = p->keys = calloc(1, sizeof *k)))
        return -1;
    if (grow((void **)&k->starts, &k->nstarts, (size_t)p->depth, sizeof *k->starts) != 0)
        return -1;
    k->starts[p->depth - 1] = k->n;
    return 0;
}

static int keys_rehash(struct cardc_pull_keys *k)
{
    size_t nb = k->nbuckets ? k->nbuckets * 2 : 64;
    size_t *b = calloc(nb, sizeof *b);

    if (!b)
        return -1;
    for (size_t i = 0; i < k->n; i++) {
        size_t at = k->recs[i].hash & (nb - 1);
        k->recs[i].older = b[at];
        b[at] = i + 1;
    }
    free(k->buckets);
    k->buckets = b;
    k->nbuckets = nb;
    return 0;
}

/* The key just read (p->str) in the innermost object: 1 when that object
 * has it already, 0 when it is new (and now recorded), -1 out of memory.
 * Compared up to a NUL, as json-c (hence cardc_json_parse) keeps keys. */
static int keys_seen(cardc_pull *p)
{
    struct cardc_pull_keys *k = p->keys;
    /* not strlen: a borrowed key has no terminator */
    const char *nul = memchr(p->str, '\0', p->str_len);
    size_t len = nul ? (size_t)(nul - p->str) : p->str_len, start = k->starts[p->depth - 1];
    uint32_t h = 2166136261u; /* FNV-1a */

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)p->str[i]) * 16777619u;
    for (size_t v = k->nbuckets ? k->buckets[h & (k->nbuckets - 1)] : 0; v && v - 1 >= start;
         v = k->recs[v - 1].older) {
        const key_rec *r = &k->recs[v - 1];
        if (r->hash == h && r->len == len && memcmp(k->bytes + r->off, p->str, len) == 0)
            return 1;
    }
    if (grow((void **)&k->recs, &k->cap, k->n + 1, sizeof *k->recs) != 0 ||
        grow((void **)&k->bytes, &k->capbytes, k->nbytes + len + 1, 1) != 0 ||
        (k->n + 1 > k->nbuckets / 2 && keys_rehash(k) != 0))
        return -1;
    memcpy(k->bytes + k->nbytes, p->str, len);
    k->recs[k->n] = (key_rec){k->nbytes, len, k->buckets[h & (k->nbuckets - 1)], h};
    k->nbytes += len;
    k->buckets[h & (k->nbuckets - 1)] = ++k->n;
    return 0;
}

/* ---- Parsing -------------------------------------------------------------- */

void cardc_pull_init_ex(cardc_pull *p, const char *text, size_t len, const cardc_json_options *opts)
{
    cardc_pull_init(p, text, len, opts ? opts->max_depth : 0);
    if (opts)
        p->duplicate_keys = opts->duplicate_keys;
}

void cardc_pull_init(cardc_pull *p, const char *text, size_t len, int max_depth)
{
    /* The output fields zeroed; the message and the inline stack are not
     * read before they are written, so only the private fields after them
     * are set, each (zeroing all 400 bytes was 55 of bench_decode small's
     * 4,952 instructions). */
    memset(p, 0, offsetof(cardc_pull, message));
    p->message[0] = '\0';
    p->pos = 0;
    p->scratch = NULL;
    p->scratch_cap = 0;
    p->duplicate_keys = CARDC_DUPLICATE_KEYS_LAST;
    p->keys = NULL;
    p->text = text ? text : "";
    p->len = text ? len : 0;
    p->max_depth = max_depth > 0 ? max_depth : CARDC_JSON_DEFAULT_MAX_DEPTH;
    /* not for the parser's sake (it keeps one byte per level): a document
     * it accepts must also load through cardc_json_parse for diagnostics */
    if (p->max_depth > CARDC_JSON_MAX_DEPTH_CEILING)
        p->max_depth = CARDC_JSON_MAX_DEPTH_CEILING;
    p->stack = p->inline_stack;
    p->stack_cap = CARDC_PULL_INLINE_DEPTH;
    p->state = ST_VALUE;
    p->tok = CARDC_TOK_END;
    p->str = "";
}

/* scratch_cap's two top bits: the scratch is lent (cardc__pull_lend_scratch);
 * plain strings are borrowed from the text (cardc__pull_borrow_plain). */
#define SCRATCH_LENT   ((size_t)1 << (sizeof(size_t) * CHAR_BIT - 1))
#define SCRATCH_BORROW ((size_t)1 << (sizeof(size_t) * CHAR_BIT - 2))
#define SCRATCH_FLAGS  (SCRATCH_LENT | SCRATCH_BORROW)

void cardc__pull_lend_scratch(cardc_pull *p, char *buf, size_t cap)
{
    p->scratch = buf;
    p->scratch_cap = cap | SCRATCH_LENT | (p->scratch_cap & SCRATCH_BORROW);
}

void cardc__pull_borrow_plain(cardc_pull *p)
{
    p->scratch_cap |= SCRATCH_BORROW;
}

void cardc_pull_free(cardc_pull *p)
{
    if (p->stack != p->inline_stack)
        free(p->stack);
    if (!(p->scratch_cap & SCRATCH_LENT))
        free(p->scratch);
    keys_free(p->keys);
    p->keys = NULL;
    p->stack = p->inline_stack;
    p->stack_cap = CARDC_PULL_INLINE_DEPTH;
    p->scratch = NULL;
    p->scratch_cap = 0;
    p->str = "";
}

static cardc_token fail(cardc_pull *p, size_t at, cardc_status code, const char *fmt, ...)
    CARDC_PRINTF_(4, 5);
static cardc_token fail(cardc_pull *p, size_t at, cardc_status code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
    p->error = code;
    p->error_offset = at;
    p->state = ST_ERROR;
    p->tok = CARDC_TOK_ERROR;
    p->tok_offset = at;
    return CARDC_TOK_ERROR;
}

/* t[i] is not what the grammar wants here (`expected`; NULL: a value). A
 * byte no token starts with is named for what it is, as the lexer of
 * json_parse.c does. */
static cardc_token fail_expected(cardc_pull *p, size_t i, const char *expected)
{
    const unsigned char *t = (const unsigned char *)p->text;
    char what[24], msg[sizeof p->message];

    if (i >= p->len)
        return fail(p, p->len, CARDC_E_JSON, "%s", jlex_end_of_data);
    if (!jlex_token_start(t[i])) {
        cardc_status code = jlex_stray(t, p->len, i, msg, sizeof msg);
        return fail(p, i, code, "%s", msg);
    }
    if (jlex_is_alnum(t[i]) || t[i] == '_' || t[i] == '-') {
        /* A token that is bad in itself is named for that, wherever it is. */
        jlex_number num;
        size_t end, at = i + 1;
        const char *bad = NULL;
        if (jlex_is_digit(t[i]) || t[i] == '-')
            bad = jlex_scan_number(t, p->len, i, &num, &at);
        else if (jlex_scan_literal(t, p->len, i, &end, msg, sizeof msg, &at) < 0)
            bad = msg;
        if (bad && at == i)
            return fail(p, i, CARDC_E_JSON, "%s", bad);
    }
    if (expected)
        return fail(p, i, CARDC_E_JSON, "%s", expected);
    jlex_describe_char(t, p->len, i, what, sizeof what);
    return fail(p, i, CARDC_E_JSON, "unexpected character %s", what);
}

static cardc_token token(cardc_pull *p, cardc_token tok, size_t at, size_t next)
{
    p->tok = tok;
    p->tok_offset = at;
    p->pos = next;
    return tok;
}

/* The state after a complete value at the current depth. */
static void after_value(cardc_pull *p)
{
    if (p->depth == 0)
        p->state = ST_DONE;
    else
        p->state = p->stack[p->depth - 1] == KIND_OBJECT ? ST_OBJECT_NEXT : ST_ARRAY_NEXT;
}

static cardc_token open_container(cardc_pull *p, size_t at, unsigned char kind)
{
    if (p->depth >= p->max_depth)
        return fail(p, at, CARDC_E_LIMIT, "nesting too deep (the limit is %d levels)",
                    p->max_depth);
    if (p->depth == p->stack_cap) {
        int cap = p->stack_cap <= INT_MAX / 2 ? p->stack_cap * 2 : INT_MAX;
        unsigned char *s;
        if (p->stack == p->inline_stack) {
            s = malloc((size_t)cap);
            if (s)
                memcpy(s, p->inline_stack, (size_t)p->depth);
        } else {
            s = realloc(p->stack, (size_t)cap);
        }
        if (!s)
            return fail(p, at, CARDC_E_NOMEM, "out of memory");
        p->stack = s;
        p->stack_cap = cap;
    }
    p->stack[p->depth++] = kind;
    if (kind == KIND_OBJECT && p->duplicate_keys == CARDC_DUPLICATE_KEYS_REJECT &&
        keys_open(p) != 0)
        return fail(p, at, CARDC_E_NOMEM, "out of memory");
    p->state = kind == KIND_OBJECT ? ST_OBJECT_FIRST : ST_ARRAY_FIRST;
    return token(p, kind == KIND_OBJECT ? CARDC_TOK_OBJECT_BEGIN : CARDC_TOK_ARRAY_BEGIN, at,
                 at + 1);
}

static cardc_token close_container(cardc_pull *p, size_t at, cardc_token tok)
{
    if (tok == CARDC_TOK_OBJECT_END && p->keys)
        keys_drop(p->keys, p->keys->starts[p->depth - 1]);
    p->depth--;
    after_value(p);
    return token(p, tok, at, at + 1);
}

/* Room for `need` bytes in the scratch buffer. */
static int scratch_reserve(cardc_pull *p, size_t need)
{
    size_t room = p->scratch_cap & ~SCRATCH_FLAGS, cap;
    char *s;

    if (need <= room)
        return 1;
    cap = room ? room : 256;
    while (cap < need)
        cap *= 2;
    if (p->scratch_cap & SCRATCH_LENT) {
        /* what is decoded so far moves along */
        if ((s = malloc(cap)) != NULL)
            memcpy(s, p->scratch, room);
    } else {
        s = realloc(p->scratch, cap);
    }
    if (!s)
        return 0;
    p->scratch = s;
    p->scratch_cap = cap | (p->scratch_cap & SCRATCH_BORROW);
    return 1;
}

/* Whether any of the eight bytes in w ends a plain run: '"', '\\', a
 * control character or a non-ASCII byte (exact as a yes/no). */
/* Decodes the string whose opening quote is t[start] into the scratch
 * buffer (always: str must be NUL-terminated, and copying a run found
 * sixteen bytes at a time costs little next to finding it). 0, or -1 after
 * fail(). */
static int read_string(cardc_pull *p, size_t start)
{
    const unsigned char *t = (const unsigned char *)p->text;
    size_t n = p->len, i = start + 1, o = 0;
    char what[24];

    for (;;) {
        size_t r = i;
        unsigned char c;

        r = jsimd_scan_plain(t, n, r);
        if (o == 0 && r < n && t[r] == '"' && (p->scratch_cap & SCRATCH_BORROW)) {
            p->str = (const char *)t + i;
            p->str_len = r - i;
            p->pos = r + 1;
            return 0;
        }
        /* the run, then at most 4 bytes of one escape or character, and the NUL */
        if (!scratch_reserve(p, o + (r - i) + 5))
            return (int)fail(p, start, CARDC_E_NOMEM, "out of memory");
        memcpy(p->scratch + o, t + i, r - i);
        o += r - i;
        i = r;
        if (i >= n)
            return (int)fail(p, n, CARDC_E_JSON, "%s", jlex_end_of_data);
        c = t[i];
        if (c == '"')
            break;
        if (c == '\\') {
            unsigned char e;
            if (i + 1 >= n)
                return (int)fail(p, n, CARDC_E_JSON, "%s", jlex_end_of_data);
            e = t[i + 1];
            if (e == 'u') {
                unsigned long u, lo;
                for (size_t k = 2; k < 6; k++) {
                    if (i + k >= n)
                        return (int)fail(p, n, CARDC_E_JSON, "%s", jlex_end_of_data);
                    if (hexval(t[i + k]) < 0)
                        return (int)fail(p, i, CARDC_E_JSON,
                                         "invalid \\u escape: four hex digits expected");
                }
                jlex_hex4(t, n, i + 2, &u);
                i += 6;
                if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n && t[i] == '\\' && t[i + 1] == 'u' &&
                    jlex_hex4(t, n, i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else if (u >= 0xD800 && u <= 0xDFFF) {
                    u = 0xFFFD; /* as json-c, hence cardc_json_parse, stores it */
                }
                o += utf8_encode((uint32_t)u, (unsigned char *)p->scratch + o);
                continue;
            }
            switch (e) {
            case '"':
            case '\\':
            case '/': p->scratch[o] = (char)e; break;
            case 'b': p->scratch[o] = '\b'; break;
            case 'f': p->scratch[o] = '\f'; break;
            case 'n': p->scratch[o] = '\n'; break;
            case 'r': p->scratch[o] = '\r'; break;
            case 't': p->scratch[o] = '\t'; break;
            default:
                jlex_describe_char(t, n, i + 1, what, sizeof what);
                return (int)fail(p, i, CARDC_E_JSON,
                                 "invalid escape sequence: backslash followed by %s", what);
            }
            o++;
            i += 2;
        } else if (c < 0x20) {
            return (int)fail(p, i, CARDC_E_JSON, "unescaped control character U+%04X in a string",
                             (unsigned)c);
        } else {
            uint32_t cp;
            size_t l = utf8_decode(t + i, n - i, &cp);
            if (!l)
                return (int)fail(p, i, CARDC_E_UTF8, "invalid UTF-8 (byte 0x%02X) in a string",
                                 (unsigned)c);
            memcpy(p->scratch + o, t + i, l);
            o += l;
            i += l;
        }
    }
    p->scratch[o] = '\0';
    p->str = p->scratch;
    p->str_len = o;
    p->pos = i + 1;
    return 0;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The literal t[start..num->end) as a correctly rounded double. Clinger's
 * fast path (a mantissa of at most 2^53 times or over an exactly
 * representable power of ten: one rounding) covers plain decimals;
 * everything else goes to strtod. -1 when out of memory. */
static int literal_double(const unsigned char *t, size_t start, const jlex_number *num, double *out)
{
    if (num->int_digits + num->frac_digits <= 19) {
        uint64_t m = num->int_value;
        long e = 0;
        for (size_t k = 0; k < num->frac_digits; k++)
            m = m * 10 + (uint64_t)(t[num->frac_at + k] - '0');
        if (num->exp_at) {
            for (size_t k = num->exp_at; k < num->end; k++)
                if (e < 100000)
                    e = e * 10 + (t[k] - '0');
            if (num->exp_negative)
                e = -e;
        }
        e -= (long)num->frac_digits;
        if (m == 0 || (m <= (UINT64_C(1) << 53) && e >= -22 && e <= 22)) {
            double d = (double)m;
            if (m != 0)
                d = e >= 0 ? d * pow10_exact[e] : d / pow10_exact[-e];
            *out = num->negative ? -d : d;
            return 0;
        }
    }
    {
        size_t len = num->end - start;
        char small[64];
        char *buf = len < sizeof small ? small : malloc(len + 1);
        if (!buf)
            return -1;
        memcpy(buf, t + start, len);
        buf[len] = '\0';
        *out = strtod(buf, NULL);
        if (buf != small)
            free(buf);
    }
    return 0;
}

static cardc_token read_number(cardc_pull *p, size_t start)
{
    const unsigned char *t = (const unsigned char *)p->text;
    jlex_number num;
    size_t at, i = start, n = p->len;
    const char *bad;
    const uint64_t int64_max = (uint64_t)INT64_MAX;

    /* Fast path: a plain non-negative integer of up to 18 digits that ends
     * in a delimiter (number arrays are mostly these); anything else takes
     * the full grammar of jlex_scan_number. */
    if (t[i] != '0' || i + 1 >= n || !jlex_is_digit(t[i + 1])) {
        uint64_t v = 0;
        unsigned d;
        while (i < n && i - start < 18 && (d = (unsigned)t[i] - '0') <= 9) {
            v = v * 10 + d;
            i++;
        }
        if (i > start && i < n && (t[i] == ',' || t[i] == ']' || t[i] == '}' || jlex_is_ws(t[i]))) {
            p->num_text = p->text + start;
            p->num_len = i - start;
            p->num_is_int = 1;
            p->num_int = (int64_t)v;
            p->num_double = (double)v;
            after_value(p);
            return token(p, CARDC_TOK_NUMBER, start, i);
        }
    }
    bad = jlex_scan_number(t, n, start, &num, &at);
    if (bad)
        return fail(p, at, CARDC_E_JSON, "%s", bad);
    p->num_text = p->text + start;
    p->num_len = num.end - start;
    if (num.integer && num.int_digits <= 19 &&
        (num.int_value <= int64_max || (num.negative && num.int_value == int64_max + 1))) {
        p->num_is_int = 1;
        if (!num.negative)
            p->num_int = (int64_t)num.int_value;
        else if (num.int_value == 0)
            p->num_int = 0;
        else
            p->num_int = -(int64_t)(num.int_value - 1) - 1;
        /* one rounding, to nearest: correct; "-0" keeps its sign */
        p->num_double = num.negative && num.int_value == 0 ? -0.0 : (double)p->num_int;
    } else {
        p->num_is_int = 0;
        p->num_int = 0;
        if (literal_double(t, start, &num, &p->num_double) < 0)
            return fail(p, start, CARDC_E_NOMEM, "out of memory");
    }
    after_value(p);
    return token(p, CARDC_TOK_NUMBER, start, num.end);
}

/* Reads the value starting at t[i] (after whitespace). */
static cardc_token read_value(cardc_pull *p, size_t i)
{
    const unsigned char *t = (const unsigned char *)p->text;
    char msg[sizeof p->message];
    size_t end, at;
    int w;

    if (i >= p->len)
        return fail(p, p->len, CARDC_E_JSON, "%s", jlex_end_of_data);
    switch (t[i]) {
    case '{': return open_container(p, i, KIND_OBJECT);
    case '[': return open_container(p, i, KIND_ARRAY);
    case '"':
        if (read_string(p, i) < 0)
            return CARDC_TOK_ERROR;
        after_value(p);
        p->tok = CARDC_TOK_STRING;
        p->tok_offset = i;
        return CARDC_TOK_STRING;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': return read_number(p, i);
    default: break;
    }
    if (!jlex_is_alnum(t[i]) && t[i] != '_')
        return fail_expected(p, i, NULL);
    w = jlex_scan_literal(t, p->len, i, &end, msg, sizeof msg, &at);
    if (w < 0)
        return fail(p, at, CARDC_E_JSON, "%s", msg);
    after_value(p);
    return token(p, w == 0 ? CARDC_TOK_TRUE : w == 1 ? CARDC_TOK_FALSE : CARDC_TOK_NULL, i, end);
}

static cardc_token read_key(cardc_pull *p, size_t i)
{
    int seen;

    if (read_string(p, i) < 0)
        return CARDC_TOK_ERROR;
    if (p->keys && (seen = keys_seen(p)) != 0)
        return seen < 0 ? fail(p, i, CARDC_E_NOMEM, "out of memory")
                        : fail(p, i, CARDC_E_JSON, "duplicate object key \"%.*s\"",
                               (int)(p->str_len < 100 ? p->str_len : 100), p->str);
    p->state = ST_COLON;
    p->tok = CARDC_TOK_KEY;
    p->tok_offset = i;
    return CARDC_TOK_KEY;
}

#define SKIP_WS(t, n, i)                      \
    while ((i) < (n) && jlex_is_ws((t)[(i)])) \
    (i)++

cardc_token cardc_pull_next(cardc_pull *p)
{
    const unsigned char *t = (const unsigned char *)p->text;
    size_t n = p->len, i = p->pos;
    char what[24];

    switch (p->state) {
    case ST_VALUE: SKIP_WS(t, n, i); break;
    case ST_ARRAY_FIRST:
        SKIP_WS(t, n, i);
        if (i < n && t[i] == ']')
            return close_container(p, i, CARDC_TOK_ARRAY_END);
        break;
    case ST_ARRAY_NEXT:
        SKIP_WS(t, n, i);
        if (i < n && t[i] == ',') {
            i++;
            SKIP_WS(t, n, i);
            break;
        }
        if (i < n && t[i] == ']')
            return close_container(p, i, CARDC_TOK_ARRAY_END);
        return fail_expected(p, i, "',' or ']' expected");
    case ST_OBJECT_FIRST:
        SKIP_WS(t, n, i);
        if (i < n && t[i] == '}')
            return close_container(p, i, CARDC_TOK_OBJECT_END);
        if (i < n && t[i] == '"')
            return read_key(p, i);
        return fail_expected(p, i, "object key (a double-quoted string) expected");
    case ST_OBJECT_NEXT:
        SKIP_WS(t, n, i);
        if (i < n && t[i] == ',') {
            i++;
            SKIP_WS(t, n, i);
            if (i < n && t[i] == '"')
                return read_key(p, i);
            return fail_expected(p, i, "object key (a double-quoted string) expected");
        }
        if (i < n && t[i] == '}')
            return close_container(p, i, CARDC_TOK_OBJECT_END);
        return fail_expected(p, i, "',' or '}' expected");
    case ST_COLON:
        SKIP_WS(t, n, i);
        if (i < n && t[i] == ':') {
            i++;
            SKIP_WS(t, n, i);
            break;
        }
        return fail_expected(p, i, "':' expected after object key");
    case ST_DONE:
        SKIP_WS(t, n, i);
        if (i < n) {
            if (!jlex_token_start(t[i]))
                return fail_expected(p, i, NULL);
            if ((jlex_is_alnum(t[i]) && !jlex_is_digit(t[i])) || t[i] == '_') {
                /* as json_parse.c's lexer: a bad word is named first
                 * (a cut-off one ends the text later: this is earlier) */
                char msg[sizeof p->message];
                size_t end, at;
                if (jlex_scan_literal(t, n, i, &end, msg, sizeof msg, &at) < 0 && at == i)
                    return fail(p, at, CARDC_E_JSON, "%s", msg);
            }
            jlex_describe_char(t, n, i, what, sizeof what);
            return fail(p, i, CARDC_E_JSON, "unexpected character %s after the JSON value", what);
        }
        p->state = ST_END;
        return token(p, CARDC_TOK_END, n, n);
    case ST_END: return CARDC_TOK_END;
    default: return CARDC_TOK_ERROR;
    }
    return read_value(p, i);
}

int cardc_pull_skip(cardc_pull *p)
{
    int outer;

    if (p->tok == CARDC_TOK_ERROR)
        return -1;
    if (p->tok == CARDC_TOK_KEY && cardc_pull_next(p) == CARDC_TOK_ERROR)
        return -1;
    if (p->tok != CARDC_TOK_OBJECT_BEGIN && p->tok != CARDC_TOK_ARRAY_BEGIN)
        return 0;
    outer = p->depth - 1;
    while (p->depth > outer)
        if (cardc_pull_next(p) == CARDC_TOK_ERROR)
            return -1;
    return 0;
}

size_t cardc__pull_keys_held(const cardc_pull *p)
{
    return p->keys ? p->keys->n : 0;
}

void cardc_pull_save(const cardc_pull *p, cardc_pull_mark *mark)
{
    cardc__pull_save(p, mark);
}

void cardc_pull_restore(cardc_pull *p, const cardc_pull_mark *mark)
{
    p->pos = mark->pos;
    p->depth = mark->depth;
    p->state = mark->state;
    p->tok = mark->tok;
    p->tok_offset = mark->tok_offset;
    keys_drop(p->keys, mark->keys);
    /* a branch that failed on bad text must not leave the error behind */
    p->error = CARDC_OK;
    p->error_offset = 0;
    p->message[0] = '\0';
}

/* Reads an integer 0..255 at t[*ip] (no sign, leading zero or fraction
 * check beyond the next byte) and moves *ip past it; 0 when the text there
 * is anything else or ends in the number. Inlined into the byte loop. */
static inline int byte_number(const unsigned char *t, size_t n, size_t *ip, unsigned *out)
{
    size_t i = *ip;
    unsigned v, d;
    if (n - i >= 4) {
        /* up to three digits and the byte after them, unrolled */
        if ((v = (unsigned)t[i] - '0') > 9)
            return 0;
        if ((d = (unsigned)t[i + 1] - '0') > 9) {
            i += 1;
        } else if (v == 0) {
            return 0; /* leading zero */
        } else {
            v = v * 10 + d;
            if ((d = (unsigned)t[i + 2] - '0') > 9) {
                i += 2;
            } else {
                v = v * 10 + d;
                if (v > 255 || (unsigned)t[i + 3] - '0' <= 9)
                    return 0;
                i += 3;
            }
        }
    } else {
        if (i >= n || (v = (unsigned)t[i] - '0') > 9)
            return 0;
        i++;
        if (v == 0) {
            if (i < n && jlex_is_digit(t[i]))
                return 0;
        } else {
            while (i < n && (d = (unsigned)t[i] - '0') <= 9) {
                v = v * 10 + d;
                if (v > 255)
                    return 0;
                i++;
            }
        }
        if (i >= n)
            return 0; /* the text ends in the number */
    }
    *ip = i;
    *out = v;
    return 1;
}

/* An element takes two bytes of text at least: a short array gets a buffer
 * its size, not 4 KB. */
static size_t first_size(size_t rest)
{
    return rest / 2 + 16 < 4096 ? rest / 2 + 16 : 4096;
}

size_t cardc__pull_bytes_first_size(const cardc_pull *p)
{
    return first_size(p->len - p->pos);
}

int cardc_pull_bytes(cardc_pull *p, uint8_t **data, size_t *count)
{
    return cardc__pull_bytes_into(p, NULL, 0, data, count);
}

int cardc__pull_bytes_into(cardc_pull *p, uint8_t *buf, size_t cap, uint8_t **data, size_t *count)
{
    const unsigned char *t = (const unsigned char *)p->text;
    size_t n = p->len, i = p->pos, cnt = 0, elem;
    cardc_pull_mark start;
    unsigned probe_state;

    *data = NULL;
    *count = 0;
    if (p->tok != CARDC_TOK_ARRAY_BEGIN || p->state != ST_ARRAY_FIRST) {
        free(buf);
        return 0;
    }
    cardc_pull_save(p, &start);
    SKIP_WS(t, n, i);
    if (i < n && t[i] == ']') {
        free(buf);
        close_container(p, i, CARDC_TOK_ARRAY_END);
        return 1;
    }
    /* Blocks of 16 text bytes (json_simd.h), then the element that stopped
     * them, one at a time: together the whole cost of an image. */
    for (;;) {
        unsigned v;
        unsigned char c;

        if (cap - cnt < 16) {
            size_t ncap = cap ? cap * 2 : first_size(n - i);
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fail(p, i, CARDC_E_NOMEM, "out of memory");
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        i = jsimd_byte_run(t, n, i, buf, &cnt, cap);
        SKIP_WS(t, n, i); /* the run ends after a comma */
        /* t[i]: an element's first byte, after whitespace */
        elem = i;
        if (!byte_number(t, n, &i, &v))
            goto general_value;
        c = t[i];
        if (c != ',' && c != ']' && !jlex_is_ws(c)) {
            if (c == '.' || c == '+' || c == '-' || jlex_is_alnum(c))
                goto general_value; /* 1.5, 1e2, 12x */
            elem = i;
            probe_state = ST_ARRAY_NEXT;
            goto general;
        }
        buf[cnt++] = (uint8_t)v;
        if (c == ',') {
            i++;
            if (i < n && (unsigned)t[i] - '0' <= 9)
                continue;
            SKIP_WS(t, n, i);
            continue;
        }
        if (c == ']')
            break;
        SKIP_WS(t, n, i);
        if (i < n && t[i] == ']')
            break;
        if (i >= n || t[i] != ',') {
            elem = i;
            probe_state = ST_ARRAY_NEXT;
            goto general;
        }
        i++;
        SKIP_WS(t, n, i);
    }
    /* Given back only when a page or more is spare: for a short array the
     * shrinking realloc was 490 of the 7,200 instructions of a small decode
     * (bench_decode "small", 64 bytes; callgrind). */
    if (cap - cnt >= 4096) {
        uint8_t *nb = realloc(buf, cnt);
        if (nb)
            buf = nb;
    }
    close_container(p, i, CARDC_TOK_ARRAY_END);
    *data = buf;
    *count = cnt;
    return 1;

general_value:
    probe_state = cnt ? ST_VALUE : ST_ARRAY_FIRST;
general:
    /* Read the token that stopped the loop the general way: a syntax error
     * is reported as cardc_pull_next reports it; anything else is a valid
     * element that is not a byte. */
    free(buf);
    p->pos = elem;
    p->state = probe_state;
    if (cardc_pull_next(p) == CARDC_TOK_ERROR)
        return -1;
    cardc_pull_restore(p, &start);
    return 0;
}
