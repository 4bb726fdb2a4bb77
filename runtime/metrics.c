/* metrics.c — Prometheus/OpenMetrics exposition of maps and the HTTP server
 * that serves it (see metrics.h for the mapping from maps to metrics).
 *
 * The formatter works on the same (key, merged value) entries the map printer
 * gets, so it needs no libbpf. Histogram maps arrive as one entry per (user
 * key, bucket index); they are grouped per key here and turned into
 * cumulative buckets whose bounds follow the bucket layout of hist() and
 * lhist():
 *   hist(v, k):   bucket 0 holds v < 0; bucket i (1 <= i <= 2^(k+1)) holds
 *                 v == i - 1; above that, 2^k buckets per power of two, bucket
 *                 i starting where bucket i - 1 ends, the upper (exclusive)
 *                 end being 2^p * (2^k + j) with p = (i >> k) - 1, j = i mod 2^k.
 *   lhist(v, min, max, step): bucket 0 holds v < min; bucket i >= 1 holds
 *                 [min + (i-1)*step, min + i*step) while min + i*step <= max;
 *                 the next one holds everything from there up.
 *
 * The server is single-threaded and non-blocking: the runtime's event loop
 * calls metrics_server_wait() instead of sleeping, with the ring buffer's
 * epoll fd as @extra_fd, so a scrape is answered within one loop turn and
 * events keep flowing. One request per connection (Connection: close), at most
 * METRICS_MAX_CONNS connections; the listener is not polled while they are all
 * taken, and a connection that has not finished within
 * METRICS_CONN_TIMEOUT_MS is dropped. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime/metrics.h"
#include "runtime/output.h"
#include "runtime/output_int.h"

/* ---- names and label values ---- */

void metrics_family_name(struct sbuf *b, const char *map_name)
{
	const char *s = map_name ? map_name : "";

	if (*s == '@')
		s++;
	sbuf_puts(b, "scry_");
	if (!*s) {
		sbuf_puts(b, "map");
		return;
	}
	for (; *s; s++) {
		char c = *s;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_';

		sbuf_putc(b, keep ? c : '_');
	}
}

/* Length of the valid UTF-8 sequence at @s (at most @len bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void metrics_label_value(struct sbuf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (n == 0) {
			sbuf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
			continue;
		}
		if (p[i] == '\\')
			sbuf_puts(b, "\\\\");
		else if (p[i] == '"')
			sbuf_puts(b, "\\\"");
		else if (p[i] == '\n')
			sbuf_puts(b, "\\n");
		else
			sbuf_put(b, p + i, n);
		i += n;
	}
}

/* ---- samples ---- */

/* One output line's labels and value, collected so that samples can be
 * sorted by their labels before they are written. */
struct sample {
	char *labels;   /* "key=\"a\"" or "" */
	const uint8_t *key;
	const uint8_t *val;
};

static int cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return strcmp(x->labels, y->labels);
}

static void put_one_label(struct sbuf *b, const char *name, const struct type *t, const void *data,
			  const struct out_sym *sym)
{
	struct sbuf v = { 0 };

	out_value(&v, t, data, sym);
	sbuf_puts(b, name);
	sbuf_puts(b, "=\"");
	metrics_label_value(b, v.s ? v.s : "", v.len);
	sbuf_putc(b, '"');
	sbuf_fini(&v);
}

/* key="..." or key0="...",key1="..." for the user key at @key. */
static char *key_labels(const struct map_info *m, const uint8_t *key, const struct out_sym *sym)
{
	const struct type *kt = m->key_type;
	struct sbuf b = { 0 };

	if (kt && kt->kind == TY_TUPLE) {
		for (uint32_t i = 0; i < kt->n_fields; i++) {
			char name[24];

			snprintf(name, sizeof(name), "key%u", i);
			if (i)
				sbuf_putc(&b, ',');
			put_one_label(&b, name, kt->fields[i].type, key + kt->fields[i].offset,
				      sym);
		}
	} else if (kt) {
		put_one_label(&b, "key", kt, key, sym);
	}
	sbuf_str(&b); /* NUL-terminates, allocating when empty */
	return b.s;
}

/* name{labels[,extra]} */
static void put_series(struct sbuf *b, const char *name, const char *suffix, const char *labels,
		       const char *extra)
{
	bool has_l = labels && *labels, has_e = extra && *extra;

	sbuf_puts(b, name);
	sbuf_puts(b, suffix);
	if (has_l || has_e) {
		sbuf_putc(b, '{');
		if (has_l)
			sbuf_puts(b, labels);
		if (has_l && has_e)
			sbuf_putc(b, ',');
		if (has_e)
			sbuf_puts(b, extra);
		sbuf_putc(b, '}');
	}
	sbuf_putc(b, ' ');
}

static void put_int(struct sbuf *b, uint64_t v, bool is_signed)
{
	if (is_signed)
		sbuf_printf(b, "%lld\n", (long long)(int64_t)v);
	else
		sbuf_printf(b, "%llu\n", (unsigned long long)v);
}

static void put_i128(struct sbuf *b, __int128 v)
{
	if (v >= INT64_MIN && v <= INT64_MAX)
		sbuf_printf(b, "%lld\n", (long long)v);
	else
		sbuf_printf(b, "%.17g\n", (double)v);
}

static void put_double(struct sbuf *b, double d)
{
	sbuf_printf(b, "%.17g\n", d);
}

/* ---- histograms ---- */

/* Bounds of bucket @i: *lo is the smallest value it holds (for the open-ended
 * lowest bucket, its largest), *hi its largest. Returns false when the bucket
 * has no finite upper bound (only +Inf covers it). */
static bool hist_bounds(const struct type *vt, uint64_t i, __int128 *lo, __int128 *hi)
{
	if (vt->kind == TY_LHIST) {
		__int128 step = vt->lstep ? vt->lstep : 1, min = vt->lmin;

		if (i == 0) {
			*lo = *hi = min - 1;
			return true;
		}
		*lo = min + (__int128)(i - 1) * step;
		if (min + (__int128)i * step > vt->lmax)
			return false;
		*hi = min + (__int128)i * step - 1;
		return true;
	} else {
		uint32_t k = vt->n > 30 ? 30 : vt->n;
		uint64_t n = 1ull << k;
		__int128 upper[2];

		if (i == 0) {
			*lo = *hi = -1;
			return true;
		}
		/* exclusive upper ends of buckets i - 1 and i */
		for (int d = 0; d < 2; d++) {
			uint64_t j = i - 1 + (uint64_t)d, power;

			if (j <= 2 * n) {
				upper[d] = (__int128)j;
				continue;
			}
			power = (j >> k) - 1;
			if (power > 64) {
				upper[d] = -1; /* beyond any 64-bit value */
				continue;
			}
			upper[d] = ((__int128)1 << power) * (__int128)(n + (j & (n - 1)));
		}
		*lo = upper[0] < 0 ? (__int128)UINT64_MAX : upper[0];
		if (upper[1] < 0 || upper[1] - 1 > (__int128)UINT64_MAX)
			return false;
		*hi = upper[1] - 1;
		return true;
	}
}

static void put_le(char *out, size_t size, __int128 v)
{
	if (v < 0)
		snprintf(out, size, "le=\"%lld\"", (long long)v);
	else
		snprintf(out, size, "le=\"%llu\"", (unsigned long long)v);
}

struct hist_row {
	const uint8_t *key;
	uint64_t bucket;
	uint64_t count;
};

static int cmp_hist_row(const void *a, const void *b, void *arg)
{
	const struct hist_row *x = a, *y = b;
	uint32_t ks = *(const uint32_t *)arg;
	int c = ks ? memcmp(x->key, y->key, ks) : 0;

	if (c)
		return c;
	return x->bucket < y->bucket ? -1 : x->bucket > y->bucket;
}

/* Writes one histogram (the buckets of one key, sorted by index). */
static void put_histogram(struct sbuf *b, const char *name, const struct type *vt,
			  const char *labels, const struct hist_row *rows, size_t n)
{
	uint64_t total = 0, cum = 0, hi_used = 0;
	__int128 sum = 0;
	size_t r = 0;
	uint64_t first;
	char le[64];

	for (size_t i = 0; i < n; i++) {
		__int128 lo, hi;

		if (!rows[i].count)
			continue;
		hist_bounds(vt, rows[i].bucket, &lo, &hi);
		total += rows[i].count;
		sum += lo * (__int128)rows[i].count;
		hi_used = rows[i].bucket;
	}
	/* hist: buckets from 0 (or 1, the zeros, when nothing was negative) up to
	 * the highest one used; lhist: its whole finite range, a stable set */
	first = vt->kind == TY_HIST && !(n && rows[0].bucket == 0 && rows[0].count) ? 1 : 0;
	for (uint64_t i = first;; i++) {
		__int128 lo, hi;

		if (i > hi_used && (vt->kind == TY_HIST || i > 1100))
			break;
		if (!hist_bounds(vt, i, &lo, &hi))
			break;
		while (r < n && rows[r].bucket <= i)
			cum += rows[r++].count;
		put_le(le, sizeof(le), hi);
		put_series(b, name, "_bucket", labels, le);
		put_int(b, cum, false);
	}
	put_series(b, name, "_bucket", labels, "le=\"+Inf\"");
	put_int(b, total, false);
	put_series(b, name, "_sum", labels, NULL);
	put_i128(b, sum);
	put_series(b, name, "_count", labels, NULL);
	put_int(b, total, false);
}

/* The rows of one key: rows[start, start + len). */
struct hgroup {
	char *labels;
	size_t start, len;
};

static int cmp_hgroup(const void *a, const void *b)
{
	const struct hgroup *x = a, *y = b;

	return strcmp(x->labels, y->labels);
}

static void format_hist(struct sbuf *b, const char *name, const struct map_info *m,
			const struct out_entry *entries, size_t n, const struct out_sym *sym)
{
	const struct type *vt = m->value_type;
	uint32_t ks = m->key_size >= 8 ? m->key_size - 8 : 0;
	uint32_t k = vt->n > 30 ? 30 : vt->n;
	uint64_t nb_max = vt->kind == TY_HIST ? (uint64_t)66 << k : 1u << 20;
	struct hist_row *rows = xcalloc(n ? n : 1, sizeof(*rows));
	struct hgroup *groups = xcalloc(n ? n : 1, sizeof(*groups));
	size_t nr = 0, ng = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t bucket = out_load_u((const uint8_t *)entries[i].key + ks, 8);

		if (bucket >= nb_max)
			continue;
		rows[nr].key = entries[i].key;
		rows[nr].bucket = bucket;
		rows[nr].count =
			out_load_u(entries[i].value, m->value_size < 8 ? m->value_size : 8);
		nr++;
	}
	if (nr > 1)
		qsort_r(rows, nr, sizeof(*rows), cmp_hist_row, &ks);
	for (size_t i = 0; i < nr; i++) {
		if (i && (!ks || memcmp(rows[i].key, rows[i - 1].key, ks) == 0)) {
			groups[ng - 1].len++;
			continue;
		}
		groups[ng].labels = key_labels(m, rows[i].key, sym);
		groups[ng].start = i;
		groups[ng].len = 1;
		ng++;
	}
	if (ng > 1)
		qsort(groups, ng, sizeof(*groups), cmp_hgroup);
	for (size_t g = 0; g < ng; g++) {
		put_histogram(b, name, vt, groups[g].labels, rows + groups[g].start, groups[g].len);
		free(groups[g].labels);
	}
	free(groups);
	free(rows);
}

/* ---- one map ---- */

enum fam_kind { FAM_NONE, FAM_COUNTER, FAM_GAUGE, FAM_SUMMARY, FAM_HISTOGRAM };

static enum fam_kind family_kind(const struct type *vt)
{
	switch (vt ? vt->kind : TY_NONE) {
	case TY_COUNT:
	case TY_SUM:
		return FAM_COUNTER;
	case TY_MIN:
	case TY_MAX:
	case TY_AVG:
	case TY_BOOL:
		return FAM_GAUGE;
	case TY_INT:
	case TY_ENUM:
		return vt->size == 1 || vt->size == 2 || vt->size == 4 || vt->size == 8 ? FAM_GAUGE
											: FAM_NONE;
	case TY_STATS:
		return FAM_SUMMARY;
	case TY_HIST:
	case TY_LHIST:
		return FAM_HISTOGRAM;
	default:
		return FAM_NONE;
	}
}

static const char *value_desc(const struct type *vt)
{
	switch (vt->kind) {
	case TY_COUNT: return "count()";
	case TY_SUM: return "sum()";
	case TY_MIN: return "min()";
	case TY_MAX: return "max()";
	case TY_AVG: return "avg()";
	case TY_STATS: return "stats()";
	case TY_HIST: return "hist()";
	case TY_LHIST: return "lhist()";
	default: return "value";
	}
}

static bool name_used(const struct strvec *used, const char *name)
{
	for (size_t i = 0; used && i < used->n; i++)
		if (strcmp(used->v[i], name) == 0)
			return true;
	return false;
}

/* Writes the sample of one non-histogram entry; false if it has no value yet. */
static bool put_value_sample(struct sbuf *b, const char *name, const char *suffix,
			     const struct type *vt, const char *labels, const uint8_t *v,
			     uint32_t vsize)
{
	switch (vt->kind) {
	case TY_COUNT:
	case TY_SUM:
		put_series(b, name, suffix, labels, NULL);
		put_int(b, out_load_u(v, vsize < 8 ? vsize : 8),
			vt->kind == TY_SUM && vt->is_signed);
		return true;
	case TY_MIN:
	case TY_MAX:
		if (vsize < 16 || !out_load_u(v + 8, 8))
			return false;
		put_series(b, name, suffix, labels, NULL);
		put_int(b, out_load_u(v, 8), vt->is_signed);
		return true;
	case TY_AVG: {
		uint64_t total, count;

		if (vsize < 16 || !(count = out_load_u(v + 8, 8)))
			return false;
		total = out_load_u(v, 8);
		put_series(b, name, suffix, labels, NULL);
		put_double(b, vt->is_signed ? (double)(int64_t)total / (double)count
					    : (double)total / (double)count);
		return true;
	}
	case TY_STATS:
		if (vsize < 16)
			return false;
		put_series(b, name, "_count", labels, NULL);
		put_int(b, out_load_u(v + 8, 8), false);
		put_series(b, name, "_sum", labels, NULL);
		put_int(b, out_load_u(v, 8), vt->is_signed);
		return true;
	case TY_BOOL:
		put_series(b, name, suffix, labels, NULL);
		put_int(b, v[0] ? 1 : 0, false);
		return true;
	default: {
		uint32_t size = vt->size < vsize ? vt->size : vsize;

		if (size != 1 && size != 2 && size != 4 && size != 8)
			return false;
		put_series(b, name, suffix, labels, NULL);
		if (vt->is_signed)
			put_int(b, (uint64_t)out_load_s(v, size), true);
		else
			put_int(b, out_load_u(v, size), false);
		return true;
	}
	}
}

bool metrics_format_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries,
			size_t n, const struct out_sym *sym, bool openmetrics, struct strvec *used)
{
	const struct type *vt = m->value_type;
	enum fam_kind fk = family_kind(vt);
	static const char *const type_names[] = { "", "counter", "gauge", "summary", "histogram" };
	struct sbuf fam = { 0 };
	const char *name, *suffix = "";

	if (fk == FAM_NONE)
		return false;
	metrics_family_name(&fam, m->name);
	if (name_used(used, sbuf_str(&fam)))
		sbuf_printf(&fam, "_%u", m->id);
	if (used)
		strvec_push(used, sbuf_str(&fam));
	/* counters: OpenMetrics names the family without _total, the classic
	 * format names it like its sample */
	if (fk == FAM_COUNTER) {
		if (openmetrics)
			suffix = "_total";
		else
			sbuf_puts(&fam, "_total");
	}
	name = sbuf_str(&fam);
	sbuf_printf(b, "# HELP %s %s map %s\n", name, value_desc(vt), m->name ? m->name : "@");
	sbuf_printf(b, "# TYPE %s %s\n", name, type_names[fk]);
	if (fk == FAM_HISTOGRAM) {
		format_hist(b, name, m, entries, n, sym);
	} else {
		struct sample *s = xcalloc(n ? n : 1, sizeof(*s));

		for (size_t i = 0; i < n; i++) {
			s[i].labels = key_labels(m, entries[i].key, sym);
			s[i].val = entries[i].value;
		}
		if (n > 1)
			qsort(s, n, sizeof(*s), cmp_sample);
		for (size_t i = 0; i < n; i++) {
			/* a scalar map has one value */
			if (m->key_type || i == 0)
				put_value_sample(b, name, suffix, vt, s[i].labels, s[i].val,
						 m->value_size);
			free(s[i].labels);
		}
		free(s);
	}
	sbuf_fini(&fam);
	return true;
}

void metrics_format_end(struct sbuf *b, bool openmetrics)
{
	if (openmetrics)
		sbuf_puts(b, "# EOF\n");
}

/* ---- the server ---- */

struct conn {
	int fd;                   /* -1: free slot */
	int64_t deadline;         /* ms on CLOCK_MONOTONIC */
	struct sbuf in;           /* the request as read so far */
	struct sbuf out;          /* the response */
	size_t out_off;           /* bytes of out already sent */
	bool writing;
};

struct metrics_server {
	int lfd;
	char addr[INET6_ADDRSTRLEN + 16];
	struct conn conns[METRICS_MAX_CONNS];
	unsigned n_conns;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool parse_port(const char *s, char out[8])
{
	unsigned long v = 0;
	size_t len = strlen(s);

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	snprintf(out, 8, "%lu", v);
	return true;
}

/* Splits "HOST:PORT", "[V6]:PORT", ":PORT", "PORT" into @host and @port. */
static bool split_addr(const char *addr, char *host, size_t host_size, char port[8])
{
	const char *colon, *h = addr;
	size_t hlen;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end || end[1] != ':')
			return false;
		h = addr + 1;
		hlen = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon) {
			snprintf(host, host_size, "127.0.0.1");
			return parse_port(addr, port);
		}
		if (memchr(addr, ':', (size_t)(colon - addr)))
			return false; /* a bare IPv6 address needs brackets */
		hlen = (size_t)(colon - addr);
	}
	if (hlen >= host_size)
		return false;
	if (hlen == 0) {
		if (addr[0] == '[')
			return false;
		snprintf(host, host_size, "127.0.0.1");
	} else {
		memcpy(host, h, hlen);
		host[hlen] = 0;
	}
	return parse_port(colon + 1, port);
}

static void set_addr_text(struct metrics_server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (getsockname(s->lfd, (struct sockaddr *)&ss, &len))
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(s->addr, sizeof(s->addr), "%s:%u", host, port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(s->addr, sizeof(s->addr), "[%s]:%u", host, port);
	}
}

struct metrics_server *metrics_server_new(const char *addr, char *err, size_t err_size)
{
	struct addrinfo hints = { 0 }, *ai = NULL, *p;
	char host[256], port[8];
	struct metrics_server *s;
	int rc, fd = -1, saved = 0;

	if (!addr || !split_addr(addr, host, sizeof(host), port)) {
		snprintf(err, err_size, "invalid --metrics address '%s' (expected ADDR:PORT)",
			 addr ? addr : "");
		return NULL;
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, err_size, "--metrics %s: cannot resolve '%s': %s", addr, host,
			 gai_strerror(rc));
		return NULL;
	}
	for (p = ai; p; p = p->ai_next) {
		int one = 1;

		fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    p->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, p->ai_addr, p->ai_addrlen) == 0 && listen(fd, 64) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		snprintf(err, err_size, "--metrics %s: cannot listen: %s", addr, strerror(saved));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->lfd = fd;
	for (unsigned i = 0; i < METRICS_MAX_CONNS; i++)
		s->conns[i].fd = -1;
	snprintf(s->addr, sizeof(s->addr), "%s", addr);
	set_addr_text(s);
	return s;
}

static void conn_close(struct metrics_server *s, struct conn *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	sbuf_fini(&c->in);
	sbuf_fini(&c->out);
	c->out_off = 0;
	c->writing = false;
	s->n_conns--;
}

void metrics_server_free(struct metrics_server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < METRICS_MAX_CONNS; i++)
		conn_close(s, &s->conns[i]);
	if (s->lfd >= 0)
		close(s->lfd);
	free(s);
}

const char *metrics_server_addr(const struct metrics_server *s)
{
	return s->addr;
}

static void respond(struct conn *c, int status, const char *reason, const char *ctype,
		    const char *extra_hdr, const char *body, size_t len, bool head)
{
	sbuf_reset(&c->out);
	sbuf_printf(&c->out,
		    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		    "Connection: close\r\n\r\n",
		    status, reason, ctype, len, extra_hdr ? extra_hdr : "");
	if (!head && len)
		sbuf_put(&c->out, body, len);
	c->out_off = 0;
	c->writing = true;
}

static bool header_has(const char *headers, const char *name, const char *needle)
{
	size_t nlen = strlen(name);

	for (const char *l = headers; l && *l;) {
		const char *eol = strstr(l, "\r\n");
		size_t len = eol ? (size_t)(eol - l) : strlen(l);

		if (len > nlen && strncasecmp(l, name, nlen) == 0 && l[nlen] == ':') {
			char *v = strndup(l + nlen + 1, len - nlen - 1);
			bool found = v && strcasestr(v, needle);

			free(v);
			if (found)
				return true;
		}
		l = eol ? eol + 2 : NULL;
	}
	return false;
}

static const char index_page[] =
	"<html><head><title>scry</title></head><body>"
	"<p>scry: the running program's maps are at <a href=\"/metrics\">/metrics</a>.</p>"
	"</body></html>\n";

/* Answers the complete request in c->in. */
static void handle_request(struct conn *c, metrics_render_fn *render, void *arg)
{
	char *req = c->in.s;
	char *line_end = strstr(req, "\r\n");
	char *sp1, *sp2, *q;
	bool head;

	if (!line_end)
		line_end = strchr(req, '\n');
	if (!line_end)
		goto bad;
	*line_end = 0;
	sp1 = strchr(req, ' ');
	if (!sp1)
		goto bad;
	*sp1 = 0;
	sp2 = strchr(sp1 + 1, ' ');
	if (!sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		goto bad;
	*sp2 = 0;
	q = strchr(sp1 + 1, '?');
	if (q)
		*q = 0;
	head = strcmp(req, "HEAD") == 0;
	if (!head && strcmp(req, "GET") != 0) {
		static const char msg[] = "method not allowed\n";

		respond(c, 405, "Method Not Allowed", "text/plain; charset=utf-8",
			"Allow: GET, HEAD\r\n", msg, sizeof(msg) - 1, false);
		return;
	}
	if (strcmp(sp1 + 1, "/metrics") == 0) {
		const char *headers = line_end + 1;
		bool om;

		if (*headers == '\n') /* the rest of a "\r\n" request line */
			headers++;
		om = header_has(headers, "Accept", "application/openmetrics-text");
		struct sbuf body = { 0 };

		render(arg, &body, om);
		respond(c, 200, "OK",
			om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			   : "text/plain; version=0.0.4; charset=utf-8",
			NULL, body.s ? body.s : "", body.len, head);
		sbuf_fini(&body);
	} else if (strcmp(sp1 + 1, "/") == 0) {
		respond(c, 200, "OK", "text/html; charset=utf-8", NULL, index_page,
			sizeof(index_page) - 1, head);
	} else {
		static const char msg[] = "not found: try /metrics\n";

		respond(c, 404, "Not Found", "text/plain; charset=utf-8", NULL, msg,
			sizeof(msg) - 1, head);
	}
	return;
bad: {
	static const char msg[] = "bad request\n";

	respond(c, 400, "Bad Request", "text/plain; charset=utf-8", NULL, msg, sizeof(msg) - 1,
		false);
}
}

static bool request_complete(const struct sbuf *in)
{
	return in->len &&
	       (memmem(in->s, in->len, "\r\n\r\n", 4) || memmem(in->s, in->len, "\n\n", 2));
}

/* Reads what is there; answers once the headers are complete. */
static void conn_read(struct metrics_server *s, struct conn *c, metrics_render_fn *render,
		      void *arg)
{
	char buf[4096];

	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(s, c);
			return;
		}
		if (r == 0) {
			conn_close(s, c);
			return;
		}
		sbuf_put(&c->in, buf, (size_t)r);
		if (c->in.len > METRICS_MAX_REQUEST) {
			static const char msg[] = "request too large\n";

			respond(c, 431, "Request Header Fields Too Large",
				"text/plain; charset=utf-8", NULL, msg, sizeof(msg) - 1, false);
			return;
		}
		if (request_complete(&c->in)) {
			sbuf_putc(&c->in, 0);
			handle_request(c, render, arg);
			return;
		}
	}
}

static void conn_write(struct metrics_server *s, struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t w = send(c->fd, c->out.s + c->out_off, c->out.len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(s, c);
			return;
		}
		c->out_off += (size_t)w;
	}
	shutdown(c->fd, SHUT_WR);
	conn_close(s, c);
}

static void accept_all(struct metrics_server *s)
{
	while (s->n_conns < METRICS_MAX_CONNS) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c = NULL;

		if (fd < 0)
			return; /* EAGAIN, or a connection that went away */
		for (unsigned i = 0; i < METRICS_MAX_CONNS; i++) {
			if (s->conns[i].fd < 0) {
				c = &s->conns[i];
				break;
			}
		}
		if (!c) {
			close(fd);
			return;
		}
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->deadline = now_ms() + METRICS_CONN_TIMEOUT_MS;
		s->n_conns++;
	}
}

int metrics_server_wait(struct metrics_server *s, int extra_fd, int timeout_ms,
			metrics_render_fn *render, void *arg)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		struct pollfd pfd[METRICS_MAX_CONNS + 2];
		struct conn *owner[METRICS_MAX_CONNS + 2];
		nfds_t n = 0;
		int64_t now = now_ms(), wait = deadline - now;
		int extra_idx = -1, lis_idx = -1, r, ready = 0;

		if (extra_fd >= 0) {
			extra_idx = (int)n;
			owner[n] = NULL;
			pfd[n++] = (struct pollfd){ .fd = extra_fd, .events = POLLIN };
		}
		if (s->n_conns < METRICS_MAX_CONNS) {
			lis_idx = (int)n;
			owner[n] = NULL;
			pfd[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		}
		for (unsigned i = 0; i < METRICS_MAX_CONNS; i++) {
			struct conn *c = &s->conns[i];

			if (c->fd < 0)
				continue;
			if (c->deadline - now < wait)
				wait = c->deadline - now;
			owner[n] = c;
			pfd[n++] = (struct pollfd){ .fd = c->fd,
						    .events = c->writing ? POLLOUT : POLLIN };
		}
		if (wait < 0)
			wait = 0;
		r = poll(pfd, n, (int)wait);
		if (r < 0)
			return -errno;
		if (extra_idx >= 0 && pfd[extra_idx].revents)
			ready = 1;
		for (nfds_t i = 0; i < n; i++) {
			struct conn *c = owner[i];

			if (!c || !pfd[i].revents || c->fd != pfd[i].fd)
				continue;
			if (!c->writing && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				conn_read(s, c, render, arg);
			if (c->fd >= 0 && c->writing)
				conn_write(s, c);
		}
		if (lis_idx >= 0 && pfd[lis_idx].revents)
			accept_all(s);
		now = now_ms();
		for (unsigned i = 0; i < METRICS_MAX_CONNS; i++)
			if (s->conns[i].fd >= 0 && now >= s->conns[i].deadline)
				conn_close(s, &s->conns[i]);
		if (ready)
			return 1;
		if (now >= deadline)
			return 0;
	}
}
