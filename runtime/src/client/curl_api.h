/* SPDX-License-Identifier: MIT */
/* curl_api.h - libcurl, loaded when a client is made (private).
 *
 * libcardc does not link libcurl: a program that validates and never calls
 * a model (cardc validate, a CI step, a service using the decoders) does not
 * load it. Loading libcurl and the 30 libraries it needs (TLS, Kerberos,
 * LDAP, ...) was 3.9 of the 5.1 ms `cardc --version` took, and 8 ms of the
 * 98 ms `cardc validate --jsonl` took on the 200,000-line benchmark
 * (bench/jsonl.py, -Dclient=disabled against enabled). Each client opens
 * the library itself (dlopen counts references; it is never unloaded), so
 * there is no state shared between clients beyond libcurl's own. */
#ifndef CARDC_CLIENT_CURL_API_H
#define CARDC_CLIENT_CURL_API_H

#include <curl/curl.h>
#include <time.h>

#include "cardc/error.h"

/* libcurl's functions this client calls, through the library it opened. */
typedef struct curl_api {
    void *lib; /* dlopen's handle; NULL when not open */
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *h);
    void (*easy_cleanup)(CURL *h);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *line);
    void (*slist_free_all)(struct curl_slist *list);
    time_t (*getdate)(const char *date, const time_t *unused);
} curl_api;

/* Loads libcurl (its ABI 4: libcurl.so.4, else libcurl-gnutls.so.4) and
 * finds every function above, then runs curl_global_init. On failure the
 * record says which library or function is missing, and nothing stays
 * loaded. Undo with cardc__curl_close. */
cardc_status cardc__curl_open(curl_api *api, cardc_error *err);
/* curl_global_cleanup, and the reference dropped; a closed or zeroed api
 * is accepted. */
void cardc__curl_close(curl_api *api);

#endif
