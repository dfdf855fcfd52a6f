/* SPDX-License-Identifier: MIT */
/* Peak memory of one operation, from /proc/self/status (Linux). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "memory.h"

/* kB field `name` of /proc/self/status, -1 if unknown. */
static long status_kb(const char *name)
{
    char line[256];
    long kb = -1;
    size_t n = strlen(name);
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, n) == 0 && line[n] == ':')
            kb = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return kb;
}

long bench_peak_extra_bytes(void (*fn)(void *ctx), void *ctx, const char **method)
{
    FILE *f;
    long before, peak;

    *method = "VmHWM - VmRSS, fresh process, after malloc_trim and clear_refs";
#ifdef __GLIBC__
    /* Free heap pages left resident would otherwise be reused by fn without
     * raising the high-water mark. */
    malloc_trim(0);
#endif
    f = fopen("/proc/self/clear_refs", "w");
    if (!f || fputs("5", f) < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    if (fclose(f) != 0)
        return -1;
    before = status_kb("VmRSS");
    fn(ctx);
    peak = status_kb("VmHWM");
    return before < 0 || peak < 0 ? -1 : (peak - before) * 1024L;
}
