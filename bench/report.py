#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints cardc's benchmark figures beside Node + ajv's from the same run.

Usage: report.py CARDC.jsonl AJV.jsonl [DECODE.jsonl]
Ratios are peer time / cardc time: above 1 means cardc is faster.
DECODE.jsonl (bench_decode --json): the generated LLaVA decoder, text to
typed struct, beside Node JSON.parse + ajv (text to verdict), with the
targets of issue 3 section 6, and its peak memory against the bound.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return {r['payload']: r for r in map(json.loads, f)}


# Decode time targets: Node + ajv time / cardc time at least this.
DECODE_TARGETS = {'image-1mb': 2.0, 'chat': 1.0, 'small': 1.0}
MEMORY_BOUND = 2.0  # peak bytes beyond the text, per byte of text


def report_decode(path, ajv):
    rows, memory = [], None
    with open(path) as f:
        for r in map(json.loads, f):
            if 'memory' in r:
                memory = r['memory']
            else:
                rows.append(r)
    print()
    print('Decode with the generated bindings (text to typed struct) vs Node JSON.parse + ajv')
    print('%-13s %10s %11s %12s %8s  %s' % (
        'payload', 'bytes', 'cardc ms', 'node+ajv ms', 'ratio', 'target'))
    for r in rows:
        a = ajv[r['payload']]
        ratio = a['parse_validate_ms'] / r['decode_ms']
        want = DECODE_TARGETS.get(r['payload'])
        target = '-' if want is None else '>= %.0fx %s' % (want, 'met' if ratio >= want else 'MISSED')
        print('%-13s %10d %11.4f %12.4f %7.2fx  %s' % (
            r['payload'], r['bytes'], r['decode_ms'], a['parse_validate_ms'], ratio, target))
    if memory:
        extra, text = memory['peak_extra_bytes'], memory['text_bytes']
        if extra < 0:
            print('memory: not measured (/proc unavailable)')
        else:
            x = extra / text
            print('memory: one %s decode adds %.2f MB at peak beyond its %.2f MB text: %.2fx, '
                  'bound %.0fx %s (%s)' % (memory['payload'], extra / 1e6, text / 1e6, x,
                                           MEMORY_BOUND, 'met' if x <= MEMORY_BOUND else 'MISSED',
                                           memory['method']))


def main():
    cardc, ajv = load(sys.argv[1]), load(sys.argv[2])
    print('Validation only, on a parsed document (median ns per validation)')
    print('%-13s %10s %10s %8s | %12s %10s %8s' % (
        'payload', 'cardc fast', 'ajv', 'ratio', 'cardc exhaust', 'ajv+errors', 'ratio'))
    for name, c in cardc.items():
        a = ajv[name]
        print('%-13s %10.0f %10.0f %7.2fx | %12.0f %10.0f %7.2fx' % (
            name, c['fast_ns'], a['ajv_ns'], a['ajv_ns'] / c['fast_ns'],
            c['exhaustive_ns'], a['ajv_errors_ns'], a['ajv_errors_ns'] / c['exhaustive_ns']))
    print()
    print('Parse + validate, text to verdict')
    print('%-13s %10s %12s %12s %8s' % ('payload', 'bytes', 'cardc MB/s', 'node+ajv MB/s', 'ratio'))
    for name, c in cardc.items():
        a = ajv[name]
        print('%-13s %10d %12.1f %12.1f %7.2fx' % (
            name, c['bytes'], c['parse_validate_mbps'], a['parse_validate_mbps'],
            c['parse_validate_mbps'] / a['parse_validate_mbps']))
    if len(sys.argv) > 3:
        report_decode(sys.argv[3], ajv)


if __name__ == '__main__':
    main()
