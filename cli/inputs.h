/* SPDX-License-Identifier: MIT */
/* The payload files a cardc validate run reads. */
#ifndef CARDC_CLI_INPUTS_H
#define CARDC_CLI_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct cli_input {
    char *path; /* owned; "-" = stdin */
    bool jsonl; /* one payload per line */
    bool yaml;  /* named *.yaml / *.yml */
} cli_input;

typedef struct cli_inputs {
    cli_input *items;
    size_t count, cap;
    bool expanded; /* a directory or a pattern was given: a run over many files */
} cli_inputs;

/* Whether the name says YAML (.yaml, .yml). */
bool cli_path_is_yaml(const char *path);

/* Adds arg: a file or "-" as is; a directory as every file below it whose
 * name ends with one of exts (hidden entries skipped, name order); a pattern
 * with * ? [ that names no file as its glob(3) matches. Returns 0, or 1
 * when the argument gave nothing readable or memory ran out (reported on
 * stderr: the caller counts it unreadable). */
int cli_inputs_add(cli_inputs *in, const char *arg, bool jsonl, const char *const *exts,
                   size_t n_exts);

void cli_inputs_free(cli_inputs *in);

#endif
