/* sym.c — the symbolization callbacks the output functions use (struct
 * out_sym): kernel symbols from /proc/kallsyms (read once, on first use,
 * into a table sorted by address and searched by bisection), user names from
 * the passwd database, stacks read from the program's stack-trace map.
 * User-space symbols: the address is found in /proc/PID/maps, turned into a
 * file offset and then an ELF address of that file, whose symbol table
 * (probes/uelf.h, cached per path) names it; an address that cannot be
 * resolved (the process is gone, no symbols) prints as hex. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/uelf.h"
#include "runtime/rt_int.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

struct rt_elf {
	char *path;
	struct uelf *e;   /* NULL: could not be read */
};

struct rt_ksyms {
	struct ksym *v;
	size_t n, cap;
	struct arena names;
	bool loaded;
	struct rt_elf *elfs;  /* user-space ELF files opened so far */
	size_t n_elfs;
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_load(struct rt_ksyms *k)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512];

	k->loaded = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || addr == 0)
			continue;
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 65536;
			k->v = xrealloc(k->v, k->cap * sizeof(*k->v));
		}
		k->v[k->n].addr = addr;
		k->v[k->n].name = arena_strdup(&k->names, name);
		k->n++;
	}
	fclose(f);
	qsort(k->v, k->n, sizeof(*k->v), cmp_ksym);
}

static const struct ksym *ksym_find(struct rt *rt, uint64_t addr)
{
	struct rt_ksyms *k = rt->ksyms;
	size_t lo = 0, hi;

	if (!k->loaded)
		ksyms_load(k);
	hi = k->n;
	if (!hi || addr < k->v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &k->v[lo];
}

static void put_addr(struct sbuf *b, uint64_t addr)
{
	if (addr)
		sbuf_printf(b, "0x%llx", (unsigned long long)addr);
	else
		sbuf_puts(b, "0");
}

static void sym_ksym(void *cookie, struct sbuf *b, uint64_t addr, bool with_offset)
{
	const struct ksym *s = ksym_find(cookie, addr);

	if (!s) {
		put_addr(b, addr);
		return;
	}
	sbuf_puts(b, s->name);
	if (with_offset)
		sbuf_printf(b, "+%llu", (unsigned long long)(addr - s->addr));
}

static struct uelf *elf_get(struct rt_ksyms *k, const char *path)
{
	struct uelf *e = NULL;

	for (size_t i = 0; i < k->n_elfs; i++)
		if (strcmp(k->elfs[i].path, path) == 0)
			return k->elfs[i].e;
	if (uelf_open(path, &e))
		e = NULL;
	k->elfs = xrealloc(k->elfs, (k->n_elfs + 1) * sizeof(*k->elfs));
	k->elfs[k->n_elfs].path = xstrdup(path);
	k->elfs[k->n_elfs].e = e;
	k->n_elfs++;
	return e;
}

/* The file mapped at @addr in @pid and the offset in it; false if none. */
static bool proc_map_lookup(uint32_t pid, uint64_t addr, char *path, size_t path_size,
			    uint64_t *off)
{
	char fn[64], line[4096];
	FILE *f;
	bool found = false;

	snprintf(fn, sizeof(fn), "/proc/%u/maps", pid);
	f = fopen(fn, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi, foff;
		int n = 0;
		char *p;

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &lo, &hi, &foff, &n) < 3 || !n)
			continue;
		if (addr < lo || addr >= hi)
			continue;
		p = line + n;
		p[strcspn(p, "\n")] = '\0';
		if (p[0] != '/')
			break;
		snprintf(path, path_size, "%s", p);
		*off = addr - lo + foff;
		found = true;
		break;
	}
	fclose(f);
	return found;
}

static void usym_resolve(struct rt *rt, struct sbuf *b, uint32_t pid, uint64_t addr,
			 bool with_offset, bool perf)
{
	char path[4096];
	uint64_t off, vaddr;
	const struct uelf_sym *s = NULL;
	struct uelf *e;

	if (pid && proc_map_lookup(pid, addr, path, sizeof(path), &off) &&
	    (e = elf_get(rt->ksyms, path)) && uelf_offset_to_vaddr(e, off, &vaddr) == 0)
		s = uelf_sym_by_addr(e, vaddr);
	if (!s) {
		put_addr(b, addr);
		if (perf)
			sbuf_puts(b, " ([unknown])");
		return;
	}
	sbuf_puts(b, s->name);
	if (with_offset)
		sbuf_printf(b, "+%llu", (unsigned long long)(vaddr - s->addr));
	if (perf)
		sbuf_printf(b, " (%s)", path);
}

static void sym_usym(void *cookie, struct sbuf *b, uint32_t pid, uint64_t addr, bool with_offset)
{
	usym_resolve(cookie, b, pid, addr, with_offset, false);
}

static void sym_username(void *cookie, struct sbuf *b, uint32_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		sbuf_puts(b, res->pw_name);
	else
		sbuf_printf(b, "%u", uid);
}

/* The stack-trace map for stacks of @t: the one whose depth (value size / 8)
 * is the stack limit, else the first one. */
static struct bpf_map *stack_map(struct rt *rt, const struct type *t)
{
	struct bpf_map *first = NULL;

	for (size_t i = 0; i < rt->res->maps.n; i++) {
		const struct map_info *m = rt->res->maps.v[i];

		if (m->kind != MAPK_STACK_TRACE || !rt->maps[i])
			continue;
		if (t && t->n && bpf_map__value_size(rt->maps[i]) / 8 == t->n)
			return rt->maps[i];
		if (!first)
			first = rt->maps[i];
	}
	if (!first) {
		/* a stack map codegen made on its own, outside resources.maps */
		struct bpf_map *m;

		bpf_object__for_each_map(m, rt->obj) {
			if (bpf_map__type(m) != BPF_MAP_TYPE_STACK_TRACE)
				continue;
			if (t && t->n && bpf_map__value_size(m) / 8 == t->n)
				return m;
			if (!first)
				first = m;
		}
	}
	return first;
}

static void put_stack(struct rt *rt, struct sbuf *b, const struct type *t, int64_t id, bool user,
		      uint32_t pid)
{
	struct bpf_map *m = stack_map(rt, t);
	uint32_t depth, limit, key = (uint32_t)id;
	enum stack_mode mode = t ? t->stack_mode : STACK_BPFTRACE;
	uint64_t *frames;

	sbuf_putc(b, '\n');
	if (!m || id < 0)
		return;
	depth = bpf_map__value_size(m) / 8;
	limit = t && t->n && t->n < depth ? t->n : depth;
	frames = xcalloc(depth ? depth : 1, sizeof(*frames));
	if (bpf_map_lookup_elem(bpf_map__fd(m), &key, frames)) {
		free(frames);
		return;
	}
	for (uint32_t i = 0; i < limit && frames[i]; i++) {
		uint64_t addr = frames[i];

		if (mode == STACK_RAW || mode == STACK_BUILD_ID) {
			sbuf_printf(b, "%llx\n", (unsigned long long)addr);
			continue;
		}
		if (mode == STACK_PERF)
			sbuf_printf(b, "\t%llx ", (unsigned long long)addr);
		else
			sbuf_puts(b, "        ");
		if (user)
			usym_resolve(rt, b, pid, addr, true, mode == STACK_PERF);
		else
			sym_ksym(rt, b, addr, true);
		sbuf_putc(b, '\n');
	}
	free(frames);
}

static void sym_kstack(void *cookie, struct sbuf *b, const struct type *t, int64_t id)
{
	put_stack(cookie, b, t, id, false, 0);
}

static void sym_ustack(void *cookie, struct sbuf *b, const struct type *t, int64_t id, uint32_t pid)
{
	put_stack(cookie, b, t, id, true, pid);
}

static uint64_t ts_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void rt_sym_init(struct rt *rt)
{
	rt->ksyms = xcalloc(1, sizeof(*rt->ksyms));
	arena_init(&rt->ksyms->names);
	rt->sym.cookie = rt;
	rt->sym.ksym = sym_ksym;
	rt->sym.usym = sym_usym;
	rt->sym.kstack = sym_kstack;
	rt->sym.ustack = sym_ustack;
	rt->sym.username = sym_username;
	rt->sym.boottime_ns = ts_ns(CLOCK_REALTIME) - ts_ns(CLOCK_BOOTTIME);
	rt->sym.max_strlen = rt->res->cfg.max_strlen ? rt->res->cfg.max_strlen : 1024;
	rt->sym.str_trunc_trailer = rt->res->cfg.str_trunc_trailer ? rt->res->cfg.str_trunc_trailer
								   : "..";
}

void rt_sym_fini(struct rt *rt)
{
	if (!rt->ksyms)
		return;
	free(rt->ksyms->v);
	arena_fini(&rt->ksyms->names);
	for (size_t i = 0; i < rt->ksyms->n_elfs; i++) {
		free(rt->ksyms->elfs[i].path);
		uelf_free(rt->ksyms->elfs[i].e);
	}
	free(rt->ksyms->elfs);
	free(rt->ksyms);
	rt->ksyms = NULL;
}
