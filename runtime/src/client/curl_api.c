/* SPDX-License-Identifier: MIT */
/* curl_api.c - libcurl, loaded when a client is made (curl_api.h says why). */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "client/curl_api.h"
#include "common/errors_internal.h"

/* Each member of curl_api with the name libcurl exports it under. */
#define CURL_API_FUNCTIONS(X) \
    X(global_init)            \
    X(global_cleanup)         \
    X(easy_init)              \
    X(easy_setopt)            \
    X(easy_perform)           \
    X(easy_cleanup)           \
    X(easy_getinfo)           \
    X(easy_strerror)          \
    X(slist_append)           \
    X(slist_free_all)         \
    X(getdate)

static const struct {
    const char *symbol;
    size_t offset;
} functions[] = {
#define CURL_API_ROW(f) {"curl_" #f, offsetof(curl_api, f)},
    CURL_API_FUNCTIONS(CURL_API_ROW)
#undef CURL_API_ROW
};

/* The sonames of libcurl's ABI 4: the OpenSSL build Debian's
 * libcurl4-openssl-dev links, then the GnuTLS one. */
static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym's pointers hold functions");

cardc_status cardc__curl_open(curl_api *api, cardc_error *err)
{
    const char *why = NULL;

    memset(api, 0, sizeof *api);
    for (size_t i = 0; i < sizeof sonames / sizeof *sonames && !api->lib; i++) {
        /* never unloaded: a program that makes clients again and again
         * loads it once, and what TLS libraries allocate for the process
         * stays reachable, as when linked */
        api->lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!api->lib && !why)
            why = dlerror();
    }
    if (!api->lib)
        return cardc__error(err, CARDC_E_CONFIG, "cannot load libcurl (%s): %s", sonames[0],
                            why ? why : "not found");
    for (size_t i = 0; i < sizeof functions / sizeof *functions; i++) {
        /* ISO C has no conversion from an object pointer to a function
         * pointer; POSIX guarantees they have one representation */
        void *sym = dlsym(api->lib, functions[i].symbol);
        if (!sym) {
            dlclose(api->lib);
            api->lib = NULL;
            return cardc__error(err, CARDC_E_CONFIG, "libcurl has no %s", functions[i].symbol);
        }
        memcpy((char *)api + functions[i].offset, &sym, sizeof sym);
    }
    /* Reference-counted by libcurl; thread-safe in the libcurl versions
     * that say so (CURL_VERSION_THREADSAFE), and otherwise the one call a
     * program must not race: creating clients from several threads at
     * once. */
    if (api->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dlclose(api->lib);
        api->lib = NULL;
        return cardc__error(err, CARDC_E_NETWORK, "libcurl failed to initialise");
    }
    return CARDC_OK;
}

void cardc__curl_close(curl_api *api)
{
    if (!api->lib)
        return;
    api->global_cleanup();
    dlclose(api->lib);
    api->lib = NULL;
}
