/* metrics_rt.c — --metrics inside a run: opens the server before anything is
 * loaded (so a taken port fails early, with nothing attached), serves scrapes
 * from the event loop, and renders the user maps through the runtime's map
 * reader (rt_map_visit), the same maps and filters as printing at exit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "runtime/metrics.h"
#include "runtime/rt_int.h"

int rt_metrics_open(struct rt *rt)
{
	char err[512];

	if (!rt->o->metrics_addr)
		return 0;
	rt->metrics = metrics_server_new(rt->o->metrics_addr, err, sizeof(err));
	if (!rt->metrics) {
		fflush(rt->out);
		fprintf(stderr, "ERROR: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

void rt_metrics_close(struct rt *rt)
{
	metrics_server_free(rt->metrics);
	rt->metrics = NULL;
}

struct render_ctx {
	struct rt *rt;
	struct sbuf *body;
	bool om;
	struct strvec used;
};

static void on_map(void *arg, const struct map_info *m, const struct out_entry *e, size_t n)
{
	struct render_ctx *rc = arg;

	metrics_format_map(rc->body, m, e, n, &rc->rt->sym, rc->om, &rc->used);
}

static int cmp_name(const void *a, const void *b)
{
	const struct map_info *x = *(const struct map_info *const *)a;
	const struct map_info *y = *(const struct map_info *const *)b;

	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static void render(void *arg, struct sbuf *body, bool om)
{
	struct rt *rt = arg;
	const struct resources *res = rt->res;
	struct render_ctx rc = { .rt = rt, .body = body, .om = om };
	struct ptrvec v = { 0 };

	for (size_t i = 0; i < res->maps.n; i++) {
		struct map_info *m = res->maps.v[i];

		if (m->is_internal || !m->name || m->name[0] != '@' || !rt->maps[i] ||
		    m->kind == MAPK_STACK_TRACE || m->kind == MAPK_RINGBUF)
			continue;
		ptrvec_push(&v, m);
	}
	if (v.n > 1)
		qsort(v.v, v.n, sizeof(v.v[0]), cmp_name);
	for (size_t i = 0; i < v.n; i++)
		rt_map_visit(rt, v.v[i], on_map, &rc);
	metrics_format_end(body, om);
	strvec_fini(&rc.used);
	ptrvec_fini(&v);
}

void rt_metrics_serve(struct rt *rt, int timeout_ms)
{
	int efd = rt->rb ? ring_buffer__epoll_fd(rt->rb) : -1;

	metrics_server_wait(rt->metrics, efd, timeout_ms, render, rt);
}
