/* SPDX-License-Identifier: MIT */
/* "format" assertions: RFC 3339 dates and times, durations, e-mail
 * addresses, host names (with IDNA A-/U-label checks), IP addresses, URIs,
 * IRIs, URI templates, UUIDs, ECMA-262 regexes and JSON Pointers. Every
 * check takes a byte string with its length (it may hold NUL) and never
 * allocates except for the Unicode rules of internationalized names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/schema.h"
#include "schema/format.h"
#include "schema/regex.h"
#include "common/utf8.h"

static const struct {
    const char *name;
    cardc_format_kind kind;
} format_names[] = {
    {"date-time", CARDC_FORMAT_DATE_TIME},
    {"date", CARDC_FORMAT_DATE},
    {"time", CARDC_FORMAT_TIME},
    {"duration", CARDC_FORMAT_DURATION},
    {"email", CARDC_FORMAT_EMAIL},
    {"idn-email", CARDC_FORMAT_IDN_EMAIL},
    {"hostname", CARDC_FORMAT_HOSTNAME},
    {"idn-hostname", CARDC_FORMAT_IDN_HOSTNAME},
    {"ipv4", CARDC_FORMAT_IPV4},
    {"ipv6", CARDC_FORMAT_IPV6},
    {"uri", CARDC_FORMAT_URI},
    {"uri-reference", CARDC_FORMAT_URI_REFERENCE},
    {"iri", CARDC_FORMAT_IRI},
    {"iri-reference", CARDC_FORMAT_IRI_REFERENCE},
    {"uri-template", CARDC_FORMAT_URI_TEMPLATE},
    {"uuid", CARDC_FORMAT_UUID},
    {"regex", CARDC_FORMAT_REGEX},
    {"json-pointer", CARDC_FORMAT_JSON_POINTER},
    {"relative-json-pointer", CARDC_FORMAT_RELATIVE_JSON_POINTER},
    {"binary", CARDC_FORMAT_BINARY},
};

cardc_format_kind cardc_format_lookup(const char *name)
{
    if (!name)
        return CARDC_FORMAT_UNKNOWN;
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcmp(format_names[i].name, name) == 0)
            return format_names[i].kind;
    return CARDC_FORMAT_UNKNOWN;
}

bool cardc_format_known(const char *name)
{
    return cardc_format_lookup(name) != CARDC_FORMAT_UNKNOWN;
}

/* ---- small helpers ----------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Reads n ASCII digits at s[*i] into *out. */
static int digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;
    if (*i + (size_t)n > len)
        return 0;
    for (int k = 0; k < n; k++) {
        if (!is_digit(s[*i + (size_t)k]))
            return 0;
        v = v * 10 + (s[*i + (size_t)k] - '0');
    }
    *i += (size_t)n;
    *out = v;
    return 1;
}

/* Decodes one UTF-8 sequence at str[*i] and steps past it; returns the code
 * point or -1. */
static long utf8_next(const char *str, size_t len, size_t *i)
{
    uint32_t cp;
    size_t k = utf8_decode((const unsigned char *)str + *i, len - *i, &cp);
    if (!k)
        return -1;
    *i += k;
    return (long)cp;
}

/* ---- dates and times (RFC 3339 section 5.6) ----------------------------- */

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

static int parse_date(const char *s, size_t len, size_t *i)
{
    int y, m, d;
    if (!digits(s, len, i, 4, &y) || *i >= len || s[(*i)++] != '-' || !digits(s, len, i, 2, &m) ||
        *i >= len || s[(*i)++] != '-' || !digits(s, len, i, 2, &d))
        return 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static int parse_time(const char *s, size_t len, size_t *i)
{
    int h, m, sec, oh = 0, om = 0, sign = 0;
    if (!digits(s, len, i, 2, &h) || *i >= len || s[(*i)++] != ':' || !digits(s, len, i, 2, &m) ||
        *i >= len || s[(*i)++] != ':' || !digits(s, len, i, 2, &sec))
        return 0;
    if (h > 23 || m > 59 || sec > 60)
        return 0;
    if (*i < len && s[*i] == '.') {
        size_t start = ++(*i);
        while (*i < len && is_digit(s[*i]))
            (*i)++;
        if (*i == start)
            return 0;
    }
    if (*i >= len)
        return 0; /* the offset is mandatory */
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
    } else if (s[*i] == '+' || s[*i] == '-') {
        sign = s[(*i)++] == '+' ? 1 : -1;
        if (!digits(s, len, i, 2, &oh) || *i >= len || s[(*i)++] != ':' ||
            !digits(s, len, i, 2, &om) || oh > 23 || om > 59)
            return 0;
    } else {
        return 0;
    }
    if (sec == 60) {
        /* A leap second exists only at 23:59:60 UTC. */
        int utc = h * 60 + m - sign * (oh * 60 + om);
        utc = ((utc % 1440) + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return 0;
    }
    return 1;
}

static int check_date(const char *s, size_t len)
{
    size_t i = 0;
    return parse_date(s, len, &i) && i == len;
}

static int check_time(const char *s, size_t len)
{
    size_t i = 0;
    return parse_time(s, len, &i) && i == len;
}

static int check_date_time(const char *s, size_t len)
{
    size_t i = 0;
    if (!parse_date(s, len, &i) || i >= len || (s[i] != 'T' && s[i] != 't'))
        return 0;
    i++;
    return parse_time(s, len, &i) && i == len;
}

/* ---- duration (RFC 3339 appendix A) ------------------------------------ */

/* Reads 1*DIGIT followed by a unit letter; returns the letter or 0. */
static char dur_element(const char *s, size_t len, size_t *i)
{
    size_t start = *i;
    while (*i < len && is_digit(s[*i]))
        (*i)++;
    if (*i == start || *i >= len)
        return 0;
    return s[(*i)++];
}

static int check_duration(const char *s, size_t len)
{
    /* The ABNF allows exactly these unit sequences. */
    static const char *const date_seqs[] = {"D", "M", "MD", "Y", "YM", "YMD", ""};
    static const char *const time_seqs[] = {"H", "HM", "HMS", "M", "MS", "S"};
    char date[8] = "", time[8] = "";
    size_t i = 0, nd = 0, nt = 0;
    int has_t = 0, ok = 0;
    if (len < 2 || s[i++] != 'P')
        return 0;
    while (i < len && s[i] != 'T') {
        char u = dur_element(s, len, &i);
        if (!u || nd >= sizeof date - 1)
            return 0;
        date[nd++] = u;
    }
    if (i < len) {
        has_t = 1;
        i++;
        while (i < len) {
            char u = dur_element(s, len, &i);
            if (!u || nt >= sizeof time - 1)
                return 0;
            time[nt++] = u;
        }
        if (!nt)
            return 0;
    }
    if (nd == 1 && date[0] == 'W')
        return !has_t;
    for (size_t k = 0; k < sizeof date_seqs / sizeof date_seqs[0]; k++)
        if (strcmp(date, date_seqs[k]) == 0)
            ok = 1;
    if (!ok || (!nd && !has_t))
        return 0;
    if (!has_t)
        return 1;
    for (size_t k = 0; k < sizeof time_seqs / sizeof time_seqs[0]; k++)
        if (strcmp(time, time_seqs[k]) == 0)
            return 1;
    return 0;
}

/* ---- IP addresses ------------------------------------------------------- */

/* dec-octet: no leading zeros, 0-255. */
static int parse_ipv4(const char *s, size_t len, size_t *i)
{
    for (int part = 0; part < 4; part++) {
        if (part && (*i >= len || s[(*i)++] != '.'))
            return 0;
        size_t start = *i;
        int v = 0;
        while (*i < len && is_digit(s[*i]) && *i - start < 3)
            v = v * 10 + (s[(*i)++] - '0');
        if (*i == start || v > 255 || (s[start] == '0' && *i - start > 1))
            return 0;
    }
    return 1;
}

static int check_ipv4(const char *s, size_t len)
{
    size_t i = 0;
    return parse_ipv4(s, len, &i) && i == len;
}

static int check_ipv6(const char *s, size_t len)
{
    size_t i = 0;
    int groups = 0, compressed = 0;
    if (len < 2)
        return 0;
    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        compressed = 1;
        i = 2;
        if (i == len)
            return 1;
    }
    while (i < len) {
        size_t start = i;
        while (i < len && hexval(s[i]) >= 0 && i - start < 5)
            i++;
        if (i < len && s[i] == '.') {
            /* Embedded IPv4: the last 32 bits. */
            size_t j = start;
            if (!parse_ipv4(s, len, &j) || j != len)
                return 0;
            groups += 2;
            i = len;
            break;
        }
        if (i == start || i - start > 4)
            return 0;
        groups++;
        if (i == len)
            break;
        if (s[i] != ':')
            return 0;
        i++;
        if (i < len && s[i] == ':') {
            if (compressed)
                return 0;
            compressed = 1;
            i++;
            if (i == len)
                break;
        } else if (i == len) {
            return 0; /* trailing single colon */
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

/* ---- host names, with IDNA (RFC 5890-5893) ------------------------------ */

/* A 253-octet name has at most 127 labels; its U-label form at most 4 bytes
 * per code point of ~59-code-point labels. */
enum { LABEL_MAX = 63, NAME_MAX_ = 253, LABELS_MAX = 127, HOST_BYTES_MAX = 4096 };

/* Punycode (RFC 3492). */
#define PC_BASE 36u
#define PC_TMIN 1u
#define PC_TMAX 26u
#define PC_SKEW 38u
#define PC_DAMP 700u

static uint32_t pc_adapt(uint32_t delta, uint32_t numpoints, int first)
{
    uint32_t k = 0;
    delta = first ? delta / PC_DAMP : delta / 2;
    delta += delta / numpoints;
    while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
        delta /= PC_BASE - PC_TMIN;
        k += PC_BASE;
    }
    return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static int pc_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0' + 26;
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    return -1;
}

/* Decodes at most `cap` code points; returns the count or -1. */
static int pc_decode(const char *in, size_t len, uint32_t *out, size_t cap)
{
    uint32_t n = 128, i = 0, bias = 72;
    size_t b = 0, outlen = 0, pos;
    for (size_t j = 0; j < len; j++)
        if (in[j] == '-')
            b = j;
    for (size_t j = 0; j < b; j++) {
        if ((unsigned char)in[j] >= 0x80 || outlen >= cap)
            return -1;
        out[outlen++] = (unsigned char)in[j];
    }
    for (pos = b > 0 ? b + 1 : 0; pos < len;) {
        uint32_t oldi = i, w = 1;
        for (uint32_t k = PC_BASE;; k += PC_BASE) {
            if (pos >= len)
                return -1;
            int d = pc_digit(in[pos++]);
            if (d < 0 || (uint32_t)d > (UINT32_MAX - i) / w)
                return -1;
            i += (uint32_t)d * w;
            uint32_t t = k <= bias ? PC_TMIN : (k >= bias + PC_TMAX ? PC_TMAX : k - bias);
            if ((uint32_t)d < t)
                break;
            if (w > UINT32_MAX / (PC_BASE - t))
                return -1;
            w *= PC_BASE - t;
        }
        bias = pc_adapt(i - oldi, (uint32_t)outlen + 1, oldi == 0);
        if (i / ((uint32_t)outlen + 1) > 0x10FFFF - n)
            return -1;
        n += i / ((uint32_t)outlen + 1);
        i %= (uint32_t)outlen + 1;
        if (outlen >= cap || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF))
            return -1;
        memmove(out + i + 1, out + i, (outlen - i) * sizeof *out);
        out[i++] = n;
        outlen++;
    }
    return (int)outlen;
}

/* Encodes; returns the length written (at most cap) or -1 when longer. */
static int pc_encode(const uint32_t *in, size_t n_in, char *out, size_t cap)
{
    uint32_t n = 128, delta = 0, bias = 72, h, b = 0;
    size_t outlen = 0;
    for (size_t j = 0; j < n_in; j++)
        if (in[j] < 0x80) {
            if (outlen >= cap)
                return -1;
            out[outlen++] = (char)in[j];
            b++;
        }
    h = b;
    if (b > 0) {
        if (outlen >= cap)
            return -1;
        out[outlen++] = '-';
    }
    while (h < n_in) {
        uint32_t m = UINT32_MAX;
        for (size_t j = 0; j < n_in; j++)
            if (in[j] >= n && in[j] < m)
                m = in[j];
        if ((uint64_t)(m - n) * (h + 1) + delta > UINT32_MAX)
            return -1;
        delta += (m - n) * (h + 1);
        n = m;
        for (size_t j = 0; j < n_in; j++) {
            if (in[j] < n)
                delta++;
            if (in[j] == n) {
                uint32_t q = delta;
                for (uint32_t k = PC_BASE;; k += PC_BASE) {
                    uint32_t t = k <= bias ? PC_TMIN : (k >= bias + PC_TMAX ? PC_TMAX : k - bias);
                    if (q < t)
                        break;
                    uint32_t d = t + (q - t) % (PC_BASE - t);
                    if (outlen >= cap)
                        return -1;
                    out[outlen++] = (char)(d < 26 ? 'a' + d : '0' + d - 26);
                    q = (q - t) / (PC_BASE - t);
                }
                if (outlen >= cap)
                    return -1;
                out[outlen++] = (char)(q < 26 ? 'a' + q : '0' + q - 26);
                bias = pc_adapt(delta, h + 1, h == b);
                delta = 0;
                h++;
            }
        }
        delta++;
        n++;
    }
    return (int)outlen;
}

/* Unicode rules of IDNA2008 as ECMA regexes (compiled on demand, per call:
 * only non-ASCII names pay for them, and no state outlives the check).
 * pcre2 has no Bidi_Class, Joining_Type or Canonical_Combining_Class, so
 * those come from scripts and general categories: best effort. */
#define RX_NSM "[\\p{Mn}\\p{Me}]"
#define RX_AN  "[\\u0600-\\u0605\\u0660-\\u0669\\u066b\\u066c\\u06dd\\u0890\\u0891\\u08e2]"
#define RX_EN                                                                               \
    "[0-9\\u00b2\\u00b3\\u00b9\\u06f0-\\u06f9\\u2070\\u2074-\\u2079\\u2080-\\u2089\\uff10-" \
    "\\uff19]"
#define RX_RTL_SCRIPTS                                                                        \
    "[\\p{sc=Hebrew}\\p{sc=Arabic}\\p{sc=Syriac}\\p{sc=Thaana}\\p{sc=Nko}\\p{sc=Samaritan}"   \
    "\\p{sc=Mandaic}\\p{sc=Adlam}\\p{sc=Hanifi_Rohingya}\\p{sc=Mende_Kikakui}"                \
    "\\p{sc=Imperial_Aramaic}\\p{sc=Phoenician}\\p{sc=Kharoshthi}\\p{sc=Avestan}"             \
    "\\p{sc=Manichaean}\\p{sc=Psalter_Pahlavi}\\p{sc=Sogdian}\\p{sc=Old_Sogdian}"             \
    "\\p{sc=Yezidi}\\p{sc=Nabataean}\\p{sc=Palmyrene}\\p{sc=Hatran}\\p{sc=Old_South_Arabian}" \
    "\\p{sc=Old_North_Arabian}\\p{sc=Inscriptional_Parthian}\\p{sc=Inscriptional_Pahlavi}"    \
    "\\p{sc=Lydian}\\p{sc=Cypriot}\\p{sc=Old_Hungarian}\\p{sc=Chorasmian}\\p{sc=Elymaic}]"
#define RX_RAL "(?:(?!" RX_NSM "|" RX_AN "|" RX_EN ")" RX_RTL_SCRIPTS ")"
#define RX_L   "(?:(?!" RX_NSM "|" RX_AN "|" RX_EN "|" RX_RAL ")[\\p{L}\\p{Mc}\\p{Nd}\\p{Nl}\\p{No}])"
#define RX_VIRAMA                                                                           \
    "[\\u094d\\u09cd\\u0a4d\\u0acd\\u0b4d\\u0bcd\\u0c4d\\u0ccd\\u0d3b\\u0d3c\\u0d4d\\u0dca" \
    "\\u0e3a\\u0eba\\u0f84\\u1039\\u103a\\u1714\\u1715\\u1734\\u17d2\\u1a60\\u1b44\\u1baa"  \
    "\\u1bab\\u1bf2\\u1bf3\\u2d7f\\ua806\\ua82c\\ua8c4\\ua953\\ua9c0\\uaaf6\\uabed"         \
    "\\u{10a3f}\\u{11046}\\u{11070}\\u{1107f}\\u{110b9}\\u{11133}\\u{11134}\\u{111c0}"      \
    "\\u{11235}\\u{112ea}\\u{1134d}\\u{11442}\\u{114c2}\\u{115bf}\\u{1163f}\\u{116b6}"      \
    "\\u{1172b}\\u{11839}\\u{1193d}\\u{1193e}\\u{119e0}\\u{11a34}\\u{11a47}\\u{11a99}"      \
    "\\u{11c3f}\\u{11d44}\\u{11d45}\\u{11d97}]"
#define RX_JOINING                                                             \
    "(?:(?=\\p{L})[\\p{sc=Arabic}\\p{sc=Syriac}\\p{sc=Nko}\\p{sc=Mongolian}"   \
    "\\p{sc=Phags_Pa}\\p{sc=Mandaic}\\p{sc=Manichaean}\\p{sc=Psalter_Pahlavi}" \
    "\\p{sc=Adlam}\\p{sc=Hanifi_Rohingya}\\p{sc=Sogdian}])"
#define RX_TRANSPARENT "(?:(?![\\u200c\\u200d])[\\p{Mn}\\p{Me}\\p{Cf}])"

enum idna_rx {
    RX_LEADING_MARK,
    RX_DISALLOWED_EXCEPTION,
    RX_NOT_PVALID,
    RX_BAD_MIDDLE_DOT,
    RX_BAD_KERAIA,
    RX_BAD_GERESH,
    RX_KATAKANA_DOT,
    RX_HIRA_KATA_HAN,
    RX_ARABIC_INDIC,
    RX_EXT_ARABIC_INDIC,
    RX_BAD_ZWJ,
    RX_VIRAMA_END,
    RX_JOIN_BEFORE,
    RX_JOIN_AFTER,
    RX_HAS_RTL,
    RX_BIDI_FIRST_LTR,
    RX_BIDI_FIRST_RTL,
    RX_BIDI_L,
    RX_BIDI_RAL_OR_AN,
    RX_BIDI_RTL_END,
    RX_BIDI_LTR_END,
    RX_BIDI_EN,
    RX_BIDI_AN,
    RX_COUNT_
};

static const char *const idna_patterns[RX_COUNT_] = {
    [RX_LEADING_MARK] = "^\\p{M}",
    [RX_DISALLOWED_EXCEPTION] = "[\\u0640\\u07fa\\u302e\\u302f\\u3031-\\u3035\\u303b]",
    /* PVALID: LetterDigits (Ll Lo Lm Mn Mc Nd), the hyphen and RFC 5892's
     * exceptions and contextual code points. */
    [RX_NOT_PVALID] = "[^\\p{Ll}\\p{Lo}\\p{Lm}\\p{Mn}\\p{Mc}\\p{Nd}\\-\\u00b7\\u0375\\u05f3"
                      "\\u05f4\\u30fb\\u200c\\u200d\\u00df\\u03c2\\u06fd\\u06fe\\u0f0b\\u3007"
                      "\\u0660-\\u0669\\u06f0-\\u06f9]",
    [RX_BAD_MIDDLE_DOT] = "(?<!l)\\u00b7|\\u00b7(?!l)",
    [RX_BAD_KERAIA] = "\\u0375(?!\\p{sc=Greek})",
    [RX_BAD_GERESH] = "(?<!\\p{sc=Hebrew})[\\u05f3\\u05f4]",
    [RX_KATAKANA_DOT] = "\\u30fb",
    [RX_HIRA_KATA_HAN] = "(?!\\u30fb)[\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Han}]",
    [RX_ARABIC_INDIC] = "[\\u0660-\\u0669]",
    [RX_EXT_ARABIC_INDIC] = "[\\u06f0-\\u06f9]",
    [RX_BAD_ZWJ] = "(?<!" RX_VIRAMA ")\\u200d",
    [RX_VIRAMA_END] = RX_VIRAMA "$",
    [RX_JOIN_BEFORE] = RX_JOINING RX_TRANSPARENT "*$",
    [RX_JOIN_AFTER] = "^" RX_TRANSPARENT "*" RX_JOINING,
    [RX_HAS_RTL] = RX_RAL "|" RX_AN,
    [RX_BIDI_FIRST_LTR] = "^" RX_L,
    [RX_BIDI_FIRST_RTL] = "^" RX_RAL,
    [RX_BIDI_L] = RX_L,
    [RX_BIDI_RAL_OR_AN] = RX_RAL "|" RX_AN,
    [RX_BIDI_RTL_END] = "(?:" RX_RAL "|" RX_EN "|" RX_AN ")" RX_NSM "*$",
    [RX_BIDI_LTR_END] = "(?:" RX_L "|" RX_EN ")" RX_NSM "*$",
    [RX_BIDI_EN] = RX_EN,
    [RX_BIDI_AN] = RX_AN,
};

struct idna {
    cardc_regex *rx[RX_COUNT_];
    int failed; /* a regex did not compile or hit a limit: reject */
};

/* 1 match, 0 none; a failure marks the context failed (and answers 1 so
 * that callers treating a match as a violation reject). */
static int idna_search(struct idna *c, enum idna_rx which, const char *s, size_t len)
{
    if (!c->rx[which]) {
        const char *p = idna_patterns[which];
        c->rx[which] = cardc_regex_compile(p, strlen(p), NULL, NULL, 0, NULL);
        if (!c->rx[which]) {
            c->failed = 1;
            return 1;
        }
    }
    int r = cardc_regex_search(c->rx[which], s, len);
    if (r < 0) {
        c->failed = 1;
        return 1;
    }
    return r;
}

static void idna_free(struct idna *c)
{
    for (int i = 0; i < RX_COUNT_; i++)
        cardc_regex_free(c->rx[i]);
}

/* RFC 5891 5.4 + RFC 5892 for a U-label (UTF-8, valid). */
static int ulabel_ok(struct idna *c, const char *s, size_t len)
{
    if (len == 0 || s[0] == '-' || s[len - 1] == '-')
        return 0;
    if (len >= 4 && s[2] == '-' && s[3] == '-')
        return 0;
    if (idna_search(c, RX_LEADING_MARK, s, len) ||
        idna_search(c, RX_DISALLOWED_EXCEPTION, s, len) || idna_search(c, RX_NOT_PVALID, s, len) ||
        idna_search(c, RX_BAD_MIDDLE_DOT, s, len) || idna_search(c, RX_BAD_KERAIA, s, len) ||
        idna_search(c, RX_BAD_GERESH, s, len) || idna_search(c, RX_BAD_ZWJ, s, len))
        return 0;
    if (idna_search(c, RX_KATAKANA_DOT, s, len) && !idna_search(c, RX_HIRA_KATA_HAN, s, len))
        return 0;
    if (idna_search(c, RX_ARABIC_INDIC, s, len) && idna_search(c, RX_EXT_ARABIC_INDIC, s, len))
        return 0;
    /* ZERO WIDTH NON-JOINER: after a virama, or between joining letters. */
    for (size_t i = 0; i + 3 <= len; i++) {
        if (memcmp(s + i, "\xe2\x80\x8c", 3) != 0)
            continue;
        if (idna_search(c, RX_VIRAMA_END, s, i))
            continue;
        if (!idna_search(c, RX_JOIN_BEFORE, s, i) ||
            !idna_search(c, RX_JOIN_AFTER, s + i + 3, len - i - 3))
            return 0;
    }
    return !c->failed;
}

/* RFC 5893 for one label of a Bidi domain name. */
static int bidi_label_ok(struct idna *c, const char *s, size_t len)
{
    if (idna_search(c, RX_BIDI_FIRST_RTL, s, len)) {
        if (idna_search(c, RX_BIDI_L, s, len) || !idna_search(c, RX_BIDI_RTL_END, s, len))
            return 0;
        if (idna_search(c, RX_BIDI_EN, s, len) && idna_search(c, RX_BIDI_AN, s, len))
            return 0;
        return !c->failed;
    }
    if (!idna_search(c, RX_BIDI_FIRST_LTR, s, len))
        return 0;
    if (idna_search(c, RX_BIDI_RAL_OR_AN, s, len) || !idna_search(c, RX_BIDI_LTR_END, s, len))
        return 0;
    return !c->failed;
}

static int ldh_label_ok(const char *s, size_t len)
{
    if (len == 0 || len > LABEL_MAX || s[0] == '-' || s[len - 1] == '-')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '-')
            return 0;
    return 1;
}

/* A label, as the U-label (UTF-8) and its A-label length. */
struct label {
    char u[LABEL_MAX * 4 + 1];
    size_t ulen;
    size_t alen;
    int idn; /* has non-ASCII (needs the IDNA rules) */
};

/* Fills lab from an ASCII label (an A-label is decoded). Returns 0 when not
 * a valid host name label. */
static int label_from_ascii(const char *s, size_t len, struct label *lab)
{
    if (!ldh_label_ok(s, len))
        return 0;
    lab->alen = len;
    lab->idn = 0;
    if (len >= 4 && lower(s[0]) == 'x' && lower(s[1]) == 'n' && s[2] == '-' && s[3] == '-') {
        uint32_t cps[LABEL_MAX];
        char re[LABEL_MAX + 1];
        int n = pc_decode(s + 4, len - 4, cps, LABEL_MAX);
        if (n <= 0)
            return 0;
        int ascii = 1;
        for (int k = 0; k < n; k++)
            if (cps[k] >= 0x80)
                ascii = 0;
        if (ascii)
            return 0; /* an A-label must encode something non-ASCII */
        /* Canonical form only: it must re-encode to itself. */
        int rn = pc_encode(cps, (size_t)n, re, sizeof re);
        if (rn < 0 || (size_t)rn != len - 4)
            return 0;
        for (int k = 0; k < rn; k++)
            if (lower(re[k]) != lower(s[4 + k]))
                return 0;
        lab->ulen = 0;
        for (int k = 0; k < n; k++)
            lab->ulen += utf8_encode(cps[k], (unsigned char *)lab->u + lab->ulen);
        lab->u[lab->ulen] = '\0';
        lab->idn = 1;
        return 1;
    }
    if (len >= 4 && s[2] == '-' && s[3] == '-')
        lab->idn = 0; /* other R-LDH labels: plain host names allow them */
    memcpy(lab->u, s, len);
    lab->ulen = len;
    lab->u[len] = '\0';
    return 1;
}

/* Fills lab from a label with non-ASCII (a U-label). */
static int label_from_unicode(const char *s, size_t len, struct label *lab)
{
    uint32_t cps[LABEL_MAX + 1];
    size_t n = 0, i = 0;
    char enc[LABEL_MAX];
    if (len > sizeof lab->u - 1)
        return 0;
    while (i < len) {
        long cp = utf8_next(s, len, &i);
        if (cp < 0 || n >= LABEL_MAX)
            return 0;
        cps[n++] = (uint32_t)cp;
    }
    int en = pc_encode(cps, n, enc, sizeof enc);
    if (en < 0 || (size_t)en + 4 > LABEL_MAX)
        return 0;
    memcpy(lab->u, s, len);
    lab->u[len] = '\0';
    lab->ulen = len;
    lab->alen = (size_t)en + 4;
    lab->idn = 1;
    return 1;
}

/* Length of a label separator at s[i] (".", and for IDN U+3002, U+FF0E,
 * U+FF61), or 0. */
static size_t separator_at(const char *s, size_t len, size_t i, int idn)
{
    if (s[i] == '.')
        return 1;
    if (idn && i + 3 <= len &&
        (memcmp(s + i, "\xe3\x80\x82", 3) == 0 || memcmp(s + i, "\xef\xbc\x8e", 3) == 0 ||
         memcmp(s + i, "\xef\xbd\xa1", 3) == 0))
        return 3;
    return 0;
}

static int check_host(const char *s, size_t len, int idn)
{
    struct label *labels;
    size_t nlabels = 0, total = 0, i = 0;
    int ok = 1, any_idn = 0;
    struct idna ctx;
    if (len == 0 || len > HOST_BYTES_MAX)
        return 0;
    labels = malloc(sizeof *labels * LABELS_MAX);
    if (!labels)
        return 0;
    while (ok) {
        size_t start = i, sep = 0;
        int ascii = 1;
        while (i < len && !(sep = separator_at(s, len, i, idn))) {
            if ((unsigned char)s[i] >= 0x80)
                ascii = 0;
            i++;
        }
        if (nlabels >= LABELS_MAX) {
            ok = 0;
            break;
        }
        struct label *lab = &labels[nlabels];
        if (ascii)
            ok = label_from_ascii(s + start, i - start, lab);
        else
            ok = idn && label_from_unicode(s + start, i - start, lab);
        if (!ok)
            break;
        any_idn |= lab->idn;
        total += lab->alen + (nlabels ? 1 : 0);
        nlabels++;
        if (i >= len)
            break;
        i += sep;
        if (i >= len)
            ok = 0; /* trailing separator: empty label */
    }
    if (ok && total > NAME_MAX_)
        ok = 0;
    if (ok && any_idn) {
        int bidi = 0;
        memset(&ctx, 0, sizeof ctx);
        for (size_t k = 0; ok && k < nlabels; k++)
            if (labels[k].idn)
                ok = ulabel_ok(&ctx, labels[k].u, labels[k].ulen);
        for (size_t k = 0; ok && k < nlabels; k++)
            if (idna_search(&ctx, RX_HAS_RTL, labels[k].u, labels[k].ulen))
                bidi = 1;
        for (size_t k = 0; ok && bidi && k < nlabels; k++)
            ok = bidi_label_ok(&ctx, labels[k].u, labels[k].ulen);
        if (ctx.failed)
            ok = 0;
        idna_free(&ctx);
    }
    free(labels);
    return ok;
}

/* ---- e-mail (RFC 5321 4.1.2, RFC 6531 for idn-email) -------------------- */

static int is_atext(char c)
{
    return is_alpha(c) || is_digit(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int check_email(const char *s, size_t len, int idn)
{
    size_t i = 0;
    if (len == 0)
        return 0;
    if (s[0] == '"') {
        i = 1;
        for (;;) {
            if (i >= len)
                return 0;
            unsigned char c = (unsigned char)s[i];
            if (c == '"')
                break;
            if (c == '\\') {
                if (i + 1 >= len || (unsigned char)s[i + 1] < 32 || (unsigned char)s[i + 1] > 126)
                    return 0;
                i += 2;
            } else if (c >= 0x80) {
                if (!idn || utf8_next(s, len, &i) < 0)
                    return 0;
            } else if (c >= 32 && c <= 126) {
                i++;
            } else {
                return 0;
            }
        }
        i++;
    } else {
        int need_atom = 1;
        while (i < len && s[i] != '@') {
            unsigned char c = (unsigned char)s[i];
            if (c == '.') {
                if (need_atom)
                    return 0;
                need_atom = 1;
                i++;
            } else if (c >= 0x80) {
                if (!idn || utf8_next(s, len, &i) < 0)
                    return 0;
                need_atom = 0;
            } else if (is_atext((char)c)) {
                need_atom = 0;
                i++;
            } else {
                return 0;
            }
        }
        if (need_atom)
            return 0;
    }
    if (i > 64 || i >= len || s[i] != '@')
        return 0;
    const char *d = s + i + 1;
    size_t dl = len - i - 1;
    if (dl >= 2 && d[0] == '[' && d[dl - 1] == ']') {
        if (dl > 7 && memcmp(d + 1, "IPv6:", 5) == 0)
            return check_ipv6(d + 6, dl - 7);
        return check_ipv4(d + 1, dl - 2);
    }
    return check_host(d, dl, idn);
}

/* ---- URIs and IRIs (RFC 3986, RFC 3987) ---------------------------------- */

static int is_unreserved(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static int is_subdelim(char c)
{
    return c && strchr("!$&'()*+,;=", c) != NULL;
}

static int is_ucschar(long cp)
{
    return (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) ||
           (cp >= 0xFDF0 && cp <= 0xFFEF) ||
           (cp >= 0x10000 && cp <= 0xEFFFD && (cp & 0xFFFF) <= 0xFFFD &&
            !(cp >= 0xE0000 && cp < 0xE1000));
}

static int is_iprivate(long cp)
{
    return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD) ||
           (cp >= 0x100000 && cp <= 0x10FFFD);
}

/* Consumes characters of a component: unreserved, pct-encoded, sub-delims,
 * the ASCII characters in `extra`, and for IRIs ucschar (and iprivate when
 * `priv`). Stops at the first other character; 0 on a malformed one. */
static int scan_chars(const char *s, size_t len, size_t *i, const char *extra, int iri, int priv)
{
    while (*i < len) {
        char c = s[*i];
        if (c == '%') {
            if (*i + 2 >= len || hexval(s[*i + 1]) < 0 || hexval(s[*i + 2]) < 0)
                return 0;
            *i += 3;
        } else if (is_unreserved(c) || is_subdelim(c) || (c && strchr(extra, c))) {
            (*i)++;
        } else if ((unsigned char)c >= 0x80) {
            size_t j = *i;
            long cp = utf8_next(s, len, &j);
            if (!iri || cp < 0 || !(is_ucschar(cp) || (priv && is_iprivate(cp))))
                return 0;
            *i = j;
        } else {
            return 1;
        }
    }
    return 1;
}

static int check_ip_literal(const char *s, size_t len)
{
    if (len >= 1 && (s[0] == 'v' || s[0] == 'V')) {
        size_t i = 1;
        while (i < len && hexval(s[i]) >= 0)
            i++;
        if (i == 1 || i >= len || s[i] != '.' || i + 1 >= len)
            return 0;
        for (i++; i < len; i++)
            if (!is_unreserved(s[i]) && !is_subdelim(s[i]) && s[i] != ':')
                return 0;
        return 1;
    }
    return check_ipv6(s, len);
}

/* authority = [ userinfo "@" ] host [ ":" port ], ending at / ? # or end. */
static int parse_authority(const char *s, size_t len, size_t *i, int iri)
{
    size_t start = *i, end = *i, at = (size_t)-1;
    while (end < len && s[end] != '/' && s[end] != '?' && s[end] != '#')
        end++;
    for (size_t k = start; k < end; k++)
        if (s[k] == '@') {
            if (at != (size_t)-1)
                return 0;
            at = k;
        }
    size_t h = start;
    if (at != (size_t)-1) {
        size_t k = start;
        if (!scan_chars(s, at, &k, ":", iri, 0) || k != at)
            return 0;
        h = at + 1;
    }
    size_t p = h;
    if (h < end && s[h] == '[') {
        const char *close = memchr(s + h, ']', end - h);
        if (!close || !check_ip_literal(s + h + 1, (size_t)(close - s) - h - 1))
            return 0;
        p = (size_t)(close - s) + 1;
    } else {
        if (!scan_chars(s, end, &p, "", iri, 0))
            return 0;
    }
    if (p < end) {
        if (s[p] != ':')
            return 0;
        for (p++; p < end; p++)
            if (!is_digit(s[p]))
                return 0;
    }
    *i = end;
    return 1;
}

/* Parses a URI (absolute = 1) or URI reference per RFC 3986 section 4. */
static int check_uri(const char *s, size_t len, int absolute, int iri)
{
    size_t i = 0, scheme_end = 0;
    int has_scheme = 0;
    if (len && is_alpha(s[0])) {
        size_t k = 1;
        while (k < len &&
               (is_alpha(s[k]) || is_digit(s[k]) || s[k] == '+' || s[k] == '-' || s[k] == '.'))
            k++;
        if (k < len && s[k] == ':') {
            has_scheme = 1;
            scheme_end = k + 1;
        }
    }
    if (absolute && !has_scheme)
        return 0;
    i = scheme_end;
    if (i + 1 < len && s[i] == '/' && s[i + 1] == '/') {
        i += 2;
        if (!parse_authority(s, len, &i, iri))
            return 0;
    } else if (!has_scheme) {
        /* relative-path: no ":" in the first segment */
        size_t k = i;
        while (k < len && s[k] != '/' && s[k] != '?' && s[k] != '#') {
            if (s[k] == ':')
                return 0;
            k++;
        }
    }
    if (!scan_chars(s, len, &i, "/:@", iri, 0))
        return 0;
    if (i < len && s[i] == '?') {
        i++;
        if (!scan_chars(s, len, &i, "/:@?", iri, 1))
            return 0;
    }
    if (i < len && s[i] == '#') {
        i++;
        if (!scan_chars(s, len, &i, "/:@?", iri, 0))
            return 0;
    }
    return i == len;
}

/* ---- URI Template (RFC 6570 level 4) ------------------------------------ */

static int check_uri_template(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '{') {
            i++;
            if (i < len && strchr("+#./;?&=,!@|", s[i]) && s[i])
                i++;
            for (;;) {
                /* varname = varchar *( ["."] varchar ) */
                size_t start = i;
                int dot_ok = 0;
                while (i < len) {
                    if (s[i] == '%') {
                        if (i + 2 >= len || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                            return 0;
                        i += 3;
                        dot_ok = 1;
                    } else if (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_') {
                        i++;
                        dot_ok = 1;
                    } else if (s[i] == '.' && dot_ok) {
                        i++;
                        dot_ok = 0;
                    } else {
                        break;
                    }
                }
                if (i == start || !dot_ok)
                    return 0;
                if (i < len && s[i] == ':') {
                    size_t d = ++i;
                    while (i < len && is_digit(s[i]))
                        i++;
                    if (i == d || i - d > 4 || s[d] == '0')
                        return 0;
                } else if (i < len && s[i] == '*') {
                    i++;
                }
                if (i < len && s[i] == ',') {
                    i++;
                    continue;
                }
                break;
            }
            if (i >= len || s[i] != '}')
                return 0;
            i++;
        } else if (c == '%') {
            if (i + 2 >= len || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return 0;
            i += 3;
        } else if (c >= 0x80) {
            long cp = utf8_next(s, len, &i);
            if (cp < 0 || !(is_ucschar(cp) || is_iprivate(cp)))
                return 0;
        } else if (c <= 0x20 || c == 0x7F || strchr("\"<>\\^`{|}", (int)c)) {
            /* RFC 6570 also lists "'", which its errata and the suite allow. */
            return 0;
        } else {
            i++;
        }
    }
    return 1;
}

/* ---- UUID, JSON Pointer -------------------------------------------------- */

static int check_uuid(const char *s, size_t len)
{
    if (len != 36)
        return 0;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (hexval(s[i]) < 0) {
            return 0;
        }
    }
    return 1;
}

static int check_json_pointer_at(const char *s, size_t len, size_t i)
{
    if (i < len && s[i] != '/')
        return 0;
    for (; i < len; i++)
        if (s[i] == '~' && (i + 1 >= len || (s[i + 1] != '0' && s[i + 1] != '1')))
            return 0;
    return 1;
}

static int check_relative_json_pointer(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && is_digit(s[i]))
        i++;
    if (i == 0 || (s[0] == '0' && i > 1))
        return 0;
    if (i < len && s[i] == '#')
        return i + 1 == len;
    return check_json_pointer_at(s, len, i);
}

/* ---- entry point -------------------------------------------------------- */

int cardc_format_check(cardc_format_kind kind, const char *s, size_t len)
{
    if (!s)
        return kind == CARDC_FORMAT_UNKNOWN || kind == CARDC_FORMAT_BINARY;
    switch (kind) {
    case CARDC_FORMAT_UNKNOWN:
    case CARDC_FORMAT_BINARY: return 1;
    case CARDC_FORMAT_DATE_TIME: return check_date_time(s, len);
    case CARDC_FORMAT_DATE: return check_date(s, len);
    case CARDC_FORMAT_TIME: return check_time(s, len);
    case CARDC_FORMAT_DURATION: return check_duration(s, len);
    case CARDC_FORMAT_EMAIL: return check_email(s, len, 0);
    case CARDC_FORMAT_IDN_EMAIL: return check_email(s, len, 1);
    case CARDC_FORMAT_HOSTNAME: return check_host(s, len, 0);
    case CARDC_FORMAT_IDN_HOSTNAME: return check_host(s, len, 1);
    case CARDC_FORMAT_IPV4: return check_ipv4(s, len);
    case CARDC_FORMAT_IPV6: return check_ipv6(s, len);
    case CARDC_FORMAT_URI: return check_uri(s, len, 1, 0);
    case CARDC_FORMAT_URI_REFERENCE: return check_uri(s, len, 0, 0);
    case CARDC_FORMAT_IRI: return check_uri(s, len, 1, 1);
    case CARDC_FORMAT_IRI_REFERENCE: return check_uri(s, len, 0, 1);
    case CARDC_FORMAT_URI_TEMPLATE: return check_uri_template(s, len);
    case CARDC_FORMAT_UUID: return check_uuid(s, len);
    case CARDC_FORMAT_REGEX: return cardc_regex_valid(s, len, NULL, 0) != 0; /* -1: see format.h */
    case CARDC_FORMAT_JSON_POINTER: return check_json_pointer_at(s, len, 0);
    case CARDC_FORMAT_RELATIVE_JSON_POINTER: return check_relative_json_pointer(s, len);
    }
    return 1;
}
