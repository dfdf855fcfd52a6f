/* SPDX-License-Identifier: MIT */
/* Writing validation verdicts and diagnostics: text, JSON Lines, GitHub. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report.h"
#include "github.h"

int report_format_from_name(const char *name, report_format *format)
{
    if (strcmp(name, "text") == 0)
        *format = REPORT_TEXT;
    else if (strcmp(name, "json") == 0)
        *format = REPORT_JSON;
    else if (strcmp(name, "github") == 0)
        *format = REPORT_GITHUB;
    else if (strcmp(name, "junit") == 0)
        *format = REPORT_JUNIT;
    else
        return 0;
    return 1;
}

/* The root pointer is empty; show it as something a reader can see. */
static const char *shown_pointer(const char *pointer)
{
    return pointer && pointer[0] ? pointer : "(root)";
}

/* Where the value at pointer sits in the payload's file. */
static void locate(const report_payload *p, const char *pointer, int *line, int *col)
{
    *line = *col = 0;
    if (p->yaml)
        cardc_yaml_locate(p->text, p->len, pointer ? pointer : "", line, col);
    else
        cardc_json_locate(p->text, p->len, pointer ? pointer : "", line, col);
    if (*line > 0)
        *line += p->line_base - 1;
}

/* Where error unit u's value sits: cardc_validate_text measured it while
 * validating; a tree's errors are located in the text. */
static void unit_position(const report_payload *p, const cardc_unit *u, int *line, int *col)
{
    if (u->line > 0) {
        *line = u->line + p->line_base - 1;
        *col = u->column;
        return;
    }
    locate(p, u->instance_location, line, col);
}

/* XML text and attribute escaping for JUnit. */
static void xml_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\n': fputs("&#10;", out); break;
        default:
            /* XML 1.0 has no form for other control characters. */
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, out);
            break;
        }
    }
}

int report_start(report *r)
{
    if (r->format != REPORT_JUNIT)
        return 0;
    r->junit_cases = open_memstream(&r->junit, &r->junit_len);
    return r->junit_cases ? 0 : -1;
}

int report_finish(report *r)
{
    int rc = 0;

    if (r->format != REPORT_JUNIT || !r->junit_cases)
        return 0;
    if (fclose(r->junit_cases) != 0)
        rc = -1;
    r->junit_cases = NULL;
    fprintf(r->out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"cardc validate\" tests=\"%zu\" failures=\"%zu\" "
            "errors=\"%zu\">\n"
            "  <testsuite name=\"cardc validate\" tests=\"%zu\" failures=\"%zu\" "
            "errors=\"%zu\">\n",
            r->cases, r->failures, r->errors, r->cases, r->failures, r->errors);
    if (r->junit)
        fwrite(r->junit, 1, r->junit_len, r->out);
    fputs("  </testsuite>\n</testsuites>\n", r->out);
    free(r->junit);
    r->junit = NULL;
    return rc;
}

/* Opens <testcase> for payload p. */
static void junit_case_open(report *r, const report_payload *p, const char *name)
{
    r->cases++;
    fputs("    <testcase classname=\"", r->junit_cases);
    xml_escaped(r->junit_cases, p->file);
    fputs("\" name=\"", r->junit_cases);
    xml_escaped(r->junit_cases, name);
    fputs("\"", r->junit_cases);
}

/* Prints "::error file=F,line=L,col=C::MESSAGE". */
static void github_line(FILE *out, const char *kind, const char *file, int line, int col,
                        const char *message)
{
    fprintf(out, "::%s file=", kind);
    analysis_github_escape(out, file, true);
    if (line > 0)
        fprintf(out, ",line=%d,col=%d", line, col);
    fputs("::", out);
    analysis_github_escape(out, message, false);
    fputc('\n', out);
}

/* Serialises `obj` as one line. */
static int print_json_line(FILE *out, const struct json_object *obj)
{
    char *s = cardc_json_dump(obj, 0);

    if (!s)
        return -1;
    fprintf(out, "%s\n", s);
    free(s);
    return 0;
}

/* {"valid": v, "file": F[, "line": N]} - the members every JSON line starts
 * with, in that order. */
static struct json_object *json_head(const report_payload *p, int valid)
{
    struct json_object *o = json_object_new_object();

    if (!o)
        return NULL;
    if (json_object_object_add(o, "valid", json_object_new_boolean(valid)) ||
        json_object_object_add(o, "file", json_object_new_string(p->file)) ||
        (p->jsonl && json_object_object_add(o, "line", json_object_new_int(p->line_base)))) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* Adds "line" and "column" (the value's position in the file) to every
 * unit of the basic output's "errors" (one per error of the result, in its
 * order). */
static int add_positions(const report_payload *p, const cardc_result *result,
                         struct json_object *basic)
{
    struct json_object *errors;

    if (!json_object_object_get_ex(basic, "errors", &errors) ||
        !json_object_is_type(errors, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(errors); i++) {
        struct json_object *u = json_object_array_get_idx(errors, i), *loc;
        const cardc_unit *unit = cardc_result_error(result, i);
        int line, col;

        if (!json_object_object_get_ex(u, "instanceLocation", &loc))
            continue;
        if (unit && unit->line > 0 &&
            strcmp(unit->instance_location, json_object_get_string(loc)) == 0)
            unit_position(p, unit, &line, &col);
        else
            locate(p, json_object_get_string(loc), &line, &col);
        if (json_object_object_add(u, "line", json_object_new_int(line)) ||
            json_object_object_add(u, "column", json_object_new_int(col)))
            return -1;
    }
    return 0;
}

static int result_json(const report *r, const report_payload *p, const cardc_result *result)
{
    struct json_object *basic = NULL, *line;
    cardc_error err;
    int rc = -1;

    cardc_error_clear(&err);
    if (cardc_result_output(result, CARDC_OUTPUT_BASIC, &basic, &err) != CARDC_OK)
        return -1;
    line = add_positions(p, result, basic) == 0 ? json_head(p, cardc_result_valid(result)) : NULL;
    if (line) {
        rc = 0;
        json_object_object_foreach(basic, key, value)
        {
            if (strcmp(key, "valid") == 0)
                continue;
            if (json_object_object_add(line, key, json_object_get(value))) {
                rc = -1;
                break;
            }
        }
        if (rc == 0)
            rc = print_json_line(r->out, line);
        json_object_put(line);
    }
    json_object_put(basic);
    return rc;
}

/* "FILE" or "FILE:LINE" for a JSON Lines payload. */
static void payload_name(const report_payload *p, char *buf, size_t size)
{
    if (p->jsonl)
        snprintf(buf, size, "%s:%d", p->file, p->line_base);
    else
        snprintf(buf, size, "%s", p->file);
}

/* One error in the text form, "FILE:LINE:COL: /ptr: message [kw]". */
static void text_error(FILE *out, const report_payload *p, const cardc_unit *u, int line, int col)
{
    fprintf(out, "%s:%d:%d: %s: %s [%s]\n", p->file, line, col, shown_pointer(u->instance_location),
            u->message ? u->message : "invalid", u->keyword_location ? u->keyword_location : "");
}

static int github_error(FILE *out, const report_payload *p, const cardc_unit *u, int line, int col)
{
    size_t need = strlen(u->message ? u->message : "") +
                  strlen(u->keyword_location ? u->keyword_location : "") +
                  strlen(shown_pointer(u->instance_location)) + 8;
    char *msg = malloc(need);

    if (!msg)
        return -1;
    snprintf(msg, need, "%s: %s [%s]", shown_pointer(u->instance_location),
             u->message ? u->message : "invalid", u->keyword_location ? u->keyword_location : "");
    github_line(out, "error", p->file, line, col, msg);
    free(msg);
    return 0;
}

int report_result(report *r, const report_payload *p, const cardc_result *result)
{
    size_t count = cardc_result_error_count(result);
    int valid = cardc_result_valid(result);
    char name[4096 + 16];

    if (valid && !r->list_valid && r->format != REPORT_JUNIT)
        return 0;
    if (r->format == REPORT_JSON)
        return result_json(r, p, result);

    payload_name(p, name, sizeof name);
    if (r->format == REPORT_JUNIT) {
        junit_case_open(r, p, name);
        if (valid) {
            fputs("/>\n", r->junit_cases);
            return 0;
        }
        r->failures++;
        fprintf(r->junit_cases, "><failure type=\"invalid\" message=\"%zu error%s\">", count,
                count == 1 ? "" : "s");
    } else if (valid) {
        if (r->format == REPORT_TEXT)
            fprintf(r->out, "%s: valid\n", name);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        const cardc_unit *u = cardc_result_error(result, i);
        int line, col;

        if (!u)
            continue;
        unit_position(p, u, &line, &col);
        if (r->format == REPORT_TEXT) {
            text_error(r->out, p, u, line, col);
        } else if (r->format == REPORT_JUNIT) {
            char buf[64];
            snprintf(buf, sizeof buf, "%d:%d: ", line, col);
            xml_escaped(r->junit_cases, buf);
            xml_escaped(r->junit_cases, shown_pointer(u->instance_location));
            xml_escaped(r->junit_cases, ": ");
            xml_escaped(r->junit_cases, u->message ? u->message : "invalid");
            xml_escaped(r->junit_cases, " [");
            xml_escaped(r->junit_cases, u->keyword_location ? u->keyword_location : "");
            xml_escaped(r->junit_cases, "]\n");
        } else if (github_error(r->out, p, u, line, col)) {
            return -1;
        }
    }
    if (r->format == REPORT_JUNIT)
        fputs("</failure></testcase>\n", r->junit_cases);
    if (cardc_result_truncated(result) && r->format != REPORT_JUNIT) {
        char note[256];
        snprintf(note, sizeof note,
                 "more than %zu errors; the rest are not shown (raise --max-errors)",
                 r->max_errors);
        if (r->format == REPORT_TEXT)
            fprintf(r->out, "%s: note: %s\n", name, note);
        else
            github_line(r->out, "warning", p->file, 0, 0, note);
    }
    return 0;
}

/* err's position, shifted to the file line of a JSON Lines payload. */
static void payload_position(const report_payload *p, const cardc_error *err, int *line, int *col)
{
    *line = err->line > 0 ? err->line + p->line_base - 1 : 0;
    *col = err->line > 0 ? err->column : 0;
    /* A validation that could not finish names the value, not a position. */
    if (err->line <= 0 && err->pointer[0] && p->text)
        locate(p, err->pointer, line, col);
}

void report_payload_error(report *r, const report_payload *p, const cardc_error *err)
{
    int line, col;
    char msg[CARDC_ERROR_MESSAGE_MAX + CARDC_ERROR_POINTER_MAX + 8];

    payload_position(p, err, &line, &col);
    if (err->pointer[0])
        snprintf(msg, sizeof msg, "%s: %s", err->pointer, err->message);
    else
        snprintf(msg, sizeof msg, "%s",
                 err->message[0] ? err->message : cardc_status_string(err->code));
    if (line > 0)
        fprintf(r->diag, "%s:%d:%d: error: %s\n", p->file, line, col, msg);
    else
        fprintf(r->diag, "%s: error: %s\n", p->file, msg);

    if (r->format == REPORT_JUNIT) {
        char name[4096 + 16];
        payload_name(p, name, sizeof name);
        junit_case_open(r, p, name);
        r->errors++;
        fprintf(r->junit_cases, "><error type=\"%s\" message=\"", cardc_status_name(err->code));
        xml_escaped(r->junit_cases, msg);
        fprintf(r->junit_cases, "\">%d:%d</error></testcase>\n", line, col);
    } else if (r->format == REPORT_GITHUB) {
        github_line(r->out, "error", p->file, line, col, msg);
    } else if (r->format == REPORT_JSON) {
        struct json_object *o = json_head(p, 0), *e = json_object_new_object();
        if (o && e &&
            !json_object_object_add(e, "code",
                                    json_object_new_string(cardc_status_name(err->code))) &&
            !json_object_object_add(e, "message", json_object_new_string(msg)) &&
            !json_object_object_add(e, "line", json_object_new_int(line)) &&
            !json_object_object_add(e, "column", json_object_new_int(col))) {
            if (!json_object_object_add(o, "error", e)) {
                e = NULL;
                print_json_line(r->out, o);
            }
        }
        json_object_put(e);
        json_object_put(o);
    }
}

void report_error(FILE *diag, const cardc_error *err)
{
    const char *msg = err->message[0] ? err->message : cardc_status_string(err->code);

    if (err->source[0] && err->line > 0)
        fprintf(diag, "%s:%d:%d: error: ", err->source, err->line, err->column);
    else if (err->source[0])
        fprintf(diag, "%s: error: ", err->source);
    else
        fprintf(diag, "cardc: error: ");
    if (err->pointer[0])
        fprintf(diag, "%s: ", err->pointer);
    fprintf(diag, "%s\n", msg);
}
