#!/usr/bin/env bash
# bench/run.sh — scry against bpftrace and the hand-written libbpf floor, using
# the shared harness (../shared/bench: run.sh + bench.py) unchanged.
#
#   bench/run.sh [--scry PATH] [--reps R] [--json FILE] [NAME...] [-- EXTRA HARNESS ARGS]
#
# NAMEs default to every benchmark: startup-begin startup-tp count-comm count
# hist printf uprobe mapprint codesize. Each NAME is one interleaved harness run
# (every rep runs scry, the floor and bpftrace once, order rotated; medians are
# reported). The harness output of NAME goes to $BENCH_OUT/NAME.txt and its raw
# runs to $BENCH_OUT/raw.jsonl; stdout gets the harness summary lines.
#
# The shared directory is read-only by convention, so the harness is called
# through a symlink farm in $BENCH_WORK (default /tmp/scry-bench-harness):
# run.sh, bench.py and the sources are links to the shared files, while the
# binaries the harness builds on first use (loadgen, floor/floor and its BPF
# objects) land in the farm. Nothing is copied.
#
# Environment: SCRY (the binary, default build-perf/scry), SHARED_BENCH
# (default ../shared/bench next to the repo), BENCH_WORK, BENCH_OUT (default
# bench/results/<UTC date-time>), BPFTRACE (default /usr/bin/bpftrace).
# Needs root, bpftool, gcc, clang-19, libbpf-dev and /usr/bin/time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
SHARED_BENCH=${SHARED_BENCH:-$(cd "$repo/.." && pwd)/shared/bench}
BENCH_WORK=${BENCH_WORK:-/tmp/scry-bench-harness}
BPFTRACE=${BPFTRACE:-/usr/bin/bpftrace}
SCRY=${SCRY:-$repo/build-perf/scry}
all=(startup-begin startup-tp count-comm count hist printf uprobe mapprint codesize)
names=() extra=() reps=() json=
while [ $# -gt 0 ]; do
	case $1 in
	--scry) SCRY=$2; shift 2 ;;
	--reps) reps=(--reps "$2"); shift 2 ;;
	--json) json=$2; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) names+=("$1"); shift ;;
	esac
done
[ ${#names[@]} -gt 0 ] || names=("${all[@]}")
SCRY=$(readlink -f "$SCRY")
[ -x "$SCRY" ] || { echo "bench/run.sh: no scry binary at $SCRY (build it: meson setup build-perf && ninja -C build-perf scry)" >&2; exit 2; }
[ -f "$SHARED_BENCH/bench.py" ] || { echo "bench/run.sh: shared harness not found at $SHARED_BENCH" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root (loads BPF programs)" >&2; exit 2; }
for t in bpftool gcc /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench/run.sh: missing $t (scripts: apt-get install time bpftool gcc)" >&2; exit 2; }
done

# symlink farm over the shared harness
mkdir -p "$BENCH_WORK/floor" "$BENCH_WORK/results"
for f in run.sh bench.py loadgen.c README.md; do ln -sfn "$SHARED_BENCH/$f" "$BENCH_WORK/$f"; done
for f in Makefile floor.c floor.bpf.c; do ln -sfn "$SHARED_BENCH/floor/$f" "$BENCH_WORK/floor/$f"; done

BENCH_OUT=${BENCH_OUT:-$here/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT"
json=${json:-$BENCH_OUT/raw.jsonl}
{
	echo "# scry: $SCRY ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	echo "# bpftrace: $($BPFTRACE --version 2>/dev/null)"
	echo "# kernel: $(uname -r); cpus: $(nproc); date: $(date -u +%FT%TZ)"
} > "$BENCH_OUT/env.txt"

rc=0
for n in "${names[@]}"; do
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "## $n (load avg before: $load)" | tee "$BENCH_OUT/$n.txt"
	# tool first (RESULT ratios are vs the first peer, the floor); bpftrace second
	"$BENCH_WORK/run.sh" --tool "$SCRY" --peer "floor" --peer "$BPFTRACE" \
		"${reps[@]}" --json "$json" "${extra[@]}" "$n" >>"$BENCH_OUT/$n.txt" 2>"$BENCH_OUT/$n.err" || rc=1
	echo "# load avg after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$BENCH_OUT/$n.txt"
	grep -v '^## ' "$BENCH_OUT/$n.txt"
done
echo "bench/run.sh: results in $BENCH_OUT" >&2
exit $rc
