/* sym.c — the symbolization callbacks the output functions use (struct
 * out_sym): kernel symbols from /proc/kallsyms (read once, on first use,
 * into a table sorted by address and searched by bisection), user names from
 * the passwd database, stacks read from the program's stack-trace map.
 * User-space symbols are printed as addresses for now. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/rt_int.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

struct rt_ksyms {
	struct ksym *v;
	size_t n, cap;
	struct arena names;
	bool loaded;
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

static void sym_usym(void *cookie, struct sbuf *b, uint32_t pid, uint64_t addr, bool with_offset)
{
	put_addr(b, addr);
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

/* The stack-trace map holding stacks of @t (the first one; sema makes one per
 * program today). */
static int stack_map_fd(struct rt *rt)
{
	for (size_t i = 0; i < rt->res->maps.n; i++) {
		const struct map_info *m = rt->res->maps.v[i];

		if (m->kind == MAPK_STACK_TRACE && rt->maps[i])
			return bpf_map__fd(rt->maps[i]);
	}
	return -1;
}

static void put_stack(struct rt *rt, struct sbuf *b, const struct type *t, int64_t id, bool user,
		      uint32_t pid)
{
	int fd = stack_map_fd(rt);
	uint64_t frames[127];
	uint32_t limit = t && t->n ? t->n : 127;
	enum stack_mode mode = t ? t->stack_mode : STACK_BPFTRACE;

	sbuf_putc(b, '\n');
	if (fd < 0 || id < 0)
		return;
	memset(frames, 0, sizeof(frames));
	if (bpf_map_lookup_elem(fd, &(uint32_t){ (uint32_t)id }, frames))
		return;
	for (uint32_t i = 0; i < limit && i < ARRAY_SIZE(frames) && frames[i]; i++) {
		uint64_t addr = frames[i];

		if (mode == STACK_RAW) {
			sbuf_printf(b, "%llx\n", (unsigned long long)addr);
			continue;
		}
		if (mode == STACK_PERF)
			sbuf_printf(b, "\t%llx ", (unsigned long long)addr);
		else
			sbuf_puts(b, "        ");
		if (user)
			sym_usym(rt, b, pid, addr, true);
		else
			sym_ksym(rt, b, addr, true);
		sbuf_putc(b, '\n');
	}
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
	free(rt->ksyms);
	rt->ksyms = NULL;
}
