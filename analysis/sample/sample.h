/* SPDX-License-Identifier: MIT */
/* sample.h - cardc sample: deterministic payloads from a JSON Schema.
 *
 * Valid samples are built from the schema (every applicator expanded, one
 * branch chosen per oneOf/anyOf) and kept only when the compiled schema
 * accepts them; invalid ones are a valid sample with one keyword broken,
 * kept only when the validator rejects them at that keyword and nowhere
 * else. A schema no sample can be made for yields a reason, never a wrong
 * sample. Output is a pure function of (schema, seed, index).
 */
#ifndef CARDC_SAMPLE_H
#define CARDC_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "cardc/cardc.h"

struct json_object;

typedef struct sample_gen sample_gen;

/* Ownership: borrows document (the uncompiled schema, "$ref"s are resolved
 * inside it) and compiled (its verdicts); both must outlive *out, which is
 * the caller's (sample_gen_free). */
cardc_status sample_gen_new(const struct json_object *document, const cardc_schema *compiled,
                            uint64_t seed, sample_gen **out, cardc_error *err);
void sample_gen_free(sample_gen *g);
/* Makes the samples of subschema `start` (a node of the document) instead
 * of the whole document; compiled must then be that subschema's validator
 * (cardc diff compiles {"$ref": URI#pointer} over a registry holding the
 * document). Borrows start. */
void sample_gen_start(sample_gen *g, const struct json_object *start);

/* Valid sample number index. Ownership: *out is a new json-c reference.
 * CARDC_E_SCHEMA when none could be made, err->message saying why and
 * err->pointer the schema location. */
cardc_status sample_valid(sample_gen *g, unsigned index, struct json_object **out,
                          cardc_error *err);

/* What an invalid sample breaks: the keyword's evaluation path (as the
 * validator's keywordLocation) and the instance location. Heap strings,
 * freed by sample_label_free. */
typedef struct sample_label {
    char *keyword_location;
    char *instance_location;
} sample_label;
void sample_label_free(sample_label *label);

/* Invalid sample number index, breaking exactly one keyword (*label). */
cardc_status sample_invalid(sample_gen *g, unsigned index, struct json_object **out,
                            sample_label *label, cardc_error *err);

#endif /* CARDC_SAMPLE_H */
