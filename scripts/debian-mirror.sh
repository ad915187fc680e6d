#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Prints the Debian mirror this machine's apt uses, as two words: the archive's URI and the
# security archive's URI (the second may repeat the first when the machine lists none).
# The project names no mirror itself: a machine behind its own mirror or proxy keeps it.
# Reads the deb822 files in /etc/apt/sources.list.d (Debian 12 and 13's default) and the
# one-line sources.list format; the first entry whose suite is not a -security suite is the
# archive. APT_ROOT (default /etc/apt) is for tests.
set -euo pipefail
APT_ROOT=${APT_ROOT:-/etc/apt}

# One "URI SUITE" line per source, in apt's order.
sources() {
  local f
  if [ -f "$APT_ROOT/sources.list" ]; then
    # deb [options] URI SUITE COMPONENTS...
    sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\).*/\2 \3/p' \
      "$APT_ROOT/sources.list"
  fi
  for f in "$APT_ROOT"/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\).*/\2 \3/p' "$f"
  done
  for f in "$APT_ROOT"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas: one URI and the first suite of each stanza that has Types: deb.
    awk '
      function flush() { if (deb && uri != "" && suite != "") print uri, suite; deb = 0; uri = ""; suite = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^#/ { next }
      tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { suite = $2 }
      END { flush() }' "$f"
  done
}

main=""
security=""
while read -r uri suite; do
  uri=${uri%/}
  case "$suite" in
    *-security|*/updates) [ -n "$security" ] || security=$uri ;;
    *) [ -n "$main" ] || main=$uri ;;
  esac
done < <(sources)
[ -n "$main" ] || { echo "debian-mirror: no Debian archive in $APT_ROOT's sources" >&2; exit 1; }
echo "$main ${security:-$main}"
