/* SPDX-License-Identifier: MIT */
/* The applicator keywords: references, allOf/anyOf/oneOf, not, if/then/else,
 * dependentSchemas, the object keywords (properties, patternProperties,
 * additionalProperties, propertyNames, unevaluatedProperties) and the
 * array keywords (prefixItems, items, additionalItems, unevaluatedItems,
 * contains). Same return convention as validate_assert.c. */
#include <stdlib.h>
#include <string.h>

#include "schema/validate_internal.h"

int cardc__v_ref(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    const cnode *target = in->u.ref.node;
    (void)t;
    if (in->op == OP_DYNAMIC_REF && in->u.ref.anchor) {
        size_t k, j;
        for (k = 0; k < c->nscope; k++) {
            const cresource *res = c->scope[k];
            for (j = 0; j < res->ndyn; j++)
                if (!strcmp(res->dyn_names[j], in->u.ref.anchor))
                    break;
            if (j < res->ndyn) {
                target = res->dyn_nodes[j];
                break;
            }
        }
    } else if (in->op == OP_RECURSIVE_REF && target->res && target->res->recursive_anchor) {
        size_t k;
        for (k = 0; k < c->nscope; k++)
            if (c->scope[k]->recursive_anchor && c->scope[k]->root) {
                target = c->scope[k]->root;
                break;
            }
    }
    return cardc__v_via_ref(c, target, inst, ev, in->kw, in->kwlen);
}

int cardc__v_all_of(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i;
    int r, ok = 1;
    (void)t;
    if (!kpush(c, in->kw, 5))
        return -1;
    for (i = 0; i < in->u.list.n; i++) {
        if (!kpush_idx(c, i))
            return -1;
        r = cardc__v_inplace(c, in->u.list.nodes[i], inst, ev);
        c->nkp--;
        if (r < 0)
            return -1;
        if (r == 0) {
            ok = 0;
            if (c->fast || (c->quiet && !c->s->track))
                break;
        }
    }
    c->nkp--;
    return ok;
}

/* ---- anyOf, oneOf ---- */

/* Branch bookkeeping: errors [start, end) of branch i. */
typedef struct branch {
    size_t start, end;
    bool type_fail;
    bool ok;
    bool skipped; /* not evaluated: it cannot be the closest (anyone_detail) */
} branch;

static int pick_best(const branch *br, size_t n)
{
    long best = -1;
    size_t i;
    for (i = 0; i < n; i++) {
        if (br[i].ok || br[i].skipped)
            continue;
        if (best < 0) {
            best = (long)i;
            continue;
        }
        if (br[best].type_fail != br[i].type_fail) {
            if (br[best].type_fail)
                best = (long)i;
            continue;
        }
        if (br[i].end - br[i].start < br[best].end - br[best].start)
            best = (long)i;
    }
    return (int)best;
}

/* How the branches of a oneOf/anyOf went, for its error. */
typedef struct anyone_tally {
    branch *br; /* per branch, when detail */
    size_t n, matched, firstok, secondok;
    size_t m0; /* errors before the keyword */
    bool detail;
} anyone_tally;

/* Records a failing oneOf/anyOf with the closest branch's errors; -1 when
 * out of memory before anything was recorded. Out of line: its frame stays
 * off the recursive evaluation path. */
static NOINLINE int anyone_fail(vctx *c, const cinstr *in, const anyone_tally *t)
{
    bool one = in->op == OP_ONE_OF;
    strbuf m = V_MESSAGE;
    int best = t->detail && t->matched == 0 ? pick_best(t->br, t->n) : -1;
    runit small[4], *keep = NULL; /* a branch's few errors take no allocation */
    size_t i, nkeep = 0;
    if (best >= 0 && t->br[best].end > t->br[best].start) {
        nkeep = t->br[best].end - t->br[best].start;
        keep = nkeep <= 4 ? small : malloc(nkeep * sizeof *keep);
        if (!keep)
            return -1;
        memcpy(keep, &c->r->err[t->br[best].start], nkeep * sizeof *keep);
    }
    if (t->detail) {
        /* the other branches' units are freed; keep owns the best one's */
        for (i = t->m0; i < c->r->nerr; i++)
            if (!nkeep || i < t->br[best].start || i >= t->br[best].end)
                cardc__unit_free(&c->r->err[i]);
        c->r->nerr = t->m0;
    }
    /* spelt out with cardc__v_sb_zu(): see there */
    if (c->main_only) {
        /* recorded in outline, without it (cardc__v_record) */
    } else if (one && t->matched > 1) {
        strbuf_str(&m, "must match exactly one schema in oneOf, matched ");
        cardc__v_sb_zu(&m, t->matched);
        strbuf_str(&m, " (branches ");
        cardc__v_sb_zu(&m, t->firstok);
        strbuf_str(&m, " and ");
        cardc__v_sb_zu(&m, t->secondok);
        strbuf_str(&m, ")");
    } else {
        strbuf_str(&m, one ? "must match exactly one schema in "
                           : "must match at least one schema in ");
        strbuf_str(&m, in->kw);
        strbuf_str(&m, ", matched 0 of ");
        cardc__v_sb_zu(&m, t->n);
    }
    cardc__v_kw_error(c, in, one ? CARDC_V_ONE_OF : CARDC_V_ANY_OF, &m, NULL);
    for (i = 0; i < nkeep; i++) {
        if (c->fatal || c->r->nerr >= c->max_errors) {
            if (!c->fatal)
                c->r->truncated = true;
            cardc__unit_free(&keep[i]);
        } else if (!cardc__result_push_error(c->r, &keep[i])) {
            cardc__unit_free(&keep[i]);
            cardc__v_nomem(c);
        }
    }
    if (keep != small)
        free(keep);
    return 0;
}

/* Whether branch b's "type" rejects instance types t. */
static bool typed_out(const cnode *b, uint32_t t)
{
    return b->types && !(b->types & t);
}

/* One branch: 1, 0 or -1; errors it recorded marked in *b when detail. */
static int anyone_branch(vctx *c, const cnode *b, const cardc_dval *inst, uint32_t t, evset *ev,
                         bool detail)
{
    if (!detail && !c->ann && typed_out(b, t))
        return 0; /* its "type" fails: nobody will read why */
    if (!c->ann && b->quick && (b->quick & t))
        return 1;
    return cardc__v_inplace(c, b, inst, ev);
}

/* Which branches a pass over a oneOf/anyOf evaluates. */
enum { ALL_BRANCHES, TYPED_IN, TYPED_OUT };

/* Evaluates the branches `which` selects, tallying into *ty (and br when
 * detail); 0, or -1 to stop. */
static int anyone_pass(vctx *c, const cinstr *in, const cardc_dval *inst, evset *ev,
                       anyone_tally *ty, int which, bool shortcut)
{
    bool one = in->op == OP_ONE_OF;
    uint32_t t = inst->types;

    for (size_t i = 0; i < ty->n; i++) {
        const cnode *b = in->u.list.nodes[i];
        int r;

        if (which != ALL_BRANCHES && typed_out(b, t) != (which == TYPED_OUT))
            continue;
        if (!kpush_idx(c, i))
            return -1;
        if (ty->detail)
            ty->br[i].start = c->r->nerr;
        r = anyone_branch(c, b, inst, t, ev, ty->detail);
        c->nkp--;
        if (r < 0)
            return -1;
        if (ty->detail) {
            branch *bi = &ty->br[i];
            bi->end = c->r->nerr;
            bi->ok = r == 1;
            bi->skipped = false;
            bi->type_fail = false;
            for (size_t k = bi->start; k < bi->end; k++)
                if (c->r->err[k].u.code == CARDC_V_TYPE && c->r->err[k].ilevel == c->nip)
                    bi->type_fail = true;
            /* a branch whose type fails has that error at least: one
             * alone is the fewest, and the first such is the closest */
            if (which == TYPED_OUT && bi->end - bi->start == 1 && bi->type_fail && !c->r->truncated)
                break;
        }
        if (r == 1) {
            if (ty->matched == 0)
                ty->firstok = i;
            else if (ty->matched == 1)
                ty->secondok = i;
            ty->matched++;
            if ((!one && shortcut) || (one && ty->matched > 1 && (shortcut || c->fast)))
                break;
        }
    }
    return 0;
}

/* In detail, the branches whose "type" rejects the instance come last, and
 * only when needed: their errors are read only when every other branch
 * fails on its type too (the closest branch is one that does not, see
 * pick_best), and they never match; then in order, up to the first with
 * its type error alone (none can have fewer). The LLaVA card's root oneOf
 * spent a tenth of a rejection (bench_decode invalid-type) recording its
 * binary string branch's type error, to drop it. Exact: should the errors
 * reach max_errors meanwhile, the keyword is evaluated again in branch
 * order. */
static int anyone_detail(vctx *c, const cinstr *in, const cardc_dval *inst, evset *ev,
                         anyone_tally *ty, bool shortcut)
{
    bool was_truncated = c->r->truncated, need;
    uint32_t t = inst->types;
    size_t i, deferred = 0;

    /* every branch set: pick_best reads the ones a pass leaves out too */
    for (i = 0; i < ty->n; i++) {
        bool out = !c->full && typed_out(in->u.list.nodes[i], t);
        ty->br[i] = (branch){c->r->nerr, c->r->nerr, out, false, out};
        deferred += out;
    }
    if (c->full)
        return anyone_pass(c, in, inst, ev, ty, ALL_BRANCHES, shortcut);
    if (anyone_pass(c, in, inst, ev, ty, deferred ? TYPED_IN : ALL_BRANCHES, shortcut) < 0)
        return -1;
    need = deferred && ty->matched == 0;
    for (i = 0; need && i < ty->n; i++)
        if (!ty->br[i].skipped && !ty->br[i].ok && !ty->br[i].type_fail)
            need = false;
    if (need && !(c->r->truncated && !was_truncated) &&
        anyone_pass(c, in, inst, ev, ty, TYPED_OUT, shortcut) < 0)
        return -1;
    if (deferred && c->r->truncated && !was_truncated) {
        /* the cap reached: what branch order records, exactly */
        cardc__result_truncate_errors(c->r, ty->m0);
        c->r->truncated = false;
        ty->matched = 0;
        for (i = 0; i < ty->n; i++)
            ty->br[i].skipped = false;
        return anyone_pass(c, in, inst, ev, ty, ALL_BRANCHES, shortcut);
    }
    return 0;
}

static int anyone_core(vctx *c, const cinstr *in, const cardc_dval *inst, evset *ev)
{
    bool one = in->op == OP_ONE_OF;
    size_t n = in->u.list.n;
    branch small[8];
    bool detail = REC(c) && !c->fast;
    bool shortcut = !c->s->track && !(c->ann && !c->mute) && !c->defaults;
    anyone_tally ty = {small, n, 0, 0, 0, c->r && c->rec ? c->r->nerr : 0, detail};
    bool was_truncated = detail && c->r->truncated;
    int r, res;

    if (detail && n > 8 && !(ty.br = calloc(n, sizeof *ty.br)))
        return cardc__v_nomem(c);
    if (!detail)
        c->quiet++;
    r = kpush(c, in->kw, in->kwlen) ? 0 : -1;
    if (r == 0) {
        r = detail ? anyone_detail(c, in, inst, ev, &ty, shortcut)
                   : anyone_pass(c, in, inst, ev, &ty, ALL_BRANCHES, shortcut);
        c->nkp--;
    }
    if (!detail)
        c->quiet--;
    if (r < 0) {
        if (ty.br != small)
            free(ty.br);
        return -1;
    }
    res = one ? ty.matched == 1 : ty.matched >= 1;
    if (res) {
        if (detail) {
            /* its branches' errors are dropped, and so is the cap they
             * may have reached (only a refused instance's evaluation
             * details a keyword that passes: vctx.refused) */
            cardc__result_truncate_errors(c->r, ty.m0);
            c->r->truncated = was_truncated;
        }
    } else if (REC(c)) {
        if (anyone_fail(c, in, &ty) < 0) {
            cardc__v_nomem(c);
            res = -1;
        }
    }
    if (ty.br != small)
        free(ty.br);
    return c->fatal ? -1 : res;
}

/* Branch errors only matter when the keyword fails: run quietly first and
 * replay with details on failure (annotations need the detailed run). */
int cardc__v_any_one_of(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    int r;
    (void)t;
    if (!REC(c) || c->fast || c->ann) {
        r = anyone_core(c, in, inst, ev);
        if (r == 0 && !REC(c))
            cardc__v_note_failed(c, in, inst);
        return r;
    }
    /* a refused instance's keywords go to detail at once: evaluating each
     * quietly first cost more than the fast pass it replaces */
    if (!c->refused && !cardc__v_known_failed(c, in, inst)) {
        c->quiet++;
        r = anyone_core(c, in, inst, ev);
        c->quiet--;
        if (r != 0)
            return r;
    }
    /* the enclosing schema fails now: its evaluated set no longer matters */
    return anyone_core(c, in, inst, NULL);
}

/* ---- not, if ---- */

int cardc__v_not(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    int r;
    size_t a0 = c->r ? c->r->nann : 0, d0 = c->ndefs;
    (void)ev;
    (void)t;
    if (!kpush(c, "not", 3))
        return -1;
    c->quiet++;
    c->mute++;
    r = cardc__v_node(c, in->u.node, inst, NULL);
    c->quiet--;
    c->mute--;
    c->nkp--;
    if (r < 0)
        return -1;
    /* "not" never yields annotations or defaults */
    if (c->r && c->ann)
        cardc__result_truncate_annotations(c->r, a0);
    c->ndefs = d0;
    if (r == 0)
        return 1;
    return cardc__v_err_fmt(c, in, CARDC_V_NOT, NULL,
                            "must not be valid against the schema in \"not\"");
}

int cardc__v_if(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    int r;
    const cnode *next;
    const char *which;
    (void)t;
    if (!kpush(c, "if", 2))
        return -1;
    c->quiet++;
    r = cardc__v_inplace(c, in->u.cond.if_, inst, ev);
    c->quiet--;
    c->nkp--;
    if (r < 0)
        return -1;
    next = r ? in->u.cond.then_ : in->u.cond.else_;
    which = r ? "then" : "else";
    if (!next)
        return 1;
    if (!kpush(c, which, 4))
        return -1;
    r = cardc__v_inplace(c, next, inst, ev);
    c->nkp--;
    if (r != 0)
        return r;
    return cardc__v_err_fmt(c, in, CARDC_V_IF, NULL, "must match \"%s\" schema", which);
}

/* ---- objects ---- */

int cardc__v_dep_schemas(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i;
    int r, ok = 1;
    if (!(t & T_OBJECT))
        return 1;
    for (i = 0; i < in->u.props.k.n; i++) {
        const ckey *key = &in->u.props.k.keys[i];
        if (!member(c, inst, key))
            continue;
        if (!kpush(c, in->kw, in->kwlen) || !kpush(c, key->s, key->len))
            return -1;
        r = cardc__v_inplace(c, in->u.props.nodes[i], inst, ev);
        c->nkp -= 2;
        if (r < 0)
            return -1;
        if (r == 0) {
            ok = 0;
            if (c->fast)
                break;
        }
    }
    return ok;
}

/* One member's value against a "properties" subschema; name: the
 * schema's key (the same bytes). */
static ALWAYS_INLINE int property(vctx *c, const cnode *sub, const cardc_dval *v, const ckey *name)
{
    int r;
    if (quick_pass(c, sub, v)) {
        c->eval_limit += EVAL_PER_VALUE;
        return 1;
    }
    if (!kpush(c, name->s, name->len))
        return -1;
    r = descend_key(c, sub, v, name->s, name->len);
    c->nkp--;
    return r;
}

/* A large object against "properties": in the schema's order (the order
 * errors come in), each member found in one pass over the instance. */
static NOINLINE int properties_by_schema(vctx *c, const cinstr *in, const cardc_dval *inst)
{
    const ckeys *ks = &in->u.props.k;
    const cardc_dval *small[32], **val = ks->n <= 32 ? small : calloc(ks->n, sizeof *val);
    const cardc_dval *k = inst + 1;
    int ok = 1, r;

    if (!val)
        return cardc__v_nomem(c);
    memset(val, 0, (ks->n <= 32 ? 32 : ks->n) * sizeof *val);
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        long i = ckeys_find(ks, cardc__dstr(c->doc, k), k->u.s.len, k->off);
        if (i >= 0)
            val[i] = k + 1;
    }
    for (size_t i = 0; i < ks->n; i++) {
        if (!val[i])
            continue;
        if ((r = property(c, in->u.props.nodes[i], val[i], &ks->keys[i])) < 0) {
            ok = -1;
            break;
        }
        if (r == 0) {
            ok = 0;
            if (c->fast)
                break;
        }
    }
    if (val != small)
        free(val);
    return ok;
}

/* Defaults of absent properties, filled once the validation passes. */
static NOINLINE int collect_defaults(vctx *c, const cinstr *in, const cardc_dval *inst)
{
    for (size_t i = 0; i < in->u.props.k.n; i++) {
        if (!in->u.props.defaults[i] || member(c, inst, &in->u.props.k.keys[i]))
            continue;
        if (!V_GROW(c, c->defs, c->ndefs, c->capdefs))
            return -1;
        c->defs[c->ndefs].obj = inst;
        c->defs[c->ndefs].key = in->u.props.k.keys[i].s;
        c->defs[c->ndefs].value = in->u.props.defaults[i];
        c->ndefs++;
    }
    return 1;
}

int cardc__v_properties(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    int r, ok = 1;
    if (!(t & T_OBJECT))
        return 1;
    if (!kpush(c, "properties", 10))
        return -1;
    if ((ev && ev->m) || inst->u.c.n <= 8) {
        /* small objects: in the instance's order */
        const cardc_dval *k = inst + 1;
        for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
            long i = ckeys_find(&in->u.props.k, cardc__dstr(c->doc, k), k->u.s.len, k->off);
            if (i < 0)
                continue;
            if (ev && ev->m)
                ev->m[m] = 1;
            if ((r = property(c, in->u.props.nodes[i], k + 1, &in->u.props.k.keys[i])) < 0)
                return -1;
            if (r == 0) {
                ok = 0;
                if (c->fast)
                    break;
            }
        }
    } else if ((ok = properties_by_schema(c, in, inst)) < 0) {
        return -1;
    }
    c->nkp--;
    if (c->defaults && ok && collect_defaults(c, in, inst) < 0)
        return -1;
    return ok;
}

int cardc__v_pattern_props(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    const cardc_dval *k = inst + 1;
    int r, ok = 1;
    if (!(t & T_OBJECT))
        return 1;
    if (!kpush(c, "patternProperties", 17))
        return -1;
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        const char *name = cardc__dstr(c->doc, k);
        size_t kl = k->u.s.len;
        for (size_t i = 0; i < in->u.pprops.n; i++) {
            const char *pat;
            r = cardc__v_regex(c, in, in->u.pprops.res[i], name, kl);
            if (r < 0)
                return -1;
            if (!r)
                continue;
            if (ev && ev->m)
                ev->m[m] = 1;
            pat = cardc_regex_pattern(in->u.pprops.res[i]);
            if (!kpush(c, pat, strlen(pat)))
                return -1;
            r = descend_key(c, in->u.pprops.nodes[i], k + 1, name, kl);
            c->nkp--;
            if (r < 0)
                return -1;
            if (r == 0) {
                ok = 0;
                if (c->fast)
                    goto done;
            }
        }
    }
done:
    c->nkp--;
    return ok;
}

/* Whether member k is additional to "additionalProperties" in (not named
 * by the sibling "properties", not matched by "patternProperties"); 1, 0,
 * or -1 (regex limit). */
static int is_additional(vctx *c, const cinstr *in, const cardc_dval *k, const char *name)
{
    const cinstr *pp = in->u.addl.pprops;
    if (in->u.addl.props && ckeys_find(&in->u.addl.props->u.props.k, name, k->u.s.len, k->off) >= 0)
        return 0;
    for (size_t i = 0; pp && i < pp->u.pprops.n; i++) {
        int r = cardc__v_regex(c, in, pp->u.pprops.res[i], name, k->u.s.len);
        if (r != 0)
            return r < 0 ? -1 : 0;
    }
    return 1;
}

/* additionalProperties and unevaluatedProperties. */
int cardc__v_additional(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    bool uneval = in->op == OP_UNEVAL_PROPS;
    const cnode *sub = uneval ? in->u.node : in->u.addl.node;
    const cardc_dval *k = inst + 1;
    int r, ok = 1;
    if (!(t & T_OBJECT))
        return 1;
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        const char *name = cardc__dstr(c->doc, k);
        int extra =
            uneval ? !(ev && ev->m && m < ev->n && ev->m[m]) : is_additional(c, in, k, name);
        if (extra < 0)
            return -1;
        if (!extra)
            continue;
        if (sub->kind == NODE_FALSE) {
            ok = 0;
            if (cardc__v_err_key(
                    c, in, uneval ? CARDC_V_UNEVALUATED_PROPERTIES : CARDC_V_ADDITIONAL_PROPERTIES,
                    uneval ? "must not have unevaluated property "
                           : "must not have additional property ",
                    name, k->u.s.len) < 0)
                return -1;
        } else {
            if (!kpush(c, in->kw, in->kwlen))
                return -1;
            r = descend_key(c, sub, k + 1, name, k->u.s.len);
            c->nkp--;
            if (r < 0)
                return -1;
            if (r == 0)
                ok = 0;
        }
        if (ev && ev->m && m < ev->n)
            ev->m[m] = 1;
        if (!ok && c->fast)
            break;
    }
    return ok;
}

int cardc__v_property_names(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t,
                            evset *ev)
{
    const cardc_dval *k = inst + 1;
    int r, ok = 1;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    if (!kpush(c, "propertyNames", 13))
        return -1;
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        cardc_dval name = *k; /* the key, as a string value */
        name.kind = DK_STRING;
        name.types = DT_STRING;
        name.off = k[1].off;
        r = descend_key(c, in->u.node, &name, cardc__dstr(c->doc, k), k->u.s.len);
        if (r < 0)
            return -1;
        if (r == 0) {
            ok = 0;
            if (c->fast)
                break;
        }
    }
    c->nkp--;
    return ok;
}

/* ---- arrays ---- */

/* First index in [from, to) of a DK_ARRAY whose element the type mask
 * rejects, or to: a tight loop over the elements' type bits. */
size_t cardc__v_quick_run(const cardc_dval *arr, size_t from, size_t to, uint32_t mask)
{
    const cardc_dval *e = arr + 1;
    size_t i;
    if (arr->kind == DK_BYTES)
        return mask & (T_NUMBER | T_INTEGER) ? to : from;
    if (arr->flags & DF_SCALARS) {
        for (i = from; i < to; i++)
            if (!(e[i].types & mask))
                break;
        return i;
    }
    for (i = 0; i < from; i++)
        e += cardc__dsize(e);
    for (; i < to; i++, e += cardc__dsize(e))
        if (!(e->types & mask))
            break;
    return i;
}

/* additionalItems: false, unevaluatedItems: false. */
static NOINLINE int no_more_items(vctx *c, const cinstr *in, size_t from, size_t to, size_t n,
                                  evset *ev)
{
    size_t bad = 0, first = n, i;
    for (i = from; i < to; i++)
        if (!(in->op == OP_UNEVAL_ITEMS && ev && ev->m && i < ev->n && ev->m[i])) {
            bad++;
            if (first == n)
                first = i;
        }
    if (!bad)
        return 1;
    if (in->op == OP_UNEVAL_ITEMS)
        return cardc__v_err_fmt(c, in, CARDC_V_UNEVALUATED_ITEMS, NULL,
                                "must not have unevaluated items, got %zu (first at index %zu)",
                                bad, first);
    return cardc__v_err_fmt(c, in, CARDC_V_ADDITIONAL_ITEMS, NULL,
                            "must have at most %zu items, got %zu", from, n);
}

/* prefixItems (and array "items"), items (and additionalItems),
 * unevaluatedItems. */
int cardc__v_items(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i, n, from, to;
    const cnode *sub = NULL;
    bool prefix = in->op == OP_PREFIX_ITEMS;
    aiter it;
    int r, ok = 1;
    if (!(t & T_ARRAY))
        return 1;
    n = cardc__dcount(inst);
    from = in->op == OP_ITEMS ? in->u.items.start : 0;
    to = prefix ? (in->u.list.n < n ? in->u.list.n : n) : n;
    if (!prefix)
        sub = in->op == OP_ITEMS ? in->u.items.node : in->u.node;
    if (sub && sub->kind == NODE_FALSE)
        return no_more_items(c, in, from, to, n, ev);
    if (!kpush(c, in->kw, in->kwlen))
        return -1;
    if (sub && sub->quick && !c->ann && in->op == OP_ITEMS) {
        /* type-only items (byte arrays): only a failing element goes the
         * slow way, for its error */
        i = cardc__v_quick_run(inst, from, to, sub->quick);
        c->eval_limit += EVAL_PER_VALUE * (i - from);
        if (ev && ev->m)
            for (size_t k = from; k < i && k < ev->n; k++)
                ev->m[k] = 1;
        from = i;
    }
    aiter_init(inst, &it);
    aiter_skip(inst, &it, from);
    for (i = from; i < to; i++) {
        const cardc_dval *e = aiter_get(c, inst, &it, i);
        if (in->op == OP_UNEVAL_ITEMS && ev && ev->m && i < ev->n && ev->m[i])
            continue;
        if (prefix && !kpush_idx(c, i))
            return -1;
        r = descend_idx(c, prefix ? in->u.list.nodes[i] : sub, e, i);
        if (prefix)
            c->nkp--;
        if (r < 0)
            return -1;
        if (ev && ev->m && i < ev->n)
            ev->m[i] = 1;
        if (r == 0) {
            ok = 0;
            if (c->fast)
                break;
        }
    }
    c->nkp--;
    return ok;
}

int cardc__v_contains(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i, n, hits = 0;
    aiter it;
    int r;
    if (!(t & T_ARRAY))
        return 1;
    n = cardc__dcount(inst);
    if (!kpush(c, "contains", 8))
        return -1;
    c->quiet++;
    aiter_init(inst, &it);
    for (i = 0; i < n; i++) {
        r = descend_idx(c, in->u.contains.node, aiter_get(c, inst, &it, i), i);
        if (r < 0) {
            c->quiet--;
            return -1;
        }
        if (r == 1) {
            hits++;
            if (ev && ev->m && i < ev->n && in->u.contains.node->dialect >= CARDC_DIALECT_2020_12)
                ev->m[i] = 1;
        }
    }
    c->quiet--;
    c->nkp--;
    if (hits < in->u.contains.min)
        return cardc__v_err_fmt(
            c, in, in->u.contains.min == 1 ? CARDC_V_CONTAINS : CARDC_V_MIN_CONTAINS, NULL,
            "must contain at least %llu matching item%s, got %zu",
            (unsigned long long)in->u.contains.min, in->u.contains.min == 1 ? "" : "s", hits);
    if (in->u.contains.has_max && hits > in->u.contains.max)
        return cardc__v_err_fmt(
            c, in, CARDC_V_MAX_CONTAINS, NULL, "must contain at most %llu matching item%s, got %zu",
            (unsigned long long)in->u.contains.max, in->u.contains.max == 1 ? "" : "s", hits);
    return 1;
}
