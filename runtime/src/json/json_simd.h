/* SPDX-License-Identifier: MIT */
/* json_simd.h: the scans both parsers share (private), the validation
 * document's (doc_parse.c) and the pull parser's (pull.c, which the
 * generated decoders read with): the plain run of a string, and the
 * elements of a byte array, 16 text bytes at a time.
 *
 * Header-only: these are the inner loops of long strings and images.
 * Without SSE2 the string scan goes a byte at a time and the byte-array
 * scan reads nothing (the callers' element-at-a-time loops do the work). */
#ifndef CARDC_JSON_SIMD_H
#define CARDC_JSON_SIMD_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* AVX2 where the compiler can target it: chosen at run time (or always,
 * in a build for AVX2 machines). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define JSIMD_AVX2 1
#if defined(__AVX2__)
#define JSIMD_HAVE_AVX2() 1
#else
#define JSIMD_HAVE_AVX2() __builtin_cpu_supports("avx2")
#endif
#endif

/* First position at or after i of a byte that ends the plain part of a
 * string: '"', '\\', a control character or a non-ASCII byte (which the
 * callers check as UTF-8). */
static inline size_t jsimd_scan_plain(const unsigned char *t, size_t n, size_t i)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        /* signed: bytes >= 0x80 are negative, so "< 0x20" catches them too */
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                         _mm_cmplt_epi8(x, space));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && t[i] >= 0x20 && t[i] < 0x80 && t[i] != '"' && t[i] != '\\')
        i++;
    return i;
}

/* Byte-array elements 16 text bytes at a time with SSE2: where the commas
 * are comes from one comparison, and every element's value from three
 * shifted copies of the digits (value = last + 10 * middle + 100 * first,
 * the first only when the middle is a digit too), so no element waits for
 * the previous one. A loop that found each element's end before reading
 * the next took twice the time of a plain digit-scanning loop on image-1mb,
 * and per-element arithmetic three times these instructions.
 *
 * The sum is taken in bytes: 10 * middle is at most 90, and 100 * first is
 * exact for a first digit of 0-2, the only ones a byte can hold; a value
 * above 255 (first digit above 2, or 2 and the rest above 55) is told by
 * comparisons, not by the sum. _mm_mullo_epi16 multiplies byte pairs: an
 * exact low byte never carries into its neighbour, and a first digit above
 * 2 only at a 3-digit element's end, whose neighbour is its comma. Widened
 * to 16-bit lanes, the blocks of the "small" seed payload's 64 bytes took
 * 2,224 instructions; in bytes 1,994 (callgrind), most of it now the
 * element-by-element stores below.
 *
 * Stores every element that ends with a comma inside a block of digits and
 * commas and returns where the first other one starts (the last, one after
 * spaces, a bad number), for the caller's element-at-a-time loop. t[i] must
 * be an element's first byte. */
static inline size_t jsimd_byte_run_sse2(const unsigned char *t, size_t n, size_t i,
                                         unsigned char *o, size_t *w, size_t wmax)
{
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), below = _mm_set1_epi8('0' - 1),
                  above = _mm_set1_epi8('9' + 1), zero = _mm_set1_epi8('0'),
                  ten = _mm_set1_epi16(10), hundred = _mm_set1_epi16(100), two = _mm_set1_epi8(2),
                  fifty_five = _mm_set1_epi8(55);
    size_t k = *w;
    while (i + 16 <= n && k + 16 <= wmax) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(x, below), _mm_cmplt_epi8(x, above));
        __m128i d0 = _mm_and_si128(_mm_sub_epi8(x, zero), dig), d1, d2, rest, over;
        unsigned cm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, comma));
        unsigned dm = (unsigned)_mm_movemask_epi8(dig);
        unsigned zm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, zero));
        unsigned range, starts, last, ends;
        unsigned char val[16];
        if ((dm | cm) != 0xFFFF) /* only the elements before the first other byte */
            cm &= (1u << __builtin_ctz(~(dm | cm))) - 1;
        if (!cm)
            break;
        /* the block's checks on its masks, up to the last comma: four
         * digits in a row, an element without digits, a leading zero */
        last = 31u - (unsigned)__builtin_clz(cm);
        range = (2u << last) - 1;
        dm &= range;
        starts = ((cm << 1) | 1) & range;
        if ((dm & (dm >> 1) & (dm >> 2) & (dm >> 3)) | (cm & starts) | (zm & starts & (dm >> 1)))
            break;                  /* byte_step() reads it again and says why */
        d1 = _mm_slli_si128(d0, 1); /* the digit before */
        /* and the one before that, at a digit that ends three */
        d2 = _mm_and_si128(_mm_and_si128(_mm_slli_si128(d0, 2), _mm_slli_si128(dig, 1)), dig);
        rest = _mm_add_epi8(d0, _mm_mullo_epi16(d1, ten));
        over =
            _mm_or_si128(_mm_cmpgt_epi8(d2, two),
                         _mm_and_si128(_mm_cmpeq_epi8(d2, two), _mm_cmpgt_epi8(rest, fifty_five)));
        ends = cm >> 1; /* each element's value sits at its last digit */
        if ((unsigned)_mm_movemask_epi8(over) & ends)
            break;
        _mm_storeu_si128((__m128i *)(void *)val, _mm_add_epi8(rest, _mm_mullo_epi16(d2, hundred)));
        for (; ends; ends &= ends - 1)
            o[k++] = val[__builtin_ctz(ends)];
        *w = k;
        i += last + 1;
    }
#else
    (void)t, (void)n, (void)o, (void)w, (void)wmax;
#endif
    return i;
}

#if defined(JSIMD_AVX2)
/* json_simd.c: entry m, the positions of m's set bits, one per byte. */
extern const uint64_t cardc__jsimd_pick[256];

/* The same 32 bytes at a time (jsimd_byte_run_sse2's comment): half the blocks,
 * each with the instructions of one 16-byte block, but the shifts cross the
 * two 128-bit lanes, and the values are packed with a table-driven
 * shuffle (SSSE3's, which every AVX2 machine has) instead of one store per
 * element. The "small" seed payload's 64 bytes (callgrind): 1,994
 * instructions in 16-byte blocks, 1,199 in 32-byte ones storing an element
 * at a time, 869 packed. Needs 48 bytes of room in o (the packing writes 8
 * bytes at a time past the elements it keeps). */
__attribute__((target("avx2,popcnt"))) static inline size_t
jsimd_byte_run_avx2(const unsigned char *t, size_t n, size_t i, unsigned char *o, size_t *w,
                    size_t wmax)
{
    const __m256i comma = _mm256_set1_epi8(','), below = _mm256_set1_epi8('0' - 1),
                  above = _mm256_set1_epi8('9' + 1), zero = _mm256_set1_epi8('0'),
                  ten = _mm256_set1_epi16(10), hundred = _mm256_set1_epi16(100),
                  two = _mm256_set1_epi8(2), fifty_five = _mm256_set1_epi8(55);
    size_t k = *w;
    while (i + 32 <= n && k + 48 <= wmax) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(t + i));
        __m256i dig = _mm256_and_si256(_mm256_cmpgt_epi8(x, below), _mm256_cmpgt_epi8(above, x));
        __m256i d0 = _mm256_and_si256(_mm256_sub_epi8(x, zero), dig), d1, d2, lo0, lodig, rest,
                over;
        uint64_t cm = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, comma));
        uint64_t dm = (uint32_t)_mm256_movemask_epi8(dig);
        uint64_t zm = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, zero));
        uint64_t range, starts, ends;
        unsigned last;
        __m256i v;
        if ((dm | cm) != 0xFFFFFFFFu) /* only the elements before the first other byte */
            cm &= ((uint64_t)1 << __builtin_ctzll(~(dm | cm))) - 1;
        if (!cm)
            break;
        last = 63u - (unsigned)__builtin_clzll(cm);
        range = ((uint64_t)2 << last) - 1;
        dm &= range;
        starts = ((cm << 1) | 1) & range;
        if ((dm & (dm >> 1) & (dm >> 2) & (dm >> 3)) | (cm & starts) | (zm & starts & (dm >> 1)))
            break;
        /* a byte shift across the lanes: the low lane moved up into the high */
        lo0 = _mm256_permute2x128_si256(d0, d0, 0x08);
        lodig = _mm256_permute2x128_si256(dig, dig, 0x08);
        d1 = _mm256_alignr_epi8(d0, lo0, 15);
        d2 = _mm256_and_si256(
            _mm256_and_si256(_mm256_alignr_epi8(d0, lo0, 14), _mm256_alignr_epi8(dig, lodig, 15)),
            dig);
        rest = _mm256_add_epi8(d0, _mm256_mullo_epi16(d1, ten));
        over = _mm256_or_si256(
            _mm256_cmpgt_epi8(d2, two),
            _mm256_and_si256(_mm256_cmpeq_epi8(d2, two), _mm256_cmpgt_epi8(rest, fifty_five)));
        ends = cm >> 1;
        if ((uint32_t)_mm256_movemask_epi8(over) & ends)
            break;
        v = _mm256_add_epi8(rest, _mm256_mullo_epi16(d2, hundred));
        /* the values at the ends packed 8 positions at a time: a shuffle
         * from the table, 8 bytes stored, as many kept as the bits say */
        for (unsigned q = 0; q < 4; q++) {
            unsigned m = (unsigned)(ends >> (8 * q)) & 0xFF;
            __m128i half = q < 2 ? _mm256_castsi256_si128(v) : _mm256_extracti128_si256(v, 1);
            __m128i pick = _mm_cvtsi64_si128(
                (long long)(cardc__jsimd_pick[m] + (q & 1 ? 0x0808080808080808u : 0)));
            _mm_storel_epi64((__m128i *)(void *)(o + k), _mm_shuffle_epi8(half, pick));
            k += (size_t)__builtin_popcount(m);
        }
        *w = k;
        i += last + 1;
    }
    return i;
}
#endif

/* The 32-byte blocks where the machine has AVX2, then 16-byte ones (a
 * block the wider one stopped at may still hold whole elements). */
static inline size_t jsimd_byte_run(const unsigned char *t, size_t n, size_t i, unsigned char *o,
                                    size_t *w, size_t wmax)
{
#if defined(JSIMD_AVX2)
    if (JSIMD_HAVE_AVX2())
        i = jsimd_byte_run_avx2(t, n, i, o, w, wmax);
#endif
    return jsimd_byte_run_sse2(t, n, i, o, w, wmax);
}

#endif
