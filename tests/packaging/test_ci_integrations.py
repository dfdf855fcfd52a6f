#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The pre-commit hooks (.pre-commit-hooks.yaml) and the GitHub Actions
example (examples/github-actions.yml) run the commands they declare: each
file is parsed with PyYAML and its cardc commands are run, with the cardc of
this build on PATH, over a small repository of cards and payloads (the seed
card, its example payloads, a lint fixture).

Usage: test_ci_integrations.py PATH/TO/cardc SOURCE_ROOT
"""
import atexit
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyhelpers"))
from cardc_test import check, collect_tests, run_tests, sanitizer_report  # noqa: E402
# Every temporary file of this test lives here, removed at exit.
TMP = tempfile.mkdtemp(prefix="cardc-ci-")
atexit.register(shutil.rmtree, TMP, True)

try:
    import yaml
except ImportError:
    sys.exit("test: PyYAML missing (scripts/deps.sh installs python3-yaml)")

CARDC, ROOT = (os.path.abspath(a) for a in sys.argv[1:3])
PAYLOADS = os.path.join(ROOT, "examples", "payloads", "llava-1.5-7b-hf")
ENV = dict(os.environ, PATH=os.path.dirname(CARDC) + os.pathsep + os.environ.get("PATH", ""))


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return yaml.safe_load(f)


def sample_repo(invalid=False, bad_card=False):
    """A repository like the examples expect: cards/ and payloads/."""
    d = tempfile.mkdtemp(prefix="cardc-ci-", dir=TMP)
    os.makedirs(os.path.join(d, "cards"))
    os.makedirs(os.path.join(d, "payloads", "chat"))
    shutil.copy(os.path.join(ROOT, "schemas", "llava-1.5-7b-hf.md"), os.path.join(d, "cards"))
    shutil.copy(os.path.join(PAYLOADS, "valid-prompt.json"), os.path.join(d, "payloads"))
    shutil.copy(os.path.join(PAYLOADS, "valid-messages.json"),
                os.path.join(d, "payloads", "chat"))
    with open(os.path.join(d, "payloads", "chat", "short.yaml"), "w") as f:
        f.write("prompt: What is this?\nimage: [137, 80, 78, 71]\n")
    with open(os.path.join(d, "README.txt"), "w") as f:
        f.write("not a payload\n")
    if invalid:
        shutil.copy(os.path.join(PAYLOADS, "invalid-types.json"), os.path.join(d, "payloads"))
    if bad_card:
        shutil.copy(os.path.join(ROOT, "tests", "cli", "lint", "card-defects.json"),
                    os.path.join(d, "cards", "defects.json"))
    return d


def files_in(repo):
    out = []
    for base, _, names in os.walk(repo):
        out += [os.path.relpath(os.path.join(base, n), repo) for n in names]
    return sorted(out)


def sh(command, cwd, env):
    r = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=120)
    check(sanitizer_report(r.stderr) is None, "sanitizer report from %r" % command, r)
    return r


# ---- pre-commit ------------------------------------------------------------

def hook(hook_id):
    hooks = load(".pre-commit-hooks.yaml")
    check(isinstance(hooks, list), ".pre-commit-hooks.yaml is a list of hooks")
    for h in hooks:
        for key in ("id", "name", "entry", "language"):
            check(key in h, "hook %r has %s" % (h.get("id"), key))
        check(h["language"] == "system", "%s runs the installed cardc" % h["id"])
    found = [h for h in hooks if h["id"] == hook_id]
    check(len(found) == 1, "one %s hook" % hook_id)
    return found[0]


def run_hook(h, repo, args):
    """What pre-commit runs: entry, the hook's args, the user's args, then
    the staged files its `files` pattern selects and `exclude` does not."""
    staged = [f for f in files_in(repo) if re.search(h.get("files", ""), f) and
              not (h.get("exclude") and re.search(h["exclude"], f))]
    argv = shlex.split(h["entry"]) + list(h.get("args", [])) + list(args) + staged
    r = subprocess.run(argv, cwd=repo, env=ENV, capture_output=True, text=True, timeout=120)
    check(sanitizer_report(r.stderr) is None, "sanitizer report from %r" % argv, r)
    return r, staged


def test_pre_commit_validate():
    h = hook("cardc-validate")
    repo = sample_repo()
    r, staged = run_hook(h, repo, ["--card", "cards/llava-1.5-7b-hf.md"])
    check(staged == ["payloads/chat/short.yaml", "payloads/chat/valid-messages.json",
                     "payloads/valid-prompt.json"], "JSON and YAML payloads: %r" % staged)
    check(r.returncode == 0 and r.stderr == "3 valid, 0 invalid, 0 unreadable\n",
          "valid payloads pass the hook", r)
    repo = sample_repo(invalid=True, bad_card=True)
    r, staged = run_hook(h, repo, ["--card", "cards/llava-1.5-7b-hf.md"])
    check("cards/defects.json" not in staged, "a JSON card is not a payload: %r" % staged)
    check(r.returncode == 1 and "payloads/invalid-types.json:" in r.stdout,
          "an invalid payload fails the hook, with its position", r)


def test_pre_commit_lint():
    h = hook("cardc-lint")
    r, staged = run_hook(h, sample_repo(), [])
    check(staged == ["cards/llava-1.5-7b-hf.md"], "the cards only: %r" % staged)
    check(r.returncode == 0, "the seed card lints clean", r)
    r, staged = run_hook(h, sample_repo(bad_card=True), [])
    check(staged == ["cards/defects.json", "cards/llava-1.5-7b-hf.md"], "cards: %r" % staged)
    check(r.returncode == 1 and "cards/defects.json:" in r.stdout, "a defective card fails", r)


# ---- GitHub Actions --------------------------------------------------------

def workflow():
    wf = load(os.path.join("examples", "github-actions.yml"))
    check("jobs" in wf and len(wf["jobs"]) == 1, "one job")
    # PyYAML reads the bare key `on` as True (YAML 1.1).
    check(wf.get("on", wf.get(True)) == ["push", "pull_request"], "runs on push and PRs")
    job = next(iter(wf["jobs"].values()))
    return wf, job["steps"]


def cardc_steps(steps):
    return [s for s in steps if "run" in s and s["run"].lstrip().startswith("cardc ")]


def test_github_actions_install_step():
    wf, steps = workflow()
    install = [s for s in steps if "run" in s and "meson install" in s["run"]]
    check(len(install) == 1, "a step installs cardc")
    text = install[0]["run"]
    with open(os.path.join(ROOT, "scripts", "deps.sh"), encoding="utf-8") as f:
        deps = f.read()
    for pkg in re.findall(r"\blib[\w.-]+-dev\b", text):
        check(pkg in deps, "%s is one of cardc's build dependencies" % pkg)
    for lib in ("libjson-c-dev", "libyaml-dev", "libpcre2-dev", "libcurl4-openssl-dev"):
        check(lib in text, "the install step installs %s" % lib)
    check("meson setup" in text and "meson compile" in text, "builds with meson")
    check(all("--format github" in s["run"] for s in cardc_steps(steps)),
          "every cardc step reports as GitHub annotations")


def run_workflow(repo):
    wf, steps = workflow()
    env = dict(ENV, **{k: str(v) for k, v in wf.get("env", {}).items()})
    results = {}
    for s in cardc_steps(steps):
        results[s["name"]] = sh(s["run"], repo, env)
    check(set(results) == {"Validate payloads", "Lint cards"}, "the cardc steps: %r" % results)
    return results


def test_github_actions_clean_repository():
    results = run_workflow(sample_repo())
    v = results["Validate payloads"]
    check(v.returncode == 0 and v.stdout == "" and
          v.stderr == "3 valid, 0 invalid, 0 unreadable\n", "valid payloads: a quiet step", v)
    lint = results["Lint cards"]
    check(lint.returncode == 0 and lint.stdout == "", "clean cards: a quiet step", lint)


def test_github_actions_annotations():
    results = run_workflow(sample_repo(invalid=True, bad_card=True))
    v = results["Validate payloads"]
    check(v.returncode == 1, "an invalid payload fails the step", v)
    lines = v.stdout.splitlines()
    check(lines and all(re.match(r"::error file=payloads/invalid-types\.json,line=\d+,col=\d+::",
                                 line) for line in lines), "annotations with positions", v)
    lint = results["Lint cards"]
    check(lint.returncode == 1 and
          re.search(r"^::error file=cards/defects\.json,line=\d+,col=\d+,title=oneof-overlap::",
                    lint.stdout, re.M),
          "lint findings as annotations", lint)


if __name__ == "__main__":
    sys.exit(run_tests(collect_tests(globals()), os.environ.get("CARDC_CI_TEST")))
