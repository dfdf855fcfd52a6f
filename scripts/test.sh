#!/usr/bin/env bash
# The full test suite, as CI runs it:
#   0. no function in runtime/, gen/, analysis/, cli/ over 120 lines (tools/check_function_length.py);
#   1. gcc, -Werror, every test;
#   2. clang, -Werror, every test;
#   3. gcc with AddressSanitizer + UndefinedBehaviorSanitizer (leaks included), every test.
# Needs ../shared beside the repository (or JSON_SCHEMA_TEST_SUITE / CARDC_SHARED).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
tools/check_function_length.py

run() {  # run NAME [meson setup options...]
    local dir="build-test-$1"; shift
    echo "== $dir"
    rm -rf "$dir"
    meson setup "$dir" -Dwerror=true "$@" >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
    ninja -C "$dir" >>"$dir.log" 2>&1 || { grep -v '^\[' "$dir.log"; return 1; }
    meson test -C "$dir" --print-errorlogs --num-processes 2
}

CC=gcc run gcc
CC=clang run clang
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
CC=gcc run asan -Db_sanitize=address,undefined -Db_lundef=false
echo "all test builds passed"
