/* SPDX-License-Identifier: MIT */
/* The typed API generated for tests/gen/hostile.json, used directly:
 * init with defaults, decode, member names that survived mangling, the
 * enum and map helpers, encode, free (twice). Built by test_gen.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/json.h"
#include "hostile.h"

static int failed;

#define CHECK(c)                                                          \
    do {                                                                  \
        if (!(c)) {                                                       \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #c); \
            failed++;                                                     \
        }                                                                 \
    } while (0)

int main(int argc, char **argv)
{
    hostile v;
    cardc_error err;
    char *text = NULL, *out = NULL;
    size_t len = 0, out_len = 0;

    if (argc != 2 || cardc_read_file(argv[1], &text, &len, &err) != CARDC_OK) {
        fprintf(stderr, "usage: test_api hostile-payload.json\n");
        return 2;
    }
    CHECK(hostile_init(&v, &err) == CARDC_OK);
    CHECK(v.has_include_stdio_h);
    CHECK(v.include_stdio_h.data && strcmp(v.include_stdio_h.data, "*/ ?\?/ \\") == 0);
    hostile_free(&v);

    CHECK(hostile_decode(&v, text, len, &err) == CARDC_OK);
    CHECK(v.int_ == 1);
    CHECK(v.f_2x.len == 3 && memcmp(v.f_2x.data, "two", 3) == 0);
    CHECK(v.has_a_b && v.a_b && v.has_a_b_2 && !v.a_b_2);
    CHECK(v.has_has_foo && v.has_foo && v.has_foo_2 && strcmp(v.foo_2.data, "f") == 0);
    CHECK(v.has_foo_is_null_2 && v.foo_is_null_2 == 3);
    CHECK(v.has_maybe && v.maybe_is_null);
    CHECK(v.has_x_y_z && v.x_y_z == 1.5);
    CHECK(v.has_u00e9 && v.u00e9 == HOSTILE_U00E9_V);
    CHECK(strcmp(hostile_u00e9_to_string(v.u00e9), "*/") == 0);
    CHECK(hostile_u00e9_to_string(HOSTILE_U00E9_UNSET) == NULL);
    CHECK(hostile_u00e9_from_string("\xc3\xa9", 2) == HOSTILE_U00E9_U00E9);
    CHECK(hostile_u00e9_from_string("nope", 4) == HOSTILE_U00E9_UNSET);
    CHECK(v.has_type && v.type == HOSTILE_TYPE_ENUM_X);
    CHECK(v.has_map && v.map.count == 2);
    CHECK(hostile_map_get(&v.map, "*/") && *hostile_map_get(&v.map, "*/") == 2);
    CHECK(hostile_map_get(&v.map, "absent") == NULL);
    CHECK(v.has_tree && v.tree.has_children && v.tree.children.count == 1 &&
          strcmp(v.tree.children.items[0].name.data, "leaf") == 0);
    CHECK(v.has_int_injected_7 && v.int_injected_7);
    /* Defaults apply to absent members on decode. */
    CHECK(v.has_include_stdio_h && strcmp(v.include_stdio_h.data, "*/ ?\?/ \\") == 0);
    CHECK(hostile_validate(&v, &err) == CARDC_OK);
    CHECK(hostile_encode(&v, &out, &out_len, &err) == CARDC_OK && out && out_len > 0);
    /* A hand-made break is refused by encode and validate. */
    v.map.items[0].value = 7;
    v.x_y_z = -1;
    CHECK(hostile_validate(&v, &err) == CARDC_E_INVALID);
    free(out);
    out = NULL;
    CHECK(hostile_encode(&v, &out, &out_len, &err) == CARDC_E_INVALID && out == NULL);
    hostile_free(&v);
    hostile_free(&v);
    hostile_free(NULL);
    CHECK(hostile_model.input.type == &hostile_type && hostile_model.output.type == NULL);
    free(text);
    printf("test_api: %s\n", failed ? "FAILED" : "ok");
    return failed ? 1 : 0;
}
