#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Downstream builds against an installed cardc.

Usage: run_downstream.py BUILD_ROOT SOURCE_ROOT SHARED_DIR

Installs the build (`meson install --destdir` into a temporary stage), then
builds and runs three small projects against that stage only, as a user's
project would: Meson (dependency('cardc') through pkg-config, a generator()
running the installed cardc gen, on the seed card of ../shared), CMake
(find_package(cardc) and cardc_generate(), on the JSON LLaVA card of
../shared) and a plain Makefile (pkg-config, on a YAML card of ../shared).
Each compiles at -Wall -Wextra -Wpedantic -Werror with $CC and runs a tiny
program that decodes, validates and encodes. The stage is found through the
usual variables: PKG_CONFIG_PATH + PKG_CONFIG_SYSROOT_DIR, CMAKE_PREFIX_PATH,
PATH, and LD_LIBRARY_PATH for the shared libcardc.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_tests  # noqa: E402

BUILD, ROOT, SHARED = (os.path.abspath(a) for a in sys.argv[1:4])
HERE = os.path.join(ROOT, "tests", "downstream")
CARDS = os.path.join(SHARED, "cards")
PAYLOAD = '{"prompt": "What is on the sofa?", "image": [137, 80, 78, 71]}\n'
STATE = {}


def sh(args, cwd=None, env=None, timeout=300):
    t0 = time.monotonic()
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    r.elapsed = time.monotonic() - t0
    check(r.returncode == 0, "%s failed in %s" % (" ".join(args), cwd), r)
    return r


def stage():
    """Installs the build once; returns (stage dir, prefix dirs, environment)."""
    if STATE:
        return STATE["stage"], STATE["dirs"], STATE["env"]
    tmp = tempfile.mkdtemp(prefix="cardc-downstream-")
    STATE["tmp"] = tmp
    dest = os.path.join(tmp, "stage")
    sh(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild", "--quiet"])
    opts = {o["name"]: o["value"] for o in json.loads(
        sh(["meson", "introspect", "--buildoptions", BUILD]).stdout)}
    prefix = opts["prefix"]
    dirs = {k: os.path.join(dest + prefix, opts[k]) for k in ("bindir", "libdir", "includedir")}
    dirs["prefix"] = dest + prefix
    env = dict(os.environ)
    for var in ("PKG_CONFIG_LIBDIR", "CFLAGS", "LDFLAGS", "CPPFLAGS"):
        env.pop(var, None)
    env.update(PATH=dirs["bindir"] + os.pathsep + env.get("PATH", ""),
               PKG_CONFIG_PATH=os.path.join(dirs["libdir"], "pkgconfig"),
               PKG_CONFIG_SYSROOT_DIR=dest,
               CMAKE_PREFIX_PATH=dirs["prefix"],
               LD_LIBRARY_PATH=dirs["libdir"])
    STATE.update(stage=dest, dirs=dirs, env=env)
    return dest, dirs, env


def project(kind, files):
    """A fresh copy of tests/downstream/KIND plus files {name: source path}."""
    dest, dirs, env = stage()
    d = os.path.join(STATE["tmp"], kind)
    shutil.copytree(os.path.join(HERE, kind), d)
    for name, src in files.items():
        check(os.path.exists(src), "%s exists (../shared beside the checkout)" % src)
        shutil.copy(src, os.path.join(d, name))
    return d, env


def uses_staged_library(exe, env):
    """The program loads the libcardc of the stage, not another."""
    r = sh(["ldd", exe], env=env)
    line = [l for l in r.stdout.splitlines() if "libcardc" in l]
    check(line and STATE["stage"] in line[0], "%s links the staged libcardc: %r" % (exe, line))


def check_llava(r, card_name):
    lines = r.stdout.splitlines()
    check(lines[:3] == ["prompt: What is on the sofa?", "image: 4 bytes", "max_tokens: 512"],
          "decoded with the card's default", r)
    enc = json.loads(lines[3][len("encoded: "):])
    check(enc["max_tokens"] == 512 and enc["raw"] is False and enc["image"] == [137, 80, 78, 71],
          "encoded with defaults", r)
    check(lines[4].startswith("libcardc: valid against " + card_name), "library check", r)
    check(lines[5].startswith("refused: ") and "image" in lines[5], "invalid input refused", r)


def test_installed_files():
    dest, dirs, env = stage()
    files = sorted(os.path.relpath(os.path.join(p, f), dest)
                   for p, _, fs in os.walk(dest) for f in fs)
    print("installed:\n  " + "\n  ".join(files))
    for want in ("bin/cardc", "include/cardc/cardc.h", "pkgconfig/cardc.pc",
                 "cmake/cardc/cardcConfig.cmake", "cmake/cardc/cardcConfigVersion.cmake",
                 "man/man1/cardc.1", "man/man1/cardc-validate.1",
                 "bash-completion/completions/cardc", "zsh/site-functions/_cardc",
                 "fish/vendor_completions.d/cardc.fish", "doc/cardc/LICENSE",
                 "doc/cardc/LICENSE.metaschemas", "libcardc.so.0"):
        check(any(f.endswith(want) for f in files), "%s is installed" % want)


def test_meson_generator():
    d, env = project("meson", {"llava_demo.c": os.path.join(HERE, "llava_demo.c"),
                               "llava-1.5-7b-hf.md":
                               os.path.join(CARDS, "seed", "llava-1.5-7b-hf.md"),
                               "payload.json": os.devnull})
    with open(os.path.join(d, "payload.json"), "w") as f:
        f.write(PAYLOAD)
    t = sh(["meson", "setup", "build"], cwd=d, env=env).elapsed
    t += sh(["ninja", "-C", "build"], cwd=d, env=env).elapsed
    exe = os.path.join(d, "build", "llava_demo")
    uses_staged_library(exe, env)
    check(os.path.exists(os.path.join(d, "build", "llava_demo.p", "llava-1.5-7b-hf.h")),
          "the generator named the header after the card")
    r = sh([exe, "llava-1.5-7b-hf.md", "payload.json"], cwd=d, env=env)
    check_llava(r, "@cf/llava-hf/llava-1.5-7b-hf")
    print("meson: built in %.1f s\n%s" % (t, r.stdout))


def test_cmake_cardc_generate():
    d, env = project("cmake", {"llava_demo.c": os.path.join(HERE, "llava_demo.c"),
                               "llava-1.5-7b-hf.json":
                               os.path.join(CARDS, "json", "llava-1.5-7b-hf.json")})
    with open(os.path.join(d, "payload.json"), "w") as f:
        f.write(PAYLOAD)
    t = sh(["cmake", "-S", ".", "-B", "build", "-G", "Ninja"], cwd=d, env=env).elapsed
    r = sh(["cmake", "--build", "build", "--verbose"], cwd=d, env=env)
    t += r.elapsed
    check("-Werror" in r.stdout and "bin/cardc gen --card" in r.stdout, "built with -Werror, "
          "generated by cardc_generate with the installed cardc", r)
    exe = os.path.join(d, "build", "llava_demo")
    uses_staged_library(exe, env)
    r = sh([exe, "llava-1.5-7b-hf.json", "payload.json"], cwd=d, env=env)
    check_llava(r, "@cf/llava-hf/llava-1.5-7b-hf")
    # Touching the card regenerates the bindings.
    os.utime(os.path.join(d, "llava-1.5-7b-hf.json"))
    r = sh(["cmake", "--build", "build", "--verbose"], cwd=d, env=env)
    check("bin/cardc gen --card" in r.stdout, "a changed card regenerates", r)
    print("cmake: built in %.1f s" % t)


def test_make_pkg_config():
    d, env = project("make", {"bart_demo.c": os.path.join(HERE, "bart_demo.c"),
                              "bart-large-cnn.yaml":
                              os.path.join(CARDS, "yaml", "bart-large-cnn.yaml")})
    r = sh(["make", "-C", d], env=env)
    t = r.elapsed
    check("-Werror" in r.stdout and " gen --card bart-large-cnn.yaml" in r.stdout,
          "make ran cardc gen and compiled at -Werror", r)
    exe = os.path.join(d, "bart_demo")
    uses_staged_library(exe, env)
    r = sh([exe], cwd=d, env=env)
    lines = r.stdout.splitlines()
    check(lines[0] == "max_length: 1024", "default applied", r)
    check(json.loads(lines[1][len("encoded: "):]) ==
          {"input_text": "A long article about cats.", "max_length": 1024}, "encoded", r)
    check(lines[2] == "summary: Cats.", "reply decoded", r)
    check(lines[3].startswith("refused: /input_text: "), "minLength refused", r)
    print("make: built in %.1f s\n%s" % (t, r.stdout))


def main():
    try:
        return run_tests(collect_tests(globals()), os.environ.get("CARDC_DOWNSTREAM_TEST"))
    finally:
        if "tmp" in STATE and not os.environ.get("CARDC_KEEP_DOWNSTREAM"):
            shutil.rmtree(STATE["tmp"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
