/* The cardc command-line tool: commands and their usage texts. */
#ifndef CARDC_CLI_H
#define CARDC_CLI_H

#include <stdio.h>

/* Exit statuses shared by every command. */
enum {
    CLI_EXIT_OK = 0,      /* every payload valid / command succeeded */
    CLI_EXIT_INVALID = 1, /* some payload did not match its schema */
    CLI_EXIT_ERROR = 2    /* usage error, unreadable or malformed input */
};

/* Each command gets argv without the program name: argv[0] is the command
 * name itself. Returns the exit status. */
int cli_validate(int argc, char **argv);
int cli_inspect(int argc, char **argv);
int cli_gen(int argc, char **argv);

void cli_usage_main(FILE *out);
void cli_usage_validate(FILE *out);
void cli_usage_inspect(FILE *out);
void cli_usage_gen(FILE *out);

/* "cardc COMMAND: MESSAGE" and the command's usage (the main one when
 * command is NULL), on stderr; returns CLI_EXIT_ERROR. */
int cli_usage_error(const char *command, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* CARDC_CLI_H */
