#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The layering of docs/hacking.md, checked by `make layers` (run by `make unit` and
# `make lint`): an arrow is "may include", and nothing includes upwards.
#   lib/                   only lib/
#   mm/, dtb/              lib/ and their own folder
#   formats/, crypto/      lib/ and their own folder (firmware-free code beside loader/)
#   loader/                anything but efi/: it reaches the firmware through loader/platform.h
#   <libfdt.h>             only dtb/ and loader/ parse device trees
#   <efi.h>                only efi/ sees UEFI types
# One line per include that crosses a rule; exit status 1 if there is any.
# Usage: scripts/layers.sh [ROOT]   (default: the current directory)
set -u
cd "${1:-.}" || exit 2

INCLUDE='^[[:space:]]*#[[:space:]]*include[[:space:]]*'
# The same include in grep -n's output, after "file:line:".
HIT=':[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*'

# report RULE: prints each grep hit read from stdin, then the rule it breaks.
report() {
	while IFS= read -r hit; do
		echo "layers: $hit"
		echo "layers:   ^ $1"
	done
}

# only DIR ALLOWED: DIR's quote-includes may name only the folders in ALLOWED (a|b|c).
only() {
	[ -d "$1" ] || return 0
	grep -rnE "$INCLUDE\"" "$1" | grep -vE "$HIT\"($2)/" |
		report "$1/ may include only $(echo "$2" | sed 's/|/\/, /g')/"
}

# never DIR FOLDER: no file of DIR includes FOLDER/.
never() {
	[ -d "$1" ] || return 0
	grep -rnE "$INCLUDE\"$2/" "$1" | report "$1/ may not include $2/"
}

# no_header DIRS HEADER: no file of the folders DIRS includes <HEADER>.
no_header() {
	for d in $1; do
		[ -d "$d" ] || continue
		grep -rnE "$INCLUDE<$2>" "$d" | report "$d/ may not include <$2>"
	done
}

# Each rule prints what breaks it; any output fails the check.
out=$(
	only lib 'lib'
	only mm 'mm|lib'
	only dtb 'dtb|lib'
	only formats 'formats|lib'
	only crypto 'crypto|lib'
	never loader efi
	no_header 'lib mm formats crypto' 'libfdt.h'
	no_header 'lib loader mm dtb formats crypto' 'efi.h'
)
if [ -n "$out" ]; then
	echo "$out"
	echo "layers: an include crosses the layering (docs/hacking.md, The layers)"
	exit 1
fi
