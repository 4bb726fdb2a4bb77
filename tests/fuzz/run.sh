#!/bin/sh
# Runs the front-end fuzzer for MINUTES (default 10) under ASan/UBSan:
#   tests/fuzz/run.sh [MINUTES]
# Seeds: tests/fuzz/corpus (kept, minimized) and the parse corpus tests/corpus.
# New inputs go to $OUT/new/; crashes to $OUT/crash-* (OUT: /tmp/scry-fuzz). Merge the
# interesting ones back, keeping the corpus small:
#   /tmp/scry-fuzz/fuzz_parse -merge=1 -max_len=160 -use_counters=0 tests/fuzz/corpus /tmp/scry-fuzz/new
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MIN=${1:-10}
OUT=${SCRY_FUZZ_OUT:-/tmp/scry-fuzz}
"$ROOT/tests/fuzz/build.sh" "$OUT" >/dev/null
mkdir -p "$OUT/new" "$ROOT/tests/fuzz/corpus"
cd "$OUT"
exec ./fuzz_parse -max_total_time=$((MIN * 60)) -max_len=4096 -timeout=10 \
	-dict="$ROOT/tests/fuzz/bt.dict" -print_final_stats=1 \
	"$OUT/new" "$ROOT/tests/fuzz/corpus" "$ROOT/tests/corpus"
