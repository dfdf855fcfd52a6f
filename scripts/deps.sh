#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages cardc needs to build and test, when missing.
# Runs as root (CI, fresh machines) or through sudo when available.
set -euo pipefail

packages=(meson ninja-build pkg-config gcc clang clang-format python3
          libjson-c-dev libyaml-dev libpcre2-dev libcurl4-openssl-dev libmicrohttpd-dev
          # packaging tests: man pages (groff), completions (bash, zsh, fish),
          # pre-commit hooks (python3-yaml), downstream builds (cmake, make),
          # the Debian packages (debhelper, dpkg-dev)
          groff-base bash zsh fish python3-yaml cmake make debhelper dpkg-dev)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
