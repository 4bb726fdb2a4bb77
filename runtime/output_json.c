/* output_json.c — the -f json output, one JSON object per line, as bpftrace
 * v0.26.1 writes it.
 *
 * Values: integers as numbers, or as strings when a double cannot hold them
 * exactly; enums and pointers as their numbers; strings escaped (bytes below
 * 0x20 and, as bpftrace's signed chars do, bytes from 0x80 as \uXXXX with the
 * sign-extended value); tuples, arrays and buffers as arrays without spaces
 * ([1,2]; buffer bytes as signed numbers); records and structs as objects with
 * spaces ({"a": 1, "b": 2}); stats as {"count": .., "average": .., "total": ..};
 * stacks, symbols, addresses, user names and timestamps as strings.
 *
 * Maps: {"type": T, "data": {"@name": V}} where T is "stats" for avg/stats
 * maps, "hist" for hist/lhist, "tseries", else "map". V is the value of a
 * scalar map, or an object whose keys are the text keys without the tuple
 * parentheses and without spaces ("bpftrace,2"). A histogram is a list of
 * {"min": lo, "max": hi - 1, "count": n} (min absent on the first unbounded
 * bucket, max on the last). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/output.h"
#include "runtime/output_int.h"

void out_json_str(struct sbuf *b, const char *s, size_t len)
{
	sbuf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		signed char c = (signed char)s[i];

		switch (c) {
		case '"':
			sbuf_puts(b, "\\\"");
			break;
		case '\\':
			sbuf_puts(b, "\\\\");
			break;
		case '\n':
			sbuf_puts(b, "\\n");
			break;
		case '\r':
			sbuf_puts(b, "\\r");
			break;
		case '\t':
			sbuf_puts(b, "\\t");
			break;
		default:
			if (c <= 0x1f)
				sbuf_printf(b, "\\u%04x", (unsigned)(int)c);
			else
				sbuf_putc(b, (char)c);
		}
	}
	sbuf_putc(b, '"');
}

static void json_cstr(struct sbuf *b, const char *s)
{
	out_json_str(b, s, strlen(s));
}

static void json_i64(struct sbuf *b, int64_t v)
{
	double d = (double)v;
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%ld", (long)v);
	if (d >= 9223372036854775808.0 || (int64_t)d != v)
		json_cstr(b, tmp);
	else
		sbuf_puts(b, tmp);
}

static void json_u64(struct sbuf *b, uint64_t v)
{
	double d = (double)v;
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lu", (unsigned long)v);
	if (d >= 18446744073709551616.0 || (uint64_t)d != v)
		json_cstr(b, tmp);
	else
		sbuf_puts(b, tmp);
}

static void json_num(struct sbuf *b, uint64_t v, bool is_signed)
{
	if (is_signed)
		json_i64(b, (int64_t)v);
	else
		json_u64(b, v);
}

/* The text form of a value as a JSON string (stacks, symbols, timestamps...). */
static void json_as_text(struct sbuf *b, const struct type *t, const void *data,
			 const struct out_sym *sym)
{
	struct sbuf tmp = { 0 };

	out_value(&tmp, t, data, sym);
	out_json_str(b, tmp.s ? tmp.s : "", tmp.len);
	sbuf_fini(&tmp);
}

static void json_emit(struct sbuf *b, const struct type *t, const void *data,
		      const struct out_sym *sym, uint32_t div);

static void json_field(struct sbuf *b, const struct type_field *f, const void *base,
		       uint32_t base_size, const struct out_sym *sym, uint32_t div)
{
	uint8_t tmp[8];

	json_emit(b, f->type, out_field_bits(f, base, base_size, tmp), sym, div);
}

static void json_emit(struct sbuf *b, const struct type *t, const void *data,
		      const struct out_sym *sym, uint32_t div)
{
	const uint8_t *d = data;
	uint64_t v;

	if (!t) {
		sbuf_puts(b, "null");
		return;
	}
	if (div == 0)
		div = 1;
	switch (t->kind) {
	case TY_INT:
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
	case TY_AVG:
	case TY_COUNT: {
		/* the text emitter divides; reuse its arithmetic through a number */
		struct sbuf tmp = { 0 };
		struct out_os os;
		const char *s;

		out_os_init(&os);
		out_emit(&tmp, &os, t, d, sym, div);
		s = sbuf_str(&tmp);
		if (t->kind == TY_COUNT || !t->is_signed)
			json_u64(b, strtoull(s, NULL, 10));
		else
			json_i64(b, strtoll(s, NULL, 10));
		sbuf_fini(&tmp);
		return;
	}
	case TY_BOOL:
		sbuf_puts(b, d[0] ? "true" : "false");
		return;
	case TY_ENUM:
		json_u64(b, out_load_u(d, t->size));
		return;
	case TY_POINTER:
		json_u64(b, out_load_u(d, 8));
		return;
	case TY_STRING: {
		size_t len = strnlen((const char *)d, t->size);

		if (t->size && len == t->size) {
			struct sbuf tmp = { 0 };
			const char *tr = sym && sym->str_trunc_trailer ? sym->str_trunc_trailer : "..";

			sbuf_put(&tmp, d, len);
			sbuf_puts(&tmp, tr);
			out_json_str(b, tmp.s, tmp.len);
			sbuf_fini(&tmp);
		} else {
			out_json_str(b, (const char *)d, len);
		}
		return;
	}
	case TY_BUFFER: {
		uint32_t len = (uint32_t)out_load_u(d, 4);
		uint32_t cap = t->size >= 4 ? t->size - 4 : 0;

		if (len > cap)
			len = cap;
		sbuf_putc(b, '[');
		for (uint32_t i = 0; i < len; i++)
			sbuf_printf(b, i ? ",%d" : "%d", (int)(signed char)d[4 + i]);
		sbuf_putc(b, ']');
		return;
	}
	case TY_ARRAY: {
		uint32_t es = t->elem ? t->elem->size : 0;
		uint32_t n = t->n ? t->n : es ? t->size / es : 0; /* n 0: sized by storage */

		sbuf_putc(b, '[');
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				sbuf_putc(b, ',');
			json_emit(b, t->elem, d + (size_t)i * es, sym, div);
		}
		sbuf_putc(b, ']');
		return;
	}
	case TY_TUPLE:
		sbuf_putc(b, '[');
		for (uint32_t i = 0; i < t->n_fields; i++) {
			if (i)
				sbuf_putc(b, ',');
			json_field(b, &t->fields[i], d, t->size, sym, div);
		}
		sbuf_putc(b, ']');
		return;
	case TY_STRUCT:
	case TY_UNION:
	case TY_RECORD:
		sbuf_putc(b, '{');
		for (uint32_t i = 0; i < t->n_fields; i++) {
			if (i)
				sbuf_puts(b, ", ");
			json_cstr(b, t->fields[i].name ? t->fields[i].name : "");
			sbuf_puts(b, ": ");
			json_field(b, &t->fields[i], d, t->size, sym, div);
		}
		sbuf_putc(b, '}');
		return;
	case TY_STATS: {
		uint64_t total = out_load_u(d, 8), count = out_load_u(d + 8, 8);

		v = out_avg(t, d);
		if (t->is_signed)
			v = (uint64_t)((int64_t)v / (int64_t)div);
		else
			v /= div;
		sbuf_puts(b, "{\"count\": ");
		json_num(b, count, t->is_signed);
		sbuf_puts(b, ", \"average\": ");
		json_num(b, v, t->is_signed);
		sbuf_puts(b, ", \"total\": ");
		json_num(b, total, t->is_signed);
		sbuf_putc(b, '}');
		return;
	}
	case TY_NONE:
	case TY_VOID:
	case TY_MAP:
	case TY_HIST:
	case TY_LHIST:
	case TY_TSERIES:
	case TY__COUNT:
		sbuf_puts(b, "null");
		return;
	default:
		json_as_text(b, t, d, sym);
		return;
	}
}

void out_json_value(struct sbuf *b, const struct type *t, const void *data,
		    const struct out_sym *sym)
{
	json_emit(b, t, data, sym, 1);
}

void out_json_text(struct sbuf *b, const char *type, const char *s, size_t len)
{
	sbuf_puts(b, "{\"type\": \"");
	sbuf_puts(b, type);
	sbuf_puts(b, "\", \"data\": ");
	out_json_str(b, s, len);
	sbuf_puts(b, "}\n");
}

void out_json_print_value(struct sbuf *b, const struct type *t, const void *data,
			  const struct out_sym *sym)
{
	sbuf_puts(b, "{\"type\": \"value\", \"data\": ");
	json_emit(b, t, data, sym, 1);
	sbuf_puts(b, "}\n");
}

/* Keys are their text without the tuple parentheses and without spaces. */
static void json_key(struct sbuf *b, const struct map_info *m, const void *key,
		     const struct out_sym *sym)
{
	struct sbuf k = { 0 }, s = { 0 };
	const char *p;
	size_t n;

	out_value(&k, m->key_type, key, sym);
	p = k.s ? k.s : "";
	n = k.len;
	if (n >= 2 && p[0] == '(' && p[n - 1] == ')') {
		p++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ')
			sbuf_putc(&s, p[i]);
	out_json_str(b, s.s ? s.s : "", s.len);
	sbuf_fini(&k);
	sbuf_fini(&s);
}

static void json_label(struct sbuf *b, const struct out_label *l)
{
	if (l->is_int)
		json_i64(b, l->v);
	else
		json_u64(b, (uint64_t)l->v);
}

static void json_hist(struct sbuf *b, const struct out_hist *h)
{
	sbuf_putc(b, '[');
	for (size_t i = 0; i < h->n_counts; i++) {
		if (i)
			sbuf_putc(b, ',');
		sbuf_putc(b, '{');
		if (i == 0 && h->has_lower) {
			sbuf_puts(b, "\"min\": ");
			json_label(b, &h->lower);
			sbuf_puts(b, ", ");
		} else if (i > 0) {
			sbuf_puts(b, "\"min\": ");
			json_label(b, &h->labels[i - 1]);
			sbuf_puts(b, ", ");
		}
		if (i < h->n_labels) {
			const struct out_label *l = &h->labels[i];
			int64_t less;

			if (l->is_int)
				less = l->v - 1;
			else
				less = (uint64_t)l->v == 0 ? -1 : (int64_t)((uint64_t)l->v - 1);
			sbuf_puts(b, "\"max\": ");
			json_i64(b, less);
			sbuf_puts(b, ", ");
		}
		sbuf_printf(b, "\"count\": %lu}", (unsigned long)h->counts[i]);
	}
	sbuf_putc(b, ']');
}

/* C++'s default text for a system_clock time point: UTC with nanoseconds. */
static void json_sys_time(struct sbuf *b, uint64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	char tmp[64] = "";

	if (gmtime_r(&secs, &tm))
		strftime(tmp, sizeof(tmp), "%Y-%m-%d %H:%M:%S", &tm);
	sbuf_printf(b, "%s.%09lu", tmp, (unsigned long)(ns % 1000000000ULL));
}

static void json_series(struct sbuf *b, const struct type *vt, const struct out_series *s)
{
	bool first = true;

	sbuf_putc(b, '[');
	for (size_t i = 0; i < s->n; i++) {
		if (!s->pts[i].has)
			continue;
		if (!first)
			sbuf_putc(b, ',');
		first = false;
		sbuf_puts(b, "{\"interval_start\":\"");
		json_sys_time(b, s->pts[i].epoch * (uint64_t)vt->lmin);
		sbuf_puts(b, "\",\"value\":");
		if (vt->is_signed)
			sbuf_printf(b, "%ld", (long)(int64_t)s->pts[i].v);
		else
			sbuf_printf(b, "%lu", (unsigned long)s->pts[i].v);
		sbuf_putc(b, '}');
	}
	sbuf_putc(b, ']');
}

static void json_head(struct sbuf *b, const char *type, const struct map_info *m)
{
	sbuf_puts(b, "{\"type\": \"");
	sbuf_puts(b, type);
	sbuf_puts(b, "\", \"data\": {");
	json_cstr(b, m->name ? m->name : "");
	sbuf_puts(b, ": ");
}

void out_json_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries,
		  size_t n, uint32_t top, uint32_t div, const struct out_sym *sym)
{
	const struct type *vt = m->value_type;
	enum type_kind k;

	if (!vt)
		return;
	k = vt->kind;
	if (k == TY_HIST || k == TY_LHIST) {
		struct out_hgroup *g;
		size_t ng;

		if (!n)
			return;
		ng = out_hist_select(m, entries, n, top, div, &g);
		json_head(b, "hist", m);
		if (!m->key_type) {
			json_hist(b, &g[0].h);
		} else {
			sbuf_putc(b, '{');
			for (size_t i = 0; i < ng; i++) {
				if (i)
					sbuf_puts(b, ", ");
				json_key(b, m, g[i].key, sym);
				sbuf_puts(b, ": ");
				json_hist(b, &g[i].h);
			}
			sbuf_putc(b, '}');
		}
		sbuf_puts(b, "}}\n");
		out_hgroups_free(g, ng);
		return;
	}
	if (k == TY_TSERIES) {
		struct out_series *s;
		size_t ns;

		if (!n)
			return;
		ns = out_tseries_select(m, entries, n, &s);
		json_head(b, "tseries", m);
		if (!m->key_type) {
			json_series(b, vt, &s[0]);
		} else {
			sbuf_putc(b, '{');
			for (size_t i = 0; i < ns; i++) {
				if (i)
					sbuf_puts(b, ", ");
				json_key(b, m, s[i].key, sym);
				sbuf_puts(b, ": ");
				json_series(b, vt, &s[i]);
			}
			sbuf_putc(b, '}');
		}
		sbuf_puts(b, "}}\n");
		out_series_free(s, ns);
		return;
	}
	{
		bool stats = k == TY_AVG || k == TY_STATS;
		struct out_entry *sel = xcalloc(n ? n : 1, sizeof(*sel));
		size_t ns = out_map_select(m, entries, n, top, sel);

		/* an empty map prints nothing, except avg/stats maps ("{}") */
		if (!ns && !stats) {
			free(sel);
			return;
		}
		json_head(b, stats ? "stats" : "map", m);
		if (!m->key_type && ns) {
			json_emit(b, vt, sel[0].value, sym, div);
		} else {
			sbuf_putc(b, '{');
			for (size_t i = 0; i < ns; i++) {
				if (i)
					sbuf_puts(b, ", ");
				json_key(b, m, sel[i].key, sym);
				sbuf_puts(b, ": ");
				json_emit(b, vt, sel[i].value, sym, div);
			}
			sbuf_putc(b, '}');
		}
		sbuf_puts(b, "}}\n");
		free(sel);
	}
}
