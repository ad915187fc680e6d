#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# scripts/lint-format.sh (`make lint`): a misformatted line changed since the merge base
# with main fails, committed or not, and is shown; misformatted old code around a change
# is left alone. Runs in a small git repository with the project's .clang-format. Run by
# `make unit` (make lint-tests).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/kaslboot-format-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
git_() { git -c user.name=test -c user.email=test@invalid -c init.defaultBranch=main "$@"; }

cd "$tmp"
git_ init -q .
cp "$top/.clang-format" .
# Old code, misformatted on purpose: lint must not ask anyone to reformat it.
printf 'int  old( int x ){return x;}\n\nint fine(int x) { return x; }\n' >a.c
git_ add -A && git_ commit -qm base
git_ checkout -qb topic

# expect NAME WANT: lint-format.sh's outcome is WANT (pass/fail); a failure shows a.c.
expect() {
	if sh "$top/scripts/lint-format.sh" >out 2>&1; then got=pass; else got=fail; fi
	if [ "$got" != "$2" ]; then
		echo "FAIL $1: lint-format should $2, it did $got:"; cat out; fails=$((fails + 1))
	elif [ "$2" = fail ] && ! grep -q 'a\.c' out; then
		echo "FAIL $1: the output does not show a.c:"; cat out; fails=$((fails + 1))
	else
		echo "ok   $1"
	fi
}

expect "nothing changed" pass
printf '\nint added(int x) { return x + 1; }\n' >>a.c
expect "a formatted new line beside misformatted old code" pass
git_ commit -qam formatted
expect "the same, committed" pass
printf '\nint  bad( int x ){return x;}\n' >>a.c
expect "a misformatted new line, not committed" fail
git_ commit -qam misformatted
expect "a misformatted new line, committed" fail

[ "$fails" -eq 0 ] || { echo "test_lint_format: $fails case(s) failed"; exit 1; }
echo "test_lint_format: all cases passed"
