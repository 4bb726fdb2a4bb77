#!/bin/sh
# Runs the front-end fuzzer for MINUTES (default 10) under ASan/UBSan:
#   tests/fuzz/run.sh [MINUTES]
# Seeds: tests/fuzz/corpus (kept, minimized) and the parse corpus tests/corpus.
# New inputs go to $OUT/new/; crashes to $OUT/crash-* (OUT: /tmp/scry-fuzz). The
# fuzzer's output (with its final stats) is also appended to $OUT/logs/parse-*.log;
# tests/fuzz/count.sh sums the executions of such logs. Merge the interesting
# inputs back, keeping the corpus small (see README.md).
# SCRY_FUZZ_MAX_LEN (default 1024) bounds the input size.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MIN=${1:-10}
OUT=${SCRY_FUZZ_OUT:-/tmp/scry-fuzz}
"$ROOT/tests/fuzz/build.sh" "$OUT" >/dev/null
mkdir -p "$OUT/new" "$OUT/logs" "$ROOT/tests/fuzz/corpus"
LOG="$OUT/logs/parse-$(date -u +%Y%m%dT%H%M%S).log"
cd "$OUT"
./fuzz_parse -max_total_time=$((MIN * 60)) -max_len="${SCRY_FUZZ_MAX_LEN:-1024}" -timeout=10 \
	-dict="$ROOT/tests/fuzz/bt.dict" -print_final_stats=1 \
	"$OUT/new" "$ROOT/tests/fuzz/corpus" "$ROOT/tests/corpus" 2>&1 | tee "$LOG"
