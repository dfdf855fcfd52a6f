/* SPDX-License-Identifier: MIT */
/* The client settings run and fetch-card take the same way (built only with
 * the inference client). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_client_option(const char *command, const char *name, const char *value, cli_client_args *c)
{
    if (strcmp(name, "--base-url") == 0)
        return cli_option_once(command, name, &c->base_url, value);
    if (strcmp(name, "--account-id") == 0)
        return cli_option_once(command, name, &c->account_id, value);
    if (strcmp(name, "--gateway") == 0)
        return cli_option_once(command, name, &c->gateway, value);
    if (strcmp(name, "--timeout") == 0)
        return cli_parse_long(command, name, value, 1, 86400, &c->timeout_s);
    return cli_parse_long(command, name, value, 0, 100, &c->retries);
}

int cli_workers_ai_credentials(const char *command, const cli_client_args *c)
{
    const char *v = c->account_id ? c->account_id : getenv("CLOUDFLARE_ACCOUNT_ID");

    /* Named with the variable and the option before a client is made. */
    if (!v || !*v) {
        fprintf(stderr,
                "cardc %s: no Workers AI account: set CLOUDFLARE_ACCOUNT_ID or pass "
                "--account-id\n",
                command);
        return CLI_EXIT_ERROR;
    }
    v = getenv("CLOUDFLARE_API_TOKEN");
    if (!v || !*v) {
        fprintf(stderr, "cardc %s: no Workers AI token: set CLOUDFLARE_API_TOKEN\n", command);
        return CLI_EXIT_ERROR;
    }
    return -1;
}

void cli_client_options(const cli_client_args *c, cardc_backend backend,
                        cardc_client_options *copts)
{
    cardc_client_options_init(copts);
    copts->backend = backend;
    copts->base_url = c->base_url;
    copts->account_id = c->account_id;
    copts->gateway = c->gateway; /* its token: $CF_AIG_TOKEN, read by the client */
    if (c->timeout_s > 0)
        copts->timeout_ms = c->timeout_s * 1000;
    if (c->retries >= 0)
        copts->max_retries = (int)c->retries;
}
