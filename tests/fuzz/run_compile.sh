#!/bin/sh
# Runs the compile-path fuzzer for MINUTES (default 10) under ASan/UBSan:
#   tests/fuzz/run_compile.sh [MINUTES]
# Seeds: tests/fuzz/corpus/compile (kept, minimized), the parse corpus tests/corpus
# and the diagnostic cases tests/diag. New inputs go to $OUT/new/, crashes to
# $OUT/crash-* (OUT: /tmp/scry-fuzz-compile); the output (with the final stats) is
# also appended to $OUT/logs/compile-*.log (tests/fuzz/count.sh sums them). A
# crash, once fixed, becomes a regression case: copy it to tests/fuzz/regress/
# (replayed by the meson test 'fuzz-regress', suite 'unit').
# SCRY_FUZZ_MAX_LEN (default 1024) bounds the input size; SCRY_FUZZ_STATS=1 prints
# how many inputs got through the parser, sema and libbpf's open at the end.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MIN=${1:-10}
OUT=${SCRY_FUZZ_COMPILE_OUT:-/tmp/scry-fuzz-compile}
"$ROOT/tests/fuzz/build_compile.sh" "$OUT" >/dev/null
mkdir -p "$OUT/new" "$OUT/seeds" "$OUT/logs" "$ROOT/tests/fuzz/corpus/compile"
cp "$ROOT"/tests/corpus/*.bt "$ROOT"/tests/diag/*.bt "$OUT/seeds/"
LOG="$OUT/logs/compile-$(date -u +%Y%m%dT%H%M%S).log"
cd "$OUT"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} ./fuzz_compile \
	-max_total_time=$((MIN * 60)) -max_len="${SCRY_FUZZ_MAX_LEN:-1024}" -timeout=20 \
	-rss_limit_mb=4096 -dict="$ROOT/tests/fuzz/bt.dict" -print_final_stats=1 \
	"$OUT/new" "$ROOT/tests/fuzz/corpus/compile" "$OUT/seeds" 2>&1 | tee "$LOG"
