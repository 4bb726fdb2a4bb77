/* iter.c — `iter:<name>[:<pin>]` (it): BPF iterators (task, task_file, ...).
 * Names come from the `struct bpf_iter__<name>` types of vmlinux BTF; the
 * context is a pointer to that struct. attach() creates the iterator link; the
 * runtime then runs it with bpf_iter_create() and read(). */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
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
	struct btf *btf;
	bool owned;
	char *name;
	int32_t id;

	memset(out, 0, sizeof(*out));
	out->kind = PCTX_ITER;
	btf = probe_env_btf_load(env, &owned);
	if (!btf)
		return 0;
	name = xasprintf("bpf_iter__%s", t->target);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	free(name);
	if (id > 0) {
		out->args = probe_type_from_btf(a, btf, id);
		out->has_args = true;
	}
	if (owned)
		btf__free(btf);
	return 0;
}

static int iter_attach(struct bpf_program *prog, const struct probe_target *t,
		       struct ptrvec *links)
{
	struct bpf_link *link = bpf_program__attach_iter(prog, NULL);

	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

static int iter_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	struct strvec all = { 0 };
	struct btf *btf = NULL;
	bool owned = false;

	iter_all(env, &all);
	if (verbose)
		btf = probe_env_btf_load(env, &owned);
	for (size_t i = 0; i < all.n; i++) {
		char *fn;
		int32_t id;

		if (glob && !probe_glob_match(glob, all.v[i]))
			continue;
		fprintf(out, "iter:%s\n", all.v[i]);
		if (!btf)
			continue;
		/* the arguments of bpf_iter_<name>, without its leading meta */
		fn = xasprintf("bpf_iter_%s", all.v[i]);
		id = btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC);
		free(fn);
		if (id > 0)
			probe_print_btf_params(out, btf, (int32_t)btf__type_by_id(btf, id)->type, 1,
					       false);
	}
	strvec_fini(&all);
	if (owned)
		btf__free(btf);
	return 0;
}

/* Loads a minimal iterator program for bpf_iter_task: kernels without the
 * tracing program type refuse it. */
static int iter_available(const struct probe_env *env, const char **why)
{
	static const struct bpf_insn prog[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                          /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	struct btf *btf = (struct btf *)probe_env_btf(env);
	bool owned = false;
	int32_t id;
	int fd;

	if (!btf && env->btf_path) {
		btf = btf__parse(env->btf_path, NULL);
		if (btf && libbpf_get_error(btf))
			btf = NULL;
		owned = btf != NULL;
	}
	if (!btf) {
		*why = "iterators need kernel BTF (/sys/kernel/btf/vmlinux is missing)";
		return -ENOENT;
	}
	id = btf__find_by_name_kind(btf, "bpf_iter_task", BTF_KIND_FUNC);
	if (owned)
		btf__free(btf);
	if (id <= 0) {
		*why = "this kernel has no BPF iterator support (no bpf_iter_task in BTF)";
		return -ENOENT;
	}
	opts.expected_attach_type = BPF_TRACE_ITER;
	opts.attach_btf_id = (uint32_t)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "scry_iter_probe", "GPL", prog, 2, &opts);
	if (fd < 0) {
		int err = -errno;

		if (err == -EPERM && geteuid() != 0)
			*why = "loading iterator programs needs root (bpf: Operation not permitted)";
		else if (err == -EPERM)
			*why = "this kernel has no BPF iterator support (loading a tracing program: "
			       "Operation not permitted)";
		else
			*why = "this kernel has no BPF iterator support (loading a tracing program failed)";
		return err;
	}
	close(fd);
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
	.attach = iter_attach,
	.list = iter_list,
	.available = iter_available,
};
