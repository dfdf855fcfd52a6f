/* SPDX-License-Identifier: MIT */
/* The cardc command-line tool: commands and their usage texts. */
#ifndef CARDC_CLI_H
#define CARDC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cardc/cardc.h"
#if CARDC_HAVE_CLIENT
#include "cardc/client.h"
#endif

/* Exit statuses shared by every command. */
enum {
    CLI_EXIT_OK = 0,      /* every payload valid / command succeeded */
    CLI_EXIT_INVALID = 1, /* some payload did not match its schema */
    CLI_EXIT_ERROR = 2,   /* usage error, unreadable or malformed input */
    CLI_EXIT_BACKEND = 3  /* run, fetch-card: the server or the network failed */
};

/* Each command gets argv without the program name: argv[0] is the command
 * name itself. Returns the exit status. */
int cli_validate(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_fetch_card(int argc, char **argv);
int cli_schema(int argc, char **argv);
int cli_lint(int argc, char **argv);
int cli_sample(int argc, char **argv);
int cli_diff(int argc, char **argv);

void cli_usage_main(FILE *out);
void cli_usage_validate(FILE *out);
void cli_usage_inspect(FILE *out);
void cli_usage_gen(FILE *out);
void cli_usage_run(FILE *out);
void cli_usage_fetch_card(FILE *out);
void cli_usage_schema(FILE *out);
void cli_usage_lint(FILE *out);
void cli_usage_sample(FILE *out);
void cli_usage_diff(FILE *out);

/* The usage printer of a command (the main one for NULL or an unknown name). */
void (*cli_command_usage(const char *name))(FILE *out);

/* The candidate closest to word, or NULL when none is close enough to be
 * what the user meant. Borrows everything. */
const char *cli_suggest(const char *word, const char *const *candidates, size_t count);

/* "unknown option ARG (did you mean --X?)", the candidates being the options
 * the command's usage text lists; returns CLI_EXIT_ERROR. */
int cli_unknown_option(const char *command, const char *arg);

/* Notes on stderr that a spelling is deprecated and what replaces it. */
void cli_deprecated(const char *command, const char *old, const char *now);

/* "cardc COMMAND: MESSAGE" and where its help is (not the whole help), on
 * stderr; returns CLI_EXIT_ERROR. */
int cli_usage_error(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* One --resource URI=FILE (dir false) or --resource-dir URI=DIR argument;
 * arg borrows argv. */
typedef struct cli_resource {
    const char *arg;
    bool dir;
} cli_resource;

/* Checks the URI=PATH form of a --resource/--resource-dir value and fills
 * *out. Returns -1 when fine, else the usage error's exit status. */
int cli_resource_parse(const char *command, const char *option, const char *value,
                       cli_resource *out);

/* Registers the resources' documents in a new registry (*registry stays NULL
 * when count is 0). Returns 0, or CLI_EXIT_ERROR after reporting on stderr.
 * Ownership: *registry is the caller's (cardc_registry_free), even on error. */
int cli_load_resources(const cli_resource *resources, size_t count, cardc_registry **registry);

/* Replaces every occurrence of secret (the API token) in the NUL-terminated
 * msg of capacity size by "[redacted]", truncating if needed: a server that
 * echoes the Authorization header must not get the token printed. */
void cli_redact(char *msg, size_t size, const char *secret);

/* Option parsing shared by the commands (cli/options.c). The int-returning
 * helpers return -1 when fine, else the exit status to return now, after
 * reporting a usage error for `command`. */

/* Copies arg's option name ("--opt" of "--opt=value") into name and returns
 * the inline value, or NULL when there is none. */
const char *cli_option_name(const char *arg, char *name, size_t size);
/* Whether name is one of table's count option names. */
bool cli_option_known(const char *name, const char *const *table, size_t count);
/* Leaves an inline *value, else takes the next argument (advancing *i). */
int cli_option_value(const char *command, const char *name, int argc, char **argv, int *i,
                     const char **value);
/* Stores value in *slot unless the option was given before. */
int cli_option_once(const char *command, const char *name, const char **slot, const char *value);
/* --duplicate-keys last|reject into *out. */
int cli_duplicate_keys(const char *command, const char *name, const char *value,
                       cardc_duplicate_keys *out);
/* A decimal integer from min to max into *out. */
int cli_parse_long(const char *command, const char *name, const char *value, long min, long max,
                   long *out);

#if CARDC_HAVE_CLIENT
/* The client settings run and fetch-card take the same way (client_args.c). */
typedef struct cli_client_args {
    const char *base_url, *account_id;
    const char *gateway; /* --gateway ID (run only) */
    long timeout_s;      /* 0: client default */
    long retries;        /* -1: client default */
} cli_client_args;
/* One of --base-url, --account-id, --gateway, --timeout, --retries (the
 * caller checked the name is among them). */
int cli_client_option(const char *command, const char *name, const char *value, cli_client_args *c);
/* The Workers AI account and token are there (CLI_EXIT_ERROR, named with
 * their variable and option, when not). */
int cli_workers_ai_credentials(const char *command, const cli_client_args *c);
/* Client options for backend from the arguments (defaults where not given). */
void cli_client_options(const cli_client_args *c, cardc_backend backend,
                        cardc_client_options *copts);
#endif

/* "input"/"output" to *side (-1), or a usage error's exit status. */
int cli_side_from_name(const char *command, const char *name, cardc_side *side);
/* Writes text and a newline to path (NULL or "-": stdout); 0 or
 * CLI_EXIT_ERROR after reporting. */
int cli_write_text(const char *path, const char *text);

/* Reports err on stderr, naming path when err names no file itself. */
void cli_report_error(cardc_error *err, const char *path);
/* Loads the card at path; returns 0, or CLI_EXIT_ERROR after reporting. */
int cli_load_card(const char *path, cardc_card **card);

#endif /* CARDC_CLI_H */
