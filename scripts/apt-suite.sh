#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Unpacks Debian packages of any suite (e.g. trixie's systemd-boot-efi or systemd-ukify on a
# Debian 12 machine) without installing them and without touching the machine's apt sources:
# apt runs with a private configuration (its own sources list, lists and cache under
# CACHE/apt-SUITE-ARCH), pointed at the mirror the machine's apt uses (scripts/debian-mirror.sh).
#
#   apt-suite.sh [--deb | --show] SUITE ARCH CACHE PKG...
#
# Each PKG is unpacked into CACHE/SUITE-ARCH/PKG/ once (a stamp names the version), and
# that directory is printed, one per line. --deb: only downloads each PKG's .deb into
# CACHE/SUITE-ARCH/debs/ (kept) and prints its path. --show: prints `apt-cache show` of the
# PKGs (every version the suite offers). The package lists are refreshed once a day.
set -euo pipefail
MODE=unpack
case ${1:-} in --deb) MODE=deb; shift ;; --show) MODE=show; shift ;; esac
[ $# -ge 4 ] || { echo "usage: apt-suite.sh [--deb | --show] SUITE ARCH CACHE PKG..." >&2; exit 2; }
SUITE=$1 ARCH=$2 CACHE=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
read -r MAIN SECURITY < <(bash "$HERE/debian-mirror.sh")
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
# Per suite and architecture: the lists are fetched for ARCH only ([arch=...] below).
STATE=$CACHE/apt-$SUITE-$ARCH
mkdir -p "$STATE/lists/partial" "$STATE/archives/partial" "$STATE/debs"
cat > "$STATE/sources.list.new" <<SRC
deb [arch=$ARCH] $MAIN $SUITE main
deb [arch=$ARCH] $MAIN $SUITE-updates main
deb [arch=$ARCH] $SECURITY $SUITE-security main
SRC
mv "$STATE/sources.list.new" "$STATE/sources.list"
: > "$STATE/status"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$STATE/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
  -o "Dir::State::Lists=$STATE/lists" -o "Dir::State::Status=$STATE/status"
  -o "Dir::Cache=$STATE" -o "Dir::Cache::Archives=$STATE/archives"
  -o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH"
  -o "Acquire::Check-Valid-Until=false" -o "Debug::NoLocking=true" -o "APT::Sandbox::User=root"
)
if [ -z "$(find "$STATE/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n1)" ]; then
  apt-get "${APT_OPTS[@]}" update -qq >&2 ||
    { echo "apt-suite: cannot read $SUITE's package lists from $MAIN" >&2; exit 1; }
fi
if [ "$MODE" = show ]; then
  exec apt-cache "${APT_OPTS[@]}" show "$@"
fi
for pkg in "$@"; do
  out=$CACHE/$SUITE-$ARCH/$pkg
  if [ "$MODE" = deb ]; then
    mkdir -p "$CACHE/$SUITE-$ARCH/debs"
    deb=$(find "$CACHE/$SUITE-$ARCH/debs" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
    if [ -z "$deb" ]; then
      (cd "$CACHE/$SUITE-$ARCH/debs" && apt-get "${APT_OPTS[@]}" download -qq "$pkg" >&2) ||
        { echo "apt-suite: cannot download $pkg from $SUITE" >&2; exit 1; }
      deb=$(find "$CACHE/$SUITE-$ARCH/debs" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
    fi
    echo "$deb"
    continue
  fi
  ver=$(apt-cache "${APT_OPTS[@]}" show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
  [ -n "$ver" ] || { echo "apt-suite: $SUITE has no package $pkg for $ARCH" >&2; exit 1; }
  if [ ! -e "$out/.version-$ver" ]; then
    rm -rf "$out" && mkdir -p "$out"
    (cd "$STATE/debs" && rm -f "${pkg}"_*.deb && apt-get "${APT_OPTS[@]}" download -qq "$pkg" >&2)
    dpkg-deb -x "$STATE"/debs/"$pkg"_*.deb "$out"
    touch "$out/.version-$ver"
  fi
  echo "$out"
done
