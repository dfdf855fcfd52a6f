#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`cardc validate --jsonl` throughput with -j 1 and -j 2.

Usage: jsonl.py CARDC CARD PAYLOAD_DIR WORK_DIR [LINES]

Builds WORK_DIR/batch.jsonl, LINES lines (default 200,000) taken from the
seed payloads bench_validate writes to PAYLOAD_DIR, in a fixed cycle of 400:
386 small, 1 chat, 8 invalid-both, 4 invalid-type, 1 invalid-long (a batch
that is mostly small valid requests, some rejected; image-1mb is left out,
it would make the file 14 GB). Then runs
    CARDC validate --card CARD --jsonl WORK_DIR/batch.jsonl -j N
for N = 1 and 2, alternately, ROUNDS times each, the verdicts to /dev/null,
and keeps each N's fastest wall-clock time (the machine is shared: the
fastest run is the one least disturbed) with the CPU time that run used (user
+ system, all threads: what -j 2 costs beyond -j 1 in hand-overs; on a loaded
machine wall time says how much CPU the run was given, CPU time what it took). Checks the summary line cardc prints
("V valid, I invalid, 0 unreadable") against the cycle, so a run that skipped
lines is never reported. Prints one JSON line per N:
    {"jsonl":{"j":N,"lines":L,"bytes":B,"seconds":S,"cpu_seconds":C,"lines_per_s":X}}
"""
import json
import os
import resource
import subprocess
import sys
import time

CYCLE = [('small', 386), ('chat', 1), ('invalid-both', 8), ('invalid-type', 4),
         ('invalid-long', 1)]
VALID = {'small', 'chat'}
ROUNDS = 3


def build(payload_dir, path, lines):
    texts = {}
    for name, _ in CYCLE:
        with open(os.path.join(payload_dir, name + '.json'), 'rb') as f:
            texts[name] = f.read().strip()
            if b'\n' in texts[name]:
                sys.exit('jsonl: %s spans several lines' % name)
    order = [name for name, count in CYCLE for _ in range(count)]
    valid = 0
    with open(path, 'wb') as f:
        for i in range(lines):
            name = order[i % len(order)]
            valid += name in VALID
            f.write(texts[name])
            f.write(b'\n')
    return valid


def run(cardc, card, path, jobs, expect):
    args = [cardc, 'validate', '--card', card, '--jsonl', path, '-j', str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ''
    if p.returncode != 1 or summary != expect:
        sys.exit('jsonl: %s: exit %d, summary %r, expected %r\n%s' % (
            ' '.join(args), p.returncode, summary, expect, p.stderr[-2000:]))
    return seconds, cpu


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    cardc, card, payload_dir, work = sys.argv[1:5]
    lines = int(sys.argv[5]) if len(sys.argv) == 6 else 200000
    path = os.path.join(work, 'batch.jsonl')
    valid = build(payload_dir, path, lines)
    expect = '%d valid, %d invalid, 0 unreadable' % (valid, lines - valid)
    best = {}
    for _ in range(ROUNDS):
        for jobs in (1, 2):
            s = run(cardc, card, path, jobs, expect)
            best[jobs] = min(best.get(jobs, s), s)  # the fastest wall time, with its CPU time
    size = os.path.getsize(path)
    for jobs in (1, 2):
        seconds, cpu = best[jobs]
        print(json.dumps({'jsonl': {'j': jobs, 'lines': lines, 'bytes': size,
                                    'seconds': round(seconds, 4), 'cpu_seconds': round(cpu, 4),
                                    'lines_per_s': round(lines / seconds, 1)}}))


if __name__ == '__main__':
    main()
