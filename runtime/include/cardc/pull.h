/* SPDX-License-Identifier: MIT */
/* cardc/pull.h - a small pull parser over JSON text.
 *
 * The generated decoders read payload text with it directly, guided by the
 * schema, instead of building a json-c tree (json-c needs ~65 ms and 85 MB
 * for a 3.7 MB array of a million numbers). Strict RFC 8259: it accepts every
 * y_ case of JSONTestSuite and rejects every n_ case; invalid UTF-8 in strings
 * is an error.
 *
 *     cardc_pull p;
 *     cardc_pull_init(&p, text, len, 0);
 *     while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END) { ... }
 *     if (tok == CARDC_TOK_ERROR) ... p.error, p.error_offset ...
 *     cardc_pull_free(&p);
 *
 * The parser allocates only a scratch buffer for strings (every key and
 * string is decoded into it, so str is NUL-terminated; it grows to the
 * longest string and is reused) and container stacks deeper than 64 levels;
 * refusing duplicate keys (cardc_pull_init_ex) adds the keys of the objects
 * open at the moment. It never recurses. Error messages and offsets are
 * cardc_json_parse's.
 */
#ifndef CARDC_PULL_H
#define CARDC_PULL_H

#include <stddef.h>
#include <stdint.h>

#include "cardc/export.h"
#include "cardc/error.h"
#include "cardc/json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cardc_token {
    CARDC_TOK_ERROR = -1, /* see error/error_offset/message */
    CARDC_TOK_END = 0,    /* the single top-level value is complete */
    CARDC_TOK_OBJECT_BEGIN,
    CARDC_TOK_OBJECT_END,
    CARDC_TOK_ARRAY_BEGIN,
    CARDC_TOK_ARRAY_END,
    CARDC_TOK_KEY,    /* str/str_len hold the decoded key */
    CARDC_TOK_STRING, /* str/str_len hold the decoded string */
    CARDC_TOK_NUMBER, /* see num_* */
    CARDC_TOK_TRUE,
    CARDC_TOK_FALSE,
    CARDC_TOK_NULL
} cardc_token;

#define CARDC_PULL_INLINE_DEPTH 64

/* Parser state, on the caller's stack: cardc_pull_init needs no allocation.
 * Read the members of the first group after cardc_pull_next() returns the
 * matching token; never write any. The second group is the parser's own
 * state: not API (its meaning may change in any release), but, as the
 * struct's size and every member's offset, part of the ABI: a change to the
 * layout bumps libcardc's soversion (runtime/meson.build). */
typedef struct cardc_pull {
    /* ---- Output --------------------------------------------------------- */
    cardc_token tok;   /* last token */
    size_t tok_offset; /* byte offset where the last token starts */
    int depth;         /* current container depth */

    const char *str; /* KEY/STRING: decoded UTF-8, NUL-terminated; valid until
                        the next call on the parser. A lone surrogate escape
                        decodes as U+FFFD, as cardc_json_parse stores it */
    size_t str_len;  /* bytes, may include NUL characters */

    const char *num_text; /* NUMBER: the literal in the input */
    size_t num_len;
    int num_is_int;    /* integer literal (no fraction/exponent) that fits int64 */
    int64_t num_int;   /* value when num_is_int */
    double num_double; /* value as a double (always set, correctly rounded;
                          +-inf beyond the double range: 1e400) */

    cardc_status error;  /* ERROR: CARDC_E_JSON, CARDC_E_UTF8, CARDC_E_LIMIT, CARDC_E_NOMEM */
    size_t error_offset; /* ERROR: byte offset of the problem */
    char message[128];   /* ERROR: what is wrong ("unexpected character ','") */

    /* ---- Private (layout is ABI, contents are not API) ----------------- */
    const char *text; /* borrowed input */
    size_t len;
    size_t pos; /* next byte to read */
    int max_depth;
    unsigned state;       /* what may come next */
    unsigned char *stack; /* container kinds by depth */
    unsigned char inline_stack[CARDC_PULL_INLINE_DEPTH];
    int stack_cap; /* entries stack has room for */
    char *scratch; /* decoded strings with escapes */
    size_t scratch_cap;
    cardc_duplicate_keys duplicate_keys; /* from cardc_pull_init_ex */
    struct cardc_pull_keys *keys;        /* keys of the open objects (REJECT) */
} cardc_pull;

/* Starts parsing text[0..len). max_depth <= 0 means
 * CARDC_JSON_DEFAULT_MAX_DEPTH; at most CARDC_JSON_MAX_DEPTH_CEILING
 * applies, as in cardc_json_parse. Borrows text until cardc_pull_free. */
CARDC_API void cardc_pull_init(cardc_pull *p, const char *text, size_t len, int max_depth);

/* The same with options (NULL: the defaults): with
 * CARDC_DUPLICATE_KEYS_REJECT a key its object already has is an error
 * (CARDC_E_JSON, at the key, worded as cardc_json_parse_ex words it). */
CARDC_API void cardc_pull_init_ex(cardc_pull *p, const char *text, size_t len,
                                  const cardc_json_options *opts);

/* Releases what the parser allocated. The parser may be re-initialised. */
CARDC_API void cardc_pull_free(cardc_pull *p);

/* Reads the next token. After CARDC_TOK_END or CARDC_TOK_ERROR it keeps
 * returning the same token. CARDC_TOK_END is returned only when the rest of
 * the input is whitespace. */
CARDC_API cardc_token cardc_pull_next(cardc_pull *p);

/* Skips the value whose first token was just returned (for OBJECT_BEGIN or
 * ARRAY_BEGIN: up to and including the matching end; after KEY: that
 * member's whole value). Returns 0, or -1 on a syntax error (then
 * p->tok == CARDC_TOK_ERROR). */
CARDC_API int cardc_pull_skip(cardc_pull *p);

/* Reads an array of integers 0..255 into a byte buffer, after ARRAY_BEGIN
 * was returned: the fast path for images and audio. On success returns 1,
 * having consumed the ARRAY_END; *data (heap, caller frees with free(); NULL
 * for []) and *count are set. Returns 0 with the parser back just after the
 * '[' (the next token is the first element) when an element is not an
 * integer literal in 0..255, or the text ends inside the array: the caller
 * decodes the general way, which reports any error further on. Returns -1
 * (p->tok == CARDC_TOK_ERROR) on a memory error or a syntax error where the
 * fast loop stopped ("[1,]", "[01]"). */
CARDC_API int cardc_pull_bytes(cardc_pull *p, uint8_t **data, size_t *count);

/* A saved position, for trying a oneOf/anyOf branch and backtracking.
 * Valid only while the parser has not returned above the depth it was taken
 * at. */
typedef struct cardc_pull_mark {
    size_t pos;
    int depth;
    unsigned state;
    cardc_token tok;
    size_t tok_offset;
    size_t keys; /* keys held for duplicate checks */
} cardc_pull_mark;

CARDC_API void cardc_pull_save(const cardc_pull *p, cardc_pull_mark *mark);
/* Returns the parser to `mark`, also out of an error met since (a branch
 * that fails on bad text is backtracked like any other). The last token's
 * str/num fields are not restored: re-read them by restoring to a mark
 * taken before the token and calling cardc_pull_next() again. */
CARDC_API void cardc_pull_restore(cardc_pull *p, const cardc_pull_mark *mark);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_PULL_H */
