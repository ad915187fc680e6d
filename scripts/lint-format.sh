#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# clang-format (.clang-format) on the C lines changed since BASE, as systemd uses its
# config: required for new and changed lines, advisory for the code around them (which
# is left alone). Run by `make lint`. Untracked files are not looked at: `git add` them.
# Usage: scripts/lint-format.sh [BASE]
#   BASE: a commit; default the merge base with main (origin/main), else HEAD (what the
#   work tree changes). CI on main: `make lint LINT_BASE=HEAD~1` checks the last commit.
set -eu
base=${1:-}
if [ -z "$base" ]; then
	for ref in main origin/main; do
		if git rev-parse -q --verify "$ref^{commit}" >/dev/null; then
			base=$(git merge-base HEAD "$ref")
			break
		fi
	done
fi
base=${base:-HEAD}
# clang-format-diff 19 (Debian 13) exits 1 when it has a diff to show, 14 (Debian 12) exits
# 0: the diff itself is the answer. Anything else (127: not installed) is a failure.
rc=0
out=$(git diff -U0 --no-color "$base" -- '*.c' '*.h' | clang-format-diff -p1 -style=file) || rc=$?
if [ "$rc" -gt 1 ]; then
	echo "lint-format: clang-format-diff failed (exit status $rc)"
	exit 1
fi
if [ -n "$out" ]; then
	printf '%s\n' "$out"
	echo "lint-format: lines changed since $(git rev-parse --short "$base") are not formatted as" \
		".clang-format says; to fix them: git diff -U0 $base | clang-format-diff -p1 -i"
	exit 1
fi
echo "lint-format: the lines changed since $(git rev-parse --short "$base") are formatted"
