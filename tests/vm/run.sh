#!/bin/bash
# run.sh SCRY — the 'vm' suite: kprobe/kretprobe/fentry/fexit cases that need a
# kernel with kprobes and BPF trampolines. It boots one qemu guest (vmrun: a
# stock Debian kernel over this machine's root file system) and runs every case
# of guest.sh in it, then reports the guest's PASS/FAIL/SKIP lines as TAP.
# Skipped as a whole when not root or when qemu/vmrun is missing. VMRUN names
# the vmrun script (default: vmrun in PATH, then shared/vmtest/vmrun beside the checkout);
# VMRUN_KERNEL picks the guest kernel package.
set -u
SCRY=$(realpath "${1:?usage: run.sh SCRY}")
HERE=$(dirname "$(realpath "$0")")

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root"
# shared/ sits beside the project's checkout (in CI too)
SHARED_VMRUN=$(realpath -m "$HERE/../../../shared/vmtest/vmrun")
[ -x "$SHARED_VMRUN" ] || SHARED_VMRUN=/work/shared/vmtest/vmrun
VMRUN=${VMRUN:-$(command -v vmrun || echo "$SHARED_VMRUN")}
[ -x "$VMRUN" ] || skip "no vmrun (set VMRUN)"
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"

OUT=$(mktemp /tmp/scry-vm.XXXXXX)
trap 'rm -f "$OUT"' EXIT
"$VMRUN" --mem 1G --timeout 400 -- /bin/bash "$HERE/guest.sh" "$SCRY" > "$OUT" 2>&1
rc=$?
if [ "$rc" = 125 ] && ! grep -q '^PASS\|^FAIL' "$OUT"; then
	sed 's/^/# /' "$OUT"
	skip "the guest did not boot (vmrun exit 125)"
fi

n=0 bad=0
plan=$(grep -cE '^(PASS|FAIL|SKIP) ' "$OUT")
if [ "$plan" = 0 ]; then
	sed 's/^/# /' "$OUT"
	printf '1..1\nnot ok 1 - the guest ran no case (vmrun exit %s)\n' "$rc"
	exit 1
fi
echo "1..$plan"
while IFS= read -r line; do
	case $line in
	"PASS "*) n=$((n + 1)); echo "ok $n - ${line#PASS }" ;;
	"FAIL "*) n=$((n + 1)) bad=$((bad + 1)); echo "not ok $n - ${line#FAIL }" ;;
	"SKIP "*) n=$((n + 1)); s=${line#SKIP }; echo "ok $n - ${s%%:*} # SKIP ${s#*: }" ;;
	*) echo "# $line" ;;
	esac
done < "$OUT"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || echo "# vmrun exit $rc"
[ "$bad" = 0 ]
