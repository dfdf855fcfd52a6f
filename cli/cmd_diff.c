/* SPDX-License-Identifier: MIT */
/* cardc diff: reads the options; the comparison lives in analysis/diff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"

void cli_usage_diff(FILE *out)
{
    fputs("Usage: cardc diff [OPTIONS] OLD NEW\n"
          "       cardc diff --schema [OPTIONS] OLD.json NEW.json\n"
          "\n"
          "Compares two versions of a model card (either layout, or one of each) side by\n"
          "side, input and output, or two plain JSON Schemas, and reports each change with\n"
          "a stable check ID, a level and its JSON Pointer in both versions. Levels follow\n"
          "the direction: a request schema that accepts less, or a reply schema that can\n"
          "return more or other shapes, breaks clients (error); the reverse is compatible\n"
          "(info); a changed default or pattern is a warning. Where the keywords do not\n"
          "tell the direction (a oneOf appears, a \"not\" changes), values sampled from\n"
          "one version and validated against the other decide it, and are printed.\n"
          "The C API category lists what changes in `cardc gen` output (types, members,\n"
          "union kinds, enumerators): source-breaking for C callers even when the JSON\n"
          "stays compatible.\n"
          "\n"
          "  cardc diff old/card.json new/card.json\n"
          "  cardc diff --format markdown old.yaml new.json > comment.md\n"
          "\n"
          "Options:\n"
          "  --schema             OLD and NEW are plain JSON Schemas (one role: --side)\n"
          "  --side SIDE          input, output or both (default both; a plain schema is\n"
          "                       a request schema unless --side output)\n"
          "  --format FORMAT      text (default), json (JSON Lines), github, markdown\n"
          "  --fail-on LEVEL      exit 1 when a change is at least LEVEL: error (default),\n"
          "                       warning or info\n"
          "  --no-c-api           skip the C API comparison\n"
          "  --name NAME          C prefix for plain schemas (default \"schema\") or cards\n"
          "  --dialect NAME       draft7 (default without \"$schema\"), 2019-09, 2020-12\n"
          "  --list               list the checks (ID, category, level by side, meaning)\n"
          "  -o, --output FILE    write the report to FILE instead of standard output\n"
          "  -h, --help           show this help\n"
          "\n"
          "Exit status: 0 no change at --fail-on or above (a card against itself reports\n"
          "nothing), 1 some, 2 usage error or an unreadable/malformed card or schema.\n",
          out);
}

typedef struct args {
    diff_request req;
    const char *paths[2];
    size_t n_paths;
    const char *side, *out;
    bool list;
} args;

static int option(const char *name, const char *value, args *a)
{
    diff_request *req = &a->req;

    if (strcmp(name, "--side") == 0)
        return cli_option_once("diff", name, &a->side, value);
    if (strcmp(name, "--name") == 0)
        return cli_option_once("diff", name, &req->name, value);
    if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0)
        return cli_option_once("diff", "-o", &a->out, value);
    if (strcmp(name, "--format") == 0) {
        if (!diff_format_from_name(value, &req->format))
            return cli_usage_error("diff", "unknown format '%s' (text, json, github, markdown)",
                                   value);
    } else if (strcmp(name, "--fail-on") == 0) {
        if (!diff_level_from_name(value, &req->fail_on))
            return cli_usage_error("diff", "--fail-on expects error, warning or info, not '%s'",
                                   value);
    } else {
        req->dialect = cardc_dialect_from_name(value);
        if (req->dialect == CARDC_DIALECT_AUTO)
            return cli_usage_error("diff", "unknown dialect '%s' (draft7, 2019-09 or 2020-12)",
                                   value);
    }
    return -1;
}

static int flag(const char *name, const char *value, args *a)
{
    if (value)
        return cli_usage_error("diff", "option '%s' takes no value", name);
    if (strcmp(name, "--schema") == 0)
        a->req.schemas = true;
    else if (strcmp(name, "--no-c-api") == 0)
        a->req.no_c_api = true;
    else
        a->list = true;
    return -1;
}

static int parse(int argc, char **argv, args *a)
{
    static const char *const with_value[] = {"--side",    "--format", "--fail-on", "--name",
                                             "--dialect", "-o",       "--output"};
    static const char *const flags[] = {"--schema", "--no-c-api", "--list"};

    for (int i = 1; i < argc; i++) {
        char name[64];
        const char *arg = argv[i], *value = cli_option_name(arg, name, sizeof name);
        int rc;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_usage_diff(stdout);
            return CLI_EXIT_OK;
        }
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (a->n_paths == 2)
                return cli_usage_error("diff", "give two versions, OLD and NEW, not more");
            a->paths[a->n_paths++] = arg;
            continue;
        }
        if (cli_option_known(name, flags, sizeof flags / sizeof flags[0])) {
            if ((rc = flag(name, value, a)) >= 0)
                return rc;
            continue;
        }
        if (!cli_option_known(name, with_value, sizeof with_value / sizeof with_value[0]))
            return cli_unknown_option("diff", arg);
        if ((rc = cli_option_value("diff", name, argc, argv, &i, &value)) >= 0 ||
            (rc = option(name, value, a)) >= 0)
            return rc;
    }
    return -1;
}

/* --side into req->sides; a plain schema has one role. */
static int sides(args *a)
{
    const char *s = a->side ? a->side : (a->req.schemas ? "input" : "both");

    if (strcmp(s, "input") != 0 && strcmp(s, "output") != 0 && strcmp(s, "both") != 0)
        return cli_usage_error("diff", "--side expects input, output or both, not '%s'", s);
    if (a->req.schemas && strcmp(s, "both") == 0)
        return cli_usage_error("diff", "a plain schema has one role: --side input (requests, "
                                       "the default) or output (replies)");
    a->req.sides[0] = strcmp(s, "output") != 0;
    a->req.sides[1] = strcmp(s, "input") != 0;
    return -1;
}

/* The comparison, its report on stdout or -o FILE. */
static int run_to(const args *a)
{
    FILE *out = a->out ? fopen(a->out, "w") : stdout;
    int rc;

    if (!out) {
        fprintf(stderr, "cardc diff: error: cannot write %s\n", a->out);
        return CLI_EXIT_ERROR;
    }
    rc = diff_execute(&a->req, out, stderr);
    if (out != stdout && fclose(out) != 0 && rc != CLI_EXIT_ERROR) {
        fprintf(stderr, "cardc diff: error: cannot write %s\n", a->out);
        rc = CLI_EXIT_ERROR;
    }
    return rc;
}

int cli_diff(int argc, char **argv)
{
    args a;
    int rc;

    memset(&a, 0, sizeof a);
    a.req.fail_on = DIFF_ERROR;
    if ((rc = parse(argc, argv, &a)) >= 0)
        return rc;
    if (a.list) {
        diff_list_checks(stdout);
        return CLI_EXIT_OK;
    }
    if (a.n_paths != 2)
        return cli_usage_error("diff", "give two versions: OLD NEW");
    if (strcmp(a.paths[0], "-") == 0 && strcmp(a.paths[1], "-") == 0)
        return cli_usage_error("diff", "only one version can be standard input");
    if ((rc = sides(&a)) >= 0)
        return rc;
    a.req.old_path = a.paths[0];
    a.req.new_path = a.paths[1];
    return run_to(&a);
}
