/* SPDX-License-Identifier: MIT */
/* client_base64.c - base64 for the data URLs of OpenAI-compatible image
 * inputs (the library had none). */
#include "client/client_internal.h"

void cardc__base64_append(strbuf *b, const uint8_t *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o;
    char *d;

    if (len / 3 >= SIZE_MAX / 8) {
        b->oom = 1;
        return;
    }
    if (!strbuf_reserve(b, (len + 2) / 3 * 4))
        return;
    d = b->s + b->len;
    for (i = 0, o = 0; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        d[o++] = alphabet[v >> 18 & 63];
        d[o++] = alphabet[v >> 12 & 63];
        d[o++] = alphabet[v >> 6 & 63];
        d[o++] = alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
        d[o++] = alphabet[v >> 18 & 63];
        d[o++] = alphabet[v >> 12 & 63];
        d[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        d[o++] = '=';
    }
    b->len += o;
    b->s[b->len] = '\0';
}
