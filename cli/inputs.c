/* SPDX-License-Identifier: MIT */
/* Payload arguments to files: a file, "-", a directory (searched
 * recursively, in name order, for the --ext endings) or a glob pattern the
 * shell did not expand (quoted in a CI file). */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inputs.h"

static bool ends_with(const char *s, const char *end)
{
    size_t ls = strlen(s), le = strlen(end);

    return le <= ls && strcmp(s + ls - le, end) == 0;
}

bool cli_path_is_yaml(const char *path)
{
    return ends_with(path, ".yaml") || ends_with(path, ".yml");
}

static int push(cli_inputs *in, const char *path, bool jsonl)
{
    char *copy;

    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        cli_input *items = realloc(in->items, cap * sizeof *items);
        if (!items) {
            fprintf(stderr, "%s: error: out of memory\n", path);
            return -1;
        }
        in->items = items;
        in->cap = cap;
    }
    copy = strdup(path);
    if (!copy) {
        fprintf(stderr, "%s: error: out of memory\n", path);
        return -1;
    }
    in->items[in->count++] = (cli_input){copy, jsonl, cli_path_is_yaml(path)};
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk(cli_inputs *in, const char *dir, bool jsonl, const char *const *exts, size_t n_exts,
                int depth)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name), rc = 0;

    if (n < 0) {
        fprintf(stderr, "%s: error: cannot read the directory: %s\n", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const char *base = names[i]->d_name;
        size_t len = strlen(dir) + strlen(base) + 2;
        char *path = rc == 0 && base[0] != '.' ? malloc(len) : NULL;
        struct stat st;

        if (path) {
            snprintf(path, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", base);
            if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
                /* A symlink loop stops here, not in the stack. */
                if (depth < 64)
                    rc = walk(in, path, jsonl, exts, n_exts, depth + 1);
            } else {
                for (size_t k = 0; k < n_exts && rc == 0; k++)
                    if (ends_with(base, exts[k])) {
                        rc = push(in, path, jsonl);
                        break;
                    }
            }
            free(path);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int cli_inputs_add(cli_inputs *in, const char *arg, bool jsonl, const char *const *exts,
                   size_t n_exts)
{
    struct stat st;
    glob_t g;
    int rc;

    if (strcmp(arg, "-") == 0 || stat(arg, &st) == 0 ? false : strpbrk(arg, "*?[") != NULL) {
        in->expanded = true;
        rc = glob(arg, 0, NULL, &g);
        if (rc == GLOB_NOMATCH) {
            fprintf(stderr, "%s: error: no file matches the pattern\n", arg);
            return 1;
        }
        for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++)
            rc = stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode)
                     ? walk(in, g.gl_pathv[i], jsonl, exts, n_exts, 0)
                     : push(in, g.gl_pathv[i], jsonl);
        globfree(&g);
        return rc ? 1 : 0;
    }
    if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        in->expanded = true;
        return walk(in, arg, jsonl, exts, n_exts, 0) ? 1 : 0;
    }
    return push(in, arg, jsonl) ? 1 : 0;
}

void cli_inputs_free(cli_inputs *in)
{
    for (size_t i = 0; i < in->count; i++)
        free(in->items[i].path);
    free(in->items);
    in->items = NULL;
    in->count = in->cap = 0;
}
