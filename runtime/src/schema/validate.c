/* SPDX-License-Identifier: MIT */
/* Evaluating a compiled schema against a document (see schema_internal.h
 * and validate_internal.h): the entry points, a node's evaluation and the
 * dispatch of its instructions. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/json.h"
#include "json/json_internal.h"
#include "schema/validate_internal.h"

/* A cardc_result keeps the buffers of the documents cardc_validate_text
 * parses up to this size (16 KB of slots, 64 KB of bytes), so validating
 * many small payloads allocates nothing; a larger document's are freed. */
#define RESULT_DOC_SLOTS 1024u
#define RESULT_DOC_BYTES 65536u

static const char *const vcode_names[] = {
#define CARDC_X_(e, n) n,
    CARDC_VCODE_MAP(CARDC_X_)
#undef CARDC_X_
};

const char *cardc_vcode_name(cardc_vcode code)
{
    if ((unsigned)code >= CARDC_VCODE_COUNT_)
        return "unknown";
    return vcode_names[code];
}

void cardc_validate_options_init(cardc_validate_options *o)
{
    if (o)
        memset(o, 0, sizeof *o);
}

NOINLINE int cardc__v_grow(vctx *c, void **arr, size_t *cap, size_t elem, void *small,
                           size_t nsmall)
{
    size_t nc = *cap ? *cap * 2 : 32;
    void *v;
    if (!*cap && small) {
        *arr = small;
        *cap = nsmall;
        return 1;
    }
    c->heap = true;
    if (!*cap) {
        v = malloc(nc * elem);
    } else if (small && *arr == small) {
        v = malloc(nc * elem);
        if (v)
            memcpy(v, small, *cap * elem);
    } else {
        v = realloc(*arr, nc * elem);
    }
    if (!v)
        return 0;
    *arr = v;
    *cap = nc;
    return 1;
}

int cardc__v_depth_error(vctx *c)
{
    return cardc__v_fatal(c, CARDC_E_LIMIT, "instance nested deeper than %zu levels", c->max_depth);
}

/* ---- the dispatch ---- */

/* Indexed by cop: one handler per opcode (families share one), in two
 * columns: the recording programs', and the fast programs' (validate_fast.c
 * where the recording version would keep paths or quiet counts for
 * nothing). One row per opcode, so the two cannot drift apart. */
#define VALIDATE_OPS(X)                                                         \
    X(OP_TYPE, cardc__v_type, cardc__v_type)                                    \
    X(OP_CONST, cardc__v_const, cardc__v_const)                                 \
    X(OP_ENUM, cardc__v_enum, cardc__v_enum)                                    \
    X(OP_MULTIPLE_OF, cardc__v_multiple_of, cardc__v_multiple_of)               \
    X(OP_MAXIMUM, cardc__v_bound, cardc__v_bound)                               \
    X(OP_EXCL_MAXIMUM, cardc__v_bound, cardc__v_bound)                          \
    X(OP_MINIMUM, cardc__v_bound, cardc__v_bound)                               \
    X(OP_EXCL_MINIMUM, cardc__v_bound, cardc__v_bound)                          \
    X(OP_MAX_LENGTH, cardc__v_length, cardc__v_length)                          \
    X(OP_MIN_LENGTH, cardc__v_length, cardc__v_length)                          \
    X(OP_PATTERN, cardc__v_pattern, cardc__v_pattern)                           \
    X(OP_FORMAT, cardc__v_format, cardc__v_format)                              \
    X(OP_MAX_ITEMS, cardc__v_count, cardc__v_count)                             \
    X(OP_MIN_ITEMS, cardc__v_count, cardc__v_count)                             \
    X(OP_UNIQUE_ITEMS, cardc__v_unique, cardc__v_unique)                        \
    X(OP_MAX_PROPS, cardc__v_count, cardc__v_count)                             \
    X(OP_MIN_PROPS, cardc__v_count, cardc__v_count)                             \
    X(OP_REQUIRED, cardc__v_required, cardc__v_required)                        \
    X(OP_DEP_REQUIRED, cardc__v_dep_required, cardc__v_dep_required)            \
    X(OP_REF, cardc__v_ref, cardc__v_ref_fast)                                  \
    X(OP_DYNAMIC_REF, cardc__v_ref, cardc__v_ref)                               \
    X(OP_RECURSIVE_REF, cardc__v_ref, cardc__v_ref)                             \
    X(OP_ALL_OF, cardc__v_all_of, cardc__v_all_of_fast)                         \
    X(OP_ANY_OF, cardc__v_any_one_of, cardc__v_any_one_of_fast)                 \
    X(OP_ONE_OF, cardc__v_any_one_of, cardc__v_any_one_of_fast)                 \
    X(OP_NOT, cardc__v_not, cardc__v_not_fast)                                  \
    X(OP_IF, cardc__v_if, cardc__v_if_fast)                                     \
    X(OP_DEP_SCHEMAS, cardc__v_dep_schemas, cardc__v_dep_schemas)               \
    X(OP_PROPERTIES, cardc__v_properties, cardc__v_properties)                  \
    X(OP_PATTERN_PROPS, cardc__v_pattern_props, cardc__v_pattern_props)         \
    X(OP_ADDITIONAL_PROPS, cardc__v_additional, cardc__v_additional)            \
    X(OP_PROPERTY_NAMES, cardc__v_property_names, cardc__v_property_names_fast) \
    X(OP_PREFIX_ITEMS, cardc__v_items, cardc__v_items_fast)                     \
    X(OP_ITEMS, cardc__v_items, cardc__v_items_fast)                            \
    X(OP_CONTAINS, cardc__v_contains, cardc__v_contains_fast)                   \
    X(OP_ANNOTATION, NULL, NULL)                                                \
    X(OP_UNEVAL_ITEMS, cardc__v_items, cardc__v_items)                          \
    X(OP_UNEVAL_PROPS, cardc__v_additional, cardc__v_additional)                \
    X(OP_OBJECT, cardc__v_object, cardc__v_object)

#define RECORDING_OP(op, recording, fast) [op] = recording,
#define FAST_OP(op, recording, fast)      [op] = fast,
static const vop ops[] = {VALIDATE_OPS(RECORDING_OP)};
const vop cardc__v_fast_ops[] = {VALIDATE_OPS(FAST_OP)};
#undef RECORDING_OP
#undef FAST_OP
#undef VALIDATE_OPS

/* ---- nodes ---- */

/* A frame outside [stack_lo, stack_hi]: measured by the stack guard
 * (common/stack_guard.h; the thread's real stack asked once), the window
 * widened to its limit. -1 when exhausted. */
static NOINLINE int stack_check(vctx *c, uintptr_t h)
{
    uintptr_t base = c->stack.base;
    size_t used = (size_t)(h > base ? h - base : base - h);
    if (!cardc__stack_guard_past(&c->stack, used)) {
        c->stack_lo = base > c->stack.limit ? base - c->stack.limit : 0;
        c->stack_hi = base + c->stack.limit;
        return 0;
    }
    return cardc__v_fatal(c, CARDC_E_LIMIT,
                          "schema or instance nested too deeply for the thread's stack "
                          "(instance depth %zu)",
                          c->nip);
}

static NOINLINE int budget_exceeded(vctx *c)
{
    return cardc__v_fatal(c, CARDC_E_LIMIT,
                          "evaluation budget exceeded (%llu schema evaluations): the schema "
                          "branches without consuming the instance",
                          (unsigned long long)c->evals);
}

static void ev_merge(evset *dst, const evset *src)
{
    size_t i;
    if (!dst || !src || !src->m)
        return;
    for (i = 0; i < dst->n && i < src->n; i++)
        dst->m[i] |= src->m[i];
}

static evset *ev_new(size_t n)
{
    evset *e = calloc(1, sizeof *e + (n ? n : 1));
    if (e) {
        e->n = n;
        e->m = (unsigned char *)(e + 1);
    }
    return e;
}

/* The instructions of node n; 1 pass, 0 fail, -1 stop. */
static int run_instructions(vctx *c, const cnode *n, const cardc_dval *inst, evset *mine)
{
    int ok = 1, r;
    uint32_t t = inst->types;
    for (size_t i = 0; i < n->n_core; i++) {
        const cinstr *in = &n->ins[i];
        if (in->op == OP_REF && !mine) {
            /* the common recursive case, without an extra frame */
            r = cardc__v_via_ref(c, in->u.ref.node, inst, NULL, "$ref", 4);
        } else {
            r = ops[in->op](c, in, inst, t, mine);
            if (r == 1 && c->ann && !c->mute && cardc__v_applicator_annotation(c, in, inst, t) < 0)
                r = -1;
        }
        if (r < 0)
            return -1;
        if (r == 0) {
            ok = 0;
            if (c->fast || c->quiet)
                break;
        }
    }
    return ok;
}

/* A node with what the plain path leaves out: evaluated sets, annotations,
 * defaults, errorMessage. */
static NOINLINE int node_full(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    size_t e0 = c->r ? c->r->nerr : 0, a0 = c->r ? c->r->nann : 0, d0 = c->ndefs;
    evset *mine = NULL;
    int ok;

    if (c->s->track && (inst->types & (T_OBJECT | T_ARRAY)) &&
        !(mine = ev_new(cardc__dcount(inst))))
        return cardc__v_nomem(c);
    ok = run_instructions(c, n, inst, mine);
    if (ok == 1 && c->ann && !c->mute && cardc__v_annotate(c, n) < 0)
        ok = -1;
    if (ok == 0) {
        if (c->r && c->ann)
            cardc__result_truncate_annotations(c->r, a0);
        c->ndefs = d0;
        if (n->errmsg && REC(c) && cardc__v_errmsg(c, n, e0) < 0)
            ok = -1;
    } else if (ok == 1 && ev && mine) {
        ev_merge(ev, mine);
    }
    free(mine);
    return ok;
}

/* A fast program of several instructions. */
static NOINLINE int node_fast_all(vctx *c, const cnode *n, const cardc_dval *inst)
{
    const cinstr *const *p = n->fast, *const *end = n->fast + n->nfast;
    uint32_t t = inst->types;
    for (; p < end; p++) {
        int r = cardc__v_fast_ops[(*p)->op](c, *p, inst, t, NULL);
        if (r != 1)
            return r;
    }
    return 1;
}

/* A node's fast program (compile_fast.c): when nothing is recorded, only
 * the verdict matters, so it stops at the first failure. Every way out is
 * a tail call, so the common node (a type and one instruction) keeps no
 * registers of its own. */
static ALWAYS_INLINE int node_fast(vctx *c, const cnode *n, const cardc_dval *inst)
{
    if (n->type_mask && !(inst->types & n->type_mask))
        return 0;
    if (!n->nfast)
        return 1;
    if (n->nfast == 1)
        return cardc__v_fast_ops[n->fast[0]->op](c, n->fast[0], inst, inst->types, NULL);
    return node_fast_all(c, n, inst);
}

/* A node's instructions in order, recording (evaluated sets, annotations,
 * defaults, errorMessage). */
static NOINLINE int node_slow(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    if (c->full || n->errmsg)
        return node_full(c, n, inst, ev);
    return run_instructions(c, n, inst, NULL);
}

/* With $dynamicRef/$recursiveRef about, the resources entered so far
 * (the dynamic scope) are kept on a stack. */
static NOINLINE int node_scoped(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    bool pushed = false;
    int ok;
    if (n->res && (c->nscope == 0 || c->scope[c->nscope - 1] != n->res)) {
        if (!V_GROWS(c, c->scope, c->nscope, c->capscope, c->scope_small, V_SMALL_SCOPE))
            return -1;
        c->scope[c->nscope++] = n->res;
        pushed = true;
    }
    ok = node_slow(c, n, inst, ev);
    if (pushed)
        c->nscope--;
    return ok;
}

/* Anything but the fast program: the dynamic scope, recording, the
 * evaluated sets, annotations, defaults. */
static NOINLINE int node_other(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    size_t k0 = c->nkp;
    int ok;
    if (c->s->dynamic)
        ok = node_scoped(c, n, inst, ev);
    else
        ok = node_slow(c, n, inst, ev);
    c->nkp = k0;
    return ok;
}

/* A fast program entering another resource of a schema with a dynamic
 * scope. */
static NOINLINE int node_fast_scoped(vctx *c, const cnode *n, const cardc_dval *inst)
{
    int ok;
    if (!V_GROWS(c, c->scope, c->nscope, c->capscope, c->scope_small, V_SMALL_SCOPE))
        return -1;
    c->scope[c->nscope++] = n->res;
    ok = node_fast(c, n, inst);
    c->nscope--;
    return ok;
}

/* Which way a node goes (the guards passed). */
static ALWAYS_INLINE int node_dispatch(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    /* The fast programs only where nothing is recorded at all: inside a
     * recording validation even quiet branches keep the instruction order,
     * so a regex limit reached there reports what it always did. Their
     * keyword paths stay balanced, so nothing is restored here. */
    if (c->slow)
        return node_other(c, n, inst, ev);
    if (c->s->dynamic && n->res && (c->nscope == 0 || c->scope[c->nscope - 1] != n->res))
        return node_fast_scoped(c, n, inst);
    return node_fast(c, n, inst);
}

/* A frame outside the stack window: measured, then on. */
static NOINLINE int node_guarded(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev,
                                 uintptr_t h)
{
    if (stack_check(c, h) < 0)
        return -1;
    return node_dispatch(c, n, inst, ev);
}

int cardc__v_node_schema(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    /* The guards: the work budget and the thread's stack. Every way out is
     * a tail call, so the function keeps no registers of its own. */
    uintptr_t h = cardc__stack_here();
    if (++c->evals > c->eval_limit)
        return budget_exceeded(c);
    if (h < c->stack_lo || h > c->stack_hi)
        return node_guarded(c, n, inst, ev, h);
    return node_dispatch(c, n, inst, ev);
}

static NOINLINE int inplace_track(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    evset *sub = ev_new(ev->n);
    int r;
    if (!sub)
        return cardc__v_nomem(c);
    r = cardc__v_node(c, n, inst, sub);
    if (r == 1)
        ev_merge(ev, sub);
    free(sub);
    return r;
}

int cardc__v_inplace(vctx *c, const cnode *n, const cardc_dval *inst, evset *ev)
{
    if (ev && ev->m)
        return inplace_track(c, n, inst, ev);
    return cardc__v_node(c, c->slow ? n : n->fast_target, inst, NULL);
}

/* Cycles need a reference: a node entered through one at the same
 * instance location it is already being evaluated at would never end
 * ({"$ref": "#"}). */
static NOINLINE int ref_loop(vctx *c, const cnode *n)
{
    size_t i;
    for (i = c->nact; i > 0 && c->acts[i - 1].ilevel == c->nip; i--)
        if (c->acts[i - 1].node == n)
            return cardc__v_fatal(c, CARDC_E_LIMIT,
                                  "schema recursion without progress at %s (infinite $ref loop)",
                                  n->abs);
    if (!V_GROWS(c, c->acts, c->nact, c->capact, c->acts_small, V_SMALL_ACTS))
        return -1;
    c->acts[c->nact].node = n;
    c->acts[c->nact].ilevel = c->nip;
    c->nact++;
    return 0;
}

int cardc__v_via_ref(vctx *c, const cnode *target, const cardc_dval *inst, evset *ev,
                     const char *kw, size_t kwl)
{
    int r;
    if (ref_loop(c, target) < 0)
        return -1;
    if (!kpush(c, kw, kwl)) {
        c->nact--;
        return -1;
    }
    r = cardc__v_inplace(c, target, inst, ev);
    c->nkp--;
    c->nact--;
    return r;
}

/* ---- entry points ---- */

static void ctx_init(vctx *c, const cardc_schema *s, const cardc_doc *doc,
                     const cardc_validate_options *opts, cardc_result *result, cardc_error *err,
                     uintptr_t stack_base)
{
    unsigned flags = opts ? opts->flags : 0;
    /* one store each (a memset call cost a third of validating `true`) */
    c->fatal = CARDC_OK;
    c->heap = false;
    c->quiet = c->mute = 0;
    c->evals = 0;
    c->match_data = NULL;
    c->nip = c->nkp = 0;
    c->ip = c->ip_small;
    c->capip = V_SMALL_IP;
    c->kp = c->kp_small;
    c->capkp = V_SMALL_KP;
    c->nscope = c->capscope = c->nact = c->capact = c->ndefs = c->capdefs = 0;
    c->noting = false;
    c->refused = false;
    c->nfailed = 0;
    c->s = s;
    c->doc = doc;
    c->r = result;
    c->err = err;
    /* The modes in locals, stored once: derived from the stored flags, gcc
     * read two and seven of them back in one load, which store forwarding
     * cannot serve (validate-only invalid-both stalled on both). */
    bool fast = (flags & CARDC_VALIDATE_FAST) || !result, rec = !fast;
    bool ann = rec && (flags & CARDC_VALIDATE_ANNOTATIONS);
    bool defaults = (flags & CARDC__VALIDATE_DEFAULTS) && doc->src;
    bool full = ann || defaults || s->track;
    c->fast = fast;
    c->rec = rec;
    c->ann = ann;
    c->defaults = defaults;
    c->full = full;
    c->slow = rec || full;
    c->main_only = (flags & CARDC__VALIDATE_MAIN_ONLY) != 0;
    c->max_errors = 100;
    c->max_depth = CARDC_JSON_DEFAULT_MAX_DEPTH;
    if (opts) {
        if (opts->max_errors)
            c->max_errors = opts->max_errors;
        if (opts->max_depth > 0)
            c->max_depth = (size_t)opts->max_depth;
    }
    c->stack.base = stack_base;
    c->stack.limit = 0;
    c->stack_lo = stack_base > CARDC_STACK_CHECK ? stack_base - CARDC_STACK_CHECK : 0;
    c->stack_hi = stack_base + CARDC_STACK_CHECK;
    c->eval_limit = EVAL_BASE + EVAL_PER_VALUE;
}

static void ctx_free(vctx *c)
{
    if (!c->heap)
        return;
    if (c->capip > V_SMALL_IP)
        free(c->ip);
    if (c->capkp > V_SMALL_KP)
        free(c->kp);
    if (c->capscope > V_SMALL_SCOPE)
        free(c->scope);
    if (c->capact > V_SMALL_ACTS)
        free(c->acts);
    if (c->capdefs)
        free(c->defs);
    cardc_regex_scratch_free(c->match_data);
}

/* Fills the defaults collected by a passing validation into the json-c
 * tree the document was built from. */
static int fill_defaults(vctx *c)
{
    for (size_t i = 0; i < c->ndefs; i++) {
        struct json_object *obj = c->doc->src[c->defs[i].obj - c->doc->v], *copy = NULL;
        if (json_object_object_get_ex(obj, c->defs[i].key, NULL))
            continue;
        if (json_object_deep_copy(c->defs[i].value, &copy, NULL) != 0 && c->defs[i].value)
            return cardc__v_nomem(c);
        if (cardc__json_set(obj, c->defs[i].key, copy) != 0) {
            json_object_put(copy);
            return cardc__v_nomem(c);
        }
    }
    return 1;
}

/* Back to the state of a fresh validation (the stacks keep their memory). */
static void ctx_restart(vctx *c)
{
    c->fatal = CARDC_OK;
    c->quiet = c->mute = 0;
    c->evals = 0;
    c->eval_limit = EVAL_BASE + EVAL_PER_VALUE;
    c->nip = c->nkp = c->nscope = c->nact = c->ndefs = 0;
}

/* A schema with nothing to evaluate (cardc_schema.accept_all): valid, no
 * evaluation set up. */
static cardc_status accept(cardc_result *result)
{
    if (result) {
        if (result->nerr || result->nann || result->truncated)
            cardc__result_clear(result);
        result->valid = true;
    }
    return CARDC_OK;
}

cardc_status cardc__validate_doc(const cardc_schema *s, const cardc_doc *doc,
                                 const cardc_validate_options *opts, cardc_result *result,
                                 cardc_error *err)
{
    vctx c;
    int r = 0;

    if (!s)
        return cardc__error(err, CARDC_E_USAGE, "cardc_validate: schema is NULL");
    if (s->accept_all)
        return accept(result);
    ctx_init(&c, s, doc, opts, result, err, cardc__stack_here());
    if (result && (result->nerr || result->nann || result->truncated))
        cardc__result_clear(result);
    if (c.rec && !c.full && opts && (opts->flags & CARDC__VALIDATE_INVALID)) {
        c.refused = true;
    } else if (c.rec && !c.full) {
        /* Exhaustive, but most instances are valid: a fast pass first,
         * recording nothing; only a failure is evaluated again with its
         * errors (then in the instructions' order). */
        c.rec = false;
        c.fast = true;
        c.slow = false;
        c.err = NULL;
        c.noting = !s->dynamic;
        r = cardc__v_node(&c, s->root, &doc->v[0], NULL);
        if (r != 1) {
            ctx_restart(&c);
            c.rec = true;
            c.fast = false;
            c.slow = true;
            c.err = err;
        }
        c.noting = c.noting && r == 0;
    }
    if (r != 1)
        r = cardc__v_node(&c, s->root, &doc->v[0], NULL);
    if (r == 1 && c.defaults)
        r = fill_defaults(&c);
    ctx_free(&c);
    if (result) {
        result->valid = r == 1;
        if (r != 1)
            cardc__result_truncate_annotations(result, 0);
        if (r == 0 && result->nerr && doc->base[1])
            cardc__v_positions(result, doc, opts && (opts->flags & CARDC__VALIDATE_MAIN_ONLY));
    }
    if (r < 0)
        return c.fatal;
    return r == 1 ? CARDC_OK : CARDC_E_INVALID;
}

/* CARDC_E_INVALID is an error like any other (error.h): the record says
 * what failed first and where. */
static void record_invalid(cardc_error *err, const cardc_result *result)
{
    const cardc_unit *u = result ? cardc_result_error(result, 0) : NULL;
    if (!err || err->code != CARDC_OK)
        return;
    if (!u) {
        cardc__error(err, CARDC_E_INVALID, "the instance does not match the schema");
        return;
    }
    cardc__error(err, CARDC_E_INVALID, "%s", u->message ? u->message : "invalid");
    cardc__error_pointer(err, u->instance_location);
    if (u->line > 0) {
        err->line = u->line;
        err->column = u->column;
    }
}

/* A result keeps a small document's buffers for the next call. */
static void doc_done(cardc_doc *doc, const cardc_doc *local)
{
    if (doc == local || doc->cap > RESULT_DOC_SLOTS || doc->capown > RESULT_DOC_BYTES)
        cardc__doc_release(doc);
}

/* json-c in: the tree is copied into a document (doc.c says why). */
static cardc_status validate_json(const cardc_schema *s, const struct json_object *instance,
                                  const cardc_validate_options *opts, unsigned extra,
                                  cardc_result *result, cardc_error *err)
{
    cardc_validate_options o;
    cardc_doc local, *doc = result ? &result->doc : &local;
    cardc_status st;

    if (!s)
        return cardc__error(err, CARDC_E_USAGE, "cardc_validate: schema is NULL");
    if (s->accept_all) /* nothing to look at: no copy */
        return accept(result);
    cardc_validate_options_init(&o);
    if (opts)
        o = *opts;
    o.flags = (o.flags & ~CARDC__VALIDATE_DEFAULTS) | extra;
    if (!result)
        cardc__doc_init(&local);
    st = cardc__doc_from_json(doc, instance, extra != 0);
    if (st == CARDC_OK)
        st = cardc__validate_doc(s, doc, &o, result, err);
    else
        cardc__error(err, st, st == CARDC_E_NOMEM ? "out of memory" : "instance too large");
    doc_done(doc, &local);
    return st;
}

cardc_status cardc_validate(const cardc_schema *s, const struct json_object *instance,
                            const cardc_validate_options *opts, cardc_result *result,
                            cardc_error *err)
{
    cardc_status st;
    cardc__error_enter(err);
    st = validate_json(s, instance, opts, 0, result, err);
    if (st == CARDC_E_INVALID)
        record_invalid(err, result);
    return cardc__error_leave(err, st);
}

cardc_status cardc_validate_apply_defaults(const cardc_schema *s, struct json_object *instance,
                                           const cardc_validate_options *opts, cardc_result *result,
                                           cardc_error *err)
{
    cardc_status st;
    cardc__error_enter(err);
    st = validate_json(s, instance, opts, CARDC__VALIDATE_DEFAULTS, result, err);
    if (st == CARDC_E_INVALID)
        record_invalid(err, result);
    return cardc__error_leave(err, st);
}

cardc_status cardc__validate_text(const cardc_schema *s, const char *text, size_t len,
                                  const cardc_validate_options *opts, cardc_result *result,
                                  cardc_error *err)
{
    cardc_doc local, *doc = result ? &result->doc : &local;

    if (!result)
        cardc__doc_init(&local);
    cardc_status st;

    if (!s)
        return cardc__error(err, CARDC_E_USAGE, "cardc_validate_text: schema is NULL");
    if (opts && opts->duplicate_keys != CARDC_DUPLICATE_KEYS_LAST &&
        opts->duplicate_keys != CARDC_DUPLICATE_KEYS_REJECT)
        return cardc__error(err, CARDC_E_USAGE, "cardc_validate_text: unknown duplicate_keys %d",
                            (int)opts->duplicate_keys);
    st = cardc__doc_parse_into(doc, text, len, NULL, opts ? opts->max_depth : 0,
                               opts && opts->duplicate_keys == CARDC_DUPLICATE_KEYS_REJECT
                                   ? CARDC__DOC_REJECT_DUPLICATES
                                   : 0,
                               err);
    if (st == CARDC_OK)
        st = cardc__validate_doc(s, doc, opts, result, err);
    else if (result)
        cardc__result_clear(result), result->valid = false;
    doc_done(doc, &local);
    return st;
}

cardc_status cardc_validate_text(const cardc_schema *s, const char *text, size_t len,
                                 const cardc_validate_options *opts, cardc_result *result,
                                 cardc_error *err)
{
    cardc_status st;
    cardc__error_enter(err);
    st = cardc__validate_text(s, text, len, opts, result, err);
    if (st == CARDC_E_INVALID)
        record_invalid(err, result);
    return cardc__error_leave(err, st);
}
