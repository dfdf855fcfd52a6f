/* SPDX-License-Identifier: MIT */
/* Short usage errors with a did-you-mean, taken from the command's own usage
 * text so the candidates cannot drift from what --help lists. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Optimal string alignment distance, bounded: candidates are short. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t d[48][48];

    if (la >= 48 || lb >= 48)
        return (size_t)-1;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1], best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *candidates, size_t count)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    /* One edit for short words, two from five characters, three from ten. */
    size_t limit = len < 5 ? 1 : len < 10 ? 2 : 3;

    for (size_t i = 0; i < count; i++) {
        size_t d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

/* The usage text of a command as a heap string (NULL when out of memory). */
static char *usage_text(void (*usage)(FILE *))
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);

    if (!f)
        return NULL;
    usage(f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int cli_unknown_option(const char *command, const char *arg)
{
    void (*usage)(FILE *) = cli_command_usage(command);
    char *text = usage ? usage_text(usage) : NULL;
    const char *names[128];
    size_t n = 0;
    char word[64];
    const char *eq = strchr(arg, '=');
    const char *hint = NULL;

    snprintf(word, sizeof word, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
    /* Every "-x" or "--name" token of the usage text is a candidate. */
    for (char *s = text; s && *s && n < sizeof names / sizeof names[0]; s++) {
        if (*s == '-' && (s == text || strchr(" ,[(|\n", s[-1]))) {
            char *e = s;
            while (*e == '-' || (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') ||
                   (*e >= '0' && *e <= '9'))
                e++;
            if (e - s >= 2 && s[1] != ' ') {
                char save = *e;
                *e = '\0';
                names[n++] = s;
                s = e;
                if (!save)
                    break;
                continue;
            }
        }
    }
    hint = n ? cli_suggest(word, names, n) : NULL;
    if (hint)
        cli_usage_error(command, "unknown option '%s' (did you mean %s?)", arg, hint);
    else
        cli_usage_error(command, "unknown option '%s'", arg);
    free(text);
    return CLI_EXIT_ERROR;
}

void cli_deprecated(const char *command, const char *old, const char *now)
{
    fprintf(stderr, "cardc %s: note: %s is deprecated; use %s\n", command, old, now);
}
