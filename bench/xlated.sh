#!/usr/bin/env bash
# bench/xlated.sh NAME [TOOL...]: per-event code of one benchmark program as the
# kernel runs it. Starts each tool (scry, the floor, bpftrace) on the NAME program of
# the shared harness (count-comm, count, hist, printf, mapprint), waits until it holds a
# tracepoint program, prints `bpftool prog dump xlated` of it with a count of
# instructions and helper calls, then stops it with SIGINT.
# TOOL: scry (default SCRY=build-perf/scry), floor, bpftrace; default: all three.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
SCRY=${SCRY:-$repo/build-perf/scry}
BENCH_WORK=${BENCH_WORK:-/tmp/scry-bench-harness}
FLOOR=$BENCH_WORK/floor/floor
name=${1:?usage: bench/xlated.sh NAME [scry|floor|bpftrace]...}; shift
tools=("$@"); [ ${#tools[@]} -gt 0 ] || tools=(scry floor bpftrace)
tp=tracepoint:syscalls:sys_enter_getppid
case $name in
count-comm) prog="$tp { @[comm] = count(); }"; mode=(count_comm) ;;
count) prog="$tp { @ = count(); }"; mode=(count) ;;
hist) prog="$tp { @[tid] = hist(nsecs); }"; mode=(hist) ;;
printf) prog="$tp { printf(\"%d\\n\", pid); }"; mode=(printf) ;;
mapprint) prog="tracepoint:syscalls:sys_enter_close /args->fd >= 1000000/ { @[tid, args->fd] = count(); }"
	mode=(mapprint --tp syscalls:sys_enter_close) ;;
*) echo "bench/xlated.sh: unknown benchmark $name" >&2; exit 2 ;;
esac
[ -x "$FLOOR" ] || make -s -C "$BENCH_WORK/floor" >/dev/null
for t in "${tools[@]}"; do
	case $t in
	scry) cmd=("$SCRY" -e "$prog") ;;
	bpftrace) cmd=(bpftrace -e "$prog") ;;
	floor) cmd=("$FLOOR" "${mode[@]}") ;;
	*) echo "bench/xlated.sh: unknown tool $t" >&2; exit 2 ;;
	esac
	"${cmd[@]}" >/dev/null 2>&1 &
	pid=$!
	ids=
	for _ in $(seq 1 100); do
		sleep 0.1
		ids=$(for fd in /proc/$pid/fdinfo/*; do awk '/^prog_id:/{print $2}' "$fd" 2>/dev/null; done | sort -un)
		tpids=
		for id in $ids; do
			bpftool prog show id "$id" 2>/dev/null | grep -q ': tracepoint ' && tpids="$tpids $id"
		done
		[ -n "$tpids" ] && break
	done
	sleep 0.3
	for id in $tpids; do
		dump=$(bpftool prog dump xlated id "$id")
		echo "=== $t $name prog id $id: $(echo "$dump" | grep -cE '^ *[0-9]+:') insns," \
			"$(echo "$dump" | grep -c 'call ') calls ($(echo "$dump" | grep -oE 'call [a-z_]+[a-z_0-9#]*' | sed 's/call //; s/#.*//' | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}'))"
		echo "$dump"
	done
	kill -INT $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
done
