/* SPDX-License-Identifier: MIT */
/* cardc fetch-card: a model's schemas from Workers AI, written as a JSON card
 * that `cardc gen` reads. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/cardc.h"
#include "cli.h"
#include "report.h"

void cli_usage_fetch_card(FILE *out)
{
    fputs("Usage: cardc fetch-card MODEL -o FILE [OPTIONS]\n"
          "\n"
          "Gets MODEL's input and output schemas from Workers AI\n"
          "(GET {base}/accounts/{account}/ai/models/schema?model=MODEL) and writes them\n"
          "as a JSON card that 'cardc gen --card FILE' and 'cardc validate' read.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE        the card to write ('-': standard output; --out is\n"
          "                           the deprecated spelling)\n"
          "  --base-url URL           default https://api.cloudflare.com/client/v4\n"
          "  --account-id ID          default $CLOUDFLARE_ACCOUNT_ID\n"
          "  --timeout SECONDS        whole request (default 120)\n"
          "  --retries N              retries on connection errors, 429 and 5xx (default 3)\n"
          "  The token comes from $CLOUDFLARE_API_TOKEN; it is never printed.\n"
          "  -h, --help               show this help\n"
          "\n"
          "Exit status: 0 written, 2 usage error, missing credentials or an unwritable\n"
          "FILE, 3 backend failure (cardc: error: backend: STATUS: MESSAGE on stderr).\n",
          out);
}

typedef struct options {
    const char *model, *out;
    cli_client_args client;
} options;

/* Returns -1 when parsing succeeded, else the exit status to return now. */
static int parse_options(int argc, char **argv, options *o)
{
    static const char *const client_options[] = {"--base-url", "--account-id", "--timeout",
                                                 "--retries"};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value;
        char name[64];
        bool out;
        int rc;

        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_usage_fetch_card(stdout);
            return CLI_EXIT_OK;
        }
        if (a[0] != '-') {
            if (o->model)
                return cli_usage_error("fetch-card", "unexpected argument '%s' (one MODEL)", a);
            o->model = a;
            continue;
        }
        value = cli_option_name(a, name, sizeof name);
        out =
            strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0 || strcmp(name, "--out") == 0;
        if (strcmp(name, "--out") == 0)
            cli_deprecated("fetch-card", "--out", "-o/--output");
        if (!out && !cli_option_known(name, client_options,
                                      sizeof client_options / sizeof client_options[0]))
            return cli_unknown_option("fetch-card", a);
        if ((rc = cli_option_value("fetch-card", name, argc, argv, &i, &value)) >= 0)
            return rc;
        rc = out ? cli_option_once("fetch-card", name, &o->out, value)
                 : cli_client_option("fetch-card", name, value, &o->client);
        if (rc >= 0)
            return rc;
    }
    if (!o->model)
        return cli_usage_error("fetch-card",
                               "MODEL is required (e.g. @cf/llava-hf/llava-1.5-7b-hf)");
    if (!o->out)
        return cli_usage_error("fetch-card", "-o FILE is required");
    return -1;
}

static int write_card(const char *path, const char *text)
{
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "wb");
    int ok;

    if (!f) {
        fprintf(stderr, "cardc: error: cannot write %s: %s\n", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    ok = fputs(text, f) != EOF && fputc('\n', f) != EOF;
    ok = (to_stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
    if (!ok) {
        fprintf(stderr, "cardc: error: cannot write %s: %s\n", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

int cli_fetch_card(int argc, char **argv)
{
    options o = {0};
    cardc_client_options copts;
    cardc_client *client = NULL;
    cardc_card *card = NULL;
    cardc_error err;
    cardc_status st;
    char *text = NULL;
    int rc;

    o.client.retries = -1;
    if ((rc = parse_options(argc, argv, &o)) >= 0 ||
        (rc = cli_workers_ai_credentials("fetch-card", &o.client)) >= 0)
        return rc;
    rc = CLI_EXIT_ERROR;
    cardc_error_clear(&err);
    cli_client_options(&o.client, CARDC_BACKEND_WORKERS_AI, &copts);
    if ((st = cardc_client_new(&copts, &client, &err)) != CARDC_OK) {
        fprintf(stderr, "cardc: error: %s\n", err.message);
        goto out;
    }
    st = cardc_client_fetch_schema(client, o.model, &text, &err);
    /* The token is never printed, even if a server echoes it. */
    cli_redact(err.message, sizeof err.message, getenv("CLOUDFLARE_API_TOKEN"));
    if (st != CARDC_OK) {
        fprintf(stderr, "cardc: error: backend: %s: %s\n", cardc_status_name(st),
                err.message[0] ? err.message : cardc_status_string(st));
        rc = st == CARDC_E_CONFIG || st == CARDC_E_NOMEM ? CLI_EXIT_ERROR : CLI_EXIT_BACKEND;
        goto out;
    }
    /* Never write a card `cardc gen` would then refuse. */
    if (cardc_card_load_mem(text, strlen(text), o.model, NULL, &card, &err) != CARDC_OK) {
        fprintf(stderr, "cardc: error: backend: the server's schemas do not make a card: %s\n",
                err.message);
        rc = CLI_EXIT_BACKEND;
        goto out;
    }
    rc = write_card(o.out, text);
out:
    cardc_card_free(card);
    free(text);
    cardc_client_free(client);
    return rc;
}
