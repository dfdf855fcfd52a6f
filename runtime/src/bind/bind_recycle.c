/* SPDX-License-Identifier: MIT */
/* Binding engine: the blocks of the value a decode replaces, handed to the
 * new value instead of back to malloc.
 *
 * Decoding into a value that holds one (a service decoding request after
 * request into one struct) used to free every string and array of the old
 * value and allocate the new one's: for the "chat" seed payload (50
 * messages, 100 strings) malloc and free were 20% of the decode's 178,000
 * instructions (callgrind), most of it glibc sorting the freed 200-byte
 * blocks, too many for its per-thread cache. A block is kept on a list per
 * power of two of its usable size, threaded through the blocks themselves,
 * so keeping one costs no memory; what the new value does not take is freed
 * when the decode ends. Blocks above 64 KB (an image) go back at once: a
 * large block must not stay tied to a smaller value. Where the C library
 * cannot say a block's usable size, every block goes back at once. */
#include <stdlib.h> /* first: it says whether this is glibc */
#if defined(__GLIBC__)
#include <malloc.h>
#define HAVE_USABLE_SIZE 1
#endif

#include "bind/bind_internal.h"

/* While kept, a block holds its successor and its usable size. */
typedef struct kept {
    struct kept *next;
    size_t usable;
} kept;

#define KEEP_MAX ((size_t)64 << 10)

static unsigned size_class(size_t n)
{
    return (unsigned)(sizeof(unsigned long long) * 8 - 1) -
           (unsigned)__builtin_clzll((unsigned long long)n);
}

void cardc__bind_recycle_put(bind_recycle *r, void *block)
{
#ifdef HAVE_USABLE_SIZE
    size_t usable;
    kept *k = block;

    if (!block)
        return;
    usable = malloc_usable_size(block);
    if (usable >= sizeof(kept) && usable <= KEEP_MAX) {
        unsigned c = size_class(usable);
        k->next = r->head[c];
        k->usable = usable;
        r->head[c] = k;
        r->used |= 1u << c;
        return;
    }
#else
    (void)r;
#endif
    free(block);
}

void *cardc__bind_recycle_take(bind_recycle *r, size_t n, size_t *usable)
{
    /* a block of n's class may be too small; the next class's all fit. Two
     * classes up at most: a 5-byte string may take a 24-byte block, a
     * 100-byte one never a 1 KB block */
    if (n && n <= KEEP_MAX && r->used) {
        unsigned c = size_class(n);
        for (unsigned i = c; i <= c + 2 && i < BIND_RECYCLE_CLASSES; i++) {
            kept *k = r->head[i];
            if (k && k->usable >= n) {
                r->head[i] = k->next;
                if (!k->next)
                    r->used &= ~(1u << i);
                *usable = k->usable;
                return k;
            }
        }
    }
    *usable = 0;
    return NULL;
}

void *cardc__bind_recycle_get(bind_recycle *r, size_t n)
{
    size_t usable;
    void *block = cardc__bind_recycle_take(r, n, &usable);
    return block ? block : malloc(n ? n : 1);
}

void cardc__bind_recycle_drain(bind_recycle *r)
{
    while (r->used) {
        unsigned i = (unsigned)__builtin_ctz(r->used);
        while (r->head[i]) {
            kept *k = r->head[i];
            r->head[i] = k->next;
            free(k);
        }
        r->used &= r->used - 1;
    }
}
