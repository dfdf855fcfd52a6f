/* SPDX-License-Identifier: MIT */
/* Private: the one strict JSON parser and pointer locator, by byte offset.
 * The public cardc_json_parse/cardc_json_locate wrap these with line and
 * column (textpos.h); the card loader calls them directly because it maps
 * offsets into schema text embedded in YAML itself. */
#ifndef CARDC_JSON_INTERNAL_H
#define CARDC_JSON_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cardc/error.h"
#include "cardc/pull.h"

struct json_object;

/* Checks payloads do not need and cards do: JSON allows both, but a card is
 * written by hand and loaded once, so anything json-c would store silently
 * changed is refused there. */
enum {
    /* {"a": 1, "a": 2}: json-c keeps the last value without a word. */
    CARDC__JSON_UNIQUE_KEYS = 1 << 0,
    /* Lone surrogate escapes (become U+FFFD), "\u0000" in a key (cut there:
     * json-c keys are C strings), numbers json-c saturates (integers beyond
     * 64 bits) or turns into infinity (1e999). */
    CARDC__JSON_EXACT = 1 << 1
};

/* Parses text[0..len) as exactly one JSON value (surrounding whitespace
 * allowed) with at most max_depth (>= 1) nested arrays/objects, strictly
 * per RFC 8259, plus the CARDC__JSON_* checks in `flags`.
 * On success returns CARDC_OK and *out is a new reference (NULL for JSON
 * null). On failure returns CARDC_E_JSON, CARDC_E_UTF8, CARDC_E_LIMIT or
 * CARDC_E_NOMEM, *out is NULL, *err_offset (if non-NULL) is the byte offset
 * of the first problem in the text and msg (msgsize bytes, may be NULL)
 * says what it is, without position ("unexpected character ','"). */
cardc_status cardc__json_parse(const char *text, size_t len, int max_depth, unsigned flags,
                               struct json_object **out, size_t *err_offset, char *msg,
                               size_t msgsize);

/* cardc_json_parse with CARDC__JSON_* flags, without the error contract's
 * entry/exit (err is filled, not reset): source:line:column and the message
 * of the first problem. The validation document's parser reports its errors
 * through it, so both parsers say the same thing about bad text. */
cardc_status cardc__json_parse_report(const char *text, size_t len, const char *source,
                                      int max_depth, unsigned flags, struct json_object **out,
                                      cardc_error *err);

/* Byte offset in text[0..len) of the value at JSON Pointer `pointer`
 * ("" = root). Returns 1 when found; 0 otherwise, with the offset of the
 * nearest existing ancestor stored. Tolerates malformed text (never reads
 * past len); duplicate keys resolve to the last, as in json-c's tree. */
int cardc__json_locate(const char *text, size_t len, const char *pointer, size_t *offset);

/* Decodes the string content unit at t[*i] (a plain byte or an escape, the
 * text before the closing quote) into utf8[0..return value) and moves *i
 * past it. Lone surrogates decode as U+FFFD, as json-c stores them. Returns
 * 0 for a malformed escape. Shared by the key checks and the locator so a
 * key means the same to both. */
size_t cardc__json_string_unit(const unsigned char *t, size_t n, size_t *i, unsigned char utf8[4]);

/* Appends value as JSON text to b, as cardc_json_dump writes it (an
 * allocation failure sets b->oom). json-c's own printer is never used for
 * a tree: it returns a truncated text when its buffer cannot grow. */
struct strbuf;
void cardc__json_dump_to(struct strbuf *b, const struct json_object *value, int pretty);

/* json_object_object_add(obj, key, val) that leaks nothing when it fails:
 * json-c 0.16 copies the key, then grows its table, and loses the copy
 * when growing fails, so the table is grown first. Returns 0, or -1 out of
 * memory (val is still the caller's then, as with json-c). */
int cardc__json_set(struct json_object *obj, const char *key, struct json_object *val);

/* cardc_pull_bytes, starting in buf (malloc'd, cap bytes; NULL, 0: none),
 * which it then owns: it grows it, frees it, or gives it back as *data.
 * The first buffer it would allocate itself has
 * cardc__pull_bytes_first_size(p) bytes. */
struct cardc_pull;
int cardc__pull_bytes_into(struct cardc_pull *p, uint8_t *buf, size_t cap, uint8_t **data,
                           size_t *count);
size_t cardc__pull_bytes_first_size(const struct cardc_pull *p);

/* cardc_pull_save inline, for the decoder, which saves a mark before
 * every member value (a call each was 112 of bench_decode small's 4,871
 * instructions). keys is only set with CARDC_DUPLICATE_KEYS_REJECT. */
size_t cardc__pull_keys_held(const struct cardc_pull *p);
static inline void cardc__pull_save(const cardc_pull *p, cardc_pull_mark *mark)
{
    mark->pos = p->pos;
    mark->depth = p->depth;
    mark->state = p->state;
    mark->tok = p->tok;
    mark->tok_offset = p->tok_offset;
    mark->keys = p->keys ? cardc__pull_keys_held(p) : 0;
}

/* Right after cardc_pull_init: the parser decodes strings into buf (cap
 * bytes, the caller's, left alone by cardc_pull_free) until one needs
 * more, then into a heap buffer of its own. For parsers that live for one
 * small document: the scratch's allocation and release were 190 of the
 * 5,364 instructions of bench_decode's "small" decode (callgrind). */
void cardc__pull_lend_scratch(struct cardc_pull *p, char *buf, size_t cap);

/* Right after cardc_pull_init: a string without escapes or non-ASCII bytes
 * is not copied; str points into the text, NOT NUL-terminated: for callers
 * that read str_len bytes only. The decoder's keys and short strings were
 * each copied into the scratch and copied again out of it. */
void cardc__pull_borrow_plain(struct cardc_pull *p);

#endif
