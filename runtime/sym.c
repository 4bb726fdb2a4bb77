/* sym.c — the symbolization callbacks the output functions use (struct
 * out_sym), on top of runtime/syms.h: kernel and user symbols, user names,
 * and stacks, whose frames this file reads from the program's stack-trace
 * map (the value at the stack id) before syms.c formats them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/probe.h"
#include "runtime/rt_int.h"
#include "runtime/syms.h"

static void cb_ksym(void *cookie, struct sbuf *b, uint64_t addr, bool with_offset)
{
	struct rt *rt = cookie;

	sym_kernel_format(rt->symctx, b, addr, with_offset);
}

static void cb_usym(void *cookie, struct sbuf *b, uint32_t pid, uint64_t addr, bool with_offset)
{
	struct rt *rt = cookie;

	sym_user_format(rt->symctx, b, pid, addr, with_offset);
}

static void cb_username(void *cookie, struct sbuf *b, uint32_t uid)
{
	struct rt *rt = cookie;

	sym_cb_username(rt->symctx, b, uid);
}

/* The stack-trace map for stacks of @t: the one whose depth (value size / 8)
 * is the stack limit, else the first one; among resources.maps first, then
 * any the object has (codegen may make its own). */
static struct bpf_map *stack_map(struct rt *rt, const struct type *t)
{
	struct bpf_map *first = NULL, *m;

	for (size_t i = 0; i < rt->res->maps.n; i++) {
		const struct map_info *mi = rt->res->maps.v[i];

		if (mi->kind != MAPK_STACK_TRACE || !rt->maps[i])
			continue;
		if (t && t->n && bpf_map__value_size(rt->maps[i]) / 8 == t->n)
			return rt->maps[i];
		if (!first)
			first = rt->maps[i];
	}
	if (first)
		return first;
	bpf_object__for_each_map(m, rt->obj) {
		if (bpf_map__type(m) != BPF_MAP_TYPE_STACK_TRACE)
			continue;
		if (t && t->n && bpf_map__value_size(m) / 8 == t->n)
			return m;
		if (!first)
			first = m;
	}
	return first;
}

static void put_stack(struct rt *rt, struct sbuf *b, const struct type *t, int64_t id, bool user,
		      uint32_t pid)
{
	struct bpf_map *m = stack_map(rt, t);
	enum stack_mode mode = t ? t->stack_mode : STACK_BPFTRACE;
	uint32_t depth, key = (uint32_t)id;
	unsigned n = 0;
	uint64_t *ips;

	if (!m || id < 0) {
		sbuf_putc(b, '\n');
		return;
	}
	depth = bpf_map__value_size(m) / 8;
	ips = xcalloc(depth ? depth : 1, sizeof(*ips));
	if (bpf_map_lookup_elem(bpf_map__fd(m), &key, ips) == 0)
		while (n < depth && (!t || !t->n || n < t->n) && ips[n])
			n++;
	sym_format_stack(rt->symctx, b, ips, n, mode, user, pid, 8);
	free(ips);
}

static void cb_kstack(void *cookie, struct sbuf *b, const struct type *t, int64_t id)
{
	put_stack(cookie, b, t, id, false, 0);
}

static void cb_ustack(void *cookie, struct sbuf *b, const struct type *t, int64_t id, uint32_t pid)
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
	const struct resources *res = rt->res;

	rt->symctx = sym_ctx_new(NULL, NULL);
	/* bpftrace falls back to the probe's binary when a pid's mappings are gone */
	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];

		if (pi->target && pi->target->path) {
			sym_ctx_set_fallback_exe(rt->symctx, pi->target->path);
			break;
		}
	}
	rt->sym.cookie = rt;
	rt->sym.ksym = cb_ksym;
	rt->sym.usym = cb_usym;
	rt->sym.kstack = cb_kstack;
	rt->sym.ustack = cb_ustack;
	rt->sym.username = cb_username;
	rt->sym.cgroup_path = rt_cgroup_path;
	rt->sym.boottime_ns = ts_ns(CLOCK_REALTIME) - ts_ns(CLOCK_BOOTTIME);
	rt->sym.max_strlen = res->cfg.max_strlen ? res->cfg.max_strlen : 1024;
	rt->sym.str_trunc_trailer = res->cfg.str_trunc_trailer;
}

void rt_sym_preload(struct rt *rt, pid_t pid)
{
	if (pid > 0)
		sym_preload_pid(rt->symctx, (uint32_t)pid);
}

void rt_sym_fini(struct rt *rt)
{
	sym_ctx_free(rt->symctx);
	rt->symctx = NULL;
}
