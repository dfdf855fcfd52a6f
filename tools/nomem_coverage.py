#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How many of libcardc's and the generator's allocation-failure paths the
tests execute, from the gcov data of a coverage build.

Usage: tools/nomem_coverage.py BUILD_DIR [--list]

An allocation-failure path is a source line of runtime/src/*/*.c or gen/*.c
that reports or records one (CARDC_E_NOMEM, nomem(), oom(), HARD_NOMEM, an
`oom = 1`, "out of memory") and that the compiler emitted code for. The
figures of the README come from:

    meson setup build-cov -Db_coverage=true && ninja -C build-cov
    meson test -C build-cov $(all tests but alloc_failures)   # then this script
    meson test -C build-cov alloc_failures                    # then this script again

--list prints the lines never executed.
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH_RE = re.compile(r'CARDC_E_NOMEM|\bnomem\(|\boom\(|HARD_NOMEM|->oom = 1|\.oom = 1|"out of memory')


def executed_lines(build):
    """{source path: {line: count}} over every .gcda below build."""
    counts = {}
    for gcda in glob.glob(os.path.join(build, "**", "*.gcda"), recursive=True):
        r = subprocess.run(["gcov", "--json-format", "--stdout", gcda], capture_output=True,
                           cwd=os.path.dirname(gcda))
        for line in r.stdout.decode().splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            base = data.get("current_working_directory", build)
            for f in data.get("files", []):
                path = os.path.realpath(os.path.join(base, f["file"]))
                c = counts.setdefault(path, {})
                for ln in f["lines"]:
                    c[ln["line_number"]] = max(c.get(ln["line_number"], 0), ln["count"])
    return counts


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    counts = executed_lines(build)
    if not counts:
        sys.exit("no gcov data below %s (a -Db_coverage=true build, after its tests)" % build)
    total = hit = 0
    missed = []
    for path in sorted(glob.glob(os.path.join(ROOT, "runtime", "src", "*", "*.c")) +
                       glob.glob(os.path.join(ROOT, "gen", "*.c"))):
        c = counts.get(os.path.realpath(path), {})
        with open(path, encoding="utf-8") as fh:
            for i, text in enumerate(fh.read().split("\n"), 1):
                if i not in c or not PATH_RE.search(text) or text.strip().startswith(("/*", "*")):
                    continue
                total += 1
                if c[i] > 0:
                    hit += 1
                else:
                    missed.append("%s:%d: %s" % (os.path.relpath(path, ROOT), i, text.strip()))
    print("%d of %d allocation-failure paths executed, %d never" % (hit, total, total - hit))
    if "--list" in sys.argv:
        print("\n".join(missed))


if __name__ == "__main__":
    main()
