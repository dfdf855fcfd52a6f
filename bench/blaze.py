#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Peer measurement: Blaze, through the native CLI of the npm package
@sourcemeta/jsonschema (bench/node, installed by `npm ci`), in fast mode.

Usage:
  blaze.py JSONSCHEMA realworld DIR [SCHEMA...]
      one JSON line per schema folder of DIR (schema.json, instances.jsonl):
      {"tool":"blaze","schema":NAME,"instances":N,"loop100_sum_ns":X,"valid":N}
  blaze.py JSONSCHEMA seed DIR LOOPS NAME...
      one JSON line per payload DIR/NAME.json against DIR/schema.json:
      {"tool":"blaze","payload":NAME,"fast_ns":X,"loops":L,"runs":R,"valid":BOOL}
      (fast_ns: the median of R runs' means)

The method is the CLI's own: `jsonschema validate SCHEMA INSTANCES --benchmark
--fast --loop L` validates each instance L times back to back and prints, per
instance, "FILE[INDEX]: PASS|FAIL MEAN +- STDDEV us (OVERHEAD)". MEAN is the
mean of the L runs, the first (cold) one included, with the timer's own cost
(OVERHEAD, about 0.02 us here) already taken off: a trivially true schema
reads 0.001 us. loop100_sum_ns is the sum of the means over the instances,
the figure bench_realworld gives for cardc measured the same way.

Schemas without "$schema" (the card schemas) get --default-dialect draft-07,
the dialect cardc and Workers AI assume. In a real-world folder, other *.json
files beside schema.json are passed with --resolve, for "$ref"s to them (none
of the 17 folders of ../shared/jsonschema-benchmark has any: every one
declares "$schema" and is self-contained; the seed folder holds payloads, so
nothing is resolved there). A run that fails to start, or prints no figure for an
instance, stops the benchmark (exit 1) with the CLI's message.
"""
import glob
import json
import os
import re
import subprocess
import sys

DRAFT7 = 'http://json-schema.org/draft-07/schema#'
LINE = re.compile(r'^(?P<file>.*?)(?:\[(?P<index>\d+)\])?: (?P<verdict>PASS|FAIL) '
                  r'(?P<mean>[0-9.]+) \+- (?P<sd>[0-9.]+) (?P<unit>ns|us|ms|s) \((?P<over>[0-9.]+)\)$')
UNIT_NS = {'ns': 1.0, 'us': 1e3, 'ms': 1e6, 's': 1e9}
# A mean is at the mercy of one preempted loop on a shared machine, and a
# tiny one (a few ns) of the timer cost the CLI takes off, measured anew each
# run: the seed figure is the median of this many runs' means (cardc's and
# ajv's seed figures are medians too).
SEED_RUNS = 5


def command(cli, schema, instances, loops, resolve):
    args = [cli, 'validate', schema, instances, '--benchmark', '--fast', '--loop', str(loops)]
    with open(schema) as f:
        if '$schema' not in json.load(f):
            args += ['--default-dialect', DRAFT7]
    if resolve:
        folder = os.path.dirname(os.path.abspath(schema))
        for other in sorted(glob.glob(os.path.join(folder, '*.json'))):
            if os.path.abspath(other) != os.path.abspath(schema):
                args += ['--resolve', other]
    return args


def run(cli, schema, instances, loops, resolve=False):
    """[(verdict, mean ns)] per instance, in the order the CLI printed them."""
    args = command(cli, schema, instances, loops, resolve)
    p = subprocess.run(args, capture_output=True, text=True)
    rows = []
    for line in p.stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            rows.append((m['verdict'], float(m['mean']) * UNIT_NS[m['unit']]))
    # 0: every instance passed; 2: some failed (still timed). Anything else
    # is the CLI refusing the schema or the input.
    if p.returncode not in (0, 2) or not rows:
        sys.stderr.write('blaze: %s exited %d:\n%s%s' % (' '.join(args), p.returncode,
                                                         p.stdout[-2000:], p.stderr[-2000:]))
        sys.exit(1)
    return rows


def realworld(cli, root, names):
    if not names:
        names = sorted(d for d in os.listdir(root)
                       if os.path.isfile(os.path.join(root, d, 'schema.json')))
    if not names:
        sys.exit('blaze: no schema folders under %s' % root)
    for name in names:
        instances = os.path.join(root, name, 'instances.jsonl')
        with open(instances) as f:
            count = sum(1 for line in f if line.strip())
        rows = run(cli, os.path.join(root, name, 'schema.json'), instances, 100, resolve=True)
        if len(rows) != count:
            sys.exit('blaze: %s: %d figures for %d instances' % (name, len(rows), count))
        print(json.dumps({'tool': 'blaze', 'schema': name, 'instances': count,
                          'loop100_sum_ns': round(sum(ns for _, ns in rows), 1),
                          'valid': sum(v == 'PASS' for v, _ in rows)}), flush=True)


def seed(cli, folder, loops, names):
    for name in names:
        runs = [run(cli, os.path.join(folder, 'schema.json'),
                    os.path.join(folder, name + '.json'), loops)[0] for _ in range(SEED_RUNS)]
        print(json.dumps({'tool': 'blaze', 'payload': name,
                          'fast_ns': round(sorted(ns for _, ns in runs)[SEED_RUNS // 2], 1),
                          'loops': loops,
                          'runs': SEED_RUNS, 'valid': all(v == 'PASS' for v, _ in runs)}),
              flush=True)


def main():
    if len(sys.argv) >= 4 and sys.argv[2] == 'realworld':
        realworld(sys.argv[1], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) >= 6 and sys.argv[2] == 'seed':
        seed(sys.argv[1], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
