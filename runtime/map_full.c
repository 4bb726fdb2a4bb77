/* map_full.c — failed map updates, reported by map name.
 *
 * When bpf_map_update_elem fails because a hash map is full (-E2BIG) or the
 * kernel cannot allocate the element (-ENOMEM), the program atomically adds 1
 * to the map's slot (index map_info.id) of the u64 array RT_MAP_FULL_MAP, the
 * only variable of the object's .bss (see codegen/builtin_agg.c). The update
 * is lost: the key is missing from the map, or an aggregation missed a value.
 * Nothing of it is silent: with -v the counts are shown while tracing (at
 * most once a second, only when one grew), and every map with failures is
 * named at exit, with the way to make it bigger. Reading them needs no
 * privilege beyond the map's fd. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runtime/rt_int.h"

/* The counts of every map into @buf (the .bss map's one value). */
static bool full_counts(struct rt *rt, uint64_t *buf)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(bpf_map__fd(rt->map_full), &zero, buf) == 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rt_map_full_init(struct rt *rt)
{
	struct bpf_map *m;
	size_t want = (rt->res->maps.n ? rt->res->maps.n : 1) * sizeof(uint64_t);

	rt->map_full = NULL;
	/* libbpf names it "<object>.bss" */
	bpf_object__for_each_map(m, rt->obj) {
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);

		if (bpf_map__is_internal(m) && len >= 4 && !strcmp(name + len - 4, ".bss") &&
		    bpf_map__value_size(m) == want && bpf_map__key_size(m) == 4)
			rt->map_full = m;
	}
	if (rt->map_full)
		rt->n_full = xcalloc(rt->res->maps.n ? rt->res->maps.n : 1, sizeof(*rt->n_full));
}

void rt_map_full_fini(struct rt *rt)
{
	free(rt->n_full);
	rt->n_full = NULL;
	rt->map_full = NULL;
}

static const char *map_display_name(const struct map_info *m)
{
	return m->name ? m->name : m->bpf_name ? m->bpf_name : "?";
}

void rt_map_full_poll(struct rt *rt, bool at_exit)
{
	uint32_t n_maps, max_id;
	uint64_t *counts;
	bool hint = false, hint_decl = false;
	double now;

	if (!rt->map_full || !rt->n_full)
		return;
	if (!at_exit) {
		if (!rt->o->verbose)
			return;
		now = mono_s();
		if (now - rt->full_polled < 1.0)
			return;
		rt->full_polled = now;
	}
	n_maps = (uint32_t)rt->res->maps.n;
	max_id = (uint32_t)(bpf_map__value_size(rt->map_full) / sizeof(uint64_t));
	counts = xcalloc(max_id, sizeof(*counts));
	if (!full_counts(rt, counts))
		n_maps = 0;
	for (uint32_t i = 0; i < n_maps; i++) {
		const struct map_info *m = rt->res->maps.v[i];
		uint64_t c;

		if (m->id >= max_id)
			continue;
		c = counts[m->id];
		if (at_exit) {
			if (!c)
				continue;
			fflush(rt->out);
			fprintf(stderr, "WARNING: %llu update%s of map '%s' failed because it was full "
					"(%u entries); its contents are incomplete\n",
				(unsigned long long)c, c == 1 ? "" : "s", map_display_name(m),
				m->max_entries);
			if (m->is_declared)
				hint_decl = true;
			else
				hint |= !m->is_internal;
		} else if (c > rt->n_full[i]) {
			fflush(rt->out);
			fprintf(stderr, "WARNING: map '%s' is full: %llu update%s failed so far\n",
				map_display_name(m), (unsigned long long)c, c == 1 ? "" : "s");
		}
		rt->n_full[i] = c;
	}
	if (hint)
		fprintf(stderr, "HINT: raise config max_map_keys, or give the map a size in a "
				"declaration, e.g. `let @m = hash(100000)`\n");
	if (hint_decl)
		fprintf(stderr, "HINT: a declared map holds the number of entries its declaration "
				"gives (`let @m = hash(N)`); give it more\n");
	free(counts);
}
