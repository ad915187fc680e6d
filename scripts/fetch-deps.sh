#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Unpacks the arm64 Debian packages whose files go into the PE or onto the demo ESP into
# DEPS (default build/deps), without installing them: gnu-efi (crt0, linker script, libefi),
# libfdt.a and libz.a (linked into the PE), busybox (the demo initramfs) and the Debian cloud
# kernel (the demo payload, resolved through its metapackage so no version is pinned here).
# Idempotent: each package is fetched once and remembered by a stamp file.
set -euo pipefail
DEPS=${1:-build/deps}
mkdir -p "$DEPS/debs"
# The physical path: build/deps may be a symlink to another tree's deps, whose links must
# keep naming that tree.
DEPS=$(cd "$DEPS" && pwd -P)

# The versioned kernel package the metapackage points at, e.g. linux-image-6.1.0-41-cloud-arm64.
kernel_pkg() {
  apt-cache show linux-image-cloud-arm64:arm64 2>/dev/null | sed -n 's/^Depends: //p' | head -n1 |
    tr ',' '\n' | sed 's/ *(.*//; s/^ *//' | grep '^linux-image-' | head -n1
}

if ! apt-cache show gnu-efi:arm64 >/dev/null 2>&1; then
  apt-get update -qq
fi

# name-of-dir  package
fetch() {
  local dir=$1 pkg=$2 stamp="$DEPS/$1/.from-$2"
  [ -e "$stamp" ] && return 0
  rm -rf "${DEPS:?}/$dir" && mkdir -p "$DEPS/$dir"
  # A stale package list names versions the archive dropped: refresh once and retry.
  (cd "$DEPS/debs" && rm -f "${pkg%%:*}"_*.deb &&
     { apt-get download -qq "$pkg" || { apt-get update -qq && apt-get download -qq "$pkg"; }; })
  dpkg-deb -x "$DEPS"/debs/"${pkg%%:*}"_*.deb "$DEPS/$dir"
  touch "$stamp"
}

fetch gnu-efi     gnu-efi:arm64
fetch libfdt      libfdt-dev:arm64
fetch zlib        zlib1g-dev:arm64
fetch busybox     busybox-static:arm64
kpkg=$(kernel_pkg)
[ -n "$kpkg" ] || { echo "fetch-deps: cannot resolve linux-image-cloud-arm64:arm64" >&2; exit 1; }
fetch kernel      "$kpkg:arm64"

# Stable names for the rest of the build. -n: on a second run "modules" is already a link to
# a directory, and plain -sf would put a new link inside that directory. ls is fine (SC2012):
# Debian's kernel package names its files by version, without blanks or newlines.
# shellcheck disable=SC2012
ln -sfn "$(ls "$DEPS"/kernel/boot/vmlinuz-* | head -n1)" "$DEPS/Image"
# Debian 12's kernel packages ship /lib/modules, Debian 13's (merged /usr) /usr/lib/modules.
# shellcheck disable=SC2012
ln -sfn "$(ls -d "$DEPS"/kernel/lib/modules/* "$DEPS"/kernel/usr/lib/modules/* 2>/dev/null | head -n1)" \
  "$DEPS/modules"

# Debian 13's cloud kernel (6.12), for the tests of what only a newer kernel reads from its
# loader (tests/integration/test_stub_duties.py: Debian 12's 6.1 ignores the screen_info
# table on arm64). From trixie on any host, through scripts/apt-suite.sh.
SUITES=$DEPS/suites
trixie_kernel=$(bash "$(dirname "$0")/apt-suite.sh" --show trixie arm64 "$SUITES" linux-image-cloud-arm64 |
  sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/ *(.*//; s/^ *//' |
  grep -E '^linux-image-.*-cloud-arm64$' | sort -V | tail -n1)
[ -n "$trixie_kernel" ] || { echo "fetch-deps: trixie offers no linux-image-*-cloud-arm64" >&2; exit 1; }
bash "$(dirname "$0")/apt-suite.sh" trixie arm64 "$SUITES" "$trixie_kernel" >/dev/null
