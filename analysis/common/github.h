/* SPDX-License-Identifier: MIT */
/* github.h: what the `--format github` output of lint, diff and validate
 * shares. */
#ifndef CARDC_ANALYSIS_GITHUB_H
#define CARDC_ANALYSIS_GITHUB_H

#include <stdbool.h>
#include <stdio.h>

/* Writes s escaped for a GitHub workflow command: data escapes %, CR and
 * LF; a property (file=, title=) also ':' and ','. */
void analysis_github_escape(FILE *out, const char *s, bool property);

#endif
