/* bench.c — `bench:NAME`: a benchmark, run only with --bench (--mode bench).
 *
 * Like begin it is never attached: the program is an XDP program (so that
 * BPF_PROG_TEST_RUN can repeat it and time the runs in the kernel), and the
 * runtime runs it with growing repeat counts until one batch takes at least a
 * millisecond, then reports the average time per run. Without --bench the
 * probe is ignored. The target is the benchmark's name. */
#include "probes/probe_int.h"

#include <errno.h>
#include <string.h>

/* Shared with test.c: one name part, kept as the target. */
int probe_expand_named(const struct probe_ops *ops, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d)
{
	const char *name;

	if (ap->attach.n_parts != 1 || !ap->attach.parts[0][0]) {
		probe_arg_count_error(d, ap, ops, 1, 0);
		return -EINVAL;
	}
	name = ap->attach.parts[0];
	ptrvec_push(out, probe_target_new(a, ops, name, name,
					  arena_printf(a, "%s:%s", ops->name, name)));
	return 0;
}

const char *probe_section_named(const struct probe_target *t, struct arena *a)
{
	return "xdp";
}

static int bench_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
			struct arena *a, struct diag *d)
{
	return probe_expand_named(&bench_probe, ap, out, a, d);
}

const struct probe_ops bench_probe = {
	.name = "bench",
	.min_parts = 1,
	.max_parts = 1,
	.expand = bench_expand,
	.section = probe_section_named,
	.context = probe_context_special,
	.attach = probe_attach_special,
};
