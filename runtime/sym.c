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

/* Does @m suit stacks of @t: build-id frames for ustack(build_id), plain
 * addresses otherwise; depth 0 = any. Returns 2 for an exact depth match. */
static int stack_map_fit(struct bpf_map *m, const struct type *t, bool build_id)
{
	uint32_t frame = build_id ? sizeof(struct bpf_stack_build_id) : 8;

	if (bpf_map__type(m) != BPF_MAP_TYPE_STACK_TRACE ||
	    !!(bpf_map__map_flags(m) & BPF_F_STACK_BUILD_ID) != build_id)
		return 0;
	return t && t->n && bpf_map__value_size(m) / frame == t->n ? 2 : 1;
}

/* The stack-trace map for stacks of @t: the one whose depth is the stack
 * limit, else any that fits; resources.maps first, then whatever maps the
 * object has (codegen may make its own). */
static struct bpf_map *stack_map(struct rt *rt, const struct type *t, bool build_id)
{
	struct bpf_map *best = NULL, *m;
	int best_fit = 0;

	bpf_object__for_each_map(m, rt->obj) {
		int fit = stack_map_fit(m, t, build_id);

		if (fit > best_fit) {
			best = m;
			best_fit = fit;
		}
	}
	return best;
}

static void put_stack(struct rt *rt, struct sbuf *b, const struct type *t, int64_t id, bool user,
		      uint32_t pid)
{
	enum stack_mode mode = t ? t->stack_mode : STACK_BPFTRACE;
	bool build_id = user && mode == STACK_BUILD_ID;
	struct bpf_map *m = stack_map(rt, t, build_id);
	uint32_t key = (uint32_t)id, size, depth;
	unsigned n = 0;
	void *frames;

	if (!m && build_id) {
		/* no build-id map: print the addresses */
		build_id = false;
		m = stack_map(rt, t, false);
	}
	if (!m || id < 0) {
		sbuf_putc(b, '\n');
		return;
	}
	size = bpf_map__value_size(m);
	depth = size / (build_id ? sizeof(struct bpf_stack_build_id) : 8);
	frames = xcalloc(1, size ? size : 1);
	if (bpf_map_lookup_elem(bpf_map__fd(m), &key, frames) == 0) {
		if (build_id) {
			const struct bpf_stack_build_id *f = frames;

			while (n < depth && (!t || !t->n || n < t->n) &&
			       (f[n].status != BPF_STACK_BUILD_ID_EMPTY || f[n].ip))
				n++;
		} else {
			const uint64_t *ips = frames;

			while (n < depth && (!t || !t->n || n < t->n) && ips[n])
				n++;
		}
	}
	if (build_id)
		sym_format_build_id_stack(b, frames, n);
	else
		sym_format_stack(rt->symctx, b, frames, n, mode, user, pid, 8);
	free(frames);
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
	sym_ctx_set_debug_info(rt->symctx, !res->cfg.hide_debug_info);
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
