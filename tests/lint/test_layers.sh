#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make layers` fails on each include that crosses the layering and on an include cycle,
# and passes on what the rules allow: each case plants one file in a copy of the tree and
# runs `make layers` there. Run by `make unit` (make lint-tests).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/kaslboot-layers-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

cd "$top"
for d in lib loader mm dtb efi include scripts formats crypto; do
	if [ -d "$d" ]; then cp -R "$d" "$tmp/"; fi
done
mkdir -p "$tmp/tests/payload" "$tmp/formats" "$tmp/crypto"
cp Makefile "$tmp/"
cp tests/payload/payload.mk "$tmp/tests/payload/"

layers() { make -s --no-print-directory -C "$tmp" layers PYTHON="${PYTHON:-python3}" >"$tmp/out" 2>&1; }

# case NAME FILE LINE WANT [FILE2 LINE2]: plants FILE holding LINE (and FILE2), runs make
# layers, and expects WANT (pass or fail) with, on a failure, FILE named in its output.
case_() {
	name=$1 file=$2 line=$3 want=$4
	printf '%s\n' "$line" >"$tmp/$file"
	if [ $# -ge 6 ]; then printf '%s\n' "$6" >"$tmp/$5"; fi
	if layers; then got=pass; else got=fail; fi
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: make layers should $want, it did $got:"; cat "$tmp/out"; fails=$((fails + 1))
	elif [ "$want" = fail ] && ! grep -q "$file" "$tmp/out"; then
		echo "FAIL $name: the output does not name $file:"; cat "$tmp/out"; fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
	rm -f "$tmp/$file"
	if [ $# -ge 6 ]; then rm -f "$tmp/$5"; fi
}

case_ "the tree as it is" lib/planted_ok.h '/* nothing */' pass
case_ "lib/ includes mm/" lib/planted.c '#include "mm/pool.h"' fail
case_ "mm/ includes dtb/" mm/planted.c '#include "dtb/chosen.h"' fail
case_ "dtb/ includes loader/" dtb/planted.c '#include "loader/boot.h"' fail
case_ "loader/ includes efi/" loader/planted.c '#include "efi/file.h"' fail
case_ "loader/ includes efi/, spaced" loader/planted.c '# include  "efi/file.h"' fail
case_ "formats/ includes loader/" formats/planted.c '#include "loader/config.h"' fail
case_ "formats/ includes efi/" formats/planted.h '#include "efi/file.h"' fail
case_ "crypto/ includes loader/" crypto/planted.c '#include "loader/config.h"' fail
case_ "crypto/ includes efi/" crypto/planted.c '#include "efi/status.h"' fail
case_ "crypto/ includes mm/" crypto/planted.c '#include "mm/pool.h"' fail
case_ "mm/ includes <libfdt.h>" mm/planted.c '#include <libfdt.h>' fail
case_ "loader/ includes <efi.h>" loader/planted.c '#include <efi.h>' fail
case_ "formats/ includes lib/ and itself" formats/planted.c '#include "lib/err.h"
#include "formats/planted.h"' pass
case_ "crypto/ includes lib/" crypto/planted.c '#include "lib/bytes.h"' pass
case_ "loader/ includes formats/ and crypto/" loader/planted.c '#include "formats/x.h"
#include "crypto/y.h"' pass
case_ "two headers include each other" lib/planted_a.h '#include "lib/planted_b.h"' fail \
	lib/planted_b.h '#include "lib/planted_a.h"'

[ "$fails" -eq 0 ] || { echo "test_layers: $fails case(s) failed"; exit 1; }
echo "test_layers: all cases passed"
