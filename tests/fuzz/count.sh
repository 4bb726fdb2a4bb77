#!/bin/sh
# Sums the executions the fuzzers report in their final stats
# (stat::number_of_executed_units, printed with -print_final_stats=1):
#   tests/fuzz/count.sh [LOG...]   (default: the logs run.sh and run_compile.sh keep,
#                                   /tmp/scry-fuzz/logs/*.log /tmp/scry-fuzz-compile/logs/*.log)
# Prints one line per log, a total per target (parse-*/compile-* file names) and the
# sum. A log without final stats (a crash, or a run still going) counts 0 and is
# flagged.
set -eu
[ $# -gt 0 ] || set -- /tmp/scry-fuzz/logs/*.log /tmp/scry-fuzz-compile/logs/*.log
awk '
FNR == 1 { if (prev != "") fin(); prev = FILENAME; n = 0; seen = 0; crash = 0 }
/^stat::number_of_executed_units:/ { n += $2; seen = 1 }
/ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error:/ { crash = 1 }
function fin(  t) {
	t = prev; sub(/.*\//, "", t); if (t ~ /-/) sub(/-.*/, "", t); else t = "other"
	printf "%12d  %s%s\n", n, prev, seen ? "" : "  (no final stats)"
	tot[t] += n; all += n; if (crash) crashes++
}
END {
	if (prev != "") fin()
	for (t in tot) printf "%12d  total %s\n", tot[t], t
	printf "%12d  total (%d log(s) with a sanitizer/libFuzzer error)\n", all, crashes
}' "$@"
