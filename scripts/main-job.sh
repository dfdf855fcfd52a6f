#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build cardc, then validate the bundled card's sample payloads
# and show the results, generate the card's C bindings, and build and run
# examples/llava-caption (which generates them at build time). Fails if any
# payload gets a verdict other than the one its name announces (valid-*:
# exit 0, invalid-*: exit 1, malformed*: exit 2), or if the example fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
cardc=build/cli/cardc
card=schemas/llava-1.5-7b-hf.md
payloads=examples/payloads/llava-1.5-7b-hf

echo "== cardc inspect $card (metadata)"
"$cardc" inspect "$card" | sed -n '1,12p'

status=0
for f in "$payloads"/*.json; do
    name=$(basename "$f")
    case "$name" in
        valid-*) want=0 ;;
        invalid-*) want=1 ;;
        *) want=2 ;;
    esac
    echo
    echo "== cardc validate --card $card $f"
    set +e
    "$cardc" validate --card "$card" "$f" 2>&1 | cut -c1-200
    got=${PIPESTATUS[0]}
    set -e
    echo "-> exit $got (expected $want)"
    [ "$got" -eq "$want" ] || status=1
done

echo
echo "== defaults applied (--apply-defaults --print) to $payloads/valid-prompt.json"
"$cardc" validate --card "$card" --apply-defaults --print "$payloads/valid-prompt.json"

gen_dir=build/gen-$(basename "$card" .md)
echo
echo "== cardc gen --card $card -o $gen_dir"
rm -rf "$gen_dir"
"$cardc" gen --card "$card" -o "$gen_dir"
ls -l "$gen_dir"
echo "-- $gen_dir/llava_1_5_7b_hf.h: the input type"
sed -n '/^struct llava_1_5_7b_hf_input_object {/,/^};/p' "$gen_dir/llava_1_5_7b_hf.h"

example=build/examples/llava-caption/llava-caption
src=examples/llava-caption
echo
echo "== ninja -C build examples/llava-caption/llava-caption (part of the build above)"
ninja -C build examples/llava-caption/llava-caption | tail -n 3
echo "-- the bindings were generated at build time by the generator() rule (meson.build, cardc_gen):"
ninja -C build -t commands examples/llava-caption/llava-caption | grep -F ' gen --card ' | sed "s|^$PWD/||"
ls -l build/examples/llava-caption/llava-caption.p/llava-1.5-7b-hf.[ch]
echo
echo "== $example $src/cat.png 'What is on the sofa?' $src/sample-output.json"
"$example" "$src/cat.png" "What is on the sofa?" "$src/sample-output.json" || status=1
echo
echo "== $example --also-messages $src/cat.png (prompt and messages: the card forbids both)"
set +e
"$example" --also-messages "$src/cat.png" 2>&1
got=$?
set -e
echo "-> exit $got (expected 1)"
[ "$got" -eq 1 ] || status=1

echo
[ "$status" -eq 0 ] && echo "main job: every payload got its expected verdict, the example ran" || echo "main job: FAILED"
exit "$status"
