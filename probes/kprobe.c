/* kprobe.c — `kprobe:[<module>:]<function>[+<offset>]` (k): dynamic kernel
 * function entry probes. The helpers here serve kretprobe.c too.
 *
 * Targets: a plain function name is taken as written; wildcards are matched
 * against <tracefs>/available_filter_functions ("name [module]" lines).
 * available() checks for the kprobe PMU or tracefs kprobe_events: kernels
 * built without CONFIG_KPROBES have neither. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static int kp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* Functions known to hang or crash the kernel when traced although ftrace
 * lists them (the same list as bpftrace, from the kernel's kprobe_multi
 * selftest), by exact name and by prefix. */
static const char *const kp_bad[] = { "arch_cpu_idle", "default_idle", "bpf_dispatcher_xdp_func" };
static const char *const kp_bad_prefix[] = { "__ftrace_invalid_address__", "rcu_" };

/* "module:func" of <debugfs>/kprobes/blacklist ("0xstart-0xend\tfunc [mod]"
 * lines), sorted; empty when the file is missing. */
void probe_kernel_blacklist(const struct probe_env *env, struct strvec *out)
{
	char *path = xasprintf("%s/../kprobes/blacklist", env->tracefs);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f && strncmp(env->tracefs, "/sys/", 5) == 0)
		f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	free(path);
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char func[256], mod[128] = "vmlinux";

		if (sscanf(line, "%*s %255s [%127[^]]]", func, mod) < 1)
			continue;
		strvec_push_owned(out, xasprintf("%s:%s", mod, func));
	}
	free(line);
	fclose(f);
	strvec_sort(out);
}

bool probe_kernel_func_blocked(const char *mod, const char *func, const struct strvec *blacklist)
{
	for (size_t i = 0; i < ARRAY_SIZE(kp_bad); i++)
		if (strcmp(func, kp_bad[i]) == 0)
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(kp_bad_prefix); i++)
		if (strncmp(func, kp_bad_prefix[i], strlen(kp_bad_prefix[i])) == 0)
			return true;
	if (blacklist && blacklist->n) {
		char *key = xasprintf("%s:%s", mod ? mod : "vmlinux", func);
		bool hit = bsearch(&key, blacklist->v, blacklist->n, sizeof(char *), kp_cmp) != NULL;

		free(key);
		return hit;
	}
	return false;
}

/* "func" or "module:func" lines of available_filter_functions, sorted,
 * without the functions that must not be traced (probe_kernel_func_blocked). */
static int kp_traceable(const struct probe_env *env, bool with_module, struct strvec *out)
{
	char *path = xasprintf("%s/available_filter_functions", env->tracefs);
	FILE *f = fopen(path, "r");
	struct strvec raw = { 0 }, blacklist = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	free(path);
	if (!f)
		return -errno;
	probe_kernel_blacklist(env, &blacklist);
	while ((n = getline(&line, &cap, f)) > 0) {
		char *sp, *mod = "vmlinux";

		while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
			line[--n] = 0;
		sp = strchr(line, ' ');
		if (sp) {
			*sp = 0;
			mod = strchr(sp + 1, '[');
			if (mod) {
				char *end = strchr(++mod, ']');

				if (end)
					*end = 0;
			} else {
				mod = "vmlinux";
			}
		}
		if (strstr(line, ".part.") || probe_kernel_func_blocked(mod, line, &blacklist))
			continue;
		if (with_module)
			strvec_push_owned(&raw, xasprintf("%s:%s", mod, line));
		else
			strvec_push(&raw, line);
	}
	free(line);
	fclose(f);
	strvec_fini(&blacklist);
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

/* probe_target.priv of `kprobe:<address>` targets (offset is the address) */
static const char kp_addr_marker;

/* The name of the kernel text symbol that contains @addr (kallsyms), or NULL. */
static const char *kp_symbol_at(const struct probe_env *env, uint64_t addr, struct arena *a)
{
	FILE *f = env->kallsyms ? fopen(env->kallsyms, "r") : NULL;
	char line[512], best[256] = "";
	uint64_t best_addr = 0;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long sa;
		char kind, name[256];

		if (sscanf(line, "%llx %c %255s", &sa, &kind, name) != 3)
			continue;
		if ((kind != 't' && kind != 'T') || sa > addr || sa < best_addr)
			continue;
		best_addr = sa;
		snprintf(best, sizeof(best), "%s", name);
	}
	fclose(f);
	return *best && best_addr ? arena_strndup(a, best, strlen(best)) : NULL;
}

/* --emit-elf where ftrace's list is unreadable: "module:func" of the text
 * symbols of kallsyms (minus the blocked ones), sorted, so that wildcards
 * still expand to something to compile. */
static void kp_kallsyms_funcs(const struct probe_env *env, struct strvec *out)
{
	FILE *f = env->kallsyms ? fopen(env->kallsyms, "r") : NULL;
	struct strvec raw = { 0 };
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char kind, name[256], mod[128] = "vmlinux";

		if (sscanf(line, "%*s %c %255s [%127[^]]]", &kind, name, mod) < 2 ||
		    (kind != 't' && kind != 'T') || strchr(name, '.') ||
		    probe_kernel_func_blocked(mod, name, NULL))
			continue;
		strvec_push_owned(&raw, xasprintf("%s:%s", mod, name));
	}
	fclose(f);
	strvec_sort(&raw);
	for (size_t i = 0; i < raw.n; i++) {
		if (out->n && strcmp(out->v[out->n - 1], raw.v[i]) == 0) {
			free(raw.v[i]);
			continue;
		}
		strvec_push_owned(out, raw.v[i]);
	}
	free(raw.v);
}

/* True if @func (of module @mod, NULL = any) is in the traceable list, or
 * when that list cannot be read (then attaching decides). */
static bool kp_is_traceable(const struct probe_env *env, const char *mod, const char *func)
{
	char *path = xasprintf("%s/available_filter_functions", env->tracefs);
	FILE *f = fopen(path, "r");
	size_t flen = strlen(func), cap = 0;
	char *line = NULL, *found_mod = NULL;
	bool found = false;
	ssize_t n;

	free(path);
	if (!f)
		return true;
	/* a streaming scan: "func" or "func [module]" lines */
	while (!found && (n = getline(&line, &cap, f)) > 0) {
		const char *m = "vmlinux";
		char *end;

		if (strncmp(line, func, flen) != 0 || (line[flen] != ' ' && line[flen] != '\n'))
			continue;
		if (line[flen] == ' ' && (m = strchr(line + flen, '[')) && (end = strchr(++m, ']')))
			*end = 0;
		else
			m = "vmlinux";
		if (!mod || strcmp(mod, m) == 0) {
			found = true;
			found_mod = xstrdup(m);
		}
	}
	free(line);
	fclose(f);
	if (found) {
		struct strvec blacklist = { 0 };

		probe_kernel_blacklist(env, &blacklist);
		found = !probe_kernel_func_blocked(found_mod, func, &blacklist);
		strvec_fini(&blacklist);
	}
	free(found_mod);
	return found;
}

/* Whether kernel module @mod is loaded: some function of it is in ftrace's
 * list (or, when that list is unreadable, /sys/module has it). */
static bool kp_module_loaded(const struct probe_env *env, const char *mod)
{
	char *path = xasprintf("%s/available_filter_functions", env->tracefs);
	FILE *f = fopen(path, "r");
	char *line = NULL, *want = xasprintf("[%s]", mod);
	size_t cap = 0;
	bool found = false;

	free(path);
	if (!f) {
		path = xasprintf("/sys/module/%s", mod);
		found = strncmp(env->tracefs, "/sys/", 5) != 0 || path_exists(path);
		free(path);
		free(want);
		return found;
	}
	while (!found && getline(&line, &cap, f) > 0)
		found = strstr(line, want) != NULL;
	free(line);
	free(want);
	fclose(f);
	return found;
}

int probe_kprobe_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d)
{
	const char *mod = NULL, *func, *plus, *why;
	uint64_t off = 0;
	bool is_ret = strcmp(ops->name, "kretprobe") == 0;
	struct probe_target *t;

	if (ap->attach.n_parts == 2) {
		mod = ap->attach.parts[0];
		func = ap->attach.parts[1];
	} else if (ap->attach.n_parts == 1) {
		func = ap->attach.parts[0];
	} else {
		probe_arg_count_error(d, ap, ops, 1, 2);
		return -EINVAL;
	}
	plus = strchr(func, '+');
	if (plus) {
		if (is_ret) {
			diag_error(d, ap->loc, "Offset not allowed");
			return -EINVAL;
		}
		if (strchr(plus + 1, '+')) {
			diag_error(d, ap->loc, "Cannot take more than one offset");
			return -EINVAL;
		}
		if (probe_parse_uint(plus + 1, &off, &why)) {
			diag_error(d, ap->loc, "Invalid offset: %s: %s", why, plus + 1);
			return -EINVAL;
		}
		func = arena_strndup(a, func, (size_t)(plus - func));
	}
	if (!*func) {
		diag_error(d, ap->loc, "kprobes should be attached to a function or an address");
		return -EINVAL;
	}
	if (!mod && !plus && *func >= '0' && *func <= '9') {
		uint64_t addr;

		if (probe_parse_uint(func, &addr, &why) == 0) {
			const char *sym;

			/* the kernel checks the address; bpftrace asks for --unsafe */
			if (!env->unsafe) {
				diag_error(d, ap->loc, "Probing by address requires --unsafe");
				return -EINVAL;
			}
			sym = kp_symbol_at(env, addr, a);
			/* named with the address in decimal, as bpftrace */
			t = probe_target_new(a, ops, func, sym ? sym : func,
					     arena_printf(a, "%s:%llu", ops->name,
							  (unsigned long long)addr));
			t->offset = addr;
			t->is_ret = is_ret;
			t->priv = &kp_addr_marker;
			ptrvec_push(out, t);
			return 0;
		}
	}
	if (!probe_has_wildcard(func) && !(mod && probe_has_wildcard(mod))) {
		const char *name = mod ? arena_printf(a, "%s:%s", mod, func) : func;

		if (mod && strcmp(mod, "vmlinux") != 0 && !kp_module_loaded(env, mod)) {
			const char *near = probe_kprobe_suggest(env, ap, a);

			diag_error(d, ap->loc, "specified module %s in probe %s:%s:%s is not loaded.",
				   mod, ops->name, mod, func);
			if (near)
				diag_hint(d, "did you mean '%s:%s'?", ops->name, near);
			return -ENOENT;
		}

		/* --unsafe attaches to what the traceable list leaves out, as bpftrace */
		if (!kp_is_traceable(env, mod, func)) {
			if (env->missing_probes != 2)
				diag_warning(d, ap->loc,
					     "%s is not traceable (either non-existing, inlined, or "
					     "marked as \"notrace\"); attaching to it will likely fail",
					     func);
			if (!env->unsafe)
				return 0;
		}

		t = probe_target_new(a, ops, func, func,
				     off ? arena_printf(a, "%s:%s+%llu", ops->name, name,
							(unsigned long long)off)
					 : arena_printf(a, "%s:%s", ops->name, name));
		if (mod)
			t->path = str_intern0(a, mod);
		t->offset = off;
		t->is_ret = is_ret;
		ptrvec_push(out, t);
		return 0;
	}
	{
		struct strvec all = { 0 }, names = { 0 };
		/* a function wildcard (no module, no offset) is one kprobe_multi
		 * program when the kernel has it and `probe` is not used, as bpftrace */
		bool multi = !mod && !off && !env->no_multi && !env->no_kprobe_multi &&
			     probe_kprobe_has_multi();

		if (kp_traceable(env, true, &all) < 0 && env->compile_only)
			kp_kallsyms_funcs(env, &all);
		for (size_t i = 0; i < all.n; i++) {
			char *colon = strchr(all.v[i], ':');

			*colon = 0;
			if (!mod && probe_glob_match(func, colon + 1)) {
				/* by name: the same name in two modules is one function to us */
				strvec_push(&names, colon + 1);
			} else if (mod && probe_glob_match(mod, all.v[i]) &&
				   probe_glob_match(func, colon + 1)) {
				t = probe_target_new(a, ops, colon + 1, colon + 1,
						     arena_printf(a, "%s:%s:%s", ops->name, all.v[i],
								  colon + 1));
				t->is_ret = is_ret;
				t->path = str_intern0(a, all.v[i]);
				ptrvec_push(out, t);
			}
			*colon = ':';
		}
		strvec_fini(&all);
		if (names.n) {
			const char **syms = arena_alloc(a, names.n * sizeof(*syms));
			uint32_t n = 0;

			strvec_sort(&names);
			for (size_t i = 0; i < names.n; i++)
				if (!n || strcmp(syms[n - 1], names.v[i]) != 0)
					syms[n++] = str_intern0(a, names.v[i]);
			if (multi) {
				t = probe_target_new(a, ops, func, func,
						     arena_printf(a, "%s:%s", ops->name, func));
				t->is_ret = is_ret;
				t->syms = syms;
				t->n_syms = n;
				ptrvec_push(out, t);
			}
			for (uint32_t i = 0; !multi && i < n; i++) {
				t = probe_target_new(a, ops, syms[i], syms[i],
						     arena_printf(a, "%s:%s", ops->name, syms[i]));
				t->is_ret = is_ret;
				ptrvec_push(out, t);
			}
		}
		strvec_fini(&names);
	}
	return 0;
}

const char *probe_kprobe_section(const struct probe_target *t, struct arena *a)
{
	/* libbpf loads "k[ret]probe.multi" sections for BPF_TRACE_KPROBE_MULTI */
	return arena_printf(a, "%s%s/%s", t->is_ret ? "kretprobe" : "kprobe",
			    t->n_syms ? ".multi" : "", t->target);
}

bool probe_kprobe_has_multi(void)
{
	static int cached = -1;
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	const char *sym = "vfs_read";
	int fd, lfd;

	if (cached >= 0)
		return cached;
	cached = 0;
	fd = probe_nop_kprobe_prog(BPF_TRACE_KPROBE_MULTI);
	if (fd < 0)
		return false;
	lo.kprobe_multi.syms = &sym;
	lo.kprobe_multi.cnt = 1;
	lfd = bpf_link_create(fd, 0, BPF_TRACE_KPROBE_MULTI, &lo);
	if (lfd >= 0) {
		cached = 1;
		close(lfd);
	}
	close(fd);
	return cached;
}

int probe_kprobe_context(const struct probe_env *env, const struct probe_target *t,
			 struct probe_ctx *out, struct arena *a, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->kind = PCTX_PT_REGS;
	out->max_argn = 6;
	return 0;
}

int probe_kprobe_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts);
	struct bpf_link *link;

	if (t->n_syms) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, mo);

		mo.syms = (const char **)t->syms;
		mo.cnt = t->n_syms;
		mo.retprobe = t->is_ret;
		link = bpf_program__attach_kprobe_multi_opts(prog, NULL, &mo);
		if (!link)
			return errno ? -errno : -EINVAL;
		ptrvec_push(links, link);
		return 0;
	}
	opts.retprobe = t->is_ret;
	opts.offset = t->offset;
	/* an address probe: no symbol, the offset is the address */
	link = bpf_program__attach_kprobe_opts(prog, t->priv == &kp_addr_marker ? NULL : t->target,
					       &opts);
	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

static void kp_dump_printf(void *ctx, const char *fmt, va_list args)
{
	sbuf_vprintf(ctx, fmt, args);
}

/* bpftrace -lv lines for a kprobe (argN of the BTF prototype, floats skipped)
 * or a kretprobe ("<type> retval", or "void"); @dump prints into @b. */
static void kp_print_params(FILE *out, const struct btf *btf, struct btf_dump *dump,
			    struct sbuf *b, const char *func, bool is_ret)
{
	int32_t id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	const struct btf_type *proto;
	const struct btf_param *p;
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts);
	unsigned argn = 0;

	if (id <= 0)
		return;
	proto = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!proto || !btf_is_func_proto(proto))
		return;
	opts.field_name = "";
	if (is_ret) {
		sbuf_reset(b);
		if (!proto->type)
			fprintf(out, "    void\n");
		else if (!btf_dump__emit_type_decl(dump, proto->type, &opts))
			fprintf(out, "    %s retval\n", sbuf_str(b));
		return;
	}
	p = btf_params(proto);
	for (uint16_t i = 0; i < btf_vlen(proto); i++) {
		const struct btf_type *pt = btf__type_by_id(btf, p[i].type);

		if (pt && btf_is_float(pt))
			continue;
		sbuf_reset(b);
		if (btf_dump__emit_type_decl(dump, p[i].type, &opts))
			break;
		fprintf(out, "    %s arg%u\n", sbuf_str(b), argn++);
	}
}

int probe_kprobe_list(const struct probe_ops *ops, const struct probe_env *env, const char *glob,
		      bool verbose, FILE *out)
{
	struct strvec all = { 0 };
	bool with_module = glob && strchr(glob, ':');
	struct btf *btf = NULL;
	struct btf_dump *dump = NULL;
	struct sbuf b = { 0 };
	bool owned = false;

	kp_traceable(env, with_module, &all);
	if (verbose) {
		btf = (struct btf *)probe_env_btf(env);
		if (!btf && env->btf_path) {
			btf = btf__parse(env->btf_path, NULL);
			if (btf && libbpf_get_error(btf))
				btf = NULL;
			owned = btf != NULL;
		}
		if (btf) {
			dump = btf_dump__new(btf, kp_dump_printf, &b, NULL);
			if (dump && libbpf_get_error(dump))
				dump = NULL;
		}
	}
	for (size_t i = 0; i < all.n; i++) {
		const char *colon;

		if (glob && !probe_glob_match(glob, all.v[i]))
			continue;
		fprintf(out, "%s:%s\n", ops->name, all.v[i]);
		colon = strchr(all.v[i], ':');
		if (dump)
			kp_print_params(out, btf, dump, &b, colon ? colon + 1 : all.v[i],
					strcmp(ops->name, "kretprobe") == 0);
	}
	btf_dump__free(dump);
	sbuf_fini(&b);
	if (owned)
		btf__free(btf);
	strvec_fini(&all);
	return 0;
}

int probe_kprobe_available(const struct probe_env *env, const char **why)
{
	char *p = xasprintf("%s/kprobe_events", env->tracefs);
	bool ok = path_exists(p) || path_exists("/sys/bus/event_source/devices/kprobe");

	free(p);
	if (ok)
		return 0;
	*why = "this kernel has no kprobe support (CONFIG_KPROBES is not set)";
	return -EOPNOTSUPP;
}

const char *probe_kprobe_suggest(const struct probe_env *env, const struct ast_node *ap,
				 struct arena *a)
{
	const char *mod = NULL, *func, *plus, *res;
	struct strvec all = { 0 };

	if (ap->attach.n_parts == 2)
		mod = ap->attach.parts[0];
	else if (ap->attach.n_parts != 1)
		return NULL;
	func = ap->attach.parts[ap->attach.n_parts - 1];
	plus = strchr(func, '+');
	if (plus)
		func = arena_strndup(a, func, (size_t)(plus - func));
	if (!*func || (*func >= '0' && *func <= '9'))
		return NULL;
	if (kp_traceable(env, true, &all) < 0)
		kp_kallsyms_funcs(env, &all);
	res = probe_suggest_in(&all, mod, func, a);
	strvec_fini(&all);
	return res && plus ? arena_printf(a, "%s%s", res, plus) : res;
}

static int kprobe_expand(const struct probe_env *env, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_kprobe_expand(&kprobe_probe, env, ap, out, a, d);
}

static int kprobe_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_kprobe_list(&kprobe_probe, env, glob, verbose, out);
}

const struct probe_ops kprobe_probe = {
	.name = "kprobe",
	.aliases = (const char *const[]){ "k", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = kprobe_expand,
	.section = probe_kprobe_section,
	.context = probe_kprobe_context,
	.attach = probe_kprobe_attach,
	.list = kprobe_list,
	.available = probe_kprobe_available,
	.suggest = probe_kprobe_suggest,
};
