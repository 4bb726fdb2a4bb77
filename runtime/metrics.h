/* metrics.h — the running program's maps as Prometheus metrics
 * (scry --metrics ADDR:PORT): an exposition formatter and a small HTTP/1.1
 * server that the runtime's event loop drives with poll().
 *
 * Exposition (docs/metrics.md has the user-facing description):
 *   map @name           -> metric family scry_<name> (the map @ -> scry_map)
 *   count() sum()       -> counter  (sample scry_<name>_total; a sum that goes
 *                          down looks like a counter reset to Prometheus)
 *   min() max() avg()   -> gauge (avg: total / count as a float)
 *   stats()             -> summary (_sum and _count, no quantiles)
 *   integer/bool values -> gauge
 *   hist() lhist()      -> histogram: cumulative _bucket{le=...}, _sum, _count
 *   other values (strings, stacks, tuples, tseries) are not exported.
 * Keys become labels: key="..." for one key, key0, key1, ... for a tuple, each
 * the value's text as map printing shows it, escaped (\ " newline) and made
 * valid UTF-8. A bucket's le is the largest integer it holds (values are
 * integers), so [4, 8) is le="7". Histogram _sum is an estimate: the maps keep
 * only bucket counts, so each observation counts as its bucket's smallest
 * value (exact for single-value buckets such as hist's 0 and 1 or lhist with
 * step 1; the open-ended lowest bucket counts as its largest value).
 *
 * Two text formats: OpenMetrics 1.0 (when the scraper's Accept header asks for
 * application/openmetrics-text, as Prometheus does) and the classic Prometheus
 * text format 0.0.4 otherwise. */
#ifndef SCRY_RUNTIME_METRICS_H
#define SCRY_RUNTIME_METRICS_H

#include <stdbool.h>
#include <stddef.h>

struct map_info;
struct out_entry;
struct out_sym;
struct sbuf;
struct strvec;

/* ---- exposition (pure: no syscalls, unit-tested) ---- */

/* Appends the metric family name for map @map_name ("@x" -> "scry_x"). */
void metrics_family_name(struct sbuf *b, const char *map_name);

/* Appends @len bytes of @s as the inside of a label value: \ " and newline
 * escaped, bytes that are not valid UTF-8 replaced by U+FFFD. */
void metrics_label_value(struct sbuf *b, const char *s, size_t len);

/* Appends map @m's family (# HELP, # TYPE, samples). @entries are the map's
 * entries as the runtime reads them (struct out_entry, per-CPU values merged;
 * hist/lhist: one entry per key and bucket). @used holds the family names
 * already written in this exposition: a name in it gets a "_<map id>" suffix,
 * and the name written is added. Returns false (and appends nothing) for maps
 * whose values are not exported. */
bool metrics_format_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries,
			size_t n, const struct out_sym *sym, bool openmetrics, struct strvec *used);

/* Ends an exposition ("# EOF" in OpenMetrics, nothing in text 0.0.4). */
void metrics_format_end(struct sbuf *b, bool openmetrics);

/* ---- the HTTP server ---- */

struct metrics_server;

/* Writes the body of a /metrics response into @body. */
typedef void metrics_render_fn(void *arg, struct sbuf *body, bool openmetrics);

/* Parses @addr ("HOST:PORT", "[IPV6]:PORT", or ":PORT" / "PORT" for
 * 127.0.0.1), then binds and listens (non-blocking). Returns NULL with a
 * one-line message (no "ERROR: " prefix) in @err on a bad address or when the
 * socket cannot be bound. */
struct metrics_server *metrics_server_new(const char *addr, char *err, size_t err_size);
/* Closes the listener and every connection. Accepts NULL. */
void metrics_server_free(struct metrics_server *s);
/* The address actually bound ("127.0.0.1:9435"), e.g. after port 0. */
const char *metrics_server_addr(const struct metrics_server *s);

/* Waits up to @timeout_ms for the server's sockets and @extra_fd (ignored when
 * negative), serving every request that becomes ready: GET/HEAD /metrics
 * renders through @render, / answers a short page, anything else 404/405.
 * At most METRICS_MAX_CONNS connections are open; each one serves one request
 * (Connection: close) and is dropped after METRICS_CONN_TIMEOUT_MS.
 * Returns 1 as soon as @extra_fd is readable, 0 when the time is up, or
 * -errno (-EINTR when a signal arrived). */
int metrics_server_wait(struct metrics_server *s, int extra_fd, int timeout_ms,
			metrics_render_fn *render, void *arg);

#define METRICS_MAX_CONNS 16
#define METRICS_CONN_TIMEOUT_MS 10000
#define METRICS_MAX_REQUEST 8192

#endif
