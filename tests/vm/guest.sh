#!/bin/bash
# guest.sh SCRY — the kernel-probe cases, run INSIDE a guest whose kernel has
# kprobes and BPF trampolines (tests/vm/run.sh boots it once for all of them).
# Each case runs scry with a timeout and prints one line:
#   PASS <name> | FAIL <name> (then the output, indented) | SKIP <name>: <reason>
# The workload is dd reading a file in 7-byte blocks: exactly N vfs_read calls
# of 7 bytes from a process named "dd" (its other reads are of other sizes).
SCRY=${1:?usage: guest.sh SCRY}
N=20
DAT=/tmp/scry-vm.dat
head -c 4096 /dev/zero > "$DAT"
DD="dd if=$DAT of=/dev/null bs=7 count=$N status=none"
export BPFTRACE_MAX_STRLEN=64
# The compiler module: the build directory's file when there is one (no 38 MB
# copy into a cache directory under emulation), and a first compile before
# the timed cases.
MOD="$(dirname "$(realpath "$SCRY")")/scry-codegen.so"
[ -f "$MOD" ] && export SCRY_CODEGEN_MODULE="$MOD"
timeout 200 "$SCRY" -e 'begin { exit(); }' >/dev/null 2>&1 || true

# t NAME REGEX [SCRY ARGS...]: PASS if the output has a line matching REGEX.
t() {
	local name=$1 re=$2 out
	shift 2
	out=$(timeout 90 "$SCRY" "$@" 2>&1)
	if grep -qE -- "$re" <<<"$out"; then
		echo "PASS $name"
	else
		echo "FAIL $name"
		sed 's/^/    /' <<<"$out" | head -40
	fi
}

# kprobe / kretprobe: argN, retval, func, probe, module:function, +offset
t kprobe "^@: ($N|[2-9][0-9]|[1-9][0-9]{2,})$" \
	-e 'kprobe:vfs_read /comm == "dd"/ { @ = count(); }' -c "$DD"
t kprobe-arg2 "^@\[7\]: $N$" \
	-e 'k:vfs_read /comm == "dd"/ { @[arg2] = count(); }' -c "$DD"
t kprobe-vmlinux-func "^@\[vfs_read, kprobe:vmlinux:vfs_read\]: [1-9]" \
	-e 'kprobe:vmlinux:vfs_read /comm == "dd"/ { @[func, probe] = count(); }' -c "$DD"
t kprobe-offset "^@\[vfs_read\]: [1-9]" \
	-e 'kprobe:vfs_read+0 /comm == "dd"/ { @[func] = count(); }' -c "$DD"
t kretprobe-retval "^@\[7\]: $N$" \
	-e 'kretprobe:vfs_read /comm == "dd"/ { @[retval] = count(); }' -c "$DD"
t kretprobe-func "^@\[vfs_read\]: [1-9]" \
	-e 'kr:vfs_read /comm == "dd"/ { @[func] = count(); }' -c "$DD"

# an address (kallsyms), with --unsafe
addr=$(awk '$3 == "vfs_read" && ($2 == "T" || $2 == "t") { print $1; exit }' /proc/kallsyms)
t kprobe-address "^@\[vfs_read, kprobe:$(printf %u "0x$addr")\]: $N$" --unsafe \
	-e "kprobe:0x$addr /comm == \"dd\" && arg2 == 7/ { @[func, probe] = count(); }" -c "$DD"

# wildcards over available_filter_functions
t kprobe-wildcard "^@\[kprobe:vfs_read\]: [1-9]" \
	-e 'kprobe:vfs_rea* /comm == "dd"/ { @[probe] = count(); }' -c "$DD"

t kretprobe-wildcard-func "^@\[vfs_read, 7\]: $N$" \
	-e 'kretprobe:vfs_rea* /comm == "dd"/ { @[func, retval] = count(); }' -c "$DD"
# kprobe_multi (kernels with CONFIG_FPROBE): one program and one link
if grep -q ' fprobe_register$' /proc/kallsyms && command -v bpftool >/dev/null; then
	t kprobe-multi-link "^links: 1$" --unsafe \
		-e 'kprobe:vfs_rea* { printf("links: "); system("bpftool link | grep -c kprobe_multi"); exit(); }' \
		-c "$DD"
else
	echo "SKIP kprobe-multi-link: no kprobe_multi (CONFIG_FPROBE) or no bpftool"
fi

# a function of a loaded module (reads of files of the 9p/overlay root)
mod=
for m in overlay 9p; do
	grep -q "^$m " /proc/modules && grep -q "^ovl_read_iter \[$m\]\|^v9fs_file_read_iter \[$m\]" \
		/sys/kernel/tracing/available_filter_functions && { mod=$m; break; }
done
if [ "$mod" = overlay ]; then
	t kprobe-module "^@\[ovl_read_iter\]: [1-9]" \
		-e 'kprobe:overlay:ovl_read_iter /comm == "cat"/ { @[func] = count(); }' -c "cat /etc/hostname"
elif [ "$mod" = 9p ]; then
	t kprobe-module "^@\[v9fs_file_read_iter\]: [1-9]" \
		-e 'kprobe:9p:v9fs_file_read_iter /comm == "cat"/ { @[func] = count(); }' -c "cat /etc/hostname"
else
	echo "SKIP kprobe-module: no overlay or 9p module loaded"
fi

# fentry on a module function (module BTF), typed from the module's BTF
if [ "$mod" = overlay ] && [ -e /sys/kernel/btf/overlay ]; then
	t fentry-module "^@\[fentry:overlay:ovl_read_iter, 0\]: [1-9]" \
		-e 'fentry:overlay:ovl_read_iter /comm == "cat"/ { @[probe, args.iocb->ki_pos] = count(); }' \
		-c "cat /etc/hostname"
	t fexit-module-retval "^@\[fexit:overlay:ovl_read_iter\]: [1-9]" \
		-e 'fexit:ovl_read_iter /comm == "cat" && retval >= 0/ { @[probe] = count(); }' -c "cat /etc/hostname"
	t list-fentry-module "^    struct kiocb \* iocb$" -lv 'fentry:overlay:ovl_read_iter'
else
	echo "SKIP fentry-module: no overlay module BTF"
fi

# fentry / fexit with BTF-typed args and retval
t fentry-args "^@\[7\]: $N$" \
	-e 'fentry:vfs_read /comm == "dd"/ { @[args.count] = count(); }' -c "$DD"
t kfunc-deref "^@\[scry-vm.dat\]: $N$" \
	-e 'kfunc:vfs_read /comm == "dd" && args.count == 7/ { @[str(args.file->f_path.dentry->d_name.name)] = count(); }' \
	-c "$DD"
t fentry-print-args "^\{ \.file = 0x[0-9a-f]+, \.buf = 0x[0-9a-f]+, \.count = 7, \.pos = 0x[0-9a-f]+ \}$" \
	-e 'fentry:vfs_read /comm == "dd" && args.count == 7/ { print(args); exit(); }' -c "$DD"
t fexit-retval "^@\[7\]: $N$" \
	-e 'fexit:vfs_read /comm == "dd"/ { @[retval] = count(); }' -c "$DD"
t kretfunc-probe "^@\[fexit:vmlinux:vfs_read, vfs_read\]: [1-9]" \
	-e 'kretfunc:vmlinux:vfs_read /comm == "dd"/ { @[probe, func] = count(); }' -c "$DD"
t fentry-wildcard "^@\[fentry:vmlinux:vfs_read\]: [1-9]" \
	-e 'fentry:vfs_rea* /comm == "dd"/ { @[probe] = count(); }' -c "$DD"

# listing
t list-kprobe "^kprobe:vfs_read$" -l 'kprobe:vfs_*'
t list-kprobe-module "^kprobe:vmlinux:vfs_read$" -l 'kprobe:vmlinux:vfs_read'
t list-fentry "^fentry:vmlinux:vfs_read$" -l 'fentry:vfs_read'
t list-fentry-args "^    size_t count$" -lv 'fentry:vfs_read'

# "did you mean" for a function that does not exist (ftrace's list / BTF)
t kprobe-suggest "^HINT: did you mean 'kprobe:vfs_read'\?$" -e 'kprobe:vfs_raed { exit(); }'
t kretprobe-suggest-module "^HINT: did you mean 'kretprobe:vmlinux:vfs_read'\?$" \
	-e 'kretprobe:vmlinx:vfs_read { exit(); }'
t fentry-suggest "^HINT: did you mean 'fentry:vfs_read'\?$" -e 'fentry:vfs_raed { exit(); }'
t fexit-suggest-module "^HINT: did you mean 'fexit:vmlinux:vfs_write'\?$" \
	-e 'fexit:vmlinux:vfs_wrte { exit(); }'

# bpftrace's tools that use kprobes (run until the workload given by -c ends)
TOOLS=${SCRY_TOOLS:-$(realpath -m "$(dirname "$(realpath "$0")")/../../../shared/conformance/tools")}
[ -d "$TOOLS" ] || TOOLS=/work/shared/conformance/tools
if [ -d "$TOOLS" ]; then
	t tool-vfscount "^@\[vfs_read\]: [1-9]" "$TOOLS/vfscount.bt" -c "$DD"
	t tool-vfsstat "^Tracing key VFS calls" "$TOOLS/vfsstat.bt" -c "$DD"
	t tool-dcsnoop "cat +R hostname$" "$TOOLS/dcsnoop.bt" -c "cat /etc/hostname"
	t tool-capable "^Tracing cap_capable syscalls" "$TOOLS/capable.bt" -c "$DD"
	t tool-oomkill "^Tracing oom_kill_process" "$TOOLS/oomkill.bt" -c "$DD"
	t tool-tcpconnect "^Tracing tcp connections" "$TOOLS/tcpconnect.bt" \
		-c "timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' "
	t tool-tcpaccept "^Tracing TCP accepts" "$TOOLS/tcpaccept.bt" -c "$DD"
	t tool-tcplife "^PID +COMM" "$TOOLS/tcplife.bt" -c "timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' "
	t tool-biolatency-kp "^Tracing block device I/O" "$TOOLS/biolatency-kp.bt" -c "$DD"
else
	echo "SKIP tools: no tools directory (set SCRY_TOOLS)"
fi

# fentry/fexit on a running BPF program: fentry:bpf:[<id>:]<name>
"$SCRY" -e 'interval:ms:100 { @a = 1; } interval:s:120 { exit(); }' >/dev/null 2>&1 &
BP=$!
for _ in $(seq 60); do
	"$SCRY" -l 'fentry:bpf:*' 2>/dev/null | grep -q 'interval_' && break
	sleep 2
done
t list-fentry-bpf "^fentry:bpf:[0-9]+:interval_[a-z]+_100[0-9]*_1$" -l 'fentry:bpf:*'
t fentry-bpf "^fentry:bpf:[0-9]+:interval_[a-z]+_100[0-9]*_1$" \
	-e 'fentry:bpf:interval_* { print(probe); exit(); }'
t fexit-bpf-id "^fexit:bpf:[0-9]+:interval_[a-z]+_100[0-9]*_1$" \
	-e 'fexit:bpf:*:interval_*_1 { print(probe); exit(); }'
kill "$BP" 2>/dev/null
wait "$BP" 2>/dev/null
