/* SPDX-License-Identifier: MIT */
/* Keeping a secret out of messages the commands print. */
#include <string.h>

#include "cli.h"

void cli_redact(char *msg, size_t size, const char *secret)
{
    static const char mark[] = "[redacted]";
    size_t slen, mlen = sizeof mark - 1;
    char *p;

    /* A very short "secret" would blank ordinary words; the client already
     * keeps the token out, this is a second line of defence. */
    if (!msg || !secret || (slen = strlen(secret)) < 4)
        return;
    /* Searching on after each mark: the mark may itself contain the secret. */
    for (p = strstr(msg, secret); p; p = strstr(p, secret)) {
        size_t tail = strlen(p + slen);
        size_t room = size - (size_t)(p - msg) - 1;
        size_t keep_mark = mlen < room ? mlen : room;
        size_t keep_tail = tail < room - keep_mark ? tail : room - keep_mark;

        memmove(p + keep_mark, p + slen, keep_tail);
        memcpy(p, mark, keep_mark);
        p[keep_mark + keep_tail] = '\0';
        p += keep_mark;
    }
}
