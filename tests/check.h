/* SPDX-License-Identifier: MIT */
/* check.h: the tests' shared assertion macros and their pass/fail summary. */
#ifndef CARDC_TESTS_CHECK_H
#define CARDC_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* One test program per translation unit, so file-scope counters suffice. */
static int checks;   /* assertions evaluated */
static int failures; /* of those, failed */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
/* Counts one assertion; on failure prints file:line and the message. Returns ok. */
static int
check_report(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    checks++;
    if (ok)
        return 1;
    failures++;
    fprintf(stderr, "%s:%d: check failed: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 0;
}

#define CHECK(cond) ((void)check_report(!!(cond), __FILE__, __LINE__, "%s", #cond))

/* CHECK with a printf-style message instead of the condition's text. */
#define CHECK_MSG(cond, ...) ((void)check_report(!!(cond), __FILE__, __LINE__, __VA_ARGS__))

#define CHECK_STR(got, want)                                                                    \
    do {                                                                                        \
        const char *g_ = (got), *w_ = (want);                                                   \
        check_report(g_ &&strcmp(g_, w_) == 0, __FILE__, __LINE__, "%s is \"%s\", want \"%s\"", \
                     #got, g_ ? g_ : "(null)", w_);                                             \
    } while (0)

/* A failure found by code that reported it itself (e.g. a suite case). */
#define CHECK_FAIL() ((void)(checks++, failures++))

/* Prints the summary line and gives main's exit status. */
static int check_summary(void)
{
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}

#endif
