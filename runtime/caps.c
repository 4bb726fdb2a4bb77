/* caps.c — least privilege: which capability is missing when the kernel says
 * no, and dropping the ones a run no longer needs once its probes are
 * attached.
 *
 * Loading programs and creating maps needs CAP_BPF; tracing program types,
 * perf events (tracepoints, uprobes, timers, watchpoints) and the helpers that
 * read kernel memory need CAP_PERFMON; CAP_SYS_ADMIN stands for both, and is
 * needed on its own for bpf_probe_write_user (write_user()) and to open the
 * kernel's uprobe/kprobe perf events (uprobe, uretprobe, usdt, kprobe).
 *
 * After attach the run only reads: the ring buffer (mapped already), maps and
 * links through the fds it holds (no capability since Linux 6.5 moved the
 * checks to map and program creation), BPF_PROG_TEST_RUN for end and
 * self:signal probes (none), closing fds at exit (none). What it may still
 * open later keeps its capability: CAP_DAC_READ_SEARCH (cat() of any file,
 * binaries and /proc files for user symbols), CAP_SYS_PTRACE (/proc/PID/maps
 * and /proc/PID/root of other users' processes), CAP_SYSLOG (/proc/kallsyms
 * with addresses, read at the first kernel symbol), CAP_KILL (ending the -c
 * child). Everything else leaves the effective, permitted, inheritable,
 * ambient and bounding sets, so no later exec gets it back either.
 *
 * Before that, once the -c child is forked (it keeps the caller's set, as in
 * bpftrace), everything outside RT_CAPS_RUN goes (rt_caps_drop_unused): the
 * compiler parses untrusted input (the script, and the ELF, DWARF and USDT
 * notes of traced binaries) with no CAP_SYS_MODULE, CAP_NET_ADMIN,
 * CAP_SETUID and the like. Without --unsafe only: system() needs none of this.
 *
 * Nothing is dropped after attach when the program calls system() (its commands run with
 * the tracer's privileges, as in bpftrace), or when SCRY_KEEP_CAPS is set in
 * the environment. CAP_DAC_OVERRIDE stays when libbpf had to create legacy
 * kprobe/uprobe events in tracefs (named libbpf_<pid>_...), which it removes
 * at detach by writing to kprobe_events/uprobe_events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/rt_int.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define CAP_BIT(c) (1ull << (c))

/* Capabilities kept after attach (see above). */
#define RT_CAPS_KEEP                                                                     \
	(CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_SYS_PTRACE) | CAP_BIT(CAP_SYSLOG) | \
	 CAP_BIT(CAP_KILL))

/* Capabilities a run may use up to attach (see rt_caps_drop_unused): loading
 * and attaching, reading files and processes for probes and symbols, tracefs
 * (CAP_DAC_OVERRIDE: legacy probe events; CAP_SYS_ADMIN also mounts debugfs
 * for debugf()), raising RLIMIT_NOFILE/RLIMIT_MEMLOCK, a --metrics port below
 * 1024, and dropping the rest later (CAP_SETPCAP). */
#define RT_CAPS_RUN                                                                       \
	(RT_CAPS_KEEP | CAP_BIT(CAP_BPF) | CAP_BIT(CAP_PERFMON) | CAP_BIT(CAP_SYS_ADMIN) |    \
	 CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_SYS_RESOURCE) | CAP_BIT(CAP_IPC_LOCK) |      \
	 CAP_BIT(CAP_NET_BIND_SERVICE) | CAP_BIT(CAP_SETPCAP))

static int caps_get(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	*eff = (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
	*prm = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
	*inh = (uint64_t)data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
	return 0;
}

static int caps_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	data[0].effective = (uint32_t)eff;
	data[1].effective = (uint32_t)(eff >> 32);
	data[0].permitted = (uint32_t)prm;
	data[1].permitted = (uint32_t)(prm >> 32);
	data[0].inheritable = (uint32_t)inh;
	data[1].inheritable = (uint32_t)(inh >> 32);
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

static uint64_t effective_caps(void)
{
	uint64_t eff, prm, inh;

	return caps_get(&eff, &prm, &inh) ? 0 : eff;
}

bool rt_check_privileges(FILE *err, const char *prog_name)
{
	static const struct {
		int cap;
		const char *name, *why;
	} need[] = {
		{ CAP_BPF, "CAP_BPF", "loads BPF programs and creates maps" },
		{ CAP_PERFMON, "CAP_PERFMON", "allows tracing programs and perf events" },
	};
	uint64_t eff = effective_caps();
	bool ok = true;

	/* tracefs (tracepoint ids, available events) is readable by root only */
	if (geteuid() != 0 && !(eff & CAP_BIT(CAP_DAC_READ_SEARCH))) {
		if (err)
			fprintf(err, "ERROR: Missing CAP_DAC_READ_SEARCH capability, please run %s "
				     "as the root user (CAP_DAC_READ_SEARCH reads tracefs)\n",
				prog_name);
		ok = false;
	}
	/* CAP_SYS_ADMIN stands for both (kernels before 5.8 know only it) */
	if (eff & CAP_BIT(CAP_SYS_ADMIN))
		return ok;
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		if (eff & CAP_BIT(need[i].cap))
			continue;
		if (err)
			fprintf(err, "ERROR: Missing %s capability, please run %s as the root user "
				     "(%s %s)\n", need[i].name, prog_name, need[i].name, need[i].why);
		ok = false;
	}
	return ok;
}

/* Probe types whose perf events (the kernel's uprobe and kprobe PMUs) the
 * kernel opens only for CAP_SYS_ADMIN; CAP_PERFMON is not enough. */
static bool needs_sys_admin(const char *type)
{
	static const char *const types[] = { "uprobe", "uretprobe", "usdt", "kprobe", "kretprobe" };

	for (size_t i = 0; type && i < ARRAY_SIZE(types); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

void rt_report_missing_caps(const char *log, const char *probe_type)
{
	uint64_t eff, prm, inh;

	if (caps_get(&eff, &prm, &inh))
		return;
	if (eff & CAP_BIT(CAP_SYS_ADMIN))
		return;
	if (log && strstr(log, "bpf_probe_write_user"))
		fputs("ERROR: missing capability CAP_SYS_ADMIN (needed for write_user(): the "
		      "kernel offers bpf_probe_write_user only with it)\n", stderr);
	if (needs_sys_admin(probe_type))
		fprintf(stderr, "ERROR: missing capability CAP_SYS_ADMIN (needed to attach %s "
				"probes: the kernel opens uprobe and kprobe perf events only with "
				"it)\n", probe_type);
	if (!(eff & CAP_BIT(CAP_BPF)))
		fputs("ERROR: missing capability CAP_BPF (needed to load BPF programs and maps)\n",
		      stderr);
	if (!(eff & CAP_BIT(CAP_PERFMON)))
		fputs("ERROR: missing capability CAP_PERFMON (needed for tracing programs and "
		      "perf events)\n", stderr);
}

/* Whether tracefs holds legacy probe events libbpf made for this process. */
static bool has_legacy_events(void)
{
	static const char *const files[] = {
		"/sys/kernel/tracing/kprobe_events", "/sys/kernel/tracing/uprobe_events",
		"/sys/kernel/debug/tracing/kprobe_events", "/sys/kernel/debug/tracing/uprobe_events",
	};
	char tag[32], line[512];
	bool found = false;

	snprintf(tag, sizeof(tag), "libbpf_%d_", (int)getpid());
	for (size_t i = 0; i < ARRAY_SIZE(files) && !found; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f))
			found = strstr(line, tag) != NULL;
		fclose(f);
	}
	return found;
}

static unsigned last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	unsigned n = 40;

	if (f) {
		if (fscanf(f, "%u", &n) != 1)
			n = 40;
		fclose(f);
	}
	return n > 63 ? 63 : n;
}

static bool keep_all(void)
{
	const char *env = getenv("SCRY_KEEP_CAPS");

	return env && *env && strcmp(env, "0") != 0;
}

/* Leaves only @keep in every capability set of this process. */
static int caps_limit(uint64_t keep)
{
	uint64_t eff, prm, inh;
	unsigned last;
	int err;

	err = caps_get(&eff, &prm, &inh);
	if (err)
		return err;
	/* the bounding set first: dropping from it needs CAP_SETPCAP */
	last = last_cap();
	for (unsigned c = 0; c <= last; c++)
		if (!(keep & CAP_BIT(c)) && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return caps_set(eff & keep, prm & keep, 0);
}

int rt_caps_drop_unused(void)
{
	if (keep_all())
		return 0;
	return caps_limit(RT_CAPS_RUN);
}

int rt_caps_drop(struct rt *rt)
{
	uint64_t keep = RT_CAPS_KEEP;
	int err;

	if (keep_all())
		return 0;
	for (size_t i = 0; i < rt->res->actions.n; i++) {
		const struct action *a = rt->res->actions.v[i];

		if (a->kind == ACT_SYSTEM)
			return 0;
	}
	if (has_legacy_events())
		keep |= CAP_BIT(CAP_DAC_OVERRIDE);
	err = caps_limit(keep);
	if (err)
		return err;
	rt->caps_dropped = true;
	return 0;
}
