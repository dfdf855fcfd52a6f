/* SPDX-License-Identifier: MIT */
/* Pull parser benchmark on the payloads of bench/payloads.c.
 *
 * Prints the median time of: a full token walk of image-1mb (3.7 MB, a
 * million numbers), the same document read with cardc_pull_bytes for the
 * array, and json-c's tree parse of it (json_tokener_parse) for reference;
 * then the token walk's throughput on the chat payload in MB/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/pull.h"
#include "payloads.h"
#include "timing.h"

/* Each returns a checksum (so nothing is optimised away), -1 on failure. */
typedef long (*bench_fn)(const struct bench_payload *);

static long token_walk(const struct bench_payload *pl)
{
    cardc_pull p;
    cardc_token tok;
    long sum = 0;

    cardc_pull_init(&p, pl->text, pl->len, 0);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
        sum += tok == CARDC_TOK_NUMBER ? (long)p.num_int : (long)p.str_len;
    cardc_pull_free(&p);
    return tok == CARDC_TOK_END ? sum : -1;
}

/* The way a generated decoder reads {"prompt": "...", "image": [bytes]}. */
static long bytes_walk(const struct bench_payload *pl)
{
    cardc_pull p;
    cardc_token tok;
    long sum = 0;

    cardc_pull_init(&p, pl->text, pl->len, 0);
    while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END) {
        if (tok == CARDC_TOK_ARRAY_BEGIN) {
            uint8_t *data;
            size_t count;
            if (cardc_pull_bytes(&p, &data, &count) != 1) {
                tok = CARDC_TOK_ERROR;
                break;
            }
            sum += (long)count + (count ? data[count - 1] : 0);
            free(data);
        }
    }
    cardc_pull_free(&p);
    return tok == CARDC_TOK_END ? sum : -1;
}

static long jsonc_parse(const struct bench_payload *pl)
{
    struct json_object *o = json_tokener_parse(pl->text);
    long r = o ? 1 : -1;
    json_object_put(o);
    return r;
}

struct timed {
    bench_fn fn;
    const struct bench_payload *payload;
};

static int timed_call(void *ctx)
{
    const struct timed *t = ctx;
    return t->fn(t->payload) >= 0;
}

static double median_seconds(bench_fn fn, const struct bench_payload *pl)
{
    struct timed t = {fn, pl};
    return bench_median_seconds(timed_call, &t);
}
static const struct bench_payload *find(const struct bench_payload *all, const char *name)
{
    for (int i = 0; i < BENCH_PAYLOAD_COUNT; i++)
        if (strcmp(all[i].name, name) == 0)
            return &all[i];
    return NULL;
}

int main(void)
{
    struct bench_payload all[BENCH_PAYLOAD_COUNT];
    const struct bench_payload *image, *chat;
    double walk, bytes, jc, chat_walk;
    int rc = 0;

    bench_payloads_make(all);
    image = find(all, "image-1mb");
    chat = find(all, "chat");
    if (!image || !chat) {
        fprintf(stderr, "bench_pull: payloads missing\n");
        bench_payloads_free(all);
        return 1;
    }
    walk = median_seconds(token_walk, image);
    bytes = median_seconds(bytes_walk, image);
    jc = median_seconds(jsonc_parse, image);
    chat_walk = median_seconds(token_walk, chat);
    if (walk < 0 || bytes < 0 || jc < 0 || chat_walk < 0) {
        fprintf(stderr, "bench_pull: a payload failed to parse\n");
        rc = 1;
    } else {
        printf("image-1mb (%.2f MB): token walk %.2f ms, cardc_pull_bytes %.2f ms, "
               "json-c parse %.2f ms\n",
               (double)image->len / 1e6, walk * 1e3, bytes * 1e3, jc * 1e3);
        printf("chat (%.1f KB): token walk %.3f ms, %.0f MB/s\n", (double)chat->len / 1e3,
               chat_walk * 1e3, (double)chat->len / 1e6 / chat_walk);
    }
    bench_payloads_free(all);
    return rc;
}
