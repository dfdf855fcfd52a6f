#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmarks cardc's validator, and the decoder cardc gen generates for the
# LLaVA card, against Node JSON.parse + ajv (+ ajv-errors) in the same run, on
# the same machine and the same payload files, and prints the ratios and the
# decoder's peak memory against its bound.
# Usage: bench/run.sh   (needs node and npm; installs ajv locally)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

build=build-bench
[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
ninja -C "$build" bench/bench_validate bench/bench_decode >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/bench_validate" . --write "$work"

if [ ! -d bench/node/node_modules ]; then
    (cd bench/node && npm ci --no-audit --no-fund >/dev/null)
fi
node bench/node/bench_ajv.js "$work" > "$work/ajv.jsonl"
"$build/bench/bench_validate" . --json > "$work/cardc.jsonl"
"$build/bench/bench_decode" --json > "$work/decode.jsonl"
python3 bench/report.py "$work/cardc.jsonl" "$work/ajv.jsonl" "$work/decode.jsonl"
