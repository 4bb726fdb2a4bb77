/* probe.c — the probe-type registry and the helpers the probe files share:
 * lookup by name or alias, glob matching, attach-point number parsing, tracefs
 * directory listings, perf-event attachment, and C/BTF type construction.
 *
 * Assumes the attach point has already been split into provider + parts by the
 * parser (struct ast_node AST_ATTACH); everything about one probe type lives in
 * its own file, this file only knows the registry order. */
#include "probes/probe_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* bpftrace's PROBE_LIST order. */
const struct probe_ops *const probe_registry[] = {
	&kprobe_probe,   &kretprobe_probe,  &uprobe_probe,   &uretprobe_probe,
	&usdt_probe,     &begin_probe,      &end_probe,      &self_probe,
	&tracepoint_probe, &profile_probe,  &interval_probe, &software_probe,
	&hardware_probe, &watchpoint_probe, &fentry_probe,   &fexit_probe,
	&iter_probe,     &rawtracepoint_probe, &test_probe, &bench_probe, NULL,
};

static bool ops_has_name(const struct probe_ops *ops, const char *name, bool nocase)
{
	int (*cmp)(const char *, const char *) = nocase ? strcasecmp : strcmp;

	if (cmp(ops->name, name) == 0)
		return true;
	for (const char *const *al = ops->aliases; al && *al; al++)
		if (cmp(*al, name) == 0)
			return true;
	return false;
}

const struct probe_ops *probe_lookup(const char *name)
{
	if (!name)
		return NULL;
	/* Exact spelling first, so "U" is usdt and "u" is uprobe; then
	 * case-insensitively, as bpftrace lowercases the provider (BEGIN). */
	for (size_t i = 0; probe_registry[i]; i++)
		if (ops_has_name(probe_registry[i], name, false))
			return probe_registry[i];
	for (size_t i = 0; probe_registry[i]; i++)
		if (ops_has_name(probe_registry[i], name, true))
			return probe_registry[i];
	return NULL;
}

static bool dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void probe_env_default(struct probe_env *env)
{
	memset(env, 0, sizeof(*env));
	/* bpftrace prefers debugfs's copy when it exists; so does libbpf. */
	if (dir_exists("/sys/kernel/debug/tracing/events"))
		env->tracefs = "/sys/kernel/debug/tracing";
	else
		env->tracefs = "/sys/kernel/tracing";
	/* An unmounted tracefs leaves tracepoints unusable (libbpf needs the
	 * event ids); mount it where the kernel provides the mount point, as
	 * perf does. Fails quietly without privileges. */
	if (!dir_exists("/sys/kernel/tracing/events") &&
	    !dir_exists("/sys/kernel/debug/tracing/events") && dir_exists("/sys/kernel/tracing"))
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
	env->btf_path = "/sys/kernel/btf/vmlinux";
	env->kallsyms = "/proc/kallsyms";
}

/* ---- globbing ---- */

static const char *class_end(const char *p)
{
	/* p points after '['; returns the ']' or NULL */
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']')
		p++;
	return *p ? p : NULL;
}

static bool class_match(const char *p, const char *end, char c)
{
	bool neg = false, hit = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	for (bool first = true; p < end; first = false) {
		if (*p == ']' && !first)
			break;
		if (p + 2 < end && p[1] == '-') {
			unsigned char uc = (unsigned char)c;

			if (uc >= (unsigned char)p[0] && uc <= (unsigned char)p[2])
				hit = true;
			p += 3;
		} else {
			if (*p == c)
				hit = true;
			p++;
		}
	}
	return hit != neg;
}

int probe_nop_kprobe_prog(uint32_t expected_attach_type)
{
	static const struct bpf_insn prog[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },                          /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po);

	po.expected_attach_type = (enum bpf_attach_type)expected_attach_type;
	return bpf_prog_load(BPF_PROG_TYPE_KPROBE, "scry_feature", "GPL", prog, 2, &po);
}

/* A link fd is stored as (fd << 1) | 1: pointers to struct bpf_link are
 * aligned, so the low bit tells the two apart. */
void *probe_link_fd(int fd)
{
	return (void *)(((uintptr_t)(unsigned)fd << 1) | 1);
}

void probe_link_destroy(void *link)
{
	uintptr_t v = (uintptr_t)link;

	if (v & 1)
		close((int)(v >> 1));
	else
		bpf_link__destroy(link);
}

bool probe_glob_match(const char *pat, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	if (!pat)
		return true;
	while (*s) {
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			if (!*pat)
				return true;
			star_p = pat;
			star_s = s;
			continue;
		}
		if (*pat == '?') {
			pat++;
			s++;
			continue;
		}
		if (*pat == '[') {
			const char *end = class_end(pat + 1);

			if (end) {
				if (class_match(pat + 1, end, *s)) {
					pat = end + 1;
					s++;
					continue;
				}
				goto backtrack;
			}
		}
		if (*pat == *s) {
			pat++;
			s++;
			continue;
		}
backtrack:
		if (!star_p)
			return false;
		pat = star_p;
		s = ++star_s;
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

bool probe_has_wildcard(const char *s)
{
	if (!s)
		return false;
	return strchr(s, '*') || (strchr(s, '[') && strchr(s, ']'));
}

/* ---- attach point helpers ---- */

int probe_parse_uint(const char *s, uint64_t *out, const char **why)
{
	char buf[128], *end;
	size_t n = 0;
	int base = 10;
	const char *p;
	uint64_t v, mult = 1;
	static const struct { const char *sfx; uint64_t mult; } sfx[] = {
		{ "", 1 }, { "u", 1 }, { "ul", 1 }, { "ull", 1 }, { "l", 1 }, { "ll", 1 },
		{ "ns", 1 }, { "us", 1000ULL }, { "ms", 1000000ULL }, { "s", 1000000000ULL },
		{ "m", 60000000000ULL }, { "h", 3600000000000ULL }, { "d", 86400000000000ULL },
	};
	bool found = false;

	*why = "invalid integer";
	for (p = s; *p && n + 1 < sizeof(buf); p++)
		if (*p != '_')
			buf[n++] = *p;
	buf[n] = 0;
	p = buf;
	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (n >= 2 && p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (n >= 2 && p[0] == '0' && p[1] >= '0' && p[1] <= '7') {
		base = 8;
		p += 1;
	}
	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, base);
	if (end == p)
		return -EINVAL;
	if (errno == ERANGE) {
		*why = "overflow error, maximum value is 18446744073709551615";
		return -ERANGE;
	}
	if ((*end == 'e' || *end == 'E') && end[1] >= '1' && end[1] <= '9') {
		uint64_t e;

		if (v == 0 || v >= 10) {
			*why = "coefficient part of scientific literal must be 1-9";
			return -EINVAL;
		}
		e = strtoull(end + 1, &end, 10);
		while (e--) {
			if (v > UINT64_MAX / 10) {
				*why = "overflow error, maximum value is 18446744073709551615";
				return -ERANGE;
			}
			v *= 10;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		if (strcmp(end, sfx[i].sfx) == 0) {
			mult = sfx[i].mult;
			found = true;
			break;
		}
	}
	if (!found) {
		*why = "invalid trailing bytes";
		return -EINVAL;
	}
	if (v > UINT64_MAX / mult) {
		*why = "overflow error, maximum value is 18446744073709551615";
		return -ERANGE;
	}
	*out = v * mult;
	*why = NULL;
	return 0;
}

struct probe_target *probe_target_new(struct arena *a, const struct probe_ops *ops,
				      const char *target, const char *func, const char *full)
{
	struct probe_target *t = arena_alloc(a, sizeof(*t));

	t->ops = ops;
	t->target = str_intern0(a, target ? target : "");
	t->func = str_intern0(a, func ? func : "");
	t->full = str_intern0(a, full ? full : ops->name);
	return t;
}

void probe_arg_count_error(struct diag *d, const struct ast_node *ap, const struct probe_ops *ops,
			   uint32_t want, uint32_t want2)
{
	if (want2 != want)
		diag_error(d, ap->loc, "%s probe type requires %u or %u arguments, found %u",
			   ops->name, want, want2, ap->attach.n_parts);
	else
		diag_error(d, ap->loc, "%s probe type requires %u arguments, found %u", ops->name,
			   want, ap->attach.n_parts);
}

const char *probe_spec(const struct ast_node *ap, struct arena *a)
{
	struct sbuf b = { 0 };
	const char *r;

	for (uint32_t i = 0; i < ap->attach.n_parts; i++) {
		if (i)
			sbuf_putc(&b, ':');
		sbuf_puts(&b, ap->attach.parts[i]);
	}
	r = str_intern0(a, sbuf_str(&b));
	sbuf_fini(&b);
	return r;
}

bool probe_expands_wildcard(const struct probe_ops *ops, const struct ast_node *ap)
{
	for (uint32_t i = 0; i < ap->attach.n_parts; i++)
		if (probe_has_wildcard(ap->attach.parts[i]))
			return true;
	return ops == &rawtracepoint_probe && ap->attach.n_parts == 1;
}

const char *probe_suggest_in(const struct strvec *all, const char *mod, const char *name,
			     struct arena *a)
{
	struct ptrvec cands = { 0 };
	const char *best = NULL, *res = NULL;
	size_t mlen = mod ? strlen(mod) : 0;

	if (!*name || probe_has_wildcard(name) || (mod && (!*mod || probe_has_wildcard(mod))))
		return NULL;
	for (size_t i = 0; i < all->n; i++) {
		const char *e = all->v[i], *colon = strchr(e, ':');

		if (!colon)
			continue;
		if (!mod || ((size_t)(colon - e) == mlen && !strncmp(e, mod, mlen)))
			ptrvec_push(&cands, (void *)(colon + 1));
	}
	if (cands.n) {
		best = util_closest(name, (const char *const *)cands.v, cands.n);
		if (best)
			res = mod ? arena_printf(a, "%s:%s", mod, best) : str_intern0(a, best);
	} else if (mod) {
		/* no such module: the modules that have this name */
		for (size_t i = 0; i < all->n; i++) {
			const char *e = all->v[i], *colon = strchr(e, ':');

			if (colon && !strcmp(colon + 1, name))
				ptrvec_push(&cands, arena_strndup(a, e, (size_t)(colon - e)));
		}
		best = util_closest(mod, (const char *const *)cands.v, cands.n);
		if (best)
			res = arena_printf(a, "%s:%s", best, name);
	}
	ptrvec_fini(&cands);
	return res;
}

/* ---- file system ---- */

int probe_dir_names(const char *path, const char *glob, bool dirs_only, struct strvec *out)
{
	DIR *dir = opendir(path);
	struct dirent *de;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' &&
		    (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (dirs_only) {
			if (de->d_type == DT_UNKNOWN) {
				char *p = xasprintf("%s/%s", path, de->d_name);
				bool isdir = dir_exists(p);

				free(p);
				if (!isdir)
					continue;
			} else if (de->d_type != DT_DIR) {
				continue;
			}
		}
		if (glob && !probe_glob_match(glob, de->d_name))
			continue;
		strvec_push(out, de->d_name);
	}
	closedir(dir);
	strvec_sort(out);
	return 0;
}

int probe_online_cpus(int **cpus)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n = 0, cap = 16;
	int *v = xmalloc(cap * sizeof(*v));

	if (f) {
		int lo, hi;
		char sep;

		while (fscanf(f, "%d", &lo) == 1) {
			hi = lo;
			sep = (char)fgetc(f);
			if (sep == '-') {
				if (fscanf(f, "%d", &hi) != 1)
					break;
				sep = (char)fgetc(f);
			}
			for (int c = lo; c <= hi; c++) {
				if (n == cap) {
					cap *= 2;
					v = xrealloc(v, cap * sizeof(*v));
				}
				v[n++] = c;
			}
			if (sep != ',')
				break;
		}
		fclose(f);
	}
	if (n == 0) {
		long np = sysconf(_SC_NPROCESSORS_ONLN);

		for (long c = 0; c < (np > 0 ? np : 1); c++) {
			if (n == cap) {
				cap *= 2;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n++] = (int)c;
		}
	}
	*cpus = v;
	return n;
}

/* ---- perf events ---- */

static int perf_open(uint32_t type, uint64_t config, uint64_t period, bool is_freq, pid_t pid,
		     int cpu)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = type;
	attr.size = sizeof(attr);
	attr.config = config;
	if (is_freq) {
		attr.freq = 1;
		attr.sample_freq = period;
	} else {
		attr.sample_period = period;
	}
	if (pid > 0)
		attr.inherit = 1;
	fd = (int)syscall(__NR_perf_event_open, &attr, pid > 0 ? pid : -1, cpu, -1,
			  PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int probe_perf_attach_one(struct bpf_program *prog, uint32_t type, uint64_t config,
			  uint64_t period, bool is_freq, pid_t pid, int cpu, struct ptrvec *links)
{
	struct bpf_link *link;
	int fd, err;

	fd = perf_open(type, config, period, is_freq, pid, cpu);
	if (fd < 0)
		return fd;
	link = bpf_program__attach_perf_event(prog, fd);
	if (!link) {
		err = -errno;
		close(fd);
		return err ? err : -EINVAL;
	}
	ptrvec_push(links, link);
	return 0;
}

int probe_perf_attach_all(struct bpf_program *prog, uint32_t type, uint64_t config,
			  uint64_t period, bool is_freq, pid_t pid, struct ptrvec *links)
{
	int *cpus, n = probe_online_cpus(&cpus);
	size_t first = links->n;
	int err = 0;

	for (int i = 0; i < n; i++) {
		err = probe_perf_attach_one(prog, type, config, period, is_freq, pid, cpus[i], links);
		if (err)
			break;
	}
	free(cpus);
	if (err) {
		while (links->n > first)
			probe_link_destroy(links->v[--links->n]);
	}
	return err;
}

int probe_perf_try(uint32_t type, uint64_t config)
{
	int fd = perf_open(type, config, 1000000, false, -1, 0);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

const char *probe_section_perf(const struct probe_target *t, struct arena *a)
{
	return "perf_event";
}

int probe_context_perf(const struct probe_env *env, const struct probe_target *t,
		       struct probe_ctx *out, struct arena *a, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->kind = PCTX_PERF_EVENT;
	return 0;
}

/* ---- types ---- */

struct type *probe_type_new(struct arena *a, enum type_kind kind, uint32_t size)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	t->kind = kind;
	t->size = size;
	t->align = size >= 8 ? 8 : (size >= 4 ? 4 : (size >= 2 ? 2 : 1));
	return t;
}

struct type *probe_type_int(struct arena *a, uint32_t size, bool is_signed)
{
	struct type *t = probe_type_new(a, TY_INT, size);

	t->is_signed = is_signed;
	return t;
}

struct type *probe_type_ptr(struct arena *a, const struct type *elem, enum addrspace as)
{
	struct type *t = probe_type_new(a, TY_POINTER, 8);

	t->elem = elem;
	t->as = as;
	return t;
}

const struct btf *probe_env_btf(const struct probe_env *env)
{
	return env && env->get_btf ? env->get_btf(env->btf_cookie) : NULL;
}

struct btf *probe_env_btf_load(const struct probe_env *env, bool *owned)
{
	struct btf *btf = (struct btf *)probe_env_btf(env);

	*owned = false;
	if (btf || !env->btf_path)
		return btf;
	btf = btf__parse(env->btf_path, NULL);
	if (!btf || libbpf_get_error(btf))
		return NULL;
	*owned = true;
	return btf;
}

static const struct type *btf_to_type(struct arena *a, const struct btf *btf, int32_t id,
				      int depth)
{
	const struct btf_type *t;
	struct type *ty;

	for (;;) {
		if (id == 0)
			return probe_type_new(a, TY_VOID, 0);
		t = btf__type_by_id(btf, id);
		if (!t)
			return probe_type_new(a, TY_VOID, 0);
		if (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t) || btf_is_decl_tag(t)) {
			id = t->type;
			continue;
		}
		break;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(t);

		if (enc & BTF_INT_BOOL)
			return probe_type_new(a, TY_BOOL, 1);
		ty = probe_type_int(a, t->size, enc & BTF_INT_SIGNED);
		ty->btf_id = id;
		return ty;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		const char *name = btf__name_by_offset(btf, t->name_off);
		uint16_t n = btf_vlen(t);
		const char **names;
		int64_t *vals;

		if (!name || !*name)
			return probe_type_int(a, t->size, false);
		ty = probe_type_new(a, TY_ENUM, t->size);
		ty->name = arena_printf(a, "enum %s", name);
		ty->is_signed = btf_kflag(t);
		ty->btf_id = id;
		names = arena_alloc(a, (n + 1) * sizeof(*names));
		vals = arena_alloc(a, (n + 1) * sizeof(*vals));
		for (uint16_t i = 0; i < n; i++) {
			if (btf_is_enum(t)) {
				const struct btf_enum *e = btf_enum(t) + i;

				names[i] = str_intern0(a, btf__name_by_offset(btf, e->name_off));
				vals[i] = btf_kflag(t) ? (int64_t)(int32_t)e->val
						       : (int64_t)(uint32_t)e->val;
			} else {
				const struct btf_enum64 *e = btf_enum64(t) + i;

				names[i] = str_intern0(a, btf__name_by_offset(btf, e->name_off));
				vals[i] = (int64_t)btf_enum64_value(e);
			}
		}
		ty->enum_names = names;
		ty->enum_values = vals;
		ty->n_enums = n;
		return ty;
	}
	case BTF_KIND_PTR: {
		const struct type *elem = depth > 8 ? probe_type_new(a, TY_VOID, 0)
						    : btf_to_type(a, btf, t->type, depth + 1);

		return probe_type_ptr(a, elem, AS_KERNEL);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const char *name = btf__name_by_offset(btf, t->name_off);

		ty = probe_type_new(a, btf_is_struct(t) ? TY_STRUCT : TY_UNION, t->size);
		ty->align = 8;
		ty->name = arena_printf(a, "%s %s", btf_is_struct(t) ? "struct" : "union",
					name && *name ? name : "(anonymous)");
		ty->btf_id = id;
		return ty;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);
		const struct type *elem = btf_to_type(a, btf, arr->type, depth + 1);

		if (elem->kind == TY_INT && elem->size == 1) {
			ty = probe_type_new(a, TY_STRING, arr->nelems);
			return ty;
		}
		ty = probe_type_new(a, TY_ARRAY, arr->nelems * elem->size);
		ty->elem = elem;
		ty->n = arr->nelems;
		ty->align = elem->align;
		return ty;
	}
	case BTF_KIND_FLOAT:
		return probe_type_int(a, t->size, true);
	default:
		return probe_type_new(a, TY_VOID, 0);
	}
}

const struct type *probe_type_from_btf(struct arena *a, const struct btf *btf, int32_t id)
{
	if (!btf)
		return probe_type_new(a, TY_VOID, 0);
	return btf_to_type(a, btf, id, 0);
}

/* Base C names that need no BTF. */
static const struct {
	const char *name;
	uint8_t size;
	bool is_signed;
} c_ints[] = {
	{ "char", 1, true },           { "signed char", 1, true },      { "unsigned char", 1, false },
	{ "short", 2, true },          { "short int", 2, true },        { "signed short", 2, true },
	{ "unsigned short", 2, false }, { "short unsigned int", 2, false },
	{ "unsigned short int", 2, false },
	{ "int", 4, true },            { "signed int", 4, true },       { "signed", 4, true },
	{ "unsigned", 4, false },      { "unsigned int", 4, false },
	{ "long", 8, true },           { "long int", 8, true },         { "signed long", 8, true },
	{ "unsigned long", 8, false }, { "long unsigned int", 8, false },
	{ "unsigned long int", 8, false },
	{ "long long", 8, true },      { "long long int", 8, true },
	{ "unsigned long long", 8, false }, { "long long unsigned int", 8, false },
	{ "unsigned long long int", 8, false },
	{ "u8", 1, false },  { "u16", 2, false }, { "u32", 4, false }, { "u64", 8, false },
	{ "s8", 1, true },   { "s16", 2, true },  { "s32", 4, true },  { "s64", 8, true },
	{ "__u8", 1, false }, { "__u16", 2, false }, { "__u32", 4, false }, { "__u64", 8, false },
	{ "__s8", 1, true }, { "__s16", 2, true }, { "__s32", 4, true }, { "__s64", 8, true },
	{ "uint8_t", 1, false }, { "uint16_t", 2, false }, { "uint32_t", 4, false },
	{ "uint64_t", 8, false }, { "int8_t", 1, true }, { "int16_t", 2, true },
	{ "int32_t", 4, true }, { "int64_t", 8, true },
	{ "size_t", 8, false }, { "ssize_t", 8, true }, { "pid_t", 4, true }, { "uid_t", 4, false },
	{ "gid_t", 4, false }, { "loff_t", 8, true }, { "umode_t", 2, false },
	{ "dev_t", 4, false }, { "gfp_t", 4, false }, { "__le16", 2, false }, { "__le32", 4, false },
	{ "__le64", 8, false }, { "__be16", 2, false }, { "__be32", 4, false }, { "__be64", 8, false },
};

/* Copies @s without leading/trailing blanks and without qualifiers we ignore. */
static char *c_type_clean(const char *s, bool *is_user)
{
	static const char *const drop[] = { "const", "volatile", "__user", "__rcu", "__iomem",
					     "__percpu", "__force", "__restrict", "restrict" };
	struct sbuf b = { 0 };
	const char *p = s;

	*is_user = false;
	while (*p) {
		const char *w;
		size_t len;
		bool skip = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p == '*') {
			/* "char *" and "char*" both become "char *" */
			while (b.len && b.s[b.len - 1] == ' ')
				b.len--;
			sbuf_puts(&b, b.len ? " *" : "*");
			p++;
			continue;
		}
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '*')
			p++;
		len = (size_t)(p - w);
		for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
			if (strlen(drop[i]) == len && strncmp(w, drop[i], len) == 0) {
				skip = true;
				if (i == 2)
					*is_user = true;
			}
		}
		if (skip)
			continue;
		if (b.len)
			sbuf_putc(&b, ' ');
		sbuf_put(&b, w, len);
	}
	if (!b.s)
		return xstrdup("");
	sbuf_str(&b);
	return b.s;
}

static const struct type *c_base_type(struct arena *a, const struct btf *btf, const char *name)
{
	int32_t id;

	for (size_t i = 0; i < ARRAY_SIZE(c_ints); i++)
		if (strcmp(c_ints[i].name, name) == 0)
			return probe_type_int(a, c_ints[i].size, c_ints[i].is_signed);
	if (strcmp(name, "bool") == 0 || strcmp(name, "_Bool") == 0)
		return probe_type_new(a, TY_BOOL, 1);
	if (strcmp(name, "void") == 0)
		return probe_type_new(a, TY_VOID, 0);
	if (btf) {
		if (strncmp(name, "struct ", 7) == 0) {
			id = btf__find_by_name_kind(btf, name + 7, BTF_KIND_STRUCT);
		} else if (strncmp(name, "union ", 6) == 0) {
			id = btf__find_by_name_kind(btf, name + 6, BTF_KIND_UNION);
		} else if (strncmp(name, "enum ", 5) == 0) {
			id = btf__find_by_name_kind(btf, name + 5, BTF_KIND_ENUM);
			if (id < 0)
				id = btf__find_by_name_kind(btf, name + 5, BTF_KIND_ENUM64);
		} else {
			id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
			if (id < 0)
				id = btf__find_by_name_kind(btf, name, BTF_KIND_INT);
		}
		if (id > 0)
			return btf_to_type(a, btf, id, 0);
	}
	if (strncmp(name, "struct ", 7) == 0 || strncmp(name, "union ", 6) == 0) {
		struct type *t = probe_type_new(a, name[0] == 's' ? TY_STRUCT : TY_UNION, 0);

		t->name = str_intern0(a, name);
		return t;
	}
	return NULL;
}

const struct type *probe_type_from_c(struct arena *a, const struct btf *btf, const char *spelling,
				     enum addrspace ptr_as)
{
	bool is_user;
	char *s = c_type_clean(spelling, &is_user);
	size_t n_ptr = 0, len = strlen(s);
	const struct type *t;

	while (len && (s[len - 1] == '*' || s[len - 1] == ' ')) {
		if (s[len - 1] == '*')
			n_ptr++;
		s[--len] = 0;
	}
	t = c_base_type(a, btf, s);
	if (!t)
		t = n_ptr ? probe_type_new(a, TY_VOID, 0) : probe_type_int(a, 8, false);
	for (size_t i = 0; i < n_ptr; i++)
		t = probe_type_ptr(a, t, is_user ? AS_USER : ptr_as);
	free(s);
	return t;
}

/* ---- listing ---- */

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	sbuf_vprintf(ctx, fmt, args);
}

void probe_print_btf_params(FILE *out, const struct btf *btf, int32_t proto_id, uint16_t skip,
			    bool with_retval)
{
	const struct btf_type *proto = btf__type_by_id(btf, proto_id);
	const struct btf_param *p;
	struct btf_dump *dump;
	struct sbuf b = { 0 };
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts);

	if (!proto || !btf_is_func_proto(proto))
		return;
	dump = btf_dump__new(btf, dump_printf, &b, NULL);
	if (!dump || libbpf_get_error(dump))
		return;
	opts.field_name = "";
	p = btf_params(proto);
	for (uint16_t i = skip; i < btf_vlen(proto); i++) {
		sbuf_reset(&b);
		if (btf_dump__emit_type_decl(dump, p[i].type, &opts))
			break;
		fprintf(out, "    %s %s\n", sbuf_str(&b), btf__name_by_offset(btf, p[i].name_off));
	}
	if (with_retval && proto->type) {
		sbuf_reset(&b);
		if (!btf_dump__emit_type_decl(dump, proto->type, &opts))
			fprintf(out, "    %s retval\n", sbuf_str(&b));
	}
	btf_dump__free(dump);
	sbuf_fini(&b);
}

void probe_print_matches(FILE *out, const char *type, const struct strvec *items, const char *glob)
{
	for (size_t i = 0; i < items->n; i++)
		if (!glob || probe_glob_match(glob, items->v[i]))
			fprintf(out, "%s:%s\n", type, items->v[i]);
}

static bool in_kernel_list(const struct probe_ops *ops)
{
	static const char *const names[] = { "kprobe", "tracepoint", "software", "hardware",
					     "fentry", "iter", "rawtracepoint" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(ops->name, names[i]) == 0)
			return true;
	return false;
}

static bool in_user_list(const struct probe_ops *ops)
{
	return strcmp(ops->name, "uprobe") == 0 || strcmp(ops->name, "usdt") == 0;
}

static char *xstrndup_(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static int cmp_ops(const void *a, const void *b)
{
	const struct probe_ops *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int list_one(const struct probe_env *env, const char *pattern, bool verbose, FILE *out)
{
	const struct probe_ops *types[32];
	size_t n_types = 0;
	char *pat, *colon, *suffix, *type_pat;
	struct stat st;
	bool include_user;
	int err = 0;

	/* "" and "*" list everything; "foo" means "*:foo". */
	if (!*pattern || strcmp(pattern, "*") == 0)
		pat = xstrdup("*:*");
	else if (!strchr(pattern, ':'))
		pat = xasprintf("*:%s", pattern);
	else
		pat = xstrdup(pattern);
	colon = strchr(pat, ':');
	*colon = 0;
	type_pat = pat;
	suffix = colon + 1;
	{
		/* a specific existing file as second part scopes a user-space search */
		char *second = xstrdup(suffix), *c2 = strchr(second, ':');
		bool specific = false;

		if (c2) {
			*c2 = 0;
			specific = *second && !probe_has_wildcard(second) && stat(second, &st) == 0;
		}
		free(second);
		include_user = (!probe_has_wildcard(type_pat) && *type_pat) || env->pid ||
			       specific;
	}
	if (probe_has_wildcard(type_pat) || !*type_pat) {
		for (size_t i = 0; probe_registry[i]; i++) {
			const struct probe_ops *ops = probe_registry[i];

			if (!(in_kernel_list(ops) || (include_user && in_user_list(ops))))
				continue;
			if (probe_glob_match(*type_pat ? type_pat : "*", ops->name))
				types[n_types++] = ops;
		}
		qsort(types, n_types, sizeof(types[0]), cmp_ops);
	} else {
		const struct probe_ops *ops = probe_lookup(type_pat);

		if (ops)
			types[n_types++] = ops;
	}
	{
		/* into memory first: stdout is line-buffered, and a write per
		 * line is most of the time of a listing of 50 000 functions */
		char *buf = NULL;
		size_t size = 0;
		FILE *mem = open_memstream(&buf, &size);
		FILE *to = mem ? mem : out;

		for (size_t i = 0; i < n_types; i++) {
			const char *glob = *suffix ? suffix : "*";

			if (!types[i]->list)
				continue;
			err = types[i]->list(env, glob, verbose, to);
			if (err && err != -ENOENT)
				break;
			err = 0;
		}
		if (mem) {
			fclose(mem);
			fwrite(buf, 1, size, out);
			free(buf);
		}
	}
	free(pat);
	return err;
}

static bool is_type_pattern(const char *p)
{
	return strncmp(p, "struct ", 7) == 0 || strncmp(p, "union ", 6) == 0 ||
	       strncmp(p, "enum ", 5) == 0;
}

/* -l 'struct task_struct': the named struct/union/enum types of vmlinux BTF
 * matching @pattern; with @verbose their definitions (as C, via btf_dump). */
static int list_types(const struct probe_env *env, const char *pattern, bool verbose, FILE *out)
{
	struct btf *btf = (struct btf *)probe_env_btf(env);
	bool owned = false;
	struct strvec found = { 0 };
	uint32_t n;

	if (!btf && env->btf_path) {
		btf = btf__parse(env->btf_path, NULL);
		if (!btf || libbpf_get_error(btf))
			return -ENOENT;
		owned = true;
	}
	if (!btf)
		return -ENOENT;
	n = btf__type_cnt(btf);
	if (verbose) {
		/* Dump everything once (dependencies come out first), then keep
		 * each top-level definition that matches "<pattern> {...}". */
		struct sbuf b = { 0 };
		struct btf_dump *dump = btf_dump__new(btf, dump_printf, &b, NULL);
		char *glob = xasprintf("%s {*}*", pattern);
		const char *p, *start = NULL;

		if (!dump || libbpf_get_error(dump)) {
			free(glob);
			goto out;
		}
		for (uint32_t id = 1; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			const char *name;

			if (!(btf_is_struct(t) || btf_is_union(t) || btf_is_enum(t)))
				continue;
			name = btf__name_by_offset(btf, t->name_off);
			if (name && *name)
				btf_dump__dump_type(dump, id);
		}
		btf_dump__free(dump);
		for (p = sbuf_str(&b); *p;) {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) : strlen(p);

			if (!start && len && p[len - 1] == '{' &&
			    (strncmp(p, "struct ", 7) == 0 || strncmp(p, "union ", 6) == 0 ||
			     strncmp(p, "enum ", 5) == 0))
				start = p;
			else if (start && len == 2 && p[0] == '}' && p[1] == ';') {
				char *def = xstrndup_(start, (size_t)(p + len - start));

				if (probe_glob_match(glob, def))
					strvec_push_owned(&found, xasprintf("%s\n", def));
				free(def);
				start = NULL;
			}
			p += len + (eol ? 1 : 0);
		}
		sbuf_fini(&b);
		free(glob);
	} else {
		for (uint32_t id = 1; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			const char *name, *kind;
			char *full;

			if (btf_is_struct(t))
				kind = "struct";
			else if (btf_is_union(t))
				kind = "union";
			else if (btf_is_enum(t))
				kind = "enum";
			else
				continue;
			name = btf__name_by_offset(btf, t->name_off);
			if (!name || !*name)
				continue;
			full = xasprintf("%s %s", kind, name);
			if (probe_glob_match(pattern, full))
				strvec_push_owned(&found, full);
			else
				free(full);
		}
	}
	strvec_sort(&found);
	for (size_t i = 0; i < found.n; i++) {
		if (i && strcmp(found.v[i], found.v[i - 1]) == 0)
			continue;
		fprintf(out, "%s\n", found.v[i]);
	}
out:
	strvec_fini(&found);
	if (owned)
		btf__free(btf);
	return 0;
}

int probe_list_all(const struct probe_env *env, const char *pattern, bool verbose, FILE *out)
{
	char *copy, *save = NULL, *tok;
	int err = 0;

	if (!pattern)
		return list_one(env, "", verbose, out);
	copy = xstrdup(pattern);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = 0;
		err = is_type_pattern(tok) ? list_types(env, tok, verbose, out)
					   : list_one(env, tok, verbose, out);
		if (err)
			break;
	}
	if (!*pattern)
		err = list_one(env, "", verbose, out);
	free(copy);
	return err;
}
