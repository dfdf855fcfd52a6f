/* cardc fetch-card: a model's schemas from Workers AI, written as a JSON card
 * that `cardc gen` reads. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardc/cardc.h"
#include "cardc/client.h"
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
          "  -o, --out FILE           the card to write ('-': standard output)\n"
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
    const char *model, *out, *base_url, *account_id;
    long timeout_s, retries;
} options;

static int parse_long(const char *name, const char *value, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < min || v > max) {
        cli_usage_error("fetch-card", "%s expects an integer from %ld to %ld, not '%s'", name,
                        min, max, value);
        return 0;
    }
    *out = v;
    return 1;
}

/* Returns -1 when parsing succeeded, else the exit status to return now. */
static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq, *value = NULL;
        const char **slot = NULL;
        char name[64];

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
        eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
        if (eq)
            value = eq + 1;
        if (strcmp(name, "-o") == 0 || strcmp(name, "--out") == 0)
            slot = &o->out;
        else if (strcmp(name, "--base-url") == 0)
            slot = &o->base_url;
        else if (strcmp(name, "--account-id") == 0)
            slot = &o->account_id;
        else if (strcmp(name, "--timeout") != 0 && strcmp(name, "--retries") != 0)
            return cli_usage_error("fetch-card", "unknown option '%s'", a);
        if (!value) {
            if (i + 1 >= argc)
                return cli_usage_error("fetch-card", "option '%s' needs a value", name);
            value = argv[++i];
        }
        if (slot) {
            if (*slot)
                return cli_usage_error("fetch-card", "%s given twice", name);
            *slot = value;
        } else if (strcmp(name, "--timeout") == 0) {
            if (!parse_long(name, value, 1, 86400, &o->timeout_s))
                return CLI_EXIT_ERROR;
        } else if (!parse_long(name, value, 0, 100, &o->retries)) {
            return CLI_EXIT_ERROR;
        }
    }
    if (!o->model)
        return cli_usage_error("fetch-card", "MODEL is required (e.g. @cf/llava-hf/llava-1.5-7b-hf)");
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
    const char *v;
    int rc;

    o.retries = -1;
    if ((rc = parse_options(argc, argv, &o)) >= 0)
        return rc;
    rc = CLI_EXIT_ERROR;
    v = o.account_id ? o.account_id : getenv("CLOUDFLARE_ACCOUNT_ID");
    if (!v || !*v) {
        fprintf(stderr,
                "cardc fetch-card: no Workers AI account: set CLOUDFLARE_ACCOUNT_ID or pass "
                "--account-id\n");
        return CLI_EXIT_ERROR;
    }
    v = getenv("CLOUDFLARE_API_TOKEN");
    if (!v || !*v) {
        fprintf(stderr, "cardc fetch-card: no Workers AI token: set CLOUDFLARE_API_TOKEN\n");
        return CLI_EXIT_ERROR;
    }

    cardc_error_clear(&err);
    cardc_client_options_init(&copts);
    copts.backend = CARDC_BACKEND_WORKERS_AI;
    copts.base_url = o.base_url;
    copts.account_id = o.account_id;
    if (o.timeout_s > 0)
        copts.timeout_ms = o.timeout_s * 1000;
    if (o.retries >= 0)
        copts.max_retries = (int)o.retries;
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
