/* output_tseries.c — tseries() maps: the per-CPU reduction and the text graph
 * bpftrace v0.26.1 draws.
 *
 * Storage (see output.h): key = user key + u64 bucket (epoch % n); value per CPU
 * { u64 val; u64 meta; u64 epoch } where epoch = time / interval and 0 means an
 * unused slot. meta is the write time for plain tseries (the latest write wins),
 * the count for "avg" (val holds the sum), 1 once set for "min"/"max".
 *
 * Printing: the series of a key runs from its first epoch with data (within the
 * last n intervals of the whole map) to the map's latest epoch; missing epochs
 * print "-". The graph is 53 columns wide between the min and max values (moved
 * apart by one when equal), '*' marks each value and '.' marks zero when the
 * range crosses it. Times are local HH:MM:SS plus a fraction in the unit of the
 * interval. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/output.h"
#include "runtime/output_int.h"

enum { TS_AGG_NONE, TS_AGG_AVG, TS_AGG_MIN, TS_AGG_MAX, TS_AGG_SUM };

#define GRAPH_WIDTH 53
#define PADDING 21

static bool lt(uint64_t a, uint64_t b, bool sgn)
{
	return sgn ? (int64_t)a < (int64_t)b : a < b;
}

void out_tseries_merge(const struct type *vt, const void *percpu, unsigned ncpus,
		       uint32_t stride, void *out)
{
	const uint8_t *p = percpu;
	uint64_t best_epoch = 0, val = 0, meta = 0;
	bool sgn = vt->is_signed;

	/* combine the slots of the latest epoch; other epochs are stale */
	for (unsigned c = 0; c < ncpus; c++) {
		uint64_t e = out_load_u(p + (size_t)c * stride + 16, 8);

		if (e > best_epoch)
			best_epoch = e;
	}
	if (best_epoch) {
		bool have = false;

		for (unsigned c = 0; c < ncpus; c++) {
			const uint8_t *s = p + (size_t)c * stride;
			uint64_t v = out_load_u(s, 8), m = out_load_u(s + 8, 8);

			if (out_load_u(s + 16, 8) != best_epoch)
				continue;
			if (!have) {
				val = v;
				meta = m;
				have = true;
				continue;
			}
			switch (vt->agg_fn) {
			case TS_AGG_NONE:
				if (m > meta) {
					val = v;
					meta = m;
				}
				break;
			case TS_AGG_AVG:
				val += v;
				meta += m;
				break;
			case TS_AGG_MIN:
				if (lt(v, val, sgn))
					val = v;
				break;
			case TS_AGG_MAX:
				if (lt(val, v, sgn))
					val = v;
				break;
			default:
				val += v;
				break;
			}
		}
	}
	memcpy(out, &val, 8);
	memcpy((uint8_t *)out + 8, &meta, 8);
	memcpy((uint8_t *)out + 16, &best_epoch, 8);
}

/* The reduced value of one merged slot (avg divided out). */
static uint64_t slot_value(const struct type *vt, const uint8_t *v)
{
	uint64_t val = out_load_u(v, 8), meta = out_load_u(v + 8, 8);

	if (!out_load_u(v + 16, 8))
		return 0;
	if (vt->agg_fn == TS_AGG_AVG && meta) {
		if (vt->is_signed)
			return (uint64_t)((int64_t)val / (int64_t)meta);
		return val / meta;
	}
	return val;
}

struct series {
	const uint8_t *key;
	struct out_point *pts; /* (epoch, value) as read, first per epoch wins */
	size_t n;
	uint64_t latest;
};

static int64_t distance_i(uint64_t p, bool sgn, int64_t other)
{
	if (!sgn) {
		if (other < 0)
			return (int64_t)((uint64_t)(-other) + p);
		if (p > (uint64_t)other)
			return (int64_t)(p - (uint64_t)other);
		return -(int64_t)((uint64_t)other - p);
	}
	return (int64_t)p - other;
}

static void put_num(struct sbuf *b, uint64_t v, bool sgn)
{
	if (sgn)
		sbuf_printf(b, "%ld", (long)(int64_t)v);
	else
		sbuf_printf(b, "%lu", (unsigned long)v);
}

static void pad_num(struct sbuf *b, uint64_t v, bool sgn, int width, bool left)
{
	char tmp[32];

	if (sgn)
		snprintf(tmp, sizeof(tmp), "%ld", (long)(int64_t)v);
	else
		snprintf(tmp, sizeof(tmp), "%lu", (unsigned long)v);
	sbuf_printf(b, left ? "%-*s" : "%*s", width, tmp);
}

static void put_graph(struct sbuf *b, const struct type *vt, const struct out_point *pts, size_t n)
{
	bool sgn = vt->is_signed;
	uint64_t minv, maxv, interval, first_ns, last_ns;
	const char *unit_name = "";
	int unit = 0, zero_offset = 0;
	size_t time_size = 8;
	char time_fmt[32];

	if (!n) {
		sbuf_puts(b, "<no data>");
		return;
	}
	minv = maxv = pts[0].v;
	for (size_t i = 0; i < n; i++) {
		if (!pts[i].has)
			continue;
		if (lt(pts[i].v, minv, sgn))
			minv = pts[i].v;
		if (lt(maxv, pts[i].v, sgn))
			maxv = pts[i].v;
	}
	if (minv == maxv) {
		if (sgn) {
			if ((int64_t)minv != INT64_MIN)
				minv--;
			if ((int64_t)maxv != INT64_MAX)
				maxv++;
		} else {
			if (minv != 0)
				minv--;
			if (maxv != UINT64_MAX)
				maxv++;
		}
	}
	first_ns = pts[0].epoch * (uint64_t)vt->lmin;
	last_ns = pts[n - 1].epoch * (uint64_t)vt->lmin;
	interval = (last_ns - first_ns) / (n > 1 ? n - 1 : 1);
	if (interval >= 1000000000ULL)
		unit = 0;
	else if (interval >= 1000000ULL)
		unit = 3, unit_name = "ms";
	else if (interval >= 1000ULL)
		unit = 6, unit_name = "\xce\xbcs"; /* "μs" */
	else
		unit = 9, unit_name = "ns";
	snprintf(time_fmt, sizeof(time_fmt), "hh:mm:ss%s%s", unit ? "." : "", unit_name);
	if (unit)
		time_size += 1 + (size_t)unit;

	sbuf_printf(b, "%*s", (int)time_size + 1, "");
	pad_num(b, minv, sgn, PADDING, true);
	pad_num(b, maxv, sgn, GRAPH_WIDTH - PADDING, false);
	sbuf_putc(b, '\n');
	sbuf_printf(b, "%-*s|", (int)time_size + 1, time_fmt);
	for (int i = 0; i < GRAPH_WIDTH - 2; i++)
		sbuf_putc(b, '_');
	sbuf_puts(b, "|\n");

	if (distance_i(minv, sgn, 0) < 0 && distance_i(0, true, (int64_t)maxv) < 0)
		zero_offset = (int)((float)GRAPH_WIDTH * (float)distance_i(minv, sgn, 0) /
				    (float)distance_i(minv, sgn, (int64_t)maxv));

	for (size_t i = 0; i < n; i++) {
		char line[GRAPH_WIDTH + 1];
		uint64_t ns = pts[i].epoch * (uint64_t)vt->lmin;
		time_t secs = (time_t)(ns / 1000000000ULL);
		uint64_t rem = ns % 1000000000ULL;
		struct tm tm;
		char ts[64] = "";

		if (localtime_r(&secs, &tm))
			strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		sbuf_puts(b, ts);
		if (unit == 9)
			sbuf_printf(b, ".%09lu", (unsigned long)rem);
		else if (unit == 6)
			sbuf_printf(b, ".%06lu", (unsigned long)(rem / 1000));
		else if (unit == 3)
			sbuf_printf(b, ".%03lu", (unsigned long)(rem / 1000000));
		sbuf_putc(b, ' ');
		memset(line, ' ', GRAPH_WIDTH);
		line[GRAPH_WIDTH] = 0;
		line[0] = '|';
		line[GRAPH_WIDTH - 1] = '|';
		if (zero_offset > 0)
			line[zero_offset] = '.';
		if (pts[i].has) {
			int off = GRAPH_WIDTH / 2;

			if (minv != maxv)
				off = (int)((float)(GRAPH_WIDTH - 1) *
					    (float)distance_i(minv, sgn, (int64_t)pts[i].v) /
					    (float)distance_i(minv, sgn, (int64_t)maxv));
			if (off < 0)
				off = 0;
			if (off > GRAPH_WIDTH - 1)
				off = GRAPH_WIDTH - 1;
			line[off] = '*';
			sbuf_puts(b, line);
			sbuf_putc(b, ' ');
			put_num(b, pts[i].v, sgn);
		} else {
			sbuf_puts(b, line);
			sbuf_puts(b, " -");
		}
		sbuf_putc(b, '\n');
	}
	sbuf_printf(b, "%*s v", (int)time_size, "");
	for (int i = 0; i < GRAPH_WIDTH - 2; i++)
		sbuf_putc(b, '_');
	sbuf_puts(b, "v\n");
	sbuf_printf(b, "%*s ", (int)time_size, "");
	pad_num(b, minv, sgn, PADDING, true);
	pad_num(b, maxv, sgn, GRAPH_WIDTH - PADDING, false);
	sbuf_putc(b, '\n');
}

static int cmp_key_bytes(const void *a, const void *b, uint32_t n)
{
	return n ? memcmp(a, b, n) : 0;
}

struct key_ctx {
	const struct out_entry *entries;
	uint32_t ks;
};

/* entry indices by key bytes, then by position (a stable order) */
static int cmp_idx(const void *pa, const void *pb, void *arg)
{
	const struct key_ctx *kc = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = cmp_key_bytes(kc->entries[a].key, kc->entries[b].key, kc->ks);

	if (c)
		return c;
	return a < b ? -1 : a > b;
}

size_t out_tseries_select(const struct map_info *m, const struct out_entry *entries, size_t n,
			  struct out_series **out)
{
	const struct type *vt = m->value_type;
	uint32_t ks = m->key_size >= 8 ? m->key_size - 8 : 0;
	struct series *ser = xcalloc(n ? n : 1, sizeof(*ser));
	struct out_series *res;
	struct key_ctx kc;
	size_t ns = 0, nout = 0, *idx;
	uint64_t last = 0, first, nint = vt->lmax > 0 ? (uint64_t)vt->lmax : 1;
	bool any = false;

	/* group by key, in key byte order (bpftrace keeps them in an ordered map);
	 * within a key the first slot read for an epoch wins */
	idx = xcalloc(n ? n : 1, sizeof(*idx));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	kc.entries = entries;
	kc.ks = ks;
	if (n > 1)
		qsort_r(idx, n, sizeof(*idx), cmp_idx, &kc);
	for (size_t i = 0; i < n;) {
		size_t end = i + 1;
		struct series *s = &ser[ns++];

		while (end < n && !cmp_key_bytes(entries[idx[end]].key, entries[idx[i]].key, ks))
			end++;
		s->key = entries[idx[i]].key;
		s->pts = xcalloc(end - i, sizeof(*s->pts));
		for (; i < end; i++) {
			const uint8_t *v = entries[idx[i]].value;
			uint64_t epoch = out_load_u(v + 16, 8);
			size_t j;

			for (j = 0; j < s->n; j++)
				if (s->pts[j].epoch == epoch)
					break;
			if (j == s->n) {
				s->pts[s->n].epoch = epoch;
				s->pts[s->n].v = slot_value(vt, v);
				s->pts[s->n].has = true;
				s->n++;
			}
			if (epoch > s->latest)
				s->latest = epoch;
		}
	}
	free(idx);
	for (size_t i = 0; i < ns; i++) {
		if (!any || ser[i].latest > last)
			last = ser[i].latest;
		any = true;
	}
	first = last - nint + 1; /* wraps like bpftrace's when nothing was written */
	res = xcalloc(ns ? ns : 1, sizeof(*res));
	for (size_t i = 0; i < ns; i++) {
		struct series *s = &ser[i];
		struct out_series *o = &res[nout++];
		uint64_t f = last;

		o->key = s->key;
		for (size_t j = 0; j < s->n; j++)
			if (s->pts[j].epoch >= first && s->pts[j].epoch < f)
				f = s->pts[j].epoch;
		o->pts = xcalloc(first <= last ? (size_t)(last - first + 1) : 1, sizeof(*o->pts));
		if (first <= last) {
			for (uint64_t e = first; e <= last; e++) {
				if (e >= f) {
					struct out_point *pt = &o->pts[o->n++];

					pt->epoch = e;
					for (size_t j = 0; j < s->n; j++)
						if (s->pts[j].epoch == e) {
							pt->v = s->pts[j].v;
							pt->has = true;
							break;
						}
				}
				if (e == UINT64_MAX)
					break;
			}
		}
		if (!m->key_type)
			break;
	}
	for (size_t i = 0; i < ns; i++)
		free(ser[i].pts);
	free(ser);
	*out = res;
	return nout;
}

void out_series_free(struct out_series *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].pts);
	free(s);
}

void out_tseries_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries,
		     size_t n, const struct out_sym *sym)
{
	struct out_series *ser;
	size_t ns = out_tseries_select(m, entries, n, &ser);

	for (size_t i = 0; i < ns; i++) {
		sbuf_puts(b, m->name);
		if (m->key_type) {
			struct sbuf k = { 0 };
			const char *ksz;

			out_value(&k, m->key_type, ser[i].key, sym);
			ksz = k.s ? k.s : "";
			sbuf_putc(b, '[');
			if (k.len >= 2 && ksz[0] == '(' && ksz[k.len - 1] == ')')
				sbuf_put(b, ksz + 1, k.len - 2);
			else
				sbuf_put(b, ksz, k.len);
			sbuf_putc(b, ']');
			sbuf_fini(&k);
		}
		sbuf_puts(b, ":\n");
		put_graph(b, m->value_type, ser[i].pts, ser[i].n);
		sbuf_putc(b, '\n');
	}
	out_series_free(ser, ns);
}
