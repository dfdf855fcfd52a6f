/* SPDX-License-Identifier: MIT */
/* Private: filling a cardc_error. */
#ifndef CARDC_ERRORS_INTERNAL_H
#define CARDC_ERRORS_INTERNAL_H
#include <stdarg.h>
#include "cardc/error.h"
#if defined(__GNUC__)
#define CARDC_PRINTF_(a, b) __attribute__((format(printf, a, b)))
#else
#define CARDC_PRINTF_(a, b)
#endif
/* Fills err (if non-NULL and not already holding an error) and returns code. */
cardc_status cardc__error(cardc_error *err, cardc_status code, const char *fmt, ...)
    CARDC_PRINTF_(3, 4);
/* Same, with source file/line/column. */
cardc_status cardc__error_at(cardc_error *err, cardc_status code, const char *source, int line,
                             int column, const char *fmt, ...) CARDC_PRINTF_(6, 7);
/* The contract of every public function returning cardc_status (error.h):
 * cardc__error_enter() on entry resets the record (cheaply: the fields a
 * reader looks at); cardc__error_leave() on the way out makes sure a non-OK
 * status is in the record, with the status's description when nothing more
 * precise was recorded. Returns st. */
void cardc__error_enter(cardc_error *err);
cardc_status cardc__error_leave(cardc_error *err, cardc_status st);
/* Sets err->pointer (truncating from the front with "..." if too long). */
void cardc__error_pointer(cardc_error *err, const char *pointer);
#endif
