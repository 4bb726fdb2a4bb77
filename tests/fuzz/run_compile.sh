#!/bin/sh
# Runs the compile-path fuzzer for MINUTES (default 10) under ASan/UBSan:
#   tests/fuzz/run_compile.sh [MINUTES] [JOBS]
# Seeds: the parse corpus tests/corpus and the diagnostic cases tests/diag. New inputs
# go to $OUT/new/, crashes to $OUT/crash-* (OUT: /tmp/scry-fuzz-compile). A crash,
# once fixed, becomes a regression case: copy it to tests/fuzz/regress/ (replayed by
# the meson test 'fuzz-regress', suite 'unit').
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MIN=${1:-10}
JOBS=${2:-1}
OUT=${SCRY_FUZZ_COMPILE_OUT:-/tmp/scry-fuzz-compile}
"$ROOT/tests/fuzz/build_compile.sh" "$OUT" >/dev/null
mkdir -p "$OUT/new" "$OUT/seeds"
cp "$ROOT"/tests/corpus/*.bt "$ROOT"/tests/diag/*.bt "$OUT/seeds/"
cd "$OUT"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} exec ./fuzz_compile \
	-max_total_time=$((MIN * 60)) -max_len=2048 -timeout=20 -rss_limit_mb=4096 \
	-jobs="$JOBS" -workers="$JOBS" \
	-dict="$ROOT/tests/fuzz/bt.dict" -print_final_stats=1 "$OUT/new" "$OUT/seeds"
