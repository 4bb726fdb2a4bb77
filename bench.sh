#!/usr/bin/env bash
# ./bench.sh [bench/run.sh args]: builds scry (build-perf, default options), runs every
# benchmark of the shared harness against bpftrace and the libbpf floor (bench/run.sh),
# then writes the summary table to bench/results/<date>/table.md and stdout.
# Benchmarks are not tests: ./test.sh never runs them. Needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if [ -z "${SCRY:-}" ]; then
	[ -d build-perf ] || meson setup build-perf >/dev/null
	ninja -C build-perf scry >/dev/null
	export SCRY=$here/build-perf/scry
fi
export BENCH_OUT=${BENCH_OUT:-$here/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
rc=0
bench/run.sh "$@" || rc=$?
python3 bench/table.py "$BENCH_OUT" | tee "$BENCH_OUT/table.md"
exit $rc
