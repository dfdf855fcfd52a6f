/* SPDX-License-Identifier: MIT */
/* Byte offsets to line/column pairs. */
#include "common/textpos.h"
#include "common/utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t cardc__line_break_len(const char *text, size_t len, size_t i, int yaml_breaks)
{
    const unsigned char *s = (const unsigned char *)text;

    if (i >= len)
        return 0;
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r')
        return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
    if (!yaml_breaks)
        return 0;
    if (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0x85)
        return 2;
    if (s[i] == 0xE2 && i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
        return 3;
    return 0;
}

/* Set bits of a 16-bit mask. __builtin_popcount is a libgcc call where the
 * build does not assume the POPCNT instruction: 63 of the 251 instructions
 * of placing a rejection 40 bytes in (bench_decode invalid-type). */
static inline int popcount16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (int)((x + (x >> 8)) & 0x1Fu);
}

void cardc__text_position(const char *text, size_t len, size_t offset, int yaml_breaks, int *line,
                          int *column)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int l = 1, c = 1;

    if (offset > len)
        offset = len;
    while (i < offset) {
#ifdef __SSE2__
        /* 16 bytes with no '\n' or '\r' (nor, for YAML, a lead byte of its
         * other breaks) add their code points at once, the last block
         * masked at offset (never read past len): a byte at a time was 665
         * of a decoder's rejection's 15,741 instructions for the 40 bytes
         * before its error (bench_decode invalid-type). */
        if (len - i >= 16) {
            unsigned take = offset - i >= 16 ? 0xFFFFu : (1u << (offset - i)) - 1u;
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i brk = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                       _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
            if (yaml_breaks)
                brk = _mm_or_si128(brk, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xC2)),
                                                     _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE2))));
            if (!((unsigned)_mm_movemask_epi8(brk) & take)) {
                /* continuation bytes 0x80-0xBF are the signed bytes below -64 */
                unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(-64)));
                c += popcount16(~cont & take);
                i += offset - i >= 16 ? 16 : offset - i;
                continue;
            }
        }
#endif
        unsigned char ch = s[i];
        /* only these bytes can start a break: the rest take no call (a
         * call per byte was 5% of a decoder's rejection, bench_decode
         * invalid-type) */
        size_t br = ch == '\n' || ch == '\r' || (yaml_breaks && (ch == 0xC2 || ch == 0xE2))
                        ? cardc__line_break_len(text, len, i, yaml_breaks)
                        : 0;

        if (br) {
            /* An offset inside a CR LF pair still belongs to the first line. */
            if (i + br > offset) {
                c++;
                break;
            }
            i += br;
            l++;
            c = 1;
            continue;
        }
        /* Continuation bytes do not start a code point. */
        if (!utf8_is_continuation(ch))
            c++;
        i++;
    }
    if (line)
        *line = l;
    if (column)
        *column = c;
}
