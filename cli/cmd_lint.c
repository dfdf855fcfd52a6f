/* SPDX-License-Identifier: MIT */
/* cardc lint: reads the options; the rules live in analysis/lint. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lint.h"

void cli_usage_lint(FILE *out)
{
    fputs("Usage: cardc lint [OPTIONS] CARD... [--schema FILE...] [-o FILE]\n"
          "\n"
          "Finds defects in model cards and JSON Schemas that validators do not report:\n"
          "defaults that break their schema, required names no property declares,\n"
          "keywords misspelt, misplaced or for another type, unsatisfiable bounds, oneOf\n"
          "branches that overlap (proved with a value matching both), unreachable anyOf\n"
          "branches, non-ECMA-262 patterns, unknown formats, and card-level problems.\n"
          "Each finding: FILE:LINE:COL, JSON Pointer, rule ID, level and a suggestion.\n"
          "\n"
          "Options:\n"
          "  --schema FILE         lint a plain JSON Schema file (repeatable)\n"
          "  --list                list the rules (ID, level, fixable, rationale) and exit\n"
          "  --only ID[,ID...]     run only these rules (repeatable)\n"
          "  --exclude ID[,ID...]  skip these rules (repeatable)\n"
          "  --format FORMAT       text (default), json (JSON Lines), github, sarif\n"
          "  --fail-on LEVEL       exit 1 when a finding is at least LEVEL: error\n"
          "                        (default), warning or info\n"
          "  --fix                 apply the certain fixes in place (JSON cards and schemas;\n"
          "                        only the schema text of YAML cards), keeping key order,\n"
          "                        then report what is left\n"
          "  --dialect NAME        draft7 (default without \"$schema\"), 2019-09, 2020-12\n"
          "  -o, --output FILE     write the findings to FILE (a SARIF log, ...)\n"
          "  -h, --help            show this help\n"
          "\n"
          "Exit status: 0 no finding at --fail-on or above, 1 some, 2 usage error or an\n"
          "unreadable/malformed card or schema.\n",
          out);
}

/* Sets enabled[] from one --only/--exclude list. */
static int rule_list(const char *name, const char *list, lint_options *o, bool only,
                     bool *first_only)
{
    char buf[1024];

    snprintf(buf, sizeof buf, "%s", list);
    if (only && *first_only) {
        for (int i = 0; i < LINT_RULE_COUNT; i++)
            o->enabled[i] = false;
        *first_only = false;
    }
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        lint_rule_id r = lint_rule_find(tok);
        if (r == LINT_RULE_COUNT)
            return cli_usage_error("lint", "%s: unknown rule '%s' (cardc lint --list)", name, tok);
        o->enabled[r] = only;
    }
    return -1;
}

static int option(const char *name, const char *value, lint_request *req, lint_target *targets,
                  bool *first_only, const char **out)
{
    if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
        return cli_option_once("lint", name, out, value);
    } else if (strcmp(name, "--schema") == 0) {
        targets[req->n_targets++] = (lint_target){value, true};
    } else if (strcmp(name, "--only") == 0 || strcmp(name, "--exclude") == 0) {
        return rule_list(name, value, &req->options, name[2] == 'o', first_only);
    } else if (strcmp(name, "--format") == 0) {
        if (!lint_format_from_name(value, &req->format))
            return cli_usage_error("lint", "unknown format '%s' (text, json, github, sarif)",
                                   value);
    } else if (strcmp(name, "--fail-on") == 0) {
        if (!lint_level_from_name(value, &req->fail_on))
            return cli_usage_error("lint", "--fail-on expects error, warning or info, not '%s'",
                                   value);
    } else {
        req->options.dialect = cardc_dialect_from_name(value);
        if (req->options.dialect == CARDC_DIALECT_AUTO)
            return cli_usage_error("lint", "unknown dialect '%s' (draft7, 2019-09 or 2020-12)",
                                   value);
    }
    return -1;
}

static int parse(int argc, char **argv, lint_request *req, lint_target *targets, bool *list,
                 const char **out)
{
    static const char *const with_value[] = {"--schema",  "--only",    "--exclude", "--format",
                                             "--fail-on", "--dialect", "-o",        "--output"};
    bool first_only = true;

    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *a = argv[i], *value = cli_option_name(a, name, sizeof name);
        int rc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_lint(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            targets[req->n_targets++] = (lint_target){a, false};
            continue;
        }
        if (strcmp(name, "--list") == 0 || strcmp(name, "--fix") == 0) {
            if (value)
                return cli_usage_error("lint", "option '%s' takes no value", name);
            *(strcmp(name, "--fix") == 0 ? &req->fix : list) = true;
            continue;
        }
        if (!cli_option_known(name, with_value, sizeof with_value / sizeof with_value[0]))
            return cli_unknown_option("lint", a);
        if ((rc = cli_option_value("lint", name, argc, argv, &i, &value)) >= 0 ||
            (rc = option(name, value, req, targets, &first_only, out)) >= 0)
            return rc;
    }
    return -1;
}

/* Runs the lint with its findings going to path (NULL or "-": stdout). */
static int execute_to(const lint_request *req, const char *path)
{
    FILE *out = path && strcmp(path, "-") != 0 ? fopen(path, "w") : stdout;
    int rc;

    if (!out) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    rc = lint_execute(req, out, stderr);
    if (out == stdout ? fflush(out) != 0 : fclose(out) != 0) {
        fprintf(stderr, "%s: error: cannot write: %s\n", path ? path : "<stdout>", strerror(errno));
        rc = CLI_EXIT_ERROR;
    }
    return rc;
}

int cli_lint(int argc, char **argv)
{
    lint_target *targets = calloc((size_t)argc + 1, sizeof *targets);
    lint_request req;
    bool list = false;
    const char *out_path = NULL;
    int rc;

    if (!targets) {
        fprintf(stderr, "cardc: error: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    memset(&req, 0, sizeof req);
    lint_options_init(&req.options);
    req.fail_on = LINT_ERROR;
    req.targets = targets;
    rc = parse(argc, argv, &req, targets, &list, &out_path);
    if (rc < 0 && list) {
        lint_list_rules(stdout);
        rc = CLI_EXIT_OK;
    } else if (rc < 0 && req.n_targets == 0) {
        rc = cli_usage_error("lint", "give at least one CARD or --schema FILE");
    } else if (rc < 0) {
        rc = execute_to(&req, out_path);
    }
    free(targets);
    return rc;
}
