/* kretprobe.c — `kretprobe:[<module>:]<function>` (kr): kernel function return
 * probes; shares kprobe.c's helpers (no offsets allowed). */
#include "probes/probe_int.h"

static int kretprobe_expand(const struct probe_env *env, const struct ast_node *ap,
			    struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_kprobe_expand(&kretprobe_probe, env, ap, out, a, d);
}

static int kretprobe_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_kprobe_list(&kretprobe_probe, env, glob, verbose, out);
}

const struct probe_ops kretprobe_probe = {
	.name = "kretprobe",
	.aliases = (const char *const[]){ "kr", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = kretprobe_expand,
	.section = probe_kprobe_section,
	.context = probe_kprobe_context,
	.attach = probe_kprobe_attach,
	.list = kretprobe_list,
	.available = probe_kprobe_available,
	.suggest = probe_kprobe_suggest,
};
