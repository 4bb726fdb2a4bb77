/* end.c — `end` (END): runs once when tracing stops, before maps are printed.
 * Like begin, a bare "raw_tp" program that the runtime test-runs. */
#include "probes/probe_int.h"

static int end_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		      struct arena *a, struct diag *d)
{
	return probe_expand_special(&end_probe, ap, out, a, d);
}

const struct probe_ops end_probe = {
	.name = "end",
	.aliases = (const char *const[]){ "END", NULL },
	.min_parts = 0,
	.max_parts = 0,
	.expand = end_expand,
	.section = probe_section_special,
	.context = probe_context_special,
	.attach = probe_attach_special,
};
