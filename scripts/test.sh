#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The full test suite, as CI runs it:
#   0. no function in runtime/, gen/, analysis/, cli/ over 120 lines (tools/check_function_length.py),
#      every C file formatted with .clang-format (tools/check_format.sh), and every source file
#      of ours carrying its SPDX-License-Identifier line (tools/spdx.py; --fix adds it);
#   1. gcc, -Werror, every test (the downstream Meson, CMake and Make builds
#      against a staged `meson install` among them); then the release
#      artefacts: the `meson dist` tarball and the Debian packages built from
#      it (scripts/test-packages.sh, about 70-90 s);
#   2. clang, -Werror, every test;
#   3. gcc with AddressSanitizer + UndefinedBehaviorSanitizer (leaks included), every test;
#   4. the smallest build: -Dtests=disabled -Dclient=disabled with pkg-config
#      unable to find libcurl and libmicrohttpd: it configures, builds
#      (-Werror, the example on generated bindings included), links no
#      libcurl, `cardc run` says it has no client, and the library exports
#      exactly what its headers declare (tests/unit/test_abi.py);
#   4b. clang with ThreadSanitizer, the threaded tests only (suite "threads": tests/threads,
#      the soak's quick run, test_bind's racing rejections, cardc validate -j), to keep the
#      time down: about 3 min;
#   5. fuzz smoke: a clang libFuzzer build (ASan+UBSan), every target at most
#      30 s on fuzz/corpus/<target> with a fixed seed and number of runs
#      (fuzz/run.sh --smoke: the same mutations on every machine, so it fails
#      on a regression, not on luck); any finding fails. About
#      9 x 30 s plus the build: 5-7 min on 2 cores. CARDC_FUZZ_SMOKE=0 skips it.
# Needs ../shared beside the repository (or JSON_SCHEMA_TEST_SUITE / CARDC_SHARED).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
tools/check_function_length.py
tools/check_format.sh
tools/spdx.py

run() {  # run NAME [meson setup options...]
    local dir="build-test-$1"; shift
    echo "== $dir"
    rm -rf "$dir"
    meson setup "$dir" -Dwerror=true "$@" >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
    ninja -C "$dir" >>"$dir.log" 2>&1 || { grep -v '^\[' "$dir.log"; return 1; }
    meson test -C "$dir" --print-errorlogs --num-processes 2
}

# 4: the smallest build (see the top). pkg-config sees only json-c, libyaml
# and pcre2.
minimal() {
    local dir=build-test-minimal pc
    echo "== $dir (-Dtests=disabled -Dclient=disabled, no libcurl or libmicrohttpd for pkg-config)"
    rm -rf "$dir" "$dir.pc" && mkdir "$dir.pc"
    for pc in json-c yaml-0.1 libpcre2-8; do
        ln -s "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" "$dir.pc/"
    done
    if ! PKG_CONFIG_LIBDIR="$PWD/$dir.pc" meson setup "$dir" -Dwerror=true -Dtests=disabled \
            -Dclient=disabled >"$dir.log" 2>&1 ||
        ! ninja -C "$dir" >>"$dir.log" 2>&1; then
        cat "$dir.log"
        return 1
    fi
    if grep -qiE 'dependency (libcurl|libmicrohttpd) found' "$dir/meson-logs/meson-log.txt" ||
        ldd "$dir/cli/cardc" "$dir/runtime/libcardc.so" | grep -qE 'libcurl|libmicrohttpd'; then
        echo "minimal build: libcurl or libmicrohttpd was looked up or linked" >&2
        return 1
    fi
    if "$dir/cli/cardc" run --card schemas/llava-1.5-7b-hf.md - </dev/null 2>"$dir.run.log" ||
        ! grep -q 'built without the inference client' "$dir.run.log"; then
        echo "minimal build: cardc run did not say it has no client" >&2
        cat "$dir.run.log" >&2
        return 1
    fi
    CC=gcc python3 tests/unit/test_abi.py nm "$dir/runtime/libcardc.so" runtime/include \
        "$dir/runtime/include" -- runtime/include/cardc/{bind,cardc,card,error,export,json,pull,schema}.h \
        "$dir/runtime/include/cardc/version.h"
    meson test -C "$dir" --print-errorlogs --num-processes 2
}

CC=gcc run gcc
echo "== packages"
scripts/test-packages.sh build-test-gcc
CC=clang run clang
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
CC=gcc run asan -Db_sanitize=address,undefined -Db_lundef=false
CC=gcc minimal

echo "== build-test-tsan (ThreadSanitizer, suite threads)"
rm -rf build-test-tsan
CC=clang meson setup build-test-tsan -Dwerror=true -Db_sanitize=thread -Db_lundef=false \
    >build-test-tsan.log 2>&1 || { cat build-test-tsan.log; exit 1; }
ninja -C build-test-tsan tests/threads/test_threads bench/soak tests/unit/test_bind cli/cardc \
    >>build-test-tsan.log 2>&1 ||
    { grep -v '^\[' build-test-tsan.log; exit 1; }
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    meson test -C build-test-tsan --no-rebuild --suite threads --print-errorlogs
if [ "${CARDC_FUZZ_SMOKE:-1}" != 0 ]; then
    echo "== fuzz smoke"
    rm -rf build-test-fuzz
    CC=clang meson setup build-test-fuzz -Dfuzz=true -Db_lundef=false >build-test-fuzz.log 2>&1 ||
        { cat build-test-fuzz.log; exit 1; }
    fuzz/run.sh --smoke --build build-test-fuzz
fi
echo "all test builds passed"
