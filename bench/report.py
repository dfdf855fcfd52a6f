#!/usr/bin/env python3
"""Prints cardc's benchmark figures beside Node + ajv's from the same run.

Usage: report.py CARDC.jsonl AJV.jsonl
Ratios are peer time / cardc time: above 1 means cardc is faster.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return {r['payload']: r for r in map(json.loads, f)}


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


if __name__ == '__main__':
    main()
