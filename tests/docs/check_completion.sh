#!/usr/bin/env bash
# Checks completion/scry.bash: flags, flag values, probe types and, as root,
# probe names from `scry -l`. Usage: check_completion.sh SCRY COMPLETION_FILE (TAP)
set -u
scry=$1
source "$2"
PATH="$(dirname "$(readlink -f "$scry")"):$PATH"
n=0
fail=0
# complete WORD... : runs _scry with the last word as the one being completed
complete_words()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_scry
	printf '%s\n' "${COMPREPLY[@]}"
}
expect()
{
	local name=$1 want=$2
	shift 2
	n=$((n + 1))
	if complete_words "$@" | grep -qx -- "$want"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "#   '$want' not among: $(complete_words "$@" | head -5 | tr '\n' ' ')"
		fail=1
	fi
}
expect "long flag" --metrics scry --met
expect "short flag" -e scry -
expect "-f values" json scry -f j
expect "-d values" codegen-opt scry -d codegen-
expect "--mode values" codegen scry --mode co
expect "probe type after -l" tracepoint: scry -l trace
expect "probe alias after -e" interval: scry -e inter
expect "begin is complete as is" begin scry -e beg
if [ "$(id -u)" = 0 ]; then
	expect "probe names from -l" tracepoint:sched:sched_switch scry -l tracepoint:sched:sched_sw
	expect "software events from -l" software:page-faults: scry -l software:page
fi
echo "1..$n"
exit $fail
