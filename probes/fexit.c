/* fexit.c — `fexit:[<module>:]<function>` (fr, kretfunc): BPF trampoline probes
 * on kernel function return; args plus retval. Shares fentry.c's helpers. */
#include "probes/probe_int.h"

static int fexit_expand(const struct probe_env *env, const struct ast_node *ap,
			struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_fentry_expand(&fexit_probe, env, ap, out, a, d);
}

static int fexit_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_fentry_list(&fexit_probe, env, glob, verbose, out);
}

const struct probe_ops fexit_probe = {
	.name = "fexit",
	.aliases = (const char *const[]){ "fr", "kretfunc", NULL },
	.min_parts = 1,
	.max_parts = 3,
	.expand = fexit_expand,
	.section = probe_fentry_section,
	.context = probe_fentry_context,
	.attach = probe_fentry_attach,
	.list = fexit_list,
	.available = probe_fentry_available,
	.suggest = probe_fentry_suggest,
	.prepare = probe_fentry_prepare,
};
