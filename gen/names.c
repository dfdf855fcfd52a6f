/* SPDX-License-Identifier: MIT */
/* Identifier mangling: any card text -> valid, deterministic C names. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static size_t name_hash(const char *name)
{
    size_t h = 14695981039346656037u & SIZE_MAX; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * (size_t)1099511628211u;
    return h;
}

bool gen_names_has(const gen_names *s, const char *name)
{
    if (!s->nslots)
        return false;
    for (size_t i = name_hash(name) & (s->nslots - 1); s->slots[i]; i = (i + 1) & (s->nslots - 1))
        if (strcmp(s->v[s->slots[i] - 1], name) == 0)
            return true;
    return false;
}

static void slot_put(size_t *slots, size_t nslots, const char *name, size_t index)
{
    size_t i = name_hash(name) & (nslots - 1);
    while (slots[i])
        i = (i + 1) & (nslots - 1);
    slots[i] = index + 1;
}

/* The index at most half full, so probes stay short. */
static int grow_slots(gen_names *s)
{
    size_t nn = s->nslots ? s->nslots * 2 : 128;
    size_t *slots = calloc(nn, sizeof *slots);

    if (!slots)
        return -1;
    for (size_t k = 0; k < s->n; k++)
        slot_put(slots, nn, s->v[k], k);
    free(s->slots);
    s->slots = slots;
    s->nslots = nn;
    return 0;
}

int gen_names_add(gen_names *s, const char *name)
{
    char *copy;

    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, nc * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = nc;
    }
    if ((s->n + 1) * 2 > s->nslots && grow_slots(s) != 0)
        return -1;
    copy = strdup(name);
    if (!copy)
        return -1;
    slot_put(s->slots, s->nslots, copy, s->n);
    s->v[s->n++] = copy;
    return 0;
}

void gen_names_free(gen_names *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* Decodes one UTF-8 sequence; invalid bytes count as themselves (one byte,
 * code point = the byte value + 0xDC00, as Python's surrogateescape), so
 * every input maps to some stable name. */
static unsigned long next_cp(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    int n = c >= 0xF5 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
    unsigned long cp = n == 3 ? c & 0x07u : n == 2 ? c & 0x0Fu : c & 0x1Fu;

    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (n == 0 || *i + (size_t)n >= len) {
        (*i)++;
        return 0xDC00u + c;
    }
    for (int k = 1; k <= n; k++) {
        unsigned char d = s[*i + (size_t)k];
        if ((d & 0xC0) != 0x80) {
            (*i)++;
            return 0xDC00u + c;
        }
        cp = (cp << 6) | (d & 0x3Fu);
    }
    *i += (size_t)n + 1;
    return cp;
}

static char *mangle(const char *text, size_t len, int upper, int camel)
{
    const unsigned char *s = (const unsigned char *)text;
    strbuf b = {0};
    size_t i = 0;
    int sep = 0; /* a '_' is pending */
    int prev_lower = 0;

    while (i < len) {
        unsigned long cp = next_cp(s, len, &i);
        if (cp < 0x80 && isalnum((int)cp)) {
            int is_upper = isupper((int)cp);
            if (camel && is_upper && prev_lower)
                sep = 1;
            if (sep && b.len)
                strbuf_add(&b, "_", 1);
            sep = 0;
            char c = (char)(upper ? toupper((int)cp) : tolower((int)cp));
            strbuf_add(&b, &c, 1);
            prev_lower = islower((int)cp) || isdigit((int)cp);
        } else if (cp >= 0x80) {
            if (b.len)
                strbuf_add(&b, "_", 1);
            strbuf_printf(&b, upper ? "U%04lX" : "u%04lx", cp);
            sep = 1;
            prev_lower = 0;
        } else {
            sep = 1;
            prev_lower = 0;
        }
    }
    if (!b.s && !b.oom)
        return strdup("");
    return cardc__strbuf_take(&b);
}

char *gen_snake(const char *text, size_t len)
{
    return mangle(text, len, 0, 1);
}

char *gen_upper(const char *text, size_t len)
{
    return mangle(text, len, 1, 1);
}

bool gen_is_keyword(const char *name)
{
    static const char *const words[] = {
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "register",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "_Alignas",
        "_Alignof",
        "_Atomic",
        "_Bool",
        "_Complex",
        "_Generic",
        "_Imaginary",
        "_Noreturn",
        "_Static_assert",
        "_Thread_local",
        /* macros from the headers generated code includes */
        "bool",
        "true",
        "false",
        "NULL",
        "offsetof",
        "alignas",
        "alignof",
        "noreturn",
        "static_assert",
        "complex",
        "imaginary",
        "errno",
        "assert",
        /* C++ keywords, since the header is usable from C++ */
        "class",
        "delete",
        "new",
        "namespace",
        "private",
        "protected",
        "public",
        "template",
        "this",
        "throw",
        "try",
        "catch",
        "operator",
        "virtual",
        "friend",
        "mutable",
        "explicit",
        "export",
        "typename",
        "using",
        "nullptr",
        "decltype",
        "constexpr",
        "noexcept",
        "and",
        "or",
        "not",
        "xor",
        "bitand",
        "bitor",
        "compl",
        "and_eq",
        "or_eq",
        "xor_eq",
        "not_eq",
        "char16_t",
        "char32_t",
        "wchar_t",
        "thread_local",
        "dynamic_cast",
        "static_cast",
        "const_cast",
        "reinterpret_cast",
        "typeid",
        "asm",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i], name) == 0)
            return true;
    return false;
}

char *gen_model_c_name(const char *model_name)
{
    const char *seg = strrchr(model_name, '/');
    char *s, *out;

    seg = seg ? seg + 1 : model_name;
    if (!*seg)
        seg = model_name;
    /* No camelCase split for model names: "MeloTTS" stays one word. */
    s = mangle(seg, strlen(seg), 0, 0);
    if (!s)
        return NULL;
    if (!*s) {
        free(s);
        return strdup("model");
    }
    if (isdigit((unsigned char)s[0]) || gen_is_keyword(s)) {
        out = malloc(strlen(s) + 3);
        if (out)
            sprintf(out, "m_%s", s);
        free(s);
        return out;
    }
    return s;
}
