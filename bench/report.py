#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints every figure of one bench/run.sh run beside its peers, with the
targets of issue 8 marked PASS or MISS.

Usage: report.py DIR
DIR holds what bench/run.sh measured, JSON Lines each:
  rw-cardc.jsonl  rw-ajv.jsonl  rw-blaze.jsonl   the real-world set
  seed-cardc.jsonl  seed-ajv.jsonl  seed-blaze.jsonl   the six seed payloads
  memory.jsonl    decode.jsonl    jsonl.jsonl

Times are compared as cardc's time / the peer's (below 1: cardc is faster);
throughputs as cardc's / the peer's (above 1: cardc is faster). A figure
measured on a wrong verdict is shown as such and fails its target.
"""
import json
import math
import os
import sys

VALID = {'small': True, 'chat': True, 'image-1mb': True,
         'invalid-both': False, 'invalid-long': False, 'invalid-type': False}

targets = []  # (name, passed, detail)


def target(name, passed, detail):
    targets.append((name, passed, detail))
    return 'PASS' if passed else 'MISS'


def lines(directory, name):
    with open(os.path.join(directory, name)) as f:
        return [json.loads(line) for line in f if line.strip()]


def load(directory, name, key):
    return {r[key]: r for r in lines(directory, name)}


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float('nan')


def report_realworld(d):
    cardc = load(d, 'rw-cardc.jsonl', 'schema')
    ajv = load(d, 'rw-ajv.jsonl', 'schema')
    blaze = load(d, 'rw-blaze.jsonl', 'schema')
    print('Real-world schemas (../shared/jsonschema-benchmark): per schema, fast mode')
    print('  Blaze method: sum over instances of the mean of 100 back-to-back validations '
          '(jsonschema validate --benchmark --fast --loop 100)')
    print('  warm: ns per instance, median of 5 timed passes after warm-up (compile reported apart)')
    print('%-21s %6s | %11s %11s %7s | %9s %9s %7s | %10s %10s' % (
        'schema', 'inst', 'cardc us', 'Blaze us', 'c/B', 'cardc ns', 'ajv ns', 'c/ajv',
        'compile us', 'ajv comp.'))
    vs_blaze, vs_ajv = {}, {}
    for name in sorted(set(cardc) | set(ajv) | set(blaze)):
        c, a, b = cardc.get(name), ajv.get(name), blaze.get(name)
        wrong = [t for t, r in (('cardc', c), ('ajv', a), ('Blaze', b))
                 if r is None or r['valid'] != r['instances']]
        rb = c['loop100_sum_ns'] / b['loop100_sum_ns'] if c and b else float('nan')
        ra = c['warm_ns'] / a['warm_ns'] if c and a else float('nan')
        if c and b and not wrong:
            vs_blaze[name] = rb
        if c and a and not wrong:
            vs_ajv[name] = ra
        note = ('  WRONG VERDICT or missing: ' + ', '.join(wrong)) if wrong else ''
        if a and a.get('note'):
            note += '  (ajv: %s)' % a['note']
        print('%-21s %6s | %11.1f %11.1f %6.2fx | %9.0f %9.0f %6.2fx | %10.0f %10.0f%s' % (
            name, c['instances'] if c else '?',
            c['loop100_sum_ns'] / 1e3 if c else float('nan'),
            b['loop100_sum_ns'] / 1e3 if b else float('nan'), rb,
            c['warm_ns'] if c else float('nan'), a['warm_ns'] if a else float('nan'), ra,
            c['compile_us'] if c else float('nan'), a['compile_us'] if a else float('nan'), note))
    n = len(set(cardc) | set(ajv) | set(blaze))
    for peer, ratios, mean_max, worst_max in (('Blaze', vs_blaze, 0.7, 1.5), ('ajv', vs_ajv, 0.5, 1.0)):
        gm = geomean(list(ratios.values()))
        worst = max(ratios.items(), key=lambda kv: kv[1]) if ratios else ('-', float('nan'))
        above = sorted(k for k, v in ratios.items() if v > worst_max)
        complete = len(ratios) == n
        print('  vs %-5s: geometric mean %.2fx (target <= %.1fx: %s); worst %s %.2fx; '
              '%d of %d above %.1fx (target none: %s)%s' % (
                  peer, gm, mean_max,
                  target('real-world geomean vs %s <= %.1fx' % (peer, mean_max),
                         complete and gm <= mean_max, '%.2fx' % gm),
                  worst[0], worst[1], len(above), n, worst_max,
                  target('real-world no schema above %.1fx %s' % (worst_max, peer),
                         complete and not above, '%d above: %s' % (len(above), ', '.join(above))),
                  '' if complete else '  (%d schemas without a figure)' % (n - len(ratios))))


def report_seed_validate(d):
    cardc = load(d, 'seed-cardc.jsonl', 'payload')
    ajv = load(d, 'seed-ajv.jsonl', 'payload')
    blaze = load(d, 'seed-blaze.jsonl', 'payload')
    print()
    print('Seed payloads, validate only (parsed document; ns per validation; cardc and ajv: '
          'medians of batches, Blaze: --benchmark mean, median of 5 runs)')
    print('%-13s %10s %10s %10s %10s %10s %8s  %s' % (
        'payload', 'cardc fast', 'cardc exh.', 'ajv', 'ajv+errors', 'Blaze fast', 'c/best',
        'target: cardc fast <= min(ajv, Blaze)'))
    for name in VALID:
        c, a, b = cardc.get(name), ajv.get(name), blaze.get(name)
        if not (c and a and b):
            print('%-13s missing figures' % name)
            target('seed validate-only %s' % name, False, 'missing')
            continue
        ok_verdicts = a['valid'] == VALID[name] and b['valid'] == VALID[name]
        best = min(a['ajv_ns'], b['fast_ns'])
        ratio = c['fast_ns'] / best if best > 0 else float('inf')
        print('%-13s %10.0f %10.0f %10.0f %10.0f %10.0f %7.2fx  %s%s' % (
            name, c['fast_ns'], c['exhaustive_ns'], a['ajv_ns'], a['ajv_errors_ns'], b['fast_ns'],
            ratio, target('seed validate-only %s' % name, ok_verdicts and ratio <= 1.0,
                          '%.2fx the faster peer' % ratio),
            '' if ok_verdicts else '  (a peer gave the wrong verdict)'))


def report_text_to_verdict(d):
    cardc = load(d, 'seed-cardc.jsonl', 'payload')
    ajv = load(d, 'seed-ajv.jsonl', 'payload')
    print()
    print('Text to verdict (what cardc validate does per payload) vs Node JSON.parse + ajv, MB/s')
    print('%-13s %10s %11s %13s %8s  %s' % ('payload', 'bytes', 'cardc MB/s', 'node+ajv MB/s',
                                            'c/node', 'target >= 4x'))
    for name in VALID:
        c, a = cardc.get(name), ajv.get(name)
        if not (c and a):
            target('text to verdict %s' % name, False, 'missing')
            continue
        ratio = c['parse_validate_mbps'] / a['parse_validate_mbps']
        print('%-13s %10d %11.1f %13.1f %7.2fx  %s' % (
            name, c['bytes'], c['parse_validate_mbps'], a['parse_validate_mbps'], ratio,
            target('text to verdict %s >= 4x Node+ajv' % name, ratio >= 4.0, '%.2fx' % ratio)))
    image = cardc.get('image-1mb')
    if image:
        mbps = image['parse_validate_mbps']
        print('  image-1mb: %.0f MB/s (target >= 600 MB/s: %s)' % (
            mbps, target('text to verdict image-1mb >= 600 MB/s', mbps >= 600, '%.0f MB/s' % mbps)))
    mem = next((r['memory'] for r in lines(d, 'memory.jsonl') if 'memory' in r), None)
    if mem:
        extra, text = mem['peak_extra_bytes'], mem['text_bytes']
        if extra < 0:
            print('  peak memory: not measured (/proc unavailable): %s' %
                  target('text to verdict peak memory <= 1.5x text', False, 'not measured'))
        else:
            x = extra / text
            print('  peak memory of one image-1mb text to verdict: %.2f MB beyond its %.2f MB text, '
                  '%.2fx (target <= 1.5x: %s; %s)' % (
                      extra / 1e6, text / 1e6, x,
                      target('text to verdict peak memory <= 1.5x text', x <= 1.5, '%.2fx' % x),
                      mem['method']))


def report_decode(d):
    ajv = load(d, 'seed-ajv.jsonl', 'payload')
    rows = [r for r in lines(d, 'decode.jsonl') if 'memory' not in r]
    memory = next((r['memory'] for r in lines(d, 'decode.jsonl') if 'memory' in r), None)
    print()
    print('Generated decoder (text to typed struct; rejections with cardc validate\'s message) '
          'vs Node JSON.parse + ajv')
    print('%-13s %9s %11s %13s %8s %12s %8s  %s' % (
        'payload', 'bytes', 'decode us', 'node+ajv us', 'node/c', 'valid twin', 'c/twin', 'target'))
    for r in rows:
        a = ajv.get(r['payload'])
        us = r['decode_ms'] * 1e3
        node = a['parse_validate_ms'] * 1e3 if a else float('nan')
        speed = node / us if us > 0 else float('nan')
        if r['valid']:
            verdict = target('decode %s >= 4x Node+ajv' % r['payload'], speed >= 4.0,
                             '%.2fx' % speed)
            print('%-13s %9d %11.2f %13.2f %7.2fx %12s %8s  >= 4x: %s' % (
                r['payload'], r['bytes'], us, node, speed, '', '', verdict))
        else:
            twin = r.get('twin_decode_ms', 0) * 1e3
            cost = us / twin if twin > 0 else float('nan')
            verdict = target('rejection %s <= 3x a valid decode of its size' % r['payload'],
                             twin > 0 and cost <= 3.0, '%.2fx' % cost)
            print('%-13s %9d %11.2f %13.2f %7.2fx %12.2f %7.2fx  <= 3x: %s   %s' % (
                r['payload'], r['bytes'], us, node, speed, twin, cost, verdict, r['error']))
    if memory and memory['peak_extra_bytes'] >= 0:
        print('  peak memory of one image-1mb decode: %.2f MB beyond its %.2f MB text, %.2fx' % (
            memory['peak_extra_bytes'] / 1e6, memory['text_bytes'] / 1e6,
            memory['peak_extra_bytes'] / memory['text_bytes']))


def report_jsonl(d):
    rows = {r['jsonl']['j']: r['jsonl'] for r in lines(d, 'jsonl.jsonl')}
    print()
    one, two = rows.get(1), rows.get(2)
    if not (one and two):
        print('cardc validate --jsonl: missing figures')
        target('--jsonl -j 2 >= 1.8x -j 1', False, 'missing')
        return
    print('cardc validate --jsonl: %d lines, %.1f MB (seed payloads; best of 3 runs each)' % (
        one['lines'], one['bytes'] / 1e6))
    for r in (one, two):
        print('  -j %d: %.3f s, %.0f lines/s (%.3f s of CPU, %.2f cores busy)' % (
            r['j'], r['seconds'], r['lines_per_s'], r.get('cpu_seconds', float('nan')),
            r.get('cpu_seconds', float('nan')) / r['seconds']))
    x = two['lines_per_s'] / one['lines_per_s']
    print('  -j 2 / -j 1: %.2fx (target >= 1.8x: %s)' % (
        x, target('--jsonl -j 2 >= 1.8x -j 1', x >= 1.8, '%.2fx' % x)))
    busy = two.get('cpu_seconds', 0) / two['seconds']
    if busy < 1.5:
        print('  note: the -j 2 run kept only %.2f cores busy: the machine did not give it two, so '
              'this ratio says little about scaling (its CPU time is %.2fx -j 1\'s)' % (
                  busy, two.get('cpu_seconds', 0) / max(one.get('cpu_seconds', 0), 1e-9)))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    report_realworld(d)
    report_seed_validate(d)
    report_text_to_verdict(d)
    report_decode(d)
    report_jsonl(d)
    print()
    passed = sum(1 for _, ok, _ in targets if ok)
    print('Targets: %d of %d PASS' % (passed, len(targets)))
    for name, ok, detail in targets:
        if not ok:
            print('  MISS  %s (%s)' % (name, detail))


if __name__ == '__main__':
    main()
