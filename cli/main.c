/* SPDX-License-Identifier: MIT */
/* cardc: command dispatch, --help and --version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cardc/cardc.h"
#include "cli.h"

void cli_usage_main(FILE *out)
{
    fputs("Usage: cardc COMMAND [OPTIONS] [ARGS]\n"
          "\n"
          "Validate JSON payloads against AI model cards and JSON Schemas.\n"
          "\n"
          "Commands:\n"
          "  validate    validate payloads against a card's schema or a plain schema\n"
          "  inspect     print a card's metadata and schemas\n"
          "  schema      print one side's schema of a card as JSON\n"
          "  gen         generate typed C bindings for cards or schemas\n"
          "  run         send one request to a card's model (Workers AI, OpenAI-compatible)\n"
          "  fetch-card  write a Workers AI model's schemas as a JSON card\n"
          "  lint        find defects in cards and schemas (rule IDs, fixes, SARIF)\n"
          "  sample      print valid or invalid payloads made from a schema\n"
          "  diff        compare two versions of a card or schema (breaking changes)\n"
          "  help        show the help of a command (cardc help COMMAND)\n"
          "\n"
          "Options:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  print the version\n"
          "\n"
          "Exit status: 0 success (every payload valid), 1 some payload invalid,\n"
          "2 usage error or unreadable/malformed card, schema or payload,\n"
          "3 backend failure (run, fetch-card).\n"
          "\n"
          "Run 'cardc COMMAND --help' (or 'cardc help COMMAND') for a command's options.\n",
          out);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;

    /* Short: the message and where the help is, not the whole help. */
    fprintf(stderr, "cardc%s%s: ", command ? " " : "", command ? command : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'cardc help%s%s' for usage.\n", command ? " " : "",
            command ? command : "");
    return CLI_EXIT_ERROR;
}

#if !CARDC_HAVE_CLIENT
static void usage_without_client(FILE *out);

/* run and fetch-card in a cardc built with -Dclient=disabled. */
static int without_client(int argc, char **argv)
{
    /* Asking for help is not an error, here either. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage_without_client(stdout);
            return CLI_EXIT_OK;
        }
    fprintf(stderr,
            "cardc %s: this cardc was built without the inference client "
            "(meson -Dclient=disabled); rebuild with -Dclient=enabled (needs libcurl)\n",
            argv[0]);
    return CLI_EXIT_ERROR;
}

static void usage_without_client(FILE *out)
{
    fputs("run and fetch-card need the inference client, which this cardc was built\n"
          "without (meson -Dclient=disabled).\n",
          out);
}
#endif

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(FILE *out);
} commands[] = {
    {"validate", cli_validate, cli_usage_validate},
    {"inspect", cli_inspect, cli_usage_inspect},
    {"gen", cli_gen, cli_usage_gen},
#if CARDC_HAVE_CLIENT
    {"run", cli_run, cli_usage_run},
    {"fetch-card", cli_fetch_card, cli_usage_fetch_card},
#else
    {"run", without_client, usage_without_client},
    {"fetch-card", without_client, usage_without_client},
#endif
    {"schema", cli_schema, cli_usage_schema},
    {"lint", cli_lint, cli_usage_lint},
    {"sample", cli_sample, cli_usage_sample},
    {"diff", cli_diff, cli_usage_diff},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void (*cli_command_usage(const char *name))(FILE *out)
{
    const struct command *cmd = name ? find_command(name) : NULL;

    return cmd ? cmd->usage : cli_usage_main;
}

static int unknown_command(const char *name)
{
    const char *names[N_COMMANDS + 1];
    const char *hint;

    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i].name;
    names[N_COMMANDS] = "help";
    hint = cli_suggest(name, names, N_COMMANDS + 1);
    if (hint)
        return cli_usage_error(NULL, "unknown command '%s' (did you mean '%s'?)", name, hint);
    return cli_usage_error(NULL, "unknown command '%s'", name);
}

/* cardc help [COMMAND]: every spelling of asking for help exits 0. */
static int help(int argc, char **argv)
{
    const struct command *cmd;
    const char *what = argc > 2 ? argv[2] : NULL;

    if (!what || strcmp(what, "help") == 0 || strcmp(what, "-h") == 0 ||
        strcmp(what, "--help") == 0) {
        cli_usage_main(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 3)
        return cli_usage_error(NULL, "help takes one command name");
    cmd = find_command(what);
    if (!cmd)
        return unknown_command(what);
    cmd->usage(stdout);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    const struct command *cmd;
    const char *first;

    if (argc < 2)
        return cli_usage_error(NULL, "missing COMMAND (validate, inspect, schema, gen, run, "
                                     "fetch-card, lint, sample)");
    first = argv[1];
    /* "cardc --help validate" is "cardc help validate", as in git. */
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0)
        return help(argc, argv);
    if (strcmp(first, "-V") == 0 || strcmp(first, "--version") == 0) {
        if (argc > 2)
            return cli_usage_error(NULL, "unexpected argument '%s' after %s", argv[2], first);
        printf("cardc %s\n", cardc_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(first, "help") == 0)
        return help(argc, argv);
    if (first[0] == '-')
        return cli_unknown_option(NULL, first);
    cmd = find_command(first);
    if (!cmd)
        return unknown_command(first);
    return cmd->run(argc - 1, argv + 1);
}
