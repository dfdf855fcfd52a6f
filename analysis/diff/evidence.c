/* SPDX-License-Identifier: MIT */
/* evidence.c: where the keywords do not tell which way a change goes (a
 * oneOf appears, a "not" changes), samples do: values made from one
 * version's subschema (cardc sample's generator, each checked by that
 * version's validator) are validated against the other version's. A value
 * the old one accepts and the new one refuses shows the change narrows; the
 * reverse, that it widens. Either value is printed as the evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"
#include "sample.h"

/* Samples drawn from each version: every oneOf/anyOf branch and enum value
 * comes up within the first few dozen (see analysis/sample). */
#define SAMPLES 48

/* The pointer as a URI fragment: every byte outside RFC 3986's pchar set
 * percent-encoded. */
static void fragment(strbuf *b, const char *ptr)
{
    static const char ok[] = "-._~!$&'()*+,;=:@/";

    for (const unsigned char *p = (const unsigned char *)ptr; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(ok, *p))
            strbuf_add(b, (const char *)p, 1);
        else
            strbuf_printf(b, "%%%02X", *p);
    }
}

/* The validator of the subschema at ptr of version `which` (current side):
 * {"$ref": URN#ptr} over the registry holding the side. NULL when the side
 * does not compile. */
static cardc_schema *compile_at(diff_run *run, int which, const char *ptr)
{
    const diff_side *s = &run->v[which].sides[run->side];
    json_object *wrapper;
    cardc_schema_options so;
    cardc_schema *out = NULL;
    strbuf uri = {0};

    if (!s->indexed)
        return NULL;
    strbuf_str(&uri, s->urn);
    strbuf_str(&uri, "#");
    fragment(&uri, ptr);
    wrapper = json_object_new_object();
    if (!uri.oom && wrapper &&
        json_object_object_add(wrapper, "$ref", json_object_new_string(uri.s)) == 0) {
        cardc_schema_options_init(&so);
        so.dialect = run->req->dialect;
        so.registry = s->registry;
        if (cardc_schema_compile(wrapper, &so, &out, NULL) != CARDC_OK)
            out = NULL;
    }
    json_object_put(wrapper);
    cardc__strbuf_free(&uri);
    return out;
}

static size_t size_of(const json_object *v)
{
    char *text = cardc_json_dump(v, 0);
    size_t n = text ? strlen(text) : (size_t)-1;

    free(text);
    return n;
}

/* A value made from version `from` at ptr that `against` refuses: true
 * with *value (NULL is JSON null) when some of the samples are; the
 * smallest of them, the easiest to read. */
static bool refused(diff_run *run, int from, const char *ptr, const cardc_schema *own,
                    const cardc_schema *against, json_object **value)
{
    const diff_side *s = &run->v[from].sides[run->side];
    const json_object *start = ref_walk_pointer(s->doc, ptr);
    sample_gen *g = NULL;
    cardc_result *r = NULL;
    size_t best = (size_t)-1;
    bool found = false;
    cardc_error err;

    if (!start || sample_gen_new(s->doc, own, 0, &g, &err) != CARDC_OK ||
        cardc_result_new(&r, NULL) != CARDC_OK) {
        sample_gen_free(g);
        return false;
    }
    sample_gen_start(g, start);
    for (unsigned i = 0; i < SAMPLES; i++) {
        json_object *v = NULL;
        cardc_validate_options o;
        size_t n;
        if (sample_valid(g, i, &v, &err) != CARDC_OK)
            break; /* none can be made: no (more) evidence from this side */
        cardc_validate_options_init(&o);
        o.flags = CARDC_VALIDATE_FAST;
        if (cardc_validate(against, v, &o, r, NULL) == CARDC_E_INVALID && (n = size_of(v)) < best) {
            if (found)
                json_object_put(*value);
            *value = v;
            best = n;
            found = true;
        } else {
            json_object_put(v);
        }
    }
    cardc_result_free(r);
    sample_gen_free(g);
    return found;
}

diff_effect diff_evidence(diff_run *run, const char *po, const char *pn, json_object **witness)
{
    cardc_schema *vo = compile_at(run, 0, po), *vn = compile_at(run, 1, pn);
    json_object *narrow = NULL, *widen = NULL;
    bool narrows = false, widens = false;

    *witness = NULL;
    if (vo && vn) {
        narrows = refused(run, 0, po, vo, vn, &narrow);
        widens = refused(run, 1, pn, vn, vo, &widen);
    }
    cardc_schema_free(vo);
    cardc_schema_free(vn);
    if (narrows) {
        *witness = narrow;
        json_object_put(widen);
        return widens ? DIFF_EFFECT_BOTH : DIFF_EFFECT_NARROWS;
    }
    *witness = widen;
    return widens ? DIFF_EFFECT_WIDENS : DIFF_EFFECT_NONE;
}
