/* SPDX-License-Identifier: MIT */
/* The pull parser against JSONTestSuite's test_parsing (path in argv[1]):
 * every y_ file must be read to CARDC_TOK_END, every n_ file must end in
 * CARDC_TOK_ERROR, and on every file (i_ too) the verdict must be
 * cardc_json_parse's, the parser payloads go through otherwise. Each file
 * is read three ways: token by token; with cardc_pull_skip at the root; and
 * token by token trying cardc_pull_bytes at every array (falling back when
 * it declines). Then every file is mutated (bytes changed, inserted,
 * removed, the text cut short) and each mutant must get the same verdict,
 * and when rejected the same error offset, from both parsers (the wording
 * is counted: json-c's differs in a few grammar cases). Run under
 * ASan to see that nothing crashes or leaks. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "cardc/pull.h"
#include "json/json_internal.h"

#include "check.h"

/* 1 when the document reads to END, 0 on ERROR (with an error recorded). */
static int walk(const char *text, size_t len, int how)
{
    cardc_pull p;
    cardc_token tok;
    int ok;

    cardc_pull_init(&p, text, len, 0);
    if (how == 1) {
        tok = cardc_pull_next(&p);
        if (tok != CARDC_TOK_ERROR && cardc_pull_skip(&p) == 0)
            tok = cardc_pull_next(&p);
        else
            tok = CARDC_TOK_ERROR;
    } else {
        while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END) {
            if (how == 2 && tok == CARDC_TOK_ARRAY_BEGIN) {
                uint8_t *data;
                size_t count;
                int r = cardc_pull_bytes(&p, &data, &count);
                free(data);
                if (r < 0) {
                    tok = CARDC_TOK_ERROR;
                    break;
                }
            }
        }
    }
    ok = tok == CARDC_TOK_END;
    CHECK_MSG(ok || (p.tok == CARDC_TOK_ERROR && p.error != CARDC_OK && p.message[0] &&
                     p.error_offset <= len),
              "error without a code, message or sane offset");
    /* Both are sticky. */
    CHECK(cardc_pull_next(&p) == tok);
    cardc_pull_free(&p);
    return ok;
}

/* A small deterministic generator: the mutants are the same every run. */
static unsigned rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7FFF;
}

static int mutants_total, mutants_rejected, mutants_same_words;

/* Mutations of text[0..len): both parsers must agree on each. */
static void mutate(const char *name, const char *text, size_t len)
{
    static const char pieces[] = "{}[],:\"\\-0123456789.eE+tfnulrsa \t\n\x80\xC3\xA9\xFF\x00";
    unsigned state = (unsigned)len * 2654435761u;
    char *buf = malloc(len + 2);

    for (int m = 0; m < 40 && buf; m++) {
        size_t n = len, at = len ? rnd(&state) % len : 0;
        struct json_object *obj = NULL;
        char msg[160];
        size_t ref_off = 0;
        cardc_pull p;
        cardc_token tok;
        int ref, ok;

        memcpy(buf, text, len);
        switch (m % 4) {
        case 0: /* change a byte */
            if (len)
                buf[at] = pieces[rnd(&state) % (sizeof pieces - 1)];
            break;
        case 1: /* insert one */
            memmove(buf + at + 1, buf + at, len - at);
            buf[at] = pieces[rnd(&state) % (sizeof pieces - 1)];
            n++;
            break;
        case 2: /* remove one */
            if (len) {
                memmove(buf + at, buf + at + 1, len - at - 1);
                n--;
            }
            break;
        default: /* cut short */ n = at; break;
        }
        ref = cardc__json_parse(buf, n, CARDC_JSON_DEFAULT_MAX_DEPTH, 0, &obj, &ref_off, msg,
                                sizeof msg) == CARDC_OK;
        json_object_put(obj);
        cardc_pull_init(&p, buf, n, 0);
        while ((tok = cardc_pull_next(&p)) > CARDC_TOK_END)
            ;
        ok = tok == CARDC_TOK_END;
        mutants_total++;
        CHECK_MSG(ok == ref,
                  "%s, mutant %d: cardc_json_parse says %d (%s at %zu), the pull "
                  "parser %d (%s at %zu)",
                  name, m, ref, ref ? "" : msg, ref_off, ok, p.message, p.error_offset);
        if (!ok && !ref) {
            mutants_rejected++;
            CHECK_MSG(p.error_offset == ref_off,
                      "%s, mutant %d: error at %zu (%s), cardc_json_parse "
                      "at %zu (%s)",
                      name, m, p.error_offset, p.message, ref_off, msg);
            /* json-c's own words differ in a few places ("number expected" for [1:]) */
            mutants_same_words += strcmp(p.message, msg) == 0;
        }
        cardc_pull_free(&p);
    }
    free(buf);
}

int main(int argc, char **argv)
{
    DIR *dir;
    struct dirent *de;
    int y_total = 0, y_ok = 0, n_total = 0, n_ok = 0, i_total = 0, i_accepted = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: test_pull_suite DIR (JSONTestSuite/test_parsing)\n");
        return 1;
    }
    dir = opendir(argv[1]);
    if (!dir) {
        fprintf(stderr,
                "test_pull_suite: FAIL: cannot open %s (the shared JSONTestSuite is "
                "missing)\n",
                argv[1]);
        return 1;
    }
    while ((de = readdir(dir)) != NULL) {
        const char *name = de->d_name;
        size_t nl = strlen(name);
        char path[4096];
        char *text;
        size_t len;
        cardc_error err;
        struct json_object *obj = NULL;
        int ok, ok_skip, ok_bytes, ref;

        if (nl < 6 || strcmp(name + nl - 5, ".json") != 0 || name[1] != '_')
            continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], name);
        cardc_error_clear(&err);
        if (cardc_read_file(path, &text, &len, &err) != CARDC_OK) {
            CHECK_MSG(0, "%s: %s", name, err.message);
            continue;
        }
        ok = walk(text, len, 0);
        ok_skip = walk(text, len, 1);
        ok_bytes = walk(text, len, 2);
        ref = cardc_json_parse(text, len, name, 0, &obj, NULL) == CARDC_OK;
        json_object_put(obj);
        mutate(name, text, len);
        free(text);
        CHECK_MSG(ok_skip == ok, "%s: skip says %d, tokens %d", name, ok_skip, ok);
        CHECK_MSG(ok_bytes == ok, "%s: with bytes %d, tokens %d", name, ok_bytes, ok);
        CHECK_MSG(ref == ok, "%s: cardc_json_parse says %d, the pull parser %d", name, ref, ok);
        switch (name[0]) {
        case 'y':
            y_total++;
            y_ok += ok;
            CHECK_MSG(ok, "%s must parse", name);
            break;
        case 'n':
            n_total++;
            n_ok += !ok;
            CHECK_MSG(!ok, "%s must be rejected", name);
            break;
        case 'i':
            i_total++;
            i_accepted += ok;
            break;
        default: break;
        }
    }
    closedir(dir);
    printf("y_: %d/%d accepted, n_: %d/%d rejected, i_: %d/%d accepted\n", y_ok, y_total, n_ok,
           n_total, i_accepted, i_total);
    printf("mutants: %d (same verdict required), rejected: %d (same offset "
           "required), in the same words: %d\n",
           mutants_total, mutants_rejected, mutants_same_words);
    /* An empty or partial directory must not pass. */
    CHECK_MSG(y_total >= 90 && n_total >= 180, "too few cases found in %s", argv[1]);
    return check_summary();
}
