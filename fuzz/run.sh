#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every fuzz target and writes a summary (fuzz/README.md).
#
#   fuzz/run.sh --minutes N [--jobs J] [--targets "fuzz_json fuzz_gen"]
#               [--build DIR] [--summary FILE] [--seed] [--smoke]
#
# --minutes N  wall-clock time per target (fractions allowed: 0.5 = 30 s)
# --jobs J     libFuzzer worker processes per target (-fork=J; default 1)
# --seed       first merge fresh seeds (fuzz/seed.py) into fuzz/corpus/
# --smoke      CI mode: at most 30 s per target (unless --minutes is given),
#              with a fixed seed and a fixed number of runs per target (about
#              30 s here): the same mutations on every machine, so the smoke
#              fails on a regression, never on a new region the luck of one
#              run reached (the campaign explores; its findings become
#              regression inputs). A slower machine runs a prefix of them.
# New inputs go to a scratch corpus beside the build (DIR/fuzz-work/<target>);
# the kept corpus fuzz/corpus/<target>/ is only read, so a long campaign does
# not grow the repository (fuzz/run.sh --merge folds them back, minimised).
# Findings (crash-*, leak-*, timeout-*, oom-*) land in DIR/fuzz-findings/<target>/;
# the exit status is 1 when any target found something. A timeout that does
# not run out of time again on its own is not counted (see classify_new).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
minutes=""; jobs=1; targets=""; build=build-fuzz; summary=""; seed=0; merge=0; smoke=0
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --targets) targets=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --summary) summary=$2; shift 2 ;;
        --seed) seed=1; shift ;;
        --merge) merge=1; shift ;;
        --smoke) smoke=1; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$minutes" ]; then
    if [ $smoke = 1 ]; then minutes=0.5; else echo "fuzz/run.sh: --minutes N is required" >&2; exit 2; fi
fi
all="fuzz_json fuzz_pull fuzz_card fuzz_yaml fuzz_schema fuzz_decode fuzz_cards fuzz_client fuzz_gen fuzz_doc"
targets=${targets:-$all}
seconds=$(python3 -c "print(max(1, int(float('$minutes') * 60)))")

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzz=true -Db_lundef=false
fi
ninja -C "$build" $(for t in $targets; do printf 'fuzz/%s ' "$t"; done)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# Runs per target in the smoke: about 30 s each on the 2-core development
# machine (clang 14, ASan+UBSan, 2026-12-07).
smoke_runs_of() {
    case "$1" in
        fuzz_json) echo 1000000 ;;
        fuzz_pull) echo 800000 ;;
        fuzz_card) echo 100000 ;;
        fuzz_yaml) echo 150000 ;;
        fuzz_schema) echo 400000 ;;
        fuzz_decode) echo 300000 ;;
        fuzz_cards) echo 80000 ;;
        fuzz_client) echo 1500000 ;;
        fuzz_gen) echo 100000 ;;
        fuzz_doc) echo 240000 ;;
        *) echo 100000 ;;
    esac
}
dict_of() {
    case "$1" in
        fuzz_json|fuzz_pull|fuzz_decode|fuzz_cards|fuzz_client) echo "$root/fuzz/dict/json.dict" ;;
        fuzz_card|fuzz_yaml) echo "$root/fuzz/dict/yaml.dict" ;;
        fuzz_schema|fuzz_gen|fuzz_doc) echo "$root/fuzz/dict/schema.dict" ;;
    esac
}

if [ $seed = 1 ]; then
    rm -rf "$build/fuzz-seed"
    python3 fuzz/seed.py "$root/../shared" "$root" "$build/fuzz-seed" "$build/cli/cardc"
    for t in $targets; do
        mkdir -p "fuzz/corpus/$t"
        [ -d "$build/fuzz-seed/$t" ] || continue
        "$build/fuzz/$t" -merge=1 -max_len=65536 "fuzz/corpus/$t" "$build/fuzz-seed/$t" 2>/dev/null
    done
fi

# What this run left in a findings folder (its names before the run in $3):
# crashes, leaks and OOMs count as findings; a timeout counts only when it
# runs out of time again on its own (libFuzzer's timeout is wall-clock: a
# campaign paused with SIGSTOP while benchmarks are timed, or starved by a
# loaded machine, leaves timeouts that run in milliseconds; those go to
# unreproduced/); slow units are not findings. Sets findings, found_list,
# unreproduced and slow.
classify_new() {
    local t=$1 dir=$2 before=$3 f name
    findings=0; unreproduced=0; slow=0; found_list=""
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        printf '%s\n' "$before" | grep -qxF "$name" && continue
        case "$name" in
            slow-unit-*) slow=$((slow + 1)); continue ;;
            timeout-*)
                if "$build/fuzz/$t" -timeout=10 -runs=1 "$f" >/dev/null 2>&1; then
                    mkdir -p "$dir/unreproduced"
                    mv "$f" "$dir/unreproduced/"
                    unreproduced=$((unreproduced + 1))
                    continue
                fi ;;
        esac
        findings=$((findings + 1))
        found_list="$found_list $name"
    done
}

summary=${summary:-$build/fuzz-summary.md}
status=0
{
    echo "# fuzz/run.sh summary, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "$seconds s per target, $jobs job(s), $(nproc) cores, $(clang --version | head -1)"
    echo
    echo "| target | executions | exec/s | coverage (edges) | features | corpus (kept + new) | findings |"
    echo "|---|---|---|---|---|---|---|"
} > "$summary"
for t in $targets; do
    work="$build/fuzz-work/$t"; found="$build/fuzz-findings/$t"; log="$build/fuzz-logs/$t.log"
    mkdir -p "$work" "$found" "$(dirname "$log")" "fuzz/corpus/$t"
    dict=$(dict_of "$t")
    args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
          -artifact_prefix="$found/" -print_final_stats=1)
    [ -n "$dict" ] && args+=(-dict="$dict")
    # The campaign turns libFuzzer's entropic schedule off: with corpora of
    # 30,000-48,000 features its bookkeeping (UpdateFeatureFrequency) took
    # 72% of fuzz_cards' time (perf, clang 14); -entropic=0 ran 4.3x the
    # executions of fuzz_cards in the same minute (4,038/s against 930/s),
    # 2.0x fuzz_gen's, 1.8x fuzz_card's, 1.4x fuzz_decode's, each reaching
    # about as many edges (within 1%, more for fuzz_cards and fuzz_decode).
    # The smoke keeps its calibrated run counts.
    if [ $smoke = 1 ]; then
        args+=(-seed=1 -runs="$(smoke_runs_of "$t")")
    else
        args+=(-entropic=0)
    fi
    [ "$jobs" -gt 1 ] && args+=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    echo "== $t ($seconds s)"
    before=$(ls "$found")
    rc=0
    "$build/fuzz/$t" "${args[@]}" "$work" "fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}' || true)
    if [ "$execs" = 0 ]; then  # -fork prints no final stats: the last status line
        execs=$(grep -o '#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    fi
    # Coverage of the corpus the run leaves (kept + new), measured the same
    # way whatever --jobs was: -fork's status lines count differently.
    init=$("$build/fuzz/$t" -runs=0 -max_len=65536 "$work" "fuzz/corpus/$t" 2>&1 | grep 'INITED' | tail -1 || true)
    cov=$(echo "$init" | grep -o 'cov: [0-9]*' | awk '{print $2}' || true)
    ft=$(echo "$init" | grep -o 'ft: [0-9]*' | awk '{print $2}' || true)
    kept=$(ls "fuzz/corpus/$t" | wc -l); new=$(ls "$work" | wc -l)
    classify_new "$t" "$found" "$before"
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}' || true)
    [ "${rate:-0}" = 0 ] && rate=$(( ${execs:-0} / seconds ))
    if [ "$findings" -gt 0 ] || { [ $rc -ne 0 ] && [ "$jobs" -le 1 ] && [ "$unreproduced" = 0 ]; }; then
        status=1
        echo "   FINDING (rc $rc): $found_list log: $log"
        grep -m3 -E 'ERROR|SUMMARY|fuzz_' "$log" | sed 's/^/   /' || true
    fi
    cell=$findings
    [ "$unreproduced" -gt 0 ] && cell="$cell ($unreproduced timeouts not reproduced)"
    [ "$slow" -gt 0 ] && cell="$cell, $slow slow units"
    echo "   ${execs:-0} executions, cov ${cov:-?}, corpus $kept + $new, findings $cell"
    echo "| $t | ${execs:-0} | $rate | ${cov:-?} | ${ft:-?} | $kept + $new | $cell |" >> "$summary"
    if [ $merge = 1 ]; then
        "$build/fuzz/$t" -merge=1 -max_len=65536 "fuzz/corpus/$t" "$work" >/dev/null 2>&1
    fi
done
echo >> "$summary"
echo "summary: $summary"
cat "$summary"
exit $status
