/* uprobe.c — `uprobe:<binary>:[<lang>:]<function>[+<offset>]` (u): user-space
 * function entry probes. The helpers here serve uretprobe.c and usdt.c.
 *
 * For now targets are taken as written (no path resolution, no wildcard
 * expansion over ELF symbols); libbpf resolves the function name at attach
 * time. available() checks for the uprobe PMU. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

int probe_uprobe_available(const struct probe_env *env, const char **why)
{
	struct stat st;

	if (stat("/sys/bus/event_source/devices/uprobe", &st) == 0)
		return 0;
	*why = "this kernel has no uprobe support (CONFIG_UPROBE_EVENTS is not set)";
	return -EOPNOTSUPP;
}

int probe_uprobe_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d)
{
	bool is_ret = strcmp(ops->name, "uretprobe") == 0;
	const char *path, *func, *plus, *why;
	uint64_t off = 0;
	struct probe_target *t;

	if (ap->attach.n_parts != 2 && ap->attach.n_parts != 3) {
		probe_arg_count_error(d, ap, ops, 2, 3);
		return -EINVAL;
	}
	path = ap->attach.parts[0];
	func = ap->attach.parts[ap->attach.n_parts - 1];
	if (!*path) {
		diag_error(d, ap->loc, "%s should have a target", ops->name);
		return -EINVAL;
	}
	plus = strchr(func, '+');
	if (plus) {
		if (is_ret) {
			diag_error(d, ap->loc, "Offset not allowed");
			return -EINVAL;
		}
		if (probe_parse_uint(plus + 1, &off, &why)) {
			diag_error(d, ap->loc, "Invalid offset: %s: %s", why, plus + 1);
			return -EINVAL;
		}
		func = arena_strndup(a, func, (size_t)(plus - func));
	}
	t = probe_target_new(a, ops, arena_printf(a, "%s:%s", path, func), func,
			     arena_printf(a, "%s:%s:%s", ops->name, path, func));
	t->path = str_intern0(a, path);
	t->offset = off;
	t->is_ret = is_ret;
	t->pid = env->pid;
	ptrvec_push(out, t);
	return 0;
}

const char *probe_uprobe_section(const struct probe_target *t, struct arena *a)
{
	return t->is_ret ? "uretprobe" : "uprobe";
}

int probe_uprobe_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_link *link;

	opts.retprobe = t->is_ret;
	opts.func_name = t->func && *t->func ? t->func : NULL;
	link = bpf_program__attach_uprobe_opts(prog, t->pid > 0 ? t->pid : -1, t->path,
					       (size_t)t->offset, &opts);
	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

static int uprobe_expand(const struct probe_env *env, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_uprobe_expand(&uprobe_probe, env, ap, out, a, d);
}

const struct probe_ops uprobe_probe = {
	.name = "uprobe",
	.aliases = (const char *const[]){ "u", NULL },
	.min_parts = 2,
	.max_parts = 3,
	.expand = uprobe_expand,
	.section = probe_uprobe_section,
	.context = probe_kprobe_context,
	.attach = probe_uprobe_attach,
	.available = probe_uprobe_available,
};
