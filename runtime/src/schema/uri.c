/* SPDX-License-Identifier: MIT */
/* RFC 3986 reference resolution. Only what JSON Schema identifiers need:
 * no IDN, no percent-encoding normalisation beyond the fragment. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "schema/uri.h"
#include "common/utf8.h"

typedef struct {
    const char *s;
    size_t n;
    int present;
} part;

typedef struct {
    part scheme, authority, path, query, fragment;
} uri_parts;

static void parse(const char *u, uri_parts *p)
{
    const char *s = u, *e;

    memset(p, 0, sizeof *p);
    /* scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    if (isalpha((unsigned char)*s)) {
        e = s + 1;
        while (isalnum((unsigned char)*e) || *e == '+' || *e == '-' || *e == '.')
            e++;
        if (*e == ':') {
            p->scheme.s = s;
            p->scheme.n = (size_t)(e - s);
            p->scheme.present = 1;
            s = e + 1;
        }
    }
    if (s[0] == '/' && s[1] == '/') {
        s += 2;
        e = s;
        while (*e && *e != '/' && *e != '?' && *e != '#')
            e++;
        p->authority.s = s;
        p->authority.n = (size_t)(e - s);
        p->authority.present = 1;
        s = e;
    }
    e = s;
    while (*e && *e != '?' && *e != '#')
        e++;
    p->path.s = s;
    p->path.n = (size_t)(e - s);
    p->path.present = 1;
    s = e;
    if (*s == '?') {
        s++;
        e = s;
        while (*e && *e != '#')
            e++;
        p->query.s = s;
        p->query.n = (size_t)(e - s);
        p->query.present = 1;
        s = e;
    }
    if (*s == '#') {
        s++;
        p->fragment.s = s;
        p->fragment.n = strlen(s);
        p->fragment.present = 1;
    }
}

/* remove_dot_segments (RFC 3986 5.2.4) on in[0..n) into out; returns length. */
static size_t remove_dots(const char *in, size_t n, char *out)
{
    size_t i = 0, o = 0;

    while (i < n) {
        const char *r = in + i;
        size_t left = n - i;
        if (left >= 3 && !strncmp(r, "../", 3)) {
            i += 3;
        } else if (left >= 2 && !strncmp(r, "./", 2)) {
            i += 2;
        } else if (left >= 3 && !strncmp(r, "/./", 3)) {
            i += 2;
        } else if (left == 2 && !strncmp(r, "/.", 2)) {
            out[o++] = '/';
            i = n;
        } else if (left >= 4 && !strncmp(r, "/../", 4)) {
            i += 3;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (left == 3 && !strncmp(r, "/..", 3)) {
            i += 3;
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            out[o++] = '/';
        } else if ((left == 1 && r[0] == '.') || (left == 2 && !strncmp(r, "..", 2))) {
            i = n;
        } else {
            size_t j = (r[0] == '/') ? 1 : 0;
            while (j < left && r[j] != '/')
                j++;
            memcpy(out + o, r, j);
            o += j;
            i += j;
        }
    }
    return o;
}

static void put(char **w, const char *s, size_t n)
{
    memcpy(*w, s, n);
    *w += n;
}

char *cardc__uri_resolve(const char *base, const char *ref)
{
    uri_parts b, r, t;
    size_t cap;
    char *merged = NULL, *out, *w, *dots;
    size_t dn;

    if (!base)
        base = "";
    parse(base, &b);
    parse(ref, &r);
    memset(&t, 0, sizeof t);
    if (r.scheme.present) {
        t = r;
    } else {
        t.scheme = b.scheme;
        if (r.authority.present) {
            t.authority = r.authority;
            t.path = r.path;
            t.query = r.query;
        } else {
            t.authority = b.authority;
            if (r.path.n == 0) {
                t.path = b.path;
                t.query = r.query.present ? r.query : b.query;
            } else {
                t.query = r.query;
                if (r.path.s[0] == '/') {
                    t.path = r.path;
                } else {
                    /* merge (5.2.3) */
                    size_t keep = 0, k;
                    merged = malloc(b.path.n + r.path.n + 2);
                    if (!merged)
                        return NULL;
                    if (b.authority.present && b.path.n == 0) {
                        merged[0] = '/';
                        keep = 1;
                    } else {
                        for (k = b.path.n; k > 0; k--)
                            if (b.path.s[k - 1] == '/')
                                break;
                        keep = k;
                        memcpy(merged, b.path.s, keep);
                    }
                    memcpy(merged + keep, r.path.s, r.path.n);
                    t.path.s = merged;
                    t.path.n = keep + r.path.n;
                    t.path.present = 1;
                }
            }
        }
        t.fragment = r.fragment;
    }
    cap = t.scheme.n + t.authority.n + t.path.n + t.query.n + t.fragment.n + 8;
    out = malloc(cap);
    dots = malloc(t.path.n + 2);
    if (!out || !dots) {
        free(out);
        free(dots);
        free(merged);
        return NULL;
    }
    /* Dot segments only mean something in hierarchical paths. */
    if (t.scheme.present || t.authority.present || (t.path.n && t.path.s[0] == '/'))
        dn = remove_dots(t.path.s, t.path.n, dots);
    else {
        memcpy(dots, t.path.s, t.path.n);
        dn = t.path.n;
    }
    w = out;
    if (t.scheme.present) {
        size_t i;
        for (i = 0; i < t.scheme.n; i++)
            *w++ = (char)tolower((unsigned char)t.scheme.s[i]);
        *w++ = ':';
    }
    if (t.authority.present) {
        size_t i;
        *w++ = '/';
        *w++ = '/';
        for (i = 0; i < t.authority.n; i++)
            *w++ = (char)tolower((unsigned char)t.authority.s[i]);
    }
    put(&w, dots, dn);
    if (t.query.present) {
        *w++ = '?';
        put(&w, t.query.s, t.query.n);
    }
    if (t.fragment.present && t.fragment.n > 0) {
        *w++ = '#';
        put(&w, t.fragment.s, t.fragment.n);
    }
    *w = '\0';
    free(dots);
    free(merged);
    return out;
}

size_t cardc__uri_fragment_pos(const char *uri)
{
    const char *h = strchr(uri, '#');
    return h ? (size_t)(h - uri) : strlen(uri);
}

char *cardc__uri_unescape(const char *s, size_t len)
{
    char *out = malloc(len + 1), *w = out;
    size_t i;

    if (!out)
        return NULL;
    for (i = 0; i < len; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < len && (h = hexval((unsigned char)s[i + 1])) >= 0 &&
            (l = hexval((unsigned char)s[i + 2])) >= 0) {
            *w++ = (char)(h * 16 + l);
            i += 2;
        } else {
            *w++ = s[i];
        }
    }
    *w = '\0';
    return out;
}
