#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs libFuzzer targets one after the other (never two at once: the machine is shared),
# each for SECONDS, and prints one summary line per target from libFuzzer's final stats.
#   scripts/fuzz-run.sh BINDIR SECONDS TARGET...
# BINDIR holds fuzz_<target> (make fuzz builds them). Seeds come from tests/fuzz/corpus/
# <target>/ (read only); new inputs go to BINDIR/corpus/<target>/, crashes and invariant
# failures to BINDIR/artifacts/<target>/, the full log to BINDIR/logs/<target>.log.
# Optional: tests/fuzz/<target>.dict, a libFuzzer dictionary. Exits non-zero after the
# summary if any target failed.
set -uo pipefail

bindir=$(cd "$1" && pwd)
seconds=$2
shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
failed=()
summary=()

for t in "$@"; do
	corpus="$bindir/corpus/$t"
	artifacts="$bindir/artifacts/$t"
	work="$bindir/work/$t"
	log="$bindir/logs/$t.log"
	mkdir -p "$corpus" "$artifacts" "$work" "$(dirname "$log")"
	args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1
	      -artifact_prefix="$artifacts/")
	[ -f "$repo/tests/fuzz/$t.dict" ] && args+=(-dict="$repo/tests/fuzz/$t.dict")
	echo "== fuzz $t for ${seconds}s"
	# -jobs=1 -workers=1: one fuzzing process; libFuzzer then writes its output to
	# fuzz-0.log in the working directory.
	rm -f "$work/fuzz-0.log"
	( cd "$work" && "$bindir/fuzz_$t" -jobs=1 -workers=1 "${args[@]}" \
		"$corpus" "$repo/tests/fuzz/corpus/$t" >/dev/null 2>&1 )
	rc=$?
	cp "$work/fuzz-0.log" "$log" 2>/dev/null || : > "$log"
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
	corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$done_line")
	if [ "$rc" != 0 ] || [ -z "$done_line" ]; then
		failed+=("$t")
		echo "!! fuzz $t failed (exit $rc); the end of $log:"
		tail -40 "$log"
		ls "$artifacts"
	fi
	summary+=("$(printf '%-14s %12s %10s %7s %7s %12s %5ss' "$t" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}" "$seconds")")
done

printf '%-14s %12s %10s %7s %7s %12s %6s\n' target execs exec/s cov ft corpus time
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]} (inputs in $bindir/artifacts/<target>/; copy each to" \
	     "tests/fuzz/regressions/<target>/ once fixed)"
	exit 1
fi
