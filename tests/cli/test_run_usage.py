#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`cardc run` and `cardc fetch-card` without a server: usage errors, missing
credentials, refused connections, unreadable and invalid inputs.

Usage: test_run_usage.py PATH/TO/cardc SOURCE_ROOT

Python 3 standard library only. Every run is checked for sanitizer reports.
The end-to-end runs against a local test server live with that server
(tests/mock); nothing here touches the network beyond 127.0.0.1.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import (MUTUALLY_EXCLUSIVE, check, closed_port, collect_tests,
                         env_without_credentials, run_checked, run_tests, tmpfile)  # noqa: E402

CARDC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
ROOT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
SEED = os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md") if ROOT else None
IMAGE = os.path.join(ROOT, "examples", "llava-caption", "cat.png") if ROOT else None

TOKEN = "sekrit-token-do-not-print-4711"


def run(*args, env=None, expect=None, stdin=None):
    """Runs cardc with the credentials variables cleared, then env added."""
    return run_checked([CARDC], args, stdin=stdin, env=env_without_credentials(env), cwd=ROOT,
                       timeout=60, statuses=(0, 1, 2, 3), secret=TOKEN, expect=expect)


WORKERS_ENV = {"CLOUDFLARE_ACCOUNT_ID": "acct", "CLOUDFLARE_API_TOKEN": TOKEN}


def test_help():
    r = run("run", "--help", expect=0)
    for word in ("--card", "--image", "--stream", "--backend", "--out", "CLOUDFLARE_API_TOKEN",
                 "3 backend failure"):
        check(word in r.stdout, "run --help mentions %s" % word, r)
    r = run("fetch-card", "--help", expect=0)
    check("MODEL -o FILE" in r.stdout, "fetch-card --help shows its form", r)
    r = run("--help", expect=0)
    check(" run " in r.stdout and " fetch-card " in r.stdout, "cardc --help lists both", r)
    run("help", "run", expect=0)
    run("help", "fetch-card", expect=0)


def test_run_usage_errors():
    cases = [
        ((), "--card is required"),
        (("--card", SEED), "exactly one of --input, --image or --batch"),
        (("--card", SEED, "--input", "x.json", "--image", IMAGE), "exactly one of"),
        (("--card", SEED, "--input", "x.json", "--prompt", "hi"), "go with --image"),
        (("--card", SEED, "--image", IMAGE, "--backend", "bedrock"), "unknown backend 'bedrock'"),
        (("--card", SEED, "--image", IMAGE, "--max-tokens", "lots"), "--max-tokens expects"),
        (("--card", SEED, "--image", IMAGE, "--max-tokens", "0"), "--max-tokens expects"),
        (("--card", SEED, "--image", IMAGE, "--retries", "-1"), "--retries expects"),
        (("--card", SEED, "--image", IMAGE, "--timeout", "0"), "--timeout expects"),
        (("--card", SEED, "--image", IMAGE, "--frobnicate"), "unknown option '--frobnicate'"),
        (("--card", SEED, "--image"), "'--image' needs a value"),
        (("--card", SEED, "--card", SEED, "--image", IMAGE), "--card given twice"),
        (("--card", SEED, "--image", IMAGE, "stray"), "unexpected argument 'stray'"),
        (("--card", SEED, "--image", IMAGE, "--stream=yes"), "takes no value"),
    ]
    for args, message in cases:
        r = run("run", *args, env=WORKERS_ENV, expect=2)
        check(message in r.stderr, "run %r says %r" % (args, message), r)
        check("Run 'cardc help run'" in r.stderr and "Usage:" not in r.stderr,
              "run %r points at its help" % (args,), r)


def test_fetch_card_usage_errors():
    cases = [
        ((), "MODEL is required"),
        (("@cf/x/y",), "-o FILE is required"),
        (("@cf/x/y", "@cf/x/z", "-o", "f"), "unexpected argument '@cf/x/z'"),
        (("@cf/x/y", "-o"), "'-o' needs a value"),
        (("@cf/x/y", "-o", "f", "--bogus"), "unknown option '--bogus'"),
        (("@cf/x/y", "-o", "f", "--retries", "x"), "--retries expects"),
    ]
    for args, message in cases:
        r = run("fetch-card", *args, env=WORKERS_ENV, expect=2)
        check(message in r.stderr, "fetch-card %r says %r" % (args, message), r)


def test_missing_credentials_name_the_variable():
    base = ("run", "--card", SEED, "--image", IMAGE, "--prompt", "hi")
    r = run(*base, expect=2)
    check("CLOUDFLARE_ACCOUNT_ID" in r.stderr, "no account names CLOUDFLARE_ACCOUNT_ID", r)
    r = run(*base, env={"CLOUDFLARE_ACCOUNT_ID": "acct"}, expect=2)
    check("CLOUDFLARE_API_TOKEN" in r.stderr, "no token names CLOUDFLARE_API_TOKEN", r)
    r = run(*base, "--account-id", "acct", expect=2)
    check("CLOUDFLARE_API_TOKEN" in r.stderr, "--account-id alone still needs the token", r)
    r = run(*base, "--backend", "openai", expect=2)
    check("OPENAI_BASE_URL" in r.stderr, "openai without a server names OPENAI_BASE_URL", r)
    r = run("fetch-card", "@cf/llava-hf/llava-1.5-7b-hf", "-o", os.devnull, expect=2)
    check("CLOUDFLARE_ACCOUNT_ID" in r.stderr, "fetch-card names CLOUDFLARE_ACCOUNT_ID", r)
    r = run("fetch-card", "@cf/llava-hf/llava-1.5-7b-hf", "-o", os.devnull,
            env={"CLOUDFLARE_ACCOUNT_ID": "acct"}, expect=2)
    check("CLOUDFLARE_API_TOKEN" in r.stderr, "fetch-card names CLOUDFLARE_API_TOKEN", r)


def test_connection_refused_is_a_backend_failure():
    url = "http://127.0.0.1:%d" % closed_port()
    common = ("--card", SEED, "--image", IMAGE, "--prompt", "hi", "--retries", "0",
              "--timeout", "10", "--base-url")
    r = run("run", *common, url, env=WORKERS_ENV, expect=3)
    check(r.stderr.startswith("cardc: error: backend: network: "),
          "workers-ai: 'cardc: error: backend: network: ...'", r)
    check(r.stdout == "", "nothing on stdout", r)
    r = run("run", *common, url + "/v1", "--backend", "openai",
            env={"OPENAI_API_KEY": TOKEN}, expect=3)
    check(r.stderr.startswith("cardc: error: backend: network: "),
          "openai: 'cardc: error: backend: network: ...'", r)
    r = run("fetch-card", "@cf/llava-hf/llava-1.5-7b-hf", "-o", os.devnull, "--retries", "0",
            "--base-url", url, env=WORKERS_ENV, expect=3)
    check(r.stderr.startswith("cardc: error: backend: network: "),
          "fetch-card: 'cardc: error: backend: network: ...'", r)


def test_unreadable_inputs():
    r = run("run", "--card", SEED, "--image", "/nonexistent/cat.png", env=WORKERS_ENV, expect=2)
    check("/nonexistent/cat.png" in r.stderr, "a missing image is named", r)
    r = run("run", "--card", SEED, "--input", "/nonexistent/in.json", env=WORKERS_ENV, expect=2)
    check("/nonexistent/in.json" in r.stderr, "a missing payload is named", r)
    r = run("run", "--card", "/nonexistent/card.md", "--image", IMAGE, env=WORKERS_ENV, expect=2)
    check("/nonexistent/card.md" in r.stderr, "a missing card is named", r)
    bad = tmpfile('{"image": [1, 2,')
    try:
        r = run("run", "--card", SEED, "--input", bad, env=WORKERS_ENV, expect=2)
        check(bad + ":1:" in r.stderr, "malformed JSON is reported at its position", r)
    finally:
        os.unlink(bad)


def test_invalid_input_is_refused_before_sending():
    # No credentials at all: validation comes first, so the verdict is 1, not 2.
    missing = tmpfile('{"prompt": "no image"}')
    both = tmpfile('{"image": [1, 2], "prompt": "a", "messages": [{"role": "user",'
                   ' "content": "b"}]}')
    try:
        r = run("run", "--card", SEED, "--input", missing, expect=1)
        check('must have required property "image"' in r.stderr, "the validator's error", r)
        check(missing + ":1:" in r.stderr, "errors name the payload like validate", r)
        check("nothing sent" in r.stderr, "says nothing was sent", r)
        check(r.stdout == "", "nothing on stdout", r)
        r = run("run", "--card", SEED, "--input", both, expect=1)
        check(MUTUALLY_EXCLUSIVE in r.stderr, "the card's errorMessage", r)
        r = run("run", "--card", SEED, "--input", "-", stdin='["not", "an", "object"]', expect=1)
        check("<stdin>:1:1: (root):" in r.stderr, "a payload from stdin is reported as <stdin>", r)
    finally:
        os.unlink(missing)
        os.unlink(both)


def main():
    if not CARDC or not ROOT:
        print("usage: test_run_usage.py PATH/TO/cardc SOURCE_ROOT", file=sys.stderr)
        return 2
    for path in (CARDC, SEED, IMAGE):
        if not os.path.exists(path):
            print("FAIL: %s is missing" % path, file=sys.stderr)
            return 1
    return run_tests(collect_tests(globals()))


if __name__ == "__main__":
    sys.exit(main())
