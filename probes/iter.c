/* iter.c — `iter:<name>[:<pin>]` (it): BPF iterators (task, task_file, ...).
 * Names come from the `struct bpf_iter__<name>` types of vmlinux BTF. Parsing,
 * section and listing for now; the runtime part comes later. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

static void iter_all(const struct probe_env *env, struct strvec *out)
{
	struct btf *btf = (struct btf *)probe_env_btf(env);
	bool owned = false;

	if (!btf && env->btf_path) {
		btf = btf__parse(env->btf_path, NULL);
		if (!btf || libbpf_get_error(btf))
			return;
		owned = true;
	}
	if (!btf)
		return;
	for (uint32_t id = 1, n = btf__type_cnt(btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		size_t len;

		if (!btf_is_struct(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (strncmp(name, "bpf_iter__", 10) != 0)
			continue;
		len = strlen(name);
		if (len > 14 && strcmp(name + len - 14, "__safe_trusted") == 0)
			continue;
		strvec_push(out, name + 10);
	}
	strvec_sort(out);
	if (owned)
		btf__free(btf);
}

static int iter_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d)
{
	const char *name;
	struct probe_target *t;

	if (ap->attach.n_parts != 1 && ap->attach.n_parts != 2) {
		diag_error(d, ap->loc, "iter probe type takes 2 arguments (1 optional)");
		return -EINVAL;
	}
	name = ap->attach.parts[0];
	if (probe_has_wildcard(name) ||
	    (ap->attach.n_parts == 2 && probe_has_wildcard(ap->attach.parts[1]))) {
		diag_error(d, ap->loc, "iter probe type does not support wildcards");
		return -EINVAL;
	}
	if (!*name) {
		diag_error(d, ap->loc, "iter should specify a iterator's name");
		return -EINVAL;
	}
	t = probe_target_new(a, &iter_probe, name, name, arena_printf(a, "iter:%s", name));
	if (ap->attach.n_parts == 2)
		t->path = str_intern0(a, ap->attach.parts[1]);
	ptrvec_push(out, t);
	return 0;
}

static const char *iter_section(const struct probe_target *t, struct arena *a)
{
	return arena_printf(a, "iter/%s", t->target);
}

static int iter_context(const struct probe_env *env, const struct probe_target *t,
			struct probe_ctx *out, struct arena *a, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->kind = PCTX_TRAMPOLINE;
	return 0;
}

static int iter_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	struct strvec all = { 0 };

	iter_all(env, &all);
	probe_print_matches(out, "iter", &all, glob);
	strvec_fini(&all);
	return 0;
}

const struct probe_ops iter_probe = {
	.name = "iter",
	.aliases = (const char *const[]){ "it", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = iter_expand,
	.section = iter_section,
	.context = iter_context,
	.list = iter_list,
};
