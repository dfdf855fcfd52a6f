#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every C block of README.md compiles at -Werror against this build, and the
complete programs and runnable fragments run.

Usage: test_readme_snippets.py BUILD_ROOT SOURCE_ROOT SHARED_DIR SANITIZE -- CC...

Convention: the line before each ```c block of the README is a marker
(an HTML comment, invisible on GitHub) saying what the block is:

  <!-- snippet: program ARGS... -->    a whole program: compiled, linked with
                                       libcardc, run from the source root with
                                       ARGS; it must exit 0
  <!-- snippet: declarations -->       file-scope declarations (types): compiled
                                       after the standard and cardc headers
  <!-- snippet: body NAME -->          statements: compiled inside a function,
                                       with the prelude NAME below (the names
                                       the text assumes), run when the prelude
                                       has a main that checks the result
  <!-- snippet: prototypes card=PATH -->  prototypes with NAME for a generated
                                       prefix: the card's bindings are generated
                                       (NAME=snippet) and the prototypes must
                                       match the generated header's

A block without a marker fails the test: nothing is left out unseen. Built
with the build's compiler and sanitizers; a sanitizer report fails the run.
"""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_checked, run_tests  # noqa: E402
# Every temporary file of this test lives here, removed at exit.
TMP = tempfile.mkdtemp(prefix="cardc-snippets-")
atexit.register(shutil.rmtree, TMP, True)

BUILD, ROOT, SHARED = (os.path.abspath(a) for a in sys.argv[1:4])
SANITIZE = sys.argv[4]
CC = sys.argv[sys.argv.index("--") + 1:]
CARDC = os.path.join(BUILD, "cli", "cardc")
# The seed card's bindings, made here by the build's cardc gen (the README's
# blocks use the llava_1_5_7b_hf names).
SEED_DIR = tempfile.mkdtemp(prefix="cardc-snippet-seed-", dir=TMP)
SEED_BINDINGS = os.path.join(SEED_DIR, "llava_1_5_7b_hf.c")
FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-g",
         "-I" + os.path.join(BUILD, "runtime", "include"), "-I" + os.path.join(ROOT, "runtime", "include"),
         "-I" + SEED_DIR]
if SANITIZE not in ("", "none"):
    FLAGS.append("-fsanitize=" + SANITIZE)
LIBS = ["-L" + os.path.join(BUILD, "runtime"), "-lcardc", "-ljson-c"]
ENV = dict(os.environ, LD_LIBRARY_PATH=os.path.join(BUILD, "runtime"))

INCLUDES = """#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cardc/cardc.h>
#include <cardc/client.h>
#include <json-c/json.h>
"""

# Preludes of the `body` blocks: what the text takes as given, then the block
# inside a function, then (when it can run without a server) a main that checks it.
PRELUDES = {
    # The decode example: json/len in, report() and use() to call.
    "decode": (INCLUDES + """#include "llava_1_5_7b_hf.h"

static int report(const cardc_error *err)
{
    fprintf(stderr, "refused: %s\\n", err->message);
    return 1;
}

static void use(size_t image_bytes, int64_t max_tokens)
{
    printf("image %zu, max_tokens %lld\\n", image_bytes, (long long)max_tokens);
}

static int snippet(const char *json, size_t len)
{
""", """    return 0;
}

int main(void)
{
    static const char json[] = "{\\"prompt\\": \\"a\\", \\"image\\": [1, 2, 3]}";
    return snippet(json, sizeof json - 1);
}
""", "image 3, max_tokens 512\n"),
    # The client example: a request `in` to send (compiled, not run: it needs a server).
    "client": (INCLUDES + """#include "llava_1_5_7b_hf.h"

void snippet(const llava_1_5_7b_hf_input *request);
void snippet(const llava_1_5_7b_hf_input *request)
{
    llava_1_5_7b_hf_input in = *request;
""", """}
""", None),
    # The Batch API example: a client and two requests `in`, `in2` (compiled, not run).
    "batch": (INCLUDES + """#include "llava_1_5_7b_hf.h"

void snippet(cardc_client *client, const llava_1_5_7b_hf_input *first,
             const llava_1_5_7b_hf_input *second);
void snippet(cardc_client *client, const llava_1_5_7b_hf_input *first,
             const llava_1_5_7b_hf_input *second)
{
    cardc_error err;
    llava_1_5_7b_hf_input in = *first, in2 = *second;
""", """}
""", None),
    # Option settings on a `cardc_client_options o` (compiled, not run).
    "client_options": (INCLUDES + """
void snippet(cardc_client_options *options);
void snippet(cardc_client_options *options)
{
    cardc_client_options o;
    cardc_client_options_init(&o);
""", """    *options = o;
}
""", None),
}


def blocks():
    """(marker words, code, line) of every ```c block of README.md."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    found = []
    for i, line in enumerate(lines):
        if line.strip() != "```c":
            continue
        m = re.match(r"<!-- snippet: (.*) -->$", lines[i - 1].strip()) if i else None
        check(m is not None, "README.md:%d: a ```c block without a <!-- snippet: ... --> marker "
              "(see tests/docs/test_readme_snippets.py)" % (i + 1))
        end = lines.index("```", i + 1)
        found.append((m.group(1).split(), "\n".join(lines[i + 1:end]) + "\n", i + 1))
    return found


def compile_c(name, source, link=True, extra=()):
    d = tempfile.mkdtemp(prefix="cardc-snippet-", dir=TMP)
    src = os.path.join(d, name + ".c")
    with open(src, "w", encoding="utf-8") as f:
        f.write(source)
    out = os.path.join(d, name + (".bin" if link else ".o"))
    args = CC + FLAGS + ([src] + list(extra) + ["-o", out] + LIBS if link else ["-c", src, "-o", out])
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, "%s does not compile at -Werror:\n%s" % (name, r.stderr), r)
    return out


def run(exe, args=(), expect=0):
    return run_checked([exe], list(args), cwd=ROOT, env=ENV, timeout=120, expect=expect)


def check_block(words, code, line):
    kind, rest = words[0], words[1:]
    where = "README.md:%d" % line
    if kind == "program":
        exe = compile_c("program_%d" % line, code)
        r = run(exe, rest)
        check(r.stdout.strip() != "", where + ": the program printed nothing", r)
        return "%s: program ran: %s" % (where, r.stdout.strip().splitlines()[0])
    if kind == "declarations":
        compile_c("declarations_%d" % line, INCLUDES + code, link=False)
        return where + ": declarations compile"
    if kind == "body":
        check(len(rest) == 1 and rest[0] in PRELUDES, where + ": unknown prelude %r" % rest)
        head, tail, want = PRELUDES[rest[0]]
        body = "".join("    " + l + "\n" if l else "\n" for l in code.rstrip("\n").split("\n"))
        source = head + body + tail
        exe = compile_c("body_%d" % line, source, link=want is not None, extra=[SEED_BINDINGS])
        if want is None:
            return where + ": compiles (needs a server to run)"
        r = run(exe)
        check(r.stdout == want, where + ": ran with the wrong result", r)
        return where + ": ran: " + want.strip()
    if kind == "prototypes":
        check(len(rest) == 1 and rest[0].startswith("card="), where + ": prototypes card=PATH")
        card = os.path.normpath(os.path.join(ROOT, rest[0][len("card="):]))
        check(os.path.exists(card), "%s exists (../shared beside the checkout)" % card)
        out = tempfile.mkdtemp(prefix="cardc-snippet-gen-", dir=TMP)
        run_checked([CARDC], ["gen", "--card", card, "--name", "snippet", "-o", out], expect=0)
        with open(os.path.join(out, "snippet.h"), encoding="utf-8") as f:
            header = f.read()
        protos = code.replace("NAME", "snippet")
        for fn in re.findall(r"\b(snippet_\w+)\s*\(", protos):
            check(re.search(r"\b%s\(" % fn, header) is not None,
                  where + ": %s is not in the generated header" % fn)
        # A redeclaration that disagrees with the header is an error.
        d = tempfile.mkdtemp(prefix="cardc-snippet-", dir=TMP)
        src = os.path.join(d, "protos.c")
        with open(src, "w", encoding="utf-8") as f:
            f.write(INCLUDES + '#include "snippet.h"\n' + protos)
        r = subprocess.run(CC + FLAGS + ["-I" + out, "-c", src, "-o", src + ".o"],
                           capture_output=True, text=True)
        check(r.returncode == 0, where + ": the prototypes disagree with the header:\n" + r.stderr, r)
        return where + ": prototypes match the generated header"
    check(False, where + ": unknown snippet kind %r" % kind)


def seed_bindings():
    if not os.path.exists(SEED_BINDINGS):
        run_checked([CARDC], ["gen", "--card", os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md"),
                              "--name", "llava_1_5_7b_hf", "-o", SEED_DIR], expect=0)


def test_every_c_block():
    seed_bindings()
    found = blocks()
    check(len(found) >= 6, "README.md has its C blocks (found %d)" % len(found))
    kinds = {w[0] for w, _, _ in found}
    check("program" in kinds, "the library example is a whole program")
    for words, code, line in found:
        print(check_block(words, code, line))


def test_library_example_reports_errors():
    """The library example also says why an invalid request is refused."""
    words, code, line = next(b for b in blocks() if b[0][0] == "program")
    exe = compile_c("program_invalid", code)
    bad = os.path.join("examples", "payloads", "llava-1.5-7b-hf", "invalid-missing-image.json")
    r = run(exe, [words[1], bad], expect=1)
    check("image" in r.stdout, "names the missing property", r)
    r = run(exe, [words[1], os.path.join("examples", "payloads", "llava-1.5-7b-hf",
                                         "malformed.json")], expect=2)
    check(re.search(r"malformed\.json:\d+:\d+", r.stderr) is not None, "malformed, located", r)


if __name__ == "__main__":
    sys.exit(run_tests(collect_tests(globals()), os.environ.get("CARDC_SNIPPET_TEST")))
