#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The release artefacts, as a user gets them:
#   1. `meson dist` (from BUILD_DIR, default build-test-gcc): the source
#      tarball, checked to hold the licences, the changelog and debian/;
#   2. `dpkg-buildpackage -us -uc -b` in the unpacked tarball: the Debian
#      packages libcardc0, libcardc-dev and cardc, checked (files, shlibs
#      dependencies, the packaged cardc run from the unpacked package).
# The tarball is made from the last commit (uncommitted changes are not in
# it). About 70-90 s on 2 cores. Usage: scripts/test-packages.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build-test-gcc}
out=$(mktemp -d /tmp/cardc-packages.XXXXXX)
trap 'rm -rf "$out"' EXIT
fail() { echo "packages: FAIL: $*" >&2; exit 1; }

start=$(date +%s)
meson dist -C "$build" --no-tests --allow-dirty --formats xztar >"$out/dist.log" 2>&1 ||
    { cat "$out/dist.log"; fail "meson dist"; }
version=$(meson introspect --projectinfo "$build" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
tarball="$build/meson-dist/cardc-$version.tar.xz"
[ -f "$tarball" ] || fail "$tarball was not made"
listing=$(tar -tJf "$tarball")
for f in LICENSE CHANGELOG.md SECURITY.md runtime/metaschemas/LICENSE README.md debian/control debian/rules \
         debian/copyright man/meson.build completions/cardc.bash cmake/cardcConfig.cmake.in; do
    grep -qx "cardc-$version/$f" <<<"$listing" || fail "$f is not in $tarball"
done
echo "packages: $tarball: $(wc -l <<<"$listing") entries, $(du -h "$tarball" | cut -f1)," \
     "made in $(($(date +%s) - start)) s"

start=$(date +%s)
tar -xJf "$tarball" -C "$out"
(cd "$out/cardc-$version" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b \
    >"$out/deb.log" 2>&1) || { tail -50 "$out/deb.log"; fail "dpkg-buildpackage"; }
echo "packages: dpkg-buildpackage -us -uc -b took $(($(date +%s) - start)) s"

debversion=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "${debversion%%-*}" = "$version" ] ||
    fail "debian/changelog says $debversion, meson.build $version"
grep -q "^## $version " CHANGELOG.md || fail "CHANGELOG.md has no $version section"
arch=$(dpkg --print-architecture)
for p in libcardc0 libcardc-dev cardc; do
    deb="$out/${p}_${debversion}_${arch}.deb"
    [ -f "$deb" ] || fail "$deb was not built"
    echo "packages: $(basename "$deb"):"
    dpkg-deb -c "$deb" | awk '{print "  " $6 ($7 ? " " $7 " " $8 : "")}' | grep -v '/$'
done
lib=$(dpkg-deb -c "$out/libcardc0_${debversion}_${arch}.deb")
dev=$(dpkg-deb -c "$out/libcardc-dev_${debversion}_${arch}.deb")
tool=$(dpkg-deb -c "$out/cardc_${debversion}_${arch}.deb")
grep -q 'libcardc\.so\.0 -> ' <<<"$lib" || fail "libcardc0 lacks the soname link"
grep -q '/usr/include/cardc/cardc.h' <<<"$dev" || fail "no headers in libcardc-dev"
grep -q 'cmake/cardc/cardcConfig.cmake' <<<"$dev" || fail "no CMake package"
grep -q 'pkgconfig/cardc.pc' <<<"$dev" || fail "no cardc.pc"
grep -q '/usr/share/man/man1/cardc-validate.1.gz' <<<"$tool" || fail "no man page"
grep -q 'bash-completion/completions/cardc' <<<"$tool" || fail "no bash completion"
grep -q 'libjson-c5' <<<"$(dpkg-deb -f "$out/libcardc0_${debversion}_${arch}.deb" Depends)" ||
    fail "libcardc0 does not depend on json-c's library"
grep -qF "libcardc0 (= $debversion)" <<<"$(dpkg-deb -f "$out/libcardc-dev_${debversion}_${arch}.deb" Depends)" ||
    fail "libcardc-dev does not depend on libcardc0 of its version"

# The packaged program runs and validates (with the packaged library, should
# it link libcardc.so.0).
dpkg-deb -x "$out/cardc_${debversion}_${arch}.deb" "$out/root"
dpkg-deb -x "$out/libcardc0_${debversion}_${arch}.deb" "$out/root"
export LD_LIBRARY_PATH="$out/root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
[ "$("$out/root/usr/bin/cardc" --version)" = "cardc $version" ] || fail "cardc --version"
"$out/root/usr/bin/cardc" validate --card "$root/schemas/llava-1.5-7b-hf.md" \
    "$root/examples/payloads/llava-1.5-7b-hf/valid-prompt.json" >/dev/null || fail "cardc validate"
echo "packages: all checks passed"
