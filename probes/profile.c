/* profile.c — `profile:<unit>:<count>` (p): fires on every online CPU at a
 * fixed rate (hz, s, ms, us; `profile:<n>` is n ns as for interval). One
 * SW_CPU_CLOCK perf event per CPU, restricted to the -p process if any. */
#include "probes/probe_int.h"

static int profile_expand(const struct probe_env *env, const struct ast_node *ap,
			  struct ptrvec *out, struct arena *a, struct diag *d)
{
	size_t first = out->n;
	int err = probe_expand_timed(&profile_probe, ap, out, a, d);

	for (size_t i = first; i < out->n; i++)
		((struct probe_target *)out->v[i])->pid = env->pid;
	return err;
}

static int profile_attach(struct bpf_program *prog, const struct probe_target *t,
			  struct ptrvec *links)
{
	return probe_perf_attach_all(prog, t->event_type, t->event_config, t->period, t->is_freq,
				     t->pid, links);
}

static int profile_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_list_timed(&profile_probe, glob, out);
}

const struct probe_ops profile_probe = {
	.name = "profile",
	.aliases = (const char *const[]){ "p", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = profile_expand,
	.section = probe_section_perf,
	.context = probe_context_perf,
	.attach = profile_attach,
	.list = profile_list,
};
