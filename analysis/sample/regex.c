/* SPDX-License-Identifier: MIT */
/* A string matching an ECMA-262 pattern: literals, ".", escapes, classes,
 * groups, alternation and quantifiers. Lookarounds and back-references are
 * reported as the reason no sample is made; the validator has the last word
 * on what comes out either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_internal.h"

#define REPEAT_SPAN 2 /* repetitions beyond a quantifier's minimum */

typedef struct rx {
    gen_ctx *c;
    const char *p, *loc, *pattern;
    char *out;
    size_t n, cap;
    int depth;
    bool bad;
} rx;

static void put(rx *r, const char *s, size_t len)
{
    if (r->n + len + 1 > r->cap) {
        size_t cap = (r->n + len + 1) * 2;
        char *v = realloc(r->out, cap);
        if (!v) {
            r->bad = true;
            return;
        }
        r->out = v;
        r->cap = cap;
    }
    memcpy(r->out + r->n, s, len);
    r->n += len;
    r->out[r->n] = 0;
}

static void put_cp(rx *r, unsigned cp)
{
    char b[4];

    if (cp < 0x80) {
        b[0] = (char)cp;
        put(r, b, 1);
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f));
        put(r, b, 2);
    } else {
        b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        put(r, b, 3);
    }
}

static void unsupported(rx *r, const char *what)
{
    if (!r->bad)
        ctx_fail(r->c, r->loc, "pattern \"%s\" uses %s, which cardc sample cannot satisfy",
                 r->pattern, what);
    r->bad = true;
}

/* One escaped character (after the backslash) as a code point to emit. */
static unsigned escape_cp(rx *r)
{
    char e = *r->p++;

    switch (e) {
    case 'd': return '7';
    case 'D': return 'x';
    case 'w': return 'w';
    case 'W': return '-';
    case 's': return ' ';
    case 'S': return 'S';
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'b':
    case 'B': unsupported(r, "a word boundary"); return 0;
    case 'p':
    case 'P': unsupported(r, "a Unicode property escape (\\p{...})"); return 0;
    case 'u':
    case 'x': {
        size_t len = e == 'u' ? 4 : 2;
        char hex[5] = {0};
        if (strlen(r->p) < len)
            return e;
        memcpy(hex, r->p, len);
        r->p += len;
        return (unsigned)strtoul(hex, NULL, 16);
    }
    default:
        if (e >= '1' && e <= '9')
            unsupported(r, "a back-reference");
        return (unsigned char)e;
    }
}

/* A class member: '[' already consumed. Emits the first range's low end
 * (or, negated, the first of a few candidates outside every range). */
static void char_class(rx *r)
{
    bool neg = *r->p == '^';
    unsigned lo[32], hi[32], first = 'a';
    size_t n = 0;

    r->p += neg;
    while (*r->p && *r->p != ']' && !r->bad) {
        unsigned a = *r->p == '\\' ? (r->p++, escape_cp(r)) : (unsigned char)*r->p++, b = a;
        if (*r->p == '-' && r->p[1] && r->p[1] != ']') {
            r->p++;
            b = *r->p == '\\' ? (r->p++, escape_cp(r)) : (unsigned char)*r->p++;
        }
        if (n < 32)
            lo[n] = a, hi[n] = b, n++;
    }
    if (*r->p != ']') {
        unsupported(r, "an unterminated character class");
        return;
    }
    r->p++;
    if (!neg) {
        first = n ? lo[ctx_rand(r->c) % n] : 'a';
    } else {
        static const unsigned cand[] = {'a', 'Z', '0', ' ', '_', 0xe9};
        first = 0;
        for (size_t k = 0; k < sizeof cand / sizeof cand[0] && !first; k++) {
            bool in = false;
            for (size_t j = 0; j < n; j++)
                in |= cand[k] >= lo[j] && cand[k] <= hi[j];
            if (!in)
                first = cand[k];
        }
        if (!first)
            unsupported(r, "a negated class excluding every candidate character");
    }
    put_cp(r, first);
}

static void alternation(rx *r);

/* Reads a quantifier after an atom; *min and *max (-1: unbounded). */
static void quantifier(rx *r, long *min, long *max)
{
    *min = *max = 1;
    if (*r->p == '*')
        *min = 0, *max = -1, r->p++;
    else if (*r->p == '+')
        *min = 1, *max = -1, r->p++;
    else if (*r->p == '?')
        *min = 0, *max = 1, r->p++;
    else if (*r->p == '{' && r->p[1] >= '0' && r->p[1] <= '9') {
        char *end;
        *min = strtol(r->p + 1, &end, 10);
        *max = *min;
        if (*end == ',')
            *max = end[1] == '}' ? -1 : strtol(end + 1, &end, 10), end += *max == -1;
        if (*end != '}') {
            unsupported(r, "a malformed quantifier");
            return;
        }
        r->p = end + 1;
    }
    if (*r->p == '?')
        r->p++; /* lazy: same language */
}

/* One atom, emitted once; advances past it. */
static void atom(rx *r)
{
    if (*r->p == '(') {
        r->p++;
        if (*r->p == '?' && r->p[1] == ':')
            r->p += 2;
        else if (*r->p == '?')
            unsupported(r, "a lookaround or a named group");
        if (++r->depth > 32)
            unsupported(r, "groups nested too deep");
        alternation(r);
        r->depth--;
        if (*r->p != ')')
            unsupported(r, "an unbalanced group");
        else
            r->p++;
    } else if (*r->p == '[') {
        r->p++;
        char_class(r);
    } else if (*r->p == '\\') {
        r->p++;
        put_cp(r, escape_cp(r));
    } else if (*r->p == '.') {
        r->p++;
        put(r, "a", 1);
    } else {
        put(r, r->p++, 1);
    }
}

/* One atom with its quantifier, emitted min + a few times (each time a
 * fresh choice of branch or character). */
static void piece(rx *r)
{
    const char *start = r->p, *end;
    long min, max, times;
    size_t mark = r->n;

    atom(r);
    end = r->p;
    quantifier(r, &min, &max);
    times = min + (max == min ? 0 : (long)(ctx_rand(r->c) % (REPEAT_SPAN + 1)));
    if (max >= 0 && times > max)
        times = max;
    if (times == 0) {
        r->n = mark;
        if (r->out)
            r->out[mark] = 0;
        return;
    }
    for (long k = 1; k < times && !r->bad; k++) {
        const char *after = r->p;
        r->p = start;
        atom(r);
        if (r->p != end)
            unsupported(r, "a quantified atom read two ways");
        r->p = after;
    }
}

static void sequence(rx *r)
{
    while (*r->p && *r->p != '|' && *r->p != ')' && !r->bad) {
        if (*r->p == '^' || *r->p == '$') {
            r->p++;
            continue;
        }
        piece(r);
    }
}

/* Picks one alternative, skipping the others. */
static void alternation(rx *r)
{
    const char *alts[64];
    size_t n = 0, k;
    int depth = 0;
    const char *q = r->p;

    alts[n++] = q;
    for (; *q && !(depth == 0 && *q == ')'); q++) {
        if (*q == '\\' && q[1])
            q++;
        else if (*q == '[')
            while (q[1] && *++q != ']')
                q += *q == '\\' && q[1];
        else if (*q == '(')
            depth++;
        else if (*q == ')')
            depth--;
        else if (*q == '|' && depth == 0 && n < 64)
            alts[n++] = q + 1;
    }
    k = ctx_choose(r->c, n);
    r->p = alts[k];
    sequence(r);
    r->p = q;
}

char *gen_regex(gen_ctx *c, const char *pattern, const char *loc)
{
    rx r = {.c = c, .p = pattern, .loc = loc, .pattern = pattern};

    put(&r, "", 0);
    alternation(&r);
    if (*r.p && !r.bad)
        unsupported(&r, "an unbalanced ')'");
    if (r.bad) {
        free(r.out);
        if (!c->failed)
            c->failed = true;
        return NULL;
    }
    return r.out;
}
