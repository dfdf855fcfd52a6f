/* Writing validation verdicts and diagnostics: text, JSON Lines, GitHub. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "report.h"

int report_format_from_name(const char *name, report_format *format)
{
    if (strcmp(name, "text") == 0)
        *format = REPORT_TEXT;
    else if (strcmp(name, "json") == 0)
        *format = REPORT_JSON;
    else if (strcmp(name, "github") == 0)
        *format = REPORT_GITHUB;
    else
        return 0;
    return 1;
}

/* The root pointer is empty; show it as something a reader can see. */
static const char *shown_pointer(const char *pointer)
{
    return pointer && pointer[0] ? pointer : "(root)";
}

char *report_github_escape(const char *text, int property)
{
    size_t n = 0;
    char *out, *o;

    for (const char *s = text; *s; s++)
        n += strchr("%\r\n", *s) || (property && (*s == ':' || *s == ',')) ? 3 : 1;
    out = malloc(n + 1);
    if (!out)
        return NULL;
    o = out;
    for (const char *s = text; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '%': rep = "%25"; break;
        case '\r': rep = "%0D"; break;
        case '\n': rep = "%0A"; break;
        case ':': rep = property ? "%3A" : NULL; break;
        case ',': rep = property ? "%2C" : NULL; break;
        default: break;
        }
        if (rep) {
            memcpy(o, rep, 3);
            o += 3;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

/* Prints "::error file=F,line=L,col=C::MESSAGE". */
static int github_line(FILE *out, const char *kind, const char *file, int line, int col,
                       const char *message)
{
    char *f = report_github_escape(file, 1);
    char *m = report_github_escape(message, 0);
    int ok = f && m;

    if (ok) {
        fprintf(out, "::%s file=%s", kind, f);
        if (line > 0)
            fprintf(out, ",line=%d,col=%d", line, col);
        fprintf(out, "::%s\n", m);
    }
    free(f);
    free(m);
    return ok ? 0 : -1;
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

static int result_json(const report *r, const report_payload *p, const cardc_result *result)
{
    struct json_object *basic = NULL, *line;
    cardc_error err;
    int rc = -1;

    cardc_error_clear(&err);
    if (cardc_result_output(result, CARDC_OUTPUT_BASIC, &basic, &err) != CARDC_OK)
        return -1;
    line = json_head(p, cardc_result_valid(result));
    if (line) {
        rc = 0;
        json_object_object_foreach(basic, key, value) {
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

int report_result(const report *r, const report_payload *p, const cardc_result *result)
{
    size_t count = cardc_result_error_count(result);
    char name[4096 + 16];

    if (r->format == REPORT_JSON)
        return result_json(r, p, result);

    payload_name(p, name, sizeof name);
    if (cardc_result_valid(result)) {
        if (r->format == REPORT_TEXT)
            fprintf(r->out, "%s: valid\n", name);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        const cardc_unit *u = cardc_result_error(result, i);
        int line = 0, col = 0;

        if (!u)
            continue;
        cardc_json_locate(p->text, p->len, u->instance_location, &line, &col);
        line += p->line_base - 1;
        if (r->format == REPORT_TEXT) {
            fprintf(r->out, "%s:%d:%d: %s: %s [%s]\n", p->file, line, col,
                    shown_pointer(u->instance_location), u->message ? u->message : "invalid",
                    u->keyword_location ? u->keyword_location : "");
        } else {
            size_t need = strlen(u->message ? u->message : "") +
                          strlen(u->keyword_location ? u->keyword_location : "") +
                          strlen(shown_pointer(u->instance_location)) + 8;
            char *msg = malloc(need);
            int rc;
            if (!msg)
                return -1;
            snprintf(msg, need, "%s: %s [%s]", shown_pointer(u->instance_location),
                     u->message ? u->message : "invalid",
                     u->keyword_location ? u->keyword_location : "");
            rc = github_line(r->out, "error", p->file, line, col, msg);
            free(msg);
            if (rc)
                return -1;
        }
    }
    if (cardc_result_truncated(result)) {
        char note[256];
        snprintf(note, sizeof note,
                 "more than %zu errors; the rest are not shown (raise --max-errors)",
                 r->max_errors);
        if (r->format == REPORT_TEXT)
            fprintf(r->out, "%s: note: %s\n", name, note);
        else if (github_line(r->out, "warning", p->file, 0, 0, note))
            return -1;
    }
    return 0;
}

/* err's position, shifted to the file line of a JSON Lines payload. */
static void payload_position(const report_payload *p, const cardc_error *err, int *line,
                             int *col)
{
    *line = err->line > 0 ? err->line + p->line_base - 1 : 0;
    *col = err->line > 0 ? err->column : 0;
    /* A validation that could not finish names the value, not a position. */
    if (err->line <= 0 && err->pointer[0] && p->text) {
        cardc_json_locate(p->text, p->len, err->pointer, line, col);
        *line += p->line_base - 1;
    }
}

void report_payload_error(const report *r, const report_payload *p, const cardc_error *err)
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

    if (r->format == REPORT_GITHUB) {
        github_line(r->out, "error", p->file, line, col, msg);
    } else if (r->format == REPORT_JSON) {
        struct json_object *o = json_head(p, 0), *e = json_object_new_object();
        if (o && e && !json_object_object_add(e, "code",
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
