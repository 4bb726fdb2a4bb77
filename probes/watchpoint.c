/* watchpoint.c — `watchpoint:<address>:<length>:<mode>` (w): hardware
 * breakpoints on memory accesses (perf PERF_TYPE_BREAKPOINT) of the -p/-c
 * process (every thread, and those it creates later), or of the kernel
 * (without a process: one event per CPU). */
#include "probes/probe_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include <bpf/libbpf.h>

static int wp_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		     struct arena *a, struct diag *d)
{
	uint64_t addr, len;
	const char *why, *mode;
	struct probe_target *t;

	if (ap->attach.n_parts != 3) {
		probe_arg_count_error(d, ap, &watchpoint_probe, 3, 3);
		return -EINVAL;
	}
	if (probe_parse_uint(ap->attach.parts[0], &addr, &why)) {
		diag_error(d, ap->loc, "Invalid function/address argument: %s: %s", why,
			   ap->attach.parts[0]);
		return -EINVAL;
	}
	if (probe_parse_uint(ap->attach.parts[1], &len, &why)) {
		diag_error(d, ap->loc, "Invalid length argument: %s: %s", why, ap->attach.parts[1]);
		return -EINVAL;
	}
	mode = ap->attach.parts[2];
	if (!addr) {
		diag_error(d, ap->loc, "watchpoint must be attached to a non-zero address");
		return -EINVAL;
	}
	if (len != 1 && len != 2 && len != 4 && len != 8) {
		diag_error(d, ap->loc, "watchpoint length must be one of (1,2,4,8)");
		return -EINVAL;
	}
	if (!*mode || strspn(mode, "rwx") != strlen(mode)) {
		diag_error(d, ap->loc, "watchpoint mode must be combination of (r,w,x)");
		return -EINVAL;
	}
	t = probe_target_new(a, &watchpoint_probe, arena_printf(a, "%llu:%llu:%s",
								 (unsigned long long)addr,
								 (unsigned long long)len, mode),
			     "", arena_printf(a, "watchpoint:%llu:%llu:%s", (unsigned long long)addr,
					      (unsigned long long)len, mode));
	t->offset = addr;
	t->period = len;
	t->pid = env->pid;
	ptrvec_push(out, t);
	return 0;
}

static int wp_open_one(struct bpf_program *prog, struct perf_event_attr *attr, pid_t tid,
		       int cpu, struct ptrvec *links)
{
	struct bpf_link *link;
	int fd, err;

	fd = (int)syscall(__NR_perf_event_open, attr, tid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	link = bpf_program__attach_perf_event(prog, fd);
	if (!link) {
		err = errno ? -errno : -EINVAL;
		close(fd);
		return err;
	}
	ptrvec_push(links, link);
	return 0;
}

/* Breakpoint perf events: with a process (-p, or -c's child), one for each
 * of its threads, inherited by the threads they create later; without one
 * (a kernel address), one per CPU. Threads that exit meanwhile and offline
 * CPUs are skipped: the attach fails only when no event could be made. */
static int wp_attach(struct bpf_program *prog, const struct probe_target *t, struct ptrvec *links)
{
	struct perf_event_attr attr;
	const char *mode = strrchr(t->target, ':');
	size_t first = links->n;
	int err = -ESRCH;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_BREAKPOINT;
	attr.size = sizeof(attr);
	attr.bp_addr = t->offset;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	attr.inherit = 1;
	for (mode = mode ? mode + 1 : ""; *mode; mode++)
		attr.bp_type |= *mode == 'r' ? HW_BREAKPOINT_R : *mode == 'w' ? HW_BREAKPOINT_W
										: HW_BREAKPOINT_X;
	/* an execution breakpoint covers one instruction: the kernel wants
	 * sizeof(long) */
	attr.bp_len = (attr.bp_type & HW_BREAKPOINT_X) ? sizeof(long) : t->period;
	if (t->pid > 0) {
		char dir[64];
		DIR *d;
		struct dirent *e;

		snprintf(dir, sizeof(dir), "/proc/%d/task", (int)t->pid);
		d = opendir(dir);
		if (!d)
			return -ESRCH;
		while ((e = readdir(d))) {
			pid_t tid = (pid_t)atoi(e->d_name);
			int r;

			if (tid <= 0)
				continue;
			r = wp_open_one(prog, &attr, tid, -1, links);
			if (r && err != -ENOSPC)
				err = r;
		}
		closedir(d);
	} else {
		int *cpus, n = probe_online_cpus(&cpus);

		for (int i = 0; i < n; i++) {
			int r = wp_open_one(prog, &attr, -1, cpus[i], links);

			if (r && err != -ENOSPC)
				err = r;
		}
		free(cpus);
	}
	return links->n > first ? 0 : err;
}

static int wp_available(const struct probe_env *env, const char **why)
{
	struct stat st;

	if (stat("/sys/bus/event_source/devices/breakpoint", &st) == 0)
		return 0;
	*why = "this kernel has no hardware breakpoint support (CONFIG_HAVE_HW_BREAKPOINT)";
	return -EOPNOTSUPP;
}

const struct probe_ops watchpoint_probe = {
	.name = "watchpoint",
	.aliases = (const char *const[]){ "w", NULL },
	.min_parts = 3,
	.max_parts = 3,
	.expand = wp_expand,
	.section = probe_section_perf,
	.context = probe_context_perf,
	.attach = wp_attach,
	.available = wp_available,
};
