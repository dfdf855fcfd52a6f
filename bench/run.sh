#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every benchmark of issue 8 in one run, cardc beside its peers measured on the
# same machine at the same time, then the ratios and the targets (PASS/MISS):
#   - the real-world set (../shared/jsonschema-benchmark): cardc, ajv 8, and
#     Blaze (the native CLI of the npm package @sourcemeta/jsonschema 16.11);
#   - the six seed payloads: validate-only (cardc fast/exhaustive, ajv,
#     ajv + ajv-errors, Blaze fast), text to verdict beside Node JSON.parse +
#     ajv, its peak memory on image-1mb, the generated decoder on valid and
#     invalid payloads;
#   - cardc validate --jsonl on 200,000 lines with -j 1 and -j 2.
# Usage: bench/run.sh   (needs node and npm: `npm ci` installs the pinned peers
# into bench/node once; nothing is downloaded while measuring)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

realworld=../shared/jsonschema-benchmark
if [ ! -d "$realworld" ]; then
    echo "bench/run.sh: $realworld is missing (the real-world set beside the checkout)" >&2
    exit 1
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
build=build-bench
[ -d "$build" ] || meson setup "$build" --buildtype=release >/dev/null
ninja -C "$build" bench/bench_validate bench/bench_decode bench/bench_realworld cli/cardc >/dev/null

# The peers, pinned in bench/node/package-lock.json.
if [ ! -x bench/node/node_modules/.bin/jsonschema ] ||
   [ bench/node/package-lock.json -nt bench/node/node_modules/.package-lock.json ]; then
    (cd bench/node && npm ci --no-audit --no-fund >/dev/null)
fi
blaze=bench/node/node_modules/.bin/jsonschema

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seed="$work/seed"
mkdir "$seed"
"$build/bench/bench_validate" . --write "$seed"

step() { echo "bench: $*" >&2; }

step "real-world set: cardc"
"$build/bench/bench_realworld" "$realworld" > "$work/rw-cardc.jsonl"
step "real-world set: ajv"
node bench/node/bench_ajv_realworld.js "$realworld" > "$work/rw-ajv.jsonl"
step "real-world set: Blaze"
python3 bench/blaze.py "$blaze" realworld "$realworld" > "$work/rw-blaze.jsonl"

step "seed payloads: cardc"
"$build/bench/bench_validate" . --memory > "$work/memory.jsonl"
"$build/bench/bench_validate" . --json > "$work/seed-cardc.jsonl"
step "seed payloads: Node + ajv"
node bench/node/bench_ajv.js "$seed" > "$work/seed-ajv.jsonl"
step "seed payloads: Blaze"
# As many loops as keep the first (cold) run's share of the mean small.
python3 bench/blaze.py "$blaze" seed "$seed" 10000 small chat invalid-both invalid-long \
    invalid-type > "$work/seed-blaze.jsonl"
python3 bench/blaze.py "$blaze" seed "$seed" 200 image-1mb >> "$work/seed-blaze.jsonl"
step "generated decoder"
"$build/bench/bench_decode" --json > "$work/decode.jsonl"
step "cardc validate --jsonl, -j 1 and -j 2"
python3 bench/jsonl.py "$build/cli/cardc" schemas/llava-1.5-7b-hf.md "$seed" "$work" \
    > "$work/jsonl.jsonl"

echo "bench/run.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $load_before before," \
     "$(cut -d' ' -f1-3 /proc/loadavg) after (1, 5, 15 min);" \
     "node $(node --version), ajv $(node -p "require('./bench/node/node_modules/ajv/package.json').version")," \
     "Blaze $("$blaze" version)"
echo
python3 bench/report.py "$work"
