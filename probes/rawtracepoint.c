/* rawtracepoint.c — `rawtracepoint:[<module>:]<name>` (rt): raw tracepoints,
 * whose context is the u64 argument array of the tracepoint call.
 *
 * Targets and argument types come from vmlinux BTF: each raw tracepoint has a
 * FUNC `__probestub_<name>` (older kernels: `__traceiter_<name>`) whose
 * FUNC_PROTO starts with `void *__data` followed by the tracepoint's arguments.
 * Without BTF, names come from <tracefs>/available_events and args are unknown.
 * The module part is "vmlinux" for built-in tracepoints. Programs are BTF raw
 * tracepoints (tp_btf: tracing programs attached by BTF id, as bpftrace's),
 * or plain raw_tp programs without BTF. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define RT_MAX_ARGS 6

static const char *const rt_prefixes[] = { "__probestub_", "__traceiter_" };

/* The FUNC_PROTO id of raw tracepoint @name, or 0. */
static int32_t rt_proto(const struct btf *btf, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(rt_prefixes); i++) {
		char *fn = xasprintf("%s%s", rt_prefixes[i], name);
		int32_t id = btf__find_by_name_kind(btf, fn, BTF_KIND_FUNC);

		free(fn);
		if (id > 0) {
			const struct btf_type *t = btf__type_by_id(btf, id);

			t = btf__type_by_id(btf, t->type);
			if (t && btf_is_func_proto(t))
				return (int32_t)btf__type_by_id(btf, id)->type;
		}
	}
	return 0;
}

/* "vmlinux:<name>" for every raw tracepoint, sorted; 0 or -errno. */
static int rt_all(const struct probe_env *env, const struct btf *btf, struct strvec *out)
{
	struct strvec raw = { 0 };

	if (btf) {
		uint32_t n = btf__type_cnt(btf);

		for (uint32_t id = 1; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id), *proto;
			const char *name;

			if (!btf_is_func(t))
				continue;
			name = btf__name_by_offset(btf, t->name_off);
			if (!name || name[0] != '_' || name[1] != '_')
				continue;
			for (size_t i = 0; i < ARRAY_SIZE(rt_prefixes); i++) {
				size_t len = strlen(rt_prefixes[i]);

				if (strncmp(name, rt_prefixes[i], len) != 0)
					continue;
				proto = btf__type_by_id(btf, t->type);
				if (!proto || !btf_is_func_proto(proto) ||
				    btf_vlen(proto) > RT_MAX_ARGS)
					break;
				strvec_push_owned(&raw, xasprintf("vmlinux:%s", name + len));
				break;
			}
		}
	} else {
		char *path = xasprintf("%s/available_events", env->tracefs);
		FILE *f = fopen(path, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;

		free(path);
		if (!f)
			return -errno;
		while ((len = getline(&line, &cap, f)) > 0) {
			char *colon = strchr(line, ':');

			while (len && (line[len - 1] == '\n' || line[len - 1] == ' '))
				line[--len] = 0;
			if (colon)
				strvec_push_owned(&raw, xasprintf("vmlinux:%s", colon + 1));
		}
		free(line);
		fclose(f);
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
	return 0;
}

static const struct type *rt_record(const struct btf *btf, const char *name, struct arena *a);

static int rt_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		     struct arena *a, struct diag *d)
{
	const char *mod, *name;
	struct strvec all = { 0 };
	struct btf *btf;
	bool owned;

	if (ap->attach.n_parts == 2) {
		mod = ap->attach.parts[0];
		name = ap->attach.parts[1];
	} else if (ap->attach.n_parts == 1) {
		mod = "*";
		name = ap->attach.parts[0];
	} else {
		probe_arg_count_error(d, ap, &rawtracepoint_probe, 2, 1);
		return -EINVAL;
	}
	if (!*name) {
		diag_error(d, ap->loc, "rawtracepoint should be attached to a function");
		return -EINVAL;
	}
	btf = probe_env_btf_load(env, &owned);
	rt_all(env, btf, &all);
	for (size_t i = 0; i < all.n; i++) {
		char *colon = strchr(all.v[i], ':');

		*colon = 0;
		if (probe_glob_match(mod, all.v[i]) && probe_glob_match(name, colon + 1)) {
			struct probe_target *t = probe_target_new(
				a, &rawtracepoint_probe, colon + 1, colon + 1,
				arena_printf(a, "rawtracepoint:%s:%s", all.v[i], colon + 1));

			t->path = str_intern0(a, all.v[i]);
			t->priv = rt_record(btf, colon + 1, a);
			ptrvec_push(out, t);
		}
		*colon = ':';
	}
	strvec_fini(&all);
	if (owned)
		btf__free(btf);
	return 0;
}

static const char *rt_section(const struct probe_target *t, struct arena *a)
{
	/* BTF raw tracepoints (tracing programs, as bpftrace): more helpers
	 * (socket_cookie) than plain raw_tp programs, which remain for kernels
	 * without BTF */
	return arena_printf(a, "%s/%s", t->priv ? "tp_btf" : "raw_tp", t->target);
}

/* The typed argument record of raw tracepoint @name, or NULL without BTF. */
static const struct type *rt_record(const struct btf *btf, const char *name, struct arena *a)
{
	int32_t proto_id = btf ? rt_proto(btf, name) : 0;
	const struct btf_type *proto;
	const struct btf_param *p;
	struct type *rec;
	uint16_t n;

	if (!proto_id)
		return NULL;
	proto = btf__type_by_id(btf, proto_id);
	n = btf_vlen(proto);
	p = btf_params(proto);
	rec = probe_type_new(a, TY_RECORD, n > 1 ? (uint32_t)(n - 1) * 8 : 0);
	rec->align = 8;
	rec->is_ctx = true;
	rec->as = AS_KERNEL;
	rec->fields = arena_alloc(a, (n ? n : 1) * sizeof(*rec->fields));
	for (uint16_t i = 1; i < n; i++) {
		struct type_field *f = &rec->fields[rec->n_fields++];
		const char *pname = btf__name_by_offset(btf, p[i].name_off);

		f->name = str_intern0(a, pname && *pname ? pname : arena_printf(a, "arg%u", i - 1));
		f->type = probe_type_from_btf(a, btf, (int32_t)p[i].type);
		f->offset = (uint32_t)(i - 1) * 8;
	}
	return rec;
}

static int rt_context(const struct probe_env *env, const struct probe_target *t,
		      struct probe_ctx *out, struct arena *a, struct diag *d)
{
	const struct type *rec = t->priv;

	memset(out, 0, sizeof(*out));
	out->kind = PCTX_RAW_TP;
	out->max_argn = RT_MAX_ARGS;
	if (!rec) {
		bool owned;
		struct btf *btf = probe_env_btf_load(env, &owned);

		rec = rt_record(btf, t->target, a);
		if (owned)
			btf__free(btf);
	}
	if (rec) {
		out->args = rec;
		out->has_args = true;
		out->max_argn = rec->n_fields;
	}
	return 0;
}

static int rt_attach(struct bpf_program *prog, const struct probe_target *t, struct ptrvec *links)
{
	/* a BTF raw tracepoint (tp_btf): the target is the program's attach
	 * BTF id (btf_trace_<name>), found by libbpf at load */
	struct bpf_link *link = bpf_program__type(prog) == BPF_PROG_TYPE_TRACING
					? bpf_program__attach_trace(prog)
					: bpf_program__attach_raw_tracepoint(prog, t->target);

	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

static int rt_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	struct strvec all = { 0 };
	struct btf *btf;
	bool owned;
	char *g;
	int err;

	if (!glob)
		glob = "*";
	g = strchr(glob, ':') ? xstrdup(glob) : xasprintf("*:%s", glob);
	btf = probe_env_btf_load(env, &owned);
	err = rt_all(env, btf, &all);
	for (size_t i = 0; i < all.n; i++) {
		if (!probe_glob_match(g, all.v[i]))
			continue;
		fprintf(out, "rawtracepoint:%s\n", all.v[i]);
		if (verbose && btf)
			probe_print_btf_params(out, btf, rt_proto(btf, strchr(all.v[i], ':') + 1), 1,
					       false);
	}
	strvec_fini(&all);
	free(g);
	if (owned)
		btf__free(btf);
	return err;
}

static const char *rt_suggest(const struct probe_env *env, const struct ast_node *ap,
			      struct arena *a)
{
	const char *res;
	struct strvec all = { 0 };
	struct btf *btf;
	bool owned;

	if (ap->attach.n_parts != 1 && ap->attach.n_parts != 2)
		return NULL;
	btf = probe_env_btf_load(env, &owned);
	rt_all(env, btf, &all);
	res = probe_suggest_in(&all, ap->attach.n_parts == 2 ? ap->attach.parts[0] : NULL,
			       ap->attach.parts[ap->attach.n_parts - 1], a);
	strvec_fini(&all);
	if (owned)
		btf__free(btf);
	return res;
}

const struct probe_ops rawtracepoint_probe = {
	.name = "rawtracepoint",
	.aliases = (const char *const[]){ "rt", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = rt_expand,
	.section = rt_section,
	.context = rt_context,
	.attach = rt_attach,
	.list = rt_list,
	.suggest = rt_suggest,
};
