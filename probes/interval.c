/* interval.c — `interval:<unit>:<count>` (i): fires on one CPU at a fixed rate.
 *
 * Units are s, ms, us and hz; `interval:<n>` is n nanoseconds (duration
 * suffixes allowed: interval:1s), at least 1000, and becomes us:<n/1000> as in
 * bpftrace. Implemented as a SW_CPU_CLOCK perf event on the first online CPU.
 * The unit parsing is shared with profile.c (probe_expand_timed). */
#include "probes/probe_int.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

static const char *const timed_units[] = { "hz", "ms", "s", "us" };

int probe_expand_timed(const struct probe_ops *ops, const struct ast_node *ap,
		       struct ptrvec *out, struct arena *a, struct diag *d)
{
	const char *unit, *why;
	uint64_t count, period;
	struct probe_target *t;
	bool unit_ok = false;

	if (ap->attach.n_parts == 1) {
		const char *s = ap->attach.parts[0];
		uint64_t ns;

		if (probe_has_wildcard(s)) {
			diag_error(d, ap->loc, "%s is not an accepted unit of time", s);
			return -EINVAL;
		}
		if (probe_parse_uint(s, &ns, &why)) {
			diag_error(d, ap->loc, "Invalid rate of %s probe: %s: %s", ops->name, why, s);
			return -EINVAL;
		}
		if (ns < 1000) {
			diag_error(d, ap->loc,
				   "Invalid rate of %s probe. Minimum is 1000 or 1us. Found: %llu nanoseconds",
				   ops->name, (unsigned long long)ns);
			return -EINVAL;
		}
		unit = "us";
		count = ns / 1000;
	} else if (ap->attach.n_parts == 2) {
		unit = ap->attach.parts[0];
		if (probe_parse_uint(ap->attach.parts[1], &count, &why)) {
			diag_error(d, ap->loc, "Invalid rate of %s probe: %s: %s", ops->name, why,
				   ap->attach.parts[1]);
			return -EINVAL;
		}
	} else {
		probe_arg_count_error(d, ap, ops, 1, 2);
		return -EINVAL;
	}
	if (!*unit) {
		diag_error(d, ap->loc, "%s probe must have unit of time", ops->name);
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(timed_units); i++)
		if (strcmp(unit, timed_units[i]) == 0)
			unit_ok = true;
	if (!unit_ok) {
		diag_error(d, ap->loc, "%s is not an accepted unit of time", unit);
		return -EINVAL;
	}
	if (count == 0) {
		diag_error(d, ap->loc, "%s frequency should be a positive integer", ops->name);
		return -EINVAL;
	}
	if (strcmp(unit, "hz") == 0)
		period = count;
	else if (strcmp(unit, "s") == 0)
		period = count * 1000000000ULL;
	else if (strcmp(unit, "ms") == 0)
		period = count * 1000000ULL;
	else
		period = count * 1000ULL;
	t = probe_target_new(a, ops, arena_printf(a, "%s:%llu", unit, (unsigned long long)count), "",
			     arena_printf(a, "%s:%s:%llu", ops->name, unit,
					  (unsigned long long)count));
	t->period = period;
	t->is_freq = strcmp(unit, "hz") == 0;
	t->event_type = PERF_TYPE_SOFTWARE;
	t->event_config = PERF_COUNT_SW_CPU_CLOCK;
	ptrvec_push(out, t);
	return 0;
}

int probe_list_timed(const struct probe_ops *ops, const char *glob, FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(timed_units); i++) {
		char *s = xasprintf("%s:", timed_units[i]);

		if (!glob || probe_glob_match(glob, s))
			fprintf(out, "%s:%s\n", ops->name, s);
		free(s);
	}
	return 0;
}

static int interval_expand(const struct probe_env *env, const struct ast_node *ap,
			   struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_expand_timed(&interval_probe, ap, out, a, d);
}

static int interval_attach(struct bpf_program *prog, const struct probe_target *t,
			   struct ptrvec *links)
{
	int *cpus, n = probe_online_cpus(&cpus);
	int cpu = n > 0 ? cpus[0] : 0;

	free(cpus);
	return probe_perf_attach_one(prog, t->event_type, t->event_config, t->period, t->is_freq,
				     -1, cpu, links);
}

static int interval_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_list_timed(&interval_probe, glob, out);
}

const struct probe_ops interval_probe = {
	.name = "interval",
	.aliases = (const char *const[]){ "i", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = interval_expand,
	.section = probe_section_perf,
	.context = probe_context_perf,
	.attach = interval_attach,
	.list = interval_list,
};
