#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""cardc gen over every card: generate, compile at -Werror, round-trip.

Usage: test_cards.py CARDC SOURCE_ROOT CARDS_DIR BUILD_ROOT LIBCARDC_A

For every card under CARDS_DIR/{seed,yaml,json} and SOURCE_ROOT/schemas:
  - `cardc gen --card` (alone, and all together with the registry);
  - every generated .c compiles with each C compiler found ($CC, gcc,
    clang) at -std=c11 -Wall -Wextra -Wpedantic -Werror (+ -Wshadow
    -Wconversion);
  - a driver (roundtrip.c) linked with libcardc decodes payloads made from
    each side's schema: a minimal valid one (required members, first enum
    value / const, bounds respected) must decode, encode, re-decode and
    re-encode to the same text, equal to `cardc validate --apply-defaults
    --print` of the payload, and so must that payload with a member no
    schema names added to its objects (kept, and given back); an invalid
    one (a wrong type at a member) must
    be rejected with the same (instanceLocation, keywordLocation) pairs as
    `cardc validate --format json`.
Fails loudly when CARDS_DIR is missing: the shared cards are required.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import compilers  # noqa: E402

# Sanitizers libcardc was built with (meson b_sanitize), for linking.
SAN = shlex.split(os.environ.get("GEN_TEST_SANITIZE", ""))

WARN = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror"]
EXTRA = ["-Wshadow", "-Wconversion"]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ---- payloads -------------------------------------------------------------

def resolve(root, s):
    seen = 0
    while isinstance(s, dict) and "$ref" in s and s["$ref"].startswith("#") and seen < 50:
        node = root
        for tok in s["$ref"][1:].split("/")[1:]:
            tok = tok.replace("~1", "/").replace("~0", "~")
            node = node[int(tok)] if isinstance(node, list) else node[tok]
        s = node
        seen += 1
    return s


def sample_regex(p):
    """A string matching a simple pattern (anchors, literals, classes,
    groups with alternatives, quantifiers); None when unsure."""
    out, i = [], 0
    if p.startswith("^"):
        i = 1
    while i < len(p):
        c = p[i]
        piece, j = None, i + 1
        if c == "$":
            i += 1
            continue
        if c == "\\" and i + 1 < len(p):
            e = p[i + 1]
            piece = {"s": " ", "d": "0", "w": "a"}.get(e, e)
            j = i + 2
        elif c == "[":
            k = p.index("]", i + 1)
            body = p[i + 1:k]
            piece = "a" if body.startswith("^") else body[0]
            j = k + 1
        elif c == "(":
            depth, k = 1, i + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(p[k], 0)
                k += 1
            alt = p[i + 1:k - 1].split("|")[0]
            piece = sample_regex("^" + alt + "$")
            if piece is None:
                return None
            j = k
        elif c in ".":
            piece = "a"
        elif c in "*+?{}|)":
            return None
        else:
            piece = c
        if j < len(p) and p[j] in "*?":
            piece, j = "", j + 1
        elif j < len(p) and p[j] == "+":
            j += 1
        out.append(piece)
        i = j
    return "".join(out)


def minimal(root, s, depth=0, every=False):
    """every: the top-level object gets all its properties, not just the
    required ones (tells apart oneOf branches that require nothing)."""
    s = resolve(root, s)
    if s is True or s == {} or not isinstance(s, dict) or depth > 20:
        return "x"
    if "const" in s:
        return s["const"]
    if "enum" in s:
        return s["enum"][0]
    for kw in ("oneOf", "anyOf"):
        if kw in s:
            branches = [resolve(root, b) for b in s[kw]]
            # An object branch exercises more of the engine.
            pick = next((b for b in branches if isinstance(b, dict) and
                         (b.get("type") == "object" or "properties" in b)), branches[0])
            merged = dict(pick) if isinstance(pick, dict) else {}
            if "type" in s and "type" not in merged:
                merged["type"] = s["type"]
            return minimal(root, merged, depth + 1)
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "null")
    if t == "object" or (t is None and "properties" in s):
        props = s.get("properties", {})
        obj = {}
        for k in (list(props) if every else []) + s.get("required", []):
            obj[k] = minimal(root, props.get(k, {}), depth + 1)
        for k, v in props.items():
            if len(obj) >= s.get("minProperties", 0):
                break
            obj.setdefault(k, minimal(root, v, depth + 1))
        if len(obj) < s.get("minProperties", 0) and isinstance(s.get("additionalProperties"), dict):
            for n in range(s["minProperties"] - len(obj)):
                obj["k%d" % n] = minimal(root, s["additionalProperties"], depth + 1)
        return obj
    if t == "array":
        items = s.get("items", {})
        n = max(s.get("minItems", 0), 1 if s.get("maxItems", 1) >= 1 else 0)
        return [minimal(root, items, depth + 1) for _ in range(n)]
    if t in ("integer", "number"):
        lo = s.get("minimum", s.get("exclusiveMinimum", 0))
        v = lo + (1 if "exclusiveMinimum" in s and "minimum" not in s else 0)
        v = max(v, 0) if "minimum" not in s and "exclusiveMinimum" not in s else v
        if "maximum" in s and v > s["maximum"]:
            v = s["maximum"]
        return int(v) if t == "integer" else v
    if t == "boolean":
        return False
    if t == "null":
        return None
    if t == "string":
        v = "a"
        if "pattern" in s:
            v = sample_regex(s["pattern"]) or "a"
        n = s.get("minLength", 0)
        if len(v) < n:
            v += "a" * (n - len(v))
        return v
    return "x"


# Schemas whose oneOf branches overlap so much that only a payload failing
# the other branches on purpose is valid (bge-m3's output: four branches,
# none with required members or closed properties).
HAND_MADE = {
    ("bge-m3.json", "output"): {"response": [{"id": 0, "score": 0.5}], "shape": 1,
                                "request_id": 5},
}


# A member no schema names, added to open objects: decode must keep it and
# encode must give it back (issue 10: no silent data loss).
UNKNOWN_MEMBER = ("x-cardc-extra", [1, "two", None, {"k": 2.5, "\u00e9": True}])


def with_extras(payload, deep):
    """payload with UNKNOWN_MEMBER added to the top-level object, and with deep to
    every object inside it too; None when payload is no object."""
    def add(v, top):
        if isinstance(v, list):
            return [add(x, False) for x in v] if deep else v
        if not isinstance(v, dict):
            return v
        out = {k: add(x, False) if deep else x for k, x in v.items()}
        if top or deep:
            out[UNKNOWN_MEMBER[0]] = UNKNOWN_MEMBER[1]
        return out
    return add(payload, True) if isinstance(payload, dict) else None


def candidates(root, s, card="", side=""):
    """Payloads to try, the most useful first; the test keeps the first one
    `cardc validate` accepts."""
    out = [minimal(root, s), minimal(root, s, every=True)]
    if (os.path.basename(card), side) in HAND_MADE:
        out.insert(0, HAND_MADE[(os.path.basename(card), side)])
    s = resolve(root, s)
    for kw in ("oneOf", "anyOf"):
        for b in (s.get(kw, []) if isinstance(s, dict) else []):
            b = resolve(root, b)
            merged = dict(b) if isinstance(b, dict) else {}
            if "type" in s and "type" not in merged:
                merged["type"] = s["type"]
            out += [minimal(root, merged), minimal(root, merged, every=True)]
    return out


def wrong_type(root, s):
    s = resolve(root, s)
    t = s.get("type") if isinstance(s, dict) else None
    if t in ("string", "object", "array", "boolean"):
        return 12345
    if t in ("integer", "number"):
        return "not a number"
    return None


def invalid_variant(root, schema, valid):
    """The valid payload with one member of the wrong type, or None."""
    if not isinstance(valid, dict):
        return None
    s = resolve(root, schema)
    cands = [s]
    for kw in ("oneOf", "anyOf"):
        if isinstance(s, dict) and kw in s:
            cands += [resolve(root, b) for b in s[kw]]
    for c in cands:
        props = c.get("properties", {}) if isinstance(c, dict) else {}
        for k, ps in props.items():
            w = wrong_type(root, ps)
            if w is not None:
                bad = dict(valid)
                bad[k] = w
                return bad
    return None


# ---- the test ---------------------------------------------------------------

class Failures:
    def __init__(self):
        self.n = 0
        self.checks = 0

    def check(self, ok, what):
        self.checks += 1
        if not ok:
            self.n += 1
            print("FAIL:", what)
        return ok


def main():
    if len(sys.argv) != 6:
        print(__doc__)
        return 2
    cardc, src, cards_dir, build_root, lib = sys.argv[1:]
    f = Failures()
    cards = []
    for sub in ("seed", "yaml", "json"):
        d = os.path.join(cards_dir, sub)
        if not os.path.isdir(d):
            print("FAIL: missing card directory %s (the shared cards are required)" % d)
            return 1
        cards += sorted(os.path.join(d, n) for n in os.listdir(d) if not n.startswith("."))
    cards += sorted(os.path.join(src, "schemas", n) for n in os.listdir(os.path.join(src, "schemas"))
                    if n.endswith(".md"))
    if len(cards) < 10:
        print("FAIL: only %d cards found under %s" % (len(cards), cards_dir))
        return 1
    ccs = compilers()
    if not ccs:
        print("FAIL: no C compiler")
        return 1
    incs = ["-I" + os.path.join(src, "runtime", "include"),
            "-I" + os.path.join(build_root, "runtime", "include")]
    tmp = tempfile.mkdtemp(prefix="cardc-gen-")
    try:
        # Each card alone: generate and compile with every compiler.
        for i, card in enumerate(cards):
            out = os.path.join(tmp, "one%d" % i)
            r = run([cardc, "gen", "--card", card, "-o", out])
            if not f.check(r.returncode == 0, "gen %s: %s" % (card, r.stderr.strip())):
                continue
            for c in sorted(os.listdir(out)):
                if not c.endswith(".c"):
                    continue
                for cc in ccs:
                    r = run(cc + WARN + EXTRA + incs + ["-c", os.path.join(out, c), "-o",
                                                        os.path.join(out, c + ".o")])
                    f.check(r.returncode == 0, "%s %s (%s):\n%s" % (os.path.basename(cc[0]), c,
                                                                   card, r.stderr[:3000]))
        # All together: the registry, then the round-trip driver.
        allout = os.path.join(tmp, "all")
        args = [cardc, "gen", "-o", allout]
        for card in cards:
            args += ["--card", card]
        r = run(args)
        if not f.check(r.returncode == 0, "gen all: " + r.stderr):
            return 1
        regc = open(os.path.join(allout, "cardc_models.c")).read()
        c_names = re.findall(r"^    &(\w+)_model,$", regc, re.M)
        f.check(len(c_names) == len(cards), "registry lists %d of %d models" % (len(c_names), len(cards)))
        sources = [os.path.join(allout, n) for n in sorted(os.listdir(allout)) if n.endswith(".c")]
        driver = os.path.join(tmp, "roundtrip")
        link = ccs[0] + WARN + incs + ["-I" + allout, os.path.join(src, "tests", "gen", "roundtrip.c")] + \
            sources + [lib, "-o", driver] + ["-ljson-c", "-lyaml", "-lpcre2-8", "-lcurl", "-lm"] + SAN
        for cc in ccs[1:]:
            r = run(cc + WARN + incs + ["-I" + allout, "-c", os.path.join(allout, "cardc_models.c"),
                                        "-o", os.path.join(tmp, "reg.o")])
            f.check(r.returncode == 0, "registry with %s: %s" % (cc[0], r.stderr))
        r = run(link)
        if not f.check(r.returncode == 0, "link the round-trip driver:\n" + r.stderr[:3000]):
            return 1
        n_rt = n_bad = n_extra = 0
        n_traits = 0
        for card, cname in zip(cards, c_names):
            n_traits += traits_agree(f, cardc, card, driver, cname)
            for side in ("input", "output"):
                r = run([driver, cname, side, "--schema"])
                if r.returncode != 0:
                    continue  # no schema for that side
                schema = json.loads(r.stdout)
                payload = None
                for cand in candidates(schema, schema, card, side):
                    if is_valid(cardc, card, side, cand, tmp):
                        payload = cand
                        break
                if not f.check(payload is not None, "%s %s: no valid payload could be made" % (card, side)):
                    continue
                n_rt += round_trip(f, cardc, card, side, driver, cname, schema, payload, tmp, True)
                for deep in (True, False):
                    extra = with_extras(payload, deep)
                    if extra is not None and is_valid(cardc, card, side, extra, tmp):
                        n_extra += round_trip(f, cardc, card, side, driver, cname, schema, extra,
                                              tmp, True)
                        break
                bad = invalid_variant(schema, schema, payload)
                if bad is not None:
                    n_bad += round_trip(f, cardc, card, side, driver, cname, schema, bad, tmp, False)
        f.check(n_traits >= 2, "only %d cards state context_window or async_queue" % n_traits)
        bge_m3_any_of(f, cardc, cards_dir, tmp, ccs, incs, lib)
        # Most sides are open objects: the extras must have been exercised.
        f.check(n_extra >= n_rt // 2, "only %d of %d payloads took unknown members" % (n_extra, n_rt))
        print("%d cards, %d compilers, %d valid payloads round-tripped (%d with unknown members "
              "kept), %d invalid payloads rejected like cardc validate; %d checks, %d failed"
              % (len(cards), len(ccs), n_rt, n_extra, n_bad, f.checks, f.n))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if f.n else 0


def traits_agree(f, cardc, card, driver, cname):
    """The model descriptor carries the card's context_window and
    async_queue, as `cardc inspect` reads them. 1 when the card states
    either."""
    r = run([cardc, "inspect", "--format", "json", card])
    traits = json.loads(r.stdout)["traits"]
    want = {"context_window": traits["context_window"] or 0, "async_queue": traits["async_queue"]}
    r = run([driver, cname, "--traits"])
    got = json.loads(r.stdout) if r.returncode == 0 else None
    f.check(got == want, "%s: descriptor traits %s, cardc inspect %s" % (card, got, want))
    return 1 if want["context_window"] or want["async_queue"] else 0


# A real bge-m3 reply (an embedding): with the card's overlapping output
# oneOf switched to anyOf (a test fixture made here, the shared card is
# untouched), every branch accepts it; it must land in "Output Embedding",
# the branch naming most of its members, and re-encode with `data` intact.
BGE_REPLY = {"shape": [1, 3], "data": [[0.1, 0.2, 0.3]], "pooling": "mean"}


def bge_m3_any_of(f, cardc, cards_dir, tmp, ccs, incs, lib):
    with open(os.path.join(cards_dir, "json", "bge-m3.json")) as fh:
        card = json.load(fh)
    out_schema = card["schema"]["output"]
    if not f.check("oneOf" in out_schema, "bge-m3's output has no oneOf any more"):
        return
    out_schema["anyOf"] = out_schema.pop("oneOf")
    path = os.path.join(tmp, "bge-m3-anyof.json")
    with open(path, "w") as fh:
        json.dump(card, fh)
    d = os.path.join(tmp, "bge")
    r = run([cardc, "gen", "--card", path, "-o", d])
    if not f.check(r.returncode == 0, "gen bge-m3 anyOf: " + r.stderr):
        return
    header = open(os.path.join(d, "bge_m3.h")).read()
    f.check(re.search(r"bge_m3_output: anyOf union.*?keeps the one that matches best", header, re.S),
            "bge_m3.h does not say how anyOf decodes")
    driver = os.path.join(d, "roundtrip")
    r = run(ccs[0] + WARN + incs + ["-I" + d, '-DSINGLE_HEADER="bge_m3.h"',
                                   "-DSINGLE_MODEL=bge_m3_model",
                                   os.path.join(os.path.dirname(os.path.abspath(__file__)), "roundtrip.c"),
                                   os.path.join(d, "bge_m3.c"), lib, "-o", driver,
                                   "-ljson-c", "-lyaml", "-lpcre2-8", "-lcurl", "-lm"] + SAN)
    if not f.check(r.returncode == 0, "link the bge-m3 driver: " + r.stderr[:3000]):
        return
    reply = os.path.join(tmp, "bge-reply.json")
    with open(reply, "w") as fh:
        json.dump(BGE_REPLY, fh)
    r = run([driver, "bge_m3", "output", reply])
    got = json.loads(r.stdout) if r.returncode == 0 else {}
    f.check(got.get("status") == "ok" and got.get("branch") == "OUTPUT_EMBEDDING",
            "bge-m3 reply decoded into %s: %s %s" % (got.get("branch"), r.stdout, r.stderr))
    f.check(got.get("encode") == "ok" and json.loads(got.get("encoded", "null")) == BGE_REPLY and
            got.get("stable") is True, "bge-m3 reply re-encoded as %s" % got.get("encoded"))


def is_valid(cardc, card, side, payload, tmp):
    path = os.path.join(tmp, "candidate.json")
    with open(path, "w") as fh:
        json.dump(payload, fh)
    args = [cardc, "validate", "--card", card] + (["--output"] if side == "output" else [])
    return run(args + [path]).returncode == 0


def round_trip(f, cardc, card, side, driver, cname, schema, payload, tmp, valid):
    path = os.path.join(tmp, "payload.json")
    with open(path, "w") as fh:
        json.dump(payload, fh)
    what = "%s %s %s %s" % (card, side, "valid" if valid else "invalid", json.dumps(payload)[:200])
    vargs = [cardc, "validate", "--card", card] + (["--output"] if side == "output" else [])
    ref = run(vargs + ["--format", "json", path])
    try:
        ref_json = json.loads(ref.stdout)
    except ValueError:
        f.check(False, "%s: cardc validate said %s %s" % (what, ref.stdout, ref.stderr))
        return 0
    if not f.check(ref_json["valid"] == valid,
                   "%s: test payload generator is wrong (cardc validate: %s)" % (what, ref.stdout[:500])):
        return 0
    r = run([driver, cname, side, path])
    if not f.check(r.returncode == 0, "%s: driver failed: %s" % (what, r.stderr)):
        return 0
    got = json.loads(r.stdout)
    if valid:
        ok = f.check(got["status"] == "ok", "%s: decode failed: %s" % (what, r.stdout))
        ok = ok and f.check(got.get("encode") == "ok" and got.get("redecode") == "ok" and
                            got.get("stable") is True and got.get("validate") == "ok",
                            "%s: round trip: %s" % (what, r.stdout))
        if ok:
            filled = run(vargs + ["--apply-defaults", "--print", path])
            want = json.loads(filled.stdout)
            ok = f.check(json.loads(got["encoded"]) == want,
                         "%s: encoded %s, want %s" % (what, got["encoded"], json.dumps(want)))
        return 1 if ok else 0
    ok = f.check(got["status"] == "invalid", "%s: not rejected: %s" % (what, r.stdout))
    want = [[e["instanceLocation"], e["keywordLocation"]] for e in ref_json.get("errors", [])]
    ok = ok and f.check(got.get("errors") == want,
                        "%s: errors %s, cardc validate %s" % (what, got.get("errors"), want))
    return 1 if ok else 0


if __name__ == "__main__":
    sys.exit(main())
