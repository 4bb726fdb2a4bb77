/* info.c — `--info` (what this build and this kernel support) and the checks
 * that BPF programs may be loaded at all (privileges, kernel lockdown).
 *
 * Kernel helpers are probed with libbpf's feature probes, which load tiny
 * programs and so need privileges; without them only the system and build
 * sections are printed. Probe types are reported from scry's own registry,
 * through each type's optional available() check. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <llvm/Config/llvm-config.h>

#include "driver/driver_config.h"
#include "driver/info.h"
#include "probes/probe.h"
#include "runtime/rt.h"
#include "scry_version.h"


bool scry_has_bpf_privileges(void)
{
	return rt_check_privileges(NULL, NULL);
}

bool scry_lockdown_confidential(void)
{
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");
	char buf[256];
	bool on = false;

	/* "none [integrity] confidentiality": the bracketed word is the mode */
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		on = strstr(buf, "[confidentiality]") != NULL;
	fclose(f);
	return on;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static bool has_helper(enum bpf_prog_type type, enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(type, id, NULL) == 1;
}

/* Any loaded module with BTF has a file next to vmlinux. */
static bool has_module_btf(void)
{
	DIR *dir = opendir("/sys/kernel/btf");
	struct dirent *e;
	bool found = false;

	if (!dir)
		return false;
	while (!found && (e = readdir(dir)))
		found = e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux") != 0;
	closedir(dir);
	return found;
}

/* Multi-attach link types, named relative to BPF_TRACE_KPROBE_MULTI since
 * the installed headers may predate the newer ones. */
#define INFO_ATTACH_UPROBE_MULTI ((enum bpf_attach_type)(BPF_TRACE_KPROBE_MULTI + 6))
#define INFO_ATTACH_KPROBE_SESSION ((enum bpf_attach_type)(BPF_TRACE_KPROBE_MULTI + 14))

/* Whether a kprobe program of this expected attach type links: the
 * kernel's link_create for kprobe_multi/kprobe_session (one symbol) or
 * uprobe_multi (a directory as the path, which a capable kernel rejects
 * with EBADF only after accepting the attach type). */
static bool has_multi_link(enum bpf_attach_type type, bool uprobe)
{
	static const struct bpf_insn prog[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                          /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po);
	const char *sym = "vfs_read";
	uint64_t off = 0;
	union {
		struct {
			uint32_t prog_fd, target_fd, attach_type, flags;
			union {
				struct { uint32_t flags, cnt; uint64_t syms, addrs, cookies; } kmulti;
				struct { uint64_t path, offsets, ref_ctr, cookies; uint32_t cnt, flags, pid; } umulti;
			};
		} link;
		char pad[256];
	} attr;
	int fd, lfd;
	bool ok;

	po.expected_attach_type = type;
	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "scry_info", "GPL", prog, 2, &po);
	if (fd < 0)
		return false;
	memset(&attr, 0, sizeof(attr));
	attr.link.prog_fd = (uint32_t)fd;
	attr.link.attach_type = type;
	if (uprobe) {
		attr.link.umulti.path = (uint64_t)(uintptr_t)"/";
		attr.link.umulti.offsets = (uint64_t)(uintptr_t)&off;
		attr.link.umulti.cnt = 1;
	} else {
		attr.link.kmulti.syms = (uint64_t)(uintptr_t)&sym;
		attr.link.kmulti.cnt = 1;
	}
	lfd = (int)syscall(SYS_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	ok = uprobe ? lfd < 0 && errno == EBADF : lfd >= 0;
	if (lfd >= 0)
		close(lfd);
	close(fd);
	return ok;
}

static void kernel_info(FILE *out)
{
	struct probe_env env;
	struct stat st;

	fprintf(out, "Kernel helpers\n");
	fprintf(out, "  dpath: %s\n", yes_no(has_helper(BPF_PROG_TYPE_TRACING, BPF_FUNC_d_path)));
	fprintf(out, "  get_tai_ns: %s\n",
		yes_no(has_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_ktime_get_tai_ns)));
	fprintf(out, "  get_func_ip: %s\n",
		yes_no(has_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_func_ip)));
	fprintf(out, "  lookup_percpu_elem: %s\n",
		yes_no(has_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_map_lookup_percpu_elem)));
	fprintf(out, "\n");

	fprintf(out, "Kernel features\n");
	fprintf(out, "  btf: %s\n", yes_no(stat("/sys/kernel/btf/vmlinux", &st) == 0));
	fprintf(out, "  module btf: %s\n", yes_no(has_module_btf()));
	fprintf(out, "  ringbuf: %s\n",
		yes_no(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1));
	fprintf(out, "\n");

	fprintf(out, "Probe types\n");
	probe_env_default(&env);
	for (size_t i = 0; probe_registry[i]; i++) {
		const struct probe_ops *ops = probe_registry[i];
		const char *why = NULL;
		bool ok = !ops->available || ops->available(&env, &why) == 0;

		if (ok || !why)
			fprintf(out, "  %s: %s\n", ops->name, yes_no(ok));
		else
			fprintf(out, "  %s: no (%s)\n", ops->name, why);
	}
	fprintf(out, "  kprobe_multi: %s\n", yes_no(has_multi_link(BPF_TRACE_KPROBE_MULTI, false)));
	fprintf(out, "  uprobe_multi: %s\n", yes_no(has_multi_link(INFO_ATTACH_UPROBE_MULTI, true)));
	fprintf(out, "  kprobe_session: %s\n",
		yes_no(has_multi_link(INFO_ATTACH_KPROBE_SESSION, false)));
}

void scry_info(FILE *out)
{
	struct utsname u;

	if (uname(&u) == 0) {
		fprintf(out, "System\n");
		fprintf(out, "  OS: %s %s %s\n", u.sysname, u.release, u.version);
		fprintf(out, "  Arch: %s\n", u.machine);
		fprintf(out, "\n");
	}
	fprintf(out, "Build\n");
	fprintf(out, "  version: v%s (bpftrace v0.26.1 language)\n", SCRY_VERSION);
	fprintf(out, "  LLVM: %s\n", LLVM_VERSION_STRING);
	fprintf(out, "  libbpf: %u.%u\n", libbpf_major_version(), libbpf_minor_version());
	fprintf(out, "  libdw (DWARF support): %s\n", yes_no(SCRY_HAVE_LIBDW));
	fprintf(out, "  dwunwind (DWARF stack unwinding): no\n");
	/* uprobe:libc:f, uprobe:libc.so.6:f (probes/libpath.c: ld.so.cache and
	 * the default directories), under the name bpftrace's --info uses */
	fprintf(out, "  bcc library path resolution: yes\n");
	fprintf(out, "\n");
	if (!scry_has_bpf_privileges()) {
		fprintf(out, "Kernel features: run as root to probe them\n");
		return;
	}
	kernel_info(out);
}
