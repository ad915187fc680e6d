#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/spdx.py (`make licence`): a tracked file without its SPDX line fails the check
# and is named; allow-listed files and each kind's own syntax pass; --fix inserts the line
# where the check wants it. Each case runs in a small git repository of its own. Run by
# `make unit` (make lint-tests).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/kaslboot-licence-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
spdx() { "${PYTHON:-python3}" "$top/scripts/spdx.py" --root "$tmp/repo" "$@" >"$tmp/out" 2>&1; }
fails=0
C='/* SPDX-License-Identifier: BSD-2-Clause */'
H='# SPDX-License-Identifier: BSD-2-Clause'

# fresh: a repository holding one good file of each kind and allow-listed data.
fresh() {
	rm -rf "$tmp/repo"
	mkdir -p "$tmp/repo/lib" "$tmp/repo/scripts" "$tmp/repo/tests/fuzz/corpus/x" "$tmp/repo/docs"
	cd "$tmp/repo"
	git init -q .
	printf '%s\nint x;\n' "$C" >lib/x.c
	printf '#!/bin/sh\n%s\necho\n' "$H" >scripts/x.sh
	printf '%s\nall:\n' "$H" >Makefile
	printf '\001\002binary' >tests/fuzz/corpus/x/seed
	printf '# Notes\n' >docs/notes.md
	printf 'BSD\n' >LICENSE
}
track() { git -C "$tmp/repo" add -A; }

# expect NAME WANT [FILE]: the check's outcome is WANT (pass/fail), and names FILE.
expect() {
	if spdx; then got=pass; else got=fail; fi
	if [ "$got" != "$2" ]; then
		echo "FAIL $1: spdx.py should $2, it did $got:"; cat "$tmp/out"; fails=$((fails + 1))
	elif [ $# -ge 3 ] && ! grep -q "$3" "$tmp/out"; then
		echo "FAIL $1: the output does not name $3:"; cat "$tmp/out"; fails=$((fails + 1))
	else
		echo "ok   $1"
	fi
}

fresh; track; expect "good files and allow-listed data" pass
fresh; printf 'int y;\n' >lib/y.c; track; expect "a C file without the line" fail lib/y.c
fresh; printf 'int y;\n' >lib/y.c; expect "an untracked file is not ours yet" pass
fresh; printf '%s\n#!/bin/sh\n' "$H" >scripts/y.sh; track
expect "a script with the line before its shebang" fail scripts/y.sh
fresh; printf '%s\nint y;\n' "$H" >lib/y.h; track; expect "a header with a # line" fail lib/y.h
fresh; printf '/* SPDX-License-Identifier: GPL-2.0 */\nint y;\n' >lib/y.c; track
expect "another licence" fail lib/y.c
fresh; printf 'data\n' >lib/table.bin; track; expect "a file of unknown kind" fail lib/table.bin
fresh; printf 'int y;\n' >lib/y.c; printf '#!/bin/sh\necho\n' >scripts/y; printf 'x:\n' >lib/y.mk
track; spdx --fix || true; expect "--fix, then the check" pass
if [ "$(head -n1 lib/y.c)" != "$C" ] || [ "$(sed -n 2p scripts/y)" != "$H" ] ||
	[ "$(head -n1 lib/y.mk)" != "$H" ]; then
	echo "FAIL --fix put the lines elsewhere:"; head -n2 lib/y.c scripts/y lib/y.mk; fails=$((fails + 1))
else
	echo "ok   --fix: line 1, or line 2 after a shebang"
fi

[ "$fails" -eq 0 ] || { echo "test_licence: $fails case(s) failed"; exit 1; }
echo "test_licence: all cases passed"
