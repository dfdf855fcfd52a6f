#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when a C function in the given trees is longer than the limit.

Usage: tools/check_function_length.py [--max N] [--top N] [PATH...]
       (default: --max 120 runtime gen analysis cli, relative to the repository;
       --top N also lists the N longest functions)

A function's length counts the lines from its name to its closing brace,
blank and comment lines included: what a reader has to hold at once. The
scan strips comments, string and character literals and preprocessor
lines, then takes every top-level brace block whose header ends in ")"
(optionally followed by attributes) as a function definition; struct,
enum and array initialisers at file scope are not functions.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


PREPROCESSOR = re.compile(r'[ \t]*#')


def strip(text):
    """Blanks comments, literals and preprocessor lines, keeping newlines."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        ch = text[i]
        if line_start and PREPROCESSOR.match(text, i):
            # preprocessor line, with backslash continuations
            while i < n:
                if text[i] == '\\' and i + 1 < n and text[i + 1] == '\n':
                    out.append('\n')
                    i += 2
                    continue
                if text[i] == '\n':
                    break
                i += 1
            continue
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
            continue
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
            continue
        if ch in '"\'':
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == '\\' else 1
            out.append(ch + ' ' * max(0, min(j, n) - i - 1) + ch)
            i = j + 1
            line_start = False
            continue
        out.append(ch)
        if ch == '\n':
            line_start = True
        elif ch not in ' \t':
            line_start = False
        i += 1
    return ''.join(out)


HEADER = re.compile(r'([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:[A-Za-z_]\w*\s*(?:\([^;{}]*\))?\s*)*$',
                    re.S)


def functions(path):
    """Yields (name, first line, last line) of each function in path."""
    with open(path, encoding='utf-8', errors='replace') as f:
        text = strip(f.read())
    depth = 0
    last_end = 0  # offset after the previous top-level ';' or '}'
    start = None
    for pos, ch in enumerate(text):
        if ch == '{':
            if depth == 0:
                m = HEADER.search(text, last_end, pos)
                start = (m.group(1), text.count('\n', 0, m.start(1)) + 1) if m else None
            depth += 1
        elif ch == '}':
            depth -= 1
            if depth == 0:
                if start:
                    yield start[0], start[1], text.count('\n', 0, pos) + 1
                start = None
                last_end = pos + 1
        elif ch == ';' and depth == 0:
            last_end = pos + 1


def sources(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for dirpath, _, files in os.walk(p):
            for name in sorted(files):
                if name.endswith(('.c', '.h')):
                    yield os.path.join(dirpath, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--max', type=int, default=120)
    ap.add_argument('--top', type=int, default=0, help='also list the N longest functions')
    ap.add_argument('paths', nargs='*')
    args = ap.parse_args()
    paths = args.paths or [os.path.join(ROOT, d) for d in ('runtime', 'gen', 'analysis', 'cli')]
    found = []
    for path in sources(paths):
        for name, first, last in functions(path):
            found.append((last - first + 1, os.path.relpath(path, ROOT), first, name))
    found.sort(reverse=True)
    for length, path, line, name in found[:args.top]:
        print(f'{length:5d} {path}:{line}: {name}')
    over = [f for f in found if f[0] > args.max]
    for length, path, line, name in over:
        print(f'{path}:{line}: {name} is {length} lines (limit {args.max})', file=sys.stderr)
    if over:
        print(f'{len(over)} function(s) over {args.max} lines', file=sys.stderr)
        return 1
    print(f'{len(found)} functions, none over {args.max} lines'
          f' (longest: {found[0][3]}, {found[0][0]} lines)' if found else 'no functions found')
    return 0


if __name__ == '__main__':
    sys.exit(main())
