/* SPDX-License-Identifier: MIT */
/* cardc/error.h - status codes and the error record every cardc call fills.
 *
 * Conventions (whole library):
 *   - Functions that can fail return a cardc_status; CARDC_OK (0) is success.
 *   - They take a trailing `cardc_error *err`, which may be NULL. The record
 *     is reset on entry (the caller need not clear it; a reused record never
 *     keeps an earlier call's error) and filled on every non-OK return,
 *     CARDC_E_INVALID included: err->code equals the returned status, and the
 *     message is the first error (within one call the first error wins),
 *     with its JSON Pointer and source position when known. After CARDC_OK
 *     the record is clean. The record is caller-allocated, fixed-size and
 *     never allocates, so it can live on the stack.
 */
#ifndef CARDC_ERROR_H
#define CARDC_ERROR_H

#include <stddef.h>

#include "cardc/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(enumerator, stable name, description). The stable names are part of the
 * API: tools and CI logs may match on them. Append only. */
#define CARDC_STATUS_MAP(X)                                                           \
    X(CARDC_OK, "ok", "success")                                                      \
    X(CARDC_E_INVALID, "invalid", "the instance does not match the schema")           \
    X(CARDC_E_NOMEM, "nomem", "out of memory")                                        \
    X(CARDC_E_IO, "io", "cannot read or write a file")                                \
    X(CARDC_E_USAGE, "usage", "invalid argument")                                     \
    X(CARDC_E_JSON, "json", "malformed JSON")                                         \
    X(CARDC_E_UTF8, "utf8", "invalid UTF-8")                                          \
    X(CARDC_E_YAML, "yaml", "malformed YAML")                                         \
    X(CARDC_E_CARD, "card", "malformed model card")                                   \
    X(CARDC_E_NO_SCHEMA, "no-schema", "the card has no schema for this side")         \
    X(CARDC_E_SCHEMA, "schema", "invalid JSON Schema")                                \
    X(CARDC_E_REF, "ref", "unresolvable $ref")                                        \
    X(CARDC_E_REGEX, "regex", "invalid regular expression")                           \
    X(CARDC_E_LIMIT, "limit", "a configured limit was exceeded")                      \
    X(CARDC_E_UNSUPPORTED, "unsupported", "unsupported feature")                      \
    X(CARDC_E_CONFIG, "config", "missing or invalid client configuration")            \
    X(CARDC_E_NETWORK, "network", "cannot reach the server")                          \
    X(CARDC_E_TIMEOUT, "timeout", "the server did not answer in time")                \
    X(CARDC_E_AUTH, "auth", "authentication or permission refused (401/403)")         \
    X(CARDC_E_RATE_LIMIT, "rate-limit", "too many requests or out of capacity (429)") \
    X(CARDC_E_QUOTA, "quota", "account quota used up (429, code 3036)")               \
    X(CARDC_E_TOO_LARGE, "too-large", "request or response too large")                \
    X(CARDC_E_UNKNOWN_MODEL, "unknown-model", "the server does not know the model")   \
    X(CARDC_E_BACKEND, "backend", "the server reported an error")

typedef enum cardc_status {
#define CARDC_X_(e, n, d) e,
    CARDC_STATUS_MAP(CARDC_X_)
#undef CARDC_X_
        CARDC_STATUS_COUNT_
} cardc_status;

/* Sizes of the fixed buffers. Longer texts are truncated with "..." kept at
 * the end that matters (the start of a path is dropped, not its tail). */
#define CARDC_ERROR_SOURCE_MAX  256
#define CARDC_ERROR_POINTER_MAX 256
#define CARDC_ERROR_MESSAGE_MAX 512

typedef struct cardc_error {
    cardc_status code;
    /* File name, or "<string>"/"<stdin>" for in-memory input; "" if none. */
    char source[CARDC_ERROR_SOURCE_MAX];
    /* 1-based position inside `source`; 0 when unknown. Columns count
     * Unicode code points, offsets count bytes. */
    int line;
    int column;
    size_t offset;
    /* JSON Pointer (RFC 6901) of the offending value in the document being
     * processed (card, schema or payload); "" when not applicable. */
    char pointer[CARDC_ERROR_POINTER_MAX];
    /* One English sentence, no trailing newline. */
    char message[CARDC_ERROR_MESSAGE_MAX];
} cardc_error;

/* Resets every field (code = CARDC_OK, strings empty). NULL is accepted. */
CARDC_API void cardc_error_clear(cardc_error *err);

/* Stable short name of a status ("json", "ref", ...); "unknown" if out of
 * range. Returns a static string: never free it. */
CARDC_API const char *cardc_status_name(cardc_status status);

/* One-line description of a status. Returns a static string. */
CARDC_API const char *cardc_status_string(cardc_status status);

/* Formats `err` as "source:line:column: pointer: message" (parts that are
 * empty or zero are left out) into buf (always NUL-terminated when size > 0).
 * Returns the length the full text needs, like snprintf. */
CARDC_API int cardc_error_format(const cardc_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* CARDC_ERROR_H */
