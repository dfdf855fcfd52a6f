#!/usr/bin/env python3
"""Parity of generated decoders with the JSON Schema Test Suite.

Usage: test_suite.py CARDC SOURCE_ROOT SUITE_DIR BUILD_ROOT LIBCARDC_A

For every schema of SUITE_DIR/tests/draft7 and tests/draft2020-12 (the
required tests): `cardc gen --schema` (with that dialect), compile the
output with the round-trip driver, and decode every test's data through the
generated model: the verdict must be the suite's. Schemas that `$ref`
remote documents are counted apart: the generated code embeds only the
model's own schema (and cardc gen reports a reference it cannot resolve).
Those are the schemas that mention the suite's remote server
(localhost:1234): remote $refs and custom meta-schemas. Prints "draft7: P/N" per dialect; fails on
any wrong verdict or when SUITE_DIR is missing.
"""
import concurrent.futures
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SAN = shlex.split(os.environ.get("GEN_TEST_SANITIZE", ""))


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def one_schema(args):
    cardc, src, build_root, lib, cc, dialect, work, case = args
    if "localhost:1234" in json.dumps(case["schema"]):
        return ("remote", len(case["tests"]), "")
    os.makedirs(work, exist_ok=True)
    schema = os.path.join(work, "schema.json")
    with open(schema, "w") as fh:
        json.dump(case["schema"], fh)
    r = run([cardc, "gen", "--schema", schema, "--name", "t", "-o", work, "--dialect", dialect])
    if r.returncode != 0:
        return ("refused", len(case["tests"]), r.stderr.strip()[:300])
    driver = os.path.join(work, "rt")
    r = run(cc + ["-std=c11", "-w", "-I" + os.path.join(src, "runtime", "include"),
                  "-I" + os.path.join(build_root, "runtime", "include"), "-I" + work,
                  '-DSINGLE_HEADER="t.h"', "-DSINGLE_MODEL=t_model",
                  os.path.join(src, "tests", "gen", "roundtrip.c"), os.path.join(work, "t.c"), lib,
                  "-o", driver, "-ljson-c", "-lyaml", "-lpcre2-8", "-lm"] + SAN)
    if r.returncode != 0:
        return ("compile", len(case["tests"]), r.stderr[:1000])
    wrong = []
    for i, t in enumerate(case["tests"]):
        data = os.path.join(work, "data%d.json" % i)
        with open(data, "w") as fh:
            json.dump(t["data"], fh)
        r = run([driver, "t", "input", data])
        try:
            if r.returncode != 0:  # a crash, or a leak under the sanitizers
                raise ValueError
            got = json.loads(r.stdout)["status"] == "ok"
        except (ValueError, KeyError):
            wrong.append("%s: driver crashed (%d) %s" % (t["description"], r.returncode, r.stderr[:300]))
            continue
        if got != t["valid"]:
            wrong.append("%s: expected %s, decode said %s" % (t["description"],
                                                               "valid" if t["valid"] else "invalid",
                                                               r.stdout.strip()[:300]))
    shutil.rmtree(work, ignore_errors=True)
    return ("ran", len(case["tests"]), wrong)


def main():
    cardc, src, suite, build_root, lib = sys.argv[1:6]
    cc = shlex.split(os.environ.get("CC", "cc"))
    failed = 0
    tmp = tempfile.mkdtemp(prefix="cardc-suite-")
    try:
        for sub, dialect in (("draft7", "draft7"), ("draft2020-12", "2020-12")):
            d = os.path.join(suite, "tests", sub)
            if not os.path.isdir(d):
                print("FAIL: missing %s (the shared test suite is required)" % d)
                return 1
            jobs = []
            for name in sorted(os.listdir(d)):
                if not name.endswith(".json"):
                    continue
                with open(os.path.join(d, name)) as fh:
                    for i, case in enumerate(json.load(fh)):
                        jobs.append((name, i, case, (cardc, src, build_root, lib, cc, dialect,
                                                     os.path.join(tmp, "%s-%s-%d" % (sub, name, i)), case)))
            passed = total = refused = 0
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                for (name, i, case, _), res in zip(jobs, pool.map(one_schema, [j[3] for j in jobs])):
                    kind, n, detail = res
                    if kind == "remote":
                        refused += n
                        continue
                    if kind == "refused":
                        total += n
                        failed += 1
                        print("FAIL: %s #%d (%s): gen refused: %s" % (name, i, case["description"], detail))
                        continue
                    total += n
                    if kind == "compile":
                        failed += 1
                        print("FAIL: %s #%d (%s): does not compile:\n%s" % (name, i, case["description"], detail))
                        continue
                    passed += n - len(detail)
                    for w in detail:
                        failed += 1
                        print("FAIL: %s #%d (%s): %s" % (name, i, case["description"], w))
            print("%s: %d/%d (plus %d tests of schemas using remote documents, not generated)"
                  % (sub, passed, total, refused))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
