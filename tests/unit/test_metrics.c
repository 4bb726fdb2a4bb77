/* test_metrics.c — the Prometheus/OpenMetrics exposition of maps from
 * hand-built entries: names, label escaping, every exported value kind, and
 * histogram buckets against the bucket layout of hist() and lhist(). */
#include <stdlib.h>
#include <string.h>

#include "runtime/metrics.h"
#include "runtime/output.h"
#include "tests/unit/tap.h"

static struct arena A;

static struct type *ty(enum type_kind k, uint32_t size, bool is_signed)
{
	struct type *t = arena_alloc(&A, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->kind = k;
	t->size = size;
	t->align = size >= 8 ? 8 : (size ? size : 1);
	t->is_signed = is_signed;
	return t;
}

static struct type *t_str(uint32_t size)
{
	struct type *t = ty(TY_STRING, size, false);

	t->align = 1;
	return t;
}

/* (int64, string[8]) */
static struct type *t_pair(void)
{
	struct type *t = ty(TY_TUPLE, 16, false);

	t->fields = arena_alloc(&A, 2 * sizeof(*t->fields));
	memset(t->fields, 0, 2 * sizeof(*t->fields));
	t->n_fields = 2;
	t->fields[0].type = ty(TY_INT, 8, true);
	t->fields[0].offset = 0;
	t->fields[1].type = t_str(8);
	t->fields[1].offset = 8;
	return t;
}

static void put64(void *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static char *fmt_map(const struct map_info *m, const struct out_entry *e, size_t n, bool om)
{
	struct sbuf b = { 0 };
	struct strvec used = { 0 };

	char *s;

	metrics_format_map(&b, m, e, n, NULL, om, &used);
	strvec_fini(&used);
	s = xstrdup(sbuf_str(&b));
	sbuf_fini(&b);
	return s;
}

static void check(const struct map_info *m, const struct out_entry *e, size_t n, bool om,
		  const char *want, const char *name)
{
	char *got = fmt_map(m, e, n, om);

	is_str(got, want, name);
	free(got);
}

static void test_names(void)
{
	struct sbuf b = { 0 };

	metrics_family_name(&b, "@rq_lat");
	is_str(sbuf_str(&b), "scry_rq_lat", "family name from @name");
	sbuf_reset(&b);
	metrics_family_name(&b, "@");
	is_str(sbuf_str(&b), "scry_map", "the map @ is scry_map");
	sbuf_reset(&b);
	metrics_family_name(&b, "@a-b.c");
	is_str(sbuf_str(&b), "scry_a_b_c", "characters outside [A-Za-z0-9_] become _");
	sbuf_reset(&b);
	metrics_label_value(&b, "a\\b\"c\nd", 7);
	is_str(sbuf_str(&b), "a\\\\b\\\"c\\nd", "label value escapes \\ \" and newline");
	sbuf_reset(&b);
	metrics_label_value(&b, "x\xff\xc3\xa9y\xe2\x82", 7);
	is_str(sbuf_str(&b), "x\xef\xbf\xbd\xc3\xa9y\xef\xbf\xbd\xef\xbf\xbd",
	       "invalid UTF-8 bytes become U+FFFD, valid sequences stay");
	sbuf_fini(&b);
}

static void test_scalars(void)
{
	uint8_t v[16] = { 0 }, k[8] = { 0 };
	struct out_entry e = { k, v };

	{
		struct map_info m = { .name = "@c", .value_type = ty(TY_COUNT, 8, false),
				      .key_size = 8, .value_size = 8 };

		put64(v, 42);
		check(&m, &e, 1, false,
		      "# HELP scry_c_total count() map @c\n# TYPE scry_c_total counter\n"
		      "scry_c_total 42\n",
		      "count: counter, classic text names the family with _total");
		check(&m, &e, 1, true,
		      "# HELP scry_c count() map @c\n# TYPE scry_c counter\nscry_c_total 42\n",
		      "count: counter, OpenMetrics family without _total");
		check(&m, &e, 0, true, "# HELP scry_c count() map @c\n# TYPE scry_c counter\n",
		      "an empty map writes its family header only");
	}
	{
		struct map_info m = { .name = "@s", .value_type = ty(TY_SUM, 8, true),
				      .key_size = 8, .value_size = 8 };

		put64(v, (uint64_t)-5);
		check(&m, &e, 1, true, "# HELP scry_s sum() map @s\n# TYPE scry_s counter\n"
				       "scry_s_total -5\n",
		      "sum: counter, signed value");
	}
	{
		struct map_info m = { .name = "@mx", .value_type = ty(TY_MAX, 16, true),
				      .key_size = 8, .value_size = 16 };

		put64(v, 9);
		put64(v + 8, 0);
		check(&m, &e, 1, true, "# HELP scry_mx max() map @mx\n# TYPE scry_mx gauge\n",
		      "max not set yet: no sample");
		put64(v + 8, 1);
		put64(v, (uint64_t)-3);
		check(&m, &e, 1, true, "# HELP scry_mx max() map @mx\n# TYPE scry_mx gauge\n"
				       "scry_mx -3\n",
		      "max: gauge");
	}
	{
		struct map_info m = { .name = "@a", .value_type = ty(TY_AVG, 16, true),
				      .key_size = 8, .value_size = 16 };

		put64(v, 7);
		put64(v + 8, 2);
		check(&m, &e, 1, true,
		      "# HELP scry_a avg() map @a\n# TYPE scry_a gauge\nscry_a 3.5\n",
		      "avg: gauge total / count as a float");
	}
	{
		struct map_info m = { .name = "@st", .value_type = ty(TY_STATS, 16, true),
				      .key_size = 8, .value_size = 16 };

		put64(v, 30);
		put64(v + 8, 4);
		check(&m, &e, 1, true,
		      "# HELP scry_st stats() map @st\n# TYPE scry_st summary\n"
		      "scry_st_count 4\nscry_st_sum 30\n",
		      "stats: summary with _count and _sum");
	}
	{
		struct map_info m = { .name = "@i", .value_type = ty(TY_INT, 4, true),
				      .key_size = 8, .value_size = 4 };

		put64(v, 0xfffffffe);
		check(&m, &e, 1, false,
		      "# HELP scry_i value map @i\n# TYPE scry_i gauge\nscry_i -2\n",
		      "int value: gauge, sign-extended");
	}
	{
		struct map_info m = { .name = "@str", .value_type = t_str(8), .key_size = 8,
				      .value_size = 8 };
		struct sbuf b = { 0 };

		ok(!metrics_format_map(&b, &m, &e, 1, NULL, true, NULL) && b.len == 0,
		   "string values are not exported");
		sbuf_fini(&b);
	}
}

static void test_keys(void)
{
	uint8_t k[3][16], v[3][8];
	struct out_entry e[3];
	struct map_info m = { .name = "@x", .key_type = t_pair(),
			      .value_type = ty(TY_COUNT, 8, false), .key_size = 16,
			      .value_size = 8 };
	struct map_info ms = { .name = "@y", .key_type = t_str(8),
			       .value_type = ty(TY_COUNT, 8, false), .key_size = 8,
			       .value_size = 8 };

	memset(k, 0, sizeof(k));
	put64(k[0], 2);
	memcpy(k[0] + 8, "bb", 2);
	put64(k[1], 1);
	memcpy(k[1] + 8, "a\"q", 3);
	put64(k[2], (uint64_t)-1);
	memcpy(k[2] + 8, "z", 1);
	for (int i = 0; i < 3; i++) {
		put64(v[i], (uint64_t)(i + 1) * 10);
		e[i].key = k[i];
		e[i].value = v[i];
	}
	check(&m, e, 3, true,
	      "# HELP scry_x count() map @x\n# TYPE scry_x counter\n"
	      "scry_x_total{key0=\"-1\",key1=\"z\"} 30\n"
	      "scry_x_total{key0=\"1\",key1=\"a\\\"q\"} 20\n"
	      "scry_x_total{key0=\"2\",key1=\"bb\"} 10\n",
	      "tuple keys: key0, key1 labels, sorted by label text, escaped");

	memset(k, 0, sizeof(k));
	memcpy(k[0], "l1\nl2", 5);
	e[0].key = k[0];
	check(&ms, e, 1, true,
	      "# HELP scry_y count() map @y\n# TYPE scry_y counter\n"
	      "scry_y_total{key=\"l1\\nl2\"} 10\n",
	      "single key: key label, newline escaped");

	{
		struct strvec used = { 0 };
		struct sbuf b = { 0 };
		struct map_info m1 = { .name = "@", .id = 3, .value_type = ty(TY_INT, 8, true),
				       .key_size = 8, .value_size = 8 };
		struct map_info m2 = { .name = "@map", .id = 4, .value_type = ty(TY_INT, 8, true),
				       .key_size = 8, .value_size = 8 };

		put64(v[0], 1);
		e[0].value = v[0];
		metrics_format_map(&b, &m1, e, 1, NULL, true, &used);
		metrics_format_map(&b, &m2, e, 1, NULL, true, &used);
		metrics_format_end(&b, true);
		is_str(sbuf_str(&b),
		       "# HELP scry_map value map @\n# TYPE scry_map gauge\nscry_map 1\n"
		       "# HELP scry_map_4 value map @map\n# TYPE scry_map_4 gauge\nscry_map_4 1\n"
		       "# EOF\n",
		       "a family name already used gets the map id; OpenMetrics ends with # EOF");
		strvec_fini(&used);
		sbuf_fini(&b);
	}
}

/* A hist/lhist map from (bucket, count) pairs, no user key. */
static char *hist_text(struct type *vt, const uint64_t (*bc)[2], size_t n)
{
	struct map_info m = { .name = "@h", .value_type = vt, .key_size = 8, .value_size = 8 };
	uint8_t *k = calloc(n ? n : 1, 8), *v = calloc(n ? n : 1, 8);
	struct out_entry *e = calloc(n ? n : 1, sizeof(*e));
	char *s;

	for (size_t i = 0; i < n; i++) {
		put64(k + 8 * i, bc[i][0]);
		put64(v + 8 * i, bc[i][1]);
		e[i].key = k + 8 * i;
		e[i].value = v + 8 * i;
	}
	s = fmt_map(&m, e, n, true);
	free(k);
	free(v);
	free(e);
	return s;
}

static void test_hist(void)
{
	struct type *h0 = ty(TY_HIST, 8, false), *h2 = ty(TY_HIST, 8, false);
	struct type *lh = ty(TY_LHIST, 8, false);
	char *s;

	h2->n = 2;
	{
		/* hist(): 0 -> bucket 1, 1 -> 2, 2..3 -> 3, 4..7 -> 4, 8..15 -> 5 */
		static const uint64_t bc[][2] = { { 5, 1 }, { 1, 2 }, { 3, 4 }, { 2, 1 } };

		s = hist_text(h0, bc, 4);
		is_str(s,
		       "# HELP scry_h hist() map @h\n# TYPE scry_h histogram\n"
		       "scry_h_bucket{le=\"0\"} 2\nscry_h_bucket{le=\"1\"} 3\n"
		       "scry_h_bucket{le=\"3\"} 7\nscry_h_bucket{le=\"7\"} 7\n"
		       "scry_h_bucket{le=\"15\"} 8\nscry_h_bucket{le=\"+Inf\"} 8\n"
		       "scry_h_sum 17\nscry_h_count 8\n",
		       "hist: cumulative buckets, le = largest value, _sum from lower bounds");
		free(s);
	}
	{
		static const uint64_t bc[][2] = { { 0, 3 }, { 1, 1 } };

		s = hist_text(h0, bc, 2);
		is_str(s,
		       "# HELP scry_h hist() map @h\n# TYPE scry_h histogram\n"
		       "scry_h_bucket{le=\"-1\"} 3\nscry_h_bucket{le=\"0\"} 4\n"
		       "scry_h_bucket{le=\"+Inf\"} 4\nscry_h_sum -3\nscry_h_count 4\n",
		       "hist: negative values are le=-1");
		free(s);
	}
	{
		/* hist(v, 2): values 0..7 have their own bucket (1..8), then [8,10) is 9 */
		static const uint64_t bc[][2] = { { 6, 1 }, { 9, 2 } };

		s = hist_text(h2, bc, 2);
		is_str(s,
		       "# HELP scry_h hist() map @h\n# TYPE scry_h histogram\n"
		       "scry_h_bucket{le=\"0\"} 0\nscry_h_bucket{le=\"1\"} 0\n"
		       "scry_h_bucket{le=\"2\"} 0\nscry_h_bucket{le=\"3\"} 0\n"
		       "scry_h_bucket{le=\"4\"} 0\nscry_h_bucket{le=\"5\"} 1\n"
		       "scry_h_bucket{le=\"6\"} 1\nscry_h_bucket{le=\"7\"} 1\n"
		       "scry_h_bucket{le=\"9\"} 3\nscry_h_bucket{le=\"+Inf\"} 3\n"
		       "scry_h_sum 21\nscry_h_count 3\n",
		       "hist(v, 2): 4 buckets per power of two");
		free(s);
	}
	{
		/* lhist(v, 0, 10, 5): (..,0) [0,5) [5,10) [10,..) */
		static const uint64_t bc[][2] = { { 0, 1 }, { 2, 2 }, { 3, 4 } };

		lh->lmin = 0;
		lh->lmax = 10;
		lh->lstep = 5;
		s = hist_text(lh, bc, 3);
		is_str(s,
		       "# HELP scry_h lhist() map @h\n# TYPE scry_h histogram\n"
		       "scry_h_bucket{le=\"-1\"} 1\nscry_h_bucket{le=\"4\"} 1\n"
		       "scry_h_bucket{le=\"9\"} 3\nscry_h_bucket{le=\"+Inf\"} 7\n"
		       "scry_h_sum 49\nscry_h_count 7\n",
		       "lhist: its whole finite range, the overflow bucket only in +Inf");
		free(s);
	}
	{
		/* keyed hist: two keys, sorted by label */
		struct map_info m = { .name = "@k", .key_type = t_str(4), .value_type = h0,
				      .key_size = 12, .value_size = 8 };
		uint8_t k[3][12] = { { 0 } }, v[3][8];
		struct out_entry e[3];

		memcpy(k[0], "b", 1);
		put64(k[0] + 4, 2);
		memcpy(k[1], "a", 1);
		put64(k[1] + 4, 1);
		memcpy(k[2], "b", 1);
		put64(k[2] + 4, 1);
		for (int i = 0; i < 3; i++) {
			put64(v[i], 1);
			e[i].key = k[i];
			e[i].value = v[i];
		}
		check(&m, e, 3, true,
		      "# HELP scry_k hist() map @k\n# TYPE scry_k histogram\n"
		      "scry_k_bucket{key=\"a\",le=\"0\"} 1\n"
		      "scry_k_bucket{key=\"a\",le=\"+Inf\"} 1\n"
		      "scry_k_sum{key=\"a\"} 0\nscry_k_count{key=\"a\"} 1\n"
		      "scry_k_bucket{key=\"b\",le=\"0\"} 1\nscry_k_bucket{key=\"b\",le=\"1\"} 2\n"
		      "scry_k_bucket{key=\"b\",le=\"+Inf\"} 2\n"
		      "scry_k_sum{key=\"b\"} 1\nscry_k_count{key=\"b\"} 2\n",
		      "keyed hist: one histogram per key, key label before le");
	}
}

int main(void)
{
	arena_init(&A);
	test_names();
	test_scalars();
	test_keys();
	test_hist();
	arena_fini(&A);
	return done_testing();
}
