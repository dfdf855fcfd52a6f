#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""SPDX-License-Identifier lines in cardc's own source files.

Usage: tools/spdx.py          list the files that lack the line (exit 1 if any)
       tools/spdx.py --fix    add it to them

Which files: C sources and headers, Python, shell, JavaScript, Meson, CMake
and Make files, the completions, CI and pre-commit configuration (the list
below). Not: data (cards, payloads, schemas, fuzz corpora), the JSON Schema
meta-schemas (BSD-3-Clause, runtime/metaschemas/LICENSE), the golden files of
tests/gen (compared byte for byte with what cardc gen writes), and what cardc
gen writes: generated bindings carry no licence line, since they are made
from a card whose licence is its author's, not ours. The line goes first, or
after a #! or #compdef line. scripts/test.sh runs the check.
"""
import os
import subprocess
import sys

LICENSE = "MIT"
TAG = "SPDX-License-Identifier: " + LICENSE
SUFFIXES = {".c": "/* %s */", ".h": "/* %s */", ".js": "// %s", ".py": "# %s", ".sh": "# %s",
            ".cmake": "# %s"}
NAMES = {"meson.build", "meson_options.txt", "CMakeLists.txt", "Makefile", ".clang-format"}
PATHS = {".ci/run", "debian/rules", "completions/_cardc", "completions/cardc.bash",
         "completions/cardc.fish", ".pre-commit-hooks.yaml", "examples/github-actions.yml"}
SKIP_DIRS = ("tests/gen/golden/", "fuzz/corpus/", "runtime/metaschemas/")


def comment_style(path):
    """The comment format for path's SPDX line, or None when path is not ours to mark."""
    if path.startswith(SKIP_DIRS):
        return None
    if path in PATHS or os.path.basename(path) in NAMES:
        return "# %s"
    stem, suffix = os.path.splitext(path)
    if suffix == ".in":  # a template: the comment of what it makes (version.h.in)
        suffix = os.path.splitext(stem)[1]
    return SUFFIXES.get(suffix)


def tracked_files(root):
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=root, capture_output=True, check=True).stdout
    return sorted(p for p in out.decode().split("\0") if p and os.path.isfile(os.path.join(root, p)))


def has_tag(text):
    return any(TAG in line for line in text.split("\n")[:5])


def add_tag(text, style):
    lines = text.split("\n")
    at = 1 if lines and (lines[0].startswith("#!") or lines[0].startswith("#compdef")) else 0
    lines.insert(at, style % TAG)
    return "\n".join(lines)


def main(argv):
    fix = "--fix" in argv[1:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    missing = []
    for path in tracked_files(root):
        style = comment_style(path)
        if not style:
            continue
        full = os.path.join(root, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        if has_tag(text):
            continue
        if fix:
            with open(full, "w", encoding="utf-8") as f:
                f.write(add_tag(text, style))
        missing.append(path)
    if fix:
        print("spdx: added '%s' to %d files" % (TAG, len(missing)))
        return 0
    for path in missing:
        print("%s: no '%s' line (tools/spdx.py --fix adds it)" % (path, TAG))
    if not missing:
        print("spdx: every source file carries '%s'" % TAG)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
