/* SPDX-License-Identifier: MIT */
/* Patterns that need no regex engine: a sequence of character sets with
 * counts, anchored at the start ("^[a-z][a-z0-9_]+$", "^\\d{4}-\\d{2}$",
 * "^.{1,256}$", "^[@$_#]"), or one set anywhere (".+"), matched in one
 * left-to-right pass. Each set is a 128-bit ASCII bitmap and a rule for
 * the other code points. A pass without backtracking finds a match exactly
 * when one exists because the compiler only accepts sequences where every
 * variable count is followed by a set it cannot share a character with
 * (checked below); anything else goes to pcre2. Measured on the real-world
 * set: "^.+$" on every property name of cmake-presets cost 13% of its
 * validation through pcre2's JIT (call, match data, UTF checks). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "schema/regex_simple.h"

enum {
    NA_NONE, /* no code point above U+007F */
    NA_ALL,  /* every one */
    NA_DOT   /* every one but U+2028 and U+2029 (ECMA ".") */
};

typedef struct rx_set {
    uint64_t bits[2]; /* ASCII */
    uint8_t nonascii;
} rx_set;

typedef struct rx_item {
    rx_set set;
    uint32_t min, max;  /* max UINT32_MAX: unbounded */
    uint8_t ascii[128]; /* the set's ASCII members, one byte each (matching) */
} rx_item;

#define RX_MAX_ITEMS 32

struct rx_simple {
    rx_item item[RX_MAX_ITEMS];
    size_t n;
    bool start, end; /* ^ and $ */
};

static void set_add(rx_set *s, unsigned c)
{
    s->bits[c >> 6] |= (uint64_t)1 << (c & 63);
}

static void set_range(rx_set *s, unsigned a, unsigned b)
{
    for (unsigned c = a; c <= b; c++)
        set_add(s, c);
}

static void set_negate(rx_set *s)
{
    s->bits[0] = ~s->bits[0];
    s->bits[1] = ~s->bits[1];
    s->nonascii = s->nonascii == NA_NONE ? NA_ALL : NA_NONE;
}

static void set_union(rx_set *d, const rx_set *s)
{
    d->bits[0] |= s->bits[0];
    d->bits[1] |= s->bits[1];
    if (s->nonascii == NA_ALL || d->nonascii == NA_ALL)
        d->nonascii = NA_ALL;
    else if (s->nonascii == NA_DOT)
        d->nonascii = NA_DOT;
}

static bool sets_meet(const rx_set *a, const rx_set *b)
{
    return (a->bits[0] & b->bits[0]) || (a->bits[1] & b->bits[1]) ||
           (a->nonascii != NA_NONE && b->nonascii != NA_NONE);
}

/* \d \w \D \W and the escaped characters that mean themselves; 0 when
 * the escape at p[0] ('\\' already skipped) is anything else. */
static int escape_set(char e, rx_set *s)
{
    static const char self[] = ".-/\\[]^$*+?(){}|";
    memset(s, 0, sizeof *s);
    switch (e) {
    case 'd': set_range(s, '0', '9'); return 1;
    case 'D': set_range(s, '0', '9'), set_negate(s); return 1;
    case 'w':
    case 'W':
        set_range(s, '0', '9'), set_range(s, 'A', 'Z'), set_range(s, 'a', 'z'), set_add(s, '_');
        if (e == 'W')
            set_negate(s);
        return 1;
    case 't': set_add(s, '\t'); return 1;
    case 'n': set_add(s, '\n'); return 1;
    case 'r': set_add(s, '\r'); return 1;
    case 'f': set_add(s, '\f'); return 1;
    case 'v': set_add(s, '\v'); return 1;
    default:
        if (e && strchr(self, e)) {
            set_add(s, (unsigned char)e);
            return 1;
        }
        return 0;
    }
}

/* A bracket class at p[*i] ('[' already skipped) up to ']'. */
static int parse_class(const char *p, size_t n, size_t *i, rx_set *s)
{
    bool neg = *i < n && p[*i] == '^', first = true;
    memset(s, 0, sizeof *s);
    *i += neg;
    while (*i < n && (p[*i] != ']' || first)) {
        unsigned char c = (unsigned char)p[*i];
        rx_set e;
        first = false;
        if (c >= 0x80 || c == '[')
            return 0;
        if (c == '\\') {
            if (*i + 1 >= n || !escape_set(p[*i + 1], &e))
                return 0;
            *i += 2;
            set_union(s, &e);
            continue;
        }
        if (*i + 2 < n && p[*i + 1] == '-' && p[*i + 2] != ']') {
            unsigned char hi = (unsigned char)p[*i + 2];
            if (hi == '\\' || hi >= 0x80 || hi < c)
                return 0;
            set_range(s, c, hi);
            *i += 3;
            continue;
        }
        set_add(s, c);
        (*i)++;
    }
    if (*i >= n)
        return 0;
    (*i)++; /* ']' */
    if (neg)
        set_negate(s);
    return 1;
}

/* Decimal digits at p[*i]. */
static int number(const char *p, size_t n, size_t *i, uint32_t *v)
{
    size_t s = *i;
    uint64_t x = 0;
    while (*i < n && p[*i] >= '0' && p[*i] <= '9' && x < 100000)
        x = x * 10 + (uint64_t)(p[(*i)++] - '0');
    *v = (uint32_t)x;
    return *i > s && x < 100000;
}

/* A count after an atom: *, +, ?, {n}, {n,}, {n,m}; none is {1}. */
static int parse_count(const char *p, size_t n, size_t *i, rx_item *it)
{
    it->min = it->max = 1;
    if (*i >= n)
        return 1;
    switch (p[*i]) {
    case '*': it->min = 0, it->max = UINT32_MAX, (*i)++; break;
    case '+': it->max = UINT32_MAX, (*i)++; break;
    case '?': it->min = 0, (*i)++; break;
    case '{':
        (*i)++;
        if (!number(p, n, i, &it->min))
            return 0;
        it->max = it->min;
        if (*i < n && p[*i] == ',') {
            (*i)++;
            it->max = UINT32_MAX;
            if (*i < n && p[*i] != '}' && !number(p, n, i, &it->max))
                return 0;
        }
        if (*i >= n || p[*i] != '}' || it->max < it->min)
            return 0;
        (*i)++;
        break;
    default: return 1;
    }
    /* a lazy or possessive count is another construct */
    return !(*i < n && (p[*i] == '?' || p[*i] == '+'));
}

/* One atom at p[*i]: a character, ".", an escape or a class. */
static int parse_atom(const char *p, size_t n, size_t *i, rx_set *s)
{
    unsigned char c = (unsigned char)p[*i];
    memset(s, 0, sizeof *s);
    if (c == '.') {
        set_range(s, 0, 127);
        s->bits['\n' >> 6] &= ~((uint64_t)1 << ('\n' & 63));
        s->bits['\r' >> 6] &= ~((uint64_t)1 << ('\r' & 63));
        s->nonascii = NA_DOT;
        (*i)++;
        return 1;
    }
    if (c == '\\') {
        if (*i + 1 >= n || !escape_set(p[*i + 1], s))
            return 0;
        *i += 2;
        return 1;
    }
    if (c == '[') {
        (*i)++;
        return parse_class(p, n, i, s);
    }
    if (c >= 0x80 || c == 0 || strchr("^$|?*+(){}]", c))
        return 0;
    set_add(s, c);
    (*i)++;
    return 1;
}

/* Whether one left-to-right pass decides every string (see the top). */
static bool deterministic(const rx_simple *rx)
{
    if (!rx->start)
        return rx->n == 1;
    for (size_t i = 0; i < rx->n; i++) {
        if (rx->item[i].min == rx->item[i].max)
            continue;
        for (size_t j = i + 1; j < rx->n; j++) {
            if (sets_meet(&rx->item[i].set, &rx->item[j].set))
                return false;
            if (rx->item[j].min > 0)
                break;
        }
    }
    return true;
}

rx_simple *cardc__rx_simple_compile(const char *p, size_t n)
{
    rx_simple *rx;
    size_t i = 0;
    /* "(X)" with no group or alternative inside matches what X does */
    if (n >= 2 && p[0] == '(' && p[n - 1] == ')' && !memchr(p + 1, '(', n - 2) &&
        !memchr(p + 1, ')', n - 2) && !memchr(p + 1, '|', n - 2) && (n < 3 || p[1] != '?'))
        p++, n -= 2;
    if (!(rx = calloc(1, sizeof *rx)))
        return NULL;
    if (n && p[0] == '^')
        rx->start = true, i++;
    if (n > i && p[n - 1] == '$' && (n < 2 || p[n - 2] != '\\'))
        rx->end = true, n--;
    while (i < n) {
        rx_item *it = &rx->item[rx->n];
        if (rx->n == RX_MAX_ITEMS || !parse_atom(p, n, &i, &it->set) || !parse_count(p, n, &i, it))
            goto no;
        rx->n++;
    }
    if (rx->n == 0 || !deterministic(rx))
        goto no;
    for (size_t k = 0; k < rx->n; k++)
        for (unsigned b = 0; b < 128; b++)
            rx->item[k].ascii[b] = (rx->item[k].set.bits[b >> 6] >> (b & 63)) & 1;
    return rx;
no:
    free(rx);
    return NULL;
}

void cardc__rx_simple_free(rx_simple *rx)
{
    free(rx);
}

/* Whether the code point at s[*i] is in set; moves *i past it. An invalid
 * UTF-8 sequence matches nothing (pcre2's PCRE2_MATCH_INVALID_UTF). */
static inline bool take(const rx_set *set, const unsigned char *s, size_t n, size_t *i)
{
    uint32_t cp;
    size_t l;
    if (s[*i] < 0x80) {
        unsigned c = s[*i];
        if (!((set->bits[c >> 6] >> (c & 63)) & 1))
            return false;
        (*i)++;
        return true;
    }
    if (set->nonascii == NA_NONE || !(l = utf8_decode(s + *i, n - *i, &cp)) ||
        (set->nonascii == NA_DOT && (cp == 0x2028 || cp == 0x2029)))
        return false;
    *i += l;
    return true;
}

/* One set anywhere: a run of at least min (ending at the end with $). */
static int match_one(const rx_simple *rx, const unsigned char *s, size_t n)
{
    const rx_item *it = &rx->item[0];
    uint32_t run = 0;
    size_t i = 0;
    if (it->min == 0)
        return 1;
    while (i < n) {
        if (take(&it->set, s, n, &i)) {
            if (++run >= it->min && !rx->end)
                return 1;
        } else {
            run = 0;
            i++;
            while (i < n && utf8_is_continuation(s[i]))
                i++;
        }
    }
    return run >= it->min;
}

int cardc__rx_simple_match(const rx_simple *rx, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    if (!rx->start)
        return match_one(rx, s, n);
    for (size_t k = 0; k < rx->n; k++) {
        const rx_item *it = &rx->item[k];
        uint32_t count = 0;
        while (count < it->max && i < n) {
            if (s[i] < 0x80) { /* the common case, one table load */
                if (!it->ascii[s[i]])
                    break;
                i++;
            } else if (!take(&it->set, s, n, &i)) {
                break;
            }
            count++;
        }
        if (count < it->min)
            return 0;
    }
    return !rx->end || i == n;
}
