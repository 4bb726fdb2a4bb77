/* uretprobe.c — `uretprobe:<binary>:<function>` (ur): user-space function
 * return probes; expansion, attach and listing are uprobe.c's (no offsets:
 * a return probe sits at the function's entry). */
#include "probes/probe_int.h"

static int uretprobe_expand(const struct probe_env *env, const struct ast_node *ap,
			    struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_uprobe_expand(&uretprobe_probe, env, ap, out, a, d);
}

static int uretprobe_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_uprobe_list(&uretprobe_probe, env, glob, verbose, out);
}

const struct probe_ops uretprobe_probe = {
	.name = "uretprobe",
	.aliases = (const char *const[]){ "ur", NULL },
	.min_parts = 1,
	.max_parts = 3,
	.expand = uretprobe_expand,
	.section = probe_uprobe_section,
	.context = probe_uprobe_context,
	.attach = probe_uprobe_attach,
	.prepare = probe_uprobe_prepare,
	.list = uretprobe_list,
	.available = probe_uprobe_available,
	.suggest = probe_uprobe_suggest,
};
