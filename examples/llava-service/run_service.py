#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""llava-service without a server: requests the card refuses are answered
with the validator's error and never sent; a valid one meets a closed
127.0.0.1 port and is reported as a network failure (exit 3).

Usage: run_service.py PATH/TO/llava-service
"""
import json
import os
import subprocess
import sys

# The test drivers' shared helpers (this driver is a test; the example's C
# code stays standalone).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "pyhelpers"))
from cardc_test import closed_port, sanitizer_report  # noqa: E402

REQUESTS = (
    '{"prompt": "What is this?", "image": [137, 80, 78, 71]}\n'
    '\n'
    '{"prompt": "a", "messages": [{"role": "user", "content": "b"}], "image": [1]}\n'
    '{"prompt": "no image"}\n'
    '{"image": [1,\n'
)


def fail(why, r):
    print("FAIL: %s\n  exit %d\n  stdout: %r\n  stderr: %r" % (why, r.returncode, r.stdout,
                                                               r.stderr))
    return 1


def main():
    service = os.path.abspath(sys.argv[1])
    port = closed_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLOUDFLARE_", "OPENAI_"))}
    env.update(CLOUDFLARE_ACCOUNT_ID="acct", CLOUDFLARE_API_TOKEN="sekrit-token-4711")
    r = subprocess.run([service, "--base-url", "http://127.0.0.1:%d" % port, "--retries", "0",
                        "--timeout", "10"], input=REQUESTS, capture_output=True, text=True,
                       timeout=60, env=env)
    if sanitizer_report(r.stderr):
        return fail("sanitizer report", r)
    if "sekrit" in r.stdout + r.stderr:
        return fail("the token was printed", r)
    if r.returncode != 3:
        return fail("expected exit 3 (a backend failure is the worst outcome)", r)
    replies = [json.loads(line) for line in r.stdout.splitlines()]
    if [x["line"] for x in replies] != [1, 3, 4, 5]:
        return fail("one reply per non-blank line, in order", r)
    if replies[0].get("status") != "network":
        return fail("the valid request was sent and met the closed port", r)
    if (replies[1].get("status") != "invalid" or
            '"prompt" and "messages" are mutually exclusive' not in replies[1]["error"] or
            not replies[1]["error"].startswith("<stdin>:3:")):
        return fail("line 3 refused with the card's errorMessage at its line", r)
    if replies[2].get("status") != "invalid" or 'required property "image"' not in replies[2]["error"]:
        return fail("line 4 refused: image is required", r)
    if replies[3].get("status") != "json" or not replies[3]["error"].startswith("<stdin>:5:"):
        return fail("line 5 refused as malformed JSON at its line", r)
    r2 = subprocess.run([service, "--bogus"], capture_output=True, text=True, timeout=60)
    if r2.returncode != 2 or "unknown option" not in r2.stderr:
        return fail("an unknown option is a usage error", r2)
    print("ok llava-service: 4 replies, refused requests never sent, exit 3")
    return 0


if __name__ == "__main__":
    sys.exit(main())
