/* SPDX-License-Identifier: MIT */
/* Private: the evaluation of a compiled schema against a document (doc.h),
 * shared by validate.c (entry points, nodes, dispatch), validate_assert.c
 * (assertions), validate_apply.c (applicators) and validate_report.c
 * (errors, messages, annotations, positions). All state lives in vctx, one
 * per validation. */
#ifndef CARDC_VALIDATE_INTERNAL_H
#define CARDC_VALIDATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/errors_internal.h"
#include "common/stack_guard.h"
#include "common/strbuf.h"
#include "schema/schema_internal.h"

#if defined(__GNUC__)
#define NOINLINE      __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NOINLINE
#define ALWAYS_INLINE inline
#endif

/* Work guard against schemas that branch exponentially without consuming
 * the instance: node evaluations may not exceed EVAL_BASE + EVAL_PER_VALUE *
 * (instance values descended into). */
#define EVAL_BASE      10000000u
#define EVAL_PER_VALUE 1000u

/* Private flag of cardc_validate_options.flags: fill defaults into the
 * json-c tree the document was built from (cardc_validate_apply_defaults). */
#define CARDC__VALIDATE_DEFAULTS (1u << 31)

typedef struct seg {
    const char *s; /* NULL: index */
    size_t n;      /* length of s, or the index */
} seg;

typedef struct pdefault {
    const cardc_dval *obj;
    const char *key;
    struct json_object *value;
} pdefault;

typedef struct act {
    const cnode *node;
    size_t ilevel;
} act;

/* Elements of the stacks inside vctx (the heap takes over beyond). */
#define V_SMALL_IP    32
#define V_SMALL_KP    64
#define V_SMALL_SCOPE 16
#define V_SMALL_ACTS  64
/* oneOf/anyOf instances known to fail (vctx.failed) */
#define V_KNOWN_FAILED 16

typedef struct vctx {
    /* set up by every validation */
    const cardc_schema *s;
    const cardc_doc *doc;
    cardc_result *r;
    cardc_error *err;
    bool rec;       /* errors are recorded (a result, exhaustive mode) */
    bool fast;      /* stop at the first failure */
    bool ann;       /* collect annotations */
    bool defaults;  /* collect defaults */
    bool full;      /* ann, defaults or unevaluated*: nodes take the slow path */
    bool slow;      /* rec or full: no fast programs */
    bool main_only; /* CARDC__VALIDATE_MAIN_ONLY: combinators' units in outline */
    size_t max_errors;
    size_t max_depth;
    uint64_t eval_limit;
    /* The thread's stack: frames below lo or above hi are checked against
     * its real size (stack_check; the window is CARDC_STACK_CHECK wide
     * until the guard's limit is known). */
    stack_guard stack;
    uintptr_t stack_lo, stack_hi;
    /* zero at the start: the stacks' pointers mean nothing while their
     * capacity is 0 */
    cardc_status fatal;
    bool heap; /* some stack or scratch left vctx: ctx_free has work */
    int quiet; /* > 0: inside a subschema whose errors are discarded */
    int mute;  /* > 0: inside "not", whose annotations are discarded too */
    uint64_t evals;
    void *match_data; /* pcre2's, made on the first regex match */
    size_t nip, capip;
    size_t nkp, capkp;
    size_t nscope, capscope;
    size_t nact, capact;
    size_t ndefs, capdefs;
    seg *ip;
    seg *kp;
    const cresource **scope;
    act *acts;
    pdefault *defs;
    /* first slots of the stacks: most validations never touch the heap */
    seg ip_small[V_SMALL_IP];
    seg kp_small[V_SMALL_KP];
    const cresource *scope_small[V_SMALL_SCOPE];
    act acts_small[V_SMALL_ACTS];
    /* The oneOf/anyOf evaluations known to fail: noted by the fast pass
     * before an exhaustive one (and by quiet evaluations in it), so that
     * the exhaustive pass goes straight to recording their branches'
     * errors instead of evaluating them quietly first. Each quiet-then-
     * detailed keyword doubled the work below it: the LLaVA card's image
     * oneOf inside its root oneOf was evaluated three times per rejection.
     * Only while noting (no $dynamicRef, no annotations, defaults or
     * unevaluated*: a keyword's verdict on an instance is then the same
     * wherever it is reached from). */
    bool noting;
    bool refused; /* CARDC__VALIDATE_INVALID: every oneOf/anyOf in detail at once */
    unsigned nfailed;
    struct {
        const void *in, *inst;
    } failed[V_KNOWN_FAILED];
} vctx;

/* Evaluated properties / items of one instance (only with unevaluated*). */
typedef struct evset {
    unsigned char *m;
    size_t n;
} evset;

#define REC(c) ((c)->rec && !(c)->quiet)

/* A message's buffer: cardc__v_record() makes it the unit's, its paths
 * appended, so its first allocation holds them too (with a second block
 * for the unit, the message copied into it and freed, a recorded error of
 * bench_decode invalid-type cost 936 instructions, 776 without). */
#define V_MESSAGE    \
    {                \
        .first = 512 \
    }

/* Notes that instruction in fails on inst (vctx.failed). */
static inline void cardc__v_note_failed(vctx *c, const void *in, const void *inst)
{
    if (c->noting && c->nfailed < V_KNOWN_FAILED) {
        c->failed[c->nfailed].in = in;
        c->failed[c->nfailed].inst = inst;
        c->nfailed++;
    }
}

static inline bool cardc__v_known_failed(const vctx *c, const void *in, const void *inst)
{
    for (unsigned i = 0; i < c->nfailed; i++)
        if (c->failed[i].in == in && c->failed[i].inst == inst)
            return true;
    return false;
}

/* ---- validate.c ---- */
/* A schema node (NODE_SCHEMA); 1 passes, 0 fails, -1 stop. */
int cardc__v_node_schema(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev);
NOINLINE int cardc__v_false_schema(vctx *c, const cnode *n);

/* The fast programs' dispatch, by opcode (validate.c). */
typedef int (*vop)(struct vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t,
                   struct evset *ev);
extern const vop cardc__v_fast_ops[];

/* Any node: true and false are decided without a call. */
static inline int cardc__v_node(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    if (n->kind == NODE_SCHEMA)
        return cardc__v_node_schema(c, n, inst, ev);
    return n->kind == NODE_TRUE ? 1 : cardc__v_false_schema(c, n);
}
/* A subschema on the same instance; its evaluated set joins ev when it passes. */
int cardc__v_inplace(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev);
int cardc__v_via_ref(vctx *c, const cnode *target, const cardc_dval *inst, evset *ev,
                     const char *kw, size_t kwl);
NOINLINE int cardc__v_grow(vctx *c, void **arr, size_t *cap, size_t elem, void *small,
                           size_t nsmall);
int cardc__v_depth_error(vctx *c);

/* ---- validate_report.c ---- */
NOINLINE int cardc__v_fatal(vctx *c, cardc_status code, const char *fmt, ...) CARDC_PRINTF_(3, 4);
int cardc__v_nomem(vctx *c);
/* Records an error of keyword kw (NULL: the schema itself, false) with
 * message msg (ownership of msg->s taken); param: what the error is about
 * ("required": the property). Returns -1 when validation must stop. */
int cardc__v_record(vctx *c, const char *kw, const char *abs, cardc_vcode code, strbuf *msg,
                    const char *param);
int cardc__v_kw_error(vctx *c, const cinstr *in, cardc_vcode code, strbuf *m, const char *param);
NOINLINE int cardc__v_err_fmt(vctx *c, const cinstr *in, cardc_vcode code, const char *param,
                              const char *fmt, ...) CARDC_PRINTF_(5, 6);
/* "PREFIX\"k\"" for a property name. */
NOINLINE int cardc__v_err_key(vctx *c, const cinstr *in, cardc_vcode code, const char *prefix,
                              const char *k, size_t kl);
int cardc__v_bad_utf8(vctx *c, const cinstr *in);
/* Messages: decimal text, JSON of a value (cut after ~40 characters), "got
 * TYPE VALUE", type lists. */
void cardc__v_sb_zu(strbuf *b, uint64_t v);
void cardc__v_dump(strbuf *b, const cardc_doc *d, const cardc_dval *v, size_t limit);
void cardc__v_dump_str(strbuf *b, const char *s, size_t n, size_t limit);
void cardc__v_sb_got(strbuf *b, const cardc_doc *d, const cardc_dval *v);
void cardc__v_sb_types(strbuf *b, uint32_t t);
NOINLINE int cardc__v_errmsg(vctx *c, const cnode *n, size_t e0);
NOINLINE int cardc__v_add_annotation(vctx *c, const char *kw, const char *abs,
                                     struct json_object *value);
int cardc__v_add_annotation_own(vctx *c, const char *kw, const char *abs, struct json_object *copy);
NOINLINE int cardc__v_applicator_annotation(vctx *c, const cinstr *in, const cardc_dval *inst,
                                            uint32_t t);
NOINLINE int cardc__v_annotate(vctx *c, const cnode *n);
/* The pointer where a validation stopped, into err. */
void cardc__v_fatal_pointer(vctx *c);
/* line:column and offset of every error unit of r, from doc's offsets in
 * its text; with main_only, of cardc__result_main_error's alone. */
void cardc__v_positions(cardc_result *r, const cardc_doc *doc, int main_only);

/* ---- validate_assert.c / validate_apply.c: one per opcode family ---- */
int cardc__v_type(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_const(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_enum(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_multiple_of(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_bound(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_length(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_pattern(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_format(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_count(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_unique(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_required(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_dep_required(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_ref(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
/* validate_fast.c */
int cardc__v_ref_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_object(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_all_of_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_any_one_of_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_not_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_if_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_items_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_contains_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_property_names_fast(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
/* First index in [from, to) of an array whose element the type mask
 * rejects, or to. */
size_t cardc__v_quick_run(const cardc_dval *arr, size_t from, size_t to, uint32_t mask);
int cardc__v_all_of(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_any_one_of(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_not(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_if(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_dep_schemas(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_properties(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_pattern_props(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_additional(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_property_names(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_items(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);
int cardc__v_contains(vctx *, const cinstr *, const cardc_dval *, uint32_t, evset *);

/* A regex match of s[0..n); 1, 0, or -1 (limit hit or out of memory:
 * recorded). */
int cardc__v_regex(vctx *c, const cinstr *in, const cardc_regex *re, const char *s, size_t n);

/* ---- paths ---- */

/* Room for one more element in arr (n used of cap). An array starts with
 * capacity 0 (its pointer unset): its first element goes to small (nsmall
 * elements inside vctx, if any), then to the heap. */
#define V_GROWS(c, arr, n, cap, small, nsmall)                                 \
    ((n) < (cap) ? 1                                                           \
     : cardc__v_grow(c, (void **)&(arr), &(cap), sizeof *(arr), small, nsmall) \
         ? 1                                                                   \
         : (cardc__v_nomem(c), 0))
#define V_GROW(c, arr, n, cap) V_GROWS(c, arr, n, cap, NULL, 0)

static ALWAYS_INLINE int seg_push(vctx *c, seg **v, size_t *nv, size_t *cap, seg *small,
                                  size_t nsmall, const char *s, size_t n)
{
    if (!V_GROWS(c, *v, *nv, *cap, small, nsmall))
        return 0;
    (*v)[*nv].s = s;
    (*v)[*nv].n = n;
    (*nv)++;
    return 1;
}

static ALWAYS_INLINE int ipush_key(vctx *c, const char *k, size_t n)
{
    return seg_push(c, &c->ip, &c->nip, &c->capip, c->ip_small, V_SMALL_IP, k, n);
}

static ALWAYS_INLINE int ipush_idx(vctx *c, size_t i)
{
    return seg_push(c, &c->ip, &c->nip, &c->capip, c->ip_small, V_SMALL_IP, NULL, i);
}

static ALWAYS_INLINE int kpush(vctx *c, const char *k, size_t n)
{
    return seg_push(c, &c->kp, &c->nkp, &c->capkp, c->kp_small, V_SMALL_KP, k, n);
}

static ALWAYS_INLINE int kpush_idx(vctx *c, size_t i)
{
    return seg_push(c, &c->kp, &c->nkp, &c->capkp, c->kp_small, V_SMALL_KP, NULL, i);
}

/* ---- descending ---- */

/* Whether a node that only checks the type passes v without entering it. */
static ALWAYS_INLINE bool quick_pass(const vctx *c, const cnode *n, const cardc_dval *v)
{
    return n->quick && !c->ann && (v->types & n->quick);
}

/* A child value against n: in the fast programs a node of plain
 * assertions runs here (cnode.leaf), without a node call. */
static ALWAYS_INLINE int child_node(vctx *c, const cnode *n, const cardc_dval *v)
{
    if (c->slow)
        return cardc__v_node(c, n, v, NULL);
    n = n->fast_target;
    if (n->leaf) {
        if (n->type_mask && !(v->types & n->type_mask))
            return 0;
        for (size_t i = 0; i < n->nfast; i++) {
            int r = cardc__v_fast_ops[n->fast[i]->op](c, n->fast[i], v, v->types, NULL);
            if (r != 1)
                return r;
        }
        return 1;
    }
    return cardc__v_node(c, n, v, NULL);
}

/* Validates member value v (named key) against n. */
static ALWAYS_INLINE int descend_key(vctx *c, const cnode *n, const cardc_dval *v, const char *key,
                                     size_t kl)
{
    int r;
    c->eval_limit += EVAL_PER_VALUE;
    if (quick_pass(c, n, v))
        return 1;
    if (c->nip >= c->max_depth)
        return cardc__v_depth_error(c);
    if (!ipush_key(c, key, kl))
        return -1;
    r = child_node(c, n, v);
    c->nip--;
    return r;
}

/* Validates element i (v) against n. */
static ALWAYS_INLINE int descend_idx(vctx *c, const cnode *n, const cardc_dval *v, size_t i)
{
    int r;
    c->eval_limit += EVAL_PER_VALUE;
    if (quick_pass(c, n, v))
        return 1;
    if (c->nip >= c->max_depth)
        return cardc__v_depth_error(c);
    if (!ipush_idx(c, i))
        return -1;
    r = child_node(c, n, v);
    c->nip--;
    return r;
}

/* Iterating an array's elements (DK_ARRAY or DK_BYTES). */
typedef struct aiter {
    const cardc_dval *next; /* DK_ARRAY: the next element's slot */
    cardc_dval tmp;         /* DK_BYTES: the element */
} aiter;

static ALWAYS_INLINE const cardc_dval *aiter_get(const vctx *c, const cardc_dval *arr, aiter *it,
                                                 size_t i)
{
    if (arr->kind == DK_BYTES) {
        it->tmp.kind = DK_INT;
        it->tmp.types = DT_NUMBER | DT_INTEGER;
        it->tmp.flags = 0;
        it->tmp.off = 0;
        it->tmp.u.i = (unsigned char)c->doc->base[0][arr->u.b.at + i];
        return &it->tmp;
    }
    const cardc_dval *v = it->next;
    it->next = v + cardc__dsize(v);
    return v;
}

static ALWAYS_INLINE void aiter_init(const cardc_dval *arr, aiter *it)
{
    it->next = arr + 1;
}

/* Moves past the first `count` elements (before any aiter_get). */
static inline void aiter_skip(const cardc_dval *arr, aiter *it, size_t count)
{
    if (arr->kind == DK_BYTES)
        return;
    if (arr->flags & DF_SCALARS) {
        it->next = arr + 1 + count;
        return;
    }
    while (count--)
        it->next += cardc__dsize(it->next);
}

/* Members: for (k = obj + 1, m = 0; m < n; m++, k = next_member(k)) with the
 * key in k and the value in k + 1. */
static ALWAYS_INLINE const cardc_dval *next_member(const cardc_dval *k)
{
    return k + 1 + cardc__dsize(k + 1);
}

/* The member named by ckey k, or NULL. */
static ALWAYS_INLINE const cardc_dval *member(const vctx *c, const cardc_dval *obj, const ckey *k)
{
    return cardc__dobject_get(c->doc, obj, k->s, k->len, k->hash);
}

#endif /* CARDC_VALIDATE_INTERNAL_H */
