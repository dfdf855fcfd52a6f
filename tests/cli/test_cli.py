#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the cardc command-line tool.

Usage: test_cli.py PATH/TO/cardc SOURCE_ROOT SHARED_DIR (meson -Dtest_data)

Python 3 standard library only. Every run of the binary is also checked for
sanitizer reports, so the suite is meaningful under an ASan/UBSan build.
Cards from SHARED_DIR (../shared by default) are required: a missing
shared directory fails the test that needs it, never skips it.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import (MUTUALLY_EXCLUSIVE, check, collect_tests, run_checked, run_tests)  # noqa: E402

CARDC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
ROOT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
HERE = os.path.join(ROOT, "tests", "cli") if ROOT else None
SEED = os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md") if ROOT else None
SHARED = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None



def payload(name):
    return os.path.join(HERE, "payloads", name)


def schema(name):
    return os.path.join(HERE, "schemas", name)


def run(*args, stdin=None, expect=None):
    """Runs cardc with args; checks the exit status when expect is given."""
    return run_checked([CARDC], args, stdin=stdin, cwd=ROOT, timeout=120, statuses=(0, 1, 2),
                       expect=expect)


def json_lines(text):
    """Parses JSON Lines, keeping member order."""
    out = []
    for line in text.splitlines():
        check(line.strip() != "", "blank line in JSON Lines output")
        out.append(json.loads(line, object_pairs_hook=lambda pairs: pairs))
    return out


def as_dict(pairs):
    return {k: v for k, v in pairs}


# ---- help, version, usage -------------------------------------------------

def test_version():
    r = run("--version", expect=0)
    check(r.stdout == "cardc 0.1.0\n", "version text", r)
    r = run("-V", expect=0)
    check(r.stdout == "cardc 0.1.0\n", "-V text", r)


def test_help():
    r = run("--help", expect=0)
    check("Usage: cardc COMMAND" in r.stdout and "validate" in r.stdout
          and "inspect" in r.stdout, "main help", r)
    for args in (("validate", "--help"), ("help", "validate")):
        r = run(*args, expect=0)
        for opt in ("--card", "--schema", "--side", "--jsonl", "--dialect", "--ext", "--yaml",
                    "--verbose", "junit",
                    "--resource", "--resource-dir", "--assert-format",
                    "--apply-defaults", "--print", "--max-errors", "--max-depth",
                    "--format", "--jobs"):
            check(opt in r.stdout, "validate help mentions " + opt, r)
    for args in (("inspect", "--help"), ("help", "inspect")):
        r = run(*args, expect=0)
        check("Usage: cardc inspect CARD" in r.stdout, "inspect help", r)
    r = run("help", expect=0)
    check("Usage: cardc COMMAND" in r.stdout, "bare help", r)


def test_usage_errors():
    cases = [
        (),
        ("frobnicate",),
        ("--frobnicate",),
        ("help", "frobnicate"),
        ("validate",),                                    # neither card nor schema
        ("validate", "--card", SEED, "--schema", schema("simple.json")),
        ("validate", "--card", SEED, "--bogus"),
        ("validate", "--card"),                           # missing value
        ("validate", "--schema", schema("simple.json"), "--output"),
        ("validate", "--card", SEED, "--dialect", "draft99"),
        ("validate", "--card", SEED, "--format", "xml"),
        ("validate", "--card", SEED, "--max-errors", "0"),
        ("validate", "--card", SEED, "--max-errors", "12x"),
        ("validate", "--card", SEED, "--max-depth", "-3"),
        ("validate", "--card", SEED, "--max-depth", "100001"),
        ("validate", "--card", SEED, "--resource", "no-equals-sign"),
        ("validate", "--card", SEED, "--print=yes"),
        ("inspect",),
        ("inspect", SEED, SEED),
        ("inspect", "--bogus", SEED),
    ]
    for args in cases:
        r = run(*args, stdin="", expect=2)
        check(r.stdout == "", "usage error prints nothing on stdout: %r" % (args,), r)
        check(r.stderr.strip() != "", "usage error explains itself: %r" % (args,), r)
        # Short: the message and where the help is, never the whole help.
        check("Usage: cardc" not in r.stderr and len(r.stderr.splitlines()) <= 3,
              "short usage error: %r" % (args,), r)
        check("Run 'cardc help" in r.stderr, "points at the help: %r" % (args,), r)


# ---- validate against the seed card ----------------------------------------

def test_valid_payload():
    r = run("validate", "--card", SEED, payload("llava-valid.json"), expect=0)
    check(r.stdout == payload("llava-valid.json") + ": valid\n", "valid line", r)
    check(r.stderr == "", "no diagnostics", r)


def test_mutually_exclusive():
    p = payload("llava-prompt-and-messages.json")
    r = run("validate", "--card", SEED, p, expect=1)
    check(MUTUALLY_EXCLUSIVE in r.stdout, "errorMessage text", r)
    line = [l for l in r.stdout.splitlines() if MUTUALLY_EXCLUSIVE in l][0]
    check(re.match(r"^%s:\d+:\d+: \S+: .+ \[\S*\]$" % re.escape(p), line),
          "text line shape: %r" % line, r)


def test_text_positions():
    p = payload("simple-invalid.json")
    r = run("validate", "--schema", schema("simple.json"), p, expect=1)
    lines = r.stdout.splitlines()
    check(any(l.startswith(p + ":2:8: /n: ") and "[/properties/n/maximum]" in l
              for l in lines), "maximum error at 2:8", r)
    check(any(l.startswith(p + ":3:17: /tags/1: ") for l in lines), "/tags/1 at 3:17", r)
    check(any(l.startswith(p + ":3:25: /tags/3: ") for l in lines), "/tags/3 at 3:25", r)
    for l in lines:
        check(re.match(r"^%s:\d+:\d+: (\(root\)|/\S*): .+ \[\S*\]$" % re.escape(p), l),
              "text line shape: %r" % l, r)


def test_invalid_exit_and_continue():
    # An invalid payload does not stop the next one; 1 overall.
    r = run("validate", "--card", SEED, payload("llava-invalid.json"),
            payload("llava-valid.json"), expect=1)
    check(r.stderr.endswith("1 valid, 1 invalid, 0 unreadable\n"), "second payload validated", r)
    check(": valid" not in r.stdout, "errors only for several payloads", r)
    check(payload("llava-invalid.json") + ":" in r.stdout, "first payload reported", r)


def test_malformed_payload():
    p = payload("malformed.json")
    r = run("validate", "--card", SEED, p, payload("llava-invalid.json"),
            payload("llava-valid.json"), expect=2)
    check(r.stderr.startswith(p + ":3:18: error: unexpected character ','"),
          "malformed at 3:18", r)
    # The others are still validated.
    check(r.stderr.endswith("1 valid, 1 invalid, 1 unreadable\n"), "later payload validated", r)
    check(payload("llava-invalid.json") + ":" in r.stdout, "invalid payload reported", r)


def test_truncated_payload():
    p = payload("truncated.json")
    r = run("validate", "--card", SEED, p, expect=2)
    check(r.stderr.startswith(p + ":3:17: error: unexpected end of data"),
          "truncated payload position and message", r)


def test_missing_payload_file():
    r = run("validate", "--card", SEED, "/nonexistent/payload.json",
            payload("llava-valid.json"), expect=2)
    check("/nonexistent/payload.json: error: " in r.stderr
          and "No such file or directory" in r.stderr, "unreadable payload", r)
    check(r.stderr.endswith("1 valid, 0 invalid, 1 unreadable\n"), "next payload validated", r)


def test_stdin():
    text = open(payload("llava-valid.json")).read()
    r = run("validate", "--card", SEED, stdin=text, expect=0)
    check(r.stdout == "<stdin>: valid\n", "stdin by default", r)
    r = run("validate", "--card", SEED, "-", stdin=text, expect=0)
    check(r.stdout == "<stdin>: valid\n", "stdin as '-'", r)
    bad = open(payload("llava-prompt-and-messages.json")).read()
    r = run("validate", "--card", SEED, "-", stdin=bad, expect=1)
    check(r.stdout.startswith("<stdin>:") and MUTUALLY_EXCLUSIVE in r.stdout,
          "stdin errors named <stdin>", r)
    r = run("validate", "--card", SEED, stdin='{"image": [1,', expect=2)
    check(r.stderr.startswith("<stdin>:1:14: error: unexpected end of data"),
          "truncated stdin", r)


def test_output_side():
    r = run("validate", "--card", SEED, "--output", payload("output-valid.json"), expect=0)
    r = run("validate", "--card", SEED, "--output", payload("output-invalid.json"), expect=1)
    check(":1:17: /description: " in r.stdout, "output schema error position", r)
    # The output payload is not a valid input.
    run("validate", "--card", SEED, payload("output-valid.json"), expect=1)


def test_apply_defaults_print():
    r = run("validate", "--card", SEED, "--apply-defaults", "--print",
            payload("llava-defaults.json"), expect=0)
    doc = json.loads(r.stdout)
    check(doc == {"image": [1, 2, 3], "raw": False, "max_tokens": 512},
          "defaults applied: %r" % (doc,), r)
    check(r.stdout.startswith('{\n  "image": [\n    1,'), "pretty JSON, 2 spaces", r)
    check(payload("llava-defaults.json") + ": valid" in r.stderr, "verdict on stderr", r)
    # Without --apply-defaults the payload is printed as it is.
    r = run("validate", "--card", SEED, "--print", payload("llava-defaults.json"), expect=0)
    check(json.loads(r.stdout) == {"image": [1, 2, 3]}, "no defaults without the flag", r)
    # Invalid payloads are not printed.
    r = run("validate", "--card", SEED, "--apply-defaults", "--print",
            payload("llava-prompt-and-messages.json"), expect=1)
    check(r.stdout == "" and MUTUALLY_EXCLUSIVE in r.stderr, "invalid not printed", r)


# ---- formats ----------------------------------------------------------------

def test_format_json():
    files = [payload("llava-valid.json"), payload("llava-prompt-and-messages.json"),
             payload("malformed.json")]
    r = run("validate", "--card", SEED, "--format", "json", "-v", *files, expect=2)
    lines = json_lines(r.stdout)
    check(len(lines) == 3, "one line per payload", r)
    for pairs, f in zip(lines, files):
        check([k for k, _ in pairs[:2]] == ["valid", "file"], "valid then file: %r" % pairs, r)
        check(as_dict(pairs)["file"] == f, "file member", r)
    first, second, third = (as_dict(p) for p in lines)
    check(first["valid"] is True, "valid payload", r)
    check(second["valid"] is False and isinstance(second.get("errors"), list)
          and second["errors"], "basic output errors", r)
    units = [as_dict(u) for u in second["errors"]]
    check(all("instanceLocation" in u and "keywordLocation" in u for u in units),
          "basic output units", r)
    check(any(u.get("error") == MUTUALLY_EXCLUSIVE for u in units), "errorMessage in JSON", r)
    check(all(u.get("line", 0) >= 1 and u.get("column", 0) >= 1 for u in units),
          "every error has the value's line and column", r)
    # Without -v, only what failed.
    r = run("validate", "--card", SEED, "--format", "json", *files, expect=2)
    check([as_dict(x)["file"] for x in json_lines(r.stdout)] == files[1:], "errors only", r)
    check(third["valid"] is False and as_dict(third["error"])["code"] == "json"
          and as_dict(third["error"])["line"] == 3, "malformed payload line", r)
    check("malformed.json:3:18: error:" in r.stderr, "malformed diagnostic on stderr", r)


def test_format_github():
    p = payload("simple-invalid.json")
    r = run("validate", "--schema", schema("simple.json"), "--format", "github", p, expect=1)
    lines = r.stdout.splitlines()
    check(len(lines) >= 3, "one annotation per error", r)
    for l in lines:
        check(re.match(r"^::error file=[^,:]+,line=\d+,col=\d+::(\(root\)|/\S*): .+ \[\S*\]$", l),
              "annotation shape: %r" % l, r)
    check("::error file=%s,line=2,col=8::/n: " % p in r.stdout, "annotation position", r)
    # Valid payloads annotate nothing.
    r = run("validate", "--schema", schema("simple.json"), "--format", "github",
            payload("simple-valid.json"), expect=0)
    check(r.stdout == "", "no annotation for a valid payload", r)


def test_github_escaping():
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "a,b:c%.json")
        with open(p, "w") as f:
            f.write('{"n": 11}')
        r = run("validate", "--schema", schema("simple.json"), "--format", "github", p, expect=1)
        esc = p.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        check(r.stdout.startswith("::error file=%s,line=1,col=7::/n: " % esc),
              "property escaping", r)
        # Message data: % and newlines escaped, ':' and ',' kept.
        with open(p, "w") as f:
            f.write('{"n": 1, "tags": [5]}')
        sch = os.path.join(d, "s.json")
        with open(sch, "w") as f:
            json.dump({"properties": {"tags": {"items": {"type": "string"}}},
                       "errorMessage": {"properties": {"tags": "100% wrong,\nreally: yes"}}},
                      f)
        r = run("validate", "--schema", sch, "--format", "github", p, expect=1)
        check("100%25 wrong,%0Areally: yes" in r.stdout, "data escaping", r)
        r = run("validate", "--schema", schema("simple.json"), "--format", "github",
                payload("malformed.json"), expect=2)
        check(r.stdout.startswith("::error file=%s,line=3,col=18::unexpected character"
                                 % payload("malformed.json")),
              "malformed payload annotated", r)


def test_jsonl():
    p = payload("batch.jsonl")
    r = run("validate", "--card", SEED, "--jsonl", p, expect=2)
    check(": valid" not in r.stdout, "--jsonl: errors only", r)
    check(r.stderr.endswith("2 valid, 1 invalid, 1 unreadable\n"), "--jsonl summary", r)
    r = run("validate", "--card", SEED, "-v", "--jsonl", p, expect=2)
    out = r.stdout.splitlines()
    check(p + ":1: valid" in out, "line 1 valid", r)
    check(p + ":6: valid" in out, "line 6 valid", r)
    check(not any(l.startswith(p + ":2") or l.startswith(p + ":3") for l in out),
          "blank lines skipped", r)
    check(any(l.startswith(p + ":4:26: /prompt: ") for l in out), "line 4 error at col 26", r)
    check(r.stderr.startswith(p + ":5:15: error: "), "line 5 malformed at col 15", r)
    r = run("validate", "--card", SEED, "--format", "json", "-v", "--jsonl", p, expect=2)
    lines = [as_dict(x) for x in json_lines(r.stdout)]
    check([x["line"] for x in lines] == [1, 4, 5, 6], "JSON lines carry the line", r)
    check([x["valid"] for x in lines] == [True, False, False, True], "verdicts", r)
    # From stdin, mixed with a plain payload file.
    r = run("validate", "--card", SEED, "-v", "--jsonl", "-", payload("llava-valid.json"),
            stdin='{"image": [1]}\n{"image": [2]}\n', expect=0)
    check(r.stdout.splitlines() == ["<stdin>:1: valid", "<stdin>:2: valid",
                                    payload("llava-valid.json") + ": valid"], "order", r)


def jobs_batch(d):
    """A JSON Lines file of 6,000 lines spanning several -j work units: valid,
    invalid (one and several errors), malformed, blank, CRLF-ended and
    deeply nested lines, and one line longer than a unit's byte budget."""
    rows = []
    for i in range(6000):
        k = i % 10
        if k == 0:
            rows.append('{"image": [%d], "prompt": "p%d"}' % (i % 256, i))
        elif k == 1:
            rows.append('{"image": [1], "prompt": %d}' % i)           # invalid
        elif k == 2:
            rows.append('{"prompt": "a", "messages": [], "image": {}}')  # several errors
        elif k == 3:
            rows.append('{"image": [1],, "x": %d}' % i)              # malformed
        elif k == 4:
            rows.append("   ")                                         # blank
        elif k == 5:
            rows.append('{"image": "aGk="}\r')                       # CRLF
        elif k == 6:
            rows.append('{"image": [1], "prompt": ' + "[" * 300 + "]" * 300 + "}")
        elif k == 7 and i == 1507:
            rows.append('{"image": [%s]}' % ",".join(["7"] * 150000))
        else:
            rows.append('{"image": [2], "max_tokens": "many"}')       # invalid
    rows.append('{"image": [1], "prompt": "no newline at the end"}')
    p = os.path.join(d, "jobs.jsonl")
    with open(p, "w", newline="") as f:
        f.write("\n".join(rows))
    return p


def test_jobs_same_output():
    """-j N prints exactly what -j 1 prints: every stream, every format."""
    with tempfile.TemporaryDirectory() as d:
        p = jobs_batch(d)
        for extra in ((), ("-v",), ("--format", "json"), ("--format", "github", "-v"),
                      ("--format", "junit"), ("--print",), ("--max-errors", "1")):
            args = ("validate", "--card", SEED) + extra + ("--jsonl", p)
            one = run(*args, "-j", "1", expect=2)
            check(re.search(r"\d+ valid, \d+ invalid, \d+ unreadable\n$", one.stderr),
                  "summary with -j 1", one)
            for jobs in (("-j", "2"), ("-j4",), ("--jobs=3",), ()):
                r = run(*(args + jobs), expect=2)
                check(r.stdout == one.stdout and r.stderr == one.stderr,
                      "%s %s: same output as -j 1" % (" ".join(extra), " ".join(jobs)), r)
        # Both streams into one file, stdout line-buffered as on a terminal:
        # their interleaving is kept too (a capture's pieces are cut where
        # the stream written changes).
        merged = {}
        env = dict(os.environ)  # stdbuf preloads a library: let ASan allow it
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        for jobs in ("1", "2"):
            with open(os.path.join(d, "merged-%s.txt" % jobs), "w+") as out:
                r = subprocess.run(["stdbuf", "-oL", CARDC, "validate", "--card", SEED, "-v",
                                    "--jsonl", p, "-j", jobs],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                                   timeout=120)
                out.seek(0)
                merged[jobs] = out.read()
            check(r.returncode == 2, "merged streams: exit 2 with -j %s" % jobs)
        check(merged["1"] == merged["2"] and "error" in merged["1"],
              "stdout and stderr interleaved alike with -j 1 and -j 2")
        # An empty file (nothing to map) and standard input (read, not mapped).
        empty = os.path.join(d, "empty.jsonl")
        open(empty, "w").close()
        with open(p) as f:
            head = "".join(f.readlines()[:300])
        for args, stdin, status in ((("--jsonl", empty), None, 0), (("--jsonl", "-"), head, 2)):
            one = run("validate", "--card", SEED, *args, "-j", "1", stdin=stdin, expect=status)
            r = run("validate", "--card", SEED, *args, "-j", "2", stdin=stdin, expect=status)
            check(r.stdout == one.stdout and r.stderr == one.stderr, "%s: same output" % args[1], r)
        r = run("validate", "--card", SEED, "--jsonl", p, "-j", "2", expect=2)
        check(r.stderr.endswith("1202 valid, 3599 invalid, 600 unreadable\n"), "counts", r)
        # Many files, an unreadable one and a JSON Lines file among them.
        files = []
        for i in range(40):
            f = os.path.join(d, "p%02d.json" % i)
            with open(f, "w") as out:
                out.write('{"image": [%d]%s}' % (i, ', "prompt": 1' if i % 3 == 0 else ""))
            files.append(f)
        args = ("validate", "--card", SEED, "-v") + tuple(files[:20]) + (
            os.path.join(d, "missing.json"), "--jsonl", p) + tuple(files[20:])
        one = run(*args, "-j", "1", expect=2)
        for jobs in ("2", "4"):
            r = run(*args, "-j", jobs, expect=2)
            check(r.stdout == one.stdout and r.stderr == one.stderr,
                  "files, -j %s: same output as -j 1" % jobs, r)


def test_jobs_usage():
    for bad in ("0", "x", "257", "-1"):
        r = run("validate", "--card", SEED, "-j", bad, payload("llava-valid.json"), expect=2)
        check("-j" in r.stderr, "-j %s refused" % bad, r)


def test_deep_payload():
    depth = 2000
    doc = "[" * depth + "]" * depth
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "deep.json")
        with open(p, "w") as f:
            f.write(doc)
        run("validate", "--schema", schema("array.json"), p, expect=0)
        # The card's input is a string or an object: an array is invalid.
        run("validate", "--card", SEED, p, expect=1)
        r = run("validate", "--schema", schema("array.json"), "--max-depth", "100", p, expect=2)
        check("nesting too deep" in r.stderr, "depth limit", r)
        obj = '{"a":' * depth + "1" + "}" * depth
        with open(p, "w") as f:
            f.write(obj)
        run("validate", "--card", SEED, p, expect=1)


def test_max_depth():
    r = run("validate", "--schema", schema("simple.json"), "--max-depth", "4",
            payload("simple-deep.json"), expect=2)
    check(payload("simple-deep.json") + ":1:" in r.stderr and "nesting too deep" in r.stderr,
          "max depth diagnostic", r)
    run("validate", "--schema", schema("simple.json"), "--max-depth", "6",
        payload("simple-deep.json"), expect=0)


def test_duplicate_keys():
    # SECURITY.md: the last member wins by default, as JavaScript's
    # JSON.parse; --duplicate-keys reject refuses the payload at the second.
    text = '{"prompt": "first",\n "image": [1],\n "prompt": "last"}'
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "dup.json")
        with open(p, "w") as f:
            f.write(text)
        run("validate", "--card", SEED, p, expect=0)
        run("validate", "--card", SEED, "--duplicate-keys", "last", p, expect=0)
        r = run("validate", "--card", SEED, "--apply-defaults", "--print", p, expect=0)
        check(json.loads(r.stdout)["prompt"] == "last", "the last member wins", r)
        r = run("validate", "--card", SEED, "--duplicate-keys=reject", p, expect=2)
        check(r.stderr.startswith(p + ':3:2: error: duplicate object key "prompt"'),
              "the duplicate named at its line:column", r)
        r = run("validate", "--card", SEED, "--duplicate-keys", "reject", "--format", "json", p,
                expect=2)
        out = json.loads(r.stdout)
        check(out["error"]["code"] == "json" and out["error"]["line"] == 3, "json format", r)
        jl = os.path.join(d, "dup.jsonl")
        with open(jl, "w") as f:
            f.write('{"prompt":"a","image":[1]}\n{"prompt":"a","image":[1],"prompt":"b"}\n')
        r = run("validate", "--card", SEED, "--duplicate-keys", "reject", "--jsonl", jl, expect=2)
        check(jl + ':2:27: error: duplicate object key "prompt"' in r.stderr, "jsonl line", r)
        r = run("validate", "--card", SEED, "--duplicate-keys", "first", p, expect=2)
        check("expects last or reject" in r.stderr, "bad value", r)
        # YAML payloads refuse duplicates whatever the option says
        y = os.path.join(d, "dup.yaml")
        with open(y, "w") as f:
            f.write("prompt: a\nimage: [1]\nprompt: b\n")
        r = run("validate", "--card", SEED, y, expect=2)
        check("duplicate" in r.stderr, "yaml duplicates", r)


def test_max_errors():
    p = payload("simple-many-errors.json")
    r = run("validate", "--schema", schema("simple.json"), p, expect=1)
    check(len(r.stdout.splitlines()) >= 2, "several errors by default", r)
    r = run("validate", "--schema", schema("simple.json"), "--max-errors", "1", p, expect=1)
    lines = r.stdout.splitlines()
    check(len([l for l in lines if ": note: " not in l]) == 1, "one error kept", r)
    check(any(": note: " in l and "--max-errors" in l for l in lines), "truncation note", r)


def test_resources():
    args = ["validate", "--schema", schema("uses-ref.json"),
            "--resource", "http://example.com/defs.json=" + schema("defs.json"),
            "--resource-dir", "http://example.com/lib/=" + schema("dir")]
    run(*args, payload("ref-valid.json"), expect=0)
    r = run(*args, payload("ref-invalid.json"), expect=1)
    check("/pos: " in r.stdout, "error through a resource", r)
    run(*args, "--format", "json", payload("ref-valid.json"), expect=0)
    # Without the resources the schema does not compile.
    r = run("validate", "--schema", schema("uses-ref.json"), payload("ref-valid.json"), expect=2)
    check("example.com" in r.stderr, "unresolvable $ref named", r)
    r = run("validate", "--schema", schema("uses-ref.json"),
            "--resource", "http://example.com/defs.json=/nonexistent.json",
            payload("ref-valid.json"), expect=2)
    check("/nonexistent.json" in r.stderr, "missing resource named", r)


def test_dialect():
    p = payload("prefix.json")
    run("validate", "--schema", schema("prefix.json"), "--dialect", "2020-12", p, expect=1)
    run("validate", "--schema", schema("prefix.json"), "--dialect", "draft7", p, expect=0)
    run("validate", "--schema", schema("prefix.json"), "--dialect=2019-09", p, expect=0)


def test_assert_format():
    p = payload("email.json")
    run("validate", "--schema", schema("email.json"), p, expect=0)
    r = run("validate", "--schema", schema("email.json"), "--assert-format", p, expect=1)
    check("[/format]" in r.stdout, "format error keyword", r)


def test_bad_schema_and_card():
    r = run("validate", "--schema", schema("malformed.json"), payload("simple-valid.json"),
            expect=2)
    check(r.stderr.startswith(schema("malformed.json") + ":1:37: error: "),
          "malformed schema position", r)
    r = run("validate", "--schema", schema("bad-keyword.json"), payload("simple-valid.json"),
            expect=2)
    check(schema("bad-keyword.json") in r.stderr and "error" in r.stderr, "bad schema", r)
    r = run("validate", "--card", "/nonexistent/card.md", payload("llava-valid.json"), expect=2)
    check("/nonexistent/card.md" in r.stderr, "missing card named", r)
    with tempfile.TemporaryDirectory() as d:
        card = os.path.join(d, "broken.md")
        with open(card, "w") as f:
            f.write("---\nmodel: [unclosed\n---\n")
        r = run("validate", "--card", card, payload("llava-valid.json"), expect=2)
        check(r.stderr.startswith(card + ":"), "malformed card diagnostic", r)
        run("inspect", card, expect=2)


def test_hostile_pattern():
    # A catastrophic pattern is cut off by the regex limits: no hang, no crash,
    # and never a "valid" verdict.
    with tempfile.TemporaryDirectory() as d:
        sch = os.path.join(d, "s.json")
        with open(sch, "w") as f:
            json.dump({"properties": {"s": {"pattern": "^(a|a)+$"}}}, f)
        r = run("validate", "--schema", sch, stdin=json.dumps({"s": "a" * 60 + "b"}))
        check(r.returncode in (1, 2) and "valid\n" not in r.stdout, "hostile pattern", r)


def test_schema_from_stdin():
    text = open(schema("simple.json")).read()
    run("validate", "--schema", "-", payload("simple-valid.json"), stdin=text, expect=0)
    r = run("validate", "--schema", "-", payload("simple-valid.json"), stdin="{", expect=2)
    check(r.stderr.startswith("<stdin>:1:2: error: unexpected end of data"), "schema on stdin", r)


# ---- inspect ------------------------------------------------------------------

def test_inspect_seed():
    r = run("inspect", SEED, expect=0)
    for text in ("@cf/llava-hf/llava-1.5-7b-hf", "af274959-cb47-4ba8-9d8e-5a0a58b6b402",
                 "Image-to-Text", "image-to-text", "beta: true", "LLaVA is an open-source",
                 "Input schema:", "Output schema:", '"oneOf": [', '"maxLength": 6144',
                 '"contentType": "application/json"'):
        check(text in r.stdout, "inspect shows %r" % text, r)
    # Both schemas are printed as formatted JSON: extract and parse them.
    body = r.stdout.split("Input schema:\n", 1)[1]
    inp, out = body.split("\nOutput schema:\n", 1)
    check(json.loads(inp)["oneOf"][1]["properties"]["max_tokens"]["default"] == 512,
          "input schema JSON", r)
    check(json.loads(out)["properties"]["description"]["type"] == "string",
          "output schema JSON", r)


def test_inspect_missing_side():
    with tempfile.TemporaryDirectory() as d:
        card = os.path.join(d, "input-only.md")
        with open(card, "w") as f:
            f.write('---\nmodel:\n  name: "@cf/test/input-only"\n'
                    'json_schema:\n  input: "{\\"type\\": \\"string\\"}"\n---\n')
        r = run("inspect", card, expect=0)
        check("@cf/test/input-only" in r.stdout, "name", r)
        check(r.stdout.rstrip().endswith("Output schema:\n(none)"), "(none) for output", r)
        r = run("validate", "--card", card, "--output", payload("output-valid.json"), expect=2)
        check(r.stderr.strip() != "", "no output schema is an error", r)


def test_inspect_shared_json_card():
    card = os.path.join(SHARED, "cards", "json", "llava-1.5-7b-hf.json")
    check(os.path.isfile(card), "shared card missing: %s (../shared is required)" % card)
    r = run("inspect", card, expect=0)
    check("llava" in r.stdout and "Input schema:" in r.stdout and '"oneOf"' in r.stdout,
          "JSON-layout card inspected", r)
    run("validate", "--card", card, payload("llava-valid.json"), expect=0)
    # This layout's llava card has no errorMessage/"not": only "image" is required.
    r = run("validate", "--card", card, payload("llava-invalid.json"), expect=1)
    check(card not in r.stdout and payload("llava-invalid.json") + ":" in r.stdout,
          "errors name the payload", r)


# ---- CI-friendly command line (issue 10) -----------------------------------

def test_did_you_mean():
    r = run("valdate", expect=2)
    check("did you mean 'validate'?" in r.stderr, "command suggestion", r)
    r = run("validate", "--card", SEED, "--fromat", "json", expect=2)
    check("unknown option '--fromat' (did you mean --format?)" in r.stderr,
          "option suggestion from the usage text", r)
    r = run("inspect", "--fromat=json", SEED, expect=2)
    check("did you mean --format?" in r.stderr, "inspect option suggestion", r)
    r = run("validate", "--card", SEED, "--zzzzzzzz", expect=2)
    check("did you mean" not in r.stderr, "nothing close, no suggestion", r)


def test_help_everywhere_exits_0():
    for cmd in ("validate", "inspect", "schema", "gen", "run", "fetch-card", "lint", "sample",
                "diff"):
        for args in ((cmd, "--help"), (cmd, "-h"), ("help", cmd), ("--help", cmd)):
            r = run(*args, expect=0)
            check(r.stdout.startswith("Usage: cardc " + cmd), "%r prints its usage" % (args,), r)
    for args in (("help", "--help"), ("help", "help"), ("help", "-h")):
        r = run(*args, expect=0)
        check(r.stdout.startswith("Usage: cardc COMMAND"), "%r" % (args,), r)


def test_short_usage_errors_everywhere():
    for cmd in ("validate", "inspect", "schema", "gen", "run", "fetch-card", "lint", "sample",
                "diff"):
        r = run(cmd, "--outptu", "x", expect=2)
        check(r.stdout == "" and len(r.stderr.splitlines()) == 2 and
              "unknown option '--outptu' (did you mean --output?)" in r.stderr and
              "Run 'cardc help %s' for usage." % cmd in r.stderr, "short error from " + cmd, r)


def test_hints():
    r = run("validate", "--schema", SEED, payload("llava-valid.json"), expect=2)
    check("hint: this is a model card: use --card" in r.stderr, "card given as --schema", r)
    r = run("validate", "--card", schema("simple.json"), payload("simple-valid.json"), expect=2)
    check("hint: this is a JSON Schema, not a model card: use --schema" in r.stderr,
          "schema given as --card", r)
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "payload.json")
        with open(p, "w") as f:
            f.write("n: 3\ntags: [a, b]\n")
        r = run("validate", "--schema", schema("simple.json"), p, expect=2)
        check("hint: this reads as YAML" in r.stderr, "YAML given as JSON", r)
        run("validate", "--schema", schema("simple.json"), "--yaml", p, expect=0)


def test_yaml_payloads():
    with tempfile.TemporaryDirectory() as d:
        good, bad = os.path.join(d, "good.yaml"), os.path.join(d, "bad.yml")
        with open(good, "w") as f:
            f.write("n: 3\ntags: [a, b]\n")
        with open(bad, "w") as f:
            f.write("# a comment\nn: 11\n")
        run("validate", "--schema", schema("simple.json"), good, expect=0)
        r = run("validate", "--schema", schema("simple.json"), bad, expect=1)
        check(r.stdout.startswith(bad + ":2:4: /n: "), "YAML error located in the YAML", r)
        r = run("validate", "--schema", schema("simple.json"), "--format", "json", bad, expect=1)
        unit = as_dict(as_dict(json_lines(r.stdout)[0])["errors"][0])
        check(unit["line"] == 2 and unit["column"] == 4, "YAML line and column in JSON", r)
        with open(bad, "w") as f:
            f.write("n: [1\n")
        r = run("validate", "--schema", schema("simple.json"), bad, expect=2)
        check(r.stderr.startswith(bad + ":"), "malformed YAML located", r)


def test_directories_globs_ext():
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "sub", "deeper"))
        files = {"a.json": '{"n": 1}', "sub/b.json": '{"n": 11}', "sub/deeper/c.json": "{}",
                 "sub/skip.txt": "not json", ".hidden.json": "{",
                 "sub/d.yaml": "n: 12\n"}
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        r = run("validate", "--schema", schema("simple.json"), d, expect=1)
        check(r.stderr.endswith("1 valid, 2 invalid, 0 unreadable\n"), "directory walked", r)
        check(os.path.join(d, "sub", "b.json") + ":1:7: /n: " in r.stdout, "error named", r)
        r = run("validate", "--schema", schema("simple.json"), "-v", d, expect=1)
        check(r.stdout.splitlines()[0] == os.path.join(d, "a.json") + ": valid",
              "name order, -v lists valid ones", r)
        r = run("validate", "--schema", schema("simple.json"), "--ext", ".json", "--ext",
                ".yaml", d, expect=1)
        check(r.stderr.endswith("1 valid, 3 invalid, 0 unreadable\n"), "--ext adds YAML", r)
        r = run("validate", "--schema", schema("simple.json"), os.path.join(d, "sub", "*.json"),
                expect=1)
        check(r.stdout.startswith(os.path.join(d, "sub", "b.json") + ":"), "quoted glob", r)
        r = run("validate", "--schema", schema("simple.json"), os.path.join(d, "none*.json"),
                expect=2)
        check("no file matches" in r.stderr, "a glob that matches nothing", r)
        # A directory is a run over many files even when it holds one.
        r = run("validate", "--schema", schema("simple.json"), os.path.join(d, "sub", "deeper"),
                expect=1)
        check(r.stderr.endswith("0 valid, 1 invalid, 0 unreadable\n"), "one-file directory", r)
        os.remove(os.path.join(d, "sub", "deeper", "c.json"))
        with open(os.path.join(d, "sub", "deeper", "c.json"), "w") as f:
            f.write('{"n": 2}')
        r = run("validate", "--schema", schema("simple.json"), os.path.join(d, "sub", "deeper"),
                expect=0)
        check(r.stdout == "" and r.stderr == "1 valid, 0 invalid, 0 unreadable\n",
              "errors only, then the summary", r)
        r = run("validate", "--schema", schema("simple.json"), "--ext", "json", d, expect=2)
        check("--ext expects an ending with its dot" in r.stderr, "--ext without its dot", r)


def test_format_junit():
    files = [payload("simple-valid.json"), payload("simple-invalid.json"), payload("malformed.json")]
    r = run("validate", "--schema", schema("simple.json"), "--format", "junit", *files, expect=2)
    import xml.etree.ElementTree as ET
    root = ET.fromstring(r.stdout)
    check(root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
          and root.get("errors") == "1", "JUnit counts", r)
    cases = root.findall("./testsuite/testcase")
    check([c.get("name") for c in cases] == files, "one test case per payload", r)
    check(cases[0].find("failure") is None and cases[1].find("failure") is not None
          and cases[2].find("error") is not None, "verdicts", r)
    check("2:8: /n: " in cases[1].find("failure").text, "failure text located", r)


def test_output_file_and_side():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "report.json")
        r = run("validate", "--card", SEED, "-o", out, "--format", "json",
                payload("llava-valid.json"), expect=0)
        check(r.stdout == "" and as_dict(json_lines(open(out).read())[0])["valid"] is True,
              "-o FILE takes the verdicts", r)
    r = run("validate", "--card", SEED, "--side", "output", payload("output-valid.json"), expect=0)
    check(r.stderr == "", "--side output", r)
    r = run("validate", "--card", SEED, "--output", payload("output-valid.json"), expect=0)
    check("--output (the output schema) is deprecated; use --side output" in r.stderr,
          "old spelling kept, with a note", r)
    run("validate", "--card", SEED, "--side", "sideways", expect=2)


def test_output_flag_everywhere():
    """-o FILE (and --output FILE) is the output path in every command."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out")
        for opt in ("-o", "--output"):
            r = run("inspect", "--format", "json", SEED, opt, out, expect=0)
            check(r.stdout == "" and json.load(open(out))["name"] == "@cf/llava-hf/llava-1.5-7b-hf",
                  "inspect " + opt, r)
            r = run("lint", "--format", "json", SEED, opt, out, expect=0)
            check(r.stdout == "" and os.path.exists(out), "lint " + opt, r)
            r = run("sample", SEED, "--count", "2", opt, out, expect=0)
            check(r.stdout == "" and len(open(out).read().splitlines()) == 2, "sample " + opt, r)
            r = run("schema", SEED, opt, out, expect=0)
            check(r.stdout == "" and "oneOf" in json.load(open(out)), "schema " + opt, r)
            r = run("diff", "--format", "markdown", SEED, SEED, opt, out, expect=0)
            check(r.stdout == "" and "No changes." in open(out).read(), "diff " + opt, r)
        r = run("inspect", SEED, "-o", out)
        check("Name:        @cf/llava-hf/llava-1.5-7b-hf" in open(out).read(), "inspect text -o", r)
        r = run("inspect", SEED, "-o", os.path.join(d, "no", "such", "dir"), expect=2)
        check("cannot write" in r.stderr, "unwritable -o", r)
        r = run("lint", SEED, "-o", os.path.join(d, "no", "such", "dir"), expect=2)
        check("cannot write" in r.stderr, "unwritable lint -o", r)
    r = run("sample", SEED, "--cuont", "2", expect=2)
    check("did you mean --count?" in r.stderr, "sample suggests", r)


def test_schema_command():
    r = run("schema", SEED, expect=0)
    check(json.loads(r.stdout).get("oneOf") is not None, "input schema as JSON", r)
    r = run("schema", SEED, "--side", "output", "--compact", expect=0)
    check(r.stdout.count("\n") == 1 and json.loads(r.stdout)["properties"]["description"],
          "output schema, one line", r)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "in.json")
        run("schema", SEED, "-o", out, expect=0)
        # What it writes is a schema cardc validate takes as such.
        run("validate", "--schema", out, payload("llava-valid.json"), expect=0)
    run("schema", expect=2)


def test_inspect_json():
    r = run("inspect", "--format", "json", SEED, expect=0)
    doc = json.loads(r.stdout)
    check(doc["name"] == "@cf/llava-hf/llava-1.5-7b-hf" and doc["schemas"]["input"]
          and doc["traits"]["async_queue"] is False, "inspect JSON", r)
    card = os.path.join(SHARED, "cards", "json", "bge-m3.json")
    check(os.path.exists(card), "shared card bge-m3.json present (../shared)")
    r = run("inspect", "--format", "json", card, expect=0)
    t = json.loads(r.stdout)["traits"]
    check(t["context_window"] == 60000 and t["price"][0]["currency"] == "USD", "typed traits", r)
    r = run("inspect", card, expect=0)
    check("Context window: 60000 tokens" in r.stdout, "traits in text", r)


def test_progress_on_a_terminal():
    import pty
    import subprocess
    lines = "".join('{"image": [%d]}\n' % (i % 256) for i in range(300))
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "many.jsonl")
        with open(p, "w") as f:
            f.write(lines)
        master, slave = pty.openpty()
        env = dict(os.environ, CARDC_PROGRESS_DELAY_MS="0")
        proc = subprocess.Popen([CARDC, "validate", "--card", SEED, "--jsonl", p],
                                stdout=subprocess.DEVNULL, stderr=slave, env=env)
        os.close(slave)
        seen = b""
        # Read while it runs: a terminal nobody reads would block the writer.
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        proc.wait(timeout=120)
        os.close(master)
        check(proc.returncode == 0, "valid run")
        check(b"payloads: " in seen and b"\r" in seen, "progress line on a terminal: %r" % seen[:200])
        check(seen.endswith(b"300 valid, 0 invalid, 0 unreadable\r\n"), "then the summary")
        # Not on a pipe.
        r = run("validate", "--card", SEED, "--jsonl", p, expect=0)
        check(r.stderr == "300 valid, 0 invalid, 0 unreadable\n", "no progress into a pipe", r)


def main():
    if not CARDC or not ROOT:
        print("usage: test_cli.py PATH/TO/cardc SOURCE_ROOT", file=sys.stderr)
        return 2
    if not os.access(CARDC, os.X_OK):
        print("FAIL: %s is not an executable" % CARDC, file=sys.stderr)
        return 1
    return run_tests(collect_tests(globals()), os.environ.get("CARDC_CLI_TEST"))


if __name__ == "__main__":
    sys.exit(main())
