/* SPDX-License-Identifier: MIT */
/* execute.c: cardc diff from start to end: load both versions, compare the
 * schemas side by side and the C API, report, exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_internal.h"

static void summary(const diff_run *run, FILE *diag)
{
    size_t count[3] = {0, 0, 0};

    if (!run->n_changes)
        return;
    for (size_t i = 0; i < run->n_changes; i++)
        count[run->changes[i].level]++;
    fprintf(diag, "cardc diff: %zu error%s, %zu warning%s, %zu info\n", count[2],
            count[2] == 1 ? "" : "s", count[1], count[1] == 1 ? "" : "s", count[0]);
}

/* The schemas of one side; a side only one version has is compared with
 * the schema true (no schema: anything goes). */
static void compare_side(diff_run *run, int side)
{
    const json_object *o = run->v[0].sides[side].doc, *n = run->v[1].sides[side].doc;

    run->side = side;
    if (o || n)
        diff_node(run, o, "", n, "", 0);
}

int diff_execute(const diff_request *req, FILE *out, FILE *diag)
{
    diff_run run;
    int status = 0;

    memset(&run, 0, sizeof run);
    run.req = req;
    for (int which = 0; which < 2; which++) {
        cardc_error err;
        char msg[1200];
        cardc_error_clear(&err);
        if (diff_version_load(&run, which, which ? req->new_path : req->old_path, &err) !=
            CARDC_OK) {
            cardc_error_format(&err, msg, sizeof msg);
            fprintf(diag, "%s\n", msg);
            status = 2;
            goto out;
        }
    }
    for (int side = 0; side < 2; side++)
        if (req->sides[side])
            compare_side(&run, side);
    if (!req->no_c_api)
        diff_c_api(&run, diag);
    if (run.oom) {
        fprintf(diag, "cardc diff: error: out of memory\n");
        status = 2;
        goto out;
    }
    diff_sort(&run);
    diff_report(&run, out);
    summary(&run, diag);
    for (size_t i = 0; i < run.n_changes; i++)
        if (run.changes[i].level >= req->fail_on)
            status = 1;
out:
    diff_changes_free(&run);
    diff_version_free(&run.v[0]);
    diff_version_free(&run.v[1]);
    return status;
}
