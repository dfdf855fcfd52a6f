/* SPDX-License-Identifier: MIT */
/* The operations only fast programs run (compile_fast.c): nothing is
 * recorded, so no keyword path is kept, nothing is counted as quiet, and
 * each stops at the first failure. Same return convention as
 * validate_assert.c. */
#include <stdbool.h>
#include <string.h>

#include "schema/validate_internal.h"

/* A plain "$ref": no keyword path (nothing is recorded), and the loop
 * guard only where the reference can lead back (in->u.ref.cyclic). */
int cardc__v_ref_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    const cnode *target = in->u.ref.node;
    (void)t;
    (void)ev;
    if (in->u.ref.cyclic)
        return cardc__v_via_ref(c, target, inst, NULL, in->kw, in->kwlen);
    if (quick_pass(c, target, inst))
        return 1;
    return cardc__v_node(c, target->fast_target, inst, NULL);
}

/* patternProperties on one member; *named set when a pattern matched. */
static int object_patterns(vctx *c, const cinstr *pp, const cardc_dval *k, const char *name,
                           bool *named)
{
    for (size_t j = 0; j < pp->u.pprops.n; j++) {
        const cnode *sub = pp->u.pprops.nodes[j];
        int r = cardc__v_regex(c, pp, pp->u.pprops.res[j], name, k->u.s.len);
        if (r <= 0) {
            if (r < 0)
                return -1;
            continue;
        }
        *named = true;
        if (!(sub->quick & k[1].types) && (r = descend_key(c, sub, k + 1, name, k->u.s.len)) != 1)
            return r;
    }
    return 1;
}

/* An object with only additionalProperties (no names, no patterns): every
 * member's value against one subschema, the type-only case as a loop over
 * the values' type bits (importmap: every value a string). */
static int object_rest(vctx *c, const cnode *addl, const cardc_dval *inst)
{
    const cardc_dval *k = inst + 1;
    uint32_t q = addl->quick;
    int r;
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        if (k[1].types & q)
            continue;
        if (addl->kind == NODE_FALSE)
            return 0;
        if ((r = descend_key(c, addl, k + 1, cardc__dstr(c->doc, k), k->u.s.len)) != 1)
            return r;
    }
    return 1;
}

/* The index of member name k in t (hash first, bytes last), or -1. */
static ALWAYS_INLINE long find_member_name(const vctx *c, const ckeys *t, const cardc_dval *k)
{
    for (uint32_t at = k->off & t->mask;; at = (at + 1) & t->mask) {
        uint32_t i = t->tab[at];
        if (!i)
            return -1;
        const ckey *e = &t->keys[i - 1];
        if (e->hash == k->off && e->len == k->u.s.len &&
            same_bytes(e->s, cardc__dstr(c->doc, k), e->len))
            return (long)i - 1;
    }
}

/* properties, patternProperties, additionalProperties and required in one
 * pass (compile_fast.c): each member's name looked up once. */
int cardc__v_object(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    const cobject *o = in->u.obj;
    const cardc_dval *k = inst + 1;
    uint64_t present = 0;
    int r;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    c->eval_limit += (uint64_t)EVAL_PER_VALUE * inst->u.c.n;
    if (!o->keys.n && !o->pprops)
        return o->addl ? object_rest(c, o->addl, inst) : 1;
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        const cardc_dval *v = k + 1;
        long i = find_member_name(c, &o->keys, k);
        bool named = false;
        if (i >= 0) {
            if (i < 64)
                present |= (uint64_t)1 << i;
            if ((size_t)i < o->nprops) {
                const cnode *sub = o->sub[i];
                named = true;
                if (!(sub->quick & v->types) &&
                    (r = descend_key(c, sub, v, cardc__dstr(c->doc, k), k->u.s.len)) != 1)
                    return r;
            }
        }
        if (o->pprops &&
            (r = object_patterns(c, o->pprops, k, cardc__dstr(c->doc, k), &named)) != 1)
            return r;
        if (!named && o->addl && !(o->addl->quick & v->types)) {
            if (o->addl->kind == NODE_FALSE)
                return 0;
            if ((r = descend_key(c, o->addl, v, cardc__dstr(c->doc, k), k->u.s.len)) != 1)
                return r;
        }
    }
    return (present & o->reqmask) == o->reqmask;
}

int cardc__v_all_of_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    (void)t;
    (void)ev;
    for (size_t i = 0; i < in->u.list.n; i++) {
        int r = cardc__v_inplace(c, in->u.list.nodes[i], inst, NULL);
        if (r != 1)
            return r;
    }
    return 1;
}

/* The branch of tagged union d whose tag is v, or -1. */
static long disc_branch(const vctx *c, const cdisc *d, const cardc_dval *v)
{
    uint64_t h = cardc__dhash(c->doc, v);
    for (uint32_t at = (uint32_t)h & d->mask; d->tab[at]; at = (at + 1) & d->mask) {
        uint32_t b = d->tab[at] - 1;
        const cconst *tag = d->tags[b];
        if (d->hash[b] == h && cardc__dequal(c->doc, v, &tag->doc, &tag->doc.v[0]))
            return (long)b;
    }
    return -1;
}

/* anyOf: the first branch that passes; oneOf: a second one fails it.
 * A branch whose "type" rejects the instance is not entered; in a tagged
 * union (cdisc) only the branch the instance's tag names can pass. */
static int any_one_of_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t)
{
    bool one = in->op == OP_ONE_OF;
    size_t matched = 0;
    const cdisc *d = in->u.list.disc;
    if (d && (t & T_OBJECT)) {
        const cardc_dval *v = member(c, inst, &d->key);
        if (v) {
            long b = disc_branch(c, d, v);
            return b < 0 ? 0 : cardc__v_inplace(c, in->u.list.nodes[b], inst, NULL);
        }
    }
    for (size_t i = 0; i < in->u.list.n; i++) {
        const cnode *b = in->u.list.nodes[i];
        int r;
        if (b->types && !(b->types & t))
            continue;
        r = b->quick & t ? 1 : cardc__v_inplace(c, b, inst, NULL);
        if (r < 0)
            return -1;
        if (r && (!one || ++matched > 1))
            return !one;
    }
    return one && matched == 1;
}

int cardc__v_any_one_of_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t,
                             evset *ev)
{
    int r = any_one_of_fast(c, in, inst, t);
    (void)ev;
    if (r == 0)
        cardc__v_note_failed(c, in, inst);
    return r;
}

int cardc__v_not_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    int r = cardc__v_inplace(c, in->u.node, inst, NULL);
    (void)t;
    (void)ev;
    return r < 0 ? -1 : !r;
}

int cardc__v_if_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    int r = cardc__v_inplace(c, in->u.cond.if_, inst, NULL);
    const cnode *next;
    (void)t;
    (void)ev;
    if (r < 0)
        return -1;
    next = r ? in->u.cond.then_ : in->u.cond.else_;
    return next ? cardc__v_inplace(c, next, inst, NULL) : 1;
}

/* prefixItems (and array "items"), items (and additionalItems). */
int cardc__v_items_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i, n, from, to;
    const cnode *sub = NULL;
    bool prefix = in->op == OP_PREFIX_ITEMS;
    aiter it;
    (void)ev;
    if (!(t & T_ARRAY))
        return 1;
    n = cardc__dcount(inst);
    from = in->op == OP_ITEMS ? in->u.items.start : 0;
    to = prefix ? (in->u.list.n < n ? in->u.list.n : n) : n;
    if (from >= to)
        return 1;
    if (!prefix) {
        sub = in->u.items.node;
        if (sub->kind == NODE_FALSE)
            return 0;
        if (sub->quick) {
            /* type-only items (byte arrays): a loop over the type bits */
            i = cardc__v_quick_run(inst, from, to, sub->quick);
            c->eval_limit += EVAL_PER_VALUE * (i - from);
            if (i == to)
                return 1;
            from = i;
        }
    }
    aiter_init(inst, &it);
    aiter_skip(inst, &it, from);
    for (i = from; i < to; i++) {
        const cardc_dval *e = aiter_get(c, inst, &it, i);
        int r = descend_idx(c, prefix ? in->u.list.nodes[i] : sub, e, i);
        if (r != 1)
            return r;
    }
    return 1;
}

int cardc__v_contains_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t, evset *ev)
{
    size_t i, n, hits = 0;
    aiter it;
    (void)ev;
    if (!(t & T_ARRAY))
        return 1;
    n = cardc__dcount(inst);
    aiter_init(inst, &it);
    for (i = 0; i < n; i++) {
        int r = descend_idx(c, in->u.contains.node, aiter_get(c, inst, &it, i), i);
        if (r < 0)
            return -1;
        hits += (size_t)r;
        if (!in->u.contains.has_max && hits >= in->u.contains.min)
            return 1;
    }
    return hits >= in->u.contains.min && (!in->u.contains.has_max || hits <= in->u.contains.max);
}

int cardc__v_property_names_fast(vctx *c, const cinstr *in, const cardc_dval *inst, uint32_t t,
                                 evset *ev)
{
    const cardc_dval *k = inst + 1;
    (void)ev;
    if (!(t & T_OBJECT))
        return 1;
    for (uint32_t m = 0; m < inst->u.c.n; m++, k = next_member(k)) {
        cardc_dval name = *k; /* the key, as a string value */
        int r;
        name.kind = DK_STRING;
        name.types = DT_STRING;
        if ((r = descend_key(c, in->u.node, &name, cardc__dstr(c->doc, k), k->u.s.len)) != 1)
            return r;
    }
    return 1;
}
