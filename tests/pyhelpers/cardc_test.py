# SPDX-License-Identifier: MIT
"""Helpers the Python test drivers share: running a binary with its checks,
sanitizer reports, the test loop and its summary line, compilers to try.

Imported by path: each driver puts this directory on sys.path from its own
location, so the drivers run the same from meson and by hand. Python 3
standard library only.
"""
import os
import sys
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import traceback

# What ASan, LSan and UBSan print: any of them on stderr fails the run, so
# the suites are meaningful under a sanitizer build.
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")
# The credentials cardc reads from the environment; cleared for every run so
# the developer's own never reach a test.
CRED_VARS = ("CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN", "OPENAI_BASE_URL",
             "OPENAI_API_KEY", "CF_AIG_TOKEN")
# The seed card's errorMessage for a request with both prompt and messages.
MUTUALLY_EXCLUSIVE = '"prompt" and "messages" are mutually exclusive'


class Failure(Exception):
    pass


def check(cond, what, result=None):
    """Raises Failure(what) unless cond, with result's exit status and output."""
    if not cond:
        extra = ""
        if result is not None:
            extra = "\n  exit %d\n  stdout: %r\n  stderr: %r" % (
                result.returncode, result.stdout[:2000], result.stderr[:2000])
        raise Failure(what + extra)


def sanitizer_report(text):
    """The first sanitizer mark in text, or None."""
    return next((m for m in SANITIZER_MARKS if m in text), None)


def env_without_credentials(extra=None):
    """os.environ without CRED_VARS, then extra added."""
    env = {k: v for k, v in os.environ.items() if k not in CRED_VARS}
    env.update(extra or {})
    return env


def run_checked(argv, args, stdin=None, env=None, cwd=None, timeout=60, statuses=None,
                secret=None, expect=None):
    """Runs argv + args and checks it: no sanitizer report, an exit status in
    statuses (when given), secret printed nowhere (when given), exit status
    expect (when given). The result carries .elapsed in seconds."""
    t0 = time.monotonic()
    r = subprocess.run(list(argv) + list(args), input=stdin, capture_output=True, text=True,
                       timeout=timeout, cwd=cwd, env=env)
    r.elapsed = time.monotonic() - t0
    mark = sanitizer_report(r.stderr)
    check(mark is None, "sanitizer report (%s) from %r" % (mark, args), r)
    if statuses is not None:
        check(r.returncode in statuses, "exit status %d from %r" % (r.returncode, args), r)
    if secret is not None:
        check(secret not in r.stdout and secret not in r.stderr, "the token was printed", r)
    if expect is not None:
        check(r.returncode == expect, "expected exit %d from %r" % (expect, args), r)
    return r


def closed_port():
    """A port on 127.0.0.1 nobody listens on: bound, then released."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tmpfile(text, suffix=".json"):
    """A new temporary file holding text; the caller unlinks it."""
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="cardc-run-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def collect_tests(namespace, ordered=False):
    """The (name, function) pairs of namespace's test_* functions, in
    definition order or, when ordered, by name."""
    tests = [(n, f) for n, f in namespace.items() if n.startswith("test_") and callable(f)]
    return sorted(tests) if ordered else tests


def run_tests(tests, only=None):
    """Runs each test (all, or the one named only), printing `ok   NAME` or
    `FAIL NAME: why` (with the traceback when the test itself crashed), then
    `P passed, F failed`. Returns the exit status."""
    passed = failed = 0
    for name, fn in tests:
        if only and only != name:
            continue
        try:
            fn()
        except Exception as e:  # a failure or a crash of the test itself
            failed += 1
            print("FAIL %s: %s" % (name, e))
            if not isinstance(e, Failure):
                traceback.print_exc()
        else:
            passed += 1
            print("ok   %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def compilers():
    """The C compilers to build generated code with: $CC, then gcc and clang
    when they are others."""
    found = []
    cc = os.environ.get("CC")
    if cc:
        found.append(shlex.split(cc))
    for name in ("gcc", "clang"):
        path = shutil.which(name)
        same = [c for c in found if shutil.which(c[0]) and
                os.path.realpath(shutil.which(c[0])) == os.path.realpath(path or "")]
        if not path:
            # generated code must compile with both: a missing compiler is a
            # failure, never a silently smaller test
            sys.exit("test: %s is not installed (scripts/deps.sh installs it)" % name)
        if not same and all(os.path.basename(c[0]) != name for c in found):
            found.append([path])
    return found
