#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`cardc run` (one input, --batch, --gateway) and `cardc fetch-card` end to
end against the test server.

Usage: test_run.py PATH/TO/cardc PATH/TO/mock-server SOURCE_ROOT

Each case starts its own mock-server (tests/mock) as a subprocess on
127.0.0.1 (ephemeral port, read from its --port-file), picks the injected
fault with --scenario, and stops it with SIGTERM; the server then reports how
many requests it got and how many failed its checks (path, method, account,
bearer token, body against the card's input schema, the image data URL).
Nothing here touches any address but 127.0.0.1. Python 3 standard library
only; every run is checked for sanitizer reports and for the token.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import (MUTUALLY_EXCLUSIVE, Failure, check, collect_tests,
                         env_without_credentials, run_checked, run_tests, sanitizer_report,
                         tmpfile)  # noqa: E402

CARDC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
MOCK = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
ROOT = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
SEED = os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md") if ROOT else None
IMAGE = os.path.join(ROOT, "examples", "llava-caption", "cat.png") if ROOT else None

# Recognisable: any leak into stdout or stderr is found.
TOKEN = "cardc-cli-SECRET-token-93e4a1"
ACCOUNT = "cli-account"
OPENAI_MODEL = "llava-hf/llava-1.5-7b-hf"
MODEL = "@cf/llava-hf/llava-1.5-7b-hf"
PROMPT = "What is in this image?"
DESCRIPTION = "A grey cat sits on a wooden table."  # MOCK_DESCRIPTION
PIECES = ["A grey", " cat sits", " on a", " wooden table."]  # MOCK_STREAM_PIECES


GATEWAY = "cli-gateway"
GATEWAY_TOKEN = "cardc-cli-GATEWAY-secret-6f0b2c"


class Mock:
    """A mock-server process for one scenario; `with Mock(...) as m:`."""

    def __init__(self, scenario="ok", card=None):
        self.scenario = scenario
        self.card = card or SEED
        self.requests = None
        self.failed_checks = None
        self.report = ""

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="cardc-mock-")
        port_file = os.path.join(self.dir.name, "port")
        self.proc = subprocess.Popen(
            [MOCK, "--card", self.card, "--port-file", port_file, "--scenario", self.scenario,
             "--token", TOKEN, "--account", ACCOUNT, "--openai-model", OPENAI_MODEL,
             "--gateway", GATEWAY, "--gateway-token", GATEWAY_TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                out, err = self.proc.communicate()
                raise Failure("mock-server did not start: %r" % err)
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise Failure("mock-server did not stop on SIGTERM")
        self.dir.cleanup()
        self.report = err
        m = re.search(r"mock-server: (\d+) requests, (\d+) failed checks", err)
        if exc[0] is None:
            check(self.proc.returncode == 0 and m, "mock-server report: %r" % err)
            check(sanitizer_report(err) is None, "sanitizer report from mock-server: %r" % err)
        if m:
            self.requests, self.failed_checks = int(m.group(1)), int(m.group(2))
        return False

    def url(self, backend="workers-ai", scenario=None):
        return "http://127.0.0.1:%d%s/%s" % (self.port, "/s/" + scenario if scenario else "",
                                            "v1" if backend == "openai" else "client/v4")


def run(*args, env=None, expect=None, timeout=60):
    """Runs cardc with the credentials variables cleared, then env added;
    neither the token nor the gateway's is ever printed."""
    r = run_checked([CARDC], args, env=env_without_credentials(env), cwd=ROOT,
                    timeout=timeout, secret=TOKEN, expect=expect)
    check(GATEWAY_TOKEN not in r.stdout + r.stderr, "the gateway token was printed", r)
    return r


WORKERS_ENV = {"CLOUDFLARE_ACCOUNT_ID": ACCOUNT, "CLOUDFLARE_API_TOKEN": TOKEN}
OPENAI_ENV = {"OPENAI_API_KEY": TOKEN}


def run_image(mock, backend="workers-ai", extra=(), expect=None, timeout=60):
    """`cardc run --card SEED --image cat.png --prompt ... --base-url ...`."""
    args = ["run", "--card", SEED, "--image", IMAGE, "--prompt", PROMPT,
            "--base-url", mock.url(backend)]
    if backend == "openai":
        args += ["--backend", "openai", "--model", OPENAI_MODEL]
    args += list(extra)
    return run(*args, env=OPENAI_ENV if backend == "openai" else WORKERS_ENV, expect=expect,
               timeout=timeout)


def output_of(r):
    try:
        return json.loads(r.stdout)
    except ValueError:
        raise Failure("stdout is not JSON: %r" % r.stdout[:500])


def check_clean(mock, requests):
    check(mock.failed_checks == 0, "the server's checks failed: %s" % mock.report)
    check(mock.requests == requests,
          "%s: %s requests, want %d" % (mock.scenario, mock.requests, requests))


# ---- Cases -------------------------------------------------------------------

def test_run_both_backends():
    for backend in ("workers-ai", "openai"):
        with Mock("ok") as m:
            r = run_image(m, backend, expect=0)
        check(output_of(r) == {"description": DESCRIPTION},
              "%s: the output is the description" % backend, r)
        check_clean(m, 1)


def test_500_twice_then_200():
    """The issue's "Done when": the output after two retries."""
    for backend in ("workers-ai", "openai"):
        with Mock("500-twice") as m:
            r = run_image(m, backend, expect=0)
        check(output_of(r) == {"description": DESCRIPTION}, "%s: 500 twice" % backend, r)
        check_clean(m, 3)


def test_input_file():
    payload = json.dumps({"prompt": PROMPT, "image": list(open(IMAGE, "rb").read()[:64])})
    path = tmpfile(payload)
    try:
        with Mock("ok") as m:
            r = run("run", "--card", SEED, "--input", path, "--base-url", m.url(),
                    env=WORKERS_ENV, expect=0)
        check(output_of(r) == {"description": DESCRIPTION}, "--input", r)
        check_clean(m, 1)
    finally:
        os.unlink(path)


def test_invalid_input_not_sent():
    payload = json.dumps({"prompt": "p", "messages": [{"role": "user", "content": "c"}],
                          "image": [1, 2, 3]})
    path = tmpfile(payload)
    try:
        with Mock("ok") as m:
            r = run("run", "--card", SEED, "--input", path, "--base-url", m.url(),
                    env=WORKERS_ENV, expect=1)
        check(MUTUALLY_EXCLUSIVE in r.stderr, "the card's errorMessage is shown", r)
        check(m.requests == 0, "an invalid input is never sent (%s requests)" % m.requests)
    finally:
        os.unlink(path)


def test_duplicate_keys():
    # the last member wins and only it is sent; refused, nothing is sent
    path = tmpfile('{"prompt": "first", "image": [1, 2, 3], "prompt": "%s"}' % PROMPT)
    try:
        with Mock("ok") as m:
            run("run", "--card", SEED, "--input", path, "--base-url", m.url(),
                env=WORKERS_ENV, expect=0)
        check_clean(m, 1)
        with Mock("ok") as m:
            r = run("run", "--card", SEED, "--input", path, "--base-url", m.url(),
                    "--duplicate-keys", "reject", env=WORKERS_ENV, expect=2)
        check(path + ':1:41: error: duplicate object key "prompt"' in r.stderr,
              "the duplicate named at its place", r)
        check(m.requests == 0, "a refused input is never sent (%s requests)" % m.requests)
    finally:
        os.unlink(path)


def test_bad_output():
    for backend, want in (("workers-ai", 1), ("openai", None)):
        with Mock("bad-output") as m:
            r = run_image(m, backend)
        if want is not None:
            check(r.returncode == want, "%s: an output breaking the schema exits 1" % backend, r)
            check("description" in r.stderr, "%s: the error names the member" % backend, r)
        else:
            check(r.returncode in (1, 3), "%s: a non-text answer is refused" % backend, r)
        check(r.stdout.strip() == "", "%s: nothing printed on stdout" % backend, r)


def test_backend_failures():
    cases = [
        ("workers-ai", "401", "Authentication error", 1),
        ("workers-ai", "403", "not allowed", 1),
        ("workers-ai", "400-5007", "No such model", 1),
        ("workers-ai", "413-3006", "too large", 1),
        ("workers-ai", "429-3036", "daily free allocation", None),
        ("workers-ai", "429-3040", "Capacity temporarily exceeded", 1),
        ("workers-ai", "not-success", "inference failed on the worker", 1),
        ("workers-ai", "malformed", None, 1),
        ("workers-ai", "401-echo", None, 1),
        ("openai", "401", "Invalid API key", 1),
        ("openai", "401-echo", None, 1),
        ("openai", "500-always", None, 1),
    ]
    for backend, scenario, message, requests in cases:
        with Mock(scenario) as m:
            r = run_image(m, backend, extra=["--retries", "0"], expect=3)
        check("backend" in r.stderr, "%s %s: the failure is named" % (backend, scenario), r)
        if message:
            check(message.lower() in r.stderr.lower(),
                  "%s %s: stderr carries %r" % (backend, scenario, message), r)
        check(r.stdout.strip() == "", "%s %s: nothing on stdout" % (backend, scenario), r)
        if requests is not None:
            check(m.requests == requests,
                  "%s %s: %s requests, want %d" % (backend, scenario, m.requests, requests))


def test_usage_and_credentials():
    """Exit 2 for usage and missing credentials; nothing is sent."""
    with Mock("ok") as m:
        r = run("run", "--card", SEED, "--image", IMAGE, "--base-url", m.url(), "--bogus",
                env=WORKERS_ENV, expect=2)
        r = run("run", "--card", SEED, "--image", IMAGE, "--base-url", m.url(),
                env={"CLOUDFLARE_ACCOUNT_ID": ACCOUNT}, expect=2)
        check("CLOUDFLARE_API_TOKEN" in r.stderr, "the missing variable is named", r)
        r = run("fetch-card", MODEL, "-o", "-", "--base-url", m.url(),
                env={"CLOUDFLARE_API_TOKEN": TOKEN}, expect=2)
        check("CLOUDFLARE_ACCOUNT_ID" in r.stderr, "the missing variable is named", r)
    check(m.requests == 0, "%s requests without credentials" % m.requests)


def test_timeout_bounded():
    with Mock("slow") as m:
        r = run_image(m, extra=["--timeout", "1", "--retries", "0"], expect=3, timeout=30)
    check(r.elapsed < 4, "a 1 s timeout took %.1f s" % r.elapsed, r)


def test_stream():
    for backend in ("workers-ai", "openai"):
        with Mock("ok") as m:
            r = run_image(m, backend, extra=["--stream"], expect=0)
        at = 0
        for piece in PIECES:
            i = r.stdout.find(piece, at)
            check(i >= 0, "%s --stream: %r printed in order" % (backend, piece), r)
            at = i + len(piece)
        check("[DONE]" not in r.stdout, "%s --stream: [DONE] is not printed" % backend, r)
        check(m.failed_checks == 0, "server checks: %s" % m.report)
    with Mock("stream-cut") as m:
        r = run_image(m, extra=["--stream", "--retries", "0"], expect=3)
    check(PIECES[0] in r.stdout, "a cut stream prints the events before the cut", r)


def test_fetch_card():
    with tempfile.TemporaryDirectory(prefix="cardc-fetch-") as d:
        out = os.path.join(d, "card.json")
        with Mock("ok") as m:
            run("fetch-card", MODEL, "-o", out, "--base-url", m.url(), env=WORKERS_ENV, expect=0)
        check_clean(m, 1)
        with open(out) as f:
            card = json.load(f)
        check(card.get("name") == MODEL, "the card names the model: %r" % card.get("name"))
        # The fetched card drives validation and generation like the seed.
        fd, payload = tempfile.mkstemp(suffix=".json", dir=d)
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps({"prompt": "hi", "image": [1, 2, 3]}))
        run("validate", "--card", out, payload, expect=0)
        run("gen", "--card", out, "-o", d, "--name", "fetched", expect=0)
        check(os.path.exists(os.path.join(d, "fetched.h")), "gen wrote fetched.h")
        with Mock("400-5007") as m:
            r = run("fetch-card", "@cf/nobody/none", "-o", out, "--base-url", m.url(),
                    env=WORKERS_ENV, expect=3)
        check("No such model" in r.stderr, "unknown model named", r)


# ---- The Batch API (cardc run --batch) and the AI Gateway ---------------------

def batch_card(d):
    """The seed's schemas in a JSON card that flags the Batch API (the
    async_queue property), written to d."""
    schemas = {}
    for side in ("input", "output"):
        r = run("schema", SEED, "--side", side, expect=0)
        schemas[side] = json.loads(r.stdout)
    card = {"name": MODEL, "description": "the seed, batchable",
            "properties": [{"property_id": "async_queue", "value": "true"}],
            "schema": schemas}
    path = os.path.join(d, "batchable.json")
    with open(path, "w") as f:
        json.dump(card, f)
    return path


def batch_lines(n, refs=True):
    """n inputs as JSON Lines (a blank line among them); all but the last
    carry an external_reference."""
    out = []
    for i in range(n):
        doc = {"prompt": "picture %d" % i, "image": [137, 80, 78, 71]}
        if refs and i + 1 < n:
            doc["external_reference"] = "line-%d" % i
        out.append(json.dumps(doc))
        if i == 0:
            out.append("")
    return "\n".join(out) + "\n"


def run_batch(mock, card, path, scenario=None, extra=(), expect=None):
    return run("run", "--card", card, "--batch", path, "--base-url",
               mock.url(scenario=scenario), "--poll-ms", "10", *extra,
               env=WORKERS_ENV, expect=expect)


def batch_outputs(r, n):
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    check(len(lines) == n, "%d output lines, want %d" % (len(lines), n), r)
    return lines


def test_batch():
    """Queued, running, done: one line per input, in input order, each with
    its own answer and external_reference; 2 for a card without async_queue
    unless --force; an invalid line sends nothing."""
    with tempfile.TemporaryDirectory(prefix="cardc-batch-") as d:
        card = batch_card(d)
        path = os.path.join(d, "in.jsonl")
        with open(path, "w") as f:
            f.write(batch_lines(3))
        with Mock("ok", card=card) as m:
            r = run_batch(m, card, path, expect=0)
        lines = batch_outputs(r, 3)
        for i, line in enumerate(lines):
            check(line.get("external_reference") == ("line-%d" % i if i < 2 else None) and
                  line.get("result") == {"description": "%s [picture %d]" % (DESCRIPTION, i)},
                  "line %d: %r" % (i, line), r)
        # submit, queued, running, done
        check_clean(m, 4)
        # the seed does not flag the Batch API: refused with a hint, or --force
        with Mock("ok") as m:
            r = run_batch(m, SEED, path, expect=2)
            check("async_queue" in r.stderr and "--force" in r.stderr, "the hint", r)
            r = run_batch(m, SEED, path, extra=["--force"], expect=0)
            batch_outputs(r, 3)
        check_clean(m, 4)
        # every line is checked first; nothing is sent
        bad = os.path.join(d, "bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"prompt":"p","image":[1]}\n{"prompt":5,"image":[1]}\n')
        with Mock("ok", card=card) as m:
            r = run_batch(m, card, bad, expect=1)
        check(re.search(r"bad\.jsonl:2:\d+: /prompt: ", r.stderr) and "nothing sent" in r.stderr,
              "the invalid line is named with its position", r)
        check(m.requests == 0, "an invalid batch is never sent (%s requests)" % m.requests)


def test_batch_failures():
    """Per-input failures: the other lines are printed; 1 for an output
    breaking the schema, 3 for a backend failure."""
    with tempfile.TemporaryDirectory(prefix="cardc-batch-") as d:
        card = batch_card(d)
        path = os.path.join(d, "in.jsonl")
        with open(path, "w") as f:
            f.write(batch_lines(3))
        with Mock("ok", card=card) as m:
            r = run_batch(m, card, path, scenario="batch-bad-output", expect=1)
            lines = batch_outputs(r, 3)
            err = lines[0].get("error", {})
            check(err.get("status") == "invalid" and err.get("pointer") == "/description" and
                  "result" in lines[1] and "result" in lines[2], "bad output: %r" % lines, r)
            check("in.jsonl:1: error: invalid" in r.stderr, "the failed line is named", r)
            r = run_batch(m, card, path, scenario="batch-item-failed", expect=3)
            lines = batch_outputs(r, 3)
            check(lines[1].get("error", {}).get("status") == "backend" and "result" in lines[0],
                  "item failed: %r" % lines, r)
            r = run_batch(m, card, path, scenario="batch-lost-ref", expect=3)
            lines = batch_outputs(r, 3)
            check("result" in lines[0] and "error" in lines[1] and "result" in lines[2],
                  "lost reference: %r" % lines, r)
            r = run_batch(m, card, path, scenario="batch-poll-500", expect=0)
            batch_outputs(r, 3)
            r = run_batch(m, card, path, scenario="batch-malformed", expect=3)
            check(r.stdout == "" and "backend" in r.stderr, "malformed answer", r)
        check(m.failed_checks == 0, "the server's checks failed: %s" % m.report)


def test_batch_usage():
    with Mock("ok") as m:
        path = tmpfile(batch_lines(1), suffix=".jsonl")
        try:
            for extra in (["--input", path], ["--stream"], ["--backend", "openai"]):
                run("run", "--card", SEED, "--batch", path, "--force", "--base-url", m.url(),
                    *extra, env=WORKERS_ENV, expect=2)
            r = run("run", "--card", SEED, "--input", path, "--force", env=WORKERS_ENV, expect=2)
            check("--batch" in r.stderr, "--force goes with --batch", r)
            empty = tmpfile("\n\n", suffix=".jsonl")
            r = run("run", "--card", SEED, "--batch", empty, "--force", env=WORKERS_ENV,
                    expect=2)
            check("no input" in r.stderr, "an empty batch", r)
            os.unlink(empty)
        finally:
            os.unlink(path)
    check(m.requests == 0, "%s requests for usage errors" % m.requests)


def test_gateway():
    """--gateway: the gateway's URL shape (the server only answers there),
    its credential from CF_AIG_TOKEN, both backends."""
    env = dict(WORKERS_ENV, CF_AIG_TOKEN=GATEWAY_TOKEN)
    for backend in ("workers-ai", "openai"):
        with Mock("ok") as m:
            args = ["run", "--card", SEED, "--image", IMAGE, "--prompt", PROMPT,
                    "--gateway", GATEWAY, "--base-url", "http://127.0.0.1:%d/v1" % m.port]
            if backend == "openai":
                args += ["--backend", "openai"]
            r = run(*args, env=env, expect=0)
            check(output_of(r) == {"description": DESCRIPTION}, "%s via the gateway" % backend, r)
            # without the gateway's token: 401 from the gateway
            r = run(*args + ["--retries", "0"], env=WORKERS_ENV, expect=3)
            check("auth" in r.stderr, "%s: the gateway refused" % backend, r)
        check(m.requests == 2, "%s: %s requests" % (backend, m.requests))
        check(m.failed_checks == 1, "%s: only the missing token failed: %s" % (backend, m.report))


def main():
    if not CARDC or not MOCK or not ROOT:
        print("usage: test_run.py PATH/TO/cardc PATH/TO/mock-server SOURCE_ROOT", file=sys.stderr)
        return 2
    return run_tests(collect_tests(globals(), ordered=True))


if __name__ == "__main__":
    sys.exit(main())
