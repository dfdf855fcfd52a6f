/* utf8.c: whole-string UTF-8 validation and code point counting (utf8.h). */
#include <string.h>

#include "utf8.h"

/* Hand-unrolled rather than a utf8_decode loop: minLength/maxLength count
 * every instance string, and ASCII is tested eight bytes at a time. */
int cardc__utf8_count(const unsigned char *s, size_t n, size_t *cps)
{
    size_t i = 0, k = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            /* ASCII runs eight bytes at a time */
            while (i + 8 <= n) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080u)
                    break;
                i += 8;
                k += 8;
            }
            if (i >= n)
                break;
            if (s[i] >= 0x80)
                continue;
            i++;
        } else if (b >= 0xC2 && b <= 0xDF) {
            if (i + 1 >= n || (s[i + 1] & 0xC0) != 0x80)
                return 0;
            i += 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            if (i + 2 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
                return 0;
            if (b == 0xE0 && s[i + 1] < 0xA0)
                return 0;
            if (b == 0xED && s[i + 1] > 0x9F)
                return 0;
            i += 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            if (i + 3 >= n || (s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80 ||
                (s[i + 3] & 0xC0) != 0x80)
                return 0;
            if (b == 0xF0 && s[i + 1] < 0x90)
                return 0;
            if (b == 0xF4 && s[i + 1] > 0x8F)
                return 0;
            i += 4;
        } else {
            return 0;
        }
        k++;
    }
    if (cps)
        *cps = k;
    return 1;
}
