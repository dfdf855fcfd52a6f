/* SPDX-License-Identifier: MIT */
/* ECMA-262 regular expressions on pcre2: translation of ECMA-only syntax,
 * compilation (JIT when available) and bounded unanchored search. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/schema.h"
#include "common/errors_internal.h"
#include "schema/regex.h"
#include "common/strbuf.h"
#include "common/utf8.h"

#define DEFAULT_MATCH_LIMIT 1000000u
#define DEFAULT_DEPTH_LIMIT 10000u
#define DEFAULT_HEAP_LIMIT  20480u /* KiB */
/* JIT code runs on pcre2's 32 KiB default stack, which a pattern that
 * repeats a group overflows on a few thousand characters ("^(a|b)*$" on a
 * 5,000-character string): such a match gets a stack of its own, up to
 * this size (reserved, committed as used), before the interpreter and its
 * depth and heap limits are the last resort. */
#define JIT_STACK_MAX (8u << 20)

/* ECMA-262 WhiteSpace and LineTerminator code points, as the body of a
 * character class. pcre2's \s without UCP is ASCII-only, and with UCP it
 * misses U+FEFF, so \s/\S are spelled out. */
#define ECMA_SPACE                                                              \
    "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}" \
    "\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
#define ECMA_NONDIGIT "\\x{0}-\\x{2f}\\x{3a}-\\x{10ffff}"
#define ECMA_NONWORD  "\\x{0}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{5e}\\x{60}\\x{7b}-\\x{10ffff}"
/* ECMA "." excludes exactly the four line terminators, whatever pcre2's
 * newline convention says. */
#define ECMA_DOT "[^\\n\\r\\x{2028}\\x{2029}]"

/* Patterns that need no regex engine at all. */
enum fast_kind {
    FAST_NONE = 0,
    FAST_ALWAYS,   /* "", ".*": every string matches */
    FAST_CONTAINS, /* literal */
    FAST_PREFIX,   /* ^literal */
    FAST_SUFFIX,   /* literal$ */
    FAST_EXACT     /* ^literal$ */
};

struct cardc_regex {
    char *pattern; /* original text, NUL-terminated */
    size_t pattern_len;
    enum fast_kind fast;
    const char *literal; /* into pattern, for the fast paths */
    size_t literal_len;
    pcre2_code *code;
    pcre2_match_context *mctx;
};

/* ---- translation ------------------------------------------------------ */

struct xlat {
    const char *src;
    size_t len;
    strbuf out;
    size_t *map; /* map[i]: offset in src of the construct out.s[i] came from */
    size_t map_cap;
    char *err;
    size_t errlen;
    int failed;
};

static void emit_n(struct xlat *x, const char *s, size_t n, size_t at)
{
    strbuf_add(&x->out, s, n);
    if (x->out.oom)
        return;
    /* map grows with the text, one slot per byte and one for the NUL. */
    if (x->map_cap < x->out.cap) {
        size_t *m = realloc(x->map, x->out.cap * sizeof *m);
        if (!m) {
            x->out.oom = 1;
            return;
        }
        x->map = m;
        x->map_cap = x->out.cap;
    }
    for (size_t i = x->out.len - n; i <= x->out.len; i++)
        x->map[i] = at;
}

static void emit(struct xlat *x, const char *s, size_t at)
{
    emit_n(x, s, strlen(s), at);
}

static void emit_cp(struct xlat *x, unsigned long cp, size_t at)
{
    char buf[24];
    snprintf(buf, sizeof buf, "\\x{%lx}", cp);
    emit(x, buf, at);
}

static void fail(struct xlat *x, size_t at, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = 1;
    if (x->err && x->errlen) {
        char msg[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(x->err, x->errlen, "%s at offset %zu", msg, at);
    }
}

/* Reads exactly 4 hex digits at src[i]; -1 if there are not. */
static long hex4(const struct xlat *x, size_t i)
{
    long v = 0;
    if (i + 4 > x->len)
        return -1;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(x->src[i + k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* General_Category names ECMA accepts (long names and aliases) mapped to the
 * short names pcre2 10.42 knows. */
static const char *const gc_names[][2] = {
    {"Other", "C"},
    {"Control", "Cc"},
    {"cntrl", "Cc"},
    {"Format", "Cf"},
    {"Unassigned", "Cn"},
    {"Private_Use", "Co"},
    {"Surrogate", "Cs"},
    {"Letter", "L"},
    {"Cased_Letter", "L&"},
    {"LC", "L&"},
    {"Lowercase_Letter", "Ll"},
    {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"},
    {"Titlecase_Letter", "Lt"},
    {"Uppercase_Letter", "Lu"},
    {"Mark", "M"},
    {"Combining_Mark", "M"},
    {"Spacing_Mark", "Mc"},
    {"Enclosing_Mark", "Me"},
    {"Nonspacing_Mark", "Mn"},
    {"Number", "N"},
    {"Decimal_Number", "Nd"},
    {"digit", "Nd"},
    {"Letter_Number", "Nl"},
    {"Other_Number", "No"},
    {"Punctuation", "P"},
    {"punct", "P"},
    {"Connector_Punctuation", "Pc"},
    {"Dash_Punctuation", "Pd"},
    {"Close_Punctuation", "Pe"},
    {"Final_Punctuation", "Pf"},
    {"Initial_Punctuation", "Pi"},
    {"Other_Punctuation", "Po"},
    {"Open_Punctuation", "Ps"},
    {"Symbol", "S"},
    {"Currency_Symbol", "Sc"},
    {"Modifier_Symbol", "Sk"},
    {"Math_Symbol", "Sm"},
    {"Other_Symbol", "So"},
    {"Separator", "Z"},
    {"Line_Separator", "Zl"},
    {"Paragraph_Separator", "Zp"},
    {"Space_Separator", "Zs"},
    {"C", "C"},
    {"Cc", "Cc"},
    {"Cf", "Cf"},
    {"Cn", "Cn"},
    {"Co", "Co"},
    {"Cs", "Cs"},
    {"L", "L"},
    {"Ll", "Ll"},
    {"Lm", "Lm"},
    {"Lo", "Lo"},
    {"Lt", "Lt"},
    {"Lu", "Lu"},
    {"M", "M"},
    {"Mc", "Mc"},
    {"Me", "Me"},
    {"Mn", "Mn"},
    {"N", "N"},
    {"Nd", "Nd"},
    {"Nl", "Nl"},
    {"No", "No"},
    {"P", "P"},
    {"Pc", "Pc"},
    {"Pd", "Pd"},
    {"Pe", "Pe"},
    {"Pf", "Pf"},
    {"Pi", "Pi"},
    {"Po", "Po"},
    {"Ps", "Ps"},
    {"S", "S"},
    {"Sc", "Sc"},
    {"Sk", "Sk"},
    {"Sm", "Sm"},
    {"So", "So"},
    {"Z", "Z"},
    {"Zl", "Zl"},
    {"Zp", "Zp"},
    {"Zs", "Zs"},
};

static const char *gc_lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof gc_names / sizeof gc_names[0]; i++)
        if (strlen(gc_names[i][0]) == n && memcmp(gc_names[i][0], s, n) == 0)
            return gc_names[i][1];
    return NULL;
}

static int prop_chars_ok(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return 0;
    }
    return 1;
}

/* \p{...} / \P{...} at src[i] (i points at 'p' or 'P'); returns the index
 * after the closing brace. */
static size_t xlat_property(struct xlat *x, size_t i, size_t at)
{
    char neg = x->src[i];
    size_t start = i + 2, end;
    if (i + 1 >= x->len || x->src[i + 1] != '{') {
        fail(x, at, "invalid property escape");
        return x->len;
    }
    for (end = start; end < x->len && x->src[end] != '}'; end++)
        ;
    if (end >= x->len) {
        fail(x, at, "invalid property escape");
        return x->len;
    }
    const char *body = x->src + start;
    size_t n = end - start;
    const char *eq = memchr(body, '=', n);
    char buf[160];
    if (eq) {
        size_t kn = (size_t)(eq - body), vn = n - kn - 1;
        const char *v = eq + 1;
        if (!prop_chars_ok(body, kn) || !prop_chars_ok(v, vn) || vn > 100) {
            fail(x, at, "invalid property name");
            return x->len;
        }
        if ((kn == 16 && memcmp(body, "General_Category", 16) == 0) ||
            (kn == 2 && memcmp(body, "gc", 2) == 0)) {
            const char *gc = gc_lookup(v, vn);
            if (!gc) {
                fail(x, at, "unknown General_Category value");
                return x->len;
            }
            snprintf(buf, sizeof buf, "\\%c{%s}", neg, gc);
        } else if ((kn == 6 && memcmp(body, "Script", 6) == 0) ||
                   (kn == 2 && memcmp(body, "sc", 2) == 0)) {
            snprintf(buf, sizeof buf, "\\%c{sc:%.*s}", neg, (int)vn, v);
        } else if ((kn == 18 && memcmp(body, "Script_Extensions", 17) == 0) ||
                   (kn == 3 && memcmp(body, "scx", 3) == 0)) {
            snprintf(buf, sizeof buf, "\\%c{scx:%.*s}", neg, (int)vn, v);
        } else {
            fail(x, at, "unknown property name");
            return x->len;
        }
    } else {
        if (!prop_chars_ok(body, n) || n > 100) {
            fail(x, at, "invalid property name");
            return x->len;
        }
        const char *gc = gc_lookup(body, n);
        if (gc)
            snprintf(buf, sizeof buf, "\\%c{%s}", neg, gc);
        else /* binary properties (Alphabetic, ...): pcre2 names them alike */
            snprintf(buf, sizeof buf, "\\%c{%.*s}", neg, (int)n, body);
    }
    emit(x, buf, at);
    return end + 1;
}

/* \uXXXX (a surrogate pair joined), \u{X...} at src[i]. */
static size_t xlat_unicode_escape(struct xlat *x, size_t i, size_t at)
{
    if (i + 2 < x->len && x->src[i + 2] == '{') {
        unsigned long v = 0;
        size_t j = i + 3;
        int digits = 0;
        while (j < x->len && hexval(x->src[j]) >= 0) {
            v = v * 16 + (unsigned long)hexval(x->src[j]);
            if (v > 0x10FFFF)
                break;
            j++;
            digits++;
        }
        if (!digits || j >= x->len || x->src[j] != '}' || v > 0x10FFFF ||
            (v >= 0xD800 && v <= 0xDFFF)) {
            fail(x, at, "invalid \\u{...} escape");
            return x->len;
        }
        emit_cp(x, v, at);
        return j + 1;
    }
    long v = hex4(x, i + 2);
    if (v < 0) {
        fail(x, at, "invalid \\u escape");
        return x->len;
    }
    size_t next = i + 6;
    if (v >= 0xD800 && v <= 0xDBFF && next + 1 < x->len && x->src[next] == '\\' &&
        x->src[next + 1] == 'u') {
        long lo = hex4(x, next + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            emit_cp(x,
                    0x10000ul + (((unsigned long)v - 0xD800) << 10) + ((unsigned long)lo - 0xDC00),
                    at);
            return next + 6;
        }
    }
    if (v >= 0xD800 && v <= 0xDFFF) {
        /* UTF-8 subjects cannot hold a lone surrogate. */
        fail(x, at, "lone surrogate \\u%04lX is not supported", (unsigned long)v);
        return x->len;
    }
    emit_cp(x, (unsigned long)v, at);
    return i + 6;
}

/* \k<name> at src[i]. */
static size_t xlat_named_reference(struct xlat *x, size_t i, int in_class, size_t at)
{
    if (in_class || i + 2 >= x->len || x->src[i + 2] != '<') {
        fail(x, at, "invalid named reference");
        return x->len;
    }
    const char *gt = memchr(x->src + i + 3, '>', x->len - (i + 3));
    if (!gt) {
        fail(x, at, "invalid named reference");
        return x->len;
    }
    size_t end = (size_t)(gt - x->src) + 1;
    emit_n(x, x->src + i, end - i, at);
    return end;
}

/* A backslash escape at src[i] ('\\'); returns the index after it. In a
 * class, `nonspace` is set for \S (the caller rewrites the class). */
static size_t xlat_escape(struct xlat *x, size_t i, int in_class, int *nonspace)
{
    size_t at = i;
    char buf[32];
    if (i + 1 >= x->len) {
        fail(x, at, "\\ at end of pattern");
        return x->len;
    }
    char c = x->src[i + 1];
    switch (c) {
    /* ASCII-only in ECMA; spelled out rather than trusting pcre2's tables. */
    case 'd': emit(x, in_class ? "0-9" : "[0-9]", at); return i + 2;
    case 'D': emit(x, in_class ? ECMA_NONDIGIT : "[" ECMA_NONDIGIT "]", at); return i + 2;
    case 'w': emit(x, in_class ? "A-Za-z0-9_" : "[A-Za-z0-9_]", at); return i + 2;
    case 'W': emit(x, in_class ? ECMA_NONWORD : "[" ECMA_NONWORD "]", at); return i + 2;
    case 'B':
        if (in_class) {
            fail(x, at, "invalid escape \\B in character class");
            return x->len;
        }
        emit_n(x, x->src + i, 2, at);
        return i + 2;
    case 'b': emit(x, in_class ? "\\x{8}" : "\\b", at); return i + 2;
    case 's': emit(x, in_class ? ECMA_SPACE : "[" ECMA_SPACE "]", at); return i + 2;
    case 'S':
        if (in_class)
            *nonspace = 1;
        else
            emit(x, "[^" ECMA_SPACE "]", at);
        return i + 2;
    case 'f':
    case 'n':
    case 'r':
    case 't': emit_n(x, x->src + i, 2, at); return i + 2;
    case 'v': /* pcre2's \v is a class of vertical space */ emit(x, "\\x{b}", at); return i + 2;
    case 'c': {
        char l = i + 2 < x->len ? x->src[i + 2] : '\0';
        if (!((l >= 'A' && l <= 'Z') || (l >= 'a' && l <= 'z'))) {
            fail(x, at, "invalid control escape");
            return x->len;
        }
        emit_cp(x, (unsigned long)(l & 31), at);
        return i + 3;
    }
    case '0':
        if (i + 2 < x->len && x->src[i + 2] >= '0' && x->src[i + 2] <= '9') {
            fail(x, at, "invalid octal escape");
            return x->len;
        }
        emit(x, "\\x{0}", at);
        return i + 2;
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9': {
        if (in_class) {
            fail(x, at, "invalid escape in character class");
            return x->len;
        }
        size_t j = i + 1;
        while (j < x->len && x->src[j] >= '0' && x->src[j] <= '9' && j - i < 6)
            j++;
        /* \g{N}: always a back reference, never pcre2's octal fallback. */
        snprintf(buf, sizeof buf, "\\g{%.*s}", (int)(j - i - 1), x->src + i + 1);
        emit(x, buf, at);
        return j;
    }
    case 'x': {
        int h1 = i + 2 < x->len ? hexval(x->src[i + 2]) : -1;
        int h2 = i + 3 < x->len ? hexval(x->src[i + 3]) : -1;
        if (h1 < 0 || h2 < 0) {
            fail(x, at, "invalid \\x escape");
            return x->len;
        }
        emit_cp(x, (unsigned long)(h1 * 16 + h2), at);
        return i + 4;
    }
    case 'u': return xlat_unicode_escape(x, i, at);
    case 'p':
    case 'P': return xlat_property(x, i + 1, at);
    case 'k': return xlat_named_reference(x, i, in_class, at);
    default: break;
    }
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
        /* \a, \e, \h, \K, \Q, \R, \X, ...: pcre2 extensions, not ECMA-262. */
        fail(x, at, "invalid escape \\%c", c);
        return x->len;
    }
    /* Identity escape of a punctuation or non-ASCII character: literal in
     * both dialects. A multi-byte character is copied whole. */
    size_t n = 1;
    if ((unsigned char)c >= 0xC0)
        while (i + 1 + n < x->len && utf8_is_continuation((unsigned char)x->src[i + 1 + n]))
            n++;
    emit_n(x, x->src + i, n + 1, at);
    return i + 1 + n;
}

/* A character class starting at src[i] ('['); returns the index after ']'. */
static size_t xlat_class(struct xlat *x, size_t i)
{
    size_t at = i, j = i + 1, content;
    int negated = 0, nonspace = 0;
    emit(x, "[", at);
    if (j < x->len && x->src[j] == '^') {
        negated = 1;
        emit(x, "^", j);
        j++;
    }
    content = x->out.len;
    /* ECMA has no POSIX [:alpha:] and "]" right after "[" closes the class
     * (PCRE2_ALLOW_EMPTY_CLASS agrees). */
    while (j < x->len && !x->failed) {
        char c = x->src[j];
        if (c == ']')
            break;
        if (c == '\\') {
            j = xlat_escape(x, j, 1, &nonspace);
        } else if (c == '[') {
            emit(x, "\\[", j);
            j++;
        } else {
            emit_n(x, x->src + j, 1, j);
            j++;
        }
    }
    if (x->failed)
        return x->len;
    if (j >= x->len) {
        fail(x, at, "missing terminating ] for character class");
        return x->len;
    }
    if (nonspace) {
        /* [...\S...]: pcre2 has no class subtraction, so spell the union
         * (or, negated, the difference) with alternation/lookahead. */
        size_t n = x->out.len - content;
        char *body = malloc(n + 1);
        if (!body) {
            x->out.oom = 1;
            return x->len;
        }
        memcpy(body, x->out.s + content, n);
        body[n] = '\0';
        x->out.len = content - 1 - (size_t)negated;
        x->out.s[x->out.len] = '\0';
        if (negated) {
            emit(x, "(?:(?![", at);
            emit(x, body, at);
            emit(x, "])[" ECMA_SPACE "])", at);
        } else {
            emit(x, "(?:[", at);
            emit(x, body, at);
            emit(x, "]|[^" ECMA_SPACE "])", at);
        }
        free(body);
        return j + 1;
    }
    emit(x, "]", j);
    return j + 1;
}

/* "(" at src[i]: only ECMA's group forms pass. */
static size_t xlat_group(struct xlat *x, size_t i)
{
    size_t at = i;
    const char *s = x->src;
    size_t n = x->len;
    if (i + 1 < n && s[i + 1] == '*') {
        /* pcre2 verbs and start options, "(*ACCEPT)", "(*UCP)": not ECMA. */
        fail(x, at, "quantifier does not follow a repeatable item");
        return n;
    }
    if (i + 1 >= n || s[i + 1] != '?') {
        emit(x, "(", at);
        return i + 1;
    }
    if (i + 2 < n && (s[i + 2] == ':' || s[i + 2] == '=' || s[i + 2] == '!')) {
        emit_n(x, s + i, 3, at);
        return i + 3;
    }
    if (i + 3 < n && s[i + 2] == '<' && (s[i + 3] == '=' || s[i + 3] == '!')) {
        emit_n(x, s + i, 4, at);
        return i + 4;
    }
    if (i + 2 < n && s[i + 2] == '<') {
        size_t j = i + 3;
        while (j < n && s[j] != '>' && s[j] != ')')
            j++;
        if (j >= n || s[j] != '>' || j == i + 3) {
            fail(x, at, "invalid group name");
            return n;
        }
        emit_n(x, s + i, j + 1 - i, at);
        return j + 1;
    }
    /* ES2025 modifiers "(?i:...)", "(?-s:...)"; flags only on a group. */
    size_t j = i + 2;
    int dash = 0, flags = 0;
    while (j < n && (s[j] == 'i' || s[j] == 'm' || s[j] == 's' || (s[j] == '-' && !dash))) {
        if (s[j] == '-')
            dash = 1;
        else
            flags++;
        j++;
    }
    if (j < n && s[j] == ':' && flags) {
        emit_n(x, s + i, j + 1 - i, at);
        return j + 1;
    }
    fail(x, at, "invalid group: (?%c is not ECMA-262", i + 2 < n ? s[i + 2] : ' ');
    return n;
}

static int translate(struct xlat *x)
{
    size_t i = 0;
    int nonspace = 0;
    while (i < x->len && !x->failed && !x->out.oom) {
        char c = x->src[i];
        switch (c) {
        case '\\': i = xlat_escape(x, i, 0, &nonspace); break;
        case '[': i = xlat_class(x, i); break;
        case '(': i = xlat_group(x, i); break;
        case '.':
            emit(x, ECMA_DOT, i);
            i++;
            break;
        default:
            emit_n(x, x->src + i, 1, i);
            i++;
            break;
        }
    }
    emit_n(x, "", 0, x->len);
    return !x->failed && !x->out.oom;
}

/* ---- fast paths ------------------------------------------------------- */

static int is_meta(char c)
{
    return strchr("\\^$.|?*+()[]{}", c) != NULL;
}

static void detect_fast(cardc_regex *re)
{
    const char *p = re->pattern;
    size_t n = re->pattern_len, b = 0, e = n;
    int anchored_start = 0, anchored_end = 0;
    if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '*')) {
        re->fast = FAST_ALWAYS;
        return;
    }
    if (p[0] == '^')
        anchored_start = 1, b = 1;
    if (e > b && p[e - 1] == '$')
        anchored_end = 1, e--;
    for (size_t i = b; i < e; i++)
        if (is_meta(p[i]) || p[i] == '\0')
            return;
    if (!utf8_count((const unsigned char *)p, n, NULL))
        return; /* let pcre2 report it */
    re->literal = p + b;
    re->literal_len = e - b;
    re->fast = anchored_start ? (anchored_end ? FAST_EXACT : FAST_PREFIX)
                              : (anchored_end ? FAST_SUFFIX : FAST_CONTAINS);
}

static int contains(const char *s, size_t n, const char *lit, size_t ln)
{
    if (ln == 0)
        return 1;
    if (ln > n)
        return 0;
    for (size_t i = 0; i + ln <= n; i++) {
        const char *hit = memchr(s + i, lit[0], n - ln + 1 - i);
        if (!hit)
            return 0;
        i = (size_t)(hit - s);
        if (memcmp(hit, lit, ln) == 0)
            return 1;
    }
    return 0;
}

/* ---- compile / search ------------------------------------------------- */

static const uint32_t compile_options = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALLOW_EMPTY_CLASS |
                                        PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C |
                                        PCRE2_NEVER_UCP | PCRE2_MATCH_INVALID_UTF;

/* Translates and compiles; on failure returns NULL with *errcode set to the
 * pcre2 error (or 0 for a translation error / out of memory) and errbuf. */
static pcre2_code *compile_ecma(const char *pattern, size_t len, char *errbuf, size_t errlen,
                                int *errcode)
{
    struct xlat x;
    memset(&x, 0, sizeof x);
    x.src = pattern;
    x.len = len;
    x.err = errbuf;
    x.errlen = errlen;
    *errcode = 0;
    if (!translate(&x)) {
        if (x.out.oom)
            *errcode = PCRE2_ERROR_NOMEMORY;
        if (x.out.oom && errbuf && errlen)
            snprintf(errbuf, errlen, "out of memory");
        cardc__strbuf_free(&x.out);
        free(x.map);
        return NULL;
    }
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)x.out.s, x.out.len, compile_options, &ec, &eo, NULL);
    if (!code) {
        *errcode = ec;
        if (errbuf && errlen) {
            char msg[256];
            if (pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg) < 0)
                snprintf(msg, sizeof msg, "pcre2 error %d", ec);
            size_t off = eo <= x.out.len ? x.map[eo] : len;
            snprintf(errbuf, errlen, "%s at offset %zu", msg, off);
        }
    }
    cardc__strbuf_free(&x.out);
    free(x.map);
    return code;
}

/* pcre2's compile error codes for allocations that failed (ours, in the
 * translation, is PCRE2_ERROR_NOMEMORY too). */
static int memory_error(int ec)
{
    return ec == PCRE2_ERROR_NOMEMORY || ec == PCRE2_ERROR_HEAP_FAILED;
}

cardc_regex *cardc_regex_compile(const char *pattern, size_t len, const cardc_regex_limits *limits,
                                 char *errbuf, size_t errlen, int *nomem)
{
    int oom_;

    if (!nomem)
        nomem = &oom_;
    *nomem = 0;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!pattern) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "no pattern");
        return NULL;
    }
    cardc_regex *re = calloc(1, sizeof *re);
    if (!re || !(re->pattern = malloc(len + 1))) {
        free(re);
        *nomem = 1;
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    memcpy(re->pattern, pattern, len);
    re->pattern[len] = '\0';
    re->pattern_len = len;
    detect_fast(re);
    if (re->fast != FAST_NONE)
        return re;

    int ec;
    re->code = compile_ecma(pattern, len, errbuf, errlen, &ec);
    if (!re->code) {
        *nomem = memory_error(ec);
        if (ec == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH && errbuf && errlen) {
            size_t used = strlen(errbuf);
            snprintf(errbuf + used, errlen - used,
                     " (valid ECMA-262, but pcre2 only supports fixed-length lookbehind)");
        }
        cardc_regex_free(re);
        return NULL;
    }
    re->mctx = pcre2_match_context_create(NULL);
    if (!re->mctx) {
        *nomem = 1;
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "out of memory");
        cardc_regex_free(re);
        return NULL;
    }
    pcre2_set_match_limit(re->mctx, limits && limits->match ? limits->match : DEFAULT_MATCH_LIMIT);
    pcre2_set_depth_limit(re->mctx, limits && limits->depth ? limits->depth : DEFAULT_DEPTH_LIMIT);
    pcre2_set_heap_limit(re->mctx,
                         limits && limits->heap_kib ? limits->heap_kib : DEFAULT_HEAP_LIMIT);
    uint32_t jit = 0;
    if (pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0 && jit)
        (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* interpreter otherwise */
    return re;
}

int cardc_regex_valid(const char *pattern, size_t len, char *errbuf, size_t errlen)
{
    int ec;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!pattern)
        return 0;
    pcre2_code *code = compile_ecma(pattern, len, errbuf, errlen, &ec);
    if (code) {
        pcre2_code_free(code);
        return 1;
    }
    if (ec == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH) {
        if (errbuf && errlen)
            errbuf[0] = '\0';
        return 1;
    }
    return memory_error(ec) ? -1 : 0;
}

static cardc_status pattern_check_body(const char *pattern, size_t len, cardc_error *err)
{
    char msg[256];
    int r;

    if (!pattern)
        return cardc__error(err, CARDC_E_USAGE, "cardc_pattern_check: pattern is NULL");
    r = cardc_regex_valid(pattern, len, msg, sizeof msg);
    if (r > 0)
        return CARDC_OK;
    if (r < 0)
        return cardc__error(err, CARDC_E_NOMEM, "out of memory");
    return cardc__error(err, CARDC_E_REGEX, "%s", msg);
}

cardc_status cardc_pattern_check(const char *pattern, size_t len, cardc_error *err)
{
    cardc__error_enter(err);
    return cardc__error_leave(err, pattern_check_body(pattern, len, err));
}

/* A JIT match again on a stack of its own (JIT_STACK_MAX), for this call
 * only: the compiled regex stays immutable and shareable. */
static int match_on_own_stack(const cardc_regex *re, PCRE2_SPTR s, size_t len, pcre2_match_data *md)
{
    pcre2_jit_stack *stack = pcre2_jit_stack_create(32u << 10, JIT_STACK_MAX, NULL);
    pcre2_match_context *mc = stack ? pcre2_match_context_copy(re->mctx) : NULL;
    int rc = PCRE2_ERROR_JIT_STACKLIMIT; /* no memory for it: the interpreter */

    if (mc) {
        pcre2_jit_stack_assign(mc, NULL, stack);
        rc = pcre2_match(re->code, s, len, 0, 0, md, mc);
    }
    pcre2_match_context_free(mc);
    pcre2_jit_stack_free(stack);
    return rc;
}

int cardc_regex_search(const cardc_regex *re, const char *s, size_t len)
{
    if (!re || (!s && len))
        return -1;
    if (!s)
        s = ""; /* memcmp/pcre2 want a real pointer even for 0 bytes */
    switch (re->fast) {
    case FAST_ALWAYS: return 1;
    case FAST_CONTAINS: return contains(s, len, re->literal, re->literal_len);
    case FAST_PREFIX: return len >= re->literal_len && memcmp(s, re->literal, re->literal_len) == 0;
    case FAST_SUFFIX:
        return len >= re->literal_len &&
               memcmp(s + len - re->literal_len, re->literal, re->literal_len) == 0;
    case FAST_EXACT: return len == re->literal_len && memcmp(s, re->literal, len) == 0;
    case FAST_NONE: break;
    }
    /* Per-call match data keeps the compiled regex immutable and shareable. */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return -2;
    PCRE2_SPTR subject = (PCRE2_SPTR)s;
    int rc = pcre2_match(re->code, subject, len, 0, 0, md, re->mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = match_on_own_stack(re, subject, len, md);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* the interpreter has its own limits */
        rc = pcre2_match(re->code, subject, len, 0, PCRE2_NO_JIT, md, re->mctx);
    pcre2_match_data_free(md);
    if (rc >= 0)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc == PCRE2_ERROR_NOMEMORY)
        return -2;
    return -1; /* match/depth/heap limit, or anything else we cannot vouch for */
}

const char *cardc_regex_pattern(const cardc_regex *re)
{
    return re ? re->pattern : NULL;
}

void cardc_regex_free(cardc_regex *re)
{
    if (!re)
        return;
    pcre2_match_context_free(re->mctx);
    pcre2_code_free(re->code);
    free(re->pattern);
    free(re);
}
