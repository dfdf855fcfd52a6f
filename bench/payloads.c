/* SPDX-License-Identifier: MIT */
/* The six benchmark payloads of ../shared/notes/peer-figures.md, generated
 * deterministically so every run (and every peer) measures the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payloads.h"

struct buf {
    char *data;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p) {
            fprintf(stderr, "bench: out of memory\n");
            exit(2);
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* xorshift32: fixed seed, so the bytes never change between runs. */
static unsigned next_byte(unsigned *state)
{
    unsigned x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x & 0xff;
}

static void byte_array(struct buf *b, size_t count, unsigned seed)
{
    char num[8];
    puts_(b, "[");
    for (size_t i = 0; i < count; i++) {
        int n = snprintf(num, sizeof num, i ? ",%u" : "%u", next_byte(&seed));
        put(b, num, (size_t)n);
    }
    puts_(b, "]");
}

static void text(struct buf *b, size_t chars, unsigned seed)
{
    static const char words[] = "the quick brown fox jumps over a lazy dog while cameras watch ";
    puts_(b, "\"");
    for (size_t i = 0; i < chars; i++) {
        char c = words[(i + seed) % (sizeof words - 1)];
        put(b, &c, 1);
    }
    puts_(b, "\"");
}

static char *small(void)
{
    struct buf b = {0};
    puts_(&b, "{\"prompt\":\"Describe this image\",\"image\":");
    byte_array(&b, 64, 1);
    puts_(&b, ",\"max_tokens\":128}");
    return b.data;
}

static void messages(struct buf *b, size_t count, size_t chars)
{
    puts_(b, "[");
    for (size_t i = 0; i < count; i++) {
        puts_(b, i ? ",{\"role\":" : "{\"role\":");
        puts_(b, i % 2 ? "\"assistant\"" : "\"user\"");
        puts_(b, ",\"content\":");
        text(b, chars, (unsigned)i);
        puts_(b, "}");
    }
    puts_(b, "]");
}

static char *chat(void)
{
    struct buf b = {0};
    puts_(&b, "{\"messages\":");
    messages(&b, 50, 200);
    puts_(&b, ",\"image\":");
    byte_array(&b, 1024, 2);
    puts_(&b, "}");
    return b.data;
}

static char *image_1mb(void)
{
    struct buf b = {0};
    puts_(&b, "{\"prompt\":\"caption\",\"image\":");
    byte_array(&b, 1048576, 3);
    puts_(&b, "}");
    return b.data;
}

static char *invalid_both(void)
{
    struct buf b = {0};
    puts_(&b, "{\"prompt\":\"Describe this image\",\"messages\":");
    messages(&b, 2, 40);
    puts_(&b, ",\"image\":");
    byte_array(&b, 64, 4);
    puts_(&b, "}");
    return b.data;
}

static char *invalid_long(void)
{
    struct buf b = {0};
    puts_(&b, "{\"messages\":[{\"role\":\"user\",\"content\":");
    text(&b, 7000, 5);
    puts_(&b, "}],\"image\":");
    byte_array(&b, 64, 5);
    puts_(&b, "}");
    return b.data;
}

static char *invalid_type(void)
{
    struct buf b = {0};
    puts_(
        &b,
        "{\"prompt\":\"Describe this image\",\"image\":{\"url\":\"https://example.com/cat.png\"}}");
    return b.data;
}

void bench_payloads_make(struct bench_payload out[BENCH_PAYLOAD_COUNT])
{
    static const struct {
        const char *name;
        char *(*make)(void);
        int valid;
    } table[BENCH_PAYLOAD_COUNT] = {
        {"small", small, 1},
        {"chat", chat, 1},
        {"image-1mb", image_1mb, 1},
        {"invalid-both", invalid_both, 0},
        {"invalid-long", invalid_long, 0},
        {"invalid-type", invalid_type, 0},
    };
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++) {
        out[i].name = table[i].name;
        out[i].text = table[i].make();
        out[i].len = strlen(out[i].text);
        out[i].valid = table[i].valid;
    }
}

void bench_payloads_free(struct bench_payload p[BENCH_PAYLOAD_COUNT])
{
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++)
        free(p[i].text);
}
