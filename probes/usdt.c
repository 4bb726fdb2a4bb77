/* usdt.c — `usdt:<binary>:[<provider>:]<name>` (U): user statically defined
 * tracepoints. For now targets are taken as written; attach goes through
 * libbpf's USDT support, which needs the provider. */
#include "probes/probe_int.h"

#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

static int usdt_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d)
{
	const char *path, *prov = "", *name;
	struct probe_target *t;

	if (ap->attach.n_parts != 2 && ap->attach.n_parts != 3) {
		probe_arg_count_error(d, ap, &usdt_probe, 2, 3);
		return -EINVAL;
	}
	path = ap->attach.parts[0];
	name = ap->attach.parts[ap->attach.n_parts - 1];
	if (ap->attach.n_parts == 3)
		prov = ap->attach.parts[1];
	if (!*name) {
		diag_error(d, ap->loc, "usdt probe must have a target function or wildcard");
		return -EINVAL;
	}
	t = probe_target_new(a, &usdt_probe, arena_printf(a, "%s:%s", prov, name), name,
			     *prov ? arena_printf(a, "usdt:%s:%s:%s", path, prov, name)
				   : arena_printf(a, "usdt:%s:%s", path, name));
	t->path = str_intern0(a, path);
	t->pid = env->pid;
	ptrvec_push(out, t);
	return 0;
}

static const char *usdt_section(const struct probe_target *t, struct arena *a)
{
	return "usdt";
}

static int usdt_attach(struct bpf_program *prog, const struct probe_target *t,
		       struct ptrvec *links)
{
	const char *colon = strchr(t->target, ':');
	char prov[256];
	struct bpf_link *link;
	size_t n = colon ? (size_t)(colon - t->target) : 0;

	if (!colon || n == 0 || n >= sizeof(prov))
		return -EINVAL;
	memcpy(prov, t->target, n);
	prov[n] = 0;
	link = bpf_program__attach_usdt(prog, t->pid > 0 ? t->pid : -1, t->path, prov, colon + 1,
					NULL);
	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

const struct probe_ops usdt_probe = {
	.name = "usdt",
	.aliases = (const char *const[]){ "U", NULL },
	.min_parts = 2,
	.max_parts = 3,
	.expand = usdt_expand,
	.section = usdt_section,
	.context = probe_kprobe_context,
	.attach = usdt_attach,
	.available = probe_uprobe_available,
};
