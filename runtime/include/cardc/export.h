/* SPDX-License-Identifier: MIT */
/* cardc/export.h - CARDC_API, the mark on every public declaration.
 *
 * libcardc is built with hidden symbol visibility: only what carries
 * CARDC_API is exported from the shared library, so internal functions
 * (cardc__*) never become ABI. tests/unit/test_abi.py checks that the
 * shared library exports exactly the functions the public headers declare.
 */
#ifndef CARDC_EXPORT_H
#define CARDC_EXPORT_H

#ifndef CARDC_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define CARDC_API __attribute__((visibility("default")))
#else
#define CARDC_API
#endif
#endif

#endif /* CARDC_EXPORT_H */
