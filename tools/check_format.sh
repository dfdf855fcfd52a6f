#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when a C file of the project is not formatted with .clang-format
# (clang-format 14, Debian 12). The generated-code golden files are the
# generator's output, compared byte for byte, so they are not formatted.
# Usage: tools/check_format.sh [--fix]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.c' '*.h' | grep -v -e '^tests/gen/golden/')
if [ "${1:-}" = --fix ]; then
    clang-format -i "${files[@]}"
    exit 0
fi
if ! clang-format --dry-run -Werror "${files[@]}" 2>/tmp/cardc-format.$$; then
    grep -m 20 'error:' /tmp/cardc-format.$$ >&2 || true
    rm -f /tmp/cardc-format.$$
    echo "check_format: run tools/check_format.sh --fix" >&2
    exit 1
fi
rm -f /tmp/cardc-format.$$
echo "check_format: ${#files[@]} files formatted with .clang-format"
