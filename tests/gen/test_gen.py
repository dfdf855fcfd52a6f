#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""cardc gen: golden files, determinism, hostile names, diagnostics.

Usage: test_gen.py CARDC SOURCE_ROOT BUILD_ROOT LIBCARDC_A

- golden: `cardc gen --card schemas/llava-1.5-7b-hf.md` run from the
  source root equals tests/gen/golden/llava_1_5_7b_hf.{h,c} byte for byte
  (a unified diff on mismatch; CARDC_UPDATE_GOLDEN=1 rewrites them);
- determinism: generating twice gives identical bytes (also the registry);
- hostile: tests/gen/hostile.json (keywords, leading digits, '-', '@', '/',
  '.', spaces, non-ASCII, collisions with presence flags, comment
  terminators, trigraphs, line splices in descriptions) compiles with gcc
  and clang at -Werror, nothing escapes its comments (the preprocessed
  header has no "injected" token), and a payload using every property
  round-trips through the engine;
- lean output: the seed's .c is under 300 lines, every initializer names
  only members that are not zero, no wrapper nothing calls (the typed
  functions are static inline in the header), every T_INIT of the seed
  and hostile headers compiles at -Werror with every compiler;
- reproducible: `--strip-path --file-name` run on the card from two
  directories at different relative paths writes identical bytes;
- diagnostics: an invalid schema is reported as FILE:LINE:COL: error:
  /pointer: message with exit status 2.
"""
import difflib
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

WARN = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-Wshadow", "-Wconversion"]
failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", what)
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, **kw)


def schema_case(src, cardc, ccs, incs, lib, tmp, schema_file, name, valid, invalid, compiled=None):
    """cardc gen --schema: compile (every compiler, -Werror), link the
    round-trip driver, decode/encode `valid` (equal to cardc validate
    --apply-defaults --print of it) and reject `invalid` with cardc
    validate's (instanceLocation, keywordLocation) pairs."""
    schema = os.path.join(src, "tests", "gen", schema_file)
    d = compiled or os.path.join(tmp, name)
    if not compiled:
        r = run([cardc, "gen", "--schema", schema, "--name", name, "-o", d])
        if not check(r.returncode == 0, "gen %s: %s" % (schema_file, r.stderr.decode())):
            return
        for cc in ccs:
            r = run(cc + WARN + incs + ["-c", os.path.join(d, name + ".c"), "-o", os.path.join(d, "x.o")])
            check(r.returncode == 0, "%s %s.c:\n%s" % (cc[0], name, r.stderr.decode()[:3000]))
    driver = os.path.join(d, "roundtrip")
    r = run(ccs[0] + WARN[:5] + incs + ["-I" + d, '-DSINGLE_HEADER="%s.h"' % name,
                                        "-DSINGLE_MODEL=%s_model" % name,
                                        os.path.join(src, "tests", "gen", "roundtrip.c"),
                                        os.path.join(d, name + ".c"), lib, "-o", driver,
                                        "-ljson-c", "-lyaml", "-lpcre2-8", "-lcurl", "-lm"] + SAN)
    if not check(r.returncode == 0, "link %s driver: %s" % (name, r.stderr.decode()[:3000])):
        return
    for payload, ok in ((valid, True), (invalid, False)):
        path = os.path.join(tmp, "payload.json")
        with open(path, "w") as fh:
            json.dump(payload, fh)
        ref = json.loads(run([cardc, "validate", "--schema", schema, "--format", "json", path]).stdout)
        check(ref["valid"] == ok, "%s: test payload %s should be %s" % (name, payload, ok))
        r = run([driver, name, "input", path])
        got = json.loads(r.stdout) if r.returncode == 0 else {}
        if ok:
            check(got.get("status") == "ok" and got.get("stable") is True and
                  got.get("validate") == "ok", "%s round trip: %r %r" % (name, r.stdout, r.stderr))
            if got.get("encoded"):
                want = json.loads(run([cardc, "validate", "--schema", schema, "--apply-defaults",
                                       "--print", path]).stdout)
                check(json.loads(got["encoded"]) == want,
                      "%s: encoded %s, want %s" % (name, got["encoded"], json.dumps(want)))
        else:
            want = [[e["instanceLocation"], e["keywordLocation"]] for e in ref.get("errors", [])]
            check(got.get("status") == "invalid" and got.get("errors") == want,
                  "%s invalid: %r, cardc validate %r" % (name, r.stdout, want))


def init_use(ccs, incs, tmp, hdir, header):
    """Every T_INIT of a generated header starts a value of T, at -Werror
    (missing braces and field initializers included) with every compiler,
    and as C++."""
    text = open(os.path.join(hdir, header), encoding="utf-8").read()
    inits = re.findall(r"^#define (\w+)_INIT ", text, re.M)
    types = {}
    # struct and enum tags are the type names; other roots are plain typedefs
    for name in re.findall(r"^typedef (?:struct|enum) (\w+)|^typedef \w+ (\w+);", text, re.M):
        name = name[0] or name[1]
        types[name.upper()] = name
    body = "".join("    %s v%d = %s_INIT;\n    (void)v%d;\n" % (types.get(m, "?"), i, m, i)
                   for i, m in enumerate(inits))
    check(inits and "?" not in body, "%s: T_INIT macros and their types: %s" % (header, inits))
    path = os.path.join(tmp, "init_" + header.replace(".h", ".c"))
    with open(path, "w") as fh:
        fh.write('#include "%s"\n\nvoid use_inits(void);\n\nvoid use_inits(void)\n{\n%s}\n'
                 % (header, body))
    for cc in ccs:
        r = run(cc + WARN + ["-Wmissing-field-initializers", "-Wmissing-braces"] + incs +
                ["-I" + hdir, "-c", path, "-o", path + ".o"])
        check(r.returncode == 0, "%s %s T_INIT:\n%s" % (cc[0], header, r.stderr.decode()[:3000]))
    # The header is usable from C++ too (extern "C", T_INIT as {}).
    cxx = shutil.which("clang++") or shutil.which("g++")
    if check(cxx is not None, "no C++ compiler (clang++ or g++) to compile %s as C++" % header):
        r = run([cxx, "-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                 "-Wmissing-field-initializers", "-fsyntax-only"] + incs + ["-I" + hdir, path])
        check(r.returncode == 0, "%s %s as C++:\n%s" % (cxx, header, r.stderr.decode()[:3000]))


def main():
    cardc, src, build_root, lib = [os.path.abspath(a) for a in sys.argv[1:5]]
    incs = ["-I" + os.path.join(src, "runtime", "include"),
            "-I" + os.path.join(build_root, "runtime", "include")]
    ccs = compilers()
    tmp = tempfile.mkdtemp(prefix="cardc-gen-")
    try:
        # ---- golden ----------------------------------------------------
        out = os.path.join(tmp, "golden")
        r = run([cardc, "gen", "--card", "schemas/llava-1.5-7b-hf.md", "-o", out], cwd=src)
        check(r.returncode == 0, "gen seed: %s" % r.stderr.decode())
        golden = os.path.join(src, "tests", "gen", "golden")
        for name in ("llava_1_5_7b_hf.h", "llava_1_5_7b_hf.c"):
            got = open(os.path.join(out, name), "rb").read()
            if os.environ.get("CARDC_UPDATE_GOLDEN"):
                open(os.path.join(golden, name), "wb").write(got)
            want = open(os.path.join(golden, name), "rb").read()
            if not check(got == want, "%s differs from the golden file" % name):
                sys.stdout.writelines(difflib.unified_diff(
                    want.decode(errors="replace").splitlines(True),
                    got.decode(errors="replace").splitlines(True),
                    "golden/" + name, "generated/" + name))

        # The README's worked example is the golden header's text.
        readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
        m = re.search(r"### Worked example: the seed card.*?```c\n(.*?)```", readme, re.S)
        header = open(os.path.join(golden, "llava_1_5_7b_hf.h"), encoding="utf-8").read()
        check(m is not None and len(m.group(1)) > 1000 and m.group(1) in header,
              "README's worked example is not an excerpt of golden/llava_1_5_7b_hf.h")

        # ---- determinism ------------------------------------------------
        cards = [os.path.join(src, "schemas", "llava-1.5-7b-hf.md"), os.path.join(src, "tests", "unit", "cards", "typing.yaml")]
        cards_for_multi = cards
        outs = []
        for k in range(2):
            d = os.path.join(tmp, "det%d" % k)
            args = [cardc, "gen", "-o", d]
            for c in cards:
                args += ["--card", c]
            r = run(args)
            check(r.returncode == 0, "gen twice: %s" % r.stderr.decode())
            outs.append({n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))})
        check(outs[0] == outs[1], "two runs differ")
        check("cardc_models.h" in outs[0] and "cardc_models.c" in outs[0], "no registry written")

        # ---- lean output ----------------------------------------------------
        seed_c = open(os.path.join(golden, "llava_1_5_7b_hf.c"), encoding="utf-8").read()
        seed_h = open(os.path.join(golden, "llava_1_5_7b_hf.h"), encoding="utf-8").read()
        n_lines = seed_c.count("\n")
        print("seed llava_1_5_7b_hf.c: %d lines" % n_lines)
        check(n_lines < 300, "the seed's generated .c has %d lines (at most 299)" % n_lines)
        zeros = re.findall(r"\.\w+ = (?:0|NULL|false|0\.0)\b(?!\s*[|+*<(])", seed_c)
        check(not zeros, "zero initializers in the seed's .c: %s" % zeros[:5])
        check("_any" not in seed_c and "{\n    return" not in seed_c,
              "the seed's .c has wrappers (they are static inline in the header)")
        check(seed_h.count("static inline") == 6 * 6 + 1, "typed wrappers are not all inline")
        for hdr, hdir_ in (("llava_1_5_7b_hf.h", golden), ("hostile.h", None)):
            if hdir_ is None:
                continue
            init_use(ccs, incs, tmp, hdir_, hdr)

        # ---- reproducible ---------------------------------------------------
        outs = []
        for k, rel in enumerate(("card.md", os.path.join("a", "b", "card.md"))):
            base = os.path.join(tmp, "repro%d" % k)
            os.makedirs(os.path.dirname(os.path.join(base, rel)), exist_ok=True)
            shutil.copyfile(os.path.join(src, "schemas", "llava-1.5-7b-hf.md"), os.path.join(base, rel))
            r = run([cardc, "gen", "--card", rel, "--strip-path", "--file-name", "llava", "-o",
                     "out"], cwd=base)
            check(r.returncode == 0, "gen --strip-path: %s" % r.stderr.decode())
            outs.append([open(os.path.join(base, "out", "llava" + e), "rb").read()
                         for e in (".h", ".c")])
        check(outs[0] == outs[1], "--strip-path: two directories give different bytes")
        check(b"from card.md." in outs[0][0] and b'.card = "card.md"' in outs[0][1] and
              b'#include "llava.h"' in outs[0][1], "--strip-path/--file-name not in the output")
        r = run([cardc, "gen", "--card", cards_for_multi[0], "--card", cards_for_multi[1],
                 "--file-name", "x", "-o", os.path.join(tmp, "multi")])
        check(r.returncode == 2 and b"--file-name" in r.stderr, "--file-name with two cards accepted")

        # ---- hostile ------------------------------------------------------
        hdir = os.path.join(tmp, "hostile")
        schema = os.path.join(src, "tests", "gen", "hostile.json")
        r = run([cardc, "gen", "--schema", schema, "--name", "hostile", "-o", hdir])
        check(r.returncode == 0, "gen hostile: %s" % r.stderr.decode())
        r2 = run([cardc, "gen", "--schema", schema, "--name", "hostile", "-o", hdir + "2"])
        check(open(os.path.join(hdir, "hostile.c"), "rb").read() ==
              open(os.path.join(hdir + "2", "hostile.c"), "rb").read(), "hostile not deterministic")
        for cc in ccs:
            r = run(cc + WARN + incs + ["-c", os.path.join(hdir, "hostile.c"), "-o",
                                         os.path.join(hdir, "hostile.o")])
            check(r.returncode == 0, "%s hostile.c:\n%s" % (cc[0], r.stderr.decode()[:3000]))
            for f in ("hostile.h", "hostile.c"):
                r = run(cc + ["-std=c11", "-E", "-P"] + incs + [os.path.join(hdir, f)])
                # Comments are gone after -E; outside string literals an
                # escaped description would show up as a declaration.
                code = re.sub(rb'"(?:[^"\\\n]|\\.)*"', b'""', r.stdout)
                check(r.returncode == 0 and not re.search(rb"int injected_\w+;", code),
                      "%s: text escaped a comment or literal (%s)" % (f, cc[0]))
        # The enum values, property names and defaults survive as data.
        body = open(os.path.join(hdir, "hostile.c"), "rb").read()
        check(b'"*/ int injected_6; /*"' in body, "enum value literal not kept")
        with open(os.path.join(src, "tests", "gen", "hostile-payload.json")) as fh:
            hostile_payload = json.load(fh)
        init_use(ccs, incs, tmp, hdir, "hostile.h")
        schema_case(src, cardc, ccs, incs, lib, tmp, "hostile.json", "hostile", hostile_payload,
                    {"int": 1, "2x": "x", "maybe": "toolong"}, compiled=hdir)
        # The typed API itself: names, helpers, defaults, free twice.
        api = os.path.join(hdir, "test_api")
        r = run(ccs[0] + WARN + incs + ["-I" + hdir, os.path.join(src, "tests", "gen", "test_api.c"),
                                        os.path.join(hdir, "hostile.c"), lib, "-o", api,
                                        "-ljson-c", "-lyaml", "-lpcre2-8", "-lcurl", "-lm"] + SAN)
        if check(r.returncode == 0, "build test_api: %s" % r.stderr.decode()[:3000]):
            r = run([api, os.path.join(src, "tests", "gen", "hostile-payload.json")])
            check(r.returncode == 0, "test_api: %s%s" % (r.stdout.decode(), r.stderr.decode()))
        schema_case(src, cardc, ccs, incs, lib, tmp, "allof.json", "allof",
                    {"merged": {"name": "n", "age": 1}, "conflict": {"b": 1}, "not_objects": "abc"},
                    {"merged": {"name": "n", "age": -1}})

        # Texts past ISO C's literal limit (a 5000-character default, long
        # const, enum, pattern, property name) compile at -Werror, are
        # checked inline (not left to the validator) and the default applies.
        ldir = os.path.join(tmp, "long")
        r = run([cardc, "gen", "--schema", os.path.join(src, "tests", "gen", "long.json"), "--name", "longtext",
                 "-o", ldir])
        if check(r.returncode == 0, "gen long: %s" % r.stderr.decode()):
            for cc in ccs:
                r = run(cc + WARN + ["-Woverlength-strings"] + incs +
                        ["-c", os.path.join(ldir, "longtext.c"), "-o", os.path.join(ldir, "longtext.o")])
                check(r.returncode == 0, "%s longtext.c:\n%s" % (cc[0], r.stderr.decode()[:3000]))
            body = open(os.path.join(ldir, "longtext.c"), "rb").read()
            check(b"CARDC_TYPE_RESIDUAL" not in body and b"CARDC_CHECK_CONST" in body and
                  b"CARDC_CHECK_PATTERN" in body, "long texts left to the validator")
            check(not re.search(rb'"[^"\n]{1100,}"', body), "a long text is still a literal")
            schema_case(src, cardc, ccs, incs, lib, tmp, "long.json", "longtext", {"k" * 4100: 1},
                        {"fixed": "c", "shaped": "y", "k" * 4100: -1}, compiled=ldir)

        # ---- diagnostics --------------------------------------------------
        r = run([cardc, "gen", "--schema", "tests/gen/bad-schema.json", "--name", "x", "-o",
                 os.path.join(tmp, "bad")], cwd=src)
        err = r.stderr.decode()
        check(r.returncode == 2 and re.match(
            r"tests/gen/bad-schema\.json:1:\d+: error: /properties/a/type: ", err),
            "bad schema diagnostic: %d %r" % (r.returncode, err))
        check(not os.path.exists(os.path.join(tmp, "bad")), "files written for a bad schema")
        r = run([cardc, "gen", "--card", "tests/unit/cards/bad-schema-literal.md", "-o",
                 os.path.join(tmp, "bad")], cwd=src)
        err = r.stderr.decode()
        check(r.returncode == 2 and re.match(r"tests/unit/cards/bad-schema-literal\.md:\d+:\d+: error: ", err),
              "bad card diagnostic: %d %r" % (r.returncode, err))
        r = run([cardc, "gen", "--schema", "tests/gen/hostile.json", "-o", tmp], cwd=src)
        check(r.returncode == 2 and b"--name" in r.stderr, "--schema without --name: %r" % r.stderr)
        r = run([cardc, "gen", "--card", "schemas/llava-1.5-7b-hf.md", "--name", "2bad", "-o", tmp],
                cwd=src)
        check(r.returncode == 2, "--name 2bad accepted")
        r = run([cardc, "gen", "--help"])
        check(r.returncode == 0 and b"Usage: cardc gen" in r.stdout, "gen --help")
        r = run([cardc, "--help"])
        check(b"gen " in r.stdout, "gen missing from cardc --help")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d checks, %d failed" % (checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
