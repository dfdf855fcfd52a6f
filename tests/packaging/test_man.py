#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The man pages say what --help says: every word of each command's --help, in
order, is in its page (tools/help2man.py builds the pages from the same text
at build time; this catches a page left stale, a command without a page, and
text the converter drops), and groff renders each page without a warning.

Usage: test_man.py PATH/TO/cardc MAN_BUILD_DIR SOURCE_ROOT
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_checked, run_tests  # noqa: E402

CARDC, MAN_DIR, ROOT = (os.path.abspath(a) for a in sys.argv[1:4])
sys.path.insert(0, os.path.join(ROOT, "tools"))
import help2man  # noqa: E402


def cardc_help(command):
    r = run_checked([CARDC], ([command] if command else []) + ["--help"], expect=0)
    return r.stdout


def commands():
    """The commands with a usage text (not run and fetch-card in a cardc built
    with -Dclient=disabled, whose --help says it has no client)."""
    return [c for c in help2man.summaries(cardc_help("")) if c != "help"
            and cardc_help(c).startswith("Usage: cardc " + c)]


def page(command):
    path = os.path.join(MAN_DIR, "cardc-%s.1" % command if command else "cardc.1")
    check(os.path.exists(path), "%s exists (add the command to man/meson.build)" % path)
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_every_command_has_a_page():
    for c in [""] + commands():
        page(c)


def test_pages_say_what_help_says():
    for c in [""] + commands():
        want = help2man.help_words(cardc_help(c))
        got = help2man.page_words(page(c))
        if want != got:
            for i, (a, b) in enumerate(zip(want, got)):
                if a != b:
                    break
            else:
                i = min(len(want), len(got))
            check(False, "cardc %s: the page differs from --help at word %d: help %r, page %r"
                  % (c or "(main)", i, " ".join(want[max(0, i - 5):i + 5]),
                     " ".join(got[max(0, i - 5):i + 5])))


def test_pages_render_cleanly():
    groff = shutil.which("groff")
    check(groff is not None, "groff installed (scripts/deps.sh: groff-base)")
    for c in [""] + commands():
        path = os.path.join(MAN_DIR, "cardc-%s.1" % c if c else "cardc.1")
        r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", path], capture_output=True,
                           text=True)
        check(r.returncode == 0 and r.stderr == "", "groff warns about %s" % path, r)
        r = subprocess.run([groff, "-man", "-Tutf8", "-P-cbou", path], capture_output=True, text=True)
        # Every option is shown as such, and NAME is the main help's summary.
        text = r.stdout
        for marker in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO"):
            check(marker in text, "%s has a %s section" % (path, marker), r)


def test_synopsis_is_the_usage_line():
    for c in commands():
        usage = cardc_help(c).split("\n")[0][len("Usage: "):]
        p = page(c)
        synopsis = p.split(".SH SYNOPSIS\n.nf\n", 1)[1].split("\n", 1)[0]
        check(synopsis.replace("\\-", "-") == usage, "synopsis of %s: %r" % (c, synopsis))


if __name__ == "__main__":
    sys.exit(run_tests(collect_tests(globals()), os.environ.get("CARDC_MAN_TEST")))
