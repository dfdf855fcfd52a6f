#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`cardc sample` payloads through the generated decoders of every card.

Usage: test_samples.py CARDC SOURCE_ROOT CARDS_DIR BUILD_ROOT LIBCARDC_A

For every card under CARDS_DIR (seed/, yaml/, json/ and every version in
history/) and SOURCE_ROOT/schemas, and each side with a schema:
  - `cardc sample` prints 500 valid and 500 invalid (--labelled) payloads;
  - `cardc validate --jsonl --format json -v` checks them: every valid one
    valid, every invalid one invalid with its label among the errors, and
    every error at the label's keyword or at an ancestor (the oneOf or $ref
    it sits under; an errorMessage stands for its schema);
  - a driver (sample_decode.c) linked with the bindings `cardc gen` makes
    of all the cards together (one registry) decodes every payload: its
    verdict and its errors (instance location, keyword location, code, in
    order) equal cardc validate's.
Prints the figures; fails loudly when CARDS_DIR is missing (the shared
cards are required). CC and GEN_TEST_SANITIZE come from meson.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

COUNT = 500
SAN = shlex.split(os.environ.get("GEN_TEST_SANITIZE", ""))
WARN = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-D_POSIX_C_SOURCE=200809L"]


class Failures:
    def __init__(self):
        self.n = 0

    def check(self, ok, what):
        if not ok:
            self.n += 1
            if self.n <= 40:
                print("FAIL:", what)
        return ok


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def cards_of(src, cards_dir):
    cards = []
    for sub in ("seed", "yaml", "json", "history"):
        d = os.path.join(cards_dir, sub)
        if not os.path.isdir(d):
            sys.exit("FAIL: missing card directory %s (the shared cards are required)" % d)
        for root, _, names in sorted(os.walk(d)):
            cards += sorted(os.path.join(root, n) for n in names
                            if n.endswith((".md", ".yaml", ".json")) and n != "README.md")
    cards += sorted(os.path.join(src, "schemas", n) for n in os.listdir(os.path.join(src, "schemas"))
                    if n.endswith(".md"))
    return cards


def build_driver(f, cardc, src, build_root, lib, cards, tmp):
    out = os.path.join(tmp, "gen")
    args = [cardc, "gen", "-o", out]
    for card in cards:
        args += ["--card", card]
    r = run(args)
    if not f.check(r.returncode == 0, "cardc gen of every card: " + r.stderr):
        return None
    with open(os.path.join(out, "cardc_models.c")) as fh:
        names = re.findall(r"^    &(\w+)_model,$", fh.read(), re.M)
    if not f.check(len(names) == len(cards), "registry lists %d of %d cards" % (len(names), len(cards))):
        return None
    cc = shlex.split(os.environ.get("CC", "cc"))
    driver = os.path.join(tmp, "sample_decode")
    sources = sorted(os.path.join(out, n) for n in os.listdir(out) if n.endswith(".c"))
    r = run(cc + WARN + ["-O1", "-I" + os.path.join(src, "runtime", "include"),
                         "-I" + os.path.join(build_root, "runtime", "include"), "-I" + out,
                         os.path.join(src, "tests", "gen", "sample_decode.c")] + sources +
            [lib, "-o", driver, "-ljson-c", "-lyaml", "-lpcre2-8", "-lcurl", "-lm"] + SAN)
    return driver if f.check(r.returncode == 0, "build the driver:\n" + r.stderr[:3000]) else None


def sample(f, cardc, card, side, invalid):
    """The side's samples; None when the card has no schema for that side."""
    args = [cardc, "sample", card, "--side", side, "--count", str(COUNT), "--labelled"]
    r = run(args + (["--invalid"] if invalid else []))
    what = "%s %s %s" % (card, side, "invalid" if invalid else "valid")
    if r.returncode == 2 and "has no %s schema" % side in r.stderr:
        return None
    if not f.check(r.returncode == 0, "%s: cardc sample failed: %s" % (what, r.stderr[-500:])):
        return []
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    f.check(len(lines) == COUNT, "%s: %d samples, not %d" % (what, len(lines), COUNT))
    return lines


def validate(cardc, card, side, payloads, tmp):
    path = os.path.join(tmp, "payloads.jsonl")
    with open(path, "w") as fh:
        for p in payloads:
            fh.write(json.dumps(p, separators=(",", ":"), ensure_ascii=False) + "\n")
    r = run([cardc, "validate", "--card", card, "--side", side, "--jsonl", path, "--format",
             "json", "-v"])
    return [json.loads(l) for l in r.stdout.splitlines()]


def errors_of(verdict):
    return [[e["instanceLocation"], e["keywordLocation"], e["code"]]
            for e in verdict.get("errors", [])]


def path_of(error):
    """The schema path an error stands for (see analysis/sample/sample.c)."""
    kw = error[1]
    for code, tail in (("error-message", "/errorMessage"), ("if", "/if")):
        if error[2] == code and kw.endswith(tail):
            return kw[:-len(tail)]
    return kw


def covers(path, kw):
    return kw == path or kw.startswith(path + "/")


def check_label(f, what, label, errors):
    """The label names the keyword the errors blame: one of them (or the
    keyword an errorMessage stands for), every error at it or above."""
    at = [e for e in errors if e[1] == label["keywordLocation"] or
          (e[2] == "error-message" and covers(path_of(e), label["keywordLocation"]))]
    f.check(at != [], "%s: label %s not among the errors %s" % (what, label, errors))
    f.check(all(covers(path_of(e), label["keywordLocation"]) for e in errors),
            "%s: an error outside the label %s: %s" % (what, label["keywordLocation"], errors))


def main():
    if len(sys.argv) != 6:
        print(__doc__)
        return 2
    cardc, src, cards_dir, build_root, lib = sys.argv[1:]
    f = Failures()
    t0 = time.monotonic()
    cards = cards_of(src, cards_dir)
    if not f.check(len(cards) >= 40, "only %d cards found under %s" % (len(cards), cards_dir)):
        return 1
    tmp = tempfile.mkdtemp(prefix="cardc-samples-")
    try:
        driver = build_driver(f, cardc, src, build_root, lib, cards, tmp)
        if not driver:
            return 1
        t_build = time.monotonic() - t0
        expected = []  # (what, valid, label, validator errors)
        lines = []
        sides = 0
        for slot_card, card in enumerate(cards):
            for s, side in enumerate(("input", "output")):
                valid = sample(f, cardc, card, side, False)
                if valid is None:
                    continue  # no schema for that side
                sides += 1
                invalid = sample(f, cardc, card, side, True) or []
                # one cardc validate per side: the valid samples, then the invalid ones
                got = [(g, False) for g in valid] + [(g, True) for g in invalid]
                verdicts = validate(cardc, card, side, [g["payload"] for g, _ in got], tmp)
                if not f.check(len(verdicts) == len(got),
                               "%s %s: cardc validate gave %d verdicts for %d payloads"
                               % (card, side, len(verdicts), len(got))):
                    continue
                for i, ((g, bad), v) in enumerate(zip(got, verdicts)):
                    what = "%s %s %s sample %d" % (card, side, "invalid" if bad else "valid",
                                                   i % COUNT + 1)
                    f.check(v["valid"] != bad, "%s: cardc validate says %s" % (
                        what, json.dumps(v)[:400]))
                    if bad and not v["valid"]:
                        check_label(f, what, g, errors_of(v))
                    expected.append((what, v["valid"], errors_of(v)))
                    lines.append("%d\t%s\n" % (2 * slot_card + s, json.dumps(
                        g["payload"], separators=(",", ":"), ensure_ascii=False)))
        t_sample = time.monotonic() - t0 - t_build
        path = os.path.join(tmp, "decode.txt")
        with open(path, "w") as fh:
            fh.writelines(lines)
        r = run([driver, path])
        if not f.check(r.returncode == 0, "driver: " + r.stderr[-2000:]):
            return 1
        decoded = [json.loads(l) for l in r.stdout.splitlines()]
        f.check(len(decoded) == len(expected), "driver gave %d verdicts for %d payloads"
                % (len(decoded), len(expected)))
        agree = 0
        for (what, valid, errors), d in zip(expected, decoded):
            ok = f.check(d["status"] == ("ok" if valid else "invalid"),
                         "%s: decoder says %s, cardc validate %s" % (what, d["status"], valid))
            ok = ok and f.check(valid or d["errors"] == errors,
                                "%s: decoder errors %s, cardc validate %s" % (
                                    what, d["errors"], errors))
            agree += ok
        n_valid = sum(1 for e in expected if e[1])
        print("%d cards, %d sides, %d samples (%d valid, %d invalid): the generated decoders "
              "agree with cardc validate on %d (verdicts and errors); %.0f s (build %.0f s, "
              "sample and validate %.0f s); %d failures"
              % (len(cards), sides, len(expected), n_valid, len(expected) - n_valid, agree,
                 time.monotonic() - t0, t_build, t_sample, f.n))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if f.n else 0


if __name__ == "__main__":
    sys.exit(main())
