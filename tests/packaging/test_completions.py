#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bash, zsh and fish completions (completions/) know every command and
every option each command's --help lists, and complete values and commands.

bash and fish are run for real (bash: the completion function on a
simulated command line; fish: `complete -C`); zsh's file is checked with
`zsh -n` and read per command. Usage: test_completions.py PATH/TO/cardc SOURCE_ROOT
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_checked, run_tests  # noqa: E402

CARDC, ROOT = (os.path.abspath(a) for a in sys.argv[1:3])
sys.path.insert(0, os.path.join(ROOT, "tools"))
import help2man  # noqa: E402

COMPLETIONS = os.path.join(ROOT, "completions")
# The completions call `cardc lint --list`: the cardc under test.
ENV = dict(os.environ, PATH=os.path.dirname(CARDC) + os.pathsep + os.environ.get("PATH", ""))


def cardc_help(command=None):
    return run_checked([CARDC], ([command] if command else []) + ["--help"], expect=0).stdout


def commands():
    return list(help2man.summaries(cardc_help()))


def options(command=None):
    """The options a --help lists in its option column ("-o, --output FILE"
    gives -o and --output)."""
    found = []
    for kind, payload in help2man.parse_blocks(cardc_help(command)):
        if kind == "item" and payload[0].startswith("-"):
            for alt in payload[0].split(", "):
                name = re.match(r"-[-\w]*", alt).group(0)
                if name not in found:
                    found.append(name)
    return found


def tool(name):
    path = shutil.which(name)
    check(path is not None, "%s installed (scripts/deps.sh)" % name)
    return path


def bash_complete(*words):
    """COMPREPLY for `cardc WORDS...` with the cursor on the last word."""
    script = ('source "$1"; shift; COMP_WORDS=(cardc "$@"); COMP_CWORD=$#; '
              'COMP_LINE="cardc $*"; _cardc; printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run([tool("bash"), "-c", script, "bash",
                        os.path.join(COMPLETIONS, "cardc.bash")] + list(words),
                       capture_output=True, text=True, env=ENV, timeout=60)
    check(r.returncode == 0 and r.stderr == "", "bash completion of %r runs" % (words,), r)
    return [w for w in r.stdout.split("\n") if w]


def fish_complete(line):
    r = subprocess.run([tool("fish"), "--no-config", "-c",
                        "source %s; complete -C'%s'" % (os.path.join(COMPLETIONS, "cardc.fish"),
                                                        line)],
                       capture_output=True, text=True, env=ENV, timeout=60)
    check(r.returncode == 0 and r.stderr == "", "fish completion of %r runs" % line, r)
    return [w.split("\t")[0] for w in r.stdout.split("\n") if w]


def zsh_block(command):
    with open(os.path.join(COMPLETIONS, "_cardc"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"\n  \(%s\)\n(.*?)\n    ;;" % re.escape(command), text, re.S)
    check(m is not None, "_cardc has a (%s) case" % command)
    return m.group(1)


def test_every_listed_option_is_seen():
    """The option column as plain text (every line that starts with two
    spaces and a dash) gives no option the help parser misses."""
    for c in [None] + [c for c in commands() if c != "help"]:
        listed = set()
        for line in cardc_help(c).splitlines():
            m = re.match(r"  (-[-\w]+)((?:, -[-\w]+)*)", line)
            if m:
                listed.update(re.findall(r"-[-\w]+", m.group(0)))
        missing = listed - set(options(c))
        check(not missing, "cardc %s: the help parser misses %s" % (c or "", sorted(missing)))


def test_every_command():
    cmds = commands()
    check("validate" in cmds and "help" in cmds, "commands from the main help: %r" % cmds)
    got = bash_complete("")
    check(sorted(got) == sorted(cmds), "bash commands: %r" % got)
    got = fish_complete("cardc ")
    check(sorted(got) == sorted(cmds), "fish commands: %r" % got)
    with open(os.path.join(COMPLETIONS, "_cardc"), encoding="utf-8") as f:
        text = f.read()
    for c in cmds:
        check("'%s:" % c in text, "zsh describes %s" % c)
    for c in cmds:
        if c != "help":
            zsh_block(c)
    check(sorted(bash_complete("help", "")) == sorted(cmds), "bash: help COMMAND")


def test_every_option_bash():
    check(set(options()) <= set(bash_complete("-")), "bash: main options")
    for c in commands():
        if c == "help":
            continue
        got = bash_complete(c, "-")
        missing = [o for o in options(c) if o not in got]
        check(not missing, "completions/cardc.bash lacks %s of cardc %s" % (missing, c))


def test_every_option_fish():
    for c in commands():
        if c == "help":
            continue
        got = fish_complete("cardc %s -" % c)
        missing = [o for o in options(c) if o not in got]
        check(not missing, "completions/cardc.fish lacks %s of cardc %s" % (missing, c))


def test_every_option_zsh():
    r = subprocess.run([tool("zsh"), "-n", os.path.join(COMPLETIONS, "_cardc")],
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stderr == "", "zsh -n _cardc", r)
    for c in commands():
        if c == "help":
            continue
        block = zsh_block(c)
        missing = [o for o in options(c)
                   if not re.search(r"(?<![\w-])%s(?=[=\[+,}])" % re.escape(o), block)]
        check(not missing, "completions/_cardc lacks %s of cardc %s" % (missing, c))


def test_values():
    check(bash_complete("validate", "--side", "") == ["input", "output"], "bash --side values")
    check("junit" in bash_complete("validate", "--format", ""), "bash validate --format")
    check("sarif" in bash_complete("lint", "--format", ""), "bash lint --format")
    check("oneof-overlap" in bash_complete("lint", "--only", ""), "bash rule IDs from cardc")
    check("2020-12" in bash_complete("gen", "--dialect", ""), "bash dialects")
    check(bash_complete("validate", "--duplicate-keys", "") == ["last", "reject"],
          "bash --duplicate-keys values")
    os.chdir(ROOT)
    check("schemas/llava-1.5-7b-hf.md" in bash_complete("validate", "--card", "schemas/"),
          "bash: --card completes files")
    check("schemas" in bash_complete("validate", "sch"), "bash: payload arguments are files")
    check(fish_complete("cardc validate --side ") == ["input", "output"], "fish --side values")
    check("oneof-overlap" in fish_complete("cardc lint --only "), "fish rule IDs")
    check("schemas/llava-1.5-7b-hf.md" in fish_complete("cardc validate --card schemas/"),
          "fish: --card completes files")


if __name__ == "__main__":
    sys.exit(run_tests(collect_tests(globals()), os.environ.get("CARDC_COMPLETIONS_TEST")))
