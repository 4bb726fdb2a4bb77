/* software.c — `software:<event>[:<count>]` (s): kernel software perf events
 * (cpu-clock, page-faults, ...), sampled every <count> events (a per-event
 * default when omitted), one perf event per online CPU.
 *
 * The event-table helpers are shared with hardware.c. */
#include "probes/probe_int.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

/* bpftrace's names, aliases and default counts. */
static const struct probe_perf_event sw_events[] = {
	{ "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1 },
};

int probe_expand_perf(const struct probe_ops *ops, const struct probe_perf_event *tab, size_t n,
		      uint32_t perf_type, const struct ast_node *ap, struct ptrvec *out,
		      struct arena *a, struct diag *d)
{
	const struct probe_perf_event *ev = NULL;
	const char *name, *why;
	uint64_t count = 0;
	struct probe_target *t;
	const char *kind = perf_type == PERF_TYPE_HARDWARE ? "hardware" : "software";

	if (ap->attach.n_parts != 1 && ap->attach.n_parts != 2) {
		probe_arg_count_error(d, ap, ops, 1, 2);
		return -EINVAL;
	}
	name = ap->attach.parts[0];
	if (!*name) {
		diag_error(d, ap->loc, "%s probe must have a %s event name", kind, kind);
		return -EINVAL;
	}
	if (probe_has_wildcard(name)) {
		diag_error(d, ap->loc, "wildcards are not allowed for %s probe type", kind);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0 || (tab[i].alias && strcmp(tab[i].alias, name) == 0))
			ev = &tab[i];
	if (!ev) {
		diag_error(d, ap->loc, "%s is not a %s probe", name, kind);
		return -EINVAL;
	}
	if (ap->attach.n_parts == 2 && strcmp(ap->attach.parts[1], "*") != 0) {
		if (probe_parse_uint(ap->attach.parts[1], &count, &why)) {
			diag_error(d, ap->loc, "Invalid count for %s probe: %s: %s", ops->name, why,
				   ap->attach.parts[1]);
			return -EINVAL;
		}
	}
	if (count)
		t = probe_target_new(a, ops, arena_printf(a, "%s:%llu", name, (unsigned long long)count),
				     "", arena_printf(a, "%s:%s:%llu", ops->name, name,
						      (unsigned long long)count));
	else
		t = probe_target_new(a, ops, name, "", arena_printf(a, "%s:%s", ops->name, name));
	t->period = count ? count : ev->default_period;
	t->event_type = perf_type;
	t->event_config = ev->config;
	ptrvec_push(out, t);
	return 0;
}

int probe_list_perf(const struct probe_ops *ops, const struct probe_perf_event *tab, size_t n,
		    const char *glob, FILE *out)
{
	struct strvec names = { 0 };

	for (size_t i = 0; i < n; i++) {
		strvec_push_owned(&names, xasprintf("%s:", tab[i].name));
		if (tab[i].alias)
			strvec_push_owned(&names, xasprintf("%s:", tab[i].alias));
	}
	strvec_sort(&names);
	probe_print_matches(out, ops->name, &names, glob);
	strvec_fini(&names);
	return 0;
}

static int sw_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		     struct arena *a, struct diag *d)
{
	size_t first = out->n;
	int err = probe_expand_perf(&software_probe, sw_events, ARRAY_SIZE(sw_events),
				    PERF_TYPE_SOFTWARE, ap, out, a, d);

	for (size_t i = first; i < out->n; i++)
		((struct probe_target *)out->v[i])->pid = env->pid;
	return err;
}

int probe_attach_perf(struct bpf_program *prog, const struct probe_target *t, struct ptrvec *links)
{
	return probe_perf_attach_all(prog, t->event_type, t->event_config, t->period, t->is_freq,
				     t->pid, links);
}

static int sw_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_list_perf(&software_probe, sw_events, ARRAY_SIZE(sw_events), glob, out);
}

static int sw_available(const struct probe_env *env, const char **why)
{
	int err = probe_perf_try(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);

	if (err == -EACCES || err == -EPERM)
		*why = "perf events are not permitted (perf_event_open: Permission denied)";
	else if (err)
		*why = "this kernel has no software perf events (perf_event_open failed)";
	return err;
}

const struct probe_ops software_probe = {
	.name = "software",
	.aliases = (const char *const[]){ "s", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = sw_expand,
	.section = probe_section_perf,
	.context = probe_context_perf,
	.attach = probe_attach_perf,
	.list = sw_list,
	.available = sw_available,
};
