/* SPDX-License-Identifier: MIT */
/* Allocation failures: for every operation below, the allocation number N
 * fails, for every N from 1 to the number the operation makes when nothing
 * fails. Each run must either return CARDC_E_NOMEM with the error record
 * filled (code NOMEM, a message), or recover and give exactly the result of
 * the run where nothing failed; and every byte allocated during the run
 * must be freed once its outputs are released (counted here block by
 * block; LeakSanitizer checks the same under ASan).
 *
 * The failures are injected by this program's own malloc, calloc, realloc,
 * free, strdup and strndup: an executable's definitions come before every
 * shared library's, so json-c, libyaml, pcre2 and libc's own helpers
 * allocate through them too, and they pass every call on to the next
 * allocator (libc's, or AddressSanitizer's) found with dlsym(RTLD_NEXT).
 *
 * Usage: test_alloc_failures SOURCE_ROOT [OPERATION]
 * Prints, per operation, the allocations it makes and how the failure of
 * each ended; the last line sums them up. A leak is reported with the
 * numbers of the allocations still live; CARDC_NOMEM_BACKTRACE=N prints
 * where allocation N is made in the run where it fails; CARDC_NOMEM_FROM=N starts at the
 * failure of allocation N; CARDC_NOMEM_VERBOSE lists the failures that were
 * recovered from. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "check.h"
#include "gen.h"
#include "llava-1.5-7b-hf.h" /* generated from the card at build time */

/* ---- The allocator ------------------------------------------------------ */

/* Under AddressSanitizer its own start-up calls malloc (through dlsym)
 * before its shadow memory exists: the allocator must not be instrumented. */
#if defined(__GNUC__)
#define RAW __attribute__((no_sanitize("address", "undefined")))
#else
#define RAW
#endif

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

/* dlsym may allocate before the real functions are known: from here. */
static _Alignas(16) unsigned char boot[8192];
static size_t boot_used;
static int resolving;

static long alloc_count; /* allocations since arm() */
static long fail_at;     /* the allocation that fails (1-based); 0: none */
static int armed;

/* The blocks allocated while armed, by address (open addressing; 1 marks a
 * freed slot), so a run's leaks are counted without counting the blocks
 * that were there before it. */
#define TRACK_SLOTS (1u << 18)
static uintptr_t tracked[TRACK_SLOTS];
static long ordinal[TRACK_SLOTS]; /* which allocation of the run made it */
static long live, tombstones, backtrace_at, start_at = 1;

RAW static size_t slot_of(uintptr_t p)
{
    return (size_t)((p >> 4) * 0x9E3779B97F4A7C15ull >> 46) & (TRACK_SLOTS - 1);
}

RAW static void track(void *p)
{
    size_t i = slot_of((uintptr_t)p);

    if (!p || !armed)
        return;
    while (tracked[i] > 1)
        i = (i + 1) & (TRACK_SLOTS - 1);
    if (tracked[i] == 1)
        tombstones--;
    tracked[i] = (uintptr_t)p;
    ordinal[i] = alloc_count;
    live++;
    if (live + tombstones > (long)(TRACK_SLOTS / 4 * 3)) {
        fputs("test_alloc_failures: too many live blocks to track\n", stderr);
        abort();
    }
}

RAW static void untrack(void *p)
{
    size_t i = slot_of((uintptr_t)p);

    if (!live)
        return;
    while (tracked[i]) {
        if (tracked[i] == (uintptr_t)p) {
            tracked[i] = 1;
            tombstones++;
            live--;
            return;
        }
        i = (i + 1) & (TRACK_SLOTS - 1);
    }
}

/* dlsym gives a void *; ISO C has no cast from it to a function pointer,
 * POSIX guarantees the representation: copy it. */
RAW static void next_symbol(const char *name, void *fn, size_t size)
{
    void *p = dlsym(RTLD_NEXT, name);
    memcpy(fn, &p, size);
}

RAW static void resolve(void)
{
    resolving = 1;
    next_symbol("malloc", &real_malloc, sizeof real_malloc);
    next_symbol("calloc", &real_calloc, sizeof real_calloc);
    next_symbol("realloc", &real_realloc, sizeof real_realloc);
    next_symbol("free", &real_free, sizeof real_free);
    resolving = 0;
    if (!real_malloc || !real_calloc || !real_realloc || !real_free)
        abort();
}

RAW static void *boot_alloc(size_t n)
{
    void *p;

    n = (n + 15) & ~(size_t)15;
    if (n > sizeof boot - boot_used)
        abort();
    p = boot + boot_used;
    boot_used += n;
    return p; /* static storage: already zero */
}

RAW static int in_boot(const void *p)
{
    return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + sizeof boot;
}

/* Whether this allocation is the one that fails. */
RAW static int fails(void)
{
    if (!armed)
        return 0;
    if (++alloc_count == backtrace_at && fail_at == backtrace_at) {
        void *frames[32];
        armed = 0; /* backtrace may allocate */
        fprintf(stderr, "allocation %ld of this run:\n", alloc_count);
        backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
        armed = 1;
    }
    if (alloc_count == fail_at) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

RAW void *malloc(size_t n)
{
    void *p;

    if (!real_malloc) {
        if (resolving)
            return boot_alloc(n);
        resolve();
    }
    if (fails())
        return NULL;
    p = real_malloc(n);
    track(p);
    return p;
}

RAW void *calloc(size_t n, size_t size)
{
    void *p;

    if (!real_calloc) {
        if (resolving)
            return size && n > SIZE_MAX / size ? NULL : boot_alloc(n * size);
        resolve();
    }
    if (fails())
        return NULL;
    p = real_calloc(n, size);
    track(p);
    return p;
}

RAW void *realloc(void *old, size_t n)
{
    void *p;

    if (!real_realloc)
        resolve();
    if (old && in_boot(old)) {
        p = malloc(n);
        if (p)
            memcpy(p, old, n); /* the boot blocks are small and never freed */
        return p;
    }
    if (fails())
        return NULL;
    p = real_realloc(old, n);
    if (p) {
        if (old != p) {
            untrack(old);
            track(p);
        } else if (!old) {
            track(p);
        }
    } else if (old && n == 0) {
        untrack(old); /* realloc(p, 0) freed it */
    }
    return p;
}

RAW void free(void *p)
{
    if (!p || in_boot(p))
        return;
    if (!real_free)
        resolve();
    untrack(p);
    real_free(p);
}

RAW char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

RAW char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *d = malloc(n + 1);

    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Starts counting; allocation number `at` will fail (0: none). */
static void arm(long at)
{
    if (live || tombstones) {
        memset(tracked, 0, sizeof tracked);
        live = tombstones = 0;
    }
    alloc_count = 0;
    fail_at = at;
    armed = 1;
}

static void disarm(void)
{
    armed = 0;
}

/* ---- The operations --------------------------------------------------- */

/* What an operation produced, in words: compared with the run where
 * nothing failed. */
typedef struct outcome {
    cardc_status status;
    char *digest; /* heap, or NULL */
} outcome;

/* An operation runs armed between arm() and disarm() (op->run), then
 * describes what it made (op->describe, unarmed) and releases it (op->release). */
typedef struct op {
    const char *name;
    cardc_status (*run)(void *state, cardc_error *err);
    char *(*describe)(void *state); /* after CARDC_OK */
    void (*release)(void *state);
    void *state;
} op;

static const char *root;

static char *slurp(const char *rel, size_t *len)
{
    char path[1024];
    char *text = NULL;
    cardc_error err;

    snprintf(path, sizeof path, "%s/%s", root, rel);
    if (cardc_read_file(path, &text, len, &err) != CARDC_OK) {
        fprintf(stderr, "test_alloc_failures: %s\n", err.message);
        exit(2);
    }
    return text;
}

static char *dup_str(const char *s)
{
    return s ? strdup(s) : NULL;
}

static char *dump(const struct json_object *v)
{
    return cardc_json_dump(v, 0);
}

/* Card loading: the seed card (YAML front matter, JSON schema texts) from
 * memory, and a JSON card from a file. */
typedef struct card_state {
    const char *text, *path;
    size_t len;
    cardc_card *card;
} card_state;

static cardc_status run_card(void *s, cardc_error *err)
{
    card_state *c = s;
    if (c->path)
        return cardc_card_load(c->path, NULL, &c->card, err);
    return cardc_card_load_mem(c->text, c->len, "seed.md", NULL, &c->card, err);
}

static char *describe_card(void *s)
{
    card_state *c = s;
    const cardc_card_traits *t = cardc_card_get_traits(c->card);
    char *doc = dump(cardc_card_document(c->card)), *out = NULL;
    size_t cap = 0;
    FILE *f = open_memstream(&out, &cap);

    if (!f)
        abort();
    fprintf(f, "%s|%s|%s|%lld|%d%d%d|%s\n",
            cardc_card_name(c->card) ? cardc_card_name(c->card) : "",
            cardc_card_task_type(c->card) ? cardc_card_task_type(c->card) : "",
            cardc_card_description(c->card) ? cardc_card_description(c->card) : "",
            t->context_window, t->function_calling, t->reasoning, t->async_queue, doc ? doc : "");
    for (size_t i = 0; i < t->price_count; i++)
        fprintf(f, "price %s %g %s\n", t->price[i].unit ? t->price[i].unit : "", t->price[i].price,
                t->price[i].currency ? t->price[i].currency : "");
    for (size_t i = 0; i < cardc_card_property_count(c->card); i++) {
        const char *k = NULL, *v = NULL;
        cardc_card_property(c->card, i, &k, &v);
        fprintf(f, "property %s=%s\n", k ? k : "", v ? v : "");
    }
    for (int side = 0; side < 2; side++) {
        const struct json_object *schema = NULL;
        cardc_error err;
        int line = 0, column = 0;
        if (cardc_card_schema(c->card, (cardc_side)side, &schema, &err) == CARDC_OK) {
            char *text = dump(schema);
            cardc_card_schema_position(c->card, (cardc_side)side, &line, &column);
            fprintf(f, "side %d at %d:%d %s\n", side, line, column, text ? text : "");
            free(text);
        }
    }
    free(doc);
    fclose(f);
    return out;
}

static void release_card(void *s)
{
    card_state *c = s;
    cardc_card_free(c->card);
    c->card = NULL;
}

/* Schema compile: the seed card's input schema, and a schema reaching for
 * patterns, formats, references, dynamic scopes and errorMessage. Described
 * by what the compiled schema says of a valid and an invalid instance. */
typedef struct compile_state {
    struct json_object *doc, *valid, *invalid;
    unsigned flags;
    cardc_schema *schema;
} compile_state;

static cardc_status run_compile(void *s, cardc_error *err)
{
    compile_state *c = s;
    cardc_schema_options so;

    cardc_schema_options_init(&so);
    so.flags = c->flags;
    return cardc_schema_compile(c->doc, &so, &c->schema, err);
}

/* "status: instance keyword message; ..." of a validation. */
static char *verdicts(const cardc_schema *schema, struct json_object *const *instances, size_t n)
{
    cardc_result *r = NULL;
    cardc_error err;
    char *out = NULL;
    size_t cap = 0;
    FILE *f = open_memstream(&out, &cap);

    if (!f || cardc_result_new(&r, &err) != CARDC_OK)
        abort();
    for (size_t i = 0; i < n; i++) {
        cardc_status st = cardc_validate(schema, instances[i], NULL, r, &err);
        fprintf(f, "%s:", cardc_status_name(st));
        for (size_t k = 0; k < cardc_result_error_count(r); k++) {
            const cardc_unit *u = cardc_result_error(r, k);
            fprintf(f, " %s %s %s %s;", u->instance_location, u->keyword_location,
                    u->absolute_keyword_location, u->message);
        }
        fputc('\n', f);
    }
    fclose(f);
    cardc_result_free(r);
    return out;
}

static char *describe_compile(void *s)
{
    compile_state *c = s;
    struct json_object *inst[2] = {c->valid, c->invalid};
    return verdicts(c->schema, inst, 2);
}

static void release_compile(void *s)
{
    compile_state *c = s;
    cardc_schema_free(c->schema);
    c->schema = NULL;
}

/* Validate: payload text parsed and validated (every error kept), and the
 * standard "basic" output built from the result. */
typedef struct validate_state {
    const cardc_schema *schema;
    const char *text;
    size_t len;
    unsigned flags; /* CARDC_VALIDATE_*, beside ANNOTATIONS */
    struct json_object *doc, *output;
    cardc_result *result;
} validate_state;

static cardc_status run_validate(void *s, cardc_error *err)
{
    validate_state *v = s;
    cardc_validate_options vo;
    cardc_status st;

    if ((st = cardc_json_parse(v->text, v->len, "payload.json", 0, &v->doc, err)) != CARDC_OK ||
        (st = cardc_result_new(&v->result, err)) != CARDC_OK)
        return st;
    cardc_validate_options_init(&vo);
    vo.flags = CARDC_VALIDATE_ANNOTATIONS | v->flags;
    st = cardc_validate(v->schema, v->doc, &vo, v->result, err);
    if (st != CARDC_OK && st != CARDC_E_INVALID)
        return st;
    /* the verdict goes into the digest; the output is part of the run */
    if (cardc_result_output(v->result, CARDC_OUTPUT_BASIC, &v->output, err) != CARDC_OK)
        return err->code;
    return CARDC_OK;
}

static char *describe_validate(void *s)
{
    validate_state *v = s;
    char *out = dump(v->output), *doc = dump(v->doc), *both = NULL;

    /* the instance too: defaults may have been filled in */
    if (out && doc && (both = malloc(strlen(out) + strlen(doc) + 2)) != NULL)
        sprintf(both, "%s\n%s", out, doc);
    free(out);
    free(doc);
    return both;
}

static void release_validate(void *s)
{
    validate_state *v = s;
    json_object_put(v->doc);
    json_object_put(v->output);
    cardc_result_free(v->result);
    v->doc = v->output = NULL;
    v->result = NULL;
}

/* Decode and encode through the seed card's generated bindings. */
typedef struct bind_state {
    const char *text;
    size_t len;
    llava_1_5_7b_hf_input value;
    cardc_result *result; /* decode: every error */
    char *json;           /* encode's output */
    size_t json_len;
    cardc_error last; /* the run's record, for the digest */
} bind_state;

static cardc_status run_decode(void *s, cardc_error *err)
{
    bind_state *b = s;
    cardc_decode_options opts;
    cardc_status st;

    if ((st = cardc_result_new(&b->result, err)) != CARDC_OK)
        return st;
    cardc_decode_options_init(&opts);
    opts.result = b->result;
    opts.source = "payload.json";
    st = llava_1_5_7b_hf_input_decode_ex(&b->value, b->text, b->len, &opts, err);
    b->last = *err;
    /* a rejection is this operation's success: its digest is the errors */
    return st == CARDC_E_INVALID ? CARDC_OK : st;
}

static char *describe_decode(void *s)
{
    bind_state *b = s;
    char *json = NULL, *out = NULL;
    size_t len = 0, cap = 0;
    cardc_error err;
    FILE *f = open_memstream(&out, &cap);

    if (!f)
        abort();
    fprintf(f, "%s %s:%d:%d %s %s\n", cardc_status_name(b->last.code), b->last.source, b->last.line,
            b->last.column, b->last.pointer, b->last.message);
    for (size_t k = 0; k < cardc_result_error_count(b->result); k++) {
        const cardc_unit *u = cardc_result_error(b->result, k);
        fprintf(f, "%s %s %s\n", u->instance_location, u->keyword_location, u->message);
    }
    if (b->last.code == CARDC_OK &&
        llava_1_5_7b_hf_input_encode(&b->value, &json, &len, &err) == CARDC_OK)
        fprintf(f, "%s\n", json);
    free(json);
    fclose(f);
    return out;
}

static void release_bind(void *s)
{
    bind_state *b = s;
    llava_1_5_7b_hf_input_free(&b->value);
    cardc_result_free(b->result);
    free(b->json);
    b->result = NULL;
    b->json = NULL;
}

static cardc_status run_encode(void *s, cardc_error *err)
{
    bind_state *b = s;
    return llava_1_5_7b_hf_input_encode(&b->value, &b->json, &b->json_len, err);
}

static char *describe_encode(void *s)
{
    bind_state *b = s;
    return dup_str(b->json);
}

static void release_encoded(void *s)
{
    bind_state *b = s;
    free(b->json); /* the value stays, for the next run */
    b->json = NULL;
}

/* A value built by hand with the setters, then validated and encoded. */
static cardc_status run_setters(void *s, cardc_error *err)
{
    bind_state *b = s;
    static const uint8_t image[] = {137, 80, 78, 71, 13, 10, 26, 10};
    static const double temps[] = {0.5, 1.5};
    cardc_numbers other = {0};
    cardc_status st;

    b->value.kind = LLAVA_1_5_7B_HF_INPUT_OBJECT;
    b->value.u.object.has_prompt = true;
    b->value.u.object.image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
    if ((st = llava_1_5_7b_hf_input_object_init(&b->value.u.object, err)) != CARDC_OK ||
        (st = cardc_string_set(&b->value.u.object.prompt, "What is it?", 11, err)) != CARDC_OK ||
        (st = cardc_numbers_set_values(&other, temps, 2, err)) != CARDC_OK ||
        (st = cardc_numbers_set_bytes(&b->value.u.object.image.u.array, image, sizeof image,
                                      err)) != CARDC_OK)
        goto out;
    b->value.u.object.has_prompt = true;
    b->value.u.object.image.kind = LLAVA_1_5_7B_HF_INPUT_IMAGE_ARRAY;
    if ((st = llava_1_5_7b_hf_input_validate(&b->value, err)) == CARDC_OK)
        st = llava_1_5_7b_hf_input_encode(&b->value, &b->json, &b->json_len, err);
out:
    free(other.values);
    free(other.bytes);
    return st;
}

/* A schema whose "$ref"s reach another document, registered first. */
typedef struct registry_state {
    struct json_object *remote, *schema, *valid, *invalid;
    cardc_registry *registry;
    cardc_schema *compiled;
} registry_state;

static cardc_status run_registry(void *s, cardc_error *err)
{
    registry_state *r = s;
    cardc_schema_options so;
    cardc_status st;

    if ((st = cardc_registry_new(&r->registry, err)) != CARDC_OK ||
        (st = cardc_registry_add(r->registry, "https://example.com/defs.json", r->remote, err)) !=
            CARDC_OK)
        return st;
    cardc_schema_options_init(&so);
    so.registry = r->registry;
    return cardc_schema_compile(r->schema, &so, &r->compiled, err);
}

static char *describe_registry(void *s)
{
    registry_state *r = s;
    struct json_object *inst[2] = {r->valid, r->invalid};
    return verdicts(r->compiled, inst, 2);
}

static void release_registry(void *s)
{
    registry_state *r = s;
    cardc_schema_free(r->compiled);
    cardc_registry_free(r->registry);
    r->compiled = NULL;
    r->registry = NULL;
}

/* cardc gen: the card (or plain schema) read, compiled, built into the IR,
 * both files emitted and written. */
typedef struct gen_state {
    gen_request req;
    const char *card;
    char out[4096];
} gen_state;

static cardc_status run_gen(void *s, cardc_error *err)
{
    gen_state *g = s;
    return gen_generate(&g->req, err);
}

static char *describe_gen(void *s)
{
    gen_state *g = s;
    char *out = NULL;
    size_t cap = 0;
    FILE *f = open_memstream(&out, &cap);
    const char *names[] = {"llava-1.5-7b-hf.h", "llava_1_5_7b_hf.c", "hostile.h",
                           "hostile.c",         "allof.h",           "allof.c"};

    if (!f)
        abort();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4300];
        FILE *in;
        int c;
        snprintf(path, sizeof path, "%s/%s", g->out, names[i]);
        if (!(in = fopen(path, "rb")))
            continue;
        while ((c = fgetc(in)) != EOF)
            fputc(c, f);
        fclose(in);
        remove(path); /* the next run writes them anew */
    }
    fclose(f);
    return out;
}

static void release_nothing(void *s)
{
    (void)s;
}

/* ---- The harness ------------------------------------------------------ */

typedef struct summary {
    long ops, points, nomem, recovered, failed;
} summary;

static int leak_free(const char *what, long n)
{
    int shown = 0;

    if (live == 0)
        return 1;
    fprintf(stderr, "FAIL: %s: allocation %ld failing leaks %ld block(s), made by allocation", what,
            n, live);
    for (size_t i = 0; i < TRACK_SLOTS && shown < 8; i++)
        if (tracked[i] > 1) {
            fprintf(stderr, " %ld", ordinal[i]);
            shown++;
        }
    fputs(" (CARDC_NOMEM_BACKTRACE=N shows where)\n", stderr);
    return 0;
}

/* One operation, armed so that allocation `n` fails (0: none); its outcome. */
static outcome once(const op *o, long n, long *allocations)
{
    cardc_error err;
    outcome out = {CARDC_OK, NULL};

    memset(&err, 0x5a, sizeof err);
    arm(n);
    out.status = o->run(o->state, &err);
    disarm();
    *allocations = alloc_count;
    if (out.status == CARDC_OK)
        out.digest = o->describe(o->state);
    else if (out.status == CARDC_E_NOMEM)
        CHECK_MSG(err.code == CARDC_E_NOMEM && err.message[0] && memchr(err.message, 0, 512) &&
                      (unsigned char)err.message[0] != 0x5a,
                  "%s: allocation %ld: CARDC_E_NOMEM but the record says %s, '%.60s'", o->name, n,
                  cardc_status_name(err.code), err.message);
    else
        CHECK_MSG(n == 0, "%s: allocation %ld failing gives %s, not nomem: %s", o->name, n,
                  cardc_status_name(out.status), err.message);
    o->release(o->state);
    CHECK(leak_free(o->name, n));
    return out;
}

#define CHECK_OK(cond) check_report(!!(cond), __FILE__, __LINE__, "%s", #cond)

/* Where a run's result departs from the run without failures. */
static void report_difference(const char *what, long n, const char *want, const char *got)
{
    size_t i = 0;

    while (want && got && want[i] && want[i] == got[i])
        i++;
    fprintf(stderr,
            "FAIL: %s: allocation %ld failing changes the result silently, at byte %zu:\n"
            "  expected ...%.200s\n  got      ...%.200s\n",
            what, n, i, want ? want + i : "(none)", got ? got + i : "(none)");
}

static void exercise(const op *o, summary *sum)
{
    long total = 0, got, nomem = 0, recovered = 0;
    outcome base, r;

    free(once(o, 0, &got).digest); /* warm up: lazily made state is made now */
    base = once(o, 0, &total);
    CHECK_MSG(base.status == CARDC_OK && base.digest, "%s: fails without failures: %s", o->name,
              cardc_status_name(base.status));
    for (long n = start_at; n <= total; n++) {
        r = once(o, n, &got);
        if (r.status == CARDC_E_NOMEM) {
            nomem++;
        } else if (r.status == CARDC_OK) {
            if (!CHECK_OK(r.digest && base.digest && strcmp(r.digest, base.digest) == 0))
                report_difference(o->name, n, base.digest, r.digest);
            recovered++;
            if (getenv("CARDC_NOMEM_VERBOSE"))
                fprintf(stderr, "%s: allocation %ld failing: recovered\n", o->name, n);
        }
        free(r.digest);
    }
    free(base.digest);
    printf("%-16s %6ld allocations: %6ld failed with CARDC_E_NOMEM, %4ld recovered (same "
           "result)\n",
           o->name, total, nomem, recovered);
    fflush(stdout);
    sum->ops++;
    sum->points += total;
    sum->nomem += nomem;
    sum->recovered += recovered;
}

/* A schema that reaches for most of the compiler: a pattern (pcre2),
 * asserted formats, local and dynamic references, applicators,
 * unevaluatedProperties, errorMessage. */
static const char rich_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
    "\"$id\":\"https://example.com/root\",\"$defs\":{\"name\":{\"type\":\"string\","
    "\"pattern\":\"^[a-z]+(-[a-z]+)*$\",\"minLength\":2},\"node\":{\"$dynamicAnchor\":\"node\","
    "\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":"
    "{\"$dynamicRef\":\"#node\"}}}}},\"type\":\"object\",\"properties\":{\"name\":"
    "{\"$ref\":\"#/$defs/name\"},\"mail\":{\"format\":\"email\"},\"when\":"
    "{\"format\":\"date-time\"},\"tree\":{\"$ref\":\"#/$defs/node\"},\"tags\":{\"type\":\"array\","
    "\"uniqueItems\":true,\"contains\":{\"const\":\"x\"},\"maxContains\":2},\"n\":"
    "{\"type\":\"number\",\"multipleOf\":0.01,\"exclusiveMaximum\":100}},"
    "\"patternProperties\":{\"^x-\":{\"type\":\"string\"}},\"dependentSchemas\":{\"mail\":"
    "{\"required\":[\"name\"]}},\"if\":{\"required\":[\"n\"]},\"then\":{\"properties\":{\"n\":"
    "{\"minimum\":1}}},\"unevaluatedProperties\":false,\"required\":[\"name\"],"
    "\"errorMessage\":{\"required\":{\"name\":\"a name is required\"}}}";
static const char rich_valid[] =
    "{\"name\":\"ab-cd\",\"mail\":\"a@b.co\",\"when\":\"2024-01-01T00:00:00Z\",\"tree\":{\"kids\":"
    "[{\"kids\":[]}]},\"tags\":[\"x\",\"y\"],\"n\":5.25,\"x-a\":\"s\"}";
static const char rich_invalid[] =
    "{\"mail\":\"nope\",\"when\":\"x\",\"tree\":{\"kids\":[1]},\"tags\":[\"x\",\"x\",\"x\"],"
    "\"n\":0.001,\"x-b\":1,\"extra\":true}";

/* A card in Workers AI's JSON layout, with typed properties. */
static const char json_card[] =
    "{\"name\":\"@cf/test/json-card\",\"description\":\"A card in JSON.\",\"task\":{\"id\":\"t1\","
    "\"name\":\"Text Generation\",\"description\":\"Generates text.\"},\"properties\":"
    "[{\"property_id\":\"context_window\",\"value\":\"4096\"},{\"property_id\":\"price\",\"value\":"
    "[{\"unit\":\"per M input tokens\",\"price\":0.5,\"currency\":\"USD\"}]},{\"property_id\":"
    "\"function_calling\",\"value\":\"true\"},{\"property_id\":\"async_queue\",\"value\":\"true\"}]"
    ","
    "\"schema\":{\"input\":{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"}},"
    "\"required\":[\"prompt\"]},\"output\":{\"type\":\"object\",\"properties\":{\"response\":"
    "{\"type\":\"string\"}}}}}";
static const char remote_doc[] =
    "{\"$id\":\"https://example.com/defs.json\",\"$defs\":{\"id\":{\"type\":\"string\","
    "\"pattern\":\"^[0-9a-f]{8}$\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"uniqueItems\":true}}}";
static const char remote_schema[] =
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
    "\"properties\":{\"id\":{\"$ref\":\"https://example.com/defs.json#/$defs/id\"},\"tags\":"
    "{\"$ref\":\"https://example.com/defs.json#/$defs/tags\"}},\"required\":[\"id\"]}";

static struct json_object *parse_or_die(const char *text)
{
    struct json_object *v = NULL;
    cardc_error err;

    if (cardc_json_parse(text, strlen(text), "fixture", 0, &v, &err) != CARDC_OK) {
        fprintf(stderr, "test_alloc_failures: fixture: %s\n", err.message);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static card_state seed_card, yaml_card, json_card_state;
    static registry_state remote;
    static validate_state defaults;
    static bind_state decode_image, setters;
    static compile_state seed_compile, rich_compile;
    static validate_state seed_validate, rich_validate;
    static bind_state decode_valid, decode_invalid, encode;
    static gen_state gen_card, gen_schema, gen_allof;
    char card_path[1024], yaml_path[1024], hostile_path[1024], allof_path[1024];
    char tmpl[] = "/tmp/cardc-nomem-XXXXXX";
    const char *cards[1];
    const struct json_object *input = NULL;
    cardc_card *card = NULL;
    cardc_error err;
    summary sum = {0};
    char *payload_invalid, *payload_valid;
    size_t invalid_len, valid_len;

    if (argc < 2) {
        fputs("usage: test_alloc_failures SOURCE_ROOT [OPERATION]\n", stderr);
        return 2;
    }
    root = argv[1];
    if (getenv("CARDC_NOMEM_FROM"))
        start_at = atol(getenv("CARDC_NOMEM_FROM"));
    if (getenv("CARDC_NOMEM_BACKTRACE"))
        backtrace_at = atol(getenv("CARDC_NOMEM_BACKTRACE"));
    snprintf(card_path, sizeof card_path, "%s/schemas/llava-1.5-7b-hf.md", root);
    snprintf(yaml_path, sizeof yaml_path, "%s/tests/unit/cards/typing.yaml", root);
    snprintf(hostile_path, sizeof hostile_path, "%s/tests/gen/hostile.json", root);
    snprintf(allof_path, sizeof allof_path, "%s/tests/gen/allof.json", root);
    seed_card.text = slurp("schemas/llava-1.5-7b-hf.md", &seed_card.len);
    yaml_card.path = yaml_path;
    payload_invalid = slurp("examples/payloads/llava-1.5-7b-hf/invalid-both.json", &invalid_len);
    payload_valid = slurp("examples/payloads/llava-1.5-7b-hf/valid-messages.json", &valid_len);
    decode_image.text =
        slurp("examples/payloads/llava-1.5-7b-hf/valid-prompt.json", &decode_image.len);
    json_card_state.text = json_card;
    json_card_state.len = strlen(json_card);
    remote.remote = parse_or_die(remote_doc);
    remote.schema = parse_or_die(remote_schema);
    remote.valid = parse_or_die("{\"id\":\"0123abcd\",\"tags\":[\"a\",\"b\"]}");
    remote.invalid = parse_or_die("{\"id\":\"xyz\",\"tags\":[\"a\",\"a\"]}");
    if (cardc_card_load_mem(seed_card.text, seed_card.len, "seed.md", NULL, &card, &err) ||
        cardc_card_schema(card, CARDC_SIDE_INPUT, &input, &err))
        return 2;
    seed_compile.doc = json_object_get((struct json_object *)input);
    seed_compile.valid = parse_or_die(payload_valid);
    seed_compile.invalid = parse_or_die(payload_invalid);
    rich_compile.doc = parse_or_die(rich_schema);
    rich_compile.valid = parse_or_die(rich_valid);
    rich_compile.invalid = parse_or_die(rich_invalid);
    rich_compile.flags = CARDC_SCHEMA_ASSERT_FORMAT;
    if (run_compile(&seed_compile, &err) || run_compile(&rich_compile, &err))
        return 2;
    seed_validate.schema = seed_compile.schema;
    seed_validate.text = payload_invalid;
    seed_validate.len = invalid_len;
    rich_validate.schema = rich_compile.schema;
    rich_validate.text = rich_invalid;
    rich_validate.len = strlen(rich_invalid);
    defaults.schema = seed_compile.schema;
    defaults.text = decode_image.text;
    defaults.len = decode_image.len;
    defaults.flags = CARDC_VALIDATE_APPLY_DEFAULTS;
    decode_valid.text = encode.text = payload_valid;
    decode_valid.len = encode.len = valid_len;
    decode_invalid.text = payload_invalid;
    decode_invalid.len = invalid_len;
    if (llava_1_5_7b_hf_input_decode(&encode.value, payload_valid, valid_len, &err) != CARDC_OK ||
        !mkdtemp(tmpl))
        return 2;
    cards[0] = card_path;
    snprintf(gen_card.out, sizeof gen_card.out, "%s", tmpl);
    gen_card.req.cards = cards;
    gen_card.req.card_count = 1;
    gen_card.req.dir = gen_card.out;
    snprintf(gen_schema.out, sizeof gen_schema.out, "%s", tmpl);
    gen_schema.req.schema = hostile_path;
    gen_schema.req.name = "hostile";
    gen_schema.req.dir = gen_schema.out;
    snprintf(gen_allof.out, sizeof gen_allof.out, "%s", tmpl);
    gen_allof.req.schema = allof_path; /* allOf merged into one struct */
    gen_allof.req.name = "allof";
    gen_allof.req.dir = gen_allof.out;
    {
        /* compile, describe and release act on the op's own state; the
         * schemas the validate runs use are compiled once, above */
        static compile_state seed_again, rich_again;
        const op ops[] = {
            {"card-seed", run_card, describe_card, release_card, &seed_card},
            {"card-yaml-file", run_card, describe_card, release_card, &yaml_card},
            {"card-json", run_card, describe_card, release_card, &json_card_state},
            {"compile-seed", run_compile, describe_compile, release_compile, &seed_again},
            {"compile-rich", run_compile, describe_compile, release_compile, &rich_again},
            {"compile-remote", run_registry, describe_registry, release_registry, &remote},
            {"validate-seed", run_validate, describe_validate, release_validate, &seed_validate},
            {"validate-rich", run_validate, describe_validate, release_validate, &rich_validate},
            {"validate-defaults", run_validate, describe_validate, release_validate, &defaults},
            {"decode-valid", run_decode, describe_decode, release_bind, &decode_valid},
            {"decode-invalid", run_decode, describe_decode, release_bind, &decode_invalid},
            {"decode-image", run_decode, describe_decode, release_bind, &decode_image},
            {"setters", run_setters, describe_encode, release_bind, &setters},
            {"encode", run_encode, describe_encode, release_encoded, &encode},
            {"gen-card", run_gen, describe_gen, release_nothing, &gen_card},
            {"gen-schema", run_gen, describe_gen, release_nothing, &gen_schema},
            {"gen-allof", run_gen, describe_gen, release_nothing, &gen_allof},
        };
        seed_again = seed_compile;
        seed_again.schema = NULL;
        rich_again = rich_compile;
        rich_again.schema = NULL;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (argc < 3 || strcmp(argv[2], ops[i].name) == 0)
                exercise(&ops[i], &sum);
    }
    printf("%ld operations, %ld allocation failures injected: %ld returned CARDC_E_NOMEM with "
           "the record filled, %ld recovered with the same result, none leaked\n",
           sum.ops, sum.points, sum.nomem, sum.recovered);
    rmdir(tmpl);
    llava_1_5_7b_hf_input_free(&encode.value);
    json_object_put(seed_compile.doc);
    json_object_put(seed_compile.valid);
    json_object_put(seed_compile.invalid);
    json_object_put(rich_compile.doc);
    json_object_put(rich_compile.valid);
    json_object_put(rich_compile.invalid);
    cardc_schema_free(seed_compile.schema);
    cardc_schema_free(rich_compile.schema);
    cardc_card_free(card);
    free((char *)seed_card.text);
    free(payload_invalid);
    free(payload_valid);
    free((char *)decode_image.text);
    json_object_put(remote.remote);
    json_object_put(remote.schema);
    json_object_put(remote.valid);
    json_object_put(remote.invalid);
    return check_summary();
}
