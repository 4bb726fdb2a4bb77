/* hardware.c — `hardware:<event>[:<count>]` (h): CPU PMU counters (cycles,
 * instructions, cache misses, ...), sampled every <count> events, one perf
 * event per online CPU. available() opens a cycles counter to find out whether
 * this machine has a PMU at all (virtual machines often have none). */
#include "probes/probe_int.h"

#include <errno.h>
#include <linux/perf_event.h>

static const struct probe_perf_event hw_events[] = {
	{ "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

static int hw_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		     struct arena *a, struct diag *d)
{
	size_t first = out->n;
	int err = probe_expand_perf(&hardware_probe, hw_events, ARRAY_SIZE(hw_events),
				    PERF_TYPE_HARDWARE, ap, out, a, d);

	for (size_t i = first; i < out->n; i++)
		((struct probe_target *)out->v[i])->pid = env->pid;
	return err;
}

static int hw_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_list_perf(&hardware_probe, hw_events, ARRAY_SIZE(hw_events), glob, out);
}

static int hw_available(const struct probe_env *env, const char **why)
{
	int err = probe_perf_try(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);

	switch (err) {
	case 0:
		break;
	case -ENOENT:
		*why = "this machine has no hardware PMU (perf_event_open: No such file or directory)";
		break;
	case -EOPNOTSUPP:
		*why = "this machine has no hardware PMU (perf_event_open: Operation not supported)";
		break;
	case -ENODEV:
		*why = "this machine has no hardware PMU (perf_event_open: No such device)";
		break;
	case -EACCES:
	case -EPERM:
		*why = "hardware perf events are not permitted (perf_event_open: Permission denied)";
		break;
	default:
		*why = "this machine has no usable hardware PMU (perf_event_open failed)";
		break;
	}
	return err;
}

const struct probe_ops hardware_probe = {
	.name = "hardware",
	.aliases = (const char *const[]){ "h", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = hw_expand,
	.section = probe_section_perf,
	.context = probe_context_perf,
	.attach = probe_attach_perf,
	.list = hw_list,
	.available = hw_available,
};
