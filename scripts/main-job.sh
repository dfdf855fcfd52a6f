#!/usr/bin/env bash
# The main job: build cardc, then validate the bundled card's sample payloads
# and show the results. Fails if any payload gets a verdict other than the one
# its name announces (valid-*: exit 0, invalid-*: exit 1, malformed*: exit 2).
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

[ "$status" -eq 0 ] && echo "main job: every payload got its expected verdict" || echo "main job: FAILED"
exit "$status"
