/* SPDX-License-Identifier: MIT */
/* mock-server: the test server of mock_server.h as a process, for the CLI
 * tests.
 *
 * Usage: mock-server --card CARD --port-file FILE [--scenario NAME]
 *                    [--token TOKEN] [--account ID] [--openai-model NAME]
 *                    [--gateway ID] [--gateway-token TOKEN]
 *
 * Listens on 127.0.0.1 (ephemeral port), prints the port on stdout and
 * writes it to FILE (complete when it appears: written aside, then renamed),
 * and serves until SIGTERM or SIGINT. Exit status 0 after a signal, 2 on bad
 * usage, 1 when the server cannot start.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_server.h"

static int usage(void)
{
    fprintf(stderr, "usage: mock-server --card CARD --port-file FILE [--scenario NAME]\n"
                    "                   [--token TOKEN] [--account ID] [--openai-model NAME]\n"
                    "                   [--gateway ID] [--gateway-token TOKEN]\n");
    return 2;
}

static int write_port(const char *path, unsigned short port)
{
    char tmp[4096];
    FILE *f;

    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return -1;
    if (!(f = fopen(tmp, "w")))
        return -1;
    fprintf(f, "%u\n", (unsigned)port);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    mock_options o;
    mock_server *s;
    const char *port_file = NULL;
    char errbuf[512];
    sigset_t set;
    int sig = 0;

    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!v)
            return usage();
        if (strcmp(a, "--card") == 0)
            o.card_path = v;
        else if (strcmp(a, "--port-file") == 0)
            port_file = v;
        else if (strcmp(a, "--token") == 0)
            o.token = v;
        else if (strcmp(a, "--account") == 0)
            o.account_id = v;
        else if (strcmp(a, "--openai-model") == 0)
            o.openai_model = v;
        else if (strcmp(a, "--gateway") == 0)
            o.gateway = v;
        else if (strcmp(a, "--gateway-token") == 0)
            o.gateway_token = v;
        else if (strcmp(a, "--scenario") == 0) {
            int sc = mock_scenario_from_name(v);

            if (sc < 0) {
                fprintf(stderr, "mock-server: unknown scenario \"%s\"\n", v);
                return 2;
            }
            o.scenario = (mock_scenario)sc;
        } else
            return usage();
    }
    if (!o.card_path || !port_file)
        return usage();

    /* Blocked before the server's threads exist, so they inherit the mask
     * and sigwait below is the only taker. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    if (mock_server_start(&o, &s, errbuf, sizeof errbuf) != 0) {
        fprintf(stderr, "mock-server: %s\n", errbuf);
        return 1;
    }
    printf("%u\n", (unsigned)mock_server_port(s));
    fflush(stdout);
    if (write_port(port_file, mock_server_port(s)) != 0) {
        fprintf(stderr, "mock-server: cannot write %s\n", port_file);
        mock_server_stop(s);
        return 1;
    }
    sigwait(&set, &sig);
    {
        char why[512];
        size_t failures = mock_server_check_failures(s, why, sizeof why);

        /* The CLI tests read this to know every request was well formed. */
        fprintf(stderr, "mock-server: %zu requests, %zu failed checks%s%s\n",
                mock_server_requests(s), failures, failures ? ": " : "", failures ? why : "");
    }
    mock_server_stop(s);
    return 0;
}
