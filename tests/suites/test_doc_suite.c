/* SPDX-License-Identifier: MIT */
/* The validation document's parser (json/doc.h) against JSONTestSuite
 * (argv[1]: its directory, holding test_parsing/ and test_transform/):
 * every y_ file parses, every n_ file is refused, and on every file (i_ and
 * the transform cases too) the verdict is cardc_json_parse's; when both
 * accept, the document holds json-c's values; when both refuse, the error
 * is the same (line, column, message; cardc__doc_parity).
 * Each file is also read with a nesting limit of 2 and with repeated keys
 * refused, and mutated 40 ways (bytes changed, inserted, removed, the text
 * cut short), every mutant held to the same. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cardc/cardc.h"
#include "json/doc.h"
#include "json/json_internal.h"

#include "check.h"

static int files, accepted, mutants;

/* Both parsers on text[0..len) (cardc__doc_parity); returns 1 when accepted. */
static int compare(const char *name, const char *text, size_t len, int max_depth, unsigned flags)
{
    cardc_doc_parity p;
    const char *differs = cardc__doc_parity(text, len, name, max_depth, flags, &p);

    CHECK_MSG(!differs,
              "%s (depth %d, flags %u): %s: cardc_json_parse says %s %d:%d %s, the document %s "
              "%d:%d %s",
              name, max_depth, flags, differs, cardc_status_name(p.json_status), p.json_error.line,
              p.json_error.column, p.json_error.message, cardc_status_name(p.doc_status),
              p.doc_error.line, p.doc_error.column, p.doc_error.message);
    json_object_put(p.tree);
    return p.doc_status == CARDC_OK;
}

static unsigned rnd(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7FFF;
}

static void mutate(const char *name, const char *text, size_t len)
{
    static const char pieces[] = "{}[],:\"\\-0123456789.eE+tfnulrsa \t\n\x80\xC3\xA9\xFF\x00u";
    unsigned state = (unsigned)len * 2654435761u + 7u;
    char *buf = malloc(len + 2);

    for (int m = 0; m < 40 && buf; m++) {
        size_t n = len, at = len ? rnd(&state) % len : 0;
        memcpy(buf, text, len);
        switch (m % 4) {
        case 0:
            if (len)
                buf[at] = pieces[rnd(&state) % (sizeof pieces - 1)];
            break;
        case 1:
            memmove(buf + at + 1, buf + at, len - at);
            buf[at] = pieces[rnd(&state) % (sizeof pieces - 1)];
            n++;
            break;
        case 2:
            if (len) {
                memmove(buf + at, buf + at + 1, len - at - 1);
                n--;
            }
            break;
        default: n = at; break;
        }
        compare(name, buf, n, 0, 0);
        mutants++;
    }
    free(buf);
}

static void run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[4096];
        char *text = NULL;
        size_t len = 0;
        int ok;
        if (!strstr(e->d_name, ".json"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        CHECK(cardc_read_file(path, &text, &len, NULL) == CARDC_OK);
        if (!text)
            continue;
        files++;
        ok = compare(e->d_name, text, len, 0, 0);
        accepted += ok;
        if (e->d_name[0] == 'y' && e->d_name[1] == '_')
            CHECK_MSG(ok, "%s must parse", e->d_name);
        if (e->d_name[0] == 'n' && e->d_name[1] == '_')
            CHECK_MSG(!ok, "%s must be refused", e->d_name);
        compare(e->d_name, text, len, 2, 0);
        compare(e->d_name, text, len, 0, CARDC__DOC_REJECT_DUPLICATES);
        mutate(e->d_name, text, len);
        free(text);
    }
    closedir(d);
}

/* Cases the suite lacks: repeated keys (json-c's order, the last value),
 * byte arrays that turn out not to be, keys cut at U+0000, big objects. */
static void extra_cases(void)
{
    static const char *const cases[] = {
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"a\":[1,2],\"b\":{\"c\":1,\"c\":[true]},\"a\":{\"x\":null},\"b\":0}",
        "{\"a\\u0000b\":1,\"a\\u0000c\":2}",
        "[1,2,3,255,0]",
        "[1,2,3,256]",
        "[0,1, 2 ,3\n]",
        "[[1,2],[3,4.5],[-1],[0],[]]",
        "[1,2,1e2]",
        "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,"
        "\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,"
        "\"k17\":17,\"k3\":33,\"k18\":18,\"k19\":19,\"k20\":20,\"k21\":21,\"k22\":22,"
        "\"k23\":23,\"k24\":24,\"k25\":25,\"k26\":26,\"k27\":27,\"k28\":28,\"k29\":29,"
        "\"k30\":30,\"k31\":31,\"k32\":32,\"k33\":33,\"k34\":34,\"k35\":35,\"k36\":36,"
        "\"k37\":37,\"k38\":38,\"k17\":[1]}",
        "[18446744073709551615,18446744073709551616,-9223372036854775808,"
        "-9223372036854775809,9223372036854775807,9223372036854775808,"
        "123456789012345678901234567890,-123456789012345678901234567890]",
        ("[0.1,1e22,1e23,1.7976931348623157e308,5e-324,1e999,-0,-0.0,0.000001234,"
         "123456789012345678.5,1E+2,1e-2]"),
        "\"\\ud800\\udc00\\ud800x\\udc00\\u00e9\\u20ac\"",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_MSG(compare("extra", cases[i], strlen(cases[i]), 0, 0), "extra case %zu", i);
        compare("extra", cases[i], strlen(cases[i]), 0, CARDC__DOC_REJECT_DUPLICATES);
        mutate("extra", cases[i], strlen(cases[i]));
    }
}

/* Long arrays of small integers take the 16-bytes-at-a-time path of the
 * byte-array reader: each element in turn replaced by something that is
 * not a plain byte (or a plain byte written another way), at every place
 * in a 16-byte block. */
static void byte_array_cases(void)
{
    static const char *const odd[] = {"01",  "00",   "256", "999", "1000", "1.5", "-1", "1e2",
                                      "0",   "255",  "100", "10",  " 7",   "7 ",  "",   "\"x\"",
                                      "[1]", "true", "+1",  "0x1", "012",  "2550"};
    char text[512];
    for (size_t o = 0; o < sizeof odd / sizeof odd[0]; o++) {
        for (int at = 0; at < 40; at++) {
            size_t len = 0;
            text[len++] = '[';
            for (int i = 0; i < 40; i++) {
                const char *e = i == at ? odd[o] : (i % 3 == 0 ? "7" : i % 3 == 1 ? "42" : "199");
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? "," : "", e);
            }
            text[len++] = ']';
            compare("byte array", text, len, 0, 0);
            mutants++;
        }
    }
}

int main(int argc, char **argv)
{
    char path[4096];
    if (argc < 2) {
        fprintf(stderr, "usage: %s JSONTestSuite-dir\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof path, "%s/test_parsing", argv[1]);
    run_dir(path);
    snprintf(path, sizeof path, "%s/test_transform", argv[1]);
    run_dir(path);
    extra_cases();
    byte_array_cases();
    CHECK_MSG(files > 300, "only %d files read from %s", files, argv[1]);
    printf("%d files (%d accepted), %d mutants: the document agrees with cardc_json_parse\n", files,
           accepted, mutants);
    return check_summary();
}
