#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `cardc diff`.

Usage: test_diff.py PATH/TO/cardc SOURCE_ROOT

Python 3 standard library only; every run is checked for sanitizer reports.
The shared cards (../shared next to the source root) are required by the
history and self-comparison tests: missing, they fail, never skip.
"""
import glob
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_checked, run_tests  # noqa: E402

CARDC = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
ROOT = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
SHARED = os.path.join(ROOT, "..", "shared", "cards") if ROOT else None
HISTORY = os.path.join(SHARED, "history") if ROOT else None


def run(*args, expect=None, stdin=None):
    return run_checked([CARDC], args, cwd=ROOT, timeout=300, statuses=(0, 1, 2), expect=expect,
                       stdin=stdin)


def changes(*args, expect=None):
    r = run("diff", "--format", "json", *args, expect=expect)
    out = [json.loads(line) for line in r.stdout.splitlines()]
    for c in out:
        for key in ("check", "category", "level", "side", "message", "old", "new"):
            check(key in c, "change has %s: %r" % (key, c), r)
        for v in ("old", "new"):
            for key in ("file", "pointer", "line", "column"):
                check(key in c[v], "%s place has %s: %r" % (v, key, c), r)
    return out, r


def check_table():
    """The checks, from --list: {id: (category, input level, output level, sampled)}."""
    r = run("diff", "--list", expect=0)
    table = {}
    for line in r.stdout.splitlines():
        m = re.match(r"(\S+)\s+(schema|c-api)\s+input (\w+)\s+output (\w+)\s+(.*)", line)
        check(m, "--list line: %r" % line, r)
        table[m.group(1)] = (m.group(2), m.group(3), m.group(4), "level from samples" in m.group(5))
    return table


def write(d, name, doc):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
    return path


def test_help_and_list():
    for args in (("diff", "--help"), ("help", "diff")):
        r = run(*args, expect=0)
        for opt in ("--schema", "--side", "--format", "--fail-on", "markdown", "github",
                    "--no-c-api", "--list", "OLD NEW"):
            check(opt in r.stdout, "diff help mentions " + opt, r)
    check("diff" in run("--help", expect=0).stdout, "main help lists diff")
    table = check_table()
    check(len(table) >= 50, "every check listed: %d" % len(table))
    check(all(v[1] in ("error", "warning", "info") and v[2] in ("error", "warning", "info")
              for v in table.values()), "a level per side")


def test_usage_errors():
    seed = os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md")
    for args in (("diff",), ("diff", seed), ("diff", seed, seed, seed),
                 ("diff", "--side", "middle", seed, seed), ("diff", "--format", "xml", seed, seed),
                 ("diff", "--fail-on", "fatal", seed, seed), ("diff", "--bogus", seed, seed),
                 ("diff", "--schema", "--side", "both", seed, seed), ("diff", "--list=yes"),
                 ("diff", "--dialect", "draft99", seed, seed), ("diff", "-", "-")):
        r = run(*args, expect=2)
        check("Run 'cardc help diff'" in r.stderr and "Usage:" not in r.stderr,
              "short usage error for %r" % (args,), r)
    r = run("diff", "/nonexistent/a.json", seed, expect=2)
    check("/nonexistent/a.json" in r.stderr, "names the missing file", r)
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as f:
            f.write('{\n  "type": "object",\n  "properties": {,}\n}\n')
        r = run("diff", "--schema", bad, bad, expect=2)
        check(bad + ":3:" in r.stderr, "malformed schema reported with line and column", r)


# One pair per schema check: (old, new, check, check of the reverse pair).
S = {"type": "object", "properties": {"a": {"type": "string"}}}
PAIRS = [
    (S, {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}},
     "property-added", "property-removed"),
    (dict(S, additionalProperties=False),
     {"type": "object", "properties": {"a": {"type": "string"}, "b": {}},
      "additionalProperties": False}, "closed-property-added", "closed-property-removed"),
    ({"type": ["string", "null"]}, {"type": "string"}, "type-narrowed", "type-widened"),
    ({"type": "string"}, {"type": "integer"}, "type-changed", "type-changed"),
    (S, dict(S, required=["a"]), "required-added", "required-removed"),
    ({"enum": ["x", "y", "z"]}, {"enum": ["x", "y"]}, "enum-value-removed", "enum-value-added"),
    ({"type": "string"}, {"type": "string", "enum": ["x"]}, "enum-added", "enum-removed"),
    ({"type": "string"}, {"type": "string", "const": "x"}, "enum-added", "enum-removed"),
    ({"const": "x"}, {"const": "y"}, "const-changed", "const-changed"),
    ({"type": "number", "minimum": 0}, {"type": "number", "minimum": 1}, "bound-tightened",
     "bound-loosened"),
    ({"type": "number", "maximum": 10}, {"type": "number", "maximum": 5}, "bound-tightened",
     "bound-loosened"),
    ({"type": "number", "exclusiveMinimum": 0}, {"type": "number", "exclusiveMinimum": 2},
     "bound-tightened", "bound-loosened"),
    ({"type": "string"}, {"type": "string", "minLength": 2}, "bound-tightened", "bound-loosened"),
    ({"type": "array", "maxItems": 4}, {"type": "array", "maxItems": 3}, "bound-tightened",
     "bound-loosened"),
    ({"type": "object", "minProperties": 1}, {"type": "object", "minProperties": 2},
     "bound-tightened", "bound-loosened"),
    ({"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 4}, "bound-tightened",
     "bound-loosened"),
    ({"type": "array"}, {"type": "array", "uniqueItems": True}, "bound-tightened",
     "bound-loosened"),
    ({"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 5},
     "max-length-shortened", "max-length-lengthened"),
    ({"type": "string"}, {"type": "string", "maxLength": 5}, "max-length-shortened",
     "max-length-lengthened"),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]},
     {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
     "branch-added", "branch-removed"),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]},
     {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
     "branch-added", "branch-removed"),
    ({"type": "integer", "default": 1}, {"type": "integer", "default": 2}, "default-changed",
     "default-changed"),
    ({"type": "integer"}, {"type": "integer", "default": 2}, "default-changed", "default-changed"),
    (S, dict(S, additionalProperties=False), "additional-properties-closed",
     "additional-properties-opened"),
    (S, dict(S, additionalProperties={"type": "string"}), "additional-properties-closed",
     "additional-properties-opened"),
    ({"type": "string"}, {"type": "string", "format": "date-time"}, "format-changed",
     "format-changed"),
    ({"type": "string"}, {"type": "string", "pattern": "^a"}, "pattern-added", "pattern-removed"),
    ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^b"}, "pattern-changed",
     "pattern-changed"),
    ({"type": "string", "contentType": "text/plain"},
     {"type": "string", "contentType": "text/event-stream"}, "content-type-changed",
     "content-type-changed"),
    ({"type": "string"}, {"type": "string", "title": "Text"}, "title-changed", "title-changed"),
    ({"type": "string"}, {"type": "string", "description": "Text"}, "description-changed",
     "description-changed"),
]

# Sampled checks: (old, new, check, effect, effect of the reverse pair).
SAMPLED = [
    # a oneOf that refuses {} (required members): narrows
    ({"type": "object"},
     {"type": "object", "oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
     "union-added", "narrows", "widens"),
    # a string becomes a string or an array: widens
    ({"type": "string"}, {"oneOf": [{"type": "string"}, {"type": "array"}]},
     "union-added", "widens", "narrows"),
    ({"type": "string", "enum": ["x", "y"]},
     {"type": "string", "enum": ["x", "y"], "not": {"const": "x"}}, "keyword-changed",
     "narrows", "widens"),
    ({"type": "array", "items": {"type": "integer"}},
     {"type": "array", "items": {"type": "integer"}, "contains": {"minimum": 5}},
     "keyword-changed", "narrows", "widens"),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]},
     {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "keyword-changed", "none", "none"),
]

LEVEL = {"narrows": ("error", "info"), "widens": ("info", "error"), "both": ("error", "error"),
         "none": ("warning", "warning")}


def test_each_check_both_directions():
    """Every schema check on a small pair, at its listed level on each side; the reverse
    pair gives the reverse check."""
    table = check_table()
    seen = set()
    with tempfile.TemporaryDirectory() as d:
        for i, (old, new, chk, rev) in enumerate(PAIRS):
            a, b = write(d, "a%d.json" % i, old), write(d, "b%d.json" % i, new)
            for (x, y, want) in ((a, b, chk), (b, a, rev)):
                for s, side in enumerate(("input", "output")):
                    got, r = changes("--schema", "--side", side, x, y)
                    hits = [c for c in got if c["check"] == want]
                    check(hits, "%s -> %s: %s reported (%s)" % (old, new, want, side), r)
                    check(all(c["level"] == table[want][1 + s] for c in hits),
                          "%s at its %s level %s: %r" % (want, side, table[want][1 + s], hits), r)
                    check(all(c["side"] == side for c in got), "side named", r)
                seen.add(want)
        for i, (old, new, chk, fwd, back) in enumerate(SAMPLED):
            a, b = write(d, "sa%d.json" % i, old), write(d, "sb%d.json" % i, new)
            for (x, y, effect) in ((a, b, fwd), (b, a, back)):
                want = chk if (x, y) == (a, b) or chk == "keyword-changed" else \
                    {"union-added": "union-removed"}[chk]
                for s, side in enumerate(("input", "output")):
                    got, r = changes("--schema", "--side", side, x, y)
                    hits = [c for c in got if c["check"] == want]
                    check(len(hits) == 1, "%s reported once (%s %s)" % (want, old, new), r)
                    check(hits[0]["effect"] == effect, "%s: effect %s" % (want, effect), r)
                    check(hits[0]["level"] == LEVEL[effect][s], "%s level by effect" % want, r)
                    check((effect == "none") == ("witness" not in hits[0]),
                          "a witness exactly when the samples tell: %r" % hits[0], r)
                seen.add(want)
    missing = {k for k, v in table.items() if v[0] == "schema"} - seen
    check(not missing, "every schema check has a unit test: missing %s" % sorted(missing))


def test_witness_checked():
    """The printed witness is what it says: cardc validate accepts it against the old
    schema and refuses it against the new one (narrows)."""
    old, new = SAMPLED[0][0], SAMPLED[0][1]
    with tempfile.TemporaryDirectory() as d:
        a, b = write(d, "a.json", old), write(d, "b.json", new)
        got, _ = changes("--schema", a, b)
        w = [c["witness"] for c in got if c["check"] == "union-added"][0]
        p = write(d, "w.json", w)
        run("validate", "--schema", a, p, expect=0)
        run("validate", "--schema", b, p, expect=1)


def card(name, inp, out):
    return {"name": "@cf/test/" + name, "schema": {"input": inp, "output": out}}


# C API pairs, as cards: (old card, new card, check, reverse check or None).
OBJ = {"type": "object", "properties": {"x": {"type": "string"}}}
STREAM_OUT = {"oneOf": [{"type": "object", "contentType": "application/json"},
                        {"type": "string", "contentType": "text/event-stream",
                         "format": "binary"}]}
C_PAIRS = [
    (card("m", {"type": "object", "properties": {"a": dict(OBJ, title="Foo")}}, OBJ),
     card("m", {"type": "object", "properties": {"a": dict(OBJ, title="Bar")}}, OBJ),
     "c-type-renamed", "c-type-renamed"),
    (card("m", {"type": "object", "properties": {"a": OBJ}}, OBJ),
     card("m", {"type": "object", "properties": {}}, OBJ), "c-type-removed", "c-type-added"),
    (card("m", {"type": "object", "properties": {"a": OBJ}}, OBJ),
     card("m", {"type": "object", "properties": {"a": {"type": "array", "items": OBJ}}}, OBJ),
     "c-type-changed", "c-type-changed"),
    (card("m", {"type": "object", "properties": {"a_b": {"type": "string"}}}, OBJ),
     card("m", {"type": "object", "properties": {"a-b": {"type": "string"},
                                                 "a_b": {"type": "string"}}}, OBJ),
     "c-field-renamed", "c-field-renamed"),
    (card("m", {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}},
          OBJ),
     card("m", {"type": "object", "properties": {"b": {"type": "string"}}}, OBJ),
     "c-field-removed", "c-field-added"),
    (card("m", {"type": "object", "properties": {"a": {"type": "integer"}}}, OBJ),
     card("m", {"type": "object", "properties": {"a": {"type": "number"}}}, OBJ),
     "c-field-type-changed", "c-field-type-changed"),
    (card("m", {"type": "object", "properties": {"a": {"type": "integer"}}}, OBJ),
     card("m", {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
          OBJ), "c-presence-removed", "c-presence-added"),
    (card("m", {"oneOf": [dict(OBJ, title="Foo"), {"type": "integer"}]}, OBJ),
     card("m", {"oneOf": [dict(OBJ, title="Bar"), {"type": "integer"}]}, OBJ),
     "c-union-kind-renamed", "c-union-kind-renamed"),
    (card("m", {"oneOf": [{"type": "string"}, {"type": "integer"}]}, OBJ),
     card("m", {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}, OBJ),
     "c-union-kind-added", "c-union-kind-removed"),
    (card("m", {"type": "object", "properties": {"e": {"type": "string", "enum": ["a_b"]}}}, OBJ),
     card("m", {"type": "object", "properties": {"e": {"type": "string", "enum": ["a-b", "a_b"]}}},
          OBJ), "c-enumerator-renamed", "c-enumerator-renamed"),
    (card("m", {"type": "object", "properties": {"e": {"type": "string", "enum": ["a", "b"]}}}, OBJ),
     card("m", {"type": "object", "properties": {"e": {"type": "string", "enum": ["a"]}}}, OBJ),
     "c-enumerator-removed", "c-enumerator-added"),
    (card("m", OBJ, STREAM_OUT), card("m", OBJ, {"type": "object"}), "c-function-removed",
     "c-function-added"),
]


def test_c_api_checks():
    """Every C API check on a pair of small cards, and its reverse; the JSON-compatible
    rename of a title is still an error for C callers."""
    table = check_table()
    seen = set()
    with tempfile.TemporaryDirectory() as d:
        for i, (old, new, chk, rev) in enumerate(C_PAIRS):
            a, b = write(d, "a%d.json" % i, old), write(d, "b%d.json" % i, new)
            for (x, y, want) in ((a, b, chk), (b, a, rev)):
                got, r = changes(x, y)
                hits = [c for c in got if c["check"] == want]
                check(hits and all(c["category"] == "c-api" for c in hits),
                      "%s reported for %s -> %s" % (want, x, y), r)
                check(all(c["level"] == table[want][1] for c in hits), "%s level" % want, r)
                seen.add(want)
            got, _ = changes("--no-c-api", a, b)
            check(all(c["category"] == "schema" for c in got), "--no-c-api leaves C API out")
    missing = {k for k, v in table.items() if v[0] == "c-api"} - seen
    check(not missing, "every C API check has a unit test: missing %s" % sorted(missing))
    # A title rename: schema-compatible (info), C API error.
    with tempfile.TemporaryDirectory() as d:
        a, b = write(d, "a.json", C_PAIRS[0][0]), write(d, "b.json", C_PAIRS[0][1])
        got, r = changes(a, b, expect=1)
        check({c["check"] for c in got if c["category"] == "schema"} == {"title-changed"},
              "only the title changed in the schema", r)
        run("diff", "--no-c-api", a, b, expect=0)


def test_self_comparison():
    """Every shared card (and schemas/) against itself: nothing, exit 0, every format."""
    cards = sorted(p for p in glob.glob(os.path.join(SHARED, "**", "*.*"), recursive=True)
                   if os.path.isfile(p) and not p.endswith("README.md"))
    cards += glob.glob(os.path.join(ROOT, "schemas", "*.md"))
    check(len(cards) >= 40, "shared cards found: %d (../shared is required)" % len(cards))
    for c in cards:
        r = run("diff", "--format", "json", c, c, expect=0)
        check(r.stdout == "" and r.stderr == "", "%s against itself reports nothing" % c, r)
    for fmt in ("text", "github"):
        r = run("diff", "--format", fmt, cards[0], cards[0], expect=0)
        check(r.stdout == "" and r.stderr == "", "%s: nothing in %s" % (cards[0], fmt), r)
    r = run("diff", "--format", "markdown", cards[0], cards[0], expect=0)
    check("No changes." in r.stdout, "markdown says there is nothing", r)


def test_layouts_and_positions():
    """A YAML card against a JSON card of the same model; JSON positions point at the value."""
    yaml_card = os.path.join(SHARED, "yaml", "whisper.yaml")
    json_card = os.path.join(HISTORY, "whisper", "2-33c6600.json")
    got, r = changes(yaml_card, json_card, expect=0)
    check(got and all(c["check"] == "description-changed" for c in got),
          "only descriptions differ between the YAML and the JSON whisper card", r)
    c = got[0]
    check(c["old"]["pointer"].startswith("/json_schema/") and
          c["new"]["pointer"].startswith("/schema/"), "pointers in each layout", r)
    with open(json_card) as f:
        lines = f.read().split("\n")
    line = lines[c["new"]["line"] - 1][c["new"]["column"] - 1:]
    check(line.startswith('"'), "the new position is the description's value: %r" % line[:40], r)


def test_formats_and_fail_on():
    old, new = (os.path.join(HISTORY, "stable-diffusion-xl-base-1.0", n)
                for n in ("1-1215e03.yaml", "2-cdffd39.json"))
    got, _ = changes(old, new, expect=1)
    r = run("diff", old, new, expect=1)
    check("error: input: /schema/input/properties/height/minimum: minimum 256 added "
          "[bound-tightened]" in r.stdout and "  new: " + new + ":" in r.stdout,
          "text format", r)
    check("2 errors" in r.stderr, "summary on stderr", r)
    r = run("diff", "--format", "github", old, new, expect=1)
    lines = r.stdout.splitlines()
    check(len(lines) == len(got) and all(l.startswith(("::error file=", "::warning file=",
                                                       "::notice file=")) for l in lines),
          "one GitHub annotation per change", r)
    check("::error file=%s,line=" % new in r.stdout and "title=bound-tightened::" in r.stdout,
          "annotation located in the new file", r)
    r = run("diff", "--format", "markdown", old, new, expect=1)
    check(r.stdout.startswith("### cardc diff:") and "| level | side | check |" in r.stdout and
          "| **error** | input | `bound-tightened` |" in r.stdout, "markdown table", r)
    check(r.stdout.count("\n| ") == len(got) + 1, "a row per change", r)
    # --fail-on: the whisper pair has info only, flux a warning and an error.
    w_old, w_new = (os.path.join(HISTORY, "whisper", n) for n in ("1-8bc0aaf.md", "2-33c6600.json"))
    run("diff", w_old, w_new, expect=0)
    run("diff", "--fail-on", "warning", w_old, w_new, expect=0)
    run("diff", "--fail-on", "info", w_old, w_new, expect=1)
    f_old, f_new = (os.path.join(HISTORY, "flux-1-schnell", n)
                    for n in ("1-e861141.json", "2-08f6e61.json"))
    run("diff", "--side", "output", f_old, f_new, expect=0)
    got, _ = changes("--side", "input", "--no-c-api", f_old, f_new, expect=1)
    check({c["side"] for c in got} == {"input"}, "--side input")


# The changes ../shared/cards/history/README.md lists, bullet by bullet, with what cardc diff
# reports for each: (side, check, level, pointer in the new version, or "old:" + pointer in
# the old one). A description bullet becomes (side, "description-changed", word, count).
I1 = "/schema/input/oneOf/1"
I0 = "/schema/input/oneOf/0"
MSG = I1 + "/properties/messages/items"
EXPECT = {
    "llava-1.5-7b-hf": [[("input", "property-added", "info", I1 + "/properties/" + p)]
                        for p in ("top_p", "top_k", "seed", "repetition_penalty",
                                  "frequency_penalty", "presence_penalty")],
    "llama-3.1-8b-instruct": [
        [("input", "property-removed", "warning", "old:" + I0 + "/properties/image")],
        [("input", "property-removed", "warning", "old:" + I1 + "/properties/image")],
        [("output", "property-added", "info", "/schema/output/oneOf/0/properties/usage")]],
    "llama-3.2-11b-vision-instruct": [
        [("input", "property-added", "info", I0 + "/properties/image")],
        [("input", "property-added", "info", I0 + "/properties/lora")],
        [("input", "property-added", "info", I1 + "/properties/image")],
        [("input", "property-added", "info", I1 + "/properties/tools")],
        [("input", "union-removed", "error", "old:/json_schema/input/oneOf/1/properties/messages"
          "/items/properties/content/oneOf")],
        [("input", "type-narrowed", "error", MSG + "/properties/content/type")],
        [("input", "max-length-shortened", "error", MSG + "/properties/content/maxLength")],
        [("input", "description-changed", "added", 1)],
        [("output", "property-added", "info", "/schema/output/oneOf/0/properties/tool_calls")]],
    "stable-diffusion-xl-base-1.0": [
        [("input", "bound-loosened", "info", "/schema/input/properties/height/maximum")],
        [("input", "bound-tightened", "error", "/schema/input/properties/height/minimum")],
        [("input", "bound-loosened", "info", "/schema/input/properties/width/maximum")],
        [("input", "bound-tightened", "error", "/schema/input/properties/width/minimum")],
        [("input", "description-changed", "added", 13)],
        [("output", "description-changed", "added", 1)]],
    "whisper": [[], [("input", "description-changed", "added", 2)],
                [("output", "description-changed", "added", 3)]],
    "flux-1-schnell": [
        [("input", "default-changed", "warning", "old:/schema/input/properties/steps/default")],
        [("input", "additional-properties-closed", "error", "/schema/input/additionalProperties")],
        [("input", "description-changed", "changed", 1)]],
    "bge-m3": [
        [("input", "property-removed", "warning", "old:/schema/input/properties/query")],
        [("input", "property-removed", "warning", "old:/schema/input/properties/contexts")],
        [("input", "required-removed", "info", "old:/schema/input/required/0")],
        [("input", "union-added", "info", "/schema/input/oneOf")],
        [("output", "branch-added", "error", "/schema/output/oneOf/2")],
        [("output", "branch-added", "error", "/schema/output/oneOf/3")],
        [("output", "title-changed", "info", "/schema/output/oneOf/0/title")],
        [("output", "title-changed", "info", "/schema/output/oneOf/1/title")],
        [("output", "property-added", "info", "/schema/output/oneOf/1/properties/shape")],
        [("output", "property-added", "info", "/schema/output/oneOf/1/properties/pooling")]],
    "deepseek-r1-distill-qwen-32b": [
        [("input", "property-added", "info", I0 + "/properties/response_format")],
        [("input", "max-length-lengthened", "info", "old:" + I0 + "/properties/prompt/maxLength")],
        [("input", "bound-tightened", "error", I0 + "/properties/top_p/minimum")],
        [("input", "bound-tightened", "error", I0 + "/properties/top_p/maximum")],
        [("input", "bound-loosened", "info", I0 + "/properties/frequency_penalty/minimum")],
        [("input", "bound-loosened", "info", I0 + "/properties/presence_penalty/minimum")],
        [("input", "property-added", "info", I1 + "/properties/response_format")],
        [("input", "property-added", "info", I1 + "/properties/raw")],
        [("input", "type-widened", "info", "old:" + MSG + "/properties/content/type")],
        [("input", "max-length-lengthened", "info", "old:" + MSG + "/properties/content/maxLength")],
        [("input", "union-added", "info", MSG + "/properties/content/oneOf")],
        [("input", "bound-tightened", "error", I1 + "/properties/top_p/minimum")],
        [("input", "bound-tightened", "error", I1 + "/properties/top_p/maximum")],
        [("input", "bound-loosened", "info", I1 + "/properties/frequency_penalty/minimum")],
        [("input", "bound-loosened", "info", I1 + "/properties/presence_penalty/minimum")],
        [("input", "description-changed", "removed", 1), ("input", "description-changed",
                                                          "changed", 2)],
        [("output", "content-type-changed", "warning",
          "old:/schema/output/oneOf/0/contentType")],
        [("output", "required-added", "info", "/schema/output/oneOf/0/required/0")],
        [("output", "content-type-changed", "warning",
          "old:/schema/output/oneOf/1/contentType")]],
    "gpt-oss-120b": [
        [("input", "branch-added", "info", "/schema/input/oneOf/0")],
        [("input", "title-changed", "info", I1 + "/title")],
        [("input", "default-changed", "warning",
          I1 + "/properties/reasoning/properties/effort/default")],
        [("input", "title-changed", "info", "/schema/input/oneOf/2/title")],
        [("input", "default-changed", "warning", "/schema/input/oneOf/2/properties/requests/items"
          "/properties/reasoning/properties/effort/default")],
        [("input", "description-changed", "changed", 2)]],
    "llama-4-scout-17b-16e-instruct": [
        [("input", "title-changed", "info", I0 + "/title")],
        [("input", "property-removed", "warning", "old:" + I0 + "/properties/lora")],
        [("input", "property-added", "info", I0 + "/properties/guided_json")],
        [("input", "default-changed", "warning", I0 + "/properties/temperature/default")],
        [("input", "title-changed", "info", I1 + "/title")],
        [("input", "property-added", "info", I1 + "/properties/guided_json")],
        [("input", "property-added", "info", MSG + "/properties/tool_call_id")],
        [("input", "type-widened", "info", "old:" + MSG + "/properties/content/type")],
        [("input", "union-added", "info", MSG + "/properties/content/oneOf")],
        [("input", "required-removed", "info", "old:" + MSG + "/required/0"),
         ("input", "required-removed", "info", "old:" + MSG + "/required/1")],
        [("input", "default-changed", "warning", I1 + "/properties/temperature/default")],
        [("input", "description-changed", "removed", 1)],
        [("output", "content-type-changed", "warning", "/schema/output/oneOf/0/contentType")],
        [("output", "content-type-changed", "warning", "/schema/output/oneOf/1/contentType")]],
}


def readme_bullets():
    """{model: [bullet, ...]} from the history README's table."""
    with open(os.path.join(HISTORY, "README.md")) as f:
        text = f.read()
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 5 and cells[0] not in ("model", "---"):
            out[cells[0]] = [b[2:] for b in cells[4].split("<br>")]
    return out


def test_history():
    """Each change the history README lists, reported at the right level, and no schema
    change it does not list."""
    check(os.path.isdir(HISTORY), "history cards missing: %s (../shared is required)" % HISTORY)
    bullets = readme_bullets()
    check(sorted(bullets) == sorted(EXPECT), "a pair per README row: %s" % sorted(bullets))
    for model, expected in EXPECT.items():
        check(len(bullets[model]) == len(expected),
              "%s: %d bullets in the README, %d expected here" % (
                  model, len(bullets[model]), len(expected)))
        old, new = sorted(glob.glob(os.path.join(HISTORY, model, "*")))
        got, r = changes(old, new)
        schema = [c for c in got if c["category"] == "schema"]
        used = set()
        for bullet, findings in zip(bullets[model], expected):
            for f in findings:
                if f[1] == "description-changed":
                    hits = [i for i, c in enumerate(schema) if c["side"] == f[0] and
                            c["check"] == f[1] and c["message"] == "description " + f[2]]
                    check(len(hits) == f[3], "%s: %s: %d descriptions %s, got %d" % (
                        model, bullet, f[3], f[2], len(hits)), r)
                else:
                    which, ptr = ("old", f[3][4:]) if f[3].startswith("old:") else ("new", f[3])
                    hits = [i for i, c in enumerate(schema) if c["side"] == f[0] and
                            c["check"] == f[1] and c[which]["pointer"] == ptr]
                    check(len(hits) == 1, "%s: %s: %s at %s reported once" % (
                        model, bullet, f[1], ptr), r)
                    check(schema[hits[0]]["level"] == f[2], "%s: %s: level %s, got %s" % (
                        model, bullet, f[2], schema[hits[0]]["level"]), r)
                used.update(hits)
        extra = [c for i, c in enumerate(schema) if i not in used]
        check(not extra, "%s: schema changes the README does not list: %r" % (model, extra), r)
        run("diff", new, new, expect=0)


def test_history_c_api():
    """What the history means for C callers: titles renamed types and kinds (bge-m3), a
    stream function gone with its contentType (deepseek), fields added (llava)."""
    def c_api(model):
        old, new = sorted(glob.glob(os.path.join(HISTORY, model, "*")))
        got, _ = changes(old, new)
        return [c for c in got if c["category"] == "c-api"]
    bge = c_api("bge-m3")
    check(any(c["check"] == "c-union-kind-renamed" and
              c["message"] == "BGE_M3_OUTPUT_QUERY -> BGE_M3_OUTPUT_OUTPUT_QUERY" for c in bge),
          "bge-m3: the output kind renamed with its branch title: %r" % bge)
    check(any(c["check"] == "c-type-changed" and c["message"] == "bge_m3_input: object -> oneOf union"
              for c in bge), "bge-m3: the input became a union")
    ds = c_api("deepseek-r1-distill-qwen-32b")
    check(any(c["check"] == "c-function-removed" and "run_stream" in c["message"] for c in ds),
          "deepseek: run_stream gone with the event-stream contentType: %r" % ds)
    llava = c_api("llava-1.5-7b-hf")
    check(sorted(c["check"] for c in llava) == ["c-field-added"] * 6 and
          all(c["level"] == "info" for c in llava), "llava: six fields added: %r" % llava)
    check(c_api("whisper") == [], "whisper: nothing for C callers")
    flux = c_api("flux-1-schnell")
    check([c["check"] for c in flux] == ["c-field-removed"] and "closed" in flux[0]["message"],
          "flux: additionalProperties false takes the undeclared-members field away: %r" % flux)


def main():
    if not CARDC or not ROOT:
        print("usage: test_diff.py PATH/TO/cardc SOURCE_ROOT", file=sys.stderr)
        return 2
    return run_tests(collect_tests(globals()), os.environ.get("CARDC_CLI_TEST"))


if __name__ == "__main__":
    sys.exit(main())
