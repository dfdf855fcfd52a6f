#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The ABI of libcardc.so is exactly what the public headers declare.

Usage: test_abi.py NM LIBCARDC_SO INCLUDE_DIR... -- HEADER...
(the C compiler comes from $CC, as meson runs it)

- Every public header is preprocessed with CARDC_API defined as a marker;
  every function and object it declares at file scope must carry the
  marker (CARDC_API), and no function may take more than 6 parameters.
- Every options struct (cardc_*_options, cardc_*_request) has its _init.
- `nm -D --defined-only` of the shared library must list exactly those
  names: an exported symbol no header declares (an internal cardc__*
  function, a helper that lost `static`) fails, and so does a declared
  one the library does not export.
Prints both lists' sizes and every difference.
"""
import os
import re
import shlex
import subprocess
import sys

MARK = "__cardc_api_marker__"
MAX_PARAMS = 6
INSTRUMENTATION = ("__gcov_", "mangle_path", "__llvm_profile", "__llvm_prf",  # coverage runtimes
                   "__odr_asan")  # AddressSanitizer's ODR indicators of exported objects


def declarations(cc, incs, headers, option_structs):
    """(name, kind, text) of every file-scope declaration in headers; the
    names of the options structs (cardc_*_options, cardc_*_request) go into
    option_structs."""
    src = "".join('#include "%s"\n' % h for h in headers)
    r = subprocess.run(cc + ["-std=c11", "-E", "-D_POSIX_C_SOURCE=200809L", "-DCARDC_API=" + MARK] +
                       ["-I" + i for i in incs] + ["-x", "c", "-"],
                       input=src, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("test_abi: preprocessing the headers failed:\n" + r.stderr)
    wanted = {os.path.realpath(h) for h in headers}
    keep, ours = [], False
    for line in r.stdout.splitlines():
        m = re.match(r'# \d+ "([^"]+)"', line)
        if m:
            ours = os.path.realpath(m.group(1)) in wanted
            continue
        if ours:
            keep.append(line)
    text = "\n".join(keep)
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ";" and depth == 0:
            stmt = " ".join(text[start:i].split())
            start = i + 1
            m = re.match(r"^typedef struct (cardc_\w+_(?:options|request)) \{", stmt)
            if m:
                option_structs.append(m.group(1))
            if not stmt or stmt.startswith("typedef") or stmt.startswith("extern \"C\""):
                continue
            if re.match(r"^(struct|enum|union)( \w+)? *(\{.*\})?$", stmt):
                continue  # a type's definition or forward declaration, anonymous enums
            m = re.search(r"(\w+)\s*\(", stmt)
            if "(" in stmt and m and not stmt.startswith("extern const"):
                out.append((m.group(1), "function", stmt))
            else:
                name = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*$", stmt)
                out.append((name[0] if name else stmt, "object", stmt))
    return out


def params(stmt, name):
    """Number of parameters of function `name` in its declaration."""
    i = stmt.index(name + "(") + len(name) + 1
    depth, count, seen = 1, 1, ""
    while depth:
        ch = stmt[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 1:
            count += 1
        if depth:
            seen += ch
        i += 1
    return 0 if seen.strip() in ("", "void") else count


def exported(nm, lib):
    r = subprocess.run([nm, "-D", "--defined-only", lib], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("test_abi: %s failed: %s" % (nm, r.stderr))
    names = set()
    for line in r.stdout.splitlines():
        parts = line.split()
        # a coverage build's instrumentation runtime is not ours
        if len(parts) >= 3 and parts[1] not in ("A",) and not parts[2].startswith(INSTRUMENTATION):
            names.add(parts[2].split("@")[0])
    return names


def main():
    argv = sys.argv[1:]
    sep = argv.index("--")
    nm, lib, incs, headers = argv[0], argv[1], argv[2:sep], argv[sep + 1:]
    cc = shlex.split(os.environ.get("CC", "cc"))
    failures = 0
    option_structs = []
    decls = declarations(cc, incs, headers, option_structs)
    declared = {}
    for name, kind, stmt in decls:
        declared[name] = kind
        if MARK not in stmt:
            print("FAIL: %s (%s) is declared without CARDC_API: %s" % (name, kind, stmt[:200]))
            failures += 1
        if kind == "function" and params(stmt, name) > MAX_PARAMS:
            print("FAIL: %s takes %d parameters (at most %d: take a struct)" %
                  (name, params(stmt, name), MAX_PARAMS))
            failures += 1
    for o in option_structs:
        if declared.get(o + "_init") != "function":
            print("FAIL: %s has no %s_init" % (o, o))
            failures += 1
    syms = exported(nm, lib)
    extra = sorted(syms - set(declared))
    missing = sorted(set(declared) - syms)
    for s in extra:
        print("FAIL: libcardc exports %s, which no public header declares" % s)
    for s in missing:
        print("FAIL: %s is declared in a public header but not exported" % s)
    failures += len(extra) + len(missing)
    internal = sorted(s for s in syms if s.startswith("cardc__"))
    print("options structs with an _init: %s" % ", ".join(sorted(option_structs)))
    print("%d declarations in %d public headers (%d functions, %d objects), "
          "%d symbols exported by %s, %d internal (cardc__*) exported, "
          "%d extra, %d missing, longest parameter list %d" %
          (len(declared), len(headers), sum(k == "function" for k in declared.values()),
           sum(k == "object" for k in declared.values()), len(syms), os.path.basename(lib),
           len(internal), len(extra), len(missing),
           max((params(st, n) for n, k, st in decls if k == "function"), default=0)))
    if not decls or not syms:
        print("FAIL: nothing declared or nothing exported")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
