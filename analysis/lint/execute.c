/* SPDX-License-Identifier: MIT */
/* execute.c: cardc lint from start to end: fix passes, then the report. */
#include <stdio.h>
#include <stdlib.h>

#include "lint_internal.h"

static void diagnostic(FILE *diag, const cardc_error *err, const char *path)
{
    char buf[1200];

    cardc_error_format(err, buf, sizeof buf);
    if (err->source[0])
        fprintf(diag, "%s\n", buf);
    else
        fprintf(diag, "%s: %s\n", path, buf);
}

/* One run over every target; *broken counts the files that could not be
 * read or loaded (reported on diag). */
static lint_run *lint_all(const lint_request *req, FILE *diag, size_t *broken)
{
    lint_run *run;
    cardc_error err;

    *broken = 0;
    if (lint_run_new(&req->options, &run, &err) != CARDC_OK) {
        fprintf(diag, "cardc lint: error: out of memory\n");
        return NULL;
    }
    for (size_t i = 0; i < req->n_targets; i++) {
        const lint_target *t = &req->targets[i];
        cardc_status st =
            t->schema ? lint_add_schema(run, t->path, &err) : lint_add_card(run, t->path, &err);
        if (st == CARDC_E_NOMEM) {
            fprintf(diag, "cardc lint: error: out of memory\n");
            lint_run_free(run);
            return NULL;
        }
        if (st != CARDC_OK) {
            diagnostic(diag, &err, t->path);
            (*broken)++;
        }
    }
    lint_finish(run);
    return run;
}

int lint_execute(const lint_request *req, FILE *out, FILE *diag)
{
    lint_run *run = NULL;
    size_t broken = 0, total = 0;
    int status = 0;

    /* Each pass re-reads the files, so a fix is seen by the next pass's
     * rules; edits that touched another fix's text wait for a later pass. */
    for (int pass = 0; pass < 8; pass++) {
        size_t applied = 0;
        cardc_error err;
        lint_run_free(run);
        if (!(run = lint_all(req, diag, &broken)))
            return 2;
        if (!req->fix)
            break;
        if (lint_apply_fixes(run, &applied, &err) != CARDC_OK) {
            diagnostic(diag, &err, "");
            lint_run_free(run);
            return 2;
        }
        total += applied;
        if (!applied)
            break;
    }
    if (req->fix)
        fprintf(diag, "cardc lint: %zu fix%s applied\n", total, total == 1 ? "" : "es");
    lint_report(run, req->format, out);
    for (size_t i = 0; i < lint_finding_count(run); i++)
        if (lint_finding_at(run, i)->level >= req->fail_on)
            status = 1;
    lint_run_free(run);
    return broken ? 2 : status;
}
