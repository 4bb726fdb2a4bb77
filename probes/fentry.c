/* fentry.c — `fentry:[<module>:]<function>` (f, kfunc): BPF trampoline probes
 * on kernel function entry, with typed arguments from BTF. The helpers here
 * serve fexit.c too.
 *
 * Targets are the FUNC entries of vmlinux BTF (restricted to functions listed
 * in available_filter_functions when that file exists); the module part is
 * "vmlinux". available() loads a minimal tracing program against a kernel
 * function and attaches it: kernels without BPF trampolines refuse. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The split BTF of kernel module @mod (<dir of btf_path>/<mod>) on top of
 * the vmlinux BTF @base; NULL if there is none. */
static struct btf *fe_mod_btf(const struct probe_env *env, const char *mod, const struct btf *base)
{
	const char *slash = env->btf_path ? strrchr(env->btf_path, '/') : NULL;
	struct btf *b;
	char *path;

	if (!slash || !base || strchr(mod, '/') || strcmp(mod, "vmlinux") == 0)
		return NULL;
	path = xasprintf("%.*s/%s", (int)(slash - env->btf_path), env->btf_path, mod);
	b = btf__parse_split(path, (struct btf *)base);
	free(path);
	if (!b || libbpf_get_error(b))
		return NULL;
	return b;
}

/* Appends "<mod>:<func>" for the FUNCs of @btf with ids from @first that are
 * traceable (in @traceable unless @all) and not blocked. */
static void fe_funcs(const struct btf *btf, uint32_t first, const char *mod,
		     const struct strvec *traceable, bool all, const struct strvec *blacklist,
		     struct strvec *raw)
{
	for (uint32_t id = first, n = btf__type_cnt(btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		char *key;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (probe_kernel_func_blocked(mod, name, blacklist))
			continue;
		key = xasprintf("%s:%s", mod, name);
		if (!all && !bsearch(&key, traceable->v, traceable->n, sizeof(char *), cmp_strp)) {
			free(key);
			continue;
		}
		strvec_push_owned(raw, key);
	}
}

/* Sorted "<module>:<func>" of traceable BTF functions of vmlinux and of the
 * loaded modules (module BTF next to the vmlinux BTF). */
static void fe_all(const struct probe_env *env, const struct btf *btf, struct strvec *out)
{
	struct strvec traceable = { 0 }, mods = { 0 };
	char *path = xasprintf("%s/available_filter_functions", env->tracefs);
	FILE *f = fopen(path, "r");
	struct strvec raw = { 0 }, blacklist = { 0 };
	const char *slash = env->btf_path ? strrchr(env->btf_path, '/') : NULL;

	free(path);
	probe_kernel_blacklist(env, &blacklist);
	if (f) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while ((n = getline(&line, &cap, f)) > 0) {
			char *sp = strpbrk(line, " \n"), *mod = NULL, *end;

			if (sp && *sp == ' ' && (mod = strchr(sp + 1, '[')) && (end = strchr(++mod, ']')))
				*end = 0;
			else
				mod = NULL;
			if (sp)
				*sp = 0;
			strvec_push_owned(&traceable, xasprintf("%s:%s", mod ? mod : "vmlinux", line));
		}
		free(line);
		fclose(f);
		strvec_sort(&traceable);
	}
	if (!btf)
		goto done;
	fe_funcs(btf, 1, "vmlinux", &traceable, !f, &blacklist, &raw);
	if (slash) {
		char *dir = xasprintf("%.*s", (int)(slash - env->btf_path), env->btf_path);

		probe_dir_names(dir, NULL, false, &mods);
		free(dir);
	}
	for (size_t i = 0; i < mods.n; i++) {
		struct btf *mb = fe_mod_btf(env, mods.v[i], btf);

		if (!mb)
			continue;
		fe_funcs(mb, btf__type_cnt(btf), mods.v[i], &traceable, !f, &blacklist, &raw);
		btf__free(mb);
	}
	strvec_sort(&raw);
	for (size_t i = 0; i < raw.n; i++) {
		if (out->n && strcmp(out->v[out->n - 1], raw.v[i]) == 0) {
			free(raw.v[i]);
			continue;
		}
		strvec_push_owned(out, raw.v[i]);
	}
	free(raw.v);
done:
	strvec_fini(&mods);
	strvec_fini(&blacklist);
	strvec_fini(&traceable);
}

static const struct type *fe_record(const struct btf *btf, const char *func, bool is_ret,
				    struct arena *a, uint32_t n_base);

/* ---- fentry:bpf:[<id>:]<name>: running BPF programs ----
 * Every loaded program with BTF, and each of its functions (func_info: the
 * main program first, then subprograms), as "<id>:<name>", by id. */
static void fe_bpf_progs(struct strvec *out)
{
	uint32_t id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = { 0 };
		uint32_t len = sizeof(info), n, rec;
		struct bpf_func_info *fi;
		struct btf *pb;
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.btf_id || !info.nr_func_info) {
			close(fd);
			continue;
		}
		n = info.nr_func_info;
		rec = info.func_info_rec_size < sizeof(*fi) ? info.func_info_rec_size : sizeof(*fi);
		fi = xcalloc(n, sizeof(*fi));
		memset(&info, 0, sizeof(info));
		info.nr_func_info = n;
		info.func_info_rec_size = rec;
		info.func_info = (uint64_t)(uintptr_t)fi;
		len = sizeof(info);
		pb = bpf_obj_get_info_by_fd(fd, &info, &len) ? NULL
							       : btf__load_from_kernel_by_id(info.btf_id);
		if (pb && libbpf_get_error(pb))
			pb = NULL;
		for (uint32_t i = 0; pb && i < n; i++) {
			const struct bpf_func_info *f =
				(const void *)((const char *)fi + (size_t)i * rec);
			const struct btf_type *t = btf__type_by_id(pb, f->type_id);
			const char *name = t ? btf__name_by_offset(pb, t->name_off) : NULL;
			char *e;
			bool dup = false;

			if (!name || !*name)
				continue;
			e = xasprintf("%u:%s", id, name);
			for (size_t j = 0; j < out->n && !dup; j++)
				dup = strcmp(out->v[j], e) == 0;
			if (dup)
				free(e);
			else
				strvec_push_owned(out, e);
		}
		btf__free(pb);
		free(fi);
		close(fd);
	}
}

/* fentry:bpf:[<id>:]<name> targets: path "bpf", offset the program id. */
static int fe_expand_bpf(const struct probe_ops *ops, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	const char *id = ap->attach.n_parts == 3 ? ap->attach.parts[1] : "*";
	const char *func = ap->attach.parts[ap->attach.n_parts - 1];
	struct strvec progs = { 0 };

	if (!*func) {
		diag_error(d, ap->loc, "fentry/fexit should specify a function");
		return -EINVAL;
	}
	fe_bpf_progs(&progs);
	for (size_t i = 0; i < progs.n; i++) {
		char *colon = strchr(progs.v[i], ':');
		struct probe_target *t;

		*colon = 0;
		if (probe_glob_match(id, progs.v[i]) && probe_glob_match(func, colon + 1)) {
			t = probe_target_new(a, ops, colon + 1, colon + 1,
					     arena_printf(a, "%s:bpf:%s:%s", ops->name, progs.v[i],
							  colon + 1));
			t->path = "bpf";
			t->offset = strtoull(progs.v[i], NULL, 10);
			t->is_ret = strcmp(ops->name, "fexit") == 0;
			ptrvec_push(out, t);
		}
		*colon = ':';
	}
	strvec_fini(&progs);
	return 0;
}

static bool fe_is_bpf(const struct probe_target *t)
{
	return t->path && strcmp(t->path, "bpf") == 0;
}

void probe_fentry_prepare(struct bpf_program *prog, const struct probe_target *t)
{
	int fd;

	if (!fe_is_bpf(t))
		return;
	/* the target program stays open while ours is loaded and attached */
	fd = bpf_prog_get_fd_by_id((uint32_t)t->offset);
	if (fd >= 0)
		bpf_program__set_attach_target(prog, fd, t->target);
}

int probe_fentry_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d)
{
	const char *mod = "*", *func;
	bool is_ret = strcmp(ops->name, "fexit") == 0, owned;
	struct strvec all = { 0 };
	struct btf *btf, *mb = NULL;
	const char *cur_mod = NULL;

	if (ap->attach.n_parts == 2 && strcmp(ap->attach.parts[0], "bpf") == 0) {
		return fe_expand_bpf(ops, ap, out, a, d);
	} else if (ap->attach.n_parts == 2) {
		mod = ap->attach.parts[0];
		func = ap->attach.parts[1];
	} else if (ap->attach.n_parts == 1) {
		func = ap->attach.parts[0];
	} else if (ap->attach.n_parts == 3 && strcmp(ap->attach.parts[0], "bpf") == 0) {
		return fe_expand_bpf(ops, ap, out, a, d);
	} else {
		probe_arg_count_error(d, ap, ops, 1, 3);
		return -EINVAL;
	}
	if (!*func) {
		diag_error(d, ap->loc, "fentry/fexit should specify a function");
		return -EINVAL;
	}
	btf = probe_env_btf_load(env, &owned);
	if (!btf)
		return 0;
	if (!probe_has_wildcard(func) && !probe_has_wildcard(mod)) {
		struct btf *mb = strcmp(mod, "vmlinux") == 0 ? NULL : fe_mod_btf(env, mod, btf);
		const struct btf *fb = mb ? mb : btf;
		int32_t id = btf__find_by_name_kind(fb, func, BTF_KIND_FUNC);

		if ((mb || strcmp(mod, "vmlinux") == 0) && id > 0 &&
		    (!mb || (uint32_t)id >= btf__type_cnt(btf))) {
			struct probe_target *t;

			t = probe_target_new(a, ops, func, func,
					     arena_printf(a, "%s:%s:%s", ops->name, mod, func));
			t->path = str_intern0(a, mod);
			t->is_ret = is_ret;
			t->priv = fe_record(fb, func, is_ret, a, btf__type_cnt(btf));
			ptrvec_push(out, t);
		}
		btf__free(mb);
		goto out;
	}
	/* fentry:name of a vmlinux function: no need to list every module */
	if (!probe_has_wildcard(func) && strcmp(mod, "*") == 0 &&
	    btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0) {
		struct probe_target *t = probe_target_new(
			a, ops, func, func, arena_printf(a, "%s:vmlinux:%s", ops->name, func));

		t->path = "vmlinux";
		t->is_ret = is_ret;
		t->priv = fe_record(btf, func, is_ret, a, btf__type_cnt(btf));
		ptrvec_push(out, t);
		goto out;
	}
	fe_all(env, btf, &all);
	for (size_t i = 0; i < all.n; i++) {
		char *colon = strchr(all.v[i], ':');

		*colon = 0;
		if (probe_glob_match(mod, all.v[i]) && probe_glob_match(func, colon + 1)) {
			struct probe_target *t = probe_target_new(
				a, ops, colon + 1, colon + 1,
				arena_printf(a, "%s:%s:%s", ops->name, all.v[i], colon + 1));

			t->path = str_intern0(a, all.v[i]);
			t->is_ret = is_ret;
			if (strcmp(all.v[i], "vmlinux") != 0 &&
			    (!cur_mod || strcmp(cur_mod, all.v[i]) != 0)) {
				btf__free(mb);
				mb = fe_mod_btf(env, all.v[i], btf);
				cur_mod = t->path;
			}
			t->priv = fe_record(strcmp(all.v[i], "vmlinux") == 0 || !mb ? btf : mb,
					    colon + 1, is_ret, a, btf__type_cnt(btf));
			ptrvec_push(out, t);
		}
		*colon = ':';
	}
	btf__free(mb);
	strvec_fini(&all);
out:
	if (owned)
		btf__free(btf);
	return 0;
}

const char *probe_fentry_section(const struct probe_target *t, struct arena *a)
{
	return arena_printf(a, "%s/%s", t->is_ret ? "fexit" : "fentry", t->target);
}

/* Types of a module's own BTF (ids from @n_base on) cannot be looked up in
 * the vmlinux BTF that sema resolves struct members from: they keep their
 * name and lose the id. */
static void fe_drop_module_ids(const struct type *ct, uint32_t n_base, unsigned depth)
{
	struct type *t = (struct type *)ct;

	if (!t || depth > 8)
		return;
	if (t->btf_id > 0 && (uint32_t)t->btf_id >= n_base)
		t->btf_id = 0;
	fe_drop_module_ids(t->elem, n_base, depth + 1);
	for (uint32_t i = 0; i < t->n_fields; i++)
		fe_drop_module_ids(t->fields[i].type, n_base, depth + 1);
}

/* The typed argument record (+ retval for fexit) of kernel function @func;
 * @btf may be a module's split BTF over the @n_base types of vmlinux. */
static const struct type *fe_record(const struct btf *btf, const char *func, bool is_ret,
				    struct arena *a, uint32_t n_base)
{
	int32_t id = btf ? btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) : -1;
	const struct btf_type *proto;
	const struct btf_param *p;
	struct type *rec;
	uint32_t slots = 0, slot = 0;
	uint16_t n;

	if (id <= 0)
		return NULL;
	proto = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!proto || !btf_is_func_proto(proto))
		return NULL;
	n = btf_vlen(proto);
	p = btf_params(proto);
	/* an argument takes as many u64 slots as its size needs (a 16-byte
	 * struct passed by value takes two) */
	for (uint16_t i = 0; i < n; i++) {
		int64_t sz = btf__resolve_size(btf, p[i].type);

		slots += sz > 8 ? (uint32_t)(sz + 7) / 8 : 1;
	}
	rec = probe_type_new(a, TY_RECORD, (slots + (is_ret ? 1 : 0)) * 8);
	rec->align = 8;
	rec->is_ctx = true;
	rec->as = AS_KERNEL;
	rec->fields = arena_alloc(a, (n + 1) * sizeof(*rec->fields));
	for (uint16_t i = 0; i < n; i++) {
		struct type_field *f = &rec->fields[rec->n_fields++];
		const char *pname = btf__name_by_offset(btf, p[i].name_off);

		f->name = str_intern0(a, pname && *pname ? pname : arena_printf(a, "arg%u", i));
		int64_t sz = btf__resolve_size(btf, p[i].type);

		f->type = probe_type_from_btf(a, btf, (int32_t)p[i].type);
		f->offset = slot * 8;
		slot += sz > 8 ? (uint32_t)(sz + 7) / 8 : 1;
	}
	if (is_ret) {
		struct type_field *f = &rec->fields[rec->n_fields++];

		f->name = str_intern0(a, "retval");
		f->type = probe_type_from_btf(a, btf, (int32_t)proto->type);
		f->offset = slot * 8;
	}
	if (n_base && btf__type_cnt(btf) > n_base)
		fe_drop_module_ids(rec, n_base, 0);
	return rec;
}

static int fe_context(const struct probe_env *env, const struct probe_target *t,
		      struct probe_ctx *out, struct arena *a, struct diag *d)
{
	const struct type *rec = t->priv;

	memset(out, 0, sizeof(*out));
	out->kind = PCTX_TRAMPOLINE;
	if (fe_is_bpf(t))
		return 0; /* no args for BPF program targets (as bpftrace) */
	if (!rec) {
		bool owned;
		struct btf *btf = probe_env_btf_load(env, &owned);

		rec = fe_record(btf, t->target, t->is_ret, a, 0);
		if (owned)
			btf__free(btf);
	}
	if (rec) {
		out->args = rec;
		out->has_args = true;
		out->max_argn = rec->n_fields - (t->is_ret ? 1 : 0);
	}
	return 0;
}

int probe_fentry_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links)
{
	struct bpf_link *link = bpf_program__attach_trace(prog);

	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

int probe_fentry_list(const struct probe_ops *ops, const struct probe_env *env, const char *glob,
		      bool verbose, FILE *out)
{
	struct strvec all = { 0 };
	struct btf *btf, *mb = NULL;
	const struct btf *fb;
	char *cur_mod = NULL;
	bool owned;
	char *g;

	if (!glob)
		glob = "*";
	if (!strncmp(glob, "bpf:", 4)) {
		struct strvec progs = { 0 };

		g = strchr(glob + 4, ':') ? xstrdup(glob + 4) : xasprintf("*:%s", glob + 4);
		fe_bpf_progs(&progs);
		for (size_t i = 0; i < progs.n; i++)
			if (probe_glob_match(g, progs.v[i]))
				fprintf(out, "%s:bpf:%s\n", ops->name, progs.v[i]);
		strvec_fini(&progs);
		free(g);
		return 0;
	}
	g = strchr(glob, ':') ? xstrdup(glob) : xasprintf("*:%s", glob);
	btf = probe_env_btf_load(env, &owned);
	fe_all(env, btf, &all);
	for (size_t i = 0; i < all.n; i++) {
		const char *func = strchr(all.v[i], ':') + 1;
		int32_t id;
		int modlen;

		if (!probe_glob_match(g, all.v[i]))
			continue;
		fprintf(out, "%s:%s\n", ops->name, all.v[i]);
		if (!verbose || !btf)
			continue;
		modlen = (int)(func - 1 - all.v[i]);
		if (strncmp(all.v[i], "vmlinux:", 8) != 0 &&
		    (!cur_mod || (int)strlen(cur_mod) != modlen ||
		     strncmp(cur_mod, all.v[i], (size_t)modlen) != 0)) {
			free(cur_mod);
			btf__free(mb);
			cur_mod = xasprintf("%.*s", modlen, all.v[i]);
			mb = fe_mod_btf(env, cur_mod, btf);
		}
		fb = strncmp(all.v[i], "vmlinux:", 8) != 0 && mb ? mb : btf;
		id = btf__find_by_name_kind(fb, func, BTF_KIND_FUNC);
		if (id > 0)
			probe_print_btf_params(out, fb, (int32_t)btf__type_by_id(fb, id)->type, 0,
					       strcmp(ops->name, "fexit") == 0);
	}
	free(cur_mod);
	btf__free(mb);
	strvec_fini(&all);
	free(g);
	if (owned)
		btf__free(btf);
	return 0;
}

int probe_fentry_available(const struct probe_env *env, const char **why)
{
	static const struct bpf_insn prog[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                          /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	struct btf *btf;
	bool owned;
	int32_t id = -1;
	int fd, lfd, err = 0;

	btf = probe_env_btf_load(env, &owned);
	if (!btf) {
		*why = "fentry/fexit need kernel BTF (/sys/kernel/btf/vmlinux is missing)";
		return -ENOENT;
	}
	id = btf__find_by_name_kind(btf, "bpf_fentry_test1", BTF_KIND_FUNC);
	if (id <= 0)
		id = btf__find_by_name_kind(btf, "vfs_read", BTF_KIND_FUNC);
	if (owned)
		btf__free(btf);
	if (id <= 0) {
		*why = "no kernel function to test fentry support with was found in BTF";
		return -ENOENT;
	}
	opts.expected_attach_type = BPF_TRACE_FENTRY;
	opts.attach_btf_id = (uint32_t)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "scry_fentry_probe", "GPL", prog, 2, &opts);
	if (fd < 0) {
		err = -errno;
		if (err == -EPERM && geteuid() != 0)
			*why = "loading fentry programs needs root (bpf: Operation not permitted)";
		else if (err == -EPERM)
			*why = "this kernel has no fentry/fexit support (loading a tracing program: "
			       "Operation not permitted)";
		else
			*why = "this kernel has no fentry/fexit support (loading a tracing program failed)";
		return err;
	}
	lfd = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	if (lfd < 0) {
		err = -errno;
		*why = "this kernel has no BPF trampoline support (fentry attach failed)";
	} else {
		close(lfd);
	}
	close(fd);
	return err;
}

const char *probe_fentry_suggest(const struct probe_env *env, const struct ast_node *ap,
				 struct arena *a)
{
	const char *mod = NULL, *res = NULL;
	struct strvec all = { 0 };
	struct btf *btf;
	bool owned;

	if (ap->attach.n_parts == 2)
		mod = ap->attach.parts[0];
	else if (ap->attach.n_parts != 1)
		return NULL;
	btf = probe_env_btf_load(env, &owned);
	if (!btf)
		return NULL;
	fe_all(env, btf, &all);
	res = probe_suggest_in(&all, mod, ap->attach.parts[ap->attach.n_parts - 1], a);
	strvec_fini(&all);
	if (owned)
		btf__free(btf);
	return res;
}

static int fentry_expand(const struct probe_env *env, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_fentry_expand(&fentry_probe, env, ap, out, a, d);
}

static int fentry_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_fentry_list(&fentry_probe, env, glob, verbose, out);
}

const struct probe_ops fentry_probe = {
	.name = "fentry",
	.aliases = (const char *const[]){ "f", "kfunc", NULL },
	.min_parts = 1,
	.max_parts = 3,
	.expand = fentry_expand,
	.section = probe_fentry_section,
	.context = fe_context,
	.attach = probe_fentry_attach,
	.list = fentry_list,
	.available = probe_fentry_available,
	.suggest = probe_fentry_suggest,
	.prepare = probe_fentry_prepare,
};

/* fexit shares everything but the name (fexit.c keeps the export apart). */
int probe_fentry_context(const struct probe_env *env, const struct probe_target *t,
			 struct probe_ctx *out, struct arena *a, struct diag *d)
{
	return fe_context(env, t, out, a, d);
}
