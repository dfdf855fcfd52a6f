#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `cardc lint`.

Usage: test_lint.py PATH/TO/cardc SOURCE_ROOT SHARED_DIR (meson -Dtest_data)

Python 3 standard library only. Every run is checked for sanitizer reports.
The shared cards (SHARED_DIR/cards, ../shared by default) are required: a missing
shared directory fails the tests that need it, never skips them.
"""
import glob
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_checked, run_tests  # noqa: E402

CARDC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
ROOT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
HERE = os.path.join(ROOT, "tests", "cli", "lint") if ROOT else None
SHARED_ROOT = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
SHARED = os.path.join(SHARED_ROOT, "cards") if SHARED_ROOT else None

RULES = ["schema-invalid", "schema-expected", "default-invalid", "const-invalid", "enum-invalid",
         "bounds-unsatisfiable", "required-unsatisfiable", "required-undeclared", "keyword-typo",
         "keyword-unknown", "keyword-inapplicable", "oneof-overlap", "anyof-unreachable",
         "pattern-not-ecma", "format-unknown", "card-no-output", "card-content-type",
         "card-name-collision"]
FIXABLE = {"schema-expected", "keyword-typo", "keyword-inapplicable"}


def run(*args, expect=None, cwd=None):
    return run_checked([CARDC], args, cwd=cwd or ROOT, timeout=300, statuses=(0, 1, 2),
                       expect=expect)


def fixture(name):
    return os.path.join(HERE, name)


def findings(*args, expect=None):
    """Runs lint --format json and returns the findings (dicts)."""
    r = run("lint", "--format", "json", *args, expect=expect)
    out = [json.loads(line) for line in r.stdout.splitlines()]
    for f in out:
        for key in ("file", "line", "column", "pointer", "rule", "level", "message", "fixable"):
            check(key in f, "finding has %s: %r" % (key, f), r)
    return out, r


def shared_cards():
    check(os.path.isdir(SHARED), "shared cards missing: %s (../shared is required)" % SHARED)
    cards = sorted(glob.glob(os.path.join(SHARED, "*", "*.*")) +
                   glob.glob(os.path.join(SHARED, "history", "*", "*.*")))
    cards = [c for c in cards if os.path.isfile(c) and not c.endswith("README.md")]
    check(len(cards) >= 39, "expected every shared card, found %d" % len(cards))
    return cards


def test_help():
    for args in (("lint", "--help"), ("help", "lint")):
        r = run(*args, expect=0)
        for opt in ("--schema", "--list", "--only", "--exclude", "--format", "--fail-on",
                    "--fix", "--dialect", "sarif", "github"):
            check(opt in r.stdout, "lint help mentions " + opt, r)
    r = run("--help", expect=0)
    check("lint" in r.stdout, "main help lists lint", r)


def test_list():
    r = run("lint", "--list", expect=0)
    lines = r.stdout.splitlines()
    check([l.split()[0] for l in lines] == RULES, "--list gives every rule in order", r)
    for line in lines:
        parts = line.split()
        check(parts[1] in ("error", "warning", "info"), "a level per rule: " + line, r)
        check(("fix" in parts[2:3]) == (parts[0] in FIXABLE), "fixable marked: " + line, r)


def test_usage_errors():
    for args in (("lint",), ("lint", "--only", "no-such-rule", fixture("defects.json")),
                 ("lint", "--format", "xml", fixture("defects.json")),
                 ("lint", "--fail-on", "fatal", fixture("defects.json")),
                 ("lint", "--bogus", fixture("defects.json")),
                 ("lint", "--fix=yes", fixture("defects.json")),
                 ("lint", "--dialect", "draft99", fixture("defects.json")),
                 ("lint", "--schema")):
        r = run(*args, expect=2)
        check("Run 'cardc help lint'" in r.stderr and "Usage:" not in r.stderr,
              "short usage error for %r" % (args,), r)


def test_unreadable_inputs():
    r = run("lint", "/nonexistent/card.json", expect=2)
    check("/nonexistent/card.json" in r.stderr, "names the missing file", r)
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as f:
            f.write('{\n  "type": "object",\n  "properties": {,}\n}\n')
        r = run("lint", "--schema", bad, expect=2)
        check(bad + ":3:" in r.stderr, "malformed schema reported with line and column", r)


# Every defect of defects.json: (rule, pointer, line, column).
DEFECTS = [
    ("keyword-typo", "/properties/prompt/maxlength", 6, 20),
    ("default-invalid", "/properties/prompt/default", 7, 18),
    ("keyword-inapplicable", "/properties/temperature/maxLength", 11, 20),
    ("bounds-unsatisfiable", "/properties/temperature/minimum", 12, 18),
    ("bounds-unsatisfiable", "/properties/steps/exclusiveMinimum", 17, 27),
    ("bounds-unsatisfiable", "/properties/name/minLength", 22, 20),
    ("enum-invalid", "/properties/mode/enum/1", 27, 24),
    ("const-invalid", "/properties/fixed/const", 31, 16),
    ("format-unknown", "/properties/when/format", 35, 17),
    ("pattern-not-ecma", "/properties/code/pattern", 39, 18),
    ("oneof-overlap", "/properties/shape/oneOf", 42, 16),
    ("anyof-unreachable", "/properties/either/anyOf/1", 50, 9),
    ("schema-expected", "/properties/required", 53, 17),
    ("keyword-typo", "/requried", 55, 15),
    ("required-undeclared", "/required/0", 56, 16),
    ("keyword-unknown", "/$defs", 57, 12),
    ("keyword-unknown", "/frobnicate", 58, 17),
]


def test_defects():
    got, r = findings("--fail-on", "info", "--schema", fixture("defects.json"), expect=1)
    have = [(f["rule"], f["pointer"], f["line"], f["column"]) for f in got]
    for d in DEFECTS:
        check(d in have, "finding %r reported" % (d,), r)
    check(len(have) == len(DEFECTS), "no other finding: %r" % have, r)
    by = {(f["rule"], f["pointer"]): f for f in got}
    check(by[("keyword-typo", "/properties/prompt/maxlength")]["suggestion"] ==
          'did you mean "maxLength"?', "did-you-mean for maxlength", r)
    check(by[("keyword-typo", "/requried")]["suggestion"] == 'did you mean "required"?',
          "did-you-mean for requried", r)
    check('did you mean "required" beside "properties"?' in
          by[("schema-expected", "/properties/required")]["suggestion"], "properties/required", r)
    check(by[("required-undeclared", "/required/0")]["suggestion"] == 'did you mean "prompt"?',
          "required near miss", r)
    check(by[("format-unknown", "/properties/when/format")]["suggestion"] ==
          'did you mean "date-time"?', "format near miss", r)
    check(by[("oneof-overlap", "/properties/shape/oneOf")]["witness"] == {}, "witness printed", r)
    levels = {f["rule"]: f["level"] for f in got}
    check(levels["default-invalid"] == "error" and levels["keyword-typo"] == "warning" and
          levels["keyword-unknown"] == "info", "levels", r)
    # The text form: FILE:LINE:COL: LEVEL: POINTER: MESSAGE [RULE], then the suggestion.
    r = run("lint", "--schema", fixture("defects.json"), expect=1)
    check(fixture("defects.json") + ":6:20: warning: /properties/prompt/maxlength: " in r.stdout
          and "[keyword-typo]\n  suggestion: did you mean \"maxLength\"? (--fix does it)"
          in r.stdout, "text format", r)
    check("  witness: {}\n" in r.stdout, "witness in text", r)


def test_fail_on_only_exclude():
    path = fixture("defects.json")
    run("lint", "--only", "keyword-unknown", "--schema", path, expect=0)
    run("lint", "--only", "keyword-unknown", "--fail-on", "info", "--schema", path, expect=1)
    run("lint", "--only", "keyword-typo,format-unknown", "--schema", path, expect=0)
    run("lint", "--only", "keyword-typo", "--fail-on", "warning", "--schema", path, expect=1)
    got, r = findings("--only", "keyword-typo", "--only", "format-unknown", "--schema", path,
                      expect=0)
    check({f["rule"] for f in got} == {"keyword-typo", "format-unknown"}, "--only twice", r)
    got, r = findings("--exclude", "keyword-unknown,keyword-typo", "--fail-on", "info",
                      "--schema", path, expect=1)
    rules = {f["rule"] for f in got}
    check("keyword-unknown" not in rules and "keyword-typo" not in rules and
          "default-invalid" in rules, "--exclude", r)


def test_formats():
    path = fixture("defects.json")
    got, _ = findings("--fail-on", "info", "--schema", path, expect=1)
    r = run("lint", "--format", "github", "--schema", path, expect=1)
    lines = r.stdout.splitlines()
    check(len(lines) == len(got), "one annotation per finding", r)
    check(all(l.startswith(("::error file=", "::warning file=", "::notice file=")) for l in lines),
          "github annotations", r)
    check("::warning file=%s,line=6,col=20,title=keyword-typo::" % path in r.stdout,
          "github location", r)
    r = run("lint", "--format", "sarif", "--schema", path, expect=1)
    log = json.loads(r.stdout)
    check(log["version"] == "2.1.0" and len(log["runs"]) == 1, "SARIF log", r)
    sr = log["runs"][0]
    check([x["id"] for x in sr["tool"]["driver"]["rules"]] == RULES, "SARIF rules", r)
    check(len(sr["results"]) == len(got), "SARIF results", r)
    res = sr["results"][0]
    check(res["ruleId"] == RULES[res["ruleIndex"]] and res["level"] in ("error", "warning", "note"),
          "SARIF result rule", r)
    region = res["locations"][0]["physicalLocation"]["region"]
    check(region["startLine"] == got[0]["line"] and region["startColumn"] == got[0]["column"],
          "SARIF region", r)


def test_card_rules():
    got, r = findings("--fail-on", "info", fixture("card-defects.json"),
                      fixture("card-no-output.yaml"), expect=1)
    have = {(f["rule"], f["pointer"]) for f in got}
    for d in [("card-name-collision", "/schema/input/properties"),
              ("card-name-collision", "/schema/input/properties/mode/enum"),
              ("card-content-type", "/schema/output/oneOf/1"),
              ("card-content-type", "/schema/output/oneOf/2"),
              ("card-content-type", "/schema/output/oneOf/2/contentType"),
              ("oneof-overlap", "/schema/output/oneOf"),
              ("card-name-collision", "/model/name"),
              ("card-no-output", "/json_schema")]:
        check(d in have, "card finding %r" % (d,), r)
    pos = {(f["rule"], f["pointer"]): (f["line"], f["column"]) for f in got}
    check(pos[("card-name-collision", "/model/name")] == (2, 10), "model name located", r)
    # Alone, the YAML card's name collides with nothing.
    got, r = findings(fixture("card-no-output.yaml"), expect=0)
    check([f["rule"] for f in got] == ["card-no-output"], "one card alone", r)


def test_yaml_positions():
    """A finding inside a YAML card's quoted schema text points at the byte in the card."""
    got, r = findings(fixture("fixable.yaml"), expect=1)
    with open(fixture("fixable.yaml")) as f:
        lines = f.read().split("\n")
    for f in got:
        line = lines[f["line"] - 1]
        rest = line[f["column"] - 1:]
        if f["rule"] == "keyword-typo":
            check(rest.startswith("100"), "typo value located in the scalar: %r" % rest[:20], r)
        if f["rule"] == "schema-expected":
            check(rest.startswith("["), "misplaced required located: %r" % rest[:20], r)
    got, r = findings(fixture("fixable-literal.md"), expect=1)
    check(sorted((f["line"], f["column"]) for f in got) == [(12, 24), (16, 22), (19, 21)],
          "literal block positions", r)


FIX_CASES = [("fixable.json", True), ("fixable.yaml", False), ("fixable-literal.md", False),
             ("fixable-card.json", False)]


def test_fix_round_trip():
    """Every fix on every layout: the file equals the reviewed result, lint finds nothing
    fixable left, the keys keep their order, and the fixed constraints now hold."""
    for name, schema in FIX_CASES:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, name)
            shutil.copy(fixture(name), path)
            before, _ = findings(*(["--schema"] if schema else []), path, expect=1)
            check({f["rule"] for f in before if f["fixable"]} == FIXABLE,
                  "every fixable rule present in " + name)
            r = run("lint", "--fix", *(["--schema"] if schema else []), path, expect=0)
            check("3 fixes applied" in r.stderr, "fix count for " + name, r)
            with open(path) as f, open(os.path.join(HERE, "fixed", name)) as g:
                check(f.read() == g.read(), "fixed %s equals fixed/%s" % (name, name))
            after, r = findings("--fail-on", "info", *(["--schema"] if schema else []), path,
                                expect=0)
            check(after == [], "nothing left after --fix in " + name, r)
            # Running --fix again changes nothing.
            r = run("lint", "--fix", *(["--schema"] if schema else []), path, expect=0)
            check("0 fixes applied" in r.stderr, "idempotent fix for " + name, r)
            check_fixed_semantics(path, schema)


def check_fixed_semantics(path, schema):
    opt = ["--schema", path] if schema else ["--card", path]
    with tempfile.TemporaryDirectory() as d:
        def payload(obj):
            p = os.path.join(d, "p.json")
            with open(p, "w") as f:
                json.dump(obj, f)
            return p
        run("validate", *opt, payload({"prompt": "hi", "steps": 2}), expect=0)
        r = run("validate", *opt, payload({"steps": 2}), expect=1)
        check("prompt" in r.stdout, "required now applies after moving it", r)
        r = run("validate", *opt, payload({"prompt": "x" * 101}), expect=1)
        check("100" in r.stdout, "maxLength now applies after renaming it", r)
    if path.endswith(".json"):
        with open(path) as f:
            doc = json.load(f, object_pairs_hook=lambda p: [k for k, _ in p] and dict(p))
        s = doc if schema else doc["schema"]["input"]
        check(list(s.keys()) == ["type", "properties", "required", "additionalProperties"],
              "key order kept, required right after properties: %r" % list(s.keys()))


def test_fix_type_moved_and_untouchable():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        with open(path, "w") as f:
            f.write('{"properties": {"a": {"type": "string"}, "type": "object"}}')
        run("lint", "--fix", "--schema", path, expect=0)
        with open(path) as f:
            text = f.read()
        check(text == '{"properties": {"a": {"type": "string"}}, "type": "object"}',
              "type moved beside properties: %r" % text)
        # A fix that is not certain is left alone: an unknown keyword far from any.
        with open(path, "w") as f:
            f.write('{"type": "string", "frobnicate": 1}')
        run("lint", "--fix", "--schema", path, expect=0)
        with open(path) as f:
            check(f.read() == '{"type": "string", "frobnicate": 1}', "no uncertain fix")
        # Standard input is linted but never written back.
        r = run_checked([CARDC], ["lint", "--fix", "--schema", "-"], cwd=d, statuses=(1,),
                        stdin='{"type": "number", "maxLength": 2, "minimum": 3, "maximum": 1}')
        check("<stdin>:1:" in r.stdout and "0 fixes applied" in r.stderr, "stdin linted", r)
        check(sorted(os.listdir(d)) == ["s.json"], "nothing written for stdin", r)


def lint_all_shared():
    got, r = findings("--fail-on", "info", *shared_cards(), expect=1)
    return got, r


def test_shared_cards():
    """Every shared card loads and lints; the known Cloudflare defects are found."""
    got, r = lint_all_shared()
    check(not r.stderr.strip(), "every shared card read: %s" % r.stderr)
    bge = os.path.join(SHARED, "json", "bge-m3.json")
    out = [f for f in got if f["file"] == bge and f["pointer"] == "/schema/output/oneOf"]
    check(len(out) == 1 and out[0]["rule"] == "oneof-overlap", "bge-m3 output overlap", r)
    hermes = [f for f in got if f["file"].endswith("hermes-2-pro-mistral-7b.yaml")
              and f["pointer"] == "/json_schema/input/oneOf"]
    check(hermes and hermes[0]["witness"] == {"prompt": "a", "messages": []},
          "prompt and messages together match both branches", r)
    # The seed card's "not": {"required": [...]} names the object's own properties.
    check(not [f for f in got if f["file"].endswith("seed/llava-1.5-7b-hf.md")],
          "the seed card is clean", r)


def subschema(card, pointer):
    """The schema at a reported pointer, from a JSON or YAML card (via cardc inspect is not
    needed: JSON cards hold objects, YAML cards JSON text)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if card.endswith(".json"):
        with open(card) as f:
            node = json.load(f)
        for p in parts:
            node = node[int(p)] if isinstance(node, list) else node[p]
        return node
    r = run("inspect", card, expect=0)
    side = "Input schema:" if parts[1] == "input" else "Output schema:"
    text = r.stdout.split(side, 1)[1]
    if side == "Input schema:":
        text = text.split("Output schema:", 1)[0]
    node = json.loads(text)
    for p in parts[2:]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    return node


def test_shared_witnesses_rejected():
    """Each oneof-overlap witness is rejected by cardc validate at that oneOf with a one-of
    error: the overlap is real."""
    got, _ = lint_all_shared()
    overlaps = [f for f in got if f["rule"] == "oneof-overlap"]
    check(len(overlaps) >= 20, "overlaps found in the shared cards: %d" % len(overlaps))
    with tempfile.TemporaryDirectory() as d:
        for f in overlaps:
            schema = subschema(f["file"], f["pointer"][:-len("/oneOf")])
            sp, wp = os.path.join(d, "s.json"), os.path.join(d, "w.json")
            with open(sp, "w") as g:
                json.dump(schema, g)
            with open(wp, "w") as g:
                json.dump(f["witness"], g)
            r = run("validate", "--format", "json", "--schema", sp, wp, expect=1)
            check('"one-of"' in r.stdout, "witness of %s %s fails oneOf" % (f["file"], f["pointer"]),
                  r)


def test_suite_schemas():
    """Every schema of JSON-Schema-Test-Suite (draft7, 2019-09, 2020-12) lints without a
    crash, a sanitizer report or an unreadable file; the suite's own defects are found."""
    suite = os.path.join(SHARED_ROOT, "JSON-Schema-Test-Suite", "tests")
    check(os.path.isdir(suite), "JSON-Schema-Test-Suite missing: %s (../shared is required)" % suite)
    dialects = {"draft7": "http://json-schema.org/draft-07/schema#",
                "draft2019-09": "https://json-schema.org/draft/2019-09/schema",
                "draft2020-12": "https://json-schema.org/draft/2020-12/schema"}
    with tempfile.TemporaryDirectory() as d:
        args = []
        for dialect, uri in dialects.items():
            for path in sorted(glob.glob(os.path.join(suite, dialect, "**", "*.json"),
                                         recursive=True)):
                with open(path) as f:
                    cases = json.load(f)
                for i, case in enumerate(cases):
                    s = case["schema"]
                    if isinstance(s, dict) and "$schema" not in s:
                        s = dict(s, **{"$schema": uri})
                    name = os.path.join(d, "%s-%s-%d.json" % (
                        dialect, os.path.basename(path)[:-5], i))
                    with open(name, "w") as f:
                        json.dump(s, f)
                    args += ["--schema", name]
        check(len(args) > 2000, "suite schemas found: %d" % (len(args) // 2))
        got, r = findings("--fail-on", "info", *args, expect=1)
        check(r.stderr == "", "every suite schema read", r)
        have = {(os.path.basename(f["file"]), f["rule"], f["pointer"]) for f in got}
        for dialect in dialects:
            for name, rule, ptr in [("default-0", "default-invalid", "/properties/foo/default"),
                                    ("default-1", "default-invalid", "/properties/bar/default"),
                                    ("anyOf-4", "anyof-unreachable", "/anyOf/0")]:
                check((dialect + "-" + name + ".json", rule, ptr) in have,
                      "%s %s %s found" % (dialect, name, rule), r)


def main():
    if not CARDC or not ROOT:
        print("usage: test_lint.py PATH/TO/cardc SOURCE_ROOT", file=sys.stderr)
        return 2
    return run_tests(collect_tests(globals()), os.environ.get("CARDC_CLI_TEST"))


if __name__ == "__main__":
    sys.exit(main())
