/* maps.c — reading, printing, clearing and zeroing the program's maps from
 * user space.
 *
 * Maps are read with BPF_MAP_LOOKUP_BATCH, or, where the kernel does not
 * batch a map type, by walking the keys with bpf_map_get_next_key and looking
 * them up one by one. Per-CPU
 * maps return one value per possible CPU, each at an 8-byte-rounded stride;
 * out_merge_percpu folds them into one value per the map's aggregation. The
 * sizes used are the ones the loaded map reports (bpf_map__key_size/
 * value_size), so the runtime never trusts a layout it did not load. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/rt_int.h"

static bool is_percpu(const struct map_info *m)
{
	return m->kind == MAPK_PERCPU_HASH || m->kind == MAPK_PERCPU_LRU_HASH ||
	       m->kind == MAPK_PERCPU_ARRAY;
}

static bool is_array(const struct map_info *m)
{
	return m->kind == MAPK_ARRAY || m->kind == MAPK_PERCPU_ARRAY;
}

static struct bpf_map *find_map(struct rt *rt, const struct map_info *m)
{
	if (m->id < rt->res->maps.n && rt->res->maps.v[m->id] == m)
		return rt->maps[m->id];
	for (size_t i = 0; i < rt->res->maps.n; i++)
		if (rt->res->maps.v[i] == m)
			return rt->maps[i];
	return NULL;
}

/* The entries of a map: keys and (merged) values in two flat arrays. */
struct entries {
	char *keys, *vals;
	size_t n, cap;
	uint32_t ksize, vsize;
};

static void entries_fini(struct entries *e)
{
	free(e->keys);
	free(e->vals);
}

static void entries_reserve(struct entries *e, size_t more)
{
	size_t ks = e->ksize ? e->ksize : 1, vs = e->vsize ? e->vsize : 1;

	if (e->n + more <= e->cap)
		return;
	while (e->cap < e->n + more)
		e->cap = e->cap ? e->cap * 2 : 64;
	e->keys = xrealloc(e->keys, e->cap * ks);
	e->vals = xrealloc(e->vals, e->cap * vs);
}

/* Reads the whole map with BPF_MAP_LOOKUP_BATCH: a few system calls instead of
 * two per key. Returns 1 when the kernel does not support batching for this
 * map (nothing read; the caller walks the keys), 0 or -errno otherwise. */
static int map_read_batch(struct rt *rt, const struct map_info *m, int fd, struct entries *e)
{
	bool percpu = is_percpu(m);
	size_t stride = ((size_t)e->vsize + 7) & ~(size_t)7;
	size_t vstride = percpu ? stride * rt->ncpus : e->vsize;
	uint32_t chunk = 4096;
	/* the batch token: a bucket index for hash maps, a key for arrays */
	size_t tsize = e->ksize > 8 ? e->ksize : 8;
	char *in = xcalloc(1, tsize), *out = xcalloc(1, tsize);
	char *vbuf = NULL;
	bool first = true;
	int err = 0;
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);

	if (percpu)
		vbuf = xcalloc(chunk, vstride ? vstride : 1);
	for (;;) {
		uint32_t count = chunk;
		int r;

		if (rt_stop_requested()) {
			err = -EINTR;
			break;
		}
		entries_reserve(e, chunk);
		r = bpf_map_lookup_batch(fd, first ? NULL : in, out, e->keys + e->n * e->ksize,
					 percpu ? vbuf : e->vals + e->n * e->vsize, &count, &opts);
		r = r < 0 ? -errno : 0;
		if (r == -ENOSPC && count == 0) {
			/* a hash bucket holds more entries than one chunk */
			chunk *= 2;
			if (percpu)
				vbuf = xrealloc(vbuf, (size_t)chunk * (vstride ? vstride : 1));
			continue;
		}
		if (r && r != -ENOENT) {
			if (first && e->n == 0 && count == 0 &&
			    (r == -EINVAL || r == -ENOTSUP || r == -EOPNOTSUPP || r == -ENOSYS || r == -EPERM))
				err = 1;
			else
				err = r;
			break;
		}
		if (percpu)
			for (uint32_t i = 0; i < count; i++)
				out_merge_percpu(m, vbuf + i * vstride, rt->ncpus,
						 e->vals + (e->n + i) * e->vsize);
		e->n += count;
		if (r == -ENOENT)
			break;
		memcpy(in, out, tsize);
		first = false;
	}
	free(in);
	free(out);
	free(vbuf);
	return err;
}

static int map_read(struct rt *rt, const struct map_info *m, struct bpf_map *bm, struct entries *e)
{
	int fd = bpf_map__fd(bm);
	uint32_t ksize = bpf_map__key_size(bm), vsize = bpf_map__value_size(bm);
	bool percpu = is_percpu(m);
	size_t stride = ((size_t)vsize + 7) & ~(size_t)7;
	size_t vbuf_size = percpu ? stride * rt->ncpus : vsize;
	char *prev = NULL, *next = xcalloc(1, ksize ? ksize : 1), *vbuf = xcalloc(1, vbuf_size);
	char *keybuf = xcalloc(1, ksize ? ksize : 1);
	int err = 0;

	memset(e, 0, sizeof(*e));
	e->ksize = ksize;
	e->vsize = vsize;
	if (ksize && vsize) {
		err = map_read_batch(rt, m, fd, e);
		if (err <= 0)
			goto done;
		err = 0; /* not supported: walk the keys */
	}
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		/* Ctrl-C during a print() of a huge map stops it promptly (at
		 * exit the flag is clear: the maps print in full, and a second
		 * Ctrl-C ends the process) */
		if (rt_stop_requested()) {
			err = -EINTR;
			break;
		}
		if (bpf_map_lookup_elem(fd, next, vbuf) == 0) {
			if (e->n == e->cap) {
				e->cap = e->cap ? e->cap * 2 : 64;
				e->keys = xrealloc(e->keys, e->cap * (ksize ? ksize : 1));
				e->vals = xrealloc(e->vals, e->cap * (vsize ? vsize : 1));
			}
			memcpy(e->keys + e->n * ksize, next, ksize);
			if (percpu)
				out_merge_percpu(m, vbuf, rt->ncpus, e->vals + e->n * vsize);
			else
				memcpy(e->vals + e->n * vsize, vbuf, vsize);
			e->n++;
		} else if (errno != ENOENT) {
			err = -errno;
			break;
		}
		memcpy(keybuf, next, ksize);
		prev = keybuf;
	}
done:
	/* a scalar count() lives in a one-slot per-CPU array: 0 = never counted
	 * (or cleared), which a hash map would not hold at all */
	if (!err && m->kind == MAPK_PERCPU_ARRAY && !m->key_type && !m->is_declared && m->value_type &&
	    m->value_type->kind == TY_COUNT && e->n == 1 && vsize >= 8) {
		uint64_t c;

		memcpy(&c, e->vals, sizeof(c));
		if (!c)
			e->n = 0;
	}
	free(next);
	free(vbuf);
	free(keybuf);
	return err;
}

/* Prints entries already read through out_map. */
static void print_entries(struct rt *rt, const struct map_info *m, struct entries *e, uint32_t top,
			  uint32_t div)
{
	struct out_entry *oe = xcalloc(e->n ? e->n : 1, sizeof(*oe));

	for (size_t i = 0; i < e->n; i++) {
		oe[i].key = e->keys + i * e->ksize;
		oe[i].value = e->vals + i * e->vsize;
	}
	sbuf_reset(&rt->buf);
	if (rt->o->json)
		out_json_map(&rt->buf, m, oe, e->n, top, div, &rt->sym);
	else
		out_map(&rt->buf, m, oe, e->n, top, div, &rt->sym);
	rt_emit(rt, rt->buf.s ? rt->buf.s : "", rt->buf.len);
	free(oe);
}

int rt_map_print(struct rt *rt, const struct map_info *m, uint32_t top, uint32_t div)
{
	struct bpf_map *bm = find_map(rt, m);
	struct entries e;
	int err;

	if (!bm)
		return -ENOENT;
	err = map_read(rt, m, bm, &e);
	if (!err)
		print_entries(rt, m, &e, top, div);
	entries_fini(&e);
	return err;
}

static int cmp_map_name(const void *a, const void *b)
{
	const struct map_info *x = *(const struct map_info *const *)a;
	const struct map_info *y = *(const struct map_info *const *)b;

	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

void rt_maps_print_all(struct rt *rt)
{
	const struct resources *res = rt->res;
	struct ptrvec v = { 0 };

	for (size_t i = 0; i < res->maps.n; i++) {
		struct map_info *m = res->maps.v[i];

		if (m->is_internal || !m->name || m->name[0] != '@' || !rt->maps[i] ||
		    m->kind == MAPK_STACK_TRACE || m->kind == MAPK_RINGBUF)
			continue;
		ptrvec_push(&v, m);
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(v.v[0]), cmp_map_name);
	for (size_t i = 0; i < v.n; i++) {
		const struct map_info *m = v.v[i];
		struct entries e;

		if (map_read(rt, m, find_map(rt, m), &e) == 0 && e.n)
			print_entries(rt, m, &e, 0, 0);
		entries_fini(&e);
	}
	ptrvec_fini(&v);
}

/* Writes zero values to every key, or deletes every key. */
static int map_reset(struct rt *rt, const struct map_info *m, bool del)
{
	struct bpf_map *bm = find_map(rt, m);
	int fd, err = 0;
	uint32_t ksize, vsize;
	size_t vbuf_size;
	char *keys = NULL, *key, *zero;
	size_t n = 0, cap = 0;

	if (!bm)
		return -ENOENT;
	fd = bpf_map__fd(bm);
	ksize = bpf_map__key_size(bm);
	vsize = bpf_map__value_size(bm);
	vbuf_size = is_percpu(m) ? (((size_t)vsize + 7) & ~(size_t)7) * rt->ncpus : vsize;
	key = xcalloc(1, ksize ? ksize : 1);
	/* collect first: deleting while walking restarts hash iteration */
	for (char *prev = NULL; bpf_map_get_next_key(fd, prev, key) == 0;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			keys = xrealloc(keys, cap * (ksize ? ksize : 1));
		}
		memcpy(keys + n * ksize, key, ksize);
		prev = keys + n * ksize;
		n++;
	}
	zero = xcalloc(1, vbuf_size ? vbuf_size : 1);
	for (size_t i = 0; i < n; i++) {
		int r = del && !is_array(m) ? bpf_map_delete_elem(fd, keys + i * ksize)
					    : bpf_map_update_elem(fd, keys + i * ksize, zero, BPF_ANY);

		if (r && errno != ENOENT && !err)
			err = -errno;
	}
	free(zero);
	free(key);
	free(keys);
	return err;
}

int rt_map_clear(struct rt *rt, const struct map_info *m)
{
	return map_reset(rt, m, true);
}

int rt_map_zero(struct rt *rt, const struct map_info *m)
{
	return map_reset(rt, m, false);
}

int rt_map_visit(struct rt *rt, const struct map_info *m, rt_map_visit_fn *fn, void *arg)
{
	struct bpf_map *bm = find_map(rt, m);
	struct out_entry *oe;
	struct entries e;
	int err;

	if (!bm)
		return -ENOENT;
	err = map_read(rt, m, bm, &e);
	if (!err) {
		oe = xcalloc(e.n ? e.n : 1, sizeof(*oe));
		for (size_t i = 0; i < e.n; i++) {
			oe[i].key = e.keys + i * e.ksize;
			oe[i].value = e.vals + i * e.vsize;
		}
		fn(arg, m, oe, e.n);
		free(oe);
	}
	entries_fini(&e);
	return err;
}
