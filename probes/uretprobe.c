/* uretprobe.c — `uretprobe:<binary>:<function>` (ur): user-space function
 * return probes; shares uprobe.c's helpers. */
#include "probes/probe_int.h"

static int uretprobe_expand(const struct probe_env *env, const struct ast_node *ap,
			    struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_uprobe_expand(&uretprobe_probe, env, ap, out, a, d);
}

const struct probe_ops uretprobe_probe = {
	.name = "uretprobe",
	.aliases = (const char *const[]){ "ur", NULL },
	.min_parts = 2,
	.max_parts = 3,
	.expand = uretprobe_expand,
	.section = probe_uprobe_section,
	.context = probe_kprobe_context,
	.attach = probe_uprobe_attach,
	.available = probe_uprobe_available,
};
