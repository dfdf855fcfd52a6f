#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `cardc sample`.

Usage: test_sample.py PATH/TO/cardc SOURCE_ROOT

Python 3 standard library only; every run is checked for sanitizer reports.
The JSON-Schema-Test-Suite (../shared next to the source root) is required
by test_suite_schemas: missing, it fails, never skips. The round trip of
every shared card through the generated decoders is tests/gen/test_samples.py.
"""
import collections
import concurrent.futures
import glob
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_checked, run_tests  # noqa: E402

CARDC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
ROOT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
HERE = os.path.join(ROOT, "tests", "cli", "sample") if ROOT else None
SEED = os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md") if ROOT else None
SUITE = os.path.join(ROOT, "..", "shared", "JSON-Schema-Test-Suite") if ROOT else None
# Set by meson for sanitizer builds (tests/cli/meson.build).
SANITIZED = os.environ.get("CARDC_TEST_SANITIZED") == "1"


def run(*args, expect=None, stdin=None):
    return run_checked([CARDC], args, cwd=ROOT, timeout=300, statuses=(0, 1, 2), expect=expect,
                       stdin=stdin)


def fixture(name):
    return os.path.join(HERE, name)


def samples(*args, expect=0):
    r = run("sample", *args, expect=expect)
    return [json.loads(line) for line in r.stdout.splitlines()], r


def verdicts(schema_args, payloads):
    """cardc validate --jsonl over payloads: one JSON verdict per payload."""
    text = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in payloads)
    r = run("validate", *schema_args, "--jsonl", "-", "--format", "json", "-v", stdin=text)
    out = [json.loads(line) for line in r.stdout.splitlines()]
    check(len(out) == len(payloads), "a verdict per payload", r)
    return out


def covers(path, kw):
    return kw == path or kw.startswith(path + "/")


def error_path(e):
    kw = e["keywordLocation"]
    for code, tail in (("error-message", "/errorMessage"), ("if", "/if")):
        if e.get("code") == code and kw.endswith(tail):
            return kw[:-len(tail)]
    return kw


def check_invalid(label, verdict, what):
    """Invalid, and the errors blame the labelled keyword alone."""
    check(not verdict["valid"], "%s: rejected: %r" % (what, label))
    kw = label["keywordLocation"]
    errors = verdict["errors"]
    check(any(e["keywordLocation"] == kw or
              (e["code"] == "error-message" and covers(error_path(e), kw)) for e in errors),
          "%s: label %s among the errors %r" % (what, kw, errors))
    check(all(covers(error_path(e), kw) for e in errors),
          "%s: every error at %s or above: %r" % (what, kw, errors))


def test_help():
    for args in (("sample", "--help"), ("help", "sample")):
        r = run(*args, expect=0)
        for opt in ("--schema", "--side", "--count", "--seed", "--invalid", "--labelled",
                    "--dialect", "--resource", "-o", "validate --card"):
            check(opt in r.stdout, "sample help mentions " + opt, r)
    check("sample" in run("--help", expect=0).stdout, "main help lists sample")


def test_usage_errors():
    for args in (("sample",), ("sample", SEED, "--schema", fixture("bounds.json")),
                 ("sample", SEED, "--side", "middle"), ("sample", SEED, "--count", "0"),
                 ("sample", SEED, "--count", "x"), ("sample", SEED, "--seed", "-1"),
                 ("sample", SEED, "--bogus"), ("sample", SEED, "--invalid=yes"),
                 ("sample", SEED, "--dialect", "draft99"), ("sample", SEED, "--resource", "x"),
                 ("sample", "/nonexistent/card.md")):
        r = run(*args, expect=2)
        check("Usage:" not in r.stderr and r.stderr.strip(), "short error for %r" % (args,), r)


def test_deterministic_and_seeded():
    a, _ = samples(SEED, "--count", "40")
    b, _ = samples(SEED, "--count", "40")
    c, _ = samples(SEED, "--count", "40", "--seed", "7")
    check(a == b, "same schema and seed, same samples")
    check(a != c, "another seed, other samples")
    first, _ = samples(SEED, "--count", "10")
    check(first == a[:10], "the first N samples do not depend on --count")
    ia, _ = samples(SEED, "--count", "30", "--invalid", "--labelled")
    ib, _ = samples(SEED, "--count", "30", "--invalid", "--labelled")
    check(ia == ib, "invalid samples are deterministic too")


def test_pipe_into_validate():
    """The README's recipe: cardc sample ... | cardc validate --jsonl -."""
    for side in ("input", "output"):
        r = run("sample", SEED, "--side", side, "--count", "50", expect=0)
        v = run("validate", "--card", SEED, "--side", side, "--jsonl", "-", stdin=r.stdout,
                expect=0)
        check("50 valid, 0 invalid" in v.stderr, "every %s sample valid" % side, v)
        r = run("sample", SEED, "--side", side, "--count", "50", "--invalid", expect=0)
        check(r.stderr.count("sample ") == 50 and "breaks /" in r.stderr,
              "each invalid sample labelled on stderr", r)
        v = run("validate", "--card", SEED, "--side", side, "--jsonl", "-", stdin=r.stdout,
                expect=1)
        check("0 valid, 50 invalid" in v.stderr, "every invalid %s sample rejected" % side, v)


def test_coverage():
    """Within 60 samples: each oneOf/anyOf branch, each enum value, optional
    members absent and present, bounds at both edges, maxLength reached in
    multi-byte code points; all of them valid."""
    got, _ = samples("--schema", fixture("coverage.json"), "--count", "60")
    for v in verdicts(["--schema", fixture("coverage.json")], got):
        check(v["valid"], "valid sample: %r" % v)
    seen = collections.defaultdict(set)
    for s in got:
        for k, v in s.items():
            seen[k].add(json.dumps(v, sort_keys=True))
    check({json.loads(v) for v in seen["kind"]} == {"alpha", "beta", "gamma", "delta"},
          "every enum value: %r" % seen["kind"])
    shapes = [json.loads(v) for v in seen["shape"]]
    check(any(isinstance(v, dict) and "circle" in v for v in shapes) and
          any(isinstance(v, dict) and "square" in v for v in shapes) and "point" in shapes,
          "every oneOf branch: %r" % shapes)
    either = {type(json.loads(v)).__name__ for v in seen["either"]}
    check(either == {"bool", "NoneType"}, "both anyOf branches: %r" % either)
    for opt in ("steps", "ratio", "title", "code", "tags", "either", "fixed", "not_number"):
        present = sum(opt in s for s in got)
        check(0 < present < len(got), "%s both absent and present (%d/60)" % (opt, present))
    steps = {json.loads(v) for v in seen["steps"]}
    check(1 in steps and 50 in steps, "integer bounds at both edges: %r" % sorted(steps))
    ratios = {json.loads(v) for v in seen["ratio"]}
    check(2 in ratios and min(ratios) > 0, "number bounds: %r" % sorted(ratios))
    titles = [json.loads(v) for v in seen["title"]]
    check(any(len(t) == 2 for t in titles), "minLength edge: %r" % titles)
    check(any(len(t) == 12 and len(t.encode()) > 12 for t in titles),
          "maxLength reached in multi-byte code points: %r" % titles)
    tags = [json.loads(v) for v in seen["tags"]]
    check(any(len(t) == 1 for t in tags) and any(len(t) == 3 for t in tags),
          "minItems and maxItems edges: %r" % tags)


def test_invalid_labels():
    """Each invalid sample breaks one keyword, labelled with its location:
    cardc validate rejects it there (and at the applicators above only);
    200 samples break every kind of keyword the fixture has."""
    got, _ = samples("--schema", fixture("coverage.json"), "--count", "200", "--invalid",
                     "--labelled")
    for i, (g, v) in enumerate(zip(got, verdicts(["--schema", fixture("coverage.json")],
                                                 [g["payload"] for g in got]))):
        check_invalid(g, v, "sample %d" % (i + 1))
    broken = {g["keywordLocation"].rsplit("/", 1)[-1] for g in got}
    for kw in ("type", "enum", "minimum", "maximum", "exclusiveMinimum", "minLength",
               "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "required",
               "additionalProperties", "multipleOf", "const", "not"):
        check(kw in broken, "some sample breaks %s: %r" % (kw, sorted(broken)))
    # The label's instance location is where the broken value is.
    for g in got:
        check(g["instanceLocation"] == "" or g["instanceLocation"].startswith("/"),
              "instance location is a JSON Pointer: %r" % g)


def test_cards_invalid_labels():
    """The seed card's samples, both sides: the labels hold against cardc validate (the
    errorMessage of the seed's input stands for the "not" it replaces)."""
    for side in ("input", "output"):
        got, _ = samples(SEED, "--side", side, "--count", "80", "--invalid", "--labelled")
        for i, (g, v) in enumerate(zip(got, verdicts(["--card", SEED, "--side", side],
                                                     [g["payload"] for g in got]))):
            check_invalid(g, v, "%s sample %d" % (side, i + 1))


def test_recursion_bounded():
    got, _ = samples("--schema", fixture("recursive.json"), "--count", "30")
    check(len(got) == 30, "a recursive schema with a way out gets samples")

    def depth(v):
        return 1 + max([depth(c) for c in v.get("children", [])] or [0])
    check(max(depth(g) for g in got) > 1, "children present in some samples")
    check(max(depth(g) for g in got) < 10, "recursion bounded")
    r = run("sample", "--schema", fixture("endless.json"), expect=1)
    check("/properties/next/$ref" in r.stderr and "without a way out" in r.stderr,
          "a recursion without a way out is reported at its $ref", r)


def test_reasons():
    """No wrong sample: what cannot be made is reported, with where and why, exit 1."""
    for name, where, why in (
            ("bounds.json", "/minimum", "leave no number"),
            ("empty-enum.json", "/enum", "empty enum"),
            ("property-names.json", "/propertyNames", 'does not construct values for "propertyNames"')):
        r = run("sample", "--schema", fixture(name), expect=1)
        check(r.stdout == "", "nothing printed for %s" % name, r)
        check(where in r.stderr and why in r.stderr, "reason for %s" % name, r)
    with tempfile.TemporaryDirectory() as d:
        for text, why in (("false", "schema is false"), ('{"not": {}}', "refuses every value"),
                          ("{}", "no keyword of the schema can be broken alone")):
            path = os.path.join(d, "s.json")
            with open(path, "w") as f:
                f.write(text)
            r = run("sample", "--schema", path, *(["--invalid"] if text == "{}" else []),
                    expect=1)
            check(why in r.stderr, "reason for %s" % text, r)


def test_output_file_and_labelled():
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "s.jsonl")
        r = run("sample", SEED, "--count", "5", "-o", out, expect=0)
        check(r.stdout == "", "nothing on stdout with -o", r)
        with open(out) as f:
            lines = [json.loads(line) for line in f]
        check(len(lines) == 5, "five samples in the file")
    got, _ = samples(SEED, "--count", "3", "--labelled")
    check(all(set(g) == {"payload"} for g in got), "valid labelled samples carry the payload")


def test_fuzz_seeds():
    """fuzz/seed.py seeds fuzz_cards with samples: byte 0 the card's slot (registry order,
    2 * card + side), then one sample; the seed card's first samples are among them."""
    import hashlib
    import subprocess
    shared = os.path.join(ROOT, "..", "shared")
    check(os.path.isdir(os.path.join(shared, "cards")), "../shared/cards is required")
    cards = sorted(p for p in glob.glob(os.path.join(shared, "cards", "**", "*"), recursive=True)
                   if os.path.isfile(p) and not p.endswith("README.md"))
    cards.append(SEED)
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([sys.executable, os.path.join(ROOT, "fuzz", "seed.py"), shared, ROOT, d,
                            CARDC], capture_output=True, text=True, timeout=600)
        check(r.returncode == 0, "seed.py ran", r)
        slot = 2 * (len(cards) - 1)
        for side, invalid in ((0, False), (1, False), (0, True)):
            got = run("sample", SEED, "--side", ("input", "output")[side], "--count", "3",
                      *(["--invalid"] if invalid else []), expect=0)
            for line in got.stdout.splitlines():
                data = bytes([slot + side]) + line.encode()
                name = os.path.join(d, "fuzz_cards", hashlib.sha1(data).hexdigest())
                check(os.path.isfile(name) or len(data) > 64 * 1024,
                      "sample seeded for the seed card: %s" % line[:80])


def suite_schemas(d):
    dialects = {"draft7": "http://json-schema.org/draft-07/schema#",
                "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
                "draft2020-12": "https://json-schema.org/draft/2020-12/schema"}
    paths = []
    for dialect, uri in dialects.items():
        for path in sorted(glob.glob(os.path.join(SUITE, "tests", dialect, "*.json"))):
            with open(path) as f:
                cases = json.load(f)
            for i, case in enumerate(cases):
                s = case["schema"]
                if isinstance(s, dict) and "$schema" not in s:
                    s = dict(s, **{"$schema": uri})
                name = os.path.join(d, "%s-%s-%d.json" % (dialect, os.path.basename(path)[:-5], i))
                with open(name, "w") as f:
                    json.dump(s, f)
                paths.append(name)
    return paths


def sample_suite_schema(path):
    """(valid samples, invalid samples, reasons, wrong) for one suite schema: three
    processes (the two kinds of samples, one cardc validate for both)."""
    res = ["--resource-dir", "http://localhost:1234/=" + os.path.join(SUITE, "remotes")]
    out = {}
    for invalid in (False, True):
        r = run("sample", "--schema", path, "--count", "20", "--labelled", *res,
                *(["--invalid"] if invalid else []))
        check(r.returncode in (0, 1), "sample %s: exit %d" % (path, r.returncode), r)
        lines = [json.loads(line) for line in r.stdout.splitlines()]
        check(r.returncode == 1 or len(lines) == 20, "20 samples or a reason", r)
        reason = r.stderr.strip().splitlines()[-1] if r.returncode else None
        out[invalid] = (lines, reason)
    wrong = []
    both = [(g, False) for g in out[False][0]] + [(g, True) for g in out[True][0]]
    if both:
        for (g, invalid), v in zip(both, verdicts(["--schema", path] + res,
                                                  [g["payload"] for g, _ in both])):
            if invalid:
                try:
                    check_invalid(g, v, path)
                except Exception as e:  # collected, reported together
                    wrong.append(str(e))
            elif not v["valid"]:
                wrong.append("%s: valid sample rejected: %r" % (path, v))
    return out, wrong


def test_suite_schemas():
    """Every schema of JSON-Schema-Test-Suite (draft7, 2019-09, 2020-12), remote documents
    given with --resource-dir: no crash, 20 valid and 20 invalid samples each or a reason,
    every valid sample valid per cardc validate, every invalid one rejected at its label.
    Prints how many schemas got samples and the reasons for the others."""
    check(os.path.isdir(os.path.join(SUITE, "tests")), "JSON-Schema-Test-Suite missing: %s "
          "(../shared is required)" % SUITE)
    with tempfile.TemporaryDirectory() as d:
        paths = suite_schemas(d)
        check(len(paths) > 1000, "suite schemas found: %d" % len(paths))
        if SANITIZED:
            # Under ASan+UBSan (4000 processes: minutes) every third schema, each
            # dialect and keyword file still represented; gcc and clang run them all.
            paths = paths[::3]
        got = {True: 0, False: 0}
        reasons = {True: collections.Counter(), False: collections.Counter()}
        wrong = []
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for out, bad in pool.map(sample_suite_schema, paths):
                wrong += bad
                for invalid in (False, True):
                    lines, reason = out[invalid]
                    if lines:
                        got[invalid] += 1
                    else:
                        why = reason.split("sample: ", 2)[-1].split(" (")[0]
                        reasons[invalid][why[:110]] += 1
        for invalid in (False, True):
            print("suite: %d of %d schemas got 20 %s samples; the others:" % (
                got[invalid], len(paths), "invalid" if invalid else "valid"))
            for why, n in reasons[invalid].most_common():
                print("  %4d %s" % (n, why))
        check(not wrong, "%d wrong samples, first: %s" % (len(wrong), wrong[:3]))
        # Floors, so that a regression in what gets made shows.
        check(got[False] >= 0.95 * len(paths), "valid samples for %d schemas" % got[False])
        check(got[True] >= 0.74 * len(paths), "invalid samples for %d schemas" % got[True])


def main():
    if not CARDC or not ROOT:
        print("usage: test_sample.py PATH/TO/cardc SOURCE_ROOT", file=sys.stderr)
        return 2
    return run_tests(collect_tests(globals()), os.environ.get("CARDC_CLI_TEST"))


if __name__ == "__main__":
    sys.exit(main())
