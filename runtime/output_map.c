/* output_map.c — whole maps as bpftrace v0.26.1 prints them (at exit and for
 * print(@m, top, div)), and the per-CPU merge of map values.
 *
 * Order of entries:
 *   count, sum and integer values: by value (signed or unsigned per the type);
 *   min/max: by value compared as unsigned; avg/stats: by average;
 *   hist/lhist: by the total count of all buckets, ties by key bytes;
 *   anything else: by key — integers compared as signed whatever their type,
 *   strings bytewise, tuples field by field over their integer and string
 *   fields; other keys keep the order the runtime read them in.
 * Sorting is stable, so equal entries keep the order they came in.
 * top keeps the last @top entries of that order; div divides integer values
 * and hist counts (not lhist counts).
 *
 * Lines: "@m: v" for scalar maps, "@m[k]: v" otherwise, where a tuple key loses
 * its parentheses ("@m[1, abc]"). Histograms print "@m[k]:" and then one line per
 * bucket:  "%-16s%8lu |%-52s|" and a blank line after the block. */
#include <stdlib.h>
#include <string.h>

#include "runtime/output.h"
#include "runtime/output_int.h"

/* ---- per-CPU merge ---- */

static uint32_t round8(uint32_t n)
{
	return (n + 7) & ~7u;
}

void out_merge_percpu(const struct map_info *m, const void *percpu, unsigned ncpus, void *out)
{
	const struct type *vt = m->value_type;
	uint32_t vs = m->value_size, stride = round8(vs);
	const uint8_t *p = percpu;
	uint8_t *o = out;
	enum type_kind k = vt ? vt->kind : TY_NONE;

	memset(out, 0, vs);
	if (!ncpus)
		return;
	switch (k) {
	case TY_COUNT:
	case TY_SUM:
	case TY_HIST:
	case TY_LHIST: {
		uint64_t sum = 0;

		for (unsigned c = 0; c < ncpus; c++)
			sum += out_load_u(p + (size_t)c * stride, vs < 8 ? vs : 8);
		memcpy(o, &sum, vs < 8 ? vs : 8);
		return;
	}
	case TY_MIN:
	case TY_MAX: {
		uint64_t best = 0, set = 0;

		if (vs < 16)
			break;
		for (unsigned c = 0; c < ncpus; c++) {
			const uint8_t *e = p + (size_t)c * stride;
			uint64_t v = out_load_u(e, 8);
			bool better;

			if (!out_load_u(e + 8, 8))
				continue;
			if (!set) {
				better = true;
			} else if (vt->is_signed) {
				better = k == TY_MAX ? (int64_t)v > (int64_t)best
						     : (int64_t)v < (int64_t)best;
			} else {
				better = k == TY_MAX ? v > best : v < best;
			}
			if (better)
				best = v;
			set = 1;
		}
		memcpy(o, &best, 8);
		memcpy(o + 8, &set, 8);
		return;
	}
	case TY_AVG:
	case TY_STATS: {
		uint64_t total = 0, count = 0;

		if (vs < 16)
			break;
		for (unsigned c = 0; c < ncpus; c++) {
			const uint8_t *e = p + (size_t)c * stride;

			total += out_load_u(e, 8);
			count += out_load_u(e + 8, 8);
		}
		memcpy(o, &total, 8);
		memcpy(o + 8, &count, 8);
		return;
	}
	case TY_TSERIES:
		if (vs < 24)
			break;
		out_tseries_merge(vt, percpu, ncpus, stride, out);
		return;
	default:
		break;
	}
	/* other values are not aggregated: take the first CPU's copy */
	memcpy(o, p, vs);
}

/* ---- sorting ---- */

struct row {
	size_t idx;          /* position in the input: the tie breaker */
	const uint8_t *key;  /* user key (hist: without the bucket) */
	const uint8_t *val;  /* value (hist: NULL) */
	uint64_t num;        /* numeric sort key */
	bool num_signed;
	uint64_t *buckets;   /* hist/lhist: counts per bucket */
	size_t n_buckets;
};

struct sort_ctx {
	const struct type *key_type;
	uint32_t key_size;
	int mode; /* 0 by num, 1 by key, 2 by raw key bytes */
};

static int cmp_key_field(const struct type *t, const uint8_t *a, const uint8_t *b)
{
	if (!t)
		return 0;
	if (t->kind == TY_INT || t->kind == TY_ENUM) {
		int64_t x, y;

		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return 0;
		x = out_load_s(a, t->size);
		y = out_load_s(b, t->size);
		return x < y ? -1 : x > y;
	}
	if (t->kind == TY_STRING)
		return memcmp(a, b, t->size);
	return 0;
}

static int cmp_keys(const struct type *kt, const uint8_t *a, const uint8_t *b)
{
	if (!kt)
		return 0;
	if (kt->kind == TY_TUPLE) {
		for (uint32_t i = 0; i < kt->n_fields; i++) {
			const struct type_field *f = &kt->fields[i];
			int c = cmp_key_field(f->type, a + f->offset, b + f->offset);

			if (c)
				return c;
		}
		return 0;
	}
	return cmp_key_field(kt, a, b);
}

static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct row *a = pa, *b = pb;
	const struct sort_ctx *sc = arg;
	int c = 0;

	if (sc->mode == 0) {
		if (a->num_signed)
			c = (int64_t)a->num < (int64_t)b->num ? -1 : (int64_t)a->num > (int64_t)b->num;
		else
			c = a->num < b->num ? -1 : a->num > b->num;
	} else if (sc->mode == 1) {
		c = cmp_keys(sc->key_type, a->key, b->key);
	} else {
		c = memcmp(a->key, b->key, sc->key_size);
	}
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void sort_rows(struct row *rows, size_t n, struct sort_ctx *sc)
{
	if (n > 1)
		qsort_r(rows, n, sizeof(*rows), cmp_rows, sc);
}

/* ---- keys ---- */

static void put_key(struct sbuf *b, const struct map_info *m, const uint8_t *key,
		    const struct out_sym *sym)
{
	struct sbuf k = { 0 };
	const char *s;

	out_value(&k, m->key_type, key, sym);
	s = k.s ? k.s : "";
	if (k.len >= 2 && s[0] == '(' && s[k.len - 1] == ')')
		sbuf_put(b, s + 1, k.len - 2);
	else
		sbuf_put(b, s, k.len);
	sbuf_fini(&k);
}

/* ---- histograms ---- */

static void label_int(struct out_label *l, int64_t v)
{
	l->is_int = true;
	l->v = v;
}

void out_put_label(struct sbuf *b, const struct out_label *l)
{
	if (l->is_int)
		sbuf_printf(b, "%ld", (long)l->v);
	else
		sbuf_puts(b, l->sym);
}

static bool single_value(const struct out_label *a, const struct out_label *b)
{
	return a->is_int && b->is_int && a->v != INT64_MAX && a->v + 1 == b->v;
}

/* Lower bound of log2 bucket @index with 2^k buckets per power of two, with
 * K/M/G/T/P/E suffixes. */
static void hist_label(struct out_label *l, uint32_t index, uint32_t k)
{
	uint32_t n = 1u << (k & 31), interval = index & (n - 1), power = (index >> (k & 31)) - 1;
	uint32_t decade;
	static const char suffix[] = "\0KMGTPE";

	if (power > 63) /* no such bucket comes from a BPF program */
		power = 63;
	decade = power / 10;
	l->is_int = false;
	l->v = (int64_t)((1ULL << power) * (n + interval));
	power -= 10 * decade;
	snprintf(l->sym, sizeof(l->sym), "%lu", (unsigned long)((1ULL << power) * (n + interval)));
	if (decade && decade < 7) {
		size_t len = strlen(l->sym);

		l->sym[len] = suffix[decade];
		l->sym[len + 1] = 0;
	}
}

static void lhist_label(struct out_label *l, int64_t number, int64_t step)
{
	const int64_t kilo = 1024, mega = 1024 * 1024;

	if (step % kilo != 0) {
		label_int(l, number);
		return;
	}
	l->is_int = false;
	l->v = number;
	if (number == 0)
		snprintf(l->sym, sizeof(l->sym), "0");
	else if (number % mega == 0)
		snprintf(l->sym, sizeof(l->sym), "%ldM", (long)(number / mega));
	else if (number % kilo == 0)
		snprintf(l->sym, sizeof(l->sym), "%ldK", (long)(number / kilo));
	else
		snprintf(l->sym, sizeof(l->sym), "%ld", (long)number);
}

void out_hist_fini(struct out_hist *h)
{
	free(h->labels);
	free(h->counts);
}

static bool used_bucket(uint64_t c)
{
	return (int32_t)(uint32_t)c > 0; /* bpftrace tests (int)count > 0 */
}

static void used_range(const uint64_t *v, size_t n, long *lo, long *hi)
{
	*lo = *hi = -1;
	for (size_t i = 0; i < n; i++) {
		if (used_bucket(v[i])) {
			if (*lo < 0)
				*lo = (long)i;
			*hi = (long)i;
		}
	}
}

static void build_hist(struct out_hist *h, const uint64_t *v, size_t n, uint32_t div, uint32_t k)
{
	long lo, hi;

	memset(h, 0, sizeof(*h));
	if (k > 30) /* hist() allows 0..5 */
		k = 30;
	used_range(v, n, &lo, &hi);
	if (lo < 0)
		return;
	if (lo != 0) {
		h->has_lower = true;
		if (lo - 1 <= (2L << k))
			label_int(&h->lower, lo - 1);
		else
			hist_label(&h->lower, (uint32_t)(lo - 1), k);
	}
	h->labels = xcalloc((size_t)(hi - lo + 1), sizeof(*h->labels));
	h->counts = xcalloc((size_t)(hi - lo + 1), sizeof(*h->counts));
	for (long i = lo; i <= hi; i++) {
		struct out_label *l = &h->labels[h->n_labels++];

		if (i == 0)
			label_int(l, 0);
		else if (i <= (2L << k))
			label_int(l, i);
		else
			hist_label(l, (uint32_t)i, k);
		h->counts[h->n_counts++] = v[i] / div;
	}
}

static void build_lhist(struct out_hist *h, const uint64_t *v, size_t n, int64_t min, int64_t max,
			int64_t step)
{
	long lo, hi;

	memset(h, 0, sizeof(*h));
	used_range(v, n, &lo, &hi);
	if (lo < 0)
		return;
	if (step == 0)
		step = 1;
	if (lo != 0) {
		h->has_lower = true;
		lhist_label(&h->lower, min + (lo - 1) * step, step);
	}
	h->labels = xcalloc((size_t)(hi - lo + 1), sizeof(*h->labels));
	h->counts = xcalloc((size_t)(hi - lo + 1), sizeof(*h->counts));
	for (long i = lo; i <= hi; i++) {
		if (min + i * step <= max)
			lhist_label(&h->labels[h->n_labels++], min + i * step, step);
		h->counts[h->n_counts++] = v[i];
	}
}

static void put_hist(struct sbuf *b, const struct out_hist *h)
{
	uint64_t max = 0;
	struct sbuf hdr = { 0 };

	for (size_t i = 0; i < h->n_counts; i++)
		if (h->counts[i] > max)
			max = h->counts[i];
	for (size_t i = 0; i < h->n_counts; i++) {
		int bar = 0;

		sbuf_reset(&hdr);
		if (i == 0) {
			if (!h->has_lower) {
				sbuf_puts(&hdr, "(..., ");
				out_put_label(&hdr, &h->labels[0]);
				sbuf_puts(&hdr, ")");
			} else if (h->n_labels == 0) {
				sbuf_puts(&hdr, "[");
				out_put_label(&hdr, &h->lower);
				sbuf_puts(&hdr, ", ...)");
			} else if (single_value(&h->lower, &h->labels[0])) {
				sbuf_puts(&hdr, "[");
				out_put_label(&hdr, &h->lower);
				sbuf_puts(&hdr, "]");
			} else {
				sbuf_puts(&hdr, "[");
				out_put_label(&hdr, &h->lower);
				sbuf_puts(&hdr, ", ");
				out_put_label(&hdr, &h->labels[0]);
				sbuf_puts(&hdr, ")");
			}
		} else if (i >= h->n_labels) {
			sbuf_puts(&hdr, "[");
			out_put_label(&hdr, &h->labels[i - 1]);
			sbuf_puts(&hdr, ", ...)");
		} else if (single_value(&h->labels[i - 1], &h->labels[i])) {
			sbuf_puts(&hdr, "[");
			out_put_label(&hdr, &h->labels[i - 1]);
			sbuf_puts(&hdr, "]");
		} else {
			sbuf_puts(&hdr, "[");
			out_put_label(&hdr, &h->labels[i - 1]);
			sbuf_puts(&hdr, ", ");
			out_put_label(&hdr, &h->labels[i]);
			sbuf_puts(&hdr, ")");
		}
		if (max) {
			float f = ((float)h->counts[i] / (float)max) * 52;

			bar = (int)f;
			if (bar < 0)
				bar = 0;
			if (bar > 52)
				bar = 52;
		}
		sbuf_printf(b, "%-16s%8lu |", sbuf_str(&hdr), (unsigned long)h->counts[i]);
		for (int j = 0; j < 52; j++)
			sbuf_putc(b, j < bar ? '@' : ' ');
		sbuf_puts(b, "|\n");
	}
	sbuf_fini(&hdr);
}

/* ---- the map printer ---- */

size_t out_hist_select(const struct map_info *m, const struct out_entry *entries, size_t n,
		       uint32_t top, uint32_t div, struct out_hgroup **out)
{
	const struct type *vt = m->value_type;
	uint32_t ks = m->key_size >= 8 ? m->key_size - 8 : 0;
	struct row *rows = xcalloc(n ? n : 1, sizeof(*rows));
	struct row *groups = xcalloc(n ? n : 1, sizeof(*groups));
	struct sort_ctx sc = { .key_type = m->key_type, .key_size = ks, .mode = 2 };
	size_t ng = 0, nb_max = vt->kind == TY_HIST ? 65 * 32 : 1002, nout = 0;
	struct out_hgroup *res;

	for (size_t i = 0; i < n; i++) {
		rows[i].idx = i;
		rows[i].key = entries[i].key;
	}
	sort_rows(rows, n, &sc);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *key = rows[i].key;
		uint64_t bucket = out_load_u(key + ks, 8);
		uint64_t cnt = out_load_u(entries[rows[i].idx].value, 8);
		struct row *g;

		if (!ng || memcmp(groups[ng - 1].key, key, ks)) {
			g = &groups[ng];
			g->idx = ng;
			g->key = key;
			ng++;
		} else {
			g = &groups[ng - 1];
		}
		if (bucket >= nb_max)
			continue;
		if (bucket >= g->n_buckets) {
			size_t nn = (size_t)bucket + 1;

			g->buckets = xrealloc(g->buckets, nn * sizeof(uint64_t));
			memset(g->buckets + g->n_buckets, 0, (nn - g->n_buckets) * sizeof(uint64_t));
			g->n_buckets = nn;
		}
		g->buckets[bucket] = cnt;
	}
	for (size_t i = 0; i < ng; i++) {
		uint64_t sum = 0;

		for (size_t j = 0; j < groups[i].n_buckets; j++)
			sum += groups[i].buckets[j];
		groups[i].num = sum;
	}
	sc.mode = 0;
	sort_rows(groups, ng, &sc);
	if (div == 0)
		div = 1;
	res = xcalloc(ng ? ng : 1, sizeof(*res));
	for (size_t i = 0; i < ng; i++) {
		struct out_hgroup *o;

		if (top && ng > top && i < ng - top)
			continue;
		o = &res[nout++];
		o->key = groups[i].key;
		if (vt->kind == TY_HIST)
			build_hist(&o->h, groups[i].buckets, groups[i].n_buckets, div, vt->n);
		else
			build_lhist(&o->h, groups[i].buckets, groups[i].n_buckets, vt->lmin, vt->lmax,
				    vt->lstep);
		if (!m->key_type)
			break;
	}
	for (size_t i = 0; i < ng; i++)
		free(groups[i].buckets);
	free(groups);
	free(rows);
	*out = res;
	return nout;
}

void out_hgroups_free(struct out_hgroup *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_hist_fini(&g[i].h);
	free(g);
}

static void print_hist_map(struct sbuf *b, const struct map_info *m,
			   const struct out_entry *entries, size_t n, uint32_t top, uint32_t div,
			   const struct out_sym *sym)
{
	struct out_hgroup *g;
	size_t ng = out_hist_select(m, entries, n, top, div, &g);

	for (size_t i = 0; i < ng; i++) {
		sbuf_puts(b, m->name);
		if (m->key_type) {
			sbuf_putc(b, '[');
			put_key(b, m, g[i].key, sym);
			sbuf_putc(b, ']');
		}
		sbuf_puts(b, ":\n");
		put_hist(b, &g[i].h);
		sbuf_putc(b, '\n');
	}
	out_hgroups_free(g, ng);
}

/* The sum of a value's 8-byte words, as bpftrace's reduce_value<[u]int64_t>
 * (values under 8 bytes sum to 0 and so keep their order). */
static uint64_t reduce64(const uint8_t *v, uint32_t size)
{
	uint64_t s = 0;

	for (uint32_t i = 0; i + 8 <= size; i += 8)
		s += out_load_u(v + i, 8);
	return s;
}

struct num_idx {
	uint64_t k;  /* the value; signed ones with the sign bit flipped */
	size_t idx;  /* position in the input: the tie breaker */
};

static int cmp_num_idx(const void *pa, const void *pb)
{
	const struct num_idx *a = pa, *b = pb;

	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

size_t out_map_select(const struct map_info *m, const struct out_entry *entries, size_t n,
		      uint32_t top, struct out_entry *out)
{
	const struct type *vt = m->value_type;
	struct row *rows;
	struct sort_ctx sc = { .key_type = m->key_type, .key_size = m->key_size, .mode = 1 };
	enum type_kind k = vt ? vt->kind : TY_NONE;
	size_t nout = 0;

	if (!n)
		return 0;
	rows = xcalloc(n, sizeof(*rows));
	for (size_t i = 0; i < n; i++) {
		const uint8_t *v = entries[i].value;
		struct row *r = &rows[i];

		r->idx = i;
		r->key = entries[i].key;
		r->val = v;
		switch (k) {
		case TY_COUNT:
		case TY_SUM:
		case TY_INT:
		case TY_ENUM:
			r->num = reduce64(v, vt->size);
			r->num_signed = vt->is_signed;
			break;
		case TY_MIN:
		case TY_MAX:
			r->num = out_load_u(v, 8);
			r->num_signed = false;
			break;
		case TY_AVG:
		case TY_STATS:
			r->num = vt->size >= 16 ? out_avg(vt, v) : out_load_u(v, 8);
			r->num_signed = vt->is_signed;
			break;
		default:
			break;
		}
	}
	if (k == TY_COUNT || k == TY_SUM || k == TY_INT || k == TY_ENUM || k == TY_MIN ||
	    k == TY_MAX || k == TY_AVG || k == TY_STATS) {
		/* by value: a compact (value, position) array sorts without
		 * touching the rows (a million of them do not fit in a cache) */
		struct num_idx *ni = xcalloc(n, sizeof(*ni));

		for (size_t i = 0; i < n; i++) {
			ni[i].k = rows[i].num_signed ? rows[i].num ^ (1ull << 63) : rows[i].num;
			ni[i].idx = i;
		}
		qsort(ni, n, sizeof(*ni), cmp_num_idx);
		for (size_t i = 0; i < n; i++) {
			if (top && n > top && i < n - top)
				continue;
			out[nout].key = entries[ni[i].idx].key;
			out[nout].value = entries[ni[i].idx].value;
			nout++;
			if (!m->key_type)
				break;
		}
		free(ni);
		free(rows);
		return nout;
	}
	sort_rows(rows, n, &sc);
	for (size_t i = 0; i < n; i++) {
		if (top && n > top && i < n - top)
			continue;
		out[nout].key = rows[i].key;
		out[nout].value = rows[i].val;
		nout++;
		if (!m->key_type)
			break;
	}
	free(rows);
	return nout;
}

void out_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries, size_t n,
	     uint32_t top, uint32_t div, const struct out_sym *sym)
{
	const struct type *vt = m->value_type;
	struct out_entry *sel;
	size_t ns;

	if (!vt || !n)
		return;
	if (vt->kind == TY_HIST || vt->kind == TY_LHIST) {
		print_hist_map(b, m, entries, n, top, div, sym);
		return;
	}
	if (vt->kind == TY_TSERIES) {
		out_tseries_map(b, m, entries, n, sym);
		return;
	}
	if (div == 0)
		div = 1;
	sel = xcalloc(n, sizeof(*sel));
	ns = out_map_select(m, entries, n, top, sel);
	for (size_t i = 0; i < ns; i++) {
		struct out_os os;

		/* sorted order is a random walk over the entries: fetch ahead */
		if (i + 8 < ns) {
			__builtin_prefetch(sel[i + 8].key);
			__builtin_prefetch(sel[i + 8].value);
		}

		sbuf_puts(b, m->name);
		if (m->key_type) {
			sbuf_putc(b, '[');
			put_key(b, m, sel[i].key, sym);
			sbuf_putc(b, ']');
		}
		sbuf_puts(b, ": ");
		out_os_init(&os);
		out_emit(b, &os, vt, sel[i].value, sym, div);
		sbuf_putc(b, '\n');
	}
	free(sel);
}
