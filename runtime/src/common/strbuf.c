/* SPDX-License-Identifier: MIT */
/* strbuf.c: the out-of-line (cold) part of strbuf.h: handing over and freeing. */
#include "common/strbuf.h"

char *cardc__strbuf_take(strbuf *b)
{
    char *s = b->s;

    if (b->oom) {
        free(s);
        s = NULL;
    }
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}

void cardc__strbuf_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
